//! PostgreSQL end to end: profile the test schema, generate it back with
//! every constraint enabled, and cross into SQLite and back.

use crate::util::*;
use patina::profile;
use patina::schema::{Identity, LogicalType, QualifiedName};

fn count(db: &PgDb, table: &str) -> i64 {
    db.scalar(&format!("SELECT count(*) FROM {table}"))
}

#[test]
fn profile_reads_the_whole_schema() {
    let source = shop_source();
    let dir = temp_dir();
    let out = dir.path().join("shop.json");
    patina_ok(&[
        "profile",
        "--source",
        &source.url(),
        "--out",
        s(&out),
        "--quiet",
    ]);
    let p = profile::read(&out).expect("the profile reads back");
    let names: Vec<String> = p.schema.tables.iter().map(|t| t.name.to_string()).collect();
    assert_eq!(
        names,
        [
            "Audit.Log Entries",
            "shop.customers",
            "shop.departments",
            "shop.employees",
            "shop.events",
            "shop.line_notes",
            "shop.order_lines",
            "shop.orders",
            "shop.products"
        ],
        "views and partitions are not tables"
    );
    let t = |name: &str| {
        p.schema
            .table(&QualifiedName::new(Some("shop"), name))
            .expect(name)
    };
    let customers = t("customers");
    assert_eq!(
        customers.column("id").unwrap().identity,
        Some(Identity::Always)
    );
    assert_eq!(
        customers.column("FullName").unwrap().logical_type,
        LogicalType::Text { max_length: None }
    );
    assert!(matches!(
        customers.column("tags").unwrap().logical_type,
        LogicalType::Array { .. }
    ));
    assert!(matches!(
        customers.column("search").unwrap().logical_type,
        LogicalType::Opaque { .. }
    ));
    assert_eq!(customers.uniques.len(), 1);
    assert_eq!(
        customers.foreign_keys[0].referenced_table, customers.name,
        "self-reference"
    );
    let orders = t("orders");
    assert_eq!(
        orders.column("id").unwrap().identity,
        Some(Identity::Serial)
    );
    assert!(orders.column("total_with_tax").unwrap().generated.is_some());
    assert!(matches!(
        orders.column("status").unwrap().logical_type,
        LogicalType::Enum { .. }
    ));
    assert_eq!(orders.checks.len(), 2);
    assert_eq!(
        t("order_lines").primary_key.as_ref().unwrap().columns,
        ["order_id", "line_no"]
    );
    assert_eq!(
        t("line_notes").foreign_keys[0].columns,
        ["order_id", "line_no"]
    );
    assert_eq!(
        t("products").column("price").unwrap().domain,
        Some(QualifiedName::new(Some("shop"), "positive_money"))
    );
    assert_eq!(
        p.schema.enums[0].values,
        ["new", "paid", "shipped", "cancelled"]
    );
    assert_eq!(p.schema.domains[0].checks.len(), 1);
    assert_eq!(
        t("events").partitioning.as_ref().unwrap().partitions.len(),
        2
    );
    let stats = p.stats(&orders.name).unwrap();
    assert_eq!(stats.row_count, 400);
    let shipped = stats.column("shipped_on").unwrap();
    assert!(
        (shipped.null_fraction - 0.75).abs() < 0.01,
        "{}",
        shipped.null_fraction
    );
    assert_eq!(stats.column("status").unwrap().distinct, Some(4));
    let email = p.stats(&customers.name).unwrap().column("email").unwrap();
    let len = email.length.as_ref().unwrap();
    assert_eq!((len.min, len.max), (17, 19));
}

