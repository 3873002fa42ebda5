//! Parquet layouts: dictionary encoding, row groups small and huge, every
//! float and integer width, list score columns, and shards whose columns differ.

use super::*;
use crate::support::*;
use arrow_array::builder::{FixedSizeListBuilder, Float64Builder};
use arrow_array::types::{Float32Type, Float64Type, Int32Type};
use arrow_array::*;
use parquet::file::properties::WriterProperties;

#[test]
fn parquet_dictionary_encoded_columns() {
    let d = Workdir::new();
    let rows = binary_rows(500, 10);
    let plain = write(d.root(), "plain.csv", binary_csv(&rows));
    // Arrow dictionary arrays (kept as dictionaries through the file's Arrow schema).
    let labels: DictionaryArray<Int32Type> = rows
        .iter()
        .map(|r| if r.0 == 1 { "1" } else { "0" })
        .collect();
    let mut scores =
        arrow_array::builder::PrimitiveDictionaryBuilder::<Int32Type, Float64Type>::new();
    for r in &rows {
        scores.append_value(r.1);
    }
    for dict in [true, false] {
        let props = WriterProperties::builder()
            .set_dictionary_enabled(dict)
            .build();
        let p = write_parquet(
            d.root(),
            &format!("dict_{dict}.parquet"),
            vec![
                ("label", arr(labels.clone())),
                ("prob", arr(scores.finish_cloned())),
            ],
            Some(props.clone()),
        );
        assert_same_as(&plain, &p, &[]);
        // plain arrays, Parquet dictionary pages on or off
        let p = write_parquet(
            d.root(),
            &format!("plain_{dict}.parquet"),
            binary_parquet_cols(&rows),
            Some(props),
        );
        assert_same_as(&plain, &p, &[]);
    }
}

#[test]
fn parquet_many_small_row_groups() {
    let d = Workdir::new();
    let rows = binary_rows(10_000, 11);
    let one = write_parquet(d.root(), "one.parquet", binary_parquet_cols(&rows), None);
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(10))
        .build();
    let many = write_parquet(
        d.root(),
        "many.parquet",
        binary_parquet_cols(&rows),
        Some(props),
    );
    let meta = parquet::file::reader::FileReader::metadata(
        &parquet::file::reader::SerializedFileReader::new(std::fs::File::open(&many).unwrap())
            .unwrap(),
    )
    .num_row_groups();
    assert_eq!(meta, 1000);
    assert_same_as(&one, &many, &[]);
    let r = stats(&[&many]);
    assert_eq!(r.input.rows_read, 10_000);
    let (ce, fl) = binary_reference(&rows);
    assert_close(r.totals.ce_sum, ce, 1e-12, "CE");
    assert_close(r.totals.focal_sum, fl, 1e-12, "FL");
    // A bad row deep inside: its 0-based row number is file-wide, not per row group.
    let mut probs: Vec<f64> = rows.iter().map(|r| r.1).collect();
    probs[7_654] = f64::NAN;
    let bad = write_parquet(
        d.root(),
        "many_bad.parquet",
        vec![
            binary_parquet_cols(&rows).remove(0),
            ("prob", arr(Float64Array::from(probs))),
        ],
        Some(
            WriterProperties::builder()
                .set_max_row_group_row_count(Some(10))
                .build(),
        ),
    );
    assert!(stats_err(&[&bad]).contains("row 7654 (0-based)"));
}

#[test]
fn parquet_one_huge_row_group() {
    // More rows than one decode batch and one parallel unit, in a single row group.
    let d = Workdir::new();
    let n = (crate::support::sizes::UNIT_ROWS as usize) + 100_000;
    let rows = binary_rows(n, 12);
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(n))
        .build();
    let p = write_parquet(
        d.root(),
        "huge.parquet",
        binary_parquet_cols(&rows),
        Some(props),
    );
    let r = stats(&[&p]);
    assert_eq!(r.input.rows_read, n as u64);
    assert_eq!(r.input.rows_used, n as u64);
    let (ce, fl) = binary_reference(&rows);
    assert_close(r.totals.ce_sum, ce, 1e-11, "CE");
    assert_close(r.totals.focal_sum, fl, 1e-11, "FL");
}

