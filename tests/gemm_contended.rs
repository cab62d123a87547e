//! The pool's back-off for a busy core (`src/gemm/threads/contention.rs`):
//! while it holds, a product that would split runs unsplit on the calling
//! thread, with the bits of one thread and of the pool; once it ends, it
//! splits again and the workers get parts.
//!
//! `run_alone_for_testing(true)` (a hidden hook) starts the back-off as two
//! strikes would, without its time limit. It is process-wide, so this is
//! the only test of its binary. The detection itself (which parts count as
//! preempted, when strikes start a period alone) is unit-tested in the
//! module; the slowdown it prevents is measured in the README.
#![cfg(feature = "simd")]

mod common;

use common::kernels;
use common::products::product_bits;
use groundup::gemm::{run_alone_for_testing, take_split_record, Config};
use groundup::Transpose;

/// `op(A)·B` for `m x n x k`, f64 and f32 bits.
fn product(cfg: Config, shape: (usize, usize, usize), op_a: Transpose) -> Vec<u64> {
    product_bits(cfg, shape, op_a, Transpose::No)
}

#[test]
fn a_busy_core_makes_products_run_unsplit_with_the_same_bits() {
    // Split by columns (256³, 40x600x300) and by rows (500x40x400).
    let shapes = [(256, 256, 256), (40, 600, 300), (500, 40, 400)];
    for kernel in kernels::available() {
        for shape in shapes {
            for op_a in [Transpose::No, Transpose::Yes] {
                let one = product(Config { kernel, threads: 1 }, shape, op_a);
                let two = Config { kernel, threads: 2 };
                run_alone_for_testing(true);
                take_split_record();
                let alone = product(two, shape, op_a);
                let record = take_split_record().expect("a product that would split");
                assert!(record.parts >= 2, "{kernel:?} {shape:?}: {record:?}");
                assert!(
                    record.unsplit && record.threads == 1,
                    "{kernel:?} {shape:?}: {record:?}"
                );
                assert!(one == alone, "{kernel:?} {shape:?} {op_a:?}: bits differ");

                // Back-off over: the product splits, and another thread runs
                // a part (retried while the caller happens to claim both
                // parts first).
                run_alone_for_testing(false);
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
                loop {
                    take_split_record();
                    let pooled = product(two, shape, op_a);
                    assert!(one == pooled, "{kernel:?} {shape:?} {op_a:?}: bits differ");
                    // (Unsplit again only if this machine really is busy.)
                    let record = take_split_record().expect("split");
                    if record.threads == 2 && !record.unsplit {
                        break;
                    }
                    assert!(
                        std::time::Instant::now() < deadline,
                        "{kernel:?} {shape:?}: no worker ran a part in 60 s after the back-off"
                    );
                }
            }
        }
    }
}
