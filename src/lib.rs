//! flcli: class imbalance, cross-entropy and focal loss from a model's
//! prediction dump.
//!
//! The binary is a thin shell over [`run`]. Programs that embed flcli (the
//! Python package) call [`api`]: a report or a partial result computed from
//! files or from Arrow record batches in memory, with the command line's
//! options, and merges of partial results. Reports come back as the JSON
//! `--json` prints, whose types are in [`report`].
//!
//! ```
//! use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch};
//! use flcli::api::{self, ArrowData, Memory};
//! use flcli::report::{Mode, StatsReport};
//! use std::sync::Arc;
//!
//! let label: ArrayRef = Arc::new(Int64Array::from(vec![1, 0, 0, 1, 0, 0]));
//! let prob: ArrayRef = Arc::new(Float64Array::from(vec![0.9, 0.2, 0.4, 0.6, 0.1, 0.7]));
//! let batch = RecordBatch::try_from_iter([("label", label), ("prob", prob)]).unwrap();
//! let data = ArrowData::collect(batch.schema(), [Ok(batch)]).unwrap();
//!
//! // The arguments of `flcli stats`, without a file: the rows come from memory.
//! let args = ["stats", "--label", "label", "--prob", "prob", "--gamma", "2"].map(String::from);
//! let json = api::report(&args, Some(Memory::Arrow(Arc::new(data)))).unwrap();
//! let report: StatsReport = serde_json::from_str(&json).unwrap();
//! assert_eq!(report.input.mode, Mode::Binary);
//! assert_eq!(report.input.rows_used, 6);
//! ```

#![deny(missing_docs)]

mod analysis;
pub mod api;
mod cli;
mod cmd;
mod engine;
mod guard;
mod input;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod internals;
mod model;
mod outfile;
mod partial;
mod render;
pub mod report;
mod sql;
mod text;

use clap::Parser;
use cli::{Cli, Command};

/// Exit code: a requested check failed.
pub(crate) const EXIT_CHECK_FAILED: i32 = 1;
/// Exit code: any error.
pub(crate) const EXIT_ERROR: i32 = 2;

/// Whether an error chain ends in a broken pipe (the reader went away: exit quietly).
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Sets up the global thread pool for `-j N`: at least 1 and at most four
/// threads per core (more only adds memory and switching, never speed). A
/// second call in the same process keeps the first pool.
pub(crate) fn thread_pool(n: usize) -> Result<(), String> {
    static BUILT: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let max = 4 * cores;
    if n == 0 || n > max {
        return Err(format!(
            "--threads must lie in [1, {max}] (4 per core, {cores} cores here), got {n}"
        ));
    }
    if BUILT.get().is_some() {
        return Ok(());
    }
    match rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
    {
        Ok(()) => {
            let _ = BUILT.set(n);
            Ok(())
        }
        // Only an I/O error (threads that could not be started) has a source; the
        // other kinds mean a pool exists already, which then does the work.
        Err(e) if std::error::Error::source(&e).is_some() => Err(format!(
            "--threads {n}: cannot start the worker threads: {e}"
        )),
        Err(_) => Ok(()),
    }
}

/// Parses `args`, runs the command, prints any error, and returns the exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    if let Some(n) = cli.threads {
        if let Err(e) = thread_pool(n) {
            outfile::eprint_line(format_args!("error: {e}"));
            return EXIT_ERROR;
        }
    }
    let g = cmd::Global {
        style: render::Style::detect(cli.color),
        quiet: cli.quiet,
    };
    let result = cmd::out::preflight(&cli.command).and_then(|()| match &cli.command {
        Command::Stats(a) => cmd::stats::run(a, &g),
        Command::Compare(a) => cmd::compare::run(a, &g),
        Command::Recommend(a) => cmd::recommend::run(a, &g),
        Command::Partial(a) => cmd::partial::run(a, &g),
        Command::Merge(a) => cmd::merge::run(a, &g),
        Command::Sql(a) => cmd::sql::run(a, &g),
        Command::Schema => cmd::schema(),
        Command::Completions { shell } => cmd::docs::completions(*shell),
        Command::Man => cmd::docs::man(),
    });
    match result {
        Ok(code) => code,
        Err(e) if e.downcast_ref::<cmd::gate::ChecksFailed>().is_some() => EXIT_CHECK_FAILED,
        Err(e) if is_broken_pipe(&e) => 0,
        Err(e) => {
            // Messages quote values from the data: no control character reaches the terminal.
            outfile::eprint_line(format_args!(
                "error: {}",
                text::escape_text(&format!("{e:#}"))
            ));
            EXIT_ERROR
        }
    }
}
