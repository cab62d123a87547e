//! The layers' element-wise passes that gain from 256 bits, eight f32 or
//! four f64 lanes at a time: the sigmoid's backward pass, and the divisions
//! of softmax-with-loss (180 per spiral step; moving them here measured no
//! change in the spiral's time, see the README).
//!
//! The layers' own loops compile for the x86-64 baseline (SSE2: two f64
//! lanes), and runtime-detected AVX2 needs `unsafe` calls, which live only
//! in this kernel module. Each function here rounds exactly as the scalar
//! loop it replaces: the same operations in the same order, each rounded on
//! its own (a multiply and a subtract, never contracted into an FMA), so
//! the vector width changes the speed and not one bit.
//! `tests/layers_paths.rs` compares every kernel path with the scalar
//! formulas on awkward lengths and special values.

use super::{Avx2, Simd};

/// `dx[i] = dout[i]·(1 − y[i])·y[i]`, left to right as the book writes the
/// sigmoid's backward pass (`dout * (1.0 - self.out) * self.out`).
///
/// # Panics
/// If the three lengths differ.
pub(crate) fn sigmoid_grad<T: Simd>(_token: Avx2, dout: &[T], y: &[T], dx: &mut [T]) {
    let n = dx.len();
    assert!(
        dout.len() == n && y.len() == n,
        "sigmoid_grad: lengths {}, {} and {} differ",
        dout.len(),
        y.len(),
        n
    );
    // SAFETY: the token proves AVX2 and FMA were detected; the three
    // slices are valid for `n` elements (assert above), and `dx` is a
    // unique borrow, so it aliases neither input.
    unsafe { sigmoid_grad_avx2(dout.as_ptr(), y.as_ptr(), dx.as_mut_ptr(), n) }
}

/// # Safety
/// AVX2 and FMA are available; `d` and `y` are readable and `dx` writable
/// for `n` elements.
#[target_feature(enable = "avx2,fma")]
unsafe fn sigmoid_grad_avx2<T: Simd>(d: *const T, y: *const T, dx: *mut T, n: usize) {
    // SAFETY: full loads and stores touch `LANES` elements below
    // `n - n % LANES`; the remainder's masked loads read and `store_first`
    // writes only the last `n % LANES` elements (disabled lanes are not
    // accessed); the caller's contract covers all of them.
    unsafe {
        let one = T::splat(T::ONE);
        let grad = |d: T::V, y: T::V| T::vmul(T::vmul(d, T::vsub(one, y)), y);
        let full = n - n % T::LANES;
        let mut i = 0;
        while i < full {
            T::store(dx.add(i), grad(T::load(d.add(i)), T::load(y.add(i))));
            i += T::LANES;
        }
        if full < n {
            let rest = n - full;
            let mask = T::mask(rest);
            let v = grad(
                T::maskload(d.add(full), mask),
                T::maskload(y.add(full), mask),
            );
            T::store_first(dx.add(full), v, rest);
        }
    }
}

/// `xs[i] = xs[i] / ds[i]`.
///
/// # Panics
/// If the lengths differ.
pub(crate) fn div_elementwise<T: Simd>(_token: Avx2, xs: &mut [T], ds: &[T]) {
    let n = xs.len();
    assert!(
        ds.len() == n,
        "div_elementwise: lengths {n} and {} differ",
        ds.len()
    );
    // SAFETY: the token proves AVX2 and FMA were detected; both slices are
    // valid for `n` elements (assert above) and `xs`, a unique borrow, does
    // not alias `ds`.
    unsafe { div_elementwise_avx2(xs.as_mut_ptr(), ds.as_ptr(), n) }
}

/// # Safety
/// AVX2 and FMA are available; `x` is readable and writable and `d`
/// readable for `n` elements.
#[target_feature(enable = "avx2,fma")]
unsafe fn div_elementwise_avx2<T: Simd>(x: *mut T, d: *const T, n: usize) {
    // SAFETY: as in `sigmoid_grad_avx2`; the masked-off lanes of the last
    // divisor vector are 1.0 (no division by zero to raise flags for
    // nothing; nothing is stored from them).
    unsafe {
        let full = n - n % T::LANES;
        let mut i = 0;
        while i < full {
            T::store(x.add(i), T::vdiv(T::load(x.add(i)), T::load(d.add(i))));
            i += T::LANES;
        }
        if full < n {
            let rest = n - full;
            let mask = T::mask(rest);
            let ds = T::blend_mask(T::maskload(d.add(full), mask), T::splat(T::ONE), mask);
            let v = T::vdiv(T::maskload(x.add(full), mask), ds);
            T::store_first(x.add(full), v, rest);
        }
    }
}

/// `xs[i] = xs[i]·m / d`, left to right (softmax-with-loss's backward
/// pass: `dx *= dout; dx = dx / batch_size`).
pub(crate) fn mul_div_assign<T: Simd>(_token: Avx2, xs: &mut [T], m: T, d: T) {
    // SAFETY: the token proves AVX2 and FMA were detected; `xs` is valid
    // for its length.
    unsafe { mul_div_assign_avx2(xs.as_mut_ptr(), xs.len(), m, d) }
}

/// # Safety
/// AVX2 and FMA are available; `x` is readable and writable for `n`
/// elements.
#[target_feature(enable = "avx2,fma")]
unsafe fn mul_div_assign_avx2<T: Simd>(x: *mut T, n: usize, m: T, d: T) {
    // SAFETY: as in `sigmoid_grad_avx2`.
    unsafe {
        let (m, d) = (T::splat(m), T::splat(d));
        let full = n - n % T::LANES;
        let mut i = 0;
        while i < full {
            T::store(x.add(i), T::vdiv(T::vmul(T::load(x.add(i)), m), d));
            i += T::LANES;
        }
        if full < n {
            let rest = n - full;
            let v = T::vdiv(T::vmul(T::maskload(x.add(full), T::mask(rest)), m), d);
            T::store_first(x.add(full), v, rest);
        }
    }
}
