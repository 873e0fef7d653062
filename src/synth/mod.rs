//! Pure generation: from a [`Plan`] to values, and a table's chunk to an
//! Arrow [`RecordBatch`].
//!
//! Every value is a function of (seed, table, column, purpose, row index):
//! [`Generator::value`] computes any cell of any table directly, which is how
//! a child computes its parent's key from the parent's row index without
//! reading the parent back. No I/O happens here.

pub mod arrow;
pub mod mess;
pub mod permute;
pub mod rng;
pub mod sampler;
mod text;

use crate::plan::{
    Base, ColumnPlan, Domain, KeyComponent, ParentPick, Plan, Rule, Semantic, TablePlan,
    distribution,
};
use crate::value::Value;
use ::arrow::array::ArrayRef;
use ::arrow::record_batch::RecordBatch;
use permute::Permutation;
use rng::{RowRng, Stream};
use std::borrow::Cow;
use std::cell::OnceCell;

/// Which values a chunk carries for foreign keys filled afterwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    /// Every value (files: there is no load order to respect).
    Complete,
    /// Deferred foreign keys as NULL (databases: they are filled by a later pass).
    Load,
}

/// Tables of at most this many rows spread the first draw of each column
/// (NULL or not; which common value, histogram bucket or shape) evenly over
/// their rows; bigger ones draw independently, where the difference no
/// longer shows.
const STRATIFIED_ROWS: u64 = 1_000_000;

/// Stratified draws for a small table. Independent draws put a value whose
/// share is p in p·n ± √(p·n) of n rows, which on a table of 59 rows loses
/// or doubles whole categories; here row `i` takes the middle of the
/// `order(i)`-th of n equal slices of `[0, MILLION)`, so every share is met
/// to within a row. Still a pure function of the row index (and the table's
/// row count).
#[derive(Clone, Copy)]
struct Strata {
    order: Permutation,
}

impl Strata {
    fn new(rows: u64, stream: Stream) -> Option<Self> {
        (rows > 0 && rows <= STRATIFIED_ROWS).then(|| Self {
            order: Permutation::new(rows, stream.key()),
        })
    }

    /// The row's point in `[0, MILLION)`.
    fn at(&self, row: u64) -> u32 {
        let n = u128::from(self.order.len());
        let slice = u128::from(self.order.apply(row % self.order.len()));
        ((2 * slice + 1) * u128::from(distribution::MILLION) / (2 * n)) as u32
    }
}

struct ColumnStreams {
    /// Stratified first draws of values and of NULLs, on small tables.
    strata: Option<(Strata, Strata)>,
    value: Stream,
    null: Stream,
    pick: Stream,
    pool: Stream,
    retry: Stream,
    latent: Stream,
    delay: Stream,
    given: Stream,
    band: Stream,
    names: Stream,
    within: Stream,
    /// A small pool's entries, made once ([`pool_entries`]); empty for
    /// other columns, whose entries are made where they are drawn.
    entries: Vec<Value>,
}

struct ReferenceStreams {
    pick: Stream,
    null: Stream,
    /// For a fan-out: child rows to slots, class positions to parent rows.
    spread: Option<(Permutation, Permutation)>,
}

struct TableStreams {
    columns: Vec<ColumnStreams>,
    references: Vec<ReferenceStreams>,
    keys: Vec<Permutation>,
    /// Per key with a fan-out: child rows to slots, positions to parent rows, the rank salt.
    key_spreads: Vec<Option<(Permutation, Permutation, u64)>>,
    /// Per key whose second reference has a fan-out too: its positions to its parent rows.
    key_seconds: Vec<Option<Permutation>>,
    /// Per column: whether another column of the same row reads its value,
    /// so a chunk keeps its values (see [`Generator::chunk`]).
    read_in_row: Vec<bool>,
}

/// Per table: the streams and precomputed facts of its mess.
struct MessStreams {
    /// Per column, per injection of `plan.mess.columns`.
    columns: Vec<Vec<Stream>>,
    /// Per foreign key, per injection of `plan.mess.references`.
    references: Vec<Vec<Stream>>,
    /// Per column with `id_gaps`: rows per block, and the ids skipped before each block.
    gaps: Vec<Option<(u64, Vec<u64>)>>,
    /// Per column: the day `burst_day` puts its rows on.
    burst_days: Vec<i32>,
}

/// Computes values from a plan. Cheap to share across threads (`&Generator` is `Sync`).
pub struct Generator<'p> {
    plan: &'p Plan,
    streams: Vec<TableStreams>,
    mess: Vec<MessStreams>,
    tally: std::sync::Mutex<mess::Tally>,
}

impl<'p> Generator<'p> {
    /// A generator for the plan.
    pub fn new(plan: &'p Plan) -> Self {
        let seed = plan.seed;
        let streams = plan
            .tables
            .iter()
            .map(|t| {
                let s =
                    |column: &str, purpose: &str| Stream::new(seed, &t.address, column, purpose);
                TableStreams {
                    columns: t
                        .columns
                        .iter()
                        .map(|c| ColumnStreams {
                            strata: Strata::new(t.rows, s(&c.name, "strata"))
                                .zip(Strata::new(t.rows, s(&c.name, "null-strata"))),
                            value: s(&c.name, "value"),
                            null: s(&c.name, "null"),
                            pick: s(&c.name, "pick"),
                            pool: s(&c.name, "pool"),
                            retry: s(&c.name, "retry"),
                            latent: s(&c.name, "latent"),
                            delay: s(&c.name, "delay"),
                            given: s(&c.name, "given"),
                            band: s(&c.name, "band"),
                            names: s(&c.name, "names"),
                            within: s(&c.name, "within"),
                            entries: pool_entries(c, s(&c.name, "pool")),
                        })
                        .collect(),
                    references: t
                        .foreign_keys
                        .iter()
                        .map(|f| ReferenceStreams {
                            pick: s(&f.label, "parent"),
                            null: s(&f.label, "null"),
                            spread: matches!(f.pick, ParentPick::Spread(_)).then(|| {
                                (
                                    Permutation::new(t.rows, s(&f.label, "slot").key()),
                                    Permutation::new(
                                        plan.tables[f.parent].rows,
                                        s(&f.label, "parent-position").key(),
                                    ),
                                )
                            }),
                        })
                        .collect(),
                    keys: t
                        .keys
                        .iter()
                        .map(|k| Permutation::new(k.capacity, s(&k.label, "key").key()))
                        .collect(),
                    key_spreads: t
                        .keys
                        .iter()
                        .map(|k| {
                            let parent = match k.components.first() {
                                Some(KeyComponent::Reference { foreign_key, .. }) => {
                                    t.foreign_keys[*foreign_key].parent
                                }
                                _ => return None,
                            };
                            k.spread.as_ref().map(|_| {
                                (
                                    Permutation::new(t.rows, s(&k.label, "slot").key()),
                                    Permutation::new(
                                        plan.tables[parent].rows,
                                        s(&k.label, "parent-position").key(),
                                    ),
                                    s(&k.label, "rank").key(),
                                )
                            })
                        })
                        .collect(),
                    key_seconds: t
                        .keys
                        .iter()
                        .map(|k| match (k.second.as_ref(), k.components.get(1)) {
                            (Some(_), Some(KeyComponent::Reference { foreign_key, .. })) => {
                                Some(Permutation::new(
                                    plan.tables[t.foreign_keys[*foreign_key].parent].rows,
                                    s(&k.label, "second-position").key(),
                                ))
                            }
                            _ => None,
                        })
                        .collect(),
                    read_in_row: read_in_row(t),
                }
            })
            .collect();
        let mess = plan
            .tables
            .iter()
            .enumerate()
            .map(|(t, table)| mess_streams(plan, t, table))
            .collect();
        Self {
            plan,
            streams,
            mess,
            tally: std::sync::Mutex::new(mess::Tally::default()),
        }
    }

