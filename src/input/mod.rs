//! Reading prediction dumps: finding the files, detecting the columns, and
//! streaming validated batches into the loss engine, one unit of work at a
//! time (the engine's scheduler runs the units and merges them in order).

pub(crate) mod arrow;
mod arrow_check;
mod arrow_floats;
mod arrow_groups;
mod arrow_labels;
mod arrow_lists;
pub mod csv;
mod csv_columns;
mod csv_ranges;
mod csv_targets;
pub(crate) mod decode;
pub mod detect;
mod detect_names;
mod fast_float;
pub(crate) mod handle;
pub(crate) mod ipc;
mod ipc_scan;
pub(crate) mod jsonl;
pub(crate) mod labels;
pub mod line_cap;
pub(crate) mod line_ends;
pub(crate) mod memory;
pub(crate) mod npy;
mod npy_header;
mod npy_plan;
mod npy_stream;
mod npz_zip;
pub mod parquet;
mod parquet_check;
pub(crate) mod reader;
pub(crate) mod record;
mod short_float;
pub(crate) mod source;
pub(crate) mod split;
pub(crate) mod targets;
mod thrift;

use crate::engine::{schedule, EngineSpec, Partial, UnitAcc};
use crate::model::Loc;
use anyhow::{bail, Result};
pub use detect::{ColumnFlags, Scores, Selector};
pub(crate) use detect::{Layout, Targets};
pub(crate) use labels::LabelMap;
pub(crate) use reader::{Format, Span};
pub(crate) use source::Source;

/// Everything about the input that the user can set.
#[derive(Clone, Debug)]
pub struct InputOptions {
    /// Files, directories, or `-` for CSV on stdin.
    pub paths: Vec<std::path::PathBuf>,
    /// `--input-format`.
    pub format: Option<Format>,
    /// CSV delimiter.
    pub delimiter: u8,
    /// Column choices.
    pub columns: ColumnFlags,
    /// `--positive`: the positive value of string labels in binary mode.
    pub positive: Option<String>,
    /// `--background`: the sigmoid label meaning "no class".
    pub background: i64,
    /// `--ignore-index`.
    pub ignore_index: i64,
    /// `--skip-invalid`.
    pub skip_invalid: bool,
    /// `--by`: break every figure down by the values of this column.
    pub by: Option<String>,
    /// `--max-groups`: the most distinct `--by` values allowed.
    pub max_groups: usize,
    /// Input handed over in memory by a program, in place of `paths`.
    pub memory: Option<memory::Memory>,
    /// `--labels-npy`: the `.npy` file holding the labels of `.npy` scores.
    pub labels_npy: Option<std::path::PathBuf>,
    /// `--channels-last`: the class axis of NumPy score maps is the last one.
    pub channels_last: bool,
    /// `--max-line-bytes`: the longest CSV line read.
    pub max_line: u64,
    /// `--class-names`: the classes' names in score-column order.
    pub class_names: Option<Vec<String>>,
}

/// An opened data set: its files, the detected layout, and the class names.
#[derive(Debug)]
pub struct Dataset {
    /// The data files, in order.
    pub(crate) sources: Vec<Source>,
    /// Columns, mode and score kind.
    pub(crate) layout: Layout,
    /// Class names in class order.
    pub classes: Vec<String>,
    /// The label mapping.
    pub(crate) labels: LabelMap,
    /// The options it was opened with.
    pub(crate) opts: InputOptions,
}

/// One independent piece of work; see [`Dataset::units`].
#[derive(Clone, Debug)]
pub struct Unit {
    /// Index into the sources.
    pub(crate) src: usize,
    /// The part of the file, as its reader counts.
    pub(crate) span: Span,
}

