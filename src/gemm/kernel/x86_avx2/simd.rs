//! 256-bit vector operations for f32 and f64 behind one trait ([`Simd`]),
//! so the tile body is written once: loads, broadcasts, FMAs, masked loads,
//! stores of a partial last vector, and the `LANES x LANES` register
//! transposes the B packer uses.

use crate::Scalar;
use std::arch::x86_64::*;

/// 256-bit vector operations for one element type.
///
/// # Safety
/// Every method is an AVX/AVX2/FMA intrinsic: callers must only use them in
/// code that runs after [`Avx2::detect`](super::Avx2::detect) succeeded (in
/// this module: inside `#[target_feature(enable = "avx2,fma")]` functions),
/// and pointer arguments must be valid for the lanes they touch (all lanes
/// for plain loads and stores, the enabled lanes for masked ones).
pub(crate) trait Simd: Scalar {
    /// One ymm register of `LANES` elements.
    type V: Copy;
    /// Elements per vector: 8 (f32) or 4 (f64).
    const LANES: usize;
    /// All lanes zero.
    unsafe fn zero() -> Self::V;
    /// All lanes `x`.
    unsafe fn splat(x: Self) -> Self::V;
    /// All lanes `*p`.
    unsafe fn bcast(p: *const Self) -> Self::V;
    /// `LANES` elements from `p` (any alignment).
    unsafe fn load(p: *const Self) -> Self::V;
    /// `LANES` elements to `p` (any alignment).
    unsafe fn store(p: *mut Self, v: Self::V);
    /// A mask enabling the first `n ≤ LANES` lanes.
    unsafe fn mask(n: usize) -> __m256i;
    /// The enabled lanes from `p`, zeros elsewhere; disabled lanes are not
    /// accessed (no fault even past the end of an allocation).
    unsafe fn maskload(p: *const Self, m: __m256i) -> Self::V;
    /// The first `n < LANES` lanes of `v` to `p`, in 128/64/32-bit pieces
    /// (masked stores are microcoded and slow on AMD).
    unsafe fn store_first(p: *mut Self, v: Self::V, n: usize);
    /// Transposes the `LANES x LANES` block at column `p` of the rows
    /// `rows[0..LANES]` and stores its columns at `dst + q*stride`,
    /// `q < LANES`.
    unsafe fn transpose_block(rows: *const *const Self, p: usize, dst: *mut Self, stride: usize);
    /// `a·b + c` with one rounding.
    unsafe fn fmadd(a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// `a·b`.
    unsafe fn vmul(a: Self::V, b: Self::V) -> Self::V;
    /// `a + b`.
    unsafe fn vadd(a: Self::V, b: Self::V) -> Self::V;
    /// `a − b`.
    unsafe fn vsub(a: Self::V, b: Self::V) -> Self::V;
    /// `a / b`.
    unsafe fn vdiv(a: Self::V, b: Self::V) -> Self::V;
    /// Lanes enabled in `m` from `a`, the others from `b`.
    unsafe fn blend_mask(a: Self::V, b: Self::V, m: __m256i) -> Self::V;
    /// Lanes `< s` from `a`, the others from `b` (`s ≤ LANES`). With `s`
    /// known at compile time this is one immediate blend.
    unsafe fn blend_at(a: Self::V, b: Self::V, s: usize) -> Self::V;
}

/// `[-1; 8]` then `[0; 8]`: 8 consecutive entries starting at `8 - n` enable
/// the first `n` lanes of an f32 vector.
static MASK32: [i32; 16] = [-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0];
/// The same for the 4 lanes of an f64 vector.
static MASK64: [i64; 8] = [-1, -1, -1, -1, 0, 0, 0, 0];

macro_rules! simd_impl {
    ($t:ty, $v:ty, $lanes:expr, $mask_table:ident,
     $zero:ident, $splat:ident, $bcast:ident, $load:ident, $store:ident,
     $maskload:ident, $store_first:ident, $transpose:ident, $fmadd:ident, $mul:ident, $add:ident,
     $sub:ident, $div:ident, $blendv:ident, $from_bits:ident) => {
        impl Simd for $t {
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
            unsafe fn bcast(p: *const $t) -> $v {
                // SAFETY: AVX is available; `p` is valid for one read (contract).
                unsafe { $bcast(&*p) }
            }
            #[inline(always)]
            unsafe fn load(p: *const $t) -> $v {
                // SAFETY: AVX is available; `p` is valid for LANES reads (contract).
                unsafe { $load(p) }
            }
            #[inline(always)]
            unsafe fn store(p: *mut $t, v: $v) {
                // SAFETY: AVX is available; `p` is valid for LANES writes (contract).
                unsafe { $store(p, v) }
            }
            #[inline(always)]
            unsafe fn mask(n: usize) -> __m256i {
                debug_assert!(n <= $lanes);
                // SAFETY: AVX is available; `$lanes - n ≤ $lanes`, so the
                // 32-byte read stays inside the 2·$lanes-entry table.
                unsafe { _mm256_loadu_si256($mask_table.as_ptr().add($lanes - n).cast()) }
            }
            #[inline(always)]
            unsafe fn maskload(p: *const $t, m: __m256i) -> $v {
                // SAFETY: AVX is available; the enabled lanes of `p` are
                // readable (contract); disabled lanes are never accessed.
                unsafe { $maskload(p, m) }
            }
            #[inline(always)]
            unsafe fn store_first(p: *mut $t, v: $v, n: usize) {
                // SAFETY: AVX is available; `p` is valid for `n` writes
                // (contract), and each piece below writes only lanes < n.
                unsafe { $store_first(p, v, n) }
            }
            #[inline(always)]
            unsafe fn transpose_block(
                rows: *const *const $t,
                p: usize,
                dst: *mut $t,
                stride: usize,
            ) {
                // SAFETY: forwarded contract (AVX; LANES row pointers each
                // readable at p..p+LANES; dst writable at q*stride..+LANES).
                unsafe { $transpose(rows, p, dst, stride) }
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
            #[inline(always)]
            unsafe fn vsub(a: $v, b: $v) -> $v {
                // SAFETY: AVX is available (trait contract).
                unsafe { $sub(a, b) }
            }
            #[inline(always)]
            unsafe fn vdiv(a: $v, b: $v) -> $v {
                // SAFETY: AVX is available (trait contract).
                unsafe { $div(a, b) }
            }
            #[inline(always)]
            unsafe fn blend_mask(a: $v, b: $v, m: __m256i) -> $v {
                // SAFETY: AVX is available (trait contract); blendv takes
                // a lane from its second operand where the mask is set.
                unsafe { $blendv(b, a, $from_bits(m)) }
            }
            #[inline(always)]
            unsafe fn blend_at(a: $v, b: $v, s: usize) -> $v {
                // SAFETY: AVX is available (trait contract); `mask(s)`
                // selects `a` in the first `s` lanes.
                unsafe { $blendv(b, a, $from_bits(Self::mask(s))) }
            }
        }
    };
}

simd_impl!(
    f32,
    __m256,
    8,
    MASK32,
    _mm256_setzero_ps,
    _mm256_set1_ps,
    _mm256_broadcast_ss,
    _mm256_loadu_ps,
    _mm256_storeu_ps,
    _mm256_maskload_ps,
    store_first_ps,
    transpose_ps,
    _mm256_fmadd_ps,
    _mm256_mul_ps,
    _mm256_add_ps,
    _mm256_sub_ps,
    _mm256_div_ps,
    _mm256_blendv_ps,
    _mm256_castsi256_ps
);
simd_impl!(
    f64,
    __m256d,
    4,
    MASK64,
    _mm256_setzero_pd,
    _mm256_set1_pd,
    _mm256_broadcast_sd,
    _mm256_loadu_pd,
    _mm256_storeu_pd,
    _mm256_maskload_pd,
    store_first_pd,
    transpose_pd,
    _mm256_fmadd_pd,
    _mm256_mul_pd,
    _mm256_add_pd,
    _mm256_sub_pd,
    _mm256_div_pd,
    _mm256_blendv_pd,
    _mm256_castsi256_pd
);

/// See [`Simd::store_first`]: 4 + 2 + 1 lanes.
#[inline(always)]
unsafe fn store_first_ps(mut p: *mut f32, v: __m256, mut n: usize) {
    // SAFETY: the caller guarantees AVX and `n < 8` writable floats at `p`;
    // each store covers lanes that are `< n` (n is decremented as it goes).
    unsafe {
        let mut x = _mm256_castps256_ps128(v);
        if n >= 4 {
            _mm_storeu_ps(p, x);
            x = _mm256_extractf128_ps::<1>(v);
            p = p.add(4);
            n -= 4;
        }
        if n >= 2 {
            _mm_store_sd(p.cast(), _mm_castps_pd(x));
            x = _mm_movehl_ps(x, x);
            p = p.add(2);
            n -= 2;
        }
        if n >= 1 {
            _mm_store_ss(p, x);
        }
    }
}

/// See [`Simd::store_first`]: 2 + 1 lanes.
#[inline(always)]
unsafe fn store_first_pd(mut p: *mut f64, v: __m256d, mut n: usize) {
    // SAFETY: the caller guarantees AVX and `n < 4` writable doubles at `p`;
    // each store covers lanes that are `< n`.
    unsafe {
        let mut x = _mm256_castpd256_pd128(v);
        if n >= 2 {
            _mm_storeu_pd(p, x);
            x = _mm256_extractf128_pd::<1>(v);
            p = p.add(2);
            n -= 2;
        }
        if n >= 1 {
            _mm_store_sd(p, x);
        }
    }
}

/// See [`Simd::transpose_block`]: an 8×8 f32 transpose (unpack, shuffle,
/// swap 128-bit halves).
#[inline(always)]
unsafe fn transpose_ps(rows: *const *const f32, p: usize, dst: *mut f32, stride: usize) {
    // SAFETY: the caller guarantees AVX, 8 readable row pointers with 8
    // floats each at offset p, and 8 writable runs of 8 at dst + q*stride.
    unsafe {
        let r: [__m256; 8] = std::array::from_fn(|i| _mm256_loadu_ps((*rows.add(i)).add(p)));
        let t0 = _mm256_unpacklo_ps(r[0], r[1]);
        let t1 = _mm256_unpackhi_ps(r[0], r[1]);
        let t2 = _mm256_unpacklo_ps(r[2], r[3]);
        let t3 = _mm256_unpackhi_ps(r[2], r[3]);
        let t4 = _mm256_unpacklo_ps(r[4], r[5]);
        let t5 = _mm256_unpackhi_ps(r[4], r[5]);
        let t6 = _mm256_unpacklo_ps(r[6], r[7]);
        let t7 = _mm256_unpackhi_ps(r[6], r[7]);
        let s0 = _mm256_shuffle_ps::<0x44>(t0, t2);
        let s1 = _mm256_shuffle_ps::<0xEE>(t0, t2);
        let s2 = _mm256_shuffle_ps::<0x44>(t1, t3);
        let s3 = _mm256_shuffle_ps::<0xEE>(t1, t3);
        let s4 = _mm256_shuffle_ps::<0x44>(t4, t6);
        let s5 = _mm256_shuffle_ps::<0xEE>(t4, t6);
        let s6 = _mm256_shuffle_ps::<0x44>(t5, t7);
        let s7 = _mm256_shuffle_ps::<0xEE>(t5, t7);
        let out = [
            _mm256_permute2f128_ps::<0x20>(s0, s4),
            _mm256_permute2f128_ps::<0x20>(s1, s5),
            _mm256_permute2f128_ps::<0x20>(s2, s6),
            _mm256_permute2f128_ps::<0x20>(s3, s7),
            _mm256_permute2f128_ps::<0x31>(s0, s4),
            _mm256_permute2f128_ps::<0x31>(s1, s5),
            _mm256_permute2f128_ps::<0x31>(s2, s6),
            _mm256_permute2f128_ps::<0x31>(s3, s7),
        ];
        for (q, v) in out.into_iter().enumerate() {
            _mm256_storeu_ps(dst.add(q * stride), v);
        }
    }
}

/// See [`Simd::transpose_block`]: a 4×4 f64 transpose.
#[inline(always)]
unsafe fn transpose_pd(rows: *const *const f64, p: usize, dst: *mut f64, stride: usize) {
    // SAFETY: the caller guarantees AVX, 4 readable row pointers with 4
    // doubles each at offset p, and 4 writable runs of 4 at dst + q*stride.
    unsafe {
        let r: [__m256d; 4] = std::array::from_fn(|i| _mm256_loadu_pd((*rows.add(i)).add(p)));
        let t0 = _mm256_unpacklo_pd(r[0], r[1]);
        let t1 = _mm256_unpackhi_pd(r[0], r[1]);
        let t2 = _mm256_unpacklo_pd(r[2], r[3]);
        let t3 = _mm256_unpackhi_pd(r[2], r[3]);
        let out = [
            _mm256_permute2f128_pd::<0x20>(t0, t2),
            _mm256_permute2f128_pd::<0x20>(t1, t3),
            _mm256_permute2f128_pd::<0x31>(t0, t2),
            _mm256_permute2f128_pd::<0x31>(t1, t3),
        ];
        for (q, v) in out.into_iter().enumerate() {
            _mm256_storeu_pd(dst.add(q * stride), v);
        }
    }
}