    /// The mess injected so far, per table, place and class.
    pub fn tally(&self) -> mess::Tally {
        self.tally
            .lock()
            .map(|t| t.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// The plan.
    pub fn plan(&self) -> &'p Plan {
        self.plan
    }

    /// The value of column `c` of table `t` at `row` (NULL included).
    pub fn value(&self, t: usize, c: usize, row: u64) -> Value {
        self.cell(t, c, row, None)
    }

    /// Column `c`'s value in the same row of the chunk `memo` holds, read
    /// from the memo when it covers the row (borrowed: most readers only
    /// compare it), computed otherwise.
    fn same_row<'m>(&self, t: usize, c: usize, row: u64, memo: Option<&'m Memo>) -> Cow<'m, Value> {
        match memo {
            Some(m) if m.covers(t, row) => Cow::Borrowed(
                &m.values[c].get_or_init(|| self.column(t, c, m))[(row - m.rows.start) as usize],
            ),
            _ => Cow::Owned(self.cell(t, c, row, None)),
        }
    }

    /// Every value of column `c` in the memo's rows.
    fn column(&self, t: usize, c: usize, memo: &Memo) -> Vec<Value> {
        let direct = self.direct(t, c);
        memo.rows
            .clone()
            .map(|row| self.in_chunk(t, c, row, memo, direct))
            .collect()
    }

    /// Column `c`'s plan and streams where it is direct ([`is_direct`]), for
    /// [`Generator::in_chunk`].
    fn direct(&self, t: usize, c: usize) -> Option<Direct<'_>> {
        let column = &self.plan.tables[t].columns[c];
        is_direct(column).then(|| (column, &self.streams[t].columns[c]))
    }

    /// [`Generator::cell`] in a chunk's row, with `direct` as
    /// [`Generator::direct`] gives it, once for the chunk: a direct column's
    /// value is its NULL draw and then its rule's value, with the commonest
    /// rules inline.
    #[inline(always)]
    fn in_chunk(&self, t: usize, c: usize, row: u64, memo: &Memo, direct: Option<Direct>) -> Value {
        let Some((column, streams)) = direct else {
            return self.cell(t, c, row, Some(memo));
        };
        if column.null_per_million > 0 && null_draw(streams, row) < column.null_per_million {
            return Value::Null;
        }
        match &column.rule {
            Rule::Sample(domain) if column.copula.is_none() => {
                sampled(domain, column, streams, row)
            }
            Rule::Pool { size, domain } if column.copula.is_none() => {
                pooled(*size, domain, column, streams, row)
            }
            _ => self.ruled(t, c, row, Some(memo)),
        }
    }

    /// [`Generator::value`], reading columns of the same row from `memo`.
    fn cell(&self, t: usize, c: usize, row: u64, memo: Option<&Memo>) -> Value {
        let column = &self.plan.tables[t].columns[c];
        if column.null_per_million > 0 {
            let u = null_draw(&self.streams[t].columns[c], row);
            // NULL as often as beside the base's value, where it is given one.
            let share = match &column.given {
                Some(g) if !g.nulls.is_empty() => {
                    let base = self.same_row(t, g.base, row, memo);
                    g.nulls
                        .iter()
                        .find(|(v, _)| *v == *base)
                        .map_or(column.null_per_million, |(_, share)| *share)
                }
                _ => column.null_per_million,
            };
            if u < share {
                return Value::Null;
            }
        }
        let value = match &column.follows {
            None => self.non_null(t, c, row, memo),
            Some(f) => {
                let base = match f.base {
                    Base::Column(b) => self.same_row(t, b, row, memo),
                    Base::Parent {
                        foreign_key,
                        column: pc,
                    } => match self.parent_row(t, foreign_key, row) {
                        Some(parent_row) => {
                            let parent = self.plan.tables[t].foreign_keys[foreign_key].parent;
                            Cow::Owned(self.value(parent, pc, parent_row))
                        }
                        None => Cow::Owned(Value::Null),
                    },
                };
                if f.delay.is_empty() {
                    follow(self.non_null(t, c, row, memo), &base, d_of(&column.rule))
                } else {
                    // The column's own draw counts only where the base is
                    // NULL: it is not computed otherwise.
                    let u = self.streams[t].columns[c].delay.at(row).below(1_000_000);
                    delayed(&base, &f.delay, u, d_of(&column.rule))
                        .unwrap_or_else(|| self.non_null(t, c, row, memo))
                }
            }
        };
        if column.excluded.is_empty() || !column.excluded.contains(&value) {
            return value;
        }
        // A CHECK forbids this value: draw again from a stream of its own.
        let streams = &self.streams[t].columns[c];
        for attempt in 0..16 {
            let candidate = match &column.rule {
                Rule::Sample(d) | Rule::Pool { domain: d, .. } | Rule::After { domain: d, .. } => {
                    sample(d, &mut streams.retry.derive(attempt).at(row))
                }
                _ => value.clone(),
            };
            if !column.excluded.contains(&candidate) {
                return candidate;
            }
        }
        value
    }

    fn non_null(&self, t: usize, c: usize, row: u64, memo: Option<&Memo>) -> Value {
        let table = &self.plan.tables[t];
        let column = &table.columns[c];
        let streams = &self.streams[t].columns[c];
        if let Some((foreign_key, pc, nulls)) = column.copy
            && let Some(parent_row) = self.parent_row(t, foreign_key, row)
        {
            let parent = table.foreign_keys[foreign_key].parent;
            // The parent's value (or NULL) where this column can hold it.
            match self.value(parent, pc, parent_row) {
                Value::Null if nulls => return Value::Null,
                Value::Text(text) => {
                    if let Some(Domain::Text {
                        min_len, max_len, ..
                    }) = d_of(&column.rule)
                    {
                        let n = text::char_len(&text) as u32;
                        if n >= *min_len && n <= *max_len {
                            return Value::Text(text);
                        }
                    }
                }
                Value::Null => {}
                // A number (the plan copies only between columns of one
                // type), where the child's CHECKs allow it.
                number => {
                    if d_of(&column.rule).is_some_and(|d| distribution::holds(d, &number)) {
                        return number;
                    }
                }
            }
        }
        if let Some(banded) = &column.banded {
            let base = self.same_row(t, banded.base, row, memo);
            let bucket = match &*base {
                Value::Null => Some(None),
                v => crate::plan::as_number(v, banded.scale)
                    .map(|x| Some(crate::profile::stats::bucket_of(&banded.bounds, x))),
            };
            if let Some(bucket) = bucket
                && let Some((_, values)) = banded.table.iter().find(|(b, _)| *b == bucket)
            {
                let mut rng = streams.band.at(row);
                let drawn = rng.below(u64::from(distribution::MILLION)) as u32;
                // A small table's point spread evenly over its rows (as its
                // common values are), so the shares hold to within rows.
                let u = streams.strata.map_or(drawn, |(values, _)| values.at(row));
                if values.last().is_some_and(|last| u < last.1) {
                    return values[distribution::pick(values, u, |v| v.1)].0.clone();
                }
                // Past the cells: a value the profile did not keep.
                if let Some(domain) = d_of(&column.rule) {
                    return sampler::rest(domain, &column.distribution, &mut rng);
                }
            }
        }
        if let Some(given) = &column.given {
            let base = self.same_row(t, given.base, row, memo);
            if let Some((_, values)) = given.table.iter().find(|(v, _)| *v == *base) {
                let u = streams
                    .given
                    .at(row)
                    .below(u64::from(distribution::MILLION)) as u32;
                return values[distribution::pick(values, u, |v| v.1)].0.clone();
            }
        }
        if let Some((to, size)) = column.within
            && let Value::Text(whole) = &*self.same_row(t, to, row, memo)
            && let Some(domain) = d_of(&column.rule)
        {
            // One of the `size` places of this value of the other column
            // (a city of this country), each made from a stream of its own.
            let k = streams.within.at(row).below(size);
            let mut rng = streams.pool.derive_text(whole).at(k);
            return sampler::rest(domain, &column.distribution, &mut rng);
        }
        if let Some(names) = &column.names
            && !matches!(column.rule, Rule::Key { .. })
            && let Some(address) = self.made_from_names(t, c, names, row, memo)
        {
            return Value::text(address);
        }
        self.ruled(t, c, row, memo)
    }

    /// The value column `c`'s rule alone makes at `row`, the last step of
    /// [`Generator::non_null`] (and all of it for a column [`is_direct`] finds).
    #[inline]
    fn ruled(&self, t: usize, c: usize, row: u64, memo: Option<&Memo>) -> Value {
        let table = &self.plan.tables[t];
        let column = &table.columns[c];
        let streams = &self.streams[t].columns[c];
        match &column.rule {
            Rule::Sequence { start } => {
                let skipped = self.mess[t].gaps[c].as_ref().map_or(0, |(block, prefix)| {
                    prefix[((row / block) as usize).min(prefix.len() - 1)]
                });
                Value::Int(start + (row + skipped) as i64)
            }
            Rule::Key { key, component } => {
                let digit = self.key_digit(t, *key, *component, row, memo);
                match &table.keys[*key].components[*component] {
                    // A unique e-mail from the row's names: a form of them,
                    // then the key's own suffix, which keeps it distinct.
                    KeyComponent::Column {
                        domain:
                            Domain::Text {
                                semantic: Semantic::Email,
                                max_len,
                                ..
                            },
                        ..
                    } if table.keys[*key].components.len() == 1
                        && let Some(names) = &column.names
                        && let Some((local, _)) = self.names_local(t, c, names, row, memo) =>
                    {
                        Value::text(text::unique_email(&local, *max_len, digit))
                    }
                    KeyComponent::Column { domain, .. } => nth(domain, digit, streams.value),
                    KeyComponent::Reference { .. } => unreachable!("a column component"),
                }
            }
            Rule::Reference {
                foreign_key,
                position,
            } => match self.parent_row(t, *foreign_key, row) {
                Some(parent_row) => {
                    let fk = &table.foreign_keys[*foreign_key];
                    self.non_null(fk.parent, fk.parent_columns[*position], parent_row, None)
                }
                None => Value::Null,
            },
            Rule::Sample(domain) if column.copula.is_some() => {
                let u = self.copula_quantile(t, c, row, memo);
                sampler::at_quantile(domain, &column.distribution, u, &mut streams.value.at(row))
            }
            Rule::Sample(domain) => sampled(domain, column, streams, row),
            Rule::Pool { size, domain } if column.copula.is_some() => {
                // The pool's values are `size` evenly spaced quantiles; the
                // latent value picks one in order, so ranks carry over.
                let u = self.copula_quantile(t, c, row, memo);
                let dist = &column.distribution;
                // Common values keep their shares.
                if let Some(common) = sampler::common_at_quantile(domain, dist, u) {
                    return common;
                }
                let k = ((u * *size as f64) as u64).min(size.saturating_sub(1));
                match streams.entries.get(k as usize) {
                    Some(entry) => entry.clone(),
                    None => sampler::pool_entry(domain, dist, *size, k, streams.pool),
                }
            }
            Rule::Pool { size, domain } => pooled(*size, domain, column, streams, row),
            Rule::After {
                base,
                strict,
                domain,
            } => {
                let base_value = self.same_row(t, *base, row, memo);
                after(&base_value, *strict, domain, &mut streams.value.at(row))
            }
            Rule::Computed => Value::Null,
        }
    }

    /// An e-mail made from the row's names in a form drawn with the
    /// profile's shares; `None` for a row past the forms' share, a NULL or
    /// empty name, or an address the column's lengths do not allow (the
    /// column's own rule makes those).
    fn made_from_names(
        &self,
        t: usize,
        c: usize,
        names: &crate::plan::Names,
        row: u64,
        memo: Option<&Memo>,
    ) -> Option<String> {
        let (mut local, mut rng) = self.names_local(t, c, names, row, memo)?;
        if rng.chance(names.digits) {
            local.push_str(&rng.between(1, 99).to_string());
        }
        let column = &self.plan.tables[t].columns[c];
        let Some(Domain::Text {
            min_len, max_len, ..
        }) = d_of(&column.rule)
        else {
            return None;
        };
        // The domain that brings the address into a length bucket drawn
        // as for the column's other text, where one does.
        let (lo, hi) =
            sampler::length_bucket(&column.distribution, &mut rng).unwrap_or((*min_len, *max_len));
        let address = text::email_address_within(&local, lo, hi, &mut rng);
        let n = text::char_len(&address) as u32;
        (n >= *min_len && n <= *max_len).then_some(address)
    }

    /// The local part (before `@`) of an e-mail made from the row's names,
    /// in a form drawn with the profile's shares, and the row's generator
    /// for what follows; `None` for a row past the forms' share or a NULL or
    /// empty name.
    fn names_local(
        &self,
        t: usize,
        c: usize,
        names: &crate::plan::Names,
        row: u64,
        memo: Option<&Memo>,
    ) -> Option<(String, RowRng)> {
        use crate::profile::stats::name_keys;
        let mut rng = self.streams[t].columns[c].names.at(row);
        let u = rng.below(u64::from(distribution::MILLION)) as u32;
        if u >= names.forms.last()?.1 {
            return None;
        }
        let form = names.forms[distribution::pick(&names.forms, u, |f| f.1)].0;
        let text = |column: usize| match self.same_row(t, column, row, memo).into_owned() {
            Value::Text(s) => Some(s),
            _ => None,
        };
        let last = match names.last {
            Some(last) => Some(text(last)?),
            None => None,
        };
        let (first, last) = name_keys(&text(names.first)?, last.as_deref())?;
        let local = form.apply(&first, &last);
        (!local.is_empty()).then_some((local, rng))
    }

    /// The quantile a copula column's value is read at: Φ of its latent
    /// value; for a column that follows no other, the uniform draw its latent
    /// normal is made from, the same point without the round trip.
    fn copula_quantile(&self, t: usize, c: usize, row: u64, memo: Option<&Memo>) -> f64 {
        if matches!(
            self.plan.tables[t].columns[c].copula,
            Some(distribution::Copula { anchor: None, .. })
        ) {
            return rng::uniform(&mut self.streams[t].columns[c].latent.at(row));
        }
        rng::phi(self.latent(t, c, row, memo))
    }

    /// The latent standard normal value of a copula column at `row`: its
    /// own draw, leaning on its anchor's by the copula's weight.
    fn latent(&self, t: usize, c: usize, row: u64, memo: Option<&Memo>) -> f64 {
        let table = &self.plan.tables[t];
        if matches!(table.columns[c].rule, Rule::Sequence { .. }) {
            // A sequence key's latent value is its row's rank.
            let rank = (row as f64 + 0.5) / table.rows.max(1) as f64;
            return rng::inverse_phi(rank.clamp(1e-12, 1.0 - 1e-12));
        }
        let own = || rng::normal(&mut self.streams[t].columns[c].latent.at(row));
        match self.plan.tables[t].columns[c].copula {
            Some(distribution::Copula {
                anchor: Some(anchor),
                weight,
            }) => {
                let anchor = match memo {
                    Some(m) if m.covers(t, row) => m.latents[anchor].get_or_init(|| {
                        m.rows
                            .clone()
                            .map(|r| self.latent(t, anchor, r, Some(m)))
                            .collect()
                    })[(row - m.rows.start) as usize],
                    _ => self.latent(t, anchor, row, None),
                };
                if weight >= 1.0 {
                    // A rank correlation of 1: the column's own draw has no part.
                    anchor
                } else {
                    weight * anchor + (1.0 - weight * weight).sqrt() * own()
                }
            }
            _ => own(),
        }
    }

    /// The parent row a foreign key points at, or `None` for a NULL reference.
    pub fn parent_row(&self, t: usize, f: usize, row: u64) -> Option<u64> {
        let fk = &self.plan.tables[t].foreign_keys[f];
        let null = self.streams[t].references[f].null;
        if fk.null_per_million > 0 && null.at(row).chance(fk.null_per_million) {
            return None;
        }
        if let Some((_, parent_row)) = self.reference_mess(t, f, row) {
            return Some(parent_row);
        }
        self.planned_parent_row(t, f, row)
    }

    /// The parent row a non-NULL reference points at before any mess.
    fn planned_parent_row(&self, t: usize, f: usize, row: u64) -> Option<u64> {
        let fk = &self.plan.tables[t].foreign_keys[f];
        let streams = &self.streams[t].references[f];
        let pick = streams.pick;
        let parents = self.plan.tables[fk.parent].rows;
        match fk.pick {
            ParentPick::Uniform => (parents > 0).then(|| pick.at(row).below(parents)),
            ParentPick::Spread(ref fan_out) => {
                let (slots, positions) = streams.spread.as_ref()?;
                Some(positions.apply(fan_out.parent_position(slots.apply(row))))
            }
            ParentPick::Previous => row.checked_sub(1),
            ParentPick::Earlier => {
                let nullable = self.plan.tables[t].columns[fk.columns[0]].null_per_million > 0
                    || self.plan.schema.tables[t].columns[fk.columns[0]].nullable;
                match (row, nullable) {
                    (0, true) => None,
                    (0, false) => Some(0),
                    // A non-nullable self-reference may point at its own row.
                    (r, false) => Some(pick.at(row).below(r + 1)),
                    (r, true) => Some(pick.at(row).below(r)),
                }
            }
            ParentPick::Key { key, component } => {
                Some(self.key_digit(t, key, component, row, None))
            }
        }
    }

    /// A reference the mess moves: to one of a few hot parents, or (files
    /// only) past the last parent row. `None`: the reference is as planned.
    fn reference_mess(
        &self,
        t: usize,
        f: usize,
        row: u64,
    ) -> Option<(crate::plan::mess::Class, u64)> {
        use crate::plan::mess::Class;
        let injections = &self.plan.mess.references[t][f];
        if injections.is_empty() {
            return None;
        }
        let parents = self.plan.tables[self.plan.tables[t].foreign_keys[f].parent].rows;
        for (injection, stream) in injections.iter().zip(&self.mess[t].references[f]) {
            let mut rng = stream.at(row);
            if !rng.chance(injection.per_million) {
                continue;
            }
            return Some(match injection.class {
                Class::Orphans => (Class::Orphans, parents + rng.below(1_000)),
                _ => {
                    let hot = 1 + (injection.intensity.clamp(0.0, 1.0) * 4.0).round() as u64;
                    let k = rng.below(hot);
                    (
                        injection.class,
                        rng::mix64(stream.key() ^ k) % parents.max(1),
                    )
                }
            });
        }
        None
    }

    /// Applies the mess to one chunk's values of column `c` (rows `range`),
    /// counting what it changed in `tally`.
    fn mess_column(
        &self,
        t: usize,
        c: usize,
        range: std::ops::Range<u64>,
        values: &mut [Value],
        axis: Option<&[Option<i64>]>,
        tally: &mut mess::Tally,
    ) {
        for (i, row) in range.enumerate() {
            let at = axis.and_then(|a| a[i]);
            if let Some(v) = self.mess_value(t, c, row, &values[i], at, tally) {
                values[i] = v;
            }
        }
    }

    /// The mess's value for column `c` at `row` in place of `value`, or
    /// `None` where it leaves the value as it is; `at` is the row's point on
    /// the table's time axis. Counts what it changed in `tally`.
    fn mess_value(
        &self,
        t: usize,
        c: usize,
        row: u64,
        value: &Value,
        at: Option<i64>,
        tally: &mut mess::Tally,
    ) -> Option<Value> {
        use crate::plan::mess::Era;
        let injections = &self.plan.mess.columns[t][c];
        let streams = &self.mess[t].columns[c];
        for (injection, stream) in injections.iter().zip(streams) {
            let in_era = match injection.era {
                Era::All => true,
                Era::RowsBelow(n) => row < n,
                Era::Before(cut) => at.is_some_and(|x| x < cut),
            };
            if !in_era {
                continue;
            }
            let mut rng = stream.at(row);
            if injection.class == crate::plan::mess::Class::IdGaps
                || !rng.chance(injection.per_million)
            {
                continue;
            }
            let other = |row: u64| self.value(t, c, row);
            let cx = mess::Context {
                column: &self.plan.tables[t].columns[c],
                rows: self.plan.tables[t].rows,
                row,
                other: &other,
                burst_day: self.mess[t].burst_days[c],
            };
            if let Some(v) = mess::inject(injection, value, &mut rng, &cx) {
                tally.hit(t, mess::Place::Column(c), injection.class, row);
                return Some(v);
            }
        }
        None
    }

    /// Counts the chunk's references the mess moved and its ids after a gap.
    fn tally_keys(&self, t: usize, range: std::ops::Range<u64>, tally: &mut mess::Tally) {
        use crate::plan::mess::Class;
        for f in 0..self.plan.mess.references[t].len() {
            if self.plan.mess.references[t][f].is_empty() {
                continue;
            }
            let fk = &self.plan.tables[t].foreign_keys[f];
            let null = self.streams[t].references[f].null;
            for row in range.clone() {
                if fk.null_per_million > 0 && null.at(row).chance(fk.null_per_million) {
                    continue;
                }
                if let Some((class, moved)) = self.reference_mess(t, f, row)
                    && Some(moved) != self.planned_parent_row(t, f, row)
                {
                    tally.hit(t, mess::Place::Reference(f), class, row);
                }
            }
        }
        for (c, gaps) in self.mess[t].gaps.iter().enumerate() {
            let Some((size, prefix)) = gaps else { continue };
            let first = range.start.div_ceil(*size).max(1);
            for block in first..=(range.end.saturating_sub(1) / size) {
                let b = block as usize;
                if b < prefix.len() && prefix[b] > prefix[b - 1] {
                    tally.hit(t, mess::Place::Column(c), Class::IdGaps, block * size);
                }
            }
        }
    }

    /// The `component`-th digit of the permuted row index of key `key`.
    fn key_digit(
        &self,
        t: usize,
        key: usize,
        component: usize,
        row: u64,
        memo: Option<&Memo>,
    ) -> u64 {
        let plan = &self.plan.tables[t].keys[key];
        let mut x = match (&plan.spread, &self.streams[t].key_spreads[key]) {
            (Some(fan_out), Some((slots, positions, salt))) => {
                // The parent from the fan-out; the other components number
                // its children in a permutation of their own per parent.
                let slot = slots.apply(row);
                let (position, rank) = fan_out.slot(slot);
                let parent = positions.apply(position);
                if component == 0 {
                    return parent;
                }
                // A second reference with its own fan-out: laid out with each
                // parent's children consecutive (`contiguous`), index × stride
                // (mod the rows) is one-to-one, so each second parent gets
                // exactly its run of indexes; a lead parent's children land
                // `stride` apart, past the end of any run, on distinct second
                // parents (`plan::second_stride`).
                if let (Some((second, stride)), Some(second_positions)) =
                    (&plan.second, &self.streams[t].key_seconds[key])
                {
                    let rows = self.plan.tables[t].rows;
                    let index = u128::from(fan_out.contiguous(slot));
                    let at = (index * u128::from(*stride) % u128::from(rows)) as u64;
                    return second_positions.apply(second.run_position(at));
                }
                let rest = plan.capacity / plan.components[0].size().max(1);
                Permutation::new(rest, rng::mix64(salt ^ parent)).apply(rank.min(rest - 1))
            }
            _ => {
                let index = |row: u64| self.streams[t].keys[key].apply(row % plan.capacity.max(1));
                match memo {
                    // Computed once per row for all the key's components.
                    Some(m) if m.covers(t, row) && plan.components.len() > 1 => m.keys[key]
                        .get_or_init(|| m.rows.clone().map(index).collect())
                        [(row - m.rows.start) as usize],
                    _ => index(row),
                }
            }
        };
        for part in &plan.components[component + 1..] {
            x /= part.size().max(1);
        }
        x % plan.components[component].size().max(1)
    }

    /// The batch for one chunk of table `t`, holding the written columns.
    pub fn chunk(&self, t: usize, chunk_index: u64, pass: Pass) -> RecordBatch {
        let table = &self.plan.tables[t];
        let range = table.chunk_range(chunk_index);
        let written = table.written_columns();
        let deferred: Vec<bool> = table
            .columns
            .iter()
            .enumerate()
            .map(|(c, _)| {
                pass == Pass::Load
                    && table
                        .foreign_keys
                        .iter()
                        .any(|f| f.deferred && f.columns.contains(&c))
            })
            .collect();
        let memo = Memo::new(t, range.clone(), table.columns.len(), table.keys.len());
        // Columns another column of the row reads are kept as values; the
        // others go straight into their arrays below, value by value.
        for &c in &written {
            if !deferred[c] && self.streams[t].read_in_row[c] {
                memo.values[c].get_or_init(|| self.column(t, c, &memo));
            }
        }
        // The time axis, for classes that hit only the oldest rows.
        let axis: Option<Vec<Option<i64>>> = self.plan.mess.axis[t]
            .filter(|_| {
                self.plan.mess.columns[t]
                    .iter()
                    .flatten()
                    .any(|i| matches!(i.era, crate::plan::mess::Era::Before(_)))
            })
            .map(|a| {
                memo.values[a]
                    .get_or_init(|| self.column(t, a, &memo))
                    .iter()
                    .map(|v| match v {
                        Value::Date(d) => Some(i64::from(*d)),
                        Value::Timestamp(m) => Some(*m),
                        _ => None,
                    })
                    .collect()
            });
        let schema = arrow::schema(self.plan, t, &written);
        let rows = (range.end - range.start) as usize;
        let kept: Vec<bool> = written
            .iter()
            .map(|&c| !deferred[c] && memo.values[c].get().is_some())
            .collect();
        let mut tally = mess::Tally::default();
        let mut arrays: Vec<Option<ArrayRef>> = vec![None; written.len()];
        for (i, (&c, field)) in written.iter().zip(schema.fields()).enumerate() {
            if deferred[c] {
                arrays[i] = Some(::arrow::array::new_null_array(field.data_type(), rows));
            } else if !kept[i] {
                let messy = !self.plan.mess.columns[t][c].is_empty();
                let bytes = self.text_bytes(t, c, rows);
                let mut builder = arrow::ColumnBuilder::new(field.data_type(), rows, bytes);
                let direct = self.direct(t, c);
                builder.extend(
                    rows,
                    #[inline(always)]
                    |k| {
                        let row = range.start + k as u64;
                        let value = self.in_chunk(t, c, row, &memo, direct);
                        if messy {
                            let at = axis.as_ref().and_then(|a| a[k]);
                            if let Some(messed) = self.mess_value(t, c, row, &value, at, &mut tally)
                            {
                                return messed;
                            }
                        }
                        value
                    },
                );
                arrays[i] = Some(builder.finish());
            }
        }
        // The kept columns, moved out of the memo now that nothing reads it.
        let mut computed: Vec<Option<Vec<Value>>> =
            memo.values.into_iter().map(OnceCell::into_inner).collect();
        for (i, (&c, field)) in written.iter().zip(schema.fields()).enumerate() {
            if let (true, Some(mut values)) = (kept[i], computed[c].take()) {
                if !self.plan.mess.columns[t][c].is_empty() {
                    self.mess_column(
                        t,
                        c,
                        range.clone(),
                        &mut values,
                        axis.as_deref(),
                        &mut tally,
                    );
                }
                arrays[i] = Some(arrow::array(field.data_type(), &values));
            }
        }
        let arrays = arrays
            .into_iter()
            .map(|a| a.expect("every written column has its array"))
            .collect();
        self.tally_keys(t, range.clone(), &mut tally);
        if !tally.0.is_empty() {
            match self.tally.lock() {
                Ok(mut all) => all.merge(tally),
                Err(poisoned) => poisoned.into_inner().merge(tally),
            }
        }
        arrow::batch_of(schema, rows, arrays)
    }

    /// The text bytes a chunk of `rows` values of column `c` is expected to
    /// hold (the middle of its length range; a hint), so its array's buffer
    /// is mostly sized once.
    fn text_bytes(&self, t: usize, c: usize, rows: usize) -> usize {
        match d_of(&self.plan.tables[t].columns[c].rule) {
            Some(Domain::Text {
                min_len, max_len, ..
            }) => rows * (*min_len as usize + *max_len as usize).div_ceil(2),
            _ => 0,
        }
    }

    /// For a table with deferred foreign keys: the key columns that find each
    /// row and the deferred columns' values, for the fill-in pass.
    pub fn deferred_chunk(
        &self,
        t: usize,
        chunk_index: u64,
    ) -> Option<(Vec<usize>, Vec<usize>, RecordBatch)> {
        let table = &self.plan.tables[t];
        let deferred: Vec<usize> = table
            .foreign_keys
            .iter()
            .filter(|f| f.deferred)
            .flat_map(|f| f.columns.iter().copied())
            .collect();
        if deferred.is_empty() {
            return None;
        }
        let schema_table = &self.plan.schema.tables[t];
        let key = schema_table
            .primary_key
            .as_ref()
            .or(schema_table.uniques.first())?;
        let key_columns: Vec<usize> = key
            .columns
            .iter()
            .filter_map(|c| schema_table.column_index(c))
            .collect();
        let range = table.chunk_range(chunk_index);
        let all: Vec<usize> = key_columns.iter().chain(&deferred).copied().collect();
        let columns = all
            .iter()
            .map(|&c| range.clone().map(|row| self.value(t, c, row)).collect())
            .collect();
        Some((
            key_columns,
            deferred,
            arrow::batch(self.plan, t, &all, columns),
        ))
    }

    /// The table plan of table `t`.
    pub fn table(&self, t: usize) -> &TablePlan {
        &self.plan.tables[t]
    }
}

