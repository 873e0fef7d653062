//! Sample analysis, the same for every engine: from a column's sampled
//! values (as text) to the statistics a profile keeps, with the privacy
//! contract applied here, in one place.
//!
//! Privacy: a value is kept verbatim only when it occurs in at least
//! `min_count` sampled rows, its column is not unique-ish, and its semantic
//! class is not identifying (emails, names, phones, addresses, free text,
//! identifiers, UUIDs, IPs, URLs), unless a person allowed the column by name.
//! Histogram edges are coarsened (interior to 3 significant digits or the
//! hour, tails outward to 2 digits or the month); shapes are kept only when
//! `min_count` rows share them.

use crate::profile::stats::{
    Association, BandCell, Banding, Belongs, Combination, Correlation, EmailNames, ForeignKeyStats,
    Frequency, JsonShape, MessObserved, NameForm, NameFormShare, SemanticClass, StatValue,
    TimeOrder, TimeProfile, bucket_of, coarsen, local_key, name_keys,
};
use crate::schema::{Column, LogicalType};
use crate::value::{self, MICROS_PER_DAY};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// The privacy knobs of a profiling run.
#[derive(Clone, Debug)]
pub struct Privacy {
    /// Rows a value must occur in to be kept verbatim (k).
    pub min_count: u64,
    /// `table.column` names whose values a person reviewed and allowed.
    pub allowed: Vec<String>,
    /// Every column is allowed (only for profiling generated data, as `verify` does).
    pub verbatim: bool,
}

impl Default for Privacy {
    fn default() -> Self {
        Self {
            min_count: 10,
            allowed: Vec::new(),
            verbatim: false,
        }
    }
}

/// Buckets of an equi-depth histogram.
const BUCKETS: usize = 20;
/// Shapes are computed for text up to this many characters.
const SHAPE_MAX_CHARS: usize = 32;
/// Most-common values kept per column at most (PostgreSQL's default
/// statistics target keeps as many): enough for the categories of a status,
/// a country code or a product type, each still held by at least k rows.
pub const MOST_COMMON: usize = 100;
/// Shapes and JSON key sets kept per column at most.
const TOP: usize = 20;
/// Placeholder values production data is known to carry.
const SENTINELS: &[&str] = &[
    "1970-01-01",
    "1900-01-01",
    "0001-01-01",
    "9999-12-31",
    "0",
    "-1",
    "N/A",
    "n/a",
    "NA",
    "null",
    "NULL",
    "none",
    "None",
    "-",
    "?",
    "TBD",
    "test",
    "xxx",
    "unknown",
    "Unknown",
];

/// What the sample says about one column, beyond the SQL aggregates.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// Distinct values in the sample.
    pub distinct: u64,
    /// Kept values with their shares.
    pub most_common: Vec<Frequency>,
    /// Equi-depth bounds.
    pub histogram: Vec<StatValue>,
    /// Equi-depth bounds of text lengths.
    pub length_histogram: Vec<u64>,
    /// Shapes with their shares.
    pub shapes: Vec<Frequency>,
    /// The detected class.
    pub semantic: Option<SemanticClass>,
    /// The calendar shape.
    pub time: Option<TimeProfile>,
    /// Mess seen.
    pub mess: Option<MessObserved>,
    /// JSON structure.
    pub json: Option<JsonShape>,
}

/// Analyses one column's sample. `values` holds the non-NULL sampled values
/// as text; `table_rows` scales counts from the sample to the table.
///
/// `key` says the column is part of a primary, unique or foreign key: its
/// values identify rows and are never kept verbatim.
pub fn analyze(
    table: &str,
    column: &Column,
    key: bool,
    values: &[&str],
    table_rows: u64,
    sampled_rows: u64,
    privacy: &Privacy,
) -> Analysis {
    let mut out = Analysis::default();
    if values.is_empty() {
        return out;
    }
    let n = values.len() as f64;
    let mut counts: HashMap<&str, u64> = HashMap::with_capacity(values.len().min(1 << 16));
    for v in values {
        *counts.entry(*v).or_default() += 1;
    }
    out.distinct = counts.len() as u64;
    let distinct_share = counts.len() as f64 / n;
    let textual = column.logical_type.is_textual()
        || matches!(
            column.logical_type,
            LogicalType::Json | LogicalType::Enum { .. }
        );
    out.semantic = semantic(column, values, distinct_share);
    // `schema.table.column` or `table.column`: a reviewed column may keep
    // values whatever its class, but never a value fewer than k rows share.
    let bare = table.rsplit('.').next().unwrap_or(table);
    let allowed = privacy.verbatim
        || privacy.allowed.iter().any(|a| {
            *a == format!("{table}.{}", column.name) || *a == format!("{bare}.{}", column.name)
        });
    let identifying =
        key || out.semantic.is_some_and(SemanticClass::identifying) || distinct_share > 0.5;
    if allowed || !identifying {
        let mut common: Vec<(&str, u64)> = counts
            .iter()
            .filter(|(_, c)| **c >= privacy.min_count)
            .map(|(v, c)| (*v, *c))
            .collect();
        common.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        out.most_common = common
            .into_iter()
            .take(MOST_COMMON)
            .map(|(v, c)| frequency(v, c as f64 / n))
            .collect();
    }
    let mut busiest = 0.0;
    match &column.logical_type {
        t if t.is_ordered_numeric() => {
            let mut numbers: Vec<f64> = values
                .iter()
                .filter_map(|v| v.trim().parse().ok())
                .filter(|f: &f64| f.is_finite())
                .collect();
            numbers.sort_by(f64::total_cmp);
            out.histogram = number_histogram(&numbers);
        }
        LogicalType::Date | LogicalType::Timestamp | LogicalType::TimestampTz => {
            let mut times: Vec<i64> = values
                .iter()
                .filter_map(|v| value::parse_timestamp(v))
                .collect();
            times.sort_unstable();
            let date = column.logical_type == LogicalType::Date;
            out.histogram = time_histogram(&times, date);
            out.time = time_profile(&times, date, table_rows, sampled_rows);
            busiest = busiest_day(&times, n);
        }
        _ => {}
    }
    if column.logical_type == LogicalType::Json || out.semantic == Some(SemanticClass::Json) {
        out.json = json_shape(values, privacy.min_count);
    }
    if textual {
        let mut lengths: Vec<u64> = values.iter().map(|v| v.chars().count() as u64).collect();
        lengths.sort_unstable();
        out.length_histogram = quantiles(&lengths);
        out.shapes = shapes(&counts, privacy.min_count, n);
        out.mess = Some(mess(column, out.semantic, values, &counts));
    } else {
        let sentinels = sentinel_shares(&counts, n);
        let share = |f: &dyn Fn(&str) -> bool| weighted_share(&counts, n, f);
        let extremes = share(&|v| is_extreme(column, v));
        let array_edges = if matches!(column.logical_type, LogicalType::Array { .. }) {
            share(&is_array_edge)
        } else {
            0.0
        };
        let busiest_day = round4(busiest);
        if !sentinels.is_empty() || extremes > 0.0 || array_edges > 0.0 || busiest_day > 0.0 {
            out.mess = Some(MessObserved {
                sentinels,
                extremes,
                array_edges,
                busiest_day,
                ..MessObserved::default()
            });
        }
    }
    out
}

fn frequency(value: &str, fraction: f64) -> Frequency {
    Frequency {
        value: value.to_owned(),
        fraction: round4(fraction),
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// `BUCKETS + 1` bounds at equal ranks of sorted values (fewer when the sample is small).
fn quantiles<T: Copy>(sorted: &[T]) -> Vec<T> {
    if sorted.is_empty() {
        return Vec::new();
    }
    let buckets = BUCKETS.min(sorted.len());
    (0..=buckets)
        .map(|i| sorted[(i * (sorted.len() - 1)) / buckets])
        .collect()
}

fn number_histogram(sorted: &[f64]) -> Vec<StatValue> {
    let bounds = quantiles(sorted);
    let last = bounds.len().saturating_sub(1);
    bounds
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            // Tails outward to 2 significant digits; interior edges to 3.
            let v = if i == 0 {
                coarsen(b, false)
            } else if i == last {
                coarsen(b, true)
            } else {
                significant(b, 3)
            };
            StatValue::Number(v)
        })
        .collect()
}

fn significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let magnitude = x.abs().log10().floor() as i32;
    let unit = 10f64.powi(magnitude - digits + 1);
    let places = (digits - 1 - magnitude).clamp(0, 15) as usize;
    format!("{:.places$}", (x / unit).round() * unit)
        .parse()
        .unwrap_or(x)
}

