//! The sections of every `stats` page (input and layout, imbalance, loss per
//! class and per p_t bucket, calibration), also used by the other pages. Each
//! takes its heading level so a `--by` slice can nest the same sections.

use super::esc;
use super::figures::{class_bars, svg_figure};
use super::table::{count, num, share, table, text, Cell};
use crate::render::cells::{self, range};
use crate::render::{human, plot};
use crate::report::{BucketRow, Calibration, ClassRow, Imbalance, InputInfo, Params, Totals};
use crate::text::{alpha, percent, AlphaText, Percent};
use anyhow::Result;
use std::fmt::Write;

pub(super) fn heading(out: &mut String, h: u8, s: &str) {
    let _ = writeln!(out, "<h{h}>{}</h{h}>", esc(s));
}

/// Term and definition; `dd` is HTML already (callers escape data in it).
fn kv(out: &mut String, dt: &str, dd: &str) {
    let _ = write!(out, "<dt>{}</dt><dd>{dd}</dd>", esc(dt));
}

/// What was read and how it was interpreted, with the notes and skipped rows.
pub(crate) fn input(out: &mut String, i: &InputInfo, h: u8) {
    heading(out, h, "Input and detected layout");
    let list = |v: &[String]| v.iter().map(|s| esc(s)).collect::<Vec<_>>().join(", ");
    out.push_str("<dl class=\"kv\">");
    kv(
        out,
        "files",
        &format!("{} ({})", list(&i.paths), esc(&i.format)),
    );
    kv(
        out,
        "layout",
        &format!("{} mode, {}", i.mode.as_str(), i.score_kind.as_str()),
    );
    match &i.targets {
        Some(t) => kv(out, "multi-label targets", &list(t)),
        None => kv(out, "label column", &esc(&i.label_column)),
    }
    kv(out, "score columns", &list(&i.score_columns));
    kv(
        out,
        "classes",
        &format!("{}: {}", i.class_names.len(), list(&i.class_names)),
    );
    let mut rows = format!(
        "{} read, {} used, {} ignored, {} skipped",
        i.rows_read, i.rows_used, i.rows_ignored, i.rows_skipped
    );
    if let Some(b) = i.background_rows {
        let _ = write!(rows, " ({b} background)");
    }
    kv(out, "rows", &rows);
    if let Some(by) = &i.by {
        kv(out, "sliced by", &esc(by));
    }
    kv(out, "α convention", &esc(&i.alpha_convention));
    out.push_str("</dl>\n");
    if !i.detected.is_empty() {
        out.push_str("<p>Detected rather than given:</p><ul>");
        for d in &i.detected {
            let _ = write!(out, "<li>{}</li>", esc(d));
        }
        out.push_str("</ul>\n");
    }
    if !i.skipped.is_empty() {
        let rows: Vec<Vec<Cell>> = i
            .skipped
            .iter()
            .map(|s| {
                let first: Vec<String> = s.first.iter().map(u64::to_string).collect();
                vec![
                    text(s.reason.clone()),
                    count(s.count),
                    text(format!("{}s {}", s.unit, first.join(", "))),
                ]
            })
            .collect();
        table(
            out,
            "Skipped rows by reason",
            &["reason", "rows", "first"],
            &rows,
            None,
        );
    }
}

/// The loss settings of a `stats` report.
pub(crate) fn loss_settings(out: &mut String, p: &Params, h: u8) {
    heading(out, h, "Loss settings");
    let edges: Vec<String> = p.bucket_edges.iter().map(f64::to_string).collect();
    let _ = writeln!(
        out,
        "<p>Focal loss with γ = {}, α = {}, ε = {}; easy means p<sub>t</sub> ≥ {}; p<sub>t</sub> buckets at {}.</p>",
        p.gamma,
        esc(&alpha(&p.alpha, AlphaText::Table)),
        p.eps,
        p.easy,
        edges.join(", ")
    );
}

/// Class frequencies as bars, the imbalance figures and suggested weights
/// (`classes`: [`cells::classes`] or [`cells::classes_of`]).
pub(crate) fn imbalance(
    out: &mut String,
    im: &Imbalance,
    classes: cells::Grid,
    input: &InputInfo,
    beta: f64,
    h: u8,
) {
    heading(out, h, "Class imbalance");
    let ratio = match (im.imbalance_ratio, &im.imbalance_ratio_note) {
        (Some(x), _) => format!("{}:1", human(Some(x))),
        (None, Some(n)) => format!("– ({})", esc(n)),
        (None, None) => "–".into(),
    };
    out.push_str("<dl class=\"kv\">");
    kv(
        out,
        "imbalance ratio",
        &format!("<strong>{ratio}</strong> ({})", esc(&im.severity)),
    );
    kv(
        out,
        "majority / minority",
        &format!("{} / {}", esc(&im.majority), esc(&im.minority)),
    );
    kv(
        out,
        "normalised entropy",
        &format!("{} (1 = balanced)", human(im.normalized_entropy)),
    );
    if let Some(pn) = im.positive_negative_ratio {
        kv(out, "positive / negative elements", &human(Some(pn)));
    }
    if let Some(b) = im.background_rows {
        kv(out, "background rows", &b.to_string());
    }
    out.push_str("</dl>\n");
    let sigmoid = input.mode == crate::model::Mode::Sigmoid;
    out.push_str(&class_bars(&input.class_names, &im.counts, sigmoid));
    let caption = format!(
        "Suggested class weights, normalised to sum to the number of classes; effective number with β = {beta}."
    );
    table(
        out,
        &caption,
        classes.header,
        &html_cells(classes.rows),
        None,
    );
    if let Some(ml) = &im.multilabel {
        multilabel(
            out,
            &crate::render::multilabel::view(ml, &input.class_names, &im.counts),
            h + 1,
        );
    }
}