/// Per column of the table: whether another column of the same row reads
/// its value (through [`Generator::same_row`]). Only speed depends on it: a
/// column read but not marked is computed again for its reader's memo.
fn read_in_row(table: &TablePlan) -> Vec<bool> {
    let mut read = vec![false; table.columns.len()];
    for column in &table.columns {
        if let Some(g) = &column.given {
            read[g.base] = true;
        }
        if let Some(f) = &column.follows
            && let Base::Column(b) = f.base
        {
            read[b] = true;
        }
        if let Some(b) = &column.banded {
            read[b.base] = true;
        }
        if let Some((to, _)) = column.within {
            read[to] = true;
        }
        if let Some(n) = &column.names {
            read[n.first] = true;
            if let Some(last) = n.last {
                read[last] = true;
            }
        }
        if let Rule::After { base, .. } = &column.rule {
            read[*base] = true;
        }
    }
    read
}

/// The streams of table `t`'s mess, its id gaps and burst days.
fn mess_streams(plan: &Plan, t: usize, table: &TablePlan) -> MessStreams {
    use crate::plan::mess::{Class, gap_block, max_gap};
    let stream = |name: &str, class: Class| {
        Stream::new(plan.seed, &table.address, name, &format!("mess-{class}"))
    };
    let columns: Vec<Vec<Stream>> = plan.mess.columns[t]
        .iter()
        .zip(&table.columns)
        .map(|(injections, c)| {
            injections
                .iter()
                .map(|i| stream(&c.name, i.class))
                .collect()
        })
        .collect();
    let references = plan.mess.references[t]
        .iter()
        .zip(&table.foreign_keys)
        .map(|(injections, f)| {
            injections
                .iter()
                .map(|i| stream(&f.label, i.class))
                .collect()
        })
        .collect();
    let gaps = (0..table.columns.len())
        .map(|c| {
            let injection = plan.mess.gaps(t, c)?;
            let s = stream(&table.columns[c].name, Class::IdGaps);
            let size = gap_block(table.rows);
            let blocks = table.rows / size + 1;
            let mut prefix = Vec::with_capacity(blocks as usize);
            let mut skipped = 0u64;
            for b in 0..blocks {
                prefix.push(skipped);
                let mut rng = s.at(b);
                if rng.chance(injection.per_million) {
                    skipped += 1 + rng.below(max_gap(injection.intensity));
                }
            }
            Some((size, prefix))
        })
        .collect();
    let burst_days = table
        .columns
        .iter()
        .map(|c| {
            let units = match &c.rule {
                Rule::Sample(d) | Rule::Pool { domain: d, .. } | Rule::After { domain: d, .. } => {
                    distribution::units(d).map(|r| (d, r))
                }
                _ => None,
            };
            let Some((domain, (lo, hi))) = units else {
                return 0;
            };
            // A day in the later half of the column's values.
            let u = 0.5
                + 0.5
                    * stream(&c.name, Class::BurstDay)
                        .at(u64::MAX)
                        .below(1_000_000) as f64
                    / 1e6;
            let at = if c.distribution.steps.is_empty() {
                lo + ((hi - lo) as f64 * u) as i128
            } else {
                distribution::quantile(&c.distribution.steps, &c.distribution.guide, u).0
            };
            match domain {
                Domain::Timestamp { .. } => {
                    (at as i64).div_euclid(crate::value::MICROS_PER_DAY) as i32
                }
                _ => at as i32,
            }
        })
        .collect();
    MessStreams {
        columns,
        references,
        gaps,
        burst_days,
    }
}

