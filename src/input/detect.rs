//! Column detection: which column is the label, which hold scores, which mode.

use crate::model::{Mode, ScoreKind};
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

/// The user's column choices; `None` means "detect".
#[derive(Clone, Debug, Default)]
pub struct ColumnFlags {
    /// `--label`.
    pub label: Option<String>,
    /// `--prob`/`--probs`/`--logit`/`--logits`: kind and column selector.
    pub scores: Option<(ScoreKind, Selector)>,
    /// `--mode`.
    pub mode: Option<Mode>,
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
    pub kind: ScoreKind,
    /// Label column name.
    pub label: String,
    /// Score columns.
    pub scores: Scores,
    /// Class names in class order; `None` when a list column's width is not known yet.
    pub classes: Option<Vec<String>>,
    /// What was detected rather than given, for the stderr note.
    pub detected: Vec<String>,
}

const LABEL_NAMES: &[&str] = &[
    "label", "labels", "target", "y", "y_true", "gt", "class", "class_id", "category",
];
const PROB_NAMES: &[&str] = &[
    "prob",
    "probability",
    "score",
    "y_prob",
    "y_score",
    "pred",
    "pred_prob",
];
const LOGIT_NAMES: &[&str] = &["logit"];
const LIST_PROB_NAMES: &[&str] = &["probs", "probabilities", "scores"];
const LIST_LOGIT_NAMES: &[&str] = &["logits"];
const GROUP_PREFIXES: &[&str] = &[
    "prob",
    "probs",
    "p",
    "probability",
    "score",
    "scores",
    "pred",
    "y_prob",
    "y_score",
    "logit",
    "logits",
    "pred_prob",
];

fn columns_found(cols: &[Column]) -> String {
    let names: Vec<String> = cols.iter().map(|c| format!("{:?}", c.name)).collect();
    format!("columns found: {}", names.join(", "))
}

fn find_ci<'a>(cols: &'a [Column], names: &[&str]) -> Vec<&'a Column> {
    names
        .iter()
        .flat_map(|n| cols.iter().filter(move |c| c.name.eq_ignore_ascii_case(n)))
        .collect()
}

/// Matches `name` against a glob with `*` and `?`.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Splits `prob_3` into (`prob`, `3`) at the last `_`, `-` or `.`.
fn split_suffix(name: &str) -> Option<(&str, &str)> {
    // A known score prefix wins, so class names may contain the separator
    // themselves (`p_traffic_light` is the class `traffic_light`).
    let known = GROUP_PREFIXES
        .iter()
        .filter(|p| {
            name.len() > p.len() + 1
                && name.is_char_boundary(p.len())
                && name[..p.len()].eq_ignore_ascii_case(p)
                && matches!(name.as_bytes()[p.len()], b'_' | b'-' | b'.')
        })
        .map(|p| p.len())
        .max();
    if let Some(n) = known {
        return Some((&name[..n], &name[n + 1..]));
    }
    let i = name.rfind(['_', '-', '.'])?;
    let (a, b) = (&name[..i], &name[i + 1..]);
    (!a.is_empty() && !b.is_empty()).then_some((a, b))
}

/// Class names from the suffixes of a column group: numbered ones in numeric order.
fn group_classes(cols: &[String]) -> (Vec<String>, Vec<String>) {
    let suffixes: Vec<(&str, &String)> = cols
        .iter()
        .map(|c| (split_suffix(c).map(|s| s.1).unwrap_or(c.as_str()), c))
        .collect();
    if suffixes.iter().all(|(s, _)| s.parse::<u64>().is_ok()) {
        let mut v: Vec<(u64, &String)> = suffixes
            .iter()
            .map(|(s, c)| (s.parse::<u64>().unwrap_or(0), *c))
            .collect();
        v.sort_by_key(|x| x.0);
        (
            v.iter().map(|x| x.0.to_string()).collect(),
            v.iter().map(|x| x.1.clone()).collect(),
        )
    } else {
        (
            suffixes.iter().map(|(s, _)| s.to_string()).collect(),
            cols.to_vec(),
        )
    }
}

fn kind_of_prefix(prefix: &str) -> ScoreKind {
    if prefix.to_ascii_lowercase().starts_with("logit") {
        ScoreKind::Logits
    } else {
        ScoreKind::Probabilities
    }
}

/// Groups of ≥ 2 columns sharing a known score prefix, in first-seen order.
fn score_groups(cols: &[Column], label: &str) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for c in cols
        .iter()
        .filter(|c| c.name != label && c.ty != ColType::List(None))
    {
        let Some((prefix, _)) = split_suffix(&c.name) else {
            continue;
        };
        if !GROUP_PREFIXES
            .iter()
            .any(|p| p.eq_ignore_ascii_case(prefix))
        {
            continue;
        }
        match groups.iter_mut().find(|g| g.0 == prefix) {
            Some(g) => g.1.push(c.name.clone()),
            None => groups.push((prefix.to_string(), vec![c.name.clone()])),
        }
    }
    groups.retain(|g| g.1.len() >= 2);
    groups
}

