//! Every file flcli writes goes through here: the report (`-o`) and the plot
//! (`--plot`).
//!
//! The rule: a missing path or a regular file is replaced atomically (a
//! temporary file in the same folder, flushed to disk, then renamed over it),
//! so a reader never sees half a report and a failed run leaves the old file
//! as it was. A character device or a FIFO (`/dev/null`, a terminal, a named
//! pipe, `/dev/stdout`) is written into, never replaced: renaming over a
//! device node would destroy it for every other program. Anything else (a
//! directory, a socket, a block device) is refused before any data is read.
//! A symbolic link is followed for the check and the rename lands on the file
//! it names, so the link itself stays a link.
//!
//! A temporary file is removed when SIGINT, SIGTERM or SIGHUP stops the
//! process before its rename, so a killed run leaves nothing behind.

use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

/// Where a file flcli writes ends up, decided before any data is read.
#[derive(Clone, Debug)]
pub(crate) struct OutFile {
    /// The flag that named it (`-o`, `--plot`), for messages.
    flag: &'static str,
    /// The path as given.
    given: PathBuf,
    /// How it is written.
    dest: Dest,
}

/// How an output path is written.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Dest {
    /// Atomically replace (or create) this canonical path.
    Replace(PathBuf),
    /// Open the path as given and write into it (a device, a FIFO, or a file
    /// reached through `/dev/fd` or `/proc`, which a rename must not touch).
    Into { append: bool },
}

impl OutFile {
    /// Checks `path` for `flag`: its folder exists, it is not a directory,
    /// socket or block device, and a file can be created next to it when it
    /// is to be replaced.
    pub(crate) fn check(flag: &'static str, path: &Path) -> Result<OutFile> {
        let dest = plan(flag, path)?;
        if let Dest::Replace(target) = &dest {
            // Fail now, not after a long pass, if the folder is not writable.
            Temp::create(target).with_context(|| {
                format!(
                    "{flag} {}: cannot create a file in {}",
                    path.display(),
                    parent(target).display()
                )
            })?;
        }
        Ok(OutFile {
            flag,
            given: path.to_path_buf(),
            dest,
        })
    }

    /// The path as the user gave it.
    pub(crate) fn path(&self) -> &Path {
        &self.given
    }

    /// Errors if this output is one of `inputs` (by canonical path or, on
    /// Unix, by inode, which also catches hard links).
    pub(crate) fn refuse_inputs<'a>(
        &self,
        inputs: impl IntoIterator<Item = &'a Path>,
    ) -> Result<()> {
        let Dest::Replace(target) = &self.dest else {
            return Ok(());
        };
        for input in inputs {
            if input.as_os_str() == "-" {
                continue;
            }
            let Ok(canon) = input.canonicalize() else {
                continue; // reading it reports the problem
            };
            if canon == *target || same_inode(&canon, target) {
                bail!(
                    "{} {} is also an input file ({}): writing there would replace the data; choose another file",
                    self.flag,
                    self.given.display(),
                    input.display()
                );
            }
        }
        Ok(())
    }

    /// Whether `self` and `other` would write the same file.
    pub(crate) fn same_as(&self, other: &OutFile) -> bool {
        match (&self.dest, &other.dest) {
            (Dest::Replace(a), Dest::Replace(b)) => a == b,
            _ => false,
        }
    }

    /// Writes `bytes`: atomically over a regular or missing file, straight
    /// into a device or FIFO.
    pub(crate) fn write(&self, bytes: &[u8]) -> Result<()> {
        let ctx = || {
            format!(
                "{} {}: cannot write the file",
                self.flag,
                self.given.display()
            )
        };
        match &self.dest {
            Dest::Replace(target) => replace(target, bytes).with_context(ctx),
            Dest::Into { append } => {
                let mut f = std::fs::OpenOptions::new()
                    .write(true)
                    .append(*append)
                    .open(&self.given)
                    .with_context(ctx)?;
                f.write_all(bytes)
                    .and_then(|()| f.flush())
                    .with_context(ctx)
            }
        }
    }
}

/// Decides how `path` is written.
fn plan(flag: &str, path: &Path) -> Result<Dest> {
    let shown = path.display();
    if path.as_os_str().is_empty() || path.file_name().is_none() {
        bail!("{flag} {shown}: not a file name");
    }
    match std::fs::metadata(path) {
        Ok(meta) => {
            let kind = meta.file_type();
            if kind.is_dir() {
                bail!(
                    "{flag} {shown}: is a directory; give a file name, e.g. {flag} {}",
                    path.join("report.json").display()
                );
            }
            if kind.is_file() {
                // `/dev/stdout` redirected to a file, `/proc/self/fd/N`: the
                // shell owns that file (it may be appending), so write into it.
                if through_fd_links(path) {
                    return Ok(Dest::Into { append: true });
                }
                let target = path
                    .canonicalize()
                    .with_context(|| format!("{flag} {shown}: cannot resolve the path"))?;
                return Ok(Dest::Replace(target));
            }
            if is_device_or_fifo(&meta) {
                return Ok(Dest::Into { append: false });
            }
            bail!(
                "{flag} {shown}: is {}; flcli writes only regular files, character devices and FIFOs",
                describe(&meta)
            )
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let target = follow_dangling(path)?;
            let dir = parent(&target);
            let dir = dir.canonicalize().with_context(|| {
                format!(
                    "{flag} {shown}: the folder {} does not exist; create it first",
                    dir.display()
                )
            })?;
            let name = target.file_name().unwrap_or_default();
            Ok(Dest::Replace(dir.join(name)))
        }
        Err(e) => Err(e).with_context(|| format!("{flag} {shown}: cannot check the path")),
    }
}