fn time_histogram(sorted: &[i64], date: bool) -> Vec<StatValue> {
    let bounds = quantiles(sorted);
    let last = bounds.len().saturating_sub(1);
    bounds
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            let days = t.div_euclid(MICROS_PER_DAY);
            let (y, m, _) = value::civil_from_days(days);
            // Tails to the month, outward; interior edges to the hour (dates: the month).
            let micros = if i == 0 {
                value::days_from_civil(y, m, 1) * MICROS_PER_DAY
            } else if i == last {
                let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                value::days_from_civil(ny, nm, 1) * MICROS_PER_DAY
                    - if date { MICROS_PER_DAY } else { 1_000_000 }
            } else {
                // Interior edges: timestamps to the hour; dates to the first
                // of their month, so no exact date (a birthday) is kept.
                if date {
                    value::days_from_civil(y, m, 1) * MICROS_PER_DAY
                } else {
                    t - t.rem_euclid(3_600_000_000)
                }
            };
            let mut s = String::new();
            if date {
                value::format_date(micros.div_euclid(MICROS_PER_DAY) as i32, &mut s);
            } else {
                value::format_timestamp(micros, 'T', &mut s);
            }
            StatValue::Time(s)
        })
        .collect()
}

fn time_profile(
    sorted: &[i64],
    date: bool,
    table_rows: u64,
    sampled_rows: u64,
) -> Option<TimeProfile> {
    if sorted.is_empty() {
        return None;
    }
    let scale = if sampled_rows == 0 {
        1.0
    } else {
        table_rows as f64 / sampled_rows as f64
    };
    let n = sorted.len() as f64;
    let mut per_month: BTreeMap<(i64, u32), f64> = BTreeMap::new();
    let (mut month, mut weekday, mut hour) = (vec![0.0; 12], vec![0.0; 7], vec![0.0; 24]);
    for &t in sorted {
        let days = t.div_euclid(MICROS_PER_DAY);
        let (y, m, _) = value::civil_from_days(days);
        *per_month.entry((y, m)).or_default() += scale;
        month[(m - 1) as usize] += 1.0;
        // 1970-01-01 was a Thursday: Monday is index 0.
        weekday[(days + 3).rem_euclid(7) as usize] += 1.0;
        hour[(t.rem_euclid(MICROS_PER_DAY) / 3_600_000_000) as usize] += 1.0;
    }
    let share = |v: Vec<f64>| v.into_iter().map(|c| round4(c / n)).collect::<Vec<_>>();
    Some(TimeProfile {
        per_month: per_month
            .into_iter()
            .map(|((y, m), v)| (format!("{y:04}-{m:02}"), v.round() as u64))
            .collect(),
        month: share(month),
        weekday: share(weekday),
        hour: if date { Vec::new() } else { share(hour) },
    })
}

/// How a sample's children spread over parents along one foreign key.
/// `columns` index `samples` (row-aligned); counts are scaled from the
/// sample to the table.
pub fn fan_out(
    names: &[String],
    columns: &[usize],
    samples: &[Vec<Option<String>>],
    table_rows: u64,
    sampled_rows: u64,
) -> ForeignKeyStats {
    let rows = samples.first().map_or(0, Vec::len);
    let mut per_parent: HashMap<Vec<&str>, u64> = HashMap::new();
    let mut nulls = 0u64;
    #[expect(
        clippy::needless_range_loop,
        reason = "a row is read across several column vectors"
    )]
    for r in 0..rows {
        let key: Option<Vec<&str>> = columns.iter().map(|&c| samples[c][r].as_deref()).collect();
        match key {
            Some(k) => *per_parent.entry(k).or_default() += 1,
            None => nulls += 1,
        }
    }
    let scale = if sampled_rows == 0 {
        1.0
    } else {
        table_rows as f64 / sampled_rows as f64
    };
    let mut counts: Vec<u64> = per_parent.values().copied().collect();
    counts.sort_unstable();
    let children: u64 = counts.iter().sum();
    let heaviest = counts
        .len()
        .div_ceil(100)
        .max(usize::from(!counts.is_empty()));
    let heavy: u64 = counts.iter().rev().take(heaviest).sum();
    // A partial sample sees each parent's children thinned by the sampling
    // rate: scale the counts back up, and the parents seen as in `estimate_distinct`.
    let referenced = if scale > 1.0 {
        super::estimate_distinct(
            counts.len() as u64,
            children,
            (children as f64 * scale) as u64,
        )
    } else {
        counts.len() as u64
    };
    let histogram: Vec<u64> = quantiles(&counts)
        .into_iter()
        .map(|c| ((c as f64) * scale.max(1.0)).round() as u64)
        .collect();
    ForeignKeyStats {
        columns: names.to_vec(),
        null_fraction: if rows == 0 {
            0.0
        } else {
            round4(nulls as f64 / rows as f64)
        },
        referenced_parents: referenced,
        childless_share: 0.0,
        children_per_parent: histogram,
        heaviest_share: if children == 0 {
            0.0
        } else {
            round4(heavy as f64 / children as f64)
        },
        time_order: Vec::new(),
        copies: Vec::new(),
        orphan_share: 0.0,
    }
}

/// The fan-out from exact counts: `counts` holds (children, parents with
/// that many children) for every referenced parent; `null_fraction` comes
/// from the sample.
pub fn fan_out_from_counts(
    names: &[String],
    counts: &[(u64, u64)],
    null_fraction: f64,
) -> ForeignKeyStats {
    let mut counts: Vec<(u64, u64)> = counts.iter().copied().filter(|c| c.1 > 0).collect();
    counts.sort_unstable();
    let parents: u64 = counts.iter().map(|c| c.1).sum();
    let children: u64 = counts.iter().map(|(n, p)| n * p).sum();
    // The children count of the parent at `rank` (0-based, ascending).
    let at = |rank: u64| -> u64 {
        let mut seen = 0;
        for &(n, p) in &counts {
            seen += p;
            if rank < seen {
                return n;
            }
        }
        counts.last().map_or(0, |c| c.0)
    };
    let buckets = (BUCKETS as u64).min(parents);
    let histogram = if parents == 0 {
        Vec::new()
    } else {
        (0..=buckets)
            .map(|i| at(i * (parents - 1) / buckets.max(1)))
            .collect()
    };
    let mut heavy_left = parents.div_ceil(100);
    let mut heavy = 0;
    for &(n, p) in counts.iter().rev() {
        let take = p.min(heavy_left);
        heavy += n * take;
        heavy_left -= take;
        if heavy_left == 0 {
            break;
        }
    }
    ForeignKeyStats {
        columns: names.to_vec(),
        null_fraction,
        referenced_parents: parents,
        childless_share: 0.0,
        children_per_parent: histogram,
        heaviest_share: if children == 0 {
            0.0
        } else {
            round4(heavy as f64 / children as f64)
        },
        time_order: Vec::new(),
        copies: Vec::new(),
        orphan_share: 0.0,
    }
}

/// Pairs of time columns whose order (`earlier <= later`) holds in at least
/// 90% of the sampled rows where both are set.
pub fn time_order(
    table: &crate::schema::Table,
    times: &[usize],
    samples: &[Vec<Option<String>>],
) -> Vec<TimeOrder> {
    let parse = |c: usize| -> Vec<Option<i64>> {
        samples[c]
            .iter()
            .map(|v| v.as_deref().and_then(value::parse_timestamp))
            .collect()
    };
    let parsed: Vec<(usize, Vec<Option<i64>>)> = times.iter().map(|&c| (c, parse(c))).collect();
    let mut out = Vec::new();
    for (i, (a, va)) in parsed.iter().enumerate() {
        for (b, vb) in &parsed[i + 1..] {
            let both: Vec<(i64, i64)> = va
                .iter()
                .zip(vb)
                .filter_map(|(x, y)| Some(((*x)?, (*y)?)))
                .collect();
            if both.len() < 10 {
                continue;
            }
            let n = both.len() as f64;
            let a_first = both.iter().filter(|(x, y)| x <= y).count() as f64 / n;
            let b_first = both.iter().filter(|(x, y)| y <= x).count() as f64 / n;
            let (earlier, later, share) = if a_first >= b_first {
                (*a, *b, a_first)
            } else {
                (*b, *a, b_first)
            };
            if share >= 0.9 {
                let pairs: Vec<(i64, i64)> = if earlier == *a {
                    both
                } else {
                    both.iter().map(|&(x, y)| (y, x)).collect()
                };
                out.push(TimeOrder {
                    earlier: table.columns[earlier].name.clone(),
                    later: table.columns[later].name.clone(),
                    share: round4(share),
                    delay: delays(&pairs),
                });
            }
        }
    }
    out
}

