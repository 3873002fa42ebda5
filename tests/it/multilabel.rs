//! Multi-label targets: every case of `fixtures/golden_multilabel.json`
//! (torchvision's `sigmoid_focal_loss` on the multi-hot target matrix,
//! computed by `fixtures/make_fixtures.py`) on each copy of its fixture (a
//! list label column in Parquet and JSON Lines, 0/1 target columns in CSV),
//! compared to 1e-9 relative; the multi-label imbalance figures; `--by`,
//! compare and recommend; and the errors of bad targets.

use crate::support::{
    arr, assert_mentions, compare, f64s, fails, fixture, json_value, rel, stats, stats_err, Workdir,
};
use arrow_array::types::Int64Type;
use arrow_array::ListArray;
use flcli::report::StatsReport;
use serde::Deserialize;

const TOL: f64 = 1e-9;

#[derive(Deserialize)]
struct Golden {
    eps: f64,
    bucket_edges: Vec<f64>,
    cases: Vec<Case>,
    imbalance: std::collections::BTreeMap<String, Imb>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    fixture: String,
    gamma: f64,
    alpha: Option<f64>,
    rows_used: u64,
    totals: Totals,
    classes: Vec<Class>,
    buckets: Vec<Bucket>,
}

#[derive(Deserialize)]
struct Totals {
    elements: u64,
    positives: u64,
    ce_sum: f64,
    focal_sum: f64,
}

#[derive(Deserialize)]
struct Class {
    count: u64,
    elements: u64,
    ce_sum: f64,
    focal_sum: f64,
    mean_p_true: f64,
    accuracy: f64,
}

#[derive(Deserialize)]
struct Bucket {
    count: u64,
    ce_sum: f64,
    focal_sum: f64,
}

#[derive(Deserialize)]
struct Imb {
    counts: Vec<u64>,
    imbalance_ratio: f64,
    positive_rate: Vec<f64>,
    label_cardinality: f64,
    rows_with_several: u64,
    rows_without_positive: u64,
    pairs_seen: u64,
    top_pairs: Vec<(String, String, u64, f64)>,
}

fn golden() -> Golden {
    let text = std::fs::read_to_string(fixture("golden_multilabel.json"))
        .expect("fixtures/golden_multilabel.json");
    serde_json::from_str(&text).expect("golden_multilabel.json parses")
}

/// The copies of a fixture and the flags that read each one.
fn copies(fixture_name: &str) -> Vec<(String, Vec<String>)> {
    let f = |n: &str| fixture(n).display().to_string();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    match fixture_name {
        "multilabel" => vec![
            (f("multilabel.parquet"), vec![]),
            (f("multilabel.jsonl"), vec![]),
            (f("multilabel.npz"), vec![]),
            (f("multilabel_masks.npz"), vec![]),
            (f("multilabel.csv"), s(&["--targets", "y_*"])),
            (
                f("multilabel.csv"),
                s(&[
                    "--targets",
                    "y_0,y_1,y_2,y_3,y_4,y_5",
                    "--logits",
                    "logit_*",
                ]),
            ),
        ],
        "multilabel_probs" => vec![(f("multilabel_probs.parquet"), vec![])],
        other => panic!("unknown fixture {other}"),
    }
}

fn close(errors: &mut Vec<String>, what: &str, got: f64, want: f64) {
    if rel(got, want) > TOL {
        errors.push(format!("{what}: got {got}, golden {want}"));
    }
}

