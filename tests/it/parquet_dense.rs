//! Parquet fixed-size lists of float32 scores, which the reader decodes
//! straight from the list's leaf column: the reports are the very ones of the
//! general path (the same rows as a variable-size list column), across small
//! pages, dictionary and plain pages, row-group and batch boundaries, with
//! `--by`; a NaN or an infinity in the last page, null rows and null scores
//! are skipped or reported exactly as the general path does.

use crate::support::*;
use arrow_array::types::Float32Type;
use arrow_array::{FixedSizeListArray, ListArray};
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use std::path::{Path, PathBuf};

type Row = Option<Vec<Option<f32>>>;

/// `n` rows of `k` logits and their labels, the values a function of `seed`.
fn rows(n: usize, k: usize, seed: u64) -> (Vec<i64>, Vec<Row>) {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15 ^ seed ^ ((k as u64) << 20));
    let mut labels = Vec::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let y = (r.next() % k as u64) as usize;
        let scale = [1.0, 6.0, 300.0][i % 3];
        let row = (0..k)
            .map(|c| {
                Some(((r.uniform() * 2.0 - 1.0) * scale + if c == y { 1.5 } else { 0.0 }) as f32)
            })
            .collect();
        labels.push(y as i64);
        out.push(Some(row));
    }
    (labels, out)
}

/// Small pages (many per column chunk), a small dictionary (so the chunk
/// starts dictionary-encoded and goes on in plain pages), `rg` rows per row group.
fn props(rg: usize) -> WriterProperties {
    WriterProperties::builder()
        .set_max_row_group_row_count(Some(rg))
        .set_data_page_size_limit(4096)
        .set_dictionary_page_size_limit(16 * 1024)
        .set_write_batch_size(64)
        .build()
}

/// The rows as a fixed-size list column (`dense.parquet`, the direct path)
/// and as a variable-size list column (`general.parquet`), with a `g` column
/// of groups.
fn both(w: &Workdir, k: usize, labels: &[i64], rows: &[Row], rg: usize) -> (PathBuf, PathBuf) {
    let groups: Vec<&str> = (0..labels.len()).map(|i| ["a", "b", "c"][i % 3]).collect();
    let dense =
        FixedSizeListArray::from_iter_primitive::<Float32Type, _, _>(rows.to_vec(), k as i32);
    let general = ListArray::from_iter_primitive::<Float32Type, _, _>(rows.to_vec());
    let write = |name: &str, list: arrow_array::ArrayRef| {
        let cols = vec![
            ("label", i64s(labels.to_vec())),
            ("logits", list),
            ("g", strs(groups.clone())),
        ];
        w.write_parquet_with(&format!("k{k}_rg{rg}_{name}.parquet"), cols, props(rg))
    };
    (write("dense", arr(dense)), write("general", arr(general)))
}

/// The data pages of the logits in the first row group of `p`.
fn data_pages(p: &Path) -> usize {
    let r = SerializedFileReader::new(std::fs::File::open(p).unwrap()).unwrap();
    let pages = r
        .get_row_group(0)
        .unwrap()
        .get_column_page_reader(1)
        .unwrap();
    pages
        .map(|pg| pg.unwrap())
        .filter(|pg| pg.page_type() != parquet::basic::PageType::DICTIONARY_PAGE)
        .count()
}

/// `p` with the label and logits columns named, then `extra`.
fn args_for<'a>(p: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        p.to_str().unwrap(),
        "--label",
        "label",
        "--logits",
        "logits",
    ];
    args.extend(extra);
    args
}

/// The JSON report of `cmd` on `p`, without its paths.
fn report_of(cmd: &str, p: &Path, extra: &[&str]) -> serde_json::Value {
    let mut v = json_value(cmd, &args_for(p, extra));
    without_paths_json(&mut v);
    v
}

fn report(p: &Path, extra: &[&str]) -> flcli::report::StatsReport {
    without_paths(stats(&args_for(p, extra)))
}

