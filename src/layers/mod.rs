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
pub mod attention;
mod embedding;
mod loss;
mod negative_sampling;
pub mod nodes;
pub mod time;

pub use activation::{Dropout, ReLU, Sigmoid, Softmax, Tanh};
pub use affine::{Affine, MatMul};
pub use embedding::{Embedding, EmbeddingDot, RowGrad};
pub use loss::{
    cross_entropy_error, softmax_rows, LossLayer, SigmoidWithLoss, SoftmaxWithLoss, LOG_EPSILON,
};
pub use negative_sampling::{NegativeSamplingLoss, UnigramSampler};

use crate::matrix::{Ids, IdsView, Matrix, MatrixView};
use crate::scalar::Scalar;

/// A trainable parameter and the gradient of the loss with respect to it
/// (same shape), as the book's parallel `params`/`grads` lists.
///
/// ```
/// use groundup::layers::{Affine, Layer};
/// use groundup::matrix;
/// // An Affine layer's W and b are Params; backward fills their gradients.
/// let mut affine = Affine::new(matrix![[2.0f64], [3.0]], matrix![[1.0]]);
/// affine.forward(matrix![[1.0, 1.0]].view());
/// affine.backward(matrix![[1.0]].view());
/// let [w, b] = affine.params() else { unreachable!() };
/// assert_eq!(w.grad, matrix![[1.0], [1.0]]); // xᵀ·dout
/// assert_eq!(b.grad, matrix![[1.0]]);
/// assert_eq!(w.value.shape(), w.grad.shape());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Param<T: Scalar> {
    /// The current value.
    pub value: Matrix<T>,
    /// ∂loss/∂value from the last backward pass.
    pub grad: Matrix<T>,
}

impl<T: Scalar> Param<T> {
    /// A parameter with a zero gradient of the same shape.
    ///
    /// ```
    /// use groundup::layers::Param;
    /// use groundup::{matrix, Matrix};
    /// let p = Param::new(matrix![[1.0f32, 2.0, 3.0]]);
    /// assert_eq!(p.grad, Matrix::zeros(1, 3));
    /// ```
    pub fn new(value: Matrix<T>) -> Self {
        let grad = Matrix::zeros(value.rows(), value.cols());
        Param { value, grad }
    }
}

/// What a parameter is, as far as its storage layout goes: it decides how
/// the parameter maps to another framework's layout (see
/// [`WeightLayout`](crate::io::WeightLayout)). Reported per parameter by
/// [`Layer::param_kinds`] and [`Model::param_kinds`](crate::model::Params::param_kinds).
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

