//! A null in the `--by` column is a group of its own, never equal to any
//! string (the string `(null)` included): in the reports, in partial files
//! and their merge, and in every text output.

use crate::support::{arr, f64s, i64s, json_value, ok, run, stats, Workdir};
use arrow_array::{ArrayRef, RecordBatch, StringArray};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Keys with a null and the string "(null)", in different places of the file.
fn columns(keys: &[Option<&str>]) -> Vec<(&'static str, ArrayRef)> {
    let n = keys.len();
    vec![
        ("label", i64s((0..n).map(|i| (i % 2) as i64).collect())),
        (
            "prob",
            f64s((0..n).map(|i| 0.1 + 0.8 * (i as f64) / n as f64).collect()),
        ),
        ("g", arr(StringArray::from(keys.to_vec()))),
    ]
}

const KEYS: [Option<&str>; 7] = [
    None,
    Some("(null)"),
    Some("a"),
    None,
    Some("(null)"),
    Some("(null)"),
    Some(""),
];

/// `(key, rows_read)` of each group of a JSON report, in report order.
fn groups(v: &Value) -> Vec<(Option<String>, u64)> {
    v["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            let key = match &g["key"] {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                k => panic!("a key that is neither null nor text: {k}"),
            };
            (key, g["input"]["rows_read"].as_u64().unwrap())
        })
        .collect()
}

fn want() -> Vec<(Option<String>, u64)> {
    vec![
        (None, 2),
        (Some(String::new()), 1),
        (Some("(null)".into()), 3),
        (Some("a".into()), 1),
    ]
}

fn ipc_file(dir: &Path, name: &str, cols: Vec<(&str, ArrayRef)>) -> PathBuf {
    let b = RecordBatch::try_from_iter(cols).expect("batch");
    let p = dir.join(name);
    let f = std::fs::File::create(&p).expect("create");
    let mut w = arrow_ipc::writer::FileWriter::try_new(f, &b.schema()).expect("writer");
    w.write(&b).expect("write");
    w.finish().expect("finish");
    p
}

#[test]
fn a_null_and_the_string_null_are_two_groups_in_parquet_and_ipc() {
    let wd = Workdir::new();
    let pq = wd.write_parquet("k.parquet", columns(&KEYS), 3);
    let ipc = ipc_file(wd.root(), "k.arrow", columns(&KEYS));
    for p in [&pq, &ipc] {
        let p = p.to_str().unwrap();
        assert_eq!(
            groups(&json_value("stats", &[p, "--by", "g"])),
            want(),
            "{p}"
        );
        assert_eq!(
            groups(&json_value("compare", &[p, "--by", "g"])),
            want(),
            "{p}"
        );
        let r = stats(&[p, "--by", "g"]);
        let keys: Vec<Option<&str>> = r
            .groups
            .iter()
            .flatten()
            .map(|g| g.key.as_deref())
            .collect();
        assert_eq!(keys, [None, Some(""), Some("(null)"), Some("a")]);
    }
}

#[test]
fn text_outputs_tell_a_null_key_from_the_string_null() {
    let wd = Workdir::new();
    let pq = wd.write_parquet("k.parquet", columns(&KEYS), 100);
    let p = pq.to_str().unwrap();
    let table = ok(crate::support::flcli().args(["stats", p, "--by", "g", "-q"])).0;
    for heading in ["g = (null) ", "g = \"(null)\" ", "g = \"\" ", "g = a "] {
        assert_eq!(table.matches(heading).count(), 1, "{heading}:\n{table}");
    }
    let md = ok(crate::support::flcli().args(["stats", p, "--by", "g", "-q", "--output", "md"])).0;
    for title in ["g = (null)\n", "g = \"(null)\"\n", "g = \"\"\n", "g = a\n"] {
        assert_eq!(md.matches(title).count(), 1, "{title:?}:\n{md}");
    }
    let csv =
        ok(crate::support::flcli().args(["stats", p, "--by", "g", "-q", "--output", "csv"])).0;
    // The first cell of each row is its group (empty for the whole data).
    let first_cells: std::collections::BTreeSet<&str> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    let want = ["", "(null)", "\"\"\"\"\"\"", "\"\"\"(null)\"\"\"", "a"];
    assert_eq!(first_cells, want.into_iter().collect(), "{csv}");
    let html =
        ok(crate::support::flcli().args(["stats", p, "--by", "g", "-q", "--output", "html"])).0;
    for summary in ["g = (null) <span", "g = &quot;(null)&quot; <span"] {
        assert_eq!(html.matches(summary).count(), 1, "{summary}");
    }
}

