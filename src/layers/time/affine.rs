//! `TimeAffine`: one affine map applied to every step at once.

use crate::gemm::Transpose;
use crate::layers::{Param, ParamKind};
use crate::matrix::{Matrix, MatrixView};
use crate::scalar::Scalar;

/// The book's `TimeAffine`: `x·W + b` for every row of a time-major batch
/// (`T·N x D` in, `T·N x V` out). As the book reshapes `(N, T, D)` to
/// `(N·T, D)`, this is one product over all steps.
///
/// ```
/// use groundup::layers::time::TimeAffine;
/// use groundup::matrix;
/// let mut affine = TimeAffine::new(matrix![[1.0f64, 0.0, 2.0]], matrix![[0.0, 1.0, 0.0]]);
/// assert_eq!(affine.forward(matrix![[1.0], [3.0]].view()), &matrix![[1.0, 1.0, 2.0], [3.0, 1.0, 6.0]]);
/// let dx = affine.backward(matrix![[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]].view()).clone();
/// assert_eq!(dx, matrix![[1.0], [2.0]]); // dout·Wᵀ
/// assert_eq!(affine.params()[0].grad, matrix![[1.0, 0.0, 3.0]]); // xᵀ·dout
/// assert_eq!(affine.params()[1].grad, matrix![[1.0, 0.0, 1.0]]); // column sums
/// ```
#[derive(Clone, Debug)]
pub struct TimeAffine<T: Scalar> {
    params: [Param<T>; 2],
    x: Matrix<T>,
    out: Matrix<T>,
    dx: Matrix<T>,
}

impl<T: Scalar> TimeAffine<T> {
    /// `W` is `D x V`, `b` is `1 x V`. Panics naming both shapes when they
    /// do not fit.
    ///
    /// ```
    /// use groundup::{layers::time::TimeAffine, Matrix};
    /// let affine = TimeAffine::new(Matrix::<f32>::zeros(8, 100), Matrix::zeros(1, 100));
    /// assert_eq!(affine.params()[1].value.shape(), (1, 100));
    /// ```
    pub fn new(w: Matrix<T>, b: Matrix<T>) -> Self {
        assert!(
            b.rows() == 1 && b.cols() == w.cols(),
            "TimeAffine::new: bias shape {:?} does not fit weight shape {:?}; it must be (1, {})",
            b.shape(),
            w.shape(),
            w.cols()
        );
        TimeAffine {
            params: [Param::new(w), Param::new(b)],
            x: Matrix::zeros(0, 0),
            out: Matrix::zeros(0, 0),
            dx: Matrix::zeros(0, 0),
        }
    }

    /// `x·W + b` for every row.
    ///
    /// ```
    /// use groundup::{layers::time::TimeAffine, matrix};
    /// let mut affine = TimeAffine::new(matrix![[2.0f32]], matrix![[1.0]]);
    /// assert_eq!(affine.forward(matrix![[1.0], [2.0], [3.0]].view()), &matrix![[3.0], [5.0], [7.0]]);
    /// ```
    pub fn forward(&mut self, x: MatrixView<'_, T>) -> &Matrix<T> {
        let [w, b] = &self.params;
        self.x.assign(x);
        affine_forward(
            "TimeAffine",
            x,
            &w.value,
            Transpose::No,
            &b.value,
            &mut self.out,
        );
        &self.out
    }

    /// The output of the last forward pass (`T·N x V`).
    ///
    /// ```
    /// use groundup::{layers::time::TimeAffine, matrix};
    /// let mut affine = TimeAffine::new(matrix![[2.0f32]], matrix![[1.0]]);
    /// affine.forward(matrix![[1.0]].view());
    /// assert_eq!(affine.output(), &matrix![[3.0]]);
    /// ```
    pub fn output(&self) -> &Matrix<T> {
        &self.out
    }

