//! Command-line types (clap derive). Doc comments are the help text.

use crate::render::ColorChoice;
use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};
use std::path::PathBuf;

mod input;
pub(crate) use input::{InputArgs, ModeArg};
mod partial;
pub(crate) use partial::{MergeArgs, PartialArgs};
mod sql;
pub(crate) use sql::SqlArgs;

/// Class imbalance, cross-entropy and focal loss from a model's prediction dump.
///
/// Reads a label column and probability or logit columns (CSV or Parquet),
/// and reports where the loss comes from, what other γ and α would do, and
/// which to train with.
#[derive(Parser, Debug)]
#[command(name = "flcli", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    /// When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub(crate) color: ColorChoice,
    /// Drop the notes and the progress bar on stderr (errors still print).
    #[arg(long, short, global = true)]
    pub(crate) quiet: bool,
    /// Worker threads (default: all cores). Output is bit-identical for any value.
    #[arg(long, short = 'j', global = true, value_name = "N")]
    pub(crate) threads: Option<usize>,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// flcli's subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Class imbalance, and CE / focal loss per class and per difficulty bucket.
    ///
    /// Example: flcli stats fixtures/detection.parquet
    Stats(StatsArgs),
    /// A γ × α grid (and named variants) side by side, from one pass.
    ///
    /// Example: flcli compare fixtures/detection.parquet --gamma 0,1,2,5 --alpha 0.25,0.5,none
    Compare(CompareArgs),
    /// Whether to use focal loss, and with which γ and α, with the reasons.
    ///
    /// Example: flcli recommend fixtures/detection.parquet
    Recommend(RecommendArgs),
    /// Read data files once and write a partial result (.flp): every sum stats, compare and
    /// recommend need, for merging with others (see docs/partial.md).
    ///
    /// Example: flcli partial shard-0007.parquet -o shard-0007.flp
    Partial(PartialArgs),
    /// Merge partial results into one; any order or tree of merges gives the same bits.
    ///
    /// Example: flcli merge shard-*.flp -o all.flp
    Merge(MergeArgs),
    /// Print one SQL query that computes the sums of a pass inside a SQL engine (see docs/sql.md).
    ///
    /// Save the query's result as Parquet or CSV; `flcli stats|compare|recommend SUMS_FILE`
    /// renders the report from it.
    ///
    /// Example: flcli sql --dialect duckdb --table t --like s.parquet
    Sql(SqlArgs),
    /// Print the JSON Schema of the reports (generated from the same types).
    ///
    /// Example: flcli schema > flcli.schema.json
    Schema,
    /// Print a shell completion script.
    ///
    /// Example: flcli completions bash > ~/.local/share/bash-completion/completions/flcli
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    ///
    /// Example: flcli man > ~/.local/share/man/man1/flcli.1
    Man,
}

/// The settings that shape the sums themselves: every command that runs the engine takes
/// them (`partial` and `sql` too), so their sums can be merged and compared.
#[derive(Args, Debug, Clone)]
pub struct SumArgs {
    /// Probability clamp: probabilities are clamped to [ε, 1-ε] (Keras's ε).
    #[arg(
        long,
        default_value_t = 1e-7,
        allow_negative_numbers = true,
        value_name = "ε",
        help_heading = "Loss"
    )]
    pub eps: f64,
    /// Difficulty bucket edges over p_t, ascending from 0 to 1.
    #[arg(
        long,
        default_value = "0,0.1,0.25,0.5,0.75,0.9,0.99,1",
        value_name = "EDGES",
        help_heading = "Loss"
    )]
    pub buckets: String,
    /// p_t at or above which an element counts as easy.
    #[arg(
        long,
        default_value_t = 0.9,
        allow_negative_numbers = true,
        value_name = "P",
        help_heading = "Loss"
    )]
    pub easy: f64,
}

/// Numeric settings shared by every report command: the sums' settings plus β, which only
/// weighs classes when a report is built.
#[derive(Args, Debug, Clone)]
pub struct LossArgs {
    /// The settings the sums are accumulated under.
    #[command(flatten)]
    pub sums: SumArgs,
    /// β of the effective number of samples (Cui et al. 2019).
    #[arg(
        long,
        default_value_t = 0.999,
        allow_negative_numbers = true,
        value_name = "β",
        help_heading = "Loss"
    )]
    pub(crate) beta: f64,
}