/// Picks label, scores and mode from the columns and the user's flags.
pub fn detect(cols: &[Column], flags: &ColumnFlags) -> Result<Layout> {
    let mut detected = Vec::new();
    let label = match &flags.label {
        Some(l) => {
            if !cols.iter().any(|c| &c.name == l) {
                bail!(
                    "no label column {l:?}; {}; pass --label with one of them",
                    columns_found(cols)
                );
            }
            l.clone()
        }
        None => match find_ci(cols, LABEL_NAMES).first() {
            Some(c) => {
                detected.push(format!("label column {:?}", c.name));
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
        bail!("binary mode needs exactly one score column, got {:?}; pass --prob COL or --logit COL, or --mode softmax|sigmoid", scores);
    }
    if mode != Mode::Binary && n_scores == Some(1) {
        bail!("{} mode needs one score column per class (or one list column), got only {:?}; pass --probs COLS or --logits COLS", mode.as_str(), scores);
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
    })
}

fn require(cols: &[Column], name: &str) -> Result<()> {
    if cols.iter().any(|c| c.name == name) {
        Ok(())
    } else {
        bail!(
            "no column {name:?}; {}; name one of them with --prob/--logit (binary) or --probs/--logits (multi-class)",
            columns_found(cols)
        )
    }
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
            "the pattern {sel:?} matches no column; {}",
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
            let classes = match c.ty {
                ColType::List(Some(n)) => Some(numbered(n)),
                _ => None,
            };
            let note = format!("{} in list column {:?}", kind.as_str(), c.name);
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
    if want_multi {
        bail!(
            "found no multi-class score columns (a prefix such as prob_ or logit_ with numbered or named suffixes, or a list column named probs or logits); {}; pass --probs COLS or --logits COLS",
            columns_found(cols)
        );
    }
    if !groups.is_empty() && !binary.is_empty() {
        bail!(
            "both a binary score column {:?} and multi-class score columns {}_* exist; {}; pass --mode binary or --mode softmax (or name the columns with --prob/--probs)",
            binary[0].0.name,
            groups[0].0,
            columns_found(cols)
        );
    }
    match binary.as_slice() {
        [] => bail!(
            "found no score column (looked for {} or logit, prefixes such as prob_0.. / logit_0.., or a list column probs/logits); {}; pass --prob COL, --logit COL, --probs COLS or --logits COLS",
            PROB_NAMES.join(", "),
            columns_found(cols)
        ),
        [(c, kind), rest @ ..] => {
            if let Some((d, k2)) = rest.first() {
                if k2 == kind {
                    bail!(
                        "two columns could hold the score, {:?} and {:?}; {}; pass --prob COL or --logit COL",
                        c.name,
                        d.name,
                        columns_found(cols)
                    );
                }
            }
            let note = format!("{} in column {:?}", kind.as_str(), c.name);
            Ok((*kind, Scores::Columns(vec![c.name.clone()]), None, Mode::Binary, note))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> Vec<Column> {
        names
            .iter()
            .map(|n| Column {
                name: n.to_string(),
                ty: ColType::Unknown,
            })
            .collect()
    }

    #[test]
    fn globs() {
        assert!(glob_match("p_*", "p_cat"));
        assert!(glob_match("logit_?", "logit_7"));
        assert!(!glob_match("logit_?", "logit_17"));
        assert!(glob_match("*", ""));
    }

    #[test]
    fn binary_prefers_logits() {
        let l = detect(&cols(&["label", "prob", "logit"]), &ColumnFlags::default()).unwrap();
        assert_eq!(l.kind, ScoreKind::Logits);
        assert_eq!(l.mode, Mode::Binary);
    }

    #[test]
    fn numbered_group_is_softmax_in_numeric_order() {
        let l = detect(
            &cols(&["y", "prob_10", "prob_2", "prob_0", "prob_1"]),
            &ColumnFlags::default(),
        );
        let l = l.unwrap();
        assert_eq!(l.mode, Mode::Softmax);
        assert_eq!(l.classes.unwrap(), vec!["0", "1", "2", "10"]);
        assert_eq!(l.label, "y");
    }

    #[test]
    fn class_names_may_contain_the_separator() {
        // Regression: `p_traffic_light` used to fall out of the `p_*` group.
        let l = detect(
            &cols(&["label", "p_cat", "p_traffic_light", "p_stop-sign"]),
            &ColumnFlags::default(),
        )
        .unwrap();
        assert_eq!(
            l.classes.unwrap(),
            vec!["cat", "traffic_light", "stop-sign"]
        );
    }

    #[test]
    fn named_classes() {
        let l = detect(
            &cols(&["Target", "p_cat", "p_dog"]),
            &ColumnFlags::default(),
        )
        .unwrap();
        assert_eq!(l.classes.unwrap(), vec!["cat", "dog"]);
        assert_eq!(l.label, "Target");
    }

    #[test]
    fn ambiguity_is_an_error_naming_the_flag() {
        let e = detect(&cols(&["label", "score", "prob"]), &ColumnFlags::default()).unwrap_err();
        assert!(e.to_string().contains("--prob COL"), "{e}");
        let e = detect(&cols(&["label", "x"]), &ColumnFlags::default()).unwrap_err();
        assert!(e.to_string().contains("\"x\""), "{e}");
        let e = detect(&cols(&["foo", "prob"]), &ColumnFlags::default()).unwrap_err();
        assert!(e.to_string().contains("--label"), "{e}");
    }
}
