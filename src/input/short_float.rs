//! The parse of the commonest score text when the field's end is known (a
//! split line): an optional minus sign, one integer digit, a point, 1 to 16
//! fraction digits and optionally an `e±DD` exponent (`0.002174553`,
//! `-6.128755`, `7.2481205e-05`, what pandas writes for float32 probabilities
//! and logits). The fraction is read as one or two eight-byte words checked
//! and converted without a per-digit loop, so a field costs a few branches
//! that follow the column's shape. It decides a subset of [`decimal`]'s texts and takes them
//! apart the same way; anything else is left to [`decimal`].
//!
//! [`decimal`]: super::fast_float::decimal

use super::fast_float::{eight_digits, load8, Decimal, SCALE};

/// 10^n for n up to 16: the weight of the integer digit over the fraction.
const POW10: [u64; 17] = {
    let mut t = [1u64; 17];
    let mut i = 1;
    while i < 17 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// The low `n` bytes of a word, by `n` (0 to 8).
const LOW_BYTES: [u64; 9] = {
    let mut t = [0u64; 9];
    let mut i = 1;
    while i < 9 {
        t[i] = u64::MAX >> (64 - 8 * i);
        i += 1;
    }
    t
};

/// Whether the first `n` bytes of the word `w` (first byte lowest, `n` up
/// to 8) are all ASCII digits, and their value (the first the most significant).
#[inline(always)]
fn word_digits(w: u64, n: usize) -> (bool, u64) {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let a = (w ^ 0x3030_3030_3030_3030) & LOW_BYTES[n];
    // Bit 7 of a byte is set when its low seven bits are 10 or more, or when
    // the byte is 0x80 or more; the masked-off bytes are 0 and stay clear.
    let other = (((a & LOW7) + 0x7676_7676_7676_7676) | a) & HIGH;
    // The n digits to the top of the word, as the last n of eight (n = 0 leaves a = 0).
    (other == 0, eight_digits(a.wrapping_shl(8 * (8 - n) as u32)))
}

/// `buf[start..end]` taken apart if it is `[-]D.F[e±DD]` with 1 to 16
/// fraction digits `F`, its digits' integer at most 2^53 and its power of
/// ten within ±22: then exactly what [`super::fast_float::decimal`] gives.
/// `None` means "not decided here". Bytes of `buf` past `end` may be read,
/// never used.
#[inline(always)]
pub(crate) fn short_decimal(buf: &[u8], start: usize, end: usize) -> Option<Decimal> {
    let neg = *buf.get(start)? == b'-';
    let p = start + neg as usize;
    // A digit, a point and a fraction digit at least.
    if end < p + 3 {
        return None;
    }
    let d0 = buf[p].wrapping_sub(b'0');
    if d0 > 9 || buf[p + 1] != b'.' {
        return None;
    }
    let q = p + 2;
    let (mut fend, mut e) = (end, 0i32);
    if end >= q + 5 && buf[end - 4] | 0x20 == b'e' {
        let (s, h, l) = (
            buf[end - 3],
            buf[end - 2].wrapping_sub(b'0'),
            buf[end - 1].wrapping_sub(b'0'),
        );
        if h > 9 || l > 9 || (s != b'-' && s != b'+') {
            return None;
        }
        let x = (10 * h + l) as i32;
        e = if s == b'-' { -x } else { x };
        fend = end - 4;
    }
    let flen = fend - q;
    if flen > 16 {
        return None;
    }
    let (ok, m) = if flen <= 8 {
        let (ok, v) = word_digits(load8(buf, q), flen);
        (ok, d0 as u64 * SCALE[flen] + v)
    } else {
        let n2 = flen - 8;
        let (ok1, v1) = word_digits(load8(buf, q), 8);
        let (ok2, v2) = word_digits(load8(buf, q + 8), n2);
        (ok1 & ok2, d0 as u64 * POW10[flen] + v1 * SCALE[n2] + v2)
    };
    e -= flen as i32;
    if !ok || m > 1 << 53 || !(-22..=22).contains(&e) {
        return None;
    }
    Some(Decimal { m, e, neg })
}

#[cfg(test)]
mod tests {
    use super::super::fast_float::decimal;
    use super::*;
    use proptest::prelude::*;

    /// The short parse of `s`, with a digit after its end that must not be read as its own.
    fn short(s: &str) -> Option<Decimal> {
        let buf = format!("{s}7");
        short_decimal(buf.as_bytes(), 0, s.len())
    }

    /// The short parse decides `s` as [`decimal`] does, or leaves it.
    fn agrees(s: &str) -> bool {
        let full = decimal(s.as_bytes(), 0, s.len());
        match short(s) {
            None => true,
            Some(d) => full.is_some_and(|f| (f.m, f.e, f.neg) == (d.m, d.e, d.neg)),
        }
    }

    #[test]
    fn pandas_text_is_decided_with_decimals_parts() {
        for (s, m, e, neg) in [
            ("0.002174553", 2174553, -9, false),
            ("-6.128755", 6128755, -6, true),
            ("0.00072441663", 72441663, -11, false),
            ("7.2481205e-05", 72481205, -12, false),
            ("1.5E+05", 15, 4, false),
            ("-0.0", 0, -1, true),
        ] {
            let d = short(s).expect(s);
            assert_eq!((d.m, d.e, d.neg), (m, e, neg), "{s}");
        }
        // Sixteen fraction digits, the most: the digits' integer is under 2^53.
        let d = short("0.1234567890123456").expect("17 digits under 2^53");
        assert_eq!((d.m, d.e), (1234567890123456, -16));
        for s in [
            "",
            "-",
            "0",
            "5.",
            ".5",
            "+0.5",
            "10.5",
            "-12.25",
            "0.5e",
            "0.5e-5",
            "0.5e-123",
            "0.5x",
            "0.5 ",
            " 0.5",
            "0.5e-0x",
            "0.5f-05",
            "1.23456789012345678",
            "9.9999999999999999",
            "0.5e+30",
            "1.0e-22",
            "0..5",
            "0.-5",
            "inf",
            "nan",
        ] {
            assert!(short(s).is_none(), "{s:?}");
            assert!(agrees(s), "{s:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

        #[test]
        fn short_decimals_agree_with_decimal(
            sign in "[-+]?",
            int in "[0-9]{0,2}",
            frac in "[0-9]{0,18}",
            exp in proptest::option::of("[eE][-+]?[0-9]{1,3}"),
        ) {
            let s = format!("{sign}{int}.{frac}{}", exp.unwrap_or_default());
            prop_assert!(agrees(&s), "{s}");
            // One integer digit and up to 14 fraction digits (under 10^15 < 2^53) are always decided.
            if int.len() == 1 && sign != "+" && (1..=14).contains(&frac.len()) && !s.contains(['e', 'E']) {
                prop_assert!(short(&s).is_some(), "{s}");
            }
        }

        #[test]
        fn float32_text_agrees(bits in any::<u32>()) {
            let f = f32::from_bits(bits);
            for s in [f.to_string(), format!("{f:e}"), format!("{f:.9}"), format!("{:.8e}", f)] {
                prop_assert!(agrees(&s), "{s}");
            }
        }

        #[test]
        fn random_text_agrees(s in "[-+0-9.eE ]{0,22}") {
            prop_assert!(agrees(&s), "{s}");
        }
    }
}
