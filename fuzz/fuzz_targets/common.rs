//! What every target shares: run flcli on a file as the command line would,
//! and hold it to its promise of exit 0, 1 or 2 (a panic aborts the fuzzer).
#![allow(dead_code)] // each target uses part of it

use std::io::Write;
use std::path::PathBuf;

/// A file in a per-process temporary folder, rewritten for each input.
pub fn write_input(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flcli-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let path = dir.join(name);
    let mut f = std::fs::File::create(&path).expect("temporary file");
    f.write_all(bytes).expect("write the input");
    path
}

/// Flags picked by one byte of the input, so the fuzzer explores the modes
/// and the skip path as well as the bytes.
pub fn flags(selector: u8) -> Vec<&'static str> {
    let mut v = Vec::new();
    match selector & 3 {
        1 => v.extend(["--mode", "binary"]),
        2 => v.extend(["--mode", "softmax"]),
        3 => v.extend(["--mode", "sigmoid"]),
        _ => {}
    }
    if selector & 4 != 0 {
        v.push("--skip-invalid");
    }
    if selector & 8 != 0 {
        v.extend(["--by", "split"]);
    }
    v
}

/// Runs `flcli COMMAND ARGS... -o /dev/null` in-process and checks the exit code.
pub fn run(command: &str, args: &[&str], file: &std::path::Path) {
    let mut argv: Vec<std::ffi::OsString> =
        vec!["flcli".into(), "-q".into(), "-j".into(), "1".into()];
    argv.push(command.into());
    argv.extend(args.iter().map(Into::into));
    argv.extend(["--json".into(), "-o".into(), "/dev/null".into()]);
    argv.push(file.into());
    let code = flcli::run(argv);
    assert!(matches!(code, 0..=2), "exit code {code}");
}
