//! `e^x` for f64, four lanes at a time, bit for bit what glibc's `exp`
//! returns on an FMA machine, which is what `f64::exp` calls on x86-64 Linux.
//!
//! The float64 runs of the book are reproduced bit for bit, so their
//! sigmoids and softmaxes must call exactly the `exp` numpy called. One call
//! of glibc's costs about 3 ns through the PLT, a third of the spiral run.
//! This is the same algorithm (glibc ≥ 2.28, by Szabolcs Nagy; musl and
//! ARM's optimized-routines have it too), evaluated with the same fused
//! multiply-adds that GCC contracts in glibc's AVX2+FMA build:
//!
//! - `k = round(x·128/ln 2)` by adding 1.5·2^52 (its low bits are then `k`),
//!   `r = x − k·ln2/128` in two parts (|r| ≤ ln2/256);
//! - `2^(k/128) = 2^(k>>7) · 2^((k&127)/128)` from [`EXP_TABLE`] as a scale
//!   and a relative tail, the integer part added into the exponent field;
//! - `e^r − 1 ≈ r + C2·r² + C3·r³ + C4·r⁴ + C5·r⁵`, and the result
//!   `scale + scale·(tail + e^r − 1)` with one final rounding.
//!
//! For `|x| < 2^-54` glibc returns `1 + x`, which is what this
//! evaluation gives there too (see [`exp4`]); lanes with
//! `|x| ≥ 512` (overflow, underflow, subnormal results, ±∞) or NaN call
//! `f64::exp` itself.
//!
//! Whether this equals the platform's `exp` is a property of the C library,
//! not of the CPU, so it is checked, not assumed: `map_f64_vector` in
//! `kernel/maps.rs` runs it once per process against `f64::exp` on
//! [`EXP_PROBES`] (inputs that tell this evaluation from the unfused one
//! and from a correctly rounded exp) and uses it only when every probe
//! agrees. `tests/exp_exact.rs` compares it with `f64::exp` on 4 million
//! inputs of every kind, and `tests/spiral_reference.rs` on every input
//! the spiral runs see.

use super::{Avx2, Simd};
use crate::gemm::kernel::exp_table::{EXP_PROBES, EXP_TABLE};
use crate::gemm::kernel::maps::ExpMap as Map;
use std::arch::x86_64::*;

// The constants as glibc's exp_data has them (hex floats in the comments).
/// 128 / ln 2 (0x1.71547652b82fep7).
pub(crate) const INV_LN2_N: f64 = f64::from_bits(0x4067_1547_652b_82fe);
/// −ln2/128, high part with 20 trailing zero bits (−0x1.62e42fefa0000p-8).
pub(crate) const NEG_LN2_HI_N: f64 = f64::from_bits(0xbf76_2e42_fefa_0000);
/// −ln2/128 − NEG_LN2_HI_N (−0x1.cf79abc9e3b3ap-47).
pub(crate) const NEG_LN2_LO_N: f64 = f64::from_bits(0xbd0c_f79a_bc9e_3b3a);
/// 1.5 · 2^52: adding it rounds to an integer kept in the low mantissa bits.
pub(crate) const SHIFT: f64 = f64::from_bits(0x4338_0000_0000_0000);
/// The polynomial for e^r − 1 − r (0x1.ffffffffffdbdp-2, 0x1.555555555543cp-3,
/// 0x1.55555cf172b91p-5, 0x1.1111167a4d017p-7).
pub(crate) const C2: f64 = f64::from_bits(0x3fdf_ffff_ffff_fdbd);
pub(crate) const C3: f64 = f64::from_bits(0x3fc5_5555_5555_543c);
pub(crate) const C4: f64 = f64::from_bits(0x3fa5_5555_cf17_2b91);
pub(crate) const C5: f64 = f64::from_bits(0x3f81_1111_67a4_d017);

