//! The element types a [`Matrix`](crate::Matrix) may hold: `f32` and `f64`.
//!
//! [`Scalar`] is sealed: the GEMM kernels, the numpy-exact reductions and the
//! file formats are written for exactly these two IEEE types, so the crate does
//! not let other types in.

use std::fmt::{Debug, Display, LowerExp};
use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// Which floating-point type a matrix holds, as a value (for file headers and
/// messages).
///
/// ```
/// use groundup::{DType, Scalar};
/// assert_eq!(<f32 as Scalar>::DTYPE, DType::F32);
/// assert_eq!(DType::F64.to_string(), "float64"); // Display prints the numpy name
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DType {
    /// IEEE 754 binary32 (`f32`, numpy `float32`, safetensors `F32`).
    F32,
    /// IEEE 754 binary64 (`f64`, numpy `float64`, safetensors `F64`).
    F64,
}

impl DType {
    /// The numpy name: `"float32"` or `"float64"`.
    ///
    /// ```
    /// use groundup::DType;
    /// assert_eq!((DType::F32.name(), DType::F64.name()), ("float32", "float64"));
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            DType::F32 => "float32",
            DType::F64 => "float64",
        }
    }
    /// Bytes per element.
    ///
    /// ```
    /// use groundup::{DType, Scalar};
    /// assert_eq!((DType::F32.size(), DType::F64.size()), (4, 8));
    /// assert_eq!(DType::F64.size(), <f64 as Scalar>::BYTES);
    /// ```
    pub fn size(self) -> usize {
        match self {
            DType::F32 => 4,
            DType::F64 => 8,
        }
    }
}

