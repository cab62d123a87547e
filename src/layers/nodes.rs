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
///
/// ```
/// use groundup::layers::nodes::Add;
/// use groundup::matrix;
/// let mut add = Add::new();
/// assert_eq!(add.forward(&matrix![[1.0f64, 2.0]], &matrix![[10.0, 20.0]]), &matrix![[11.0, 22.0]]);
/// let (dx, dy) = add.backward(&matrix![[0.5, -1.0]]);
/// assert_eq!((dx, dy), (matrix![[0.5, -1.0]], matrix![[0.5, -1.0]]));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Add<T: Scalar> {
    out: Matrix<T>,
    shape: (usize, usize),
}

impl<T: Scalar> Add<T> {
    /// A new Add node.
    ///
    /// ```
    /// use groundup::layers::nodes::Add;
    /// use groundup::Matrix;
    /// let mut add = Add::<f32>::new();
    /// let z = add.forward(&Matrix::zeros(2, 3), &Matrix::filled(2, 3, 1.0));
    /// assert_eq!(z, &Matrix::filled(2, 3, 1.0));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
    /// `x + y` (same shapes; panics naming both otherwise).
    ///
    /// ```
    /// use groundup::layers::nodes::Add;
    /// use groundup::matrix;
    /// let mut add = Add::new();
    /// let x = matrix![[1.0f64, 2.0], [3.0, 4.0]];
    /// assert_eq!(add.forward(&x, &x), &matrix![[2.0, 4.0], [6.0, 8.0]]);
    /// // No broadcasting (the Repeat node does that): a row does not fit.
    /// let row = matrix![[1.0, 2.0]];
    /// assert!(std::panic::catch_unwind(move || add.forward(&x, &row).clone()).is_err());
    /// ```
    pub fn forward(&mut self, x: &Matrix<T>, y: &Matrix<T>) -> &Matrix<T> {
        check_same_shape("Add", "forward", x.shape(), y.shape());
        self.shape = x.shape();
        self.out.assign(x.view());
        self.out.zip_map_inplace(y, |a, b| a + b);
        &self.out
    }
    /// `(dx, dy) = (dout, dout)`.
    ///
    /// ```
    /// use groundup::layers::nodes::Add;
    /// use groundup::matrix;
    /// let mut add = Add::new();
    /// add.forward(&matrix![[1.0f64, 2.0]], &matrix![[3.0, 4.0]]);
    /// // ∂z/∂x = ∂z/∂y = 1: both inputs receive dout unchanged.
    /// let (dx, dy) = add.backward(&matrix![[1.3, -0.7]]);
    /// assert_eq!(dx, matrix![[1.3, -0.7]]);
    /// assert_eq!(dy, dx);
    /// ```
    pub fn backward(&mut self, dout: &Matrix<T>) -> (Matrix<T>, Matrix<T>) {
        check_same_shape("Add", "backward", self.shape, dout.shape());
        (dout.clone(), dout.clone())
    }
}

/// `z = x ⊙ y` (element-wise); backward swaps the inputs:
/// `dx = dout ⊙ y`, `dy = dout ⊙ x`.
///
/// ```
/// use groundup::layers::nodes::Mul;
/// use groundup::matrix;
/// let mut mul = Mul::new();
/// assert_eq!(mul.forward(&matrix![[1.0f64, 2.0]], &matrix![[3.0, 4.0]]), &matrix![[3.0, 8.0]]);
/// // Each input's gradient is dout times the other input.
/// let (dx, dy) = mul.backward(&matrix![[1.0, 1.0]]);
/// assert_eq!((dx, dy), (matrix![[3.0, 4.0]], matrix![[1.0, 2.0]]));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Mul<T: Scalar> {
    x: Matrix<T>,
    y: Matrix<T>,
    out: Matrix<T>,
}

