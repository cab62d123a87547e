//! GEMM against a naive f64 reference, for every kernel this CPU can run
//! (checked against the CPU's features, see `tests/common/kernels.rs`),
//! with 1 and 2 threads, f32 and f64, every transpose combination, awkward
//! shapes, alpha/beta in {0, 1, -0.5}, and strided (sub-matrix) operands.
//!
//! Under `GROUNDUP_TEST_SCALE=small` (emulated targets, see `tests/common/scale.rs`)
//! the grid checks a quarter of its cases (still every m, n and k, the
//! direct and the blocked path) and the big shapes shrink to sizes that
//! still cross KC (256) and MC (96) of the portable kernel with ragged
//! edges and still use two threads; the other tests are unchanged.

mod common;

use common::rng::TestRng;
use common::{kernels, scale};
use groundup::gemm::{
    gemm_with, take_split_record, with_config, with_full_width_avx512, Config, Kernel, SplitRecord,
    MIN_FLOPS_PER_THREAD,
};
use groundup::{Matrix, Scalar, Transpose};
use std::time::{Duration, Instant};

const OPS: [Transpose; 2] = [Transpose::No, Transpose::Yes];
const SCALARS: [f64; 3] = [0.0, 1.0, -0.5];

fn configs() -> Vec<Config> {
    let mut v = Vec::new();
    for kernel in kernels::available() {
        for threads in [1, 2] {
            v.push(Config { kernel, threads });
        }
    }
    assert!(v.iter().any(|c| c.kernel == Kernel::Portable));
    v
}

/// One product checked element by element against an f64 reference with a
/// rigorous bound: |error| <= 2(k+2)·eps·(|alpha|·Σ|a||b| + |beta·c|).
/// `pad` > 0 stores every operand inside a wider buffer (leading dimension =
/// row length + pad, plus an offset) and checks the gaps are untouched.
#[allow(clippy::too_many_arguments)]
fn check<T: Scalar>(
    cfg: Config,
    rng: &mut TestRng,
    m: usize,
    n: usize,
    k: usize,
    op_a: Transpose,
    op_b: Transpose,
    alpha: f64,
    beta: f64,
    pad: usize,
) {
    let (ar, ac) = op_a.apply((m, k));
    let (br, bc) = op_b.apply((k, n));
    let (lda, ldb, ldc) = (ac + pad, bc + pad, n + pad);
    let off = pad; // start the operands `pad` elements into their buffers
    let a: Vec<T> = rng.fill(off + ar * lda);
    let b: Vec<T> = rng.fill(off + br * ldb);
    let mut c: Vec<T> = rng.fill(off + m * ldc);
    if beta == 0.0 {
        // beta = 0 must not read C: poison it.
        for i in 0..m {
            for j in 0..n {
                c[off + i * ldc + j] = T::from_f64(f64::NAN);
            }
        }
    }
    let c0 = c.clone();
    let get = |x: &[T], ld: usize, op: Transpose, i: usize, j: usize| -> f64 {
        match op {
            Transpose::No => x[off + i * ld + j].to_f64(),
            Transpose::Yes => x[off + j * ld + i].to_f64(),
        }
    };
    let run = |c: &mut [T]| {
        gemm_with(
            cfg,
            m,
            n,
            k,
            T::from_f64(alpha),
            &a[off..],
            lda,
            op_a,
            &b[off..],
            ldb,
            op_b,
            T::from_f64(beta),
            &mut c[off..],
            ldc,
        )
    };
    run(&mut c);
    if cfg.kernel == Kernel::Avx512 {
        // On a CPU that runs 512-bit FMAs as two halves (Zen 4), where the
        // AVX-512 kernel's loop nest runs the AVX2 tiles and more products
        // go in place, also the paths of a CPU with whole 512-bit FMAs:
        // the same bits.
        let mut full = c0.clone();
        with_full_width_avx512(|| run(&mut full));
        let same = |x: &T, y: &T| x.to_f64().to_bits() == y.to_f64().to_bits();
        if let Some(idx) = c.iter().zip(&full).position(|(x, y)| !same(x, y)) {
            panic!("{cfg:?} {} m={m} n={n} k={k} op_a={op_a:?} op_b={op_b:?} alpha={alpha} beta={beta} pad={pad}: element {idx} of C differs between the AVX-512 kernel's paths for whole 512-bit FMAs and the default ones", T::DTYPE);
        }
    }
    let eps = T::EPSILON.to_f64();
    for i in 0..m {
        for j in 0..n {
            let (mut dot, mut mag) = (0.0f64, 0.0f64);
            for p in 0..k {
                let prod = get(&a, lda, op_a, i, p) * get(&b, ldb, op_b, p, j);
                dot += prod;
                mag += prod.abs();
            }
            let old = c0[off + i * ldc + j].to_f64();
            let old_term = if beta == 0.0 { 0.0 } else { beta * old };
            let want = alpha * dot + old_term;
            let tol = 2.0 * (k as f64 + 2.0) * eps * (alpha.abs() * mag + old_term.abs())
                + f64::MIN_POSITIVE;
            let got = c[off + i * ldc + j].to_f64();
            assert!(
                (got - want).abs() <= tol,
                "{cfg:?} {} m={m} n={n} k={k} op_a={op_a:?} op_b={op_b:?} alpha={alpha} beta={beta} pad={pad}: C[{i},{j}] = {got}, want {want} (tol {tol})",
                T::DTYPE
            );
        }
    }
    // Nothing outside the m x n block of C may change.
    for (idx, (&now, &before)) in c.iter().zip(&c0).enumerate() {
        let inside = idx >= off && {
            let r = (idx - off) / ldc;
            let col = (idx - off) % ldc;
            r < m && col < n
        };
        if !inside {
            assert!(
                now.to_f64().to_bits() == before.to_f64().to_bits(),
                "{cfg:?} m={m} n={n} k={k} pad={pad}: element {idx} outside C was overwritten"
            );
        }
    }
}

