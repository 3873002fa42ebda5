//! The library entry for programs that embed flcli (the Python package): a
//! subcommand runs from the same argument list and the same clap parser as
//! on the command line, and its JSON report (or partial result) comes back
//! as a value instead of being printed. The input is the paths in the
//! arguments, or data handed over in memory ([`Memory`]). Errors are the
//! CLI's messages; a panic comes back as an error too.

use crate::cli::{Cli, Command, OutputFormat};
use crate::cmd::{self, Global};
pub use crate::input::memory::MEMORY_PATH;
pub use crate::input::memory::{ArrowData, Memory};
pub use crate::partial::PartialResult;
use crate::render::{Exporter, JsonExporter, Style};
use crate::report::Report;
use anyhow::{bail, Result};
use clap::Parser;

/// The `-o` the parser is given for `partial` when the caller did not give one.
const NO_FILE: &str = "<returned>";

/// Runs `stats`, `compare` or `recommend` with `args` (the subcommand, then
/// its flags and files, as on the command line) and returns the report as
/// the JSON `--json` prints. With `memory`, the data comes from it and
/// `args` names no file.
pub fn report(args: &[String], memory: Option<Memory>) -> Result<String, String> {
    guarded(|| {
        let (report, g) = evaluate(args, memory)?;
        JsonExporter.render(&report, g.style)
    })
}

/// The report [`report`] returns, before it is turned into JSON.
pub(crate) fn evaluate(args: &[String], memory: Option<Memory>) -> Result<(Report, Global)> {
    let (cli, g) = parse(args, memory.is_some(), false)?;
    let report = match cli.command {
        Command::Stats(mut a) => {
            refuse_output(&a.output, None)?;
            a.input.memory = memory;
            Report::Stats(cmd::stats::evaluate(&a, &g)?)
        }
        Command::Compare(mut a) => {
            refuse_output(&a.output, a.plot.as_ref())?;
            a.input.memory = memory;
            let grid = cmd::compare::Grid::parse(&a.gamma, a.alpha.as_deref(), &a.variant)?;
            let opts = cmd::input_options_by(&a.input, &a.by)?;
            Report::Compare(
                cmd::compare::evaluate_with(&opts, &a.loss, false, false, &g, |_| Ok(grid))?.report,
            )
        }
        Command::Recommend(mut a) => {
            refuse_output(&a.output, None)?;
            a.input.memory = memory;
            Report::Recommend(cmd::recommend::evaluate(&a, &g)?)
        }
        _ => bail!(
            "the library runs stats, compare, recommend and partial; got {}",
            first_word(args)
        ),
    };
    Ok((report, g))
}

/// The subcommand named in `args`, quoted for a message.
fn first_word(args: &[String]) -> String {
    args.first()
        .map_or_else(|| "no subcommand".into(), |a| crate::text::quoted(a))
}

/// Runs `partial` with `args` (as [`report`]'s, without `-o`) and returns the
/// partial result the CLI would write.
pub fn partial(args: &[String], memory: Option<Memory>) -> Result<PartialResult, String> {
    guarded(|| {
        let (cli, g) = parse(args, memory.is_some(), true)?;
        let Command::Partial(mut a) = cli.command else {
            bail!(
                "partial() runs the partial subcommand, got {}",
                first_word(args)
            );
        };
        if a.out.as_os_str() != NO_FILE {
            bail!("--out does not apply here: the partial result is returned (write its bytes yourself)");
        }
        a.input.memory = memory;
        cmd::partial::compute(&a, &g)
    })
}

/// Merges partial results, each with its name for messages (as `flcli merge`).
pub fn merge(parts: &[(String, PartialResult)]) -> Result<PartialResult, String> {
    guarded(|| crate::partial::merge(parts))
}

/// Merges the bytes of partial-result files, each with its name for
/// messages, into the bytes of one (as `flcli merge` does with files): the
/// parts are decoded one at a time, so at most one is held decoded at once.
pub fn merge_encoded(parts: &[(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    guarded(|| {
        let headers = parts
            .iter()
            .map(|(n, b)| Ok((n.clone(), crate::partial::decode_header(b, n)?)))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut m = crate::partial::Merger::new(&headers)?;
        for (n, b) in parts {
            m.add(&crate::partial::decode(b, n)?)?;
        }
        crate::partial::encode(&m.finish())
    })
}

/// The bytes of a partial-result file (`.flp`).
pub fn encode(p: &PartialResult) -> Result<Vec<u8>, String> {
    guarded(|| crate::partial::encode(p))
}

/// Reads the bytes of a partial-result file; `name` names it in messages.
pub fn decode(bytes: &[u8], name: &str) -> Result<PartialResult, String> {
    guarded(|| crate::partial::decode(bytes, name))
}

/// Parses the arguments as the CLI does (with `--json`, and a placeholder
/// file for in-memory data), and sets up the thread pool for `-j`.
fn parse(args: &[String], memory: bool, partial: bool) -> Result<(Cli, Global)> {
    let mut argv: Vec<String> = vec!["flcli".into()];
    argv.extend(args.first().cloned());
    // Before the caller's flags: they may end with `--` and file names.
    if partial && !args.iter().any(|a| a == "-o" || a.starts_with("--out")) {
        argv.push("--out".into());
        argv.push(NO_FILE.into());
    }
    argv.extend(args.iter().skip(1).cloned());
    if memory {
        argv.push(MEMORY_PATH.into());
    }
    let cli = Cli::try_parse_from(&argv).map_err(|e| {
        let text = e.render().to_string();
        let text = text.strip_prefix("error: ").unwrap_or(&text);
        anyhow::anyhow!("{}", text.trim_end())
    })?;
    if let Some(n) = cli.threads {
        crate::thread_pool(n).map_err(anyhow::Error::msg)?;
    }
    let g = Global {
        style: Style::detect(crate::render::ColorChoice::Never).for_file(),
        quiet: true,
    };
    Ok((cli, g))
}

/// Refuses the flags about where a report goes: the caller gets it back.
fn refuse_output(out: &crate::cli::OutputArgs, plot: Option<&std::path::PathBuf>) -> Result<()> {
    if out.out.is_some() {
        bail!("--out does not apply here: the report is returned (write it yourself)");
    }
    if out.output.is_some_and(|f| f != OutputFormat::Json) {
        bail!("--output does not apply here: the report is returned as JSON");
    }
    if !out.fail_if.is_empty() {
        bail!("--fail-if does not apply here: the report is returned; check its fields instead");
    }
    if plot.is_some() {
        bail!("--plot does not apply here: draw from the returned report instead");
    }
    Ok(())
}

/// Runs `f`, turning its error into the CLI's message and a panic into an error.
fn guarded<T>(f: impl FnOnce() -> Result<T>) -> Result<T, String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(crate::text::escape_text(&format!("{e:#}"))),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".into());
            Err(format!("internal error: flcli stopped ({what}); please report it with the input that caused it"))
        }
    }
}
