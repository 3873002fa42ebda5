//! `--by`: a unit's rows held back until there are many ([`Held`]), then
//! sorted into their groups (a stable counting sort: one index array, not a
//! vector per group), and each group's rows through the path an ungrouped
//! batch takes, into the group's partial (its counts) and the groups'
//! fixed-point rows ([`super::by_rows`]). A group's sums are then those its
//! rows give on their own, however they were split. Holding rows back gives
//! each group many elements at a time, so that its rows, which do not stay in
//! cache between two of its batches, are reached several times once there.

use super::kernel::{accumulate_rows, Batch};
use super::plan::Ctx;
use super::spec::EngineSpec;
use super::unit::UnitAcc;

/// Rows held back at most (fewer when rows are wide, see [`HELD_SCORES`]).
const HELD_ROWS: usize = 1 << 19;
/// Scores held back at most.
const HELD_SCORES: usize = 1 << 22;

/// A unit's `--by` rows not yet sorted into their groups.
#[derive(Clone, Debug)]
pub(crate) struct Held {
    /// What the rows are accumulated for.
    spec: EngineSpec,
    /// The rows.
    batch: Batch,
    /// Each row's group in the unit.
    groups: Vec<usize>,
}

/// Accumulates a decoded batch into the `--by` groups of `acc`, row `i` into
/// group `groups[i]` (every group already in `acc`): held back, then added
/// when many rows are held or the unit ends ([`flush`]).
pub(crate) fn by_groups(spec: &EngineSpec, batch: &Batch, groups: &[usize], acc: &mut UnitAcc) {
    let h = acc.held.get_or_insert_with(|| {
        Box::new(Held {
            spec: spec.clone(),
            batch: Batch::default(),
            groups: Vec::new(),
        })
    });
    h.batch.labels.extend_from_slice(&batch.labels);
    h.batch.scores.extend_from_slice(&batch.scores);
    h.batch.targets.extend_from_slice(&batch.targets);
    h.groups.extend_from_slice(groups);
    if h.groups.len() >= HELD_ROWS || h.batch.scores.len() >= HELD_SCORES {
        flush(acc);
    }
}

/// Adds the rows held back into the `--by` groups of `acc`.
pub(crate) fn flush(acc: &mut UnitAcc) {
    let Some(mut h) = acc.held.take() else {
        return;
    };
    if !h.groups.is_empty() {
        into_groups(&h.spec, &h.batch, &h.groups, acc);
    }
    h.batch.labels.clear();
    h.batch.scores.clear();
    h.batch.targets.clear();
    h.groups.clear();
    acc.held = Some(h);
}

/// Adds rows into the `--by` groups of `acc`, row `i` into group `groups[i]`.
fn into_groups(spec: &EngineSpec, batch: &Batch, groups: &[usize], acc: &mut UnitAcc) {
    let cx = Ctx::new(spec);
    let (parts, by, ids) = acc.with_groups(&cx);
    let ng = parts.len();
    let mut start = vec![0u32; ng + 1];
    for &k in groups {
        start[k + 1] += 1;
    }
    for k in 0..ng {
        start[k + 1] += start[k];
    }
    let mut fill = start.clone();
    let mut order = vec![0u32; groups.len()];
    for (i, &k) in groups.iter().enumerate() {
        order[fill[k] as usize] = i as u32;
        fill[k] += 1;
    }
    let w = spec.width();
    let mut sub = Batch::default();
    for (k, part) in parts.iter_mut().enumerate() {
        let rs = &order[start[k] as usize..start[k + 1] as usize];
        if rs.is_empty() {
            continue;
        }
        let rows = by.rows_of(ids[k]);
        if rs.len() == batch.labels.len() {
            // The whole batch is this group's: no copy.
            accumulate_rows(&cx, batch, part, rows);
            continue;
        }
        sub.labels.clear();
        sub.scores.clear();
        sub.targets.clear();
        sub.labels
            .extend(rs.iter().map(|&i| batch.labels[i as usize]));
        if w == 1 {
            sub.scores
                .extend(rs.iter().map(|&i| batch.scores[i as usize]));
        } else {
            for &i in rs {
                let i = i as usize;
                sub.scores
                    .extend_from_slice(&batch.scores[i * w..(i + 1) * w]);
            }
        }
        if !batch.targets.is_empty() {
            for &i in rs {
                let i = i as usize;
                sub.targets
                    .extend_from_slice(&batch.targets[i * w..(i + 1) * w]);
            }
        }
        accumulate_rows(&cx, &sub, part, rows);
    }
    by.check();
}
