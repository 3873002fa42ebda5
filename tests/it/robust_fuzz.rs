//! Fuzzing the CSV path: arbitrary bytes and arbitrary flag combinations
//! must give a report (exit 0) or an error (exit 2, nothing on stdout), never
//! a panic, a hang or an abort. Column detection alone: src/input/detect_props_tests.rs.
//!
//! `cargo test` runs a bounded number of cases (FLCLI_FUZZ_CASES, default 256)
//! and replays the committed seed corpus in fuzz/corpus/csv/. For a longer run:
//! `FLCLI_FUZZ_CASES=5000 cargo test --test it robust_fuzz::`.

use crate::support::fuzz_pieces::{cases, TOKENS};
use crate::support::*;
use proptest::prelude::*;
use std::path::Path;

fn tokens() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..120)
        .prop_map(|v| v.concat().into_bytes())
}

/// A well-formed start (so that detection usually succeeds) followed by noise.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let header = prop_oneof![
        Just("label,prob\n"),
        Just("label,logit\n"),
        Just("label,prob_0,prob_1,prob_2\n"),
        Just("y,logit_0,logit_1\n"),
        Just("target,p_cat,p_dog\r\n"),
        Just("\u{feff}label,score\n"),
    ];
    let row = prop_oneof![
        (0i64..3, 0.0..1.0f64).prop_map(|(y, p)| format!("{y},{p}\n")),
        (0i64..3, -50.0..50.0f64, -50.0..50.0f64).prop_map(|(y, a, b)| format!("{y},{a},{b}\n")),
        (0i64..3, 0.0..1.0f64).prop_map(|(y, p)| format!("{y},{p},{}\n", 1.0 - p)),
        prop::sample::select(TOKENS).prop_map(|t| t.to_string()),
    ];
    (header, prop::collection::vec(row, 0..40), tokens()).prop_map(|(h, rows, tail)| {
        let mut v = h.as_bytes().to_vec();
        for r in rows {
            v.extend_from_slice(r.as_bytes());
        }
        v.extend(tail);
        v
    })
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => csvish(),
        2 => tokens(),
        1 => prop::collection::vec(any::<u8>(), 0..300),
        // gzip magic with garbage, and the Parquet magic with garbage
        1 => prop::collection::vec(any::<u8>(), 0..200).prop_map(|mut v| { v.splice(0..0, [0x1f, 0x8b]); v }),
        1 => prop::collection::vec(any::<u8>(), 0..200).prop_map(|mut v| { v.splice(0..0, *b"PAR1"); v }),
    ]
}

/// Tokens usable as a flag value (an OS argument cannot hold a NUL byte).
fn arg_token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(
        TOKENS
            .iter()
            .copied()
            .filter(|t| !t.contains('\0'))
            .collect::<Vec<_>>(),
    )
}

/// Flags that may be added, each with a value where it needs one.
fn flag() -> impl Strategy<Value = Vec<String>> {
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    prop_oneof![
        prop::sample::select(vec!["binary", "softmax", "sigmoid"])
            .prop_map(move |m| v(&["--mode", m])),
        arg_token().prop_map(move |c| v(&["--label", c])),
        arg_token().prop_map(move |c| v(&["--prob", c])),
        prop::sample::select(vec![
            "prob_*",
            "p_*",
            "logit_?",
            "prob_0,prob_1",
            "probs",
            "*",
            ","
        ])
        .prop_map(move |c| v(&["--probs", c])),
        arg_token().prop_map(move |c| v(&["--logit", c])),
        prop::sample::select(vec!["logit_*", "logits", "logit_0,logit_1", "a,,b"])
            .prop_map(move |c| v(&["--logits", c])),
        arg_token().prop_map(move |c| v(&["--positive", c])),
        prop::sample::select(vec!["-1", "0", "1", "-100"])
            .prop_map(move |c| v(&["--background", c])),
        prop::sample::select(vec!["-100", "0", "1", "-1"])
            .prop_map(move |c| v(&["--ignore-index", c])),
        Just(v(&["--skip-invalid"])),
        Just(v(&["--skip-invalid"])),
        prop::sample::select(vec![";", "\\t", "\"", "\n", "\r", "x", ",", "é", ""])
            .prop_map(move |d| v(&["-d", d])),
        prop::sample::select(vec!["1e-7", "0.4999", "1e-300", "0", "nan"])
            .prop_map(move |e| v(&["--eps", e])),
        prop::sample::select(vec!["0,1", "0,0.5,1", "0,0.5,0.5,1", "0,1e-300,1", "1,0"])
            .prop_map(move |b| v(&["--buckets", b])),
        prop::sample::select(vec!["0", "0.5", "2", "5", "100", "1e308"])
            .prop_map(move |g| v(&["--gamma", g])),
        prop::sample::select(vec!["none", "0.25", "0", "1", "0.2,0.8", "0.1,0.2,0.7"])
            .prop_map(move |a| v(&["--alpha", a])),
        Just(v(&["--input-format", "csv"])),
        Just(v(&["--easy", "1"])),
        Just(v(&["--threads", "1"])),
    ]
}