/// 2^-54: below it in magnitude, e^x rounds to 1 + x (the AVX-512 kernel
/// blends there; this one needs no blend, see [`exp4`]).
#[cfg(groundup_avx512)]
pub(crate) const TINY: f64 = f64::from_bits(0x3c90_0000_0000_0000);

/// `e^x` of four lanes; lanes of magnitude 512 or more (and NaN) are
/// computed by `f64::exp`.
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn exp4(x: __m256d) -> __m256d {
    // SAFETY: register intrinsics and 16-byte loads of EXP_TABLE at `2k`
    // with `k = ki & 127 < 128` (inside its 256 entries); runs after
    // `Avx2::detect`.
    unsafe {
        let kd = _mm256_fmadd_pd(x, _mm256_set1_pd(INV_LN2_N), _mm256_set1_pd(SHIFT));
        let ki = _mm256_castpd_si256(kd);
        let kd = _mm256_sub_pd(kd, _mm256_set1_pd(SHIFT));
        let r = _mm256_fmadd_pd(kd, _mm256_set1_pd(NEG_LN2_HI_N), x);
        let r = _mm256_fmadd_pd(kd, _mm256_set1_pd(NEG_LN2_LO_N), r);
        // Each lane's (tail, scale bits) pair is 16 adjacent bytes of the
        // table: four 128-bit loads and two unpacks beat two gathers on AMD.
        let k = _mm256_and_si256(ki, _mm256_set1_epi64x(127));
        let (k01, k23) = (_mm256_castsi256_si128(k), _mm256_extracti128_si256::<1>(k));
        let pair =
            |k: i64| _mm_loadu_si128(EXP_TABLE.as_ptr().add(2 * k as usize) as *const __m128i);
        let (p02, p13) = (
            _mm256_set_m128i(pair(_mm_cvtsi128_si64(k23)), pair(_mm_cvtsi128_si64(k01))),
            _mm256_set_m128i(
                pair(_mm_extract_epi64::<1>(k23)),
                pair(_mm_extract_epi64::<1>(k01)),
            ),
        );
        let tail = _mm256_castsi256_pd(_mm256_unpacklo_epi64(p02, p13));
        let sbits = _mm256_unpackhi_epi64(p02, p13);
        let scale = _mm256_castsi256_pd(_mm256_add_epi64(sbits, _mm256_slli_epi64(ki, 45)));
        let r2 = _mm256_mul_pd(r, r);
        let p23 = _mm256_fmadd_pd(r, _mm256_set1_pd(C3), _mm256_set1_pd(C2));
        let p45 = _mm256_fmadd_pd(r, _mm256_set1_pd(C5), _mm256_set1_pd(C4));
        let tmp = _mm256_fmadd_pd(r2, p23, _mm256_add_pd(tail, r));
        let tmp = _mm256_fmadd_pd(_mm256_mul_pd(r2, r2), p45, tmp);
        // For |x| < 2^-54 (zeros: every softmax row has one) glibc returns
        // 1 + x, which rounds to 1; so does this, with no blend: k = 0, so
        // scale = 1 and tail = 0, r = x, and |tmp| ≤ |x| for x < 0 (the
        // terms after r are positive), tmp < 2^-53 for x ≥ 0, so
        // scale + scale·tmp rounds to 1 as well.
        let y = _mm256_fmadd_pd(scale, tmp, scale);
        let ax = _mm256_andnot_pd(_mm256_set1_pd(-0.0), x);
        // |x| >= 512 or NaN (the unordered compare is true for NaN).
        let lanes = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_NLT_UQ>(ax, _mm256_set1_pd(512.0)));
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
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn std_lanes(x: __m256d, y: __m256d, lanes: i32, f: fn(f64) -> f64) -> __m256d {
    // SAFETY: stores and loads of local arrays of four lanes; after
    // detection.
    unsafe {
        let (mut xs, mut ys) = ([0.0f64; 4], [0.0f64; 4]);
        _mm256_storeu_pd(xs.as_mut_ptr(), x);
        _mm256_storeu_pd(ys.as_mut_ptr(), y);
        for (i, (y, x)) in ys.iter_mut().zip(xs).enumerate() {
            if lanes & (1 << i) != 0 {
                *y = f(x);
            }
        }
        _mm256_loadu_pd(ys.as_ptr())
    }
}

#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn apply4(map: Map, x: __m256d) -> __m256d {
    // SAFETY: register intrinsics only (exp4's contract); after detection.
    unsafe {
        match map {
            Map::Exp => exp4(x),
            Map::Sigmoid => {
                let one = _mm256_set1_pd(1.0);
                let e = exp4(_mm256_xor_pd(x, _mm256_set1_pd(-0.0)));
                _mm256_div_pd(one, _mm256_add_pd(one, e))
            }
        }
    }
}

