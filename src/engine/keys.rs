//! Step 2 of the element path ([`super::fast`]): each element's cell
//! and (when kept) calibration bin and terms, as loops over arrays
//! that vectorise (selects and comparisons, no float → int conversions).

use super::plan::Ctx;
use super::soa::Trash;
use super::soa::{Soa, SUB};
use super::spec::CALIB_BINS;

/// Inner bucket edges (padded with +∞) that one fused loop compares p_t with.
#[inline(always)]
fn bucket_loop<const E: usize, G: Fn(usize) -> u32>(
    inner: &[f64],
    nb: u32,
    easy: f64,
    codes: &[i32],
    group: G,
    trash: u32,
    s: &mut Soa,
) {
    let mut edges = [f64::INFINITY; E];
    edges[..inner.len()].copy_from_slice(inner);
    let n = codes.len();
    let (pt_, cell_) = (&s.pt[..n], &mut s.cell[..n]);
    for i in 0..n {
        let pt = pt_[i];
        // Edges are few: counting the ones at or below p_t is branch-free.
        let mut b = 0u32;
        for e in edges {
            b += (pt >= e) as u32;
        }
        let cell = (group(i) * nb + b) * 2 + (pt >= easy) as u32;
        // The min() only keeps a wrong key inside the arrays; keys are in range.
        cell_[i] = if codes[i] as u32 > 1 {
            trash
        } else {
            cell.min(trash)
        };
    }
}

/// Each element's cell and (with `spec.calib`) calibration bin and
/// terms. Elements that do not count (code not 0 or 1) go to the trash rows.
#[inline(always)]
pub(super) fn keys(cx: &Ctx, codes: &[i32], groups: Option<&[u32]>, trash: &Trash, s: &mut Soa) {
    // Slices of one length below, so the loops have no bounds checks and vectorise.
    let n = codes.len().min(SUB);
    let codes = &codes[..n];
    let groups = groups.map(|g| &g[..n]);
    let nb = cx.nb as u32;
    let inner = &cx.spec.edges[1..cx.nb];
    let easy = cx.spec.easy;
    let t = trash.cell;
    match (groups, inner.len()) {
        (Some(gs), 0..=7) => bucket_loop::<7, _>(inner, nb, easy, codes, |i| gs[i], t, s),
        (None, 0..=7) => {
            bucket_loop::<7, _>(inner, nb, easy, codes, |i| (codes[i] == 1) as u32, t, s)
        }
        (Some(gs), 8..=15) => bucket_loop::<15, _>(inner, nb, easy, codes, |i| gs[i], t, s),
        (None, 8..=15) => {
            bucket_loop::<15, _>(inner, nb, easy, codes, |i| (codes[i] == 1) as u32, t, s)
        }
        _ => {
            // Many edges: one pass per edge, then the rest of the key.
            s.cell[..n].fill(0);
            for &edge in inner {
                for i in 0..n {
                    s.cell[i] += (s.pt[i] >= edge) as u32;
                }
            }
            for i in 0..n {
                let g = groups.map_or((codes[i] == 1) as u32, |gs| gs[i]);
                let cell = (g * nb + s.cell[i]) * 2 + (s.pt[i] >= easy) as u32;
                s.cell[i] = if codes[i] as u32 > 1 { t } else { cell.min(t) };
            }
        }
    }
    let (p_, ok) = (&s.p[..n], &mut s.ok[..n]);
    // Right or wrong counts per class in every mode; the rest only for calibration bins.
    for i in 0..n {
        ok[i] = ((p_[i] >= 0.5) == (codes[i] == 1)) as u8 as f64;
    }
    if !cx.spec.calib {
        return;
    }
    let (conf_, cal, brier) = (&mut s.conf[..n], &mut s.cal[..n], &mut s.brier[..n]);
    for i in 0..n {
        let pos = codes[i] == 1;
        let p = p_[i];
        let c = 1.0 - p;
        // max(p, 1 - p) as a select (f64::max's NaN handling does not vectorise).
        let conf = if p > c { p } else { c };
        conf_[i] = conf;
        // floor(15·conf), capped at 14, by comparisons (a float → int
        // conversion does not vectorise well): conf ≥ 0.5, so bins 7–14.
        let x = conf * CALIB_BINS as f64;
        let mut bin = (CALIB_BINS / 2) as u32;
        for k in CALIB_BINS / 2 + 1..CALIB_BINS {
            bin += (x >= k as f64) as u32;
        }
        cal[i] = if codes[i] as u32 > 1 { trash.cal } else { bin };
        let t = pos as u8 as f64;
        brier[i] = (p - t) * (p - t);
    }
}