fn grid<T: Scalar>(seed: u32) {
    let mut rng = TestRng::new(seed);
    let small = scale::small();
    for cfg in configs() {
        // Every (m, n, k) in 1..=40 (and 0 for each dimension), rotating
        // through transposes, alpha/beta and padding so all combinations
        // appear many times.
        let mut case = 0usize;
        for m in 0..=40 {
            for n in 0..=40 {
                for k in 0..=40 {
                    if (m == 0 || n == 0 || k == 0) && (m + n + k) % 7 != 0 {
                        continue;
                    }
                    if small && (m + 2 * n + 3 * k) % 4 != 0 {
                        continue;
                    }
                    case += 1;
                    let op_a = OPS[case % 2];
                    let op_b = OPS[(case / 2) % 2];
                    let alpha = SCALARS[(case / 4) % 3];
                    let beta = SCALARS[(case / 12) % 3];
                    let pad = [0, 3][(case / 36) % 2];
                    check::<T>(cfg, &mut rng, m, n, k, op_a, op_b, alpha, beta, pad);
                }
            }
        }
    }
}

#[test]
fn grid_1_to_40_f32() {
    grid::<f32>(1);
}

#[test]
fn grid_1_to_40_f64() {
    grid::<f64>(2);
}

fn big_shapes<T: Scalar>(seed: u32) {
    let mut rng = TestRng::new(seed);
    let sizes = scale::pick(&[63, 64, 65, 127, 129, 257][..], &[63, 65, 129, 257]);
    let depths = scale::pick(&[1, 7, 63, 64, 65, 129, 257][..], &[1, 65, 257]);
    // (m, n, k) of: the mid-size product run with every transpose and
    // alpha/beta; the MNIST layer; two 1000-ish products (several MC and
    // KC blocks, ragged edges).
    let (mid, train, wide, deep) = scale::pick(
        (
            (130, 131, 257),
            (128, 1024, 784),
            (1001, 997, 300),
            (999, 1003, 517),
        ),
        (
            (100, 101, 260),
            (100, 300, 260),
            (200, 199, 300),
            (199, 203, 517),
        ),
    );
    for cfg in configs() {
        let mut case = 0usize;
        for &m in sizes {
            for &n in sizes {
                for &k in depths {
                    case += 1;
                    let op_a = OPS[case % 2];
                    let op_b = OPS[(case / 2) % 2];
                    let alpha = SCALARS[(case / 4) % 3];
                    let beta = SCALARS[(case / 3) % 3];
                    check::<T>(cfg, &mut rng, m, n, k, op_a, op_b, alpha, beta, case % 3);
                }
            }
        }
        // Every transpose combination and alpha/beta on one mid-size product
        // big enough for two threads.
        for op_a in OPS {
            for op_b in OPS {
                for alpha in SCALARS {
                    for beta in SCALARS {
                        let (m, n, k) = mid;
                        check::<T>(cfg, &mut rng, m, n, k, op_a, op_b, alpha, beta, 1);
                    }
                }
            }
        }
        // The training shapes (forward, and the two backward products).
        let (tm, tn, tk) = train;
        let (no, yes) = (Transpose::No, Transpose::Yes);
        check::<T>(cfg, &mut rng, tm, tn, tk, no, no, 1.0, 0.0, 0);
        check::<T>(cfg, &mut rng, tk, tn, tm, yes, no, 1.0, 0.0, 0);
        check::<T>(cfg, &mut rng, tm, tk, tn, no, yes, 1.0, 0.0, 0);
        let (m, n, k) = wide;
        check::<T>(cfg, &mut rng, m, n, k, no, no, -0.5, 1.0, 2);
        let (m, n, k) = deep;
        check::<T>(cfg, &mut rng, m, n, k, yes, yes, 1.0, -0.5, 0);
    }
}

#[test]
fn big_shapes_f32() {
    big_shapes::<f32>(3);
}

#[test]
fn big_shapes_f64() {
    big_shapes::<f64>(4);
}

/// Paths chosen by shape: A read in place for skinny C (n ≤ 2 micro-panels,
/// both layouts of A; 1 to 4 vectors wide), around the width limit; the small path with a
/// transposed B that fits the stack buffer and one that does not; ragged
/// panels of the transposing B packer (n not a multiple of NR, k not a
/// multiple of the 8×8 block).
fn shape_paths<T: Scalar>(seed: u32) {
    let mut rng = TestRng::new(seed);
    let cases: [(usize, usize, usize); 15] = [
        (128, 10, 1024),
        // C 10 wide over several KC blocks: flat tiles (AVX2) with C
        // inside a wider buffer, then with C whole; rows left over.
        (45, 10, 700),
        (64, 10, 900),
        (200, 20, 700),
        (130, 12, 600),
        (1000, 7, 300),
        (97, 32, 400),
        (97, 33, 400),
        (61, 16, 2000),
        (1, 64, 500),
        (2, 100, 150),
        (3, 1, 5000),
        (50, 70, 13),
        (40, 47, 29),
        // Wider than NC of every kernel (portable f32 4096, f64 2048).
        (5, 4200, 9),
    ];
    for cfg in configs() {
        for (case, &(m, n, k)) in cases.iter().enumerate() {
            for op_a in OPS {
                for op_b in OPS {
                    let alpha = SCALARS[(case + 1) % 3];
                    let beta = SCALARS[case % 3];
                    check::<T>(cfg, &mut rng, m, n, k, op_a, op_b, alpha, beta, case % 2);
                }
            }
        }
    }
}

