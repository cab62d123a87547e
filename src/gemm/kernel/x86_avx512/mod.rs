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
//! run on the operands in place, without packing ([`in_place()`],
//! [`skinny`]): tiny products with both operands row-major; small ones (f64 up to 128³
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
//! [`IN_PLACE_MNK_F64_HALVES`](in_place::IN_PLACE_MNK_F64_HALVES), [`IN_PLACE_MNK_F64_HALVES_UNCOPIED`](in_place::IN_PLACE_MNK_F64_HALVES_UNCOPIED)). The parts of a
//! product split across threads keep the 512-bit loop nest, f32 on 8×48
//! tiles ([`Halves`]), cut into parts of whole vectors rather than whole
//! tiles ([`packed_tile`]). The in-place tiles read op(B) in place unless
//! its rows are whole pages apart ([`copies_b`](in_place::copies_b)). Same bits.
//!
//! While a column of tiles runs, its tiles prefetch into L2 the source of
//! the B̃ micro-panel packed next (`MicroKernel::PREFETCHES`, see
//! `gemm/ahead.rs`), a line every `k / lines` steps.
//!
//! The files: this one detects the CPU ([`Avx512`]), holds the vector
//! operations ([`Zmm`]) and the store every tile ends with ([`store`]), and
//! chooses a path for each product ([`blocked`], [`small`]);
//! [`packed`](mod@packed) has the packed tiles, their block sizes and the
//! loop nest's [`MicroKernel`](super::MicroKernel);
//! [`in_place`](mod@in_place) the tiles that read the operands where they
//! lie; [`narrow`] those for C four or eight lanes wide; [`stream`] the
//! streamed product.
//!
//! [`exp`] maps f64 slices through glibc's `exp` (and the sigmoid) eight
//! lanes at a time, bit for bit as the AVX2 port does four at a time;
//! [`log`] through glibc's `log`.

// Stable since Rust 1.89; build.rs compiles this module only there.
#![allow(clippy::incompatible_msrv)]

#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) mod exp;
mod in_place;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) mod log;
mod narrow;
mod packed;
mod stream;

use super::x86_avx2::{self as avx2, Avx2, Simd};
use crate::gemm::loops::{self, gemm_blocked, PackBuffers, Problem, Share};
use crate::gemm::small::is_small_wide;
use crate::Scalar;
use in_place::{depth_block, in_place, skinny, takes_in_place, takes_skinny};
use narrow::Narrow;
pub(crate) use packed::{packed_tile, Blocking, FullWidth, Halves};
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
    /// the in-place tiles take larger products ([`IN_PLACE_MNK_F64_HALVES`](in_place::IN_PLACE_MNK_F64_HALVES))
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
    // A team (formed only for products `team_runs` takes): packed tiles.
    if let Share::Team(..) = share {
        return match team_nest(proof) {
            TeamNest::FullWidth => {
                gemm_blocked(Avx512Kernel::<T, FullWidth>::new(proof), p, bufs, share)
            }
            TeamNest::Halves => gemm_blocked(Avx512Kernel::<T, Halves>::new(proof), p, bufs, share),
        };
    }
    // A whole product small and wide enough that the AVX2 kernel takes it
    // directly (`Kernel::takes_direct`; this kernel packs or reads it in
    // place here): deeper than one KC block, it must run in one pass over
    // k, as there, for the same sums.
    // (Such products need no check of `takes_direct`'s B-fits rule, and
    // are never split across threads: see the asserts below.)
    if share.alone() && p.k > KC && is_small_wide(p.m, p.n, p.k, T::BYTES) {
        if takes_in_place(p) {
            in_place(proof, p, true)
        } else {
            proof.avx2().small(p)
        }
    } else if stream::takes_stream(p) {
        stream::stream(proof, p, depth_block(p.k, false))
    } else if takes_skinny(proof, p) {
        skinny(proof, p, bufs)
    } else if !proof.halves_512_bit_fmas() {
        gemm_blocked(Avx512Kernel::<T, FullWidth>::new(proof), p, bufs, share)
    } else if share.alone() && (T::BYTES == 4 || p.m > F64_AVX512_NEST_MAX_ROWS) {
        gemm_blocked(avx2::Avx2Kernel::new(proof.avx2()), p, bufs, share)
    } else {
        gemm_blocked(Avx512Kernel::<T, Halves>::new(proof), p, bufs, share)
    }
}

/// The loop nest a team of threads runs a product on: the packed tiles of
/// this CPU's blocking, whatever the shape (the paths that read operands in
/// place, and the AVX2 tiles, are for one thread's products).
enum TeamNest {
    FullWidth,
    Halves,
}

fn team_nest(proof: Avx512) -> TeamNest {
    if proof.halves_512_bit_fmas() {
        TeamNest::Halves
    } else {
        TeamNest::FullWidth
    }
}

/// Whether a team of threads runs this product (the threads' rule asks
/// before it forms one): not one that one thread or a part runs on a path
/// of its own (rows streamed, skinny C with op(A) in place, which a team
/// would run on packed tiles mostly padding), and one that the nest a team
/// runs on ([`blocked`] given `Share::Team`) takes as a team
/// (`loops::team_runs`).
#[allow(private_bounds)]
pub(crate) fn team_runs<T: Zmm + Narrow + Simd>(proof: Avx512, p: &Problem<'_, '_, T>) -> bool
where
    FullWidth: Blocking<T>,
    Halves: Blocking<T>,
{
    if stream::takes_stream(p) || takes_skinny(proof, p) {
        return false;
    }
    match team_nest(proof) {
        TeamNest::FullWidth => loops::team_runs::<T, Avx512Kernel<T, FullWidth>>(p),
        TeamNest::Halves => loops::team_runs::<T, Avx512Kernel<T, Halves>>(p),
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
/// [`in_place()`]; otherwise the AVX2 kernel's direct path. Same bits.
#[allow(private_bounds)]
pub(crate) fn small<T: Zmm + Narrow + Simd>(proof: Avx512, p: &mut Problem<'_, '_, T>) {
    if takes_in_place(p) {
        // Every product here the AVX2 kernel takes directly too.
        in_place(proof, p, true)
    } else {
        proof.avx2().small(p)
    }
}

/// [`small`], then `C[i, j] += bias[j]`: by the AVX2 direct path's stores,
/// or by a pass over C after [`in_place()`]. Same bits.
#[allow(private_bounds)]
pub(crate) fn small_bias<T: Zmm + Narrow + Simd>(
    proof: Avx512,
    p: &mut Problem<'_, '_, T>,
    bias: &[T],
) {
    if takes_in_place(p) {
        in_place(proof, p, true);
        crate::gemm::small::add_row(&mut p.c, bias);
    } else {
        proof.avx2().small_bias(p, bias)
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
