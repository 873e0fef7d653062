//! Fan-out: how many children each parent gets along a foreign key.
//!
//! Parents, taken in a keyed permutation of their row indexes, fall into
//! classes: the childless, the heaviest 1% (holding the profile's heaviest
//! share of children), and the rest spread along the profile's equi-depth
//! histogram of children per parent. Each class owns a fixed stretch of
//! child slots and deals them round-robin to its parents, so every parent
//! gets exactly its class's count (give or take one) and the child computes
//! its parent's row index from its own: no parent is read back.

use crate::profile::stats::ForeignKeyStats;

/// Classes per histogram bucket at most: counts step linearly from the
/// bucket's lower bound to its upper one.
const STEPS: u64 = 16;

/// Classes of parents, each with the child slots it owns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FanOut {
    /// Per class, cumulative: (end of its parent positions, end of its child slots).
    pub classes: Vec<(u64, u64)>,
}

impl FanOut {
    /// The parent position (before the parent permutation) of child slot
    /// `slot` (`slot` < the child rows).
    pub fn parent_position(&self, slot: u64) -> u64 {
        self.slot(slot).0
    }

    /// The parent position of child slot `slot` and the child's rank among
    /// that parent's children (0 for the first): distinct slots give
    /// distinct (position, rank) pairs.
    pub fn slot(&self, slot: u64) -> (u64, u64) {
        let c = self.classes.partition_point(|&(_, end)| end <= slot);
        let c = c.min(self.classes.len() - 1);
        let (p_start, s_start) = if c == 0 { (0, 0) } else { self.classes[c - 1] };
        let parents = (self.classes[c].0 - p_start).max(1);
        let offset = slot - s_start;
        (p_start + offset % parents, offset / parents)
    }

    /// The class holding child slot `slot`: its first parent position, first
    /// slot, parents and slots.
    fn class_of(&self, slot: u64) -> (u64, u64, u64, u64) {
        let c = self.classes.partition_point(|&(_, end)| end <= slot);
        let c = c.min(self.classes.len() - 1);
        let (p_start, s_start) = if c == 0 { (0, 0) } else { self.classes[c - 1] };
        let parents = (self.classes[c].0 - p_start).max(1);
        (p_start, s_start, parents, self.classes[c].1 - s_start)
    }

    /// Slot `slot` renumbered so that each parent's children are consecutive
    /// (`slot` interleaves the parents of a class): one-to-one on the slots,
    /// and the slots of a parent become one run, `run_position` its parent.
    pub fn contiguous(&self, slot: u64) -> u64 {
        let (_, s_start, parents, slots) = self.class_of(slot);
        let offset = slot - s_start;
        let (j, rank) = (offset % parents, offset / parents);
        // The first `slots % parents` parents of the class hold one more.
        let (q, r) = (slots / parents, slots % parents);
        s_start + j * q + j.min(r) + rank
    }

    /// The parent position owning `index` of the layout `contiguous` makes.
    pub fn run_position(&self, index: u64) -> u64 {
        let (p_start, s_start, parents, slots) = self.class_of(index);
        let offset = index - s_start;
        let (q, r) = (slots / parents, slots % parents);
        let long = r * (q + 1);
        let j = if offset < long {
            offset / (q + 1)
        } else {
            r + (offset - long) / q.max(1)
        };
        p_start + j.min(parents - 1)
    }

    /// The most children any parent gets.
    pub fn most_children(&self) -> u64 {
        let mut previous = (0, 0);
        let mut most = 0;
        for &(p, s) in &self.classes {
            let parents = p - previous.0;
            if parents > 0 {
                most = most.max((s - previous.1).div_ceil(parents));
            }
            previous = (p, s);
        }
        most
    }
}

