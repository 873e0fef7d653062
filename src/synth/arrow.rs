//! Logical types as Arrow types, and columns of values as Arrow arrays.
//!
//! This is the one place that knows how patina's values sit in Arrow:
//! dates as Date32, times as Time64(µs), timestamps as Timestamp(µs) (with
//! zone "UTC" for `timestamptz`), decimals as Decimal128, arrays as List.

use crate::plan::Plan;
use crate::schema::LogicalType;
use crate::value::Value;
use arrow::array::{
    ArrayRef, BinaryBuilder, BooleanBuilder, Date32Builder, Decimal128Builder, Float32Builder,
    Float64Builder, Int16Builder, Int32Builder, Int64Builder, ListBuilder, StringBuilder,
    Time64MicrosecondBuilder, TimestampMicrosecondBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
use std::borrow::Borrow;
use std::sync::Arc;

/// Precision used for unconstrained decimals (`numeric` without arguments).
pub const DEFAULT_DECIMAL_PRECISION: u8 = 38;
/// Scale used for unconstrained decimals.
pub const DEFAULT_DECIMAL_SCALE: i8 = 2;

/// The Arrow type of a logical type.
pub fn data_type(logical: &LogicalType) -> DataType {
    match logical {
        LogicalType::Boolean => DataType::Boolean,
        LogicalType::Int16 => DataType::Int16,
        LogicalType::Int32 => DataType::Int32,
        LogicalType::Int64 => DataType::Int64,
        LogicalType::Float32 => DataType::Float32,
        LogicalType::Float64 => DataType::Float64,
        LogicalType::Decimal { precision, scale } => {
            let precision = precision.map_or(DEFAULT_DECIMAL_PRECISION, |p| p.clamp(1, 38) as u8);
            let scale = scale.map_or(DEFAULT_DECIMAL_SCALE, |s| s.min(u32::from(precision)) as i8);
            DataType::Decimal128(precision, scale)
        }
        LogicalType::Binary { .. } => DataType::Binary,
        LogicalType::Date => DataType::Date32,
        LogicalType::Time => DataType::Time64(TimeUnit::Microsecond),
        LogicalType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
        LogicalType::TimestampTz => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        LogicalType::Array { element } => {
            DataType::List(Arc::new(Field::new("item", data_type(element), true)))
        }
        LogicalType::Text { .. }
        | LogicalType::Char { .. }
        | LogicalType::Interval
        | LogicalType::Uuid
        | LogicalType::Json
        | LogicalType::Inet
        | LogicalType::Enum { .. }
        | LogicalType::Opaque { .. } => DataType::Utf8,
    }
}

/// The Arrow schema of the given columns of table `t`.
pub fn schema(plan: &Plan, t: usize, columns: &[usize]) -> Arc<Schema> {
    let table = &plan.schema.tables[t];
    let fields: Vec<Field> = columns
        .iter()
        .map(|&c| {
            let column = &table.columns[c];
            Field::new(&column.name, data_type(&column.logical_type), true)
        })
        .collect();
    Arc::new(Schema::new(fields))
}

/// A batch from columns of values (one `Vec` per column in `columns`).
pub fn batch(plan: &Plan, t: usize, columns: &[usize], values: Vec<Vec<Value>>) -> RecordBatch {
    let schema = schema(plan, t, columns);
    let rows = values.first().map_or(0, Vec::len);
    let arrays: Vec<ArrayRef> = schema
        .fields()
        .iter()
        .zip(values)
        .map(|(f, v)| array(f.data_type(), &v))
        .collect();
    batch_of(schema, rows, arrays)
}

/// A batch of `rows` rows from its schema and arrays.
pub fn batch_of(schema: Arc<Schema>, rows: usize, arrays: Vec<ArrayRef>) -> RecordBatch {
    RecordBatch::try_new_with_options(
        schema,
        arrays,
        &arrow::record_batch::RecordBatchOptions::new().with_row_count(Some(rows)),
    )
    .expect("arrays are built from the schema they are checked against")
}

/// An array of the type from values (a value of the wrong kind becomes NULL).
pub fn array(data_type: &DataType, values: &[Value]) -> ArrayRef {
    // Lists straight from the slice: the builder would clone every value.
    if let DataType::List(field) = data_type {
        return list(field.data_type(), values);
    }
    // Text sized once: growing the buffer by doubling copied it ~twice.
    let bytes = match data_type {
        DataType::Utf8 => values
            .iter()
            .map(|v| match v {
                Value::Text(s) => s.len(),
                _ => 0,
            })
            .sum(),
        _ => 0,
    };
    let mut builder = ColumnBuilder::new(data_type, values.len(), bytes);
    builder.extend(values.len(), |k| &values[k]);
    builder.finish()
}

/// Builds one column's array from a run of values, so a chunk's column can go
/// straight from the generator into Arrow without a `Vec<Value>` between
/// them; [`array`] is the same conversion from a slice. A value of the wrong
/// kind becomes NULL.
pub struct ColumnBuilder {
    data_type: DataType,
    kind: Kind,
}

enum Kind {
    Boolean(BooleanBuilder),
    Int16(Int16Builder),
    Int32(Int32Builder),
    Int64(Int64Builder),
    Float32(Float32Builder),
    Float64(Float64Builder),
    /// The scale, for integers.
    Decimal(Decimal128Builder, i8),
    Binary(BinaryBuilder),
    Date(Date32Builder),
    Time(Time64MicrosecondBuilder),
    Timestamp(TimestampMicrosecondBuilder),
    Text(StringBuilder),
    /// Lists are rare: kept as values and converted at the end.
    List(Vec<Value>),
}

impl ColumnBuilder {
    /// A builder for `rows` values of the type; `bytes`: the text bytes
    /// expected (a hint; 0 when unknown or not text).
    pub fn new(data_type: &DataType, rows: usize, bytes: usize) -> Self {
        let kind = match data_type {
            DataType::Boolean => Kind::Boolean(BooleanBuilder::with_capacity(rows)),
            DataType::Int16 => Kind::Int16(Int16Builder::with_capacity(rows)),
            DataType::Int32 => Kind::Int32(Int32Builder::with_capacity(rows)),
            DataType::Int64 => Kind::Int64(Int64Builder::with_capacity(rows)),
            DataType::Float32 => Kind::Float32(Float32Builder::with_capacity(rows)),
            DataType::Float64 => Kind::Float64(Float64Builder::with_capacity(rows)),
            DataType::Decimal128(_, s) => Kind::Decimal(Decimal128Builder::with_capacity(rows), *s),
            DataType::Binary => Kind::Binary(BinaryBuilder::with_capacity(rows, 0)),
            DataType::Date32 => Kind::Date(Date32Builder::with_capacity(rows)),
            DataType::Time64(_) => Kind::Time(Time64MicrosecondBuilder::with_capacity(rows)),
            DataType::Timestamp(_, _) => {
                Kind::Timestamp(TimestampMicrosecondBuilder::with_capacity(rows))
            }
            DataType::List(_) => Kind::List(Vec::with_capacity(rows)),
            _ => Kind::Text(StringBuilder::with_capacity(rows, bytes)),
        };
        Self {
            data_type: data_type.clone(),
            kind,
        }
    }

    /// Appends `rows` values, the `k`th made by `value(k)` (a value or a
    /// reference to one). The builder's kind is matched once for the run,
    /// not once a value, and each value converted by its kind's own rule.
    pub fn extend<V: Borrow<Value>>(&mut self, rows: usize, mut value: impl FnMut(usize) -> V) {
        // One loop per kind, appending each value as `$append` says.
        macro_rules! each {
            (|$v:ident| $append:expr) => {
                for k in 0..rows {
                    let held = value(k);
                    let $v: &Value = held.borrow();
                    $append;
                    release(held);
                }
            };
        }
        match &mut self.kind {
            Kind::Boolean(b) => each!(|v| b.append_option(match v {
                Value::Bool(x) => Some(*x),
                _ => None,
            })),
            Kind::Int16(b) => each!(|v| b.append_option(int(v).map(|i| i as i16))),
            Kind::Int32(b) => each!(|v| b.append_option(int(v).map(|i| i as i32))),
            Kind::Int64(b) => each!(|v| b.append_option(int(v))),
            Kind::Float32(b) => each!(|v| b.append_option(float(v).map(|f| f as f32))),
            Kind::Float64(b) => each!(|v| b.append_option(float(v))),
            Kind::Decimal(b, s) => {
                let unit = 10i128.pow(*s as u32);
                each!(|v| b.append_option(match v {
                    Value::Decimal(d) => Some(*d),
                    Value::Int(i) => Some(i128::from(*i) * unit),
                    _ => None,
                }))
            }
            Kind::Binary(b) => each!(|v| match v {
                Value::Bytes(x) => b.append_value(x),
                _ => b.append_null(),
            }),
            Kind::Date(b) => each!(|v| b.append_option(match v {
                Value::Date(d) => Some(*d),
                _ => None,
            })),
            Kind::Time(b) => each!(|v| b.append_option(match v {
                Value::Time(t) => Some(*t),
                _ => None,
            })),
            Kind::Timestamp(b) => each!(|v| b.append_option(match v {
                Value::Timestamp(t) => Some(*t),
                _ => None,
            })),
            Kind::Text(b) => each!(|v| match v {
                Value::Text(s) => b.append_value(s),
                _ => b.append_null(),
            }),
            Kind::List(values) => each!(|v| values.push(v.clone())),
        }
    }

    /// The array of the values pushed.
    pub fn finish(self) -> ArrayRef {
        match self.kind {
            Kind::Boolean(mut b) => Arc::new(b.finish()),
            Kind::Int16(mut b) => Arc::new(b.finish()),
            Kind::Int32(mut b) => Arc::new(b.finish()),
            Kind::Int64(mut b) => Arc::new(b.finish()),
            Kind::Float32(mut b) => Arc::new(b.finish()),
            Kind::Float64(mut b) => Arc::new(b.finish()),
            Kind::Decimal(mut b, _) => {
                let DataType::Decimal128(p, s) = self.data_type else {
                    unreachable!("a decimal builder is made for a decimal type")
                };
                Arc::new(
                    b.finish()
                        .with_precision_and_scale(p, s)
                        .expect("precision and scale come from data_type()"),
                )
            }
            Kind::Binary(mut b) => Arc::new(b.finish()),
            Kind::Date(mut b) => Arc::new(b.finish()),
            Kind::Time(mut b) => Arc::new(b.finish()),
            Kind::Timestamp(mut b) => {
                let DataType::Timestamp(_, tz) = &self.data_type else {
                    unreachable!("a timestamp builder is made for a timestamp type")
                };
                Arc::new(b.finish().with_timezone_opt(tz.clone()))
            }
            Kind::Text(mut b) => Arc::new(b.finish()),
            Kind::List(values) => {
                let DataType::List(field) = &self.data_type else {
                    unreachable!("a list builder is made for a list type")
                };
                list(field.data_type(), &values)
            }
        }
    }
}

fn list(element: &DataType, values: &[Value]) -> ArrayRef {
    if *element == DataType::Utf8 {
        let mut builder = ListBuilder::new(StringBuilder::new());
        for v in values {
            match v {
                Value::List(items) => {
                    for item in items {
                        match item {
                            Value::Text(s) => builder.values().append_value(s),
                            _ => builder.values().append_null(),
                        }
                    }
                    builder.append(true);
                }
                _ => builder.append(false),
            }
        }
        return Arc::new(builder.finish());
    }
    // Other element types: build the flat values, then wrap them with offsets.
    let mut flat = Vec::new();
    let mut offsets = vec![0i32];
    let mut valid = Vec::with_capacity(values.len());
    for v in values {
        if let Value::List(items) = v {
            flat.extend(items.iter().cloned());
            valid.push(true);
        } else {
            valid.push(false);
        }
        offsets.push(flat.len() as i32);
    }
    let inner = array(element, &flat);
    let field = Arc::new(Field::new("item", element.clone(), true));
    Arc::new(arrow::array::ListArray::new(
        field,
        arrow::buffer::OffsetBuffer::new(offsets.into()),
        inner,
        Some(arrow::buffer::NullBuffer::from(valid)),
    ))
}

/// Drops a value that holds an allocation and forgets one that holds none
/// (nothing is leaked): `Value`'s drop glue is an out-of-line call, which
/// cost as much as appending the value itself.
#[inline(always)]
fn release<V: Borrow<Value>>(held: V) {
    let owns = match held.borrow() {
        Value::Text(s) => s.is_heap_allocated(),
        Value::Bytes(_) | Value::List(_) => true,
        _ => false,
    };
    if owns {
        drop(held);
    } else {
        std::mem::forget(held);
    }
}

fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        _ => None,
    }
}

fn float(v: &Value) -> Option<f64> {
    match v {
        Value::Float(f) => Some(*f),
        Value::Int(i) => Some(*i as f64),
        _ => None,
    }
}
