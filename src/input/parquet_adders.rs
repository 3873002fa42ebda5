//! Who decodes a unit's batches and who adds them up. A unit of ordinary
//! size does both on its worker. A unit far bigger than the others (one huge
//! row group) is decoded on a thread of its own; when there are no more
//! units than threads, its batches are also added up by two threads at once,
//! each taking the next batch when it is free: decoding is the smaller part
//! of the work, so one adder would leave a core idle. Each adder has an
//! accumulator of its own; every sum is exact, so which batches each took
//! does not change the unit's sums.

use crate::engine::{EngineSpec, UnitAcc};
use crate::model::Mode;
use anyhow::{Error, Result};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Mutex;

/// Runs `consume` on `items`. When `apart` and the pool has more than one
/// thread, the items are produced on a thread of their own, feeding this one
/// (decoding runs beside the adding up); the same items come in the same
/// order either way, so the sums are the same.
pub(super) fn pipelined<I, R>(
    apart: bool,
    items: I,
    consume: impl FnOnce(&mut dyn Iterator<Item = I::Item>) -> R,
) -> R
where
    I: Iterator + Send,
    I::Item: Send,
{
    if !apart || rayon::current_num_threads() < 2 {
        let mut items = items;
        return consume(&mut items);
    }
    std::thread::scope(|s| {
        let (tx, rx) = sync_channel(2);
        s.spawn(move || {
            for item in items {
                if tx.send(item).is_err() {
                    return; // the consumer stopped on an error
                }
            }
        });
        consume(&mut rx.into_iter())
    })
}

/// `items`, each with the row it starts at: the first is `first`, and each
/// starts `rows(item)` rows after the one before.
pub(super) fn with_rows<T>(
    items: impl Iterator<Item = T>,
    first: u64,
    rows: impl Fn(&T) -> usize,
) -> impl Iterator<Item = (u64, T)> {
    let mut row = first;
    items.map(move |item| {
        let at = row;
        row += rows(&item) as u64;
        (at, item)
    })
}

/// Adds `items` (each with the row it starts at) into `acc` with `add`,
/// which says whether to go on (false: nothing after that item is wanted).
/// Each adding thread has a `state()` of its own. When `apart` (see
/// [`pipelined`]), `acc` allows it ([`UnitAcc::two_adders`]) and has no
/// `--by` groups (their order is that of their first rows), the rows are
/// not softmax rows, and the pool has more than one thread, two threads add
/// (see the module doc), and the error returned is that of the earliest
/// failed item, as one thread would have met it.
pub(super) fn add_all<T: Send, S>(
    apart: bool,
    items: impl Iterator<Item = (u64, T)> + Send,
    spec: &EngineSpec,
    acc: &mut UnitAcc,
    state: impl Fn() -> S + Sync,
    add: impl Fn(&mut S, u64, T, &mut UnitAcc) -> Result<bool> + Sync,
) -> Result<()> {
    // Softmax rows' math runs on the pool's idle threads already.
    let two = apart
        && acc.two_adders
        && acc.sums.groups.is_none()
        && spec.mode != Mode::Softmax
        && rayon::current_num_threads() >= 2;
    if !two {
        return pipelined(apart, items, |it| {
            let mut s = state();
            for (row, item) in it {
                if !add(&mut s, row, item, acc)? {
                    break;
                }
            }
            Ok(())
        });
    }
    let (tx, rx) = sync_channel(2);
    let shared = Adders {
        rx: Mutex::new(Some(rx)),
        failed_at: AtomicU64::new(u64::MAX),
    };
    std::thread::scope(|sc| {
        sc.spawn(move || {
            for item in items {
                if tx.send(item).is_err() {
                    return; // both adders stopped
                }
            }
        });
        // However the adders end (a panic too), the items stop coming.
        let _close = Close(&shared);
        let (shared, state, add) = (&shared, &state, &add);
        let other = sc.spawn(move || {
            let mut mine = UnitAcc::new(spec);
            let failed = shared.run(&mut mine, state, add);
            (mine, failed)
        });
        let failed = shared.run(acc, state, add);
        let (theirs, their_failed) = match other.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let first = [failed, their_failed]
            .into_iter()
            .flatten()
            .min_by_key(|f| f.0);
        if let Some((_, e)) = first {
            return Err(e);
        }
        acc.merge_beside(theirs.settle());
        Ok(())
    })
}