/// The multi-label part of the imbalance section.
fn multilabel(out: &mut String, v: &crate::render::multilabel::View, h: u8) {
    heading(out, h, "Multi-label targets");
    let _ = writeln!(out, "<p>{}</p>", esc(&v.summary));
    let rows: Vec<Vec<Cell>> = v
        .rates
        .iter()
        .map(|(name, n, r)| vec![text(name.clone()), count(*n), share(*r)])
        .collect();
    let caption = "Positive rate per class: rows where the class is positive / rows used.";
    table(out, caption, &v.rate_header, &rows, None);
    if !v.pairs.is_empty() {
        let rows: Vec<Vec<Cell>> = v
            .pairs
            .iter()
            .map(|(a, b, n, s)| vec![text(a.clone()), text(b.clone()), count(*n), share(*s)])
            .collect();
        table(out, &v.pairs_caption, &v.pair_header, &rows, None);
    }
}

/// A grid's cells as HTML cells: shares drawn as bars.
pub(super) fn html_cells(rows: Vec<Vec<cells::Cell>>) -> Vec<Vec<Cell>> {
    rows.into_iter()
        .map(|r| {
            r.into_iter()
                .map(|c| match c {
                    cells::Cell::Name(s) | cells::Cell::Text(s) => text(s),
                    cells::Cell::Count(n) => count(n),
                    cells::Cell::Num(x) => num(x),
                    cells::Cell::Share(x) => share(x),
                })
                .collect()
        })
        .collect()
}

/// CE and focal loss per class.
pub(crate) fn class_loss(out: &mut String, classes: &[ClassRow], h: u8) {
    heading(out, h, "Loss per class");
    let g = cells::class_loss(classes);
    table(
        out,
        "Bars: the class's share of the total loss, and its accuracy.",
        g.header,
        &html_cells(g.rows),
        None,
    );
}

/// CE and focal loss per p_t bucket.
pub(crate) fn buckets(out: &mut String, buckets: &[BucketRow], h: u8) {
    heading(out, h, "Loss per difficulty bucket");
    let g = cells::buckets(buckets);
    table(
        out,
        "p_t is the probability of the true target; low p_t = hard.",
        g.header,
        &html_cells(g.rows),
        None,
    );
}

/// Whole-dataset sums.
pub(crate) fn totals(out: &mut String, t: &Totals, h: u8) {
    heading(out, h, "Totals");
    let rows = vec![vec![
        count(t.elements),
        count(t.positives),
        num(Some(t.ce_sum)),
        num(t.ce_mean),
        num(Some(t.focal_sum)),
        num(t.focal_mean),
        num(t.loss_per_positive),
    ]];
    table(
        out,
        "FL per positive is RetinaNet's normalisation.",
        &[
            "elements",
            "positives",
            "CE sum",
            "CE mean",
            "FL sum",
            "FL mean",
            "FL per positive",
        ],
        &rows,
        None,
    );
}

/// The reliability diagram with ECE, MCE and Brier score.
pub(crate) fn calibration(out: &mut String, c: &Calibration, h: u8) -> Result<()> {
    heading(out, h, "Calibration");
    let _ = writeln!(
        out,
        "<p>ECE <strong>{}</strong>, MCE {}, Brier {}; mean confidence − accuracy {}: {}.</p>",
        percent(c.ece, Percent::Cell),
        percent(c.mce, Percent::Cell),
        human(c.brier),
        percent(c.confidence_gap, Percent::Cell),
        esc(&c.direction)
    );
    out.push_str(&svg_figure(
        &plot::reliability_svg(c)?,
        &format!("Reliability diagram ({}s)", c.items),
        "Accuracy per confidence bin against the diagonal of perfect calibration; red: the gap to the bin's mean confidence.",
    ));
    let rows: Vec<Vec<Cell>> = c
        .reliability
        .iter()
        .filter(|b| b.count > 0)
        .map(|b| {
            vec![
                text(range(b.lower, b.upper, b.upper >= 1.0)),
                count(b.count),
                num(b.mean_confidence),
                share(b.accuracy),
            ]
        })
        .collect();
    table(
        out,
        "Non-empty confidence bins.",
        &[
            "confidence",
            c.items.as_str(),
            "mean confidence",
            "accuracy",
        ],
        &rows,
        None,
    );
    Ok(())
}
