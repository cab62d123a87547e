//! Literal construction and iteration: [`Matrix::from_rows`], the
//! [`matrix!`](crate::matrix!) macro, element and row iterators, and
//! collecting rows into a matrix.

use super::Matrix;
use crate::scalar::Scalar;

impl<T: Scalar> Matrix<T> {
    /// A matrix from its rows written out as arrays (all of length `C`, so
    /// a ragged literal does not compile).
    ///
    /// ```
    /// use groundup::Matrix;
    /// let m = Matrix::from_rows([[1.0f64, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// assert_eq!(m.shape(), (2, 3));
    /// assert_eq!(m[(1, 0)], 4.0);
    /// // Any slice of rows works too, e.g. a Vec built at run time.
    /// let rows: Vec<[f32; 2]> = (0..4).map(|i| [i as f32, 1.0]).collect();
    /// assert_eq!(Matrix::from_rows(&rows).shape(), (4, 2));
    /// ```
    pub fn from_rows<const C: usize>(rows: impl AsRef<[[T; C]]>) -> Matrix<T> {
        let rows = rows.as_ref();
        Matrix {
            rows: rows.len(),
            cols: C,
            data: rows.iter().flatten().copied().collect(),
        }
    }

    /// The elements in row-major order, mutable.
    ///
    /// ```
    /// use groundup::matrix;
    /// let mut m = matrix![[1.0f64, 2.0]];
    /// m.iter_mut().for_each(|v| *v *= 10.0);
    /// assert_eq!(m, matrix![[10.0, 20.0]]);
    /// ```
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.data.iter_mut()
    }

    /// The rows as mutable slices, top to bottom.
    ///
    /// ```
    /// use groundup::matrix;
    /// let mut m = matrix![[1.0f32, 2.0], [3.0, 4.0]];
    /// for (i, row) in m.rows_iter_mut().enumerate() {
    ///     row[0] = i as f32;
    /// }
    /// assert_eq!(m, matrix![[0.0, 2.0], [1.0, 4.0]]);
    /// ```
    pub fn rows_iter_mut(&mut self) -> impl ExactSizeIterator<Item = &mut [T]> + '_ {
        let cols = self.cols;
        let rows = self.rows;
        // `chunks_exact_mut(0)` would panic; a matrix without columns has
        // `rows` empty rows.
        let mut rest: &mut [T] = &mut self.data;
        (0..rows).map(move |_| {
            let (row, tail) = std::mem::take(&mut rest).split_at_mut(cols);
            rest = tail;
            row
        })
    }
}

impl<'a, T: Scalar> IntoIterator for &'a Matrix<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T: Scalar> IntoIterator for &'a mut Matrix<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

/// Collects rows (arrays of one length) into a matrix.
///
/// ```
/// use groundup::Matrix;
/// let m: Matrix<f64> = (0..3).map(|i| [i as f64, (i * i) as f64]).collect();
/// assert_eq!(m.shape(), (3, 2));
/// assert_eq!(m.row(2), &[2.0, 4.0]);
/// ```
impl<T: Scalar, const C: usize> FromIterator<[T; C]> for Matrix<T> {
    fn from_iter<I: IntoIterator<Item = [T; C]>>(iter: I) -> Self {
        let mut data = Vec::new();
        let mut rows = 0;
        for row in iter {
            data.extend_from_slice(&row);
            rows += 1;
        }
        Matrix {
            rows,
            cols: C,
            data,
        }
    }
}

/// A [`Matrix`] literal, row by row:
/// `matrix![[1.0, 2.0], [3.0, 4.0]]` is [`Matrix::from_rows`] of those rows
/// (rows of different lengths do not compile).
///
/// ```
/// use groundup::{matrix, Matrix};
/// let a = matrix![[1.0f64, 2.0], [3.0, 4.0]];
/// assert_eq!(a, Matrix::from_vec(2, 2, vec![1.0, 2.0, 3.0, 4.0]).unwrap());
/// assert_eq!(a.matmul(&Matrix::identity(2)), a);
/// ```
#[macro_export]
macro_rules! matrix {
    ($([$($x:expr),* $(,)?]),+ $(,)?) => {
        $crate::Matrix::from_rows([$([$($x),*]),+])
    };
}