/// What the two adders of [`add_all`] share.
struct Adders<T> {
    /// The items, taken one at a time (`None` once the adders are done).
    rx: Mutex<Option<Receiver<(u64, T)>>>,
    /// The first row of the earliest item that failed so far.
    failed_at: AtomicU64,
}

impl<T> Adders<T> {
    /// Adds items into `acc` until they end, `add` says to stop, or an item
    /// fails (returned with its first row). Items after a failed one are
    /// left alone: the error is the earliest failed item's.
    fn run<S>(
        &self,
        acc: &mut UnitAcc,
        state: impl Fn() -> S,
        add: impl Fn(&mut S, u64, T, &mut UnitAcc) -> Result<bool>,
    ) -> Option<(u64, Error)> {
        let mut s = state();
        loop {
            let next = match &*self.rx.lock().unwrap_or_else(|e| e.into_inner()) {
                Some(rx) => rx.recv(),
                None => return None,
            };
            let Ok((row, item)) = next else {
                return None;
            };
            if row > self.failed_at.load(Ordering::SeqCst) {
                return None;
            }
            match add(&mut s, row, item, acc) {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    self.failed_at.fetch_min(row, Ordering::SeqCst);
                    return Some((row, e));
                }
            }
        }
    }
}

/// Drops the adders' receiver when dropped, so that the thread producing the
/// items stops (its next send fails) instead of waiting for room forever.
struct Close<'a, T>(&'a Adders<T>);

impl<T> Drop for Close<'_, T> {
    fn drop(&mut self) {
        self.0.rx.lock().unwrap_or_else(|e| e.into_inner()).take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ScoreKind, Term};
    use std::sync::atomic::AtomicUsize;

    fn spec() -> EngineSpec {
        EngineSpec {
            mode: Mode::Binary,
            kind: ScoreKind::Logits,
            classes: 2,
            eps: 1e-7,
            edges: vec![0.0, 0.5, 1.0],
            easy: 0.9,
            terms: vec![Term::Pow(2.0)],
            tails: false,
            multilabel: false,
            calib: false,
            moments: false,
        }
    }

    /// [`add_all`] of items `0..n` (item i at row i) on a pool of two
    /// threads, as `-j 2` runs: the unit's accumulator and the result.
    fn add_two(
        n: u64,
        add: impl Fn(&mut (), u64, u64, &mut UnitAcc) -> Result<bool> + Sync + Send,
    ) -> (UnitAcc, Result<()>) {
        let spec = spec();
        let mut acc = UnitAcc::new(&spec);
        acc.two_adders = true;
        let items = with_rows(0..n, 0, |_| 1);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build();
        let r = pool
            .expect("a pool")
            .install(|| add_all(true, items, &spec, &mut acc, || (), add));
        (acc, r)
    }

    #[test]
    fn two_adders_add_every_item_once_into_the_unit() {
        let calls = AtomicUsize::new(0);
        let (acc, r) = add_two(1000, |_, row, i, acc| {
            assert_eq!(row, i);
            calls.fetch_add(1, Ordering::SeqCst);
            acc.sums.rows_read += i;
            Ok(true)
        });
        r.expect("no item fails");
        assert_eq!(calls.load(Ordering::SeqCst), 1000);
        let all: u64 = (0..1000).sum();
        assert_eq!(acc.sums.rows_read, all, "both accumulators");
    }

    #[test]
    fn the_error_is_the_earliest_failed_items_whichever_thread_met_it() {
        for _ in 0..3 {
            let added = Mutex::new(Vec::new());
            let (_, r) = add_two(400, |_, row, _, _| {
                match row {
                    // Met last: the other thread fails at 70 meanwhile.
                    30 => {
                        std::thread::sleep(std::time::Duration::from_millis(60));
                        anyhow::bail!("at 30")
                    }
                    70 | 150 => anyhow::bail!("at {row}"),
                    _ => added.lock().unwrap().push(row),
                }
                Ok(true)
            });
            assert_eq!(r.expect_err("rows fail").to_string(), "at 30");
            let added = added.into_inner().unwrap();
            assert!((0..30).all(|r| added.contains(&r)), "every row before it");
        }
    }
}
