//! The `.npy` header: magic bytes, version, and the Python dict literal that
//! gives the array's dtype, memory order and shape; and turning the raw
//! little-endian elements of the dtypes flcli reads into numbers.

use crate::text::quoted;
use anyhow::{bail, Result};

/// The magic bytes every `.npy` file (and every array in a `.npz`) starts with.
pub(crate) const MAGIC: &[u8] = b"\x93NUMPY";

/// The element types flcli reads (little-endian, or single bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dtype {
    /// `<f2`, `<f4`, `<f8`: a float of this many bytes.
    Float(u8),
    /// `|i1`, `<i2`, `<i4`, `<i8`.
    Int(u8),
    /// `|u1`, `<u2`, `<u4`, `<u8`.
    Uint(u8),
    /// `|b1`.
    Bool,
}

impl Dtype {
    /// Bytes per element.
    pub(crate) fn size(self) -> usize {
        match self {
            Dtype::Float(n) | Dtype::Int(n) | Dtype::Uint(n) => n as usize,
            Dtype::Bool => 1,
        }
    }

    /// Whether the elements are floats.
    pub(crate) fn is_float(self) -> bool {
        matches!(self, Dtype::Float(_))
    }

    /// Appends the elements in `raw` as floats (scores).
    pub(crate) fn floats(self, raw: &[u8], out: &mut Vec<f64>) {
        let n = self.size();
        match self {
            Dtype::Float(2) => out.extend(
                raw.chunks_exact(n)
                    .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f64()),
            ),
            Dtype::Float(4) => out.extend(
                raw.chunks_exact(n)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64),
            ),
            Dtype::Float(_) => out.extend(
                raw.chunks_exact(n)
                    .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes"))),
            ),
            _ => {
                let mut ints = Vec::with_capacity(raw.len() / n);
                self.ints(raw, &mut ints);
                out.extend(ints.into_iter().map(|v| v as f64));
            }
        }
    }

    /// Appends the elements in `raw` as integers (labels); a `u8` past
    /// `i64::MAX` (no label of a real data set) becomes `i64::MIN`, which is
    /// never a class, the background or the ignore index's usual values.
    pub(crate) fn ints(self, raw: &[u8], out: &mut Vec<i64>) {
        let n = self.size();
        let mut word: [u8; 8];
        for b in raw.chunks_exact(n) {
            let v = match self {
                Dtype::Int(_) => {
                    // Sign-extend from the top byte.
                    let fill = if b[n - 1] & 0x80 != 0 { 0xff } else { 0 };
                    word = [fill; 8];
                    word[..n].copy_from_slice(b);
                    i64::from_le_bytes(word)
                }
                Dtype::Uint(_) | Dtype::Bool => {
                    word = [0; 8];
                    word[..n].copy_from_slice(b);
                    i64::try_from(u64::from_le_bytes(word)).unwrap_or(i64::MIN)
                }
                Dtype::Float(_) => {
                    let mut f = Vec::with_capacity(1);
                    self.floats(b, &mut f);
                    f[0] as i64
                }
            };
            out.push(v);
        }
    }

    /// The dtype as numpy spells it.
    pub(crate) fn descr(self) -> String {
        match self {
            Dtype::Float(n) => format!("<f{n}"),
            Dtype::Int(1) => "|i1".into(),
            Dtype::Int(n) => format!("<i{n}"),
            Dtype::Uint(1) => "|u1".into(),
            Dtype::Uint(n) => format!("<u{n}"),
            Dtype::Bool => "|b1".into(),
        }
    }
}

/// A parsed `.npy` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The element type.
    pub(crate) dtype: Dtype,
    /// The shape (C order).
    pub(crate) shape: Vec<u64>,
    /// Bytes before the first element.
    pub(crate) data_offset: u64,
}

impl Header {
    /// Elements in the array.
    pub(crate) fn len(&self) -> u64 {
        self.shape.iter().product()
    }
}

