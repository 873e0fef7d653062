//! The command line: clap definitions, the commands, progress bars. The only
//! module that knows about a terminal.

mod inspect;
mod progress;
mod verify;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::plan;
use crate::sink::{Existing, FileFormat, Target, WriteOptions};

/// Fill staging databases and fixtures with data shaped like production.
///
/// patina reads a production database once, keeps only the statistical shape
/// of its data (never the values) in a profile, and from that profile fills
/// staging databases and Parquet/CSV files, in parallel and deterministically.
#[derive(Debug, Parser)]
#[command(name = "patina", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read a database's schema and statistics into a profile (read-only).
    Profile(ProfileArgs),
    /// Fill a database, or write Parquet/CSV files, from a profile.
    Generate(GenerateArgs),
    /// Summarise a profile: tables, keys, statistics, what would be generated.
    Inspect(InspectArgs),
    /// Re-profile generated data and score it against the profile (exit 1 below --min-score).
    Verify(VerifyArgs),
}

/// `patina verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The profile the data was generated from.
    pub profile: PathBuf,
    /// What was generated: a database URL, or the directory `generate --out` wrote.
    #[arg(long, value_name = "URL|DIR")]
    pub target: String,
    /// Exit with status 1 when the score is below this, or any constraint is violated.
    #[arg(long, value_name = "S", default_value_t = 0.0)]
    pub min_score: f64,
    /// Exit with status 1 when any column's or foreign key's distance is above this.
    #[arg(long, value_name = "D")]
    pub max_distance: Option<f64>,
    /// Print the full report as JSON on stdout instead of the summary.
    #[arg(long)]
    pub json: bool,
    /// Rows per table at most that feed the statistics.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub sample_rows: u64,
    /// A CHECK constraint (TABLE.CONSTRAINT) generate was told to ignore (needed to read files back).
    #[arg(long = "ignore-check", value_name = "TABLE.CONSTRAINT")]
    pub ignore_checks: Vec<String>,
    /// The manifest `generate --manifest` wrote: exit with status 1 unless the target shows each
    /// kind of mess it lists; its orphans are expected foreign-key violations.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// No progress bars.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `patina profile`.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// The source: postgres://user@host:port/db, mysql://user@host:port/db (MariaDB too) or
    /// sqlite://path/to/file.db.
    #[arg(long, value_name = "URL")]
    pub source: String,
    /// Where to write the profile (JSON).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Schema to read (PostgreSQL); repeat for several. Default: every user schema.
    #[arg(long = "schema", value_name = "NAME")]
    pub schemas: Vec<String>,
    /// Rows per table at most that feed the column statistics (bigger tables are sampled).
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub sample_rows: u64,
    /// Longest any one statement may run on the source, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub statement_timeout: u64,
    /// Seconds after which the tables not read yet get only their sample's
    /// statistics: no children per parent counted, no parent joins, no key
    /// order (each such table is named on stderr). Default: no budget.
    #[arg(long, value_name = "SECS")]
    pub time_budget: Option<u64>,
    /// Sampled rows a value must occur in before the profile may keep it verbatim (k).
    #[arg(long, value_name = "K", default_value_t = 10)]
    pub min_count: u64,
    /// A column (TABLE.COLUMN or SCHEMA.TABLE.COLUMN) whose common values a person
    /// reviewed: keep them verbatim whatever their class; each must still occur in
    /// at least --min-count sampled rows. Repeatable.
    #[arg(long = "allow-values", value_name = "TABLE.COLUMN")]
    pub allow_values: Vec<String>,
    /// No progress bars.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `patina generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The profile to generate from.
    pub profile: PathBuf,
    /// A database to fill: postgres://…/db, mysql://…/db (MariaDB too) or sqlite://path/to/file.db.
    #[arg(
        long,
        value_name = "URL",
        conflicts_with = "out",
        required_unless_present = "out"
    )]
    pub target: Option<String>,
    /// A directory to write one file per table into (see --format).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// File format with --out.
    #[arg(long, value_enum, default_value_t = Format::Parquet, requires = "out")]
    pub format: Format,
    /// Seed: the same profile and seed give the same data, byte for byte.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Multiplier on the profile's row counts (0.01 for CI, 10 for load tests).
    #[arg(long, value_name = "F", default_value_t = 1.0)]
    pub scale: f64,
    /// Rows for one table (TABLE=N) or for every table ('*=N'); repeatable, applied after --scale.
    #[arg(long = "rows", value_name = "TABLE=N", value_parser = parse_rows)]
    pub rows: Vec<(Option<String>, u64)>,
    /// Threads generating chunks (default: one per core, less one when the target is a database
    /// server on this machine, whose session needs a core). Changes speed, never output.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Rows per chunk, the unit of parallel work and of Parquet row groups
    /// (default: about 16 MB of data). Changes file layout, never values.
    #[arg(long, value_name = "N")]
    pub chunk_rows: Option<u64>,
    /// Create the tables (types, constraints) from the profile in the target's dialect first.
    #[arg(long)]
    pub create_schema: bool,
    /// Empty the tables to fill first (or replace existing files).
    #[arg(long, conflicts_with = "append")]
    pub truncate: bool,
    /// Add to tables that already hold rows.
    #[arg(long)]
    pub append: bool,
    /// With --create-schema on PostgreSQL or MySQL: create the tables without primary, unique and
    /// foreign keys, load, then add them (one sorted index build each instead of row by row).
    #[arg(long, requires = "create_schema")]
    pub defer_indexes: bool,
    /// MySQL/MariaDB: load with multi-row INSERT statements instead of `LOAD DATA LOCAL INFILE`,
    /// which patina uses wherever the server allows it (`local_infile` ON, MariaDB's default).
    #[arg(long)]
    pub mysql_inserts: bool,
    /// PostgreSQL: load every table with COPY text instead of binary COPY, which patina uses for
    /// tables whose columns all have types it sends in binary (numbers, dates, times, text, ...).
    #[arg(long)]
    pub pg_text: bool,
    /// PostgreSQL: load each table over N connections at once (beside the load's own), each in its
    /// own transaction, all committed together once every row is in. Applies to tables the target checks nothing
    /// across rows of during the load (no primary, unique or foreign key, no trigger), as with
    /// --create-schema --defer-indexes; --create-schema's DDL is then committed first and dropped
    /// again if the load fails. See docs/architecture.md ("Several sessions").
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub sessions: u16,
    /// A CHECK constraint (TABLE.CONSTRAINT) to leave unchecked when patina cannot satisfy it.
    #[arg(long = "ignore-check", value_name = "TABLE.CONSTRAINT")]
    pub ignore_checks: Vec<String>,
    /// Write only these tables (comma-separated or repeated; `schema.table` or `table`). The
    /// others are not written, but references into them point at the rows they would hold;
    /// --create-schema creates only these, without foreign keys into the others.
    #[arg(long, value_name = "TABLE,...", value_delimiter = ',')]
    pub tables: Vec<String>,
    /// Generate only the chunks whose index is I modulo N, into files named
    /// `TABLE.shard-I-of-N.EXT`, so N machines share one job; the N shards
    /// together hold exactly the rows of one run (--out only).
    #[arg(long, value_name = "I/N", requires = "out", default_value_t = plan::Shard::WHOLE)]
    pub shard: plan::Shard,
    /// How much production mess to put in: none, realistic (the shares the profile
    /// observed; the default) or hostile (every class on, heavier). See docs/mess.md.
    #[arg(long, value_name = "PRESET")]
    pub mess: Option<plan::mess::Preset>,
    /// Leave the tables physically as old ones are. PostgreSQL: load in key order with 16-row
    /// windows shuffled, then churn each table (updates to the same values, autovacuum held off)
    /// until its dead-tuple share and key-order correlation are the profile's, or the mess config's
    /// [fragment] goals. MySQL/MariaDB: insert rows in a random order. On by default with --mess
    /// hostile. See docs/mess/fragmentation.md.
    #[arg(long)]
    pub fragment: bool,
    /// A TOML file that overrides the preset per class and per column (docs/mess.md).
    #[arg(long, value_name = "FILE")]
    pub mess_config: Option<PathBuf>,
    /// Write what the mess changed (per class, table and column: how many values,
    /// the first row indexes) and where a class could not apply, as JSON.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// No progress bars.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `patina inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The profile to summarise.
    pub profile: PathBuf,
}

