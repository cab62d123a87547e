//! The safe build (`--no-default-features`) computes the same bits as the
//! portable kernel of the default build.
//!
//! `EXPECTED` holds a hash of every product's output bits (the whole C
//! buffer, padding included) as computed by the **default** build with
//! `Kernel::Portable` and one thread. This file runs in both builds and
//! with 1, 2 and 3 threads, so it checks that
//! - the safe build (slice view of C, scoped threads, split by rows only)
//!   reproduces the default build's portable results bit for bit, and
//! - in either build the result does not depend on the thread count (the
//!   default build splits the wide shapes by columns, the safe one by rows).
//!
//! The shapes cover the direct small path, the blocked path with several
//! depth (KC) and row (MC) blocks, every transpose, strided operands,
//! `alpha`/`beta` other than 1/0 and threaded products split both ways.
//! Inputs come from the crate's `RandomState` (numpy's generator, the same
//! bits on every target), uniform in [-1, 1) and not short binary
//! fractions, so products round and any change of the arithmetic of an
//! element (order, fusing, blocking) changes the hash; in
//! the default build the SIMD kernels (fused multiply-adds) are checked to
//! produce different hashes, which shows the fixture can tell kernels apart.
//!
//! To regenerate after a deliberate change of the portable arithmetic: run
//! `cargo test --release --test gemm_safe_build` in the default build and
//! copy the table the failure message prints.

mod common;

use common::rng::TestRng;
use common::{fnv1a, kernels};
use groundup::gemm::{gemm_with, Config, Kernel};
use groundup::{Scalar, Transpose};

/// One product: `C = alpha·op(A)·op(B) + beta·C`, with `pad` extra elements
/// per row in every operand (leading dimension = row length + pad).
#[derive(Clone, Copy, Debug)]
struct Case {
    m: usize,
    n: usize,
    k: usize,
    op_a: Transpose,
    op_b: Transpose,
    alpha: f64,
    beta: f64,
    pad: usize,
}

const N: Transpose = Transpose::No;
const Y: Transpose = Transpose::Yes;

#[rustfmt::skip]
const CASES: [Case; 16] = [
    // Direct small path.
    Case { m: 30, n: 10, k: 2, op_a: N, op_b: N, alpha: 1.0, beta: 0.0, pad: 0 },
    Case { m: 7, n: 5, k: 31, op_a: Y, op_b: Y, alpha: 0.5, beta: -1.5, pad: 3 },
    // Blocked, one part.
    Case { m: 64, n: 64, k: 64, op_a: N, op_b: N, alpha: 1.0, beta: 0.0, pad: 0 },
    Case { m: 37, n: 29, k: 300, op_a: N, op_b: Y, alpha: -2.0, beta: 1.0, pad: 1 },
    // Several KC (256) and MC (96) blocks, threaded by rows.
    Case { m: 200, n: 33, k: 600, op_a: Y, op_b: N, alpha: 1.0, beta: 0.75, pad: 2 },
    Case { m: 300, n: 40, k: 200, op_a: N, op_b: N, alpha: 1.0, beta: 0.0, pad: 0 },
    Case { m: 131, n: 10, k: 1024, op_a: N, op_b: N, alpha: 1.0, beta: 1.0, pad: 0 },
    // Wider than tall: the default build splits by columns, the safe one by
    // rows.
    Case { m: 40, n: 300, k: 200, op_a: N, op_b: N, alpha: 1.0, beta: 0.0, pad: 0 },
    Case { m: 45, n: 257, k: 270, op_a: Y, op_b: Y, alpha: 0.25, beta: -1.0, pad: 5 },
    Case { m: 128, n: 300, k: 128, op_a: N, op_b: Y, alpha: 1.0, beta: 0.0, pad: 0 },
    // Only one micro-tile tall, wide: one part in the safe build.
    Case { m: 4, n: 2000, k: 300, op_a: N, op_b: N, alpha: 1.0, beta: 0.0, pad: 0 },
    // Square, threaded, every transpose.
    Case { m: 150, n: 150, k: 150, op_a: Y, op_b: N, alpha: 1.0, beta: 0.0, pad: 0 },
    Case { m: 150, n: 150, k: 150, op_a: N, op_b: Y, alpha: 1.0, beta: 0.0, pad: 0 },
    Case { m: 97, n: 103, k: 259, op_a: Y, op_b: Y, alpha: 1.5, beta: 2.0, pad: 1 },
    // Large enough for the safe build's threshold too (2 or 3 parts there).
    Case { m: 300, n: 260, k: 200, op_a: Y, op_b: N, alpha: 1.0, beta: 0.5, pad: 3 },
    Case { m: 64, n: 1000, k: 150, op_a: N, op_b: Y, alpha: 1.0, beta: 0.0, pad: 0 },
];