/// Every small `m x n` tile edge through the blocked path: `k = 4100`
/// keeps these shapes off the direct path (op(B) too large to read in
/// place) and spans several KC blocks.
fn blocked_edges<T: Scalar>(seed: u32) {
    let mut rng = TestRng::new(seed);
    for cfg in configs() {
        let mut case = 0usize;
        // Up to two 12-row tiles and two more rows (the AVX-512 kernel's MR).
        for m in 1..=26 {
            for n in (1..=34).step_by(3) {
                case += 1;
                let op_a = OPS[case % 2];
                let op_b = OPS[(case / 2) % 2];
                let beta = SCALARS[(case / 4) % 3];
                check::<T>(cfg, &mut rng, m, n, 4100, op_a, op_b, 1.0, beta, case % 2);
            }
        }
    }
}

/// Small products with a row-major B whose row stride is a multiple of
/// 1 KiB: rows that many bytes apart share a few L1 sets, so the AVX-512
/// kernel copies B's blocks two vectors wide (zero-padded when C's last
/// block is ragged) rather than reading them in place.
fn colliding_b_rows<T: Scalar>(seed: u32) {
    let mut rng = TestRng::new(seed);
    let no = Transpose::No;
    for cfg in configs() {
        for (case, &(m, n, k, pad)) in [
            (128, 128, 128, 0),
            (65, 256, 100, 0),
            (97, 100, 130, 28),
            (16, 256, 200, 0),
            (40, 250, 150, 6),
        ]
        .iter()
        .enumerate()
        {
            let alpha = [1.0, -0.5][case % 2];
            let beta = SCALARS[case % 3];
            check::<T>(cfg, &mut rng, m, n, k, no, no, alpha, beta, pad);
        }
    }
}

/// Products on either side of the in-place limits of the AVX-512 kernel
/// on Zen 4 (f64 multiply-adds: 8·128³, or 16·128³ when op(B) is read
/// where it lies; f32 twice as many): inside the wider limit with B's rows
/// 1360 and 2160 bytes apart (read in place), just past it, and inside it
/// with rows 4 KiB apart (copied, so the narrower limit: the loop nest).
fn in_place_limits<T: Scalar>(seed: u32) {
    let mut rng = TestRng::new(seed);
    let no = Transpose::No;
    let cases: &[(usize, usize, usize)] = if T::BYTES == 4 {
        scale::pick(
            &[(330, 340, 320), (420, 410, 400), (70, 1024, 500)][..],
            &[(33, 34, 32)],
        )
    } else {
        scale::pick(
            &[(260, 270, 250), (330, 340, 310), (70, 512, 500)][..],
            &[(26, 27, 25)],
        )
    };
    for cfg in configs() {
        for (case, &(m, n, k)) in cases.iter().enumerate() {
            for op_a in OPS {
                let beta = SCALARS[case % 3];
                check::<T>(cfg, &mut rng, m, n, k, op_a, no, 1.0, beta, case % 2);
            }
        }
    }
}

/// Products on either side of the rule that reads op(A) in place, unpacked,
/// at any width of C when op(A)'s KC-deep block is at most 128 KiB and it is
/// one block of rows or one thread runs the product (`loops::reads_a_in_place`;
/// AVX2 f64 tiles are 6×8 with MC = 96, f32 6×16 with MC = 144, KC = 384):
/// at MC rows and just past, at 128 KiB and just past, several row blocks
/// (in place on one thread, a team on two), C wide, two KC blocks (so
/// beta = 1 after the first), a 2-row last tile, both layouts of op(A) and
/// both of op(B).
fn a_in_place_limits<T: Scalar>(seed: u32) {
    let mut rng = TestRng::new(seed);
    let cases: &[(usize, usize, usize)] = if T::BYTES == 4 {
        &[
            (64, 128, 128),
            (64, 300, 128),
            (144, 100, 227),
            (145, 100, 56),
            (144, 100, 228),
            (20, 128, 409),
            (62, 100, 70),
            (200, 100, 163),
            (200, 100, 164),
        ]
    } else {
        &[
            (64, 64, 64),
            (64, 300, 64),
            (96, 40, 170),
            (97, 40, 42),
            (96, 40, 171),
            (10, 60, 500),
            (62, 30, 50),
            (128, 128, 128),
            (129, 50, 127),
            (130, 50, 127),
        ]
    };
    for cfg in configs() {
        for (case, &(m, n, k)) in cases.iter().enumerate() {
            for (i, op_a) in OPS.into_iter().enumerate() {
                let op_b = OPS[(case + i) % 2];
                let alpha = [1.0, -0.5][case % 2];
                let beta = SCALARS[(case + i) % 3];
                check::<T>(cfg, &mut rng, m, n, k, op_a, op_b, alpha, beta, case % 2);
            }
        }
    }
}

