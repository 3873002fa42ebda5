//! Partial results: the exact sums over some rows with the settings they were
//! computed under, as a value that can be written to bytes, read back,
//! merged with others, and reported on as if the rows had been read in one run.
//!
//! The byte format is in [`format`] (and `docs/partial.md`); matching classes
//! by name and checking that two partials can be merged is in [`merge`].

pub(crate) mod format;
pub(crate) mod merge;
mod read;

use crate::engine::{EngineSpec, Partial};
use crate::model::{Mode, ScoreKind, Term};
use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

pub use format::{decode, encode};
pub(crate) use format::{decode_header, is_partial};
pub use merge::merge;
pub(crate) use merge::Merger;

/// The settings a partial result was computed under: two partials merge only
/// when these are equal (class names aside: they are matched by name).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    /// binary, softmax or sigmoid.
    pub(crate) mode: Mode,
    /// probabilities or logits.
    pub(crate) score_kind: ScoreKind,
    /// The probability clamp ε (`--eps`).
    pub(crate) eps: f64,
    /// Difficulty bucket edges over p_t (`--buckets`).
    pub(crate) bucket_edges: Vec<f64>,
    /// p_t at or above which an element is easy (`--easy`).
    pub(crate) easy: f64,
    /// The modulating terms summed, as `pow:γ`, `flsd53` or `poly1:ε`, in sum order.
    pub(crate) terms: Vec<String>,
    /// Whether the fine p_t histograms (cumulative-loss curves) are kept.
    pub(crate) tails: bool,
    /// Whether the calibration bins are kept.
    pub(crate) calib: bool,
    /// The `--by` column, if the sums are broken down by one.
    pub(crate) by: Option<String>,
    /// `--positive`.
    pub(crate) positive: Option<String>,
    /// `--background`.
    pub(crate) background: i64,
    /// `--ignore-index`.
    pub(crate) ignore_index: i64,
    /// Multi-label targets: the sums also hold the co-occurrence counts
    /// (absent from the header of one-label-per-row partials).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) multilabel: bool,
    /// Each cell also holds, per term, Σloss² and Σ|∂/∂x|² (recommend's share
    /// intervals; format version 3). Absent from the header of partials without them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub moments: bool,
}

/// What the partial says about its rows (carried into reports; not compared on merge).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct About {
    /// Class names in class order (the order of the sums).
    pub classes: Vec<String>,
    /// The label column.
    pub(crate) label_column: String,
    /// The score columns in class order.
    pub(crate) score_columns: Vec<String>,
    /// What was detected rather than given.
    pub(crate) detected: Vec<String>,
    /// The data files the rows came from, in order; skip locations index into it.
    pub(crate) files: Vec<String>,
    /// "parquet", "csv" or "mixed".
    pub(crate) format: String,
    /// Multi-label: the target columns (a list column once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) targets: Option<Vec<String>>,
}

/// The header of a partial file, stored as JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// The flcli version that wrote it (for people; not checked).
    pub(crate) writer: String,
    /// What the sums mean.
    pub spec: Spec,
    /// Where they came from.
    pub about: About,
}

/// A partial result: a header and the exact (not yet rounded) sums it describes.
#[derive(Clone, Debug)]
pub struct PartialResult {
    /// Settings and provenance.
    pub header: Header,
    /// The sums, classes in `header.about.classes` order.
    pub sums: Partial,
}

/// A term as the header spells it.
pub(crate) fn term_name(t: Term) -> String {
    match t {
        Term::Pow(g) => format!("pow:{g}"),
        Term::Flsd53 => "flsd53".into(),
        Term::Poly1(e) => format!("poly1:{e}"),
    }
}

