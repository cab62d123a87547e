//! [`Matrix`]: a row-major, contiguous 2-D array of `f32` or `f64`, and
//! [`MatrixView`], a borrowed block of its rows.
//!
//! There is no broadcasting: what numpy does implicitly has a named helper
//! here ([`Matrix::add_row_vector`], [`Matrix::repeat_rows`],
//! [`Matrix::sum_rows`]), so every shape rule is visible at the call site.
//! Shape mismatches panic with both shapes in the message (a programming
//! error, like indexing out of bounds); the `try_` forms return
//! [`Error::ShapeMismatch`] instead.

mod display;
mod elementwise;
mod ids;
mod literal;
mod read;
mod reduce;

pub use ids::{Ids, IdsView};
pub use reduce::pairwise_sum;
pub(crate) use reduce::{argmax_rows_into, pairwise_sum_by, pairwise_sum_indexed, sum_rows_slice};

use crate::error::{Error, Result};
use crate::gemm::{self, Transpose};
use crate::scalar::Scalar;
use std::ops::IndexMut;

/// A row-major matrix: element `(i, j)` lives at `data[i * cols + j]`.
///
/// ```
/// use groundup::Matrix;
/// let a = Matrix::from_vec(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
/// let b = Matrix::from_fn(3, 1, |i, _| (i + 1) as f64);
/// let c = a.matmul(&b);
/// assert_eq!(c.shape(), (2, 1));
/// assert_eq!(c.as_slice(), &[14.0, 32.0]);
/// assert_eq!(a[(1, 2)], 6.0);
/// ```
#[derive(Clone, PartialEq)]
pub struct Matrix<T: Scalar> {
    rows: usize,
    cols: usize,
    data: Vec<T>,
}

/// A borrowed, read-only block of consecutive rows of a [`Matrix`] (or of any
/// row-major slice). Cheap to create and to copy: a mini-batch is a view, not
/// a copy.
///
/// ```
/// use groundup::Matrix;
/// let x = Matrix::from_fn(5, 2, |i, j| (10 * i + j) as f32);
/// let batch = x.rows_view(1..3);
/// assert_eq!(batch.shape(), (2, 2));
/// assert_eq!(batch.row(0), &[10.0, 11.0]);
/// assert_eq!(batch.to_matrix().as_slice(), &[10.0, 11.0, 20.0, 21.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MatrixView<'a, T: Scalar> {
    rows: usize,
    cols: usize,
    data: &'a [T],
}

fn checked_len(rows: usize, cols: usize) -> Option<usize> {
    rows.checked_mul(cols)
}

fn alloc_len(rows: usize, cols: usize) -> usize {
    checked_len(rows, cols)
        .unwrap_or_else(|| panic!("matrix shape ({rows}, {cols}) overflows usize"))
}

impl<'a, T: Scalar> MatrixView<'a, T> {
    /// Wraps a row-major slice of exactly `rows * cols` elements.
    ///
    /// ```
    /// use groundup::{Error, MatrixView};
    /// let buf = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
    /// let v = MatrixView::new(3, 2, &buf).unwrap(); // no copy
    /// assert_eq!(v.row(2), &[5.0, 6.0]);
    /// let err = MatrixView::new(4, 2, &buf).unwrap_err();
    /// assert!(matches!(err, Error::LengthMismatch { expected: Some(8), got: 6, .. }));
    /// ```
    pub fn new(rows: usize, cols: usize, data: &'a [T]) -> Result<Self> {
        match checked_len(rows, cols) {
            Some(n) if n == data.len() => Ok(MatrixView { rows, cols, data }),
            expected => Err(Error::LengthMismatch {
                rows,
                cols,
                expected,
                got: data.len(),
            }),
        }
    }
    /// Copies the view into an owned matrix.
    ///
    /// ```
    /// use groundup::{matrix, Matrix};
    /// let x = matrix![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
    /// let batch: Matrix<f64> = x.rows_view(1..3).to_matrix();
    /// assert_eq!(batch, matrix![[3.0, 4.0], [5.0, 6.0]]);
    /// ```
    pub fn to_matrix(&self) -> Matrix<T> {
        Matrix {
            rows: self.rows,
            cols: self.cols,
            data: self.data.to_vec(),
        }
    }
}

impl<'a, T: Scalar> From<&'a Matrix<T>> for MatrixView<'a, T> {
    fn from(m: &'a Matrix<T>) -> Self {
        m.view()
    }
}

