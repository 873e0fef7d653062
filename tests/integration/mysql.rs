//! MySQL and MariaDB end to end, and across engines in both directions.

use crate::util::*;
use patina::profile;
use patina::schema::{Identity, LogicalType, QualifiedName};

fn profile_of(url: &str, dir: &tempfile::TempDir, name: &str) -> String {
    let out = dir.path().join(name);
    patina_ok(&["profile", "--source", url, "--out", s(&out), "-q"]);
    s(&out).to_owned()
}

#[test]
fn profile_reads_the_mysql_schema() {
    let source = mysql_shop_source();
    let dir = temp_dir();
    let path = profile_of(&source.url(), &dir, "my.json");
    let p = profile::read(std::path::Path::new(&path)).unwrap();
    let names: Vec<&str> = p
        .schema
        .tables
        .iter()
        .map(|t| t.name.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["Order", "customers", "members", "order_lines", "teams"],
        "views are not tables"
    );
    let t = |n: &str| p.schema.table(&QualifiedName::new(None, n)).unwrap();
    let customers = t("customers");
    let id = customers.column("id").unwrap();
    assert_eq!(
        (id.identity, id.unsigned, &id.logical_type),
        (Some(Identity::AutoIncrement), true, &LogicalType::Int64)
    );
    assert!(matches!(
        customers.column("tier").unwrap().logical_type,
        LogicalType::Enum { .. }
    ));
    assert_eq!(
        customers.column("active").unwrap().logical_type,
        LogicalType::Boolean
    );
    assert_eq!(
        customers.column("profile").unwrap().logical_type,
        LogicalType::Json
    );
    assert_eq!(customers.uniques[0].columns, ["email"]);
    assert_eq!(customers.foreign_keys[0].referenced_table, customers.name);
    let tiers = p
        .schema
        .enums
        .iter()
        .find(|e| e.name.name == "customers_tier")
        .unwrap();
    assert_eq!(tiers.values, ["free", "pro", "enterprise"]);
    let order = t("Order");
    assert_eq!(order.checks.len(), 2);
    assert!(order.column("Doubled").unwrap().generated.is_some());
    assert_eq!(
        t("order_lines").primary_key.as_ref().unwrap().columns,
        ["order_id", "line_no"]
    );
    assert!(
        t("order_lines")
            .column("note")
            .unwrap()
            .collation
            .as_deref()
            .unwrap()
            .starts_with("utf8")
    );
    assert_eq!(p.stats(&order.name).unwrap().row_count, 300);
    // Sample statistics through MySQL's text forms: common values, calendar, fan-out.
    let customer_stats = p.stats(&customers.name).unwrap();
    let tier_values: Vec<&str> = customer_stats
        .column("tier")
        .unwrap()
        .most_common
        .iter()
        .map(|m| m.value.as_str())
        .collect();
    assert_eq!(tier_values, ["enterprise", "free", "pro"]);
    assert!(customer_stats.column("created_at").unwrap().time.is_some());
    let order_stats = p.stats(&order.name).unwrap();
    assert_eq!(order_stats.foreign_keys[0].referenced_parents, 150);
    assert_eq!(order_stats.time_order[0].earlier, "Placed");
    let shipped = p.stats(&order.name).unwrap().column("Shipped").unwrap();
    assert!(
        (shipped.null_fraction - 0.3333).abs() < 0.01,
        "{}",
        shipped.null_fraction
    );
}

