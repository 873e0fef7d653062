//! MySQL and MariaDB: rows through `LOAD DATA LOCAL INFILE` (the server's
//! bulk path), or multi-row INSERTs sized under `max_allowed_packet` where
//! the server refuses local files, inside one transaction, with
//! foreign-key and unique checks on.
//!
//! The sink talks to the server through `mysql_async`, the one Rust MySQL
//! driver that answers the server's request for a local file (sqlx, which
//! the profiler uses, cannot). `LOAD DATA LOCAL` turns data errors into
//! warnings and skips duplicate keys, so every load is checked for warnings
//! and its row count, and fails (rolling back) on either.
//!
//! DDL commits implicitly in MySQL, so `--create-schema` runs before the
//! load transaction; when the load fails, the rows are rolled back and the
//! tables this run created are dropped again. One connection: with foreign
//! keys checked while loading, a second connection's uncommitted parents
//! would be invisible (or locked) to the first's children.

use super::ddl::{Dialect, quote_in};
use super::session::{self, Session};
use super::text::{Style, cell};
use super::{Chunk, Encoder, Existing, Sink, WriteOptions, runtime};
use crate::error::SinkError;
use crate::plan::Plan;
use crate::profile::Profile;
use arrow::array::{Array, BinaryArray};
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, OptsBuilder};
use std::collections::BTreeSet;
use std::fmt::Write;
use std::sync::Arc;

/// Largest INSERT statement patina sends, whatever the server allows.
const MAX_STATEMENT_BYTES: usize = 8 << 20;
/// Bytes per piece of a `LOAD DATA LOCAL` stream.
const INFILE_PIECE: usize = 1 << 20;

/// The row of the fingerprint query: host, port, data directory, database.
type Identity = (Option<String>, i64, Option<String>, Option<String>);

/// Loads into MySQL or MariaDB.
pub struct MySqlSink {
    runtime: tokio::runtime::Runtime,
    conn: Option<Conn>,
    source: crate::profile::Engine,
    options: WriteOptions,
    /// Rows go through `LOAD DATA LOCAL INFILE` (else INSERT statements).
    infile: bool,
    /// Bytes one statement may take (under max_allowed_packet).
    statement_limit: usize,
    max_allowed_packet: u64,
    backslash_escapes: bool,
    /// `(table, column)` pairs stored in utf8mb3, which cannot hold 4-byte characters.
    narrow_charset: BTreeSet<(String, String)>,
    /// `(table, column)` pairs of type BIT, which `LOAD DATA` fills through a number.
    bits: BTreeSet<(String, String)>,
    replaced: u64,
    /// What drops the tables `--create-schema` made, run last to first on abort.
    created: Vec<String>,
    /// Keys and foreign keys `--defer-indexes` adds after the load.
    after_load: Vec<super::ddl::AfterLoad>,
    loaded: u64,
    in_transaction: bool,
    warnings: Vec<String>,
}

/// The driver's connection options from a `mysql://` (or `mariadb://`) URL:
/// user, password, host, port, database and `?socket=`.
fn connect_options(url: &str) -> Result<OptsBuilder, SinkError> {
    let invalid = |reason: String| SinkError::InvalidTarget(format!("MySQL URL: {reason}"));
    let parsed = url::Url::parse(url).map_err(|e| invalid(e.to_string()))?;
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map(|d| d.into_owned())
            .map_err(|_| invalid(format!("`{s}` is not UTF-8 once decoded")))
    };
    let user = decode(parsed.username())?;
    let password = parsed.password().map(decode).transpose()?;
    let database = decode(parsed.path().trim_start_matches('/'))?;
    let mut options = OptsBuilder::default()
        .ip_or_hostname(parsed.host_str().unwrap_or("localhost").to_owned())
        .tcp_port(parsed.port().unwrap_or(3306))
        .user((!user.is_empty()).then_some(user))
        .pass(password)
        .db_name((!database.is_empty()).then_some(database))
        // Connect where the URL says, as the profiler does (the driver would
        // otherwise move to the server's Unix socket, which may log in as
        // another account).
        .prefer_socket(false);
    for (key, value) in parsed.query_pairs() {
        match key.as_ref() {
            "socket" => options = options.socket(Some(value.into_owned())),
            "ssl-mode" if value.eq_ignore_ascii_case("disabled") => {}
            other => {
                return Err(invalid(format!(
                    "parameter `{other}` is not supported for loading (patina reads `socket`, and \
                     `ssl-mode=disabled`; it does not connect over TLS)"
                )));
            }
        }
    }
    Ok(options)
}

