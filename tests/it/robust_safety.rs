//! Safety: flcli only reads its inputs, never writes beside them,
//! never executes or prints raw control sequences taken from the data, and
//! fails fast, saying why, on Parquet files that are truncated or still being
//! written (only the footer is read to find that out).

use crate::support::*;
use arrow_array::{Float64Array, Int64Array, RecordBatch};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Every file under `dir` with its length, modification time and contents.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (u64, std::time::SystemTime, Vec<u8>)> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let m = std::fs::metadata(&p).unwrap();
        if m.is_dir() {
            out.extend(snapshot(&p));
        } else {
            out.insert(
                p.clone(),
                (m.len(), m.modified().unwrap(), std::fs::read(&p).unwrap()),
            );
        }
    }
    out
}

fn batch(n: usize) -> RecordBatch {
    RecordBatch::try_from_iter([
        (
            "label",
            arr(Int64Array::from_iter_values((0..n as i64).map(|i| i % 2))),
        ),
        (
            "logit",
            arr(Float64Array::from_iter_values(
                (0..n).map(|i| (i % 97) as f64 / 10.0 - 4.8),
            )),
        ),
    ])
    .unwrap()
}

#[test]
fn reading_never_writes_beside_the_inputs() {
    let d = tempfile::tempdir().unwrap();
    let csv = write(d.path(), "p.csv", "label,prob\n0,0.2\n1,0.7\n1,nan\n");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"label,prob\n0,0.2\n1,0.7\n").unwrap();
    let gz = write(d.path(), "p.csv.gz", gz.finish().unwrap());
    let pq = write_batches(d.path(), "p.parquet", &[batch(100)], None);
    let shards = d.path().join("shards");
    std::fs::create_dir(&shards).unwrap();
    write_batches(&shards, "a.parquet", &[batch(10)], None);
    write_batches(&shards, "b.parquet", &[batch(20)], None);
    let before = snapshot(d.path());
    let runs: Vec<Vec<&std::ffi::OsStr>> = vec![
        vec!["stats".as_ref(), csv.as_os_str(), "--skip-invalid".as_ref()],
        vec!["stats".as_ref(), csv.as_os_str()], // an error
        vec!["compare".as_ref(), gz.as_os_str(), "--json".as_ref()],
        vec!["stats".as_ref(), pq.as_os_str()],
        vec![
            "compare".as_ref(),
            pq.as_os_str(),
            "--variant".as_ref(),
            "flsd53".as_ref(),
        ],
        vec![
            "stats".as_ref(),
            shards.as_os_str(),
            "--json".as_ref(),
            "-j".as_ref(),
            "2".as_ref(),
        ],
    ];
    for args in runs {
        let o = flcli().args(&args).current_dir(d.path()).output().unwrap();
        assert!(matches!(o.status.code(), Some(0) | Some(2)), "{args:?}");
    }
    assert_eq!(snapshot(d.path()), before, "the input directory changed");
}

#[test]
fn nothing_from_the_data_is_executed_or_printed_raw() {
    let d = tempfile::tempdir().unwrap();
    let evil = [
        "$(touch pwned1)",
        "`touch pwned2`",
        ";touch pwned3",
        "|touch pwned4",
        "\x1b[2J\x1b]0;title\x07",
    ];
    let header: Vec<String> = evil.iter().map(|e| format!("p_{e}")).collect();
    let mut s = format!("label,{}\n", header.join(","));
    for (i, e) in evil.iter().enumerate() {
        let mut p = vec!["0.1"; evil.len()];
        p[i] = "0.6";
        s.push_str(&format!("\"{e}\",{}\n", p.join(",")));
    }
    let f = write(d.path(), "evil.csv", s);
    for cmd in ["stats", "compare"] {
        for json in [false, true] {
            let mut args = vec![cmd, f.to_str().unwrap(), "--color", "always"];
            if json {
                args.push("--json");
            }
            let o = flcli().args(&args).current_dir(d.path()).output().unwrap();
            assert_eq!(
                o.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            let out = String::from_utf8_lossy(&o.stdout);
            if json {
                let v: serde_json::Value = serde_json::from_str(&out).unwrap();
                assert_eq!(
                    v["input"]["class_names"][4], evil[4],
                    "JSON keeps the name whole"
                );
            } else {
                // flcli's own colour codes are `ESC [ digits m`; the data's must come out escaped.
                assert!(
                    !out.contains("\x1b[2J") && !out.contains("\x1b]0") && !out.contains('\x07')
                );
                assert!(out.contains("\\u{1b}[2J"), "{out}");
            }
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(!err.contains('\x07'), "stderr: {err}");
        }
    }
    for i in 1..=4 {
        assert!(!d.path().join(format!("pwned{i}")).exists());
        assert!(!Path::new(&format!("pwned{i}")).exists());
    }
    // Control characters in an error message are escaped too.
    let bad = write(d.path(), "bad.csv", "label,prob\n0,\x1b[31mred\n");
    let e = stats_err(&[&bad]);
    assert!(!e.contains('\x1b') && e.contains("\\u{1b}[31mred"), "{e}");
}

/// A Parquet file of about 4 MB.
fn big_parquet(dir: &Path) -> PathBuf {
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(50_000))
        .set_dictionary_enabled(false)
        .build();
    write_batches(dir, "big.parquet", &[batch(300_000)], Some(props))
}

