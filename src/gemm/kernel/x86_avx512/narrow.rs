//! In-place tiles for C narrower than a 512-bit vector where a narrower
//! vector spans fewer bytes: at most four columns (the spiral's output
//! layer, 30×10·10×3) in 4-lane vectors, f32 in 128-bit registers and f64
//! in 256-bit ones; f32 with five to eight columns (the book's word2vec
//! toy at its batch of 3: 3×7·7×5 and 3×5·5×7) in 256-bit ones. The ragged lanes go under
//! AVX-512VL masks.
//!
//! Also, on Zen 4, tiles one 512-bit vector and one 256-bit vector wide
//! ([`mixed_rows`]) for C a little wider than one 512-bit vector (f64
//! nine to twelve columns, f32 17 to 24): Zen 4 runs a 512-bit FMA as two
//! 256-bit halves, so a second 512-bit vector with at most half its lanes
//! on costs two halves where a 256-bit one costs one.
//!
//! The 512-bit tiles of `in_place::skinny_rows` ran these with 3 of 16
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

/// A vector narrower than 512 bits and the operations the tiles use.
///
/// # Safety
/// Every method is an AVX, FMA or AVX-512VL intrinsic: call them only from
/// code that runs after `Avx512::detect` succeeded (which checks all three)
/// and is compiled with those features, with pointers valid for the lanes
/// they touch (the enabled lanes for masked ones).
pub(super) trait NarrowVec {
    type T: Scalar;
    type V: Copy;
    /// Lanes of `V`.
    const LANES: usize;
    unsafe fn zero() -> Self::V;
    unsafe fn splat(x: Self::T) -> Self::V;
    /// The lanes `m` enables from `p`, zeros elsewhere; disabled lanes are
    /// not accessed.
    unsafe fn maskload(p: *const Self::T, m: __mmask8) -> Self::V;
    /// The lanes of `v` that `m` enables to `p`; disabled lanes are not
    /// accessed.
    unsafe fn maskstore(p: *mut Self::T, m: __mmask8, v: Self::V);
    /// `a·b + c` with one rounding.
    unsafe fn fmadd(a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    unsafe fn vmul(a: Self::V, b: Self::V) -> Self::V;
    unsafe fn vadd(a: Self::V, b: Self::V) -> Self::V;
}

/// f32 in 128-bit vectors.
pub(super) enum F32x4 {}
/// f32 in 256-bit vectors.
pub(super) enum F32x8 {}
/// f64 in 256-bit vectors.
pub(super) enum F64x4 {}

/// The narrow vectors of an element type.
pub(super) trait Narrow: Scalar {
    /// Four lanes, for C at most four columns wide.
    type Four: NarrowVec<T = Self>;
    /// 256 bits: for f32 eight lanes, for C five to eight columns wide;
    /// for f64 the same four lanes as [`Narrow::Four`] (five to eight
    /// columns fill a 512-bit vector's 64 bytes well enough).
    type Half: NarrowVec<T = Self>;
}

impl Narrow for f32 {
    type Four = F32x4;
    type Half = F32x8;
}

impl Narrow for f64 {
    type Four = F64x4;
    type Half = F64x4;
}

macro_rules! narrow_impl {
    ($n:ty, $t:ty, $v:ty, $lanes:expr, $zero:ident, $splat:ident, $maskload:ident,
     $maskstore:ident, $fmadd:ident, $mul:ident, $add:ident) => {
        impl NarrowVec for $n {
            type T = $t;
            type V = $v;
            const LANES: usize = $lanes;
            #[inline(always)]
            unsafe fn zero() -> $v {
                // SAFETY: AVX is available (trait contract).
                unsafe { $zero() }
            }
            #[inline(always)]
            unsafe fn splat(x: $t) -> $v {
                // SAFETY: AVX is available (trait contract).
                unsafe { $splat(x) }
            }
            #[inline(always)]
            unsafe fn maskload(p: *const $t, m: __mmask8) -> $v {
                // SAFETY: AVX-512VL; the enabled lanes of `p` are readable
                // (contract), disabled lanes are not accessed.
                unsafe { $maskload(m, p) }
            }
            #[inline(always)]
            unsafe fn maskstore(p: *mut $t, m: __mmask8, v: $v) {
                // SAFETY: AVX-512VL; the enabled lanes of `p` are writable
                // (contract), disabled lanes are not accessed.
                unsafe { $maskstore(p, m, v) }
            }
            #[inline(always)]
            unsafe fn fmadd(a: $v, b: $v, c: $v) -> $v {
                // SAFETY: FMA is available (trait contract).
                unsafe { $fmadd(a, b, c) }
            }
            #[inline(always)]
            unsafe fn vmul(a: $v, b: $v) -> $v {
                // SAFETY: AVX is available (trait contract).
                unsafe { $mul(a, b) }
            }
            #[inline(always)]
            unsafe fn vadd(a: $v, b: $v) -> $v {
                // SAFETY: AVX is available (trait contract).
                unsafe { $add(a, b) }
            }
        }
    };
}

narrow_impl!(
    F32x4,
    f32,
    __m128,
    4,
    _mm_setzero_ps,
    _mm_set1_ps,
    _mm_maskz_loadu_ps,
    _mm_mask_storeu_ps,
    _mm_fmadd_ps,
    _mm_mul_ps,
    _mm_add_ps
);
narrow_impl!(
    F32x8,
    f32,
    __m256,
    8,
    _mm256_setzero_ps,
    _mm256_set1_ps,
    _mm256_maskz_loadu_ps,
    _mm256_mask_storeu_ps,
    _mm256_fmadd_ps,
    _mm256_mul_ps,
    _mm256_add_ps
);
narrow_impl!(
    F64x4,
    f64,
    __m256d,
    4,
    _mm256_setzero_pd,
    _mm256_set1_pd,
    _mm256_maskz_loadu_pd,
    _mm256_mask_storeu_pd,
    _mm256_fmadd_pd,
    _mm256_mul_pd,
    _mm256_add_pd
);

/// C's columns, the rows of B and where they are: `(p, j)` of op(B) at
/// `b + p*ldb + j` for `j < cols` (at most one narrow vector; for the
/// mixed tiles, one 512-bit vector and at most one narrow one).
#[derive(Clone, Copy)]
pub(super) struct NarrowB<T> {
    pub b: *const T,
    pub ldb: usize,
    pub cols: usize,
}

/// `C[0..R, 0..cols] = alpha·(A·B) + beta·C`, op(A) in place (`(i, p)`
/// at `a + i*lda + p`, or with `AT` at `a + p*lda + i`: see
/// [`super::in_place::a_row`]), the sums and stores of the 512-bit tiles.
///
/// # Safety
/// AVX, FMA and AVX-512VL available; op(A)'s `(i, p)` readable for `i < R`,
/// `p < k`; B readable as [`NarrowB`] says for `p < k`; `c + i*ldc + j`
/// writable (readable unless `beta == 0`) for `i < R`, `j < cols`, not
/// aliased by A or B.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn tile<N: NarrowVec, const R: usize, const AT: bool>(
    k: usize,
    a: *const N::T,
    lda: usize,
    b: NarrowB<N::T>,
    mask: __mmask8,
    c: *mut N::T,
    ldc: usize,
    alpha: N::T,
    beta: N::T,
) {
    // SAFETY: every access is inside the caller's contract.
    unsafe {
        let mut acc = [N::zero(); R];
        // Row-major: a pointer per row, read at `p`. By columns: column `p`
        // at `col`, its R rows side by side.
        let mut rows = [a; R];
        if !AT {
            for (i, r) in rows.iter_mut().enumerate() {
                *r = a.add(i * lda);
            }
        }
        let mut col = a;
        let mut brow = b.b;
        for p in 0..k {
            let bv = N::maskload(brow, mask);
            brow = brow.wrapping_add(b.ldb);
            for (r, (x, row)) in acc.iter_mut().zip(&rows).enumerate() {
                let ar = if AT { *col.add(r) } else { *row.add(p) };
                *x = N::fmadd(N::splat(ar), bv, *x);
            }
            if AT {
                col = col.wrapping_add(lda);
                super::in_place::prefetch_column::<N::T, R>(col, lda);
            }
        }
        store::<N, R>(&acc, c, ldc, mask, alpha, beta);
    }
}