#[test]
fn generates_back_into_mysql_with_every_constraint() {
    let source = mysql_shop_source();
    let dir = temp_dir();
    let path = profile_of(&source.url(), &dir, "my.json");
    let target = MyDb::new("mydst");
    patina_ok(&[
        "generate",
        &path,
        "--target",
        &target.url(),
        "--create-schema",
        "--scale",
        "2",
        "--seed",
        "3",
        "-q",
    ]);
    for (table, rows) in [
        ("customers", 300),
        ("`Order`", 600),
        ("order_lines", 1200),
        ("teams", 6),
        ("members", 10),
    ] {
        assert_eq!(
            target.scalar(&format!("SELECT COUNT(*) FROM {table}")),
            rows,
            "{table}"
        );
    }
    assert_eq!(
        target.scalar("SELECT COUNT(*) FROM `Order` WHERE `Shipped` < `Placed`"),
        0
    );
    assert_eq!(
        target.scalar("SELECT COUNT(*) FROM `Order` WHERE `Doubled` <> `Total` * 2"),
        0
    );
    assert_eq!(target.scalar("SELECT COUNT(*) FROM customers WHERE created_at < '1970-01-02' OR created_at > '2038-01-01'"), 0);
    assert!(
        target.scalar("SELECT COUNT(head_id) FROM teams") > 0,
        "the cycle's column was filled"
    );
    // AUTO_INCREMENT is past the data.
    target.execute("INSERT INTO customers (email, full_name) VALUES ('new@example.com', 'New')");
    assert_eq!(target.scalar("SELECT MAX(id) FROM customers"), 301);
}

#[test]
fn mysql_to_postgres_and_sqlite_and_back() {
    let source = mysql_shop_source();
    let dir = temp_dir();
    let my_profile = profile_of(&source.url(), &dir, "my.json");
    let pg = PgDb::new("frommy");
    patina_ok(&[
        "generate",
        &my_profile,
        "--target",
        &pg.url(),
        "--create-schema",
        "-q",
    ]);
    assert_eq!(pg.scalar("SELECT count(*) FROM \"Order\""), 300);
    assert_eq!(
        pg.scalar(
            "SELECT count(*) FROM customers WHERE tier::text NOT IN ('free', 'pro', 'enterprise')"
        ),
        0
    );
    let lite = dir.path().join("frommy.db");
    patina_ok(&[
        "generate",
        &my_profile,
        "--target",
        &format!("sqlite://{}", s(&lite)),
        "--create-schema",
        "-q",
    ]);
    assert_eq!(sqlite_count(&lite, "order_lines"), 600);

    let pg_source = shop_source();
    let pg_profile = profile_of(&pg_source.url(), &dir, "pg.json");
    let my = MyDb::new("frompg");
    patina_ok(&[
        "generate",
        &pg_profile,
        "--target",
        &my.url(),
        "--create-schema",
        "-q",
    ]);
    assert_eq!(my.scalar("SELECT COUNT(*) FROM orders"), 400);
    assert_eq!(my.scalar("SELECT COUNT(*) FROM `Log Entries`"), 60);
    assert_eq!(my.scalar("SELECT COUNT(*) FROM order_lines"), 1200);

    let sqlite_source = dir.path().join("fixture.db");
    sqlite_from_sql(&sqlite_source, &fixture("schemas/shop.sqlite.sql"));
    let lite_profile = profile_of(
        &format!("sqlite://{}", s(&sqlite_source)),
        &dir,
        "lite.json",
    );
    let my2 = MyDb::new("fromlite");
    patina_ok(&[
        "generate",
        &lite_profile,
        "--target",
        &my2.url(),
        "--create-schema",
        "--scale",
        "2",
        "-q",
    ]);
    assert_eq!(my2.scalar("SELECT COUNT(*) FROM `InvoiceTag`"), 600);
}

#[test]
fn existing_tables_refuse_then_truncate_and_a_failed_append_rolls_back() {
    let source = mysql_shop_source();
    let dir = temp_dir();
    let path = profile_of(&source.url(), &dir, "my.json");
    let target = mysql_shop_source();
    let err = patina_err(&["generate", &path, "--target", &target.url(), "-q"]);
    assert!(err.contains("already holds rows"), "{err}");
    patina_ok(&[
        "generate",
        &path,
        "--target",
        &target.url(),
        "--truncate",
        "-q",
    ]);
    assert_eq!(target.scalar("SELECT COUNT(*) FROM `Order`"), 300);
    let before = target.dump();
    let err = patina_err(&[
        "generate",
        &path,
        "--target",
        &target.url(),
        "--append",
        "-q",
    ]);
    assert!(err.contains("--append cannot add to table"), "{err}");
    // A rule the profile does not know (a trigger) fails the load after the
    // truncation: everything is rolled back.
    target.execute(
        "CREATE TRIGGER tiny BEFORE INSERT ON order_lines FOR EACH ROW \
         SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'tiny'",
    );
    let err = patina_err(&[
        "generate",
        &path,
        "--target",
        &target.url(),
        "--truncate",
        "--seed",
        "4",
        "-q",
    ]);
    assert!(err.contains("loading table `order_lines`"), "{err}");
    assert_eq!(target.dump(), before, "the failed load was rolled back");
}

