//! Reading prediction dumps: finding the files, detecting the columns, and
//! streaming validated batches into the loss engine, one unit of work at a
//! time (the engine's scheduler runs the units and merges them in order).

pub mod csv;
pub mod decode;
pub mod detect;
mod detect_names;
pub mod labels;
pub mod line_ends;
pub mod parquet;
pub mod record;
pub mod source;
pub mod split;

use crate::engine::{schedule, EngineSpec, Partial};
use anyhow::{bail, Result};
pub use detect::{ColumnFlags, Layout, Scores, Selector};
pub use labels::LabelMap;
pub use source::{CsvIndex, Format, Source};

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
}

/// An opened data set: its files, the detected layout, and the class names.
#[derive(Debug)]
pub struct Dataset {
    /// The data files, in order.
    pub sources: Vec<Source>,
    /// Columns, mode and score kind.
    pub layout: Layout,
    /// Class names in class order.
    pub classes: Vec<String>,
    /// The label mapping.
    pub labels: LabelMap,
    /// The options it was opened with.
    pub opts: InputOptions,
}

/// One independent piece of work; see [`Dataset::units`].
#[derive(Clone, Debug)]
pub enum Unit {
    /// A run of consecutive Parquet row groups.
    RowGroups {
        /// Index into the sources.
        src: usize,
        /// Row groups `start..end`.
        rgs: (usize, usize),
        /// 0-based index of its first row in the file.
        first_row: u64,
    },
    /// A byte range of a plain CSV file that starts and ends at line boundaries.
    CsvRange {
        /// Index into the sources.
        src: usize,
        /// First byte.
        start: u64,
        /// One past the last byte.
        end: u64,
        /// 1-based line number of the data's first line (the line after the header);
        /// the range's own first line is known once the ranges before it are read.
        first_line: u64,
    },
    /// A whole CSV stream read sequentially (stdin, gzip, quoted newlines).
    CsvStream {
        /// Index into the sources.
        src: usize,
    },
}

