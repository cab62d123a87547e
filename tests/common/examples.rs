//! Running the examples from tests as a user would: the binaries cargo
//! built for this profile (and `--target`), through the target's runner
//! when cross-compiled.

use std::path::PathBuf;
use std::process::Command;

/// The directory cargo builds this target into: `<target-dir>/<profile>`,
/// or `<target-dir>/<triple>/<profile>` under `--target <triple>`.
pub fn profile_dir() -> PathBuf {
    // …/<profile>/deps/spiral_cli-…
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().to_path_buf()
}

/// The triple of a `--target` build, read from the directory layout, and
/// the target directory above it.
pub fn cross_target() -> Option<(String, PathBuf)> {
    let triple_dir = profile_dir().parent()?.to_path_buf();
    let triple = triple_dir.file_name()?.to_str()?.to_string();
    // A cross build puts <triple>/ inside the target dir, next to the
    // host's own profile directories and CACHEDIR.TAG.
    let target_dir = triple_dir.parent()?.to_path_buf();
    (triple.matches('-').count() >= 2 && target_dir.join("CACHEDIR.TAG").exists())
        .then_some((triple, target_dir))
}

pub fn example_named(name: &str) -> PathBuf {
    let dir = profile_dir().join("examples");
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if !path.exists() {
        // `cargo test` builds the examples; a filtered run (`--test
        // spiral_cli`) may not have, so build it with the same profile
        // (and target).
        let release = dir.parent().is_some_and(|p| p.ends_with("release"));
        let mut cargo = Command::new(env!("CARGO"));
        cargo
            .args(["build", "--example", name])
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        if release {
            cargo.arg("--release");
        }
        if let Some((triple, target_dir)) = cross_target() {
            cargo
                .args(["--target", &triple])
                .arg("--target-dir")
                .arg(target_dir);
        }
        assert!(
            cargo.status().unwrap().success(),
            "could not build the {name} example"
        );
    }
    path
}

/// The command that runs example `name`. Cross-compiled (`cargo test
/// --target <triple>`), it goes through the runner cargo itself uses for the
/// tests, `CARGO_TARGET_<TRIPLE>_RUNNER` (e.g. `qemu-aarch64 -L
/// /usr/aarch64-linux-gnu`, split on whitespace); a runner set only in
/// `.cargo/config.toml` is not seen here, export it instead.
pub fn command_for(name: &str) -> Command {
    let exe = example_named(name);
    let runner = cross_target().and_then(|(triple, _)| {
        let var = format!(
            "CARGO_TARGET_{}_RUNNER",
            triple.to_uppercase().replace(['-', '.'], "_")
        );
        std::env::var(var).ok().filter(|r| !r.trim().is_empty())
    });
    match runner {
        Some(runner) => {
            let mut words = runner.split_whitespace();
            let mut cmd = Command::new(words.next().unwrap());
            cmd.args(words).arg(exe);
            cmd
        }
        None => Command::new(exe),
    }
}

/// Runs example `name` with `args` and asserts the flag contract of a
/// command line it rejects: exit code 2, a first line `error: …` naming
/// one error, and the usage.
pub fn assert_bad_flags(name: &str, args: &[&str]) {
    let o = command_for(name).args(args).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{name} {args:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("error: "), "{name} {args:?}: {err}");
    let first = err.lines().next().unwrap();
    assert_eq!(first.matches("error").count(), 1, "{name} {args:?}: {err}");
    assert!(err.contains("usage:"), "{name} {args:?}: {err}");
}
