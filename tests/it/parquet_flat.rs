//! Parquet float32 score columns (a binary model's one score, or one a
//! class), which the reader decodes straight from their leaf columns: the
//! same rows written as float32 and as float64 (read by the general path;
//! float32 to f64 is exact) give the same bytes for every report, partial
//! file and error, across dictionary and plain pages, row-group and batch
//! boundaries, `--by`, `-j` and `FLCLI_SIMD=none`; nulls, NaN, infinities,
//! probabilities outside [0, 1] and bad labels are skipped or reported
//! exactly as the general path does, and a damaged page is its error too.

use crate::support::*;
use arrow_array::{ArrayRef, Float32Array, Float64Array, RecordBatch};
use parquet::basic::{Encoding, PageType};
use parquet::file::properties::{WriterProperties, WriterPropertiesBuilder};
use parquet::file::reader::{FileReader, SerializedFileReader};
use std::path::{Path, PathBuf};

/// One score column: its name and values (`None` a null).
pub(crate) type Col = (&'static str, Vec<Option<f32>>);

/// `n` labels in `0..classes` and, for each of `names`, a score a row: a
/// logit, or a probability when the name starts with `p`. Nearly every value
/// is distinct, so the dictionary fills up and plain pages follow.
pub(crate) fn data(
    n: usize,
    classes: u64,
    names: &[&'static str],
    seed: u64,
) -> (Vec<i64>, Vec<Col>) {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15 ^ seed);
    let labels: Vec<i64> = (0..n).map(|_| (r.next() % classes) as i64).collect();
    let cols = names
        .iter()
        .enumerate()
        .map(|(c, &name)| {
            let v = labels.iter().enumerate().map(|(i, &y)| {
                let hit = y == if classes == 2 { 1 } else { c as i64 };
                Some(if name.starts_with('p') {
                    (r.uniform() * 0.7 + if hit { 0.3 } else { 0.0 }) as f32
                } else {
                    let scale = [1.0, 6.0, 300.0][i % 3];
                    ((r.uniform() * 2.0 - 1.0) * scale + if hit { 1.5 } else { 0.0 }) as f32
                })
            });
            (name, v.collect())
        })
        .collect();
    (labels, cols)
}

/// Small pages (of rows too: the writer sizes no dictionary-encoded page by
/// its bytes), a small dictionary (the chunk starts dictionary-encoded and
/// goes on in plain pages), `rg` rows a row group.
pub(crate) fn props(rg: usize) -> WriterProperties {
    props_builder(rg).build()
}

/// The builder of [`props`], for more settings.
pub(crate) fn props_builder(rg: usize) -> WriterPropertiesBuilder {
    WriterProperties::builder()
        .set_max_row_group_row_count(Some(rg))
        .set_data_page_size_limit(4096)
        .set_data_page_row_count_limit(2000)
        .set_dictionary_page_size_limit(32 * 1024)
        .set_write_batch_size(64)
}

/// The rows as `f32/data.parquet` (the direct path) and `f64/data.parquet`
/// (the general path) under `w`, with a `g` column of groups; the score
/// columns nullable or not. Returns the two folders.
fn both(w: &Workdir, labels: &[i64], cols: &[Col], rg: usize, nullable: bool) -> [PathBuf; 2] {
    let label = (i64s(labels.to_vec()), false);
    both_with(w, label, cols, nullable, props(rg))
}

/// As [`both`] with the label column `label` (nullable or not) and the
/// writer's `props`.
pub(crate) fn both_with(
    w: &Workdir,
    label: (ArrayRef, bool),
    cols: &[Col],
    nullable: bool,
    props: WriterProperties,
) -> [PathBuf; 2] {
    let groups: Vec<&str> = (0..label.0.len()).map(|i| ["a", "b", "c"][i % 3]).collect();
    let dirs = [w.path("f32"), w.path("f64")];
    for (wide, dir) in [false, true].into_iter().zip(&dirs) {
        let mut all: Vec<(&str, ArrayRef, bool)> = vec![("label", label.0.clone(), label.1)];
        for (name, v) in cols {
            let a = match wide {
                false => arr(Float32Array::from(v.clone())),
                true => arr(v.iter().map(|x| x.map(f64::from)).collect::<Float64Array>()),
            };
            all.push((name, a, nullable));
        }
        all.push(("g", strs(groups.clone()), false));
        let batch = RecordBatch::try_from_iter_with_nullable(all).unwrap();
        write_batches(dir, "data.parquet", &[batch], Some(props.clone()));
    }
    assert_pages(&dirs[0].join("data.parquet"));
    dirs
}

/// Requires the first score column of `p` to start with dictionary pages and
/// go on in plain pages, several of each.
fn assert_pages(p: &Path) {
    let r = SerializedFileReader::new(std::fs::File::open(p).unwrap()).unwrap();
    let pages = r.get_row_group(0).unwrap().get_column_page_reader(1);
    let (mut dict, mut plain) = (0, 0);
    for pg in pages.unwrap().map(Result::unwrap) {
        match (pg.page_type(), pg.encoding()) {
            (PageType::DICTIONARY_PAGE, _) => {}
            (_, Encoding::PLAIN) => plain += 1,
            _ => dict += 1,
        }
    }
    assert!(
        dict >= 2 && plain >= 2,
        "{dict} dictionary and {plain} plain pages"
    );
}

/// `flcli ARGS` run in `dir` with `env`: exit code, stdout and stderr.
pub(crate) fn run_in(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Option<i32>, String, String) {
    let mut c = flcli();
    c.current_dir(dir).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (o.status.code(), text(o.stdout), text(o.stderr))
}

/// Runs `args` on both files of `dirs`: the same exit code and bytes out;
/// returns stdout and stderr.
pub(crate) fn same(dirs: &[PathBuf; 2], args: &[&str], env: &[(&str, &str)]) -> (String, String) {
    let a = run_in(&dirs[0], args, env);
    let b = run_in(&dirs[1], args, env);
    assert!(a == b, "{args:?} {env:?}: float32 {a:?}\nfloat64 {b:?}");
    (a.1, a.2)
}

/// Every report of `scores` (score flags) on both files is the same, and
/// so are their partial files; `alpha` is compared too.
pub(crate) fn same_reports(dirs: &[PathBuf; 2], scores: &[&str], alpha: bool, by: bool) {
    let cmd = |head: &[&'static str], tail: &[&'static str]| {
        let mut a: Vec<&str> = head.to_vec();
        a.push("data.parquet");
        a.extend(scores);
        a.extend(tail);
        a
    };
    let grid = match alpha {
        true => &["--gamma", "0,0.5,1,2,5", "--alpha", "0.25", "--json"][..],
        false => &["--gamma", "0,0.5,1,2,5", "--json"],
    };
    let (out, err) = same(dirs, &cmd(&["compare"], grid), &[]);
    assert!(out.contains("\"gamma\""), "{out}{err}");
    same(dirs, &cmd(&["compare"], grid), &[("FLCLI_SIMD", "none")]);
    for j in ["1", "2"] {
        same(dirs, &cmd(&["stats"], &["--json", "-j", j]), &[]);
    }
    if by {
        same(
            dirs,
            &cmd(&["compare"], &[grid, &["--by", "g"]].concat()),
            &[],
        );
        same(dirs, &cmd(&["stats"], &["--json", "--by", "g"]), &[]);
    }
    same(dirs, &cmd(&["partial"], &["-o", "out.flp", "-q"]), &[]);
    let flp = |d: &PathBuf| std::fs::read(d.join("out.flp")).unwrap();
    assert!(
        flp(&dirs[0]) == flp(&dirs[1]),
        "{scores:?}: partial files differ"
    );
}

#[test]
fn float32_columns_give_the_general_paths_bytes() {
    let w = Workdir::new();
    // Row groups smaller than a batch (65536 rows): batches cross them.
    let (labels, cols) = data(150_000, 2, &["logit", "prob"], 1);
    let dirs = both(&w, &labels, &cols, 40_000, true);
    same_reports(&dirs, &[], true, true);
    same_reports(&dirs, &["--prob", "prob"], true, true);
    // Required columns: no definition levels at all.
    let w = Workdir::new();
    let dirs = both(&w, &labels, &cols, 70_000, false);
    same_reports(&dirs, &["--logit", "logit"], true, false);
    same_reports(&dirs, &["--prob", "prob"], false, false);
}

#[test]
fn a_row_group_bigger_than_two_units_gives_the_general_paths_bytes() {
    // Decoded on a thread of its own, its pages read ahead.
    let w = Workdir::new();
    let (labels, cols) = data(1_100_000, 2, &["logit"], 2);
    let dirs = both(&w, &labels, &cols, 1_100_000, true);
    let out = same(&dirs, &["stats", "data.parquet", "--json"], &[]).0;
    assert!(out.contains("\"rows_used\": 1100000"), "{out}");
}

#[test]
fn float32_columns_a_class_give_the_general_paths_bytes() {
    let w = Workdir::new();
    let (labels, cols) = data(80_000, 3, &["a", "b", "c"], 3);
    let dirs = both(&w, &labels, &cols, 30_000, true);
    let logits = ["--label", "label", "--logits", "a,b,c"];
    same_reports(&dirs, &logits, false, true);
    let sigmoid = [&logits[..], &["--mode", "sigmoid"]].concat();
    same_reports(&dirs, &sigmoid, true, true);
    // An infinity in the first batch (65536 rows), a null in the second.
    let mut cols = cols;
    cols[1].1[30_000] = Some(f32::INFINITY);
    cols[2].1[75_000] = None;
    let w = Workdir::new();
    let dirs = both(&w, &labels, &cols, 30_000, true);
    for scores in [&logits[..], &sigmoid] {
        let e = same_failures(&dirs, scores);
        assert_mentions(&e, &["row 30000", "inf"]);
    }
}

/// `stats` with `scores` on both files, with and without `--skip-invalid`:
/// the same reports and errors; returns the error.
pub(crate) fn same_failures(dirs: &[PathBuf; 2], scores: &[&str]) -> String {
    let args = [&["stats", "data.parquet", "--json"], scores].concat();
    let (out, _) = same(dirs, &[&args[..], &["--skip-invalid"]].concat(), &[]);
    assert!(out.contains("\"rows_used\""), "{out}");
    let (out, err) = same(dirs, &args, &[]);
    assert!(out.is_empty(), "{out}");
    err
}

#[test]
fn nan_infinity_and_bad_probabilities_in_the_last_page_are_found_as_in_the_general_path() {
    let w = Workdir::new();
    let n = 150_000;
    let (labels, mut cols) = data(n, 2, &["logit", "prob"], 4);
    for (at, v) in [(n - 1, f32::NAN), (n - 40, f32::INFINITY)] {
        cols[0].1[at] = Some(v);
    }
    cols[0].1[n - 41] = Some(f32::NEG_INFINITY);
    for (at, v) in [(n - 2, 1.5), (n - 30, -0.25), (n - 31, f32::NAN)] {
        cols[1].1[at] = Some(v);
    }
    let dirs = both(&w, &labels, &cols, 60_000, true);
    let e = same_failures(&dirs, &[]);
    assert_mentions(&e, &[&format!("row {}", n - 41), "-inf"]);
    let e = same_failures(&dirs, &["--prob", "prob"]);
    assert_mentions(&e, &[&format!("row {}", n - 31), "NaN"]);
}

#[test]
fn null_scores_and_bad_labels_are_skipped_or_reported_as_in_the_general_path() {
    let w = Workdir::new();
    let n = 150_000;
    // A null in the third batch: the first two are read directly, the rest
    // by the general path. A label that is not 0 or 1 before it.
    let (mut labels, mut cols) = data(n, 2, &["logit", "prob"], 5);
    cols[0].1[140_000] = None;
    cols[1].1[140_001] = None;
    cols[0].1[n - 1] = Some(f32::NAN);
    labels[100_000] = 7;
    let dirs = both(&w, &labels, &cols, 60_000, true);
    let e = same_failures(&dirs, &[]);
    assert_mentions(&e, &["row 100000", "7"]);
    labels[100_000] = 1;
    let w = Workdir::new();
    let dirs = both(&w, &labels, &cols, 60_000, true);
    let e = same_failures(&dirs, &["--prob", "prob"]);
    assert_mentions(&e, &["row 140001", "null"]);
    let e = same_failures(&dirs, &[]);
    assert_mentions(&e, &["row 140000", "null"]);
}

#[test]
fn a_damaged_page_is_the_general_paths_error() {
    let w = Workdir::new();
    let (labels, cols) = data(150_000, 2, &["logit"], 6);
    let dirs = both(&w, &labels, &cols, 60_000, true);
    // Snappy pages; bytes of the second row group's first page garbled,
    // no page header touched: the decoder fails inside the page.
    let mut errors = Vec::new();
    for dir in &dirs {
        let p = dir.join("data.parquet");
        let rows = std::fs::File::open(&p).unwrap();
        let batch = parquet::arrow::arrow_reader::ParquetRecordBatchReader::try_new(rows, 1 << 20)
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        let props = WriterProperties::builder()
            .set_compression(parquet::basic::Compression::SNAPPY)
            .set_max_row_group_row_count(Some(60_000))
            .build();
        write_batches(dir, "data.parquet", &[batch], Some(props));
        let r = SerializedFileReader::new(std::fs::File::open(&p).unwrap()).unwrap();
        let at = r.metadata().row_group(1).column(1).data_page_offset() as usize + 100;
        let mut bytes = std::fs::read(&p).unwrap();
        bytes[at..at + 1000].iter_mut().for_each(|b| *b ^= 0xA5);
        std::fs::write(&p, bytes).unwrap();
        errors.push(run_in(dir, &["stats", "data.parquet"], &[]).2);
    }
    assert_eq!(errors[0], errors[1]);
    assert_mentions(&errors[0], &["row 65536", "Parquet argument error"]);
}
