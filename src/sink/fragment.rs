//! Physical fragmentation after a PostgreSQL load (`--fragment`): the dead
//! tuples and the physical disorder years of updates leave, which flip
//! query plans that were fine on a freshly loaded staging copy.
//!
//! Per table, with autovacuum held off, patina updates rows to their own
//! values (`SET key = key`, or another column an UPDATE may write: no value
//! changes; every update leaves a dead
//! tuple and moves the row):
//!
//! 0. **Sorted first** (`CLUSTER` on the primary key) when the key order is
//!    already below the goal, as for a composite key led by a reference.
//! 1. **Order.** Rows chosen by a hash of their key are updated in
//!    descending key batches, so they land at the end of the heap in
//!    reverse order: moving a share `p` of rows takes the correlation
//!    between key order and physical order from 1 to about `1 - 2p`.
//!    Rounds repeat, measured, until the correlation is within reach.
//! 2. **Dead tuples.** Too many: `VACUUM` the table (order stays), then
//!    add back. Too few: update the physically last rows in physical
//!    order (they move to the end together, order kept), or after a
//!    vacuum update rows in place (HOT, into the space vacuum freed).
//!
//! While it works a second connection holds a snapshot, so no page is
//! pruned and the dead tuples stay countable; what was reached is measured
//! (`n_dead_tup`, the rank correlation of key and `ctid`, and, when the
//! statistics are refreshed, `pg_stats.correlation`) and reported.

use super::ddl::{Dialect, qualified, quote};
use super::runtime;
use super::session::db_err;
use crate::error::SinkError;
use crate::plan::Plan;
pub use crate::plan::mess::Fragment as Options;
use crate::profile::Profile;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Executor, PgConnection, Row};
use std::str::FromStr;

/// The dead share asked when neither the config nor the profile gives one.
pub const DEFAULT_DEAD_SHARE: f64 = 0.2;
/// The correlation asked when neither the config nor the profile gives one.
pub const DEFAULT_CORRELATION: f64 = 0.5;

/// What one table reached.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Reached {
    /// The table.
    pub table: String,
    /// The key column whose order was measured.
    pub column: String,
    /// Dead share asked.
    pub asked_dead_share: f64,
    /// Correlation asked.
    pub asked_correlation: f64,
    /// `n_dead_tup / (n_live_tup + n_dead_tup)` after the churn.
    pub dead_share: f64,
    /// Rank correlation of key order and physical order after the churn (all rows).
    pub correlation: f64,
    /// `pg_stats.correlation` of the key after ANALYZE (`None`: statistics left stale).
    pub pg_stats_correlation: Option<f64>,
    /// Row versions written by the churn.
    pub updates: u64,
    /// Whether the table was vacuumed on the way (too many dead tuples after reordering).
    pub vacuumed: bool,
}

/// Hash buckets rows are chosen by: `hashtext(key::text) & MASK`.
const MASK: i64 = (1 << 20) - 1;
/// Key batches of a reordering round.
const BATCHES: i64 = 32;

/// Fragments every written table of `plan` with rows in the PostgreSQL database at `url`.
pub fn postgres(
    url: &str,
    plan: &Plan,
    profile: &Profile,
    options: &Options,
    note: &dyn Fn(&str),
) -> Result<Vec<Reached>, SinkError> {
    let runtime = runtime()?;
    let connect = |name: &'static str| {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| SinkError::InvalidTarget(e.to_string()))?
            .application_name(name);
        runtime
            .block_on(options.connect())
            .map_err(|source| SinkError::Connect {
                engine: "PostgreSQL",
                source,
            })
    };
    let mut conn = connect("patina fragment")?;
    let mut holder = connect("patina fragment snapshot")?;
    let mut out = Vec::new();
    for &t in &plan.order.tables {
        if !plan.writes(t) || plan.tables[t].rows < 2 {
            continue;
        }
        let table = &plan.schema.tables[t];
        if table.partitioning.is_some() {
            note(&format!(
                "not fragmenting {}: a partitioned table (its partitions are not churned one by one yet)",
                plan.tables[t].address
            ));
            continue;
        }
        let stats = profile.stats(&table.name).and_then(|s| s.physical.as_ref());
        let goal = (
            options
                .dead_share
                .or(stats.and_then(|p| p.dead_tuple_share))
                .unwrap_or(DEFAULT_DEAD_SHARE),
            options
                .correlation
                .or(stats.and_then(|p| p.key_correlation))
                .unwrap_or(DEFAULT_CORRELATION),
        );
        let key_columns: Vec<String> = table.primary_key.as_ref().map_or_else(
            || vec![table.columns[0].name.clone()],
            |k| k.columns.clone(),
        );
        // The column updates set to itself: one the database lets us write
        // (not `GENERATED ALWAYS`, not a generated column), the key first.
        let writable = |name: &str| {
            table.column(name).is_some_and(|c| {
                c.generated.is_none() && c.identity != Some(crate::schema::Identity::Always)
            })
        };
        let Some(set) = key_columns
            .iter()
            .chain(table.columns.iter().map(|c| &c.name))
            .find(|name| writable(name))
            .cloned()
        else {
            note(&format!(
                "not fragmenting {}: no column an UPDATE may write",
                plan.tables[t].address
            ));
            continue;
        };
        note(&format!(
            "fragmenting {}: dead tuples {:.0}%, key order correlation {:.2}",
            plan.tables[t].address,
            goal.0 * 100.0,
            goal.1
        ));
        let job = Job {
            name: qualified(&table.name, Dialect::Postgres),
            address: &plan.tables[t].address,
            key_columns: &key_columns,
            set: &set,
        };
        let reached = runtime.block_on(fragment(&mut conn, &mut holder, &job, goal, options))?;
        out.push(reached);
    }
    Ok(out)
}

