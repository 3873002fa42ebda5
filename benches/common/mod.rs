//! Shared by the criterion benches: a tiny seeded generator and the synthetic
//! score model (the same shape as `benches/gen_data.py`, not the same numbers).
//!
//! The benches need deterministic data without a `rand` dependency: a
//! SplitMix64 stream and Box–Muller normals are plenty for timing.

#![allow(dead_code)] // each bench target uses a different subset

/// SplitMix64 (Steele et al. 2014): one u64 of state, good enough statistics for synthetic scores.
pub struct Rng(u64);

impl Rng {
    /// A stream from `seed`; the same seed always gives the same numbers.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5851_f42d_4c95_7f2d)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Normal with mean `mu` and standard deviation `sd` (Box–Muller, one value per call).
    pub fn normal(&mut self, mu: f64, sd: f64) -> f64 {
        // 1 - u lies in (0, 1]: the log never sees 0.
        let r = (-2.0 * (1.0 - self.uniform()).ln()).sqrt();
        mu + sd * r * (std::f64::consts::TAU * self.uniform()).cos()
    }

    /// Uniform integer in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.uniform() * n as f64) as usize % n
    }
}

/// The logistic function, as the generator writes `prob` from `logit`.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// One binary row of a detector-like dump: (label, logit).
///
/// About 1% positives with logits ~ N(1.5, 2.5); negatives 90% easy N(-7, 1.5),
/// 8% medium N(-3.5, 1.2), 2% hard N(0, 2); 1e-4 of rows saturated
/// (|logit| 20..50, mostly on the right side), so some probabilities are exactly 0 or 1.
pub fn binary_row(rng: &mut Rng) -> (i64, f64) {
    let positive = rng.uniform() < 0.01;
    let mut x = if positive {
        rng.normal(1.5, 2.5)
    } else {
        let u = rng.uniform();
        if u < 0.90 {
            rng.normal(-7.0, 1.5)
        } else if u < 0.98 {
            rng.normal(-3.5, 1.2)
        } else {
            rng.normal(0.0, 2.0)
        }
    };
    if rng.uniform() < 1e-4 {
        let mag = 20.0 + 30.0 * rng.uniform();
        let right = rng.uniform() < 0.95;
        x = if positive == right { mag } else { -mag };
    }
    (positive as i64, x)
}

/// A long-tailed class in `0..k`: P(c) ∝ (c + 1)^-1.2, as the 80-class bench file.
pub struct LongTail {
    cdf: Vec<f64>,
}

impl LongTail {
    /// The distribution over `k` classes.
    pub fn new(k: usize) -> LongTail {
        let w: Vec<f64> = (0..k).map(|c| ((c + 1) as f64).powf(-1.2)).collect();
        let total: f64 = w.iter().sum();
        let mut acc = 0.0;
        let cdf = w
            .iter()
            .map(|x| {
                acc += x / total;
                acc
            })
            .collect();
        LongTail { cdf }
    }

    /// One draw.
    pub fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.uniform();
        self.cdf
            .iter()
            .position(|&c| u < c)
            .unwrap_or(self.cdf.len() - 1)
    }
}

/// One multi-class row of logits: every score negative-ish (93% N(-6, 1.5),
/// 7% N(-2, 1.5)), the true class (if any) N(1, 2).
pub fn multi_row(rng: &mut Rng, k: usize, label: Option<usize>, out: &mut Vec<f64>) {
    for c in 0..k {
        let x = if Some(c) == label {
            rng.normal(1.0, 2.0)
        } else if rng.uniform() < 0.93 {
            rng.normal(-6.0, 1.5)
        } else {
            rng.normal(-2.0, 1.5)
        };
        out.push(x);
    }
}
