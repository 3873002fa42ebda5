//! Report types: the one source that every output format renders, and that
//! `flcli schema` turns into a JSON Schema. Field names are a contract with
//! users' CI scripts: add fields, never rename or remove them without bumping
//! `SCHEMA_VERSION`.

pub mod compare;
pub mod schema;

/// The vocabulary the reports' fields use.
pub use crate::model::{Mode, ScoreKind, VariantKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub(crate) use compare::{CompareGroup, Variant};
pub use compare::{CompareReport, RecommendReport, Recommendation};

/// Version of the JSON contract.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// A `f64` that is `null` in JSON when it cannot be computed (never NaN).
pub(crate) type Num = Option<f64>;

/// Keeps only finite numbers.
pub(crate) fn num(x: f64) -> Num {
    x.is_finite().then_some(x)
}

/// Skipped rows of one reason.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct SkipInfo {
    /// Reason key: null, nan, out_of_range, unknown_label, unparsable, bad_row_sum, bad_shape.
    pub reason: String,
    /// Rows skipped for this reason.
    pub count: u64,
    /// The first few locations: 0-based rows (Parquet) or 1-based lines (CSV), see `unit`.
    pub first: Vec<u64>,
    /// "row" (0-based, Parquet) or "line" (1-based, CSV).
    pub unit: String,
    /// The data file of each location in `first`.
    pub files: Vec<String>,
}

/// What was read and how it was interpreted.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct InputInfo {
    /// The data files, in order (`-` for stdin).
    pub paths: Vec<String>,
    /// "parquet", "csv", "mixed", or "partial" (partial results, listed in `paths`).
    pub format: String,
    /// binary, softmax or sigmoid.
    pub mode: Mode,
    /// probabilities or logits.
    pub score_kind: ScoreKind,
    /// The label column.
    pub label_column: String,
    /// The score columns in class order (a list column appears once).
    pub score_columns: Vec<String>,
    /// Class names in class order.
    pub class_names: Vec<String>,
    /// Rows in the input.
    pub rows_read: u64,
    /// Rows that took part.
    pub rows_used: u64,
    /// Rows whose label is the ignore index.
    pub rows_ignored: u64,
    /// Rows skipped as invalid (`--skip-invalid`); rows_read = used + ignored + skipped.
    pub rows_skipped: u64,
    /// Skipped rows by reason.
    pub skipped: Vec<SkipInfo>,
    /// Sigmoid mode: rows whose label is the background value (included in rows_used).
    pub background_rows: Option<u64>,
    /// What was detected rather than given on the command line.
    pub detected: Vec<String>,
    /// The α convention in force, in words.
    pub(crate) alpha_convention: String,
    /// The `--by` column, or null.
    pub by: Option<String>,
    /// What about the data makes the numbers doubtful (also printed on stderr), e.g. scores
    /// that are hard 0/1 predictions rather than probabilities.
    #[serde(default)]
    pub(crate) warnings: Vec<String>,
    /// Multi-label targets: the 0/1 target columns, or the list column of class ids; null otherwise.
    #[serde(default)]
    pub targets: Option<Vec<String>>,
}

/// Loss settings.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Params {
    /// Focusing parameter γ.
    pub gamma: f64,
    /// α: null (no weighting), a number (binary/sigmoid: weight of positives) or a per-class list (softmax).
    pub alpha: serde_json::Value,
    /// Probability clamp ε.
    pub eps: f64,
    /// Difficulty bucket edges over p_t.
    pub bucket_edges: Vec<f64>,
    /// β of the effective number of samples.
    pub(crate) beta: f64,
    /// p_t at or above which an element counts as easy.
    pub(crate) easy: f64,
}

/// Per-class figures.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ClassRow {
    /// Label value or class name ("0"/"1" in binary).
    pub name: String,
    /// Class index.
    pub index: usize,
    /// Rows of this class (sigmoid: positive rows).
    pub count: u64,
    /// count / Σ count.
    pub frequency: Num,
    /// Elements the sums run over (sigmoid: every used row of the class's column).
    pub elements: u64,
    /// Σ CE over the class's elements.
    pub ce_sum: f64,
    /// ce_sum / elements.
    pub ce_mean: Num,
    /// Σ FL (with α) over the class's elements.
    pub focal_sum: f64,
    /// focal_sum / elements.
    pub focal_mean: Num,
    /// ce_sum / Σ ce_sum over all classes (null when that is 0).
    #[serde(default)]
    pub(crate) ce_share: Num,
    /// focal_sum / Σ focal_sum over all classes (null when that is 0).
    #[serde(default)]
    pub focal_share: Num,
    /// Mean probability of the true target over the class's elements.
    pub mean_p_true: Num,
    /// Share of the class's rows where the true class has the top score (binary: p ≥ 0.5 on the right side;
    /// multi-label: of the class's positive rows, those with p ≥ 0.5, a logit ≥ 0).
    pub accuracy: Num,
}

/// Class weights implied by the counts, normalised to sum to the number of classes.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Weights {
    /// ∝ 1 / n_c (null for an empty class).
    pub inverse_frequency: Vec<Num>,
    /// ∝ (1 - β) / (1 - β^n_c) (Cui et al. 2019; null for an empty class).
    pub effective_number: Vec<Num>,
}

