//! The human-readable table exporter (comfy-table), sized to the terminal (80
//! columns for files and pipes).

use super::cells;
use super::{cell_name, human, Exporter, Style};
use crate::report::{CompareReport, RecommendReport, Report, StatsReport};
use crate::text::{alpha, group_key, AlphaText};
use anyhow::Result;
use comfy_table::{
    presets, Attribute, Cell, CellAlignment, ColumnConstraint, ContentArrangement, Table,
};
use std::fmt::Write;

/// `--output table` (the default).
pub(crate) struct TableExporter;

impl Exporter for TableExporter {
    fn render(&self, report: &Report, style: Style) -> Result<String> {
        Ok(match report {
            Report::Stats(r) => {
                let mut out = stats(r, style);
                for g in r.groups.iter().flatten() {
                    out.push_str(&group_heading(
                        style,
                        &group_key(g.key.as_deref()),
                        &g.report.input,
                    ));
                    out.push_str(&stats(&g.report, style));
                }
                out
            }
            Report::Compare(r) => {
                let mut out = compare(r, style);
                for g in r.groups.iter().flatten() {
                    out.push_str(&group_heading(
                        style,
                        &group_key(g.key.as_deref()),
                        &g.report.input,
                    ));
                    out.push_str(&compare(&g.report, style));
                }
                out
            }
            Report::Recommend(r) => recommend(r, style),
        })
    }
}

