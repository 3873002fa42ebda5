//! Tables for `compare`: variants side by side, and a bar
//! chart of where each variant's loss sits across the difficulty buckets.

use super::cells::range;
use super::table::{input_lines, new_table, title};
use super::{cell_name, human, Style};
use crate::report::CompareReport;
use crate::text::{percent, Percent};
use std::fmt::Write;

/// Glyphs for buckets, hardest (lowest p_t) first.
const GLYPHS: &[char] = &['█', '▓', '▒', '░', '▚', '▞', '▖', '·', '-', '='];
/// Width of a bar in characters.
const BAR: usize = 48;

/// The compare report as tables and bars.
pub(crate) fn render(r: &CompareReport, style: Style) -> String {
    let mut out = String::new();
    input_lines(&mut out, &r.input);
    out.push('\n');
    let _ = writeln!(out, "{}", title(style, "Variants (one pass over the data)"));
    let mut t = new_table(
        style,
        &[
            "variant",
            "loss mean",
            "× CE",
            "easy loss",
            "easy grad",
            "top 1%\npos/neg",
            "top 10%\npos/neg",
        ],
    );
    for v in &r.variants {
        t.add_row(vec![
            cell_name(&v.name, 22),
            human(v.loss_mean),
            human(v.ratio_to_ce),
            percent(v.easy_loss_share, Percent::Cell),
            percent(v.easy_grad_share, Percent::Cell),
            // Positives over negatives, one per line, so no share is cut in two.
            format!(
                "{}\n{}",
                percent(v.hardest_1pct_loss_share.positives, Percent::Cell),
                percent(v.hardest_1pct_loss_share.negatives, Percent::Cell)
            ),
            format!(
                "{}\n{}",
                percent(v.hardest_10pct_loss_share.positives, Percent::Cell),
                percent(v.hardest_10pct_loss_share.negatives, Percent::Cell)
            ),
        ]);
    }
    let _ = writeln!(out, "{t}");
    let _ = writeln!(
        out,
        "easy = p_t ≥ {}; grad = |∂loss/∂logit|; top x% = share of the loss held by the hardest x% of positive / negative elements\n",
        r.params.easy
    );
    let _ = writeln!(
        out,
        "{}",
        title(style, "Where the loss sits, by p_t bucket (hard → easy)")
    );
    out.push_str(&bars(r));
    out
}

/// One stacked bar per variant, segments in bucket order, and a legend.
fn bars(r: &CompareReport) -> String {
    let mut out = String::new();
    let w = r
        .variants
        .iter()
        .map(|v| v.name.chars().count().min(22))
        .max()
        .unwrap_or(0);
    for v in &r.variants {
        let mut bar = String::new();
        let mut used = 0usize;
        let mut acc = 0.0;
        for (i, b) in v.buckets.iter().enumerate() {
            acc += b.share.unwrap_or(0.0);
            let upto = ((acc * BAR as f64).round() as usize).min(BAR);
            for _ in used..upto {
                bar.push(GLYPHS[i % GLYPHS.len()]);
            }
            used = used.max(upto);
        }
        let _ = writeln!(out, "{:<w$} {bar}", cell_name(&v.name, 22));
    }
    let legend: Vec<String> = r
        .variants
        .first()
        .map(|v| {
            let last = v.buckets.len().saturating_sub(1);
            v.buckets
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    format!(
                        "{} {}",
                        GLYPHS[i % GLYPHS.len()],
                        range(b.lower, b.upper, i == last)
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let _ = writeln!(out, "{:<w$} {}", "", legend.join("  "));
    out
}