/// One table to fragment.
struct Job<'a> {
    /// Its qualified, quoted name.
    name: String,
    /// Its name for messages.
    address: &'a str,
    /// The primary key's columns (the first column when there is none).
    key_columns: &'a [String],
    /// The column updates set to itself.
    set: &'a str,
}

async fn fragment(
    conn: &mut PgConnection,
    holder: &mut PgConnection,
    job: &Job<'_>,
    (dead_goal, correlation_goal): (f64, f64),
    options: &Options,
) -> Result<Reached, SinkError> {
    let (name, address, key_columns) = (job.name.as_str(), job.address, job.key_columns);
    // Order and correlation follow the key's first column (as pg_stats
    // does); rows are chosen by a hash of the whole key, so a first column
    // with few values still moves row by row.
    let column = key_columns[0].as_str();
    let key = quote(column);
    let all: Vec<String> = key_columns.iter().map(|c| quote(c)).collect();
    let hash = if all.len() == 1 {
        format!("(hashtext({key}::text) & {MASK})")
    } else {
        format!("(hashtext(ROW({})::text) & {MASK})", all.join(", "))
    };
    let order = all.join(", ");
    let set = quote(job.set);
    let err = |what: &str| db_err(format!("fragmenting table `{address}`: {what}"));
    conn.execute(format!("ALTER TABLE {name} SET (autovacuum_enabled = false)").as_str())
        .await
        .map_err(err("holding autovacuum off"))?;
    hold(holder, true)
        .await
        .map_err(err("holding a snapshot"))?;
    let mut updates = 0u64;
    // 0. Too little order to start from (a key whose values were not loaded
    // in order): sort the table by its primary key first.
    let now = correlation(conn, name, &key)
        .await
        .map_err(err("measuring the order"))?;
    if now < correlation_goal - 0.05 {
        let index: Option<String> = sqlx::query_scalar(
            // The bare name: CLUSTER … USING takes no schema (the index's
            // `regclass` text is qualified outside the search path).
            "SELECT quote_ident(c.relname) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             WHERE i.indrelid = $1::regclass AND i.indisprimary",
        )
        .bind(name)
        .fetch_optional(&mut *conn)
        .await
        .map_err(err("finding its primary key"))?;
        if let Some(index) = index {
            hold(holder, false)
                .await
                .map_err(err("releasing the snapshot"))?;
            conn.execute(format!("CLUSTER {name} USING {index}").as_str())
                .await
                .map_err(err("sorting it by its primary key"))?;
            hold(holder, true)
                .await
                .map_err(err("holding a snapshot"))?;
        }
    }
    // 1. Order: reverse-order moves of fresh hash ranges until close enough.
    let mut used = 0.0f64;
    for _ in 0..6 {
        let now = correlation(conn, name, &key)
            .await
            .map_err(err("measuring the order"))?;
        if now <= correlation_goal + 0.03 || used >= 0.999 {
            break;
        }
        let share = ((now - correlation_goal) / 2.0 / now.max(0.2)).clamp(0.002, 1.0 - used);
        let (lo, hi) = (
            (used * (MASK + 1) as f64) as i64,
            ((used + share) * (MASK + 1) as f64) as i64,
        );
        used += share;
        conn.execute(
            format!(
                "CREATE TEMP TABLE patina_fragment AS \
             SELECT ctid AS tid, ntile({BATCHES}) OVER (ORDER BY {order}) AS batch \
             FROM {name} WHERE {hash} >= {lo} AND {hash} < {hi}"
            )
            .as_str(),
        )
        .await
        .map_err(err("choosing rows to move"))?;
        for batch in (1..=BATCHES).rev() {
            let done = conn
                .execute(
                    format!(
                        "UPDATE {name} SET {set} = {set} WHERE ctid = ANY(ARRAY(\
                     SELECT tid FROM patina_fragment WHERE batch = {batch}))"
                    )
                    .as_str(),
                )
                .await
                .map_err(err("moving rows"))?;
            updates += done.rows_affected();
        }
        conn.execute("DROP TABLE IF EXISTS patina_fragment")
            .await
            .map_err(err("dropping the work table"))?;
    }
    // 2. Dead tuples.
    let (mut live, mut dead) = tuples(conn, name)
        .await
        .map_err(err("counting dead tuples"))?;
    let mut vacuumed = false;
    if share(live, dead) > dead_goal + 0.03 {
        hold(holder, false)
            .await
            .map_err(err("releasing the snapshot"))?;
        conn.execute(format!("VACUUM {name}").as_str())
            .await
            .map_err(err("vacuuming"))?;
        hold(holder, true)
            .await
            .map_err(err("holding a snapshot"))?;
        vacuumed = true;
        (live, dead) = tuples(conn, name)
            .await
            .map_err(err("counting dead tuples"))?;
    }
    let wanted = (dead_goal * live as f64 / (1.0 - dead_goal).max(0.01)).round() as i64;
    let mut missing = wanted - dead;
    let mut round = 0i64;
    while missing > 0 && round < 64 {
        let done = if vacuumed {
            // In place: rows that were never moved sit on the pages vacuum
            // freed space in, so their new versions stay there (HOT) and the
            // order holds; moved rows would refill those holes and undo it.
            let start = ((used * (MASK + 1) as f64) as i64).min(MASK);
            let span = MASK + 1 - start;
            let unmoved = (live as f64 * span as f64 / (MASK + 1) as f64).max(1.0);
            let width = ((missing as f64 / unmoved) * span as f64).ceil() as i64;
            let offset = (round * 7919 * 131) % span;
            conn.execute(
                format!(
                    "UPDATE {name} SET {set} = {set} WHERE {hash} >= {start} \
                 AND ({hash} - {start} - {offset} + {span}) % {span} < {}",
                    width.min(span)
                )
                .as_str(),
            )
            .await
            .map_err(err("adding dead tuples"))?
        } else {
            // The physically last rows, in physical order, move to the end together.
            conn.execute(
                format!(
                    "UPDATE {name} SET {set} = {set} WHERE ctid = ANY(ARRAY(\
                 SELECT ctid FROM {name} ORDER BY ctid DESC LIMIT {}))",
                    missing.min(live.max(1))
                )
                .as_str(),
            )
            .await
            .map_err(err("adding dead tuples"))?
        };
        updates += done.rows_affected();
        missing -= done.rows_affected() as i64;
        round += 1;
        if done.rows_affected() == 0 {
            break;
        }
    }
    let reached_correlation = correlation(conn, name, &key)
        .await
        .map_err(err("measuring the order"))?;
    let (live, dead) = tuples(conn, name)
        .await
        .map_err(err("counting dead tuples"))?;
    hold(holder, false)
        .await
        .map_err(err("releasing the snapshot"))?;
    let pg_stats_correlation = if options.stale_statistics {
        None
    } else {
        conn.execute(format!("ANALYZE {name}").as_str())
            .await
            .map_err(err("refreshing statistics"))?;
        let (schema, table) = name_parts(conn, name)
            .await
            .map_err(err("reading its name"))?;
        sqlx::query_scalar::<_, Option<f32>>(
            "SELECT correlation FROM pg_stats WHERE schemaname = $1 AND tablename = $2 AND attname = $3",
        )
        .bind(schema)
        .bind(table)
        .bind(column)
        .fetch_optional(&mut *conn)
        .await
        .map_err(err("reading pg_stats"))?
        .flatten()
        .map(|c| round3(f64::from(c)))
    };
    if !options.keep_autovacuum_off {
        conn.execute(format!("ALTER TABLE {name} RESET (autovacuum_enabled)").as_str())
            .await
            .map_err(err("turning autovacuum back on"))?;
    }
    Ok(Reached {
        table: address.to_owned(),
        column: column.to_owned(),
        asked_dead_share: dead_goal,
        asked_correlation: correlation_goal,
        dead_share: round3(share(live, dead)),
        correlation: round3(reached_correlation),
        pg_stats_correlation,
        updates,
        vacuumed,
    })
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn share(live: i64, dead: i64) -> f64 {
    if live + dead == 0 {
        0.0
    } else {
        dead as f64 / (live + dead) as f64
    }
}

/// Opens (`true`) or ends a transaction holding a snapshot, which keeps
/// every dead tuple from being pruned or vacuumed meanwhile.
async fn hold(holder: &mut PgConnection, on: bool) -> Result<(), sqlx::Error> {
    if on {
        holder
            .execute("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1")
            .await?;
    } else {
        holder.execute("COMMIT").await?;
    }
    Ok(())
}

/// Rank correlation of key order and physical order, over every row, ties
/// in physical order: how ANALYZE computes `pg_stats.correlation` from its sample.
async fn correlation(conn: &mut PgConnection, name: &str, key: &str) -> Result<f64, sqlx::Error> {
    let c: Option<f64> = sqlx::query_scalar(&format!(
        "SELECT corr(k::float8, p::float8) FROM (SELECT row_number() OVER (ORDER BY {key}, ctid) AS k, \
         row_number() OVER (ORDER BY ctid) AS p FROM {name}) s"
    ))
    .fetch_one(&mut *conn)
    .await?;
    Ok(c.unwrap_or(0.0))
}

/// Live and dead tuples from the statistics, after flushing this session's counts.
async fn tuples(conn: &mut PgConnection, name: &str) -> Result<(i64, i64), sqlx::Error> {
    let version: i32 = sqlx::query_scalar("SELECT current_setting('server_version_num')::int")
        .fetch_one(&mut *conn)
        .await?;
    if version >= 150_000 {
        conn.execute("SELECT pg_stat_force_next_flush()").await?;
        // Counts are flushed when the session goes idle between statements.
        conn.execute("SELECT 1").await?;
        conn.execute("SELECT pg_stat_clear_snapshot()").await?;
    } else {
        // The statistics collector receives counts every half second.
        std::thread::sleep(std::time::Duration::from_millis(700));
        conn.execute("SELECT pg_stat_clear_snapshot()").await?;
    }
    let row = sqlx::query(
        "SELECT n_live_tup::int8 AS live, n_dead_tup::int8 AS dead FROM pg_stat_user_tables \
         WHERE relid = $1::regclass",
    )
    .bind(name)
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.get("live"), row.get("dead")))
}

