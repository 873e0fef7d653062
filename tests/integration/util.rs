//! Test helpers: run the binary, make and drop databases, read tables back.

use sqlx::{Connection, Executor, PgConnection, Row, SqliteConnection};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

/// The environment variable naming the PostgreSQL server for tests.
pub const PG_ENV: &str = "PATINA_TEST_POSTGRES_URL";

/// The admin URL of the test server.
pub fn pg_admin_url() -> String {
    std::env::var(PG_ENV)
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A URL for database `name` on the test server.
pub fn pg_url(name: &str) -> String {
    let admin = pg_admin_url();
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b.to_owned(), format!("?{q}")),
        None => (admin.clone(), String::new()),
    };
    let cut = base
        .rfind('/')
        .filter(|&i| i > "postgres://".len())
        .unwrap_or(base.len());
    format!("{}/{name}{query}", &base[..cut])
}

/// Runs a future to completion.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(f)
}

/// The patina binary with arguments.
pub fn patina(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_patina"))
        .args(args)
        .output()
        .expect("the patina binary runs")
}

/// Profiles the database at `url` into `profile`, quietly, asserting success.
pub fn profile_to(url: &str, profile: &std::path::Path) {
    patina_ok(&["profile", "--source", url, "--out", s(profile), "-q"]);
}

/// `generate PROFILE --target URL --create-schema --chunk-rows 100 --mess
/// hostile -q` and the `extra` flags: the run the tests that load one profile
/// two ways (binary or text COPY, LOAD DATA or INSERTs) compare.
pub fn generate_hostile(profile: &str, url: &str, extra: &[&str]) {
    let mut args = vec![
        "generate",
        profile,
        "--target",
        url,
        "--create-schema",
        "--chunk-rows",
        "100",
        "--mess",
        "hostile",
        "-q",
    ];
    args.extend(extra);
    patina_ok(&args);
}

/// Runs patina and asserts success, returning stderr.
pub fn patina_ok(args: &[&str]) -> String {
    let out = patina(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "patina {args:?} failed:\n{stderr}");
    stderr
}

/// Runs patina and asserts failure with a one-line error and no panic, returning it.
pub fn patina_err(args: &[&str]) -> String {
    let out = patina(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !out.status.success(),
        "patina {args:?} should have failed:\n{stderr}"
    );
    assert!(
        !stderr.contains("panicked"),
        "patina {args:?} panicked:\n{stderr}"
    );
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(errors.len(), 1, "expected one error line:\n{stderr}");
    errors[0].to_owned()
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A name no other test (or test run) uses at the same time.
pub fn unique_name(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("patina_{prefix}_{}_{n}", std::process::id())
}

/// A PostgreSQL database created for one test and dropped after it.
pub struct PgDb {
    /// Its name.
    pub name: String,
}

impl PgDb {
    /// Creates a fresh database, failing the test with instructions when no server answers.
    pub fn new(prefix: &str) -> Self {
        let name = unique_name(prefix);
        let admin = pg_admin_url();
        block_on(async {
            let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|e| {
                panic!(
                    "this test needs a PostgreSQL server: none answered at {admin} ({e}).\n\
                     Start one, or set {PG_ENV}=postgres://USER@HOST:PORT/DB to an account \
                     that may CREATE DATABASE; each test creates and drops its own database."
                )
            });
            conn.execute(format!("CREATE DATABASE \"{name}\"").as_str())
                .await
                .expect("CREATE DATABASE");
        });
        Self { name }
    }

    /// Its URL.
    pub fn url(&self) -> String {
        pg_url(&self.name)
    }

    /// Runs SQL (several statements allowed).
    pub fn execute(&self, sql: &str) {
        self.try_execute(sql)
            .unwrap_or_else(|e| panic!("SQL failed: {e}\n{sql}"));
    }

    /// Runs SQL that may fail; returns the server's error.
    pub fn try_execute(&self, sql: &str) -> Result<(), String> {
        let url = self.url();
        block_on(async {
            let mut conn = PgConnection::connect(&url)
                .await
                .expect("connect to the test database");
            sqlx::raw_sql(sql)
                .execute(&mut conn)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
    }

    /// One i64 from a query.
    pub fn scalar(&self, sql: &str) -> i64 {
        let url = self.url();
        block_on(async {
            let mut conn = PgConnection::connect(&url)
                .await
                .expect("connect to the test database");
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("{e}: {sql}"))
        })
    }

    /// Every table's rows as text, sorted: a fingerprint of the contents.
    pub fn dump(&self) -> Vec<(String, Vec<String>)> {
        let url = self.url();
        block_on(async {
            let mut conn = PgConnection::connect(&url)
                .await
                .expect("connect to the test database");
            let tables: Vec<(String, String)> = sqlx::query_as(
                "SELECT n.nspname::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
                   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
                 ORDER BY 1, 2",
            )
            .fetch_all(&mut conn)
            .await
            .expect("list tables");
            let mut out = Vec::new();
            for (schema, table) in tables {
                let q = format!(
                    "SELECT t::text FROM \"{}\".\"{}\" AS t ORDER BY 1",
                    schema.replace('"', "\"\""),
                    table.replace('"', "\"\"")
                );
                let rows: Vec<String> = sqlx::query(&q)
                    .fetch_all(&mut conn)
                    .await
                    .expect("read a table")
                    .iter()
                    .map(|r| r.get::<String, _>(0))
                    .collect();
                out.push((format!("{schema}.{table}"), rows));
            }
            out
        })
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let admin = pg_admin_url();
        let name = self.name.clone();
        block_on(async move {
            if let Ok(mut conn) = PgConnection::connect(&admin).await {
                let _ = conn
                    .execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str())
                    .await;
            }
        });
    }
}

