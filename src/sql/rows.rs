//! The row layers of the query: the columns read, each row's label code and
//! its status (counted, ignored, or skipped for a reason), as the readers
//! decide them under `--skip-invalid`.

use super::dialect::Dialect;
use super::lists;
use super::Target;
use crate::model::{Mode, ScoreKind, SkipReason};

/// A row's status code for a skip reason: its position in [`SkipReason::ALL`] + 1.
pub(crate) fn reason_code(r: SkipReason) -> i64 {
    SkipReason::ALL.iter().position(|&x| x == r).unwrap_or(0) as i64 + 1
}

/// The status of a counted row, and of a row with the ignore index.
pub(crate) const COUNTED: i64 = 0;
/// See [`COUNTED`].
pub(crate) const IGNORED: i64 = -2;

/// How labels are compared.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Labels {
    /// Numbers: classes are the integers their names spell.
    Number,
    /// Text: class names (and the class indices, the ignore index and the
    /// background value spelled as integers).
    Text,
}

fn labels_of(t: &Target) -> Labels {
    let numeric = t.classes.iter().all(|n| n.parse::<i64>().is_ok());
    if numeric && t.positive.is_none() {
        Labels::Number
    } else {
        Labels::Text
    }
}

/// `SELECT` of the label and score columns from the user's table.
pub(crate) fn source(d: Dialect, t: &Target) -> String {
    let mut cols = vec![format!("{} AS lab", d.ident(&t.label))];
    for (k, s) in t.scores.iter().enumerate() {
        let x = match &t.list {
            Some(l) => lists::element(d, &d.ident(l), k),
            None => d.ident(s),
        };
        cols.push(format!("CAST({x} AS {}) AS s{k}", d.double_type()));
    }
    if let Some(l) = &t.list {
        cols.push(format!("{} AS slen", lists::length(d, &d.ident(l))));
    }
    format!(
        "SELECT {}{} FROM {} AS flcli_t",
        cols.join(", "),
        super::by::source_col(d, t),
        t.table
    )
}

/// The label code: class index, -1 background (sigmoid), -2 ignored, NULL unknown.
pub(crate) fn code(d: Dialect, t: &Target) -> String {
    let sigmoid = t.mode == Mode::Sigmoid;
    let mut w = Vec::new();
    match labels_of(t) {
        Labels::Number => {
            w.push(format!("WHEN lab = {} THEN -2", t.ignore_index));
            if sigmoid {
                w.push(format!("WHEN lab = {} THEN -1", t.background));
            }
            let numbered = t
                .classes
                .iter()
                .enumerate()
                .all(|(i, n)| *n == i.to_string());
            if numbered {
                // Integral values in 0..K-1, as integers or as floats such as 1.0.
                w.push(format!(
                    "WHEN lab >= 0 AND lab <= {} AND lab = FLOOR(lab) THEN {}",
                    t.classes.len() - 1,
                    d.as_int("lab")
                ));
            } else {
                for (i, n) in t.classes.iter().enumerate() {
                    w.push(format!("WHEN lab = {n} THEN {i}"));
                }
            }
        }
        Labels::Text => {
            let txt = format!("TRIM(CAST(lab AS {}))", d.string_type());
            if let Some(p) = &t.positive {
                w.push(format!("WHEN {txt} = {} THEN 1", d.string(p.trim())));
                w.push(format!(
                    "WHEN {txt} = {} THEN -2",
                    d.string(&t.ignore_index.to_string())
                ));
                w.push("ELSE 0".into());
            } else {
                for (i, n) in t.classes.iter().enumerate() {
                    w.push(format!("WHEN {txt} = {} THEN {i}", d.string(n)));
                }
                w.push(format!(
                    "WHEN {txt} = {} THEN -2",
                    d.string(&t.ignore_index.to_string())
                ));
                if sigmoid {
                    w.push(format!(
                        "WHEN {txt} = {} THEN -1",
                        d.string(&t.background.to_string())
                    ));
                }
                // Named classes also take their index as the label.
                if t.classes.iter().all(|n| n.parse::<f64>().is_err()) {
                    for i in 0..t.classes.len() {
                        w.push(format!("WHEN {txt} = '{i}' THEN {i}"));
                    }
                }
            }
        }
    }
    format!("CASE {} END", w.join(" "))
}

/// The row status: [`COUNTED`], [`IGNORED`], or a [`reason_code`], checked in
/// the readers' order (label, null scores, then each score column in turn,
/// then the softmax row sum).
pub(crate) fn status(d: Dialect, t: &Target) -> String {
    let r = reason_code;
    let k = t.scores.len();
    let mut w = vec![format!("WHEN lab IS NULL THEN {}", r(SkipReason::Null))];
    if t.multilabel {
        // The code of the list's first invalid class id (0: none).
        w.push("WHEN code <> 0 THEN code".into());
    } else {
        w.push(format!(
            "WHEN code IS NULL THEN {}",
            r(SkipReason::UnknownLabel)
        ));
    }
    if t.list.is_some() {
        // A NULL list, then one of another length than the classes, as the readers check them.
        w.push(format!("WHEN slen IS NULL THEN {}", r(SkipReason::Null)));
        w.push(format!("WHEN slen <> {k} THEN {}", r(SkipReason::BadShape)));
    }
    let nulls: Vec<String> = (0..k).map(|i| format!("s{i} IS NULL")).collect();
    w.push(format!(
        "WHEN {} THEN {}",
        nulls.join(" OR "),
        r(SkipReason::Null)
    ));
    if !t.multilabel {
        w.push(format!("WHEN code = -2 THEN {IGNORED}"));
    }
    for i in 0..k {
        let s = format!("s{i}");
        w.push(format!("WHEN {} THEN {}", d.is_nan(&s), r(SkipReason::Nan)));
        let bad = match t.kind {
            ScoreKind::Probabilities => format!("{s} < 0 OR {s} > 1"),
            ScoreKind::Logits => format!("ABS({s}) > {}", d.float(f64::MAX)),
        };
        w.push(format!("WHEN {bad} THEN {}", r(SkipReason::OutOfRange)));
    }
    if t.kind == ScoreKind::Probabilities && t.mode == Mode::Softmax {
        let sum = (1..k).fold("s0".to_string(), |a, i| format!("({a} + s{i})"));
        w.push(format!(
            "WHEN ABS({sum} - {}) > {} THEN {}",
            d.float(1.0),
            d.float(crate::input::decode::ROW_SUM_TOLERANCE),
            r(SkipReason::BadRowSum)
        ));
    }
    format!("CASE {} ELSE {COUNTED} END", w.join(" "))
}

/// The row key of the `row` section: the class of a counted row (-1 for
/// background), -2 for an ignored row, -10 - reason for a skipped one.
pub(crate) fn row_key() -> String {
    format!("CASE WHEN st = {COUNTED} THEN code WHEN st = {IGNORED} THEN -2 ELSE -10 - st END")
}

/// The argmax of the scores, the first on ties (numpy, torch), given their maximum `m`.
pub(crate) fn argmax(k: usize, v: impl Fn(usize) -> String, m: &str) -> String {
    let w: Vec<String> = (0..k)
        .map(|i| format!("WHEN {} = {m} THEN {i}", v(i)))
        .collect();
    format!("CASE {} END", w.join(" "))
}
