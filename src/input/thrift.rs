//! A minimal reader of the Thrift compact protocol, enough to walk Parquet's
//! footer and page headers field by field and check the sizes they state
//! before the `parquet` crate allocates by them. It reads from a byte stream
//! that ends where the structure must end (the footer, or the column chunk),
//! so a length never asks for more than the bytes that are left.

use std::io::Read;

/// Deepest nesting of structures and lists accepted (real metadata nests a
/// few levels; a damaged file must not recurse without bound).
const MAX_DEPTH: usize = 32;

/// A Thrift compact-protocol reader over at most `left` bytes of `r`.
pub(crate) struct Compact<'a> {
    r: &'a mut dyn Read,
    /// Bytes that may still be read.
    pub(crate) left: u64,
    depth: usize,
}

/// A field's value, as the walkers need it: integers are kept, anything else skipped.
#[derive(Debug)]
pub(crate) enum Value {
    /// Any integer type.
    Int(i64),
    /// A boolean (its value is in the field header; not needed by the walkers).
    Bool,
    /// A structure: the caller reads its fields.
    Struct,
    /// A list or set of `n` elements of element type `ty`: the caller reads them.
    List(u8, u64),
    /// Anything else, already skipped.
    Skipped,
}

/// The compact type of a structure element.
pub(crate) const STRUCT: u8 = 12;

impl<'a> Compact<'a> {
    /// Reads from `r`, of which at most `left` bytes belong to the structure.
    pub(crate) fn new(r: &'a mut dyn Read, left: u64) -> Compact<'a> {
        Compact { r, left, depth: 0 }
    }

    fn byte(&mut self) -> Result<u8, String> {
        if self.left == 0 {
            return Err("it ends before its last field".into());
        }
        let mut b = [0u8; 1];
        self.r
            .read_exact(&mut b)
            .map_err(|e| format!("cannot read it ({e})"))?;
        self.left -= 1;
        Ok(b[0])
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            if shift < 64 {
                v |= u64::from(b & 0x7f) << shift;
            }
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("a number in it is too long".into())
    }

    fn zigzag(&mut self) -> Result<i64, String> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn skip_bytes(&mut self, n: u64) -> Result<(), String> {
        if n > self.left {
            return Err(format!(
                "a field claims {n} bytes where {} are left",
                self.left
            ));
        }
        let got = std::io::copy(&mut (&mut *self.r).take(n), &mut std::io::sink())
            .map_err(|e| format!("cannot read it ({e})"))?;
        if got != n {
            return Err("it ends before its last field".into());
        }
        self.left -= n;
        Ok(())
    }

    /// Enters a structure (fields are read with [`Compact::field`] until it returns `None`).
    pub(crate) fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("its structures nest too deep".into());
        }
        Ok(())
    }

    /// The next field of the current structure: its id and value, or `None`
    /// at the structure's end (which leaves it).
    pub(crate) fn field(&mut self, last: &mut i16) -> Result<Option<(i16, Value)>, String> {
        let h = self.byte()?;
        if h == 0 {
            self.depth -= 1;
            return Ok(None);
        }
        let ty = h & 0x0f;
        let delta = (h >> 4) as i16;
        let id = if delta == 0 {
            self.zigzag()? as i16
        } else {
            last.wrapping_add(delta)
        };
        *last = id;
        Ok(Some((id, self.value(ty)?)))
    }

    /// A value of compact type `ty` (1 and 2 are the booleans of a field header).
    pub(crate) fn value(&mut self, ty: u8) -> Result<Value, String> {
        Ok(match ty {
            1 | 2 => Value::Bool,
            3 => Value::Int(i64::from(self.byte()? as i8)),
            4..=6 => Value::Int(self.zigzag()?),
            7 => {
                self.skip_bytes(8)?;
                Value::Skipped
            }
            8 => {
                let n = self.varint()?;
                self.skip_bytes(n)?;
                Value::Skipped
            }
            9 | 10 => {
                let h = self.byte()?;
                let n = match h >> 4 {
                    15 => self.varint()?,
                    n => u64::from(n),
                };
                // Every element takes a byte or more: a count beyond the bytes left is a lie.
                if n > self.left {
                    return Err(format!(
                        "a list claims {n} elements where {} bytes are left",
                        self.left
                    ));
                }
                Value::List(h & 0x0f, n)
            }
            11 => {
                let n = self.varint()?;
                if n > 0 {
                    let kv = self.byte()?;
                    if n.saturating_mul(2) > self.left + 1 {
                        return Err(format!(
                            "a map claims {n} entries where {} bytes are left",
                            self.left
                        ));
                    }
                    for _ in 0..n {
                        self.skip_elem(kv >> 4)?;
                        self.skip_elem(kv & 0x0f)?;
                    }
                }
                Value::Skipped
            }
            STRUCT => Value::Struct,
            _ => return Err(format!("a field has the unknown type {ty}")),
        })
    }

    /// Skips a value of compact type `ty`, nested structures and lists included.
    pub(crate) fn skip(&mut self, ty: u8) -> Result<(), String> {
        let v = self.value(ty)?;
        self.skip_value(v)
    }

    /// Skips one element of a list or map of compact type `ty` (a boolean
    /// element is a byte of its own, unlike a boolean field).
    pub(crate) fn skip_elem(&mut self, ty: u8) -> Result<(), String> {
        match ty {
            1 | 2 => self.skip_bytes(1),
            _ => self.skip(ty),
        }
    }

    /// Skips the rest of a structure just entered by a [`Value::Struct`].
    pub(crate) fn skip_struct(&mut self) -> Result<(), String> {
        self.enter()?;
        let mut last = 0;
        while let Some((_, v)) = self.field(&mut last)? {
            self.skip_value(v)?;
        }
        Ok(())
    }

    /// Skips what is left of a value `field` returned.
    pub(crate) fn skip_value(&mut self, v: Value) -> Result<(), String> {
        match v {
            Value::Struct => self.skip_struct(),
            Value::List(et, n) => {
                self.enter()?;
                for _ in 0..n {
                    self.skip_elem(et)?;
                }
                self.depth -= 1;
                Ok(())
            }
            _ => Ok(()),
        }
    }
}