/// How the bytes reach flcli.
#[derive(Clone, Copy, Debug)]
enum Via {
    File(&'static str),
    Stdin,
}

fn via() -> impl Strategy<Value = Via> {
    prop_oneof![
        4 => Just(Via::File("in.csv")),
        1 => Just(Via::File("in.csv.gz")),
        1 => Just(Via::File("in.parquet")),
        1 => Just(Via::File("in.tsv")),
        1 => Just(Via::Stdin),
    ]
}

/// Runs one case and checks the outcome contract.
fn check(
    dir: &Path,
    data: &[u8],
    via: Via,
    cmd: &str,
    flags: &[Vec<String>],
) -> Result<(), TestCaseError> {
    let mut args: Vec<String> = vec![cmd.into(), "--json".into()];
    let mut c = flcli();
    match via {
        Via::File(name) => {
            let p = dir.join(name);
            std::fs::write(&p, data).unwrap();
            args.push(p.display().to_string());
        }
        Via::Stdin => {
            args.push("-".into());
            c.write_stdin(data.to_vec());
        }
    }
    for f in flags {
        args.extend(f.iter().cloned());
    }
    let out = c
        .args(&args)
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let code = out.status.code();
    prop_assert!(
        code == Some(0) || code == Some(2),
        "exit {code:?} (a panic, abort, or a hang killed after 30 s) for {args:?}\nstderr: {stderr}"
    );
    prop_assert!(!stderr.contains("panicked"), "panic for {args:?}: {stderr}");
    if code == Some(0) {
        let v: serde_json::Value = serde_json::from_str(&stdout)
            .map_err(|e| TestCaseError::fail(format!("bad JSON ({e}) for {args:?}")))?;
        assert_all_finite(&v, cmd);
        let i = &v["input"];
        let n = |k: &str| i[k].as_u64().unwrap();
        prop_assert_eq!(
            n("rows_read"),
            n("rows_used") + n("rows_ignored") + n("rows_skipped")
        );
    } else {
        prop_assert!(stdout.is_empty(), "stdout on error for {args:?}: {stdout}");
        prop_assert!(
            stderr.starts_with("error: ") || stderr.contains("\nerror: "),
            "{stderr}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(256),
        max_shrink_iters: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_and_flags_give_a_report_or_an_error(
        data in bytes(),
        via in via(),
        compare in any::<bool>(),
        flags in prop::collection::vec(flag(), 0..5),
    ) {
        let d = tempfile::tempdir().unwrap();
        check(d.path(), &data, via, if compare { "compare" } else { "stats" }, &flags)?;
    }
}

/// Flag sets the seed corpus is replayed with.
const REPLAY: &[&[&str]] = &[
    &[],
    &["--skip-invalid"],
    &["--mode", "softmax", "--skip-invalid"],
    &["--mode", "sigmoid", "--skip-invalid"],
    &["-d", ";", "--skip-invalid"],
];

#[test]
fn seed_corpus_replays_without_a_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/csv");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fuzz/corpus/csv exists")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 20,
        "the seed corpus has {} files",
        files.len()
    );
    let d = tempfile::tempdir().unwrap();
    let mut reports = 0;
    for f in &files {
        let data = std::fs::read(f).unwrap();
        for flags in REPLAY {
            for cmd in ["stats", "compare"] {
                let flags: Vec<Vec<String>> = vec![flags.iter().map(|s| s.to_string()).collect()];
                if let Err(e) = check(d.path(), &data, Via::File("in.csv"), cmd, &flags) {
                    panic!("{}: {e}", f.display());
                }
            }
        }
        let o = run(&[
            "stats".as_ref(),
            "--json".as_ref(),
            f.as_os_str(),
            "--skip-invalid".as_ref(),
        ]);
        reports += (o.code == Some(0)) as usize;
    }
    // The corpus is not only garbage: many files must give a report.
    assert!(
        reports >= files.len() / 3,
        "{reports} of {} files gave a report",
        files.len()
    );
}