/// `dst[i] = map(src[i])` for `i < n`.
///
/// # Safety
/// AVX2 and FMA are available; `src` is readable and `dst` writable for `n`
/// elements. They may be the same pointer (in place): each vector is loaded
/// before the store that overwrites it.
#[target_feature(enable = "avx2,fma")]
unsafe fn map_avx2(map: Map, src: *const f64, dst: *mut f64, n: usize) {
    // SAFETY: every full load and store touches four elements below
    // `n - n % 4`; the remainder's masked load reads and `store_first`
    // writes only the last `n % 4 < 4` elements; the caller's contract.
    unsafe {
        let full = n - n % 4;
        let mut i = 0;
        while i < full {
            _mm256_storeu_pd(dst.add(i), apply4(map, _mm256_loadu_pd(src.add(i))));
            i += 4;
        }
        let rest = n - full;
        if rest > 0 {
            // The last 1 to 3 elements by a masked load, the other lanes set
            // to 1.0, an ordinary input, so no lane is special for nothing;
            // stored in pieces. (Through a stack buffer this took two
            // `memcpy` calls.)
            let mask = <f64 as Simd>::mask(rest);
            let x = _mm256_blendv_pd(
                _mm256_set1_pd(1.0),
                <f64 as Simd>::maskload(src.add(full), mask),
                _mm256_castsi256_pd(mask),
            );
            <f64 as Simd>::store_first(dst.add(full), apply4(map, x), rest);
        }
    }
}

/// `x = map(x)` for every element.
pub(crate) fn map_in_place(_token: Avx2, map: Map, xs: &mut [f64]) {
    let p = xs.as_mut_ptr();
    // SAFETY: the token proves AVX2 and FMA were detected; `xs` is both
    // source and destination, valid for its length.
    unsafe { map_avx2(map, p, p, xs.len()) }
}

/// `dst[i] = map(src[i])` for every element.
///
/// # Panics
/// If the lengths differ.
pub(crate) fn map_into(_token: Avx2, map: Map, src: &[f64], dst: &mut [f64]) {
    assert_eq!(src.len(), dst.len());
    // SAFETY: the token proves AVX2 and FMA were detected; `src` is
    // readable and `dst` writable for the common length (assert above).
    unsafe { map_avx2(map, src.as_ptr(), dst.as_mut_ptr(), src.len()) }
}

/// Whether [`map_in_place`]'s `exp` gives what `f64::exp` gives on every
/// probe input and its negative: false under a C library with another `exp`.
pub(crate) fn matches_std_exp(token: Avx2) -> bool {
    exp_matches_std_on_probes(|xs| map_in_place(token, Map::Exp, xs))
}

/// Whether `exp_in_place` gives what `f64::exp` gives on every probe input
/// and its negative.
pub(crate) fn exp_matches_std_on_probes(exp_in_place: impl Fn(&mut [f64])) -> bool {
    let xs: Vec<f64> = EXP_PROBES
        .iter()
        .flat_map(|&b| [f64::from_bits(b), -f64::from_bits(b)])
        .collect();
    let mut ys = xs.clone();
    exp_in_place(&mut ys);
    xs.iter()
        .zip(&ys)
        .all(|(x, y)| x.exp().to_bits() == y.to_bits())
}
