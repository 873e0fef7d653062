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
    profile_to(&source.url(), &out);
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

/// `--shard I/N` for I in 0..N: the shards' chunks, put back in chunk order,
/// are byte for byte the chunks of one whole run.
#[test]
fn shards_together_are_byte_identical_to_one_run() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let profile = root().join("profiles/chinook.json");
    let profile = s(&profile);
    const CHUNK: usize = 97;
    let chunk_args = ["--chunk-rows", "97", "--scale", "2"];
    for format in ["csv", "parquet"] {
        let whole = generate_files(profile, format, "2", &chunk_args);
        let shards: Vec<BTreeMap<String, Vec<u8>>> = (0..3)
            .map(|i| {
                let shard = format!("{i}/3");
                let mut extra = chunk_args.to_vec();
                extra.extend(["--shard", &shard]);
                generate_files(profile, format, if i == 1 { "1" } else { "2" }, &extra)
            })
            .collect();
        assert_eq!(whole.len(), 11);
        for (name, bytes) in &whole {
            let stem = name.rsplit_once('.').unwrap().0;
            let parts: Vec<&Vec<u8>> = (0..3)
                .map(|i| {
                    let part = format!("{stem}.shard-{i}-of-3.{format}");
                    shards[i]
                        .get(&part)
                        .unwrap_or_else(|| panic!("{part} is missing"))
                })
                .collect();
            if format == "csv" {
                // Every shard file starts with the header; chunk k is in shard k mod 3.
                let lines = |b: &[u8]| -> Vec<Vec<u8>> {
                    b.split_inclusive(|&c| c == b'\n')
                        .map(<[u8]>::to_vec)
                        .collect()
                };
                let whole_lines = lines(bytes);
                let mut shard_chunks: Vec<std::collections::VecDeque<Vec<Vec<u8>>>> = parts
                    .iter()
                    .map(|p| {
                        let l = lines(p);
                        assert_eq!(l[0], whole_lines[0], "{name}: the header");
                        l[1..].chunks(CHUNK).map(<[_]>::to_vec).collect()
                    })
                    .collect();
                let mut rebuilt = vec![whole_lines[0].clone()];
                let mut k = 0;
                while let Some(chunk) = shard_chunks[k % 3].pop_front() {
                    rebuilt.extend(chunk);
                    k += 1;
                }
                assert!(
                    shard_chunks.iter().all(|c| c.is_empty()),
                    "{name}: chunks left over"
                );
                assert!(
                    rebuilt.concat() == *bytes,
                    "{name}: the shards differ from one run"
                );
                if stem == "invoiceline" {
                    assert!(
                        whole_lines.len() > 1 + 3 * CHUNK,
                        "several chunks per shard"
                    );
                }
            } else {
                // One row group per chunk: compare each column chunk's stored bytes.
                let read = |b: &Vec<u8>| {
                    let mut file = tempfile::tempfile().expect("a scratch file");
                    std::io::Write::write_all(&mut file, b).expect("written");
                    SerializedFileReader::new(file).expect("a Parquet file")
                };
                let column_chunks = |b: &Vec<u8>| -> Vec<Vec<u8>> {
                    let reader = read(b);
                    (0..reader.metadata().num_row_groups())
                        .map(|g| {
                            let group = reader.metadata().row_group(g);
                            (0..group.num_columns())
                                .flat_map(|c| {
                                    let (start, len) = group.column(c).byte_range();
                                    b[start as usize..(start + len) as usize].to_vec()
                                })
                                .collect()
                        })
                        .collect()
                };
                let whole_groups = column_chunks(bytes);
                let shard_groups: Vec<Vec<Vec<u8>>> =
                    parts.iter().map(|p| column_chunks(p)).collect();
                let total: usize = shard_groups.iter().map(Vec::len).sum();
                assert_eq!(total, whole_groups.len(), "{name}: row groups");
                for (k, group) in whole_groups.iter().enumerate() {
                    assert!(
                        shard_groups[k % 3][k / 3] == *group,
                        "{name}: row group {k} differs in shard {}",
                        k % 3
                    );
                }
            }
        }
    }
}