/// The fan-out for `children` child rows over `parents` parent rows, or
/// `None` when the profile says nothing (children then pick parents uniformly).
pub fn build(stats: &ForeignKeyStats, parents: u64, children: u64) -> Option<FanOut> {
    let histogram = &stats.children_per_parent;
    if parents == 0 || children == 0 || histogram.is_empty() {
        return None;
    }
    let childless = stats.childless_share.clamp(0.0, 0.999);
    let referenced = ((parents as f64 * (1.0 - childless)).round() as u64)
        .clamp(1, parents)
        .min(children);
    // (parents, children each) before scaling to the child rows.
    let mut classes: Vec<(u64, f64)> = Vec::new();
    let head = referenced.div_ceil(100);
    let heaviest = stats.heaviest_share.clamp(0.0, 1.0);
    let body = referenced - head;
    let mut body_classes: Vec<(u64, f64)> = Vec::new();
    if body > 0 {
        // Parents in ascending order of children, each at its rank's quantile
        // of the histogram, read linearly
        // within its bucket (what an equi-depth histogram assumes). The top
        // `head` ranks are the head class, so the body stops below them.
        let bounds: Vec<f64> = histogram.iter().map(|&c| c.max(1) as f64).collect();
        let buckets = (bounds.len() - 1).max(1);
        let classes = body.min(buckets as u64 * STEPS);
        for j in 0..classes {
            let (from, to) = (body * j / classes, body * (j + 1) / classes);
            if to == from {
                continue;
            }
            // Rank r at r / (referenced - 1): the least and the most
            // referenced parents meet the histogram's ends.
            let q = (from + to - 1) as f64 / 2.0 / (referenced.max(2) - 1) as f64;
            let x = q * buckets as f64;
            let b = (x.floor() as usize).min(buckets - 1);
            let (lo, hi) = (bounds[b], bounds[(b + 1).min(bounds.len() - 1)]);
            body_classes.push((to - from, lo + (hi - lo) * (x - b as f64).clamp(0.0, 1.0)));
        }
    }
    // Every referenced parent gets one child; the children beyond those
    // follow the weights: the head its share of all children, the body the
    // histogram's counts beyond the first.
    let extra = (children - referenced) as f64;
    let body_weight: f64 = body_classes
        .iter()
        .map(|(n, c)| *n as f64 * (c - 1.0).max(0.0))
        .sum();
    let head_extra = if body > 0 {
        if heaviest > 0.0 {
            (heaviest * children as f64 - head as f64).clamp(0.0, extra)
        } else {
            // No share recorded: the heaviest get the histogram's top count.
            let top = *histogram.last().unwrap_or(&1) as f64;
            (head as f64 * (top - 1.0)).clamp(0.0, extra)
        }
    } else {
        extra
    };
    let body_extra = extra - head_extra;
    // The single heaviest parent takes the histogram's top count (the
    // customer with thousands of orders), the rest of the head shares the rest.
    let head_total = head as f64 + head_extra;
    let top = *histogram.last().unwrap_or(&1) as f64;
    if head >= 2 && top > head_total / head as f64 {
        let heaviest_one = top.min(head_total - (head - 1) as f64);
        classes.push((1, heaviest_one));
        classes.push((head - 1, head_total - heaviest_one));
    } else {
        classes.push((head, head_total));
    }
    for (n, c) in body_classes {
        let weight = if body_weight > 0.0 {
            n as f64 * (c - 1.0).max(0.0) / body_weight
        } else {
            n as f64 / body as f64
        };
        classes.push((n, n as f64 + body_extra * weight));
    }
    let mut out = Vec::with_capacity(classes.len() + 1);
    let mut position = parents - referenced;
    if position > 0 {
        out.push((position, 0));
    }
    // Cumulative rounding keeps the total exact and each class at its parents at least.
    let mut total = 0.0;
    let mut previous = 0;
    for (n, slots) in classes {
        position += n;
        total += slots;
        let end = (total.round() as u64).max(previous + n).min(children);
        out.push((position, end));
        previous = end;
    }
    if let Some(last) = out.last_mut() {
        last.1 = children;
    }
    Some(FanOut { classes: out })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(histogram: Vec<u64>, childless: f64, heaviest: f64) -> ForeignKeyStats {
        ForeignKeyStats {
            columns: vec!["parent_id".into()],
            null_fraction: 0.0,
            referenced_parents: 0,
            childless_share: childless,
            children_per_parent: histogram,
            heaviest_share: heaviest,
            time_order: Vec::new(),
            copies: Vec::new(),
            orphan_share: 0.0,
        }
    }

    fn counts(f: &FanOut, parents: u64, children: u64) -> Vec<u64> {
        let mut per = vec![0u64; parents as usize];
        for slot in 0..children {
            per[f.parent_position(slot) as usize] += 1;
        }
        per
    }

    #[test]
    fn slots_and_ranks_are_distinct() {
        let f = build(&stats(vec![1, 2, 3, 9, 30], 0.2, 0.05), 500, 3000).expect("fan-out");
        let mut seen = std::collections::BTreeSet::new();
        for slot in 0..3000 {
            let (p, r) = f.slot(slot);
            assert!(r < f.most_children(), "rank {r} of {}", f.most_children());
            assert!(seen.insert((p, r)));
        }
    }

    /// The contiguous layout is one-to-one, keeps each slot's parent, and
    /// puts each parent's children on consecutive indexes.
    #[test]
    fn contiguous_runs_keep_their_parents() {
        let f = build(&stats(vec![1, 2, 3, 9, 30], 0.2, 0.05), 500, 3000).expect("fan-out");
        let mut by_parent: std::collections::BTreeMap<u64, Vec<u64>> = Default::default();
        let mut seen = std::collections::BTreeSet::new();
        for slot in 0..3000 {
            let index = f.contiguous(slot);
            assert!(index < 3000 && seen.insert(index), "slot {slot} -> {index}");
            let position = f.parent_position(slot);
            assert_eq!(f.run_position(index), position, "slot {slot}");
            by_parent.entry(position).or_default().push(index);
        }
        for (position, mut run) in by_parent {
            run.sort_unstable();
            assert!(
                run.windows(2).all(|w| w[1] == w[0] + 1),
                "parent {position}: {run:?}"
            );
        }
    }

    #[test]
    fn constant_fan_out_is_exact() {
        let f = build(&stats(vec![4; 21], 0.0, 0.01), 1000, 4000).expect("fan-out");
        assert!(counts(&f, 1000, 4000).iter().all(|&c| c == 4));
    }

    #[test]
    fn childless_share_and_heavy_head_hold() {
        // 10 000 parents, 30% childless; children 1..=50 per parent, the top 1% hold 20%.
        let hist: Vec<u64> = (0..=20).map(|i| 1 + i * i * 50 / 400).collect();
        let f = build(&stats(hist, 0.3, 0.2), 10_000, 100_000).expect("fan-out");
        let mut per = counts(&f, 10_000, 100_000);
        assert_eq!(per.iter().sum::<u64>(), 100_000);
        let zero = per.iter().filter(|&&c| c == 0).count() as f64 / 10_000.0;
        assert!((zero - 0.3).abs() < 0.005, "childless {zero}");
        per.sort_unstable();
        let top: u64 = per.iter().rev().take(70).sum();
        let share = top as f64 / 100_000.0;
        assert!((share - 0.2).abs() < 0.01, "heaviest share {share}");
    }
}
