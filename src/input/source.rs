//! Input files: expanding directories, and deciding each file's format from
//! its first bytes and its name (the formats are listed in [`super::reader::FORMATS`]).

use super::handle::Handle;
use super::reader::{Format, Reader};
use anyhow::{bail, Context, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// One input file, or stdin.
#[derive(Debug)]
pub(crate) struct Source {
    /// The path; `-` means stdin.
    pub(crate) path: PathBuf,
    /// Its format.
    pub(crate) format: Format,
    /// A pipe or device (`<(zcat x.csv)`, a FIFO): read once, front to back, like stdin.
    pub(crate) pipe: bool,
    /// The format's reader of this file.
    pub(crate) reader: Box<dyn Reader>,
    /// The regular file, opened once: every read goes through it (`None` for
    /// stdin and pipes, which are opened when they are read).
    pub(crate) handle: Option<Handle>,
}

impl Source {
    /// Whether this is stdin.
    pub(crate) fn is_stdin(&self) -> bool {
        self.path.as_os_str() == "-"
    }

    /// Whether this can only be read once, front to back (stdin, a pipe, a device).
    pub(crate) fn is_stream(&self) -> bool {
        self.is_stdin() || self.pipe
    }

    /// The handle of a regular file; an error for stdin and pipes.
    pub(crate) fn handle(&self) -> Result<&Handle> {
        self.handle.as_ref().ok_or_else(|| {
            anyhow::anyhow!("{}: is a stream, read front to back once", self.display())
        })
    }

    /// The path as shown in messages, with control characters escaped.
    pub(crate) fn display(&self) -> String {
        if self.is_stdin() {
            "<stdin>".into()
        } else {
            crate::text::escape(&self.path.display().to_string())
        }
    }

    /// The error for rows of a columnar file that could not be decoded, from `row`
    /// (0-based) on.
    pub(crate) fn cannot_decode(&self, row: u64, e: &dyn std::fmt::Display) -> anyhow::Error {
        anyhow::anyhow!(
            "{}: cannot decode the rows from row {row} (0-based) on ({e}); the file may be truncated or corrupt",
            self.display()
        )
    }
}

fn lower_name(p: &Path) -> String {
    p.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n.as_encoded_bytes().starts_with(b"."))
}

/// The device and inode of the file `p` leads to (through symlinks).
fn file_id(p: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        std::fs::canonicalize(p).ok().map(|c| {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            c.hash(&mut h);
            (0, h.finish())
        })
    }
}

fn is_data_file(p: &Path) -> bool {
    let name = lower_name(p);
    Format::all_extensions().any(|e| name.ends_with(e))
}

/// Expands directories into their data files (sorted by name) and checks each file.
pub(crate) fn expand(paths: &[PathBuf], forced: Option<Format>) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            let format = stream_format(forced, |f| {
                format!(
                    "stdin (-) is read as {}; {} needs a file flcli can seek in: save it to a file first",
                    Format::fallback().0.title(),
                    f.0.title()
                )
            })?;
            out.push(Source {
                path: p.clone(),
                format,
                pipe: false,
                reader: format.0.open_stream(),
                handle: None,
            });
            continue;
        }
        let meta = std::fs::metadata(p).with_context(|| {
            let shown = crate::text::escape(&p.display().to_string());
            // `--gamma 0 1 2 FILE`: the extra values land here as file names.
            if p.to_str().is_some_and(|t| t.trim().parse::<f64>().is_ok()) {
                format!(
                    "{shown}: no such file; lists such as --gamma and --alpha are comma-separated (--gamma 0,1,2,5), so {shown} was taken for a file"
                )
            } else {
                format!("{shown}: cannot open; check the path")
            }
        })?;
        if meta.is_dir() {
            // Hidden files (`.part-0.csv` left by a writer, editors' backups) are no shards.
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("{}: cannot list the directory", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| !is_hidden(f) && f.is_file() && is_data_file(f))
                .collect();
            files.sort();
            // One file reached twice (a symlink or a hard link beside it) is read once.
            let mut seen = std::collections::HashSet::new();
            files.retain(|f| file_id(f).is_none_or(|id| seen.insert(id)));
            if files.is_empty() {
                bail!(
                    "{}: the directory has no data files (looked for {}); point flcli at the files themselves",
                    p.display(),
                    Format::all_extensions().collect::<Vec<_>>().join(", ")
                );
            }
            for f in files {
                out.push(classify(&f, forced)?);
            }
        } else {
            out.push(classify(p, forced)?);
        }
    }
    if out.iter().filter(|s| s.is_stdin()).count() > 1 {
        bail!("stdin (-) can be read only once");
    }
    for (i, s) in out.iter().enumerate().filter(|(_, s)| s.pipe) {
        if out[..i].iter().any(|t| t.path == s.path) {
            bail!(
                "{}: a pipe can be read only once; name it once",
                s.display()
            );
        }
    }
    Ok(out)
}

