//! Terminal manners: colour follows the terminal, `NO_COLOR`, `TERM=dumb`
//! and `--color`; names from the data cannot reach a terminal as control
//! characters; a closed pipe ends the run quietly; `--quiet` silences
//! stderr; `--help` shows one example per command, the README's.

use crate::support::{fixture, Workdir};
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

const ESC: u8 = 0x1b;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_flcli"));
    c.env_remove("NO_COLOR").env("TERM", "xterm-256color");
    c
}

fn has_esc(b: &[u8]) -> bool {
    b.contains(&ESC)
}

#[test]
fn color_flag_on_a_pipe() {
    let d = fixture("detection.parquet");
    let run = |extra: &[&str], env: &[(&str, &str)]| {
        let mut c = bin();
        c.arg("stats").arg(&d).arg("-q").args(extra);
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap().stdout
    };
    assert!(has_esc(&run(&["--color", "always"], &[])));
    assert!(has_esc(&run(
        &["--color", "always"],
        &[("NO_COLOR", "1"), ("TERM", "dumb")]
    )));
    assert!(!has_esc(&run(&[], &[])), "auto on a pipe");
    assert!(!has_esc(&run(&["--color", "never"], &[])));
    // Only tables are coloured.
    for f in ["json", "markdown", "csv"] {
        assert!(
            !has_esc(&run(&["--color", "always", "--output", f], &[])),
            "{f}"
        );
    }
}

/// Runs flcli with stdout (and stderr, if `both`) on a new pseudo-terminal; returns what it printed there.
#[cfg(unix)]
fn on_pty(args: &[&str], env: &[(&str, &str)], both: bool) -> (Vec<u8>, Vec<u8>) {
    use std::os::fd::{FromRawFd, OwnedFd};
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two new descriptors, which we own from here on.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty");
    let master = unsafe { std::fs::File::from_raw_fd(master) };
    let slave = unsafe { OwnedFd::from_raw_fd(slave) };
    let mut c = bin();
    c.args(args).stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.stdout(Stdio::from(slave.try_clone().unwrap()));
    if both {
        c.stderr(Stdio::from(slave.try_clone().unwrap()));
    } else {
        c.stderr(Stdio::piped());
    }
    let mut child = c.spawn().unwrap();
    // Only the child may hold the terminal now, so that reading ends when it exits.
    drop(c);
    drop(slave);
    // stderr in a thread: the child may block on a full terminal meanwhile.
    let err = child.stderr.take().map(|mut e| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            e.read_to_end(&mut v).unwrap();
            v
        })
    });
    let mut out = Vec::new();
    let mut m = master;
    let mut buf = [0u8; 4096];
    loop {
        match m.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            // Linux reports EIO once the last slave descriptor is closed.
            Err(_) => break,
        }
    }
    child.wait().unwrap();
    (out, err.map(|t| t.join().unwrap()).unwrap_or_default())
}

#[cfg(unix)]
#[test]
fn colour_on_a_terminal_follows_no_color_and_term() {
    let d = fixture("detection.parquet").display().to_string();
    let args = ["stats", d.as_str(), "-q"];
    let (out, _) = on_pty(&args, &[], false);
    assert!(
        out.windows(5).any(|w| w == b"Class"),
        "the report reached the terminal"
    );
    assert!(has_esc(&out), "auto colours a terminal");
    let (out, _) = on_pty(&args, &[("NO_COLOR", "1")], false);
    assert!(!has_esc(&out), "NO_COLOR");
    let (out, _) = on_pty(&args, &[("TERM", "dumb")], false);
    assert!(!has_esc(&out), "TERM=dumb");
    let (out, _) = on_pty(&[&args[..], &["--color", "never"]].concat(), &[], false);
    assert!(!has_esc(&out), "--color never");
}

#[cfg(unix)]
#[test]
fn the_progress_line_shows_rows_percent_and_a_whole_rate() {
    // Parquet knows its row count: rows of the total, a percentage and the time left.
    let d = fixture("detection.parquet").display().to_string();
    let (out, _) = on_pty(&["stats", &d, "--json", "--color", "never"], &[], true);
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.contains("/6,000 rows (") && text.contains("%), ") && text.contains(" left"),
        "{text}"
    );
    // CSV does not: rows read so far and the rate, in whole rows per second.
    let c = fixture("detection.csv").display().to_string();
    let (out, _) = on_pty(&["stats", &c, "--json", "--color", "never"], &[], true);
    let text = String::from_utf8_lossy(&out);
    let line = text
        .split(['\r', '\n'])
        .find(|l| l.contains("rows read"))
        .unwrap_or_else(|| panic!("no progress line in {text}"));
    let rate = line.split(", ").nth(1).expect("a rate");
    assert!(rate.contains(" rows/s ("), "{line}");
    assert!(!rate.split(' ').next().unwrap().contains('.'), "{line}");
}

