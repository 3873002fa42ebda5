//! JSON Lines input (`.jsonl`, `.ndjson`, optionally gzip-compressed): one
//! object per line, decoded by `arrow-json` in batches into the shared Arrow
//! decoder. The columns and their types are inferred from the first lines;
//! a line that is not a JSON object, or whose value does not fit its column,
//! is an invalid row at its 1-based line number.

use super::arrow::{self as arrow_in, BatchDecoder};
use super::decode::Decoder;
use super::detect::Column;
use super::handle::{At, Handle};
use super::reader::{Kind, Reader, Span};
use super::{InputOptions, Scores, Source};
use crate::engine::UnitAcc;
use crate::model::{Loc, SkipReason};
use anyhow::{anyhow, bail, Result};
use arrow_json::reader::Decoder as JsonDecoder;
use arrow_json::ReaderBuilder;
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

/// Lines read to infer the columns and their types.
const INFER_LINES: usize = 1000;

/// The JSON Lines format.
pub(crate) struct JsonLines;

impl Kind for JsonLines {
    fn name(&self) -> &'static str {
        "jsonl"
    }
    fn about(&self) -> &'static str {
        "JSON Lines, one object per row (optionally gzip-compressed)"
    }
    fn title(&self) -> &'static str {
        "JSON Lines"
    }
    fn extensions(&self) -> &'static [&'static str] {
        &[".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"]
    }
    fn needs_file(&self) -> bool {
        true
    }
    fn open(&self, shown: &str, handle: &Handle, head: &[u8]) -> Result<Box<dyn Reader>> {
        let gzip = head.starts_with(&[0x1f, 0x8b]);
        let file = handle.at(0, handle.size());
        let schema = infer(shown, reader(file, gzip).as_mut())?;
        Ok(Box::new(JsonlFile { gzip, schema }))
    }
}

/// One JSON Lines file.
#[derive(Debug)]
pub(crate) struct JsonlFile {
    gzip: bool,
    /// Every column found in the first lines, in order of appearance.
    schema: SchemaRef,
}

fn reader(f: At, gzip: bool) -> Box<dyn BufRead> {
    let raw: Box<dyn Read> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(f)))
    } else {
        Box::new(f)
    };
    Box::new(BufReader::with_capacity(1 << 20, raw))
}

/// Reads the next line of `r` into `line`, without its line end and trailing
/// blanks: `Ok(false)` at the end. `n` is the number of lines before it.
fn next_line(r: &mut dyn BufRead, line: &mut Vec<u8>, shown: &str, n: u64) -> Result<bool> {
    line.clear();
    // A line never grows past the cap: a file without line ends stops here.
    let cap = super::line_cap::DEFAULT_MAX_LINE;
    let k = r.take(cap + 1).read_until(b'\n', line).map_err(|e| {
        anyhow!("{shown}: cannot read past line {n} ({e}); the file may be truncated, still being written, or not valid gzip")
    })?;
    if k as u64 > cap {
        bail!(
            "{shown}: line {}: longer than {cap} bytes, far more than one row of predictions; the file may be damaged or not JSON Lines",
            n + 1
        );
    }
    while line.last().is_some_and(|b| b.is_ascii_whitespace()) {
        line.pop();
    }
    Ok(k > 0)
}

/// Whether `line` holds one JSON object and nothing else.
fn is_object(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    t.first() == Some(&b'{') && serde_json::from_slice::<serde::de::IgnoredAny>(t).is_ok()
}

/// The keys of a JSON object in the order they are written: the columns'
/// order says which score column is which class, and both `serde_json`'s
/// `Value` and `arrow-json`'s inference sort them.
struct Keys(Vec<String>);

impl<'de> serde::Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Keys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = m.next_key::<String>()? {
                    m.next_value::<serde::de::IgnoredAny>()?;
                    keys.push(k);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// The columns of the objects on the first [`INFER_LINES`] lines, in order
