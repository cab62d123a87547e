//! The computational-graph nodes of the book's §1.3.4 (the seed notebook's
//! 덧셈/곱셈/분기/Repeat/Sum nodes). Each is a small struct with `forward` and
//! `backward`; the doc of each states the identity it implements. (The
//! MatMul node is the [`MatMul`](super::MatMul) layer.)
//!
//! ```
//! use groundup::layers::nodes::{Repeat, Sum};
//! use groundup::Matrix;
//! // Repeat's backward is a sum over rows, Sum's backward is a repeat.
//! let dy = Matrix::from_fn(7, 8, |i, j| (i * 8 + j) as f64);
//! let mut repeat = Repeat::new(7);
//! let dx = repeat.backward(&dy);
//! assert_eq!(dx, dy.sum_rows());
//! let mut sum = Sum::new();
//! sum.forward(&dy);
//! assert_eq!(sum.backward(&dx), dx.repeat_rows(7));
//! ```

use super::check_same_shape;
use crate::matrix::Matrix;
use crate::scalar::Scalar;

/// `z = x + y`; backward copies `dout` to both inputs (`∂z/∂x = ∂z/∂y = 1`).
#[derive(Clone, Debug, Default)]
pub struct Add<T: Scalar> {
    out: Matrix<T>,
    shape: (usize, usize),
}

impl<T: Scalar> Add<T> {
    /// A new Add node.
    pub fn new() -> Self {
        Self::default()
    }
    /// `x + y` (same shapes; panics naming both otherwise).
    pub fn forward(&mut self, x: &Matrix<T>, y: &Matrix<T>) -> &Matrix<T> {
        check_same_shape("Add", "forward", x.shape(), y.shape());
        self.shape = x.shape();
        self.out.assign(x.view());
        self.out.zip_map_inplace(y, |a, b| a + b);
        &self.out
    }
    /// `(dx, dy) = (dout, dout)`.
    pub fn backward(&mut self, dout: &Matrix<T>) -> (Matrix<T>, Matrix<T>) {
        check_same_shape("Add", "backward", self.shape, dout.shape());
        (dout.clone(), dout.clone())
    }
}

/// `z = x ⊙ y` (element-wise); backward swaps the inputs:
/// `dx = dout ⊙ y`, `dy = dout ⊙ x`.
#[derive(Clone, Debug, Default)]
pub struct Mul<T: Scalar> {
    x: Matrix<T>,
    y: Matrix<T>,
    out: Matrix<T>,
}

impl<T: Scalar> Mul<T> {
    /// A new Mul node.
    pub fn new() -> Self {
        Self::default()
    }
    /// `x ⊙ y` (same shapes; panics naming both otherwise).
    pub fn forward(&mut self, x: &Matrix<T>, y: &Matrix<T>) -> &Matrix<T> {
        check_same_shape("Mul", "forward", x.shape(), y.shape());
        self.x.assign(x.view());
        self.y.assign(y.view());
        self.out.assign(x.view());
        self.out.zip_map_inplace(y, |a, b| a * b);
        &self.out
    }
    /// `(dout ⊙ y, dout ⊙ x)`.
    pub fn backward(&mut self, dout: &Matrix<T>) -> (Matrix<T>, Matrix<T>) {
        check_same_shape("Mul", "backward", self.x.shape(), dout.shape());
        (
            dout.zip_map(&self.y, |d, y| d * y),
            dout.zip_map(&self.x, |d, x| d * x),
        )
    }
}

/// Branch (copy) node: forward sends `x` to two consumers; backward adds the
/// two upstream gradients, `dx = dout1 + dout2`.
#[derive(Clone, Debug, Default)]
pub struct Branch<T: Scalar> {
    shape: (usize, usize),
    _t: std::marker::PhantomData<T>,
}

impl<T: Scalar> Branch<T> {
    /// A new Branch node.
    pub fn new() -> Self {
        Self::default()
    }
    /// Two copies of `x`.
    pub fn forward(&mut self, x: &Matrix<T>) -> (Matrix<T>, Matrix<T>) {
        self.shape = x.shape();
        (x.clone(), x.clone())
    }
    /// `dout1 + dout2`.
    pub fn backward(&mut self, dout1: &Matrix<T>, dout2: &Matrix<T>) -> Matrix<T> {
        check_same_shape("Branch", "backward", self.shape, dout1.shape());
        check_same_shape("Branch", "backward", self.shape, dout2.shape());
        dout1 + dout2
    }
}

/// Repeat node: forward stacks a `1 x D` row `n` times (`np.repeat(x, n,
/// axis=0)`); backward sums the `n x D` gradient over rows
/// (`np.sum(dy, axis=0, keepdims=True)`). It is what numpy's broadcasting of
/// a bias does.
#[derive(Clone, Debug)]
pub struct Repeat<T: Scalar> {
    n: usize,
    _t: std::marker::PhantomData<T>,
}

impl<T: Scalar> Repeat<T> {
    /// A Repeat node producing `n` rows.
    pub fn new(n: usize) -> Self {
        Repeat {
            n,
            _t: std::marker::PhantomData,
        }
    }
    /// `x` (`1 x D`) repeated to `n x D`. Panics if `x` is not one row.
    pub fn forward(&mut self, x: &Matrix<T>) -> Matrix<T> {
        assert!(
            x.rows() == 1,
            "Repeat.forward: input shape ({}, {}) must be one row",
            x.rows(),
            x.cols()
        );
        x.repeat_rows(self.n)
    }
    /// The row sum of `dy` (`n x D` → `1 x D`).
    pub fn backward(&mut self, dy: &Matrix<T>) -> Matrix<T> {
        assert!(
            dy.rows() == self.n,
            "Repeat.backward: gradient shape ({}, {}) must have {} rows",
            dy.rows(),
            dy.cols(),
            self.n
        );
        dy.sum_rows()
    }
}

/// Sum node: forward sums `N x D` over rows to `1 x D` (`np.sum(x, axis=0,
/// keepdims=True)`); backward repeats the `1 x D` gradient `N` times.
#[derive(Clone, Debug, Default)]
pub struct Sum<T: Scalar> {
    n: usize,
    _t: std::marker::PhantomData<T>,
}

impl<T: Scalar> Sum<T> {
    /// A new Sum node.
    pub fn new() -> Self {
        Self::default()
    }
    /// The row sum of `x`.
    pub fn forward(&mut self, x: &Matrix<T>) -> Matrix<T> {
        self.n = x.rows();
        x.sum_rows()
    }
    /// `dy` (`1 x D`) repeated to the forward input's row count.
    pub fn backward(&mut self, dy: &Matrix<T>) -> Matrix<T> {
        assert!(
            dy.rows() == 1,
            "Sum.backward: gradient shape ({}, {}) must be one row",
            dy.rows(),
            dy.cols()
        );
        dy.repeat_rows(self.n)
    }
}
