//! The `--by` groups of a sums table: each row's group key (`by_key`,
//! `by_null`), and the per-group partials laid out as a direct `--by` run
//! lays them out (the whole as the groups merged, the groups in the report's
//! order, each group's skipped rows counted in it and their reasons in the whole).

use super::spec::SumsSpec;
use super::sums::{Sums, SumsRow};
use crate::engine::{EngineSpec, Partial};
use anyhow::{anyhow, bail, Result};

/// The columns of `by_key` and `by_null` (with `--by`), found by `col`.
pub(super) fn key_columns(
    spec: &SumsSpec,
    col: &dyn Fn(&str) -> Result<usize>,
) -> Result<Option<(usize, usize)>> {
    match spec.by {
        Some(_) => Ok(Some((col("by_key")?, col("by_null")?))),
        None => Ok(None),
    }
}

/// The group key of row `i` (`None`: NULL). `by_null` decides, so that a CSV
/// export, where NULL and '' are both an empty field, keeps them apart.
pub(super) fn key_of(
    cols: Option<(usize, usize)>,
    row: &[Option<String>],
    i: usize,
) -> Result<Option<String>> {
    let Some((key, null)) = cols else {
        return Ok(None);
    };
    let cell = |k: usize| row.get(k).cloned().flatten();
    match cell(null).as_deref().map(str::trim) {
        Some("1") | Some("1.0") | Some("true") => Ok(None),
        Some("0") | Some("0.0") | Some("false") => Ok(Some(cell(key).unwrap_or_default())),
        other => bail!(
            "row {i} (0-based), column \"by_null\": {} is not 0 or 1",
            crate::text::quoted(other.unwrap_or(""))
        ),
    }
}

/// The whole and its `--by` groups from the rows of `s`, whose terms are `map`.
pub(super) fn grouped(s: &Sums, spec: &EngineSpec, map: &[usize]) -> Result<Partial> {
    let mut whole = Partial::new(spec);
    let mut groups = crate::engine::accum::Groups::default();
    // Groups in the order the table first shows them; a NULL key is the null group.
    let mut rows: Vec<Vec<&SumsRow>> = Vec::new();
    for r in &s.rows {
        let i = groups.slot(r.key.as_deref(), spec);
        if rows.len() <= i {
            rows.resize_with(i + 1, Vec::new);
        }
        rows[i].push(r);
    }
    let keys = groups.keys().to_vec();
    for (part, (key, rows)) in groups.parts.iter_mut().zip(keys.iter().zip(rows)) {
        s.add_rows(part, rows.into_iter(), spec, map).map_err(|e| {
            let key = crate::text::escape(&crate::text::group_key(key.as_deref()));
            anyhow!("--by group {key}: {e}")
        })?;
        // A direct run counts a group's skipped rows in the group and their
        // reasons in the whole alone.
        for (w, g) in whole
            .skipped
            .by_reason
            .iter_mut()
            .zip(&mut part.skipped.by_reason)
        {
            w.0 += g.0;
            part.group_skipped += g.0;
            g.0 = 0;
        }
        whole.rows_read += part.rows_read;
    }
    whole.groups = Some(Box::new(groups));
    whole.fold_groups(spec);
    // The merge left the sums in exact form: round them into the fields read.
    whole.round();
    Ok(whole)
}
