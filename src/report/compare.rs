//! Report types of `flcli compare` and `flcli recommend`.

use super::{Calibration, Imbalance, InputInfo, Num};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Settings of a comparison.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct CompareParams {
    /// γ values of the grid.
    pub gammas: Vec<f64>,
    /// α values of the grid (null = none, number, or per-class list).
    pub alphas: Vec<serde_json::Value>,
    /// Named variants added with `--variant`.
    pub variants: Vec<String>,
    /// Probability clamp ε.
    pub eps: f64,
    /// Difficulty bucket edges over p_t.
    pub bucket_edges: Vec<f64>,
    /// p_t at or above which an element is easy.
    pub easy: f64,
    /// How the hardest-fraction shares were computed.
    pub tail_method: String,
}

/// A class's part of a variant's loss.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ClassShare {
    /// Class name.
    pub name: String,
    /// Σ loss over the class's elements.
    pub loss_sum: f64,
    /// loss_sum / the variant's loss_sum.
    pub share: Num,
}

/// A bucket's part of a variant's loss.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct BucketShare {
    /// Lower p_t edge.
    pub lower: f64,
    /// Upper p_t edge.
    pub upper: f64,
    /// Σ loss in the bucket.
    pub loss_sum: f64,
    /// loss_sum / the variant's loss_sum.
    pub share: Num,
}

/// A share for positive and negative elements separately.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct PosNeg {
    /// Over positive elements (softmax: every element).
    pub positives: Num,
    /// Over negative elements (null in softmax).
    pub negatives: Num,
}

/// One point of a cumulative loss curve: the hardest `fraction` of elements hold `loss_share`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct CurvePoint {
    /// Fraction of elements, hardest first.
    pub fraction: f64,
    /// Their share of the loss.
    pub loss_share: f64,
}

/// One loss of the grid, evaluated on the data.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Variant {
    /// e.g. "fl(g=2,a=0.25)", "ce", "flsd53", "asl(1,4)", "cb(0.999)", "poly1(1)".
    pub name: String,
    /// γ (null where γ varies, as in flsd53 and asl).
    pub gamma: Num,
    /// α: a number, a per-class list, or null.
    pub alpha: serde_json::Value,
    /// Σ loss.
    pub loss_sum: f64,
    /// loss_sum / elements.
    pub loss_mean: Num,
    /// loss_sum / Σ CE (plain, unweighted cross-entropy).
    pub ratio_to_ce: Num,
    /// Per class.
    pub classes: Vec<ClassShare>,
    /// Per difficulty bucket.
    pub buckets: Vec<BucketShare>,
    /// Share of the loss from easy elements (p_t ≥ easy).
    pub easy_loss_share: Num,
    /// Share of Σ|∂loss/∂logit| from easy elements.
    pub easy_grad_share: Num,
    /// Share of the loss held by the hardest 1% of elements.
    pub hardest_1pct_loss_share: PosNeg,
    /// Share of the loss held by the hardest 10% of elements.
    pub hardest_10pct_loss_share: PosNeg,
    /// Cumulative loss curves (RetinaNet Figure 4), hardest first.
    pub curves: Curves,
}

/// Cumulative loss distributions for positives and negatives.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Curves {
    /// Positive elements.
    pub positives: Vec<CurvePoint>,
    /// Negative elements (empty in softmax).
    pub negatives: Vec<CurvePoint>,
}

/// `flcli compare`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct CompareReport {
    /// Version of this contract (1).
    pub schema_version: u32,
    /// "compare".
    pub command: String,
    /// What was read.
    pub input: InputInfo,
    /// Grid settings.
    pub params: CompareParams,
    /// One object per variant, in grid order.
    pub variants: Vec<Variant>,
    /// `--by COL`: the same comparison for each value of COL (sorted by value), else null.
    pub groups: Option<Vec<CompareGroup>>,
}

/// One group of `--by`: the value of the grouping column and its comparison.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct CompareGroup {
    /// The value of the `--by` column ("(null)" for nulls).
    pub key: String,
    /// The comparison on the rows with that value.
    #[serde(flatten)]
    pub report: CompareReport,
}

/// A runner-up setting.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Alternative {
    /// "focal" or "cross_entropy".
    pub loss: String,
    /// γ.
    pub gamma: f64,
    /// α as in [`Recommendation::alpha`].
    pub alpha: serde_json::Value,
    /// Why it is a runner-up.
    pub reason: String,
}

/// What to train with.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Recommendation {
    /// "focal" or "cross_entropy".
    pub loss: String,
    /// γ (0 for cross-entropy).
    pub gamma: f64,
    /// Binary/sigmoid: α for the positive class; softmax: a per-class list or null.
    pub alpha: serde_json::Value,
    /// Sentences, each carrying the numbers that drove it.
    pub rationale: Vec<String>,
    /// Runner-up settings.
    pub alternatives: Vec<Alternative>,
}

/// What `recommend` weighed.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Evidence {
    /// Class imbalance.
    pub imbalance: Imbalance,
    /// Calibration.
    pub calibration: Calibration,
    /// The method's targets and knobs.
    pub targets: serde_json::Value,
    /// The grid that was evaluated.
    pub variants: Vec<Variant>,
}

/// `flcli recommend`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct RecommendReport {
    /// Version of this contract (1).
    pub schema_version: u32,
    /// "recommend".
    pub command: String,
    /// What was read.
    pub input: InputInfo,
    /// Grid settings.
    pub params: CompareParams,
    /// The answer.
    pub recommendation: Recommendation,
    /// The numbers behind it.
    pub evidence: Evidence,
}
