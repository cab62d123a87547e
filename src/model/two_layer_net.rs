//! The book's `TwoLayerNet` (ch01/two_layer_net.py): Affine → Sigmoid →
//! Affine, with SoftmaxWithLoss.

use super::{Model, Params};
use crate::layers::{
    Affine, Layer, LossLayer, Param, ParamKind, Sigmoid, SoftmaxWithLoss, Targets,
};
use crate::matrix::{Matrix, MatrixView};
use crate::scalar::Scalar;

/// Affine(W1, b1) → Sigmoid → Affine(W2, b2) → SoftmaxWithLoss.
///
/// The whole training step, top to bottom:
/// ```text
/// forward:  h = sigmoid(x·W1 + b1);  s = h·W2 + b2;  loss = softmax_cross_entropy(s, t)
/// backward: ds = (softmax(s) − onehot(t)) / batch
///           dW2 = hᵀ·ds;  db2 = Σ ds;  dh = ds·W2ᵀ
///           da = dh·(1 − h)·h
///           dW1 = xᵀ·da;  db1 = Σ da;  dx = da·W1ᵀ
/// ```
/// Parameter names (for saving): `layers.0.W`, `layers.0.b`, `layers.2.W`,
/// `layers.2.b` (indices into the layer list, as in [`Sequential`](super::Sequential)).
///
/// ```
/// use groundup::model::{Model, TwoLayerNet};
/// use groundup::layers::Targets;
/// use groundup::Matrix;
/// let mut normals = std::iter::repeat([0.5, -0.5]).flatten();
/// let mut net = TwoLayerNet::<f64>::new(2, 4, 3, &mut || normals.next().unwrap());
/// let x = Matrix::from_vec(1, 2, vec![0.1, 0.2]).unwrap();
/// let loss = net.forward(x.view(), Targets::Indices(&[2]));
/// assert!(loss > 0.0);
/// net.backward();
/// ```
#[derive(Clone, Debug)]
pub struct TwoLayerNet<T: Scalar> {
    affine1: Affine<T>,
    sigmoid: Sigmoid<T>,
    affine2: Affine<T>,
    loss: SoftmaxWithLoss<T>,
}

impl<T: Scalar> TwoLayerNet<T> {
    /// Initialises as the book does: `W1 = 0.01·randn(input, hidden)`,
    /// `b1 = 0`, `W2 = 0.01·randn(hidden, output)`, `b2 = 0`, drawing the
    /// standard normals from `randn` in row-major order (W1 first). With
    /// [`RandomState::randn`](crate::rng::RandomState::randn) this is
    /// numpy-exact; in `f32` each draw is rounded to `f32` before the
    /// multiplication by `0.01f32`, as the book's `randn(...).astype('f')`.
    ///
    /// ```
    /// use groundup::model::{Params, TwoLayerNet};
    /// use groundup::rng::RandomState;
    /// let mut rng = RandomState::new(1984);
    /// let mut draws = rng.clone();
    /// let net = TwoLayerNet::<f64>::new(2, 10, 3, &mut || rng.randn());
    /// // W1 takes the first draws, row by row, times 0.01; the biases are zero.
    /// let w1 = &net.params()[0].value;
    /// assert_eq!(w1[(0, 0)], 0.01 * draws.randn());
    /// assert_eq!(w1[(0, 1)], 0.01 * draws.randn());
    /// assert!(net.params()[1].value.iter().all(|&b| b == 0.0));
    /// ```
    pub fn new(input: usize, hidden: usize, output: usize, randn: &mut dyn FnMut() -> f64) -> Self {
        let scale = T::from_f64(0.01);
        let mut weight =
            |rows, cols| Matrix::from_fn(rows, cols, |_, _| scale * T::from_f64(randn()));
        let w1 = weight(input, hidden);
        let w2 = weight(hidden, output);
        Self::from_params(w1, Matrix::zeros(1, hidden), w2, Matrix::zeros(1, output))
    }

