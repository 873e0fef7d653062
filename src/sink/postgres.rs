//! PostgreSQL: everything in one transaction, rows through `COPY … FROM STDIN`.
//!
//! With `--sessions N` (N > 1) a table the target checks nothing across rows
//! of during the load (no primary, unique, exclusion or foreign key, no user
//! trigger, no cycle-breaking foreign key patina fills in afterwards) has its
//! chunks loaded by N more connections ([`pgsessions`]), each in its own
//! transaction. The others still load through the load's session, where keys
//! and foreign keys see the rows before them. The extra sessions cannot see
//! what that session has not committed, so `--create-schema`'s DDL is
//! committed before the rows (and dropped again if the load fails), and the
//! extra sessions commit before the load's session adds `--defer-indexes`'
//! keys, sets sequences and commits. A failure before the extra sessions
//! commit rolls everything back, as with one session; one after it (a
//! deferred key refused, which patina's own keys do not make) is undone by
//! dropping the created tables, or emptying tables that were empty, except
//! with `--append`, which keeps the rows added.

use super::ddl::{Dialect, qualified, quote};
use super::pgbinary::{self, BinaryEncoder};
use super::pgsessions::Sessions;
use super::session::{self, Session, db_err};
use super::text::{Style, copy_escape, delimited};
use super::{Buffers, Chunk, Encoder, Existing, Sink, TextEncoder, WriteOptions, runtime};
use crate::error::SinkError;
use crate::plan::Plan;
use crate::profile::Profile;
use crate::schema::Identity;
use arrow::record_batch::RecordBatch;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor, PgConnection};
use std::str::FromStr;
use std::sync::Arc;

/// Loads into PostgreSQL.
pub struct PgSink {
    runtime: tokio::runtime::Runtime,
    conn: Option<PgConnection>,
    source: crate::profile::Engine,
    options: WriteOptions,
    loaded: u64,
    buffer: Vec<u8>,
    warnings: Vec<String>,
    in_transaction: bool,
    /// Keys and foreign keys `--defer-indexes` adds after the load.
    after_load: Vec<super::ddl::AfterLoad>,
    /// The current table's binary COPY encoder, when every written column
    /// of it has a type binary COPY can send (see [`pgbinary`]).
    binary: Option<Arc<BinaryEncoder>>,
    /// The current table's COPY statement, binary or text as `binary` says.
    statement: String,
    /// The encoders' buffers, given back once their COPY is done.
    buffers: Arc<Buffers>,
    /// `--sessions`' extra connections, when there are any.
    sessions: Option<Sessions>,
    /// Whether the current table's chunks go to `sessions`.
    spread: bool,
    /// The tables whose rows `sessions` wrote, qualified.
    spread_tables: Vec<String>,
    /// What drops the objects `--create-schema` committed before the rows
    /// (with `sessions` only; otherwise the DDL is in the load's transaction).
    undo: Vec<String>,
}

impl PgSink {
    /// Connects and checks the target is not the profile's source.
    pub fn connect(
        url: &str,
        profile: &Profile,
        options: &WriteOptions,
    ) -> Result<Self, SinkError> {
        let runtime = runtime()?;
        let connect_options = PgConnectOptions::from_str(url)
            .map_err(|e| SinkError::InvalidTarget(e.to_string()))?
            .application_name("patina generate");
        let mut conn = runtime
            .block_on(connect_options.connect())
            .map_err(|source| SinkError::Connect {
                engine: "PostgreSQL",
                source,
            })?;
        let fingerprint = runtime
            .block_on(crate::introspect::pg_fingerprint(&mut conn))
            .map_err(db_err("reading the target's identity"))?;
        if fingerprint == profile.source.fingerprint {
            return Err(SinkError::SourceTarget);
        }
        let buffers = Arc::new(Buffers::default());
        let sessions = match options.sessions {
            0 | 1 => None,
            n => Some(Sessions::open(&connect_options, n, buffers.clone())?),
        };
        Ok(Self {
            runtime,
            conn: Some(conn),
            source: profile.source.engine,
            options: options.clone(),
            loaded: 0,
            buffer: Vec::with_capacity(1 << 20),
            warnings: Vec::new(),
            in_transaction: false,
            after_load: Vec::new(),
            binary: None,
            statement: String::new(),
            buffers,
            sessions,
            spread: false,
            spread_tables: Vec::new(),
            undo: Vec::new(),
        })
    }