/// `C[0..R, lanes of mask] = alpha·acc + beta·C` for narrow accumulators:
/// `C = acc`, `alpha·acc`, `C + acc` or `alpha·acc + beta·C` (C not read
/// when `beta == 0`), the operations of the 512-bit tiles' `super::store`.
///
/// # Safety
/// AVX and AVX-512VL available; `c + r*ldc + j` writable (readable unless
/// `beta == 0`) for `r < R` and the lanes `j` that `mask` enables.
#[inline(always)]
unsafe fn store<N: NarrowVec, const R: usize>(
    acc: &[N::V; R],
    c: *mut N::T,
    ldc: usize,
    mask: __mmask8,
    alpha: N::T,
    beta: N::T,
) {
    // SAFETY: every access is inside the caller's contract.
    unsafe {
        let (va, vb) = (N::splat(alpha), N::splat(beta));
        for (r, &x) in acc.iter().enumerate() {
            let dst = c.add(r * ldc);
            let out = if beta == <N::T as Scalar>::ZERO {
                if alpha == <N::T as Scalar>::ONE {
                    x
                } else {
                    N::vmul(va, x)
                }
            } else if beta == <N::T as Scalar>::ONE && alpha == <N::T as Scalar>::ONE {
                N::vadd(N::maskload(dst, mask), x)
            } else {
                N::vadd(N::vmul(va, x), N::vmul(vb, N::maskload(dst, mask)))
            };
            N::maskstore(dst, mask, out);
        }
    }
}

