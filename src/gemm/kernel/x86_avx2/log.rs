//! `ln x` for f64, four lanes at a time, bit for bit what glibc's `log`
//! returns on an FMA machine, which is what `f64::ln` calls on x86-64 Linux.
//!
//! The book's losses take the log of every target probability, one libm
//! call each (7 % of the spiral run). This is glibc's algorithm (≥ 2.28, by
//! Szabolcs Nagy, from ARM's optimized-routines; the constants and the
//! table are in `log_table.rs`, read from glibc's data by
//! `scripts/gen_log_table.py`), evaluated with exactly the fused
//! multiply-adds of `__ieee754_log_fma`, operation for operation:
//!
//! - `x = 2^k·z` with `z` in [0x1.6p-1, 0x1.6p0), found by integer arithmetic
//!   on the bits; the top 7 bits of `z`'s mantissa pick `(1/c, log c)`;
//!   `r = z/c − 1` by one FMA, and `log x = k·ln2 + log c + r + r²·A(r)`,
//!   summed as a head `hi` and a tail `lo`;
//! - for `x` within about 1/16 of 1, `r = x − 1` directly, a degree-12
//!   polynomial, and `r²/2` split exactly (`r` cut at 2^27) so that the
//!   leading term loses nothing.
//!
//! Lanes that are zero, negative, subnormal, infinite or NaN call `f64::ln`.
//! Whether this equals the platform's `ln` is a property of the C library,
//! so it is checked once per process on `LOG_PROBES` ([`matches_std_ln`]),
//! and `tests/exp_exact.rs` compares it with `f64::ln` on millions of
//! inputs of every kind. The AVX-512 kernel's `log.rs` is the same at eight
//! lanes.

use super::exp::std_lanes;
use super::{Avx2, Simd};
use crate::gemm::kernel::log_table::{LN2_HI, LN2_LO, LOG_POLY, LOG_POLY1, LOG_PROBES, LOG_TABLE};
use std::arch::x86_64::*;

/// `x` bits minus this puts `z` in [0x1.6p-1, 0x1.6p0).
pub(crate) const OFF: i64 = 0x3fe6_0000_0000_0000;
/// Bits of 1 − 2^-4 and of 1 + 0x1.09p-4: the band that takes the
/// polynomial in `x − 1`.
pub(crate) const NEAR_LO: i64 = 0x3fee_0000_0000_0000;
pub(crate) const NEAR_HI: i64 = 0x3ff1_0900_0000_0000;
/// The top 12 bits (sign and exponent) of a double.
pub(crate) const TOP12: i64 = 0xfff0_0000_0000_0000u64 as i64;
/// 2^27, where the band's `r` is cut to square it exactly.
pub(crate) const SPLIT: f64 = 134_217_728.0;