/// The project's root (for schemas/ and profiles/).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Reads a file of the project.
pub fn fixture(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

/// The test schema with rows, loaded into a fresh PostgreSQL database.
pub fn shop_source() -> PgDb {
    let db = PgDb::new("src");
    db.execute(&fixture("schemas/shop.pg.sql"));
    db.execute(&fixture("schemas/shop.pg.data.sql"));
    db
}

/// The shop with rows, profiled from a fresh PostgreSQL source: the
/// directory holding the profile (removed when dropped) and its path.
pub fn shop_profile() -> (tempfile::TempDir, PathBuf) {
    let source = shop_source();
    let dir = temp_dir();
    let out = dir.path().join("shop.json");
    profile_to(&source.url(), &out);
    (dir, out)
}

/// A fresh PostgreSQL database that `patina generate PROFILE --target URL
/// ARGS` filled, succeeding.
pub fn generated(prefix: &str, profile: &Path, args: &[&str]) -> PgDb {
    let target = PgDb::new(prefix);
    let url = target.url();
    let mut all = vec!["generate", s(profile), "--target", &url];
    all.extend_from_slice(args);
    patina_ok(&all);
    target
}

/// A SQLite file built from SQL.
pub fn sqlite_from_sql(path: &Path, sql: &str) {
    let url = format!("sqlite://{}?mode=rwc", path.display());
    block_on(async {
        let mut conn = SqliteConnection::connect(&url)
            .await
            .expect("create the SQLite file");
        sqlx::raw_sql(sql)
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("SQLite SQL failed: {e}"));
    });
}

/// Every table of a SQLite file, rows as text, sorted; plus the FK check's findings.
pub fn sqlite_dump(path: &Path) -> Vec<(String, Vec<String>)> {
    let url = format!("sqlite://{}?mode=ro", path.display());
    block_on(async {
        let mut conn = SqliteConnection::connect(&url)
            .await
            .expect("open the SQLite file");
        let violations: Vec<sqlx::sqlite::SqliteRow> = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&mut conn)
            .await
            .expect("foreign_key_check");
        assert!(
            violations.is_empty(),
            "{} foreign-key violations",
            violations.len()
        );
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                .fetch_all(&mut conn)
                .await
                .expect("list tables");
        let mut out = Vec::new();
        for table in tables {
            let cols: Vec<String> = sqlx::query(&format!("PRAGMA table_info(\"{table}\")"))
                .fetch_all(&mut conn)
                .await
                .expect("columns")
                .iter()
                .map(|r| format!("quote(\"{}\")", r.get::<String, _>("name")))
                .collect();
            let q = format!(
                "SELECT {} FROM \"{table}\" ORDER BY 1",
                cols.join(" || '|' || ")
            );
            let rows: Vec<String> = sqlx::query_scalar(&q)
                .fetch_all(&mut conn)
                .await
                .expect("read a table");
            out.push((table, rows));
        }
        out
    })
}

/// Row count of one SQLite table.
pub fn sqlite_count(path: &Path, table: &str) -> i64 {
    let url = format!("sqlite://{}?mode=ro", path.display());
    block_on(async {
        let mut conn = SqliteConnection::connect(&url)
            .await
            .expect("open the SQLite file");
        sqlx::query_scalar(&format!("SELECT count(*) FROM \"{table}\""))
            .fetch_one(&mut conn)
            .await
            .expect("count")
    })
}

