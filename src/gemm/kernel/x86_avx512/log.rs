//! `ln x` for f64, eight lanes at a time: the AVX2 port of glibc's `log`
//! (`x86_avx2/log.rs` explains the algorithm and how it is checked against
//! the C library) at twice the width. Every lane runs the same operations in
//! the same order, so the bits are the same; the table's two words of a lane
//! are fetched by two gathers, the partial last vector under a lane mask.

use super::exp::std_lanes;
use super::Avx512;
use crate::gemm::kernel::log_table::{LN2_HI, LN2_LO, LOG_POLY, LOG_POLY1, LOG_TABLE};
use crate::gemm::kernel::x86_avx2::log::{
    ln_matches_std_on_probes, NEAR_HI, NEAR_LO, OFF, SPLIT, TOP12,
};
use std::arch::x86_64::*;

#[inline(always)]
fn c(bits: u64) -> f64 {
    f64::from_bits(bits)
}

/// `ln x` of eight lanes; zero, negative, subnormal, infinite and NaN lanes
/// are computed by `f64::ln`.
#[target_feature(enable = "avx512f,avx2,fma")]
#[inline]
unsafe fn ln8(x: __m512d) -> __m512d {
    // SAFETY: register intrinsics; gathers of LOG_TABLE words `2i` and
    // `2i + 1` with `i = (tmp >> 45) & 127 < 128`, inside its 256 entries;
    // runs after `Avx512::detect`.
    unsafe {
        let set = _mm512_set1_pd;
        let ix = _mm512_castpd_si512(x);
        // Far from 1.
        let tmp = _mm512_sub_epi64(ix, _mm512_set1_epi64(OFF));
        let i = _mm512_and_si512(_mm512_srli_epi64::<45>(tmp), _mm512_set1_epi64(127));
        let two_i = _mm512_slli_epi64::<1>(i);
        let table = LOG_TABLE.as_ptr();
        let invc = _mm512_castsi512_pd(_mm512_i64gather_epi64::<8>(two_i, table as _));
        let logc = _mm512_castsi512_pd(_mm512_i64gather_epi64::<8>(two_i, table.add(1) as _));
        let k = _mm512_srai_epi64::<52>(tmp);
        let kd = _mm512_cvtepi32_pd(_mm512_cvtepi64_epi32(k));
        let top12 = _mm512_and_si512(tmp, _mm512_set1_epi64(TOP12));
        let z = _mm512_castsi512_pd(_mm512_sub_epi64(ix, top12));
        let a = |j: usize| set(c(LOG_POLY[j]));
        let r = _mm512_fmadd_pd(z, invc, set(-1.0));
        let w = _mm512_fmadd_pd(kd, set(c(LN2_HI)), logc);
        let hi = _mm512_add_pd(r, w);
        let lo = _mm512_add_pd(_mm512_sub_pd(w, hi), r);
        let lo = _mm512_fmadd_pd(kd, set(c(LN2_LO)), lo);
        let r2 = _mm512_mul_pd(r, r);
        let p12 = _mm512_fmadd_pd(r, a(2), a(1));
        let p34 = _mm512_fmadd_pd(r, a(4), a(3));
        let t = _mm512_fmadd_pd(r2, a(0), lo);
        let p = _mm512_fmadd_pd(p34, r2, p12);
        let y = _mm512_add_pd(_mm512_fmadd_pd(_mm512_mul_pd(r, r2), p, t), hi);

        let from_lo = _mm512_sub_epi64(ix, _mm512_set1_epi64(NEAR_LO));
        let near = _mm512_cmplt_epu64_mask(from_lo, _mm512_set1_epi64(NEAR_HI - NEAR_LO));
        let y = if near == 0 {
            y
        } else {
            _mm512_mask_blend_pd(near, y, ln8_near_one(x))
        };
        // Zero, negative, subnormal, infinite, NaN: the top 16 bits minus
        // 0x10 are then 0x7fe0 or more as an unsigned number.
        let top = _mm512_sub_epi64(_mm512_srli_epi64::<48>(ix), _mm512_set1_epi64(0x10));
        let special = _mm512_cmpge_epu64_mask(top, _mm512_set1_epi64(0x7fe0)) & !near;
        if special == 0 {
            y
        } else {
            std_lanes(x, y, special, f64::ln)
        }
    }
}

