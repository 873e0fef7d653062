//! Bad input: each gets one clear error line naming what is wrong, a
//! non-zero exit, no panic, and nothing half-written.

use crate::util::*;

fn chinook_with(edit: impl FnOnce(&mut serde_json::Value)) -> (tempfile::TempDir, String) {
    let dir = temp_dir();
    let mut value: serde_json::Value =
        serde_json::from_str(&fixture("profiles/chinook.json")).expect("JSON");
    edit(&mut value);
    let path = dir.path().join("edited.json");
    std::fs::write(&path, serde_json::to_string_pretty(&value).expect("JSON")).expect("write");
    let path = s(&path).to_owned();
    (dir, path)
}

#[test]
fn profile_files_that_are_missing_malformed_or_from_the_future() {
    let dir = temp_dir();
    let out = s(dir.path()).to_owned();
    let err = patina_err(&["generate", "no/such/profile.json", "--out", &out]);
    assert!(
        err.contains("no/such/profile.json") && err.contains("No such file"),
        "{err}"
    );

    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "{ not json").unwrap();
    let err = patina_err(&["generate", s(&garbage), "--out", &out]);
    assert!(
        err.contains("not a valid patina profile") && err.contains("line 1"),
        "{err}"
    );

    let (_d, future) = chinook_with(|v| v["format_version"] = 99.into());
    let err = patina_err(&["generate", &future, "--out", &out]);
    assert!(
        err.contains("format version 99") && err.contains("reads versions 1 to 5"),
        "{err}"
    );

    let (_d, unknown_type) = chinook_with(|v| {
        v["schema"]["tables"][0]["columns"][0]["logical_type"]["kind"] = "hyperloglog".into()
    });
    let err = patina_err(&["generate", &unknown_type, "--out", &out]);
    assert!(err.contains("unknown variant `hyperloglog`"), "{err}");

    let (_d, dangling) = chinook_with(|v| {
        v["schema"]["tables"][0]["foreign_keys"][0]["referenced_table"]["name"] = "nowhere".into()
    });
    let err = patina_err(&["generate", &dangling, "--out", &out]);
    assert!(err.contains("missing table `public.nowhere`"), "{err}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "nothing but the garbage file was written"
    );
}

#[test]
fn unreachable_servers_wrong_databases_and_schemes() {
    let dir = temp_dir();
    let out = dir.path().join("p.json");
    let err = patina_err(&[
        "profile",
        "--source",
        "postgres://postgres@127.0.0.1:1/x",
        "--out",
        s(&out),
    ]);
    assert!(
        err.contains("cannot connect to the PostgreSQL source"),
        "{err}"
    );
    let missing = pg_url("patina_no_such_database");
    let err = patina_err(&["profile", "--source", &missing, "--out", s(&out)]);
    assert!(
        err.contains("patina_no_such_database") && err.contains("does not exist"),
        "{err}"
    );
    let err = patina_err(&["profile", "--source", "oracle://x/y", "--out", s(&out)]);
    assert!(err.contains("unsupported source `oracle://`"), "{err}");
    let err = patina_err(&[
        "profile",
        "--source",
        "sqlite:///no/such/file.db",
        "--out",
        s(&out),
    ]);
    assert!(err.contains("/no/such/file.db"), "{err}");
    assert!(!out.exists());

    let profile = root().join("profiles/chinook.json");
    let err = patina_err(&[
        "generate",
        s(&profile),
        "--target",
        "postgres://postgres@127.0.0.1:1/x",
    ]);
    assert!(
        err.contains("cannot connect to the PostgreSQL target"),
        "{err}"
    );
    let err = patina_err(&["generate", s(&profile), "--target", "mongodb://x"]);
    assert!(err.contains("unsupported target scheme `mongodb`"), "{err}");
}