#[test]
fn a_shard_cannot_load_a_database() {
    let dir = temp_dir();
    let db = dir.path().join("shard.db");
    let err = patina_err(&[
        "generate",
        s(&root().join("profiles/chinook.json")),
        "--target",
        &format!("sqlite://{}", db.display()),
        "--create-schema",
        "--shard",
        "0/2",
    ]);
    assert!(err.contains("--out"), "{err}");
}

/// `--tables`: only the chosen tables are written, each with the bytes a
/// whole run gives it; `--create-schema` creates only those, without the
/// foreign keys into the others, and says so; an unknown name is an error.
#[test]
fn tables_writes_only_the_chosen_tables_with_a_whole_runs_bytes() {
    let profile = root().join("profiles/chinook.json");
    let profile = s(&profile);
    for format in ["csv", "parquet"] {
        let whole = generate_files(profile, format, "2", &["--chunk-rows", "500"]);
        let some = generate_files(
            profile,
            format,
            "2",
            &[
                "--chunk-rows",
                "500",
                "--tables",
                "invoice_line,public.track",
            ],
        );
        let names: Vec<&String> = some.keys().collect();
        assert_eq!(
            names,
            [
                &format!("invoice_line.{format}"),
                &format!("track.{format}")
            ]
        );
        for (name, bytes) in &some {
            assert!(whole[name] == *bytes, "{name} differs from a whole run's");
        }
    }
    let dir = temp_dir();
    let db = dir.path().join("some.db");
    let err = patina_ok(&[
        "generate",
        profile,
        "--target",
        &format!("sqlite://{}", db.display()),
        "--create-schema",
        "--tables",
        "track,album,artist",
    ]);
    assert!(
        err.contains(
            "foreign key track_genre_id_fkey not created: --tables leaves out public.genre"
        ),
        "{err}"
    );
    let dump = sqlite_dump(&db);
    let tables: Vec<&str> = dump.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        tables,
        ["album", "artist", "track"],
        "and no foreign-key violation"
    );
    assert_eq!(sqlite_count(&db, "track"), 3503);
    let err = patina_err(&[
        "generate",
        profile,
        "--out",
        s(dir.path()),
        "--tables",
        "nope",
    ]);
    assert!(err.contains("--tables names table `nope`"), "{err}");
}

/// A Parquet column gets a dictionary only where a row group repeats its
/// values: references and keys over more values than a row group's rows are
/// written plain (a dictionary would hold most of them), few-valued columns
/// keep theirs.
#[test]
fn parquet_dictionaries_only_where_a_row_group_repeats_values() {
    use parquet::basic::Encoding;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let profile = root().join("profiles/chinook.json");
    let files = generate_files(
        s(&profile),
        "parquet",
        "2",
        &["--chunk-rows", "97", "--scale", "2"],
    );
    let mut file = tempfile::tempfile().expect("a scratch file");
    std::io::Write::write_all(&mut file, &files["invoice_line.parquet"]).expect("written");
    let reader = SerializedFileReader::new(file).expect("a Parquet file");
    let group = reader.metadata().row_group(0);
    let dictionary: BTreeMap<String, bool> = (0..group.num_columns())
        .map(|c| {
            let column = group.column(c);
            (
                column.column_path().string(),
                column.encodings().any(|e| e == Encoding::RLE_DICTIONARY),
            )
        })
        .collect();
    // 97-row groups: the key, and references to 824 invoices and 7 006 tracks.
    assert!(!dictionary["invoice_line_id"], "{dictionary:?}");
    assert!(!dictionary["invoice_id"], "{dictionary:?}");
    assert!(!dictionary["track_id"], "{dictionary:?}");
    // A price of two values and a quantity of one.
    assert!(dictionary["unit_price"], "{dictionary:?}");
    assert!(dictionary["quantity"], "{dictionary:?}");
}
