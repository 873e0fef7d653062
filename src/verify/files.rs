//! Reading a directory of generated files back: each table's `.parquet` or
//! `.csv` file (named as `generate --out` names them) is loaded, in load
//! order, into a scratch SQLite database created from the profile's schema
//! with its keys and foreign keys enforced.

use super::VerifyError;
use crate::plan::{self, Plan};
use crate::profile::Profile;
use crate::sink::{self, Existing, FileFormat, Sink, WriteOptions};
use arrow::array::{Array, ArrayRef, BinaryArray, StringArray, new_null_array};
use arrow::datatypes::{DataType, Schema};
use arrow::record_batch::RecordBatch;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows read per batch.
const BATCH_ROWS: usize = 8192;

/// Loads every table's file from `dir` into the SQLite database at `url`;
/// true when any was CSV.
pub fn load(
    profile: &Profile,
    dir: &Path,
    url: &str,
    ignore_checks: &[String],
) -> Result<bool, VerifyError> {
    let options = plan::Options {
        ignore_checks: ignore_checks.to_vec(),
        ..plan::Options::default()
    };
    let plan = plan::build(profile, &options)?;
    // Every file must be there before anything is loaded.
    let files: Vec<(PathBuf, FileFormat)> = (0..plan.tables.len())
        .map(|t| find(&plan, t, dir))
        .collect::<Result<_, _>>()?;
    let options = WriteOptions {
        // Orphans (files enforce nothing) load, and are counted as violations.
        enforce_foreign_keys: false,
        create_schema: true,
        defer_indexes: false,
        mysql_inserts: false,
        pg_text: false,
        sessions: 1,
        existing: Existing::Refuse,
    };
    let mut target = sink::open(&sink::Target::Database(url.to_owned()), profile, &options)
        .map_err(VerifyError::Load)?;
    let result = fill(&plan, &files, target.as_mut());
    if result.is_err() {
        target.abort();
    }
    result.map(|()| files.iter().any(|(_, format)| *format == FileFormat::Csv))
}