/// Equi-depth bounds of `later - earlier`, in seconds, over the pairs where
/// the order holds; interior bounds to three significant digits, tails
/// outward to two.
fn delays(pairs: &[(i64, i64)]) -> Vec<f64> {
    let mut gaps: Vec<f64> = pairs
        .iter()
        .filter(|(e, l)| e <= l)
        .map(|(e, l)| ((l - e) / 1_000_000) as f64)
        .collect();
    gaps.sort_by(f64::total_cmp);
    let bounds = quantiles(&gaps);
    let last = bounds.len().saturating_sub(1);
    bounds
        .iter()
        .enumerate()
        .map(|(i, &g)| {
            if i == 0 {
                coarsen(g, false).max(0.0)
            } else if i == last {
                coarsen(g, true)
            } else {
                significant(g, 3)
            }
        })
        .collect()
}

/// A child time column against a parent time column, from (child, parent)
/// pairs of the sampled rows: the order's share and the delays when the
/// child comes at or after its parent in at least 90% of them.
pub fn parent_time_order(
    parent_column: &str,
    child_column: &str,
    pairs: &[(Option<String>, Option<String>)],
) -> Option<TimeOrder> {
    let parsed: Vec<(i64, i64)> = pairs
        .iter()
        .filter_map(|(c, p)| {
            Some((
                value::parse_timestamp(p.as_deref()?)?,
                value::parse_timestamp(c.as_deref()?)?,
            ))
        })
        .collect();
    if parsed.len() < 10 {
        return None;
    }
    let share = parsed.iter().filter(|(p, c)| p <= c).count() as f64 / parsed.len() as f64;
    (share >= 0.9).then(|| TimeOrder {
        earlier: parent_column.to_owned(),
        later: child_column.to_owned(),
        share: round4(share),
        delay: delays(&parsed),
    })
}

/// Categorical columns whose values go together: Cramér's V of every pair
/// of `columns` (each given with its kept values) over the sampled rows
/// where both hold a kept value; combinations shared by fewer than
/// `min_count` rows are left out.
pub fn associations(
    table: &crate::schema::Table,
    columns: &[(usize, Vec<String>)],
    samples: &[Vec<Option<String>>],
    min_count: u64,
) -> Vec<Association> {
    let indexes: Vec<Vec<Option<usize>>> = columns
        .iter()
        .map(|(c, kept)| kept_indexes(&samples[*c], kept))
        .collect();
    let mut out = Vec::new();
    for (i, (a, kept_a)) in columns.iter().enumerate() {
        for (j, (b, kept_b)) in columns.iter().enumerate().skip(i + 1) {
            let mut cells = vec![0u64; kept_a.len() * kept_b.len()];
            for (x, y) in indexes[i].iter().zip(&indexes[j]) {
                if let (Some(x), Some(y)) = (x, y) {
                    cells[x * kept_b.len() + y] += 1;
                }
            }
            let counts: BTreeMap<(&str, &str), u64> = cells
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(k, c)| {
                    let (x, y) = (k / kept_b.len(), k % kept_b.len());
                    ((kept_a[x].as_str(), kept_b[y].as_str()), *c)
                })
                .collect();
            let n: u64 = counts.values().sum();
            if n < 10 || kept_a.len() < 2 || kept_b.len() < 2 {
                continue;
            }
            let mut rows: BTreeMap<&str, u64> = BTreeMap::new();
            let mut cols: BTreeMap<&str, u64> = BTreeMap::new();
            for ((x, y), c) in &counts {
                *rows.entry(x).or_default() += c;
                *cols.entry(y).or_default() += c;
            }
            let nf = n as f64;
            let mut chi2 = 0.0;
            for (x, rx) in &rows {
                for (y, cy) in &cols {
                    let expected = *rx as f64 * *cy as f64 / nf;
                    let observed = counts.get(&(*x, *y)).copied().unwrap_or(0) as f64;
                    chi2 += (observed - expected).powi(2) / expected;
                }
            }
            let k = rows.len().min(cols.len()).saturating_sub(1).max(1) as f64;
            let v = (chi2 / (nf * k)).sqrt();
            if !v.is_finite() || v < MIN_ASSOCIATION {
                continue;
            }
            let mut combinations: Vec<Combination> = counts
                .iter()
                .filter(|(_, c)| **c >= min_count)
                .map(|((x, y), c)| Combination {
                    first: (*x).to_owned(),
                    second: (*y).to_owned(),
                    fraction: round4(*c as f64 / nf),
                })
                .collect();
            combinations.sort_by(|p, q| {
                q.fraction
                    .total_cmp(&p.fraction)
                    .then(p.first.cmp(&q.first))
            });
            combinations.truncate(MAX_COMBINATIONS);
            if !combinations.is_empty() {
                out.push(Association {
                    first: table.columns[*a].name.clone(),
                    second: table.columns[*b].name.clone(),
                    strength: (v * 100.0).round() / 100.0,
                    combinations,
                });
            }
        }
    }
    out
}

/// Share of rows a place's value must go with one value of the other column.
const MIN_BELONGS: f64 = 0.95;
/// Rows with both set that a pair needs to be read.
const MIN_BELONGS_ROWS: usize = 20;

/// Place columns (class `address`: cities, districts, states, postal codes)
/// whose every value goes with one value of another place or country column
/// of the table (`belongs`): in at least 95% of the sampled rows where both
/// are set, the other column holds the value most rows with that place
/// hold. Only a place with fewer distinct values than half those rows (a
/// column of nearly unique addresses goes with anything) and more than the
/// other column has (a place belongs to a larger one); each place belongs
/// to the larger of the columns it qualifies for (a city to its state rather
/// than its country, when both hold).
pub fn belongs(
    table: &crate::schema::Table,
    semantic: &[Option<SemanticClass>],
    samples: &[Vec<Option<String>>],
) -> Vec<Belongs> {
    let places: Vec<usize> = (0..semantic.len())
        .filter(|&i| semantic[i] == Some(SemanticClass::Address))
        .collect();
    let wholes: Vec<usize> = (0..semantic.len())
        .filter(|&i| {
            matches!(
                semantic[i],
                Some(SemanticClass::Address | SemanticClass::Country)
            )
        })
        .collect();
    let mut out = Vec::new();
    for &place in &places {
        let mut best: Option<(usize, f64, f64)> = None;
        for &whole in wholes.iter().filter(|&&w| w != place) {
            let mut pairs: HashMap<(&str, &str), usize> = HashMap::new();
            for (a, b) in samples[place].iter().zip(&samples[whole]) {
                if let (Some(a), Some(b)) = (a, b) {
                    *pairs.entry((a.as_str(), b.as_str())).or_default() += 1;
                }
            }
            let rows: usize = pairs.values().sum();
            if rows < MIN_BELONGS_ROWS {
                continue;
            }
            let mut most: HashMap<&str, usize> = HashMap::new();
            let mut wholes_seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
            for ((a, b), n) in &pairs {
                let m = most.entry(a).or_default();
                *m = (*m).max(*n);
                wholes_seen.insert(b);
            }
            let (parts, whole_values) = (most.len(), wholes_seen.len());
            if whole_values < 2 || parts <= whole_values || 2 * parts > rows {
                continue;
            }
            let share = most.values().sum::<usize>() as f64 / rows as f64;
            let per_value = parts as f64 / whole_values as f64;
            // The larger whole: fewer parts per value of it.
            if share >= MIN_BELONGS && best.is_none_or(|(_, _, p)| per_value < p) {
                best = Some((whole, share, per_value));
            }
        }
        if let Some((whole, share, per_value)) = best {
            out.push(Belongs {
                column: table.columns[place].name.clone(),
                to: table.columns[whole].name.clone(),
                share: round4(share),
                per_value: (per_value * 100.0).round() / 100.0,
            });
        }
    }
    out
}

/// Rows (e-mail and names set) an e-mail column needs for its forms to be read.
const MIN_EMAIL_ROWS: usize = 10;
/// Share of those rows the listed forms must cover for the e-mail to count
/// as made from the names.
const MIN_EMAIL_FORMS: f64 = 0.3;

