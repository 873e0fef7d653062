//! The mess plan: which kinds of production mess hit which columns, how
//! often, how hard, and in which slice of the time axis.
//!
//! A class is a knob with a rate (the chance a value in the era is hit), an
//! intensity (how extreme a hit is, 0 to 1), a scope (tables, type families,
//! columns) and an era (the oldest share of the table's time axis it hits:
//! real mess sits in old rows). Presets fill the knobs: `none`, `realistic`
//! (the shares the profile observed in production) and `hostile` (every
//! class on, heavier); a TOML file overrides them per class and per column.
//!
//! Planning decides where a class may apply without breaking what the
//! target enforces (keys, CHECKs, foreign keys, type ranges, character sets)
//! and records every place it may not, with the reason, for the manifest.
//! [`crate::synth::mess`] makes the values.

use super::{Domain, ParentPick, Rule, Semantic, TablePlan};
use crate::error::PlanError;
use crate::profile::Profile;
use crate::schema::{Column, LogicalType, Table};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Rows per block of `id_gaps` in a table of `rows` rows: a gap may follow
/// each block (1 row in small tables, at most 1024).
pub fn gap_block(rows: u64) -> u64 {
    (rows / 256).clamp(1, 1024)
}

/// One kind of mess.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// 4-byte characters, combining marks (NFD), right-to-left and zero-width characters, homoglyphs.
    Unicode,
    /// Text at the column's maximum length, incompressible at high intensity.
    MaxLength,
    /// The empty string where NULL would be expected.
    Empty,
    /// Leading or trailing whitespace.
    Padded,
    /// Text that looks like SQL, HTML, a format string or a template.
    Injection,
    /// Type limits, zero, -0.0, NaN and infinities where the target takes them, precision limits.
    NumericEdge,
    /// The epoch, 9999-12-31, leap days, DST gaps and overlaps, the far past.
    TimeEdge,
    /// Odd but valid e-mail addresses and phone numbers.
    OddContact,
    /// JSON nested deep, with odd keys, and one key holding mixed types.
    JsonEdge,
    /// Empty arrays and arrays holding NULL.
    ArrayEdge,
    /// A column "added later": NULL in every row older than its era.
    Drift,
    /// Old rows in a format that changed: digits-only phones, upper-case codes and addresses.
    LegacyFormat,
    /// Rows marked deleted in a soft-delete column (`deleted_at`, `is_deleted`, ...).
    SoftDelete,
    /// Holes in integer sequences (rolled-back inserts, sequence caches, purges).
    IdGaps,
    /// Times out of order against a key they otherwise grow with (backfills, imports).
    OutOfOrder,
    /// References to parent rows that do not exist, where nothing enforces the foreign key.
    Orphans,
    /// Values that equal another row's but for case, whitespace or Unicode form.
    NearDuplicates,
    /// UTF-8 read as Latin-1 and stored again (`é` becomes `Ã©`) in migrated rows.
    Mojibake,
    /// Placeholders and test values left behind (`N/A`, `test`, `1900-01-01`, `-1`).
    Placeholders,
    /// A few parents holding a large share of all children.
    HotKeys,
    /// A share of a time column's rows on one day.
    BurstDay,
}

/// The families classes are documented in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Odd single values.
    Values,
    /// What years of history leave.
    History,
    /// Skew beyond the profile.
    Shape,
}

impl Class {
    /// Every class, in the order they are tried on a value (the first hit wins).
    pub const ALL: [Class; 21] = [
        Class::Drift,
        Class::SoftDelete,
        Class::Placeholders,
        Class::Empty,
        Class::MaxLength,
        Class::NearDuplicates,
        Class::LegacyFormat,
        Class::OutOfOrder,
        Class::Mojibake,
        Class::Unicode,
        Class::Padded,
        Class::Injection,
        Class::OddContact,
        Class::NumericEdge,
        Class::TimeEdge,
        Class::BurstDay,
        Class::JsonEdge,
        Class::ArrayEdge,
        Class::IdGaps,
        Class::Orphans,
        Class::HotKeys,
    ];

    /// The name used on the command line, in config files and the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Class::Unicode => "unicode",
            Class::MaxLength => "max_length",
            Class::Empty => "empty",
            Class::Padded => "padded",
            Class::Injection => "injection",
            Class::NumericEdge => "numeric_edge",
            Class::TimeEdge => "time_edge",
            Class::OddContact => "odd_contact",
            Class::JsonEdge => "json_edge",
            Class::ArrayEdge => "array_edge",
            Class::Drift => "drift",
            Class::LegacyFormat => "legacy_format",
            Class::SoftDelete => "soft_delete",
            Class::IdGaps => "id_gaps",
            Class::OutOfOrder => "out_of_order",
            Class::Orphans => "orphans",
            Class::NearDuplicates => "near_duplicates",
            Class::Mojibake => "mojibake",
            Class::Placeholders => "placeholders",
            Class::HotKeys => "hot_keys",
            Class::BurstDay => "burst_day",
        }
    }

    /// Its family.
    pub fn family(self) -> Family {
        match self {
            Class::Unicode
            | Class::MaxLength
            | Class::Empty
            | Class::Padded
            | Class::Injection
            | Class::NumericEdge
            | Class::TimeEdge
            | Class::OddContact
            | Class::JsonEdge
            | Class::ArrayEdge => Family::Values,
            Class::Drift
            | Class::LegacyFormat
            | Class::SoftDelete
            | Class::IdGaps
            | Class::OutOfOrder
            | Class::Orphans
            | Class::NearDuplicates
            | Class::Mojibake
            | Class::Placeholders => Family::History,
            Class::HotKeys | Class::BurstDay => Family::Shape,
        }
    }

    /// The knob `hostile` turns it to.
    fn hostile(self) -> Knob {
        let k = |rate, era| Knob {
            rate,
            intensity: 1.0,
            era,
        };
        match self {
            Class::Unicode => k(0.05, 1.0),
            Class::MaxLength => k(0.02, 1.0),
            Class::Empty => k(0.03, 1.0),
            Class::Padded => k(0.03, 1.0),
            Class::Injection => k(0.01, 1.0),
            Class::NumericEdge => k(0.01, 1.0),
            Class::TimeEdge => k(0.01, 1.0),
            Class::OddContact => k(0.05, 1.0),
            Class::JsonEdge => k(0.05, 1.0),
            Class::ArrayEdge => k(0.1, 1.0),
            // Drift's rate is the share of nullable columns "added later".
            Class::Drift => k(0.3, 0.2),
            Class::LegacyFormat => k(0.8, 0.3),
            Class::SoftDelete => k(0.05, 1.0),
            // The share of blocks of rows followed by a gap (see `gap_block`).
            Class::IdGaps => k(0.05, 1.0),
            Class::OutOfOrder => k(0.02, 1.0),
            Class::Orphans => k(0.01, 1.0),
            Class::NearDuplicates => k(0.02, 1.0),
            Class::Mojibake => k(0.3, 0.2),
            Class::Placeholders => k(0.01, 1.0),
            Class::HotKeys => k(0.2, 1.0),
            Class::BurstDay => k(0.02, 1.0),
        }
    }
}

