//! Networks: the [`Model`] interface the trainer and optimizers use,
//! [`TwoLayerNet`] (the book's ch. 1 network) and [`Sequential`] (any stack
//! of single-input layers plus a loss).

mod rnnlm;
mod seq2seq;
mod sequential;
mod two_layer_net;
mod word2vec;

pub use rnnlm::{BetterRnnlm, LanguageModel, Rnnlm, SimpleRnnlm};
pub use seq2seq::{
    AttentionDecoder, AttentionEncoder, AttentionSeq2seq, Decoder, Encoder, EncoderDecoder,
    PeekyDecoder, PeekySeq2seq, Seq2seq, Seq2seqDecoder,
};
pub use sequential::{ParamRef, Sequential};
pub use two_layer_net::TwoLayerNet;
pub use word2vec::{Cbow, SimpleCbow, SimpleSkipGram, SkipGram};

use crate::layers::{Param, ParamKind, Targets};
use crate::matrix::{Matrix, MatrixView};
use crate::scalar::Scalar;

/// The trainable parameters of a network, as optimizers, gradient
/// clipping and the file formats see them: every distinct parameter once
/// (tied ones included once), in a stable order, with stable names.
///
/// ```
/// use groundup::model::{Params, TwoLayerNet};
/// let net = TwoLayerNet::<f64>::new(2, 3, 2, &mut || 0.5);
/// let total: usize = net.params().iter().map(|p| p.value.len()).sum();
/// assert_eq!(total, 2 * 3 + 3 + 3 * 2 + 2);
/// ```
pub trait Params<T: Scalar> {
    /// Visits every distinct parameter with a stable index (a tied parameter
    /// once). Changes made to a tied parameter's value are copied to its
    /// other uses after the visit.
    ///
    /// ```
    /// use groundup::model::{Params, TwoLayerNet};
    /// let mut net = TwoLayerNet::<f32>::new(2, 3, 2, &mut || 1.0);
    /// let mut seen = Vec::new();
    /// net.for_each_param(&mut |i, p| seen.push((i, p.value.len())));
    /// assert_eq!(seen, [(0, 6), (1, 3), (2, 6), (3, 2)]); // W1, b1, W2, b2
    /// // The visitor may change the values, e.g. zero them all.
    /// net.for_each_param(&mut |_, p| p.value.map_inplace(|_| 0.0));
    /// assert!(net.params().iter().all(|p| p.value.iter().all(|&v| v == 0.0)));
    /// ```
    fn for_each_param(&mut self, f: &mut dyn FnMut(usize, &mut Param<T>));
    /// Every distinct parameter (a tied one once), read-only, in the order
    /// and with the indices of [`for_each_param`](Params::for_each_param).
    ///
    /// ```
    /// use groundup::model::{Params, TwoLayerNet};
    /// let net = TwoLayerNet::<f64>::new(2, 10, 3, &mut || 1.0);
    /// let shapes: Vec<_> = net.params().iter().map(|p| p.value.shape()).collect();
    /// assert_eq!(shapes, [(2, 10), (1, 10), (10, 3), (1, 3)]);
    /// ```
    fn params(&self) -> Vec<&Param<T>>;
    /// Stable, unique names of the parameters in visiting order, e.g.
    /// `layers.0.W` (used by the file formats).
    ///
    /// ```
    /// use groundup::model::{Params, TwoLayerNet};
    /// let net = TwoLayerNet::<f64>::new(2, 10, 3, &mut || 1.0);
    /// let names = net.param_names();
    /// assert_eq!(names, ["layers.0.W", "layers.0.b", "layers.2.W", "layers.2.b"]);
    /// assert_eq!(names.len(), net.params().len()); // one name per parameter, same order
    /// ```
    fn param_names(&self) -> Vec<String>;
    /// The [`ParamKind`] of each parameter, in the order of
    /// [`params`](Params::params): which are linear weights `(in, out)`
    /// (transposed in PyTorch's layout) and which are biases. Default: all
    /// [`ParamKind::Unknown`], so a model that does not say loads and saves
    /// only in groundup's own layout.
    ///
    /// ```
    /// use groundup::layers::ParamKind::{Bias, LinearWeight};
    /// use groundup::model::{Params, TwoLayerNet};
    /// let net = TwoLayerNet::<f32>::new(2, 3, 2, &mut || 0.0);
    /// assert_eq!(net.param_kinds(), [LinearWeight, Bias, LinearWeight, Bias]);
    /// ```
    fn param_kinds(&self) -> Vec<ParamKind> {
        vec![ParamKind::Unknown; self.params().len()]
    }
}

