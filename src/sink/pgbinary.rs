//! PostgreSQL's binary `COPY` format, for tables whose every written column
//! has a type this module can send: the server then reads each value as it
//! is stored instead of parsing its text (numbers, dates and timestamps above
//! all), and patina formats nothing.
//!
//! The format (PostgreSQL documentation, "COPY", "Binary Format"): a header,
//! then per row a 16-bit field count and per field a 32-bit length (-1 for
//! NULL) and the value in the type's `send` form, then a trailer of -1.
//! Each chunk is one `COPY` statement, so each chunk carries both.

use super::{Chunk, Encoder};
use crate::error::SinkError;
use crate::schema::LogicalType;
use arrow::array::{
    Array, ArrayRef, AsArray, BinaryArray, BooleanArray, Date32Array, Decimal128Array,
    Float32Array, Float64Array, Int16Array, Int32Array, Int64Array, Time64MicrosecondArray,
    TimestampMicrosecondArray,
};
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;

/// The binary COPY signature, flags and header extension length.
const HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";
/// Days from 1970-01-01 (Arrow's epoch) to 2000-01-01 (PostgreSQL's).
const EPOCH_DAYS: i32 = 10_957;
/// The same in microseconds.
const EPOCH_MICROS: i64 = EPOCH_DAYS as i64 * 86_400_000_000;

/// How one column's values are sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The Arrow value's bytes in network order (booleans, integers, floats,
    /// dates and times shifted to PostgreSQL's epoch, decimals as `numeric`).
    Native,
    /// Text or bytes as they are (text, varchar, char, enums, json, bytea).
    Raw,
    /// `jsonb`: a version byte, then the text.
    Jsonb,
    /// `uuid`: the 16 bytes its text spells.
    Uuid,
}

/// The field form of a column of `logical` type stored in a target column
/// whose type (a domain's base type) is `type_name` of kind `type_kind`
/// (`pg_type.typtype`), when binary COPY can load it; `None` otherwise.
pub fn field(logical: &LogicalType, type_name: &str, type_kind: &str) -> Option<Field> {
    use LogicalType as L;
    let native = match logical {
        L::Boolean => "bool",
        L::Int16 => "int2",
        L::Int32 => "int4",
        L::Int64 => "int8",
        L::Float32 => "float4",
        L::Float64 => "float8",
        L::Decimal { .. } => "numeric",
        L::Date => "date",
        L::Time => "time",
        L::Timestamp => "timestamp",
        L::TimestampTz => "timestamptz",
        L::Binary { .. } => return (type_name == "bytea").then_some(Field::Raw),
        L::Text { .. } | L::Char { .. } => {
            return matches!(type_name, "text" | "varchar" | "bpchar").then_some(Field::Raw);
        }
        L::Enum { .. } => return (type_kind == "e").then_some(Field::Raw),
        L::Json => {
            return match type_name {
                "json" => Some(Field::Raw),
                "jsonb" => Some(Field::Jsonb),
                _ => None,
            };
        }
        L::Uuid => return (type_name == "uuid").then_some(Field::Uuid),
        L::Interval | L::Inet | L::Opaque { .. } | L::Array { .. } => return None,
    };
    (type_name == native).then_some(Field::Native)
}

/// Encodes batches as binary COPY data.
pub struct BinaryEncoder {
    /// The table, for errors.
    pub table: String,
    /// Per written column, in batch order: its name and form.
    pub fields: Vec<(String, Field)>,
}

impl BinaryEncoder {
    /// The batch's rows, header and trailer included, appended to `out`.
    pub fn encode_into(&self, batch: &RecordBatch, out: &mut Vec<u8>) -> Result<(), SinkError> {
        out.extend_from_slice(HEADER);
        let count = (batch.num_columns() as i16).to_be_bytes();
        let columns = batch.columns();
        for row in 0..batch.num_rows() {
            out.extend_from_slice(&count);
            for (column, (name, field)) in columns.iter().zip(&self.fields) {
                value(column, *field, row, out).map_err(|message| SinkError::Value {
                    table: self.table.clone(),
                    column: name.clone(),
                    message,
                })?;
            }
        }
        out.extend_from_slice(&(-1i16).to_be_bytes());
        Ok(())
    }
}

