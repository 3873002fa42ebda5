//! `--output html`: one self-contained page (inline CSS, inline SVG figures and
//! a few lines of inline JavaScript that sort tables) to open in a browser,
//! attach to a pull request or keep as a CI artifact. Its Content-Security-Policy
//! forbids every network request, so the page works offline and cannot leak.
//!
//! Every string from the data (class names, column names, paths, `--by` keys)
//! goes through [`esc`]; numbers are formatted by the shared formatters.

mod figures;
mod grid;
mod sections;
mod table;

use super::{Exporter, Style};
use crate::report::{CompareReport, InputInfo, RecommendReport, Report, StatsReport};
use crate::text::group_key;
use anyhow::Result;
use std::fmt::Write;

/// `--output html`.
pub(crate) struct HtmlExporter;

impl Exporter for HtmlExporter {
    fn render(&self, report: &Report, _style: Style) -> Result<String> {
        let (command, input) = match report {
            Report::Stats(r) => ("stats", &r.input),
            Report::Compare(r) => ("compare", &r.input),
            Report::Recommend(r) => ("recommend", &r.input),
        };
        let mut body = String::new();
        match report {
            Report::Stats(r) => {
                stats(&mut body, r, 2)?;
                for g in r.groups.iter().flatten() {
                    group(
                        &mut body,
                        &group_key(g.key.as_deref()),
                        &g.report.input,
                        |out| stats(out, &g.report, 3),
                    )?;
                }
            }
            Report::Compare(r) => {
                compare(&mut body, r, 2)?;
                for g in r.groups.iter().flatten() {
                    group(
                        &mut body,
                        &group_key(g.key.as_deref()),
                        &g.report.input,
                        |out| compare(out, &g.report, 3),
                    )?;
                }
            }
            Report::Recommend(r) => recommend(&mut body, r)?,
        }
        Ok(document(command, input, &body))
    }
}

