//! The read-only methods of [`Matrix`] and [`MatrixView`], written once.
//!
//! Both types are `rows`, `cols` and a row-major `data` (a `Vec` or a
//! borrowed slice), so every method that only reads has one body here,
//! expanded into both `impl` blocks by [`read_only_methods!`]. The only
//! difference is the lifetime of what they lend out: a view lends its
//! borrow `'a` (a row of a mini-batch outlives the view value), a matrix
//! lends `&self`. Each example below runs once per type.

use super::reduce::{pairwise_sum, sum_rows_slice};
use super::{Matrix, MatrixView};
use crate::scalar::Scalar;
use std::ops::{Index, Range};

/// The read-only methods, for a type with fields `rows`, `cols` and
/// `data` (`Vec<T>` or `&[T]`); `$lt` is the lifetime of borrowed results.
macro_rules! read_only_methods {
    ($lt:lifetime) => {
        /// Number of rows.
        ///
        /// ```
        /// use groundup::matrix;
        /// let m = matrix![[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]];
        /// assert_eq!((m.rows(), m.view().rows(), m.rows_view(1..2).rows()), (2, 2, 1));
        /// ```
        #[inline]
        pub fn rows(&self) -> usize {
            self.rows
        }

        /// Number of columns.
        ///
        /// ```
        /// use groundup::matrix;
        /// let m = matrix![[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]];
        /// assert_eq!((m.cols(), m.rows_view(0..1).cols()), (3, 3));
        /// ```
        #[inline]
        pub fn cols(&self) -> usize {
            self.cols
        }

        /// `(rows, cols)`.
        ///
        /// ```
        /// use groundup::Matrix;
        /// let m = Matrix::<f64>::zeros(4, 2);
        /// assert_eq!(m.shape(), (4, 2));
        /// assert_eq!(m.rows_view(1..4).shape(), (3, 2));
        /// ```
        #[inline]
        pub fn shape(&self) -> (usize, usize) {
            (self.rows, self.cols)
        }

        /// Number of elements, `rows * cols`.
        ///
        /// ```
        /// use groundup::Matrix;
        /// let m = Matrix::<f32>::zeros(3, 5);
        /// assert_eq!((m.len(), m.rows_view(0..2).len()), (15, 10));
        /// ```
        #[inline]
        pub fn len(&self) -> usize {
            self.data.len()
        }

        /// True when there are no elements (a dimension is zero).
        ///
        /// ```
        /// use groundup::Matrix;
        /// let m = Matrix::<f32>::zeros(3, 5);
        /// assert!(!m.is_empty() && m.rows_view(1..1).is_empty());
        /// assert!(Matrix::<f64>::zeros(4, 0).is_empty());
        /// ```
        #[inline]
        pub fn is_empty(&self) -> bool {
            self.data.is_empty()
        }

        /// The elements in row-major order.
        ///
        /// ```
        /// use groundup::matrix;
        /// let m = matrix![[1.0f64, 2.0], [3.0, 4.0]];
        /// assert_eq!(m.as_slice(), &[1.0, 2.0, 3.0, 4.0]);
        /// assert_eq!(m.rows_view(1..2).as_slice(), &[3.0, 4.0]);
        /// ```
        #[inline]
        pub fn as_slice(&self) -> &$lt [T] {
            &self.data[..]
        }

        /// Row `i` as a slice. Panics if `i >= rows`.
        ///
        /// ```
        /// use groundup::matrix;
        /// let m = matrix![[1.0f64, 2.0], [3.0, 4.0]];
        /// assert_eq!(m.row(1), &[3.0, 4.0]);
        /// assert_eq!(m.rows_view(1..2).row(0), &[3.0, 4.0]);
        /// ```
        #[inline]
        pub fn row(&self, i: usize) -> &$lt [T] {
            assert!(i < self.rows, "row {i} out of range for {} rows", self.rows);
            &self.data[i * self.cols..(i + 1) * self.cols]
        }

        /// Rows `range` as a borrowed view, no copy (a mini-batch). Panics
        /// if the range is out of bounds.
        ///
        /// ```
        /// use groundup::Matrix;
        /// let x = Matrix::from_fn(5, 2, |i, j| (10 * i + j) as f32);
        /// let batch = x.rows_view(1..4);
        /// assert_eq!(batch.row(0), &[10.0, 11.0]);
        /// assert_eq!(batch.rows_view(2..3).row(0), &[30.0, 31.0]);
        /// ```
        pub fn rows_view(&self, range: Range<usize>) -> MatrixView<$lt, T> {
            assert!(
                range.start <= range.end && range.end <= self.rows,
                "rows {}..{} out of range for {} rows",
                range.start,
                range.end,
                self.rows
            );
            MatrixView {
                rows: range.end - range.start,
                cols: self.cols,
                data: &self.data[range.start * self.cols..range.end * self.cols],
            }
        }

        /// The elements in row-major order.
        ///
        /// ```
        /// use groundup::matrix;
        /// let m = matrix![[1.0f32, -2.0], [3.0, -4.0]];
        /// assert_eq!(m.iter().filter(|v| **v < 0.0).count(), 2);
        /// assert_eq!(m.rows_view(1..2).iter().sum::<f32>(), -1.0);
        /// ```
        pub fn iter(&self) -> std::slice::Iter<$lt, T> {
            self.data[..].iter()
        }

        /// The rows as slices, top to bottom (`rows()` of them, also when
        /// there are no columns).
        ///
        /// ```
        /// use groundup::matrix;
        /// let m = matrix![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
        /// let sums: Vec<f64> = m.rows_iter().map(|r| r.iter().sum()).collect();
        /// assert_eq!(sums, [3.0, 7.0, 11.0]);
        /// let last: Vec<&[f64]> = m.rows_view(1..3).rows_iter().collect();
        /// assert_eq!(last, [&[3.0, 4.0][..], &[5.0, 6.0][..]]);
        /// ```
        pub fn rows_iter(
            &self,
        ) -> impl ExactSizeIterator<Item = &$lt [T]> + DoubleEndedIterator + $lt {
            let (data, cols): (&$lt [T], usize) = (&self.data[..], self.cols);
            (0..self.rows).map(move |i| &data[i * cols..(i + 1) * cols])
        }

        /// Per-row index of the largest element (the first one on ties, NaN
        /// counts as largest), numpy's `argmax(axis=1)`.
        ///
        /// ```
        /// use groundup::matrix;
        /// let scores = matrix![[0.1f32, 0.7, 0.2], [0.5, 0.5, 0.0]];
        /// assert_eq!(scores.argmax_rows(), [1, 0]);
        /// assert_eq!(scores.rows_view(1..2).argmax_rows(), [0]);
        /// ```
        pub fn argmax_rows(&self) -> Vec<usize> {
            let mut out = vec![0; self.rows];
            super::reduce::argmax_rows_into(&self.data[..], self.cols, &mut out);
            out
        }

        /// Sum of all elements, in numpy's pairwise order ([`pairwise_sum`]).
        ///
        /// ```
        /// use groundup::matrix;
        /// let m = matrix![[1.0f64, 2.0], [3.0, 4.0]];
        /// assert_eq!((m.sum(), m.rows_view(1..2).sum()), (10.0, 7.0));
        /// ```
        pub fn sum(&self) -> T {
            pairwise_sum(&self.data[..])
        }

        /// Sum over rows, keeping the axis: a `1 x cols` matrix, rows added
        /// in order (numpy `np.sum(x, axis=0, keepdims=True)`). The backward
        /// pass of [`Matrix::repeat_rows`].
        ///
        /// ```
        /// use groundup::matrix;
        /// let x = matrix![[1.0f64, 2.0], [3.0, 4.0]];
        /// assert_eq!(x.sum_rows(), matrix![[4.0, 6.0]]);
        /// assert_eq!(x.rows_view(1..2).sum_rows(), matrix![[3.0, 4.0]]);
        /// ```
        pub fn sum_rows(&self) -> Matrix<T> {
            let mut out = Matrix::zeros(1, self.cols);
            self.sum_rows_into(out.as_mut_slice());
            out
        }

        /// [`sum_rows`](Self::sum_rows) into a slice of length `cols`
        /// (overwritten). Panics naming both lengths otherwise.
        ///
        /// ```
        /// use groundup::matrix;
        /// let x = matrix![[1.0f32, 2.0], [3.0, 4.0]];
        /// let mut db = [9.0f32; 2];
        /// x.sum_rows_into(&mut db);
        /// assert_eq!(db, [4.0, 6.0]);
        /// ```
        pub fn sum_rows_into(&self, out: &mut [T]) {
            sum_rows_slice(&self.data[..], self.cols, out);
        }

        /// Sum over columns, keeping the axis: a `rows x 1` matrix (numpy
        /// `np.sum(x, axis=1, keepdims=True)`; columns added left to right).
        ///
        /// ```
        /// use groundup::matrix;
        /// let x = matrix![[1.0f64, 2.0], [3.0, 4.0]];
        /// assert_eq!(x.sum_cols(), matrix![[3.0], [7.0]]);
        /// assert_eq!(x.rows_view(0..1).sum_cols(), matrix![[3.0]]);
        /// ```
        pub fn sum_cols(&self) -> Matrix<T> {
            Matrix {
                rows: self.rows,
                cols: 1,
                data: self
                    .rows_iter()
                    .map(|row| row.iter().fold(T::ZERO, |s, &v| s + v))
                    .collect(),
            }
        }

        /// Stacks `n` copies of each row, like `np.repeat(x, n, axis=0)`:
        /// row `i` becomes rows `i*n .. (i+1)*n`. The backward pass of
        /// [`sum_rows`](Self::sum_rows).
        ///
        /// ```
        /// use groundup::matrix;
        /// let b = matrix![[1.0f32, 2.0]];
        /// assert_eq!(b.repeat_rows(3), matrix![[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]);
        /// assert_eq!(b.view().repeat_rows(2).sum_rows(), matrix![[2.0, 4.0]]);
        /// ```
        pub fn repeat_rows(&self, n: usize) -> Matrix<T> {
            let rows = self
                .rows
                .checked_mul(n)
                .unwrap_or_else(|| panic!("repeat_rows: {} rows x {n} overflows", self.rows));
            let mut out = Matrix::zeros(rows, self.cols);
            for (src, dst) in self.rows_iter().zip(out.data.chunks_mut(self.cols.saturating_mul(n).max(1))) {
                for d in dst.chunks_exact_mut(self.cols.max(1)) {
                    d.copy_from_slice(src);
                }
            }
            out
        }

        /// The transpose, as a new matrix.
        ///
        /// ```
        /// use groundup::matrix;
        /// let m = matrix![[1.0f64, 2.0, 3.0], [4.0, 5.0, 6.0]];
        /// assert_eq!(m.transpose(), matrix![[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]);
        /// assert_eq!(m.rows_view(1..2).transpose(), matrix![[4.0], [5.0], [6.0]]);
        /// ```
        pub fn transpose(&self) -> Matrix<T> {
            let mut out = Matrix::zeros(self.cols, self.rows);
            for (i, row) in self.rows_iter().enumerate() {
                for (j, &v) in row.iter().enumerate() {
                    out.data[j * self.rows + i] = v;
                }
            }
            out
        }

        /// Converts every element to another scalar type (rounding to
        /// nearest when narrowing, like numpy's `astype`).
        ///
        /// ```
        /// use groundup::{matrix, Matrix};
        /// let m = matrix![[0.1f64, 1.0 / 3.0]];
        /// let f: Matrix<f32> = m.cast();
        /// assert_eq!(f, matrix![[0.1f32, 1.0 / 3.0]]);
        /// assert_eq!(m.view().cast::<f32>(), f);
        /// ```
        pub fn cast<U: Scalar>(&self) -> Matrix<U> {
            Matrix {
                rows: self.rows,
                cols: self.cols,
                data: self.data[..].iter().map(|&v| U::from_f64(v.to_f64())).collect(),
            }
        }

        /// Rows `indices` in that order, as a new matrix: numpy's `x[idx]`.
        /// Panics if an index is out of range.
        ///
        /// ```
        /// use groundup::Matrix;
        /// let x = Matrix::from_fn(3, 2, |i, j| (i * 2 + j) as f64);
        /// assert_eq!(x.gather_rows(&[2, 0]).as_slice(), &[4.0, 5.0, 0.0, 1.0]);
        /// assert_eq!(x.rows_view(1..3).gather_rows(&[1]).as_slice(), &[4.0, 5.0]);
        /// ```
        pub fn gather_rows(&self, indices: &[usize]) -> Matrix<T> {
            let mut out = Matrix::zeros(indices.len(), self.cols);
            self.gather_rows_into(indices, &mut out);
            out
        }

        /// [`gather_rows`](Self::gather_rows) into `out`, resized if needed
        /// (no allocation when its capacity suffices). Panics if an index
        /// is out of range.
        ///
        /// ```
        /// use groundup::{matrix, Matrix};
        /// let x = matrix![[1.0f32, 2.0], [3.0, 4.0]];
        /// let mut out = Matrix::zeros(2, 2);
        /// x.gather_rows_into(&[1, 1], &mut out);
        /// assert_eq!(out, matrix![[3.0, 4.0], [3.0, 4.0]]);
        /// ```
        pub fn gather_rows_into(&self, indices: &[usize], out: &mut Matrix<T>) {
            out.resize(indices.len(), self.cols);
            if self.cols == 0 {
                for &i in indices {
                    assert!(i < self.rows, "gather_rows: index {i} out of range for {} rows", self.rows);
                }
                return;
            }
            // A copy at a run-time length is a `memcpy` call, which costs more
            // than the copy itself for rows of a few elements (the spiral's
            // points, one-hot targets); those widths are moved inline.
            let (src, rows) = (&self.data[..], self.rows);
            match self.cols {
                1 => gather_rows_fixed::<T, 1>(src, rows, indices, &mut out.data),
                2 => gather_rows_fixed::<T, 2>(src, rows, indices, &mut out.data),
                3 => gather_rows_fixed::<T, 3>(src, rows, indices, &mut out.data),
                4 => gather_rows_fixed::<T, 4>(src, rows, indices, &mut out.data),
                cols => {
                    for (dst, &i) in out.data.chunks_exact_mut(cols).zip(indices) {
                        assert!(i < rows, "gather_rows: index {i} out of range for {rows} rows");
                        dst.copy_from_slice(&src[i * cols..(i + 1) * cols]);
                    }
                }
            }
        }
    };
}

