//! Properties of the engine, run in-process through the library:
//! results do not depend on row order (1e-12 relative) or on how the input is
//! cut into batches, row groups, files and parallel units; concatenating two
//! files equals merging their partial results; the thread count changes nothing.

use crate::support::*;
use arrow_array::{ArrayRef, Float64Array, Int64Array};
use flcli::api::{self, PartialResult};
use flcli::report::{CompareReport, StatsReport};
use parquet::file::properties::WriterProperties;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// The layouts exercised.
#[derive(Clone, Copy, Debug)]
enum Kind {
    BinaryLogit,
    BinaryProb,
    SoftmaxLogit,
    SoftmaxProb,
    Sigmoid,
}

impl Kind {
    fn columns(self) -> Vec<String> {
        match self {
            Kind::BinaryLogit => vec!["logit".into()],
            Kind::BinaryProb => vec!["prob".into()],
            Kind::SoftmaxProb => (0..3).map(|k| format!("prob_{k}")).collect(),
            _ => (0..3).map(|k| format!("logit_{k}")).collect(),
        }
    }
    fn flags(self) -> Vec<String> {
        match self {
            Kind::Sigmoid => vec!["--mode".into(), "sigmoid".into()],
            _ => vec![],
        }
    }
}

type Row = (i64, Vec<f64>);

fn row(kind: Kind) -> BoxedStrategy<Row> {
    match kind {
        Kind::BinaryLogit => (0i64..2, -30.0..30.0f64)
            .prop_map(|(y, x)| (y, vec![x]))
            .boxed(),
        Kind::BinaryProb => (0i64..2, 0.0..=1.0f64)
            .prop_map(|(y, p)| (y, vec![p]))
            .boxed(),
        Kind::SoftmaxLogit => (0i64..3, prop::collection::vec(-12.0..12.0f64, 3))
            .prop_map(|(y, v)| (y, v))
            .boxed(),
        Kind::SoftmaxProb => (0i64..3, prop::collection::vec(0.001..1.0f64, 3))
            .prop_map(|(y, w)| {
                let s: f64 = w.iter().sum();
                (y, w.iter().map(|x| x / s).collect())
            })
            .boxed(),
        Kind::Sigmoid => (
            prop_oneof![Just(-1i64), Just(0), Just(1), Just(2), Just(-100)],
            prop::collection::vec(-12.0..12.0f64, 3),
        )
            .boxed(),
    }
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::BinaryLogit),
        Just(Kind::BinaryProb),
        Just(Kind::SoftmaxLogit),
        Just(Kind::SoftmaxProb),
        Just(Kind::Sigmoid),
    ]
}

/// A layout and 1..120 rows that have at least one used row.
fn data() -> impl Strategy<Value = (Kind, Vec<Row>)> {
    kind().prop_flat_map(|k| {
        (
            Just(k),
            prop::collection::vec(row(k), 1..120)
                .prop_filter("a used row", |rows| rows.iter().any(|r| r.0 != -100)),
        )
    })
}

fn write_csv(dir: &Path, name: &str, kind: Kind, rows: &[Row]) -> PathBuf {
    let mut s = format!("label,{}\n", kind.columns().join(","));
    for (y, v) in rows {
        let vals: Vec<String> = v.iter().map(|x| format!("{x}")).collect();
        s.push_str(&format!("{y},{}\n", vals.join(",")));
    }
    write(dir, name, s)
}

fn write_pq(dir: &Path, name: &str, kind: Kind, rows: &[Row], rg: usize) -> PathBuf {
    let mut cols: Vec<(String, ArrayRef)> = vec![(
        "label".into(),
        arr(Int64Array::from_iter_values(rows.iter().map(|r| r.0))),
    )];
    for (k, c) in kind.columns().into_iter().enumerate() {
        cols.push((
            c,
            arr(Float64Array::from_iter_values(rows.iter().map(|r| r.1[k]))),
        ));
    }
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(rg.max(1)))
        .build();
    let cols: Vec<(&str, ArrayRef)> = cols.iter().map(|(n, a)| (n.as_str(), a.clone())).collect();
    write_parquet(dir, name, cols, Some(props))
}

