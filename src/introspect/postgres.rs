//! PostgreSQL: the schema from `pg_catalog`, statistics from bounded samples.

use super::{
    Observer, Options, TimeKind, coarsen_time, estimate_distinct, fingerprint, query_err,
    quote_ident, source_info,
};
use crate::error::IntrospectError;
use crate::profile::stats::Physical;
use crate::profile::stats::coarsen;
use crate::profile::{ColumnStats, Engine, LengthStats, SourceInfo, StatValue, TableStats};
use crate::schema::types::from_postgres;
use crate::schema::{
    Check, Column, Domain, EnumType, ForeignKey, Identity, Key, LogicalType, Partition,
    PartitionStrategy, Partitioning, QualifiedName, Schema, Table,
};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor, PgConnection, Row};
use std::collections::BTreeMap;
use std::str::FromStr;

/// Connects for reading (also used by the sink's fingerprint check).
pub async fn connect(url: &str) -> Result<PgConnection, IntrospectError> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| IntrospectError::InvalidUrl {
            reason: e.to_string(),
        })?
        .application_name("patina profile");
    options
        .connect()
        .await
        .map_err(|source| IntrospectError::Connect {
            engine: "PostgreSQL",
            source,
        })
}

/// The fingerprint of the database a connection is on.
pub async fn database_fingerprint(conn: &mut PgConnection) -> Result<String, sqlx::Error> {
    let db: String = sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(&mut *conn)
        .await?;
    // The cluster's system identifier tells two servers apart; it needs
    // pg_control_system(), which a restricted role may not call.
    let system: Option<String> =
        sqlx::query_scalar("SELECT system_identifier::text FROM pg_control_system()")
            .fetch_optional(&mut *conn)
            .await
            .unwrap_or(None);
    Ok(fingerprint(&[
        "postgres",
        system.as_deref().unwrap_or(""),
        &db,
    ]))
}