/// The values of one chunk's columns, each computed once, when first
/// needed: a column that leans on another of its row (a time order, a
/// banding, an association, a copula anchor) reads it here instead of
/// computing it again. Values are pure, so the memo changes speed, never output.
struct Memo {
    t: usize,
    rows: std::ops::Range<u64>,
    values: Vec<OnceCell<Vec<Value>>>,
    latents: Vec<OnceCell<Vec<f64>>>,
    /// Per key, each row's permuted index, which every component of the key
    /// reads its digit from.
    keys: Vec<OnceCell<Vec<u64>>>,
}

impl Memo {
    fn new(t: usize, rows: std::ops::Range<u64>, columns: usize, keys: usize) -> Self {
        Self {
            t,
            rows,
            values: (0..columns).map(|_| OnceCell::new()).collect(),
            latents: (0..columns).map(|_| OnceCell::new()).collect(),
            keys: (0..keys).map(|_| OnceCell::new()).collect(),
        }
    }

    fn covers(&self, t: usize, row: u64) -> bool {
        self.t == t && self.rows.contains(&row)
    }
}

/// A draw from a domain.
pub fn sample(domain: &Domain, rng: &mut RowRng) -> Value {
    match domain {
        Domain::Bool => Value::Bool(rng.below(2) == 1),
        Domain::Int { lo, hi } => Value::Int(rng.between(*lo, *hi)),
        Domain::Decimal { lo, hi, .. } => Value::Decimal(rng.between_i128(*lo, *hi)),
        Domain::Float { lo, hi } => Value::Float(rng.between(*lo, *hi) as f64 / 100.0),
        Domain::Text {
            min_len,
            max_len,
            semantic,
        } => Value::text(text::generate(*semantic, *min_len, *max_len, rng)),
        Domain::Choice(values) => values[rng.below(values.len() as u64) as usize].clone(),
        Domain::Date { lo, hi } => Value::Date(rng.between(i64::from(*lo), i64::from(*hi)) as i32),
        Domain::Time { lo, hi } => {
            Value::Time(rng.between(lo / 1_000_000, hi / 1_000_000) * 1_000_000)
        }
        Domain::Timestamp { lo, hi } => Value::Timestamp(
            rng.between(lo.div_euclid(1_000_000), hi.div_euclid(1_000_000)) * 1_000_000,
        ),
        Domain::Interval => {
            let secs = rng.below(400 * 86_400);
            Value::text(format!(
                "{} days {:02}:{:02}:{:02}",
                secs / 86_400,
                (secs / 3600) % 24,
                (secs / 60) % 60,
                secs % 60
            ))
        }
        Domain::Uuid => Value::text(uuid_text(rng.next_u64(), rng.next_u64())),
        Domain::Json => {
            let id = rng.below(1_000_000);
            let word = text::generate(Semantic::Words, 3, 12, rng);
            Value::text(format!(
                "{{\"id\": {id}, \"tag\": \"{}\"}}",
                word.replace(['"', '\\'], "")
            ))
        }
        Domain::Inet => Value::text(ipv4(rng.next_u64() as u32)),
        Domain::Binary { min_len, max_len } => {
            let len = rng.between(i64::from(*min_len), i64::from(*max_len)) as usize;
            let mut bytes = vec![0u8; len];
            rand::RngCore::fill_bytes(rng, &mut bytes);
            Value::Bytes(bytes)
        }
        Domain::Array { element, max_len } => {
            let len = rng.below(u64::from(*max_len) + 1);
            Value::List((0..len).map(|_| sample(element, rng)).collect())
        }
        Domain::Literal(Some(text)) => Value::text(text.clone()),
        Domain::Literal(None) => Value::Null,
    }
}

