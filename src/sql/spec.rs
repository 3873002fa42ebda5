//! The spec a sums table carries in its `flcli_spec` column: what was
//! accumulated, over which columns, with which settings (versioned JSON).

use crate::engine::spec::{EngineSpec, CALIB_BINS, TAIL_BINS};
use crate::model::{Mode, ScoreKind, Term};
use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

/// The version of the sums table layout; a reader refuses any other.
pub(crate) const SUMS_VERSION: u32 = 1;

/// One accumulated loss term, as JSON.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "term", rename_all = "lowercase")]
pub(crate) enum TermSpec {
    /// `(1 - p_t)^γ`.
    Pow {
        /// γ.
        gamma: f64,
    },
    /// FLSD-53.
    Flsd53,
    /// Poly-1 with ε.
    Poly1 {
        /// ε.
        eps: f64,
    },
}

impl From<Term> for TermSpec {
    fn from(t: Term) -> TermSpec {
        match t {
            Term::Pow(gamma) => TermSpec::Pow { gamma },
            Term::Flsd53 => TermSpec::Flsd53,
            Term::Poly1(eps) => TermSpec::Poly1 { eps },
        }
    }
}

impl From<TermSpec> for Term {
    fn from(t: TermSpec) -> Term {
        match t {
            TermSpec::Pow { gamma } => Term::Pow(gamma),
            TermSpec::Flsd53 => Term::Flsd53,
            TermSpec::Poly1 { eps } => Term::Poly1(eps),
        }
    }
}

/// The `flcli_spec` value of a sums table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SumsSpec {
    /// Layout version, [`SUMS_VERSION`].
    pub(crate) flcli_sums: u32,
    /// The engine the query was written for.
    pub(crate) dialect: String,
    /// The table expression the query reads.
    pub(crate) table: String,
    /// Binary, softmax or sigmoid.
    pub(crate) mode: Mode,
    /// Probabilities or logits.
    pub(crate) score_kind: ScoreKind,
    /// The label column.
    pub(crate) label_column: String,
    /// The score columns, in class order.
    pub(crate) score_columns: Vec<String>,
    /// Class names in class order.
    pub(crate) classes: Vec<String>,
    /// The probability clamp.
    pub(crate) eps: f64,
    /// Bucket edges over p_t.
    pub(crate) edges: Vec<f64>,
    /// The p_t at or above which an element is easy.
    pub(crate) easy: f64,
    /// The loss terms, in the order of the `loss_J` / `grad_J` columns.
    pub(crate) terms: Vec<TermSpec>,
    /// Fine p_t bins per polarity (the `tail` section's keys).
    pub(crate) tail_bins: usize,
    /// Calibration bins (the `calib` section's keys).
    pub(crate) calib_bins: usize,
    /// The ignore index.
    pub(crate) ignore_index: i64,
    /// The background label (sigmoid).
    pub(crate) background: i64,
    /// The positive label value (binary, string labels).
    pub(crate) positive: Option<String>,
    /// The `--by` column: each row of the table belongs to one of its values
    /// (`by_key`, `by_null`). Absent without `--by`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Whether the table has the `loss_sq_J` / `grad_sq_J` columns (per term Σloss² and
    /// Σ|gradient|², recommend's share intervals); absent from older tables, which have not.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) moments: bool,
    /// Multi-label targets: `label_column` holds lists of positive class ids, and
    /// the table has the `pos` and `pair` sections. Absent for single-label tables.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) multilabel: bool,
}

impl SumsSpec {
    /// The engine settings the sums were accumulated under (tails and calibration on).
    pub fn engine(&self) -> EngineSpec {
        EngineSpec {
            mode: self.mode,
            kind: self.score_kind,
            classes: self.classes.len(),
            eps: self.eps,
            edges: self.edges.clone(),
            easy: self.easy,
            terms: self.terms.iter().map(|&t| t.into()).collect(),
            tails: true,
            calib: true,
            multilabel: self.multilabel,
            moments: self.moments,
        }
    }

    /// Parses and checks a `flcli_spec` value.
    pub(crate) fn parse(json: &str) -> Result<SumsSpec> {
        let v: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| anyhow::anyhow!("the flcli_spec value is not JSON ({e})"))?;
        match v.get("flcli_sums").and_then(|x| x.as_u64()) {
            Some(n) if n == SUMS_VERSION as u64 => {}
            Some(n) => bail!("sums table version {n}; this flcli reads version {SUMS_VERSION}: run the query that this flcli's `flcli sql` prints"),
            None => bail!("the flcli_spec value has no flcli_sums version"),
        }
        let s: SumsSpec = serde_json::from_value(v)
            .map_err(|e| anyhow::anyhow!("the flcli_spec value is not a valid spec ({e})"))?;
        if s.tail_bins != TAIL_BINS || s.calib_bins != CALIB_BINS {
            bail!(
                "the sums table has {} tail and {} calibration bins; this flcli uses {TAIL_BINS} and {CALIB_BINS}",
                s.tail_bins,
                s.calib_bins
            );
        }
        let k = s.classes.len();
        if s.edges.len() < 2
            || (s.mode != Mode::Binary && k < 2)
            || (s.mode == Mode::Binary && k != 2)
        {
            bail!(
                "the flcli_spec value has {} bucket edges and {k} classes for {} mode",
                s.edges.len(),
                s.mode.as_str()
            );
        }
        if s.multilabel && s.mode != Mode::Sigmoid {
            bail!(
                "the flcli_spec value says multi-label targets in {} mode (they are sigmoid)",
                s.mode.as_str()
            );
        }
        Ok(s)
    }
}
