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
    Float32Array, Float64Array, Int16Array, Int32Array, Int64Array, StringArray,
    Time64MicrosecondArray, TimestampMicrosecondArray,
};
use arrow::buffer::NullBuffer;
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
    /// Where [`Encoder::encode`]'s buffers come from.
    pub buffers: std::sync::Arc<super::Buffers>,
}

impl BinaryEncoder {
    /// The batch's rows, header and trailer included, appended to `out`.
    pub fn encode_into(&self, batch: &RecordBatch, out: &mut Vec<u8>) -> Result<(), SinkError> {
        // Each column's array and form resolved once, not per value.
        let columns: Vec<Column> = batch
            .columns()
            .iter()
            .zip(&self.fields)
            .map(|(array, (_, field))| Column::new(array, *field))
            .collect();
        let rows = batch.num_rows();
        let row_bytes: usize = 2 + columns.iter().map(|c| c.bytes_hint(rows)).sum::<usize>();
        out.reserve(HEADER.len() + 2 + rows * row_bytes);
        out.extend_from_slice(HEADER);
        let count = (batch.num_columns() as i16).to_be_bytes();
        for row in 0..rows {
            out.extend_from_slice(&count);
            for (column, (name, _)) in columns.iter().zip(&self.fields) {
                column.put(row, out).map_err(|message| SinkError::Value {
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
        let mut bytes = self.buffers.take();
        self.encode_into(&batch, &mut bytes)?;
        Ok(Chunk::Encoded {
            rows: batch.num_rows(),
            bytes,
        })
    }
}

/// One column of a batch: its NULLs, and its values as their concrete
/// array in the form they are sent in.
struct Column<'a> {
    nulls: Option<&'a NullBuffer>,
    values: Values<'a>,
}

/// A column's concrete array, by the form its values are sent in.
enum Values<'a> {
    Text(&'a StringArray),
    Jsonb(&'a StringArray),
    Uuid(&'a StringArray),
    Bytes(&'a BinaryArray),
    Bool(&'a BooleanArray),
    Int16(&'a Int16Array),
    Int32(&'a Int32Array),
    Int64(&'a Int64Array),
    Float32(&'a Float32Array),
    Float64(&'a Float64Array),
    Date(&'a Date32Array),
    Time(&'a Time64MicrosecondArray),
    Timestamp(&'a TimestampMicrosecondArray),
    Decimal(&'a Decimal128Array, u32),
}

impl<'a> Column<'a> {
    fn new(column: &'a ArrayRef, field: Field) -> Self {
        let any = column.as_any();
        let values = match (field, column.data_type()) {
            (Field::Raw, DataType::Utf8) => Values::Text(column.as_string::<i32>()),
            (Field::Jsonb, DataType::Utf8) => Values::Jsonb(column.as_string::<i32>()),
            (Field::Uuid, DataType::Utf8) => Values::Uuid(column.as_string::<i32>()),
            (Field::Raw, DataType::Binary) => Values::Bytes(downcast(any)),
            (_, DataType::Boolean) => Values::Bool(downcast(any)),
            (_, DataType::Int16) => Values::Int16(downcast(any)),
            (_, DataType::Int32) => Values::Int32(downcast(any)),
            (_, DataType::Int64) => Values::Int64(downcast(any)),
            (_, DataType::Float32) => Values::Float32(downcast(any)),
            (_, DataType::Float64) => Values::Float64(downcast(any)),
            (_, DataType::Date32) => Values::Date(downcast(any)),
            (_, DataType::Time64(_)) => Values::Time(downcast(any)),
            (_, DataType::Timestamp(..)) => Values::Timestamp(downcast(any)),
            (_, DataType::Decimal128(_, scale)) => {
                Values::Decimal(downcast(any), (*scale).max(0) as u32)
            }
            (field, data_type) => {
                unreachable!(
                    "binary COPY is chosen only for planned types, not {field:?} {data_type}"
                )
            }
        };
        Column {
            // A column without NULLs may still carry a buffer of them.
            nulls: column.nulls().filter(|n| n.null_count() > 0),
            values,
        }
    }

    /// About how many bytes `rows` of its fields take (lengths included).
    fn bytes_hint(&self, rows: usize) -> usize {
        let text = |a: &StringArray| a.value_data().len() / rows.max(1);
        4 + match &self.values {
            Values::Text(a) => text(a),
            Values::Jsonb(a) => 1 + text(a),
            Values::Bytes(a) => a.value_data().len() / rows.max(1),
            Values::Uuid(_) => 16,
            Values::Bool(_) => 1,
            Values::Int16(_) => 2,
            Values::Int32(_) | Values::Float32(_) | Values::Date(_) => 4,
            Values::Int64(_) | Values::Float64(_) | Values::Time(_) | Values::Timestamp(_) => 8,
            Values::Decimal(..) => 16,
        }
    }

    /// Row `row`'s field: its length and its bytes; a message for a value
    /// its form cannot hold.
    fn put(&self, row: usize, out: &mut Vec<u8>) -> Result<(), String> {
        fn put(out: &mut Vec<u8>, bytes: &[u8]) {
            out.extend_from_slice(&(bytes.len() as i32).to_be_bytes());
            out.extend_from_slice(bytes);
        }
        // A fixed-width field and its length in one append: one capacity
        // check and one store instead of two (the encoder runs per value).
        macro_rules! fixed {
            ($bytes:expr, $n:literal) => {{
                let value: [u8; $n] = $bytes;
                let mut field = [0u8; 4 + $n];
                field[..4].copy_from_slice(&($n as i32).to_be_bytes());
                field[4..].copy_from_slice(&value);
                out.extend_from_slice(&field);
            }};
        }
        if self.nulls.is_some_and(|n| n.is_null(row)) {
            out.extend_from_slice(&(-1i32).to_be_bytes());
            return Ok(());
        }
        match &self.values {
            Values::Text(a) => put(out, a.value(row).as_bytes()),
            Values::Jsonb(a) => {
                let text = a.value(row);
                out.extend_from_slice(&(text.len() as i32 + 1).to_be_bytes());
                out.push(1);
                out.extend_from_slice(text.as_bytes());
            }
            Values::Uuid(a) => {
                let text = a.value(row);
                let bytes = uuid(text).ok_or_else(|| format!("`{text}` is not a UUID"))?;
                put(out, &bytes);
            }
            Values::Bytes(a) => put(out, a.value(row)),
            Values::Bool(a) => fixed!([u8::from(a.value(row))], 1),
            Values::Int16(a) => fixed!(a.value(row).to_be_bytes(), 2),
            Values::Int32(a) => fixed!(a.value(row).to_be_bytes(), 4),
            Values::Int64(a) => fixed!(a.value(row).to_be_bytes(), 8),
            Values::Float32(a) => fixed!(a.value(row).to_be_bytes(), 4),
            Values::Float64(a) => fixed!(a.value(row).to_be_bytes(), 8),
            // The extremes are `-infinity` and `infinity` (as in COPY text),
            // which PostgreSQL's binary forms hold as the same extremes.
            Values::Date(a) => {
                let days = match a.value(row) {
                    d @ (i32::MIN | i32::MAX) => d,
                    d => d - EPOCH_DAYS,
                };
                fixed!(days.to_be_bytes(), 4);
            }
            Values::Time(a) => fixed!(a.value(row).to_be_bytes(), 8),
            Values::Timestamp(a) => {
                let micros = match a.value(row) {
                    m @ (i64::MIN | i64::MAX) => m,
                    m => m - EPOCH_MICROS,
                };
                fixed!(micros.to_be_bytes(), 8);
            }
            Values::Decimal(a, scale) => numeric(a.value(row), *scale, out),
        }
        Ok(())
    }
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
/// No allocation, and 64-bit arithmetic when the value fits (a 128-bit
/// division is a library call): it runs for every decimal sent.
pub fn numeric(value: i128, scale: u32, out: &mut Vec<u8>) {
    let negative = value < 0;
    let abs = value.unsigned_abs();
    // Base-10000 digits, least significant first: at most 10 for the
    // fraction (scale ≤ 38) and 10 for the whole part (below 10^39).
    let mut low_first = [0i16; 24];
    let groups = scale.div_ceil(4);
    let mut n = match u64::try_from(abs) {
        // A literal scale in an arm makes its powers of ten constants, and
        // the divisions by them multiplications (a division by a variable
        // was an eighth of this encoder's time on lineitem's four decimals).
        Ok(abs) => match scale {
            0 => base10000(abs, 0, &mut low_first),
            1 => base10000(abs, 1, &mut low_first),
            2 => base10000(abs, 2, &mut low_first),
            3 => base10000(abs, 3, &mut low_first),
            4 => base10000(abs, 4, &mut low_first),
            6 => base10000(abs, 6, &mut low_first),
            scale if scale < 20 => base10000(abs, scale, &mut low_first),
            _ => base10000(u128::from(abs), scale, &mut low_first),
        },
        _ => base10000(abs, scale, &mut low_first),
    };
    // The weight of the most significant digit kept, counted from the point.
    let mut weight = n as i32 - groups as i32 - 1;
    while n > 0 && low_first[n - 1] == 0 {
        n -= 1;
        weight -= 1;
    }
    let trailing = low_first[..n].iter().take_while(|d| **d == 0).count();
    let digits = &low_first[trailing..n];
    if digits.is_empty() {
        weight = 0;
    }
    let len = 8 + 2 * digits.len();
    let sign: u16 = if negative && !digits.is_empty() {
        0x4000
    } else {
        0
    };
    // The field made on the stack and appended at once.
    let mut field = [0u8; 4 + 8 + 2 * 24];
    field[..4].copy_from_slice(&(len as i32).to_be_bytes());
    field[4..6].copy_from_slice(&(digits.len() as i16).to_be_bytes());
    field[6..8].copy_from_slice(&(weight as i16).to_be_bytes());
    field[8..10].copy_from_slice(&sign.to_be_bytes());
    field[10..12].copy_from_slice(&(scale as i16).to_be_bytes());
    for (k, d) in digits.iter().rev().enumerate() {
        field[12 + 2 * k..14 + 2 * k].copy_from_slice(&d.to_be_bytes());
    }
    out.extend_from_slice(&field[..4 + len]);
}

/// The base-10000 digits of `abs` × 10^-`scale` into `low_first`, least
/// significant first, the fraction's padded on the right to whole digits;
/// how many.
#[inline(always)]
fn base10000<T>(abs: T, scale: u32, low_first: &mut [i16; 24]) -> usize
where
    T: Copy
        + PartialOrd
        + From<u16>
        + TryInto<u16>
        + std::ops::Mul<Output = T>
        + std::ops::Div<Output = T>
        + std::ops::Rem<Output = T>,
{
    let ten = |n: u32| (0..n).fold(T::from(1), |x, _| x * T::from(10));
    let digit = |d: T| d.try_into().map_or(0, |d: u16| d as i16);
    let groups = scale.div_ceil(4);
    // Taken from the right so nothing is multiplied past the type's bits.
    let pad = groups * 4 - scale;
    let (mut whole, mut fraction) = (abs / ten(scale), abs % ten(scale));
    let mut n = 0;
    for g in 0..groups {
        let (d, rest) = if g == 0 && pad > 0 {
            (
                (fraction % ten(4 - pad)) * ten(pad),
                fraction / ten(4 - pad),
            )
        } else {
            (fraction % T::from(10_000), fraction / T::from(10_000))
        };
        low_first[n] = digit(d);
        fraction = rest;
        n += 1;
    }
    while whole > T::from(0) {
        low_first[n] = digit(whole % T::from(10_000));
        whole = whole / T::from(10_000);
        n += 1;
    }
    n
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
        // 2^70 / 100, past 64 bits: 11805916207174113034.24
        assert_eq!(
            parts(1 << 70, 2),
            (6, 4, 0, 2, vec![1180, 5916, 2071, 7411, 3034, 2400])
        );
    }

    /// Every scale, the ones with an arm of their own included, gives digits
    /// whose value is the decimal's: Σ digit × 10000^(weight − i) = value × 10^-scale.
    #[test]
    fn numeric_digits_hold_the_value_at_every_scale() {
        assert_eq!(parts(15, 1), (2, 0, 0, 1, vec![1, 5000])); // 1.5
        assert_eq!(parts(123_456, 4), (2, 0, 0, 4, vec![12, 3456])); // 12.3456
        assert_eq!(parts(-1_500_000, 6), (2, 0, 0x4000, 6, vec![1, 5000])); // -1.500000
        let mut x = 7u64;
        for k in 0..3000u64 {
            x = crate::synth::rng::mix64(x ^ k);
            let value = i128::from(match k % 3 {
                0 => x >> 1,
                1 => x % 100_000,
                _ => (x >> (k % 63)) / 3,
            }) * if k % 2 == 0 { 1 } else { -1 };
            for scale in 0..24 {
                let (n, weight, sign, dscale, digits) = parts(value, scale);
                assert_eq!((n as usize, dscale as u32), (digits.len(), scale));
                assert_eq!(sign == 0x4000, value < 0 && !digits.is_empty());
                let mut sum = 0i128;
                for (i, d) in digits.iter().enumerate() {
                    let exponent = 4 * (i32::from(weight) - i as i32) + scale as i32;
                    let term = if exponent >= 0 {
                        i128::from(*d) * 10i128.pow(exponent as u32)
                    } else {
                        let unit = 10i128.pow(exponent.unsigned_abs());
                        assert_eq!(i128::from(*d) % unit, 0, "{value} at scale {scale}");
                        i128::from(*d) / unit
                    };
                    sum += term;
                }
                assert_eq!(sum, value.abs(), "{value} at scale {scale}");
            }
        }
    }

    /// The 64-bit digits, taken where a value fits, are the 128-bit ones.
    #[test]
    fn numeric_digits_agree_in_64_and_128_bits() {
        let mut x = 1u64;
        for k in 0..2000u64 {
            x = crate::synth::rng::mix64(x ^ k);
            let value = match k % 4 {
                0 => x,
                1 => x % 10_000,
                2 => x >> (k % 64),
                _ => 10u64.pow((k % 20) as u32),
            };
            for scale in 0..20 {
                let (mut narrow, mut wide) = ([0i16; 24], [0i16; 24]);
                let n = base10000(value, scale, &mut narrow);
                assert_eq!(n, base10000(u128::from(value), scale, &mut wide));
                assert_eq!(narrow, wide, "{value} at scale {scale}");
            }
        }
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
            buffers: Default::default(),
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
