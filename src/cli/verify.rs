//! `patina verify`'s terminal summary.

use crate::verify::Report;
use std::io::{self, Write};

/// Columns and foreign keys listed in the summary at most (worst first).
const WORST: usize = 15;
/// A distance above this is flagged.
pub const FLAG: f64 = 0.1;

/// Writes the summary: verdict, violations, the worst distances, orderings.
pub fn write(report: &Report, min_score: f64, out: &mut dyn Write) -> io::Result<()> {
    let over: Vec<_> = report
        .columns
        .iter()
        .filter(|c| c.distance > FLAG)
        .collect();
    let fk_over = report
        .foreign_keys
        .iter()
        .filter(|f| f.distance > FLAG)
        .count();
    writeln!(
        out,
        "score {:.3} (minimum {min_score:.3}): {} columns and {} foreign keys compared, {} columns and {} \
         foreign keys above {FLAG}, {} constraint violations",
        report.score,
        report.columns.len(),
        report.foreign_keys.len(),
        over.len(),
        fk_over,
        report.violation_count()
    )?;
    for v in &report.violations {
        writeln!(
            out,
            "  VIOLATION {}: {} ({} rows)",
            v.table, v.constraint, v.rows
        )?;
    }
    for u in &report.unchecked {
        writeln!(out, "  not checked: {u}")?;
    }
    for v in &report.expected_violations {
        writeln!(
            out,
            "  expected: {}: {} ({} rows, the manifest's orphans)",
            v.table, v.constraint, v.rows
        )?;
    }
    if !report.mess.is_empty() {
        let found = report.mess.iter().filter(|m| m.found).count();
        writeln!(
            out,
            "mess: {found} of {} kinds in the manifest found again",
            report.mess.len()
        )?;
        for m in &report.mess {
            writeln!(
                out,
                "  {} {}: {} injected, {:.0} observed",
                if m.found { "found  " } else { "MISSING" },
                m.observation,
                m.injected,
                m.observed
            )?;
        }
    }
    let short: Vec<_> = report
        .rows
        .iter()
        .filter(|r| r.found != r.expected)
        .collect();
    if !short.is_empty() {
        writeln!(
            out,
            "row counts that differ from the profile (scale or --rows?):"
        )?;
        for r in short {
            writeln!(
                out,
                "  {}: {} expected, {} found",
                r.table, r.expected, r.found
            )?;
        }
    }
    if !report.columns.is_empty() {
        writeln!(out, "columns, worst first:")?;
        for c in report.columns.iter().take(WORST) {
            let note = c
                .note
                .as_deref()
                .map(|n| format!("  ({n})"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {:>6.3} {}.{}  {:?} {:.3}, nulls {:.3}{note}",
                c.distance, c.table, c.column, c.metric, c.shape, c.nulls
            )?;
        }
    }
    if !report.foreign_keys.is_empty() {
        writeln!(out, "fan-out, worst first:")?;
        for f in report.foreign_keys.iter().take(WORST) {
            writeln!(
                out,
                "  {:>6.3} {} ({}), nulls {:.3}{}",
                f.distance,
                f.table,
                f.columns.join(", "),
                f.nulls,
                f.note
                    .as_deref()
                    .map(|n| format!("  ({n})"))
                    .unwrap_or_default()
            )?;
        }
    }
    for o in &report.time_orders {
        writeln!(
            out,
            "  order {}: {} <= {} in {:.3} of rows (profile {:.3})",
            o.table, o.earlier, o.later, o.found, o.expected
        )?;
    }
    Ok(())
}
