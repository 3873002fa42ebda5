//! `--output json`: one pretty-printed JSON document.
//!
//! Under `--by` the groups make up nearly all of it (a thousand groups of
//! `compare` are ~130 MB), so each group's object is serialised on the
//! thread pool into a text of its own and the texts are joined in group
//! order, or written out as they come when the document goes to a writer
//! (a whole text would take as much memory again). The bytes are those of
//! serde_json's pretty printer on the whole report: [`Pretty`] lays out as it
//! does, from any depth, writing each line break and its indent at once.

use super::{Exporter, Style};
use crate::report::{CompareReport, Report, StatsReport};
use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::ser::Formatter;
use std::io::{self, Write};

/// `--output json` (see the module doc).
pub(crate) struct JsonExporter;

impl Exporter for JsonExporter {
    fn render(&self, report: &Report, _style: Style) -> Result<String> {
        let mut out = Vec::new();
        write_report(report, &mut out)?;
        Ok(String::from_utf8(out)?)
    }

    fn render_to(&self, report: &Report, _style: Style, w: &mut dyn Write) -> Result<()> {
        write_report(report, &mut Stream(w))
    }
}

/// Where a document goes: a text being built, told its size once it is
/// known, or a writer that passes the pieces on as they come.
trait Sink: Write {
    /// Room for `additional` more bytes (a hint).
    fn reserve(&mut self, additional: usize);
}

impl Sink for Vec<u8> {
    fn reserve(&mut self, additional: usize) {
        Vec::reserve(self, additional);
    }
}

/// A [`Sink`] that writes through to a writer (no room to make).
struct Stream<'a>(&'a mut dyn Write);

impl Write for Stream<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl Sink for Stream<'_> {
    fn reserve(&mut self, _additional: usize) {}
}

/// The document of `report`, ending in a newline, into `out`.
fn write_report(report: &Report, out: &mut impl Sink) -> Result<()> {
    let joined = match report {
        Report::Compare(r) => match &r.groups {
            Some(g) if !g.is_empty() => join_groups(&compare_head(r), g, out)?,
            _ => false,
        },
        Report::Stats(r) => match &r.groups {
            Some(g) if !g.is_empty() => join_groups(&stats_head(r), g, out)?,
            _ => false,
        },
        Report::Recommend(_) => false,
    };
    if !joined {
        out.write_all(pretty(report, 0)?.as_bytes())?;
    }
    out.write_all(b"\n")?;
    Ok(())
}

/// The depth of a group object: in the report's `groups` array.
const GROUP_DEPTH: usize = 2;

/// The line break and indent before a group object.
const GROUP_INDENT: &str = "\n    ";

/// Groups serialised at a time: enough to keep every thread busy, few enough
/// that their texts add little to the memory the whole document takes.
const CHUNK: usize = 64;

/// Writes the pretty JSON of a report whose `groups` field (its last) is
/// `groups` into `out`, from `head`, the same report with no groups; false,
/// having written nothing, if `head` does not end in a null `groups` field
/// (the caller then serialises the report whole).
fn join_groups<T: Serialize, G: Serialize + Sync>(
    head: &T,
    groups: &[G],
    out: &mut impl Sink,
) -> Result<bool> {
    const NULL_TAIL: &str = "null\n}";
    let mut s = pretty(head, 0)?;
    if !s.ends_with(&format!("\"groups\": {NULL_TAIL}")) {
        return Ok(false);
    }
    s.truncate(s.len() - NULL_TAIL.len());
    s.push('[');
    out.write_all(s.as_bytes())?;
    // Each text starts with room for the longest of the chunk before, so
    // that growing it does not copy it over and over.
    let mut room = 256;
    for (c, chunk) in groups.chunks(CHUNK).enumerate() {
        let texts = chunk
            .par_iter()
            .map(|g| pretty_in(g, GROUP_DEPTH, room))
            .collect::<Result<Vec<String>, _>>()?;
        room = texts.iter().map(String::len).max().unwrap_or(room);
        if c == 0 {
            // Room for all, as the first groups' texts suggest: growing by
            // doubling would copy the document over and over.
            let first: usize = texts.iter().map(|t| t.len() + GROUP_INDENT.len() + 1).sum();
            out.reserve(first / texts.len().max(1) * groups.len() + 16);
        }
        for (i, t) in texts.iter().enumerate() {
            if c + i > 0 {
                out.write_all(b",")?;
            }
            out.write_all(GROUP_INDENT.as_bytes())?;
            out.write_all(t.as_bytes())?;
        }
    }
    out.write_all(b"\n  ]\n}")?;
    Ok(true)
}

/// `value` as serde_json's pretty printer writes it at `depth` levels in.
fn pretty<T: Serialize + ?Sized>(value: &T, depth: usize) -> Result<String> {
    pretty_in(value, depth, 256)
}

/// [`pretty`] into a text with room for `room` bytes at first.
fn pretty_in<T: Serialize + ?Sized>(value: &T, depth: usize, room: usize) -> Result<String> {
    let mut out = Vec::with_capacity(room);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Pretty::at(depth));
    value.serialize(&mut ser)?;
    Ok(String::from_utf8(out)?)
}