impl std::fmt::Display for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A starting point for every knob.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// No mess: the clean shape of the profile only.
    None,
    /// The shares of mess the profile observed in production.
    #[default]
    Realistic,
    /// Every class on, at rates far above production's.
    Hostile,
}

impl std::str::FromStr for Preset {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "none" => Ok(Preset::None),
            "realistic" => Ok(Preset::Realistic),
            "hostile" => Ok(Preset::Hostile),
            _ => Err(format!(
                "unknown mess preset `{s}`: use none, realistic or hostile"
            )),
        }
    }
}

impl std::fmt::Display for Preset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Preset::None => "none",
            Preset::Realistic => "realistic",
            Preset::Hostile => "hostile",
        })
    }
}

/// One class's setting for one column.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Knob {
    /// Chance that a value in the era is hit (0 turns the class off).
    pub rate: f64,
    /// How extreme a hit is, 0 to 1.
    pub intensity: f64,
    /// The oldest share of the time axis the class hits (1: every row).
    pub era: f64,
}

/// What a table's type family is called in a config's `types` scope.
fn type_family(t: &LogicalType) -> &'static str {
    match t {
        LogicalType::Boolean => "boolean",
        LogicalType::Int16 | LogicalType::Int32 | LogicalType::Int64 => "integer",
        LogicalType::Float32 | LogicalType::Float64 => "float",
        LogicalType::Decimal { .. } => "decimal",
        LogicalType::Text { .. } | LogicalType::Char { .. } => "text",
        LogicalType::Binary { .. } => "binary",
        LogicalType::Date => "date",
        LogicalType::Time => "time",
        LogicalType::Timestamp | LogicalType::TimestampTz => "timestamp",
        LogicalType::Json => "json",
        LogicalType::Array { .. } => "array",
        _ => "other",
    }
}

/// The type families a config's `types` may name.
const TYPE_FAMILIES: [&str; 12] = [
    "boolean",
    "integer",
    "float",
    "decimal",
    "text",
    "binary",
    "date",
    "time",
    "timestamp",
    "json",
    "array",
    "other",
];

/// A mess config file (TOML): overrides on top of a preset.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The preset to start from, when `--mess` is not given.
    #[serde(default)]
    pub preset: Option<Preset>,
    /// Per class: new knob values and a narrower scope.
    #[serde(default)]
    pub classes: std::collections::BTreeMap<Class, ClassOverride>,
    /// Per column (and class, or every class): new knob values.
    #[serde(default, rename = "column")]
    pub columns: Vec<ColumnOverride>,
    /// Physical fragmentation's goals (`--fragment`).
    #[serde(default)]
    pub fragment: Fragment,
}

/// What `--fragment` aims at (PostgreSQL, see `sink::fragment`); `None` takes the profile's figure, else a default.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fragment {
    /// Dead tuples over live plus dead tuples, per table.
    pub dead_share: Option<f64>,
    /// Rank correlation between the key and the physical row order.
    pub correlation: Option<f64>,
    /// Leave the planner statistics as they were before the churn (no ANALYZE).
    #[serde(default)]
    pub stale_statistics: bool,
    /// Keep autovacuum off on fragmented tables afterwards (else it is turned
    /// back on, and will soon vacuum the dead tuples away).
    #[serde(default)]
    pub keep_autovacuum_off: bool,
}

/// A class's settings in a config file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassOverride {
    /// Replaces the preset's rate (0 turns the class off).
    pub rate: Option<f64>,
    /// Replaces the preset's intensity.
    pub intensity: Option<f64>,
    /// Replaces the preset's era.
    pub era: Option<f64>,
    /// Only these tables (`table` or `schema.table`).
    pub tables: Option<Vec<String>>,
    /// Only these type families (`text`, `integer`, `timestamp`, ...).
    pub types: Option<Vec<String>>,
}

/// One column's settings in a config file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnOverride {
    /// `table.column` or `schema.table.column`.
    pub column: String,
    /// The class, or `*` for every class.
    pub class: String,
    /// Replaces the rate (0 turns the class off for this column).
    pub rate: Option<f64>,
    /// Replaces the intensity.
    pub intensity: Option<f64>,
    /// Replaces the era.
    pub era: Option<f64>,
}

impl Config {
    /// Parses a config file's text; errors name the line.
    pub fn parse(text: &str) -> Result<Self, PlanError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            // One line: where, then what (the crate's own text spans several).
            let at = e.span().map_or(String::new(), |span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                format!("line {line}, column {column}: ")
            });
            PlanError::MessConfig(format!("{at}{}", e.message().trim()))
        })?;
        let unit = |what: &str, v: Option<f64>| match v {
            Some(x) if !(0.0..=1.0).contains(&x) => Err(PlanError::MessConfig(format!(
                "{what} must be between 0 and 1, not {x}"
            ))),
            _ => Ok(()),
        };
        for (class, o) in &config.classes {
            unit(&format!("classes.{class}.rate"), o.rate)?;
            unit(&format!("classes.{class}.intensity"), o.intensity)?;
            unit(&format!("classes.{class}.era"), o.era)?;
            for t in o.types.iter().flatten() {
                if !TYPE_FAMILIES.contains(&t.as_str()) {
                    return Err(PlanError::MessConfig(format!(
                        "classes.{class}.types names `{t}`; use one of {}",
                        TYPE_FAMILIES.join(", ")
                    )));
                }
            }
        }
        unit("fragment.dead_share", config.fragment.dead_share)?;
        if config.fragment.dead_share.is_some_and(|d| d > 0.9) {
            return Err(PlanError::MessConfig(
                "fragment.dead_share above 0.9 would write ten versions of every row; ask less"
                    .into(),
            ));
        }
        if let Some(c) = config.fragment.correlation
            && !(-1.0..=1.0).contains(&c)
        {
            return Err(PlanError::MessConfig(format!(
                "fragment.correlation must be between -1 and 1, not {c}"
            )));
        }
        for o in &config.columns {
            let what = format!("the [[column]] for `{}`", o.column);
            if o.class != "*" && class_named(&o.class).is_none() {
                return Err(PlanError::MessConfig(format!(
                    "{what} names class `{}`; use `*` or one of {}",
                    o.class,
                    Class::ALL.map(Class::name).join(", ")
                )));
            }
            unit(&format!("{what}: rate"), o.rate)?;
            unit(&format!("{what}: intensity"), o.intensity)?;
            unit(&format!("{what}: era"), o.era)?;
        }
        Ok(config)
    }
}

fn class_named(name: &str) -> Option<Class> {
    Class::ALL.into_iter().find(|c| c.name() == name)
}

