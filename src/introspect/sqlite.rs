//! SQLite: the schema from `sqlite_schema` and the table pragmas, CHECK
//! constraints from the stored DDL, statistics from bounded samples.

use super::postgres::column_stats;
use super::{Observer, Options, fingerprint, query_err, quote_ident, source_info};
use crate::error::IntrospectError;
use crate::profile::{Engine, SourceInfo, TableStats};
use crate::schema::types::from_sqlite;
use crate::schema::{
    Check, Column, ForeignKey, Identity, Key, LogicalType, QualifiedName, Schema, Table,
};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Row, SqliteConnection};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The path of a `sqlite://` URL.
pub fn path_of(url: &str) -> &str {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    rest.split('?').next().unwrap_or(rest)
}

/// The fingerprint of a SQLite file: its canonical path.
pub fn file_fingerprint(path: &str) -> String {
    let canonical =
        std::fs::canonicalize(path).map_or_else(|_| path.to_owned(), |p| p.display().to_string());
    fingerprint(&["sqlite", &canonical])
}

pub(super) async fn read(
    url: &str,
    options: &Options,
    observer: &dyn Observer,
) -> Result<(Schema, Vec<TableStats>, SourceInfo), IntrospectError> {
    let path = path_of(url);
    if !std::path::Path::new(path).exists() {
        return Err(IntrospectError::InvalidUrl {
            reason: format!("SQLite file `{path}` does not exist"),
        });
    }
    let mut conn = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))
        .map_err(|e| IntrospectError::InvalidUrl {
            reason: e.to_string(),
        })?
        .read_only(true)
        .connect()
        .await
        .map_err(|source| IntrospectError::Connect {
            engine: "SQLite",
            source,
        })?;
    let deadline = Deadline::install(&mut conn, options.statement_timeout).await?;
    let version: String = sqlx::query_scalar("SELECT sqlite_version()")
        .fetch_one(deadline.arm(&mut conn))
        .await
        .map_err(deadline.err("the SQLite version"))?;
    let rows = sqlx::query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .fetch_all(deadline.arm(&mut conn))
    .await
    .map_err(deadline.err("the list of tables"))?;
    let mut tables = Vec::new();
    for row in &rows {
        let name: String = row.get("name");
        let sql: Option<String> = row.get("sql");
        if sql
            .as_deref()
            .is_some_and(|s| s.to_ascii_uppercase().contains("CREATE VIRTUAL TABLE"))
        {
            observer.warn(&format!("{name}: virtual table left out"));
            continue;
        }
        tables.push(read_table(&mut conn, &deadline, &name, sql.as_deref().unwrap_or("")).await?);
    }
    if tables.is_empty() {
        return Err(IntrospectError::NoTables {
            schemas: format!("`{path}`"),
        });
    }
    let names: Vec<QualifiedName> = tables.iter().map(|t| t.name.clone()).collect();
    for table in &mut tables {
        table.foreign_keys.retain(|fk| {
            let known = names.contains(&fk.referenced_table);
            if !known {
                observer.warn(&format!(
                    "{}: foreign key to missing table {} left out",
                    table.name, fk.referenced_table
                ));
            }
            known
        });
    }
    // A foreign key without target columns refers to the parent's primary key.
    let pks: Vec<(QualifiedName, Option<Vec<String>>)> = tables
        .iter()
        .map(|t| {
            (
                t.name.clone(),
                t.primary_key.as_ref().map(|k| k.columns.clone()),
            )
        })
        .collect();
    for table in &mut tables {
        for fk in &mut table.foreign_keys {
            if fk.referenced_columns.iter().any(String::is_empty)
                && let Some((_, Some(pk))) = pks.iter().find(|(n, _)| *n == fk.referenced_table)
            {
                fk.referenced_columns = pk.clone();
            }
        }
    }
    let schema = Schema {
        tables,
        enums: Vec::new(),
        domains: Vec::new(),
    };
    observer.started(schema.tables.len());
    let budget = super::Budget::start(options);
    let mut stats = Vec::new();
    for table in &schema.tables {
        let extra = budget.allows(&table.name, observer);
        let s = table_stats(&mut conn, &deadline, &schema, table, options, extra).await?;
        observer.table_done(&table.name.to_string(), s.row_count);
        stats.push(s);
    }
    let _ = conn.close().await;
    let fp = file_fingerprint(path);
    Ok((
        schema,
        stats,
        source_info(Engine::Sqlite, version, fp, Vec::new(), options),
    ))
}

