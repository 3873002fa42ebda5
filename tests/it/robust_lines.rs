//! The CSV line-length cap (`--max-line-bytes`): a line, or a quoted record
//! running over many lines, longer than the cap is an error naming the file,
//! the line and the cap, in bounded memory, whichever path reads the file
//! (byte ranges, the sequential reader for gzip and quotes, stdin, devices).

use crate::support::*;
use std::io::Write;
use std::process::Stdio;

/// A CSV whose third line carries a `note` field of `long` bytes.
fn long_line(long: usize) -> Vec<u8> {
    let mut v = b"label,prob,note\n0,0.2,a\n1,0.7,".to_vec();
    v.extend(std::iter::repeat_n(b'x', long));
    v.extend(b"\n0,0.4,b\n");
    v
}

const CAP_1M: &[&str] = &["--max-line-bytes", "1M"];

#[test]
fn a_line_over_the_cap_is_an_error_naming_file_line_and_cap() {
    let wd = Workdir::new();
    let plain = wd.write("long.csv", long_line(3 << 20));
    let gz = wd.write_gz("long.csv.gz", long_line(3 << 20));
    let mut quoted = b"label,prob,note\n0,0.2,\"a\"\n1,0.7,".to_vec();
    quoted.extend(std::iter::repeat_n(b'y', 3 << 20));
    quoted.extend(b"\n");
    let quoted = wd.write("quoted.csv", quoted);
    for (p, name) in [
        (&plain, "long.csv"),
        (&gz, "long.csv.gz"),
        (&quoted, "quoted.csv"),
    ] {
        let mut args = vec!["--prob", "prob"];
        args.extend(CAP_1M);
        let e = stats_err(&[args, vec![p.to_str().unwrap()]].concat());
        assert_mentions(
            &e,
            &[
                name,
                "line 3",
                "longer than 1048576 bytes",
                "--max-line-bytes",
            ],
        );
    }
}

#[test]
fn raising_the_cap_reads_the_long_line() {
    let wd = Workdir::new();
    let plain = wd.write("long.csv", long_line(3 << 20));
    let gz = wd.write_gz("long.csv.gz", long_line(3 << 20));
    for p in [&plain, &gz] {
        let r = stats(&[
            "--prob".as_ref(),
            "prob".as_ref(),
            "--max-line-bytes".as_ref(),
            "4M".as_ref(),
            p.as_os_str(),
        ]);
        assert_eq!(r.input.rows_used, 3);
    }
}

#[test]
fn an_unclosed_quote_running_over_many_lines_is_capped() {
    let wd = Workdir::new();
    let mut v = b"label,prob\n0,0.2\n1,\"".to_vec();
    for _ in 0..(1 << 20) {
        v.extend(b"0.5\n");
    }
    let p = wd.write("open_quote.csv", v);
    let e = stats_err(&["--max-line-bytes".as_ref(), "1M".as_ref(), p.as_os_str()]);
    assert_mentions(&e, &["open_quote.csv", "line 3", "--max-line-bytes"]);
}

#[test]
fn a_huge_file_without_line_ends_stops_at_the_default_cap() {
    // Sparse: 3 GiB of zeros that take no disk. Read whole, it would take
    // minutes and gigabytes (the run's time limit would fail the test).
    let wd = Workdir::new();
    for (name, head) in [
        ("zeros.csv", &b""[..]),
        ("long.csv", &b"label,prob\n0,"[..]),
    ] {
        let p = wd.write(name, head);
        std::fs::OpenOptions::new()
            .write(true)
            .open(&p)
            .unwrap()
            .set_len(3 << 30)
            .unwrap();
        let t0 = std::time::Instant::now();
        let e = stats_err(&[&p]);
        let line = if head.is_empty() { "line 1" } else { "line 2" };
        assert_mentions(&e, &[name, line, "longer than 67108864 bytes"]);
        assert!(t0.elapsed().as_secs() < 30, "{name}: {:?}", t0.elapsed());
    }
}

#[test]
fn endless_input_without_line_ends_stops_at_the_default_cap() {
    // /dev/zero: a device read as a stream, with no line end ever.
    let e = stats_err(&["/dev/zero"]);
    assert_mentions(
        &e,
        &[
            "/dev/zero",
            "line 1",
            "longer than 67108864 bytes",
            "--max-line-bytes",
        ],
    );
    // stdin: a header, then an endless line.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_flcli"))
        .args(["stats", "-q", "--max-line-bytes", "1M", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(b"label,prob\n0,0.5\n1,");
        let block = vec![b'9'; 1 << 16];
        // Until flcli stops reading (a broken pipe), or far past the cap.
        for _ in 0..1024 {
            if stdin.write_all(&block).is_err() {
                break;
            }
        }
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let e = String::from_utf8_lossy(&out.stderr);
    assert_mentions(&e, &["<stdin>", "line 3", "--max-line-bytes"]);
}

#[test]
fn the_cap_flag_takes_sizes_and_refuses_nonsense() {
    let wd = Workdir::new();
    let p = wd.write("ok.csv", "label,prob\n0,0.2\n1,0.7\n");
    for ok in ["2048", "512K", "64m", "1G"] {
        stats(&["--max-line-bytes".as_ref(), ok.as_ref(), p.as_os_str()]);
    }
    for bad in ["0", "1T", "lots", "99999999999G"] {
        let o = run(&[
            "stats".as_ref(),
            "--max-line-bytes".as_ref(),
            bad.as_ref(),
            p.as_os_str(),
        ]);
        assert_eq!(o.code, Some(2), "{bad}");
        assert_mentions(&o.stderr, &["--max-line-bytes"]);
    }
}

#[test]
fn a_json_lines_file_without_line_ends_stops_at_the_cap() {
    let wd = Workdir::new();
    let p = wd.write("zeros.jsonl", "{\"label\": 1, \"prob\": 0.5}\n{");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&p)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    let e = stats_err(&[&p]);
    assert_mentions(&e, &["zeros.jsonl", "line 2", "longer than 67108864 bytes"]);
}
