//! patina's integration tests: one binary (ripgrep's layout), one module per
//! concern. Tests run the real `patina` binary against real PostgreSQL
//! servers and SQLite files; nothing is mocked.
//!
//! PostgreSQL: set PATINA_TEST_POSTGRES_URL to an account that may CREATE
//! DATABASE (default postgres://postgres@127.0.0.1:5432/postgres); MySQL or
//! MariaDB: PATINA_TEST_MYSQL_URL (default mysql://root@127.0.0.1:3306/test).
//! Every test creates its own uniquely named database and drops it. Without a
//! server those tests fail and say how to point them at one; they never skip.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

/// Running the binary against bad input: one clear line, no panic, nothing written.
mod bad_input;
/// The same profile and seed give the same bytes whatever --threads.
mod determinism;
/// Generated data has the profile's shape; `patina verify` measures it.
mod fidelity;
/// A signal during a load stops it and leaves the target as it was.
mod interrupt;
/// The mess engine: hostile loads everywhere, the manifest, overrides.
mod mess;
/// MySQL and MariaDB end to end, and across engines.
mod mysql;
/// PostgreSQL end to end, and PostgreSQL <-> SQLite.
mod postgres;
/// No production value reaches the profile or the terminal.
mod privacy;
/// The shipped profile, the quick start, and the format's round trip.
mod profile_format;
/// The profiler's statistics against known shapes.
mod profiler;
/// Schemas a review found mishandled.
mod regressions;
/// SQLite end to end.
mod sqlite;
/// Helpers: the binary, temporary databases and directories.
mod util;
