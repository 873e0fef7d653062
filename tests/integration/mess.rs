//! The mess engine end to end: `--mess hostile` loads into every engine with
//! every constraint enabled, the profiler finds the manifest's mess again,
//! the manifest points at the changed rows, and a class turned off changes
//! no other value.

use crate::util::*;
use patina::profile::{self, Profile};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::Path;

const CHINOOK: &str = "profiles/chinook.json";

/// The classes that change a column's values where they are written (the
/// others, `id_gaps`, `hot_keys` and `orphans`, move keys and references).
const VALUE_CLASSES: [&str; 18] = [
    "unicode",
    "max_length",
    "empty",
    "padded",
    "injection",
    "numeric_edge",
    "time_edge",
    "odd_contact",
    "json_edge",
    "array_edge",
    "drift",
    "legacy_format",
    "soft_delete",
    "near_duplicates",
    "mojibake",
    "placeholders",
    "burst_day",
    "out_of_order",
];

fn read_json(path: &Path) -> Json {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read JSON")).expect("parse JSON")
}

/// The manifest's `injected` entries.
fn injected(manifest: &Json) -> Vec<(String, String, String, u64, Vec<u64>)> {
    manifest["injected"]
        .as_array()
        .expect("injected")
        .iter()
        .map(|i| {
            (
                i["class"].as_str().unwrap().to_owned(),
                i["table"].as_str().unwrap().to_owned(),
                i["column"].as_str().unwrap().to_owned(),
                i["count"].as_u64().unwrap(),
                i["first_rows"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_u64().unwrap())
                    .collect(),
            )
        })
        .collect()
}

/// Values changed per class.
fn per_class(manifest: &Json) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for (class, _, _, count, _) in injected(manifest) {
        *out.entry(class).or_default() += count;
    }
    out
}

fn profile_back(url: &str, dir: &Path) -> Profile {
    let out = dir.join("back.json");
    patina_ok(&["profile", "--source", url, "--out", s(&out), "-q"]);
    profile::read(&out).expect("the profile reads back")
}

