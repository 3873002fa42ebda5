//! Criterion benches of the per-element kernels: the engine's `accumulate`
//! (`flcli::internals`, feature `internals`) on in-memory batches, so decoding is out of the picture.
//!
//! Throughput is in elements = scores processed (rows × K): for binary that is
//! rows, for softmax and sigmoid rows × classes, which keeps the ln/exp work per
//! element comparable across modes. Every batch holds 2^20 scores.
//!
//! Run: `cargo bench --features internals --bench kernels` (filter: append `-- softmax`).

use clap::Parser;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use flcli::internals::{
    accumulate, focal, parse_edges, terms_for, Alpha, Batch, Cli, Command, EngineSpec, Mode,
    ScoreKind, Term, UnitAcc, BACKGROUND,
};
use std::hint::black_box;

mod common;
use common::{binary_row, multi_row, sigmoid, LongTail, Rng};

/// Scores per batch: large enough to leave the caches, small enough for fast samples.
const SCORES: usize = 1 << 20;
/// The `compare` grid of issue 4.
const GRID: [f64; 5] = [0.0, 0.5, 1.0, 2.0, 5.0];

/// An engine spec with the CLI's default ε, buckets and easy threshold (read
/// from clap, so the bench follows the defaults if they change).
fn spec(mode: Mode, kind: ScoreKind, classes: usize, terms: Vec<Term>, tails: bool) -> EngineSpec {
    let cli = Cli::try_parse_from(["flcli", "stats", "x.parquet"]).expect("default flags parse");
    let Command::Stats(a) = cli.command else {
        unreachable!("parsed a stats command")
    };
    EngineSpec {
        mode,
        kind,
        classes,
        eps: a.loss.sums.eps,
        edges: parse_edges(&a.loss.sums.buckets).expect("default buckets parse"),
        easy: a.loss.sums.easy,
        terms,
        tails,
        // As the commands: stats keeps calibration bins, compare (without --plot) does not.
        calib: !tails,
        multilabel: false,
        moments: false,
    }
}

/// What `stats --gamma 2` accumulates: one term, no tail histograms.
fn stats_terms() -> Vec<Term> {
    vec![Term::Pow(2.0)]
}

/// What `compare --gamma 0,0.5,1,2,5 --alpha 0.25` accumulates: five terms and the tails.
fn grid_terms() -> Vec<Term> {
    let a = Alpha::Scalar(0.25);
    let defs: Vec<_> = GRID.iter().map(|&g| focal(g, &a)).collect();
    terms_for(&defs)
}

/// A binary batch of `SCORES` rows: probabilities or logits of the same rows.
fn binary_batch(kind: ScoreKind) -> Batch {
    let mut rng = Rng::new(1);
    let mut b = Batch::default();
    for _ in 0..SCORES {
        let (y, x) = binary_row(&mut rng);
        b.labels.push(y as i32);
        b.scores.push(match kind {
            ScoreKind::Logits => x,
            ScoreKind::Probabilities => sigmoid(x),
        });
    }
    b
}

/// A K-class batch of logits (`SCORES / k` rows). Softmax: every row has a
/// long-tailed class; sigmoid: half the rows are background.
fn multi_batch(mode: Mode, k: usize) -> Batch {
    let mut rng = Rng::new(2 + k as u64);
    let tail = LongTail::new(k);
    let mut b = Batch::default();
    for _ in 0..SCORES / k {
        let label = if mode == Mode::Sigmoid && rng.uniform() < 0.5 {
            None
        } else {
            Some(tail.sample(&mut rng))
        };
        b.labels.push(label.map_or(BACKGROUND, |c| c as i32));
        multi_row(&mut rng, k, label, &mut b.scores);
    }
    b
}

/// What `recommend` accumulates for the same grid: the tails, the calibration bins, and
/// (`moments`) the second moments behind its share intervals.
fn recommend_spec(mut s: EngineSpec, moments: bool) -> EngineSpec {
    s.tails = true;
    s.calib = true;
    s.moments = moments;
    s
}

fn run(c: &mut Criterion, group: &str, cases: Vec<(String, EngineSpec, Batch)>) {
    let mut g = c.benchmark_group(group);
    for (name, spec, batch) in &cases {
        g.throughput(Throughput::Elements(batch.scores.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), batch, |b, batch| {
            b.iter(|| {
                let mut acc = UnitAcc::new(spec);
                accumulate(spec, black_box(batch), &mut acc);
                black_box(acc.settle())
            })
        });
    }
    g.finish();
}

fn binary(c: &mut Criterion) {
    let mut cases = Vec::new();
    for (kname, kind) in [
        ("prob", ScoreKind::Probabilities),
        ("logit", ScoreKind::Logits),
    ] {
        let batch = binary_batch(kind);
        let one = spec(Mode::Binary, kind, 2, stats_terms(), false);
        let grid = spec(Mode::Binary, kind, 2, grid_terms(), true);
        cases.push((format!("{kname}/stats_g2"), one, batch.clone()));
        cases.push((
            format!("{kname}/compare_5g_tails"),
            grid.clone(),
            batch.clone(),
        ));
        for (name, m) in [("recommend_5g", false), ("recommend_5g_moments", true)] {
            let s = recommend_spec(grid.clone(), m);
            cases.push((format!("{kname}/{name}"), s, batch.clone()));
        }
    }
    run(c, "kernel_binary", cases);
}

fn softmax(c: &mut Criterion) {
    let mut cases = Vec::new();
    for k in [10, 80, 100, 1000] {
        let batch = multi_batch(Mode::Softmax, k);
        let one = spec(Mode::Softmax, ScoreKind::Logits, k, stats_terms(), false);
        cases.push((format!("logit/k{k}/stats_g2"), one, batch.clone()));
        if k >= 100 {
            let grid = spec(Mode::Softmax, ScoreKind::Logits, k, grid_terms(), true);
            cases.push((
                format!("logit/k{k}/compare_5g_tails"),
                grid.clone(),
                batch.clone(),
            ));
            if k == 100 {
                for (name, m) in [("recommend_5g", false), ("recommend_5g_moments", true)] {
                    let s = recommend_spec(grid.clone(), m);
                    cases.push((format!("logit/k{k}/{name}"), s, batch.clone()));
                }
            }
        }
    }
    run(c, "kernel_softmax", cases);
}

fn sigmoid_ovr(c: &mut Criterion) {
    let k = 80;
    let s = spec(Mode::Sigmoid, ScoreKind::Logits, k, stats_terms(), false);
    let batch = multi_batch(Mode::Sigmoid, k);
    let mut cases = vec![(format!("logit/k{k}/stats_g2"), s, batch.clone())];
    let grid = spec(Mode::Sigmoid, ScoreKind::Logits, k, grid_terms(), true);
    for (name, m) in [("recommend_5g", false), ("recommend_5g_moments", true)] {
        cases.push((
            format!("logit/k{k}/{name}"),
            recommend_spec(grid.clone(), m),
            batch.clone(),
        ));
    }
    run(c, "kernel_sigmoid", cases);
}

criterion_group!(kernels, binary, softmax, sigmoid_ovr);
criterion_main!(kernels);