/// `gather_rows_into` for rows of a fixed width `C`.
fn gather_rows_fixed<T: Copy, const C: usize>(
    src: &[T],
    rows: usize,
    indices: &[usize],
    out: &mut [T],
) {
    for (dst, &i) in out.chunks_exact_mut(C).zip(indices) {
        assert!(
            i < rows,
            "gather_rows: index {i} out of range for {rows} rows"
        );
        let row: &[T; C] = src[i * C..(i + 1) * C]
            .try_into()
            .expect("a row of C elements");
        dst.copy_from_slice(row);
    }
}

impl<T: Scalar> Matrix<T> {
    read_only_methods!('_);
}

impl<'a, T: Scalar> MatrixView<'a, T> {
    read_only_methods!('a);
}

macro_rules! index_impl {
    ($($ty:tt)*) => {
        impl<T: Scalar> Index<(usize, usize)> for $($ty)* {
            type Output = T;
            #[inline]
            fn index(&self, (i, j): (usize, usize)) -> &T {
                assert!(
                    i < self.rows && j < self.cols,
                    "index ({i}, {j}) out of range for shape ({}, {})",
                    self.rows,
                    self.cols
                );
                &self.data[i * self.cols + j]
            }
        }
    };
}

index_impl!(Matrix<T>);
index_impl!(MatrixView<'_, T>);