pub(super) async fn read(
    url: &str,
    options: &Options,
    observer: &dyn Observer,
) -> Result<(Schema, Vec<TableStats>, SourceInfo), IntrospectError> {
    let mut conn = connect(url).await?;
    let fp = database_fingerprint(&mut conn)
        .await
        .map_err(query_err("the database identity"))?;
    // One read-only snapshot for the whole profile, every statement bounded.
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await
        .map_err(query_err("a read-only transaction"))?;
    let timeout_ms = options.statement_timeout.as_millis().max(1);
    conn.execute("SET LOCAL TimeZone = 'UTC'")
        .await
        .map_err(query_err("the session time zone"))?;
    conn.execute(format!("SET LOCAL statement_timeout = {timeout_ms}").as_str())
        .await
        .map_err(query_err("the statement timeout"))?;
    let version: String = sqlx::query_scalar("SHOW server_version")
        .fetch_one(&mut conn)
        .await
        .map_err(query_err("the server version"))?;
    let schemas: Vec<String> = if options.schemas.is_empty() {
        sqlx::query_scalar(
            "SELECT nspname::text FROM pg_namespace
             WHERE nspname NOT IN ('pg_catalog', 'information_schema')
               AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp\\_%'
             ORDER BY nspname",
        )
        .fetch_all(&mut conn)
        .await
        .map_err(query_err("the list of schemas"))?
    } else {
        options.schemas.clone()
    };
    let schema = read_schema(&mut conn, &schemas, observer).await?;
    if schema.tables.is_empty() {
        return Err(IntrospectError::NoTables {
            schemas: schemas.join(", "),
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
    let version = version.split_whitespace().next().unwrap_or("").to_owned();
    Ok((
        schema,
        stats,
        source_info(Engine::Postgres, version, fp, schemas, options),
    ))
}

#[allow(clippy::too_many_lines)]
async fn read_schema(
    conn: &mut PgConnection,
    schemas: &[String],
    observer: &dyn Observer,
) -> Result<Schema, IntrospectError> {
    let rows = sqlx::query(
        "SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name, c.relkind::text AS kind,
                obj_description(c.oid, 'pg_class') AS comment
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1)
         ORDER BY n.nspname, c.relname",
    )
    .bind(schemas)
    .fetch_all(&mut *conn)
    .await
    .map_err(query_err("the list of tables"))?;
    let mut tables: Vec<Table> = Vec::new();
    let mut by_oid: BTreeMap<i64, usize> = BTreeMap::new();
    let mut partitioned: Vec<i64> = Vec::new();
    for row in &rows {
        let oid: i64 = row.get("oid");
        let kind: String = row.get("kind");
        if kind == "p" {
            partitioned.push(oid);
        }
        by_oid.insert(oid, tables.len());
        tables.push(Table {
            name: QualifiedName::new(Some(row.get::<&str, _>("schema")), row.get("name")),
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            partitioning: None,
            comment: row.get("comment"),
        });
    }
    let oids: Vec<i64> = by_oid.keys().copied().collect();

    // Columns, with enough of their type to resolve enums, domains and arrays.
    let rows = sqlx::query(
        "SELECT a.attrelid::int8 AS oid, a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS native,
                a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS default_expr,
                a.attidentity::text AS identity, a.attgenerated::text AS generated,
                t.typtype::text AS typtype, tn.nspname::text AS type_schema, t.typname::text AS type_name,
                CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS domain_base,
                et.typtype::text AS elem_typtype, etn.nspname::text AS elem_schema, et.typname::text AS elem_name,
                col_description(a.attrelid, a.attnum) AS comment
         FROM pg_attribute a
         JOIN pg_type t ON t.oid = a.atttypid
         JOIN pg_namespace tn ON tn.oid = t.typnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
         LEFT JOIN pg_namespace etn ON etn.oid = et.typnamespace
         WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY a.attrelid, a.attnum",
    )
    .bind(&oids)
    .fetch_all(&mut *conn)
    .await
    .map_err(query_err("the columns"))?;
    let mut enum_names: Vec<QualifiedName> = Vec::new();
    let mut domain_names: Vec<QualifiedName> = Vec::new();
    for row in &rows {
        let t = by_oid[&row.get::<i64, _>("oid")];
        let native: String = row.get("native");
        let typtype: String = row.get("typtype");
        let type_name = QualifiedName::new(
            Some(row.get::<&str, _>("type_schema")),
            row.get("type_name"),
        );
        let mut domain = None;
        let logical = match typtype.as_str() {
            "e" => {
                enum_names.push(type_name.clone());
                LogicalType::Enum { name: type_name }
            }
            "d" => {
                domain_names.push(type_name.clone());
                let base: String = row.get("domain_base");
                domain = Some(type_name);
                from_postgres(&base)
            }
            _ => match row.get::<Option<String>, _>("elem_typtype").as_deref() {
                Some("e") => {
                    let elem = QualifiedName::new(row.get("elem_schema"), row.get("elem_name"));
                    enum_names.push(elem.clone());
                    LogicalType::Array {
                        element: Box::new(LogicalType::Enum { name: elem }),
                    }
                }
                _ => from_postgres(&native),
            },
        };
        if let LogicalType::Opaque { literal } = &logical {
            observer.warn(&format!(
                "{}.{}: type `{native}` is not modelled; generated as {}",
                tables[t].name,
                row.get::<&str, _>("name"),
                if literal.is_some() {
                    "its default form"
                } else {
                    "NULL"
                }
            ));
        }
        let default_expr: Option<String> = row.get("default_expr");
        let identity: String = row.get("identity");
        let generated: String = row.get("generated");
        let (default, generated) = if generated == "s" {
            (None, default_expr)
        } else {
            (default_expr, None)
        };
        let identity = match identity.as_str() {
            "a" => Some(Identity::Always),
            "d" => Some(Identity::ByDefault),
            _ if default
                .as_deref()
                .is_some_and(|d| d.starts_with("nextval(")) =>
            {
                Some(Identity::Serial)
            }
            _ => None,
        };
        tables[t].columns.push(Column {
            name: row.get("name"),
            native_type: native,
            logical_type: logical,
            nullable: !row.get::<bool, _>("notnull"),
            default,
            identity,
            generated,
            domain,
            unsigned: false,
            collation: None,
            comment: row.get("comment"),
        });
    }

    // Constraints.
    let rows = sqlx::query(
        "SELECT con.conrelid::int8 AS oid, con.conname::text AS name, con.contype::text AS kind,
                ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
                      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i) AS cols,
                fn.nspname::text AS ref_schema, fc.relname::text AS ref_table,
                ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
                      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i) AS ref_cols,
                con.condeferrable AS deferrable, pg_get_constraintdef(con.oid) AS def
         FROM pg_constraint con
         LEFT JOIN pg_class fc ON fc.oid = con.confrelid
         LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
         WHERE con.conrelid = ANY($1) AND con.contype IN ('p', 'u', 'f', 'c')
         ORDER BY con.conrelid, con.conname",
    )
    .bind(&oids)
    .fetch_all(&mut *conn)
    .await
    .map_err(query_err("the constraints"))?;
    let known: Vec<QualifiedName> = tables.iter().map(|t| t.name.clone()).collect();
    for row in &rows {
        let t = by_oid[&row.get::<i64, _>("oid")];
        let name: String = row.get("name");
        let columns: Vec<String> = row.get("cols");
        match row.get::<&str, _>("kind") {
            "p" => {
                tables[t].primary_key = Some(Key {
                    name: Some(name),
                    columns,
                })
            }
            "u" => tables[t].uniques.push(Key {
                name: Some(name),
                columns,
            }),
            "c" => {
                let def: String = row.get("def");
                tables[t].checks.push(Check {
                    name,
                    expression: def,
                });
            }
            "f" => {
                let referenced = QualifiedName::new(row.get("ref_schema"), row.get("ref_table"));
                if !known.contains(&referenced) {
                    observer.warn(&format!(
                        "{}: foreign key {name} points at {referenced}, outside the profiled schemas; left out",
                        tables[t].name
                    ));
                    continue;
                }
                tables[t].foreign_keys.push(ForeignKey {
                    name: Some(name),
                    columns,
                    referenced_table: referenced,
                    referenced_columns: row.get("ref_cols"),
                    deferrable: row.get("deferrable"),
                });
            }
            _ => {}
        }
    }

    // Unique indexes that are not constraints (plain, not partial, no expressions).
    let rows = sqlx::query(
        "SELECT i.indrelid::int8 AS oid, c.relname::text AS name,
                ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o)
                      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o) AS cols
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE i.indrelid = ANY($1) AND i.indisunique AND NOT i.indisprimary
           AND i.indpred IS NULL AND i.indexprs IS NULL
           AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)
         ORDER BY 1, 2",
    )
    .bind(&oids)
    .fetch_all(&mut *conn)
    .await
    .map_err(query_err("the unique indexes"))?;
    for row in &rows {
        let t = by_oid[&row.get::<i64, _>("oid")];
        tables[t].uniques.push(Key {
            name: Some(row.get("name")),
            columns: row.get("cols"),
        });
    }

    // Partitioning.
    if !partitioned.is_empty() {
        let rows = sqlx::query(
            "SELECT p.partrelid::int8 AS oid, p.partstrat::text AS strategy,
                    ARRAY(SELECT a.attname::text FROM unnest(p.partattrs::int2[]) WITH ORDINALITY k(n, o)
                          JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = k.n ORDER BY k.o) AS cols
             FROM pg_partitioned_table p WHERE p.partrelid = ANY($1)",
        )
        .bind(&partitioned)
        .fetch_all(&mut *conn)
        .await
        .map_err(query_err("the partitioning"))?;
        for row in &rows {
            let t = by_oid[&row.get::<i64, _>("oid")];
            let strategy = match row.get::<&str, _>("strategy") {
                "r" => PartitionStrategy::Range,
                "l" => PartitionStrategy::List,
                _ => PartitionStrategy::Hash,
            };
            tables[t].partitioning = Some(Partitioning {
                strategy,
                columns: row.get("cols"),
                partitions: Vec::new(),
            });
        }
        let rows = sqlx::query(
            "SELECT i.inhparent::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name,
                    pg_get_expr(c.relpartbound, c.oid) AS bound
             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE i.inhparent = ANY($1) ORDER BY n.nspname, c.relname",
        )
        .bind(&partitioned)
        .fetch_all(&mut *conn)
        .await
        .map_err(query_err("the partitions"))?;
        for row in &rows {
            let t = by_oid[&row.get::<i64, _>("oid")];
            let name = QualifiedName::new(Some(row.get::<&str, _>("schema")), row.get("name"));
            if let Some(p) = tables[t].partitioning.as_mut() {
                p.partitions.push(Partition {
                    name,
                    bound: row.get::<Option<String>, _>("bound").unwrap_or_default(),
                });
            }
        }
    }

    // Enums and domains used by the tables.
    enum_names.sort();
    enum_names.dedup();
    let mut enums = Vec::new();
    for name in &enum_names {
        let values: Vec<String> = sqlx::query_scalar(
            "SELECT e.enumlabel::text FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
             JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE n.nspname = $1 AND t.typname = $2 ORDER BY e.enumsortorder",
        )
        .bind(name.schema.as_deref().unwrap_or("public"))
        .bind(&name.name)
        .fetch_all(&mut *conn)
        .await
        .map_err(query_err(format!("enum {name}")))?;
        enums.push(EnumType {
            name: name.clone(),
            values,
        });
    }
    domain_names.sort();
    domain_names.dedup();
    let mut domains = Vec::new();
    for name in &domain_names {
        let row = sqlx::query(
            "SELECT format_type(t.typbasetype, t.typtypmod) AS base, t.typnotnull AS notnull, t.typdefault AS def,
                    ARRAY(SELECT c.conname::text FROM pg_constraint c WHERE c.contypid = t.oid ORDER BY c.conname) AS names,
                    ARRAY(SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE c.contypid = t.oid ORDER BY c.conname) AS defs
             FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 AND t.typname = $2",
        )
        .bind(name.schema.as_deref().unwrap_or("public"))
        .bind(&name.name)
        .fetch_one(&mut *conn)
        .await
        .map_err(query_err(format!("domain {name}")))?;
        let base: String = row.get("base");
        let names: Vec<String> = row.get("names");
        let defs: Vec<String> = row.get("defs");
        domains.push(Domain {
            name: name.clone(),
            logical_type: from_postgres(&base),
            native_type: base,
            nullable: !row.get::<bool, _>("notnull"),
            default: row.get("def"),
            checks: names
                .into_iter()
                .zip(defs)
                .map(|(name, expression)| Check { name, expression })
                .collect(),
        });
    }
    Ok(Schema {
        tables,
        enums,
        domains,
    })
}

