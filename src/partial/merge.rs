//! Merging partial results: the settings must agree, classes are matched by
//! name, and the sums are added exactly (so any order or tree of merges
//! gives the same bits).

use super::{About, Header, PartialResult, Spec};
use crate::engine::exact::ExactVec;
use crate::engine::{EngineSpec, Partial};
use crate::model::Mode;
use anyhow::{bail, Result};

/// Merges `parts`, each named (its file) for messages, in the order given.
///
/// Classes are matched by name. When every part lists the same classes in
/// the same order, that order is kept; otherwise integer class names are
/// put in numeric order, and other names keep the order of the first part
/// that lists them, then new ones in order of appearance.
pub fn merge(parts: &[(String, PartialResult)]) -> Result<PartialResult> {
    let headers: Vec<(String, Header)> = parts
        .iter()
        .map(|(n, p)| (n.clone(), p.header.clone()))
        .collect();
    let mut m = Merger::new(&headers)?;
    for (_, p) in parts {
        m.add(p)?;
    }
    Ok(m.finish())
}

/// A merge that takes its parts one at a time, so that merging many partial
/// files holds one of them in memory at once: it is set up from every part's
/// header (which fixes the classes), then each part is added in order.
pub(crate) struct Merger {
    header: Header,
    about: Vec<About>,
    files: Vec<String>,
    total: Partial,
    added: usize,
}

impl Merger {
    /// Checks that the parts' settings agree and lays out the merged classes.
    pub(crate) fn new(headers: &[(String, Header)]) -> Result<Merger> {
        let Some((first_name, first)) = headers.first() else {
            bail!("nothing to merge");
        };
        for (name, h) in &headers[1..] {
            check_same(&first.spec, first_name, &h.spec, name)?;
        }
        let about: Vec<About> = headers.iter().map(|(_, h)| h.about.clone()).collect();
        let refs: Vec<&About> = about.iter().collect();
        let classes = union_classes(&refs);
        let mut header = first.clone();
        header.about.classes = classes;
        // Second moments are kept only when every part has them.
        header.spec.moments = headers.iter().all(|(_, h)| h.spec.moments);
        let spec = header.spec.engine(header.about.classes.len())?;
        Ok(Merger {
            total: Partial::new(&spec),
            header,
            about,
            files: Vec::new(),
            added: 0,
        })
    }

    /// Adds the next part (the one whose header came next in [`Merger::new`]).
    pub(crate) fn add(&mut self, p: &PartialResult) -> Result<()> {
        if self.about.get(self.added) != Some(&p.header.about) {
            bail!("a part was added out of the order of its header");
        }
        let classes = &self.header.about.classes;
        let off = self.files.len() as u32;
        if p.header.about.classes != *classes || p.header.spec.moments != self.header.spec.moments {
            let mut sums = p.sums.clone();
            sums.make_exact();
            let mut sums = remap(&sums, &p.header, classes, self.header.spec.moments)?;
            sums.offset_files(off);
            self.total.merge(&sums);
        } else {
            // No copy: the skip examples taken from this part get their file index after.
            let total = &mut self.total;
            let before: Vec<usize> = total.skipped.by_reason.iter().map(|r| r.1.len()).collect();
            total.merge(&p.sums);
            for (r, b) in total.skipped.by_reason.iter_mut().zip(before) {
                for l in &mut r.1[b..] {
                    l.0 += off;
                }
            }
        }
        self.files.extend(p.header.about.files.iter().cloned());
        self.added += 1;
        Ok(())
    }

    /// The merged result.
    pub(crate) fn finish(mut self) -> PartialResult {
        self.total.sort_groups();
        let mut score_columns: Vec<String> = Vec::new();
        for a in &self.about {
            for c in &a.score_columns {
                if !score_columns.contains(c) {
                    score_columns.push(c.clone());
                }
            }
        }
        let about = &self.about;
        let format = if about.iter().all(|a| a.format == about[0].format) {
            about[0].format.clone()
        } else {
            "mixed".into()
        };
        let h = &mut self.header.about;
        h.score_columns = score_columns;
        h.label_column = about[0].label_column.clone();
        h.detected = about[0].detected.clone();
        h.format = format;
        h.targets = about[0].targets.clone();
        h.files = self.files;
        PartialResult {
            header: self.header,
            sums: self.total,
        }
    }
}