/// `--statement-timeout` for SQLite, which has no timeout of its own: a
/// progress handler, called every few thousand virtual-machine steps,
/// interrupts the running statement once it is past its deadline, which
/// [`Deadline::arm`] resets as each statement is handed its connection.
struct Deadline {
    state: Arc<DeadlineState>,
    timeout: Duration,
}

struct DeadlineState {
    start: Instant,
    /// Milliseconds after `start` the running statement may last until.
    until: AtomicU64,
    /// Whether the handler interrupted a statement.
    fired: AtomicBool,
}

impl Deadline {
    async fn install(
        conn: &mut SqliteConnection,
        timeout: Duration,
    ) -> Result<Self, IntrospectError> {
        let state = Arc::new(DeadlineState {
            start: Instant::now(),
            until: AtomicU64::new(u64::MAX),
            fired: AtomicBool::new(false),
        });
        let handler = Arc::clone(&state);
        conn.lock_handle()
            .await
            .map_err(query_err("the connection, to bound statements"))?
            .set_progress_handler(10_000, move || {
                let now = handler.start.elapsed().as_millis() as u64;
                let within = now <= handler.until.load(Ordering::Relaxed);
                if !within {
                    handler.fired.store(true, Ordering::Relaxed);
                }
                within
            });
        Ok(Self { state, timeout })
    }

    /// Starts a statement's clock; returns the connection to run it on.
    fn arm<'c>(&self, conn: &'c mut SqliteConnection) -> &'c mut SqliteConnection {
        let until = self.state.start.elapsed() + self.timeout;
        self.state
            .until
            .store(until.as_millis() as u64, Ordering::Relaxed);
        self.state.fired.store(false, Ordering::Relaxed);
        conn
    }

    /// The error for a failed statement, saying so when the deadline stopped it.
    fn err(&self, what: impl Into<String>) -> impl FnOnce(sqlx::Error) -> IntrospectError {
        let mut what = what.into();
        if self.state.fired.load(Ordering::Relaxed) {
            what.push_str(&format!(
                " (stopped after --statement-timeout {} s)",
                self.timeout.as_secs_f64()
            ));
        }
        query_err(what)
    }
}

