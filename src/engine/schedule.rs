//! Runs independent units of work in parallel and merges their partial sums
//! in unit order, so the result does not depend on the thread count.

use super::accum::{Groups, Partial};
use super::by_rows::ByRows;
use super::spec::EngineSpec;
use super::unit::UnitAcc;
use anyhow::Result;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Fills one [`UnitAcc`] per unit with `read` (in parallel, on the rayon
/// pool), settles it into a [`Partial`] and merges them in unit order into one total as they finish, so
/// only a few unit partials exist at a time (under `--by` each holds a
/// partial per group): memory does not grow with the number of units.
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
    read: impl Fn(&U, &mut UnitAcc) -> Result<X> + Sync,
    on_unit: &(dyn Fn(u64) + Sync),
    before_merge: impl FnMut(&U, &mut Partial, X) + Send,
) -> Result<Partial>
where
    U: Sync,
    X: Send,
{
    let new_unit = || {
        if grouped {
            UnitAcc::grouped(spec)
        } else {
            UnitAcc::new(spec)
        }
    };
    let threads = rayon::current_num_threads().clamp(1, units.len().max(1));
    // Finished units waiting for an earlier one stay below this many.
    let window = 2 * threads + 2;
    let merged = Mutex::new(Merged {
        next: 0,
        pending: BTreeMap::new(),
        total: new_unit().sums,
        settling: false,
        error: None,
        before_merge,
    });
    let next_merge = AtomicUsize::new(0);
    let claim = AtomicUsize::new(0);
    let first_bad = AtomicUsize::new(usize::MAX);
    // Per worker, the `--by` groups' pending rows, carried from unit to unit
    // and settled once at the end (see `by_rows`).
    let carried = Mutex::new(Vec::new());
    let work = |carry: &mut Option<Box<ByRows>>| loop {
        // A worker that panics stops the others (none waits for its unit).
        let _stop = StopOnPanic(&first_bad);
        let i = claim.fetch_add(1, Ordering::SeqCst);
        if i >= units.len() || i > first_bad.load(Ordering::SeqCst) {
            return;
        }
        // The unit `next_merge` is being read by another worker: wait for it
        // rather than pile up finished partials.
        while i >= next_merge.load(Ordering::SeqCst) + window {
            if i > first_bad.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
        let mut acc = new_unit();
        acc.two_adders = units.len() <= rayon::current_num_threads();
        acc.carry(carry.take());
        let r = read(&units[i], &mut acc).map(|x| {
            *carry = acc.take_carry();
            (acc.settle(), x)
        });
        match &r {
            Ok((p, _)) => on_unit(p.rows_read),
            Err(_) => {
                first_bad.fetch_min(i, Ordering::SeqCst);
            }
        }
        let mut m = merged.lock().unwrap_or_else(|e| e.into_inner());
        m.pending.insert(i, r);
        let mut job = m.merge_ready(units);
        next_merge.store(m.next, Ordering::SeqCst);
        drop(m);
        // The `--by` merges held back are done outside the lock, so the
        // other workers go on reading (their units wait, finished, until the
        // groups are back). On this thread alone: a parallel loop here could
        // take up a worker that waits for these very merges.
        while let Some(mut groups) = job {
            groups.settle();
            let mut m = merged.lock().unwrap_or_else(|e| e.into_inner());
            m.total.groups = Some(groups);
            m.settling = false;
            job = m.merge_ready(units);
            next_merge.store(m.next, Ordering::SeqCst);
        }
    };
    let worker = || {
        let mut carry = None;
        work(&mut carry);
        if let Some(by) = carry {
            carried.lock().unwrap_or_else(|e| e.into_inner()).push(*by);
        }
    };
    if threads == 1 {
        worker();
    } else {
        rayon::scope(|s| {
            for _ in 0..threads {
                s.spawn(|_| worker());
            }
        });
    }
    let mut m = merged.into_inner().unwrap_or_else(|e| e.into_inner());
    match m.error {
        Some(e) => Err(e),
        None => {
            // The workers' carried rows, settled together (groups in
            // parallel: no worker runs now). Exact sums:
            // when and in what order they are merged does not matter.
            let mut carried = carried.into_inner().unwrap_or_else(|e| e.into_inner());
            if let Some(first) = carried.pop() {
                m.total
                    .merge_owned(ByRows::finish_all(first, carried, true));
            }
            // Outside the workers: rayon may run other jobs on a thread that
            // waits for the groups, and a worker holds the merge lock.
            m.total.settle_groups();
            Ok(m.total)
        }
    }
}

/// Marks every unit as after a failed one when dropped by a panic.
struct StopOnPanic<'a>(&'a AtomicUsize);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(0, Ordering::SeqCst);
        }
    }
}

/// The running total of [`run_in_order`] and the finished units not yet merged.
struct Merged<X, F> {
    /// The unit to merge next.
    next: usize,
    pending: BTreeMap<usize, Result<(Partial, X)>>,
    total: Partial,
    /// Whether the total's `--by` groups are out, being settled (merging
    /// waits for them).
    settling: bool,
    /// The first failed unit's error (merging stops there).
    error: Option<anyhow::Error>,
    before_merge: F,
}

impl<X, F> Merged<X, F> {
    /// Merges the pending units that follow the merged ones, in order.
    /// Stops early, returning the total's `--by` groups taken out, when
    /// they hold back enough merges to be settled: the caller settles them
    /// and puts them back.
    fn merge_ready<U>(&mut self, units: &[U]) -> Option<Box<Groups>>
    where
        F: FnMut(&U, &mut Partial, X),
    {
        while self.error.is_none() && !self.settling {
            let r = self.pending.remove(&self.next)?;
            match r {
                Ok((mut p, x)) => {
                    (self.before_merge)(&units[self.next], &mut p, x);
                    self.total.merge_owned(p);
                    self.next += 1;
                    // After the last unit, the caller settles on the whole pool.
                    if self.next == units.len() {
                        continue;
                    }
                    if let Some(g) = self.total.groups_to_settle() {
                        self.settling = true;
                        return Some(g);
                    }
                }
                Err(e) => self.error = Some(e),
            }
        }
        None
    }
}
