//! The shared vocabulary of flcli: input modes, score kinds, α, loss terms,
//! label codes, skip reasons and row locations. Every other module may use
//! it; it uses none of them.

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
    pub(crate) fn to_json(&self) -> serde_json::Value {
        match self {
            Alpha::None => serde_json::Value::Null,
            Alpha::Scalar(a) => serde_json::json!(a),
            Alpha::PerClass(v) => serde_json::json!(v),
        }
    }

    /// A short label for tables: `none`, `0.25`, `[0.1, …]`.
    pub(crate) fn label(&self) -> String {
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

impl Term {}

/// Label code for a sigmoid background row (negative for every class).
pub const BACKGROUND: i32 = -1;
/// Label code for a row with the ignore index.
pub(crate) const IGNORED: i32 = -2;
/// Label code for a row skipped under `--skip-invalid`.
pub(crate) const SKIPPED: i32 = -3;
/// Label code for a multi-label row: its positive classes are in the batch's
/// multi-hot targets ([`crate::engine::kernel::Batch::targets`]).
pub(crate) const MULTI: i32 = -4;

/// Where a row sits in its file: Parquet rows are 0-based, CSV lines 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Loc {
    /// 0-based row index (Parquet).
    Row(u64),
    /// 1-based line number (CSV).
    Line(u64),
}

impl Loc {
    /// The row or line number.
    pub fn index(self) -> u64 {
        match self {
            Loc::Row(r) | Loc::Line(r) => r,
        }
    }
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Loc::Row(r) => write!(f, "row {r} (0-based)"),
            Loc::Line(l) => write!(f, "line {l}"),
        }
    }
}

/// Why a row was skipped under `--skip-invalid`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    /// A null (Parquet) or empty (CSV) value.
    Null,
    /// A NaN score.
    Nan,
    /// A probability outside [0, 1] or an infinite value where not allowed.
    OutOfRange,
    /// A label that is not one of the classes.
    UnknownLabel,
    /// A value that is not a number.
    Unparsable,
    /// Softmax probabilities that do not sum to 1.
    BadRowSum,
    /// A list score with the wrong number of entries, or a ragged CSV line.
    BadShape,
}

impl SkipReason {
    /// All reasons, in report order.
    pub(crate) const ALL: [SkipReason; 7] = [
        SkipReason::Null,
        SkipReason::Nan,
        SkipReason::OutOfRange,
        SkipReason::UnknownLabel,
        SkipReason::Unparsable,
        SkipReason::BadRowSum,
        SkipReason::BadShape,
    ];

    /// The key used in reports.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SkipReason::Null => "null",
            SkipReason::Nan => "nan",
            SkipReason::OutOfRange => "out_of_range",
            SkipReason::UnknownLabel => "unknown_label",
            SkipReason::Unparsable => "unparsable",
            SkipReason::BadRowSum => "bad_row_sum",
            SkipReason::BadShape => "bad_shape",
        }
    }
}

/// The family of a loss variant; reports carry it as its lowercase name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VariantKind {
    /// Focal loss with a fixed γ (γ = 0 is cross-entropy).
    Focal,
    /// FLSD-53: γ = 5 below p_t = 0.2, else 3.
    Flsd53,
    /// Asymmetric loss: one γ for positives, one for negatives.
    Asl,
    /// Class-balanced focal loss (effective number of samples).
    Cb,
    /// Poly-1: cross-entropy plus ε (1 - p_t).
    Poly1,
}

impl VariantKind {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            VariantKind::Focal => "focal",
            VariantKind::Flsd53 => "flsd53",
            VariantKind::Asl => "asl",
            VariantKind::Cb => "cb",
            VariantKind::Poly1 => "poly1",
        }
    }
}