#[test]
fn hostile_loads_into_sqlite_and_profiles_back() {
    let dir = temp_dir();
    let db = dir.path().join("hostile.db");
    let url = format!("sqlite://{}", s(&db));
    let manifest = hostile_into(&url);
    // Every foreign key holds (sqlite_dump runs PRAGMA foreign_key_check).
    sqlite_dump(&db);
    assert_eq!(manifest["preset"], "hostile");
    let back = profile_back(&url, dir.path());
    // inspect shows what the profile observed, column by column.
    let out = patina(&["inspect", s(&dir.path().join("back.json"))]);
    assert!(out.status.success());
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    // The key of `track` (not `playlist_track`'s reference of the same name) shows its gaps.
    let track = shown
        .split("\n\n")
        .find(|block| block.starts_with("track ") || block.starts_with("public.track "))
        .unwrap_or_else(|| panic!("{shown}"));
    let track_id = track
        .lines()
        .find(|l| l.trim_start().starts_with("track_id "))
        .unwrap_or_else(|| panic!("{track}"));
    assert!(track_id.contains("mess: id gaps"), "{track_id}");
    let entries = injected(&manifest);
    let count_of = |class: &str, table: &str, column: &str| {
        entries
            .iter()
            .find(|(c, t, col, _, _)| c == class && t.ends_with(table) && col.contains(column))
            .map_or(0, |e| e.3)
    };
    // Id gaps: exactly as many holes in each sequence as the manifest says.
    let mut gaps = 0;
    for (class, table, column, count, _) in &entries {
        if class != "id_gaps" {
            continue;
        }
        let table = table.rsplit('.').next().unwrap();
        let holes = sqlite_scalar(
            &db,
            &format!(
                "SELECT count(*) FROM (SELECT \"{column}\" - LAG(\"{column}\") OVER (ORDER BY \"{column}\") AS d FROM \"{table}\") WHERE d > 1"
            ),
        );
        assert_eq!(holes as u64, *count, "gaps in {table}.{column}");
        gaps += count;
    }
    assert!(gaps > 0, "hostile made no id gaps");
    // Hot keys: the hottest album holds at least the share hot keys sent to at most 5 albums.
    let hot = count_of("hot_keys", "track", "album_id");
    assert!(hot > 0);
    let hottest = sqlite_scalar(
        &db,
        "SELECT max(n) FROM (SELECT count(*) AS n FROM track GROUP BY album_id)",
    );
    assert!(
        hottest as u64 >= hot / 5,
        "hottest album {hottest}, {hot} hot references"
    );
    // A burst day: one day holds at least the rows the burst put there.
    let burst = count_of("burst_day", "invoice", "invoice_date");
    let busiest = sqlite_scalar(
        &db,
        "SELECT max(n) FROM (SELECT count(*) AS n FROM invoice GROUP BY date(invoice_date))",
    );
    assert!(
        burst > 0 && busiest as u64 >= burst,
        "busiest day {busiest}, burst {burst}"
    );
    // Legacy formats: old rows upper-cased.
    let legacy = count_of("legacy_format", "track", "name");
    let upper = sqlite_scalar(
        &db,
        "SELECT count(*) FROM track WHERE name = upper(name) AND name GLOB '*[A-Z]*'",
    );
    assert!(
        legacy > 0 && upper as u64 >= legacy,
        "{upper} upper-case names, {legacy} injected"
    );
    // Orphans cannot apply where the target enforces the key, and the manifest says why.
    let skipped = manifest["not_applicable"].as_array().unwrap();
    assert!(
        skipped
            .iter()
            .any(|s| s["class"] == "orphans" && s["reason"].as_str().unwrap().contains("enforces"))
    );
    assert_eq!(per_class(&manifest).get("orphans"), None);

    // Realistic from that profile: the shares the profile observed.
    let realistic = dir.path().join("realistic.json");
    let out = dir.path().join("out");
    patina_ok(&[
        "generate",
        s(&dir.path().join("back.json")),
        "--out",
        s(&out),
        "--format",
        "csv",
        "--manifest",
        s(&realistic),
        "-q",
    ]);
    let realistic = read_json(&realistic);
    assert_eq!(realistic["preset"], "realistic");
    let track_names = back
        .tables
        .iter()
        .find(|t| t.table.name == "track")
        .unwrap();
    let name = track_names.column("name").unwrap();
    let empty_share = name.mess.as_ref().unwrap().empty;
    let empty = injected(&realistic)
        .into_iter()
        .find(|(c, t, col, _, _)| c == "empty" && t.ends_with("track") && col == "name")
        .map_or(0, |e| e.3);
    let rows = track_names.row_count as f64 * (1.0 - name.null_fraction);
    assert!(
        (empty as f64 - empty_share * rows).abs() <= 0.35 * empty_share * rows + 5.0,
        "realistic injected {empty} empty names; the profile shows {:.0}",
        empty_share * rows
    );
}

/// Generates hostile Chinook into `url` and checks the profile of the result.
fn hostile_into(url: &str) -> Json {
    hostile_from(&root().join(CHINOOK), url, &[])
}

/// Generates `profile` with `--mess hostile` (and `extra` options) into
/// `url`, profiles the result and checks it shows the manifest's mess.
fn hostile_from(profile: &Path, url: &str, extra: &[&str]) -> Json {
    let dir = temp_dir();
    let manifest_path = dir.path().join("manifest.json");
    let mut args = vec![
        "generate",
        profile.to_str().unwrap(),
        "--target",
        url,
        "--create-schema",
        "--mess",
        "hostile",
        "--manifest",
        s(&manifest_path),
        "-q",
    ];
    args.extend_from_slice(extra);
    patina_ok(&args);
    let manifest = read_json(&manifest_path);
    // patina verify --manifest profiles the target and looks for each kind of mess.
    let out = patina(&[
        "verify",
        profile.to_str().unwrap(),
        "--target",
        url,
        "--manifest",
        s(&manifest_path),
        "--json",
        "-q",
    ]);
    let report: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert!(out.status.success(), "{report}");
    let checks = report["mess"].as_array().unwrap();
    for check in checks {
        assert_eq!(check["found"], true, "{url}: {check}");
    }
    // Every class of the manifest was looked for (placeholders and numeric and time edges share
    // one observation).
    let looked: std::collections::BTreeSet<&str> = checks
        .iter()
        .map(|c| c["observation"].as_str().unwrap())
        .collect();
    for class in per_class(&manifest).keys() {
        let key = match class.as_str() {
            "placeholders" | "numeric_edge" | "time_edge" => "placeholders+edges",
            other => other,
        };
        assert!(
            looked.contains(key),
            "{url}: verify did not look for {class}"
        );
    }
    manifest
}

