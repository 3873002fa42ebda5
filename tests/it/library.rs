//! The library entry (`flcli::api`): reports from in-memory Arrow batches and
//! from partial results equal the CLI's on the same rows, whatever the batch
//! sizes; errors are the CLI's messages.

use crate::support::fixture;
use flcli::api::{self, ArrowData, Memory};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;
use std::sync::Arc;

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

/// The fixture's rows in record batches of `rows` rows, in memory.
fn memory(name: &str, rows: usize) -> Memory {
    let f = std::fs::File::open(fixture(name)).unwrap();
    let r = ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .with_batch_size(rows)
        .build()
        .unwrap();
    let schema = arrow_array::RecordBatchReader::schema(&r);
    Memory::Arrow(Arc::new(ArrowData::collect(schema, r).unwrap()))
}

/// A report without what says where its rows came from: the `input` object,
/// and the command line of `reproduce` (which names the input).
fn without_input(s: &str) -> Value {
    let mut v: Value = serde_json::from_str(s).unwrap();
    v.as_object_mut().unwrap().remove("input");
    if let Some(r) = v.get_mut("reproduce").and_then(Value::as_object_mut) {
        r.remove("flcli");
    }
    v
}

fn cli_json(a: &[&str]) -> String {
    let out = assert_cmd::Command::cargo_bin("flcli")
        .unwrap()
        .args(a)
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn in_memory_batches_report_as_the_file_does() {
    let path = fixture("longtail.parquet");
    let p = path.to_str().unwrap();
    for cmd in ["stats", "compare", "recommend"] {
        let want = without_input(&cli_json(&[cmd, p]));
        for rows in [37, 1000, 1 << 20] {
            let got = api::report(&args(&[cmd]), Some(memory("longtail.parquet", rows))).unwrap();
            assert_eq!(without_input(&got), want, "{cmd}, batches of {rows}");
        }
        // Paths go through the same entry, input object and all.
        let got = api::report(&args(&[cmd, p]), None).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&got).unwrap(),
            serde_json::from_str::<Value>(&cli_json(&[cmd, p])).unwrap()
        );
    }
}

#[test]
fn partials_in_memory_merge_and_report() {
    let a = api::partial(&args(&["partial"]), Some(memory("detection.parquet", 500))).unwrap();
    let p = fixture("detection.parquet");
    let b = api::partial(&args(&["partial", p.to_str().unwrap()]), None).unwrap();
    let m = api::merge(&[("a".into(), a.clone()), ("b".into(), b.clone())]).unwrap();
    assert_eq!(m.sums.rows_read, 2 * a.sums.rows_read);
    // Merging the encoded parts one at a time gives the same bytes.
    let bytes = api::merge_encoded(&[
        ("a".into(), api::encode(&a).unwrap()),
        ("b".into(), api::encode(&b).unwrap()),
    ])
    .unwrap();
    assert_eq!(bytes, api::encode(&m).unwrap());
    let damaged = api::merge_encoded(&[("shard-7".into(), vec![1, 2, 3])]).unwrap_err();
    assert!(
        damaged.starts_with("shard-7: not a readable flcli partial result"),
        "{damaged}"
    );
    let one = api::report(
        &args(&["stats"]),
        Some(Memory::Partials(Arc::new(vec![("a".into(), a)]))),
    )
    .unwrap();
    assert_eq!(
        without_input(&one),
        without_input(&cli_json(&["stats", p.to_str().unwrap()]))
    );
}

#[test]
fn errors_are_the_cli_messages() {
    let e = api::report(
        &args(&["stats", "--label", "nope"]),
        Some(memory("detection.parquet", 1000)),
    )
    .unwrap_err();
    assert!(e.starts_with("<memory>: "), "{e}");
    assert!(e.contains("\"nope\""), "{e}");
    let e = api::report(&args(&["stats", "--gamma", "x"]), None).unwrap_err();
    assert!(e.contains("--gamma"), "{e}");
    let e = api::report(
        &args(&["stats", "--fail-if", "totals.ce_mean > 0"]),
        Some(memory("detection.parquet", 1000)),
    )
    .unwrap_err();
    assert!(e.contains("--fail-if does not apply"), "{e}");
    let e = api::decode(b"nonsense", "x.flp").unwrap_err();
    assert!(
        e.starts_with("x.flp: not a readable flcli partial result"),
        "{e}"
    );
}
