//! The `--by` groups' sums through the folded scatter equal, bit for bit,
//! the sums of each group's rows added straight into its own Partial.

use super::*;
use crate::engine::kernel::{accumulate_direct, Batch};
use crate::engine::spec::EngineSpec;
use crate::model::{ScoreKind, Term, SKIPPED};

fn spec(kind: ScoreKind, tails: bool, moments: bool) -> EngineSpec {
    EngineSpec {
        mode: Mode::Binary,
        kind,
        classes: 2,
        eps: 1e-7,
        edges: vec![0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0],
        easy: 0.8,
        terms: vec![
            Term::Pow(0.0),
            Term::Pow(0.5),
            Term::Pow(2.0),
            Term::Pow(3.3),
            Term::Flsd53,
            Term::Poly1(1.0),
        ],
        tails,
        multilabel: false,
        calib: true,
        moments,
    }
}

/// Pseudo-random rows: labels (ignored and skipped ones among them),
/// scores, and a group of `groups` per row.
fn rows(n: usize, groups: u32, kind: ScoreKind) -> (Vec<i32>, Vec<f64>, Vec<u32>) {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        x >> 11
    };
    let (mut labels, mut scores, mut by) = (vec![], vec![], vec![]);
    for i in 0..n {
        let r = next();
        labels.push(match i % 53 {
            7 => IGNORED,
            19 => SKIPPED,
            _ => (r % 2) as i32,
        });
        let u = (next() as f64) / (1u64 << 53) as f64;
        scores.push(match kind {
            ScoreKind::Probabilities => u,
            ScoreKind::Logits => (u - 0.5) * 30.0,
        });
        // Runs of one group and scattered groups both occur.
        by.push(if i % 300 < 40 {
            3
        } else {
            (next() % groups as u64) as u32
        });
    }
    (labels, scores, by)
}

/// A unit accumulator for `groups` groups, as a reader makes them.
fn grouped(spec: &EngineSpec, groups: u32) -> UnitAcc {
    let mut acc = UnitAcc::grouped(spec);
    let g = acc.sums.groups.as_deref_mut().expect("groups");
    for k in 0..groups {
        g.slot(Some(&k.to_string()), spec);
    }
    acc
}

/// Batches of `batch` rows, through [`binary_by_capped`] with `max`, falling
/// back to one group at a time as the decoder does.
fn folded(
    spec: &EngineSpec,
    rows: &(Vec<i32>, Vec<f64>, Vec<u32>),
    groups: u32,
    batch: usize,
    max: [usize; 2],
) -> Partial {
    let cx = Ctx::new(spec);
    let mut acc = grouped(spec, groups);
    for ((l, x), b) in rows
        .0
        .chunks(batch)
        .zip(rows.1.chunks(batch))
        .zip(rows.2.chunks(batch))
    {
        if binary_by_capped(&cx, l, x, b, &mut acc, max) {
            continue;
        }
        let parts = &mut acc.sums.groups.as_deref_mut().expect("groups").parts;
        for (k, part) in parts.iter_mut().enumerate() {
            let mut sub = Batch::default();
            for ((&l, &x), &g) in l.iter().zip(x).zip(b) {
                if g as usize == k {
                    sub.labels.push(l);
                    sub.scores.push(x);
                }
            }
            accumulate_direct(spec, &sub, part);
        }
    }
    acc.settle()
}

/// Each group's rows, in order, straight into its own Partial.
fn direct(spec: &EngineSpec, rows: &(Vec<i32>, Vec<f64>, Vec<u32>), groups: u32) -> Partial {
    let mut acc = grouped(spec, groups);
    let parts = &mut acc.sums.groups.as_deref_mut().expect("groups").parts;
    for (k, part) in parts.iter_mut().enumerate() {
        let mut sub = Batch::default();
        for ((&l, &x), &g) in rows.0.iter().zip(&rows.1).zip(&rows.2) {
            if g as usize == k {
                sub.labels.push(l);
                sub.scores.push(x);
            }
        }
        accumulate_direct(spec, &sub, part);
    }
    acc.settle()
}

#[test]
fn folded_groups_equal_each_group_added_straight_in() {
    for kind in [ScoreKind::Probabilities, ScoreKind::Logits] {
        for (tails, moments) in [(false, false), (true, false), (true, true)] {
            let spec = spec(kind, tails, moments);
            let rows = rows(20_011, 37, kind);
            let want = direct(&spec, &rows, 37);
            for batch in [1, 5, 256, 1000, 20_011] {
                // With the histograms' table, and without (straight into each group's).
                for table in [MAX_TABLE, 0] {
                    let got = folded(&spec, &rows, 37, batch, [MAX_VALUES, table]);
                    assert_eq!(
                        got, want,
                        "{kind:?} tails={tails} moments={moments} batch={batch} table={table}"
                    );
                    // The next unit takes a table from the pool: it must be all zero.
                    assert!(crate::engine::tail_table::pooled_tables_are_zero());
                }
            }
        }
    }
}