#[test]
fn a_failed_create_schema_drops_the_tables_it_created() {
    let source = mysql_shop_source();
    let dir = temp_dir();
    let path = profile_of(&source.url(), &dir, "my.json");
    let target = MyDb::new("clash");
    // `teams` is created last (tables go in name order): make it clash.
    target.execute("CREATE TABLE teams (x INT)");
    let err = patina_err(&[
        "generate",
        &path,
        "--target",
        &target.url(),
        "--create-schema",
        "-q",
    ]);
    assert!(err.contains("CREATE TABLE `teams`"), "{err}");
    let tables = target.text("SELECT CONVERT(TABLE_NAME USING utf8mb4) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()");
    assert_eq!(
        tables,
        ["teams"],
        "only the table that was there before remains"
    );
}

#[test]
fn utf8mb3_columns_never_get_four_byte_characters() {
    let pg = PgDb::new("emoji");
    pg.execute(
        "CREATE TABLE t (id int PRIMARY KEY, v varchar(10) NOT NULL CHECK (v IN ('a\u{1F600}', 'b')));
         INSERT INTO t SELECT g, CASE WHEN g % 2 = 0 THEN 'a\u{1F600}' ELSE 'b' END FROM generate_series(1, 50) g;",
    );
    let dir = temp_dir();
    let path = profile_of(&pg.url(), &dir, "emoji.json");
    let target = MyDb::new("mb3");
    target.execute(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10) CHARACTER SET utf8mb3 NOT NULL)",
    );
    let stderr = patina_ok(&["generate", &path, "--target", &target.url(), "-q"]);
    assert!(
        stderr.contains("replaced by U+FFFD in utf8mb3 columns"),
        "{stderr}"
    );
    assert_eq!(target.scalar("SELECT COUNT(*) FROM t"), 50);
    assert_eq!(
        target.scalar("SELECT COUNT(*) FROM t WHERE v NOT IN ('a\u{FFFD}', 'b')"),
        0
    );
    assert!(target.scalar("SELECT COUNT(*) FROM t WHERE v = 'a\u{FFFD}'") > 0);
}

#[test]
fn mysql_contents_are_identical_for_1_and_8_threads() {
    let source = mysql_shop_source();
    let dir = temp_dir();
    let path = profile_of(&source.url(), &dir, "my.json");
    let mut dumps = Vec::new();
    for threads in ["1", "8"] {
        let target = MyDb::new(&format!("mydet{threads}"));
        patina_ok(&[
            "generate",
            &path,
            "--target",
            &target.url(),
            "--create-schema",
            "--threads",
            threads,
            "--chunk-rows",
            "64",
            "--seed",
            "4",
            "-q",
        ]);
        dumps.push(target.dump());
    }
    assert!(dumps[0].iter().map(|(_, r)| r.len()).sum::<usize>() > 1000);
    assert_eq!(dumps[0], dumps[1]);
}

/// `--defer-indexes` on MySQL: the same rows, then the same keys and foreign
/// keys as a load that kept them all along (AUTO_INCREMENT keeps its key).
#[test]
fn defer_indexes_adds_every_mysql_key_back_after_the_load() {
    let source = mysql_shop_source();
    let dir = temp_dir();
    let path = profile_of(&source.url(), &dir, "my.json");
    let load = |extra: &[&str]| {
        let target = MyDb::new("mydefer");
        let url = target.url();
        let mut args = vec!["generate", &path, "--target", &url, "--create-schema", "-q"];
        args.extend_from_slice(extra);
        patina_ok(&args);
        target
    };
    let kept = load(&[]);
    let deferred = load(&["--defer-indexes"]);
    let constraints = |db: &MyDb| {
        db.text(
            "SELECT CONCAT(TABLE_NAME, ' ', CONSTRAINT_TYPE, ' ', CONSTRAINT_NAME) \
             FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE() \
             ORDER BY 1",
        )
    };
    let want = constraints(&kept);
    assert!(want.iter().any(|c| c.contains("FOREIGN KEY")), "{want:?}");
    assert!(want.iter().any(|c| c.contains("PRIMARY KEY")), "{want:?}");
    assert_eq!(constraints(&deferred), want);
    assert_eq!(kept.dump(), deferred.dump(), "the same rows either way");
}

