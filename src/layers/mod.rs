//! Layers with `forward`/`backward`, after the book's `common/layers.py`.
//!
//! Every layer keeps the buffers it needs for the backward pass (its input or
//! output) and its own output and gradient buffers, and reuses them while the
//! batch shape repeats, so a training step allocates nothing after the first.
//! `forward` and `backward` return references to those buffers.
//!
//! Parameters and their gradients live together in [`Param`]s, which
//! optimizers walk. `backward` overwrites gradients (it does not accumulate),
//! as the book's `grads[0][...] = dW` does.
//!
//! Shape errors are programming errors: a layer fed an input of the wrong
//! width panics with a message naming the layer and both shapes.
//!
//! ```
//! use groundup::layers::{Affine, Layer, Sigmoid};
//! use groundup::Matrix;
//! let w = Matrix::from_vec(2, 1, vec![1.0f64, -1.0]).unwrap();
//! let b = Matrix::from_vec(1, 1, vec![0.5]).unwrap();
//! let mut affine = Affine::new(w, b);
//! let mut sigmoid = Sigmoid::new();
//! let x = Matrix::from_vec(1, 2, vec![2.0, 2.5]).unwrap();
//! let h = affine.forward(x.view()).clone();
//! assert_eq!(h.as_slice(), &[0.0]);
//! assert_eq!(sigmoid.forward(h.view()).as_slice(), &[0.5]);
//! ```

mod activation;
mod affine;
mod loss;
pub mod nodes;

pub use activation::{Dropout, ReLU, Sigmoid, Softmax, Tanh};
pub use affine::{Affine, MatMul};
pub use loss::{
    cross_entropy_error, softmax_rows, LossLayer, SigmoidWithLoss, SoftmaxWithLoss, LOG_EPSILON,
};

use crate::matrix::{Matrix, MatrixView};
use crate::scalar::Scalar;

/// A trainable parameter and the gradient of the loss with respect to it
/// (same shape), as the book's parallel `params`/`grads` lists.
#[derive(Clone, Debug, PartialEq)]
pub struct Param<T: Scalar> {
    /// The current value.
    pub value: Matrix<T>,
    /// ∂loss/∂value from the last backward pass.
    pub grad: Matrix<T>,
}

impl<T: Scalar> Param<T> {
    /// A parameter with a zero gradient of the same shape.
    pub fn new(value: Matrix<T>) -> Self {
        let grad = Matrix::zeros(value.rows(), value.cols());
        Param { value, grad }
    }
}

/// What a parameter is, as far as its storage layout goes: it decides how
/// the parameter maps to another framework's layout (see
/// [`WeightLayout`](crate::io::WeightLayout)). Reported per parameter by
/// [`Layer::param_kinds`] and [`Model::param_kinds`](crate::model::Model::param_kinds).
///
/// ```
/// use groundup::layers::{Affine, Layer, ParamKind};
/// use groundup::Matrix;
/// let affine = Affine::new(Matrix::<f32>::zeros(3, 4), Matrix::zeros(1, 4));
/// assert_eq!(affine.param_kinds(), [ParamKind::LinearWeight, ParamKind::Bias]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParamKind {
    /// The weight of a linear map applied as `x·W`, stored `(in, out)` (the
    /// `W` of [`Affine`] and [`MatMul`], as the book stores it). PyTorch's
    /// `nn.Linear.weight` is its transpose, `(out, in)`.
    LinearWeight,
    /// A bias added to every row, stored `1 x n` (PyTorch stores `[n]`).
    Bias,
    /// Stored the same way in every layout this crate knows, never
    /// transposed: e.g. an embedding table `(vocab, dim)`, which PyTorch's
    /// `nn.Embedding.weight` stores the same way.
    Other,
    /// Not reported (a layer that does not implement
    /// [`Layer::param_kinds`]): such a parameter loads and saves only in
    /// groundup's own layout; any other layout is an error naming it.
    Unknown,
}

/// Training targets for a loss layer: one-hot rows (the seed notebook's form)
/// or class indices.
#[derive(Clone, Copy, Debug)]
pub enum Targets<'a, T: Scalar> {
    /// `batch x classes` rows; the class of a row is its argmax (as the book
    /// converts one-hot targets with `t.argmax(axis=1)`). A single column
    /// holds 0/1 labels instead (a sigmoid model's targets): the class of a
    /// row is 1 where its value is above 0.5.
    OneHot(MatrixView<'a, T>),
    /// One class index per row.
    Indices(&'a [usize]),
}

impl<'a, T: Scalar> Targets<'a, T> {
    /// Number of rows (samples).
    pub fn len(&self) -> usize {
        match self {
            Targets::OneHot(m) => m.rows(),
            Targets::Indices(i) => i.len(),
        }
    }
    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The class of row `i`.
    #[inline]
    pub fn class(&self, i: usize) -> usize {
        match self {
            Targets::OneHot(m) if m.cols() == 1 => usize::from(m.row(i)[0] > T::from_f64(0.5)),
            Targets::OneHot(m) => {
                let mut best = [0];
                crate::matrix::argmax_rows_into(m.row(i), m.cols(), &mut best);
                best[0]
            }
            Targets::Indices(idx) => idx[i],
        }
    }
    /// Every row's class into `out` (replacing its contents; no allocation
    /// once `out` has the capacity).
    pub fn classes_into(&self, out: &mut Vec<usize>) {
        out.clear();
        match self {
            Targets::OneHot(m) if m.cols() == 1 => {
                out.extend((0..m.rows()).map(|i| self.class(i)));
            }
            Targets::OneHot(m) => {
                out.resize(m.rows(), 0);
                crate::matrix::argmax_rows_into(m.as_slice(), m.cols(), out);
            }
            Targets::Indices(idx) => out.extend_from_slice(idx),
        }
    }
    /// Rows `range` of the targets.
    pub fn rows(&self, range: std::ops::Range<usize>) -> Targets<'a, T> {
        match self {
            Targets::OneHot(m) => Targets::OneHot(m.rows_view(range)),
            Targets::Indices(idx) => Targets::Indices(&idx[range]),
        }
    }
}

