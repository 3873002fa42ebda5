//! Nothing silently wrong: a `--positive` value that matches no row is an
//! error listing the label values seen, and a carriage return inside a
//! quoted CSV field is data, kept as written (it never merges two `--by` keys).

use crate::support::*;

#[test]
fn a_positive_value_matching_no_row_is_an_error_listing_the_labels() {
    let wd = Workdir::new();
    let p = wd.write("pets.csv", "label,prob\ncat,0.2\ndog,0.7\ncat,0.4\n");
    let e = stats_err(&["--positive".as_ref(), "Dog".as_ref(), p.as_os_str()]);
    assert_mentions(
        &e,
        &["pets.csv", "--positive \"Dog\"", "\"cat\"", "\"dog\""],
    );
    let r = stats(&["--positive".as_ref(), "dog".as_ref(), p.as_os_str()]);
    assert_eq!(r.input.rows_used, 3);
    // Integer labels and a Parquet file take the same path.
    let pq = wd.write_parquet(
        "ints.parquet",
        vec![
            ("label", i64s(vec![0, 1, 1])),
            ("prob", f64s(vec![0.2, 0.6, 0.9])),
        ],
        10,
    );
    let e = stats_err(&["--positive".as_ref(), "2".as_ref(), pq.as_os_str()]);
    assert_mentions(&e, &["ints.parquet", "--positive \"2\"", "\"0\"", "\"1\""]);
}

#[test]
fn a_carriage_return_inside_quotes_is_kept_as_written() {
    let wd = Workdir::new();
    let p = wd.write(
        "cr.csv",
        "label,prob,g\r\n0,0.2,\"x\ry\"\r\n1,0.7,\"x\ny\"\r\n1,0.6,\"x\ry\"\r\n",
    );
    let r = stats(&["--by".as_ref(), "g".as_ref(), p.as_os_str()]);
    let mut keys: Vec<(String, u64)> = r
        .groups
        .unwrap()
        .iter()
        .map(|g| (g.key.clone().unwrap(), g.report.input.rows_used))
        .collect();
    keys.sort();
    assert_eq!(keys, vec![("x\ny".into(), 1), ("x\ry".into(), 2)]);
}

#[test]
fn messages_quote_values_as_written_escaped_once_and_cut_when_huge() {
    let wd = Workdir::new();
    let p = wd.write("over.csv", "label,prob\n0,0.2\n1,1e400\n");
    let e = stats_err(&[&p]);
    assert_mentions(&e, &["over.csv", "line 3", "(value \"1e400\")"]);
    assert!(!e.contains("inf"), "{e}");
    let p = wd.write("ctl.csv", "label,prob\n0,0.2\n1,\"\x1b[31m\"\n");
    let e = stats_err(&[&p]);
    assert_mentions(&e, &["(value \"\\u{1b}[31m\")"]);
    assert!(!e.contains("\\\\"), "escaped twice: {e}");
    // A 10 MB column name.
    let huge = format!("x{}", "a".repeat(10 << 20));
    let p = wd.write(
        "wide.csv",
        format!("label,{huge},xb\n0,0.5,0.5\n1,oops,0.5\n"),
    );
    let e = stats_err(&["--probs", "x*", p.to_str().unwrap()]);
    assert_mentions(
        &e,
        &["wide.csv", "line 3", "(10485761 characters)", "\"oops\""],
    );
    assert!(e.len() < 2000, "{} bytes of message", e.len());
}

#[test]
fn two_label_columns_differing_only_in_case_are_not_a_guess() {
    let wd = Workdir::new();
    let p = wd.write("twins.csv", "Label,label,prob\n0,1,0.2\n1,0,0.7\n");
    let e = stats_err(&[&p]);
    assert_mentions(&e, &["twins.csv", "\"Label\" and \"label\"", "--label"]);
    let r = stats(&["--label".as_ref(), "label".as_ref(), p.as_os_str()]);
    assert_eq!(r.input.rows_used, 2);
}