/// of first appearance.
fn infer(shown: &str, r: &mut dyn BufRead) -> Result<SchemaRef> {
    let (mut sample, mut line, mut n, mut seen) = (Vec::new(), Vec::new(), 0u64, 0);
    let mut order: Vec<String> = Vec::new();
    while seen < INFER_LINES && next_line(r, &mut line, shown, n)? {
        n += 1;
        if !is_object(&line) {
            continue;
        }
        if let Ok(Keys(keys)) = serde_json::from_slice::<Keys>(&line) {
            for k in keys {
                if !order.contains(&k) {
                    order.push(k);
                }
            }
        }
        sample.extend_from_slice(&line);
        sample.push(b'\n');
        seen += 1;
    }
    if seen == 0 {
        bail!("{shown}: none of the first {n} lines holds a JSON object; a JSON Lines file holds one object per line, such as {{\"label\": 1, \"prob\": 0.9}}");
    }
    let (schema, _) = arrow_json::reader::infer_json_schema(&sample[..], None)
        .map_err(|e| anyhow!("{shown}: cannot tell the columns' types from the first lines ({e}); check that every line has the same fields"))?;
    let mut fields: Vec<Field> = order
        .iter()
        .filter_map(|k| schema.field_with_name(k).ok().cloned())
        .collect();
    let rest = schema.fields().iter().filter(|f| !order.contains(f.name()));
    fields.extend(rest.map(|f| f.as_ref().clone()));
    Ok(Arc::new(Schema::new(fields)))
}

impl JsonlFile {
    fn open(&self, src: &Source) -> Result<Box<dyn BufRead>> {
        let h = src.handle()?;
        Ok(reader(h.at(0, h.size()), self.gzip))
    }

    /// The columns a pass decodes: the label as inferred, the scores as
    /// float64 (or lists of float64), the `--by` column as text. Only `--by`
    /// may be missing or null: anything else is found by [`fault`].
    fn pass_schema(&self, dec: &Decoder) -> SchemaRef {
        let label = match self
            .schema
            .field_with_name(dec.label_col)
            .map(|f| f.data_type())
        {
            Ok(DataType::Null) | Err(_) => DataType::Utf8,
            Ok(t) => t.clone(),
        };
        let mut fields = vec![Field::new(dec.label_col, label, false)];
        match dec.scores {
            Scores::Columns(c) => {
                fields.extend(c.iter().map(|c| Field::new(c, DataType::Float64, false)))
            }
            Scores::List(c) => fields.push(Field::new(
                c,
                DataType::List(Arc::new(Field::new("item", DataType::Float64, true))),
                false,
            )),
        }
        fields.extend(dec.by.map(|b| Field::new(b, DataType::Utf8, true)));
        let mut seen = std::collections::HashSet::new();
        fields.retain(|f| seen.insert(f.name().clone()));
        Arc::new(Schema::new(fields))
    }
}

fn json_decoder(schema: &SchemaRef, rows: usize) -> Result<JsonDecoder> {
    Ok(ReaderBuilder::new(schema.clone())
        .with_batch_size(rows)
        .with_coerce_primitive(true)
        .build_decoder()?)
}

/// The first field of `line` (a JSON object) that the pass cannot decode:
/// its name, its value as text, the skip reason and the problem.
fn fault(line: &[u8], schema: &SchemaRef) -> Option<(String, String, SkipReason, String)> {
    let v: Value = serde_json::from_slice(line).ok()?;
    for f in schema.fields() {
        let name = f.name().clone();
        match v.get(&name) {
            None | Some(Value::Null) if f.is_nullable() => {}
            None => {
                return Some((
                    name,
                    "(missing)".into(),
                    SkipReason::Null,
                    "field is missing".into(),
                ))
            }
            Some(Value::Null) => {
                return Some((
                    name,
                    "null".into(),
                    SkipReason::Null,
                    "value is null".into(),
                ))
            }
            Some(x) => {
                let one = Arc::new(Schema::new(vec![f.as_ref().clone()]));
                let fits = json_decoder(&one, 1)
                    .and_then(|mut d| Ok(d.decode(line)? == line.len() && d.flush()?.is_some()))
                    .unwrap_or(false);
                if !fits {
                    let shown = match x {
                        Value::String(s) => s.clone(),
                        x => x.to_string(),
                    };
                    let problem = match f.data_type() {
                        DataType::Float64 => "value is not a number".into(),
                        DataType::List(_) => "value is not a list of numbers".into(),
                        t => format!("value is not of the column's type ({t}, inferred from the first lines)"),
                    };
                    return Some((name, shown, SkipReason::Unparsable, problem));
                }
            }
        }
    }
    None
}

/// The lines of one batch: their text, and each line's number and bytes.
#[derive(Default)]
struct Pending {
    text: Vec<u8>,
    lines: Vec<(u64, usize, usize)>,
}

