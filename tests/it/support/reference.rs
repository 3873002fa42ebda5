//! Textbook CE and focal loss evaluated in f64 in the test, independent of
//! flcli's engine, for the numbers a report must hold.

/// Reference sums: (CE sum, FL sum) over elements given as (p_t, α_t).
pub fn sums(elems: &[(f64, f64)], gamma: f64) -> (f64, f64) {
    let mut ce = 0.0;
    let mut fl = 0.0;
    for &(pt, a) in elems {
        let c = -pt.ln();
        ce += c;
        fl += a * (1.0 - pt).powf(gamma) * c;
    }
    (ce, fl)
}

/// Binary element from a probability: (p_t, α_t) with the ε clamp.
pub fn binary_prob(p: f64, y: u8, alpha: f64, eps: f64) -> (f64, f64) {
    let p = p.clamp(eps, 1.0 - eps);
    if y == 1 {
        (p, alpha)
    } else {
        (1.0 - p, 1.0 - alpha)
    }
}

/// Binary CE and FL from a logit, by the textbook formulas in f64:
/// CE = ln(1 + e^{-z}) with z = ±x, FL = α_t (1 - p_t)^γ CE.
pub fn binary_logit(x: f64, y: u8, gamma: f64, alpha: f64) -> (f64, f64) {
    let z = if y == 1 { x } else { -x };
    let ce = if z > 0.0 {
        (-z).exp().ln_1p()
    } else {
        -z + z.exp().ln_1p()
    };
    let q = 1.0 / (1.0 + z.exp());
    let a = if y == 1 { alpha } else { 1.0 - alpha };
    (ce, a * q.powf(gamma) * ce)
}

/// Softmax of one row of logits (max-shifted, so large logits cannot overflow).
pub fn softmax(z: &[f64]) -> Vec<f64> {
    let m = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|x| (x - m).exp()).collect();
    let s: f64 = e.iter().sum();
    e.iter().map(|x| x / s).collect()
}