/// Training targets: one-hot rows (the seed notebook's form), class
/// indices, or id sequences (one per row, a seq2seq model's answers).
///
/// ```
/// use groundup::layers::Targets;
/// use groundup::matrix;
/// // The same three labels as one-hot rows and as indices.
/// let one_hot = matrix![[0.0f64, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]];
/// let indices = vec![1, 0, 2];
/// let a: Targets<f64> = (&one_hot).into();
/// let b: Targets<f64> = (&indices).into();
/// assert!((0..3).all(|i| a.class(i) == b.class(i)));
/// // A single column holds 0/1 labels (a sigmoid model's targets).
/// let labels = matrix![[1.0f64], [0.0]];
/// assert_eq!(Targets::OneHot(labels.view()).class(0), 1);
/// ```
#[derive(Clone, Copy, Debug)]
pub enum Targets<'a, T: Scalar> {
    /// `batch x classes` rows; the class of a row is its argmax (as the book
    /// converts one-hot targets with `t.argmax(axis=1)`). A single column
    /// holds 0/1 labels instead (a sigmoid model's targets): the class of a
    /// row is 1 where its value is above 0.5.
    OneHot(MatrixView<'a, T>),
    /// One class index per row.
    Indices(&'a [usize]),
    /// One sequence of ids per row (`N x T`): the answers of a sequence to
    /// sequence model. A single column is one class per row, as
    /// [`Indices`](Targets::Indices); a classifier's loss rejects longer
    /// rows with an error naming the shape.
    ///
    /// ```
    /// use groundup::layers::Targets;
    /// use groundup::matrix::Ids;
    /// let answers = Ids::from_rows([[6, 1, 2], [6, 3, 4]]);
    /// let t: Targets<f32> = (&answers).into();
    /// assert_eq!((t.len(), t.rows(1..2).len()), (2, 1));
    /// let one_column = Ids::from_rows([[2], [0]]);
    /// assert_eq!(Targets::<f32>::Sequences(one_column.view()).class(1), 0);
    /// ```
    Sequences(IdsView<'a>),
}

impl<'a, T: Scalar> Targets<'a, T> {
    /// Number of rows (samples).
    ///
    /// ```
    /// use groundup::layers::Targets;
    /// use groundup::Matrix;
    /// let one_hot = Matrix::<f64>::zeros(5, 3);
    /// assert_eq!(Targets::OneHot(one_hot.view()).len(), 5); // rows, not elements
    /// assert_eq!(Targets::<f64>::Indices(&[2, 0]).len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        match self {
            Targets::OneHot(m) => m.rows(),
            Targets::Indices(i) => i.len(),
            Targets::Sequences(s) => s.rows(),
        }
    }
    /// True when there are no samples.
    ///
    /// ```
    /// use groundup::layers::Targets;
    /// assert!(Targets::<f32>::Indices(&[]).is_empty());
    /// assert!(!Targets::<f32>::Indices(&[0]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The class of row `i`.
    ///
    /// ```
    /// use groundup::layers::Targets;
    /// use groundup::matrix;
    /// let scores_like = matrix![[0.1f64, 0.7, 0.2]];
    /// assert_eq!(Targets::OneHot(scores_like.view()).class(0), 1); // the argmax
    /// // One column: class 1 where the value is above 0.5.
    /// let labels = matrix![[0.2f64], [0.7]];
    /// let t = Targets::OneHot(labels.view());
    /// assert_eq!((t.class(0), t.class(1)), (0, 1));
    /// assert_eq!(Targets::<f64>::Indices(&[4, 2]).class(1), 2);
    /// ```
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
            Targets::Sequences(s) => {
                assert!(
                    s.cols() == 1,
                    "Targets::class: row {i} holds a sequence of {} ids, not one class",
                    s.cols()
                );
                s.row(i)[0]
            }
        }
    }
    /// Single-column [`Sequences`](Targets::Sequences) as
    /// [`Indices`](Targets::Indices); anything else unchanged. Losses that
    /// take one class per row match on the result.
    ///
    /// ```
    /// use groundup::layers::Targets;
    /// use groundup::matrix::Ids;
    /// let ids = Ids::from_rows([[3], [1]]);
    /// assert!(matches!(Targets::<f64>::Sequences(ids.view()).flat(), Targets::Indices(&[3, 1])));
    /// ```
    pub fn flat(self) -> Targets<'a, T> {
        match self {
            Targets::Sequences(s) if s.cols() == 1 => Targets::Indices(s.as_slice()),
            other => other,
        }
    }
    /// Every row's class into `out` (replacing its contents; no allocation
    /// once `out` has the capacity).
    ///
    /// ```
    /// use groundup::layers::Targets;
    /// use groundup::matrix;
    /// let one_hot = matrix![[0.0f32, 1.0], [1.0, 0.0], [0.0, 1.0]];
    /// let mut classes = vec![9; 10];
    /// Targets::OneHot(one_hot.view()).classes_into(&mut classes);
    /// assert_eq!(classes, [1, 0, 1]); // replaced, not appended
    /// ```
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
            Targets::Sequences(_) => out.extend((0..self.len()).map(|i| self.class(i))),
        }
    }
    /// Rows `range` of the targets.
    ///
    /// ```
    /// use groundup::layers::Targets;
    /// use groundup::matrix;
    /// let one_hot = matrix![[1.0f64, 0.0], [0.0, 1.0], [0.0, 1.0]];
    /// let batch = Targets::OneHot(one_hot.view()).rows(1..3);
    /// assert_eq!((batch.len(), batch.class(0)), (2, 1));
    /// let idx = [2, 0, 1];
    /// assert_eq!(Targets::<f64>::Indices(&idx).rows(1..3).class(0), 0);
    /// ```
    pub fn rows(&self, range: std::ops::Range<usize>) -> Targets<'a, T> {
        match self {
            Targets::OneHot(m) => Targets::OneHot(m.rows_view(range)),
            Targets::Indices(idx) => Targets::Indices(&idx[range]),
            Targets::Sequences(s) => Targets::Sequences(s.rows_view(range)),
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

impl<'a, T: Scalar> From<&'a Ids> for Targets<'a, T> {
    fn from(s: &'a Ids) -> Self {
        Targets::Sequences(s.view())
    }
}

