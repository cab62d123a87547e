//! The two 16-bit float formats files store weights in: IEEE 754 binary16
//! (numpy `f2`, safetensors `F16`) and bfloat16 (safetensors `BF16`), both
//! as raw `u16` bit patterns.
//!
//! Widening ([`widen`]) is exact: every binary16 and bfloat16 value,
//! subnormals included, is an `f32` and an `f64`. Infinities stay
//! infinities; a NaN keeps its sign and payload (shifted into the wider
//! significand; a signalling NaN is not quietened), as numpy's
//! `float16 → float32` does.
//!
//! Narrowing ([`narrow_f32`], [`narrow_f64`]) rounds once, directly from the
//! given value, to nearest with ties to even, as IEEE 754 conversion does:
//! values too small for the smallest subnormal round to ±0, values whose
//! rounded magnitude exceeds the largest finite value (65504 for binary16,
//! about 3.39e38 for bfloat16) become ±∞. A NaN keeps its sign and the top
//! bits of its payload; if none of those is set, the lowest payload bit is,
//! so it stays a NaN (numpy's rule for `float16`).

use crate::scalar::Scalar;

/// Which 16-bit format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Half {
    /// IEEE 754 binary16: 1 sign, 5 exponent, 10 fraction bits.
    F16,
    /// bfloat16: 1 sign, 8 exponent, 7 fraction bits (the top half of an
    /// `f32`).
    BF16,
}

impl Half {
    /// Fraction bits.
    fn frac_bits(self) -> u32 {
        match self {
            Half::F16 => 10,
            Half::BF16 => 7,
        }
    }
    /// Exponent bits.
    fn exp_bits(self) -> u32 {
        match self {
            Half::F16 => 5,
            Half::BF16 => 8,
        }
    }
    fn bias(self) -> i32 {
        (1 << (self.exp_bits() - 1)) - 1
    }
    /// The all-ones exponent field (infinities and NaNs).
    fn exp_max(self) -> u16 {
        (1 << self.exp_bits()) - 1
    }
}

/// `2^e` exactly, for `e` in `f64`'s normal range.
fn pow2(e: i32) -> f64 {
    debug_assert!((-1022..=1023).contains(&e));
    f64::from_bits(((e + 1023) as u64) << 52)
}

/// An infinity or NaN of `T` with this sign and fraction, whose top bits
/// are `frac` (`frac_bits` wide).
fn special<T: Scalar>(negative: bool, frac: u64, frac_bits: u32) -> T {
    if T::BYTES == 4 {
        let bits = (u32::from(negative) << 31) | (0xff << 23) | ((frac as u32) << (23 - frac_bits));
        T::read_le(&bits.to_le_bytes())
    } else {
        let bits = (u64::from(negative) << 63) | (0x7ff << 52) | (frac << (52 - frac_bits));
        T::read_le(&bits.to_le_bytes())
    }
}

/// The exact `f32`/`f64` value of a 16-bit float.
pub(crate) fn widen<T: Scalar>(h: Half, bits: u16) -> T {
    let m = h.frac_bits();
    let negative = bits >> 15 == 1;
    let exp = (bits >> m) & h.exp_max();
    let frac = bits & ((1 << m) - 1);
    if exp == h.exp_max() {
        return special(negative, u64::from(frac), m);
    }
    // value = sig · 2^e, sig < 2^11, e ≥ -133: exact in f64 and in T.
    let (sig, e) = if exp == 0 {
        (frac, 1 - h.bias() - m as i32)
    } else {
        (frac | (1 << m), i32::from(exp) - h.bias() - m as i32)
    };
    let v = f64::from(sig) * pow2(e);
    T::from_f64(if negative { -v } else { v })
}

/// Rounds `±m · 2^e` (finite) to the nearest `h`, ties to even.
fn round(h: Half, negative: bool, m: u64, e: i32) -> u16 {
    let sign = u16::from(negative) << 15;
    if m == 0 {
        return sign;
    }
    let fb = h.frac_bits() as i32;
    let p = fb + 1; // precision, the implicit bit included
    let emin = 1 - h.bias();
    // |x| lies in [2^top, 2^(top+1)).
    let top = e + (63 - m.leading_zeros() as i32);
    // The spacing of h's values around |x| is 2^q.
    let mut q = top.max(emin) - (p - 1);
    let shift = q - e;
    let mut r: u64 = if shift <= 0 {
        // Exact: |x| is a multiple of 2^q (and below 2^(q+p)).
        m << (-shift)
    } else if shift >= 65 {
        0 // m < 2^64 ≤ 2^(shift-1): below half the spacing
    } else {
        let m = u128::from(m);
        let r = m >> shift;
        let rem = m & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        let up = rem > half || (rem == half && r & 1 == 1);
        (r + u128::from(up)) as u64
    };
    if r == 1 << p {
        r >>= 1;
        q += 1;
    }
    if r >= 1 << (p - 1) {
        let biased = q + (p - 1) + h.bias();
        if biased >= i32::from(h.exp_max()) {
            return sign | (h.exp_max() << fb);
        }
        sign | ((biased as u16) << fb) | (r as u16 & ((1 << fb) - 1))
    } else {
        sign | r as u16 // subnormal or zero
    }
}

/// A NaN or infinity of `h` from a wider one's sign and fraction.
fn narrow_special(h: Half, negative: bool, frac: u64, frac_bits: u32) -> u16 {
    let sign = u16::from(negative) << 15;
    let inf = h.exp_max() << h.frac_bits();
    if frac == 0 {
        return sign | inf;
    }
    let kept = (frac >> (frac_bits - h.frac_bits())) as u16;
    sign | inf | kept.max(1)
}

