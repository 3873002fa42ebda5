//! Column detection: which column is the label, which hold scores, which mode.

pub(crate) use super::detect_names::glob_match;
use super::detect_names::{
    columns_found, find_ci, group_classes, kind_of_prefix, require, score_groups, suggest,
    LABEL_NAMES, LIST_LOGIT_NAMES, LIST_PROB_NAMES, LOGIT_NAMES, PROB_NAMES, WEAK_PROB_NAMES,
};
pub(crate) use super::targets::Targets;
use crate::model::{Mode, ScoreKind};
use crate::text::quoted;
use anyhow::{bail, Result};

/// The coarse type of a column, as far as detection cares.
#[derive(Clone, Debug, PartialEq)]
pub enum ColType {
    /// CSV: every column is text until parsed.
    Unknown,
    /// A numeric, boolean or string scalar column.
    Scalar,
    /// A list column (list, large_list, fixed_size_list) with a fixed size if known.
    List(Option<usize>),
    /// NumPy: K 0/1 multi-label targets per element (an integer array of the scores' shape).
    MultiHot(usize),
    /// CSV: the first data row holds a list written as text (`"[0.1 0.9]"`, as
    /// pandas writes an array cell), which CSV cannot carry as a list.
    TextList {
        /// The line of that first data row.
        line: u64,
        /// The cell as it is in the file.
        cell: String,
    },
}

/// A column as seen in a file's header or schema.
#[derive(Clone, Debug)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// Coarse type.
    pub ty: ColType,
}

/// Where the scores are.
#[derive(Clone, Debug, PartialEq)]
pub enum Scores {
    /// One column per class (binary: one column).
    Columns(Vec<String>),
    /// One list-typed column holding K scores per row.
    List(String),
}

impl Scores {
    /// The score columns in words, for messages.
    pub(crate) fn describe(&self) -> String {
        let q = |c: &String| crate::text::quoted(c);
        match self {
            Scores::Columns(c) if c.len() == 1 => format!("the column {}", q(&c[0])),
            Scores::Columns(c) => {
                format!(
                    "the columns {}",
                    c.iter().map(q).collect::<Vec<_>>().join(", ")
                )
            }
            Scores::List(c) => format!("the list column {}", q(c)),
        }
    }
}

/// The user's column choices; `None` means "detect".
#[derive(Clone, Debug, Default)]
pub struct ColumnFlags {
    /// `--label`.
    pub label: Option<String>,
    /// `--prob`/`--probs`/`--logit`/`--logits`: kind and column selector.
    pub scores: Option<(ScoreKind, Selector)>,
    /// `--mode`.
    pub mode: Option<Mode>,
    /// `--targets`: multi-label 0/1 target columns (a comma list or a glob).
    pub targets: Option<String>,
}

/// A score column selector from the command line.
#[derive(Clone, Debug, PartialEq)]
pub enum Selector {
    /// `--prob COL` / `--logit COL`: one binary score column.
    One(String),
    /// `--probs COLS` / `--logits COLS`: a comma list, a glob, or one list column.
    Many(String),
}

/// The result of detection.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Binary, softmax or sigmoid.
    pub mode: Mode,
    /// Probabilities or logits.
    pub(crate) kind: ScoreKind,
    /// Label column name.
    pub label: String,
    /// Score columns.
    pub scores: Scores,
    /// Class names in class order; `None` when a list column's width is not known yet.
    pub(crate) classes: Option<Vec<String>>,
    /// What was detected rather than given, for the stderr note.
    pub(crate) detected: Vec<String>,
    /// Multi-label targets (sigmoid mode), if the label is not one class per row.
    pub(crate) targets: Option<Targets>,
}

/// Picks label (or multi-label targets), scores and mode from the columns and the user's flags.
pub fn detect(cols: &[Column], flags: &ColumnFlags) -> Result<Layout> {
    super::detect_names::refuse_text_lists(cols, flags)?;
    match &flags.targets {
        Some(sel) => super::targets::target_columns(cols, flags, sel, detect_one),
        None => super::targets::list_label(cols, flags, detect_one(cols, flags)?),
    }
}

