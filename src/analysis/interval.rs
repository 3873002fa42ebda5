//! Intervals for the quantities `recommend`'s rules weigh, so that a rule acts only when the
//! data shows its effect beyond what chance gives at this size.

use crate::model::Mode;
use crate::report::compare::ClassFrequency;
use crate::report::Imbalance;

/// z of a two-sided 95% normal interval.
pub(crate) const Z95: f64 = 1.959_963_984_540_054;

/// Wilson's score interval for a binomial proportion `k / n` (better than the normal
/// approximation near 0 and 1, where imbalance lives); `None` when `n` is 0.
pub(crate) fn wilson(k: f64, n: f64, z: f64) -> Option<(f64, f64)> {
    if n <= 0.0 || !(0.0..=n).contains(&k) {
        return None;
    }
    let p = k / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// The 95% interval of the ratio `large : small` of two counts, from Wilson's interval for
/// the smaller side's share of the pair; `None` when the smaller side is empty (unbounded).
pub(crate) fn ratio_interval(large: f64, small: f64) -> Option<(f64, f64)> {
    if small <= 0.0 {
        return None;
    }
    let (lo, hi) = wilson(small, small + large, Z95)?;
    // With small > 0, Wilson's lower bound is > 0, so both quotients are finite.
    Some(((1.0 - hi) / hi, (1.0 - lo) / lo))
}

/// Every class's frequency and its Wilson interval: its share of the counted rows (binary,
/// softmax) or of the rows used (sigmoid, where a row may have several positives or none).
pub(crate) fn class_frequencies(
    mode: Mode,
    im: &Imbalance,
    names: &[String],
    rows_used: u64,
) -> Vec<ClassFrequency> {
    let n = match mode {
        Mode::Sigmoid => rows_used,
        _ => im.counts.iter().sum(),
    } as f64;
    im.counts
        .iter()
        .enumerate()
        .map(|(c, &k)| ClassFrequency {
            class: names.get(c).cloned().unwrap_or_else(|| c.to_string()),
            rows: k,
            frequency: (n > 0.0).then(|| k as f64 / n),
            interval: wilson(k as f64, n, Z95).map(|(lo, hi)| [lo, hi]),
        })
        .collect()
}

/// The two counts whose ratio decides α: (larger, smaller) elements of the two polarities
/// (binary, sigmoid) or rows of the largest and smallest class (softmax).
pub(crate) fn ratio_counts(mode: Mode, im: &Imbalance) -> Option<(f64, f64)> {
    let (pos, neg) = match mode {
        Mode::Softmax => {
            let max = im.counts.iter().max()?;
            let min = im.counts.iter().min()?;
            return Some((*max as f64, *min as f64));
        }
        Mode::Binary => {
            let total = im.counts.iter().sum::<u64>() as f64;
            let r = im.positive_negative_ratio?;
            (total * r / (1.0 + r), total / (1.0 + r))
        }
        Mode::Sigmoid => {
            let pos = im.counts.iter().sum::<u64>() as f64;
            let r = im.positive_negative_ratio.filter(|&r| r > 0.0)?;
            (pos, pos / r)
        }
    };
    Some((pos.max(neg), pos.min(neg)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_the_textbook_value() {
        // Newcombe (1998), Table I: 81/263 gives 0.2553–0.3662.
        let (lo, hi) = wilson(81.0, 263.0, Z95).unwrap();
        assert!(
            (lo - 0.2553).abs() < 1e-4 && (hi - 0.3662).abs() < 1e-4,
            "{lo} {hi}"
        );
        // 0 of 10: the lower bound is 0, the upper Wilson's 0.2775.
        let (lo, hi) = wilson(0.0, 10.0, Z95).unwrap();
        assert!(lo == 0.0 && (hi - 0.2775).abs() < 1e-4, "{lo} {hi}");
    }

    #[test]
    fn a_ratio_interval_holds_the_ratio_and_narrows_with_size() {
        let (lo, hi) = ratio_interval(68.0, 7.0).unwrap();
        assert!(lo < 68.0 / 7.0 && 68.0 / 7.0 < hi);
        assert!(lo < 5.0 && hi > 18.0, "{lo} {hi}");
        let (lo, hi) = ratio_interval(680_000.0, 70_000.0).unwrap();
        assert!(lo > 9.6 && hi < 9.8, "{lo} {hi}");
        assert_eq!(ratio_interval(10.0, 0.0), None);
    }
}
