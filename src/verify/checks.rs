//! Constraint checks on a target: every row patina wrote must satisfy the
//! profile's NOT NULLs, keys, foreign keys and CHECKs. Counted with plain
//! SQL in the target's dialect, so a target loaded with its constraints
//! disabled (or files) is judged by the same rules.

use super::{VerifyError, Violation};
use crate::profile::Profile;
use crate::schema::Table;
use crate::schema::check;
use crate::sink::ddl::{self, Dialect};
use sqlx::Connection;
use std::str::FromStr;

enum Conn {
    Postgres(sqlx::PgConnection),
    Mysql(sqlx::MySqlConnection),
    Sqlite(sqlx::SqliteConnection),
}

impl Conn {
    async fn count(&mut self, sql: &str) -> Result<i64, sqlx::Error> {
        match self {
            Conn::Postgres(c) => sqlx::query_scalar::<_, i64>(sql).fetch_one(c).await,
            Conn::Mysql(c) => sqlx::query_scalar::<_, i64>(sql).fetch_one(c).await,
            Conn::Sqlite(c) => sqlx::query_scalar::<_, i64>(sql).fetch_one(c).await,
        }
    }
}

/// Counts violations of every constraint the profile declares; returns them
/// and the constraints that could not be checked.
pub fn run(profile: &Profile, url: &str) -> Result<(Vec<Violation>, Vec<String>), VerifyError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| VerifyError::File {
            path: std::env::temp_dir(),
            reason: format!("cannot start the async runtime: {e}"),
        })?;
    runtime.block_on(run_async(profile, url))
}

async fn run_async(
    profile: &Profile,
    url: &str,
) -> Result<(Vec<Violation>, Vec<String>), VerifyError> {
    let connect_err = |source| VerifyError::Query {
        what: "the connection to the target".into(),
        source,
    };
    let scheme = url.split_once("://").map_or("", |(s, _)| s);
    let (mut conn, dialect) = match scheme {
        "postgres" | "postgresql" => (
            Conn::Postgres(
                sqlx::PgConnection::connect(url)
                    .await
                    .map_err(connect_err)?,
            ),
            Dialect::Postgres,
        ),
        "mysql" | "mariadb" => (
            Conn::Mysql(
                sqlx::MySqlConnection::connect(&url.replacen("mariadb://", "mysql://", 1))
                    .await
                    .map_err(connect_err)?,
            ),
            Dialect::Mysql,
        ),
        _ => {
            let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                .map_err(connect_err)?
                .read_only(true);
            (
                Conn::Sqlite(
                    sqlx::SqliteConnection::connect_with(&options)
                        .await
                        .map_err(connect_err)?,
                ),
                Dialect::Sqlite,
            )
        }
    };
    let mut violations = Vec::new();
    let mut unchecked = Vec::new();
    for table in &profile.schema.tables {
        for (constraint, sql) in queries(profile, table, dialect, &mut unchecked) {
            let rows = conn
                .count(&sql)
                .await
                .map_err(|source| VerifyError::Query {
                    what: format!("{constraint} of `{}`", table.name),
                    source,
                })?;
            if rows > 0 {
                violations.push(Violation {
                    table: table.name.to_string(),
                    constraint,
                    rows,
                });
            }
        }
    }
    Ok((violations, unchecked))
}

/// `(what, SELECT count(*) …)` per constraint of a table.
fn queries(
    profile: &Profile,
    table: &Table,
    dialect: Dialect,
    unchecked: &mut Vec<String>,
) -> Vec<(String, String)> {
    let q = |name: &str| ddl::quote_in(name, dialect);
    let name = ddl::qualified(&table.name, dialect);
    let mut out = Vec::new();
    let required: Vec<String> = table
        .columns
        .iter()
        .filter(|c| !c.nullable && c.generated.is_none())
        .map(|c| format!("{} IS NULL", q(&c.name)))
        .collect();
    if !required.is_empty() {
        out.push((
            "not null".to_owned(),
            format!(
                "SELECT count(*) FROM {name} WHERE {}",
                required.join(" OR ")
            ),
        ));
    }
    for key in table.primary_key.iter().chain(&table.uniques) {
        let cols: Vec<String> = key.columns.iter().map(|c| q(c)).collect();
        let set: Vec<String> = cols.iter().map(|c| format!("{c} IS NOT NULL")).collect();
        out.push((
            key.label(),
            format!(
                "SELECT count(*) FROM (SELECT 1 AS x FROM {name} WHERE {} GROUP BY {} HAVING count(*) > 1) d",
                set.join(" AND "),
                cols.join(", ")
            ),
        ));
    }
    for fk in &table.foreign_keys {
        let Some(parent) = profile.schema.table(&fk.referenced_table) else {
            continue;
        };
        let set: Vec<String> = fk
            .columns
            .iter()
            .map(|c| format!("c.{} IS NOT NULL", q(c)))
            .collect();
        let join: Vec<String> = fk
            .columns
            .iter()
            .zip(&fk.referenced_columns)
            .map(|(c, p)| format!("p.{} = c.{}", q(p), q(c)))
            .collect();
        out.push((
            format!("foreign key {}", fk.label()),
            format!(
                "SELECT count(*) FROM {name} c WHERE {} AND NOT EXISTS (SELECT 1 FROM {} p WHERE {})",
                set.join(" AND "),
                ddl::qualified(&parent.name, dialect),
                join.join(" AND ")
            ),
        ));
    }
    for c in &table.checks {
        match check::parse(&c.expression) {
            Ok(predicate) => out.push((
                format!("check {}", c.name),
                format!(
                    "SELECT count(*) FROM {name} WHERE NOT ({})",
                    ddl::render(&predicate, dialect)
                ),
            )),
            Err(_) => unchecked.push(format!(
                "check {} of `{}`: an expression patina does not model",
                c.name, table.name
            )),
        }
    }
    out
}
