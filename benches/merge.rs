//! Criterion bench: merging partial results as `flcli merge` does (decode the
//! bytes, check the settings, add the exact sums, encode the result).
//!
//! 1000 partials of a 10-class softmax `compare` grid: `flcli partial` with
//! its default γ list (0, 0.5, 1, 2, 3, 5 and FLSD-53: 7 terms, tails and
//! calibration kept) over ten shards of `fixtures/longtail.csv`, each used
//! 100 times. The time per iteration is the merge of all 1000 (target < 1 s).
//!
//! Run: `cargo bench --bench merge`.

use criterion::{Criterion, SamplingMode};
use std::path::Path;
use std::time::Duration;

/// Ten partial results (bytes) of shards of the 10-class fixture.
fn shards(dir: &Path) -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string("fixtures/longtail.csv").expect("the fixture");
    let mut lines = text.lines();
    let header = lines.next().expect("a header");
    let rows: Vec<&str> = lines.collect();
    let per = rows.len().div_ceil(10);
    rows.chunks(per)
        .enumerate()
        .map(|(i, chunk)| {
            let csv = dir.join(format!("shard{i}.csv"));
            std::fs::write(&csv, format!("{header}\n{}\n", chunk.join("\n"))).expect("write");
            let out = dir.join(format!("shard{i}.flp"));
            let args = ["flcli", "partial", "-q", "--probs", "prob_*"];
            let code = flcli::run(args.iter().map(|s| s.to_string()).chain([
                csv.display().to_string(),
                "-o".into(),
                out.display().to_string(),
            ]));
            assert_eq!(code, 0, "flcli partial failed");
            std::fs::read(&out).expect("the partial")
        })
        .collect()
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let ten = shards(dir.path());
    let all: Vec<&[u8]> = (0..1000).map(|i| ten[i % ten.len()].as_slice()).collect();
    println!(
        "partial size, 10-class softmax, default γ list: {} bytes",
        ten[0].len()
    );
    let mut c = Criterion::default().configure_from_args();
    let mut g = c.benchmark_group("merge");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    g.bench_function("1000_partials_softmax10", |b| {
        b.iter(|| {
            let parts: Vec<(String, flcli::api::PartialResult)> = all
                .iter()
                .enumerate()
                .map(|(i, bytes)| {
                    let name = format!("part{i}.flp");
                    let p = flcli::api::decode(bytes, &name).expect("decodes");
                    (name, p)
                })
                .collect();
            let merged = flcli::api::merge(&parts).expect("merges");
            flcli::api::encode(&merged).expect("encodes")
        })
    });
    g.finish();
    c.final_summary();
}
