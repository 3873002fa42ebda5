//! `--by`: a unit's rows held back until there are many ([`Held`]), then
//! moved into group order (a stable counting sort into one buffer, not a
//! vector per group), and each group's rows through the path an ungrouped
//! batch takes, into the group's partial (its counts) and the groups'
//! fixed-point rows ([`super::by_rows`]). A group's sums are then those its
//! rows give on their own, however they were split. Holding rows back gives
//! each group many elements at a time, so that its rows, which do not stay in
//! cache between two of its batches, are reached several times once there.

use super::kernel::{accumulate_parts, accumulate_rows, Batch};
use super::plan::Ctx;
use super::spec::EngineSpec;
use super::unit::UnitAcc;

/// Rows held back at most (fewer when rows are wide, see [`HELD_SCORES`]).
const HELD_ROWS: usize = 1 << 20;
/// Scores held back at most.
const HELD_SCORES: usize = 1 << 23;

/// A unit's `--by` rows not yet sorted into their groups, and the room
/// they are sorted into (both kept, emptied, from batch to batch and, with
/// the groups' rows, from unit to unit).
#[derive(Clone, Debug)]
pub(crate) struct Held {
    /// What the rows are accumulated for.
    spec: EngineSpec,
    /// The rows.
    batch: Batch,
    /// Each row's group in the unit.
    groups: Vec<usize>,
    /// The rows in group order (longer than needed: only the start is
    /// used), or for one group at a time when they are in `pairs`.
    sorted: Batch,
    /// Binary rows in group order, each as (score, label).
    pairs: Vec<(f64, i32)>,
    /// Per group of the unit, where its rows start in `sorted` (and, last,
    /// the end of the rows).
    start: Vec<u32>,
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
            sorted: Batch::default(),
            pairs: Vec::new(),
            start: Vec::new(),
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
        into_groups(&mut h, acc);
    }
    h.batch.labels.clear();
    h.batch.scores.clear();
    h.batch.targets.clear();
    h.groups.clear();
    acc.held = Some(h);
}

/// Grows `v` to at least `n` items (never shrinks it, and leaves what it
/// holds: every item used is written before it is read).
fn room<T: Copy + Default>(v: &mut Vec<T>, n: usize) {
    if v.len() < n {
        v.resize(n, T::default());
    }
}

/// Moves the held rows into group order (a stable counting sort), and
/// leaves in `h.start` where each group's rows start. The rows are read in
/// order and written into one run per group, so both sides stream through
/// memory (sorting positions and gathering the rows by them would read the
/// rows at random).
fn sort(h: &mut Held, ng: usize) {
    let w = h.spec.width();
    let n = h.groups.len();
    h.start.clear();
    h.start.resize(ng + 1, 0);
    for &k in &h.groups {
        h.start[k + 1] += 1;
    }
    for k in 0..ng {
        h.start[k + 1] += h.start[k];
    }
    let mut fill = h.start[..ng].to_vec();
    let (b, s) = (&h.batch, &mut h.sorted);
    if w == 1 && b.targets.is_empty() {
        // One score per row, no targets (binary): each row's label and
        // score as one record, so each row adds to one run rather than two
        // (the stores that miss the cache are what this loop waits on).
        room(&mut h.pairs, n);
        for ((&k, &l), &x) in h.groups.iter().zip(&b.labels).zip(&b.scores) {
            let at = fill[k] as usize;
            fill[k] += 1;
            h.pairs[at] = (x, l);
        }
        return;
    }
    room(&mut s.labels, n);
    room(&mut s.scores, n * w);
    if !b.targets.is_empty() {
        room(&mut s.targets, n * w);
    }
    for (i, &k) in h.groups.iter().enumerate() {
        let at = fill[k] as usize;
        fill[k] += 1;
        s.labels[at] = b.labels[i];
        if w == 1 {
            s.scores[at] = b.scores[i];
        } else {
            s.scores[at * w..(at + 1) * w].copy_from_slice(&b.scores[i * w..(i + 1) * w]);
        }
        if !b.targets.is_empty() {
            s.targets[at * w..(at + 1) * w].copy_from_slice(&b.targets[i * w..(i + 1) * w]);
        }
    }
}

/// Adds the held rows into the `--by` groups of `acc`, row `i` into group
/// `h.groups[i]`.
fn into_groups(h: &mut Held, acc: &mut UnitAcc) {
    let spec = h.spec.clone();
    let cx = Ctx::new(&spec);
    let (parts, by, ids) = acc.with_groups(&cx);
    let n = h.groups.len();
    let first = h.groups[0];
    if h.groups.iter().all(|&k| k == first) {
        // Every row is one group's: no sort.
        accumulate_rows(&cx, &h.batch, &mut parts[first], by.rows_of(ids[first]));
        by.check();
        return;
    }
    sort(h, parts.len());
    let w = spec.width();
    let s = &mut h.sorted;
    let targets = !h.batch.targets.is_empty();
    let paired = w == 1 && !targets;
    for (k, part) in parts.iter_mut().enumerate() {
        let (a, b) = (h.start[k] as usize, h.start[k + 1] as usize);
        if a == b {
            continue;
        }
        let rows = by.rows_of(ids[k]);
        if paired {
            // The group's records split into the batch's two arrays (a
            // run read in order, the arrays written in order: in cache).
            s.labels.clear();
            s.scores.clear();
            s.labels.extend(h.pairs[a..b].iter().map(|p| p.1));
            s.scores.extend(h.pairs[a..b].iter().map(|p| p.0));
            accumulate_parts(&cx, &s.labels, &s.scores, &[], part, rows);
            continue;
        }
        let t: &[u8] = if targets {
            &s.targets[a * w..b * w]
        } else {
            &[]
        };
        accumulate_parts(&cx, &s.labels[a..b], &s.scores[a * w..b * w], t, part, rows);
    }
    debug_assert_eq!(h.start[parts.len()] as usize, n);
    by.check();
}
