//! Multi-label targets (several positive classes per row): where they are (a
//! list column of positive class ids, or one 0/1 column per class named by
//! `--targets`), how target columns line up with the score columns, and the
//! decoding of Arrow record batches into multi-hot rows.

use super::arrow::shown;
use super::decode::Decoder;
use super::detect::{ColType, Column, ColumnFlags, Layout, Scores};
use super::detect_names::{columns_found, glob_match, split_suffix};
use super::Source;
use crate::model::{Mode, SkipReason, MULTI, SKIPPED};
use crate::text::quoted;
use anyhow::{anyhow, bail, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;

/// Where the multi-label targets of a layout are.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Targets {
    /// The label column holds a list of positive class ids per row.
    List(String),
    /// One 0/1 column per class, in class (score-column) order.
    Columns(Vec<String>),
    /// A column of K 0/1 targets per row (a NumPy array shaped like the scores).
    MultiHot(String),
}

impl Targets {
    /// The target columns (a list column once).
    pub(crate) fn columns(&self) -> Vec<String> {
        match self {
            Targets::List(c) | Targets::MultiHot(c) => vec![c.clone()],
            Targets::Columns(c) => c.clone(),
        }
    }
}

/// An invalid target: its row in the batch, its column, the skip reason, the problem and the value.
pub(crate) type TargetFail = (usize, String, (SkipReason, &'static str, String));

fn sigmoid_only(flags: &ColumnFlags, what: &str) -> Result<()> {
    match flags.mode {
        Some(m) if m != Mode::Sigmoid => bail!(
            "{what} gives multi-label targets, which need sigmoid mode (each class scored on its own), not --mode {}; drop --mode or pass --mode sigmoid",
            m.as_str()
        ),
        _ => Ok(()),
    }
}

/// A layout detected with an ordinary label column becomes multi-label when
/// that column holds lists (of positive class ids).
pub(crate) fn list_label(
    cols: &[Column],
    flags: &ColumnFlags,
    mut layout: Layout,
) -> Result<Layout> {
    let Some(ty) = cols.iter().find(|c| c.name == layout.label).map(|c| &c.ty) else {
        return Ok(layout);
    };
    let hot = matches!(ty, ColType::MultiHot(_));
    if !hot && !matches!(ty, ColType::List(_)) {
        return Ok(layout);
    }
    sigmoid_only(
        flags,
        &format!("the label column {} holds lists: it", quoted(&layout.label)),
    )?;
    if layout.mode == Mode::Binary {
        bail!(
            "the label column {} holds lists (multi-label targets), which need one score per class; pass --probs COLS or --logits COLS",
            quoted(&layout.label)
        );
    }
    layout.detected.retain(|d| !d.starts_with("mode "));
    let what = if hot {
        "is a 0/1 array shaped like the scores"
    } else {
        "holds lists of class ids"
    };
    layout.detected.push(format!(
        "mode sigmoid, multi-label (the label column {} {what})",
        quoted(&layout.label)
    ));
    layout.mode = Mode::Sigmoid;
    let name = layout.label.clone();
    layout.targets = Some(if hot {
        Targets::MultiHot(name)
    } else {
        Targets::List(name)
    });
    Ok(layout)
}

/// `--targets SEL`: the 0/1 target columns (a comma list or a glob), the
/// scores detected among the other columns, and the targets put in score order.
pub(crate) fn target_columns(
    cols: &[Column],
    flags: &ColumnFlags,
    sel: &str,
    detect: impl Fn(&[Column], &ColumnFlags) -> Result<Layout>,
) -> Result<Layout> {
    if let Some(l) = &flags.label {
        bail!(
            "--targets names the target columns in place of a label column; drop --label {}",
            quoted(l)
        );
    }
    sigmoid_only(flags, "--targets")?;
    let listed = sel.contains(',') || !sel.contains(['*', '?']);
    let names: Vec<String> = if listed {
        let v: Vec<String> = sel.split(',').map(|s| s.trim().to_string()).collect();
        for n in &v {
            if !cols.iter().any(|c| &c.name == n) {
                bail!(
                    "--targets: no column {}; {}; name the 0/1 target columns, one per class",
                    quoted(n),
                    columns_found(cols)
                );
            }
        }
        v
    } else {
        cols.iter()
            .filter(|c| glob_match(sel, &c.name))
            .map(|c| c.name.clone())
            .collect()
    };
    if names.is_empty() {
        bail!(
            "--targets: the pattern {} matches no column; {}",
            quoted(sel),
            columns_found(cols)
        );
    }
    // The first target column stands in for the label column while the scores
    // are detected among the columns that are not targets.
    let rest: Vec<Column> = cols
        .iter()
        .filter(|c| c.name == names[0] || !names.contains(&c.name))
        .cloned()
        .collect();
    let inner = ColumnFlags {
        label: Some(names[0].clone()),
        scores: flags.scores.clone(),
        mode: Some(Mode::Sigmoid),
        targets: None,
    };
    let mut layout = detect(&rest, &inner)?;
    let Scores::Columns(scores) = &layout.scores else {
        layout.targets = Some(Targets::Columns(names.clone()));
        layout.label = names[0].clone();
        return Ok(layout);
    };
    let classes = layout.classes.clone().unwrap_or_default();
    let both = || {
        format!(
            "target columns {} and score columns {}",
            names.join(", "),
            scores.join(", ")
        )
    };
    if names.len() != scores.len() {
        bail!(
            "--targets gives {} columns but there are {} score columns ({}); give one 0/1 target column per score column",
            names.len(),
            scores.len(),
            both()
        );
    }
    let suffix = |n: &String| split_suffix(n).map_or(n.clone(), |s| s.1.to_string());
    let by_suffix: Option<Vec<String>> = classes
        .iter()
        .map(|c| names.iter().find(|n| &suffix(n) == c).cloned())
        .collect();
    let aligned = match by_suffix {
        Some(v) => v,
        None if listed => names.clone(),
        None => bail!(
            "the {} do not line up: the targets' suffixes are not the class names {}; give the target columns as a comma list in score-column order (--targets a,b,c)",
            both(),
            classes.join(", ")
        ),
    };
    layout.label = aligned[0].clone();
    layout.detected.retain(|d| !d.starts_with("mode "));
    layout.targets = Some(Targets::Columns(aligned));
    Ok(layout)
}

/// The column of `rb` named `name`, or an error naming the file.
fn column<'r>(rb: &'r RecordBatch, name: &str, src: &Source) -> Result<&'r ArrayRef> {
    rb.column_by_name(name)
        .ok_or_else(|| anyhow!("{}: has no target column {}", src.display(), quoted(name)))
}

