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
//! One generic body ([`tile::tile`]) serves both element types (through
//! [`Simd`]) and every edge: it is instantiated for `R = 1..=6` rows and
//! `NV = 1..=2` vectors of columns (up to 4 for skinny C, with fewer rows),
//! so a ragged edge tile does only the arithmetic it needs, and the last
//! vector of a tile narrower than `NV·LANES` is stored in 128/64/32-bit
//! pieces (AMD's masked stores are microcoded). C is written directly, no
//! temporary tile.
//!
//! Besides packed panels, the body reads op(A) in place through its strides
//! (skinny products, where packing A would cost as much as using it once),
//! and B either packed or row-major in place with a masked load for the
//! last vector (the direct small-product path, [`direct::direct`]). The
//! kernel also packs a transposed B and a row-major A with 8×8 (f32) / 4×4
//! (f64) register transposes.
//!
//! # Files
//! - this one: the detection token [`Avx2`], the generic kernel
//!   [`Avx2Kernel`] and its [`MicroKernel`] impl
//!   (tile sizes and blocking parameters, [`Blocking`]);
//! - [`simd`]: the [`Simd`] trait, 256-bit operations per element type,
//!   partial stores and register transposes;
//! - [`tile`]: the register tile (one generic body for every shape and
//!   source), its store modes, and the sweep over a column of packed tiles;
//! - [`pack`]: packing a transposed B and a row-major A with register
//!   transposes;
//! - [`peak`]: the FMA loop that measures the core's peak;
//! - [`exp`]: glibc's `exp` four lanes at a time, for the layers'
//!   sigmoid and softmax (Linux with glibc only; see there why);
//! - [`log`]: glibc's `log` four lanes at a time, for the losses;
//! - [`direct`]: the paths without packing: small products, and skinny
//!   KC blocks with op(A) read in place;
//! - [`flat`]: skinny tiles for C 10 wide whose vectors run across the
//!   ends of C's rows, so every lane is used;
//! - [`elementwise`]: the layers' element-wise passes that gain from 256 bits.

mod direct;
pub(crate) mod elementwise;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) mod exp;
mod flat;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) mod log;
mod pack;
pub(crate) mod peak;
mod simd;
mod tile;

pub(crate) use simd::Simd;

use super::{ASrc, MicroKernel};
use crate::gemm::ahead::Ahead;
use crate::gemm::loops::{Operand, Problem};
use crate::gemm::view::CView;
use direct::{skinny, small_tiles};
pub(crate) use pack::{pack_a_avx, pack_b_avx};
use std::marker::PhantomData;
use tile::{run_tile, sweep, MR};

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
        small_tiles(self, p, None)
    }

    /// [`Avx2::small`], then `C[i, j] += bias[j]`, added by the tiles'
    /// stores.
    #[inline]
    pub fn small_bias<T: Simd>(self, p: &mut Problem<'_, '_, T>, bias: &[T]) {
        small_tiles(self, p, Some(bias))
    }
}

/// The AVX2 microkernel for element type `T`: 6×16 tiles for f32, 6×8 for
/// f64 (six rows, two vectors), blocked as [`Blocking`] says. One generic
/// implementation (`tile.rs`, `pack.rs`, `direct.rs`) serves both types.
pub(crate) struct Avx2Kernel<T>(pub Avx2, PhantomData<T>);

impl<T> Avx2Kernel<T> {
    /// The kernel for `T` on a CPU with AVX2 and FMA.
    #[inline]
    pub fn new(proof: Avx2) -> Self {
        Avx2Kernel(proof, PhantomData)
    }
}

impl<T> Clone for Avx2Kernel<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Avx2Kernel<T> {}

/// The block sizes of the AVX2 kernel that differ between f32 and f64 (see
/// [`MicroKernel`] for what each bounds).
pub(crate) trait Blocking {
    /// Rows of Ã packed at a time.
    const MC: usize;
    /// Columns of B̃ packed at a time.
    const NC: usize;
}

