//! The `flcli` binary: everything lives in the library.

fn main() {
    keep_freed_memory();
    std::process::exit(flcli::run(std::env::args_os()));
}

/// Lets glibc's allocator keep freed blocks of up to 32 MiB for reuse
/// instead of giving them back to the kernel at once. Every column chunk and
/// decompressed page is a fresh block of a few megabytes; by default glibc
/// maps each anew, and the kernel faults in and zeroes its pages: about a
/// tenth of a single-threaded run. The peak memory stays the same, since
/// what is kept is what the run had already used. Set here, not in the
/// library, so that the Python package leaves its host's allocator alone.
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes two of the allocator's thresholds, before
    // any other thread exists; values it refuses leave the defaults.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 << 20);
    }
}
