//! Scoring: the distance between the profile a run was made from (the
//! expectation) and the profile of what it produced (what was found).
//! Pure functions; no I/O.

use crate::profile::stats::{ColumnStats, ForeignKeyStats, TableStats};
use crate::profile::{Profile, StatValue};
use crate::schema::{LogicalType, Table};
use crate::value;
use serde::Serialize;
use std::collections::BTreeMap;

/// How a column was compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Kolmogorov–Smirnov distance between the value histograms (numbers, times).
    Ks,
    /// Total variation distance over the most common values (categories).
    TotalVariation,
    /// Kolmogorov–Smirnov distance between the length histograms (text whose values were not kept).
    Length,
    /// Only the share of NULLs (nothing else the profile holds is comparable).
    Nulls,
}

/// One column's distance.
#[derive(Clone, Debug, Serialize)]
pub struct ColumnScore {
    /// `schema.table`.
    pub table: String,
    /// The column.
    pub column: String,
    /// How it was compared.
    pub metric: Metric,
    /// The shape distance, in [0, 1].
    pub shape: f64,
    /// |expected NULL share - found NULL share|.
    pub nulls: f64,
    /// The larger of the two.
    pub distance: f64,
    /// Why the comparison is weaker than it could be, where it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One foreign key's fan-out distance.
#[derive(Clone, Debug, Serialize)]
pub struct FanOutScore {
    /// The child table.
    pub table: String,
    /// The referencing columns.
    pub columns: Vec<String>,
    /// KS distance between the children-per-parent distributions (childless parents included).
    pub distance: f64,
    /// |expected NULL share - found NULL share| of the reference.
    pub nulls: f64,
    /// Why the distance is coarse, where it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One ordering of time columns within a row.
#[derive(Clone, Debug, Serialize)]
pub struct OrderScore {
    /// The table.
    pub table: String,
    /// The column that comes first.
    pub earlier: String,
    /// The column that comes after.
    pub later: String,
    /// The share the profile shows.
    pub expected: f64,
    /// The share found (0 when the order no longer holds in 90% of rows).
    pub found: f64,
}

/// Row counts.
#[derive(Clone, Debug, Serialize)]
pub struct RowScore {
    /// The table.
    pub table: String,
    /// Rows the profile describes.
    pub expected: u64,
    /// Rows found.
    pub found: u64,
}

/// Scores a found profile against the expected one, table by table.
/// `scale` multiplies expected row counts.
pub fn compare(
    expected: &Profile,
    found: &Profile,
) -> (
    Vec<RowScore>,
    Vec<ColumnScore>,
    Vec<FanOutScore>,
    Vec<OrderScore>,
) {
    let (mut rows, mut columns, mut fan_outs, mut orders) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for table in &expected.schema.tables {
        let Some(want) = expected.stats(&table.name) else {
            continue;
        };
        let Some(got) = find_table(found, table) else {
            continue;
        };
        let name = table.name.to_string();
        rows.push(RowScore {
            table: name.clone(),
            expected: want.row_count,
            found: got.row_count,
        });
        let keyed = key_columns(table);
        // One row of a small table moves a distance by 1/rows.
        let small = (want.row_count < 50).then(|| {
            format!(
                "only {} rows: one row moves the distance by {:.2}",
                want.row_count,
                1.0 / want.row_count.max(1) as f64
            )
        });
        for column in &table.columns {
            if column.generated.is_some() {
                continue;
            }
            let (Some(w), Some(g)) = (want.column(&column.name), find_column(got, &column.name))
            else {
                continue;
            };
            if keyed.contains(&column.name.as_str()) {
                // Keys are unique by construction; references are scored as fan-out.
                continue;
            }
            let mut score = column_score(&name, &column.name, &column.logical_type, w, g);
            if score.note.is_none() {
                score.note.clone_from(&small);
            }
            columns.push(score);
        }
        for fk in &want.foreign_keys {
            let Some(g) = got
                .foreign_keys
                .iter()
                .find(|f| same_names(&f.columns, &fk.columns))
            else {
                continue;
            };
            fan_outs.push(FanOutScore {
                table: name.clone(),
                columns: fk.columns.clone(),
                distance: round4(fan_out_distance(fk, g)),
                nulls: round4((fk.null_fraction - g.null_fraction).abs()),
                note: (fk.referenced_parents < 50)
                    .then(|| {
                        format!(
                            "only {} parents referenced: one parent moves the distance by {:.2}",
                            fk.referenced_parents,
                            1.0 / fk.referenced_parents.max(1) as f64
                        )
                    })
                    .or_else(|| {
                        trailing_key_part(table, &fk.columns).then(|| {
                            "a later part of a composite key: it follows the profile's fan-out \
                             only as the second of a key of two references with room for it, \
                             else its parents are spread evenly"
                                .to_owned()
                        })
                    }),
            });
        }
        for order in &want.time_order {
            let found_share = got
                .time_order
                .iter()
                .find(|o| {
                    o.earlier.eq_ignore_ascii_case(&order.earlier)
                        && o.later.eq_ignore_ascii_case(&order.later)
                })
                .map_or(0.0, |o| o.share);
            orders.push(OrderScore {
                table: name.clone(),
                earlier: order.earlier.clone(),
                later: order.later.clone(),
                expected: order.share,
                found: found_share,
            });
        }
    }
    (rows, columns, fan_outs, orders)
}

fn same_names(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}

/// The found table for an expected one: same schema and name, or (targets
/// without schemas) the same bare name.
fn find_table<'a>(found: &'a Profile, table: &Table) -> Option<&'a TableStats> {
    found.stats(&table.name).or_else(|| {
        found
            .tables
            .iter()
            .find(|t| t.table.name.eq_ignore_ascii_case(&table.name.name))
    })
}

