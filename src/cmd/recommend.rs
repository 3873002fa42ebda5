//! `flcli recommend`: whether to use focal loss, with which γ and α, and why.

use super::Global;
use crate::cli::RecommendArgs;
use anyhow::{bail, Result};

/// Runs `flcli recommend`; returns the exit code.
pub fn run(_a: &RecommendArgs, _g: &Global) -> Result<i32> {
    bail!("recommend is being built")
}