/// `(f32 hash, f64 hash)` per case, from the default build's portable
/// kernel with one thread.
const EXPECTED: [(u64, u64); 16] = [
    (0x859ba5ca6515bcf7, 0x97562bf89c71fb66),
    (0x99cb7b31103890cb, 0xfe31ccd3ab6b4b35),
    (0xca7302c4703ad282, 0xa1603d0667f00749),
    (0x3128b504dbacbf16, 0xeb75572ea8df13b7),
    (0xfbcb1e4d0528a568, 0x42234b72648ac0b5),
    (0x4f52e3004f822205, 0x9bb81ac9e12fca18),
    (0x9d5ed01bbcd27f11, 0xb19b03de1f394201),
    (0x2ed9823228d5eaca, 0xb43c9b015f6af062),
    (0x6bcc0d7903a23c85, 0xdb0445afd262626f),
    (0x2870fe654155db97, 0x4301072f9124092b),
    (0xd10f0fec0ff56394, 0x9372076d034325f6),
    (0x6fe55352b8a5dc4b, 0xfb2ef0be2699f52e),
    (0x4bef8e9a682ad7a7, 0xc082b32acad0bab1),
    (0x6851fc7ee2458013, 0x7d609c955a6c3eb6),
    (0x162710470ba6a56b, 0xa48cf6df00cd9246),
    (0xacf6c4c22b5e91b0, 0xea04ad0d2a6be069),
];

/// `len` values uniform in [-1, 1) from seed `seed`; identical on every
/// target.
fn fill<T: Scalar>(len: usize, seed: u32) -> Vec<T> {
    TestRng::new(seed).fill(len)
}

/// Runs `case` with `config`, returning the whole C buffer.
fn run<T: Scalar>(config: Config, case: Case) -> Vec<T> {
    let Case {
        m,
        n,
        k,
        op_a,
        op_b,
        alpha,
        beta,
        pad,
    } = case;
    let (ar, ac) = op_a.apply((m, k));
    let (br, bc) = op_b.apply((k, n));
    let (lda, ldb, ldc) = (ac + pad, bc + pad, n + pad);
    let a = fill::<T>(ar * lda, 1);
    let b = fill::<T>(br * ldb, 2);
    let mut c = if beta == 0.0 {
        // Not read when beta == 0: NaN must not leak into the result.
        let mut c = vec![T::from_f64(f64::NAN); m * ldc];
        for i in 0..m {
            for v in &mut c[i * ldc + n..(i + 1) * ldc] {
                *v = T::from_f64(-7.0); // padding, must stay as it is
            }
        }
        c
    } else {
        fill::<T>(m * ldc, 3)
    };
    gemm_with(
        config,
        m,
        n,
        k,
        T::from_f64(alpha),
        &a,
        lda,
        op_a,
        &b,
        ldb,
        op_b,
        T::from_f64(beta),
        &mut c,
        ldc,
    );
    c
}

fn hashes(config: Config) -> Vec<(u64, u64)> {
    CASES
        .iter()
        .map(|&case| {
            (
                fnv1a(&run::<f32>(config, case)),
                fnv1a(&run::<f64>(config, case)),
            )
        })
        .collect()
}