/// Row count, and per-column statistics from at most `sample_rows` rows.
async fn table_stats(
    conn: &mut PgConnection,
    schema: &crate::schema::Schema,
    table: &Table,
    options: &Options,
    extra: bool,
) -> Result<TableStats, IntrospectError> {
    let qualified = format!(
        "{}.{}",
        quote_ident(table.name.schema.as_deref().unwrap_or("public")),
        quote_ident(&table.name.name)
    );
    let what = |w: &str| format!("{w} of table `{}`", table.name);
    let sample = options.sample_rows.max(1);
    let row_count = count_rows(conn, &qualified, sample * 10)
        .await
        .map_err(query_err(what("the row count")))?;
    let from = sample_from(&qualified, row_count, sample);
    let mut exprs = vec!["count(*)".to_owned()];
    for column in &table.columns {
        let c = format!("s.{}", quote_ident(&column.name));
        exprs.push(format!("count({c})"));
        exprs.push(if super::sampled_as_text(column) {
            "0::int8".to_owned() // counted in Rust from the sampled values
        } else {
            format!("count(DISTINCT {c}::text)")
        });
        let (min, max, len) = match &column.logical_type {
            t if t.is_ordered_numeric() => (
                format!("min({c})::float8::text"),
                format!("max({c})::float8::text"),
                None,
            ),
            LogicalType::Date => (format!("min({c})::text"), format!("max({c})::text"), None),
            LogicalType::Timestamp => (
                format!("to_char(min({c}), 'YYYY-MM-DD\"T\"HH24:MI:SS')"),
                format!("to_char(max({c}), 'YYYY-MM-DD\"T\"HH24:MI:SS')"),
                None,
            ),
            LogicalType::TimestampTz => (
                format!("to_char(min({c}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"),
                format!("to_char(max({c}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"),
                None,
            ),
            LogicalType::Time => (format!("min({c})::text"), format!("max({c})::text"), None),
            LogicalType::Text { .. } | LogicalType::Char { .. } => (
                "NULL::text".into(),
                "NULL::text".into(),
                Some(format!("char_length({c})")),
            ),
            LogicalType::Binary { .. } => (
                "NULL::text".into(),
                "NULL::text".into(),
                Some(format!("octet_length({c})")),
            ),
            _ => ("NULL::text".into(), "NULL::text".into(), None),
        };
        exprs.push(min);
        exprs.push(max);
        match len {
            Some(l) => {
                exprs.push(format!("min({l})::int8"));
                exprs.push(format!("avg({l})::float8"));
                exprs.push(format!("max({l})::int8"));
            }
            None => exprs.extend([
                "NULL::int8".to_owned(),
                "NULL::float8".to_owned(),
                "NULL::int8".to_owned(),
            ]),
        }
    }
    let sql = format!("SELECT {} FROM {from}", exprs.join(", "));
    let row = sqlx::query(&sql)
        .fetch_one(&mut *conn)
        .await
        .map_err(query_err(what("the statistics")))?;
    let sampled: i64 = row.get(0);
    let sampled = sampled as u64;
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
            sampled,
            row_count,
            non_null as u64,
            distinct as u64,
            min,
            max,
            (len_min, len_avg, len_max),
        ));
    }
    let mut stats = TableStats::new(table.name.clone(), row_count, sampled, columns);
    // The sample's values as text, for the statistics computed in Rust.
    let select = super::sample_select(table, &from, "NULL::text", |c| {
        format!("s.{}::text", quote_ident(c))
    });
    let rows = sqlx::query(&select)
        .fetch_all(&mut *conn)
        .await
        .map_err(query_err(what("the sampled values")))?;
    let samples = super::collect_samples(table.columns.len(), &rows, |row, i| {
        row.get::<Option<String>, _>(i)
    });
    let catalog = catalog_distinct(conn, table, row_count)
        .await
        .map_err(query_err(what("the catalog's statistics")))?;
    // ANALYZE reads 300 × default_statistics_target (100) rows: a table no
    // bigger is counted whole.
    let trust = if row_count <= ANALYZE_ROWS {
        super::Catalog::Exact
    } else {
        super::Catalog::Estimate
    };
    if !extra {
        // The time budget is spent: the sample's statistics only.
        super::enrich(table, &mut stats, &samples, &options.privacy);
        super::catalog_distinct(&mut stats, &catalog, trust);
        stats.physical = physical(conn, table, &qualified).await?;
        return Ok(stats);
    }
    let name = |n: &crate::schema::QualifiedName| {
        format!(
            "{}.{}",
            quote_ident(n.schema.as_deref().unwrap_or("public")),
            quote_ident(&n.name)
        )
    };
    // The parents' sizes, for the fan-out of a table too big to group whole.
    // Through an index on the foreign key's columns, or else by one hash
    // join over the whole table, which only a table of at most
    // `SCAN_FACTOR` × `--sample-rows` rows gets: a bigger one without such
    // an index keeps the sample's (rough) estimate.
    let mut parent_rows = Vec::new();
    if super::counts_per_sampled_parent(&stats, sample) {
        let indexes: Vec<Vec<String>> = sqlx::query_scalar(
            "SELECT array_agg(a.attname::text ORDER BY k.ord)
             FROM pg_index i
             CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             WHERE i.indrelid = $1::regclass GROUP BY i.indexrelid",
        )
        .bind(&qualified)
        .fetch_all(&mut *conn)
        .await
        .map_err(query_err(what("the indexes")))?;
        for fk in &table.foreign_keys {
            let n = fk.columns.len();
            let indexed = indexes
                .iter()
                .any(|ix| ix.len() >= n && ix[..n].iter().all(|c| fk.columns.contains(c)));
            if !indexed && row_count > sample.saturating_mul(SCAN_FACTOR) {
                parent_rows.push(None);
                continue;
            }
            let parent = name(&fk.referenced_table);
            let rows = count_rows(conn, &parent, super::fan_out_parents(sample))
                .await
                .map_err(query_err(what("the size of a parent")))?;
            parent_rows.push(Some((parent, rows)));
        }
    }
    let parent_sample = |f: usize, columns: &str, limit: u64| {
        let (parent, rows) = parent_rows.get(f)?.as_ref()?;
        let percent = ((limit as f64 * 1.2 / (*rows).max(1) as f64) * 100.0).clamp(0.0001, 100.0);
        Some((
            *rows,
            format!(
                "(SELECT {columns} FROM {parent} TABLESAMPLE SYSTEM ({percent:.6}) REPEATABLE (0) LIMIT {limit})"
            ),
        ))
    };
    let fan_outs = super::fan_out_queries(
        table,
        &stats,
        sample,
        &qualified,
        "BIGINT",
        quote_ident,
        parent_sample,
    );
    let key = super::key_query(
        table,
        &stats,
        sample,
        &samples,
        &qualified,
        "BIGINT",
        quote_ident,
    );
    let joined = sample_from(&qualified, row_count, sample.min(super::JOIN_ROWS));
    // The columns are analysed on other threads while the server answers
    // the queries below, which need no analysis; their findings are added
    // to the analysis once both are done.
    let analysis = {
        let (table, privacy) = (table.clone(), options.privacy.clone());
        std::thread::spawn(move || {
            super::enrich(&table, &mut stats, &samples, &privacy);
            stats
        })
    };
    let mut counted = Vec::new();
    for (f, how, sql) in fan_outs {
        let counts: Vec<(i64, i64)> = sqlx::query_as(&sql)
            .fetch_all(&mut *conn)
            .await
            .map_err(query_err(what("the children per parent")))?;
        counted.push((f, how, counts));
    }
    // A few thousand sampled rows find their parents through the parent's
    // key index: never let the planner scan (and hash) a big parent instead.
    conn.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
        .await
        .map_err(query_err("the join settings"))?;
    let mut times = Vec::new();
    let queries = super::parent_time_queries(
        schema,
        table,
        &joined,
        name,
        quote_ident,
        |alias: &str, c: &str| format!("{alias}.{}::text", quote_ident(c)),
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
        times.push((f, children, parents, rows));
    }
    let mut relations = Vec::new();
    let queries = super::relation_queries(schema, table, &joined, name, quote_ident, "BIGINT");
    for (f, pairs, sql) in queries {
        let row = sqlx::query(&sql)
            .fetch_one(&mut *conn)
            .await
            .map_err(query_err(what("orphans and copies of parent columns")))?;
        let counts: Vec<i64> = (0..2 + pairs.len() * 2)
            .map(|i| row.try_get::<Option<i64>, _>(i).ok().flatten().unwrap_or(0))
            .collect();
        relations.push((f, pairs, counts));
    }
    conn.execute("SET LOCAL enable_hashjoin = on; SET LOCAL enable_mergejoin = on")
        .await
        .map_err(query_err("the join settings"))?;
    let mut key_counts = None;
    if let Some((counts, sql)) = key {
        let row = sqlx::query(&sql)
            .fetch_one(&mut *conn)
            .await
            .map_err(query_err(what("the order of its key")))?;
        let (read, found) = super::key_counts(&row, counts.len())
            .map_err(query_err(what("the order of its key")))?;
        key_counts = Some((counts, read, found));
    }
    let physical = physical(conn, table, &qualified).await?;
    // A panic in the analysis is a bug: it goes on as the panic it was.
    let mut stats = analysis
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    super::catalog_distinct(&mut stats, &catalog, trust);
    for (f, how, counts) in counted {
        super::exact_fan_out(table, &mut stats, f, how, &counts);
    }
    for (f, children, parents, rows) in times {
        super::parent_time_order(&mut stats, f, &children, &parents, &rows);
    }
    for (f, pairs, counts) in relations {
        super::relations(&mut stats, f, &pairs, &counts);
    }
    if let Some((counts, read, found)) = key_counts {
        super::record_key_counts(&mut stats, &counts, read, &found);
    }
    stats.physical = physical;
    Ok(stats)
}