/// Detection with one label column.
fn detect_one(cols: &[Column], flags: &ColumnFlags) -> Result<Layout> {
    let mut detected = Vec::new();
    let label = match &flags.label {
        Some(l) => {
            if !cols.iter().any(|c| &c.name == l) {
                bail!(
                    "no label column {}; {}; pass --label with one of them",
                    quoted(l),
                    columns_found(cols)
                );
            }
            l.clone()
        }
        None => match find_ci(cols, LABEL_NAMES).first() {
            Some(c) => {
                // `label` and `Label`: no rule says which one is meant.
                let twins: Vec<String> = cols
                    .iter()
                    .filter(|d| d.name.eq_ignore_ascii_case(&c.name))
                    .map(|d| quoted(&d.name))
                    .collect();
                if twins.len() > 1 {
                    bail!(
                        "columns {} could each be the label column (their names differ only in case); pass --label with the one to use",
                        twins.join(" and ")
                    );
                }
                detected.push(format!("label column {}", quoted(&c.name)));
                c.name.clone()
            }
            None => bail!(
                "found no label column (looked for {}); {}; pass --label COLUMN",
                LABEL_NAMES.join(", "),
                columns_found(cols)
            ),
        },
    };
    let (kind, scores, classes, default_mode) = match &flags.scores {
        Some((kind, Selector::One(col))) => {
            require(cols, col)?;
            (
                *kind,
                Scores::Columns(vec![col.clone()]),
                None,
                Mode::Binary,
            )
        }
        Some((kind, Selector::Many(sel))) => {
            let (scores, classes) = select_many(cols, sel, &label)?;
            (*kind, scores, classes, Mode::Softmax)
        }
        None => {
            let found = auto_scores(cols, &label, flags.mode)?;
            detected.push(found.4);
            (found.0, found.1, found.2, found.3)
        }
    };
    let mode = match flags.mode {
        Some(m) => m,
        None => {
            detected.push(format!("mode {}", default_mode.as_str()));
            default_mode
        }
    };
    let n_scores = match &scores {
        Scores::Columns(c) => Some(c.len()),
        Scores::List(_) => None,
    };
    if mode == Mode::Binary && n_scores != Some(1) {
        bail!("binary mode needs exactly one score column, got {}; pass --prob COL or --logit COL, or --mode softmax|sigmoid", scores.describe());
    }
    if mode != Mode::Binary && n_scores == Some(1) {
        bail!("{} mode needs one score column per class (or one list column), got only {}; pass --probs COLS or --logits COLS", mode.as_str(), scores.describe());
    }
    let classes = if mode == Mode::Binary {
        Some(vec!["0".to_string(), "1".to_string()])
    } else {
        classes
    };
    Ok(Layout {
        mode,
        kind,
        label,
        scores,
        classes,
        detected,
        targets: None,
    })
}

/// `--probs`/`--logits`: a list column, a comma list, or a glob.
fn select_many(cols: &[Column], sel: &str, label: &str) -> Result<(Scores, Option<Vec<String>>)> {
    if let Some(c) = cols.iter().find(|c| c.name == sel) {
        if let ColType::List(n) = c.ty {
            return Ok((Scores::List(sel.to_string()), n.map(numbered)));
        }
    }
    let names: Vec<String> = if sel.contains(',') {
        let v: Vec<String> = sel.split(',').map(|s| s.trim().to_string()).collect();
        for n in &v {
            require(cols, n)?;
        }
        v
    } else if sel.contains(['*', '?']) {
        cols.iter()
            .filter(|c| c.name != label && glob_match(sel, &c.name))
            .map(|c| c.name.clone())
            .collect()
    } else {
        require(cols, sel)?;
        vec![sel.to_string()]
    };
    if names.is_empty() {
        bail!(
            "the pattern {} matches no column; {}",
            quoted(sel),
            columns_found(cols)
        );
    }
    let (classes, ordered) = group_classes(&names);
    Ok((Scores::Columns(ordered), Some(classes)))
}

fn numbered(n: usize) -> Vec<String> {
    (0..n).map(|i| i.to_string()).collect()
}

type Found = (ScoreKind, Scores, Option<Vec<String>>, Mode, String);

