//! Parameter-free element-wise layers and Softmax.

use super::{check_same_shape, Layer};
use crate::matrix::{Matrix, MatrixView};
use crate::scalar::Scalar;

/// `y = 1 / (1 + exp(-x))`; backward `dx = dout·(1 - y)·y` (evaluated in
/// that order, as the book writes it, so float64 results match numpy).
///
/// ```
/// use groundup::layers::{Layer, Sigmoid};
/// use groundup::matrix;
/// let mut sigmoid = Sigmoid::new();
/// let y = sigmoid.forward(matrix![[0.0f64, 2.0]].view()).clone();
/// assert_eq!(y[(0, 0)], 0.5);
/// assert_eq!(y[(0, 1)], 1.0 / (1.0 + (-2.0f64).exp()));
/// // The local gradient (1 − y)·y is largest, 0.25, at x = 0.
/// let dx = sigmoid.backward(matrix![[1.0, 1.0]].view());
/// assert_eq!(dx[(0, 0)], 0.25);
/// assert!(dx[(0, 1)] < 0.25);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Sigmoid<T: Scalar> {
    out: Matrix<T>,
    dx: Matrix<T>,
}

impl<T: Scalar> Sigmoid<T> {
    /// A new Sigmoid layer.
    ///
    /// ```
    /// use groundup::layers::{Layer, Sigmoid};
    /// use groundup::Matrix;
    /// let sigmoid = Sigmoid::<f32>::new();
    /// assert_eq!(sigmoid.name(), "Sigmoid");
    /// assert!(sigmoid.params().is_empty());
    /// assert_eq!(sigmoid.infer(Matrix::zeros(2, 3).view()), Matrix::filled(2, 3, 0.5));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The output of the last [`forward`](Layer::forward), which its
    /// backward pass reads (and `TwoLayerNet`'s second Affine layer too).
    pub(crate) fn output(&self) -> &Matrix<T> {
        &self.out
    }
}

/// `out = f(x)` element by element (out resized to x's shape).
fn map_into<T: Scalar>(out: &mut Matrix<T>, x: MatrixView<'_, T>, f: impl Fn(T) -> T) {
    out.resize(x.rows(), x.cols());
    for (y, &v) in out.as_mut_slice().iter_mut().zip(x.as_slice()) {
        *y = f(v);
    }
}

/// `f` of every element of `x`, into a new matrix.
fn map_new<T: Scalar>(x: MatrixView<'_, T>, f: impl Fn(T) -> T) -> Matrix<T> {
    let mut out = Matrix::default();
    map_into(&mut out, x, f);
    out
}

/// `dx = g(dout, saved)` element by element, where `saved` is what the
/// forward pass kept (its output or mask); checks dout's shape first.
fn grad_into<T: Scalar>(
    layer: &str,
    dx: &mut Matrix<T>,
    dout: MatrixView<'_, T>,
    saved: &Matrix<T>,
    g: impl Fn(T, T) -> T,
) {
    check_same_shape(layer, "backward", saved.shape(), dout.shape());
    dx.resize(dout.rows(), dout.cols());
    for ((dx, &d), &s) in dx
        .as_mut_slice()
        .iter_mut()
        .zip(dout.as_slice())
        .zip(saved.as_slice())
    {
        *dx = g(d, s);
    }
}

impl<T: Scalar> Layer<T> for Sigmoid<T> {
    fn name(&self) -> &'static str {
        "Sigmoid"
    }
    fn forward(&mut self, x: MatrixView<'_, T>) -> &Matrix<T> {
        self.out.resize(x.rows(), x.cols());
        T::sigmoid_into(x.as_slice(), self.out.as_mut_slice());
        &self.out
    }
    fn infer(&self, x: MatrixView<'_, T>) -> Matrix<T> {
        let mut out = x.to_matrix();
        T::sigmoid_in_place(out.as_mut_slice());
        out
    }
    fn backward(&mut self, dout: MatrixView<'_, T>) -> &Matrix<T> {
        // dout·(1 − y)·y, at the kernel's vector width (the layers' own
        // loops get the baseline's two f64 lanes on x86-64).
        check_same_shape("Sigmoid", "backward", self.out.shape(), dout.shape());
        self.dx.resize(dout.rows(), dout.cols());
        let kernel = crate::gemm::Config::current().kernel;
        T::sigmoid_grad(
            kernel,
            dout.as_slice(),
            self.out.as_slice(),
            self.dx.as_mut_slice(),
        );
        &self.dx
    }
}