/// The term `s` names (see [`term_name`]).
pub(crate) fn parse_term(s: &str) -> Result<Term> {
    let num = |x: &str| {
        x.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| anyhow::anyhow!("term {} has no valid number", crate::text::quoted(s)))
    };
    Ok(match s.split_once(':') {
        None if s == "flsd53" => Term::Flsd53,
        Some(("pow", x)) => Term::Pow(num(x)?),
        Some(("poly1", x)) => Term::Poly1(num(x)?),
        _ => bail!(
            "unknown term {} (expected pow:γ, flsd53 or poly1:ε)",
            crate::text::quoted(s)
        ),
    })
}

impl Spec {
    /// The engine settings these sums were accumulated under, for `classes` classes.
    pub fn engine(&self, classes: usize) -> Result<EngineSpec> {
        Ok(EngineSpec {
            mode: self.mode,
            kind: self.score_kind,
            classes,
            eps: self.eps,
            edges: self.bucket_edges.clone(),
            easy: self.easy,
            terms: self
                .terms
                .iter()
                .map(|t| parse_term(t))
                .collect::<Result<_>>()?,
            tails: self.tails,
            calib: self.calib,
            multilabel: self.multilabel,
            moments: self.moments,
        })
    }

    /// The γ values whose `(1-p_t)^γ` sums are held, for messages.
    pub(crate) fn gammas(&self) -> Vec<String> {
        self.terms
            .iter()
            .filter_map(|t| t.strip_prefix("pow:").map(str::to_string))
            .collect()
    }
}

/// Copies the sums of `p` (rounded, accumulated under `held`) into a partial
/// shaped for `want`, which must ask for a subset of `held`'s terms (same
/// classes, buckets and grouping), and second moments only if `held` has them;
/// the reports then read it as if the pass had been run under `want`.
pub fn project(p: &Partial, held: &EngineSpec, want: &EngineSpec) -> Partial {
    let idx: Vec<usize> = want
        .terms
        .iter()
        .map(|&t| held.term_index(t).unwrap_or(0))
        .collect();
    let mut out = Partial::new(want);
    let (hs, ws) = (p.stride, out.stride);
    for (src, dst) in p.cells.chunks_exact(hs).zip(out.cells.chunks_exact_mut(ws)) {
        dst[..3].copy_from_slice(&src[..3]);
        for (j, &i) in idx.iter().enumerate() {
            dst[3 + 2 * j] = src[3 + 2 * i];
            dst[4 + 2 * j] = src[4 + 2 * i];
        }
        if want.moments && held.moments {
            let (hn, wn) = (held.terms.len(), want.terms.len());
            for (j, &i) in idx.iter().enumerate() {
                dst[3 + 2 * wn + 2 * j] = src[3 + 2 * hn + 2 * i];
                dst[4 + 2 * wn + 2 * j] = src[4 + 2 * hn + 2 * i];
            }
        }
    }
    if want.tails && held.tails {
        let (ht, wt) = (1 + held.terms.len(), 1 + want.terms.len());
        for (src, dst) in p.tails.chunks_exact(ht).zip(out.tails.chunks_exact_mut(wt)) {
            dst[0] = src[0];
            for (j, &i) in idx.iter().enumerate() {
                dst[1 + j] = src[1 + i];
            }
        }
    }
    out.class_rows.clone_from(&p.class_rows);
    out.correct.clone_from(&p.correct);
    out.calib.clone_from(&p.calib);
    out.brier = p.brier;
    out.rows_read = p.rows_read;
    out.rows_used = p.rows_used;
    out.rows_ignored = p.rows_ignored;
    out.background_rows = p.background_rows;
    out.pairs = p.pairs.clone();
    out.skipped = p.skipped.clone();
    out.group_skipped = p.group_skipped;
    if let Some(g) = &p.groups {
        let pairs = g.keys().iter().zip(&g.parts);
        let ng = pairs.map(|(k, part)| (k.clone(), project(part, held, want)));
        out.groups = Some(Box::new(crate::engine::accum::Groups::from_pairs(ng)));
    }
    out
}

#[cfg(test)]
#[path = "version_tests.rs"]
mod version_tests;