/// Output settings shared by every report command.
#[derive(Args, Debug, Clone)]
pub(crate) struct OutputArgs {
    /// Output format. Default: from the extension of -o (.json, .md, .csv, .html), else table.
    #[arg(long, value_enum, value_name = "FORMAT", help_heading = "Output")]
    pub(crate) output: Option<OutputFormat>,
    /// Short for --output json.
    #[arg(long, conflicts_with = "output", help_heading = "Output")]
    pub(crate) json: bool,
    /// Write the report to FILE instead of stdout, atomically (a temporary file in the same
    /// folder, then a rename): a failed run leaves no partial report behind.
    #[arg(
        long = "out",
        short = 'o',
        value_name = "FILE",
        value_hint = ValueHint::FilePath,
        help_heading = "Output"
    )]
    pub(crate) out: Option<PathBuf>,
    /// Exit 1 if EXPR holds on the JSON report, e.g. 'totals.focal_mean > 0.05' or
    /// 'classes[cat].accuracy < 0.8' (repeatable; see the README, "CI gates").
    #[arg(long = "fail-if", value_name = "EXPR", help_heading = "Output")]
    pub(crate) fail_if: Vec<String>,
}

/// `--by` and its limit (stats and compare).
#[derive(Args, Debug, Clone, Default)]
pub(crate) struct ByArgs {
    /// Break the whole report down by the values of this column (e.g. the data split, an
    /// object-size bucket, a source data set): one section per value.
    #[arg(long, value_name = "COL", help_heading = "Output")]
    pub(crate) by: Option<String>,
    /// The most distinct --by values allowed (a guard against grouping by an ID column).
    #[arg(
        long,
        default_value_t = 1000,
        value_name = "N",
        help_heading = "Output"
    )]
    pub(crate) max_groups: usize,
}

/// Report formats.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub(crate) enum OutputFormat {
    /// Tables for people.
    Table,
    /// One JSON document (the versioned contract).
    Json,
    /// GitHub-flavoured Markdown, for CI job summaries and PR comments.
    #[value(alias = "md")]
    Markdown,
    /// One row per class / bucket / variant with a `section` column, for spreadsheets.
    Csv,
    /// One self-contained page (inline CSS and SVG figures, no network requests) for a browser.
    Html,
}

/// `flcli stats`.
#[derive(Args, Debug, Clone)]
pub struct StatsArgs {
    /// What to read and how.
    #[command(flatten)]
    pub input: InputArgs,
    /// The loss settings.
    #[command(flatten)]
    pub loss: LossArgs,
    /// Focusing parameter γ ≥ 0 (0 with --alpha none is cross-entropy).
    #[arg(
        long,
        short = 'g',
        default_value_t = 2.0,
        allow_negative_numbers = true,
        value_name = "γ",
        help_heading = "Loss"
    )]
    pub gamma: f64,
    /// α: binary/sigmoid a number in [0,1] (weight of positives; negatives get 1-α), default 0.25;
    /// softmax a per-class comma list, default none. `none` turns weighting off.
    #[arg(
        long,
        short = 'a',
        allow_hyphen_values = true,
        value_name = "α",
        help_heading = "Loss"
    )]
    pub(crate) alpha: Option<String>,
    #[command(flatten)]
    pub(crate) by: ByArgs,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// `flcli compare`.
