//! `--by COL`: the whole report again for each value of a metadata column.

use crate::support::{close, flcli, stats, without_paths_json};

#[test]
fn groups_partition_the_whole_and_are_sorted() {
    for file in ["fixtures/detection.parquet", "fixtures/detection.csv"] {
        let r = stats(&[file, "--by", "size"]);
        let plain = stats(&[file]);
        let groups = r.groups.as_ref().expect("groups with --by");
        let keys: Vec<&str> = groups.iter().map(|g| g.key.as_deref().unwrap()).collect();
        assert_eq!(keys, ["large", "medium", "small"], "{file}");
        assert_eq!(r.input.by.as_deref(), Some("size"));
        let rows: u64 = groups.iter().map(|g| g.report.input.rows_read).sum();
        assert_eq!(rows, r.input.rows_read);
        let elements: u64 = groups.iter().map(|g| g.report.totals.elements).sum();
        assert_eq!(elements, r.totals.elements);
        for k in 0..2 {
            let n: u64 = groups.iter().map(|g| g.report.classes[k].count).sum();
            assert_eq!(n, r.classes[k].count);
        }
        let fl: f64 = groups.iter().map(|g| g.report.totals.focal_sum).sum();
        assert!(
            close(fl, r.totals.focal_sum, 1e-12),
            "{fl} vs {}",
            r.totals.focal_sum
        );
        // The whole report under --by is the plain report (up to summation order).
        assert_eq!(r.totals.elements, plain.totals.elements);
        assert!(close(r.totals.ce_sum, plain.totals.ce_sum, 1e-12));
        assert!(close(r.totals.focal_sum, plain.totals.focal_sum, 1e-12));
        assert!(plain.groups.is_none());
        assert!(groups.iter().all(|g| g.report.groups.is_none()));
    }
}

#[test]
fn a_slice_equals_the_report_of_its_rows_alone() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("fixtures/detection.csv").unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let col = header.split(',').position(|c| c == "size").unwrap();
    let small: Vec<&str> = lines
        .filter(|l| l.split(',').nth(col) == Some("small"))
        .collect();
    let path = dir.path().join("small.csv");
    std::fs::write(&path, format!("{header}\n{}\n", small.join("\n"))).unwrap();
    let alone = stats(&[path.to_str().unwrap()]);
    let r = stats(&["fixtures/detection.csv", "--by", "size"]);
    let g = r
        .groups
        .unwrap()
        .into_iter()
        .find(|g| g.key.as_deref() == Some("small"))
        .unwrap()
        .report;
    assert_eq!(g.totals.elements, alone.totals.elements);
    assert!(close(g.totals.focal_sum, alone.totals.focal_sum, 1e-12));
    assert_eq!(
        g.buckets.iter().map(|b| b.count).collect::<Vec<_>>(),
        alone.buckets.iter().map(|b| b.count).collect::<Vec<_>>()
    );
    assert_eq!(g.classes[1].accuracy, alone.classes[1].accuracy);
}

#[test]
fn too_many_groups_is_an_error_that_suggests_a_coarser_column() {
    let out = flcli()
        .args([
            "stats",
            "fixtures/detection.parquet",
            "--by",
            "logit",
            "--max-groups",
            "50",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"logit\"") && err.contains("more than 50") && err.contains("--max-groups"),
        "{err}"
    );
}

