//! From a merged [`Partial`] to the numbers of a report: class, bucket and
//! total sums with α applied, imbalance statistics and calibration.

use crate::engine::spec::{EngineSpec, CALIB_BINS};
use crate::engine::Partial;
use crate::model::{Alpha, Mode};
use crate::report::{num, BucketRow, Calibration, ClassRow, ReliabilityBin, Totals};

/// Field offsets inside a cell.
pub(crate) const COUNT: usize = 0;
/// Σ p_t.
pub(crate) const SUM_PT: usize = 1;
/// Σ CE.
pub(crate) const SUM_CE: usize = 2;
/// Σ w·CE of term `j`.
pub(crate) fn term_loss(j: usize) -> usize {
    3 + 2 * j
}
/// Σ |gradient| of term `j`.
pub(crate) fn term_grad(j: usize) -> usize {
    4 + 2 * j
}

/// Σ (w·CE)² of term `j` of `terms` (cells with second moments only).
pub(crate) fn term_loss_sq(j: usize, terms: usize) -> usize {
    3 + 2 * terms + 2 * j
}
/// Σ |gradient|² of term `j` of `terms` (cells with second moments only).
pub(crate) fn term_grad_sq(j: usize, terms: usize) -> usize {
    4 + 2 * terms + 2 * j
}

/// Sums `field` over the cells of group `g` that match `bucket` / `easy` (None = all).
pub(crate) fn group_sum(
    spec: &EngineSpec,
    p: &Partial,
    g: usize,
    bucket: Option<usize>,
    easy: Option<bool>,
    field: usize,
) -> f64 {
    let nb = spec.buckets();
    let mut s = 0.0;
    for b in 0..nb {
        if bucket.is_some_and(|x| x != b) {
            continue;
        }
        for e in [false, true] {
            if easy.is_some_and(|x| x != e) {
                continue;
            }
            s += p.cells[p.cell(nb, g, b, e) + field];
        }
    }
    s
}

/// α_t per group: binary/sigmoid α for positives, 1-α for negatives; softmax α[class].
pub(crate) fn alpha_per_group(spec: &EngineSpec, alpha: &Alpha) -> Vec<f64> {
    (0..spec.groups())
        .map(|g| {
            let (c, pos) = spec.group_class(g);
            match alpha {
                Alpha::None => 1.0,
                Alpha::Scalar(a) => {
                    if pos {
                        *a
                    } else {
                        1.0 - a
                    }
                }
                Alpha::PerClass(v) => v.get(c).copied().unwrap_or(1.0),
            }
        })
        .collect()
}

/// The groups that make up class `c`.
pub(crate) fn class_groups(spec: &EngineSpec, c: usize) -> Vec<usize> {
    match spec.mode {
        Mode::Sigmoid => vec![2 * c, 2 * c + 1],
        _ => vec![c],
    }
}

/// Class counts as used for imbalance (sigmoid: positive rows).
pub(crate) fn class_counts(p: &Partial) -> Vec<u64> {
    p.class_rows.clone()
}

/// Per-class rows of the stats report, for loss term `term` weighted by `alpha`.
pub(crate) fn classes(
    spec: &EngineSpec,
    p: &Partial,
    names: &[String],
    term: usize,
    alpha: &Alpha,
) -> Vec<ClassRow> {
    let a = alpha_per_group(spec, alpha);
    let counts = class_counts(p);
    let total: u64 = counts.iter().sum();
    let mut rows: Vec<ClassRow> = (0..spec.classes)
        .map(|c| {
            let groups = class_groups(spec, c);
            let sum = |f: usize| {
                groups
                    .iter()
                    .map(|&g| group_sum(spec, p, g, None, None, f))
                    .sum::<f64>()
            };
            let focal: f64 = groups
                .iter()
                .map(|&g| a[g] * group_sum(spec, p, g, None, None, term_loss(term)))
                .sum();
            let elements = sum(COUNT) as u64;
            let ce = sum(SUM_CE);
            let per = |x: f64| {
                if elements > 0 {
                    num(x / elements as f64)
                } else {
                    None
                }
            };
            ClassRow {
                name: names[c].clone(),
                index: c,
                count: counts[c],
                frequency: if total > 0 {
                    num(counts[c] as f64 / total as f64)
                } else {
                    None
                },
                elements,
                ce_sum: ce,
                ce_mean: per(ce),
                focal_sum: focal,
                focal_mean: per(focal),
                // Filled in below, once every class's sum is known.
                ce_share: None,
                focal_share: None,
                mean_p_true: per(sum(SUM_PT)),
                accuracy: if p.class_rows[c] > 0 {
                    num(p.correct[c] as f64 / p.class_rows[c] as f64)
                } else {
                    None
                },
            }
        })
        .collect();
    let ce: f64 = rows.iter().map(|r| r.ce_sum).sum();
    let fl: f64 = rows.iter().map(|r| r.focal_sum).sum();
    for r in &mut rows {
        r.ce_share = if ce > 0.0 { num(r.ce_sum / ce) } else { None };
        r.focal_share = if fl > 0.0 {
            num(r.focal_sum / fl)
        } else {
            None
        };
    }
    rows
}