/// An output file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Apache Parquet: typed columns, one row group per chunk.
    Parquet,
    /// CSV with a header row; NULL is an empty field, an empty string is "".
    Csv,
}

fn parse_rows(s: &str) -> Result<(Option<String>, u64), String> {
    let (table, n) = s
        .rsplit_once('=')
        .ok_or_else(|| format!("expected TABLE=N or '*=N', got `{s}`"))?;
    let n: u64 = n
        .trim()
        .replace('_', "")
        .parse()
        .map_err(|_| format!("`{n}` is not a row count"))?;
    let table = table.trim();
    if table.is_empty() {
        return Err(format!("expected TABLE=N or '*=N', got `{s}`"));
    }
    Ok(((table != "*").then(|| table.to_owned()), n))
}

/// Parses the arguments and runs the command.
pub fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Profile(args) => profile(&args),
        Command::Generate(args) => generate(&args),
        Command::Inspect(args) => {
            let profile = crate::profile::read(&args.profile)?;
            let mut out = std::io::stdout().lock();
            inspect::write(&profile, &mut out).context("writing the summary")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify(args) => verify(&args),
    }
}

fn verify(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let profile = crate::profile::read(&args.profile)?;
    let target = crate::verify::Target::parse(&args.target);
    let manifest = match &args.manifest {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            Some(
                serde_json::from_str::<crate::verify::mess::Manifest>(&text)
                    .with_context(|| format!("{} is not a patina manifest", path.display()))?,
            )
        }
        None => None,
    };
    let options = crate::verify::Options {
        sample_rows: args.sample_rows,
        ignore_checks: args.ignore_checks.clone(),
        manifest,
        ..crate::verify::Options::default()
    };
    let observer = progress::ProfileBars::new(args.quiet);
    let report = crate::verify::verify(&profile, &target, &options, &observer)
        .with_context(|| format!("verifying {}", redact(&args.target)))?;
    observer.finish();
    if args.json {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &report).context("writing the report")?;
        writeln!(out)?;
    } else {
        verify::write(&report, args.min_score, &mut std::io::stdout().lock())
            .context("writing the summary")?;
    }
    let worst = report
        .columns
        .iter()
        .map(|c| c.distance)
        .chain(report.foreign_keys.iter().map(|f| f.distance))
        .fold(0.0, f64::max);
    let mut failed = Vec::new();
    if report.score < args.min_score {
        failed.push(format!(
            "score {:.3} is below --min-score {}",
            report.score, args.min_score
        ));
    }
    if report.violation_count() > 0 {
        failed.push(format!(
            "{} rows break constraints",
            report.violation_count()
        ));
    }
    let missing: Vec<&str> = report
        .mess
        .iter()
        .filter(|m| !m.found)
        .map(|m| m.observation.as_str())
        .collect();
    if !missing.is_empty() {
        failed.push(format!(
            "the manifest's mess is not all there: {}",
            missing.join(", ")
        ));
    }
    if let Some(d) = args.max_distance.filter(|d| worst > *d) {
        failed.push(format!(
            "the worst distance {worst:.3} is above --max-distance {d}"
        ));
    }
    let pass = failed.is_empty();
    if !pass {
        // The verdict on stderr, so --json output stays one document.
        eprintln!("verify failed: {}", failed.join("; "));
    }
    Ok(if pass {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn profile(args: &ProfileArgs) -> anyhow::Result<ExitCode> {
    let options = crate::introspect::Options {
        schemas: args.schemas.clone(),
        sample_rows: args.sample_rows,
        statement_timeout: Duration::from_secs(args.statement_timeout.max(1)),
        privacy: crate::introspect::Privacy {
            min_count: args.min_count.max(1),
            allowed: args.allow_values.clone(),
            verbatim: false,
        },
        time_budget: args.time_budget.map(Duration::from_secs),
    };
    let observer = progress::ProfileBars::new(args.quiet);
    let profile = crate::introspect::profile(&args.source, &options, &observer)
        .with_context(|| format!("profiling {}", redact(&args.source)))?;
    observer.finish();
    crate::profile::write(&profile, &args.out)?;
    let mut err = std::io::stderr().lock();
    let rows: u64 = profile.tables.iter().map(|t| t.row_count).sum();
    writeln!(
        err,
        "profiled {} tables ({rows} rows) into {}",
        profile.tables.len(),
        args.out.display()
    )?;
    inspect::privacy_report(&profile, &mut err)?;
    Ok(ExitCode::SUCCESS)
}

/// Set by the first Ctrl-C, SIGTERM or SIGHUP of a `generate` run: the load
/// stops at its next chunk, table or step and is undone.
static STOP: AtomicBool = AtomicBool::new(false);

/// The exit code of a run stopped by a signal (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;

/// From here on, a first Ctrl-C, SIGTERM or SIGHUP asks the run to stop and
/// undo its load (see [`STOP`]); a second one quits at once. A signal the
/// parent made patina ignore (`nohup` ignores SIGHUP, a script's background
/// job SIGINT) stays ignored. `say` prints what the signal does, out of the
/// progress bars' way.
fn stop_on_signals(say: impl Fn(&str) + Send + 'static) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let ignored = ignored_signals();
    let caught: Vec<i32> = [SIGINT, SIGTERM, SIGHUP]
        .into_iter()
        .filter(|s| !ignored.contains(s))
        .collect();
    // The handlers only write to a pipe; this thread reads it and acts.
    let watch = signal_hook::iterator::Signals::new(&caught).and_then(|mut signals| {
        std::thread::Builder::new()
            .name("patina-signals".into())
            .spawn(move || {
                for _ in signals.forever() {
                    if STOP.swap(true, Ordering::SeqCst) {
                        say("interrupted again: quitting at once, without undoing the load");
                        std::process::exit(i32::from(INTERRUPTED));
                    }
                    say(
                        "interrupted: stopping at the next chunk and undoing the load \
                         (interrupt again to quit at once, which leaves the tables --create-schema \
                         committed first, on MySQL or with --sessions, and FILE.partial files \
                         behind)",
                    );
                }
            })
    });
    if let Err(e) = watch {
        // The signals keep their default action: they end the process
        // without undoing the load.
        eprintln!("note: a signal will end patina without undoing the load: {e}");
    }
}

/// The signals this process ignores, as its parent set them: Linux's
/// `SigIgn` mask in /proc/self/status (bit n - 1 for signal n); none where
/// that cannot be read.
fn ignored_signals() -> Vec<i32> {
    let mask = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("SigIgn:"))
                .and_then(|m| u64::from_str_radix(m.trim(), 16).ok())
        })
        .unwrap_or(0);
    (1..=64).filter(|n| mask >> (n - 1) & 1 == 1).collect()
}

