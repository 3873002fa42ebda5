//! NumPy input: a `.npz` archive (`np.savez`, `np.savez_compressed`) whose
//! arrays are named like columns (`labels`, `logits`, ...), or a `.npy` file
//! of scores with its labels in a second `.npy` named by `--labels-npy`.
//! Arrays are (N,) and (N, K) for classification, and (N, K, d1, ...) score
//! maps against (N, d1, ...) label maps (or (N, d1, ..., K) with
//! `--channels-last`), where every element of the label map is one example.
//! The elements are read in slices ([`super::npy_stream`]) and handed to the
//! shared Arrow decoder as record batches, so they get the checks and
//! messages every other format gets.

use super::decode::Decoder;
use super::detect::{ColType, Column, Layout};
use super::handle::Handle;
use super::npy_header::{self, MAGIC};
use super::npy_plan::Plan;
use super::npy_stream::{member_header, Array, Body};
use super::npz_zip::{self, Method};
use super::reader::{Kind, Reader, Span};
use super::{InputOptions, Source, Targets};
use crate::engine::UnitAcc;
use crate::text::quoted;
use anyhow::{anyhow, bail, Result};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// The virtual column that numbers the images of a map (its leading axis), for `--by image`.
pub(crate) const IMAGE: &str = "image";

/// One `.npy` array.
pub(crate) struct Npy;

/// A `.npz` archive of `.npy` arrays.
pub(crate) struct Npz;

impl Kind for Npy {
    fn name(&self) -> &'static str {
        "npy"
    }
    fn about(&self) -> &'static str {
        "NumPy .npy scores, with the labels in a second .npy (--labels-npy)"
    }
    fn title(&self) -> &'static str {
        "NumPy .npy"
    }
    fn extensions(&self) -> &'static [&'static str] {
        &[".npy"]
    }
    fn magic(&self) -> Option<&'static str> {
        Some("the .npy magic bytes \\x93NUMPY")
    }
    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(MAGIC)
    }
    fn needs_file(&self) -> bool {
        true
    }
    fn open(&self, shown: &str, file: &Handle, _head: &[u8]) -> Result<Box<dyn Reader>> {
        let a = read_npy(shown, Path::new(shown), file)?;
        Ok(Box::new(NumpyFile {
            arrays: vec![a],
            npy: true,
            plan: None,
        }))
    }
}

/// The array of the `.npy` file at `path`, named after the file's stem.
pub(crate) fn open_npy(path: &Path) -> Result<Array> {
    let shown = crate::text::escape(&path.display().to_string());
    let f = std::fs::File::open(path).map_err(|e| anyhow!("{shown}: cannot open: {e}"))?;
    let h = Handle::new(f).map_err(|e| anyhow!("{shown}: cannot read: {e}"))?;
    let mut a = read_npy(&shown, path, &h)?;
    a.handle = Some(h);
    Ok(a)
}

/// The array of the `.npy` file `h` (read through the source's handle).
fn read_npy(shown: &str, path: &Path, h: &Handle) -> Result<Array> {
    let shown = shown.to_string();
    let size = h.size();
    let mut f = h.at(0, size);
    let mut head = vec![0u8; 12.min(size as usize)];
    f.seek(SeekFrom::Start(0))?;
    f.read_exact(&mut head)
        .map_err(|e| anyhow!("{shown}: cannot read: {e}"))?;
    let not_npy = |e: anyhow::Error| {
        anyhow!("{shown}: not a readable .npy file: {e}; save the array with np.save")
    };
    let len = npy_header::header_len(&head).map_err(not_npy)?;
    let mut all = vec![0u8; len.min(size) as usize];
    f.seek(SeekFrom::Start(0))?;
    f.read_exact(&mut all)
        .map_err(|_| not_npy(anyhow!("its header is cut short")))?;
    let header = npy_header::parse(&all).map_err(not_npy)?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let a = Array {
        name,
        handle: None,
        shown: shown.clone(),
        body: Body::Plain(header.data_offset),
        header,
    };
    if a.header.data_offset + a.data_bytes() > size {
        bail!(
            "{shown}: array {} of shape {} needs {} bytes of data but the file has {}; it is truncated (or still being written): save it again",
            quoted(&a.name),
            shape_text(&a.header.shape),
            a.data_bytes(),
            size.saturating_sub(a.header.data_offset)
        );
    }
    Ok(a)
}