/// The class names of the merged result (see [`merge`]).
fn union_classes(about: &[&About]) -> Vec<String> {
    if about.iter().all(|a| a.classes == about[0].classes) {
        return about[0].classes.clone();
    }
    let mut out: Vec<String> = Vec::new();
    for a in about {
        for c in &a.classes {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
    }
    if out.iter().all(|c| c.parse::<u64>().is_ok()) {
        out.sort_by_key(|c| c.parse::<u64>().unwrap_or(u64::MAX));
    }
    out
}

/// Checks that two partials were computed under the same settings.
fn check_same(a: &Spec, an: &str, b: &Spec, bn: &str) -> Result<()> {
    fn show<T: serde::Serialize>(v: &T) -> String {
        serde_json::to_string(v).unwrap_or_default()
    }
    let diffs: [(&str, String, String); 13] = [
        (
            "multi-label targets",
            show(&a.multilabel),
            show(&b.multilabel),
        ),
        ("the mode", show(&a.mode), show(&b.mode)),
        ("the score kind", show(&a.score_kind), show(&b.score_kind)),
        ("--eps", show(&a.eps), show(&b.eps)),
        ("--buckets", show(&a.bucket_edges), show(&b.bucket_edges)),
        ("--easy", show(&a.easy), show(&b.easy)),
        (
            "the loss terms (--gamma, --variant)",
            show(&a.terms),
            show(&b.terms),
        ),
        ("the tail histograms", show(&a.tails), show(&b.tails)),
        ("the calibration bins", show(&a.calib), show(&b.calib)),
        ("--by", show(&a.by), show(&b.by)),
        ("--positive", show(&a.positive), show(&b.positive)),
        ("--background", show(&a.background), show(&b.background)),
        (
            "--ignore-index",
            show(&a.ignore_index),
            show(&b.ignore_index),
        ),
    ];
    for (what, x, y) in diffs {
        if x != y {
            bail!("{an} and {bn} were computed under different settings: {what} is {x} in {an} but {y} in {bn}; only partials computed with the same flags can be merged");
        }
    }
    Ok(())
}

/// `p` (exact sums, classes in `h`'s order) laid out for the classes `to`, with
/// second moments if `moments` (and `p` has them).
fn remap(p: &Partial, h: &Header, to: &[String], moments: bool) -> Result<Partial> {
    let from = &h.about.classes;
    let map: Vec<usize> = from
        .iter()
        .map(|c| to.iter().position(|t| t == c).unwrap_or(0))
        .collect();
    let old = h.spec.engine(from.len())?;
    let mut new = h.spec.engine(to.len())?;
    new.moments = moments && old.moments;
    Ok(remap_with(p, &old, &new, &map))
}

fn remap_with(p: &Partial, old: &EngineSpec, new: &EngineSpec, map: &[usize]) -> Partial {
    let mut out = Partial::new(new);
    let ex = p.exact.as_deref().expect("exact sums");
    let mut cells = ExactVec::zeros(out.cells.len());
    // Second moments end each cell: leaving them out keeps a prefix of it.
    let (per_group, os, ns) = (old.buckets() * 2, p.stride, out.stride);
    for g in 0..old.groups() {
        let (c, pos) = old.group_class(g);
        let ng = match new.mode {
            Mode::Binary => g,
            Mode::Softmax => map[c],
            Mode::Sigmoid => 2 * map[c] + pos as usize,
        };
        for i in 0..per_group {
            let (from, to) = ((g * per_group + i) * os, (ng * per_group + i) * ns);
            cells.sums[to..to + ns].clone_from_slice(&ex.cells.sums[from..from + ns]);
        }
    }
    for (i, &m) in map.iter().enumerate() {
        out.class_rows[m] = p.class_rows[i];
        out.correct[m] = p.correct[i];
    }
    out.set_exact(cells, ex.tails.clone(), ex.calib.clone(), ex.brier.clone());
    out.brier.1 = p.brier.1;
    out.rows_read = p.rows_read;
    out.rows_used = p.rows_used;
    out.rows_ignored = p.rows_ignored;
    out.background_rows = p.background_rows;
    out.pairs = p.pairs.remap(map);
    out.skipped = p.skipped.clone();
    out.group_skipped = p.group_skipped;
    if let Some(g) = &p.groups {
        let ng = g.keys().iter().zip(&g.parts).map(|(k, part)| {
            let mut part = part.clone();
            part.make_exact();
            (k.clone(), remap_with(&part, old, new, map))
        });
        out.groups = Some(Box::new(crate::engine::accum::Groups::from_pairs(ng)));
    }
    out
}