impl Dataset {
    /// Finds the files, reads their headers and detects the layout.
    pub fn open(opts: &InputOptions) -> Result<Dataset> {
        let mut sources = match &opts.memory {
            Some(memory::Memory::Arrow(data)) => vec![memory::source(data)],
            _ => source::expand(&opts.paths, opts.format)?,
        };
        let mut headers = Vec::with_capacity(sources.len());
        for s in &sources {
            headers.push(crate::guard::catch(&s.display(), || {
                s.reader.columns(s, opts)
            })?);
        }
        handle::stall_for_tests();
        let mut layout = detect::detect(&headers[0], &opts.columns)
            .map_err(|e| anyhow::anyhow!("{}: {e}", sources[0].display()))?;
        let classes = match &layout.classes {
            Some(c) => c.clone(),
            None => {
                let Scores::List(col) = &layout.scores else {
                    unreachable!()
                };
                let s = &sources[0];
                let n = crate::guard::catch(&s.display(), || s.reader.list_width(s, col))?;
                (0..n).map(|i| i.to_string()).collect()
            }
        };
        let classes = match &opts.class_names {
            None => classes,
            Some(_) if layout.mode == crate::model::Mode::Binary => bail!(
                "--class-names names the classes of softmax and sigmoid scores; in binary mode say which label is positive with --positive"
            ),
            Some(names) if names.len() != classes.len() => bail!(
                "{}: --class-names gives {} names, but {} hold {} classes; give one name per score column, in their order",
                sources[0].display(),
                names.len(),
                layout.scores.describe(),
                classes.len()
            ),
            Some(names) => names.clone(),
        };
        if let Some((i, j)) = first_duplicate(&classes) {
            let which = match &layout.scores {
                Scores::Columns(c) if c.len() == classes.len() => {
                    format!(
                        "the score columns {} and {}",
                        crate::text::quoted(&c[i]),
                        crate::text::quoted(&c[j])
                    )
                }
                _ => format!("the scores at positions {i} and {j}"),
            };
            bail!(
                "{}: {which} both name the class {}; each class needs its own name: pass --class-names with one distinct name per score column, in their order, or choose the columns with --probs/--logits",
                sources[0].display(),
                crate::text::quoted(&classes[i])
            );
        }
        if layout.mode != crate::model::Mode::Binary && classes.len() < 2 {
            bail!(
                "{}: the scores hold {} value(s) per row; {} mode needs at least 2 classes (one score per class)",
                sources[0].display(),
                classes.len(),
                layout.mode.as_str()
            );
        }
        if let Some(Targets::Columns(t)) = &layout.targets {
            if t.len() != classes.len() {
                bail!(
                    "{}: --targets gives {} columns ({}) but {} hold {} classes; give one 0/1 target column per class",
                    sources[0].display(),
                    t.len(),
                    t.join(", "),
                    layout.scores.describe(),
                    classes.len()
                );
            }
        }
        layout.classes = Some(classes.clone());
        for (s, cols) in sources.iter().zip(&headers).skip(1) {
            for need in needed_columns(&layout) {
                if !cols.iter().any(|c| c.name == need) {
                    bail!(
                        "{}: has no column {}, which {} has; all files of one data set need the same columns",
                        s.display(),
                        crate::text::quoted(&need),
                        sources[0].display()
                    );
                }
            }
        }
        if let Some(by) = &opts.by {
            for (s, cols) in sources.iter().zip(&headers) {
                if !cols.iter().any(|c| &c.name == by) {
                    bail!(
                        "{}: has no column {} to break the report down by (--by); {}",
                        s.display(),
                        crate::text::quoted(by),
                        detect_names::columns_found(cols)
                    );
                }
            }
        }
        for (s, cols) in sources.iter_mut().zip(&headers) {
            let shown = s.display();
            s.reader.bind(&shown, &layout, cols, opts)?;
        }
        if opts.positive.is_some() && layout.mode != crate::model::Mode::Binary {
            bail!(
                "--positive is for binary mode only; this is {} mode",
                layout.mode.as_str()
            );
        }
        let labels = LabelMap::new(
            layout.mode,
            &classes,
            opts.positive.clone(),
            opts.background,
            opts.ignore_index,
        );
        Ok(Dataset {
            sources,
            layout,
            classes,
            labels,
            opts: opts.clone(),
        })
    }

    /// The units, with the sources marked in `whole` read as one unit each.
    fn units_with(&self, whole: &[usize]) -> Result<Vec<Unit>> {
        let mut units = Vec::new();
        for (i, s) in self.sources.iter().enumerate() {
            let spans = s.reader.units(s, &self.opts, whole.contains(&i))?;
            units.extend(spans.into_iter().map(|span| Unit { src: i, span }));
        }
        Ok(units)
    }

    /// One pass over every unit, merged exactly (the sums are left exact: see
    /// [`Partial::round`]). `on_unit` is told when a unit finishes.
    pub fn pass(&self, spec: &EngineSpec, on_unit: &(dyn Fn(u64) + Sync)) -> Result<Partial> {
        // A file whose units turn out not to be readable apart is read again as one.
        let mut streamed = Vec::new();
        loop {
            match self.pass_with(spec, on_unit, &streamed) {
                Err(e) => {
                    let Some(q) = e.downcast_ref::<reader::Restart>() else {
                        return Err(e);
                    };
                    // Every source that is this file (it may be given twice).
                    let new: Vec<usize> = (0..self.sources.len())
                        .filter(|&i| self.sources[i].path == q.path && !streamed.contains(&i))
                        .collect();
                    if new.is_empty() {
                        return Err(e);
                    }
                    streamed.extend(new);
                }
                r => return r,
            }
        }
    }