/// How imbalanced the classes are.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Imbalance {
    /// Rows per class in class order (sigmoid: positive rows).
    pub counts: Vec<u64>,
    /// n_max / n_min; null when a class has no rows.
    pub imbalance_ratio: Num,
    /// Why imbalance_ratio is null, if it is.
    pub imbalance_ratio_note: Option<String>,
    /// The largest class.
    pub majority: String,
    /// The smallest class.
    pub minority: String,
    /// Entropy of the class frequencies / ln K (1 = balanced).
    pub normalized_entropy: Num,
    /// (1 - β^n_c) / (1 - β) per class.
    pub effective_number: Vec<f64>,
    /// Suggested class weights.
    pub weights: Weights,
    /// none (< 1.5), low (< 3), moderate (< 10), severe (< 100) or extreme.
    pub severity: String,
    /// Sigmoid and binary: positive elements / negative elements.
    pub positive_negative_ratio: Num,
    /// Sigmoid: positive rows per class.
    pub positives_per_class: Option<Vec<u64>>,
    /// Sigmoid: background rows (multi-label: rows with no positive class).
    pub background_rows: Option<u64>,
    /// Multi-label targets only: positive rates, label cardinality, co-occurrence.
    #[serde(default)]
    pub multilabel: Option<MultiLabel>,
}

/// How the positive classes of multi-label rows spread and co-occur.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct MultiLabel {
    /// Per class, in class order: rows where the class is positive / rows used.
    pub positive_rate: Vec<Num>,
    /// Label cardinality: positive classes per used row, on average.
    pub label_cardinality: Num,
    /// Rows with more than one positive class.
    pub rows_with_several: u64,
    /// Distinct pairs of classes positive together in some row.
    pub pairs_seen: u64,
    /// The most frequent pairs (at most 10), most frequent first, ties by class order.
    pub top_pairs: Vec<PairCount>,
}

/// Rows in which two classes are both positive.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct PairCount {
    /// The first class (the earlier one in class order).
    pub a: String,
    /// The second class.
    pub b: String,
    /// Rows where both are positive.
    pub rows: u64,
    /// rows / rows used.
    pub(crate) share: Num,
}

/// One difficulty bucket of p_t.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct BucketRow {
    /// Lower edge (inclusive).
    pub lower: f64,
    /// Upper edge (exclusive, except the last bucket).
    pub upper: f64,
    /// Elements in the bucket.
    pub count: u64,
    /// count / elements.
    pub share: Num,
    /// Σ CE.
    pub ce_sum: f64,
    /// ce_sum / total CE.
    pub ce_share: Num,
    /// Σ FL.
    pub focal_sum: f64,
    /// focal_sum / total FL.
    pub focal_share: Num,
}

/// Whole-dataset sums.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Totals {
    /// Elements (rows; sigmoid: rows × classes).
    pub elements: u64,
    /// Positive elements (softmax: every element).
    pub positives: u64,
    /// Σ CE.
    pub ce_sum: f64,
    /// ce_sum / elements.
    pub ce_mean: Num,
    /// Σ FL.
    pub focal_sum: f64,
    /// focal_sum / elements (torchvision's "mean").
    pub focal_mean: Num,
    /// focal_sum / positives (RetinaNet's normalisation); null in softmax or without positives.
    pub loss_per_positive: Num,
}

/// One bin of the reliability diagram.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ReliabilityBin {
    /// Lower confidence edge.
    pub(crate) lower: f64,
    /// Upper confidence edge.
    pub(crate) upper: f64,
    /// Items in the bin.
    pub(crate) count: u64,
    /// Mean top-label confidence.
    pub(crate) mean_confidence: Num,
    /// Share of items whose top label is right.
    pub(crate) accuracy: Num,
}

/// Calibration of the top-label confidence (15 equal-width bins).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Calibration {
    /// What an item is: "row" (binary, softmax) or "element" (sigmoid).
    pub items: String,
    /// Expected calibration error.
    pub ece: Num,
    /// Maximum calibration error over non-empty bins.
    pub mce: Num,
    /// Mean Brier score (softmax: summed over classes per row).
    pub brier: Num,
    /// Mean confidence minus accuracy.
    pub confidence_gap: Num,
    /// overconfident, underconfident or calibrated (|gap| < 0.01).
    pub direction: String,
    /// The reliability table.
    pub reliability: Vec<ReliabilityBin>,
}

/// `flcli stats` (and each group of `--by`).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct StatsReport {
    /// Version of this contract (1).
    pub schema_version: u32,
    /// "stats".
    pub command: String,
    /// What was read.
    pub input: InputInfo,
    /// Loss settings.
    pub params: Params,
    /// One object per class, in class order.
    pub classes: Vec<ClassRow>,
    /// Class imbalance.
    pub imbalance: Imbalance,
    /// Difficulty buckets in edge order.
    pub buckets: Vec<BucketRow>,
    /// Whole-dataset sums.
    pub totals: Totals,
    /// Calibration.
    pub calibration: Calibration,
    /// `--by COL`: the same report for each value of COL (sorted by value), else null.
    pub groups: Option<Vec<StatsGroup>>,
}

/// One group of `--by`: the value of the grouping column and its whole report.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct StatsGroup {
    /// The value of the `--by` column as text; null for the rows where it is null.
    pub key: Option<String>,
    /// The report of the rows with that value.
    #[serde(flatten)]
    pub report: StatsReport,
}

/// Any report flcli prints.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
// One report per run, built once and printed: the variants' size difference costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum Report {
    /// `flcli stats`.
    Stats(StatsReport),
    /// `flcli compare`.
    Compare(CompareReport),
    /// `flcli recommend`.
    Recommend(RecommendReport),
}
