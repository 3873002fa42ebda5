//! The sums-table arm of [`super::load`]: a table saved from the query of
//! `flcli sql`, read into the engine's sums.

use super::load::{InputDesc, Loaded};
use crate::engine::EngineSpec;
use crate::input::InputOptions;
use crate::sql::sums;
use anyhow::{anyhow, bail, Result};
use std::path::PathBuf;

/// Whether `paths` is one sums table (an error if a sums table comes with other files).
pub(crate) fn is_sums_input(paths: &[PathBuf]) -> Result<bool> {
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
pub(crate) fn load_sums<T>(
    opts: &InputOptions,
    plan: impl FnOnce(&InputDesc, &[String]) -> Result<(EngineSpec, T)>,
) -> Result<(Loaded, T)> {
    let path = &opts.paths[0];
    let shown = crate::text::escape(&path.display().to_string());
    refuse_reading_flags(opts, &shown)?;
    let sums = sums::read(path)?;
    check_by(opts, &sums.spec, &shown)?;
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
        by: opts.by.clone(),
        targets: s.multilabel.then(|| vec![s.label_column.clone()]),
    };
    let (mut spec, extra) = plan(&input, &s.classes)?;
    // A table from an older query has no squared sums: it reads as a partial
    // without second moments, and recommend says its share intervals are unavailable.
    spec.moments &= s.moments;
    let mut partial = sums
        .to_partial(&spec)
        .map_err(|e| anyhow!("{shown}: {e}"))?;
    if opts.by.is_none() {
        // As with partial results: the groups are reported when asked for.
        partial.groups = None;
    } else if partial.groups.as_ref().map_or(0, |g| g.len()) > opts.max_groups {
        return Err(crate::input::decode::too_many_groups(
            &shown,
            opts.by.as_deref().unwrap_or_default(),
            opts.max_groups,
        ));
    }
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

/// Refuses the flags that say how to read data files: the query fixed how the
/// rows were read, and a flag given here would silently do nothing.
fn refuse_reading_flags(opts: &InputOptions, shown: &str) -> Result<()> {
    let extra = [
        ("--labels-npy", opts.labels_npy.is_some()),
        ("--channels-last", opts.channels_last),
        ("--class-names", opts.class_names.is_some()),
    ];
    if let Some(flag) = super::load_checks::reading_flag(opts, &extra) {
        bail!("{flag} applies to reading data files; {shown} is a sums table, whose query fixed how the rows were read (give the flag to flcli sql)");
    }
    Ok(())
}

/// `--by` on a sums table names the column its query summed by.
fn check_by(opts: &InputOptions, spec: &crate::sql::SumsSpec, shown: &str) -> Result<()> {
    let Some(asked) = &opts.by else {
        return Ok(());
    };
    let q = crate::text::quoted;
    match &spec.by {
        Some(held) if held == asked => Ok(()),
        Some(held) => bail!(
            "--by {a}: {shown} is a sums table broken down by {h}; pass --by {h}, or run the query of `flcli sql --by {a}`",
            a = q(asked),
            h = q(held)
        ),
        None => bail!(
            "--by {a}: {shown} is a sums table that is not broken down by any column; run the query of `flcli sql --by {a}` to break the report down by it",
            a = q(asked)
        ),
    }
}
