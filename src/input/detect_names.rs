//! The names detection looks for, and the helpers that match them: label
//! and score column names, score-column groups (`prob_0`, `p_cat`, ...) and
//! the class names their suffixes give.

use super::detect::{ColType, Column, ColumnFlags, Selector};
use crate::model::ScoreKind;
use crate::text::quoted;
use anyhow::{bail, Result};

/// Label columns, most specific first.
pub(super) const LABEL_NAMES: &[&str] = &[
    "label",
    "labels",
    "target",
    "targets",
    "y",
    "y_true",
    "ground_truth",
    "gt",
    "class",
    "class_id",
    "category",
];
/// Binary probability columns whose name says "probability" or "score".
pub(super) const PROB_NAMES: &[&str] = &[
    "prob",
    "probability",
    "proba",
    "score",
    "y_prob",
    "y_proba",
    "y_pred_proba",
    "pred_proba",
    "y_score",
    "pred_prob",
];
/// Names that may hold a probability or a hard prediction (scikit-learn's
/// `y_pred` is usually the predicted class): used only when no name of
/// [`PROB_NAMES`] is there, so `y_pred_proba` beats `y_pred`.
pub(super) const WEAK_PROB_NAMES: &[&str] = &["pred", "y_pred", "prediction", "predictions"];
pub(super) const LOGIT_NAMES: &[&str] = &["logit", "y_logit"];
pub(super) const LIST_PROB_NAMES: &[&str] = &[
    "probs",
    "probabilities",
    "scores",
    "proba",
    "y_proba",
    "y_pred_proba",
    "predictions",
];
pub(super) const LIST_LOGIT_NAMES: &[&str] = &["logits"];
/// Prefixes of one-column-per-class groups (`prob_0`, `class_cat`).
pub(super) const GROUP_PREFIXES: &[&str] = &[
    "prob",
    "probs",
    "p",
    "probability",
    "proba",
    "score",
    "scores",
    "pred",
    "y_prob",
    "y_proba",
    "y_pred_proba",
    "y_score",
    "class",
    "logit",
    "logits",
    "pred_prob",
];

pub(super) fn columns_found(cols: &[Column]) -> String {
    names_found(cols.iter().map(|c| c.name.as_str()))
}

/// Most column names a message lists: a file with 100,000 columns (or a name
/// of a megabyte, cut by [`quoted`]) still leaves a message one can read.
const LISTED_NAMES: usize = 40;

/// "columns found: ..." for a message: the names quoted, the first
/// [`LISTED_NAMES`] of them, and how many more there are.
pub(super) fn names_found<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> String {
    let n = names.len();
    let shown: Vec<String> = names.take(LISTED_NAMES).map(quoted).collect();
    if n > LISTED_NAMES {
        format!(
            "columns found ({n}): {}, and {} more",
            shown.join(", "),
            n - LISTED_NAMES
        )
    } else {
        format!("columns found: {}", shown.join(", "))
    }
}

pub(super) fn find_ci<'a>(cols: &'a [Column], names: &[&str]) -> Vec<&'a Column> {
    names
        .iter()
        .flat_map(|n| cols.iter().filter(move |c| c.name.eq_ignore_ascii_case(n)))
        .collect()
}

/// Matches `name` against a glob with `*` and `?`.
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
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
pub(super) fn split_suffix(name: &str) -> Option<(&str, &str)> {
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
pub(super) fn group_classes(cols: &[String]) -> (Vec<String>, Vec<String>) {
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

pub(super) fn kind_of_prefix(prefix: &str) -> ScoreKind {
    if prefix.to_ascii_lowercase().starts_with("logit") {
        ScoreKind::Logits
    } else {
        ScoreKind::Probabilities
    }
}

/// Groups of ≥ 2 columns sharing a known score prefix, in first-seen order.
pub(super) fn score_groups(cols: &[Column], label: &str) -> Vec<(String, Vec<String>)> {
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

/// The flags most likely meant, from the columns other than `label`: one
/// column suggests `--prob`, a group sharing a prefix `--probs 'PREFIX*'`.
pub(super) fn suggest(cols: &[Column], label: &str) -> Option<String> {
    let rest: Vec<&Column> = cols
        .iter()
        .filter(|c| c.name != label && !matches!(c.ty, ColType::List(None)))
        .collect();
    if let [one] = rest.as_slice() {
        return Some(match one.ty {
            ColType::List(_) => format!("--probs {} (or --logits)", quoted(&one.name)),
            _ => format!(
                "--prob {} (or --logit if it holds logits)",
                quoted(&one.name)
            ),
        });
    }
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for c in &rest {
        if let Some((prefix, _)) = split_suffix(&c.name) {
            match groups.iter_mut().find(|g| g.0 == prefix) {
                Some(g) => g.1 += 1,
                None => groups.push((prefix, 1)),
            }
        }
    }
    let (prefix, n) = groups.into_iter().max_by_key(|g| g.1)?;
    let sep = rest
        .iter()
        .find_map(|c| c.name.strip_prefix(prefix).and_then(|r| r.chars().next()))
        .unwrap_or('_');
    (n >= 2).then(|| format!("--probs '{prefix}{sep}*' (or --logits)"))
}

/// Refuses, before anything is read, a CSV column that detection or a flag
/// would use and whose first cell is a list written as text: every row would
/// fail, and the fix is in how the dump is saved, not in a flag.
pub(super) fn refuse_text_lists(cols: &[Column], flags: &ColumnFlags) -> Result<()> {
    let named_in =
        |c: &Column, names: &[&str]| names.iter().any(|n| c.name.eq_ignore_ascii_case(n));
    let selects = |sel: &str, c: &Column| {
        sel == c.name
            || sel.split(',').any(|s| s.trim() == c.name)
            || (sel.contains(['*', '?']) && glob_match(sel, &c.name))
    };
    for c in cols {
        let ColType::TextList { line, cell } = &c.ty else {
            continue;
        };
        let label = match &flags.label {
            Some(l) => l == &c.name,
            None => flags.targets.is_none() && named_in(c, LABEL_NAMES),
        };
        let scores = match &flags.scores {
            Some((_, Selector::One(s) | Selector::Many(s))) => selects(s, c),
            None => [LIST_PROB_NAMES, LIST_LOGIT_NAMES, PROB_NAMES, LOGIT_NAMES]
                .iter()
                .any(|names| named_in(c, names)),
        };
        let targets = flags.targets.as_deref().is_some_and(|t| selects(t, c));
        let fix = if label || targets {
            "for multi-label targets save the dump as Parquet (a list column of class ids) or give one 0/1 column per class with --targets"
        } else if scores {
            "save the dump as Parquet (df.to_parquet keeps the list column) or with one column per class (prob_0, prob_1, ...)"
        } else {
            continue;
        };
        bail!(
            "column {} holds lists written as text (line {line}: {}), as pandas writes an array cell to CSV, and CSV has no list type; {fix}",
            quoted(&c.name),
            quoted(cell)
        );
    }
    Ok(())
}

/// Fails unless a column is named `name` exactly.
pub(super) fn require(cols: &[Column], name: &str) -> Result<()> {
    if cols.iter().any(|c| c.name == name) {
        Ok(())
    } else {
        bail!(
            "no column {}; {}; name one of them with --prob/--logit (binary) or --probs/--logits (multi-class)",
            quoted(name),
            columns_found(cols)
        )
    }
}