fn check(errors: &mut Vec<String>, what: &str, c: &Case, r: &StatsReport) {
    let t = &r.totals;
    if (t.elements, t.positives, r.input.rows_used)
        != (c.totals.elements, c.totals.positives, c.rows_used)
    {
        errors.push(format!("{what}: counts differ"));
    }
    close(errors, &format!("{what} ce_sum"), t.ce_sum, c.totals.ce_sum);
    close(
        errors,
        &format!("{what} focal_sum"),
        t.focal_sum,
        c.totals.focal_sum,
    );
    for (k, (g, w)) in r.classes.iter().zip(&c.classes).enumerate() {
        let at = format!("{what} class {k}");
        if (g.count, g.elements) != (w.count, w.elements) {
            errors.push(format!("{at}: count/elements differ"));
        }
        close(errors, &format!("{at} ce_sum"), g.ce_sum, w.ce_sum);
        close(errors, &format!("{at} focal_sum"), g.focal_sum, w.focal_sum);
        close(
            errors,
            &format!("{at} mean_p_true"),
            g.mean_p_true.unwrap_or(f64::NAN),
            w.mean_p_true,
        );
        close(
            errors,
            &format!("{at} accuracy"),
            g.accuracy.unwrap_or(f64::NAN),
            w.accuracy,
        );
    }
    for (b, (g, w)) in r.buckets.iter().zip(&c.buckets).enumerate() {
        let at = format!("{what} bucket {b}");
        if g.count != w.count {
            errors.push(format!("{at}: count {} vs {}", g.count, w.count));
        }
        close(errors, &format!("{at} ce_sum"), g.ce_sum, w.ce_sum);
        close(errors, &format!("{at} focal_sum"), g.focal_sum, w.focal_sum);
    }
}