impl std::fmt::Display for DType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A floating-point element type: implemented for `f32` and `f64` only.
///
/// It carries the arithmetic the layers need (`exp`, `ln`, `sqrt`, …), lossless
/// or rounding conversions to and from `f64`, and the byte encoding used by the
/// file formats.
///
/// ```
/// use groundup::Scalar;
/// fn mean<T: Scalar>(xs: &[T]) -> T {
///     xs.iter().copied().sum::<T>() / T::from_usize(xs.len())
/// }
/// assert_eq!(mean(&[1.0f32, 2.0, 3.0]), 2.0);
/// assert_eq!(mean(&[1.0f64, 2.0]), 1.5);
/// ```
pub trait Scalar:
    sealed::Sealed
    + crate::gemm::KernelElem
    + Copy
    + Send
    + Sync
    + Default
    + PartialEq
    + PartialOrd
    + Debug
    + Display
    + LowerExp
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Sum
    + 'static
{
    /// The runtime tag of this type.
    ///
    /// ```
    /// use groundup::{DType, Scalar};
    /// fn dtype_of<T: Scalar>(_: &[T]) -> DType {
    ///     T::DTYPE
    /// }
    /// assert_eq!(dtype_of(&[1.0f32]), DType::F32);
    /// assert_eq!(dtype_of(&[1.0f64]), DType::F64);
    /// ```
    const DTYPE: DType;
    /// 0.
    ///
    /// ```
    /// use groundup::Scalar;
    /// assert_eq!(<f32 as Scalar>::ZERO, 0.0);
    /// assert_eq!(<f64 as Scalar>::ZERO, 0.0);
    /// ```
    const ZERO: Self;
    /// 1.
    ///
    /// ```
    /// use groundup::Scalar;
    /// assert_eq!(<f32 as Scalar>::ONE, 1.0);
    /// assert_eq!(<f64 as Scalar>::ONE, 1.0);
    /// ```
    const ONE: Self;
    /// Machine epsilon (`f32::EPSILON` / `f64::EPSILON`).
    ///
    /// ```
    /// use groundup::Scalar;
    /// // The gap between 1 and the next representable value.
    /// assert_eq!(<f32 as Scalar>::EPSILON, 2f32.powi(-23));
    /// assert_eq!(<f64 as Scalar>::EPSILON, 2f64.powi(-52));
    /// ```
    const EPSILON: Self;
    /// Bytes per element.
    ///
    /// ```
    /// use groundup::Scalar;
    /// assert_eq!((<f32 as Scalar>::BYTES, <f64 as Scalar>::BYTES), (4, 8));
    /// ```
    const BYTES: usize;

    /// Rounds an `f64` to this type (round to nearest, as numpy's `astype`).
    ///
    /// ```
    /// use groundup::Scalar;
    /// // 0.1 has no exact binary form: f32 keeps the nearest of its 24-bit values.
    /// assert_eq!(<f32 as Scalar>::from_f64(0.1), 0.1f32);
    /// assert_eq!(<f64 as Scalar>::from_f64(0.1), 0.1f64);
    /// assert_eq!(<f32 as Scalar>::from_f64(1e40), f32::INFINITY); // overflows f32
    /// ```
    fn from_f64(v: f64) -> Self;
    /// Widens to `f64` (exact).
    ///
    /// ```
    /// use groundup::Scalar;
    /// assert_eq!(Scalar::to_f64(0.5f32), 0.5);
    /// // Exact: the f32 nearest 0.1 is not the f64 nearest 0.1.
    /// assert_eq!(Scalar::to_f64(0.1f32), 0.100000001490116119384765625);
    /// ```
    fn to_f64(self) -> f64;
    /// `n as Self`.
    ///
    /// ```
    /// use groundup::Scalar;
    /// assert_eq!(<f64 as Scalar>::from_usize(3), 3.0);
    /// // Above 2^24, f32 rounds to nearest even.
    /// assert_eq!(<f32 as Scalar>::from_usize(16_777_217), 16_777_216.0);
    /// ```
    fn from_usize(n: usize) -> Self;
    /// e^self.
    ///
    /// ```
    /// use groundup::Scalar;
    /// assert_eq!(Scalar::exp(0.0f32), 1.0);
    /// assert!((Scalar::exp(1.0f64) - std::f64::consts::E).abs() < 1e-15);
    /// ```
    fn exp(self) -> Self;
    /// Natural logarithm.
    ///
    /// ```
    /// use groundup::Scalar;
    /// assert_eq!(Scalar::ln(1.0f32), 0.0);
    /// assert!((Scalar::ln(std::f64::consts::E) - 1.0).abs() < 1e-15);
    /// assert_eq!(Scalar::ln(0.0f64), f64::NEG_INFINITY); // why losses clamp with an epsilon
    /// ```
    fn ln(self) -> Self;
    /// Square root.
    ///
    /// ```
    /// use groundup::Scalar;
    /// assert_eq!(Scalar::sqrt(9.0f32), 3.0);
    /// assert!(Scalar::sqrt(-1.0f64).is_nan());
    /// ```
    fn sqrt(self) -> Self;
    /// Absolute value.
    ///
    /// ```
    /// use groundup::Scalar;
    /// assert_eq!(Scalar::abs(-2.5f32), 2.5);
    /// assert_eq!(Scalar::abs(2.5f64), 2.5);
    /// ```
    fn abs(self) -> Self;
    /// Hyperbolic tangent.
    ///
    /// ```
    /// use groundup::Scalar;
    /// assert_eq!(Scalar::tanh(0.0f32), 0.0);
    /// assert!((Scalar::tanh(1.0f64) - 0.7615941559557649).abs() < 1e-15);
    /// ```
    fn tanh(self) -> Self;
    /// self^n for an integer n.
    ///
    /// ```
    /// use groundup::Scalar;
    /// assert_eq!(Scalar::powi(3.0f32, 2), 9.0);
    /// assert_eq!(Scalar::powi(2.0f64, -2), 0.25);
    /// ```
    fn powi(self, n: i32) -> Self;
    /// The larger of two values; NaN-propagating like numpy's `maximum`.
    ///
    /// ```
    /// use groundup::Scalar;
    /// assert_eq!(Scalar::max_nan(1.0f32, 2.0), 2.0);
    /// // np.maximum(nan, 1.0) is nan; std's f64::max would return 1.0.
    /// assert!(Scalar::max_nan(f64::NAN, 1.0).is_nan());
    /// assert!(Scalar::max_nan(1.0f64, f64::NAN).is_nan());
    /// assert_eq!(f64::max(f64::NAN, 1.0), 1.0);
    /// ```
    fn max_nan(self, other: Self) -> Self;
    /// `e^self` for bulk element-wise work (softmax, the LSTM's gates),
    /// written so the compiler vectorizes a loop of it. For `f64` this is
    /// [`exp`](Scalar::exp) (std's, bit for bit, so the float64 runs stay
    /// exact). For `f32` it is a polynomial (Cody–Waite reduction, Cephes'
    /// degree-5 `expf` polynomial) within 2 ulp of the exact value on the
    /// normal range, 0 below `−87.33` and ∞ above `88.37`, NaN for NaN —
    /// the book's float32 runs are reproduced to 1e-4, not bit for bit, and
    /// numpy's own float32 `exp` differs from the C library's too.
    ///
    /// ```
    /// use groundup::Scalar;
    /// for x in [-80.0f32, -3.5, -0.1, 0.0, 0.7, 10.0, 80.0] {
    ///     let (fast, exact) = (Scalar::exp_fast(x), (x as f64).exp());
    ///     assert!(((fast as f64 - exact) / exact).abs() < 2.5e-7, "{x}");
    /// }
    /// assert_eq!(Scalar::exp_fast(-100.0f32), 0.0);
    /// assert!(Scalar::exp_fast(f32::NAN).is_nan());
    /// assert_eq!(Scalar::exp_fast(0.5f64), 0.5f64.exp()); // f64: std's exp
    /// ```
    fn exp_fast(self) -> Self;
    /// `tanh(self)` for bulk element-wise work (the recurrent layers),
    /// vectorizable like [`exp_fast`](Scalar::exp_fast): std's `tanh` for
    /// `f64`; for `f32` Cephes' `tanhf` scheme — an odd polynomial below
    /// `|x| = 0.625`, `1 − 2 / (e^{2|x|} + 1)` with the sign above —
    /// within 3 ulp of the exact value, NaN for NaN, ±1 for ±∞.
    ///
    /// ```
    /// use groundup::Scalar;
    /// for x in [-20.0f32, -3.0, -0.7, -0.3, -1e-5, 0.0, 1e-3, 0.5, 0.625, 2.0, 9.0] {
    ///     let (fast, exact) = (Scalar::tanh_fast(x) as f64, (x as f64).tanh());
    ///     assert!((fast - exact).abs() <= 3.0 * f32::EPSILON as f64 * exact.abs().max(1e-30), "{x}");
    /// }
    /// assert_eq!(Scalar::tanh_fast(f32::INFINITY), 1.0);
    /// assert!(Scalar::tanh_fast(f32::NAN).is_nan());
    /// assert_eq!(Scalar::tanh_fast(0.3f64), 0.3f64.tanh()); // f64: std's
    /// ```
    fn tanh_fast(self) -> Self;
    /// [`exp`](Scalar::exp) of every element, in place, bit for bit. For
    /// `f64` with the AVX2 or AVX-512 GEMM kernel on x86-64 Linux with glibc
    /// it runs four lanes at a time: a port of glibc's own `exp` (the
    /// algorithm and the fused multiply-adds of its FMA build), used only
    /// after it agreed with `f64::exp` on probe inputs once per process;
    /// everywhere else element by element. The float64 sigmoid and softmax
    /// of the book's runs go through it.
    ///
    /// ```
    /// use groundup::Scalar;
    /// let xs = [-745.2f64, -30.0, -1.5, -1e-300, 0.0, 0.1, 1.0, 20.0, 709.0, 710.0];
    /// let mut ys = xs;
    /// Scalar::exp_in_place(&mut ys[..]);
    /// for (x, y) in xs.iter().zip(ys) {
    ///     assert_eq!(y.to_bits(), f64::exp(*x).to_bits(), "{x}");
    /// }
    /// let mut nan = [f32::NAN, 0.0];
    /// Scalar::exp_in_place(&mut nan[..]);
    /// assert!(nan[0].is_nan() && nan[1] == 1.0);
    /// ```
    fn exp_in_place(xs: &mut [Self]);
    /// The logistic function `1 / (1 + exp(-x))` of every element, in place,
    /// rounded after each operation as written (numpy's evaluation of the
    /// book's `sigmoid`), with `exp` as in
    /// [`exp_in_place`](Scalar::exp_in_place).
    ///
    /// ```
    /// use groundup::Scalar;
    /// let xs = [-800.0f64, -3.0, 0.0, 0.25, 40.0];
    /// let mut ys = xs;
    /// Scalar::sigmoid_in_place(&mut ys[..]);
    /// for (x, y) in xs.iter().zip(ys) {
    ///     assert_eq!(y, 1.0 / (1.0 + (-x).exp()), "{x}");
    /// }
    /// assert_eq!(ys[2], 0.5);
    /// ```
    fn sigmoid_in_place(xs: &mut [Self]);
    /// [`sigmoid_in_place`](Scalar::sigmoid_in_place) of `xs` written to
    /// `out`, bit for bit the same, without copying `xs` first where the
    /// vector path can read one slice and write another.
    ///
    /// # Panics
    /// If the lengths differ.
    ///
    /// ```
    /// use groundup::Scalar;
    /// let xs = [-3.0f64, 0.0, 0.25, 40.0, -800.0];
    /// let mut ys = [0.0; 5];
    /// Scalar::sigmoid_into(&xs[..], &mut ys[..]);
    /// let mut zs = xs;
    /// Scalar::sigmoid_in_place(&mut zs[..]);
    /// assert_eq!(ys, zs);
    /// ```
    fn sigmoid_into(xs: &[Self], out: &mut [Self]);
    /// [`ln`](Scalar::ln) of every element, in place, bit for bit. For
    /// `f64` with the AVX2 or AVX-512 GEMM kernel on x86-64 Linux with glibc
    /// it runs four or eight lanes at a time: a port of glibc's own `log`
    /// (the algorithm and the fused multiply-adds of its FMA build), used only after
    /// it agreed with `f64::ln` on probe inputs once per process; everywhere
    /// else element by element. The float64 losses of the book's runs (the
    /// log of each target's probability) go through it.
    ///
    /// ```
    /// use groundup::Scalar;
    /// let xs = [0.0f64, 1e-300, 1e-7, 0.25, 0.97, 1.0, 1.03, 2.0, 1e300, -1.0];
    /// let mut ys = xs;
    /// Scalar::ln_in_place(&mut ys[..]);
    /// for (x, y) in xs.iter().zip(ys) {
    ///     assert_eq!(y.to_bits(), f64::ln(*x).to_bits(), "{x}");
    /// }
    /// let mut fs = [1.0f32, 4.0];
    /// Scalar::ln_in_place(&mut fs[..]);
    /// assert_eq!(fs, [0.0, 4f32.ln()]);
    /// ```
    fn ln_in_place(xs: &mut [Self]);
    /// Fused multiply-add `self * a + b` with one rounding.
    ///
    /// ```
    /// use groundup::Scalar;
    /// assert_eq!(Scalar::mul_add(2.0f32, 3.0, 1.0), 7.0);
    /// // One rounding: the product's low bits survive, so this is 2^-60, not 0.
    /// let x = 1.0 + 2f64.powi(-30);
    /// assert_eq!(Scalar::mul_add(x, x, -(x * x)), 2f64.powi(-60));
    /// ```
    fn mul_add(self, a: Self, b: Self) -> Self;
    /// True unless NaN or infinite.
    ///
    /// ```
    /// use groundup::Scalar;
    /// assert!(Scalar::is_finite(1.0f32));
    /// assert!(!Scalar::is_finite(f64::INFINITY) && !Scalar::is_finite(f64::NAN));
    /// ```
    fn is_finite(self) -> bool;
    /// True if NaN.
    ///
    /// ```
    /// use groundup::Scalar;
    /// assert!(Scalar::is_nan(f32::NAN));
    /// assert!(!Scalar::is_nan(f64::INFINITY));
    /// ```
    fn is_nan(self) -> bool;
    /// Appends the little-endian bytes of `self` to `out`.
    ///
    /// ```
    /// use groundup::Scalar;
    /// let mut out = vec![0xAA];
    /// Scalar::write_le(1.0f32, &mut out); // appends; existing bytes stay
    /// assert_eq!(out, [0xAA, 0x00, 0x00, 0x80, 0x3F]);
    /// ```
    fn write_le(self, out: &mut Vec<u8>);
    /// Reads one value from exactly [`Scalar::BYTES`] little-endian bytes.
    ///
    /// ```
    /// use groundup::Scalar;
    /// assert_eq!(<f32 as Scalar>::read_le(&[0x00, 0x00, 0x80, 0x3F]), 1.0);
    /// let mut buf = Vec::new();
    /// Scalar::write_le(-0.1f64, &mut buf);
    /// assert_eq!(<f64 as Scalar>::read_le(&buf), -0.1); // round trip is exact
    /// ```
    fn read_le(bytes: &[u8]) -> Self;
}

