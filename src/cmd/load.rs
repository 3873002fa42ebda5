//! The one way `stats`, `compare` and `recommend` get their numbers: [`load`]
//! looks at what the input paths are, reads them, and returns a [`Loaded`]
//! value; the reports are built from that value alone.
//!
//! A new kind of input is one new [`InputKind`] variant, one arm in
//! [`InputKind::of`] that recognises it, and one arm in [`load`] that turns
//! it into a [`Loaded`].

use super::{run_pass, Global};
use crate::engine::{EngineSpec, Partial};
use crate::input::{Dataset, InputOptions, Scores};
use crate::model::{Mode, ScoreKind};
use crate::partial::PartialResult;
use crate::text::quoted;
use anyhow::{bail, Context, Result};
use std::path::PathBuf;

/// What the report's `input` object says about where the rows came from
/// (everything but the counts, which come from the sums).
#[derive(Clone, Debug, PartialEq)]
pub struct InputDesc {
    /// The files read, in order, as given or found in directories (`-` for stdin).
    pub(crate) paths: Vec<PathBuf>,
    /// "parquet", "csv", "mixed", "partial", or "sql_sums".
    pub(crate) format: String,
    /// The data files the rows came from (the skip locations index into it).
    pub(crate) files: Vec<String>,
    /// Binary, softmax or sigmoid.
    pub(crate) mode: Mode,
    /// Probabilities or logits.
    pub(crate) score_kind: ScoreKind,
    /// The label column.
    pub(crate) label_column: String,
    /// The score columns in class order (a list column appears once).
    pub(crate) score_columns: Vec<String>,
    /// What was detected rather than given on the command line.
    pub(crate) detected: Vec<String>,
    /// The `--by` column, if any.
    pub(crate) by: Option<String>,
    /// Multi-label: the target columns (a list column of class ids once).
    pub(crate) targets: Option<Vec<String>>,
}

/// The sums over every input row, with what the reports need to describe them.
#[derive(Clone, Debug)]
pub(crate) struct Loaded {
    /// Where the rows came from.
    pub(crate) input: InputDesc,
    /// Class names in class order.
    pub(crate) classes: Vec<String>,
    /// What was accumulated.
    pub(crate) spec: EngineSpec,
    /// The sums (with the `--by` groups, sorted by key, until [`Loaded::take_groups`]).
    pub(crate) partial: Partial,
}

impl Loaded {
    /// Detaches the `--by` groups, sorted by key (empty without `--by`).
    pub(crate) fn take_groups(&mut self) -> Vec<(crate::engine::accum::GroupKey, Partial)> {
        match self.partial.groups.take() {
            Some(g) => g.into_pairs(),
            None => Vec::new(),
        }
    }
}

/// The kinds of input the report commands accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InputKind {
    /// Prediction dumps (Parquet, CSV, directories of them, stdin).
    Data,
    /// Partial results written by `flcli partial` or `flcli merge`.
    Partials,
    /// A sums table saved from the query of `flcli sql` (a `flcli_spec` column).
    SqlSums,
}

impl InputKind {
    /// What `paths` are: all partial results, or data (one kind per run).
    pub(crate) fn of(paths: &[PathBuf]) -> Result<InputKind> {
        if super::load_sql::is_sums_input(paths)? {
            return Ok(InputKind::SqlSums);
        }
        let partials = partial_inputs(paths)?;
        if partials.is_empty() {
            return Ok(InputKind::Data);
        }
        if let Some(data) = paths.iter().find(|p| !partials.contains(p)) {
            bail!(
                "{} is a partial result but {} is not; give either data files or partial results (turn data files into partials with flcli partial)",
                crate::text::escape(&partials[0].display().to_string()),
                crate::text::escape(&data.display().to_string())
            );
        }
        Ok(InputKind::Partials)
    }
}

/// Reads the input named in `opts` and returns its sums, rounded for the reports.
///
/// `plan` is called once the input is described (mode, score kind, class
/// names are known, nothing is summed yet): it checks the command's flags
/// against them and returns the engine settings to accumulate under, plus
/// anything of its own it wants back (parsed α settings, say).
pub(crate) fn load<T>(
    opts: &InputOptions,
    g: &Global,
    plan: impl FnOnce(&InputDesc, &[String]) -> Result<(EngineSpec, T)>,
) -> Result<(Loaded, T)> {
    use crate::input::memory::Memory;
    let kind = match &opts.memory {
        Some(Memory::Arrow(_)) => InputKind::Data,
        Some(Memory::Partials(_)) => InputKind::Partials,
        None => InputKind::of(&opts.paths)?,
    };
    let (mut loaded, extra) = match kind {
        InputKind::Data => {
            let ds = Dataset::open(opts)?;
            let input = describe(&ds);
            let (spec, extra) = plan(&input, &ds.classes)?;
            let partial = run_pass(&ds, &spec, g)?;
            let loaded = Loaded {
                input,
                classes: ds.classes,
                spec,
                partial,
            };
            (loaded, extra)
        }
        InputKind::Partials => {
            let (merged, name) = match &opts.memory {
                Some(Memory::Partials(p)) => {
                    let names: Vec<&str> = p.iter().map(|(n, _)| n.as_str()).collect();
                    (crate::partial::merge(p)?, names.join(", "))
                }
                _ => merge_files(&opts.paths)?,
            };
            load_partials(opts, merged, &name, plan)?
        }
        InputKind::SqlSums => super::load_sql::load_sums(opts, plan)?,
    };
    loaded.partial.round();
    Ok((loaded, extra))
}