/// The library's arguments for `cmd` on `files` (and `kind`'s flags).
fn args(cmd: &str, files: &[PathBuf], kind: Kind) -> Vec<String> {
    let mut args: Vec<String> = vec![cmd.into()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    args.extend(kind.flags());
    args
}

/// The partial result of one pass over `files` (its sums exact, not rounded).
fn pass(files: &[PathBuf], kind: Kind) -> PartialResult {
    api::partial(&args("partial", files, kind), None).unwrap()
}

/// The sums of `p` rounded, as the reports read them.
fn rounded(p: &PartialResult) -> impl PartialEq + std::fmt::Debug {
    let mut s = p.sums.clone();
    s.round();
    s
}

/// `flcli stats` in-process.
fn stats_report(files: &[PathBuf], kind: Kind) -> StatsReport {
    let json = api::report(&args("stats", files, kind), None).unwrap();
    serde_json::from_str(&json).unwrap()
}

/// `flcli compare` in-process, with the named variants.
fn compare_report(files: &[PathBuf], kind: Kind) -> CompareReport {
    let mut args = args("compare", files, kind);
    for v in ["flsd53", "asl:1,4", "cb:0.99", "poly1:1"] {
        args.extend(["--variant".into(), v.to_string()]);
    }
    let json = api::report(&args, None).unwrap();
    serde_json::from_str(&json).unwrap()
}

#[track_caller]
fn assert_compare_close(a: CompareReport, b: CompareReport, rel: f64) {
    let strip = |mut r: CompareReport| {
        r.input.paths.clear();
        r.input.format.clear();
        serde_json::to_value(r).unwrap()
    };
    assert_json_close(&strip(a), &strip(b), rel, "compare");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Shuffling the rows changes every sum only by rounding.
    #[test]
    fn result_does_not_depend_on_row_order(
        (kind, rows, shuffled) in data().prop_flat_map(|(k, rows)| {
            (Just(k), Just(rows.clone()), Just(rows).prop_shuffle())
        })
    ) {
        let d = tempfile::tempdir().unwrap();
        let a = write_csv(d.path(), "a.csv", kind, &rows);
        let b = write_csv(d.path(), "b.csv", kind, &shuffled);
        assert_reports_close(stats_report(std::slice::from_ref(&a), kind), stats_report(std::slice::from_ref(&b), kind), 1e-12);
        assert_compare_close(compare_report(&[a], kind), compare_report(&[b], kind), 1e-12);
    }

    /// One file with one row group, many small row groups, several shard files
    /// (each its own parallel unit) and CSV all give the same result.
    #[test]
    fn result_does_not_depend_on_batches_row_groups_or_units(
        (kind, rows) in data(),
        rg in 1usize..40,
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
    ) {
        let d = tempfile::tempdir().unwrap();
        let one = write_pq(d.path(), "one.parquet", kind, &rows, rows.len());
        let many = write_pq(d.path(), "many.parquet", kind, &rows, rg);
        let csv = write_csv(d.path(), "all.csv", kind, &rows);
        // Shards at random cut points (empty shards are not written).
        let mut at: Vec<usize> = cuts.iter().map(|c| c.index(rows.len() + 1)).collect();
        at.extend([0, rows.len()]);
        at.sort();
        at.dedup();
        let dir = d.path().join("shards");
        std::fs::create_dir(&dir).unwrap();
        for (i, w) in at.windows(2).enumerate() {
            write_pq(&dir, &format!("part-{i:02}.parquet"), kind, &rows[w[0]..w[1]], rg);
        }
        let want = stats_report(std::slice::from_ref(&one), kind);
        // Same unit, other row groups and batches: bit-identical.
        prop_assert_eq!(without_paths(stats_report(&[many], kind)), without_paths(want.clone()));
        prop_assert_eq!(without_paths(stats_report(&[csv], kind)), without_paths(want.clone()));
        // Other units: equal up to rounding.
        assert_reports_close(stats_report(std::slice::from_ref(&dir), kind), want, 1e-12);
        assert_compare_close(compare_report(std::slice::from_ref(&dir), kind), compare_report(&[one], kind), 1e-12);
        // The thread count changes nothing, bit for bit.
        let runs: Vec<_> = [1, 2, 3]
            .iter()
            .map(|&n| {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(n).build().unwrap();
                pool.install(|| rounded(&pass(std::slice::from_ref(&dir), kind)))
            })
            .collect();
        prop_assert_eq!(&runs[0], &runs[1]);
        prop_assert_eq!(&runs[0], &runs[2]);
    }

    /// One pass over files A and B equals the merge of a pass over A and one over B,
    /// bit for bit once rounded (the merge is exact).
    #[test]
    fn concatenating_two_files_equals_merging_their_partials(
        (kind, rows) in data(),
        cut in any::<prop::sample::Index>(),
        a_csv in any::<bool>(),
        b_csv in any::<bool>(),
    ) {
        let d = tempfile::tempdir().unwrap();
        let i = cut.index(rows.len() + 1).clamp(1, rows.len().max(1));
        let (ra, rb) = rows.split_at(i);
        prop_assume!(!rb.is_empty());
        prop_assume!(ra.iter().any(|r| r.0 != -100) && rb.iter().any(|r| r.0 != -100));
        let file = |name: &str, csv: bool, r: &[Row]| {
            if csv {
                write_csv(d.path(), &format!("{name}.csv"), kind, r)
            } else {
                write_pq(d.path(), &format!("{name}.parquet"), kind, r, 7)
            }
        };
        let a = file("a", a_csv, ra);
        let b = file("b", b_csv, rb);
        let parts = [
            ("a".to_string(), pass(std::slice::from_ref(&a), kind)),
            ("b".to_string(), pass(std::slice::from_ref(&b), kind)),
        ];
        let ab = api::merge(&parts).unwrap();
        let whole = pass(&[a, b], kind);
        prop_assert_eq!(rounded(&ab), rounded(&whole));
    }
}

#[test]
fn csv_cut_into_parallel_ranges_equals_one_parquet_unit() {
    // > 8 MiB of CSV: two byte ranges merged in order, against one Parquet unit.
    let d = tempfile::tempdir().unwrap();
    let n = 620_000;
    let rows: Vec<Row> = (0..n)
        .map(|i| {
            let x = ((i * 7919) % 20_011) as f64 / 1000.0 - 10.0;
            ((i % 3 == 0) as i64, vec![x])
        })
        .collect();
    let csv = write_csv(d.path(), "big.csv", Kind::BinaryLogit, &rows);
    // Past CHUNK_BYTES the CSV is cut into ranges.
    assert!(std::fs::metadata(&csv).unwrap().len() > crate::support::sizes::CHUNK_BYTES);
    let pq = write_pq(d.path(), "big.parquet", Kind::BinaryLogit, &rows, n);
    assert_reports_close(
        stats_report(&[csv], Kind::BinaryLogit),
        stats_report(&[pq], Kind::BinaryLogit),
        1e-12,
    );
}