/// The f32 polynomial behind [`Scalar::exp_fast`]: `2^n · p(r)` with
/// `n = round(x·log2 e)` (by the 1.5·2²³ trick, which vectorizes without
/// SSE4.1's `round`) and `r = x − n·ln 2` in two parts.
#[inline(always)]
fn expf_poly(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const ROUND: f32 = 12_582_912.0; // 1.5 · 2^23
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    const MIN: f32 = -87.336_54;
    const MAX: f32 = 88.376_2; // n stays <= 127
                               // Branch-free and cast-free (no saturating float-to-int conversion),
                               // so a loop over a slice vectorizes.
    #[allow(clippy::manual_clamp)] // max/min vectorize; clamp does not here
    let xc = x.max(MIN).min(MAX);
    let t = xc * LOG2E + ROUND;
    let n = t - ROUND;
    let r = xc - n * LN2_HI - n * LN2_LO;
    let mut p = 1.987_569_1e-4f32;
    p = p * r + 1.398_2e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    p = p * r + 0.5;
    let y = p * r * r + r + 1.0;
    // 2^n: n sits in the low mantissa bits of t (t = 1.5·2^23 + n).
    let n_bits = t.to_bits().wrapping_sub(ROUND.to_bits());
    let scale = f32::from_bits(n_bits.wrapping_add(127) << 23);
    let v = y * scale;
    let v = if x < MIN { 0.0 } else { v };
    let v = if x > MAX { f32::INFINITY } else { v };
    if x.is_nan() {
        x
    } else {
        v
    }
}