/// The database the values go to: some mess only some engines take.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Target {
    /// Parquet or CSV files: nothing is enforced.
    #[default]
    Files,
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    Mysql,
    /// SQLite.
    Sqlite,
}

/// The user's mess settings.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The preset (`--mess`).
    pub preset: Preset,
    /// Overrides from `--mess-config`.
    pub config: Config,
    /// Where the values go.
    pub target: Target,
    /// Physical fragmentation was asked for (`--fragment`, or `hostile` on a database).
    pub fragment: bool,
}

/// The slice of a table's rows a class hits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Era {
    /// Every row.
    All,
    /// Rows whose time-axis value (days for dates, microseconds for
    /// timestamps) is below this.
    Before(i64),
    /// Rows whose index is below this (tables without a time axis: ids grow with time).
    RowsBelow(u64),
}

/// One class on one column (or foreign key).
#[derive(Clone, Debug, PartialEq)]
pub struct Injection {
    /// The class.
    pub class: Class,
    /// Chance per value in the era, per million.
    pub per_million: u32,
    /// How extreme, 0 to 1.
    pub intensity: f64,
    /// Which rows.
    pub era: Era,
    /// Target facts the injector needs.
    pub limits: Limits,
}

/// What a column can hold in the target, for the injectors.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Limits {
    /// Most characters (text).
    pub max_chars: Option<u32>,
    /// `char(n)`: trailing blanks are not kept.
    pub fixed_width: bool,
    /// Four-byte characters are refused (MySQL utf8mb3).
    pub narrow_charset: bool,
    /// A single-byte character set (MySQL `latin1`, ...): only what Windows-1252 holds.
    pub single_byte: bool,
    /// Smallest and largest integer the column's type holds.
    pub int_range: Option<(i64, i64)>,
    /// No value below zero (MySQL `UNSIGNED`).
    pub unsigned: bool,
    /// Largest decimal magnitude, scaled, and the scale.
    pub decimal: Option<(i128, u32)>,
    /// NaN and infinities are stored.
    pub float_specials: bool,
    /// A 32-bit float.
    pub single_precision: bool,
    /// The placeholders to write with cumulative shares per million (the
    /// profile's own, under `realistic`); empty: patina's list.
    pub choices: Vec<(crate::value::Value, u32)>,
    /// Earliest and latest day a date or timestamp may be.
    pub days: (i32, i32),
    /// Dates and timestamps take `infinity` and `-infinity` (PostgreSQL).
    pub time_infinity: bool,
    /// The column's DEFAULT as a value, when it is a literal: what `drift`
    /// writes in old rows (NULL when there is none).
    pub default: Option<crate::value::Value>,
    /// Semantic of the text (e-mail, phone, ...), if known.
    pub semantic: Option<Semantic>,
}

/// A class that could not apply to a column, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Skipped {
    /// The class.
    pub class: Class,
    /// The table.
    pub table: String,
    /// The column (or foreign key).
    pub column: String,
    /// Why.
    pub reason: String,
}

/// The order a table's rows load in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Shuffle {
    /// Row order (key order, which is era order where times follow the key).
    #[default]
    None,
    /// Row order, each window of [`LOCAL_WINDOW`] rows shuffled (PostgreSQL
    /// `--fragment`: rows inserted at about the same time land in about, not
    /// exactly, their order).
    Local,
    /// Chunks and their rows in a random order (MySQL/InnoDB `--fragment`:
    /// random-order inserts split pages and leave them partly full).
    Random,
}

/// Rows per window of a [`Shuffle::Local`] load.
pub const LOCAL_WINDOW: u64 = 16;

/// Where the mess goes.
#[derive(Clone, Debug, Default)]
pub struct MessPlan {
    /// The preset the knobs started from.
    pub preset: Preset,
    /// The class-level knobs in effect (before column overrides), for the manifest.
    pub knobs: Vec<(Class, Knob)>,
    /// Per table, per column: the classes tried on its values, in order.
    pub columns: Vec<Vec<Vec<Injection>>>,
    /// Per table, per foreign key: `hot_keys` and `orphans`.
    pub references: Vec<Vec<Vec<Injection>>>,
    /// Per table: the column whose values make the time axis, if any.
    pub axis: Vec<Option<usize>>,
    /// Classes that could not apply, with the reason.
    pub skipped: Vec<Skipped>,
    /// Per table: the order its rows load in under `--fragment`.
    pub shuffled: Vec<Shuffle>,
}

impl MessPlan {
    /// Whether any class applies anywhere.
    pub fn is_empty(&self) -> bool {
        self.columns.iter().flatten().all(Vec::is_empty)
            && self.references.iter().flatten().all(Vec::is_empty)
    }

    /// The `id_gaps` injection of a column, if any.
    pub fn gaps(&self, t: usize, c: usize) -> Option<&Injection> {
        self.columns
            .get(t)?
            .get(c)?
            .iter()
            .find(|i| i.class == Class::IdGaps)
    }
}

