//! Runs independent units of work in parallel and merges their partial sums
//! in unit order, so the result does not depend on the thread count.

use super::accum::Partial;
use super::spec::EngineSpec;
use anyhow::Result;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Fills one [`Partial`] per unit with `read` (in parallel, on the rayon
/// pool), then merges them in unit order into one total.
///
/// `grouped` gives every partial a `--by` breakdown. `on_unit` is told the rows
/// read when a unit finishes. `before_merge` sees each unit's partial, in
/// order, with what `read` returned, just before it is merged (a reader uses
/// it to turn positions relative to the unit into positions in the file).
///
/// Units after the first failed one are skipped; earlier ones still run, so
/// the error returned is the first in unit order.
pub fn run_in_order<U, X>(
    spec: &EngineSpec,
    units: &[U],
    grouped: bool,
    read: impl Fn(&U, &mut Partial) -> Result<X> + Sync,
    on_unit: &(dyn Fn(u64) + Sync),
    mut before_merge: impl FnMut(&U, &mut Partial, X),
) -> Result<Partial>
where
    U: Sync,
    X: Send,
{
    use rayon::prelude::*;
    let new_partial = || {
        let mut p = Partial::new(spec);
        if grouped {
            p.groups = Some(Default::default());
        }
        p
    };
    let first_bad = AtomicUsize::new(usize::MAX);
    let results: Vec<Option<Result<(Partial, X)>>> = units
        .par_iter()
        .enumerate()
        .map(|(i, u)| {
            if i > first_bad.load(Ordering::Relaxed) {
                return None;
            }
            let mut acc = new_partial();
            let r = read(u, &mut acc).map(|x| {
                acc.settle();
                (acc, x)
            });
            match &r {
                Ok((p, _)) => on_unit(p.rows_read),
                Err(_) => {
                    first_bad.fetch_min(i, Ordering::Relaxed);
                }
            }
            Some(r)
        })
        .collect();
    let mut total = new_partial();
    for (r, u) in results.into_iter().zip(units) {
        match r {
            Some(Ok((mut p, x))) => {
                before_merge(u, &mut p, x);
                total.merge(&p)
            }
            Some(Err(e)) => return Err(e),
            None => {}
        }
    }
    Ok(total)
}