/// `y = x` where `x > 0`, else 0; backward passes `dout` except where
/// `x <= 0`. This is the book's `mask = (x <= 0)`, so a NaN input stays NaN
/// (and passes its gradient): a diverging run shows instead of hiding.
///
/// ```
/// use groundup::layers::{Layer, ReLU};
/// use groundup::matrix;
/// let mut relu = ReLU::new();
/// let y = relu.forward(matrix![[-1.0f64, 0.0, 2.0, f64::NAN]].view()).clone();
/// assert_eq!(&y.as_slice()[..3], &[0.0, 0.0, 2.0]);
/// assert!(y[(0, 3)].is_nan());
/// // The gradient passes where x > 0, and where x is NaN.
/// let dx = relu.backward(matrix![[5.0, 5.0, 5.0, 5.0]].view());
/// assert_eq!(dx.as_slice(), &[0.0, 0.0, 5.0, 5.0]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct ReLU<T: Scalar> {
    out: Matrix<T>,
    dx: Matrix<T>,
}

impl<T: Scalar> ReLU<T> {
    /// A new ReLU layer.
    ///
    /// ```
    /// use groundup::layers::{Layer, ReLU};
    /// use groundup::matrix;
    /// let relu = ReLU::<f64>::new();
    /// assert_eq!(relu.name(), "ReLU");
    /// assert_eq!(relu.infer(matrix![[-3.0, 3.0]].view()), matrix![[0.0, 3.0]]);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

#[inline]
fn relu<T: Scalar>(v: T) -> T {
    if v <= T::ZERO {
        T::ZERO
    } else {
        v
    }
}

impl<T: Scalar> Layer<T> for ReLU<T> {
    fn name(&self) -> &'static str {
        "ReLU"
    }
    fn forward(&mut self, x: MatrixView<'_, T>) -> &Matrix<T> {
        map_into(&mut self.out, x, relu);
        &self.out
    }
    fn infer(&self, x: MatrixView<'_, T>) -> Matrix<T> {
        map_new(x, relu)
    }
    fn backward(&mut self, dout: MatrixView<'_, T>) -> &Matrix<T> {
        // out <= 0 exactly where x <= 0 (NaN is neither), so the output
        // doubles as the mask.
        grad_into("ReLU", &mut self.dx, dout, &self.out, |d, y| {
            if y <= T::ZERO {
                T::ZERO
            } else {
                d
            }
        });
        &self.dx
    }
}

/// `y = tanh(x)`; backward `dx = dout·(1 - y²)`.
///
/// ```
/// use groundup::layers::{Layer, Tanh};
/// use groundup::matrix;
/// let mut tanh = Tanh::new();
/// let y = tanh.forward(matrix![[0.0f64, 0.5]].view())[(0, 1)];
/// assert_eq!(y, 0.5f64.tanh());
/// // The local gradient 1 − y² is 1 at the origin and smaller elsewhere.
/// let dx = tanh.backward(matrix![[1.0, 1.0]].view());
/// assert_eq!(dx[(0, 0)], 1.0);
/// assert_eq!(dx[(0, 1)], 1.0 - y * y);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Tanh<T: Scalar> {
    out: Matrix<T>,
    dx: Matrix<T>,
}

impl<T: Scalar> Tanh<T> {
    /// A new Tanh layer.
    ///
    /// ```
    /// use groundup::layers::{Layer, Tanh};
    /// use groundup::matrix;
    /// let tanh = Tanh::<f32>::new();
    /// assert_eq!(tanh.name(), "Tanh");
    /// assert_eq!(tanh.infer(matrix![[0.0, 100.0]].view()), matrix![[0.0, 1.0]]);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

impl<T: Scalar> Layer<T> for Tanh<T> {
    fn name(&self) -> &'static str {
        "Tanh"
    }
    fn forward(&mut self, x: MatrixView<'_, T>) -> &Matrix<T> {
        map_into(&mut self.out, x, T::tanh);
        &self.out
    }
    fn infer(&self, x: MatrixView<'_, T>) -> Matrix<T> {
        map_new(x, T::tanh)
    }
    fn backward(&mut self, dout: MatrixView<'_, T>) -> &Matrix<T> {
        grad_into("Tanh", &mut self.dx, dout, &self.out, |d, y| {
            d * (T::ONE - y * y)
        });
        &self.dx
    }
}

