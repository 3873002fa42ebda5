//! Checks every size a Parquet file states before the `parquet` crate
//! allocates by it: the footer's length, the schema's child counts, the
//! offsets and sizes of each column chunk ([`footer`]), and each page
//! header of the column chunks a unit reads ([`pages`]): page sizes,
//! dictionary sizes, and dictionary-encoded pages that have no dictionary.
//! A file whose metadata lies fails here, naming the field, instead of
//! making flcli allocate what the file claims.

use super::handle::{Handle, HEADER_READ};
use super::thrift::{Compact, Value, STRUCT};
use anyhow::{anyhow, Result};
use parquet::basic::{Compression, Type as Physical};
use parquet::file::metadata::ParquetMetaData;
use std::io::BufReader;

/// Largest page flcli decompresses: writers cut pages at about 1 MiB, so
/// this is far above any real page yet keeps a lying header from asking
/// for gigabytes.
pub(crate) const MAX_PAGE: i64 = 64 << 20;

fn damaged(shown: &str, at: &str, what: String) -> anyhow::Error {
    anyhow!("{shown}: the Parquet metadata is damaged: {at}: {what}; re-export the file, or leave it out")
}

fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        _ => None,
    }
}

/// Checks the footer of a file of `h.size()` bytes (a file that does not end
/// with `PAR1` is left to the Parquet reader, whose message says so).
pub(crate) fn footer(shown: &str, h: &Handle) -> Result<()> {
    let size = h.size();
    let mut tail = [0u8; 8];
    if size < 12 || std::io::Read::read_exact(&mut h.at(size - 8, size), &mut tail).is_err() {
        return Ok(());
    }
    if &tail[4..] != b"PAR1" {
        return Ok(());
    }
    let len = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if len + 12 > size {
        // A cut file: the Parquet reader says it is truncated, allocating nothing.
        return Ok(());
    }
    let mut r = BufReader::new(h.at(size - 8 - len, size - 8));
    let mut c = Compact::new(&mut r, len);
    walk_footer(&mut c, size).map_err(|(at, what)| damaged(shown, &at, what))
}

type Found = (String, String);

fn at(place: &str) -> impl Fn(String) -> Found + '_ {
    move |what| (place.to_string(), what)
}

fn walk_footer(c: &mut Compact, size: u64) -> Result<(), Found> {
    let top = at("the footer");
    c.enter().map_err(&top)?;
    let mut last = 0;
    while let Some((id, v)) = c.field(&mut last).map_err(&top)? {
        match (id, v) {
            (2, Value::List(STRUCT, n)) => schema(c, n)?,
            (3, Value::Int(rows)) if rows < 0 => {
                return Err(top(format!("num_rows is negative ({rows})")))
            }
            (4, Value::List(STRUCT, n)) => {
                for rg in 0..n {
                    row_group(c, rg, size)?;
                }
            }
            (_, v) => c.skip_value(v).map_err(&top)?,
        }
    }
    Ok(())
}

/// The schema elements, in pre-order: each group's `num_children` must be
/// no more than the elements that follow it.
fn schema(c: &mut Compact, n: u64) -> Result<(), Found> {
    // Children still expected by each open group.
    let mut open: Vec<i64> = Vec::new();
    for i in 0..n {
        let place = format!("schema element {i}");
        let err = at(&place);
        c.value(STRUCT).map_err(&err)?;
        c.enter().map_err(&err)?;
        let mut last = 0;
        let mut children = None;
        while let Some((id, v)) = c.field(&mut last).map_err(&err)? {
            match (id, int(&v)) {
                (5, Some(k)) => children = Some(k),
                _ => c.skip_value(v).map_err(&err)?,
            }
        }
        if i > 0 && open.is_empty() {
            return Err(err(
                "it lies outside the schema tree (the root's num_children does not count it)"
                    .into(),
            ));
        }
        if let Some(top) = open.last_mut() {
            *top -= 1;
        }
        match children {
            Some(k) if k < 0 => return Err(err(format!("num_children is negative ({k})"))),
            Some(k) if k as u64 > n - i - 1 => {
                return Err(err(format!(
                    "num_children is {k}, but only {} schema elements follow",
                    n - i - 1
                )))
            }
            Some(k) if k > 0 => open.push(k),
            _ => {}
        }
        while open.last() == Some(&0) {
            open.pop();
        }
    }
    if let Some(k) = open.last() {
        return Err(at("the schema")(format!(
            "a group is missing {k} of the children its num_children counts"
        )));
    }
    Ok(())
}

