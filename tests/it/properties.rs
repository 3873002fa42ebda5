//! Properties over generated data (proptest): γ = 0 without α is CE exactly;
//! class and bucket sums add up to the totals; CSV and Parquet of the same
//! data agree; 1 thread and N threads give bit-identical output, both over a
//! directory of shards and over single files big enough to be split into
//! several parallel units.

use crate::support::sizes::{CHUNK_BYTES, UNIT_ROWS};
use crate::support::{self, f64s, i64s, ok, rel, stats_json, Rng, Workdir};
use flcli::report::StatsReport;
use proptest::prelude::*;

/// A generated prediction dump.
#[derive(Clone, Debug)]
struct Data {
    mode: &'static str,
    logits: bool,
    labels: Vec<i64>,
    /// One row of scores per label (binary: one score).
    scores: Vec<Vec<f64>>,
}

impl Data {
    fn width(&self) -> usize {
        self.scores.first().map_or(1, Vec::len)
    }

    fn score_names(&self) -> Vec<String> {
        let stem = if self.logits { "logit" } else { "prob" };
        if self.mode == "binary" {
            vec![stem.to_string()]
        } else {
            (0..self.width()).map(|k| format!("{stem}_{k}")).collect()
        }
    }

    /// Explicit flags, so nothing depends on detection.
    fn flags(&self) -> Vec<String> {
        let flag = match (self.mode, self.logits) {
            ("binary", true) => "--logit",
            ("binary", false) => "--prob",
            (_, true) => "--logits",
            (_, false) => "--probs",
        };
        vec![
            "--mode".into(),
            self.mode.into(),
            "--label".into(),
            "label".into(),
            flag.into(),
            self.score_names().join(","),
        ]
    }

    fn csv(&self, rows: std::ops::Range<usize>) -> String {
        let mut s = format!("label,{}\n", self.score_names().join(","));
        for i in rows {
            s.push_str(&self.labels[i].to_string());
            for v in &self.scores[i] {
                // Display prints the shortest string that parses back to the same f64.
                s.push(',');
                s.push_str(&v.to_string());
            }
            s.push('\n');
        }
        s
    }

    fn write_csv(&self, w: &Workdir, name: &str, rows: std::ops::Range<usize>) {
        w.write(name, self.csv(rows));
    }

    fn write_parquet(&self, w: &Workdir, name: &str, rows: std::ops::Range<usize>, rg: usize) {
        let names = self.score_names();
        let mut cols = vec![("label", i64s(self.labels[rows.clone()].to_vec()))];
        for (k, n) in names.iter().enumerate() {
            let v = rows.clone().map(|i| self.scores[i][k]).collect();
            cols.push((n.as_str(), f64s(v)));
        }
        w.write_parquet(name, cols, rg);
    }
}

/// A probability that is sometimes exactly 0 or 1 (clamping must cope).
fn prob() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => 0.0..=1.0f64,
        1 => Just(0.0),
        1 => Just(1.0),
        1 => 0.0..1e-9f64,
    ]
}

fn binary() -> impl Strategy<Value = Data> {
    (any::<bool>(), 1usize..300).prop_flat_map(|(logits, n)| {
        let score = if logits {
            (-40.0..40.0f64).boxed()
        } else {
            prob().boxed()
        };
        (
            proptest::collection::vec(prop_oneof![10 => 0i64..=1, 1 => Just(-100)], n),
            proptest::collection::vec(score, n),
        )
            .prop_map(move |(labels, s)| Data {
                mode: "binary",
                logits,
                labels,
                scores: s.into_iter().map(|x| vec![x]).collect(),
            })
    })
}

fn softmax() -> impl Strategy<Value = Data> {
    (any::<bool>(), 2usize..6, 1usize..200).prop_flat_map(|(logits, k, n)| {
        (
            proptest::collection::vec(0..k as i64, n),
            proptest::collection::vec(proptest::collection::vec(-12.0..12.0f64, k), n),
        )
            .prop_map(move |(labels, z)| Data {
                mode: "softmax",
                logits,
                labels,
                scores: if logits {
                    z
                } else {
                    z.iter().map(|r| support::softmax(r)).collect()
                },
            })
    })
}

