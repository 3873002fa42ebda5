//! `flcli sql`: one SQL query that computes, inside any SQL engine, exactly
//! the sums of an engine pass ([`crate::engine::Partial`]), and the reader
//! that turns the query's result (a "sums table") back into a Partial.
//!
//! The query is a chain of `SELECT *, … FROM previous` layers: the columns
//! read, each row's label code and status, the element math, the keys and
//! the terms; then one `GROUP BY GROUPING SETS` over cell, tail bin,
//! calibration bin and row status. Every bin is an explicit comparison with
//! the engine's own edges, and every term is written with the engine's
//! operations in the engine's order, so only `LN`, `EXP` (within an ulp of
//! the engine's) and the order of the sums differ.

mod by;
pub(crate) mod dialect;
mod elem;
mod keys;
mod lists;
mod multi;
pub(crate) mod rows;
pub(crate) mod spec;
pub mod sums;
mod sums_file;
mod sums_groups;
mod sums_multi;

use crate::engine::plan::Plan;
use crate::engine::EngineSpec;
use crate::model::{Mode, ScoreKind};
pub(crate) use dialect::Dialect;
pub(crate) use spec::{SumsSpec, TermSpec, SUMS_VERSION};

/// What the query reads: the table and its columns, and how labels map to classes.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    /// The table expression after `FROM` (a name, a table function, or a subquery).
    pub(crate) table: String,
    /// Binary, softmax or sigmoid.
    pub(crate) mode: Mode,
    /// Probabilities or logits.
    pub(crate) kind: ScoreKind,
    /// The label column.
    pub(crate) label: String,
    /// The score columns, in class order (with `list`: its elements, for their count).
    pub(crate) scores: Vec<String>,
    /// The list column that holds every class's score, if the scores are in one.
    pub(crate) list: Option<String>,
    /// Class names in class order.
    pub(crate) classes: Vec<String>,
    /// The positive label value (binary, string labels).
    pub(crate) positive: Option<String>,
    /// The background label (sigmoid).
    pub(crate) background: i64,
    /// The ignore index.
    pub(crate) ignore_index: i64,
    /// The `--by` column, whose values get their own sums.
    pub(crate) by: Option<String>,
    /// Multi-label targets: the label column holds a list of positive class ids.
    pub(crate) multilabel: bool,
}

/// One `SELECT` layer of the query.
#[derive(Clone, Debug)]
pub(crate) struct Layer {
    /// A FROM item joined to the previous layer (one row per class index).
    join: Option<String>,
    /// New columns: expression and name.
    cols: Vec<(String, String)>,
}

impl Layer {
    fn cols(v: Vec<(String, &str)>) -> Layer {
        Layer::owned(v.into_iter().map(|(e, n)| (e, n.to_string())).collect())
    }

    fn owned(cols: Vec<(String, String)>) -> Layer {
        Layer { join: None, cols }
    }

    fn join(item: String, v: Vec<(String, &str)>) -> Layer {
        let mut l = Layer::cols(v);
        l.join = Some(item);
        l
    }
}

