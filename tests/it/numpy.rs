//! NumPy input: `.npz` archives (stored and deflated) and `.npy` pairs give
//! the reports of the same data in every other format; maps are read as
//! their elements whatever the class axis, the dtype or the number of units;
//! arrays flcli cannot read are errors naming the file, the array and the
//! header field.

use crate::formats::{batches, ipc_file, ipc_stream, jsonl, report};
use crate::support::npy::{savez, zip, Npy};
use crate::support::{fails, fixture, flcli, ok, Lcg, Workdir};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::RecordBatch;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The label column and the score columns of Parquet batches, as arrays:
/// labels (N,), scores (N,) for one column, else (N, K).
fn arrays(b: &[RecordBatch], label: &str, scores: &[String]) -> (Npy, Npy) {
    let mut y = Vec::new();
    let mut s = Vec::new();
    for rb in b {
        let l = arrow_cast::cast(
            rb.column_by_name(label).unwrap(),
            &arrow_schema::DataType::Int64,
        )
        .unwrap();
        let cols: Vec<_> = scores
            .iter()
            .map(|c| {
                rb.column_by_name(c)
                    .unwrap()
                    .as_primitive::<Float64Type>()
                    .clone()
            })
            .collect();
        for i in 0..rb.num_rows() {
            y.push(l.as_primitive::<Int64Type>().value(i));
            s.extend(cols.iter().map(|c| c.value(i)));
        }
    }
    let n = y.len();
    let shape = if scores.len() == 1 {
        vec![n]
    } else {
        vec![n, scores.len()]
    };
    (Npy::i64(&[n], &y), Npy::f64(&shape, &s))
}

/// The label and score column names flcli reads from a fixture.
fn columns_of(file: &Path, extra: &[&str]) -> (String, Vec<String>, String) {
    let (_, input) = report("stats", file, extra);
    let cols = input["score_columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    let kind = if input["score_kind"] == "logits" {
        "logits"
    } else {
        "probs"
    };
    (
        input["label_column"].as_str().unwrap().to_string(),
        cols,
        kind.to_string(),
    )
}

/// Reports without `input`, for a file and its arguments.
fn without_input(cmd: &str, file: &Path, args: &[&str]) -> Value {
    report(cmd, file, args).0
}