fn find_column<'a>(table: &'a TableStats, name: &str) -> Option<&'a ColumnStats> {
    table.column(name).or_else(|| {
        table
            .columns
            .iter()
            .find(|c| c.column.eq_ignore_ascii_case(name))
    })
}

/// Whether a foreign key is part of a composite key without holding its
/// first column: generation numbers such a reference within the leading
/// one's children (plan::KeyPlan::spread) instead of following its own fan-out.
fn trailing_key_part(table: &Table, columns: &[String]) -> bool {
    let index = |c: &String| table.column_index(c);
    table
        .primary_key
        .iter()
        .chain(&table.uniques)
        .filter(|k| k.columns.len() > 1 && columns.iter().all(|c| k.columns.contains(c)))
        .any(|k| {
            // The key's leading part is its earliest column in table order.
            let lead = k.columns.iter().filter_map(index).min();
            columns.iter().all(|c| index(c) != lead)
        })
}

/// Columns of primary keys, unique keys and foreign keys.
fn key_columns(table: &Table) -> Vec<&str> {
    table
        .primary_key
        .iter()
        .chain(&table.uniques)
        .flat_map(|k| k.columns.iter())
        .chain(table.foreign_keys.iter().flat_map(|f| f.columns.iter()))
        .map(String::as_str)
        .collect()
}

/// The distance for one column.
pub fn column_score(
    table: &str,
    column: &str,
    logical: &LogicalType,
    want: &ColumnStats,
    got: &ColumnStats,
) -> ColumnScore {
    let nulls = (want.null_fraction - got.null_fraction).abs();
    let (metric, shape, note) = if want.null_fraction >= 1.0 {
        (
            Metric::Nulls,
            0.0,
            Some("always NULL in the source".to_owned()),
        )
    } else if !want.most_common.is_empty() && common_cover(want) >= 0.5 {
        (
            Metric::TotalVariation,
            total_variation(logical, want, got),
            None,
        )
    } else if want.histogram.len() >= 2 && got.histogram.len() >= 2 {
        (
            Metric::Ks,
            histogram_ks(&cdf_points(&want.histogram), &cdf_points(&got.histogram)),
            None,
        )
    } else if want.length_histogram.len() >= 2 && got.length_histogram.len() >= 2 {
        (
            Metric::Length,
            discrete_ks(&want.length_histogram, &got.length_histogram),
            Some("values not kept by the privacy rules: lengths compared".to_owned()),
        )
    } else {
        (
            Metric::Nulls,
            0.0,
            Some("no distribution in the profile to compare".to_owned()),
        )
    };
    ColumnScore {
        table: table.to_owned(),
        column: column.to_owned(),
        metric,
        shape: round4(shape),
        nulls: round4(nulls),
        distance: round4(shape.max(nulls)),
        note,
    }
}

