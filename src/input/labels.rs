//! Mapping raw label values (numbers, booleans, strings) to class codes.

use crate::model::Mode;
use crate::model::{BACKGROUND, IGNORED};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Why a label value could not be mapped.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum LabelError {
    /// A well-formed value that is not one of the classes.
    Unknown(String),
    /// Not a number, boolean or class name.
    Unparsable(String),
}

/// Turns raw label values into class indices or the special codes.
#[derive(Clone, Debug)]
pub(crate) struct LabelMap {
    mode: Mode,
    classes: usize,
    by_name: HashMap<String, i32>,
    /// Whether class names are non-numeric (`cat`, `dog`): then 0..K-1 are class indices too.
    index_labels: bool,
    positive: Option<String>,
    background: i64,
    ignore: i64,
    /// Classes are exactly "0".."K-1": integers map without formatting or hashing.
    numeric: bool,
    /// `--positive` as an integer, when it is one.
    positive_int: Option<i64>,
    /// With `--positive`: the first other label values seen, for the error
    /// when no row matches it.
    others: Arc<RwLock<Vec<String>>>,
}

/// A word whose sign bit is set when `0 ≤ v < k`: the sign bit of `v` is
/// clear and that of `v - k` is set. Anded over many values, it says whether
/// all are in `0..k`, without a branch.
#[inline(always)]
pub(crate) fn in_classes(v: i64, k: i64) -> u64 {
    (!v & v.wrapping_sub(k)) as u64
}

/// `v` in double quotes, control characters escaped.
fn quote(v: &str) -> String {
    format!("\"{}\"", crate::text::escape(v))
}

/// The most label values an unmatched `--positive` error lists.
const OTHERS: usize = 20;

