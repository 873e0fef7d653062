//! Introspection: a live database's schema and statistics, read-only.
//!
//! One module per engine, each behind [`profile`]: PostgreSQL reads
//! `pg_catalog` and MySQL/MariaDB `information_schema`, each in one
//! read-only transaction with a statement timeout; SQLite opens the file
//! read-only. Statistics come from bounded samples,
//! and every number that could reveal a value is coarsened (see
//! `profile::stats::coarsen`). Messages name tables and columns, never values.

pub(crate) mod analyze;
mod mysql;
mod postgres;
mod sqlite;

pub use analyze::{Privacy, shape};
pub use mysql::{
    FINGERPRINT_QUERY as MYSQL_FINGERPRINT_QUERY, fingerprint_of as mysql_fingerprint_of,
};
pub use postgres::database_fingerprint as pg_fingerprint;
pub use sqlite::{file_fingerprint as sqlite_fingerprint, path_of as sqlite_path};

use crate::error::IntrospectError;
use crate::profile::{self, Profile, SourceInfo};
use rayon::prelude::*;
use std::time::Duration;

/// How to profile.
#[derive(Clone, Debug)]
pub struct Options {
    /// Schemas to read (PostgreSQL); empty means every user schema.
    pub schemas: Vec<String>,
    /// At most this many rows per table feed the column statistics.
    pub sample_rows: u64,
    /// Longest a single statement may run on the source.
    pub statement_timeout: Duration,
    /// What may be kept verbatim.
    pub privacy: Privacy,
    /// Once this much time has gone by, the remaining tables get only what
    /// their sample gives: the reads beyond it (children per parent counted,
    /// parent joins, key order) are left out, with a warning per table.
    pub time_budget: Option<Duration>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            schemas: Vec::new(),
            sample_rows: 100_000,
            statement_timeout: Duration::from_secs(60),
            privacy: Privacy::default(),
            time_budget: None,
        }
    }
}

/// Progress of a profiling run, reported table by table.
pub trait Observer: Sync {
    /// `tables` tables will be read.
    fn started(&self, tables: usize);
    /// One table's statistics are done.
    fn table_done(&self, table: &str, rows: u64);
    /// Something was left out or approximated (names objects, never values).
    fn warn(&self, message: &str);
}

/// When the extra reads of a table (see [`Options::time_budget`]) stop.
#[derive(Clone, Copy, Debug)]
struct Budget(Option<std::time::Instant>);

impl Budget {
    fn start(options: &Options) -> Self {
        Self(options.time_budget.map(|b| std::time::Instant::now() + b))
    }

    /// Whether the extra reads of `table` may still run; says so when not.
    fn allows(&self, table: &crate::schema::QualifiedName, observer: &dyn Observer) -> bool {
        let spent = self.0.is_some_and(|end| std::time::Instant::now() >= end);
        if spent {
            observer.warn(&format!(
                "time budget spent: table `{table}` has its sample's statistics only \
                 (children per parent from the sample; no parent times, orphans, \
                 copies or key order)"
            ));
        }
        !spent
    }
}

/// An observer that ignores everything.
pub struct Silent;

impl Observer for Silent {
    fn started(&self, _: usize) {}
    fn table_done(&self, _: &str, _: u64) {}
    fn warn(&self, _: &str) {}
}

/// Reads a source database into a profile.
pub fn profile(
    url: &str,
    options: &Options,
    observer: &dyn Observer,
) -> Result<Profile, IntrospectError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| IntrospectError::InvalidUrl {
            reason: format!("cannot start the async runtime: {e}"),
        })?;
    let scheme = url.split_once("://").map(|(s, _)| s).unwrap_or("");
    let (schema, tables, source) = match scheme {
        "postgres" | "postgresql" => runtime.block_on(postgres::read(url, options, observer))?,
        "sqlite" => runtime.block_on(sqlite::read(url, options, observer))?,
        "mysql" | "mariadb" => runtime.block_on(mysql::read(
            &url.replacen("mariadb://", "mysql://", 1),
            options,
            observer,
        ))?,
        "" => {
            return Err(IntrospectError::InvalidUrl {
                reason: "expected postgres://…, mysql://… or sqlite://…".into(),
            });
        }
        other => {
            return Err(IntrospectError::UnsupportedScheme {
                scheme: other.to_owned(),
            });
        }
    };
    let mut tables = tables;
    finish_fan_out(&schema, &mut tables);
    Ok(Profile {
        format_version: profile::FORMAT_VERSION,
        patina_version: crate::VERSION.to_owned(),
        source,
        schema,
        tables,
    })
}

/// The query reading a table's sample as text: `text` casts one column
/// (named unquoted) to the engine's text; binary and opaque columns read as `null`.
fn sample_select(
    table: &crate::schema::Table,
    from: &str,
    null: &str,
    text: impl Fn(&str) -> String,
) -> String {
    let columns: Vec<String> = table
        .columns
        .iter()
        .map(|c| {
            if sampled_as_text(c) {
                text(&c.name)
            } else {
                null.to_owned()
            }
        })
        .collect();
    format!("SELECT {} FROM {from}", columns.join(", "))
}

