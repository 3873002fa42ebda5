//! Wide fixed-point sums for settling: the rows' integers, each k units of
//! 2^e, added into base-2^32 digits from 2^-1074 up, so that a sum that
//! takes many rows becomes an expansion once rather than once per row.
//!
//! A row's value is a finite integer times a power of two from 2^-1074 up,
//! below 2^1100 ([`super::bounds::scaled`]), so [`DIGITS`] digits hold every
//! one: adding is a few integer additions, with no rounding and in any
//! order, and the carries are left in the `i64` digits until they are read.

use crate::engine::exact::Expansion;

/// The weight of digit 0.
const LOW: i32 = -1074;
/// Digits of 32 bits: up to 2^(32 · 70 - 1074) = 2^1166.
const DIGITS: usize = 70;
/// Additions a digit takes before its carries must move up: each adds less
/// than 2^33 in magnitude, so 2^29 of them stay far inside an `i64`.
const HEADROOM: u32 = 1 << 29;

/// Digits a wide sum holds inline: the values one sum takes mostly share a
/// few exponents (a histogram bin's rows share their grid), so they fit in
/// a few digits, and the sums of a table stay small enough to stay in cache.
const WIN: usize = 8;

/// One wide sum: digits `base..base + WIN` inline while every addition
/// falls inside them, else all [`DIGITS`] (allocated on the first such
/// addition and kept, zero, after a drain).
#[derive(Clone, Debug, Default)]
struct Digits {
    win: [i64; WIN],
    /// The digit `win[0]` is.
    base: usize,
    /// All digits, when `wide`.
    all: Option<Box<[i64; DIGITS]>>,
    /// Whether the sum is in `all` (the window's digits moved there).
    wide: bool,
    adds: u32,
    /// The digits that may be non-zero: `lo..hi`.
    lo: usize,
    hi: usize,
}

impl Digits {
    /// Adds k · 2^e, for e ≥ -1074 and k · 2^e below 2^1100.
    #[inline]
    fn add(&mut self, k: i128, e: i32) {
        let off = (e - LOW) as usize;
        let (q, r) = (off / 32, (off % 32) as u32);
        if self.lo >= self.hi {
            if !self.wide {
                // Room for a digit below the first addition's and two above.
                self.base = q.saturating_sub(1).min(DIGITS - WIN);
            }
            (self.lo, self.hi) = (q, q + 5);
        } else {
            (self.lo, self.hi) = (self.lo.min(q), self.hi.max(q + 5));
        }
        // k = hi · 2^64 + lo, lo in [0, 2^64): each part shifted stays inside an i128.
        let lo = ((k as u128) & u64::MAX as u128) << r;
        let hi = ((k >> 64) as i64 as i128) << r;
        const M: u128 = 0xffff_ffff;
        let parts = [
            (lo & M) as i64,
            ((lo >> 32) & M) as i64,
            (lo >> 64) as i64 + (hi & M as i128) as i64,
            ((hi >> 32) & M as i128) as i64,
            (hi >> 64) as i64,
        ];
        if !self.wide && (q < self.base || q + 5 > self.base + WIN) {
            self.spill();
        }
        let d: &mut [i64] = if self.wide {
            let all = self.all.get_or_insert_with(|| Box::new([0; DIGITS]));
            &mut all[q..q + 5]
        } else {
            let at = q - self.base;
            &mut self.win[at..at + 5]
        };
        for (x, p) in d.iter_mut().zip(parts) {
            *x += p;
        }
        self.adds += 1;
        if self.adds >= HEADROOM {
            self.carry();
        }
    }

    /// Moves the window's digits into all of them, for an addition that
    /// falls outside it.
    #[cold]
    fn spill(&mut self) {
        let all = self.all.get_or_insert_with(|| Box::new([0; DIGITS]));
        for (a, w) in all[self.base..self.base + WIN]
            .iter_mut()
            .zip(&mut self.win)
        {
            *a += std::mem::take(w);
        }
        self.wide = true;
    }

    /// Moves every digit's carry into the next: digits in [0, 2^32) but
    /// the last, which keeps the sign. Only when [`HEADROOM`] is reached.
    #[cold]
    fn carry(&mut self) {
        let (d, first): (&mut [i64], usize) = match (&mut self.all, self.wide) {
            (Some(all), true) => (&mut all[..], 0),
            _ => (&mut self.win[..], self.base),
        };
        for i in 0..d.len() - 1 {
            let c = d[i] >> 32;
            d[i] -= c << 32;
            d[i + 1] += c;
        }
        (self.lo, self.hi) = (first, first + d.len());
        self.adds = 0;
    }