fn row_group(c: &mut Compact, rg: u64, size: u64) -> Result<(), Found> {
    let place = format!("row group {rg}");
    let err = at(&place);
    c.value(STRUCT).map_err(&err)?;
    c.enter().map_err(&err)?;
    let mut last = 0;
    while let Some((id, v)) = c.field(&mut last).map_err(&err)? {
        match (id, v) {
            (1, Value::List(STRUCT, n)) => {
                for col in 0..n {
                    chunk(c, &format!("{place}, column chunk {col}"), size)?;
                }
            }
            (2 | 3 | 5 | 6, Value::Int(k)) if k < 0 => {
                let name = [
                    "",
                    "",
                    "total_byte_size",
                    "num_rows",
                    "",
                    "file_offset",
                    "total_compressed_size",
                ][id as usize];
                return Err(err(format!("{name} is negative ({k})")));
            }
            (_, v) => c.skip_value(v).map_err(&err)?,
        }
    }
    Ok(())
}

fn chunk(c: &mut Compact, place: &str, size: u64) -> Result<(), Found> {
    let err = at(place);
    c.value(STRUCT).map_err(&err)?;
    c.enter().map_err(&err)?;
    let mut last = 0;
    while let Some((id, v)) = c.field(&mut last).map_err(&err)? {
        match (id, v) {
            (3, Value::Struct) => column_meta(c, place, size)?,
            (2 | 4..=7, Value::Int(k)) if k < 0 => {
                let name = [
                    "",
                    "",
                    "file_offset",
                    "",
                    "offset_index_offset",
                    "offset_index_length",
                    "column_index_offset",
                    "column_index_length",
                ][id as usize];
                return Err(err(format!("{name} is negative ({k})")));
            }
            (_, v) => c.skip_value(v).map_err(&err)?,
        }
    }
    Ok(())
}

fn column_meta(c: &mut Compact, place: &str, size: u64) -> Result<(), Found> {
    let err = at(place);
    c.enter().map_err(&err)?;
    let mut last = 0;
    let (mut data, mut dict, mut len) = (None, None, None);
    while let Some((id, v)) = c.field(&mut last).map_err(&err)? {
        let name = match id {
            5 => "num_values",
            6 => "total_uncompressed_size",
            7 => "total_compressed_size",
            9 => "data_page_offset",
            10 => "index_page_offset",
            11 => "dictionary_page_offset",
            14 => "bloom_filter_offset",
            15 => "bloom_filter_length",
            _ => {
                c.skip_value(v).map_err(&err)?;
                continue;
            }
        };
        let Some(k) = int(&v) else {
            c.skip_value(v).map_err(&err)?;
            continue;
        };
        if k < 0 {
            return Err(err(format!("{name} is negative ({k})")));
        }
        let k = k as u64;
        if matches!(id, 9 | 11) && k >= size {
            return Err(err(format!(
                "{name} is {k}, past the end of the {size}-byte file"
            )));
        }
        match id {
            7 => len = Some(k),
            9 => data = Some(k),
            11 => dict = Some(k),
            _ => {}
        }
    }
    let start = dict.or(data).unwrap_or(0);
    if let Some(len) = len {
        if start + len > size {
            return Err(err(format!(
                "total_compressed_size is {len} from byte {start}, past the end of the {size}-byte file"
            )));
        }
    }
    Ok(())
}

/// What a page header states.
#[derive(Default)]
struct Page {
    ty: i64,
    unc: i64,
    comp: i64,
    /// The dictionary page's value count.
    dict_values: Option<i64>,
    /// The data page's encoding and value count.
    encoding: Option<i64>,
    values: i64,
    /// A v2 page's level bytes.
    levels: i64,
}

fn page_header(c: &mut Compact) -> Result<Page, String> {
    let mut p = Page::default();
    c.enter()?;
    let mut last = 0;
    while let Some((id, v)) = c.field(&mut last)? {
        match (id, v) {
            (1, Value::Int(k)) => p.ty = k,
            (2, Value::Int(k)) => p.unc = k,
            (3, Value::Int(k)) => p.comp = k,
            (5 | 7 | 8, Value::Struct) => {
                c.enter()?;
                let mut l = 0;
                while let Some((f, v)) = c.field(&mut l)? {
                    match (id, f, v) {
                        (7, 1, Value::Int(k)) => p.dict_values = Some(k),
                        (5 | 8, 1, Value::Int(k)) => p.values = k,
                        (5, 2, Value::Int(k)) | (8, 4, Value::Int(k)) => p.encoding = Some(k),
                        (8, 5 | 6, Value::Int(k)) if k < 0 => {
                            return Err(format!("a level length is negative ({k})"))
                        }
                        (8, 5 | 6, Value::Int(k)) => p.levels = p.levels.saturating_add(k),
                        (_, _, v) => c.skip_value(v)?,
                    }
                }
            }
            (_, v) => c.skip_value(v)?,
        }
    }
    Ok(p)
}

