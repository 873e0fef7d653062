//! Distributions: how a column's draws spread over its domain.
//!
//! The domain says what values are allowed; the distribution says how often
//! each comes up, from the profile: the most common values with their shares,
//! the equi-depth histogram of the rest (numbers and times), the calendar
//! (weekday and hour shares), text lengths and character-class shapes.
//! Weights are integers per million so draws never depend on float maths.

use super::domain::{Domain, Semantic};
use crate::profile::{ColumnStats, StatValue};
use crate::value::{self, MICROS_PER_DAY, Value};

/// One million: the denominator of every weight here.
pub const MILLION: u32 = 1_000_000;

/// How draws spread over a domain. The default is uniform over the domain.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Distribution {
    /// Values kept verbatim by the profile, each with the cumulative share
    /// (per million non-NULL draws) up to and including it.
    pub common: Vec<(Value, u32)>,
    /// Buckets of the values that are not common, in the domain's units
    /// (see [`units`]), each with the cumulative weight (per million) up to
    /// and including it. Empty: uniform over the domain.
    pub buckets: Vec<Bucket>,
    /// The whole distribution in value order (common values as points, the
    /// rest as buckets), in domain units: the inverse CDF correlated columns
    /// are read through. Empty without a histogram.
    pub steps: Vec<Step>,
    /// `guide[k]`: the first step whose cumulative weight exceeds
    /// `k × MILLION / GUIDE`, where a quantile's search starts (a guide
    /// table: one or two comparisons instead of a binary search).
    pub guide: Vec<u32>,
    /// Weekday and hour shares for dates and timestamps.
    pub calendar: Option<Calendar>,
    /// Equi-depth bounds of text length (characters).
    pub lengths: Vec<u32>,
    /// Character-class shapes (`Aaaa 999`) with cumulative shares per million
    /// of the draws that are not common; the rest follows `lengths`.
    pub shapes: Vec<(String, u32)>,
}

/// A column read through its quantiles at a latent standard normal value
/// that leans on an earlier column's (a Gaussian copula): the pair keeps
/// the rank correlation the profile shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Copula {
    /// The earlier column whose latent value this one's follows; `None` for
    /// a column only others follow.
    pub anchor: Option<usize>,
    /// Correlation of the latent normals (from the rank correlation ρ:
    /// 2 sin(πρ/6)).
    pub weight: f64,
}

/// A stretch of the value axis with its cumulative weight, for reading the
/// distribution at a quantile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// Lowest, in domain units.
    pub lo: i128,
    /// Highest (equal to `lo` for a common value).
    pub hi: i128,
    /// Cumulative weight per million up to and including this step.
    pub until: u32,
    /// Whether the step is a common value (kept as it is, never moved by the calendar).
    pub common: bool,
}

/// A stretch of the domain drawn uniformly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bucket {
    /// Lowest, in domain units.
    pub lo: i128,
    /// Highest, in domain units.
    pub hi: i128,
    /// Cumulative weight per million up to and including this bucket.
    pub until: u32,
}

/// Calendar shares, cumulative per million.
#[derive(Clone, Debug, PartialEq)]
pub struct Calendar {
    /// Monday first, 7 entries.
    pub weekday: Vec<u32>,
    /// Hour 0 first, 24 entries; empty for dates.
    pub hour: Vec<u32>,
}

impl Distribution {
    /// Share of non-NULL draws that take a common value, per million.
    pub fn common_share(&self) -> u32 {
        self.common.last().map_or(0, |c| c.1)
    }

    /// Whether draws are uniform over the domain.
    pub fn is_uniform(&self) -> bool {
        self.common.is_empty()
            && self.buckets.is_empty()
            && self.lengths.is_empty()
            && self.shapes.is_empty()
            && self.calendar.is_none()
    }
}

/// Common values (`common`: value, share, units) and the residual buckets
/// merged in value order, the buckets sharing `1 - common_share`.
fn steps(
    out: &Distribution,
    common: &[(Value, f64, Option<i128>)],
    common_share: f64,
) -> Vec<Step> {
    let mut parts: Vec<(i128, i128, f64, bool)> = common
        .iter()
        .filter_map(|(_, f, u)| u.map(|u| (u, u, *f, true)))
        .collect();
    let mut previous = 0;
    for b in &out.buckets {
        let mass = f64::from(b.until - previous) / f64::from(MILLION) * (1.0 - common_share);
        previous = b.until;
        if mass > 0.0 {
            parts.push((b.lo, b.hi, mass, false));
        }
    }
    parts.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let total: f64 = parts.iter().map(|p| p.2).sum();
    let mut acc = 0.0;
    let mut steps: Vec<Step> = parts
        .into_iter()
        .map(|(lo, hi, mass, common)| {
            acc += mass / total;
            Step {
                lo,
                hi,
                until: per_million(acc),
                common,
            }
        })
        .collect();
    if let Some(last) = steps.last_mut() {
        last.until = MILLION;
    }
    steps
}

