//! Planning: from a profile and the user's options to what every chunk of
//! every table will hold.
//!
//! The plan fixes row counts, the load order (parents first, cycles broken
//! by nullable foreign keys filled afterwards), chunk ranges, and for every
//! column the rule its values follow: a sequence, a component of a unique
//! key, a reference into a parent, or a draw from a domain. It reads no
//! database and writes nothing; [`crate::synth`] turns it into values.

pub mod distribution;
pub mod domain;
pub mod fanout;
mod graph;
pub mod mess;

pub use distribution::Distribution;
pub use domain::{Domain, Semantic};
pub use graph::{LoadOrder, load_order};

use crate::error::PlanError;
use crate::profile::{ColumnStats, Profile};
use crate::schema::check::{self, Literal, Predicate};
use crate::schema::{Identity, LogicalType, QualifiedName, Schema, Table};
use crate::value::Value;
use domain::Constraints;
use std::collections::BTreeSet;

/// Memory one chunk may take while it is built, when `--chunk-rows` is not given.
pub const DEFAULT_CHUNK_BYTES: u64 = 16 * 1024 * 1024;
/// Rows per chunk at most (also the largest Parquet row group patina writes).
pub const MAX_CHUNK_ROWS: u64 = 1 << 18;

/// What the user asked for.
#[derive(Clone, Debug)]
pub struct Options {
    /// The seed every value derives from.
    pub seed: u64,
    /// Multiplier on the profile's row counts.
    pub scale: f64,
    /// Row counts per table (`None` = every table), applied in order after `scale`.
    pub rows: Vec<(Option<String>, u64)>,
    /// Rows per chunk; `None` sizes chunks from the row width (about 16 MB each).
    pub chunk_rows: Option<u64>,
    /// `table.constraint` names of CHECK constraints to leave unchecked.
    pub ignore_checks: Vec<String>,
    /// Which share of every table's chunks this run generates.
    pub shard: Shard,
    /// The tables to write (empty: every table). The others are still
    /// planned at their row counts, so references into them point at the
    /// rows they would hold.
    pub tables: Vec<String>,
    /// Which mess goes where.
    pub mess: mess::Options,
}

/// One of `count` runs that share a job: it generates the chunks whose index
/// is `index` modulo `count`. Values depend on row indexes only, so the
/// shards' chunks together are exactly the chunks of one whole run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This run, from 0.
    pub index: u64,
    /// Runs in all (at least 1).
    pub count: u64,
}

impl Shard {
    /// The whole job in one run.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Whether this is one part of several.
    pub fn is_part(self) -> bool {
        self.count > 1
    }

    /// Whether chunk `chunk_index` belongs to this shard.
    pub fn has(self, chunk_index: u64) -> bool {
        chunk_index % self.count.max(1) == self.index
    }
}

impl Default for Shard {
    fn default() -> Self {
        Self::WHOLE
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `I/N`, with `0 <= I < N`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("expected I/N (this shard / shards in all), got `{s}`"))?;
        let parse = |x: &str| {
            x.trim()
                .parse::<u64>()
                .map_err(|_| format!("`{x}` is not a number"))
        };
        let (index, count) = (parse(i)?, parse(n)?);
        if count == 0 || index >= count {
            return Err(format!("shard {index}/{count}: need 0 <= I < N"));
        }
        Ok(Self { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            seed: 0,
            scale: 1.0,
            rows: Vec::new(),
            chunk_rows: None,
            ignore_checks: Vec::new(),
            shard: Shard::WHOLE,
            tables: Vec::new(),
            mess: mess::Options::default(),
        }
    }
}

/// The whole generation plan.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The seed.
    pub seed: u64,
    /// The schema being generated.
    pub schema: Schema,
    /// One plan per table, in schema order.
    pub tables: Vec<TablePlan>,
    /// Load order and deferred foreign keys.
    pub order: LoadOrder,
    /// The chunks this run generates.
    pub shard: Shard,
    /// Where the mess goes.
    pub mess: mess::MessPlan,
}

impl Plan {
    /// Whether this run writes table `t` (`--tables`; every table by default).
    pub fn writes(&self, t: usize) -> bool {
        self.order.tables.contains(&t)
    }

    /// Whether column `c` of table `t` takes a new value in most rows of a
    /// chunk: a sequence, a key component or a reference with at least a
    /// chunk's worth of values, or draws (independent or from a pool) from at
    /// least that many values where no common value or other column decides
    /// most rows. A chunk of n rows drawn from n values holds about 63% of
    /// them; from more, more. A dictionary of such a column's chunk would
    /// hold most of its values, so the Parquet writer makes none: it would
    /// cost time and, for numbers, more bytes than the plain values.
    pub fn mostly_distinct(&self, t: usize, c: usize) -> bool {
        let table = &self.tables[t];
        let column = &table.columns[c];
        let wide = |values: u128| values >= u128::from(table.chunk_rows);
        let own = column.given.is_none()
            && column.banded.is_none()
            && column.copy.is_none()
            && column.distribution.common_share() < distribution::MILLION / 2;
        match &column.rule {
            Rule::Sequence { .. } => true,
            Rule::Key { key, component } => {
                let key = &table.keys[*key];
                key.components.len() == 1 || wide(u128::from(key.components[*component].size()))
            }
            Rule::Reference { foreign_key, .. } => {
                let fk = &table.foreign_keys[*foreign_key];
                fk.null_per_million < distribution::MILLION / 2
                    && wide(u128::from(self.tables[fk.parent].rows))
            }
            Rule::Sample(domain) => own && wide(domain.size()),
            Rule::Pool { size, .. } => own && wide(u128::from(*size)),
            Rule::After { .. } | Rule::Computed => false,
        }
    }
}

/// What one table will hold.
#[derive(Clone, Debug)]
pub struct TablePlan {
    /// The table's name.
    pub name: QualifiedName,
    /// The name as used in stream addresses (`schema.table`).
    pub address: String,
    /// Rows to generate.
    pub rows: u64,
    /// Rows per chunk.
    pub chunk_rows: u64,
    /// One entry per column of the table, in column order.
    pub columns: Vec<ColumnPlan>,
    /// Foreign keys, in the table's order.
    pub foreign_keys: Vec<ForeignKeyPlan>,
    /// Unique keys whose columns are decoded from one permuted index.
    pub keys: Vec<KeyPlan>,
}

impl TablePlan {
    /// Number of chunks.
    pub fn chunk_count(&self) -> u64 {
        self.rows.div_ceil(self.chunk_rows.max(1))
    }

    /// The row range of a chunk.
    pub fn chunk_range(&self, chunk_index: u64) -> std::ops::Range<u64> {
        let start = chunk_index * self.chunk_rows;
        start..(start + self.chunk_rows).min(self.rows)
    }

    /// The chunks of this table that `shard` generates, in order.
    pub fn shard_chunks(&self, shard: Shard) -> impl Iterator<Item = u64> + use<> {
        (0..self.chunk_count()).filter(move |&i| shard.has(i))
    }

    /// Rows in the chunks that `shard` generates.
    pub fn shard_rows(&self, shard: Shard) -> u64 {
        self.shard_chunks(shard)
            .map(|i| {
                let range = self.chunk_range(i);
                range.end - range.start
            })
            .sum()
    }

    /// Indexes of the columns a sink writes (generated columns are left to the database).
    pub fn written_columns(&self) -> Vec<usize> {
        (0..self.columns.len())
            .filter(|&i| self.columns[i].written)
            .collect()
    }
}

/// What one column will hold.
#[derive(Clone, Debug)]
pub struct ColumnPlan {
    /// Column name.
    pub name: String,
    /// Its logical type.
    pub logical_type: LogicalType,
    /// False for generated columns, which the database computes.
    pub written: bool,
    /// Share of NULLs, per million rows.
    pub null_per_million: u32,
    /// How values are made.
    pub rule: Rule,
    /// Values a CHECK forbids; a draw that hits one is replaced.
    pub excluded: Vec<Value>,
    /// How `Sample` and `Pool` draws spread over the domain (the profile's shape).
    pub distribution: Distribution,
    /// For a `Sample` correlated with another column: how.
    pub copula: Option<distribution::Copula>,
    /// A date or time column the profile shows at or after another one in
    /// (almost) every row (`shipped_at >= ordered_at`, or a child's time
    /// after its parent's).
    pub follows: Option<Follow>,
    /// A categorical column whose value depends on another's (the profile's
    /// association between them).
    pub given: Option<Given>,
    /// A categorical column whose values depend on the bucket (or NULL) of a
    /// number or time column of the same row.
    pub banded: Option<Banded>,
    /// A text or number column that copies its parent's column along a foreign key
    /// (foreign key index, parent column index, and whether a NULL parent
    /// value is copied too: the column's own NULLs then come from the parent).
    pub copy: Option<(usize, usize, bool)>,
    /// An e-mail column whose local part is made from the row's names.
    pub names: Option<Names>,
    /// A place drawn from a set of its own per value of the column it
    /// belongs to: (that column, values per set).
    pub within: Option<(usize, u64)>,
}

/// An e-mail made from the names of its row (the profile's `email_names`):
/// a drawn form of the first and last name, sometimes digits, a provider.
#[derive(Clone, Debug, PartialEq)]
pub struct Names {
    /// The first-name column, or the full-name column when `last` is `None`.
    pub first: usize,
    /// The last-name column.
    pub last: Option<usize>,
    /// Forms with cumulative shares per million of the rows; rows past the
    /// last share are drawn by the column's own rule.
    pub forms: Vec<(crate::profile::stats::NameForm, u32)>,
    /// Share per million of the rows made from names that end in digits.
    pub digits: u32,
}

/// Share of rows an association's combinations or a banding's cells must
/// hold for generation to follow it.
const KEPT_CELLS: f64 = 0.8;

/// Values with cumulative shares per million (the last at a million).
pub type Choices = Vec<(Value, u32)>;
/// Values with their shares.
type Shares = Vec<(Value, f64)>;