#[cfg(unix)]
#[test]
fn quiet_keeps_a_terminal_stderr_silent() {
    let d = fixture("detection.parquet").display().to_string();
    let (out, _) = on_pty(&["stats", &d, "-q", "--json"], &[], true);
    assert!(
        out.starts_with(b"{"),
        "only the report: {}",
        String::from_utf8_lossy(&out)
    );
    let (out, _) = on_pty(&["stats", &d, "--color", "never"], &[], true);
    assert!(
        String::from_utf8_lossy(&out).contains("flcli: detected"),
        "without -q the note shows"
    );
}

#[test]
fn quiet_drops_the_notes() {
    let d = fixture("detection.parquet");
    let o = bin().arg("stats").arg(&d).output().unwrap();
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("flcli: detected"),
        "precondition: a note without -q"
    );
    for args in [&["-q"][..], &["--quiet"], &["-q", "--output", "markdown"]] {
        let o = bin().arg("stats").arg(&d).args(args).output().unwrap();
        assert_eq!(o.status.code(), Some(0));
        assert!(
            o.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!o.stdout.is_empty());
    }
    let w = Workdir::new();
    let o = bin()
        .current_dir(w.root())
        .args(["-q", "stats"])
        .arg(&d)
        .args(["-o", "r.md"])
        .output()
        .unwrap();
    assert!(
        o.stderr.is_empty(),
        "no 'wrote' note: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A CSV whose class names and column names carry an escape sequence and a newline.
fn hostile_csv(w: &Workdir) -> std::path::PathBuf {
    let mut text = String::from("la\x1b]0;pwned\x07bel,\"p_ca\x1b[31mt\",\"p_d\nog\"\n");
    for _ in 0..3 {
        text.push_str("\"ca\x1b[31mt\",0.8,0.2\n\"d\nog\",0.3,0.7\n");
    }
    w.write("hostile.csv", text)
}

#[test]
fn control_characters_from_the_data_are_escaped() {
    let w = Workdir::new();
    let data = hostile_csv(&w);
    let label = "la\x1b]0;pwned\x07bel";
    for format in ["table", "markdown", "csv"] {
        let o = bin()
            .arg("stats")
            .arg(&data)
            .args(["--label", label, "--color", "never", "--output", format])
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        for (what, b) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
            assert!(!has_esc(b), "{format} {what}: raw ESC");
            assert!(!b.contains(&0x07), "{format} {what}: raw BEL");
        }
        let out = String::from_utf8(o.stdout).unwrap();
        assert!(
            out.contains(r"ca\u{1b}[31mt") || out.contains(r"ca\\u{1b}\[31mt"),
            "{format}:\n{out}"
        );
        assert!(
            out.contains(r"d\nog") || out.contains(r"d\\nog"),
            "{format}:\n{out}"
        );
        assert!(
            !out.contains("d\nog"),
            "{format}: a raw newline inside a name"
        );
        if format == "csv" {
            // Each record is one line: header + 2 classes + buckets + total.
            let rows = out.lines().filter(|l| l.starts_with("class,")).count();
            assert_eq!(rows, 2, "{out}");
        }
    }
    // JSON keeps the names exact (and JSON-escaped on the wire).
    let o = bin()
        .arg("stats")
        .arg(&data)
        .args(["--label", label, "--json"])
        .output()
        .unwrap();
    assert!(!has_esc(&o.stdout) && !has_esc(&o.stderr));
    let r: flcli::report::StatsReport = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r.classes[0].name, "ca\x1b[31mt");
    assert_eq!(r.input.label_column, label);
    // An error quoting a value from the data.
    let bad = w.write(
        "bad.csv",
        "label,p_a,p_b\na,0.5,0.5\n\"x\x1b[2Jy\",0.5,0.5\n",
    );
    let o = bin().arg("stats").arg(&bad).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        !has_esc(&o.stderr),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("x"),
        "names the value"
    );
}