impl Reader for JsonlFile {
    fn columns(&self, _src: &Source, _opts: &InputOptions) -> Result<Vec<Column>> {
        Ok(arrow_in::columns(&self.schema))
    }

    fn list_width(&self, src: &Source, col: &str) -> Result<usize> {
        let mut r = self.open(src)?;
        let (mut line, mut n) = (Vec::new(), 0);
        while next_line(r.as_mut(), &mut line, &src.display(), n)? {
            n += 1;
            if let Ok(Value::Object(o)) = serde_json::from_slice::<Value>(&line) {
                if let Some(Value::Array(a)) = o.get(col) {
                    return Ok(a.len());
                }
            }
        }
        Err(arrow_in::no_list_width(src, col))
    }

    /// One unit: the lines are read front to back.
    fn units(&self, _src: &Source, _opts: &InputOptions, _whole: bool) -> Result<Vec<Span>> {
        Ok(vec![Span::Whole])
    }

    fn read(
        &self,
        src: &Source,
        _span: &Span,
        dec: &Decoder,
        acc: &mut UnitAcc,
    ) -> Result<Option<u64>> {
        let shown = src.display();
        let schema = self.pass_schema(dec);
        let rows = arrow_in::batch_rows(dec.spec.width());
        let mut json = json_decoder(&schema, rows)?;
        let mut batches = BatchDecoder::new(dec);
        let mut r = self.open(src)?;
        let (mut line, mut n, mut p) = (Vec::new(), 0u64, Pending::default());
        while next_line(r.as_mut(), &mut line, &shown, n)? {
            n += 1;
            if line.is_empty() {
                continue;
            }
            if !is_object(&line) {
                acc.sums.rows_read += 1;
                let text = String::from_utf8_lossy(&line);
                let problem = "line is not one JSON object";
                dec.invalid(
                    src,
                    Loc::Line(n),
                    "(whole line)",
                    &text,
                    SkipReason::Unparsable,
                    problem,
                    acc,
                )?;
                continue;
            }
            if json.decode(&line)? != line.len() {
                bail!("{shown}: line {n}: the JSON decoder stopped inside the line");
            }
            p.lines.push((n, p.text.len(), p.text.len() + line.len()));
            p.text.extend_from_slice(&line);
            if p.lines.len() == rows {
                flush(
                    &mut json,
                    &schema,
                    &mut p,
                    rows,
                    &mut batches,
                    src,
                    dec,
                    acc,
                )?;
            }
        }
        flush(
            &mut json,
            &schema,
            &mut p,
            rows,
            &mut batches,
            src,
            dec,
            acc,
        )?;
        Ok(None)
    }
}

/// Decodes the pending lines into one record batch and accumulates it. When
/// the batch does not decode, each line is checked alone ([`fault`]): the
/// faulty ones are reported (or skipped) and the others decoded again.
#[allow(clippy::too_many_arguments)]
fn flush(
    json: &mut JsonDecoder,
    schema: &SchemaRef,
    p: &mut Pending,
    rows: usize,
    batches: &mut BatchDecoder,
    src: &Source,
    dec: &Decoder,
    acc: &mut UnitAcc,
) -> Result<()> {
    let mut kept: Vec<u64> = p.lines.iter().map(|l| l.0).collect();
    let rb = match json.flush() {
        Ok(rb) => rb,
        Err(_) => {
            // The failed decoder keeps its state: start a new one.
            *json = json_decoder(schema, rows)?;
            kept.clear();
            for &(n, a, b) in &p.lines {
                let line = &p.text[a..b];
                if let Some((field, value, reason, problem)) = fault(line, schema) {
                    acc.sums.rows_read += 1;
                    dec.invalid(src, Loc::Line(n), &field, &value, reason, &problem, acc)?;
                } else {
                    json.decode(line)?;
                    kept.push(n);
                }
            }
            json.flush().map_err(|e| {
                let (first, last) = (p.lines[0].0, p.lines[p.lines.len() - 1].0);
                anyhow!("{}: lines {first} to {last} cannot be decoded ({e}); check that every line has the same fields with the same types", src.display())
            })?
        }
    };
    if let Some(rb) = rb {
        batches.accumulate_at(&rb, src, acc, &|i| Loc::Line(kept[i]))?;
    }
    p.text.clear();
    p.lines.clear();
    Ok(())
}
