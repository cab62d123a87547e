//! Crash-safe file replacement: write a temporary file next to the target,
//! make it durable, then rename it over the target.
//!
//! Contract: after [`write_atomic`] returns `Ok`, the target holds exactly
//! the new bytes (and they survived a power cut as far as the OS promises);
//! when it returns `Err`, the target is untouched and no temporary file is
//! left behind. A reader never sees a half-written file.

use crate::error::{Error, Result};
use std::cell::Cell;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Distinguishes temporary files made by threads of this process.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Replaces the file at `path` with `bytes`, atomically.
///
/// Steps: create a uniquely named temporary file in the same directory
/// (`.NAME.PID.N.tmp`, opened with `create_new` so nothing is clobbered),
/// write, flush, `sync_all`, copy the old file's permissions if there was
/// one, rename over `path`, then (best effort, Unix only) fsync the
/// directory so the rename itself is durable. On any failure the temporary
/// file is removed and the previous file, if any, is left intact. If `path`
/// is a symbolic link the link itself is replaced, not its target.
///
/// # Errors
/// [`Error::Io`] carrying `path` and the OS error: the directory is missing
/// or read-only, `path` is a directory or has no file name, the disk is
/// full, …
///
/// ```
/// let dir = std::env::temp_dir().join(format!("groundup-doc-atomic-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("hello.txt");
/// groundup::io::write_atomic(&path, b"first").unwrap();
/// groundup::io::write_atomic(&path, b"second").unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"second");
/// // Writing over a directory fails and leaves it alone.
/// assert!(groundup::io::write_atomic(&dir, b"x").is_err());
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_atomic(path: impl AsRef<Path>, bytes: &[u8]) -> Result<()> {
    let path = path.as_ref();
    let io_err = |source: io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file_name = path.file_name().ok_or_else(|| {
        io_err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the path has no file name",
        ))
    })?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // Keep the temporary name within NAME_MAX even for long targets.
    let name: String = file_name.to_string_lossy().chars().take(64).collect();
    let (tmp_path, file) = create_temp(dir, &name).map_err(io_err)?;
    // From here on the temporary file must go on every error path.
    let result = fill_and_rename(file, &tmp_path, path, bytes);
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp_path);
        return Err(io_err(e));
    }
    sync_dir(dir);
    Ok(())
}

/// Creates a fresh temporary file in `dir`, retrying on name collisions.
fn create_temp(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mut last = None;
    for _ in 0..16 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}.{n}.{nanos}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("could not create a temporary file")))
}

/// Where [`write_atomic`] on this thread is made to fail, see
/// [`fail_atomic_writes_for_testing`]. Not part of the supported API.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtomicWriteFault {
    /// Writing to the temporary file fails half-way, as on a full disk.
    Write,
    /// Renaming the finished temporary file over the target fails.
    Rename,
}

thread_local! {
    static FAULT: Cell<Option<AtomicWriteFault>> = const { Cell::new(None) };
}

/// Test hook: makes every [`write_atomic`] on the calling thread fail at
/// `fault` (`None`: no more faults), after its temporary file exists, so
/// tests can check the failure path — error naming the target, old file
/// intact, temporary file removed — also as root, whom permissions do not
/// stop. Thread-local: other threads' writes are unaffected. Not part of
/// the supported API.
#[doc(hidden)]
pub fn fail_atomic_writes_for_testing(fault: Option<AtomicWriteFault>) {
    FAULT.with(|f| f.set(fault));
}

fn fill_and_rename(mut file: File, tmp: &Path, target: &Path, bytes: &[u8]) -> io::Result<()> {
    let fault = FAULT.with(Cell::get);
    if fault == Some(AtomicWriteFault::Write) {
        file.write_all(&bytes[..bytes.len() / 2])?;
        return Err(io::Error::new(
            io::ErrorKind::StorageFull,
            "no space left on device (groundup test hook)",
        ));
    }
    file.write_all(bytes)?;
    file.flush()?;
    if let Ok(meta) = fs::metadata(target) {
        if meta.is_file() {
            // Best effort: keep the mode of the file being replaced.
            let _ = file.set_permissions(meta.permissions());
        }
    }
    file.sync_all()?;
    drop(file);
    if fault == Some(AtomicWriteFault::Rename) {
        return Err(io::Error::other("rename failed (groundup test hook)"));
    }
    fs::rename(tmp, target)
}

/// Makes a completed rename durable (Unix); errors are ignored because the
/// data itself is already safe and some file systems refuse directory fsync.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
    }
}
