//! AVX-512F microkernels for x86-64 (Zen 4/5, Skylake-SP and later),
//! chosen at runtime; compiled only by Rust ≥ 1.89 (`build.rs` sets
//! `groundup_avx512`), where the 512-bit intrinsics are stable.
//!
//! Register tiles of 24 accumulators, in 27 (f32) or 28 (f64) of the 32
//! zmm registers ([`Blocking`]): f32 12×32 (12 rows × two 16-lane vectors; per step of
//! `k` two vector loads of B̃, twelve broadcasts of Ã, 24 FMAs), f64 8×24
//! (8 rows × three 8-lane vectors; three loads, eight broadcasts). With two
//! 512-bit FMA pipes that is 12 cycles of FMAs against 7 (f32) or 5.5
//! (f64) of loads, and the 24 chains cover the FMA latency three times
//! over. The AVX2 kernel's 6-row plan at twice the width (6×32 and 6×16,
//! 12 accumulators, one broadcast per two FMAs) ran 6–9 % slower on large
//! products on a Xeon with AVX-512 (f32 and f64 1024³ and 2048³); f64 at
//! 12×16 ran 1–13 % slower than at 8×24.
//!
//! Same arithmetic as the AVX2 kernel, so the same bits: every element of
//! C is one in-order FMA chain over each KC block (KC = 384 in both), then
//! `alpha·acc + beta·C` with the same operations; a partial last vector is
//! loaded and stored with a lane mask. A masked 512-bit store costs by the
//! 64 bytes it spans, so C at most four columns wide gets tiles of its own
//! in 4-lane vectors, and f32 C of five to eight columns in 256-bit ones
//! ([`narrow`]). Products the AVX2 kernel takes directly run in one pass
//! over `k`, as there ([`small`], [`blocked`]); the rest in KC blocks.
//!
//! Besides the packed tiles (`DIRECT = false` for the loop nest), register
//! tiles with the same arithmetic (12 rows × 1 vector, 6 or 8 rows × 2, and
//! for narrower C 12 rows of 4-lane or, f32, 8-lane vectors: [`narrow`])
//! run on the operands in place, without packing ([`in_place`], [`skinny`]):
//! tiny products with both operands row-major; small ones (f64 up to 128³
//! multiply-adds, f32 up to twice that) with op(B) row-major and op(A)
//! row-major or transposed (the weight gradient `xᵀ·dout`: each step reads
//! a tile's rows of op(A) side by side); skinny ones (C at most two vectors
//! wide) with op(A) row-major or transposed, a transposed B copied into
//! narrow blocks; C in blocks two vectors wide. At most four rows of C
//! wider than two vectors times a large row-major B (batch-1 inference)
//! stream B row after row ([`stream`]). Tiny products with a transposed
//! operand, and f32 ones small and wide enough for the AVX2 kernel's
//! direct path but deeper than KC with a transposed operand, go to that
//! direct path (every AVX-512F CPU has AVX2 and FMA; with both operands
//! row-major the in-place tiles run those in one pass); the choice is made
//! here, in [`blocked`] and [`small`].
//!
//! On AMD Zen 4 (family 19h), which executes a 512-bit FMA as two 256-bit
//! halves, a product on one thread that reaches the packed loop nest runs
//! the AVX2 kernel's tiles instead (f64: above 256 rows), and the in-place
//! tiles take products up to eight times larger, sixteen when they read
//! op(B) where it lies; both measured faster there (see [`blocked`],
//! [`IN_PLACE_MNK_F64_HALVES`], [`IN_PLACE_MNK_F64_HALVES_UNCOPIED`]). The parts of a
//! product split across threads keep the 512-bit loop nest, f32 on 8×48
//! tiles ([`Halves`]), cut into parts of whole vectors rather than whole
//! tiles ([`packed_tile`]). The in-place tiles read op(B) in place unless
//! its rows are whole pages apart ([`copies_b`]). Same bits.
//!
//! While a column of tiles runs, its tiles prefetch into L2 the source of
//! the B̃ micro-panel packed next (`MicroKernel::PREFETCHES`, see
//! `gemm/ahead.rs`), a line every `k / lines` steps.
//!
//! [`exp`] maps f64 slices through glibc's `exp` (and the sigmoid) eight
//! lanes at a time, bit for bit as the AVX2 port does four at a time;
//! [`log`] through glibc's `log`.

// Stable since Rust 1.89; build.rs compiles this module only there.
#![allow(clippy::incompatible_msrv)]

#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) mod exp;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) mod log;
mod narrow;
mod stream;

use super::x86_avx2::{self as avx2, pack_a_avx, pack_b_avx, Avx2, Simd};
use super::{ASrc, MicroKernel};
use crate::gemm::ahead::{Ahead, Lines};
use crate::gemm::loops::{balanced_block, gemm_blocked, Operand, PackBuffers, Problem, Share};
use crate::gemm::small::is_small_wide;
use crate::gemm::view::CView;
use crate::Scalar;
use narrow::{Narrow, NarrowB, NarrowVec};
use std::arch::x86_64::*;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU8, Ordering};

/// Proof that this CPU has AVX-512F and VL, AVX2 and FMA: only
/// [`Avx512::detect`] makes one.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx512 {
    avx2: Avx2,
}

