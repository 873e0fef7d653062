//! Samplers: draws that follow a column's [`Distribution`] over its
//! [`Domain`] (common values, histogram buckets, calendar shares, text
//! lengths and shapes). Falls back to a uniform draw where the profile says
//! nothing.

use super::rng::{RowRng, Stream};
use super::{sample, text};
use crate::plan::distribution::{self, Calendar, Distribution, MILLION, pick};
use crate::plan::{Domain, Semantic};
use crate::value::{MICROS_PER_DAY, Value};

/// One independent draw.
pub fn draw(domain: &Domain, dist: &Distribution, rng: &mut RowRng) -> Value {
    let common = dist.common_share();
    if common > 0 {
        let u = per_million(rng);
        if u < common {
            return dist.common[pick(&dist.common, u, |c| c.1)].0.clone();
        }
    }
    rest(domain, dist, rng)
}

/// A draw whose first choice (a common value, else which histogram bucket
/// or shape) is made by `u`, a point of `[0, MILLION)` the caller spread
/// evenly over the rows (see `Strata`), instead of by `rng`.
pub fn draw_at(domain: &Domain, dist: &Distribution, u: u32, rng: &mut RowRng) -> Value {
    let common = dist.common_share();
    if u < common {
        return dist.common[pick(&dist.common, u, |c| c.1)].0.clone();
    }
    rest_at(domain, dist, Some(rescale(u, common)), rng)
}

/// `u` in `[from, MILLION)` stretched over `[0, MILLION)`.
fn rescale(u: u32, from: u32) -> u32 {
    let span = u64::from(MILLION.saturating_sub(from)).max(1);
    (u64::from(u.saturating_sub(from)) * u64::from(MILLION) / span).min(u64::from(MILLION) - 1)
        as u32
}

/// A draw from a pool of `size` distinct values: the common values first,
/// with their shares, then values made by `rest` from the pool's own stream,
/// sharing what is left evenly. `pick` decides which pool entry; `pool` makes it.
/// `at`, when given, is a point of `[0, MILLION)` spread evenly over the rows
/// (see `Strata`) that makes the choice instead of `pick_rng`.
pub fn draw_pooled(
    domain: &Domain,
    dist: &Distribution,
    size: u64,
    at: Option<u32>,
    pick_rng: &mut RowRng,
    pool: impl FnOnce(u64) -> RowRng,
) -> Value {
    let m = dist.common.len() as u64;
    let common = dist.common_share();
    if m > 0 {
        let u = match at {
            // No room for other values: the common ones share every draw.
            Some(u) if size <= m => (u64::from(u) * u64::from(common) / u64::from(MILLION)) as u32,
            None if size <= m => pick_rng.below(u64::from(common.max(1))) as u32,
            Some(u) => u,
            None => per_million(pick_rng),
        };
        if u < common || size <= m {
            return dist.common[pick(&dist.common, u, |c| c.1)].0.clone();
        }
    }
    let k = match at {
        Some(u) => m + (u64::from(rescale(u, common)) * (size - m) / u64::from(MILLION)),
        None => m + pick_rng.below(size - m),
    };
    rest(domain, dist, &mut pool(k))
}

/// The value at quantile `u` of the column's histogram (common values
/// included), for columns drawn through a copula; `rng` places it in the
/// calendar.
pub fn at_quantile(domain: &Domain, dist: &Distribution, u: f64, rng: &mut RowRng) -> Value {
    // A common value is kept as it is; the calendar moves the others.
    match units_at_quantile(domain, dist, u) {
        (v, true) => distribution::from_units(domain, v),
        (v, false) => placed(domain, dist, v, rng),
    }
}

/// The value at quantile `u`, as [`at_quantile`] makes it, where that is
/// one of the common values; `None` elsewhere (without placing it).
pub fn common_at_quantile(domain: &Domain, dist: &Distribution, u: f64) -> Option<Value> {
    let (v, common) = units_at_quantile(domain, dist, u);
    common.then(|| distribution::from_units(domain, v))
}

/// The units at quantile `u`, inside the domain, and whether they are a
/// common value's.
#[inline]
fn units_at_quantile(domain: &Domain, dist: &Distribution, u: f64) -> (i128, bool) {
    let (v, common) = distribution::quantile(&dist.steps, &dist.guide, u);
    let (lo, hi) = distribution::units(domain).unwrap_or((v, v));
    (v.clamp(lo, hi), common)
}