/// Whether [`sample_select`] reads a column's values (as text): every
/// column but binary and opaque ones. The statistics of such a column that
/// the sampled values give (its distinct count) are computed in Rust.
fn sampled_as_text(column: &crate::schema::Column) -> bool {
    !matches!(
        column.logical_type,
        crate::schema::LogicalType::Binary { .. } | crate::schema::LogicalType::Opaque { .. }
    )
}

/// Each column's sampled values, row-aligned (`None` for NULL), from rows of text.
fn collect_samples<R>(
    columns: usize,
    rows: &[R],
    get: impl Fn(&R, usize) -> Option<String>,
) -> Vec<Vec<Option<String>>> {
    let mut out = vec![Vec::with_capacity(rows.len()); columns];
    for row in rows {
        for (i, values) in out.iter_mut().enumerate() {
            values.push(get(row, i));
        }
    }
    out
}

/// A table of at most this many times `--sample-rows` rows is read whole
/// where the sample does not do: its children per parent grouped
/// ([`FanOutCount::Exact`]) and its key order read ([`key_query`]). A block
/// sample sees children stored together (order lines) whole or not at all,
/// which no scaling of the sample's counts undoes; a bigger table has the
/// children of sampled parents counted instead, and one range of its keys read.
pub const WHOLE_READ_FACTOR: u64 = 10;

/// Parents sampled to count the children of a table too big to group whole:
/// a tenth of `--sample-rows`, at least 1 000 (and at most `--sample-rows`).
pub fn fan_out_parents(sample: u64) -> u64 {
    (sample / 10).max(1_000).min(sample.max(1))
}

/// Whether a table's fan-out is counted per sampled parent (see
/// [`fan_out_queries`]): it was sampled and is above [`WHOLE_READ_FACTOR`] ×
/// `sample` rows. The engines then read the parents' sizes first.
fn counts_per_sampled_parent(stats: &profile::TableStats, sample: u64) -> bool {
    stats.sampled_rows < stats.row_count
        && stats.row_count > sample.saturating_mul(WHOLE_READ_FACTOR)
}

/// The rows read and the counts of a [`key_query`] row: column 0, then
/// one per count (`NULL`, from `SUM` over no rows, as `None`).
fn key_counts<R: sqlx::Row>(row: &R, counts: usize) -> Result<(i64, Vec<Option<i64>>), sqlx::Error>
where
    usize: sqlx::ColumnIndex<R>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let read: i64 = row.try_get(0)?;
    let found = (1..=counts).map(|i| row.try_get(i).ok()).collect();
    Ok((read, found))
}

/// How a fan-out query counts children.
#[derive(Clone, Copy, Debug, PartialEq)]
enum FanOutCount {
    /// Every parent the table references, grouped over the whole table.
    Exact,
    /// The children of sampled parents (an index or one hash join over the
    /// table instead of a GROUP BY of it), childless ones included; the
    /// parent table holds about this many rows.
    PerSampledParent(u64),
}

/// The foreign keys whose fan-out should be counted rather than read off the
/// sample, with the query returning (children, parents with that many) for
/// each. `quote` quotes an identifier, `from` is the table's name in the
/// dialect, `int` its 64-bit integer type for CAST. For a table above
/// [`WHOLE_READ_FACTOR`] × `sample` rows, `parent_sample(f)` gives foreign
/// key `f`'s parent's row estimate and a query selecting `columns` of at
/// most `limit` of its rows, picked at random (`None`: leave the sample's
/// estimate, as where no index would find a parent's children).
fn fan_out_queries(
    table: &crate::schema::Table,
    stats: &profile::TableStats,
    sample: u64,
    from: &str,
    int: &str,
    quote: impl Fn(&str) -> String,
    parent_sample: impl Fn(usize, &str, u64) -> Option<(u64, String)>,
) -> Vec<(usize, FanOutCount, String)> {
    if stats.sampled_rows >= stats.row_count {
        return Vec::new();
    }
    let exact = stats.row_count <= sample.saturating_mul(WHOLE_READ_FACTOR);
    table
        .foreign_keys
        .iter()
        .enumerate()
        .filter_map(|(f, fk)| {
            let cols: Vec<String> = fk.columns.iter().map(|c| quote(c)).collect();
            if exact {
                let set: Vec<String> = cols.iter().map(|c| format!("{c} IS NOT NULL")).collect();
                return Some((
                    f,
                    FanOutCount::Exact,
                    format!(
                        "SELECT CAST(n AS {int}) AS n, CAST(count(*) AS {int}) AS parents FROM \
                         (SELECT count(*) AS n FROM {from} WHERE {} GROUP BY {}) g GROUP BY n",
                        set.join(" AND "),
                        cols.join(", ")
                    ),
                ));
            }
            let keys: Vec<String> = fk.referenced_columns.iter().map(|c| quote(c)).collect();
            let (rows, sample) = parent_sample(f, &keys.join(", "), fan_out_parents(sample))?;
            let on: Vec<String> = cols
                .iter()
                .zip(&keys)
                .map(|(c, k)| format!("c.{c} = p.{k}"))
                .collect();
            let group: Vec<String> = keys.iter().map(|k| format!("p.{k}")).collect();
            Some((
                f,
                FanOutCount::PerSampledParent(rows),
                format!(
                    "SELECT CAST(n AS {int}) AS n, CAST(count(*) AS {int}) AS parents FROM \
                     (SELECT count(c.{}) AS n FROM {sample} p LEFT JOIN {from} c ON {} GROUP BY {}) g \
                     GROUP BY n",
                    cols[0],
                    on.join(" AND "),
                    group.join(", ")
                ),
            ))
        })
        .collect()
}

