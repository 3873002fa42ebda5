//! The flags of `flcli sql` (clap derive; doc comments are the help text).

use super::{ModeArg, SumArgs};
use crate::input::Format;
use clap::{Args, ValueHint};
use std::path::PathBuf;

/// `flcli sql`.
#[derive(Args, Debug, Clone)]
pub struct SqlArgs {
    /// The SQL engine to write for.
    #[arg(long, value_enum)]
    pub(crate) dialect: crate::sql::Dialect,
    /// What the query reads, pasted after FROM: a table name, a table function such as
    /// read_parquet('s3://bucket/preds/*.parquet'), or a parenthesised subquery.
    #[arg(long, value_name = "TABLE_EXPR")]
    pub(crate) table: String,
    /// A local sample file with the table's columns: label, scores and mode are detected
    /// from it as for stats. Without it, pass --label, the score columns and --mode.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, help_heading = "Input")]
    pub(crate) like: Option<PathBuf>,
    /// Force the format of --like instead of detecting it.
    #[arg(long, value_enum, help_heading = "Input")]
    pub(crate) input_format: Option<Format>,
    /// CSV field delimiter of --like (one byte; \t for tab).
    #[arg(long, short = 'd', default_value = ",", help_heading = "Input")]
    pub(crate) delimiter: String,
    /// binary, softmax or sigmoid (one-vs-rest, as RetinaNet). Required without --like.
    #[arg(long, value_enum, help_heading = "Input")]
    pub(crate) mode: Option<ModeArg>,
    /// The label column. Required without --like.
    #[arg(long, value_name = "COL", help_heading = "Input")]
    pub(crate) label: Option<String>,
    /// Binary: the probability column.
    #[arg(long, value_name = "COL", group = "scores", help_heading = "Input")]
    pub(crate) prob: Option<String>,
    /// Multi-class probability columns: a comma list, or one list column (a glob needs --like).
    #[arg(long, value_name = "COLS", group = "scores", help_heading = "Input")]
    pub(crate) probs: Option<String>,
    /// Binary: the logit column.
    #[arg(long, value_name = "COL", group = "scores", help_heading = "Input")]
    pub(crate) logit: Option<String>,
    /// Multi-class logit columns: a comma list, or one list column (a glob needs --like).
    #[arg(long, value_name = "COLS", group = "scores", help_heading = "Input")]
    pub(crate) logits: Option<String>,
    /// Names for the classes, in score order (comma list): the classes of a list column
    /// (--probs/--logits COL) without --like, or names for numbered score columns.
    #[arg(long, value_name = "NAMES", help_heading = "Input")]
    pub(crate) class_names: Option<String>,
    /// The label column holds lists of positive class ids (multi-label targets, sigmoid
    /// mode). Needed without --like; with it, the sample shows the lists.
    #[arg(long, help_heading = "Input")]
    pub(crate) multi_label: bool,
    /// Binary: the label value that is positive, for string labels.
    #[arg(long, value_name = "VALUE", help_heading = "Input")]
    pub(crate) positive: Option<String>,
    /// Sigmoid: the label value meaning "background" (negative for every class).
    #[arg(long, default_value_t = -1, allow_negative_numbers = true, value_name = "V", help_heading = "Input")]
    pub(crate) background: i64,
    /// Rows with this label are counted as ignored (PyTorch's ignore_index).
    #[arg(long, default_value_t = -100, allow_negative_numbers = true, value_name = "V", help_heading = "Input")]
    pub(crate) ignore_index: i64,
    /// Sum each value of this column apart (NULL is a value of its own), so that
    /// stats and compare break the report down by it (--by COL on the sums table).
    #[arg(long, value_name = "COL", help_heading = "Output")]
    pub(crate) by: Option<String>,
    #[command(flatten)]
    pub(crate) sums: SumArgs,
    /// γ values whose loss terms the query sums, comma-separated (the terms recommend weighs
    /// by default, γ 0, 0.5, 1, 2, 3, 5 and FLSD-53, are always added).
    #[arg(
        long,
        short = 'g',
        default_value = "0,0.5,1,2,5",
        allow_hyphen_values = true,
        value_name = "LIST",
        help_heading = "Loss"
    )]
    pub(crate) gamma: String,
    /// Named variants whose terms the query sums: flsd53, asl:GP,GN, cb:BETA[,GAMMA[,MIN]], poly1:EPS
    /// (repeatable).
    #[arg(long, value_name = "VARIANT", help_heading = "Loss")]
    pub(crate) variant: Vec<String>,
}
