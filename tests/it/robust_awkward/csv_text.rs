//! CSV text: line ends, blank lines, a byte-order mark, and quoting.

use super::*;
use crate::support::*;

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
    assert!(s.len() as u64 > crate::support::sizes::CHUNK_BYTES);
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
