//! The element layers of the query: p_t, 1 - p_t, CE (and ln(1 - p_t) where a
//! term needs it), confidence, correctness and Brier term, written with the
//! same operations in the same order as the engine's element paths
//! (`engine::fast` for binary and sigmoid, `engine::kernel` for softmax).

use super::dialect::Dialect;
use super::rows::{argmax, row_key, COUNTED};
use super::{Layer, Target};
use crate::engine::fdlibm::REDUCE_HALVES_FROM;
use crate::engine::EngineSpec;
use crate::model::{Mode, ScoreKind};

/// The clamp of probabilities to [ε, 1 - ε] (`f64::clamp`).
fn clamp(d: Dialect, x: &str, eps: f64) -> String {
    format!(
        "CASE WHEN {x} < {lo} THEN {lo} WHEN {x} > {hi} THEN {hi} ELSE {x} END",
        lo = d.float(eps),
        hi = d.float(1.0 - eps)
    )
}

/// Layers from the checked rows (`st`, `code`, `s0..`) to elements with
/// `grp, pol, counted, pt, q, ce, lnq, conf, ok, brier, top, rk` (binary, sigmoid).
pub(crate) fn binary(d: Dialect, t: &Target, spec: &EngineSpec, need_lnq: bool) -> Vec<Layer> {
    let one = d.float(1.0);
    let k = t.scores.len();
    let mut layers = Vec::new();
    let counted = format!("st = {COUNTED}");
    if t.multilabel {
        layers.extend(super::multi::elements(d, t));
    } else if t.mode == Mode::Sigmoid {
        // Row level first: whether the labelled class has the top score.
        let m = format!(
            "GREATEST({})",
            (0..k)
                .map(|i| format!("s{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        layers.push(Layer::cols(vec![(m, "m")]));
        let top = argmax(k, |i| format!("s{i}"), "m");
        layers.push(Layer::cols(vec![(
            format!("CASE WHEN code >= 0 AND {top} = code THEN 1 ELSE 0 END"),
            "istop",
        )]));
        let x: Vec<String> = (0..k).map(|i| format!("WHEN {i} THEN s{i}")).collect();
        layers.push(Layer::join(
            d.indices(k, "j"),
            vec![
                (
                    format!("CASE WHEN {counted} THEN CASE j {} END END", x.join(" ")),
                    "x",
                ),
                ("CASE WHEN code = j THEN 1 ELSE 0 END".to_string(), "c"),
                (format!("CASE WHEN j = 0 THEN {} END", row_key()), "rk"),
            ],
        ));
        layers.push(Layer::cols(vec![("2 * j + c".into(), "grp")]));
    } else {
        layers.push(Layer::cols(vec![
            (format!("CASE WHEN {counted} THEN s0 END"), "x"),
            (format!("CASE WHEN {counted} THEN code END"), "c"),
            (row_key(), "rk"),
        ]));
        layers.push(Layer::cols(vec![("c".into(), "grp")]));
    }
    match spec.kind {
        ScoreKind::Probabilities => {
            layers.push(Layer::cols(vec![(clamp(d, "x", spec.eps), "p")]));
            layers.push(Layer::cols(vec![
                (format!("CASE WHEN c = 1 THEN p ELSE {one} - p END"), "pt"),
                (format!("CASE WHEN c = 1 THEN {one} - p ELSE p END"), "q"),
            ]));
            let mut v = vec![("-LN(pt)".to_string(), "ce")];
            if need_lnq {
                v.push(("LN(q)".into(), "lnq"));
            }
            layers.push(Layer::cols(v));
        }
        ScoreKind::Logits => {
            // Stable log-sigmoid: -(max(-z, 0) + ln1p(e^{-|z|})), e^x floored at x = -700.
            layers.push(Layer::cols(vec![(
                "CASE WHEN c = 1 THEN x ELSE -x END".into(),
                "z",
            )]));
            layers.push(Layer::cols(vec![(
                format!("EXP(GREATEST(-ABS(z), {}))", d.float(-700.0)),
                "e",
            )]));
            // d = 2 + f of the log's reduction of u = 1 + e (f = u/2 - 1 from
            // about √2 on, else u - 1, both exact): the engine divides once, by
            // u·d, for both ln(u) and 1 / u.
            let u = format!("({one} + e)");
            layers.push(Layer::cols(vec![
                (format!("{one} + e"), "u"),
                (
                    format!(
                        "{two} + CASE WHEN {u} >= {from} THEN {u} * {half} - {one} ELSE {u} - {one} END",
                        two = d.float(2.0),
                        half = d.float(0.5),
                        from = d.float(REDUCE_HALVES_FROM),
                    ),
                    "d",
                ),
            ]));
            layers.push(Layer::cols(vec![(format!("({one} / (u * d)) * d"), "inv")]));
            // ln1p(e) = ln(u) + (e - (u - 1)) · (1 / u): the rounding of 1 + e corrected.
            layers.push(Layer::cols(vec![(
                format!("LN(u) + (e - (u - {one})) * inv"),
                "l",
            )]));
            layers.push(Layer::cols(vec![
                ("CASE WHEN z >= 0 THEN inv ELSE e * inv END".into(), "pt"),
                ("CASE WHEN z >= 0 THEN e * inv ELSE inv END".into(), "q"),
                ("CASE WHEN z >= 0 THEN l ELSE l - z END".into(), "ce"),
                ("CASE WHEN z >= 0 THEN -z - l ELSE -l END".into(), "lnq"),
            ]));
            layers.push(Layer::cols(vec![(
                "CASE WHEN c = 1 THEN pt ELSE q END".into(),
                "p",
            )]));
        }
    }
    // Confidence max(p, 1 - p), right or wrong at 0.5, Brier term (p - y)².
    let ok = format!(
        "CASE WHEN (p >= {}) = (c = 1) THEN {one} ELSE {} END",
        d.float(0.5),
        d.float(0.0)
    );
    // Binary rows are right where the element is; sigmoid rows where the label has the top score.
    let top = if t.mode == Mode::Sigmoid {
        "istop".to_string()
    } else {
        ok.clone()
    };
    layers.push(Layer::cols(vec![
        (
            format!("CASE WHEN p > {one} - p THEN p ELSE {one} - p END"),
            "conf",
        ),
        (ok, "ok"),
        ("(p - c) * (p - c)".into(), "brier"),
        ("c".into(), "pol"),
        (counted, "counted"),
        (top, "topn"),
    ]));
    layers
}

/// Layers from the checked rows to softmax elements (one per row), with the
/// same columns as [`binary`].
pub(crate) fn softmax(d: Dialect, t: &Target, spec: &EngineSpec, need_lnq: bool) -> Vec<Layer> {
    let k = t.scores.len();
    let one = d.float(1.0);
    let zero = d.float(0.0);
    let counted = format!("st = {COUNTED}");
    let mut layers = Vec::new();
    let mut v: Vec<(String, String)> = (0..k)
        .map(|i| {
            (
                format!("CASE WHEN {counted} THEN s{i} END"),
                format!("v{i}"),
            )
        })
        .collect();
    v.push((format!("CASE WHEN {counted} THEN code END"), "y".into()));
    v.push((row_key(), "rk".into()));
    layers.push(Layer::owned(v));
    let all: Vec<String> = (0..k).map(|i| format!("v{i}")).collect();
    layers.push(Layer::cols(vec![(
        format!("GREATEST({})", all.join(", ")),
        "m",
    )]));
    let sy: Vec<String> = (0..k).map(|i| format!("WHEN {i} THEN v{i}")).collect();
    layers.push(Layer::cols(vec![
        (argmax(k, |i| format!("v{i}"), "m"), "am"),
        (format!("CASE y {} END", sy.join(" ")), "sy"),
    ]));
    let ok = format!("CASE WHEN am = y THEN {one} ELSE {zero} END");
    match spec.kind {
        ScoreKind::Logits => {
            // e^x is 0 below -708, as in the engine (PostgreSQL would raise an
            // underflow error there).
            let e: Vec<(String, String)> = (0..k)
                .map(|i| {
                    (
                        format!(
                            "CASE WHEN v{i} - m < {} THEN {zero} ELSE EXP(v{i} - m) END",
                            d.float(-708.0)
                        ),
                        format!("e{i}"),
                    )
                })
                .collect();
            layers.push(Layer::owned(e));
            // The other classes' terms: the true class's is 0.
            layers.push(Layer::owned(
                (0..k)
                    .map(|i| {
                        (
                            format!("CASE WHEN y = {i} THEN {zero} ELSE e{i} END"),
                            format!("r{i}"),
                        )
                    })
                    .collect(),
            ));
            let terms = |f: &dyn Fn(usize) -> String| (0..k).map(f).collect::<Vec<String>>();
            let ey: Vec<String> = (0..k).map(|i| format!("WHEN {i} THEN e{i}")).collect();
            layers.push(Layer::cols(vec![
                (lane_sum(&terms(&|i| format!("e{i}")), &zero), "sm"),
                (lane_sum(&terms(&|i| format!("r{i}")), &zero), "rest"),
                (format!("CASE y {} END", ey.join(" ")), "ey"),
            ]));
            layers.push(Layer::cols(vec![
                (String::from("LN(sm)"), "lns"),
                (format!("{one} / sm"), "inv"),
            ]));
            // Σ_{k≠y} (e_k · inv)², then (e_y · inv - 1)², as the engine adds them.
            let sq = lane_sum(&terms(&|i| format!("(r{i} * inv) * (r{i} * inv)")), &zero);
            let brier = format!("({sq} + (ey * inv - {one}) * (ey * inv - {one}))");
            let mut c = vec![
                (String::from("ey / sm"), "pt"),
                (String::from("rest / sm"), "q"),
                (String::from("-((sy - m) - lns)"), "ce"),
                (String::from("inv"), "conf"),
                (brier, "brier"),
            ];
            if need_lnq {
                // Only read where q > 0, i.e. rest > 0.
                c.push((
                    String::from("CASE WHEN rest > 0 THEN LN(rest) - lns END"),
                    "lnq",
                ));
            }
            layers.push(Layer::cols(c));
        }
        ScoreKind::Probabilities => {
            let brier = (0..k).fold(zero.clone(), |a, i| {
                let d = format!("(CASE WHEN y = {i} THEN v{i} - {one} ELSE v{i} END)");
                format!("({a} + {d} * {d})")
            });
            layers.push(Layer::cols(vec![
                (clamp(d, "sy", spec.eps), "pt"),
                ("m".into(), "conf"),
                (brier, "brier"),
            ]));
            let mut c = vec![
                (format!("{one} - pt"), "q"),
                (String::from("-LN(pt)"), "ce"),
            ];
            if need_lnq {
                c.push((format!("LN({one} - pt)"), "lnq"));
            }
            layers.push(Layer::cols(c));
        }
    }
    layers.push(Layer::cols(vec![
        (ok.clone(), "ok"),
        ("y".into(), "grp"),
        ("1".into(), "pol"),
        (counted, "counted"),
        (ok, "topn"),
    ]));
    layers
}

/// `Σ terms` added as the engine's softmax kernel adds a row: lane `l` takes
/// the terms `l, l + L, ...` from 0, the lanes fold in the engine's fixed
/// tree, then the last `K mod L` terms follow in order.
fn lane_sum(terms: &[String], zero: &str) -> String {
    use crate::engine::softmax::L;
    // The fold below is the engine's tree for 8 lanes.
    const _: () = assert!(L == 8);
    let full = terms.len() / L * L;
    let mut acc = if full == 0 {
        zero.to_string()
    } else {
        let a: Vec<String> = (0..L)
            .map(|l| {
                (l..full)
                    .step_by(L)
                    .fold(zero.to_string(), |a, i| format!("({a} + {})", terms[i]))
            })
            .collect();
        format!(
            "((({} + {}) + ({} + {})) + (({} + {}) + ({} + {})))",
            a[0], a[4], a[2], a[6], a[1], a[5], a[3], a[7]
        )
    };
    for t in &terms[full..] {
        acc = format!("({acc} + {t})");
    }
    acc
}
