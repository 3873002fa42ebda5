//! `flcli merge`: merges partial results into one (for tree reductions:
//! merging in any order or tree gives the same bits).

use super::Global;
use crate::cli::MergeArgs;
use anyhow::Result;

/// Runs `flcli merge`; returns the exit code.
pub(crate) fn run(a: &MergeArgs, g: &Global) -> Result<i32> {
    let out = super::partial::out_file(&a.out)?;
    out.refuse_inputs(a.files.iter().map(|p| p.as_path()))?;
    let (merged, _) = super::load::merge_files(&a.files)?;
    super::partial::write(&out, &merged, g)?;
    Ok(0)
}