#[test]
fn past_the_cap_the_groups_go_on_straight_in_with_the_same_sums() {
    let spec = spec(ScoreKind::Logits, true, false);
    let cx = Ctx::new(&spec);
    let one = Lanes::for_groups(&cx, &Partial::new(&spec)).values_for(1);
    let tw = 1 + spec.terms.len();
    let table = TailTable::values_for(4, 2 * crate::engine::spec::TAIL_BINS, tw);
    // Past the rows' cap; past the histograms' table cap alone.
    for max in [[6 * one, MAX_TABLE], [MAX_VALUES, table]] {
        past_the_cap(&spec, max);
    }
}

#[test]
fn groups_that_appear_later_keep_the_rows_the_table_holds() {
    // No cap: the table makes room for the new groups while holding rows.
    for kind in [ScoreKind::Probabilities, ScoreKind::Logits] {
        past_the_cap(&spec(kind, true, false), [MAX_VALUES, MAX_TABLE]);
    }
}

fn past_the_cap(spec: &EngineSpec, max: [usize; 2]) {
    let spec = spec.clone();
    let mut rows = rows(9_001, 11, ScoreKind::Logits);
    // Groups 4..11 appear from row 2100 on, the fourth batch.
    for g in &mut rows.2[..2100] {
        *g %= 4;
    }
    let want = direct(&spec, &rows, 11);
    let cx = Ctx::new(&spec);
    // Folded for the first batches (groups appear as rows arrive), then past the cap.
    let mut acc = grouped(&spec, 4);
    let mut folded_any = false;
    for (i, ((l, x), b)) in rows
        .0
        .chunks(700)
        .zip(rows.1.chunks(700))
        .zip(rows.2.chunks(700))
        .enumerate()
    {
        if i == 3 {
            let g = acc.sums.groups.as_deref_mut().expect("groups");
            for k in 4..11u32 {
                g.slot(Some(&k.to_string()), &spec);
            }
        }
        if binary_by_capped(&cx, l, x, b, &mut acc, max) {
            folded_any = true;
            continue;
        }
        let parts = &mut acc.sums.groups.as_deref_mut().expect("groups").parts;
        for (k, part) in parts.iter_mut().enumerate() {
            let mut sub = Batch::default();
            for ((&l, &x), &g) in l.iter().zip(x).zip(b) {
                if g as usize == k {
                    sub.labels.push(l);
                    sub.scores.push(x);
                }
            }
            accumulate_direct(&spec, &sub, part);
        }
    }
    assert!(folded_any);
    assert_eq!(acc.settle(), want, "{max:?}");
}

/// Each group's rows, in order, straight into its own Partial whose fine
/// histogram is dense, as a whole input's is.
fn direct_dense(spec: &EngineSpec, rows: &(Vec<i32>, Vec<f64>, Vec<u32>), groups: u32) -> Partial {
    let mut acc = Partial::new(spec);
    let g = acc.groups.get_or_insert_with(Default::default);
    for k in 0..groups {
        g.push(Some(k.to_string()), Partial::new(spec))
            .expect("new key");
    }
    let parts = &mut acc.groups.as_deref_mut().expect("groups").parts;
    for (k, part) in parts.iter_mut().enumerate() {
        let mut sub = Batch::default();
        for ((&l, &x), &g) in rows.0.iter().zip(&rows.1).zip(&rows.2) {
            if g as usize == k {
                sub.labels.push(l);
                sub.scores.push(x);
            }
        }
        accumulate_direct(spec, &sub, part);
    }
    acc
}