/// E-mail columns whose local part is made from the row's names: over the
/// sampled rows where both are set, the share of each [`NameForm`] (a form
/// held by fewer than two rows is left out), and how many end in digits.
/// `semantic` holds each column's class; the names are the table's one
/// first-name and one last-name column (by their names), else its one
/// person-name column, read as a full name (first and last word).
pub fn email_names(
    table: &crate::schema::Table,
    semantic: &[Option<SemanticClass>],
    samples: &[Vec<Option<String>>],
) -> Vec<EmailNames> {
    let of_class = |class: SemanticClass| -> Vec<usize> {
        (0..semantic.len())
            .filter(|&i| semantic[i] == Some(class))
            .collect()
    };
    let people = of_class(SemanticClass::PersonName);
    let named = |hints: &[&str]| -> Vec<usize> {
        people
            .iter()
            .copied()
            .filter(|&i| {
                let name = table.columns[i].name.to_lowercase();
                hints.iter().any(|h| name.contains(h))
            })
            .collect()
    };
    let firsts = named(&["first", "given", "fname", "forename"]);
    let lasts = named(&["last", "family", "surname", "lname"]);
    let (first, last) = match (firsts.as_slice(), lasts.as_slice(), people.as_slice()) {
        ([f], [l], _) if f != l => (*f, Some(*l)),
        (_, _, [full]) => (*full, None),
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    for email in of_class(SemanticClass::Email) {
        let mut counts = [0usize; NameForm::ALL.len()];
        let mut digits = [0usize; NameForm::ALL.len()];
        let mut rows = 0usize;
        for (row, (address, a)) in samples[email].iter().zip(&samples[first]).enumerate() {
            let (Some(address), Some(a)) = (address, a) else {
                continue;
            };
            let b = match last {
                Some(l) => match &samples[l][row] {
                    Some(b) => Some(b.as_str()),
                    None => continue,
                },
                None => None,
            };
            let Some((f, l)) = name_keys(a, b) else {
                continue;
            };
            rows += 1;
            let local = local_key(address.split('@').next().unwrap_or_default());
            let stem = local.trim_end_matches(|c: char| c.is_ascii_digit());
            let made = |part: &str| {
                NameForm::ALL
                    .iter()
                    .position(|form| form.apply(&f, &l) == part)
            };
            // As it is, else with the digits after the names taken off.
            if let Some(k) = made(&local) {
                counts[k] += 1;
            } else if let Some(k) = made(stem).filter(|_| stem.len() < local.len()) {
                counts[k] += 1;
                digits[k] += 1;
            }
        }
        if rows < MIN_EMAIL_ROWS {
            continue;
        }
        let mut forms: Vec<(NameForm, usize, usize)> = NameForm::ALL
            .iter()
            .zip(counts.iter().zip(&digits))
            .filter(|(_, (count, _))| **count >= 2)
            .map(|(form, (count, digits))| (*form, *count, *digits))
            .collect();
        let matched: usize = forms.iter().map(|f| f.1).sum();
        if (matched as f64) < MIN_EMAIL_FORMS * rows as f64 {
            continue;
        }
        forms.sort_by_key(|f| std::cmp::Reverse(f.1));
        out.push(EmailNames {
            email: table.columns[email].name.clone(),
            first: table.columns[first].name.clone(),
            last: last.map(|l| table.columns[l].name.clone()),
            forms: forms
                .iter()
                .map(|(form, count, _)| NameFormShare {
                    form: *form,
                    fraction: round4(*count as f64 / rows as f64),
                })
                .collect(),
            digits: round4(forms.iter().map(|f| f.2).sum::<usize>() as f64 / matched as f64),
        });
    }
    out
}

/// A categorical column's index and kept values.
type CategoricalColumn<'a> = (usize, &'a [String]);
/// A ranged column's index and each sampled row's band (see `bandings`).
type BandedColumn<'a> = (usize, &'a [Option<Option<u32>>]);

/// Each sampled value's index in `kept` (`None`: NULL or not kept).
fn kept_indexes(values: &[Option<String>], kept: &[String]) -> Vec<Option<usize>> {
    let index: HashMap<&str, usize> = kept
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    values
        .iter()
        .map(|v| index.get(v.as_deref()?).copied())
        .collect()
}

/// Bandings at least this strong (Cramér's V) are kept.
const MIN_BANDING: f64 = 0.5;

/// Cramér's V of a table of counts keyed by (row, column) labels.
fn cramers_v<A: Ord + Clone, B: Ord + Clone>(counts: &BTreeMap<(A, B), u64>) -> f64 {
    let n: u64 = counts.values().sum();
    let mut rows: BTreeMap<A, u64> = BTreeMap::new();
    let mut cols: BTreeMap<B, u64> = BTreeMap::new();
    for ((a, b), c) in counts {
        *rows.entry(a.clone()).or_default() += c;
        *cols.entry(b.clone()).or_default() += c;
    }
    if n == 0 || rows.len() < 2 || cols.len() < 2 {
        return 0.0;
    }
    let nf = n as f64;
    let mut chi2 = 0.0;
    for (a, ra) in &rows {
        for (b, cb) in &cols {
            let expected = *ra as f64 * *cb as f64 / nf;
            let observed = counts.get(&(a.clone(), b.clone())).copied().unwrap_or(0) as f64;
            chi2 += (observed - expected).powi(2) / expected;
        }
    }
    let k = rows.len().min(cols.len()).saturating_sub(1).max(1) as f64;
    (chi2 / (nf * k)).sqrt()
}

/// Categorical columns (given with their kept values) against the
/// histogram buckets (or NULL) of number and time columns (given with
/// their bounds): the pairs with Cramér's V of at least [`MIN_BANDING`],
/// with the cells at least `min_count` sampled rows share.
pub fn bandings(
    table: &crate::schema::Table,
    ranged: &[(usize, Vec<f64>)],
    categorical: &[(usize, Vec<String>)],
    samples: &[Vec<Option<String>>],
    min_count: u64,
) -> Vec<Banding> {
    let number = |v: &str| -> Option<f64> {
        v.trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .or_else(|| value::parse_timestamp(v).map(|t| t as f64))
    };
    // Each ranged column's band per row, once: `None` for a value that is
    // no number, `Some(None)` for NULL.
    let bands: Vec<Vec<Option<Option<u32>>>> = ranged
        .iter()
        .map(|(t, bounds)| {
            samples[*t]
                .iter()
                .map(|x| match x.as_deref() {
                    None => Some(None),
                    Some(x) => number(x).map(|x| Some(bucket_of(bounds, x))),
                })
                .collect()
        })
        .collect();
    let indexes: HashMap<usize, Vec<Option<usize>>> = categorical
        .iter()
        .map(|(c, kept)| (*c, kept_indexes(&samples[*c], kept)))
        .collect();
    let pairs: Vec<(CategoricalColumn<'_>, BandedColumn<'_>)> = categorical
        .iter()
        .flat_map(|(c, kept)| {
            ranged
                .iter()
                .zip(&bands)
                .filter(move |((t, bounds), _)| c != t && bounds.len() >= 3)
                .map(move |((t, _), b)| ((*c, kept.as_slice()), (*t, b.as_slice())))
        })
        .collect();
    pairs
        .par_iter()
        .filter_map(|&((c, kept), (t, bands))| {
            let mut cells: HashMap<(Option<u32>, usize), u64> = HashMap::new();
            for (band, v) in bands.iter().zip(&indexes[&c]) {
                if let (Some(band), Some(v)) = (band, v) {
                    *cells.entry((*band, *v)).or_default() += 1;
                }
            }
            let counts: BTreeMap<(Option<u32>, &str), u64> = cells
                .into_iter()
                .map(|((band, v), c)| ((band, kept[v].as_str()), c))
                .collect();
            let n: u64 = counts.values().sum();
            if n < 10 {
                return None;
            }
            let v = cramers_v(&counts);
            if !v.is_finite() || v < MIN_BANDING {
                return None;
            }
            let cells: Vec<BandCell> = counts
                .iter()
                .filter(|(_, k)| **k >= min_count)
                .map(|((band, value), k)| BandCell {
                    bucket: *band,
                    value: (*value).to_owned(),
                    fraction: round4(*k as f64 / n as f64),
                })
                .collect();
            (!cells.is_empty()).then(|| Banding {
                column: table.columns[t].name.clone(),
                category: table.columns[c].name.clone(),
                strength: (v * 100.0).round() / 100.0,
                cells,
            })
        })
        .collect()
}

/// Associations at least this strong (Cramér's V) are kept.
const MIN_ASSOCIATION: f64 = 0.3;
/// Combinations kept per association at most.
const MAX_COMBINATIONS: usize = 400;

/// Rank correlations at least this strong are kept.
const MIN_CORRELATION: f64 = 0.3;
/// Columns per table whose pairs are correlated at most (the first ones).
const MAX_CORRELATED_COLUMNS: usize = 24;