impl Avx512 {
    /// `Some` when the CPU supports AVX-512F and VL (every AVX-512 CPU but
    /// Xeon Phi; VL for the narrow tiles' 128- and 256-bit masks), and AVX2
    /// + FMA, which the small and skinny paths use.
    #[inline]
    pub fn detect() -> Option<Avx512> {
        let avx2 = Avx2::detect()?;
        (is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512vl"))
            .then_some(Avx512 { avx2 })
    }

    /// The AVX2 token this proof includes.
    #[inline]
    pub fn avx2(self) -> Avx2 {
        self.avx2
    }

    /// Whether this CPU executes each 512-bit FMA as two 256-bit halves:
    /// AMD's Zen 4 (family 19h; the Zen 3 CPUs of that family have no
    /// AVX-512). Wider tiles bring no more FMAs a cycle there, and on it
    /// the packed loop nest runs the AVX2 kernel's tiles ([`blocked`]) and
    /// the in-place tiles take larger products ([`IN_PLACE_MNK_F64_HALVES`])
    /// and hold C a little wider than one vector in a 512-bit and a 256-bit
    /// accumulator a row ([`narrow::mixed_rows`]), all measured faster. Asked of the CPU once a process.
    /// (`false` inside [`crate::gemm::with_full_width_avx512`].)
    pub fn halves_512_bit_fmas(self) -> bool {
        if crate::gemm::kernel::full_width_avx512_forced() {
            return false;
        }
        // 0: not asked yet; 1: no; 2: yes.
        static ANSWER: AtomicU8 = AtomicU8::new(0);
        match ANSWER.load(Ordering::Relaxed) {
            1 => false,
            2 => true,
            _ => {
                let yes = is_zen4();
                ANSWER.store(if yes { 2 } else { 1 }, Ordering::Relaxed);
                yes
            }
        }
    }
}

/// AMD family 19h by CPUID: the vendor string (leaf 0) and the family
/// (leaf 1: base family 0xF plus the extended family).
fn is_zen4() -> bool {
    // SAFETY: CPUID exists on every x86-64 CPU; leaves 0 and 1 always
    // answer. (`__cpuid` is a safe function in newer Rust.)
    #[allow(unused_unsafe)]
    let (vendor, signature) = unsafe { (__cpuid(0), __cpuid(1)) };
    let amd = [vendor.ebx, vendor.edx, vendor.ecx]
        .iter()
        .flat_map(|r| r.to_le_bytes())
        .eq(*b"AuthenticAMD");
    let base = (signature.eax >> 8) & 0xF;
    let family = if base == 0xF {
        base + ((signature.eax >> 20) & 0xFF)
    } else {
        base
    };
    amd && family == 0x19
}

/// The packed AVX-512 microkernel for element type `T`, blocked as `S`
/// says ([`Blocking`]): 12×32 tiles for f32, 8×24 for f64 (see the module
/// docs), or on Zen 4 ([`Halves`]) f32 8×48.
pub(crate) struct Avx512Kernel<T, S = FullWidth>(pub Avx512, PhantomData<(T, fn() -> S)>);

impl<T, S> Avx512Kernel<T, S> {
    /// The kernel for `T` on a CPU with AVX-512F.
    #[inline]
    pub fn new(proof: Avx512) -> Self {
        Avx512Kernel(proof, PhantomData)
    }
}

impl<T, S> Clone for Avx512Kernel<T, S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T, S> Copy for Avx512Kernel<T, S> {}

/// Depth of one block: the AVX2 kernel's, so both give the same sums.
const KC: usize = 384;
const _: () = assert!(
    KC >= crate::gemm::ONE_PASS_DEPTH,
    "ONE_PASS_DEPTH promises one KC block"
);

/// 512-bit vector operations for one element type.
///
/// # Safety
/// Every method is an AVX-512F intrinsic: call them only from code that
/// runs after [`Avx512::detect`] succeeded (here: inside
/// `#[target_feature(enable = "avx512f")]` functions), with pointers valid
/// for the lanes they touch (the enabled lanes for masked ones).
trait Zmm: Scalar {
    type V: Copy;
    type Mask: Copy;
    const LANES: usize;
    unsafe fn zero() -> Self::V;
    unsafe fn splat(x: Self) -> Self::V;
    unsafe fn load(p: *const Self) -> Self::V;
    unsafe fn store(p: *mut Self, v: Self::V);
    /// A mask enabling the first `n ≤ LANES` lanes.
    fn mask(n: usize) -> Self::Mask;
    /// The enabled lanes from `p`, zeros elsewhere; disabled lanes are not
    /// accessed.
    unsafe fn maskload(p: *const Self, m: Self::Mask) -> Self::V;
    /// The enabled lanes of `v` to `p`; disabled lanes are not accessed.
    unsafe fn maskstore(p: *mut Self, m: Self::Mask, v: Self::V);
    /// `a·b + c` with one rounding.
    unsafe fn fmadd(a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    unsafe fn vmul(a: Self::V, b: Self::V) -> Self::V;
    unsafe fn vadd(a: Self::V, b: Self::V) -> Self::V;
}

macro_rules! zmm_impl {
    ($t:ty, $v:ty, $m:ty, $lanes:expr, $zero:ident, $splat:ident, $load:ident, $store:ident,
     $maskload:ident, $maskstore:ident, $fmadd:ident, $mul:ident, $add:ident) => {
        impl Zmm for $t {
            type V = $v;
            type Mask = $m;
            const LANES: usize = $lanes;
            #[inline(always)]
            unsafe fn zero() -> $v {
                // SAFETY: AVX-512F is available (trait contract).
                unsafe { $zero() }
            }
            #[inline(always)]
            unsafe fn splat(x: $t) -> $v {
                // SAFETY: AVX-512F is available (trait contract).
                unsafe { $splat(x) }
            }
            #[inline(always)]
            unsafe fn load(p: *const $t) -> $v {
                // SAFETY: AVX-512F; `p` is valid for LANES reads (contract).
                unsafe { $load(p) }
            }
            #[inline(always)]
            unsafe fn store(p: *mut $t, v: $v) {
                // SAFETY: AVX-512F; `p` is valid for LANES writes (contract).
                unsafe { $store(p, v) }
            }
            #[inline(always)]
            fn mask(n: usize) -> $m {
                debug_assert!(n <= $lanes);
                (((1u32 << n) - 1) & ((1u32 << $lanes) - 1)) as $m
            }
            #[inline(always)]
            unsafe fn maskload(p: *const $t, m: $m) -> $v {
                // SAFETY: AVX-512F; the enabled lanes of `p` are readable
                // (contract), disabled lanes are not accessed.
                unsafe { $maskload(m, p) }
            }
            #[inline(always)]
            unsafe fn maskstore(p: *mut $t, m: $m, v: $v) {
                // SAFETY: AVX-512F; the enabled lanes of `p` are writable
                // (contract), disabled lanes are not accessed.
                unsafe { $maskstore(p, m, v) }
            }
            #[inline(always)]
            unsafe fn fmadd(a: $v, b: $v, c: $v) -> $v {
                // SAFETY: AVX-512F is available (trait contract).
                unsafe { $fmadd(a, b, c) }
            }
            #[inline(always)]
            unsafe fn vmul(a: $v, b: $v) -> $v {
                // SAFETY: AVX-512F is available (trait contract).
                unsafe { $mul(a, b) }
            }
            #[inline(always)]
            unsafe fn vadd(a: $v, b: $v) -> $v {
                // SAFETY: AVX-512F is available (trait contract).
                unsafe { $add(a, b) }
            }
        }
    };
}

zmm_impl!(
    f32,
    __m512,
    __mmask16,
    16,
    _mm512_setzero_ps,
    _mm512_set1_ps,
    _mm512_loadu_ps,
    _mm512_storeu_ps,
    _mm512_maskz_loadu_ps,
    _mm512_mask_storeu_ps,
    _mm512_fmadd_ps,
    _mm512_mul_ps,
    _mm512_add_ps
);
zmm_impl!(
    f64,
    __m512d,
    __mmask8,
    8,
    _mm512_setzero_pd,
    _mm512_set1_pd,
    _mm512_loadu_pd,
    _mm512_storeu_pd,
    _mm512_maskz_loadu_pd,
    _mm512_mask_storeu_pd,
    _mm512_fmadd_pd,
    _mm512_mul_pd,
    _mm512_add_pd
);

/// One tile's raw arguments: Ã a packed micro-panel (`(i, p)` at
/// `a[p*MR + i]`), B̃ a packed, zero-padded micro-panel (`(p, j)` at
/// `b[p*NR + j]`, `NR = VECS·LANES`), C `rows x cols` at `c + i*ldc + j`.
#[derive(Clone, Copy)]
struct Tile<T> {
    k: usize,
    a: *const T,
    b: *const T,
    cols: usize,
    c: *mut T,
    ldc: usize,
    alpha: T,
    beta: T,
}

/// `C[0..R, 0..cols] = alpha·(A·B) + beta·C` for one register tile, `A·B`
/// summed over `p = 0..k` in order, one FMA per step (the AVX2 kernel's
/// arithmetic). Stores: `C = acc`, `alpha·acc`, `C + acc` or
/// `alpha·acc + beta·C` (C is not read when `beta == 0`). Ã's panel is
/// `MR ≥ R` rows wide (`(i, p)` at `a[p*MR + i]`, zero-padded past `R`).
///
/// It also prefetches `npf` lines of `ahead` into L2 (addresses only, see
/// `gemm/ahead.rs`), one every `k / npf` steps so the FMAs hide them;
/// `PF = false` compiles the plain loop.
///
/// # Safety
/// AVX-512F available. `a` readable for `MR·k` elements, `b` for
/// `VECS·LANES·k`; `c + i*ldc + j` writable (readable unless `beta == 0`) for
/// `i < R`, `j < cols`, not aliased by A or B;
/// `(NV-1)·LANES < cols ≤ NV·LANES`.
#[inline(always)]
unsafe fn tile_body<T: Zmm, S: Blocking<T>, const R: usize, const NV: usize, const PF: bool>(
    t: &Tile<T>,
    ahead: &mut Lines,
    npf: usize,
) {
    let lanes = T::LANES;
    let nr = S::VECS * lanes;
    // SAFETY: AVX-512F (caller); every access is inside the caller's
    // contract: A at rows < R and p < k, B's padded rows at p < k, C at rows
    // < R and columns < cols (the last vector masked when partial). A
    // prefetch reads nothing and cannot fault, whatever its address.
    unsafe {
        for r in 0..R {
            let row = t.c.wrapping_add(r * t.ldc);
            _mm_prefetch::<_MM_HINT_T1>(row.cast());
            _mm_prefetch::<_MM_HINT_T1>(row.wrapping_add(NV * lanes - 1).cast());
        }
        let mut acc = [[T::zero(); NV]; R];
        let (mut a, mut b) = (t.a, t.b);
        // One step of `k` (a macro, not a closure: a closure would not
        // inherit the target feature, and its intrinsics would be calls).
        macro_rules! k_step {
            () => {{
                let mut bv = [T::zero(); NV];
                for (v, bv) in bv.iter_mut().enumerate() {
                    *bv = T::load(b.add(v * lanes));
                }
                #[allow(clippy::needless_range_loop)]
                for r in 0..R {
                    let ar = T::splat(*a.add(r));
                    for v in 0..NV {
                        acc[r][v] = T::fmadd(ar, bv[v], acc[r][v]);
                    }
                }
                a = a.add(S::MR);
                b = b.add(nr);
            }};
        }
        let mut npf = npf.min(ahead.left());
        if PF {
            // A prefetch every `run = k / npf` steps (the step counter
            // reaching `next`), the rest after the loop.
            let run = t.k.checked_div(npf).unwrap_or(usize::MAX).max(1);
            let mut next = if npf > 0 { 0 } else { usize::MAX };
            for step in 0..t.k {
                if step == next {
                    _mm_prefetch::<_MM_HINT_T1>(ahead.next_addr().cast());
                    npf -= 1;
                    next = if npf > 0 { step + run } else { usize::MAX };
                }
                k_step!();
            }
            while npf > 0 {
                _mm_prefetch::<_MM_HINT_T1>(ahead.next_addr().cast());
                npf -= 1;
            }
        } else {
            for _ in 0..t.k {
                k_step!();
            }
        }
        store::<T, R, NV>(&acc, t.c, t.ldc, t.cols, t.alpha, t.beta);
    }
}

/// `C = alpha·acc + beta·C` for the `R x cols` tile at `c` (`(NV-1)·LANES <
/// cols ≤ NV·LANES`): `C = acc`, `alpha·acc`, `C + acc` or
/// `alpha·acc + beta·C` (C is not read when `beta == 0`), the last vector
/// of a row masked when partial.
///
/// # Safety
/// AVX-512F available; `c + i*ldc + j` writable (readable unless
/// `beta == 0`) for `i < R`, `j < cols`.
#[inline(always)]
unsafe fn store<T: Zmm, const R: usize, const NV: usize>(
    acc: &[[T::V; NV]; R],
    c: *mut T,
    ldc: usize,
    cols: usize,
    alpha: T,
    beta: T,
) {
    let lanes = T::LANES;
    let tail = cols - (NV - 1) * lanes;
    let mask = T::mask(tail);
    let full = tail == lanes;
    let mode = if beta == T::ZERO {
        if alpha == T::ONE {
            0
        } else {
            1
        }
    } else if beta == T::ONE && alpha == T::ONE {
        2
    } else {
        3
    };
    // SAFETY: every access is inside the caller's contract (the last vector
    // of a row touches only `tail` lanes when partial).
    unsafe {
        let (alpha, beta) = (T::splat(alpha), T::splat(beta));
        for (r, acc_r) in acc.iter().enumerate() {
            let row = c.add(r * ldc);
            for (v, &x) in acc_r.iter().enumerate() {
                let dst = row.add(v * lanes);
                let partial = v == NV - 1 && !full;
                let old = || {
                    if partial {
                        T::maskload(dst, mask)
                    } else {
                        T::load(dst)
                    }
                };
                let out = match mode {
                    0 => x,
                    1 => T::vmul(alpha, x),
                    2 => T::vadd(old(), x),
                    _ => T::vadd(T::vmul(alpha, x), T::vmul(beta, old())),
                };
                if partial {
                    T::maskstore(dst, mask, out);
                } else {
                    T::store(dst, out);
                }
            }
        }
    }
}

/// Where the in-place tiles read B: row-major rows `ldb` apart, the last
/// of the `NV` vectors of a row loaded through `last` (the lanes that
/// exist when C's block is narrower than `NV·LANES`; all lanes for a
/// zero-padded copy). `whole`: every lane of that vector may be read (a
/// block of whole vectors, or a zero-padded copy), so the tiles load it
/// without the mask. On Zen 4, in a profile (`perf`, cpu-clock) of f32
/// 128×392·392×1024 forced in place, the FMAs that read the masked vector
/// took most of the samples, those reading the other one almost none; f64
/// 128³ in place (B not copied), one thread pinned, three alternating
/// runs: 50.4–54.5 GFLOP/s with the mask, 55.4–56.5 without. (Both with
/// temporary switches of the in-place limit, the copy and the mask, not
/// committed.)
#[derive(Clone, Copy)]
struct BRows<T: Zmm> {
    b: *const T,
    ldb: usize,
    last: T::Mask,
    whole: bool,
}

/// Where row `i` of op(A) starts: `a + i*lda` row-major, `a + i` with
/// `AT` (op(A) stored by columns, `(i, p)` at `a + p*lda + i`: a
/// transposed row-major A, as in a weight gradient `xᵀ·dout`). An
/// address only (`wrapping_add`: past the last row it is never read).
#[inline(always)]
fn a_row<T, const AT: bool>(a: *const T, lda: usize, i: usize) -> *const T {
    if AT {
        a.wrapping_add(i)
    } else {
        a.wrapping_add(i * lda)
    }
}

/// Steps of `k` ahead that a tile reading op(A) by columns prefetches.
/// Those columns are `lda` apart, usually a multiple of 4 KiB, so every
/// line a tile reads falls in the same L1 set, and no hardware prefetcher
/// follows a stride that long: without the prefetch, f32
/// 1024×128·128×10 with a transposed A ran at 59 GFLOP/s, with it 80–83;
/// 16 steps ahead (more lines in flight than the set has ways) ran at 59.
const COLUMN_PREFETCH_STEPS: usize = 8;

/// Prefetches into L1 the first and last of the `R` elements of op(A)'s
/// column `COLUMN_PREFETCH_STEPS − 1` after the one at `col` (columns
/// `lda` apart; callers pass the column of the next step, so the one
/// prefetched is [`COLUMN_PREFETCH_STEPS`] steps ahead). A tile of f64
/// rows spanning three lines leaves the middle one to the hardware. An
/// address only: a prefetch reads nothing and cannot fault.
#[inline(always)]
fn prefetch_column<T, const R: usize>(col: *const T, lda: usize) {
    let ahead = col.wrapping_add((COLUMN_PREFETCH_STEPS - 1) * lda);
    // SAFETY: SSE (x86-64 baseline); a prefetch is a hint that reads
    // nothing, whatever its address.
    unsafe {
        _mm_prefetch::<_MM_HINT_T0>(ahead.cast());
        _mm_prefetch::<_MM_HINT_T0>(ahead.wrapping_add(R - 1).cast());
    }
}

/// `C[0..R, 0..cols] = alpha·(A·B) + beta·C` for `cols ≤ NV·LANES`, op(A)
/// in place (`(i, p)` at `a + i*lda + p`, or with `AT` at `a + p*lda + i`,
/// see [`a_row`]), B's rows as [`BRows`] says (`(p, j)` at
/// `b + p*ldb + j`). The arithmetic and stores of [`tile_body`].
///
/// # Safety
/// AVX-512F available; op(A)'s `(i, p)` readable for `i < R`, `p < k`;
/// `b + p*ldb + j` readable for `p < k` and the lanes `j` the full vectors
/// and the `last` mask enable (all lanes of the last vector too when
/// `b.whole`); `c + i*ldc + j` writable (readable unless
/// `beta == 0`) for `i < R`, `j < cols`, not aliased by A or B.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn skinny_body<T: Zmm, const R: usize, const NV: usize, const AT: bool>(
    k: usize,
    a: *const T,
    lda: usize,
    b: BRows<T>,
    cols: usize,
    c: *mut T,
    ldc: usize,
    alpha: T,
    beta: T,
) {
    // SAFETY: every access is inside the caller's contract.
    unsafe {
        let mut acc = [[T::zero(); NV]; R];
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
        // The steps of `k`, twice: the last vector of B's rows loaded
        // whole or through the mask (a macro, not a closure: a closure
        // would not inherit the target feature).
        macro_rules! steps {
            ($masked:expr) => {
                for p in 0..k {
                    let mut bv = [T::zero(); NV];
                    for (v, bv) in bv.iter_mut().enumerate() {
                        *bv = if v + 1 < NV || !$masked {
                            T::load(brow.add(v * T::LANES))
                        } else {
                            T::maskload(brow.add(v * T::LANES), b.last)
                        };
                    }
                    brow = brow.wrapping_add(b.ldb);
                    for (r, (acc_r, row)) in acc.iter_mut().zip(&rows).enumerate() {
                        let ar = T::splat(if AT { *col.add(r) } else { *row.add(p) });
                        for (x, &bv) in acc_r.iter_mut().zip(&bv) {
                            *x = T::fmadd(ar, bv, *x);
                        }
                    }
                    if AT {
                        col = col.wrapping_add(lda);
                        prefetch_column::<T, R>(col, lda);
                    }
                }
            };
        }
        if b.whole {
            steps!(false)
        } else {
            steps!(true)
        }
        store::<T, R, NV>(&acc, c, ldc, cols, alpha, beta);
    }
}

/// From this depth on, [`skinny_rows`] runs tiles two vectors wide as 8
/// rows in a function of their own. Against inlined 6-row tiles, one
/// thread on a Xeon with AVX-512 (the other core busy), medians of three
/// alternating runs: f32 64³ +3.8 %, 100³ +4.4 %, 128³ +2.3 %, f64 64³
/// +4.0 %, 100³ +3.4 %, 128³ +3.2 %, f64 128×1024·1024×10 +4.8 %. At the
/// spiral's depths (2 and 10) the call per tile cost 1–4 %, so shallower
/// products keep the inlined tiles.
const SEPARATE_TILE_DEPTH: usize = 32;

/// [`skinny_body`] compiled on its own (each instance optimized alone).
///
/// # Safety
/// As for [`skinny_body`].
#[target_feature(enable = "avx512f")]
#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn skinny_one<T: Zmm, const R: usize, const NV: usize, const AT: bool>(
    k: usize,
    a: *const T,
    lda: usize,
    b: BRows<T>,
    cols: usize,
    c: *mut T,
    ldc: usize,
    alpha: T,
    beta: T,
) {
    // SAFETY: forwarded contract.
    unsafe { skinny_body::<T, R, NV, AT>(k, a, lda, b, cols, c, ldc, alpha, beta) }
}