#[test]
fn portable_products_match_the_default_builds_bits_for_every_thread_count() {
    for threads in [1, 2, 3] {
        let config = Config {
            kernel: Kernel::Portable,
            threads,
        };
        let got = hashes(config);
        let table: String = got
            .iter()
            .map(|(a, b)| format!("    ({a:#018x}, {b:#018x}),\n"))
            .collect();
        for (i, (case, (g, e))) in CASES.iter().zip(got.iter().zip(EXPECTED)).enumerate() {
            assert_eq!(
                *g,
                e,
                "case {i} {case:?}, {threads} threads, simd feature {}: output bits differ from the default build's portable kernel (f32, f64 hashes); table of this run:\n{table}",
                cfg!(feature = "simd")
            );
        }
        assert_eq!(got.len(), EXPECTED.len(), "table of this run:\n{table}");
    }
}

#[test]
fn the_results_are_products_and_the_fixture_tells_kernels_apart() {
    // The hashed outputs are the products (checked against a plain f64 loop
    // for the f64 runs), so the fixture does not pin garbage.
    let config = Config {
        kernel: Kernel::Portable,
        threads: 2,
    };
    for case in CASES {
        let c = run::<f64>(config, case);
        let Case {
            m,
            n,
            k,
            op_a,
            op_b,
            alpha,
            beta,
            pad,
        } = case;
        let (ar, ac) = op_a.apply((m, k));
        let (br, bc) = op_b.apply((k, n));
        let (lda, ldb, ldc) = (ac + pad, bc + pad, n + pad);
        let a = fill::<f64>(ar * lda, 1);
        let b = fill::<f64>(br * ldb, 2);
        let c0 = fill::<f64>(m * ldc, 3);
        for i in 0..m {
            for j in 0..n {
                let mut s = 0.0;
                for p in 0..k {
                    let av = if op_a == N {
                        a[i * lda + p]
                    } else {
                        a[p * lda + i]
                    };
                    let bv = if op_b == N {
                        b[p * ldb + j]
                    } else {
                        b[j * ldb + p]
                    };
                    s += av * bv;
                }
                let want = if beta == 0.0 {
                    alpha * s
                } else {
                    alpha * s + beta * c0[i * ldc + j]
                };
                let got = c[i * ldc + j];
                assert!(
                    (got - want).abs() <= 1e-12 * (1.0 + want.abs()),
                    "{case:?} ({i}, {j}): {got} vs {want}"
                );
            }
            for j in n..ldc {
                let want = if beta == 0.0 { -7.0 } else { c0[i * ldc + j] };
                assert_eq!(c[i * ldc + j], want, "{case:?}: padding ({i}, {j}) written");
            }
        }
    }
    // A kernel with other arithmetic (the SIMD kernels' fused
    // multiply-adds) changes the hashes: the fixture would catch a safe
    // build that computed differently. (Only where such a kernel exists:
    // the default build on x86-64 with AVX2, or on aarch64.)
    for kernel in kernels::available() {
        if kernel == Kernel::Portable {
            continue;
        }
        let simd = hashes(Config { kernel, threads: 1 });
        let differ = simd.iter().zip(EXPECTED).filter(|(g, e)| **g != *e).count();
        assert!(
            differ >= CASES.len() / 2,
            "only {differ} of {} {kernel:?} runs differ from the portable fixture",
            CASES.len()
        );
    }
}

#[test]
fn the_safe_build_has_only_the_portable_kernel() {
    if cfg!(feature = "simd") {
        return; // the default build's kernels are tested in tests/gemm.rs
    }
    // The enum is the same in both builds; only the portable kernel runs.
    assert_eq!(Kernel::available(), [Kernel::Portable]);
    assert!(Kernel::ALL.contains(&Kernel::Avx2Fma) && Kernel::ALL.contains(&Kernel::Neon));
    assert!(!Kernel::Avx2Fma.is_available() && !Kernel::Neon.is_available());
    let err = std::panic::catch_unwind(|| {
        let config = Config {
            kernel: Kernel::Avx2Fma,
            threads: 1,
        };
        let mut c = [0.0f32; 1];
        gemm_with(
            config,
            1,
            1,
            1,
            1.0,
            &[1.0],
            1,
            N,
            &[1.0],
            1,
            N,
            0.0,
            &mut c,
            1,
        );
    })
    .unwrap_err();
    let msg = err
        .downcast_ref::<String>()
        .expect("a formatted panic message");
    assert!(msg.contains("built without the `simd` feature"), "{msg}");
}
