//! Files: one Parquet or CSV file per table, written beside the final name
//! (`.partial`) and renamed only when the whole run succeeded.
//!
//! Parquet: arrow's writer, one row group per chunk, real logical types,
//! a fixed `created_by` and the seed and tool version in the footer, so the
//! same profile and seed give the same bytes with any thread count.

use super::text::{Style, csv_field, delimited};
use super::{Chunk, Encoder, Existing, Sink, TextEncoder, WriteOptions};
use crate::error::SinkError;
use crate::plan::Plan;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_writer::{ArrowRowGroupWriterFactory, compute_leaves};
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::ColumnPath;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    /// Apache Parquet.
    Parquet,
    /// Comma-separated values with a header row.
    Csv,
}

impl FileFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Parquet => "parquet",
            FileFormat::Csv => "csv",
        }
    }
}

enum Writer {
    Parquet {
        file: Box<SerializedFileWriter<BufWriter<File>>>,
        /// Shared with the generator threads, which encode the row groups.
        encoder: Arc<ParquetEncoder>,
    },
    Csv(BufWriter<File>),
}

/// Encodes a batch into one row group's column chunks (compressed), on a
/// generator thread; the file writer only appends them in chunk order.
pub struct ParquetEncoder {
    factory: ArrowRowGroupWriterFactory,
    schema: SchemaRef,
    table: String,
}

impl Encoder for ParquetEncoder {
    fn encode(&self, batch: RecordBatch) -> Result<Chunk, SinkError> {
        let parquet = |source| SinkError::Parquet {
            table: self.table.clone(),
            source,
        };
        // Without encryption the row group's index plays no part in the bytes.
        let mut writers = self.factory.create_column_writers(0).map_err(parquet)?;
        let mut next = writers.iter_mut();
        for (field, column) in self.schema.fields().iter().zip(batch.columns()) {
            for leaf in compute_leaves(field, column).map_err(parquet)? {
                let writer = next.next().expect("one writer per leaf column");
                writer.write(&leaf).map_err(parquet)?;
            }
        }
        let columns = writers
            .into_iter()
            .map(|w| w.close())
            .collect::<Result<Vec<_>, _>>()
            .map_err(parquet)?;
        Ok(Chunk::Parquet {
            rows: batch.num_rows(),
            columns,
        })
    }
}

/// Writes one file per table into a directory.
pub struct FileSink {
    dir: PathBuf,
    format: FileFormat,
    options: WriteOptions,
    writer: Option<Writer>,
    rows: u64,
    /// (partial, final) paths of every table written so far.
    written: Vec<(PathBuf, PathBuf)>,
    line: Vec<u8>,
    /// The CSV encoder's buffers, given back once written.
    buffers: Arc<super::Buffers>,
}

impl FileSink {
    /// A sink writing into `dir` (created if missing).
    pub fn new(
        dir: PathBuf,
        format: FileFormat,
        options: &WriteOptions,
    ) -> Result<Self, SinkError> {
        if options.existing == Existing::Append {
            return Err(SinkError::InvalidTarget(
                "--append does not apply to file output; use --truncate to replace existing files"
                    .into(),
            ));
        }
        std::fs::create_dir_all(&dir).map_err(|source| SinkError::Io {
            path: dir.clone(),
            source,
        })?;
        Ok(Self {
            dir,
            format,
            options: options.clone(),
            writer: None,
            rows: 0,
            written: Vec::new(),
            line: Vec::new(),
            buffers: Arc::default(),
        })
    }

