//! SQLite: one transaction, multi-row INSERTs through prepared statements.

use super::ddl::{Dialect, quote};
use super::session::{self, Session, db_err};
use super::text::{Style, cell};
use super::{Chunk, Existing, Sink, WriteOptions, runtime};
use crate::error::SinkError;
use crate::introspect::sqlite_fingerprint;
use crate::plan::Plan;
use crate::profile::Profile;
use arrow::array::{
    Array, BinaryArray, BooleanArray, Float32Array, Float64Array, Int16Array, Int32Array,
    Int64Array,
};
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use sqlx::sqlite::{SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Arguments, ConnectOptions, Connection, Executor, SqliteConnection};
use std::path::PathBuf;
use std::str::FromStr;

/// SQLite's limit on bound parameters per statement (since 3.32).
const MAX_PARAMETERS: usize = 32_766;
/// Rows per INSERT statement at most.
const MAX_ROWS_PER_STATEMENT: usize = 500;

/// Loads into a SQLite file.
pub struct SqliteSink {
    runtime: tokio::runtime::Runtime,
    conn: Option<SqliteConnection>,
    path: PathBuf,
    created_file: bool,
    source: crate::profile::Engine,
    options: WriteOptions,
    loaded: u64,
    warnings: Vec<String>,
}

impl SqliteSink {
    /// Opens (creating if needed) the file.
    pub fn open(url: &str, profile: &Profile, options: &WriteOptions) -> Result<Self, SinkError> {
        let path = PathBuf::from(crate::introspect::sqlite_path(url));
        if path.as_os_str().is_empty() {
            return Err(SinkError::InvalidTarget(format!(
                "`{url}` names no file: use sqlite://path/to/file.db"
            )));
        }
        let existed = path.exists();
        if existed && sqlite_fingerprint(&path.display().to_string()) == profile.source.fingerprint
        {
            return Err(SinkError::SourceTarget);
        }
        if let Some(dir) = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty() && !d.exists())
        {
            std::fs::create_dir_all(dir).map_err(|source| SinkError::Io {
                path: dir.to_owned(),
                source,
            })?;
        }
        let runtime = runtime()?;
        let connect = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .map_err(|e| SinkError::InvalidTarget(e.to_string()))?
            .create_if_missing(true)
            .foreign_keys(options.enforce_foreign_keys)
            .journal_mode(SqliteJournalMode::Delete)
            .synchronous(SqliteSynchronous::Normal);
        let conn = runtime
            .block_on(connect.connect())
            .map_err(|source| SinkError::Connect {
                engine: "SQLite",
                source,
            })?;
        Ok(Self {
            runtime,
            conn: Some(conn),
            path,
            created_file: !existed,
            source: profile.source.engine,
            options: options.clone(),
            loaded: 0,
            warnings: Vec::new(),
        })
    }

    fn execute(&mut self, sql: &str, action: impl Into<String>) -> Result<(), SinkError> {
        let conn = self
            .conn
            .as_mut()
            .expect("the connection lives until finish or abort");
        self.runtime
            .block_on(conn.execute(sql))
            .map(|_| ())
            .map_err(db_err(action))
    }

    fn scalar_i64(&mut self, sql: &str, action: impl Into<String>) -> Result<i64, SinkError> {
        let conn = self
            .conn
            .as_mut()
            .expect("the connection lives until finish or abort");
        self.runtime
            .block_on(sqlx::query_scalar(sql).fetch_one(conn))
            .map_err(db_err(action))
    }

    /// Runs `head` + `(?, …), …` for the rows of `batch`, in statements under the parameter limit.
    fn insert_rows(
        &mut self,
        head: &str,
        tail: &str,
        batch: &RecordBatch,
        action: &str,
    ) -> Result<u64, SinkError> {
        let width = batch.num_columns().max(1);
        let per_statement = (MAX_PARAMETERS / width).clamp(1, MAX_ROWS_PER_STATEMENT);
        let placeholders = format!("({})", vec!["?"; width].join(", "));
        let mut affected = 0;
        let mut start = 0;
        let mut text = String::new();
        while start < batch.num_rows() {
            let end = (start + per_statement).min(batch.num_rows());
            let sql = format!(
                "{head}{}{tail}",
                vec![placeholders.as_str(); end - start].join(", ")
            );
            let mut args = SqliteArguments::default();
            for row in start..end {
                for column in batch.columns() {
                    bind(&mut args, column.as_ref(), row, &mut text)
                        .map_err(|e| SinkError::Generation(e.to_string()))?;
                }
            }
            let conn = self
                .conn
                .as_mut()
                .expect("the connection lives until finish or abort");
            let result = self
                .runtime
                .block_on(sqlx::query_with(&sql, args).execute(conn))
                .map_err(db_err(format!(
                    "{action} (rows {start}..{end} of this chunk)"
                )))?;
            affected += result.rows_affected();
            start = end;
        }
        Ok(affected)
    }
}

