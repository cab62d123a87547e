//! When a split product finds no helper (the other cores are taken by
//! other work), the next split products run their parts in order on the
//! calling thread for a while instead of waking helpers that then wait for
//! a core: two threads must not be slower than one. These tests drive that
//! state through the test hook (a busy machine cannot be made on demand)
//! and check that the parts run alone give the same bits, allocate the same
//! buffers, and that splitting resumes when the period ends.

mod common;

use common::kernels;
use groundup::gemm::{
    helpers_away_for_testing, take_split_record, with_config, Config, SplitRecord,
};
use groundup::Matrix;
use std::time::{Duration, Instant};

fn square(n: usize) -> Matrix<f64> {
    Matrix::from_vec(
        n,
        n,
        (0..n * n)
            .map(|i| ((i * 37 % 101) as f64 - 50.0) / 7.0)
            .collect(),
    )
    .unwrap()
}

#[test]
fn products_run_alone_while_helpers_are_away_then_split_again() {
    let a = square(256);
    for kernel in kernels::available() {
        let one = with_config(Config { kernel, threads: 1 }, || a.matmul(&a));
        let two = Config { kernel, threads: 2 };
        helpers_away_for_testing(60_000);
        take_split_record();
        let alone = with_config(two, || a.matmul(&a));
        assert_eq!(
            take_split_record(),
            Some(SplitRecord {
                parts: 2,
                threads: 1
            }),
            "{kernel:?}: while away, the planned parts run on the caller"
        );
        assert!(alone == one, "{kernel:?}: parts run alone give other bits");
        helpers_away_for_testing(0);
        // Back to helpers: some run soon has both threads (parts are
        // claimed, so a busy machine may need a few tries).
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            take_split_record();
            let c = with_config(two, || a.matmul(&a));
            assert!(c == one, "{kernel:?}: split product gives other bits");
            let r = take_split_record().expect("a 256³ product with 2 threads is split");
            if r.threads == 2 {
                break;
            }
            assert!(Instant::now() < deadline, "{kernel:?}: no helper in 60 s");
        }
    }
    // The period also ends by itself. (One test: the state is process-wide.)
    helpers_away_for_testing(50);
    std::thread::sleep(Duration::from_millis(60));
    let two = Config {
        kernel: kernels::best(),
        threads: 2,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        take_split_record();
        with_config(two, || a.matmul(&a));
        if take_split_record().is_some_and(|r| r.threads == 2) {
            break;
        }
        assert!(Instant::now() < deadline, "still alone after 60 s");
    }
}
