//! Unit tests of the softmax row kernel: against a plain std-math statement of
//! the same quantities, at extremes, and the same bits from every build.

use super::*;
use crate::engine::spec::EngineSpec;
use crate::model::{Mode, Term, IGNORED, SKIPPED};

/// The row's quantities from std `exp`/`ln` and sums in index order.
fn reference(row: &[f64], y: usize) -> (Elem, f64, f64) {
    let m = row.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    let e: Vec<f64> = row.iter().map(|&z| (z - m).exp()).collect();
    let s: f64 = e.iter().sum();
    let rest: f64 = e
        .iter()
        .enumerate()
        .filter(|(k, _)| *k != y)
        .map(|(_, v)| v)
        .sum();
    let brier: f64 = e
        .iter()
        .enumerate()
        .map(|(k, &v)| (v / s - if k == y { 1.0 } else { 0.0 }).powi(2))
        .sum();
    let elem = Elem {
        pt: e[y] / s,
        q: rest / s,
        ln_pt: (row[y] - m) - s.ln(),
        ln_q: rest.ln() - s.ln(),
    };
    (elem, 1.0 / s, brier)
}

/// Within 1e-13 relative (ratios are accurate relative to their size).
fn close(a: f64, b: f64, what: &str) {
    let tol = 1e-13 * a.abs().max(b.abs());
    assert!((a - b).abs() <= tol || a == b, "{what}: {a} vs {b}");
}

/// Within 1e-13 of max(|a|, |b|, 1): a difference of logarithms is accurate
/// in absolute terms near 0.
fn close_ln(a: f64, b: f64, what: &str) {
    let tol = 1e-13 * a.abs().max(b.abs()).max(1.0);
    assert!((a - b).abs() <= tol || a == b, "{what}: {a} vs {b}");
}

/// Deterministic rows: xorshift logits on a few scales.
fn rows(k: usize, n: usize) -> Vec<(Vec<f64>, usize)> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ k as u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|i| {
            let scale = [0.5, 4.0, 30.0][i % 3];
            let row: Vec<f64> = (0..k).map(|_| (2.0 * next() - 1.0) * scale).collect();
            let y = (next() * k as f64) as usize;
            (row, y)
        })
        .collect()
}

#[test]
fn rows_match_plain_std_math() {
    for k in [1, 2, 7, 8, 9, 17, 100, 1000, 1003] {
        let mut buf = vec![0.0; k];
        for (row, y) in rows(k, 30) {
            let (e, conf, brier) = logit_row(&row, y, &mut buf, true);
            let (r, rconf, rbrier) = reference(&row, y);
            close(e.pt, r.pt, "pt");
            close(e.q, r.q, "q");
            close_ln(e.ln_pt, r.ln_pt, "ln_pt");
            if k > 1 {
                close_ln(e.ln_q, r.ln_q, "ln_q");
            }
            close(conf, rconf, "confidence");
            assert!((brier - rbrier).abs() <= 1e-14, "brier {brier} vs {rbrier}");
            let (_, _, none) = logit_row(&row, y, &mut buf, false);
            assert_eq!(none, 0.0);
        }
    }
}

#[test]
fn rows_far_apart_are_exact_at_the_extremes() {
    let mut buf = vec![0.0; 3];
    // The target is the top, the others underflow: p_t = 1, 1 - p_t = 0.
    let (e, conf, _) = logit_row(&[0.0, -800.0, -1000.0], 0, &mut buf, true);
    assert_eq!((e.pt, e.q, e.ln_pt, conf), (1.0, 0.0, 0.0, 1.0));
    assert_eq!(e.ln_q, f64::NEG_INFINITY);
    // The target is far below the top: ln p_t is exact, p_t is 0.
    let (e, _, brier) = logit_row(&[0.0, -800.0, -1000.0], 2, &mut buf, true);
    assert_eq!((e.pt, e.q, e.ln_pt), (0.0, 1.0, -1000.0));
    assert_eq!(brier, 2.0);
    // Ties: every class gets 1/K.
    let (e, _, _) = logit_row(&[5.0; 8], 3, &mut [0.0; 8], true);
    assert_eq!((e.pt, e.q), (0.125, 0.875));
}

#[test]
fn first_max_is_argmax_including_ties() {
    let rows = [
        vec![0.1, 0.5, 0.5, 0.2],
        vec![-3.0; 17],
        vec![0.0, -0.0, 0.0],
        (0..80).map(|k| ((k * 37) % 11) as f64).collect(),
        vec![f64::NEG_INFINITY, 1.0],
    ];
    for row in &rows {
        for y in 0..row.len() {
            assert_eq!(is_first_max(row, y), argmax(row) == y, "{row:?} y={y}");
        }
    }
}

fn spec(k: usize, calib: bool) -> EngineSpec {
    EngineSpec {
        mode: Mode::Softmax,
        kind: ScoreKind::Logits,
        classes: k,
        eps: 1e-7,
        edges: vec![0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0],
        easy: 0.9,
        terms: vec![Term::Pow(2.0), Term::Pow(3.3), Term::Flsd53],
        tails: true,
        multilabel: false,
        moments: false,
        calib,
    }
}

/// The generic, AVX2 and AVX-512 builds of the row loop give the same bits
/// on the levels this CPU has, and the sums count the right rows.
#[test]
fn every_build_gives_the_same_bits() {
    let bits = |o: &[RowOut]| -> Vec<[u64; 7]> {
        o.iter()
            .map(|r| {
                let e = r.e;
                [
                    e.pt,
                    e.q,
                    e.ln_pt,
                    e.ln_q,
                    r.confidence,
                    r.brier,
                    r.right as u8 as f64,
                ]
                .map(f64::to_bits)
            })
            .collect()
    };
    for k in [3, 13, 100, 1000] {
        let data = rows(k, 60);
        let mut labels: Vec<i32> = data.iter().map(|r| r.1 as i32).collect();
        labels[5] = IGNORED;
        labels[7] = SKIPPED;
        let scores: Vec<f64> = data.iter().flat_map(|r| r.0.iter().copied()).collect();
        for calib in [true, false] {
            let mut want = vec![NO_ROW; 60];
            row_outs_generic(&labels, &scores, k, calib, &mut want);
            #[cfg(target_arch = "x86_64")]
            {
                if std::is_x86_feature_detected!("avx2") {
                    let mut got = vec![NO_ROW; 60];
                    // SAFETY: the CPU has AVX2 (checked above).
                    unsafe { row_outs_avx2(&labels, &scores, k, calib, &mut got) };
                    assert_eq!(bits(&got), bits(&want), "AVX2, K = {k}");
                }
                if simd::level() == Level::Avx512 {
                    let mut got = vec![NO_ROW; 60];
                    // SAFETY: the CPU has AVX-512 F/DQ/VL (simd::level checked).
                    unsafe { row_outs_avx512(&labels, &scores, k, calib, &mut got) };
                    assert_eq!(bits(&got), bits(&want), "AVX-512, K = {k}");
                }
            }
            let spec = spec(k, calib);
            let (mut acc, cx) = (Partial::new(&spec), Ctx::new(&spec));
            let cells = acc.cells.len() / acc.stride;
            let mut fixed = crate::engine::fixed::FixedRows::new(&cx, cells);
            super::rows(&cx, &labels, &scores, &mut acc, &mut fixed);
            assert_eq!((acc.rows_used, acc.rows_ignored), (58, 1));
            assert_eq!(acc.brier.1, 58);
        }
    }
}