#[test]
fn hostile_loads_into_postgres_and_profiles_back() {
    let db = PgDb::new("mess");
    let manifest = hostile_into(&db.url());
    assert!(per_class(&manifest)["numeric_edge"] > 0);
    // hostile fragments a PostgreSQL target too.
    assert_eq!(manifest["fragmentation"].as_array().unwrap().len(), 11);
}

#[test]
fn hostile_loads_into_mysql_and_profiles_back() {
    let db = MyDb::new("mess");
    let manifest = hostile_into(&db.url());
    // hostile loads MySQL rows in random order: the shuffled tables are reported.
    assert!(!manifest["fragmentation"].as_array().unwrap().is_empty());
}

/// CSV files of a run, by file name.
fn csv_run(dir: &Path, name: &str, extra: &[&str]) -> (BTreeMap<String, String>, Json) {
    let out = dir.join(name);
    let manifest = dir.join(format!("{name}.json"));
    let profile = root().join(CHINOOK);
    let mut args = vec![
        "generate",
        profile.to_str().unwrap(),
        "--out",
        s(&out),
        "--format",
        "csv",
        "--manifest",
        s(&manifest),
        "-q",
    ];
    args.extend_from_slice(extra);
    patina_ok(&args);
    let files = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    (files, read_json(&manifest))
}

/// A CSV file's rows as fields (quoted fields may hold commas and newlines).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = arrow_free_csv(text);
    reader.remove(0);
    reader
}

/// A small RFC 4180 reader, enough for patina's CSV; quoted fields keep
/// their opening quote so an empty string and NULL differ.
fn arrow_free_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            // A quoted field keeps its opening quote: `""` (empty text) is not NULL.
            ('"', false) if field.is_empty() => {
                quoted = true;
                field.push('"');
            }
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    rows
}