/// Rows `0..m` of C (at most one `N` vector wide) in tiles of 12 rows
/// (12 accumulators cover the FMA latency), the last tile smaller.
///
/// # Safety
/// As for [`tile`], for all `m` rows; `b.cols ≤ N::LANES`.
#[target_feature(enable = "avx2,fma,avx512f,avx512vl")]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn rows<N: NarrowVec, const AT: bool>(
    m: usize,
    k: usize,
    a: *const N::T,
    lda: usize,
    b: NarrowB<N::T>,
    c: *mut N::T,
    ldc: usize,
    alpha: N::T,
    beta: N::T,
) {
    assert!(b.cols <= N::LANES && N::LANES <= 8);
    let mask = ((1u32 << b.cols) - 1) as __mmask8;
    let mut i = 0;
    // SAFETY: tile rows i..i+R ≤ m, inside the caller's contract.
    unsafe {
        while i + 12 <= m {
            tile::<N, 12, AT>(
                k,
                super::in_place::a_row::<N::T, AT>(a, lda, i),
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
        let (a, c) = (
            super::in_place::a_row::<N::T, AT>(a, lda, i),
            c.wrapping_add(i * ldc),
        );
        macro_rules! rest {
            ($($r:literal)*) => {
                match m - i {
                    0 => {}
                    $($r => tile::<N, $r, AT>(k, a, lda, b, mask, c, ldc, alpha, beta),)*
                    r => unreachable!("{r} rows left"),
                }
            };
        }
        rest!(1 2 3 4 5 6 7 8 9 10 11);
    }
}

/// Rows of a [`mixed_tile`] compiled on its own: two accumulators a row,
/// sixteen in all (of the 32 registers AVX-512 has), enough chains to
/// cover the FMA latency.
const MIXED_ROWS: usize = 8;

/// `C[0..R, 0..cols] = alpha·(A·B) + beta·C` for C one whole 512-bit
/// vector plus at most a 256-bit one wide (`T::LANES < cols ≤ T::LANES +
/// Half::LANES`): the first `T::LANES` columns in a 512-bit accumulator,
/// the rest in a [`Narrow::Half`] one (its lanes past `cols` off through
/// `mask`). On Zen 4, which runs a 512-bit FMA as two 256-bit halves, a
/// row then costs three halves a step instead of four (f64 C ten columns
/// wide, the output layer's logits and their gradient). Same arithmetic
/// as the two-vector 512-bit tiles (one in-order FMA chain per element,
/// then their stores), so the same bits.
///
/// # Safety
/// AVX-512F and VL, AVX2 and FMA available; op(A)'s `(i, p)` readable
/// for `i < R`, `p < k` (as in [`tile`]); `b.b + p*b.ldb + j` readable for
/// `p < k` and `j < T::LANES`, and for the lanes `mask` enables from
/// `T::LANES` on; `c + i*ldc + j` writable (readable unless `beta == 0`)
/// for `i < R`, `j < b.cols`, not aliased by A or B.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn mixed_tile<T: super::Zmm + Narrow, const R: usize, const AT: bool>(
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
    let wide = <T as super::Zmm>::LANES;
    // SAFETY: every access is inside the caller's contract.
    unsafe {
        // Per row: the first 512 bits of C's row, then the narrow rest.
        let mut wide_acc = [[<T as super::Zmm>::zero(); 1]; R];
        let mut rest_acc = [T::Half::zero(); R];
        let mut rows = [a; R];
        if !AT {
            for (i, r) in rows.iter_mut().enumerate() {
                *r = a.add(i * lda);
            }
        }
        let mut col = a;
        let mut brow = b.b;
        for p in 0..k {
            let b0 = <T as super::Zmm>::load(brow);
            let b1 = T::Half::maskload(brow.add(wide), mask);
            brow = brow.wrapping_add(b.ldb);
            for r in 0..R {
                let ar = if AT { *col.add(r) } else { *rows[r].add(p) };
                let x = &mut wide_acc[r][0];
                *x = <T as super::Zmm>::fmadd(<T as super::Zmm>::splat(ar), b0, *x);
                rest_acc[r] = T::Half::fmadd(T::Half::splat(ar), b1, rest_acc[r]);
            }
            if AT {
                col = col.wrapping_add(lda);
                super::in_place::prefetch_column::<T, R>(col, lda);
            }
        }
        // The 512-bit part through the 512-bit tiles' stores (a whole
        // vector), the rest through the narrow ones.
        super::store::<T, R, 1>(&wide_acc, c, ldc, wide, alpha, beta);
        store::<T::Half, R>(&rest_acc, c.add(wide), ldc, mask, alpha, beta);
    }
}

/// [`mixed_tile`] of [`MIXED_ROWS`] rows compiled on its own (each
/// instance optimized alone, as `super::in_place::skinny_one`).
///
/// # Safety
/// As for [`mixed_tile`].
#[target_feature(enable = "avx2,fma,avx512f,avx512vl")]
#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn mixed_one<T: super::Zmm + Narrow, const AT: bool>(
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
    // SAFETY: forwarded contract.
    unsafe { mixed_tile::<T, MIXED_ROWS, AT>(k, a, lda, b, mask, c, ldc, alpha, beta) }
}

