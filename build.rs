//! Build probe: which compiler is this? Nothing is downloaded, generated or
//! read besides `rustc --version`.
//!
//! The AVX-512 GEMM kernel uses `#[target_feature(enable = "avx512f")]`
//! (and `avx512vl`), the `_mm512_*` intrinsics and the 128- and 256-bit
//! masked ones, all stable since Rust 1.89. The crate's
//! `rust-version` is 1.85 (Debian's `rustc-web`), so the kernel is compiled
//! only when the compiler has them: this script sets `--cfg
//! groundup_avx512` for Rust ≥ 1.89. Older compilers build everything else
//! unchanged, with the AVX2 kernel as the fastest on x86-64.

use std::process::Command;

fn main() {
    println!("cargo:rustc-check-cfg=cfg(groundup_avx512)");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTC");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok());
    // "rustc 1.95.0 (59807616e 2026-04-14)" or "rustc 1.90.0-nightly (...)".
    let major_minor = version.as_deref().and_then(|v| {
        let mut parts = v.split_whitespace().nth(1)?.split(['.', '-']);
        let major: u32 = parts.next()?.parse().ok()?;
        let minor: u32 = parts.next()?.parse().ok()?;
        Some((major, minor))
    });
    if matches!(major_minor, Some((major, minor)) if major > 1 || minor >= 89) {
        println!("cargo:rustc-cfg=groundup_avx512");
    }
}
