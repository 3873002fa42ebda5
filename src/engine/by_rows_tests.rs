//! `--by` groups against their rows run alone: what a group's rows add
//! through the grouped path, carried from unit to unit, and settled
//! together with another worker's, is what the ungrouped path gives on
//! those rows, bit for bit once rounded.

use crate::engine::accum::Partial;
use crate::engine::by_rows::ByRows;
use crate::engine::kernel::{accumulate, accumulate_by, Batch};
use crate::engine::spec::EngineSpec;
use crate::engine::unit::UnitAcc;
use crate::model::{Mode, ScoreKind, Term, BACKGROUND};

fn spec(mode: Mode, classes: usize) -> EngineSpec {
    EngineSpec {
        mode,
        kind: ScoreKind::Logits,
        classes,
        eps: 1e-7,
        edges: vec![0.0, 0.25, 0.5, 0.9, 1.0],
        easy: 0.9,
        terms: vec![Term::Pow(0.0), Term::Pow(0.5), Term::Pow(2.0), Term::Flsd53],
        tails: true,
        multilabel: false,
        calib: true,
        moments: true,
    }
}

/// `n` rows of `w` logits each over a wide range (some far out, off the
/// fixed-point grid), with labels of `mode`.
fn batch(mode: Mode, classes: usize, n: usize) -> Batch {
    let w = if mode == Mode::Binary { 1 } else { classes };
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut b = Batch::default();
    for i in 0..n {
        let label = match mode {
            Mode::Binary => (next() % 7 == 0) as i32,
            Mode::Sigmoid if i % 9 == 0 => BACKGROUND,
            _ => (next() % classes as u64) as i32,
        };
        b.labels.push(label);
        for _ in 0..w {
            let u = (next() >> 11) as f64 / (1u64 << 53) as f64;
            b.scores.push(match i % 23 {
                0 => 700.0 * (u - 0.5) * 8.0,
                1 => (u - 0.5) * 1e-6,
                _ => (u - 0.5) * 30.0,
            });
        }
    }
    b
}

/// The rows of `b` at `rows`.
fn pick(b: &Batch, w: usize, rows: &[usize]) -> Batch {
    let mut out = Batch::default();
    for &i in rows {
        out.labels.push(b.labels[i]);
        out.scores.extend_from_slice(&b.scores[i * w..(i + 1) * w]);
    }
    out
}

/// The rounded sums of a partial, for comparison.
fn sums(mut p: Partial) -> (Vec<u64>, Vec<u64>, Vec<u64>, u64, Vec<u64>, u64) {
    p.round();
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    (
        bits(&p.cells),
        bits(&p.tails),
        bits(p.calib.as_flattened()),
        p.brier.0.to_bits(),
        p.class_rows.clone(),
        p.rows_used,
    )
}

#[test]
fn each_group_sums_what_its_rows_give_alone() {
    for (mode, classes) in [(Mode::Binary, 2), (Mode::Softmax, 4), (Mode::Sigmoid, 3)] {
        let spec = spec(mode, classes);
        let w = spec.width();
        let n = 3000;
        let all = batch(mode, classes, n);
        let group = |i: usize| (i * 7919 + i / 5) % 11;
        // Three units, in batches of 250 rows, read by two workers: the
        // first and third by one (the third carrying the first's rows), the
        // second by another; the two workers' rows then settle together.
        let mut total: Option<Partial> = None;
        let mut carries = [None, None];
        for (unit, worker) in [(0..1100, 0), (1100..2000, 1), (2000..n, 0)] {
            let unit_end = unit.end;
            let carry = &mut carries[worker];
            let mut acc = UnitAcc::grouped(&spec);
            acc.carry(carry.take());
            let rows: Vec<usize> = unit.collect();
            for chunk in rows.chunks(250) {
                let g = acc.sums.groups.as_mut().expect("grouped");
                let slots: Vec<usize> = (chunk.iter())
                    .map(|&i| g.slot(Some(&group(i).to_string()), &spec))
                    .collect();
                accumulate_by(&spec, &pick(&all, w, chunk), &slots, &mut acc);
            }
            *carry = acc.take_carry();
            // Settled early, as past their most rows: the second worker's
            // and the first's after its first unit (the first's third unit
            // then adds rows on top of settled sums).
            if unit_end < n {
                carry.as_mut().expect("rows carried").settle();
            }
            let p = acc.settle();
            total.get_or_insert_with(|| Partial::new(&spec)).merge(&p);
        }
        let mut total = total.expect("three units");
        let [first, second] = carries.map(|c| c.expect("rows carried"));
        let by = ByRows::finish_all(*first, vec![*second], mode == Mode::Softmax);
        total.merge(&by);
        let groups = total.groups.take().expect("groups").into_pairs();
        assert_eq!(groups.len(), 11);
        for (key, part) in groups {
            let k: usize = key.expect("a key").parse().unwrap();
            let mine: Vec<usize> = (0..n).filter(|&i| group(i) == k).collect();
            let mut alone = UnitAcc::new(&spec);
            accumulate(&spec, &pick(&all, w, &mine), &mut alone);
            let alone = alone.settle();
            assert_eq!(sums(part), sums(alone), "{mode:?}, group {k}");
        }
    }
}