/// Row-wise softmax as a layer (the row maximum is subtracted first);
/// backward `dx = y·dout − y·Σ_row(y·dout)`.
///
/// ```
/// use groundup::layers::{Layer, Softmax};
/// use groundup::matrix;
/// let mut softmax = Softmax::new();
/// // Subtracting the row maximum first keeps exp(1000) from overflowing.
/// let y = softmax.forward(matrix![[0.0f64, 0.0], [1000.0, 1000.0]].view());
/// assert_eq!(y, &matrix![[0.5, 0.5], [0.5, 0.5]]);
/// // Adding a constant to a row does not change the softmax, so a gradient
/// // that is constant along a row has no effect on the input.
/// let dx = softmax.backward(matrix![[1.0, 1.0], [3.0, 3.0]].view());
/// assert_eq!(dx, &matrix![[0.0, 0.0], [0.0, 0.0]]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Softmax<T: Scalar> {
    out: Matrix<T>,
    dx: Matrix<T>,
}

impl<T: Scalar> Softmax<T> {
    /// A new Softmax layer.
    ///
    /// ```
    /// use groundup::layers::{Layer, Softmax};
    /// use groundup::matrix;
    /// let softmax = Softmax::<f64>::new();
    /// let p = softmax.infer(matrix![[1.0, 2.0, 3.0]].view());
    /// assert!((p.sum() - 1.0).abs() < 1e-15);
    /// assert_eq!(p.argmax_rows(), [2]);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

impl<T: Scalar> Layer<T> for Softmax<T> {
    fn name(&self) -> &'static str {
        "Softmax"
    }
    fn forward(&mut self, x: MatrixView<'_, T>) -> &Matrix<T> {
        super::loss::softmax_rows_into(x, &mut self.out, None);
        &self.out
    }
    fn infer(&self, x: MatrixView<'_, T>) -> Matrix<T> {
        let mut out = x.to_matrix();
        super::softmax_rows(&mut out);
        out
    }
    fn backward(&mut self, dout: MatrixView<'_, T>) -> &Matrix<T> {
        check_same_shape("Softmax", "backward", self.out.shape(), dout.shape());
        let cols = dout.cols();
        self.dx.resize(dout.rows(), cols);
        if cols == 0 {
            return &self.dx;
        }
        for ((dx, d), y) in self
            .dx
            .as_mut_slice()
            .chunks_exact_mut(cols)
            .zip(dout.as_slice().chunks_exact(cols))
            .zip(self.out.as_slice().chunks_exact(cols))
        {
            for ((dx, &d), &y) in dx.iter_mut().zip(d).zip(y) {
                *dx = y * d;
            }
            let s = dx.iter().fold(T::ZERO, |s, &v| s + v);
            for (dx, &y) in dx.iter_mut().zip(y) {
                *dx -= y * s;
            }
        }
        &self.dx
    }
}

/// The book's `Dropout(dropout_ratio=0.5)`: in training, each element is
/// kept (multiplied by 1) when a uniform draw exceeds the ratio and zeroed
/// otherwise (`mask = rand(*x.shape) > ratio`); in evaluation the output is
/// `x·(1 − ratio)`. Backward multiplies by the same mask. The mask comes from
/// the layer's own seeded [`RandomState`](crate::rng::RandomState), so runs
/// are reproducible.
///
/// ```
/// use groundup::layers::{Dropout, Layer};
/// use groundup::Matrix;
/// let mut d = Dropout::new(0.5, 42);
/// let x = Matrix::filled(4, 4, 2.0f64);
/// let y = d.forward(x.view()).clone();
/// assert!(y.as_slice().iter().all(|&v| v == 0.0 || v == 2.0));
/// d.set_training(false);
/// assert_eq!(d.forward(x.view()).as_slice(), &[1.0; 16]);
/// ```
#[derive(Clone, Debug)]
pub struct Dropout<T: Scalar> {
    ratio: f64,
    training: bool,
    frozen: bool,
    rng: crate::rng::RandomState,
    mask: Matrix<T>,
    out: Matrix<T>,
    dx: Matrix<T>,
}

