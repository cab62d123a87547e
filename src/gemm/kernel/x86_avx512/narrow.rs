//! In-place tiles for C at most four columns wide (the spiral's output
//! layer, 30×10·10×3), in 4-lane vectors: f32 in 128-bit registers, f64 in
//! 256-bit ones, the ragged lanes under AVX-512VL masks.
//!
//! The 512-bit tiles of [`super::skinny_rows`] ran these with 3 of 16
//! lanes on, and a masked 512-bit store costs by the 64 bytes it spans, not
//! by the lanes it writes: thirty of them, rows 12 bytes apart, took 47 ns
//! where 128-bit ones took 13 (a standalone loop on a Xeon with AVX-512,
//! not committed). Storing 512-bit tiles through narrower masks instead
//! made LLVM compile the tiles' FMA loops worse (copies, a spill), so the
//! narrow tiles are their own code.
//!
//! Same arithmetic as the 512-bit tiles (and the AVX2 kernel), so the same
//! bits: one in-order FMA chain per element of C, then `alpha·acc +
//! beta·C` with the same operations.

use crate::Scalar;
use std::arch::x86_64::*;

/// 4-lane vector operations for one element type.
///
/// # Safety
/// Every method is an AVX, FMA or AVX-512VL intrinsic: call them only from
/// code that runs after `Avx512::detect` succeeded (which checks all three)
/// and is compiled with those features, with pointers valid for the lanes
/// they touch (the enabled lanes for masked ones).
pub(super) trait Quad: Scalar {
    type Q: Copy;
    unsafe fn zero() -> Self::Q;
    unsafe fn splat(x: Self) -> Self::Q;
    /// The lanes `m` enables from `p`, zeros elsewhere; disabled lanes are
    /// not accessed.
    unsafe fn maskload(p: *const Self, m: __mmask8) -> Self::Q;
    /// The lanes of `v` that `m` enables to `p`; disabled lanes are not
    /// accessed.
    unsafe fn maskstore(p: *mut Self, m: __mmask8, v: Self::Q);
    /// `a·b + c` with one rounding.
    unsafe fn fmadd(a: Self::Q, b: Self::Q, c: Self::Q) -> Self::Q;
    unsafe fn vmul(a: Self::Q, b: Self::Q) -> Self::Q;
    unsafe fn vadd(a: Self::Q, b: Self::Q) -> Self::Q;
}

macro_rules! quad_impl {
    ($t:ty, $q:ty, $zero:ident, $splat:ident, $maskload:ident, $maskstore:ident,
     $fmadd:ident, $mul:ident, $add:ident) => {
        impl Quad for $t {
            type Q = $q;
            #[inline(always)]
            unsafe fn zero() -> $q {
                // SAFETY: AVX is available (trait contract).
                unsafe { $zero() }
            }
            #[inline(always)]
            unsafe fn splat(x: $t) -> $q {
                // SAFETY: AVX is available (trait contract).
                unsafe { $splat(x) }
            }
            #[inline(always)]
            unsafe fn maskload(p: *const $t, m: __mmask8) -> $q {
                // SAFETY: AVX-512VL; the enabled lanes of `p` are readable
                // (contract), disabled lanes are not accessed.
                unsafe { $maskload(m, p) }
            }
            #[inline(always)]
            unsafe fn maskstore(p: *mut $t, m: __mmask8, v: $q) {
                // SAFETY: AVX-512VL; the enabled lanes of `p` are writable
                // (contract), disabled lanes are not accessed.
                unsafe { $maskstore(p, m, v) }
            }
            #[inline(always)]
            unsafe fn fmadd(a: $q, b: $q, c: $q) -> $q {
                // SAFETY: FMA is available (trait contract).
                unsafe { $fmadd(a, b, c) }
            }
            #[inline(always)]
            unsafe fn vmul(a: $q, b: $q) -> $q {
                // SAFETY: AVX is available (trait contract).
                unsafe { $mul(a, b) }
            }
            #[inline(always)]
            unsafe fn vadd(a: $q, b: $q) -> $q {
                // SAFETY: AVX is available (trait contract).
                unsafe { $add(a, b) }
            }
        }
    };
}

