//! 128-bit NEON operations for f32 and f64 behind one trait ([`Neon128`]),
//! so the tile body is written once.
//!
//! NEON is part of the aarch64 baseline (every `aarch64-*` target enables
//! it), so no runtime detection is needed and the intrinsics are always
//! executable. Toolchains before Rust 1.87 declare the arithmetic
//! intrinsics `unsafe`, later ones safe; the `unsafe` blocks around them are
//! needed on the former and merely unused on the latter, hence
//! `allow(unused_unsafe)`.

use crate::Scalar;
use std::arch::aarch64::*;

/// One 128-bit vector type per element type and the operations the tile
/// body uses.
///
/// # Safety
/// Pointer arguments must be valid for the `LANES` elements they touch
/// (any alignment).
pub(crate) trait Neon128: Scalar {
    /// One q register: 4 × f32 or 2 × f64.
    type V: Copy;
    /// Elements per vector.
    const LANES: usize;
    /// All lanes zero.
    fn zero() -> Self::V;
    /// All lanes `x`.
    fn splat(x: Self) -> Self::V;
    /// `LANES` elements from `p`.
    unsafe fn load(p: *const Self) -> Self::V;
    /// `LANES` elements to `p`.
    unsafe fn store(p: *mut Self, v: Self::V);
    /// `acc + b·a` with one rounding (`fmla vd, vn, vm.s[0]`: the scalar
    /// sits in lane 0 of a register, no broadcast instruction is needed).
    fn fma_n(acc: Self::V, b: Self::V, a: Self) -> Self::V;
    /// `acc + b·a[lane]` with one rounding (`fmla vd, vn, vm.s[lane]`);
    /// `lane < LANES` (a constant once the caller's loop is unrolled).
    fn fma_lane(acc: Self::V, b: Self::V, a: Self::V, lane: usize) -> Self::V;
    /// `a·b`, rounded.
    fn vmul(a: Self::V, b: Self::V) -> Self::V;
    /// `a + b`, rounded.
    fn vadd(a: Self::V, b: Self::V) -> Self::V;
    /// The lanes as an array (for edge tiles that go through the stack).
    fn to_array(v: Self::V, out: &mut [Self]);
}

macro_rules! neon_impl {
    ($t:ty, $v:ty, $lanes:expr, $dup:ident, $ld:ident, $st:ident, $fma_n:ident,
     $fma_lane:ident [$($l:literal)*], $mul:ident, $add:ident) => {
        #[allow(unused_unsafe)]
        impl Neon128 for $t {
            type V = $v;
            const LANES: usize = $lanes;
            #[inline(always)]
            fn zero() -> $v {
                // SAFETY: NEON is baseline on aarch64; no memory is touched.
                unsafe { $dup(0.0) }
            }
            #[inline(always)]
            fn splat(x: $t) -> $v {
                // SAFETY: NEON is baseline on aarch64; no memory is touched.
                unsafe { $dup(x) }
            }
            #[inline(always)]
            unsafe fn load(p: *const $t) -> $v {
                // SAFETY: `p` is valid for LANES reads (trait contract).
                unsafe { $ld(p) }
            }
            #[inline(always)]
            unsafe fn store(p: *mut $t, v: $v) {
                // SAFETY: `p` is valid for LANES writes (trait contract).
                unsafe { $st(p, v) }
            }
            #[inline(always)]
            fn fma_n(acc: $v, b: $v, a: $t) -> $v {
                // SAFETY: NEON is baseline on aarch64; no memory is touched.
                unsafe { $fma_n(acc, b, a) }
            }
            #[inline(always)]
            fn fma_lane(acc: $v, b: $v, a: $v, lane: usize) -> $v {
                // SAFETY: NEON is baseline on aarch64; no memory is touched.
                unsafe {
                    match lane {
                        $($l => $fma_lane::<$l>(acc, b, a),)*
                        _ => unreachable!("lane {lane} of a {}-lane vector", $lanes),
                    }
                }
            }
            #[inline(always)]
            fn vmul(a: $v, b: $v) -> $v {
                // SAFETY: NEON is baseline on aarch64; no memory is touched.
                unsafe { $mul(a, b) }
            }
            #[inline(always)]
            fn vadd(a: $v, b: $v) -> $v {
                // SAFETY: NEON is baseline on aarch64; no memory is touched.
                unsafe { $add(a, b) }
            }
            #[inline(always)]
            fn to_array(v: $v, out: &mut [$t]) {
                assert!(out.len() >= $lanes);
                // SAFETY: `out` holds at least LANES elements (checked above).
                unsafe { $st(out.as_mut_ptr(), v) }
            }
        }
    };
}

neon_impl! {
    f32, float32x4_t, 4, vdupq_n_f32, vld1q_f32, vst1q_f32, vfmaq_n_f32,
    vfmaq_laneq_f32 [0 1 2 3], vmulq_f32, vaddq_f32
}
neon_impl! {
    f64, float64x2_t, 2, vdupq_n_f64, vld1q_f64, vst1q_f64, vfmaq_n_f64,
    vfmaq_laneq_f64 [0 1], vmulq_f64, vaddq_f64
}
