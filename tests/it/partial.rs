//! Partial results: `flcli partial`, `flcli merge`, and the report commands
//! reading `.flp` files. Reports on partials equal the direct run on the
//! same rows (the `input` object aside), bit for bit where the units match.

use crate::support::{f64s, fails, flcli, i64s, ok, run, write_parquet};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// `flcli partial ARGS -o OUT -q`, which must succeed.
pub(crate) fn partial(args: &[&str], out: &Path) -> PathBuf {
    ok(flcli()
        .arg("partial")
        .args(args)
        .arg("-o")
        .arg(out)
        .arg("-q"));
    out.to_path_buf()
}

/// `flcli merge FILES -o OUT -q`, which must succeed.
fn merge(files: &[&Path], out: &Path) -> PathBuf {
    ok(flcli()
        .arg("merge")
        .args(files)
        .arg("-o")
        .arg(out)
        .arg("-q"));
    out.to_path_buf()
}

/// `flcli CMD --json -q ARGS` as JSON, with every `input` object removed
/// (and recommend's command line, which names the input files).
pub(crate) fn report(cmd: &str, args: &[&str]) -> Value {
    let (so, _) = ok(flcli().arg(cmd).args(["--json", "-q"]).args(args));
    let mut v: Value = serde_json::from_str(&so).expect("JSON");
    strip_input(&mut v);
    if let Some(r) = v.get_mut("reproduce").and_then(Value::as_object_mut) {
        r.remove("flcli");
    }
    v
}

/// The report's `input` object (whole, not stripped).
fn input_of(cmd: &str, args: &[&str]) -> Value {
    let (so, _) = ok(flcli().arg(cmd).args(["--json", "-q"]).args(args));
    let v: Value = serde_json::from_str(&so).expect("JSON");
    v["input"].clone()
}

/// Asserts `a == b`, naming the first path where they differ.
#[track_caller]
pub(crate) fn assert_same(a: &Value, b: &Value, what: &str) {
    fn diff(a: &Value, b: &Value, path: &str) -> Option<String> {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => diff(p, q, &format!("{path}.{k}")),
                    _ => Some(format!("{path}.{k}: only in one")),
                })
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (p, q))| diff(p, q, &format!("{path}[{i}]"))),
            _ => (a != b).then(|| format!("{path}: {a} vs {b}")),
        }
    }
    if let Some(d) = diff(a, b, "") {
        panic!("{what}: {d}");
    }
}

pub(crate) fn strip_input(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("input");
            m.values_mut().for_each(strip_input);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_input),
        _ => {}
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Splits a CSV file into files of the given line counts (the last takes the rest).
fn split_csv(src: &str, dir: &Path, sizes: &[usize]) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(src).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let mut out = Vec::new();
    let mut at = 0usize;
    for (i, &n) in sizes.iter().chain([&usize::MAX]).enumerate() {
        let end = at.saturating_add(n).min(rows.len());
        let p = dir.join(format!("part{i}.csv"));
        std::fs::write(&p, format!("{header}\n{}\n", rows[at..end].join("\n"))).unwrap();
        out.push(p);
        at = end;
        if at == rows.len() {
            break;
        }
    }
    out
}

const CASES: &[(&str, &[&str])] = &[
    ("fixtures/detection.csv", &["--prob", "prob"]),
    ("fixtures/animals.csv", &[]),
    ("fixtures/sigmoid.csv", &["--mode", "sigmoid"]),
    ("fixtures/longtail.csv", &["--probs", "prob_*"]),
];