fn sigmoid() -> impl Strategy<Value = Data> {
    (any::<bool>(), 2usize..5, 1usize..150).prop_flat_map(|(logits, k, n)| {
        let score = if logits {
            (-30.0..30.0f64).boxed()
        } else {
            prob().boxed()
        };
        (
            proptest::collection::vec(
                prop_oneof![6 => 0..k as i64, 3 => Just(-1), 1 => Just(-100)],
                n,
            ),
            proptest::collection::vec(proptest::collection::vec(score, k), n),
        )
            .prop_map(move |(labels, scores)| Data {
                mode: "sigmoid",
                logits,
                labels,
                scores,
            })
    })
}

fn any_data() -> impl Strategy<Value = Data> {
    prop_oneof![binary(), softmax(), sigmoid()]
}

/// An α valid for the data's mode, as a flag value.
fn alpha_for(d: &Data, a: f64) -> String {
    match d.mode {
        "softmax" => (0..d.width())
            .map(|k| format!("{}", (a + 0.13 * k as f64) % 1.0))
            .collect::<Vec<_>>()
            .join(","),
        _ => a.to_string(),
    }
}

fn stats(w: &Workdir, file: &str, d: &Data, extra: &[&str]) -> StatsReport {
    stats_json(
        w.cmd()
            .args(["stats", file, "--json", "-q"])
            .args(d.flags())
            .args(extra),
    )
}

/// Every data row was ignored: there is nothing to sum, so the property holds vacuously.
fn all_ignored(d: &Data) -> bool {
    d.labels.iter().all(|&l| l == -100)
}