#[test]
fn generates_back_into_postgres_with_every_constraint() {
    let source = shop_source();
    let dir = temp_dir();
    let out = dir.path().join("shop.json");
    profile_to(&source.url(), &out);
    let target = PgDb::new("dst");
    patina_ok(&[
        "generate",
        s(&out),
        "--target",
        &target.url(),
        "--create-schema",
        "--seed",
        "7",
        "--scale",
        "2",
        "-q",
    ]);
    for (table, rows) in [
        ("shop.customers", 400),
        ("shop.products", 100),
        ("shop.orders", 800),
        ("shop.order_lines", 2400),
        ("shop.line_notes", 200),
        ("shop.departments", 10),
        ("shop.employees", 60),
        ("shop.events", 1000),
        ("\"Audit\".\"Log Entries\"", 120),
    ] {
        assert_eq!(count(&target, table), rows, "{table}");
    }
    // The generated column is the database's, the sequences are past the data.
    assert_eq!(
        target.scalar(
            "SELECT count(*) FROM shop.orders WHERE total_with_tax <> round(total * 1.2, 2)"
        ),
        0
    );
    target.execute("INSERT INTO shop.orders (customer_id, status, placed_on, total) VALUES (1, 'new', '2024-01-01', 1)");
    assert_eq!(target.scalar("SELECT max(id)::int8 FROM shop.orders"), 801);
    target.execute(
        "INSERT INTO shop.customers (email, \"FullName\", country) VALUES ('new@x', 'n', 'US')",
    );
    // The cycle was broken and filled afterwards; CHECKs between columns hold.
    assert!(target.scalar("SELECT count(manager_id) FROM shop.departments") > 0);
    assert_eq!(
        target.scalar("SELECT count(*) FROM shop.orders WHERE shipped_on < placed_on"),
        0
    );
    assert_eq!(
        target.scalar("SELECT count(*) FROM shop.events_2023")
            + target.scalar("SELECT count(*) FROM shop.events_2024"),
        1000
    );
}

/// `--defer-indexes`: the same rows, and afterwards the same keys, unique
/// keys and foreign keys as a load that kept them all along.
#[test]
fn defer_indexes_adds_every_key_back_after_the_load() {
    let (dir, out) = shop_profile();
    let kept = generated("defer", &out, &["--create-schema", "-q"]);
    let deferred = generated("defer", &out, &["--create-schema", "--defer-indexes", "-q"]);
    let constraints = "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace \
                       WHERE n.nspname IN ('shop', 'Audit') AND c.contype = ";
    for kind in ["'p'", "'u'", "'f'", "'c'"] {
        let want = kept.scalar(&format!("{constraints}{kind}"));
        assert!(
            want > 0 || kind == "'u'",
            "the fixture has constraints of kind {kind}"
        );
        assert_eq!(
            deferred.scalar(&format!("{constraints}{kind}")),
            want,
            "constraints of kind {kind}"
        );
    }
    assert_eq!(kept.dump(), deferred.dump(), "the same rows either way");
    // The keys are real: a duplicate and an orphan are refused.
    assert!(
        deferred
            .try_execute("INSERT INTO shop.products SELECT * FROM shop.products LIMIT 1")
            .is_err()
    );
    assert!(
        deferred
            .try_execute("UPDATE shop.orders SET customer_id = -5 WHERE id = (SELECT min(id) FROM shop.orders)")
            .is_err()
    );
    // Files have no keys to defer.
    let err = patina_err(&[
        "generate",
        s(&out),
        "--out",
        s(dir.path()),
        "--create-schema",
        "--defer-indexes",
    ]);
    assert!(
        err.contains("--defer-indexes applies to a PostgreSQL or MySQL target"),
        "{err}"
    );
}

#[test]
fn fills_an_existing_schema_refuses_rows_and_rolls_back_failures() {
    let source = shop_source();
    let dir = temp_dir();
    let out = dir.path().join("shop.json");
    profile_to(&source.url(), &out);
    let target = PgDb::new("existing");
    target.execute(&fixture("schemas/shop.pg.sql"));
    patina_ok(&["generate", s(&out), "--target", &target.url(), "-q"]);
    assert_eq!(count(&target, "shop.orders"), 400);
    let err = patina_err(&["generate", s(&out), "--target", &target.url(), "-q"]);
    assert!(
        err.contains("already holds rows") && err.contains("--truncate"),
        "{err}"
    );
    patina_ok(&[
        "generate",
        s(&out),
        "--target",
        &target.url(),
        "--truncate",
        "--seed",
        "3",
        "-q",
    ]);
    assert_eq!(count(&target, "shop.orders"), 400);
    let before = target.dump();
    // Appending would collide with the keys already there: refused up front.
    let err = patina_err(&[
        "generate",
        s(&out),
        "--target",
        &target.url(),
        "--append",
        "-q",
    ]);
    assert!(err.contains("--append cannot add to table"), "{err}");
    // A CHECK the profile does not know fails the load midway, after the
    // truncation: the whole load is rolled back and the rows are all back.
    target
        .execute("ALTER TABLE shop.order_lines ADD CONSTRAINT tiny CHECK (quantity < 3) NOT VALID");
    let err = patina_err(&[
        "generate",
        s(&out),
        "--target",
        &target.url(),
        "--truncate",
        "--seed",
        "4",
        "-q",
    ]);
    assert!(
        err.contains("loading table `shop.order_lines`") && err.contains("tiny"),
        "{err}"
    );
    assert_eq!(target.dump(), before);
}