/// Plans the mess over the planned tables.
pub fn plan(
    profile: &Profile,
    tables: &[TablePlan],
    options: &Options,
    seed: u64,
) -> Result<MessPlan, PlanError> {
    let schema = &profile.schema;
    let config = &options.config;
    let preset = options.preset;
    // Column overrides must name real columns.
    let mut overrides = Vec::new();
    for o in &config.columns {
        let found = schema.tables.iter().enumerate().find_map(|(t, table)| {
            let prefix = [table.name.to_string(), table.name.name.clone()]
                .into_iter()
                .find(|p| {
                    o.column.len() > p.len()
                        && o.column.starts_with(p.as_str())
                        && o.column.as_bytes()[p.len()] == b'.'
                })?;
            table
                .column_index(&o.column[prefix.len() + 1..])
                .map(|c| (t, c))
        });
        let (t, c) = found.ok_or_else(|| {
            PlanError::MessConfig(format!(
                "the [[column]] override names `{}`, which is not a column of the profile \
                 (write table.column)",
                o.column
            ))
        })?;
        overrides.push((t, c, o));
    }
    for (class, o) in &config.classes {
        for name in o.tables.iter().flatten() {
            if super::find_table(schema, name).is_none() {
                return Err(PlanError::MessConfig(format!(
                    "classes.{class}.tables names `{name}`, which is not in the profile"
                )));
            }
        }
    }
    let knobs: Vec<(Class, Knob)> = Class::ALL
        .iter()
        .map(|&class| {
            let mut knob = match preset {
                Preset::Hostile => class.hostile(),
                // Rates come per column from the profile, which observed
                // them over all rows: the era is the whole table.
                Preset::Realistic => Knob {
                    intensity: 0.0,
                    era: 1.0,
                    ..class.hostile()
                },
                Preset::None => Knob {
                    rate: 0.0,
                    ..class.hostile()
                },
            };
            if let Some(o) = config.classes.get(&class) {
                knob.rate = o.rate.unwrap_or(knob.rate);
                knob.intensity = o.intensity.unwrap_or(knob.intensity);
                knob.era = o.era.unwrap_or(knob.era);
            }
            (class, knob)
        })
        .collect();
    let mut out = MessPlan {
        preset,
        knobs: knobs.clone(),
        ..MessPlan::default()
    };
    // Whether a class's `tables` scope (if any) holds table `t`.
    let in_tables = |class: Class, t: usize| {
        config
            .classes
            .get(&class)
            .and_then(|o| o.tables.as_ref())
            .is_none_or(|names| {
                names
                    .iter()
                    .any(|n| super::find_table(schema, n) == Some(t))
            })
    };
    for (t, (table, plan)) in schema.tables.iter().zip(tables).enumerate() {
        let stats = profile.stats(&table.name);
        let axis = time_axis(table, plan);
        out.axis.push(axis);
        let era_of = |share: f64| era(plan, axis, share);
        let keys = key_columns(schema, t);
        let checked = checked_columns(table, schema);
        let mut columns = Vec::with_capacity(plan.columns.len());
        for (c, (column, cp)) in table.columns.iter().zip(&plan.columns).enumerate() {
            let observed = stats
                .and_then(|s| s.column(&column.name))
                .and_then(|cs| cs.mess.as_ref());
            let mut injections = Vec::new();
            if !cp.written || matches!(cp.rule, Rule::Computed | Rule::Sample(Domain::Literal(_))) {
                columns.push(injections);
                continue;
            }
            for &(class, base) in &knobs {
                if !matches(class, column, cp, &plan.columns, schema) {
                    continue;
                }
                let in_types = config
                    .classes
                    .get(&class)
                    .and_then(|o| o.types.as_ref())
                    .is_none_or(|ts| ts.iter().any(|f| f == type_family(&column.logical_type)));
                let knob = knob_for(
                    class,
                    base,
                    preset,
                    observed_rate(class, observed, cp, plan.rows),
                    config,
                    in_types && in_tables(class, t),
                    overrides
                        .iter()
                        .filter(|(ot, oc, _)| *ot == t && *oc == c)
                        .map(|(_, _, o)| *o),
                );
                if knob.rate <= 0.0 {
                    continue;
                }
                let mut limits = limits(column, cp, options.target, profile.source.engine);
                if class == Class::Placeholders && preset == Preset::Realistic {
                    limits.choices = observed_placeholders(observed, cp);
                }
                let fits = match class {
                    Class::IdGaps if checked.contains(&c) => {
                        Err("a CHECK constraint names this column; its values stay clean".into())
                    }
                    Class::IdGaps => gap_room(cp, plan.rows, knob.intensity, &limits),
                    _ => applies(class, column, cp, &keys, &checked, c, &limits),
                };
                if let Err(reason) = fits {
                    out.skipped.push(Skipped {
                        class,
                        table: plan.address.clone(),
                        column: column.name.clone(),
                        reason,
                    });
                    continue;
                }
                if class == Class::Drift {
                    // Drift picks whole columns: `rate` is the share of them.
                    let pick = crate::synth::rng::Stream::new(
                        seed,
                        &plan.address,
                        &column.name,
                        "mess-drift-column",
                    )
                    .at(0)
                    .below(1_000_000);
                    if pick as f64 >= knob.rate * 1e6 {
                        continue;
                    }
                }
                let per_million = match class {
                    // Drift empties the whole era (intensity 0 in realistic still means all).
                    Class::Drift => 1_000_000,
                    _ => (knob.rate * 1e6).round().clamp(1.0, 1e6) as u32,
                };
                let era = match class {
                    // Computed in the value itself, which cannot see the time axis.
                    Class::IdGaps => Era::All,
                    _ => era_of(knob.era),
                };
                injections.push(Injection {
                    class,
                    per_million,
                    intensity: knob.intensity,
                    era,
                    limits,
                });
            }
            columns.push(injections);
        }
        out.columns.push(columns);
        // Foreign keys: hot keys everywhere a parent may be chosen freely;
        // orphans only where nothing enforces the key.
        let mut references = Vec::with_capacity(plan.foreign_keys.len());
        for fk in &plan.foreign_keys {
            let mut injections = Vec::new();
            let names: Vec<&str> = fk
                .columns
                .iter()
                .map(|&c| table.columns[c].name.as_str())
                .collect();
            let fk_stats = stats.and_then(|s| s.foreign_keys.iter().find(|k| k.columns == names));
            for class in [Class::Orphans, Class::HotKeys] {
                let (_, base) = knobs[Class::ALL.iter().position(|c| *c == class).unwrap_or(0)];
                let observed = match class {
                    Class::Orphans => fk_stats.map_or(0.0, |s| s.orphan_share),
                    _ => 0.0,
                };
                let knob = knob_for(
                    class,
                    base,
                    preset,
                    observed,
                    config,
                    in_tables(class, t),
                    overrides
                        .iter()
                        .filter(|(ot, oc, _)| *ot == t && fk.columns.contains(oc))
                        .map(|(_, _, o)| *o),
                );
                if knob.rate <= 0.0 {
                    continue;
                }
                if let Err(reason) = reference_applies(class, fk, t, tables, table, options.target)
                {
                    out.skipped.push(Skipped {
                        class,
                        table: plan.address.clone(),
                        column: fk.label.clone(),
                        reason,
                    });
                    continue;
                }
                injections.push(Injection {
                    class,
                    per_million: (knob.rate * 1e6).round().clamp(1.0, 1e6) as u32,
                    intensity: knob.intensity,
                    era: Era::All,
                    limits: Limits::default(),
                });
            }
            references.push(injections);
        }
        out.references.push(references);
        // Rows of a table that refer to earlier rows of itself must load in order.
        let in_order = plan
            .foreign_keys
            .iter()
            .any(|f| !f.deferred && matches!(f.pick, ParentPick::Earlier | ParentPick::Previous));
        out.shuffled.push(match options.target {
            _ if !options.fragment || in_order => Shuffle::None,
            Target::Mysql => Shuffle::Random,
            Target::Postgres => Shuffle::Local,
            _ => Shuffle::None,
        });
    }
    Ok(out)
}

/// A class's knob for one column or foreign key: the preset's (under
/// `realistic`, what the profile `observed`, unless the config sets the
/// class's rate), off outside the class's scope, then the place's
/// `[[column]]` overrides in file order.
fn knob_for<'c>(
    class: Class,
    base: Knob,
    preset: Preset,
    observed: f64,
    config: &Config,
    in_scope: bool,
    overrides: impl Iterator<Item = &'c ColumnOverride>,
) -> Knob {
    let mut knob = base;
    if preset == Preset::Realistic && config.classes.get(&class).and_then(|o| o.rate).is_none() {
        knob.rate = observed;
    }
    if !in_scope {
        knob.rate = 0.0;
    }
    for o in overrides.filter(|o| o.class == "*" || o.class == class.name()) {
        knob.rate = o.rate.unwrap_or(knob.rate);
        knob.intensity = o.intensity.unwrap_or(knob.intensity);
        knob.era = o.era.unwrap_or(knob.era);
    }
    knob
}