fn common_cover(stats: &ColumnStats) -> f64 {
    stats.most_common.iter().map(|f| f.fraction).sum()
}

/// Total variation over the expected common values, the rest as one class.
fn total_variation(logical: &LogicalType, want: &ColumnStats, got: &ColumnStats) -> f64 {
    let found: BTreeMap<String, f64> = got
        .most_common
        .iter()
        .map(|f| (canonical(logical, &f.value), f.fraction))
        .fold(BTreeMap::new(), |mut m, (k, v)| {
            *m.entry(k).or_default() += v;
            m
        });
    let mut diff = 0.0;
    let (mut want_rest, mut got_rest) = (1.0, 1.0);
    for f in &want.most_common {
        let q = found
            .get(&canonical(logical, &f.value))
            .copied()
            .unwrap_or(0.0);
        diff += (f.fraction - q).abs();
        want_rest -= f.fraction;
        got_rest -= q;
    }
    let d = 0.5 * (diff + (want_rest.max(0.0) - got_rest.max(0.0)).abs());
    d.clamp(0.0, 1.0)
}

/// One spelling per value whatever engine printed it (`t`, `true`, `1`;
/// `2.50`, `2.5`; `2021-01-01 00:00:00`, `2021-01-01T00:00:00`).
pub fn canonical(logical: &LogicalType, text: &str) -> String {
    match logical {
        LogicalType::Boolean => match text.to_ascii_lowercase().as_str() {
            "t" | "true" | "1" => "true".into(),
            "f" | "false" | "0" => "false".into(),
            other => other.into(),
        },
        // A `real` read back wider (0.0500000007 for 0.05) is the same value.
        LogicalType::Float32 => text
            .trim()
            .parse::<f64>()
            .map_or_else(|_| text.to_owned(), |n| (n as f32).to_string()),
        t if t.is_ordered_numeric() => text
            .trim()
            .parse::<f64>()
            .map_or_else(|_| text.to_owned(), |n| n.to_string()),
        LogicalType::Date | LogicalType::Timestamp | LogicalType::TimestampTz => {
            value::parse_timestamp(text).map_or_else(|| text.to_owned(), |t| t.to_string())
        }
        _ => text.to_owned(),
    }
}

/// Histogram bounds as numbers (times in microseconds).
fn cdf_points(bounds: &[StatValue]) -> Vec<f64> {
    bounds
        .iter()
        .filter_map(|b| match b {
            StatValue::Number(n) => Some(*n),
            StatValue::Time(t) => value::parse_timestamp(t)
                .or_else(|| value::parse_time(t))
                .map(|m| m as f64),
        })
        .collect()
}

