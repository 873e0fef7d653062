//! Logical types as Arrow types, and columns of values as Arrow arrays.
//!
//! This is the one place that knows how patina's values sit in Arrow:
//! dates as Date32, times as Time64(µs), timestamps as Timestamp(µs) (with
//! zone "UTC" for `timestamptz`), decimals as Decimal128, arrays as List.

use crate::plan::Plan;
use crate::schema::LogicalType;
use crate::value::Value;
use arrow::array::{
    ArrayRef, BinaryArray, BooleanArray, Date32Array, Decimal128Array, Float32Array, Float64Array,
    Int16Array, Int32Array, Int64Array, ListBuilder, StringBuilder, Time64MicrosecondArray,
    TimestampMicrosecondArray,
};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
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
    RecordBatch::try_new_with_options(
        schema,
        arrays,
        &arrow::record_batch::RecordBatchOptions::new().with_row_count(Some(rows)),
    )
    .expect("arrays are built from the schema they are checked against")
}

/// An array of the type from values (a value of the wrong kind becomes NULL).
pub fn array(data_type: &DataType, values: &[Value]) -> ArrayRef {
    match data_type {
        DataType::Boolean => Arc::new(
            values
                .iter()
                .map(|v| match v {
                    Value::Bool(b) => Some(*b),
                    _ => None,
                })
                .collect::<BooleanArray>(),
        ),
        DataType::Int16 => Arc::new(
            values
                .iter()
                .map(|v| int(v).map(|i| i as i16))
                .collect::<Int16Array>(),
        ),
        DataType::Int32 => Arc::new(
            values
                .iter()
                .map(|v| int(v).map(|i| i as i32))
                .collect::<Int32Array>(),
        ),
        DataType::Int64 => Arc::new(values.iter().map(int).collect::<Int64Array>()),
        DataType::Float32 => Arc::new(
            values
                .iter()
                .map(|v| float(v).map(|f| f as f32))
                .collect::<Float32Array>(),
        ),
        DataType::Float64 => Arc::new(values.iter().map(float).collect::<Float64Array>()),
        DataType::Decimal128(p, s) => Arc::new(
            values
                .iter()
                .map(|v| match v {
                    Value::Decimal(d) => Some(*d),
                    Value::Int(i) => Some(i128::from(*i) * 10i128.pow(*s as u32)),
                    _ => None,
                })
                .collect::<Decimal128Array>()
                .with_precision_and_scale(*p, *s)
                .expect("precision and scale come from data_type()"),
        ),
        DataType::Binary => Arc::new(
            values
                .iter()
                .map(|v| match v {
                    Value::Bytes(b) => Some(b.as_slice()),
                    _ => None,
                })
                .collect::<BinaryArray>(),
        ),
        DataType::Date32 => Arc::new(
            values
                .iter()
                .map(|v| match v {
                    Value::Date(d) => Some(*d),
                    _ => None,
                })
                .collect::<Date32Array>(),
        ),
        DataType::Time64(_) => Arc::new(
            values
                .iter()
                .map(|v| match v {
                    Value::Time(t) => Some(*t),
                    _ => None,
                })
                .collect::<Time64MicrosecondArray>(),
        ),
        DataType::Timestamp(_, tz) => Arc::new(
            values
                .iter()
                .map(|v| match v {
                    Value::Timestamp(t) => Some(*t),
                    _ => None,
                })
                .collect::<TimestampMicrosecondArray>()
                .with_timezone_opt(tz.clone()),
        ),
        DataType::List(field) => list(field.data_type(), values),
        _ => {
            // Sized once: growing the buffer by doubling copied it ~twice.
            let bytes = values
                .iter()
                .map(|v| match v {
                    Value::Text(s) => s.len(),
                    _ => 0,
                })
                .sum();
            let mut builder = StringBuilder::with_capacity(values.len(), bytes);
            for v in values {
                match v {
                    Value::Text(s) => builder.append_value(s),
                    _ => builder.append_null(),
                }
            }
            Arc::new(builder.finish())
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
