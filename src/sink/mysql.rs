//! MySQL and MariaDB: multi-row INSERTs sized under `max_allowed_packet`,
//! inside one transaction, with foreign-key and unique checks on.
//!
//! DDL commits implicitly in MySQL, so `--create-schema` runs before the
//! load transaction; when the load fails, the rows are rolled back and the
//! tables this run created are dropped again. One connection: with foreign
//! keys checked while loading, a second connection's uncommitted parents
//! would be invisible (or locked) to the first's children.

use super::ddl::{Dialect, quote_in};
use super::session::{self, Session, db_err};
use super::text::{Style, cell};
use super::{Chunk, Encoder, Existing, Sink, WriteOptions, runtime};
use crate::error::SinkError;
use crate::plan::Plan;
use crate::profile::Profile;
use arrow::array::{Array, BinaryArray};
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use sqlx::mysql::MySqlConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor, MySqlConnection, Row};
use std::collections::BTreeSet;
use std::fmt::Write;
use std::str::FromStr;
use std::sync::Arc;

/// Largest INSERT statement patina sends, whatever the server allows.
const MAX_STATEMENT_BYTES: usize = 8 << 20;

/// Loads into MySQL or MariaDB.
pub struct MySqlSink {
    runtime: tokio::runtime::Runtime,
    conn: Option<MySqlConnection>,
    source: crate::profile::Engine,
    options: WriteOptions,
    /// Bytes one statement may take (under max_allowed_packet).
    statement_limit: usize,
    max_allowed_packet: u64,
    backslash_escapes: bool,
    /// `(table, column)` pairs stored in utf8mb3, which cannot hold 4-byte characters.
    narrow_charset: BTreeSet<(String, String)>,
    replaced: u64,
    created: Vec<String>,
    /// Keys and foreign keys `--defer-indexes` adds after the load.
    after_load: Vec<super::ddl::AfterLoad>,
    loaded: u64,
    in_transaction: bool,
    warnings: Vec<String>,
}

impl MySqlSink {
    /// Connects, reads the server's limits and checks the target is not the profile's source.
    pub fn connect(
        url: &str,
        profile: &Profile,
        options: &WriteOptions,
    ) -> Result<Self, SinkError> {
        let runtime = runtime()?;
        let url = url.replacen("mariadb://", "mysql://", 1);
        let connect_options = MySqlConnectOptions::from_str(&url)
            .map_err(|e| SinkError::InvalidTarget(e.to_string()))?
            .charset("utf8mb4");
        let mut conn = runtime
            .block_on(connect_options.connect())
            .map_err(|source| SinkError::Connect {
                engine: "MySQL",
                source,
            })?;
        let fingerprint = runtime
            .block_on(crate::introspect::mysql_fingerprint(&mut conn))
            .map_err(db_err("reading the target's identity"))?;
        if fingerprint == profile.source.fingerprint {
            return Err(SinkError::SourceTarget);
        }
        let row = runtime
            .block_on(
                sqlx::query("SELECT CONVERT(@@SESSION.sql_mode USING utf8mb4), CAST(@@max_allowed_packet AS SIGNED)")
                    .fetch_one(&mut conn),
            )
            .map_err(db_err("reading sql_mode and max_allowed_packet"))?;
        let sql_mode: String = row.get::<Option<String>, _>(0).unwrap_or_default();
        let max_allowed_packet = row.get::<i64, _>(1).max(1024) as u64;
        let mut modes: Vec<&str> = sql_mode.split(',').filter(|m| !m.is_empty()).collect();
        let backslash_escapes = !modes.contains(&"NO_BACKSLASH_ESCAPES");
        // Strict: a value the column cannot hold is an error, never silently cut.
        if !modes.contains(&"STRICT_ALL_TABLES") {
            modes.push("STRICT_ALL_TABLES");
        }
        let setup = format!(
            "SET SESSION sql_mode = '{}', SESSION time_zone = '+00:00', SESSION foreign_key_checks = 1, SESSION unique_checks = 1",
            modes.join(",")
        );
        runtime
            .block_on(conn.execute(setup.as_str()))
            .map_err(db_err("setting up the session"))?;
        let statement_limit = (max_allowed_packet as usize)
            .saturating_sub(4096)
            .clamp(1024, MAX_STATEMENT_BYTES);
        Ok(Self {
            runtime,
            conn: Some(conn),
            source: profile.source.engine,
            options: options.clone(),
            statement_limit,
            max_allowed_packet,
            backslash_escapes,
            narrow_charset: BTreeSet::new(),
            replaced: 0,
            created: Vec::new(),
            after_load: Vec::new(),
            loaded: 0,
            in_transaction: false,
            warnings: Vec::new(),
        })
    }