fn fill(
    plan: &Plan,
    files: &[(PathBuf, FileFormat)],
    target: &mut dyn Sink,
) -> Result<(), VerifyError> {
    target.begin(plan).map_err(VerifyError::Load)?;
    let mut deferred_tables = Vec::new();
    for &t in &plan.order.tables {
        let table = &plan.tables[t];
        let written = table.written_columns();
        // Columns of foreign keys filled after every table (a cycle) load as NULL first.
        let deferred: Vec<usize> = table
            .foreign_keys
            .iter()
            .filter(|f| f.deferred)
            .flat_map(|f| f.columns.iter().copied())
            .collect();
        target.begin_table(plan, t).map_err(VerifyError::Load)?;
        let (path, format) = &files[t];
        for batch in read(plan, t, path, *format)? {
            let batch = batch?;
            let batch = if deferred.is_empty() {
                batch
            } else {
                null_columns(&batch, &written, &deferred)
            };
            target
                .write_chunk(plan, t, crate::sink::Chunk::Batch(batch))
                .map_err(VerifyError::Load)?;
        }
        target.end_table(plan, t).map_err(VerifyError::Load)?;
        if !deferred.is_empty() {
            deferred_tables.push((t, deferred));
        }
    }
    for (t, deferred) in deferred_tables {
        let schema_table = &plan.schema.tables[t];
        let Some(key) = schema_table
            .primary_key
            .as_ref()
            .or(schema_table.uniques.first())
        else {
            continue;
        };
        let key_columns: Vec<usize> = key
            .columns
            .iter()
            .filter_map(|c| schema_table.column_index(c))
            .collect();
        let written = plan.tables[t].written_columns();
        let (path, format) = &files[t];
        for batch in read(plan, t, path, *format)? {
            let batch = batch?;
            let pick = |cols: &[usize]| -> Vec<usize> {
                cols.iter()
                    .filter_map(|c| written.iter().position(|w| w == c))
                    .collect()
            };
            let indices: Vec<usize> = pick(&key_columns)
                .into_iter()
                .chain(pick(&deferred))
                .collect();
            let projected = batch.project(&indices).map_err(|e| VerifyError::File {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            target
                .fill_deferred(plan, t, &key_columns, &deferred, &projected)
                .map_err(VerifyError::Load)?;
        }
    }
    target.finish(plan).map_err(VerifyError::Load)
}

/// The table's file in `dir`: Parquet if present, else CSV.
fn find(plan: &Plan, t: usize, dir: &Path) -> Result<(PathBuf, FileFormat), VerifyError> {
    for format in [FileFormat::Parquet, FileFormat::Csv] {
        let path = dir.join(sink::file_name(plan, t, format));
        if path.is_file() {
            return Ok((path, format));
        }
    }
    Err(VerifyError::File {
        path: dir.join(sink::file_name(plan, t, FileFormat::Parquet)),
        reason: format!(
            "no .parquet or .csv file for table `{}` (generate --out writes one per table)",
            plan.schema.tables[t].name
        ),
    })
}

type Batches = Box<dyn Iterator<Item = Result<RecordBatch, VerifyError>>>;

/// The file's batches, with the columns `generate` writes for the table.
/// `batch` with the NULLs of its NOT NULL text columns read as empty strings.
fn empty_strings(batch: RecordBatch, not_null: &[bool]) -> RecordBatch {
    use arrow::array::{Array, AsArray, StringArray};
    let mut changed = false;
    let columns: Vec<arrow::array::ArrayRef> = batch
        .columns()
        .iter()
        .zip(not_null)
        .map(|(column, &not_null)| {
            if !not_null || column.data_type() != &DataType::Utf8 || column.null_count() == 0 {
                return column.clone();
            }
            changed = true;
            let strings = column.as_string::<i32>();
            Arc::new(
                (0..strings.len())
                    .map(|i| {
                        Some(if strings.is_null(i) {
                            ""
                        } else {
                            strings.value(i)
                        })
                    })
                    .collect::<StringArray>(),
            ) as arrow::array::ArrayRef
        })
        .collect();
    if !changed {
        return batch;
    }
    RecordBatch::try_new(batch.schema(), columns).unwrap_or(batch)
}

fn read(plan: &Plan, t: usize, path: &Path, format: FileFormat) -> Result<Batches, VerifyError> {
    let fail = |reason: String| VerifyError::File {
        path: path.to_owned(),
        reason,
    };
    let file = File::open(path).map_err(|e| fail(e.to_string()))?;
    let schema = crate::synth::arrow::schema(plan, t, &plan.tables[t].written_columns());
    let owned = path.to_owned();
    let wrap = move |r: Result<RecordBatch, arrow::error::ArrowError>| -> Result<RecordBatch, VerifyError> {
        r.map_err(|e| VerifyError::File {
            path: owned.clone(),
            reason: e.to_string(),
        })
    };
    match format {
        FileFormat::Parquet => {
            let reader =
                parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
                    .map_err(|e| fail(e.to_string()))?
                    .with_batch_size(BATCH_ROWS)
                    .build()
                    .map_err(|e| fail(e.to_string()))?;
            let found = arrow::record_batch::RecordBatchReader::schema(&reader);
            if found.fields().len() != schema.fields().len()
                || found
                    .fields()
                    .iter()
                    .zip(schema.fields())
                    .any(|(a, b)| a.name() != b.name() || a.data_type() != b.data_type())
            {
                return Err(fail(format!(
                    "its columns are not the ones the profile gives table `{}`",
                    plan.schema.tables[t].name
                )));
            }
            Ok(Box::new(reader.map(wrap)))
        }
        FileFormat::Csv => {
            if schema.fields().iter().any(|f| f.data_type().is_nested()) {
                return Err(fail(
                    "array columns are read back from Parquet only (generate --format parquet)"
                        .into(),
                ));
            }
            // CSV holds bytes as `\x` + hex, which the CSV reader does not
            // parse: read them as text and decode.
            let as_text = arrow::datatypes::Schema::new(
                schema
                    .fields()
                    .iter()
                    .map(|f| match f.data_type() {
                        DataType::Binary => f.as_ref().clone().with_data_type(DataType::Utf8),
                        _ => f.as_ref().clone(),
                    })
                    .collect::<Vec<_>>(),
            );
            let reader = arrow::csv::ReaderBuilder::new(Arc::new(as_text))
                .with_header(true)
                .with_batch_size(BATCH_ROWS)
                .build(file)
                .map_err(|e| fail(e.to_string()))?;
            let owned = path.to_owned();
            // The CSV reader reads `""` (an empty string) as NULL, as it does an
            // empty field: where the column is NOT NULL it can only be `""`.
            let table = &plan.schema.tables[t];
            let not_null: Vec<bool> = plan.tables[t]
                .written_columns()
                .iter()
                .map(|&c| !table.columns[c].nullable)
                .collect();
            Ok(Box::new(reader.map(move |batch| {
                let batch = empty_strings(wrap(batch)?, &not_null);
                decode_bytes(&batch, &schema).map_err(|reason| VerifyError::File {
                    path: owned.clone(),
                    reason,
                })
            })))
        }
    }
}

/// The batch with the `nulled` columns (table column indexes) set to NULL.
fn null_columns(batch: &RecordBatch, written: &[usize], nulled: &[usize]) -> RecordBatch {
    let columns: Vec<ArrayRef> = batch
        .columns()
        .iter()
        .zip(written)
        .map(|(array, c)| {
            if nulled.contains(c) {
                new_null_array(array.data_type(), array.len())
            } else {
                array.clone()
            }
        })
        .collect();
    RecordBatch::try_new(batch.schema(), columns).expect("same schema, same lengths")
}

/// The batch with its `\x`-hex text columns decoded to the bytes `schema` wants.
fn decode_bytes(batch: &RecordBatch, schema: &Arc<Schema>) -> Result<RecordBatch, String> {
    let columns = batch
        .columns()
        .iter()
        .zip(schema.fields())
        .map(|(array, field)| {
            if field.data_type() != &DataType::Binary {
                return Ok(array.clone());
            }
            let text = array
                .as_any()
                .downcast_ref::<StringArray>()
                .ok_or_else(|| format!("column `{}` is not text", field.name()))?;
            let bytes: Vec<Option<Vec<u8>>> = (0..text.len())
                .map(|i| {
                    if text.is_null(i) {
                        return Ok(None);
                    }
                    let hex = text.value(i).trim_start_matches("\\x");
                    hex.as_bytes()
                        .chunks(2)
                        .map(|pair| {
                            std::str::from_utf8(pair)
                                .ok()
                                .and_then(|p| u8::from_str_radix(p, 16).ok())
                                .ok_or(())
                        })
                        .collect::<Result<Vec<u8>, ()>>()
                        .map(Some)
                        .map_err(|_| {
                            format!("column `{}` holds bytes that are not hex", field.name())
                        })
                })
                .collect::<Result<_, String>>()?;
            Ok(Arc::new(BinaryArray::from_iter(bytes)) as ArrayRef)
        })
        .collect::<Result<Vec<_>, String>>()?;
    RecordBatch::try_new(schema.clone(), columns).map_err(|e| e.to_string())
}
