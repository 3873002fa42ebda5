//! The page's figures, as inline SVG: the plotters panels of [`crate::render::plot`]
//! made accessible (a `<title>`, `role="img"`, an `aria-label`, a scalable size),
//! and a bar chart of the class frequencies drawn here.

use super::esc;
use std::fmt::Write;

/// Wraps a plotters SVG in a `<figure>`: adds `role`, `aria-label` and a
/// `<title>` to the root element (the page's CSS lets it shrink with the page).
pub(crate) fn svg_figure(svg: &str, title: &str, caption: &str) -> String {
    let svg = svg.trim();
    let body = match (svg.find("<svg"), svg.find('>')) {
        (Some(0), Some(end)) => {
            let tag = &svg[..end];
            let rest = &svg[end + 1..];
            // A namespace name, not a link; HTML does not need it on inline SVG.
            let tag = drop_attr(tag, "xmlns");
            format!(
                "{tag} role=\"img\" aria-label=\"{}\" preserveAspectRatio=\"xMidYMid meet\"><title>{}</title>{rest}",
                esc(title),
                esc(title)
            )
        }
        _ => svg.to_string(),
    };
    format!(
        "<figure>{body}<figcaption>{}</figcaption></figure>\n",
        esc(caption)
    )
}

/// `tag` without its attribute `name="…"` (plotters writes each once).
fn drop_attr(tag: &str, name: &str) -> String {
    let key = format!(" {name}=\"");
    match tag.find(&key) {
        Some(i) => {
            let after = i + key.len();
            let end = tag[after..].find('"').map_or(tag.len(), |j| after + j + 1);
            format!("{}{}", &tag[..i], &tag[end..])
        }
        None => tag.to_string(),
    }
}

/// Height of one bar row, and the widths of the name and bar areas, in SVG units.
const ROW: usize = 18;
const NAME_W: usize = 170;
const BAR_W: usize = 480;

/// Horizontal bars of the class frequencies, one row per class (`names`
/// and `counts` in class order), count and share at the end.
pub(crate) fn class_bars(names: &[String], counts: &[u64], sigmoid: bool) -> String {
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let total: u64 = counts.iter().sum();
    let width = NAME_W + BAR_W + 150;
    let height = ROW * counts.len() + 8;
    let title = format!("Rows per class, {} classes", counts.len());
    let mut s = format!(
        "<figure><svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{t}\" class=\"bars\"><title>{t}</title>\
<style>.bars text{{font:12px sans-serif;fill:currentColor}}.bars rect{{fill:#4c78a8}}</style>",
        t = esc(&title)
    );
    for (i, (name, &n)) in names.iter().zip(counts).enumerate() {
        let y = 4 + i * ROW;
        let w = (n as f64 / max * BAR_W as f64).max(if n > 0 { 1.0 } else { 0.0 });
        let name = super::super::cell_name(name, 24);
        let share = (total > 0).then(|| n as f64 / total as f64);
        let _ = write!(
            s,
            "<g><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{NAME_W}\" y=\"{}\" width=\"{w:.1}\" height=\"{}\"/><text x=\"{}\" y=\"{}\">{} · {}</text></g>",
            NAME_W - 6,
            y + 13,
            esc(&name),
            y + 2,
            ROW - 4,
            NAME_W as f64 + w + 6.0,
            y + 13,
            n,
            crate::text::percent(share, crate::text::Percent::Cell)
        );
    }
    let rows = if sigmoid { "Positive rows" } else { "Rows" };
    let _ = writeln!(
        s,
        "</svg><figcaption>{rows} of each class, bar length relative to the largest class.</figcaption></figure>"
    );
    s
}
