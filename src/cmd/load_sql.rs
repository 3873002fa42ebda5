//! The sums-table arm of [`super::load`]: a table saved from the query of
//! `flcli sql`, read into the engine's sums.

use super::load::{InputDesc, Loaded};
use crate::engine::EngineSpec;
use crate::input::InputOptions;
use crate::sql::sums;
use anyhow::{anyhow, bail, Result};
use std::path::PathBuf;

/// Whether `paths` is one sums table (an error if a sums table comes with other files).
pub fn is_sums_input(paths: &[PathBuf]) -> Result<bool> {
    let n = paths.iter().filter(|p| sums::is_sums_file(p)).count();
    match (n, paths.len()) {
        (0, _) => Ok(false),
        (1, 1) => Ok(true),
        _ => bail!(
            "a sums table (flcli sql) is read alone: one query over all the rows gives one table; got {} files, {n} of them sums tables",
            paths.len()
        ),
    }
}

/// Reads the sums table of `opts` and lays its sums out as `plan` asks.
pub fn load_sums<T>(
    opts: &InputOptions,
    plan: impl FnOnce(&InputDesc, &[String]) -> Result<(EngineSpec, T)>,
) -> Result<(Loaded, T)> {
    let path = &opts.paths[0];
    let shown = crate::text::escape(&path.display().to_string());
    if opts.by.is_some() {
        bail!("{shown}: a sums table holds no rows to break down by --by; run the query once per value (a WHERE clause in --table) instead");
    }
    let sums = sums::read(path)?;
    sums.check_invalid(opts.skip_invalid)
        .map_err(|e| anyhow!("{shown}: {e}"))?;
    let s = &sums.spec;
    let input = InputDesc {
        paths: vec![path.clone()],
        format: "sql_sums".into(),
        files: vec![path.display().to_string()],
        mode: s.mode,
        score_kind: s.score_kind,
        label_column: s.label_column.clone(),
        score_columns: s.score_columns.clone(),
        detected: Vec::new(),
        by: None,
        targets: None,
    };
    let (spec, extra) = plan(&input, &s.classes)?;
    let partial = sums
        .to_partial(&spec)
        .map_err(|e| anyhow!("{shown}: {e}"))?;
    if partial.rows_used == 0 {
        bail!(
            "{shown}: the sums table counts no usable row ({} read, {} ignored, {} skipped); nothing left to report",
            partial.rows_read,
            partial.rows_ignored,
            partial.rows_skipped()
        );
    }
    let loaded = Loaded {
        input,
        classes: s.classes.clone(),
        spec,
        partial,
    };
    Ok((loaded, extra))
}
