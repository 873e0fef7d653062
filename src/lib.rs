//! patina reads a production database once, keeps only the statistical shape
//! of its data, and from that profile fills staging databases and
//! Parquet/CSV fixtures, in parallel and deterministically.
//!
//! The pipeline, module by module (each drawn as if it were a crate):
//!
//! ```text
//! introspect  live database ──► schema + statistics ──► profile (JSON file)
//! plan        profile + options ──► row counts, load order, chunk ranges, a rule per column
//! synth       plan + (table, column, purpose, row index) ──► value;  chunk ──► Arrow RecordBatch
//! pipeline    chunks (of a --shard) in parallel (rayon), each encoded by its sink's Encoder on
//!             the same thread, written in chunk order through a bounded channel
//! sink        RecordBatch ──► PostgreSQL COPY | MySQL multi-row INSERT | SQLite prepared INSERT
//!             | Parquet row groups | CSV
//! ```
//!
//! The central rule: every generated value is a pure function of (seed,
//! table, column, purpose, row index). Threads decide only which chunks run
//! at once, so `--threads 1` and `--threads 8` write the same bytes.
//!
//! `schema`, `profile`, `plan` and `synth` never touch a database, a file
//! format crate or a terminal; `introspect` and `sink` hold the drivers;
//! only `cli` knows about a terminal.

pub mod cli;
pub mod error;
pub mod introspect;
pub mod pipeline;
pub mod plan;
pub mod profile;
pub mod schema;
pub mod sink;
pub mod synth;
pub mod value;
pub mod verify;

pub use error::{Error, Result};

/// This build's version, recorded in profiles and output metadata.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
