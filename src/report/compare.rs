//! Report types of `flcli compare` and `flcli recommend`.

use super::{Calibration, Imbalance, InputInfo, Num};
use crate::model::VariantKind;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Settings of a comparison.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct CompareParams {
    /// γ values of the grid.
    pub gammas: Vec<f64>,
    /// α values of the grid (null = none, number, or per-class list).
    pub(crate) alphas: Vec<serde_json::Value>,
    /// Named variants added with `--variant`.
    pub(crate) variants: Vec<String>,
    /// Probability clamp ε.
    pub(crate) eps: f64,
    /// Difficulty bucket edges over p_t.
    pub(crate) bucket_edges: Vec<f64>,
    /// p_t at or above which an element is easy.
    pub(crate) easy: f64,
    /// How the hardest-fraction shares were computed.
    pub(crate) tail_method: String,
}

/// A class's part of a variant's loss.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ClassShare {
    /// Class name.
    pub name: String,
    /// Σ loss over the class's elements.
    pub loss_sum: f64,
    /// loss_sum / the variant's loss_sum.
    pub(crate) share: Num,
}

/// A bucket's part of a variant's loss.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct BucketShare {
    /// Lower p_t edge.
    pub(crate) lower: f64,
    /// Upper p_t edge.
    pub(crate) upper: f64,
    /// Σ loss in the bucket.
    pub(crate) loss_sum: f64,
    /// loss_sum / the variant's loss_sum.
    pub(crate) share: Num,
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
    pub(crate) fraction: f64,
    /// Their share of the loss.
    pub(crate) loss_share: f64,
}

/// One loss of the grid, evaluated on the data.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Variant {
    /// e.g. "ce", "ce a=0.75", "fl g=2 a=0.25", "flsd53", "asl 1,4", "cb b=0.999 g=0", "poly1 e=1".
    pub name: String,
    /// The family: "focal" (fixed γ, including ce), "flsd53", "asl", "cb" or "poly1".
    #[schemars(with = "String")]
    pub kind: VariantKind,
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
    pub(crate) schema_version: u32,
    /// "compare".
    pub command: String,
    /// What was read.
    pub input: InputInfo,
    /// Grid settings.
    pub params: CompareParams,
    /// One object per variant, in grid order.
    pub variants: Vec<Variant>,
    /// Calibration of the scores (as in `stats`), kept only where the report draws a
    /// reliability diagram (`--plot`, `--output html`); null otherwise, so the pass stays lean.
    pub(crate) calibration: Option<Calibration>,
    /// `--by COL`: the same comparison for each value of COL (sorted by value), else null.
    pub groups: Option<Vec<CompareGroup>>,
}

/// One group of `--by`: the value of the grouping column and its comparison.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct CompareGroup {
    /// The value of the `--by` column as text; null for the rows where it is null.
    pub(crate) key: Option<String>,
    /// The comparison on the rows with that value.
    #[serde(flatten)]
    pub report: CompareReport,
}

/// A runner-up setting.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Alternative {
    /// "focal" or "cross_entropy".
    pub(crate) loss: String,
    /// γ (null where it varies with p_t, as in flsd53).
    pub(crate) gamma: Num,
    /// α as in [`Recommendation::alpha`].
    pub(crate) alpha: serde_json::Value,
    /// The evaluated variant of `evidence.variants` this setting is (its `name`).
    pub variant: String,
    /// Why it is a runner-up, with the numbers behind it.
    pub(crate) reason: String,
}

/// What to train with.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Recommendation {
    /// "focal" or "cross_entropy".
    pub loss: String,
    /// γ (0 for cross-entropy).
    pub gamma: f64,
    /// Binary/sigmoid: α for the positive class (or null); softmax: a per-class list or null.
    pub alpha: serde_json::Value,
    /// The evaluated variant of `evidence.variants` this setting is (its `name`).
    pub variant: String,
    /// Sentences, each carrying the numbers that drove it.
    pub rationale: Vec<String>,
    /// Runner-up settings.
    pub alternatives: Vec<Alternative>,
    /// Thresholds within ±10% of which the answer changes, one sentence each (empty when
    /// no such change does).
    pub close_calls: Vec<String>,
}

/// The method's targets and knobs, as given on the command line (or their defaults).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Targets {
    /// Largest acceptable share of Σ|∂loss/∂logit| from easy elements (`--max-easy-grad-share`).
    pub max_easy_grad_share: f64,
    /// Floor of the gradient band: a γ whose easy share falls below it overshoots
    /// (`--min-easy-grad-share`).
    pub min_easy_grad_share: f64,
    /// The γ preferred inside the band: RetinaNet's best on COCO.
    pub prior_gamma: f64,
    /// Below `min_imbalance`, focal loss also needs easy elements to hold more than this share of
    /// CE's loss (`--max-easy-loss-share`).
    pub max_easy_loss_share: f64,
    /// Majority:minority ratio from which α weighting is used (`--min-imbalance`).
    pub min_imbalance: f64,
    /// ECE above which an overconfident model argues for focal loss (`--max-ece`).
    pub max_ece: f64,
    /// The least γ recommended for an overconfident model (`--calibration-gamma`).
    pub calibration_gamma: f64,
    /// Softmax: the least count class-balanced weights are computed from (`--cb-min-count`).
    pub cb_min_count: u64,
    /// β of the class-balanced weights (`--beta`).
    pub beta: f64,
    /// p_t at or above which an element is easy (`--easy`).
    pub easy: f64,
    /// RetinaNet Table 1b: (γ, best α) pairs used for binary and sigmoid α.
    pub alpha_by_gamma: Vec<[f64; 2]>,
}

