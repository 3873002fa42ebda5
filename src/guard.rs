//! The last line of defence against a panic inside a dependency on corrupt
//! input (the Parquet decoder trusts some sizes in the file): reading a file's
//! metadata and reading one unit run under [`catch`], which turns such a panic
//! into an error that names the file, so flcli exits 2 with a message instead
//! of aborting. Panics anywhere else still reach the previous panic hook.

use anyhow::{anyhow, Result};
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// How many [`catch`] calls this thread is inside.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Runs `f`; a panic inside it becomes an error about `file`.
pub(crate) fn catch<T>(file: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    quiet_hook();
    DEPTH.with(|d| d.set(d.get() + 1));
    // The reader's state is dropped with the error, never used again: unwind safety holds.
    let r = catch_unwind(AssertUnwindSafe(f));
    DEPTH.with(|d| d.set(d.get() - 1));
    r.unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        Err(anyhow!(
            "{file}: the file is damaged: its reader stopped on inconsistent data ({}); re-export the file, or leave it out",
            crate::text::escape(&what)
        ))
    })
}

/// Installs, once, a panic hook that stays silent for panics caught by
/// [`catch`] (their message goes into the error) and defers to the previous
/// hook for every other panic.
fn quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if DEPTH.with(|d| d.get()) == 0 {
                previous(info);
            }
        }));
    });
}