/// A class's rate under `realistic`: what the profile observed.
fn observed_rate(
    class: Class,
    observed: Option<&crate::profile::stats::MessObserved>,
    cp: &super::ColumnPlan,
    rows: u64,
) -> f64 {
    let Some(m) = observed else { return 0.0 };
    // Whether a value the profile names (as text) is one of the common values
    // drawn verbatim: a number's `0`, a date's `1970-01-01` are compared in
    // the column's domain, where they are numbers and dates.
    let domain = match &cp.rule {
        super::Rule::Sample(d) | super::Rule::Pool { domain: d, .. } => Some(d),
        _ => None,
    };
    let common = |v: &str| {
        let parsed = domain.and_then(|d| super::distribution::parse_common(d, v));
        cp.distribution.common.iter().any(|(x, _)| {
            matches!(x, crate::value::Value::Text(t) if t == v) || parsed.as_ref() == Some(x)
        })
    };
    // The observed share of values with a trait, less what the common values
    // drawn verbatim already carry (a kept `Zürich` is non-ASCII as it is),
    // as a rate over the rows: `carried + rate · (1 − carried) = observed`.
    let beyond_common = |observed: f64, has: &dyn Fn(&str) -> bool| {
        let mut carried = 0.0;
        let mut previous = 0;
        for (v, until) in &cp.distribution.common {
            if matches!(v, crate::value::Value::Text(t) if has(t)) {
                carried += f64::from(until - previous) / f64::from(super::distribution::MILLION);
            }
            previous = *until;
        }
        if carried >= 1.0 {
            0.0
        } else {
            ((observed - carried) / (1.0 - carried)).max(0.0)
        }
    };
    let max_length = match cp.logical_type {
        crate::schema::LogicalType::Text {
            max_length: Some(m),
        }
        | crate::schema::LogicalType::Char { length: m } => Some(m as usize),
        _ => None,
    };
    match class {
        Class::Empty if !common("") => m.empty,
        Class::Padded => beyond_common(m.padded, &|v| {
            v.starts_with(char::is_whitespace) || v.ends_with(char::is_whitespace)
        }),
        Class::Unicode => beyond_common(m.non_ascii, &|v| !v.is_ascii()),
        Class::NearDuplicates => m.near_duplicates,
        Class::MaxLength => beyond_common(m.at_max_length, &|v| {
            max_length.is_some_and(|max| v.chars().count() == max)
        }),
        Class::Mojibake => beyond_common(m.mojibake, &crate::introspect::analyze::is_mojibake),
        Class::Injection => beyond_common(m.markup, &crate::introspect::analyze::looks_like_markup),
        Class::JsonEdge => m.json_edges,
        Class::OutOfOrder => m.out_of_order,
        Class::ArrayEdge => m.array_edges,
        // Generated phone numbers already come in many forms; e-mails are plain.
        Class::OddContact if semantic(cp) == Some(Semantic::Email) => m.odd_contact,
        // Holes per row, as the share of blocks of rows followed by a gap.
        Class::IdGaps => (m.id_gaps * gap_block(rows) as f64).min(1.0),
        // Placeholders beyond what the distribution draws as they are: a
        // kept value, or a histogram's point bucket (world's `gnp` has no
        // value kept, but its histogram starts `0, 0, 0`: the zeros are
        // there already).
        Class::Placeholders => {
            let (mut carried, mut beyond) = (0.0, 0.0);
            for s in &m.sentinels {
                let drawn = if common(&s.value) {
                    s.fraction
                } else {
                    domain
                        .and_then(|d| Some((d, super::distribution::parse_common(d, &s.value)?)))
                        .map_or(0.0, |(d, v)| {
                            super::distribution::point_share(&cp.distribution, d, &v)
                        })
                };
                carried += drawn.min(s.fraction);
                beyond += (s.fraction - drawn).max(0.0);
            }
            if carried >= 1.0 {
                0.0
            } else {
                beyond / (1.0 - carried)
            }
        }
        _ => 0.0,
    }
}

/// Whether the class concerns a column of this type and content at all
/// (a class that does not is simply not listed; one that does but cannot
/// apply is recorded as skipped, with the reason).
fn matches(
    class: Class,
    column: &Column,
    cp: &super::ColumnPlan,
    columns: &[super::ColumnPlan],
    schema: &crate::schema::Schema,
) -> bool {
    let t = &column.logical_type;
    let textual = t.is_textual();
    let temporal = matches!(
        t,
        LogicalType::Date | LogicalType::Timestamp | LogicalType::TimestampTz
    );
    match class {
        Class::Unicode
        | Class::Empty
        | Class::Padded
        | Class::Injection
        | Class::NearDuplicates
        | Class::Mojibake
        | Class::LegacyFormat
        | Class::MaxLength => textual,
        Class::NumericEdge => t.is_ordered_numeric(),
        Class::TimeEdge => temporal || *t == LogicalType::Time,
        Class::BurstDay => temporal,
        Class::OddContact => {
            textual && matches!(semantic(cp), Some(Semantic::Email | Semantic::Phone))
        }
        Class::JsonEdge => *t == LogicalType::Json,
        Class::ArrayEdge => matches!(t, LogicalType::Array { .. }),
        // A column "added later": NULL in old rows, or its literal default.
        Class::Drift => nullable(column, schema) || default_value(column).is_some(),
        Class::SoftDelete => is_soft_delete(column),
        Class::Placeholders => {
            textual
                || matches!(
                    t,
                    LogicalType::Int16
                        | LogicalType::Int32
                        | LogicalType::Int64
                        | LogicalType::Decimal { .. }
                        | LogicalType::Date
                        | LogicalType::Timestamp
                        | LogicalType::TimestampTz
                )
        }
        Class::IdGaps => matches!(cp.rule, Rule::Sequence { .. }),
        // A time generated in its sequence key's order (a copula on the key
        // at full weight), and not placed after another time.
        Class::OutOfOrder => {
            cp.follows.is_none()
                && cp.copula.as_ref().is_some_and(|k| {
                    k.weight >= 1.0
                        && k.anchor
                            .is_some_and(|a| matches!(columns[a].rule, Rule::Sequence { .. }))
                })
        }
        Class::Orphans | Class::HotKeys => false,
    }
}

/// NULL is allowed by the column and by its domain, if it has one.
fn nullable(column: &Column, schema: &crate::schema::Schema) -> bool {
    column.nullable
        && column
            .domain
            .as_ref()
            .and_then(|d| schema.domain(d))
            .is_none_or(|d| d.nullable)
}