#[inline(always)]
fn exp_std(x: f64) -> f64 {
    x.exp()
}

/// The f32 `tanh` behind [`Scalar::tanh_fast`], branch-free.
#[inline(always)]
fn tanhf_poly(x: f32) -> f32 {
    let a = x.abs();
    // Small |x|: Cephes' odd polynomial (no cancellation near 0).
    let z = x * x;
    let mut p = -5.704_988_7e-3f32;
    p = p * z + 2.063_909e-2;
    p = p * z - 5.373_971_6e-2;
    p = p * z + 1.333_144_2e-1;
    p = p * z - 3.333_328e-1;
    let small = p * z * x + x;
    // Large |x|: 1 − 2 / (e^{2|x|} + 1), the sign of x (e^{2|x|} = ∞ gives 1).
    let big = 1.0 - 2.0 / (expf_poly(2.0 * a) + 1.0);
    let big = if x < 0.0 { -big } else { big };
    if a < 0.625 {
        small
    } else if x.is_nan() {
        x
    } else {
        big
    }
}

#[inline(always)]
fn tanh_std(x: f64) -> f64 {
    x.tanh()
}

fn exp_slice_f32(xs: &mut [f32]) {
    for x in xs {
        *x = x.exp();
    }
}

fn sigmoid_slice_f32(xs: &mut [f32]) {
    for x in xs {
        *x = 1.0 / (1.0 + (-*x).exp());
    }
}