/// Spearman rank correlation of every pair of `columns` (numbers and times)
/// over the sampled rows where both are set; pairs at least
/// [`MIN_CORRELATION`] strong, either sign.
pub fn correlations(
    table: &crate::schema::Table,
    columns: &[usize],
    samples: &[Vec<Option<String>>],
) -> Vec<Correlation> {
    let numbers: Vec<(usize, Vec<Option<f64>>)> = columns
        .iter()
        .take(MAX_CORRELATED_COLUMNS)
        .map(|&c| {
            let parsed = samples[c]
                .iter()
                .map(|v| {
                    let v = v.as_deref()?;
                    v.trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite())
                        .or_else(|| value::parse_timestamp(v).map(|t| t as f64))
                })
                .collect();
            (c, parsed)
        })
        .collect();
    let mut out = Vec::new();
    for (i, (a, va)) in numbers.iter().enumerate() {
        for (b, vb) in &numbers[i + 1..] {
            let pairs: Vec<(f64, f64)> = va
                .iter()
                .zip(vb)
                .filter_map(|(x, y)| Some(((*x)?, (*y)?)))
                .collect();
            if pairs.len() < 10 {
                continue;
            }
            let ra = ranks(pairs.iter().map(|p| p.0));
            let rb = ranks(pairs.iter().map(|p| p.1));
            let rho = pearson(&ra, &rb);
            if rho.is_finite() && rho.abs() >= MIN_CORRELATION {
                out.push(Correlation {
                    first: table.columns[*a].name.clone(),
                    second: table.columns[*b].name.clone(),
                    rank: (rho * 100.0).round() / 100.0,
                });
            }
        }
    }
    out
}

/// Average ranks (ties share the mean of their positions).
fn ranks(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let values: Vec<f64> = values.collect();
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&x, &y| values[x].total_cmp(&values[y]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0;
        for &k in &order[i..=j] {
            out[k] = rank;
        }
        i = j + 1;
    }
    out
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut cov, mut va, mut vb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        cov += (x - ma) * (y - mb);
        va += (x - ma) * (x - ma);
        vb += (y - mb) * (y - mb);
    }
    cov / (va * vb).sqrt()
}

/// Key sets and nesting depth of the values that parse as JSON.
fn json_shape(values: &[&str], min_count: u64) -> Option<JsonShape> {
    fn depth(v: &serde_json::Value) -> u64 {
        match v {
            serde_json::Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
            serde_json::Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
            _ => 0,
        }
    }
    let docs: Vec<serde_json::Value> = values
        .iter()
        .filter_map(|v| serde_json::from_str(v).ok())
        .collect();
    if docs.is_empty() {
        return None;
    }
    let n = docs.len() as f64;
    let mut sets: BTreeMap<String, u64> = BTreeMap::new();
    for doc in &docs {
        if let serde_json::Value::Object(map) = doc {
            // serde_json's map is sorted: the key set is already canonical.
            *sets
                .entry(map.keys().cloned().collect::<Vec<_>>().join(","))
                .or_default() += 1;
        }
    }
    let mut kept: Vec<(String, u64)> = sets.into_iter().filter(|(_, c)| *c >= min_count).collect();
    kept.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut depths: Vec<u64> = docs.iter().map(depth).collect();
    depths.sort_unstable();
    Some(JsonShape {
        key_sets: kept
            .into_iter()
            .take(TOP)
            .map(|(k, c)| frequency(&k, c as f64 / n))
            .collect(),
        depth: quantiles(&depths),
    })
}

/// `Aaaa 999` for `John 123`: letters by case, digits as 9, everything else as itself.
pub fn shape(v: &str) -> String {
    v.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                '9'
            } else if c.is_uppercase() {
                'A'
            } else if c.is_alphabetic() {
                'a'
            } else {
                c
            }
        })
        .collect()
}

fn shapes(values: &HashMap<&str, u64>, min_count: u64, n: f64) -> Vec<Frequency> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    for (v, c) in values
        .iter()
        .filter(|(v, _)| v.chars().count() <= SHAPE_MAX_CHARS)
    {
        *counts.entry(shape(v)).or_default() += c;
    }
    let mut kept: Vec<(String, u64)> = counts
        .into_iter()
        .filter(|(_, c)| *c >= min_count)
        .collect();
    kept.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    kept.into_iter()
        .take(TOP)
        .map(|(s, c)| frequency(&s, c as f64 / n))
        .collect()
}

/// The share of the `n` sampled values for which `f` holds, each distinct
/// value tested once and weighed by its count.
fn weighted_share(counts: &HashMap<&str, u64>, n: f64, f: &dyn Fn(&str) -> bool) -> f64 {
    let hits: u64 = counts.iter().filter(|(v, _)| f(v)).map(|(_, c)| c).sum();
    round4(hits as f64 / n)
}

fn sentinel_shares(counts: &HashMap<&str, u64>, n: f64) -> Vec<Frequency> {
    // One pass over the distinct values (a time at midnight counts as its date).
    let mut found: BTreeMap<&str, u64> = BTreeMap::new();
    for (v, c) in counts {
        let t = v.trim();
        let key = t
            .strip_suffix(" 00:00:00")
            .or_else(|| t.strip_suffix("T00:00:00"))
            .unwrap_or(t);
        // `0.00` and `-1.0` are the placeholders `0` and `-1` of a decimal.
        let key = match key.parse::<f64>() {
            Ok(x) if x == 0.0 && !key.starts_with('-') => "0",
            Ok(-1.0) => "-1",
            _ => key,
        };
        if let Some(s) = SENTINELS.iter().find(|s| **s == key) {
            *found.entry(s).or_default() += c;
        }
    }
    SENTINELS
        .iter()
        .filter_map(|s| found.get(s).map(|&c| frequency(s, c as f64 / n)))
        .collect()
}

fn mess(
    column: &Column,
    semantic: Option<SemanticClass>,
    values: &[&str],
    counts: &HashMap<&str, u64>,
) -> MessObserved {
    let n = values.len() as f64;
    let share = |f: &dyn Fn(&str) -> bool| weighted_share(counts, n, f);
    let max = match column.logical_type {
        LogicalType::Text {
            max_length: Some(m),
        }
        | LogicalType::Char { length: m } => Some(m as usize),
        _ => None,
    };
    let json = column.logical_type == LogicalType::Json || semantic == Some(SemanticClass::Json);
    // Values whose normalised form (trimmed, lowercase) is shared by a different raw value.
    let mut forms: HashMap<String, (usize, u64)> = HashMap::with_capacity(counts.len());
    for (v, c) in counts {
        let e = forms.entry(fold(v)).or_default();
        e.0 += 1;
        e.1 += c;
    }
    let near: u64 = forms
        .values()
        .filter(|(raw, _)| *raw > 1)
        .map(|(_, c)| c)
        .sum();
    MessObserved {
        empty: share(&|v| v.is_empty()),
        padded: share(&|v| v.starts_with(char::is_whitespace) || v.ends_with(char::is_whitespace)),
        non_ascii: share(&|v| !v.is_ascii()),
        near_duplicates: round4(near as f64 / n),
        at_max_length: max.map_or(0.0, |m| share(&|v| v.chars().count() == m)),
        unusual_unicode: share(&|v| {
            !v.is_ascii() && (v.chars().any(unusual_char) || homoglyphs(v))
        }),
        markup: share(&looks_like_markup),
        mojibake: share(&is_mojibake),
        upper_case: share(&is_upper_case),
        odd_contact: match semantic {
            Some(SemanticClass::Email) => share(&odd_email),
            Some(SemanticClass::Phone) => share(&odd_phone),
            _ => 0.0,
        },
        // JSON (a JSON type, or text holding JSON, as SQLite stores it): its
        // edges, and the edges of the arrays a JSON column may hold instead
        // of a native array (MySQL and SQLite store arrays as JSON).
        json_edges: if json { json_edges(values) } else { 0.0 },
        array_edges: if json { share(&is_array_edge) } else { 0.0 },
        sentinels: sentinel_shares(counts, n),
        ..MessObserved::default()
    }
}

/// Two letters at least, and every letter upper case.
fn is_upper_case(v: &str) -> bool {
    v.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && v.chars().all(|c| !c.is_alphabetic() || c.is_uppercase())
}

/// An e-mail address other than lower-case `local@domain.tld` of letters,
/// digits, dots, hyphens and underscores: tags (`+`), quotes, IP literals,
/// `%`, apostrophes, upper case, non-ASCII.
fn odd_email(v: &str) -> bool {
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c))
    };
    match v.split_once('@') {
        Some((local, domain)) => !(plain(local) && plain(domain) && domain.contains('.')),
        None => false,
    }
}

/// A phone number with words (`ext.`, `(mobile)`), dots or spaces between
/// groups, or a leading `+` or `(` group.
fn odd_phone(v: &str) -> bool {
    v.contains("ext")
        || v.contains("mobile")
        || v.contains('.')
        || v.contains('(')
        || v.trim().starts_with('+')
        || v.trim().contains(' ')
}

/// An empty array or one holding NULL, in PostgreSQL's `{…}` or JSON's `[…]` form.
fn is_array_edge(v: &str) -> bool {
    let v = v.trim();
    if v == "{}" || v == "[]" {
        return true;
    }
    let inner = v
        .trim_start_matches(['{', '['])
        .trim_end_matches(['}', ']']);
    inner
        .split(',')
        .any(|item| item.trim().eq_ignore_ascii_case("null"))
}