impl Kind for Npz {
    fn name(&self) -> &'static str {
        "npz"
    }
    fn about(&self) -> &'static str {
        "NumPy .npz archive of arrays named like the columns (labels, logits or probs)"
    }
    fn title(&self) -> &'static str {
        "NumPy .npz"
    }
    fn extensions(&self) -> &'static [&'static str] {
        &[".npz"]
    }
    fn magic(&self) -> Option<&'static str> {
        Some("the zip magic bytes PK\\x03\\x04")
    }
    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(b"PK\x03\x04")
    }
    fn needs_file(&self) -> bool {
        true
    }
    fn open(&self, shown: &str, handle: &Handle, _head: &[u8]) -> Result<Box<dyn Reader>> {
        let size = handle.size();
        let mut file = handle.at(0, size);
        let members = npz_zip::members(&mut file, size).map_err(|e| {
            anyhow!("{shown}: not a readable .npz archive: {e}; save it again with np.savez or np.savez_compressed")
        })?;
        let mut arrays = Vec::new();
        for m in members.iter().filter(|m| m.name.ends_with(".npy")) {
            let name = m.name.trim_end_matches(".npy").to_string();
            let header = member_header(&mut file, m).map_err(|e| {
                anyhow!("{shown}: array {} is not a readable .npy member: {e}; save the arrays with np.savez as plain numeric arrays", quoted(&name))
            })?;
            let body = match m.method {
                Method::Stored => Body::Plain(m.offset + header.data_offset),
                Method::Deflated => Body::Deflated {
                    at: m.offset,
                    packed: m.packed,
                },
            };
            let a = Array {
                name,
                handle: None,
                shown: shown.to_string(),
                header,
                body,
            };
            if a.header.data_offset + a.data_bytes() > m.size {
                bail!("{shown}: array {} of shape {} needs {} bytes but its member holds {}; the archive is damaged: save it again", quoted(&a.name), shape_text(&a.header.shape), a.data_bytes(), m.size);
            }
            arrays.push(a);
        }
        if arrays.is_empty() {
            bail!("{shown}: a zip archive with no .npy arrays in it; flcli reads .npz files written by np.savez(path, labels=..., logits=...)");
        }
        Ok(Box::new(NumpyFile {
            arrays,
            npy: false,
            plan: None,
        }))
    }
}