/// A column whose name says it marks rows deleted.
fn is_soft_delete(column: &Column) -> bool {
    let name = column.name.to_lowercase();
    let named = [
        "deleted",
        "is_deleted",
        "deleted_at",
        "deleted_on",
        "deletedat",
        "isdeleted",
        "archived",
        "is_archived",
        "archived_at",
        "removed_at",
    ]
    .contains(&name.as_str());
    named
        && matches!(
            column.logical_type,
            LogicalType::Boolean
                | LogicalType::Int16
                | LogicalType::Int32
                | LogicalType::Int64
                | LogicalType::Date
                | LogicalType::Timestamp
                | LogicalType::TimestampTz
        )
}

/// The text semantic of a column's domain.
fn semantic(cp: &super::ColumnPlan) -> Option<Semantic> {
    match &cp.rule {
        Rule::Sample(Domain::Text { semantic, .. })
        | Rule::Pool {
            domain: Domain::Text { semantic, .. },
            ..
        } => Some(*semantic),
        _ => None,
    }
}

/// Why a class that concerns a column cannot apply to it.
#[allow(clippy::too_many_arguments)]
fn applies(
    class: Class,
    column: &Column,
    cp: &super::ColumnPlan,
    keys: &BTreeSet<usize>,
    checked: &BTreeSet<usize>,
    c: usize,
    limits: &Limits,
) -> Result<(), String> {
    if keys.contains(&c) || matches!(cp.rule, Rule::Key { .. } | Rule::Reference { .. }) {
        return Err(
            "a key column (primary, unique or foreign key, or referenced): \
                    changed values would collide or point nowhere"
                .into(),
        );
    }
    if checked.contains(&c) {
        return Err(
            "a CHECK constraint, a generated column or the partitioning names this column; \
             its values stay clean"
                .into(),
        );
    }
    if class == Class::Unicode && limits.single_byte {
        return Err("its character set holds single bytes only".into());
    }
    if matches!(column.logical_type, LogicalType::Enum { .. }) {
        return Err("an enumerated type takes only its labels".into());
    }
    if matches!(cp.rule, Rule::Sample(Domain::Choice(_)))
        && !matches!(class, Class::Drift | Class::SoftDelete)
    {
        return Err("the column takes only a fixed list of values".into());
    }
    if class == Class::MaxLength && limits.max_chars.is_none() {
        return Err("the column has no declared maximum length".into());
    }
    if matches!(class, Class::Unicode | Class::Mojibake) && limits.max_chars.is_some_and(|m| m < 2)
    {
        return Err("one character leaves no room for it".into());
    }
    Ok(())
}

/// Why `id_gaps` cannot widen a sequence: the type must hold the last id.
/// (A key column: its values themselves move, and every reference computes
/// them the same way.)
fn gap_room(
    cp: &super::ColumnPlan,
    rows: u64,
    intensity: f64,
    limits: &Limits,
) -> Result<(), String> {
    let Rule::Sequence { start } = cp.rule else {
        return Err("not a sequence".into());
    };
    let (_, max) = limits.int_range.unwrap_or((i64::MIN, i64::MAX));
    let worst = i128::from(start)
        + i128::from(rows)
        + i128::from(rows / gap_block(rows) + 1) * i128::from(max_gap(intensity));
    if worst > i128::from(max) {
        return Err(format!(
            "the type's largest value ({max}) leaves no room for gaps over {rows} rows"
        ));
    }
    Ok(())
}

/// The largest gap after one block at this intensity.
pub fn max_gap(intensity: f64) -> u64 {
    1 + (intensity.clamp(0.0, 1.0) * 999.0) as u64
}

/// Why a reference class cannot apply to a foreign key.
fn reference_applies(
    class: Class,
    fk: &super::ForeignKeyPlan,
    t: usize,
    tables: &[TablePlan],
    table: &Table,
    target: Target,
) -> Result<(), String> {
    if !matches!(fk.pick, ParentPick::Uniform | ParentPick::Spread(_)) {
        return Err("its parent is decided by a key or a self-reference order".into());
    }
    let in_key = table.primary_key.iter().chain(&table.uniques).any(|k| {
        fk.columns
            .iter()
            .any(|&c| k.columns.contains(&table.columns[c].name))
    });
    if in_key {
        return Err("part of a unique key: moving references would collide".into());
    }
    if tables[fk.parent].rows == 0 || tables[t].rows == 0 {
        return Err("no rows to point at".into());
    }
    let f = tables[t]
        .foreign_keys
        .iter()
        .position(|o| std::ptr::eq(o, fk));
    let takes_values = tables[t]
        .columns
        .iter()
        .any(|c| matches!(c.rule, Rule::Reference { foreign_key, .. } if Some(foreign_key) == f));
    if !takes_values {
        return Err("its columns take their values from a wider foreign key".into());
    }
    if class == Class::Orphans {
        if target != Target::Files {
            return Err("the target enforces this foreign key".into());
        }
        let parent = &tables[fk.parent];
        let sequence = fk.parent_columns.len() == 1
            && matches!(
                parent.columns[fk.parent_columns[0]].rule,
                Rule::Sequence { .. }
            );
        if !sequence {
            return Err(
                "the parent key is not a sequence, so a missing parent's key \
                        could equal a real one"
                    .into(),
            );
        }
    }
    Ok(())
}

/// Columns of table `t` in a primary or unique key, a foreign key, or
/// referenced by another table's foreign key.
fn key_columns(schema: &crate::schema::Schema, t: usize) -> BTreeSet<usize> {
    let table = &schema.tables[t];
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for k in table.primary_key.iter().chain(&table.uniques) {
        names.extend(k.columns.iter().map(String::as_str));
    }
    for f in &table.foreign_keys {
        names.extend(f.columns.iter().map(String::as_str));
    }
    for other in &schema.tables {
        for f in &other.foreign_keys {
            if f.referenced_table == table.name {
                names.extend(f.referenced_columns.iter().map(String::as_str));
            }
        }
    }
    names
        .into_iter()
        .filter_map(|n| table.column_index(n))
        .collect()
}