async fn name_parts(conn: &mut PgConnection, name: &str) -> Result<(String, String), sqlx::Error> {
    let row = sqlx::query(
        "SELECT n.nspname::text AS s, c.relname::text AS t FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1::regclass",
    )
    .bind(name)
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.get("s"), row.get("t")))
}

/// What a MySQL/InnoDB table looks like after a shuffled load.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Pages {
    /// The table.
    pub table: String,
    /// Rows, as InnoDB's persistent statistics count them.
    pub rows: u64,
    /// Pages of the clustered index (16 KiB each by default).
    pub pages: u64,
}

/// Reads the clustered-index size of every shuffled table, after ANALYZE
/// TABLE refreshes InnoDB's persistent statistics.
pub fn mysql_pages(url: &str, plan: &Plan) -> Result<Vec<Pages>, SinkError> {
    use sqlx::mysql::MySqlConnectOptions;
    let runtime = runtime()?;
    let options =
        MySqlConnectOptions::from_str(url).map_err(|e| SinkError::InvalidTarget(e.to_string()))?;
    runtime.block_on(async {
        let mut conn = options
            .connect()
            .await
            .map_err(|source| SinkError::Connect {
                engine: "MySQL",
                source,
            })?;
        let mut out = Vec::new();
        for &t in &plan.order.tables {
            let shuffled = plan.mess.shuffled.get(t).copied().unwrap_or_default();
            if !plan.writes(t) || shuffled != crate::plan::mess::Shuffle::Random {
                continue;
            }
            let name = &plan.schema.tables[t].name.name;
            let err = || db_err(format!("reading the pages of table `{name}`"));
            conn.execute(format!("ANALYZE TABLE {}", quote_in_mysql(name)).as_str())
                .await
                .map_err(err())?;
            let row = sqlx::query(
                "SELECT CAST(n_rows AS SIGNED) AS n, CAST(clustered_index_size AS SIGNED) AS pages \
                 FROM mysql.innodb_table_stats WHERE database_name = DATABASE() AND table_name = ?",
            )
            .bind(name)
            .fetch_optional(&mut conn)
            .await
            .map_err(err())?;
            if let Some(row) = row {
                out.push(Pages {
                    table: plan.tables[t].address.clone(),
                    rows: row.get::<i64, _>("n").max(0) as u64,
                    pages: row.get::<i64, _>("pages").max(0) as u64,
                });
            }
        }
        Ok(out)
    })
}

fn quote_in_mysql(name: &str) -> String {
    super::ddl::quote_in(name, Dialect::Mysql)
}