/// Rows `0..m` of a skinny product in tiles of `12 / NV` rows (12
/// accumulators, enough chains to cover the FMA latency), or of 8 rows
/// when `k ≥` [`SEPARATE_TILE_DEPTH`] and the tiles are two vectors wide,
/// or one vector wide over rows of A that collide in L1
/// ([`a_rows_collide_in_l1`]); the last tile smaller. AVX-512F enabled.
///
/// # Safety
/// As for [`skinny_body`], for all `m` rows.
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
unsafe fn skinny_rows<T: Zmm, const NV: usize, const AT: bool>(
    m: usize,
    k: usize,
    a: *const T,
    lda: usize,
    b: BRows<T>,
    cols: usize,
    c: *mut T,
    ldc: usize,
    alpha: T,
    beta: T,
) {
    let mut i = 0;
    // SAFETY: tile rows i..i+R ≤ m, inside the caller's contract.
    unsafe {
        // Two vectors wide and deep enough that a call per tile costs
        // nothing: 8-row tiles, each compiled on its own (16 accumulators;
        // with 12 rows, 24, LLVM spilled them). Else tiles of 12
        // accumulators inlined, as tiny products (the spiral's) want.
        let wide_deep = NV == 2 && k >= SEPARATE_TILE_DEPTH;
        // One vector wide, deep, and A's rows colliding in L1: 8-row tiles.
        let narrow_colliding =
            NV == 1 && !AT && k >= SEPARATE_TILE_DEPTH && a_rows_collide_in_l1(lda * T::BYTES);
        let tile_rows = if wide_deep || narrow_colliding {
            8
        } else {
            12 / NV
        };
        while i + tile_rows <= m {
            let (a, c) = (a_row::<T, AT>(a, lda, i), c.add(i * ldc));
            if wide_deep || narrow_colliding {
                skinny_one::<T, 8, NV, AT>(k, a, lda, b, cols, c, ldc, alpha, beta);
            } else if NV == 1 {
                skinny_body::<T, 12, NV, AT>(k, a, lda, b, cols, c, ldc, alpha, beta);
            } else {
                skinny_body::<T, 6, NV, AT>(k, a, lda, b, cols, c, ldc, alpha, beta);
            }
            i += tile_rows;
        }
        let (a, c) = (a_row::<T, AT>(a, lda, i), c.wrapping_add(i * ldc));
        macro_rules! rest {
            ($($r:literal)*) => {
                match m - i {
                    0 => {}
                    $($r => skinny_body::<T, $r, NV, AT>(k, a, lda, b, cols, c, ldc, alpha, beta),)*
                    r => unreachable!("{r} rows left"),
                }
            };
        }
        rest!(1 2 3 4 5 6 7 8 9 10 11);
    }
}