    fn execute(&mut self, sql: &str, action: impl Into<String>) -> Result<u64, SinkError> {
        let conn = self
            .conn
            .as_mut()
            .expect("the connection lives until finish or abort");
        self.runtime
            .block_on(sqlx::raw_sql(sql).execute(conn))
            .map(|r| r.rows_affected())
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

    /// How this session's INSERTs into `table` are written.
    fn inserts(&self, table: &str, columns: &[String]) -> Inserts {
        Inserts {
            table: table.to_owned(),
            head: format!(
                "INSERT INTO {} ({}) VALUES ",
                quote_in(table, Dialect::Mysql),
                columns
                    .iter()
                    .map(|c| quote_in(c, Dialect::Mysql))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            columns: columns.to_vec(),
            narrow: columns
                .iter()
                .map(|c| self.narrow_charset.contains(&(table.to_owned(), c.clone())))
                .collect(),
            backslash_escapes: self.backslash_escapes,
            statement_limit: self.statement_limit,
            max_allowed_packet: self.max_allowed_packet,
        }
    }

    /// Runs a chunk's INSERTs; returns the rows they inserted.
    fn run(
        &mut self,
        statements: &[String],
        replaced: u64,
        action: &str,
    ) -> Result<u64, SinkError> {
        self.replaced += replaced;
        let mut affected = 0;
        for statement in statements {
            affected += self.execute(statement, action)?;
        }
        Ok(affected)
    }

    /// Inserts a batch as multi-row INSERTs, each under the statement limit.
    fn insert(
        &mut self,
        table: &str,
        columns: &[String],
        batch: &RecordBatch,
        action: &str,
    ) -> Result<u64, SinkError> {
        let (statements, replaced) = self.inserts(table, columns).statements(batch)?;
        self.run(&statements, replaced, action)
    }

    /// Refuses, naming the column and the limit, to load times a target
    /// `TIMESTAMP` column cannot hold (MySQL's TIMESTAMP spans 1970-01-01
    /// 00:00:01 to 2038-01-19 03:14:07 UTC; strict mode would stop mid-load).
    fn check_timestamp_ranges(&mut self, plan: &Plan) -> Result<(), SinkError> {
        const LO: i64 = 1_000_000; // 1970-01-01 00:00:01
        const HI: i64 = 2_147_483_647_000_000; // 2038-01-19 03:14:07
        let conn = self.conn.as_mut().expect("connected");
        let rows = self
            .runtime
            .block_on(
                sqlx::query(
                    "SELECT CONVERT(TABLE_NAME USING utf8mb4), CONVERT(COLUMN_NAME USING utf8mb4)
                     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND DATA_TYPE = 'timestamp'",
                )
                .fetch_all(conn),
            )
            .map_err(db_err("reading the target's TIMESTAMP columns"))?;
        for row in &rows {
            let (table, column): (String, String) = (row.get(0), row.get(1));
            let Some(t) = plan.schema.tables.iter().position(|x| x.name.name == table) else {
                continue;
            };
            let Some(c) = plan.schema.tables[t].column_index(&column) else {
                continue;
            };
            if plan.tables[t].rows == 0 || !plan.writes(t) {
                continue;
            }
            let domain = match &plan.tables[t].columns[c].rule {
                crate::plan::Rule::Sample(d)
                | crate::plan::Rule::Pool { domain: d, .. }
                | crate::plan::Rule::After { domain: d, .. } => d,
                _ => continue,
            };
            if let crate::plan::Domain::Timestamp { lo, hi } = domain
                && (*lo < LO || *hi > HI)
            {
                return Err(SinkError::InvalidTarget(format!(
                    "column `{table}`.`{column}` is a MySQL TIMESTAMP, which holds 1970-01-01 00:00:01 to \
                     2038-01-19 03:14:07 UTC, but the profile's times reach outside it; make the column \
                     DATETIME(6) or load with --create-schema"
                )));
            }
        }
        Ok(())
    }

    fn read_narrow_charsets(&mut self) -> Result<(), SinkError> {
        let conn = self.conn.as_mut().expect("connected");
        let rows = self
            .runtime
            .block_on(
                sqlx::query(
                    "SELECT CONVERT(TABLE_NAME USING utf8mb4), CONVERT(COLUMN_NAME USING utf8mb4)
                     FROM information_schema.COLUMNS
                     WHERE TABLE_SCHEMA = DATABASE() AND CHARACTER_SET_NAME IN ('utf8', 'utf8mb3')",
                )
                .fetch_all(conn),
            )
            .map_err(db_err("reading the target's character sets"))?;
        self.narrow_charset = rows
            .iter()
            .map(|r| (r.get::<String, _>(0), r.get::<String, _>(1)))
            .collect();
        Ok(())
    }
}

impl Sink for MySqlSink {
    fn loads_in_order(&self) -> bool {
        true
    }

    fn begin(&mut self, plan: &Plan) -> Result<(), SinkError> {
        session::check_names(plan, Dialect::Mysql)?;
        if self.options.create_schema {
            // DDL commits by itself in MySQL: it runs before the load
            // transaction, and abort() drops what it created.
            let (source, mut created) = (self.source, Vec::new());
            let defer = self.options.defer_indexes;
            let result = session::create_schema(self, plan, source, defer, &mut created);
            self.created = created;
            let result = result?;
            self.warnings = result.warnings;
            self.after_load = result.after_load;
        } else {
            let existing = self.options.existing;
            session::check_existing(self, plan, existing)?;
        }
        self.read_narrow_charsets()?;
        self.check_timestamp_ranges(plan)?;
        self.execute("START TRANSACTION", "starting the load transaction")?;
        self.in_transaction = true;
        if !self.options.create_schema && self.options.existing == Existing::Truncate {
            session::empty_tables(self, plan)?;
        }
        Ok(())
    }

    fn begin_table(&mut self, _plan: &Plan, _t: usize) -> Result<(), SinkError> {
        self.loaded = 0;
        Ok(())
    }

    fn encoder(&self, plan: &Plan, t: usize) -> Option<Arc<dyn Encoder>> {
        let table = &plan.schema.tables[t];
        Some(Arc::new(
            self.inserts(&table.name.name, &written_names(plan, t)),
        ))
    }

    fn write_chunk(&mut self, plan: &Plan, t: usize, chunk: Chunk) -> Result<(), SinkError> {
        let table = &plan.schema.tables[t];
        let action = format!("loading table `{}`", table.name);
        let rows = match chunk {
            Chunk::Statements {
                statements,
                replaced,
                ..
            } => self.run(&statements, replaced, &action)?,
            Chunk::Batch(batch) => {
                let columns = written_names(plan, t);
                self.insert(&table.name.name, &columns, &batch, &action)?
            }
            Chunk::Encoded { .. } | Chunk::Parquet { .. } => {
                unreachable!("MySQL's encoder makes INSERT statements")
            }
        };
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
        let label = table.name.to_string();
        let q = |c: usize| quote_in(&table.columns[c].name, Dialect::Mysql);
        let name = quote_in(&table.name.name, Dialect::Mysql);
        let all: Vec<usize> = key_columns
            .iter()
            .chain(deferred_columns)
            .copied()
            .collect();
        let list = all.iter().map(|&c| q(c)).collect::<Vec<_>>().join(", ");
        // A temporary table does not commit the load transaction.
        self.execute(
            &format!("CREATE TEMPORARY TABLE patina_fill AS SELECT {list} FROM {name} LIMIT 0"),
            format!("preparing the deferred foreign keys of `{label}`"),
        )?;
        let columns: Vec<String> = all.iter().map(|&c| table.columns[c].name.clone()).collect();
        self.insert(
            "patina_fill",
            &columns,
            batch,
            &format!("loading deferred keys of `{label}`"),
        )?;
        let on = key_columns
            .iter()
            .map(|&c| format!("t.{0} = f.{0}", q(c)))
            .collect::<Vec<_>>()
            .join(" AND ");
        let set = deferred_columns
            .iter()
            .map(|&c| format!("t.{0} = f.{0}", q(c)))
            .collect::<Vec<_>>()
            .join(", ");
        self.execute(
            &format!("UPDATE {name} AS t JOIN patina_fill AS f ON {on} SET {set}"),
            format!("filling the deferred foreign keys of `{label}`"),
        )?;
        self.execute(
            "DROP TEMPORARY TABLE patina_fill",
            "dropping the fill table",
        )?;
        Ok(())
    }

    fn finish(&mut self, _plan: &Plan) -> Result<(), SinkError> {
        // InnoDB moves AUTO_INCREMENT past every explicit value it stores.
        self.execute("COMMIT", "committing the load")?;
        self.in_transaction = false;
        // DDL commits by itself: keys come after the rows' commit, and a
        // failure here still ends in abort(), which drops the created tables.
        let after_load = std::mem::take(&mut self.after_load);
        session::add_deferred_keys(self, &after_load)?;
        if self.replaced > 0 {
            self.warnings.push(format!(
                "{} four-byte characters replaced by U+FFFD in utf8mb3 columns, which cannot store them",
                self.replaced
            ));
        }
        if let Some(conn) = self.conn.take() {
            let _ = self.runtime.block_on(conn.close());
        }
        Ok(())
    }

    fn abort(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            if self.in_transaction {
                let _ = self.runtime.block_on(conn.execute("ROLLBACK"));
            }
            // DDL committed on its own: drop what this run created.
            if !self.created.is_empty() {
                let _ = self
                    .runtime
                    .block_on(conn.execute("SET SESSION foreign_key_checks = 0"));
                for table in self.created.iter().rev() {
                    let _ = self
                        .runtime
                        .block_on(conn.execute(format!("DROP TABLE IF EXISTS {table}").as_str()));
                }
            }
            let _ = self.runtime.block_on(conn.close());
        }
    }

    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }
}

