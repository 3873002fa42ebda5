//! Writing NumPy files as `np.save` and `np.savez` / `np.savez_compressed`
//! do (format 1.0 headers padded to 64 bytes; zip members stored or
//! deflated), so tests can build arrays of any dtype, shape and layout.

use std::io::Write;
use std::path::{Path, PathBuf};

/// An array: its dtype as numpy spells it, its shape, its little-endian bytes.
#[derive(Clone, Debug)]
pub struct Npy {
    /// `<f4`, `|u1`, ...
    pub descr: String,
    /// The shape (C order).
    pub shape: Vec<usize>,
    /// The elements' bytes.
    pub data: Vec<u8>,
}

impl Npy {
    /// float64 elements.
    pub fn f64(shape: &[usize], v: &[f64]) -> Npy {
        Npy::raw(
            "<f8",
            shape,
            v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        )
    }

    /// float32 elements.
    pub fn f32(shape: &[usize], v: &[f64]) -> Npy {
        Npy::raw(
            "<f4",
            shape,
            v.iter().flat_map(|x| (*x as f32).to_le_bytes()).collect(),
        )
    }

    /// float16 elements.
    pub fn f16(shape: &[usize], v: &[f64]) -> Npy {
        Npy::raw(
            "<f2",
            shape,
            v.iter()
                .flat_map(|x| half::f16::from_f64(*x).to_le_bytes())
                .collect(),
        )
    }

    /// Integer elements of `width` bytes, signed or not.
    pub fn int(signed: bool, width: usize, shape: &[usize], v: &[i64]) -> Npy {
        let order = if width == 1 { '|' } else { '<' };
        let descr = format!("{order}{}{width}", if signed { 'i' } else { 'u' });
        Npy::raw(
            &descr,
            shape,
            v.iter()
                .flat_map(|x| x.to_le_bytes()[..width].to_vec())
                .collect(),
        )
    }

    /// int64 elements.
    pub fn i64(shape: &[usize], v: &[i64]) -> Npy {
        Npy::int(true, 8, shape, v)
    }

    /// Any dtype string and bytes.
    pub fn raw(descr: &str, shape: &[usize], data: Vec<u8>) -> Npy {
        Npy {
            descr: descr.into(),
            shape: shape.to_vec(),
            data,
        }
    }

    /// The `.npy` bytes, with a header dict as numpy writes it (or `dict` as given).
    pub fn bytes_with(&self, dict: Option<&str>) -> Vec<u8> {
        let shape = match self.shape.as_slice() {
            [one] => format!("({one},)"),
            s => format!(
                "({})",
                s.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let mut d = dict.map(str::to_string).unwrap_or_else(|| {
            format!(
                "{{'descr': '{}', 'fortran_order': False, 'shape': {shape}, }}",
                self.descr
            )
        });
        while !(10 + d.len() + 1).is_multiple_of(64) {
            d.push(' ');
        }
        d.push('\n');
        let mut out = b"\x93NUMPY\x01\x00".to_vec();
        out.extend((d.len() as u16).to_le_bytes());
        out.extend(d.as_bytes());
        out.extend(&self.data);
        out
    }

    /// The `.npy` bytes.
    pub fn bytes(&self) -> Vec<u8> {
        self.bytes_with(None)
    }

    /// Writes `dir/name` as `np.save` does.
    pub fn save(&self, dir: &Path, name: &str) -> PathBuf {
        super::write(dir, name, self.bytes())
    }
}

/// Writes `dir/name` as a zip of `NAME.npy` members, deflated or stored.
pub fn savez(dir: &Path, name: &str, arrays: &[(&str, &Npy)], deflate: bool) -> PathBuf {
    let members: Vec<(String, Vec<u8>)> = arrays
        .iter()
        .map(|(n, a)| (format!("{n}.npy"), a.bytes()))
        .collect();
    zip(dir, name, &members, deflate)
}

/// Writes a zip archive of `members` (name, bytes).
pub fn zip(dir: &Path, name: &str, members: &[(String, Vec<u8>)], deflate: bool) -> PathBuf {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (n, data) in members {
        let crc = crc32fast::hash(data);
        let packed = if deflate {
            let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        } else {
            data.clone()
        };
        let method: u16 = if deflate { 8 } else { 0 };
        let at = out.len() as u32;
        let mut h = Vec::new();
        h.extend(0x0403_4b50u32.to_le_bytes());
        h.extend([20, 0, 0, 0]);
        h.extend(method.to_le_bytes());
        h.extend([0, 0, 0x21, 0]);
        h.extend(crc.to_le_bytes());
        h.extend((packed.len() as u32).to_le_bytes());
        h.extend((data.len() as u32).to_le_bytes());
        h.extend((n.len() as u16).to_le_bytes());
        h.extend(0u16.to_le_bytes());
        h.extend(n.as_bytes());
        out.extend(&h);
        out.extend(&packed);
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend([20, 0]);
        central.extend(&h[4..30]);
        // Comment length, disk, internal and external attributes.
        central.extend([0u8; 10]);
        central.extend(at.to_le_bytes());
        central.extend(n.as_bytes());
    }
    let dir_at = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((members.len() as u16).to_le_bytes());
    out.extend((members.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(dir_at.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    super::write(dir, name, out)
}