/// The values summed per group, in the order of the sums table's columns.
fn sums(spec: &EngineSpec) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = [
        ("COUNT(*)", "n"),
        ("SUM(pt)", "pt_sum"),
        ("SUM(ce)", "ce_sum"),
        ("SUM(conf)", "conf_sum"),
        ("SUM(ok)", "ok_sum"),
        ("SUM(topn)", "top_sum"),
        ("SUM(brier)", "brier_sum"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    for j in 0..spec.terms.len() {
        v.push((format!("SUM(loss{j})"), format!("loss{j}")));
        v.push((format!("SUM(grad{j})"), format!("grad{j}")));
    }
    if spec.moments {
        for j in 0..spec.terms.len() {
            v.push((format!("SUM(loss{j} * loss{j})"), format!("loss_sq{j}")));
            v.push((format!("SUM(grad{j} * grad{j})"), format!("grad_sq{j}")));
        }
    }
    v
}

/// The query for `d` that computes the sums of `spec` over `t`, with `spec_json`
/// in its constant `flcli_spec` column.
pub(crate) fn query(d: Dialect, t: &Target, spec: &EngineSpec, spec_json: &str) -> String {
    let need_lnq = spec
        .terms
        .iter()
        .any(|&x| matches!(Plan::of(x), Plan::General(_)));
    let code = match t.multilabel {
        true => multi::code(d, t),
        false => rows::code(d, t),
    };
    let mut layers = vec![
        Layer::cols(vec![(code, "code")]),
        Layer::cols(vec![(rows::status(d, t), "st")]),
    ];
    if t.multilabel {
        layers.push(multi::positives(d, t));
    }
    // The step whose rows are the table's, with their status (and positives).
    let row_step = format!("flcli_l{}", layers.len());
    match t.mode {
        Mode::Softmax => layers.extend(elem::softmax(d, t, spec, need_lnq)),
        _ => layers.extend(elem::binary(d, t, spec, need_lnq)),
    }
    layers.extend(keys::keys(d, spec));
    layers.push(keys::terms(d, spec));
    let mut ctes = vec![format!("flcli_l0 AS (\n  {}\n)", rows::source(d, t))];
    for (i, l) in layers.iter().enumerate() {
        let cols: Vec<String> = l
            .cols
            .iter()
            .map(|(e, n)| format!("    {e} AS {n}"))
            .collect();
        let from = match &l.join {
            Some(item) => format!("flcli_l{i} AS flcli_p CROSS JOIN {item}"),
            None => format!("flcli_l{i}"),
        };
        // The joined index column is `j` (see `Dialect::indices`).
        let star = if l.join.is_some() {
            "flcli_p.*, j"
        } else {
            "*"
        };
        ctes.push(format!(
            "flcli_l{} AS (\n  SELECT {star},\n{}\n  FROM {from}{}\n)",
            i + 1,
            cols.join(",\n"),
            d.step_fence()
        ));
    }
    let last = format!("flcli_l{}", layers.len());
    let aggs: Vec<String> = sums(spec)
        .iter()
        .map(|(e, n)| format!("    {e} AS {n}"))
        .collect();
    // The key of each grouping set and the section its rows make.
    let mut sections = vec![
        ("ck", "cell"),
        ("tk", "tail"),
        ("kk", "calib"),
        ("rk", "row"),
    ];
    if t.multilabel {
        sections.push(("mk", "pos"));
        ctes.extend(multi::pair_ctes(d, t, &row_step));
    }
    let grouped: Vec<&str> = sections.iter().map(|s| s.0).collect();
    let (pk, pairs) = match t.multilabel {
        true => (
            format!(" {} AS pk,", d.as_int("NULL")),
            format!("\n{}", multi::pair_branch(t, grouped.len(), aggs.len() - 1)),
        ),
        false => (String::new(), String::new()),
    };
    ctes.push(format!(
        "flcli_sums AS (\n  SELECT {}{},{pk}\n{}\n  FROM {last}\n  GROUP BY {}{pairs}\n)",
        by::grouped(t),
        grouped.join(", "),
        aggs.join(",\n"),
        by::grouping_sets(t, &grouped)
    ));
    if t.multilabel {
        sections.push(("pk", "pair"));
    }
    let keys: Vec<&str> = sections.iter().map(|s| s.0).collect();
    let (whens, last_section) = sections.split_at(sections.len() - 1);
    let whens: Vec<String> = whens
        .iter()
        .map(|(k, s)| format!("WHEN {k} IS NOT NULL THEN '{s}' "))
        .collect();
    let present: Vec<String> = keys.iter().map(|k| format!("{k} IS NOT NULL")).collect();
    let out: Vec<String> = sums(spec).into_iter().map(|(_, n)| n).collect();
    format!(
        "WITH\n{}\nSELECT\n  {} AS flcli_spec,\n  CASE {}ELSE '{}' END AS section,\n  {} AS idx,\n{}  {}\nFROM flcli_sums\nWHERE {}\nORDER BY {}\n",
        ctes.join(",\n"),
        d.string(spec_json),
        whens.concat(),
        last_section[0].1,
        d.as_int(&format!("COALESCE({})", keys.join(", "))),
        by::out_cols(t),
        out.join(",\n  "),
        present.join(" OR "),
        by::order(t)
    )
}

#[cfg(test)]
mod engines_check;
#[cfg(test)]
mod engines_tests;
