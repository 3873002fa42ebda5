//! The flags of `flcli partial` and `flcli merge`.

use super::{ByArgs, InputArgs, SumArgs};
use clap::{Args, ValueHint};
use std::path::PathBuf;

/// `flcli partial`.
#[derive(Args, Debug, Clone)]
pub struct PartialArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    #[command(flatten)]
    pub(crate) sums: SumArgs,
    /// γ values to keep sums for, comma-separated (0, 2 and 3, which recommend always weighs,
    /// are added). The default covers the defaults of stats, compare and recommend.
    #[arg(
        long,
        short = 'g',
        default_value = "0,0.5,1,2,3,5",
        allow_hyphen_values = true,
        value_name = "LIST",
        help_heading = "Loss"
    )]
    pub(crate) gamma: String,
    /// Named variants to keep sums for: flsd53, asl:GP,GN, cb:BETA[,GAMMA[,MIN]], poly1:EPS (repeatable).
    #[arg(long, value_name = "VARIANT", help_heading = "Loss")]
    pub(crate) variant: Vec<String>,
    #[command(flatten)]
    pub(crate) by: ByArgs,
    /// The partial result to write (FILE.flp), atomically.
    #[arg(
        long = "out",
        short = 'o',
        required = true,
        value_name = "FILE",
        value_hint = ValueHint::FilePath,
        help_heading = "Output"
    )]
    pub(crate) out: PathBuf,
}

/// `flcli merge`.
#[derive(Args, Debug, Clone)]
pub struct MergeArgs {
    /// Partial results (.flp files written by flcli partial or flcli merge).
    #[arg(required = true, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) files: Vec<PathBuf>,
    /// The merged partial result to write (FILE.flp), atomically.
    #[arg(
        long = "out",
        short = 'o',
        required = true,
        value_name = "FILE",
        value_hint = ValueHint::FilePath,
        help_heading = "Output"
    )]
    pub(crate) out: PathBuf,
}