/// `ln x` by the polynomial in `r = x − 1` (every lane; the caller keeps
/// those within the band). `x = 1` gives +0, as glibc returns.
#[target_feature(enable = "avx512f,avx2,fma")]
#[inline]
unsafe fn ln8_near_one(x: __m512d) -> __m512d {
    let set = _mm512_set1_pd;
    let b = |j: usize| set(c(LOG_POLY1[j]));
    let r = _mm512_sub_pd(x, set(1.0));
    let r2 = _mm512_mul_pd(r, r);
    let r3 = _mm512_mul_pd(r, r2);
    let p1 = _mm512_fmadd_pd(r2, b(3), _mm512_fmadd_pd(r, b(2), b(1)));
    let p2 = _mm512_fmadd_pd(r2, b(6), _mm512_fmadd_pd(r, b(5), b(4)));
    let p3 = _mm512_fmadd_pd(r2, b(9), _mm512_fmadd_pd(r, b(8), b(7)));
    let p3 = _mm512_fmadd_pd(r3, b(10), p3);
    let q = _mm512_fmadd_pd(_mm512_fmadd_pd(p3, r3, p2), r3, p1);
    // r cut after its top 26 bits: (r·2^27 + r) − r·2^27, each with one
    // rounding as the FMA build has them.
    let split = set(SPLIT);
    let rhi = _mm512_fnmadd_pd(split, r, _mm512_fmadd_pd(r, split, r));
    let rlo = _mm512_sub_pd(r, rhi);
    let rhi2 = _mm512_mul_pd(rhi, rhi);
    let hi = _mm512_fmadd_pd(rhi2, b(0), r);
    let lo = _mm512_fmadd_pd(rhi2, b(0), _mm512_sub_pd(r, hi));
    let lo = _mm512_fmadd_pd(_mm512_mul_pd(b(0), rlo), _mm512_add_pd(r, rhi), lo);
    let y = _mm512_add_pd(hi, _mm512_fmadd_pd(q, r3, lo));
    let one = _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(x, set(1.0));
    _mm512_mask_blend_pd(one, y, _mm512_setzero_pd())
}

#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn ln_avx512(xs: &mut [f64]) {
    let mut chunks = xs.chunks_exact_mut(8);
    // SAFETY: every full load and store touches the eight elements of a
    // chunk of exactly eight; the last ones are masked to the `rest.len()`
    // elements that exist (masked-off lanes are not accessed); after
    // detection.
    unsafe {
        for c in &mut chunks {
            let p = c.as_mut_ptr();
            _mm512_storeu_pd(p, ln8(_mm512_loadu_pd(p)));
        }
        let rest = chunks.into_remainder();
        if !rest.is_empty() {
            let mask = ((1u32 << rest.len()) - 1) as __mmask8;
            let p = rest.as_mut_ptr();
            // Masked-off lanes hold 2.0, an ordinary input.
            let x = _mm512_mask_loadu_pd(_mm512_set1_pd(2.0), mask, p);
            _mm512_mask_storeu_pd(p, mask, ln8(x));
        }
    }
}

/// `x = ln x` for every element.
pub(crate) fn ln_in_place(_token: Avx512, xs: &mut [f64]) {
    // SAFETY: the token proves AVX-512F, AVX2 and FMA were detected.
    unsafe { ln_avx512(xs) }
}

/// Whether [`ln_in_place`] gives what `f64::ln` gives on every probe
/// input: false under a C library with another `log`.
pub(crate) fn matches_std_ln(token: Avx512) -> bool {
    ln_matches_std_on_probes(|xs| ln_in_place(token, xs))
}