/// Entry `k` of a pool of `size` values read through a copula: the value
/// at the middle of the entry's share of the quantiles, placed in the
/// calendar by the entry's own stream.
pub fn pool_entry(domain: &Domain, dist: &Distribution, size: u64, k: u64, pool: Stream) -> Value {
    let at = (k as f64 + 0.5) / size as f64;
    at_quantile(domain, dist, at, &mut pool.at(k))
}

/// A draw of the values that are not common.
pub fn rest(domain: &Domain, dist: &Distribution, rng: &mut RowRng) -> Value {
    rest_at(domain, dist, None, rng)
}

/// [`rest`], with the bucket or shape chosen by `at` when given.
fn rest_at(domain: &Domain, dist: &Distribution, at: Option<u32>, rng: &mut RowRng) -> Value {
    if !dist.buckets.is_empty() {
        let u = at.unwrap_or_else(|| per_million(rng));
        let bucket = dist.buckets[pick(&dist.buckets, u, |b| b.until)];
        let u = rng.between_i128(bucket.lo, bucket.hi);
        return placed(domain, dist, u, rng);
    }
    if let Domain::Text {
        min_len,
        max_len,
        semantic,
    } = domain
    {
        if let Some(&(_, covered)) = dist.shapes.last() {
            let u = at.unwrap_or_else(|| per_million(rng));
            if u < covered {
                return Value::text(render(&dist.shapes[pick(&dist.shapes, u, |s| s.1)].0, rng));
            }
        }
        if let Some((lo, hi)) = length_bucket(dist, rng) {
            let (lo, hi) = match semantic {
                // Prose and codes take the length the profile shows ...
                Semantic::Words | Semantic::Code => {
                    let n = rng.between(i64::from(lo), i64::from(hi)) as u32;
                    (n, n)
                }
                // ... addresses and links keep their form: the draw nearest the
                // bucket of a few ...
                Semantic::Email | Semantic::Url => {
                    let mut best = text::generate(*semantic, *min_len, *max_len, rng);
                    for _ in 0..7 {
                        if fits(&best, lo, hi) {
                            break;
                        }
                        let next = text::generate(*semantic, *min_len, *max_len, rng);
                        let miss = |s: &str| {
                            let n = text::char_len(s) as u32;
                            lo.saturating_sub(n) + n.saturating_sub(hi)
                        };
                        if miss(&next) < miss(&best) {
                            best = next;
                        }
                    }
                    return Value::text(best);
                }
                // ... names and places the first of a few draws that fits the
                // bucket as it is (a name padded with a word is no name),
                // else one cut or padded into it ...
                Semantic::FirstName
                | Semantic::LastName
                | Semantic::FullName
                | Semantic::Company
                | Semantic::Street
                | Semantic::City
                | Semantic::State
                | Semantic::Country
                | Semantic::Username
                | Semantic::JobTitle => {
                    for _ in 0..8 {
                        let draw = text::generate(*semantic, *min_len, *max_len, rng);
                        if fits(&draw, lo, hi) {
                            return Value::text(draw);
                        }
                    }
                    (lo, hi)
                }
                // ... the other classes are cut or padded into the bucket.
                _ => (lo, hi),
            };
            return Value::text(text::generate(*semantic, lo, hi, rng));
        }
    }
    let value = sample(domain, rng);
    calendar(domain, dist, value, rng)
}

/// Moves a date or timestamp to a weekday (within three days) and an hour
/// drawn from the profile's calendar shares, inside the domain.
fn calendar(domain: &Domain, dist: &Distribution, value: Value, rng: &mut RowRng) -> Value {
    match (&dist.calendar, domain, &value) {
        (Some(cal), Domain::Date { lo, hi }, Value::Date(d)) => {
            Value::Date(on_weekday(cal, i64::from(*d), *lo, *hi, rng))
        }
        (Some(cal), Domain::Timestamp { lo, hi }, Value::Timestamp(t)) => {
            Value::Timestamp(at_hour(cal, *t, *lo, *hi, rng))
        }
        _ => value,
    }
}