/// Spawns flcli with stdout on a pipe of `capacity` bytes (Linux: shrunk, so
/// the report cannot fit and the write must meet the closed pipe), reads one
/// line, closes the pipe, and returns (exit code, stderr).
fn read_one_line_then_close(args: &[&str]) -> (Option<i32>, String) {
    let (reader, writer) = small_pipe();
    let mut child = bin()
        .args(args)
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut r = BufReader::new(reader);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    if line.is_empty() {
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        panic!("{args:?}: no output; stderr: {err}");
    }
    drop(r);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (child.wait().unwrap().code(), err)
}

#[cfg(target_os = "linux")]
fn small_pipe() -> (std::fs::File, std::os::fd::OwnedFd) {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: pipe2 writes two new descriptors, owned from here on.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // One page: a report cannot fit, so flcli is still writing when the reader leaves.
    unsafe { libc::fcntl(fds[1], libc::F_SETPIPE_SZ, 4096) };
    unsafe {
        (
            std::fs::File::from_raw_fd(fds[0]),
            std::os::fd::OwnedFd::from_raw_fd(fds[1]),
        )
    }
}

#[cfg(all(unix, not(target_os = "linux")))]
fn small_pipe() -> (std::fs::File, std::os::fd::OwnedFd) {
    let (r, w) = std::io::pipe().unwrap();
    (std::fs::File::from(std::os::fd::OwnedFd::from(r)), w.into())
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let d = fixture("detection.parquet").display().to_string();
    // 100+ kB of JSON: far more than the pipe holds.
    let compare = ["compare", d.as_str(), "--json", "-q"];
    let (code, err) = read_one_line_then_close(&compare);
    assert_eq!(
        (code, err.as_str()),
        (Some(0), ""),
        "compare --json | head -1"
    );
    for args in [
        &["stats", d.as_str(), "--json", "-q"][..],
        &["stats", d.as_str(), "-q"],
        &["stats", d.as_str(), "--output", "csv", "-q"],
        &["schema"],
        &["man"],
        &["completions", "bash"],
        &["--help"],
    ] {
        let (code, err) = read_one_line_then_close(args);
        assert_eq!((code, err.as_str()), (Some(0), ""), "{args:?}");
    }
    // Without -q only the detection note appears: no error text.
    let (code, err) = read_one_line_then_close(&["compare", d.as_str(), "--json"]);
    assert_eq!(code, Some(0));
    assert!(
        err.lines().all(|l| l.starts_with("flcli: detected")),
        "{err}"
    );
    // A gate that held still decides the exit code.
    let (code, err) = read_one_line_then_close(&[
        "compare",
        d.as_str(),
        "--json",
        "-q",
        "--fail-if",
        "variants[ce a=0.25].loss_mean > 0",
    ]);
    assert_eq!(code, Some(1));
    assert!(
        err.starts_with("flcli: check failed: variants[ce a=0.25].loss_mean > 0"),
        "{err}"
    );
}

#[test]
fn help_shows_the_readme_example_of_each_command() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    // The commands `flcli --help` lists: two spaces, then the name (longer lines wrap deeper).
    let o = bin().arg("--help").output().unwrap();
    let top = String::from_utf8(o.stdout).unwrap();
    let listed = top.split("Commands:\n").nth(1).expect("a list of commands");
    let names: Vec<&str> = listed
        .lines()
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|&n| n != "help")
        .collect();
    let mut seen = 0;
    for name in names {
        let o = bin().args([name, "--help"]).output().unwrap();
        assert_eq!(o.status.code(), Some(0));
        let help = String::from_utf8(o.stdout).unwrap();
        let examples: Vec<&str> = help
            .lines()
            .filter_map(|l| l.trim().strip_prefix("Example: "))
            .collect();
        assert_eq!(examples.len(), 1, "{name} --help has one example:\n{help}");
        let ex = examples[0];
        assert!(ex.starts_with(&format!("flcli {name}")), "{name}: {ex}");
        assert!(
            readme.contains(ex),
            "{name}: the README does not show `{ex}`"
        );
        seen += 1;
    }
    assert_eq!(
        seen, 9,
        "stats, compare, recommend, partial, merge, sql, schema, completions, man"
    );
}
