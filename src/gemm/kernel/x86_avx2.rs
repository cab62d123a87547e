//! AVX2 + FMA microkernels for x86-64, chosen at runtime.
//!
//! f32: 6×16 tile = 6 rows × two 8-lane ymm vectors = 12 accumulators; per
//! step of `k`, two vector loads of B̃, six broadcasts of Ã, twelve FMAs.
//! f64: 6×8 tile, the same register plan with 4-lane vectors. Twelve
//! independent accumulators cover the FMA latency (4 cycles × 2 pipes on
//! Zen 3/4, 5 × 2 on Haswell) and leave registers for the operands (16 ymm).
//! The `k` loop is unrolled by 4 and the tile of C is prefetched (into L2)
//! before it, so the stores at the end do not wait for memory.
//!
//! One generic body ([`tile`]) serves both element types (through [`Simd`])
//! and every edge: it is instantiated for `R = 1..=6` rows and `NV = 1..=2`
//! vectors of columns (up to 4 for skinny C, with fewer rows), so a ragged
//! edge tile does only the arithmetic it needs, and the last vector of a
//! tile narrower than `NV·LANES` is stored in 128/64/32-bit pieces (AMD's
//! masked stores are microcoded). C is written directly, no temporary tile.
//!
//! Besides packed panels, the body reads op(A) in place through its strides
//! (skinny products, where packing A would cost as much as using it once),
//! and B either packed or row-major in place with a masked load for the
//! last vector (the direct small-product path, [`direct`]). The kernel also
//! packs a transposed B with 8×8 (f32) / 4×4 (f64) register transposes.

use super::{ASrc, MicroKernel};
use crate::gemm::loops::{Operand, Problem};
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
    /// `Some` when the CPU supports AVX2 and FMA (detected at runtime; std
    /// caches the CPUID answer, so this is two relaxed loads).
    #[inline]
    pub fn detect() -> Option<Avx2> {
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            Some(Avx2 { _detected: () })
        } else {
            None
        }
    }

    /// The direct small-product path: every element of C is one fused
    /// multiply-add chain over `k` in order (OpenBLAS's small-gemm
    /// arithmetic), computed in 6-row register tiles straight from the
    /// operands (no packing).
    #[inline]
    pub fn small<T: Simd>(self, p: &mut Problem<'_, '_, T>) {
        small_tiles(self, p)
    }
}

/// 256-bit vector operations for one element type.
///
/// # Safety
/// Every method is an AVX/AVX2/FMA intrinsic: callers must only use them in
/// code that runs after [`Avx2::detect`] succeeded (in this file: inside
/// `#[target_feature(enable = "avx2,fma")]` functions), and pointer
/// arguments must be valid for the lanes they touch (all lanes for plain
/// loads and stores, the enabled lanes for masked ones).
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
}

/// `[-1; 8]` then `[0; 8]`: 8 consecutive entries starting at `8 - n` enable
/// the first `n` lanes of an f32 vector.
static MASK32: [i32; 16] = [-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0];
/// The same for the 4 lanes of an f64 vector.
static MASK64: [i64; 8] = [-1, -1, -1, -1, 0, 0, 0, 0];