    fn pass_with(
        &self,
        spec: &EngineSpec,
        on_unit: &(dyn Fn(u64) + Sync),
        streamed: &[usize],
    ) -> Result<Partial> {
        let units = self.units_with(streamed)?;
        // The next line of the file being read in parts: (source, line).
        let mut next_line: Option<(usize, u64)> = None;
        let mut total = schedule::run_in_order(
            spec,
            &units,
            self.opts.by.is_some(),
            |u, acc| self.read_unit(spec, u, acc),
            on_unit,
            |u, p, lines| {
                p.skipped.set_file(u.src as u32);
                if let (Some(lines), Span::Part { first, .. }) = (lines, &u.span) {
                    // Skipped rows were located from the unit's start.
                    let line = match next_line {
                        Some((s, l)) if s == u.src => l,
                        _ => *first,
                    };
                    shift_lines(p, line - 1);
                    next_line = Some((u.src, line + lines));
                }
            },
        )?;
        if let Some(g) = &total.groups {
            if g.len() > self.opts.max_groups {
                let col = self.opts.by.as_deref().unwrap_or("");
                let files: Vec<String> = self.sources.iter().map(|s| s.display()).collect();
                return Err(decode::too_many_groups(
                    &files.join(", "),
                    col,
                    self.opts.max_groups,
                ));
            }
        }
        total.fold_groups(spec);
        if total.rows_read == 0 {
            let names: Vec<String> = self.sources.iter().map(|s| s.display()).collect();
            bail!("{}: no data rows (only a header, or an empty file); point flcli at a file with predictions", names.join(", "));
        }
        if total.rows_used > 0 && total.class_rows.get(1) == Some(&0) {
            let files: Vec<String> = self.sources.iter().map(|s| s.display()).collect();
            if let Some(e) = self.labels.unmatched_positive(&files.join(", ")) {
                return Err(e);
            }
        }
        if total.rows_used == 0 && total.rows_skipped() > 0 {
            let ignored = if total.rows_ignored > 0 {
                format!(", the other {} have the ignore index", total.rows_ignored)
            } else {
                String::new()
            };
            bail!(
                "every row was invalid ({} skipped{ignored}); nothing left to report. Drop --skip-invalid to see the first error",
                total.rows_skipped()
            );
        }
        if total.rows_used == 0 {
            bail!(
                "every row has the ignore index {} ({} rows); nothing left to report. Check --label and --ignore-index",
                self.opts.ignore_index,
                total.rows_ignored
            );
        }
        Ok(total)
    }

    /// Reads one unit into `acc`; see [`reader::Reader::read`].
    fn read_unit(&self, spec: &EngineSpec, unit: &Unit, acc: &mut UnitAcc) -> Result<Option<u64>> {
        let src = &self.sources[unit.src];
        let dec = decode::Decoder::new(self, spec);
        let lines = crate::guard::catch(&src.display(), || {
            src.reader.read(src, &unit.span, &dec, acc)
        });
        // A file that changed explains any read error it caused, so it is said first.
        if let Some(h) = &src.handle {
            h.check(&src.display())?;
        }
        lines
    }
}

/// The columns a layout reads.
pub(crate) fn needed_columns(layout: &Layout) -> Vec<String> {
    let mut v = vec![layout.label.clone()];
    if let Some(t) = &layout.targets {
        v = t.columns();
    }
    match &layout.scores {
        Scores::Columns(c) => v.extend(c.iter().cloned()),
        Scores::List(c) => v.push(c.clone()),
    }
    v
}

/// Moves the line numbers of a unit's skipped rows by the `lines` before it.
fn shift_lines(acc: &mut Partial, lines: u64) {
    for (_, locs) in acc.skipped.by_reason.iter_mut() {
        for (_, loc) in locs {
            if let Loc::Line(l) = loc {
                *l += lines;
            }
        }
    }
}

/// The first two positions holding the same name, if any.
fn first_duplicate(names: &[String]) -> Option<(usize, usize)> {
    let mut seen = std::collections::HashMap::new();
    for (j, n) in names.iter().enumerate() {
        if let Some(&i) = seen.get(n.as_str()) {
            return Some((i, j));
        }
        seen.insert(n.as_str(), j);
    }
    None
}
