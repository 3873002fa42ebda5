//! `--output markdown`: GitHub-flavoured Markdown for CI job summaries
//! (`$GITHUB_STEP_SUMMARY`) and PR comments. Same numbers as the table
//! output, formatted the same way; names from the data are escaped so they
//! cannot break a table or turn into markup.

use super::cells::{self, Cell};
use super::{escape, human, Exporter, Style};
use crate::report::compare::Variant;
use crate::report::{CompareReport, InputInfo, RecommendReport, Report};
use crate::text::{alpha, group_key, percent, AlphaText, Percent};
use anyhow::Result;
use std::fmt::Write;

mod stats;
use stats::stats;

/// `--output markdown`.
pub struct MarkdownExporter;

impl Exporter for MarkdownExporter {
    fn render(&self, report: &Report, _style: Style) -> Result<String> {
        Ok(match report {
            Report::Stats(r) => {
                let mut out = stats(r, "flcli stats");
                for g in r.groups.iter().flatten() {
                    out.push('\n');
                    out.push_str(&stats(
                        &g.report,
                        &group_title("stats", &g.report.input, &group_key(g.key.as_deref())),
                    ));
                }
                out
            }
            Report::Compare(r) => {
                let mut out = compare(r, "flcli compare");
                for g in r.groups.iter().flatten() {
                    out.push('\n');
                    out.push_str(&compare(
                        &g.report,
                        &group_title("compare", &g.report.input, &group_key(g.key.as_deref())),
                    ));
                }
                out
            }
            Report::Recommend(r) => recommend(r),
        })
    }
}

/// The heading of a `--by` slice: `flcli stats: size = small` (both names from the data, escaped).
fn group_title(command: &str, input: &InputInfo, key: &str) -> String {
    let by = input.by.as_deref().unwrap_or("group");
    format!("flcli {command}: {} = {}", md(by), md(key))
}

/// Text from the data, safe in a Markdown paragraph or table cell: control
/// characters escaped, and every character with a meaning in GFM (emphasis,
/// links, HTML, tables, math) backslash-escaped.
pub(crate) fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in escape(s).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether a cell reads as a number (right-aligned): a digit, a sign, `–`
/// or the `<` of a bound such as `<0.001%` first.
fn numeric(cell: &str) -> bool {
    cell.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '–' || c == '<')
}

/// A Markdown table: header, alignment row (the first column and text
/// columns left, number columns right), rows.
fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let align: Vec<&str> = (0..header.len())
        .map(|i| {
            if i > 0 && rows.iter().all(|r| r.get(i).is_some_and(|c| numeric(c))) {
                "--:"
            } else {
                ":--"
            }
        })
        .collect();
    let _ = writeln!(out, "|{}|", align.join("|"));
    for r in rows {
        let _ = writeln!(out, "| {} |", r.join(" | "));
    }
    out.push('\n');
}

/// The input as a bullet list, shared by every command.
fn input(out: &mut String, i: &InputInfo) {
    let paths: Vec<String> = i.paths.iter().map(|p| md(p)).collect();
    let cols: Vec<String> = i.score_columns.iter().map(|c| md(c)).collect();
    let _ = writeln!(out, "- **Input** {} ({})", paths.join(", "), i.format);
    let label = match &i.targets {
        Some(t) => {
            let t: Vec<String> = t.iter().map(|c| md(c)).collect();
            format!("multi-label targets {}", t.join(", "))
        }
        None => format!("label {}", md(&i.label_column)),
    };
    let _ = writeln!(
        out,
        "- **Layout** {} mode, {} in {}, {label}",
        i.mode.as_str(),
        i.score_kind.as_str(),
        cols.join(", "),
    );
    let _ = write!(
        out,
        "- **Rows** {} read, {} used, {} ignored, {} skipped",
        i.rows_read, i.rows_used, i.rows_ignored, i.rows_skipped
    );
    if let Some(b) = i.background_rows {
        let _ = write!(out, " ({b} background)");
    }
    out.push('\n');
    for s in &i.skipped {
        let first: Vec<String> = s.first.iter().map(u64::to_string).collect();
        let _ = writeln!(
            out,
            "  - skipped {} × {} (first {}s: {})",
            s.count,
            md(&s.reason),
            s.unit,
            first.join(", ")
        );
    }
    // flcli's own words, not data.
    let _ = writeln!(out, "- **α** {}", i.alpha_convention);
}

/// A table of typed cells: names escaped for Markdown, the rest as text.
fn grid(out: &mut String, g: cells::Grid) {
    grid_rows(out, g.header, &g.rows);
}

