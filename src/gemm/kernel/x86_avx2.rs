//! AVX2 + FMA microkernels for x86-64, chosen at runtime.
//!
//! f32: 6×16 tile = 6 rows × two 8-lane ymm vectors = 12 accumulators; per
//! step of `k`, two vector loads of B̃, six broadcasts of Ã, twelve FMAs.
//! f64: 6×8 tile, the same register plan with 4-lane vectors. Twelve
//! independent accumulators cover the FMA latency (4 cycles × 2 pipes on
//! Zen 3, 5 × 2 on Haswell) and leave registers for the operands (16 ymm).

use super::{store_tile, MicroKernel};
use crate::gemm::loops::Problem;
use crate::gemm::small;
use crate::gemm::view::CView;
use crate::Scalar;
use std::arch::x86_64::*;

/// Proof that this CPU has AVX2 and FMA: only [`Avx2::detect`] makes one.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2 {
    _detected: (),
}

impl Avx2 {
    /// `Some` when the CPU supports AVX2 and FMA (detected at runtime).
    pub fn detect() -> Option<Avx2> {
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            Some(Avx2 { _detected: () })
        } else {
            None
        }
    }

    /// The direct small-product path compiled with FMA enabled, so every
    /// element is a fused multiply-add chain (OpenBLAS's arithmetic).
    pub fn small<T: Scalar>(self, p: &mut Problem<'_, '_, T>) {
        // SAFETY: `self` exists only if AVX2 and FMA were detected.
        unsafe { small_fma(p) }
    }
}

#[target_feature(enable = "avx2,fma")]
unsafe fn small_fma<T: Scalar>(p: &mut Problem<'_, '_, T>) {
    small::gemm_small(p, true)
}

/// The 6×16 f32 kernel token.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2F32(pub Avx2);
/// The 6×8 f64 kernel token.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2F64(pub Avx2);

impl MicroKernel<f32> for Avx2F32 {
    const MR: usize = 6;
    const NR: usize = 16;
    /// 144 × 256 × 4 B = 144 KiB of Ã: well inside the 512 KiB L2 of Zen 3,
    /// leaving room for the B̃ micro-panels streaming through.
    const MC: usize = 144;
    /// 256 × 16 × 4 B = 16 KiB per B̃ micro-panel: half of the 32 KiB L1d.
    const KC: usize = 256;
    /// 256 × 4080 × 4 B ≈ 4 MiB of B̃ in the 32 MiB L3.
    const NC: usize = 4080;

    #[inline]
    fn run(self, k: usize, alpha: f32, a: &[f32], b: &[f32], beta: f32, c: &mut CView<'_, f32>) {
        assert!(a.len() >= 6 * k && b.len() >= 16 * k);
        let mut acc = [[0.0f32; 16]; 6];
        // SAFETY: `self.0` proves AVX2+FMA; the asserts above bound every read
        // (6 of Ã and 16 of B̃ per step for k steps); `acc` is a local array.
        unsafe { tile_f32(k, a.as_ptr(), b.as_ptr(), &mut acc) };
        store_tile(&acc, alpha, beta, c);
    }
}

impl MicroKernel<f64> for Avx2F64 {
    const MR: usize = 6;
    const NR: usize = 8;
    /// 96 × 256 × 8 B = 192 KiB of Ã in the 512 KiB L2.
    const MC: usize = 96;
    /// 256 × 8 × 8 B = 16 KiB per B̃ micro-panel: half of L1d.
    const KC: usize = 256;
    /// 256 × 2040 × 8 B ≈ 4 MiB of B̃ in L3.
    const NC: usize = 2040;

    #[inline]
    fn run(self, k: usize, alpha: f64, a: &[f64], b: &[f64], beta: f64, c: &mut CView<'_, f64>) {
        assert!(a.len() >= 6 * k && b.len() >= 8 * k);
        let mut acc = [[0.0f64; 8]; 6];
        // SAFETY: `self.0` proves AVX2+FMA; the asserts above bound every read
        // (6 of Ã and 8 of B̃ per step for k steps); `acc` is a local array.
        unsafe { tile_f64(k, a.as_ptr(), b.as_ptr(), &mut acc) };
        store_tile(&acc, alpha, beta, c);
    }
}

/// `out = Ã·B̃` for one 6×16 tile.
///
/// # Safety
/// AVX2 and FMA must be available; `a` must be valid for `6k` reads and `b`
/// for `16k` reads.
#[target_feature(enable = "avx2,fma")]
unsafe fn tile_f32(k: usize, a: *const f32, b: *const f32, out: &mut [[f32; 16]; 6]) {
    let mut c = [[_mm256_setzero_ps(); 2]; 6];
    let (mut a, mut b) = (a, b);
    for _ in 0..k {
        // SAFETY: the caller guarantees 16 readable floats at `b` and 6 at `a`
        // for each of the k steps.
        unsafe {
            let b0 = _mm256_loadu_ps(b);
            let b1 = _mm256_loadu_ps(b.add(8));
            for (i, ci) in c.iter_mut().enumerate() {
                let ai = _mm256_broadcast_ss(&*a.add(i));
                ci[0] = _mm256_fmadd_ps(ai, b0, ci[0]);
                ci[1] = _mm256_fmadd_ps(ai, b1, ci[1]);
            }
            a = a.add(6);
            b = b.add(16);
        }
    }
    for (ci, oi) in c.iter().zip(out.iter_mut()) {
        // SAFETY: each output row holds 16 floats: two unaligned 8-wide stores.
        unsafe {
            _mm256_storeu_ps(oi.as_mut_ptr(), ci[0]);
            _mm256_storeu_ps(oi.as_mut_ptr().add(8), ci[1]);
        }
    }
}

/// `out = Ã·B̃` for one 6×8 tile.
///
/// # Safety
/// AVX2 and FMA must be available; `a` must be valid for `6k` reads and `b`
/// for `8k` reads.
#[target_feature(enable = "avx2,fma")]
unsafe fn tile_f64(k: usize, a: *const f64, b: *const f64, out: &mut [[f64; 8]; 6]) {
    let mut c = [[_mm256_setzero_pd(); 2]; 6];
    let (mut a, mut b) = (a, b);
    for _ in 0..k {
        // SAFETY: the caller guarantees 8 readable doubles at `b` and 6 at `a`
        // for each of the k steps.
        unsafe {
            let b0 = _mm256_loadu_pd(b);
            let b1 = _mm256_loadu_pd(b.add(4));
            for (i, ci) in c.iter_mut().enumerate() {
                let ai = _mm256_broadcast_sd(&*a.add(i));
                ci[0] = _mm256_fmadd_pd(ai, b0, ci[0]);
                ci[1] = _mm256_fmadd_pd(ai, b1, ci[1]);
            }
            a = a.add(6);
            b = b.add(8);
        }
    }
    for (ci, oi) in c.iter().zip(out.iter_mut()) {
        // SAFETY: each output row holds 8 doubles: two unaligned 4-wide stores.
        unsafe {
            _mm256_storeu_pd(oi.as_mut_ptr(), ci[0]);
            _mm256_storeu_pd(oi.as_mut_ptr().add(4), ci[1]);
        }
    }
}