impl<T: Scalar> Mul<T> {
    /// A new Mul node.
    ///
    /// ```
    /// use groundup::layers::nodes::Mul;
    /// use groundup::Matrix;
    /// let mut mul = Mul::<f32>::new();
    /// let z = mul.forward(&Matrix::filled(2, 2, 3.0), &Matrix::filled(2, 2, 0.5));
    /// assert_eq!(z, &Matrix::filled(2, 2, 1.5));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
    /// `x ⊙ y` (same shapes; panics naming both otherwise).
    ///
    /// ```
    /// use groundup::layers::nodes::Mul;
    /// use groundup::matrix;
    /// // Two apples at 100 each, then 10% tax: two Mul nodes in a row.
    /// let (mut apples, mut tax) = (Mul::new(), Mul::new());
    /// let price = apples.forward(&matrix![[100.0f64]], &matrix![[2.0]]).clone();
    /// assert_eq!(price, matrix![[200.0]]);
    /// let total = tax.forward(&price, &matrix![[1.1]]);
    /// assert!((total[(0, 0)] - 220.0).abs() < 1e-9);
    /// ```
    pub fn forward(&mut self, x: &Matrix<T>, y: &Matrix<T>) -> &Matrix<T> {
        check_same_shape("Mul", "forward", x.shape(), y.shape());
        self.x.assign(x.view());
        self.y.assign(y.view());
        self.out.assign(x.view());
        self.out.zip_map_inplace(y, |a, b| a * b);
        &self.out
    }
    /// `(dout ⊙ y, dout ⊙ x)`.
    ///
    /// ```
    /// use groundup::layers::nodes::Mul;
    /// use groundup::matrix;
    /// // The apple example backwards: how the total moves with each input.
    /// let (mut apples, mut tax) = (Mul::new(), Mul::new());
    /// let price = apples.forward(&matrix![[100.0f64]], &matrix![[2.0]]).clone();
    /// tax.forward(&price, &matrix![[1.1]]);
    /// let (dprice, dtax) = tax.backward(&matrix![[1.0]]);
    /// let (dapple, dcount) = apples.backward(&dprice);
    /// assert!((dapple[(0, 0)] - 2.2).abs() < 1e-12); // per unit of apple price
    /// assert!((dcount[(0, 0)] - 110.0).abs() < 1e-12); // per apple
    /// assert_eq!(dtax, matrix![[200.0]]); // per unit of tax rate
    /// ```
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
///
/// ```
/// use groundup::layers::nodes::Branch;
/// use groundup::matrix;
/// let mut branch = Branch::new();
/// let (a, b) = branch.forward(&matrix![[1.0f64, 2.0]]);
/// assert_eq!(a, b);
/// // The gradients coming back from the two consumers add up.
/// let dx = branch.backward(&matrix![[1.0, 1.0]], &matrix![[0.5, 2.0]]);
/// assert_eq!(dx, matrix![[1.5, 3.0]]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Branch<T: Scalar> {
    shape: (usize, usize),
    _t: std::marker::PhantomData<T>,
}

