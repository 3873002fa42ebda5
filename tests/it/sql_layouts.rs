//! Layouts the SQL tests derive from the committed fixtures: group columns
//! for `--by` (with NULL keys), and the scores moved into one list column.

use crate::support::Workdir;
use arrow_array::RecordBatch;
use std::path::{Path, PathBuf};

/// The record batches of a Parquet file.
fn read(file: &Path) -> Vec<RecordBatch> {
    let f = std::fs::File::open(file).expect("open fixture");
    parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
        .expect("parquet")
        .build()
        .expect("reader")
        .map(|b| b.expect("batch"))
        .collect()
}

/// `file` (a Parquet fixture) with two group columns added: `split` (text:
/// NULL every 7th row, and the values "(null)" and "" besides "train" and
/// "val") and `shard` (integers with NULL every 5th row).
pub fn with_groups(w: &Workdir, file: &Path) -> PathBuf {
    use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
    use std::sync::Arc;
    let name = format!(
        "grouped_{}",
        file.file_name().and_then(|n| n.to_str()).expect("a name")
    );
    let out = w.path(&name);
    if out.exists() {
        return out;
    }
    let mut batches = Vec::new();
    let mut row = 0usize;
    for b in read(file) {
        let n = b.num_rows();
        let split: Vec<Option<&str>> = (row..row + n)
            .map(|i| match (i % 7, i % 5) {
                (0, _) => None,
                (_, 0) => Some("(null)"),
                (_, 1) => Some(""),
                (_, 2) | (_, 3) => Some("train"),
                _ => Some("val"),
            })
            .collect();
        let shard: Vec<Option<i64>> = (row..row + n)
            .map(|i| (i % 5 != 0).then_some((i % 3) as i64 - 1))
            .collect();
        row += n;
        // The fixture's own columns of these names give way to the derived ones.
        let mut cols: Vec<(String, ArrayRef)> = b
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .zip(b.columns().iter().cloned())
            .filter(|(n, _)| n != "split" && n != "shard")
            .collect();
        cols.push(("split".into(), Arc::new(StringArray::from(split))));
        cols.push(("shard".into(), Arc::new(Int64Array::from(shard))));
        batches.push(RecordBatch::try_from_iter(cols).expect("batch"));
    }
    crate::support::write_batches(w.root(), &name, &batches, None)
}

/// `file` (a Parquet fixture) with its score columns (`logit_*`, `prob_*`,
/// `p_*`, in order) replaced by one list column, `logits` or `probs`: a
/// fixed-size list, or with `invalid` a variable-size list where row 3 is
/// short, row 7 NULL, row 9 ends in a NULL and row 11 is one too long.
pub fn with_lists(w: &Workdir, file: &Path, invalid: bool) -> PathBuf {
    use arrow_array::cast::AsArray;
    use arrow_array::types::Float64Type;
    use arrow_array::{ArrayRef, FixedSizeListArray, ListArray};
    use std::sync::Arc;
    let name = format!(
        "{}_{}",
        if invalid { "badlist" } else { "list" },
        file.file_name().and_then(|n| n.to_str()).expect("a name")
    );
    let out = w.path(&name);
    if out.exists() {
        return out;
    }
    let is_score =
        |n: &str| n.starts_with("logit_") || n.starts_with("prob_") || n.starts_with("p_");
    let mut batches = Vec::new();
    let mut row = 0usize;
    for b in read(file) {
        let schema = b.schema();
        let names: Vec<&String> = schema.fields().iter().map(|f| f.name()).collect();
        let scores: Vec<usize> = (0..names.len()).filter(|&j| is_score(names[j])).collect();
        let list_name = if names[scores[0]].starts_with("logit") {
            "logits"
        } else {
            "probs"
        };
        let k = scores.len();
        let rows: Vec<Option<Vec<Option<f64>>>> = (0..b.num_rows())
            .map(|i| {
                let mut v: Vec<Option<f64>> = scores
                    .iter()
                    .map(|&j| Some(b.column(j).as_primitive::<Float64Type>().value(i)))
                    .collect();
                if !invalid {
                    return Some(v);
                }
                match row + i {
                    3 => v.truncate(5),
                    7 => return None,
                    9 => v[k - 1] = None,
                    11 => v.push(Some(0.0)),
                    _ => {}
                }
                Some(v)
            })
            .collect();
        row += b.num_rows();
        let list: ArrayRef = if invalid {
            Arc::new(ListArray::from_iter_primitive::<Float64Type, _, _>(rows))
        } else {
            Arc::new(FixedSizeListArray::from_iter_primitive::<Float64Type, _, _>(rows, k as i32))
        };
        let mut cols: Vec<(String, ArrayRef)> = (0..names.len())
            .filter(|j| !scores.contains(j))
            .map(|j| (names[j].clone(), b.column(j).clone()))
            .collect();
        cols.push((list_name.to_string(), list));
        batches.push(RecordBatch::try_from_iter(cols).expect("batch"));
    }
    crate::support::write_batches(w.root(), &name, &batches, None)
}

