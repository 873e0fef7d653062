//! The profiler's statistics against sources with a known shape.

use crate::util::*;

#[test]
fn statistics_match_a_source_with_a_known_shape() {
    let source = PgDb::new("shape");
    source.execute(
        "CREATE TABLE customer (id int PRIMARY KEY, tier text NOT NULL);
         CREATE TABLE purchase (id int PRIMARY KEY, customer_id int REFERENCES customer,
                                created_at timestamp NOT NULL, shipped_at timestamp, discount numeric(5,2));
         INSERT INTO customer SELECT g, CASE WHEN g % 4 = 0 THEN 'gold' ELSE 'basic' END FROM generate_series(1, 100) g;
         -- One heavy customer with 500 purchases, 49 customers with 10 each, 50 with none, 10 without customer.
         INSERT INTO purchase (id, customer_id, created_at, shipped_at, discount)
         SELECT g,
                CASE WHEN g <= 500 THEN 1 WHEN g <= 990 THEN 2 + (g - 501) / 10 ELSE NULL END,
                -- Seasonal: every other purchase in December 2021, the rest spread over 2020-2022 on Mondays.
                CASE WHEN g % 2 = 0 THEN timestamp '2021-12-06 10:00' + (g % 25) * interval '1 day'
                     ELSE timestamp '2020-01-06 15:00' + (g % 150) * interval '7 days' END,
                NULL,
                -- A column added later: NULL for every purchase before 2021.
                NULL
         FROM generate_series(1, 1000) g;
         UPDATE purchase SET shipped_at = created_at + interval '2 days';
         UPDATE purchase SET discount = 5 WHERE created_at >= '2021-01-01';",
    );
    let dir = temp_dir();
    let out = dir.path().join("shape.json");
    profile_to(&source.url(), &out);
    let p = patina::profile::read(&out).unwrap();
    let purchase = p
        .tables
        .iter()
        .find(|t| t.table.name == "purchase")
        .unwrap();
    let fk = &purchase.foreign_keys[0];
    assert_eq!(fk.null_fraction, 0.01);
    assert_eq!(fk.referenced_parents, 50);
    assert_eq!(fk.childless_share, 0.5);
    assert!(
        fk.heaviest_share > 0.5,
        "one parent holds half the children: {}",
        fk.heaviest_share
    );
    assert_eq!(*fk.children_per_parent.last().unwrap(), 500);
    let created = purchase.column("created_at").unwrap();
    let time = created.time.as_ref().unwrap();
    assert!(
        time.month[11] > 0.5,
        "December holds the seasonal half: {:?}",
        time.month
    );
    assert!(time.per_month.contains_key("2020-01") && time.per_month.contains_key("2022-11"));
    assert_eq!(purchase.time_order[0].earlier, "created_at");
    assert_eq!(purchase.time_order[0].later, "shipped_at");
    assert_eq!(purchase.time_order[0].share, 1.0);
    // The column added later is NULL before its era; its one value is kept (k = 10 met).
    let discount = purchase.column("discount").unwrap();
    // Odd purchases are weekly from 2020-01-06: 52 of every 150 fall before 2021.
    assert!(
        (discount.null_fraction - 0.173).abs() < 0.01,
        "{}",
        discount.null_fraction
    );
    let tier = p
        .tables
        .iter()
        .find(|t| t.table.name == "customer")
        .unwrap()
        .column("tier")
        .unwrap();
    assert_eq!(
        tier.most_common
            .iter()
            .map(|m| (m.value.as_str(), m.fraction))
            .collect::<Vec<_>>(),
        [("basic", 0.75), ("gold", 0.25)]
    );
    assert!(purchase.physical.is_some());
}