/// The share of JSON documents that are not objects, nest deeper than 8,
/// have an empty key, a key with a space, a `$` or `__` prefix or a
/// non-ASCII character, or give a top-level key a type other than the one
/// most documents give it.
fn json_edges(values: &[&str]) -> f64 {
    fn depth(v: &serde_json::Value) -> usize {
        match v {
            serde_json::Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
            serde_json::Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
            _ => 0,
        }
    }
    fn kind(v: &serde_json::Value) -> u8 {
        match v {
            serde_json::Value::Null => 0,
            serde_json::Value::Bool(_) => 1,
            serde_json::Value::Number(_) => 2,
            serde_json::Value::String(_) => 3,
            serde_json::Value::Array(_) => 4,
            serde_json::Value::Object(_) => 5,
        }
    }
    let docs: Vec<serde_json::Value> = values
        .iter()
        .filter_map(|v| serde_json::from_str(v).ok())
        .collect();
    if docs.is_empty() {
        return 0.0;
    }
    // The usual type of each top-level key.
    let mut kinds: BTreeMap<&str, BTreeMap<u8, u64>> = BTreeMap::new();
    for doc in &docs {
        if let serde_json::Value::Object(map) = doc {
            for (k, v) in map {
                *kinds
                    .entry(k.as_str())
                    .or_default()
                    .entry(kind(v))
                    .or_default() += 1;
            }
        }
    }
    let usual: BTreeMap<&str, u8> = kinds
        .iter()
        .filter_map(|(k, m)| m.iter().max_by_key(|(_, c)| **c).map(|(t, _)| (*k, *t)))
        .collect();
    let odd_key = |k: &str| {
        k.is_empty()
            || k.contains(' ')
            || k.starts_with('$')
            || k.starts_with("__")
            || !k.is_ascii()
    };
    let edges = docs
        .iter()
        .filter(|doc| match doc {
            serde_json::Value::Object(map) => {
                depth(doc) > 8
                    || map.keys().any(|k| odd_key(k))
                    || map
                        .iter()
                        .any(|(k, v)| usual.get(k.as_str()) != Some(&kind(v)))
            }
            _ => true,
        })
        .count();
    round4(edges as f64 / values.len() as f64)
}

/// The share of `n` sampled values on the day most of them fall on (`times` sorted, microseconds).
fn busiest_day(times: &[i64], n: f64) -> f64 {
    let mut best = 0usize;
    let mut run = 0usize;
    let mut day = None;
    for t in times {
        let d = t.div_euclid(value::MICROS_PER_DAY);
        if Some(d) == day {
            run += 1;
        } else {
            day = Some(d);
            run = 1;
        }
        best = best.max(run);
    }
    // One day among many holds at least one value: only a day with two or more is worth saying.
    if best < 2 { 0.0 } else { best as f64 / n }
}

/// A value as an accent- and case-insensitive collation compares it
/// (MySQL's default ones do): trimmed, lowercase, combining marks dropped
/// and Latin-1 accented letters read as their base letter.
fn fold(v: &str) -> String {
    if v.is_ascii() {
        return v.trim().to_ascii_lowercase();
    }
    v.trim()
        .to_lowercase()
        .chars()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| match c {
            'à'..='å' => 'a',
            'ç' => 'c',
            'è'..='ë' => 'e',
            'ì'..='ï' => 'i',
            'ñ' => 'n',
            'ò'..='ö' | 'ø' => 'o',
            'ù'..='ü' => 'u',
            'ý' | 'ÿ' => 'y',
            c => c,
        })
        .collect()
}

/// A character beyond accented letters: a combining mark, a zero-width or
/// direction control, a right-to-left letter, or one outside the Basic
/// Multilingual Plane (four bytes in UTF-8).
pub fn unusual_char(ch: char) -> bool {
    matches!(ch as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060 | 0x2066..=0x2069 | 0xFEFF
        | 0x0590..=0x06FF | 0x10000..)
}

/// Latin letters mixed with Cyrillic or Greek ones in one word (`pаypal` with a Cyrillic `а`).
fn homoglyphs(v: &str) -> bool {
    !v.is_ascii()
        && v.split_whitespace().any(|word| {
            word.chars().any(|c| c.is_ascii_alphabetic())
                && word.chars().any(|c| matches!(c as u32, 0x0370..=0x04FF))
        })
}

/// Text that looks like SQL, HTML, a format string or a template.
pub fn looks_like_markup(v: &str) -> bool {
    // Most values are ASCII: lowercase them without allocating a copy.
    let lower: std::borrow::Cow<'_, str> =
        if v.bytes().any(|b| b.is_ascii_uppercase()) || !v.is_ascii() {
            v.to_lowercase().into()
        } else {
            v.into()
        };
    let tag = lower
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'));
    tag || [
        "' or ",
        "drop table",
        "union select",
        "%s",
        "%n",
        "%x",
        "{0}",
        "${",
        "{{",
        "\\x00",
        "';--",
    ]
    .iter()
    .any(|p| lower.contains(p))
}

/// UTF-8 that was read as Latin-1 or Windows-1252 and stored again.
pub fn is_mojibake(v: &str) -> bool {
    if v.is_ascii() {
        return false;
    }
    let chars: Vec<char> = v.chars().collect();
    chars.windows(2).any(|w| {
        (w[0] == 'Ã' || w[0] == 'Â')
            && (('\u{80}'..='\u{BF}').contains(&w[1])
                || crate::synth::mess::CP1252.contains(&Some(w[1])))
            || w[0] == 'â' && w[1] == '€'
    })
}

/// A time code is known to trip over: before 1900 or after 2100, the day
/// before or of the epoch, a leap day, the 32-bit `time_t` rollover day, or
/// a US daylight-saving gap or overlap hour (second Sunday of March
/// 02:00-02:59, first Sunday of November 01:00-01:59).
fn time_edge(micros: i64) -> bool {
    let days = micros.div_euclid(value::MICROS_PER_DAY);
    let hour = micros.rem_euclid(value::MICROS_PER_DAY) / 3_600_000_000;
    let (y, m, d) = value::civil_from_days(days);
    // 1970-01-01 was a Thursday: weekday 0 is Monday.
    let sunday = (days + 3).rem_euclid(7) == 6;
    !(1900..=2100).contains(&y)
        || days == -1
        || days == 0
        || (m, d) == (2, 29)
        || (y, m, d) == (2038, 1, 19)
        || sunday && m == 3 && (8..=14).contains(&d) && hour == 2
        || sunday && m == 11 && d <= 7 && hour == 1
}

/// A number at its type's limits, NaN, infinite, negative zero or
/// vanishingly small; a time at an edge ([`time_edge`]).
fn is_extreme(column: &Column, v: &str) -> bool {
    let v = v.trim();
    match &column.logical_type {
        LogicalType::Date | LogicalType::Timestamp | LogicalType::TimestampTz => {
            v.contains("infinity") || value::parse_timestamp(v).is_some_and(time_edge)
        }
        LogicalType::Float32 | LogicalType::Float64 => {
            // One threshold for both widths: a 32-bit float's edge read back
            // through SQLite's 64-bit REAL is still an edge, and no measured
            // quantity is beyond 1e38 or below 1e-37.
            let (limit, tiny) = (1e38, 1e-37);
            v.parse::<f64>().is_ok_and(|x| {
                !x.is_finite()
                    || x.abs() >= limit
                    || (x != 0.0 && x.abs() < tiny)
                    || (x == 0.0 && x.is_sign_negative())
            }) || v.eq_ignore_ascii_case("nan")
                || v.to_lowercase().contains("inf")
        }
        LogicalType::Decimal {
            precision: Some(p),
            scale,
        } => {
            let int_digits = v
                .trim_start_matches('-')
                .split('.')
                .next()
                .map_or(0, |d| d.trim_start_matches('0').len());
            *p > scale.unwrap_or(0) && int_digits as u32 == p - scale.unwrap_or(0)
        }
        t => match t.integer_range() {
            Some((lo, hi)) => {
                let native = column.native_type.to_lowercase();
                let (lo, hi) = if native.starts_with("tinyint") {
                    if column.unsigned {
                        (0, 255)
                    } else {
                        (-128, 127)
                    }
                } else if native.starts_with("mediumint") {
                    if column.unsigned {
                        (0, 16_777_215)
                    } else {
                        (-8_388_608, 8_388_607)
                    }
                } else if column.unsigned {
                    (0, if hi == i64::MAX { i64::MAX } else { hi * 2 + 1 })
                } else {
                    (lo, hi)
                };
                // The limits of 16-, 24- and 32-bit types count too: a
                // column read back from SQLite, whose INTEGER is 64-bit,
                // keeps them (8-bit limits are too common to tell).
                const LIMITS: [i64; 8] = [
                    32_767,
                    -32_768,
                    65_535,
                    8_388_607,
                    -8_388_608,
                    2_147_483_647,
                    -2_147_483_648,
                    4_294_967_295,
                ];
                v.parse::<i64>().is_ok_and(|x| {
                    x == hi || (x == lo && lo != 0) || x == i64::MIN || LIMITS.contains(&x)
                })
            }
            None => false,
        },
    }
}

