//! Running the flcli binary: one command with a fixed environment, its outcome
//! checked (a success, or a clean error), and `--json` decoded into the report
//! types.

use assert_cmd::Command;
use flcli::report::{CompareReport, StatsReport};
use serde::de::DeserializeOwned;
use std::ffi::{OsStr, OsString};
use std::time::Duration;

/// The longest a run of [`run`] and the `--json` helpers may take: a hang fails
/// the test instead of stalling the suite.
const LIMIT: Duration = Duration::from_secs(60);

/// A `flcli` command with colour off and no inherited `NO_COLOR`/`TERM` surprises.
pub fn flcli() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_flcli"));
    c.env_remove("NO_COLOR").env("TERM", "dumb");
    c
}

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Out {
    /// Exit code (None if killed by a signal).
    pub code: Option<i32>,
    /// stdout.
    pub stdout: String,
    /// stderr.
    pub stderr: String,
}

/// Runs `cmd` and keeps its exit code and output as text.
fn output(cmd: &mut Command) -> Out {
    let out = cmd.output().expect("run flcli");
    Out {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `cmd`, requires exit 0, and returns (stdout, stderr).
pub fn ok(cmd: &mut Command) -> (String, String) {
    let o = output(cmd);
    assert_eq!(
        o.code,
        Some(0),
        "flcli failed\nstdout:\n{}\nstderr:\n{}",
        o.stdout,
        o.stderr
    );
    (o.stdout, o.stderr)
}

/// Runs `cmd`, requires exit 2, an empty stdout and one `error:` message; returns stderr.
pub fn fails(cmd: &mut Command) -> String {
    let o = output(cmd);
    let (so, se) = (&o.stdout, &o.stderr);
    assert_eq!(
        o.code,
        Some(2),
        "expected exit 2\nstdout:\n{so}\nstderr:\n{se}"
    );
    assert!(so.is_empty(), "stdout must be empty on error, got:\n{so}");
    assert!(se.contains("error:"), "no error message on stderr:\n{se}");
    assert!(!se.contains("panicked"), "panic:\n{se}");
    o.stderr
}

/// Runs the flcli binary with `args`, within the time limit.
pub fn run<S: AsRef<OsStr>>(args: &[S]) -> Out {
    output(flcli().args(args).timeout(LIMIT))
}

/// `flcli CMD --json -q ARGS`, within the time limit.
fn json_cmd<S: AsRef<OsStr>>(cmd: &str, args: &[S]) -> Command {
    let mut v: Vec<OsString> = vec![cmd.into(), "--json".into(), "-q".into()];
    v.extend(args.iter().map(|a| a.as_ref().to_os_string()));
    let mut c = flcli();
    c.args(v).timeout(LIMIT);
    c
}

/// `text` decoded as a `what` report.
fn decode<T: DeserializeOwned>(text: &str, what: &str) -> T {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not a {what} report ({e}):\n{text}"))
}

/// Runs `cmd` (which should carry `--json`) and decodes the stats report.
pub fn stats_json(cmd: &mut Command) -> StatsReport {
    decode(&ok(cmd).0, "stats")
}

/// Runs `cmd` (which should carry `--json`) and decodes the compare report.
pub fn compare_json(cmd: &mut Command) -> CompareReport {
    decode(&ok(cmd).0, "compare")
}

/// `flcli stats --json -q ARGS`, which must succeed with nothing on stderr.
pub fn stats<S: AsRef<OsStr>>(args: &[S]) -> StatsReport {
    let (so, se) = ok(&mut json_cmd("stats", args));
    assert!(se.is_empty(), "unexpected stderr: {se}");
    decode(&so, "stats")
}

/// `flcli compare --json -q ARGS`, which must succeed.
pub fn compare<S: AsRef<OsStr>>(args: &[S]) -> CompareReport {
    compare_json(&mut json_cmd("compare", args))
}

/// `flcli stats --json -q ARGS`, which must fail with exit 2 and print nothing on stdout.
pub fn stats_err<S: AsRef<OsStr>>(args: &[S]) -> String {
    fails(&mut json_cmd("stats", args))
}

/// Runs `flcli CMD --json -q ARGS`, asserts success, and returns the raw JSON.
pub fn json_value<S: AsRef<OsStr>>(cmd: &str, args: &[S]) -> serde_json::Value {
    decode(&ok(&mut json_cmd(cmd, args)).0, cmd)
}

/// Runs `flcli CMD -q ARGS` with the table output, asserts success, and returns the text.
pub fn table<S: AsRef<OsStr>>(cmd: &str, args: &[S]) -> String {
    ok(flcli().arg(cmd).arg("-q").args(args).timeout(LIMIT)).0
}
