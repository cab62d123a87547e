//! Element-wise arithmetic. Every loop runs over plain slices (zip of
//! `iter_mut`/`iter`) so LLVM drops the bounds checks and vectorizes.

use super::{Matrix, MatrixView};
use crate::scalar::Scalar;
use std::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

fn assert_same_shape(op: &str, a: (usize, usize), b: (usize, usize)) {
    assert!(
        a == b,
        "{op}: shapes ({}, {}) and ({}, {}) differ (no broadcasting; see add_row_vector/repeat_rows)",
        a.0,
        a.1,
        b.0,
        b.1
    );
}

impl<T: Scalar> Matrix<T> {
    /// A new matrix with `f` applied to every element.
    ///
    /// ```
    /// use groundup::Matrix;
    /// let m = Matrix::from_vec(1, 3, vec![1.0f32, -2.0, 3.0]).unwrap();
    /// assert_eq!(m.map(|v| v.max(0.0)).as_slice(), &[1.0, 0.0, 3.0]);
    /// ```
    pub fn map(&self, f: impl Fn(T) -> T) -> Matrix<T> {
        Matrix {
            rows: self.rows,
            cols: self.cols,
            data: self.data.iter().map(|&v| f(v)).collect(),
        }
    }

    /// Applies `f` to every element in place.
    ///
    /// ```
    /// use groundup::matrix;
    /// let mut m = matrix![[1.0f32, -2.0], [-3.0, 4.0]];
    /// m.map_inplace(|v| v.max(0.0)); // ReLU without a new buffer
    /// assert_eq!(m, matrix![[1.0, 0.0], [0.0, 4.0]]);
    /// ```
    pub fn map_inplace(&mut self, f: impl Fn(T) -> T) {
        for v in &mut self.data {
            *v = f(*v);
        }
    }

    /// A new matrix with `f(self[i], other[i])` element by element. Panics
    /// naming both shapes when they differ.
    ///
    /// ```
    /// use groundup::matrix;
    /// let a = matrix![[1.0f64, 5.0], [3.0, 2.0]];
    /// let b = matrix![[4.0, 2.0], [3.0, 9.0]];
    /// assert_eq!(a.zip_map(&b, f64::max), matrix![[4.0, 5.0], [3.0, 9.0]]);
    /// // The other operand may be a view, e.g. one row of a bigger matrix.
    /// let row = matrix![[10.0, 20.0]];
    /// assert_eq!(row.zip_map(a.rows_view(1..2), |x, y| x - y), matrix![[7.0, 18.0]]);
    /// ```
    pub fn zip_map<'a>(
        &self,
        other: impl Into<MatrixView<'a, T>>,
        f: impl Fn(T, T) -> T,
    ) -> Matrix<T> {
        let other = other.into();
        assert_same_shape("zip_map", self.shape(), other.shape());
        Matrix {
            rows: self.rows,
            cols: self.cols,
            data: self
                .data
                .iter()
                .zip(other.data)
                .map(|(&a, &b)| f(a, b))
                .collect(),
        }
    }

    /// `self[i] = f(self[i], other[i])` in place. Panics naming both shapes
    /// when they differ.
    ///
    /// ```
    /// use groundup::matrix;
    /// let mut grad = matrix![[1.0f32, 2.0], [3.0, 4.0]];
    /// let mask = matrix![[1.0, 0.0], [0.0, 1.0]];
    /// grad.zip_map_inplace(&mask, |g, m| g * m); // dropout's backward pass
    /// assert_eq!(grad, matrix![[1.0, 0.0], [0.0, 4.0]]);
    /// ```
    pub fn zip_map_inplace<'a>(
        &mut self,
        other: impl Into<MatrixView<'a, T>>,
        f: impl Fn(T, T) -> T,
    ) {
        let other = other.into();
        assert_same_shape("zip_map_inplace", self.shape(), other.shape());
        for (a, &b) in self.data.iter_mut().zip(other.data) {
            *a = f(*a, b);
        }
    }

    /// Multiplies every element by `s` in place.
    ///
    /// ```
    /// use groundup::matrix;
    /// let mut m = matrix![[1.0f64, -2.0], [3.0, 4.0]];
    /// m.scale(0.5);
    /// assert_eq!(m, matrix![[0.5, -1.0], [1.5, 2.0]]);
    /// ```
    pub fn scale(&mut self, s: T) {
        for v in &mut self.data {
            *v *= s;
        }
    }

    /// `self += alpha * x` (BLAS axpy). Panics naming both shapes when they differ.
    ///
    /// ```
    /// use groundup::Matrix;
    /// let mut y = Matrix::filled(1, 2, 1.0f64);
    /// y.axpy(2.0, &Matrix::filled(1, 2, 3.0));
    /// assert_eq!(y.as_slice(), &[7.0, 7.0]);
    /// ```
    pub fn axpy<'a>(&mut self, alpha: T, x: impl Into<MatrixView<'a, T>>) {
        let x = x.into();
        assert_same_shape("axpy", self.shape(), x.shape());
        for (y, &x) in self.data.iter_mut().zip(x.data) {
            *y += alpha * x;
        }
    }

    /// Sets every element to `value`.
    ///
    /// ```
    /// use groundup::matrix;
    /// let mut m = matrix![[1.0f32, 2.0], [3.0, 4.0]];
    /// m.fill(0.0); // e.g. zeroing a gradient between steps
    /// assert_eq!(m, matrix![[0.0, 0.0], [0.0, 0.0]]);
    /// ```
    pub fn fill(&mut self, value: T) {
        self.data.fill(value);
    }

    /// Largest absolute difference to `other` (for tests and checks). Panics
    /// when the shapes differ.
    ///
    /// ```
    /// use groundup::matrix;
    /// let a = matrix![[1.0f64, 2.0], [3.0, 4.0]];
    /// let b = matrix![[1.0, 2.5], [2.0, 4.0]];
    /// assert_eq!(a.max_abs_diff(&b), 1.0);
    /// // A NaN anywhere makes the difference NaN, so a check with `<` fails.
    /// let c = matrix![[1.0, 2.0], [3.0, f64::NAN]];
    /// assert!(a.max_abs_diff(&c).is_nan());
    /// ```
    pub fn max_abs_diff<'a>(&self, other: impl Into<MatrixView<'a, T>>) -> T {
        let other = other.into();
        assert_same_shape("max_abs_diff", self.shape(), other.shape());
        self.data
            .iter()
            .zip(other.data)
            .fold(T::ZERO, |m, (&a, &b)| m.max_nan((a - b).abs()))
    }
}