quad_impl!(
    f32,
    __m128,
    _mm_setzero_ps,
    _mm_set1_ps,
    _mm_maskz_loadu_ps,
    _mm_mask_storeu_ps,
    _mm_fmadd_ps,
    _mm_mul_ps,
    _mm_add_ps
);
quad_impl!(
    f64,
    __m256d,
    _mm256_setzero_pd,
    _mm256_set1_pd,
    _mm256_maskz_loadu_pd,
    _mm256_mask_storeu_pd,
    _mm256_fmadd_pd,
    _mm256_mul_pd,
    _mm256_add_pd
);

/// C's columns, the rows of B and where they are: `(p, j)` of op(B) at
/// `b + p*ldb + j` for `j < cols ≤ 4`.
#[derive(Clone, Copy)]
pub(super) struct NarrowB<T> {
    pub b: *const T,
    pub ldb: usize,
    pub cols: usize,
}

/// `C[0..R, 0..cols] = alpha·(A·B) + beta·C`, op(A) row-major in place
/// (`(i, p)` at `a + i*lda + p`), the sums and stores of the 512-bit tiles.
///
/// # Safety
/// AVX, FMA and AVX-512VL available; `a + i*lda + p` readable for `i < R`,
/// `p < k`; B readable as [`NarrowB`] says for `p < k`; `c + i*ldc + j`
/// writable (readable unless `beta == 0`) for `i < R`, `j < cols`, not
/// aliased by A or B.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn tile<T: Quad, const R: usize>(
    k: usize,
    a: *const T,
    lda: usize,
    b: NarrowB<T>,
    mask: __mmask8,
    c: *mut T,
    ldc: usize,
    alpha: T,
    beta: T,
) {
    // SAFETY: every access is inside the caller's contract.
    unsafe {
        let mut acc = [T::zero(); R];
        let mut rows = [a; R];
        for (i, r) in rows.iter_mut().enumerate() {
            *r = a.add(i * lda);
        }
        let mut brow = b.b;
        for p in 0..k {
            let bv = T::maskload(brow, mask);
            brow = brow.wrapping_add(b.ldb);
            for (x, row) in acc.iter_mut().zip(&rows) {
                *x = T::fmadd(T::splat(*row.add(p)), bv, *x);
            }
        }
        let (va, vb) = (T::splat(alpha), T::splat(beta));
        for (r, &x) in acc.iter().enumerate() {
            let dst = c.add(r * ldc);
            let out = if beta == T::ZERO {
                if alpha == T::ONE {
                    x
                } else {
                    T::vmul(va, x)
                }
            } else if beta == T::ONE && alpha == T::ONE {
                T::vadd(T::maskload(dst, mask), x)
            } else {
                T::vadd(T::vmul(va, x), T::vmul(vb, T::maskload(dst, mask)))
            };
            T::maskstore(dst, mask, out);
        }
    }
}

/// Rows `0..m` of C (at most four columns) in tiles of 12 rows (12
/// accumulators cover the FMA latency), the last tile smaller.
///
/// # Safety
/// As for [`tile`], for all `m` rows; `b.cols ≤ 4`.
#[target_feature(enable = "avx2,fma,avx512f,avx512vl")]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn rows<T: Quad>(
    m: usize,
    k: usize,
    a: *const T,
    lda: usize,
    b: NarrowB<T>,
    c: *mut T,
    ldc: usize,
    alpha: T,
    beta: T,
) {
    assert!(b.cols <= 4);
    let mask = ((1u32 << b.cols) - 1) as __mmask8;
    let mut i = 0;
    // SAFETY: tile rows i..i+R ≤ m, inside the caller's contract.
    unsafe {
        while i + 12 <= m {
            tile::<T, 12>(
                k,
                a.add(i * lda),
                lda,
                b,
                mask,
                c.add(i * ldc),
                ldc,
                alpha,
                beta,
            );
            i += 12;
        }
        let (a, c) = (a.wrapping_add(i * lda), c.wrapping_add(i * ldc));
        macro_rules! rest {
            ($($r:literal)*) => {
                match m - i {
                    0 => {}
                    $($r => tile::<T, $r>(k, a, lda, b, mask, c, ldc, alpha, beta),)*
                    r => unreachable!("{r} rows left"),
                }
            };
        }
        rest!(1 2 3 4 5 6 7 8 9 10 11);
    }
}