macro_rules! simd_impl {
    ($t:ty, $v:ty, $lanes:expr, $mask_table:ident,
     $zero:ident, $splat:ident, $bcast:ident, $load:ident, $store:ident,
     $maskload:ident, $store_first:ident, $transpose:ident, $fmadd:ident, $mul:ident, $add:ident) => {
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
    _mm256_add_ps
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
    _mm256_add_pd
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

/// Packs B̃ from a transposed operand (op(B) = Xᵀ for row-major X, so
/// column `j` of op(B) is the contiguous row `j` of X): each full `NR`-wide
/// panel is `NR` rows of X transposed in `LANES x LANES` register blocks.
/// Ragged panels and other layouts go through the portable packer.
fn pack_b_avx<T: Simd>(_proof: Avx2, kc: usize, nc: usize, b: Operand<'_, T>, dst: &mut [T]) {
    let lanes = T::LANES;
    let nr = 2 * lanes;
    let full = if b.rs == 1 && b.cs > 1 { nc / nr } else { 0 };
    for (panel, out) in dst.chunks_exact_mut(nr * kc).take(full).enumerate() {
        let j0 = panel * nr;
        let mut rows = [std::ptr::null::<T>(); 16];
        for (j, r) in rows.iter_mut().take(nr).enumerate() {
            let start = (j0 + j) * b.cs;
            *r = b.data[start..start + kc].as_ptr();
        }
        // SAFETY: `_proof` shows AVX2 was detected; each of the `nr` row
        // pointers comes from a slice of `kc` elements, so the blocks read at
        // p + LANES ≤ kc are in bounds; `out` holds nr·kc elements, and block
        // (p, h) writes LANES runs of LANES at (p+q)·nr + h·LANES < nr·kc.
        unsafe { transpose_panel(rows.as_ptr(), nr, kc, out.as_mut_ptr()) }
    }
    if full * nr < nc {
        let rest = b.offset(0, full * nr);
        super::super::pack::pack_b(nr, kc, nc - full * nr, rest, &mut dst[full * nr * kc..]);
    }
}

/// # Safety
/// AVX available; `rows[0..nr]` each readable for `kc` elements; `out`
/// writable for `nr·kc`; `nr = 2·LANES`.
#[target_feature(enable = "avx2,fma")]
unsafe fn transpose_panel<T: Simd>(rows: *const *const T, nr: usize, kc: usize, out: *mut T) {
    let lanes = T::LANES;
    let mut p = 0;
    // SAFETY: see the caller; every access below stays within p < kc and
    // the panel's nr·kc elements.
    unsafe {
        while p + lanes <= kc {
            for h in 0..2 {
                T::transpose_block(rows.add(h * lanes), p, out.add(p * nr + h * lanes), nr);
            }
            p += lanes;
        }
        while p < kc {
            for j in 0..nr {
                *out.add(p * nr + j) = *(*rows.add(j)).add(p);
            }
            p += 1;
        }
    }
}

/// Rows of every AVX2 register tile.
const MR: usize = 6;

/// The raw arguments of one tile (see [`tile`]).
#[derive(Clone, Copy)]
struct TileArgs<T> {
    k: usize,
    /// op(A) element `(i, p)` of the tile at `a + i*a_rs + p*a_cs`.
    a: *const T,
    a_rs: usize,
    a_cs: usize,
    /// op(B) element `(p, j)` of the tile at `b + p*b_rs + j`.
    b: *const T,
    b_rs: usize,
    /// Columns of C that exist (`(NV-1)·LANES < cols ≤ NV·LANES`).
    cols: usize,
    c: *mut T,
    ldc: usize,
    alpha: T,
    beta: T,
}

type TileFn<T> = unsafe fn(&TileArgs<T>);

/// One step of `k`: load the B row (the last vector masked unless B is a
/// zero-padded packed panel), broadcast `R` elements of A, `R·NV` FMAs.
///
/// # Safety
/// AVX2+FMA available; `a + r*a_rs` readable for `r < R`; `b` readable for
/// `NV·LANES` elements unless `masked`, else for the lanes enabled by `mask`
/// in the last vector and all lanes before it.
#[inline(always)]
unsafe fn step<T: Simd, const R: usize, const NV: usize>(
    acc: &mut [[T::V; NV]; R],
    a: *const T,
    a_rs: usize,
    b: *const T,
    mask: __m256i,
    masked: bool,
) {
    // SAFETY: the reads below are exactly the ones the caller vouches for.
    unsafe {
        let mut bv = [T::zero(); NV];
        for (v, bv) in bv.iter_mut().enumerate() {
            let p = b.add(v * T::LANES);
            *bv = if masked && v == NV - 1 {
                T::maskload(p, mask)
            } else {
                T::load(p)
            };
        }
        for (r, acc_r) in acc.iter_mut().enumerate() {
            let ar = T::bcast(a.add(r * a_rs));
            for (acc_rv, &bv) in acc_r.iter_mut().zip(&bv) {
                *acc_rv = T::fmadd(ar, bv, *acc_rv);
            }
        }
    }
}

/// `C[0..R, 0..cols] = alpha·(A·B) + beta·C` for one register tile, where
/// `A·B` is summed over `p = 0..k` in order with one FMA per step. `AP`: A
/// is a packed micro-panel (`a_rs = 1`, `a_cs = MR`, compile-time constants);
/// `BV > 0`: B rows are zero-padded to `BV` vectors (`b_rs = BV·LANES`, a
/// compile-time constant; packed micro-panels have `BV = 2`), so every load
/// is a full one; `BV = 0`: B is row-major op(B) in place (`b_rs` at run
/// time) and the last vector of each row is loaded with a lane mask.
///
/// # Safety
/// AVX2+FMA available. For `i < R`, `p < k`, `j < cols`: `a + i*a_rs + p*a_cs`
/// and `b + p*b_rs + j` are readable, and, when `BV > 0`, so is the whole padded
/// row `b + p*b_rs .. + NV·LANES`; `c + i*ldc + j` is writable and not
/// aliased by A or B; `(NV-1)·LANES < cols ≤ NV·LANES`.
#[target_feature(enable = "avx2,fma")]
unsafe fn tile<T: Simd, const R: usize, const NV: usize, const AP: bool, const BV: usize>(
    t: &TileArgs<T>,
) {
    // SAFETY: forwarded contract (this wrapper only adds the target features).
    unsafe { tile_body::<T, R, NV, AP, BV>(t) }
}

/// The body of [`tile`], inlined into callers that have AVX2+FMA enabled.
///
/// # Safety
/// As for [`tile`].
#[inline(always)]
unsafe fn tile_body<T: Simd, const R: usize, const NV: usize, const AP: bool, const BV: usize>(
    t: &TileArgs<T>,
) {
    let lanes = T::LANES;
    let (a_rs, a_cs) = if AP { (1, MR) } else { (t.a_rs, t.a_cs) };
    let b_rs = if BV > 0 { BV * lanes } else { t.b_rs };
    let tail = t.cols - (NV - 1) * lanes;
    // SAFETY: AVX2+FMA are available (caller); every pointer read or written
    // below is covered by the caller's contract: A at rows < R and p < k, B
    // at p < k (masked to `tail` lanes in the last vector unless packed),
    // C at rows < R and columns < cols (masked likewise).
    unsafe {
        let mask = T::mask(tail);
        if BV > 0 {
            // Blocked path: ask for this tile of C now (into L2), so its
            // lines arrive while the k loop runs instead of stalling the
            // stores at the end. Large C (1024² f32 = 4 MiB) lives in L3 or
            // memory. A prefetch is a hint and never faults.
            for r in 0..R {
                let row = t.c.wrapping_add(r * t.ldc);
                _mm_prefetch::<_MM_HINT_T1>(row.cast());
                _mm_prefetch::<_MM_HINT_T1>(row.wrapping_add(NV * lanes - 1).cast());
            }
        }
        let mut acc = [[T::zero(); NV]; R];
        let (mut a, mut b) = (t.a, t.b);
        let mut p = 0;
        // Unrolled by 4: the pointer bumps and the loop test are paid once
        // per four steps (the loads use immediate offsets when packed).
        let masked = BV == 0;
        while p + 4 <= t.k {
            for u in 0..4 {
                let (au, bu) = (a.wrapping_add(u * a_cs), b.wrapping_add(u * b_rs));
                step::<T, R, NV>(&mut acc, au, a_rs, bu, mask, masked);
            }
            a = a.wrapping_add(4 * a_cs);
            b = b.wrapping_add(4 * b_rs);
            p += 4;
        }
        while p < t.k {
            step::<T, R, NV>(&mut acc, a, a_rs, b, mask, BV == 0);
            a = a.wrapping_add(a_cs);
            b = b.wrapping_add(b_rs);
            p += 1;
        }

        // C = alpha·acc + beta·C, the same operations as `store_tile`; one
        // loop per case so each is fully unrolled with `acc` in registers.
        let (alpha, beta) = (t.alpha, t.beta);
        let st = Store {
            c: t.c,
            ldc: t.ldc,
            tail,
            mask,
            alpha: T::splat(alpha),
            beta: T::splat(beta),
        };
        if beta == T::ZERO {
            if alpha == T::ONE {
                st.put::<R, NV, STORE_COPY>(&acc)
            } else {
                st.put::<R, NV, STORE_SCALE>(&acc)
            }
        } else if beta == T::ONE && alpha == T::ONE {
            st.put::<R, NV, STORE_ADD>(&acc)
        } else {
            st.put::<R, NV, STORE_AXPBY>(&acc)
        }
    }
}

/// `C = acc`.
const STORE_COPY: u8 = 0;
/// `C = alpha·acc`.
const STORE_SCALE: u8 = 1;
/// `C = C + acc`.
const STORE_ADD: u8 = 2;
/// `C = alpha·acc + beta·C`.
const STORE_AXPBY: u8 = 3;

/// Where and how a finished tile goes into C.
struct Store<T: Simd> {
    c: *mut T,
    ldc: usize,
    /// Lanes of the last vector of each row that exist.
    tail: usize,
    mask: __m256i,
    alpha: T::V,
    beta: T::V,
}

impl<T: Simd> Store<T> {
    /// # Safety
    /// AVX available; `c + r*ldc + j` writable (and readable unless
    /// `MODE` is a copy or scale) for `r < R`, `j < (NV-1)·LANES + tail`.
    #[inline(always)]
    unsafe fn put<const R: usize, const NV: usize, const MODE: u8>(&self, acc: &[[T::V; NV]; R]) {
        let full = self.tail == T::LANES;
        // SAFETY: every access is inside the region described in the contract
        // (the last vector of a row touches only `tail` lanes when partial).
        unsafe {
            for (r, acc_r) in acc.iter().enumerate() {
                let row = self.c.add(r * self.ldc);
                for (v, &x) in acc_r.iter().enumerate() {
                    let dst = row.add(v * T::LANES);
                    let partial = v == NV - 1 && !full;
                    let out = match MODE {
                        STORE_COPY => x,
                        STORE_SCALE => T::vmul(self.alpha, x),
                        _ => {
                            let old = if partial {
                                T::maskload(dst, self.mask)
                            } else {
                                T::load(dst)
                            };
                            if MODE == STORE_ADD {
                                T::vadd(old, x)
                            } else {
                                T::vadd(T::vmul(self.alpha, x), T::vmul(self.beta, old))
                            }
                        }
                    };
                    if partial {
                        T::store_first(dst, out, self.tail);
                    } else {
                        T::store(dst, out)
                    }
                }
            }
        }
    }
}

/// The instance of [`tile`] for `rows` rows and `nv` vectors of columns.
fn select<T: Simd, const AP: bool, const BV: usize>(rows: usize, nv: usize) -> TileFn<T> {
    match (rows, nv) {
        (1, 1) => tile::<T, 1, 1, AP, BV>,
        (2, 1) => tile::<T, 2, 1, AP, BV>,
        (3, 1) => tile::<T, 3, 1, AP, BV>,
        (4, 1) => tile::<T, 4, 1, AP, BV>,
        (5, 1) => tile::<T, 5, 1, AP, BV>,
        (6, 1) => tile::<T, 6, 1, AP, BV>,
        (1, 2) => tile::<T, 1, 2, AP, BV>,
        (2, 2) => tile::<T, 2, 2, AP, BV>,
        (3, 2) => tile::<T, 3, 2, AP, BV>,
        (4, 2) => tile::<T, 4, 2, AP, BV>,
        (5, 2) => tile::<T, 5, 2, AP, BV>,
        (6, 2) => tile::<T, 6, 2, AP, BV>,
        _ => unreachable!("tile {rows}x{nv} vectors"),
    }
}

/// Checks the sources against the tile shape and runs the matching
/// instance. Every read and write is bounds-checked here, once per tile.
#[inline]
fn run_tile<T: Simd>(
    _proof: Avx2,
    k: usize,
    alpha: T,
    a: ASrc<'_, T>,
    b: &[T],
    beta: T,
    c: &mut CView<'_, T>,
) {
    let (rows, cols) = (c.rows(), c.cols());
    if rows == 0 || cols == 0 {
        return;
    }
    let nr = 2 * T::LANES;
    assert!(rows <= MR && cols <= nr, "tile {rows}x{cols}");
    let (a_ptr, a_rs, a_cs, ap) = match a {
        ASrc::Packed(s) => {
            assert!(s.len() >= MR * k);
            (s.as_ptr(), 1, MR, true)
        }
        ASrc::Strided(op) => {
            if k > 0 {
                assert!((rows - 1) * op.rs + (k - 1) * op.cs < op.data.len());
            }
            (op.data.as_ptr(), op.rs, op.cs, false)
        }
    };
    assert!(b.len() >= nr * k);
    let nv = cols.div_ceil(T::LANES);
    let f = if ap {
        select::<T, true, 2>(rows, nv)
    } else {
        select::<T, false, 2>(rows, nv)
    };
    let args = TileArgs {
        k,
        a: a_ptr,
        a_rs,
        a_cs,
        b: b.as_ptr(),
        b_rs: nr,
        cols,
        c: c.as_mut_ptr(),
        ldc: c.ldc(),
        alpha,
        beta,
    };
    // SAFETY: `_proof` shows AVX2+FMA were detected. The asserts above bound
    // every read of A (rows < R = rows, p < k) and B (p < k, the whole
    // zero-padded NR-wide row of the packed panel, whose slice holds NR·k
    // elements). C: the view grants exclusive access to
    // `rows x cols` elements at `ptr + i*ldc + j`, and A and B are shared
    // borrows, so they cannot alias it. `nv` makes `(nv-1)·LANES < cols ≤
    // nv·LANES`.
    unsafe { f(&args) }
}

/// A column of whole packed tiles (see [`MicroKernel::run_sweep`]) in one
/// call, the full-height tile body inlined: the per-tile checks, dispatch
/// and call are paid once per column instead of once per tile.
fn sweep<T: Simd>(
    _proof: Avx2,
    k: usize,
    alpha: T,
    a: &[T],
    b: &[T],
    beta: T,
    c: &mut CView<'_, T>,
) {
    let (rows, cols) = (c.rows(), c.cols());
    if rows == 0 || cols == 0 {
        return;
    }
    let nr = 2 * T::LANES;
    assert!(rows % MR == 0 && cols <= nr, "sweep {rows}x{cols}");
    assert!(a.len() >= rows * k && b.len() >= nr * k);
    let args = TileArgs {
        k,
        a: a.as_ptr(),
        a_rs: 1,
        a_cs: MR,
        b: b.as_ptr(),
        b_rs: nr,
        cols,
        c: c.as_mut_ptr(),
        ldc: c.ldc(),
        alpha,
        beta,
    };
    // SAFETY: `_proof` shows AVX2+FMA were detected. Panel `ir` reads
    // `a[ir·MR·k ..][.. MR·k]` (inside `a`: rows·k ≥ (ir+1)·MR·k) and the
    // whole NR·k packed panel `b`; it writes rows ir·MR.. +MR, columns < cols
    // of the region the view grants exclusively (not aliased by the shared
    // `a`, `b`).
    unsafe { sweep_avx(rows / MR, &args) }
}

/// # Safety
/// As described in [`sweep`].
#[target_feature(enable = "avx2,fma")]
unsafe fn sweep_avx<T: Simd>(panels: usize, args: &TileArgs<T>) {
    let two = args.cols > T::LANES;
    for ir in 0..panels {
        let t = TileArgs {
            a: args.a.wrapping_add(ir * MR * args.k),
            c: args.c.wrapping_add(ir * MR * args.ldc),
            ..*args
        };
        // SAFETY: panel `ir` of the column described in `sweep`.
        unsafe {
            if two {
                tile_body::<T, MR, 2, true, 2>(&t)
            } else {
                tile_body::<T, MR, 1, true, 2>(&t)
            }
        }
    }
}

/// The 6×16 f32 kernel token.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2F32(pub Avx2);
/// The 6×8 f64 kernel token.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2F64(pub Avx2);

impl MicroKernel<f32> for Avx2F32 {
    const MR: usize = MR;
    const NR: usize = 16;
    /// Ã = 144 × 384 × 4 B = 216 KiB: under half of Zen 3's 512 KiB L2
    /// (Zen 4: 1 MiB), leaving room for the B̃ micro-panels streaming
    /// through. (72 to 240 measured within noise of each other.)
    const MC: usize = 144;
    /// One B̃ micro-panel = 384 × 16 × 4 B = 24 KiB, plus the 9 KiB Ã
    /// micro-panel: about the 32 KiB L1d. Measured against 256 (the BLIS
    /// Haswell value): same on squares, +4 % at 128×1024·1024×1024, as C
    /// is read and written once per KC block.
    const KC: usize = 384;
    /// B̃ = 384 × 4080 × 4 B ≈ 6 MiB in the 32 MiB L3.
    const NC: usize = 4080;
    const DIRECT: bool = true;

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
        run_tile(self.0, k, alpha, a, b, beta, c)
    }

    #[inline]
    fn run_sweep(
        self,
        k: usize,
        alpha: f32,
        a: &[f32],
        b: &[f32],
        beta: f32,
        c: &mut CView<'_, f32>,
    ) {
        sweep(self.0, k, alpha, a, b, beta, c)
    }

    #[inline]
    fn pack_b(self, kc: usize, nc: usize, b: Operand<'_, f32>, dst: &mut [f32]) {
        pack_b_avx(self.0, kc, nc, b, dst)
    }

    #[inline]
    fn run_skinny(
        self,
        k: usize,
        alpha: f32,
        a: Operand<'_, f32>,
        b: Operand<'_, f32>,
        beta: f32,
        c: &mut CView<'_, f32>,
        scratch: &mut [f32],
    ) {
        skinny(self.0, k, alpha, a, b, beta, c, scratch)
    }
}

impl MicroKernel<f64> for Avx2F64 {
    const MR: usize = MR;
    const NR: usize = 8;
    /// Ã = 96 × 384 × 8 B = 288 KiB of the 512 KiB L2 (Zen 3).
    const MC: usize = 96;
    /// One B̃ micro-panel = 384 × 8 × 8 B = 24 KiB of the 32 KiB L1d, as
    /// for f32.
    const KC: usize = 384;
    /// B̃ = 384 × 2040 × 8 B ≈ 6 MiB in the 32 MiB L3.
    const NC: usize = 2040;
    const DIRECT: bool = true;

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
        run_tile(self.0, k, alpha, a, b, beta, c)
    }

    #[inline]
    fn run_sweep(
        self,
        k: usize,
        alpha: f64,
        a: &[f64],
        b: &[f64],
        beta: f64,
        c: &mut CView<'_, f64>,
    ) {
        sweep(self.0, k, alpha, a, b, beta, c)
    }

    #[inline]
    fn pack_b(self, kc: usize, nc: usize, b: Operand<'_, f64>, dst: &mut [f64]) {
        pack_b_avx(self.0, kc, nc, b, dst)
    }

    #[inline]
    fn run_skinny(
        self,
        k: usize,
        alpha: f64,
        a: Operand<'_, f64>,
        b: Operand<'_, f64>,
        beta: f64,
        c: &mut CView<'_, f64>,
        scratch: &mut [f64],
    ) {
        skinny(self.0, k, alpha, a, b, beta, c, scratch)
    }
}