#[test]
fn rows_star_fills_a_schema_whose_tables_are_empty() {
    let source = PgDb::new("empty");
    source.execute(&fixture("schemas/shop.pg.sql"));
    let dir = temp_dir();
    let out = dir.path().join("empty.json");
    profile_to(&source.url(), &out);
    let target = PgDb::new("star");
    patina_ok(&[
        "generate",
        s(&out),
        "--target",
        &target.url(),
        "--create-schema",
        "--rows",
        "*=25",
        "--rows",
        "shop.orders=40",
        "-q",
    ]);
    assert_eq!(count(&target, "shop.customers"), 25);
    assert_eq!(count(&target, "shop.orders"), 40);
    assert_eq!(count(&target, "shop.order_lines"), 25);
    assert_eq!(count(&target, "\"Audit\".\"Log Entries\""), 25);
}

#[test]
fn postgres_profile_into_sqlite_and_sqlite_profile_into_postgres() {
    let source = shop_source();
    let dir = temp_dir();
    let out = dir.path().join("shop.json");
    profile_to(&source.url(), &out);
    let db = dir.path().join("shop.db");
    patina_ok(&[
        "generate",
        s(&out),
        "--target",
        &format!("sqlite://{}", s(&db)),
        "--create-schema",
        "-q",
    ]);
    let dump = sqlite_dump(&db);
    let orders = dump.iter().find(|(t, _)| t == "orders").expect("orders");
    assert_eq!(orders.1.len(), 400);
    assert_eq!(sqlite_count(&db, "Log Entries"), 60);

    let lite = dir.path().join("fixture.db");
    sqlite_from_sql(&lite, &fixture("schemas/shop.sqlite.sql"));
    let lite_profile = dir.path().join("lite.json");
    patina_ok(&[
        "profile",
        "--source",
        &format!("sqlite://{}", s(&lite)),
        "--out",
        s(&lite_profile),
        "-q",
    ]);
    let target = PgDb::new("fromlite");
    patina_ok(&[
        "generate",
        s(&lite_profile),
        "--target",
        &target.url(),
        "--create-schema",
        "--scale",
        "3",
        "-q",
    ]);
    assert_eq!(count(&target, "\"Invoice\""), 1200);
    assert_eq!(count(&target, "\"InvoiceTag\""), 900);
    assert_eq!(
        target.scalar("SELECT count(*) FROM \"Invoice\" WHERE \"Status\" NOT IN ('open', 'paid')"),
        0
    );
}

#[test]
fn refuses_to_write_into_the_source() {
    let source = shop_source();
    let dir = temp_dir();
    let out = dir.path().join("shop.json");
    profile_to(&source.url(), &out);
    let err = patina_err(&[
        "generate",
        s(&out),
        "--target",
        &source.url(),
        "--truncate",
        "-q",
    ]);
    assert!(err.contains("profile was taken from"), "{err}");
    assert_eq!(count(&source, "shop.orders"), 400);
}

#[test]
fn a_cycle_without_a_nullable_column_is_named() {
    let source = PgDb::new("cycle");
    source.execute(
        "CREATE TABLE a (id int PRIMARY KEY, b_id int NOT NULL);
         CREATE TABLE b (id int PRIMARY KEY, a_id int NOT NULL REFERENCES a (id) DEFERRABLE INITIALLY DEFERRED);
         ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b (id) DEFERRABLE INITIALLY DEFERRED;",
    );
    let dir = temp_dir();
    let out = dir.path().join("cycle.json");
    profile_to(&source.url(), &out);
    let err = patina_err(&["generate", s(&out), "--out", s(dir.path()), "--rows", "*=5"]);
    assert!(err.contains("public.a -> public.b -> public.a"), "{err}");
}

