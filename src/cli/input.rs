//! The input flags every command that reads data files shares.

use crate::input::Format;
use crate::model::Mode;
use clap::{Args, ValueEnum, ValueHint};
use std::path::PathBuf;

/// Where the data is and how to read it.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Prediction files (CSV, CSV.gz, Parquet, Arrow IPC, JSON Lines, NumPy .npz/.npy), directories of shards, or - for CSV on stdin.
    #[arg(required = true, value_name = "FILE", value_hint = ValueHint::AnyPath)]
    pub(crate) files: Vec<PathBuf>,
    /// Force the input format instead of detecting it from magic bytes and extension.
    #[arg(long, value_enum, help_heading = "Input")]
    pub(crate) input_format: Option<Format>,
    /// CSV field delimiter (one byte; \t for tab).
    #[arg(long, short = 'd', default_value = ",", help_heading = "Input")]
    pub(crate) delimiter: String,
    /// binary, softmax or sigmoid (one-vs-rest, as RetinaNet). Default: detected.
    #[arg(long, value_enum, help_heading = "Input")]
    pub(crate) mode: Option<ModeArg>,
    /// The label column. Default: the first of label, labels, target, y, y_true, gt, class, class_id, category.
    #[arg(long, value_name = "COL", help_heading = "Input")]
    pub(crate) label: Option<String>,
    /// Multi-label: one 0/1 target column per class, a comma list or a glob ('y_*'), in place of a label column.
    #[arg(long, value_name = "COLS", help_heading = "Input")]
    pub(crate) targets: Option<String>,
    /// Binary: the probability column.
    #[arg(long, value_name = "COL", group = "scores", help_heading = "Input")]
    pub(crate) prob: Option<String>,
    /// Multi-class probability columns: a comma list, a glob ('p_*'), or one list column.
    #[arg(long, value_name = "COLS", group = "scores", help_heading = "Input")]
    pub(crate) probs: Option<String>,
    /// Binary: the logit column.
    #[arg(long, value_name = "COL", group = "scores", help_heading = "Input")]
    pub(crate) logit: Option<String>,
    /// Multi-class logit columns: a comma list, a glob ('logit_*'), or one list column.
    #[arg(long, value_name = "COLS", group = "scores", help_heading = "Input")]
    pub(crate) logits: Option<String>,
    /// Binary: the label value that is positive, for string labels.
    #[arg(long, value_name = "VALUE", help_heading = "Input")]
    pub(crate) positive: Option<String>,
    /// Sigmoid: the label value meaning "background" (negative for every class).
    #[arg(long, default_value_t = -1, allow_negative_numbers = true, value_name = "V", help_heading = "Input")]
    pub(crate) background: i64,
    /// Rows with this label are skipped and counted (PyTorch's ignore_index).
    #[arg(long, default_value_t = -100, allow_negative_numbers = true, value_name = "V", help_heading = "Input")]
    pub(crate) ignore_index: i64,
    /// Skip invalid rows (counted by reason) instead of stopping at the first one.
    #[arg(long, help_heading = "Input")]
    pub(crate) skip_invalid: bool,
    /// Input handed over in memory by a program calling the library (never a flag).
    #[arg(skip)]
    pub(crate) memory: Option<crate::input::memory::Memory>,
    /// NumPy: the .npy file of labels that goes with a .npy file of scores.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, help_heading = "Input")]
    pub(crate) labels_npy: Option<PathBuf>,
    /// Names for the classes of softmax or sigmoid scores, in score-column order (comma list),
    /// when the labels are names and the columns are numbered (prob_0, prob_1, ...).
    #[arg(long, value_name = "NAMES", help_heading = "Input")]
    pub(crate) class_names: Option<String>,
    /// NumPy score maps: the class axis is the last one, (N, d1, ..., K), not the second.
    #[arg(long, help_heading = "Input")]
    pub(crate) channels_last: bool,
    /// The longest CSV line read, in bytes (K, M, G: 1024s); a longer line is an error, so that a damaged file cannot fill memory.
    #[arg(long, default_value = "64M", value_parser = parse_bytes, value_name = "BYTES", help_heading = "Input")]
    pub(crate) max_line_bytes: u64,
}

/// `--mode` values.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub(crate) enum ModeArg {
    /// One label (0/1) and one score column.
    Binary,
    /// One true class per row, K score columns forming a distribution.
    Softmax,
    /// One-vs-rest over K classes (RetinaNet).
    Sigmoid,
}

impl From<ModeArg> for Mode {
    fn from(m: ModeArg) -> Mode {
        match m {
            ModeArg::Binary => Mode::Binary,
            ModeArg::Softmax => Mode::Softmax,
            ModeArg::Sigmoid => Mode::Sigmoid,
        }
    }
}

/// A byte count with an optional K, M or G suffix (powers of 1024).
fn parse_bytes(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, shift) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 10),
        Some('M') => (&t[..t.len() - 1], 20),
        Some('G') => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    num.trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .filter(|&n| n > 0)
        .ok_or_else(|| {
            format!(
                "expected a positive byte count such as 1048576, 512K, 64M or 2G, got {}",
                crate::text::quoted(s)
            )
        })
}
