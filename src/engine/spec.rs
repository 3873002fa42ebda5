//! What the engine accumulates: mode, score kind, loss terms, bucket edges.

use crate::model::{Mode, ScoreKind, Term};

/// Number of fine p_t bins per polarity used for the cumulative-loss curves.
pub(crate) const TAIL_BINS: usize = 640;
/// Number of equal-width confidence bins for calibration (ECE, as torchmetrics).
pub(crate) const CALIB_BINS: usize = 15;

/// Everything a pass over the data needs to know.
#[derive(Clone, Debug)]
pub struct EngineSpec {
    /// Binary, softmax or sigmoid.
    pub mode: Mode,
    /// Probabilities or logits.
    pub kind: ScoreKind,
    /// Number of classes K (2 in binary).
    pub classes: usize,
    /// Clamp for probabilities.
    pub eps: f64,
    /// Difficulty bucket edges over p_t, ascending, from 0 to 1.
    pub edges: Vec<f64>,
    /// p_t at or above which an element is "easy".
    pub easy: f64,
    /// The modulating terms accumulated in one pass.
    pub terms: Vec<Term>,
    /// Whether to keep fine p_t histograms for cumulative-loss curves.
    pub tails: bool,
    /// Multi-label targets (sigmoid mode, several positive classes per row):
    /// the reports add label cardinality and co-occurrence.
    pub multilabel: bool,
    /// Whether to keep the calibration bins (stats, recommend, compare --plot):
    /// the binary / sigmoid path skips them otherwise.
    pub calib: bool,
    /// Whether each cell also holds, per term, Σloss² and Σ|∂/∂x|² (the second
    /// moments behind recommend's share intervals); off for the other reports,
    /// which keep their pass as lean as before.
    pub moments: bool,
}

impl EngineSpec {
    /// Number of score columns per row (1 in binary).
    pub(crate) fn width(&self) -> usize {
        match self.mode {
            Mode::Binary => 1,
            _ => self.classes,
        }
    }

    /// Number of accumulator groups: (class, polarity) pairs that can occur.
    pub(crate) fn groups(&self) -> usize {
        match self.mode {
            Mode::Binary => 2,
            Mode::Softmax => self.classes,
            Mode::Sigmoid => 2 * self.classes,
        }
    }

    /// The class a group belongs to and whether its elements are positive.
    pub(crate) fn group_class(&self, g: usize) -> (usize, bool) {
        match self.mode {
            Mode::Binary => (g, g == 1),
            Mode::Softmax => (g, true),
            Mode::Sigmoid => (g / 2, g % 2 == 1),
        }
    }

    /// Number of difficulty buckets.
    pub(crate) fn buckets(&self) -> usize {
        self.edges.len() - 1
    }

    /// Index of the term `Pow(g)`, if accumulated.
    pub(crate) fn term_index(&self, t: Term) -> Option<usize> {
        self.terms.iter().position(|&x| x == t)
    }
}
