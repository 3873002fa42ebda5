//! What the SQL tests share: the venv python that runs the engines, the
//! fixture layouts the queries are run on, and the files derived from the
//! committed fixtures (group columns for `--by` with NULL keys, the scores
//! moved into one list column, invalid rows). Compiled into tests/it and,
//! for the checks of the sums against a direct pass, src/sql/engines_tests.rs.

use arrow_array::RecordBatch;
use parquet::file::properties::WriterProperties;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The venv python with duckdb, datafusion, sqlglot and pyarrow, if set up.
pub fn python() -> Option<PathBuf> {
    match std::env::var_os("FLCLI_SQL_PYTHON") {
        Some(p) => Some(PathBuf::from(p)),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("FLCLI_SQL_PYTHON is not set under CI=true: .ci/run sets it to the SQL venv's python")
        }
        None => {
            eprintln!("\n*** SKIPPED: FLCLI_SQL_PYTHON is not set, so the SQL engine tests did not run. Run them with: python3 -m venv ~/.cache/flcli-sql-venv && ~/.cache/flcli-sql-venv/bin/pip install duckdb datafusion sqlglot pyarrow && FLCLI_SQL_PYTHON=~/.cache/flcli-sql-venv/bin/python cargo test sql ***\n");
            None
        }
    }
}

/// The script that runs a query in an engine.
fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sql/run_sql.py")
}

/// Runs tests/sql/run_sql.py with `args`; fails on its error.
pub fn run_py(py: &Path, args: &[&std::ffi::OsStr]) {
    let out = Command::new(py)
        .arg(script())
        .args(args)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{:?} failed:\n{}",
        args,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A committed fixture.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// One fixture layout: the file, the flags that name its columns, and how flcli reads it.
pub struct Case {
    pub file: &'static str,
    pub flags: &'static [&'static str],
    /// `--by` this column of the file with group columns added (see [`with_groups`]).
    pub by: Option<&'static str>,
    /// The scores of the file in one list column (see [`with_lists`]).
    pub lists: Lists,
}

/// Whether a case reads the fixture's scores as one list column.
#[derive(Clone, Copy, PartialEq)]
pub enum Lists {
    /// One column per class, as in the fixture.
    No,
    /// A fixed-size list column.
    Fixed,
    /// A variable-size list column with invalid rows, read with --skip-invalid.
    Invalid,
    /// Multi-label targets with invalid ids (see [`with_bad_targets`]), read
    /// with --skip-invalid; the scores in their columns.
    BadTargets,
    /// [`Lists::BadTargets`] with the scores in a fixed-size list column.
    BadTargetsFixed,
}

impl Case {
    /// Whether the case is read with --skip-invalid.
    pub fn skip(&self) -> bool {
        matches!(
            self.lists,
            Lists::Invalid | Lists::BadTargets | Lists::BadTargetsFixed
        )
    }
}

pub const CASES: &[Case] = &[
    Case {
        file: "detection.parquet",
        flags: &["--logit", "logit", "--label", "label"],
        by: None,
        lists: Lists::No,
    },
    Case {
        file: "detection.parquet",
        flags: &["--prob", "prob", "--label", "label"],
        by: None,
        lists: Lists::No,
    },
    Case {
        file: "longtail.parquet",
        flags: &[],
        by: None,
        lists: Lists::No,
    },
    Case {
        file: "longtail_logits.parquet",
        flags: &[],
        by: None,
        lists: Lists::No,
    },
    Case {
        file: "animals.parquet",
        flags: &[],
        by: None,
        lists: Lists::No,
    },
    Case {
        file: "sigmoid.parquet",
        flags: &["--mode", "sigmoid"],
        by: None,
        lists: Lists::No,
    },
    Case {
        file: "detection.parquet",
        flags: &["--logit", "logit", "--label", "label"],
        by: Some("split"),
        lists: Lists::No,
    },
    Case {
        file: "sigmoid.parquet",
        flags: &["--mode", "sigmoid"],
        by: Some("shard"),
        lists: Lists::No,
    },
    Case {
        file: "animals.parquet",
        flags: &[],
        by: Some("split"),
        lists: Lists::No,
    },
    Case {
        file: "longtail_logits.parquet",
        flags: &[],
        by: None,
        lists: Lists::Fixed,
    },
    Case {
        file: "sigmoid.parquet",
        flags: &["--mode", "sigmoid"],
        by: None,
        lists: Lists::Fixed,
    },
    Case {
        file: "animals.parquet",
        flags: &["--class-names", "cat,dog,bird,fish"],
        by: None,
        lists: Lists::Fixed,
    },
    Case {
        file: "longtail.parquet",
        flags: &[],
        by: None,
        lists: Lists::Invalid,
    },
    Case {
        file: "multilabel.parquet",
        flags: &[],
        by: None,
        lists: Lists::No,
    },
    Case {
        file: "multilabel_probs.parquet",
        flags: &[],
        by: None,
        lists: Lists::No,
    },
    Case {
        file: "multilabel.parquet",
        flags: &[],
        by: Some("split"),
        lists: Lists::No,
    },
    Case {
        file: "multilabel.parquet",
        flags: &[],
        by: None,
        lists: Lists::BadTargets,
    },
    Case {
        file: "multilabel.parquet",
        flags: &[],
        by: None,
        lists: Lists::BadTargetsFixed,
    },
];