/// The length of the whole header (magic to the end of the dict), from its
/// first 12 bytes, or an error in words when they are not an `.npy` start.
pub(crate) fn header_len(head: &[u8]) -> Result<u64> {
    if head.len() < 10 || !head.starts_with(MAGIC) {
        bail!("does not start with the .npy magic bytes \\x93NUMPY");
    }
    match head[6] {
        1 => Ok(10 + u16::from_le_bytes([head[8], head[9]]) as u64),
        2 | 3 if head.len() >= 12 => {
            Ok(12 + u32::from_le_bytes([head[8], head[9], head[10], head[11]]) as u64)
        }
        v => bail!("has .npy format version {v}, which flcli does not know (it reads 1, 2 and 3)"),
    }
}

/// Parses a whole header (`bytes` from the magic to the end of the dict).
/// Errors say what is wrong in words, for the caller to prefix with the file
/// and array and to follow with what to do.
pub(crate) fn parse(bytes: &[u8]) -> Result<Header> {
    let data_offset = header_len(bytes)?;
    let start = if bytes[6] == 1 { 10 } else { 12 };
    let Some(dict) = bytes.get(start..data_offset as usize) else {
        bail!("its header is cut short");
    };
    let dict = std::str::from_utf8(dict)
        .map_err(|_| anyhow::anyhow!("its header is not text"))?
        .trim();
    let descr = field(dict, "descr")?;
    let fortran = field(dict, "fortran_order")?;
    let shape = field(dict, "shape")?;
    let Some(descr) = descr
        .strip_prefix('\'')
        .and_then(|d| d.strip_suffix('\''))
        .or_else(|| descr.strip_prefix('"').and_then(|d| d.strip_suffix('"')))
    else {
        bail!("field descr is {descr} (a structured or record dtype); flcli reads plain numeric arrays")
    };
    let dtype = dtype(descr)?;
    match fortran {
        "False" => {}
        "True" => {
            bail!("field fortran_order is True (a column-major array); flcli reads C-order arrays")
        }
        v => bail!("field fortran_order is {v}, not True or False"),
    }
    let inner = shape
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| anyhow::anyhow!("field shape is {shape}, not a tuple"))?;
    let shape = inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.trim_end_matches('L')
                .parse::<u64>()
                .map_err(|_| anyhow::anyhow!("field shape holds {}, not a size", quoted(s)))
        })
        .collect::<Result<Vec<u64>>>()?;
    // Sizes whose byte count does not fit in 64 bits cannot be a file's.
    let bytes = shape
        .iter()
        .try_fold(dtype.size() as u64, |n, &d| n.checked_mul(d));
    if bytes.is_none_or(|b| b > u64::MAX / 4) {
        bail!("field shape is ({inner}), more elements than any file holds");
    }
    Ok(Header {
        dtype,
        shape,
        data_offset,
    })
}

/// The value of `'key': value` in the header's dict literal (a quoted
/// string, a word, or a parenthesised tuple).
fn field<'a>(dict: &'a str, key: &str) -> Result<&'a str> {
    let pat1 = format!("'{key}'");
    let pat2 = format!("\"{key}\"");
    let at = dict
        .find(&pat1)
        .or_else(|| dict.find(&pat2))
        .ok_or_else(|| anyhow::anyhow!("its header has no field {key}"))?;
    let rest = dict[at + pat1.len()..].trim_start();
    let rest = rest
        .strip_prefix(':')
        .ok_or_else(|| anyhow::anyhow!("its header's field {key} has no value"))?
        .trim_start();
    let end = match rest.chars().next() {
        Some('(') => rest.find(')').map(|i| i + 1),
        Some('[') => rest.find(']').map(|i| i + 1),
        Some(q @ ('\'' | '"')) => rest[1..].find(q).map(|i| i + 2),
        _ => rest.find([',', '}']),
    };
    Ok(rest[..end.unwrap_or(rest.len())].trim())
}