/// Elements of op(B) a small product with transposed (or otherwise
/// column-strided) B copies to the stack, row-major, to use the vector
/// tiles (16 KiB of f32, 32 KiB of f64); `gemm` sends larger ones to the
/// blocked path (the scalar loop below is only a safety net).
const SMALL_B_STACK: usize = small::B_STACK;

/// The direct path: register tiles straight on the operands ([`direct`]);
/// a transposed B is first copied row-major to the stack when small.
fn small_tiles<T: Simd>(proof: Avx2, p: &mut Problem<'_, '_, T>) {
    let n = p.n;
    let (k, alpha, beta, a) = (p.k, p.alpha, p.beta, p.a);
    if p.b.cs == 1 {
        let b = p.b;
        direct(proof, k, alpha, a, b, beta, &mut p.c);
    } else if k * n <= SMALL_B_STACK {
        // Uninitialized on purpose: zeroing 32 KiB per call cost more than
        // the spiral net's whole product. Only the first k·n are written
        // and only those are read.
        let mut buf = [std::mem::MaybeUninit::<T>::uninit(); SMALL_B_STACK];
        for kk in 0..k {
            for (j, d) in buf[kk * n..(kk + 1) * n].iter_mut().enumerate() {
                d.write(p.b.at(kk, j));
            }
        }
        // SAFETY: elements 0..k·n were all written by the loop above
        // (rows kk = 0..k, columns j = 0..n, at kk·n + j), and
        // MaybeUninit<T> has the layout of T.
        let data = unsafe { std::slice::from_raw_parts(buf.as_ptr().cast::<T>(), k * n) };
        let b = Operand { data, rs: n, cs: 1 };
        direct(proof, k, alpha, a, b, beta, &mut p.c);
    } else {
        // SAFETY: `proof` shows AVX2 and FMA were detected.
        unsafe { small_fma(p) }
    }
}