impl Dataset {
    /// Finds the files, reads their headers and detects the layout.
    pub fn open(opts: &InputOptions) -> Result<Dataset> {
        let mut sources = source::expand(&opts.paths, opts.format)?;
        let mut headers = Vec::with_capacity(sources.len());
        for s in &sources {
            headers.push(match s.format {
                Format::Parquet => crate::guard::catch(&s.display(), || parquet::columns(s))?,
                Format::Csv => csv::columns(s, opts.delimiter)?,
            });
        }
        let mut layout = detect::detect(&headers[0], &opts.columns)
            .map_err(|e| anyhow::anyhow!("{}: {e}", sources[0].display()))?;
        let classes = match &layout.classes {
            Some(c) => c.clone(),
            None => {
                let Scores::List(col) = &layout.scores else {
                    unreachable!()
                };
                let n = parquet::list_width(&sources[0], col)?;
                (0..n).map(|i| i.to_string()).collect()
            }
        };
        if layout.mode != crate::model::Mode::Binary && classes.len() < 2 {
            bail!(
                "{}: the scores hold {} value(s) per row; {} mode needs at least 2 classes (one score per class)",
                sources[0].display(),
                classes.len(),
                layout.mode.as_str()
            );
        }
        layout.classes = Some(classes.clone());
        for (s, cols) in sources.iter().zip(&headers).skip(1) {
            for need in needed_columns(&layout) {
                if !cols.iter().any(|c| c.name == need) {
                    bail!(
                        "{}: has no column {need:?}, which {} has; all files of one data set need the same columns",
                        s.display(),
                        sources[0].display()
                    );
                }
            }
        }
        if let Some(by) = &opts.by {
            for (s, cols) in sources.iter().zip(&headers) {
                if !cols.iter().any(|c| &c.name == by) {
                    let names: Vec<String> = cols.iter().map(|c| format!("{:?}", c.name)).collect();
                    bail!(
                        "{}: has no column {by:?} to break the report down by (--by); columns found: {}",
                        s.display(),
                        names.join(", ")
                    );
                }
            }
        }
        for (s, cols) in sources.iter_mut().zip(&headers) {
            if s.format == Format::Csv {
                if matches!(layout.scores, Scores::List(_)) {
                    bail!("{}: list-typed score columns exist only in Parquet; name the CSV score columns with --probs/--logits", s.display());
                }
                let pos = |n: &str| cols.iter().position(|c| c.name == n).unwrap_or(0);
                let Scores::Columns(sc) = &layout.scores else {
                    unreachable!()
                };
                s.csv_index = Some(CsvIndex {
                    width: cols.len(),
                    label: pos(&layout.label),
                    scores: sc.iter().map(|n| pos(n)).collect(),
                    by: opts.by.as_deref().map(pos),
                });
            }
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

    /// The independent units of work, in input order.
    pub fn units(&self) -> Result<Vec<Unit>> {
        self.units_with(&[])
    }

    /// The units, with the CSV files of the sources marked in `streamed` read as one stream.
    fn units_with(&self, streamed: &[usize]) -> Result<Vec<Unit>> {
        let mut units = Vec::new();
        for (i, s) in self.sources.iter().enumerate() {
            match s.format {
                Format::Parquet => units.extend(parquet::units(i, s)?),
                Format::Csv => units.extend(csv::units(
                    i,
                    s,
                    self.opts.delimiter,
                    streamed.contains(&i),
                )?),
            }
        }
        Ok(units)
    }

    /// One pass over every unit, merged exactly (the sums are left exact: see
    /// [`Partial::round`]). `on_unit` is told when a unit finishes.
    pub fn pass(&self, spec: &EngineSpec, on_unit: &(dyn Fn(u64) + Sync)) -> Result<Partial> {
        // A CSV file whose byte ranges turn out to hold a quote is read again as one stream.
        let mut streamed = Vec::new();
        loop {
            match self.pass_with(spec, on_unit, &streamed) {
                Err(e) => {
                    let Some(q) = e.downcast_ref::<csv::Quoted>() else {
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
        // The next line of the CSV file being read in ranges: (source, line).
        let mut next_line: Option<(usize, u64)> = None;
        let mut total = schedule::run_in_order(
            spec,
            &units,
            self.opts.by.is_some(),
            |u, acc| self.read_unit(spec, u, acc),
            on_unit,
            |u, p, lines| {
                let (Unit::RowGroups { src, .. }
                | Unit::CsvRange { src, .. }
                | Unit::CsvStream { src }) = *u;
                p.skipped.set_file(src as u32);
                if let Unit::CsvRange {
                    src, first_line, ..
                } = *u
                {
                    // Skipped rows were located from the range's start.
                    let line = match next_line {
                        Some((s, l)) if s == src => l,
                        _ => first_line,
                    };
                    csv::shift_lines(p, line - 1);
                    next_line = Some((src, line + lines));
                }
            },
        )?;
        if let Some(g) = &total.groups {
            if g.keys.len() > self.opts.max_groups {
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

    /// Reads one unit into `acc`; returns the lines a CSV byte range ended (else 0).
    fn read_unit(&self, spec: &EngineSpec, unit: &Unit, acc: &mut Partial) -> Result<u64> {
        let src = match *unit {
            Unit::RowGroups { src, .. } | Unit::CsvRange { src, .. } | Unit::CsvStream { src } => {
                src
            }
        };
        crate::guard::catch(&self.sources[src].display(), || {
            self.read_unit_unguarded(spec, unit, acc)
        })
    }

    fn read_unit_unguarded(
        &self,
        spec: &EngineSpec,
        unit: &Unit,
        acc: &mut Partial,
    ) -> Result<u64> {
        let dec = decode::Decoder::new(self, spec);
        let mut lines = 0;
        match *unit {
            Unit::RowGroups {
                src,
                rgs,
                first_row,
            } => parquet::read_row_groups(&self.sources[src], rgs, first_row, &dec, acc)?,
            Unit::CsvRange {
                src,
                start,
                end,
                first_line,
            } => lines = csv::read_range(&self.sources[src], start, end, first_line, &dec, acc)?,
            Unit::CsvStream { src } => csv::read_stream(&self.sources[src], &dec, acc)?,
        }
        Ok(lines)
    }

    /// Total input size in bytes (for the progress bar); 0 when unknown.
    pub fn total_bytes(&self) -> u64 {
        self.sources.iter().map(|s| s.size).sum()
    }
}

/// The columns a layout reads.
pub fn needed_columns(layout: &Layout) -> Vec<String> {
    let mut v = vec![layout.label.clone()];
    match &layout.scores {
        Scores::Columns(c) => v.extend(c.iter().cloned()),
        Scores::List(c) => v.push(c.clone()),
    }
    v
}
