//! `patina verify --manifest`: is the mess a run's manifest lists in the
//! target? For every class, the values the target's profile shows with that
//! kind of mess, against the values the manifest says were changed. Pure:
//! the target was profiled already.

use crate::plan::mess::Class;
use crate::profile::Profile;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The part of a manifest verify reads (written by `generate --manifest`).
#[derive(Clone, Debug, Deserialize)]
pub struct Manifest {
    /// Per class, table and column: values changed.
    pub injected: Vec<Injected>,
}

/// One line of the manifest's `injected`.
#[derive(Clone, Debug, Deserialize)]
pub struct Injected {
    /// The class.
    pub class: Class,
    /// The table (`schema.table`).
    pub table: String,
    /// The column, or a foreign key's columns, comma-separated.
    pub column: String,
    /// Values changed.
    pub count: u64,
    /// For `hot_keys` and `orphans`: the foreign key's name (or label).
    #[serde(default)]
    pub foreign_key: Option<String>,
}

/// One kind of observation, against the classes that feed it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessCheck {
    /// The observation, named after its class (or `placeholders+edges`, which
    /// placeholders and numeric and time edges share).
    pub observation: String,
    /// Values the manifest says were changed.
    pub injected: u64,
    /// Values the target's profile shows with that mess.
    pub observed: f64,
    /// Share of `injected` that must be observed (0.5 for near-duplicates,
    /// whose copied value a later class may change; else 0.98, for rounding).
    pub floor: f64,
    /// Whether enough was observed.
    pub found: bool,
}

/// Checks `manifest` against `found`, the target's profile. A class the
/// target's profile has no table or column for counts as not found. From
/// CSV files (`csv`), an empty string in a nullable column reads back as
/// NULL, so `empty` is looked for among the empty strings and the NULLs.
/// `source` is the profile the run was generated from (for the columns' defaults).
pub fn check(manifest: &Manifest, source: &Profile, found: &Profile, csv: bool) -> Vec<MessCheck> {
    let mut injected: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut observed: BTreeMap<&'static str, f64> = BTreeMap::new();
    let mut counted: BTreeSet<(&'static str, String, String)> = BTreeSet::new();
    for entry in &manifest.injected {
        let key = observation(entry.class);
        *injected.entry(key).or_default() += entry.count;
        let seen = seen(entry, source, found, csv).unwrap_or(0.0);
        // A column's observation counts once, however many classes feed it.
        if counted.insert((key, entry.table.clone(), entry.column.clone())) {
            *observed.entry(key).or_default() += seen;
        }
    }
    injected
        .into_iter()
        .map(|(key, count)| {
            let floor = if key == "near_duplicates" { 0.5 } else { 0.98 };
            let seen = observed.get(key).copied().unwrap_or(0.0);
            MessCheck {
                observation: key.to_owned(),
                injected: count,
                observed: (seen * 10.0).round() / 10.0,
                floor,
                found: seen + 1.0 >= count as f64 * floor,
            }
        })
        .collect()
}

/// The observation a class is seen in.
fn observation(class: Class) -> &'static str {
    match class {
        Class::Placeholders | Class::NumericEdge | Class::TimeEdge => "placeholders+edges",
        other => other.name(),
    }
}

/// How many values of the entry's table and column show its class's mess.
fn seen(entry: &Injected, source: &Profile, found: &Profile, csv: bool) -> Option<f64> {
    let bare = entry.table.rsplit('.').next().unwrap_or(&entry.table);
    let stats = found.tables.iter().find(|t| t.table.name == bare)?;
    let rows = stats.row_count as f64;
    if matches!(entry.class, Class::HotKeys | Class::Orphans) {
        let columns: Vec<&str> = entry.column.split(", ").collect();
        let fk = stats.foreign_keys.iter().find(|f| f.columns == columns)?;
        return Some(match entry.class {
            // The hottest parent holds at least the hot references over the (at most 5) hot parents.
            Class::HotKeys => *fk.children_per_parent.last()? as f64 * 5.0,
            _ => fk.orphan_share * rows * (1.0 - fk.null_fraction),
        });
    }
    let cs = stats.column(&entry.column)?;
    let non_null = rows * (1.0 - cs.null_fraction);
    let m = cs.mess.clone().unwrap_or_default();
    let sentinels: f64 = m.sentinels.iter().map(|s| s.fraction).sum();
    Some(match entry.class {
        Class::Empty if csv => m.empty * non_null + cs.null_fraction * rows,
        Class::Empty => m.empty * non_null,
        Class::Padded => m.padded * non_null,
        Class::Unicode => m.non_ascii * non_null,
        Class::MaxLength => m.at_max_length * non_null,
        Class::Injection => m.markup * non_null,
        Class::Mojibake => m.mojibake * non_null,
        Class::NearDuplicates => m.near_duplicates * non_null,
        Class::Placeholders | Class::NumericEdge | Class::TimeEdge => {
            (sentinels + m.extremes) * non_null
        }
        // NULL in old rows, or the column's default where it has a literal one.
        Class::Drift => {
            let default = source
                .schema
                .tables
                .iter()
                .find(|t| t.name.name == bare)
                .and_then(|t| t.column(&entry.column))
                .and_then(crate::plan::mess::default_literal);
            let defaulted = default.map_or(0.0, |d| {
                cs.most_common
                    .iter()
                    .filter(|f| f.value == d)
                    .map(|f| f.fraction * non_null)
                    .sum()
            });
            cs.null_fraction * rows + defaulted
        }
        Class::SoftDelete => non_null,
        Class::OddContact => m.odd_contact * non_null,
        Class::LegacyFormat => m.upper_case * non_null,
        Class::BurstDay => m.busiest_day * non_null,
        Class::JsonEdge => m.json_edges * non_null,
        // Each time moved out of its place breaks the order once (before or after it).
        Class::OutOfOrder => m.out_of_order * rows + rows * 0.00005,
        Class::ArrayEdge => m.array_edges * non_null,
        // Exact but for the share's rounding to 4 digits.
        Class::IdGaps => m.id_gaps * rows + rows * 0.00005,
        Class::HotKeys | Class::Orphans => return None,
    })
}