    /// Why table `t` must load through the load's session, or `None` when
    /// it may load over several: nothing in the target checks its rows
    /// against rows another session has not committed, and nothing patina
    /// does after its rows needs to see them (see the module's comment).
    fn keeps_in_one_session(
        &mut self,
        plan: &Plan,
        t: usize,
    ) -> Result<Option<&'static str>, SinkError> {
        if plan.tables[t].foreign_keys.iter().any(|f| f.deferred) {
            return Ok(Some(
                "patina fills its cycle-breaking foreign key in by key after the rows",
            ));
        }
        let name = &plan.schema.tables[t].name;
        let relation = format!(
            "{}::regclass",
            sql_literal(&qualified(name, Dialect::Postgres))
        );
        let sql = format!(
            "WITH parts AS (SELECT {relation} AS relid UNION SELECT relid FROM pg_partition_tree({relation})) \
             SELECT (EXISTS (SELECT 1 FROM pg_index WHERE indisunique AND indrelid IN (SELECT relid FROM parts)) \
             OR EXISTS (SELECT 1 FROM pg_constraint WHERE contype IN ('f', 'x') \
                        AND (conrelid IN (SELECT relid FROM parts) OR confrelid IN (SELECT relid FROM parts))) \
             OR EXISTS (SELECT 1 FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN (SELECT relid FROM parts)))::int::int8"
        );
        let checked = session::Session::scalar_i64(
            self,
            &sql,
            format!("reading what the target checks on `{name}`"),
        )?;
        Ok((checked != 0).then_some(
            "the target checks its keys, foreign keys or triggers across rows during the load \
             (--create-schema --defer-indexes adds keys after it)",
        ))
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

    fn copy(&mut self, statement: &str, action: &str) -> Result<u64, SinkError> {
        let data = std::mem::take(&mut self.buffer);
        let conn = self
            .conn
            .as_mut()
            .expect("the connection lives until finish or abort");
        let result = self.runtime.block_on(async {
            let mut copy = conn.copy_in_raw(statement).await?;
            copy.send(data.as_slice()).await?;
            copy.finish().await
        });
        self.buffer = data;
        self.buffer.clear();
        result.map_err(db_err(action))
    }

    /// The binary COPY encoder of table `t`'s written columns, or `None`
    /// when one of them has a type binary COPY cannot send, or is stored in
    /// a column of another type than the one patina generates for it (a
    /// target schema patina did not create may differ from the profile).
    fn binary_encoder(
        &mut self,
        plan: &Plan,
        t: usize,
    ) -> Result<Option<BinaryEncoder>, SinkError> {
        let table = &plan.schema.tables[t];
        // Each column's type, or a domain's base type, and its kind.
        let sql = format!(
            "SELECT a.attname::text, coalesce(b.typname, y.typname)::text, \
             coalesce(b.typtype, y.typtype)::text \
             FROM pg_attribute a JOIN pg_type y ON y.oid = a.atttypid \
             LEFT JOIN pg_type b ON y.typtype = 'd' AND b.oid = y.typbasetype \
             WHERE a.attrelid = {}::regclass AND a.attnum > 0 AND NOT a.attisdropped",
            sql_literal(&qualified(&table.name, Dialect::Postgres))
        );
        let conn = self
            .conn
            .as_mut()
            .expect("the connection lives until finish or abort");
        let types: Vec<(String, String, String)> = self
            .runtime
            .block_on(sqlx::query_as(&sql).fetch_all(conn))
            .map_err(db_err(format!(
                "reading the column types of `{}`",
                table.name
            )))?;
        let fields = plan.tables[t]
            .written_columns()
            .into_iter()
            .map(|c| {
                let column = &table.columns[c];
                let (_, name, kind) = types.iter().find(|(n, ..)| *n == column.name)?;
                let field = pgbinary::field(&column.logical_type, name, kind)?;
                Some((column.name.clone(), field))
            })
            .collect::<Option<Vec<_>>>();
        Ok(fields.map(|fields| BinaryEncoder {
            table: table.name.to_string(),
            fields,
            buffers: self.buffers.clone(),
        }))
    }
}

/// Encodes a batch as COPY text rows (tab-separated, NULL as `\N`).
fn encode(batch: &RecordBatch, out: &mut Vec<u8>) {
    delimited(batch, Style::Postgres, b'\t', b"\\N", copy_escape, out);
}

