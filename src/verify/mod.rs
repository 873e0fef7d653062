//! Verification: re-profile what a run produced and score it against the
//! profile it was made from.
//!
//! A database target is profiled as any source is (with every value kept,
//! since it is synthetic) and queried for constraint violations. A directory
//! of Parquet or CSV files is first loaded into a scratch SQLite database
//! with the profile's schema, keys and foreign keys enforced, then treated
//! the same way. The distances are computed by [`score`], without I/O.

mod checks;
mod files;
pub mod mess;
pub mod score;

use crate::error::{IntrospectError, PlanError, SinkError};
use crate::introspect::{self, Observer, Privacy};
use crate::profile::Profile;
use score::{ColumnScore, FanOutScore, OrderScore, RowScore};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;

/// What to verify.
#[derive(Clone, Debug)]
pub enum Target {
    /// A database patina filled (`postgres://…`, `mysql://…`, `sqlite://…`).
    Database(String),
    /// A directory of one `.parquet` or `.csv` file per table.
    Files(PathBuf),
}

impl Target {
    /// A URL with a scheme is a database; anything else a directory.
    pub fn parse(text: &str) -> Self {
        if text.contains("://") {
            Target::Database(text.to_owned())
        } else {
            Target::Files(PathBuf::from(text))
        }
    }
}

/// How to verify.
#[derive(Clone, Debug)]
pub struct Options {
    /// Rows per table the statistics are computed from.
    pub sample_rows: u64,
    /// Longest a single statement may run.
    pub statement_timeout: Duration,
    /// CHECK constraints to leave out when reading files back (as `generate --ignore-check`).
    pub ignore_checks: Vec<String>,
    /// The manifest of the run (`generate --manifest`): its mess is looked for in the target,
    /// and its orphans are expected foreign-key violations.
    pub manifest: Option<mess::Manifest>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            sample_rows: 100_000,
            statement_timeout: Duration::from_secs(300),
            ignore_checks: Vec::new(),
            manifest: None,
        }
    }
}

/// Rows that break a constraint the profile declares.
#[derive(Clone, Debug, Serialize)]
pub struct Violation {
    /// The table.
    pub table: String,
    /// What was checked: `not null`, a key's label (its constraint name, or
    /// its columns), `foreign key` and its label, or `check` and its name.
    pub constraint: String,
    /// Rows (or, for keys, duplicated values) at fault.
    pub rows: i64,
}

/// Everything verify found.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// 1 - the mean distance over scored columns and foreign keys, in [0, 1].
    pub score: f64,
    /// Row counts per table.
    pub rows: Vec<RowScore>,
    /// Column distances, worst first.
    pub columns: Vec<ColumnScore>,
    /// Fan-out distances, worst first.
    pub foreign_keys: Vec<FanOutScore>,
    /// Time orderings within rows.
    pub time_orders: Vec<OrderScore>,
    /// Constraint violations (a correct run has none).
    pub violations: Vec<Violation>,
    /// Constraints that could not be checked, and why.
    pub unchecked: Vec<String>,
    /// Foreign-key violations the manifest's `orphans` account for, row for row.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expected_violations: Vec<Violation>,
    /// With a manifest: each kind of mess, injected against observed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mess: Vec<mess::MessCheck>,
}

impl Report {
    /// Rows at fault over every constraint.
    pub fn violation_count(&self) -> i64 {
        self.violations.iter().map(|v| v.rows).sum()
    }
}

/// Errors while verifying.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// Profiling the target failed.
    #[error(transparent)]
    Introspect(#[from] IntrospectError),
    /// The profile cannot be planned (needed to read files back).
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// Loading files into the scratch database failed.
    #[error("loading the files into a scratch SQLite database failed: {0}")]
    Load(#[source] SinkError),
    /// A file could not be read.
    #[error("cannot read {path}: {reason}")]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A constraint query failed.
    #[error("checking {what} failed: {source}")]
    Query {
        /// What was being checked (names the table).
        what: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
}

/// Verifies `target` against `profile`.
pub fn verify(
    profile: &Profile,
    target: &Target,
    options: &Options,
    observer: &dyn Observer,
) -> Result<Report, VerifyError> {
    match target {
        Target::Database(url) => verify_database(profile, url, options, false, observer),
        Target::Files(dir) => {
            let scratch = tempfile::tempdir().map_err(|e| VerifyError::File {
                path: std::env::temp_dir(),
                reason: format!("cannot make a scratch directory: {e}"),
            })?;
            let url = format!("sqlite://{}", scratch.path().join("verify.db").display());
            let csv = files::load(profile, dir, &url, &options.ignore_checks)?;
            verify_database(profile, &url, options, csv, observer)
        }
    }
}

/// `csv`: the target was loaded from CSV files (an empty string in a
/// nullable column read back as NULL).
fn verify_database(
    profile: &Profile,
    url: &str,
    options: &Options,
    csv: bool,
    observer: &dyn Observer,
) -> Result<Report, VerifyError> {
    let introspect_options = introspect::Options {
        schemas: profile.source.schemas.clone(),
        sample_rows: options.sample_rows,
        statement_timeout: options.statement_timeout,
        // The target holds generated values only: keep every one, so
        // categories can be compared value by value.
        privacy: Privacy {
            min_count: 1,
            allowed: Vec::new(),
            verbatim: true,
        },
        time_budget: None,
    };
    let mut introspect_options = introspect_options;
    // The source's schema names mean the same in the target only when both are PostgreSQL.
    if !url.starts_with("postgres") || profile.source.engine != crate::profile::Engine::Postgres {
        introspect_options.schemas.clear();
    }
    let found = introspect::profile(url, &introspect_options, observer)?;
    let (rows, mut columns, mut foreign_keys, time_orders) = score::compare(profile, &found);
    let (mut violations, unchecked) = checks::run(profile, url)?;
    let mut expected_violations = Vec::new();
    let mut mess_checks = Vec::new();
    if let Some(manifest) = &options.manifest {
        mess_checks = mess::check(manifest, profile, &found, csv);
        // The manifest's orphans break their foreign key on purpose.
        violations.retain(|v| {
            let bare = |t: &str| t.rsplit('.').next().unwrap_or(t).to_owned();
            let orphans = manifest.injected.iter().any(|i| {
                i.class == crate::plan::mess::Class::Orphans
                    && bare(&i.table) == bare(&v.table)
                    && i.foreign_key
                        .as_ref()
                        .is_some_and(|f| v.constraint == format!("foreign key {f}"))
                    && i.count == v.rows as u64
            });
            if orphans {
                expected_violations.push(v.clone());
            }
            !orphans
        });
    }
    let distances: Vec<f64> = columns
        .iter()
        .map(|c| c.distance)
        .chain(foreign_keys.iter().map(|f| f.distance))
        .collect();
    let score = if distances.is_empty() {
        1.0
    } else {
        1.0 - distances.iter().sum::<f64>() / distances.len() as f64
    };
    columns.sort_by(|a, b| b.distance.total_cmp(&a.distance));
    foreign_keys.sort_by(|a, b| b.distance.total_cmp(&a.distance));
    Ok(Report {
        score: (score * 10_000.0).round() / 10_000.0,
        rows,
        columns,
        foreign_keys,
        time_orders,
        violations,
        unchecked,
        expected_violations,
        mess: mess_checks,
    })
}