/// The intermediate numbers of the method, in the order it uses them.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Decision {
    /// Majority:minority ratio weighed for α (binary/sigmoid: between negative and positive
    /// elements; softmax: between classes); null when a side is empty (unbounded).
    pub imbalance_ratio: Num,
    /// The ratio's 95% interval at this size (Wilson's, on the smaller side's share of the
    /// pair); α is used only when all of it is at least `min_imbalance`. Null when unbounded.
    pub imbalance_ratio_interval: Option<[f64; 2]>,
    /// "none", "retinanet_table1" (binary/sigmoid) or "class_balanced" (softmax).
    pub alpha_rule: String,
    /// Binary/sigmoid: whether positives are the rarer polarity (Table 1's pairing applies as is).
    pub positives_are_minority: Option<bool>,
    /// The cross-entropy variant weighed (γ = 0 with the α rule's α).
    pub ce_variant: String,
    /// Its share of the gradient from easy elements.
    pub ce_easy_grad_share: Num,
    /// Its share of the loss from easy elements.
    pub ce_easy_loss_share: Num,
    /// The 95% interval of `ce_easy_grad_share` (delta method over elements); the gradient
    /// argument holds only when all of it is above `max_easy_grad_share`. Null when
    /// unavailable (see `share_intervals_unavailable`) or undefined.
    pub(crate) ce_easy_grad_share_interval: Option<[f64; 2]>,
    /// The 95% interval of `ce_easy_loss_share`, weighed as the gradient's against
    /// `max_easy_loss_share`.
    pub(crate) ce_easy_loss_share_interval: Option<[f64; 2]>,
    /// Why the share intervals are unavailable (sums without second moments: a sums table,
    /// or partials written without them); the rule then weighs the point values. Null when
    /// they are available.
    pub(crate) share_intervals_unavailable: Option<String>,
    /// Every class's frequency with its 95% Wilson interval (binary and softmax: its share of
    /// the rows; sigmoid: the share of rows where it is positive).
    pub(crate) class_frequencies: Vec<ClassFrequency>,
    /// Whether the gradient argument for focal loss holds.
    pub gradient_argument: bool,
    /// Smallest γ of the grid that meets the easy-gradient target (0 when not needed).
    pub gamma_for_gradient: f64,
    /// Whether some γ of the grid met the target.
    pub gradient_target_met: bool,
    /// The 95th percentile of the ECE a perfectly calibrated model shows on the same
    /// reliability bins (chance alone, at this number of items); null with no items.
    pub calibrated_ece_p95: Num,
    /// Whether the model is overconfident beyond `max_ece` and beyond `calibrated_ece_p95`.
    pub overconfident: bool,
    /// γ asked for by calibration (0 when not).
    pub gamma_for_calibration: f64,
}

/// One class's frequency in the data, with its 95% interval at this size.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub(crate) struct ClassFrequency {
    /// The class name.
    pub(crate) class: String,
    /// Its rows (sigmoid: positive rows).
    pub(crate) rows: u64,
    /// rows / the rows it is a share of; null when there are none.
    pub(crate) frequency: Num,
    /// Wilson's score interval of `frequency`; null when there are no rows.
    pub(crate) interval: Option<[f64; 2]>,
}

/// What `recommend` weighed.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Evidence {
    /// Class imbalance.
    pub imbalance: Imbalance,
    /// Calibration.
    pub calibration: Calibration,
    /// The method's targets and knobs.
    pub targets: Targets,
    /// The intermediate numbers of the method.
    pub decision: Decision,
    /// The grid that was evaluated.
    pub variants: Vec<Variant>,
}

/// `flcli recommend`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct RecommendReport {
    /// Version of this contract (1).
    pub(crate) schema_version: u32,
    /// "recommend".
    pub(crate) command: String,
    /// What was read.
    pub(crate) input: InputInfo,
    /// Grid settings.
    pub(crate) params: CompareParams,
    /// The answer.
    pub recommendation: Recommendation,
    /// The numbers behind it.
    pub evidence: Evidence,
    /// How to get the recommended loss again, outside `recommend`.
    pub reproduce: Reproduce,
}

/// The recommended loss, reproduced: a command and code to run.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Reproduce {
    /// A `flcli compare` command line (POSIX shell quoting) that evaluates the recommended
    /// variant on the same input, under the same name and with the same numbers.
    pub flcli: String,
    /// PyTorch code (with `torch`, `torchvision` and `torch.nn.functional as F` imported) that
    /// sets `loss` to the recommended variant's `loss_mean`, given float64 `logits` (or `probs`)
    /// and `targets` (binary: 0/1; softmax: class indices; sigmoid: one-hot (N, K), background
    /// rows all zero), ignored rows left out.
    pub(crate) pytorch: String,
}
