//! Unit tests of the binary and sigmoid row helpers.

use super::*;
use crate::engine::kernel::argmax;

#[test]
fn is_top_agrees_with_argmax_including_ties() {
    let rows: Vec<Vec<f64>> = vec![
        vec![0.1, 0.5, 0.5, 0.2],
        vec![-3.0; 17],
        vec![0.0, -0.0, 0.0],
        (0..80).map(|k| ((k * 37) % 11) as f64).collect(),
        (0..80).map(|k| -(k as f64)).collect(),
        (0..9).map(|k| (k % 3) as f64).collect(),
        vec![f64::NEG_INFINITY, 1.0],
        vec![2.0],
    ];
    for row in &rows {
        for y in 0..row.len() {
            assert_eq!(is_top(row, y), argmax(row) == y, "{row:?} y={y}");
        }
    }
}

#[test]
fn vector_terms_equal_the_scalar_definition_bit_for_bit() {
    use crate::engine::spec::EngineSpec;
    use crate::model::{Mode, Term};
    let mut terms: Vec<Term> = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0]
        .into_iter()
        .chain([7.0, 9.5, 16.0, 0.3, 1.7, 17.0])
        .map(Term::Pow)
        .collect();
    terms.extend([Term::Flsd53, Term::Poly1(1.0), Term::Poly1(-0.5)]);
    for kind in [ScoreKind::Probabilities, ScoreKind::Logits] {
        let spec = EngineSpec {
            mode: Mode::Binary,
            kind,
            classes: 2,
            eps: 1e-7,
            edges: vec![0.0, 0.5, 1.0],
            easy: 0.8,
            terms: terms.clone(),
            tails: false,
            multilabel: false,
            calib: false,
            moments: false,
        };
        let cx = Ctx::new(&spec);
        let trash = Trash { cell: 4, cal: 0 };
        // Scores across the range, the extremes included; a length that is
        // not a multiple of the lanes.
        let n = SUB - 3;
        let x: Vec<f64> = (0..n)
            .map(|i| {
                let t = i as f64 / n as f64;
                match kind {
                    ScoreKind::Probabilities => [0.0, 1.0, 0.5, t, t * t * 1e-9][i % 5],
                    ScoreKind::Logits => [-800.0, 800.0, 0.0, 40.0 * t - 20.0, 1e-3 * t][i % 5],
                }
            })
            .collect();
        let codes: Vec<i32> = (0..n).map(|i| (i % 3 == 0) as i32).collect();
        scratch(&cx, |s| {
            prepare(&cx, &codes, &x, None, &trash, s);
            for (j, plan) in cx.plans.iter().enumerate() {
                for i in 0..n {
                    // The same inputs (ln(1 - p_t) is there: a general γ asks for it).
                    let (loss, grad) = plan.loss_grad(s.pt[i], s.q[i], s.ce[i], s.lnq[i]);
                    let got = (s.terms[2 * j * SUB + i], s.terms[(2 * j + 1) * SUB + i]);
                    assert_eq!(
                        (got.0.to_bits(), got.1.to_bits()),
                        (loss.to_bits(), grad.to_bits()),
                        "{kind:?} {plan:?} element {i}: pt={} got {got:?} want {:?}",
                        s.pt[i],
                        (loss, grad)
                    );
                }
            }
        });
    }
}
