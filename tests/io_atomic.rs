//! `write_atomic`: replaces whole files, leaves the old file and no
//! temporary files behind on failure.

mod common;

use common::files::TempDir;
use groundup::io::{fail_atomic_writes_for_testing, write_atomic, AtomicWriteFault};
use groundup::{Error, Matrix};

#[test]
fn creates_and_replaces_without_leftovers() {
    let dir = TempDir::new("atomic");
    let p = dir.join("f.bin");
    write_atomic(&p, b"one").unwrap();
    write_atomic(&p, b"").unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), b"");
    write_atomic(&p, &vec![7u8; 1 << 20]).unwrap();
    assert_eq!(std::fs::read(&p).unwrap().len(), 1 << 20);
    assert_eq!(dir.entries(), ["f.bin"]);
}

#[test]
fn a_directory_target_is_an_error_and_stays() {
    let dir = TempDir::new("atomic-dir");
    let target = dir.join("sub");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("inner"), b"keep").unwrap();
    match write_atomic(&target, b"x") {
        Err(Error::Io { path, .. }) => assert_eq!(path, target),
        other => panic!("{other:?}"),
    }
    assert!(target.is_dir());
    assert_eq!(std::fs::read(target.join("inner")).unwrap(), b"keep");
    assert_eq!(dir.entries(), ["sub"], "temporary file removed");
    // Also through a format writer.
    assert!(Matrix::<f32>::zeros(1, 1).write_npy(&target).is_err());
    assert_eq!(dir.entries(), ["sub"]);
}

#[test]
fn missing_directory_or_file_name_is_an_error() {
    let dir = TempDir::new("atomic-missing");
    assert!(matches!(
        write_atomic(dir.join("no/such/dir/f"), b"x"),
        Err(Error::Io { .. })
    ));
    assert!(matches!(write_atomic("/", b"x"), Err(Error::Io { .. })));
    assert!(matches!(
        write_atomic(dir.join(".."), b"x"),
        Err(Error::Io { .. })
    ));
}

/// A directory where files cannot be created keeps the old file intact.
/// chmod is ignored for root (CI runs as root), so this also uses /proc,
/// where nobody can create files; the two tests below fail a write as root
/// too: a target whose parent is a file, and the fault-injection hook.
#[cfg(unix)]
#[test]
fn read_only_directory_leaves_old_file_intact() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("atomic-ro");
    let p = dir.join("f.bin");
    write_atomic(&p, b"old").unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let root_ignores_modes = std::fs::write(dir.join("probe"), b"").is_ok();
    if root_ignores_modes {
        std::fs::remove_file(dir.join("probe")).unwrap();
        eprintln!("running as root: chmod 555 does not stop writes; see the /proc case and the next tests");
    } else {
        match write_atomic(&p, b"new") {
            Err(Error::Io { path, source }) => {
                assert_eq!(path, p);
                assert_eq!(source.kind(), std::io::ErrorKind::PermissionDenied);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert_eq!(dir.entries(), ["f.bin"]);
    }
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();

    #[cfg(target_os = "linux")]
    {
        let before = std::fs::read("/proc/version").unwrap();
        assert!(matches!(
            write_atomic("/proc/version", b"x"),
            Err(Error::Io { .. })
        ));
        assert_eq!(std::fs::read("/proc/version").unwrap(), before);
    }
}

/// A target whose parent is a regular file: creating the temporary file
/// fails (ENOTDIR on Unix) for every user, root included. The error names
/// the target, and the file in the way and the directory stay as they were.
#[test]
fn a_parent_that_is_a_file_fails_even_for_root() {
    let dir = TempDir::new("atomic-notdir");
    let plain = dir.join("plain");
    std::fs::write(&plain, b"keep").unwrap();
    let target = plain.join("f.bin");
    match write_atomic(&target, b"new") {
        Err(e @ Error::Io { .. }) => {
            let msg = e.to_string();
            let Error::Io { path, source } = e else {
                unreachable!()
            };
            assert_eq!(path, target);
            assert!(msg.contains(&*target.to_string_lossy()), "{msg}");
            #[cfg(unix)]
            assert_eq!(source.kind(), std::io::ErrorKind::NotADirectory, "{msg}");
            #[cfg(not(unix))]
            let _ = source;
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(&plain).unwrap(), b"keep");
    assert_eq!(dir.entries(), ["plain"], "nothing created beside it");
    // Also through a format writer.
    assert!(Matrix::<f32>::zeros(1, 1).write_npy(&target).is_err());
    assert_eq!(dir.entries(), ["plain"]);
}

/// Failures after the temporary file exists (a full disk half-way through
/// the write, a failed rename), injected through the test hook so they
/// happen as root too: the error names the target, the old file keeps its
/// contents, the temporary file is removed. Only this thread's writes fail.
#[test]
fn a_failed_write_or_rename_leaves_the_old_file_and_no_temporary() {
    let dir = TempDir::new("atomic-fault");
    let p = dir.join("f.bin");
    write_atomic(&p, b"old contents").unwrap();
    for fault in [AtomicWriteFault::Write, AtomicWriteFault::Rename] {
        fail_atomic_writes_for_testing(Some(fault));
        let result = write_atomic(&p, b"new contents, longer than the old");
        // Another thread is not affected.
        let other = dir.join("other.bin");
        std::thread::scope(|s| {
            s.spawn(|| write_atomic(&other, b"x").unwrap());
        });
        std::fs::remove_file(&other).unwrap();
        fail_atomic_writes_for_testing(None);
        match result {
            Err(e @ Error::Io { .. }) => {
                let msg = e.to_string();
                assert!(msg.contains(&*p.to_string_lossy()), "{fault:?}: {msg}");
                assert!(
                    matches!(e, Error::Io { ref path, .. } if *path == p),
                    "{e:?}"
                );
            }
            other => panic!("{fault:?}: {other:?}"),
        }
        assert_eq!(std::fs::read(&p).unwrap(), b"old contents", "{fault:?}");
        assert_eq!(dir.entries(), ["f.bin"], "{fault:?}: temporary file left");
    }
    // Through a format writer too.
    fail_atomic_writes_for_testing(Some(AtomicWriteFault::Rename));
    let result = Matrix::<f32>::zeros(2, 2).write_npy(&p);
    fail_atomic_writes_for_testing(None);
    assert!(
        matches!(result, Err(Error::Io { ref path, .. }) if *path == p),
        "{result:?}"
    );
    assert_eq!(std::fs::read(&p).unwrap(), b"old contents");
    assert_eq!(dir.entries(), ["f.bin"]);
    // With the hook off, writes succeed again.
    write_atomic(&p, b"new").unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), b"new");
}

#[cfg(unix)]
#[test]
fn keeps_the_mode_of_the_replaced_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("atomic-mode");
    let p = dir.join("f");
    std::fs::write(&p, b"old").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
    write_atomic(&p, b"new").unwrap();
    assert_eq!(
        std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

#[test]
fn concurrent_writers_never_interleave() {
    let dir = TempDir::new("atomic-threads");
    let p = dir.join("f");
    std::thread::scope(|s| {
        for t in 0..4u8 {
            let p = &p;
            s.spawn(move || {
                for _ in 0..25 {
                    write_atomic(p, &vec![t; 64 * 1024]).unwrap();
                    let got = std::fs::read(p).unwrap();
                    assert_eq!(got.len(), 64 * 1024);
                    assert!(got.iter().all(|&b| b == got[0]), "mixed contents");
                }
            });
        }
    });
    assert_eq!(dir.entries(), ["f"]);
}