#[track_caller]
fn assert_truncated_message(e: &str, name: &str) {
    assert!(e.contains(name), "{e}");
    assert!(e.contains("not a readable Parquet file"), "{e}");
    assert!(e.contains("truncated or still being written"), "{e}");
}

#[test]
fn truncated_parquet_fails_fast_from_the_footer() {
    let d = tempfile::tempdir().unwrap();
    let full = big_parquet(d.path());
    let bytes = std::fs::read(&full).unwrap();
    assert!(bytes.len() > 2_000_000, "{} bytes", bytes.len());
    // The first half: the footer (and the end magic) is missing.
    let half = write(d.path(), "half.parquet", &bytes[..bytes.len() / 2]);
    assert_truncated_message(&stats_err(&[&half]), "half.parquet");
    // All but the last byte: the magic is cut.
    let cut = write(d.path(), "cut.parquet", &bytes[..bytes.len() - 1]);
    assert_truncated_message(&stats_err(&[&cut]), "cut.parquet");
    // The footer's end is intact but the metadata before it is gone.
    let mut hole = bytes[..4].to_vec();
    hole.extend_from_slice(&bytes[bytes.len() - 8..]);
    let hole = write(d.path(), "hole.parquet", &hole);
    assert_truncated_message(&stats_err(&[&hole]), "hole.parquet");
    // A 10 GiB file (sparse: no disk used) whose tail is zeros, as a copy cut
    // short by a full disk or a crash leaves it. Only the footer is read: a
    // reader that scanned or loaded the file would take minutes or run out of
    // memory and be killed by the test's 60 s limit.
    let sparse = d.path().join("sparse.parquet");
    std::fs::write(&sparse, &bytes[..bytes.len() / 2]).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&sparse)
        .unwrap()
        .set_len(10 << 30)
        .unwrap();
    assert_truncated_message(&stats_err(&[&sparse]), "sparse.parquet");
    // The same data in a directory of shards: the bad shard is named, before any row is read.
    let dir = d.path().join("shards");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(&full, dir.join("a.parquet")).unwrap();
    std::fs::copy(&half, dir.join("b.parquet")).unwrap();
    assert_truncated_message(&stats_err(&[&dir]), "b.parquet");
}

#[test]
fn parquet_file_still_being_written_is_refused_then_read_once_closed() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("live.parquet");
    let f = std::fs::File::create(&p).unwrap();
    let b = batch(20_000);
    let mut w = ArrowWriter::try_new(f, b.schema(), None).unwrap();
    w.write(&b).unwrap();
    w.flush().unwrap(); // a finished row group on disk, no footer yet
    assert!(std::fs::metadata(&p).unwrap().len() > 1000);
    assert_truncated_message(&stats_err(&[&p]), "live.parquet");
    w.write(&b).unwrap();
    w.close().unwrap();
    let r = stats(&[&p]);
    assert_eq!(r.input.rows_read, 40_000);
}

#[test]
fn truncated_gzip_csv_says_so() {
    let d = tempfile::tempdir().unwrap();
    let mut text = String::from("label,prob\n");
    for i in 0..50_000 {
        text.push_str(&format!("{},{}\n", i % 2, (i % 999 + 1) as f64 / 1000.0));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let f = write(d.path(), "cut.csv.gz", &gz[..gz.len() / 2]);
    let e = stats_err(&[&f]);
    assert!(e.contains("cut.csv.gz") && e.contains("truncated"), "{e}");
    assert!(e.contains("cannot read past line"), "{e}");
    assert!(!e.contains("--delimiter"), "not a delimiter problem: {e}");
}

#[test]
fn a_panic_inside_the_parquet_decoder_is_an_error_naming_the_file() {
    // Found by the `parquet` fuzz target: corrupt definition levels make the
    // decoder index past its buffer.
    let f = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus/parquet/crash_definition_levels.parquet");
    let out = crate::support::flcli()
        .args(["stats", "--json"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("crash_definition_levels.parquet") && err.contains("damaged"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}
