//! `--by`: a batch's rows sorted into their groups (a stable counting sort:
//! one index array, not a vector per group), then each group's rows through
//! the path an ungrouped batch takes, into the group's partial (its counts)
//! and the groups' fixed-point rows ([`super::by_rows`]). A group's sums are
//! then those its rows give on their own, however they were split.

use super::kernel::{accumulate_rows, Batch};
use super::plan::Ctx;
use super::spec::EngineSpec;
use super::unit::UnitAcc;

/// Accumulates a decoded batch into the `--by` groups of `acc`, row `i` into
/// group `groups[i]` (every group already in `acc`).
pub(crate) fn by_groups(spec: &EngineSpec, batch: &Batch, groups: &[usize], acc: &mut UnitAcc) {
    let cx = Ctx::new(spec);
    let (parts, by, ids) = acc.with_groups(&cx);
    let ng = parts.len();
    let mut start = vec![0u32; ng + 1];
    for &k in groups {
        start[k + 1] += 1;
    }
    for k in 0..ng {
        start[k + 1] += start[k];
    }
    let mut fill = start.clone();
    let mut order = vec![0u32; groups.len()];
    for (i, &k) in groups.iter().enumerate() {
        order[fill[k] as usize] = i as u32;
        fill[k] += 1;
    }
    let w = spec.width();
    let mut sub = Batch::default();
    for (k, part) in parts.iter_mut().enumerate() {
        let rs = &order[start[k] as usize..start[k + 1] as usize];
        if rs.is_empty() {
            continue;
        }
        let rows = by.rows_of(ids[k]);
        if rs.len() == batch.labels.len() {
            // The whole batch is this group's: no copy.
            accumulate_rows(&cx, batch, part, rows);
            continue;
        }
        sub.labels.clear();
        sub.scores.clear();
        sub.targets.clear();
        sub.labels
            .extend(rs.iter().map(|&i| batch.labels[i as usize]));
        if w == 1 {
            sub.scores
                .extend(rs.iter().map(|&i| batch.scores[i as usize]));
        } else {
            for &i in rs {
                let i = i as usize;
                sub.scores
                    .extend_from_slice(&batch.scores[i * w..(i + 1) * w]);
            }
        }
        if !batch.targets.is_empty() {
            for &i in rs {
                let i = i as usize;
                sub.targets
                    .extend_from_slice(&batch.targets[i * w..(i + 1) * w]);
            }
        }
        accumulate_rows(&cx, &sub, part, rows);
    }
    by.check();
}