#[test]
fn every_format_gives_the_same_report() {
    let w = Workdir::new();
    for (name, extra) in [
        ("detection", &[][..]),
        ("longtail", &[][..]),
        ("longtail_logits", &[][..]),
        ("sigmoid", &["--mode", "sigmoid"][..]),
    ] {
        let pq = fixture(&format!("{name}.parquet"));
        let b = batches(&pq);
        let (label, scores, kind) = columns_of(&pq, extra);
        let (y, s) = arrays(&b, &label, &scores);
        let d = w.root().join(name);
        std::fs::create_dir_all(&d).unwrap();
        let npz = savez(&d, "a.npz", &[("labels", &y), (&kind, &s)], false);
        let npz_deflated = savez(&d, "b.npz", &[("labels", &y), (&kind, &s)], true);
        let scores_npy = s.save(&d, &format!("{kind}.npy"));
        let labels_npy = y.save(&d, "targets.npy");
        let pair = [extra, &["--labels-npy", labels_npy.to_str().unwrap()]].concat();
        let copies: Vec<(PathBuf, Vec<&str>)> = vec![
            (ipc_file(&d, "a.arrow", &b), extra.to_vec()),
            (ipc_stream(&d, "a.arrows", &b), extra.to_vec()),
            (jsonl(&d, "a.jsonl", &b, false), extra.to_vec()),
            (npz, extra.to_vec()),
            (npz_deflated, extra.to_vec()),
            (scores_npy, pair),
        ];
        for (cmd, args) in [
            ("stats", &[][..]),
            ("compare", &["-g", "0,2", "-a", "none"][..]),
        ] {
            let want = without_input(cmd, &pq, &[extra, args].concat());
            for (c, a) in &copies {
                let got = without_input(cmd, c, &[&a[..], args].concat());
                assert_eq!(got, want, "{name}: {cmd} {}", c.display());
            }
        }
        let (_, input) = report("stats", &copies[3].0, extra);
        assert_eq!(input["format"], "npz");
        assert_eq!(input["label_column"], "labels");
        let (_, input) = report("stats", &copies[5].0, &copies[5].1);
        assert_eq!(
            (&input["format"], &input["label_column"]),
            (&"npy".into(), &"targets".into())
        );
        // Both files of the pair were read.
        let paths: Vec<&str> = input["paths"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        assert_eq!(
            paths,
            [copies[5].0.to_str().unwrap(), labels_npy.to_str().unwrap()]
        );
    }
}

/// A random map: labels (N, H, W) with a few `255`, logits (N, K, H, W).
fn map(n: usize, k: usize, h: usize, wd: usize, seed: u64) -> (Vec<i64>, Vec<f64>) {
    let mut r = Lcg::new(seed);
    let y: Vec<i64> = (0..n * h * wd)
        .map(|_| {
            if r.bernoulli(0.03) {
                255
            } else {
                r.below(k) as i64
            }
        })
        .collect();
    let z: Vec<f64> = (0..n * k * h * wd).map(|_| r.normal() * 2.0).collect();
    (y, z)
}

/// `z` (N, K, P) with the class axis moved last: (N, P, K).
fn channels_last(z: &[f64], n: usize, k: usize, p: usize) -> Vec<f64> {
    let mut out = vec![0.0; z.len()];
    for i in 0..n {
        for c in 0..k {
            for j in 0..p {
                out[(i * p + j) * k + c] = z[(i * k + c) * p + j];
            }
        }
    }
    out
}

#[test]
fn a_map_reads_as_a_table_of_its_pixels() {
    let w = Workdir::new();
    let (n, k, h, wd) = (3, 4, 5, 6);
    let (y, z) = map(n, k, h, wd, 3);
    let last = channels_last(&z, n, k, h * wd);
    let first = Npy::f64(&[n, k, h, wd], &z);
    let labels = Npy::i64(&[n, h, wd], &y);
    let table = savez(
        w.root(),
        "table.npz",
        &[
            ("labels", &Npy::i64(&[n * h * wd], &y)),
            ("logits", &Npy::f64(&[n * h * wd, k], &last)),
        ],
        false,
    );
    let copies = [
        (
            savez(
                w.root(),
                "first.npz",
                &[("labels", &labels), ("logits", &first)],
                false,
            ),
            vec![],
        ),
        (
            savez(
                w.root(),
                "firstz.npz",
                &[("labels", &labels), ("logits", &first)],
                true,
            ),
            vec![],
        ),
        (
            savez(
                w.root(),
                "last.npz",
                &[
                    ("labels", &labels),
                    ("logits", &Npy::f64(&[n, h, wd, k], &last)),
                ],
                false,
            ),
            vec!["--channels-last"],
        ),
        (
            savez(
                w.root(),
                "lastz.npz",
                &[
                    ("labels", &labels),
                    ("logits", &Npy::f64(&[n, h, wd, k], &last)),
                ],
                true,
            ),
            vec!["--channels-last"],
        ),
        (
            first.save(w.root(), "logits.npy"),
            vec!["--labels-npy", "LABELS"],
        ),
    ];
    let labels_npy = labels.save(w.root(), "masks.npy");
    for mode in ["softmax", "sigmoid"] {
        let args = ["--ignore-index", "255", "--mode", mode];
        let want = without_input("stats", &table, &args);
        for (c, extra) in &copies {
            let extra: Vec<&str> = extra
                .iter()
                .map(|a| {
                    if *a == "LABELS" {
                        labels_npy.to_str().unwrap()
                    } else {
                        a
                    }
                })
                .collect();
            let got = without_input("stats", c, &[&args[..], &extra].concat());
            assert_eq!(got, want, "{mode} {}", c.display());
        }
    }
    // --by image: one group per leading index, each of its pixels.
    let (out, _) = ok(flcli()
        .args([
            "stats",
            "--json",
            "-q",
            "--ignore-index",
            "255",
            "--by",
            "image",
        ])
        .arg(&copies[1].0));
    let r: Value = serde_json::from_str(&out).unwrap();
    let groups = r["groups"].as_array().unwrap();
    let keys: Vec<&str> = groups.iter().map(|g| g["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["0", "1", "2"]);
    for (i, g) in groups.iter().enumerate() {
        assert_eq!(g["input"]["rows_read"], (h * wd) as u64, "image {i}");
        let ignored = y[i * h * wd..(i + 1) * h * wd]
            .iter()
            .filter(|&&v| v == 255)
            .count();
        assert_eq!(g["input"]["rows_ignored"], ignored as u64, "image {i}");
    }
}

#[test]
fn every_dtype_reads_the_same() {
    let w = Workdir::new();
    let (n, k) = (200, 3);
    let mut r = Lcg::new(5);
    let y: Vec<i64> = (0..n).map(|_| r.below(k) as i64).collect();
    // Probabilities that float16 holds exactly: multiples of 1/64 summing to 1.
    let mut p = Vec::new();
    for _ in 0..n {
        let a = (1 + r.below(40)) as f64 / 64.0;
        let b = (1 + r.below(20)) as f64 / 64.0;
        p.extend([a, b, 1.0 - a - b]);
    }
    let want = without_input(
        "stats",
        &savez(
            w.root(),
            "ref.npz",
            &[
                ("labels", &Npy::i64(&[n], &y)),
                ("probs", &Npy::f64(&[n, k], &p)),
            ],
            false,
        ),
        &[],
    );
    let mut files = Vec::new();
    for (i, probs) in [Npy::f16(&[n, k], &p), Npy::f32(&[n, k], &p)]
        .iter()
        .enumerate()
    {
        files.push(savez(
            w.root(),
            &format!("f{i}.npz"),
            &[("labels", &Npy::i64(&[n], &y)), ("probs", probs)],
            false,
        ));
    }
    for signed in [true, false] {
        for width in [1, 2, 4, 8] {
            let l = Npy::int(signed, width, &[n], &y);
            files.push(savez(
                w.root(),
                &format!("{}{width}.npz", if signed { "i" } else { "u" }),
                &[("labels", &l), ("probs", &Npy::f64(&[n, k], &p))],
                false,
            ));
        }
    }
    for f in &files {
        assert_eq!(without_input("stats", f, &[]), want, "{}", f.display());
    }
    // Boolean labels of a binary map.
    let yb: Vec<i64> = y.iter().map(|&v| (v == 1) as i64).collect();
    let pb: Vec<f64> = p.iter().step_by(k).copied().collect();
    let as_bool = Npy::raw("|b1", &[n], yb.iter().map(|&v| v as u8).collect());
    let a = savez(
        w.root(),
        "b.npz",
        &[("labels", &as_bool), ("probs", &Npy::f64(&[n], &pb))],
        false,
    );
    let b = savez(
        w.root(),
        "b8.npz",
        &[
            ("labels", &Npy::i64(&[n], &yb)),
            ("probs", &Npy::f64(&[n], &pb)),
        ],
        false,
    );
    assert_eq!(
        without_input("stats", &a, &[]),
        without_input("stats", &b, &[])
    );
}

#[test]
fn a_map_of_several_units_reads_the_same_on_any_thread_count() {
    let w = Workdir::new();
    // More elements than one unit holds (512 Ki), not a multiple of an image.
    let (n, k, h, wd) = (3, 2, 411, 503);
    let (y, z) = map(n, k, h, wd, 11);
    let labels = Npy::int(false, 1, &[n, h, wd], &y);
    let logits = Npy::f32(&[n, k, h, wd], &z);
    let plain = savez(
        w.root(),
        "m.npz",
        &[("labels", &labels), ("logits", &logits)],
        false,
    );
    let packed = savez(
        w.root(),
        "mz.npz",
        &[("labels", &labels), ("logits", &logits)],
        true,
    );
    let run = |f: &Path, j: &str| {
        let (out, _) = ok(flcli()
            .args(["stats", "--json", "-q", "--ignore-index", "255", "-j", j])
            .arg(f));
        let mut v: Value = serde_json::from_str(&out).unwrap();
        v.as_object_mut().unwrap().remove("input");
        v
    };
    let one = run(&plain, "1");
    assert_eq!(run(&plain, "2"), one);
    // One unit instead of several: the same elements, sums equal to rounding.
    crate::support::assert_json_close(&run(&packed, "2"), &one, 1e-12, "");
    assert_eq!(
        one["totals"]["elements"].as_u64().unwrap(),
        y.iter().filter(|&&v| v != 255).count() as u64
    );
}

#[test]
fn invalid_scores_are_located_by_their_element() {
    let w = Workdir::new();
    let (n, k, h, wd) = (2, 3, 4, 5);
    let (mut y, mut z) = map(n, k, h, wd, 2);
    y.iter_mut().for_each(|v| *v %= k as i64);
    // Element (1, 2, 3) of the label map, class 1: flat index 1*20 + 2*5 + 3 = 33.
    z[((k + 1) * h + 2) * wd + 3] = f64::NAN;
    let f = savez(
        w.root(),
        "nan.npz",
        &[
            ("labels", &Npy::i64(&[n, h, wd], &y)),
            ("logits", &Npy::f64(&[n, k, h, wd], &z)),
        ],
        false,
    );
    let e = fails(flcli().args(["stats", "-q"]).arg(&f));
    crate::support::assert_mentions(
        &e,
        &[
            "nan.npz",
            "row 33",
            "logits[1]",
            "NaN",
            "unravel_index(r, (2, 4, 5))",
            "--skip-invalid",
        ],
    );
    let (_, input) = report("stats", &f, &["--skip-invalid"]);
    assert_eq!(input["rows_skipped"], 1);
}

/// Zip members: name and bytes.
type Members = Vec<(String, Vec<u8>)>;

#[test]
fn arrays_flcli_cannot_read_are_errors_naming_file_array_and_field() {
    let w = Workdir::new();
    let y = Npy::i64(&[4], &[0, 1, 2, 1]);
    let s = Npy::f64(&[4, 3], &[0.5; 12]);
    let cases: Vec<(&str, Members, &[&str])> = vec![
        (
            "big-endian",
            vec![
                ("labels.npy".into(), y.bytes()),
                (
                    "logits.npy".into(),
                    Npy::raw(">f8", &[4, 3], vec![0; 96]).bytes(),
                ),
            ],
            &["logits", "descr", "big-endian", "little-endian"],
        ),
        (
            "fortran",
            vec![
                ("labels.npy".into(), y.bytes()),
                (
                    "logits.npy".into(),
                    s.bytes_with(Some(
                        "{'descr': '<f8', 'fortran_order': True, 'shape': (4, 3), }",
                    )),
                ),
            ],
            &["logits", "fortran_order", "C-order"],
        ),
        (
            "object",
            vec![
                (
                    "labels.npy".into(),
                    Npy::raw("|O", &[4], vec![0; 32]).bytes(),
                ),
                ("logits.npy".into(), s.bytes()),
            ],
            &["labels", "descr", "object", "numeric"],
        ),
        (
            "shape",
            vec![
                ("labels.npy".into(), Npy::i64(&[5], &[0; 5]).bytes()),
                ("logits.npy".into(), s.bytes()),
            ],
            &["labels", "logits", "shape", "(5,)", "(4, 3)"],
        ),
        (
            "float-labels",
            vec![
                ("labels.npy".into(), Npy::f64(&[4], &[0.0; 4]).bytes()),
                ("logits.npy".into(), s.bytes()),
            ],
            &["labels", "descr", "astype(np.int64)"],
        ),
        (
            "int-scores",
            vec![
                ("labels.npy".into(), y.bytes()),
                ("logits.npy".into(), Npy::i64(&[4, 3], &[0; 12]).bytes()),
            ],
            &["logits", "descr", "float"],
        ),
        (
            "truncated",
            vec![
                ("labels.npy".into(), y.bytes()),
                ("logits.npy".into(), s.bytes()[..140].to_vec()),
            ],
            &["logits", "(4, 3)", "damaged", "save it again"],
        ),
        (
            "no-arrays",
            vec![("readme.txt".into(), b"hi".to_vec())],
            &["no .npy arrays", "np.savez"],
        ),
    ];
    for (name, members, want) in cases {
        let f = zip(w.root(), &format!("{name}.npz"), &members, false);
        let e = fails(flcli().args(["stats", "-q"]).arg(&f));
        crate::support::assert_mentions(&e, &[&format!("{name}.npz")]);
        crate::support::assert_mentions(&e, want);
    }
    // A .npy of scores needs its labels.
    let lone = s.save(w.root(), "logits.npy");
    let e = fails(flcli().args(["stats", "-q"]).arg(&lone));
    crate::support::assert_mentions(&e, &["logits.npy", "--labels-npy", "np.savez"]);
    // A labels file cut short.
    let cut = w.write("cut.npy", &y.bytes()[..140]);
    let e = fails(
        flcli()
            .args(["stats", "-q", "--labels-npy"])
            .arg(&cut)
            .arg(&lone),
    );
    crate::support::assert_mentions(&e, &["cut.npy", "truncated"]);
    // The class axis in the wrong place says which flag fixes it.
    let m = savez(
        w.root(),
        "last.npz",
        &[
            ("labels", &Npy::i64(&[1, 2, 2], &[0; 4])),
            ("logits", &Npy::f64(&[1, 2, 2, 3], &[0.0; 12])),
        ],
        false,
    );
    let e = fails(flcli().args(["stats", "-q"]).arg(&m));
    crate::support::assert_mentions(&e, &["last.npz", "shape", "--channels-last"]);
}

#[test]
fn by_takes_a_per_image_array_of_the_archive() {
    let w = Workdir::new();
    let (n, k, h, wd) = (4, 3, 2, 5);
    let (mut y, z) = map(n, k, h, wd, 9);
    y.iter_mut().for_each(|v| *v %= k as i64);
    let labels = Npy::i64(&[n, h, wd], &y);
    let logits = Npy::f64(&[n, k, h, wd], &z);
    let site = Npy::int(true, 4, &[n], &[7, 3, 7, 3]);
    let f = savez(
        w.root(),
        "sites.npz",
        &[("labels", &labels), ("logits", &logits), ("site", &site)],
        false,
    );
    let (out, _) = ok(flcli()
        .args(["stats", "--json", "-q", "--by", "site"])
        .arg(&f));
    let r: Value = serde_json::from_str(&out).unwrap();
    let groups = r["groups"].as_array().unwrap();
    let keys: Vec<&str> = groups.iter().map(|g| g["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["3", "7"]);
    for g in groups {
        assert_eq!(g["input"]["rows_read"], (2 * h * wd) as u64);
    }
    // The same as the images of each site alone.
    let (out, _) = ok(flcli()
        .args(["stats", "--json", "-q", "--by", "image"])
        .arg(&f));
    let per_image: Value = serde_json::from_str(&out).unwrap();
    let ce = |g: &Value| g["totals"]["ce_sum"].as_f64().unwrap();
    let img = per_image["groups"].as_array().unwrap();
    let want = ce(&img[1]) + ce(&img[3]);
    assert!(crate::support::close(ce(&groups[0]), want, 1e-12));
    // A per-image array of the wrong length, and --by image without a map.
    let bad = savez(
        w.root(),
        "bad.npz",
        &[
            ("labels", &labels),
            ("logits", &logits),
            ("site", &Npy::i64(&[3], &[0, 1, 2])),
        ],
        false,
    );
    let e = fails(flcli().args(["stats", "-q", "--by", "site"]).arg(&bad));
    crate::support::assert_mentions(&e, &["bad.npz", "site", "(4,)", "--by image"]);
    let table = savez(
        w.root(),
        "table.npz",
        &[
            ("labels", &Npy::i64(&[2], &[0, 1])),
            ("logits", &Npy::f64(&[2, 2], &[0.0; 4])),
        ],
        false,
    );
    let e = fails(flcli().args(["stats", "-q", "--by", "image"]).arg(&table));
    crate::support::assert_mentions(&e, &["table.npz", "image"]);
}