#[test]
fn dense_lists_give_the_general_paths_report_bit_for_bit() {
    let w = Workdir::new();
    // K = 1000 spans several batches (1048 rows each) and many pages; K = 7
    // with tiny row groups crosses row groups inside a batch; a row group of
    // more than 1M rows is decoded on a thread of its own.
    let cases = [
        (1000, 2500, 2500),
        (1000, 2500, 700),
        (7, 20_000, 6000),
        (3, 1_100_000, 1_100_000),
    ];
    for (k, n, rg) in cases {
        let (labels, rows) = rows(n, k, 1);
        let (dense, general) = both(&w, k, &labels, &rows, rg);
        assert!(
            data_pages(&dense) >= 3,
            "k {k}: too few pages to cross a boundary"
        );
        let what = format!("k {k}, rg {rg}");
        assert_eq!(report(&dense, &[]), report(&general, &[]), "{what}");
        if n < 100_000 {
            let by = ["--by", "g"];
            let (a, b) = (
                report_of("stats", &dense, &by),
                report_of("stats", &general, &by),
            );
            assert!(a == b, "{what}: --by differs");
            let grid = ["--gamma", "0,0.5,2,5"];
            let (a, b) = (
                report_of("compare", &dense, &grid),
                report_of("compare", &general, &grid),
            );
            assert!(a == b, "{what}: compare differs");
        }
    }
}

/// The error of `stats` on `p`, its file name replaced by `FILE`.
fn error_of(p: &Path, extra: &[&str]) -> String {
    stats_err(&args_for(p, extra)).replace(p.to_str().unwrap(), "FILE")
}

#[test]
fn nan_and_infinity_in_the_last_page_are_found_as_in_the_general_path() {
    let w = Workdir::new();
    let (k, n) = (1000, 2500);
    let (labels, mut rows) = rows(n, k, 2);
    rows[n - 1].as_mut().unwrap()[k - 1] = Some(f32::NAN);
    rows[n - 40].as_mut().unwrap()[k / 2] = Some(f32::INFINITY);
    rows[n - 41].as_mut().unwrap()[0] = Some(f32::NEG_INFINITY);
    let (dense, general) = both(&w, k, &labels, &rows, n);
    let skip = ["--skip-invalid"];
    let r = report(&dense, &skip);
    assert_eq!(r, report(&general, &skip));
    assert_eq!(r.input.rows_used, (n - 3) as u64);
    let e = error_of(&dense, &[]);
    assert_eq!(e, error_of(&general, &[]));
    assert_mentions(&e, &["row 2459", "logits[0]", "-inf"]);
}

#[test]
fn null_rows_and_null_scores_are_skipped_or_reported_as_in_the_general_path() {
    let w = Workdir::new();
    let (k, n) = (1000, 2500);
    // A null score in the first batch (the general path from the start), and
    // a null row in the third (the first two batches read directly).
    for (at, what) in [(10, "score"), (2200, "row")] {
        let (labels, mut rows) = rows(n, k, 3);
        if what == "row" {
            rows[at] = None;
        } else {
            rows[at].as_mut().unwrap()[5] = None;
        }
        rows[n - 1].as_mut().unwrap()[0] = Some(f32::NAN);
        let (dense, general) = both(&w, k, &labels, &rows, n);
        let skip = ["--skip-invalid"];
        let r = report(&dense, &skip);
        assert_eq!(r, report(&general, &skip), "null {what}");
        assert_eq!(r.input.rows_used, (n - 2) as u64, "null {what}");
        let e = error_of(&dense, &[]);
        assert_eq!(e, error_of(&general, &[]), "null {what}");
        assert_mentions(&e, &[&format!("row {at}"), "null"]);
    }
}