/// Entries of a quantile guide table.
const GUIDE: u32 = 1024;

/// The guide table of `steps` (see [`Distribution::guide`]).
fn guide(steps: &[Step]) -> Vec<u32> {
    (0..GUIDE)
        .map(|k| {
            let at = (u64::from(k) * u64::from(MILLION) / u64::from(GUIDE)) as u32;
            pick(steps, at, |s| s.until) as u32
        })
        .collect()
}

/// The value at quantile `u` (in [0, 1)) of the distribution's steps: a
/// common value itself, a bucket read linearly; and whether it is a common
/// value. `guide` is the steps' guide table (empty: a binary search).
pub fn quantile(steps: &[Step], guide: &[u32], u: f64) -> (i128, bool) {
    let at = (u.clamp(0.0, 1.0) * f64::from(MILLION)) as u32;
    let slot = (u64::from(at) * u64::from(GUIDE) / u64::from(MILLION)) as usize;
    let i = match guide.get(slot) {
        // The first step whose weight exceeds `at`, as `pick` finds it: the
        // guide's step is at or before it.
        Some(&start) => {
            let mut i = start as usize;
            while i + 1 < steps.len() && steps[i].until <= at {
                i += 1;
            }
            i
        }
        None => pick(steps, at, |s| s.until),
    };
    let step = steps[i];
    let from = if i == 0 { 0 } else { steps[i - 1].until };
    let within = f64::from(at.saturating_sub(from)) / f64::from((step.until - from).max(1));
    let v = wide_to_f64(step.lo) + wide_to_f64(step.hi - step.lo) * within.clamp(0.0, 1.0);
    (floor_to_wide(v).clamp(step.lo, step.hi), step.common)
}

/// `x as f64`, through `i64` where it fits: the same value, without the
/// 128-bit conversion's library call (units are nearly always within `i64`).
#[inline]
fn wide_to_f64(x: i128) -> f64 {
    match i64::try_from(x) {
        Ok(x) => x as f64,
        Err(_) => wide_to_f64_slow(x),
    }
}

// Out of line, so that the compiler does not fold the fast path back into it.
#[cold]
#[inline(never)]
fn wide_to_f64_slow(x: i128) -> f64 {
    x as f64
}

/// `x.floor() as i128`, in integers where `x` fits an `i64` (the same
/// value, without `floor`'s library call and the 128-bit conversion).
#[inline]
fn floor_to_wide(x: f64) -> i128 {
    if x.abs() < 9.0e18 {
        let i = x as i64; // towards zero
        i128::from(if (i as f64) > x { i - 1 } else { i })
    } else {
        floor_to_wide_slow(x)
    }
}

#[cold]
#[inline(never)]
fn floor_to_wide_slow(x: f64) -> i128 {
    x.floor() as i128
}

/// Index of the first entry whose cumulative weight exceeds `u`.
pub fn pick<T>(entries: &[T], u: u32, until: impl Fn(&T) -> u32) -> usize {
    entries
        .partition_point(|e| until(e) <= u)
        .min(entries.len().saturating_sub(1))
}

/// The domain's range in its units: integers, scaled decimals, hundredths
/// of floats, days of dates, microseconds of times and timestamps.
pub fn units(domain: &Domain) -> Option<(i128, i128)> {
    match domain {
        Domain::Int { lo, hi } | Domain::Float { lo, hi } => {
            Some((i128::from(*lo), i128::from(*hi)))
        }
        Domain::Decimal { lo, hi, .. } => Some((*lo, *hi)),
        Domain::Date { lo, hi } => Some((i128::from(*lo), i128::from(*hi))),
        Domain::Time { lo, hi } | Domain::Timestamp { lo, hi } => {
            Some((i128::from(*lo), i128::from(*hi)))
        }
        _ => None,
    }
}