/// Text from the data, safe in HTML content and in a quoted attribute: control
/// characters spelled out (as on a terminal) and `& < > " '` as entities.
pub(crate) fn esc(s: &str) -> String {
    let s = crate::text::escape(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One `--by` slice as a collapsible section.
fn group(
    out: &mut String,
    key: &str,
    input: &InputInfo,
    f: impl FnOnce(&mut String) -> Result<()>,
) -> Result<()> {
    let by = input.by.as_deref().unwrap_or("group");
    let _ = writeln!(
        out,
        "<details class=\"slice\"><summary>{} = {} <span class=\"muted\">({} rows used)</span></summary>",
        esc(by),
        esc(key),
        input.rows_used
    );
    f(out)?;
    out.push_str("</details>\n");
    Ok(())
}

fn stats(out: &mut String, r: &StatsReport, h: u8) -> Result<()> {
    sections::input(out, &r.input, h);
    sections::loss_settings(out, &r.params, h);
    let classes = crate::render::cells::classes(r);
    sections::imbalance(out, &r.imbalance, classes, &r.input, r.params.beta, h);
    sections::class_loss(out, &r.classes, h);
    sections::buckets(out, &r.buckets, h);
    sections::totals(out, &r.totals, h);
    sections::calibration(out, &r.calibration, h)
}

fn compare(out: &mut String, r: &CompareReport, h: u8) -> Result<()> {
    sections::input(out, &r.input, h);
    grid::grid(out, &r.variants, &r.params, r.input.mode, h)?;
    match &r.calibration {
        Some(c) => sections::calibration(out, c, h),
        None => Ok(()),
    }
}

fn recommend(out: &mut String, r: &RecommendReport) -> Result<()> {
    sections::input(out, &r.input, 2);
    grid::recommendation(out, r, 2);
    let e = &r.evidence;
    let classes = crate::render::cells::classes_of(&r.input.class_names, &e.imbalance);
    sections::imbalance(out, &e.imbalance, classes, &r.input, e.targets.beta, 2);
    sections::calibration(out, &e.calibration, 2)?;
    grid::grid(out, &e.variants, &r.params, r.input.mode, 2)
}

/// Forbids every request: the page needs nothing but itself.
const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

const CSS: &str = r#":root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#57606a;--line:#d0d7de;--head:#f6f8fa;--bar:rgba(58,110,180,.28);--accent:#0b5cad}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9da7b3;--line:#30363d;--head:#161b22;--bar:rgba(110,168,254,.32);--accent:#79b8ff}}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);max-width:75rem;margin:0 auto;padding:1rem 1.5rem}
h1{font-size:1.5rem;margin:.3rem 0}h2{font-size:1.25rem;border-bottom:1px solid var(--line);padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.08rem;margin-top:1.4rem}
.muted,caption{color:var(--muted)}caption{text-align:left;caption-side:bottom;font-size:.85rem;padding-top:.2rem}
.wrap{overflow-x:auto}
table{border-collapse:collapse;margin:.4rem 0 1rem;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid var(--line);padding:.2rem .6rem;text-align:right;vertical-align:top}
th[scope=row],td.t,thead th:first-child{text-align:left}
thead th{background:var(--head);position:sticky;top:0}
table.sort thead th{cursor:pointer}table.sort thead th[aria-sort=ascending]::after{content:" ▲"}table.sort thead th[aria-sort=descending]::after{content:" ▼"}
td.bar{background:linear-gradient(to right,var(--bar) var(--w),transparent var(--w)) no-repeat}
tr.pick th,tr.pick td{font-weight:700}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem}dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;overflow-wrap:anywhere}
figure{margin:1rem 0}figure svg{max-width:100%;box-sizing:border-box;height:auto;border:1px solid var(--line);border-radius:4px}figcaption{color:var(--muted);font-size:.85rem}
.answer{font-size:1.15rem;border-left:4px solid var(--accent);padding:.4rem .8rem;background:var(--head)}
details.slice{border:1px solid var(--line);border-radius:6px;padding:.3rem .9rem;margin:.8rem 0}details.slice>summary{cursor:pointer;font-weight:600;font-size:1.1rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9em}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--head);padding:.4rem .6rem;border-radius:4px}
@page{size:A4;margin:12mm}
@media print{body{max-width:none;padding:0;font-size:9.5pt}.wrap{overflow:visible}table{page-break-inside:auto}tr{page-break-inside:avoid}thead{display:table-header-group}thead th{position:static}th,td{padding:.1rem .35rem;overflow-wrap:anywhere}figure{page-break-inside:avoid}h2,h3{page-break-after:avoid}details.slice{border:0;padding:0}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"#;

/// Sorts a table by the clicked header (numbers by `data-value`, missing last)
/// and opens the `--by` slices before printing.
const JS: &str = r#"(function(){var ts=document.querySelectorAll('table.sort');ts.forEach(function(t){var hs=t.tHead.rows[0].cells;Array.prototype.forEach.call(hs,function(h,i){h.tabIndex=0;var go=function(){var up=h.getAttribute('aria-sort')!=='ascending';Array.prototype.forEach.call(hs,function(o){o.removeAttribute('aria-sort')});h.setAttribute('aria-sort',up?'ascending':'descending');var b=t.tBodies[0];var key=function(r){var c=r.cells[i];var v=c.getAttribute('data-value');if(v===null)return c.textContent.trim();return v===''?NaN:parseFloat(v)};var rs=Array.prototype.slice.call(b.rows);rs.sort(function(x,y){var a=key(x),c=key(y);if(typeof a==='number'){if(isNaN(a))return isNaN(c)?0:1;if(isNaN(c))return -1;return up?a-c:c-a}var d=String(a).localeCompare(String(c),undefined,{numeric:true});return up?d:-d});rs.forEach(function(r){b.appendChild(r)})};h.addEventListener('click',go);h.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();go()}})})});document.documentElement.setAttribute('data-sortable',ts.length);window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true})})})();"#;

/// The page around the sections.
fn document(command: &str, input: &InputInfo, body: &str) -> String {
    let files: Vec<String> = input.paths.iter().map(|p| esc(p)).collect();
    let mut out = String::with_capacity(body.len() + CSS.len() + JS.len() + 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
    );
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<meta name=\"generator\" content=\"flcli {}\">",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(out, "<title>flcli {command}: {}</title>", files.join(", "));
    let _ = writeln!(out, "<style>\n{CSS}</style>\n</head>\n<body>");
    let _ = writeln!(
        out,
        "<header><h1>flcli {command}</h1><p class=\"muted\">{} · {} mode · {} rows used</p></header>",
        files.join(", "),
        input.mode.as_str(),
        input.rows_used
    );
    out.push_str("<main>\n");
    out.push_str(body);
    out.push_str("</main>\n");
    let _ = writeln!(out, "<script>{JS}</script>\n</body>\n</html>");
    out
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup_quotes_and_control_characters() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>\u{1b}"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\\u{1b}"
        );
    }
}
