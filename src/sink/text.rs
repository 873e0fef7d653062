//! Cells as text: the forms PostgreSQL's COPY, SQLite and CSV expect.

use crate::value::{format_date, format_decimal, format_time, format_timestamp};
use arrow::array::{
    Array, AsArray, BinaryArray, BooleanArray, Date32Array, Decimal128Array, Float32Array,
    Float64Array, Int16Array, Int32Array, Int64Array, StringArray, Time64MicrosecondArray,
    TimestampMicrosecondArray,
};
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use std::fmt::Write;

/// PostgreSQL's `infinity` and `-infinity` for dates and timestamps, which
/// the mess engine writes as the type's largest and smallest value (for a
/// PostgreSQL target only; other engines have no such value).
fn infinity(value: i64, max: i64, min: i64, style: Style) -> Option<&'static str> {
    match style {
        Style::Postgres if value == max => Some("infinity"),
        Style::Postgres if value == min => Some("-infinity"),
        _ => None,
    }
}

/// A float as every engine reads it: `NaN`, `Infinity` and `-Infinity`
/// spelled out, very large and very small magnitudes in exponent form
/// (Rust's plain form of `1e300` has 301 digits).
fn float<F>(f: F, out: &mut String)
where
    F: Copy + Into<f64> + std::fmt::Display + std::fmt::LowerExp,
{
    let x: f64 = f.into();
    if x.is_nan() {
        out.push_str("NaN");
    } else if x.is_infinite() {
        out.push_str(if x > 0.0 { "Infinity" } else { "-Infinity" });
    } else if x != 0.0 && (x.abs() >= 1e16 || x.abs() < 1e-6) {
        let _ = write!(out, "{f:e}");
    } else {
        let _ = write!(out, "{f}");
    }
}

/// Which text conventions to follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// PostgreSQL input syntax (`t`/`f`, `\x` bytea, `{…}` arrays, `+00` zones).
    Postgres,
    /// CSV for any reader (`true`/`false`, ISO 8601 with `T`, JSON arrays).
    Csv,
    /// SQLite text (space-separated timestamps, JSON arrays).
    Sqlite,
    /// MySQL literals' contents (`1`/`0`, timestamps without a zone, JSON arrays).
    Mysql,
}

/// Writes the cell at `row` into `out`; returns false (writing nothing) for NULL.
pub fn cell(array: &dyn Array, row: usize, style: Style, out: &mut String) -> bool {
    if array.is_null(row) {
        return false;
    }
    match array.data_type() {
        DataType::Boolean => {
            let b = array
                .as_any()
                .downcast_ref::<BooleanArray>()
                .expect("type checked")
                .value(row);
            out.push_str(match (style, b) {
                (Style::Postgres, true) => "t",
                (Style::Postgres, false) => "f",
                (Style::Csv, true) => "true",
                (Style::Csv, false) => "false",
                (Style::Sqlite | Style::Mysql, true) => "1",
                (Style::Sqlite | Style::Mysql, false) => "0",
            });
        }
        DataType::Int16 => push_int(out, i64::from(downcast::<Int16Array>(array).value(row))),
        DataType::Int32 => push_int(out, i64::from(downcast::<Int32Array>(array).value(row))),
        DataType::Int64 => push_int(out, downcast::<Int64Array>(array).value(row)),
        DataType::Float32 => float(downcast::<Float32Array>(array).value(row), out),
        DataType::Float64 => float(downcast::<Float64Array>(array).value(row), out),
        DataType::Decimal128(_, scale) => {
            format_decimal(
                downcast::<Decimal128Array>(array).value(row),
                u32::try_from(*scale).unwrap_or(0),
                out,
            );
        }
        DataType::Utf8 => out.push_str(downcast::<StringArray>(array).value(row)),
        DataType::Binary => {
            out.push_str("\\x");
            for b in downcast::<BinaryArray>(array).value(row) {
                let _ = write!(out, "{b:02x}");
            }
        }
        DataType::Date32 => {
            let days = downcast::<Date32Array>(array).value(row);
            match infinity(
                i64::from(days),
                i64::from(i32::MAX),
                i64::from(i32::MIN),
                style,
            ) {
                Some(word) => out.push_str(word),
                None => format_date(days, out),
            }
        }
        DataType::Time64(_) => {
            format_time(downcast::<Time64MicrosecondArray>(array).value(row), out)
        }
        DataType::Timestamp(_, tz) => {
            let micros = downcast::<TimestampMicrosecondArray>(array).value(row);
            if let Some(word) = infinity(micros, i64::MAX, i64::MIN, style) {
                out.push_str(word);
                return true;
            }
            let sep = if style == Style::Csv { 'T' } else { ' ' };
            format_timestamp(micros, sep, out);
            if tz.is_some() {
                out.push_str(match style {
                    Style::Csv => "Z",
                    Style::Postgres => "+00",
                    // SQLite's date functions read `+00:00`, not `+00`.
                    Style::Sqlite => "+00:00",
                    // MySQL's DATETIME has no zone: the session is set to UTC.
                    Style::Mysql => "",
                });
            }
        }
        DataType::List(_) => {
            let list = array.as_list::<i32>();
            let items = list.value(row);
            let (open, close) = if style == Style::Postgres {
                ('{', '}')
            } else {
                ('[', ']')
            };
            out.push(open);
            let mut item = String::new();
            for i in 0..items.len() {
                if i > 0 {
                    out.push(',');
                }
                item.clear();
                if !cell(items.as_ref(), i, style, &mut item) {
                    out.push_str(if style == Style::Postgres {
                        "NULL"
                    } else {
                        "null"
                    });
                    continue;
                }
                let numeric = items.data_type().is_numeric();
                if numeric {
                    out.push_str(&item);
                } else {
                    // Both array syntaxes quote with `"` and escape `"` and `\`.
                    out.push('"');
                    for ch in item.chars() {
                        if ch == '"' || ch == '\\' {
                            out.push('\\');
                        }
                        out.push(ch);
                    }
                    out.push('"');
                }
            }
            out.push(close);
        }
        other => {
            let _ = write!(out, "<unsupported {other}>");
        }
    }
    true
}