#[test]
fn a_missing_by_column_names_the_file_and_the_columns() {
    let out = flcli()
        .args(["stats", "fixtures/detection.csv", "--by", "split"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("fixtures/detection.csv")
            && err.contains("\"split\"")
            && err.contains("\"size\""),
        "{err}"
    );
}

#[test]
fn tables_have_one_section_per_value_and_csv_a_group_column() {
    let out = flcli()
        .args([
            "stats",
            "fixtures/detection.parquet",
            "--by",
            "size",
            "--color",
            "never",
            "-q",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for k in ["large", "medium", "small"] {
        assert_eq!(text.matches(&format!("━━ size = {k} ━━")).count(), 1, "{k}");
    }
    let out = flcli()
        .args([
            "stats",
            "fixtures/detection.parquet",
            "--by",
            "size",
            "--output",
            "csv",
        ])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("group,section,"));
    assert!(csv.lines().any(|l| l.starts_with("small,class,")));
    assert!(csv.lines().any(|l| l.starts_with(",class,")));
}

#[test]
fn gates_reach_into_groups_by_key() {
    let out = flcli()
        .args([
            "stats",
            "fixtures/detection.parquet",
            "--by",
            "size",
            "--json",
            "--fail-if",
            "groups[small].totals.elements > 1",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn compare_by_scores_every_slice_with_the_same_grid() {
    let out = flcli()
        .args([
            "compare",
            "fixtures/detection.parquet",
            "--by",
            "size",
            "--gamma",
            "0,2",
            "--alpha",
            "0.25",
            "--json",
            "-q",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: flcli::report::CompareReport = serde_json::from_slice(&out.stdout).unwrap();
    let groups = r.groups.as_ref().expect("groups with --by");
    assert_eq!(groups.len(), 3);
    for (v, whole) in r.variants.iter().enumerate() {
        let sum: f64 = groups.iter().map(|g| g.report.variants[v].loss_sum).sum();
        assert!(
            close(sum, whole.loss_sum, 1e-12),
            "{}: {sum} vs {}",
            whole.name,
            whole.loss_sum
        );
        assert!(groups
            .iter()
            .all(|g| g.report.variants[v].name == whole.name));
    }
    let table = flcli()
        .args([
            "compare",
            "fixtures/detection.parquet",
            "--by",
            "size",
            "--color",
            "never",
            "-q",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert_eq!(text.matches("━━ size = ").count(), 3);
}

#[test]
fn integer_keys_and_float32_scores_read_as_their_text_and_exact_widening() {
    use crate::support::{arr, i64s, write_parquet};
    use arrow_array::{Float32Array, Float64Array, Int32Array};
    let dir = tempfile::tempdir().unwrap();
    let n: i32 = 3000;
    let labels: Vec<i64> = (0..n).map(|i| (i % 7 == 0) as i64).collect();
    let p32: Vec<f32> = (0..n)
        .map(|i| ((i * 37 % 1000) as f32 + 0.5) / 1000.0)
        .collect();
    // Small keys (found by index), keys at and past the end of that index, negative keys, nulls.
    let key = |i: i32| match i % 8 {
        5 => 4095,
        6 => 4096,
        7 => 100_000,
        _ => i % 5 - 2,
    };
    let keys: Vec<Option<i32>> = (0..n).map(|i| (i % 11 != 3).then_some(key(i))).collect();
    let text: Vec<Option<String>> = keys.iter().map(|k| k.map(|k| k.to_string())).collect();
    let ints = write_parquet(
        dir.path(),
        "ints.parquet",
        vec![
            ("label", i64s(labels.clone())),
            ("prob", arr(Float32Array::from(p32.clone()))),
            ("g", arr(Int32Array::from(keys))),
        ],
        None,
    );
    let texts = write_parquet(
        dir.path(),
        "texts.parquet",
        vec![
            ("label", i64s(labels)),
            (
                "prob",
                arr(Float64Array::from(
                    p32.iter().map(|&p| f64::from(p)).collect::<Vec<_>>(),
                )),
            ),
            ("g", arr(arrow_array::StringArray::from(text))),
        ],
        None,
    );
    let run = |p: &std::path::Path| {
        let out = flcli()
            .args(["compare", p.to_str().unwrap(), "--by", "g", "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        without_paths_json(&mut v);
        v
    };
    let (a, b) = (run(&ints), run(&texts));
    let keys: Vec<Option<&str>> = a["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str())
        .collect();
    let want = [
        None,
        Some("-1"),
        Some("-2"),
        Some("0"),
        Some("1"),
        Some("100000"),
        Some("2"),
        Some("4095"),
        Some("4096"),
    ];
    assert_eq!(keys, want);
    assert_eq!(a["groups"], b["groups"]);
    assert_eq!(a["variants"], b["variants"]);
}

/// Text keys in Parquet are read as a dictionary: the same groups whether
/// the pages are dictionary-encoded, fall back to plain pages part-way
/// through a column chunk, or are plain throughout, for `Utf8` and
/// `LargeUtf8` columns, and as from the same keys in CSV.
#[test]
fn text_keys_give_the_same_groups_from_every_page_encoding() {
    use crate::support::{arr, f64s, i64s, json_value, write_parquet};
    use arrow_array::{LargeStringArray, StringArray};
    use parquet::file::properties::WriterProperties;
    let dir = tempfile::tempdir().unwrap();
    let n = 20_000usize;
    let labels: Vec<i64> = (0..n).map(|i| (i % 5 == 0) as i64).collect();
    let probs: Vec<f64> = (0..n)
        .map(|i| (i * 7919 % 1000) as f64 / 1000.0 + 0.0004)
        .collect();
    // 700 long keys (a dictionary far over the small page limit below) and nulls.
    let keys: Vec<Option<String>> = (0..n)
        .map(|i| (i % 97 != 5).then(|| format!("key-{:0>36}", (i * 31) % 700)))
        .collect();
    let cols = |large: bool| {
        let g = if large {
            arr(LargeStringArray::from(keys.clone()))
        } else {
            arr(StringArray::from(keys.clone()))
        };
        vec![
            ("label", i64s(labels.clone())),
            ("prob", f64s(probs.clone())),
            ("g", g),
        ]
    };
    let props = |dict: bool, limit: usize| {
        WriterProperties::builder()
            .set_max_row_group_row_count(Some(6_000))
            .set_dictionary_enabled(dict)
            .set_dictionary_page_size_limit(limit)
            .set_data_page_row_count_limit(1_000)
            .set_write_batch_size(500)
            .build()
    };
    // (file, LargeUtf8, dictionary on, dictionary page limit)
    let layouts = [
        ("dict.parquet", false, true, 1 << 20),
        ("fallback.parquet", false, true, 2_000),
        ("plain.parquet", false, false, 1 << 20),
        ("large.parquet", true, true, 2_000),
    ];
    let files = layouts.map(|(name, large, dict, limit)| {
        write_parquet(dir.path(), name, cols(large), Some(props(dict, limit)))
    });
    let csv = dir.path().join("keys.csv");
    let mut text = String::from("label,prob,g\n");
    for i in 0..n {
        let k = keys[i].as_deref().unwrap_or("");
        text.push_str(&format!("{},{:?},{k}\n", labels[i], probs[i]));
    }
    std::fs::write(&csv, text).unwrap();
    let groups = |p: &std::path::Path| {
        let mut args = vec![p.to_str().unwrap(), "--prob", "prob", "--label", "label"];
        args.extend(["--by", "g", "--gamma", "0,2"]);
        let v = json_value("compare", &args);
        let gs = v["groups"].as_array().unwrap().clone();
        gs.iter()
            .map(|g| (g["key"].clone(), g["totals"].clone(), g["variants"].clone()))
            .collect::<Vec<_>>()
    };
    let want = groups(&csv);
    assert_eq!(want.len(), 701, "700 keys and the null group");
    for f in &files {
        assert_eq!(groups(f), want, "{}", f.display());
    }
}