/// f64 products up to this many multiply-adds with op(A) and op(B)
/// row-major also take [`skinny`]'s in-place path, C in blocks two vectors
/// wide; f32 products up to twice as many. Measured against packing, one
/// thread: on Zen 5 (peer-bench) f64 64³ 84 → 102 GFLOP/s, 128³ 98 → 108,
/// f32 64³ 164 → 224, 96³ → 242, but f32 128³ 194 → 183 — B's rows then
/// collided in L1, which they no longer do ([`rows_collide_in_l1`]). On a
/// Xeon with AVX-512, in one process alternating with packing, f32 gained
/// 5–16 % at 112³–128³ and 3–24 % between 128³ and twice that (160³,
/// 200×150·130, 1024×64·64, 64×64·1024, 128×784·40, …); beyond, it lost
/// (200³ −16 %, 512×512·64 −3 %), and f64 gained nothing past 128³ but
/// where its rows collide.
const IN_PLACE_MNK_F64: usize = 128 * 128 * 128;

/// What [`IN_PLACE_MNK_F64`] is (f64 multiply-adds; f32 twice as many)
/// on a CPU that runs 512-bit FMAs as two halves (Zen 4,
/// [`Avx512::halves_512_bit_fmas`]), where the in-place tiles beat the
/// loop nest (on the AVX2 tiles there) further: one thread pinned,
/// two alternating runs, GFLOP/s, packed against in place: f32 200³
/// 105.7–105.8 against 109.9–111.0, 256³ 107.1–107.5 against 109.1–109.2,
/// 300³ 108.2 against 110.6, 256×256ᵀ·256×256 101.3–101.6 against
/// 108.8–109.0, 1024×64·64×256 80.2 against 95.7–108.7, 100×200·200×1000
/// 91–105 against 108–110; f64 200³ 54.0 against 55.9, 256³ 51.9–53.2
/// against 53.5–53.9, 1024×64·64×256 51.5–51.7 against 52.1–52.8. Beyond,
/// it loses: f32 128×784·784×1024 103 against 95. (These used a temporary
/// switch of the limit, not committed; `gemm_time --full-width-avx512`
/// compares with the 512-bit loop nest instead: f32 256³ 97.5–101.9
/// against 104.7–107.9 in place, 1024×64·64×256 91.1–93.8 against
/// 106.7–107.4, f64 200³ 53.2–53.4 against 55.4.)
const IN_PLACE_MNK_F64_HALVES: usize = 8 * IN_PLACE_MNK_F64;

/// [`IN_PLACE_MNK_F64_HALVES`] for an op(B) the in-place tiles read where
/// it lies (row-major, rows not a whole number of 4 KiB pages apart:
/// [`copies_b`]). Zen 4, one thread pinned, three alternating runs,
/// GFLOP/s, loop nest against in place (working-tree builds with the limit
/// at 16·128³ for every B, then with this rule, against `76dcd09`): f32
/// 384³ 107.7–109.6 against 113.0–113.7, 256×512·512×512 106.0–106.7
/// against 109.4–111.3, 1024×256·256×256 109.5–110.3 against 110.6–112.7,
/// 128×768·768×512 103.2 against 109.4–112.8; f64 300³ 53.8–54.1 against
/// 55.6–55.9, 320³ 52.0–53.7 against 56.1–56.3, 512×256·256×256 53.8–54.0
/// against 55.5–55.9. Copied, the wider limit lost: f64 128×256·256×1024
/// 53.9–54.2 against 51.9–52.0, 128×512·512×512 53.0–53.2 against
/// 51.1–51.4, f32 256×256·256×1024 107.6–108.1 against 104.8–106.9. Two
/// threads (each part a product of its own): f32 512³ 218.9–219.3 against
/// 219.8–221.6, f64 384³ 108.9–109.6 against 110.8–112.5. Past it, in
/// place lost (f32 512³ 101.4–110.2 against 96.0–108.7 with 64·128³).
const IN_PLACE_MNK_F64_HALVES_UNCOPIED: usize = 16 * IN_PLACE_MNK_F64;

/// Whether [`skinny`] takes this product: op(A) row-major or stored by
/// columns (a transposed A, as in the weight gradient `xᵀ·dout`), and C at
/// most two vectors wide, or op(B) row-major and the product small (see
/// [`IN_PLACE_MNK_F64`], [`IN_PLACE_MNK_F64_HALVES`]). With a transposed
/// A, against the loop nests (one thread, three alternating runs,
/// `gemm_time --ta`): f32
/// 1024×128ᵀ·128×10 0.68× the time, f64 0.58×; f32 64³ 0.72×, 100³
/// 0.77×, 128³ 0.89×, 200×150ᵀ·150×130 0.95×; f64 64³ 0.79×, 96³ 0.86×,
/// 128³ 0.92×.
fn takes_skinny<T: Scalar>(proof: Avx512, p: &Problem<'_, '_, T>) -> bool {
    let mnk = p.m.saturating_mul(p.n).saturating_mul(p.k);
    let skinny = p.n * T::BYTES <= 128;
    let small = if !proof.halves_512_bit_fmas() {
        IN_PLACE_MNK_F64
    } else if p.b.cs == 1 && !copies_b(proof, p.b.rs * T::BYTES, depth_block(p.k, false)) {
        IN_PLACE_MNK_F64_HALVES_UNCOPIED
    } else {
        IN_PLACE_MNK_F64_HALVES
    };
    takes_a_in_place(p) && (skinny || (p.b.cs == 1 && mnk.saturating_mul(T::BYTES) <= small * 8))
}

/// A product [`takes_skinny`] takes, on one thread: per KC block (the AVX2
/// kernel's blocks, so the same sums and bits) and per block of C two
/// vectors wide, all rows of C in register tiles with op(A) read in place.
/// op(B) is read in place when row-major ([`in_place`]), else its block is
/// copied into rows zero-padded to one or two vectors.
fn skinny<T: Zmm + Narrow>(proof: Avx512, p: &mut Problem<'_, '_, T>, bufs: &mut PackBuffers<T>) {
    assert!(takes_skinny(proof, p));
    let kc_max = depth_block(p.k, false);
    if p.b.cs == 1 && !copies_b(proof, p.b.rs * T::BYTES, kc_max) {
        return in_place(proof, p, false);
    }
    let src = p.b;
    let scratch = bufs.b_scratch(kc_max * 2 * T::LANES);
    let copy = |pc: usize, kc: usize, jc: usize, cols: usize, width: usize| {
        for (q, row) in scratch.chunks_exact_mut(width).take(kc).enumerate() {
            if src.cs == 1 {
                let start = (pc + q) * src.rs + jc;
                row[..cols].copy_from_slice(&src.data[start..start + cols]);
                row[cols..].fill(T::ZERO);
                continue;
            }
            for (j, x) in row.iter_mut().enumerate() {
                *x = if j < cols {
                    src.at(pc + q, jc + j)
                } else {
                    T::ZERO
                };
            }
        }
        BRows {
            b: scratch.as_ptr(),
            ldb: width,
            last: T::mask(T::LANES),
            whole: true,
        }
    };
    // SAFETY: `copy` returns the kc rows of `width ≥ cols` it just wrote
    // into the scratch (room for KC rows of two vectors), which nothing
    // else borrows until the next block.
    unsafe { for_blocks(proof, p, kc_max, copy) }
}

/// The depth of [`for_blocks`]'s blocks: the AVX2 kernel's, so both give
/// the same sums. That kernel runs the products it takes directly in one
/// pass over `k` (`one_pass`: one FMA chain per element, whatever the
/// depth; see [`small`] and [`blocked`]), the rest in balanced blocks of
/// at most KC.
fn depth_block(k: usize, one_pass: bool) -> usize {
    if one_pass {
        k
    } else {
        balanced_block(k, KC, 1)
    }
}