#[test]
fn schema_option_picks_the_schemas_to_read() {
    let source = shop_source();
    let dir = temp_dir();
    let out = dir.path().join("audit.json");
    patina_ok(&[
        "profile",
        "--source",
        &source.url(),
        "--out",
        s(&out),
        "--schema",
        "Audit",
        "-q",
    ]);
    let p = profile::read(&out).unwrap();
    assert_eq!(p.schema.tables.len(), 1);
    // Its foreign key into shop.orders points outside what was read: left out, and said so.
    assert!(p.schema.tables[0].foreign_keys.is_empty());
    let output = patina(&[
        "profile",
        "--source",
        &source.url(),
        "--out",
        s(&out),
        "--schema",
        "Audit",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("outside the profiled schemas"), "{stderr}");
    let err = patina_err(&[
        "profile",
        "--source",
        &source.url(),
        "--out",
        s(&out),
        "--schema",
        "nope",
    ]);
    assert!(err.contains("no tables in nope"), "{err}");
}

/// The profile generated under `--mess hostile` (`generate_hostile`) into
/// two fresh databases, with binary COPY where it applies and with
/// `--pg-text`: their dumps.
fn binary_and_text_dumps(profile: &std::path::Path) -> [Vec<(String, Vec<String>)>; 2] {
    ["pgbinary", "pgtext"].map(|name| {
        let target = PgDb::new(name);
        let extra: &[&str] = if name == "pgtext" {
            &["--pg-text"]
        } else {
            &[]
        };
        generate_hostile(s(profile), &target.url(), extra);
        target.dump()
    })
}

/// Tables whose columns all have types binary COPY sends are loaded in
/// binary, the others (and every table with `--pg-text`) as COPY text: the
/// same rows either way. The shop holds numerics under a domain, enums,
/// dates, timestamps with and without zone, reals, bytes, jsonb and text with
/// tabs and newlines, and `--mess hostile` adds NULLs, odd text and
/// fragmentation (whose CLUSTER once took the index's qualified name).
#[test]
fn binary_and_text_copy_store_the_same_rows() {
    let source = shop_source();
    let dir = temp_dir();
    let path = dir.path().join("shop.json");
    profile_to(&source.url(), &path);
    let dumps = binary_and_text_dumps(&path);
    assert!(dumps[0].iter().map(|(_, r)| r.len()).sum::<usize>() > 2000);
    assert_eq!(dumps[0], dumps[1]);
}

/// A target column of another type than the profile's (here `quantity`
/// made `bigint`) is loaded as COPY text, which the server
/// converts, not as binary values of the profile's type, which it would refuse.
#[test]
fn a_column_of_another_type_in_the_target_is_loaded_as_text() {
    let source = shop_source();
    let dir = temp_dir();
    let path = dir.path().join("shop.json");
    profile_to(&source.url(), &path);
    let target = PgDb::new("pgretyped");
    let url = target.url();
    patina_ok(&[
        "generate",
        s(&path),
        "--target",
        &url,
        "--create-schema",
        "--rows",
        "*=0",
        "-q",
    ]);
    target.execute("ALTER TABLE shop.order_lines ALTER COLUMN quantity TYPE bigint");
    patina_ok(&["generate", s(&path), "--target", &url, "--truncate", "-q"]);
    assert_eq!(count(&target, "shop.order_lines"), 1200);
    assert_eq!(
        target.scalar("SELECT count(*) FROM shop.order_lines WHERE quantity BETWEEN 1 AND 50"),
        1200
    );
}

/// A table of uuids (a key, a nullable column and a reference to the key)
/// loads through binary COPY with the same rows as through COPY text.
#[test]
fn uuid_tables_load_the_same_in_binary() {
    let source = PgDb::new("uuidsrc");
    source.execute(
        "CREATE TABLE tokens (id uuid PRIMARY KEY, parent uuid REFERENCES tokens (id), \
         spare uuid, n integer NOT NULL); \
         INSERT INTO tokens (id, n) SELECT gen_random_uuid(), g FROM generate_series(1, 300) g; \
         UPDATE tokens SET spare = gen_random_uuid() WHERE n % 3 = 0; \
         UPDATE tokens t SET parent = (SELECT id FROM tokens WHERE n = t.n - 1) WHERE n % 2 = 0",
    );
    let dir = temp_dir();
    let path = dir.path().join("tokens.json");
    profile_to(&source.url(), &path);
    let dumps = binary_and_text_dumps(&path);
    assert_eq!(dumps[0].len(), 1, "one table, tokens");
    assert_eq!(dumps[0][0].1.len(), 300);
    assert_eq!(dumps[0], dumps[1]);
}

/// How many transactions wrote a table's rows (their distinct `xmin`).
fn writers(db: &PgDb, table: &str) -> i64 {
    db.scalar(&format!("SELECT count(DISTINCT xmin::text) FROM {table}"))
}

/// `--sessions`: the same rows and keys as a load through one session,
/// written by several transactions at once.
#[test]
fn sessions_load_the_same_rows_through_several_transactions() {
    let (_dir, out) = shop_profile();
    let args = [
        "--create-schema",
        "--defer-indexes",
        "--chunk-rows",
        "100",
        "-q",
    ];
    let one = generated("sessions", &out, &args);
    let three = generated(
        "sessions",
        &out,
        &[&args[..], &["--sessions", "3"]].concat(),
    );
    assert_eq!(one.dump(), three.dump(), "the same rows either way");
    let constraints = "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace \
                       WHERE n.nspname IN ('shop', 'Audit') AND c.contype = ";
    for kind in ["'p'", "'f'", "'c'"] {
        let want = one.scalar(&format!("{constraints}{kind}"));
        assert!(want > 0, "the fixture has constraints of kind {kind}");
        assert_eq!(three.scalar(&format!("{constraints}{kind}")), want);
    }
    assert_eq!(writers(&one, "shop.order_lines"), 1);
    assert!(
        writers(&three, "shop.order_lines") > 1,
        "12 chunks of order_lines went through more than one session"
    );
    // A partitioned table goes through its parent in the other sessions too.
    assert!(writers(&three, "shop.events") > 1);
    // Its cycle-breaking foreign key is filled in by the load's session,
    // which only sees its own rows: departments stays there.
    assert_eq!(writers(&three, "shop.departments"), 1);
}

/// Drops order_lines' keys and foreign keys (and the foreign keys into it).
const UNKEY_LINES: &str = "DO $$ DECLARE r record; BEGIN \
    FOR r IN SELECT conname FROM pg_constraint WHERE conrelid = 'shop.order_lines'::regclass \
             AND contype IN ('p', 'u', 'f') LOOP \
      EXECUTE format('ALTER TABLE shop.order_lines DROP CONSTRAINT %I CASCADE', r.conname); \
    END LOOP; END $$";

/// Into an existing schema, `--sessions` spreads only the tables nothing
/// checks across rows of, says which it did not, and a failure in one of
/// the other sessions rolls back every table, in every session.
#[test]
fn sessions_keep_keyed_tables_in_the_load_session_and_fail_together() {
    let (dir, out) = shop_profile();
    let prepare = || {
        let target = PgDb::new("sessexist");
        target.execute(&fixture("schemas/shop.pg.sql"));
        target.execute(UNKEY_LINES);
        target
    };
    let load = |target: &PgDb, extra: &[&str]| {
        let url = target.url();
        let mut args = vec!["generate", s(&out), "--target", &url, "--chunk-rows", "100"];
        args.extend_from_slice(extra);
        patina(&args)
    };
    let one = prepare();
    let done = load(&one, &[]);
    assert!(done.status.success());
    let two = prepare();
    let done = load(&two, &["--sessions", "2"]);
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(done.status.success(), "{stderr}");
    assert_eq!(one.dump(), two.dump());
    assert!(writers(&two, "shop.order_lines") > 1);
    assert_eq!(writers(&two, "shop.orders"), 1, "a table with keys");
    assert!(
        stderr.contains("shop.orders: loaded through one session"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("shop.order_lines: loaded through"),
        "{stderr}"
    );
    // A CHECK the profile does not know fails order_lines in another
    // session: the tables the load's session wrote before it roll back too.
    let failing = prepare();
    failing.execute("ALTER TABLE shop.order_lines ADD CONSTRAINT tiny CHECK (quantity < 3)");
    let before = failing.dump();
    let err = patina_err(&[
        "generate",
        s(&out),
        "--target",
        &failing.url(),
        "--sessions",
        "2",
        "--chunk-rows",
        "100",
        "-q",
    ]);
    assert!(
        err.contains("loading table `shop.order_lines`") && err.contains("tiny"),
        "{err}"
    );
    assert_eq!(failing.dump(), before, "nothing of the load is left");
    // Where other sessions cannot work, the flag is refused up front.
    let err = patina_err(&[
        "generate",
        s(&out),
        "--out",
        s(dir.path()),
        "--sessions",
        "2",
    ]);
    assert!(
        err.contains("--sessions applies to a PostgreSQL target"),
        "{err}"
    );
    let err = patina_err(&[
        "generate",
        s(&out),
        "--target",
        &two.url(),
        "--truncate",
        "--sessions",
        "2",
    ]);
    assert!(err.contains("cannot be combined with --truncate"), "{err}");
}

/// With `--sessions`, `--create-schema` commits its DDL before the rows: a
/// load that fails after the other sessions committed (here adding a key
/// whose name a table already has) drops everything it created, and only
/// that: the schema and the table that were there stay.
#[test]
fn sessions_drop_the_schema_they_created_when_a_late_step_fails() {
    let (_dir, out) = shop_profile();
    let target = PgDb::new("sessundo");
    target.execute("CREATE SCHEMA shop; CREATE TABLE shop.order_lines_pkey (x integer)");
    let err = patina_err(&[
        "generate",
        s(&out),
        "--target",
        &target.url(),
        "--create-schema",
        "--defer-indexes",
        "--sessions",
        "2",
        "-q",
    ]);
    assert!(
        err.contains("after the load") && err.contains("order_lines_pkey"),
        "{err}"
    );
    let dump = target.dump();
    let tables: Vec<&str> = dump.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(tables, ["shop.order_lines_pkey"]);
    assert_eq!(
        target.scalar(
            "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
             WHERE n.nspname = 'shop' AND t.typname IN ('order_status', 'positive_money')"
        ),
        0,
        "the enum and the domain are gone"
    );
    assert_eq!(
        target.scalar("SELECT count(*) FROM pg_namespace WHERE nspname IN ('shop', 'Audit')"),
        1,
        "the schema created for the load is gone, the one there before stays"
    );
}

/// A step after the other sessions committed fails (here setting a sequence
/// past the rows, beyond its MAXVALUE): a table that was empty is emptied
/// again, as one session's rollback would leave it.
#[test]
fn sessions_empty_again_the_tables_they_filled_when_a_late_step_fails() {
    let source = PgDb::new("sessseqsrc");
    source.execute(
        "CREATE TABLE events (id integer GENERATED BY DEFAULT AS IDENTITY, n integer NOT NULL); \
         INSERT INTO events (n) SELECT g FROM generate_series(1, 500) g",
    );
    let dir = temp_dir();
    let path = dir.path().join("events.json");
    profile_to(&source.url(), &path);
    for sessions in ["1", "2"] {
        let target = PgDb::new("sessseq");
        target.execute(
            "CREATE TABLE events (id integer GENERATED BY DEFAULT AS IDENTITY (MAXVALUE 5), \
             n integer NOT NULL)",
        );
        let err = patina_err(&[
            "generate",
            s(&path),
            "--target",
            &target.url(),
            "--sessions",
            sessions,
            "--chunk-rows",
            "100",
            "-q",
        ]);
        assert!(
            err.contains("setting the sequence of `public.events.id`"),
            "{err}"
        );
        assert_eq!(count(&target, "events"), 0, "with {sessions} session(s)");
    }
}
