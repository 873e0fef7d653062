//! What the SQL sinks share: a [`Session`] runs statements; the steps every
//! database load takes before its rows (names that would collide, schema
//! creation, existence and emptiness checks, emptying) are written once here
//! on top of it, in each dialect.

use super::Existing;
use super::ddl::{self, Dialect};
use crate::error::SinkError;
use crate::plan::Plan;
use crate::profile::Engine;
use crate::schema::LogicalType;
use std::collections::BTreeSet;

/// The error for a failed statement, saying what was being done.
pub fn db_err(action: impl Into<String>) -> impl FnOnce(sqlx::Error) -> SinkError {
    let action = action.into();
    move |source| SinkError::Database { action, source }
}

/// A connection to a target database that runs one statement at a time.
pub trait Session {
    /// The dialect statements are written in.
    fn dialect(&self) -> Dialect;
    /// Runs a statement; returns the rows it affected.
    fn execute(&mut self, sql: &str, action: String) -> Result<u64, SinkError>;
    /// Runs a query returning one integer.
    fn scalar_i64(&mut self, sql: &str, action: String) -> Result<i64, SinkError>;
}

/// A string literal in the dialect (MySQL also escapes backslashes, unless
/// the session says otherwise; patina never sends one in a table name check).
fn literal(s: &str, dialect: Dialect) -> String {
    let quoted = s.replace('\'', "''");
    match dialect {
        Dialect::Mysql => format!("'{}'", quoted.replace('\\', "\\\\")),
        _ => format!("'{quoted}'"),
    }
}

/// Refuses a schema whose tables would collide in a dialect without schemas.
pub fn check_names(plan: &Plan, dialect: Dialect) -> Result<(), SinkError> {
    if dialect == Dialect::Postgres {
        return Ok(());
    }
    let mut seen = std::collections::BTreeMap::new();
    for table in &plan.schema.tables {
        if let Some(other) = seen.insert(table.name.name.to_lowercase(), table.name.to_string()) {
            return Err(SinkError::InvalidTarget(format!(
                "tables `{other}` and `{}` would share one name in the target, which has no schemas",
                table.name
            )));
        }
    }
    Ok(())
}

/// What `--create-schema` did: the warnings, and with `--defer-indexes` the
/// statements that add the keys back after the load.
#[derive(Debug, Default)]
pub struct Created {
    /// What could not be carried over.
    pub warnings: Vec<String>,
    /// Keys and foreign keys to add once the rows are in.
    pub after_load: Vec<ddl::AfterLoad>,
}