#[test]
fn a_in_place_limits_f32() {
    a_in_place_limits::<f32>(45);
}

#[test]
fn a_in_place_limits_f64() {
    a_in_place_limits::<f64>(46);
}

#[test]
fn in_place_limits_f32() {
    in_place_limits::<f32>(43);
}

#[test]
fn in_place_limits_f64() {
    in_place_limits::<f64>(44);
}

#[test]
fn colliding_b_rows_f32() {
    colliding_b_rows::<f32>(41);
}

#[test]
fn colliding_b_rows_f64() {
    colliding_b_rows::<f64>(42);
}

#[test]
fn blocked_edges_f32() {
    blocked_edges::<f32>(9);
}

#[test]
fn blocked_edges_f64() {
    blocked_edges::<f64>(10);
}

#[test]
fn shape_paths_f32() {
    shape_paths::<f32>(7);
}

#[test]
fn shape_paths_f64() {
    shape_paths::<f64>(8);
}

/// `C = A·B` (`m x n x k`, all row-major, C overwritten) with `cfg`: the
/// bits of C (as f64s) and the product's [`SplitRecord`].
fn row_major_product<T: Scalar>(
    cfg: Config,
    (m, n, k): (usize, usize, usize),
    a: &[T],
    b: &[T],
) -> (Vec<u64>, Option<SplitRecord>) {
    let mut c = vec![T::ZERO; m * n];
    take_split_record();
    gemm_with(
        cfg,
        m,
        n,
        k,
        T::ONE,
        a,
        k,
        Transpose::No,
        b,
        n,
        Transpose::No,
        T::ZERO,
        &mut c,
        n,
    );
    let bits = c.iter().map(|v| v.to_f64().to_bits()).collect();
    (bits, take_split_record())
}

/// Each C element is summed in the same order whatever the thread count;
/// and a product with 2 or 3 threads that is large enough to be split
/// really runs on more than one thread (`take_split_record`), so the bits
/// of one thread are compared with those of several, not with themselves.
fn bit_identical_threads<T: Scalar>(seed: u32) {
    let mut rng = TestRng::new(seed);
    let train = scale::pick((128, 1024, 784), (100, 300, 260));
    // A product gets a thread per this many flops (the safe build starts
    // threads per product, so it asks 8 times more work of each).
    let per_thread = MIN_FLOPS_PER_THREAD * if cfg!(feature = "simd") { 1 } else { 8 };
    for kernel in kernels::available() {
        for &(m, n, k) in &[
            (257, 300, 129),
            train,
            (700, 64, 300),
            (33, 2000, 130),
            (128, 10, 1024),
            (1024, 24, 128),
            // n = 60 is packed on one thread, in-place A in two parts of ≤ 32.
            (40, 60, 2000),
        ] {
            let a: Vec<T> = rng.fill(m * k);
            let b: Vec<T> = rng.fill(k * n);
            let run = |threads| row_major_product(Config { kernel, threads }, (m, n, k), &a, &b);
            let what = format!("{kernel:?} {} {m}x{n}x{k}", T::DTYPE);
            let (alone, record) = run(1);
            assert_eq!(record, None, "{what}: one thread split the product");
            // Every shape here has many micro-tiles along the split
            // dimension, so two threads' worth of flops means a split.
            let splits = 2 * m * n * k >= 2 * per_thread;
            for threads in [2, 3] {
                // Parts are claimed, not assigned: on a busy machine the
                // calling thread may run every part before a worker gets
                // one, and another test's product may hold the pool (the
                // product then runs on the caller). So run the product
                // until another thread took part, comparing every run.
                let deadline = Instant::now() + Duration::from_secs(60);
                let mut runs = 0;
                loop {
                    runs += 1;
                    let (bits, record) = run(threads);
                    assert!(
                        bits == alone,
                        "{what}: {threads} threads give other bits than one"
                    );
                    let Some(SplitRecord {
                        parts,
                        threads: ran_on,
                        ..
                    }) = record
                    else {
                        assert!(!splits, "{what}: {threads} threads did not split it");
                        break;
                    };
                    assert!(
                        splits && (2..=threads).contains(&parts),
                        "{what}: {threads} threads cut it into {parts} parts"
                    );
                    assert!((1..=parts).contains(&ran_on), "{what}: {record:?}");
                    if ran_on >= 2 {
                        break;
                    }
                    assert!(
                        Instant::now() < deadline,
                        "{what}: {threads} threads, {runs} runs in 60 s: every part of every run ran on the calling thread"
                    );
                }
            }
        }
    }
}