impl<T: Scalar> Matrix<T> {
    /// Takes ownership of a row-major buffer.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] naming both numbers when `data.len() != rows * cols`.
    ///
    /// ```
    /// use groundup::Matrix;
    /// let err = Matrix::<f32>::from_vec(2, 2, vec![1.0; 3]).unwrap_err();
    /// assert!(err.to_string().contains("3") && err.to_string().contains("4"));
    /// ```
    pub fn from_vec(rows: usize, cols: usize, data: Vec<T>) -> Result<Self> {
        match checked_len(rows, cols) {
            Some(n) if n == data.len() => Ok(Matrix { rows, cols, data }),
            expected => Err(Error::LengthMismatch {
                rows,
                cols,
                expected,
                got: data.len(),
            }),
        }
    }

    /// A `rows x cols` matrix of zeros.
    ///
    /// ```
    /// use groundup::Matrix;
    /// let m = Matrix::<f32>::zeros(2, 3);
    /// assert_eq!(m.shape(), (2, 3));
    /// assert!(m.as_slice().iter().all(|&v| v == 0.0));
    /// ```
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Self::filled(rows, cols, T::ZERO)
    }

    /// A `rows x cols` matrix with every element `value`.
    ///
    /// ```
    /// use groundup::Matrix;
    /// let m = Matrix::filled(2, 2, 0.5f64);
    /// assert_eq!(m.as_slice(), &[0.5; 4]);
    /// ```
    pub fn filled(rows: usize, cols: usize, value: T) -> Self {
        Matrix {
            rows,
            cols,
            data: vec![value; alloc_len(rows, cols)],
        }
    }

    /// Element `(i, j)` is `f(i, j)`, evaluated in row-major order.
    ///
    /// ```
    /// use groundup::{matrix, Matrix};
    /// let m = Matrix::from_fn(2, 3, |i, j| (10 * i + j) as f32);
    /// assert_eq!(m, matrix![[0.0, 1.0, 2.0], [10.0, 11.0, 12.0]]);
    /// // Row-major order: an FnMut counter numbers the elements as stored.
    /// let mut n = 0.0;
    /// let c = Matrix::from_fn(2, 2, |_, _| { n += 1.0; n });
    /// assert_eq!(c.as_slice(), &[1.0f64, 2.0, 3.0, 4.0]);
    /// ```
    pub fn from_fn(rows: usize, cols: usize, mut f: impl FnMut(usize, usize) -> T) -> Self {
        let mut data = Vec::with_capacity(alloc_len(rows, cols));
        for i in 0..rows {
            for j in 0..cols {
                data.push(f(i, j));
            }
        }
        Matrix { rows, cols, data }
    }

    /// The `n x n` identity.
    ///
    /// ```
    /// use groundup::{matrix, Matrix};
    /// assert_eq!(Matrix::<f64>::identity(2), matrix![[1.0, 0.0], [0.0, 1.0]]);
    /// let a = matrix![[1.0f32, 2.0], [3.0, 4.0]];
    /// assert_eq!(a.matmul(&Matrix::identity(2)), a);
    /// ```
    pub fn identity(n: usize) -> Self {
        Self::from_fn(n, n, |i, j| if i == j { T::ONE } else { T::ZERO })
    }

    /// A `1 x n` row vector.
    ///
    /// ```
    /// use groundup::{matrix, Matrix};
    /// let b = Matrix::row_vector(vec![1.0f32, 2.0, 3.0]);
    /// assert_eq!(b.shape(), (1, 3));
    /// assert_eq!(b, matrix![[1.0, 2.0, 3.0]]);
    /// ```
    pub fn row_vector(data: Vec<T>) -> Self {
        Matrix {
            rows: 1,
            cols: data.len(),
            data,
        }
    }

    /// The elements in row-major order, mutable.
    ///
    /// ```
    /// use groundup::matrix;
    /// let mut m = matrix![[1.0f32, 2.0], [3.0, 4.0]];
    /// m.as_mut_slice()[3] = 0.0;
    /// assert_eq!(m, matrix![[1.0, 2.0], [3.0, 0.0]]);
    /// ```
    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.data
    }
    /// Gives back the row-major buffer.
    ///
    /// ```
    /// use groundup::matrix;
    /// assert_eq!(matrix![[1.0f64, 2.0], [3.0, 4.0]].into_vec(), [1.0, 2.0, 3.0, 4.0]);
    /// ```
    pub fn into_vec(self) -> Vec<T> {
        self.data
    }
    /// Row `i`, mutable. Panics if `i >= rows`.
    ///
    /// ```
    /// use groundup::matrix;
    /// let mut m = matrix![[1.0f64, 2.0], [3.0, 4.0]];
    /// m.row_mut(0).fill(0.0);
    /// assert_eq!(m, matrix![[0.0, 0.0], [3.0, 4.0]]);
    /// ```
    #[inline]
    pub fn row_mut(&mut self, i: usize) -> &mut [T] {
        assert!(i < self.rows, "row {i} out of range for {} rows", self.rows);
        &mut self.data[i * self.cols..(i + 1) * self.cols]
    }
    /// The whole matrix as a read-only view (no copy); it has the same
    /// read-only methods as the matrix.
    ///
    /// ```
    /// use groundup::{matrix, MatrixView};
    /// let m = matrix![[1.0f32, 2.0], [3.0, 4.0]];
    /// let v: MatrixView<'_, f32> = m.view();
    /// assert_eq!((v.shape(), v.sum()), ((2, 2), 10.0));
    /// ```
    #[inline]
    pub fn view(&self) -> MatrixView<'_, T> {
        MatrixView {
            rows: self.rows,
            cols: self.cols,
            data: &self.data,
        }
    }

    /// Changes the shape to `rows x cols`, reusing the allocation: the
    /// contents are unspecified afterwards (callers overwrite them). Used by
    /// layers to keep their buffers across batches without allocating when the
    /// shape repeats.
    ///
    /// ```
    /// use groundup::Matrix;
    /// let mut buf = Matrix::<f32>::zeros(4, 3);
    /// buf.resize(2, 6); // same length: nothing moves or allocates
    /// assert_eq!((buf.shape(), buf.len()), ((2, 6), 12));
    /// buf.resize(1, 2);
    /// buf.fill(7.0); // contents are unspecified after resize, so overwrite them
    /// assert_eq!(buf.as_slice(), &[7.0, 7.0]);
    /// ```
    pub fn resize(&mut self, rows: usize, cols: usize) {
        let n = alloc_len(rows, cols);
        if self.data.len() != n {
            self.data.resize(n, T::ZERO);
        }
        self.rows = rows;
        self.cols = cols;
    }

    /// Reinterprets the same elements with a new shape of equal size.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] when `rows * cols` differs from [`Matrix::len`].
    ///
    /// ```
    /// use groundup::{matrix, Error};
    /// let m = matrix![[1.0f64, 2.0, 3.0], [4.0, 5.0, 6.0]];
    /// let r = m.clone().reshape(3, 2).unwrap();
    /// assert_eq!(r, matrix![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    /// assert!(matches!(m.reshape(4, 2), Err(Error::LengthMismatch { .. })));
    /// ```
    pub fn reshape(self, rows: usize, cols: usize) -> Result<Self> {
        Self::from_vec(rows, cols, self.data)
    }

    /// Copies `src` (same shape) into `self`. Panics naming both shapes otherwise.
    ///
    /// ```
    /// use groundup::{matrix, Matrix};
    /// let x = matrix![[1.0f32, 2.0], [3.0, 4.0], [5.0, 6.0]];
    /// let mut batch = Matrix::zeros(2, 2);
    /// batch.copy_from(x.rows_view(1..3));
    /// assert_eq!(batch, matrix![[3.0, 4.0], [5.0, 6.0]]);
    /// ```
    pub fn copy_from(&mut self, src: MatrixView<'_, T>) {
        assert_eq!(
            self.shape(),
            src.shape(),
            "copy_from: destination shape {:?} differs from source shape {:?}",
            self.shape(),
            src.shape()
        );
        self.data.copy_from_slice(src.data);
    }

    /// Resizes `self` to `src`'s shape and copies it in (no allocation when
    /// the size already matches).
    ///
    /// ```
    /// use groundup::{matrix, Matrix};
    /// let x = matrix![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
    /// let mut buf = Matrix::default(); // 0 x 0: assign adopts the source's shape
    /// buf.assign(x.rows_view(0..1));
    /// assert_eq!(buf, matrix![[1.0, 2.0]]);
    /// buf.assign(x.view());
    /// assert_eq!(buf, x);
    /// ```
    pub fn assign(&mut self, src: MatrixView<'_, T>) {
        self.resize(src.rows, src.cols);
        self.data.copy_from_slice(src.data);
    }

    /// `self · b` as a new matrix. Panics naming both shapes when
    /// `self.cols() != b.rows()`; see [`Matrix::try_matmul`].
    ///
    /// ```
    /// use groundup::matrix;
    /// let a = matrix![[1.0f32, 2.0], [3.0, 4.0]];
    /// let b = matrix![[5.0, 6.0], [7.0, 8.0]];
    /// // [[1*5 + 2*7, 1*6 + 2*8], [3*5 + 4*7, 3*6 + 4*8]]
    /// assert_eq!(a.matmul(&b), matrix![[19.0, 22.0], [43.0, 50.0]]);
    /// ```
    pub fn matmul(&self, b: &Matrix<T>) -> Matrix<T> {
        let mut c = Matrix::zeros(self.rows, b.cols);
        self.matmul_into(b, &mut c);
        c
    }

    /// `self · b` as a new matrix, or [`Error::ShapeMismatch`].
    ///
    /// ```
    /// use groundup::{matrix, Error};
    /// let a = matrix![[1.0f64, 2.0, 3.0]];
    /// let b = matrix![[1.0], [1.0], [1.0]];
    /// assert_eq!(a.try_matmul(&b).unwrap(), matrix![[6.0]]);
    /// // (1, 3) · (1, 3): inner dimensions 3 and 1 differ.
    /// let err = a.try_matmul(&a).unwrap_err();
    /// assert!(matches!(err, Error::ShapeMismatch { left: (1, 3), right: (1, 3), .. }));
    /// ```
    pub fn try_matmul(&self, b: &Matrix<T>) -> Result<Matrix<T>> {
        let mut c = Matrix::zeros(self.rows, b.cols);
        self.try_matmul_into(b, &mut c)?;
        Ok(c)
    }

    /// Overwrites `c` (shape `(self.rows, b.cols)`) with `self · b`.
    ///
    /// # Panics
    /// When `self.cols() != b.rows()` or `c` has the wrong shape; the message
    /// names the shapes. [`Matrix::try_matmul_into`] returns an error instead.
    ///
    /// ```
    /// use groundup::Matrix;
    /// let a = Matrix::from_vec(1, 2, vec![1.0f32, 2.0]).unwrap();
    /// let b = Matrix::from_vec(2, 2, vec![1.0, 0.0, 0.0, 1.0]).unwrap();
    /// let mut c = Matrix::filled(1, 2, f32::NAN); // old contents are ignored
    /// a.matmul_into(&b, &mut c);
    /// assert_eq!(c.as_slice(), &[1.0, 2.0]);
    /// ```
    pub fn matmul_into(&self, b: &Matrix<T>, c: &mut Matrix<T>) {
        if let Err(e) = self.try_matmul_into(b, c) {
            panic!("{e}");
        }
    }

    /// [`Matrix::matmul_into`] returning [`Error::ShapeMismatch`] instead of panicking.
    ///
    /// ```
    /// use groundup::{matrix, Error, Matrix};
    /// let a = matrix![[1.0f32, 2.0], [3.0, 4.0]];
    /// let mut c = Matrix::zeros(2, 2);
    /// a.try_matmul_into(&a, &mut c).unwrap();
    /// assert_eq!(c, matrix![[7.0, 10.0], [15.0, 22.0]]);
    /// // The output must already have the product's shape.
    /// let mut wrong = Matrix::zeros(2, 3);
    /// let err = a.try_matmul_into(&a, &mut wrong).unwrap_err();
    /// assert!(matches!(err, Error::ShapeMismatch { left: (2, 2), right: (2, 3), .. }));
    /// ```
    pub fn try_matmul_into(&self, b: &Matrix<T>, c: &mut Matrix<T>) -> Result<()> {
        gemm_views(
            T::ONE,
            self.view(),
            Transpose::No,
            b.view(),
            Transpose::No,
            T::ZERO,
            c,
        )
    }

    /// General product into `self`: `self = alpha·op(a)·op(b) + beta·self`,
    /// where `op` optionally transposes without copying. `self` must already
    /// have the result's shape. Panics naming the shapes otherwise.
    ///
    /// ```
    /// use groundup::{Matrix, Transpose};
    /// let x = Matrix::from_vec(2, 1, vec![1.0f64, 2.0]).unwrap();
    /// let dout = Matrix::from_vec(2, 1, vec![3.0, 4.0]).unwrap();
    /// let mut dw = Matrix::zeros(1, 1);
    /// dw.gemm(1.0, &x, Transpose::Yes, &dout, Transpose::No, 0.0); // xᵀ·dout
    /// assert_eq!(dw[(0, 0)], 11.0);
    /// ```
    pub fn gemm<'a, 'b>(
        &mut self,
        alpha: T,
        a: impl Into<MatrixView<'a, T>>,
        op_a: Transpose,
        b: impl Into<MatrixView<'b, T>>,
        op_b: Transpose,
        beta: T,
    ) where
        T: 'a + 'b,
    {
        if let Err(e) = gemm_views(alpha, a.into(), op_a, b.into(), op_b, beta, self) {
            panic!("{e}");
        }
    }
}

