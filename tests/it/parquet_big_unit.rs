//! One huge Parquet row group, decoded on a thread of its own and added up by
//! two threads, each taking the next batch when it is free: the report is the
//! one of the same rows in small row groups, whichever thread took which
//! batch. That holds for the sums, for the first locations of the skipped
//! rows (in row order) and for the error, which names the first invalid row.

use crate::support::*;
use arrow_array::Float32Array;
use parquet::file::properties::WriterProperties;
use std::path::{Path, PathBuf};

/// More rows than a unit that two threads add up (twice a unit's rows).
const N: usize = 2 * sizes::UNIT_ROWS as usize + 60_000;

/// The rows whose score is NaN: every 97,001st from row 5,000, twelve in
/// all, spread over the batches of both threads.
fn bad(i: usize) -> bool {
    i >= 5_000 && (i - 5_000).is_multiple_of(97_001)
}

/// The rows in row groups of `rg` rows, the scores as float32 (read by the
/// column reader straight into the engine's batch) or float64 (the Arrow
/// reader), dictionary-encoded first as writers do by default.
fn write(w: &Workdir, rg: usize, f32s: bool) -> PathBuf {
    let mut r = Rng(0x5DEE_CE66_D1CE_4E5B);
    let mut labels = Vec::with_capacity(N);
    let mut probs = Vec::with_capacity(N);
    for i in 0..N {
        labels.push(r.next().is_multiple_of(10) as i64);
        // Scores on a grid of 1/4096, so the dictionary fills and the
        // chunk goes on in plain pages.
        let p = (1 + r.next() % 4095) as f64 / 4096.0;
        probs.push(if bad(i) { f64::NAN } else { p });
    }
    let scores = if f32s {
        arr(Float32Array::from(
            probs.iter().map(|&p| p as f32).collect::<Vec<_>>(),
        ))
    } else {
        f64s(probs)
    };
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(rg))
        .build();
    let kind = if f32s { "f32" } else { "f64" };
    w.write_parquet_with(
        &format!("{kind}_rg{rg}.parquet"),
        vec![("label", i64s(labels)), ("prob", scores)],
        props,
    )
}

/// The JSON report of `stats --skip-invalid` on `p` on `jobs` threads,
/// without its paths.
fn report(p: &Path, jobs: &str) -> serde_json::Value {
    let args = [p.to_str().unwrap(), "--skip-invalid", "-j", jobs];
    let mut v = json_value("stats", &args);
    without_paths_json(&mut v);
    if let Some(s) = v["input"]["skipped"].as_array_mut() {
        for reason in s {
            reason.as_object_mut().unwrap().remove("files");
        }
    }
    v
}

#[test]
fn a_huge_row_group_added_up_by_two_threads_reports_as_small_row_groups() {
    let w = Workdir::new();
    let first: Vec<u64> = (0..N).filter(|&i| bad(i)).map(|i| i as u64).collect();
    assert_eq!(first.len(), 12);
    for f32s in [true, false] {
        let (huge, small) = (write(&w, N, f32s), write(&w, 100_000, f32s));
        let r = report(&huge, "2");
        let skipped = &r["input"]["skipped"][0];
        assert_eq!(skipped["count"], 12);
        assert_eq!(
            skipped["first"],
            serde_json::json!(first[..5]),
            "in row order"
        );
        assert_eq!(r["input"]["rows_used"], (N - 12) as u64, "float32 {f32s}");
        assert_eq!(r, report(&small, "2"), "float32 {f32s}");
        assert_eq!(report(&huge, "1"), r);
        // Without --skip-invalid: the first NaN, whichever thread met it.
        let e = stats_err(&[huge.to_str().unwrap(), "-j", "2"]);
        assert_mentions(&e, &["row 5000 (0-based)", "prob", "NaN"]);
    }
}