/// The values of a column given which bucket of another column's histogram
/// its value falls in.
#[derive(Clone, Debug, PartialEq)]
pub struct Banded {
    /// The number or time column.
    pub base: usize,
    /// Its histogram bounds, as numbers (times in microseconds).
    pub bounds: Vec<f64>,
    /// Digits after the point when the base is a decimal.
    pub scale: u32,
    /// Per bucket (`None`: the base is NULL), this column's values with
    /// cumulative shares per million.
    pub table: Vec<(Option<u32>, Choices)>,
}

/// A value as the number its histogram bounds are written in: decimals
/// unscaled, dates and timestamps in microseconds.
pub fn as_number(value: &Value, scale: u32) -> Option<f64> {
    match value {
        Value::Decimal(d) => Some(*d as f64 / 10f64.powi(scale as i32)),
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Date(d) => Some(f64::from(*d) * crate::value::MICROS_PER_DAY as f64),
        Value::Timestamp(t) => Some(*t as f64),
        _ => None,
    }
}

/// The values of a column given another column's value in the same row.
#[derive(Clone, Debug, PartialEq)]
pub struct Given {
    /// The column whose value decides.
    pub base: usize,
    /// For each of its values, this column's values with cumulative shares per million.
    pub table: Vec<(Value, Vec<(Value, u32)>)>,
    /// For each common value of the base, this column's NULL share per million
    /// in the rows holding it (a customer outside the US has no state), where
    /// the column has NULLs; base values not listed use the column's own share.
    pub nulls: Vec<(Value, u32)>,
}

/// What a time column comes after, and by how much.
#[derive(Clone, Debug, PartialEq)]
pub struct Follow {
    /// The earlier value's place.
    pub base: Base,
    /// Equi-depth bounds of the delay in seconds: the value is the base plus
    /// a delay drawn from them. Empty: the column is drawn on its own and a
    /// draw that falls before the base is reflected to after it.
    pub delay: Vec<i64>,
}

/// Where the earlier value of a [`Follow`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    /// Another column of the same row.
    Column(usize),
    /// A column of the parent row a foreign key points at.
    Parent {
        /// Index into `TablePlan::foreign_keys`.
        foreign_key: usize,
        /// Column index in the parent table.
        column: usize,
    },
}

/// How a column's values are made.
#[derive(Clone, Debug)]
pub enum Rule {
    /// `start + row index`: integer primary keys and identity columns.
    Sequence {
        /// The first value.
        start: i64,
    },
    /// The `component`-th part of unique key `key`.
    Key {
        /// Index into `TablePlan::keys`.
        key: usize,
        /// Index into the key's components.
        component: usize,
    },
    /// The `position`-th column of foreign key `foreign_key`.
    Reference {
        /// Index into `TablePlan::foreign_keys`.
        foreign_key: usize,
        /// Position within the key's columns.
        position: usize,
    },
    /// An independent draw from the domain.
    Sample(Domain),
    /// One of `size` distinct values drawn from the domain (categorical columns).
    Pool {
        /// Number of distinct values.
        size: u64,
        /// Where they come from.
        domain: Domain,
    },
    /// At least (or, `strict`, more than) another column of the same row.
    After {
        /// The column it follows.
        base: usize,
        /// `>` rather than `>=`.
        strict: bool,
        /// The column's own domain (its upper bound holds).
        domain: Domain,
    },
    /// Not generated (a generated column).
    Computed,
}

/// How a foreign key picks its parent row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParentPick {
    /// Any parent row, uniformly (the profile has no fan-out for this key).
    Uniform,
    /// Children per parent as the profile's fan-out shows.
    Spread(fanout::FanOut),
    /// A row earlier in the same table (self-reference): loads in order.
    Earlier,
    /// The row just before (a unique self-reference): row 0 refers to nothing.
    Previous,
    /// Decided by a unique key this foreign key is a component of.
    Key {
        /// Index into `TablePlan::keys`.
        key: usize,
        /// Index into the key's components.
        component: usize,
    },
}

/// A foreign key, as generated.
#[derive(Clone, Debug)]
pub struct ForeignKeyPlan {
    /// Its label for messages.
    pub label: String,
    /// Parent table index.
    pub parent: usize,
    /// Child column indexes.
    pub columns: Vec<usize>,
    /// Parent column indexes, pairwise.
    pub parent_columns: Vec<usize>,
    /// Share of NULL references, per million.
    pub null_per_million: u32,
    /// How the parent row is chosen.
    pub pick: ParentPick,
    /// Loaded as NULL first and filled after every table (breaks a cycle).
    pub deferred: bool,
}

/// A unique key whose values are decoded from a permuted row index.
#[derive(Clone, Debug)]
pub struct KeyPlan {
    /// Its label for messages.
    pub label: String,
    /// The parts of the key, most significant first.
    pub components: Vec<KeyComponent>,
    /// Number of distinct combinations (product of component sizes).
    pub capacity: u64,
    /// When the leading component is a reference with a fan-out: children
    /// follow it, and the other components number each parent's children.
    pub spread: Option<fanout::FanOut>,
    /// With `spread`, when the key is two references and the second has a
    /// fan-out of its own (a part's suppliers, each supplier with its own
    /// count of parts): the second follows it too (see `Generator::key_digit`),
    /// with the stride that keeps each parent's children on distinct second
    /// parents.
    pub second: Option<(fanout::FanOut, u64)>,
}

/// One part of a unique key.
#[derive(Clone, Debug)]
pub enum KeyComponent {
    /// A foreign key: the digit is the parent row index.
    Reference {
        /// Index into `TablePlan::foreign_keys`.
        foreign_key: usize,
        /// Parent rows.
        size: u64,
    },
    /// A free column: the digit selects the digit-th value of its domain.
    Column {
        /// Column index.
        column: usize,
        /// Values used.
        size: u64,
        /// The domain enumerated.
        domain: Domain,
    },
}

impl KeyComponent {
    /// Number of values this component takes.
    pub fn size(&self) -> u64 {
        match self {
            KeyComponent::Reference { size, .. } | KeyComponent::Column { size, .. } => *size,
        }
    }
}

