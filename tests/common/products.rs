//! One product through `gemm_with`, in f64 and in f32, as bits: what the
//! thread tests compare between configurations (one thread, the pool, the
//! caller alone) that must give the same bits.

use super::rng::TestRng;
use groundup::gemm::{gemm_with, Config};
use groundup::Transpose;

/// `op(A)·op(B)` for `m x n x k` with `cfg`, on seeded data: the f64
/// result's bits, then the f32 result's (alpha 0.5 there, so that path
/// scales too).
pub fn product_bits(
    cfg: Config,
    (m, n, k): (usize, usize, usize),
    op_a: Transpose,
    op_b: Transpose,
) -> Vec<u64> {
    let a = TestRng::new(1).fill(m * k);
    let b = TestRng::new(2).fill(k * n);
    let lda = if op_a == Transpose::No { k } else { m };
    let ldb = if op_b == Transpose::No { n } else { k };
    let mut c = vec![0.0f64; m * n];
    gemm_with(
        cfg, m, n, k, 1.0, &a, lda, op_a, &b, ldb, op_b, 0.0, &mut c, n,
    );
    let (a32, b32): (Vec<f32>, Vec<f32>) = (
        a.iter().map(|&v| v as f32).collect(),
        b.iter().map(|&v| v as f32).collect(),
    );
    let mut c32 = vec![0.0f32; m * n];
    gemm_with(
        cfg, m, n, k, 0.5, &a32, lda, op_a, &b32, ldb, op_b, 0.0, &mut c32, n,
    );
    let mut bits: Vec<u64> = c.iter().map(|v| v.to_bits()).collect();
    bits.extend(c32.iter().map(|v| u64::from(v.to_bits())));
    bits
}
