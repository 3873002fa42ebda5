//! The `--by` group of each row of an Arrow record batch, for the shared
//! Arrow decoder.

use super::decode::Decoder;
use super::Source;
use crate::engine::groups::Fnv;
use crate::engine::UnitAcc;
use anyhow::{anyhow, Result};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;
use std::hash::BuildHasherDefault;

/// The `--by` group of every row (values as text; nulls are a group of their own).
pub(super) fn group_keys(
    a: &ArrayRef,
    src: &Source,
    dec: &Decoder,
    acc: &mut UnitAcc,
) -> Result<Vec<usize>> {
    if let Some(keys) = int_group_keys(a, src, dec, acc)? {
        return Ok(keys);
    }
    if let Some(keys) = dict_group_keys(a, src, dec, acc)? {
        return Ok(keys);
    }
    let text = as_text(a, src)?;
    let v = text.as_string::<i32>();
    let mut out = Vec::with_capacity(v.len());
    let mut last: Option<(Option<&str>, usize)> = None;
    for i in 0..v.len() {
        let key = (!v.is_null(i)).then(|| v.value(i));
        // Runs of one value are common (files sorted or written per split): skip the lookup.
        let g = match last {
            Some((k, g)) if k == key => g,
            _ => dec.group_of(src, key, acc)?,
        };
        last = Some((key, g));
        out.push(g);
    }
    Ok(out)
}

/// The values of `a` as text, as `--by` keys are compared.
fn as_text(a: &ArrayRef, src: &Source) -> Result<ArrayRef> {
    arrow_cast::cast(a, &DataType::Utf8).map_err(|_| {
        anyhow!(
            "{}: the --by column has type {}, which has no text form; pick another column",
            src.display(),
            a.data_type()
        )
    })
}

/// [`group_keys`] of a dictionary column (what a text column of a Parquet
/// file is read as): each dictionary value that rows use is written as text
/// and looked up once, rather than every row's.
fn dict_group_keys(
    a: &ArrayRef,
    src: &Source,
    dec: &Decoder,
    acc: &mut UnitAcc,
) -> Result<Option<Vec<usize>>> {
    if !matches!(a.data_type(), DataType::Dictionary(..)) {
        return Ok(None);
    }
    let d = a.as_any_dictionary();
    let keys = d.normalized_keys();
    let text = as_text(d.values(), src)?;
    let values = text.as_string::<i32>();
    // A row is null where its key is, or the value its key points at.
    let nulls = a.logical_nulls();
    let mut of = vec![usize::MAX; values.len()];
    let mut null_group = None;
    let mut out = Vec::with_capacity(a.len());
    for (i, &k) in keys.iter().enumerate() {
        let g = if nulls.as_ref().is_some_and(|n| n.is_null(i)) {
            match null_group {
                Some(g) => g,
                None => *null_group.insert(dec.group_of(src, None, acc)?),
            }
        } else {
            if of[k] == usize::MAX {
                of[k] = dec.group_of(src, Some(values.value(k)), acc)?;
            }
            of[k]
        };
        out.push(g);
    }
    Ok(Some(out))
}

/// [`group_keys`] of an integer column (of a type that fits in i64) without
/// writing every value as text: each distinct value of the batch is written
/// and looked up once (its text is the decimal digits, as the cast writes them).
fn int_group_keys(
    a: &ArrayRef,
    src: &Source,
    dec: &Decoder,
    acc: &mut UnitAcc,
) -> Result<Option<Vec<usize>>> {
    use arrow_array::types::Int64Type;
    let fits = matches!(
        a.data_type(),
        DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
    );
    if !fits {
        return Ok(None);
    }
    let ints = arrow_cast::cast(a, &DataType::Int64)?;
    let v = ints.as_primitive::<Int64Type>();
    let mut seen: std::collections::HashMap<i64, usize, BuildHasherDefault<Fnv>> =
        Default::default();
    // Small non-negative keys (class ids, split numbers, image ids of a small
    // set) are found by index, without hashing: most `--by` columns are these.
    let mut small = vec![usize::MAX; SMALL_KEYS.min(v.len())];
    let mut null_group = None;
    let mut out = Vec::with_capacity(v.len());
    for i in 0..v.len() {
        let g = if v.is_null(i) {
            match null_group {
                Some(g) => g,
                None => *null_group.insert(dec.group_of(src, None, acc)?),
            }
        } else {
            let x = v.value(i);
            let slot = usize::try_from(x).ok().filter(|&k| k < small.len());
            match slot.map(|k| small[k]).filter(|&g| g != usize::MAX) {
                Some(g) => g,
                None => {
                    let g = match seen.get(&x) {
                        Some(&g) => g,
                        None => {
                            let g = dec.group_of(src, Some(&x.to_string()), acc)?;
                            seen.insert(x, g);
                            g
                        }
                    };
                    if let Some(k) = slot {
                        small[k] = g;
                    }
                    g
                }
            }
        };
        out.push(g);
    }
    Ok(Some(out))
}

/// Keys below this are looked up by index in [`int_group_keys`] (a table of
/// this many entries per batch, at most one per row).
const SMALL_KEYS: usize = 4096;
