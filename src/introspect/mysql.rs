//! MySQL and MariaDB: the schema from `information_schema`, statistics from
//! bounded samples, inside one read-only consistent-snapshot transaction.
//!
//! The database named in the URL is the namespace: tables are profiled
//! without a schema, so a profile generates into any database name.

use super::postgres::column_stats;
use super::{Observer, Options, fingerprint, query_err, source_info};
use crate::error::IntrospectError;
use crate::profile::{Engine, SourceInfo, TableStats};
use crate::schema::types::from_mysql;
use crate::schema::{
    Check, Column, EnumType, ForeignKey, Identity, Key, LogicalType, QualifiedName, Schema, Table,
};
use sqlx::mysql::MySqlConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor, MySqlConnection, Row};
use std::collections::BTreeMap;
use std::str::FromStr;

/// `` `name` `` with embedded backticks doubled.
pub fn quote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// Connects to a MySQL or MariaDB server.
pub async fn connect(url: &str) -> Result<MySqlConnection, IntrospectError> {
    let options = MySqlConnectOptions::from_str(url)
        .map_err(|e| IntrospectError::InvalidUrl {
            reason: e.to_string(),
        })?
        .charset("utf8mb4");
    options
        .connect()
        .await
        .map_err(|source| IntrospectError::Connect {
            engine: "MySQL",
            source,
        })
}

/// The query [`fingerprint_of`] reads: server host, port, data directory and database.
pub const FINGERPRINT_QUERY: &str =
    "SELECT CONVERT(@@hostname USING utf8mb4), CAST(@@port AS SIGNED), CONVERT(@@datadir USING utf8mb4),
            CONVERT(DATABASE() USING utf8mb4)";

/// The fingerprint of a database from the row of [`FINGERPRINT_QUERY`].
pub fn fingerprint_of(
    host: Option<&str>,
    port: i64,
    datadir: Option<&str>,
    db: Option<&str>,
) -> String {
    fingerprint(&[
        "mysql",
        host.unwrap_or(""),
        &port.to_string(),
        datadir.unwrap_or(""),
        db.unwrap_or(""),
    ])
}

/// The fingerprint of the database a connection is on (server and database).
pub async fn database_fingerprint(conn: &mut MySqlConnection) -> Result<String, sqlx::Error> {
    let row = sqlx::query(FINGERPRINT_QUERY).fetch_one(&mut *conn).await?;
    let host: Option<String> = row.get(0);
    let datadir: Option<String> = row.get(2);
    let db: Option<String> = row.get(3);
    Ok(fingerprint_of(
        host.as_deref(),
        row.get(1),
        datadir.as_deref(),
        db.as_deref(),
    ))
}

