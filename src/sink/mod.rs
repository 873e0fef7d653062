//! Sinks: where generated chunks go. One [`Sink`] trait; PostgreSQL (COPY),
//! MySQL/MariaDB (multi-row INSERT under max_allowed_packet), SQLite
//! (prepared multi-row INSERT in one transaction), Parquet and CSV.
//!
//! A sink receives a table's chunks in chunk order and tables in load
//! order. Database sinks load everything in one transaction, so a failure
//! leaves the target as it was; file sinks write beside the final name and
//! rename when the whole run succeeded.

pub mod ddl;
mod files;
pub mod fragment;
mod mysql;
mod pgbinary;
mod pgsessions;
mod postgres;
mod session;
mod sqlite;
pub mod text;

use crate::error::SinkError;
use crate::plan::Plan;
use crate::profile::Profile;
use arrow::record_batch::RecordBatch;
use std::path::PathBuf;
use std::sync::Arc;

pub use files::FileFormat;

/// What to do with tables that already hold rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Existing {
    /// Refuse to write (the default).
    #[default]
    Refuse,
    /// Empty them first (in the same transaction).
    Truncate,
    /// Add to them.
    Append,
}

/// Where and how to write.
#[derive(Clone, Debug)]
pub struct WriteOptions {
    /// Create the tables (and types) from the profile first.
    pub create_schema: bool,
    /// What to do with rows already there.
    pub existing: Existing,
    /// With `create_schema` on PostgreSQL or MySQL: create the tables without
    /// their keys and foreign keys and add them after the load.
    pub defer_indexes: bool,
    /// SQLite only: check foreign keys while loading (`PRAGMA foreign_keys`).
    /// `patina verify` turns it off to load files that hold orphans on
    /// purpose (the mess engine's `orphans`) and count them afterwards.
    pub enforce_foreign_keys: bool,
    /// MySQL only: load with multi-row INSERT statements even where the
    /// server allows `LOAD DATA LOCAL INFILE`.
    pub mysql_inserts: bool,
    /// PostgreSQL: COPY text for every table, never binary COPY.
    pub pg_text: bool,
    /// PostgreSQL: connections that load a table's chunks at once (1: the
    /// load's own session only). See [`postgres`] for which tables qualify.
    pub sessions: usize,
}

/// A destination.
#[derive(Clone, Debug)]
pub enum Target {
    /// A database URL (`postgres://…`, `sqlite://…`).
    Database(String),
    /// A directory of files, one per table.
    Files {
        /// The directory.
        dir: PathBuf,
        /// Parquet or CSV.
        format: FileFormat,
    },
}

impl Target {
    /// Whether the target is a database server on this machine: a
    /// PostgreSQL or MySQL/MariaDB URL whose host is a loopback name or
    /// address or a Unix socket (no host, or a `host`/`socket` parameter
    /// that is a path). Its session takes the rows on one of this machine's
    /// cores, which generation then leaves free (see [`Target::default_threads`]).
    pub fn is_local_server(&self) -> bool {
        let Target::Database(text) = self else {
            return false;
        };
        let Ok(url) = url::Url::parse(text) else {
            return false;
        };
        if !matches!(
            url.scheme(),
            "postgres" | "postgresql" | "mysql" | "mariadb"
        ) {
            return false;
        }
        let socket = url
            .query_pairs()
            .any(|(k, v)| (k == "host" || k == "socket") && v.starts_with('/'));
        socket
            || match url.host() {
                None => true,
                // Not a special scheme: the url crate keeps an IPv4 host as a name.
                Some(url::Host::Domain(name)) => {
                    name.is_empty()
                        || name.eq_ignore_ascii_case("localhost")
                        || name
                            .parse::<std::net::IpAddr>()
                            .is_ok_and(|ip| ip.is_loopback())
                }
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            }
    }

    /// Threads to generate with when the user named none, on a machine of
    /// `cores` cores: one fewer than the cores for a database server on this
    /// machine, 0 (rayon's choice: a thread per core, or `RAYON_NUM_THREADS`)
    /// otherwise. A load goes through one session, which one server process
    /// takes in on one core; generation's threads beside it only slowed it
    /// (on 2 cores, lineitem into the local PostgreSQL: 7.0 s with 1 thread,
    /// 8.0 s with 2; into MariaDB, 20.7 s against 22.1 s).
    pub fn default_threads(&self, cores: usize) -> usize {
        if self.is_local_server() {
            cores.saturating_sub(1).max(1)
        } else {
            0
        }
    }
}