/// A temporary directory removed after the test.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// A path as &str.
pub fn s(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// The environment variable naming the MySQL/MariaDB server for tests.
pub const MYSQL_ENV: &str = "PATINA_TEST_MYSQL_URL";

/// The admin URL of the MySQL test server.
pub fn mysql_admin_url() -> String {
    std::env::var(MYSQL_ENV).unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".to_owned())
}

/// A URL for database `name` on the MySQL test server.
pub fn mysql_url(name: &str) -> String {
    let admin = mysql_admin_url();
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b.to_owned(), format!("?{q}")),
        None => (admin.clone(), String::new()),
    };
    let cut = base
        .rfind('/')
        .filter(|&i| i > "mysql://".len())
        .unwrap_or(base.len());
    format!("{}/{name}{query}", &base[..cut])
}

/// A MySQL/MariaDB database created for one test and dropped after it.
pub struct MyDb {
    /// Its name.
    pub name: String,
}

impl MyDb {
    /// Creates a fresh database, failing the test with instructions when no server answers.
    pub fn new(prefix: &str) -> Self {
        let name = unique_name(prefix);
        let admin = mysql_admin_url();
        block_on(async {
            let mut conn = sqlx::MySqlConnection::connect(&admin).await.unwrap_or_else(|e| {
                panic!(
                    "this test needs a MySQL or MariaDB server: none answered at {admin} ({e}).\n\
                     Start one, or set {MYSQL_ENV}=mysql://USER@HOST:PORT/DB to an account that may \
                     CREATE DATABASE; each test creates and drops its own database."
                )
            });
            sqlx::raw_sql(&format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
                .execute(&mut conn)
                .await
                .expect("CREATE DATABASE");
        });
        Self { name }
    }

    /// Its URL.
    pub fn url(&self) -> String {
        mysql_url(&self.name)
    }

    /// Runs SQL (several statements allowed).
    pub fn execute(&self, sql: &str) {
        let url = self.url();
        block_on(async {
            let mut conn = sqlx::MySqlConnection::connect(&url)
                .await
                .expect("connect to the test database");
            sqlx::raw_sql(sql)
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("SQL failed: {e}\n{sql}"));
        });
    }

    /// One i64 from a query.
    pub fn scalar(&self, sql: &str) -> i64 {
        let url = self.url();
        block_on(async {
            let mut conn = sqlx::MySqlConnection::connect(&url)
                .await
                .expect("connect to the test database");
            sqlx::query_scalar::<_, i64>(&format!("SELECT CAST(({sql}) AS SIGNED)"))
                .fetch_one(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("{e}: {sql}"))
        })
    }

    /// One string from a query.
    pub fn text(&self, sql: &str) -> Vec<String> {
        let url = self.url();
        block_on(async {
            let mut conn = sqlx::MySqlConnection::connect(&url)
                .await
                .expect("connect to the test database");
            sqlx::query(sql)
                .fetch_all(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("{e}: {sql}"))
                .iter()
                .map(|r| r.get::<String, _>(0))
                .collect()
        })
    }

    /// Every table's rows as JSON arrays, sorted.
    pub fn dump(&self) -> Vec<(String, Vec<String>)> {
        let tables = self.text(
            "SELECT CONVERT(TABLE_NAME USING utf8mb4) FROM information_schema.TABLES
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1",
        );
        tables
            .into_iter()
            .map(|t| {
                let cols = self.text(&format!(
                    "SELECT CONVERT(CONCAT('`', REPLACE(COLUMN_NAME, '`', '``'), '`') USING utf8mb4)
                     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{t}'
                     ORDER BY ORDINAL_POSITION"
                ));
                let rows = self.text(&format!(
                    "SELECT CONVERT(JSON_ARRAY({}) USING utf8mb4) FROM `{t}` ORDER BY 1",
                    cols.join(", ")
                ));
                (t, rows)
            })
            .collect()
    }
}

impl Drop for MyDb {
    fn drop(&mut self) {
        let admin = mysql_admin_url();
        let name = self.name.clone();
        block_on(async move {
            if let Ok(mut conn) = sqlx::MySqlConnection::connect(&admin).await {
                let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS `{name}`"))
                    .execute(&mut conn)
                    .await;
            }
        });
    }
}

/// The MySQL test schema with rows, loaded into a fresh database.
pub fn mysql_shop_source() -> MyDb {
    let db = MyDb::new("mysrc");
    db.execute(&fixture("schemas/shop.mysql.sql"));
    db
}

/// One integer from a SQLite file.
pub fn sqlite_scalar(path: &Path, sql: &str) -> i64 {
    let url = format!("sqlite://{}?mode=ro", path.display());
    block_on(async {
        let mut conn = SqliteConnection::connect(&url)
            .await
            .expect("open the SQLite file");
        sqlx::query_scalar(sql)
            .fetch_one(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    })
}
