//! Progress bars (indicatif) for the library's progress reports. Hidden when
//! stderr is not a terminal or with --quiet.

use crate::introspect::Observer;
use crate::pipeline::Progress;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::collections::BTreeMap;
use std::sync::Mutex;

fn target(quiet: bool) -> ProgressDrawTarget {
    if quiet {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    }
}

/// Bars for `patina generate`: one per table.
pub struct GenerateBars {
    multi: MultiProgress,
    bars: Mutex<BTreeMap<String, ProgressBar>>,
}

impl GenerateBars {
    /// New bars (drawn only on a terminal).
    pub fn new(quiet: bool) -> Self {
        Self {
            multi: MultiProgress::with_draw_target(target(quiet)),
            bars: Mutex::new(BTreeMap::new()),
        }
    }

    /// Clears the bars, those of tables a failed run left unfinished too
    /// (dropped unfinished, a bar draws itself again).
    pub fn finish(&self) {
        if let Ok(bars) = self.bars.lock() {
            for bar in bars.values() {
                bar.finish_and_clear();
            }
        }
        let _ = self.multi.clear();
    }

    /// Something that prints a line to stderr from any thread with the bars
    /// out of its way (cleared, then drawn again below it).
    pub fn printer(&self) -> impl Fn(&str) + Send + 'static {
        let multi = self.multi.clone();
        move |line: &str| multi.suspend(|| eprintln!("{line}"))
    }
}

impl Progress for GenerateBars {
    fn table_started(&self, table: &str, rows: u64) {
        let bar = self.multi.add(ProgressBar::new(rows));
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix:>24} {bar:30} {human_pos:>11}/{human_len:<11} {rate:>14} {eta}",
            )
            .expect("the template is valid")
            // Whole rows per second: indicatif's own {per_sec} prints many decimals.
            .with_key(
                "rate",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0} rows/s", state.per_sec());
                },
            )
            .progress_chars("=> "),
        );
        bar.set_prefix(table.to_owned());
        if let Ok(mut bars) = self.bars.lock() {
            bars.insert(table.to_owned(), bar);
        }
    }

    fn rows_written(&self, table: &str, rows: u64) {
        if let Ok(bars) = self.bars.lock()
            && let Some(bar) = bars.get(table)
        {
            bar.inc(rows);
        }
    }

    fn table_finished(&self, table: &str, _rows: u64) {
        if let Ok(bars) = self.bars.lock()
            && let Some(bar) = bars.get(table)
        {
            bar.finish();
        }
    }

    fn note(&self, text: &str) {
        // Notes say what was left out or approximated: --quiet hides bars, never these.
        self.multi.suspend(|| eprintln!("note: {text}"));
    }
}

/// A bar for `patina profile`: tables done.
pub struct ProfileBars {
    bar: ProgressBar,
}

impl ProfileBars {
    /// A new bar (drawn only on a terminal).
    pub fn new(quiet: bool) -> Self {
        let bar = ProgressBar::with_draw_target(None, target(quiet));
        bar.set_style(
            ProgressStyle::with_template("profiling {bar:30} {pos}/{len} tables  {msg}")
                .expect("the template is valid"),
        );
        Self { bar }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Observer for ProfileBars {
    fn started(&self, tables: usize) {
        self.bar.set_length(tables as u64);
    }

    fn table_done(&self, table: &str, rows: u64) {
        self.bar.set_message(format!("{table} ({rows} rows)"));
        self.bar.inc(1);
    }

    fn warn(&self, message: &str) {
        // --quiet hides the bar, never what was left out.
        self.bar.suspend(|| eprintln!("note: {message}"));
    }
}
