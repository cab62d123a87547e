//! After warm-up, a product allocates nothing: not the threaded blocked path
//! (persistent workers with their own packing buffers, job handed over
//! without boxing), not the direct small path, not `Matrix::matmul_into`.
//!
//! That is the default build (feature `simd`). The safe build
//! (`--no-default-features`) has no persistent pool: a product split into
//! parts starts scoped threads, so there each *split* product allocates
//! (the queue of parts, the threads and their join handles, the new
//! threads' packing buffers), between 1 and [`SPLIT_ALLOCS`] times per
//! started thread and at most the bytes of its operands A and B plus
//! [`SPLIT_BYTES`] per started thread (packing buffers hold blocks of A and
//! B). Everything else allocates nothing in both builds: every product with
//! one thread, and the products too small to be split.
//!
//! A counting global allocator sees every thread's allocations, so this file
//! is one check run from its own `main` (`harness = false` in Cargo.toml):
//! libtest's main thread allocates while a test runs — it formats "test …
//! has been running for over 60 seconds" — and under emulation (qemu, the
//! portable kernel) this check takes longer than that, which once showed up
//! as "2 allocations, 594 bytes after warm-up" on aarch64 (338 bytes on
//! i686) that the library never made.
//!
//! Deterministic: the warm-up of every split product repeats it until both
//! threads that can take its parts (the caller and the pool's one worker)
//! have run one (see [`warm_up`]); before that, a part the worker claimed
//! for the first time in the measured window grew its packing buffers
//! there, now and then.
//!
//! Under `GROUNDUP_TEST_SCALE=small` (see `tests/common/scale.rs`) the large shapes
//! shrink but still cross the portable kernel's KC (256) and MC (96) blocks,
//! still take the threaded, transposed and skinny paths. At full size the
//! check passes under qemu-s390x too, but takes 13 minutes (measured: 848 s
//! of CPU, 0.4 s of it in the kernel, every shape done at a steady pace: the
//! portable kernel runs about 450x slower there than on the x86-64 host; no
//! thread spins); each shape's progress line shows where time goes.

mod common;

use common::rng::TestRng;
use common::{kernels, scale};
use groundup::gemm::{gemm_with, take_split_record, Config, MIN_FLOPS_PER_THREAD};
use groundup::{Matrix, Transpose};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Safe build: most allocations one started thread may cost a split
/// product (measured: about 10).
const SPLIT_ALLOCS: usize = 16;
/// Safe build: most bytes one started thread may cost a split product
/// beyond the size of A and B (thread bookkeeping; measured: under 1 KiB).
const SPLIT_BYTES: usize = 64 * 1024;

/// Checks what this build promises for `runs` products that allocated
/// `allocs` times, `bytes` bytes: nothing, unless this is the safe build
/// and the product is split over `threads` threads.
fn check(
    what: &str,
    split: bool,
    threads: usize,
    operand_bytes: usize,
    runs: usize,
    allocs: usize,
    bytes: usize,
) {
    if cfg!(feature = "simd") || !split {
        assert_eq!(
            (allocs, bytes),
            (0, 0),
            "{what}: {allocs} allocations, {bytes} bytes after warm-up"
        );
    } else {
        let started = threads - 1;
        assert!(
            (runs..=runs * started * SPLIT_ALLOCS).contains(&allocs)
                && bytes <= runs * (operand_bytes + started * SPLIT_BYTES),
            "{what} (safe build, split into {threads} parts): {allocs} allocations, {bytes} bytes in {runs} products"
        );
    }
}

fn counted<R>(f: impl FnOnce() -> R) -> (R, usize, usize) {
    let (a0, b0) = (ALLOCS.load(Ordering::SeqCst), BYTES.load(Ordering::SeqCst));
    let r = f();
    let (a1, b1) = (ALLOCS.load(Ordering::SeqCst), BYTES.load(Ordering::SeqCst));
    (r, a1 - a0, b1 - b0)
}

fn data(n: usize, seed: u32) -> Vec<f32> {
    TestRng::new(seed).fill(n)
}

