//! What the engine accumulates: mode, score kind, loss terms, bucket edges.

use serde::{Deserialize, Serialize};

/// How labels and scores relate (see the README's "Input layouts").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// One label (0/1) and one score per row; an element is a row.
    Binary,
    /// One true class per row and K scores that form a distribution.
    Softmax,
    /// One-vs-rest over K classes (RetinaNet); an element is a (row, class) pair.
    Sigmoid,
}

impl Mode {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Binary => "binary",
            Mode::Softmax => "softmax",
            Mode::Sigmoid => "sigmoid",
        }
    }
}

/// Whether scores are probabilities or logits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ScoreKind {
    /// Clamped to `[eps, 1 - eps]` before use.
    Probabilities,
    /// Used through stable log-sigmoid / log-softmax, never clamped.
    Logits,
}

impl ScoreKind {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ScoreKind::Probabilities => "probabilities",
            ScoreKind::Logits => "logits",
        }
    }
}

/// The α setting of a loss.
#[derive(Clone, Debug, PartialEq)]
pub enum Alpha {
    /// No weighting (α_t = 1).
    None,
    /// Binary / sigmoid: α for positive targets, 1 - α for negative ones.
    Scalar(f64),
    /// Softmax: one weight per class, in class order.
    PerClass(Vec<f64>),
}

impl Alpha {
    /// The α as JSON: null, a number, or a list.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Alpha::None => serde_json::Value::Null,
            Alpha::Scalar(a) => serde_json::json!(a),
            Alpha::PerClass(v) => serde_json::json!(v),
        }
    }

    /// A short label for tables: `none`, `0.25`, `[0.1, …]`.
    pub fn label(&self) -> String {
        match self {
            Alpha::None => "none".into(),
            Alpha::Scalar(a) => format!("{a}"),
            Alpha::PerClass(v) if v.len() <= 3 => format!("{v:?}"),
            Alpha::PerClass(v) => format!("[{}, {}, … ×{}]", v[0], v[1], v.len()),
        }
    }
}

/// One modulating factor whose weighted loss and gradient are accumulated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Term {
    /// `(1 - p_t)^γ`.
    Pow(f64),
    /// FLSD-53 (Mukhoti et al. 2020): γ = 5 where p_t < 0.2, else 3.
    Flsd53,
    /// Poly-1 (Leng et al. 2022): CE + ε(1 - p_t).
    Poly1(f64),
}

impl Term {
    /// The γ in force for an element with probability `pt`.
    #[inline(always)]
    pub fn gamma_at(self, pt: f64) -> f64 {
        match self {
            Term::Pow(g) => g,
            Term::Flsd53 => {
                if pt < 0.2 {
                    5.0
                } else {
                    3.0
                }
            }
            Term::Poly1(_) => 0.0,
        }
    }
}

/// Number of fine p_t bins per polarity used for the cumulative-loss curves.
pub const TAIL_BINS: usize = 640;
/// Number of equal-width confidence bins for calibration (ECE, as torchmetrics).
pub const CALIB_BINS: usize = 15;

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
    /// Whether to keep the calibration bins (stats, recommend, compare --plot):
    /// the binary / sigmoid path skips them otherwise.
    pub calib: bool,
}

impl EngineSpec {
    /// Number of score columns per row (1 in binary).
    pub fn width(&self) -> usize {
        match self.mode {
            Mode::Binary => 1,
            _ => self.classes,
        }
    }

    /// Number of accumulator groups: (class, polarity) pairs that can occur.
    pub fn groups(&self) -> usize {
        match self.mode {
            Mode::Binary => 2,
            Mode::Softmax => self.classes,
            Mode::Sigmoid => 2 * self.classes,
        }
    }

    /// The class a group belongs to and whether its elements are positive.
    pub fn group_class(&self, g: usize) -> (usize, bool) {
        match self.mode {
            Mode::Binary => (g, g == 1),
            Mode::Softmax => (g, true),
            Mode::Sigmoid => (g / 2, g % 2 == 1),
        }
    }

    /// Number of difficulty buckets.
    pub fn buckets(&self) -> usize {
        self.edges.len() - 1
    }

    /// The bucket of `pt`: `[lower, upper)`, the last one closed.
    #[inline(always)]
    pub fn bucket_of(&self, pt: f64) -> usize {
        let n = self.edges.len() - 1;
        // Edges are few (8 by default): a linear scan beats a binary search.
        let mut b = 0;
        while b + 1 < n && pt >= self.edges[b + 1] {
            b += 1;
        }
        b
    }

    /// Index of the term `Pow(g)`, if accumulated.
    pub fn term_index(&self, t: Term) -> Option<usize> {
        self.terms.iter().position(|&x| x == t)
    }
}