/// The class of a column, from its name first, then from what its values look like.
fn semantic(column: &Column, values: &[&str], distinct_share: f64) -> Option<SemanticClass> {
    let name: String = column
        .name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    let has = |s: &str| name.contains(s);
    let all = |f: &dyn Fn(&str) -> bool| {
        values.iter().filter(|v| f(v)).count() as f64 >= 0.9 * values.len() as f64
    };
    match &column.logical_type {
        LogicalType::Uuid => return Some(SemanticClass::Uuid),
        LogicalType::Json => return Some(SemanticClass::Json),
        LogicalType::Inet => return Some(SemanticClass::Ip),
        _ => {}
    }
    if !column.logical_type.is_textual() {
        return None;
    }
    let class = if has("email")
        || has("mail")
        || all(&|v| {
            v.contains('@')
                && v.rsplit('@').next().is_some_and(|d| d.contains('.'))
                && !v.contains(' ')
        }) {
        SemanticClass::Email
    } else if all(&|v| v.starts_with("http://") || v.starts_with("https://"))
        || has("url")
        || has("website")
    {
        SemanticClass::Url
    } else if all(&|v| {
        v.len() == 36
            && v.chars().filter(|c| *c == '-').count() == 4
            && v.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
    }) {
        SemanticClass::Uuid
    } else if all(&|v| {
        v.split('/')
            .next()
            .is_some_and(|a| a.parse::<std::net::IpAddr>().is_ok())
    }) {
        SemanticClass::Ip
    } else if all(&|v| {
        (v.starts_with('{') || v.starts_with('['))
            && serde_json::from_str::<serde_json::Value>(v).is_ok()
    }) {
        SemanticClass::Json
    } else if [
        "name", "author", "composer", "artist", "owner", "user", "by", "employee", "customer",
        "contact", "person", "manager", "patient",
    ]
    .iter()
    .any(|h| has(h))
    {
        // Conservative: any column that may hold who someone is.
        SemanticClass::PersonName
    } else if has("phone") || has("fax") || has("mobile") {
        SemanticClass::Phone
    } else if [
        "address", "street", "postal", "zip", "city", "town", "state", "region", "province",
        "district",
    ]
    .iter()
    .any(|h| has(h))
    {
        SemanticClass::Address
    } else if has("country") || has("nation") {
        SemanticClass::Country
    } else if has("currency") {
        SemanticClass::Currency
    } else if all(&|v| v.chars().count() > 40 && v.contains(' ')) {
        SemanticClass::FreeText
    } else if distinct_share > 0.9 && values.len() >= 20 {
        SemanticClass::Identifier
    } else {
        return None;
    };
    Some(class)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::stats::name_key;

    fn strs(values: &[String]) -> Vec<&str> {
        values.iter().map(String::as_str).collect()
    }

    fn text_column(name: &str, max: Option<u32>) -> Column {
        Column {
            name: name.into(),
            native_type: "text".into(),
            logical_type: LogicalType::Text { max_length: max },
            nullable: true,
            default: None,
            identity: None,
            generated: None,
            domain: None,
            unsigned: false,
            collation: None,
            comment: None,
        }
    }

    #[test]
    fn common_values_need_k_rows_and_a_non_identifying_column() {
        let mut values: Vec<String> = (0..200)
            .map(|i| {
                if i % 2 == 0 {
                    "paid".into()
                } else {
                    "open".into()
                }
            })
            .collect();
        values.extend((0..9).map(|_| "RARE-SECRET".to_owned()));
        let a = analyze(
            "t",
            &text_column("status", None),
            false,
            &strs(&values),
            209,
            209,
            &Privacy::default(),
        );
        let kept: Vec<&str> = a.most_common.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(kept, ["open", "paid"], "a value in 9 rows is below k = 10");
        // An email column keeps nothing, however common a value.
        let emails: Vec<String> = (0..50).map(|i| format!("u{}@x.example", i % 2)).collect();
        let a = analyze(
            "t",
            &text_column("contact", None),
            false,
            &strs(&emails),
            50,
            50,
            &Privacy::default(),
        );
        assert_eq!(a.semantic, Some(SemanticClass::Email));
        assert!(a.most_common.is_empty());
        // Unless a person allowed the column by name.
        let allowed = Privacy {
            min_count: 10,
            allowed: vec!["t.contact".into()],
            verbatim: false,
        };
        assert_eq!(
            analyze(
                "t",
                &text_column("contact", None),
                false,
                &strs(&emails),
                50,
                50,
                &allowed
            )
            .most_common
            .len(),
            2
        );
    }

    #[test]
    fn histograms_are_equi_depth_and_coarsened_at_the_tails() {
        let mut column = text_column("salary", None);
        column.logical_type = LogicalType::Decimal {
            precision: Some(10),
            scale: Some(2),
        };
        let values: Vec<String> = (1..=1000).map(|i| format!("{}.37", i * 100)).collect();
        let a = analyze(
            "t",
            &column,
            false,
            &strs(&values),
            1000,
            1000,
            &Privacy::default(),
        );
        assert_eq!(a.histogram.len(), 21);
        assert_eq!(a.histogram[0], StatValue::Number(100.0));
        assert_eq!(
            a.histogram[20],
            StatValue::Number(110_000.0),
            "the exact maximum 100000.37 is not kept"
        );
        assert_eq!(a.histogram[10], StatValue::Number(50_000.0));
    }

    #[test]
    fn time_profiles_follow_the_calendar() {
        let mut column = text_column("created_at", None);
        column.logical_type = LogicalType::Timestamp;
        // Every Monday of 2023 at 09:30, and 3 Saturdays in December at 22:00.
        let mut values: Vec<String> = (0..52)
            .map(|w| {
                let mut s = String::new();
                value::format_timestamp(
                    (value::days_from_civil(2023, 1, 2) + 7 * w) * MICROS_PER_DAY
                        + 9 * 3_600_000_000
                        + 1_800_000_000,
                    ' ',
                    &mut s,
                );
                s
            })
            .collect();
        values.extend(
            [
                "2023-12-02 22:00:00",
                "2023-12-09 22:00:00",
                "2023-12-16 22:00:00",
            ]
            .map(String::from),
        );
        let a = analyze(
            "t",
            &column,
            false,
            &strs(&values),
            110,
            55,
            &Privacy::default(),
        );
        let t = a.time.unwrap();
        assert!((t.weekday[0] - 52.0 / 55.0).abs() < 1e-3);
        assert!((t.weekday[5] - 3.0 / 55.0).abs() < 1e-3);
        assert!((t.hour[9] - 52.0 / 55.0).abs() < 1e-3);
        assert_eq!(
            t.per_month["2023-12"],
            2 * (4 + 3),
            "scaled from the sample to the table"
        );
    }

    #[test]
    fn json_key_sets_and_depth() {
        let mut column = text_column("payload", None);
        column.logical_type = LogicalType::Json;
        let mut values: Vec<String> = (0..12)
            .map(|i| format!("{{\"b\": {i}, \"a\": {{\"x\": [1]}}}}"))
            .collect();
        values.push("{\"secret-key\": 1}".into());
        let a = analyze(
            "t",
            &column,
            false,
            &strs(&values),
            13,
            13,
            &Privacy::default(),
        );
        let shape = a.json.unwrap();
        assert_eq!(
            shape.key_sets,
            vec![frequency("a,b", 0.9231)],
            "a key set in one document is not kept"
        );
        assert_eq!(*shape.depth.last().unwrap(), 3);
    }

    #[test]
    fn the_other_mess_detectors() {
        assert!(is_upper_case("SHIPPED") && is_upper_case("JOHN SMITH 12"));
        assert!(!is_upper_case("Shipped") && !is_upper_case("A1") && !is_upper_case("12"));
        for odd in [
            "o'brien+x@example.co.uk",
            "FIRST@EXAMPLE.COM",
            "user@[192.0.2.1]",
            "\"a..b\"@x.org",
        ] {
            assert!(odd_email(odd), "{odd}");
        }
        assert!(!odd_email("jane.doe-1@mail.example.com"));
        assert!(
            odd_phone("+44 20 7946 0958")
                && odd_phone("555.010.9999")
                && odd_phone("555 010 9999 (mobile)")
        );
        assert!(!odd_phone("555-010-9999"));
        for edge in ["{}", "[]", "{NULL,a}", "[1, null]", "{a,NULL}"] {
            assert!(is_array_edge(edge), "{edge}");
        }
        assert!(!is_array_edge("{a,b}") && !is_array_edge("[1,2]"));
        let docs = [
            r#"{"id": 1}"#,
            r#"{"id": 2}"#,
            r#"{"id": "3"}"#,
            r#"{"": 1, "id": 4}"#,
            r#"[]"#,
            r#"{"a": {"a": {"a": {"a": {"a": {"a": {"a": {"a": {"a": 1}}}}}}}}, "id": 5}"#,
        ];
        // A string id, an empty key, an array, nine levels: 4 of 6.
        assert_eq!(json_edges(&docs), round4(4.0 / 6.0));
        let day = value::MICROS_PER_DAY;
        assert_eq!(busiest_day(&[0, 1, 2, day, 2 * day], 5.0), 0.6);
        assert_eq!(busiest_day(&[0, day, 2 * day], 3.0), 0.0);
    }

    #[test]
    fn extremes_are_counted() {
        let real = Column {
            native_type: "real".into(),
            logical_type: LogicalType::Float32,
            ..text_column("freight", None)
        };
        for v in [
            "-0",
            "1.2e-38",
            "-Infinity",
            "Infinity",
            "NaN",
            "3e+38",
            "-3e+38",
        ] {
            assert!(is_extreme(&real, v), "{v}");
        }
        for v in ["0", "12.5", "-3.25", "1e-3"] {
            assert!(!is_extreme(&real, v), "{v}");
        }
        let int = Column {
            native_type: "integer".into(),
            logical_type: LogicalType::Int32,
            ..text_column("n", None)
        };
        assert!(is_extreme(&int, "2147483647") && is_extreme(&int, "-2147483648"));
        assert!(!is_extreme(&int, "0") && !is_extreme(&int, "1000"));
        let when = Column {
            native_type: "timestamp".into(),
            logical_type: LogicalType::Timestamp,
            ..text_column("at", None)
        };
        for v in [
            "1970-01-01 00:00:00",
            "1969-12-31 23:59:59",
            "2024-02-29 12:00:00",
            "2021-03-14 02:30:00",
            "2021-11-07 01:30:00",
            "9999-12-31 23:59:59",
            "0001-01-01 00:00:00",
        ] {
            assert!(is_extreme(&when, v), "{v}");
        }
        for v in [
            "2021-03-14 03:30:00",
            "2023-06-01 10:00:00",
            "2021-11-14 01:30:00",
        ] {
            assert!(!is_extreme(&when, v), "{v}");
        }
    }

    #[test]
    fn mess_and_shapes_are_counted() {
        let values: Vec<String> = [
            "Alice", " alice", "ALICE ", "", "Zoë", "N/A", "AB-123", "CD-456",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let a = analyze(
            "t",
            &text_column("label", Some(6)),
            false,
            &strs(&values),
            8,
            8,
            &Privacy {
                min_count: 2,
                allowed: vec![],
                verbatim: false,
            },
        );
        let m = a.mess.unwrap();
        assert_eq!(m.empty, 0.125);
        assert_eq!(m.padded, 0.25);
        assert_eq!(m.non_ascii, 0.125);
        assert_eq!(m.near_duplicates, 0.375);
        assert_eq!(m.at_max_length, 0.5);
        assert_eq!(m.sentinels, vec![frequency("N/A", 0.125)]);
        assert_eq!(a.shapes[0], frequency("AA-999", 0.25));
        assert_eq!(shape("Zoë 7"), "Aaa 9");
    }

    fn people(columns: &[&str]) -> crate::schema::Table {
        crate::schema::Table {
            name: crate::schema::QualifiedName {
                schema: None,
                name: "people".into(),
            },
            columns: columns.iter().map(|c| text_column(c, None)).collect(),
            primary_key: None,
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            partitioning: None,
            comment: None,
        }
    }

    #[test]
    fn email_forms_are_read_from_the_names_of_each_row() {
        use SemanticClass::{Email, PersonName};
        let table = people(&["FirstName", "LastName", "Email"]);
        let semantic = [Some(PersonName), Some(PersonName), Some(Email)];
        let (mut first, mut last, mut email) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..40 {
            let (f, l) = (
                format!("Zoë{}", ["a", "b", "c", "d"][i % 4]),
                format!("O'Brien{i}x"),
            );
            let key = (name_key(&f), name_key(&l));
            email.push(Some(match i % 10 {
                // 50% first.last (a fifth of them with digits), 30% flast, 20% unrelated.
                0..=4 if i % 5 == 0 => format!("{}.{}42@Mail.test", key.0, key.1),
                0..=4 => format!("{}.{}@mail.test", key.0, key.1),
                5..=7 => format!("{}{}@mail.test", &key.0[..1], key.1),
                _ => format!("support{i}@mail.test"),
            }));
            first.push(Some(f));
            last.push(Some(l));
        }
        let found = email_names(
            &table,
            &semantic,
            &[first.clone(), last.clone(), email.clone()],
        );
        let forms: Vec<(NameForm, f64)> = found[0]
            .forms
            .iter()
            .map(|f| (f.form, f.fraction))
            .collect();
        assert_eq!(
            forms,
            [(NameForm::FirstDotLast, 0.5), (NameForm::InitialLast, 0.3)]
        );
        assert_eq!(
            (found[0].first.as_str(), found[0].last.as_deref()),
            ("FirstName", Some("LastName"))
        );
        assert_eq!(
            found[0].digits, 0.125,
            "4 of the 32 matched rows end in digits"
        );
        assert_eq!(name_key("Zoëa"), "zoea");

        // Unrelated addresses: nothing is recorded.
        let unrelated: Vec<Option<String>> =
            (0..40).map(|i| Some(format!("u{i}@mail.test"))).collect();
        assert!(
            email_names(&table, &semantic, &[first.clone(), last.clone(), unrelated]).is_empty()
        );
        // Fewer than 10 rows: nothing either.
        let cut = |v: &Vec<Option<String>>| v[..9].to_vec();
        assert!(email_names(&table, &semantic, &[cut(&first), cut(&last), cut(&email)]).is_empty());

        // One full-name column: its first and last words.
        let table = people(&["contact_name", "email"]);
        let full: Vec<Option<String>> = (0..20).map(|_| Some("Ann Marie Lee2".into())).collect();
        let address: Vec<Option<String>> =
            (0..20).map(|_| Some("ann_lee2@x.test".into())).collect();
        let found = email_names(&table, &[Some(PersonName), Some(Email)], &[full, address]);
        assert_eq!(found[0].first, "contact_name");
        assert_eq!(found[0].last, None);
        assert_eq!(found[0].forms[0].form, NameForm::FirstUnderscoreLast);
        assert_eq!(found[0].forms[0].fraction, 1.0);
        assert_eq!(found[0].digits, 0.0, "the digits are the name's own");
    }

    #[test]
    fn a_city_belongs_to_its_state_rather_than_its_country() {
        use SemanticClass::{Address, Country};
        let table = people(&["city", "state", "country", "street"]);
        let semantic = [Some(Address), Some(Address), Some(Country), Some(Address)];
        let column = |f: &dyn Fn(usize) -> String| -> Vec<Option<String>> {
            (0..200).map(|i| Some(f(i))).collect()
        };
        // 40 cities, 8 states, 2 countries; a street in each row.
        let samples = [
            column(&|i| format!("c{}", i % 40)),
            column(&|i| format!("s{}", i % 8)),
            column(&|i| format!("n{}", i % 2)),
            column(&|i| format!("{i} Main St")),
        ];
        let found = belongs(&table, &semantic, &samples);
        let pairs: Vec<(&str, &str, f64)> = found
            .iter()
            .map(|b| (b.column.as_str(), b.to.as_str(), b.per_value))
            .collect();
        // The street is nearly unique (goes with anything): left out.
        assert_eq!(pairs, [("city", "state", 5.0), ("state", "country", 4.0)]);
        assert_eq!(found[0].share, 1.0);
        // A quarter of the cities in several states (85% of the rows in
        // their city's state): under 0.95, left out.
        let mut moved = samples.clone();
        for i in (0..200).step_by(4) {
            moved[1][i] = Some(format!("s{}", (i / 4) % 8));
        }
        let city = belongs(&table, &semantic, &moved);
        assert_eq!(
            (city[0].column.as_str(), city[0].to.as_str()),
            ("city", "country")
        );
    }
}