impl<'a, T: Scalar> From<&'a Matrix<T>> for Targets<'a, T> {
    fn from(m: &'a Matrix<T>) -> Self {
        Targets::OneHot(m.view())
    }
}

impl<'a, T: Scalar> From<&'a [usize]> for Targets<'a, T> {
    fn from(i: &'a [usize]) -> Self {
        Targets::Indices(i)
    }
}

impl<'a, T: Scalar> From<&'a Vec<usize>> for Targets<'a, T> {
    fn from(i: &'a Vec<usize>) -> Self {
        Targets::Indices(i)
    }
}

/// A single-input layer: `forward` maps a batch (rows are samples) to an
/// output batch, `backward` maps ∂loss/∂output to ∂loss/∂input and fills the
/// gradients of its parameters.
pub trait Layer<T: Scalar>: Send {
    /// The layer's name in messages, e.g. `"Affine"`.
    fn name(&self) -> &'static str;
    /// Computes the output for `x` and keeps what `backward` needs.
    fn forward(&mut self, x: MatrixView<'_, T>) -> &Matrix<T>;
    /// The output for `x` in evaluation mode (Dropout scales instead of
    /// dropping), keeping nothing: inference through a shared reference.
    /// Allocates the result.
    fn infer(&self, x: MatrixView<'_, T>) -> Matrix<T>;
    /// Given ∂loss/∂output, returns ∂loss/∂input and overwrites the
    /// parameters' gradients. Call after `forward`.
    fn backward(&mut self, dout: MatrixView<'_, T>) -> &Matrix<T>;
    /// The trainable parameters (empty for parameter-free layers).
    fn params(&self) -> &[Param<T>] {
        &[]
    }
    /// The trainable parameters, mutable (for optimizers).
    fn params_mut(&mut self) -> &mut [Param<T>] {
        &mut []
    }
    /// Names of the parameters, in order (Affine: `["W", "b"]`), used for
    /// saving models.
    fn param_names(&self) -> &'static [&'static str] {
        &[]
    }
    /// The [`ParamKind`] of each parameter, in the order of
    /// [`params`](Layer::params) (Affine: `[LinearWeight, Bias]`). Default:
    /// empty, meaning not reported: the parameters count as
    /// [`ParamKind::Unknown`].
    ///
    /// ```
    /// use groundup::layers::{Layer, MatMul, ParamKind, ReLU};
    /// use groundup::Matrix;
    /// assert_eq!(MatMul::new(Matrix::<f64>::zeros(2, 2)).param_kinds(), [ParamKind::LinearWeight]);
    /// assert!(Layer::<f64>::param_kinds(&ReLU::new()).is_empty());
    /// ```
    fn param_kinds(&self) -> &'static [ParamKind] {
        &[]
    }
    /// Switches between training and inference behaviour (only Dropout
    /// differs). Default: no-op.
    fn set_training(&mut self, _training: bool) {}
    /// The input width this layer requires, if fixed (Affine: rows of W).
    fn input_cols(&self) -> Option<usize> {
        None
    }
    /// The output width for an input of width `input_cols`.
    fn output_cols(&self, input_cols: usize) -> usize {
        input_cols
    }
}

pub(crate) fn check_same_shape(
    layer: &str,
    what: &str,
    expected: (usize, usize),
    got: (usize, usize),
) {
    assert!(
        expected == got,
        "{layer}.{what}: got shape ({}, {}), expected ({}, {}) (the shape of the last forward pass)",
        got.0,
        got.1,
        expected.0,
        expected.1
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_class_from_one_hot_and_indices_agree() {
        let t = Matrix::from_vec(2, 3, vec![0.0f64, 1.0, 0.0, 0.0, 0.0, 1.0]).unwrap();
        let one_hot: Targets<'_, f64> = (&t).into();
        let idx = vec![1usize, 2];
        let indices: Targets<'_, f64> = (&idx).into();
        for i in 0..2 {
            assert_eq!(one_hot.class(i), indices.class(i));
        }
        assert_eq!(one_hot.rows(1..2).class(0), 2);
    }
}
