use super::bounds::scaled;
use super::settle::tail_bin;
use super::SIDE;
use crate::engine::plan;

#[test]
fn scaled_values_are_exact() {
    let k: i128 = (1 << 100) + (1 << 60) + 12345;
    let [a, b, c] = scaled(k, 1.0);
    // k · 2^-52, exactly: the parts are the 42-bit pieces of k.
    assert_eq!(a, 12345.0 * 2f64.powi(-52));
    assert_eq!(b, 2f64.powi(8));
    assert_eq!(c, 2f64.powi(48));
    assert_eq!(scaled(3, 0.0)[0], 3.0 * f64::from_bits(1));
}

#[test]
fn fine_bins_map_to_the_tail_bins_of_the_histogram() {
    for i in 0..20_000 {
        let x = ((i * 7919) % 20_011) as f64 / 20_011.0;
        let pt = x.powi(1 + i % 40);
        let q = 1.0 - pt;
        let low = pt <= q;
        let v = if low { pt } else { q };
        let key = ((v.to_bits() >> 49) as usize).min(SIDE - 1);
        let fine = key + (!low as usize) * SIDE;
        assert_eq!(tail_bin(fine), plan::tail_bin(pt, q), "p_t {pt}");
    }
}