/// A chunk on its way to the sink: the batch as generated, or already
/// encoded by the sink's [`Encoder`] on a generator thread.
pub enum Chunk {
    /// The generated batch.
    Batch(RecordBatch),
    /// Bytes the sink sends as they are (COPY text, CSV lines).
    Encoded {
        /// Rows the bytes hold.
        rows: usize,
        /// The encoded rows.
        bytes: Vec<u8>,
    },
    /// MySQL INSERT statements, each under the server's packet limit.
    Statements {
        /// Rows the statements insert.
        rows: usize,
        /// The statements, in order.
        statements: Vec<String>,
        /// Four-byte characters replaced in utf8mb3 columns.
        replaced: u64,
    },
    /// Rows as MySQL's `LOAD DATA` text (tab-separated, `\N` for NULL).
    Infile {
        /// Rows the text holds.
        rows: usize,
        /// The rows, one line each.
        bytes: Vec<u8>,
        /// Four-byte characters replaced in utf8mb3 columns.
        replaced: u64,
    },
    /// One Parquet row group's column chunks, encoded and compressed.
    Parquet {
        /// Rows in the row group.
        rows: usize,
        /// One chunk per leaf column, in schema order.
        columns: Vec<parquet::arrow::arrow_writer::ArrowColumnChunk>,
    },
}

impl Chunk {
    /// Rows in the chunk.
    pub fn rows(&self) -> usize {
        match self {
            Chunk::Batch(batch) => batch.num_rows(),
            Chunk::Encoded { rows, .. }
            | Chunk::Parquet { rows, .. }
            | Chunk::Infile { rows, .. }
            | Chunk::Statements { rows, .. } => *rows,
        }
    }
}

/// How a sink turns a table's batches into what it writes, applied by the
/// generator threads in parallel so that the sink's own thread only writes.
pub trait Encoder: Send + Sync {
    /// Encodes one chunk's batch.
    fn encode(&self, batch: RecordBatch) -> Result<Chunk, SinkError>;
}

/// Byte buffers of encoded chunks, given back by the sink once written and
/// taken again by the encoders: a chunk's bytes (about 16 MB) then land in
/// memory already mapped, where a fresh buffer each time had the kernel
/// zero its pages again (the allocator returns large frees to the system).
#[derive(Debug, Default)]
pub struct Buffers(std::sync::Mutex<Vec<Vec<u8>>>);

impl Buffers {
    /// At most this many buffers wait to be taken again; more chunks than
    /// that are never in flight at once (the pipeline's window and a
    /// sink's queue), so the rest are freed.
    const KEPT: usize = 16;

    /// An empty buffer, with the capacity of a spent one when there is one.
    pub fn take(&self) -> Vec<u8> {
        let mut spare = self.0.lock().unwrap_or_else(|e| e.into_inner());
        spare.pop().unwrap_or_default()
    }

    /// A buffer whose bytes were written.
    pub fn give(&self, mut buffer: Vec<u8>) {
        buffer.clear();
        let mut spare = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if spare.len() < Self::KEPT && buffer.capacity() > 0 {
            spare.push(buffer);
        }
    }
}

/// An [`Encoder`] that is a plain function from a batch to bytes, written
/// into buffers its sink gives back to `buffers`.
pub struct TextEncoder {
    /// Appends the batch's rows.
    pub write: fn(&RecordBatch, &mut Vec<u8>),
    /// Where the buffers come from.
    pub buffers: Arc<Buffers>,
}

impl Encoder for TextEncoder {
    fn encode(&self, batch: RecordBatch) -> Result<Chunk, SinkError> {
        let mut bytes = self.buffers.take();
        (self.write)(&batch, &mut bytes);
        Ok(Chunk::Encoded {
            rows: batch.num_rows(),
            bytes,
        })
    }
}

