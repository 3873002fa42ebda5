//! Input details of `flcli stats`: every Parquet codec, format sniffing by
//! magic bytes, score-column names and globs, the probability clamp, and the
//! half-open difficulty buckets.

use crate::support::{f64_lists, f64s, fixture, flcli, i64s, rel, stats_json, Workdir};
use flcli::report::ScoreKind;
use parquet::basic::{BrotliLevel, Compression, GzipLevel, ZstdLevel};
use parquet::file::properties::WriterProperties;

#[test]
fn every_parquet_codec_reads_the_same() {
    let labels = vec![1, 0, 0, 1, 0, 0, 0, 1];
    let probs = vec![0.9, 0.1, 0.4, 0.3, 0.05, 0.6, 0.2, 0.7];
    let w = Workdir::new();
    let mut reports = Vec::new();
    for (name, codec) in [
        ("none", Compression::UNCOMPRESSED),
        ("snappy", Compression::SNAPPY),
        ("gzip", Compression::GZIP(GzipLevel::default())),
        ("brotli", Compression::BROTLI(BrotliLevel::default())),
        ("lz4", Compression::LZ4),
        ("lz4_raw", Compression::LZ4_RAW),
        ("zstd", Compression::ZSTD(ZstdLevel::default())),
    ] {
        let props = WriterProperties::builder().set_compression(codec).build();
        let file = format!("{name}.parquet");
        w.write_parquet_with(
            &file,
            vec![
                ("label", i64s(labels.clone())),
                ("prob", f64s(probs.clone())),
            ],
            props,
        );
        let r = stats_json(w.cmd().args(["stats", &file, "--json"]));
        assert_eq!(r.input.rows_used, 8, "{name}");
        reports.push((name, r.totals));
    }
    for (name, t) in &reports[1..] {
        assert_eq!(t, &reports[0].1, "{name} differs from uncompressed");
    }
}

#[test]
fn the_format_comes_from_the_magic_bytes() {
    // A Parquet file with a .csv name is still Parquet.
    let w = Workdir::new();
    w.write(
        "preds.csv",
        std::fs::read(fixture("detection.parquet")).unwrap(),
    );
    let r = stats_json(w.cmd().args(["stats", "preds.csv", "--json"]));
    assert_eq!(
        (r.input.format.as_str(), r.input.rows_read),
        ("parquet", 6000)
    );
}

#[test]
fn binary_score_names_are_detected() {
    let w = Workdir::new();
    for (name, kind) in [
        ("prob", ScoreKind::Probabilities),
        ("Probability", ScoreKind::Probabilities),
        ("score", ScoreKind::Probabilities),
        ("y_prob", ScoreKind::Probabilities),
        ("y_score", ScoreKind::Probabilities),
        ("pred", ScoreKind::Probabilities),
        ("pred_prob", ScoreKind::Probabilities),
        ("logit", ScoreKind::Logits),
    ] {
        w.write("d.csv", format!("label,{name},note\n1,0.75,a\n0,0.25,b\n"));
        let r = stats_json(w.cmd().args(["stats", "d.csv", "--json"]));
        assert_eq!(r.input.score_columns, [name], "{name}");
        assert_eq!(r.input.score_kind, kind, "{name}");
    }
}

#[test]
fn logit_columns_win_over_probability_columns() {
    let w = Workdir::new();
    w.write(
        "d.csv",
        "label,prob_0,prob_1,logit_0,logit_1\n1,0.25,0.75,0,1.1\n0,0.5,0.5,0.3,0.3\n",
    );
    let r = stats_json(w.cmd().args(["stats", "d.csv", "--json"]));
    assert_eq!(r.input.score_kind, ScoreKind::Logits);
    assert_eq!(r.input.score_columns, ["logit_0", "logit_1"]);
}

#[test]
fn globs_and_comma_lists_select_score_columns() {
    let a = fixture("animals.csv").display().to_string();
    let run = |sel: &str| stats_json(flcli().args(["stats", &a, "--probs", sel, "--json"]));
    let g = run("p_*");
    assert_eq!(g.input.class_names, ["cat", "dog", "bird", "fish"]);
    let l = run("p_cat,p_dog,p_bird,p_fish");
    assert_eq!(g.totals, l.totals);
}

#[test]
fn probabilities_are_clamped_to_eps() {
    // p = 0 for a positive and p = 1 for a negative: p_t = 0, clamped to ε.
    let w = Workdir::new();
    w.write("d.csv", "label,prob\n1,0\n0,1\n");
    for eps in ["1e-7", "0.001"] {
        let r = stats_json(
            w.cmd()
                .args(["stats", "d.csv", "--eps", eps, "-a", "none", "--json"]),
        );
        let e: f64 = eps.parse().unwrap();
        assert_eq!(r.params.eps, e);
        // The negative's p_t is 1 - (1 - ε), which is ε only up to rounding.
        let want = -e.ln() - (1.0 - (1.0 - e)).ln();
        assert!(rel(r.totals.ce_sum, want) < 1e-15, "{eps}");
        assert_eq!(r.buckets[0].count, 2);
    }
}