/// [`grid`] with its header and rows apart.
fn grid_rows(out: &mut String, header: &[&str], rows: &[Vec<Cell>]) {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Cell::Name(s) => md(s),
                    c => c.text(),
                })
                .collect()
        })
        .collect();
    table(out, header, &rows);
}

/// The variants table shared by compare and recommend.
fn variants(out: &mut String, vs: &[Variant], easy: f64) {
    let rows: Vec<Vec<String>> = vs
        .iter()
        .map(|v| {
            vec![
                md(&v.name),
                v.gamma.map_or("–".into(), |g| g.to_string()),
                alpha(&v.alpha, AlphaText::Table),
                human(v.loss_mean),
                human(v.ratio_to_ce),
                percent(v.easy_loss_share, Percent::Cell),
                percent(v.easy_grad_share, Percent::Cell),
                format!(
                    "{} / {}",
                    percent(v.hardest_1pct_loss_share.positives, Percent::Cell),
                    percent(v.hardest_1pct_loss_share.negatives, Percent::Cell)
                ),
                format!(
                    "{} / {}",
                    percent(v.hardest_10pct_loss_share.positives, Percent::Cell),
                    percent(v.hardest_10pct_loss_share.negatives, Percent::Cell)
                ),
            ]
        })
        .collect();
    table(
        out,
        &[
            "variant",
            "γ",
            "α",
            "loss mean",
            "× CE",
            "easy loss",
            "easy grad",
            "hardest 1% pos / neg",
            "hardest 10% pos / neg",
        ],
        &rows,
    );
    let _ = writeln!(
        out,
        "easy = p_t ≥ {easy}; grad = \\|∂loss/∂logit\\|; hardest x% = share of the loss held by the hardest x% of positive / negative elements.\n"
    );
}

fn compare(r: &CompareReport, title: &str) -> String {
    let mut out = format!("## {title}\n\n");
    input(&mut out, &r.input);
    out.push('\n');
    out.push_str("### Variants\n\n");
    variants(&mut out, &r.variants, r.params.easy);
    out.push_str("### Share of each variant's loss by p_t bucket (hard → easy)\n\n");
    let (ranges, rows) = cells::variant_buckets(&r.variants);
    let header: Vec<&str> = std::iter::once("variant")
        .chain(ranges.iter().map(String::as_str))
        .collect();
    grid_rows(&mut out, &header, &rows);
    out
}

/// The longest run of backticks in `s`.
fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

fn recommend(r: &RecommendReport) -> String {
    let mut out = String::from("## flcli recommend\n\n");
    input(&mut out, &r.input);
    out.push('\n');
    let rec = &r.recommendation;
    out.push_str("### Recommendation\n\n");
    if rec.loss == "focal" {
        let _ = writeln!(
            out,
            "**Use focal loss with γ = {} and α = {}.**\n",
            rec.gamma,
            alpha(&rec.alpha, AlphaText::Table)
        );
    } else {
        let _ = writeln!(
            out,
            "**Use plain cross-entropy (γ = 0), α = {}.**\n",
            alpha(&rec.alpha, AlphaText::Table)
        );
    }
    out.push_str("### Why\n\n");
    for s in rec.rationale.iter().chain(&rec.close_calls) {
        let _ = writeln!(out, "- {}", md(s));
    }
    out.push('\n');
    if !rec.alternatives.is_empty() {
        out.push_str("### Alternatives\n\n");
        let rows: Vec<Vec<String>> = rec
            .alternatives
            .iter()
            .map(|a| {
                vec![
                    md(&a.loss),
                    a.gamma.map_or("varies (p_t)".into(), |g| g.to_string()),
                    alpha(&a.alpha, AlphaText::Table),
                    md(&a.variant),
                    md(&a.reason),
                ]
            })
            .collect();
        table(&mut out, &["loss", "γ", "α", "variant", "reason"], &rows);
    }
    // A fence longer than any backtick run inside keeps the code verbatim.
    let fence = "`".repeat(3.max(longest_backtick_run(&r.reproduce.flcli) + 1));
    let _ = writeln!(
        out,
        "### Reproduce\n\n{fence}sh\n{}\n{fence}\n\n{fence}python\n{}\n{fence}\n",
        r.reproduce.flcli, r.reproduce.pytorch
    );
    let im = &r.evidence.imbalance;
    out.push_str("### Evidence\n\n");
    let _ = writeln!(
        out,
        "- imbalance ratio {} ({}), calibration: {} (ECE {})\n",
        human(im.imbalance_ratio),
        im.severity,
        r.evidence.calibration.direction,
        human(r.evidence.calibration.ece)
    );
    variants(&mut out, &r.evidence.variants, r.params.easy);
    out
}
