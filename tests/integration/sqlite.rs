//! SQLite end to end: profile the SQLite test schema and generate it back.

use crate::util::*;
use patina::profile;
use patina::schema::{Identity, QualifiedName};

#[test]
fn profiles_and_regenerates_a_sqlite_file() {
    let dir = temp_dir();
    let source = dir.path().join("source.db");
    sqlite_from_sql(&source, &fixture("schemas/shop.sqlite.sql"));
    let out = dir.path().join("lite.json");
    patina_ok(&[
        "profile",
        "--source",
        &format!("sqlite://{}", s(&source)),
        "--out",
        s(&out),
        "-q",
    ]);
    let p = profile::read(&out).expect("the profile reads back");
    let table = |n: &str| p.schema.table(&QualifiedName::new(None, n)).expect(n);
    let customer = table("Customer");
    assert_eq!(
        customer.column("CustomerId").unwrap().identity,
        Some(Identity::AutoIncrement)
    );
    assert_eq!(customer.uniques[0].columns, ["Email"]);
    assert_eq!(customer.foreign_keys[0].referenced_table, customer.name);
    let invoice = table("Invoice");
    assert_eq!(invoice.checks.len(), 2);
    assert_eq!(
        invoice.column("Doubled").unwrap().generated.as_deref(),
        Some("(\"Total\" * 2)")
    );
    assert_eq!(
        table("InvoiceTag").primary_key.as_ref().unwrap().columns,
        ["InvoiceId", "Tag"]
    );
    let invoice_stats = p.stats(&invoice.name).unwrap();
    let status: Vec<&str> = invoice_stats
        .column("Status")
        .unwrap()
        .most_common
        .iter()
        .map(|m| m.value.as_str())
        .collect();
    assert_eq!(status, ["paid", "open"], "ordered by frequency");
    assert_eq!(invoice_stats.foreign_keys[0].referenced_parents, 120);
    let stats = p.stats(&customer.name).unwrap();
    assert_eq!(stats.row_count, 120);
    assert!((stats.column("Country").unwrap().null_fraction - 0.25).abs() < 0.01);

    let target = dir.path().join("staging.db");
    patina_ok(&[
        "generate",
        s(&out),
        "--target",
        &format!("sqlite://{}", s(&target)),
        "--create-schema",
        "--scale",
        "2",
        "-q",
    ]);
    let dump = sqlite_dump(&target);
    let rows = |t: &str| {
        dump.iter()
            .find(|(n, _)| n == t)
            .map(|(_, r)| r.len())
            .expect(t)
    };
    assert_eq!(rows("Customer"), 240);
    assert_eq!(rows("Invoice"), 800);
    assert_eq!(rows("Tag"), 24);
    assert_eq!(rows("InvoiceTag"), 600);
}

#[test]
fn a_failed_load_leaves_no_file_behind() {
    let dir = temp_dir();
    let source = dir.path().join("source.db");
    sqlite_from_sql(
        &source,
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL CHECK (v = lower(v)));
        INSERT INTO t VALUES (1, 'a'), (2, 'b');",
    );
    let out = dir.path().join("p.json");
    patina_ok(&[
        "profile",
        "--source",
        &format!("sqlite://{}", s(&source)),
        "--out",
        s(&out),
        "-q",
    ]);
    // patina cannot satisfy `v = lower(v)`: it says so and names the constraint.
    let target = dir.path().join("new.db");
    let url = format!("sqlite://{}", s(&target));
    let err = patina_err(&[
        "generate",
        s(&out),
        "--target",
        &url,
        "--create-schema",
        "-q",
    ]);
    assert!(
        err.contains("t_check1") && err.contains("--ignore-check"),
        "{err}"
    );
    // Told to ignore it, the load fails inside SQLite (capitalised words) and
    // the file patina created is gone again.
    let err = patina_err(&[
        "generate",
        s(&out),
        "--target",
        &url,
        "--create-schema",
        "--ignore-check",
        "t.t_check1",
        "--rows",
        "t=200",
        "-q",
    ]);
    assert!(err.contains("loading table `t`"), "{err}");
    assert!(
        !target.exists(),
        "a failed load into a new file leaves no file"
    );
}

/// SQLite has no statement timeout of its own: patina's progress handler
/// stops a statement past `--statement-timeout` and says so.
#[test]
fn a_statement_past_the_timeout_is_stopped() {
    let dir = temp_dir();
    let db = dir.path().join("slow.db");
    // Every read of `wide` computes a 2 MB string: a full scan takes seconds.
    sqlite_from_sql(
        &db,
        "CREATE TABLE slow (id INTEGER PRIMARY KEY, wide TEXT GENERATED ALWAYS AS (hex(zeroblob(1000000))) VIRTUAL);
         WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 20000)
         INSERT INTO slow (id) SELECT n FROM g;",
    );
    let out = dir.path().join("slow.json");
    let err = patina_err(&[
        "profile",
        "--source",
        &format!("sqlite://{}", db.display()),
        "--out",
        s(&out),
        "--statement-timeout",
        "1",
    ]);
    assert!(
        err.contains("stopped after --statement-timeout 1 s") && err.contains("slow"),
        "{err}"
    );
    assert!(!out.exists(), "no profile is written");
}