/// The element-wise operator `$op` (`+ - *`) on every combination of owned
/// and borrowed matrices and with a scalar on the right, and its compound
/// assignment. An owned operand's buffer is reused for the result; two
/// matrices must have the same shape (a panic names both).
macro_rules! elementwise_op {
    ($trait:ident, $method:ident, $assign:ident, $assign_method:ident, $op:tt) => {
        impl<T: Scalar> $trait<&Matrix<T>> for &Matrix<T> {
            type Output = Matrix<T>;
            /// Element-wise; panics naming both shapes when they differ.
            fn $method(self, rhs: &Matrix<T>) -> Matrix<T> {
                assert_same_shape(stringify!($method), self.shape(), rhs.shape());
                self.zip_map(rhs, |a, b| a $op b)
            }
        }
        impl<T: Scalar> $trait<T> for &Matrix<T> {
            type Output = Matrix<T>;
            /// Applies the scalar to every element.
            fn $method(self, rhs: T) -> Matrix<T> {
                self.map(|a| a $op rhs)
            }
        }
        impl<T: Scalar> $trait<&Matrix<T>> for Matrix<T> {
            type Output = Matrix<T>;
            /// Element-wise, in `self`'s buffer; panics naming both shapes
            /// when they differ.
            fn $method(mut self, rhs: &Matrix<T>) -> Matrix<T> {
                self.$assign_method(rhs);
                self
            }
        }
        impl<T: Scalar> $trait<Matrix<T>> for Matrix<T> {
            type Output = Matrix<T>;
            /// Element-wise, in `self`'s buffer; panics naming both shapes
            /// when they differ.
            fn $method(mut self, rhs: Matrix<T>) -> Matrix<T> {
                self.$assign_method(&rhs);
                self
            }
        }
        impl<T: Scalar> $trait<Matrix<T>> for &Matrix<T> {
            type Output = Matrix<T>;
            /// Element-wise, in `rhs`'s buffer; panics naming both shapes
            /// when they differ.
            fn $method(self, mut rhs: Matrix<T>) -> Matrix<T> {
                assert_same_shape(stringify!($method), self.shape(), rhs.shape());
                for (b, &a) in rhs.data.iter_mut().zip(&self.data) {
                    *b = a $op *b;
                }
                rhs
            }
        }
        impl<T: Scalar> $trait<T> for Matrix<T> {
            type Output = Matrix<T>;
            /// Applies the scalar to every element, in `self`'s buffer.
            fn $method(mut self, rhs: T) -> Matrix<T> {
                self.$assign_method(rhs);
                self
            }
        }
        impl<T: Scalar> $assign<&Matrix<T>> for Matrix<T> {
            /// Element-wise in place; panics naming both shapes when they differ.
            fn $assign_method(&mut self, rhs: &Matrix<T>) {
                assert_same_shape(stringify!($assign_method), self.shape(), rhs.shape());
                for (a, &b) in self.data.iter_mut().zip(&rhs.data) {
                    *a = *a $op b;
                }
            }
        }
        impl<T: Scalar> $assign<Matrix<T>> for Matrix<T> {
            /// Element-wise in place; panics naming both shapes when they differ.
            fn $assign_method(&mut self, rhs: Matrix<T>) {
                self.$assign_method(&rhs);
            }
        }
        impl<T: Scalar> $assign<T> for Matrix<T> {
            /// Applies the scalar to every element in place.
            fn $assign_method(&mut self, rhs: T) {
                for a in &mut self.data {
                    *a = *a $op rhs;
                }
            }
        }
    };
}

elementwise_op!(Add, add, AddAssign, add_assign, +);
elementwise_op!(Sub, sub, SubAssign, sub_assign, -);
elementwise_op!(Mul, mul, MulAssign, mul_assign, *);

impl<T: Scalar> Neg for &Matrix<T> {
    type Output = Matrix<T>;
    /// Every element negated.
    fn neg(self) -> Matrix<T> {
        self.map(|a| -a)
    }
}

impl<T: Scalar> Neg for Matrix<T> {
    type Output = Matrix<T>;
    /// Every element negated, in place.
    fn neg(mut self) -> Matrix<T> {
        self.map_inplace(|a| -a);
        self
    }
}