/// Whether `rows` rows of a block two vectors wide (two 64-byte lines),
/// `stride` bytes apart, collide in a 48 KiB 12-way L1d (64 sets), the
/// size of Zen 5's and of recent Intel cores'. Rows `stride` apart reach
/// only `64 / gcd(stride / 64, 64)` sets: 4 at a 1 KiB stride (f64 128³),
/// where 128 rows need 256 lines in 8 sets of 12 ways. Leaving a third of
/// the ways to A and C, more than 8 lines per set collide, and reading B
/// in place then runs from L2. Copying each block of B (kc rows two vectors
/// wide, into the skinny path's scratch) costs little: on a 2-core Xeon VM
/// with AVX-512, one thread, the two alternating in one process, f64 128³
/// went from 55–57 to 73 GFLOP/s, 65×256·100 (2 KiB rows) 56 → 70,
/// 100×512·40 (4 KiB) 50 → 68, and 128×128·40, just past the limit, 70 →
/// 71.
fn rows_collide_in_l1(stride: usize, rows: usize) -> bool {
    const WAYS_FOR_B: usize = 8;
    match sets_reached(stride) {
        Some(sets) => 2 * rows > 2 * sets.min(L1_SETS / 2) * WAYS_FOR_B,
        None => false,
    }
}

/// Whether [`skinny`] copies op(B)'s row-major blocks (rows `stride`
/// bytes apart, `rows` of them) instead of reading them in place: where
/// its rows collide in L1 ([`rows_collide_in_l1`]), but on Zen 4
/// ([`Avx512::halves_512_bit_fmas`]) only where every row falls in the
/// same L1 set (the stride a multiple of 4 KiB: each row on a page of its
/// own). There, reading the colliding rows from L2 ran faster than the
/// copy at 2 KiB and less (one thread, pinned, three alternating runs,
/// GFLOP/s, copy against in place): f64 128³ 54.5–54.9 against
/// 56.4–56.6, 256³ 55.2–55.3 against 56.1–56.3, 100×100·100×256
/// 51.8–53.3 against 54.6–55.0; f32 128³ 110.3–111.1 against
/// 113.7–114.4, 128×1024·1024×32 108.0–111.0 against 113.2–115.0,
/// 200×300·300×512 108.5–110.8 against 111.0–113.8, 100×200·200×512
/// 103.3–106.1 against 109.6–111.5. At 4 KiB the copy won: f64
/// 100×40·40×512 48.1–50.7 against 38.5–39.5, 128×128·128×512
/// 51.7–52.9 against 49.4–49.8; f32 128×128·128×1024 104.9–105.7
/// against 99.8–102.7. (Measured with a temporary switch between the two,
/// not committed; `gemm_time` on these shapes at `95bd58a` and after
/// shows the old rule against this one.)
fn copies_b(proof: Avx512, stride: usize, rows: usize) -> bool {
    if proof.halves_512_bit_fmas() {
        sets_reached(stride) == Some(1)
    } else {
        rows_collide_in_l1(stride, rows)
    }
}

/// The sets of a 64-set L1d (Zen 4's 32 KiB of 8 ways, Zen 5's and recent
/// Intel cores' 48 KiB of 12) that lines `stride` bytes apart fall in:
/// `64 / gcd(stride / 64, 64)`. `None` when the stride is not a whole
/// number of lines (the rows then spread over the sets).
fn sets_reached(stride: usize) -> Option<usize> {
    let lines = stride / 64;
    if stride % 64 != 0 || lines == 0 {
        return None;
    }
    let (mut g, mut b) = (lines, L1_SETS);
    while b != 0 {
        (g, b) = (b, g % b);
    }
    Some(L1_SETS / g)
}

/// Sets in the L1d of every AVX-512 core this kernel was measured on.
const L1_SETS: usize = 64;

/// Whether the 12 rows of a one-vector-wide [`skinny_rows`] tile, rows of
/// a row-major op(A) `stride` bytes apart, would put more than six of the
/// lines they are reading into one L1 set. At a stride that is a multiple
/// of 4 KiB (f32 A with 1024 or 2048 columns: an output layer's input)
/// all twelve fall in one set of 8 ways on Zen 4 and evict each other
/// before their 64 bytes are used: f32 128×1024·1024×10 ran at 52
/// GFLOP/s in 12-row tiles and 68.6–68.9 in 8-row ones, 128×1024·1024×16
/// 82.7 → 106, 128×2048·2048×10 47–50 → 68, f64 128×1024·1024×8 43 → 52–53
/// (one thread on a 2-core Zen 4 EPYC, pinned, two to three alternating
/// runs of the same binary). At a 2 KiB stride (six rows a set) and
/// others, the two heights ran within ±2 % of each other, so the wider
/// tiles, whose 12 FMA chains keep a core with two 512-bit FMA pipes busy,
/// stay there.
fn a_rows_collide_in_l1(stride: usize) -> bool {
    sets_reached(stride).is_some_and(|sets| 12usize.div_ceil(sets) > 6)
}

/// Whether [`in_place`] can take this product: op(A) and op(B) row-major.
/// (It also takes op(A) stored by columns, see [`takes_a_in_place`], but
/// only [`skinny`] sends those.)
fn takes_in_place<T: Scalar>(p: &Problem<'_, '_, T>) -> bool {
    p.a.cs == 1 && p.b.cs == 1
}

/// Whether the in-place tiles read this op(A): row-major, or stored by
/// columns (a transposed row-major A: `(i, p)` at `i + p*cs`).
fn takes_a_in_place<T: Scalar>(p: &Problem<'_, '_, T>) -> bool {
    p.a.cs == 1 || p.a.rs == 1
}

/// `C = alpha·op(A)·op(B) + beta·C` with both operands read in place
/// (op(B) row-major, op(A) row-major or by columns: [`takes_in_place`],
/// [`takes_a_in_place`]), on one thread, in the depth blocks (KC, or all of
/// `k` when `one_pass`, see [`depth_block`]) and C blocks of [`skinny`]:
/// no packing, no buffers. Also the path for tiny products: same sums,
/// same bits as the AVX2 direct path.
fn in_place<T: Zmm + Narrow>(proof: Avx512, p: &mut Problem<'_, '_, T>, one_pass: bool) {
    assert!(p.b.cs == 1 && takes_a_in_place(p));
    let src = p.b;
    let rows = |pc: usize, kc: usize, jc: usize, cols: usize, width: usize| {
        let b = src.offset(pc, jc);
        assert!((kc - 1) * b.rs + cols <= b.data.len());
        BRows {
            b: b.data.as_ptr(),
            ldb: b.rs,
            last: T::mask(cols - (width - T::LANES)),
            whole: cols == width,
        }
    };
    // SAFETY: `rows` returns op(B)'s rows p < kc at `p*rs` from (pc, jc),
    // whose lanes j < cols (full vectors below `width − LANES`, the mask
    // after, or with `whole` a full vector: `cols == width`) lie inside
    // `b.data` (asserted); B is a shared borrow, so it does not alias C.
    unsafe { for_blocks(proof, p, depth_block(p.k, one_pass), rows) }
}

/// The loops of [`skinny`] and [`in_place`]: per depth block `pc..pc + kc`
/// (`kc ≤ kc_max`, the AVX2 kernel's blocks) and per block `jc..jc + cols` of C two
/// vectors wide (`width` = `cols` rounded up to whole vectors), the block
/// of op(B) where `b_block(pc, kc, jc, cols, width)` says it is, then all
/// rows of C ([`rows_in_place`]).
///
/// # Safety
/// Each [`BRows`] that `b_block` returns must be readable as
/// [`skinny_body`] requires for `kc` rows and `cols` columns, hold op(B)'s
/// block, and not alias C.
unsafe fn for_blocks<T: Zmm + Narrow>(
    proof: Avx512,
    p: &mut Problem<'_, '_, T>,
    kc_max: usize,
    mut b_block: impl FnMut(usize, usize, usize, usize, usize) -> BRows<T>,
) {
    let (m, n, k) = (p.m, p.n, p.k);
    if m == 0 || n == 0 {
        return;
    }
    let block = 2 * T::LANES;
    // `while`, not `step_by`: a runtime step costs a division per loop, a
    // tenth of a tiny product's time.
    let mut pc = 0;
    while pc < k {
        let kc = kc_max.min(k - pc);
        let beta = if pc == 0 { p.beta } else { T::ONE };
        let mut jc = 0;
        while jc < n {
            let cols = block.min(n - jc);
            let width = cols.div_ceil(T::LANES) * T::LANES;
            let b = b_block(pc, kc, jc, cols, width);
            // SAFETY: `proof` shows AVX-512F; `b` as the caller promises.
            unsafe { rows_in_place(proof, p, pc, kc, jc, cols, b, beta) }
            jc += cols;
        }
        pc += kc;
    }
}