/// The dtype from its numpy string, or what is wrong with it.
fn dtype(d: &str) -> Result<Dtype> {
    let (order, code) = d.split_at(d.len().min(1));
    let one_byte = matches!(code, "i1" | "u1" | "b1");
    let little = order == "<"
        || (order == "|" && one_byte)
        || (order == "=" && cfg!(target_endian = "little"));
    if order == ">" && !one_byte {
        bail!(
            "field descr is {}, big-endian; flcli reads little-endian arrays",
            quoted(d)
        )
    }
    let t = match code {
        "f2" => Dtype::Float(2),
        "f4" => Dtype::Float(4),
        "f8" => Dtype::Float(8),
        "i1" => Dtype::Int(1),
        "i2" => Dtype::Int(2),
        "i4" => Dtype::Int(4),
        "i8" => Dtype::Int(8),
        "u1" => Dtype::Uint(1),
        "u2" => Dtype::Uint(2),
        "u4" => Dtype::Uint(4),
        "u8" => Dtype::Uint(8),
        "b1" => Dtype::Bool,
        c if c.starts_with('O') => {
            bail!("field descr is {}, an object array (Python objects); flcli reads numeric arrays", quoted(d))
        }
        _ => bail!("field descr is {}, which flcli does not read (it reads float16/32/64 scores and integer or boolean labels)", quoted(d)),
    };
    if !little && !one_byte {
        bail!(
            "field descr is {}, not little-endian; flcli reads little-endian arrays",
            quoted(d)
        );
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npy(dict: &str) -> Vec<u8> {
        let mut v = MAGIC.to_vec();
        v.extend([1, 0]);
        v.extend((dict.len() as u16).to_le_bytes());
        v.extend(dict.as_bytes());
        v
    }

    #[test]
    fn parses_numpy_headers() {
        let h = parse(&npy(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4, 5), }\n",
        ))
        .unwrap();
        assert_eq!(h.dtype, Dtype::Float(4));
        assert_eq!(h.shape, vec![3, 4, 5]);
        let h = parse(&npy(
            "{'descr': '|u1', 'fortran_order': False, 'shape': (7,), }",
        ))
        .unwrap();
        assert_eq!((h.dtype, h.shape), (Dtype::Uint(1), vec![7]));
        let h = parse(&npy(
            "{'descr': '<i8', 'fortran_order': False, 'shape': (), }",
        ))
        .unwrap();
        assert!(h.shape.is_empty());
        let e = parse(&npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }",
        ));
        assert!(e.unwrap_err().to_string().contains("more elements"));
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        for (d, want) in [
            (
                "{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }",
                "big-endian",
            ),
            (
                "{'descr': '<f4', 'fortran_order': True, 'shape': (3,), }",
                "fortran_order",
            ),
            (
                "{'descr': '|O', 'fortran_order': False, 'shape': (3,), }",
                "object",
            ),
            (
                "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }",
                "structured",
            ),
            (
                "{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }",
                "does not read",
            ),
        ] {
            let e = parse(&npy(d)).unwrap_err().to_string();
            assert!(e.contains(want), "{d}: {e}");
        }
    }

    #[test]
    fn decodes_every_width() {
        let mut out = Vec::new();
        Dtype::Int(1).ints(&[0xff, 3], &mut out);
        Dtype::Int(2).ints(&(-300i16).to_le_bytes(), &mut out);
        Dtype::Uint(2).ints(&65535u16.to_le_bytes(), &mut out);
        Dtype::Uint(8).ints(&u64::MAX.to_le_bytes(), &mut out);
        assert_eq!(out, vec![-1, 3, -300, 65535, i64::MIN]);
        let mut f = Vec::new();
        Dtype::Float(2).floats(&half::f16::from_f64(0.5).to_le_bytes(), &mut f);
        Dtype::Float(4).floats(&0.25f32.to_le_bytes(), &mut f);
        assert_eq!(f, vec![0.5, 0.25]);
    }
}
