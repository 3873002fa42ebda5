//! The elements of a sub-batch added straight into a [`Partial`], one value
//! at a time in element order, and the trash rows that elements which do not
//! count are sent to.

use super::super::accum::Partial;
use super::super::soa::{Soa, SUB};
use super::super::spec::{CALIB_BINS, TAIL_BINS};

/// The trash row indices, which [`super::fast`] gives to elements that do not count.
pub(crate) struct Trash {
    /// Cell index of the trash row.
    pub(crate) cell: u32,
    /// Tail index of the trash row.
    pub(crate) tail: u32,
    /// Calibration index of the trash row.
    pub(crate) cal: u32,
}

impl Trash {
    /// The trash indices for sums shaped like `acc`: one past the last cell,
    /// tail bin and calibration bin.
    pub(crate) fn of(acc: &Partial) -> Trash {
        Trash {
            cell: (acc.cells.len() / acc.stride) as u32,
            tail: 2 * TAIL_BINS as u32,
            cal: CALIB_BINS as u32,
        }
    }
}

/// Adds the first `n` elements of a prepared sub-batch straight into `acc`,
/// one value at a time in element order: for the `--by` groups' partials,
/// which are many and small (copies would multiply their memory). Elements
/// that do not count are left out.
pub(crate) fn add_direct(
    acc: &mut Partial,
    n: usize,
    s: &Soa,
    trash: &Trash,
    calib: bool,
    moments: bool,
) {
    let cw = acc.stride;
    let nt = s.terms.len() / (2 * SUB);
    let tw = 1 + nt;
    let tails = acc.has_tails();
    for i in 0..n.min(SUB) {
        if s.cell[i] == trash.cell {
            continue;
        }
        let at = s.cell[i] as usize * cw;
        let row = &mut acc.cells[at..at + cw];
        row[0] += 1.0;
        row[1] += s.pt[i];
        row[2] += s.ce[i];
        for j in 0..nt {
            row[3 + 2 * j] += s.terms[2 * j * SUB + i];
            row[4 + 2 * j] += s.terms[(2 * j + 1) * SUB + i];
        }
        if moments {
            for j in 0..nt {
                row[3 + 2 * nt + 2 * j] += s.sq[2 * j * SUB + i];
                row[4 + 2 * nt + 2 * j] += s.sq[(2 * j + 1) * SUB + i];
            }
        }
        if tails {
            let bin = acc.tail_row(s.tail[i] as usize, tw);
            bin[0] += 1.0;
            for j in 0..nt {
                bin[1 + j] += s.terms[2 * j * SUB + i];
            }
        }
        if calib {
            let c = &mut acc.calib[s.cal[i] as usize];
            c[0] += 1.0;
            c[1] += s.conf[i];
            c[2] += s.ok[i];
            acc.brier.0 += s.brier[i];
        }
    }
}
