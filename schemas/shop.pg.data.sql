-- Rows for schemas/shop.pg.sql, so every column has statistics.
INSERT INTO shop.customers (email, "FullName", country, created_at, referred_by, tags, search, score)
SELECT 'user' || g || '@example.com', 'Person ' || g, (ARRAY['US', 'DE', 'FR', 'JP'])[1 + g % 4],
       timestamptz '2021-01-01 00:00:00+00' + g * interval '1 day',
       CASE WHEN g > 1 AND g % 3 = 0 THEN g - 1 END,
       CASE WHEN g % 5 = 0 THEN NULL ELSE ARRAY['vip', 'new'] END,
       to_tsvector('simple', 'person ' || g), (g % 100)::real
FROM generate_series(1, 200) AS g;

INSERT INTO shop.products (sku, "select", price, weight_g, status, payload, uid, photo)
SELECT 'SKU-' || lpad(g::text, 5, '0'), 'Product ' || g, (g * 3.25)::numeric(12,2),
       CASE WHEN g % 7 = 0 THEN NULL ELSE g * 10 END,
       CASE WHEN g % 10 = 0 THEN 'retired' ELSE 'active' END,
       jsonb_build_object('g', g), md5(g::text)::uuid, decode(md5(g::text), 'hex')
FROM generate_series(1, 50) AS g;

INSERT INTO shop.orders (customer_id, status, placed_on, shipped_on, total)
SELECT 1 + g % 200, (ARRAY['new', 'paid', 'shipped', 'cancelled'])[1 + g % 4]::shop.order_status,
       date '2022-01-01' + g, CASE WHEN g % 4 = 2 THEN date '2022-01-01' + g + 3 END, (g % 500) + 0.99
FROM generate_series(1, 400) AS g;

INSERT INTO shop.order_lines (order_id, line_no, sku, quantity)
SELECT o, l, 'SKU-' || lpad((1 + (o * l) % 50)::text, 5, '0'), 1 + (o + l) % 20
FROM generate_series(1, 400) AS o, generate_series(1, 3) AS l;

INSERT INTO shop.line_notes (order_id, line_no, note)
SELECT o, 1, CASE WHEN o % 2 = 0 THEN 'fragile' END FROM generate_series(1, 100) AS o;

INSERT INTO shop.departments (id, name) SELECT g, 'Dept ' || g FROM generate_series(1, 5) AS g;
INSERT INTO shop.employees (id, department_id, name) SELECT g, 1 + g % 5, 'Emp ' || g FROM generate_series(1, 30) AS g;
UPDATE shop.departments SET manager_id = id * 2 WHERE id <= 4;

INSERT INTO shop.events (id, happened_at, kind)
SELECT g, timestamp '2023-01-01' + g * interval '3 hours', (ARRAY['click', 'view'])[1 + g % 2]
FROM generate_series(1, 500) AS g;

INSERT INTO "Audit"."Log Entries" ("ID", "1st_seen", "order", "user")
SELECT g, timestamp '2023-06-01' + g * interval '1 minute', CASE WHEN g % 2 = 0 THEN g END, 'admin'
FROM generate_series(1, 60) AS g;