/// [`distribution::from_units`], then [`calendar`], without making the
/// value in between.
fn placed(domain: &Domain, dist: &Distribution, u: i128, rng: &mut RowRng) -> Value {
    match (&dist.calendar, domain) {
        (Some(cal), Domain::Date { lo, hi }) => {
            Value::Date(on_weekday(cal, i64::from(u as i32), *lo, *hi, rng))
        }
        (Some(cal), Domain::Timestamp { lo, hi }) => {
            // Whole seconds, as `from_units` makes them.
            let t = (u as i64).div_euclid(1_000_000) * 1_000_000;
            Value::Timestamp(at_hour(cal, t, *lo, *hi, rng))
        }
        _ => distribution::from_units(domain, u),
    }
}

/// `day` moved to a weekday drawn from the calendar's shares, within three
/// days; the same weekday a week the other way when the move leaves
/// `[lo, hi]`.
fn on_weekday(cal: &Calendar, day: i64, lo: i32, hi: i32, rng: &mut RowRng) -> i32 {
    let (first, last) = (i64::from(lo), i64::from(hi));
    shift(cal, day, first, last, rng).clamp(first, last) as i32
}

/// Timestamp `t` moved to a weekday and an hour drawn from the calendar's
/// shares (minutes and seconds as drawn), inside `[lo, hi]`, in whole seconds.
fn at_hour(cal: &Calendar, t: i64, lo: i64, hi: i64, rng: &mut RowRng) -> i64 {
    let (first, last) = (lo.div_euclid(MICROS_PER_DAY), hi.div_euclid(MICROS_PER_DAY));
    let day = shift(cal, t.div_euclid(MICROS_PER_DAY), first, last, rng);
    let clock = if cal.hour.len() == 24 {
        let hour = pick(&cal.hour, per_million(rng), |h| *h) as i64;
        hour * 3_600_000_000 + t.rem_euclid(3_600_000_000)
    } else {
        t.rem_euclid(MICROS_PER_DAY)
    };
    let t = (day * MICROS_PER_DAY + clock).clamp(lo, hi);
    t.div_euclid(1_000_000) * 1_000_000
}

/// `day` moved to the nearest day (within three) of a weekday drawn from
/// the calendar's shares; a week the other way when that leaves
/// `[first, last]`.
fn shift(cal: &Calendar, day: i64, first: i64, last: i64, rng: &mut RowRng) -> i64 {
    if cal.weekday.len() != 7 {
        return day;
    }
    let target = pick(&cal.weekday, per_million(rng), |w| *w) as i64;
    let weekday = (day + 3).rem_euclid(7); // 1970-01-01 was a Thursday
    let moved = day + (target - weekday + 3).rem_euclid(7) - 3;
    if moved > last && moved - 7 >= first {
        moved - 7
    } else if moved < first && moved + 7 <= last {
        moved + 7
    } else {
        moved
    }
}

/// Text of a shape: `A` an upper-case letter, `a` a lower-case one, `9` a
/// digit, anything else itself.
fn render(shape: &str, rng: &mut RowRng) -> String {
    let mut out = String::with_capacity(shape.len());
    for c in shape.chars() {
        out.push(match c {
            'A' => char::from(b'A' + rng.below(26) as u8),
            'a' => char::from(b'a' + rng.below(26) as u8),
            '9' => char::from(b'0' + rng.below(10) as u8),
            other => other,
        });
    }
    out
}

/// One bucket of the length histogram, chosen uniformly (each holds an
/// equal share of the values); `None` without a histogram.
pub fn length_bucket(dist: &Distribution, rng: &mut RowRng) -> Option<(u32, u32)> {
    (dist.lengths.len() >= 2).then(|| {
        let i = rng.below(dist.lengths.len() as u64 - 1) as usize;
        (dist.lengths[i], dist.lengths[i + 1])
    })
}

/// Whether a text's length is in `lo..=hi` characters.
fn fits(text: &str, lo: u32, hi: u32) -> bool {
    (lo..=hi).contains(&(text::char_len(text) as u32))
}