#[test]
fn sparse_histograms_merge_to_the_bits_of_dense_ones() {
    let spec = spec(ScoreKind::Logits, true, false);
    let rows = rows(30_011, 23, ScoreKind::Logits);
    let (mut sparse, mut dense) = (Partial::new(&spec), Partial::new(&spec));
    // Units of uneven size, each merged in order as the scheduler does.
    for (start, end) in [
        (0, 7_000),
        (7_000, 7_100),
        (7_100, 22_000),
        (22_000, 30_011),
    ] {
        let unit = (
            rows.0[start..end].to_vec(),
            rows.1[start..end].to_vec(),
            rows.2[start..end].to_vec(),
        );
        let s = folded(&spec, &unit, 23, 1000, [MAX_VALUES, MAX_TABLE]);
        let parts = &s.groups.as_deref().expect("groups").parts;
        assert!(parts
            .iter()
            .all(|p| p.tails.is_empty() && p.sparse_tails.is_some()));
        sparse.merge(&s);
        dense.merge(&direct_dense(&spec, &unit, 23));
    }
    sparse.round();
    dense.round();
    let (s, d) = (sparse.split_groups().1, dense.split_groups().1);
    assert_eq!(s.len(), 23);
    let tw = 1 + spec.terms.len();
    for ((ks, ps), (kd, pd)) in s.iter().zip(&d) {
        assert_eq!(ks, kd);
        assert!(ps.sparse_tails.is_none());
        assert_eq!(ps.tails.len(), 2 * crate::engine::spec::TAIL_BINS * tw);
        for (i, (a, b)) in ps.tails.iter().zip(&pd.tails).enumerate() {
            assert_eq!(a.to_bits(), b.to_bits(), "group {ks:?} value {i}");
        }
        assert_eq!(ps, pd);
        // Every counted element is in exactly one bin of its group.
        let n: f64 = ps.tails.iter().step_by(tw).sum();
        assert_eq!(n, ps.rows_used as f64);
    }
}

#[test]
fn merges_held_back_give_the_exact_sums_of_merges_done_at_once() {
    let spec = spec(ScoreKind::Logits, true, true);
    let rows = rows(20_000, 23, ScoreKind::Logits);
    let (mut now, mut held) = (Partial::new(&spec), Partial::new(&spec));
    // More units than are held back, the first too small to hold every
    // group (the others' groups arrive while merges are held).
    let cuts = [
        0, 9, 40, 3_000, 3_001, 8_000, 12_000, 12_500, 17_000, 20_000,
    ];
    for w in cuts.windows(2) {
        let unit = (
            rows.0[w[0]..w[1]].to_vec(),
            rows.1[w[0]..w[1]].to_vec(),
            rows.2[w[0]..w[1]].to_vec(),
        );
        let s = folded(&spec, &unit, 23, 1000, [MAX_VALUES, MAX_TABLE]);
        now.merge(&s);
        held.merge_owned(s);
        // Settled when due, as the scheduler does, and at the end.
        if let Some(mut g) = held.groups_to_settle() {
            g.settle();
            held.groups = Some(g);
        }
    }
    held.settle_groups();
    let g = held.groups.as_deref().expect("groups");
    assert_eq!(g.len(), 23);
    assert!(g.parts.iter().all(|p| p.exact.is_some()));
    // Exact sums component by component: a part lost or merged twice differs.
    assert_eq!(held, now);
    let used: u64 = g.parts.iter().map(|p| p.rows_used).sum();
    assert_eq!(
        used,
        now.groups
            .as_deref()
            .expect("groups")
            .parts
            .iter()
            .map(|p| p.rows_used)
            .sum::<u64>()
    );
}

#[test]
fn groups_folded_in_chunks_give_the_whole_one_by_one_merges_give() {
    let spec = spec(ScoreKind::Logits, true, false);
    // More groups than one chunk of the fold, over two units.
    let rows = rows(40_000, 75, ScoreKind::Logits);
    let mut total = Partial::new(&spec);
    for (start, end) in [(0, 13_000), (13_000, 40_000)] {
        let unit = (
            rows.0[start..end].to_vec(),
            rows.1[start..end].to_vec(),
            rows.2[start..end].to_vec(),
        );
        total.merge(&folded(&spec, &unit, 75, 1000, [MAX_VALUES, MAX_TABLE]));
    }
    let mut one_by_one = Partial::new(&spec);
    for (_, part) in total
        .groups
        .as_deref()
        .expect("groups")
        .clone()
        .into_sorted()
    {
        one_by_one.merge(&part);
    }
    total.fold_groups(&spec);
    assert_eq!(total.groups.as_deref().map(|g| g.len()), Some(75));
    total.round();
    one_by_one.round();
    assert_eq!(total.rows_used, one_by_one.rows_used);
    let bits = |p: &Partial| -> Vec<u64> {
        let calib = p.calib.as_flattened().iter();
        let all = p.cells.iter().chain(&p.tails).chain(calib);
        all.map(|x| x.to_bits()).collect()
    };
    assert_eq!(bits(&total), bits(&one_by_one));
    assert!(total.tails.iter().any(|&x| x != 0.0));
}