/// Checks the page headers of the column chunks of row groups `rgs` and
/// leaf columns `leaves`, reading only the headers.
pub(crate) fn pages(
    shown: &str,
    h: &Handle,
    md: &ParquetMetaData,
    rgs: &[usize],
    leaves: &[usize],
) -> Result<()> {
    for &rg in rgs {
        for &col in leaves {
            let cc = md.row_group(rg).column(col);
            let place = format!(
                "row group {rg}, column {}",
                crate::text::quoted(&cc.column_path().string())
            );
            chunk_pages(h, cc).map_err(|e| damaged(shown, &place, e))?;
        }
    }
    Ok(())
}

fn chunk_pages(
    h: &Handle,
    cc: &parquet::file::metadata::ColumnChunkMetaData,
) -> Result<(), String> {
    let start = cc.dictionary_page_offset().unwrap_or(cc.data_page_offset()) as u64;
    let end = start + cc.compressed_size() as u64;
    let uncompressed = cc.compression() == Compression::UNCOMPRESSED;
    // The fewest bytes a dictionary value takes, PLAIN-encoded.
    let width = match cc.column_type() {
        Physical::BOOLEAN => 0,
        Physical::INT32 | Physical::FLOAT | Physical::BYTE_ARRAY => 4,
        Physical::INT64 | Physical::DOUBLE => 8,
        Physical::INT96 => 12,
        Physical::FIXED_LEN_BYTE_ARRAY => cc.column_descr().type_length().max(1) as i64,
    };
    // A page header is tens of bytes and pages hold as few as 20,000 values
    // (pyarrow's default), so a small buffer: each page's fill is a read of its own.
    let mut r = BufReader::with_capacity(HEADER_READ, h.at(start, end));
    let (mut pos, mut dict, mut n) = (start, false, 0u64);
    while pos < end {
        let mut c = Compact::new(&mut r, end - pos);
        let p = page_header(&mut c).map_err(|e| format!("the page header at byte {pos}: {e}"))?;
        let header = end - pos - c.left;
        let at_byte = pos;
        let here = move |what: String| format!("the page header at byte {at_byte}: {what}");
        for (name, k) in [
            ("uncompressed_page_size", p.unc),
            ("compressed_page_size", p.comp),
        ] {
            if k < 0 {
                return Err(here(format!("{name} is negative ({k})")));
            }
        }
        if p.comp as u64 > end - pos - header {
            return Err(here(format!(
                "compressed_page_size is {}, past the end of its column chunk",
                p.comp
            )));
        }
        if p.unc > MAX_PAGE {
            return Err(here(format!(
                "uncompressed_page_size is {}, over the {} MiB flcli accepts for one page",
                p.unc,
                MAX_PAGE >> 20
            )));
        }
        if uncompressed && p.unc > p.comp {
            return Err(here(format!("uncompressed_page_size {} is larger than compressed_page_size {} in a column chunk that is not compressed", p.unc, p.comp)));
        }
        match p.ty {
            2 => {
                let k = p.dict_values.unwrap_or(0);
                if n > 0 || dict {
                    return Err(here(
                        "a dictionary page that is not the column chunk's first page".into(),
                    ));
                }
                let fits = if width == 0 {
                    p.unc.saturating_mul(8)
                } else {
                    p.unc / width
                };
                if k < 0 || k > fits {
                    return Err(here(format!(
                        "the dictionary page's num_values is {k}, more than its {} bytes can hold",
                        p.unc
                    )));
                }
                dict = true;
            }
            0 | 3 => {
                if p.values < 0 {
                    return Err(here(format!("num_values is negative ({})", p.values)));
                }
                if p.levels > p.comp {
                    return Err(here(format!(
                        "the level lengths ({} bytes) are more than the page's {} bytes",
                        p.levels, p.comp
                    )));
                }
                if matches!(p.encoding, Some(2 | 8)) && !dict {
                    return Err(here("a dictionary-encoded data page, but the column chunk has no dictionary page".into()));
                }
            }
            _ => {}
        }
        n += 1;
        pos += header + p.comp as u64;
        r.seek_relative(p.comp)
            .map_err(|e| here(format!("cannot read past it ({e})")))?;
    }
    Ok(())
}