/// Writes a table's rows as multi-row INSERTs, each under the statement
/// limit. As the sink's [`Encoder`] it runs on the generator threads, so the
/// server executes one statement while the next chunk's are being written.
struct Inserts {
    table: String,
    head: String,
    columns: Vec<String>,
    /// Per column: stored in utf8mb3, which cannot hold 4-byte characters.
    narrow: Vec<bool>,
    backslash_escapes: bool,
    statement_limit: usize,
    max_allowed_packet: u64,
}

impl Inserts {
    /// The statements for a batch, and how many 4-byte characters were
    /// replaced in utf8mb3 columns.
    fn statements(&self, batch: &RecordBatch) -> Result<(Vec<String>, u64), SinkError> {
        let mut statements = Vec::new();
        let mut replaced = 0;
        let mut statement = String::with_capacity(self.statement_limit.min(1 << 20));
        let mut row_text = String::new();
        let mut text = String::new();
        let mut rows_in_statement = 0;
        let packet = (self.max_allowed_packet as usize).saturating_sub(4096);
        for row in 0..batch.num_rows() {
            row_text.clear();
            row_text.push('(');
            for (i, column) in batch.columns().iter().enumerate() {
                if i > 0 {
                    row_text.push_str(", ");
                }
                let narrow = self.narrow[i];
                self.literal(
                    column.as_ref(),
                    row,
                    narrow,
                    &mut text,
                    &mut row_text,
                    &mut replaced,
                );
            }
            row_text.push(')');
            // One row may fill a statement up to max_allowed_packet; rows batch within 8 MiB.
            if self.head.len() + row_text.len() > packet {
                let widest = (0..batch.num_columns())
                    .max_by_key(|&i| {
                        let (mut t, mut o, mut r) = (String::new(), String::new(), 0);
                        self.literal(batch.column(i).as_ref(), row, false, &mut t, &mut o, &mut r);
                        o.len()
                    })
                    .map_or_else(String::new, |i| self.columns[i].clone());
                return Err(SinkError::InvalidTarget(format!(
                    "table `{}`: one row needs {} bytes (most in column `{widest}`), more than the server's \
                     max_allowed_packet ({}) allows; raise max_allowed_packet",
                    self.table,
                    self.head.len() + row_text.len(),
                    self.max_allowed_packet
                )));
            }
            if rows_in_statement > 0 && statement.len() + row_text.len() + 2 > self.statement_limit
            {
                statements.push(std::mem::take(&mut statement));
                rows_in_statement = 0;
            }
            if rows_in_statement == 0 {
                statement.push_str(&self.head);
            } else {
                statement.push_str(", ");
            }
            statement.push_str(&row_text);
            rows_in_statement += 1;
        }
        if rows_in_statement > 0 {
            statements.push(statement);
        }
        Ok((statements, replaced))
    }

