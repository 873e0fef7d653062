-- A clean PostgreSQL source in which every mess class has a column to hit:
-- e-mails and phones, a categorical status, a NOT NULL column with a
-- default (drift writes it in old rows), free text, a soft-delete time,
-- numbers, dates, JSON, an array, an integer key and a foreign key.
-- tests/integration/mess.rs profiles it, generates it with --mess hostile,
-- and profiles the result to find every class of the manifest again.
CREATE TABLE account (
    id          integer PRIMARY KEY,
    email       varchar(80) NOT NULL,
    phone       varchar(30),
    full_name   varchar(60) NOT NULL,
    status      varchar(12) NOT NULL,
    plan        varchar(10) NOT NULL DEFAULT 'basic',
    note        text,
    created_at  timestamp NOT NULL,
    deleted_at  timestamp,
    score       double precision,
    balance     numeric(12, 2),
    prefs       jsonb,
    tags        text[]
);

CREATE TABLE event (
    id           bigint PRIMARY KEY,
    account_id   integer NOT NULL REFERENCES account (id),
    happened_on  date NOT NULL,
    kind         varchar(16) NOT NULL
);

INSERT INTO account
SELECT i,
       'user' || i || '@example.com',
       '555-01' || lpad((i % 100)::text, 2, '0'),
       'Person ' || md5(i::text),
       (ARRAY['active', 'closed', 'pending'])[1 + i % 3],
       (ARRAY['basic', 'pro'])[1 + i % 2],
       'note about account ' || i,
       timestamp '2015-01-01' + (i * interval '37 hours'),
       NULL,
       (i % 1000) / 10.0,
       (i * 7 % 100000) / 100.0,
       jsonb_build_object('theme', (ARRAY['dark', 'light'])[1 + i % 2], 'size', i % 5),
       ARRAY['t' || (i % 4), 't' || (i % 7)]
FROM generate_series(1, 2000) AS i;

INSERT INTO event
SELECT i,
       1 + (i * 13) % 2000,
       date '2016-01-01' + (i % 2500),
       (ARRAY['login', 'purchase', 'logout', 'refund'])[1 + i % 4]
FROM generate_series(1, 20000) AS i;