fn close(a: f64, b: f64) -> bool {
    rel(a, b) <= 1e-12 || (a - b).abs() <= 1e-300
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn gamma_zero_without_alpha_is_ce_exactly(d in any_data()) {
        prop_assume!(!all_ignored(&d));
        let w = Workdir::new();
        d.write_csv(&w, "d.csv", 0..d.labels.len());
        let r = stats(&w, "d.csv", &d, &["--gamma", "0", "--alpha", "none"]);
        for c in &r.classes {
            prop_assert_eq!(c.focal_sum.to_bits(), c.ce_sum.to_bits(), "class {}", c.index);
        }
        for b in &r.buckets {
            prop_assert_eq!(b.focal_sum.to_bits(), b.ce_sum.to_bits(), "bucket {}", b.lower);
        }
        prop_assert_eq!(r.totals.focal_sum.to_bits(), r.totals.ce_sum.to_bits());
    }

    #[test]
    fn class_and_bucket_sums_add_up_to_the_totals(
        d in any_data(), gamma in 0.0..5.0f64, a in 0.0..=1.0f64,
    ) {
        prop_assume!(!all_ignored(&d));
        let w = Workdir::new();
        d.write_csv(&w, "d.csv", 0..d.labels.len());
        let (g, a) = (gamma.to_string(), alpha_for(&d, a));
        let r = stats(&w, "d.csv", &d, &["--gamma", &g, "--alpha", &a]);
        let t = &r.totals;
        let n: u64 = r.buckets.iter().map(|b| b.count).sum();
        prop_assert_eq!(n, t.elements);
        let n: u64 = r.classes.iter().map(|c| c.elements).sum();
        prop_assert_eq!(n, t.elements);
        let ce: f64 = r.classes.iter().map(|c| c.ce_sum).sum();
        let fl: f64 = r.classes.iter().map(|c| c.focal_sum).sum();
        prop_assert!(close(ce, t.ce_sum), "class CE {} vs total {}", ce, t.ce_sum);
        prop_assert!(close(fl, t.focal_sum), "class FL {} vs total {}", fl, t.focal_sum);
        let ce: f64 = r.buckets.iter().map(|b| b.ce_sum).sum();
        let fl: f64 = r.buckets.iter().map(|b| b.focal_sum).sum();
        prop_assert!(close(ce, t.ce_sum), "bucket CE {} vs total {}", ce, t.ce_sum);
        prop_assert!(close(fl, t.focal_sum), "bucket FL {} vs total {}", fl, t.focal_sum);
        // FL ≤ CE elementwise when α_t ≤ 1 (torchvision's own test).
        prop_assert!(t.focal_sum <= t.ce_sum * (1.0 + 1e-12));
    }

    #[test]
    fn csv_and_parquet_of_the_same_data_agree(d in any_data(), gamma in 0.0..5.0f64) {
        prop_assume!(!all_ignored(&d));
        let w = Workdir::new();
        let n = d.labels.len();
        d.write_csv(&w, "d.csv", 0..n);
        d.write_parquet(&w, "d.parquet", 0..n, 64);
        let g = gamma.to_string();
        let c = stats(&w, "d.csv", &d, &["--gamma", &g]);
        let p = stats(&w, "d.parquet", &d, &["--gamma", &g]);
        prop_assert_eq!(&c.input.rows_read, &p.input.rows_read);
        prop_assert_eq!(&c.input.rows_used, &p.input.rows_used);
        prop_assert_eq!(&c.input.rows_ignored, &p.input.rows_ignored);
        prop_assert_eq!(c.totals.elements, p.totals.elements);
        prop_assert!(close(c.totals.ce_sum, p.totals.ce_sum));
        prop_assert!(close(c.totals.focal_sum, p.totals.focal_sum));
        for (x, y) in c.classes.iter().zip(&p.classes) {
            prop_assert_eq!(x.count, y.count);
            prop_assert_eq!(x.accuracy, y.accuracy);
            prop_assert!(close(x.ce_sum, y.ce_sum) && close(x.focal_sum, y.focal_sum));
        }
        for (x, y) in c.buckets.iter().zip(&p.buckets) {
            prop_assert_eq!(x.count, y.count);
            prop_assert!(close(x.ce_sum, y.ce_sum) && close(x.focal_sum, y.focal_sum));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// A directory of CSV and Parquet shards is several units: merged in input order, the
    /// JSON is byte-identical for any thread count.
    #[test]
    fn threads_give_bit_identical_output_over_shards(d in any_data(), shards in 2usize..6) {
        prop_assume!(!all_ignored(&d) && d.labels.len() >= shards);
        let w = Workdir::new();
        let n = d.labels.len();
        for s in 0..shards {
            let rows = s * n / shards..(s + 1) * n / shards;
            if s % 2 == 0 {
                d.write_csv(&w, &format!("shards/part-{s}.csv"), rows);
            } else {
                d.write_parquet(&w, &format!("shards/part-{s}.parquet"), rows, 16);
            }
        }
        let run = |j: &str| {
            ok(w.cmd().args(["-j", j, "stats", "shards", "--json"]).args(d.flags())).0
        };
        let one = run("1");
        prop_assert!(one.contains("\"mixed\"") || shards < 2);
        prop_assert_eq!(one, run("3"));
    }
}

/// Deterministic pseudo-random data (xorshift), big enough for several units.
fn big(mode: &'static str, logits: bool, rows: usize, k: usize) -> Data {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let mut next = move || r.uniform();
    let mut labels = Vec::with_capacity(rows);
    let mut scores = Vec::with_capacity(rows);
    for _ in 0..rows {
        let u = next();
        let y = (u * k as f64) as i64;
        let z: Vec<f64> = (0..k)
            .map(|c| 6.0 * next() - 3.0 + if c as i64 == y { 2.0 } else { 0.0 })
            .collect();
        match mode {
            "binary" => {
                labels.push(y.min(1));
                scores.push(vec![if logits {
                    z[0]
                } else {
                    1.0 / (1.0 + (-z[0]).exp())
                }]);
            }
            _ => {
                labels.push(y);
                scores.push(if logits { z } else { support::softmax(&z) });
            }
        }
    }
    Data {
        mode,
        logits,
        labels,
        scores,
    }
}

#[test]
fn threads_give_bit_identical_output_on_a_csv_split_into_byte_ranges() {
    // ~20 MB of softmax probabilities: CSV units are 8 MiB byte ranges.
    let d = big("softmax", false, 110_000, 8);
    let w = Workdir::new();
    d.write_csv(&w, "big.csv", 0..d.labels.len());
    let size = std::fs::metadata(w.path("big.csv")).unwrap().len();
    // Cuts end after the first newline CHUNK_BYTES past a cut: at least three ranges.
    assert!(
        size > 2 * CHUNK_BYTES,
        "only {size} bytes: the CSV is not split"
    );
    let run = |j: &str| {
        ok(w.cmd()
            .args(["-j", j, "stats", "big.csv", "--json"])
            .args(d.flags()))
        .0
    };
    let one = run("1");
    assert_eq!(one, run("3"), "-j 1 and -j 3 differ");
    let r: StatsReport = serde_json::from_str(&one).unwrap();
    assert_eq!(r.input.rows_read, 110_000);
}

#[test]
fn threads_give_bit_identical_output_on_parquet_split_into_row_group_runs() {
    // Parquet units are runs of row groups of ~512K rows.
    let d = big("binary", true, 1_300_000, 2);
    let w = Workdir::new();
    d.write_parquet(&w, "big.parquet", 0..d.labels.len(), 100_000);
    // A unit ends at the first row group that brings it to UNIT_ROWS rows: with row
    // groups of 100,000 rows, more than 2 × UNIT_ROWS rows are at least two units.
    assert!(
        d.labels.len() as u64 > 2 * UNIT_ROWS,
        "the file is not split"
    );
    let run = |j: &str| {
        ok(w.cmd()
            .args(["-j", j, "stats", "big.parquet", "--json"])
            .args(d.flags()))
        .0
    };
    let one = run("1");
    assert_eq!(one, run("3"), "-j 1 and -j 3 differ");
    let r: StatsReport = serde_json::from_str(&one).unwrap();
    assert_eq!(r.input.rows_read, 1_300_000);
}

/// Wide softmax rows (K = 1000): a directory of shards gives the same bytes for
/// any thread count, and the same rows cut into other row groups (so other
/// batches) give the same report.
#[test]
fn wide_softmax_rows_are_bit_identical_across_threads_and_batches() {
    use crate::simd::wide_softmax_parquet;
    let w = Workdir::new();
    for (i, rg) in [(0, 16), (1, 100), (2, 7)] {
        wide_softmax_parquet(&w, &format!("shards/part-{i}.parquet"), i, (150, 1000), rg);
    }
    let run = |j: &str| {
        ok(w.cmd().args([
            "-j",
            j,
            "compare",
            "shards",
            "--gamma",
            "0,0.5,1,2,5",
            "--json",
        ]))
        .0
    };
    let one = run("1");
    assert_eq!(one, run("2"), "-j 1 and -j 2 differ");
    assert_eq!(one, run("3"), "-j 1 and -j 3 differ");
    let a = wide_softmax_parquet(&w, "rg300.parquet", 9, (300, 1000), 300);
    let b = wide_softmax_parquet(&w, "rg5.parquet", 9, (300, 1000), 5);
    let stats = |f: &str| {
        let out = ok(w.cmd().args(["stats", f, "--json"])).0;
        support::without_paths(serde_json::from_str::<StatsReport>(&out).unwrap())
    };
    assert_eq!(stats(&a), stats(&b));
}

#[test]
fn threads_give_bit_identical_output_on_one_huge_parquet_row_group() {
    // One row group far bigger than a unit is decoded on a thread of its own
    // while the unit's thread adds it up (with more than one thread).
    let d = big("binary", true, 1_100_000, 2);
    let w = Workdir::new();
    d.write_parquet(&w, "one.parquet", 0..d.labels.len(), 1_100_000);
    let run = |j: &str, cmd: &str| {
        ok(w.cmd()
            .args(["-j", j, cmd, "one.parquet", "--json"])
            .args(d.flags()))
        .0
    };
    let one = run("1", "stats");
    assert_eq!(one, run("2", "stats"), "-j 1 and -j 2 differ");
    assert_eq!(
        run("1", "compare"),
        run("3", "compare"),
        "compare: -j 1 and -j 3 differ"
    );
    let r: StatsReport = serde_json::from_str(&one).unwrap();
    assert_eq!(r.input.rows_read, 1_100_000);
}