#[test]
fn partials_merged_in_any_order_or_tree_equal_the_direct_run() {
    for (fixture, flags) in CASES {
        let d = tempfile::tempdir().unwrap();
        let parts = split_csv(fixture, d.path(), &[700, 400]);
        assert_eq!(parts.len(), 3);
        let flp: Vec<PathBuf> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut a = vec![s(p)];
                a.extend(flags.iter());
                partial(&a, &d.path().join(format!("p{i}.flp")))
            })
            .collect();
        let ab = merge(&[&flp[0], &flp[1]], &d.path().join("ab.flp"));
        let abc = merge(&[&ab, &flp[2]], &d.path().join("abc.flp"));
        let cb = merge(&[&flp[2], &flp[1]], &d.path().join("cb.flp"));
        let a_cb = merge(&[&flp[0], &cb], &d.path().join("a_cb.flp"));
        let data: Vec<&str> = parts.iter().map(|p| s(p)).collect();
        for (cmd, extra) in [
            ("stats", vec![]),
            ("stats", vec!["--gamma", "0.5"]),
            ("compare", vec!["--gamma", "0,1,2", "--variant", "flsd53"]),
            ("compare", vec![]),
            ("recommend", vec![]),
        ] {
            let mut direct_args = data.clone();
            direct_args.extend(flags.iter());
            direct_args.extend(extra.iter());
            // Partials keep the calibration bins; a binary pass that keeps
            // them (compare keeps them for --plot) sums its cells in another
            // layout, so the direct run to match is the one with --plot (and
            // the report on partials then shows the calibration too).
            let svg = d.path().join("plot.svg");
            if cmd == "compare" {
                direct_args.extend(["--plot", s(&svg)]);
            }
            let direct = report(cmd, &direct_args);
            for set in [
                vec![s(&flp[0]), s(&flp[1]), s(&flp[2])],
                vec![s(&flp[2]), s(&flp[0]), s(&flp[1])],
                vec![s(&abc)],
                vec![s(&a_cb)],
                vec![s(&ab), s(&flp[2])],
            ] {
                let mut a = set.clone();
                a.extend(extra.iter());
                if cmd == "compare" {
                    a.extend(["--plot", s(&svg)]);
                }
                assert_same(
                    &report(cmd, &a),
                    &direct,
                    &format!("{fixture} {cmd} {extra:?} on {set:?}"),
                );
            }
        }
    }
}

#[test]
fn a_whole_parquet_file_equals_the_partials_of_its_halves_bit_for_bit() {
    // A row group of flcli's Parquet unit size, then a short one: two units;
    // the file split between them gives the same units, read by separate runs.
    let d = tempfile::tempdir().unwrap();
    let unit = crate::support::sizes::UNIT_ROWS as usize;
    let n = unit + 1000;
    let labels: Vec<i64> = (0..n).map(|i| ((i * 7) % 10 == 0) as i64).collect();
    let logits: Vec<f64> = (0..n)
        .map(|i| ((i * 7919) % 20011) as f64 / 1000.0 - 10.0 + (i % 3) as f64 * 0.1)
        .collect();
    let cols = |a: usize, b: usize| {
        vec![
            ("label", i64s(labels[a..b].to_vec())),
            ("logit", f64s(logits[a..b].to_vec())),
        ]
    };
    let props = || {
        parquet::file::properties::WriterProperties::builder()
            .set_max_row_group_row_count(Some(unit))
            .build()
    };
    let whole = write_parquet(d.path(), "whole.parquet", cols(0, n), Some(props()));
    let h1 = write_parquet(d.path(), "h1.parquet", cols(0, unit), Some(props()));
    let h2 = write_parquet(d.path(), "h2.parquet", cols(unit, n), Some(props()));
    let p1 = partial(&[s(&h1)], &d.path().join("h1.flp"));
    let p2 = partial(&[s(&h2)], &d.path().join("h2.flp"));
    let svg = d.path().join("plot.svg");
    for cmd in ["stats", "compare", "recommend"] {
        let mut direct_args = vec![s(&whole)];
        if cmd == "compare" {
            // As above: the direct pass that keeps the calibration bins.
            direct_args.extend(["--plot", s(&svg)]);
        }
        let direct = report(cmd, &direct_args);
        let plot: &[&str] = if cmd == "compare" {
            &["--plot", s(&svg)]
        } else {
            &[]
        };
        let on = |files: [&str; 2]| {
            let mut a = files.to_vec();
            a.extend(plot);
            report(cmd, &a)
        };
        assert_same(&on([s(&p1), s(&p2)]), &direct, cmd);
        assert_same(&on([s(&p2), s(&p1)]), &direct, cmd);
        direct_args[0] = s(&h1);
        direct_args.insert(1, s(&h2));
        assert_same(&report(cmd, &direct_args), &direct, cmd);
    }
}

