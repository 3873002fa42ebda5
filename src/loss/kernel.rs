//! Per-element math: stable p_t from logits or clamped probabilities, CE, the
//! modulating factors, gradients, and the scatter into a [`Partial`].

use super::accum::Partial;
use super::spec::{EngineSpec, Mode, ScoreKind, Term, CALIB_BINS, TAIL_BINS};

/// Label code for a sigmoid background row (negative for every class).
pub const BACKGROUND: i32 = -1;
/// Label code for a row with the ignore index.
pub const IGNORED: i32 = -2;
/// Label code for a row skipped under `--skip-invalid`.
pub const SKIPPED: i32 = -3;

/// Decoded, validated rows: class codes and row-major scores.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Batch {
    /// Class index per row, or [`BACKGROUND`], [`IGNORED`], [`SKIPPED`].
    pub labels: Vec<i32>,
    /// `labels.len() * width` scores, row-major.
    pub scores: Vec<f64>,
}

/// The quantities of one element that every statistic is built from.
#[derive(Clone, Copy, Debug)]
pub struct Elem {
    /// Probability of the true target.
    pub pt: f64,
    /// `1 - pt`, computed without cancellation.
    pub q: f64,
    /// `ln pt` (so CE = `-ln_pt`).
    pub ln_pt: f64,
    /// `ln q`, exact where the input allows it, else `NaN` meaning "derive it".
    pub ln_q: f64,
}

/// A binary element from a logit `x` for a target that is positive or not.
///
/// log-sigmoid is computed as `-(max(-z,0) + ln1p(e^{-|z|}))`: no overflow, no clamp.
#[inline(always)]
pub fn from_logit(x: f64, positive: bool) -> Elem {
    let z = if positive { x } else { -x };
    let e = (-z.abs()).exp();
    let l = e.ln_1p();
    let inv = 1.0 / (1.0 + e);
    if z >= 0.0 {
        Elem {
            pt: inv,
            q: e * inv,
            ln_pt: -l,
            ln_q: -z - l,
        }
    } else {
        Elem {
            pt: e * inv,
            q: inv,
            ln_pt: z - l,
            ln_q: -l,
        }
    }
}

/// A binary element from a probability `p` of the positive class, clamped to `[eps, 1-eps]`.
#[inline(always)]
pub fn from_prob(p: f64, positive: bool, eps: f64) -> Elem {
    let p = p.clamp(eps, 1.0 - eps);
    let (pt, q) = if positive { (p, 1.0 - p) } else { (1.0 - p, p) };
    Elem {
        pt,
        q,
        ln_pt: pt.ln(),
        ln_q: f64::NAN,
    }
}

/// `q^γ`, without `powf` for integer and half-integer γ.
#[inline(always)]
pub fn modulate(q: f64, ln_q: f64, gamma: f64) -> f64 {
    if gamma == 0.0 {
        return 1.0;
    }
    let twice = gamma * 2.0;
    if twice == twice.trunc() && twice <= 32.0 {
        let whole = q.powi(gamma.trunc() as i32);
        if gamma == gamma.trunc() {
            whole
        } else {
            whole * q.sqrt()
        }
    } else if q <= 0.0 {
        0.0
    } else {
        let lq = if ln_q.is_nan() { q.ln() } else { ln_q };
        (gamma * lq).exp()
    }
}

/// Bin of the fine p_t histogram for an element, by its log-odds ln(pt/q).
#[inline(always)]
fn tail_bin(e: &Elem) -> usize {
    let lq = if e.ln_q.is_nan() { e.q.ln() } else { e.ln_q };
    let u = e.ln_pt - lq;
    // log-odds in [-20, 25): p_t from 2e-9 to 1 - 1.4e-11, the ε-clamp inside.
    let f = ((u + 20.0) * (TAIL_BINS as f64 / 45.0)).floor();
    f.clamp(0.0, (TAIL_BINS - 1) as f64) as usize
}

/// Lower log-odds edge of a fine bin (for reports of how curves were made).
pub fn tail_bin_lower(bin: usize) -> f64 {
    bin as f64 * 45.0 / TAIL_BINS as f64 - 20.0
}

/// Adds one element of group `g` to `acc`.
#[inline(always)]
pub fn add_element(spec: &EngineSpec, acc: &mut Partial, g: usize, e: Elem) {
    let ce = -e.ln_pt;
    let nb = spec.buckets();
    let b = spec.bucket_of(e.pt);
    let at = acc.cell(nb, g, b, e.pt >= spec.easy);
    let tail_at = if spec.tails {
        let pol = spec.group_class(g).1 as usize;
        Some((pol * TAIL_BINS + tail_bin(&e)) * (1 + spec.terms.len()))
    } else {
        None
    };
    let cell = &mut acc.cells[at..at + acc.stride];
    cell[0] += 1.0;
    cell[1] += e.pt;
    cell[2] += ce;
    if let Some(t) = tail_at {
        acc.tails[t] += 1.0;
    }
    for (j, term) in spec.terms.iter().enumerate() {
        let (loss, grad) = match *term {
            // |∂/∂x| of CE + ε(1-p_t) = (1-p_t)(1 + ε p_t)
            Term::Poly1(eps) => (ce + eps * e.q, e.q * (1.0 + eps * e.pt)),
            _ => {
                let gamma = term.gamma_at(e.pt);
                let w = modulate(e.q, e.ln_q, gamma);
                // |∂FL/∂x| = (1-p_t)^γ (1 - p_t - γ p_t ln p_t)   (RetinaNet, appendix)
                (w * ce, w * (e.q + gamma * e.pt * ce))
            }
        };
        cell[3 + 2 * j] += loss;
        cell[4 + 2 * j] += grad;
        if let Some(t) = tail_at {
            acc.tails[t + 1 + j] += loss;
        }
    }
}