#[test]
fn parquet_f16_f32_f64_scores() {
    let d = Workdir::new();
    let rows = binary_rows(300, 13);
    let plain = write(d.root(), "plain.csv", binary_csv(&rows));
    let labels = arr(Int64Array::from(
        rows.iter().map(|r| r.0 as i64).collect::<Vec<_>>(),
    ));
    let scores: Vec<(&str, ArrayRef)> = vec![
        (
            "f16",
            arr(Float16Array::from(
                rows.iter()
                    .map(|r| half::f16::from_f64(r.1))
                    .collect::<Vec<_>>(),
            )),
        ),
        (
            "f32",
            arr(Float32Array::from(
                rows.iter().map(|r| r.1 as f32).collect::<Vec<_>>(),
            )),
        ),
        (
            "f64",
            arr(Float64Array::from(
                rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            )),
        ),
    ];
    for (name, a) in scores {
        let p = write_parquet(
            d.root(),
            &format!("{name}.parquet"),
            vec![("label", labels.clone()), ("prob", a)],
            None,
        );
        assert_same_as(&plain, &p, &[]);
    }
}

#[test]
fn parquet_int8_to_int64_and_uint8_to_uint64_labels() {
    let d = Workdir::new();
    let rows = softmax_rows(200, 14);
    let plain = write(d.root(), "plain.csv", softmax_csv(&rows));
    let y: Vec<u8> = rows.iter().map(|r| r.0).collect();
    let labels: Vec<(&str, ArrayRef)> = vec![
        (
            "i8",
            arr(Int8Array::from_iter_values(y.iter().map(|&v| v as i8))),
        ),
        (
            "i16",
            arr(Int16Array::from_iter_values(y.iter().map(|&v| v as i16))),
        ),
        (
            "i32",
            arr(Int32Array::from_iter_values(y.iter().map(|&v| v as i32))),
        ),
        (
            "i64",
            arr(Int64Array::from_iter_values(y.iter().map(|&v| v as i64))),
        ),
        ("u8", arr(UInt8Array::from_iter_values(y.iter().copied()))),
        (
            "u16",
            arr(UInt16Array::from_iter_values(y.iter().map(|&v| v as u16))),
        ),
        (
            "u32",
            arr(UInt32Array::from_iter_values(y.iter().map(|&v| v as u32))),
        ),
        (
            "u64",
            arr(UInt64Array::from_iter_values(y.iter().map(|&v| v as u64))),
        ),
    ];
    for (name, lab) in labels {
        let mut cols = vec![("label", lab)];
        for (k, c) in ["prob_0", "prob_1", "prob_2"].into_iter().enumerate() {
            cols.push((
                c,
                arr(Float64Array::from_iter_values(rows.iter().map(|r| r.1[k]))),
            ));
        }
        let p = write_parquet(d.root(), &format!("{name}.parquet"), cols, None);
        assert_same_as(&plain, &p, &[]);
    }
    // A uint64 label above i64::MAX is an unknown label, not a wrap-around.
    let p = write_parquet(
        d.root(),
        "u64_big.parquet",
        vec![
            ("label", arr(UInt64Array::from(vec![1u64, u64::MAX]))),
            ("prob", arr(Float64Array::from(vec![0.5, 0.5]))),
        ],
        None,
    );
    let e = stats_err(&[&p]);
    assert!(e.contains("row 1 (0-based)"), "{e}");
}

fn list_rows(rows: &[(u8, [f64; 3])]) -> Vec<Option<Vec<Option<f64>>>> {
    rows.iter()
        .map(|r| Some(r.1.iter().map(|&v| Some(v)).collect()))
        .collect()
}