async fn read_table(
    conn: &mut SqliteConnection,
    deadline: &Deadline,
    name: &str,
    ddl: &str,
) -> Result<Table, IntrospectError> {
    let quoted = quote_ident(name);
    let what = |w: &str| format!("{w} of table `{name}`");
    let rows = sqlx::query(&format!("PRAGMA table_xinfo({quoted})"))
        .fetch_all(deadline.arm(&mut *conn))
        .await
        .map_err(deadline.err(what("the columns")))?;
    let mut columns = Vec::new();
    let mut pk: Vec<(i64, String)> = Vec::new();
    for row in &rows {
        let column: String = row.get("name");
        let declared: String = row.get("type");
        let hidden: i64 = row.get("hidden");
        if hidden == 1 {
            continue; // a hidden column of a virtual table
        }
        let pk_pos: i64 = row.get("pk");
        if pk_pos > 0 {
            pk.push((pk_pos, column.clone()));
        }
        let generated = (hidden == 2 || hidden == 3)
            .then(|| generated_expression(ddl, &column).unwrap_or_default());
        columns.push(Column {
            name: column,
            logical_type: from_sqlite(&declared),
            native_type: declared,
            nullable: row.get::<i64, _>("notnull") == 0,
            default: row.get("dflt_value"),
            identity: None,
            generated,
            domain: None,
            unsigned: false,
            collation: None,
            comment: None,
        });
    }
    pk.sort();
    let primary_key = (!pk.is_empty()).then(|| Key {
        name: None,
        columns: pk.into_iter().map(|(_, c)| c).collect(),
    });
    // `INTEGER PRIMARY KEY` is the rowid: SQLite numbers it by itself.
    if let Some(key) = &primary_key
        && key.columns.len() == 1
        && let Some(col) = columns.iter_mut().find(|c| c.name == key.columns[0])
        && col.native_type.eq_ignore_ascii_case("INTEGER")
    {
        col.identity = Some(Identity::AutoIncrement);
        col.nullable = false;
    }
    if let Some(key) = &primary_key {
        for c in columns.iter_mut().filter(|c| key.columns.contains(&c.name)) {
            c.nullable = false;
        }
    }

    let rows = sqlx::query(&format!("PRAGMA foreign_key_list({quoted})"))
        .fetch_all(deadline.arm(&mut *conn))
        .await
        .map_err(deadline.err(what("the foreign keys")))?;
    let mut foreign_keys: Vec<(i64, ForeignKey)> = Vec::new();
    for row in &rows {
        let id: i64 = row.get("id");
        let parent: String = row.get("table");
        let from: String = row.get("from");
        let to: Option<String> = row.get("to");
        match foreign_keys.iter_mut().find(|(i, _)| *i == id) {
            Some((_, fk)) => {
                fk.columns.push(from);
                fk.referenced_columns.push(to.unwrap_or_default());
            }
            None => foreign_keys.push((
                id,
                ForeignKey {
                    name: None,
                    columns: vec![from],
                    referenced_table: QualifiedName::new(None, &parent),
                    referenced_columns: vec![to.unwrap_or_default()],
                    deferrable: false,
                },
            )),
        }
    }
    foreign_keys.sort_by_key(|(id, _)| -id);

    let rows = sqlx::query(&format!("PRAGMA index_list({quoted})"))
        .fetch_all(deadline.arm(&mut *conn))
        .await
        .map_err(deadline.err(what("the indexes")))?;
    let mut uniques = Vec::new();
    for row in &rows {
        let unique: i64 = row.get("unique");
        let origin: String = row.get("origin");
        let partial: i64 = row.get("partial");
        if unique == 0 || origin == "pk" || partial != 0 {
            continue;
        }
        let index: String = row.get("name");
        let cols: Vec<String> = sqlx::query(&format!("PRAGMA index_info({})", quote_ident(&index)))
            .fetch_all(deadline.arm(&mut *conn))
            .await
            .map_err(deadline.err(what("a unique index")))?
            .iter()
            .filter_map(|r| r.get::<Option<String>, _>("name"))
            .collect();
        if cols.is_empty() {
            continue; // an index on expressions
        }
        let name = (origin == "c").then_some(index);
        uniques.push(Key {
            name,
            columns: cols,
        });
    }
    uniques.sort_by(|a, b| a.columns.cmp(&b.columns));

    let checks = check_clauses(ddl)
        .into_iter()
        .enumerate()
        .map(|(i, (n, expression))| Check {
            name: n.unwrap_or_else(|| format!("{name}_check{}", i + 1)),
            expression,
        })
        .collect();
    Ok(Table {
        name: QualifiedName::new(None, name),
        columns,
        primary_key,
        uniques,
        foreign_keys: foreign_keys.into_iter().map(|(_, fk)| fk).collect(),
        checks,
        partitioning: None,
        comment: None,
    })
}

/// A token of SQLite DDL and its byte range in the statement.
struct Token {
    text: String,
    start: usize,
    end: usize,
}

