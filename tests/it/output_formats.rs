//! `--output markdown|csv`, format selection, and `-o FILE`.
//!
//! The snapshots hold what the binary prints for the committed fixtures, and
//! the CSV cells are checked against the same run's `--json`. That an
//! exporter shows only what the JSON holds: src/render/exporter_tests.rs.

use crate::support::{compare_json, fails, fixture, flcli, ok, stats_json, Workdir};
use flcli::report::{CompareReport, RecommendReport, StatsReport};

/// `flcli stats --output csv` columns.
const STATS_COLUMNS: &[&str] = &[
    "section",
    "index",
    "name",
    "lower",
    "upper",
    "count",
    "count_share",
    "elements",
    "ce_sum",
    "ce_mean",
    "ce_share",
    "focal_sum",
    "focal_mean",
    "focal_share",
    "mean_p_true",
    "accuracy",
    "effective_number",
    "weight_inverse_frequency",
    "weight_effective_number",
    "positive_rate",
    "label_cardinality",
];

/// `flcli compare` / `recommend --output csv` columns.
const COMPARE_COLUMNS: &[&str] = &[
    "section",
    "variant",
    "gamma",
    "alpha",
    "item",
    "lower",
    "upper",
    "loss_sum",
    "loss_mean",
    "share",
    "ratio_to_ce",
    "easy_loss_share",
    "easy_grad_share",
    "hardest_1pct_positives",
    "hardest_1pct_negatives",
    "hardest_10pct_positives",
    "hardest_10pct_negatives",
    "loss",
    "note",
];

const README_COMPARE: &[&str] = &["--gamma", "0,1,2,5", "--alpha", "0.25,0.5,none"];

fn stats(name: &str, extra: &[&str]) -> StatsReport {
    stats_json(
        flcli()
            .arg("stats")
            .arg(fixture(name))
            .args(["--json", "-q"])
            .args(extra),
    )
}

fn compare(name: &str, extra: &[&str]) -> CompareReport {
    compare_json(
        flcli()
            .arg("compare")
            .arg(fixture(name))
            .args(["--json", "-q"])
            .args(extra),
    )
}

fn recommend(name: &str, extra: &[&str]) -> RecommendReport {
    let (out, _) = ok(flcli()
        .arg("recommend")
        .arg(fixture(name))
        .args(["--json", "-q"])
        .args(extra));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not a recommend report ({e}):\n{out}"))
}

/// What `flcli CMD FIXTURE EXTRA --output FORMAT` prints.
fn render(format: &str, cmd: &str, name: &str, extra: &[&str]) -> String {
    ok(flcli()
        .arg(cmd)
        .arg(fixture(name))
        .args(extra)
        .args(["-q", "--output", format]))
    .0
}

/// Paths differ between machines: snapshots show the fixture's file name only.
fn portable(text: &str) -> String {
    text.replace(&format!("{}/", fixture("").display()), "")
        .replace(&fixture("").display().to_string(), "")
}

