//! The other formats give the same reports as Parquet: every fixture written
//! as an Arrow IPC file, an IPC stream (named `.arrows`, and `.arrow` as the
//! `datasets` cache names it) and JSON Lines, from the Parquet fixture's own
//! record batches, so that the values are bit-identical. Also: damaged files,
//! invalid rows, and IPC files of several units.

use crate::support::{fails, fixture, flcli, ok, Workdir};
use arrow_array::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Each fixture and the arguments it needs (one-vs-rest scores are not
/// told apart from softmax ones by their values).
const FIXTURES: &[(&str, &[&str])] = &[
    ("detection", &[]),
    ("animals", &[]),
    ("sigmoid", &["--mode", "sigmoid"]),
    ("longtail", &[]),
    ("longtail_logits", &[]),
    // Multi-label: a list column of positive class ids.
    ("multilabel", &[]),
    ("multilabel_probs", &[]),
];

/// The record batches of a Parquet file, as flcli reads them (one batch per
/// fixture), so that every copy sums the same rows in the same batches.
pub(crate) fn batches(p: &Path) -> Vec<RecordBatch> {
    let f = std::fs::File::open(p).expect("open");
    ParquetRecordBatchReaderBuilder::try_new(f)
        .expect("parquet")
        .with_batch_size(1 << 16)
        .build()
        .expect("reader")
        .map(|b| b.expect("batch"))
        .collect()
}

/// Writes `b` as an Arrow IPC file.
pub(crate) fn ipc_file(dir: &Path, name: &str, b: &[RecordBatch]) -> PathBuf {
    let p = dir.join(name);
    let f = std::fs::File::create(&p).expect("create");
    let mut w = arrow_ipc::writer::FileWriter::try_new(f, &b[0].schema()).expect("writer");
    for x in b {
        w.write(x).expect("write");
    }
    w.finish().expect("finish");
    p
}

/// Writes `b` as an Arrow IPC stream.
pub(crate) fn ipc_stream(dir: &Path, name: &str, b: &[RecordBatch]) -> PathBuf {
    let p = dir.join(name);
    let f = std::fs::File::create(&p).expect("create");
    let mut w = arrow_ipc::writer::StreamWriter::try_new(f, &b[0].schema()).expect("writer");
    for x in b {
        w.write(x).expect("write");
    }
    w.finish().expect("finish");
    p
}

/// `flcli CMD --json ARGS FILE` as JSON, with the `input` object removed.
pub(crate) fn report(cmd: &str, file: &Path, args: &[&str]) -> (Value, Value) {
    let (out, _) = ok(flcli()
        .arg(cmd)
        .arg("--json")
        .arg("-q")
        .args(args)
        .arg(file));
    let mut v: Value = serde_json::from_str(&out).expect("json");
    let input = v
        .as_object_mut()
        .expect("object")
        .remove("input")
        .expect("input");
    (v, input)
}

/// Every way of writing `name` gives the Parquet file's reports outside `input`.
fn same_as_parquet(w: &Workdir, name: &str, extra: &[&str], copies: &[PathBuf]) {
    let pq = fixture(&format!("{name}.parquet"));
    for (cmd, args) in [
        ("stats", &[][..]),
        ("compare", &["-g", "0,2", "-a", "none"][..]),
    ] {
        let args = [extra, args].concat();
        let (want, want_in) = report(cmd, &pq, &args);
        for c in copies {
            let (got, got_in) = report(cmd, c, &args);
            assert_eq!(got, want, "{cmd} {}", c.display());
            assert_eq!(got_in["rows_read"], want_in["rows_read"], "{}", c.display());
            assert_eq!(got_in["score_columns"], want_in["score_columns"]);
        }
    }
    let _ = w;
}

#[test]
fn arrow_ipc_file_and_stream_give_the_parquet_reports() {
    let w = Workdir::new();
    for (name, extra) in FIXTURES {
        let b = batches(&fixture(&format!("{name}.parquet")));
        let copies = [
            ipc_file(w.root(), &format!("{name}.arrow"), &b),
            ipc_file(w.root(), &format!("{name}.feather"), &b),
            ipc_stream(w.root(), &format!("{name}.arrows"), &b),
            // The HuggingFace `datasets` cache: a stream behind an `.arrow` name.
            ipc_stream(w.root(), &format!("{name}-stream.arrow"), &b),
        ];
        same_as_parquet(&w, name, extra, &copies);
        let (_, input) = report("stats", &copies[2], extra);
        assert_eq!(input["format"], "arrow");
    }
}

#[test]
fn compressed_ipc_files_give_the_parquet_reports() {
    use arrow_ipc::writer::{FileWriter, IpcWriteOptions};
    use arrow_ipc::CompressionType;
    let w = Workdir::new();
    let b = batches(&fixture("animals.parquet"));
    let mut copies = Vec::new();
    for (name, codec) in [
        ("lz4.feather", CompressionType::LZ4_FRAME),
        ("zstd.arrow", CompressionType::ZSTD),
    ] {
        let p = w.root().join(name);
        let opts = IpcWriteOptions::default()
            .try_with_compression(Some(codec))
            .expect("codec");
        let f = std::fs::File::create(&p).expect("create");
        let mut wr = FileWriter::try_new_with_options(f, &b[0].schema(), opts).expect("writer");
        for x in &b {
            wr.write(x).expect("write");
        }
        wr.finish().expect("finish");
        copies.push(p);
    }
    // Compression must have happened: the copies differ from an uncompressed one.
    let plain = std::fs::read(ipc_file(w.root(), "plain.arrow", &b)).unwrap();
    for c in &copies {
        assert_ne!(std::fs::read(c).unwrap(), plain, "{}", c.display());
    }
    same_as_parquet(&w, "animals", &[], &copies);
}

/// A binary data set of `n` rows in record batches of `per` rows.
fn many_rows(n: usize, per: usize) -> Vec<RecordBatch> {
    let mut out = Vec::new();
    let mut rng = crate::support::Lcg::new(7);
    for start in (0..n).step_by(per) {
        let k = per.min(n - start);
        let labels: Vec<i64> = (0..k).map(|_| rng.bernoulli(0.1) as i64).collect();
        let logits: Vec<f64> = (0..k).map(|_| rng.normal() * 3.0).collect();
        out.push(
            RecordBatch::try_from_iter([
                ("label", crate::support::i64s(labels)),
                ("logit", crate::support::f64s(logits)),
            ])
            .expect("batch"),
        );
    }
    out
}

#[test]
fn an_ipc_file_of_several_units_reads_the_same_on_any_thread_count() {
    let w = Workdir::new();
    // More rows than one unit holds, in batches of uneven size.
    let b = many_rows(
        crate::support::sizes::UNIT_ROWS as usize * 2 + 12_345,
        100_003,
    );
    let file = ipc_file(w.root(), "many.arrow", &b);
    let stream = ipc_stream(w.root(), "many.arrows", &b);
    let pq = crate::support::write_batches(w.root(), "many.parquet", &b, None);
    let run = |f: &Path, j: &str| ok(flcli().args(["stats", "--json", "-q", "-j", j]).arg(f)).0;
    let one = run(&file, "1");
    assert_eq!(run(&file, "2"), one, "-j1 and -j2 differ");
    assert_eq!(run(&file, "3"), one, "-j1 and -j3 differ");
    // Other units merge in another order: the same rows, sums equal to rounding.
    let used = |s: &str| serde_json::from_str::<Value>(s).unwrap()["input"]["rows_used"].clone();
    assert_eq!(used(&one), b.iter().map(|x| x.num_rows()).sum::<usize>());
    assert_eq!(used(&run(&stream, "2")), used(&one));
    assert_eq!(used(&run(&pq, "2")), used(&one));
}

#[test]
fn invalid_rows_of_an_ipc_file_are_located_over_the_whole_file() {
    let w = Workdir::new();
    // Both batches declare "prob" nullable, as a writer of data with nulls does.
    let b = |labels: Vec<i64>, probs: Vec<Option<f64>>| {
        RecordBatch::try_from_iter_with_nullable([
            ("label", crate::support::i64s(labels), false),
            (
                "prob",
                crate::support::arr(arrow_array::Float64Array::from(probs)),
                true,
            ),
        ])
        .unwrap()
    };
    // Row 4 of the file (0-based) is in the second batch.
    let data = [
        b(vec![0, 1, 0], vec![Some(0.1), Some(0.8), Some(0.3)]),
        b(vec![1, 0, 1], vec![Some(0.7), None, Some(0.9)]),
    ];
    let file = ipc_file(w.root(), "bad.arrow", &data);
    let e = fails(flcli().arg("stats").arg(&file));
    assert!(
        e.contains("bad.arrow") && e.contains("row 4 (0-based)") && e.contains("\"prob\""),
        "{e}"
    );
    let (out, _) = ok(flcli()
        .args(["stats", "--json", "-q", "--skip-invalid"])
        .arg(&file));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["input"]["rows_used"], 5);
    assert_eq!(v["input"]["skipped"][0]["first"][0], 4);
}

