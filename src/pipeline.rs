//! The ordered parallel driver: chunks are generated in parallel on a rayon
//! pool and handed to the sink strictly in chunk order through a bounded
//! channel, so output is the same whatever the thread count and memory is
//! bounded by the window of chunks in flight, not by the table size.

use crate::error::{Error, SinkError};
use crate::plan::Plan;
use crate::plan::mess::{LOCAL_WINDOW, Shuffle};
use crate::sink::{Chunk, Sink};
use crate::synth::{Generator, Pass};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Progress of a generation run. The library reports; only the CLI draws.
pub trait Progress: Sync {
    /// A table starts; `rows` will be written.
    fn table_started(&self, table: &str, rows: u64);
    /// `rows` more rows of the table were written.
    fn rows_written(&self, table: &str, rows: u64);
    /// The table is complete.
    fn table_finished(&self, table: &str, rows: u64);
    /// A note for the user (never carries a generated value).
    fn note(&self, text: &str);
}

/// A progress reporter that reports nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn table_started(&self, _: &str, _: u64) {}
    fn rows_written(&self, _: &str, _: u64) {}
    fn table_finished(&self, _: &str, _: u64) {}
    fn note(&self, _: &str) {}
}

/// What a run did.
#[derive(Clone, Debug)]
pub struct Summary {
    /// Rows per table, in load order.
    pub tables: Vec<(String, u64)>,
    /// Rows in all.
    pub rows: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// The mess injected, per table, place and class.
    pub mess: crate::synth::mess::Tally,
}

/// Generates every table of the plan into the sink.
///
/// `threads` only decides how many chunks are generated at once; 0 means
/// one per core. `stop`, set from another thread (the CLI's Ctrl-C handler),
/// ends the run at the next chunk, table or step with
/// [`SinkError::Interrupted`]. On any error, that one included, the sink is
/// aborted, which leaves the target as it was.
pub fn run(
    plan: &Plan,
    sink: &mut dyn Sink,
    threads: usize,
    progress: &dyn Progress,
    stop: &AtomicBool,
) -> Result<Summary, Error> {
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("patina-gen-{i}"))
        .build()
        .map_err(|e| SinkError::Generation(format!("cannot start {threads} threads: {e}")))?;
    let generator = Generator::new(plan);
    let result = load(plan, sink, &pool, &generator, progress, stop);
    match result {
        Ok(tables) => {
            for warning in sink.warnings() {
                progress.note(&warning);
            }
            let rows = tables.iter().map(|(_, n)| n).sum();
            Ok(Summary {
                tables,
                rows,
                elapsed: started.elapsed(),
                mess: generator.tally(),
            })
        }
        Err(e) => {
            sink.abort();
            Err(e)
        }
    }
}

