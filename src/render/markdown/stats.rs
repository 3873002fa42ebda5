//! The Markdown form of `flcli stats`: input, classes and imbalance,
//! buckets, totals and calibration, each as a GitHub table.

use super::{grid, input, md, table};
use crate::render::cells;
use crate::render::human;
use crate::report::StatsReport;
use crate::text::{alpha, AlphaText};
use std::fmt::Write;

/// The whole stats report under a `## title` heading.
pub(super) fn stats(r: &StatsReport, title: &str) -> String {
    let mut out = format!("## {title}\n\n");
    input(&mut out, &r.input);
    let _ = writeln!(
        out,
        "- **Loss** focal loss γ = {}, α = {}, ε = {}\n",
        r.params.gamma,
        alpha(&r.params.alpha, AlphaText::Table),
        r.params.eps
    );

    let im = &r.imbalance;
    out.push_str("### Class imbalance\n\n");
    grid(&mut out, cells::classes(r));
    let ratio = match (im.imbalance_ratio, &im.imbalance_ratio_note) {
        (Some(x), _) => format!("{}:1", human(Some(x))),
        (None, Some(n)) => format!("– ({})", md(n)),
        (None, None) => "–".into(),
    };
    let _ = writeln!(
        out,
        "- imbalance ratio **{ratio}** ({}), majority {}, minority {}",
        im.severity,
        md(&im.majority),
        md(&im.minority)
    );
    let _ = writeln!(
        out,
        "- normalised entropy {} (1 = balanced), β = {}",
        human(im.normalized_entropy),
        r.params.beta
    );
    if let Some(pn) = im.positive_negative_ratio {
        let _ = writeln!(out, "- positive / negative elements {}", human(Some(pn)));
    }
    out.push('\n');
    if let Some(ml) = &im.multilabel {
        multilabel(
            &mut out,
            &crate::render::multilabel::view(ml, &r.input.class_names, &im.counts),
        );
    }

    out.push_str("### Loss per class\n\n");
    grid(&mut out, cells::class_loss(&r.classes));

    out.push_str(
        "### Loss per difficulty bucket\n\np_t is the probability of the true target.\n\n",
    );
    grid(&mut out, cells::buckets(&r.buckets));

    let t = &r.totals;
    out.push_str("### Totals\n\n");
    table(
        &mut out,
        &[
            "elements",
            "positives",
            "CE sum",
            "CE mean",
            "FL sum",
            "FL mean",
            "FL per positive",
        ],
        &[vec![
            t.elements.to_string(),
            t.positives.to_string(),
            human(Some(t.ce_sum)),
            human(t.ce_mean),
            human(Some(t.focal_sum)),
            human(t.focal_mean),
            human(t.loss_per_positive),
        ]],
    );

    let c = &r.calibration;
    out.push_str("### Calibration\n\n");
    table(
        &mut out,
        &[
            "items",
            "ECE",
            "MCE",
            "Brier",
            "confidence − accuracy",
            "direction",
        ],
        &[vec![
            c.items.clone(),
            human(c.ece),
            human(c.mce),
            human(c.brier),
            human(c.confidence_gap),
            c.direction.clone(),
        ]],
    );
    out
}

/// The multi-label part of the imbalance section.
fn multilabel(out: &mut String, v: &crate::render::multilabel::View) {
    use crate::render::multilabel::rate;
    out.push_str("### Multi-label targets\n\n");
    let _ = writeln!(out, "{}\n", md(&v.summary));
    let rows: Vec<Vec<String>> = v
        .rates
        .iter()
        .map(|(name, n, r)| vec![md(name), n.to_string(), rate(*r)])
        .collect();
    table(out, &v.rate_header, &rows);
    if !v.pairs.is_empty() {
        let _ = writeln!(out, "{}\n", md(&v.pairs_caption));
        let rows: Vec<Vec<String>> = v
            .pairs
            .iter()
            .map(|(a, b, n, s)| vec![md(a), md(b), n.to_string(), rate(*s)])
            .collect();
        table(out, &v.pair_header, &rows);
    }
}