impl<T: Scalar> Branch<T> {
    /// A new Branch node.
    ///
    /// ```
    /// use groundup::layers::nodes::Branch;
    /// use groundup::Matrix;
    /// let mut branch = Branch::<f64>::new();
    /// let (a, b) = branch.forward(&Matrix::zeros(3, 2));
    /// assert_eq!((a.shape(), b.shape()), ((3, 2), (3, 2)));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
    /// Two copies of `x`.
    ///
    /// ```
    /// use groundup::layers::nodes::Branch;
    /// use groundup::matrix;
    /// let x = matrix![[3.0f64, 4.0]];
    /// let mut branch = Branch::new();
    /// let (mut a, b) = branch.forward(&x);
    /// a[(0, 0)] = 0.0; // separate copies: changing one leaves the other
    /// assert_eq!(b, x);
    /// ```
    pub fn forward(&mut self, x: &Matrix<T>) -> (Matrix<T>, Matrix<T>) {
        self.shape = x.shape();
        (x.clone(), x.clone())
    }
    /// `dout1 + dout2`.
    ///
    /// ```
    /// use groundup::layers::nodes::{Add, Branch};
    /// use groundup::matrix;
    /// // z = x + x: the branch feeds both inputs of an Add, so dz/dx = 1 + 1.
    /// let (mut branch, mut add) = (Branch::new(), Add::new());
    /// let (x1, x2) = branch.forward(&matrix![[5.0f64, -1.0]]);
    /// add.forward(&x1, &x2);
    /// let (d1, d2) = add.backward(&matrix![[1.0, 1.0]]);
    /// assert_eq!(branch.backward(&d1, &d2), matrix![[2.0, 2.0]]);
    /// ```
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
///
/// ```
/// use groundup::layers::nodes::Repeat;
/// use groundup::{matrix, Matrix};
/// // A bias row broadcast over a batch of 3...
/// let b = matrix![[1.0f64, 2.0]];
/// let mut repeat = Repeat::new(3);
/// assert_eq!(repeat.forward(&b), matrix![[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]);
/// // ...so the bias's gradient is the batch's gradients summed.
/// assert_eq!(repeat.backward(&Matrix::filled(3, 2, 1.0)), matrix![[3.0, 3.0]]);
/// ```
#[derive(Clone, Debug)]
pub struct Repeat<T: Scalar> {
    n: usize,
    _t: std::marker::PhantomData<T>,
}

impl<T: Scalar> Repeat<T> {
    /// A Repeat node producing `n` rows.
    ///
    /// ```
    /// use groundup::layers::nodes::Repeat;
    /// use groundup::Matrix;
    /// let mut repeat = Repeat::new(7); // N = 7, as in the book
    /// assert_eq!(repeat.forward(&Matrix::<f64>::zeros(1, 8)).shape(), (7, 8));
    /// ```
    pub fn new(n: usize) -> Self {
        Repeat {
            n,
            _t: std::marker::PhantomData,
        }
    }
    /// `x` (`1 x D`) repeated to `n x D`. Panics if `x` is not one row.
    ///
    /// ```
    /// use groundup::layers::nodes::Repeat;
    /// use groundup::matrix;
    /// let mut repeat = Repeat::new(3);
    /// let y = repeat.forward(&matrix![[1.0f32, 2.0]]);
    /// assert_eq!(y, matrix![[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]);
    /// // Only a single row can be repeated.
    /// let column = matrix![[1.0f32], [2.0]];
    /// assert!(std::panic::catch_unwind(move || repeat.forward(&column)).is_err());
    /// ```
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
    ///
    /// ```
    /// use groundup::layers::nodes::Repeat;
    /// use groundup::matrix;
    /// let mut repeat = Repeat::new(3);
    /// // np.sum(dy, axis=0, keepdims=True)
    /// let dy = matrix![[1.0f64, 10.0], [2.0, 20.0], [3.0, 30.0]];
    /// assert_eq!(repeat.backward(&dy), matrix![[6.0, 60.0]]);
    /// ```
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
///
/// ```
/// use groundup::layers::nodes::Sum;
/// use groundup::matrix;
/// let mut sum = Sum::new();
/// let x = matrix![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
/// assert_eq!(sum.forward(&x), matrix![[9.0, 12.0]]);
/// // Every summed row receives the same gradient.
/// let dx = sum.backward(&matrix![[0.5, -1.0]]);
/// assert_eq!(dx, matrix![[0.5, -1.0], [0.5, -1.0], [0.5, -1.0]]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Sum<T: Scalar> {
    n: usize,
    _t: std::marker::PhantomData<T>,
}

impl<T: Scalar> Sum<T> {
    /// A new Sum node.
    ///
    /// ```
    /// use groundup::layers::nodes::Sum;
    /// use groundup::Matrix;
    /// let mut sum = Sum::<f64>::new();
    /// assert_eq!(sum.forward(&Matrix::filled(7, 8, 1.0)), Matrix::filled(1, 8, 7.0));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
    /// The row sum of `x`.
    ///
    /// ```
    /// use groundup::layers::nodes::Sum;
    /// use groundup::Matrix;
    /// let x = Matrix::from_fn(4, 3, |i, j| (i * 3 + j) as f64);
    /// let mut sum = Sum::new();
    /// // np.sum(x, axis=0, keepdims=True): one row of column sums.
    /// assert_eq!(sum.forward(&x).row(0), &[18.0, 22.0, 26.0]);
    /// ```
    pub fn forward(&mut self, x: &Matrix<T>) -> Matrix<T> {
        self.n = x.rows();
        x.sum_rows()
    }
    /// `dy` (`1 x D`) repeated to the forward input's row count.
    ///
    /// ```
    /// use groundup::layers::nodes::Sum;
    /// use groundup::{matrix, Matrix};
    /// let mut sum = Sum::new();
    /// sum.forward(&Matrix::<f64>::zeros(4, 2)); // remembers N = 4
    /// let dy = matrix![[1.0, 2.0]];
    /// assert_eq!(sum.backward(&dy), dy.repeat_rows(4));
    /// ```
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
