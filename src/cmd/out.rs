//! Where a report goes: choosing the format, the `--fail-if` gates, stdout
//! or `-o FILE` (see [`crate::outfile`]), and the checks that can be made before
//! any data is read.

use super::gate::{self, ChecksFailed};
use super::Global;
use crate::cli::{Command, OutputArgs, OutputFormat};
use crate::outfile::OutFile;
use crate::render::{Exporter, JsonExporter};
use crate::report::Report;
use anyhow::{bail, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The format to render: `--json`, else `--output`, else from the extension of `-o`, else table.
pub(crate) fn format(out: &OutputArgs) -> OutputFormat {
    if out.json {
        return OutputFormat::Json;
    }
    if let Some(f) = out.output {
        return f;
    }
    let ext = out
        .out
        .as_deref()
        .and_then(Path::extension)
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("json") => OutputFormat::Json,
        Some("md" | "markdown") => OutputFormat::Markdown,
        Some("csv") => OutputFormat::Csv,
        Some("html" | "htm") => OutputFormat::Html,
        _ => OutputFormat::Table,
    }
}

/// The exporter of a format.
pub(crate) fn exporter(f: OutputFormat) -> Box<dyn Exporter> {
    match f {
        OutputFormat::Json => Box::new(JsonExporter),
        OutputFormat::Table => Box::new(crate::render::table::TableExporter),
        OutputFormat::Markdown => Box::new(crate::render::markdown::MarkdownExporter),
        OutputFormat::Csv => Box::new(crate::render::csv::CsvExporter),
        OutputFormat::Html => Box::new(crate::render::html::HtmlExporter),
    }
}

/// `-o FILE`, unless it is absent or `-` (stdout).
fn out_file(out: &OutputArgs) -> Option<&Path> {
    out.out.as_deref().filter(|p| p.as_os_str() != "-")
}

/// Checks the output flags of a report command before any data is read, so
/// that a typo in `--fail-if` or an unwritable `-o` or `--plot` costs nothing.
pub(crate) fn preflight(command: &Command) -> Result<()> {
    let (name, out, inputs) = match command {
        Command::Stats(a) => ("stats", &a.output, &a.input.files),
        Command::Compare(a) => ("compare", &a.output, &a.input.files),
        Command::Recommend(a) => ("recommend", &a.output, &a.input.files),
        _ => return Ok(()),
    };
    let gates = gate::parse_all(&out.fail_if)?;
    if !gates.is_empty() {
        let schema = crate::report::schema::json_schema();
        for g in &gates {
            super::gate_schema::check(g, &schema, name)?;
        }
    }
    let report = out_file(out).map(|p| OutFile::check("-o", p)).transpose()?;
    if let Some(f) = &report {
        f.refuse_inputs(inputs.iter().map(PathBuf::as_path))?;
    }
    if let Command::Compare(a) = command {
        if let Some(path) = &a.plot {
            let plot = super::compare::plot_file(path)?;
            plot.refuse_inputs(inputs.iter().map(PathBuf::as_path))?;
            if report.as_ref().is_some_and(|r| r.same_as(&plot)) {
                bail!(
                    "--plot {} is also the report's -o file; give them different names",
                    path.display()
                );
            }
        }
    }
    Ok(())
}

/// The input paths a report says it read.
fn report_inputs(report: &Report) -> &[String] {
    match report {
        Report::Stats(r) => &r.input.paths,
        Report::Compare(r) => &r.input.paths,
        Report::Recommend(r) => &r.input.paths,
    }
}

/// Whether an error chain ends in a broken pipe.
fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Renders `report`, evaluates the gates, writes the report, then reports
/// the gates on stderr. A gate that cannot be evaluated is an error before
/// anything is written; a gate that holds gives [`ChecksFailed`] (exit 1)
/// after the full report is written.
pub(crate) fn emit(report: &Report, out: &OutputArgs, g: &Global) -> Result<()> {
    let input = match report {
        Report::Stats(r) => &r.input,
        Report::Compare(r) => &r.input,
        Report::Recommend(r) => &r.input,
    };
    for w in &input.warnings {
        g.note(&format!("warning: {w}"));
    }
    let gates = gate::parse_all(&out.fail_if)?;
    let outcomes = if gates.is_empty() {
        Vec::new()
    } else {
        gate::eval_all(&gates, &serde_json::to_value(report)?)?
    };
    let file = out_file(out);
    let style = match file {
        Some(_) => g.style.for_file(),
        None => g.style,
    };
    let exporter = exporter(format(out));
    let written = match file {
        Some(path) => {
            let text = exporter.render(report, style)?;
            // Directories given as input were expanded into files: check those too.
            let f = OutFile::check("-o", path)?;
            f.refuse_inputs(report_inputs(report).iter().map(Path::new))?;
            f.write(text.as_bytes()).map(|()| {
                g.note(&format!(
                    "wrote {}",
                    crate::text::escape(&path.display().to_string())
                ))
            })
        }
        None => {
            // Written as it is rendered: a `--by` document of many groups
            // is large, and holding it whole would double the memory it takes.
            let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            exporter
                .render_to(report, style, &mut stdout)
                .and_then(|()| stdout.flush().map_err(Into::into))
        }
    };
    let failed = outcomes.iter().filter(|o| o.failed).count();
    match written {
        Ok(()) => {}
        // The reader left (`| head`): the gates still decide the exit code.
        Err(e) if broken_pipe(&e) && failed > 0 => {}
        Err(e) => return Err(e),
    }
    for (gt, o) in gates.iter().zip(&outcomes) {
        if o.failed {
            // A requested check: printed even with --quiet.
            crate::outfile::eprint_line(format_args!("flcli: {}", gate::message(gt, o)));
        } else {
            g.note(&gate::message(gt, o));
        }
    }
    if failed > 0 {
        return Err(ChecksFailed(failed).into());
    }
    Ok(())
}