/// `ln x` of four lanes; zero, negative, subnormal, infinite and NaN lanes
/// are computed by `f64::ln`.
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn ln4(x: __m256d) -> __m256d {
    // SAFETY: register intrinsics and 16-byte loads of LOG_TABLE at `2i`
    // with `i = (tmp >> 45) & 127 < 128` (inside its 256 entries); runs
    // after `Avx2::detect`.
    unsafe {
        let set = _mm256_set1_pd;
        let ix = _mm256_castpd_si256(x);
        // Far from 1.
        let tmp = _mm256_sub_epi64(ix, _mm256_set1_epi64x(OFF));
        let i = _mm256_and_si256(_mm256_srli_epi64::<45>(tmp), _mm256_set1_epi64x(127));
        let (i01, i23) = (_mm256_castsi256_si128(i), _mm256_extracti128_si256::<1>(i));
        let pair =
            |i: i64| _mm_loadu_si128(LOG_TABLE.as_ptr().add(2 * i as usize) as *const __m128i);
        let (p02, p13) = (
            _mm256_set_m128i(pair(_mm_cvtsi128_si64(i23)), pair(_mm_cvtsi128_si64(i01))),
            _mm256_set_m128i(
                pair(_mm_extract_epi64::<1>(i23)),
                pair(_mm_extract_epi64::<1>(i01)),
            ),
        );
        let invc = _mm256_castsi256_pd(_mm256_unpacklo_epi64(p02, p13));
        let logc = _mm256_castsi256_pd(_mm256_unpackhi_epi64(p02, p13));
        // k = tmp >> 52 (arithmetic) is the high word of each lane shifted
        // by 20; AVX2 has no 64-bit arithmetic shift.
        let hi_words = _mm256_srai_epi32::<20>(tmp);
        let k = _mm256_permutevar8x32_epi32(hi_words, _mm256_setr_epi32(1, 3, 5, 7, 1, 3, 5, 7));
        let kd = _mm256_cvtepi32_pd(_mm256_castsi256_si128(k));
        let top12 = _mm256_and_si256(tmp, _mm256_set1_epi64x(TOP12));
        let z = _mm256_castsi256_pd(_mm256_sub_epi64(ix, top12));
        let a = |j: usize| set(f64::from_bits(LOG_POLY[j]));
        let r = _mm256_fmadd_pd(z, invc, set(-1.0));
        let w = _mm256_fmadd_pd(kd, set(f64::from_bits(LN2_HI)), logc);
        let hi = _mm256_add_pd(r, w);
        let lo = _mm256_add_pd(_mm256_sub_pd(w, hi), r);
        let lo = _mm256_fmadd_pd(kd, set(f64::from_bits(LN2_LO)), lo);
        let r2 = _mm256_mul_pd(r, r);
        let p12 = _mm256_fmadd_pd(r, a(2), a(1));
        let p34 = _mm256_fmadd_pd(r, a(4), a(3));
        let t = _mm256_fmadd_pd(r2, a(0), lo);
        let p = _mm256_fmadd_pd(p34, r2, p12);
        let y = _mm256_add_pd(_mm256_fmadd_pd(_mm256_mul_pd(r, r2), p, t), hi);

        // Unsigned `ix − NEAR_LO < NEAR_HI − NEAR_LO`, as a signed compare
        // with both sides' sign bits flipped.
        let flip = _mm256_set1_epi64x(i64::MIN);
        let from_lo = _mm256_xor_si256(_mm256_sub_epi64(ix, _mm256_set1_epi64x(NEAR_LO)), flip);
        let width = _mm256_set1_epi64x((NEAR_HI - NEAR_LO) ^ i64::MIN);
        let near = _mm256_cmpgt_epi64(width, from_lo);
        let near_lanes = _mm256_movemask_pd(_mm256_castsi256_pd(near));
        let y = if near_lanes == 0 {
            y
        } else {
            _mm256_blendv_pd(y, ln4_near_one(x), _mm256_castsi256_pd(near))
        };
        // Zero, negative, subnormal, infinite, NaN: the top 16 bits minus
        // 0x10 fall outside 0..0x7fe0.
        let top = _mm256_sub_epi64(_mm256_srli_epi64::<48>(ix), _mm256_set1_epi64x(0x10));
        let outside = _mm256_or_si256(
            _mm256_cmpgt_epi64(top, _mm256_set1_epi64x(0x7fdf)),
            _mm256_cmpgt_epi64(_mm256_setzero_si256(), top),
        );
        let special = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_andnot_si256(near, outside)));
        if special == 0 {
            y
        } else {
            std_lanes(x, y, special, f64::ln)
        }
    }
}