/// Runs `product` (one product, `split` into two parts or not) until every
/// thread that can take a part of it has run one, so none allocates in the
/// measured window. A thread grows its packing buffers on its first part of
/// a product (sized for every part of it: `gemm_blocked`'s `also`), and its
/// thread-local state on its first part at all. Parts are claimed, not
/// assigned, so a fixed number of warm-up runs did not guarantee that the
/// pool's worker ever ran a part: on a busy machine the caller can run
/// both parts before the worker wakes. The record of the run
/// (`take_split_record`) says when both threads took part: the caller and
/// the pool's only worker (products here use at most two threads, so the
/// pool never starts a second one). After that every part either thread
/// claims fits the buffers it has, so the window sees no allocation: not
/// by chance, whatever the scheduling.
fn warm_up(what: &str, split: bool, mut product: impl FnMut()) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    for run in 1.. {
        take_split_record();
        product();
        let record = take_split_record();
        assert_eq!(record.is_some(), split, "{what}: split {record:?}");
        // A few runs also when unsplit: the first grows the caller's state.
        let warm = match record {
            None => true,
            Some(r) => {
                assert_eq!(r.parts, 2, "{what}: {r:?}");
                r.threads == r.parts
            }
        };
        if warm && run >= 3 {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: in {run} warm-up runs over 120 s the worker never ran a part"
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn product(
    cfg: Config,
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    op_a: Transpose,
    b: &[f32],
    op_b: Transpose,
    c: &mut [f32],
) {
    let lda = if op_a == Transpose::No { k } else { m };
    let ldb = if op_b == Transpose::No { n } else { k };
    gemm_with(cfg, m, n, k, 1.0, a, lda, op_a, b, ldb, op_b, 0.0, c, n);
}

fn main() {
    products_allocate_nothing_after_warm_up();
    if cfg!(feature = "simd") {
        println!("gemm_alloc: products allocate nothing after warm-up");
    } else {
        println!("gemm_alloc: after warm-up only split products allocate, within the bounds");
    }
}

fn products_allocate_nothing_after_warm_up() {
    // (m, n, k) of the big products: the MNIST layer's by default; under
    // the small scale ~13x fewer flops, still deeper than KC, taller than
    // MC and above the two-thread threshold.
    let (bm, bn, bk) = scale::pick((128, 1024, 784), (100, 300, 260));
    // A square product with both operands transposed; small: 5x fewer
    // flops, still past KC and MC, ragged in MR and NR, two threads.
    let (sm, sn, sk) = scale::pick((300, 300, 300), (130, 140, 270));
    // The skinny logits product's depth: either way past the two-thread
    // threshold, so it is split too.
    let skinny_k = scale::pick(1024, 600);
    // A product a team runs (forced by the test hook: the rule wants
    // larger ones): three to seven blocks of rows, several depth steps.
    let (tm, tn, tk) = scale::pick((640, 300, 900), (300, 100, 400));
    let started = std::time::Instant::now();
    for kernel in kernels::available() {
        for threads in [1, 2] {
            let cfg = Config { kernel, threads };
            // Large (split when threads = 2: the first five, in the safe
            // build all but the logits shape), every transpose, and the
            // skinny logits shape; then the spiral net's small products.
            let shapes = [
                (bm, bn, bk, Transpose::No, Transpose::No, false),
                (bk, bn, bm, Transpose::Yes, Transpose::No, false),
                (bm, bk, bn, Transpose::No, Transpose::Yes, false),
                (bm, 10, skinny_k, Transpose::No, Transpose::No, false),
                (sm, sn, sk, Transpose::Yes, Transpose::Yes, false),
                // Run as a team (the `simd` build's large products).
                (tm, tn, tk, Transpose::No, Transpose::Yes, true),
                (30, 10, 2, Transpose::No, Transpose::No, false),
                (30, 3, 10, Transpose::No, Transpose::No, false),
                (30, 2, 10, Transpose::No, Transpose::Yes, false),
            ];
            for (m, n, k, op_a, op_b, team) in shapes {
                #[cfg(feature = "simd")]
                groundup::gemm::teams_for_testing(team.then_some(true));
                #[cfg(not(feature = "simd"))]
                let _ = team;
                let a = data(m * k, 1);
                let b = data(k * n, 2);
                let mut c = vec![0.0f32; m * n];
                let what = format!("{cfg:?} {m}x{n}x{k} {op_a:?}/{op_b:?}");
                // Split into 2 parts when it has two threads' worth of flops
                // (the safe build starts a thread per 8 × the pool's minimum;
                // all these shapes are many micro-tiles tall and wide).
                let per_thread = MIN_FLOPS_PER_THREAD * if cfg!(feature = "simd") { 1 } else { 8 };
                let split = threads > 1 && 2 * m * n * k >= 2 * per_thread;
                // Starts the worker and grows both threads' buffers.
                warm_up(&what, split, || {
                    product(cfg, m, n, k, &a, op_a, &b, op_b, &mut c);
                });
                let (_, allocs, bytes) = counted(|| {
                    for _ in 0..20 {
                        product(cfg, m, n, k, &a, op_a, &b, op_b, &mut c);
                    }
                });
                let operand_bytes = 4 * (m * k + k * n);
                check(&what, split, threads, operand_bytes, 20, allocs, bytes);
                // Progress (outside the counted part): under emulation this
                // takes minutes, and a stall should show where it is.
                eprintln!(
                    "gemm_alloc: {cfg:?} {m}x{n}x{k} {op_a:?}/{op_b:?} ok at {:.1?}",
                    started.elapsed()
                );
            }
        }
    }

    // The Matrix entry point the training loop uses.
    groundup::gemm::set_threads(2);
    let x = Matrix::from_fn(30, 2, |i, j| (i + 2 * j) as f64 / 7.0);
    let w = Matrix::from_fn(2, 10, |i, j| (i * 3 + j) as f64 / 5.0);
    let mut h = Matrix::zeros(30, 10);
    let big_a = Matrix::from_fn(bm, bk, |i, j| ((i * 7 + j) % 13) as f32 - 6.0);
    let big_b = Matrix::from_fn(bk, bn, |i, j| ((i + 3 * j) % 11) as f32 - 5.0);
    let mut big_c = Matrix::zeros(bm, bn);
    warm_up("matmul_into 30x10x2", false, || x.matmul_into(&w, &mut h));
    warm_up("matmul_into big", true, || {
        big_a.matmul_into(&big_b, &mut big_c)
    });
    let (_, allocs, bytes) = counted(|| {
        for _ in 0..20 {
            x.matmul_into(&w, &mut h);
        }
    });
    check("matmul_into 30x10x2", false, 2, 0, 20, allocs, bytes);
    let (_, allocs, bytes) = counted(|| {
        for _ in 0..20 {
            big_a.matmul_into(&big_b, &mut big_c);
        }
    });
    let operand_bytes = 4 * (bm * bk + bk * bn);
    check(
        &format!("matmul_into {bm}x{bn}x{bk}"),
        true,
        2,
        operand_bytes,
        20,
        allocs,
        bytes,
    );
}
