//! Synthetic prediction dumps whose right answer is known, for the compare and
//! recommend tests. A fixed-seed LCG makes every file byte-identical on every run.

use super::{f64s, i64s, softmax, write_parquet, Lcg};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Writes a softmax CSV: `label,prob_0..prob_{K-1}`.
pub fn softmax_csv(path: &Path, labels: &[i64], probs: &[Vec<f64>]) {
    let k = probs[0].len();
    let mut s = String::from("label");
    for c in 0..k {
        let _ = write!(s, ",prob_{c}");
    }
    s.push('\n');
    for (y, row) in labels.iter().zip(probs) {
        let _ = write!(s, "{y}");
        for p in row {
            let _ = write!(s, ",{p}");
        }
        s.push('\n');
    }
    std::fs::write(path, s).unwrap();
}

/// (a) Balanced binary, mostly easy, calibrated by construction (labels ~ Bernoulli(p)):
/// easy elements hold well under half of CE's loss and gradient. Answer: cross-entropy, γ = 0.
pub fn balanced_easy(dir: &Path) -> PathBuf {
    let mut r = Lcg::new(1);
    let (mut y, mut p) = (Vec::new(), Vec::new());
    for _ in 0..20_000 {
        let c = if r.bernoulli(0.6) {
            r.range(0.92, 0.995)
        } else {
            r.range(0.55, 0.9)
        };
        let prob = if r.bernoulli(0.5) { c } else { 1.0 - c };
        y.push(r.bernoulli(prob) as i64);
        p.push(prob);
    }
    write_parquet(
        dir,
        "balanced_easy.parquet",
        vec![("label", i64s(y)), ("prob", f64s(p))],
        None,
    )
}

/// (b) Dense detection: 0.3% positives, 97% of negatives easy (p ≈ 0.03–0.07), a few
/// medium negatives. Easy negatives swamp CE's gradient. Answer: focal, γ ∈ [1, 3], α ≤ 0.5.
pub fn dense_detection(dir: &Path) -> PathBuf {
    let mut r = Lcg::new(2);
    let (mut y, mut x) = (Vec::new(), Vec::new());
    for _ in 0..100_000 {
        if r.bernoulli(0.003) {
            y.push(1);
            x.push(r.range(-1.0, 2.0));
        } else if r.bernoulli(0.97) {
            y.push(0);
            x.push(r.range(-3.4, -2.6));
        } else {
            y.push(0);
            x.push(r.range(-2.0, 0.0));
        }
    }
    write_parquet(
        dir,
        "dense_detection.parquet",
        vec![("label", i64s(y)), ("logit", f64s(x))],
        None,
    )
}

/// Class counts of the long-tailed set: 2000 · 0.01^(k/9), imbalance 100.
pub fn long_tail_counts() -> Vec<usize> {
    (0..10)
        .map(|k| (2000.0 * 0.01f64.powf(k as f64 / 9.0)).round() as usize)
        .collect()
}

/// (c) Long-tailed 10-class softmax (imbalance 100), head-biased classifier.
/// Answer: per-class, class-balanced α.
pub fn long_tail(dir: &Path) -> PathBuf {
    let mut r = Lcg::new(3);
    let (mut y, mut probs) = (Vec::new(), Vec::new());
    for (c, &n) in long_tail_counts().iter().enumerate() {
        for _ in 0..n {
            let z: Vec<f64> = (0..10)
                .map(|k| r.normal() + 1.0 - k as f64 / 9.0 + if k == c { 2.5 } else { 0.0 })
                .collect();
            y.push(c as i64);
            probs.push(softmax(&z));
        }
    }
    let path = dir.join("long_tail.csv");
    softmax_csv(&path, &y, &probs);
    path
}

/// (d) Balanced 10-class softmax, overconfident: top probability ≈ 0.96 but 70% accuracy,
/// and easy elements do not dominate the gradient. Answer: focal (calibration argument).
pub fn overconfident(dir: &Path) -> PathBuf {
    let mut r = Lcg::new(4);
    let (mut y, mut probs) = (Vec::new(), Vec::new());
    for i in 0..5_000 {
        let c = i % 10;
        let pred = if r.bernoulli(0.7) {
            c
        } else {
            (c + 1 + r.below(9)) % 10
        };
        let top = r.range(0.94, 0.98);
        let row: Vec<f64> = (0..10)
            .map(|k| if k == pred { top } else { (1.0 - top) / 9.0 })
            .collect();
        y.push(c as i64);
        probs.push(row);
    }
    let path = dir.join("overconfident.csv");
    softmax_csv(&path, &y, &probs);
    path
}