#[test]
fn a_binary_score_beside_a_list_of_scores_is_not_a_guess() {
    let wd = Workdir::new();
    let p = wd.write_parquet(
        "both.parquet",
        vec![
            ("label", i64s(vec![0, 1, 1])),
            ("prob", f64s(vec![0.2, 0.6, 0.9])),
            (
                "probs",
                f64_lists(&[vec![0.8, 0.2], vec![0.4, 0.6], vec![0.1, 0.9]]),
            ),
        ],
        10,
    );
    let e = stats_err(&[&p]);
    assert_mentions(
        &e,
        &["both.parquet", "\"prob\"", "\"probs\"", "--mode binary"],
    );
    let binary = stats(&["--mode".as_ref(), "binary".as_ref(), p.as_os_str()]);
    let softmax = stats(&["--mode".as_ref(), "softmax".as_ref(), p.as_os_str()]);
    assert_eq!(binary.input.rows_used, 3);
    assert_eq!(softmax.input.rows_used, 3);
}

#[test]
fn two_score_columns_naming_one_class_are_not_a_guess() {
    let wd = Workdir::new();
    let p = wd.write(
        "padded.csv",
        "label,prob_0,prob_1,prob_01\n0,0.5,0.3,0.2\n1,0.2,0.5,0.3\n",
    );
    let e = stats_err(&[&p]);
    assert_mentions(
        &e,
        &[
            "padded.csv",
            "\"prob_1\" and \"prob_01\"",
            "\"1\"",
            "--class-names",
        ],
    );
    let r = stats(&["--class-names".as_ref(), "a,b,c".as_ref(), p.as_os_str()]);
    assert_eq!(r.input.rows_used, 2);
    // Zero-padded numbers alone are one class each, in numeric order.
    let q = wd.write("zeros.csv", "label,prob_00,prob_01\n0,0.5,0.5\n1,0.2,0.8\n");
    assert_eq!(stats(&[&q]).input.rows_used, 2);
}

#[test]
fn messages_listing_columns_stay_readable_for_huge_names_and_many_columns() {
    let wd = Workdir::new();
    let long = "x".repeat(5000);
    let p = wd.write("long.csv", format!("{long},{long}y\n0,0.5\n"));
    let e = stats_err(&[&p]);
    assert_mentions(&e, &["long.csv", "(5000 characters)", "--label"]);
    assert!(e.len() < 1500, "{} bytes of message", e.len());
    let header: Vec<String> = (0..500).map(|i| format!("c{i}")).collect();
    let zeros = vec!["0"; 500].join(",");
    let q = wd.write("wide.csv", format!("{}\n{zeros}\n", header.join(",")));
    let e = stats_err(&[&q]);
    assert_mentions(&e, &["columns found (500)", "\"c39\"", "and 460 more"]);
    assert!(!e.contains("\"c40\""), "{e}");
}

#[test]
fn flag_values_naming_missing_columns_are_quoted_cut_and_escaped_once() {
    let wd = Workdir::new();
    let csv = wd.write("d.csv", "label,prob,g\n0,0.2,a\n1,0.7,b\n");
    let pq = wd.write_parquet(
        "d.parquet",
        vec![("label", i64s(vec![0, 1])), ("prob", f64s(vec![0.2, 0.7]))],
        10,
    );
    // A name with an escape sequence, a quote and a backslash, 100 KB long
    // (about the most one command-line argument may hold).
    let name = format!("\x1b[31m\"q\\{}", "n".repeat(100_000));
    let chars = format!("({} characters)", name.chars().count());
    let cut = "\"\\u{1b}[31m\"q\\nnn";
    let check = |flag: &str, file: &std::path::Path, also: &[&str]| {
        let e = stats_err(&[flag.as_ref(), name.as_ref(), file.as_os_str()]);
        assert_mentions(&e, &[cut, &chars]);
        assert_mentions(&e, also);
        assert!(!e.contains('\x1b'), "a raw escape: {flag}");
        assert!(!e.contains("\\\\"), "escaped twice: {flag}");
        assert!(!e.contains("\\\""), "Rust's debug quoting: {flag}");
        assert!(e.len() < 2000, "{flag}: {} bytes of message", e.len());
    };
    for f in [&csv, &pq] {
        check("--prob", f, &["no column", "--prob"]);
        check("--label", f, &["no label column", "--label"]);
        check("--probs", f, &["no column", "--probs"]);
    }
    check("--by", &csv, &["d.csv"]);
    check("--by", &pq, &["d.parquet", "has no column"]);
    // A --fail-if expression is quoted the same way.
    let e = stats_err(&[
        "--fail-if".as_ref(),
        format!("{name} > 1").as_ref(),
        csv.as_os_str(),
    ]);
    assert_mentions(&e, &["--fail-if \"\\u{1b}[31m\"q\\nnn"]);
    assert!(e.len() < 2000, "--fail-if: {} bytes of message", e.len());
}