fn db_err(action: impl Into<String>) -> impl FnOnce(mysql_async::Error) -> SinkError {
    let action = action.into();
    move |source| SinkError::MySql { action, source }
}

impl MySqlSink {
    /// Connects, reads the server's limits and checks the target is not the profile's source.
    pub fn connect(
        url: &str,
        profile: &Profile,
        options: &WriteOptions,
    ) -> Result<Self, SinkError> {
        let runtime = runtime()?;
        let connect = connect_options(&url.replacen("mariadb://", "mysql://", 1))?;
        let mut conn = runtime
            .block_on(Conn::new(connect))
            .map_err(|source| SinkError::MySqlConnect { source })?;
        runtime
            .block_on(conn.query_drop("SET NAMES utf8mb4"))
            .map_err(db_err("setting the connection's character set"))?;
        let identity: Option<Identity> = runtime
            .block_on(conn.query_first(crate::introspect::MYSQL_FINGERPRINT_QUERY))
            .map_err(db_err("reading the target's identity"))?;
        if let Some((host, port, datadir, db)) = identity {
            let fingerprint = crate::introspect::mysql_fingerprint_of(
                host.as_deref(),
                port,
                datadir.as_deref(),
                db.as_deref(),
            );
            if fingerprint == profile.source.fingerprint {
                return Err(SinkError::SourceTarget);
            }
        }
        let limits: Option<(Option<String>, i64, i64)> = runtime
            .block_on(conn.query_first(
                "SELECT CONVERT(@@SESSION.sql_mode USING utf8mb4), CAST(@@max_allowed_packet AS SIGNED), \
                 CAST(@@GLOBAL.local_infile AS SIGNED)",
            ))
            .map_err(db_err("reading sql_mode, max_allowed_packet and local_infile"))?;
        let (sql_mode, max_allowed_packet, local_infile) = limits.unwrap_or((None, 0, 0));
        let sql_mode = sql_mode.unwrap_or_default();
        let max_allowed_packet = max_allowed_packet.max(1024) as u64;
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
            .block_on(conn.query_drop(setup))
            .map_err(db_err("setting up the session"))?;
        let statement_limit = (max_allowed_packet as usize)
            .saturating_sub(4096)
            .clamp(1024, MAX_STATEMENT_BYTES);
        let mut warnings = Vec::new();
        let infile = !options.mysql_inserts && local_infile == 1;
        if !options.mysql_inserts && !infile {
            warnings.push(
                "the server refuses LOAD DATA LOCAL INFILE (local_infile is OFF): loaded with INSERT \
                 statements, about twice as slow; SET GLOBAL local_infile = 1 to load faster"
                    .to_owned(),
            );
        }
        Ok(Self {
            runtime,
            conn: Some(conn),
            source: profile.source.engine,
            options: options.clone(),
            infile,
            statement_limit,
            max_allowed_packet,
            backslash_escapes,
            narrow_charset: BTreeSet::new(),
            bits: BTreeSet::new(),
            replaced: 0,
            created: Vec::new(),
            after_load: Vec::new(),
            loaded: 0,
            in_transaction: false,
            warnings,
        })
    }

    fn execute(&mut self, sql: &str, action: impl Into<String>) -> Result<u64, SinkError> {
        let conn = self
            .conn
            .as_mut()
            .expect("the connection lives until finish or abort");
        self.runtime
            .block_on(async {
                conn.query_drop(sql).await?;
                Ok(conn.affected_rows())
            })
            .map_err(db_err(action))
    }