/// Receives a run's chunks.
pub trait Sink {
    /// Whether deferred foreign keys are written as NULL and filled in a later pass.
    fn loads_in_order(&self) -> bool;
    /// The encoder for table `t`'s chunks, if the sink has one; asked after
    /// [`Sink::begin_table`]. Without one, chunks arrive as [`Chunk::Batch`].
    fn encoder(&self, _plan: &Plan, _t: usize) -> Option<Arc<dyn Encoder>> {
        None
    }
    /// Prepares the target (schema, emptiness checks, truncation).
    fn begin(&mut self, plan: &Plan) -> Result<(), SinkError>;
    /// A table's chunks follow.
    fn begin_table(&mut self, plan: &Plan, t: usize) -> Result<(), SinkError>;
    /// One chunk, in order.
    fn write_chunk(&mut self, plan: &Plan, t: usize, chunk: Chunk) -> Result<(), SinkError>;
    /// The table is complete: returns the rows the target reports.
    fn end_table(&mut self, plan: &Plan, t: usize) -> Result<u64, SinkError>;
    /// Fills deferred foreign-key columns for rows found by their key columns.
    fn fill_deferred(
        &mut self,
        plan: &Plan,
        t: usize,
        key_columns: &[usize],
        deferred_columns: &[usize],
        batch: &RecordBatch,
    ) -> Result<(), SinkError>;
    /// Everything was written: make it visible (commit, rename, set sequences).
    fn finish(&mut self, plan: &Plan) -> Result<(), SinkError>;
    /// Something failed: leave the target as it was.
    fn abort(&mut self);
    /// What could not be carried over (names objects, never values).
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Opens the sink for a target.
pub fn open(
    target: &Target,
    profile: &Profile,
    options: &WriteOptions,
) -> Result<Box<dyn Sink>, SinkError> {
    let server = matches!(target, Target::Database(url) if !url.starts_with("sqlite:"));
    if options.defer_indexes && !(server && options.create_schema) {
        return Err(SinkError::InvalidTarget(
            "--defer-indexes applies to a PostgreSQL or MySQL target with --create-schema: patina \
             adds back only keys it created itself, and SQLite and files have none to defer"
                .into(),
        ));
    }
    let postgres = matches!(target, Target::Database(url)
        if url.starts_with("postgres:") || url.starts_with("postgresql:"));
    if options.sessions > 1 && !postgres {
        return Err(SinkError::InvalidTarget(
            "--sessions applies to a PostgreSQL target: MySQL and SQLite load through one \
             session, and files are written by the generator threads (see --threads)"
                .into(),
        ));
    }
    if options.sessions > 1 && options.existing == Existing::Truncate {
        return Err(SinkError::InvalidTarget(
            "--sessions cannot be combined with --truncate: the other sessions could not write \
             into tables the load's transaction is emptying until it commits; empty them first, \
             or load through one session"
                .into(),
        ));
    }
    match target {
        Target::Files { dir, format } => Ok(Box::new(files::FileSink::new(
            dir.clone(),
            *format,
            options,
        )?)),
        Target::Database(url) => {
            let scheme = url.split_once(':').map_or("", |(s, _)| s);
            match scheme {
                "postgres" | "postgresql" => {
                    Ok(Box::new(postgres::PgSink::connect(url, profile, options)?))
                }
                "sqlite" => Ok(Box::new(sqlite::SqliteSink::open(url, profile, options)?)),
                "mysql" | "mariadb" => {
                    Ok(Box::new(mysql::MySqlSink::connect(url, profile, options)?))
                }
                other => Err(SinkError::InvalidTarget(format!(
                    "unsupported target scheme `{other}`: use postgres://…, mysql://…, sqlite://… or --out DIR"
                ))),
            }
        }
    }
}

/// The file `generate --out` writes for table `t`.
pub fn file_name(plan: &Plan, t: usize, format: FileFormat) -> String {
    files::FileSink::file_name(plan, t, format)
}

/// A tokio runtime for a database sink's blocking calls.
fn runtime() -> Result<tokio::runtime::Runtime, SinkError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| SinkError::InvalidTarget(format!("cannot start the async runtime: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database(url: &str) -> Target {
        Target::Database(url.to_owned())
    }

    #[test]
    fn a_server_on_a_loopback_host_or_a_socket_is_local() {
        for url in [
            "postgres://postgres@127.0.0.1:5432/test",
            "postgresql://localhost/test",
            "postgres://u@[::1]:5432/db",
            "postgres:///test",
            "postgres:///db?host=/var/run/postgresql&user=u",
            "mysql://root@127.0.0.1:3306/test",
            "mariadb://root@LOCALHOST/test",
            "mysql://root@db.example/test?socket=/run/mysqld/mysqld.sock",
        ] {
            assert!(database(url).is_local_server(), "{url}");
            assert_eq!(database(url).default_threads(2), 1, "{url}");
            assert_eq!(database(url).default_threads(8), 7, "{url}");
            assert_eq!(database(url).default_threads(1), 1, "{url}");
        }
        for target in [
            database("postgres://postgres@db.example:5432/test"),
            database("mysql://root@10.0.0.7/test"),
            database("sqlite:///tmp/staging.db"),
            database("not a url"),
            Target::Files {
                dir: PathBuf::from("out"),
                format: FileFormat::Parquet,
            },
        ] {
            assert!(!target.is_local_server(), "{target:?}");
            assert_eq!(target.default_threads(2), 0, "{target:?}");
        }
    }
}
