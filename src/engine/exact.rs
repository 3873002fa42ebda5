//! Exact sums of `f64` values, so that merging partial results gives the
//! same bits whatever the merge order or tree.
//!
//! Each sum is a Shewchuk expansion (as Python's `math.fsum` keeps them): a
//! short list of non-overlapping doubles, smallest magnitude first, whose
//! exact mathematical sum is the sum of every value added. Adding is exact;
//! [`Expansion::round`] rounds that exact value once, correctly (to nearest,
//! ties to even), so two expansions holding the same exact value round to
//! the same double even when their components differ.
//!
//! Exactness holds while no partial sum overflows the `f64` range; a
//! non-finite value (or an overflow) turns the sum into plain `f64`
//! arithmetic on the special values, whose result (±inf or NaN) does not
//! depend on the order either.

/// Components kept inline; longer expansions (rare: sums spanning many
/// orders of magnitude with cancellation) move to the heap.
const INLINE: usize = 3;

/// Exact sum of the values added so far (see the module doc). 32 bytes:
/// merged `--by` groups hold millions of them.
#[derive(Clone, Debug)]
pub(crate) struct Expansion(Parts);

/// The components of an [`Expansion`].
#[derive(Clone, Debug)]
enum Parts {
    /// The first `.0` of `.1`.
    Inline(u8, [f64; INLINE]),
    /// More than [`INLINE`] components.
    Heap(Vec<f64>),
}

impl Default for Expansion {
    fn default() -> Expansion {
        Expansion::ZERO
    }
}

impl PartialEq for Expansion {
    fn eq(&self, other: &Expansion) -> bool {
        self.parts() == other.parts()
    }
}

/// Adds `x` into the expansion `parts[..n]` in place (Shewchuk's grow-expansion,
/// dropping zero components); `parts` must have room for `n + 1`. Returns the new length.
///
/// Each step splits `x + y` into its rounded sum and the exact error with
/// Knuth's two-sum, which needs neither operand to be the larger: the error
/// of a rounded addition is a single number, so this gives the components
/// the ordered (fast) two-sum does, without a branch on which is larger.
/// A zero error is written and then overwritten by the next component.
#[inline]
fn grow(parts: &mut [f64], n: usize, x: f64) -> usize {
    let mut x = x;
    let mut i = 0;
    for j in 0..n {
        let y = parts[j];
        let hi = x + y;
        let yy = hi - x;
        let lo = (x - (hi - yy)) + (y - yy);
        parts[i] = lo;
        i += (lo != 0.0) as usize;
        x = hi;
    }
    if x != 0.0 {
        parts[i] = x;
        i += 1;
    }
    if !x.is_finite() {
        // A finite sum overflowed: keep only the special value.
        parts[0] = x;
        i = 1;
    }
    i
}

impl Expansion {
    /// The sum of no value.
    pub(crate) const ZERO: Expansion = Expansion(Parts::Inline(0, [0.0; INLINE]));

    /// Adds `x` exactly.
    #[inline]
    pub(crate) fn add(&mut self, x: f64) {
        if x == 0.0 {
            return;
        }
        if !x.is_finite() || self.parts().first().is_some_and(|p| !p.is_finite()) {
            let s = self.round() + x;
            self.0 = Parts::Inline(1, [s, 0.0, 0.0]);
            return;
        }
        match &mut self.0 {
            Parts::Inline(n, p) if (*n as usize) < INLINE => *n = grow(p, *n as usize, x) as u8,
            Parts::Inline(n, p) => {
                let mut t = [0.0; INLINE + 1];
                t[..INLINE].copy_from_slice(p);
                let k = grow(&mut t, INLINE, x);
                if k <= INLINE {
                    *n = k as u8;
                    p.copy_from_slice(&t[..INLINE]);
                } else {
                    self.0 = Parts::Heap(t.to_vec());
                }
            }
            Parts::Heap(v) => {
                let n = v.len();
                v.push(0.0);
                let k = grow(v, n, x);
                v.truncate(k);
            }
        }
    }

    /// Adds every component of `other` (so its exact value).
    pub(crate) fn add_all(&mut self, other: &Expansion) {
        for &x in other.parts() {
            self.add(x);
        }
    }

    /// The components of the value's greedy expansion, smallest magnitude
    /// first: the largest is the value rounded to the nearest double, the next
    /// what is left rounded, and so on. It depends on the value alone, not on
    /// the order of the additions, so partial files of the same sums have the
    /// same bytes however they were merged.
    pub(crate) fn canonical(&self) -> Vec<f64> {
        let mut rest = self.clone();
        let mut out = Vec::new();
        // Every finite sum is a multiple of 2^-1074, so each step leaves at
        // most half an ulp of the last part; 80 steps cover the exponent range.
        for _ in 0..80 {
            let r = rest.round();
            if r == 0.0 {
                break;
            }
            out.push(r);
            if !r.is_finite() {
                rest = Expansion::ZERO;
                break;
            }
            rest.add(-r);
        }
        // Never reached for finite sums; keeps the value exact regardless.
        out.extend(rest.parts().iter().rev());
        out.reverse();
        out
    }

    /// The components, smallest magnitude first (for serialising).
    pub(crate) fn parts(&self) -> &[f64] {
        match &self.0 {
            Parts::Inline(n, p) => &p[..*n as usize],
            Parts::Heap(v) => v,
        }
    }

    /// The exact value rounded to the nearest double (ties to even).
    pub(crate) fn round(&self) -> f64 {
        let p = self.parts();
        let mut n = p.len();
        if n == 0 {
            return 0.0;
        }
        n -= 1;
        let mut hi = p[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = p[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        // The rest lies below half an ulp of `hi` unless `lo` is exactly half
        // an ulp and the rest pushes past it in the same direction.
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
        hi
    }
}

/// Exact sums of a fixed number of values (one [`Expansion`] each).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ExactVec {
    /// One expansion per value.
    pub(crate) sums: Vec<Expansion>,
}

impl ExactVec {
    /// `n` zero sums.
    pub(crate) fn zeros(n: usize) -> ExactVec {
        ExactVec {
            sums: vec![Expansion::default(); n],
        }
    }

    /// Adds `xs[i]` to sum `i`; `xs` may be shorter than the sums.
    pub(crate) fn add_f64(&mut self, xs: &[f64]) {
        for (s, &x) in self.sums.iter_mut().zip(xs) {
            // Most values of a sparse histogram are zero: skip the call.
            if x != 0.0 {
                s.add(x);
            }
        }
    }

    /// Adds `other`'s sums, value by value.
    pub(crate) fn add_exact(&mut self, other: &ExactVec) {
        for (s, o) in self.sums.iter_mut().zip(&other.sums) {
            s.add_all(o);
        }
    }

    /// Each sum, rounded once, into `out`.
    pub(crate) fn round_into(&self, out: &mut [f64]) {
        for (o, s) in out.iter_mut().zip(&self.sums) {
            *o = s.round();
        }
    }
}

#[cfg(test)]
#[path = "exact_tests.rs"]
mod tests;