/// A product past the threads' rule for teams (2·1024·1024·512 flops, at
/// least 576 rows, C wide) runs as a team on every kernel, and gives the
/// bits of one thread. (Unlike `tests/gemm_team.rs`, no hook forces it:
/// this is the rule products meet.)
#[cfg(feature = "simd")]
fn large_product_runs_as_a_team<T: Scalar>(seed: u32) {
    // Under emulation (`GROUNDUP_TEST_SCALE=small`: the rule's threshold
    // cannot be scaled down) on aarch64 only, whose NEON nest has blocking
    // of its own; i686 and s390x run just the portable kernel, whose case
    // the native run covers (x86-64 runs every kernel).
    if scale::small() && !cfg!(target_arch = "aarch64") {
        eprintln!("large_products_run_as_teams: skipped at GROUNDUP_TEST_SCALE=small off aarch64");
        return;
    }
    let (m, n, k) = (600, 1024, 1024);
    let mut rng = TestRng::new(seed);
    let a: Vec<T> = rng.fill(m * k);
    let b: Vec<T> = rng.fill(k * n);
    for kernel in kernels::available() {
        let run = |threads| row_major_product(Config { kernel, threads }, (m, n, k), &a, &b);
        let what = format!("{kernel:?} {} {m}x{k}·{k}x{n}", T::DTYPE);
        let (alone, _) = run(1);
        let (team, record) = run(2);
        let record = record.unwrap_or_else(|| panic!("{what}: two threads did not split it"));
        assert!(record.team && !record.unsplit, "{what}: {record:?}");
        assert!(
            team == alone,
            "{what}: a team gives other bits than one thread"
        );
    }
}

#[cfg(feature = "simd")]
#[test]
fn large_products_run_as_teams_f32() {
    large_product_runs_as_a_team::<f32>(11);
}

#[cfg(feature = "simd")]
#[test]
fn large_products_run_as_teams_f64() {
    large_product_runs_as_a_team::<f64>(12);
}

#[test]
fn thread_count_does_not_change_bits_f32() {
    bit_identical_threads::<f32>(5);
}

#[test]
fn thread_count_does_not_change_bits_f64() {
    bit_identical_threads::<f64>(6);
}

#[test]
fn bad_arguments_panic_with_the_numbers() {
    let a = [1.0f32; 5];
    let b = [1.0f32; 6];
    let err = std::panic::catch_unwind(move || {
        let mut c = [0.0f32; 4];
        groundup::gemm::gemm(
            2,
            2,
            3,
            1.0,
            &a,
            3,
            Transpose::No,
            &b,
            2,
            Transpose::No,
            0.0,
            &mut c,
            2,
        );
    })
    .unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(
        msg.contains("A") && msg.contains("needs 6") && msg.contains("has 5"),
        "{msg}"
    );
}