/// At most `n` rows of a table of `rows` rows, aliased `s`: the table, or
/// pages picked at random through the whole table. Page sampling reads only
/// the sampled pages; it over-asks a little, then caps. REPEATABLE: every
/// query of the profile reads the same pages (and a profile of an unchanged
/// table is the same profile).
fn sample_from(qualified: &str, rows: u64, n: u64) -> String {
    if rows <= n {
        return format!("{qualified} AS s");
    }
    let percent = ((n as f64 * 1.2 / rows as f64) * 100.0).clamp(0.0001, 100.0);
    format!(
        "(SELECT * FROM {qualified} TABLESAMPLE SYSTEM ({percent:.6}) REPEATABLE (0) LIMIT {n}) AS s"
    )
}

/// Rows `ANALYZE` reads at the default statistics target.
const ANALYZE_ROWS: u64 = 30_000;

/// The distinct counts `pg_stats` holds for a table's columns, when they
/// are fresh: the table was analysed and fewer than a tenth of its rows
/// changed since (`n_mod_since_analyze`). A negative `n_distinct` is a
/// share of the rows.
async fn catalog_distinct(
    conn: &mut PgConnection,
    table: &Table,
    rows: u64,
) -> Result<Vec<(String, u64)>, sqlx::Error> {
    let found: Vec<(String, f64)> = sqlx::query_as(
        "SELECT s.attname::text, s.n_distinct::float8
         FROM pg_stats s
         JOIN pg_stat_user_tables t ON t.schemaname = s.schemaname AND t.relname = s.tablename
         WHERE s.schemaname = $1 AND s.tablename = $2 AND NOT s.inherited
           AND coalesce(t.last_analyze, t.last_autoanalyze) IS NOT NULL
           AND t.n_mod_since_analyze <= 0.1 * greatest(t.n_live_tup, 1)",
    )
    .bind(table.name.schema.as_deref().unwrap_or("public"))
    .bind(&table.name.name)
    .fetch_all(&mut *conn)
    .await?;
    Ok(found
        .into_iter()
        .filter(|(_, n)| *n != 0.0)
        .map(|(c, n)| {
            let count = if n > 0.0 { n } else { -n * rows as f64 };
            (c, count.round() as u64)
        })
        .collect())
}