fn load(
    plan: &Plan,
    sink: &mut dyn Sink,
    pool: &rayon::ThreadPool,
    generator: &Generator<'_>,
    progress: &dyn Progress,
    stop: &AtomicBool,
) -> Result<Vec<(String, u64)>, Error> {
    // Checked before every step that changes the target.
    let go_on = || {
        if stop.load(Ordering::Relaxed) {
            Err(SinkError::Interrupted)
        } else {
            Ok(())
        }
    };
    let pass = if sink.loads_in_order() {
        Pass::Load
    } else {
        Pass::Complete
    };
    if plan.shard.is_part() && sink.loads_in_order() {
        return Err(SinkError::InvalidTarget(format!(
            "shard {} of a run can only be written to files (--out): each shard loading a database \
             in its own transaction would point at parents another shard has not committed",
            plan.shard
        ))
        .into());
    }
    go_on()?;
    sink.begin(plan)?;
    let mut done = Vec::with_capacity(plan.order.tables.len());
    for &t in &plan.order.tables {
        let table = &plan.tables[t];
        progress.table_started(&table.address, table.shard_rows(plan.shard));
        go_on()?;
        sink.begin_table(plan, t)?;
        let encoder = sink.encoder(plan, t);
        let mut chunks: Vec<u64> = table.shard_chunks(plan.shard).collect();
        let shuffle = plan.mess.shuffled.get(t).copied().unwrap_or_default();
        if shuffle == Shuffle::Random {
            // MySQL fragmentation: chunks and rows in a random (seeded) order.
            let order = crate::synth::permute::Permutation::new(
                chunks.len() as u64,
                crate::synth::rng::Stream::new(plan.seed, &table.address, "", "load-order").key(),
            );
            let original = chunks.clone();
            for (k, chunk) in chunks.iter_mut().enumerate() {
                *chunk = original[order.apply(k as u64) as usize];
            }
        }
        ordered(
            pool,
            chunks,
            |i| {
                let batch = generator.chunk(t, i, pass);
                let batch = match shuffle {
                    Shuffle::None => batch,
                    _ => shuffle_rows(plan, t, i, shuffle, batch)?,
                };
                match &encoder {
                    // Encoded here, in parallel: the sink's thread only writes.
                    Some(encoder) => encoder.encode(batch),
                    None => Ok(Chunk::Batch(batch)),
                }
            },
            |chunk| {
                let chunk = chunk?;
                go_on()?;
                let rows = chunk.rows() as u64;
                sink.write_chunk(plan, t, chunk)?;
                progress.rows_written(&table.address, rows);
                Ok(())
            },
        )?;
        go_on()?;
        let loaded = sink.end_table(plan, t)?;
        let expected = table.shard_rows(plan.shard);
        if loaded != expected {
            return Err(SinkError::RowCount {
                table: table.address.clone(),
                loaded,
                expected,
            }
            .into());
        }
        progress.table_finished(&table.address, loaded);
        done.push((table.address.clone(), loaded));
    }
    if pass == Pass::Load {
        for &t in &plan.order.tables {
            let table = &plan.tables[t];
            if !table.foreign_keys.iter().any(|f| f.deferred) || table.rows == 0 {
                continue;
            }
            progress.note(&format!(
                "filling the cycle-breaking foreign keys of {}",
                table.address
            ));
            ordered(
                pool,
                table.shard_chunks(plan.shard).collect(),
                |i| generator.deferred_chunk(t, i),
                |item| {
                    go_on()?;
                    if let Some((keys, deferred, batch)) = item {
                        sink.fill_deferred(plan, t, &keys, &deferred, &batch)?;
                    }
                    Ok(())
                },
            )?;
        }
    }
    go_on()?;
    sink.finish(plan)?;
    Ok(done)
}

/// The chunk's rows in a seeded random order (values unchanged): all of
/// them, or each window of `LOCAL_WINDOW` rows.
fn shuffle_rows(
    plan: &Plan,
    t: usize,
    chunk: u64,
    shuffle: Shuffle,
    batch: arrow::record_batch::RecordBatch,
) -> Result<arrow::record_batch::RecordBatch, SinkError> {
    let n = batch.num_rows() as u64;
    let stream =
        crate::synth::rng::Stream::new(plan.seed, &plan.tables[t].address, "", "row-order")
            .derive(chunk);
    let window = match shuffle {
        Shuffle::Local => LOCAL_WINDOW,
        _ => n.max(1),
    };
    let indices = arrow::array::UInt32Array::from_iter_values((0..n).map(|i| {
        let start = i - i % window;
        let size = window.min(n - start);
        let order = crate::synth::permute::Permutation::new(size, stream.derive(start).key());
        (start + order.apply(i - start)) as u32
    }));
    let columns = batch
        .columns()
        .iter()
        .map(|c| arrow::compute::take(c.as_ref(), &indices, None))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| SinkError::Generation(format!("shuffling rows: {e}")))?;
    arrow::record_batch::RecordBatch::try_new(batch.schema(), columns)
        .map_err(|e| SinkError::Generation(format!("shuffling rows: {e}")))
}

/// Maps `make` over the chunk indexes in parallel and feeds the results to
/// `consume` in the indexes' order. At most two windows of `2 × threads`
/// results exist at once; the window size changes only memory and speed,
/// never which value lands where.
fn ordered<T: Send>(
    pool: &rayon::ThreadPool,
    chunks: Vec<u64>,
    make: impl Fn(u64) -> T + Sync,
    mut consume: impl FnMut(T) -> Result<(), SinkError>,
) -> Result<(), SinkError> {
    let window = pool.current_num_threads().max(1) * 2;
    let (tx, rx) = std::sync::mpsc::sync_channel::<T>(window);
    std::thread::scope(|scope| {
        let make = &make;
        scope.spawn(move || {
            for indexes in chunks.chunks(window) {
                let results: Vec<T> =
                    pool.install(|| indexes.par_iter().map(|&i| make(i)).collect());
                for item in results {
                    if tx.send(item).is_err() {
                        return; // the writer stopped on an error
                    }
                }
            }
        });
        for item in rx {
            consume(item)?;
        }
        Ok(())
    })
}