/// The CDF of an equi-depth histogram at `x` (`left`: just below `x`).
fn cdf(bounds: &[f64], x: f64, left: bool) -> f64 {
    let k = (bounds.len() - 1) as f64;
    let below = if left {
        bounds.partition_point(|&b| b < x)
    } else {
        bounds.partition_point(|&b| b <= x)
    };
    if below == 0 {
        return 0.0;
    }
    if below >= bounds.len() {
        return 1.0;
    }
    let i = below - 1;
    let (lo, hi) = (bounds[i], bounds[i + 1]);
    let within = if hi > lo {
        ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    ((i as f64 + within) / k).clamp(0.0, 1.0)
}

/// KS distance between two distributions given as equi-depth bounds.
pub fn histogram_ks(a: &[f64], b: &[f64]) -> f64 {
    if a.len() < 2 || b.len() < 2 {
        return 0.0;
    }
    let mut points: Vec<f64> = a.iter().chain(b).copied().collect();
    let mids: Vec<f64> = points.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect();
    points.extend(mids);
    points
        .iter()
        .flat_map(|&x| [false, true].map(|left| (cdf(a, x, left) - cdf(b, x, left)).abs()))
        .fold(0.0, f64::max)
}

/// KS distance between two distributions of whole numbers given as
/// equi-depth bounds: each bound stands for an equal share of the values.
pub fn discrete_ks(a: &[u64], b: &[u64]) -> f64 {
    let step = |h: &[u64], x: u64| h.partition_point(|&v| v <= x) as f64 / h.len().max(1) as f64;
    a.iter()
        .chain(b)
        .map(|&x| (step(a, x) - step(b, x)).abs())
        .fold(0.0, f64::max)
}

/// KS distance between two children-per-parent distributions, childless
/// parents as mass at zero.
pub fn fan_out_distance(want: &ForeignKeyStats, got: &ForeignKeyStats) -> f64 {
    // The share of parents with at most x children.
    let cdf = |s: &ForeignKeyStats, x: u64| -> f64 {
        let h = &s.children_per_parent;
        let z = s.childless_share.clamp(0.0, 1.0);
        z + (1.0 - z) * h.partition_point(|&c| c <= x) as f64 / h.len().max(1) as f64
    };
    let points = want
        .children_per_parent
        .iter()
        .chain(&got.children_per_parent);
    std::iter::once(&0)
        .chain(points)
        .map(|&x| (cdf(want, x) - cdf(got, x)).abs())
        .fold(0.0, f64::max)
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ks_of_equal_histograms_is_zero_and_of_disjoint_is_one() {
        let a = [0.0, 10.0, 20.0, 30.0];
        assert!(histogram_ks(&a, &a) < 1e-12);
        let b = [100.0, 110.0, 120.0, 130.0];
        assert!((histogram_ks(&a, &b) - 1.0).abs() < 1e-12);
        // Half the mass shifted by one bucket width.
        let c = [0.0, 15.0, 30.0];
        let d = [0.0, 10.0, 30.0];
        // Largest gap at 10: 1/3 against 1/2.
        let ks = histogram_ks(&c, &d);
        assert!((ks - 1.0 / 6.0).abs() < 1e-9, "{ks}");
    }

    #[test]
    fn canonical_spellings_meet() {
        assert_eq!(
            canonical(&LogicalType::Boolean, "t"),
            canonical(&LogicalType::Boolean, "1")
        );
        let ts = LogicalType::Timestamp;
        assert_eq!(
            canonical(&ts, "2021-01-01 00:00:00"),
            canonical(&ts, "2021-01-01T00:00:00")
        );
        let d = LogicalType::Decimal {
            precision: Some(10),
            scale: Some(2),
        };
        assert_eq!(canonical(&d, "2.50"), canonical(&d, "2.5"));
    }

    #[test]
    fn fan_out_distance_sees_childless_parents() {
        let s = |z: f64, h: Vec<u64>| ForeignKeyStats {
            columns: vec!["p".into()],
            null_fraction: 0.0,
            referenced_parents: 0,
            childless_share: z,
            children_per_parent: h,
            heaviest_share: 0.0,
            time_order: Vec::new(),
            copies: Vec::new(),
            orphan_share: 0.0,
        };
        let a = s(0.0, vec![1, 2, 3, 4]);
        assert!(fan_out_distance(&a, &a) < 1e-12);
        let b = s(0.4, vec![1, 2, 3, 4]);
        assert!((fan_out_distance(&a, &b) - 0.4).abs() < 1e-9);
    }
}
