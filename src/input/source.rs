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
}

impl Source {
    /// Whether this is stdin.
    pub fn is_stdin(&self) -> bool {
        self.path.as_os_str() == "-"
    }

    /// The path as shown in messages, with control characters escaped.
    pub fn display(&self) -> String {
        if self.is_stdin() {
            "<stdin>".into()
        } else {
            crate::output::escape(&self.path.display().to_string())
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
            out.push(Source {
                path: p.clone(),
                format: Format::Csv,
                gzip: false,
                size: 0,
                parquet: None,
                csv_index: None,
            });
            continue;
        }
        let meta = std::fs::metadata(p).with_context(|| {
            format!(
                "{}: cannot open; check the path",
                crate::output::escape(&p.display().to_string())
            )
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
    Ok(out)
}

/// Decides a file's format from its first bytes and its extension.
fn classify(p: &Path, forced: Option<Format>) -> Result<Source> {
    let shown = crate::output::escape(&p.display().to_string());
    let mut f = std::fs::File::open(p)
        .with_context(|| format!("{shown}: cannot open; check the path and permissions"))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
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
    let name = p
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let says_parquet =
        name.ends_with(".parquet") || name.ends_with(".pq") || name.ends_with(".parq");
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
    })
}
