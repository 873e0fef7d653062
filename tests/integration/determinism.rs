//! The central promise: the same profile and seed give the same bytes,
//! whatever --threads, and values do not depend on the chunk size.

use crate::util::*;
use std::collections::BTreeMap;
use std::path::Path;

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("the output directory")
        .map(|e| {
            let path = e.expect("an entry").path();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&path).expect("a file"),
            )
        })
        .collect()
}

fn generate_files(
    profile: &str,
    format: &str,
    threads: &str,
    extra: &[&str],
) -> BTreeMap<String, Vec<u8>> {
    let dir = temp_dir();
    let mut args = vec![
        "generate",
        profile,
        "--out",
        s(dir.path()),
        "--format",
        format,
        "--seed",
        "11",
        "--threads",
        threads,
        "-q",
    ];
    args.extend_from_slice(extra);
    patina_ok(&args);
    files(dir.path())
}

#[test]
fn parquet_and_csv_are_identical_for_1_2_and_8_threads() {
    let profile = root().join("profiles/chinook.json");
    let profile = s(&profile);
    for format in ["parquet", "csv"] {
        // Small chunks so every table has several, and scale 3 for more rows.
        let extra = ["--chunk-rows", "500", "--scale", "3"];
        let one = generate_files(profile, format, "1", &extra);
        assert_eq!(one.len(), 11);
        assert!(one.values().all(|bytes| !bytes.is_empty()));
        for threads in ["2", "8"] {
            let other = generate_files(profile, format, threads, &extra);
            for (name, bytes) in &one {
                assert!(
                    other.get(name) == Some(bytes),
                    "{format}: {name} differs with --threads {threads}"
                );
            }
        }
    }
}

#[test]
fn values_do_not_depend_on_chunk_size_but_do_on_the_seed() {
    let profile = root().join("profiles/chinook.json");
    let profile = s(&profile);
    let default = generate_files(profile, "csv", "2", &[]);
    let small = generate_files(profile, "csv", "2", &["--chunk-rows", "7"]);
    assert_eq!(
        default, small,
        "CSV bytes depend only on values, which depend only on their address"
    );
    let dir = temp_dir();
    patina_ok(&[
        "generate",
        profile,
        "--out",
        s(dir.path()),
        "--format",
        "csv",
        "--seed",
        "12",
        "-q",
    ]);
    assert_ne!(files(dir.path())["track.csv"], default["track.csv"]);
}

#[test]
fn sqlite_contents_are_identical_for_1_and_8_threads() {
    let profile = root().join("profiles/chinook.json");
    let dir = temp_dir();
    let mut dumps = Vec::new();
    for threads in ["1", "8"] {
        let db = dir.path().join(format!("t{threads}.db"));
        patina_ok(&[
            "generate",
            s(&profile),
            "--target",
            &format!("sqlite://{}", s(&db)),
            "--create-schema",
            "--threads",
            threads,
            "--chunk-rows",
            "300",
            "--seed",
            "5",
            "-q",
        ]);
        dumps.push(sqlite_dump(&db));
    }
    assert_eq!(dumps[0], dumps[1]);
}

#[test]
fn postgres_contents_are_identical_for_1_and_8_threads() {
    let source = shop_source();
    let dir = temp_dir();
    let out = dir.path().join("shop.json");
    patina_ok(&["profile", "--source", &source.url(), "--out", s(&out), "-q"]);
    let mut dumps = Vec::new();
    for threads in ["1", "8"] {
        let target = PgDb::new(&format!("det{threads}"));
        patina_ok(&[
            "generate",
            s(&out),
            "--target",
            &target.url(),
            "--create-schema",
            "--threads",
            threads,
            "--chunk-rows",
            "100",
            "--seed",
            "5",
            "-q",
        ]);
        dumps.push(target.dump());
    }
    assert!(dumps[0].iter().map(|(_, rows)| rows.len()).sum::<usize>() > 2000);
    assert_eq!(dumps[0], dumps[1]);
}