fn ln_slice_f32(xs: &mut [f32]) {
    for x in xs {
        *x = x.ln();
    }
}

fn ln_slice_f64(xs: &mut [f64]) {
    let kernel = crate::gemm::Config::current().kernel;
    kernel.map_f64_in_place(crate::gemm::VecMap::Ln, xs);
}

fn exp_slice_f64(xs: &mut [f64]) {
    let kernel = crate::gemm::Config::current().kernel;
    kernel.map_f64_in_place(crate::gemm::VecMap::Exp, xs);
}

fn sigmoid_into_f32(xs: &[f32], out: &mut [f32]) {
    assert_eq!(xs.len(), out.len(), "sigmoid_into: lengths differ");
    for (y, &x) in out.iter_mut().zip(xs) {
        *y = 1.0 / (1.0 + (-x).exp());
    }
}

fn sigmoid_into_f64(xs: &[f64], out: &mut [f64]) {
    let kernel = crate::gemm::Config::current().kernel;
    kernel.map_f64_into(crate::gemm::VecMap::Sigmoid, xs, out);
}

fn sigmoid_slice_f64(xs: &mut [f64]) {
    let kernel = crate::gemm::Config::current().kernel;
    kernel.map_f64_in_place(crate::gemm::VecMap::Sigmoid, xs);
}