/// Columns `jc..jc + cols` (`cols ≤ 2·LANES`) of C, all rows, over the
/// depth block `pc..pc + kc`: register tiles with op(A) read in place.
///
/// # Safety
/// `b` readable as [`skinny_body`] requires for `kc` rows and `cols`
/// columns, and not aliasing C.
#[allow(clippy::too_many_arguments)]
unsafe fn rows_in_place<T: Zmm + Narrow>(
    proof: Avx512,
    p: &mut Problem<'_, '_, T>,
    pc: usize,
    kc: usize,
    jc: usize,
    cols: usize,
    b: BRows<T>,
    beta: T,
) {
    let m = p.m;
    assert!(takes_a_in_place(p) && kc > 0 && jc + cols <= p.n);
    let a = p.a.offset(0, pc);
    // Row-major op(A) (`(i, p)` at `i*rs + p`), or stored by columns (at
    // `i + p*cs`, see [`a_row`]): the last element either way.
    let by_columns = a.cs != 1;
    let (lda, last) = if by_columns {
        (a.cs, (m - 1) + (kc - 1) * a.cs)
    } else {
        (a.rs, (m - 1) * a.rs + kc - 1)
    };
    assert!(last < a.data.len());
    let c = p.c.as_mut_ptr().wrapping_add(jc);
    let (ldc, alpha) = (p.c.ldc(), p.alpha);
    let a = a.data.as_ptr();
    // Zen 4 only: on CPUs with whole 512-bit FMAs a 256-bit one costs the
    // same, and the mixed tiles were not measured there.
    let mixed = proof.halves_512_bit_fmas();
    // SAFETY: `proof` shows AVX-512F and VL, AVX2 and FMA (the narrow
    // and mixed tiles use all four). A: (i, p) for i < m, p < kc at `i*lda + p`, or
    // by columns at `p*lda + i`, inside `a.data` (the last one asserted);
    // B: the caller's contract. C: the view grants exclusive access to
    // m x n at `ptr + i*ldc + j`; this block is columns jc..jc + cols ≤ n
    // (asserted), not aliased by A or B.
    unsafe {
        if by_columns {
            tiles::<T, true>(m, kc, a, lda, b, cols, c, ldc, alpha, beta, mixed)
        } else {
            tiles::<T, false>(m, kc, a, lda, b, cols, c, ldc, alpha, beta, mixed)
        }
    }
}

/// [`rows_in_place`]'s tiles for op(A) row-major or (`AT`) stored by
/// columns: narrow ones for C at most one narrow vector wide, else one or
/// two 512-bit vectors, or with `mixed` (Zen 4) one 512-bit vector and a
/// 256-bit one when that covers C ([`narrow::mixed_rows`]: f64 C ten
/// columns wide, one thread pinned, 128×1024·1024×10 32.4–33.5 → 35.8–39.5
/// GFLOP/s in four alternating runs of one build with the mixed tiles on
/// and off by a temporary switch, not committed).
///
/// # Safety
/// As for [`skinny_body`] for all `m` rows; AVX-512F and VL, AVX2 and FMA
/// available.
#[allow(clippy::too_many_arguments)]
unsafe fn tiles<T: Zmm + Narrow, const AT: bool>(
    m: usize,
    kc: usize,
    a: *const T,
    lda: usize,
    b: BRows<T>,
    cols: usize,
    c: *mut T,
    ldc: usize,
    alpha: T,
    beta: T,
    mixed: bool,
) {
    let narrow = NarrowB {
        b: b.b,
        ldb: b.ldb,
        cols,
    };
    // SAFETY: forwarded contract; each branch's width fits `cols`.
    unsafe {
        if cols <= 4 {
            narrow::rows::<T::Four, AT>(m, kc, a, lda, narrow, c, ldc, alpha, beta)
        } else if cols <= <T::Half as NarrowVec>::LANES {
            narrow::rows::<T::Half, AT>(m, kc, a, lda, narrow, c, ldc, alpha, beta)
        } else if cols <= T::LANES {
            skinny_rows::<T, 1, AT>(m, kc, a, lda, b, cols, c, ldc, alpha, beta)
        } else if mixed && cols - T::LANES <= <T::Half as NarrowVec>::LANES {
            narrow::mixed_rows::<T, AT>(m, kc, a, lda, narrow, c, ldc, alpha, beta)
        } else {
            skinny_rows::<T, 2, AT>(m, kc, a, lda, b, cols, c, ldc, alpha, beta)
        }
    }
}

/// [`tile_body`] for `rows x nv` with AVX-512F enabled.
///
/// # Safety
/// As for [`tile_body`], with `R = rows`, `NV = nv`.
#[target_feature(enable = "avx512f")]
unsafe fn tile<T: Zmm, S: Blocking<T>>(rows: usize, nv: usize, t: &Tile<T>) {
    // SAFETY: forwarded contract; `rows`, `nv` pick the instance.
    unsafe {
        macro_rules! pick {
            ($($r:literal)*) => {
                match (rows, nv) {
                    $(($r, 1) => one_tile::<T, S, $r, 1>(t),
                      ($r, 2) => one_tile::<T, S, $r, 2>(t),
                      ($r, 3) if S::VECS == 3 => one_tile::<T, S, $r, 3>(t),)*
                    _ => unreachable!("tile {rows}x{nv} vectors"),
                }
            };
        }
        if S::MR == 12 {
            pick!(1 2 3 4 5 6 7 8 9 10 11 12)
        } else {
            pick!(1 2 3 4 5 6 7 8)
        }
    }
}

/// One `R`-row tile without prefetching, compiled on its own (inlined
/// into one function, LLVM kept the accumulators of the larger instances
/// in memory, at half speed).
///
/// # Safety
/// As for [`tile_body`].
#[target_feature(enable = "avx512f")]
#[inline(never)]
unsafe fn one_tile<T: Zmm, S: Blocking<T>, const R: usize, const NV: usize>(t: &Tile<T>) {
    let mut none = Lines::EMPTY;
    // SAFETY: forwarded contract.
    unsafe { tile_body::<T, S, R, NV, false>(t, &mut none, 0) }
}

/// One whole `MR`-row tile, compiled on its own.
///
/// # Safety
/// As for [`tile_body`] with `R = MR`.
#[target_feature(enable = "avx512f")]
#[inline(never)]
unsafe fn whole_tile<T: Zmm, S: Blocking<T>, const NV: usize, const PF: bool>(
    t: &Tile<T>,
    ahead: &mut Lines,
    npf: usize,
) {
    const { assert!(S::MR == 12 || S::MR == 8, "tiles of 12 or 8 rows") };
    // SAFETY: forwarded contract.
    unsafe {
        if S::MR == 12 {
            tile_body::<T, S, 12, NV, PF>(t, ahead, npf)
        } else {
            tile_body::<T, S, 8, NV, PF>(t, ahead, npf)
        }
    }
}

/// A column of whole `MR`-row tiles, each a [`whole_tile`] call; the
/// tiles prefetch the `ahead` lines, an equal share each.
///
/// # Safety
/// As for [`tile_body`] for each of the `panels` tiles: panel `ir` reads
/// `a + ir·MR·k` and writes rows `ir·MR ..` of C.
#[target_feature(enable = "avx512f")]
unsafe fn sweep<T: Zmm, S: Blocking<T>>(panels: usize, t: &Tile<T>, mut ahead: Lines) {
    let nv = t.cols.div_ceil(T::LANES);
    let lines = ahead.left();
    for ir in 0..panels {
        let p = Tile {
            a: t.a.wrapping_add(ir * S::MR * t.k),
            c: t.c.wrapping_add(ir * S::MR * t.ldc),
            ..*t
        };
        // This tile's equal share of the sweep's lines to prefetch.
        let npf = lines * (ir + 1) / panels - lines * ir / panels;
        // SAFETY: panel `ir` of the column (caller's contract).
        unsafe {
            match (nv, npf > 0) {
                (3, true) if S::VECS == 3 => whole_tile::<T, S, 3, true>(&p, &mut ahead, npf),
                (3, false) if S::VECS == 3 => whole_tile::<T, S, 3, false>(&p, &mut ahead, 0),
                (2, true) => whole_tile::<T, S, 2, true>(&p, &mut ahead, npf),
                (2, false) => whole_tile::<T, S, 2, false>(&p, &mut ahead, 0),
                (1, true) => whole_tile::<T, S, 1, true>(&p, &mut ahead, npf),
                (1, false) => whole_tile::<T, S, 1, false>(&p, &mut ahead, 0),
                _ => unreachable!("sweep {nv} vectors wide"),
            }
        }
    }
}

/// Checks one tile's operands and runs it.
fn run_tile<T: Zmm, S: Blocking<T>>(
    _proof: Avx512,
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
    let (mr, nr) = (S::MR, S::VECS * T::LANES);
    let ASrc::Packed(a) = a else {
        unreachable!("the AVX-512 kernel reads A packed")
    };
    assert!(rows <= mr && cols <= nr, "tile {rows}x{cols}");
    assert!(a.len() >= mr * k && b.len() >= nr * k);
    let t = Tile {
        k,
        a: a.as_ptr(),
        b: b.as_ptr(),
        cols,
        c: c.as_mut_ptr(),
        ldc: c.ldc(),
        alpha,
        beta,
    };
    let nv = cols.div_ceil(T::LANES);
    // SAFETY: `_proof` shows AVX-512F was detected. The asserts bound
    // every read of Ã (MR·k, read MR elements per step of k, rows < MR of
    // them) and B̃ (NR·k); the view grants exclusive access to
    // `rows x cols` of C at `ptr + i*ldc + j`, not aliased by the shared
    // `a`, `b`; `nv` makes `(nv-1)·LANES < cols ≤ nv·LANES`.
    unsafe { tile::<T, S>(rows, nv, &t) }
}