pub(super) async fn read(
    url: &str,
    options: &Options,
    observer: &dyn Observer,
) -> Result<(Schema, Vec<TableStats>, SourceInfo), IntrospectError> {
    let mut conn = connect(url).await?;
    let database: Option<String> = sqlx::query_scalar("SELECT CONVERT(DATABASE() USING utf8mb4)")
        .fetch_one(&mut conn)
        .await
        .map_err(query_err("the current database"))?;
    let Some(database) = database else {
        return Err(IntrospectError::InvalidUrl {
            reason: "the URL names no database: use mysql://user@host:port/db".into(),
        });
    };
    let fp = database_fingerprint(&mut conn)
        .await
        .map_err(query_err("the database identity"))?;
    let version: String = sqlx::query_scalar("SELECT CONVERT(VERSION() USING utf8mb4)")
        .fetch_one(&mut conn)
        .await
        .map_err(query_err("the server version"))?;
    let mariadb = version.contains("MariaDB");
    // Bound every statement: MariaDB counts seconds, MySQL milliseconds (SELECTs only).
    let secs = options.statement_timeout.as_secs_f64().max(0.001);
    let timeout = if mariadb {
        format!("SET SESSION max_statement_time = {secs}")
    } else {
        format!(
            "SET SESSION max_execution_time = {}",
            (secs * 1000.0) as u64
        )
    };
    conn.execute(timeout.as_str())
        .await
        .map_err(query_err("the statement timeout"))?;
    // TIMESTAMP values are read in the session's zone: read them in UTC, as they are generated.
    conn.execute("SET SESSION time_zone = '+00:00'")
        .await
        .map_err(query_err("the session time zone"))?;
    // One read-only snapshot for the whole profile.
    conn.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        .await
        .map_err(query_err("the isolation level"))?;
    conn.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
        .await
        .map_err(query_err("a read-only transaction"))?;
    let schema = read_schema(&mut conn, mariadb, observer).await?;
    if schema.tables.is_empty() {
        return Err(IntrospectError::NoTables {
            schemas: format!("database `{database}`"),
        });
    }
    observer.started(schema.tables.len());
    let budget = super::Budget::start(options);
    let mut stats = Vec::with_capacity(schema.tables.len());
    for table in &schema.tables {
        let extra = budget.allows(&table.name, observer);
        let s = table_stats(&mut conn, &schema, table, options, extra).await?;
        observer.table_done(&table.name.to_string(), s.row_count);
        stats.push(s);
    }
    conn.execute("COMMIT")
        .await
        .map_err(query_err("the end of the read-only transaction"))?;
    let _ = conn.close().await;
    let version =
        version.split('-').next().unwrap_or("").to_owned() + if mariadb { "-MariaDB" } else { "" };
    Ok((
        schema,
        stats,
        source_info(Engine::Mysql, version, fp, vec![database], options),
    ))
}

/// The labels of `enum('a','b''c')` or `set(…)`.
pub fn enum_labels(column_type: &str) -> Vec<String> {
    let Some(open) = column_type.find('(') else {
        return Vec::new();
    };
    let inner = &column_type[open + 1..column_type.rfind(')').unwrap_or(column_type.len())];
    let mut labels = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut label = String::new();
        while let Some(ch) = chars.next() {
            match ch {
                '\'' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    label.push('\'');
                }
                '\'' => break,
                '\\' => {
                    if let Some(escaped) = chars.next() {
                        label.push(escaped);
                    }
                }
                other => label.push(other),
            }
        }
        labels.push(label);
    }
    labels
}