/// Per foreign key to another table (and to the table itself with
/// `self_references`): its index, the parent, and the join condition of the
/// sample (`s`) to its parent (`p`).
fn parents<'s>(
    schema: &'s crate::schema::Schema,
    table: &crate::schema::Table,
    quote: &impl Fn(&str) -> String,
    self_references: bool,
) -> Vec<(usize, &'s crate::schema::Table, String)> {
    table
        .foreign_keys
        .iter()
        .enumerate()
        .filter_map(|(f, fk)| {
            let parent = schema.table(&fk.referenced_table)?;
            let join: Vec<String> = fk
                .columns
                .iter()
                .zip(&fk.referenced_columns)
                .map(|(c, p)| format!("p.{} = s.{}", quote(p), quote(c)))
                .collect();
            (self_references || parent.name != table.name).then(|| (f, parent, join.join(" AND ")))
        })
        .collect()
}

/// How far the engine's distinct counts are trusted over the sample's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Catalog {
    /// Counted over the whole table (SQLite's and MariaDB's `ANALYZE`, or a
    /// PostgreSQL table small enough for `ANALYZE` to read whole): always.
    Exact,
    /// Estimated from `ANALYZE`'s own sample (a big PostgreSQL table), which
    /// undercounts nearly unique columns: only where it finds more values
    /// than the sample's estimate (a block sample of rows stored together
    /// sees few of their order ids).
    Estimate,
}

/// Replaces the sample's distinct counts of a sampled table with those the
/// catalog holds, where its statistics are fresh (each engine decides), as
/// far as `trust` says; capped at the column's non-NULL rows.
fn catalog_distinct(stats: &mut profile::TableStats, counts: &[(String, u64)], trust: Catalog) {
    if stats.sampled_rows >= stats.row_count {
        return; // read whole: the sample's count is exact
    }
    let rows = stats.row_count;
    for (column, count) in counts {
        if let Some(cs) = stats.columns.iter_mut().find(|c| &c.column == column) {
            let non_null = (rows as f64 * (1.0 - cs.null_fraction)).round() as u64;
            let count = (*count).min(non_null);
            if trust == Catalog::Exact || cs.distinct.is_none_or(|d| count > d) {
                cs.distinct = Some(count);
            }
        }
    }
}

/// Ranges of keys a big MySQL table is sampled in (see [`key_range_sample`]).
const KEY_RANGES: u64 = 32;

/// The single integer column a table is keyed by, if it is.
fn integer_key(table: &crate::schema::Table) -> Option<&str> {
    let [column] = table.primary_key.as_ref()?.columns.as_slice() else {
        return None;
    };
    table
        .column(column)?
        .logical_type
        .integer_range()
        .map(|_| column.as_str())
}

/// A sample (aliased `s`) of about `sample` rows of table `name` keyed by
/// the integer column `key` (quoted) whose keys run from `min` to `max`:
/// [`KEY_RANGES`] ranges of keys evenly spread over that span, the first
/// `sample / KEY_RANGES` rows of each read through the key's index. Like a
/// block sample, it reads what it returns and nothing else, and the same
/// rows every time while the table is unchanged.
fn key_range_sample(name: &str, key: &str, min: i64, max: i64, sample: u64) -> String {
    let span = i128::from(max) - i128::from(min) + 1;
    let ranges = i128::from(KEY_RANGES).min(span.max(1));
    let per_range = sample.div_ceil(ranges as u64);
    let start = |i: i128| i128::from(min) + span * i / ranges;
    let parts: Vec<String> = (0..ranges)
        .map(|i| {
            let upper = if i + 1 < ranges {
                format!(" AND {key} < {}", start(i + 1))
            } else {
                String::new()
            };
            format!(
                "(SELECT * FROM {name} WHERE {key} >= {}{upper} ORDER BY {key} LIMIT {per_range})",
                start(i)
            )
        })
        .collect();
    format!(
        "(SELECT * FROM ({}) AS u LIMIT {sample}) AS s",
        parts.join(" UNION ALL ")
    )
}