/// Checks a column of whole tiles and sweeps it, prefetching `ahead`.
#[allow(clippy::too_many_arguments)]
fn run_sweep<T: Zmm, S: Blocking<T>>(
    _proof: Avx512,
    k: usize,
    alpha: T,
    a: &[T],
    b: &[T],
    beta: T,
    c: &mut CView<'_, T>,
    ahead: Ahead<T>,
) {
    let (rows, cols) = (c.rows(), c.cols());
    if rows == 0 || cols == 0 {
        return;
    }
    let (mr, nr) = (S::MR, S::VECS * T::LANES);
    assert!(rows % mr == 0 && cols <= nr, "sweep {rows}x{cols}");
    assert!(a.len() >= rows * k && b.len() >= nr * k);
    let t = Tile {
        k,
        a: a.as_ptr(),
        b: b.as_ptr(),
        cols,
        c: c.as_mut_ptr(),
        ldc: c.ldc(),
        alpha,
        beta,
    };
    // SAFETY: `_proof` shows AVX-512F was detected. Panel `ir` reads
    // `a[ir·MR·k ..][.. MR·k]` (inside `a`: rows·k ≥ (ir+1)·MR·k) and the
    // whole NR·k panel `b`; it writes rows ir·MR.. +MR, columns < cols of
    // the region the view grants exclusively.
    unsafe { sweep::<T, S>(rows / mr, &t, ahead.lines()) }
}

/// The block sizes of the packed AVX-512 kernel for element type `T` (see
/// [`MicroKernel`] for what each bounds), one set per kind of CPU:
/// [`FullWidth`], [`Halves`].
pub(crate) trait Blocking<T> {
    /// Rows of a register tile (and of an Ã micro-panel).
    const MR: usize;
    /// Vectors per row of a register tile: a B̃ micro-panel is
    /// `VECS·LANES` columns wide.
    const VECS: usize;
    /// Rows of Ã packed at a time.
    const MC: usize;
    /// Columns of B̃ packed at a time.
    const NC: usize;
}

/// The blocking for CPUs that run a 512-bit FMA whole (Xeon, Zen 5): f32
/// 12×32, f64 8×24 (see the module docs).
pub(crate) struct FullWidth;

/// The blocking for Zen 4, which runs a 512-bit FMA as two 256-bit halves
/// ([`Avx512::halves_512_bit_fmas`]): f32 8×48 (eight broadcasts and three
/// loads per 24 FMAs, against twelve and two), f64 as [`FullWidth`].
/// Measured on the loop nest of the parts of products split across two
/// threads (`gemm_time --threads 2`, three alternating runs of the two
/// builds, GFLOP/s, 12×32 against 8×48): f32 128×784·784×1024
/// 196.7–197.6 against 207.7–208.0, 128×1024·1024×1024 178.7–191.9
/// against 198.7–207.1, 1024³ 183.8–190.3 against 195.3–200.7, 512³
/// 186.3–205.1 against 191.1–195.3. (Builds of the working tree with
/// the f32 `FullWidth` tiles set to 12×32 and to 8×48, not commits; parts
/// then cut in whole tiles.)
pub(crate) struct Halves;

impl Blocking<f32> for FullWidth {
    const MR: usize = 12;
    const VECS: usize = 2;
    /// Ã = 144 × 384 × 4 B = 216 KiB of the 1 MiB L2 (Zen 4/5).
    const MC: usize = 144;
    /// B̃ = 384 × 4096 × 4 B = 6 MiB in L3.
    const NC: usize = 4096;
}

impl Blocking<f64> for FullWidth {
    const MR: usize = 8;
    const VECS: usize = 3;
    /// Ã = 144 × 384 × 8 B = 432 KiB, under half of Zen 4/5's 1 MiB L2
    /// (a fifth of the Xeon's 2 MiB). As large as f32's so that a batch of
    /// 128 rows is one block, its B̃ packed a micro-panel at a time with
    /// the next one prefetched (was 96: two blocks). One thread on the
    /// Xeon, in alternating runs: 128×784·784×1024 62.7 → 68.0 GFLOP/s,
    /// 128×1024·(1024×1024)ᵀ 57.4 → 64.9, 1024³ 69.6 → 70.4; 128³–512³
    /// unchanged.
    const MC: usize = 144;
    /// B̃ = 384 × 2048 × 8 B = 6 MiB in L3.
    const NC: usize = 2048;
}

impl Blocking<f32> for Halves {
    const MR: usize = 8;
    const VECS: usize = 3;
    /// Ã = 144 × 384 × 4 B = 216 KiB of Zen 4's 1 MiB L2.
    const MC: usize = 144;
    /// B̃ = 384 × 4080 × 4 B ≈ 6 MiB in L3 (85 micro-panels of 48).
    const NC: usize = 4080;
}

impl Blocking<f64> for Halves {
    const MR: usize = <FullWidth as Blocking<f64>>::MR;
    const VECS: usize = <FullWidth as Blocking<f64>>::VECS;
    const MC: usize = <FullWidth as Blocking<f64>>::MC;
    const NC: usize = <FullWidth as Blocking<f64>>::NC;
}

/// The unit `(rows, columns)` a threaded product's parts are cut in for
/// the AVX-512 kernel on this CPU: its register tile `(MR, NR)`, or on
/// Zen 4 ([`Halves`]) `MR` rows by one vector. Cut in whole tiles, f32
/// 512³ on two threads fell into parts of six and five 48-column panels;
/// in whole vectors each part is five panels and a 16-column one:
/// `gemm_time --threads 2`, three alternating runs, 194.1–194.5 GFLOP/s
/// against 206.5–215.5; f64 (8×24) 512³ 103.1–103.6 against 103.9–105.0,
/// 1024³ 100.3–101.2 against 101.2–104.0.
#[allow(private_bounds)]
pub(crate) fn packed_tile<T: Zmm>() -> (usize, usize)
where
    FullWidth: Blocking<T>,
    Halves: Blocking<T>,
{
    let halves = Avx512::detect().is_some_and(|proof| proof.halves_512_bit_fmas());
    if halves {
        (<Halves as Blocking<T>>::MR, T::LANES)
    } else {
        (
            <FullWidth as Blocking<T>>::MR,
            <FullWidth as Blocking<T>>::VECS * T::LANES,
        )
    }
}

#[allow(private_bounds)]
impl<T: Zmm + Simd, S: Blocking<T>> MicroKernel<T> for Avx512Kernel<T, S> {
    const MR: usize = S::MR;
    const NR: usize = S::VECS * <T as Zmm>::LANES;
    const MC: usize = S::MC;
    /// The AVX2 kernel's depth, so both give the same sums (and bits). One
    /// B̃ micro-panel = 384 × 32 × 4 B (f32) = 48 KiB, Zen 5's L1d, or
    /// 384 × 24 × 8 B = 72 KiB (f64), read from L2 in part: three loads per
    /// step of eight broadcasts leave the slack.
    const KC: usize = KC;
    const NC: usize = S::NC;
    const DIRECT: bool = false;
    const PREFETCHES: bool = true;

    #[inline]
    fn run(self, k: usize, alpha: T, a: ASrc<'_, T>, b: &[T], beta: T, c: &mut CView<'_, T>) {
        run_tile::<T, S>(self.0, k, alpha, a, b, beta, c)
    }

    #[inline]
    fn run_sweep(
        self,
        k: usize,
        alpha: T,
        a: &[T],
        b: &[T],
        beta: T,
        c: &mut CView<'_, T>,
        ahead: Ahead<T>,
    ) {
        run_sweep::<T, S>(self.0, k, alpha, a, b, beta, c, ahead)
    }

    /// A row-major A through the AVX2 kernel's register transposes when
    /// `MR` is a whole number of its vectors (8 rows: f64, and f32 on Zen
    /// 4): Ã's panels are B̃'s for op(A)ᵀ. The portable loop copies an
    /// element at a time; on Zen 4 it took 4.5 % of f32 512³'s samples on
    /// two threads (each part packs all of A), the transposes 2.8 %
    /// (`perf record -e cpu-clock gemm_time f32 512 512 512 --threads 2`
    /// built at `6331ce7` and at `e1c48be`). Other heights (12 f32 rows)
    /// go through the padded transposes of [`pack_a_avx`].
    #[inline]
    fn pack_a(self, mc: usize, kc: usize, a: Operand<'_, T>, dst: &mut [T]) {
        let avx2 = self.0.avx2();
        if a.cs == 1 && a.rs > 1 && S::MR % <T as Simd>::LANES == 0 {
            let at = Operand {
                data: a.data,
                rs: a.cs,
                cs: a.rs,
            };
            pack_b_avx(avx2, S::MR, kc, mc, at, dst)
        } else {
            pack_a_avx(avx2, S::MR, mc, kc, a, dst)
        }
    }

    /// A transposed B through the AVX2 kernel's register transposes (the
    /// portable copy loop ran `dout·Wᵀ` at 60 % of the other products).
    #[inline]
    fn pack_b(self, kc: usize, nc: usize, b: Operand<'_, T>, dst: &mut [T]) {
        if b.cs == 1 {
            // SAFETY: `self.0` shows AVX-512F was detected; the function
            // only compiles the safe portable packer with it enabled.
            unsafe { pack_b_wide(Self::NR, kc, nc, b, dst) }
        } else {
            pack_b_avx(self.0.avx2(), Self::NR, kc, nc, b, dst)
        }
    }