/// Merges partial results and lays their sums out as `plan` asks (a subset
/// of what they hold); the sums are rounded.
pub(crate) fn load_partials<T>(
    opts: &InputOptions,
    merged: PartialResult,
    name: &str,
    plan: impl FnOnce(&InputDesc, &[String]) -> Result<(EngineSpec, T)>,
) -> Result<(Loaded, T)> {
    let h = &merged.header;
    super::load_checks::check_partial_flags(opts, &h.spec, name)?;
    if opts.by.is_some() && opts.by != h.spec.by {
        bail!(
            "--by {asked}: {name} {}; compute the partials with --by {asked} to break a report down by it",
            match &h.spec.by {
                Some(b) => format!("is broken down by {}", quoted(b)),
                None => "is not broken down by any column".into(),
            },
            asked = quoted(opts.by.as_deref().unwrap_or_default()),
        );
    }
    let classes = h.about.classes.clone();
    let input = InputDesc {
        paths: opts.paths.clone(),
        format: "partial".into(),
        files: h.about.files.clone(),
        mode: h.spec.mode,
        score_kind: h.spec.score_kind,
        label_column: h.about.label_column.clone(),
        score_columns: h.about.score_columns.clone(),
        detected: h.about.detected.clone(),
        by: opts.by.clone(),
        targets: h.about.targets.clone(),
    };
    let held = h.spec.engine(classes.len())?;
    let (mut want, extra) = plan(&input, &classes)?;
    super::load_checks::check_covers(&held, &want, h, name)?;
    // Partials written without second moments still serve: the report says
    // what they cannot give (recommend's share intervals).
    want.moments &= held.moments;
    let mut sums = merged.sums;
    if opts.by.is_none() {
        sums.groups = None;
    } else if let Some(g) = &sums.groups {
        if g.len() > opts.max_groups {
            return Err(crate::input::decode::too_many_groups(
                name,
                opts.by.as_deref().unwrap_or_default(),
                opts.max_groups,
            ));
        }
    }
    sums.round();
    let partial = crate::partial::project(&sums, &held, &want);
    let loaded = Loaded {
        input,
        classes,
        spec: want,
        partial,
    };
    Ok((loaded, extra))
}

/// The description of an opened data set.
pub fn describe(ds: &Dataset) -> InputDesc {
    let formats: std::collections::BTreeSet<&str> =
        ds.sources.iter().map(|s| s.format.name()).collect();
    InputDesc {
        // A .npy pair's labels file is read too.
        paths: ds
            .sources
            .iter()
            .map(|s| s.path.clone())
            .chain(ds.opts.labels_npy.clone())
            .collect(),
        files: ds
            .sources
            .iter()
            .map(|s| s.path.display().to_string())
            .collect(),
        format: if formats.len() == 1 {
            formats.iter().next().copied().unwrap_or("csv").into()
        } else {
            "mixed".into()
        },
        mode: ds.layout.mode,
        score_kind: ds.layout.kind,
        label_column: ds.layout.label.clone(),
        score_columns: match &ds.layout.scores {
            Scores::Columns(c) => c.clone(),
            Scores::List(c) => vec![c.clone()],
        },
        detected: ds.layout.detected.clone(),
        by: ds.opts.by.clone(),
        targets: ds.layout.targets.as_ref().map(|t| t.columns()),
    }
}

/// The paths among `paths` that are partial results (regular files that
/// start with the partial-file magic bytes).
pub(crate) fn partial_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" || !p.is_file() {
            continue;
        }
        let mut head = [0u8; 8];
        let n = std::fs::File::open(p)
            .and_then(|mut f| read_head(&mut f, &mut head))
            .unwrap_or(0);
        if crate::partial::is_partial(&head[..n]) {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn read_head(f: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Reads one partial file, named by its path for messages.
fn read_partial_file(p: &std::path::Path) -> Result<(String, Vec<u8>)> {
    let name = crate::text::escape(&p.display().to_string());
    let bytes = std::fs::read(p).with_context(|| format!("{name}: cannot read the file"))?;
    Ok((name, bytes))
}

/// Merges partial files holding one of them in memory at a time: their
/// headers first (which fix the merged classes), then each one's sums.
/// Returns the merged result and the files' names for messages.
pub(crate) fn merge_files(paths: &[PathBuf]) -> Result<(PartialResult, String)> {
    let mut headers = Vec::with_capacity(paths.len());
    for p in paths {
        let (name, bytes) = read_partial_file(p)?;
        let h = crate::partial::decode_header(&bytes, &name)?;
        headers.push((name, h));
    }
    let mut m = crate::partial::Merger::new(&headers)?;
    for (p, (_, h)) in paths.iter().zip(&headers) {
        let (name, bytes) = read_partial_file(p)?;
        let part = crate::partial::decode(&bytes, &name)?;
        // A file replaced between the two reads would be merged under another's classes.
        if part.header != *h {
            anyhow::bail!("{name}: the file changed while it was read; run the command again");
        }
        m.add(&part)?;
    }
    let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
    let names = names.join(", ");
    Ok((m.finish(), names))
}