/// A trainable network with a loss.
///
/// One training step by hand, as the [`Trainer`](crate::train::Trainer) does
/// it: the loss, its gradients, an optimizer update.
///
/// ```
/// use groundup::layers::Targets;
/// use groundup::model::{Model, TwoLayerNet};
/// use groundup::optim::{Optimizer, Sgd};
/// use groundup::matrix;
/// let mut weights = [30.0, -20.0, 50.0, 10.0].into_iter().cycle();
/// let mut net = TwoLayerNet::<f64>::new(2, 4, 2, &mut || weights.next().unwrap());
/// let (x, t) = (matrix![[1.0, 0.0], [0.0, 1.0]], Targets::Indices(&[0, 1]));
/// let mut sgd = Sgd::new(1.0);
/// let before = net.forward(x.view(), t);
/// for _ in 0..10 {
///     net.forward(x.view(), t);
///     net.backward();
///     sgd.update(&mut net);
/// }
/// assert!(net.forward(x.view(), t) < before);
/// ```
pub trait Model<T: Scalar>: Params<T> {
    /// Scores (the output before the loss) for a batch `x`, in the model's
    /// current mode, reusing the layers' buffers (the training loop's form).
    ///
    /// ```
    /// use groundup::model::{Model, TwoLayerNet};
    /// use groundup::Matrix;
    /// // W1 = W2 = 0.01 everywhere, b = 0: each hidden unit is sigmoid(0) = 0.5,
    /// // each score 10 · 0.5 · 0.01.
    /// let mut net = TwoLayerNet::<f64>::new(2, 10, 3, &mut || 1.0);
    /// let scores = net.predict(Matrix::zeros(5, 2).view());
    /// assert_eq!(scores.shape(), (5, 3)); // scores, not probabilities
    /// assert!(scores.iter().all(|&s| (s - 0.05).abs() < 1e-12));
    /// ```
    fn predict(&mut self, x: MatrixView<'_, T>) -> &Matrix<T>;
    /// Scores for a batch `x` in evaluation mode (Dropout scales instead of
    /// dropping) through a shared reference: nothing is cached, the result
    /// is allocated. Equal to [`predict`](Model::predict) in eval mode.
    ///
    /// ```
    /// use groundup::layers::{Affine, Dropout, SoftmaxWithLoss};
    /// use groundup::model::{Model, Sequential};
    /// use groundup::{matrix, Matrix};
    /// let mut net = Sequential::new(SoftmaxWithLoss::new())
    ///     .with(Affine::new(Matrix::identity(2), Matrix::zeros(1, 2)))
    ///     .with(Dropout::new(0.5, 0));
    /// let x = matrix![[2.0f64, 4.0]];
    /// // The model is in training mode, yet infer scales by 1 − 0.5 instead of dropping.
    /// let shared: &Sequential<f64> = &net;
    /// assert_eq!(shared.infer(x.view()), matrix![[1.0, 2.0]]);
    /// net.set_training(false);
    /// let predicted = net.predict(x.view()).clone();
    /// assert_eq!(predicted, net.infer(x.view()));
    /// ```
    fn infer(&self, x: MatrixView<'_, T>) -> Matrix<T>;
    /// The loss for batch `x` with targets `t`; keeps what `backward` needs.
    ///
    /// ```
    /// use groundup::layers::Targets;
    /// use groundup::model::{Model, TwoLayerNet};
    /// use groundup::matrix;
    /// // Equal weights give equal scores: softmax 1/3 each, a loss of ln 3.
    /// let mut net = TwoLayerNet::<f64>::new(2, 4, 3, &mut || 1.0);
    /// let x = matrix![[0.3, -1.2], [2.0, 0.5]];
    /// let loss = net.forward(x.view(), Targets::Indices(&[0, 2]));
    /// assert!((loss - 3f64.ln()).abs() < 1e-6);
    /// ```
    fn forward(&mut self, x: MatrixView<'_, T>, t: Targets<'_, T>) -> T;
    /// Backpropagates from the loss (dout = 1), overwriting every
    /// parameter's gradient (tied parameters get the sum of their uses).
    /// Returns ∂loss/∂x.
    ///
    /// ```
    /// use groundup::layers::{Affine, SoftmaxWithLoss, Targets};
    /// use groundup::model::{Model, Sequential, Params};
    /// use groundup::{matrix, Matrix};
    /// // Scores = x: at x = 0 the softmax is (0.5, 0.5), and the target is class 1.
    /// let mut net = Sequential::new(SoftmaxWithLoss::new())
    ///     .with(Affine::new(Matrix::identity(2), Matrix::zeros(1, 2)));
    /// net.forward(matrix![[0.0f64, 0.0]].view(), Targets::Indices(&[1]));
    /// let dx = net.backward().clone();
    /// assert_eq!(dx, matrix![[0.5, -0.5]]); // softmax − onehot, through W = I
    /// assert_eq!(net.params()[1].grad, matrix![[0.5, -0.5]]); // db
    /// assert_eq!(net.params()[0].grad, Matrix::zeros(2, 2)); // dW = xᵀ·ds = 0
    /// ```
    fn backward(&mut self) -> &Matrix<T>;
    /// [`backward`](Model::backward) for the parameters alone: the same
    /// gradients, bit for bit, without ∂loss/∂x (the first layer runs
    /// [`Layer::backward_params`](crate::layers::Layer::backward_params)).
    /// A training step wants only this; the [`Trainer`](crate::train::Trainer)
    /// calls it. Default: `backward`.
    ///
    /// ```
    /// use groundup::layers::{Affine, SoftmaxWithLoss, Targets};
    /// use groundup::model::{Model, Params, Sequential};
    /// use groundup::{matrix, Matrix};
    /// let net = || Sequential::new(SoftmaxWithLoss::new())
    ///     .with(Affine::new(matrix![[1.0f64, 2.0], [-1.0, 0.5]], Matrix::zeros(1, 2)));
    /// let x = matrix![[0.3, -1.2], [2.0, 0.5]];
    /// let (mut a, mut b) = (net(), net());
    /// a.forward(x.view(), Targets::Indices(&[0, 1]));
    /// a.backward();
    /// b.forward(x.view(), Targets::Indices(&[0, 1]));
    /// b.backward_params();
    /// assert_eq!(a.params()[0].grad, b.params()[0].grad);
    /// assert_eq!(a.params()[1].grad, b.params()[1].grad);
    /// ```
    fn backward_params(&mut self) {
        self.backward();
    }
    /// Switches layers with train/eval behaviour (Dropout). Default: no-op.
    ///
    /// ```
    /// use groundup::layers::{Dropout, SoftmaxWithLoss};
    /// use groundup::model::{Model, Sequential};
    /// use groundup::Matrix;
    /// let mut net = Sequential::new(SoftmaxWithLoss::new()).with(Dropout::new(0.5, 0));
    /// let x = Matrix::filled(4, 8, 1.0f64);
    /// assert!(net.predict(x.view()).iter().any(|&v| v == 0.0)); // training: some dropped
    /// net.set_training(false);
    /// assert_eq!(net.predict(x.view()), &Matrix::filled(4, 8, 0.5)); // eval: all scaled
    /// ```
    fn set_training(&mut self, _training: bool) {}
    /// The input width the model requires, if known.
    ///
    /// ```
    /// use groundup::layers::{ReLU, SoftmaxWithLoss};
    /// use groundup::model::{Model, Sequential, TwoLayerNet};
    /// assert_eq!(TwoLayerNet::<f64>::new(2, 10, 3, &mut || 0.0).input_cols(), Some(2));
    /// // Element-wise layers take any width.
    /// let net = Sequential::<f64>::new(SoftmaxWithLoss::new()).with(ReLU::new());
    /// assert_eq!(net.input_cols(), None);
    /// ```
    fn input_cols(&self) -> Option<usize> {
        None
    }
    /// The number of scores per row the model outputs, if known.
    ///
    /// ```
    /// use groundup::layers::{ReLU, SoftmaxWithLoss};
    /// use groundup::model::{Model, Sequential, TwoLayerNet};
    /// assert_eq!(TwoLayerNet::<f32>::new(2, 10, 3, &mut || 0.0).output_cols(), Some(3));
    /// let net = Sequential::<f32>::new(SoftmaxWithLoss::new()).with(ReLU::new());
    /// assert_eq!(Model::output_cols(&net), None);
    /// ```
    fn output_cols(&self) -> Option<usize> {
        None
    }
    /// Fraction of rows of `x` whose predicted class equals the target
    /// class, evaluated with [`infer`](Model::infer) (eval mode, the
    /// model's own mode untouched). The predicted class is the argmax of
    /// the scores; with a single score column (a sigmoid output) it is 1
    /// where the score is above 0, i.e. the probability above 0.5.
    ///
    /// Panics, naming the problem, where [`try_accuracy`](Model::try_accuracy)
    /// returns an error.
    ///
    /// ```
    /// use groundup::layers::{Affine, SoftmaxWithLoss, Targets};
    /// use groundup::model::{Model, Sequential};
    /// use groundup::{matrix, Matrix};
    /// // Scores = x, so the predicted class is the larger coordinate.
    /// let net = Sequential::new(SoftmaxWithLoss::new())
    ///     .with(Affine::new(Matrix::identity(2), Matrix::zeros(1, 2)));
    /// let x = matrix![[1.0f64, 0.0], [0.0, 1.0], [2.0, 1.0]];
    /// assert_eq!(net.accuracy(x.view(), Targets::Indices(&[0, 1, 1])), 2.0 / 3.0);
    /// let one_hot = matrix![[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]];
    /// assert_eq!(net.accuracy(x.view(), (&one_hot).into()), 1.0);
    /// ```
    fn accuracy(&self, x: MatrixView<'_, T>, t: Targets<'_, T>) -> f64 {
        self.try_accuracy(x, t).unwrap_or_else(|e| panic!("{e}"))
    }
    /// [`accuracy`](Model::accuracy) for targets from user data.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) when the
    /// row counts differ, or a target class (index, or one-hot width) does
    /// not exist among the model's outputs, naming the row and the class.
    ///
    /// ```
    /// use groundup::layers::{Affine, SoftmaxWithLoss, Targets};
    /// use groundup::model::{Model, Sequential};
    /// use groundup::{matrix, Matrix};
    /// # fn main() -> groundup::Result<()> {
    /// let net = Sequential::new(SoftmaxWithLoss::new())
    ///     .with(Affine::new(Matrix::identity(2), Matrix::zeros(1, 2)));
    /// let x = matrix![[1.0f64, 0.0], [0.0, 1.0]];
    /// assert_eq!(net.try_accuracy(x.view(), Targets::Indices(&[0, 1]))?, 1.0);
    /// // Labels read from a file may name a class the model does not have.
    /// let err = net.try_accuracy(x.view(), Targets::Indices(&[0, 5])).unwrap_err();
    /// assert!(err.to_string().contains("target class 5 at row 1"), "{err}");
    /// # Ok(())
    /// # }
    /// ```
    fn try_accuracy(&self, x: MatrixView<'_, T>, t: Targets<'_, T>) -> crate::Result<f64> {
        let bad = |msg: String| Err(crate::Error::InvalidArgument(msg));
        if x.rows() != t.len() {
            return bad(format!(
                "accuracy: {} input rows but {} targets",
                x.rows(),
                t.len()
            ));
        }
        if x.rows() == 0 {
            return Ok(0.0);
        }
        let scores = self.infer(x);
        // A single score column is a sigmoid: two classes.
        let classes = scores.cols().max(2);
        match t.flat() {
            Targets::Sequences(s) => {
                return bad(format!(
                    "accuracy: the targets are sequences of {} ids per row, not one class",
                    s.cols()
                ));
            }
            Targets::Indices(idx) => {
                if let Some((row, &c)) = idx.iter().enumerate().find(|(_, &c)| c >= classes) {
                    return bad(format!(
                        "accuracy: target class {c} at row {row} is out of range for {classes} classes"
                    ));
                }
            }
            Targets::OneHot(m)
                if m.cols() != scores.cols() && !(scores.cols() == 1 && m.cols() <= 2) =>
            {
                return bad(format!(
                    "accuracy: one-hot targets have {} columns but the model outputs {}",
                    m.cols(),
                    scores.cols()
                ));
            }
            Targets::OneHot(_) => {}
        }
        let predicted = if scores.cols() == 1 {
            scores.iter().map(|&s| usize::from(s > T::ZERO)).collect()
        } else {
            scores.argmax_rows()
        };
        let correct = predicted
            .iter()
            .enumerate()
            .filter(|&(i, &p)| p == t.class(i))
            .count();
        Ok(correct as f64 / x.rows() as f64)
    }
}