/// Whether `path` is, or is reached through, a file-descriptor alias
/// (`/dev/stdout`, `/dev/fd/N`, `/proc/...`), whose target is someone
/// else's open file.
fn through_fd_links(path: &Path) -> bool {
    let mut p = absolute(path);
    for _ in 0..40 {
        if p.starts_with("/proc") || p.starts_with("/dev") {
            return true;
        }
        match std::fs::read_link(&p) {
            Ok(next) => p = absolute(&parent(&p).join(next)),
            Err(_) => return false,
        }
    }
    true
}

/// The file a chain of symbolic links ending in a missing path names (the
/// path itself when it is no link), so that writing creates that file and
/// keeps the link.
fn follow_dangling(path: &Path) -> Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&p) {
            Ok(next) => p = parent(&p).join(next),
            Err(_) => return Ok(p),
        }
    }
    bail!("{}: too many levels of symbolic links", path.display())
}

/// `path` made absolute against the working folder (not resolved).
fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

#[cfg(unix)]
fn is_device_or_fifo(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    t.is_char_device() || t.is_fifo()
}

#[cfg(not(unix))]
fn is_device_or_fifo(_: &std::fs::Metadata) -> bool {
    false
}

#[cfg(unix)]
fn describe(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_socket() {
        "a socket"
    } else if t.is_block_device() {
        "a block device"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn describe(_: &std::fs::Metadata) -> &'static str {
    "not a regular file"
}

#[cfg(unix)]
fn same_inode(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_inode(_: &Path, _: &Path) -> bool {
    false
}

/// The folder a file is in (`.` for a bare name).
fn parent(p: &Path) -> &Path {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Writes `bytes` to a temporary file next to `target`, flushes it to disk,
/// and renames it over `target` (keeping an existing file's permissions).
fn replace(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = Temp::create(target)?;
    if let Ok(meta) = std::fs::metadata(target) {
        let _ = tmp.file.set_permissions(meta.permissions());
    }
    tmp.file.write_all(bytes)?;
    tmp.file.sync_all()?;
    stall_for_tests();
    tmp.persist(target)
}

/// Debug builds only: waits `FLCLI_TEST_STALL_BEFORE_RENAME_MS` between the
/// flush and the rename, so a test can deliver a signal in that window.
fn stall_for_tests() {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("FLCLI_TEST_STALL_BEFORE_RENAME_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// Temporary files that exist right now; a stopping signal removes them.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A temporary file next to its target, removed when dropped or when a
/// signal stops the process, unless it was renamed into place.
struct Temp {
    file: std::fs::File,
    path: PathBuf,
    /// Renamed into place: nothing to remove.
    persisted: bool,
}

impl Temp {
    /// Creates `.flcli-XXXXXX.tmp` in `target`'s folder with the permissions
    /// a plain create would give.
    fn create(target: &Path) -> std::io::Result<Temp> {
        cleanup_on_signal();
        let mut b = tempfile::Builder::new();
        b.prefix(".flcli-").suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // 0666 less the umask, as for any new file (tempfile's default is 0600).
            b.permissions(std::fs::Permissions::from_mode(0o666));
        }
        // Registered while the lock is held, so a signal cannot slip between
        // the create and the registration.
        let mut pending = lock_pending();
        let (file, path) = b.tempfile_in(parent(target))?.keep().map_err(|e| e.error)?;
        pending.push(path.clone());
        Ok(Temp {
            file,
            path,
            persisted: false,
        })
    }

    /// Renames the file over `target`. The lock is held across the rename so
    /// that a signal either removes the temporary file or finds it gone,
    /// never removes the finished report.
    fn persist(mut self, target: &Path) -> std::io::Result<()> {
        let mut pending = lock_pending();
        std::fs::rename(&self.path, target)?;
        pending.retain(|p| *p != self.path);
        self.persisted = true;
        Ok(())
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if self.persisted {
            return;
        }
        let mut pending = lock_pending();
        let _ = std::fs::remove_file(&self.path);
        pending.retain(|p| *p != self.path);
    }
}

fn lock_pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Installs, once, a thread that removes the pending temporary files when
/// SIGINT, SIGTERM or SIGHUP arrives and then lets the signal end the
/// process as it would have.
fn cleanup_on_signal() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return; // no handler: the temporary file may stay, the run is unaffected
            };
            std::thread::spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    let pending = lock_pending();
                    for p in pending.iter() {
                        let _ = std::fs::remove_file(p);
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(sig);
                    std::process::exit(128 + sig);
                }
            });
        }
    });
}

/// Prints one line on stderr; a closed or full stderr is ignored, so the
/// exit code stays the one the run earned.
pub(crate) fn eprint_line(args: std::fmt::Arguments) {
    let _ = writeln!(std::io::stderr().lock(), "{args}");
}
