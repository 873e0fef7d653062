-- The project's PostgreSQL test schema: every feature the foundation must
-- carry through profile -> generate, in one small database.
-- Used by tests/integration (postgres.rs, determinism.rs) and docs.

CREATE SCHEMA shop;
CREATE SCHEMA "Audit";

CREATE TYPE shop.order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');
CREATE DOMAIN shop.positive_money AS numeric(12,2) CHECK (VALUE >= 0);

CREATE TABLE shop.customers (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       varchar(120) NOT NULL UNIQUE,
    "FullName"  text NOT NULL,
    country     char(2) NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    referred_by bigint REFERENCES shop.customers (id),
    tags        text[],
    search      tsvector,
    score       real CHECK (score BETWEEN 0 AND 100)
);
COMMENT ON TABLE shop.customers IS 'people who buy';

CREATE TABLE shop.products (
    sku      varchar(12) PRIMARY KEY,
    "select" text NOT NULL,
    price    shop.positive_money NOT NULL,
    weight_g integer CHECK (weight_g > 0),
    status   text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
    payload  jsonb,
    uid      uuid NOT NULL UNIQUE,
    photo    bytea
);

CREATE TABLE shop.orders (
    id             serial PRIMARY KEY,
    customer_id    bigint NOT NULL REFERENCES shop.customers (id),
    status         shop.order_status NOT NULL,
    placed_on      date NOT NULL,
    shipped_on     date,
    total          numeric(12,2) NOT NULL CHECK (total >= 0),
    total_with_tax numeric(14,2) GENERATED ALWAYS AS (total * 1.2) STORED,
    CHECK (shipped_on >= placed_on)
);

CREATE TABLE shop.order_lines (
    order_id integer NOT NULL REFERENCES shop.orders (id),
    line_no  smallint NOT NULL,
    sku      varchar(12) NOT NULL REFERENCES shop.products (sku),
    quantity integer NOT NULL CHECK (quantity > 0 AND quantity <= 50),
    PRIMARY KEY (order_id, line_no)
);

CREATE TABLE shop.line_notes (
    order_id integer NOT NULL,
    line_no  smallint NOT NULL,
    note     text,
    FOREIGN KEY (order_id, line_no) REFERENCES shop.order_lines (order_id, line_no)
);

-- A foreign-key cycle, broken by the nullable manager_id.
CREATE TABLE shop.departments (
    id         integer PRIMARY KEY,
    name       text NOT NULL UNIQUE,
    manager_id integer
);
CREATE TABLE shop.employees (
    id            integer PRIMARY KEY,
    department_id integer NOT NULL REFERENCES shop.departments (id),
    name          text NOT NULL
);
ALTER TABLE shop.departments ADD FOREIGN KEY (manager_id) REFERENCES shop.employees (id);

-- Declarative partitioning: filled through the parent.
CREATE TABLE shop.events (
    id          bigint NOT NULL,
    happened_at timestamp NOT NULL,
    kind        text NOT NULL
) PARTITION BY RANGE (happened_at);
CREATE TABLE shop.events_2023 PARTITION OF shop.events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE shop.events_2024 PARTITION OF shop.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- Identifiers of every kind: mixed case, spaces, reserved words, a leading digit.
CREATE TABLE "Audit"."Log Entries" (
    "ID"       integer PRIMARY KEY,
    "1st_seen" timestamp,
    "order"    integer REFERENCES shop.orders (id),
    "user"     text
);

-- A view is not a table: never profiled, never filled.
CREATE VIEW shop.big_orders AS SELECT * FROM shop.orders WHERE total > 100;