/// `C = alpha·A·B + beta·C` for all of `c` (`m x n`), with op(A) read in
/// place through its strides and row-major op(B) (`b.cs == 1`) read in
/// place with masked loads: no packing. Each element is one FMA chain over
/// `k` in order. Checks the bounds once for the whole product.
#[inline]
pub(crate) fn direct<T: Simd>(
    _proof: Avx2,
    k: usize,
    alpha: T,
    a: Operand<'_, T>,
    b: Operand<'_, T>,
    beta: T,
    c: &mut CView<'_, T>,
) {
    let (m, n) = (c.rows(), c.cols());
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    assert!((m - 1) * a.rs + (k - 1) * a.cs < a.data.len());
    assert!(b.cs == 1 && (k - 1) * b.rs + n <= b.data.len());
    let args = TileArgs {
        k,
        a: a.data.as_ptr(),
        a_rs: a.rs,
        a_cs: a.cs,
        b: b.data.as_ptr(),
        b_rs: b.rs,
        cols: n,
        c: c.as_mut_ptr(),
        ldc: c.ldc(),
        alpha,
        beta,
    };
    // SAFETY: `_proof` shows AVX2+FMA were detected. The asserts above put
    // every element (i < m, p < k) of A and (p < k, j < n) of B inside their
    // slices; the view grants exclusive access to the m x n region of C at
    // `ptr + i*ldc + j`, which the shared borrows of A and B cannot alias.
    unsafe { direct_avx(m, &args) }
}