/// `file` (the multi-label fixture: a `labels` list of class ids and `logit_*`
/// columns) with invalid and awkward targets: a NULL list (row 5), an empty
/// list (6, valid: no positive), an unknown id (8), a NULL id before an
/// unknown one (10) and after one (12), a negative id (14), a repeated id
/// (15), an unknown id in a row with a NaN score (16, skipped for the id) and
/// an empty list with a NaN score (17, skipped for the score).
pub fn with_bad_targets(w: &Workdir, file: &Path) -> PathBuf {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, Int64Type};
    use arrow_array::{ArrayRef, Float64Array, ListArray};
    use std::sync::Arc;
    let name = format!(
        "badtargets_{}",
        file.file_name().and_then(|n| n.to_str()).expect("a name")
    );
    let out = w.path(&name);
    if out.exists() {
        return out;
    }
    let mut batches = Vec::new();
    let mut row = 0usize;
    for b in read(file) {
        let n = b.num_rows();
        let schema = b.schema();
        let labels = b.column_by_name("labels").expect("labels").as_list::<i32>();
        let lists: Vec<Option<Vec<Option<i64>>>> = (0..n)
            .map(|i| {
                let v: Vec<Option<i64>> =
                    labels.value(i).as_primitive::<Int64Type>().iter().collect();
                match row + i {
                    5 => None,
                    6 | 17 => Some(vec![]),
                    8 => Some(vec![Some(1), Some(9)]),
                    10 => Some(vec![Some(0), None, Some(7)]),
                    12 => Some(vec![Some(7), None]),
                    14 => Some(vec![Some(-1)]),
                    15 => Some(vec![Some(2), Some(2), Some(3)]),
                    16 => Some(vec![Some(6)]),
                    _ => Some(v),
                }
            })
            .collect();
        let nan_at = |j: usize, col: &ArrayRef| -> ArrayRef {
            let v = col.as_primitive::<Float64Type>();
            Arc::new(Float64Array::from_iter_values((0..n).map(|i| {
                match (row + i, j) {
                    (16, 0) | (17, 1) => f64::NAN,
                    _ => v.value(i),
                }
            })))
        };
        let mut cols: Vec<(String, ArrayRef)> = Vec::new();
        for (f, c) in schema.fields().iter().zip(b.columns()) {
            let name = f.name().clone();
            let col = match name.as_str() {
                "labels" => Arc::new(ListArray::from_iter_primitive::<Int64Type, _, _>(
                    lists.clone(),
                )) as ArrayRef,
                "logit_0" => nan_at(0, c),
                "logit_1" => nan_at(1, c),
                _ => c.clone(),
            };
            cols.push((name, col));
        }
        row += n;
        batches.push(RecordBatch::try_from_iter(cols).expect("batch"));
    }
    crate::support::write_batches(w.root(), &name, &batches, None)
}