/// The `k`-th value of a domain, for unique keys: distinct `k` give distinct values.
pub fn nth(domain: &Domain, k: u64, stream: Stream) -> Value {
    match domain {
        Domain::Bool => Value::Bool(k % 2 == 1),
        Domain::Int { lo, .. } => Value::Int(lo.saturating_add(k as i64)),
        Domain::Decimal { lo, .. } => Value::Decimal(lo + i128::from(k)),
        Domain::Float { lo, .. } => Value::Float((lo + k as i64) as f64 / 100.0),
        Domain::Date { lo, .. } => Value::Date(lo + k as i32),
        Domain::Time { lo, .. } => Value::Time(lo + k as i64 * 1_000_000),
        Domain::Timestamp { lo, .. } => Value::Timestamp(lo + k as i64 * 1_000_000),
        Domain::Choice(values) => values[(k as usize).min(values.len() - 1)].clone(),
        Domain::Text {
            min_len,
            max_len,
            semantic,
        } => Value::text(text::unique(
            *semantic,
            *min_len,
            *max_len,
            k,
            &mut stream.at(k),
        )),
        Domain::Uuid => {
            let low = Permutation::new(1 << 62, stream.key()).apply(k);
            Value::text(uuid_text(rng::mix64(k ^ stream.key()), low))
        }
        Domain::Inet => {
            let [a, b, c, d] =
                (Permutation::new(1 << 32, stream.key()).apply(k) as u32).to_be_bytes();
            Value::text(format!("{a}.{b}.{c}.{d}"))
        }
        Domain::Interval => Value::text(format!("{k} seconds")),
        Domain::Json => Value::text(format!("{{\"id\": {k}}}")),
        Domain::Binary { min_len, .. } => {
            let mut bytes = k.to_be_bytes().to_vec();
            while bytes.len() > (*min_len as usize).max(1) && bytes[0] == 0 {
                bytes.remove(0);
            }
            while bytes.len() < *min_len as usize {
                bytes.insert(0, 0);
            }
            Value::Bytes(bytes)
        }
        Domain::Array { .. } | Domain::Literal(_) => sample(domain, &mut stream.at(k)),
    }
}

