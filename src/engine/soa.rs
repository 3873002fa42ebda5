//! The scratch arrays of one sub-batch of the binary and sigmoid path: filled by the
//! vector math, read by the keys, the terms and the scatter into the sums.

use super::accum::Partial;
use super::spec::CALIB_BINS;

/// Elements per sub-batch: the arrays of one sub-batch stay in L1/L2.
pub(crate) const SUB: usize = 128;

/// Scratch arrays of one sub-batch, filled by [`prepare`].
pub(crate) struct Soa {
    /// Probability of the true target.
    pub(crate) pt: [f64; SUB],
    /// 1 - p_t, without cancellation where the input allows.
    pub(crate) q: [f64; SUB],
    /// Cross-entropy, -ln p_t.
    pub(crate) ce: [f64; SUB],
    /// ln(1 - p_t), filled only when a term needs it.
    pub(crate) lnq: [f64; SUB],
    /// Probability of the positive class.
    pub(crate) p: [f64; SUB],
    /// Per term, [`SUB`] losses then [`SUB`] gradients.
    pub(crate) terms: Vec<f64>,
    /// The squares of `terms`, laid out alike (empty unless the pass keeps second moments).
    pub(crate) sq: Vec<f64>,
    /// Cell index (group, bucket, easy flag) in the Partial's cell order.
    pub(crate) cell: [u32; SUB],
    /// Calibration bin.
    pub(crate) cal: [u32; SUB],
    /// Confidence, max(p, 1 - p).
    pub(crate) conf: [f64; SUB],
    /// 1 where the prediction (p ≥ 0.5) is right, else 0.
    pub(crate) ok: [f64; SUB],
    /// Brier term (p - y)².
    pub(crate) brier: [f64; SUB],
    /// All 1: the count field of every row.
    pub(crate) ones: [f64; SUB],
    /// All 0: the padding of rows.
    pub(crate) zeros: [f64; SUB],
    /// Binary rows: negatives, positives, correct negatives, correct positives, ignored.
    pub(crate) rows: [u32; 5],
    /// Elements that count (code 0 or 1).
    pub(crate) counted: usize,
}

impl Soa {
    /// Zeroed arrays for `terms` loss terms, with their squares if `moments`.
    pub(crate) fn new(terms: usize, moments: bool) -> Box<Soa> {
        Box::new(Soa {
            pt: [0.0; SUB],
            q: [0.0; SUB],
            ce: [0.0; SUB],
            lnq: [0.0; SUB],
            p: [0.0; SUB],
            terms: vec![0.0; 2 * terms * SUB],
            sq: vec![0.0; if moments { 2 * terms * SUB } else { 0 }],
            cell: [0; SUB],
            cal: [0; SUB],
            conf: [0.0; SUB],
            ok: [0.0; SUB],
            brier: [0.0; SUB],
            ones: [1.0; SUB],
            zeros: [0.0; SUB],
            rows: [0; 5],
            counted: 0,
        })
    }
}

/// The trash row indices, which [`super::fast`] gives to elements that do not count.
pub(crate) struct Trash {
    /// Cell index of the trash row.
    pub(crate) cell: u32,
    /// Calibration index of the trash row.
    pub(crate) cal: u32,
}

impl Trash {
    /// The trash indices for sums shaped like `acc`: one past the last cell
    /// and calibration bin.
    pub(crate) fn of(acc: &Partial) -> Trash {
        Trash {
            cell: (acc.cells.len() / acc.stride) as u32,
            cal: CALIB_BINS as u32,
        }
    }
}
