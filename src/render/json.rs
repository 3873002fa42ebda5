//! `--output json`: one pretty-printed JSON document.
//!
//! Under `--by` the groups make up nearly all of it (a thousand groups of
//! `compare` are ~130 MB), so each group's object is serialised on the
//! thread pool into a text of its own and the texts are joined in group
//! order. The bytes are those of serialising the whole report at once: a
//! group's text is its pretty form with every line break followed by the
//! indent of its depth (JSON strings hold no raw line break: serde_json
//! escapes them, so every line break in the text is the formatter's).

use super::{Exporter, Style};
use crate::report::{CompareReport, Report, StatsReport};
use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;

/// `--output json` (see the module doc).
pub(crate) struct JsonExporter;

impl Exporter for JsonExporter {
    fn render(&self, report: &Report, _style: Style) -> Result<String> {
        let joined = match report {
            Report::Compare(r) => match &r.groups {
                Some(g) if !g.is_empty() => join_groups(&compare_head(r), g)?,
                _ => None,
            },
            Report::Stats(r) => match &r.groups {
                Some(g) if !g.is_empty() => join_groups(&stats_head(r), g)?,
                _ => None,
            },
            Report::Recommend(_) => None,
        };
        let mut s = match joined {
            Some(s) => s,
            None => serde_json::to_string_pretty(report)?,
        };
        s.push('\n');
        Ok(s)
    }
}

/// The indent of a group object: the report's `groups` array is at depth 1.
const GROUP_INDENT: &str = "\n    ";

/// Groups serialised at a time: enough to keep every thread busy, few enough
/// that their texts add little to the memory the whole document takes.
const CHUNK: usize = 64;

/// The pretty JSON of a report whose `groups` field (its last) is `groups`,
/// from `head`, the same report with no groups; `None` if `head` does not end
/// in a null `groups` field (the caller then serialises the report whole).
fn join_groups<T: Serialize, G: Serialize + Sync>(
    head: &T,
    groups: &[G],
) -> Result<Option<String>> {
    const NULL_TAIL: &str = "null\n}";
    let mut s = serde_json::to_string_pretty(head)?;
    if !s.ends_with(&format!("\"groups\": {NULL_TAIL}")) {
        return Ok(None);
    }
    s.truncate(s.len() - NULL_TAIL.len());
    s.push('[');
    for (c, chunk) in groups.chunks(CHUNK).enumerate() {
        let texts = chunk
            .par_iter()
            .map(|g| serde_json::to_string_pretty(g).map(|t| t.replace('\n', GROUP_INDENT)))
            .collect::<Result<Vec<String>, _>>()?;
        if c == 0 {
            // Room for all, as the first groups' texts suggest: growing by
            // doubling would copy the document over and over.
            let first: usize = texts.iter().map(|t| t.len() + GROUP_INDENT.len() + 1).sum();
            s.reserve(first / texts.len().max(1) * groups.len() + 16);
        }
        for (i, t) in texts.iter().enumerate() {
            if c + i > 0 {
                s.push(',');
            }
            s.push_str(GROUP_INDENT);
            s.push_str(t);
        }
    }
    s.push_str("\n  ]\n}");
    Ok(Some(s))
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
    fn a_head_without_a_null_groups_field_is_left_to_the_whole_path() {
        let v = serde_json::json!({"groups": [], "z": 1});
        assert!(join_groups(&v, &[1, 2]).unwrap().is_none());
    }
}
