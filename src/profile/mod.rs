//! The profile: a versioned, canonical JSON description of a database's
//! schema and the statistical shape of its data, not its rows.
//!
//! A profile is written once by `patina profile` and read by every other
//! command. Its format is documented in docs/profile-format.md with a JSON
//! Schema in docs/profile.schema.json; [`FORMAT_VERSION`] is bumped on any
//! change that an older reader would misread.
//!
//! Privacy: statistics are counts, fractions, lengths and coarsened bounds
//! (min, max and histogram tails to two significant digits or the month).
//! Values of rows appear only in `most_common`, under the rule applied in
//! `introspect::analyze`: shared by at least k sampled rows, in a column that
//! is not a key, not unique-ish and not of an identifying class (unless a
//! person allowed the column by name; k still applies).

mod io;
pub mod stats;

pub use io::{from_json, read, to_canonical_json, write};
pub use stats::{ColumnStats, LengthStats, StatValue, TableStats};

use crate::schema::{QualifiedName, Schema};
use serde::{Deserialize, Serialize};

/// The profile format version this build writes. Older files are read
/// too: every field versions 2 (sample statistics), 3 (rank correlations),
/// 4 (more observed mess) and 5 (e-mails made from names) added is optional.
pub const FORMAT_VERSION: u32 = 5;
/// The oldest format version this build reads.
pub const OLDEST_FORMAT_VERSION: u32 = 1;

/// A whole profile file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Always [`FORMAT_VERSION`] for a profile this build wrote.
    pub format_version: u32,
    /// The patina version that wrote the profile.
    pub patina_version: String,
    /// Where and how the profile was captured (never a host name or credential).
    pub source: SourceInfo,
    /// The schema.
    pub schema: Schema,
    /// Statistics per table, in the same order as `schema.tables`.
    pub tables: Vec<TableStats>,
}

impl Profile {
    /// The statistics of a table.
    pub fn stats(&self, table: &QualifiedName) -> Option<&TableStats> {
        self.tables.iter().find(|t| &t.table == table)
    }
}

/// Facts about the capture.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceInfo {
    /// The source engine.
    pub engine: Engine,
    /// The server's version string (`15.4`, `3.45.1`).
    pub server_version: String,
    /// When the profile was taken, UTC, RFC 3339.
    pub captured_at: String,
    /// A one-way fingerprint of the source database, used by `generate` to
    /// refuse writing into it. Not reversible to a host or database name.
    pub fingerprint: String,
    /// The schemas that were read (empty for SQLite).
    #[serde(default)]
    pub schemas: Vec<String>,
    /// Rows read per table at most to compute statistics.
    pub sample_rows: u64,
}

/// A database engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
    /// MySQL or MariaDB.
    Mysql,
}

impl Engine {
    /// The engine's name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Postgres => "PostgreSQL",
            Engine::Sqlite => "SQLite",
            Engine::Mysql => "MySQL",
        }
    }
}