    /// The file of table `t`: `name.ext`, or `schema.name.ext` when the
    /// profile has several schemas; a shard's file is `name.shard-I-of-N.ext`.
    pub fn file_name(plan: &Plan, t: usize, format: FileFormat) -> String {
        let name = &plan.schema.tables[t].name;
        let several = plan.schema.namespaces().len() > 1;
        let stem = match (&name.schema, several) {
            (Some(schema), true) => format!("{schema}.{}", name.name),
            _ => name.name.clone(),
        };
        // Keep file names portable whatever the table is called.
        let stem: String = stem
            .chars()
            .map(|c| {
                if c == '/' || c == '\\' || c == '\0' {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        if plan.shard.is_part() {
            let width = (plan.shard.count - 1).to_string().len();
            return format!(
                "{stem}.shard-{:0width$}-of-{}.{}",
                plan.shard.index,
                plan.shard.count,
                format.extension()
            );
        }
        format!("{stem}.{}", format.extension())
    }

    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SinkError + '_ {
        move |source| SinkError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

impl Sink for FileSink {
    fn loads_in_order(&self) -> bool {
        false
    }

    fn encoder(&self, _plan: &Plan, _t: usize) -> Option<Arc<dyn Encoder>> {
        match self.writer.as_ref()? {
            Writer::Csv(_) => Some(Arc::new(TextEncoder {
                write: csv_rows,
                buffers: self.buffers.clone(),
            })),
            Writer::Parquet { encoder, .. } => Some(encoder.clone()),
        }
    }

    fn begin(&mut self, plan: &Plan) -> Result<(), SinkError> {
        for &t in &plan.order.tables {
            let path = self.dir.join(Self::file_name(plan, t, self.format));
            if path.exists() && self.options.existing != Existing::Truncate {
                return Err(SinkError::InvalidTarget(format!(
                    "`{}` already exists; pass --truncate to replace it",
                    path.display()
                )));
            }
        }
        Ok(())
    }

    fn begin_table(&mut self, plan: &Plan, t: usize) -> Result<(), SinkError> {
        let final_path = self.dir.join(Self::file_name(plan, t, self.format));
        let partial = final_path.with_extension(format!("{}.partial", self.format.extension()));
        let file = File::create(&partial).map_err(Self::io(&partial))?;
        let buffered = BufWriter::with_capacity(1 << 20, file);
        let table = &plan.tables[t];
        self.writer = Some(match self.format {
            FileFormat::Parquet => {
                let schema = crate::synth::arrow::schema(plan, t, &table.written_columns());
                let metadata = vec![
                    KeyValue::new("patina.version".to_owned(), crate::VERSION.to_owned()),
                    KeyValue::new("patina.seed".to_owned(), plan.seed.to_string()),
                    KeyValue::new("patina.table".to_owned(), table.address.clone()),
                ];
                let mut props = WriterProperties::builder()
                    // Pinned: the default embeds the parquet crate's version.
                    .set_created_by(format!("patina {}", crate::VERSION))
                    .set_compression(Compression::SNAPPY)
                    .set_max_row_group_row_count(Some(
                        usize::try_from(table.chunk_rows)
                            .unwrap_or(usize::MAX)
                            .max(1),
                    ))
                    .set_key_value_metadata(Some(metadata));
                // A dictionary of a column whose values are mostly
                // distinct in a row group only costs time (and bytes).
                for c in table.written_columns() {
                    if plan.mostly_distinct(t, c) {
                        props = props.set_column_dictionary_enabled(
                            ColumnPath::from(table.columns[c].name.as_str()),
                            false,
                        );
                    }
                }
                let props = props.build();
                let parquet = |source| SinkError::Parquet {
                    table: table.address.clone(),
                    source,
                };
                let (file, factory) = ArrowWriter::try_new(buffered, schema.clone(), Some(props))
                    .and_then(ArrowWriter::into_serialized_writer)
                    .map_err(parquet)?;
                Writer::Parquet {
                    file: Box::new(file),
                    encoder: Arc::new(ParquetEncoder {
                        factory,
                        schema,
                        table: table.address.clone(),
                    }),
                }
            }
            FileFormat::Csv => {
                let mut w = buffered;
                let names: Vec<String> = table
                    .written_columns()
                    .iter()
                    .map(|&c| {
                        let mut field = Vec::new();
                        csv_field(&table.columns[c].name, &mut field);
                        String::from_utf8(field).expect("CSV quoting keeps UTF-8")
                    })
                    .collect();
                writeln!(w, "{}", names.join(",")).map_err(Self::io(&partial))?;
                Writer::Csv(w)
            }
        });
        self.written.push((partial, final_path));
        self.rows = 0;
        Ok(())
    }

    fn write_chunk(&mut self, plan: &Plan, t: usize, chunk: Chunk) -> Result<(), SinkError> {
        let rows = chunk.rows() as u64;
        let path = self
            .written
            .last()
            .map(|(p, _)| p.clone())
            .unwrap_or_default();
        let parquet = |source| SinkError::Parquet {
            table: plan.tables[t].address.clone(),
            source,
        };
        match self.writer.as_mut().expect("begin_table opened a writer") {
            Writer::Parquet { file, encoder } => {
                let chunk = match chunk {
                    Chunk::Batch(batch) => encoder.encode(batch)?,
                    encoded => encoded,
                };
                let Chunk::Parquet { columns, .. } = chunk else {
                    unreachable!("the Parquet encoder makes column chunks")
                };
                // One row group per chunk: the layout follows the chunks, not the threads.
                let mut group = file.next_row_group().map_err(parquet)?;
                for column in columns {
                    column.append_to_row_group(&mut group).map_err(parquet)?;
                }
                group.close().map_err(parquet)?;
            }
            Writer::Csv(w) => match chunk {
                Chunk::Encoded { bytes, .. } => {
                    w.write_all(&bytes).map_err(Self::io(&path))?;
                    self.buffers.give(bytes);
                }
                Chunk::Batch(batch) => {
                    self.line.clear();
                    csv_rows(&batch, &mut self.line);
                    w.write_all(&self.line).map_err(Self::io(&path))?;
                }
                Chunk::Parquet { .. } | Chunk::Statements { .. } | Chunk::Infile { .. } => {
                    unreachable!("the CSV encoder makes text")
                }
            },
        }
        self.rows += rows;
        Ok(())
    }

    fn end_table(&mut self, plan: &Plan, t: usize) -> Result<u64, SinkError> {
        let path = self
            .written
            .last()
            .map(|(p, _)| p.clone())
            .unwrap_or_default();
        match self.writer.take().expect("begin_table opened a writer") {
            Writer::Parquet { file, .. } => {
                let mut inner = file.into_inner().map_err(|source| SinkError::Parquet {
                    table: plan.tables[t].address.clone(),
                    source,
                })?;
                inner.flush().map_err(Self::io(&path))?;
            }
            Writer::Csv(mut w) => w.flush().map_err(Self::io(&path))?,
        }
        Ok(self.rows)
    }

    fn fill_deferred(
        &mut self,
        _: &Plan,
        _: usize,
        _: &[usize],
        _: &[usize],
        _: &RecordBatch,
    ) -> Result<(), SinkError> {
        // Files carry every value in the first pass (`loads_in_order` is false).
        Ok(())
    }

    fn finish(&mut self, _plan: &Plan) -> Result<(), SinkError> {
        for (partial, final_path) in std::mem::take(&mut self.written) {
            std::fs::rename(&partial, &final_path).map_err(Self::io(&final_path))?;
        }
        Ok(())
    }

    fn abort(&mut self) {
        self.writer = None;
        for (partial, _) in std::mem::take(&mut self.written) {
            let _ = std::fs::remove_file(partial);
        }
    }
}

/// A batch's rows as CSV lines (no header); NULL is an empty field.
fn csv_rows(batch: &RecordBatch, out: &mut Vec<u8>) {
    delimited(batch, Style::Csv, b',', b"", csv_field, out);
}
