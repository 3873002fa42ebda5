//! `--output csv`: one row per class / bucket / variant, for spreadsheets.
//!
//! Every command has a fixed header, the first column is `section` (what a
//! row is), and a cell that does not apply to a section is empty. Numbers
//! are written as in the JSON report (shortest form that reads back to the
//! same f64); a value that cannot be computed (JSON null) is empty. Names
//! from the data have control characters escaped (`\n`, `\u{1b}`), so each
//! record is one line, and a name that a spreadsheet would run as a formula
//! gets a leading `'`. The columns are listed in docs/output.md.

use super::cells::range;
use super::{escape, Exporter, Style};
use crate::report::compare::Variant;
use crate::report::{CompareReport, RecommendReport, Report, StatsReport};
use crate::text::{alpha, group_key, AlphaText};
use anyhow::Result;
use serde_json::Value;

/// `flcli stats --output csv` columns.
pub const STATS_COLUMNS: &[&str] = &[
    "section",
    "index",
    "name",
    "lower",
    "upper",
    "count",
    "count_share",
    "elements",
    "ce_sum",
    "ce_mean",
    "ce_share",
    "focal_sum",
    "focal_mean",
    "focal_share",
    "mean_p_true",
    "accuracy",
    "effective_number",
    "weight_inverse_frequency",
    "weight_effective_number",
    "positive_rate",
    "label_cardinality",
];

/// `flcli compare` / `recommend --output csv` columns.
pub const COMPARE_COLUMNS: &[&str] = &[
    "section",
    "variant",
    "gamma",
    "alpha",
    "item",
    "lower",
    "upper",
    "loss_sum",
    "loss_mean",
    "share",
    "ratio_to_ce",
    "easy_loss_share",
    "easy_grad_share",
    "hardest_1pct_positives",
    "hardest_1pct_negatives",
    "hardest_10pct_positives",
    "hardest_10pct_negatives",
    "loss",
    "note",
];

/// `--output csv`.
pub struct CsvExporter;

impl Exporter for CsvExporter {
    fn render(&self, report: &Report, _style: Style) -> Result<String> {
        let mut rows = Rows::default();
        // Under --by every row gets a leading `group` cell: empty for the whole
        // data, the column's value for a group.
        let keyed = |rows: &mut Rows, key: &str, from: usize| {
            for r in &mut rows.0[from..] {
                r.push(("group", key.to_string()));
            }
        };
        let grouped = match report {
            Report::Stats(r) => {
                stats(&mut rows, r);
                for g in r.groups.iter().flatten() {
                    let from = rows.0.len();
                    stats(&mut rows, &g.report);
                    keyed(&mut rows, &name_cell(&group_key(g.key.as_deref())), from);
                }
                r.groups.is_some()
            }
            Report::Compare(r) => {
                compare(&mut rows, r);
                for g in r.groups.iter().flatten() {
                    let from = rows.0.len();
                    compare(&mut rows, &g.report);
                    keyed(&mut rows, &name_cell(&group_key(g.key.as_deref())), from);
                }
                r.groups.is_some()
            }
            Report::Recommend(r) => {
                recommend(&mut rows, r);
                false
            }
        };
        let base = match report {
            Report::Stats(_) => STATS_COLUMNS,
            _ => COMPARE_COLUMNS,
        };
        let header: Vec<&str> = if grouped {
            std::iter::once("group")
                .chain(base.iter().copied())
                .collect()
        } else {
            base.to_vec()
        };
        let mut w = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        w.write_record(&header)?;
        for r in &rows.0 {
            let mut rec = vec![String::new(); header.len()];
            for (k, v) in r {
                // Columns are compile-time names: a miss is a bug the tests catch.
                let i = header.iter().position(|h| h == k).ok_or_else(|| {
                    anyhow::anyhow!(
                        "internal: CSV column {} not in the header",
                        crate::text::quoted(k)
                    )
                })?;
                rec[i] = v.clone();
            }
            w.write_record(&rec)?;
        }
        Ok(String::from_utf8(
            w.into_inner().map_err(|e| e.into_error())?,
        )?)
    }
}