impl Encoder for BinaryEncoder {
    fn encode(&self, batch: RecordBatch) -> Result<Chunk, SinkError> {
        let mut bytes = Vec::new();
        self.encode_into(&batch, &mut bytes)?;
        Ok(Chunk::Encoded {
            rows: batch.num_rows(),
            bytes,
        })
    }
}

/// One field: its length and its bytes; a message for a value its form
/// cannot hold.
fn value(column: &ArrayRef, field: Field, row: usize, out: &mut Vec<u8>) -> Result<(), String> {
    if column.is_null(row) {
        out.extend_from_slice(&(-1i32).to_be_bytes());
        return Ok(());
    }
    fn put(out: &mut Vec<u8>, bytes: &[u8]) {
        out.extend_from_slice(&(bytes.len() as i32).to_be_bytes());
        out.extend_from_slice(bytes);
    }
    let any = column.as_any();
    match (field, column.data_type()) {
        (Field::Raw | Field::Jsonb, DataType::Utf8) => {
            let text = column.as_string::<i32>().value(row);
            if field == Field::Jsonb {
                out.extend_from_slice(&(text.len() as i32 + 1).to_be_bytes());
                out.push(1);
                out.extend_from_slice(text.as_bytes());
            } else {
                put(out, text.as_bytes());
            }
        }
        (Field::Uuid, DataType::Utf8) => {
            let text = column.as_string::<i32>().value(row);
            let bytes = uuid(text).ok_or_else(|| format!("`{text}` is not a UUID"))?;
            put(out, &bytes);
        }
        (Field::Raw, DataType::Binary) => put(out, downcast::<BinaryArray>(any).value(row)),
        (_, DataType::Boolean) => put(out, &[u8::from(downcast::<BooleanArray>(any).value(row))]),
        (_, DataType::Int16) => put(out, &downcast::<Int16Array>(any).value(row).to_be_bytes()),
        (_, DataType::Int32) => put(out, &downcast::<Int32Array>(any).value(row).to_be_bytes()),
        (_, DataType::Int64) => put(out, &downcast::<Int64Array>(any).value(row).to_be_bytes()),
        (_, DataType::Float32) => put(out, &downcast::<Float32Array>(any).value(row).to_be_bytes()),
        (_, DataType::Float64) => put(out, &downcast::<Float64Array>(any).value(row).to_be_bytes()),
        // The extremes are `-infinity` and `infinity` (as in COPY text), which
        // PostgreSQL's binary forms hold as the same extremes.
        (_, DataType::Date32) => {
            let days = match downcast::<Date32Array>(any).value(row) {
                d @ (i32::MIN | i32::MAX) => d,
                d => d - EPOCH_DAYS,
            };
            put(out, &days.to_be_bytes());
        }
        (_, DataType::Time64(_)) => {
            put(
                out,
                &downcast::<Time64MicrosecondArray>(any)
                    .value(row)
                    .to_be_bytes(),
            );
        }
        (_, DataType::Timestamp(..)) => {
            let micros = match downcast::<TimestampMicrosecondArray>(any).value(row) {
                m @ (i64::MIN | i64::MAX) => m,
                m => m - EPOCH_MICROS,
            };
            put(out, &micros.to_be_bytes());
        }
        (_, DataType::Decimal128(_, scale)) => {
            let v = downcast::<Decimal128Array>(any).value(row);
            numeric(v, (*scale).max(0) as u32, out);
        }
        (field, data_type) => {
            unreachable!("binary COPY is chosen only for planned types, not {field:?} {data_type}")
        }
    }
    Ok(())
}