/// Per-bucket rows of the stats report.
pub(crate) fn buckets(
    spec: &EngineSpec,
    p: &Partial,
    term: usize,
    alpha: &Alpha,
) -> Vec<BucketRow> {
    let a = alpha_per_group(spec, alpha);
    let nb = spec.buckets();
    let per_bucket: Vec<(f64, f64, f64)> = (0..nb)
        .map(|b| {
            let mut t = (0.0, 0.0, 0.0);
            for (g, ag) in a.iter().enumerate() {
                t.0 += group_sum(spec, p, g, Some(b), None, COUNT);
                t.1 += group_sum(spec, p, g, Some(b), None, SUM_CE);
                t.2 += ag * group_sum(spec, p, g, Some(b), None, term_loss(term));
            }
            t
        })
        .collect();
    let n: f64 = per_bucket.iter().map(|t| t.0).sum();
    let ce: f64 = per_bucket.iter().map(|t| t.1).sum();
    let fl: f64 = per_bucket.iter().map(|t| t.2).sum();
    let share = |x: f64, of: f64| if of > 0.0 { num(x / of) } else { None };
    per_bucket
        .iter()
        .enumerate()
        .map(|(b, t)| BucketRow {
            lower: spec.edges[b],
            upper: spec.edges[b + 1],
            count: t.0 as u64,
            share: share(t.0, n),
            ce_sum: t.1,
            ce_share: share(t.1, ce),
            focal_sum: t.2,
            focal_share: share(t.2, fl),
        })
        .collect()
}

/// Whether every scored element's probability sat at 0 or 1 (at the clamp ε or 1 − ε): the
/// scores are hard predictions, not probabilities. Read off the sums (each cell's Σp_t is its
/// count times ε or times 1 − ε), so it holds for partial results and SQL sums as well.
pub(crate) fn hard_predictions(spec: &EngineSpec, p: &Partial) -> bool {
    if spec.kind != crate::model::ScoreKind::Probabilities {
        return false;
    }
    let nb = spec.buckets();
    let mut seen = false;
    for g in 0..spec.groups() {
        for b in 0..nb {
            for e in [false, true] {
                let at = p.cell(nb, g, b, e);
                let (n, s) = (p.cells[at + COUNT], p.cells[at + SUM_PT]);
                if n == 0.0 {
                    continue;
                }
                let near = |x: f64| (s - n * x).abs() <= 1e-9 * n * x;
                if !(near(spec.eps) || near(1.0 - spec.eps)) {
                    return false;
                }
                seen = true;
            }
        }
    }
    seen
}

/// Number of positive elements (softmax: all elements).
pub(crate) fn positives(spec: &EngineSpec, p: &Partial) -> u64 {
    (0..spec.groups())
        .filter(|&g| spec.group_class(g).1)
        .map(|g| group_sum(spec, p, g, None, None, COUNT) as u64)
        .sum()
}

/// Whole-dataset totals.
pub(crate) fn totals(spec: &EngineSpec, p: &Partial, term: usize, alpha: &Alpha) -> Totals {
    let a = alpha_per_group(spec, alpha);
    let (mut n, mut ce, mut fl) = (0.0, 0.0, 0.0);
    for (g, ag) in a.iter().enumerate() {
        n += group_sum(spec, p, g, None, None, COUNT);
        ce += group_sum(spec, p, g, None, None, SUM_CE);
        fl += ag * group_sum(spec, p, g, None, None, term_loss(term));
    }
    let pos = positives(spec, p);
    let per = |x: f64| if n > 0.0 { num(x / n) } else { None };
    Totals {
        elements: n as u64,
        positives: pos,
        ce_sum: ce,
        ce_mean: per(ce),
        focal_sum: fl,
        focal_mean: per(fl),
        loss_per_positive: if spec.mode != Mode::Softmax && pos > 0 {
            num(fl / pos as f64)
        } else {
            None
        },
    }
}

/// Calibration from the confidence bins.
pub(crate) fn calibration(spec: &EngineSpec, p: &Partial) -> Calibration {
    let n: f64 = p.calib.iter().map(|b| b[0]).sum();
    let (mut ece, mut mce, mut gap) = (0.0f64, 0.0f64, 0.0f64);
    let mut reliability = Vec::with_capacity(CALIB_BINS);
    for (i, b) in p.calib.iter().enumerate() {
        let (conf, acc) = if b[0] > 0.0 {
            (b[1] / b[0], b[2] / b[0])
        } else {
            (f64::NAN, f64::NAN)
        };
        if b[0] > 0.0 {
            ece += b[0] / n * (conf - acc).abs();
            mce = mce.max((conf - acc).abs());
            gap += b[1] - b[2];
        }
        reliability.push(ReliabilityBin {
            lower: i as f64 / CALIB_BINS as f64,
            upper: (i + 1) as f64 / CALIB_BINS as f64,
            count: b[0] as u64,
            mean_confidence: num(conf),
            accuracy: num(acc),
        });
    }
    let gap = if n > 0.0 { gap / n } else { f64::NAN };
    let direction = if !gap.is_finite() {
        "unknown"
    } else if gap > 0.01 {
        "overconfident"
    } else if gap < -0.01 {
        "underconfident"
    } else {
        "calibrated"
    };
    Calibration {
        items: if spec.mode == Mode::Sigmoid {
            "element".into()
        } else {
            "row".into()
        },
        ece: if n > 0.0 { num(ece) } else { None },
        mce: if n > 0.0 { num(mce) } else { None },
        brier: if p.brier.1 > 0 {
            num(p.brier.0 / p.brier.1 as f64)
        } else {
            None
        },
        confidence_gap: num(gap),
        direction: direction.into(),
        reliability,
    }
}