#[test]
fn buckets_are_half_open_and_the_last_is_closed() {
    let w = Workdir::new();
    // p_t = 0.5 exactly belongs to [0.5, 1]; a logit of 50 gives p_t = 1.0 exactly.
    w.write("p.csv", "label,prob\n1,0.5\n0,0.5\n1,0.25\n");
    let r = stats_json(
        w.cmd()
            .args(["stats", "p.csv", "--buckets", "0,0.5,1", "--json"]),
    );
    let counts: Vec<u64> = r.buckets.iter().map(|b| b.count).collect();
    assert_eq!(counts, [1, 2]);
    w.write("l.csv", "label,logit\n1,50\n0,-50\n1,0\n");
    let r = stats_json(
        w.cmd()
            .args(["stats", "l.csv", "--buckets", "0,0.5,1", "--json"]),
    );
    let counts: Vec<u64> = r.buckets.iter().map(|b| b.count).collect();
    assert_eq!(counts, [0, 3]);
    assert_eq!((r.buckets[1].lower, r.buckets[1].upper), (0.5, 1.0));
}

#[test]
fn sigmoid_reads_a_list_column_like_separate_columns() {
    let w = Workdir::new();
    let rows = [
        vec![-3.0, -2.0, -4.0],
        vec![2.0, -1.0, -3.0],
        vec![-1.0, -2.0, 3.0],
        vec![0.5, 0.25, -0.5],
    ];
    let labels = vec![-1, 0, 2, -100];
    w.write_parquet(
        "list.parquet",
        vec![
            ("label", i64s(labels.clone())),
            ("logits", f64_lists(&rows)),
        ],
        3,
    );
    let col = |k: usize| f64s(rows.iter().map(|r| r[k]).collect());
    w.write_parquet(
        "cols.parquet",
        vec![
            ("label", i64s(labels)),
            ("logit_0", col(0)),
            ("logit_1", col(1)),
            ("logit_2", col(2)),
        ],
        3,
    );
    let run = |f: &str| stats_json(w.cmd().args(["stats", f, "--mode", "sigmoid", "--json"]));
    let (l, c) = (run("list.parquet"), run("cols.parquet"));
    assert_eq!(l.input.score_columns, ["logits"]);
    assert_eq!(l.input.score_kind, ScoreKind::Logits);
    assert_eq!(
        (l.input.background_rows, l.input.rows_ignored),
        (Some(1), 1)
    );
    assert_eq!(l.totals.elements, 9);
    assert_eq!(l.totals, c.totals);
    assert_eq!(l.classes, c.classes);
}

#[test]
fn a_scikit_learn_dump_is_read_without_flags() {
    // pandas.DataFrame({"y_true": y, "y_pred": clf.predict(X), "y_pred_proba": p}).to_csv(...)
    let w = Workdir::new();
    let f = w.write(
        "sklearn.csv",
        ",y_true,y_pred,y_pred_proba\n0,0,0,0.1\n1,1,1,0.8\n2,1,0,0.4\n3,0,0,0.3\n",
    );
    let (out, err) = crate::support::ok(flcli().arg("stats").arg(&f).arg("--json"));
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["input"]["label_column"], "y_true");
    assert_eq!(
        r["input"]["score_columns"],
        serde_json::json!(["y_pred_proba"])
    );
    assert_eq!(r["input"]["rows_used"], 4);
    assert!(err.is_empty(), "{err}");
    // A column the names do not cover: the error says which flag is likely meant.
    let g = w.write("conf.csv", "label,confidence\n0,0.2\n1,0.9\n");
    let err = crate::support::fails(flcli().arg("stats").arg(&g));
    assert!(err.contains("likely --prob \"confidence\""), "{err}");
}

#[test]
fn class_names_name_numbered_score_columns_for_string_labels() {
    let w = crate::support::Workdir::new();
    w.write(
        "names.csv",
        "label,prob_0,prob_1,prob_2\ncat,0.7,0.2,0.1\ndog,0.1,0.8,0.1\nfish,0.2,0.2,0.6\ncat,0.5,0.3,0.2\n",
    );
    // Without names, the error says what to do.
    let e = crate::support::fails(w.cmd().args(["stats", "names.csv"]));
    assert!(e.contains("\"cat\"") && e.contains("--class-names"), "{e}");
    let out = w
        .cmd()
        .args([
            "stats",
            "names.csv",
            "--class-names",
            "cat,dog,fish",
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
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        r["input"]["class_names"],
        serde_json::json!(["cat", "dog", "fish"])
    );
    assert_eq!(r["imbalance"]["counts"], serde_json::json!([2, 1, 1]));
    // The same numbers as integer labels read against the numbered columns.
    w.write(
        "ints.csv",
        "label,prob_0,prob_1,prob_2\n0,0.7,0.2,0.1\n1,0.1,0.8,0.1\n2,0.2,0.2,0.6\n0,0.5,0.3,0.2\n",
    );
    let out = w
        .cmd()
        .args(["stats", "ints.csv", "--json", "-q"])
        .output()
        .unwrap();
    let ints: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["totals"], ints["totals"]);
    // A wrong count, an empty or repeated name, and binary mode are errors that say why.
    for (args, want) in [
        (&["--class-names", "cat,dog"][..], "gives 2 names"),
        (&["--class-names", "cat,,dog"][..], "a name is empty"),
        (&["--class-names", "cat,cat,dog"][..], "given twice"),
    ] {
        let e = crate::support::fails(w.cmd().args(["stats", "names.csv"]).args(args));
        assert!(e.contains(want), "{args:?}: {e}");
    }
    w.write("bin.csv", "label,prob\n0,0.2\n1,0.9\n");
    let e = crate::support::fails(w.cmd().args(["stats", "bin.csv", "--class-names", "a,b"]));
    assert!(e.contains("--positive"), "{e}");
}