/// Tokens of SQLite DDL, enough to find CHECK clauses and generated columns.
fn tokens(sql: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = sql.char_indices().collect();
    let offset = |i: usize| chars.get(i).map_or(sql.len(), |(o, _)| *o);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        } else if c == '-' && chars.get(i + 1).map(|x| x.1) == Some('-') {
            while i < chars.len() && chars[i].1 != '\n' {
                i += 1;
            }
            continue;
        } else if matches!(c, '\'' | '"' | '`' | '[') {
            let close = if c == '[' { ']' } else { c };
            i += 1;
            while i < chars.len() {
                if chars[i].1 == close {
                    if close != ']' && chars.get(i + 1).map(|x| x.1) == Some(close) {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i = (i + 1).min(chars.len());
        } else if c.is_alphanumeric() || c == '_' {
            while i < chars.len()
                && (chars[i].1.is_alphanumeric() || chars[i].1 == '_' || chars[i].1 == '.')
            {
                i += 1;
            }
        } else {
            i += 1;
        }
        let (s, e) = (offset(start), offset(i));
        out.push(Token {
            text: sql[s..e].to_owned(),
            start: s,
            end: e,
        });
    }
    out
}

fn unquote(token: &str) -> String {
    let t = token.trim();
    if t.len() >= 2 && (t.starts_with('"') || t.starts_with('`') || t.starts_with('[')) {
        let inner = &t[1..t.len() - 1];
        return inner.replace("\"\"", "\"").replace("``", "`");
    }
    t.to_owned()
}

/// The balanced parenthesised text starting at `toks[start]` (a `(`), and the token index after it.
fn balanced(sql: &str, toks: &[Token], start: usize) -> Option<(String, usize)> {
    if toks.get(start).map(|t| t.text.as_str()) != Some("(") {
        return None;
    }
    let mut depth = 0;
    for (i, t) in toks.iter().enumerate().skip(start) {
        match t.text.as_str() {
            "(" => depth += 1,
            ")" => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return Some((sql[toks[start].start..t.end].to_owned(), i + 1));
        }
    }
    None
}

/// `(name, expression)` of every CHECK in a CREATE TABLE statement.
pub fn check_clauses(sql: &str) -> Vec<(Option<String>, String)> {
    let toks = tokens(sql);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if toks[i].text.eq_ignore_ascii_case("CHECK") {
            let name = (i >= 2 && toks[i - 2].text.eq_ignore_ascii_case("CONSTRAINT"))
                .then(|| unquote(&toks[i - 1].text));
            if let Some((text, next)) = balanced(sql, &toks, i + 1) {
                out.push((name, text));
                i = next;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// The expression of a generated column in a CREATE TABLE statement.
fn generated_expression(sql: &str, column: &str) -> Option<String> {
    let toks = tokens(sql);
    let start = toks.iter().position(|t| unquote(&t.text) == column)?;
    let mut i = start;
    while i < toks.len() && toks[i].text != "," {
        if toks[i].text.eq_ignore_ascii_case("AS") {
            return balanced(sql, &toks, i + 1).map(|(text, _)| text);
        }
        if toks[i].text == "(" {
            i = balanced(sql, &toks, i).map_or(i + 1, |(_, next)| next);
            continue;
        }
        i += 1;
    }
    None
}

async fn table_stats(
    conn: &mut SqliteConnection,
    deadline: &Deadline,
    schema: &crate::schema::Schema,
    table: &Table,
    options: &Options,
    extra: bool,
) -> Result<TableStats, IntrospectError> {
    let quoted = quote_ident(&table.name.name);
    let what = |w: &str| format!("{w} of table `{}`", table.name);
    let count: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {quoted}"))
        .fetch_one(deadline.arm(&mut *conn))
        .await
        .map_err(deadline.err(what("the row count")))?;
    let row_count = count as u64;
    let sample = options.sample_rows.max(1);
    // Random rowids, looked up one by one: only the sampled rows are read,
    // and the same ones every time. A table without rowids, or whose rowids
    // are too sparse to hit rows, is sorted at random.
    let span: Option<(i64, i64)> = if row_count > super::JOIN_ROWS.min(sample) {
        sqlx::query_as::<_, (Option<i64>, Option<i64>)>(&format!(
            "SELECT min(rowid), max(rowid) FROM {quoted}"
        ))
        .fetch_one(deadline.arm(&mut *conn))
        .await
        .ok()
        .and_then(|(min, max)| min.zip(max))
        .filter(|(min, max)| min <= max)
    } else {
        None
    };
    // At most `n` rows, aliased `s`: the table, or rows drawn through all of it.
    let sample_from = |n: u64| {
        if row_count <= n {
            return format!("{quoted} AS s");
        }
        if let Some((min, max)) = span {
            let ids = (i128::from(max) - i128::from(min) + 1) as f64;
            let wanted = (n as f64 * ids / row_count as f64).ceil() as u64;
            if wanted <= n * 4 {
                let ids: Vec<String> = super::spread_ids(min, max, wanted)
                    .iter()
                    .map(i64::to_string)
                    .collect();
                return format!(
                    "(SELECT * FROM {quoted} WHERE rowid IN (SELECT value FROM json_each('[{}]')) LIMIT {n}) AS s",
                    ids.join(",")
                );
            }
        }
        format!("(SELECT * FROM {quoted} ORDER BY random() LIMIT {n}) AS s")
    };
    let from = sample_from(sample);
    let mut exprs = vec!["count(*)".to_owned()];
    for column in &table.columns {
        let c = format!("s.{}", quote_ident(&column.name));
        exprs.push(format!("count({c})"));
        exprs.push(if super::sampled_as_text(column) {
            "0".to_owned() // counted in Rust from the sampled values
        } else {
            format!("count(DISTINCT {c})")
        });
        let t = &column.logical_type;
        if t.is_ordered_numeric() {
            exprs.push(format!("CAST(min({c}) AS TEXT)"));
            exprs.push(format!("CAST(max({c}) AS TEXT)"));
        } else if t.is_temporal() {
            exprs.push(format!("min({c})"));
            exprs.push(format!("max({c})"));
        } else {
            exprs.extend(["NULL".to_owned(), "NULL".to_owned()]);
        }
        let len = match t {
            LogicalType::Text { .. } | LogicalType::Char { .. } => Some(format!("length({c})")),
            LogicalType::Binary { .. } => Some(format!("length(CAST({c} AS BLOB))")),
            _ => None,
        };
        match len {
            Some(l) => {
                exprs.push(format!("min({l})"));
                exprs.push(format!("CAST(avg({l}) AS REAL)"));
                exprs.push(format!("max({l})"));
            }
            None => exprs.extend(["NULL".to_owned(), "NULL".to_owned(), "NULL".to_owned()]),
        }
    }
    let row = sqlx::query(&format!("SELECT {} FROM {from}", exprs.join(", ")))
        .fetch_one(deadline.arm(&mut *conn))
        .await
        .map_err(deadline.err(what("the statistics")))?;
    let sampled: i64 = row.get(0);
    let mut columns = Vec::new();
    for (i, column) in table.columns.iter().enumerate() {
        let base = 1 + i * 7;
        let non_null: i64 = row.get(base);
        let distinct: i64 = row.get(base + 1);
        let text = |idx: usize| -> Option<String> {
            row.try_get::<Option<String>, _>(idx)
                .ok()
                .flatten()
                .or_else(|| {
                    row.try_get::<Option<f64>, _>(idx)
                        .ok()
                        .flatten()
                        .map(|f| f.to_string())
                })
                .or_else(|| {
                    row.try_get::<Option<i64>, _>(idx)
                        .ok()
                        .flatten()
                        .map(|f| f.to_string())
                })
        };
        let len_min: Option<i64> = row.try_get(base + 4).ok().flatten();
        let len_avg: Option<f64> = row.try_get(base + 5).ok().flatten();
        let len_max: Option<i64> = row.try_get(base + 6).ok().flatten();
        columns.push(column_stats(
            column,
            sampled as u64,
            row_count,
            non_null as u64,
            distinct as u64,
            text(base + 2),
            text(base + 3),
            (len_min, len_avg, len_max),
        ));
    }
    let mut stats = TableStats::new(table.name.clone(), row_count, sampled as u64, columns);
    let select = super::sample_select(table, &from, "NULL", |c| {
        format!("CAST(s.{} AS TEXT)", quote_ident(c))
    });
    let rows = sqlx::query(&select)
        .fetch_all(deadline.arm(&mut *conn))
        .await
        .map_err(deadline.err(what("the sampled values")))?;
    let samples = super::collect_samples(table.columns.len(), &rows, |row, i| {
        row.try_get::<Option<String>, _>(i).ok().flatten()
    });
    super::enrich(table, &mut stats, &samples, &options.privacy);
    if stats.sampled_rows < row_count {
        let catalog = catalog_distinct(conn, deadline, table, row_count).await;
        super::catalog_distinct(&mut stats, &catalog, super::Catalog::Exact);
    }
    if !extra {
        return Ok(stats); // the time budget is spent: the sample's statistics only
    }
    // The parents' sizes, for the fan-out of a table too big to group whole.
    let mut parent_rows = Vec::new();
    if super::counts_per_sampled_parent(&stats, sample) {
        for fk in &table.foreign_keys {
            let parent = quote_ident(&fk.referenced_table.name);
            let rows: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {parent}"))
                .fetch_one(deadline.arm(&mut *conn))
                .await
                .map_err(deadline.err(what("the size of a parent")))?;
            parent_rows.push((parent, rows.max(0) as u64));
        }
    }
    let parent_sample = |f: usize, columns: &str, limit: u64| {
        let (parent, rows) = parent_rows.get(f)?;
        Some((
            *rows,
            format!("(SELECT {columns} FROM {parent} ORDER BY random() LIMIT {limit})"),
        ))
    };
    for (f, how, sql) in super::fan_out_queries(
        table,
        &stats,
        sample,
        &quoted,
        "INTEGER",
        quote_ident,
        parent_sample,
    ) {
        let counts: Vec<(i64, i64)> = sqlx::query_as(&sql)
            .fetch_all(deadline.arm(&mut *conn))
            .await
            .map_err(deadline.err(what("the children per parent")))?;
        super::exact_fan_out(table, &mut stats, f, how, &counts);
    }
    let joined = sample_from(sample.min(super::JOIN_ROWS));
    let queries = super::parent_time_queries(
        schema,
        table,
        &joined,
        |n: &crate::schema::QualifiedName| quote_ident(&n.name),
        quote_ident,
        |alias: &str, c: &str| format!("CAST({alias}.{} AS TEXT)", quote_ident(c)),
    );
    for (f, children, parents, sql) in queries {
        let rows = sqlx::query(&sql)
            .fetch_all(deadline.arm(&mut *conn))
            .await
            .map_err(deadline.err(what("the parents' times")))?;
        let width = children.len() + parents.len();
        let rows: Vec<Vec<Option<String>>> = rows
            .iter()
            .map(|r| (0..width).map(|i| r.try_get(i).ok().flatten()).collect())
            .collect();
        super::parent_time_order(&mut stats, f, &children, &parents, &rows);
    }
    let queries = super::relation_queries(
        schema,
        table,
        &joined,
        |n: &crate::schema::QualifiedName| quote_ident(&n.name),
        quote_ident,
        "INTEGER",
    );
    for (f, pairs, sql) in queries {
        let row = sqlx::query(&sql)
            .fetch_one(deadline.arm(&mut *conn))
            .await
            .map_err(deadline.err(what("orphans and copies of parent columns")))?;
        let counts: Vec<i64> = (0..2 + pairs.len() * 2)
            .map(|i| row.try_get::<Option<i64>, _>(i).ok().flatten().unwrap_or(0))
            .collect();
        super::relations(&mut stats, f, &pairs, &counts);
    }
    if let Some((counts, sql)) = super::key_query(
        table,
        &stats,
        sample,
        &samples,
        &quoted,
        "INTEGER",
        quote_ident,
    ) {
        let row = sqlx::query(&sql)
            .fetch_one(deadline.arm(&mut *conn))
            .await
            .map_err(deadline.err(what("the order of its key")))?;
        let (read, found) = super::key_counts(&row, counts.len())
            .map_err(deadline.err(what("the order of its key")))?;
        super::record_key_counts(&mut stats, &counts, read, &found);
    }
    Ok(stats)
}

/// The distinct counts `sqlite_stat1` holds for the first column of each
/// of a table's indexes (rows / rows per value), when it is there and
/// fresh: its row count within a tenth of the table's. Nothing otherwise
/// (no `ANALYZE` was run, or the file is read-only and has none).
async fn catalog_distinct(
    conn: &mut SqliteConnection,
    deadline: &Deadline,
    table: &Table,
    rows: u64,
) -> Vec<(String, u64)> {
    let stats: Vec<(String, String)> = match sqlx::query_as(
        "SELECT idx, stat FROM sqlite_stat1 WHERE tbl = ? AND idx IS NOT NULL",
    )
    .bind(&table.name.name)
    .fetch_all(deadline.arm(&mut *conn))
    .await
    {
        Ok(found) => found,
        Err(_) => return Vec::new(), // no sqlite_stat1 table
    };
    let mut out = Vec::new();
    for (index, stat) in stats {
        let numbers: Vec<f64> = stat
            .split_whitespace()
            .map_while(|n| n.parse().ok())
            .collect();
        let [total, per_value, ..] = numbers[..] else {
            continue;
        };
        if per_value <= 0.0 || (total - rows as f64).abs() > rows as f64 * 0.1 {
            continue;
        }
        let first: Option<String> =
            sqlx::query_scalar("SELECT name FROM pragma_index_info(?) ORDER BY seqno LIMIT 1")
                .bind(&index)
                .fetch_optional(deadline.arm(&mut *conn))
                .await
                .ok()
                .flatten();
        if let Some(column) = first.filter(|c| !out.iter().any(|(o, _)| o == c)) {
            out.push((column, (total / per_value).round() as u64));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_named_and_unnamed_checks() {
        let sql = r#"CREATE TABLE "t" (a INTEGER CHECK (a > 0), b TEXT, CONSTRAINT "b_len" CHECK (length(b) <= 10), 'x' TEXT)"#;
        let checks = check_clauses(sql);
        assert_eq!(checks.len(), 2);
        assert_eq!(checks[0], (None, "(a > 0)".to_owned()));
        assert_eq!(checks[1].0.as_deref(), Some("b_len"));
        assert!(
            crate::schema::check::parse(&checks[1].1).is_ok(),
            "{}",
            checks[1].1
        );
    }

    #[test]
    fn finds_generated_expressions() {
        let sql =
            "CREATE TABLE t (a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2) STORED, c TEXT)";
        assert_eq!(generated_expression(sql, "b").as_deref(), Some("(a * 2)"));
    }
}