/// Runs `--create-schema`'s DDL; `undo` receives, for each object created
/// (a table, and on PostgreSQL a type, a domain or a schema that did not
/// exist), the statement that drops it again, in the order created and also
/// when a later statement fails: run them last to first where the DDL was
/// committed before the load (MySQL; PostgreSQL with `--sessions`). With
/// `defer_keys` the tables are created without their keys and foreign keys
/// (on MySQL a table keeps its keys where AUTO_INCREMENT needs one, or where
/// a cycle's foreign keys are filled in by key after the load).
pub fn create_schema(
    session: &mut dyn Session,
    plan: &Plan,
    source: Engine,
    defer_keys: bool,
    undo: &mut Vec<String>,
) -> Result<Created, SinkError> {
    let dialect = session.dialect();
    let mut schema = plan.schema.clone();
    // --tables: only the chosen tables are created, without foreign keys into the others.
    let chosen: Vec<crate::schema::QualifiedName> = plan
        .order
        .tables
        .iter()
        .map(|&t| plan.schema.tables[t].name.clone())
        .collect();
    let mut left_out = Vec::new();
    for table in &mut schema.tables {
        table.foreign_keys.retain(|fk| {
            let kept = chosen.contains(&fk.referenced_table);
            if !kept && chosen.contains(&table.name) {
                left_out.push(format!(
                    "{}: foreign key {} not created: --tables leaves out {}",
                    table.name,
                    fk.label(),
                    fk.referenced_table
                ));
            }
            kept
        });
    }
    if dialect == Dialect::Mysql {
        // MySQL keys cannot hold unbounded text: size such a column by the
        // longest value patina will generate for it.
        for (t, table) in schema.tables.iter_mut().enumerate() {
            let keyed: Vec<bool> = table
                .columns
                .iter()
                .map(|c| ddl::in_key(table, &c.name))
                .collect();
            for (c, column) in table.columns.iter_mut().enumerate() {
                if keyed[c]
                    && column.logical_type == (LogicalType::Text { max_length: None })
                    && let Some(n) = plan.text_max_len(t, c)
                {
                    column.logical_type = LogicalType::Text {
                        max_length: Some(n.max(1)),
                    };
                }
            }
        }
    }
    schema.tables.retain(|t| chosen.contains(&t.name));
    let after_load = if defer_keys && dialect != Dialect::Sqlite {
        let keep = |_: usize, table: &crate::schema::Table| {
            let t = plan.schema.tables.iter().position(|x| x.name == table.name);
            dialect == Dialect::Mysql
                && (plan.order.deferred.iter().any(|&(d, _)| Some(d) == t)
                    || table.columns.iter().any(|c| {
                        c.identity.is_some()
                            && c.logical_type.integer_range().is_some()
                            && ddl::in_key(table, &c.name)
                    }))
        };
        ddl::defer_keys(&mut schema, dialect, keep)
    } else {
        Vec::new()
    };
    let (statements, mut warnings) = ddl::create_statements(&schema, source, dialect);
    warnings.extend(left_out);
    for sql in statements {
        let what = sql
            .lines()
            .next()
            .unwrap_or("")
            .trim_end_matches(" (")
            .to_owned();
        // A schema that was there before is not this run's to drop.
        let new_schema = match what.strip_prefix("CREATE SCHEMA IF NOT EXISTS ") {
            Some(name) => {
                let probe = format!(
                    "SELECT (to_regnamespace({}) IS NULL)::int::int8",
                    literal(name, dialect)
                );
                let absent = session.scalar_i64(&probe, format!("looking up schema {name}"))?;
                (absent == 1).then_some(name)
            }
            None => None,
        };
        session.execute(&sql, format!("creating the schema ({what})"))?;
        let cascade = if dialect == Dialect::Postgres {
            " CASCADE"
        } else {
            ""
        };
        if let Some(name) = what.strip_prefix("CREATE TABLE ") {
            let name = name.split(" PARTITION OF").next().unwrap_or(name).trim();
            undo.push(format!("DROP TABLE IF EXISTS {name}{cascade}"));
        } else if let Some(rest) = what.strip_prefix("CREATE TYPE ") {
            let name = rest.split(" AS ").next().unwrap_or(rest);
            undo.push(format!("DROP TYPE IF EXISTS {name}{cascade}"));
        } else if let Some(rest) = what.strip_prefix("CREATE DOMAIN ") {
            let name = rest.split(" AS ").next().unwrap_or(rest);
            undo.push(format!("DROP DOMAIN IF EXISTS {name}{cascade}"));
        } else if let Some(name) = new_schema {
            // Without CASCADE: whatever else came into it since stays.
            undo.push(format!("DROP SCHEMA IF EXISTS {name}"));
        }
    }
    Ok(Created {
        warnings,
        after_load,
    })
}

/// Adds the keys `--defer-indexes` held back, once every row is in.
pub fn add_deferred_keys(
    session: &mut dyn Session,
    after_load: &[ddl::AfterLoad],
) -> Result<(), SinkError> {
    for step in after_load {
        session.execute(
            &step.sql,
            format!("adding {} after the load (--defer-indexes)", step.what),
        )?;
    }
    Ok(())
}