impl<'a, T: Scalar> From<IdsView<'a>> for Targets<'a, T> {
    fn from(s: IdsView<'a>) -> Self {
        Targets::Sequences(s)
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
///
/// ```
/// use groundup::layers::{Affine, Layer, ReLU, Sigmoid};
/// use groundup::{matrix, Matrix};
/// // A stack of layers as trait objects: forward in order, backward in reverse.
/// let mut layers: Vec<Box<dyn Layer<f64>>> = vec![
///     Box::new(Affine::new(Matrix::filled(2, 3, 0.5), Matrix::zeros(1, 3))),
///     Box::new(ReLU::new()),
///     Box::new(Sigmoid::new()),
/// ];
/// let mut h = matrix![[1.0, -3.0]];
/// for layer in &mut layers {
///     h = layer.forward(h.view()).clone();
/// }
/// assert_eq!(h, Matrix::filled(1, 3, 0.5)); // x·W = -1, ReLU gives 0, sigmoid(0)
/// let mut d = Matrix::filled(1, 3, 1.0);
/// for layer in layers.iter_mut().rev() {
///     d = layer.backward(d.view()).clone();
/// }
/// assert_eq!(d, Matrix::zeros(1, 2)); // ReLU blocked every path
/// ```
pub trait Layer<T: Scalar>: Send {
    /// The layer's name in messages, e.g. `"Affine"`.
    ///
    /// ```
    /// use groundup::layers::{Affine, Dropout, Layer, Tanh};
    /// use groundup::Matrix;
    /// let layers: [Box<dyn Layer<f64>>; 3] = [
    ///     Box::new(Affine::new(Matrix::zeros(2, 2), Matrix::zeros(1, 2))),
    ///     Box::new(Tanh::new()),
    ///     Box::new(Dropout::new(0.5, 0)),
    /// ];
    /// let names: Vec<&str> = layers.iter().map(|l| l.name()).collect();
    /// assert_eq!(names, ["Affine", "Tanh", "Dropout"]);
    /// ```
    fn name(&self) -> &'static str;
    /// Computes the output for `x` and keeps what `backward` needs.
    ///
    /// ```
    /// use groundup::layers::{Layer, MatMul};
    /// use groundup::Matrix;
    /// let mut matmul = MatMul::new(Matrix::filled(2, 4, 1.0f64));
    /// let x = Matrix::from_fn(3, 2, |i, j| (i + j) as f64);
    /// let out = matmul.forward(x.view());
    /// assert_eq!(out.shape(), (3, 4)); // (batch, outputs)
    /// assert_eq!(out.row(2), &[5.0; 4]);
    /// // The output buffer is reused while the batch shape repeats.
    /// let first = matmul.forward(x.view()).as_slice().as_ptr();
    /// assert_eq!(matmul.forward(x.view()).as_slice().as_ptr(), first);
    /// ```
    fn forward(&mut self, x: MatrixView<'_, T>) -> &Matrix<T>;
    /// The output for `x` in evaluation mode (Dropout scales instead of
    /// dropping), keeping nothing: inference through a shared reference.
    /// Allocates the result.
    ///
    /// ```
    /// use groundup::layers::{Dropout, Layer};
    /// use groundup::Matrix;
    /// let mut dropout = Dropout::new(0.25, 1);
    /// let x = Matrix::filled(2, 2, 4.0f64);
    /// // The layer is in training mode, yet infer scales by 1 − ratio.
    /// assert_eq!(dropout.infer(x.view()), Matrix::filled(2, 2, 3.0));
    /// dropout.set_training(false);
    /// let y = dropout.forward(x.view()).clone();
    /// assert_eq!(y, dropout.infer(x.view()));
    /// ```
    fn infer(&self, x: MatrixView<'_, T>) -> Matrix<T>;
    /// Given ∂loss/∂output, returns ∂loss/∂input and overwrites the
    /// parameters' gradients. Call after `forward`.
    ///
    /// ```
    /// use groundup::layers::{Affine, Layer};
    /// use groundup::matrix;
    /// let mut affine = Affine::new(matrix![[1.0f64, -1.0]], matrix![[0.0, 0.0]]);
    /// affine.forward(matrix![[2.0], [3.0]].view());
    /// let dout = matrix![[1.0, 0.0], [0.0, 1.0]];
    /// assert_eq!(affine.backward(dout.view()), &matrix![[1.0], [-1.0]]); // dout·Wᵀ
    /// let dw = affine.params()[0].grad.clone();
    /// assert_eq!(dw, matrix![[2.0, 3.0]]); // xᵀ·dout
    /// // Gradients are overwritten, not accumulated: a second call gives the same.
    /// affine.backward(dout.view());
    /// assert_eq!(affine.params()[0].grad, dw);
    /// ```
    fn backward(&mut self, dout: MatrixView<'_, T>) -> &Matrix<T>;
    /// The backward pass for the parameters alone: every parameter's
    /// gradient exactly as [`backward`](Layer::backward) computes it, but
    /// ∂loss/∂input only if the layer cannot skip it. A model calls this on
    /// its first layer, whose input gradient nobody reads. `Affine` and
    /// `MatMul` skip the product `dout·Wᵀ` (in an MLP on 784 inputs, a
    /// seventh of a training step's arithmetic). Default: `backward`.
    ///
    /// ```
    /// use groundup::layers::{Affine, Layer};
    /// use groundup::matrix;
    /// let mut a = Affine::new(matrix![[1.0f64, -1.0]], matrix![[0.0, 0.0]]);
    /// let mut b = a.clone();
    /// let x = matrix![[2.0], [3.0]];
    /// let dout = matrix![[1.0, 0.0], [0.5, 1.0]];
    /// a.forward(x.view());
    /// a.backward(dout.view());
    /// b.forward(x.view());
    /// b.backward_params(dout.view());
    /// assert_eq!(a.params()[0].grad, b.params()[0].grad); // dW
    /// assert_eq!(a.params()[1].grad, b.params()[1].grad); // db
    /// ```
    fn backward_params(&mut self, dout: MatrixView<'_, T>) {
        self.backward(dout);
    }
    /// Whether [`backward_sgd`](Layer::backward_sgd) applies the SGD step
    /// to this layer's parameters itself. Default: `false`.
    ///
    /// ```
    /// use groundup::layers::{Affine, Layer, ReLU};
    /// use groundup::Matrix;
    /// assert!(Affine::new(Matrix::<f32>::zeros(2, 2), Matrix::zeros(1, 2)).folds_sgd());
    /// assert!(!ReLU::<f32>::new().folds_sgd());
    /// ```
    fn folds_sgd(&self) -> bool {
        false
    }
    /// The backward pass with the SGD step `p ← p − lr·∂loss/∂p` folded in,
    /// for layers whose [`folds_sgd`](Layer::folds_sgd) is true: returns
    /// ∂loss/∂input as [`backward`](Layer::backward) does (or `None`, and
    /// computes only what [`backward_params`](Layer::backward_params) does,
    /// when `input_grad` is false), and moves every parameter by `lr` times
    /// its gradient, bit for bit as `backward` followed by
    /// [`Sgd`](crate::optim::Sgd) would. `Affine` and `MatMul` write the
    /// step on `W` in the store of the product `xᵀ·dout` (`W ← 1·W +
    /// (−lr)·xᵀ·dout`), which saves a pass over `W` and its gradient; so
    /// their `W.grad` is not written and holds whatever it held. When the
    /// batch is deeper than [`ONE_PASS_DEPTH`](crate::gemm::ONE_PASS_DEPTH)
    /// they store the gradient and step as two passes, to keep the bits.
    ///
    /// Default (layers that do not fold the step): `backward` or
    /// `backward_params`, with no step; the caller applies it
    /// ([`Sequential::backward_sgd`](crate::model::Sequential::backward_sgd)
    /// does).
    ///
    /// ```
    /// use groundup::layers::{Affine, Layer};
    /// use groundup::optim::{Optimizer, Sgd};
    /// use groundup::matrix;
    /// let mut a = Affine::new(matrix![[1.0f64, -1.0]], matrix![[0.5, 0.0]]);
    /// let mut b = a.clone();
    /// let x = matrix![[2.0], [3.0]];
    /// let dout = matrix![[1.0, 0.0], [0.5, 1.0]];
    /// // Two passes: the gradients, then SGD.
    /// a.forward(x.view());
    /// let dx = a.backward(dout.view()).clone();
    /// let mut sgd = Sgd::new(0.1);
    /// for (i, p) in a.params_mut().iter_mut().enumerate() {
    ///     sgd.update_param(i, p);
    /// }
    /// // One pass.
    /// b.forward(x.view());
    /// assert_eq!(b.backward_sgd(dout.view(), 0.1, true), Some(&dx));
    /// assert_eq!(a.params()[0].value, b.params()[0].value); // W, bit for bit
    /// assert_eq!(a.params()[1].value, b.params()[1].value); // b
    /// ```
    fn backward_sgd(
        &mut self,
        dout: MatrixView<'_, T>,
        lr: T,
        input_grad: bool,
    ) -> Option<&Matrix<T>> {
        let _ = lr;
        if input_grad {
            Some(self.backward(dout))
        } else {
            self.backward_params(dout);
            None
        }
    }
    /// The trainable parameters (empty for parameter-free layers).
    ///
    /// ```
    /// use groundup::layers::{Affine, Layer, ReLU};
    /// use groundup::Matrix;
    /// let affine = Affine::new(Matrix::<f64>::zeros(4, 3), Matrix::zeros(1, 3));
    /// let shapes: Vec<_> = affine.params().iter().map(|p| p.value.shape()).collect();
    /// assert_eq!(shapes, [(4, 3), (1, 3)]);
    /// assert!(ReLU::<f64>::new().params().is_empty());
    /// ```
    fn params(&self) -> &[Param<T>] {
        &[]
    }
    /// The trainable parameters, mutable (for optimizers).
    ///
    /// ```
    /// use groundup::layers::{Layer, MatMul};
    /// use groundup::{matrix, Matrix};
    /// let mut matmul = MatMul::new(Matrix::zeros(2, 1));
    /// matmul.forward(matrix![[1.0f64, 2.0]].view());
    /// matmul.backward(matrix![[1.0]].view());
    /// // A hand-written SGD step, p −= 0.5·grad, as an optimizer does it.
    /// for p in matmul.params_mut() {
    ///     p.value.zip_map_inplace(&p.grad, |w, g| w - 0.5 * g);
    /// }
    /// assert_eq!(matmul.params()[0].value, matrix![[-0.5], [-1.0]]);
    /// ```
    fn params_mut(&mut self) -> &mut [Param<T>] {
        &mut []
    }
    /// Names of the parameters, in order (Affine: `["W", "b"]`), used for
    /// saving models.
    ///
    /// ```
    /// use groundup::layers::{Affine, Layer, MatMul, Sigmoid};
    /// use groundup::Matrix;
    /// let affine = Affine::new(Matrix::<f64>::zeros(2, 2), Matrix::zeros(1, 2));
    /// assert_eq!(affine.param_names(), ["W", "b"]);
    /// assert_eq!(MatMul::new(Matrix::<f64>::zeros(2, 2)).param_names(), ["W"]);
    /// assert!(Sigmoid::<f64>::new().param_names().is_empty());
    /// ```
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
    ///
    /// ```
    /// use groundup::layers::{Dropout, Layer};
    /// use groundup::Matrix;
    /// let x = Matrix::filled(1, 4, 1.0f64);
    /// let mut dropout = Dropout::new(0.5, 0);
    /// dropout.set_training(false);
    /// assert_eq!(dropout.forward(x.view()), &Matrix::filled(1, 4, 0.5)); // scaled
    /// dropout.set_training(true);
    /// assert!(dropout.forward(x.view()).iter().all(|&v| v == 0.0 || v == 1.0)); // dropped or kept
    /// ```
    fn set_training(&mut self, _training: bool) {}
    /// The input width this layer requires, if fixed (Affine: rows of W).
    ///
    /// ```
    /// use groundup::layers::{Affine, Layer, ReLU};
    /// use groundup::Matrix;
    /// let affine = Affine::new(Matrix::<f32>::zeros(784, 50), Matrix::zeros(1, 50));
    /// assert_eq!(affine.input_cols(), Some(784));
    /// assert_eq!(ReLU::<f32>::new().input_cols(), None); // any width
    /// ```
    fn input_cols(&self) -> Option<usize> {
        None
    }
    /// The output width for an input of width `input_cols`.
    ///
    /// ```
    /// use groundup::layers::{Affine, Layer, ReLU};
    /// use groundup::Matrix;
    /// let affine = Affine::new(Matrix::<f32>::zeros(784, 50), Matrix::zeros(1, 50));
    /// assert_eq!(affine.output_cols(784), 50);
    /// assert_eq!(ReLU::<f32>::new().output_cols(50), 50); // element-wise: width kept
    /// ```
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