    /// A network with the given parameters. Panics naming the shapes when
    /// they do not chain (`W1: I x H`, `b1: 1 x H`, `W2: H x O`, `b2: 1 x O`).
    ///
    /// ```
    /// use groundup::model::{Model, TwoLayerNet};
    /// use groundup::{matrix, Matrix};
    /// // W1 = 0 makes every hidden unit sigmoid(0) = 0.5, whatever the input.
    /// let net = TwoLayerNet::from_params(
    ///     Matrix::zeros(2, 2),
    ///     Matrix::zeros(1, 2),
    ///     matrix![[2.0f64, 0.0], [0.0, 0.0]],
    ///     matrix![[0.0, 1.0]],
    /// );
    /// assert_eq!(net.infer(matrix![[5.0, -7.0]].view()), matrix![[1.0, 1.0]]);
    /// // W1 has 3 hidden units but W2 expects 4.
    /// let bad = std::panic::catch_unwind(|| {
    ///     TwoLayerNet::<f64>::from_params(
    ///         Matrix::zeros(2, 3),
    ///         Matrix::zeros(1, 3),
    ///         Matrix::zeros(4, 2),
    ///         Matrix::zeros(1, 2),
    ///     )
    /// });
    /// assert!(bad.is_err());
    /// ```
    pub fn from_params(w1: Matrix<T>, b1: Matrix<T>, w2: Matrix<T>, b2: Matrix<T>) -> Self {
        assert!(
            w1.cols() == w2.rows(),
            "TwoLayerNet: W1 shape {:?} does not chain with W2 shape {:?}",
            w1.shape(),
            w2.shape()
        );
        TwoLayerNet {
            affine1: Affine::new(w1, b1),
            sigmoid: Sigmoid::new(),
            affine2: Affine::new(w2, b2),
            loss: SoftmaxWithLoss::new(),
        }
    }

    /// The loss layer (e.g. to [`set_log_epsilon`](LossLayer::set_log_epsilon)).
    ///
    /// ```
    /// use groundup::layers::{LossLayer, Targets};
    /// use groundup::model::{Model, TwoLayerNet};
    /// use groundup::Matrix;
    /// let mut net = TwoLayerNet::<f64>::new(2, 4, 3, &mut || 1.0);
    /// let x = Matrix::zeros(2, 2);
    /// net.forward(x.view(), Targets::Indices(&[0, 1]));
    /// // Equal scores: each class has probability 1/3.
    /// let p = net.loss_layer_mut().probabilities();
    /// assert!(p.iter().all(|&v| (v - 1.0 / 3.0).abs() < 1e-15));
    /// // The exact loss, without the book's 1e-7 (as gradient checks need).
    /// net.loss_layer_mut().set_log_epsilon(0.0);
    /// let loss = net.forward(x.view(), Targets::Indices(&[0, 1]));
    /// assert!((loss - 3f64.ln()).abs() < 1e-14);
    /// ```
    pub fn loss_layer_mut(&mut self) -> &mut SoftmaxWithLoss<T> {
        &mut self.loss
    }
}

impl<T: Scalar> Model<T> for TwoLayerNet<T> {
    fn predict(&mut self, x: MatrixView<'_, T>) -> &Matrix<T> {
        let a = self.affine1.forward(x);
        let h = self.sigmoid.forward(a.view());
        self.affine2.forward_unsaved(h.view())
    }
    fn infer(&self, x: MatrixView<'_, T>) -> Matrix<T> {
        let a = self.affine1.infer(x);
        let h = self.sigmoid.infer(a.view());
        self.affine2.infer(h.view())
    }
    fn forward(&mut self, x: MatrixView<'_, T>, t: Targets<'_, T>) -> T {
        let a = self.affine1.forward(x);
        let h = self.sigmoid.forward(a.view());
        // The second layer keeps no copy of h: backward reads it from the
        // sigmoid, which holds it until the next forward.
        let s = self.affine2.forward_unsaved(h.view());
        self.loss.forward(s.view(), t)
    }
    fn backward(&mut self) -> &Matrix<T> {
        let ds = self.loss.backward(T::ONE);
        let dh = self
            .affine2
            .backward_from(self.sigmoid.output().view(), ds.view());
        let da = self.sigmoid.backward(dh.view());
        self.affine1.backward(da.view())
    }
    fn backward_params(&mut self) {
        let ds = self.loss.backward(T::ONE);
        let dh = self
            .affine2
            .backward_from(self.sigmoid.output().view(), ds.view());
        let da = self.sigmoid.backward(dh.view());
        self.affine1.backward_params(da.view())
    }
    fn input_cols(&self) -> Option<usize> {
        self.affine1.input_cols()
    }
    fn output_cols(&self) -> Option<usize> {
        Some(self.affine2.weight().cols())
    }
}

impl<T: Scalar> Params<T> for TwoLayerNet<T> {
    fn for_each_param(&mut self, f: &mut dyn FnMut(usize, &mut Param<T>)) {
        let layers: [&mut dyn Layer<T>; 2] = [&mut self.affine1, &mut self.affine2];
        let mut index = 0;
        for layer in layers {
            for p in layer.params_mut() {
                f(index, p);
                index += 1;
            }
        }
    }
    /// W1, b1, W2, b2.
    fn params(&self) -> Vec<&Param<T>> {
        self.affine1
            .params()
            .iter()
            .chain(self.affine2.params())
            .collect()
    }
    fn param_names(&self) -> Vec<String> {
        ["layers.0.W", "layers.0.b", "layers.2.W", "layers.2.b"]
            .map(String::from)
            .to_vec()
    }
    fn param_kinds(&self) -> Vec<ParamKind> {
        [self.affine1.param_kinds(), self.affine2.param_kinds()].concat()
    }
}
