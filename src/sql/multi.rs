//! Multi-label targets in the query: the label column holds a list of
//! positive class ids, and every (row, class) pair is a sigmoid element whose
//! target is 1 where the list holds the class. Besides the sums of sigmoid
//! mode, the query counts per class its positives and the positives scored on
//! the right side (the `pos` section), the rows with no, one or several
//! positives (`row`), and the rows holding each pair of classes (`pair`, a
//! second grouping over the positives joined with the higher class indices).

use super::dialect::Dialect;
use super::lists::{first_bad, member};
use super::rows::{reason_code, COUNTED};
use super::{Layer, Target};
use crate::model::{ScoreKind, SkipReason};

/// The row key of a counted row with exactly one positive class.
pub(crate) const ROW_ONE: i64 = -3;
/// The row key of a counted row with several positive classes.
pub(crate) const ROW_SEVERAL: i64 = -4;
/// The row key of a counted row with no positive class: background, as in
/// single-label sigmoid mode.
pub(crate) const ROW_NONE: i64 = -1;

/// The label code of a multi-label row: the reason code of the list's first
/// invalid class id, 0 when every id is valid (a NULL list is the status's).
pub(crate) fn code(d: Dialect, t: &Target) -> String {
    first_bad(
        d,
        "lab",
        t.scores.len(),
        reason_code(SkipReason::Null),
        reason_code(SkipReason::UnknownLabel),
    )
}

/// The row key of the `row` section for a multi-label row: by its number of
/// positives `np` when counted, `-10 - reason` when skipped.
fn row_key() -> String {
    format!(
        "CASE WHEN st = {COUNTED} THEN CASE WHEN np = 0 THEN {ROW_NONE} WHEN np = 1 THEN {ROW_ONE} ELSE {ROW_SEVERAL} END ELSE -10 - st END"
    )
}

/// The positives of a counted row, `np`: a layer of its own, which the pair
/// count reads too.
pub(crate) fn positives(d: Dialect, t: &Target) -> Layer {
    let k = t.scores.len();
    let sum: Vec<String> = (0..k)
        .map(|i| {
            format!(
                "CASE WHEN {} THEN 1 ELSE 0 END",
                member(d, "lab", &i.to_string())
            )
        })
        .collect();
    Layer::cols(vec![(
        format!("CASE WHEN st = {COUNTED} THEN {} END", sum.join(" + ")),
        "np",
    )])
}

/// The layers from a row with `np` to its elements, one per class `j`, with
/// the columns of the sigmoid path (`x`, `c`, `rk`, `grp`, `istop`) and the
/// class of a positive element, `mk`. `istop` is a positive whose score says
/// so (p ≥ 0.5, a logit ≥ 0), the count the report calls correct.
pub(crate) fn elements(d: Dialect, t: &Target) -> Vec<Layer> {
    let k = t.scores.len();
    let counted = format!("st = {COUNTED}");
    let x: Vec<String> = (0..k).map(|i| format!("WHEN {i} THEN s{i}")).collect();
    let cut = match t.kind {
        ScoreKind::Probabilities => d.float(0.5),
        ScoreKind::Logits => d.float(0.0),
    };
    vec![
        Layer::join(
            d.indices(k, "j"),
            vec![
                (
                    format!("CASE WHEN {counted} THEN CASE j {} END END", x.join(" ")),
                    "x",
                ),
                (
                    format!("CASE WHEN {} THEN 1 ELSE 0 END", member(d, "lab", "j")),
                    "c",
                ),
                (format!("CASE WHEN j = 0 THEN {} END", row_key()), "rk"),
            ],
        ),
        Layer::cols(vec![
            ("2 * j + c".into(), "grp"),
            (format!("CASE WHEN {counted} AND c = 1 THEN j END"), "mk"),
            (
                format!("CASE WHEN c = 1 AND x >= {cut} THEN 1 ELSE 0 END"),
                "istop",
            ),
        ]),
    ]
}

/// The CTEs that list, per row with several positives, each pair `(a, b)`,
/// `a < b`, of its classes as `pk = a × K + b`, reading `rows` (the step with `np`).
pub(crate) fn pair_ctes(d: Dialect, t: &Target, rows: &str) -> Vec<String> {
    let k = t.scores.len();
    let gk = super::by::grouped(t);
    vec![
        format!(
            "flcli_pa AS (\n  SELECT {gk}lab, j\n  FROM {rows} AS flcli_p CROSS JOIN {}\n  WHERE st = {COUNTED} AND np > 1 AND {}\n)",
            d.indices(k, "j"),
            member(d, "lab", "j")
        ),
        format!(
            "flcli_pairs AS (\n  SELECT {gk}j * {k} + j2 AS pk\n  FROM flcli_pa AS flcli_p CROSS JOIN {}\n  WHERE j2 > j AND {}\n)",
            d.indices(k, "j2"),
            member(d, "lab", "j2")
        ),
    ]
}

/// The branch of the grouped sums that counts the pairs: the other keys and
/// sums NULL, `n` the rows holding the pair. `sums` is the number of summed
/// columns after `n`.
pub(crate) fn pair_branch(t: &Target, keys: usize, sums: usize) -> String {
    let gk = super::by::grouped(t);
    let nulls = |n: usize| vec!["NULL"; n].join(", ");
    format!(
        "  UNION ALL\n  SELECT {gk}{}, pk, COUNT(*), {}\n  FROM flcli_pairs\n  GROUP BY {gk}pk",
        nulls(keys),
        nulls(sums)
    )
}
