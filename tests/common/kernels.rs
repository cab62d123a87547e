//! The GEMM kernels the tests run, checked against the CPU and the build.
//!
//! The tests loop over the kernels this CPU can run. If runtime detection
//! broke (or the `simd` feature fell out of a build), `Kernel::available()`
//! would shrink to the portable kernel and every such loop would still
//! pass, without ever running the vector kernels. [`available`] therefore
//! first checks the list against an independent reading of the CPU: on
//! x86-64 with the `simd` feature, AVX2 + FMA (as `std` detects them) mean
//! the AVX2 kernel must be listed, and AVX-512F too the AVX-512 kernel
//! (where the compiler builds it); on aarch64 with `simd`, NEON (baseline
//! there) must be.

use groundup::gemm::Kernel;

/// The kernels this build and CPU should offer, slowest first.
pub fn expected() -> Vec<Kernel> {
    let mut want = vec![Kernel::Portable];
    #[cfg(all(target_arch = "x86_64", feature = "simd"))]
    if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
        want.push(Kernel::Avx2Fma);
        // Compiled by Rust >= 1.89 only (build.rs sets the cfg).
        #[cfg(groundup_avx512)]
        if std::is_x86_feature_detected!("avx512f") {
            want.push(Kernel::Avx512);
        }
    }
    if cfg!(all(target_arch = "aarch64", feature = "simd")) {
        want.push(Kernel::Neon);
    }
    want
}

/// `Kernel::available()`, after asserting that it is exactly
/// [`expected`]: every kernel the CPU and build have, no other.
pub fn available() -> Vec<Kernel> {
    let got = Kernel::available();
    assert_eq!(
        got,
        expected(),
        "Kernel::available() does not list the kernels this CPU and build have (simd feature: {})",
        cfg!(feature = "simd")
    );
    got
}

/// The fastest kernel this CPU and build offer: what `Kernel::selected()`
/// picks unless `GROUNDUP_KERNEL` asks for another.
pub fn best() -> Kernel {
    *available()
        .last()
        .expect("the portable kernel is always there")
}

/// Whether `GROUNDUP_KERNEL` asks for a kernel (other than `auto`).
pub fn forced() -> bool {
    std::env::var("GROUNDUP_KERNEL").is_ok_and(|v| !v.is_empty() && v != "auto")
}

/// `Kernel::selected()`, after asserting that it is [`best`] unless
/// `GROUNDUP_KERNEL` asks for a kernel: a test that checks more where a
/// vector kernel runs cannot lose that check to broken detection.
pub fn selected() -> Kernel {
    let selected = Kernel::selected();
    if !forced() {
        assert_eq!(
            selected,
            best(),
            "the default kernel is not the fastest this CPU and build have"
        );
    }
    selected
}

/// Whether f64 `exp`/sigmoid over slices should run vectorized with the
/// selected kernel: AVX2 or AVX-512 on x86-64 Linux with glibc, whose `exp`
/// the vector path reproduces (it checks that once per process).
pub fn expects_vector_exp() -> bool {
    cfg!(all(
        target_arch = "x86_64",
        feature = "simd",
        target_os = "linux",
        target_env = "gnu"
    )) && matches!(selected(), Kernel::Avx2Fma | Kernel::Avx512)
}
