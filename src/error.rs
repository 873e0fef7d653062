//! The library's error type: one enum per boundary, gathered into [`Error`].
//!
//! Messages are lowercase, carry no trailing period, and name the table,
//! column, constraint or file at fault. They never carry a value read from a
//! source database (see the privacy contract in docs/architecture.md).

use std::path::PathBuf;

/// Result with the library's [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every error the library returns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading a schema or statistics out of a live database failed.
    #[error(transparent)]
    Introspect(#[from] IntrospectError),
    /// A profile file could not be read or written.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The profile and options cannot be turned into a generation plan.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// Writing generated rows to a target failed.
    #[error(transparent)]
    Sink(#[from] SinkError),
}

/// Errors while connecting to and reading a source database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IntrospectError {
    /// The URL's scheme is not one patina can read.
    #[error(
        "unsupported source `{scheme}://`: patina profiles postgres://, mysql:// and sqlite:// sources"
    )]
    UnsupportedScheme {
        /// The scheme found in the URL.
        scheme: String,
    },
    /// The URL could not be parsed.
    #[error("invalid source url: {reason}")]
    InvalidUrl {
        /// What is wrong with it.
        reason: String,
    },
    /// Connecting failed (unreachable server, credentials, missing database).
    #[error("cannot connect to the {engine} source: {source}")]
    Connect {
        /// Engine name.
        engine: &'static str,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// A catalog or statistics query failed.
    #[error("reading {what} from the source failed: {source}")]
    Query {
        /// What was being read (names a table or column where one applies).
        what: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// The source holds no table in the selected schemas.
    #[error("the source has no tables in {schemas}")]
    NoTables {
        /// The schemas that were searched.
        schemas: String,
    },
    /// A constraint's definition could not be understood.
    #[error("table `{table}`: cannot read {what}: {reason}")]
    Unreadable {
        /// Table whose definition is at fault.
        table: String,
        /// What part of it.
        what: String,
        /// Why.
        reason: String,
    },
}

/// Errors while reading or writing a profile file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// The file could not be opened, read or written.
    #[error("profile `{path}`: {source}")]
    Io {
        /// The profile's path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid JSON, or does not follow the format.
    #[error("profile `{path}` is not a valid patina profile: {source}")]
    Parse {
        /// The profile's path.
        path: PathBuf,
        /// What serde found (line and column included).
        #[source]
        source: serde_json::Error,
    },
    /// The file carries a format version this build cannot read.
    #[error(
        "profile `{path}` has format version {found}; this patina reads versions 1 to {supported} \
         (re-run `patina profile` with this version, or use a matching patina)"
    )]
    UnsupportedVersion {
        /// The profile's path.
        path: PathBuf,
        /// Version found in the file.
        found: u64,
        /// Version this build reads.
        supported: u32,
    },
    /// The file parses but contradicts itself (a key naming a missing column, ...).
    #[error("profile `{path}` is inconsistent: {reason}")]
    Invalid {
        /// The profile's path.
        path: PathBuf,
        /// What is inconsistent, naming the table and column.
        reason: String,
    },
}