    /// Overwrites the gradients of `W` and `b`; returns `dout·Wᵀ`.
    ///
    /// ```
    /// use groundup::{layers::time::TimeAffine, matrix};
    /// let mut affine = TimeAffine::new(matrix![[2.0f64]], matrix![[1.0]]);
    /// affine.forward(matrix![[1.0], [2.0]].view());
    /// assert_eq!(affine.backward(matrix![[1.0], [1.0]].view()), &matrix![[2.0], [2.0]]);
    /// assert_eq!(affine.params()[0].grad, matrix![[3.0]]);
    /// ```
    pub fn backward(&mut self, dout: MatrixView<'_, T>) -> &Matrix<T> {
        let [w, b] = &mut self.params;
        affine_backward(
            "TimeAffine",
            dout,
            self.x.view(),
            &w.value,
            Transpose::No,
            &mut w.grad,
            T::ZERO,
            &mut b.grad,
            &mut self.dx,
        );
        &self.dx
    }

    /// `W` and `b` with their gradients.
    ///
    /// ```
    /// use groundup::{layers::time::TimeAffine, Matrix};
    /// let affine = TimeAffine::new(Matrix::<f64>::zeros(3, 5), Matrix::zeros(1, 5));
    /// assert_eq!(affine.params()[0].value.shape(), (3, 5));
    /// ```
    pub fn params(&self) -> &[Param<T>] {
        &self.params
    }

    /// `W` and `b`, mutable.
    ///
    /// ```
    /// use groundup::{layers::time::TimeAffine, Matrix};
    /// let mut affine = TimeAffine::new(Matrix::<f64>::zeros(3, 5), Matrix::zeros(1, 5));
    /// affine.params_mut()[1].value.fill(1.0);
    /// assert_eq!(affine.params()[1].value.sum(), 5.0);
    /// ```
    pub fn params_mut(&mut self) -> &mut [Param<T>] {
        &mut self.params
    }

    /// The parameters' names and kinds.
    ///
    /// ```
    /// use groundup::layers::{time::TimeAffine, ParamKind};
    /// assert_eq!(TimeAffine::<f32>::param_info()[0], ("W", ParamKind::LinearWeight));
    /// ```
    pub fn param_info() -> [(&'static str, ParamKind); 2] {
        [("W", ParamKind::LinearWeight), ("b", ParamKind::Bias)]
    }
}

/// `out = x·op(w) + b` (the product first, then the bias, as numpy's
/// `np.dot(x, W) + b`). `op(w)` is `D x V`.
pub(crate) fn affine_forward<T: Scalar>(
    layer: &str,
    x: MatrixView<'_, T>,
    w: &Matrix<T>,
    op_w: Transpose,
    b: &Matrix<T>,
    out: &mut Matrix<T>,
) {
    let (d, v) = op_w.apply(w.shape());
    assert!(
        x.cols() == d,
        "{layer}.forward: input shape {:?} does not fit the weight ({d} x {v}): inputs need {d} columns",
        x.shape()
    );
    out.resize(x.rows(), v);
    out.gemm(T::ONE, x, Transpose::No, w, op_w, T::ZERO);
    out.add_row_vector(b);
}

/// The backward pass of [`affine_forward`]: `dx = dout·op(w)ᵀ`,
/// `db` = column sums of `dout`, and the weight gradient in `w`'s storage
/// shape, `dw = beta·dw + xᵀ·dout` (or its transpose `doutᵀ·x` when `w` is
/// used transposed).
#[allow(clippy::too_many_arguments)]
pub(crate) fn affine_backward<T: Scalar>(
    layer: &str,
    dout: MatrixView<'_, T>,
    x: MatrixView<'_, T>,
    w: &Matrix<T>,
    op_w: Transpose,
    dw: &mut Matrix<T>,
    beta: T,
    db: &mut Matrix<T>,
    dx: &mut Matrix<T>,
) {
    let (d, v) = op_w.apply(w.shape());
    assert!(
        dout.shape() == (x.rows(), v),
        "{layer}.backward: got shape {:?}, expected {:?} (the shape of the last forward pass)",
        dout.shape(),
        (x.rows(), v)
    );
    dout.sum_rows_into(db.as_mut_slice());
    match op_w {
        Transpose::No => dw.gemm(T::ONE, x, Transpose::Yes, dout, Transpose::No, beta),
        Transpose::Yes => dw.gemm(T::ONE, dout, Transpose::Yes, x, Transpose::No, beta),
    }
    dx.resize(x.rows(), d);
    let op_back = match op_w {
        Transpose::No => Transpose::Yes,
        Transpose::Yes => Transpose::No,
    };
    dx.gemm(T::ONE, dout, Transpose::No, w, op_back, T::ZERO);
}