/// `args` describes all of C (`m x args.cols`); loops over 6-row ×
/// `2·LANES`-column register tiles, inlining the full-height ones (the
/// small-product path, where the per-tile cost is most of the time).
///
/// # Safety
/// AVX2+FMA available; every element of A, B and C that the product
/// touches is in bounds (see [`direct`]).
#[target_feature(enable = "avx2,fma")]
unsafe fn direct_avx<T: Simd>(m: usize, args: &TileArgs<T>) {
    let nr = 2 * T::LANES;
    let n = args.cols;
    let mut j0 = 0;
    while j0 < n {
        let cols = nr.min(n - j0);
        let nv = cols.div_ceil(T::LANES);
        let mut i0 = 0;
        while i0 < m {
            let rows = MR.min(m - i0);
            let t = TileArgs {
                a: args.a.wrapping_add(i0 * args.a_rs),
                b: args.b.wrapping_add(j0),
                cols,
                c: args.c.wrapping_add(i0 * args.ldc + j0),
                ..*args
            };
            // SAFETY: the tile (i0.., j0..) of `rows x cols` lies inside the
            // product, whose elements are all in bounds (caller).
            unsafe {
                match (rows, nv) {
                    (MR, 2) => tile_body::<T, MR, 2, false, 0>(&t),
                    (MR, 1) => tile_body::<T, MR, 1, false, 0>(&t),
                    _ => select::<T, false, 0>(rows, nv)(&t),
                }
            }
            i0 += MR;
        }
        j0 += nr;
    }
}