#[test]
fn unreachable_mysql_is_one_clear_line() {
    let dir = temp_dir();
    let out = dir.path().join("p.json");
    let err = patina_err(&[
        "profile",
        "--source",
        "mysql://root@127.0.0.1:1/x",
        "--out",
        s(&out),
    ]);
    assert!(err.contains("cannot connect to the MySQL source"), "{err}");
    let err = patina_err(&[
        "profile",
        "--source",
        &mysql_url("patina_no_such_db"),
        "--out",
        s(&out),
    ]);
    assert!(err.contains("patina_no_such_db"), "{err}");
}

#[test]
fn times_a_mysql_timestamp_cannot_hold_are_refused_naming_the_column() {
    let pg = PgDb::new("wide");
    pg.execute(
        "CREATE TABLE ev (id int PRIMARY KEY, at timestamp NOT NULL);
         INSERT INTO ev SELECT g, timestamp '1950-01-01' + g * interval '400 days' FROM generate_series(1, 90) g;",
    );
    let dir = temp_dir();
    let path = profile_of(&pg.url(), &dir, "wide.json");
    let target = MyDb::new("ts");
    target.execute(
        "CREATE TABLE ev (id INT PRIMARY KEY, at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
    );
    let err = patina_err(&["generate", &path, "--target", &target.url(), "-q"]);
    assert!(
        err.contains("`ev`.`at`") && err.contains("2038-01-19"),
        "{err}"
    );
    assert_eq!(target.scalar("SELECT COUNT(*) FROM ev"), 0);
    // Created by patina, the column is DATETIME(6) and takes every time.
    let fresh = MyDb::new("ts2");
    patina_ok(&[
        "generate",
        &path,
        "--target",
        &fresh.url(),
        "--create-schema",
        "-q",
    ]);
    assert_eq!(fresh.scalar("SELECT COUNT(*) FROM ev"), 90);
}

#[test]
fn long_text_keys_from_postgres_fit_their_mysql_column() {
    let pg = PgDb::new("longkey");
    pg.execute(
        "CREATE TABLE link (id int PRIMARY KEY, href text NOT NULL UNIQUE);
         INSERT INTO link SELECT g, 'https://example.com/' || repeat('x', 200 + g) FROM generate_series(1, 100) g;",
    );
    let dir = temp_dir();
    let path = profile_of(&pg.url(), &dir, "longkey.json");
    let target = MyDb::new("longkey");
    patina_ok(&[
        "generate",
        &path,
        "--target",
        &target.url(),
        "--create-schema",
        "-q",
    ]);
    assert_eq!(target.scalar("SELECT COUNT(*) FROM link"), 100);
    assert!(target.scalar("SELECT MAX(CHAR_LENGTH(href)) FROM link") > 255);
}

/// Rows go through `LOAD DATA LOCAL INFILE` where the server allows it, and
/// through INSERT statements with `--mysql-inserts`: the same rows either way
/// (the shop holds binary, text with quotes and newlines, times and NULLs).
#[test]
fn load_data_and_inserts_store_the_same_rows() {
    let source = mysql_shop_source();
    let dir = temp_dir();
    let path = profile_of(&source.url(), &dir, "my.json");
    let mut dumps = Vec::new();
    for (name, extra) in [
        ("myinfile", &[][..]),
        ("myinserts", &["--mysql-inserts"][..]),
    ] {
        let target = MyDb::new(name);
        generate_hostile(&path, &target.url(), extra);
        dumps.push(target.dump());
    }
    assert!(dumps[0].iter().map(|(_, r)| r.len()).sum::<usize>() > 1000);
    assert_eq!(dumps[0], dumps[1]);
}