fn auto_scores(cols: &[Column], label: &str, mode: Option<Mode>) -> Result<Found> {
    let binary: Vec<(&Column, ScoreKind)> = find_ci(cols, LOGIT_NAMES)
        .into_iter()
        .map(|c| (c, ScoreKind::Logits))
        .chain(
            find_ci(cols, PROB_NAMES)
                .into_iter()
                .map(|c| (c, ScoreKind::Probabilities)),
        )
        .filter(|(c, _)| c.name != label)
        .collect();
    // A column known to hold one value per row under a list name (a (N,)
    // `logits` array of a .npz) is a binary score.
    let binary = if binary.is_empty() {
        find_ci(cols, LIST_LOGIT_NAMES)
            .into_iter()
            .map(|c| (c, ScoreKind::Logits))
            .chain(
                find_ci(cols, LIST_PROB_NAMES)
                    .into_iter()
                    .map(|c| (c, ScoreKind::Probabilities)),
            )
            .filter(|(c, _)| c.name != label && c.ty == ColType::Scalar)
            .collect()
    } else {
        binary
    };
    let binary = if binary.is_empty() {
        find_ci(cols, WEAK_PROB_NAMES)
            .into_iter()
            .filter(|c| c.name != label)
            .map(|c| (c, ScoreKind::Probabilities))
            .collect()
    } else {
        binary
    };
    let lists: Vec<(&Column, ScoreKind)> = find_ci(cols, LIST_LOGIT_NAMES)
        .into_iter()
        .map(|c| (c, ScoreKind::Logits))
        .chain(
            find_ci(cols, LIST_PROB_NAMES)
                .into_iter()
                .map(|c| (c, ScoreKind::Probabilities)),
        )
        .filter(|(c, _)| matches!(c.ty, ColType::List(_)))
        .collect();
    let mut groups = score_groups(cols, label);
    // Logits beat probabilities when a file has both: they are exact where probabilities saturate.
    groups.sort_by_key(|g| kind_of_prefix(&g.0) != ScoreKind::Logits);
    let want_multi = matches!(mode, Some(Mode::Softmax | Mode::Sigmoid));
    let want_binary = mode == Some(Mode::Binary);
    if !want_binary {
        if let Some((c, kind)) = lists.first() {
            if let (Some((b, _)), false) = (binary.first(), want_multi) {
                bail!(
                    "both a binary score column {} and a list column of scores {} exist; pass --mode binary or --mode softmax (or name the column with --prob/--probs)",
                    quoted(&b.name),
                    quoted(&c.name)
                );
            }
            let classes = match c.ty {
                ColType::List(Some(n)) => Some(numbered(n)),
                _ => None,
            };
            let note = format!("{} in list column {}", kind.as_str(), quoted(&c.name));
            return Ok((
                *kind,
                Scores::List(c.name.clone()),
                classes,
                Mode::Softmax,
                note,
            ));
        }
        if !groups.is_empty() && (want_multi || binary.is_empty()) {
            let distinct_kinds: Vec<ScoreKind> =
                groups.iter().map(|g| kind_of_prefix(&g.0)).collect();
            if groups.len() > 1 && distinct_kinds[0] == distinct_kinds[1] {
                let names: Vec<String> = groups.iter().map(|g| format!("{}_*", g.0)).collect();
                bail!(
                    "several groups of score columns could be the scores ({}); {}; pass --probs 'PATTERN' or --logits 'PATTERN'",
                    names.join(", "),
                    columns_found(cols)
                );
            }
            let (prefix, names) = &groups[0];
            let kind = kind_of_prefix(prefix);
            let (classes, ordered) = group_classes(names);
            let note = format!(
                "{} in {} columns {}_*",
                kind.as_str(),
                ordered.len(),
                prefix
            );
            return Ok((
                kind,
                Scores::Columns(ordered),
                Some(classes),
                Mode::Softmax,
                note,
            ));
        }
    }
    let likely = suggest(cols, label).map_or(String::new(), |s| format!(" (here likely {s})"));
    if want_multi {
        bail!(
            "found no multi-class score columns (a prefix such as prob_ or logit_ with numbered or named suffixes, or a list column named probs or logits); {}; pass --probs COLS or --logits COLS{likely}",
            columns_found(cols)
        );
    }
    if !groups.is_empty() && !binary.is_empty() {
        bail!(
            "both a binary score column {} and multi-class score columns {} exist; {}; pass --mode binary or --mode softmax (or name the columns with --prob/--probs)",
            quoted(&binary[0].0.name),
            quoted(&format!("{}_*", groups[0].0)),
            columns_found(cols)
        );
    }
    match binary.as_slice() {
        [] => bail!(
            "found no score column (looked for {} or logit, prefixes such as prob_0.. / logit_0.., or a list column probs/logits); {}; pass --prob COL, --logit COL, --probs COLS or --logits COLS{likely}",
            PROB_NAMES.join(", "),
            columns_found(cols)
        ),
        [(c, kind), rest @ ..] => {
            if let Some((d, k2)) = rest.first() {
                if k2 == kind {
                    bail!(
                        "two columns could hold the score, {} and {}; {}; pass --prob COL or --logit COL",
                        quoted(&c.name),
                        quoted(&d.name),
                        columns_found(cols)
                    );
                }
            }
            let note = format!("{} in column {}", kind.as_str(), quoted(&c.name));
            Ok((*kind, Scores::Columns(vec![c.name.clone()]), None, Mode::Binary, note))
        }
    }
}

#[cfg(test)]
#[path = "detect_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "detect_props_tests.rs"]
mod props_tests;