/// A line break and the indent of the deepest level written at once.
const BREAK: [u8; 1 + 2 * 40] = {
    let mut b = [b' '; 1 + 2 * 40];
    b[0] = b'\n';
    b
};

/// serde_json's `PrettyFormatter` layout (two spaces a level), from `depth`
/// levels in; a line break and its indent go out in one write.
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    fn at(depth: usize) -> Pretty {
        Pretty {
            depth,
            has_value: false,
        }
    }

    fn line<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        match BREAK.get(..1 + 2 * self.depth) {
            Some(b) => w.write_all(b),
            None => {
                w.write_all(b"\n")?;
                (0..self.depth).try_for_each(|_| w.write_all(b"  "))
            }
        }
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.line(w)
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// `r` without its groups (every other field as it is).
fn compare_head(r: &CompareReport) -> CompareReport {
    CompareReport {
        schema_version: r.schema_version,
        command: r.command.clone(),
        input: r.input.clone(),
        params: r.params.clone(),
        variants: r.variants.clone(),
        calibration: r.calibration.clone(),
        groups: None,
    }
}

/// `r` without its groups (every other field as it is).
fn stats_head(r: &StatsReport) -> StatsReport {
    StatsReport {
        schema_version: r.schema_version,
        command: r.command.clone(),
        input: r.input.clone(),
        params: r.params.clone(),
        classes: r.classes.clone(),
        imbalance: r.imbalance.clone(),
        buckets: r.buckets.clone(),
        totals: r.totals.clone(),
        calibration: r.calibration.clone(),
        groups: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn computed(args: &[&str]) -> Report {
        let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/detection.parquet");
        let mut all = vec![args[0].to_string(), fixture.to_string()];
        all.extend(args[1..].iter().map(|a| a.to_string()));
        crate::api::evaluate(&all, None).unwrap().0
    }

    /// Keys that test the escaping, and more groups than one chunk holds.
    fn widen<G: Clone>(groups: &mut Vec<G>, key: impl Fn(&mut G) -> &mut Option<String>) {
        let first = groups[0].clone();
        for i in 0..2 * CHUNK + 3 {
            let mut g = first.clone();
            *key(&mut g) = match i % 3 {
                0 => None,
                1 => Some(format!("line\nbreak \"{i}\"\t\\")),
                _ => Some(format!("{i}")),
            };
            groups.push(g);
        }
    }

    #[test]
    fn groups_joined_give_the_bytes_of_the_whole_report() {
        let mut reports = vec![
            computed(&["compare", "--gamma", "0,2", "--by", "size"]),
            computed(&["stats", "--by", "size"]),
        ];
        for r in &mut reports {
            match r {
                Report::Compare(c) => widen(c.groups.as_mut().unwrap(), |g| &mut g.key),
                Report::Stats(s) => widen(s.groups.as_mut().unwrap(), |g| &mut g.key),
                Report::Recommend(_) => unreachable!(),
            }
        }
        for r in &reports {
            let whole = serde_json::to_string_pretty(r).unwrap() + "\n";
            let got = JsonExporter.render(r, Style::default()).unwrap();
            assert_eq!(got, whole);
            // Written through in pieces: the same bytes.
            let mut streamed = Vec::new();
            JsonExporter
                .render_to(r, Style::default(), &mut streamed)
                .unwrap();
            assert_eq!(String::from_utf8(streamed).unwrap(), whole);
            let head_len = match r {
                Report::Compare(c) => serde_json::to_string_pretty(&compare_head(c))
                    .unwrap()
                    .len(),
                Report::Stats(s) => serde_json::to_string_pretty(&stats_head(s)).unwrap().len(),
                Report::Recommend(_) => unreachable!(),
            };
            assert!(got.len() > 10 * head_len, "the groups were written");
        }
    }

    #[test]
    fn the_layout_is_serde_jsons_at_any_depth() {
        let deep = (0..45).fold(
            serde_json::json!([1.5, "a\nb", {}, []]),
            |v, i| serde_json::json!({ "k": v, "i": i, "e": [], "o": {"x": null} }),
        );
        let plain = computed(&["compare", "--gamma", "0,2"]);
        for v in [deep, serde_json::to_value(&plain).unwrap()] {
            assert_eq!(
                pretty(&v, 0).unwrap(),
                serde_json::to_string_pretty(&v).unwrap()
            );
        }
        let got = JsonExporter.render(&plain, Style::default()).unwrap();
        assert_eq!(got, serde_json::to_string_pretty(&plain).unwrap() + "\n");
        let mut streamed = Vec::new();
        JsonExporter
            .render_to(&plain, Style::default(), &mut streamed)
            .unwrap();
        assert_eq!(streamed, got.as_bytes());
    }

    #[test]
    fn a_head_without_a_null_groups_field_is_left_to_the_whole_path() {
        let v = serde_json::json!({"groups": [], "z": 1});
        let mut out = Vec::new();
        assert!(!join_groups(&v, &[1, 2], &mut out).unwrap());
        assert!(out.is_empty());
    }
}