/// One KC block of a skinny blocked product (C at most `4·LANES` = 2 NR
/// wide): op(A) read in place, op(B) copied into `scratch` with its rows
/// zero-padded to `NV` whole vectors, then register tiles of at most 12
/// accumulators as wide as C: 6 rows × 1–2 vectors, 4 × 3 or 3 × 4. So C
/// 10 wide in f64 is one column of 4×12 tiles instead of 6×8 tiles plus 6×4
/// ones that have too few accumulators to cover the FMA latency. Each
/// element is one in-order FMA chain over `k`, as in [`run_tile`].
#[allow(clippy::too_many_arguments)]
pub(crate) fn skinny<T: Simd>(
    _proof: Avx2,
    k: usize,
    alpha: T,
    a: Operand<'_, T>,
    b: Operand<'_, T>,
    beta: T,
    c: &mut CView<'_, T>,
    scratch: &mut [T],
) {
    let (m, n) = (c.rows(), c.cols());
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    let nv = n.div_ceil(T::LANES);
    assert!(nv <= 4, "skinny: C is {n} wide");
    let w = nv * T::LANES;
    let b_pad = &mut scratch[..k * w];
    for (p, row) in b_pad.chunks_exact_mut(w).enumerate() {
        for (j, d) in row.iter_mut().enumerate() {
            *d = if j < n { b.at(p, j) } else { T::ZERO };
        }
    }
    assert!((m - 1) * a.rs + (k - 1) * a.cs < a.data.len());
    let args = TileArgs {
        k,
        a: a.data.as_ptr(),
        a_rs: a.rs,
        a_cs: a.cs,
        b: b_pad.as_ptr(),
        b_rs: w,
        cols: n,
        c: c.as_mut_ptr(),
        ldc: c.ldc(),
        alpha,
        beta,
    };
    let r_max = match nv {
        3 => 4,
        4 => 3,
        _ => MR,
    };
    let full = select_skinny::<T>(r_max, nv);
    let mut i0 = 0;
    while i0 < m {
        let rows = r_max.min(m - i0);
        let f = if rows == r_max {
            full
        } else {
            select_skinny::<T>(rows, nv)
        };
        let t = TileArgs {
            a: args.a.wrapping_add(i0 * args.a_rs),
            c: args.c.wrapping_add(i0 * args.ldc),
            ..args
        };
        // SAFETY: `_proof` shows AVX2+FMA were detected. A: the assert above
        // bounds rows < m, p < k; B: `b_pad` holds k rows of w = NV·LANES
        // elements, read in full (BV = NV); C: rows i0..i0+rows < m and
        // columns < n of the region the view grants exclusively, not
        // aliased by the shared A or the local `b_pad`; `(nv-1)·LANES < n ≤
        // nv·LANES`.
        unsafe { f(&t) }
        i0 += r_max;
    }
}