/// `out = x·w + bias`, `bias` a `1 x n` row added to every row of the
/// product after it is rounded (the bits of `gemm` followed by
/// [`Matrix::add_row_vector`]; small products add it in the kernel's
/// stores). `out` is resized to `(x.rows, w.cols)`.
///
/// # Panics
/// When `x.cols != w.rows` or the bias is not `(1, w.cols)`, naming the
/// shapes.
pub(crate) fn affine_into<T: Scalar>(
    x: MatrixView<'_, T>,
    w: &Matrix<T>,
    bias: &Matrix<T>,
    out: &mut Matrix<T>,
) {
    let (m, k, n) = (x.rows(), x.cols(), w.cols());
    assert!(
        k == w.rows(),
        "matmul: input shape ({m}, {k}) does not fit weight shape ({}, {n})",
        w.rows()
    );
    assert!(
        bias.rows == 1 && bias.cols == n,
        "add_row_vector: bias shape ({}, {}) does not fit a ({m}, {n}) matrix; it must be (1, {n})",
        bias.rows,
        bias.cols,
    );
    out.resize(m, n);
    gemm::gemm_plus_row(
        m,
        n,
        k,
        x.data,
        k.max(1),
        Transpose::No,
        &w.data,
        n.max(1),
        Transpose::No,
        &bias.data,
        &mut out.data,
        n.max(1),
    );
}