/// Rows `0..m` of C one 512-bit vector plus at most a [`Narrow::Half`]
/// wide (`T::LANES < b.cols ≤ T::LANES + Half::LANES`) in [`mixed_tile`]s
/// of [`MIXED_ROWS`] rows, the last tile smaller.
///
/// # Safety
/// As for [`mixed_tile`], for all `m` rows.
#[target_feature(enable = "avx2,fma,avx512f,avx512vl")]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn mixed_rows<T: super::Zmm + Narrow, const AT: bool>(
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
    let wide = <T as super::Zmm>::LANES;
    let rest = b.cols - wide;
    assert!(b.cols > wide && rest <= T::Half::LANES && T::Half::LANES <= 8);
    let mask = ((1u32 << rest) - 1) as __mmask8;
    let mut i = 0;
    // SAFETY: tile rows i..i+R ≤ m, inside the caller's contract.
    unsafe {
        while i + MIXED_ROWS <= m {
            let (a_i, c_i) = (super::in_place::a_row::<T, AT>(a, lda, i), c.add(i * ldc));
            // Shallow products (the spiral's depths 2, 3 and 10) keep the
            // tiles inlined: there a call per tile costs more than it saves.
            if k >= super::in_place::SEPARATE_TILE_DEPTH {
                mixed_one::<T, AT>(k, a_i, lda, b, mask, c_i, ldc, alpha, beta);
            } else {
                mixed_tile::<T, MIXED_ROWS, AT>(k, a_i, lda, b, mask, c_i, ldc, alpha, beta);
            }
            i += MIXED_ROWS;
        }
        let (a, c) = (
            super::in_place::a_row::<T, AT>(a, lda, i),
            c.wrapping_add(i * ldc),
        );
        macro_rules! rest {
            ($($r:literal)*) => {
                match m - i {
                    0 => {}
                    $($r => mixed_tile::<T, $r, AT>(k, a, lda, b, mask, c, ldc, alpha, beta),)*
                    r => unreachable!("{r} rows left"),
                }
            };
        }
        rest!(1 2 3 4 5 6 7);
    }
}