fn generate(args: &GenerateArgs) -> anyhow::Result<ExitCode> {
    let profile = crate::profile::read(&args.profile)?;
    let config = match &args.mess_config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            plan::mess::Config::parse(&text).with_context(|| format!("in {}", path.display()))?
        }
        None => plan::mess::Config::default(),
    };
    let mess_target = match args.target.as_deref() {
        None => plan::mess::Target::Files,
        Some(url) if url.starts_with("postgres") => plan::mess::Target::Postgres,
        Some(url) if url.starts_with("mysql") || url.starts_with("mariadb") => {
            plan::mess::Target::Mysql
        }
        Some(_) => plan::mess::Target::Sqlite,
    };
    let preset = args.mess.or(config.preset).unwrap_or_default();
    let database = matches!(
        mess_target,
        plan::mess::Target::Postgres | plan::mess::Target::Mysql
    );
    let fragment = args.fragment || (preset == plan::mess::Preset::Hostile && database);
    if args.fragment && !database {
        bail!(
            "--fragment works on PostgreSQL (dead tuples, key order) and MySQL/MariaDB \
             (random-order inserts) targets only"
        );
    }
    let fragment_options = config.fragment.clone();
    let mess = plan::mess::Options {
        preset,
        config,
        target: mess_target,
        fragment,
    };
    let options = plan::Options {
        seed: args.seed,
        scale: args.scale,
        rows: args.rows.clone(),
        chunk_rows: args.chunk_rows,
        ignore_checks: args.ignore_checks.clone(),
        shard: args.shard,
        tables: args.tables.clone(),
        mess,
    };
    let plan = plan::build(&profile, &options).context("planning the run")?;
    let target = match (&args.target, &args.out) {
        (Some(url), _) => Target::Database(url.clone()),
        (None, Some(dir)) => Target::Files {
            dir: dir.clone(),
            format: match args.format {
                Format::Parquet => FileFormat::Parquet,
                Format::Csv => FileFormat::Csv,
            },
        },
        (None, None) => bail!("give --target URL or --out DIR"),
    };
    let write_options = WriteOptions {
        enforce_foreign_keys: true,
        create_schema: args.create_schema,
        defer_indexes: args.defer_indexes,
        mysql_inserts: args.mysql_inserts,
        pg_text: args.pg_text,
        sessions: usize::from(args.sessions),
        existing: if args.truncate {
            Existing::Truncate
        } else if args.append {
            Existing::Append
        } else {
            Existing::Refuse
        },
    };
    let where_to = match &target {
        Target::Database(url) => redact(url),
        Target::Files { dir, format } => format!("{} ({})", dir.display(), format.extension()),
    };
    let mut sink = crate::sink::open(&target, &profile, &write_options)
        .with_context(|| format!("opening {where_to}"))?;
    let bars = progress::GenerateBars::new(args.quiet);
    stop_on_signals(bars.printer());
    let threads = match args.threads {
        0 => target.default_threads(std::thread::available_parallelism().map_or(1, usize::from)),
        n => n,
    };
    let summary = crate::pipeline::run(&plan, sink.as_mut(), threads, &bars, &STOP);
    // Cleared on failure too, so the error starts a line of its own.
    bars.finish();
    let summary = summary.with_context(|| format!("generating into {where_to}"))?;
    if STOP.load(Ordering::SeqCst) {
        // The signal came during the last step, which it cannot undo.
        eprintln!(
            "interrupted after the load was complete: {where_to} holds all {} rows; nothing after the load was done",
            summary.rows
        );
        return Ok(ExitCode::from(INTERRUPTED));
    }
    let secs = summary.elapsed.as_secs_f64();
    let shard = if args.shard.is_part() {
        format!(", shard {}", args.shard)
    } else {
        String::new()
    };
    eprintln!(
        "generated {} rows in {} tables into {where_to} in {secs:.2} s ({:.0} rows/s), seed {}{shard}",
        summary.rows,
        summary.tables.len(),
        summary.rows as f64 / secs.max(1e-9),
        args.seed
    );
    let mut reached = Vec::new();
    if fragment
        && mess_target == plan::mess::Target::Postgres
        && let Target::Database(url) = &target
    {
        let note = |text: &str| {
            if !args.quiet {
                eprintln!("note: {text}");
            }
        };
        reached = crate::sink::fragment::postgres(url, &plan, &profile, &fragment_options, &note)
            .with_context(|| format!("fragmenting {where_to}"))?;
        for r in &reached {
            eprintln!(
                "fragmented {}: dead tuples {:.1}% (asked {:.1}%), key order correlation {:.2} (asked {:.2}{}){}",
                r.table,
                r.dead_share * 100.0,
                r.asked_dead_share * 100.0,
                r.correlation,
                r.asked_correlation,
                r.pg_stats_correlation
                    .map_or(String::new(), |c| format!("; pg_stats {c:.2}")),
                if r.vacuumed {
                    ", vacuumed on the way"
                } else {
                    ""
                }
            );
        }
    }
    let mut pages = Vec::new();
    if fragment
        && mess_target == plan::mess::Target::Mysql
        && let Target::Database(url) = &target
    {
        // Reading InnoDB's statistics needs SELECT on the `mysql` schema: without it
        // the load stands, and only the report is missing.
        pages = match crate::sink::fragment::mysql_pages(url, &plan) {
            Ok(pages) => pages,
            Err(e) => {
                eprintln!(
                    "note: the rows loaded in random order; their pages could not be counted: {e}"
                );
                Vec::new()
            }
        };
        for p in &pages {
            eprintln!(
                "fragmented {}: rows loaded in random order, {} rows in {} pages of the clustered index",
                p.table, p.rows, p.pages
            );
        }
    }
    let manifest = crate::synth::mess::manifest(&plan, &summary.mess);
    let changed: u64 = manifest.injected.iter().map(|i| i.count).sum();
    let classes: std::collections::BTreeSet<_> =
        manifest.injected.iter().map(|i| i.class).collect();
    eprintln!(
        "mess {}: {changed} values changed by {} classes{}",
        plan.mess.preset,
        classes.len(),
        match &args.manifest {
            Some(path) => format!("; manifest in {}", path.display()),
            None => String::new(),
        }
    );
    if let Some(path) = &args.manifest {
        let mut json = serde_json::to_value(&manifest).context("writing the manifest")?;
        if fragment && let Some(object) = json.as_object_mut() {
            let report = if pages.is_empty() {
                serde_json::to_value(&reached)
            } else {
                serde_json::to_value(&pages)
            };
            object.insert(
                "fragmentation".into(),
                report.context("writing the manifest")?,
            );
        }
        let json = serde_json::to_string_pretty(&json).context("writing the manifest")?;
        std::fs::write(path, json + "\n")
            .with_context(|| format!("writing the manifest {}", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A URL without its password, for messages.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_flag() {
        assert_eq!(parse_rows("orders=1000"), Ok((Some("orders".into()), 1000)));
        assert_eq!(parse_rows("*=5"), Ok((None, 5)));
        assert_eq!(
            parse_rows("public.orders=1_000"),
            Ok((Some("public.orders".into()), 1000))
        );
        assert!(parse_rows("orders").is_err());
        assert!(parse_rows("orders=x").is_err());
        assert!(parse_rows("=3").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }

    #[test]
    fn target_and_out_are_exclusive() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
        assert!(Cli::try_parse_from(["patina", "generate", "p.json"]).is_err());
        assert!(
            Cli::try_parse_from([
                "patina",
                "generate",
                "p.json",
                "--target",
                "sqlite://a",
                "--out",
                "d"
            ])
            .is_err()
        );
        assert!(
            Cli::try_parse_from([
                "patina", "generate", "p.json", "--out", "d", "--format", "csv"
            ])
            .is_ok()
        );
        assert!(
            Cli::try_parse_from([
                "patina",
                "generate",
                "p.json",
                "--out",
                "d",
                "--truncate",
                "--append"
            ])
            .is_err()
        );
    }
}
