//! `flcli sql`: prints the query that computes a pass's sums inside a SQL engine.

use super::compare::Grid;
use super::{sum_settings, Global};
use crate::analysis::variants;
use crate::cli::SqlArgs;
use crate::engine::EngineSpec;
use crate::input::detect::{self, ColType, Column};
use crate::input::targets::Targets;
use crate::input::{ColumnFlags, Dataset, InputOptions, Layout, Scores, Selector};
use crate::model::{Alpha, Mode, ScoreKind, Term};
use crate::sql::{self, SumsSpec, Target, TermSpec, SUMS_VERSION};
use crate::text::quoted;
use anyhow::{bail, Result};
use std::io::Write;

/// The terms recommend weighs with its default flags: always summed, so one
/// sums table serves stats, compare and recommend with their defaults.
const RECOMMEND_TERMS: [Term; 7] = [
    Term::Pow(0.0),
    Term::Pow(0.5),
    Term::Pow(1.0),
    Term::Pow(2.0),
    Term::Pow(3.0),
    Term::Pow(5.0),
    Term::Flsd53,
];

/// Runs `flcli sql`; returns the exit code.
pub(crate) fn run(a: &SqlArgs, _g: &Global) -> Result<i32> {
    std::io::stdout().lock().write_all(query(a)?.as_bytes())?;
    Ok(0)
}

/// The query `flcli sql` prints.
pub(crate) fn query(a: &SqlArgs) -> Result<String> {
    let sums = sum_settings(&a.sums)?;
    let grid = Grid::parse(&a.gamma, None, &a.variant)?;
    if a.table.trim().is_empty() {
        bail!("--table is empty; pass what the query reads, e.g. --table my_schema.predictions");
    }
    let (layout, classes) = layout(a)?;
    let multilabel = layout.targets.is_some();
    let (scores, list) = match &layout.scores {
        Scores::Columns(c) => (c.clone(), None),
        Scores::List(c) => (
            (0..classes.len()).map(|i| format!("{c}[{i}]")).collect(),
            Some(c.clone()),
        ),
    };
    let mut terms: Vec<Term> = Vec::new();
    let placeholder_counts = vec![1; classes.len()];
    let mut defs: Vec<variants::VariantDef> = grid
        .gammas
        .iter()
        .map(|&g| variants::focal(g, &Alpha::None))
        .collect();
    for n in &grid.named {
        defs.push(variants::resolve(n, &placeholder_counts, &Alpha::None));
    }
    for t in variants::terms_for(&defs)
        .into_iter()
        .chain(RECOMMEND_TERMS)
    {
        if !terms.contains(&t) {
            terms.push(t);
        }
    }
    let spec = EngineSpec {
        mode: layout.mode,
        kind: layout.kind,
        classes: classes.len(),
        eps: sums.eps,
        edges: sums.edges,
        easy: sums.easy,
        terms,
        tails: true,
        calib: true,
        multilabel,
        moments: true,
    };
    let sums_spec = SumsSpec {
        flcli_sums: SUMS_VERSION,
        dialect: a.dialect.as_str().into(),
        table: a.table.clone(),
        mode: spec.mode,
        score_kind: spec.kind,
        label_column: layout.label.clone(),
        // A list column appears once, as in a direct run's report.
        score_columns: list.clone().map_or_else(|| scores.clone(), |c| vec![c]),
        classes: classes.clone(),
        eps: spec.eps,
        edges: spec.edges.clone(),
        easy: spec.easy,
        terms: spec.terms.iter().map(|&t| TermSpec::from(t)).collect(),
        tail_bins: crate::engine::spec::TAIL_BINS,
        calib_bins: crate::engine::spec::CALIB_BINS,
        ignore_index: a.ignore_index,
        background: a.background,
        positive: a.positive.clone(),
        by: a.by.clone(),
        moments: spec.moments,
        multilabel,
    };
    let target = Target {
        table: a.table.clone(),
        mode: spec.mode,
        kind: spec.kind,
        label: layout.label.clone(),
        scores,
        list,
        classes,
        positive: a.positive.clone(),
        background: a.background,
        ignore_index: a.ignore_index,
        by: a.by.clone(),
        multilabel,
    };
    Ok(sql::query(
        a.dialect,
        &target,
        &spec,
        &serde_json::to_string(&sums_spec)?,
    ))
}

/// The column flags as [`ColumnFlags`].
fn flags(a: &SqlArgs) -> ColumnFlags {
    let scores = if let Some(c) = &a.prob {
        Some((ScoreKind::Probabilities, Selector::One(c.clone())))
    } else if let Some(c) = &a.logit {
        Some((ScoreKind::Logits, Selector::One(c.clone())))
    } else if let Some(c) = &a.probs {
        Some((ScoreKind::Probabilities, Selector::Many(c.clone())))
    } else {
        a.logits
            .as_ref()
            .map(|c| (ScoreKind::Logits, Selector::Many(c.clone())))
    };
    ColumnFlags {
        label: a.label.clone(),
        scores,
        mode: a.mode.map(Into::into),
        targets: None,
    }
}