/// The format of stdin or a pipe: the fallback, unless `forced` names one
/// that needs a file (then `refuse` says so).
fn stream_format(forced: Option<Format>, refuse: impl Fn(Format) -> String) -> Result<Format> {
    match forced {
        Some(f) if f.0.needs_file() => bail!("{}", refuse(f)),
        Some(f) => Ok(f),
        None => Ok(Format::fallback()),
    }
}

/// Decides a file's format from its first bytes and its extension, and opens it.
fn classify(p: &Path, forced: Option<Format>) -> Result<Source> {
    let shown = crate::text::escape(&p.display().to_string());
    let meta = std::fs::metadata(p)
        .with_context(|| format!("{shown}: cannot open; check the path and permissions"))?;
    let name = lower_name(p);
    if !meta.is_file() {
        // A pipe (`<(zcat x.csv)`, a FIFO) or device, not opened here: opening a
        // FIFO and closing it again would cut its writer off, and sniffing its
        // first bytes would eat them. It is read by a format that reads
        // streams, which recognises gzip when it reads.
        let named = super::reader::FORMATS
            .iter()
            .find(|f| f.0.needs_file() && f.named(&name));
        let refuse = |f: Format| {
            format!(
                "{shown}: is a pipe or device, not a file; {} needs a file flcli can seek in: save it to a file first",
                f.0.title()
            )
        };
        let format = match (forced, named) {
            (None, Some(&f)) => bail!("{}", refuse(f)),
            _ => stream_format(forced, refuse)?,
        };
        return Ok(Source {
            path: p.to_path_buf(),
            format,
            pipe: true,
            reader: format.0.open_stream(),
            handle: None,
        });
    }
    let f = std::fs::File::open(p)
        .with_context(|| format!("{shown}: cannot open; check the path and permissions"))?;
    // The size and everything read from here on come from this one handle.
    let handle = Handle::new(f).with_context(|| format!("{shown}: cannot read"))?;
    let size = handle.size();
    if size == 0 {
        bail!(
            "{shown}: the file is empty; point flcli at a file with a header and prediction rows"
        );
    }
    let mut head = [0u8; 8];
    let mut n = 0;
    let mut first = handle.at(0, head.len() as u64);
    while n < head.len() {
        let k = first
            .read(&mut head[n..])
            .with_context(|| format!("{shown}: cannot read"))?;
        if k == 0 {
            break;
        }
        n += k;
    }
    let head = &head[..n];
    // The first four bytes, as messages show them.
    let start = crate::text::quoted(&String::from_utf8_lossy(&head[..n.min(4)]));
    let formats = super::reader::FORMATS;
    let format = match forced {
        Some(f) if f.0.magic().is_some() && !f.0.sniff(head) => bail!(
            "{shown}: --input-format {}, but the file does not start with {}; check the file or drop --input-format",
            f.name(),
            f.0.magic().unwrap_or_default()
        ),
        Some(f) => f,
        None => match formats.iter().find(|f| f.0.sniff(head)) {
            Some(&f) => f,
            None => match formats.iter().find(|f| f.named(&name)) {
                Some(f) if f.0.magic().is_some() => bail!(
                    "{shown}: named {} but it is not a {} file (it starts with {start}); if it is {}, rename it or pass --input-format {}",
                    f.0.extensions()[0],
                    f.0.title(),
                    Format::fallback().0.title(),
                    Format::fallback().name()
                ),
                Some(&f) => f,
                None => Format::fallback(),
            },
        },
    };
    let reader = format.0.open(&shown, &handle, head)?;
    Ok(Source {
        path: p.to_path_buf(),
        format,
        pipe: false,
        reader,
        handle: Some(handle),
    })
}