    fn scalar_i64(&mut self, sql: &str, action: impl Into<String>) -> Result<i64, SinkError> {
        let action = action.into();
        let conn = self
            .conn
            .as_mut()
            .expect("the connection lives until finish or abort");
        match self.runtime.block_on(conn.query_first::<i64, _>(sql)) {
            Ok(Some(value)) => Ok(value),
            Ok(None) => Err(SinkError::InvalidTarget(format!(
                "{action}: the query returned no row"
            ))),
            Err(source) => Err(SinkError::MySql { action, source }),
        }
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
            narrow: self.narrow(table, columns),
            backslash_escapes: self.backslash_escapes,
            statement_limit: self.statement_limit,
            max_allowed_packet: self.max_allowed_packet,
        }
    }

    /// Per column: stored in utf8mb3.
    fn narrow(&self, table: &str, columns: &[String]) -> Vec<bool> {
        columns
            .iter()
            .map(|c| self.narrow_charset.contains(&(table.to_owned(), c.clone())))
            .collect()
    }

    /// The `LOAD DATA` encoder of a table's written columns.
    fn infile_encoder(&self, table: &str, columns: &[String]) -> Infile {
        Infile {
            narrow: self.narrow(table, columns),
        }
    }

    /// The `LOAD DATA LOCAL INFILE` statement for table `t`'s written
    /// columns: binary columns arrive as hex and BIT columns as numbers,
    /// through variables.
    fn load_statement(&self, plan: &Plan, t: usize) -> String {
        let table = &plan.schema.tables[t];
        let mut targets = Vec::new();
        let mut sets = Vec::new();
        for (i, &c) in plan.tables[t].written_columns().iter().enumerate() {
            let column = &table.columns[c];
            let name = quote_in(&column.name, Dialect::Mysql);
            if matches!(
                column.logical_type,
                crate::schema::LogicalType::Binary { .. }
            ) {
                targets.push(format!("@v{i}"));
                sets.push(format!("{name} = UNHEX(@v{i})"));
            } else if self
                .bits
                .contains(&(table.name.name.clone(), column.name.clone()))
            {
                targets.push(format!("@v{i}"));
                sets.push(format!("{name} = CAST(@v{i} AS UNSIGNED)"));
            } else {
                targets.push(name);
            }
        }
        // The escape character, as a string literal in the session's mode.
        let escape = if self.backslash_escapes {
            "'\\\\'"
        } else {
            "'\\'"
        };
        let mut statement = format!(
            "LOAD DATA LOCAL INFILE 'patina' INTO TABLE {} CHARACTER SET utf8mb4 \
             FIELDS TERMINATED BY '\t' ESCAPED BY {escape} LINES TERMINATED BY '\n' ({})",
            quote_in(&table.name.name, Dialect::Mysql),
            targets.join(", ")
        );
        if !sets.is_empty() {
            statement.push_str(" SET ");
            statement.push_str(&sets.join(", "));
        }
        statement
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

    /// Sends `bytes` (`rows` lines of [`Infile`] text) through `LOAD DATA
    /// LOCAL INFILE`; a warning or a missing row fails the load, naming the
    /// row, since the server would have skipped or altered it.
    fn load(
        &mut self,
        statement: &str,
        bytes: Vec<u8>,
        rows: usize,
        first_row: u64,
        action: &str,
    ) -> Result<u64, SinkError> {
        let data = bytes::Bytes::from(bytes);
        let conn = self
            .conn
            .as_mut()
            .expect("the connection lives until finish or abort");
        let (affected, warnings) = self
            .runtime
            .block_on(async {
                conn.set_infile_handler(async move {
                    let pieces: Vec<std::io::Result<bytes::Bytes>> = (0..data.len())
                        .step_by(INFILE_PIECE)
                        .map(|at| Ok(data.slice(at..(at + INFILE_PIECE).min(data.len()))))
                        .collect();
                    let stream: mysql_async::InfileData =
                        Box::pin(futures_util::stream::iter(pieces));
                    Ok(stream)
                });
                conn.query_drop(statement).await?;
                Ok((conn.affected_rows(), conn.get_warnings()))
            })
            .map_err(db_err(action))?;
        if warnings == 0 && affected == rows as u64 {
            return Ok(affected);
        }
        let shown: Vec<(String, u32, String)> = self
            .runtime
            .block_on(
                self.conn
                    .as_mut()
                    .expect("connected")
                    .query("SHOW WARNINGS"),
            )
            .map_err(db_err(action))?;
        // Notes (a decimal rounded to its scale) pass, as they do for INSERTs.
        let serious: Vec<String> = shown
            .iter()
            .filter(|(level, _, _)| level != "Note")
            .take(3)
            .map(|(level, code, message)| {
                format!("{level} {code}: {}", rebase_row(message, first_row))
            })
            .collect();
        if !serious.is_empty() || affected != rows as u64 {
            return Err(SinkError::InvalidTarget(format!(
                "{action}: the server loaded {affected} of {rows} rows ({}); nothing was kept",
                if serious.is_empty() {
                    "rows were skipped".to_owned()
                } else {
                    serious.join("; ")
                }
            )));
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
    fn check_timestamp_ranges(
        &self,
        plan: &Plan,
        timestamps: &[(String, String)],
    ) -> Result<(), SinkError> {
        const LO: i64 = 1_000_000; // 1970-01-01 00:00:01
        const HI: i64 = 2_147_483_647_000_000; // 2038-01-19 03:14:07
        for (table, column) in timestamps {
            let Some(t) = plan
                .schema
                .tables
                .iter()
                .position(|x| x.name.name == *table)
            else {
                continue;
            };
            let Some(c) = plan.schema.tables[t].column_index(column) else {
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

    /// Reads the target's column types and character sets: utf8mb3
    /// columns, BIT columns, and TIMESTAMP columns (returned).
    fn read_columns(&mut self) -> Result<Vec<(String, String)>, SinkError> {
        let rows: Vec<(String, String, String, Option<String>)> = self
            .runtime
            .block_on(self.conn.as_mut().expect("connected").query(
                "SELECT CONVERT(TABLE_NAME USING utf8mb4), CONVERT(COLUMN_NAME USING utf8mb4),
                        CONVERT(DATA_TYPE USING utf8mb4), CONVERT(CHARACTER_SET_NAME USING utf8mb4)
                 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()",
            ))
            .map_err(db_err("reading the target's columns"))?;
        let mut timestamps = Vec::new();
        for (table, column, data_type, charset) in rows {
            let key = (table, column);
            if matches!(charset.as_deref(), Some("utf8" | "utf8mb3")) {
                self.narrow_charset.insert(key.clone());
            }
            match data_type.to_ascii_lowercase().as_str() {
                "bit" => {
                    self.bits.insert(key);
                }
                "timestamp" => timestamps.push(key),
                _ => {}
            }
        }
        Ok(timestamps)
    }
}

/// A `LOAD DATA` warning with its row counted from the table's first row
/// (the server counts from the statement's).
fn rebase_row(message: &str, first_row: u64) -> String {
    let Some(at) = message.find("at row ").map(|i| i + 7) else {
        return message.to_owned();
    };
    let digits: String = message[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    match digits.parse::<u64>() {
        Ok(row) => format!(
            "{}{} of the table{}",
            &message[..at],
            first_row + row,
            &message[at + digits.len()..]
        ),
        Err(_) => message.to_owned(),
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
            self.warnings.extend(result.warnings);
            self.after_load = result.after_load;
        } else {
            let existing = self.options.existing;
            session::check_existing(self, plan, existing)?;
        }
        let timestamps = self.read_columns()?;
        self.check_timestamp_ranges(plan, &timestamps)?;
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
        let columns = written_names(plan, t);
        if self.infile {
            Some(Arc::new(self.infile_encoder(&table.name.name, &columns)))
        } else {
            Some(Arc::new(self.inserts(&table.name.name, &columns)))
        }
    }

    fn write_chunk(&mut self, plan: &Plan, t: usize, chunk: Chunk) -> Result<(), SinkError> {
        let table = &plan.schema.tables[t];
        let action = format!("loading table `{}`", table.name);
        let columns = written_names(plan, t);
        let chunk = match chunk {
            Chunk::Batch(batch) if self.infile => self
                .infile_encoder(&table.name.name, &columns)
                .encode(batch)?,
            other => other,
        };
        let rows = match chunk {
            Chunk::Infile {
                rows,
                bytes,
                replaced,
            } => {
                self.replaced += replaced;
                let statement = self.load_statement(plan, t);
                let first_row = self.loaded;
                self.load(&statement, bytes, rows, first_row, &action)?
            }
            Chunk::Statements {
                statements,
                replaced,
                ..
            } => self.run(&statements, replaced, &action)?,
            Chunk::Batch(batch) => self.insert(&table.name.name, &columns, &batch, &action)?,
            Chunk::Encoded { .. } | Chunk::Parquet { .. } => {
                unreachable!("MySQL's encoders make LOAD DATA text or INSERT statements")
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
            let _ = self.runtime.block_on(conn.disconnect());
        }
        Ok(())
    }

    fn abort(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            self.runtime.block_on(async {
                if self.in_transaction {
                    let _ = conn.query_drop("ROLLBACK").await;
                }
                // DDL committed on its own: drop what this run created.
                if !self.created.is_empty() {
                    let _ = conn.query_drop("SET SESSION foreign_key_checks = 0").await;
                    for statement in self.created.iter().rev() {
                        let _ = conn.query_drop(statement.as_str()).await;
                    }
                }
                let _ = conn.disconnect().await;
            });
        }
    }

    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }
}

/// Writes a table's rows as `LOAD DATA` text: fields separated by tabs,
/// lines by newlines, `\N` for NULL, backslash escapes, binary as hex.
/// As the sink's [`Encoder`] it runs on the generator threads.
struct Infile {
    /// Per column: stored in utf8mb3, which cannot hold 4-byte characters.
    narrow: Vec<bool>,
}

impl Infile {
    fn text(&self, batch: &RecordBatch, out: &mut Vec<u8>) -> u64 {
        let mut replaced = 0;
        let mut text = String::new();
        for row in 0..batch.num_rows() {
            for (i, column) in batch.columns().iter().enumerate() {
                if i > 0 {
                    out.push(b'\t');
                }
                if column.is_null(row) {
                    out.extend_from_slice(b"\\N");
                    continue;
                }
                if let Some(binary) = column.as_any().downcast_ref::<BinaryArray>() {
                    for &b in binary.value(row) {
                        out.extend_from_slice(&[
                            HEX[usize::from(b >> 4)],
                            HEX[usize::from(b & 15)],
                        ]);
                    }
                    continue;
                }
                text.clear();
                cell(column.as_ref(), row, Style::Mysql, &mut text);
                // Most values need no escape and fit the column's charset:
                // copied whole instead of character by character.
                let plain = !text.bytes().any(|b| {
                    matches!(b, b'\\' | b'\t' | b'\n' | b'\r' | 0) || (self.narrow[i] && b >= 0xF0)
                });
                if plain {
                    out.extend_from_slice(text.as_bytes());
                    continue;
                }
                for ch in text.chars() {
                    match ch {
                        '\\' => out.extend_from_slice(b"\\\\"),
                        '\t' => out.extend_from_slice(b"\\t"),
                        '\n' => out.extend_from_slice(b"\\n"),
                        '\r' => out.extend_from_slice(b"\\r"),
                        '\0' => out.extend_from_slice(b"\\0"),
                        c if self.narrow[i] && c.len_utf8() == 4 => {
                            // utf8mb3 stores at most 3 bytes a character.
                            out.extend_from_slice("\u{FFFD}".as_bytes());
                            replaced += 1;
                        }
                        c if c.is_ascii() => out.push(c as u8),
                        c => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
                    }
                }
            }
            out.push(b'\n');
        }
        replaced
    }
}

/// Lower-case hex digits, for binary values read back through `UNHEX`.
const HEX: &[u8; 16] = b"0123456789abcdef";

impl Encoder for Infile {
    fn encode(&self, batch: RecordBatch) -> Result<Chunk, SinkError> {
        let mut bytes = Vec::new();
        let replaced = self.text(&batch, &mut bytes);
        Ok(Chunk::Infile {
            rows: batch.num_rows(),
            bytes,
            replaced,
        })
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