fn column_list(plan: &Plan, t: usize, columns: &[usize]) -> String {
    let table = &plan.schema.tables[t];
    columns
        .iter()
        .map(|&c| quote(&table.columns[c].name))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Sink for PgSink {
    fn loads_in_order(&self) -> bool {
        true
    }

    fn encoder(&self, _plan: &Plan, _t: usize) -> Option<Arc<dyn Encoder>> {
        match &self.binary {
            Some(binary) => Some(binary.clone()),
            None => Some(Arc::new(TextEncoder {
                write: encode,
                buffers: self.buffers.clone(),
            })),
        }
    }

    fn begin(&mut self, plan: &Plan) -> Result<(), SinkError> {
        self.execute("BEGIN", "starting the load transaction")?;
        self.in_transaction = true;
        if self.options.create_schema {
            let source = self.source;
            let defer = self.options.defer_indexes;
            let mut undo = Vec::new();
            let created = session::create_schema(self, plan, source, defer, &mut undo)?;
            self.warnings = created.warnings;
            self.after_load = created.after_load;
            if self.sessions.is_some() {
                // The other sessions see only committed tables; abort() drops them again.
                self.execute("COMMIT", "committing the schema for the other sessions")?;
                self.undo = undo;
                self.execute("BEGIN", "starting the load transaction")?;
            }
            return Ok(());
        }
        let existing = self.options.existing;
        let non_empty = session::check_existing(self, plan, existing)?;
        if self.options.existing == Existing::Truncate && !non_empty.is_empty() {
            session::empty_tables(self, plan)?;
        }
        Ok(())
    }

    fn begin_table(&mut self, plan: &Plan, t: usize) -> Result<(), SinkError> {
        self.loaded = 0;
        self.binary = None;
        if !self.options.pg_text {
            self.binary = self.binary_encoder(plan, t)?.map(Arc::new);
        }
        self.spread = false;
        if self.sessions.is_some() && plan.tables[t].shard_rows(plan.shard) > 0 {
            match self.keeps_in_one_session(plan, t)? {
                None => {
                    self.spread = true;
                    self.spread_tables
                        .push(qualified(&plan.schema.tables[t].name, Dialect::Postgres));
                }
                Some(why) => self.warnings.push(format!(
                    "{}: loaded through one session, not --sessions: {why}",
                    plan.schema.tables[t].name
                )),
            }
        }
        self.statement = format!(
            "COPY {} ({}) FROM STDIN{}",
            qualified(&plan.schema.tables[t].name, Dialect::Postgres),
            column_list(plan, t, &plan.tables[t].written_columns()),
            if self.binary.is_some() {
                " (FORMAT binary)"
            } else {
                ""
            }
        );
        Ok(())
    }

    fn write_chunk(&mut self, plan: &Plan, t: usize, chunk: Chunk) -> Result<(), SinkError> {
        match chunk {
            Chunk::Encoded { bytes, .. } => {
                let spent = std::mem::replace(&mut self.buffer, bytes);
                self.buffers.give(spent);
            }
            Chunk::Batch(batch) => match &self.binary {
                Some(binary) => binary.encode_into(&batch, &mut self.buffer)?,
                None => encode(&batch, &mut self.buffer),
            },
            Chunk::Parquet { .. } | Chunk::Statements { .. } | Chunk::Infile { .. } => {
                unreachable!("PostgreSQL's encoders make COPY data")
            }
        }
        let action = format!("loading table `{}`", plan.tables[t].name);
        if self.spread
            && let Some(sessions) = self.sessions.as_mut()
        {
            let bytes = std::mem::take(&mut self.buffer);
            return sessions.copy(
                &Arc::from(self.statement.as_str()),
                &Arc::from(action),
                bytes,
            );
        }
        let statement = std::mem::take(&mut self.statement);
        let result = self.copy(&statement, &action);
        self.statement = statement;
        let rows = result?;
        self.loaded += rows;
        Ok(())
    }

    fn end_table(&mut self, _plan: &Plan, _t: usize) -> Result<u64, SinkError> {
        if self.spread
            && let Some(sessions) = self.sessions.as_mut()
        {
            self.loaded += sessions.drain()?;
        }
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
        let name = qualified(&plan.schema.tables[t].name, Dialect::Postgres);
        let label = plan.schema.tables[t].name.to_string();
        let all: Vec<usize> = key_columns
            .iter()
            .chain(deferred_columns)
            .copied()
            .collect();
        let columns = column_list(plan, t, &all);
        self.execute(
            &format!("CREATE TEMP TABLE patina_fill ON COMMIT DROP AS SELECT {columns} FROM {name} WITH NO DATA"),
            format!("preparing the deferred foreign keys of `{label}`"),
        )?;
        let mut buffer = std::mem::take(&mut self.buffer);
        encode(batch, &mut buffer);
        self.buffer = buffer;
        self.copy(
            &format!("COPY patina_fill ({columns}) FROM STDIN"),
            &format!("loading deferred keys of `{label}`"),
        )?;
        let table = &plan.schema.tables[t];
        let set: Vec<String> = deferred_columns
            .iter()
            .map(|&c| format!("{0} = f.{0}", quote(&table.columns[c].name)))
            .collect();
        let on: Vec<String> = key_columns
            .iter()
            .map(|&c| format!("t.{0} = f.{0}", quote(&table.columns[c].name)))
            .collect();
        self.execute(
            &format!(
                "UPDATE {name} AS t SET {} FROM patina_fill AS f WHERE {}",
                set.join(", "),
                on.join(" AND ")
            ),
            format!("filling the deferred foreign keys of `{label}`"),
        )?;
        self.execute("DROP TABLE patina_fill", "dropping the fill table")
    }

    fn finish(&mut self, plan: &Plan) -> Result<(), SinkError> {
        if let Some(sessions) = self.sessions.as_mut() {
            // Their rows must be visible, and their locks gone, before keys are added.
            sessions.commit()?;
        }
        let after_load = std::mem::take(&mut self.after_load);
        session::add_deferred_keys(self, &after_load)?;
        // Sequences past the loaded data, so the application can insert afterwards.
        for (t, table) in plan.schema.tables.iter().enumerate() {
            if !plan.writes(t) {
                continue;
            }
            for (c, column) in table.columns.iter().enumerate() {
                let numbered_here = match column.identity {
                    Some(Identity::Always | Identity::ByDefault | Identity::Serial) => true,
                    // Created from another engine's autoincrement as an identity column.
                    Some(Identity::AutoIncrement) => self.options.create_schema,
                    None => false,
                };
                if !numbered_here {
                    continue;
                }
                if plan.tables[t].rows == 0 || !plan.tables[t].columns[c].written {
                    continue;
                }
                let name = qualified(&table.name, Dialect::Postgres);
                let sql = format!(
                    "SELECT setval(s, GREATEST((SELECT max({col}) FROM {name}), 1)) FROM pg_get_serial_sequence({lit}, {collit}) AS s WHERE s IS NOT NULL",
                    col = quote(&column.name),
                    lit = sql_literal(&name),
                    collit = sql_literal(&column.name),
                );
                self.execute(
                    &sql,
                    format!("setting the sequence of `{}.{}`", table.name, column.name),
                )?;
            }
        }
        self.execute("COMMIT", "committing the load")?;
        self.in_transaction = false;
        if let Some(conn) = self.conn.take() {
            let _ = self.runtime.block_on(conn.close());
        }
        Ok(())
    }

    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    fn abort(&mut self) {
        // The other sessions first: what they did not commit rolls back, and
        // their locks go before anything here is dropped or emptied.
        let committed = self.sessions.take().is_some_and(|mut sessions| {
            sessions.close();
            sessions.any_committed()
        });
        if let Some(mut conn) = self.conn.take() {
            if self.in_transaction {
                let _ = self.runtime.block_on(conn.execute("ROLLBACK"));
            }
            // Committed before the rows: drop it again, the rows with it.
            for statement in self.undo.iter().rev() {
                let _ = self.runtime.block_on(conn.execute(statement.as_str()));
            }
            if committed && self.undo.is_empty() && self.options.existing == Existing::Refuse {
                // The tables were empty when the load began.
                for table in &self.spread_tables {
                    let _ = self
                        .runtime
                        .block_on(conn.execute(format!("TRUNCATE {table}").as_str()));
                }
            }
            let _ = self.runtime.block_on(conn.close());
        }
    }
}

impl Session for PgSink {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&mut self, sql: &str, action: String) -> Result<u64, SinkError> {
        PgSink::execute(self, sql, action).map(|()| 0)
    }

    fn scalar_i64(&mut self, sql: &str, action: String) -> Result<i64, SinkError> {
        let conn = self
            .conn
            .as_mut()
            .expect("the connection lives until finish or abort");
        self.runtime
            .block_on(sqlx::query_scalar(sql).fetch_one(conn))
            .map_err(db_err(action))
    }
}

fn sql_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}
