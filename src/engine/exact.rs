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
mod tests {
    use super::*;

    #[test]
    fn the_canonical_parts_depend_on_the_value_alone() {
        let xs = [
            1e16,
            1.0,
            -1e-3,
            3.5e-20,
            7.0,
            -1e16,
            2f64.powi(-60),
            1e300,
            -1e300,
            0.1,
        ];
        let (mut a, mut b) = (Expansion::ZERO, Expansion::ZERO);
        for &x in &xs {
            a.add(x);
        }
        for &x in xs.iter().rev() {
            b.add(x);
        }
        let mut half = Expansion::ZERO;
        half.add_all(&b);
        assert_eq!(a.canonical(), half.canonical());
        let mut back = Expansion::ZERO;
        for &x in &a.canonical() {
            back.add(x);
        }
        assert_eq!(back.round(), a.round());
        assert!(a.canonical().windows(2).all(|w| w[0].abs() < w[1].abs()));
    }

    fn sum(xs: &[f64]) -> f64 {
        let mut e = Expansion::default();
        for &x in xs {
            e.add(x);
        }
        e.round()
    }

    #[test]
    fn exact_where_naive_is_not() {
        assert_eq!(sum(&[1e100, 1.0, -1e100]), 1.0);
        assert_eq!(sum(&[0.1; 10]), 1.0);
        assert_eq!(sum(&[1.0, 1e-16, 1e-16]), 1.0000000000000002);
    }

    #[test]
    fn order_and_grouping_do_not_matter() {
        let xs: Vec<f64> = (0..500)
            .map(|i| ((i * 7919) % 1000) as f64 * 1.37e-3 + (i as f64).sin() * 1e5)
            .collect();
        let want = sum(&xs);
        let mut rev = xs.clone();
        rev.reverse();
        assert_eq!(sum(&rev).to_bits(), want.to_bits());
        // Sums of chunks, merged as expansions in another order.
        let mut total = Expansion::default();
        for c in xs.chunks(37).rev() {
            let mut e = Expansion::default();
            for &x in c {
                e.add(x);
            }
            total.add_all(&e);
        }
        assert_eq!(total.round().to_bits(), want.to_bits());
    }

    #[test]
    fn half_way_rounds_to_even() {
        // 1 + 2^-53 + 2^-100: just above half an ulp, so it rounds up.
        let v = sum(&[1.0, 2f64.powi(-53), 2f64.powi(-100)]);
        assert_eq!(v, 1.0 + f64::EPSILON);
        assert_eq!(sum(&[1.0, 2f64.powi(-53)]), 1.0);
    }

    #[test]
    fn long_expansions_move_to_the_heap() {
        let xs = [1e200, 1e100, 1.0, 1e-100, 1e-200];
        let mut e = Expansion::default();
        for x in xs {
            e.add(x);
        }
        assert_eq!(e.parts().len(), 5);
        assert_eq!(e.round(), 1e200);
        e.add(-1e200);
        e.add(-1e100);
        assert_eq!(e.round(), 1.0);
        assert_eq!(sum(&[1e200, 1e100, 1.0, -1e200, -1e100]), 1.0);
    }

    /// Shewchuk's grow-expansion with the ordered (fast) two-sum, in place:
    /// what [`grow`] must give, component for component.
    fn grow_ordered(parts: &mut [f64], n: usize, x: f64) -> usize {
        let mut x = x;
        let mut i = 0;
        for j in 0..n {
            let mut y = parts[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                parts[i] = lo;
                i += 1;
            }
            x = hi;
        }
        if x != 0.0 {
            parts[i] = x;
            i += 1;
        }
        if !x.is_finite() {
            parts[0] = x;
            i = 1;
        }
        i
    }

    #[test]
    fn the_branch_free_two_sum_gives_the_components_of_the_ordered_one() {
        let mut r: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            r
        };
        for round in 0..2_000 {
            let mut want: Vec<f64> = Vec::new();
            for step in 0..40 {
                let k = next();
                let mant = (k >> 11) as f64 / (1u64 << 53) as f64 + 0.5;
                let exp = (k % 120) as i32 - 60;
                let mut x = mant * 2f64.powi(exp) * if k & 1 == 0 { 1.0 } else { -1.0 };
                // Cancellations, repeats, values far apart in magnitude, overflow.
                match (k >> 8) % 7 {
                    0 if !want.is_empty() => x = -want[want.len() - 1],
                    1 => x = 1.0 + x * 1e-30,
                    2 => x *= 1e150,
                    3 => x = x.round(),
                    4 if round % 100 == 0 => x = f64::MAX,
                    _ => {}
                }
                let n = want.len();
                let mut got = want.clone();
                want.push(0.0);
                got.push(0.0);
                let kw = grow_ordered(&mut want, n, x);
                let kg = grow(&mut got, n, x);
                want.truncate(kw);
                assert_eq!(&got[..kg], &want[..], "round {round} step {step}");
                if want.iter().any(|p| !p.is_finite()) {
                    want.clear();
                }
            }
        }
    }

    #[test]
    fn an_expansion_takes_32_bytes() {
        assert!(std::mem::size_of::<Expansion>() <= 32);
    }

    #[test]
    fn special_values() {
        assert_eq!(sum(&[1.0, f64::INFINITY, 2.0]), f64::INFINITY);
        assert!(sum(&[f64::INFINITY, f64::NEG_INFINITY]).is_nan());
        assert_eq!(sum(&[f64::MAX, f64::MAX]), f64::INFINITY);
    }
}