#[allow(clippy::too_many_lines)]
async fn read_schema(
    conn: &mut MySqlConnection,
    mariadb: bool,
    observer: &dyn Observer,
) -> Result<Schema, IntrospectError> {
    let rows = sqlx::query(
        "SELECT CONVERT(TABLE_NAME USING utf8mb4) AS name, CONVERT(TABLE_COMMENT USING utf8mb4) AS comment
         FROM information_schema.TABLES
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(query_err("the list of tables"))?;
    let mut tables: Vec<Table> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for row in &rows {
        let name: String = row.get("name");
        let comment: Option<String> = row.get("comment");
        index.insert(name.clone(), tables.len());
        tables.push(Table {
            name: QualifiedName::new(None, &name),
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            partitioning: None,
            comment: comment.filter(|c| !c.is_empty()),
        });
    }

    let rows = sqlx::query(
        "SELECT CONVERT(TABLE_NAME USING utf8mb4) AS tbl, CONVERT(COLUMN_NAME USING utf8mb4) AS name,
                CONVERT(COLUMN_DEFAULT USING utf8mb4) AS dflt, CONVERT(IS_NULLABLE USING utf8mb4) AS nullable,
                CONVERT(DATA_TYPE USING utf8mb4) AS data_type, CONVERT(COLUMN_TYPE USING utf8mb4) AS column_type,
                CONVERT(EXTRA USING utf8mb4) AS extra, CONVERT(GENERATION_EXPRESSION USING utf8mb4) AS generation,
                CONVERT(COLUMN_COMMENT USING utf8mb4) AS comment, CONVERT(COLLATION_NAME USING utf8mb4) AS collation
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(query_err("the columns"))?;
    let mut enums: Vec<EnumType> = Vec::new();
    for row in &rows {
        let table: String = row.get("tbl");
        let Some(&t) = index.get(&table) else {
            continue;
        }; // a view's column
        let name: String = row.get("name");
        let data_type: String = row.get("data_type");
        let column_type: String = row.get("column_type");
        let extra: String = row
            .get::<Option<String>, _>("extra")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let (mut logical, unsigned) = from_mysql(&data_type, &column_type);
        if matches!(data_type.to_ascii_lowercase().as_str(), "enum" | "set") {
            // MySQL enums belong to one column: name the type after it.
            let enum_name = QualifiedName::new(None, &format!("{table}_{name}"));
            enums.push(EnumType {
                name: enum_name.clone(),
                values: enum_labels(&column_type),
            });
            logical = LogicalType::Enum { name: enum_name };
        }
        if let LogicalType::Opaque { .. } = logical {
            observer.warn(&format!(
                "{table}.{name}: type `{column_type}` is not modelled; generated as NULL"
            ));
        }
        let generation: Option<String> = row.get("generation");
        let generated = (extra.contains("generated")
            && generation.as_deref().is_some_and(|g| !g.is_empty()))
        .then(|| generation.unwrap_or_default());
        let mut default: Option<String> = row.get("dflt");
        if mariadb && default.as_deref() == Some("NULL") {
            default = None; // MariaDB writes a missing default as the string NULL
        } else if !mariadb
            && let Some(d) = &default
            && !extra.contains("default_generated")
            && d.parse::<f64>().is_err()
        {
            // MySQL gives literal defaults unquoted.
            default = Some(format!("'{}'", d.replace('\'', "''")));
        }
        tables[t].columns.push(Column {
            name,
            native_type: column_type,
            logical_type: logical,
            nullable: row.get::<String, _>("nullable") == "YES",
            default: if generated.is_some() { None } else { default },
            identity: extra
                .contains("auto_increment")
                .then_some(Identity::AutoIncrement),
            generated,
            domain: None,
            unsigned,
            collation: row.get("collation"),
            comment: row
                .get::<Option<String>, _>("comment")
                .filter(|c| !c.is_empty()),
        });
    }

    // Primary keys and unique indexes.
    let rows = sqlx::query(
        "SELECT CONVERT(TABLE_NAME USING utf8mb4) AS tbl, CONVERT(INDEX_NAME USING utf8mb4) AS idx,
                CONVERT(COLUMN_NAME USING utf8mb4) AS col, CAST(SUB_PART AS SIGNED) AS sub_part
         FROM information_schema.STATISTICS
         WHERE TABLE_SCHEMA = DATABASE() AND NON_UNIQUE = 0
         ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(query_err("the unique indexes"))?;
    let mut keys: BTreeMap<(usize, String), Vec<String>> = BTreeMap::new();
    for row in &rows {
        let table: String = row.get("tbl");
        let Some(&t) = index.get(&table) else {
            continue;
        };
        let idx: String = row.get("idx");
        let col: Option<String> = row.get("col");
        let sub_part: Option<i64> = row.get("sub_part");
        if sub_part.is_some() {
            observer.warn(&format!("{table}: unique index {idx} covers a column prefix; kept as unique on the whole column"));
        }
        match col {
            Some(col) => keys.entry((t, idx)).or_default().push(col),
            None => observer.warn(&format!(
                "{table}: unique index {idx} on an expression left out"
            )),
        }
    }
    for ((t, idx), columns) in keys {
        if idx == "PRIMARY" {
            tables[t].primary_key = Some(Key {
                name: None,
                columns,
            });
        } else {
            tables[t].uniques.push(Key {
                name: Some(idx),
                columns,
            });
        }
    }

    // Foreign keys.
    let rows = sqlx::query(
        "SELECT CONVERT(TABLE_NAME USING utf8mb4) AS tbl, CONVERT(CONSTRAINT_NAME USING utf8mb4) AS name,
                CONVERT(COLUMN_NAME USING utf8mb4) AS col, CONVERT(REFERENCED_TABLE_SCHEMA USING utf8mb4) AS ref_schema,
                CONVERT(REFERENCED_TABLE_NAME USING utf8mb4) AS ref_table,
                CONVERT(REFERENCED_COLUMN_NAME USING utf8mb4) AS ref_col,
                CONVERT(DATABASE() USING utf8mb4) AS db
         FROM information_schema.KEY_COLUMN_USAGE
         WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL
         ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(query_err("the foreign keys"))?;
    let mut fks: BTreeMap<(usize, String), ForeignKey> = BTreeMap::new();
    for row in &rows {
        let table: String = row.get("tbl");
        let Some(&t) = index.get(&table) else {
            continue;
        };
        let name: String = row.get("name");
        let ref_schema: Option<String> = row.get("ref_schema");
        let db: Option<String> = row.get("db");
        let ref_table: String = row.get("ref_table");
        if ref_schema != db || !index.contains_key(&ref_table) {
            observer.warn(&format!(
                "{table}: foreign key {name} points outside the database; left out"
            ));
            continue;
        }
        let fk = fks.entry((t, name.clone())).or_insert_with(|| ForeignKey {
            name: Some(name),
            columns: Vec::new(),
            referenced_table: QualifiedName::new(None, &ref_table),
            referenced_columns: Vec::new(),
            deferrable: false,
        });
        fk.columns.push(row.get("col"));
        fk.referenced_columns.push(row.get("ref_col"));
    }
    for ((t, _), fk) in fks {
        tables[t].foreign_keys.push(fk);
    }

    // CHECK constraints: MariaDB names the table in CHECK_CONSTRAINTS, MySQL 8 through TABLE_CONSTRAINTS.
    let check_sql = if mariadb {
        "SELECT CONVERT(TABLE_NAME USING utf8mb4) AS tbl, CONVERT(CONSTRAINT_NAME USING utf8mb4) AS name,
                CONVERT(CHECK_CLAUSE USING utf8mb4) AS clause
         FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()
         ORDER BY TABLE_NAME, CONSTRAINT_NAME"
    } else {
        "SELECT CONVERT(tc.TABLE_NAME USING utf8mb4) AS tbl, CONVERT(cc.CONSTRAINT_NAME USING utf8mb4) AS name,
                CONVERT(cc.CHECK_CLAUSE USING utf8mb4) AS clause
         FROM information_schema.TABLE_CONSTRAINTS tc
         JOIN information_schema.CHECK_CONSTRAINTS cc
           ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
         WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE = 'CHECK'
         ORDER BY tc.TABLE_NAME, cc.CONSTRAINT_NAME"
    };
    let rows = match sqlx::query(check_sql).fetch_all(&mut *conn).await {
        Ok(rows) => rows,
        Err(e) => {
            // Servers before MySQL 8.0.16 keep no CHECK constraints.
            observer.warn(&format!("CHECK constraints not read: {e}"));
            Vec::new()
        }
    };
    for row in &rows {
        let table: String = row.get("tbl");
        let Some(&t) = index.get(&table) else {
            continue;
        };
        let name: String = row.get("name");
        let clause: String = row.get("clause");
        // MariaDB's JSON is LONGTEXT with CHECK (json_valid(`col`)): a JSON column.
        if let Some(column) = json_valid_column(&clause)
            && let Some(col) = tables[t].columns.iter_mut().find(|c| c.name == column)
        {
            col.logical_type = LogicalType::Json;
            col.native_type = "json".into();
            col.collation = None;
            continue;
        }
        tables[t].checks.push(Check {
            name,
            expression: clause,
        });
    }
    // Byte order, as the other engines give: the server's ORDER BY follows its collation.
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    enums.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Schema {
        tables,
        enums,
        domains: Vec::new(),
    })
}

/// The column of a `json_valid(`col`)` check.
fn json_valid_column(clause: &str) -> Option<String> {
    let c = clause.trim().trim_start_matches('(').trim_end_matches(')');
    let rest = c
        .strip_prefix("json_valid(")
        .or_else(|| c.strip_prefix("JSON_VALID("))?;
    let name = rest.trim_end_matches(')').trim();
    Some(name.trim_matches('`').replace("``", "`"))
}

async fn table_stats(
    conn: &mut MySqlConnection,
    schema: &crate::schema::Schema,
    table: &Table,
    options: &Options,
    extra: bool,
) -> Result<TableStats, IntrospectError> {
    let quoted = quote(&table.name.name);
    let what = |w: &str| format!("{w} of table `{}`", table.name);
    let estimate: Option<i64> = sqlx::query_scalar(
        "SELECT CAST(TABLE_ROWS AS SIGNED) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
    )
    .bind(&table.name.name)
    .fetch_one(&mut *conn)
    .await
    .map_err(query_err(what("the size estimate")))?;
    let sample = options.sample_rows.max(1);
    let row_count = match estimate {
        Some(e) if e as u64 > sample * 10 => e as u64,
        _ => {
            let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {quoted}"))
                .fetch_one(&mut *conn)
                .await
                .map_err(query_err(what("the row count")))?;
            n as u64
        }
    };
    let span = if row_count > super::JOIN_ROWS.min(sample) {
        key_span(conn, table, &quoted).await?
    } else {
        None
    };
    // At most `n` rows, aliased `s`: the table, or rows drawn through all of it.
    let sample_from = |n: u64| {
        if row_count <= n {
            format!("{quoted} AS s")
        } else if let Some((key, min, max)) = &span {
            // Key ranges through the clustered index: the sample's rows are read, nothing else.
            super::key_range_sample(&quoted, key, *min, *max, n)
        } else {
            // No integer key: every row is read once to draw the sample.
            let p = (n as f64 * 1.2 / row_count as f64).min(1.0);
            format!("(SELECT * FROM {quoted} WHERE RAND(7) < {p:.8} LIMIT {n}) AS s")
        }
    };
    let from = sample_from(sample);
    let mut exprs = vec!["CAST(COUNT(*) AS SIGNED)".to_owned()];
    for column in &table.columns {
        let c = format!("s.{}", quote(&column.name));
        let t = &column.logical_type;
        exprs.push(format!("CAST(COUNT({c}) AS SIGNED)"));
        if matches!(t, LogicalType::Opaque { .. }) || super::sampled_as_text(column) {
            // Opaque: not counted; sampled as text: counted in Rust.
            exprs.push("CAST(0 AS SIGNED)".into());
        } else {
            exprs.push(format!("CAST(COUNT(DISTINCT {c}) AS SIGNED)"));
        }
        if t.is_ordered_numeric() || t.is_temporal() {
            exprs.push(format!("CONVERT(CAST(MIN({c}) AS CHAR) USING utf8mb4)"));
            exprs.push(format!("CONVERT(CAST(MAX({c}) AS CHAR) USING utf8mb4)"));
        } else {
            exprs.extend([
                "CAST(NULL AS CHAR)".to_owned(),
                "CAST(NULL AS CHAR)".to_owned(),
            ]);
        }
        let len = match t {
            LogicalType::Text { .. } | LogicalType::Char { .. } | LogicalType::Json => {
                Some(format!("CHAR_LENGTH({c})"))
            }
            LogicalType::Binary { .. } => Some(format!("LENGTH({c})")),
            _ => None,
        };
        match len {
            Some(l) => {
                exprs.push(format!("CAST(MIN({l}) AS SIGNED)"));
                exprs.push(format!("AVG({l}) + 0e0"));
                exprs.push(format!("CAST(MAX({l}) AS SIGNED)"));
            }
            None => exprs.extend([
                "CAST(NULL AS SIGNED)".to_owned(),
                "NULL + 0e0".to_owned(),
                "CAST(NULL AS SIGNED)".to_owned(),
            ]),
        }
    }
    let row = sqlx::query(&format!("SELECT {} FROM {from}", exprs.join(", ")))
        .fetch_one(&mut *conn)
        .await
        .map_err(query_err(what("the statistics")))?;
    let sampled: i64 = row.get(0);
    let mut columns = Vec::with_capacity(table.columns.len());
    for (i, column) in table.columns.iter().enumerate() {
        let base = 1 + i * 7;
        let non_null: i64 = row.get(base);
        let distinct: i64 = row.get(base + 1);
        let min: Option<String> = row.get(base + 2);
        let max: Option<String> = row.get(base + 3);
        let len_min: Option<i64> = row.get(base + 4);
        let len_avg: Option<f64> = row.get(base + 5);
        let len_max: Option<i64> = row.get(base + 6);
        columns.push(column_stats(
            column,
            sampled as u64,
            row_count,
            non_null as u64,
            distinct as u64,
            min,
            max,
            (len_min, len_avg, len_max),
        ));
    }
    let mut stats = TableStats::new(table.name.clone(), row_count, sampled as u64, columns);
    let select = super::sample_select(table, &from, "CAST(NULL AS CHAR)", |c| {
        format!("CONVERT(CAST(s.{} AS CHAR) USING utf8mb4)", quote(c))
    });
    let rows = sqlx::query(&select)
        .fetch_all(&mut *conn)
        .await
        .map_err(query_err(what("the sampled values")))?;
    let samples = super::collect_samples(table.columns.len(), &rows, |row, i| {
        row.try_get::<Option<String>, _>(i).ok().flatten()
    });
    super::enrich(table, &mut stats, &samples, &options.privacy);
    if stats.sampled_rows < row_count {
        let catalog = catalog_distinct(conn, table, &stats).await;
        super::catalog_distinct(&mut stats, &catalog, super::Catalog::Exact);
    }
    if !extra {
        return Ok(stats); // the time budget is spent: the sample's statistics only
    }
    // The parents' sizes, for the fan-out of a table too big to group whole.
    let mut parent_rows = Vec::new();
    if super::counts_per_sampled_parent(&stats, sample) {
        for fk in &table.foreign_keys {
            let rows: Option<i64> = sqlx::query_scalar(
                "SELECT CAST(TABLE_ROWS AS SIGNED) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
            )
            .bind(&fk.referenced_table.name)
            .fetch_optional(&mut *conn)
            .await
            .map_err(query_err(what("the size of a parent")))?
            .flatten();
            parent_rows.push((
                quote(&fk.referenced_table.name),
                rows.unwrap_or(0).max(1) as u64,
            ));
        }
    }
    let parent_sample = |f: usize, columns: &str, limit: u64| {
        let (parent, rows) = parent_rows.get(f)?;
        let p = (limit as f64 * 1.2 / *rows as f64).min(1.0);
        Some((
            *rows,
            format!("(SELECT {columns} FROM {parent} WHERE RAND(7) < {p:.8} LIMIT {limit})"),
        ))
    };
    for (f, how, sql) in super::fan_out_queries(
        table,
        &stats,
        sample,
        &quoted,
        "SIGNED",
        quote,
        parent_sample,
    ) {
        let counts: Vec<(i64, i64)> = sqlx::query_as(&sql)
            .fetch_all(&mut *conn)
            .await
            .map_err(query_err(what("the children per parent")))?;
        super::exact_fan_out(table, &mut stats, f, how, &counts);
    }
    let joined = sample_from(sample.min(super::JOIN_ROWS));
    let queries = super::parent_time_queries(
        schema,
        table,
        &joined,
        |n: &crate::schema::QualifiedName| quote(&n.name),
        quote,
        |alias: &str, c: &str| format!("CONVERT(CAST({alias}.{} AS CHAR) USING utf8mb4)", quote(c)),
    );
    for (f, children, parents, sql) in queries {
        let rows = sqlx::query(&sql)
            .fetch_all(&mut *conn)
            .await
            .map_err(query_err(what("the parents' times")))?;
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
        |n: &crate::schema::QualifiedName| quote(&n.name),
        quote,
        "SIGNED",
    );
    for (f, pairs, sql) in queries {
        let row = sqlx::query(&sql)
            .fetch_one(&mut *conn)
            .await
            .map_err(query_err(what("orphans and copies of parent columns")))?;
        let counts: Vec<i64> = (0..2 + pairs.len() * 2)
            .map(|i| row.try_get::<Option<i64>, _>(i).ok().flatten().unwrap_or(0))
            .collect();
        super::relations(&mut stats, f, &pairs, &counts);
    }
    if let Some((counts, sql)) =
        super::key_query(table, &stats, sample, &samples, &quoted, "SIGNED", quote)
    {
        let row = sqlx::query(&sql)
            .fetch_one(&mut *conn)
            .await
            .map_err(query_err(what("the order of its key")))?;
        let (read, found) = super::key_counts(&row, counts.len())
            .map_err(query_err(what("the order of its key")))?;
        super::record_key_counts(&mut stats, &counts, read, &found);
    }
    Ok(stats)
}

/// The distinct counts MariaDB's engine-independent statistics hold for a
/// table's columns (`mysql.column_stats`, written by `ANALYZE TABLE …
/// PERSISTENT FOR ALL`): non-NULL rows / `avg_frequency`. Nothing where
/// they are absent or unreadable (MySQL, or no privilege on `mysql`).
/// InnoDB's index cardinalities, from a few pages, are no better than the
/// sample and are not used.
async fn catalog_distinct(
    conn: &mut MySqlConnection,
    table: &Table,
    stats: &TableStats,
) -> Vec<(String, u64)> {
    let found: Vec<(String, Option<f64>)> = sqlx::query_as(
        "SELECT CONVERT(column_name USING utf8mb4), CAST(avg_frequency AS DOUBLE)
         FROM mysql.column_stats WHERE db_name = DATABASE() AND table_name = ?",
    )
    .bind(&table.name.name)
    .fetch_all(&mut *conn)
    .await
    .unwrap_or_default();
    found
        .into_iter()
        .filter_map(|(column, frequency)| {
            let frequency = frequency.filter(|f| *f > 0.0)?;
            let cs = stats.columns.iter().find(|c| c.column == column)?;
            let non_null = stats.row_count as f64 * (1.0 - cs.null_fraction);
            Some((column, (non_null / frequency).round() as u64))
        })
        .collect()
}

/// A table's single integer key (quoted) with its lowest and highest
/// value, read through the key's index; `None` without one.
async fn key_span(
    conn: &mut MySqlConnection,
    table: &Table,
    quoted: &str,
) -> Result<Option<(String, i64, i64)>, IntrospectError> {
    let Some(key) = super::integer_key(table) else {
        return Ok(None);
    };
    let k = quote(key);
    let (min, max): (Option<i64>, Option<i64>) = sqlx::query_as(&format!(
        "SELECT CAST(MIN({k}) AS SIGNED), CAST(MAX({k}) AS SIGNED) FROM {quoted}"
    ))
    .fetch_one(&mut *conn)
    .await
    .map_err(query_err(format!(
        "the key range of table `{}`",
        table.name
    )))?;
    Ok(min.zip(max).filter(|(a, b)| a <= b).map(|(a, b)| (k, a, b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_labels_unescape() {
        assert_eq!(enum_labels("enum('a','b''c','d,e')"), ["a", "b'c", "d,e"]);
        assert_eq!(enum_labels("set('x')"), ["x"]);
    }

    #[test]
    fn json_valid_checks_mark_json_columns() {
        assert_eq!(
            json_valid_column("json_valid(`doc`)").as_deref(),
            Some("doc")
        );
        assert_eq!(json_valid_column("`qty` > 0"), None);
    }
}