/// Errors while planning a generation run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The mess config file is wrong.
    #[error("mess config: {0}")]
    MessConfig(String),
    /// `--rows` names a table the profile does not hold.
    #[error("--rows names table `{table}`, which is not in the profile")]
    UnknownTable {
        /// The name given.
        table: String,
    },
    /// `--tables` names a table the profile does not hold.
    #[error("--tables names table `{table}`, which is not in the profile")]
    UnknownChosenTable {
        /// The name given.
        table: String,
    },
    /// A foreign-key cycle has no nullable column to break it.
    #[error(
        "foreign keys form a cycle with no nullable column to break it: {cycle}; \
         make one of these foreign-key columns nullable"
    )]
    Cycle {
        /// The tables of the cycle, in order.
        cycle: String,
    },
    /// A child needs parents but the parent table gets no rows.
    #[error(
        "table `{table}` gets {rows} rows whose foreign key `{foreign_key}` must point into `{parent}`, \
         which gets 0 rows; give it rows with --rows {parent}=N"
    )]
    EmptyParent {
        /// Child table.
        table: String,
        /// Its row count.
        rows: u64,
        /// The foreign key's name or columns.
        foreign_key: String,
        /// Parent table.
        parent: String,
    },
    /// A unique key cannot hold that many distinct values.
    #[error(
        "table `{table}`: {constraint} allows at most {capacity} distinct values, \
         but {rows} rows were asked for; lower the row count with --rows {table}=N"
    )]
    Capacity {
        /// Table.
        table: String,
        /// The key (its name or columns).
        constraint: String,
        /// Distinct values it can hold.
        capacity: u128,
        /// Rows asked for.
        rows: u64,
    },
    /// A CHECK constraint is outside what patina understands.
    #[error(
        "table `{table}`: check constraint `{constraint}` ({expression}) is not one patina can satisfy \
         ({reason}); rows might violate it: pass --ignore-check {table}.{constraint} to generate anyway, \
         or drop the constraint in the target"
    )]
    UnsupportedCheck {
        /// Table.
        table: String,
        /// Constraint name.
        constraint: String,
        /// Its expression.
        expression: String,
        /// What patina could not handle.
        reason: String,
    },
    /// A column's constraints leave no value to generate.
    #[error("table `{table}`, column `{column}`: {reason}")]
    Column {
        /// Table.
        table: String,
        /// Column.
        column: String,
        /// Why no valid value exists.
        reason: String,
    },
    /// An option is malformed.
    #[error("{0}")]
    Option(String),
}

/// Errors while writing to a target (database or files).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SinkError {
    /// The target URL or output options are not usable.
    #[error("invalid target: {0}")]
    InvalidTarget(String),
    /// Connecting to the target failed.
    #[error("cannot connect to the {engine} target: {source}")]
    Connect {
        /// Engine name.
        engine: &'static str,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// A statement against the target failed.
    #[error("{action}: {source}")]
    Database {
        /// What was being done, naming the table.
        action: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// Connecting to a MySQL or MariaDB target failed.
    #[error("cannot connect to the MySQL target: {source}")]
    MySqlConnect {
        /// The driver's error.
        #[source]
        source: mysql_async::Error,
    },
    /// A statement against a MySQL or MariaDB target failed.
    #[error("{action}: {source}")]
    MySql {
        /// What was being done, naming the table.
        action: String,
        /// The driver's error.
        #[source]
        source: mysql_async::Error,
    },
    /// The target already holds rows in tables to fill.
    #[error(
        "table `{table}` in the target already holds rows; pass --truncate to empty the tables \
         patina fills, or --append to add to them"
    )]
    NotEmpty {
        /// The first non-empty table.
        table: String,
    },
    /// A table to fill does not exist in the target.
    #[error("table `{table}` does not exist in the target; pass --create-schema to create it")]
    MissingTable {
        /// Table.
        table: String,
    },
    /// The target is the database the profile was taken from.
    #[error(
        "refusing to write into the database the profile was taken from (fingerprints match); \
         point --target at a staging database"
    )]
    SourceTarget,
    /// A file could not be written.
    #[error("writing `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The Parquet writer failed.
    #[error("writing parquet for table `{table}`: {source}")]
    Parquet {
        /// Table.
        table: String,
        /// The writer's error.
        #[source]
        source: parquet::errors::ParquetError,
    },
    /// A load did not reach the row count it was asked for.
    #[error("table `{table}`: loaded {loaded} rows, expected {expected}")]
    RowCount {
        /// Table.
        table: String,
        /// Rows the target reported.
        loaded: u64,
        /// Rows generated.
        expected: u64,
    },
    /// The run was asked to stop (Ctrl-C, SIGTERM or SIGHUP) before it ended.
    #[error("interrupted before the load ended; nothing of it was kept")]
    Interrupted,
    /// The generation side stopped (it reported its own error first).
    #[error("generation stopped: {0}")]
    Generation(String),
    /// One of `--sessions`' connections could not start, or its thread
    /// ended without saying why.
    #[error("loading session: {0}")]
    Session(String),
    /// A generated value the target's binary form cannot hold.
    #[error("table `{table}`, column `{column}`: {message}")]
    Value {
        /// Table.
        table: String,
        /// Column.
        column: String,
        /// What is wrong with the value.
        message: String,
    },
}
