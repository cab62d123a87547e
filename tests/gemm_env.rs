//! `GROUNDUP_KERNEL` asking for a kernel this build or CPU lacks falls back
//! (with a warning on stderr) to the best kernel available instead of
//! failing: in the safe build (`--no-default-features`) `avx2` gives the
//! portable kernel, on aarch64 the NEON one. Its own test
//! binary with one test, so the variable is set before anything reads it
//! and no other thread reads the environment meanwhile.

use groundup::gemm::{Config, Kernel};

#[test]
fn an_unavailable_kernel_request_falls_back() {
    std::env::set_var("GROUNDUP_KERNEL", "avx2");
    let best = *Kernel::available().last().unwrap();
    let want = if Kernel::Avx2Fma.is_available() {
        Kernel::Avx2Fma
    } else {
        best
    };
    if cfg!(target_arch = "aarch64") && cfg!(feature = "simd") {
        assert_eq!(want, Kernel::Neon);
    }
    assert_eq!(Kernel::selected(), want);
    assert_eq!(Config::current().kernel, want);
    if !cfg!(feature = "simd") {
        assert_eq!(Kernel::selected(), Kernel::Portable);
    }
    // Products run with it.
    let a = groundup::Matrix::<f64>::filled(40, 40, 0.5);
    assert_eq!(a.matmul(&a)[(3, 4)], 10.0);
}