/// The vector kernels (AVX2+FMA on x86-64, NEON on aarch64) compute every
/// element as one fused multiply-add chain over `k` in increasing order
/// while `k` fits one depth block (≤ 256 for every kernel), on every path
/// (direct, skinny, packed, edge tiles, threads), then `alpha·acc + beta·c`
/// rounded as written. This is the arithmetic of OpenBLAS's small dgemm
/// that makes the book's float64 runs bit-exact, so the same bits must come
/// out on every architecture: checked bit for bit against a scalar
/// `mul_add` chain.
fn fused_chains<T: Scalar>(seed: u32) {
    let mut rng = TestRng::new(seed);
    let shapes = [
        (1, 1, 1),
        (30, 10, 2),
        (7, 13, 5),
        (33, 47, 64),
        (64, 64, 64),
        (100, 10, 256),
        (128, 24, 100),
        (97, 131, 256),
        (300, 200, 150),
    ];
    for kernel in kernels::available() {
        if kernel == Kernel::Portable {
            continue;
        }
        for &(m, n, k) in &shapes {
            for op_a in OPS {
                for op_b in OPS {
                    for (alpha, beta) in [
                        (1.0, 0.0),
                        (-0.5, 0.0),
                        (1.0, 1.0),
                        (-0.5, 1.0),
                        (1.0, -0.5),
                    ] {
                        let (alpha, beta) = (T::from_f64(alpha), T::from_f64(beta));
                        let a: Vec<T> = rng.fill(m * k);
                        let b: Vec<T> = rng.fill(k * n);
                        let c0: Vec<T> = rng.fill(m * n);
                        let (lda, ldb) = (
                            if op_a == Transpose::No { k } else { m },
                            if op_b == Transpose::No { n } else { k },
                        );
                        let at = |i: usize, p: usize| {
                            if op_a == Transpose::No {
                                a[i * k + p]
                            } else {
                                a[p * m + i]
                            }
                        };
                        let bt = |p: usize, j: usize| {
                            if op_b == Transpose::No {
                                b[p * n + j]
                            } else {
                                b[j * k + p]
                            }
                        };
                        let want = fused_chain_reference(&c0, n, (m, n, k), at, bt, alpha, beta);
                        for threads in [1, 2] {
                            let mut c = c0.clone();
                            gemm_with(
                                Config { kernel, threads },
                                m,
                                n,
                                k,
                                alpha,
                                &a,
                                lda,
                                op_a,
                                &b,
                                ldb,
                                op_b,
                                beta,
                                &mut c,
                                n,
                            );
                            let bad = c
                                .iter()
                                .zip(&want)
                                .position(|(x, y)| x.to_f64().to_bits() != y.to_f64().to_bits());
                            if let Some(idx) = bad {
                                panic!(
                                    "{kernel:?} threads {threads} {m}x{n}x{k} {op_a:?}/{op_b:?} alpha {alpha:?} beta {beta:?}: element ({}, {}) is {:?}, the in-order fused chain gives {:?}",
                                    idx / n, idx % n, c[idx], want[idx]
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `C = alpha·op(A)·op(B) + beta·C` (C `m x n` at row stride `ldc` in
/// `c0`) as the vector kernels compute it: each element one in-order
/// `mul_add` chain over `k`, then stored as written (`acc`, `alpha·acc`,
/// `c + acc`, `alpha·acc + beta·c`). Elements of `c0` outside C are kept.
fn fused_chain_reference<T: Scalar>(
    c0: &[T],
    ldc: usize,
    (m, n, k): (usize, usize, usize),
    at: impl Fn(usize, usize) -> T,
    bt: impl Fn(usize, usize) -> T,
    alpha: T,
    beta: T,
) -> Vec<T> {
    let mut want = c0.to_vec();
    for i in 0..m {
        for j in 0..n {
            let mut acc = T::ZERO;
            for p in 0..k {
                acc = at(i, p).mul_add(bt(p, j), acc);
            }
            let c = &mut want[i * ldc + j];
            *c = if beta == T::ZERO {
                if alpha == T::ONE {
                    acc
                } else {
                    alpha * acc
                }
            } else if beta == T::ONE && alpha == T::ONE {
                *c + acc
            } else {
                alpha * acc + beta * *c
            };
        }
    }
    want
}

/// C 10 wide on the skinny path: with AVX2, flat tiles (vectors that run
/// across the ends of C's rows) and ordinary tiles for the rows left over.
/// Every element is bit for bit the in-order fused chain (as in
/// [`fused_chains`]), for C contiguous (whole-vector stores) or inside a
/// wider buffer (element stores), B row-major (copied in vectors) or
/// transposed, A's rows 4 KiB apart (f32 keeps its 6-row tiles there) or
/// not, every alpha/beta case, one thread and two.
fn flat_tiles<T: Scalar>(seed: u32) {
    let mut rng = TestRng::new(seed);
    let n = 10;
    let four_kib = 4096 / std::mem::size_of::<T>();
    for kernel in kernels::available() {
        if kernel == Kernel::Portable {
            continue;
        }
        for (m, k) in [(128, 256), (131, 250)] {
            for lda in [k, four_kib] {
                for ldc in [n, n + 3] {
                    for op_b in OPS {
                        for (alpha, beta) in [
                            (1.0, 0.0),
                            (-0.5, 0.0),
                            (1.0, 1.0),
                            (-0.5, 1.0),
                            (1.0, -0.5),
                        ] {
                            let (alpha, beta) = (T::from_f64(alpha), T::from_f64(beta));
                            let a: Vec<T> = rng.fill(m * lda);
                            let b: Vec<T> = rng.fill(k * n);
                            let c0: Vec<T> = rng.fill(m * ldc);
                            let ldb = if op_b == Transpose::No { n } else { k };
                            let bt = |p: usize, j: usize| {
                                if op_b == Transpose::No {
                                    b[p * n + j]
                                } else {
                                    b[j * k + p]
                                }
                            };
                            let at = |i: usize, p: usize| a[i * lda + p];
                            let want =
                                fused_chain_reference(&c0, ldc, (m, n, k), at, bt, alpha, beta);
                            for threads in [1, 2] {
                                let mut c = c0.clone();
                                gemm_with(
                                    Config { kernel, threads },
                                    m,
                                    n,
                                    k,
                                    alpha,
                                    &a,
                                    lda,
                                    Transpose::No,
                                    &b,
                                    ldb,
                                    op_b,
                                    beta,
                                    &mut c,
                                    ldc,
                                );
                                let bad = c.iter().zip(&want).position(|(x, y)| {
                                    x.to_f64().to_bits() != y.to_f64().to_bits()
                                });
                                if let Some(idx) = bad {
                                    panic!(
                                        "{kernel:?} threads {threads} {m}x{n}x{k} lda {lda} ldc {ldc} B {op_b:?} alpha {alpha:?} beta {beta:?}: element ({}, {}) is {:?}, the in-order fused chain gives {:?}",
                                        idx / ldc, idx % ldc, c[idx], want[idx]
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn flat_tiles_are_in_order_fused_chains_f32() {
    flat_tiles::<f32>(13);
}

#[test]
fn flat_tiles_are_in_order_fused_chains_f64() {
    flat_tiles::<f64>(14);
}

#[test]
fn vector_kernels_are_in_order_fused_chains_f32() {
    fused_chains::<f32>(11);
}

#[test]
fn vector_kernels_are_in_order_fused_chains_f64() {
    fused_chains::<f64>(12);
}

/// The process-wide default is the fastest kernel the CPU has (unless
/// `GROUNDUP_KERNEL` asks for another), and products really run it: a
/// 1×2·2×1 product whose exact value tells a fused multiply-add chain (the
/// vector kernels) from separately rounded products (the portable kernel).
#[test]
fn the_default_kernel_is_the_fastest_and_runs() {
    let best = kernels::best();
    let forced = kernels::forced();
    if !forced {
        assert_eq!(kernels::selected(), best);
        assert_eq!(Config::current().kernel, best);
    }
    // x = 1 + 2^-12: x·x = 1 + 2^-11 + 2^-24, which rounds (a tie, to
    // even) to 1 + 2^-11 in f32. So -(1 + 2^-11)·1 + x·x is 2^-24 as an
    // in-order fused chain and 0 with the product x·x rounded first.
    let x = 1.0 + 2f32.powi(-12);
    let a = Matrix::from_vec(1, 2, vec![-(1.0 + 2f32.powi(-11)), x]).unwrap();
    let b = Matrix::from_vec(2, 1, vec![1.0, x]).unwrap();
    let want = |kernel: Kernel| {
        if kernel == Kernel::Portable {
            0.0
        } else {
            2f32.powi(-24)
        }
    };
    for kernel in kernels::available() {
        let got = with_config(Config { kernel, threads: 1 }, || a.matmul(&b))[(0, 0)];
        assert_eq!(got, want(kernel), "{kernel:?}");
    }
    if !forced {
        assert_eq!(
            a.matmul(&b)[(0, 0)],
            want(best),
            "the default configuration {:?} did not run the {best:?} kernel",
            Config::current()
        );
    }
}

/// The AVX-512 kernel does the AVX2 kernel's arithmetic (the same KC
/// blocks, one in-order FMA chain per block, the same stores), so the two
/// give the same bits on every shape: depths past one KC block, rows and
/// columns past MC and NC, ragged edges, transposes, alpha/beta, 1 and 2
/// threads, its own skinny tiles (C one or two vectors wide) and the tiny
/// products it hands to the AVX2 path.
fn avx512_matches_avx2<T: Scalar>(seed: u32) {
    let available = kernels::available();
    if !available.contains(&Kernel::Avx512) {
        println!("no AVX-512 kernel on this CPU/compiler: nothing to compare");
        return;
    }
    let mut rng = TestRng::new(seed);
    let shapes = [
        (1, 1, 1),
        (7, 33, 5),
        (13, 40, 385),
        (37, 65, 800),
        (128, 10, 1024),
        (77, 20, 500),
        (50, 16, 800),
        (29, 9, 1200),
        (13, 32, 7),
        // Whole tiles, then 11, 8 or 4 rows left in f32's 12-row tiles (a
        // batch of 128), 7, 0 or 4 in f64's 8-row ones.
        (23, 40, 800),
        (128, 70, 500),
        (100, 33, 390),
        (128, 1024, 200),
        (150, 97, 1),
        (301, 4200, 3),
        (290, 130, 1100),
        // One block of rows (B̃ packed a micro-panel at a time, the next
        // one prefetched), two depth blocks, columns past NC.
        (90, 4200, 400),
        // Row-major B whose rows collide in L1 (1 and 2 KiB strides): the
        // AVX-512 kernel copies B's blocks instead of reading them in place.
        (128, 128, 128),
        (65, 256, 100),
        (16, 256, 200),
        // C at most four columns wide (the narrow tiles, 4-lane vectors):
        // 12-row tiles and 6, 1 or 5 rows left, one or three depth blocks.
        (30, 3, 10),
        (13, 1, 7),
        (25, 2, 385),
        (29, 4, 800),
        // Deeper than KC yet direct for the AVX2 kernel (f32: small and
        // wide), so one pass over k on both.
        (40, 8, 500),
        (9, 10, 400),
        // Four columns, too deep for the direct path: KC blocks, B read
        // in place or (transposed) copied into zero-padded rows.
        (40, 4, 1200),
        // f32 C five to eight columns wide (256-bit narrow tiles): the
        // word2vec toy's two products, 12-row tiles and 6, 1 or 5 rows
        // left, one pass or KC blocks; f64 takes 512-bit tiles here.
        (6, 5, 7),
        (6, 7, 5),
        (1, 6, 1),
        (30, 6, 10),
        (25, 8, 385),
        (29, 5, 800),
        (41, 7, 1200),
        // At most four rows and a large row-major B (f32 ≥ 512 KiB):
        // streamed row by row (`gemm/stream.rs`): one to three column blocks
        // (16 KiB of sums shared by the rows), a ragged last vector, one
        // to four depth blocks.
        (1, 1100, 130),
        (1, 4200, 40),
        (2, 2100, 70),
        (3, 300, 900),
        (4, 257, 520),
        (2, 97, 1400),
        // One vector wide with row-major A's rows 4 KiB apart (f32 k =
        // 1024, f64 k = 512): 8-row tiles (12 would collide in L1), 5 rows
        // left; f64 12 columns and f32 6 take other tiles.
        (29, 12, 1024),
        (21, 6, 512),
        // C one 512-bit vector and at most a 256-bit one wide (f64 9 to 12
        // columns, f32 17 to 24; on Zen 4 the mixed-width tiles): 8-row
        // tiles, compiled alone from depth 32 and inlined below it, and 1
        // to 7 rows left; one pass or KC blocks.
        (8, 10, 1),
        (23, 10, 31),
        (17, 9, 32),
        (7, 12, 500),
        (16, 11, 3),
        (31, 20, 40),
        (9, 17, 700),
        (15, 24, 5),
        (12, 22, 33),
    ];
    for &(m, n, k) in &shapes {
        for (op_a, op_b) in [
            (Transpose::No, Transpose::No),
            (Transpose::Yes, Transpose::No),
            (Transpose::No, Transpose::Yes),
            (Transpose::Yes, Transpose::Yes),
        ] {
            for (alpha, beta) in [(1.0, 0.0), (-0.5, 0.0), (1.0, 1.0), (0.75, -0.5)] {
                let (alpha, beta) = (T::from_f64(alpha), T::from_f64(beta));
                // A transposed A is stored with 3 elements of padding per
                // row (lda > m), so the tiles that read its columns side by
                // side must step by lda, not m.
                let lda = if op_a == Transpose::No { k } else { m + 3 };
                let a_rows = if op_a == Transpose::No { m } else { k };
                let a: Vec<T> = rng.fill(a_rows * lda);
                let b: Vec<T> = rng.fill(k * n);
                let c0: Vec<T> = rng.fill(m * n);
                let ldb = if op_b == Transpose::No { n } else { k };
                let run = |kernel, threads| {
                    let mut c = c0.clone();
                    let cfg = Config { kernel, threads };
                    gemm_with(
                        cfg, m, n, k, alpha, &a, lda, op_a, &b, ldb, op_b, beta, &mut c, n,
                    );
                    c.iter().map(|v| v.to_f64().to_bits()).collect::<Vec<_>>()
                };
                let want = run(Kernel::Avx2Fma, 1);
                // Also the paths of a CPU with whole 512-bit FMAs where
                // the default differs (Zen 4: the loop nest on the AVX2
                // tiles, more products in place).
                for (threads, full) in [(1, false), (2, false), (1, true), (2, true)] {
                    let got = if full {
                        with_full_width_avx512(|| run(Kernel::Avx512, threads))
                    } else {
                        run(Kernel::Avx512, threads)
                    };
                    if let Some(idx) = got.iter().zip(&want).position(|(x, y)| x != y) {
                        panic!(
                            "{} {m}x{n}x{k} {op_a:?}/{op_b:?} alpha {alpha:?} beta {beta:?} threads {threads} full-width paths {full}: element ({}, {}) differs from the AVX2 kernel's",
                            T::DTYPE,
                            idx / n,
                            idx % n
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn avx512_and_avx2_kernels_give_the_same_bits_f32() {
    avx512_matches_avx2::<f32>(31);
}

#[test]
fn avx512_and_avx2_kernels_give_the_same_bits_f64() {
    avx512_matches_avx2::<f64>(32);
}

/// At most four rows of C times a large row-major op(B) (≥ 512 KiB) are
/// streamed: B read row after row, the sums of a block of C's columns kept
/// in a buffer (`gemm/stream.rs`, every kernel). On every kernel, 1 and 2
/// threads, both layouts of op(A) (a transposed one padded, lda > m) and
/// alpha/beta (beta = 0 with C poisoned): within the reference's bound,
/// nothing outside C touched, and each row bit for bit the same row of an
/// 8-row product (which the loop nest's tiles compute), so streaming never
/// changes a result. Shapes: one to three column blocks of sums, a ragged
/// last block, one to four depth blocks.
fn streamed_rows<T: Scalar>(seed: u32) {
    let mut rng = TestRng::new(seed);
    let shapes = [
        (1, 1100, 130),
        (1, 4200, 40),
        (2, 2100, 70),
        (3, 300, 900),
        (4, 257, 520),
        (2, 97, 1400),
        (1, 700, 1000),
    ];
    const TALL: usize = 8;
    for cfg in configs() {
        for &(m, n, k) in &shapes {
            for op_a in OPS {
                for (alpha, beta) in [(1.0, 0.0), (-0.5, 0.0), (1.0, 1.0), (0.75, -0.5)] {
                    check::<T>(cfg, &mut rng, m, n, k, op_a, Transpose::No, alpha, beta, 0);
                    let (alpha, beta) = (T::from_f64(alpha), T::from_f64(beta));
                    // op(A) of TALL rows; the product streams the first m.
                    let tall: Vec<T> = rng.fill(TALL * k);
                    let (a, lda) = match op_a {
                        Transpose::No => (tall[..m * k].to_vec(), k),
                        Transpose::Yes => {
                            let lda = m + 3;
                            let mut a = vec![T::from_f64(f64::NAN); k * lda];
                            for i in 0..m {
                                for q in 0..k {
                                    a[q * lda + i] = tall[i * k + q];
                                }
                            }
                            (a, lda)
                        }
                    };
                    let b: Vec<T> = rng.fill(k * n);
                    let c0: Vec<T> = rng.fill(TALL * n);
                    let mut want = c0.clone();
                    gemm_with(
                        cfg,
                        TALL,
                        n,
                        k,
                        alpha,
                        &tall,
                        k,
                        Transpose::No,
                        &b,
                        n,
                        Transpose::No,
                        beta,
                        &mut want,
                        n,
                    );
                    let mut got = c0[..m * n].to_vec();
                    gemm_with(
                        cfg,
                        m,
                        n,
                        k,
                        alpha,
                        &a,
                        lda,
                        op_a,
                        &b,
                        n,
                        Transpose::No,
                        beta,
                        &mut got,
                        n,
                    );
                    let bits = |v: &[T]| v.iter().map(|x| x.to_f64().to_bits()).collect::<Vec<_>>();
                    let (got, want) = (bits(&got), bits(&want[..m * n]));
                    if let Some(idx) = got.iter().zip(&want).position(|(x, y)| x != y) {
                        panic!(
                            "{cfg:?} {} {m}x{n}x{k} op_a {op_a:?} alpha {alpha:?} beta {beta:?}: streamed C[{}, {}] differs from the same row of a {TALL}-row product",
                            T::DTYPE,
                            idx / n,
                            idx % n
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn streamed_rows_match_the_loop_nest_f32() {
    streamed_rows::<f32>(41);
}

#[test]
fn streamed_rows_match_the_loop_nest_f64() {
    streamed_rows::<f64>(42);
}