/// The value at `u` units of the domain (see [`units`]).
pub fn from_units(domain: &Domain, u: i128) -> Value {
    match domain {
        Domain::Int { .. } => Value::Int(u as i64),
        Domain::Decimal { .. } => Value::Decimal(u),
        Domain::Float { .. } => Value::Float(u as f64 / 100.0),
        Domain::Date { .. } => Value::Date(u as i32),
        // Whole seconds, as the uniform draws.
        Domain::Time { .. } => Value::Time((u as i64).div_euclid(1_000_000) * 1_000_000),
        Domain::Timestamp { .. } => Value::Timestamp((u as i64).div_euclid(1_000_000) * 1_000_000),
        _ => unreachable!("only ranged domains have units"),
    }
}

/// The share of draws (0 to 1) that give exactly `v`: its common value's
/// share, and the share of the histogram's point buckets (two equal
/// bounds, such as the `0, 0, 0` a column with many zeros starts with) at it.
pub fn point_share(dist: &Distribution, domain: &Domain, v: &Value) -> f64 {
    let million = f64::from(MILLION);
    let mut previous = 0;
    let mut share = 0.0;
    for (x, until) in &dist.common {
        if x == v {
            share += f64::from(until - previous) / million;
        }
        previous = *until;
    }
    let units = match (domain, v) {
        (Domain::Int { .. }, Value::Int(i)) => i128::from(*i),
        (Domain::Decimal { .. }, Value::Decimal(d)) => *d,
        (Domain::Float { .. }, Value::Float(f)) => (f * 100.0).round() as i128,
        (Domain::Date { .. }, Value::Date(d)) => i128::from(*d),
        (Domain::Time { .. } | Domain::Timestamp { .. }, Value::Time(t) | Value::Timestamp(t)) => {
            i128::from(*t)
        }
        _ => return share,
    };
    let rest = 1.0 - f64::from(dist.common_share()) / million;
    let mut previous = 0;
    for b in &dist.buckets {
        if b.lo == units && b.hi == units {
            share += rest * f64::from(b.until - previous) / million;
        }
        previous = b.until;
    }
    share
}

/// A profile statistic in the domain's units.
fn stat_units(domain: &Domain, stat: &StatValue) -> Option<i128> {
    match (domain, stat) {
        (Domain::Int { .. }, StatValue::Number(n)) => Some(n.round() as i128),
        (Domain::Decimal { scale, .. }, StatValue::Number(n)) => {
            Some((n * 10f64.powi(*scale as i32)).round() as i128)
        }
        (Domain::Float { .. }, StatValue::Number(n)) => Some((n * 100.0).round() as i128),
        (Domain::Date { .. }, StatValue::Time(t)) => {
            value::parse_timestamp(t).map(|m| i128::from(m.div_euclid(MICROS_PER_DAY)))
        }
        (Domain::Timestamp { .. }, StatValue::Time(t)) => value::parse_timestamp(t).map(i128::from),
        (Domain::Time { .. }, StatValue::Time(t)) => value::parse_time(t).map(i128::from),
        _ => None,
    }
}

/// A most-common value as the domain's value, or `None` when the domain
/// cannot hold it (a CHECK or the target's width rules it out).
pub fn parse_common(domain: &Domain, text: &str) -> Option<Value> {
    let number = || text.trim().parse::<f64>().ok().map(StatValue::Number);
    let time = || Some(StatValue::Time(text.to_owned()));
    let ranged = |stat: Option<StatValue>| -> Option<Value> {
        let u = stat_units(domain, &stat?)?;
        let (lo, hi) = units(domain)?;
        (lo..=hi).contains(&u).then(|| from_units(domain, u))
    };
    match domain {
        Domain::Int { .. } => {
            let n: i64 = text.trim().parse().ok()?;
            ranged(Some(StatValue::Number(n as f64)))
        }
        Domain::Decimal { .. } | Domain::Float { .. } => ranged(number()),
        Domain::Date { .. } | Domain::Timestamp { .. } | Domain::Time { .. } => ranged(time()),
        Domain::Bool => match text.trim().to_ascii_lowercase().as_str() {
            "t" | "true" | "1" | "y" | "yes" => Some(Value::Bool(true)),
            "f" | "false" | "0" | "n" | "no" => Some(Value::Bool(false)),
            _ => None,
        },
        Domain::Choice(values) => values
            .iter()
            .find(|v| match v {
                Value::Text(t) => t == text,
                Value::Int(i) => text.trim().parse::<i64>().ok() == Some(*i),
                Value::Bool(b) => {
                    matches!(
                        (b, text),
                        (true, "t" | "true" | "1") | (false, "f" | "false" | "0")
                    )
                }
                _ => false,
            })
            .cloned(),
        Domain::Text {
            min_len, max_len, ..
        } => {
            let n = text.chars().count() as u32;
            (n >= *min_len && n <= *max_len && !text.contains('\0'))
                .then(|| Value::text(text.to_owned()))
        }
        Domain::Uuid | Domain::Inet | Domain::Json => Some(Value::text(text.to_owned())),
        _ => None,
    }
}