/// `x` rounded to `h` (see the module docs), as its bits.
pub(crate) fn narrow_f32(h: Half, x: f32) -> u16 {
    let bits = x.to_bits();
    let negative = bits >> 31 == 1;
    let exp = (bits >> 23) & 0xff;
    let frac = u64::from(bits & 0x7f_ffff);
    match exp {
        0xff => narrow_special(h, negative, frac, 23),
        0 => round(h, negative, frac, -149),
        _ => round(h, negative, frac | 1 << 23, exp as i32 - 150),
    }
}

/// `x` rounded to `h` (see the module docs), as its bits.
pub(crate) fn narrow_f64(h: Half, x: f64) -> u16 {
    let bits = x.to_bits();
    let negative = bits >> 63 == 1;
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    match exp {
        0x7ff => narrow_special(h, negative, frac, 52),
        0 => round(h, negative, frac, -1074),
        _ => round(h, negative, frac | 1 << 52, exp - 1075),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every 16-bit pattern, both formats: widening to f32 and f64 agrees
    /// with an independent reading of the fields, and narrowing back from
    /// either is the identity (NaN payloads included).
    #[test]
    fn every_pattern_widens_exactly_and_narrows_back() {
        for h in [Half::F16, Half::BF16] {
            for bits in 0..=u16::MAX {
                let a: f32 = widen(h, bits);
                let b: f64 = widen(h, bits);
                if !a.is_nan() {
                    assert_eq!(f64::from(a).to_bits(), b.to_bits(), "{h:?} {bits:#06x}");
                }
                assert_eq!((a.is_nan(), b.is_nan()), (a.is_nan(), a.is_nan()));
                if h == Half::BF16 {
                    assert_eq!(a.to_bits(), u32::from(bits) << 16, "{bits:#06x}");
                } else {
                    let (s, e, f) = (bits >> 15, (bits >> 10) & 31, bits & 1023);
                    let mag = match e {
                        0 => f64::from(f) / 16_777_216.0,
                        31 if f == 0 => f64::INFINITY,
                        31 => f64::NAN,
                        _ => f64::from(1024 + f) * 2f64.powi(i32::from(e) - 25),
                    };
                    let want = if s == 1 { -mag } else { mag };
                    assert!(
                        want.to_bits() == b.to_bits() || (want.is_nan() && b.is_nan()),
                        "{bits:#06x}: {b} vs {want}"
                    );
                }
                assert_eq!(a.is_sign_negative(), bits >> 15 == 1);
                assert_eq!(narrow_f32(h, a), bits, "{h:?} {bits:#06x} via f32");
                assert_eq!(narrow_f64(h, b), bits, "{h:?} {bits:#06x} via f64");
            }
        }
    }

    #[test]
    fn rounding_ties_overflow_and_underflow() {
        let f16 = |x: f64| narrow_f64(Half::F16, x);
        assert_eq!(f16(65504.0), 0x7bff);
        assert_eq!(f16(65519.999), 0x7bff);
        assert_eq!(f16(65520.0), 0x7c00); // tie, even is the overflow
        assert_eq!(f16(-1e300), 0xfc00);
        assert_eq!(f16(2f64.powi(-25)), 0x0000); // tie with 0: even
        assert_eq!(f16(2f64.powi(-25) * 1.000001), 0x0001);
        assert_eq!(f16(-2f64.powi(-26)), 0x8000);
        assert_eq!(f16(3.0 * 2f64.powi(-25)), 0x0002); // 1.5 ulp: tie to even
        assert_eq!(f16(1.0 + 2f64.powi(-11)), 0x3c00); // tie, down to even
        assert_eq!(f16(1.0 + 3.0 * 2f64.powi(-11)), 0x3c02); // tie, up to even
                                                             // Direct from f64, no double rounding through f32.
        assert_eq!(f16(1.0 + 2f64.powi(-11) + 2f64.powi(-40)), 0x3c01);
        assert_eq!(f16(f64::MIN_POSITIVE / 2.0), 0);
        // Subnormal rounding up into the normal range.
        assert_eq!(f16(2f64.powi(-14) * (1.0 - 2f64.powi(-12))), 0x0400);
        let bf = |x: f64| narrow_f64(Half::BF16, x);
        assert_eq!(bf(1.0 + 2f64.powi(-8)), 0x3f80);
        assert_eq!(bf(1.0 + 2f64.powi(-8) + 2f64.powi(-30)), 0x3f81);
        assert_eq!(narrow_f32(Half::BF16, f32::MAX), 0x7f80);
        assert_eq!(bf(f64::from(f32::MAX)), 0x7f80);
        assert_eq!(bf(1e-50), 0);
        assert_eq!(narrow_f32(Half::BF16, f32::from_bits(1)), 0);
        // NaNs: sign and top payload bits kept, never an infinity.
        assert_eq!(narrow_f32(Half::F16, f32::from_bits(0x7f80_0001)), 0x7c01);
        assert_eq!(narrow_f32(Half::F16, f32::from_bits(0xffc0_0001)), 0xfe00);
        assert_eq!(narrow_f32(Half::BF16, f32::from_bits(0x7f80_0001)), 0x7f81);
        assert_eq!(narrow_f64(Half::BF16, -f64::NAN), 0xffc0);
    }
}
