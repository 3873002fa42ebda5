//! The one way `stats`, `compare` and `recommend` get their numbers: [`load`]
//! looks at what the input paths are, reads them, and returns a [`Loaded`]
//! value; the reports are built from that value alone.
//!
//! A new kind of input is one new [`InputKind`] variant, one arm in
//! [`InputKind::of`] that recognises it, and one arm in [`load`] that turns
//! it into a [`Loaded`].

use super::{run_pass, Global};
use crate::engine::{EngineSpec, Partial};
use crate::input::{needed_columns, Dataset, Format, InputOptions};
use crate::model::{Mode, ScoreKind};
use anyhow::Result;

/// What the report's `input` object says about where the rows came from
/// (everything but the counts, which come from the sums).
#[derive(Clone, Debug, PartialEq)]
pub struct InputDesc {
    /// The files read, in order, as given or found in directories (`-` for stdin).
    pub paths: Vec<std::path::PathBuf>,
    /// "parquet", "csv", or "mixed".
    pub format: String,
    /// Binary, softmax or sigmoid.
    pub mode: Mode,
    /// Probabilities or logits.
    pub score_kind: ScoreKind,
    /// The label column.
    pub label_column: String,
    /// The score columns in class order (a list column appears once).
    pub score_columns: Vec<String>,
    /// What was detected rather than given on the command line.
    pub detected: Vec<String>,
    /// The `--by` column, if any.
    pub by: Option<String>,
}

/// The sums over every input row, with what the reports need to describe them.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// Where the rows came from.
    pub input: InputDesc,
    /// Class names in class order.
    pub classes: Vec<String>,
    /// What was accumulated.
    pub spec: EngineSpec,
    /// The sums (with the `--by` groups, sorted by key, until [`Loaded::take_groups`]).
    pub partial: Partial,
}

impl Loaded {
    /// Detaches the `--by` groups, sorted by key (empty without `--by`).
    pub fn take_groups(&mut self) -> Vec<(String, Partial)> {
        match self.partial.groups.take() {
            Some(g) => g.keys.into_iter().zip(g.parts).collect(),
            None => Vec::new(),
        }
    }
}

/// The kinds of input the report commands accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// Prediction dumps (Parquet, CSV, directories of them, stdin).
    Data,
}

impl InputKind {
    /// What `paths` are.
    pub fn of(_paths: &[std::path::PathBuf]) -> Result<InputKind> {
        Ok(InputKind::Data)
    }
}

/// Reads the input named in `opts` and returns its sums.
///
/// `plan` is called once the input is described (mode, score kind, class
/// names are known, nothing is summed yet): it checks the command's flags
/// against them and returns the engine settings to accumulate under, plus
/// anything of its own it wants back (parsed α settings, say).
pub fn load<T>(
    opts: &InputOptions,
    g: &Global,
    plan: impl FnOnce(&InputDesc, &[String]) -> Result<(EngineSpec, T)>,
) -> Result<(Loaded, T)> {
    match InputKind::of(&opts.paths)? {
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
            Ok((loaded, extra))
        }
    }
}

/// The description of an opened data set.
pub fn describe(ds: &Dataset) -> InputDesc {
    let formats: std::collections::BTreeSet<&str> = ds
        .sources
        .iter()
        .map(|s| match s.format {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
        })
        .collect();
    InputDesc {
        paths: ds.sources.iter().map(|s| s.path.clone()).collect(),
        format: if formats.len() == 1 {
            formats.iter().next().copied().unwrap_or("csv").into()
        } else {
            "mixed".into()
        },
        mode: ds.layout.mode,
        score_kind: ds.layout.kind,
        label_column: ds.layout.label.clone(),
        score_columns: needed_columns(&ds.layout)[1..].to_vec(),
        detected: ds.layout.detected.clone(),
        by: ds.opts.by.clone(),
    }
}