/// `value`, or if it falls before `base`, as far after `base` as it was
/// before (within the domain's upper bound).
fn follow(value: Value, base: &Value, domain: Option<&Domain>) -> Value {
    match (value, base, domain) {
        (Value::Date(v), Value::Date(b), Some(Domain::Date { hi, .. })) if v < *b => {
            Value::Date((b + (b - v)).min(*hi).max(*b))
        }
        (Value::Timestamp(v), Value::Timestamp(b), Some(Domain::Timestamp { hi, .. }))
            if v < *b =>
        {
            Value::Timestamp((b + (b - v)).min(*hi).max(*b))
        }
        (value, _, _) => value,
    }
}

/// `base` plus a delay at quantile `u` (per million) of the equi-depth
/// `delay` bounds (seconds), within the domain's upper bound; `None` when
/// the base is NULL (or not a time of the domain's kind).
fn delayed(base: &Value, delay: &[i64], u: u64, domain: Option<&Domain>) -> Option<Value> {
    let k = (delay.len() - 1) as u64;
    let x = u * k;
    let b = ((x / 1_000_000) as usize).min(delay.len() - 2);
    let within = (x % 1_000_000) as i64;
    let (lo, hi) = (delay[b], delay[b + 1]);
    let seconds = lo + (hi - lo) * within / 1_000_000;
    match (base, domain) {
        // Whole days, to the nearest (the profile's bounds are coarsened).
        (Value::Date(d), Some(Domain::Date { hi, .. })) => Some(Value::Date(
            (i64::from(*d) + (seconds + 43_200) / 86_400)
                .min(i64::from(*hi))
                .max(i64::from(*d)) as i32,
        )),
        (Value::Timestamp(t), Some(Domain::Timestamp { hi, .. })) => {
            Some(Value::Timestamp((t + seconds * 1_000_000).min(*hi).max(*t)))
        }
        _ => None,
    }
}

