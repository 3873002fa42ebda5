//! Reading input robustly: each file is read through the one handle opened
//! at the start (a file renamed over the input mid-run is never mixed in),
//! and a file that changes while it is read is an error naming it.

use crate::support::*;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// Runs `flcli stats --json -q FILE`, stalled once its inputs are opened;
/// `during` runs in the stall. Returns (exit code, stdout, stderr).
fn stalled(file: &Path, during: impl FnOnce()) -> (Option<i32>, String, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_flcli"))
        .args(["stats", "--json", "-q", "-j", "2"])
        .arg(file)
        .env("FLCLI_TEST_STALL_AFTER_OPEN_MS", "1500")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(line.contains("inputs opened"), "no stall: {line}");
    during();
    let out = child.wait_with_output().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        rest,
    )
}

fn labels(n: usize, flip: bool) -> Vec<i64> {
    (0..n).map(|i| ((i % 3 == 0) ^ flip) as i64).collect()
}

fn probs(n: usize, shift: f64) -> Vec<f64> {
    (0..n)
        .map(|i| ((i % 89) as f64 + 0.5) / 90.0 * shift)
        .collect()
}

fn csv_text(n: usize, flip: bool, shift: f64) -> String {
    let mut s = String::from("label,prob\n");
    for (y, p) in labels(n, flip).iter().zip(probs(n, shift)) {
        s += &format!("{y},{p}\n");
    }
    s
}

/// The same data as `name` in each format: (file, a different file of the same format).
fn pair(wd: &Workdir, ext: &str, n: usize) -> (PathBuf, PathBuf) {
    let mk = |name: &str, flip: bool, shift: f64| -> PathBuf {
        let cols = || {
            vec![
                ("label", i64s(labels(n, flip))),
                ("prob", f64s(probs(n, shift))),
            ]
        };
        match ext {
            "csv" => wd.write(name, csv_text(n, flip, shift)),
            "jsonl" => {
                let mut s = String::new();
                for (y, p) in labels(n, flip).iter().zip(probs(n, shift)) {
                    s += &format!("{{\"label\": {y}, \"prob\": {p}}}\n");
                }
                wd.write(name, s)
            }
            "parquet" => wd.write_parquet(name, cols(), 1000),
            "arrow" => {
                let b = arrow_array::RecordBatch::try_from_iter(cols()).unwrap();
                let p = wd.path(name);
                let f = std::fs::File::create(&p).unwrap();
                let mut w = arrow_ipc::writer::FileWriter::try_new(f, &b.schema()).unwrap();
                for i in (0..n).step_by(1000) {
                    w.write(&b.slice(i, 1000.min(n - i))).unwrap();
                }
                w.finish().unwrap();
                p
            }
            _ => unreachable!(),
        }
    };
    (
        mk(&format!("in.{ext}"), false, 1.0),
        mk(&format!("other.{ext}"), true, 0.5),
    )
}

#[test]
fn a_file_renamed_over_the_input_mid_run_is_never_read() {
    for ext in ["csv", "parquet", "arrow", "jsonl"] {
        let wd = Workdir::new();
        let (input, other) = pair(&wd, ext, 5000);
        let copy = wd.path(&format!("copy.{ext}"));
        std::fs::copy(&input, &copy).unwrap();
        let want = stats(&[&copy]);
        let (code, out, err) = stalled(&input, || std::fs::rename(&other, &input).unwrap());
        assert_eq!(code, Some(0), "{ext}: {err}");
        let got: flcli::report::StatsReport = serde_json::from_str(&out).unwrap();
        assert_eq!(
            serde_json::to_value(without_paths(got)).unwrap(),
            serde_json::to_value(without_paths(want)).unwrap(),
            "{ext}: the report mixes in the file renamed over the input"
        );
    }
}

#[test]
fn a_file_that_grows_or_shrinks_while_read_is_an_error_naming_it() {
    for (ext, grow) in [
        ("csv", true),
        ("csv", false),
        ("parquet", true),
        ("parquet", false),
        ("arrow", false),
    ] {
        let wd = Workdir::new();
        let (input, _) = pair(&wd, ext, 5000);
        let len = std::fs::metadata(&input).unwrap().len();
        let (code, out, err) = stalled(&input, || {
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&input)
                .unwrap();
            if grow {
                f.write_all(b"1,0.5\n").unwrap();
            } else {
                // Parquet: cut into the pages, which are read after the footer.
                let cut = if ext == "parquet" { len / 2 } else { 3 };
                f.set_len(len - cut).unwrap();
            }
        });
        assert_eq!(code, Some(2), "{ext} grow={grow}: {err}");
        assert!(out.is_empty(), "{ext}: {out}");
        assert_mentions(&err, &["in.", "changed while it was read"]);
    }
}

#[test]
fn a_file_rewritten_in_place_at_the_same_size_is_an_error() {
    let wd = Workdir::new();
    let (input, _) = pair(&wd, "csv", 5000);
    let text = std::fs::read_to_string(&input).unwrap();
    let (code, _, err) = stalled(&input, || {
        // A later modification time, the same size.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&input, text.replace("label,prob\n1,", "label,prob\n0,")).unwrap();
    });
    assert_eq!(code, Some(2), "{err}");
    assert_mentions(&err, &["in.csv", "changed while it was read"]);
}

#[test]
fn a_directory_skips_hidden_files_and_reads_a_linked_file_once() {
    let wd = Workdir::new();
    let dir = wd.path("shards");
    std::fs::create_dir(&dir).unwrap();
    let a = write(&dir, "a.csv", csv_text(30, false, 1.0));
    write(&dir, "b.csv", csv_text(20, true, 0.5));
    // A writer's half-done part, and an editor's backup: hidden, not shards.
    write(&dir, ".c.csv", "label,prob\n1,0.5\n");
    write(&dir, ".a.csv.swp.csv", "label,prob\nbroken\n");
    std::os::unix::fs::symlink(&a, dir.join("a_link.csv")).unwrap();
    std::fs::hard_link(&a, dir.join("a_hard.csv")).unwrap();
    let r = stats(&[&dir]);
    assert_eq!(r.input.rows_used, 50);
    assert_eq!(r.input.paths.len(), 2, "{:?}", r.input.paths);
}