#[test]
fn string_classes_seen_in_only_some_shards_merge_by_name() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a.csv");
    let b = d.path().join("b.csv");
    std::fs::write(
        &a,
        "label,p_cat,p_dog\ncat,0.8,0.2\ndog,0.3,0.7\ncat,0.6,0.4\n",
    )
    .unwrap();
    std::fs::write(
        &b,
        "label,p_dog,p_bird,p_cat\nbird,0.1,0.7,0.2\ndog,0.5,0.25,0.25\nbird,0.2,0.6,0.2\n",
    )
    .unwrap();
    let pa = partial(&[s(&a)], &d.path().join("a.flp"));
    let pb = partial(&[s(&b)], &d.path().join("b.flp"));
    let ab = report("stats", &[s(&pa), s(&pb)]);
    let ba = report("stats", &[s(&pb), s(&pa)]);
    let names = |r: &Value| -> Vec<(String, u64)> {
        r["classes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap().to_string(),
                    c["count"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let n = |v: &[(&str, u64)]| -> Vec<(String, u64)> {
        v.iter().map(|(a, b)| (a.to_string(), *b)).collect()
    };
    // The first file's order, then new classes in order of appearance.
    assert_eq!(names(&ab), n(&[("cat", 2), ("dog", 2), ("bird", 2)]));
    assert_eq!(names(&ba), n(&[("dog", 2), ("bird", 2), ("cat", 2)]));
    // Per-class figures follow the name, not the position.
    let by_name = |r: &Value, k: &str| {
        r["classes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == k)
            .unwrap()
            .clone()
    };
    for k in ["cat", "dog", "bird"] {
        let mut x = by_name(&ab, k);
        let mut y = by_name(&ba, k);
        x.as_object_mut().unwrap().remove("index");
        y.as_object_mut().unwrap().remove("index");
        assert_eq!(x, y, "{k}");
    }
    assert_eq!(ab["totals"]["elements"], 6);
    // The merged partial lists the union too.
    let m = merge(&[&pa, &pb], &d.path().join("m.flp"));
    assert_eq!(names(&report("stats", &[s(&m)])), names(&ab));
    // A softmax α is a list over the merged classes.
    report("compare", &[s(&m), "--alpha", "1,2,3"]);
}

#[test]
fn integer_classes_keep_numeric_order_when_shards_differ() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a.csv");
    let b = d.path().join("b.csv");
    std::fs::write(
        &a,
        "label,logit_0,logit_1,logit_10\n10,-1,-2,3\n0,2,-1,-3\n-1,-2,-2,-2\n",
    )
    .unwrap();
    std::fs::write(&b, "label,logit_2,logit_0\n2,1.5,-1\n0,-2,1\n").unwrap();
    let flags = ["--mode", "sigmoid"];
    let pa = partial(&[s(&a), flags[0], flags[1]], &d.path().join("a.flp"));
    let pb = partial(&[s(&b), flags[0], flags[1]], &d.path().join("b.flp"));
    for set in [[s(&pa), s(&pb)], [s(&pb), s(&pa)]] {
        let r = report("stats", &set);
        let names: Vec<&str> = r["classes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["0", "1", "2", "10"]);
    }
    // recommend's command line runs on the partials as printed.
    let (so, _) = ok(flcli().args(["recommend", "--json", "-q", s(&pa), s(&pb)]));
    let r: Value = serde_json::from_str(&so).unwrap();
    let line = r["reproduce"]["flcli"].as_str().unwrap();
    assert!(!line.contains("--mode"), "{line}");
    let args: Vec<&str> = line.split(' ').skip(1).collect();
    ok(flcli().args(&args).arg("-q"));
    let i = input_of("stats", &[s(&pa), s(&pb)]);
    assert_eq!(i["rows_read"], 5);
    assert_eq!(i["background_rows"], 1);
    assert_eq!(i["format"], "partial");
}

#[test]
fn partials_of_different_settings_do_not_merge() {
    let d = tempfile::tempdir().unwrap();
    let f = "fixtures/detection.csv";
    let base = partial(&[f, "--prob", "prob"], &d.path().join("base.flp"));
    for (flags, what) in [
        (vec!["--eps", "1e-6"], "--eps"),
        (vec!["--gamma", "1,2"], "loss terms"),
        (vec!["--by", "size"], "--by"),
        (vec!["--buckets", "0,0.5,1"], "--buckets"),
        (vec!["--easy", "0.8"], "--easy"),
        (vec!["--ignore-index", "-1"], "--ignore-index"),
    ] {
        let mut a = vec![f, "--prob", "prob"];
        a.extend(flags.iter());
        let other = partial(&a, &d.path().join("other.flp"));
        let out = d.path().join("m.flp");
        let err = fails(
            flcli()
                .arg("merge")
                .arg(&base)
                .arg(&other)
                .arg("-o")
                .arg(&out),
        );
        assert!(err.contains(what), "{flags:?}: {err}");
        assert!(
            err.contains("base.flp") && err.contains("other.flp"),
            "{err}"
        );
        assert!(!out.exists());
        // The report commands merge the same way.
        let err = fails(flcli().args(["stats", "--json"]).arg(&base).arg(&other));
        assert!(err.contains(what), "{err}");
    }
    // A different mode or score kind.
    let logit = partial(&[f, "--logit", "logit"], &d.path().join("logit.flp"));
    let err = fails(flcli().arg("stats").arg(&base).arg(&logit));
    assert!(
        err.contains("score kind")
            && err.contains("\"probabilities\"")
            && err.contains("\"logits\""),
        "{err}"
    );
}

#[test]
fn a_gamma_the_partial_does_not_hold_is_named() {
    let d = tempfile::tempdir().unwrap();
    let p = partial(
        &["fixtures/detection.csv", "--prob", "prob", "--gamma", "1,2"],
        &d.path().join("p.flp"),
    );
    let err = fails(flcli().args(["stats", "--gamma", "7"]).arg(&p));
    assert!(err.contains("γ = 7"), "{err}");
    assert!(err.contains("0, 1, 2, 3"), "the γ it holds: {err}");
    let err = fails(flcli().args(["compare", "--gamma", "1,4"]).arg(&p));
    assert!(err.contains("γ = 4"), "{err}");
    // Held γ work, and so do the loss flags that must match.
    report(
        "compare",
        &[s(&p), "--gamma", "1,2,3", "--alpha", "0.5,none"],
    );
    let err = fails(flcli().args(["stats", "--eps", "1e-3"]).arg(&p));
    assert!(err.contains("--eps"), "{err}");
    let err = fails(flcli().args(["stats", "--label", "label"]).arg(&p));
    assert!(err.contains("--label"), "{err}");
    let err = fails(flcli().args(["stats", "--by", "size"]).arg(&p));
    assert!(err.contains("--by"), "{err}");
}

#[test]
fn settings_written_into_the_header_read_back_as_the_same_doubles() {
    // Doubles whose shortest decimal a fast, inexact JSON float parser reads an ulp
    // off: the partial must still match the run that asks for the same settings.
    let d = tempfile::tempdir().unwrap();
    for (i, eps) in ["8.844583787506375e-13", "1.2350075938893521e-6"]
        .iter()
        .enumerate()
    {
        let easy = ["0.9731058749135681", "0.8635249709227458"][i];
        let flags = ["--prob", "prob", "--eps", eps, "--easy", easy];
        let p = partial(
            &[&["fixtures/detection.csv"][..], &flags[..]].concat(),
            &d.path().join(format!("p{i}.flp")),
        );
        let direct = report(
            "stats",
            &[&["fixtures/detection.csv"][..], &flags[..]].concat(),
        );
        let from_partial = report("stats", &[s(&p), "--eps", eps, "--easy", easy]);
        assert_same(&direct, &from_partial, eps);
        assert_eq!(from_partial["params"]["eps"].to_string(), *eps);
        assert_eq!(from_partial["params"]["easy"].to_string(), easy);
    }
}

#[test]
fn data_files_and_partials_do_not_mix_and_magic_bytes_decide() {
    let d = tempfile::tempdir().unwrap();
    let p = partial(
        &["fixtures/detection.csv", "--prob", "prob"],
        &d.path().join("p.flp"),
    );
    let err = fails(flcli().arg("stats").arg(&p).arg("fixtures/detection.csv"));
    assert!(
        err.contains("p.flp") && err.contains("detection.csv"),
        "{err}"
    );
    // A partial under another name is still a partial.
    let renamed = d.path().join("looks_like.csv");
    std::fs::copy(&p, &renamed).unwrap();
    assert_eq!(report("stats", &[s(&renamed)]), report("stats", &[s(&p)]));
    // flcli partial reads data, flcli merge reads partials.
    let err = fails(
        flcli()
            .arg("partial")
            .arg(&p)
            .arg("-o")
            .arg(d.path().join("x.flp")),
    );
    assert!(err.contains("flcli merge"), "{err}");
    let err = fails(
        flcli()
            .arg("merge")
            .arg("fixtures/detection.csv")
            .arg("-o")
            .arg(d.path().join("x.flp")),
    );
    assert!(err.contains("detection.csv"), "{err}");
    // Never over an input, never to stdout.
    let err = fails(flcli().arg("merge").arg(&p).arg("-o").arg(&p));
    assert!(err.contains("input"), "{err}");
    let err = fails(flcli().args(["partial", "fixtures/detection.csv", "-o", "-"]));
    assert!(err.contains("file name"), "{err}");
}

#[test]
fn damaged_partial_files_are_errors_naming_the_file() {
    let d = tempfile::tempdir().unwrap();
    let p = partial(
        &["fixtures/detection.csv", "--prob", "prob"],
        &d.path().join("p.flp"),
    );
    let good = std::fs::read(&p).unwrap();
    let crc = |b: &mut Vec<u8>| {
        let n = b.len() - 4;
        let c = crc32fast::hash(&b[..n]);
        b[n..].copy_from_slice(&c.to_le_bytes());
    };
    let mut cases: Vec<(&str, Vec<u8>, &str)> = Vec::new();
    cases.push(("truncated", good[..good.len() - 10].to_vec(), "checksum"));
    cases.push(("magic only", good[..8].to_vec(), "truncated"));
    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    cases.push(("flipped", flipped, "checksum"));
    let mut version = good.clone();
    version[8] = 9;
    cases.push(("version", version, "version 9"));
    let mut huge = good.clone();
    huge[12..20].copy_from_slice(&u64::MAX.to_le_bytes());
    crc(&mut huge);
    cases.push(("header length", huge, "length"));
    let mut json = good.clone();
    json[20] = b'[';
    crc(&mut json);
    cases.push(("header", json, "header"));
    let mut extra = good[..good.len() - 4].to_vec();
    extra.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
    extra.extend_from_slice(&[0; 4]);
    crc(&mut extra);
    cases.push(("trailing", extra, "unexpected bytes"));
    for (what, bytes, says) in cases {
        let f = d.path().join(format!("bad {what}.flp"));
        std::fs::write(&f, bytes).unwrap();
        for cmd in ["stats", "merge"] {
            let mut c = flcli();
            c.arg(cmd).arg(&f);
            if cmd == "merge" {
                c.arg("-o").arg(d.path().join("out.flp"));
            }
            let err = fails(&mut c);
            assert!(err.contains(&format!("bad {what}.flp")), "{what}: {err}");
            assert!(err.contains(says), "{what}: expected {says:?} in {err}");
        }
    }
}

#[test]
fn skipped_rows_stay_counted_with_their_files() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a.csv");
    let b = d.path().join("b.csv");
    std::fs::write(&a, "label,prob\n1,0.9\n0,nan\n1,0.8\n-100,0.5\n0,0.1\n").unwrap();
    std::fs::write(&b, "label,prob\n0,0.3\n1,1.5\n1,\n0,0.2\n7,0.5\n").unwrap();
    let flags = ["--prob", "prob", "--skip-invalid"];
    let pa = partial(
        &[s(&a), flags[0], flags[1], flags[2]],
        &d.path().join("a.flp"),
    );
    let pb = partial(
        &[s(&b), flags[0], flags[1], flags[2]],
        &d.path().join("b.flp"),
    );
    let m = merge(&[&pa, &pb], &d.path().join("m.flp"));
    let direct = input_of("stats", &[s(&a), s(&b), flags[0], flags[1], flags[2]]);
    for set in [vec![s(&pa), s(&pb)], vec![s(&m)]] {
        let i = input_of("stats", &set);
        let n = |k: &str| i[k].as_u64().unwrap();
        assert_eq!(n("rows_read"), 10);
        assert_eq!(
            n("rows_read"),
            n("rows_used") + n("rows_ignored") + n("rows_skipped")
        );
        assert_eq!(n("rows_skipped"), 4);
        assert_eq!(i["skipped"], direct["skipped"], "{set:?}");
        let files: Vec<&str> = i["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| {
                r["files"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f.as_str().unwrap())
            })
            .collect();
        assert!(
            files.contains(&s(&a)) && files.contains(&s(&b)),
            "{files:?}"
        );
    }
    assert_eq!(
        report("stats", &[s(&pa), s(&pb)]),
        report("stats", &[s(&a), s(&b), flags[0], flags[1], flags[2]])
    );
}

#[test]
fn by_groups_merge_across_shards() {
    let d = tempfile::tempdir().unwrap();
    let parts = split_csv("fixtures/detection.csv", d.path(), &[2500, 2500]);
    let flp: Vec<PathBuf> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| partial(&[s(p), "--by", "size"], &d.path().join(format!("p{i}.flp"))))
        .collect();
    let data: Vec<&str> = parts.iter().map(|p| s(p)).collect();
    let m = merge(&[&flp[2], &flp[0], &flp[1]], &d.path().join("m.flp"));
    for cmd in ["stats", "compare"] {
        let mut direct_args = data.clone();
        direct_args.extend(["--by", "size"]);
        let direct = report(cmd, &direct_args);
        assert_eq!(direct["groups"].as_array().unwrap().len(), 3);
        let files: Vec<&str> = flp.iter().map(|p| s(p)).collect();
        let mut a = files.clone();
        a.extend(["--by", "size"]);
        assert_same(&report(cmd, &a), &direct, cmd);
        assert_same(&report(cmd, &[s(&m), "--by", "size"]), &direct, cmd);
        // Without --by, the whole of the --by run: the run without --by,
        // bit for bit (the groups' sums are exact, as the whole's are).
        let mut whole = direct.clone();
        whole["groups"] = Value::Null;
        assert_same(&report(cmd, &[s(&m)]), &whole, cmd);
        assert_same(&report(cmd, &data), &whole, cmd);
    }
    let err = fails(
        flcli()
            .args(["stats", "--by", "size", "--max-groups", "2"])
            .arg(&m),
    );
    assert!(err.contains("--max-groups"), "{err}");
}

#[test]
fn merge_writes_only_through_the_output_rules() {
    let d = tempfile::tempdir().unwrap();
    let p = partial(
        &["fixtures/detection.csv", "--prob", "prob"],
        &d.path().join("p.flp"),
    );
    let o = run(&["merge", s(&p), "-o", s(d.path())]);
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    let nested = d.path().join("no/such/dir/x.flp");
    let o = run(&["merge", s(&p), "-o", s(&nested)]);
    assert_eq!(o.code, Some(2), "{}", o.stderr);
}