#[test]
fn a_damaged_ipc_file_is_an_error_naming_it() {
    let w = Workdir::new();
    let b = batches(&fixture("detection.parquet"));
    let good = std::fs::read(ipc_file(w.root(), "good.arrow", &b)).unwrap();
    let stream = std::fs::read(ipc_stream(w.root(), "good.arrows", &b)).unwrap();
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("cut.arrow", good[..good.len() / 2].to_vec()),
        ("cut.arrows", stream[..stream.len() / 2].to_vec()),
        ("head.arrow", good[..8].to_vec()),
    ];
    // A footer length far past the file's size.
    let mut huge = good.clone();
    let n = huge.len();
    huge[n - 10..n - 6].copy_from_slice(&0x7fff_fff0i32.to_le_bytes());
    cases.push(("footer.arrow", huge));
    // A body length far past the file's size, in the first message of a stream.
    let mut body = stream.clone();
    let meta = i32::from_le_bytes(body[4..8].try_into().unwrap()) as usize;
    let next = 8 + meta;
    body[next + 8..next + 12].fill(0x7f);
    cases.push(("meta.arrows", body));
    // Bytes flipped in the middle (the data of a batch).
    let mut flipped = good.clone();
    for i in (good.len() / 3..good.len() / 3 + 64).step_by(3) {
        flipped[i] ^= 0x5a;
    }
    cases.push(("flipped.arrow", flipped));
    for (name, bytes) in cases {
        let p = w.write(name, bytes);
        let o = flcli().arg("stats").arg(&p).output().unwrap();
        let (code, err) = (o.status.code(), String::from_utf8_lossy(&o.stderr));
        if name == "flipped.arrow" && code == Some(0) {
            // Flipped bits in a float are still a float: a valid, different file.
            continue;
        }
        assert_eq!(code, Some(2), "{name}: {err}");
        assert!(o.stdout.is_empty(), "{name}");
        assert!(err.contains(name), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
}

#[test]
fn input_format_arrow_checks_the_magic_bytes() {
    let e = fails(
        flcli()
            .args(["stats", "--input-format", "arrow"])
            .arg(fixture("detection.csv")),
    );
    assert!(e.contains("ARROW1"), "{e}");
    let w = Workdir::new();
    // An IPC stream on stdin is refused with the reason.
    let b = batches(&fixture("detection.parquet"));
    let s = ipc_stream(w.root(), "s.arrows", &b);
    let e = fails(
        flcli()
            .args(["stats", "--input-format", "arrow", "-"])
            .pipe_stdin(&s)
            .unwrap(),
    );
    assert!(e.contains("Arrow IPC needs a file"), "{e}");
}

/// Writes `b` as JSON Lines (gzip-compressed if `gz`).
pub(crate) fn jsonl(dir: &Path, name: &str, b: &[RecordBatch], gz: bool) -> PathBuf {
    let mut text = Vec::new();
    {
        let mut w = arrow_json::LineDelimitedWriter::new(&mut text);
        for x in b {
            w.write(x).expect("write");
        }
        w.finish().expect("finish");
    }
    let bytes = if gz {
        crate::support::gzip(&text)
    } else {
        text
    };
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

#[test]
fn json_lines_give_the_parquet_reports() {
    let w = Workdir::new();
    for (name, extra) in FIXTURES {
        let b = batches(&fixture(&format!("{name}.parquet")));
        let copies = [
            jsonl(w.root(), &format!("{name}.jsonl"), &b, false),
            jsonl(w.root(), &format!("{name}.ndjson"), &b, false),
            jsonl(w.root(), &format!("{name}.jsonl.gz"), &b, true),
        ];
        same_as_parquet(&w, name, extra, &copies);
        let (_, input) = report("stats", &copies[2], extra);
        assert_eq!(input["format"], "jsonl");
    }
}

#[test]
fn list_valued_scores_in_json_lines_read_as_a_parquet_list_column() {
    let w = Workdir::new();
    let rows = [
        vec![2.0, -1.0, 0.5],
        vec![-0.5, 1.5, 0.0],
        vec![0.1, 0.2, 3.0],
        vec![1.0, 1.0, -2.0],
    ];
    let labels = vec![0, 1, 2, 2];
    let pq = w.write_parquet(
        "l.parquet",
        vec![
            ("label", crate::support::i64s(labels.clone())),
            ("logits", crate::support::f64_lists(&rows)),
        ],
        rows.len(),
    );
    let mut text = String::new();
    for (l, r) in labels.iter().zip(&rows) {
        text += &format!(
            "{{\"label\": {l}, \"logits\": [{}, {}, {}]}}\n",
            r[0], r[1], r[2]
        );
    }
    let j = w.write("l.jsonl", text);
    for cmd in ["stats", "compare"] {
        let (a, _) = report(cmd, &pq, &[]);
        let (b, ib) = report(cmd, &j, &[]);
        assert_eq!(a, b, "{cmd}");
        assert_eq!(ib["mode"], "softmax");
    }
}

#[test]
fn a_bad_json_line_is_named_by_its_line_number() {
    let w = Workdir::new();
    let head = "{\"label\": 1, \"prob\": 0.9}\n{\"label\": 0, \"prob\": 0.2}\n\n";
    // (the bad line, what the message must name); blank line 3 is no row.
    let cases = [
        (
            "{\"label\": 1, \"prob\": 0.9",
            vec!["line 4", "not one JSON object"],
        ),
        (
            "{\"label\": 0}",
            vec!["line 4", "\"prob\"", "field is missing"],
        ),
        (
            "{\"label\": 0, \"prob\": \"high\"}",
            vec!["line 4", "\"prob\"", "not a number", "high"],
        ),
        (
            "{\"label\": 0, \"prob\": null}",
            vec!["line 4", "\"prob\"", "null"],
        ),
        (
            "{\"label\": 0, \"prob\": 1.5}",
            vec!["line 4", "\"prob\"", "outside [0, 1]"],
        ),
    ];
    for (i, (bad, want)) in cases.iter().enumerate() {
        let name = format!("bad{i}.jsonl");
        let p = w.write(
            &name,
            format!("{head}{bad}\n{{\"label\": 0, \"prob\": 0.1}}\n"),
        );
        let e = fails(flcli().arg("stats").arg(&p));
        assert!(e.contains(&name), "{e}");
        for needle in want {
            assert!(e.contains(needle), "{bad}: no {needle:?} in {e}");
        }
        let (out, _) = ok(flcli()
            .args(["stats", "--json", "-q", "--skip-invalid"])
            .arg(&p));
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["input"]["rows_read"], 4, "{bad}");
        assert_eq!(v["input"]["rows_used"], 3, "{bad}");
        assert_eq!(v["input"]["skipped"][0]["first"][0], 4, "{bad}");
        assert_eq!(v["input"]["skipped"][0]["unit"], "line", "{bad}");
    }
}
