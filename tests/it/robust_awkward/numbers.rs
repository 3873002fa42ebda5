//! Numbers at the edges: scientific notation, infinite and very large logits,
//! probabilities of exactly 0 and 1.

use super::*;
use crate::support::*;
use arrow_array::types::Float64Type;
use arrow_array::*;

#[test]
fn scientific_notation() {
    let d = Workdir::new();
    let f = write(
        d.root(),
        "sci.csv",
        "label,prob\n0,1e-05\n1,9.5E-1\n0,2.5e-1\n1,1E0\n0,0e0\n1,+7.5e-01\n",
    );
    let rows = [
        (0, 1e-5),
        (1, 0.95),
        (0, 0.25),
        (1, 1.0),
        (0, 0.0),
        (1, 0.75),
    ];
    let r = stats(&[&f]);
    let (ce, fl) = binary_reference(&rows);
    assert_eq!(r.input.rows_used, 6);
    assert_close(r.totals.ce_sum, ce, 1e-13, "CE");
    assert_close(r.totals.focal_sum, fl, 1e-13, "FL");
    let f = write(
        d.root(),
        "sci_logits.csv",
        "label,logit\n0,-1.5e+01\n1,2E1\n1,-3.0e-2\n",
    );
    let r = stats(&[&f]);
    let want: f64 = [(0, -15.0), (1, 20.0), (1, -0.03)]
        .iter()
        .map(|&(y, x)| binary_logit(x, y, 2.0, 0.25).0)
        .sum();
    assert_close(r.totals.ce_sum, want, 1e-13, "CE");
}

#[test]
fn infinite_logits_are_an_error() {
    // Documented rule: ±inf logits are invalid (out_of_range), not a limit.
    let d = Workdir::new();
    for (name, v) in [("pos", "inf"), ("neg", "-inf"), ("word", "Infinity")] {
        let f = write(
            d.root(),
            &format!("{name}.csv"),
            format!("label,logit\n0,0.5\n1,{v}\n"),
        );
        let e = stats_err(&[&f]);
        assert!(e.contains("line 3"), "{e}");
        assert!(e.contains("\"logit\""), "{e}");
        assert!(e.contains("infinite"), "{e}");
        assert!(e.contains("--skip-invalid"), "{e}");
        let r = stats(&[f.as_os_str(), "--skip-invalid".as_ref()]);
        assert_eq!(r.input.skipped[0].reason, "out_of_range");
        assert_eq!(r.input.skipped[0].first, vec![3]);
    }
    let f = write_parquet(
        d.root(),
        "inf.parquet",
        vec![
            ("label", arr(Int64Array::from(vec![0, 1, 0]))),
            (
                "logits",
                arr(ListArray::from_iter_primitive::<Float64Type, _, _>(vec![
                    Some(vec![Some(0.0), Some(1.0)]),
                    Some(vec![Some(0.0), Some(1.0)]),
                    Some(vec![Some(f64::NEG_INFINITY), Some(1.0)]),
                ])),
            ),
        ],
        None,
    );
    let e = stats_err(&[&f]);
    assert!(e.contains("row 2 (0-based)"), "{e}");
    assert!(e.contains("logits[0]"), "{e}");
    assert!(e.contains("infinite"), "{e}");
}

#[test]
fn logits_of_plus_minus_1e4_are_finite_and_exact() {
    let d = Workdir::new();
    // binary: CE(+1e4 | y=1) = 0, CE(-1e4 | y=1) = 1e4 exactly (ln1p(e^-1e4) = 0 in f64).
    let f = write(
        d.root(),
        "big.csv",
        "label,logit\n1,10000\n1,-10000\n0,10000\n0,-10000\n",
    );
    let r = stats(&[f.as_os_str(), "--alpha".as_ref(), "none".as_ref()]);
    assert_eq!(r.totals.ce_sum, 2e4);
    assert_eq!(r.totals.focal_sum, 2e4);
    let want: f64 = [(1, 1e4), (1, -1e4), (0, 1e4), (0, -1e4)]
        .iter()
        .map(|&(y, x)| binary_logit(x, y, 2.0, 0.25).1)
        .sum();
    let r = stats(&[&f]);
    assert_eq!(r.totals.focal_sum, want);
    assert_eq!(r.totals.focal_sum, 0.25 * 1e4 + 0.75 * 1e4);
    // softmax: ln p_t = z_y - logsumexp(z) exactly, p_t = 0 for the losers.
    let f = write(
        d.root(),
        "big_softmax.csv",
        "label,logit_0,logit_1,logit_2\n1,10000,-10000,0\n0,10000,-10000,0\n2,-10000,-10000,10000\n",
    );
    let r = stats(&[&f]);
    assert_eq!(r.totals.ce_sum, 2e4);
    assert_eq!(r.totals.focal_sum, 2e4);
    assert_eq!(r.classes[1].ce_sum, 2e4);
    assert_eq!(r.buckets[0].count, 1);
    // sigmoid: every element is a binary logit.
    let f = write(
        d.root(),
        "big_sigmoid.csv",
        "label,logit_0,logit_1\n0,10000,-10000\n1,10000,-10000\n-1,-10000,10000\n",
    );
    let r = stats(&[f.as_os_str(), "--mode".as_ref(), "sigmoid".as_ref()]);
    let want: f64 = [
        (1, 1e4),
        (0, -1e4),
        (0, 1e4),
        (1, -1e4),
        (0, -1e4),
        (0, 1e4),
    ]
    .iter()
    .map(|&(y, x)| binary_logit(x, y, 2.0, 0.25).1)
    .sum();
    assert_eq!(r.totals.ce_sum, 3e4);
    assert_eq!(r.totals.focal_sum, want);
}

#[test]
fn probabilities_of_exactly_0_and_1_are_clamped() {
    let d = Workdir::new();
    let f = write(d.root(), "edges.csv", "label,prob\n1,1\n1,0\n0,0\n0,1.0\n");
    let r = stats(&[&f]);
    let rows = [(1, 1.0), (1, 0.0), (0, 0.0), (0, 1.0)];
    let (ce, fl) = binary_reference(&rows);
    assert_close(r.totals.ce_sum, ce, 1e-14, "CE");
    assert_close(r.totals.focal_sum, fl, 1e-14, "FL");
    // 1 - (1 - 1e-7) is not exactly 1e-7 in f64, hence the looser tolerance.
    let by_hand = -2.0 * (1e-7f64).ln() - 2.0 * (-1e-7f64).ln_1p();
    assert_close(r.totals.ce_sum, by_hand, 1e-9, "CE by hand");
    // softmax one-hot rows, right and wrong.
    let f = write(
        d.root(),
        "onehot.csv",
        "label,prob_0,prob_1\n0,1,0\n1,1,0\n1,0.0,1.0\n",
    );
    let r = stats(&[&f]);
    let want = -(1.0 - 1e-7f64).ln() * 2.0 - (1e-7f64).ln();
    assert_close(r.totals.ce_sum, want, 1e-14, "softmax CE");
    assert!(r.totals.focal_sum.is_finite());
    // a different ε is honoured
    let r = stats(&[f.as_os_str(), "--eps".as_ref(), "1e-3".as_ref()]);
    let want = -(1.0 - 1e-3f64).ln() * 2.0 - (1e-3f64).ln();
    assert_close(r.totals.ce_sum, want, 1e-14, "softmax CE at ε = 1e-3");
}