fn d_of(rule: &Rule) -> Option<&Domain> {
    match rule {
        Rule::Sample(d) | Rule::Pool { domain: d, .. } | Rule::After { domain: d, .. } => Some(d),
        _ => None,
    }
}

/// A value at or after `base` within the domain's upper bound.
fn after(base: &Value, strict: bool, domain: &Domain, rng: &mut RowRng) -> Value {
    // Between max(base + step, own lowest) and own highest; the planner keeps
    // the base below the highest, so the range is never empty.
    let step = i64::from(strict);
    match (base, domain) {
        (Value::Int(b), Domain::Int { lo, hi }) => {
            let from = (b + step).max(*lo);
            Value::Int(rng.between(from, (*hi).max(from)))
        }
        (Value::Decimal(b), Domain::Decimal { lo, hi, .. }) => {
            let from = (b + i128::from(step)).max(*lo);
            Value::Decimal(rng.between_i128(from, (*hi).max(from)))
        }
        (Value::Float(b), Domain::Float { lo, hi }) => {
            let from = ((b * 100.0).ceil() as i64 + step).max(*lo);
            Value::Float(rng.between(from, (*hi).max(from)) as f64 / 100.0)
        }
        (Value::Date(b), Domain::Date { lo, hi }) => {
            let from = (i64::from(*b) + step).max(i64::from(*lo));
            // Close after the base, as dates that follow one another are.
            let to = (i64::from(*hi)).min(from + 90).max(from);
            Value::Date(rng.between(from, to) as i32)
        }
        (Value::Timestamp(b), Domain::Timestamp { lo, hi }) => {
            let from = (b / 1_000_000 + step).max(lo / 1_000_000);
            let to = (hi / 1_000_000).min(from + 30 * 86_400).max(from);
            Value::Timestamp(rng.between(from, to) * 1_000_000)
        }
        (Value::Time(b), Domain::Time { lo, hi }) => {
            let from = (b / 1_000_000 + step).max(lo / 1_000_000);
            Value::Time(rng.between(from, (hi / 1_000_000).max(from)) * 1_000_000)
        }
        _ => sample(domain, rng),
    }
}

/// A draw of a `Rule::Sample` column without a copula.
#[inline]
fn sampled(domain: &Domain, column: &ColumnPlan, streams: &ColumnStreams, row: u64) -> Value {
    let mut rng = streams.value.at(row);
    match streams.strata {
        Some((values, _)) => {
            sampler::draw_at(domain, &column.distribution, values.at(row), &mut rng)
        }
        None => sampler::draw(domain, &column.distribution, &mut rng),
    }
}

/// A draw of a `Rule::Pool` column without a copula.
#[inline]
fn pooled(
    size: u64,
    domain: &Domain,
    column: &ColumnPlan,
    streams: &ColumnStreams,
    row: u64,
) -> Value {
    let mut rng = streams.pick.at(row);
    let at = streams.strata.map(|(values, _)| values.at(row));
    sampler::draw_pooled(domain, &column.distribution, size, at, &mut rng, |k| {
        streams.pool.at(k)
    })
}

/// Whether a column's values come from its NULL share and its rule alone:
/// no other column of the row or of a parent, no CHECK that excludes values.
/// [`Generator::cell`] and [`Generator::non_null`] give such a column a NULL
/// draw and then the rule's value ([`Generator::ruled`]) after checks that
/// all pass, so a chunk makes it with those two steps alone.
fn is_direct(column: &ColumnPlan) -> bool {
    column.follows.is_none()
        && column.excluded.is_empty()
        && column.copy.is_none()
        && column.banded.is_none()
        && column.given.is_none()
        && column.within.is_none()
        && (column.names.is_none() || matches!(column.rule, Rule::Key { .. }))
}

/// Pools read through a copula with at most this many entries have them
/// made once per generator: an entry costs a quantile read and a calendar
/// draw, and a date column draws from its few thousand millions of times.
/// (Pools drawn without a copula make an entry cheaply: a table of
/// `l_partkey`'s 195 044 was slower, its reads missing the cache, and one of
/// `l_suppkey`'s 10 000 saved 0.3% of the instructions; see
/// docs/benchmarks.md.)
const POOL_ENTRIES_MAX: u64 = 4096;

