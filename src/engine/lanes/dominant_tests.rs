//! Unit tests of the field-major dominant row: the same sums, bit for bit, as
//! with every row row-major.

use super::super::{Lanes, Trash};
use crate::engine::accum::Partial;
use crate::engine::fast::prepare;
use crate::engine::plan::Ctx;
use crate::engine::soa::{Soa, SUB};
use crate::engine::spec::EngineSpec;
use crate::model::{Mode, ScoreKind, Term, IGNORED};

/// A spec like the benchmark's `compare` (five terms, tails), with or without
/// calibration (joint rows or plain cells) and second moments.
fn spec(kind: ScoreKind, calib: bool, moments: bool) -> EngineSpec {
    EngineSpec {
        mode: Mode::Binary,
        kind,
        classes: 2,
        eps: 1e-7,
        edges: vec![0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0],
        easy: 0.9,
        terms: [0.0, 0.5, 1.0, 2.0, 5.0].map(Term::Pow).to_vec(),
        tails: true,
        multilabel: false,
        calib,
        moments,
    }
}

/// A small deterministic generator (64-bit LCG, top bits).
struct Gen(u64);

impl Gen {
    /// A value in [0, 1).
    fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Sub-batches whose elements mostly share one cell row (an easy negative of
/// the top bucket and confidence bin), with runs and single elements of other
/// rows, a stretch where another row dominates, elements that do not count
/// and lengths that are not multiples of four. Scores span many magnitudes,
/// so that a sum added in another order or another copy would differ.
fn batches(kind: ScoreKind) -> Vec<(Vec<i32>, Vec<f64>)> {
    let mut g = Gen(7);
    let lens = [SUB, SUB, SUB - 1, 7, SUB, 130, SUB, SUB, 3, SUB, SUB, SUB];
    lens.iter()
        .enumerate()
        .map(|(b, &n)| {
            let mut codes = Vec::with_capacity(n);
            let mut x = Vec::with_capacity(n);
            for i in 0..n {
                let r = g.unit();
                // Batches 4 and 5: mostly hard positives; batch 9 has
                // elements that do not count; the others mostly easy negatives.
                let (code, easy_neg) = match b {
                    4 | 5 => (i32::from(r < 0.8), (0.8..0.9).contains(&r)),
                    9 if i % 5 == 2 => (IGNORED, false),
                    _ if (i / 8) % 7 == 3 => (i32::from(r < 0.5), false),
                    _ => (i32::from(r > 0.9), r <= 0.9),
                };
                let m = g.unit();
                let p = if easy_neg {
                    1e-3 * m * 10f64.powi(-(i as i32 % 9))
                } else {
                    m
                };
                let p = if code == 1 && (4..=5).contains(&b) {
                    0.3 * m
                } else {
                    p
                };
                codes.push(code);
                x.push(match kind {
                    ScoreKind::Probabilities => p,
                    ScoreKind::Logits => (p / (1.0 - p)).ln(),
                });
            }
            (codes, x)
        })
        .collect()
}

#[test]
fn dominant_row_gives_the_row_major_sums_bit_for_bit() {
    for kind in [ScoreKind::Probabilities, ScoreKind::Logits] {
        for (calib, moments) in [(true, false), (true, true), (false, false)] {
            let spec = spec(kind, calib, moments);
            let cx = Ctx::new(&spec);
            let acc = Partial::new(&spec);
            let trash = Trash::of(&acc);
            let mut held = Lanes::new(&cx, &acc);
            assert!(
                !held.dom.is_empty(),
                "the benchmark's shape holds a row apart"
            );
            let mut plain = held.clone().without_dominant();
            let mut s = Soa::new(spec.terms.len(), moments);
            let mut was_held = 0;
            for (codes, x) in batches(kind) {
                prepare(&cx, &codes, &x, None, &trash, &mut s);
                let n = codes.len();
                held.add(n, s.counted, &mut s);
                plain.add(n, s.counted, &mut s);
                was_held += usize::from(held.dom_row != super::NO_ROW);
            }
            assert!(
                was_held >= 8,
                "{kind:?}: the row was held in {was_held} batches"
            );
            let (mut a, mut b) = (acc.clone(), acc.clone());
            held.add_into(&mut a);
            plain.add_into(&mut b);
            // Debug prints each f64 so that it reads back to the same bits.
            let (a, b) = (format!("{a:?}"), format!("{b:?}"));
            let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
            assert!(
                a == b,
                "{kind:?} calib={calib} moments={moments}: {} != {}",
                &a[at.saturating_sub(80)..(at + 40).min(a.len())],
                &b[at.saturating_sub(80)..(at + 40).min(b.len())]
            );
        }
    }
}