/// A sampled child table whose children are stored together (order lines):
/// a block sample sees an order's lines whole or not at all, so the fan-out
/// is counted exactly; the same in every engine.
#[test]
fn fan_out_of_a_sampled_table_is_exact() {
    // 3000 orders with 1 to 6 lines each (500 orders per count), 300 orders without lines.
    let setup = "CREATE TABLE orders (id int PRIMARY KEY);
         CREATE TABLE line (order_id int NOT NULL REFERENCES orders (id), no int NOT NULL,
                            PRIMARY KEY (order_id, no));
         INSERT INTO orders SELECT g FROM generate_series(1, 3300) g;";
    let lines =
        "INSERT INTO line SELECT o, n FROM generate_series(1, 3000) o, generate_series(1, 6) n
                 WHERE n <= 1 + (o - 1) / 500";
    let check = |path: &std::path::Path, engine: &str| {
        let p = patina::profile::read(path).unwrap();
        let line = p.tables.iter().find(|t| t.table.name == "line").unwrap();
        assert!(
            line.sampled_rows < line.row_count,
            "{engine}: the table was sampled"
        );
        let fk = &line.foreign_keys[0];
        assert_eq!(fk.referenced_parents, 3000, "{engine}");
        assert!(
            (fk.childless_share - 300.0 / 3300.0).abs() < 0.001,
            "{engine}: {fk:?}"
        );
        assert_eq!(fk.children_per_parent.first(), Some(&1), "{engine}: {fk:?}");
        assert_eq!(fk.children_per_parent.last(), Some(&6), "{engine}: {fk:?}");
        assert_eq!(fk.children_per_parent[10], 3, "{engine}: {fk:?}");
    };
    let dir = temp_dir();

    let pg = PgDb::new("fanout");
    pg.execute(&format!("{setup} {lines};"));
    let out = dir.path().join("pg.json");
    patina_ok(&[
        "profile",
        "--source",
        &pg.url(),
        "--out",
        s(&out),
        "--sample-rows",
        "2000",
        "-q",
    ]);
    check(&out, "PostgreSQL");

    let my = MyDb::new("fanout");
    my.execute("CREATE TABLE orders (id int PRIMARY KEY)");
    my.execute(
        "CREATE TABLE line (order_id int NOT NULL REFERENCES orders (id), no int NOT NULL,
                            PRIMARY KEY (order_id, no))",
    );
    my.execute("CREATE TABLE digit (d int)");
    my.execute("INSERT INTO digit VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)");
    my.execute(
        "INSERT INTO orders SELECT 1 + a.d * 1000 + b.d * 100 + c.d * 10 + e.d
         FROM digit a, digit b, digit c, digit e WHERE a.d * 1000 + b.d * 100 + c.d * 10 + e.d < 3300",
    );
    my.execute(
        "INSERT INTO line SELECT o.id, k.d FROM orders o, digit k
         WHERE o.id <= 3000 AND k.d BETWEEN 1 AND 1 + (o.id - 1) DIV 500",
    );
    my.execute("DROP TABLE digit");
    let out = dir.path().join("my.json");
    patina_ok(&[
        "profile",
        "--source",
        &my.url(),
        "--out",
        s(&out),
        "--sample-rows",
        "2000",
        "-q",
    ]);
    check(&out, "MariaDB");

    let lite = dir.path().join("fanout.db");
    sqlite_from_sql(
        &lite,
        "CREATE TABLE orders (id int PRIMARY KEY);
         CREATE TABLE line (order_id int NOT NULL REFERENCES orders (id), no int NOT NULL,
                            PRIMARY KEY (order_id, no));
         WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 3300)
         INSERT INTO orders SELECT n FROM g;
         WITH RECURSIVE o(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM o WHERE n < 3000),
              k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 6)
         INSERT INTO line SELECT o.n, k.n FROM o, k WHERE k.n <= 1 + (o.n - 1) / 500;",
    );
    let out = dir.path().join("lite.json");
    patina_ok(&[
        "profile",
        "--source",
        &format!("sqlite://{}", lite.display()),
        "--out",
        s(&out),
        "--sample-rows",
        "2000",
        "-q",
    ]);
    check(&out, "SQLite");
}