    /// Adds the sum into `out` exactly, and empties it.
    fn drain_into(&mut self, out: &mut Expansion) {
        let (d, first): (&mut [i64], usize) = match (&mut self.all, self.wide) {
            (Some(all), true) => (&mut all[..], 0),
            _ => (&mut self.win[..], self.base),
        };
        let (lo, hi) = (self.lo.max(first), self.hi.min(first + d.len()));
        for i in lo..hi {
            let x = &mut d[i - first];
            if *x != 0 {
                // A digit, its carries left in, as two pieces below 2^32
                // times powers of two: exact, subnormals included.
                let (hi, lo) = (*x >> 32, *x & 0xffff_ffff);
                let at = LOW + 32 * i as i32;
                out.add(lo as f64 * super::bounds::two_to(at));
                if hi != 0 {
                    out.add(hi as f64 * super::bounds::two_to(at + 32));
                }
                *x = 0;
            }
        }
        (self.lo, self.hi, self.adds) = (0, 0, 0);
        self.wide = false;
    }
}

/// Wide sums of a table of bins, `width` values each, of which only the
/// bins reached hold digits.
#[derive(Clone, Debug, Default)]
pub(super) struct DigitTable {
    width: usize,
    sums: Vec<Digits>,
    /// The bins added to since the last drain, each once.
    touched: Vec<u32>,
    /// Per bin, whether it is in `touched`.
    seen: Vec<bool>,
}

impl DigitTable {
    /// Makes the table `bins` bins of `width` values (emptying it).
    pub(super) fn shape(&mut self, bins: usize, width: usize) {
        if self.width != width || self.seen.len() != bins {
            *self = DigitTable {
                width,
                sums: vec![Digits::default(); bins * width],
                touched: Vec::new(),
                seen: vec![false; bins],
            };
        }
    }

    /// Adds k · 2^e to value `j` of `bin` (see [`Digits::add`]).
    #[inline]
    pub(super) fn add(&mut self, bin: usize, j: usize, k: i128, e: i32) {
        if k == 0 {
            return;
        }
        if !self.seen[bin] {
            self.seen[bin] = true;
            self.touched.push(bin as u32);
        }
        self.sums[bin * self.width + j].add(k, e);
    }

    /// Gives each bin reached its sums as expansions, and empties the table.
    pub(super) fn drain(&mut self, mut to: impl FnMut(usize, &[Expansion])) {
        let mut row = vec![Expansion::ZERO; self.width];
        let mut touched = std::mem::take(&mut self.touched);
        touched.sort_unstable();
        for &bin in &touched {
            let bin = bin as usize;
            self.seen[bin] = false;
            for (j, x) in row.iter_mut().enumerate() {
                *x = Expansion::ZERO;
                self.sums[bin * self.width + j].drain_into(x);
            }
            to(bin, &row);
        }
        touched.clear();
        self.touched = touched;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_hold_the_exact_sum_of_scaled_integers() {
        let adds: Vec<(i128, i32)> = vec![
            (1, -1074),
            (-(1 << 100) - 12345, -60),
            ((1 << 120) + 7, 890),
            (-(1 << 120), 890),
            (987_654_321, 0),
            (-3, -1074),
            (i64::MAX as i128 * 1000, -900),
            (-5, 40),
        ];
        let mut d = Digits::default();
        let mut want = Expansion::ZERO;
        for &(k, e) in &adds {
            d.add(k, e);
            for x in crate::engine::fixed::bounds::scaled(k, super::super::bounds::two_to(e + 52)) {
                want.add(x);
            }
        }
        let mut got = Expansion::ZERO;
        d.drain_into(&mut got);
        assert_eq!(got.canonical(), want.canonical());
        let mut again = Expansion::ZERO;
        d.drain_into(&mut again);
        assert!(again.parts().is_empty(), "drained");
    }

    /// Sums that stay in the window, one that leaves it part-way, and a sum
    /// in the window again after that one was drained: each exact.
    #[test]
    fn the_window_and_all_digits_hold_the_same_sums() {
        let near: Vec<(i128, i32)> = (0..200)
            .map(|i| {
                (
                    (i * 7_919 - 700_000) as i128 * (1 << 40) + i as i128,
                    -60 + (i % 3),
                )
            })
            .collect();
        let mut far = near.clone();
        far.insert(120, (-12_345, -1000));
        far.push(((1 << 90) + 1, 300));
        let mut d = Digits::default();
        for adds in [&near, &far, &near] {
            let mut want = Expansion::ZERO;
            for &(k, e) in adds.iter() {
                d.add(k, e);
                for x in
                    crate::engine::fixed::bounds::scaled(k, super::super::bounds::two_to(e + 52))
                {
                    want.add(x);
                }
            }
            assert_eq!(
                d.wide,
                adds.len() != near.len(),
                "in the window only while it fits"
            );
            let mut got = Expansion::ZERO;
            d.drain_into(&mut got);
            assert_eq!(got.canonical(), want.canonical());
        }
    }
}
