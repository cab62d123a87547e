//! The truncated SVD by a randomized range finder with power iterations
//! (Halko, Martinsson & Tropp 2011, Algorithms 4.4 and 5.1).

use super::qr::qr_cols;
use super::svd::{check_finite, flip_signs, svd_f64, to_svd, Svd};
use crate::error::{Error, Result};
use crate::gemm::{gemm, Transpose};
use crate::matrix::{Matrix, MatrixView};
use crate::rng::RandomState;
use crate::scalar::Scalar;

/// The knobs of [`randomized_svd`], named and defaulted as in
/// scikit-learn's `randomized_svd(M, n_components, n_oversamples=10,
/// n_iter=5)` (its `n_iter='auto'` would pick 4 or 7; the book passes 5).
///
/// ```
/// use groundup::linalg::RandomizedSvdOptions;
/// let o = RandomizedSvdOptions::default();
/// assert_eq!((o.n_oversamples, o.n_iter), (10, 5));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RandomizedSvdOptions {
    /// Extra random directions beyond the `k` wanted (`p`); the sketch has
    /// `l = min(k + p, m, n)` columns.
    pub n_oversamples: usize,
    /// Power iterations (`q`): each multiplies by `Aᵀ` and `A` once more,
    /// raising the singular values to the power `2q + 1` in the sketch.
    pub n_iter: usize,
}

impl Default for RandomizedSvdOptions {
    fn default() -> Self {
        RandomizedSvdOptions {
            n_oversamples: 10,
            n_iter: 5,
        }
    }
}

/// An orthonormal basis of the rows of `yt` (`l x len`, `l <= len`), as a
/// matrix of the same shape: Householder QR in f64, each row scaled to a
/// largest entry of 1 first (the span is the same; squared norms neither
/// overflow nor underflow).
fn orthonormal_rows<T: Scalar>(yt: &Matrix<T>) -> Matrix<T> {
    let (l, len) = yt.shape();
    let mut y: Vec<f64> = yt.iter().map(|v| v.to_f64()).collect();
    for row in y.chunks_exact_mut(len) {
        let scale = row.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if scale > 0.0 {
            row.iter_mut().for_each(|v| *v /= scale);
        }
    }
    let (qt, _) = qr_cols(y, l, len);
    Matrix::from_vec(l, len, qt.into_iter().map(T::from_f64).collect()).expect("l x len")
}

/// The `k` leading singular triplets of `a` (`m x n`) by the randomized
/// range finder with power iterations, as scikit-learn's
/// `randomized_svd(a, k, n_oversamples, n_iter)`, with QR between the
/// power iterations (see the [module docs](super) for the algorithm,
/// its accuracy and cost).
///
/// The large products run on the crate's GEMM in `T` (an `f32` matrix
/// stays `f32`, as scikit-learn keeps `float32`); the QR factorisations and
/// the SVD of the small `l x n` projection run in f64. `a` is never
/// copied or transposed: `Aᵀ` enters the products as
/// [`Transpose::Yes`].
///
/// The Gaussian test matrix is drawn from `rng` (`l·n` draws of
/// [`RandomState::randn`], row by row of `Ωᵀ`), so a seed gives the same
/// result on every run, thread count and platform with the same kernel.
/// It does not reproduce scikit-learn's draws (its `random_state=None`,
/// as the book calls it, is not seeded at all); only the subspace found
/// matters, and it agrees with the exact one to the accuracy below.
///
/// # Errors
/// [`Error::InvalidArgument`] when `k` is 0 or larger than `min(m, n)`, or
/// naming the first NaN or infinite entry of `a`.
///
/// ```
/// use groundup::linalg::{randomized_svd, svd, RandomizedSvdOptions};
/// use groundup::{Matrix, RandomState};
/// // A 60 x 40 matrix of rank 3 plus a little noise.
/// let mut rng = RandomState::new(0);
/// let (x, y) = (rng.randn_matrix(60, 3), rng.randn_matrix(3, 40));
/// let noise = rng.randn_matrix(60, 40);
/// let mut a = x.matmul(&y);
/// a.axpy(1e-6, &noise);
/// let top = randomized_svd(&a, 3, RandomizedSvdOptions::default(), &mut rng)?;
/// let exact = svd(&a)?;
/// for i in 0..3 {
///     assert!((top.s[i] - exact.s[i]).abs() < 1e-12 * exact.s[0]);
/// }
/// assert_eq!((top.u.shape(), top.vt.shape()), ((60, 3), (3, 40)));
/// assert!(randomized_svd(&a, 41, RandomizedSvdOptions::default(), &mut rng).is_err());
/// # Ok::<(), groundup::Error>(())
/// ```
pub fn randomized_svd<'a, T: Scalar>(
    a: impl Into<MatrixView<'a, T>>,
    k: usize,
    options: RandomizedSvdOptions,
    rng: &mut RandomState,
) -> Result<Svd<T>> {
    let a = a.into();
    let (m, n) = a.shape();
    if k == 0 || k > m.min(n) {
        return Err(Error::InvalidArgument(format!(
            "randomized_svd: k = {k} components, but a {m} x {n} matrix has between 1 and {}",
            m.min(n)
        )));
    }
    check_finite("randomized_svd", &a)?;
    let l = (k + options.n_oversamples).min(m.min(n));

    // Everything is kept transposed, l rows of length m or n, so that each
    // basis vector is a contiguous row for the QR, and every product is
    // one GEMM with A or Aᵀ read in place:
    //   (A·Ω)ᵀ = Ωᵀ·Aᵀ,  (Aᵀ·Q)ᵀ = Qᵀ·A,  B = Qᵀ·A.
    let mut omega_t = Matrix::<T>::zeros(l, n);
    for v in omega_t.as_mut_slice() {
        *v = T::from_f64(rng.randn());
    }
    let mut yt = Matrix::<T>::zeros(l, m);
    yt.gemm(T::ONE, &omega_t, Transpose::No, a, Transpose::Yes, T::ZERO);
    drop(omega_t);
    let mut qt = orthonormal_rows(&yt);
    let mut zt = Matrix::<T>::zeros(l, n);
    for _ in 0..options.n_iter {
        zt.gemm(T::ONE, &qt, Transpose::No, a, Transpose::No, T::ZERO);
        let pt = orthonormal_rows(&zt);
        yt.gemm(T::ONE, &pt, Transpose::No, a, Transpose::Yes, T::ZERO);
        qt = orthonormal_rows(&yt);
    }
    // B = Qᵀ·A (l x n), A ≈ Q·B = (Q·U_B)·S·Vᵀ.
    zt.gemm(T::ONE, &qt, Transpose::No, a, Transpose::No, T::ZERO);
    let b: Vec<f64> = zt.iter().map(|v| v.to_f64()).collect();
    drop(zt);
    let (ub, s, vt) = svd_f64(&b, l, n);
    // U = Q·U_B[:, :k]: Qᵀ enters transposed, U_B with leading dimension l.
    let ub_t: Vec<T> = ub.into_iter().map(T::from_f64).collect();
    let mut u_t = vec![T::ZERO; m * k];
    gemm(
        m,
        k,
        l,
        T::ONE,
        qt.as_slice(),
        m,
        Transpose::Yes,
        &ub_t,
        l,
        Transpose::No,
        T::ZERO,
        &mut u_t,
        k,
    );
    let mut u: Vec<f64> = u_t.into_iter().map(|v| v.to_f64()).collect();
    let mut vt = vt;
    vt.truncate(k * n);
    let mut s = s;
    s.truncate(k);
    flip_signs(&mut u, k, &mut vt);
    Ok(to_svd((m, k, n), u, s, vt))
}
