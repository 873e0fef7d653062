//! The profile format: the shipped profile reads and re-writes to the same
//! bytes, and the README's quick start works on it.

use crate::util::*;
use std::path::Path;

#[test]
fn shipped_profile_round_trips_byte_for_byte() {
    let path = root().join("profiles/chinook.json");
    let text = fixture("profiles/chinook.json");
    let profile = patina::profile::read(&path).expect("the shipped profile reads");
    assert_eq!(profile.format_version, patina::profile::FORMAT_VERSION);
    assert_eq!(
        patina::profile::to_canonical_json(&profile),
        text,
        "canonical JSON is stable"
    );
    let again = patina::profile::from_json(&text, Path::new("x")).unwrap();
    assert_eq!(again, profile);
}

#[test]
fn quick_start_fills_sqlite_from_the_shipped_profile() {
    // README: cargo run --release -- generate profiles/chinook.json --target sqlite://staging.db --create-schema
    let dir = temp_dir();
    let db = dir.path().join("staging.db");
    let profile = root().join("profiles/chinook.json");
    let stderr = patina_ok(&[
        "generate",
        s(&profile),
        "--target",
        &format!("sqlite://{}", s(&db)),
        "--create-schema",
    ]);
    assert!(
        stderr.contains("generated 15607 rows in 11 tables"),
        "{stderr}"
    );
    let dump = sqlite_dump(&db);
    let counts: Vec<(String, usize)> = dump.iter().map(|(t, r)| (t.clone(), r.len())).collect();
    let p = patina::profile::read(&profile).unwrap();
    for stats in &p.tables {
        let n = counts
            .iter()
            .find(|(t, _)| *t == stats.table.name)
            .map(|(_, n)| *n)
            .expect("table exists");
        assert_eq!(n as u64, stats.row_count, "{}", stats.table);
    }
}

#[test]
fn profiling_twice_gives_the_same_file_but_for_the_capture_time() {
    let dir = temp_dir();
    let source = dir.path().join("source.db");
    sqlite_from_sql(&source, &fixture("schemas/shop.sqlite.sql"));
    let url = format!("sqlite://{}", s(&source));
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    patina_ok(&["profile", "--source", &url, "--out", s(&a), "-q"]);
    patina_ok(&["profile", "--source", &url, "--out", s(&b), "-q"]);
    let strip = |p: &Path| {
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        v["source"]["captured_at"] = serde_json::Value::Null;
        v
    };
    assert_eq!(strip(&a), strip(&b));
}