fn downcast<T: 'static>(array: &dyn Array) -> &T {
    array
        .as_any()
        .downcast_ref::<T>()
        .expect("the array's data type was matched")
}

fn push_int(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    crate::value::push_digits(out, v.unsigned_abs(), 1);
}

/// Appends `text` escaped for COPY's text format.
pub fn copy_escape(text: &str, out: &mut Vec<u8>) {
    for &b in text.as_bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

/// Appends `text` as one CSV field (RFC 4180), quoting when needed; an empty
/// string is written `""` so it differs from NULL, which is written as nothing.
pub fn csv_field(text: &str, out: &mut Vec<u8>) {
    let quote = text.is_empty()
        || text.contains([',', '"', '\n', '\r'])
        || text.starts_with(' ')
        || text.ends_with(' ');
    if !quote {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    out.push(b'"');
    for &b in text.as_bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// A batch's rows as delimited text lines: each cell in `style`, written by
/// `field` (which escapes it), cells joined by `separator`, NULL as `null`.
pub fn delimited(
    batch: &RecordBatch,
    style: Style,
    separator: u8,
    null: &[u8],
    field: fn(&str, &mut Vec<u8>),
    out: &mut Vec<u8>,
) {
    let mut text = String::new();
    for row in 0..batch.num_rows() {
        for (i, column) in batch.columns().iter().enumerate() {
            if i > 0 {
                out.push(separator);
            }
            text.clear();
            if cell(column.as_ref(), row, style, &mut text) {
                field(&text, out);
            } else {
                out.extend_from_slice(null);
            }
        }
        out.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infinity_is_written_for_postgresql_only() {
        assert_eq!(
            infinity(i64::MAX, i64::MAX, i64::MIN, Style::Postgres),
            Some("infinity")
        );
        assert_eq!(
            infinity(i64::MIN, i64::MAX, i64::MIN, Style::Postgres),
            Some("-infinity")
        );
        assert_eq!(infinity(0, i64::MAX, i64::MIN, Style::Postgres), None);
        assert_eq!(infinity(i64::MAX, i64::MAX, i64::MIN, Style::Csv), None);
        let mut out = String::new();
        float(f64::NEG_INFINITY, &mut out);
        float(1e300, &mut out);
        float(-0.0f32, &mut out);
        assert_eq!(out, "-Infinity1e300-0");
    }

    #[test]
    fn escapes() {
        let mut out = Vec::new();
        copy_escape("a\tb\\c\nd", &mut out);
        assert_eq!(out, b"a\\tb\\\\c\\nd");
        let mut out = Vec::new();
        csv_field("say \"hi\", ok", &mut out);
        assert_eq!(out, b"\"say \"\"hi\"\", ok\"");
        let mut out = Vec::new();
        csv_field("", &mut out);
        assert_eq!(out, b"\"\"");
    }
}