fn per_million(rng: &mut RowRng) -> u32 {
    rng.below(u64::from(MILLION)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::distribution;
    use crate::profile::stats::{Frequency, TimeProfile};
    use crate::profile::{ColumnStats, StatValue};
    use crate::synth::rng::Stream;
    use std::collections::BTreeMap;

    const DRAWS: u64 = 100_000;

    fn stream() -> Stream {
        Stream::new(7, "t", "c", "value")
    }

    /// Skewed integers: equi-depth bounds of an exponential-like spread.
    fn skewed() -> (Domain, ColumnStats) {
        // A quarter of the values are 0 (five bounds), the rest spread thin.
        let bounds: Vec<StatValue> = (0..=20)
            .map(|i| {
                let q = f64::from((i - 5).max(0)) / 15.5;
                StatValue::Number((-(1.0 - q).ln() * 1000.0).round())
            })
            .collect();
        let stats = ColumnStats {
            column: "c".into(),
            histogram: bounds,
            most_common: vec![Frequency {
                value: "0".into(),
                fraction: 0.25,
            }],
            ..ColumnStats::default()
        };
        (Domain::Int { lo: 0, hi: 4000 }, stats)
    }

    #[test]
    fn numbers_follow_the_histogram_and_common_values_their_shares() {
        let (domain, stats) = skewed();
        let dist = distribution::build(&domain, Some(&stats));
        let mut values: Vec<i64> = (0..DRAWS)
            .map(|row| match draw(&domain, &dist, &mut stream().at(row)) {
                Value::Int(v) => v,
                other => panic!("{other:?}"),
            })
            .collect();
        let zeros = values.iter().filter(|&&v| v == 0).count() as f64 / DRAWS as f64;
        assert!((zeros - 0.25).abs() < 0.01, "share of 0: {zeros}");
        values.sort_unstable();
        // Each profile bound sits at its rank within 0.02 (KS tolerance).
        let bounds: Vec<f64> = stats
            .histogram
            .iter()
            .map(|b| match b {
                StatValue::Number(n) => *n,
                StatValue::Time(_) => unreachable!(),
            })
            .collect();
        for (i, b) in bounds.iter().enumerate().skip(5).take(15) {
            let rank = values.partition_point(|&v| (v as f64) <= *b) as f64 / DRAWS as f64;
            let want = i as f64 / 20.0;
            assert!(
                (rank - want).abs() < 0.02,
                "bound {i} ({b}) at rank {rank}, want {want}"
            );
        }
    }

    #[test]
    fn pools_keep_the_distinct_count_and_common_shares() {
        let (domain, stats) = skewed();
        let dist = distribution::build(&domain, Some(&stats));
        let pick = Stream::new(7, "t", "c", "pick");
        let pool = Stream::new(7, "t", "c", "pool");
        let mut counts: BTreeMap<i64, u64> = BTreeMap::new();
        for row in 0..DRAWS {
            let v = draw_pooled(&domain, &dist, 12, None, &mut pick.at(row), |k| pool.at(k));
            let Value::Int(v) = v else { panic!() };
            *counts.entry(v).or_default() += 1;
        }
        assert!(
            counts.len() <= 12 && counts.len() >= 11,
            "{} distinct",
            counts.len()
        );
        let zero = counts[&0] as f64 / DRAWS as f64;
        assert!((zero - 0.25).abs() < 0.01, "share of 0: {zero}");
    }

    #[test]
    fn timestamps_follow_weekday_and_hour_shares() {
        let mut weekday = vec![0.02; 7];
        weekday[0] = 0.5; // Mondays
        weekday[6] = 0.38;
        let mut hour = vec![0.0; 24];
        hour[9] = 0.6;
        hour[17] = 0.4;
        let stats = ColumnStats {
            column: "at".into(),
            histogram: vec![
                StatValue::Time("2020-01-01T00:00:00".into()),
                StatValue::Time("2024-01-01T00:00:00".into()),
            ],
            time: Some(TimeProfile {
                per_month: BTreeMap::new(),
                month: vec![1.0 / 12.0; 12],
                weekday: weekday.clone(),
                hour,
            }),
            ..ColumnStats::default()
        };
        let domain = Domain::Timestamp {
            lo: 18_262 * MICROS_PER_DAY,
            hi: 19_723 * MICROS_PER_DAY,
        };
        let dist = distribution::build(&domain, Some(&stats));
        let (mut days, mut hours) = ([0u64; 7], [0u64; 24]);
        for row in 0..DRAWS {
            let Value::Timestamp(t) = draw(&domain, &dist, &mut stream().at(row)) else {
                panic!()
            };
            days[((t.div_euclid(MICROS_PER_DAY) + 3).rem_euclid(7)) as usize] += 1;
            hours[(t.rem_euclid(MICROS_PER_DAY) / 3_600_000_000) as usize] += 1;
        }
        // The shares as the profile's weights normalised (they sum to 0.98).
        let total: f64 = weekday.iter().sum();
        for (d, weight) in weekday.iter().enumerate() {
            let (got, want) = (days[d] as f64 / DRAWS as f64, weight / total);
            assert!((got - want).abs() < 0.01, "weekday {d}: {got} vs {want}");
        }
        assert!((hours[9] as f64 / DRAWS as f64 - 0.6).abs() < 0.01);
        // Only a draw on the domain's last day can be pulled to its edge.
        assert!(hours[9] + hours[17] >= DRAWS - DRAWS / 500, "{hours:?}");
    }

    #[test]
    fn placing_units_equals_placing_their_value() {
        // `placed` skips the value `from_units` makes; the draws must not
        // change for it, at the domains' edges included.
        let time = TimeProfile {
            per_month: BTreeMap::new(),
            month: vec![1.0 / 12.0; 12],
            weekday: vec![0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2],
            hour: (0..24).map(|h| f64::from(h % 5)).collect(),
        };
        let stats = |lo: &str, hi: &str| ColumnStats {
            column: "at".into(),
            histogram: vec![StatValue::Time(lo.into()), StatValue::Time(hi.into())],
            time: Some(time.clone()),
            ..ColumnStats::default()
        };
        let cases = [
            (
                Domain::Date {
                    lo: 18_262,
                    hi: 18_300,
                },
                stats("2020-01-01", "2020-02-08"),
            ),
            (
                Domain::Timestamp {
                    lo: 18_262 * MICROS_PER_DAY + 1_500_000,
                    hi: 18_300 * MICROS_PER_DAY - 7,
                },
                stats("2020-01-01T00:00:01.5", "2020-02-07T23:59:59"),
            ),
        ];
        for (domain, stats) in cases {
            let dist = distribution::build(&domain, Some(&stats));
            assert!(dist.calendar.is_some());
            let (lo, hi) = distribution::units(&domain).unwrap();
            for row in 0..2_000u64 {
                let u = lo - 9 + i128::from(row) * (hi - lo + 18) / 2_000;
                let by_value = calendar(
                    &domain,
                    &dist,
                    distribution::from_units(&domain, u),
                    &mut stream().at(row),
                );
                assert_eq!(placed(&domain, &dist, u, &mut stream().at(row)), by_value);
            }
        }
    }

    #[test]
    fn text_follows_shapes_and_lengths() {
        let stats = ColumnStats {
            column: "code".into(),
            shapes: vec![
                Frequency {
                    value: "AA-999".into(),
                    fraction: 0.7,
                },
                Frequency {
                    value: "999".into(),
                    fraction: 0.3,
                },
            ],
            ..ColumnStats::default()
        };
        let domain = Domain::Text {
            min_len: 1,
            max_len: 10,
            semantic: Semantic::Words,
        };
        let dist = distribution::build(&domain, Some(&stats));
        let mut shaped = 0;
        for row in 0..DRAWS {
            let Value::Text(t) = draw(&domain, &dist, &mut stream().at(row)) else {
                panic!()
            };
            if crate::introspect::shape(&t) == "AA-999" {
                shaped += 1;
            }
        }
        let share = f64::from(shaped) / DRAWS as f64;
        assert!((share - 0.7).abs() < 0.01, "shape share {share}");

        // Without shapes, lengths follow the length histogram.
        let stats = ColumnStats {
            column: "note".into(),
            length_histogram: (0..=20).map(|i| 5 + i * i / 2).collect(),
            ..ColumnStats::default()
        };
        let domain = Domain::Text {
            min_len: 0,
            max_len: 400,
            semantic: Semantic::Words,
        };
        let dist = distribution::build(&domain, Some(&stats));
        let mut lengths: Vec<u64> = (0..20_000)
            .map(|row| match draw(&domain, &dist, &mut stream().at(row)) {
                Value::Text(t) => t.chars().count() as u64,
                other => panic!("{other:?}"),
            })
            .collect();
        lengths.sort_unstable();
        let median = lengths[lengths.len() / 2];
        assert!((54..=56).contains(&median), "median length {median}");
    }
}