/// Checks that every table to fill exists and, unless `--truncate` or
/// `--append` says otherwise, holds no rows. Returns the non-empty tables.
pub fn check_existing(
    session: &mut dyn Session,
    plan: &Plan,
    existing: Existing,
) -> Result<Vec<usize>, SinkError> {
    let dialect = session.dialect();
    let mut non_empty = Vec::new();
    for &t in &plan.order.tables {
        let table = &plan.schema.tables[t];
        let label = table.name.to_string();
        let exists = match dialect {
            Dialect::Postgres => format!(
                "SELECT CASE WHEN to_regclass({}) IS NULL THEN 0 ELSE 1 END::int8",
                literal(&ddl::qualified(&table.name, dialect), dialect)
            ),
            Dialect::Sqlite => format!(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = {}",
                literal(&table.name.name, dialect)
            ),
            Dialect::Mysql => format!(
                "SELECT CAST(COUNT(*) AS SIGNED) FROM information_schema.TABLES \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {}",
                literal(&table.name.name, dialect)
            ),
        };
        if session.scalar_i64(&exists, format!("looking up table `{label}`"))? == 0 {
            return Err(SinkError::MissingTable { table: label });
        }
        let name = ddl::qualified(&table.name, dialect);
        let probe = match dialect {
            Dialect::Postgres => format!("SELECT (EXISTS (SELECT 1 FROM {name}))::int::int8"),
            Dialect::Sqlite => format!("SELECT EXISTS (SELECT 1 FROM {name})"),
            Dialect::Mysql => format!("SELECT CAST(EXISTS (SELECT 1 FROM {name}) AS SIGNED)"),
        };
        if session.scalar_i64(&probe, format!("checking whether table `{label}` is empty"))? != 0 {
            if existing == Existing::Refuse {
                return Err(SinkError::NotEmpty { table: label });
            }
            if existing == Existing::Append
                && (table.primary_key.is_some() || !table.uniques.is_empty())
            {
                // Keys are functions of the row index and start from the same
                // values every run: they would collide with the rows there.
                return Err(SinkError::InvalidTarget(format!(
                    "--append cannot add to table `{label}`: it holds rows and has a key, and patina's keys \
                     start from the same values every run; use --truncate, or a fresh target"
                )));
            }
            non_empty.push(t);
        }
    }
    Ok(non_empty)
}

/// Empties every table of the plan inside the load transaction (`--truncate`).
///
/// PostgreSQL truncates them all in one statement. Elsewhere the
/// cycle-breaking and nullable self-referencing foreign keys are set to NULL
/// first (MySQL checks foreign keys row by row, so a self-reference blocks
/// its own table's DELETE), then tables are deleted children first, so every
/// statement keeps every foreign key valid. MySQL's TRUNCATE would commit.
pub fn empty_tables(session: &mut dyn Session, plan: &Plan) -> Result<(), SinkError> {
    let dialect = session.dialect();
    if dialect == Dialect::Postgres {
        let names: Vec<String> = plan
            .order
            .tables
            .iter()
            .map(|&t| ddl::qualified(&plan.schema.tables[t].name, dialect))
            .collect();
        if !names.is_empty() {
            session.execute(
                &format!("TRUNCATE {}", names.join(", ")),
                "emptying the tables to fill (--truncate)".into(),
            )?;
        }
        return Ok(());
    }
    let self_references = plan
        .schema
        .tables
        .iter()
        .enumerate()
        .filter(|&(t, _)| plan.writes(t))
        .flat_map(|(t, table)| {
            table
                .foreign_keys
                .iter()
                .enumerate()
                .filter_map(move |(f, fk)| {
                    let nullable = fk
                        .columns
                        .iter()
                        .all(|c| table.column(c).is_some_and(|col| col.nullable));
                    (fk.referenced_table == table.name && nullable).then_some((t, f))
                })
        });
    let clear: BTreeSet<(usize, usize)> = plan
        .order
        .deferred
        .iter()
        .copied()
        .chain(self_references)
        .collect();
    for (t, f) in clear {
        let table = &plan.schema.tables[t];
        let fk = &table.foreign_keys[f];
        let set: Vec<String> = fk
            .columns
            .iter()
            .map(|c| format!("{} = NULL", ddl::quote_in(c, dialect)))
            .collect();
        session.execute(
            &format!(
                "UPDATE {} SET {}",
                ddl::qualified(&table.name, dialect),
                set.join(", ")
            ),
            format!(
                "clearing `{}` ({}) before emptying it (--truncate)",
                table.name,
                fk.label()
            ),
        )?;
    }
    for &t in plan.order.tables.iter().rev() {
        let table = &plan.schema.tables[t];
        session.execute(
            &format!("DELETE FROM {}", ddl::qualified(&table.name, dialect)),
            format!("emptying `{}` (--truncate)", table.name),
        )?;
    }
    Ok(())
}