/// About `wanted` row ids spread at random over `min..=max`, the same on
/// every run: one per equal slice of the span, at a seeded place in it.
fn spread_ids(min: i64, max: i64, wanted: u64) -> Vec<i64> {
    let span = (i128::from(max) - i128::from(min) + 1).max(1);
    let n = i128::from(wanted).min(span);
    (0..n)
        .map(|i| {
            // splitmix64 of the slice number: a fixed, well-spread fraction.
            let mut z = (i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            let (lo, hi) = (span * i / n, span * (i + 1) / n);
            let offset = lo + (i128::from(z) % (hi - lo).max(1));
            (i128::from(min) + offset) as i64
        })
        .collect()
}

/// Rows joined to their parents (times, orphans, copies) at most, drawn
/// through the whole table like its sample: few enough that the parent is
/// probed through its key, not scanned.
const JOIN_ROWS: u64 = 10_000;

/// Time columns of a table and of its parents compared per foreign key at most.
const PARENT_TIME_COLUMNS: usize = 4;

/// Per foreign key to another table, one query pairing each sampled child
/// row's time columns with its parent's: (foreign key, child columns,
/// parent columns, SQL returning the child's then the parent's as text,
/// one row per child that found its parent). `from` is the
/// sample (aliased `s`), `name` gives a table's name in the dialect,
/// `text(alias, column)` a column as text.
fn parent_time_queries(
    schema: &crate::schema::Schema,
    table: &crate::schema::Table,
    from: &str,
    name: impl Fn(&crate::schema::QualifiedName) -> String,
    quote: impl Fn(&str) -> String,
    text: impl Fn(&str, &str) -> String,
) -> Vec<(usize, Vec<String>, Vec<String>, String)> {
    let times = |t: &crate::schema::Table| -> Vec<String> {
        t.columns
            .iter()
            .filter(|c| {
                matches!(
                    c.logical_type,
                    crate::schema::LogicalType::Date
                        | crate::schema::LogicalType::Timestamp
                        | crate::schema::LogicalType::TimestampTz
                )
            })
            .take(PARENT_TIME_COLUMNS)
            .map(|c| c.name.clone())
            .collect()
    };
    let mut out = Vec::new();
    let children = times(table);
    if children.is_empty() {
        return out;
    }
    for (f, parent, join) in parents(schema, table, &quote, false) {
        let parent_columns = times(parent);
        if parent_columns.is_empty() {
            continue;
        }
        let select: Vec<String> = (children.iter().map(|c| text("s", c)))
            .chain(parent_columns.iter().map(|c| text("p", c)))
            .collect();
        let sql = format!(
            "SELECT {} FROM {from} JOIN {} p ON {join}",
            select.join(", "),
            name(&parent.name),
        );
        out.push((f, children.clone(), parent_columns, sql));
    }
    out
}

/// Child and parent columns compared for copies per foreign key at most.
const COPY_COLUMNS: usize = 12;
/// A child column equal to a parent column in this share of rows is a copy.
const COPY_SHARE: f64 = 0.9;

/// What a key query counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyCount {
    /// Holes in the key's sequence (`mess.id_gaps` of the key).
    Gaps,
    /// Rows whose time is earlier than the previous row's in key order
    /// (`mess.out_of_order` of the time column).
    OutOfOrder,
}

/// For a table keyed by one integer column: one query that reads the rows
/// in key order and returns the rows read, the holes in the key (rows more
/// than one above the previous key) and, per date or timestamp column, the
/// rows earlier than the previous row; with what each count is and the
/// column it is recorded on. A table above [`WHOLE_READ_FACTOR`] × `sample`
/// rows is read from its median sampled key for `sample` rows, through the
/// key's index: one range sampled, not the table scanned and sorted.
fn key_query(
    table: &crate::schema::Table,
    stats: &profile::TableStats,
    sample: u64,
    samples: &[Vec<Option<String>>],
    name: &str,
    int: &str,
    quote: impl Fn(&str) -> String,
) -> Option<(Vec<(KeyCount, String)>, String)> {
    let key = table.primary_key.as_ref()?;
    let [column] = key.columns.as_slice() else {
        return None;
    };
    let index = table.column_index(column)?;
    table.columns[index].logical_type.integer_range()?;
    let k = quote(column);
    let mut counts = vec![(KeyCount::Gaps, column.clone())];
    // `p + 1 < k` rather than `k - p > 1`: never overflows, since p < k.
    let mut sums = vec!["p_ + 1 < k_".to_owned()];
    let mut inner = vec![
        format!("{k} AS k_"),
        format!("LAG({k}) OVER (ORDER BY {k}) AS p_"),
    ];
    for c in &table.columns {
        if matches!(
            c.logical_type,
            crate::schema::LogicalType::Date
                | crate::schema::LogicalType::Timestamp
                | crate::schema::LogicalType::TimestampTz
        ) {
            let (i, t) = (counts.len(), quote(&c.name));
            counts.push((KeyCount::OutOfOrder, c.name.clone()));
            sums.push(format!("t{i} < tp{i}"));
            inner.push(format!("{t} AS t{i}"));
            inner.push(format!("LAG({t}) OVER (ORDER BY {k}) AS tp{i}"));
        }
    }
    let source = if stats.row_count > sample.saturating_mul(WHOLE_READ_FACTOR) {
        // The median sampled key: somewhere inside the table, the same on every run.
        let mut keys: Vec<i64> = samples[index]
            .iter()
            .filter_map(|v| v.as_deref()?.parse().ok())
            .collect();
        keys.sort_unstable();
        let start = *keys.get(keys.len() / 2)?;
        format!("(SELECT * FROM {name} WHERE {k} >= {start} ORDER BY {k} LIMIT {sample}) r")
    } else {
        format!("{name} r")
    };
    let columns: Vec<String> = std::iter::once(format!("CAST(COUNT(*) AS {int})"))
        .chain(
            sums.iter()
                .map(|c| format!("CAST(SUM(CASE WHEN {c} THEN 1 ELSE 0 END) AS {int})")),
        )
        .collect();
    Some((
        counts,
        format!(
            "SELECT {} FROM (SELECT {} FROM {source}) s",
            columns.join(", "),
            inner.join(", ")
        ),
    ))
}