/// The stride for a key's second reference (see `KeyPlan::second`): the
/// least c above the most children any second parent gets, coprime with the
/// `rows` child slots (so slot × c mod rows is one-to-one), with the lead's
/// busiest parent's children, c apart, still inside the slots. Siblings then
/// land at least c apart, each past the end of the other's second parent's
/// run of slots. `None` when no such c exists (too few rows).
fn second_stride(lead_most: u64, second_most: u64, rows: u64) -> Option<u64> {
    let gcd = |mut a: u64, mut b: u64| {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    (second_most.saturating_add(1)..)
        .take(1_000)
        .find(|&c| gcd(c, rows) == 1)
        .filter(|&c| u128::from(c) * u128::from(lead_most.max(1)) <= u128::from(rows))
}

/// Builds the plan.
pub fn build(profile: &Profile, options: &Options) -> Result<Plan, PlanError> {
    let schema = &profile.schema;
    let rows = row_counts(profile, options)?;
    let deferrable = |t: usize, f: usize| {
        let table = &schema.tables[t];
        let fk = &table.foreign_keys[f];
        let in_key = |c: &String| {
            table
                .primary_key
                .iter()
                .chain(&table.uniques)
                .any(|k| k.columns.contains(c))
        };
        // Filling afterwards needs a key to find each row by.
        let has_key = table.primary_key.is_some() || !table.uniques.is_empty();
        has_key
            && fk
                .columns
                .iter()
                .all(|c| table.column(c).is_some_and(|col| col.nullable) && !in_key(c))
    };
    let mut order = load_order(schema, deferrable)?;
    if !options.tables.is_empty() {
        let chosen = options
            .tables
            .iter()
            .map(|name| {
                find_table(schema, name).ok_or_else(|| PlanError::UnknownChosenTable {
                    table: name.clone(),
                })
            })
            .collect::<Result<Vec<usize>, _>>()?;
        order.tables.retain(|t| chosen.contains(t));
        order.deferred.retain(|(t, _)| chosen.contains(t));
    }
    let mut tables = Vec::with_capacity(schema.tables.len());
    for (t, table) in schema.tables.iter().enumerate() {
        tables.push(plan_table(profile, options, t, table, &rows, &order)?);
    }
    // A chain of references (a column copied from a parent column that is
    // itself copied, ...) must end in a column that makes its own values.
    for (t, plan) in tables.iter().enumerate() {
        for c in 0..plan.columns.len() {
            let mut at = (t, c);
            let mut seen = BTreeSet::new();
            while let Rule::Reference {
                foreign_key,
                position,
            } = &tables[at.0].columns[at.1].rule
            {
                if !seen.insert(at) {
                    return Err(PlanError::Column {
                        table: plan.address.clone(),
                        column: plan.columns[c].name.clone(),
                        reason:
                            "its foreign keys copy it from a column that is copied back from it; \
                                 patina cannot generate this circular reference"
                                .into(),
                    });
                }
                let fk = &tables[at.0].foreign_keys[*foreign_key];
                at = (fk.parent, fk.parent_columns[*position]);
            }
        }
    }
    // A referenced column is never NULL: a child computes the parent's value
    // from the parent's row index and must find it there. A referenced column
    // that is itself a reference makes its own foreign key non-NULL, and so
    // on up the chain, until nothing changes.
    let mut changed = true;
    while changed {
        changed = false;
        for t in 0..tables.len() {
            for f in 0..tables[t].foreign_keys.len() {
                let (parent, parent_columns) = (
                    tables[t].foreign_keys[f].parent,
                    tables[t].foreign_keys[f].parent_columns.clone(),
                );
                for c in parent_columns {
                    tables[parent].columns[c].null_per_million = 0;
                    if let Rule::Reference { foreign_key, .. } = tables[parent].columns[c].rule {
                        let owning = &mut tables[parent].foreign_keys[foreign_key];
                        if owning.null_per_million != 0 {
                            owning.null_per_million = 0;
                            changed = true;
                        }
                    }
                }
            }
        }
    }
    for (table, plan) in schema.tables.iter().zip(&tables) {
        for (column, cp) in table.columns.iter().zip(&plan.columns) {
            if matches!(cp.rule, Rule::Sample(Domain::Literal(None)))
                && cp.null_per_million < 1_000_000
                && !column.nullable
            {
                return Err(PlanError::Column {
                    table: table.name.to_string(),
                    column: column.name.clone(),
                    reason: format!(
                        "patina knows no valid value of type `{}` and the column is NOT NULL; \
                         give it a default in the target and leave it out, or make it nullable",
                        column.native_type
                    ),
                });
            }
        }
    }
    let mess = mess::plan(profile, &tables, &options.mess, options.seed)?;
    Ok(Plan {
        seed: options.seed,
        schema: schema.clone(),
        tables,
        order,
        shard: options.shard,
        mess,
    })
}

fn row_counts(profile: &Profile, options: &Options) -> Result<Vec<u64>, PlanError> {
    if !(options.scale.is_finite() && options.scale >= 0.0) {
        return Err(PlanError::Option(format!(
            "--scale must be a finite number >= 0, not {}",
            options.scale
        )));
    }
    let mut rows: Vec<u64> = profile
        .schema
        .tables
        .iter()
        .map(|t| {
            let source = profile.stats(&t.name).map_or(0, |s| s.row_count);
            (source as f64 * options.scale).round() as u64
        })
        .collect();
    for (selector, n) in &options.rows {
        match selector {
            None => rows.iter_mut().for_each(|r| *r = *n),
            Some(name) => {
                let index =
                    find_table(&profile.schema, name).ok_or_else(|| PlanError::UnknownTable {
                        table: name.clone(),
                    })?;
                rows[index] = *n;
            }
        }
    }
    Ok(rows)
}

/// Finds a table by `schema.name` or bare `name` (case-sensitive first, then not).
pub fn find_table(schema: &Schema, name: &str) -> Option<usize> {
    let exact = |t: &Table| t.name.to_string() == name || t.name.name == name;
    if let Some(i) = schema.tables.iter().position(exact) {
        return Some(i);
    }
    let lower = name.to_lowercase();
    let matches: Vec<usize> = (0..schema.tables.len())
        .filter(|&i| {
            let t = &schema.tables[i];
            t.name.to_string().to_lowercase() == lower || t.name.name.to_lowercase() == lower
        })
        .collect();
    (matches.len() == 1).then(|| matches[0])
}

fn per_million(fraction: f64) -> u32 {
    (fraction.clamp(0.0, 1.0) * 1_000_000.0).round() as u32
}

#[allow(clippy::too_many_lines)]
fn plan_table(
    profile: &Profile,
    options: &Options,
    t: usize,
    table: &Table,
    rows: &[u64],
    order: &LoadOrder,
) -> Result<TablePlan, PlanError> {
    let schema = &profile.schema;
    let n = rows[t];
    let stats = profile.stats(&table.name);
    let column_stats = |name: &str| stats.and_then(|s| s.column(name));
    let col_err = |column: &str, reason: String| PlanError::Column {
        table: table.name.to_string(),
        column: column.to_owned(),
        reason,
    };

    // 1. What CHECK constraints, domains and partition bounds say, per column.
    let mut constraints: Vec<Constraints> = vec![Constraints::default(); table.columns.len()];
    let mut orderings: Vec<(usize, usize, bool)> = Vec::new(); // (later, base, strict)
    let mut checks: Vec<(String, String)> = table
        .checks
        .iter()
        .map(|c| (c.name.clone(), c.expression.clone()))
        .collect();
    for (i, column) in table.columns.iter().enumerate() {
        engine_limits(profile.source.engine, column, &mut constraints[i]);
        if let Some(domain) = column.domain.as_ref().and_then(|d| schema.domain(d)) {
            for c in &domain.checks {
                let expr = replace_value_keyword(&c.expression, &column.name);
                checks.push((format!("{}.{}", domain.name, c.name), expr));
            }
            if !domain.nullable {
                constraints[i].not_null = true;
            }
        }
    }
    for (name, expression) in &checks {
        let ignored = options.ignore_checks.iter().any(|ic| {
            ic == &format!("{}.{name}", table.name)
                || ic == &format!("{}.{name}", table.name.name)
                || ic == name
        });
        if ignored {
            continue;
        }
        let unsupported = |reason: String| PlanError::UnsupportedCheck {
            table: table.name.to_string(),
            constraint: name.clone(),
            expression: expression.clone(),
            reason,
        };
        let predicate = check::parse(expression).map_err(unsupported)?;
        apply_predicate(table, &predicate, &mut constraints, &mut orderings)
            .map_err(unsupported)?;
    }
    if let Some(partitioning) = &table.partitioning {
        apply_partition_bounds(table, partitioning, &mut constraints);
    }

    // 2. Foreign keys.
    let mut foreign_keys = Vec::with_capacity(table.foreign_keys.len());
    let mut owner: Vec<Option<(usize, usize)>> = vec![None; table.columns.len()];
    for (f, fk) in table.foreign_keys.iter().enumerate() {
        let parent = schema
            .table_index(&fk.referenced_table)
            .expect("validated when the profile was read");
        let parent_table = &schema.tables[parent];
        let columns: Vec<usize> = fk
            .columns
            .iter()
            .map(|c| table.column_index(c).expect("validated"))
            .collect();
        let parent_columns: Vec<usize> = fk
            .referenced_columns
            .iter()
            .map(|c| parent_table.column_index(c).expect("validated"))
            .collect();
        let nullable = columns
            .iter()
            .all(|&c| table.columns[c].nullable && !constraints[c].not_null);
        let mut null_per_million = if nullable {
            per_million(
                column_stats(&table.columns[columns[0]].name).map_or(0.0, |s| s.null_fraction),
            )
        } else {
            0
        };
        let deferred = order.deferred.contains(&(t, f));
        if n > 0 && rows[parent] == 0 {
            if nullable {
                null_per_million = 1_000_000;
            } else {
                return Err(PlanError::EmptyParent {
                    table: table.name.to_string(),
                    rows: n,
                    foreign_key: fk.label(),
                    parent: parent_table.name.to_string(),
                });
            }
        }
        let spread = stats
            .and_then(|s| s.foreign_keys.iter().find(|f| f.columns == fk.columns))
            .and_then(|s| fanout::build(s, rows[parent], n));
        let pick = match spread {
            _ if parent == t => ParentPick::Earlier,
            Some(fan_out) => ParentPick::Spread(fan_out),
            None => ParentPick::Uniform,
        };
        foreign_keys.push(ForeignKeyPlan {
            label: fk.label(),
            parent,
            columns,
            parent_columns,
            null_per_million,
            pick,
            deferred,
        });
    }

    // A column in several foreign keys takes its value from the widest one
    // (`(tenant_id, node_id) -> node` rather than `tenant_id -> tenant`): the
    // narrower one then holds through the parent, which refers to the same row.
    let mut by_width: Vec<usize> = (0..foreign_keys.len()).collect();
    by_width.sort_by_key(|&f| std::cmp::Reverse(foreign_keys[f].columns.len()));
    for f in by_width {
        for (position, &c) in foreign_keys[f].columns.iter().enumerate() {
            if owner[c].is_none() {
                owner[c] = Some((f, position));
            }
        }
    }
    // A column a self-reference maps onto itself (`(tenant_id, parent_id) ->
    // (tenant_id, id)`) would be defined by its own value: refuse, never loop.
    for fk in &foreign_keys {
        if fk.parent == t
            && let Some(position) = fk
                .columns
                .iter()
                .zip(&fk.parent_columns)
                .position(|(c, p)| c == p)
        {
            let c = fk.columns[position];
            if owner[c].is_some_and(|(f, _)| foreign_keys[f].parent == t) {
                return Err(col_err(
                    &table.columns[c].name,
                    format!(
                        "foreign key {} refers to its own table through this same column, so its value \
                         would be defined by itself; patina cannot generate this self-reference yet",
                        fk.label
                    ),
                ));
            }
        }
    }

    // 3. Domains for the other columns.
    let mut column_plans: Vec<ColumnPlan> = Vec::with_capacity(table.columns.len());
    for (i, column) in table.columns.iter().enumerate() {
        let cs = column_stats(&column.name);
        let enum_values = match &column.logical_type {
            LogicalType::Enum { name } => schema.enum_type(name).map(|e| e.values.as_slice()),
            LogicalType::Array { element } => match element.as_ref() {
                LogicalType::Enum { name } => schema.enum_type(name).map(|e| e.values.as_slice()),
                _ => None,
            },
            _ => None,
        };
        let domain = domain::build(
            &column.logical_type,
            &column.name,
            cs,
            &constraints[i],
            enum_values,
        )
        .map_err(|reason| col_err(&column.name, reason))?;
        let excluded = constraints[i]
            .excluded
            .iter()
            .filter_map(|l| domain::literal_value(&column.logical_type, l).ok())
            .collect();
        let not_null = !column.nullable || constraints[i].not_null;
        // A reference's NULLs are decided once for the whole foreign key.
        let null_per_million = if not_null || owner[i].is_some() {
            0
        } else {
            per_million(cs.map_or(0.0, |s| s.null_fraction))
        };
        let distribution = distribution::build(&domain, cs);
        let rule = if column.generated.is_some() {
            Rule::Computed
        } else if let Some((foreign_key, position)) = owner[i] {
            Rule::Reference {
                foreign_key,
                position,
            }
        } else {
            sample_rule(domain, cs, stats.map_or(0, |s| s.row_count))
        };
        column_plans.push(ColumnPlan {
            name: column.name.clone(),
            logical_type: column.logical_type.clone(),
            written: column.generated.is_none(),
            null_per_million,
            rule,
            excluded,
            distribution,
            copula: None,
            follows: None,
            given: None,
            banded: None,
            copy: None,
            names: None,
            within: None,
        });
    }

    // 4. Unique keys: smallest first; a key containing an already unique column is satisfied.
    let mut unique_sets: Vec<BTreeSet<usize>> = Vec::new();
    let mut keys: Vec<KeyPlan> = Vec::new();
    let mut all_keys: Vec<&crate::schema::Key> =
        table.primary_key.iter().chain(&table.uniques).collect();
    all_keys.sort_by_key(|k| k.columns.len());
    for key in all_keys {
        let cols: BTreeSet<usize> = key
            .columns
            .iter()
            .map(|c| table.column_index(c).expect("validated"))
            .collect();
        if unique_sets.iter().any(|u| u.is_subset(&cols)) {
            continue;
        }
        let is_primary = table.primary_key.as_ref() == Some(key);
        for &c in &cols {
            if is_primary {
                column_plans[c].null_per_million = 0;
            }
        }
        // A single integer column that is the primary key or an identity: a sequence.
        if cols.len() == 1 {
            let c = *cols.iter().next().expect("one column");
            let column = &table.columns[c];
            let identity = column.identity.is_some();
            if owner[c].is_none()
                && column.logical_type.integer_range().is_some()
                && (is_primary || identity)
                && column.generated.is_none()
            {
                // What the type, the engine and the CHECKs allow (never the
                // statistics, which describe the source's rows, not a limit).
                let (min, max) = domain::integer_limits(&column.logical_type, &constraints[c])
                    .map_err(|reason| col_err(&column.name, reason))?;
                let observed = match &column_plans[c].rule {
                    Rule::Sample(Domain::Int { lo, .. })
                    | Rule::Pool {
                        domain: Domain::Int { lo, .. },
                        ..
                    } => *lo,
                    _ => 1,
                };
                // Start where the source's keys start (an identity's START WITH), at 1 at least.
                let start = observed.max(1).max(min);
                if n > 0 && (i128::from(start) + i128::from(n) - 1) > i128::from(max) {
                    return Err(PlanError::Capacity {
                        table: table.name.to_string(),
                        constraint: key.label(),
                        capacity: (i128::from(max) - i128::from(start) + 1).max(0) as u128,
                        rows: n,
                    });
                }
                column_plans[c].rule = Rule::Sequence { start };
                unique_sets.push(cols);
                continue;
            }
        }
        let key_index = keys.len();
        let mut components = Vec::new();
        let mut bound_fks = BTreeSet::new();
        // Foreign keys first (most significant), then free columns.
        for &c in &cols {
            if let Some((f, _)) = owner[c]
                && bound_fks.insert(f)
            {
                let size = rows[foreign_keys[f].parent];
                components.push(KeyComponent::Reference {
                    foreign_key: f,
                    size,
                });
            }
        }
        // A unique self-reference (a linked list: `next_id UNIQUE REFERENCES
        // item`) must point backwards to load in order: row i takes row i - 1.
        let self_reference = components.iter().find_map(|part| match part {
            KeyComponent::Reference { foreign_key, .. }
                if foreign_keys[*foreign_key].parent == t =>
            {
                Some(*foreign_key)
            }
            _ => None,
        });
        if let Some(f) = self_reference {
            let only_this_fk = cols.iter().all(|&c| owner[c].is_some_and(|(g, _)| g == f));
            let nullable = foreign_keys[f]
                .columns
                .iter()
                .all(|&c| table.columns[c].nullable);
            if only_this_fk && nullable {
                foreign_keys[f].pick = ParentPick::Previous;
                unique_sets.push(cols);
                continue;
            }
            return Err(PlanError::Column {
                table: table.name.to_string(),
                column: foreign_keys[f]
                    .columns
                    .iter()
                    .map(|&c| table.columns[c].name.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
                reason: format!(
                    "key {} makes the self-referencing foreign key {} one-to-one; patina generates that \
                     only for a nullable foreign key that is the whole key",
                    key.label(),
                    foreign_keys[f].label
                ),
            });
        }
        let fk_capacity = components
            .iter()
            .fold(1u128, |acc, c| acc.saturating_mul(u128::from(c.size())));
        let mut needed = u128::from(n.max(1)).div_ceil(fk_capacity.max(1));
        // A leading reference with a fan-out: the other components must number
        // the children of its busiest parent.
        let lead_spread = match components.first() {
            Some(KeyComponent::Reference { foreign_key, size }) => {
                match &foreign_keys[*foreign_key].pick {
                    ParentPick::Spread(f) => {
                        let others = fk_capacity / u128::from((*size).max(1));
                        needed = needed.max(u128::from(f.most_children()).div_ceil(others.max(1)));
                        Some(f.clone())
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        for &c in &cols {
            if owner[c].is_some() {
                continue;
            }
            let domain = match &column_plans[c].rule {
                Rule::Sample(d) | Rule::Pool { domain: d, .. } => {
                    let limits =
                        domain::integer_limits(&table.columns[c].logical_type, &constraints[c])
                            .ok();
                    widen_for_key(d.clone(), n, limits)
                }
                Rule::Sequence { .. }
                | Rule::Key { .. }
                | Rule::Reference { .. }
                | Rule::After { .. }
                | Rule::Computed => continue,
            };
            let size = needed.min(domain.size()).max(1);
            needed = needed.div_ceil(size);
            components.push(KeyComponent::Column {
                column: c,
                size: size.min(u128::from(u64::MAX)) as u64,
                domain,
            });
        }
        let capacity = components
            .iter()
            .fold(1u128, |acc, c| acc.saturating_mul(u128::from(c.size())));
        let spread = lead_spread.filter(|f| {
            components.len() > 1
                && u128::from(f.most_children())
                    <= capacity / u128::from(components[0].size().max(1))
        });
        let second = match (&spread, components.as_slice()) {
            (
                Some(lead),
                [
                    KeyComponent::Reference { .. },
                    KeyComponent::Reference { foreign_key, .. },
                ],
            ) => match &foreign_keys[*foreign_key].pick {
                ParentPick::Spread(f) => second_stride(lead.most_children(), f.most_children(), n)
                    .map(|stride| (f.clone(), stride)),
                _ => None,
            },
            _ => None,
        };
        if capacity < u128::from(n) || components.is_empty() {
            return Err(PlanError::Capacity {
                table: table.name.to_string(),
                constraint: key.label(),
                capacity,
                rows: n,
            });
        }
        for (component, part) in components.iter().enumerate() {
            match part {
                KeyComponent::Reference { foreign_key, .. } => {
                    foreign_keys[*foreign_key].pick = ParentPick::Key {
                        key: key_index,
                        component,
                    };
                    foreign_keys[*foreign_key].null_per_million = 0;
                }
                KeyComponent::Column { column, .. } => {
                    column_plans[*column].rule = Rule::Key {
                        key: key_index,
                        component,
                    };
                    column_plans[*column].null_per_million = 0;
                }
            }
        }
        keys.push(KeyPlan {
            label: key.label(),
            components,
            capacity: capacity.min(u128::from(u64::MAX)) as u64,
            spread,
            second,
        });
        unique_sets.push(cols);
    }

    // 5. Orderings between columns (`ends_at >= starts_at`).
    for (later, base, strict) in orderings {
        let (lt, bt) = (
            &table.columns[later].logical_type,
            &table.columns[base].logical_type,
        );
        let comparable = match (lt, bt) {
            (LogicalType::Decimal { scale: a, .. }, LogicalType::Decimal { scale: b, .. }) => {
                a == b
            }
            (LogicalType::Text { .. } | LogicalType::Char { .. }, _) => false,
            _ => lt == bt || (lt.integer_range().is_some() && bt.integer_range().is_some()),
        };
        if !comparable {
            return Err(col_err(
                &table.columns[later].name,
                format!(
                    "a CHECK orders it after `{}`, a column of another type or scale; patina orders \
                     numbers, dates and times of one type only (--ignore-check to go on)",
                    table.columns[base].name
                ),
            ));
        }
        let domain = match &column_plans[later].rule {
            Rule::Sample(d) | Rule::Pool { domain: d, .. } => d.clone(),
            Rule::After { .. } => {
                return Err(col_err(
                    &table.columns[later].name,
                    "CHECKs order it after two other columns; patina follows one ordering per column \
                     (--ignore-check the other)"
                        .into(),
                ));
            }
            _ => {
                return Err(col_err(
                    &table.columns[later].name,
                    "a CHECK orders it after another column, but it is also a key or a reference"
                        .into(),
                ));
            }
        };
        // The earlier column must leave room below the later one's ceiling.
        let step = i64::from(strict);
        let ceiling = |d: &mut Domain| match d {
            Domain::Int { lo, hi } | Domain::Float { lo, hi } => {
                if let Domain::Int { hi: top, .. } | Domain::Float { hi: top, .. } = &domain {
                    *hi = (*hi).min(top - step).max(*lo);
                }
            }
            Domain::Date { lo, hi } => {
                if let Domain::Date { hi: top, .. } = &domain {
                    *hi = (*hi).min(top - step as i32).max(*lo);
                }
            }
            Domain::Timestamp { lo, hi } => {
                if let Domain::Timestamp { hi: top, .. } = &domain {
                    *hi = (*hi).min(top - step * 1_000_000).max(*lo);
                }
            }
            Domain::Decimal { lo, hi, .. } => {
                if let Domain::Decimal { hi: top, .. } = &domain {
                    *hi = (*hi).min(top - i128::from(step)).max(*lo);
                }
            }
            _ => {}
        };
        match &mut column_plans[base].rule {
            Rule::Sample(d) | Rule::Pool { domain: d, .. } | Rule::After { domain: d, .. } => {
                ceiling(d)
            }
            _ => {}
        }
        column_plans[later].rule = Rule::After {
            base,
            strict,
            domain,
        };
    }

    if let Some(s) = stats {
        assign_copulas(table, &s.correlations, &mut column_plans);
        assign_orders(table, s, &mut column_plans);
        assign_parent_orders(schema, table, s, &foreign_keys, &mut column_plans);
        // A copy first: a value that is its parent's in (almost) every row
        // is a stronger fact than an association, and keeps the tuples of
        // copied columns (address, city, country) as consistent as the parent's.
        assign_copies(profile, table, s, &foreign_keys, &mut column_plans);
        assign_associations(table, &s.associations, &mut column_plans);
        assign_bandings(table, s, &mut column_plans);
        assign_email_names(table, s, &mut column_plans);
        assign_belongs(table, s, &mut column_plans);
    }

    let row_bytes: u64 = column_plans
        .iter()
        .map(|c| estimated_width(&c.rule))
        .sum::<u64>()
        .max(8);
    let chunk_rows = options
        .chunk_rows
        .unwrap_or((DEFAULT_CHUNK_BYTES / row_bytes).clamp(1024, MAX_CHUNK_ROWS))
        .max(1);
    Ok(TablePlan {
        name: table.name.clone(),
        address: table.name.to_string(),
        rows: n,
        chunk_rows,
        columns: column_plans,
        foreign_keys,
        keys,
    })
}

/// Ties each correlated column to the earlier column it correlates with
/// most strongly (a chain of Gaussian copulas). Only independent draws with
/// a histogram take part: keys, references and orderings keep their rules.
/// A sequence key may anchor too (its latent value is its row's rank), so a
/// time that grows with the key in the source (`invoice_date` with
/// `invoice_id`) grows with it here: rows come in the order they were made.
fn assign_copulas(
    table: &Table,
    correlations: &[crate::profile::stats::Correlation],
    plans: &mut [ColumnPlan],
) {
    let eligible = |plans: &[ColumnPlan], c: usize| {
        matches!(plans[c].rule, Rule::Sample(_) | Rule::Pool { .. })
            && !plans[c].distribution.steps.is_empty()
    };
    for c in 0..plans.len() {
        if !eligible(plans, c) {
            continue;
        }
        let best = correlations
            .iter()
            .filter_map(|k| {
                let first = table.column_index(&k.first)?;
                let second = table.column_index(&k.second)?;
                let other = match (first == c, second == c) {
                    (true, false) => second,
                    (false, true) => first,
                    _ => return None,
                };
                let sequence = matches!(plans[other].rule, Rule::Sequence { .. });
                ((other < c && eligible(plans, other)) || sequence).then_some((other, k.rank))
            })
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()));
        if let Some((anchor, rank)) = best {
            let weight = 2.0 * (std::f64::consts::PI * rank.clamp(-1.0, 1.0) / 6.0).sin();
            // A time that follows its key in (almost) every source row follows it in every row.
            let exact =
                matches!(plans[anchor].rule, Rule::Sequence { .. }) && rank >= EXACT_KEY_ORDER;
            plans[c].copula = Some(distribution::Copula {
                anchor: Some(anchor),
                weight: if exact {
                    1.0
                } else {
                    weight.clamp(-0.999, 0.999)
                },
            });
            if plans[anchor].copula.is_none() && eligible(plans, anchor) {
                plans[anchor].copula = Some(distribution::Copula {
                    anchor: None,
                    weight: 0.0,
                });
            }
        }
    }
}

/// A column whose rank correlation with a sequence key is at least this
/// follows the key's order exactly.
const EXACT_KEY_ORDER: f64 = 0.995;

/// Time orders the profile shows in at least this share of rows are kept in every row.
const KEPT_ORDER: f64 = 0.99;

/// Keeps `earlier <= later` where the profile shows it in nearly every row
/// and no CHECK already orders the pair: both drawn independently (or
/// through a copula), of one type, neither a key nor a reference.
fn assign_orders(table: &Table, stats: &crate::profile::TableStats, plans: &mut [ColumnPlan]) {
    let orders = &stats.time_order;
    let free = |plans: &[ColumnPlan], c: usize| {
        matches!(plans[c].rule, Rule::Sample(_) | Rule::Pool { .. })
    };
    for order in orders.iter().filter(|o| o.share >= KEPT_ORDER) {
        let (Some(earlier), Some(later)) = (
            table.column_index(&order.earlier),
            table.column_index(&order.later),
        ) else {
            continue;
        };
        if earlier == later
            || !free(plans, earlier)
            || !free(plans, later)
            || plans[later].follows.is_some()
            || plans[earlier]
                .follows
                .as_ref()
                .is_some_and(|f| matches!(f.base, Base::Parent { .. }))
            || plans[earlier].logical_type != plans[later].logical_type
        {
            continue;
        }
        // Never a loop: the earlier column must not follow the later one, however far back.
        if !depends_on(plans, earlier, later) {
            // A delay that says more than the later column's own spread.
            let delay = seconds(&order.delay);
            let delay = if tight(&delay, stats.column(&order.later)) {
                delay
            } else {
                Vec::new()
            };
            plans[later].follows = Some(Follow {
                base: Base::Column(earlier),
                delay,
            });
        }
    }
}

/// Draws the second column of each association from its values given the
/// first's, where both are independent draws and the second has no other tie.
fn assign_associations(
    table: &Table,
    associations: &[crate::profile::stats::Association],
    plans: &mut [ColumnPlan],
) {
    // Strongest first: a column is given at most one other, and the
    // strongest tie says most about it (a zone given its market, not a
    // weaker pull from a customer's tier); ties in the profile's order.
    let mut ordered: Vec<&crate::profile::stats::Association> = associations.iter().collect();
    ordered.sort_by(|a, b| b.strength.total_cmp(&a.strength));
    for a in ordered {
        // As for bandings: only where the kept combinations hold most rows.
        if a.combinations.iter().map(|c| c.fraction).sum::<f64>() < KEPT_CELLS {
            continue;
        }
        let (Some(first), Some(second)) =
            (table.column_index(&a.first), table.column_index(&a.second))
        else {
            continue;
        };
        let domain = |c: usize| match &plans[c].rule {
            Rule::Sample(d) | Rule::Pool { domain: d, .. } => Some(d.clone()),
            _ => None,
        };
        let (Some(first_domain), Some(second_domain)) = (domain(first), domain(second)) else {
            continue;
        };
        // Never a loop: the first column must not depend on the second, however far back.
        let taken = depends_on(plans, first, second)
            || plans[second].copy.is_some()
            || plans[second].given.is_some()
            || plans[second].copula.is_some()
            || plans[second].follows.is_some();
        if taken {
            continue;
        }
        let mut rows: Vec<(Value, Vec<(Value, f64)>)> = Vec::new();
        for c in &a.combinations {
            let (Some(x), Some(y)) = (
                distribution::parse_common(&first_domain, &c.first),
                distribution::parse_common(&second_domain, &c.second),
            ) else {
                continue;
            };
            match rows.iter_mut().find(|(v, _)| *v == x) {
                Some((_, ys)) => ys.push((y, c.fraction)),
                None => rows.push((x, vec![(y, c.fraction)])),
            }
        }
        // Each first value's share of the combinations, for its NULLs.
        let shares: Vec<(Value, f64)> = rows
            .iter()
            .map(|(x, ys)| (x.clone(), ys.iter().map(|y| y.1).sum()))
            .collect();
        let table_rows: Vec<(Value, Vec<(Value, u32)>)> = rows
            .into_iter()
            .map(|(x, ys)| {
                let total: f64 = ys.iter().map(|y| y.1).sum();
                let mut acc = 0.0;
                let mut cumulative: Vec<(Value, u32)> = ys
                    .into_iter()
                    .map(|(y, f)| {
                        acc += f / total;
                        (y, (acc * f64::from(distribution::MILLION)).round() as u32)
                    })
                    .collect();
                if let Some(last) = cumulative.last_mut() {
                    last.1 = distribution::MILLION;
                }
                (x, cumulative)
            })
            .collect();
        if !table_rows.is_empty() {
            let nulls = given_nulls(&plans[first], &plans[second], &shares);
            plans[second].given = Some(Given {
                base: first,
                table: table_rows,
                nulls,
            });
        }
    }
}

/// The NULL share of `second` per common value x of `first`. The kept
/// combinations count rows where both are set: x's share of them against
/// its share of the first column's values says how much more (or less)
/// often the second is set beside x, `P(set | x) = P(x | both set) · P(set) /
/// P(x)`, up to the rounding of the kept lists. A common value of the first
/// with no combination gets the second always NULL beside it.
fn given_nulls(
    first: &ColumnPlan,
    second: &ColumnPlan,
    shares: &[(Value, f64)],
) -> Vec<(Value, u32)> {
    let total: f64 = shares.iter().map(|(_, f)| f).sum();
    if second.null_per_million == 0 || first.distribution.common.is_empty() || total <= 0.0 {
        return Vec::new();
    }
    let million = f64::from(distribution::MILLION);
    let set = 1.0 - f64::from(second.null_per_million) / million;
    let mut previous = 0;
    let mut out = Vec::new();
    let (mut covered, mut implied) = (0.0, 0.0);
    for (x, until) in &first.distribution.common {
        let share = f64::from(until - previous) / million;
        previous = *until;
        if share <= 0.0 {
            continue;
        }
        // x's share of the combinations (none: the second is NULL beside it).
        let with = shares
            .iter()
            .find(|(v, _)| v == x)
            .map_or(0.0, |(_, f)| f / total);
        let present = (with * set / share).clamp(0.0, 1.0);
        covered += share;
        implied += share * (1.0 - present);
        out.push((x.clone(), ((1.0 - present) * million).round() as u32));
    }
    // A value with no kept combination may be one whose pairs were each
    // held by fewer than k rows, not one beside which the second is NULL:
    // follow these shares only when, over the first column, they give the
    // second column its own NULL share back (within 2 points, or a tenth).
    let own = 1.0 - set;
    implied += (1.0 - covered).max(0.0) * own;
    if (implied - own).abs() > (0.1 * own).max(0.02) {
        return Vec::new();
    }
    out
}

/// The inner spread of equi-depth bounds (without the outer buckets).
fn spread(bounds: &[i64]) -> i64 {
    match bounds.len() {
        0 | 1 => 0,
        2 => bounds[1] - bounds[0],
        n => bounds[n - 2] - bounds[1],
    }
}

/// Whether a delay (seconds) is narrow against the column's own spread: a
/// value computed as base plus delay then keeps the column's shape.
fn tight(delay: &[i64], stats: Option<&crate::profile::ColumnStats>) -> bool {
    let Some(stats) = stats else {
        return false;
    };
    let own: Vec<i64> = stats
        .histogram
        .iter()
        .filter_map(|b| match b {
            crate::profile::StatValue::Time(t) => {
                crate::value::parse_timestamp(t).map(|m| m / 1_000_000)
            }
            crate::profile::StatValue::Number(_) => None,
        })
        .collect();
    delay.len() >= 2 && own.len() >= 2 && spread(delay) * 2 <= spread(&own)
}

/// Whether column `from`'s value depends, through the columns of the same
/// row it follows or is given by, on column `on`'s.
fn depends_on(plans: &[ColumnPlan], from: usize, on: usize) -> bool {
    let mut stack = vec![from];
    let mut seen = vec![false; plans.len()];
    while let Some(c) = stack.pop() {
        if c == on {
            return true;
        }
        if std::mem::replace(&mut seen[c], true) {
            continue;
        }
        if let Some(g) = &plans[c].given {
            stack.push(g.base);
        }
        // A CHECK's order (`max_qty >= min_qty`) reads the base's value too.
        if let Rule::After { base, .. } = &plans[c].rule {
            stack.push(*base);
        }
        if let Some(b) = &plans[c].banded {
            stack.push(b.base);
        }
        if let Some(n) = &plans[c].names {
            stack.extend(std::iter::once(n.first).chain(n.last));
        }
        if let Some((base, _)) = plans[c].within {
            stack.push(base);
        }
        if let Some(Follow {
            base: Base::Column(b),
            ..
        }) = &plans[c].follows
        {
            stack.push(*b);
        }
    }
    false
}

/// Makes each e-mail column the profile shows made from its row's names
/// from them, in the forms and shares it shows. Only an e-mail column drawn
/// from its own statistics or a unique one (generation then uses the names
/// only for a key of that column alone; not a reference, a copy, an
/// association or a banding) takes part, and only from name columns that do
/// not read it.
fn assign_email_names(table: &Table, stats: &crate::profile::TableStats, plans: &mut [ColumnPlan]) {
    for e in &stats.email_names {
        let (Some(email), Some(first)) =
            (table.column_index(&e.email), table.column_index(&e.first))
        else {
            continue;
        };
        let last = match &e.last {
            Some(name) => match table.column_index(name) {
                Some(l) => Some(l),
                None => continue,
            },
            None => None,
        };
        // A unique e-mail too (a key of its own): generation keeps it
        // distinct with the key's suffix after the names.
        let own = own_text(&plans[email]) || matches!(plans[email].rule, Rule::Key { .. });
        let names = std::iter::once(first).chain(last);
        if !own
            || names
                .clone()
                .any(|n| n == email || depends_on(plans, n, email))
        {
            continue;
        }
        let mut total = 0.0;
        let forms = e
            .forms
            .iter()
            .map(|f| {
                total += f.fraction;
                (f.form, per_million(total.min(1.0)))
            })
            .collect();
        plans[email].names = Some(Names {
            first,
            last,
            forms,
            digits: per_million(e.digits),
        });
    }
}

/// A text column drawn from its own statistics (`Sample` or `Pool`), not a
/// copy of its parent's and not given or banded by another column.
fn own_text(plan: &ColumnPlan) -> bool {
    matches!(
        plan.rule,
        Rule::Sample(Domain::Text { .. })
            | Rule::Pool {
                domain: Domain::Text { .. },
                ..
            }
    ) && plan.copy.is_none()
        && plan.given.is_none()
        && plan.banded.is_none()
}

/// Draws each place the profile shows belonging to another column's value
/// (a city to its country) from a set of its own per value of that column,
/// of the profile's size: a generated city is then in one country, as in
/// the source. Only for a text column drawn independently from its own
/// statistics (`Sample` or `Pool`: not a key, a reference, a copy, a column
/// given or banded by another), from a column that does not read it.
fn assign_belongs(table: &Table, stats: &crate::profile::TableStats, plans: &mut [ColumnPlan]) {
    for b in &stats.belongs {
        let (Some(place), Some(to)) = (table.column_index(&b.column), table.column_index(&b.to))
        else {
            continue;
        };
        let own = own_text(&plans[place])
            && plans[place].names.is_none()
            && plans[place].within.is_none();
        if !own || place == to || depends_on(plans, to, place) || b.share < 0.9 {
            continue;
        }
        plans[place].within = Some((to, (b.per_value.round() as u64).max(1)));
    }
}

/// Draws each banded categorical column (strongest banding first) from its
/// values given the bucket its base column's value falls in.
fn assign_bandings(table: &Table, stats: &crate::profile::TableStats, plans: &mut [ColumnPlan]) {
    let mut bandings: Vec<&crate::profile::stats::Banding> = stats.bandings.iter().collect();
    bandings.sort_by(|a, b| b.strength.total_cmp(&a.strength));
    for banding in bandings {
        // Cells the privacy rule dropped would skew the category's own
        // shares: follow a banding only where its cells hold most rows.
        if banding.cells.iter().map(|c| c.fraction).sum::<f64>() < KEPT_CELLS {
            continue;
        }
        let (Some(base), Some(category)) = (
            table.column_index(&banding.column),
            table.column_index(&banding.category),
        ) else {
            continue;
        };
        let domain = match &plans[category].rule {
            Rule::Sample(d) | Rule::Pool { domain: d, .. } => d.clone(),
            _ => continue,
        };
        let plan = &plans[category];
        if plan.given.is_some()
            || plan.copy.is_some()
            || plan.banded.is_some()
            || plan.copula.is_some()
            || plan.follows.is_some()
            || depends_on(plans, base, category)
        {
            continue;
        }
        let Some(base_stats) = stats.column(&banding.column) else {
            continue;
        };
        let bounds: Vec<f64> = base_stats
            .histogram
            .iter()
            .filter_map(|b| match b {
                crate::profile::StatValue::Number(n) => Some(*n),
                crate::profile::StatValue::Time(t) => {
                    crate::value::parse_timestamp(t).map(|m| m as f64)
                }
            })
            .collect();
        if bounds.len() < 3 {
            continue;
        }
        // A reference whose buckets each hold several parents: how many
        // rows a bucket gets depends on which parents the fan-out makes
        // busy, which generation draws anew, so the category's own shares
        // would drift with it (Northwind's `unit_price` by `product_id`, 77
        // products in 20 buckets: a total variation of 0.15 to 0.2). One
        // parent or fewer per bucket (Chinook's 5 media types) is followed.
        let reference = table
            .foreign_keys
            .iter()
            .any(|f| f.columns.contains(&banding.column));
        if reference && base_stats.distinct.unwrap_or(0) > (bounds.len() - 1) as u64 {
            continue;
        }
        let mut rows: Vec<(Option<u32>, Shares)> = Vec::new();
        for cell in &banding.cells {
            let Some(v) = distribution::parse_common(&domain, &cell.value) else {
                continue;
            };
            match rows.iter_mut().find(|(b, _)| *b == cell.bucket) {
                Some((_, vs)) => vs.push((v, cell.fraction)),
                None => rows.push((cell.bucket, vec![(v, cell.fraction)])),
            }
        }
        let table_rows: Vec<(Option<u32>, Choices)> =
            match stats.column(&banding.category).map(|c| &c.most_common) {
                Some(common) => with_dropped_cells(rows, common, &domain),
                None => rows
                    .into_iter()
                    .map(|(band, vs)| (band, cumulative_values(vs, 0.0)))
                    .collect(),
            };
        if !table_rows.is_empty() {
            // The scale the generated decimals carry (synth::arrow's).
            let scale = match &plans[base].logical_type {
                LogicalType::Decimal { precision, scale } => {
                    scale.unwrap_or(2).min(precision.unwrap_or(38).clamp(1, 38))
                }
                _ => 0,
            };
            plans[category].banded = Some(Banded {
                base,
                bounds,
                scale,
                table: table_rows,
            });
        }
    }
}

/// A value's share of the column that the dropped cells hold, below which
/// it is not given back (rounding of the cells' fractions).
const DEFICIT: f64 = 0.005;

/// A banding's buckets with what the privacy rule dropped given back: the
/// cells a bucket kept take the category's share they hold (the cells are
/// shares of the rows with a kept value, `kept` of the column's rows); each
/// kept value gets back, spread evenly over the buckets, the share of the
/// column its dropped cells held (its `most_common` share less its cells');
/// and the values not kept, their share spread the same way, are left to
/// the column's own draw of the values that are not common: the cumulative
/// shares then end below a million. Without that, a bucket's kept cells
/// took its whole share and the category's own shares were skewed.
fn with_dropped_cells(
    rows: Vec<(Option<u32>, Shares)>,
    common: &[crate::profile::stats::Frequency],
    domain: &Domain,
) -> Vec<(Option<u32>, Choices)> {
    let shares: Shares = common
        .iter()
        .filter_map(|f| Some((distribution::parse_common(domain, &f.value)?, f.fraction)))
        .collect();
    let kept: f64 = shares.iter().map(|s| s.1).sum::<f64>().min(1.0);
    let deficits: Shares = shares
        .iter()
        .filter_map(|(v, share)| {
            let held: f64 = rows
                .iter()
                .flat_map(|(_, vs)| vs.iter().filter(|c| c.0 == *v).map(|c| c.1))
                .sum();
            let deficit = share - kept * held;
            (deficit >= DEFICIT).then(|| (v.clone(), deficit))
        })
        .collect();
    let rest = 1.0 - kept;
    let buckets = rows.len().max(1) as f64;
    let (deficits, rest) = if deficits.is_empty() && rest < DEFICIT {
        (Vec::new(), 0.0)
    } else {
        (deficits, rest.max(0.0))
    };
    rows.into_iter()
        .map(|(band, vs)| {
            let mut entries: Shares = vs.into_iter().map(|(v, f)| (v, f * kept)).collect();
            entries.extend(deficits.iter().map(|(v, d)| (v.clone(), d / buckets)));
            (band, cumulative_values(entries, rest / buckets))
        })
        .collect()
}

/// Values with shares to values with cumulative shares per million; `rest`
/// is a share left after them, so the last is at a million only without one.
fn cumulative_values(values: Vec<(Value, f64)>, rest: f64) -> Vec<(Value, u32)> {
    let total: f64 = values.iter().map(|v| v.1).sum::<f64>() + rest;
    let mut acc = 0.0;
    let mut out: Vec<(Value, u32)> = values
        .into_iter()
        .map(|(v, f)| {
            acc += f / total;
            (v, (acc * f64::from(distribution::MILLION)).round() as u32)
        })
        .collect();
    if let Some(last) = out.last_mut()
        && rest <= 0.0
    {
        last.1 = distribution::MILLION;
    }
    out
}

/// The foreign keys (index, statistics) whose parent a value may be read
/// from: another table, loaded earlier (not a key filled after a cycle), so
/// values never depend on each other in a loop.
fn earlier_parents<'a>(
    schema: &Schema,
    table: &Table,
    stats: &'a crate::profile::TableStats,
    foreign_keys: &[ForeignKeyPlan],
) -> Vec<(usize, &'a crate::profile::stats::ForeignKeyStats)> {
    let own = schema.table_index(&table.name);
    foreign_keys
        .iter()
        .enumerate()
        .filter(|(_, fk)| Some(fk.parent) != own && !fk.deferred)
        .filter_map(|(f, fk)| {
            let names = fk.columns.iter().map(|&c| table.columns[c].name.as_str());
            stats
                .foreign_keys
                .iter()
                .find(|s| s.columns.iter().map(String::as_str).eq(names.clone()))
                .map(|s| (f, s))
        })
        .collect()
}

/// Copies of parent columns the profile shows in at least this share of rows are kept.
const KEPT_COPY: f64 = 0.9;

/// Text or number columns that copy a parent's column along a foreign key (computed
/// from the parent row index, like the key itself).
fn assign_copies(
    profile: &Profile,
    table: &Table,
    stats: &crate::profile::TableStats,
    foreign_keys: &[ForeignKeyPlan],
    plans: &mut [ColumnPlan],
) {
    let schema = &profile.schema;
    let cover = |s: Option<&crate::profile::ColumnStats>| {
        s.map_or(0.0, |s| {
            s.most_common.iter().map(|f| f.fraction).sum::<f64>()
        })
    };
    for (f, fk_stats) in earlier_parents(schema, table, stats, foreign_keys) {
        let parent = &schema.tables[foreign_keys[f].parent];
        for copy in fk_stats.copies.iter().filter(|c| c.share >= KEPT_COPY) {
            let (Some(child), Some(pc)) = (
                table.column_index(&copy.child),
                parent.column_index(&copy.parent),
            ) else {
                continue;
            };
            // The copy loses the child's own statistics: not when they say
            // more than the parent's (more of its values kept verbatim, where
            // the parent's would be invented). A number's histogram describes
            // it whatever is kept, so a copied number is never the poorer.
            let parent_stats = profile
                .stats(&parent.name)
                .and_then(|p| p.column(&copy.parent));
            let richer = plans[child].logical_type.is_textual()
                && cover(stats.column(&copy.child)) > cover(parent_stats) + 0.05;
            // Not a column others' copulas follow: their correlation with it
            // would be lost. Its own copula gives way to the copy (the parent's
            // value carries its ties along the foreign key).
            let anchors = plans
                .iter()
                .any(|p| p.copula.as_ref().is_some_and(|c| c.anchor == Some(child)));
            let free = !richer
                && !anchors
                && matches!(plans[child].rule, Rule::Sample(_) | Rule::Pool { .. })
                && plans[child].given.is_none()
                && plans[child].banded.is_none()
                && plans[child].copy.is_none()
                && parent.columns[pc].generated.is_none()
                && ((plans[child].logical_type.is_textual()
                    && parent.columns[pc].logical_type.is_textual())
                    || (plans[child].logical_type.is_ordered_numeric()
                        && plans[child].logical_type == parent.columns[pc].logical_type));
            if free {
                let nulls = plans[child].null_per_million > 0;
                plans[child].null_per_million = 0;
                plans[child].copula = None;
                plans[child].copy = Some((f, pc, nulls));
            }
        }
    }
}

fn seconds(delay: &[f64]) -> Vec<i64> {
    if delay.len() < 2 || delay.windows(2).any(|w| w[0] > w[1]) {
        return Vec::new();
    }
    delay.iter().map(|d| d.max(0.0).round() as i64).collect()
}

/// A child's time column that comes after its parent's in nearly every row
/// (an order line shipped after its order was placed) is the parent's value
/// plus a delay from the profile. Only drawn columns take part, and a
/// column ordered within its row keeps that order instead.
fn assign_parent_orders(
    schema: &Schema,
    table: &Table,
    stats: &crate::profile::TableStats,
    foreign_keys: &[ForeignKeyPlan],
    plans: &mut [ColumnPlan],
) {
    for (f, fk_stats) in earlier_parents(schema, table, stats, foreign_keys) {
        let parent = &schema.tables[foreign_keys[f].parent];
        // The tightest delay first: an order line follows its order, not the
        // birth date of the clerk who took it.
        let mut orders: Vec<&crate::profile::stats::TimeOrder> = fk_stats
            .time_order
            .iter()
            .filter(|o| o.share >= KEPT_ORDER)
            .filter(|o| tight(&seconds(&o.delay), stats.column(&o.later)))
            .collect();
        orders.sort_by_key(|o| spread(&seconds(&o.delay)));
        for order in orders {
            let (Some(child), Some(parent_column)) = (
                table.column_index(&order.later),
                parent.column_index(&order.earlier),
            ) else {
                continue;
            };
            let free = matches!(plans[child].rule, Rule::Sample(_) | Rule::Pool { .. });
            let delay = seconds(&order.delay);
            if !free
                || plans[child].follows.is_some()
                || delay.is_empty()
                || parent.columns[parent_column].logical_type != plans[child].logical_type
            {
                continue;
            }
            plans[child].follows = Some(Follow {
                base: Base::Parent {
                    foreign_key: f,
                    column: parent_column,
                },
                delay,
            });
        }
    }
}

/// Limits a column's type carries beyond its logical type: MySQL's
/// `UNSIGNED`, `TIMESTAMP` (1970-01-01 00:00:01 to 2038-01-19 03:14:07 UTC)
/// and `YEAR` (1901 to 2155).
pub(super) fn engine_limits(
    engine: crate::profile::Engine,
    column: &crate::schema::Column,
    c: &mut Constraints,
) {
    if column.unsigned {
        c.lower.push((Literal::Number("0".into()), false));
    }
    if engine != crate::profile::Engine::Mysql {
        return;
    }
    let native = column.native_type.to_ascii_lowercase();
    if native.starts_with("timestamp") {
        c.lower
            .push((Literal::Text("1970-01-01 00:00:01".into()), false));
        c.upper
            .push((Literal::Text("2038-01-19 03:14:07".into()), false));
    } else if native.starts_with("year") {
        c.lower.push((Literal::Number("1901".into()), false));
        c.upper.push((Literal::Number("2155".into()), false));
    }
    // Integer widths the logical type rounds up (TINYINT is held as int16).
    let range = match (
        native.split(['(', ' ']).next().unwrap_or(""),
        column.unsigned,
    ) {
        ("tinyint", false) => Some((-128, 127)),
        ("tinyint", true) => Some((0, 255)),
        ("smallint", true) => Some((0, 65_535)),
        ("mediumint", false) => Some((-8_388_608, 8_388_607)),
        ("mediumint", true) => Some((0, 16_777_215)),
        ("int" | "integer", true) => Some((0, 4_294_967_295_i64)),
        _ => None,
    };
    if let Some((lo, hi)) = range
        && column.logical_type.integer_range().is_some()
    {
        c.lower.push((Literal::Number(lo.to_string()), false));
        c.upper.push((Literal::Number(hi.to_string()), false));
    }
}

/// Chooses between independent draws and a pool of distinct values.
fn sample_rule(domain: Domain, stats: Option<&ColumnStats>, source_rows: u64) -> Rule {
    let distinct = stats.and_then(|s| s.distinct);
    let non_null = stats.map_or(0.0, |s| source_rows as f64 * (1.0 - s.null_fraction));
    match (distinct, &domain) {
        (_, Domain::Choice(_) | Domain::Bool | Domain::Literal(_)) => Rule::Sample(domain),
        (Some(d), _) if d > 0 && (d as f64) <= non_null * 0.5 && u128::from(d) <= domain.size() => {
            Rule::Pool { size: d, domain }
        }
        _ => Rule::Sample(domain),
    }
}

/// A domain wide enough to hold `rows` distinct values where the type allows.
/// `limits` bounds integers (type, engine width and CHECKs): a key never
/// widens past them; the capacity check then reports the shortfall.
fn widen_for_key(domain: Domain, rows: u64, limits: Option<(i64, i64)>) -> Domain {
    match domain {
        Domain::Int { lo, hi }
            if ((i128::from(hi) - i128::from(lo) + 1) as u128) < u128::from(rows) =>
        {
            let ceiling = limits.map_or(i64::MAX, |(_, max)| max);
            Domain::Int {
                lo,
                hi: (i128::from(lo) + i128::from(rows) - 1)
                    .min(i128::from(ceiling))
                    .max(i128::from(hi)) as i64,
            }
        }
        Domain::Date { lo, hi } if ((i64::from(hi) - i64::from(lo) + 1) as u64) < rows => {
            Domain::Date {
                lo,
                hi: (i64::from(lo) + rows as i64).min(2_932_896) as i32,
            }
        }
        Domain::Text {
            min_len,
            max_len,
            semantic,
        } => Domain::Text {
            min_len,
            max_len,
            semantic: if max_len <= 8 {
                Semantic::Code
            } else {
                semantic
            },
        },
        other => other,
    }
}

/// Bytes one cell takes in memory while its chunk is built: the value
/// itself (32 bytes) plus any heap text or bytes.
fn estimated_width(rule: &Rule) -> u64 {
    const CELL: u64 = 32;
    CELL + match d_of(rule) {
        Some(Domain::Text {
            min_len, max_len, ..
        }) => (u64::from(*min_len) + u64::from(*max_len)) / 2,
        Some(Domain::Binary { min_len, max_len }) => {
            (u64::from(*min_len) + u64::from(*max_len)) / 2
        }
        Some(Domain::Uuid) => 36,
        Some(Domain::Json) => 48,
        _ => 0,
    }
}

fn d_of(rule: &Rule) -> Option<&Domain> {
    match rule {
        Rule::Sample(d) | Rule::Pool { domain: d, .. } | Rule::After { domain: d, .. } => Some(d),
        _ => None,
    }
}

fn replace_value_keyword(expression: &str, column: &str) -> String {
    // Domain checks name the value `VALUE`; quote the column in its place.
    let quoted = format!("\"{}\"", column.replace('"', "\"\""));
    let mut out = String::with_capacity(expression.len());
    let mut word = String::new();
    let mut in_string = false;
    for ch in expression.chars().chain(std::iter::once(' ')) {
        if ch == '\'' {
            in_string = !in_string;
        }
        if !in_string && (ch.is_alphanumeric() || ch == '_') {
            word.push(ch);
            continue;
        }
        if word.eq_ignore_ascii_case("VALUE") {
            out.push_str(&quoted);
        } else {
            out.push_str(&word);
        }
        word.clear();
        out.push(ch);
    }
    out.pop();
    out
}

/// Resolves a column named in a check (exact, then case-insensitive).
fn resolve(table: &Table, name: &str) -> Result<usize, String> {
    table
        .column_index(name)
        .or_else(|| {
            table
                .columns
                .iter()
                .position(|c| c.name.eq_ignore_ascii_case(name))
        })
        .ok_or_else(|| format!("it names `{name}`, which is not a column"))
}

fn apply_predicate(
    table: &Table,
    predicate: &Predicate,
    constraints: &mut [Constraints],
    orderings: &mut Vec<(usize, usize, bool)>,
) -> Result<(), String> {
    for part in predicate.conjuncts() {
        match part {
            Predicate::Compare { column, op, value } => {
                let c = resolve(table, column)?;
                constraints[c].compare(*op, value.clone());
            }
            Predicate::In {
                column,
                values,
                negated,
            } => {
                let c = resolve(table, column)?;
                if *negated {
                    if values.is_empty() {
                        return Err("it requires a column to be NULL".into());
                    }
                    constraints[c].excluded.extend(values.iter().cloned());
                } else {
                    constraints[c].restrict(values.clone());
                }
            }
            Predicate::NotNull { column } => {
                let c = resolve(table, column)?;
                constraints[c].not_null = true;
            }
            Predicate::Length { column, op, value } => {
                let c = resolve(table, column)?;
                constraints[c].length(*op, *value);
            }
            Predicate::Columns { left, op, right } => {
                let (l, r) = (resolve(table, left)?, resolve(table, right)?);
                use check::CmpOp;
                match op {
                    CmpOp::Gt => orderings.push((l, r, true)),
                    CmpOp::Ge => orderings.push((l, r, false)),
                    CmpOp::Lt => orderings.push((r, l, true)),
                    CmpOp::Le => orderings.push((r, l, false)),
                    CmpOp::Eq | CmpOp::Ne => {
                        return Err("it compares two columns for (in)equality".into());
                    }
                }
            }
            Predicate::UnlessNull { column, rest } => {
                let _ = resolve(table, column)?;
                apply_predicate(table, rest, constraints, orderings)?;
            }
            Predicate::And(_) => unreachable!("conjuncts() flattens And"),
        }
    }
    Ok(())
}

/// Keeps a partition key inside the partitions' bounds (single-column range
/// and list partitioning without a DEFAULT partition).
fn apply_partition_bounds(
    table: &Table,
    partitioning: &crate::schema::Partitioning,
    constraints: &mut [Constraints],
) {
    use crate::schema::PartitionStrategy;
    if partitioning.columns.len() != 1
        || partitioning
            .partitions
            .iter()
            .any(|p| p.bound.trim() == "DEFAULT")
    {
        return;
    }
    let Some(c) = table.column_index(&partitioning.columns[0]) else {
        return;
    };
    match partitioning.strategy {
        PartitionStrategy::Range => {
            // Each side of `FROM (lo) TO (hi)` separately: MINVALUE or
            // MAXVALUE leaves that side open without dropping the other.
            let mut lows = Vec::new();
            let mut highs = Vec::new();
            for p in &partitioning.partitions {
                let (from, to) = p.bound.split_once(" TO ").unwrap_or((p.bound.as_str(), ""));
                if !from.contains("MINVALUE")
                    && let Some(lo) = quoted_or_numbers(from).into_iter().next()
                {
                    lows.push(lo);
                }
                if !to.contains("MAXVALUE")
                    && let Some(hi) = quoted_or_numbers(to).into_iter().next()
                {
                    highs.push(hi);
                }
            }
            if !partitioning
                .partitions
                .iter()
                .any(|p| p.bound.contains("MINVALUE"))
                && let Some(lo) = lows.iter().min_by(|a, b| literal_cmp(a, b))
            {
                constraints[c].lower.push((lo.clone(), false));
            }
            if !partitioning
                .partitions
                .iter()
                .any(|p| p.bound.contains("MAXVALUE"))
                && let Some(hi) = highs.iter().max_by(|a, b| literal_cmp(a, b))
            {
                constraints[c].upper.push((hi.clone(), true));
            }
        }
        PartitionStrategy::List => {
            let values: Vec<Literal> = partitioning
                .partitions
                .iter()
                .flat_map(|p| quoted_or_numbers(&p.bound))
                .collect();
            if !values.is_empty() {
                constraints[c].restrict(values);
            }
        }
        PartitionStrategy::Hash => {}
    }
}

fn literal_cmp(a: &Literal, b: &Literal) -> std::cmp::Ordering {
    match (a, b) {
        (Literal::Number(x), Literal::Number(y)) => x
            .parse::<f64>()
            .unwrap_or(0.0)
            .total_cmp(&y.parse::<f64>().unwrap_or(0.0)),
        (Literal::Text(x), Literal::Text(y)) => x.cmp(y),
        _ => std::cmp::Ordering::Equal,
    }
}

/// The literals of a partition bound: `FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`.
fn quoted_or_numbers(bound: &str) -> Vec<Literal> {
    let mut out = Vec::new();
    let mut chars = bound.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '\'' {
            let mut text = String::new();
            while let Some(c) = chars.next() {
                if c == '\'' {
                    if chars.peek() == Some(&'\'') {
                        chars.next();
                        text.push('\'');
                        continue;
                    }
                    break;
                }
                text.push(c);
            }
            out.push(Literal::Text(text));
        } else if ch.is_ascii_digit() || ch == '-' {
            let mut text = String::from(ch);
            while let Some(&c) = chars.peek() {
                if c.is_ascii_digit() || c == '.' {
                    text.push(c);
                    chars.next();
                } else {
                    break;
                }
            }
            if text != "-" {
                out.push(Literal::Number(text));
            }
        } else if ch.is_alphabetic() {
            while chars
                .peek()
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
            {
                chars.next();
            }
        }
    }
    out
}

impl Plan {
    /// The longest text column `c` of table `t` will hold, when it is text
    /// patina generates (a reference follows its parent column).
    pub fn text_max_len(&self, t: usize, c: usize) -> Option<u32> {
        let table = &self.tables[t];
        let domain = match &table.columns[c].rule {
            Rule::Sample(d) | Rule::Pool { domain: d, .. } | Rule::After { domain: d, .. } => d,
            Rule::Key { key, component } => match &table.keys[*key].components[*component] {
                KeyComponent::Column { domain, .. } => domain,
                KeyComponent::Reference { .. } => return None,
            },
            Rule::Reference {
                foreign_key,
                position,
            } => {
                let fk = &table.foreign_keys[*foreign_key];
                return self.text_max_len(fk.parent, fk.parent_columns[*position]);
            }
            Rule::Sequence { .. } | Rule::Computed => return None,
        };
        match domain {
            Domain::Text { max_len, .. } => Some(*max_len),
            _ => None,
        }
    }

    /// The table plan for a table index.
    pub fn table(&self, index: usize) -> &TablePlan {
        &self.tables[index]
    }

    /// Whether the identity of column `c` of table `t` is one the database numbers.
    pub fn identity(&self, t: usize, c: usize) -> Option<Identity> {
        self.schema.tables[t].columns[c].identity
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Engine;
    use crate::schema::Column;

    fn column(native: &str, logical: LogicalType, unsigned: bool) -> Column {
        Column {
            name: "c".into(),
            native_type: native.into(),
            logical_type: logical,
            nullable: true,
            default: None,
            identity: None,
            generated: None,
            domain: None,
            unsigned,
            collation: None,
            comment: None,
        }
    }

    fn domain_of(engine: Engine, c: &Column) -> Domain {
        let mut constraints = Constraints::default();
        engine_limits(engine, c, &mut constraints);
        domain::build(&c.logical_type, &c.name, None, &constraints, None).unwrap()
    }

    #[test]
    fn mysql_widths_and_ranges_hold() {
        let tiny = column("tinyint(4)", LogicalType::Int16, false);
        let wide = ColumnStats {
            column: "c".into(),
            null_fraction: 0.0,
            distinct: None,
            min: Some(crate::profile::StatValue::Number(-1000.0)),
            max: Some(crate::profile::StatValue::Number(1000.0)),
            length: None,
            ..ColumnStats::default()
        };
        let mut constraints = Constraints::default();
        engine_limits(Engine::Mysql, &tiny, &mut constraints);
        let d = domain::build(&tiny.logical_type, "c", Some(&wide), &constraints, None).unwrap();
        assert_eq!(d, Domain::Int { lo: -128, hi: 127 });
        let unsigned = column("int(10) unsigned", LogicalType::Int64, true);
        assert!(matches!(
            domain_of(Engine::Mysql, &unsigned),
            Domain::Int { lo: 0, .. }
        ));
        let ts = column("timestamp", LogicalType::Timestamp, false);
        let Domain::Timestamp { lo, hi } = domain_of(Engine::Mysql, &ts) else {
            panic!("a timestamp domain")
        };
        assert!(lo >= 1_000_000 && hi <= 2_147_483_647_000_000);
        // The same native name from PostgreSQL carries no MySQL limit.
        let pg = column("timestamp", LogicalType::Timestamp, false);
        assert!(matches!(
            domain_of(Engine::Postgres, &pg),
            Domain::Timestamp { .. }
        ));
    }
}
