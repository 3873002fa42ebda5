//! The `--by` side of the query: the group key read with the other columns,
//! carried by every step (`SELECT *`), and added to each grouping set, so the
//! sums table holds the sums of each value of the column apart.
//!
//! The key is the engine's text of the value (`CAST(col AS string)`), which
//! for strings and integers is what a direct run groups by. A NULL key stays
//! NULL in the grouping (the key is in every grouping set, so a NULL there is
//! the value's, never a rolled-up one) and the sums table says so in its own
//! `by_null` column, which survives a CSV export where NULL and '' look alike.

use super::dialect::Dialect;
use super::Target;

/// The name of the group key in the query's steps.
const KEY: &str = "gk";

/// The group key column of the first step (`, CAST(col AS string) AS gk`), or
/// nothing without `--by`.
pub(crate) fn source_col(d: Dialect, t: &Target) -> String {
    match &t.by {
        Some(col) => format!(", CAST({} AS {}) AS {KEY}", d.ident(col), d.string_type()),
        None => String::new(),
    }
}

/// The grouping sets over the section keys, each with the group key.
pub(crate) fn grouping_sets(t: &Target, section_keys: &[&str]) -> String {
    let sets: Vec<String> = section_keys
        .iter()
        .map(|k| match t.by {
            Some(_) => format!("({KEY}, {k})"),
            None => format!("({k})"),
        })
        .collect();
    format!("GROUPING SETS ({})", sets.join(", "))
}

/// The group key among the grouped columns (`gk, `), or nothing.
pub(crate) fn grouped(t: &Target) -> &'static str {
    match t.by {
        Some(_) => "gk, ",
        None => "",
    }
}

/// The sums table's group columns (`by_key`, `by_null`) after `idx`, or nothing.
pub(crate) fn out_cols(t: &Target) -> String {
    match t.by {
        Some(_) => {
            format!("  {KEY} AS by_key,\n  CASE WHEN {KEY} IS NULL THEN 1 ELSE 0 END AS by_null,\n")
        }
        None => String::new(),
    }
}

/// The ORDER BY of the sums table: one group's rows together, NULL key first
/// in every engine (by `by_null`, not the engines' differing NULL order).
pub(crate) fn order(t: &Target) -> &'static str {
    match t.by {
        Some(_) => "by_null DESC, by_key, section, idx",
        None => "section, idx",
    }
}
