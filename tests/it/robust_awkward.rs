//! Awkward but valid files (issue 6): each case is one test, named for it.
//! Results are compared with the same data in a plain layout, or with the
//! textbook formulas evaluated in f64 in the test.

use crate::support::*;
use arrow_array::builder::{FixedSizeListBuilder, Float64Builder};
use arrow_array::types::{Float32Type, Float64Type, Int32Type};
use arrow_array::*;
use parquet::file::properties::WriterProperties;
use std::path::Path;

/// Binary rows (label, probability) with f16-exact probabilities.
fn binary_rows(n: usize, seed: u64) -> Vec<(u8, f64)> {
    let mut r = Rng(seed);
    (0..n)
        .map(|_| (r.next().is_multiple_of(3) as u8, r.p64()))
        .collect()
}

fn binary_csv(rows: &[(u8, f64)]) -> String {
    let mut s = String::from("label,prob\n");
    for (y, p) in rows {
        s.push_str(&format!("{y},{p}\n"));
    }
    s
}

/// The reference (CE sum, FL sum) of binary probability rows at γ = 2, α = 0.25.
fn binary_reference(rows: &[(u8, f64)]) -> (f64, f64) {
    let e: Vec<(f64, f64)> = rows
        .iter()
        .map(|&(y, p)| binary_prob(p, y, 0.25, 1e-7))
        .collect();
    sums(&e, 2.0)
}

/// Softmax rows (label, 3 probabilities summing to 1, exact in f32).
fn softmax_rows(n: usize, seed: u64) -> Vec<(u8, [f64; 3])> {
    let mut r = Rng(seed);
    (0..n)
        .map(|_| {
            let a = (1 + r.next() % 30) as f64 / 64.0;
            let b = (1 + r.next() % 30) as f64 / 64.0;
            ((r.next() % 3) as u8, [a, b, 1.0 - a - b])
        })
        .collect()
}

fn softmax_reference(rows: &[(u8, [f64; 3])], gamma: f64) -> (f64, f64) {
    let e: Vec<(f64, f64)> = rows
        .iter()
        .map(|(y, p)| (p[*y as usize].clamp(1e-7, 1.0 - 1e-7), 1.0))
        .collect();
    sums(&e, gamma)
}

fn softmax_csv(rows: &[(u8, [f64; 3])]) -> String {
    let mut s = String::from("label,prob_0,prob_1,prob_2\n");
    for (y, p) in rows {
        s.push_str(&format!("{y},{},{},{}\n", p[0], p[1], p[2]));
    }
    s
}

/// Stats of a file must equal stats of the plain reference file.
#[track_caller]
fn assert_same_as(plain: &Path, other: &Path, extra: &[&str]) {
    let mut a: Vec<&std::ffi::OsStr> = vec![plain.as_os_str()];
    let mut b: Vec<&std::ffi::OsStr> = vec![other.as_os_str()];
    for e in extra {
        a.push(e.as_ref());
        b.push(e.as_ref());
    }
    assert_eq!(without_paths(stats(&b)), without_paths(stats(&a)));
}

// ---------------------------------------------------------------- CSV text

#[test]
fn crlf_line_endings() {
    let d = Workdir::new();
    let rows = binary_rows(200, 1);
    let lf = binary_csv(&rows);
    let plain = write(d.root(), "lf.csv", &lf);
    let crlf = write(d.root(), "crlf.csv", lf.replace('\n', "\r\n"));
    assert_same_as(&plain, &crlf, &[]);
    let r = stats(&[&crlf]);
    let (ce, fl) = binary_reference(&rows);
    assert_close(r.totals.ce_sum, ce, 1e-12, "CE");
    assert_close(r.totals.focal_sum, fl, 1e-12, "FL");
}

#[test]
fn crlf_line_numbers_in_errors_and_skips() {
    // Regression: CRLF records were reported one line too early.
    let d = Workdir::new();
    let f = write(
        d.root(),
        "crlf_bad.csv",
        "label,prob\r\n0,0.1\r\n0,0.2\r\n1,nan\r\n1,0.4\r\n0,7\r\n",
    );
    let e = stats_err(&[&f]);
    assert!(e.contains("line 4"), "{e}");
    let r = stats(&[f.as_os_str(), "--skip-invalid".as_ref()]);
    let by: Vec<(&str, &[u64])> = r
        .input
        .skipped
        .iter()
        .map(|s| (s.reason.as_str(), s.first.as_slice()))
        .collect();
    assert_eq!(
        by,
        vec![("nan", &[4u64][..]), ("out_of_range", &[6u64][..])]
    );
}