#[inline(always)]
fn add_calib(acc: &mut Partial, confidence: f64, correct: bool, brier: f64) {
    let bin = ((confidence * CALIB_BINS as f64) as usize).min(CALIB_BINS - 1);
    let c = &mut acc.calib[bin];
    c[0] += 1.0;
    c[1] += confidence;
    c[2] += correct as u8 as f64;
    acc.brier.0 += brier;
    acc.brier.1 += 1;
}

/// The index of the largest score, the first on ties (as numpy / torch argmax).
#[inline(always)]
fn argmax(row: &[f64]) -> usize {
    let mut best = 0;
    for (k, &v) in row.iter().enumerate().skip(1) {
        if v > row[best] {
            best = k;
        }
    }
    best
}

/// Accumulates a decoded batch into `acc` (rows_read and skips are counted by the decoder).
pub fn accumulate(spec: &EngineSpec, batch: &Batch, acc: &mut Partial) {
    let w = spec.width();
    for (i, &label) in batch.labels.iter().enumerate() {
        match label {
            IGNORED => {
                acc.rows_ignored += 1;
                continue;
            }
            SKIPPED => continue,
            BACKGROUND if spec.mode == Mode::Sigmoid => acc.background_rows += 1,
            l if l < 0 => continue,
            _ => {}
        }
        acc.rows_used += 1;
        let row = &batch.scores[i * w..(i + 1) * w];
        match spec.mode {
            Mode::Binary => binary_row(spec, acc, label as usize, row[0]),
            Mode::Softmax => softmax_row(spec, acc, label as usize, row),
            Mode::Sigmoid => sigmoid_row(spec, acc, label, row),
        }
    }
}

#[inline(always)]
fn binary_elem(spec: &EngineSpec, x: f64, positive: bool) -> (Elem, f64) {
    match spec.kind {
        ScoreKind::Logits => {
            let e = from_logit(x, positive);
            (e, if positive { e.pt } else { e.q })
        }
        ScoreKind::Probabilities => {
            let e = from_prob(x, positive, spec.eps);
            (e, if positive { e.pt } else { e.q })
        }
    }
}

fn binary_row(spec: &EngineSpec, acc: &mut Partial, y: usize, x: f64) {
    let positive = y == 1;
    let (e, p) = binary_elem(spec, x, positive);
    add_element(spec, acc, y, e);
    let predicted = p >= 0.5;
    acc.class_rows[y] += 1;
    acc.correct[y] += (predicted == positive) as u64;
    let t = positive as u8 as f64;
    add_calib(
        acc,
        p.max(1.0 - p),
        predicted == positive,
        (p - t) * (p - t),
    );
}

fn softmax_row(spec: &EngineSpec, acc: &mut Partial, y: usize, row: &[f64]) {
    let top = argmax(row);
    let (e, confidence, brier) = match spec.kind {
        ScoreKind::Logits => {
            let m = row[top];
            let mut s = 0.0;
            let mut rest = 0.0;
            for (k, &z) in row.iter().enumerate() {
                let ez = (z - m).exp();
                s += ez;
                if k != y {
                    rest += ez;
                }
            }
            let ln_s = s.ln();
            let ey = (row[y] - m).exp();
            let mut brier = 0.0;
            for (k, &z) in row.iter().enumerate() {
                let pk = (z - m).exp() / s;
                let d = if k == y { pk - 1.0 } else { pk };
                brier += d * d;
            }
            let e = Elem {
                pt: ey / s,
                q: rest / s,
                ln_pt: (row[y] - m) - ln_s,
                ln_q: if rest > 0.0 {
                    rest.ln() - ln_s
                } else {
                    f64::NEG_INFINITY
                },
            };
            (e, 1.0 / s, brier)
        }
        ScoreKind::Probabilities => {
            let pt = row[y].clamp(spec.eps, 1.0 - spec.eps);
            let mut brier = 0.0;
            for (k, &p) in row.iter().enumerate() {
                let d = if k == y { p - 1.0 } else { p };
                brier += d * d;
            }
            let e = Elem {
                pt,
                q: 1.0 - pt,
                ln_pt: pt.ln(),
                ln_q: f64::NAN,
            };
            (e, row[top], brier)
        }
    };
    add_element(spec, acc, y, e);
    acc.class_rows[y] += 1;
    acc.correct[y] += (top == y) as u64;
    add_calib(acc, confidence, top == y, brier);
}

fn sigmoid_row(spec: &EngineSpec, acc: &mut Partial, label: i32, row: &[f64]) {
    for (k, &x) in row.iter().enumerate() {
        let positive = label == k as i32;
        let (e, p) = binary_elem(spec, x, positive);
        add_element(spec, acc, 2 * k + positive as usize, e);
        let predicted = p >= 0.5;
        let t = positive as u8 as f64;
        add_calib(
            acc,
            p.max(1.0 - p),
            predicted == positive,
            (p - t) * (p - t),
        );
    }
    if label >= 0 {
        let y = label as usize;
        acc.class_rows[y] += 1;
        acc.correct[y] += (argmax(row) == y) as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn probabilities_are_clamped() {
        let e = from_prob(1.0, true, 1e-7);
        assert_eq!(e.pt, 1.0 - 1e-7);
        let e = from_prob(1.0, false, 1e-7);
        assert!((e.ln_pt - 1e-7f64.ln()).abs() < 1e-8);
    }
}