    /// This kernel's own streamed product ([`stream`]), which [`blocked`]
    /// routes to before the loop nest sees it. The shared one
    /// (`gemm/stream.rs`) compiled with AVX-512F, against this one in
    /// alternating runs: one thread, f32 ×1024·1024×1024 one and two rows
    /// 1.00–1.01× the time, three and four 0.92–0.93×, f64 one to three
    /// rows 1.02–1.04×, four 0.96×, B from memory (f32 1×4096·4096×4096)
    /// 1.14×; two threads (the default), one row f32 and f64
    /// ×1024·1024×1024 1.10× and 1.07×, f32 1×4096·4096×4096 1.17×. In
    /// 256-bit loops it matched this one on one thread, and ran up to 1.1×
    /// the 512-bit ones' time on two.
    #[inline]
    fn stream(self, p: &mut Problem<'_, '_, T>, kc_max: usize) {
        stream::stream(self.0, p, kc_max)
    }
}

/// The portable packer compiled with AVX-512F, so a panel row of 32 f32 or
/// 24 f64 moves as two or three 64-byte loads and stores.
///
/// # Safety
/// AVX-512F available.
#[target_feature(enable = "avx512f")]
unsafe fn pack_b_wide<T: Scalar>(
    nr: usize,
    kc: usize,
    nc: usize,
    b: Operand<'_, T>,
    dst: &mut [T],
) {
    crate::gemm::pack::pack_b(nr, kc, nc, b, dst)
}

/// The blocked product on one thread, as this kernel runs it: a whole
/// product (`share` alone) deeper than KC that the AVX2 kernel would take
/// directly → one pass over k, in place or through that kernel's direct
/// path; at most four rows of C wider than two vectors and a large
/// row-major op(B) → [`stream::stream`] (B read row after row); op(A) row-major or
/// transposed and C skinny, or the product small with row-major op(B) →
/// [`skinny`] (tiles on the operands in place);
/// everything else → the loop nest around the packed tiles: this kernel's
/// ([`FullWidth`] blocking), or on Zen 4 ([`Avx512::halves_512_bit_fmas`])
/// for a product on one thread (`share` alone) the AVX2 kernel's (f64:
/// above [`F64_AVX512_NEST_MAX_ROWS`] rows), else this kernel's in the
/// [`Halves`] blocking. Same sums, same bits, either way.
///
/// Why the AVX2 tiles on Zen 4: it runs a 512-bit FMA as two 256-bit
/// halves, so the FMA peak is the AVX2 one, and there the AVX2 loop nest
/// measured faster on most packed products on one thread (`gemm_time`,
/// pinned, default against `--full-width-avx512`, GFLOP/s): f32
/// 1024×128·128×1024 105–107 against 96–99, 512³ 108–109 against 104–106,
/// 1024³ 107–109 against 102–104, 128×1024·(1024×1024)ᵀ 98–102 against
/// 89; f64 1024³ 53.7 against 52.0–52.1; but f64 products of few rows ran
/// faster on the 512-bit tiles (see [`F64_AVX512_NEST_MAX_ROWS`]). The
/// mlp-bench step (f32, one thread) went from a median 86.7 % of the FMA
/// peak to 92.8 % (five alternating runs).
///
/// The parts of a product split across threads keep the 512-bit tiles, on
/// Zen 4 in the [`Halves`] blocking (f32 8×48): with both cores loading
/// B, its micro-panels packed one at a time and prefetched (one block of
/// rows) ran faster: f32 128×784·784×1024 on two threads 174.6–175.5
/// GFLOP/s on 12×32 tiles against 138–139 on the AVX2 tiles (three
/// alternating runs); 128×1024·1024×1024 and the mlp-bench step on two
/// threads were noisier, their medians ahead too (170 against 153, 121
/// against 110 steps/s). (For 8×48 against 12×32 see [`Halves`].) So do
/// the members of a team (`gemm/threads/team.rs`; only products that
/// reach the loop nest run as teams, so they skip the paths above): f32
/// 1024³ on two threads as a team of the 512-bit [`Halves`] tiles
/// 196.4–196.8 GFLOP/s against 189.3–191.0 on the AVX2 tiles (two
/// alternating runs of a build with a temporary switch).
///
/// The in-place, skinny, narrow and streamed paths above stay 512-bit on
/// Zen 4 (f32 128³ in place 106 GFLOP/s against the AVX2 kernel's 92).
#[allow(private_bounds)]
pub(crate) fn blocked<T: Zmm + Narrow + Simd + avx2::Blocking>(
    proof: Avx512,
    p: &mut Problem<'_, '_, T>,
    bufs: &mut PackBuffers<T>,
    share: Share<'_, '_, T>,
) where
    FullWidth: Blocking<T>,
    Halves: Blocking<T>,
{
    // A whole product small and wide enough that the AVX2 kernel takes it
    // directly (`Kernel::takes_direct`; this kernel packs or reads it in
    // place here): deeper than one KC block, it must run in one pass over
    // k, as there, for the same sums.
    // (Such products need no check of `takes_direct`'s B-fits rule, and
    // are never split across threads: see the asserts below.)
    let team = matches!(share, Share::Team(..));
    if share.alone() && p.k > KC && is_small_wide(p.m, p.n, p.k, T::BYTES) {
        if takes_in_place(p) {
            in_place(proof, p, true)
        } else {
            proof.avx2().small(p)
        }
    } else if !team && stream::takes_stream(p) {
        stream::stream(proof, p, depth_block(p.k, false))
    } else if !team && takes_skinny(proof, p) {
        skinny(proof, p, bufs)
    } else if !proof.halves_512_bit_fmas() {
        gemm_blocked(Avx512Kernel::<T, FullWidth>::new(proof), p, bufs, share)
    } else if share.alone() && (T::BYTES == 4 || p.m > F64_AVX512_NEST_MAX_ROWS) {
        gemm_blocked(avx2::Avx2Kernel::new(proof.avx2()), p, bufs, share)
    } else {
        gemm_blocked(Avx512Kernel::<T, Halves>::new(proof), p, bufs, share)
    }
}

/// On Zen 4, f64 products of at most this many rows keep the 512-bit loop
/// nest on one thread too: with its taller blocks of rows (MC = 144 against the AVX2 f64
/// tiles' 96) they need fewer passes over B̃, and one block of rows has B̃
/// packed a panel at a time, prefetched. Measured (`gemm_time`, one thread
/// pinned, three alternating runs, GFLOP/s, AVX2 tiles against 512-bit):
/// 256³ 50.0–50.2 against 53.1–53.8, 128×1024·1024×1024 46.4–49.3 against
/// 49.1–50.3, 128×784·784×1024 49.1–49.4 against 51.1–51.8, 200×250·250×300
/// 52.3–52.8 against 52.9–53.4; but 384³ 50.6–52.5 against 48.3–51.6,
/// 512³ 51.0–52.2 against 49.5–49.9, 1024×128·128×1024 51.7–52.1 against
/// 48.8–49.2. (f32 ran 4–6 % faster on the AVX2 tiles at every size tried,
/// from 128×784·784×1024 and 200×250·250×300 to 1024³.)
const F64_AVX512_NEST_MAX_ROWS: usize = 256;

// What `blocked`'s one-pass branch takes for granted: a small-and-wide
// product's op(B) always fits the AVX2 direct path's stack copy, and it
// is too small to earn a second thread (so it never arrives in parts).
const _: () = assert!(crate::gemm::small::SMALL_WIDE_B <= crate::gemm::small::B_STACK);
const _: () =
    assert!(2 * crate::gemm::small::SMALL_WIDE_MNK < 2 * crate::gemm::MIN_FLOPS_PER_THREAD);

/// A tiny product (the direct range): with both operands row-major,
/// [`in_place`]; otherwise the AVX2 kernel's direct path. Same bits.
#[allow(private_bounds)]
pub(crate) fn small<T: Zmm + Narrow + Simd>(proof: Avx512, p: &mut Problem<'_, '_, T>) {
    if takes_in_place(p) {
        // Every product here the AVX2 kernel takes directly too.
        in_place(proof, p, true)
    } else {
        proof.avx2().small(p)
    }
}

/// The FMA peak loop (see `Kernel::fma_peak_gflops`): 12 independent chains
/// of 512-bit FMAs.
///
/// # Safety
/// AVX-512F available.
#[target_feature(enable = "avx512f")]
unsafe fn chains<T: Zmm>(iters: u64, x: T, y: T) -> T {
    // SAFETY: register intrinsics only (AVX-512F, caller) and one store into
    // a local array of 16 ≥ LANES elements.
    unsafe {
        let (vx, vy) = (T::splat(x), T::splat(y));
        let mut acc = [T::zero(); 12];
        for (j, a) in acc.iter_mut().enumerate() {
            *a = T::splat(T::from_f64(0.1 + 0.01 * j as f64));
        }
        for _ in 0..iters {
            for a in acc.iter_mut() {
                *a = T::fmadd(*a, vx, vy);
            }
        }
        let mut sum = acc[0];
        for &a in &acc[1..] {
            sum = T::vadd(sum, a);
        }
        let mut lanes = [T::ZERO; 16];
        T::store(lanes.as_mut_ptr(), sum);
        lanes[..T::LANES].iter().fold(T::ZERO, |s, &v| s + v)
    }
}

/// `(flops, checksum)` of `iters` rounds of 12 vector FMAs on this core.
#[allow(private_bounds)]
pub(crate) fn fma_rounds<T: Zmm>(_proof: Avx512, iters: u64, x: T, y: T) -> (f64, T) {
    // SAFETY: `_proof` shows AVX-512F was detected.
    let check = unsafe { chains(iters, x, y) };
    (iters as f64 * (12 * T::LANES * 2) as f64, check)
}