#[test]
fn options_that_name_missing_tables_or_impossible_keys() {
    let dir = temp_dir();
    let profile = root().join("profiles/chinook.json");
    let err = patina_err(&[
        "generate",
        s(&profile),
        "--out",
        s(dir.path()),
        "--rows",
        "nosuchtable=5",
    ]);
    assert!(err.contains("`nosuchtable`"), "{err}");
    // media_type's rows are the only parents of track; without them tracks cannot exist.
    let err = patina_err(&[
        "generate",
        s(&profile),
        "--out",
        s(dir.path()),
        "--rows",
        "media_type=0",
    ]);
    assert!(
        err.contains("`public.track`") && err.contains("`public.media_type`"),
        "{err}"
    );
    // A composite key (playlist_id, track_id) cannot hold more pairs than parents allow.
    let err = patina_err(&[
        "generate",
        s(&profile),
        "--out",
        s(dir.path()),
        "--rows",
        "playlist=1",
        "--rows",
        "track=2",
        "--rows",
        "playlist_track=5",
    ]);
    assert!(
        err.contains("playlist_track_pkey") && err.contains("at most 2"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn an_unsupported_check_is_named_and_can_be_ignored() {
    let (dir, path) = chinook_with(|v| {
        let tables = v["schema"]["tables"].as_array_mut().unwrap();
        let genre = tables
            .iter_mut()
            .find(|t| t["name"]["name"] == "genre")
            .unwrap();
        genre["checks"] = serde_json::json!([{ "name": "genre_name_lower", "expression": "CHECK ((lower((name)::text) = (name)::text))" }]);
    });
    let out = dir.path().join("out");
    let err = patina_err(&["generate", &path, "--out", s(&out)]);
    assert!(
        err.contains("genre_name_lower")
            && err.contains("--ignore-check public.genre.genre_name_lower"),
        "{err}"
    );
    patina_ok(&[
        "generate",
        &path,
        "--out",
        s(&out),
        "--ignore-check",
        "public.genre.genre_name_lower",
        "-q",
    ]);
}

#[test]
fn existing_files_are_not_overwritten_without_truncate() {
    let dir = temp_dir();
    let profile = root().join("profiles/chinook.json");
    patina_ok(&[
        "generate",
        s(&profile),
        "--out",
        s(dir.path()),
        "--format",
        "csv",
        "-q",
    ]);
    let before = std::fs::read(dir.path().join("artist.csv")).unwrap();
    let err = patina_err(&[
        "generate",
        s(&profile),
        "--out",
        s(dir.path()),
        "--format",
        "csv",
        "--seed",
        "9",
    ]);
    assert!(
        err.contains("already exists") && err.contains("--truncate"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("artist.csv")).unwrap(),
        before
    );
    patina_ok(&[
        "generate",
        s(&profile),
        "--out",
        s(dir.path()),
        "--format",
        "csv",
        "--seed",
        "9",
        "--truncate",
        "-q",
    ]);
    assert_ne!(
        std::fs::read(dir.path().join("artist.csv")).unwrap(),
        before
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .to_string_lossy()
                .ends_with(".partial")
        })
        .collect();
    assert!(leftovers.is_empty());
}

/// Hand-edited dependencies that would make a value depend on itself (an
/// association loop, a time order each way) are left out, never followed
/// round: generation finishes.
#[test]
fn dependency_loops_in_an_edited_profile_do_not_hang_or_overflow() {
    let (_d, path) = chinook_with(|v| {
        let tables = v["tables"].as_array_mut().unwrap();
        let invoice = tables
            .iter_mut()
            .find(|t| t["table"]["name"] == "invoice")
            .unwrap();
        let combination =
            |a: &str, b: &str| serde_json::json!({"first": a, "second": b, "fraction": 0.5});
        let association = |a: &str, b: &str, x: &str, y: &str| {
            serde_json::json!({"first": a, "second": b, "strength": 0.9,
                               "combinations": [combination(x, y), combination(y, x)]})
        };
        // Text columns with no other tie: each would be given by the next, round.
        invoice["associations"] = serde_json::json!([
            association("billing_country", "billing_state", "USA", "CA"),
            association("billing_state", "billing_postal_code", "CA", "94043"),
            association("billing_postal_code", "billing_country", "94043", "USA"),
        ]);
        let invoice = tables
            .iter_mut()
            .find(|t| t["table"]["name"] == "invoice")
            .unwrap();
        invoice["time_order"] = serde_json::json!([
            {"earlier": "invoice_date", "later": "invoice_date", "share": 1.0},
        ]);
    });
    let dir = temp_dir();
    patina_ok(&["generate", &path, "--out", s(dir.path()), "-q"]);
    assert!(dir.path().join("track.parquet").exists());
}