/// A table with at most this many times `--sample-rows` rows may be scanned
/// once per foreign key that no index leads, to count its children per
/// sampled parent (see `table_stats`).
const SCAN_FACTOR: u64 = 100;

/// A table's rows: the catalog's estimate above `exact_below`, else (or
/// without an estimate) counted.
async fn count_rows(
    conn: &mut PgConnection,
    qualified: &str,
    exact_below: u64,
) -> Result<u64, sqlx::Error> {
    let estimate: f64 =
        sqlx::query_scalar("SELECT reltuples::float8 FROM pg_class WHERE oid = $1::regclass")
            .bind(qualified)
            .fetch_one(&mut *conn)
            .await?;
    if estimate >= 0.0 && estimate > exact_below as f64 {
        return Ok(estimate as u64);
    }
    let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {qualified}"))
        .fetch_one(&mut *conn)
        .await?;
    Ok(n.max(0) as u64)
}

/// Dead-tuple share, key correlation and last analyze, from the statistics
/// views (read only; patina never runs ANALYZE).
async fn physical(
    conn: &mut PgConnection,
    table: &Table,
    qualified: &str,
) -> Result<Option<Physical>, IntrospectError> {
    let what = format!("the storage statistics of table `{}`", table.name);
    let row = sqlx::query(
        "SELECT n_live_tup::int8 AS live, n_dead_tup::int8 AS dead,
                to_char(greatest(last_analyze, last_autoanalyze) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS analyzed
         FROM pg_stat_user_tables WHERE relid = $1::regclass",
    )
    .bind(qualified)
    .fetch_optional(&mut *conn)
    .await
    .map_err(query_err(what.clone()))?;
    let Some(row) = row else { return Ok(None) };
    let (live, dead): (i64, i64) = (row.get("live"), row.get("dead"));
    let mut facts = Physical {
        dead_tuple_share: (live + dead > 0)
            .then(|| ((dead as f64 / (live + dead) as f64) * 10_000.0).round() / 10_000.0),
        key_correlation: None,
        last_analyze: row.get("analyzed"),
    };
    if let Some(column) = table.primary_key.as_ref().and_then(|k| k.columns.first()) {
        let correlation: Option<f32> = sqlx::query_scalar(
            "SELECT correlation FROM pg_stats WHERE schemaname = $1 AND tablename = $2 AND attname = $3",
        )
        .bind(table.name.schema.as_deref().unwrap_or("public"))
        .bind(&table.name.name)
        .bind(column)
        .fetch_optional(&mut *conn)
        .await
        .map_err(query_err(what))?
        .flatten();
        facts.key_correlation = correlation.map(|c| (f64::from(c) * 1000.0).round() / 1000.0);
    }
    Ok(Some(facts))
}

/// Assembles one column's statistics, coarsening every bound (shared with SQLite).
#[allow(clippy::too_many_arguments)]
pub(super) fn column_stats(
    column: &Column,
    sampled: u64,
    row_count: u64,
    non_null: u64,
    distinct: u64,
    min: Option<String>,
    max: Option<String>,
    lengths: (Option<i64>, Option<f64>, Option<i64>),
) -> ColumnStats {
    let null_fraction = if sampled == 0 {
        0.0
    } else {
        round4(1.0 - non_null as f64 / sampled as f64)
    };
    let table_non_null = (row_count as f64 * (1.0 - null_fraction)).round() as u64;
    let kind = match column.logical_type {
        LogicalType::Date => Some(TimeKind::Date),
        LogicalType::Timestamp | LogicalType::TimestampTz => Some(TimeKind::Timestamp),
        LogicalType::Time => Some(TimeKind::Time),
        _ => None,
    };
    let bound = |v: Option<String>, up: bool| -> Option<StatValue> {
        let v = v?;
        match kind {
            Some(kind) => coarsen_time(&v, up, kind),
            None => v
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(|f| StatValue::Number(coarsen(f, up))),
        }
    };
    let length = match lengths {
        (Some(min), Some(mean), Some(max)) => Some(LengthStats {
            min: min.max(0) as u64,
            mean: (mean * 10.0).round() / 10.0,
            max: max.max(0) as u64,
        }),
        _ => None,
    };
    ColumnStats {
        column: column.name.clone(),
        null_fraction,
        distinct: (sampled > 0).then(|| estimate_distinct(distinct, non_null, table_non_null)),
        min: bound(min, false),
        max: bound(max, true),
        length,
        ..ColumnStats::default()
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