#[test]
fn the_manifest_points_at_the_changed_rows_and_the_same_seed_makes_them_again() {
    let dir = temp_dir();
    let (_, none) = csv_run(dir.path(), "none", &["--mess", "none"]);
    assert!(injected(&none).is_empty(), "--mess none changes nothing");
    // The baseline keeps the classes that move references and keys (values
    // copied along a reference follow them) and turns every value class off.
    let config = dir.path().join("keys-only.toml");
    let value_classes = VALUE_CLASSES;
    let text: String = value_classes
        .iter()
        .map(|c| format!("[classes.{c}]\nrate = 0\n"))
        .collect();
    std::fs::write(&config, text).unwrap();
    let (clean, _) = csv_run(
        dir.path(),
        "keys",
        &["--mess", "hostile", "--mess-config", s(&config)],
    );
    let (messy, manifest) = csv_run(
        dir.path(),
        "hostile",
        &["--mess", "hostile", "--threads", "1"],
    );
    let (again, manifest_again) = csv_run(
        dir.path(),
        "again",
        &["--mess", "hostile", "--threads", "3", "--chunk-rows", "97"],
    );
    assert_eq!(
        messy, again,
        "the same seed makes the same mess whatever --threads"
    );
    assert_eq!(manifest, manifest_again);
    // Each listed row differs from the clean run in that column (value classes).
    let mut checked = 0;
    for (class, table, column, count, first_rows) in injected(&manifest) {
        if ["hot_keys", "orphans", "id_gaps"].contains(&class.as_str()) {
            continue;
        }
        assert!(count >= first_rows.len() as u64);
        let file = format!("{}.csv", table.rsplit('.').next().unwrap());
        let header = clean[&file].lines().next().unwrap().to_owned();
        let at = header.split(',').position(|h| h == column).unwrap();
        let (a, b) = (csv_rows(&clean[&file]), csv_rows(&messy[&file]));
        for row in first_rows {
            assert_ne!(
                a[row as usize][at], b[row as usize][at],
                "{class} at {table}.{column} row {row}"
            );
            checked += 1;
        }
    }
    assert!(checked > 100);
    // Files enforce nothing: orphans apply, and point past every parent.
    let orphans: Vec<_> = injected(&manifest)
        .into_iter()
        .filter(|e| e.0 == "orphans")
        .collect();
    assert!(!orphans.is_empty());
    let ids: std::collections::BTreeSet<String> = csv_rows(&messy["invoice.csv"])
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    let lines = csv_rows(&messy["invoice_line.csv"]);
    let dangling = lines.iter().filter(|r| !ids.contains(&r[1])).count() as u64;
    let expected = orphans
        .iter()
        .find(|e| e.1.ends_with("invoice_line") && e.2 == "invoice_id")
        .map_or(0, |e| e.3);
    assert_eq!(dangling, expected, "orphaned invoice lines");
    // verify loads files that hold orphans and counts them as violations, exactly.
    let out = patina(&[
        "verify",
        root().join(CHINOOK).to_str().unwrap(),
        "--target",
        s(&dir.path().join("hostile")),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "orphans are violations");
    let report: Json = serde_json::from_slice(&out.stdout).unwrap();
    let counted: i64 = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rows"].as_i64().unwrap())
        .sum();
    let orphaned: u64 = orphans.iter().map(|e| e.3).sum();
    assert_eq!(counted as u64, orphaned, "{report}");
    // Given the manifest, verify expects those orphans and finds every kind of mess again
    // (CSV reads an empty string in a nullable column back as NULL: verify allows for it).
    let out = patina(&[
        "verify",
        root().join(CHINOOK).to_str().unwrap(),
        "--target",
        s(&dir.path().join("hostile")),
        "--manifest",
        s(&dir.path().join("hostile.json")),
        "--json",
    ]);
    let report: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert!(out.status.success(), "{report}");
    assert!(report["violations"].as_array().unwrap().is_empty());
    assert_eq!(
        report["expected_violations"].as_array().unwrap().len(),
        orphans.len()
    );
    assert!(
        report["mess"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["found"] == true)
    );
    // The same manifest against clean data: the mess is missing, and verify says so.
    let out = patina(&[
        "verify",
        root().join(CHINOOK).to_str().unwrap(),
        "--target",
        s(&dir.path().join("none")),
        "--manifest",
        s(&dir.path().join("hostile.json")),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("MISSING unicode"), "{text}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the manifest's mess is not all there"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_class_turned_off_changes_no_other_value() {
    let dir = temp_dir();
    let config = dir.path().join("mess.toml");
    std::fs::write(&config, "[classes.unicode]\nrate = 0\n").unwrap();
    let (with, manifest) = csv_run(dir.path(), "with", &["--mess", "hostile"]);
    let (without, manifest_without) = csv_run(
        dir.path(),
        "without",
        &["--mess", "hostile", "--mess-config", s(&config)],
    );
    assert_eq!(per_class(&manifest_without).get("unicode"), None);
    let unicode: BTreeMap<(String, String), u64> = injected(&manifest)
        .into_iter()
        .filter(|e| e.0 == "unicode")
        .map(|e| ((e.1.rsplit('.').next().unwrap().to_owned(), e.2), e.3))
        .collect();
    let mut differing = 0u64;
    for (file, text) in &with {
        let table = file.trim_end_matches(".csv").to_owned();
        let header: Vec<String> = text
            .lines()
            .next()
            .unwrap()
            .split(',')
            .map(String::from)
            .collect();
        let (a, b) = (csv_rows(text), csv_rows(&without[file]));
        assert_eq!(a.len(), b.len());
        for (ra, rb) in a.iter().zip(&b) {
            for (k, (x, y)) in ra.iter().zip(rb).enumerate() {
                if x != y {
                    let key = (table.clone(), header[k].clone());
                    assert!(
                        unicode.contains_key(&key),
                        "{table}.{} changed though unicode never touched it",
                        header[k]
                    );
                    differing += 1;
                }
            }
        }
    }
    let total: u64 = unicode.values().sum();
    assert!(
        differing > 0 && differing <= total,
        "{differing} cells differ, unicode hit {total}"
    );
}

#[test]
fn a_bad_mess_config_names_what_is_wrong() {
    let dir = temp_dir();
    let profile = root().join(CHINOOK);
    let run = |text: &str| {
        let config = dir.path().join("bad.toml");
        std::fs::write(&config, text).unwrap();
        patina_err(&[
            "generate",
            profile.to_str().unwrap(),
            "--out",
            s(&dir.path().join("out")),
            "--mess-config",
            s(&config),
            "-q",
        ])
    };
    let err = run("[classes.unicorn]\nrate = 0.1\n");
    assert!(err.contains("unicorn"), "{err}");
    let err = run("[classes.unicode]\nrate = 2\n");
    assert!(
        err.contains("classes.unicode.rate") && err.contains("between 0 and 1"),
        "{err}"
    );
    let err = run("[[column]]\ncolumn = \"track.nope\"\nclass = \"empty\"\nrate = 0.5\n");
    assert!(err.contains("track.nope"), "{err}");
    let err = run("[[column]]\ncolumn = \"track.name\"\nclass = \"emptyy\"\n");
    assert!(err.contains("emptyy"), "{err}");
    assert!(!dir.path().join("out").exists(), "nothing written");
    let err = patina_err(&[
        "generate",
        profile.to_str().unwrap(),
        "--out",
        s(&dir.path().join("out")),
        "--mess",
        "chaos",
    ]);
    assert!(err.contains("none, realistic or hostile"), "{err}");
}

#[test]
fn a_column_override_sets_its_own_rate() {
    let dir = temp_dir();
    let config = dir.path().join("mess.toml");
    std::fs::write(
        &config,
        "preset = \"none\"\n[[column]]\ncolumn = \"track.composer\"\nclass = \"empty\"\nrate = 0.5\n",
    )
    .unwrap();
    let (_, manifest) = csv_run(dir.path(), "one", &["--mess-config", s(&config)]);
    let entries = injected(&manifest);
    assert_eq!(entries.len(), 1, "{entries:?}");
    let (class, table, column, count, _) = &entries[0];
    assert_eq!((class.as_str(), column.as_str()), ("empty", "composer"));
    assert!(table.ends_with("track"));
    // Half of the non-NULL composers of 3503 tracks, give or take.
    assert!((1000..1800).contains(count), "{count}");
}

#[test]
fn fragment_reaches_the_asked_dead_share_and_key_order() {
    let db = PgDb::new("frag");
    let dir = temp_dir();
    let config = dir.path().join("fragment.toml");
    std::fs::write(
        &config,
        "preset = \"none\"\n[fragment]\ndead_share = 0.25\ncorrelation = 0.3\n",
    )
    .unwrap();
    let manifest_path = dir.path().join("manifest.json");
    patina_ok(&[
        "generate",
        &root().join(CHINOOK).to_string_lossy(),
        "--target",
        &db.url(),
        "--create-schema",
        "--fragment",
        "--mess-config",
        s(&config),
        "--manifest",
        s(&manifest_path),
        "-q",
    ]);
    let manifest = read_json(&manifest_path);
    let reported = manifest["fragmentation"].as_array().unwrap();
    assert_eq!(reported.len(), 11, "every table with rows is fragmented");
    // What the server's own statistics say, for tables big enough to measure.
    for (table, key, rows) in [
        ("invoice", "invoice_id", 412),
        ("track", "track_id", 3503),
        ("invoice_line", "invoice_line_id", 2240),
        ("playlist_track", "playlist_id", 8715),
    ] {
        // Statistics first: a scan prunes the pages it reads, which takes
        // their dead tuples out of n_dead_tup (see docs/mess/fragmentation.md).
        let dead = db.scalar(&format!(
            "SELECT (1000 * n_dead_tup / (n_live_tup + n_dead_tup))::int8 FROM pg_stat_user_tables \
             WHERE relname = '{table}'"
        )) as f64
            / 1000.0;
        assert!((dead - 0.25).abs() <= 0.1, "{table}: dead share {dead}");
        let correlation = db.scalar(&format!(
            "SELECT (1000 * correlation)::int8 FROM pg_stats WHERE tablename = '{table}' AND attname = '{key}'"
        )) as f64
            / 1000.0;
        assert!(
            (correlation - 0.3).abs() <= 0.1,
            "{table}: correlation {correlation}"
        );
        assert_eq!(db.scalar(&format!("SELECT count(*) FROM {table}")), rows);
    }
    // Autovacuum is back on; the values are untouched (no value class ran).
    assert_eq!(
        db.scalar(
            "SELECT count(*) FROM pg_class WHERE reloptions::text LIKE '%autovacuum_enabled%'"
        ),
        0
    );
    // Asked for key order and no dead tuples, the load alone does it: rows in key order, each
    // window of 16 shuffled (inserts of about the same time land in about their order).
    let local = PgDb::new("fraglocal");
    std::fs::write(
        &config,
        "preset = \"none\"\n[fragment]\ndead_share = 0.0\ncorrelation = 1.0\n",
    )
    .unwrap();
    patina_ok(&[
        "generate",
        &root().join(CHINOOK).to_string_lossy(),
        "--target",
        &local.url(),
        "--create-schema",
        "--fragment",
        "--mess-config",
        s(&config),
        "-q",
    ]);
    let inversions = local.scalar(
        "SELECT count(*) FROM (SELECT track_id, lag(track_id) OVER (ORDER BY ctid) AS p FROM track) s
         WHERE track_id < p",
    );
    assert!(inversions > 100, "{inversions} local inversions");
    let correlation = local.scalar(
        "SELECT (1000 * correlation)::int8 FROM pg_stats WHERE tablename = 'track' AND attname = 'track_id'",
    );
    assert!(correlation >= 990, "correlation {correlation}");
    let err = patina_err(&[
        "generate",
        &root().join(CHINOOK).to_string_lossy(),
        "--out",
        s(&dir.path().join("files")),
        "--fragment",
    ]);
    assert!(
        err.contains("works on PostgreSQL") && err.contains("MySQL"),
        "{err}"
    );
}

#[test]
fn fragment_on_mysql_loads_in_random_order_and_leaves_pages_partly_full() {
    let pages = |fragment: bool| {
        let db = MyDb::new("frag");
        let mut args = vec![
            "generate".to_owned(),
            root().join(CHINOOK).to_string_lossy().into_owned(),
            "--target".into(),
            db.url(),
            "--create-schema".into(),
            "--mess".into(),
            "none".into(),
            "-q".into(),
        ];
        if fragment {
            args.push("--fragment".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        patina_ok(&args);
        db.execute("ANALYZE TABLE track");
        let dump = db.dump();
        let pages = db.scalar(
            "SELECT clustered_index_size FROM mysql.innodb_table_stats \
             WHERE database_name = DATABASE() AND table_name = 'track'",
        );
        (dump, pages)
    };
    let (ordered, ordered_pages) = pages(false);
    let (shuffled, shuffled_pages) = pages(true);
    assert_eq!(
        ordered, shuffled,
        "the same rows, in another physical order"
    );
    assert!(
        shuffled_pages * 10 >= ordered_pages * 12,
        "{shuffled_pages} pages after a random-order load, {ordered_pages} in order"
    );
}

#[test]
fn the_documented_example_config_runs() {
    let dir = temp_dir();
    let example = root().join("docs/mess.example.toml");
    let (_, manifest) = csv_run(dir.path(), "example", &["--mess-config", s(&example)]);
    assert_eq!(manifest["preset"], "hostile");
    let entries = injected(&manifest);
    assert!(entries.iter().all(|e| e.0 != "hot_keys"), "hot_keys is off");
    assert!(
        entries
            .iter()
            .filter(|e| e.0 == "unicode")
            .all(|e| e.1.ends_with("customer") || e.1.ends_with("invoice")),
        "unicode only in customer and invoice"
    );
    assert!(
        !entries
            .iter()
            .any(|e| e.1.ends_with(".invoice") && e.2 == "total"),
        "invoice.total stays clean"
    );
    assert!(
        entries
            .iter()
            .any(|e| e.0 == "odd_contact" && e.1.ends_with("customer") && e.2 == "email")
    );
}

#[test]
fn every_class_is_found_again_in_every_engine() {
    // A source with a column for every class: e-mails, phones, free text,
    // a soft-delete time, numbers, dates, JSON, an array, keys.
    let source = PgDb::new("messsrc");
    source.execute(&fixture("schemas/mess.pg.sql"));
    let dir = temp_dir();
    let profile = dir.path().join("source.json");
    profile_to(&source.url(), &profile);
    // Drift picks whole columns by chance; make sure a nullable column drifts (to NULL) and a
    // NOT NULL one with a default (to the default).
    let config = dir.path().join("drift.toml");
    std::fs::write(
        &config,
        "[[column]]\ncolumn = \"account.note\"\nclass = \"drift\"\nrate = 1\n\
         [[column]]\ncolumn = \"account.plan\"\nclass = \"drift\"\nrate = 1\n",
    )
    .unwrap();
    let extra = ["--mess-config", s(&config)];
    let pg = PgDb::new("messdst");
    let my = MyDb::new("messdst");
    let lite = dir.path().join("mess.db");
    for url in [pg.url(), my.url(), format!("sqlite://{}", s(&lite))] {
        let manifest = hostile_from(&profile, &url, &extra);
        let classes: std::collections::BTreeSet<String> =
            per_class(&manifest).into_keys().collect();
        // Every class a database takes: the value classes, and those that move keys.
        let all = VALUE_CLASSES.iter().chain(&["id_gaps", "hot_keys"]);
        for class in all {
            assert!(
                classes.contains(*class),
                "{url}: hostile injected no {class}"
            );
        }
        // The one class a database cannot take, and the manifest says why.
        assert!(!classes.contains("orphans"));
        assert!(
            manifest["not_applicable"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| {
                    n["class"] == "orphans" && n["reason"].as_str().unwrap().contains("enforces")
                })
        );
    }
    sqlite_dump(&lite);
}

#[test]
fn hostile_keeps_what_postgres_derives_from_a_column() {
    // An identity column the database alone may write, a unique generated
    // column over a free one, a partitioned table, a NOT NULL domain, and a
    // CHECK on a quoted name with a space.
    let source = PgDb::new("derivsrc");
    source.execute(
        "CREATE DOMAIN label AS text NOT NULL;
         CREATE TABLE person (
             id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
             email varchar(60) NOT NULL,
             email_lc varchar(60) GENERATED ALWAYS AS (lower(email)) STORED,
             tag label,
             \"Unit Price\" numeric(8,2) CHECK (\"Unit Price\" >= 0),
             note text
         );
         INSERT INTO person (email, tag, \"Unit Price\", note)
         SELECT 'p' || i || '@example.com', 't' || (i % 5), i % 90, 'n ' || i
         FROM generate_series(1, 600) AS i;
         CREATE TABLE reading (
             taken_on date NOT NULL,
             value int NOT NULL
         ) PARTITION BY RANGE (taken_on);
         CREATE TABLE reading_2023 PARTITION OF reading FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
         CREATE TABLE reading_2024 PARTITION OF reading FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
         INSERT INTO reading SELECT date '2023-01-01' + (i % 700), i FROM generate_series(1, 800) AS i;",
    );
    let dir = temp_dir();
    let profile = dir.path().join("source.json");
    profile_to(&source.url(), &profile);
    let target = PgDb::new("derivdst");
    let manifest = hostile_from(&profile, &target.url(), &[]);
    let skipped = manifest["not_applicable"].as_array().unwrap();
    let reason = |table: &str, column: &str| {
        skipped
            .iter()
            .find(|n| n["table"].as_str().unwrap().ends_with(table) && n["column"] == column)
            .map(|n| n["reason"].as_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert!(
        reason("person", "email").contains("generated column"),
        "{skipped:?}"
    );
    assert!(
        reason("person", "Unit Price").contains("CHECK"),
        "{skipped:?}"
    );
    assert!(
        reason("reading", "taken_on").contains("partitioning"),
        "{skipped:?}"
    );
    assert_eq!(
        target.scalar("SELECT count(*) FROM person WHERE tag IS NULL"),
        0
    );
    assert_eq!(target.scalar("SELECT count(*) FROM reading"), 800);
}

#[test]
fn hostile_keeps_mysql_narrow_integer_types() {
    let source = MyDb::new("narrowsrc");
    source.execute(
        "CREATE TABLE film (
             id INT UNSIGNED PRIMARY KEY,
             length SMALLINT UNSIGNED,
             release_year YEAR,
             rating TINYINT,
             title VARCHAR(40) CHARACTER SET latin1 NOT NULL
         )",
    );
    source.execute(
        "INSERT INTO film SELECT seq, 60 + seq % 120, 1990 + seq % 30, seq % 10, CONCAT('Film ', seq)
         FROM seq_1_to_500",
    );
    let dir = temp_dir();
    let profile = dir.path().join("source.json");
    profile_to(&source.url(), &profile);
    let target = MyDb::new("narrowdst");
    let manifest = hostile_from(&profile, &target.url(), &[]);
    assert!(per_class(&manifest)["numeric_edge"] > 0);
    assert_eq!(
        target.scalar("SELECT COUNT(*) FROM film WHERE length > 65535"),
        0
    );
    assert_eq!(
        target.scalar("SELECT COUNT(*) FROM film WHERE release_year IS NOT NULL AND release_year NOT BETWEEN 1901 AND 2155"),
        0
    );
}