/// The distribution the profile describes for a column over `domain`.
pub fn build(domain: &Domain, stats: Option<&ColumnStats>) -> Distribution {
    let Some(stats) = stats else {
        return Distribution::default();
    };
    let mut out = Distribution::default();
    // Common values the domain can hold, with their shares.
    let mut common: Vec<(Value, f64, Option<i128>)> = Vec::new();
    for f in &stats.most_common {
        if let Some(v) = parse_common(domain, &f.value)
            && !common.iter().any(|(c, _, _)| *c == v)
        {
            let u = units_of(domain, &v);
            common.push((v, f.fraction.clamp(0.0, 1.0), u));
        }
    }
    let total: f64 = common.iter().map(|c| c.1).sum();
    // Shares that add past 1 (rounding) are scaled back.
    let norm = if total > 1.0 { 1.0 / total } else { 1.0 };
    let mut acc = 0.0;
    for (v, f, _) in &common {
        acc += f * norm;
        out.common.push((v.clone(), per_million(acc)));
    }
    if let Some((lo, hi)) = units(domain) {
        let bounds: Vec<i128> = stats
            .histogram
            .iter()
            .filter_map(|s| stat_units(domain, s))
            .map(|u| u.clamp(lo, hi))
            .collect();
        if bounds.len() >= 2 && bounds.windows(2).all(|w| w[0] <= w[1]) {
            let k = (bounds.len() - 1) as f64;
            let mut mass: Vec<f64> = vec![1.0 / k; bounds.len() - 1];
            // The histogram counts every value; the common ones are drawn
            // on their own, so take their share out of the buckets holding them.
            // Buckets that are just the value (`[0, 0]`) go first, then the
            // buckets holding it share what remains.
            for (_, f, u) in &common {
                let Some(u) = *u else { continue };
                let mut left = f * norm;
                for b in (0..mass.len()).filter(|&b| bounds[b] == u && bounds[b + 1] == u) {
                    let take = left.min(mass[b]);
                    mass[b] -= take;
                    left -= take;
                }
                let holders: Vec<usize> = (0..mass.len())
                    .filter(|&b| bounds[b] <= u && u <= bounds[b + 1] && bounds[b] < bounds[b + 1])
                    .collect();
                for &b in &holders {
                    mass[b] = (mass[b] - left / holders.len() as f64).max(0.0);
                }
            }
            for m in &mut mass {
                if *m < 1e-9 {
                    *m = 0.0;
                }
            }
            let sum: f64 = mass.iter().sum();
            if sum > 0.0 {
                let mut acc = 0.0;
                for (b, m) in mass.iter().enumerate() {
                    acc += m / sum;
                    out.buckets.push(Bucket {
                        lo: bounds[b],
                        hi: bounds[b + 1],
                        until: per_million(acc),
                    });
                }
                // The last bucket always closes the million.
                if let Some(last) = out.buckets.last_mut() {
                    last.until = MILLION;
                }
            }
        }
        if !out.buckets.is_empty() {
            out.steps = steps(&out, &common, total * norm);
            out.guide = guide(&out.steps);
        }
        if let Some(time) = &stats.time
            && matches!(domain, Domain::Date { .. } | Domain::Timestamp { .. })
            && time.weekday.len() == 7
        {
            out.calendar = Some(Calendar {
                weekday: cumulative(&time.weekday),
                hour: if time.hour.len() == 24 && matches!(domain, Domain::Timestamp { .. }) {
                    cumulative(&time.hour)
                } else {
                    Vec::new()
                },
            });
        }
    }
    if let Domain::Text {
        min_len,
        max_len,
        semantic,
    } = domain
    {
        out.lengths = stats
            .length_histogram
            .iter()
            .map(|&l| (l.min(u64::from(u32::MAX)) as u32).clamp(*min_len, *max_len))
            .collect();
        // Shapes stand for the values of columns without a class of their
        // own (codes, references, numbers kept as text), when they cover
        // most of them.
        if matches!(semantic, Semantic::Words | Semantic::Code) {
            let kept: Vec<(String, f64)> = stats
                .shapes
                .iter()
                .filter(|s| {
                    let n = s.value.chars().count() as u32;
                    n >= *min_len && n <= *max_len && !s.value.contains('\0')
                })
                .map(|s| (s.value.clone(), s.fraction))
                .collect();
            let covered: f64 = kept.iter().map(|s| s.1).sum();
            let rest = (1.0 - total * norm).max(1e-9);
            if covered >= 0.5 * rest {
                let mut acc = 0.0;
                for (shape, f) in kept {
                    // Shares of the non-common draws.
                    acc += (f / rest).min(1.0);
                    out.shapes.push((shape, per_million(acc.min(1.0))));
                }
            }
        }
    }
    out
}

