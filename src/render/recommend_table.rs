//! The `recommend` report for people: the answer in plain words, the reasons,
//! the runner-ups, the targets, and the grid it weighed.

use super::table::{input_lines, new_table, title};
use super::{cell_name, escape, human, Style};
use crate::report::RecommendReport;
use crate::text::{percent, wrap, AlphaText, Percent};
use std::fmt::Write;

/// The setting in words.
pub(crate) fn answer(
    loss: &str,
    gamma: Option<f64>,
    alpha: &serde_json::Value,
    mode: &str,
) -> String {
    let a = match alpha {
        serde_json::Value::Null => "no α (α_t = 1)".to_string(),
        serde_json::Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            format!("α = {x} (positives weighted {x}, negatives {})", 1.0 - x)
        }
        serde_json::Value::Array(_) if mode == "softmax" => {
            "per-class α (class-balanced, listed below)".into()
        }
        v => format!("α = {}", crate::text::alpha(v, AlphaText::Table)),
    };
    match (loss, gamma) {
        ("cross_entropy", _) => format!("plain cross-entropy (γ = 0) with {a}"),
        (_, Some(g)) => format!("focal loss with γ = {g} and {a}"),
        (_, None) => format!("focal loss with a γ that varies with p_t and {a}"),
    }
}

/// The recommend report in plain words, then the evidence grid.
pub(crate) fn render(r: &RecommendReport, style: Style) -> String {
    let mut out = String::new();
    input_lines(&mut out, &r.input);
    out.push('\n');
    let rec = &r.recommendation;
    let mode = r.input.mode.as_str();
    let _ = writeln!(out, "{}", title(style, "Recommendation"));
    let width = usize::from(style.width);
    let said = format!(
        "Use {}.",
        answer(&rec.loss, Some(rec.gamma), &rec.alpha, mode)
    );
    let _ = writeln!(out, "{}", wrap(&said, width, "", ""));
    if let serde_json::Value::Array(ws) = &rec.alpha {
        for (name, w) in r.input.class_names.iter().zip(ws) {
            let _ = writeln!(out, "  α[{}] = {}", cell_name(name, 24), human(w.as_f64()));
        }
    }
    let _ = writeln!(
        out,
        "(evaluated as variant {})",
        crate::text::quoted(&rec.variant)
    );
    out.push('\n');
    let _ = writeln!(out, "{}", title(style, "Why"));
    for s in &rec.rationale {
        let _ = writeln!(out, "{}", wrap(&escape(s), width, "- ", "  "));
    }
    for s in &rec.close_calls {
        let _ = writeln!(out, "{}", wrap(&escape(s), width, "- ", "  "));
    }
    if !rec.alternatives.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "{}", title(style, "Alternatives"));
        for a in &rec.alternatives {
            let item = format!(
                "{} [{}]: {}",
                answer(&a.loss, a.gamma, &a.alpha, mode),
                a.variant,
                escape(&a.reason)
            );
            let _ = writeln!(out, "{}", wrap(&item, width, "- ", "  "));
        }
    }
    out.push('\n');
    // Unwrapped, so each pastes as one line.
    let _ = writeln!(out, "{}", title(style, "Reproduce"));
    let _ = writeln!(out, "{}", escape(&r.reproduce.flcli));
    let _ = writeln!(out, "PyTorch: {}", escape(&r.reproduce.pytorch));
    out.push('\n');
    let t = &r.evidence.targets;
    let _ = writeln!(out, "{}", title(style, "Targets"));
    let targets = format!(
        "easy = p_t ≥ {}; easy share of the gradient in {}–{}, γ nearest {}; below {}:1 imbalance also easy share of CE's loss > {} before focal; overconfident with ECE > {} → γ ≥ {}; class-balanced β = {}",
        t.easy,
        percent(Some(t.min_easy_grad_share), Percent::Cell),
        percent(Some(t.max_easy_grad_share), Percent::Cell),
        t.prior_gamma,
        t.min_imbalance,
        percent(Some(t.max_easy_loss_share), Percent::Cell),
        percent(Some(t.max_ece), Percent::Cell),
        t.calibration_gamma,
        t.beta
    );
    let _ = writeln!(out, "{}", wrap(&targets, width, "", ""));
    let ca = &r.evidence.calibration;
    let _ = writeln!(
        out,
        "calibration ({}s): ECE {}, {} (confidence − accuracy = {})",
        ca.items,
        percent(ca.ece, Percent::Cell),
        ca.direction,
        percent(ca.confidence_gap, Percent::Cell)
    );
    out.push('\n');
    let _ = writeln!(out, "{}", title(style, "Evidence (one pass over the data)"));
    let mut tb = new_table(
        style,
        &["variant", "loss mean", "× CE", "easy loss", "easy grad"],
    );
    for v in &r.evidence.variants {
        let mark = if v.name == rec.variant { " ◀" } else { "" };
        tb.add_row(vec![
            format!("{}{mark}", cell_name(&v.name, 22)),
            human(v.loss_mean),
            human(v.ratio_to_ce),
            percent(v.easy_loss_share, Percent::Cell),
            percent(v.easy_grad_share, Percent::Cell),
        ]);
    }
    let _ = writeln!(out, "{tb}");
    let _ = writeln!(
        out,
        "easy grad = share of Σ|∂loss/∂logit| from easy elements; ◀ = the recommendation"
    );
    out
}