/// A table with flcli's look: header row, right-aligned numbers, as wide as [`Style::width`].
pub(crate) fn new_table(style: Style, header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(style.width);
    if style.color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t.set_header(header.iter().map(|h| {
        let c = Cell::new(h);
        if style.color {
            c.add_attribute(Attribute::Bold)
        } else {
            c
        }
    }));
    for i in 1..header.len() {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
            // Numbers are never wrapped: only the first (name) column gives way.
            col.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    t
}

/// A table of typed cells: names from the data escaped and cut to 24 characters.
fn grid(style: Style, header: &[&str], rows: &[Vec<cells::Cell>]) -> Table {
    let mut t = new_table(style, header);
    for r in rows {
        t.add_row(
            r.iter()
                .map(|c| match c {
                    cells::Cell::Name(s) => cell_name(s, 24),
                    c => c.text(),
                })
                .collect::<Vec<_>>(),
        );
    }
    t
}

/// The heading of one `--by` section.
pub(crate) fn group_heading(style: Style, key: &str, input: &crate::report::InputInfo) -> String {
    let by = input.by.as_deref().unwrap_or("group");
    format!(
        "\n{}\n",
        title(
            style,
            &format!("━━ {} = {} ━━", cell_name(by, 30), cell_name(key, 40))
        )
    )
}

/// A section title.
pub(crate) fn title(style: Style, s: &str) -> String {
    if style.color {
        format!("\x1b[1m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// The lines describing the input, shared by every command.
pub(crate) fn input_lines(out: &mut String, i: &crate::report::InputInfo) {
    let paths: Vec<String> = i.paths.iter().map(|p| super::escape(p)).collect();
    let _ = writeln!(out, "Input    {} ({})", paths.join(", "), i.format);
    // Column names come from the data: escaped, and shortened like class names.
    let columns = |cols: &[String]| {
        if cols.len() > 3 {
            format!(
                "{} … {} ({} columns)",
                cell_name(&cols[0], 40),
                cell_name(&cols[cols.len() - 1], 40),
                cols.len()
            )
        } else {
            let names: Vec<String> = cols.iter().map(|c| cell_name(c, 40)).collect();
            names.join(", ")
        }
    };
    let label = match &i.targets {
        Some(t) => format!("multi-label targets {}", columns(t)),
        None => format!("label \"{}\"", cell_name(&i.label_column, 40)),
    };
    let _ = writeln!(
        out,
        "Layout   {} mode, {} in {}, {label}",
        i.mode.as_str(),
        i.score_kind.as_str(),
        columns(&i.score_columns),
    );
    let _ = write!(
        out,
        "Rows     {} read, {} used, {} ignored, {} skipped",
        i.rows_read, i.rows_used, i.rows_ignored, i.rows_skipped
    );
    if let Some(b) = i.background_rows {
        let _ = write!(out, " ({b} background)");
    }
    out.push('\n');
    for s in &i.skipped {
        let first: Vec<String> = s.first.iter().map(|x| x.to_string()).collect();
        let _ = writeln!(
            out,
            "         skipped {} × {} (first {}s: {})",
            s.count,
            s.reason,
            s.unit,
            first.join(", ")
        );
    }
    let _ = writeln!(out, "α        {}", i.alpha_convention);
}

fn stats(r: &StatsReport, style: Style) -> String {
    let mut out = String::new();
    input_lines(&mut out, &r.input);
    let _ = writeln!(
        out,
        "Loss     focal loss γ = {}, α = {}, ε = {}\n",
        r.params.gamma,
        alpha(&r.params.alpha, AlphaText::Table),
        r.params.eps
    );

    let im = &r.imbalance;
    let _ = writeln!(out, "{}", title(style, "Class imbalance"));
    // Short titles: six columns in 80.
    let header = [
        "class",
        "count",
        "freq",
        "eff. number",
        "w inv-freq",
        "w eff-num",
    ];
    let _ = writeln!(out, "{}", grid(style, &header, &cells::classes(r).rows));
    let ratio = match (im.imbalance_ratio, &im.imbalance_ratio_note) {
        (Some(x), _) => format!("{}:1", human(Some(x))),
        // The note names classes, whose names can be long: keep the line short.
        (None, Some(n)) => format!("– ({})", cell_name(n, 100)),
        (None, None) => "–".into(),
    };
    let _ = writeln!(
        out,
        "imbalance ratio {ratio} ({}), majority {}, minority {}, normalised entropy {}, β = {}",
        im.severity,
        cell_name(&im.majority, 24),
        cell_name(&im.minority, 24),
        human(im.normalized_entropy),
        r.params.beta
    );
    if let Some(pn) = im.positive_negative_ratio {
        // The JSON's own figure, said the same way (positives per negative).
        let _ = writeln!(out, "positive / negative elements = {}", human(Some(pn)));
    }
    out.push('\n');
    if let Some(ml) = &im.multilabel {
        multilabel(
            &mut out,
            style,
            &super::multilabel::view(ml, &r.input.class_names, &im.counts),
        );
    }

    let _ = writeln!(out, "{}", title(style, "Loss per class"));
    // The CE share is left out so the table fits 80 columns.
    let (header, rows) = cells::class_loss(&r.classes).without("CE share");
    let _ = writeln!(out, "{}\n", grid(style, &header, &rows));

    let _ = writeln!(
        out,
        "{}",
        title(
            style,
            "Loss per difficulty bucket (p_t = probability of the true target)"
        )
    );
    let g = cells::buckets(&r.buckets);
    let _ = writeln!(out, "{}\n", grid(style, g.header, &g.rows));

    let to = &r.totals;
    let _ = writeln!(out, "{}", title(style, "Totals"));
    let _ = writeln!(
        out,
        "elements {}, positives {}; CE sum {} mean {}; FL sum {} mean {}; FL per positive {}",
        to.elements,
        to.positives,
        human(Some(to.ce_sum)),
        human(to.ce_mean),
        human(Some(to.focal_sum)),
        human(to.focal_mean),
        human(to.loss_per_positive)
    );
    let ca = &r.calibration;
    let _ = writeln!(
        out,
        "calibration ({}s): ECE {}, MCE {}, Brier {}, {} (confidence − accuracy = {})",
        ca.items,
        human(ca.ece),
        human(ca.mce),
        human(ca.brier),
        ca.direction,
        human(ca.confidence_gap)
    );
    out
}

fn compare(r: &CompareReport, style: Style) -> String {
    super::compare_table::render(r, style)
}

fn recommend(r: &RecommendReport, style: Style) -> String {
    super::recommend_table::render(r, style)
}

/// The multi-label part of the imbalance section.
fn multilabel(out: &mut String, style: Style, v: &super::multilabel::View) {
    use super::multilabel::rate;
    let _ = writeln!(out, "{}", title(style, "Multi-label targets"));
    let mut t = new_table(style, &v.rate_header);
    for (name, n, r) in &v.rates {
        t.add_row(vec![cell_name(name, 24), n.to_string(), rate(*r)]);
    }
    let _ = writeln!(out, "{t}");
    let _ = writeln!(out, "{}", v.summary);
    if !v.pairs.is_empty() {
        let _ = writeln!(out, "{}", v.pairs_caption);
        let mut t = new_table(style, &v.pair_header);
        for (a, b, n, s) in &v.pairs {
            t.add_row(vec![
                cell_name(a, 24),
                cell_name(b, 24),
                n.to_string(),
                rate(*s),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    out.push('\n');
}
