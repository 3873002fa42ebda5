//! What softmax rows add to the sums, once [`super::softmax`] has computed
//! each row's element, confidence and Brier term: into fixed-point rows,
//! whose sums do not depend on how the rows were split.

use super::accum::Partial;
use super::fast::{scratch, squares};
use super::fixed::FixedRows;
use super::kernel::cell_of;
use super::plan::Ctx;
use super::soa::Trash;
use super::soa::SUB;
use super::softmax::RowOut;
use super::spec::CALIB_BINS;
use super::terms::terms;
use crate::model::IGNORED;

/// Adds the rows into the fixed-point rows `rows` (the row counts into
/// `acc`), a sub-batch at a time: each counted row is one element of the
/// cell of its class, keyed with its confidence's calibration bin.
pub(crate) fn add_fixed(
    cx: &Ctx,
    labels: &[i32],
    outs: &[RowOut],
    acc: &mut Partial,
    rows: &mut FixedRows,
) {
    let trash = Trash::of(acc);
    scratch(cx, |s| {
        for (ls, os) in labels.chunks(SUB).zip(outs.chunks(SUB)) {
            for (i, (&label, o)) in ls.iter().zip(os).enumerate() {
                let e = o.e;
                s.pt[i] = e.pt;
                s.q[i] = e.q;
                s.ce[i] = -e.ln_pt;
                s.lnq[i] = if cx.need_lnq && e.ln_q.is_nan() {
                    e.q.ln()
                } else {
                    e.ln_q
                };
                s.conf[i] = o.confidence;
                s.ok[i] = o.right as u8 as f64;
                s.brier[i] = o.brier;
                let bin = (o.confidence * CALIB_BINS as f64) as usize;
                s.cal[i] = bin.min(CALIB_BINS - 1) as u32;
                if label < 0 {
                    acc.rows_ignored += (label == IGNORED) as u64;
                    s.cell[i] = trash.cell;
                    continue;
                }
                let y = label as usize;
                s.cell[i] = cell_of(cx, y, e.pt) as u32;
                acc.rows_used += 1;
                acc.class_rows[y] += 1;
                acc.correct[y] += o.right as u64;
                acc.brier.1 += 1;
            }
            terms(cx, ls.len(), s);
            if cx.spec.moments {
                squares(ls.len(), s);
            }
            rows.add(ls.len(), s, &trash);
            if rows.full() {
                rows.settle_into(acc);
            }
        }
    });
}