/// Whether the domain can hold the value: a member of a fixed list, or a
/// number or time inside its bounds (the CHECKs that set them included).
pub fn holds(domain: &Domain, v: &Value) -> bool {
    match domain {
        Domain::Choice(values) => values.contains(v),
        _ => match (units_of(domain, v), units(domain)) {
            (Some(u), Some((lo, hi))) => (lo..=hi).contains(&u),
            _ => false,
        },
    }
}

fn units_of(domain: &Domain, v: &Value) -> Option<i128> {
    match (domain, v) {
        (Domain::Int { .. }, Value::Int(i)) => Some(i128::from(*i)),
        (Domain::Decimal { .. }, Value::Decimal(d)) => Some(*d),
        (Domain::Float { .. }, Value::Float(f)) => Some((f * 100.0).round() as i128),
        (Domain::Date { .. }, Value::Date(d)) => Some(i128::from(*d)),
        (Domain::Time { .. }, Value::Time(t)) | (Domain::Timestamp { .. }, Value::Timestamp(t)) => {
            Some(i128::from(*t))
        }
        _ => None,
    }
}

fn per_million(share: f64) -> u32 {
    (share.clamp(0.0, 1.0) * f64::from(MILLION)).round() as u32
}

fn cumulative(shares: &[f64]) -> Vec<u32> {
    let total: f64 = shares.iter().sum();
    if total <= 0.0 {
        return Vec::new();
    }
    let mut acc = 0.0;
    let mut out: Vec<u32> = shares
        .iter()
        .map(|s| {
            acc += s / total;
            per_million(acc)
        })
        .collect();
    if let Some(last) = out.last_mut() {
        *last = MILLION;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_conversions_equal_the_128_bit_ones() {
        for x in [
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0,
            -1.0,
            2.999,
            -2.001,
            1e15 + 0.5,
            -1e15 - 0.5,
            8.9e18,
            -8.9e18,
            9.5e18,
            -9.5e18,
            1e30,
            -1e30,
        ] {
            assert_eq!(floor_to_wide(x), x.floor() as i128, "floor of {x}");
        }
        for x in [
            0i128,
            1,
            -1,
            i128::from(i64::MAX),
            i128::from(i64::MIN),
            1 << 70,
            -(1 << 70),
        ] {
            assert_eq!(wide_to_f64(x).to_bits(), (x as f64).to_bits(), "{x} as f64");
        }
    }

    /// The guide table only changes where the search starts: every quantile
    /// is the one a binary search finds, at step edges too.
    #[test]
    fn guided_quantiles_equal_binary_searched_ones() {
        let mut until = 0;
        let mut steps: Vec<Step> = (0..300)
            .map(|i: i128| {
                // Uneven weights, some steps far narrower than a guide slot.
                until += if i % 7 == 0 {
                    9_000
                } else {
                    1 + (i as u32 * 37) % 4_000
                };
                Step {
                    lo: i * 10,
                    hi: i * 10 + if i % 5 == 0 { 0 } else { 9 },
                    until: until.min(MILLION),
                    common: i % 5 == 0,
                }
            })
            .collect();
        steps.last_mut().unwrap().until = MILLION;
        let guide = guide(&steps);
        for k in 0..=200_000u32 {
            let u = f64::from(k) / 200_000.0;
            assert_eq!(
                quantile(&steps, &guide, u),
                quantile(&steps, &[], u),
                "u = {u}"
            );
        }
        for s in &steps {
            let u = f64::from(s.until) / f64::from(MILLION);
            assert_eq!(
                quantile(&steps, &guide, u),
                quantile(&steps, &[], u),
                "edge {u}"
            );
        }
    }
}