/// `(2, 3)` as numpy prints a shape.
pub(crate) fn shape_text(shape: &[u64]) -> String {
    match shape {
        [one] => format!("({one},)"),
        s => format!(
            "({})",
            s.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// One opened `.npy` or `.npz` file.
#[derive(Debug)]
pub(crate) struct NumpyFile {
    /// Its arrays (read through the source's handle).
    arrays: Vec<Array>,
    /// A `.npy` file (one array), else a `.npz` archive.
    npy: bool,
    /// What a pass reads, once bound.
    plan: Option<Plan>,
}

impl NumpyFile {
    /// The file's arrays, and the `--labels-npy` array.
    fn arrays(&self, shown: &str, opts: &InputOptions) -> Result<Vec<Array>> {
        let mut out = self.arrays.clone();
        match &opts.labels_npy {
            Some(p) => {
                let l = open_npy(p)?;
                if out.iter().any(|a| a.name == l.name) {
                    bail!("{}: the labels array {} (--labels-npy) has the name of an array of {shown}; rename one of the files", l.shown, quoted(&l.name));
                }
                out.push(l);
            }
            None if self.npy => bail!(
                "{shown}: a .npy file holds one array (here the scores); name the labels file with --labels-npy FILE, or save both in one archive: np.savez(path, labels=labels, logits=logits)"
            ),
            None => {}
        }
        Ok(out)
    }
}

impl Reader for NumpyFile {
    /// Each array is a column: a list column when another array with one
    /// axis fewer and the same length exists (the scores of each element),
    /// else a scalar one. Label maps also offer [`IMAGE`], their leading index.
    fn columns(&self, src: &Source, opts: &InputOptions) -> Result<Vec<Column>> {
        let arrays = self.arrays(&src.display(), opts)?;
        let mut cols = Vec::new();
        let mut map = false;
        // Multi-hot targets: an integer array shaped like a float array of
        // scores (2+ axes), named `targets` or read so under --mode sigmoid.
        let sigmoid = opts.columns.mode == Some(crate::model::Mode::Sigmoid);
        let hot = |a: &Array| {
            !a.header.dtype.is_float()
                && a.header.shape.len() >= 2
                && (a.name == "targets" || sigmoid)
                && arrays.iter().any(|b| {
                    b.name != a.name
                        && b.header.dtype.is_float()
                        && b.header.shape == a.header.shape
                })
        };
        for a in &arrays {
            let s = &a.header.shape;
            let classes = || {
                if opts.channels_last {
                    s[s.len() - 1]
                } else {
                    s[1]
                }
            } as usize;
            if hot(a) {
                map |= s.len() > 2;
                cols.push(Column {
                    name: a.name.clone(),
                    ty: ColType::MultiHot(classes()),
                });
                continue;
            }
            let per_elem = arrays.iter().any(|b| {
                b.header.shape.len() + 1 == s.len() && b.header.shape.first() == s.first()
            }) || (a.header.dtype.is_float()
                && arrays.iter().any(|b| hot(b) && b.header.shape == *s));
            let ty = match (per_elem, s.len()) {
                (true, n) if n >= 2 => {
                    ColType::List(Some(
                        if opts.channels_last { s[n - 1] } else { s[1] } as usize
                    ))
                }
                _ => {
                    map |= s.len() >= 2;
                    ColType::Scalar
                }
            };
            cols.push(Column {
                name: a.name.clone(),
                ty,
            });
        }
        if map && !cols.iter().any(|c| c.name == IMAGE) {
            cols.push(Column {
                name: IMAGE.into(),
                ty: ColType::Scalar,
            });
        }
        Ok(cols)
    }

    fn bind(
        &mut self,
        shown: &str,
        layout: &Layout,
        _columns: &[Column],
        opts: &InputOptions,
    ) -> Result<()> {
        if let Some(t @ (Targets::Columns(_) | Targets::List(_))) = &layout.targets {
            bail!(
                "{shown}: multi-label targets ({}) in a NumPy file are one integer array of 0/1 shaped like the scores, (N, K), named targets (or any name with --mode sigmoid)",
                t.columns().join(", ")
            );
        }
        let arrays = self.arrays(shown, opts)?;
        self.plan = Some(Plan::new(shown, arrays, layout, opts)?);
        Ok(())
    }

    /// Seekable arrays are read in parts in parallel; a deflated one front to back.
    fn units(&self, _src: &Source, _opts: &InputOptions, whole: bool) -> Result<Vec<Span>> {
        let plan = self
            .plan
            .as_ref()
            .ok_or_else(|| anyhow!("arrays read before binding"))?;
        Ok(plan.units(whole))
    }

    fn read(
        &self,
        src: &Source,
        span: &Span,
        dec: &Decoder,
        acc: &mut UnitAcc,
    ) -> Result<Option<u64>> {
        let plan = self
            .plan
            .as_ref()
            .ok_or_else(|| anyhow!("arrays read before binding"))?;
        plan.read(src, span, dec, acc)?;
        Ok(None)
    }
}