/// Binds one cell with the storage class SQLite should keep.
fn bind(
    args: &mut SqliteArguments<'_>,
    array: &dyn Array,
    row: usize,
    text: &mut String,
) -> Result<(), sqlx::error::BoxDynError> {
    if array.is_null(row) {
        return args.add(None::<i64>);
    }
    let any = array.as_any();
    match array.data_type() {
        DataType::Boolean => args.add(
            any.downcast_ref::<BooleanArray>()
                .expect("typed")
                .value(row),
        ),
        DataType::Int16 => args.add(i64::from(
            any.downcast_ref::<Int16Array>().expect("typed").value(row),
        )),
        DataType::Int32 => args.add(i64::from(
            any.downcast_ref::<Int32Array>().expect("typed").value(row),
        )),
        DataType::Int64 => args.add(any.downcast_ref::<Int64Array>().expect("typed").value(row)),
        DataType::Float32 => args.add(f64::from(
            any.downcast_ref::<Float32Array>()
                .expect("typed")
                .value(row),
        )),
        DataType::Float64 => args.add(
            any.downcast_ref::<Float64Array>()
                .expect("typed")
                .value(row),
        ),
        DataType::Binary => args.add(
            any.downcast_ref::<BinaryArray>()
                .expect("typed")
                .value(row)
                .to_vec(),
        ),
        _ => {
            text.clear();
            cell(array, row, Style::Sqlite, text);
            args.add(text.clone())
        }
    }
}

impl Sink for SqliteSink {
    fn loads_in_order(&self) -> bool {
        true
    }

    fn begin(&mut self, plan: &Plan) -> Result<(), SinkError> {
        session::check_names(plan, Dialect::Sqlite)?;
        self.execute("BEGIN IMMEDIATE", "starting the load transaction")?;
        if self.options.create_schema {
            let source = self.source;
            self.warnings =
                session::create_schema(self, plan, source, false, &mut Vec::new())?.warnings;
            return Ok(());
        }
        let existing = self.options.existing;
        session::check_existing(self, plan, existing)?;
        if self.options.existing == Existing::Truncate {
            session::empty_tables(self, plan)?;
        }
        Ok(())
    }

    fn begin_table(&mut self, _plan: &Plan, _t: usize) -> Result<(), SinkError> {
        self.loaded = 0;
        Ok(())
    }

    fn write_chunk(&mut self, plan: &Plan, t: usize, chunk: Chunk) -> Result<(), SinkError> {
        let Chunk::Batch(batch) = &chunk else {
            unreachable!("this sink has no encoder, so chunks arrive as batches")
        };
        let table = &plan.schema.tables[t];
        let columns: Vec<String> = plan.tables[t]
            .written_columns()
            .iter()
            .map(|&c| quote(&table.columns[c].name))
            .collect();
        let head = format!(
            "INSERT INTO {} ({}) VALUES ",
            quote(&table.name.name),
            columns.join(", ")
        );
        let rows =
            self.insert_rows(&head, "", batch, &format!("loading table `{}`", table.name))?;
        self.loaded += rows;
        Ok(())
    }

    fn end_table(&mut self, _plan: &Plan, _t: usize) -> Result<u64, SinkError> {
        Ok(self.loaded)
    }

    fn fill_deferred(
        &mut self,
        plan: &Plan,
        t: usize,
        key_columns: &[usize],
        deferred_columns: &[usize],
        batch: &RecordBatch,
    ) -> Result<(), SinkError> {
        let table = &plan.schema.tables[t];
        let all: Vec<String> = key_columns
            .iter()
            .chain(deferred_columns)
            .map(|&c| quote(&table.columns[c].name))
            .collect();
        self.execute(
            &format!("CREATE TEMP TABLE patina_fill ({})", all.join(", ")),
            format!("preparing the deferred foreign keys of `{}`", table.name),
        )?;
        let head = format!("INSERT INTO patina_fill ({}) VALUES ", all.join(", "));
        self.insert_rows(
            &head,
            "",
            batch,
            &format!("loading deferred keys of `{}`", table.name),
        )?;
        let name = quote(&table.name.name);
        let on: Vec<String> = key_columns
            .iter()
            .map(|&c| {
                format!(
                    "patina_fill.{0} = {name}.{0}",
                    quote(&table.columns[c].name)
                )
            })
            .collect();
        let set: Vec<String> = deferred_columns
            .iter()
            .map(|&c| {
                let col = quote(&table.columns[c].name);
                format!(
                    "{col} = (SELECT patina_fill.{col} FROM patina_fill WHERE {})",
                    on.join(" AND ")
                )
            })
            .collect();
        self.execute(
            &format!(
                "UPDATE {name} SET {} WHERE EXISTS (SELECT 1 FROM patina_fill WHERE {})",
                set.join(", "),
                on.join(" AND ")
            ),
            format!("filling the deferred foreign keys of `{}`", table.name),
        )?;
        self.execute("DROP TABLE patina_fill", "dropping the fill table")
    }

    fn finish(&mut self, _plan: &Plan) -> Result<(), SinkError> {
        self.execute("COMMIT", "committing the load")?;
        if let Some(conn) = self.conn.take() {
            let _ = self.runtime.block_on(conn.close());
        }
        Ok(())
    }

    fn abort(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            let _ = self.runtime.block_on(conn.execute("ROLLBACK"));
            let _ = self.runtime.block_on(conn.close());
        }
        if self.created_file {
            // The file did not exist before this run: leave nothing behind.
            let _ = std::fs::remove_file(&self.path);
        }
    }

    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }
}

impl Session for SqliteSink {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&mut self, sql: &str, action: String) -> Result<u64, SinkError> {
        SqliteSink::execute(self, sql, action).map(|()| 0)
    }

    fn scalar_i64(&mut self, sql: &str, action: String) -> Result<i64, SinkError> {
        SqliteSink::scalar_i64(self, sql, action)
    }
}