#[test]
fn crlf_line_numbers_across_parallel_ranges() {
    // > 8 MiB of CRLF text is cut into several byte ranges parsed in parallel:
    // a bad value far into the file must still carry its exact line number.
    let d = Workdir::new();
    let mut s = String::from("label,prob\r\n");
    let n = 700_000;
    let bad_line = 650_001; // line 1 is the header
    for i in 2..=n + 1 {
        if i == bad_line {
            s.push_str("1,nan\r\n");
        } else {
            s.push_str(&format!("{},0.{:07}\r\n", i % 2, 1 + i % 9_999_998));
        }
    }
    assert!(s.len() as u64 > flcli::input::csv::CHUNK_BYTES);
    let f = write(d.root(), "big_crlf.csv", &s);
    let e = stats_err(&[&f]);
    assert!(e.contains(&format!("line {bad_line},")), "{e}");
}

#[test]
fn cr_only_line_endings() {
    let d = Workdir::new();
    let rows = binary_rows(50, 2);
    let lf = binary_csv(&rows);
    let plain = write(d.root(), "lf.csv", &lf);
    let cr = write(d.root(), "cr.csv", lf.replace('\n', "\r"));
    assert_same_as(&plain, &cr, &[]);
    let bad = write(d.root(), "cr_bad.csv", "label,prob\r0,0.5\r1,x\r");
    assert!(stats_err(&[&bad]).contains("line 3"));
}

#[test]
fn blank_lines_do_not_shift_line_numbers() {
    // Regression: a record after blank lines was stamped with the line of the first blank.
    let d = Workdir::new();
    let f = write(
        d.root(),
        "blank.csv",
        "label,prob\n0,0.1\n\n\n1,nan\n0,0.2\n",
    );
    assert!(stats_err(&[&f]).contains("line 5,"));
    let f = write(
        d.root(),
        "blank_end.csv",
        "label,prob\n0,0.1\n\n1,0.2\n1,nan",
    );
    assert!(stats_err(&[&f]).contains("line 5,"));
}