/// The [`tile`] instance for the skinny path: B padded to `nv` vectors.
fn select_skinny<T: Simd>(rows: usize, nv: usize) -> TileFn<T> {
    match (rows, nv) {
        (1, 1) => tile::<T, 1, 1, false, 1>,
        (2, 1) => tile::<T, 2, 1, false, 1>,
        (3, 1) => tile::<T, 3, 1, false, 1>,
        (4, 1) => tile::<T, 4, 1, false, 1>,
        (5, 1) => tile::<T, 5, 1, false, 1>,
        (6, 1) => tile::<T, 6, 1, false, 1>,
        (1, 2) => tile::<T, 1, 2, false, 2>,
        (2, 2) => tile::<T, 2, 2, false, 2>,
        (3, 2) => tile::<T, 3, 2, false, 2>,
        (4, 2) => tile::<T, 4, 2, false, 2>,
        (5, 2) => tile::<T, 5, 2, false, 2>,
        (6, 2) => tile::<T, 6, 2, false, 2>,
        (1, 3) => tile::<T, 1, 3, false, 3>,
        (2, 3) => tile::<T, 2, 3, false, 3>,
        (3, 3) => tile::<T, 3, 3, false, 3>,
        (4, 3) => tile::<T, 4, 3, false, 3>,
        (1, 4) => tile::<T, 1, 4, false, 4>,
        (2, 4) => tile::<T, 2, 4, false, 4>,
        (3, 4) => tile::<T, 3, 4, false, 4>,
        _ => unreachable!("skinny tile {rows}x{nv} vectors"),
    }
}

#[target_feature(enable = "avx2,fma")]
unsafe fn small_fma<T: Scalar>(p: &mut Problem<'_, '_, T>) {
    small::gemm_small(p, true)
}
