//! The two traits every input format implements: a [`Kind`] recognises and
//! opens files of its format, and the [`Reader`] it opens answers for one
//! file (its columns, its independent units, reading a unit). A format is one
//! file implementing both, plus its line in [`FORMATS`]; nothing else in
//! `input/` knows which formats exist.

use super::decode::Decoder;
use super::detect::{Column, Layout};
use super::handle::Handle;
use super::{InputOptions, Source};
use crate::engine::UnitAcc;
use anyhow::{bail, Result};

/// Every format flcli reads, in the order they are tried on a file's first
/// bytes. The last one is the fallback for files no magic bytes or extension
/// claims, and the only one read from stdin and pipes.
pub(crate) static FORMATS: &[Format] = &[
    Format(&super::parquet::Parquet),
    Format(&super::ipc::Ipc),
    Format(&super::npy::Npy),
    Format(&super::npy::Npz),
    Format(&super::jsonl::JsonLines),
    Format(&super::csv::Csv),
];

/// A file format: how to recognise its files and open them.
pub(crate) trait Kind: Sync {
    /// The `--input-format` value, also the name reports give the format.
    fn name(&self) -> &'static str;
    /// One line for `--help`.
    fn about(&self) -> &'static str;
    /// The format's name in sentences ("Parquet").
    fn title(&self) -> &'static str;
    /// File name endings (lower case, with the dot) that mean this format.
    fn extensions(&self) -> &'static [&'static str];
    /// The magic bytes its files start with, in words, for messages; `None`
    /// when the format has none (its files are told by their name).
    fn magic(&self) -> Option<&'static str> {
        None
    }
    /// Whether `head` (the file's first bytes, up to 8) starts a file of this format.
    fn sniff(&self, _head: &[u8]) -> bool {
        false
    }
    /// Whether reading needs a file flcli can seek in (not stdin or a pipe).
    fn needs_file(&self) -> bool;
    /// Opens a regular file of this format (`head` holds its first bytes);
    /// every read of it goes through `file` (see [`Source::handle`]).
    fn open(&self, shown: &str, file: &Handle, head: &[u8]) -> Result<Box<dyn Reader>>;
    /// Opens stdin or a pipe; only formats that do not need a file are asked.
    fn open_stream(&self) -> Box<dyn Reader> {
        unreachable!("a format that needs a file is never opened on a stream")
    }
}

/// One opened input file, as its format reads it.
pub(crate) trait Reader: Send + Sync + std::fmt::Debug {
    /// The file's top-level columns.
    fn columns(&self, src: &Source, opts: &InputOptions) -> Result<Vec<Column>>;

    /// Learns the detected layout, given this file's `columns`; fails if the
    /// format cannot read it (`shown` is the file's name for messages).
    fn bind(
        &mut self,
        _shown: &str,
        _layout: &Layout,
        _columns: &[Column],
        _opts: &InputOptions,
    ) -> Result<()> {
        Ok(())
    }

    /// The number of entries in the first non-null row of the list column `col`.
    fn list_width(&self, src: &Source, col: &str) -> Result<usize> {
        bail!(
            "{}: column {} would need to be a list of scores, which this format cannot hold; name the score columns with --probs/--logits",
            src.display(),
            crate::text::quoted(col)
        )
    }

    /// The rows the file's metadata says it holds, where it says so: shown as the progress
    /// line's total only, never trusted for a size.
    fn rows(&self) -> Option<u64> {
        None
    }

    /// The file's independent units of work, in order. `whole` asks for the
    /// file as one front-to-back unit (see [`Restart`]).
    fn units(&self, src: &Source, opts: &InputOptions, whole: bool) -> Result<Vec<Span>>;

    /// Reads one unit into `acc`. `Some(lines)` says the unit counted the
    /// lines of its skipped rows from its own start (its first line being 1)
    /// and ended `lines` lines: the pass moves them by the lines before it.
    fn read(
        &self,
        src: &Source,
        span: &Span,
        dec: &Decoder,
        acc: &mut UnitAcc,
    ) -> Result<Option<u64>>;
}

/// The part of a file one unit reads, in the reader's own terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Span {
    /// The whole file, front to back.
    Whole,
    /// Pieces `start..end` (row groups, record batches, bytes: the reader's
    /// choice), whose first row is at position `first` (a 0-based row, or a
    /// 1-based line).
    Part {
        /// First piece.
        start: u64,
        /// One past the last piece.
        end: u64,
        /// Position of the first row.
        first: u64,
    },
}

/// A unit's reader found that the file's units cannot be read apart (a CSV
/// quoted field may hold the newline a cut was made at): the pass reads the
/// file again as one [`Span::Whole`] unit. Never shown to the user.
#[derive(Debug)]
pub(crate) struct Restart {
    /// The file.
    pub(crate) path: std::path::PathBuf,
}

impl std::fmt::Display for Restart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: its parts cannot be read apart; reading it again as one stream",
            self.path.display()
        )
    }
}

impl std::error::Error for Restart {}

/// A file format flcli reads (an entry of [`FORMATS`]).
#[derive(Clone, Copy)]
pub struct Format(pub(crate) &'static dyn Kind);

impl Format {
    /// The `--input-format` value and the name reports give the format.
    pub(crate) fn name(self) -> &'static str {
        self.0.name()
    }

    /// The format read from stdin, pipes and files nothing else claims.
    pub(crate) fn fallback() -> Format {
        *FORMATS.last().expect("at least one format")
    }

    /// Every extension of every format.
    pub(crate) fn all_extensions() -> impl Iterator<Item = &'static str> {
        FORMATS
            .iter()
            .flat_map(|f| f.0.extensions().iter().copied())
    }

    /// Whether the file name `name` (lower case) ends with one of this format's extensions.
    pub(crate) fn named(self, name: &str) -> bool {
        self.0.extensions().iter().any(|e| name.ends_with(e))
    }
}

impl PartialEq for Format {
    fn eq(&self, other: &Format) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Format {}

impl std::fmt::Debug for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        FORMATS
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()).help(self.0.about()))
    }
}