/// The fixture `c.file`, with group columns added when `c.by` is set, with
/// its scores in a list column when `c.lists` says so.
pub fn case_file(dir: &Path, c: &Case) -> PathBuf {
    let file = fixture(c.file);
    match (c.by, c.lists) {
        (Some(_), _) => with_groups(dir, &file),
        (None, Lists::Fixed) => with_lists(dir, &file, false),
        (None, Lists::Invalid) => with_lists(dir, &file, true),
        (None, Lists::BadTargets) => with_bad_targets(dir, &file),
        (None, Lists::BadTargetsFixed) => with_lists(dir, &with_bad_targets(dir, &file), false),
        (None, Lists::No) => file,
    }
}

/// Extra terms, so every way of computing a term runs: integer, half-integer
/// and general γ, FLSD-53 and Poly-1.
pub const GRID: &[&str] = &[
    "--gamma",
    "0,0.5,1,1.7,2,2.5,5,7",
    "--variant",
    "poly1:1",
    "--variant",
    "asl:4,1.5",
];

/// Nine rows of binary probabilities (`label`, `prob`, group `g`), in row
/// groups of 4: a null label, a null score, an unknown label, NaN scores
/// (one on an ignored row), a score out of range.
pub fn bad_rows(dir: &Path) -> PathBuf {
    use arrow_array::{ArrayRef, Float64Array, Int64Array};
    use std::sync::Arc;
    let labels: Vec<Option<i64>> = vec![
        Some(1),
        None,
        Some(0),
        Some(7),
        Some(-100),
        Some(0),
        Some(1),
        Some(0),
        Some(1),
    ];
    let probs: Vec<Option<f64>> = vec![
        Some(0.9),
        Some(0.5),
        None,
        Some(0.3),
        Some(f64::NAN),
        Some(f64::NAN),
        Some(1.5),
        Some(0.2),
        Some(0.6),
    ];
    let columns = vec![
        ("label", Arc::new(Int64Array::from(labels)) as ArrayRef),
        ("prob", Arc::new(Float64Array::from(probs)) as ArrayRef),
        (
            "g",
            Arc::new(arrow_array::StringArray::from(vec![
                Some("a"),
                Some("a"),
                None,
                Some("b"),
                None,
                Some("b"),
                Some("a"),
                None,
                Some("b"),
            ])) as ArrayRef,
        ),
    ];
    let batch = RecordBatch::try_from_iter(columns).expect("a batch");
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(4))
        .build();
    write(dir, "bad.parquet", &[batch], Some(props))
}

/// Writes `batches` to the Parquet file `name` in `dir`.
fn write(
    dir: &Path,
    name: &str,
    batches: &[RecordBatch],
    props: Option<WriterProperties>,
) -> PathBuf {
    let p = dir.join(name);
    let f = std::fs::File::create(&p).expect("create");
    let mut w =
        parquet::arrow::ArrowWriter::try_new(f, batches[0].schema(), props).expect("writer");
    for b in batches {
        w.write(b).expect("write batch");
    }
    w.close().expect("close");
    p
}

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
pub fn with_groups(dir: &Path, file: &Path) -> PathBuf {
    use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
    use std::sync::Arc;
    let name = format!(
        "grouped_{}",
        file.file_name().and_then(|n| n.to_str()).expect("a name")
    );
    let out = dir.join(&name);
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
    write(dir, &name, &batches, None)
}

/// `file` (a Parquet fixture) with its score columns (`logit_*`, `prob_*`,
/// `p_*`, in order) replaced by one list column, `logits` or `probs`: a
/// fixed-size list, or with `invalid` a variable-size list where row 3 is
/// short, row 7 NULL, row 9 ends in a NULL and row 11 is one too long.
pub fn with_lists(dir: &Path, file: &Path, invalid: bool) -> PathBuf {
    use arrow_array::cast::AsArray;
    use arrow_array::types::Float64Type;
    use arrow_array::{ArrayRef, FixedSizeListArray, ListArray};
    use std::sync::Arc;
    let name = format!(
        "{}_{}",
        if invalid { "badlist" } else { "list" },
        file.file_name().and_then(|n| n.to_str()).expect("a name")
    );
    let out = dir.join(&name);
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
    write(dir, &name, &batches, None)
}

/// `file` (the multi-label fixture: a `labels` list of class ids and `logit_*`
/// columns) with invalid and awkward targets: a NULL list (row 5), an empty
/// list (6, valid: no positive), an unknown id (8), a NULL id before an
/// unknown one (10) and after one (12), a negative id (14), a repeated id
/// (15), an unknown id in a row with a NaN score (16, skipped for the id) and
/// an empty list with a NaN score (17, skipped for the score).
pub fn with_bad_targets(dir: &Path, file: &Path) -> PathBuf {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, Int64Type};
    use arrow_array::{ArrayRef, Float64Array, ListArray};
    use std::sync::Arc;
    let name = format!(
        "badtargets_{}",
        file.file_name().and_then(|n| n.to_str()).expect("a name")
    );
    let out = dir.join(&name);
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
    write(dir, &name, &batches, None)
}