/// Rows as (column, cell) pairs.
#[derive(Default)]
struct Rows(Vec<Vec<(&'static str, String)>>);

impl Rows {
    fn push(&mut self, cells: Vec<(&'static str, String)>) {
        self.0.push(cells);
    }
}

/// A number as in the JSON report; empty for null.
/// A name from the data (class, group key, variant) as a cell: escaped, and
/// neutralised with a leading `'` when it starts with `=`, `+`, `-`, `@`, tab
/// or carriage return, which a spreadsheet would run as a formula (OWASP's
/// advice against CSV injection).
fn name_cell(s: &str) -> String {
    let e = escape(s);
    if e.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{e}")
    } else {
        e
    }
}

fn num(x: Option<f64>) -> String {
    x.map(|v| Value::from(v).to_string()).unwrap_or_default()
}

/// A plain f64 cell.
fn f(x: f64) -> String {
    num(Some(x))
}

fn stats(rows: &mut Rows, r: &StatsReport) {
    let im = &r.imbalance;
    for (i, c) in r.classes.iter().enumerate() {
        rows.push(vec![
            ("section", "class".into()),
            ("index", c.index.to_string()),
            ("name", name_cell(&c.name)),
            ("count", c.count.to_string()),
            ("count_share", num(c.frequency)),
            ("elements", c.elements.to_string()),
            ("ce_sum", f(c.ce_sum)),
            ("ce_mean", num(c.ce_mean)),
            ("ce_share", num(c.ce_share)),
            ("focal_sum", f(c.focal_sum)),
            ("focal_mean", num(c.focal_mean)),
            ("focal_share", num(c.focal_share)),
            ("mean_p_true", num(c.mean_p_true)),
            ("accuracy", num(c.accuracy)),
            ("effective_number", num(im.effective_number.get(i).copied())),
            (
                "weight_inverse_frequency",
                num(im.weights.inverse_frequency.get(i).copied().flatten()),
            ),
            (
                "weight_effective_number",
                num(im.weights.effective_number.get(i).copied().flatten()),
            ),
        ]);
        if let Some(ml) = &im.multilabel {
            let last = rows.0.len() - 1;
            let rate = ml.positive_rate.get(i).copied().flatten();
            rows.0[last].push(("positive_rate", num(rate)));
        }
    }
    // Multi-label: the most frequent pairs of co-occurring classes.
    for (i, p) in im.multilabel.iter().flat_map(|m| &m.top_pairs).enumerate() {
        rows.push(vec![
            ("section", "pair".into()),
            ("index", i.to_string()),
            ("name", name_cell(&format!("{} & {}", p.a, p.b))),
            ("count", p.rows.to_string()),
            ("count_share", num(p.share)),
        ]);
    }
    let last = r.buckets.len().saturating_sub(1);
    for (i, b) in r.buckets.iter().enumerate() {
        rows.push(vec![
            ("section", "bucket".into()),
            ("index", i.to_string()),
            ("name", range(b.lower, b.upper, i == last)),
            ("lower", f(b.lower)),
            ("upper", f(b.upper)),
            ("count", b.count.to_string()),
            ("count_share", num(b.share)),
            ("ce_sum", f(b.ce_sum)),
            ("ce_share", num(b.ce_share)),
            ("focal_sum", f(b.focal_sum)),
            ("focal_share", num(b.focal_share)),
        ]);
    }
    let t = &r.totals;
    rows.push(vec![
        ("section", "total".into()),
        ("name", "total".into()),
        ("elements", t.elements.to_string()),
        ("ce_sum", f(t.ce_sum)),
        ("ce_mean", num(t.ce_mean)),
        ("focal_sum", f(t.focal_sum)),
        ("focal_mean", num(t.focal_mean)),
        (
            "label_cardinality",
            num(im.multilabel.as_ref().and_then(|m| m.label_cardinality)),
        ),
    ]);
}

/// One `variant` row per variant, then its `class` and `bucket` rows.
fn variant_rows(rows: &mut Rows, vs: &[Variant]) {
    for v in vs {
        let name = name_cell(&v.name);
        rows.push(vec![
            ("section", "variant".into()),
            ("variant", name.clone()),
            ("gamma", num(v.gamma)),
            ("alpha", alpha(&v.alpha, AlphaText::Csv)),
            ("loss_sum", f(v.loss_sum)),
            ("loss_mean", num(v.loss_mean)),
            ("ratio_to_ce", num(v.ratio_to_ce)),
            ("easy_loss_share", num(v.easy_loss_share)),
            ("easy_grad_share", num(v.easy_grad_share)),
            (
                "hardest_1pct_positives",
                num(v.hardest_1pct_loss_share.positives),
            ),
            (
                "hardest_1pct_negatives",
                num(v.hardest_1pct_loss_share.negatives),
            ),
            (
                "hardest_10pct_positives",
                num(v.hardest_10pct_loss_share.positives),
            ),
            (
                "hardest_10pct_negatives",
                num(v.hardest_10pct_loss_share.negatives),
            ),
        ]);
        for c in &v.classes {
            rows.push(vec![
                ("section", "class".into()),
                ("variant", name.clone()),
                ("item", name_cell(&c.name)),
                ("loss_sum", f(c.loss_sum)),
                ("share", num(c.share)),
            ]);
        }
        let last = v.buckets.len().saturating_sub(1);
        for (i, b) in v.buckets.iter().enumerate() {
            rows.push(vec![
                ("section", "bucket".into()),
                ("variant", name.clone()),
                ("item", range(b.lower, b.upper, i == last)),
                ("lower", f(b.lower)),
                ("upper", f(b.upper)),
                ("loss_sum", f(b.loss_sum)),
                ("share", num(b.share)),
            ]);
        }
    }
}

fn compare(rows: &mut Rows, r: &CompareReport) {
    variant_rows(rows, &r.variants);
}

fn recommend(rows: &mut Rows, r: &RecommendReport) {
    let rec = &r.recommendation;
    rows.push(vec![
        ("section", "recommendation".into()),
        ("variant", name_cell(&rec.variant)),
        ("loss", escape(&rec.loss)),
        ("gamma", f(rec.gamma)),
        ("alpha", alpha(&rec.alpha, AlphaText::Csv)),
    ]);
    for s in &rec.rationale {
        rows.push(vec![("section", "rationale".into()), ("note", escape(s))]);
    }
    for s in &rec.close_calls {
        rows.push(vec![("section", "close_call".into()), ("note", escape(s))]);
    }
    for a in &rec.alternatives {
        rows.push(vec![
            ("section", "alternative".into()),
            ("variant", name_cell(&a.variant)),
            ("loss", escape(&a.loss)),
            ("gamma", num(a.gamma)),
            ("alpha", alpha(&a.alpha, AlphaText::Csv)),
            ("note", escape(&a.reason)),
        ]);
    }
    variant_rows(rows, &r.evidence.variants);
}