/// `n` multi-label rows of `k` logits and their positive class ids (about
/// one row in six has none); the null score of row `null`, and `odd`: a row
/// whose list names the class `k` (out of range), or whose list is null.
fn multilabel(n: usize, k: usize, null: usize, odd: Odd) -> (Vec<Option<Vec<i64>>>, Vec<Row>) {
    let mut r = Rng(0x51ED_270B_2D3A_4C7F ^ k as u64);
    let (mut ids, mut out) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let pos: Vec<i64> = (0..k as i64)
            .filter(|_| r.next().is_multiple_of(5))
            .collect();
        let row: Vec<_> = (0..k as i64)
            .map(|c| {
                let hot = if pos.contains(&c) { 3.0 } else { -2.0 };
                Some((r.uniform() * 4.0 - 2.0 + hot) as f32)
            })
            .collect();
        ids.push(Some(pos));
        out.push(Some(row));
    }
    out[null].as_mut().unwrap()[k - 1] = None;
    match odd {
        Odd::None => {}
        Odd::BadId(i) => ids[i] = Some(vec![0, k as i64]),
        Odd::NullList(i) => ids[i] = None,
    }
    (ids, out)
}

/// What is wrong with the id lists besides the null score.
#[derive(Clone, Copy, Debug)]
enum Odd {
    None,
    BadId(usize),
    NullList(usize),
}

#[test]
fn multilabel_dense_lists_give_the_general_paths_report_bit_for_bit() {
    let w = Workdir::new();
    let k = 8;
    // 65,536 rows a batch at K = 8: the null score is in the third batch, a
    // bad id or a null list in the first or the second (the direct path
    // hands the rest of the unit to the general one from that batch).
    let n = 140_000;
    let cases = [
        (Odd::None, n),
        (Odd::None, 30_000),
        (Odd::BadId(100_000), n),
        (Odd::NullList(70), 30_000),
    ];
    for (odd, rg) in cases {
        let (ids, rows) = multilabel(n, k, 135_000, odd);
        let dense =
            FixedSizeListArray::from_iter_primitive::<Float32Type, _, _>(rows.clone(), k as i32);
        let general = ListArray::from_iter_primitive::<Float32Type, _, _>(rows);
        let write = |name: &str, list: arrow_array::ArrayRef| {
            let cols = vec![("labels", id_lists(&ids)), ("logits", list)];
            w.write_parquet_with(
                &format!("ml_{odd:?}_rg{rg}_{name}.parquet"),
                cols,
                props(rg),
            )
        };
        let (dense, general) = (write("dense", arr(dense)), write("general", arr(general)));
        let what = format!("{odd:?}, rg {rg}");
        let report = |p: &Path| {
            let flags = ["--skip-invalid", "--gamma", "0,2"];
            let mut v = json_value("compare", &[&ml_args(p)[..], &flags].concat());
            without_paths_json(&mut v);
            // The files a skip was seen in are named by path.
            for s in v["input"]["skipped"].as_array_mut().unwrap() {
                s["files"] = serde_json::Value::Null;
            }
            v
        };
        let a = report(&dense);
        assert!(a == report(&general), "{what}: compare differs");
        let skipped = if matches!(odd, Odd::None) { 1 } else { 2 };
        assert_eq!(a["input"]["rows_used"], (n - skipped) as u64, "{what}");
        assert_eq!(a["input"]["targets"][0], "labels", "{what}");
        let err = |p: &Path| stats_err(&ml_args(p)).replace(p.to_str().unwrap(), "FILE");
        let e = err(&dense);
        assert_eq!(e, err(&general), "{what}");
        let at = match odd {
            Odd::None => "row 135000".to_string(),
            Odd::BadId(i) | Odd::NullList(i) => format!("row {i}"),
        };
        assert_mentions(&e, &[&at]);
    }
}

/// The flags that read the multi-label file `p`.
fn ml_args(p: &Path) -> [&str; 5] {
    let p = p.to_str().unwrap();
    [p, "--label", "labels", "--logits", "logits"]
}

fn id_lists(rows: &[Option<Vec<i64>>]) -> arrow_array::ArrayRef {
    use arrow_array::types::Int64Type;
    arr(ListArray::from_iter_primitive::<Int64Type, _, _>(
        rows.iter().map(|r| {
            r.as_ref()
                .map(|v| v.iter().map(|&x| Some(x)).collect::<Vec<_>>())
        }),
    ))
}