#[test]
fn parquet_list_fixed_size_list_and_large_list_score_columns() {
    let d = Workdir::new();
    let rows = softmax_rows(300, 15);
    let plain = write(d.root(), "plain.csv", softmax_csv(&rows));
    let labels = arr(Int64Array::from_iter_values(
        rows.iter().map(|r| r.0 as i64),
    ));
    let mut fsl = FixedSizeListBuilder::new(Float64Builder::new(), 3);
    for r in &rows {
        fsl.values().append_slice(&r.1);
        fsl.append(true);
    }
    let f32_rows: Vec<Option<Vec<Option<f32>>>> = rows
        .iter()
        .map(|r| Some(r.1.iter().map(|&v| Some(v as f32)).collect()))
        .collect();
    let lists: Vec<(&str, ArrayRef)> = vec![
        (
            "list_f64",
            arr(ListArray::from_iter_primitive::<Float64Type, _, _>(
                list_rows(&rows),
            )),
        ),
        (
            "list_f32",
            arr(ListArray::from_iter_primitive::<Float32Type, _, _>(
                f32_rows,
            )),
        ),
        (
            "large_list",
            arr(LargeListArray::from_iter_primitive::<Float64Type, _, _>(
                list_rows(&rows),
            )),
        ),
        ("fixed_size_list", arr(fsl.finish())),
    ];
    for (name, a) in lists {
        let p = write_parquet(
            d.root(),
            &format!("{name}.parquet"),
            vec![("label", labels.clone()), ("probs", a)],
            None,
        );
        let r = stats(&[&p]);
        assert_eq!(r.input.class_names, vec!["0", "1", "2"], "{name}");
        assert_eq!(r.input.score_columns, vec!["probs"], "{name}");
        let mut want = stats(&[&plain]);
        want.input.score_columns = vec!["probs".into()];
        want.input.detected = r.input.detected.clone();
        assert_eq!(without_paths(r), without_paths(want), "{name}");
    }
}

/// Writes `rows` as 3 Parquet shards into `dir`; `extra(i, cols)` may add columns to shard i.
fn shards(
    dir: &Path,
    rows: &[(u8, f64)],
    extra: impl Fn(usize, &mut Vec<(&'static str, ArrayRef)>),
) -> std::path::PathBuf {
    std::fs::create_dir(dir).unwrap();
    for (i, part) in rows.chunks(300).enumerate() {
        let mut cols = binary_parquet_cols(part);
        extra(i, &mut cols);
        write_parquet(dir, &format!("part-{i:03}.parquet"), cols, None);
    }
    dir.to_path_buf()
}

#[test]
fn parquet_shards_where_one_has_an_extra_unused_column() {
    let d = Workdir::new();
    let rows = binary_rows(900, 16);
    let whole = write(d.root(), "whole.csv", binary_csv(&rows));
    let plain = shards(&d.root().join("plain"), &rows, |_, _| {});
    // An extra column in the middle shard, placed first, so the needed columns move.
    let middle = shards(&d.root().join("middle"), &rows, |i, cols| {
        if i == 1 {
            let n = cols[0].1.len();
            cols.insert(0, ("extra", arr(StringArray::from(vec!["unused"; n]))));
        }
    });
    // An extra column in the first shard, whose schema drives detection.
    let first = shards(&d.root().join("first"), &rows, |i, cols| {
        if i == 0 {
            let n = cols[0].1.len();
            cols.push(("size", arr(Float64Array::from(vec![1.0; n]))));
        }
    });
    assert_same_as(&plain, &middle, &[]);
    assert_same_as(&plain, &first, &[]);
    let r = stats(&[&middle]);
    assert_eq!(r.input.paths.len(), 3);
    assert_eq!(r.input.format, "parquet");
    // Three shards are three units: the same numbers as one file up to rounding.
    assert_reports_close(r, stats(&[&whole]), 1e-12);
    // CSV shards, one with an extra column and another column order.
    let csvs = d.root().join("csvs");
    std::fs::create_dir(&csvs).unwrap();
    for (i, part) in rows.chunks(300).enumerate() {
        let mut s = if i == 2 {
            String::from("note,prob,label\n")
        } else {
            String::from("label,prob\n")
        };
        for (y, p) in part {
            if i == 2 {
                s.push_str(&format!("x,{p},{y}\n"));
            } else {
                s.push_str(&format!("{y},{p}\n"));
            }
        }
        write(&csvs, &format!("part-{i}.csv"), s);
    }
    assert_same_as(&plain, &csvs, &[]);
}