/// The entries of a column's pool, in order, where [`POOL_ENTRIES_MAX`]
/// says to make them once; empty otherwise.
fn pool_entries(column: &ColumnPlan, pool: Stream) -> Vec<Value> {
    match &column.rule {
        Rule::Pool { size, domain } if column.copula.is_some() && *size <= POOL_ENTRIES_MAX => (0
            ..*size)
            .map(|k| sampler::pool_entry(domain, &column.distribution, *size, k, pool))
            .collect(),
        _ => Vec::new(),
    }
}

/// The plan and streams of a column [`is_direct`] finds.
type Direct<'a> = (&'a ColumnPlan, &'a ColumnStreams);

/// The draw (below `MILLION`) that makes a value NULL when it is below the
/// column's NULL share.
#[inline]
fn null_draw(streams: &ColumnStreams, row: u64) -> u32 {
    match streams.strata {
        Some((_, nulls)) => nulls.at(row),
        None => streams.null.at(row).below(u64::from(distribution::MILLION)) as u32,
    }
}

fn uuid_text(high: u64, low: u64) -> String {
    // Version 4, variant 10xx: what uuid columns in the wild mostly hold.
    let high = (high & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let low = (low & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xffff,
        low >> 48,
        low & 0xffff_ffff_ffff
    )
}

fn ipv4(x: u32) -> String {
    let [a, b, c, d] = x.to_be_bytes();
    // Keep out of 0.0.0.0/8 and multicast so every address is an ordinary host.
    format!("{}.{b}.{c}.{d}", 1 + u32::from(a) % 223)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ColumnStats;
    use crate::profile::stats::Frequency;

    /// The central rule as chunks see it: without mess, every cell of every
    /// chunk is [`Generator::value`] at its address, for a column a chunk
    /// keeps for the row's other columns and for one it streams straight
    /// into its array alike, whatever the chunk size.
    #[test]
    fn each_cell_of_a_chunk_is_the_value_at_its_address() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/chinook.json");
        let profile = crate::profile::read(&path).expect("the shipped Chinook profile reads");
        for chunk_rows in [7, 4096] {
            let options = crate::plan::Options {
                scale: 2.0,
                chunk_rows: Some(chunk_rows),
                mess: crate::plan::mess::Options {
                    preset: crate::plan::mess::Preset::None,
                    ..Default::default()
                },
                ..Default::default()
            };
            let plan = crate::plan::build(&profile, &options).expect("Chinook plans");
            let generator = Generator::new(&plan);
            // Both ways through `chunk` are taken.
            let kept = generator.streams.iter().flat_map(|s| &s.read_in_row);
            assert!(kept.clone().any(|k| *k) && kept.clone().any(|k| !*k));
            // And both ways of making a column that is not kept.
            let columns = plan.tables.iter().flat_map(|t| &t.columns);
            assert!(columns.clone().any(is_direct) && columns.clone().any(|c| !is_direct(c)));
            for (t, table) in plan.tables.iter().enumerate() {
                let written = table.written_columns();
                for i in 0..table.chunk_count() {
                    let range = table.chunk_range(i);
                    let values = written
                        .iter()
                        .map(|&c| {
                            range
                                .clone()
                                .map(|row| generator.value(t, c, row))
                                .collect()
                        })
                        .collect();
                    assert_eq!(
                        generator.chunk(t, i, Pass::Complete),
                        arrow::batch(&plan, t, &written, values),
                        "{} chunk {i} of {chunk_rows} rows",
                        table.address
                    );
                }
            }
        }
    }

    /// A small copula pool's entries, made once per generator, are the
    /// values its draws would make without them, entry for entry. Chinook's
    /// dates and amounts are made such pools here (its own has two values,
    /// both common, which would not show a misplaced entry).
    #[test]
    fn pool_entries_made_once_are_the_entries_made_in_place() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/chinook.json");
        let profile = crate::profile::read(&path).expect("the shipped Chinook profile reads");
        let mut plan =
            crate::plan::build(&profile, &crate::plan::Options::default()).expect("Chinook plans");
        for table in &mut plan.tables {
            let rows = table.rows;
            for column in &mut table.columns {
                if let Rule::Sample(
                    domain @ (Domain::Date { .. }
                    | Domain::Timestamp { .. }
                    | Domain::Decimal { .. }),
                ) = &column.rule
                    && is_direct(column)
                {
                    column.rule = Rule::Pool {
                        size: (rows / 2).clamp(1, POOL_ENTRIES_MAX),
                        domain: domain.clone(),
                    };
                    column.copula = Some(distribution::Copula {
                        anchor: None,
                        weight: 1.0,
                    });
                }
            }
        }
        let with = Generator::new(&plan);
        let mut without = Generator::new(&plan);
        let mut tabled = Vec::new();
        for (t, streams) in without.streams.iter_mut().enumerate() {
            for (c, column) in streams.columns.iter_mut().enumerate() {
                if !column.entries.is_empty() {
                    column.entries.clear();
                    tabled.push((t, c));
                }
            }
        }
        assert!(tabled.len() >= 3, "{tabled:?}: too few pools made once");
        for (t, c) in tabled {
            for row in 0..plan.tables[t].rows {
                assert_eq!(
                    with.value(t, c, row),
                    without.value(t, c, row),
                    "{} column {c} row {row}",
                    plan.tables[t].address
                );
            }
        }
    }

    /// On a table of 59 rows (Chinook's customers) every common value's
    /// share, and the NULL share, is met to within one row; independent
    /// draws stray by about √(p·n), several rows for these shares.
    #[test]
    fn stratified_draws_meet_each_share_to_within_a_row() {
        let domain = Domain::Int { lo: 0, hi: 100 };
        let shares = [("1", 0.5), ("2", 0.3), ("3", 0.15), ("4", 0.05)];
        let stats = ColumnStats {
            column: "c".into(),
            most_common: shares
                .iter()
                .map(|(v, f)| Frequency {
                    value: (*v).into(),
                    fraction: *f,
                })
                .collect(),
            ..ColumnStats::default()
        };
        let dist = distribution::build(&domain, Some(&stats));
        let value = Stream::new(7, "t", "c", "value");
        for rows in [8u64, 59, 412, 3503] {
            let values = Strata::new(rows, Stream::new(7, "t", "c", "strata")).unwrap();
            let nulls = Strata::new(rows, Stream::new(7, "t", "c", "null-strata")).unwrap();
            let mut counts = [0u64; 4];
            let mut null_rows = 0;
            for row in 0..rows {
                match sampler::draw_at(&domain, &dist, values.at(row), &mut value.at(row)) {
                    Value::Int(v @ 1..=4) => counts[v as usize - 1] += 1,
                    other => panic!("{other:?} is not a common value"),
                }
                // A NULL share of 12.5%, as `cell` decides it.
                if nulls.at(row) < 125_000 {
                    null_rows += 1;
                }
            }
            for ((v, share), got) in shares.iter().zip(counts) {
                let want = share * rows as f64;
                assert!(
                    (got as f64 - want).abs() <= 1.0,
                    "{rows} rows: value {v} in {got} rows, want {want}"
                );
            }
            let want = 0.125 * rows as f64;
            assert!(
                (null_rows as f64 - want).abs() <= 1.0,
                "{rows} rows: {null_rows} NULL, want {want}"
            );
        }
        // Only small tables are stratified.
        assert!(Strata::new(STRATIFIED_ROWS, value).is_some());
        assert!(Strata::new(STRATIFIED_ROWS + 1, value).is_none());
    }
}
