//! Synthetic prediction dumps whose right answer is known, for the compare and
//! recommend tests. A fixed-seed LCG makes every file byte-identical on every run.

#![allow(dead_code)]

use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch};
use parquet::arrow::ArrowWriter;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Knuth's MMIX linear congruential generator: tiny, deterministic, good enough here.
pub struct Lcg(u64);

impl Lcg {
    /// A generator with a seed.
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed
            .wrapping_mul(2862933555777941757)
            .wrapping_add(3037000493))
    }

    /// Uniform in [0, 1) from the top 53 bits.
    pub fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [a, b).
    pub fn range(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.uniform()
    }

    /// Roughly standard normal (Irwin–Hall with 12 terms).
    pub fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.uniform()).sum::<f64>() - 6.0
    }

    /// Bernoulli(p).
    pub fn bernoulli(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// An index below n.
    pub fn below(&mut self, n: usize) -> usize {
        ((self.uniform() * n as f64) as usize).min(n - 1)
    }
}

/// A column of a written file.
pub enum Col {
    /// Integer labels.
    I64(&'static str, Vec<i64>),
    /// Scores.
    F64(String, Vec<f64>),
}

/// Writes columns as a Parquet file.
pub fn parquet(path: &Path, cols: Vec<Col>) {
    let arrays: Vec<(String, ArrayRef)> = cols
        .into_iter()
        .map(|c| match c {
            Col::I64(n, v) => (n.to_string(), Arc::new(Int64Array::from(v)) as ArrayRef),
            Col::F64(n, v) => (n, Arc::new(Float64Array::from(v)) as ArrayRef),
        })
        .collect();
    let batch = RecordBatch::try_from_iter(arrays).unwrap();
    let f = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(f, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

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

fn softmax(z: &[f64]) -> Vec<f64> {
    let m = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|x| (x - m).exp()).collect();
    let s: f64 = e.iter().sum();
    e.iter().map(|x| x / s).collect()
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
    let path = dir.join("balanced_easy.parquet");
    parquet(
        &path,
        vec![Col::I64("label", y), Col::F64("prob".into(), p)],
    );
    path
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
    let path = dir.join("dense_detection.parquet");
    parquet(
        &path,
        vec![Col::I64("label", y), Col::F64("logit".into(), x)],
    );
    path
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