#[test]
fn utf8_bom() {
    let d = Workdir::new();
    let rows = binary_rows(100, 3);
    let text = binary_csv(&rows);
    let plain = write(d.root(), "plain.csv", &text);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    let with_bom = write(d.root(), "bom.csv", &bom);
    assert_same_as(&plain, &with_bom, &[]);
    assert_eq!(stats(&[&with_bom]).input.label_column, "label");
    // Excel's "CSV UTF-8" with a quoted header and CRLF.
    let mut excel = b"\xEF\xBB\xBF".to_vec();
    let quoted = text
        .lines()
        .map(|l| {
            l.split(',')
                .map(|f| format!("\"{f}\""))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join("\r\n");
    excel.extend_from_slice(quoted.as_bytes());
    let excel = write(d.root(), "excel.csv", &excel);
    assert_same_as(&plain, &excel, &[]);
}

#[test]
fn quoted_fields() {
    let d = Workdir::new();
    let rows = binary_rows(100, 4);
    let plain = write(d.root(), "plain.csv", binary_csv(&rows));
    let mut s = String::from("\"label\",\"prob\"\n");
    for (y, p) in &rows {
        s.push_str(&format!("\"{y}\",\"{p}\"\n"));
    }
    let q = write(d.root(), "quoted.csv", s);
    assert_same_as(&plain, &q, &[]);
}

#[test]
fn quoted_fields_containing_the_delimiter() {
    let d = Workdir::new();
    let rows = binary_rows(100, 5);
    let mut plain = String::from("label,prob,note\n");
    let mut quoted = String::from("label,prob,note\n");
    for (i, (y, p)) in rows.iter().enumerate() {
        plain.push_str(&format!("{y},{p},n{i}\n"));
        quoted.push_str(&format!("{y},{p},\"n{i}, with, commas\"\n"));
    }
    let plain = write(d.root(), "plain.csv", plain);
    let quoted = write(d.root(), "quoted.csv", quoted);
    assert_same_as(&plain, &quoted, &[]);
    // The same with a tab delimiter and tabs inside the quotes.
    let tsv = std::fs::read_to_string(&quoted)
        .unwrap()
        .replace(", ", "\t")
        .replace(',', "\t");
    let tsv = write(d.root(), "quoted.tsv", tsv);
    let plain_tsv = std::fs::read_to_string(&plain).unwrap().replace(',', "\t");
    let plain_tsv = write(d.root(), "plain.tsv", plain_tsv);
    assert_same_as(&plain_tsv, &tsv, &["-d", "\\t"]);
    assert_eq!(
        without_paths(stats(&[
            plain_tsv.as_os_str(),
            "-d".as_ref(),
            "\\t".as_ref()
        ])),
        without_paths(stats(&[&plain]))
    );
}

#[test]
fn quoted_field_containing_a_newline() {
    let d = Workdir::new();
    let rows = binary_rows(60, 6);
    let mut plain = String::from("label,prob,note\n");
    let mut multi = String::from("label,prob,note\n");
    for (i, (y, p)) in rows.iter().enumerate() {
        plain.push_str(&format!("{y},{p},n{i}\n"));
        multi.push_str(&format!("{y},{p},\"line one\nline two, {i}\"\n"));
    }
    let p = write(d.root(), "plain.csv", plain);
    let m = write(d.root(), "multi.csv", &multi);
    assert_same_as(&p, &m, &[]);
    // Each record spans two lines: record k (1-based) starts on line 2k.
    multi.push_str("1,nan,\"x\r\ny\"\n");
    let bad = write(d.root(), "multi_bad.csv", &multi);
    let want = format!("line {},", 2 * 61);
    let e = stats_err(&[&bad]);
    assert!(e.contains(&want), "{want} in {e}");
}

#[test]
fn scientific_notation() {
    let d = Workdir::new();
    let f = write(
        d.root(),
        "sci.csv",
        "label,prob\n0,1e-05\n1,9.5E-1\n0,2.5e-1\n1,1E0\n0,0e0\n1,+7.5e-01\n",
    );
    let rows = [
        (0, 1e-5),
        (1, 0.95),
        (0, 0.25),
        (1, 1.0),
        (0, 0.0),
        (1, 0.75),
    ];
    let r = stats(&[&f]);
    let (ce, fl) = binary_reference(&rows);
    assert_eq!(r.input.rows_used, 6);
    assert_close(r.totals.ce_sum, ce, 1e-13, "CE");
    assert_close(r.totals.focal_sum, fl, 1e-13, "FL");
    let f = write(
        d.root(),
        "sci_logits.csv",
        "label,logit\n0,-1.5e+01\n1,2E1\n1,-3.0e-2\n",
    );
    let r = stats(&[&f]);
    let want: f64 = [(0, -15.0), (1, 20.0), (1, -0.03)]
        .iter()
        .map(|&(y, x)| binary_logit(x, y, 2.0, 0.25).0)
        .sum();
    assert_close(r.totals.ce_sum, want, 1e-13, "CE");
}

#[test]
fn infinite_logits_are_an_error() {
    // Documented rule: ±inf logits are invalid (out_of_range), not a limit.
    let d = Workdir::new();
    for (name, v) in [("pos", "inf"), ("neg", "-inf"), ("word", "Infinity")] {
        let f = write(
            d.root(),
            &format!("{name}.csv"),
            format!("label,logit\n0,0.5\n1,{v}\n"),
        );
        let e = stats_err(&[&f]);
        assert!(e.contains("line 3"), "{e}");
        assert!(e.contains("\"logit\""), "{e}");
        assert!(e.contains("infinite"), "{e}");
        assert!(e.contains("--skip-invalid"), "{e}");
        let r = stats(&[f.as_os_str(), "--skip-invalid".as_ref()]);
        assert_eq!(r.input.skipped[0].reason, "out_of_range");
        assert_eq!(r.input.skipped[0].first, vec![3]);
    }
    let f = write_parquet(
        d.root(),
        "inf.parquet",
        vec![
            ("label", arr(Int64Array::from(vec![0, 1, 0]))),
            (
                "logits",
                arr(ListArray::from_iter_primitive::<Float64Type, _, _>(vec![
                    Some(vec![Some(0.0), Some(1.0)]),
                    Some(vec![Some(0.0), Some(1.0)]),
                    Some(vec![Some(f64::NEG_INFINITY), Some(1.0)]),
                ])),
            ),
        ],
        None,
    );
    let e = stats_err(&[&f]);
    assert!(e.contains("row 2 (0-based)"), "{e}");
    assert!(e.contains("logits[0]"), "{e}");
    assert!(e.contains("infinite"), "{e}");
}

#[test]
fn logits_of_plus_minus_1e4_are_finite_and_exact() {
    let d = Workdir::new();
    // binary: CE(+1e4 | y=1) = 0, CE(-1e4 | y=1) = 1e4 exactly (ln1p(e^-1e4) = 0 in f64).
    let f = write(
        d.root(),
        "big.csv",
        "label,logit\n1,10000\n1,-10000\n0,10000\n0,-10000\n",
    );
    let r = stats(&[f.as_os_str(), "--alpha".as_ref(), "none".as_ref()]);
    assert_eq!(r.totals.ce_sum, 2e4);
    assert_eq!(r.totals.focal_sum, 2e4);
    let want: f64 = [(1, 1e4), (1, -1e4), (0, 1e4), (0, -1e4)]
        .iter()
        .map(|&(y, x)| binary_logit(x, y, 2.0, 0.25).1)
        .sum();
    let r = stats(&[&f]);
    assert_eq!(r.totals.focal_sum, want);
    assert_eq!(r.totals.focal_sum, 0.25 * 1e4 + 0.75 * 1e4);
    // softmax: ln p_t = z_y - logsumexp(z) exactly, p_t = 0 for the losers.
    let f = write(
        d.root(),
        "big_softmax.csv",
        "label,logit_0,logit_1,logit_2\n1,10000,-10000,0\n0,10000,-10000,0\n2,-10000,-10000,10000\n",
    );
    let r = stats(&[&f]);
    assert_eq!(r.totals.ce_sum, 2e4);
    assert_eq!(r.totals.focal_sum, 2e4);
    assert_eq!(r.classes[1].ce_sum, 2e4);
    assert_eq!(r.buckets[0].count, 1);
    // sigmoid: every element is a binary logit.
    let f = write(
        d.root(),
        "big_sigmoid.csv",
        "label,logit_0,logit_1\n0,10000,-10000\n1,10000,-10000\n-1,-10000,10000\n",
    );
    let r = stats(&[f.as_os_str(), "--mode".as_ref(), "sigmoid".as_ref()]);
    let want: f64 = [
        (1, 1e4),
        (0, -1e4),
        (0, 1e4),
        (1, -1e4),
        (0, -1e4),
        (0, 1e4),
    ]
    .iter()
    .map(|&(y, x)| binary_logit(x, y, 2.0, 0.25).1)
    .sum();
    assert_eq!(r.totals.ce_sum, 3e4);
    assert_eq!(r.totals.focal_sum, want);
}

#[test]
fn probabilities_of_exactly_0_and_1_are_clamped() {
    let d = Workdir::new();
    let f = write(d.root(), "edges.csv", "label,prob\n1,1\n1,0\n0,0\n0,1.0\n");
    let r = stats(&[&f]);
    let rows = [(1, 1.0), (1, 0.0), (0, 0.0), (0, 1.0)];
    let (ce, fl) = binary_reference(&rows);
    assert_close(r.totals.ce_sum, ce, 1e-14, "CE");
    assert_close(r.totals.focal_sum, fl, 1e-14, "FL");
    // 1 - (1 - 1e-7) is not exactly 1e-7 in f64, hence the looser tolerance.
    let by_hand = -2.0 * (1e-7f64).ln() - 2.0 * (-1e-7f64).ln_1p();
    assert_close(r.totals.ce_sum, by_hand, 1e-9, "CE by hand");
    // softmax one-hot rows, right and wrong.
    let f = write(
        d.root(),
        "onehot.csv",
        "label,prob_0,prob_1\n0,1,0\n1,1,0\n1,0.0,1.0\n",
    );
    let r = stats(&[&f]);
    let want = -(1.0 - 1e-7f64).ln() * 2.0 - (1e-7f64).ln();
    assert_close(r.totals.ce_sum, want, 1e-14, "softmax CE");
    assert!(r.totals.focal_sum.is_finite());
    // a different ε is honoured
    let r = stats(&[f.as_os_str(), "--eps".as_ref(), "1e-3".as_ref()]);
    let want = -(1.0 - 1e-3f64).ln() * 2.0 - (1e-3f64).ln();
    assert_close(r.totals.ce_sum, want, 1e-14, "softmax CE at ε = 1e-3");
}

#[test]
fn unicode_column_and_class_names() {
    let d = Workdir::new();
    let f = write(
        d.root(),
        "unicode.csv",
        "étiquette,p_猫,p_chien,p_🐟\n猫,0.5,0.25,0.25\nchien,0.25,0.5,0.25\n🐟,0.125,0.125,0.75\n猫,0.75,0.125,0.125\n",
    );
    let r = stats(&[f.as_os_str(), "--label".as_ref(), "étiquette".as_ref()]);
    assert_eq!(r.input.label_column, "étiquette");
    assert_eq!(r.input.class_names, vec!["猫", "chien", "🐟"]);
    assert_eq!(r.input.score_columns, vec!["p_猫", "p_chien", "p_🐟"]);
    assert_eq!(r.classes[0].count, 2);
    let rows = [
        (0u8, [0.5, 0.25, 0.25]),
        (1, [0.25, 0.5, 0.25]),
        (2, [0.125, 0.125, 0.75]),
        (0, [0.75, 0.125, 0.125]),
    ];
    let (ce, _) = softmax_reference(&rows, 2.0);
    assert_close(r.totals.ce_sum, ce, 1e-14, "CE");
    let o = run(&[
        "stats".as_ref(),
        f.as_os_str(),
        "--label".as_ref(),
        "étiquette".as_ref(),
    ]);
    assert_eq!(o.code, Some(0));
    assert!(o.stdout.contains("猫") && o.stdout.contains("🐟"));
}

#[test]
fn very_long_class_names() {
    let d = Workdir::new();
    // No '_' inside: the class name is the suffix after the last one.
    let long_a = format!("class{}", "a".repeat(300));
    let long_b = format!("class{}", "β".repeat(300));
    let mut s = format!("label,p_{long_a},p_{long_b}\n");
    for i in 0..10 {
        let name = if i % 3 == 0 { &long_b } else { &long_a };
        s.push_str(&format!("{name},0.25,0.75\n"));
    }
    let f = write(d.root(), "long.csv", &s);
    let r = stats(&[&f]);
    assert_eq!(r.input.class_names, vec![long_a.clone(), long_b.clone()]);
    assert_eq!(r.classes[1].name, long_b);
    let o = run(&["stats".as_ref(), f.as_os_str()]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert!(
        !o.stdout.contains(&long_a),
        "the table must not print the whole name"
    );
    assert!(o.stdout.contains('…'));
    for line in o.stdout.lines() {
        assert!(
            line.chars().count() <= 200,
            "table line too long ({}): {line}",
            line.chars().count()
        );
    }
    // A class with no rows puts names into the imbalance note: shortened too.
    let f = write(
        d.root(),
        "long_empty.csv",
        format!("label,p_{long_a},p_{long_b}\n{long_a},0.5,0.5\n"),
    );
    let r = stats(&[&f]);
    assert!(r.imbalance.imbalance_ratio_note.unwrap().contains(&long_b));
    let o = run(&["stats".as_ref(), f.as_os_str()]);
    assert!(!o.stdout.contains(&long_b));
}

#[test]
fn integer_labels_stored_as_float() {
    let d = Workdir::new();
    let rows = binary_rows(80, 7);
    let plain = write(d.root(), "plain.csv", binary_csv(&rows));
    let floats = binary_csv(&rows)
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_string()
            } else {
                l.replacen(',', ".0,", 1)
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let f = write(d.root(), "float_labels.csv", floats);
    assert_same_as(&plain, &f, &[]);
    let labels: Vec<f64> = rows.iter().map(|r| r.0 as f64).collect();
    let probs: Vec<f64> = rows.iter().map(|r| r.1).collect();
    for (name, lab) in [
        ("f64.parquet", arr(Float64Array::from(labels.clone()))),
        (
            "f32.parquet",
            arr(Float32Array::from(
                labels.iter().map(|&x| x as f32).collect::<Vec<_>>(),
            )),
        ),
    ] {
        let p = write_parquet(
            d.root(),
            name,
            vec![
                ("label", lab),
                ("prob", arr(Float64Array::from(probs.clone()))),
            ],
            None,
        );
        assert_same_as(&plain, &p, &[]);
    }
    // 1.5 is not a class
    let bad = write(d.root(), "half.csv", "label,prob\n1.0,0.5\n1.5,0.5\n");
    let e = stats_err(&[&bad]);
    assert!(e.contains("line 3") && e.contains("1.5"), "{e}");
}

#[test]
fn boolean_labels() {
    let d = Workdir::new();
    let rows = binary_rows(80, 8);
    let plain = write(d.root(), "plain.csv", binary_csv(&rows));
    let mut s = String::from("label,prob\n");
    for (i, (y, p)) in rows.iter().enumerate() {
        let word = match (y, i % 3) {
            (1, 0) => "true",
            (1, 1) => "True",
            (1, _) => "TRUE",
            (_, 0) => "false",
            (_, 1) => "False",
            _ => "FALSE",
        };
        s.push_str(&format!("{word},{p}\n"));
    }
    let f = write(d.root(), "bool.csv", s);
    assert_same_as(&plain, &f, &[]);
    let p = write_parquet(
        d.root(),
        "bool.parquet",
        vec![
            (
                "label",
                arr(BooleanArray::from(
                    rows.iter().map(|r| r.0 == 1).collect::<Vec<_>>(),
                )),
            ),
            (
                "prob",
                arr(Float64Array::from(
                    rows.iter().map(|r| r.1).collect::<Vec<_>>(),
                )),
            ),
        ],
        None,
    );
    assert_same_as(&plain, &p, &[]);
}

#[test]
fn labels_as_strings_of_digits() {
    let d = Workdir::new();
    let rows = softmax_rows(90, 9);
    let plain = write(d.root(), "plain.csv", softmax_csv(&rows));
    let quoted = softmax_csv(&rows)
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_string()
            } else {
                let (y, rest) = l.split_once(',').unwrap();
                format!("\" {y}\",{rest}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let q = write(d.root(), "quoted_digits.csv", quoted);
    assert_same_as(&plain, &q, &[]);
    let labels: Vec<String> = rows.iter().map(|r| r.0.to_string()).collect();
    let cols = |lab: ArrayRef| {
        let mut v = vec![("label", lab)];
        for k in 0..3 {
            let name = ["prob_0", "prob_1", "prob_2"][k];
            v.push((
                name,
                arr(Float64Array::from(
                    rows.iter().map(|r| r.1[k]).collect::<Vec<_>>(),
                )),
            ));
        }
        v
    };
    let utf8 = write_parquet(
        d.root(),
        "utf8.parquet",
        cols(arr(StringArray::from(labels.clone()))),
        None,
    );
    assert_same_as(&plain, &utf8, &[]);
    let large = write_parquet(
        d.root(),
        "large_utf8.parquet",
        cols(arr(LargeStringArray::from(labels.clone()))),
        None,
    );
    assert_same_as(&plain, &large, &[]);
    let view = write_parquet(
        d.root(),
        "utf8_view.parquet",
        cols(arr(StringViewArray::from(labels))),
        None,
    );
    assert_same_as(&plain, &view, &[]);
}

// ---------------------------------------------------------------- Parquet

fn binary_parquet_cols(rows: &[(u8, f64)]) -> Vec<(&'static str, ArrayRef)> {
    vec![
        (
            "label",
            arr(Int64Array::from(
                rows.iter().map(|r| r.0 as i64).collect::<Vec<_>>(),
            )),
        ),
        (
            "prob",
            arr(Float64Array::from(
                rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            )),
        ),
    ]
}

#[test]
fn parquet_dictionary_encoded_columns() {
    let d = Workdir::new();
    let rows = binary_rows(500, 10);
    let plain = write(d.root(), "plain.csv", binary_csv(&rows));
    // Arrow dictionary arrays (kept as dictionaries through the file's Arrow schema).
    let labels: DictionaryArray<Int32Type> = rows
        .iter()
        .map(|r| if r.0 == 1 { "1" } else { "0" })
        .collect();
    let mut scores =
        arrow_array::builder::PrimitiveDictionaryBuilder::<Int32Type, Float64Type>::new();
    for r in &rows {
        scores.append_value(r.1);
    }
    for dict in [true, false] {
        let props = WriterProperties::builder()
            .set_dictionary_enabled(dict)
            .build();
        let p = write_parquet(
            d.root(),
            &format!("dict_{dict}.parquet"),
            vec![
                ("label", arr(labels.clone())),
                ("prob", arr(scores.finish_cloned())),
            ],
            Some(props.clone()),
        );
        assert_same_as(&plain, &p, &[]);
        // plain arrays, Parquet dictionary pages on or off
        let p = write_parquet(
            d.root(),
            &format!("plain_{dict}.parquet"),
            binary_parquet_cols(&rows),
            Some(props),
        );
        assert_same_as(&plain, &p, &[]);
    }
}

#[test]
fn parquet_many_small_row_groups() {
    let d = Workdir::new();
    let rows = binary_rows(10_000, 11);
    let one = write_parquet(d.root(), "one.parquet", binary_parquet_cols(&rows), None);
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(10))
        .build();
    let many = write_parquet(
        d.root(),
        "many.parquet",
        binary_parquet_cols(&rows),
        Some(props),
    );
    let meta = parquet::file::reader::FileReader::metadata(
        &parquet::file::reader::SerializedFileReader::new(std::fs::File::open(&many).unwrap())
            .unwrap(),
    )
    .num_row_groups();
    assert_eq!(meta, 1000);
    assert_same_as(&one, &many, &[]);
    let r = stats(&[&many]);
    assert_eq!(r.input.rows_read, 10_000);
    let (ce, fl) = binary_reference(&rows);
    assert_close(r.totals.ce_sum, ce, 1e-12, "CE");
    assert_close(r.totals.focal_sum, fl, 1e-12, "FL");
    // A bad row deep inside: its 0-based row number is file-wide, not per row group.
    let mut probs: Vec<f64> = rows.iter().map(|r| r.1).collect();
    probs[7_654] = f64::NAN;
    let bad = write_parquet(
        d.root(),
        "many_bad.parquet",
        vec![
            binary_parquet_cols(&rows).remove(0),
            ("prob", arr(Float64Array::from(probs))),
        ],
        Some(
            WriterProperties::builder()
                .set_max_row_group_row_count(Some(10))
                .build(),
        ),
    );
    assert!(stats_err(&[&bad]).contains("row 7654 (0-based)"));
}

#[test]
fn parquet_one_huge_row_group() {
    // More rows than one decode batch and one parallel unit, in a single row group.
    let d = Workdir::new();
    let n = (flcli::input::parquet::UNIT_ROWS as usize) + 100_000;
    let rows = binary_rows(n, 12);
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(n))
        .build();
    let p = write_parquet(
        d.root(),
        "huge.parquet",
        binary_parquet_cols(&rows),
        Some(props),
    );
    let r = stats(&[&p]);
    assert_eq!(r.input.rows_read, n as u64);
    assert_eq!(r.input.rows_used, n as u64);
    let (ce, fl) = binary_reference(&rows);
    assert_close(r.totals.ce_sum, ce, 1e-11, "CE");
    assert_close(r.totals.focal_sum, fl, 1e-11, "FL");
}

#[test]
fn parquet_f16_f32_f64_scores() {
    let d = Workdir::new();
    let rows = binary_rows(300, 13);
    let plain = write(d.root(), "plain.csv", binary_csv(&rows));
    let labels = arr(Int64Array::from(
        rows.iter().map(|r| r.0 as i64).collect::<Vec<_>>(),
    ));
    let scores: Vec<(&str, ArrayRef)> = vec![
        (
            "f16",
            arr(Float16Array::from(
                rows.iter()
                    .map(|r| half::f16::from_f64(r.1))
                    .collect::<Vec<_>>(),
            )),
        ),
        (
            "f32",
            arr(Float32Array::from(
                rows.iter().map(|r| r.1 as f32).collect::<Vec<_>>(),
            )),
        ),
        (
            "f64",
            arr(Float64Array::from(
                rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            )),
        ),
    ];
    for (name, a) in scores {
        let p = write_parquet(
            d.root(),
            &format!("{name}.parquet"),
            vec![("label", labels.clone()), ("prob", a)],
            None,
        );
        assert_same_as(&plain, &p, &[]);
    }
}

#[test]
fn parquet_int8_to_int64_and_uint8_to_uint64_labels() {
    let d = Workdir::new();
    let rows = softmax_rows(200, 14);
    let plain = write(d.root(), "plain.csv", softmax_csv(&rows));
    let y: Vec<u8> = rows.iter().map(|r| r.0).collect();
    let labels: Vec<(&str, ArrayRef)> = vec![
        (
            "i8",
            arr(Int8Array::from_iter_values(y.iter().map(|&v| v as i8))),
        ),
        (
            "i16",
            arr(Int16Array::from_iter_values(y.iter().map(|&v| v as i16))),
        ),
        (
            "i32",
            arr(Int32Array::from_iter_values(y.iter().map(|&v| v as i32))),
        ),
        (
            "i64",
            arr(Int64Array::from_iter_values(y.iter().map(|&v| v as i64))),
        ),
        ("u8", arr(UInt8Array::from_iter_values(y.iter().copied()))),
        (
            "u16",
            arr(UInt16Array::from_iter_values(y.iter().map(|&v| v as u16))),
        ),
        (
            "u32",
            arr(UInt32Array::from_iter_values(y.iter().map(|&v| v as u32))),
        ),
        (
            "u64",
            arr(UInt64Array::from_iter_values(y.iter().map(|&v| v as u64))),
        ),
    ];
    for (name, lab) in labels {
        let mut cols = vec![("label", lab)];
        for (k, c) in ["prob_0", "prob_1", "prob_2"].into_iter().enumerate() {
            cols.push((
                c,
                arr(Float64Array::from_iter_values(rows.iter().map(|r| r.1[k]))),
            ));
        }
        let p = write_parquet(d.root(), &format!("{name}.parquet"), cols, None);
        assert_same_as(&plain, &p, &[]);
    }
    // A uint64 label above i64::MAX is an unknown label, not a wrap-around.
    let p = write_parquet(
        d.root(),
        "u64_big.parquet",
        vec![
            ("label", arr(UInt64Array::from(vec![1u64, u64::MAX]))),
            ("prob", arr(Float64Array::from(vec![0.5, 0.5]))),
        ],
        None,
    );
    let e = stats_err(&[&p]);
    assert!(e.contains("row 1 (0-based)"), "{e}");
}

fn list_rows(rows: &[(u8, [f64; 3])]) -> Vec<Option<Vec<Option<f64>>>> {
    rows.iter()
        .map(|r| Some(r.1.iter().map(|&v| Some(v)).collect()))
        .collect()
}

#[test]
fn parquet_list_fixed_size_list_and_large_list_score_columns() {
    let d = Workdir::new();
    let rows = softmax_rows(300, 15);
    let plain = write(d.root(), "plain.csv", softmax_csv(&rows));
    let labels = arr(Int64Array::from_iter_values(
        rows.iter().map(|r| r.0 as i64),
    ));
    let mut fsl = FixedSizeListBuilder::new(Float64Builder::new(), 3);
    for r in &rows {
        fsl.values().append_slice(&r.1);
        fsl.append(true);
    }
    let f32_rows: Vec<Option<Vec<Option<f32>>>> = rows
        .iter()
        .map(|r| Some(r.1.iter().map(|&v| Some(v as f32)).collect()))
        .collect();
    let lists: Vec<(&str, ArrayRef)> = vec![
        (
            "list_f64",
            arr(ListArray::from_iter_primitive::<Float64Type, _, _>(
                list_rows(&rows),
            )),
        ),
        (
            "list_f32",
            arr(ListArray::from_iter_primitive::<Float32Type, _, _>(
                f32_rows,
            )),
        ),
        (
            "large_list",
            arr(LargeListArray::from_iter_primitive::<Float64Type, _, _>(
                list_rows(&rows),
            )),
        ),
        ("fixed_size_list", arr(fsl.finish())),
    ];
    for (name, a) in lists {
        let p = write_parquet(
            d.root(),
            &format!("{name}.parquet"),
            vec![("label", labels.clone()), ("probs", a)],
            None,
        );
        let r = stats(&[&p]);
        assert_eq!(r.input.class_names, vec!["0", "1", "2"], "{name}");
        assert_eq!(r.input.score_columns, vec!["probs"], "{name}");
        let mut want = stats(&[&plain]);
        want.input.score_columns = vec!["probs".into()];
        want.input.detected = r.input.detected.clone();
        assert_eq!(without_paths(r), without_paths(want), "{name}");
    }
}

/// Writes `rows` as 3 Parquet shards into `dir`; `extra(i, cols)` may add columns to shard i.
fn shards(
    dir: &Path,
    rows: &[(u8, f64)],
    extra: impl Fn(usize, &mut Vec<(&'static str, ArrayRef)>),
) -> std::path::PathBuf {
    std::fs::create_dir(dir).unwrap();
    for (i, part) in rows.chunks(300).enumerate() {
        let mut cols = binary_parquet_cols(part);
        extra(i, &mut cols);
        write_parquet(dir, &format!("part-{i:03}.parquet"), cols, None);
    }
    dir.to_path_buf()
}

#[test]
fn parquet_shards_where_one_has_an_extra_unused_column() {
    let d = Workdir::new();
    let rows = binary_rows(900, 16);
    let whole = write(d.root(), "whole.csv", binary_csv(&rows));
    let plain = shards(&d.root().join("plain"), &rows, |_, _| {});
    // An extra column in the middle shard, placed first, so the needed columns move.
    let middle = shards(&d.root().join("middle"), &rows, |i, cols| {
        if i == 1 {
            let n = cols[0].1.len();
            cols.insert(0, ("extra", arr(StringArray::from(vec!["unused"; n]))));
        }
    });
    // An extra column in the first shard, whose schema drives detection.
    let first = shards(&d.root().join("first"), &rows, |i, cols| {
        if i == 0 {
            let n = cols[0].1.len();
            cols.push(("size", arr(Float64Array::from(vec![1.0; n]))));
        }
    });
    assert_same_as(&plain, &middle, &[]);
    assert_same_as(&plain, &first, &[]);
    let r = stats(&[&middle]);
    assert_eq!(r.input.paths.len(), 3);
    assert_eq!(r.input.format, "parquet");
    // Three shards are three units: the same numbers as one file up to rounding.
    assert_reports_close(r, stats(&[&whole]), 1e-12);
    // CSV shards, one with an extra column and another column order.
    let csvs = d.root().join("csvs");
    std::fs::create_dir(&csvs).unwrap();
    for (i, part) in rows.chunks(300).enumerate() {
        let mut s = if i == 2 {
            String::from("note,prob,label\n")
        } else {
            String::from("label,prob\n")
        };
        for (y, p) in part {
            if i == 2 {
                s.push_str(&format!("x,{p},{y}\n"));
            } else {
                s.push_str(&format!("{y},{p}\n"));
            }
        }
        write(&csvs, &format!("part-{i}.csv"), s);
    }
    assert_same_as(&plain, &csvs, &[]);
}

// ---------------------------------------------------------------- pipes

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
