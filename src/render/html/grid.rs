//! The sections of `compare` and `recommend`: the evaluated γ×α grid with
//! RetinaNet Figure-4 curves, and the recommendation with its rationale.

use super::esc;
use super::figures::svg_figure;
use super::sections::{heading, html_cells};
use super::table::{num, pct, share, table, text, Cell};
use crate::model::Mode;
use crate::render::{plot, recommend_table::answer};
use crate::report::compare::{CompareParams, Variant};
use crate::report::RecommendReport;
use crate::text::{alpha, percent, AlphaText, Percent};
use anyhow::Result;
use std::fmt::Write;

/// The evaluated grid: Figure-4 curves per γ, the variants, their loss by bucket.
pub(crate) fn grid(
    out: &mut String,
    vs: &[Variant],
    p: &CompareParams,
    mode: Mode,
    h: u8,
) -> Result<()> {
    let gammas: Vec<String> = p.gammas.iter().map(f64::to_string).collect();
    let alphas: Vec<String> = p
        .alphas
        .iter()
        .map(|a| alpha(a, AlphaText::Table))
        .collect();
    heading(out, h, "Focal loss compared");
    let _ = writeln!(
        out,
        "<p>γ ∈ {{{}}}, α ∈ {{{}}}{}; easy means p<sub>t</sub> ≥ {}.</p>",
        gammas.join(", "),
        esc(&alphas.join(", ")),
        if p.variants.is_empty() {
            String::new()
        } else {
            format!(", and {}", esc(&p.variants.join(", ")))
        },
        p.easy
    );
    out.push_str(&svg_figure(
        &plot::curves_svg(vs, mode)?,
        &format!("Cumulative loss per γ ({})", gammas.join(", ")),
        "RetinaNet Figure 4: elements sorted by loss, lowest first, against their cumulative share of the loss; one curve per γ.",
    ));
    variants(out, vs, None);
    let (ranges, rows) = crate::render::cells::variant_buckets(vs);
    let header: Vec<String> = std::iter::once("variant".to_string())
        .chain(ranges.iter().map(|r| format!("p_t {r}")))
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows = html_cells(rows);
    table(
        out,
        "Share of each variant's loss by p_t bucket (hard → easy).",
        &header,
        &rows,
        None,
    );
    Ok(())
}

/// The variants table shared by compare and recommend; `pick` bolds one variant.
fn variants(out: &mut String, vs: &[Variant], pick: Option<&str>) {
    let rows: Vec<Vec<Cell>> = vs
        .iter()
        .map(|v| {
            vec![
                text(v.name.clone()),
                Cell::Num(v.gamma, v.gamma.map_or("varies".into(), |g| g.to_string())),
                text(alpha(&v.alpha, AlphaText::Table)),
                num(v.loss_mean),
                num(v.ratio_to_ce),
                share(v.easy_loss_share),
                share(v.easy_grad_share),
                pct(v.hardest_10pct_loss_share.positives),
                pct(v.hardest_10pct_loss_share.negatives),
            ]
        })
        .collect();
    let at = pick.and_then(|n| vs.iter().position(|v| v.name == n));
    table(
        out,
        "easy grad = share of Σ|∂loss/∂logit| from easy elements; hardest 10% = share of the loss held by the hardest 10% of positive / negative elements.",
        &[
            "variant", "γ", "α", "loss mean", "× CE", "easy loss", "easy grad",
            "hardest 10% pos", "hardest 10% neg",
        ],
        &rows,
        at,
    );
}

/// The answer, its rationale, the runner-ups and the method's numbers.
pub(crate) fn recommendation(out: &mut String, r: &RecommendReport, h: u8) {
    let rec = &r.recommendation;
    let mode = r.input.mode.as_str();
    heading(out, h, "Recommendation");
    let _ = writeln!(
        out,
        "<p class=\"answer\">Use {}. <span class=\"muted\">(variant <code>{}</code>)</span></p>",
        esc(&answer(&rec.loss, Some(rec.gamma), &rec.alpha, mode)),
        esc(&rec.variant)
    );
    if let serde_json::Value::Array(ws) = &rec.alpha {
        let rows: Vec<Vec<Cell>> = r
            .input
            .class_names
            .iter()
            .zip(ws)
            .map(|(n, w)| vec![text(n.clone()), num(w.as_f64())])
            .collect();
        table(
            out,
            "Per-class α of the recommendation.",
            &["class", "α"],
            &rows,
            None,
        );
    }
    out.push_str("<h3>Why</h3><ul class=\"why\">");
    for s in rec.rationale.iter().chain(&rec.close_calls) {
        let _ = write!(out, "<li>{}</li>", esc(s));
    }
    out.push_str("</ul>\n");
    if !rec.alternatives.is_empty() {
        out.push_str("<h3>Alternatives</h3><ul>");
        for a in &rec.alternatives {
            let _ = write!(
                out,
                "<li>{} <code>{}</code>: {}</li>",
                esc(&answer(&a.loss, a.gamma, &a.alpha, mode)),
                esc(&a.variant),
                esc(&a.reason)
            );
        }
        out.push_str("</ul>\n");
    }
    let _ = writeln!(
        out,
        "<h3>Reproduce</h3><p>The same numbers from <code>flcli compare</code>:</p><pre><code>{}</code></pre><p>and in PyTorch:</p><pre><code>{}</code></pre>",
        esc(&r.reproduce.flcli),
        esc(&r.reproduce.pytorch)
    );
    let t = &r.evidence.targets;
    let d = &r.evidence.decision;
    let _ = writeln!(
        out,
        "<h3>Targets</h3><p>easy = p<sub>t</sub> ≥ {}; easy share of the gradient in {}–{}, γ nearest {}; below {}:1 imbalance also easy share of CE's loss &gt; {} before focal; overconfident with ECE &gt; {} → γ ≥ {}; class-balanced β = {}. Decision: α rule {}, γ for the gradient {}, γ for calibration {}.</p>",
        t.easy,
        percent(Some(t.min_easy_grad_share), Percent::Cell),
        percent(Some(t.max_easy_grad_share), Percent::Cell),
        t.prior_gamma,
        t.min_imbalance,
        percent(Some(t.max_easy_loss_share), Percent::Cell),
        percent(Some(t.max_ece), Percent::Cell),
        t.calibration_gamma,
        t.beta,
        esc(&d.alpha_rule),
        d.gamma_for_gradient,
        d.gamma_for_calibration
    );
    out.push_str("<h3>Evidence</h3>\n");
    variants(out, &r.evidence.variants, Some(&rec.variant));
}
