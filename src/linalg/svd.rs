//! The dense SVD: Householder QR, then one-sided (Hestenes) Jacobi on the
//! triangular factor, all in f64.

use super::qr::{axpy, dot, qr_cols_pivoted};
use crate::error::{Error, Result};
use crate::gemm::{gemm, Transpose};
use crate::matrix::{Matrix, MatrixView};
use crate::scalar::Scalar;

/// A thin singular value decomposition `A ≈ U · diag(s) · Vᵀ`, numpy's
/// `np.linalg.svd(a, full_matrices=False)` layout: for an `m x n` matrix
/// and `k` components, `u` is `m x k` with orthonormal columns, `s` holds
/// the `k` singular values in descending order, `vt` is `k x n` with
/// orthonormal rows.
///
/// Signs follow scikit-learn's `svd_flip`: in every column of `u` the
/// entry of largest magnitude (the first, on a tie) is positive, and the
/// matching row of `vt` carries the sign that keeps the product. numpy's
/// LAPACK signs are arbitrary, so compare with numpy up to sign.
///
/// ```
/// use groundup::{linalg::svd, matrix};
/// let a = matrix![[3.0f64, 0.0], [0.0, -4.0]];
/// let d = svd(&a)?;
/// assert!((d.s[0] - 4.0).abs() < 1e-15 && (d.s[1] - 3.0).abs() < 1e-15);
/// // The largest entry of each column of u is positive.
/// assert!(d.u.max_abs_diff(&matrix![[0.0, 1.0], [1.0, 0.0]]) < 1e-15);
/// assert!(d.vt.max_abs_diff(&matrix![[0.0, -1.0], [1.0, 0.0]]) < 1e-15);
/// assert!(d.reconstruct().max_abs_diff(&a) < 1e-14);
/// # Ok::<(), groundup::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Svd<T: Scalar> {
    /// Left singular vectors, one per column (`m x k`).
    pub u: Matrix<T>,
    /// Singular values, largest first (`k`).
    pub s: Vec<T>,
    /// Right singular vectors, one per row (`k x n`).
    pub vt: Matrix<T>,
}

impl<T: Scalar> Svd<T> {
    /// `U · diag(s) · Vᵀ` (`m x n`), through the crate's GEMM. For a
    /// truncated decomposition this is the rank-`k` approximation.
    ///
    /// ```
    /// use groundup::{linalg::svd, matrix};
    /// let a = matrix![[1.0f64, 2.0, 3.0], [4.0, 5.0, 6.0]];
    /// let d = svd(&a)?;
    /// assert!(d.reconstruct().max_abs_diff(&a) < 1e-14);
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn reconstruct(&self) -> Matrix<T> {
        let mut us = self.u.clone();
        for row in us.rows_iter_mut() {
            row.iter_mut().zip(&self.s).for_each(|(x, &s)| *x *= s);
        }
        let mut out = Matrix::zeros(self.u.rows(), self.vt.cols());
        out.gemm(T::ONE, &us, Transpose::No, &self.vt, Transpose::No, T::ZERO);
        out
    }
}

/// The position and value of the first non-finite entry, as an error.
pub(super) fn check_finite<T: Scalar>(what: &str, a: &MatrixView<'_, T>) -> Result<()> {
    match a.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(p) => Err(Error::InvalidArgument(format!(
            "{what}: entry ({}, {}) of the {} x {} matrix is {}; the SVD needs finite values",
            p / a.cols(),
            p % a.cols(),
            a.rows(),
            a.cols(),
            a.as_slice()[p]
        ))),
    }
}

/// Sweeps before giving up: one-sided Jacobi converges quadratically and
/// needs 5–15 sweeps in practice; the cap only stops a runaway loop.
const MAX_SWEEPS: usize = 60;

