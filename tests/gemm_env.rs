//! The environment variables of the GEMM: `GROUNDUP_KERNEL` asking for a
//! kernel this build or CPU lacks falls back (with a warning on stderr) to
//! the best kernel available instead of failing: in the safe build
//! (`--no-default-features`) `avx2` gives the portable kernel, on aarch64
//! the NEON one. `GROUNDUP_THREADS=2` makes large products run on two
//! threads. Its own test binary with one test, so the variables are set
//! before anything reads them and no other thread reads the environment
//! meanwhile.

mod common;

use common::kernels;
use groundup::gemm::{take_split_record, threads, Config, Kernel, SplitRecord};
use std::time::{Duration, Instant};

#[test]
fn the_environment_chooses_the_kernel_and_the_threads() {
    std::env::set_var("GROUNDUP_KERNEL", "avx2");
    std::env::set_var("GROUNDUP_THREADS", "2");
    let best = kernels::best();
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

    assert_eq!(threads(), 2);
    assert_eq!(Config::current().threads, 2);
    // 2·256³ flops: above both builds' two-thread threshold, so the product
    // is cut in two, and (retried while the calling thread happens to run
    // both parts before the other thread gets one) runs on two threads.
    let a = groundup::Matrix::<f64>::filled(256, 256, 0.5);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        take_split_record();
        let c = a.matmul(&a);
        assert_eq!(c[(255, 0)], 64.0);
        let record = take_split_record().expect("a 256³ product with 2 threads is split");
        assert_eq!(record.parts, 2, "{record:?}");
        if record
            == (SplitRecord {
                parts: 2,
                threads: 2,
                unsplit: false,
                team: false,
            })
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "for 60 s every part ran on the calling thread"
        );
    }
}