impl Blocking for f32 {
    /// Ã = 144 × 384 × 4 B = 216 KiB: under half of Zen 3's 512 KiB L2
    /// (Zen 4: 1 MiB), leaving room for the B̃ micro-panels streaming
    /// through. (72 to 240 measured within noise of each other.)
    const MC: usize = 144;
    /// B̃ = 384 × 4080 × 4 B ≈ 6 MiB in the 32 MiB L3.
    const NC: usize = 4080;
}

impl Blocking for f64 {
    /// Ã = 96 × 384 × 8 B = 288 KiB of the 512 KiB L2 (Zen 3).
    const MC: usize = 96;
    /// B̃ = 384 × 2040 × 8 B ≈ 6 MiB in the 32 MiB L3.
    const NC: usize = 2040;
}

impl<T: Simd + Blocking> MicroKernel<T> for Avx2Kernel<T> {
    const MR: usize = MR;
    const NR: usize = 2 * T::LANES;
    const MC: usize = T::MC;
    /// One B̃ micro-panel = 384 × 16 × 4 B (f32) or 384 × 8 × 8 B (f64) =
    /// 24 KiB, plus the 9 or 18 KiB Ã micro-panel: about the 32 KiB L1d.
    /// Measured against 256 (the BLIS Haswell value): same on squares,
    /// +4 % at 128×1024·1024×1024, as C is read and written once per KC
    /// block.
    const KC: usize = 384;
    const NC: usize = T::NC;
    const DIRECT: bool = true;

    #[inline]
    fn run(self, k: usize, alpha: T, a: ASrc<'_, T>, b: &[T], beta: T, c: &mut CView<'_, T>) {
        run_tile(self.0, k, alpha, a, b, beta, c)
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
        _ahead: Ahead<T>,
    ) {
        sweep(self.0, k, alpha, ASrc::Packed(a), b, beta, c)
    }

    #[inline]
    fn run_sweep_in_place(
        self,
        k: usize,
        alpha: T,
        a: Operand<'_, T>,
        b: &[T],
        beta: T,
        c: &mut CView<'_, T>,
    ) {
        sweep(self.0, k, alpha, ASrc::Strided(a), b, beta, c)
    }

    #[inline]
    fn pack_a(self, mc: usize, kc: usize, a: Operand<'_, T>, dst: &mut [T]) {
        pack_a_avx(self.0, Self::MR, mc, kc, a, dst)
    }

    #[inline]
    fn pack_b(self, kc: usize, nc: usize, b: Operand<'_, T>, dst: &mut [T]) {
        pack_b_avx(self.0, Self::NR, kc, nc, b, dst)
    }

    #[inline]
    fn run_skinny(
        self,
        k: usize,
        alpha: T,
        a: Operand<'_, T>,
        b: Operand<'_, T>,
        beta: T,
        c: &mut CView<'_, T>,
        scratch: &mut [T],
    ) {
        skinny(self.0, k, alpha, a, b, beta, c, scratch)
    }

    #[inline]
    fn stream(self, p: &mut Problem<'_, '_, T>, kc_max: usize) {
        // SAFETY: `self.0` proves AVX2 and FMA (only `Avx2::detect` makes
        // one), the features `stream_fma` is compiled with.
        unsafe { stream_fma(self.0, p, kc_max) }
    }
}

/// The shared streamed product (`gemm/stream.rs`) compiled for AVX2 and
/// FMA, fused like the tiles: its loops vectorize to 256-bit FMAs.
///
/// # Safety
/// The CPU has AVX2 and FMA (the token is the proof).
#[target_feature(enable = "avx2,fma")]
unsafe fn stream_fma<T: crate::Scalar>(_proof: Avx2, p: &mut Problem<'_, '_, T>, kc_max: usize) {
    crate::gemm::stream::stream::<T, crate::gemm::stream::Fused>(p, kc_max)
}
