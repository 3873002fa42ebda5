//! The binary element path under `--by`: a batch's elements, whatever their
//! group, go through the math and the scatter of [`super::fast`] once, into
//! the groups' rows of one [`Lanes`] (see `lanes::grouped`), which settle
//! into the groups' Partials when the unit ends.

use super::accum::Partial;
use super::fast::{prepare, scratch};
use super::lanes::{Lanes, Trash, MAX_VALUES};
use super::plan::Ctx;
use super::soa::{Soa, SUB};
use super::spec::TAIL_BINS;
use super::tail_table::{TailTable, MAX_TABLE};
use super::unit::UnitAcc;
use crate::model::{Mode, IGNORED};

/// Accumulates a batch of binary rows into the `--by` groups of `acc`, row
/// `i` into group `by[i]` (every group already in `acc`). Returns false, having
/// added nothing, when the groups take their elements straight in instead: in
/// softmax and sigmoid mode, and when the groups' rows would pass
/// [`MAX_VALUES`] (the rows held so far are then added in first, so a group's
/// sums are the same either way).
pub(crate) fn binary_by(
    cx: &Ctx,
    labels: &[i32],
    x: &[f64],
    by: &[u32],
    acc: &mut UnitAcc,
) -> bool {
    binary_by_capped(cx, labels, x, by, acc, [MAX_VALUES, MAX_TABLE])
}

/// [`binary_by`] with the groups' rows capped at `max[0]` values and their
/// fine histograms' table at `max[1]`.
fn binary_by_capped(
    cx: &Ctx,
    labels: &[i32],
    x: &[f64],
    by: &[u32],
    unit: &mut UnitAcc,
    max: [usize; 2],
) -> bool {
    if cx.spec.mode != Mode::Binary {
        return false;
    }
    let (acc, held) = unit.take_lanes();
    let Some(first) = acc.groups.as_deref().and_then(|g| g.parts.first()) else {
        if let Some(l) = held {
            unit.put_lanes(l);
        }
        return labels.is_empty();
    };
    let trash = Trash::of(first);
    let mut lanes = held.unwrap_or_else(|| Box::new(Lanes::for_groups(cx, first)));
    let ng = acc.groups.as_deref().map_or(0, |g| g.len());
    if lanes.values_for(ng) > max[0] {
        unit.put_lanes(lanes);
        unit.flush();
        return false;
    }
    lanes.grow(ng);
    let (tw, bins) = (1 + cx.plans.len(), 2 * TAIL_BINS);
    if cx.spec.tails && TailTable::values_for(ng, bins, tw) > max[1] {
        // Too many groups for one table: its rows go into the groups' own
        // (sparse) histograms, which take the elements from here on.
        unit.flush_table();
    } else if cx.spec.tails {
        unit.table
            .get_or_insert_with(|| Box::new(TailTable::new(ng, bins, tw)))
            .grow(ng);
    }
    let mut table = unit.table.take();
    let acc = &mut unit.sums;
    // Per group: negatives, positives, right negatives, right positives, ignored.
    let mut counts = vec![[0u64; 5]; ng];
    let groups = match acc.groups.as_deref_mut() {
        Some(g) => &mut g.parts[..],
        None => &mut [],
    };
    scratch(cx, |s| {
        for ((codes, xs), gs) in labels.chunks(SUB).zip(x.chunks(SUB)).zip(by.chunks(SUB)) {
            prepare(cx, codes, xs, None, &trash, s);
            for ((&code, &ok), &g) in codes.iter().zip(&s.ok).zip(gs) {
                let c = &mut counts[g as usize];
                let ok = (ok != 0.0) as u64;
                let (neg, pos) = ((code == 0) as u64, (code == 1) as u64);
                c[0] += neg;
                c[1] += pos;
                c[2] += neg & ok;
                c[3] += pos & ok;
                c[4] += (code == IGNORED) as u64;
            }
            match table.as_deref_mut() {
                Some(t) => t.add(codes.len(), gs, s, trash.cell),
                None if cx.spec.tails => add_tails(groups, codes.len(), gs, s, &trash),
                None => {}
            }
            lanes.fold(codes.len(), gs, s);
            lanes.add(codes.len(), s.counted, s);
        }
    });
    if let Some(groups) = acc.groups.as_deref_mut() {
        for (part, c) in groups.parts.iter_mut().zip(&counts) {
            let used = c[0] + c[1];
            part.rows_ignored += c[4];
            part.rows_used += used;
            part.brier.1 += used;
            for k in 0..2 {
                part.class_rows[k] += c[k];
                part.correct[k] += c[2 + k];
            }
        }
    }
    unit.table = table;
    unit.put_lanes(lanes);
    true
}

/// Adds the fine p_t histogram bins of the first `n` elements straight into
/// their groups' Partials, in element order (elements that do not count,
/// pointed at the trash bin, are left out).
fn add_tails(parts: &mut [Partial], n: usize, by: &[u32], s: &Soa, trash: &Trash) {
    let nt = s.terms.len() / (2 * SUB);
    let tw = 1 + nt;
    for (i, &g) in by.iter().enumerate().take(n.min(SUB)) {
        if s.cell[i] == trash.cell {
            continue;
        }
        let bin = parts[g as usize].tail_row(s.tail[i] as usize, tw);
        bin[0] += 1.0;
        for j in 0..nt {
            bin[1 + j] += s.terms[2 * j * SUB + i];
        }
    }
}

#[cfg(test)]
#[path = "fast_by_tests.rs"]
mod tests;
