//! Imbalance statistics of a merged [`Partial`]: counts and ratios,
//! entropy, effective numbers and the suggested class weights.

use super::summary::{class_counts, group_sum, positives, COUNT};
use crate::engine::spec::EngineSpec;
use crate::engine::Partial;
use crate::model::Mode;
use crate::report::{num, Imbalance, MultiLabel, PairCount, Weights};

/// Cui et al.'s effective number of samples, (1 - β^n) / (1 - β).
pub(crate) fn effective_number(n: u64, beta: f64) -> f64 {
    if beta >= 1.0 {
        n as f64
    } else {
        -(n as f64 * beta.ln()).exp_m1() / (1.0 - beta)
    }
}

/// Normalises weights `w` (None for empty classes) to sum to the number of classes.
fn normalise(w: Vec<Option<f64>>) -> Vec<Option<f64>> {
    let k = w.len() as f64;
    let s: f64 = w.iter().flatten().sum();
    w.into_iter()
        .map(|x| x.and_then(|x| num(x * k / s)))
        .collect()
}

/// Severity word for an imbalance ratio.
pub fn severity(ratio: Option<f64>) -> &'static str {
    match ratio {
        None => "extreme",
        Some(r) if r < 1.5 => "none",
        Some(r) if r < 3.0 => "low",
        Some(r) if r < 10.0 => "moderate",
        Some(r) if r < 100.0 => "severe",
        Some(_) => "extreme",
    }
}

/// Imbalance statistics.
pub(crate) fn imbalance(spec: &EngineSpec, p: &Partial, names: &[String], beta: f64) -> Imbalance {
    let counts = class_counts(p);
    let k = counts.len();
    let total: u64 = counts.iter().sum();
    let (mut maj, mut min) = (0, 0);
    for c in 0..k {
        if counts[c] > counts[maj] {
            maj = c;
        }
        if counts[c] < counts[min] {
            min = c;
        }
    }
    let (ratio, note) = if total == 0 {
        let why = if spec.mode == Mode::Sigmoid {
            "no positives: every used row is background, so no class has a positive row"
        } else {
            "no class has any rows"
        };
        (None, Some(why.to_string()))
    } else if counts[min] == 0 {
        let empty: Vec<&str> = (0..k)
            .filter(|&c| counts[c] == 0)
            .map(|c| names[c].as_str())
            .collect();
        (
            None,
            Some(format!(
                "class(es) {} have no {}rows, so the ratio is unbounded",
                empty.join(", "),
                if spec.mode == Mode::Sigmoid {
                    "positive "
                } else {
                    ""
                }
            )),
        )
    } else {
        (num(counts[maj] as f64 / counts[min] as f64), None)
    };
    let entropy = if k >= 2 && total > 0 {
        let h: f64 = counts
            .iter()
            .filter(|&&n| n > 0)
            .map(|&n| {
                let f = n as f64 / total as f64;
                -f * f.ln()
            })
            .sum();
        num(h / (k as f64).ln())
    } else {
        None
    };
    let eff: Vec<f64> = counts.iter().map(|&n| effective_number(n, beta)).collect();
    let inv = normalise(
        counts
            .iter()
            .map(|&n| (n > 0).then(|| 1.0 / n as f64))
            .collect(),
    );
    let cb = normalise(
        eff.iter()
            .zip(&counts)
            .map(|(&e, &n)| (n > 0).then(|| 1.0 / e))
            .collect(),
    );
    let pos = positives(spec, p) as f64;
    let elements: f64 = (0..spec.groups())
        .map(|g| group_sum(spec, p, g, None, None, COUNT))
        .sum();
    let sigmoid = spec.mode == Mode::Sigmoid;
    Imbalance {
        counts: counts.clone(),
        imbalance_ratio: ratio,
        imbalance_ratio_note: note,
        majority: names[maj].clone(),
        minority: names[min].clone(),
        normalized_entropy: entropy,
        effective_number: eff,
        weights: Weights {
            inverse_frequency: inv,
            effective_number: cb,
        },
        severity: if total == 0 {
            "none".into()
        } else {
            severity(ratio).into()
        },
        positive_negative_ratio: if spec.mode == Mode::Softmax || elements <= pos {
            None
        } else {
            num(pos / (elements - pos))
        },
        positives_per_class: sigmoid.then(|| counts.clone()),
        background_rows: sigmoid.then_some(p.background_rows),
        multilabel: spec.multilabel.then(|| multilabel(p, names)),
    }
}

/// How many of the most frequent class pairs a report lists.
pub(crate) const TOP_PAIRS: usize = 10;

/// Positive rates, label cardinality and the most frequent co-occurring pairs.
fn multilabel(p: &Partial, names: &[String]) -> MultiLabel {
    let rows = p.rows_used as f64;
    let share = |n: u64| {
        if p.rows_used > 0 {
            num(n as f64 / rows)
        } else {
            None
        }
    };
    let positives: u64 = p.class_rows.iter().sum();
    MultiLabel {
        positive_rate: p.class_rows.iter().map(|&n| share(n)).collect(),
        label_cardinality: share(positives),
        rows_with_several: p.pairs.several,
        pairs_seen: p.pairs.len() as u64,
        top_pairs: p
            .pairs
            .top(TOP_PAIRS)
            .into_iter()
            .map(|(a, b, n)| PairCount {
                a: names[a as usize].clone(),
                b: names[b as usize].clone(),
                rows: n,
                share: share(n),
            })
            .collect(),
    }
}
