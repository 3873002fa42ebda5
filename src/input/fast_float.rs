//! The float parse for the plain decimals that pandas and numpy write
//! (`0.002174553`, `-6.128755`, `1.5e-05`): digits read eight at a time as
//! one integer (SWAR), then one correctly rounded multiply or divide by an
//! exact power of ten (Clinger's fast path). Anything else (more digits, a
//! large exponent, spaces, `inf`, a missing integer part) is left to the
//! general parser, so a value accepted here is bit for bit what Rust's
//! `str::parse::<f64>` gives. [`parse_f64`], the parse of every CSV score,
//! tries this first, then lexical, then Rust's own parser.

/// Powers of ten that are exact doubles (10^22 is the largest).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// 10^n for the digit counts of one eight-byte step.
pub(super) const SCALE: [u64; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// The eight bytes at `p` as a little-endian word, zero-padded past the end of `buf`.
#[inline(always)]
pub(super) fn load8(buf: &[u8], p: usize) -> u64 {
    match buf.get(p..p + 8) {
        Some(w) => u64::from_le_bytes(w.try_into().expect("8 bytes")),
        None => {
            let mut t = [0u8; 8];
            let rest = buf.get(p..).unwrap_or(&[]);
            t[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(t)
        }
    }
}

/// The leading ASCII digits of the word `w` (first byte lowest): how many
/// (0 to 8) and their value. Byte-wise, without carries between bytes: a
/// byte is a digit when `b ^ 0x30` is at most 9.
#[inline(always)]
fn digits8(w: u64) -> (usize, u64) {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let a = w ^ 0x3030_3030_3030_3030;
    // Bit 7 of a byte is set when its low seven bits are 10 or more (adding
    // 0x76 carries into bit 7 exactly then) or when the byte itself is 0x80 or more.
    let other = (((a & LOW7) + 0x7676_7676_7676_7676) | a) & HIGH;
    let n = (other.trailing_zeros() / 8) as usize;
    if n == 0 {
        return (0, 0);
    }
    // The n digits to the top of the word, as the last n of eight digits (leading zeros).
    (n, eight_digits(a << (8 * (8 - n))))
}

/// The value of eight digit values 0 to 9, one per byte, the first byte the
/// most significant: pairs, then fours, then all eight, in three multiplies.
#[inline(always)]
pub(super) fn eight_digits(v: u64) -> u64 {
    // (Products run past bit 63 by design: only bits 32..63 are kept.)
    let v = v.wrapping_mul(10).wrapping_add(v >> 8);
    let v = ((v & 0x0000_00FF_0000_00FF)
        .wrapping_mul(0x000F_4240_0000_0064)
        .wrapping_add(((v >> 16) & 0x0000_00FF_0000_00FF).wrapping_mul(0x0000_2710_0000_0001)))
        >> 32;
    v & 0xFFFF_FFFF
}

/// Reads a run of digits from `p`, up to `end`, into `m`: the new position
/// and the number of digits read; `None` past 19 digits in `m` (`*count`).
#[inline(always)]
fn run(buf: &[u8], mut p: usize, end: usize, m: &mut u64, count: &mut usize) -> Option<usize> {
    loop {
        let w = load8(buf, p);
        let (full, v) = digits8(w);
        let n = full.min(end - p);
        // Digits past `end` (none in a delimited field, unless the delimiter is a digit).
        let v = if n < full {
            digits8(w & ((1u64 << (8 * n)) - 1)).1
        } else {
            v
        };
        *count += n;
        if *count > 19 {
            return None;
        }
        *m = *m * SCALE[n] + v;
        p += n;
        if n < 8 {
            return Some(p);
        }
    }
}

/// `buf[start..end]` as a double if it is a plain decimal: an optional sign,
/// one or more digits, optionally a point and digits, optionally `e` or `E`,
/// a sign and one to three digits; at most 19 digits in all, their integer
/// at most 2^53, the power of ten within ±22. `None` means "not decided
/// here" (the text may still be a number). Bytes of `buf` past `end` may be
/// read, never used.
#[inline(always)]
pub(crate) fn plain(buf: &[u8], start: usize, end: usize) -> Option<f64> {
    decimal(buf, start, end).map(Decimal::value)
}

/// A plain decimal taken apart: `±m × 10^e`, with `m` and `10^|e|` exact doubles.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Decimal {
    /// The digits as an integer, at most 2^53.
    pub(crate) m: u64,
    /// The power of ten, within ±22.
    pub(crate) e: i32,
    /// A minus sign.
    pub(crate) neg: bool,
}

/// Multipliers by power of ten + 22: 10^e for e ≥ 0, else 1. With [`DIV`],
/// one of the multiply and the divide is by 1, so the pair rounds once, as
/// Clinger's fast path needs.
const MUL: [f64; 45] = scales(true);
/// Divisors by power of ten + 22: 10^-e for e < 0, else 1.
const DIV: [f64; 45] = scales(false);

/// The table of [`MUL`] (`mul`) or of [`DIV`].
const fn scales(mul: bool) -> [f64; 45] {
    let mut t = [1.0; 45];
    let mut i = 0;
    while i < 23 {
        if mul {
            t[22 + i] = POW10[i];
        } else {
            t[22 - i] = POW10[i];
        }
        i += 1;
    }
    t
}

impl Decimal {
    /// The double nearest `±m × 10^e`: `m` is exact, and one of the multiply
    /// and the divide is by 1, so the other is the one correct rounding.
    /// Branch-free, so that a column of them converts in a pipelined loop.
    #[inline(always)]
    pub(crate) fn value(self) -> f64 {
        let k = (self.e + 22) as usize;
        // `m` is at most 2^53, so the signed conversion (one instruction, where
        // the unsigned one is several on x86-64) gives the same double.
        let v = self.m as i64 as f64 * MUL[k] / DIV[k];
        f64::from_bits(v.to_bits() ^ ((self.neg as u64) << 63))
    }
}

/// `buf[start..end]` taken apart if it is a plain decimal (see [`plain`]).
#[inline(always)]
pub(crate) fn decimal(buf: &[u8], start: usize, end: usize) -> Option<Decimal> {
    if start >= end {
        return None;
    }
    let mut p = start;
    let first = buf[p];
    let neg = first == b'-';
    p += (neg || first == b'+') as usize;
    let (mut m, mut count) = (0u64, 0usize);
    let int_start = p;
    let d = buf.get(p).map_or(10, |&b| b.wrapping_sub(b'0'));
    if d <= 9 && p + 1 < end && buf[p + 1] == b'.' {
        // One digit and a point, as in most probabilities and logits: no word to take apart.
        (m, count) = (d as u64, 1);
        p += 1;
    } else {
        p = run(buf, p, end, &mut m, &mut count)?;
    }
    if p == int_start {
        return None;
    }
    let mut e = 0i32;
    if p < end && buf[p] == b'.' {
        let frac_start = p + 1;
        p = run(buf, frac_start, end, &mut m, &mut count)?;
        e = -((p - frac_start) as i32);
    }
    if p < end {
        if buf[p] | 0x20 != b'e' {
            return None;
        }
        p += 1;
        let s = *buf.get(p).filter(|_| p < end)?;
        let eneg = s == b'-';
        p += (eneg || s == b'+') as usize;
        let (n, v) = digits8(load8(buf, p));
        if n == 0 || n > 3 || p + n != end {
            return None;
        }
        e += if eneg { -(v as i32) } else { v as i32 };
        p = end;
    }
    if p != end || m > 1 << 53 || !(-22..=22).contains(&e) {
        return None;
    }
    Some(Decimal { m, e, neg })
}

/// Parses a number, allowing surrounding spaces: Rust's `f64` grammar and value.
#[inline]
pub(crate) fn parse_f64(raw: &[u8]) -> Option<f64> {
    if let Some(v) = plain(raw, 0, raw.len()) {
        return Some(v);
    }
    // Other decimals (more digits, larger exponents): lexical parses the
    // bytes as they are (no UTF-8 check, no trim) and, like Rust's parser, rounds
    // correctly, so the value is the same. Its grammar is only trusted where it
    // starts with a digit, sign or point and ends with a digit or point (no
    // spaces, `inf`, `nan`); anything else, or anything it rejects, goes the slow way.
    if let (Some(&a), Some(&z)) = (raw.first(), raw.last()) {
        if (a.is_ascii_digit() || matches!(a, b'.' | b'-' | b'+'))
            && (z.is_ascii_digit() || z == b'.')
        {
            if let Ok(v) = lexical_core::parse::<f64>(raw) {
                return Some(v);
            }
        }
    }
    std_f64(raw)
}

/// The reference: Rust's own parser on the trimmed text.
fn std_f64(raw: &[u8]) -> Option<f64> {
    std::str::from_utf8(raw).ok()?.trim().parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn same(s: &str) {
        let (fast, slow) = (parse_f64(s.as_bytes()), std_f64(s.as_bytes()));
        assert_eq!(fast.map(f64::to_bits), slow.map(f64::to_bits), "{s:?}");
    }

    #[test]
    fn fast_float_path_agrees_with_rusts_parser_bit_for_bit() {
        for s in [
            "0", "-0", "+0", "1", "0.5", "1e-05", "1E+05", "-1.5e-05", ".5", "5.", "-.5", "+.5e1",
            "1.e5", ".", "-", "+", "e5", "1e", "1e+", "1.5e-", "--1", "+-1", "1-", "1..2", "1e5.",
            "0.0021745529441614584", "-6.128755257764998", "  0.5", "0.5 ", "\t1", "inf", "-inf",
            "NaN", "nan", "infinity", "1_000", "0x10", "1,5", "٣", "1e400", "-1e400", "1e-400",
            "2.2250738585072011e-308", "4.9e-324", "2.4703282292062328e-324", "1e-999999",
            "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9999999",
        ] {
            same(s);
        }
        // Random decimals: many digits (past 19, where the fast algorithms need a fallback),
        // halfway cases, exponents, and junk from the same alphabet.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let alphabet = b"0123456789012345678901234567890123456789.e-+E ";
        for _ in 0..200_000 {
            let len = 1 + (next() % 40) as usize;
            let s: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize] as char)
                .collect();
            same(&s);
            let digits: String = (0..1 + next() % 30)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect();
            let (i, e) = ((next() % digits.len() as u64) as usize, next() % 700);
            same(&format!("{}.{}e-{e}", &digits[..i], &digits[i..]));
            same(&format!("{}5e{}", &digits, e % 300));
            same(&format!("0.{digits}"));
        }
    }

    /// The fast path, if it decides, agrees with Rust's parser bit for bit.
    fn agrees(s: &str) -> bool {
        let fast = plain(s.as_bytes(), 0, s.len());
        match fast {
            None => true,
            Some(v) => s.parse::<f64>().map(f64::to_bits) == Ok(v.to_bits()),
        }
    }

    #[test]
    fn plain_decimals_are_decided_and_exact() {
        for (s, want) in [
            ("0.002174553", 0.002174553f64),
            ("-6.128755", -6.128755),
            ("0.00072441663", 0.00072441663),
            ("1.5e-05", 1.5e-05),
            ("1E+05", 1e5),
            ("-0.0", -0.0),
            ("5.", 5.0),
            ("+7", 7.0),
            ("12345678.12345678", 12345678.12345678),
            ("9007199254740992", 9007199254740992.0),
        ] {
            let v = plain(s.as_bytes(), 0, s.len()).expect(s);
            assert_eq!(v.to_bits(), want.to_bits(), "{s}");
        }
        for s in [
            "",
            "-",
            ".5",
            "1..2",
            "1e",
            "1e+",
            "1e1234",
            " 1",
            "1 ",
            "inf",
            "nan",
            "1_0",
            "0.0021745529441614584",
            "9007199254740993",
            "1e23",
            "1e-23",
            "1-",
            "--1",
            "1.5f",
        ] {
            assert_eq!(plain(s.as_bytes(), 0, s.len()), None, "{s:?}");
        }
    }

    #[test]
    fn digits_stop_at_the_field_end_whatever_follows() {
        // The delimiter after the field is a digit: the field is still `1.25`.
        let buf = b"1.2519,7";
        assert_eq!(plain(buf, 0, 4), Some(1.25));
        assert_eq!(plain(buf, 0, 3), Some(1.2));
        // Eight digits and more, in the middle of a buffer.
        assert_eq!(plain(b"x1234567.12345678y", 1, 17), Some(1234567.12345678));
    }

    #[test]
    fn digits8_counts_and_values() {
        let w = |s: &[u8]| {
            let mut t = [0u8; 8];
            t[..s.len()].copy_from_slice(s);
            digits8(u64::from_le_bytes(t))
        };
        assert_eq!(w(b"12345678"), (8, 12345678));
        assert_eq!(w(b"0012,"), (4, 12));
        assert_eq!(w(b"9/:0"), (1, 9));
        assert_eq!(w(b"\xb0\xb9"), (0, 0));
        assert_eq!(w(b"7\xb9"), (1, 7));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

        #[test]
        fn random_decimals_agree_with_rusts_parser(
            sign in "[-+]?",
            int in "[0-9]{1,12}",
            frac in proptest::option::of("[0-9]{0,14}"),
            exp in proptest::option::of("[eE][-+]?[0-9]{1,3}"),
        ) {
            let s = format!("{sign}{int}{}{}", frac.map(|f| format!(".{f}")).unwrap_or_default(), exp.unwrap_or_default());
            prop_assert!(agrees(&s), "{s}");
            // A plain decimal of few digits and a small exponent is always decided.
            let digits = s.bytes().filter(u8::is_ascii_digit).count();
            if !s.contains(['e', 'E']) && digits <= 15 {
                prop_assert!(plain(s.as_bytes(), 0, s.len()).is_some(), "{s}");
            }
        }

        #[test]
        fn random_text_agrees_with_rusts_parser(s in "[-+0-9.eE ]{0,24}") {
            prop_assert!(agrees(&s), "{s}");
        }

        #[test]
        fn pandas_float32_text_agrees(bits in any::<u32>()) {
            let f = f32::from_bits(bits);
            for s in [f.to_string(), format!("{f:e}"), format!("{:.9}", f), format!("{}", f as f64)] {
                prop_assert!(agrees(&s), "{s}");
            }
        }
    }
}