/// Records a key query's counts (see [`key_query`]) on their columns'
/// `mess`, as shares of the `read` rows.
fn record_key_counts(
    stats: &mut profile::TableStats,
    counts: &[(KeyCount, String)],
    read: i64,
    found: &[Option<i64>],
) {
    let rows = read.max(1) as f64;
    for ((kind, column), count) in counts.iter().zip(found) {
        let count = count.unwrap_or(0);
        if count <= 0 {
            continue;
        }
        if let Some(cs) = stats.columns.iter_mut().find(|c| &c.column == column) {
            let share = (count as f64 / rows * 10_000.0).round() / 10_000.0;
            let mess = cs.mess.get_or_insert_with(Default::default);
            match kind {
                KeyCount::Gaps => mess.id_gaps = share,
                KeyCount::OutOfOrder => mess.out_of_order = share,
            }
        }
    }
}

/// A foreign key's relation query: (foreign key, (child, parent) column pairs, SQL).
type RelationQuery = (usize, Vec<(String, String)>, String);

/// Per foreign key whose parent the profile holds (self-references too), one
/// query over the sampled child rows whose reference is set, each joined to
/// its parent if there is one: it returns the rows, the rows that found
/// their parent (the rest are orphans, possible where the reference is not
/// enforced: SQLite without `PRAGMA foreign_keys`, a PostgreSQL key added
/// `NOT VALID`, a MySQL load with `foreign_key_checks = 0`), then, for a
/// parent that is another table, per pair of a child and a parent text
/// column, the rows where they are equal and the rows where the child's is
/// set, among the rows that found their parent (copies of parent columns).
fn relation_queries(
    schema: &crate::schema::Schema,
    table: &crate::schema::Table,
    from: &str,
    name: impl Fn(&crate::schema::QualifiedName) -> String,
    quote: impl Fn(&str) -> String,
    int: &str,
) -> Vec<RelationQuery> {
    // Text and number columns outside keys; a pair is a text column of
    // each, or two numbers of the same type (a line's price, its product's).
    let candidates = |t: &crate::schema::Table| -> Vec<(String, crate::schema::LogicalType)> {
        let keys: Vec<&String> = t
            .primary_key
            .iter()
            .chain(&t.uniques)
            .flat_map(|k| &k.columns)
            .chain(t.foreign_keys.iter().flat_map(|f| &f.columns))
            .collect();
        t.columns
            .iter()
            .filter(|c| {
                (c.logical_type.is_textual() || c.logical_type.is_ordered_numeric())
                    && c.generated.is_none()
                    && !keys.contains(&&c.name)
            })
            .take(COPY_COLUMNS)
            .map(|c| (c.name.clone(), c.logical_type.clone()))
            .collect()
    };
    let comparable = |a: &crate::schema::LogicalType, b: &crate::schema::LogicalType| {
        (a.is_textual() && b.is_textual()) || (a.is_ordered_numeric() && a == b)
    };
    let mut out = Vec::new();
    for (f, parent, join) in parents(schema, table, &quote, true) {
        let fk = &table.foreign_keys[f];
        let Some(found) = fk
            .referenced_columns
            .first()
            .map(|c| format!("p.{}", quote(c)))
        else {
            continue;
        };
        let set: Vec<String> = fk
            .columns
            .iter()
            .map(|c| format!("s.{} IS NOT NULL", quote(c)))
            .collect();
        let pairs: Vec<(String, String)> = if parent.name == table.name {
            Vec::new()
        } else {
            let theirs = candidates(parent);
            candidates(table)
                .into_iter()
                .flat_map(|(c, ct)| {
                    theirs
                        .iter()
                        .filter(move |(_, pt)| comparable(&ct, pt))
                        .map(move |(p, _)| (c.clone(), p.clone()))
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        let mut columns = vec![
            format!("CAST(COUNT(*) AS {int})"),
            format!("CAST(COUNT({found}) AS {int})"),
        ];
        for (c, p) in &pairs {
            let (c, p) = (quote(c), quote(p));
            columns.push(format!(
                "CAST(SUM(CASE WHEN s.{c} = p.{p} THEN 1 ELSE 0 END) AS {int})"
            ));
            columns.push(format!(
                "CAST(COUNT(CASE WHEN {found} IS NOT NULL THEN s.{c} END) AS {int})"
            ));
        }
        out.push((
            f,
            pairs,
            format!(
                "SELECT {} FROM {from} LEFT JOIN {} p ON {} WHERE {}",
                columns.join(", "),
                name(&parent.name),
                join,
                set.join(" AND ")
            ),
        ));
    }
    out
}

/// Records a relation query's findings (see [`relation_queries`]): the
/// orphan share, and the copies among `pairs`.
fn relations(
    stats: &mut profile::TableStats,
    f: usize,
    pairs: &[(String, String)],
    counts: &[i64],
) {
    let (Some(&rows), Some(&found)) = (counts.first(), counts.get(1)) else {
        return;
    };
    if let Some(slot) = stats.foreign_keys.get_mut(f)
        && rows > 0
    {
        slot.orphan_share =
            ((rows - found).max(0) as f64 / rows as f64 * 10_000.0).round() / 10_000.0;
    }
    copies(stats, f, pairs, &counts[2..]);
}

/// Records the copies among `pairs` from their (equal, set) counts.
fn copies(stats: &mut profile::TableStats, f: usize, pairs: &[(String, String)], counts: &[i64]) {
    let Some(slot) = stats.foreign_keys.get_mut(f) else {
        return;
    };
    for (i, (child, parent)) in pairs.iter().enumerate() {
        let (equal, set) = (counts[2 * i], counts[2 * i + 1]);
        if set >= 10 {
            let share = equal as f64 / set as f64;
            let better = slot
                .copies
                .iter()
                .any(|c| c.child == *child && c.share >= share);
            if share >= COPY_SHARE && !better {
                slot.copies.retain(|c| c.child != *child);
                slot.copies.push(profile::stats::CopiedColumn {
                    child: child.clone(),
                    parent: parent.clone(),
                    share: (share * 10_000.0).round() / 10_000.0,
                });
            }
        }
    }
}

/// Adds the child-after-parent time orders found in the rows of a
/// [`parent_time_queries`] query, per pair of a child and a parent column.
fn parent_time_order(
    stats: &mut profile::TableStats,
    f: usize,
    children: &[String],
    parents: &[String],
    rows: &[Vec<Option<String>>],
) {
    for (i, child) in children.iter().enumerate() {
        for (j, parent) in parents.iter().enumerate() {
            let pairs: Vec<(Option<String>, Option<String>)> = rows
                .iter()
                .filter_map(|r| {
                    let (c, p) = (r.get(i)?.clone()?, r.get(children.len() + j)?.clone()?);
                    Some((Some(c), Some(p)))
                })
                .collect();
            if let (Some(order), Some(slot)) = (
                analyze::parent_time_order(parent, child, &pairs),
                stats.foreign_keys.get_mut(f),
            ) {
                slot.time_order.push(order);
            }
        }
    }
}

/// Replaces foreign key `f`'s sampled fan-out with the counted one (see
/// [`fan_out_queries`]).
fn exact_fan_out(
    table: &crate::schema::Table,
    stats: &mut profile::TableStats,
    f: usize,
    how: FanOutCount,
    counts: &[(i64, i64)],
) {
    let counts: Vec<(u64, u64)> = counts
        .iter()
        .map(|&(n, p)| (n.max(0) as u64, p.max(0) as u64))
        .collect();
    let null_fraction = stats.foreign_keys.get(f).map_or(0.0, |s| s.null_fraction);
    if let Some(slot) = stats.foreign_keys.get_mut(f) {
        let time_order = std::mem::take(&mut slot.time_order);
        let orphan_share = slot.orphan_share;
        let referenced: Vec<(u64, u64)> = counts.iter().copied().filter(|c| c.0 > 0).collect();
        *slot = analyze::fan_out_from_counts(
            &table.foreign_keys[f].columns,
            &referenced,
            null_fraction,
        );
        if let FanOutCount::PerSampledParent(parents) = how {
            // The sampled parents stand for all of them: scale the share
            // that has children to the parent table.
            let sampled: u64 = counts.iter().map(|c| c.1).sum();
            let with_children: u64 = counts.iter().filter(|c| c.0 > 0).map(|c| c.1).sum();
            if sampled > 0 {
                slot.referenced_parents =
                    (with_children as f64 / sampled as f64 * parents as f64).round() as u64;
            }
        }
        slot.time_order = time_order;
        slot.orphan_share = orphan_share;
    }
}

/// Adds what the sample shows: per column (values, shapes, calendar, mess),
/// per foreign key (children per parent) and between time columns (their
/// order). `samples[i]` holds column `i`'s sampled values, row-aligned.
fn enrich(
    table: &crate::schema::Table,
    stats: &mut profile::TableStats,
    samples: &[Vec<Option<String>>],
    privacy: &Privacy,
) {
    let name = table.name.to_string();
    // Each column's analysis is independent of the others': one per core.
    let (rows, sampled) = (stats.row_count, stats.sampled_rows);
    let analyses: Vec<(analyze::Analysis, u64)> = table
        .columns
        .par_iter()
        .zip(samples.par_iter())
        .map(|(column, values)| {
            let key = table
                .primary_key
                .iter()
                .chain(&table.uniques)
                .any(|k| k.columns.contains(&column.name))
                || table
                    .foreign_keys
                    .iter()
                    .any(|f| f.columns.contains(&column.name));
            let present: Vec<&str> = values.iter().flatten().map(String::as_str).collect();
            let a = analyze::analyze(&name, column, key, &present, rows, sampled, privacy);
            (a, present.len() as u64)
        })
        .collect();
    for ((column, cs), (a, present)) in table
        .columns
        .iter()
        .zip(stats.columns.iter_mut())
        .zip(analyses)
    {
        if sampled_as_text(column) && sampled > 0 {
            let table_non_null = (rows as f64 * (1.0 - cs.null_fraction)).round() as u64;
            cs.distinct = Some(estimate_distinct(a.distinct, present, table_non_null));
        }
        cs.most_common = a.most_common;
        cs.histogram = a.histogram;
        cs.length_histogram = a.length_histogram;
        cs.shapes = a.shapes;
        cs.semantic = a.semantic;
        cs.time = a.time;
        cs.mess = a.mess;
        cs.json = a.json;
    }
    let index = |c: &String| table.column_index(c);
    stats.foreign_keys = table
        .foreign_keys
        .iter()
        .map(|fk| {
            let columns: Vec<usize> = fk.columns.iter().filter_map(index).collect();
            analyze::fan_out(
                &fk.columns,
                &columns,
                samples,
                stats.row_count,
                stats.sampled_rows,
            )
        })
        .collect();
    let times: Vec<usize> = (0..table.columns.len())
        .filter(|&i| {
            matches!(
                table.columns[i].logical_type,
                crate::schema::LogicalType::Date
                    | crate::schema::LogicalType::Timestamp
                    | crate::schema::LogicalType::TimestampTz
            )
        })
        .collect();
    stats.time_order = analyze::time_order(table, &times, samples);
    let ordered: Vec<usize> = (0..table.columns.len())
        .filter(|&i| {
            let t = &table.columns[i].logical_type;
            (t.is_ordered_numeric() || times.contains(&i)) && table.columns[i].generated.is_none()
        })
        .collect();
    stats.correlations = analyze::correlations(table, &ordered, samples);
    // Categorical columns: most of their values kept verbatim, few of them.
    let categorical: Vec<(usize, Vec<String>)> = stats
        .columns
        .iter()
        .enumerate()
        .filter(|(_, cs)| {
            cs.most_common.len() >= 2
                && cs.most_common.iter().map(|f| f.fraction).sum::<f64>() >= 0.9
        })
        .map(|(i, cs)| (i, cs.most_common.iter().map(|f| f.value.clone()).collect()))
        .collect();
    stats.associations = analyze::associations(table, &categorical, samples, privacy.min_count);
    let ranged: Vec<(usize, Vec<f64>)> = ordered
        .iter()
        .filter_map(|&i| {
            let bounds: Vec<f64> = stats.columns[i]
                .histogram
                .iter()
                .filter_map(|b| match b {
                    profile::StatValue::Number(n) => Some(*n),
                    profile::StatValue::Time(t) => {
                        crate::value::parse_timestamp(t).map(|m| m as f64)
                    }
                })
                .collect();
            (bounds.len() >= 3).then_some((i, bounds))
        })
        .collect();
    stats.bandings = analyze::bandings(table, &ranged, &categorical, samples, privacy.min_count);
    let semantic: Vec<_> = stats.columns.iter().map(|c| c.semantic).collect();
    stats.email_names = analyze::email_names(table, &semantic, samples);
    stats.belongs = analyze::belongs(table, &semantic, samples);
}

/// Fills what needs every table: the share of childless parents.
fn finish_fan_out(schema: &crate::schema::Schema, stats: &mut [profile::TableStats]) {
    let rows: Vec<u64> = schema
        .tables
        .iter()
        .map(|t| {
            stats
                .iter()
                .find(|s| s.table == t.name)
                .map_or(0, |s| s.row_count)
        })
        .collect();
    for s in stats.iter_mut() {
        let Some(table) = schema.table(&s.table) else {
            continue;
        };
        let children = s.row_count;
        for (fk, fs) in table.foreign_keys.iter().zip(s.foreign_keys.iter_mut()) {
            let parents = schema
                .table_index(&fk.referenced_table)
                .map_or(0, |p| rows[p]);
            cap_referenced(fs, parents, children);
            fs.childless_share = if parents == 0 {
                0.0
            } else {
                ((1.0 - fs.referenced_parents.min(parents) as f64 / parents as f64) * 10_000.0)
                    .round()
                    / 10_000.0
            };
        }
    }
}

/// A fan-out estimated from a sample of children scattered through their
/// table (a big table whose foreign key no index leads) scales each
/// thinned count back up, and can claim more referenced parents than the
/// parent table has. Such an estimate is capped at the parent's rows and
/// its children per parent rescaled to the mean the counts imply (the
/// table's non-NULL references over those parents): the shape is lost, the
/// totals hold.
fn cap_referenced(fs: &mut profile::stats::ForeignKeyStats, parents: u64, children: u64) {
    if parents == 0 || fs.referenced_parents <= parents {
        return;
    }
    fs.referenced_parents = parents;
    let bounds = &mut fs.children_per_parent;
    if bounds.is_empty() {
        return;
    }
    let mean_bound = bounds.iter().sum::<u64>() as f64 / bounds.len() as f64;
    let references = children as f64 * (1.0 - fs.null_fraction);
    let mean = references / parents as f64;
    if mean_bound > 0.0 {
        for b in bounds.iter_mut() {
            *b = ((*b as f64 * mean / mean_bound).round() as u64).max(1);
        }
    }
}

/// The error for a failed catalog or statistics query, saying what was read.
fn query_err(what: impl Into<String>) -> impl FnOnce(sqlx::Error) -> IntrospectError {
    let what = what.into();
    move |source| IntrospectError::Query { what, source }
}

/// A one-way fingerprint (FNV-1a, hex) of the facts that identify a database.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// Now, UTC, RFC 3339 (the capture time is the one clock read patina makes).
fn now_rfc3339() -> String {
    #[allow(clippy::disallowed_methods)]
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let mut s = String::new();
    crate::value::format_timestamp(secs * 1_000_000, 'T', &mut s);
    s.push('Z');
    s
}

/// `"name"` with embedded quotes doubled: safe for any identifier.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Coarsened min/max of a time column (to the month, outward).
fn coarsen_time(text: &str, up: bool, kind: TimeKind) -> Option<profile::StatValue> {
    use crate::value::{
        MICROS_PER_DAY, civil_from_days, days_from_civil, parse_time, parse_timestamp,
    };
    if kind == TimeKind::Time {
        // Times of day: to the hour.
        let t = parse_time(text)?;
        let hour = 3_600_000_000;
        let t = if up {
            (t + hour - 1) / hour * hour
        } else {
            t / hour * hour
        }
        .min(MICROS_PER_DAY - 1_000_000);
        let mut s = String::new();
        crate::value::format_time(t, &mut s);
        return Some(profile::StatValue::Time(s));
    }
    let micros = parse_timestamp(text)?;
    let days = micros.div_euclid(MICROS_PER_DAY);
    let (y, m, _) = civil_from_days(days);
    let start = days_from_civil(y, m, 1);
    let bound = if up {
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        days_from_civil(ny, nm, 1) - 1
    } else {
        start
    };
    let mut s = String::new();
    match kind {
        TimeKind::Date => crate::value::format_date(bound as i32, &mut s),
        _ => {
            let micros = if up {
                bound * MICROS_PER_DAY + MICROS_PER_DAY - 1_000_000
            } else {
                bound * MICROS_PER_DAY
            };
            crate::value::format_timestamp(micros, 'T', &mut s);
        }
    }
    Some(profile::StatValue::Time(s))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TimeKind {
    Date,
    Timestamp,
    Time,
}

/// The distinct count of a whole table from a sample's.
fn estimate_distinct(sample_distinct: u64, sample_non_null: u64, table_non_null: u64) -> u64 {
    if sample_non_null == 0 {
        return 0;
    }
    if sample_non_null >= table_non_null {
        return sample_distinct;
    }
    if sample_distinct * 10 >= sample_non_null * 9 {
        // Nearly every sampled value is distinct: the column is unique-ish.
        return ((sample_distinct as f64 / sample_non_null as f64) * table_non_null as f64).round()
            as u64;
    }
    sample_distinct
}

/// Basic facts about the capture, filled per engine.
fn source_info(
    engine: profile::Engine,
    server_version: String,
    fingerprint: String,
    schemas: Vec<String>,
    options: &Options,
) -> SourceInfo {
    SourceInfo {
        engine,
        server_version,
        captured_at: now_rfc3339(),
        fingerprint,
        schemas,
        sample_rows: options.sample_rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_coarsen_to_the_month() {
        assert_eq!(
            coarsen_time("2013-12-22T00:00:00", false, TimeKind::Timestamp),
            Some(profile::StatValue::Time("2013-12-01T00:00:00".into()))
        );
        assert_eq!(
            coarsen_time("2013-12-22", true, TimeKind::Date),
            Some(profile::StatValue::Time("2013-12-31".into()))
        );
    }

    #[test]
    fn impossible_fan_out_estimates_are_capped_at_the_parents() {
        // 60 M children scattered over 8 M parents, read as 600 each from a
        // 1-in-600 sample: capped to 8 M parents with 7.5 children each.
        let mut fs = profile::stats::ForeignKeyStats {
            columns: vec!["p".into()],
            null_fraction: 0.0,
            referenced_parents: 59_600_000,
            childless_share: 0.0,
            children_per_parent: vec![600, 600, 600, 1200],
            heaviest_share: 0.02,
            time_order: Vec::new(),
            copies: Vec::new(),
            orphan_share: 0.0,
        };
        cap_referenced(&mut fs, 8_000_000, 60_000_000);
        assert_eq!(fs.referenced_parents, 8_000_000);
        assert_eq!(fs.children_per_parent, [6, 6, 6, 12]);
        let mean = fs.children_per_parent.iter().sum::<u64>() as f64 / 4.0;
        assert!((mean - 7.5).abs() < 0.01, "{mean}");
        // A possible estimate is left alone.
        let before = fs.clone();
        cap_referenced(&mut fs, 9_000_000, 60_000_000);
        assert_eq!(fs, before);
    }

    #[test]
    fn distinct_estimates() {
        assert_eq!(estimate_distinct(12, 1000, 100_000), 12);
        assert_eq!(estimate_distinct(1000, 1000, 100_000), 100_000);
        assert_eq!(estimate_distinct(40, 50, 50), 40);
    }
}
