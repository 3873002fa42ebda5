//! Partial results of version 1 (no second moments): recommend reads them,
//! says why it has no share intervals, and a merge with a partial that has
//! them has none either.

use crate::api::{self, ArrowData, Memory};
use crate::report::Report;
use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch};
use serde_json::Value;
use std::sync::Arc;

/// Balanced binary logits: 50 copies of 12 easy elements (p_t = 0.92) and one
/// hard one (p_t = 0.5) per polarity, in memory.
fn copies() -> Memory {
    let logit = |p: f64| (p / (1.0 - p)).ln();
    let (mut labels, mut logits) = (Vec::new(), Vec::new());
    for _ in 0..50 {
        for y in [0i64, 1] {
            for pt in std::iter::repeat_n(0.92, 12).chain([0.5]) {
                labels.push(y);
                logits.push(if y == 1 { logit(pt) } else { -logit(pt) });
            }
        }
    }
    let label: ArrayRef = Arc::new(Int64Array::from(labels));
    let logit: ArrayRef = Arc::new(Float64Array::from(logits));
    let batch = RecordBatch::try_from_iter([("label", label), ("logit", logit)]).unwrap();
    Memory::Arrow(Arc::new(
        ArrowData::collect(batch.schema(), [Ok(batch)]).unwrap(),
    ))
}

/// The recommend report on `args` (and `memory`) as its JSON value.
fn recommend(args: &[&str], memory: Option<Memory>) -> Value {
    let mut argv = vec!["recommend".to_string()];
    argv.extend(args.iter().map(|a| a.to_string()));
    let (Report::Recommend(r), _) = api::evaluate(&argv, memory).unwrap() else {
        unreachable!("recommend gives a recommend report")
    };
    serde_json::to_value(r).unwrap()
}

#[test]
fn sums_without_second_moments_say_so() {
    let d = |r: &Value| r["evidence"]["decision"].clone();
    let direct = recommend(&[], Some(copies()));
    let part = api::partial(&["partial".to_string()], Some(copies())).unwrap();
    // A partial without second moments: version 1, its header without "moments".
    let mut hdr = part.header.clone();
    hdr.spec.moments = false;
    let spec = hdr.spec.engine(hdr.about.classes.len()).unwrap();
    let held = part.header.spec.engine(hdr.about.classes.len()).unwrap();
    let mut sums = part.sums.clone();
    sums.round();
    let sums = super::project(&sums, &held, &spec);
    let v1 = super::encode(&super::PartialResult { header: hdr, sums }).unwrap();
    assert_eq!(u32::from_le_bytes(v1[8..12].try_into().unwrap()), 1);
    let dir = tempfile::tempdir().unwrap();
    let v1_path = dir.path().join("old.flp");
    std::fs::write(&v1_path, &v1).unwrap();
    let r = recommend(&[v1_path.to_str().unwrap()], None);
    let dd = d(&r);
    assert!(dd["ce_easy_grad_share_interval"].is_null());
    assert!(dd["share_intervals_unavailable"]
        .as_str()
        .unwrap()
        .contains("without squared sums"));
    assert_eq!(dd["ce_easy_grad_share"], d(&direct)["ce_easy_grad_share"]);
    let why = r["recommendation"]["rationale"].to_string();
    assert!(why.contains("no 95% intervals here"), "{why}");
    // Merged with a partial that has them, the result has none (and says so).
    let parts = [
        ("d.flp".to_string(), super::encode(&part).unwrap()),
        ("old.flp".to_string(), v1),
    ];
    let merged = dir.path().join("m.flp");
    std::fs::write(&merged, api::merge_encoded(&parts).unwrap()).unwrap();
    let r = recommend(&[merged.to_str().unwrap()], None);
    assert!(d(&r)["share_intervals_unavailable"].is_string());
}