/// The layout and class names: detected from --like, or from the flags alone.
fn layout(a: &SqlArgs) -> Result<(Layout, Vec<String>)> {
    let flags = flags(a);
    if let Some(like) = &a.like {
        let delimiter = match a.delimiter.as_str() {
            "\\t" | "tab" => b'\t',
            d if d.len() == 1 => d.as_bytes()[0],
            d => bail!("--delimiter must be one byte (or \\t), got {}", quoted(d)),
        };
        let ds = Dataset::open(&InputOptions {
            paths: vec![like.clone()],
            format: a.input_format,
            delimiter,
            columns: flags,
            positive: a.positive.clone(),
            background: a.background,
            ignore_index: a.ignore_index,
            skip_invalid: false,
            by: a.by.clone(),
            max_groups: 1,
            memory: None,
            labels_npy: None,
            channels_last: false,
            max_line: crate::input::line_cap::DEFAULT_MAX_LINE,
            class_names: super::class_names(a.class_names.as_deref())?,
        })?;
        match &ds.layout.targets {
            None if a.multi_label => bail!(
                "--multi-label: the label column {} of {} holds no lists; multi-label targets are a list column of positive class ids",
                quoted(&ds.layout.label),
                crate::text::escape(&like.display().to_string())
            ),
            None | Some(Targets::List(_)) => {}
            Some(t) => bail!(
                "{}: the multi-label targets are 0/1 values per class ({}); flcli sql reads multi-label targets as one list column of positive class ids: make that column (e.g. a list of the ids whose target is 1) or run flcli stats (or flcli partial and merge) on the files instead",
                crate::text::escape(&like.display().to_string()),
                t.columns().join(", ")
            ),
        }
        return Ok((ds.layout.clone(), ds.classes.clone()));
    }
    let missing: Vec<&str> = [
        ("--label COL", flags.label.is_none()),
        (
            "--prob/--logit COL or --probs/--logits COLS",
            flags.scores.is_none(),
        ),
        ("--mode", flags.mode.is_none()),
    ]
    .iter()
    .filter(|x| x.1)
    .map(|x| x.0)
    .collect();
    if !missing.is_empty() {
        bail!(
            "flcli cannot see the table: pass {} (or --like SAMPLE_FILE to detect them from a local sample with the same columns)",
            missing.join(", ")
        );
    }
    if let Some(m) = flags.mode.filter(|m| a.multi_label && *m != Mode::Sigmoid) {
        bail!(
            "--multi-label: multi-label targets need sigmoid mode (each class scored on its own), not --mode {}; pass --mode sigmoid",
            m.as_str()
        );
    }
    let names_given = super::class_names(a.class_names.as_deref())?;
    // A list label column makes the layout multi-label, as in a sample with lists.
    let mut cols = vec![Column {
        name: flags.label.clone().unwrap_or_default(),
        ty: match a.multi_label {
            true => ColType::List(None),
            false => ColType::Scalar,
        },
    }];
    let scalar = |name: &str| Column {
        name: name.trim().to_string(),
        ty: ColType::Scalar,
    };
    match &flags.scores {
        Some((_, Selector::One(c))) => cols.push(scalar(c)),
        Some((_, Selector::Many(c))) => {
            if c.contains(['*', '?']) {
                bail!("--probs/--logits {}: a glob needs the table's column names; list the columns (a,b,c) or pass --like SAMPLE_FILE", quoted(c));
            }
            if c.contains(',') {
                cols.extend(c.split(',').map(scalar));
            } else {
                // One name: a list column, whose length flcli cannot see.
                let Some(n) = &names_given else {
                    bail!("--probs/--logits {}: one column is a list column of every class's score; pass --class-names with one name per element (in order) so that flcli knows the classes, or --like SAMPLE_FILE, or list one column per class (a,b,c)", quoted(c));
                };
                cols.push(Column {
                    name: c.clone(),
                    ty: ColType::List(Some(n.len())),
                });
            }
        }
        None => {}
    }
    let layout = detect::detect(&cols, &flags)?;
    let mut classes = layout.classes.clone().unwrap_or_default();
    if let Some(names) = names_given {
        if layout.mode == crate::model::Mode::Binary {
            bail!("--class-names names the classes of softmax and sigmoid scores; in binary mode say which label is positive with --positive");
        }
        if names.len() != classes.len() {
            bail!(
                "--class-names gives {} names for {} score columns; give one name per score column, in their order",
                names.len(),
                classes.len()
            );
        }
        classes = names;
    }
    if layout.mode != crate::model::Mode::Binary && classes.len() < 2 {
        bail!(
            "{} mode needs at least 2 score columns",
            layout.mode.as_str()
        );
    }
    if a.positive.is_some() && layout.mode != crate::model::Mode::Binary {
        bail!(
            "--positive is for binary mode only; this is {} mode",
            layout.mode.as_str()
        );
    }
    Ok((layout, classes))
}
