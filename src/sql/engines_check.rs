//! The sums of a SQL engine against a direct pass: counts exact, every float
//! within 1e-12 relative, for the whole and for each `--by` group in order.

use crate::engine::{EngineSpec, Partial};
use crate::input::{ColumnFlags, Dataset, InputOptions, Selector};
use crate::model::{Mode, ScoreKind};
use std::path::Path;

/// The relative difference of two numbers (0 when equal).
fn rel(a: f64, b: f64) -> f64 {
    if a == b {
        return 0.0;
    }
    (a - b).abs() / a.abs().max(b.abs()).max(1e-300)
}

/// The direct pass over `file` with the settings of the sums table.
pub(super) fn direct(
    file: &Path,
    flags: &[&str],
    by: Option<&str>,
    spec: &EngineSpec,
    skip: bool,
) -> Partial {
    let mut cols = ColumnFlags::default();
    let mut class_names = None;
    let mut it = flags.iter();
    while let Some(f) = it.next() {
        let v = it.next().expect("a value").to_string();
        match *f {
            "--logit" => cols.scores = Some((ScoreKind::Logits, Selector::One(v))),
            "--prob" => cols.scores = Some((ScoreKind::Probabilities, Selector::One(v))),
            "--label" => cols.label = Some(v),
            "--class-names" => class_names = Some(v.split(',').map(String::from).collect()),
            "--mode" => {
                cols.mode = Some(if v == "sigmoid" {
                    Mode::Sigmoid
                } else {
                    Mode::Softmax
                })
            }
            _ => panic!("flag {f}"),
        }
    }
    let ds = Dataset::open(&InputOptions {
        paths: vec![file.to_path_buf()],
        format: None,
        delimiter: b',',
        columns: cols,
        positive: None,
        background: -1,
        ignore_index: -100,
        skip_invalid: skip,
        by: by.map(String::from),
        max_groups: 1000,
        memory: None,
        labels_npy: None,
        channels_last: false,
        max_line: crate::input::line_cap::DEFAULT_MAX_LINE,
        class_names,
    })
    .expect("open");
    let mut p = ds.pass(spec, &|_| {}).expect("pass");
    p.round();
    p
}

/// Counts exact, every float within 1e-12 relative.
fn assert_same(got: &Partial, want: &Partial, what: &str) {
    let floats = |name: &str, a: &[f64], b: &[f64]| {
        assert_eq!(a.len(), b.len(), "{what}: {name} lengths");
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            assert!(
                rel(*x, *y) <= 1e-12,
                "{what}: {name}[{i}] = {x}, direct {y} (rel {:e})",
                rel(*x, *y)
            );
        }
    };
    floats("cells", &got.cells, &want.cells);
    floats("tails", &got.tails, &want.tails);
    let cal = |p: &Partial| p.calib.iter().flatten().copied().collect::<Vec<f64>>();
    floats("calib", &cal(got), &cal(want));
    floats("brier", &[got.brier.0], &[want.brier.0]);
    // The counts among the cells: exact.
    for (i, (x, y)) in got
        .cells
        .iter()
        .zip(&want.cells)
        .enumerate()
        .step_by(got.stride)
    {
        assert_eq!(x, y, "{what}: count of cell {i}");
    }
    assert_eq!(got.brier.1, want.brier.1, "{what}: scored items");
    assert_eq!(got.class_rows, want.class_rows, "{what}: class rows");
    assert_eq!(
        got.pairs.sorted(),
        want.pairs.sorted(),
        "{what}: class pairs"
    );
    assert_eq!(
        got.pairs.several, want.pairs.several,
        "{what}: rows with several positives"
    );
    assert_eq!(got.correct, want.correct, "{what}: correct");
    assert_eq!(
        (
            got.rows_read,
            got.rows_used,
            got.rows_ignored,
            got.background_rows
        ),
        (
            want.rows_read,
            want.rows_used,
            want.rows_ignored,
            want.background_rows
        ),
        "{what}: rows read, used, ignored, background"
    );
    let counts = |p: &Partial| {
        p.skipped
            .by_reason
            .iter()
            .map(|s| s.0)
            .collect::<Vec<u64>>()
    };
    assert_eq!(counts(got), counts(want), "{what}: skipped rows by reason");
    assert_eq!(
        got.rows_skipped(),
        want.rows_skipped(),
        "{what}: rows skipped"
    );
}

/// The largest relative difference among the cell and tail sums.
fn largest(got: &Partial, want: &Partial) -> f64 {
    let mut worst: f64 = 0.0;
    for (a, b) in got
        .cells
        .iter()
        .zip(&want.cells)
        .chain(got.tails.iter().zip(&want.tails))
    {
        worst = worst.max(rel(*a, *b));
    }
    worst
}

/// [`assert_same`] for the whole and for each `--by` group, which must be the
/// same groups in the same order; returns the largest relative difference.
pub(super) fn assert_same_groups(got: Partial, want: Partial, what: &str) -> f64 {
    assert_same(&got, &want, what);
    let mut worst = largest(&got, &want);
    let (_, got) = got.split_groups();
    let (_, want) = want.split_groups();
    let keys = |g: &[(Option<String>, Partial)]| g.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&got), keys(&want), "{what}: the groups, in order");
    if !got.is_empty() {
        // The derived layouts hold NULL keys: a group of their own, first.
        assert_eq!(got[0].0, None, "{what}: the NULL group");
    }
    if what.contains("\"split\"") {
        // NULL, the text "(null)" and the empty text are three groups.
        for k in ["(null)", ""] {
            assert!(
                got.iter().any(|g| g.0.as_deref() == Some(k)),
                "{what}: {k:?}"
            );
        }
    }
    for ((k, g), (_, w)) in got.iter().zip(&want) {
        let what = format!("{what}, group {k:?}");
        assert_same(g, w, &what);
        worst = worst.max(largest(g, w));
    }
    worst
}
