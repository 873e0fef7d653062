//! Statistics types: what a profile keeps per table and per column.

use crate::schema::QualifiedName;
use serde::{Deserialize, Serialize};

/// Statistics of one table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableStats {
    /// The table.
    pub table: QualifiedName,
    /// Rows in the table (exact when the table was read whole, else the catalog's estimate).
    pub row_count: u64,
    /// Rows the column statistics were computed from.
    pub sampled_rows: u64,
    /// One entry per column, in column order.
    pub columns: Vec<ColumnStats>,
}

impl TableStats {
    /// The statistics of a column.
    pub fn column(&self, name: &str) -> Option<&ColumnStats> {
        self.columns.iter().find(|c| c.column == name)
    }
}

/// Statistics of one column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnStats {
    /// The column's name.
    pub column: String,
    /// Share of rows that are NULL, in [0, 1].
    pub null_fraction: f64,
    /// Estimated number of distinct non-NULL values in the whole table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distinct: Option<u64>,
    /// Smallest value, coarsened outward (numbers: 2 significant digits; times: the month).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<StatValue>,
    /// Largest value, coarsened outward like `min`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<StatValue>,
    /// Length of non-NULL text (characters) or binary (bytes) values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<LengthStats>,
}

/// A coarsened bound: a number, or a time written in ISO 8601.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StatValue {
    /// A number.
    Number(f64),
    /// A date (`2009-01-01`), timestamp (`2009-01-01T00:00:00`) or time (`13:00:00`).
    Time(String),
}

/// Length distribution summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LengthStats {
    /// Shortest.
    pub min: u64,
    /// Mean, rounded to 0.1.
    pub mean: f64,
    /// Longest.
    pub max: u64,
}

/// Rounds `x` down (`up == false`) or up to two significant digits, so a
/// profile never holds an exact extreme such as the highest salary.
pub fn coarsen(x: f64, up: bool) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let magnitude = x.abs().log10().floor() as i32;
    let unit = 10f64.powi(magnitude - 1);
    let scaled = x / unit;
    let rounded = if up { scaled.ceil() } else { scaled.floor() };
    // Re-round to kill representation noise (0.30000000000000004).
    let value = rounded * unit;
    let digits = (1 - magnitude).clamp(0, 15) as usize;
    format!("{value:.digits$}").parse().unwrap_or(value)
}

#[cfg(test)]
mod tests {
    use super::coarsen;

    #[test]
    fn coarsening_rounds_outward_to_two_digits() {
        assert_eq!(coarsen(1234.5, false), 1200.0);
        assert_eq!(coarsen(1234.5, true), 1300.0);
        assert_eq!(coarsen(0.99, false), 0.99);
        assert_eq!(coarsen(-17.3, false), -18.0);
        assert_eq!(coarsen(-17.3, true), -17.0);
        assert_eq!(coarsen(3.0, true), 3.0);
        assert_eq!(coarsen(0.0, true), 0.0);
        assert_eq!(coarsen(123_456_789.0, true), 130_000_000.0);
    }
}