#[derive(Args, Debug, Clone)]
pub struct CompareArgs {
    /// What to read and how.
    #[command(flatten)]
    pub input: InputArgs,
    /// The loss settings.
    #[command(flatten)]
    pub loss: LossArgs,
    /// γ values of the grid, comma-separated.
    #[arg(
        long,
        short = 'g',
        default_value = "0,0.5,1,2,5",
        allow_hyphen_values = true,
        value_name = "LIST",
        help_heading = "Loss"
    )]
    pub gamma: String,
    /// α values of the grid, separated by ';' or ',' (softmax lists use ';' between
    /// settings, e.g. 'none;0.2,0.8'). Default: 0.25 (binary/sigmoid), none (softmax).
    #[arg(
        long,
        short = 'a',
        allow_hyphen_values = true,
        value_name = "LIST",
        help_heading = "Loss"
    )]
    pub alpha: Option<String>,
    /// Named variants: flsd53, asl:GP,GN, cb:BETA[,GAMMA[,MIN]], poly1:EPS (repeatable).
    #[arg(long, value_name = "VARIANT", help_heading = "Loss")]
    pub variant: Vec<String>,
    /// Also write an SVG: cumulative-loss curves (positives, negatives; one per γ, as RetinaNet's
    /// Figure 4) and the reliability diagram. Written atomically; never onto an input file.
    #[arg(long, value_name = "FILE.svg", value_hint = ValueHint::FilePath, help_heading = "Output")]
    pub(crate) plot: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) by: ByArgs,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// `flcli recommend`.
#[derive(Args, Debug, Clone)]
pub struct RecommendArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    #[command(flatten)]
    pub(crate) loss: LossArgs,
    /// γ values weighed (0 and --calibration-gamma are always added). Binary/sigmoid: each with
    /// α none, 0.25, 0.5, 0.75; softmax: with α none and class-balanced; plus flsd53.
    #[arg(
        long,
        short = 'g',
        default_value = "0,0.5,1,2,3,5",
        allow_hyphen_values = true,
        value_name = "LIST",
        help_heading = "Method"
    )]
    pub(crate) gamma: String,
    /// Target: the largest acceptable share of the gradient (Σ|∂loss/∂logit|) from easy elements.
    /// Of the γ that meet it, focal loss gets the one nearest RetinaNet's γ = 2 whose share stays
    /// at or above --min-easy-grad-share.
    #[arg(
        long,
        default_value_t = 0.5,
        allow_negative_numbers = true,
        value_name = "SHARE",
        help_heading = "Method"
    )]
    pub(crate) max_easy_grad_share: f64,
    /// The floor of the gradient target band: a γ that pushes the easy elements' share of the
    /// gradient below it all but silences them, so a smaller γ is preferred. Default: a fiftieth
    /// of --max-easy-grad-share (1%).
    #[arg(
        long,
        allow_negative_numbers = true,
        value_name = "SHARE",
        help_heading = "Method"
    )]
    pub(crate) min_easy_grad_share: Option<f64>,
    /// On data less imbalanced than --min-imbalance, focal loss also needs easy elements to hold
    /// more than this share of cross-entropy's loss.
    #[arg(
        long,
        default_value_t = 0.5,
        allow_negative_numbers = true,
        value_name = "SHARE",
        help_heading = "Method"
    )]
    pub(crate) max_easy_loss_share: f64,
    /// Majority:minority ratio from which α is used: RetinaNet's α-γ pairing (binary, sigmoid;
    /// between negative and positive elements) or class-balanced weights (softmax; between classes).
    #[arg(
        long,
        default_value_t = 10.0,
        allow_negative_numbers = true,
        value_name = "RATIO",
        help_heading = "Method"
    )]
    pub(crate) min_imbalance: f64,
    /// ECE (15 bins) above which an overconfident model argues for focal loss (Mukhoti et al. 2020).
    #[arg(
        long,
        default_value_t = 0.03,
        allow_negative_numbers = true,
        value_name = "ECE",
        help_heading = "Method"
    )]
    pub(crate) max_ece: f64,
    /// The least γ recommended for an overconfident model (Mukhoti et al. 2020 used γ = 3).
    #[arg(
        long,
        default_value_t = 3.0,
        allow_negative_numbers = true,
        value_name = "γ",
        help_heading = "Method"
    )]
    pub(crate) calibration_gamma: f64,
    /// Softmax: classes with fewer rows than this (but some) get the class-balanced weight of
    /// a class with this many, since a count that small says little about a class's frequency.
    #[arg(long, default_value_t = 10, value_name = "N", help_heading = "Method")]
    pub(crate) cb_min_count: u64,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[cfg(test)]
#[path = "cli_tests.rs"]
mod cli_tests;
