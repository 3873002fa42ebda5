//! The key and term layers of the query: each element's cell (group, bucket,
//! easy flag), tail bin and calibration bin as explicit comparisons (the
//! engine's edges, so no element lands in another bin), and every term's loss
//! and gradient with the engine's operations (`engine::terms`).

use super::dialect::Dialect;
use super::Layer;
use crate::engine::plan::Plan;
use crate::engine::spec::{EngineSpec, CALIB_BINS, TAIL_BINS};
use crate::model::Mode;

/// Octaves of the fine p_t histogram on each side, 8 bins each.
const OCTAVES: i32 = (TAIL_BINS / 16) as i32;

/// The key of x ∈ [0, 0.5] on one side of the fine histogram: octave and top
/// three mantissa bits. x·2^k - 1 and its ×8 are exact, so FLOOR gives the bits.
fn side_key(d: Dialect, x: &str) -> String {
    let mut w = Vec::new();
    for k in 1..=OCTAVES {
        let lo = 2f64.powi(-k);
        let scale = 2f64.powi(k);
        let base = (OCTAVES - k) * 8;
        w.push(format!(
            "WHEN {x} >= {} THEN {base} + {}",
            d.float(lo),
            d.as_int(&format!(
                "FLOOR(({x} * {} - {}) * {})",
                d.float(scale),
                d.float(1.0),
                d.float(8.0)
            ))
        ));
    }
    format!("CASE {} ELSE 0 END", w.join(" "))
}

/// The index of the largest of `edges` at or below `x` (0 if none), as a CASE
/// over ascending edges from the top.
fn count_at_or_below(d: Dialect, x: &str, edges: &[f64], first: usize) -> String {
    let w: Vec<String> = edges
        .iter()
        .enumerate()
        .rev()
        .map(|(i, &e)| format!("WHEN {x} >= {} THEN {}", d.float(e), first + i + 1))
        .collect();
    if w.is_empty() {
        first.to_string()
    } else {
        format!("CASE {} ELSE {first} END", w.join(" "))
    }
}

/// Layers adding `ck` (cell), `tk` (tail bin) and `kk` (calibration bin), NULL
/// for elements that do not count.
pub(crate) fn keys(d: Dialect, spec: &EngineSpec) -> Vec<Layer> {
    let nb = spec.buckets();
    let b = count_at_or_below(d, "pt", &spec.edges[1..nb], 0);
    let tail_x = "CASE WHEN pt <= q THEN pt ELSE q END";
    let x15 = format!("conf * {}", d.float(CALIB_BINS as f64));
    let ks: Vec<f64> = (1..CALIB_BINS).map(|k| k as f64).collect();
    // Binary and sigmoid: confidence ≥ 0.5, so bins 7..14; softmax 0..14.
    let kk = match spec.mode {
        Mode::Softmax => count_at_or_below(d, &x15, &ks, 0),
        _ => count_at_or_below(d, &x15, &ks[CALIB_BINS / 2..], CALIB_BINS / 2),
    };
    vec![
        Layer::cols(vec![
            (b, "bkt"),
            (format!("CASE WHEN pt >= {} THEN 1 ELSE 0 END", d.float(spec.easy)), "easy"),
            (tail_x.into(), "tx"),
        ]),
        Layer::cols(vec![(side_key(d, "tx"), "sk")]),
        Layer::cols(vec![
            (format!("CASE WHEN counted THEN (grp * {nb} + bkt) * 2 + easy END"), "ck"),
            (
                format!(
                    "CASE WHEN counted THEN pol * {TAIL_BINS} + CASE WHEN pt <= q THEN sk ELSE {} - sk END END",
                    TAIL_BINS - 1
                ),
                "tk",
            ),
            (format!("CASE WHEN counted THEN {kk} END"), "kk"),
        ]),
    ]
}

/// q^n as the engine multiplies it: ((q·q)·q)…
fn powu(n: u32) -> String {
    (1..n).fold("q".to_string(), |a, _| format!("({a} * q)"))
}

/// Each term's loss and gradient columns, `loss{j}` and `grad{j}`.
pub(crate) fn terms(d: Dialect, spec: &EngineSpec) -> Layer {
    let mut v = Vec::new();
    let one = d.float(1.0);
    let grad = |w: &str, g: f64| format!("{w} * (q + {} * pt * ce)", d.float(g));
    for (j, &t) in spec.terms.iter().enumerate() {
        let (loss, gr) = match Plan::of(t) {
            Plan::Poly1(e) => (
                format!("ce + {} * q", d.float(e)),
                format!("q * ({one} + {} * pt)", d.float(e)),
            ),
            Plan::Flsd53 => {
                let lt = format!("pt < {}", d.float(0.2));
                let w = format!("CASE WHEN {lt} THEN ((q * q) * (q * q)) * q ELSE (q * q) * q END");
                let g = format!(
                    "CASE WHEN {lt} THEN {} ELSE {} END",
                    d.float(5.0),
                    d.float(3.0)
                );
                (
                    format!("({w}) * ce"),
                    format!("({w}) * (q + {g} * pt * ce)"),
                )
            }
            Plan::One => ("ce".into(), grad(&one, 0.0)),
            Plan::Int(n) => {
                let w = format!("({})", powu(n));
                (format!("{w} * ce"), grad(&w, n as f64))
            }
            Plan::Half(n) => {
                let w = if n == 0 {
                    "SQRT(q)".to_string()
                } else {
                    format!("({} * SQRT(q))", powu(n))
                };
                (format!("{w} * ce"), grad(&w, n as f64 + 0.5))
            }
            Plan::General(g) => {
                let w = format!(
                    "(CASE WHEN q <= 0 THEN {} ELSE EXP({} * lnq) END)",
                    d.float(0.0),
                    d.float(g)
                );
                (format!("{w} * ce"), grad(&w, g))
            }
        };
        v.push((loss, format!("loss{j}")));
        v.push((gr, format!("grad{j}")));
    }
    Layer::owned(v)
}
