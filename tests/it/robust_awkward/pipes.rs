//! Streams: named pipes and process substitution, gzip on stdin, and CSV files
//! concatenated with their headers.

use super::*;
use crate::support::*;

/// Makes a FIFO at `p` and writes `data` into it from a detached thread (the
/// write blocks until flcli opens the FIFO).
#[cfg(unix)]
fn fifo(p: &Path, data: Vec<u8>) -> std::thread::JoinHandle<()> {
    let ok = std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .expect("mkfifo");
    assert!(ok.success());
    let p = p.to_path_buf();
    std::thread::spawn(move || {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&p) {
            let _ = f.write_all(&data);
        }
    })
}

#[cfg(unix)]
#[test]
fn named_pipes_and_process_substitution() {
    // Regression: a pipe (`<(zcat x.csv)`) was refused as an empty file, and a
    // FIFO was opened and closed while sniffing, which cut its writer off.
    let d = Workdir::new();
    let rows = binary_rows(300, 17);
    let text = binary_csv(&rows).replace('\n', "\r\n");
    let plain = write(d.root(), "plain.csv", &text);
    let want = without_paths(stats(&[&plain]));
    let p = d.root().join("csv.fifo");
    let w = fifo(&p, text.clone().into_bytes());
    assert_eq!(without_paths(stats(&[&p])), want);
    w.join().unwrap();
    // gzip through a pipe is recognised when read
    let p = d.root().join("gz.fifo");
    let w = fifo(&p, gzip(text.as_bytes()));
    assert_eq!(without_paths(stats(&[&p])), want);
    w.join().unwrap();
    // a pipe next to a file: one data set
    let p = d.root().join("second.fifo");
    let w = fifo(&p, b"label,prob\n1,0.5\n".to_vec());
    let r = stats(&[plain.as_os_str(), p.as_os_str()]);
    assert_eq!(r.input.rows_read, 301);
    w.join().unwrap();
    // Parquet cannot come through a pipe: a clear error, not a CSV parse of binary
    let pq = write_parquet(d.root(), "x.parquet", binary_parquet_cols(&rows), None);
    let p = d.root().join("pq.fifo");
    let _w = fifo(&p, std::fs::read(&pq).unwrap());
    let e = stats_err(&[&p]);
    assert!(
        e.contains("is Parquet") && e.contains("save it to a file"),
        "{e}"
    );
}

#[test]
fn gzip_csv_on_stdin() {
    let rows = binary_rows(200, 18);
    let text = binary_csv(&rows);
    let d = Workdir::new();
    let want = without_paths(stats(&[&write(d.root(), "plain.csv", &text)]));
    let o = flcli()
        .args(["stats", "-", "--json", "-q"])
        .write_stdin(gzip(text.as_bytes()))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let got: flcli::report::StatsReport = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(without_paths(got), want);
    let o = flcli()
        .args(["stats", "-", "--input-format", "parquet"])
        .write_stdin(b"PAR1".to_vec())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Parquet needs a file"));
}

#[test]
fn concatenated_csv_files_with_a_repeated_header() {
    let d = Workdir::new();
    let rows = binary_rows(40, 19);
    let (a, b) = rows.split_at(25);
    let cat = format!("{}{}", binary_csv(a), binary_csv(b));
    let f = write(d.root(), "cat.csv", &cat);
    let e = stats_err(&[&f]);
    assert!(
        e.contains("line 27") && e.contains("header line again"),
        "{e}"
    );
    assert!(!e.contains("--positive"), "{e}");
    let r = stats(&[f.as_os_str(), "--skip-invalid".as_ref()]);
    assert_eq!(r.input.rows_skipped, 1);
    assert_eq!(r.input.skipped[0].first, vec![27]);
    let plain = write(d.root(), "plain.csv", binary_csv(&rows));
    let want = stats(&[&plain]);
    assert_eq!(r.totals, want.totals);
    assert_eq!(r.classes, want.classes);
}
