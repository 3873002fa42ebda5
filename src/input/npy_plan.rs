//! What a pass over NumPy arrays reads: the label and score arrays the
//! detected layout names, checked against each other (dtype, shape, class
//! axis), and the reading itself: slices of label elements with their
//! scores gathered from the class axis, as Arrow record batches for the
//! shared decoder.

use super::arrow::{batch_rows, BatchDecoder, UNIT_ROWS};
use super::decode::Decoder;
use super::detect::Layout;
use super::npy::{shape_text, IMAGE};
use super::npy_stream::{Array, Elements};
use super::reader::Span;
use super::{InputOptions, Scores, Source, Targets};
use crate::engine::UnitAcc;
use crate::text::quoted;
use anyhow::{anyhow, bail, Result};
use arrow_array::{ArrayRef, FixedSizeListArray, Float64Array, Int64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use std::sync::Arc;

/// Score elements a slice of a deflated channels-first map may hold, so that
/// one inflater reads its planes one after the other.
const DEFLATED_SLICE_SCORES: u64 = 2 << 20;

/// How the `--by` groups are found.
#[derive(Debug)]
enum By {
    /// The leading index (the image of a map, the row of a table).
    Image,
    /// A (N,) integer array: each leading index's group.
    Array(Array),
}

/// The arrays a pass reads and how they line up.
#[derive(Debug)]
pub(crate) struct Plan {
    label: Array,
    scores: Array,
    by: Option<(String, By)>,
    /// The score column is a list (K scores per element), else one score.
    list: bool,
    /// Scores per element.
    k: u64,
    /// Label elements per leading index (1 for a table of rows).
    per: u64,
    /// The class axis is the second one of a map (else the last).
    channels_first: bool,
    /// The labels are multi-hot targets with a class axis like the scores'.
    multi: bool,
}

impl Plan {
    /// Checks `arrays` against `layout` and plans the reading.
    pub(crate) fn new(
        shown: &str,
        arrays: Vec<Array>,
        layout: &Layout,
        opts: &InputOptions,
    ) -> Result<Plan> {
        let find = |name: &str, role: &str| {
            arrays.iter().find(|a| a.name == name).cloned().ok_or_else(|| {
                anyhow!("{shown}: {} is the leading index of the maps, not an array; it cannot be the {role}", quoted(name))
            })
        };
        let label = find(&layout.label, "label")?;
        let (score_name, list) = match &layout.scores {
            Scores::List(c) => (c.as_str(), true),
            Scores::Columns(c) if c.len() == 1 => (c[0].as_str(), false),
            Scores::Columns(c) => bail!(
                "{shown}: the scores of a NumPy file are one array, and {} arrays were named ({}); stack them into one (N, K) array (np.stack([...], axis=1)) and name it logits or probs",
                c.len(),
                c.join(", ")
            ),
        };
        let scores = find(score_name, "scores")?;
        let field = |a: &Array| {
            format!(
                "array {} of {} (shape {}, dtype {})",
                quoted(&a.name),
                a.shown,
                shape_text(&a.header.shape),
                a.header.dtype.descr()
            )
        };
        if !scores.header.dtype.is_float() {
            bail!("{shown}: the scores, {}, are not floats (field descr); save them as float16/32/64, e.g. logits.astype(np.float32)", field(&scores));
        }
        if label.header.dtype.is_float() {
            bail!("{shown}: the labels, {}, are floats (field descr); labels are class indices: save them as integers, e.g. labels.astype(np.int64)", field(&label));
        }
        let multi = matches!(layout.targets, Some(Targets::MultiHot(_)));
        let (l, s) = (&label.header.shape, &scores.header.shape);
        // Multi-hot targets have the scores' shape: their elements are the
        // scores' without the class axis.
        let stripped: Vec<u64>;
        let l = if multi && l == s {
            let axis = if opts.channels_last { s.len() - 1 } else { 1 };
            stripped = (0..s.len()).filter(|&i| i != axis).map(|i| s[i]).collect();
            &stripped
        } else {
            l
        };
        if l.is_empty() || s.is_empty() {
            let a = if l.is_empty() { &label } else { &scores };
            bail!("{shown}: {} holds a single value (field shape); save one entry per example (shape (N,) or (N, K))", field(a));
        }
        let mismatch = |want: &str| {
            anyhow!(
                "{shown}: the labels, {}, and the scores, {}, do not line up (field shape): {want}; check that the two arrays belong together",
                field(&label),
                field(&scores)
            )
        };
        let map = l.len() >= 2;
        let (k, channels_first) = if s.len() == l.len() {
            if s != l {
                return Err(mismatch("one score per label needs the same shape"));
            }
            (1, false)
        } else if s.len() == l.len() + 1 {
            let last = s[..l.len()] == l[..];
            let second = s[0] == l[0] && s[2..] == l[1..];
            if opts.channels_last && !last {
                let flip = if second {
                    "; the class axis is the second: drop --channels-last"
                } else {
                    ""
                };
                return Err(mismatch(&format!("with --channels-last the scores need the labels' shape and then the class axis (N, d1, ..., K){flip}")));
            }
            if !opts.channels_last && !second {
                let flip = if last && map {
                    "; the class axis is the last: pass --channels-last"
                } else {
                    ""
                };
                return Err(mismatch(&format!("the scores need the labels' shape with a class axis after the first, (N, K, d1, ...){flip}")));
            }
            let k = if opts.channels_last {
                s[s.len() - 1]
            } else {
                s[1]
            };
            (k, map && !opts.channels_last)
        } else {
            return Err(mismatch(
                "the scores need the labels' axes plus at most one class axis",
            ));
        };
        if list != (s.len() > l.len()) {
            bail!(
                "{shown}: {} holds {k} score(s) per label, which {} mode does not read; pass --mode softmax|sigmoid for K scores per label, binary for one",
                field(&scores),
                layout.mode.as_str()
            );
        }
        let by = match opts.by.as_deref() {
            None => None,
            Some(b) => match arrays.iter().find(|a| a.name == b) {
                None if b == IMAGE => Some((b.to_string(), By::Image)),
                None => bail!(
                    "{shown}: has no array {} to break the report down by (--by)",
                    quoted(b)
                ),
                Some(a) => {
                    if a.header.shape != l[..1] || a.header.dtype.is_float() {
                        bail!("{shown}: --by {b}: {} is not one integer per example (shape ({},)); save a (N,) integer array, or use --by {IMAGE} for the leading index", field(a), l[0]);
                    }
                    Some((b.to_string(), By::Array(a.clone())))
                }
            },
        };
        if multi && l.len() + 1 != s.len() {
            return Err(mismatch("multi-hot targets need the scores' shape"));
        }
        Ok(Plan {
            multi,
            per: l[1..].iter().product(),
            label,
            scores,
            by,
            list,
            k,
            channels_first,
        })
    }

    /// Label elements in all.
    fn elements(&self) -> u64 {
        self.label.header.len() / if self.multi { self.k.max(1) } else { 1 }
    }

    /// Parts of about [`UNIT_ROWS`] elements when every array can be sought in, else one unit.
    pub(crate) fn units(&self, whole: bool) -> Vec<Span> {
        let n = self.elements();
        let seek = self.label.seekable()
            && self.scores.seekable()
            && !matches!(&self.by, Some((_, By::Array(a))) if !a.seekable());
        if whole || !seek || n == 0 {
            return vec![Span::Whole];
        }
        (0..n)
            .step_by(UNIT_ROWS as usize)
            .map(|start| Span::Part {
                start,
                end: (start + UNIT_ROWS).min(n),
                first: start,
            })
            .collect()
    }

    /// Reads the label elements of `span` and their scores into `acc`.
    pub(crate) fn read(
        &self,
        src: &Source,
        span: &Span,
        dec: &Decoder,
        acc: &mut UnitAcc,
    ) -> Result<()> {
        let (e0, e1) = match *span {
            Span::Part { start, end, .. } => (start, end),
            Span::Whole => (0, self.elements()),
        };
        let file = src.handle()?;
        let (label, scores) = (&self.label, &self.scores);
        let by_array = match &self.by {
            Some((_, By::Array(a))) => Some(a),
            _ => None,
        };
        let (mut le, mut se) = (Elements::new(label, file), Elements::new(scores, file));
        let mut be = by_array.map(|a| Elements::new(a, file));
        let (k, per) = (self.k, self.per.max(1));
        let mut step = batch_rows(k as usize) as u64;
        if self.channels_first && !scores.seekable() {
            step = step.max(DEFLATED_SLICE_SCORES / k.max(1));
        }
        let ldt = label.header.dtype;
        let sdt = scores.header.dtype;
        let mut decoder = BatchDecoder::new(dec);
        let (mut raw, mut plane) = (Vec::new(), Vec::new());
        let mut e = e0;
        while e < e1 {
            let (img, off) = (e / per, e % per);
            let mut s = (e1 - e).min(step);
            if self.channels_first {
                s = s.min(per - off);
            }
            let mut labels = Vec::with_capacity(s as usize);
            if !self.multi {
                raw.clear();
                le.read(e, s as usize, &mut raw)?;
                ldt.ints(&raw, &mut labels);
            } else if self.channels_first {
                labels.resize((s * k) as usize, 0);
                let mut plane = Vec::new();
                for c in 0..k {
                    raw.clear();
                    le.read((img * k + c) * per + off, s as usize, &mut raw)?;
                    plane.clear();
                    ldt.ints(&raw, &mut plane);
                    for (i, v) in plane.iter().enumerate() {
                        labels[i * k as usize + c as usize] = *v;
                    }
                }
            } else {
                raw.clear();
                le.read(e * k, (s * k) as usize, &mut raw)?;
                ldt.ints(&raw, &mut labels);
            }
            let mut values = Vec::with_capacity((s * k) as usize);
            if self.channels_first {
                values.resize((s * k) as usize, 0.0);
                for c in 0..k {
                    raw.clear();
                    se.read((img * k + c) * per + off, s as usize, &mut raw)?;
                    plane.clear();
                    sdt.floats(&raw, &mut plane);
                    for (i, v) in plane.iter().enumerate() {
                        values[i * k as usize + c as usize] = *v;
                    }
                }
            } else {
                raw.clear();
                se.read(e * k, (s * k) as usize, &mut raw)?;
                sdt.floats(&raw, &mut values);
            }
            let values = Float64Array::from(values);
            let (score_ty, score_col): (DataType, ArrayRef) = if self.list {
                let item = Arc::new(Field::new_list_field(DataType::Float64, false));
                let a =
                    FixedSizeListArray::try_new(item.clone(), k as i32, Arc::new(values), None)?;
                (DataType::FixedSizeList(item, k as i32), Arc::new(a))
            } else {
                (DataType::Float64, Arc::new(values))
            };
            let labels = Int64Array::from(labels);
            let (label_ty, label_col): (DataType, ArrayRef) = if self.multi {
                let item = Arc::new(Field::new_list_field(DataType::Int64, false));
                let a =
                    FixedSizeListArray::try_new(item.clone(), k as i32, Arc::new(labels), None)?;
                (DataType::FixedSizeList(item, k as i32), Arc::new(a))
            } else {
                (DataType::Int64, Arc::new(labels))
            };
            let mut fields = vec![
                Field::new(&self.label.name, label_ty, false),
                Field::new(&self.scores.name, score_ty, false),
            ];
            let mut cols: Vec<ArrayRef> = vec![label_col, score_col];
            if let Some((name, by)) = &self.by {
                let first = img;
                let last = (e + s - 1) / per;
                let keys: Vec<i64> = match (by, be.as_mut()) {
                    (By::Array(a), Some(r)) => {
                        raw.clear();
                        r.read(first, (last - first + 1) as usize, &mut raw)?;
                        let mut v = Vec::new();
                        a.header.dtype.ints(&raw, &mut v);
                        (e..e + s).map(|x| v[(x / per - first) as usize]).collect()
                    }
                    _ => (e..e + s).map(|x| (x / per) as i64).collect(),
                };
                fields.push(Field::new(name, DataType::Int64, false));
                cols.push(Arc::new(Int64Array::from(keys)));
            }
            let rb = RecordBatch::try_new(Arc::new(Schema::new(fields)), cols)?;
            decoder.accumulate(&rb, e, src, acc).map_err(|err| {
                if self.per > 1 {
                    anyhow!(
                        "{err} (row r of a map is the element np.unravel_index(r, {}) of {})",
                        shape_text(&self.label.header.shape),
                        quoted(&self.label.name)
                    )
                } else {
                    err
                }
            })?;
            e += s;
        }
        // A `--labels-npy` file is checked as the source's own file is.
        if let Some(h) = &label.handle {
            h.check(&label.shown)?;
        }
        Ok(())
    }
}
