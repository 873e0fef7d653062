-- The project's SQLite test schema (with rows), used by tests/integration.
PRAGMA foreign_keys = ON;

CREATE TABLE "Customer" (
    "CustomerId" INTEGER PRIMARY KEY,
    "Email"      NVARCHAR(60) NOT NULL,
    "FirstName"  NVARCHAR(40) NOT NULL,
    "Country"    NVARCHAR(40),
    "SupportRep" INTEGER REFERENCES "Customer" ("CustomerId"),
    "Joined"     DATETIME NOT NULL
);
CREATE UNIQUE INDEX "IFK_CustomerEmail" ON "Customer" ("Email");

CREATE TABLE "Invoice" (
    "InvoiceId"  INTEGER PRIMARY KEY AUTOINCREMENT,
    "CustomerId" INTEGER NOT NULL REFERENCES "Customer" ("CustomerId"),
    "Total"      NUMERIC(10,2) NOT NULL CHECK ("Total" >= 0),
    "Status"     TEXT NOT NULL CHECK ("Status" IN ('open', 'paid')),
    "Doubled"    NUMERIC(12,2) GENERATED ALWAYS AS ("Total" * 2) VIRTUAL
);

CREATE TABLE "Tag" ("Name" TEXT PRIMARY KEY, "Weight" REAL CHECK ("Weight" BETWEEN 0 AND 1));

CREATE TABLE "InvoiceTag" (
    "InvoiceId" INTEGER NOT NULL REFERENCES "Invoice" ("InvoiceId"),
    "Tag"       TEXT NOT NULL REFERENCES "Tag" ("Name"),
    PRIMARY KEY ("InvoiceId", "Tag")
);

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120)
INSERT INTO "Customer" SELECT i, 'c' || i || '@example.com', 'Name' || i,
    CASE WHEN i % 4 = 0 THEN NULL ELSE 'Country' || (i % 7) END,
    CASE WHEN i > 1 THEN i / 2 END, '2020-01-' || printf('%02d', 1 + i % 28) || ' 10:00:00' FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
INSERT INTO "Invoice" ("CustomerId", "Total", "Status") SELECT 1 + i % 120, (i % 90) + 0.99, CASE WHEN i % 3 = 0 THEN 'open' ELSE 'paid' END FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12)
INSERT INTO "Tag" SELECT 'tag' || i, i / 20.0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO "InvoiceTag" SELECT i, 'tag' || (1 + i % 12) FROM n;
