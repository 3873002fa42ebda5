//! Unit tests of the exact accumulator: exact sums, rounding, and the
//! canonical parts written to partial files.

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