/// Columns whose values other rules depend on, so they stay clean: those a
/// CHECK of the table names (or whose domain has a CHECK), those a generated
/// column's expression reads (a unique `lower(email)` would collide, a
/// `price * qty` overflow), and the partition key (a row must find its
/// partition). A name counts when it is a word of an expression, compared
/// without case, or appears quoted (`"Unit Price"`).
fn checked_columns(table: &Table, schema: &crate::schema::Schema) -> BTreeSet<usize> {
    let expressions: Vec<String> = table
        .checks
        .iter()
        .map(|check| check.expression.clone())
        .chain(table.columns.iter().filter_map(|c| c.generated.clone()))
        .collect();
    let words: BTreeSet<String> = expressions
        .iter()
        .flat_map(|e| {
            e.split(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect();
    let partition: Vec<&String> = table.partitioning.iter().flat_map(|p| &p.columns).collect();
    table
        .columns
        .iter()
        .enumerate()
        .filter(|(_, column)| {
            let quoted = [format!("\"{}\"", column.name), format!("`{}`", column.name)];
            words.contains(&column.name.to_lowercase())
                || expressions
                    .iter()
                    .any(|e| quoted.iter().any(|q| e.contains(q.as_str())))
                || partition.contains(&&column.name)
                || column
                    .domain
                    .as_ref()
                    .and_then(|d| schema.domain(d))
                    .is_some_and(|d| !d.checks.is_empty())
        })
        .map(|(c, _)| c)
        .collect()
}

/// The column whose values are the table's time axis: the first written
/// date or timestamp that is not a key and mostly not NULL, a name that says
/// "created" first.
fn time_axis(table: &Table, plan: &TablePlan) -> Option<usize> {
    let candidates: Vec<usize> = (0..table.columns.len())
        .filter(|&c| {
            let cp = &plan.columns[c];
            matches!(
                cp.rule,
                Rule::Sample(Domain::Date { .. } | Domain::Timestamp { .. }) | Rule::After { .. }
            ) && matches!(
                table.columns[c].logical_type,
                LogicalType::Date | LogicalType::Timestamp | LogicalType::TimestampTz
            ) && cp.null_per_million < 500_000
        })
        .collect();
    let named = |words: &[&str]| {
        candidates.iter().copied().find(|&c| {
            let n = table.columns[c].name.to_lowercase();
            words.iter().any(|w| n.contains(w))
        })
    };
    named(&["created", "inserted", "registered", "signup", "joined"])
        .or_else(|| named(&["date", "_at", "time"]))
        .or_else(|| candidates.first().copied())
}

/// The rows the oldest `share` of the time axis covers.
fn era(plan: &TablePlan, axis: Option<usize>, share: f64) -> Era {
    if share >= 1.0 {
        return Era::All;
    }
    let share = share.max(0.0);
    if let Some(a) = axis {
        let cp = &plan.columns[a];
        let domain = match &cp.rule {
            Rule::Sample(d) | Rule::After { domain: d, .. } => d,
            _ => return Era::RowsBelow((plan.rows as f64 * share) as u64),
        };
        let dist = &cp.distribution;
        let cut = if dist.steps.is_empty() {
            super::distribution::units(domain)
                .map(|(lo, hi)| lo + ((hi - lo) as f64 * share) as i128)
        } else {
            Some(super::distribution::quantile(&dist.steps, &dist.guide, share).0)
        };
        if let Some(cut) = cut {
            return Era::Before(cut as i64);
        }
    }
    Era::RowsBelow((plan.rows as f64 * share) as u64)
}

/// What the target lets the column hold.
fn limits(
    column: &Column,
    cp: &super::ColumnPlan,
    target: Target,
    engine: crate::profile::Engine,
) -> Limits {
    let native = column.native_type.to_lowercase();
    let collation = column.collation.as_deref().map(str::to_lowercase);
    let narrow_charset = collation
        .as_deref()
        .is_some_and(|c| c.starts_with("utf8_") || c.starts_with("utf8mb3"));
    // A MySQL column in a single-byte or other non-Unicode character set.
    let single_byte = collation.as_deref().is_some_and(|c| !c.starts_with("utf8"));
    let max_chars = match column.logical_type {
        LogicalType::Text { max_length } => max_length,
        LogicalType::Char { length } => Some(length),
        _ => None,
    };
    // The type's range as the engine holds it (MySQL's TINYINT, SMALLINT
    // UNSIGNED, YEAR, ... are narrower than the logical type).
    let int_range = column.logical_type.integer_range().and_then(|_| {
        let mut constraints = super::domain::Constraints::default();
        super::engine_limits(engine, column, &mut constraints);
        super::domain::integer_limits(&column.logical_type, &constraints).ok()
    });
    let decimal = match column.logical_type {
        LogicalType::Decimal { precision, scale } => {
            let scale = scale.unwrap_or(crate::synth::arrow::DEFAULT_DECIMAL_SCALE as u32);
            // Unconstrained numerics get 15 integer digits: every engine's
            // DECIMAL and a float reading it back hold them.
            let digits = precision.unwrap_or(15 + scale).min(38);
            Some((10i128.pow(digits) - 1, scale))
        }
        _ => None,
    };
    let float_specials = matches!(target, Target::Postgres | Target::Files);
    // MySQL's TIMESTAMP holds 1970 to 2038 only; its DATE and DATETIME start in year 1000.
    let days = match target {
        Target::Mysql
            if column.logical_type == LogicalType::TimestampTz
                || native.starts_with("timestamp") =>
        {
            (1, 24_850)
        }
        Target::Mysql => (-354_285, 2_932_896),
        _ => (-719_162, 2_932_896),
    };
    Limits {
        max_chars,
        fixed_width: matches!(column.logical_type, LogicalType::Char { .. }),
        narrow_charset,
        single_byte,
        int_range,
        unsigned: column.unsigned,
        decimal,
        float_specials,
        single_precision: column.logical_type == LogicalType::Float32,
        time_infinity: target == Target::Postgres,
        default: default_value(column),
        choices: Vec::new(),
        days,
        semantic: semantic(cp),
    }
}

/// The profile's placeholders for a column that its distribution does not
/// already produce, as values with cumulative shares per million.
fn observed_placeholders(
    observed: Option<&crate::profile::stats::MessObserved>,
    cp: &super::ColumnPlan,
) -> Vec<(crate::value::Value, u32)> {
    let Some(m) = observed else { return Vec::new() };
    let domain = match &cp.rule {
        Rule::Sample(d) | Rule::Pool { domain: d, .. } | Rule::After { domain: d, .. } => d,
        _ => return Vec::new(),
    };
    let found: Vec<(crate::value::Value, f64)> = m
        .sentinels
        .iter()
        .filter_map(|s| {
            let v = super::distribution::parse_common(domain, &s.value)?;
            let beyond =
                s.fraction - super::distribution::point_share(&cp.distribution, domain, &v);
            (beyond > 0.0).then_some((v, beyond))
        })
        .collect();
    let total: f64 = found.iter().map(|(_, f)| f).sum();
    let mut until = 0.0;
    found
        .into_iter()
        .map(|(v, f)| {
            until += f / total;
            (v, (until * 1e6).round().min(1e6) as u32)
        })
        .collect()
}

/// A column's DEFAULT when it is a literal of the column's type
/// (`'active'::character varying`, `0`, `false`, `'2020-01-01'`), as a value;
/// `None` for expressions (`now()`, `nextval(…)`, `CURRENT_TIMESTAMP`).
fn default_value(column: &Column) -> Option<crate::value::Value> {
    use crate::value::{self, Value};
    let literal = default_literal(column)?;
    match &column.logical_type {
        LogicalType::Boolean => match literal.to_ascii_lowercase().as_str() {
            "true" | "t" | "1" => Some(Value::Bool(true)),
            "false" | "f" | "0" => Some(Value::Bool(false)),
            _ => None,
        },
        t if t.integer_range().is_some() => {
            let (lo, hi) = t.integer_range()?;
            let v: i64 = literal.parse().ok()?;
            let lo = if column.unsigned { 0 } else { lo };
            (lo..=hi).contains(&v).then_some(Value::Int(v))
        }
        LogicalType::Float32 | LogicalType::Float64 => literal
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Value::Float),
        LogicalType::Decimal { precision, scale } => {
            let scale = scale.unwrap_or(crate::synth::arrow::DEFAULT_DECIMAL_SCALE as u32);
            let v: f64 = literal.parse().ok()?;
            let scaled = (v * 10f64.powi(scale as i32)).round();
            let digits = precision.unwrap_or(15 + scale).min(38);
            (scaled.abs() < 10f64.powi(digits as i32)).then_some(Value::Decimal(scaled as i128))
        }
        LogicalType::Text { max_length } => (max_length
            .is_none_or(|m| literal.chars().count() <= m as usize)
            && !literal.contains('\0'))
        .then_some(Value::text(literal)),
        LogicalType::Date => value::parse_date(&literal).map(|d| Value::Date(d as i32)),
        LogicalType::Timestamp | LogicalType::TimestampTz => {
            value::parse_timestamp(&literal).map(Value::Timestamp)
        }
        _ => None,
    }
}

/// The text of a column's DEFAULT when it is a literal, unquoted and
/// without PostgreSQL's `::type` cast; `None` for an expression.
pub fn default_literal(column: &Column) -> Option<String> {
    let mut text = column.default.as_deref()?.trim();
    // PostgreSQL casts its literals: strip `::type` that follows the literal.
    while let Some(i) = text.rfind("::") {
        if text[i..].contains('\'') {
            break;
        }
        text = text[..i].trim();
    }
    let text = text.trim_start_matches('(').trim_end_matches(')').trim();
    let quoted = text.len() >= 2 && text.starts_with('\'') && text.ends_with('\'');
    let literal = if quoted {
        text[1..text.len() - 1].replace("''", "'")
    } else {
        text.to_owned()
    };
    // An unquoted word with letters is an expression or a keyword (MySQL
    // leaves string defaults unquoted, but then they are not SQL words).
    let expression = !quoted
        && (literal.contains('(')
            || literal.eq_ignore_ascii_case("null")
            || literal.to_ascii_uppercase().starts_with("CURRENT_"));
    (!expression).then_some(literal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    fn column(logical_type: LogicalType, default: &str) -> Column {
        Column {
            name: "c".into(),
            native_type: String::new(),
            logical_type,
            nullable: false,
            default: Some(default.into()),
            identity: None,
            generated: None,
            domain: None,
            unsigned: false,
            collation: None,
            comment: None,
        }
    }

    #[test]
    fn literal_defaults_are_values_and_expressions_are_not() {
        let text = LogicalType::Text {
            max_length: Some(10),
        };
        let cases = [
            (
                text.clone(),
                "'basic'::character varying",
                Some(Value::Text("basic".into())),
            ),
            (text.clone(), "'it''s'", Some(Value::Text("it's".into()))),
            (text.clone(), "'far too long for it'", None),
            (LogicalType::Int32, "0", Some(Value::Int(0))),
            (LogicalType::Int32, "(-1)", Some(Value::Int(-1))),
            (LogicalType::Int32, "nextval('s'::regclass)", None),
            (LogicalType::Boolean, "false", Some(Value::Bool(false))),
            (
                LogicalType::Decimal {
                    precision: Some(8),
                    scale: Some(2),
                },
                "0.5",
                Some(Value::Decimal(50)),
            ),
            (LogicalType::Timestamp, "now()", None),
            (LogicalType::Timestamp, "CURRENT_TIMESTAMP", None),
            (
                LogicalType::Date,
                "'2020-01-01'::date",
                Some(Value::Date(18_262)),
            ),
            (text, "NULL", None),
        ];
        for (t, default, want) in cases {
            assert_eq!(default_value(&column(t, default)), want, "{default}");
        }
    }

    /// A column planned to draw from these common values.
    fn drawn(
        logical_type: LogicalType,
        domain: Domain,
        common: &[(&str, f64)],
    ) -> super::super::ColumnPlan {
        let stats = crate::profile::ColumnStats {
            column: "c".into(),
            most_common: common
                .iter()
                .map(|(v, f)| crate::profile::stats::Frequency {
                    value: (*v).into(),
                    fraction: *f,
                })
                .collect(),
            ..Default::default()
        };
        super::super::ColumnPlan {
            name: "c".into(),
            logical_type,
            written: true,
            null_per_million: 0,
            rule: Rule::Sample(domain.clone()),
            excluded: Vec::new(),
            distribution: super::super::distribution::build(&domain, Some(&stats)),
            copula: None,
            follows: None,
            given: None,
            banded: None,
            copy: None,
            names: None,
            within: None,
        }
    }

    #[test]
    fn realistic_rates_leave_out_what_the_common_values_already_are() {
        use crate::profile::stats::{Frequency, MessObserved};
        // Northwind's `discontinued`: 0 in 87% of the products is a common
        // value, not a placeholder to add (it had made 40 of 77 rows -1).
        let flag = drawn(
            LogicalType::Int32,
            Domain::Int { lo: 0, hi: 1 },
            &[("0", 0.87), ("1", 0.13)],
        );
        let observed = MessObserved {
            sentinels: vec![Frequency {
                value: "0".into(),
                fraction: 0.87,
            }],
            ..Default::default()
        };
        assert_eq!(
            observed_rate(Class::Placeholders, Some(&observed), &flag, 77),
            0.0
        );
        // A kept `Zürich` in 40% of the rows is non-ASCII as it is: of 50%
        // observed, the other 60% of the rows need (0.5 - 0.4) / 0.6.
        let city = drawn(
            LogicalType::Text {
                max_length: Some(20),
            },
            Domain::Text {
                min_len: 1,
                max_len: 20,
                semantic: Semantic::Words,
            },
            &[("Zürich", 0.4), ("Bern", 0.3)],
        );
        let observed = MessObserved {
            non_ascii: 0.5,
            ..Default::default()
        };
        let rate = observed_rate(Class::Unicode, Some(&observed), &city, 1000);
        assert!((rate - 1.0 / 6.0).abs() < 1e-3, "{rate}");
    }

    #[test]
    fn config_errors_name_the_place() {
        let err = Config::parse("[classes.unicode]\nrate = 0.1\nspeed = 3\n").unwrap_err();
        assert!(
            err.to_string().contains("line 3") && err.to_string().contains("speed"),
            "{err}"
        );
        let err = Config::parse("[fragment]\ndead_share = 0.95\n").unwrap_err();
        assert!(err.to_string().contains("0.9"), "{err}");
        let ok = Config::parse("preset = \"none\"\n[fragment]\ncorrelation = -0.5\n").unwrap();
        assert_eq!(ok.preset, Some(Preset::None));
        assert_eq!(ok.fragment.correlation, Some(-0.5));
    }
}