impl<T: Scalar> Dropout<T> {
    /// Dropout with the given drop ratio (in `[0, 1)`) and mask seed; starts
    /// in training mode. Panics naming the ratio when it is out of range.
    ///
    /// ```
    /// use groundup::layers::{Dropout, Layer};
    /// use groundup::Matrix;
    /// // A ratio of 0 keeps every element.
    /// let mut keep_all = Dropout::new(0.0, 7);
    /// let x = Matrix::filled(3, 3, 2.0f64);
    /// assert_eq!(keep_all.forward(x.view()), &x);
    /// // A ratio of 1 would drop everything and is refused.
    /// assert!(std::panic::catch_unwind(|| Dropout::<f64>::new(1.0, 7)).is_err());
    /// ```
    pub fn new(ratio: f64, seed: u32) -> Self {
        assert!(
            (0.0..1.0).contains(&ratio),
            "Dropout::new: ratio {ratio} must be in [0, 1)"
        );
        Dropout {
            ratio,
            training: true,
            frozen: false,
            rng: crate::rng::RandomState::new(seed),
            mask: Matrix::default(),
            out: Matrix::default(),
            dx: Matrix::default(),
        }
    }

    /// Keeps reusing the current mask instead of drawing a new one per
    /// forward pass (for gradient checks). The shape must not change while
    /// frozen.
    ///
    /// ```
    /// use groundup::layers::{Dropout, Layer};
    /// use groundup::Matrix;
    /// let x = Matrix::filled(4, 4, 1.0f64);
    /// let mut dropout = Dropout::new(0.5, 3);
    /// dropout.forward(x.view());
    /// let first = dropout.mask().clone();
    /// dropout.freeze_mask(true);
    /// dropout.forward(x.view());
    /// assert_eq!(dropout.mask(), &first);
    /// dropout.freeze_mask(false);
    /// dropout.forward(x.view());
    /// assert_ne!(dropout.mask(), &first); // a fresh draw
    /// ```
    pub fn freeze_mask(&mut self, frozen: bool) {
        self.frozen = frozen;
    }

    /// The mask of the last training forward pass (1 kept, 0 dropped).
    ///
    /// ```
    /// use groundup::layers::{Dropout, Layer};
    /// use groundup::Matrix;
    /// let mut dropout = Dropout::new(0.5, 42);
    /// let x = Matrix::from_fn(2, 4, |i, j| (i * 4 + j + 1) as f64);
    /// let y = dropout.forward(x.view()).clone();
    /// let mask = dropout.mask().clone();
    /// assert!(mask.iter().all(|&m| m == 0.0 || m == 1.0));
    /// assert_eq!(y, x.zip_map(&mask, |v, m| v * m));
    /// // The gradient passes exactly where forward kept the input.
    /// assert_eq!(dropout.backward(Matrix::filled(2, 4, 1.0).view()), &mask);
    /// ```
    pub fn mask(&self) -> &Matrix<T> {
        &self.mask
    }
}

impl<T: Scalar> Layer<T> for Dropout<T> {
    fn name(&self) -> &'static str {
        "Dropout"
    }
    fn forward(&mut self, x: MatrixView<'_, T>) -> &Matrix<T> {
        self.out.resize(x.rows(), x.cols());
        if self.training {
            if !(self.frozen && self.mask.shape() == x.shape()) {
                self.mask.resize(x.rows(), x.cols());
                self.rng.dropout_mask(self.ratio, self.mask.as_mut_slice());
            }
            for ((y, &v), &m) in self
                .out
                .as_mut_slice()
                .iter_mut()
                .zip(x.as_slice())
                .zip(self.mask.as_slice())
            {
                *y = v * m;
            }
        } else {
            let keep = T::from_f64(1.0 - self.ratio);
            map_into(&mut self.out, x, |v| v * keep);
        }
        &self.out
    }
    fn infer(&self, x: MatrixView<'_, T>) -> Matrix<T> {
        let keep = T::from_f64(1.0 - self.ratio);
        map_new(x, |v| v * keep)
    }
    fn backward(&mut self, dout: MatrixView<'_, T>) -> &Matrix<T> {
        grad_into("Dropout", &mut self.dx, dout, &self.mask, |d, m| d * m);
        &self.dx
    }
    fn set_training(&mut self, training: bool) {
        self.training = training;
    }
}