impl LabelMap {
    /// A map for `names` (class names in class order).
    pub(crate) fn new(
        mode: Mode,
        names: &[String],
        positive: Option<String>,
        background: i64,
        ignore: i64,
    ) -> LabelMap {
        let by_name = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as i32))
            .collect();
        let numeric = names.iter().enumerate().all(|(i, n)| *n == i.to_string());
        let positive_int = positive
            .as_deref()
            .and_then(|p| p.trim().parse::<i64>().ok());
        LabelMap {
            mode,
            classes: names.len(),
            by_name,
            index_labels: mode != Mode::Binary && names.iter().all(|n| n.parse::<f64>().is_err()),
            positive,
            background,
            ignore,
            numeric,
            positive_int,
            others: Arc::default(),
        }
    }

    /// Notes a label value that is not `--positive` (up to [`OTHERS`] of them).
    fn other(&self, value: impl std::fmt::Display) {
        let full = |v: &Vec<String>| v.len() >= OTHERS;
        let seen = self.others.read().unwrap_or_else(|p| p.into_inner());
        if full(&seen) {
            return;
        }
        let value = value.to_string();
        if seen.contains(&value) {
            return;
        }
        drop(seen);
        let mut seen = self.others.write().unwrap_or_else(|p| p.into_inner());
        if !full(&seen) && !seen.contains(&value) {
            seen.push(value);
        }
    }

    /// The error for a `--positive` value that matched no row, listing the
    /// label values seen (`files` names the inputs).
    pub(crate) fn unmatched_positive(&self, files: &str) -> Option<anyhow::Error> {
        let p = self.positive.as_ref()?;
        let seen = self.others.read().unwrap_or_else(|p| p.into_inner());
        let more = if seen.len() >= OTHERS { ", …" } else { "" };
        Some(anyhow::anyhow!(
            "{files}: --positive {}: no row has this label, so there would be no positives; the label values are {}{more}. Pass one of them to --positive",
            quote(p),
            seen.iter().map(|v| quote(v)).collect::<Vec<_>>().join(", ")
        ))
    }

    /// What a valid label looks like, for error hints.
    pub(crate) fn expected(&self) -> String {
        let mut names: Vec<(&String, &i32)> = self.by_name.iter().collect();
        names.sort_by_key(|(_, &i)| i);
        let list: Vec<&str> = names.iter().take(12).map(|(n, _)| n.as_str()).collect();
        let more = if names.len() > 12 { ", …" } else { "" };
        let mut s = format!("one of the classes [{}{}]", list.join(", "), more);
        if self.index_labels {
            s.push_str(&format!(" (or its index 0..{})", self.classes - 1));
        }
        if self.mode == Mode::Sigmoid {
            s.push_str(&format!(", the background value {}", self.background));
        }
        s.push_str(&format!(" or the ignore index {}", self.ignore));
        if self.numeric && self.mode != Mode::Binary {
            s.push_str(&format!(
                "; if the labels are class names, name the {} score columns' classes in order with --class-names NAME,NAME,...",
                self.classes
            ));
        }
        s
    }

    /// Whether a `--positive` value picks the positive rows (then the label
    /// values that miss it are noted, in the order they are mapped).
    pub(crate) fn has_positive(&self) -> bool {
        self.positive.is_some()
    }

    /// The class of an integer label when classes are 0..K-1, without errors or
    /// special values; `None` means "ask [`LabelMap::map_int`]".
    #[inline(always)]
    pub(crate) fn fast_int(&self, v: i64) -> Option<i32> {
        (self.numeric
            && self.positive.is_none()
            && v >= 0
            && v < self.classes as i64
            && v != self.ignore
            && !(self.mode == Mode::Sigmoid && v == self.background))
            .then_some(v as i32)
    }

    /// `K` when every integer label in `0..K` is its own class, so that
    /// [`LabelMap::fast_int`] maps exactly those to themselves; `None` when
    /// it maps none (class names, `--positive`, or a special value in `0..K`).
    pub(crate) fn fast_classes(&self) -> Option<i64> {
        let k = self.classes as i64;
        let inside = |v: i64| (0..k).contains(&v);
        let special =
            inside(self.ignore) || (self.mode == Mode::Sigmoid && inside(self.background));
        (self.numeric && self.positive.is_none() && !special).then_some(k)
    }

    /// Whether [`LabelMap::fast_int`] maps every one of `vs` to itself.
    /// Branch-free 64-bit integer operations that vectorise even on plain x86-64.
    pub(crate) fn all_fast_int(&self, vs: &[i64]) -> bool {
        let Some(k) = self.fast_classes() else {
            return false;
        };
        let all = vs.iter().fold(u64::MAX, |a, &v| a & in_classes(v, k));
        all >> 63 == 1
    }

    /// Maps an integer label.
    pub(crate) fn map_int(&self, v: i64) -> Result<i32, LabelError> {
        if v == self.ignore {
            return Ok(IGNORED);
        }
        if self.mode == Mode::Sigmoid && v == self.background {
            return Ok(BACKGROUND);
        }
        if self.positive.is_some() {
            let hit = Some(v) == self.positive_int;
            if !hit {
                self.other(v);
            }
            return Ok(hit as i32);
        }
        if self.numeric {
            return if v >= 0 && (v as u64) < self.classes as u64 {
                Ok(v as i32)
            } else {
                Err(LabelError::Unknown(v.to_string()))
            };
        }
        if let Some(&i) = self.by_name.get(v.to_string().as_str()) {
            return Ok(i);
        }
        // Named classes (`p_cat, p_dog`) with integer labels: the label is the class index.
        if self.index_labels && (0..self.classes as i64).contains(&v) {
            return Ok(v as i32);
        }
        Err(LabelError::Unknown(v.to_string()))
    }

    /// Maps a floating-point label; integral values (`1.0`) count as integers.
    pub(crate) fn map_float(&self, v: f64) -> Result<i32, LabelError> {
        if v.is_finite() && v == v.trunc() && v.abs() < 9.0e15 {
            self.map_int(v as i64)
        } else {
            Err(LabelError::Unknown(v.to_string()))
        }
    }

    /// Maps a boolean label (binary mode only: true is positive).
    pub(crate) fn map_bool(&self, b: bool) -> Result<i32, LabelError> {
        match self.mode {
            Mode::Binary => Ok(b as i32),
            _ => Err(LabelError::Unknown(b.to_string())),
        }
    }

    /// Maps a label given as text: a class name, a number, or a boolean.
    pub(crate) fn map_str(&self, raw: &str) -> Result<i32, LabelError> {
        let s = raw.trim();
        if let Some(p) = &self.positive {
            if s == p {
                return Ok(1);
            }
        }
        // Classes 0..K-1 (the common CSV case): an integer parse is all it takes,
        // no hashing per row. The result is the one the name lookup would give.
        if self.numeric && self.positive.is_none() {
            if let Ok(v) = s.parse::<i64>() {
                return self.map_int(v);
            }
        }
        if let Some(&i) = self.by_name.get(s) {
            if self.positive.is_none() {
                return Ok(i);
            }
        }
        if let Ok(v) = s.parse::<i64>() {
            return self.map_int(v);
        }
        if let Ok(v) = s.parse::<f64>() {
            return self.map_float(v);
        }
        if self.positive.is_some() {
            self.other(s);
            return Ok(0);
        }
        if self.mode == Mode::Binary {
            if s.eq_ignore_ascii_case("true") {
                return Ok(1);
            }
            if s.eq_ignore_ascii_case("false") {
                return Ok(0);
            }
            return Err(LabelError::Unparsable(s.to_string()));
        }
        Err(LabelError::Unknown(s.to_string()))
    }

    /// The `--background` value (a class of its own only in sigmoid mode).
    pub(crate) fn background(&self) -> i64 {
        self.background
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn binary_labels() {
        let m = LabelMap::new(Mode::Binary, &names(&["0", "1"]), None, -1, -100);
        assert_eq!(m.map_int(1), Ok(1));
        assert_eq!(m.map_str("1.0"), Ok(1));
        assert_eq!(m.map_str("False"), Ok(0));
        assert_eq!(m.map_int(-100), Ok(IGNORED));
        assert!(matches!(m.map_int(2), Err(LabelError::Unknown(_))));
        assert!(matches!(m.map_str("cat"), Err(LabelError::Unparsable(_))));
        let m = LabelMap::new(
            Mode::Binary,
            &names(&["0", "1"]),
            Some("yes".into()),
            -1,
            -100,
        );
        assert_eq!(m.map_str("yes"), Ok(1));
        assert_eq!(m.map_str("no"), Ok(0));
    }

    #[test]
    fn named_and_sigmoid_labels() {
        let m = LabelMap::new(Mode::Softmax, &names(&["cat", "dog"]), None, -1, -100);
        assert_eq!(m.map_str("dog"), Ok(1));
        // Named classes also take their index as the label.
        assert_eq!(m.map_str("1"), Ok(1));
        assert!(matches!(m.map_int(2), Err(LabelError::Unknown(_))));
        // Numbered classes are matched by name only: label 5 is the class "5", 1 is no class.
        let m = LabelMap::new(Mode::Softmax, &names(&["0", "5"]), None, -1, -100);
        assert_eq!(m.map_int(5), Ok(1));
        assert!(m.map_int(1).is_err());
        assert!(matches!(m.map_str("cow"), Err(LabelError::Unknown(_))));
        let m = LabelMap::new(Mode::Sigmoid, &names(&["0", "1", "2"]), None, -1, -100);
        assert_eq!(m.map_int(-1), Ok(BACKGROUND));
        assert_eq!(m.map_str("2"), Ok(2));
        assert!(m.map_int(3).is_err());
    }
}
