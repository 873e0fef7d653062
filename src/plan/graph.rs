//! The foreign-key graph: load order, and cycles broken by nullable columns.

use crate::error::PlanError;
use crate::schema::Schema;
use std::collections::BTreeSet;

/// The order tables are loaded in, and the foreign keys whose columns are
/// loaded as NULL first and filled afterwards to break cycles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadOrder {
    /// Table indexes (into `schema.tables`), parents before children.
    pub tables: Vec<usize>,
    /// `(table index, foreign key index)` pairs filled after every table is loaded.
    pub deferred: BTreeSet<(usize, usize)>,
}

/// Orders tables so every non-deferred foreign key points at a table loaded
/// earlier (or at its own table). `can_defer(table, fk)` says whether a
/// foreign key may be filled afterwards (all its columns nullable and not
/// part of a key).
pub fn load_order(
    schema: &Schema,
    can_defer: impl Fn(usize, usize) -> bool,
) -> Result<LoadOrder, PlanError> {
    let n = schema.tables.len();
    // edges[t] = (parent, fk index) for every foreign key out of t to another table.
    let edges: Vec<Vec<(usize, usize)>> = schema
        .tables
        .iter()
        .enumerate()
        .map(|(t, table)| {
            table
                .foreign_keys
                .iter()
                .enumerate()
                .filter_map(|(f, fk)| {
                    let parent = schema.table_index(&fk.referenced_table)?;
                    (parent != t).then_some((parent, f))
                })
                .collect()
        })
        .collect();
    let mut deferred = BTreeSet::new();
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        // Kahn's algorithm, always taking the first ready table in schema
        // order so the result does not depend on anything but the schema.
        let ready = (0..n).find(|&t| {
            !placed[t]
                && edges[t]
                    .iter()
                    .all(|&(p, f)| placed[p] || deferred.contains(&(t, f)))
        });
        if let Some(t) = ready {
            placed[t] = true;
            order.push(t);
            continue;
        }
        // Every remaining table waits on another: find a cycle and break it.
        let cycle = find_cycle(&edges, &placed, &deferred);
        let breakable = cycle.iter().find(|&&(t, f)| can_defer(t, f));
        match breakable {
            Some(&edge) => {
                deferred.insert(edge);
            }
            None => {
                let names: Vec<String> = cycle
                    .iter()
                    .map(|&(t, _)| schema.tables[t].name.to_string())
                    .collect();
                let first = names.first().cloned().unwrap_or_default();
                return Err(PlanError::Cycle {
                    cycle: format!("{} -> {first}", names.join(" -> ")),
                });
            }
        }
    }
    Ok(LoadOrder {
        tables: order,
        deferred,
    })
}

/// A cycle among the unplaced tables, as the `(table, fk)` edges along it.
fn find_cycle(
    edges: &[Vec<(usize, usize)>],
    placed: &[bool],
    deferred: &BTreeSet<(usize, usize)>,
) -> Vec<(usize, usize)> {
    let start = placed
        .iter()
        .position(|p| !p)
        .expect("called only while tables remain");
    // Follow the first blocking edge from each table until a table repeats.
    let mut path: Vec<(usize, usize)> = Vec::new();
    let mut visited: Vec<usize> = Vec::new();
    let mut t = start;
    loop {
        if let Some(pos) = visited.iter().position(|&v| v == t) {
            return path.split_off(pos);
        }
        visited.push(t);
        let &(parent, f) = edges[t]
            .iter()
            .find(|&&(p, f)| !placed[p] && !deferred.contains(&(t, f)))
            .expect("an unplaced table that is not ready waits on an unplaced parent");
        path.push((t, f));
        t = parent;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Column, ForeignKey, LogicalType, QualifiedName, Table};

    fn table(name: &str, refs: &[&str]) -> Table {
        Table {
            name: QualifiedName::new(None, name),
            columns: vec![Column {
                name: "id".into(),
                native_type: "integer".into(),
                logical_type: LogicalType::Int32,
                nullable: false,
                default: None,
                identity: None,
                generated: None,
                domain: None,
                unsigned: false,
                collation: None,
                comment: None,
            }],
            primary_key: None,
            uniques: vec![],
            foreign_keys: refs
                .iter()
                .map(|r| ForeignKey {
                    name: None,
                    columns: vec!["id".into()],
                    referenced_table: QualifiedName::new(None, r),
                    referenced_columns: vec!["id".into()],
                    deferrable: false,
                })
                .collect(),
            checks: vec![],
            partitioning: None,
            comment: None,
        }
    }

    fn names(schema: &Schema, order: &LoadOrder) -> Vec<String> {
        order
            .tables
            .iter()
            .map(|&t| schema.tables[t].name.name.clone())
            .collect()
    }

    #[test]
    fn parents_come_first() {
        let schema = Schema {
            tables: vec![
                table("lines", &["orders", "items"]),
                table("orders", &["customers"]),
                table("items", &[]),
                table("customers", &[]),
            ],
            ..Schema::default()
        };
        let order = load_order(&schema, |_, _| false).unwrap();
        assert_eq!(
            names(&schema, &order),
            ["items", "customers", "orders", "lines"]
        );
        assert!(order.deferred.is_empty());
    }

    #[test]
    fn self_references_do_not_block() {
        let schema = Schema {
            tables: vec![table("employees", &["employees"])],
            ..Schema::default()
        };
        assert_eq!(load_order(&schema, |_, _| false).unwrap().tables, [0]);
    }

    #[test]
    fn cycles_break_on_a_deferrable_edge_or_fail_naming_the_cycle() {
        let schema = Schema {
            tables: vec![table("country", &["city"]), table("city", &["country"])],
            ..Schema::default()
        };
        let order = load_order(&schema, |t, _| t == 0).unwrap();
        assert_eq!(names(&schema, &order), ["country", "city"]);
        assert_eq!(order.deferred.iter().copied().collect::<Vec<_>>(), [(0, 0)]);
        let err = load_order(&schema, |_, _| false).unwrap_err().to_string();
        assert!(err.contains("country -> city -> country"), "{err}");
    }
}
