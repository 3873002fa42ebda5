//! How large an ECE chance alone gives: the ECE of a perfectly calibrated
//! model with the same reliability bins (the same item counts and mean
//! confidences), whose accuracy in each bin is drawn from that bin's
//! binomial. On a few hundred items a calibrated model shows several percent
//! of ECE, so a threshold alone would call it miscalibrated.
//!
//! The draws come from a fixed seed, so a report is the same on every run.
//! Each bin uses its mean confidence for all its items: a sum of Bernoulli
//! draws with unequal probabilities varies less than this binomial, so the
//! quantile errs on the side of "chance could explain it".

use crate::report::ReliabilityBin;

/// Draws of the calibrated model's ECE behind each quantile.
const DRAWS: usize = 1000;
/// Bins with at most this many items are drawn item by item; larger ones
/// use the normal approximation to the binomial.
const EXACT_UP_TO: u64 = 500;

/// The `q`-quantile (e.g. 0.95) of the ECE a calibrated model shows on bins
/// like `bins`; `None` when no bin holds an item.
pub(crate) fn calibrated_ece_quantile(bins: &[ReliabilityBin], q: f64) -> Option<f64> {
    let total: u64 = bins.iter().map(|b| b.count).sum();
    if total == 0 {
        return None;
    }
    let mut rng = SplitMix(0x5eed_ece0_f1c1_1234);
    let mut eces: Vec<f64> = (0..DRAWS)
        .map(|_| {
            bins.iter()
                .filter(|b| b.count > 0)
                .map(|b| {
                    let p = b.mean_confidence.unwrap_or(0.0).clamp(0.0, 1.0);
                    let hits = binomial(&mut rng, b.count, p);
                    let n = b.count as f64;
                    n / total as f64 * (p - hits / n).abs()
                })
                .sum()
        })
        .collect();
    eces.sort_by(f64::total_cmp);
    let i = ((q * DRAWS as f64).ceil() as usize).clamp(1, DRAWS) - 1;
    Some(eces[i])
}

/// One draw of Binomial(n, p), as a float.
fn binomial(rng: &mut SplitMix, n: u64, p: f64) -> f64 {
    if n <= EXACT_UP_TO {
        return (0..n).filter(|_| rng.unit() < p).count() as f64;
    }
    let (mean, sd) = (n as f64 * p, (n as f64 * p * (1.0 - p)).sqrt());
    (mean + sd * rng.normal()).round().clamp(0.0, n as f64)
}

/// SplitMix64: small, fast, and the same stream on every platform.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bins(count: u64, conf: f64) -> Vec<ReliabilityBin> {
        vec![ReliabilityBin {
            lower: 0.9,
            upper: 1.0,
            count,
            mean_confidence: Some(conf),
            accuracy: Some(conf),
        }]
    }

    #[test]
    fn chance_ece_shrinks_like_one_over_root_n() {
        // One bin at confidence 0.9: E|acc - 0.9| ≈ sd·√(2/π), sd = √(0.09/n);
        // the 95th percentile of |N(0, sd)| is 1.96·sd.
        for n in [75u64, 400, 10_000, 1_000_000] {
            let q = calibrated_ece_quantile(&bins(n, 0.9), 0.95).unwrap();
            let want = 1.96 * (0.09 / n as f64).sqrt();
            assert!((q / want - 1.0).abs() < 0.2, "n = {n}: {q} against {want}");
        }
        assert_eq!(calibrated_ece_quantile(&bins(0, 0.9), 0.95), None);
    }

    #[test]
    fn the_same_bins_give_the_same_quantile() {
        let b = bins(300, 0.8);
        assert_eq!(
            calibrated_ece_quantile(&b, 0.95),
            calibrated_ece_quantile(&b, 0.95)
        );
    }
}