/// `ln x` by the polynomial in `r = x − 1` (every lane; the caller keeps
/// those within the band). `x = 1` gives +0, as glibc returns.
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn ln4_near_one(x: __m256d) -> __m256d {
    // SAFETY: register intrinsics only; after detection. (Rust before
    // 1.87 declares them `unsafe`, later ones safe here, hence the allow.)
    #[allow(unused_unsafe)]
    unsafe {
        let set = _mm256_set1_pd;
        let b = |j: usize| set(f64::from_bits(LOG_POLY1[j]));
        let r = _mm256_sub_pd(x, set(1.0));
        let r2 = _mm256_mul_pd(r, r);
        let r3 = _mm256_mul_pd(r, r2);
        let p1 = _mm256_fmadd_pd(r2, b(3), _mm256_fmadd_pd(r, b(2), b(1)));
        let p2 = _mm256_fmadd_pd(r2, b(6), _mm256_fmadd_pd(r, b(5), b(4)));
        let p3 = _mm256_fmadd_pd(r2, b(9), _mm256_fmadd_pd(r, b(8), b(7)));
        let p3 = _mm256_fmadd_pd(r3, b(10), p3);
        let q = _mm256_fmadd_pd(_mm256_fmadd_pd(p3, r3, p2), r3, p1);
        // r cut after its top 26 bits: (r·2^27 + r) − r·2^27, each with one
        // rounding as the FMA build has them.
        let split = set(SPLIT);
        let rhi = _mm256_fnmadd_pd(split, r, _mm256_fmadd_pd(r, split, r));
        let rlo = _mm256_sub_pd(r, rhi);
        let rhi2 = _mm256_mul_pd(rhi, rhi);
        let hi = _mm256_fmadd_pd(rhi2, b(0), r);
        let lo = _mm256_fmadd_pd(rhi2, b(0), _mm256_sub_pd(r, hi));
        let lo = _mm256_fmadd_pd(_mm256_mul_pd(b(0), rlo), _mm256_add_pd(r, rhi), lo);
        let y = _mm256_add_pd(hi, _mm256_fmadd_pd(q, r3, lo));
        let one = _mm256_cmp_pd::<_CMP_EQ_OQ>(x, set(1.0));
        _mm256_blendv_pd(y, _mm256_setzero_pd(), one)
    }
}

#[target_feature(enable = "avx2,fma")]
unsafe fn ln_avx2(xs: &mut [f64]) {
    let mut chunks = xs.chunks_exact_mut(4);
    // SAFETY: every full load and store touches the four elements of a
    // chunk of exactly four; the remainder's masked load reads and
    // `store_first` writes only its first `n = rest.len() < 4` elements;
    // runs after detection.
    unsafe {
        for c in &mut chunks {
            let p = c.as_mut_ptr();
            _mm256_storeu_pd(p, ln4(_mm256_loadu_pd(p)));
        }
        let rest = chunks.into_remainder();
        if !rest.is_empty() {
            // The last 1 to 3 elements by a masked load, the other lanes set
            // to 2.0, an ordinary input, so no lane is special for nothing;
            // stored in pieces. (Through a stack buffer this took two `memcpy`
            // calls, a quarter of a 30-element call.)
            let n = rest.len();
            let p = rest.as_mut_ptr();
            let mask = <f64 as Simd>::mask(n);
            let x = _mm256_blendv_pd(
                _mm256_set1_pd(2.0),
                <f64 as Simd>::maskload(p, mask),
                _mm256_castsi256_pd(mask),
            );
            <f64 as Simd>::store_first(p, ln4(x), n);
        }
    }
}

/// `x = ln x` for every element.
pub(crate) fn ln_in_place(_token: Avx2, xs: &mut [f64]) {
    // SAFETY: the token proves AVX2 and FMA were detected.
    unsafe { ln_avx2(xs) }
}

/// Whether [`ln_in_place`] gives what `f64::ln` gives on every probe input:
/// false under a C library with another `log`.
pub(crate) fn matches_std_ln(token: Avx2) -> bool {
    ln_matches_std_on_probes(|xs| ln_in_place(token, xs))
}

/// Whether `ln_in_place` gives what `f64::ln` gives on every probe input.
pub(crate) fn ln_matches_std_on_probes(ln_in_place: impl Fn(&mut [f64])) -> bool {
    let xs: Vec<f64> = LOG_PROBES.iter().map(|&b| f64::from_bits(b)).collect();
    let mut ys = xs.clone();
    ln_in_place(&mut ys);
    xs.iter()
        .zip(&ys)
        .all(|(x, y)| x.ln().to_bits() == y.to_bits())
}
