//! Input files: expanding directories, and telling Parquet from CSV.

use anyhow::{bail, Context, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// A file format flcli reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Apache Parquet.
    Parquet,
    /// CSV with a header row (optionally gzip-compressed).
    Csv,
}

/// One input file, or stdin.
#[derive(Clone, Debug)]
pub struct Source {
    /// The path; `-` means stdin.
    pub path: PathBuf,
    /// Its format.
    pub format: Format,
    /// Whether it is gzip-compressed (CSV only).
    pub gzip: bool,
    /// Size in bytes (0 for stdin).
    pub size: u64,
    /// Parquet footer, read once when the file is opened.
    pub parquet: Option<parquet::arrow::arrow_reader::ArrowReaderMetadata>,
    /// CSV: where the needed columns sit in this file's header.
    pub csv_index: Option<CsvIndex>,
    /// A pipe or device (`<(zcat x.csv)`, a FIFO): read once, front to back, like stdin.
    pub pipe: bool,
}

/// Positions of the needed columns in one CSV file's header.
#[derive(Clone, Debug, Default)]
pub struct CsvIndex {
    /// Number of fields in the header.
    pub width: usize,
    /// Label field.
    pub label: usize,
    /// Score fields, in class order.
    pub scores: Vec<usize>,
    /// The `--by` field, if any.
    pub by: Option<usize>,
}

impl Source {
    /// Whether this is stdin.
    pub fn is_stdin(&self) -> bool {
        self.path.as_os_str() == "-"
    }

    /// Whether this can only be read once, front to back (stdin, a pipe, a device).
    pub fn is_stream(&self) -> bool {
        self.is_stdin() || self.pipe
    }

    /// The path as shown in messages, with control characters escaped.
    pub fn display(&self) -> String {
        if self.is_stdin() {
            "<stdin>".into()
        } else {
            crate::text::escape(&self.path.display().to_string())
        }
    }
}

const DATA_EXTENSIONS: &[&str] = &[
    ".parquet", ".pq", ".parq", ".csv", ".csv.gz", ".tsv", ".txt",
];

fn is_data_file(p: &Path) -> bool {
    let name = p
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    DATA_EXTENSIONS.iter().any(|e| name.ends_with(e))
}

/// Expands directories into their data files (sorted by name) and checks each file.
pub fn expand(paths: &[PathBuf], forced: Option<Format>) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            if forced == Some(Format::Parquet) {
                bail!("stdin (-) is read as CSV; Parquet needs a file flcli can seek in: save it to a file first");
            }
            out.push(Source {
                path: p.clone(),
                format: Format::Csv,
                gzip: false,
                size: 0,
                parquet: None,
                csv_index: None,
                pipe: false,
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
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("{}: cannot list the directory", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && is_data_file(f))
                .collect();
            files.sort();
            if files.is_empty() {
                bail!(
                    "{}: the directory has no data files (looked for {}); point flcli at the files themselves",
                    p.display(),
                    DATA_EXTENSIONS.join(", ")
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

/// Decides a file's format from its first bytes and its extension.
fn classify(p: &Path, forced: Option<Format>) -> Result<Source> {
    let shown = crate::text::escape(&p.display().to_string());
    let meta = std::fs::metadata(p)
        .with_context(|| format!("{shown}: cannot open; check the path and permissions"))?;
    if !meta.is_file() {
        // A pipe (`<(zcat x.csv)`, a FIFO) or device, not opened here: opening a
        // FIFO and closing it again would cut its writer off, and sniffing its
        // first bytes would eat them. It is read as CSV, and a gzip stream is
        // recognised when read.
        if forced == Some(Format::Parquet) || says_parquet(p) {
            bail!("{shown}: is a pipe or device, not a file; Parquet needs a file flcli can seek in: save it to a file first");
        }
        return Ok(Source {
            path: p.to_path_buf(),
            format: Format::Csv,
            gzip: false,
            size: 0,
            parquet: None,
            csv_index: None,
            pipe: true,
        });
    }
    let mut f = std::fs::File::open(p)
        .with_context(|| format!("{shown}: cannot open; check the path and permissions"))?;
    let size = meta.len();
    if size == 0 {
        bail!(
            "{shown}: the file is empty; point flcli at a file with a header and prediction rows"
        );
    }
    let mut magic = [0u8; 4];
    let n = f
        .read(&mut magic)
        .with_context(|| format!("{shown}: cannot read"))?;
    let magic = &magic[..n];
    let is_parquet = magic == b"PAR1";
    let gzip = magic.starts_with(&[0x1f, 0x8b]);
    let says_parquet = says_parquet(p);
    let format = match forced {
        Some(Format::Parquet) if !is_parquet => bail!(
            "{shown}: --input-format parquet, but the file does not start with the Parquet magic bytes PAR1; check the file or drop --input-format"
        ),
        Some(f) => f,
        None if is_parquet => Format::Parquet,
        None if says_parquet => bail!(
            "{shown}: named .parquet but it is not a Parquet file (it starts with {:?}); if it is CSV, rename it or pass --input-format csv",
            String::from_utf8_lossy(magic)
        ),
        None => Format::Csv,
    };
    let parquet = match format {
        Format::Parquet => Some(super::parquet::load_footer(&shown, f)?),
        Format::Csv => None,
    };
    Ok(Source {
        path: p.to_path_buf(),
        format,
        gzip: gzip && format == Format::Csv,
        size,
        parquet,
        csv_index: None,
        pipe: false,
    })
}

/// Whether the file name says Parquet.
fn says_parquet(p: &Path) -> bool {
    let name = p
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    name.ends_with(".parquet") || name.ends_with(".pq") || name.ends_with(".parq")
}
