//! The portable microkernel: an `MR x NR` array of accumulators updated with
//! plain multiply-adds, written so LLVM keeps the accumulators in vector
//! registers of whatever the target's baseline is (SSE2 on x86-64: 16 xmm
//! registers, so 4×8 f32 = 8 registers of accumulators, 4×4 f64 likewise).

use super::{store_tile, ASrc, MicroKernel};
use crate::gemm::view::CView;
use crate::Scalar;

/// The portable kernel token (always available).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Portable;

/// The packed panel (the portable kernel is not `DIRECT`, so the loop nest
/// always packs A for it). Builds without a `DIRECT` kernel (the safe build,
/// targets without SIMD kernels) read `ASrc::Strided` only here.
#[inline(always)]
fn packed<T>(a: ASrc<'_, T>) -> &[T] {
    match a {
        ASrc::Packed(a) => a,
        ASrc::Strided(a) => unreachable!(
            "portable kernel: A is always packed, got strides ({}, {})",
            a.rs, a.cs
        ),
    }
}

#[inline(always)]
fn tile<T: Scalar, const MR: usize, const NR: usize>(k: usize, a: &[T], b: &[T]) -> [[T; NR]; MR] {
    let mut acc = [[T::ZERO; NR]; MR];
    for (ap, bp) in a.chunks_exact(MR).zip(b.chunks_exact(NR)).take(k) {
        let ap: &[T; MR] = ap.try_into().unwrap();
        let bp: &[T; NR] = bp.try_into().unwrap();
        for i in 0..MR {
            for j in 0..NR {
                acc[i][j] += ap[i] * bp[j];
            }
        }
    }
    acc
}

impl MicroKernel<f32> for Portable {
    const MR: usize = 4;
    const NR: usize = 8;
    /// 96 × 256 × 4 B = 96 KiB of Ã in L2.
    const MC: usize = 96;
    /// 256 × 8 × 4 B = 8 KiB per B̃ micro-panel in L1.
    const KC: usize = 256;
    /// 256 × 4096 × 4 B = 4 MiB of B̃ in L3.
    const NC: usize = 4096;

    const DIRECT: bool = false;

    #[inline]
    fn run(
        self,
        k: usize,
        alpha: f32,
        a: ASrc<'_, f32>,
        b: &[f32],
        beta: f32,
        c: &mut CView<'_, f32>,
    ) {
        let acc = tile::<f32, 4, 8>(k, packed(a), b);
        store_tile(&acc, alpha, beta, c);
    }
}

impl MicroKernel<f64> for Portable {
    const MR: usize = 4;
    const NR: usize = 4;
    /// 96 × 256 × 8 B = 192 KiB of Ã in L2.
    const MC: usize = 96;
    /// 256 × 4 × 8 B = 8 KiB per B̃ micro-panel in L1.
    const KC: usize = 256;
    /// 256 × 2048 × 8 B = 4 MiB of B̃ in L3.
    const NC: usize = 2048;

    const DIRECT: bool = false;

    #[inline]
    fn run(
        self,
        k: usize,
        alpha: f64,
        a: ASrc<'_, f64>,
        b: &[f64],
        beta: f64,
        c: &mut CView<'_, f64>,
    ) {
        let acc = tile::<f64, 4, 4>(k, packed(a), b);
        store_tile(&acc, alpha, beta, c);
    }
}

/// `dx[i] = dout[i]·(1 − y[i])·y[i]`, left to right as the book writes the
/// sigmoid's backward pass: the definition the vector paths match
/// (`x86_avx2/elementwise.rs`).
///
/// # Panics
/// If the three lengths differ.
pub(crate) fn sigmoid_grad<T: Scalar>(dout: &[T], y: &[T], dx: &mut [T]) {
    assert!(
        dout.len() == dx.len() && y.len() == dx.len(),
        "sigmoid_grad: lengths {}, {} and {} differ",
        dout.len(),
        y.len(),
        dx.len()
    );
    for ((dx, &d), &y) in dx.iter_mut().zip(dout).zip(y) {
        *dx = d * (T::ONE - y) * y;
    }
}

/// `xs[i] = xs[i] / ds[i]`: the definition the vector paths match.
///
/// # Panics
/// If the lengths differ.
pub(crate) fn div_elementwise<T: Scalar>(xs: &mut [T], ds: &[T]) {
    assert!(
        ds.len() == xs.len(),
        "div_elementwise: lengths {} and {} differ",
        xs.len(),
        ds.len()
    );
    for (x, &d) in xs.iter_mut().zip(ds) {
        *x /= d;
    }
}

/// `xs[i] = xs[i]·m / d`, left to right: the definition the vector paths
/// match.
pub(crate) fn mul_div_assign<T: Scalar>(xs: &mut [T], m: T, d: T) {
    for x in xs {
        *x = *x * m / d;
    }
}
