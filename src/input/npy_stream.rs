//! Reading runs of a NumPy array's elements without holding the array: an
//! array kept as it is (a `.npy` file, an `np.savez` member) is read with a
//! seek and a read per run; a deflated one (`np.savez_compressed`) through
//! streaming inflaters that only move forward, one per place being read
//! (the planes of a channels-first map are read side by side).

use super::handle::{At, Handle};
use super::npy_header::Header;
use super::npz_zip::{Member, Method};
use anyhow::{anyhow, bail, Result};
use flate2::bufread::DeflateDecoder;
use std::io::{BufReader, Read, Seek, SeekFrom};

/// Where an array's bytes are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Body {
    /// As they are, the first element at this file offset.
    Plain(u64),
    /// A deflated zip member starting at `at`, `packed` bytes long, whose
    /// inflated bytes are the `.npy` header then the elements.
    Deflated {
        /// File offset of the deflated bytes.
        at: u64,
        /// Their length.
        packed: u64,
    },
}

/// One array of an input file.
#[derive(Clone, Debug)]
pub(crate) struct Array {
    /// Its name: the `.npz` member without `.npy`, or the `.npy` file's stem.
    pub(crate) name: String,
    /// The file that holds it when it is not the source's own (`--labels-npy`).
    pub(crate) handle: Option<Handle>,
    /// The file as shown in messages.
    pub(crate) shown: String,
    /// Its header.
    pub(crate) header: Header,
    /// Where its elements are.
    pub(crate) body: Body,
}

/// Reads the header of the array in `member` of the archive `f`.
pub(crate) fn member_header(f: &mut At, m: &Member) -> Result<Header> {
    let mut head = Vec::new();
    match m.method {
        Method::Stored => {
            f.seek(SeekFrom::Start(m.offset))?;
            f.by_ref()
                .take(m.packed.min(1 << 20))
                .read_to_end(&mut head)?;
        }
        Method::Deflated => {
            f.seek(SeekFrom::Start(m.offset))?;
            let inner = BufReader::new(f.by_ref().take(m.packed));
            // A partial read is fine: only the header is needed.
            let _ = DeflateDecoder::new(inner)
                .take(1 << 20)
                .read_to_end(&mut head);
        }
    }
    let len = super::npy_header::header_len(&head)?;
    if len as usize > head.len() {
        bail!("its header is cut short");
    }
    super::npy_header::parse(&head[..len as usize])
}

impl Array {
    /// Bytes of the elements the header promises.
    pub(crate) fn data_bytes(&self) -> u64 {
        self.header.len() * self.header.dtype.size() as u64
    }

    /// Whether its elements can be sought to (not deflated).
    pub(crate) fn seekable(&self) -> bool {
        matches!(self.body, Body::Plain(_))
    }
}

/// A place in an array being read.
enum Cursor {
    /// A positioned reader and the element it is at.
    Plain(At, u64),
    /// An inflater and the element it is at.
    Inflate(Box<DeflateDecoder<BufReader<At>>>, u64),
}

/// Reads runs of one array's elements.
pub(crate) struct Elements<'a> {
    array: &'a Array,
    file: &'a Handle,
    cursors: Vec<Cursor>,
}

impl<'a> Elements<'a> {
    /// A reader of `array`, whose file is `file` unless the array has its own.
    pub(crate) fn new(array: &'a Array, file: &'a Handle) -> Elements<'a> {
        Elements {
            file: array.handle.as_ref().unwrap_or(file),
            array,
            cursors: Vec::new(),
        }
    }

    fn open(&self, start: u64, end: u64) -> At {
        self.file.at(start, end)
    }

    fn damaged(&self, e: std::io::Error) -> anyhow::Error {
        damaged(self.array, e)
    }

    /// Appends the raw bytes of elements `start..start + n` to `out`.
    pub(crate) fn read(&mut self, start: u64, n: usize, out: &mut Vec<u8>) -> Result<()> {
        let size = self.array.header.dtype.size() as u64;
        let bytes = n * size as usize;
        let at = out.len();
        out.resize(at + bytes, 0);
        let buf = &mut out[at..];
        match self.array.body {
            Body::Plain(first) => {
                if self.cursors.is_empty() {
                    let end = first + self.array.data_bytes();
                    self.cursors
                        .push(Cursor::Plain(self.open(first, end), u64::MAX));
                }
                let array = self.array;
                let Cursor::Plain(f, pos) = &mut self.cursors[0] else {
                    unreachable!()
                };
                if *pos != start {
                    f.seek(SeekFrom::Start(first + start * size))
                        .map_err(|e| damaged(array, e))?;
                }
                let r = f.read_exact(buf);
                *pos = start + n as u64;
                r.map_err(|e| damaged(array, e))
            }
            Body::Deflated { at: off, packed } => {
                // The inflater furthest along that is not past `start`, else a new one.
                let best = self
                    .cursors
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| match c {
                        Cursor::Inflate(_, p) if *p <= start => Some((i, *p)),
                        _ => None,
                    })
                    .max_by_key(|&(_, p)| p)
                    .map(|(i, _)| i);
                let i = match best {
                    Some(i) => i,
                    None => {
                        let f = self.open(off, off + packed);
                        let mut d =
                            Box::new(DeflateDecoder::new(BufReader::with_capacity(1 << 16, f)));
                        let skip = self.array.header.data_offset;
                        let got = std::io::copy(&mut (&mut d).take(skip), &mut std::io::sink())
                            .map_err(|e| self.damaged(e))?;
                        if got < skip {
                            return Err(self.damaged(std::io::ErrorKind::UnexpectedEof.into()));
                        }
                        self.cursors.push(Cursor::Inflate(d, 0));
                        self.cursors.len() - 1
                    }
                };
                let array = self.array;
                let Cursor::Inflate(d, pos) = &mut self.cursors[i] else {
                    unreachable!()
                };
                let gap = (start - *pos) * size;
                let got = std::io::copy(&mut (&mut **d).take(gap), &mut std::io::sink());
                let r = match got {
                    Ok(g) if g == gap => d.read_exact(buf),
                    Ok(_) => Err(std::io::ErrorKind::UnexpectedEof.into()),
                    Err(e) => Err(e),
                };
                *pos = start + n as u64;
                r.map_err(|e| damaged(array, e))
            }
        }
    }
}

/// The error for an array whose elements cannot be read.
fn damaged(a: &Array, e: std::io::Error) -> anyhow::Error {
    anyhow!(
        "{}: array {} cannot be read to its end ({e}); the file may be truncated or damaged: save it again",
        a.shown,
        crate::text::quoted(&a.name)
    )
}
