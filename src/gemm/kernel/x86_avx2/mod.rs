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
//! kernel also packs a transposed B with 8×8 (f32) / 4×4 (f64) register
//! transposes.
//!
//! # Files
//! - this one: the detection token [`Avx2`] and the [`MicroKernel`] impls
//!   (tile sizes and blocking parameters);
//! - [`simd`]: the [`Simd`] trait, 256-bit operations per element type,
//!   partial stores and register transposes;
//! - [`tile`]: the register tile (one generic body for every shape and
//!   source), its store modes, and the sweep over a column of packed tiles;
//! - [`pack`]: packing a transposed B with register transposes;
//! - [`peak`]: the FMA loop that measures the core's peak;
//! - [`exp`]: glibc's `exp` four lanes at a time, for the layers'
//!   sigmoid and softmax (Linux with glibc only; see there why);
//! - [`direct`]: the paths without packing: small products, and skinny
//!   KC blocks with op(A) read in place.

mod direct;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) mod exp;
mod pack;
pub(crate) mod peak;
mod simd;
mod tile;

pub(crate) use simd::Simd;

use super::{ASrc, MicroKernel};
use crate::gemm::loops::{Operand, Problem};
use crate::gemm::view::CView;
use direct::{skinny, small_tiles};
pub(crate) use pack::pack_b_avx;
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
        small_tiles(self, p)
    }
}

/// The 6×16 f32 kernel token.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2F32(pub Avx2);
/// The 6×8 f64 kernel token.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2F64(pub Avx2);

/// The `MicroKernel` methods of both AVX2 tokens: each forwards to the
/// generic implementation (`tile.rs`, `pack.rs`, `direct.rs`); only the
/// block-size constants differ between f32 and f64.
macro_rules! delegate_to_generic {
    ($t:ty) => {
        #[inline]
        fn run(
            self,
            k: usize,
            alpha: $t,
            a: ASrc<'_, $t>,
            b: &[$t],
            beta: $t,
            c: &mut CView<'_, $t>,
        ) {
            run_tile(self.0, k, alpha, a, b, beta, c)
        }

        #[inline]
        fn run_sweep(
            self,
            k: usize,
            alpha: $t,
            a: &[$t],
            b: &[$t],
            beta: $t,
            c: &mut CView<'_, $t>,
        ) {
            sweep(self.0, k, alpha, a, b, beta, c)
        }

        #[inline]
        fn pack_b(self, kc: usize, nc: usize, b: Operand<'_, $t>, dst: &mut [$t]) {
            pack_b_avx(self.0, 2 * <$t as Simd>::LANES, kc, nc, b, dst)
        }

        #[inline]
        fn run_skinny(
            self,
            k: usize,
            alpha: $t,
            a: Operand<'_, $t>,
            b: Operand<'_, $t>,
            beta: $t,
            c: &mut CView<'_, $t>,
            scratch: &mut [$t],
        ) {
            skinny(self.0, k, alpha, a, b, beta, c, scratch)
        }
    };
}

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

    delegate_to_generic!(f32);
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

    delegate_to_generic!(f64);
}