/// Shared checker + dispatcher for the Matrix-level products.
pub(crate) fn gemm_views<T: Scalar>(
    alpha: T,
    a: MatrixView<'_, T>,
    op_a: Transpose,
    b: MatrixView<'_, T>,
    op_b: Transpose,
    beta: T,
    c: &mut Matrix<T>,
) -> Result<()> {
    let (m, ka) = op_a.apply(a.shape());
    let (kb, n) = op_b.apply(b.shape());
    if ka != kb {
        return Err(Error::ShapeMismatch {
            op: format!("matmul (op_a = {op_a:?}, op_b = {op_b:?})"),
            left: op_a.apply(a.shape()),
            right: op_b.apply(b.shape()),
        });
    }
    if c.shape() != (m, n) {
        return Err(Error::ShapeMismatch {
            op: format!(
                "matmul output: product of ({m}, {ka}) and ({kb}, {n}) needs ({m}, {n}), but the output matrix is"
            ),
            left: (m, n),
            right: c.shape(),
        });
    }
    let (lda, ldb, ldc) = (a.cols.max(1), b.cols.max(1), n.max(1));
    gemm::gemm(
        m,
        n,
        ka,
        alpha,
        a.data,
        lda,
        op_a,
        b.data,
        ldb,
        op_b,
        beta,
        &mut c.data,
        ldc,
    );
    Ok(())
}

impl<T: Scalar> Default for Matrix<T> {
    /// The empty `0 x 0` matrix.
    fn default() -> Self {
        Matrix::zeros(0, 0)
    }
}

impl<T: Scalar> IndexMut<(usize, usize)> for Matrix<T> {
    #[inline]
    fn index_mut(&mut self, (i, j): (usize, usize)) -> &mut T {
        assert!(
            i < self.rows && j < self.cols,
            "index ({i}, {j}) out of range for shape ({}, {})",
            self.rows,
            self.cols
        );
        &mut self.data[i * self.cols + j]
    }
}