macro_rules! impl_scalar {
    ($t:ty, $dtype:expr, $fast_exp:ident, $fast_tanh:ident, $exp_slice:ident, $sigmoid_slice:ident, $sigmoid_into:ident, $ln_slice:ident) => {
        impl Scalar for $t {
            const DTYPE: DType = $dtype;
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const EPSILON: Self = <$t>::EPSILON;
            const BYTES: usize = std::mem::size_of::<$t>();

            #[inline(always)]
            fn from_f64(v: f64) -> Self {
                v as $t
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn from_usize(n: usize) -> Self {
                n as $t
            }
            #[inline(always)]
            fn exp(self) -> Self {
                <$t>::exp(self)
            }
            #[inline(always)]
            fn exp_fast(self) -> Self {
                $fast_exp(self)
            }
            #[inline(always)]
            fn tanh_fast(self) -> Self {
                $fast_tanh(self)
            }
            fn exp_in_place(xs: &mut [Self]) {
                $exp_slice(xs)
            }
            fn sigmoid_in_place(xs: &mut [Self]) {
                $sigmoid_slice(xs)
            }
            fn sigmoid_into(xs: &[Self], out: &mut [Self]) {
                $sigmoid_into(xs, out)
            }
            fn ln_in_place(xs: &mut [Self]) {
                $ln_slice(xs)
            }
            #[inline(always)]
            fn ln(self) -> Self {
                <$t>::ln(self)
            }
            #[inline(always)]
            fn sqrt(self) -> Self {
                <$t>::sqrt(self)
            }
            #[inline(always)]
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            #[inline(always)]
            fn tanh(self) -> Self {
                <$t>::tanh(self)
            }
            #[inline(always)]
            fn powi(self, n: i32) -> Self {
                <$t>::powi(self, n)
            }
            #[inline(always)]
            fn max_nan(self, other: Self) -> Self {
                if self.is_nan() || other.is_nan() {
                    <$t>::NAN
                } else if other > self {
                    other
                } else {
                    self
                }
            }
            #[inline(always)]
            fn mul_add(self, a: Self, b: Self) -> Self {
                <$t>::mul_add(self, a, b)
            }
            #[inline(always)]
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
            fn write_le(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn read_le(bytes: &[u8]) -> Self {
                let mut b = [0u8; std::mem::size_of::<$t>()];
                b.copy_from_slice(bytes);
                <$t>::from_le_bytes(b)
            }
        }
    };
}

impl_scalar!(
    f32,
    DType::F32,
    expf_poly,
    tanhf_poly,
    exp_slice_f32,
    sigmoid_slice_f32,
    sigmoid_into_f32,
    ln_slice_f32
);
impl_scalar!(
    f64,
    DType::F64,
    exp_std,
    tanh_std,
    exp_slice_f64,
    sigmoid_slice_f64,
    sigmoid_into_f64,
    ln_slice_f64
);
