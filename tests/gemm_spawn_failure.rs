//! Where threads cannot be started (wasm32, a seccomp sandbox, a thread
//! limit), threaded products run on the calling thread instead of
//! panicking, with the same bits.
//!
//! `fail_thread_spawns_for_testing(true)` (a hidden hook) makes every
//! attempt of the GEMM threads to start a thread fail the way
//! `std::thread::Builder::spawn` / `spawn_scoped` fail there. It is set
//! before this process's first threaded product, so in the default build
//! the pool never gets a worker, and in the safe build no scoped thread
//! starts. The other test of this file runs no product in this process
//! (only in a child), so nothing else starts the pool first.
//!
//! [`threads_that_really_cannot_start`] shows the same without the hook,
//! in a child process whose thread starts really fail.

mod common;

use common::kernels;
use common::products::product_bits;
use groundup::gemm::{
    fail_thread_spawns_for_testing, take_split_record, thread_spawn_failures, Config, Kernel,
};
use groundup::{Matrix, Transpose};

/// `A·op(B)` for `m x n x k`, f64 and f32 bits.
fn product(cfg: Config, shape: (usize, usize, usize), op_b: Transpose) -> Vec<u64> {
    product_bits(cfg, shape, Transpose::No, op_b)
}

#[test]
fn threaded_products_run_on_the_calling_thread_when_threads_cannot_start() {
    fail_thread_spawns_for_testing(true);
    assert_eq!(thread_spawn_failures(), 0);
    // Large enough to be split into several parts (by rows, and in the
    // default build also by columns).
    let shapes = [(256, 256, 256), (40, 600, 300), (500, 40, 400)];
    for kernel in kernels::available() {
        for threads in [2, 4] {
            for shape in shapes {
                for op_b in [Transpose::No, Transpose::Yes] {
                    let before = thread_spawn_failures();
                    let alone = product(Config { kernel, threads: 1 }, shape, op_b);
                    assert_eq!(thread_spawn_failures(), before, "one thread spawns nothing");
                    take_split_record();
                    let got = product(Config { kernel, threads }, shape, op_b);
                    assert!(
                        alone == got,
                        "{kernel:?}, {threads} threads, {shape:?}: results differ from one thread's"
                    );
                    let record = take_split_record().expect("split");
                    assert_eq!(record.threads, 1, "{kernel:?} {shape:?}: {record:?}");
                    assert!(
                        thread_spawn_failures() > before,
                        "{kernel:?}, {threads} threads, {shape:?}: the product never tried to start a thread"
                    );
                }
            }
        }
    }

    // The Matrix entry point, with the process-wide thread bound.
    groundup::gemm::set_threads(4);
    let a = Matrix::from_fn(300, 200, |i, j| ((i * 7 + j) % 13) as f64 - 6.0);
    let b = Matrix::from_fn(200, 300, |i, j| ((i + 3 * j) % 11) as f64 - 5.0);
    let before = thread_spawn_failures();
    let c = a.matmul(&b);
    assert!(thread_spawn_failures() > before);
    let want = groundup::gemm::with_config(
        Config {
            kernel: Kernel::Portable,
            threads: 1,
        },
        || a.matmul(&b),
    );
    assert_eq!(c, want, "small integers: every kernel is exact");

    // Once threads can start again, they are used again (no more failures;
    // another thread runs a part, retried while the calling thread happens
    // to run both parts first) and the bits stay the same.
    fail_thread_spawns_for_testing(false);
    let failures = thread_spawn_failures();
    for kernel in kernels::available() {
        let alone = product(Config { kernel, threads: 1 }, shapes[0], Transpose::No);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            take_split_record();
            let got = product(Config { kernel, threads: 2 }, shapes[0], Transpose::No);
            assert!(
                alone == got,
                "{kernel:?}: threads started again, results differ"
            );
            // The f32 product's record (the f64 one's was overwritten).
            let record = take_split_record().expect("256³ with 2 threads is split");
            if record.threads == 2 {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{kernel:?}: threads can start again, yet for 60 s only the calling thread ran parts"
            );
        }
    }
    assert_eq!(thread_spawn_failures(), failures);
}

/// Set in the child process of [`threads_that_really_cannot_start`].
const CHILD: &str = "GROUNDUP_SPAWN_LIMIT_CHILD";

/// The same without the hook: a child process (this test binary again, only
/// this test) runs under `prlimit --as=2GiB` with `RUST_MIN_STACK=8GiB`, so
/// every `std::thread::Builder::spawn` really fails (the new thread's stack
/// cannot be mapped; glibc reports EAGAIN, as for a thread limit). Unlike
/// `RLIMIT_NPROC`, the address-space limit holds for root too. Linux only,
/// and not under an emulator (a `CARGO_TARGET_<TRIPLE>_RUNNER` is set):
/// the limit would constrain the emulator itself.
#[test]
fn threads_that_really_cannot_start() {
    if std::env::var_os(CHILD).is_some() {
        // The child: libtest itself could not start a thread for this test
        // (it then runs it on its main thread).
        assert!(
            std::thread::Builder::new().spawn(|| ()).is_err(),
            "the limit does not stop threads here"
        );
        for kernel in kernels::available() {
            for shape in [(256, 256, 256), (500, 40, 400)] {
                let before = thread_spawn_failures();
                let alone = product(Config { kernel, threads: 1 }, shape, Transpose::No);
                let got = product(Config { kernel, threads: 4 }, shape, Transpose::No);
                assert!(alone == got, "{kernel:?} {shape:?}: results differ");
                assert!(
                    thread_spawn_failures() > before,
                    "{kernel:?} {shape:?}: no spawn failed"
                );
            }
        }
        println!(
            "child: ok, {} failed thread starts",
            thread_spawn_failures()
        );
        return;
    }
    let emulated =
        std::env::vars().any(|(k, _)| k.starts_with("CARGO_TARGET_") && k.ends_with("_RUNNER"));
    if !cfg!(target_os = "linux") || emulated {
        eprintln!(
            "threads_that_really_cannot_start: needs native Linux; covered by the hook test here"
        );
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new("prlimit")
        .arg(format!("--as={}", 2u64 << 30))
        .arg(&exe)
        .args(["--exact", "threads_that_really_cannot_start", "--nocapture"])
        .env(CHILD, "1")
        .env("RUST_MIN_STACK", (8u64 << 30).to_string())
        .output()
        .expect("prlimit (util-linux) runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("child: ok"),
        "child under prlimit: {}\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
