//! Teams (`src/gemm/threads/team.rs`): threads that run one product's loop
//! nest together, claiming pack and rows tasks, give the bits of one
//! thread, whatever the shape, layout, alpha and beta, and whichever
//! thread runs which task.
//!
//! `teams_for_testing(Some(true))` (a hidden hook) makes every product
//! that would split run as a team where its loop nest allows, so the
//! shapes here can stay small. The hook is process-wide, so this is the
//! only test of its binary.
#![cfg(feature = "simd")]

mod common;

use common::rng::TestRng;
use common::{kernels, scale};
use groundup::gemm::{
    gemm_with, take_split_record, teams_for_testing, with_full_width_avx512, Config, Kernel,
};
use groundup::Transpose;

/// `C = alpha·op(A)·op(B) + beta·C` for `m x n x k` with `cfg`, C with a
/// row stride of `n + 3` and seeded contents; f64 bits then f32 bits.
fn product(
    cfg: Config,
    (m, n, k): (usize, usize, usize),
    (op_a, op_b): (Transpose, Transpose),
    (alpha, beta): (f64, f64),
) -> Vec<u64> {
    let a: Vec<f64> = TestRng::new(1).fill(m * k);
    let b: Vec<f64> = TestRng::new(2).fill(k * n);
    let ldc = n + 3;
    let c0: Vec<f64> = TestRng::new(3).fill(m * ldc);
    let lda = if op_a == Transpose::No { k } else { m };
    let ldb = if op_b == Transpose::No { n } else { k };
    let mut c = c0.clone();
    gemm_with(
        cfg, m, n, k, alpha, &a, lda, op_a, &b, ldb, op_b, beta, &mut c, ldc,
    );
    let f32s = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
    let mut c32 = f32s(&c0);
    gemm_with(
        cfg,
        m,
        n,
        k,
        alpha as f32,
        &f32s(&a),
        lda,
        op_a,
        &f32s(&b),
        ldb,
        op_b,
        beta as f32,
        &mut c32,
        ldc,
    );
    let mut bits: Vec<u64> = c.iter().map(|v| v.to_bits()).collect();
    bits.extend(c32.iter().map(|v| u64::from(v.to_bits())));
    bits
}

const OPS: [(Transpose, Transpose); 4] = [
    (Transpose::No, Transpose::No),
    (Transpose::Yes, Transpose::No),
    (Transpose::No, Transpose::Yes),
    (Transpose::Yes, Transpose::Yes),
];

/// Shapes with two or more blocks of rows: three and four blocks, ragged
/// last blocks and tails of 1–5 rows, several depth steps (both shared
/// buffers, each reused), more columns than one B̃ block (f64's NC = 2048),
/// prime sizes, C a little wider than a micro-panel. Under
/// `GROUNDUP_TEST_SCALE=small` (qemu) smaller ones that still have two or
/// more blocks of rows, depth steps past both buffers with the portable
/// kernel (KC = 256), and more columns than its f64 NC.
fn shapes() -> Vec<(usize, usize, usize)> {
    scale::pick(
        vec![
            (300, 97, 41),
            (289, 200, 777),
            (577, 50, 1200),
            (433, 2100, 60),
            (1009, 37, 389),
            (293, 61, 1543),
        ],
        vec![
            (150, 37, 130),
            (160, 40, 800),
            (289, 41, 300),
            (150, 2100, 8),
        ],
    )
}

fn check(kernel: Kernel, full_width: bool) -> usize {
    let mut two_threads = 0;
    for shape in shapes() {
        for ops in OPS {
            for ab in [(1.0, 0.0), (0.5, 1.0), (-1.5, 0.25)] {
                let run = |threads| {
                    let cfg = Config { kernel, threads };
                    if full_width {
                        with_full_width_avx512(|| product(cfg, shape, ops, ab))
                    } else {
                        product(cfg, shape, ops, ab)
                    }
                };
                let one = run(1);
                take_split_record();
                let team = run(2);
                // (The record of the f32 product, run last.)
                let record = take_split_record().expect("a product that splits");
                if record.team {
                    assert!(!record.unsplit, "{kernel:?} {shape:?}: {record:?}");
                    if record.threads == 2 {
                        two_threads += 1;
                    }
                }
                if let Some(i) = one.iter().zip(&team).position(|(x, y)| x != y) {
                    let half = one.len() / 2;
                    let (ty, i) = if i < half {
                        ("f64", i)
                    } else {
                        ("f32", i - half)
                    };
                    let ldc = shape.1 + 3;
                    panic!(
                        "{kernel:?} (full width {full_width}) {shape:?} {ops:?} alpha, beta {ab:?}: \
                         {ty} element ({}, {}) differs between one thread and a team",
                        i / ldc,
                        i % ldc
                    );
                }
            }
        }
    }
    two_threads
}

#[test]
fn teams_give_the_bits_of_one_thread() {
    teams_for_testing(Some(true));
    for kernel in kernels::available() {
        let two = check(kernel, false);
        // The pool's worker spins between products, so it joins most
        // teams; if it joined none, the team's sharing went untested.
        assert!(two > 0, "{kernel:?}: no team product ran on two threads");
        if kernel == Kernel::Avx512 {
            assert!(check(kernel, true) > 0);
        }
    }
    // Under emulation (`GROUNDUP_TEST_SCALE=small`) the 1.3-GFLOP product
    // below runs on aarch64 only, whose NEON nest has blocking of its own;
    // i686 and s390x run just the portable kernel, whose case the native
    // run covers (x86-64 runs every kernel). It cost minutes there.
    if scale::small() && !cfg!(target_arch = "aarch64") {
        teams_for_testing(None);
        eprintln!("gemm_team: the large product skipped at GROUNDUP_TEST_SCALE=small off aarch64");
        return;
    }
    // The hook's three settings on one product past the rule (2·1024·1024·512
    // flops, 600 rows): forced or by the rule a team, with `Some(false)`
    // parts; the same bits each way. And a product whose loop nest does not
    // take it as a team (C two columns wide: op(A) read in place by the SIMD
    // kernels) is not forced into one.
    let large = (600, 1024, 1024);
    let plain = (Transpose::No, Transpose::No);
    for kernel in kernels::available() {
        let cfg = |threads| Config { kernel, threads };
        let one = product(cfg(1), large, plain, (1.0, 0.0));
        for (hook, team) in [(Some(true), true), (None, true), (Some(false), false)] {
            teams_for_testing(hook);
            take_split_record();
            let two = product(cfg(2), large, plain, (1.0, 0.0));
            let record = take_split_record().expect("a product that splits");
            assert_eq!(record.team, team, "{kernel:?} {hook:?}: {record:?}");
            assert!(
                one == two,
                "{kernel:?} {hook:?}: other bits than one thread"
            );
        }
        if kernel != Kernel::Portable {
            teams_for_testing(Some(true));
            take_split_record();
            product(cfg(2), (700, 2, 1 << 16), plain, (1.0, 0.0));
            let record = take_split_record().expect("a product that splits");
            assert!(!record.team, "{kernel:?}: {record:?}");
        }
    }
    teams_for_testing(None);
}
