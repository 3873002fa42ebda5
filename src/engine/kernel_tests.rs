//! Unit tests of the per-element kernels: stable logits at extremes, the
//! modulating factor against `powf`, tail bins against `log2`, the clamp.

use super::*;
use crate::engine::plan::{tail_bin, TAIL_OCTAVES, TAIL_SUB};
use crate::engine::spec::TAIL_BINS;

#[test]
fn logit_elements_are_stable_at_extremes() {
    let e = from_logit(1e4, true);
    assert_eq!(e.ln_pt, 0.0);
    assert_eq!(e.pt, 1.0);
    let e = from_logit(-1e4, true);
    assert_eq!(e.ln_pt, -1e4);
    assert!(e.q == 1.0 && e.pt == 0.0);
    let e = from_logit(0.3, false);
    let p = 1.0 / (1.0 + (-0.3f64).exp());
    assert!((e.pt - (1.0 - p)).abs() < 1e-15);
    assert!((e.ln_q - p.ln()).abs() < 1e-15);
}

#[test]
fn modulate_matches_powf() {
    for &g in &[0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0, 0.3, 1.7] {
        for &q in &[0.0f64, 1e-9, 0.1, 0.5, 0.99, 1.0] {
            let want = q.powf(g);
            let got = modulate(q, f64::NAN, g);
            assert!(
                (got - want).abs() <= 4e-15 * want.max(1e-300),
                "q={q} g={g}"
            );
        }
    }
}

#[test]
fn tail_bins_ascend_in_p_t_with_8_bins_per_octave() {
    // Reference: octave and sub-bin from log2, for x away from bin edges.
    let reference = |x: f64| -> usize {
        let l = x.log2();
        let octave = (-l).ceil() as usize - 1; // x in [2^-(o+1), 2^-o)
        if octave >= TAIL_OCTAVES {
            return 0;
        }
        let frac = x / 2f64.powi(-(octave as i32) - 1) - 1.0; // in [0, 1)
        (TAIL_OCTAVES - 1 - octave) * TAIL_SUB + (frac * 8.0) as usize
    };
    let mut last = 0;
    let mut pt = 1e-14;
    while pt < 1.0 {
        let q = 1.0 - pt;
        let b = tail_bin(pt, q);
        assert!(b >= last && b < TAIL_BINS, "pt={pt}: {b} after {last}");
        last = b;
        if pt <= 0.5 {
            assert_eq!(b, reference(pt), "pt={pt}");
        } else {
            assert_eq!(b, TAIL_BINS - 1 - reference(q), "pt={pt}");
        }
        pt *= 1.013;
    }
    assert_eq!(tail_bin(0.0, 1.0), 0);
    assert_eq!(tail_bin(1.0, 0.0), TAIL_BINS - 1);
    assert_eq!(tail_bin(0.5, 0.5), (TAIL_OCTAVES - 1) * TAIL_SUB);
}

#[test]
fn probabilities_are_clamped() {
    let e = from_prob(1.0, true, 1e-7);
    assert_eq!(e.pt, 1.0 - 1e-7);
    let e = from_prob(1.0, false, 1e-7);
    assert!((e.ln_pt - 1e-7f64.ln()).abs() < 1e-8);
}