/// Row codes ([`MULTI`], or [`SKIPPED`] for an invalid target) and the
/// multi-hot rows of `rb` into `out`, with the invalid targets in row order.
pub(crate) fn arrow_targets(
    rb: &RecordBatch,
    t: &Targets,
    src: &Source,
    dec: &Decoder,
    out: &mut Vec<u8>,
) -> Result<(Vec<i32>, Vec<TargetFail>)> {
    let (n, k) = (rb.num_rows(), dec.spec.classes);
    out.clear();
    out.resize(n * k, 0);
    let mut codes = vec![MULTI; n];
    let mut fails: Vec<TargetFail> = Vec::new();
    let mut fail = |i: usize, col: &str, f: (SkipReason, &'static str, String)| {
        if codes[i] != SKIPPED {
            codes[i] = SKIPPED;
            fails.push((i, col.to_string(), f));
        }
    };
    match t {
        Targets::Columns(names) => {
            for (j, name) in names.iter().enumerate() {
                let a = column(rb, name, src)?;
                let v = arrow_cast::cast(a, &DataType::Float64).map_err(|_| {
                    anyhow!("{}: target column {} has type {}, which is not 0/1; --targets names one 0/1 column per class", src.display(), quoted(name), a.data_type())
                })?;
                let v = v.as_primitive::<Float64Type>();
                let nulls = a.logical_nulls();
                for i in 0..n {
                    if v.is_null(i) {
                        let f = if nulls.as_ref().is_some_and(|m| m.is_null(i)) {
                            (SkipReason::Null, "target is null", "null".into())
                        } else {
                            (
                                SkipReason::Unparsable,
                                "target is not a number",
                                shown(a, i),
                            )
                        };
                        fail(i, name, f);
                    } else {
                        match v.value(i) {
                            0.0 => {}
                            1.0 => out[i * k + j] = 1,
                            _ => fail(
                                i,
                                name,
                                (
                                    SkipReason::UnknownLabel,
                                    "target is not 0 or 1",
                                    shown(a, i),
                                ),
                            ),
                        }
                    }
                }
            }
        }
        Targets::MultiHot(name) => {
            let a = column(rb, name, src)?;
            let (offsets, values) = super::arrow::list_parts(a)?;
            let v = arrow_cast::cast(&values, &DataType::Float64)?;
            let v = v.as_primitive::<Float64Type>();
            for i in 0..n {
                let (s, e) = offsets(i);
                for (j, at) in (s..e).enumerate().take(k) {
                    match v.value(at) {
                        0.0 => {}
                        1.0 => out[i * k + j] = 1,
                        _ => {
                            let col = format!("{name}[{j}]");
                            let f = (
                                SkipReason::UnknownLabel,
                                "target is not 0 or 1",
                                shown(&values, at),
                            );
                            fail(i, &col, f);
                            break;
                        }
                    }
                }
            }
        }
        Targets::List(name) => {
            let a = column(rb, name, src)?;
            let (offsets, values) = super::arrow::list_parts(a)?;
            let text = matches!(
                values.data_type(),
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
            );
            // int64 ids (what pyarrow writes for lists of Python ints) are
            // checked as integers; other numbers go through float64.
            let ints = values.as_primitive_opt::<Int64Type>();
            let nums = if text || ints.is_some() {
                None
            } else {
                Some(arrow_cast::cast(&values, &DataType::Float64).map_err(|_| {
                    anyhow!("{}: the label column {} holds lists of {}; multi-label targets are lists of class ids (integers) or class names", src.display(), quoted(name), values.data_type())
                })?)
            };
            let nums = nums.as_ref().map(|v| v.as_primitive::<Float64Type>());
            for i in 0..n {
                if a.is_null(i) {
                    fail(
                        i,
                        name,
                        (
                            SkipReason::Null,
                            "label list is null (an empty list means no positive class)",
                            "null".into(),
                        ),
                    );
                    continue;
                }
                let (s, e) = offsets(i);
                for at in s..e {
                    let class = if values.is_null(at) {
                        Err((
                            SkipReason::Null,
                            "class id in the list is null",
                            "null".into(),
                        ))
                    } else if ints.is_some() || nums.is_some() {
                        let id = match (ints, nums) {
                            (Some(v), _) => usize::try_from(v.value(at)).ok(),
                            (_, Some(v)) => {
                                let x = v.value(at);
                                (x.fract() == 0.0 && x >= 0.0 && x < k as f64).then_some(x as usize)
                            }
                            _ => None,
                        };
                        id.filter(|&c| c < k).ok_or_else(|| {
                            (
                                SkipReason::UnknownLabel,
                                "class id in the list is not one of the classes",
                                shown(&values, at),
                            )
                        })
                    } else {
                        let s = shown(&values, at);
                        match dec.labels.map_str(&s) {
                            Ok(c) if c >= 0 && (c as usize) < k => Ok(c as usize),
                            _ => Err((
                                SkipReason::UnknownLabel,
                                "class name in the list is not one of the classes",
                                s,
                            )),
                        }
                    };
                    match class {
                        Ok(c) => out[i * k + c] = 1,
                        Err(f) => {
                            fail(i, name, f);
                            break;
                        }
                    }
                }
            }
        }
    }
    fails.sort_by_key(|f| f.0);
    Ok((codes, fails))
}
