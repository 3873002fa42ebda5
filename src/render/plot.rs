//! `flcli compare --plot FILE.svg`: the cumulative-loss curves of RetinaNet's
//! Figure 4 (positives and negatives, one curve per γ) and the reliability
//! diagram, as an SVG (plotters; text is written as `<text>`, no font files).
//!
//! Like every renderer it draws numbers computed before it was called; it only
//! turns the report's hardest-first curves into Figure 4's lowest-loss-first axes.

use crate::model::Mode;
use crate::report::compare::{CompareReport, CurvePoint};
use crate::report::{Calibration, Variant};
use anyhow::{anyhow, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Width and height of one panel in pixels.
const PANEL: (u32, u32) = (420, 400);

/// One curve per γ: the first fixed-γ variant of each γ (curves do not depend on α).
fn curves_by_gamma(variants: &[Variant]) -> Vec<(f64, &Variant)> {
    let mut out: Vec<(f64, &Variant)> = Vec::new();
    for v in variants
        .iter()
        .filter(|v| v.kind == crate::model::VariantKind::Focal)
    {
        if let Some(g) = v.gamma {
            if !out.iter().any(|(x, _)| *x == g) {
                out.push((g, v));
            }
        }
    }
    out
}

/// Figure 4's axes: elements sorted by loss, lowest first, against the cumulative loss share.
fn lowest_first(points: &[CurvePoint]) -> Vec<(f64, f64)> {
    let mut xy: Vec<(f64, f64)> = points
        .iter()
        .map(|p| (1.0 - p.fraction, (1.0 - p.loss_share).clamp(0.0, 1.0)))
        .collect();
    xy.sort_by(|a, b| a.0.total_cmp(&b.0));
    xy
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

fn err<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow!("drawing the plot failed: {e}")
}

fn curve_panel(
    area: &Area,
    variants: &[Variant],
    mode: Mode,
    positives: bool,
    legend: bool,
) -> Result<()> {
    let softmax = mode == Mode::Softmax;
    let which = match (positives, softmax) {
        (true, true) => "",
        (true, false) => "positive ",
        (false, _) => "negative ",
    };
    let caption = match (positives, softmax) {
        (true, true) => "Cumulative loss, all rows (softmax)".to_string(),
        (false, true) => "Negatives: none in softmax mode".to_string(),
        _ => format!("Cumulative loss, {which}elements"),
    };
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(44)
        .build_cartesian_2d(0.0..1.0f64, 0.0..1.0f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(format!("fraction of {which}elements, lowest loss first"))
        .y_desc("cumulative normalized loss")
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    let gammas = curves_by_gamma(variants);
    for (i, (g, v)) in gammas.iter().enumerate() {
        let pts = if positives {
            &v.curves.positives
        } else {
            &v.curves.negatives
        };
        if pts.is_empty() {
            continue;
        }
        let color = Palette99::pick(i).to_rgba();
        let s = chart
            .draw_series(LineSeries::new(lowest_first(pts), color.stroke_width(2)))
            .map_err(err)?;
        if legend {
            s.label(format!("γ = {g}")).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
        }
    }
    if legend && !gammas.is_empty() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .draw()
            .map_err(err)?;
    }
    Ok(())
}

fn reliability_panel(area: &Area, c: &Calibration) -> Result<()> {
    let ece = c
        .ece
        .map_or("–".to_string(), |e| format!("{:.1}%", e * 100.0));
    let mut chart = ChartBuilder::on(area)
        .caption(
            format!("Reliability ({}s), ECE {ece}", c.items),
            ("sans-serif", 16),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(44)
        .build_cartesian_2d(0.0..1.0f64, 0.0..1.0f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("confidence (top label)")
        .y_desc("accuracy")
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    let bars = c.reliability.iter().filter_map(|b| {
        b.accuracy
            .map(|acc| Rectangle::new([(b.lower, 0.0), (b.upper, acc)], BLUE.mix(0.45).filled()))
    });
    chart
        .draw_series(bars)
        .map_err(err)?
        .label("accuracy")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], BLUE.mix(0.45).filled()));
    let gaps = c.reliability.iter().filter_map(|b| {
        let (conf, acc) = (b.mean_confidence?, b.accuracy?);
        let (lo, hi) = if conf > acc { (acc, conf) } else { (conf, acc) };
        Some(Rectangle::new(
            [(b.lower, lo), (b.upper, hi)],
            RED.mix(0.25).filled(),
        ))
    });
    chart
        .draw_series(gaps)
        .map_err(err)?
        .label("gap to mean confidence")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], RED.mix(0.25).filled()));
    chart
        .draw_series(LineSeries::new(
            vec![(0.0, 0.0), (1.0, 1.0)],
            BLACK.mix(0.6).stroke_width(1),
        ))
        .map_err(err)?
        .label("perfect calibration")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], BLACK.mix(0.6)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(err)?;
    Ok(())
}

/// The SVG document for a comparison and its calibration.
pub(crate) fn svg(r: &CompareReport, c: &Calibration) -> Result<String> {
    draw(3, |panels| {
        curve_panel(&panels[0], &r.variants, r.input.mode, true, true)?;
        curve_panel(&panels[1], &r.variants, r.input.mode, false, false)?;
        reliability_panel(&panels[2], c)
    })
}

/// Figure 4 alone: cumulative loss of positives and of negatives, one curve per γ.
pub(crate) fn curves_svg(variants: &[Variant], mode: Mode) -> Result<String> {
    draw(2, |panels| {
        curve_panel(&panels[0], variants, mode, true, true)?;
        curve_panel(&panels[1], variants, mode, false, false)
    })
}

/// The reliability diagram alone.
pub(crate) fn reliability_svg(c: &Calibration) -> Result<String> {
    draw(1, |panels| reliability_panel(&panels[0], c))
}

/// An SVG of `n` panels side by side, drawn by `f`.
fn draw(n: u32, f: impl FnOnce(&[Area]) -> Result<()>) -> Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (PANEL.0 * n, PANEL.1)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let panels = root.split_evenly((1, n as usize));
        f(&panels)?;
        root.present().map_err(err)?;
    }
    Ok(out)
}