/// CSV numbers rounded to 10 significant digits, so a last-bit difference in
/// a platform's `ln`/`exp` cannot change a snapshot; exactness is checked
/// separately against the JSON.
fn rounded_csv(text: &str) -> String {
    let mut out = String::new();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    for rec in rdr.records() {
        let cells: Vec<String> = rec
            .unwrap()
            .iter()
            .map(|c| match c.parse::<f64>() {
                Ok(v) if c.contains('.') || c.contains('e') => {
                    let r: f64 = format!("{v:.9e}").parse().unwrap();
                    format!("{r}")
                }
                _ if c.contains(',') || c.contains('"') => format!("{c:?}"),
                _ => c.to_string(),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

#[test]
fn markdown_snapshots() {
    let md =
        |cmd: &str, name: &str, extra: &[&str]| portable(&render("markdown", cmd, name, extra));
    insta::assert_snapshot!(
        "markdown_stats_detection",
        md("stats", "detection.parquet", &[])
    );
    insta::assert_snapshot!(
        "markdown_stats_animals",
        md("stats", "animals.parquet", &[])
    );
    insta::assert_snapshot!(
        "markdown_stats_sigmoid",
        md("stats", "sigmoid.parquet", &["--mode", "sigmoid"])
    );
    insta::assert_snapshot!(
        "markdown_compare_detection",
        md("compare", "detection.parquet", README_COMPARE)
    );
    insta::assert_snapshot!(
        "markdown_recommend_detection",
        md("recommend", "detection.parquet", &[])
    );
    insta::assert_snapshot!(
        "markdown_recommend_longtail",
        md("recommend", "longtail.parquet", &[])
    );
    insta::assert_snapshot!(
        "markdown_stats_by_size",
        md("stats", "detection.parquet", &["--by", "size"])
    );
}

#[test]
fn csv_snapshots() {
    let csv = |cmd: &str, name: &str, extra: &[&str]| {
        rounded_csv(&portable(&render("csv", cmd, name, extra)))
    };
    insta::assert_snapshot!("csv_stats_animals", csv("stats", "animals.parquet", &[]));
    insta::assert_snapshot!(
        "csv_stats_detection",
        csv("stats", "detection.parquet", &[])
    );
    insta::assert_snapshot!(
        "csv_recommend_animals",
        csv("recommend", "animals.parquet", &[])
    );
    insta::assert_snapshot!(
        "csv_compare_animals",
        csv(
            "compare",
            "animals.parquet",
            &["--gamma", "0,2", "--variant", "flsd53"]
        )
    );
}

#[test]
fn recommend_csv_has_the_recommendation_rationale_alternatives_and_evidence() {
    let r = recommend("detection.parquet", &[]);
    let (header, rows) = parse_csv(&render("csv", "recommend", "detection.parquet", &[]));
    assert_eq!(header, COMPARE_COLUMNS);
    let of = |s: &str| rows.iter().filter(|row| row[0] == s).collect::<Vec<_>>();
    let rec = of("recommendation");
    assert_eq!(rec.len(), 1);
    assert_eq!(cell(rec[0], &header, "gamma"), Some(r.recommendation.gamma));
    let loss = header.iter().position(|h| h == "loss").unwrap();
    assert_eq!(rec[0][loss], r.recommendation.loss);
    let note = header.iter().position(|h| h == "note").unwrap();
    let rationale: Vec<&str> = of("rationale")
        .iter()
        .map(|row| row[note].as_str())
        .collect();
    assert_eq!(rationale, r.recommendation.rationale);
    assert_eq!(of("alternative").len(), r.recommendation.alternatives.len());
    assert_eq!(of("variant").len(), r.evidence.variants.len());
}

/// Parses CSV text into (header, rows).
fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header = rdr.headers().unwrap().iter().map(String::from).collect();
    let rows = rdr
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// A CSV cell as the JSON number it stands for (empty = null).
fn cell(row: &[String], header: &[String], col: &str) -> Option<f64> {
    let i = header.iter().position(|h| h == col).unwrap();
    (!row[i].is_empty()).then(|| row[i].parse().unwrap())
}

#[test]
fn stats_csv_has_one_row_per_class_and_bucket_with_the_json_numbers_exactly() {
    let r = stats("longtail.parquet", &[]);
    let (header, rows) = parse_csv(&render("csv", "stats", "longtail.parquet", &[]));
    assert_eq!(header, STATS_COLUMNS);
    let section = |s: &str| {
        rows.iter()
            .filter(|row| row[0] == s)
            .cloned()
            .collect::<Vec<_>>()
    };
    let classes = section("class");
    let buckets = section("bucket");
    assert_eq!(classes.len(), r.classes.len());
    assert_eq!(buckets.len(), r.buckets.len());
    assert_eq!(section("total").len(), 1);
    assert_eq!(rows.len(), r.classes.len() + r.buckets.len() + 1);
    for (row, c) in classes.iter().zip(&r.classes) {
        assert_eq!(row[2], c.name);
        assert_eq!(cell(row, &header, "count"), Some(c.count as f64));
        assert_eq!(cell(row, &header, "ce_sum"), Some(c.ce_sum));
        assert_eq!(cell(row, &header, "focal_mean"), c.focal_mean);
        assert_eq!(cell(row, &header, "focal_share"), c.focal_share);
        assert_eq!(cell(row, &header, "accuracy"), c.accuracy);
        assert_eq!(
            cell(row, &header, "lower"),
            None,
            "no bucket edges on a class row"
        );
    }
    for (row, b) in buckets.iter().zip(&r.buckets) {
        assert_eq!(cell(row, &header, "lower"), Some(b.lower));
        assert_eq!(cell(row, &header, "focal_sum"), Some(b.focal_sum));
        assert_eq!(cell(row, &header, "count_share"), b.share);
    }
    let total = &section("total")[0];
    assert_eq!(cell(total, &header, "focal_mean"), r.totals.focal_mean);
}

#[test]
fn compare_csv_has_variant_class_and_bucket_rows() {
    let extra = ["--gamma", "0,2", "--variant", "flsd53"];
    let r = compare("animals.parquet", &extra);
    let (header, rows) = parse_csv(&render("csv", "compare", "animals.parquet", &extra));
    assert_eq!(header, COMPARE_COLUMNS);
    let count = |s: &str| rows.iter().filter(|row| row[0] == s).count();
    let (v, k, b) = (
        r.variants.len(),
        r.variants[0].classes.len(),
        r.variants[0].buckets.len(),
    );
    assert_eq!(
        (count("variant"), count("class"), count("bucket")),
        (v, v * k, v * b)
    );
    let variants: Vec<&Vec<String>> = rows.iter().filter(|row| row[0] == "variant").collect();
    for (row, var) in variants.iter().zip(&r.variants) {
        assert_eq!(row[1], var.name);
        assert_eq!(cell(row, &header, "loss_sum"), Some(var.loss_sum));
        assert_eq!(cell(row, &header, "easy_grad_share"), var.easy_grad_share);
        assert_eq!(
            cell(row, &header, "hardest_1pct_negatives"),
            var.hardest_1pct_loss_share.negatives
        );
    }
    // flsd53 has no single γ: an empty cell, as the JSON has null.
    let flsd = variants.iter().find(|row| row[1] == "flsd53").unwrap();
    assert_eq!(cell(flsd, &header, "gamma"), None);
}

/// A softmax CSV whose third class never occurs: its means are null.
fn empty_class_data(w: &Workdir, names: [&str; 3]) -> std::path::PathBuf {
    let mut text = format!("label,p_{},p_{},p_{}\n", names[0], names[1], names[2]);
    for i in 0..20 {
        let (label, p) = if i % 2 == 0 {
            (names[0], "0.7,0.2,0.1")
        } else {
            (names[1], "0.2,0.7,0.1")
        };
        text.push_str(&format!("{label},{p}\n"));
    }
    w.write("empty_class.csv", text)
}

#[test]
fn nulls_are_empty_in_csv_and_a_dash_in_markdown() {
    let w = Workdir::new();
    let data = empty_class_data(&w, ["a", "b", "c"]);
    let r = stats_json(flcli().arg("stats").arg(&data).arg("--json"));
    assert_eq!(r.classes[2].ce_mean, None, "precondition: a null mean");
    let (out, _) = ok(flcli().arg("stats").arg(&data).args(["--output", "csv"]));
    let (header, rows) = parse_csv(&out);
    let c = rows
        .iter()
        .find(|row| row[0] == "class" && row[2] == "c")
        .unwrap();
    assert_eq!(cell(c, &header, "ce_mean"), None);
    assert_eq!(cell(c, &header, "count"), Some(0.0));
    let (out, _) = ok(flcli()
        .arg("stats")
        .arg(&data)
        .args(["--output", "markdown"]));
    let loss = out.split("### Loss per class").nth(1).unwrap();
    let row = loss
        .lines()
        .find(|l| l.starts_with("| c | 0 |"))
        .unwrap_or_else(|| panic!("class c in the loss table:\n{out}"));
    assert!(row.contains("| – |"), "{row}");
}

/// Splits a Markdown table row into cells, honouring `\|`.
fn md_cells(line: &str) -> usize {
    let mut n = 0;
    let mut prev = ' ';
    for c in line.chars() {
        if c == '|' && prev != '\\' {
            n += 1;
        }
        prev = c;
    }
    n - 1
}

#[test]
fn markdown_tables_survive_names_with_markup() {
    let w = Workdir::new();
    let data = empty_class_data(&w, ["a|b", "<i>x</i>", "c"]);
    let (out, _) = ok(flcli()
        .arg("stats")
        .arg(&data)
        .args(["--output", "md", "-q"]));
    assert!(out.contains("| a\\|b |"), "{out}");
    assert!(out.contains("| \\<i\\>x\\</i\\> |"), "{out}");
    // Every row of every table has as many cells as its header.
    let mut width = None;
    for line in out.lines() {
        if line.starts_with('|') {
            let n = md_cells(line);
            assert_eq!(*width.get_or_insert(n), n, "ragged row: {line}");
        } else {
            width = None;
        }
    }
}

#[test]
fn format_comes_from_the_flag_then_the_extension_of_o() {
    let w = Workdir::new();
    let data = fixture("detection.parquet");
    for (file, head) in [
        ("r.md", "## flcli stats"),
        ("r.markdown", "## flcli stats"),
        ("r.csv", "section,index,name"),
        ("r.json", "{"),
        ("r.txt", "Input "),
    ] {
        let (out, _) = ok(w.cmd().arg("stats").arg(&data).args(["-o", file]));
        assert!(out.is_empty(), "-o leaves stdout empty");
        let text = std::fs::read_to_string(w.path(file)).unwrap();
        assert!(text.starts_with(head), "{file}: {text}");
    }
    ok(w.cmd()
        .arg("stats")
        .arg(&data)
        .args(["-o", "csv.json", "--output", "csv"]));
    assert!(std::fs::read_to_string(w.path("csv.json"))
        .unwrap()
        .starts_with("section,"));
    let e = fails(
        flcli()
            .arg("stats")
            .arg(&data)
            .args(["--json", "--output", "csv"]),
    );
    assert!(e.contains("cannot be used with"), "{e}");
    let (out, _) = ok(flcli().arg("stats").arg(&data).args(["-o", "-", "--json"]));
    let _: StatsReport = serde_json::from_str(&out).unwrap();
}

/// The names in a directory, sorted.
fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn out_file_is_written_whole_and_notes_it() {
    let w = Workdir::new();
    let (out, err) = ok(w
        .cmd()
        .arg("stats")
        .arg(fixture("detection.parquet"))
        .args(["-o", "report.json"]));
    assert!(out.is_empty());
    assert!(err.contains("flcli: wrote report.json"), "{err}");
    let r: StatsReport =
        serde_json::from_str(&std::fs::read_to_string(w.path("report.json")).unwrap()).unwrap();
    assert_eq!(r, stats("detection.parquet", &[]));
    assert_eq!(listing(w.root()), ["report.json"], "no temporary file left");
}

#[test]
fn a_failing_run_leaves_no_file_and_keeps_the_old_one() {
    let w = Workdir::new();
    let bad = w.write("bad.csv", "label,prob\n0,0.2\n1,1.7\n");
    let e = fails(w.cmd().arg("stats").arg(&bad).args(["-o", "new.json"]));
    assert!(e.contains("1.7"), "{e}");
    w.write("old.json", "previous report");
    fails(w.cmd().arg("stats").arg(&bad).args(["-o", "old.json"]));
    assert_eq!(
        std::fs::read_to_string(w.path("old.json")).unwrap(),
        "previous report"
    );
    // A gate that cannot be evaluated is an error too: nothing written.
    fails(w.cmd().arg("stats").arg(fixture("animals.parquet")).args([
        "-o",
        "gate.json",
        "--fail-if",
        "totals.loss_per_positive > 1",
    ]));
    assert_eq!(listing(w.root()), ["bad.csv", "old.json"]);
}

#[test]
fn out_must_not_be_an_input() {
    let w = Workdir::new();
    let data = w.write("preds.csv", "label,prob\n0,0.2\n1,0.7\n");
    let before = std::fs::read(&data).unwrap();
    for target in ["preds.csv", "./preds.csv", "sub/../preds.csv"] {
        std::fs::create_dir_all(w.path("sub")).unwrap();
        let e = fails(w.cmd().arg("stats").arg("preds.csv").args(["-o", target]));
        assert!(e.contains("is also an input"), "{target}: {e}");
    }
    // Given as a directory of shards: caught once the directory is listed.
    let shard = w.write("shards/part-0.csv", "label,prob\n0,0.2\n1,0.7\n");
    let e = fails(
        w.cmd()
            .arg("stats")
            .arg("shards")
            .args(["-o", "shards/part-0.csv"]),
    );
    assert!(e.contains("is also an input"), "{e}");
    assert_eq!(std::fs::read(&shard).unwrap(), before);
    #[cfg(unix)]
    {
        std::fs::hard_link(&data, w.path("link.csv")).unwrap();
        let e = fails(
            w.cmd()
                .arg("stats")
                .arg("preds.csv")
                .args(["-o", "link.csv"]),
        );
        assert!(e.contains("is also an input"), "hard link: {e}");
    }
    assert_eq!(std::fs::read(&data).unwrap(), before);
}

#[test]
fn out_problems_are_found_before_reading_the_data() {
    let w = Workdir::new();
    // The input does not exist: the -o error must come first.
    let e = fails(
        w.cmd()
            .args(["stats", "missing.parquet", "-o", "nodir/r.json"]),
    );
    assert!(e.contains("nodir") && e.contains("does not exist"), "{e}");
    std::fs::create_dir(w.path("adir")).unwrap();
    let e = fails(w.cmd().args(["stats", "missing.parquet", "-o", "adir"]));
    assert!(e.contains("is a directory"), "{e}");
}

#[cfg(unix)]
#[test]
fn out_file_permissions_and_colour() {
    use std::os::unix::fs::PermissionsExt;
    let w = Workdir::new();
    let p = w.write("r.txt", "old");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
    ok(w.cmd()
        .arg("stats")
        .arg(fixture("detection.parquet"))
        .args(["-o", "r.txt", "--color", "always"]));
    let meta = std::fs::metadata(&p).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o640, "kept its mode");
    assert!(std::fs::read_to_string(&p).unwrap().contains('\x1b'));
    ok(w.cmd()
        .arg("stats")
        .arg(fixture("detection.parquet"))
        .args(["-o", "plain.txt"]));
    assert!(!std::fs::read_to_string(w.path("plain.txt"))
        .unwrap()
        .contains('\x1b'));
}
