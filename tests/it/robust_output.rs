//! Output paths: flcli replaces only regular files (atomically), writes into
//! devices and FIFOs, refuses sockets and directories before reading, keeps
//! symbolic links, leaves no temporary file behind when killed, and keeps its
//! exit code when stderr cannot be written.

use crate::support::{fixture, flcli, Workdir};
use std::fs;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::process::Stdio;

fn temp_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn a_symlink_to_a_character_device_is_written_into_not_replaced() {
    let wd = Workdir::new();
    let link = wd.path("report.json");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    let out = flcli()
        .args(["stats", "--json", "-o"])
        .arg(&link)
        .arg(fixture("detection.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stdout.is_empty());
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
    assert!(temp_files(wd.root()).is_empty());
}

#[test]
fn a_device_node_in_the_output_folder_stays_a_device() {
    // mknod needs root (CI runs as root); elsewhere the symlink test above guards the rule.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("not root: mknod is not allowed, covered by the /dev/null symlink test");
        return;
    }
    let wd = Workdir::new();
    let dev = wd.path("null");
    let c = std::ffi::CString::new(dev.to_str().unwrap()).unwrap();
    // Character device 1:3 is the kernel's null device.
    let rc = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) };
    assert_eq!(rc, 0, "mknod failed");
    for args in [vec!["-o"], vec!["--json", "-o"]] {
        let out = flcli()
            .arg("stats")
            .args(&args)
            .arg(&dev)
            .arg(fixture("detection.csv"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert!(fs::metadata(&dev).unwrap().file_type().is_char_device());
    }
    let out = flcli()
        .args(["compare", "--plot"])
        .arg(&dev)
        .arg(fixture("detection.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(fs::metadata(&dev).unwrap().file_type().is_char_device());
    assert!(temp_files(wd.root()).is_empty());
}

#[test]
fn a_fifo_is_written_into_and_stays_a_fifo() {
    let wd = Workdir::new();
    let fifo = wd.path("pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read(&fifo).unwrap())
    };
    let out = flcli()
        .args(["stats", "--json", "-o"])
        .arg(&fifo)
        .arg(fixture("detection.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let got = reader.join().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&got).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn a_socket_is_refused_before_reading() {
    let wd = Workdir::new();
    let sock = wd.path("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let out = flcli()
        .args(["stats", "-o"])
        .arg(&sock)
        .arg(wd.path("missing.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    // Refused for the socket, before the missing input is noticed.
    assert!(err.contains("socket") && err.contains("-o"), "{err}");
    assert!(fs::metadata(&sock).unwrap().file_type().is_socket());
}

#[test]
fn a_symlink_to_a_regular_file_keeps_the_link_and_updates_its_target() {
    let wd = Workdir::new();
    let real = wd.write("real.json", "old\n");
    let link = wd.path("link.json");
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    let dangling = wd.path("dangling.json");
    std::os::unix::fs::symlink("made.json", &dangling).unwrap();
    for l in [&link, &dangling] {
        let out = flcli()
            .args(["stats", "--json", "-o"])
            .arg(l)
            .arg(fixture("detection.csv"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert!(fs::symlink_metadata(l).unwrap().file_type().is_symlink());
    }
    for f in [real, wd.path("made.json")] {
        let v: serde_json::Value = serde_json::from_slice(&fs::read(&f).unwrap()).unwrap();
        assert_eq!(v["schema_version"], 1);
    }
    assert!(temp_files(wd.root()).is_empty());
}

#[test]
fn dev_stdout_redirected_to_a_file_is_appended_to_not_replaced() {
    let wd = Workdir::new();
    let path = wd.write("log.txt", "before\n");
    let file = fs::OpenOptions::new().append(true).open(&path).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_flcli"))
        .args(["stats", "--json", "-o", "/dev/stdout"])
        .arg(fixture("detection.csv"))
        .stdout(Stdio::from(file))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("before\n{"), "{text}");
    assert!(temp_files(wd.root()).is_empty());
}

#[test]
fn a_signal_before_the_rename_leaves_no_temporary_file() {
    let wd = Workdir::new();
    let target = wd.write("report.json", "old\n");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_flcli"))
        .args(["stats", "--json", "-o"])
        .arg(&target)
        .arg(fixture("detection.csv"))
        .env("FLCLI_TEST_STALL_BEFORE_RENAME_MS", "20000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the report sits, flushed, in its temporary file.
    let t0 = std::time::Instant::now();
    while temp_files(wd.root()).is_empty() {
        assert!(t0.elapsed().as_secs() < 60, "no temporary file appeared");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert!(
        t0.elapsed().as_secs() < 15,
        "the signal did not stop the run"
    );
    assert_eq!(temp_files(wd.root()), Vec::<String>::new());
    assert_eq!(fs::read_to_string(&target).unwrap(), "old\n");
}

/// Runs flcli with stderr set by `stderr` and returns its exit code.
fn code_with_stderr(args: &[&str], stderr: Stdio) -> Option<i32> {
    std::process::Command::new(env!("CARGO_BIN_EXE_flcli"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(stderr)
        .status()
        .unwrap()
        .code()
}

#[test]
fn a_full_or_closed_stderr_keeps_the_exit_code() {
    let data = fixture("detection.csv");
    let data = data.to_str().unwrap();
    let gate = ["stats", "--fail-if", "totals.focal_mean > 0", data];
    let error = ["stats", "/nonexistent/preds.csv"];
    let full = || {
        Stdio::from(
            fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        )
    };
    assert_eq!(code_with_stderr(&gate, full()), Some(1));
    assert_eq!(code_with_stderr(&error, full()), Some(2));
    // A closed stderr: a pipe whose reading end is gone.
    let closed = || {
        let (r, w) = std::io::pipe().unwrap();
        drop(r);
        Stdio::from(w)
    };
    assert_eq!(code_with_stderr(&gate, closed()), Some(1));
    assert_eq!(code_with_stderr(&error, closed()), Some(2));
}

#[test]
fn bidirectional_overrides_from_the_data_are_escaped_in_tables_and_markdown() {
    let wd = Workdir::new();
    let f = wd.write(
        "bidi.csv",
        "label,p_ab\u{202e}cd,p_x\u{2066}y\n0,0.9,0.1\n1,0.2,0.8\n",
    );
    for format in ["table", "markdown"] {
        let out = flcli()
            .args(["stats", "--output", format])
            .arg(&f)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            !text.contains('\u{202e}') && !text.contains('\u{2066}'),
            "{text}"
        );
        assert!(text.contains("u{202e}cd"), "{format}: {text}");
    }
}

#[test]
fn csv_output_neutralises_names_a_spreadsheet_would_run() {
    let wd = Workdir::new();
    let f = wd.write(
        "inject.csv",
        "label,split,p_=cmd,p_ok\n=cmd,+1,0.9,0.1\nok,@x,0.2,0.8\nok,-y,0.3,0.7\n",
    );
    for args in [vec!["stats"], vec!["stats", "--by", "split"]] {
        let out = flcli()
            .args(&args)
            .args(["--output", "csv"])
            .arg(&f)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        for line in text.lines() {
            for cell in line.split(',') {
                assert!(!cell.starts_with(['=', '+', '@']), "{cell:?} in {line}");
                assert!(!cell.starts_with("-y") && !cell.starts_with("-1"), "{line}");
            }
        }
        assert!(text.contains("'=cmd"), "{text}");
    }
}
