//! Real HTML tables: a `<caption>`, `<th scope>` headers, the first column as
//! row headers, numbers right-aligned and carrying their exact value in
//! `data-value` so the page's script sorts them as numbers.

use super::esc;
use std::fmt::Write;

/// One cell.
pub(crate) enum Cell {
    /// Text from the data or from flcli (escaped when written).
    Text(String),
    /// A number and how it reads.
    Num(Option<f64>, String),
    /// A share in [0, 1] drawn as a bar behind its text.
    Bar(Option<f64>, String),
}

/// A count.
pub(crate) fn count(n: u64) -> Cell {
    Cell::Num(Some(n as f64), n.to_string())
}

/// A number formatted for people.
pub(crate) fn num(x: Option<f64>) -> Cell {
    Cell::Num(x, crate::render::human(x))
}

/// A share as a percentage with a bar.
pub(crate) fn share(x: Option<f64>) -> Cell {
    Cell::Bar(x, crate::text::percent(x, crate::text::Percent::Cell))
}

/// A share as a percentage without a bar.
pub(crate) fn pct(x: Option<f64>) -> Cell {
    Cell::Num(x, crate::text::percent(x, crate::text::Percent::Cell))
}

/// Text.
pub(crate) fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// Writes a sortable table. `pick` marks one row (bold), e.g. the recommended variant.
pub(crate) fn table(
    out: &mut String,
    caption: &str,
    header: &[&str],
    rows: &[Vec<Cell>],
    pick: Option<usize>,
) {
    let _ = write!(
        out,
        "<div class=\"wrap\"><table class=\"sort\"><caption>{}</caption><thead><tr>",
        esc(caption)
    );
    for h in header {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>\n");
    for (i, r) in rows.iter().enumerate() {
        out.push_str(if pick == Some(i) {
            "<tr class=\"pick\">"
        } else {
            "<tr>"
        });
        for (j, c) in r.iter().enumerate() {
            let tag = if j == 0 { "th scope=\"row\"" } else { "td" };
            let close = if j == 0 { "th" } else { "td" };
            match c {
                Cell::Text(s) if j == 0 => {
                    let _ = write!(out, "<{tag}>{}</{close}>", esc(s));
                }
                Cell::Text(s) => {
                    let _ = write!(out, "<td class=\"t\">{}</td>", esc(s));
                }
                Cell::Num(v, s) => {
                    let _ = write!(
                        out,
                        "<{tag} data-value=\"{}\">{}</{close}>",
                        value(*v),
                        esc(s)
                    );
                }
                Cell::Bar(v, s) => {
                    let w = v.map_or(0.0, |x| (x * 100.0).clamp(0.0, 100.0));
                    let _ = write!(
                        out,
                        "<{tag} class=\"bar\" style=\"--w:{w:.1}%\" data-value=\"{}\">{}</{close}>",
                        value(*v),
                        esc(s)
                    );
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

/// The exact number for sorting; empty when missing (sorted last).
fn value(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| x.to_string())
}