/// One-sided Jacobi on the rows of `x` (`l x n`, `l <= n`): the rows are
/// the columns of `G = xᵀ`, rotated in pairs until they are mutually
/// orthogonal to working precision (`|gᵢ·gⱼ| <= √n·ε·‖gᵢ‖‖gⱼ‖`); the same
/// rotations applied to the identity give `V`. Returns `(Uᵀ, s, Vᵀ)` with
/// `G = U·diag(s)·Vᵀ`, `s` descending, `Uᵀ` `l x n` with orthonormal rows
/// (rows of exactly zero singular values completed to an orthonormal
/// set), `Vᵀ` `l x l`.
fn jacobi(mut x: Vec<f64>, l: usize, n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    debug_assert!(l <= n && x.len() == l * n);
    let mut v = vec![0.0; l * l];
    for i in 0..l {
        v[i * l + i] = 1.0;
    }
    let tol = (n as f64).sqrt() * f64::EPSILON;
    // Below this a squared norm may have lost digits to underflow: such a
    // column counts as zero (relative to the scaled matrix, whose largest
    // entry is 1, it is below 1e-154).
    let tiny = f64::MIN_POSITIVE;
    for _ in 0..MAX_SWEEPS {
        let mut rotated = false;
        for i in 0..l {
            for j in i + 1..l {
                let (head, tail) = x.split_at_mut(j * n);
                let (gi, gj) = (&mut head[i * n..(i + 1) * n], &mut tail[..n]);
                let alpha = dot(gi, gi);
                let beta = dot(gj, gj);
                let gamma = dot(gi, gj);
                if alpha < tiny || beta < tiny || gamma.abs() <= tol * (alpha * beta).sqrt() {
                    continue;
                }
                rotated = true;
                let zeta = (beta - alpha) / (2.0 * gamma);
                let t = if zeta.abs() > 1e150 {
                    0.5 / zeta
                } else {
                    zeta.signum() / (zeta.abs() + (1.0 + zeta * zeta).sqrt())
                };
                let c = 1.0 / (1.0 + t * t).sqrt();
                let s = c * t;
                rotate(gi, gj, c, s);
                let (vh, vtl) = v.split_at_mut(j * l);
                rotate(&mut vh[i * l..(i + 1) * l], &mut vtl[..l], c, s);
            }
        }
        if !rotated {
            break;
        }
    }
    let norms: Vec<f64> = x
        .chunks_exact(n)
        .map(|g| {
            let a = dot(g, g);
            if a < tiny {
                0.0
            } else {
                a.sqrt()
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..l).collect();
    order.sort_by(|&a, &b| norms[b].total_cmp(&norms[a]));
    let mut ut = vec![0.0; l * n];
    let mut vt = vec![0.0; l * l];
    let mut s = vec![0.0; l];
    for (dst, &src) in order.iter().enumerate() {
        s[dst] = norms[src];
        vt[dst * l..(dst + 1) * l].copy_from_slice(&v[src * l..(src + 1) * l]);
        let u = &mut ut[dst * n..(dst + 1) * n];
        if s[dst] > 0.0 {
            let inv = 1.0 / s[dst];
            u.iter_mut()
                .zip(&x[src * n..(src + 1) * n])
                .for_each(|(u, g)| *u = g * inv);
        }
    }
    // Zero singular values sort last; give them unit vectors orthogonal
    // to all the others, so U keeps orthonormal columns.
    let first_zero = s.iter().position(|&v| v == 0.0).unwrap_or(l);
    for z in first_zero..l {
        let (done, rest) = ut.split_at_mut(z * n);
        complete(done, n, &mut rest[..n]);
    }
    (ut, s, vt)
}

/// `gi, gj ← c·gi − s·gj, s·gi + c·gj`.
fn rotate(gi: &mut [f64], gj: &mut [f64], c: f64, s: f64) {
    for (a, b) in gi.iter_mut().zip(gj.iter_mut()) {
        let (x, y) = (*a, *b);
        *a = c * x - s * y;
        *b = s * x + c * y;
    }
}

/// Writes into `out` a unit vector orthogonal to the orthonormal rows of
/// `basis` (`k x n`, `k < n`): the unit vector `e_j` with the largest part
/// outside their span (the first with more than half of it, else the best),
/// projected out twice (classical Gram–Schmidt, reorthogonalised).
fn complete(basis: &[f64], n: usize, out: &mut [f64]) {
    let project = |out: &mut [f64], j: usize| {
        out.fill(0.0);
        out[j] = 1.0;
        for _ in 0..2 {
            for b in basis.chunks_exact(n) {
                axpy(-dot(b, out), b, out);
            }
        }
        dot(out, out).sqrt()
    };
    let mut best = (0, -1.0);
    for j in 0..n {
        let norm = project(out, j);
        if norm > 0.5 {
            best = (j, norm);
            break;
        }
        if norm > best.1 {
            best = (j, norm);
        }
    }
    let norm = project(out, best.0);
    out.iter_mut().for_each(|v| *v /= norm);
}

/// The SVD of the tall `n x l` matrix `G` (`n >= l`) given as `gt = Gᵀ`
/// (`l x n`): `(Uᵀ, s, Vᵀ)` with `G = U·diag(s)·Vᵀ`, `s` descending.
///
/// Drmač & Veselić's preconditioning: a Householder QR with column
/// pivoting, `G·P = Q·R`, then one-sided Jacobi on the columns of `Rᵀ`
/// (the rows of `R`, already nearly orthogonal and graded by the
/// pivoting, so few sweeps are needed): `Rᵀ·V_x = U_x·S`. Then
/// `G = (Q·V_x)·S·(P·U_x)ᵀ`. The matrix is scaled to a largest entry of 1
/// first, so squared norms neither overflow nor underflow.
fn svd_cols(mut gt: Vec<f64>, l: usize, n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let scale = gt.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if scale > 0.0 {
        gt.iter_mut().for_each(|v| *v /= scale);
    }
    let (qt, r, perm) = qr_cols_pivoted(gt, l, n);
    let (ux_t, mut s, mut vx_t) = jacobi(r, l, l);
    reorthogonalise(&mut vx_t, l);
    // Uᵀ = V_xᵀ·Qᵀ.
    let mut ut = vec![0.0; l * n];
    gemm(
        l,
        n,
        l,
        1.0,
        &vx_t,
        l,
        Transpose::No,
        &qt,
        n,
        Transpose::No,
        0.0,
        &mut ut,
        n,
    );
    // Vᵀ = (P·U_x)ᵀ: entry k of a row of U_xᵀ belongs to column perm[k].
    let mut vt = vec![0.0; l * l];
    for (dst, src) in vt.chunks_exact_mut(l).zip(ux_t.chunks_exact(l)) {
        for (k, &p) in perm.iter().enumerate() {
            dst[p] = src[k];
        }
    }
    s.iter_mut().for_each(|v| *v *= scale);
    (ut, s, vt)
}

/// One Newton–Schulz step towards the nearest orthogonal matrix,
/// `M ← M + ½(I − M·Mᵀ)·M`, for the `l x l` product of rotations `m`
/// (row-major): rounding in thousands of rotations leaves its rows
/// orthonormal only to `~10⁻¹³` at `l` in the hundreds; one step squares
/// that deviation away. Two `l³` products on the crate's GEMM.
fn reorthogonalise(m: &mut [f64], l: usize) {
    let mut g = vec![0.0; l * l];
    gemm(
        l,
        l,
        l,
        -0.5,
        m,
        l,
        Transpose::No,
        m,
        l,
        Transpose::Yes,
        0.0,
        &mut g,
        l,
    );
    for i in 0..l {
        g[i * l + i] += 1.5;
    }
    let mut out = vec![0.0; l * l];
    gemm(
        l,
        l,
        l,
        1.0,
        &g,
        l,
        Transpose::No,
        m,
        l,
        Transpose::No,
        0.0,
        &mut out,
        l,
    );
    m.copy_from_slice(&out);
}

/// The thin SVD of the row-major `m x n` matrix `a` in f64: `(U, s, Vᵀ)`,
/// `U` `m x k`, `Vᵀ` `k x n`, `k = min(m, n)`, signs not yet flipped.
pub(super) fn svd_f64(a: &[f64], m: usize, n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let k = m.min(n);
    if k == 0 {
        return (Vec::new(), Vec::new(), Vec::new());
    }
    if m >= n {
        // G = A: its columns are the rows of Aᵀ.
        let gt: Vec<f64> = (0..n * m).map(|p| a[(p % m) * n + p / m]).collect();
        let (ut, s, vt) = svd_cols(gt, n, m);
        let u: Vec<f64> = (0..m * n).map(|p| ut[(p % n) * m + p / n]).collect();
        (u, s, vt)
    } else {
        // G = Aᵀ = Uᵀᵀ·S·Vᵀ, so A = V·S·U_Gᵀ: the roles swap.
        let (ut, s, vt) = svd_cols(a.to_vec(), m, n);
        let u: Vec<f64> = (0..m * m).map(|p| vt[(p % m) * m + p / m]).collect();
        (u, s, ut)
    }
}

/// scikit-learn's `svd_flip(u, v)` (u-based): make the largest-magnitude
/// entry of every column of `u` positive (the first such, as `argmax`),
/// flipping the matching row of `vt`.
pub(super) fn flip_signs(u: &mut [f64], k: usize, vt: &mut [f64]) {
    if k == 0 {
        return;
    }
    let n = vt.len() / k;
    for c in 0..k {
        let mut best = (0.0f64, 0.0f64);
        for row in u.chunks_exact(k) {
            if row[c].abs() > best.0 {
                best = (row[c].abs(), row[c]);
            }
        }
        if best.1 < 0.0 {
            u.chunks_exact_mut(k).for_each(|row| row[c] = -row[c]);
            vt[c * n..(c + 1) * n].iter_mut().for_each(|v| *v = -*v);
        }
    }
}

/// Packs f64 buffers into an [`Svd<T>`].
pub(super) fn to_svd<T: Scalar>(
    (m, k, n): (usize, usize, usize),
    u: Vec<f64>,
    s: Vec<f64>,
    vt: Vec<f64>,
) -> Svd<T> {
    let cast = |v: Vec<f64>| v.into_iter().map(T::from_f64).collect::<Vec<T>>();
    Svd {
        u: Matrix::from_vec(m, k, cast(u)).expect("u is m x k"),
        s: cast(s),
        vt: Matrix::from_vec(k, n, cast(vt)).expect("vt is k x n"),
    }
}

/// The thin SVD of a dense `m x n` matrix, computed in f64 (an `f32`
/// matrix is widened, the result narrowed): `k = min(m, n)` components,
/// as `np.linalg.svd(a, full_matrices=False)`. See the [module
/// docs](super) for the method and its accuracy.
///
/// Costs about `4mn·k` flops for the QR plus `~9k³` per Jacobi sweep
/// (typically 6–10 sweeps), mostly outside the GEMM, and keeps a few
/// `m x n` f64 copies: a random 500 x 500 matrix takes 0.8 s, a
/// 1000 x 1000 one 7.6 s (2 cores). For the leading components of a
/// large matrix use [`randomized_svd`](super::randomized_svd).
///
/// # Errors
/// [`Error::InvalidArgument`] naming the first NaN or infinite entry.
///
/// ```
/// use groundup::{linalg::svd, matrix};
/// let a = matrix![[2.0f64, 0.0], [0.0, 0.0], [0.0, 1.0]];
/// let d = svd(&a)?;
/// assert_eq!(d.s, [2.0, 1.0]);
/// assert_eq!((d.u.shape(), d.vt.shape()), ((3, 2), (2, 2)));
/// assert!(d.reconstruct().max_abs_diff(&a) < 1e-15);
/// let bad = matrix![[1.0f64, f64::NAN]];
/// assert!(svd(&bad).unwrap_err().to_string().contains("entry (0, 1)"));
/// # Ok::<(), groundup::Error>(())
/// ```
pub fn svd<'a, T: Scalar>(a: impl Into<MatrixView<'a, T>>) -> Result<Svd<T>> {
    let a = a.into();
    check_finite("svd", &a)?;
    let (m, n) = a.shape();
    let data: Vec<f64> = a.iter().map(|v| v.to_f64()).collect();
    let (mut u, s, mut vt) = svd_f64(&data, m, n);
    let k = m.min(n);
    flip_signs(&mut u, k, &mut vt);
    Ok(to_svd((m, k, n), u, s, vt))
}