    /// Appends one cell as a MySQL literal.
    fn literal(
        &self,
        array: &dyn Array,
        row: usize,
        narrow: bool,
        text: &mut String,
        out: &mut String,
        replaced: &mut u64,
    ) {
        if array.is_null(row) {
            out.push_str("NULL");
            return;
        }
        match array.data_type() {
            DataType::Binary => {
                let bytes = array
                    .as_any()
                    .downcast_ref::<BinaryArray>()
                    .expect("typed")
                    .value(row);
                out.push_str("X'");
                for b in bytes {
                    let _ = write!(out, "{b:02x}");
                }
                out.push('\'');
            }
            dt => {
                text.clear();
                cell(array, row, Style::Mysql, text);
                if dt.is_numeric() || *dt == DataType::Boolean {
                    out.push_str(text);
                    return;
                }
                out.push('\'');
                for ch in text.chars() {
                    match ch {
                        '\'' => out.push_str("''"),
                        '\\' if self.backslash_escapes => out.push_str("\\\\"),
                        '\0' if self.backslash_escapes => out.push_str("\\0"),
                        c if narrow && c.len_utf8() == 4 => {
                            // utf8mb3 stores at most 3 bytes a character.
                            out.push('\u{FFFD}');
                            *replaced += 1;
                        }
                        c => out.push(c),
                    }
                }
                out.push('\'');
            }
        }
    }
}

impl Encoder for Inserts {
    fn encode(&self, batch: RecordBatch) -> Result<Chunk, SinkError> {
        let (statements, replaced) = self.statements(&batch)?;
        Ok(Chunk::Statements {
            rows: batch.num_rows(),
            statements,
            replaced,
        })
    }
}

impl Session for MySqlSink {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    fn execute(&mut self, sql: &str, action: String) -> Result<u64, SinkError> {
        MySqlSink::execute(self, sql, action)
    }

    fn scalar_i64(&mut self, sql: &str, action: String) -> Result<i64, SinkError> {
        MySqlSink::scalar_i64(self, sql, action)
    }
}

/// The names of the columns patina writes into table `t`.
fn written_names(plan: &Plan, t: usize) -> Vec<String> {
    let table = &plan.schema.tables[t];
    plan.tables[t]
        .written_columns()
        .iter()
        .map(|&c| table.columns[c].name.clone())
        .collect()
}
