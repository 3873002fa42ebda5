//! Where a report goes: choosing the format, the `--fail-if` gates, stdout
//! or `-o FILE` (written atomically), and the checks that can be made before
//! any data is read.

use super::gate::{self, ChecksFailed};
use super::Global;
use crate::cli::{Command, OutputArgs, OutputFormat};
use crate::output::{Exporter, JsonExporter};
use crate::report::Report;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The format to render: `--json`, else `--output`, else from the extension of `-o`, else table.
pub fn format(out: &OutputArgs) -> OutputFormat {
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
        _ => OutputFormat::Table,
    }
}

/// The exporter of a format.
pub fn exporter(f: OutputFormat) -> Box<dyn Exporter> {
    match f {
        OutputFormat::Json => Box::new(JsonExporter),
        OutputFormat::Table => Box::new(crate::output::table::TableExporter),
        OutputFormat::Markdown => Box::new(crate::output::markdown::MarkdownExporter),
        OutputFormat::Csv => Box::new(crate::output::csv::CsvExporter),
    }
}

/// `-o FILE`, unless it is absent or `-` (stdout).
fn out_file(out: &OutputArgs) -> Option<&Path> {
    out.out.as_deref().filter(|p| p.as_os_str() != "-")
}

/// Checks the output flags of a report command before any data is read, so
/// that a typo in `--fail-if` or an unwritable `-o` costs nothing.
pub fn preflight(command: &Command) -> Result<()> {
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
    if let Some(path) = out_file(out) {
        let target = resolve_target(path)?;
        not_an_input(path, &target, inputs.iter().map(PathBuf::as_path))?;
        // Fail now, not after a long pass, if the folder is not writable.
        new_temp(&target).with_context(|| {
            format!(
                "-o {}: cannot create a file in {}",
                path.display(),
                parent(&target).display()
            )
        })?;
    }
    Ok(())
}

/// The folder a file is in (`.` for a bare name).
fn parent(p: &Path) -> &Path {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// The canonical path `-o` will write, which need not exist yet (its folder must).
fn resolve_target(path: &Path) -> Result<PathBuf> {
    if path.is_dir() {
        bail!(
            "-o {}: is a directory; give a file name, e.g. -o {}",
            path.display(),
            path.join("report.json").display()
        );
    }
    let Some(name) = path.file_name() else {
        bail!("-o {}: not a file name", path.display());
    };
    let dir = parent(path);
    let dir = dir.canonicalize().with_context(|| {
        format!(
            "-o {}: the folder {} does not exist; create it first",
            path.display(),
            dir.display()
        )
    })?;
    Ok(dir.join(name))
}

/// Errors if `target` (canonical) is one of the `inputs` (by canonical path,
/// or on Unix the same inode, which also catches hard links).
fn not_an_input<'a>(
    given: &Path,
    target: &Path,
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<()> {
    for input in inputs {
        if input.as_os_str() == "-" {
            continue;
        }
        let Ok(canon) = input.canonicalize() else {
            continue; // reading it will report the problem
        };
        if canon == target || same_inode(&canon, target) {
            bail!(
                "-o {} is also an input ({}): writing the report there would replace the data; choose another file",
                given.display(),
                input.display()
            );
        }
    }
    Ok(())
}

#[cfg(unix)]
fn same_inode(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_inode(_: &Path, _: &Path) -> bool {
    false
}

/// A new temporary file next to `target`, with the permissions a plain create would give.
fn new_temp(target: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    b.prefix(".flcli-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // 0666 less the umask, as for any new file (tempfile's default is 0600).
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b.tempfile_in(parent(target))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder,
/// flushed to disk, then renamed over `path`. On any error the temporary file
/// is removed (dropped) and an existing `path` is left as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let target = resolve_target(path)?;
    let ctx = || format!("-o {}: cannot write the report", path.display());
    let mut tmp = new_temp(&target).with_context(ctx)?;
    if let Ok(meta) = std::fs::metadata(&target) {
        // Replacing a file keeps its permissions.
        let _ = tmp.as_file().set_permissions(meta.permissions());
    }
    tmp.write_all(bytes).with_context(ctx)?;
    tmp.as_file().sync_all().with_context(ctx)?;
    tmp.persist(&target)
        .map_err(|e| e.error)
        .with_context(ctx)?;
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
pub fn emit(report: &Report, out: &OutputArgs, g: &Global) -> Result<()> {
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
    let text = exporter(format(out)).render(report, style)?;
    let written = match file {
        Some(path) => {
            // Directories given as input were expanded into files: check those too.
            let target = resolve_target(path)?;
            not_an_input(path, &target, report_inputs(report).iter().map(Path::new))?;
            write_atomic(path, text.as_bytes()).map(|()| {
                g.note(&format!(
                    "wrote {}",
                    crate::output::escape(&path.display().to_string())
                ))
            })
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(Into::into)
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
            eprintln!("flcli: {}", gate::message(gt, o));
        } else {
            g.note(&gate::message(gt, o));
        }
    }
    if failed > 0 {
        return Err(ChecksFailed(failed).into());
    }
    Ok(())
}