#[test]
fn an_empty_csv_by_field_is_the_null_group_and_the_string_null_its_own() {
    let wd = Workdir::new();
    let p = wd.write(
        "k.csv",
        "label,prob,g\n0,0.2,\n1,0.7,(null)\n1,0.6,a\n0,0.3,\"\"\n0,0.4, \n",
    );
    let v = json_value("stats", &[p.to_str().unwrap(), "--by", "g"]);
    let want = vec![(None, 3), (Some("(null)".into()), 1), (Some("a".into()), 1)];
    assert_eq!(groups(&v), want);
}

#[test]
fn partials_keep_a_null_and_the_string_null_apart_through_a_merge() {
    let wd = Workdir::new();
    let a = wd.write_parquet("a.parquet", columns(&KEYS), 3);
    let b = wd.write_parquet("b.parquet", columns(&[None, Some("b"), None]), 3);
    let flp = |src: &Path, out: &str| {
        let out = wd.path(out);
        partial_by_g(src, &out);
        out
    };
    let (fa, fb) = (flp(&a, "a.flp"), flp(&b, "b.flp"));
    let s = |p: &Path| groups(&json_value("stats", &[p.to_str().unwrap(), "--by", "g"]));
    assert_eq!(s(&fa), want(), "round trip");
    let m = wd.path("m.flp");
    let o = run(&[
        "merge".as_ref(),
        fa.as_os_str(),
        fb.as_os_str(),
        "-o".as_ref(),
        m.as_os_str(),
        "-q".as_ref(),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    // b.flp holds no text "(null)": an older version, its nulls written as that text.
    assert_eq!(std::fs::read(&fb).unwrap()[8..12], 3u32.to_le_bytes());
    let merged = vec![
        (None, 4),
        (Some(String::new()), 1),
        (Some("(null)".into()), 3),
        (Some("a".into()), 1),
        (Some("b".into()), 1),
    ];
    assert_eq!(s(&m), merged);
    // Both files at once, read directly: the same groups.
    let both = json_value(
        "stats",
        &[a.to_str().unwrap(), b.to_str().unwrap(), "--by", "g"],
    );
    assert_eq!(groups(&both), merged);
}

/// `flcli partial SRC --by g -o OUT`, which must succeed.
fn partial_by_g(src: &Path, out: &Path) {
    let o = run(&[
        "partial".as_ref(),
        src.as_os_str(),
        "--by".as_ref(),
        "g".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
        "-q".as_ref(),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
}

#[test]
fn a_partial_keeps_the_oldest_version_that_holds_its_keys() {
    let wd = Workdir::new();
    let keys = |p: &Path| groups(&json_value("stats", &[p.to_str().unwrap(), "--by", "g"]));
    // A null key alone fits the versions before 4 (as the text "(null)", read
    // back as null): `partial` keeps second moments, version 3.
    let a = wd.write_parquet("a.parquet", columns(&[None, Some("a")]), 3);
    let flp = wd.path("a.flp");
    partial_by_g(&a, &flp);
    let bytes = std::fs::read(&flp).unwrap();
    assert_eq!(bytes[8..12], 3u32.to_le_bytes(), "the version written");
    assert!(bytes.windows(6).any(|w| w == b"(null)"));
    assert_eq!(keys(&flp), [(None, 1), (Some("a".into()), 1)]);
    // With the text "(null)" as a key as well, version 4.
    let b = wd.write_parquet("b.parquet", columns(&[None, Some("(null)")]), 3);
    let flp = wd.path("b.flp");
    partial_by_g(&b, &flp);
    let bytes = std::fs::read(&flp).unwrap();
    assert_eq!(bytes[8..12], 4u32.to_le_bytes(), "the version written");
    assert_eq!(keys(&flp), [(None, 1), (Some("(null)".into()), 1)]);
}

#[test]
fn an_older_version_partial_reads_its_null_text_key_as_null() {
    let wd = Workdir::new();
    let a = wd.write_parquet("a.parquet", columns(&[Some("(null)"), Some("a")]), 3);
    let new = wd.path("new.flp");
    partial_by_g(&a, &new);
    let mut bytes = std::fs::read(&new).unwrap();
    assert_eq!(bytes[8..12], 4u32.to_le_bytes(), "the version written");
    // Versions 1 to 3 write a null key as the text "(null)": the same bytes otherwise.
    bytes[8..12].copy_from_slice(&3u32.to_le_bytes());
    let n = bytes.len() - 4;
    let crc = crc32fast::hash(&bytes[..n]);
    bytes[n..].copy_from_slice(&crc.to_le_bytes());
    let old = wd.write("old.flp", &bytes);
    let keys = |p: &Path| groups(&json_value("stats", &[p.to_str().unwrap(), "--by", "g"]));
    assert_eq!(
        keys(&new),
        [(Some("(null)".into()), 1), (Some("a".into()), 1)]
    );
    assert_eq!(keys(&old), [(None, 1), (Some("a".into()), 1)]);
}