#[test]
fn every_golden_case_matches_torchvision_on_every_copy() {
    let g = golden();
    let edges: Vec<String> = g.bucket_edges.iter().map(f64::to_string).collect();
    let mut errors = Vec::new();
    let mut runs = 0;
    for c in &g.cases {
        for (file, flags) in copies(&c.fixture) {
            let mut args = vec![file.clone()];
            args.extend(flags.iter().cloned());
            let alpha = c.alpha.map_or("none".into(), |a| a.to_string());
            args.extend([
                "--gamma".into(),
                c.gamma.to_string(),
                "--alpha".into(),
                alpha,
                "--eps".into(),
                g.eps.to_string(),
                "--buckets".into(),
                edges.join(","),
            ]);
            let r = stats(&args);
            assert!(
                r.input.targets.is_some(),
                "{}: not read as multi-label",
                c.name
            );
            check(
                &mut errors,
                &format!("{} on {file} {flags:?}", c.name),
                c,
                &r,
            );
            runs += 1;
        }
    }
    assert!(runs >= 6 * 6 + 4, "only {runs} runs");
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn imbalance_reports_positive_rates_cardinality_and_top_pairs() {
    let g = golden();
    for (fx, file) in [
        ("multilabel", "multilabel.parquet"),
        ("multilabel_probs", "multilabel_probs.parquet"),
    ] {
        let want = &g.imbalance[fx];
        let r = stats(&[fixture(file)]);
        let im = &r.imbalance;
        assert_eq!(im.counts, want.counts, "{fx}");
        assert!(rel(im.imbalance_ratio.unwrap(), want.imbalance_ratio) < 1e-12);
        assert_eq!(im.background_rows, Some(want.rows_without_positive), "{fx}");
        let ml = im.multilabel.as_ref().expect("multilabel section");
        for (got, w) in ml.positive_rate.iter().zip(&want.positive_rate) {
            assert!(rel(got.unwrap(), *w) < 1e-12, "{fx}: rate {got:?} vs {w}");
        }
        assert!(rel(ml.label_cardinality.unwrap(), want.label_cardinality) < 1e-12);
        assert_eq!(ml.rows_with_several, want.rows_with_several, "{fx}");
        assert_eq!(ml.pairs_seen, want.pairs_seen, "{fx}");
        let got: Vec<(String, String, u64)> = ml
            .top_pairs
            .iter()
            .map(|p| (p.a.clone(), p.b.clone(), p.rows))
            .collect();
        let w: Vec<(String, String, u64)> = want
            .top_pairs
            .iter()
            .map(|p| (p.0.clone(), p.1.clone(), p.2))
            .collect();
        assert_eq!(got, w, "{fx}");
        assert_eq!(ml.top_pairs.len(), 10);
    }
    // A one-label-per-row report has no multi-label section.
    let r = stats(&[
        fixture("sigmoid.parquet").as_os_str(),
        "--mode".as_ref(),
        "sigmoid".as_ref(),
    ]);
    assert!(r.imbalance.multilabel.is_none() && r.input.targets.is_none());
}

#[test]
fn the_copies_give_the_same_report_outside_input() {
    let strip = |mut v: serde_json::Value| {
        v["input"] = serde_json::Value::Null;
        v
    };
    let base = strip(json_value("stats", &[fixture("multilabel.parquet")]));
    let jsonl = strip(json_value("stats", &[fixture("multilabel.jsonl")]));
    let csv = json_value(
        "stats",
        &[
            fixture("multilabel.csv").as_os_str(),
            "--targets".as_ref(),
            "y_*".as_ref(),
        ],
    );
    assert_eq!(csv["input"]["targets"][5], "y_5");
    assert_eq!(base, jsonl);
    assert_eq!(base, strip(csv));
    for fmt in ["table", "markdown", "html", "csv"] {
        let (out, _) = crate::support::ok(crate::support::flcli().args([
            "stats".as_ref(),
            fixture("multilabel.parquet").as_os_str(),
            "--output".as_ref(),
            fmt.as_ref(),
        ]));
        let needle = if fmt == "csv" {
            "pair,0,0 & 1,,,290"
        } else {
            "label cardinality 1.153"
        };
        assert!(out.contains(needle), "{fmt} lacks {needle:?}:\n{out}");
    }
}

#[test]
fn by_groups_add_up_and_compare_and_recommend_run() {
    let r = stats(&[
        fixture("multilabel.parquet").as_os_str(),
        "--by".as_ref(),
        "split".as_ref(),
    ]);
    let groups = r.groups.as_ref().expect("groups");
    assert_eq!(groups.len(), 2);
    let rows: u64 = groups.iter().map(|g| g.report.input.rows_used).sum();
    assert_eq!(rows, r.input.rows_used);
    let ce: f64 = groups.iter().map(|g| g.report.totals.ce_sum).sum();
    assert!(rel(ce, r.totals.ce_sum) < 1e-12);
    let pairs = |r: &StatsReport| {
        let ml = r
            .imbalance
            .multilabel
            .as_ref()
            .expect("multilabel in every group");
        ml.top_pairs
            .iter()
            .find(|p| (p.a.as_str(), p.b.as_str()) == ("0", "1"))
            .unwrap()
            .rows
    };
    assert_eq!(
        pairs(&groups[0].report) + pairs(&groups[1].report),
        pairs(&r)
    );

    let g = golden();
    let case = g
        .cases
        .iter()
        .find(|c| c.name == "multilabel-logit-g2-a0.25")
        .unwrap();
    let c = compare(&[
        fixture("multilabel.parquet").as_os_str(),
        "--gamma".as_ref(),
        "0,2".as_ref(),
    ]);
    let v = c
        .variants
        .iter()
        .find(|v| v.gamma == Some(2.0))
        .expect("γ = 2");
    assert!(
        rel(v.loss_sum, case.totals.focal_sum) < TOL,
        "{} vs {}",
        v.loss_sum,
        case.totals.focal_sum
    );
    let rec = json_value(
        "recommend",
        &[
            fixture("multilabel.csv").as_os_str(),
            "--targets".as_ref(),
            "y_*".as_ref(),
        ],
    );
    assert!(rec["recommendation"]["gamma"].is_number());
    let ml = &rec["evidence"]["imbalance"]["multilabel"];
    assert!(ml["label_cardinality"].is_number(), "{ml}");
    // The command that reproduces the choice reads the same targets.
    let again = rec["reproduce"]["flcli"].as_str().unwrap();
    assert!(again.contains("--targets 'y_*'"), "{again}");
}

fn id_lists(rows: &[Option<Vec<i64>>]) -> arrow_array::ArrayRef {
    arr(ListArray::from_iter_primitive::<Int64Type, _, _>(
        rows.iter().map(|r| {
            r.as_ref()
                .map(|v| v.iter().map(|&x| Some(x)).collect::<Vec<_>>())
        }),
    ))
}

#[test]
fn bad_targets_are_errors_naming_file_column_row_and_value_or_counted_skips() {
    let w = Workdir::new();
    let logits = |n: usize| (0..3).map(move |k| (k, f64s(vec![0.5 - k as f64; n])));
    let lists = |rows: &[Option<Vec<i64>>]| {
        let mut cols = vec![("labels", id_lists(rows))];
        let names = ["logit_0", "logit_1", "logit_2"];
        cols.extend(logits(rows.len()).map(|(k, a)| (names[k], a)));
        cols
    };
    let out_of_range = w.write_parquet(
        "range.parquet",
        lists(&[Some(vec![0]), Some(vec![1, 3])]),
        100,
    );
    let e = stats_err(&[&out_of_range]);
    assert_mentions(
        &e,
        &[
            "range.parquet",
            "row 1",
            "\"labels\"",
            "\"3\"",
            "not one of the classes",
        ],
    );
    let negative = w.write_parquet("negative.parquet", lists(&[Some(vec![-1])]), 100);
    let e = stats_err(&[&negative]);
    assert_mentions(
        &e,
        &[
            "negative.parquet",
            "row 0",
            "\"-1\"",
            "not one of the classes",
        ],
    );
    let null = w.write_parquet(
        "null.parquet",
        lists(&[Some(vec![]), None, Some(vec![2])]),
        100,
    );
    let e = stats_err(&[&null]);
    assert_mentions(&e, &["null.parquet", "row 1", "\"labels\"", "null"]);
    let r = stats(&[null.as_os_str(), "--skip-invalid".as_ref()]);
    assert_eq!((r.input.rows_skipped, r.input.rows_used), (1, 2));
    assert_eq!(r.imbalance.background_rows, Some(1));

    // A NumPy multi-hot array: 0/1 per class, shaped like the scores.
    use crate::support::npy::{savez, Npy};
    let z = Npy::f64(&[3, 2], &[0.5, -1.0, 0.1, 0.2, 2.0, -2.0]);
    let t = Npy::int(false, 1, &[3, 2], &[1, 0, 0, 2, 1, 1]);
    let npz = savez(w.root(), "t.npz", &[("targets", &t), ("logits", &z)], true);
    let e = stats_err(&[&npz]);
    assert_mentions(
        &e,
        &["t.npz", "row 1", "\"targets[1]\"", "\"2\"", "not 0 or 1"],
    );
    let r = stats(&[npz.as_os_str(), "--skip-invalid".as_ref()]);
    assert_eq!((r.input.rows_skipped, r.input.rows_used), (1, 2));
    let masks = crate::support::ok(crate::support::flcli().args([
        "stats".as_ref(),
        fixture("multilabel_masks.npz").as_os_str(),
        "--by".as_ref(),
        "image".as_ref(),
        "--json".as_ref(),
    ]));
    let v: serde_json::Value = serde_json::from_str(&masks.0).unwrap();
    let rows: Vec<u64> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["input"]["rows_used"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, vec![750, 750]);

    let csv = w.write(
        "t.csv",
        "y_0,y_1,logit_0,logit_1\n1,0,0.5,-1\n0,2,0.1,0.2\n1,1,0,0\n",
    );
    let e = stats_err(&[csv.as_os_str(), "--targets".as_ref(), "y_*".as_ref()]);
    assert_mentions(&e, &["t.csv", "line 3", "\"y_1\"", "\"2\"", "not 0 or 1"]);
    let r = stats(&[
        csv.as_os_str(),
        "--targets".as_ref(),
        "y_*".as_ref(),
        "--skip-invalid".as_ref(),
    ]);
    assert_eq!((r.input.rows_skipped, r.input.rows_used), (1, 2));
    assert_eq!(r.imbalance.multilabel.unwrap().rows_with_several, 1);
}

#[test]
fn targets_line_up_with_the_scores_by_suffix_or_fail_naming_both_lists() {
    let w = Workdir::new();
    // Target columns in another order than the scores: matched by suffix.
    let a = w.write("a.csv", "y_b,y_a,p_a,p_b\n1,0,0.9,0.2\n0,1,0.3,0.6\n");
    let r = stats(&[a.as_os_str(), "--targets".as_ref(), "y_*".as_ref()]);
    assert_eq!(
        r.input.targets.as_deref(),
        Some(&["y_a".to_string(), "y_b".to_string()][..])
    );
    assert_eq!(r.imbalance.counts, vec![1, 1]);
    assert_eq!(r.classes[0].accuracy, Some(0.0));
    let bad = w.write("b.csv", "y_x,y_y,p_a,p_b\n1,0,0.9,0.2\n");
    let e = stats_err(&[bad.as_os_str(), "--targets".as_ref(), "y_*".as_ref()]);
    assert_mentions(&e, &["y_x, y_y", "p_a, p_b", "do not line up"]);
    // A comma list is taken in the order given.
    let r = stats(&[bad.as_os_str(), "--targets".as_ref(), "y_y,y_x".as_ref()]);
    assert_eq!(r.imbalance.counts, vec![0, 1]);
    let e = stats_err(&[bad.as_os_str(), "--targets".as_ref(), "y_x".as_ref()]);
    assert_mentions(&e, &["1 columns", "2 score columns"]);
    // A list column of scores: as many target columns as it holds scores.
    let lt = w.write_parquet(
        "lt.parquet",
        vec![
            ("a", crate::support::i64s(vec![0, 1])),
            ("b", crate::support::i64s(vec![1, 1])),
            ("c", crate::support::i64s(vec![0, 0])),
            (
                "probs",
                crate::support::f64_lists(&[vec![0.1, 0.9], vec![0.4, 0.6]]),
            ),
        ],
        100,
    );
    let e = stats_err(&[
        lt.as_os_str(),
        "--targets".as_ref(),
        "a,b,c".as_ref(),
        "--probs".as_ref(),
        "probs".as_ref(),
    ]);
    assert_mentions(&e, &["lt.parquet", "3 columns (a, b, c)", "2 classes"]);
    let r = stats(&[
        lt.as_os_str(),
        "--targets".as_ref(),
        "a,b".as_ref(),
        "--probs".as_ref(),
        "probs".as_ref(),
    ]);
    assert_eq!(r.imbalance.counts, vec![1, 2]);
    let e = stats_err(&[
        fixture("multilabel.parquet").as_os_str(),
        "--mode".as_ref(),
        "softmax".as_ref(),
    ]);
    assert_mentions(&e, &["\"labels\"", "sigmoid"]);
}

#[test]
fn partials_carry_the_multilabel_sums_and_merge_exactly_and_sql_refuses_0_1_targets() {
    let w = Workdir::new();
    let run = |args: &[&std::ffi::OsStr]| crate::support::ok(crate::support::flcli().args(args));
    let (pq, csv) = (fixture("multilabel.parquet"), fixture("multilabel.csv"));
    let (a, b, m) = (w.path("a.flp"), w.path("b.flp"), w.path("m.flp"));
    let by = ["--by".as_ref(), "split".as_ref()];
    run(&[
        &[
            "partial".as_ref(),
            pq.as_os_str(),
            "-o".as_ref(),
            a.as_os_str(),
        ],
        &by[..],
    ]
    .concat());
    let targets = ["--targets".as_ref(), "y_*".as_ref()];
    run(&[
        &[
            "partial".as_ref(),
            csv.as_os_str(),
            "-o".as_ref(),
            b.as_os_str(),
        ],
        &targets[..],
        &by[..],
    ]
    .concat());
    run(&[
        "merge".as_ref(),
        a.as_os_str(),
        b.as_os_str(),
        "-o".as_ref(),
        m.as_os_str(),
    ]);
    let strip = |mut v: serde_json::Value| {
        v["input"] = serde_json::Value::Null;
        for g in v["groups"].as_array_mut().expect("groups") {
            g["input"] = serde_json::Value::Null;
        }
        v
    };
    let merged = strip(json_value(
        "stats",
        &[m.as_os_str(), "--by".as_ref(), "split".as_ref()],
    ));
    // The CSV holds the rows of the JSON Lines copy, as 0/1 target columns.
    let jl = fixture("multilabel.jsonl");
    let direct = strip(json_value(
        "stats",
        &[
            pq.as_os_str(),
            jl.as_os_str(),
            "--by".as_ref(),
            "split".as_ref(),
        ],
    ));
    assert!(merged["imbalance"]["multilabel"]["top_pairs"][0]["rows"] == 580);
    assert_eq!(merged, direct);
    let one = stats(&[m.as_os_str()]);
    assert_eq!(
        one.input.targets.as_deref(),
        Some(&["labels".to_string()][..])
    );
    let e = stats_err(&[m.as_os_str(), "--targets".as_ref(), "y_*".as_ref()]);
    assert_mentions(&e, &["--targets", "partial result"]);
    // One label per row and multi-label sums do not merge.
    let s = w.path("s.flp");
    let sig = fixture("sigmoid.parquet");
    let c = w.path("c.flp");
    run(&[
        "partial".as_ref(),
        pq.as_os_str(),
        "-o".as_ref(),
        c.as_os_str(),
    ]);
    let sigmoid = ["--mode".as_ref(), "sigmoid".as_ref()];
    run(&[
        &[
            "partial".as_ref(),
            sig.as_os_str(),
            "-o".as_ref(),
            s.as_os_str(),
        ],
        &sigmoid[..],
    ]
    .concat());
    let e = fails(crate::support::flcli().args([
        "merge".as_ref(),
        c.as_os_str(),
        s.as_os_str(),
        "-o".as_ref(),
        w.path("x.flp").as_os_str(),
    ]));
    assert_mentions(&e, &["multi-label targets", "different settings"]);
    let e = fails(crate::support::flcli().args([
        "sql".as_ref(),
        "--dialect".as_ref(),
        "duckdb".as_ref(),
        "--table".as_ref(),
        "t".as_ref(),
        "--like".as_ref(),
        fixture("multilabel.npz").as_os_str(),
    ]));
    // A list column of class ids is read by the query (tests/it/sql.rs); 0/1 targets are not.
    assert_mentions(
        &e,
        &[
            "multi-label",
            "0/1",
            "one list column of positive class ids",
        ],
    );
}

#[test]
fn list_labels_may_name_the_classes_of_named_score_columns() {
    use arrow_array::builder::{ListBuilder, StringBuilder};
    let w = Workdir::new();
    let mut b = ListBuilder::new(StringBuilder::new());
    for row in [&["cat", "dog"][..], &["dog"], &[], &["cat"]] {
        for v in row {
            b.values().append_value(v);
        }
        b.append(true);
    }
    let cols = vec![
        ("labels", arr(b.finish())),
        ("p_cat", f64s(vec![0.9, 0.2, 0.1, 0.6])),
        ("p_dog", f64s(vec![0.7, 0.8, 0.3, 0.4])),
    ];
    let f = w.write_parquet("named.parquet", cols, 100);
    let r = stats(&[&f]);
    assert_eq!(r.input.class_names, vec!["cat", "dog"]);
    assert_eq!(r.imbalance.counts, vec![2, 2]);
    let ml = r.imbalance.multilabel.expect("multi-label");
    assert_eq!((ml.rows_with_several, ml.top_pairs[0].rows), (1, 1));
    // Elements: 4 rows x 2 classes, positives where the row names the class.
    let want = -[0.9f64, 0.7, 0.8, 0.8, 0.9, 0.7, 0.6, 0.6]
        .iter()
        .map(|p| p.ln())
        .sum::<f64>();
    assert!(
        rel(r.totals.ce_sum, want) < 1e-12,
        "{} vs {want}",
        r.totals.ce_sum
    );
    let bad = w.write_parquet(
        "bad.parquet",
        vec![
            ("labels", id_lists(&[Some(vec![0]), Some(vec![-1])])),
            ("p_cat", f64s(vec![0.9, 0.2])),
            ("p_dog", f64s(vec![0.7, 0.8])),
        ],
        100,
    );
    let e = stats_err(&[&bad]);
    assert_mentions(&e, &["bad.parquet", "row 1", "\"-1\"", "class ids 0..1"]);
}
