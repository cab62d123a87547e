//! `e^x` for f64, eight lanes at a time: the AVX2 port of glibc's `exp`
//! (`x86_avx2/exp.rs` explains the algorithm and how it is checked against
//! the C library) at twice the width. Every lane runs the same operations
//! in the same order, so the bits are the same; the two table words of a
//! lane are fetched by two gathers instead of 128-bit loads, and the
//! partial last vector is loaded and stored under a lane mask.
//!
//! On the spiral run (Sapphire Rapids) the sigmoid and softmax maps took
//! a fifth of the time four lanes at a time.

use super::Avx512;
use crate::gemm::kernel::exp_table::EXP_TABLE;
use crate::gemm::kernel::maps::ExpMap as Map;
use crate::gemm::kernel::x86_avx2::exp::{
    exp_matches_std_on_probes, C2, C3, C4, C5, INV_LN2_N, NEG_LN2_HI_N, NEG_LN2_LO_N, SHIFT, TINY,
};
use std::arch::x86_64::*;

/// `e^x` of eight lanes; lanes of magnitude 512 or more (and NaN) are
/// computed by `f64::exp`.
#[target_feature(enable = "avx512f,avx2,fma")]
#[inline]
unsafe fn exp8(x: __m512d) -> __m512d {
    // SAFETY: register intrinsics; gathers of EXP_TABLE words `2k` and
    // `2k + 1` with `k = ki & 127 < 128`, inside its 256 entries; runs
    // after `Avx512::detect`.
    unsafe {
        let kd = _mm512_fmadd_pd(x, _mm512_set1_pd(INV_LN2_N), _mm512_set1_pd(SHIFT));
        let ki = _mm512_castpd_si512(kd);
        let kd = _mm512_sub_pd(kd, _mm512_set1_pd(SHIFT));
        let r = _mm512_fmadd_pd(kd, _mm512_set1_pd(NEG_LN2_HI_N), x);
        let r = _mm512_fmadd_pd(kd, _mm512_set1_pd(NEG_LN2_LO_N), r);
        let two_k = _mm512_slli_epi64::<1>(_mm512_and_si512(ki, _mm512_set1_epi64(127)));
        let table = EXP_TABLE.as_ptr();
        let tail = _mm512_castsi512_pd(_mm512_i64gather_epi64::<8>(two_k, table as _));
        let sbits = _mm512_i64gather_epi64::<8>(two_k, table.add(1) as _);
        let scale = _mm512_castsi512_pd(_mm512_add_epi64(sbits, _mm512_slli_epi64::<45>(ki)));
        let r2 = _mm512_mul_pd(r, r);
        let p23 = _mm512_fmadd_pd(r, _mm512_set1_pd(C3), _mm512_set1_pd(C2));
        let p45 = _mm512_fmadd_pd(r, _mm512_set1_pd(C5), _mm512_set1_pd(C4));
        let tmp = _mm512_fmadd_pd(r2, p23, _mm512_add_pd(tail, r));
        let tmp = _mm512_fmadd_pd(_mm512_mul_pd(r2, r2), p45, tmp);
        let y = _mm512_fmadd_pd(scale, tmp, scale);
        // |x| < 2^-54 (zeros: every softmax row has one): glibc returns 1 + x.
        let ax = _mm512_abs_pd(x);
        let tiny = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(ax, _mm512_set1_pd(TINY));
        let y = _mm512_mask_blend_pd(tiny, y, _mm512_add_pd(_mm512_set1_pd(1.0), x));
        // |x| >= 512 or NaN (the unordered compare is true for NaN).
        let lanes = _mm512_cmp_pd_mask::<_CMP_NLT_UQ>(ax, _mm512_set1_pd(512.0));
        if lanes == 0 {
            y
        } else {
            std_lanes(x, y, lanes, f64::exp)
        }
    }
}

/// `y` with the `lanes` set in the mask replaced by `f(x)` (std's `exp` or
/// `ln`, for the inputs the vector code leaves to it); out of line, so
/// that the common case inlines into the loops.
#[cold]
#[inline(never)]
#[target_feature(enable = "avx512f,avx2,fma")]
pub(super) unsafe fn std_lanes(
    x: __m512d,
    y: __m512d,
    lanes: __mmask8,
    f: fn(f64) -> f64,
) -> __m512d {
    // SAFETY: stores and loads of local arrays of eight lanes; after
    // detection.
    unsafe {
        let (mut xs, mut ys) = ([0.0f64; 8], [0.0f64; 8]);
        _mm512_storeu_pd(xs.as_mut_ptr(), x);
        _mm512_storeu_pd(ys.as_mut_ptr(), y);
        for (i, (y, x)) in ys.iter_mut().zip(xs).enumerate() {
            if lanes & (1 << i) != 0 {
                *y = f(x);
            }
        }
        _mm512_loadu_pd(ys.as_ptr())
    }
}

#[target_feature(enable = "avx512f,avx2,fma")]
#[inline]
unsafe fn apply8(map: Map, x: __m512d) -> __m512d {
    // SAFETY: register intrinsics only (exp8's contract); after detection.
    unsafe {
        match map {
            Map::Exp => exp8(x),
            Map::Sigmoid => {
                let one = _mm512_set1_pd(1.0);
                // −x by flipping the sign bit (AVX-512F has no float xor).
                let neg = _mm512_xor_si512(_mm512_castpd_si512(x), _mm512_set1_epi64(i64::MIN));
                let e = exp8(_mm512_castsi512_pd(neg));
                _mm512_div_pd(one, _mm512_add_pd(one, e))
            }
        }
    }
}

#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn map_avx512(map: Map, xs: &mut [f64]) {
    let mut chunks = xs.chunks_exact_mut(8);
    // SAFETY: every full load and store touches the eight elements of a
    // chunk of exactly eight; the last ones are masked to the `rest.len()`
    // elements that exist (masked-off lanes are not accessed); after
    // detection.
    unsafe {
        for c in &mut chunks {
            let p = c.as_mut_ptr();
            _mm512_storeu_pd(p, apply8(map, _mm512_loadu_pd(p)));
        }
        let rest = chunks.into_remainder();
        if !rest.is_empty() {
            let mask = ((1u32 << rest.len()) - 1) as __mmask8;
            let p = rest.as_mut_ptr();
            // Masked-off lanes hold 1.0, an ordinary input, so no lane is
            // special for nothing.
            let x = _mm512_mask_loadu_pd(_mm512_set1_pd(1.0), mask, p);
            _mm512_mask_storeu_pd(p, mask, apply8(map, x));
        }
    }
}

/// `x = map(x)` for every element.
pub(crate) fn map_in_place(_token: Avx512, map: Map, xs: &mut [f64]) {
    // SAFETY: the token proves AVX-512F, AVX2 and FMA were detected.
    unsafe { map_avx512(map, xs) }
}

/// Whether [`map_in_place`]'s `exp` gives what `f64::exp` gives on every
/// probe input and its negative: false under a C library with another `exp`.
pub(crate) fn matches_std_exp(token: Avx512) -> bool {
    exp_matches_std_on_probes(|xs| map_in_place(token, Map::Exp, xs))
}