/// The 16 bytes of a UUID's text: 32 hex digits in either case, hyphens
/// between groups of four, optionally in braces (the forms PostgreSQL reads).
fn uuid(text: &str) -> Option<[u8; 16]> {
    let inner = match text.strip_prefix('{') {
        Some(rest) => rest.strip_suffix('}')?,
        None => text,
    };
    let mut bytes = [0u8; 16];
    let mut digits = 0;
    let mut since_hyphen = 0;
    for c in inner.bytes() {
        if c == b'-' {
            // Only after a group of four digits, never first, last or doubled.
            if digits == 0 || since_hyphen % 4 != 0 || since_hyphen == 0 || digits == 32 {
                return None;
            }
            since_hyphen = 0;
            continue;
        }
        let v = (c as char).to_digit(16)? as u8;
        if digits == 32 {
            return None;
        }
        bytes[digits / 2] |= if digits % 2 == 0 { v << 4 } else { v };
        digits += 1;
        since_hyphen += 1;
    }
    (digits == 32).then_some(bytes)
}

fn downcast<T: 'static>(any: &dyn std::any::Any) -> &T {
    any.downcast_ref::<T>()
        .expect("the array's type matches its data type")
}

/// A scaled decimal (`value` × 10^-`scale`) as a `numeric` field: digit
/// count, weight of the first base-10000 digit, sign, display scale, digits.
pub fn numeric(value: i128, scale: u32, out: &mut Vec<u8>) {
    let negative = value < 0;
    let abs = value.unsigned_abs();
    let ten = |n: u32| 10u128.pow(n);
    let (mut whole, mut fraction) = (abs / ten(scale), abs % ten(scale));
    // Fraction digits padded on the right to whole base-10000 digits, taken
    // from the right so nothing is multiplied past 128 bits.
    let groups = scale.div_ceil(4);
    let pad = groups * 4 - scale;
    let mut low_first: Vec<i16> = Vec::with_capacity(12);
    for g in 0..groups {
        let digit = if g == 0 && pad > 0 {
            let d = (fraction % ten(4 - pad)) * ten(pad);
            fraction /= ten(4 - pad);
            d
        } else {
            let d = fraction % 10_000;
            fraction /= 10_000;
            d
        };
        low_first.push(digit as i16);
    }
    while whole > 0 {
        low_first.push((whole % 10_000) as i16);
        whole /= 10_000;
    }
    // The weight of the most significant digit kept, counted from the point.
    let mut weight = low_first.len() as i32 - groups as i32 - 1;
    while low_first.last() == Some(&0) {
        low_first.pop();
        weight -= 1;
    }
    let trailing = low_first.iter().take_while(|d| **d == 0).count();
    let digits = &low_first[trailing..];
    if digits.is_empty() {
        weight = 0;
    }
    let len = 8 + 2 * digits.len();
    out.extend_from_slice(&(len as i32).to_be_bytes());
    out.extend_from_slice(&(digits.len() as i16).to_be_bytes());
    out.extend_from_slice(&(weight as i16).to_be_bytes());
    let sign: u16 = if negative && !digits.is_empty() {
        0x4000
    } else {
        0
    };
    out.extend_from_slice(&sign.to_be_bytes());
    out.extend_from_slice(&(scale as i16).to_be_bytes());
    for d in digits.iter().rev() {
        out.extend_from_slice(&d.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (ndigits, weight, sign, dscale, digits) of a numeric field.
    fn parts(value: i128, scale: u32) -> (i16, i16, u16, i16, Vec<i16>) {
        let mut out = Vec::new();
        numeric(value, scale, &mut out);
        let be = |i: usize| i16::from_be_bytes([out[i], out[i + 1]]);
        let len = i32::from_be_bytes([out[0], out[1], out[2], out[3]]) as usize;
        assert_eq!(len, out.len() - 4);
        let n = be(4);
        let digits = (0..n as usize).map(|k| be(12 + 2 * k)).collect();
        (n, be(6), be(8) as u16, be(10), digits)
    }

    /// The forms PostgreSQL's own `numeric_send` gives (checked with
    /// `SELECT numeric_send(x)`), trailing zero digits dropped as it does.
    #[test]
    fn numerics_are_sent_as_postgres_sends_them() {
        assert_eq!(parts(0, 2), (0, 0, 0, 2, vec![]));
        assert_eq!(parts(-0, 0), (0, 0, 0, 0, vec![]));
        assert_eq!(parts(1234, 2), (2, 0, 0, 2, vec![12, 3400])); // 12.34
        assert_eq!(parts(5, 2), (1, -1, 0, 2, vec![500])); // 0.05
        assert_eq!(
            parts(-123_456_789, 0),
            (3, 2, 0x4000, 0, vec![1, 2345, 6789])
        );
        assert_eq!(parts(10_000_000, 3), (1, 1, 0, 3, vec![1])); // 10000.000
        assert_eq!(parts(1, 5), (1, -2, 0, 5, vec![1000])); // 0.00001
        assert_eq!(parts(100_000_000, 0), (1, 2, 0, 0, vec![1])); // 10^8
        let big = 10i128.pow(37) + 7;
        assert_eq!(parts(big, 38).4.first(), Some(&1000)); // 0.1000…0007
    }

    /// Dates and timestamps move to 2000-01-01; the extremes stay, as
    /// PostgreSQL's `-infinity` and `infinity` (the mess engine writes them).
    #[test]
    fn dates_shift_epoch_and_keep_infinities() {
        use arrow::datatypes::{Field as ArrowField, Schema, TimeUnit};
        use std::sync::Arc;
        let schema = Arc::new(Schema::new(vec![
            ArrowField::new("d", DataType::Date32, true),
            ArrowField::new("t", DataType::Timestamp(TimeUnit::Microsecond, None), true),
        ]));
        let batch = RecordBatch::try_new(
            schema,
            vec![
                Arc::new(Date32Array::from(vec![
                    Some(EPOCH_DAYS),
                    Some(i32::MAX),
                    Some(i32::MIN),
                    None,
                ])),
                Arc::new(TimestampMicrosecondArray::from(vec![
                    Some(EPOCH_MICROS + 1),
                    Some(i64::MAX),
                    Some(i64::MIN),
                    None,
                ])),
            ],
        )
        .unwrap();
        let mut out = Vec::new();
        BinaryEncoder {
            table: "t".into(),
            fields: vec![("d".into(), Field::Native), ("t".into(), Field::Native)],
        }
        .encode_into(&batch, &mut out)
        .unwrap();
        assert_eq!(&out[..HEADER.len()], HEADER);
        let mut rows = Vec::new();
        let mut at = HEADER.len();
        let take = |at: &mut usize, n: usize| {
            let bytes = out[*at..*at + n].to_vec();
            *at += n;
            bytes
        };
        for _ in 0..4 {
            assert_eq!(take(&mut at, 2), 2i16.to_be_bytes());
            let mut fields = Vec::new();
            for _ in 0..2 {
                let len = i32::from_be_bytes(take(&mut at, 4).try_into().unwrap());
                fields.push((len >= 0).then(|| take(&mut at, len as usize)));
            }
            rows.push(fields);
        }
        assert_eq!(take(&mut at, 2), (-1i16).to_be_bytes());
        assert_eq!(at, out.len());
        assert_eq!(
            rows[0],
            vec![
                Some(0i32.to_be_bytes().to_vec()),
                Some(1i64.to_be_bytes().to_vec())
            ]
        );
        assert_eq!(
            rows[1],
            vec![
                Some(i32::MAX.to_be_bytes().to_vec()),
                Some(i64::MAX.to_be_bytes().to_vec())
            ]
        );
        assert_eq!(
            rows[2],
            vec![
                Some(i32::MIN.to_be_bytes().to_vec()),
                Some(i64::MIN.to_be_bytes().to_vec())
            ]
        );
        assert_eq!(rows[3], vec![None, None]);
    }

    #[test]
    fn uuids_are_read_in_the_forms_postgres_reads() {
        let want = [
            0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38,
            0x0a, 0x11,
        ];
        for text in [
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
            "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
            "a0eebc999c0b4ef8bb6d6bb9bd380a11",
            "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11",
        ] {
            assert_eq!(uuid(text), Some(want), "{text}");
        }
        for text in [
            "",
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111",
            "-a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-",
            "a0eeb-c99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11",
            "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        ] {
            assert_eq!(uuid(text), None, "{text}");
        }
    }
}