/// Orphans: child rows whose reference finds no parent, which only a
/// reference the database does not enforce lets in. 30 of 150 children here
/// (a share of 0.2); a second, enforced foreign key has none and the profile
/// leaves its share out.
#[test]
fn a_table_too_big_to_read_whole_is_sampled_by_parent_and_key_range() {
    // With --sample-rows 500, a table of more than 5 000 rows is neither
    // grouped nor read in key order whole: its children are counted for
    // sampled parents (through the key index on line.order_id), and one
    // range of 500 keys gives its id gaps. 7 000 orders: an order's line
    // count is its id mod 7 (0 to 6, a seventh childless); every tenth
    // ticket id is missing.
    let pg = PgDb::new("bigread");
    pg.execute(
        "CREATE TABLE orders (id int PRIMARY KEY);
         CREATE TABLE line (order_id int NOT NULL REFERENCES orders (id), no int NOT NULL,
                            PRIMARY KEY (order_id, no));
         CREATE TABLE ticket (id int PRIMARY KEY, opened date NOT NULL);
         INSERT INTO orders SELECT g FROM generate_series(1, 7000) g;
         INSERT INTO line SELECT o, n FROM generate_series(1, 7000) o, generate_series(1, 6) n
                          WHERE n <= o % 7;
         INSERT INTO ticket SELECT g, date '2020-01-01' + g / 10 FROM generate_series(1, 20000) g
                            WHERE g % 10 <> 0;",
    );
    // Statistics taken after the load (its changes counted first): fresh.
    pg.execute("ANALYZE");
    let dir = temp_dir();
    let out = dir.path().join("big.json");
    let url = pg.url();
    let profile = [
        "profile",
        "--source",
        &url,
        "--out",
        s(&out),
        "--sample-rows",
        "500",
        "-q",
    ];
    patina_ok(&profile);
    let p = patina::profile::read(&out).unwrap();
    let line = p.tables.iter().find(|t| t.table.name == "line").unwrap();
    assert!(line.row_count > 5000 && line.sampled_rows <= 500);
    let fk = &line.foreign_keys[0];
    let referenced = 6000.0;
    assert!(
        (fk.referenced_parents as f64 - referenced).abs() < referenced * 0.1,
        "{fk:?}"
    );
    assert!((fk.childless_share - 1.0 / 7.0).abs() < 0.05, "{fk:?}");
    assert_eq!(fk.children_per_parent.first(), Some(&1), "{fk:?}");
    assert_eq!(fk.children_per_parent.last(), Some(&6), "{fk:?}");
    // A block sample of 500 lines holds the lines of a few orders only:
    // the distinct count comes from the fresh pg_stats instead.
    let order_id = line
        .columns
        .iter()
        .find(|c| c.column == "order_id")
        .unwrap();
    let distinct = order_id.distinct.unwrap_or(0) as f64;
    assert!(
        (distinct - 6000.0).abs() < 900.0,
        "order_id distinct {distinct}"
    );
    let ticket = p.tables.iter().find(|t| t.table.name == "ticket").unwrap();
    let id = ticket.columns.iter().find(|c| c.column == "id").unwrap();
    let gaps = id.mess.as_ref().map_or(0.0, |m| m.id_gaps);
    assert!((gaps - 0.1).abs() < 0.02, "id gaps {gaps}");
    // The same source gives the same profile: the samples are repeatable.
    let again = dir.path().join("again.json");
    let profile = [
        "profile",
        "--source",
        &url,
        "--out",
        s(&again),
        "--sample-rows",
        "500",
        "-q",
    ];
    patina_ok(&profile);
    let strip = |p: &std::path::Path| {
        let text = std::fs::read_to_string(p).unwrap();
        text.lines()
            .filter(|l| !l.contains("captured_at"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&out), strip(&again));
    // With no time left, every table keeps its sample's statistics only,
    // each named on stderr: the ticket table's key order is not read.
    let cut = dir.path().join("cut.json");
    let args = [
        "profile",
        "--source",
        &url,
        "--out",
        s(&cut),
        "--sample-rows",
        "500",
    ];
    let stderr = patina_ok(&[&args[..], &["--time-budget", "0", "-q"]].concat());
    for table in ["line", "orders", "ticket"] {
        assert!(
            stderr.contains(&format!("time budget spent: table `public.{table}`")),
            "{stderr}"
        );
    }
    let p = patina::profile::read(&cut).unwrap();
    let ticket = p.tables.iter().find(|t| t.table.name == "ticket").unwrap();
    let id = ticket.columns.iter().find(|c| c.column == "id").unwrap();
    assert_eq!(id.mess.as_ref().map_or(0.0, |m| m.id_gaps), 0.0);
}

#[test]
fn big_mysql_and_sqlite_tables_are_sampled_without_reading_every_row() {
    // 20 000 tickets keyed by id with every tenth id missing (18 000 rows), a
    // tenth of them without a closing date: with --sample-rows 1000, MariaDB
    // reads 32 ranges of keys through the clustered index and SQLite looks up
    // random rowids. Either way the sample has the table's shape, its id gaps
    // come from one range of keys, and a second profile is the same.
    let dir = temp_dir();
    let check = |url: &str, engine: &str, null_share: f64| {
        let run = |file: &str| {
            let out = dir.path().join(file);
            patina_ok(&[
                "profile",
                "--source",
                url,
                "--out",
                s(&out),
                "--sample-rows",
                "1000",
                "-q",
            ]);
            let text = std::fs::read_to_string(&out).unwrap();
            let kept: Vec<&str> = text
                .lines()
                .filter(|l| !l.contains("captured_at"))
                .collect();
            (patina::profile::read(&out).unwrap(), kept.join("\n"))
        };
        let (p, first) = run(&format!("{engine}-1.json"));
        let (_, second) = run(&format!("{engine}-2.json"));
        assert_eq!(first, second, "{engine}: the same source, the same profile");
        let t = &p.tables[0];
        // MariaDB's count of a table this big is InnoDB's estimate.
        assert!(
            t.row_count.abs_diff(18_000) < 900,
            "{engine}: {}",
            t.row_count
        );
        assert!(
            t.sampled_rows > 800 && t.sampled_rows <= 1000,
            "{engine}: {}",
            t.sampled_rows
        );
        let column = |name: &str| t.columns.iter().find(|c| c.column == name).unwrap();
        let nulls = column("closed").null_fraction;
        assert!(
            (nulls - null_share).abs() < 0.03,
            "{engine}: closed NULL share {nulls}, {null_share} in the table"
        );
        let gaps = column("id").mess.as_ref().map_or(0.0, |m| m.id_gaps);
        assert!((gaps - 0.1).abs() < 0.02, "{engine}: id gaps {gaps}");
        // The sample spans the table: its histogram of ids reaches both ends.
        let bounds: Vec<f64> = column("id")
            .histogram
            .iter()
            .filter_map(|b| match b {
                patina::profile::StatValue::Number(n) => Some(*n),
                _ => None,
            })
            .collect();
        assert!(
            bounds.first().is_some_and(|b| *b < 2000.0),
            "{engine}: {bounds:?}"
        );
        assert!(
            bounds.last().is_some_and(|b| *b > 18_000.0),
            "{engine}: {bounds:?}"
        );
        // 4 500 groups: the sample sees about as many values as rows and
        // would call the column unique; the engine's statistics know better.
        let groups = column("grp").distinct.unwrap_or(0) as f64;
        assert!(
            (groups - 4500.0).abs() < 450.0,
            "{engine}: grp distinct {groups}"
        );
    };

    let my = MyDb::new("keyrange");
    my.execute("CREATE TABLE ticket (id int PRIMARY KEY, closed date, grp int)");
    my.execute("CREATE TABLE digit (d int)");
    my.execute("INSERT INTO digit VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)");
    my.execute(
        "INSERT INTO ticket SELECT n, CASE WHEN n * 2654435761 % 4294967296 % 10 = 0 THEN NULL ELSE '2024-01-01' END,
                n % 5000
         FROM (SELECT 1 + a.d * 10000 + b.d * 1000 + c.d * 100 + e.d * 10 + f.d AS n
               FROM digit a, digit b, digit c, digit e, digit f) g
         WHERE n <= 20000 AND n % 10 <> 0",
    );
    my.execute("DROP TABLE digit");
    my.execute("ANALYZE TABLE ticket PERSISTENT FOR ALL");
    let nulls = my.scalar("SELECT COUNT(*) FROM ticket WHERE closed IS NULL") as f64 / 18_000.0;
    check(&my.url(), "MariaDB", nulls);

    let lite = dir.path().join("ticket.db");
    sqlite_from_sql(
        &lite,
        "CREATE TABLE ticket (id INTEGER PRIMARY KEY, closed TEXT, grp INTEGER);
         CREATE INDEX ticket_grp ON ticket (grp);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
         INSERT INTO ticket SELECT i, CASE WHEN i * 2654435761 % 4294967296 % 10 = 0 THEN NULL ELSE '2024-01-01' END,
                i % 5000
         FROM n WHERE i % 10 <> 0;
         ANALYZE;",
    );
    let nulls = sqlite_scalar(&lite, "SELECT count(*) FROM ticket WHERE closed IS NULL") as f64;
    check(
        &format!("sqlite://{}", lite.display()),
        "SQLite",
        nulls / 18_000.0,
    );
}

#[test]
fn orphan_share_of_an_unenforced_reference() {
    let check = |path: &std::path::Path, engine: &str| {
        let p = patina::profile::read(path).unwrap();
        let child = p.tables.iter().find(|t| t.table.name == "child").unwrap();
        let schema = p
            .schema
            .tables
            .iter()
            .find(|t| t.name.name == "child")
            .unwrap();
        let share = |column: &str| {
            let f = schema
                .foreign_keys
                .iter()
                .position(|f| f.columns == [column])
                .unwrap_or_else(|| panic!("{engine}: a foreign key on {column}"));
            child.foreign_keys[f].orphan_share
        };
        assert!(
            (share("parent_id") - 0.2).abs() < 1e-9,
            "{engine}: {:?}",
            child.foreign_keys
        );
        assert_eq!(share("other_id"), 0.0, "{engine}");
        let text = std::fs::read_to_string(path).unwrap();
        assert_eq!(
            text.matches("\"orphan_share\"").count(),
            1,
            "{engine}: left out when 0"
        );
        let shown = String::from_utf8(patina(&["inspect", s(path)]).stdout).unwrap();
        assert!(
            shown.contains("20.0% of references are orphans"),
            "{engine}: {shown}"
        );
    };
    let dir = temp_dir();
    let profile = |url: &str, name: &str| {
        let out = dir.path().join(name);
        patina_ok(&["profile", "--source", url, "--out", s(&out), "-q"]);
        out
    };

    // PostgreSQL: a foreign key added NOT VALID leaves the rows already there unchecked.
    let pg = PgDb::new("orphans");
    pg.execute(
        "CREATE TABLE parent (id int PRIMARY KEY);
         INSERT INTO parent SELECT g FROM generate_series(1, 50) g;
         CREATE TABLE child (id int PRIMARY KEY, parent_id int, other_id int REFERENCES parent (id));
         INSERT INTO child SELECT g, CASE WHEN g <= 30 THEN 1000 + g ELSE 1 + g % 50 END, 1 + g % 50
           FROM generate_series(1, 150) g;
         INSERT INTO child VALUES (151, NULL, 1), (152, NULL, 2);
         ALTER TABLE child ADD FOREIGN KEY (parent_id) REFERENCES parent (id) NOT VALID;",
    );
    check(&profile(&pg.url(), "pg.json"), "PostgreSQL");

    // MariaDB: rows loaded with foreign_key_checks = 0.
    let my = MyDb::new("orphans");
    my.execute(
        "CREATE TABLE parent (id int PRIMARY KEY);
         CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id),
                             other_id int REFERENCES parent (id));
         CREATE TABLE digit (d int);
         INSERT INTO digit VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9);
         INSERT INTO parent SELECT 1 + a.d * 10 + b.d FROM digit a, digit b WHERE a.d < 5;
         SET SESSION foreign_key_checks = 0;
         INSERT INTO child SELECT g, CASE WHEN g <= 30 THEN 1000 + g ELSE 1 + g % 50 END, 1 + g % 50
           FROM (SELECT 1 + a.d * 100 + b.d * 10 + c.d AS g FROM digit a, digit b, digit c) n
           WHERE g <= 150;
         INSERT INTO child VALUES (151, NULL, 1), (152, NULL, 2);
         SET SESSION foreign_key_checks = 1;
         DROP TABLE digit;",
    );
    check(&profile(&my.url(), "my.json"), "MariaDB");

    // SQLite: foreign keys declared, not enforced without PRAGMA foreign_keys = ON.
    let lite = dir.path().join("orphans.db");
    sqlite_from_sql(
        &lite,
        "PRAGMA foreign_keys = OFF;
         CREATE TABLE parent (id int PRIMARY KEY);
         CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id),
                             other_id int REFERENCES parent (id));
         WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 50)
         INSERT INTO parent SELECT n FROM g;
         WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 150)
         INSERT INTO child SELECT n, CASE WHEN n <= 30 THEN 1000 + n ELSE 1 + n % 50 END, 1 + n % 50 FROM g;
         INSERT INTO child VALUES (151, NULL, 1), (152, NULL, 2);",
    );
    check(
        &profile(&format!("sqlite://{}", lite.display()), "lite.json"),
        "SQLite",
    );
}
