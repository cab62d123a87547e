//! [`Sequential`]: a stack of single-input layers followed by a loss layer.

use super::{Model, Params};
use crate::error::{Error, Result};
use crate::layers::{Layer, LossLayer, Param, ParamKind, Targets};
use crate::matrix::{Matrix, MatrixView};
use crate::optim::{sgd_step, Sgd};
use crate::scalar::Scalar;

/// Names one parameter of a [`Sequential`]: the layer's position and the
/// parameter's position inside the layer (Affine: 0 = W, 1 = b).
///
/// ```
/// use groundup::layers::{MatMul, SoftmaxWithLoss};
/// use groundup::model::{Model, ParamRef, Sequential, Params};
/// use groundup::Matrix;
/// # fn main() -> groundup::Result<()> {
/// // An encoder W (2 x 3) and a decoder that reuses it transposed.
/// let mut net = Sequential::new(SoftmaxWithLoss::new())
///     .with(MatMul::new(Matrix::from_fn(2, 3, |i, j| (i * 3 + j) as f64)))
///     .with(MatMul::new(Matrix::zeros(3, 2)));
/// let encoder_w = ParamRef { layer: 0, param: 0 };
/// net.tie(encoder_w, ParamRef { layer: 1, param: 0 }, true)?;
/// assert_eq!(net.param_names(), ["layers.0.W"]); // the copy is not a parameter of its own
/// let [encoder, decoder] = net.layers() else { unreachable!() };
/// assert_eq!(decoder.params()[0].value, encoder.params()[0].value.transpose());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamRef {
    /// Index of the layer.
    pub layer: usize,
    /// Index of the parameter within the layer.
    pub param: usize,
}

#[derive(Clone, Copy, Debug)]
struct Tie {
    source: ParamRef,
    target: ParamRef,
    transposed: bool,
}

/// Layers applied in order, then a loss.
///
/// Parameter names (for saving) are `layers.{i}.{name}` with the layer's own
/// parameter names (`W`, `b`), e.g. `layers.0.W`, `layers.0.b`,
/// `layers.2.W`.
///
/// **Tied parameters.** [`Sequential::tie`] declares that a parameter is
/// the same weight as another one (optionally transposed), as the book's
/// trainer expresses with `remove_duplicate`: after `backward` the source's
/// gradient holds the sum of both uses, optimizers see the source only, and
/// every update is copied to the tied copy.
///
/// ```
/// use groundup::layers::{Affine, ReLU, SoftmaxWithLoss, Targets};
/// use groundup::model::{Model, Sequential, Params};
/// use groundup::Matrix;
/// let mut net = Sequential::new(SoftmaxWithLoss::new())
///     .with(Affine::new(Matrix::filled(2, 4, 0.1f32), Matrix::zeros(1, 4)))
///     .with(ReLU::new())
///     .with(Affine::new(Matrix::filled(4, 3, 0.1), Matrix::zeros(1, 3)));
/// let x = Matrix::from_vec(2, 2, vec![1.0, 2.0, 3.0, 4.0]).unwrap();
/// let loss = net.forward(x.view(), Targets::Indices(&[0, 2]));
/// assert!((loss - 3f32.ln()).abs() < 1e-6); // equal scores: uniform softmax
/// net.backward();
/// assert_eq!(net.param_names(), ["layers.0.W", "layers.0.b", "layers.2.W", "layers.2.b"]);
/// ```
pub struct Sequential<T: Scalar> {
    layers: Vec<Box<dyn Layer<T>>>,
    loss: Box<dyn LossLayer<T>>,
    ties: Vec<Tie>,
    identity: Matrix<T>,
    scratch: Matrix<T>,
    tied_dx: Matrix<T>,
}

impl<T: Scalar> std::fmt::Debug for Sequential<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.layers.iter().map(|l| l.name()).collect();
        f.debug_struct("Sequential")
            .field("layers", &names)
            .field("loss", &self.loss.name())
            .field("ties", &self.ties)
            .finish()
    }
}

fn copy_maybe_transposed<T: Scalar>(src: &Matrix<T>, transposed: bool, dst: &mut Matrix<T>) {
    if transposed {
        dst.resize(src.cols(), src.rows());
        for i in 0..src.rows() {
            for (j, &v) in src.row(i).iter().enumerate() {
                dst[(j, i)] = v;
            }
        }
    } else {
        dst.assign(src.view());
    }
}

impl<T: Scalar> Sequential<T> {
    /// An empty stack ending in `loss`.
    ///
    /// ```
    /// use groundup::layers::{SoftmaxWithLoss, Targets};
    /// use groundup::model::{Model, Sequential};
    /// use groundup::matrix;
    /// let mut net = Sequential::new(SoftmaxWithLoss::new());
    /// assert!(net.layers().is_empty());
    /// // With no layers the scores are the input itself.
    /// let x = matrix![[0.0f64, 0.0]];
    /// assert_eq!(net.predict(x.view()), &x);
    /// let loss = net.forward(x.view(), Targets::Indices(&[1]));
    /// assert!((loss - 2f64.ln()).abs() < 1e-6);
    /// ```
    pub fn new(loss: impl LossLayer<T> + 'static) -> Self {
        Sequential {
            layers: Vec::new(),
            loss: Box::new(loss),
            ties: Vec::new(),
            identity: Matrix::zeros(0, 0),
            scratch: Matrix::zeros(0, 0),
            tied_dx: Matrix::zeros(0, 0),
        }
    }

    /// Appends a layer (builder style).
    ///
    /// ```
    /// use groundup::layers::{Affine, ReLU, SoftmaxWithLoss};
    /// use groundup::model::{Model, Sequential};
    /// use groundup::Matrix;
    /// let net = Sequential::<f32>::new(SoftmaxWithLoss::new())
    ///     .with(Affine::new(Matrix::zeros(784, 100), Matrix::zeros(1, 100)))
    ///     .with(ReLU::new())
    ///     .with(Affine::new(Matrix::zeros(100, 10), Matrix::zeros(1, 10)));
    /// assert_eq!(net.layers().len(), 3);
    /// assert_eq!((net.input_cols(), net.output_cols()), (Some(784), Some(10)));
    /// ```
    pub fn with(mut self, layer: impl Layer<T> + 'static) -> Self {
        self.push(layer);
        self
    }

    /// Appends a layer. Panics naming both layers and widths when the new
    /// layer's fixed input width differs from the stack's output width.
    ///
    /// ```
    /// use groundup::layers::{Affine, ReLU, SoftmaxWithLoss};
    /// use groundup::model::Sequential;
    /// use groundup::Matrix;
    /// // An MLP whose depth is known only at run time.
    /// let widths = [4, 8, 8, 3];
    /// let mut net = Sequential::<f64>::new(SoftmaxWithLoss::new());
    /// for w in widths.windows(2) {
    ///     net.push(Affine::new(Matrix::zeros(w[0], w[1]), Matrix::zeros(1, w[1])));
    ///     net.push(ReLU::new());
    /// }
    /// assert_eq!((net.layers().len(), net.output_cols()), (6, Some(3)));
    /// // A layer that does not take the stack's output width is refused.
    /// let refused = std::panic::catch_unwind(|| {
    ///     Sequential::<f64>::new(SoftmaxWithLoss::new())
    ///         .with(Affine::new(Matrix::zeros(4, 8), Matrix::zeros(1, 8)))
    ///         .with(Affine::new(Matrix::zeros(5, 2), Matrix::zeros(1, 2)))
    /// });
    /// assert!(refused.is_err());
    /// ```
    pub fn push(&mut self, layer: impl Layer<T> + 'static) {
        self.push_boxed(Box::new(layer));
    }

    /// Appends a boxed layer (see [`Sequential::push`]).
    ///
    /// ```
    /// use groundup::layers::{Layer, ReLU, SoftmaxWithLoss, Tanh};
    /// use groundup::model::Sequential;
    /// // The activation chosen at run time, e.g. by a command-line flag.
    /// let activation = "tanh";
    /// let layer: Box<dyn Layer<f64>> = match activation {
    ///     "relu" => Box::new(ReLU::new()),
    ///     _ => Box::new(Tanh::new()),
    /// };
    /// let mut net = Sequential::new(SoftmaxWithLoss::new());
    /// net.push_boxed(layer);
    /// assert_eq!(net.layers()[0].name(), "Tanh");
    /// ```
    pub fn push_boxed(&mut self, layer: Box<dyn Layer<T>>) {
        if let (Some(width), Some(need)) = (self.output_cols(), layer.input_cols()) {
            assert!(
                width == need,
                "Sequential::push: layer {} ({}) takes inputs of width {need}, but the stack so far outputs width {width}",
                self.layers.len(),
                layer.name()
            );
        }
        self.layers.push(layer);
    }

    /// The loss layer.
    ///
    /// ```
    /// use groundup::layers::{LossLayer, SoftmaxWithLoss, Targets};
    /// use groundup::model::{Model, Sequential};
    /// use groundup::Matrix;
    /// let mut net = Sequential::<f64>::new(SoftmaxWithLoss::new());
    /// assert_eq!(net.loss_layer_mut().name(), "SoftmaxWithLoss");
    /// // Without the book's 1e-7 in the log (for gradient checks), a 50/50 guess
    /// // costs exactly ln 2.
    /// net.loss_layer_mut().set_log_epsilon(0.0);
    /// let loss = net.forward(Matrix::zeros(1, 2).view(), Targets::Indices(&[0]));
    /// assert_eq!(loss, std::f64::consts::LN_2);
    /// ```
    pub fn loss_layer_mut(&mut self) -> &mut dyn LossLayer<T> {
        &mut *self.loss
    }

    /// The layers.
    ///
    /// ```
    /// use groundup::layers::{Affine, ReLU, SoftmaxWithLoss};
    /// use groundup::model::{Sequential, Params};
    /// use groundup::Matrix;
    /// let net = Sequential::<f64>::new(SoftmaxWithLoss::new())
    ///     .with(Affine::new(Matrix::zeros(2, 3), Matrix::zeros(1, 3)))
    ///     .with(ReLU::new());
    /// let names: Vec<&str> = net.layers().iter().map(|l| l.name()).collect();
    /// assert_eq!(names, ["Affine", "ReLU"]);
    /// assert_eq!(net.layers()[0].params().len(), 2);
    /// ```
    pub fn layers(&self) -> &[Box<dyn Layer<T>>] {
        &self.layers
    }

    /// The output width of the stack, when some layer fixes it.
    ///
    /// ```
    /// use groundup::layers::{Affine, ReLU, SoftmaxWithLoss};
    /// use groundup::model::Sequential;
    /// use groundup::Matrix;
    /// let mut net = Sequential::<f64>::new(SoftmaxWithLoss::new()).with(ReLU::new());
    /// assert_eq!(net.output_cols(), None); // ReLU keeps whatever width comes in
    /// net.push(Affine::new(Matrix::zeros(5, 3), Matrix::zeros(1, 3)));
    /// net.push(ReLU::new());
    /// assert_eq!(net.output_cols(), Some(3));
    /// ```
    pub fn output_cols(&self) -> Option<usize> {
        let mut width = None;
        for l in &self.layers {
            width = match (l.input_cols(), width) {
                (Some(w), _) => Some(l.output_cols(w)),
                (None, Some(w)) => Some(l.output_cols(w)),
                (None, None) => None,
            };
        }
        width
    }

    /// The backward pass and the SGD step in one: the parameters end
    /// exactly as after [`backward_params`](Model::backward_params) followed
    /// by `sgd.update(self)`, bit for bit. Layers that fold the step into
    /// their backward pass ([`Layer::folds_sgd`]: `Affine`, `MatMul`) never
    /// store their weight gradient: `W ← W − lr·xᵀ·dout` is written by the
    /// product's store, which saves one pass over every weight and its
    /// gradient per step. Their `W.grad` is not written (it holds whatever
    /// it held); the other layers' gradients are, and their step follows.
    /// With tied parameters (whose gradients must be summed first) it runs
    /// the two passes.
    ///
    /// ```
    /// use groundup::layers::{Affine, ReLU, SoftmaxWithLoss, Targets};
    /// use groundup::model::{Model, Params, Sequential};
    /// use groundup::optim::{Optimizer, Sgd};
    /// use groundup::Matrix;
    /// let net = || {
    ///     Sequential::new(SoftmaxWithLoss::new())
    ///         .with(Affine::new(Matrix::from_fn(3, 4, |i, j| (i as f32 - j as f32) * 0.3), Matrix::zeros(1, 4)))
    ///         .with(ReLU::new())
    ///         .with(Affine::new(Matrix::from_fn(4, 2, |i, j| (i + j) as f32 * 0.2 - 0.5), Matrix::zeros(1, 2)))
    /// };
    /// let x = Matrix::from_fn(5, 3, |i, j| ((i * 3 + j) % 7) as f32 - 3.0);
    /// let t = [0, 1, 1, 0, 1];
    /// let mut sgd = Sgd::new(0.1);
    /// let (mut two_passes, mut folded) = (net(), net());
    /// for _ in 0..3 {
    ///     two_passes.forward(x.view(), Targets::Indices(&t));
    ///     two_passes.backward_params();
    ///     sgd.update(&mut two_passes);
    ///     folded.forward(x.view(), Targets::Indices(&t));
    ///     folded.backward_sgd(&sgd);
    /// }
    /// for (a, b) in two_passes.params().iter().zip(folded.params()) {
    ///     assert_eq!(a.value, b.value);
    /// }
    /// ```
    pub fn backward_sgd(&mut self, sgd: &Sgd) {
        let lr = T::from_f64(sgd.lr);
        if !self.ties.is_empty() {
            self.backward_params();
            self.for_each_param(&mut |_, p| sgd_step(p, lr));
            return;
        }
        let d = self.loss.backward(T::ONE);
        if let Some((first, rest)) = self.layers.split_first_mut() {
            let mut d = d.view();
            for layer in rest.iter_mut().rev() {
                d = layer
                    .backward_sgd(d, lr, true)
                    .expect("asked for dx")
                    .view();
            }
            first.backward_sgd(d, lr, false);
        }
        for layer in &mut self.layers {
            if !layer.folds_sgd() {
                for p in layer.params_mut() {
                    sgd_step(p, lr);
                }
            }
        }
    }

    fn param(&self, r: ParamRef) -> Option<&Param<T>> {
        self.layers.get(r.layer)?.params().get(r.param)
    }

    /// Declares `target` to be the same weight as `source` (transposed when
    /// `transposed`), copying the source's value into it now.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when either parameter does not exist, they
    /// are the same, a parameter is already tied as a target, or the shapes
    /// do not match (naming both shapes).
    ///
    /// ```
    /// use groundup::layers::{MatMul, SoftmaxWithLoss, Targets};
    /// use groundup::model::{Model, ParamRef, Sequential, Params};
    /// use groundup::optim::{Optimizer, Sgd};
    /// use groundup::{matrix, Matrix};
    /// # fn main() -> groundup::Result<()> {
    /// let mut net = Sequential::new(SoftmaxWithLoss::new())
    ///     .with(MatMul::new(matrix![[1.0f64, 2.0], [3.0, 4.0]]))
    ///     .with(MatMul::new(Matrix::zeros(2, 2)));
    /// let (first, second) = (ParamRef { layer: 0, param: 0 }, ParamRef { layer: 1, param: 0 });
    /// net.tie(first, second, false)?;
    /// assert_eq!(net.layers()[1].params()[0].value, matrix![[1.0, 2.0], [3.0, 4.0]]); // copied now
    /// // The optimizer sees one parameter, and its update reaches both uses.
    /// net.forward(matrix![[1.0, 0.0]].view(), Targets::Indices(&[0]));
    /// net.backward();
    /// assert_eq!(net.params().len(), 1);
    /// Sgd::new(0.1).update(&mut net);
    /// assert_eq!(net.layers()[0].params()[0].value, net.layers()[1].params()[0].value);
    /// // Ties that cannot hold are errors.
    /// assert!(net.tie(first, first, false).is_err());
    /// let err = net.tie(ParamRef { layer: 0, param: 0 }, ParamRef { layer: 7, param: 0 }, false);
    /// assert!(err.unwrap_err().to_string().contains("no parameter"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn tie(&mut self, source: ParamRef, target: ParamRef, transposed: bool) -> Result<()> {
        let bad = |msg: String| Err(Error::InvalidArgument(format!("Sequential::tie: {msg}")));
        let (Some(s), Some(t)) = (self.param(source), self.param(target)) else {
            return bad(format!("no parameter at {source:?} or {target:?}"));
        };
        if source == target {
            return bad(format!("{source:?} cannot be tied to itself"));
        }
        if self
            .ties
            .iter()
            .any(|tie| tie.target == target || tie.target == source || tie.source == target)
        {
            return bad(format!("{target:?} or {source:?} is already part of a tie"));
        }
        let want = if transposed {
            (s.value.cols(), s.value.rows())
        } else {
            s.value.shape()
        };
        if t.value.shape() != want {
            return bad(format!(
                "source shape {:?}{} does not match target shape {:?}",
                s.value.shape(),
                if transposed { " transposed" } else { "" },
                t.value.shape()
            ));
        }
        self.ties.push(Tie {
            source,
            target,
            transposed,
        });
        self.sync_ties();
        Ok(())
    }

    fn is_tie_target(&self, r: ParamRef) -> bool {
        self.ties.iter().any(|t| t.target == r)
    }

    fn sync_ties(&mut self) {
        for i in 0..self.ties.len() {
            let tie = self.ties[i];
            let src = &self.layers[tie.source.layer].params()[tie.source.param].value;
            copy_maybe_transposed(src, tie.transposed, &mut self.scratch);
            self.layers[tie.target.layer].params_mut()[tie.target.param]
                .value
                .copy_from(self.scratch.view());
        }
    }

    fn merge_tied_grads(&mut self) {
        for i in 0..self.ties.len() {
            let tie = self.ties[i];
            let tgt = &self.layers[tie.target.layer].params()[tie.target.param].grad;
            copy_maybe_transposed(tgt, tie.transposed, &mut self.scratch);
            let src = &mut self.layers[tie.source.layer].params_mut()[tie.source.param].grad;
            src.zip_map_inplace(&self.scratch, |a, b| a + b);
        }
    }
}

/// Runs the loss layer's and every layer's backward pass; with
/// `input_grad`, returns the first layer's input gradient (or the loss
/// gradient when there are no layers), otherwise the first layer runs
/// `backward_params` and `None` is returned.
fn backward_layers<'a, T: Scalar>(
    layers: &'a mut [Box<dyn Layer<T>>],
    loss: &'a mut dyn LossLayer<T>,
    identity: &'a mut Matrix<T>,
    input_grad: bool,
) -> Option<&'a Matrix<T>> {
    let d = loss.backward(T::ONE);
    let Some((first, rest)) = layers.split_first_mut() else {
        identity.assign(d.view());
        return Some(identity);
    };
    let mut d = d.view();
    for layer in rest.iter_mut().rev() {
        d = layer.backward(d).view();
    }
    if input_grad {
        Some(first.backward(d))
    } else {
        first.backward_params(d);
        None
    }
}

impl<T: Scalar> Model<T> for Sequential<T> {
    fn predict(&mut self, x: MatrixView<'_, T>) -> &Matrix<T> {
        if self.layers.is_empty() {
            self.identity.assign(x);
            return &self.identity;
        }
        let (last, rest) = self.layers.split_last_mut().expect("not empty");
        let mut h = x;
        for layer in rest {
            h = layer.forward(h).view();
        }
        last.forward(h)
    }
    fn infer(&self, x: MatrixView<'_, T>) -> Matrix<T> {
        let mut h = x.to_matrix();
        for layer in &self.layers {
            h = layer.infer(h.view());
        }
        h
    }
    fn forward(&mut self, x: MatrixView<'_, T>, t: Targets<'_, T>) -> T {
        let mut h = x;
        for layer in &mut self.layers {
            h = layer.forward(h).view();
        }
        self.loss.forward(h, t)
    }
    fn backward(&mut self) -> &Matrix<T> {
        if self.ties.is_empty() {
            return backward_layers(&mut self.layers, &mut *self.loss, &mut self.identity, true)
                .expect("asked for dx");
        }
        let dx = backward_layers(&mut self.layers, &mut *self.loss, &mut self.identity, true)
            .expect("asked for dx");
        self.tied_dx.assign(dx.view());
        self.merge_tied_grads();
        &self.tied_dx
    }
    fn backward_params(&mut self) {
        backward_layers(&mut self.layers, &mut *self.loss, &mut self.identity, false);
        if !self.ties.is_empty() {
            self.merge_tied_grads();
        }
    }
    fn set_training(&mut self, training: bool) {
        for l in &mut self.layers {
            l.set_training(training);
        }
    }
    fn input_cols(&self) -> Option<usize> {
        self.layers.first().and_then(|l| l.input_cols())
    }
    fn output_cols(&self) -> Option<usize> {
        Sequential::output_cols(self)
    }
}

impl<T: Scalar> Params<T> for Sequential<T> {
    fn for_each_param(&mut self, f: &mut dyn FnMut(usize, &mut Param<T>)) {
        let mut index = 0;
        for li in 0..self.layers.len() {
            for pi in 0..self.layers[li].params().len() {
                if self.is_tie_target(ParamRef {
                    layer: li,
                    param: pi,
                }) {
                    continue;
                }
                f(index, &mut self.layers[li].params_mut()[pi]);
                index += 1;
            }
        }
        if !self.ties.is_empty() {
            self.sync_ties();
        }
    }
    fn params(&self) -> Vec<&Param<T>> {
        let mut out = Vec::new();
        for (li, layer) in self.layers.iter().enumerate() {
            for (pi, p) in layer.params().iter().enumerate() {
                if !self.is_tie_target(ParamRef {
                    layer: li,
                    param: pi,
                }) {
                    out.push(p);
                }
            }
        }
        out
    }
    fn param_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        for (li, layer) in self.layers.iter().enumerate() {
            for (pi, name) in layer.param_names().iter().enumerate() {
                if !self.is_tie_target(ParamRef {
                    layer: li,
                    param: pi,
                }) {
                    names.push(format!("layers.{li}.{name}"));
                }
            }
        }
        names
    }
    /// Each layer's [`Layer::param_kinds`] (tied copies left out, as in
    /// [`params`](Params::params)); [`ParamKind::Unknown`] for the
    /// parameters of a layer that does not report them.
    fn param_kinds(&self) -> Vec<ParamKind> {
        let mut kinds = Vec::new();
        for (li, layer) in self.layers.iter().enumerate() {
            let reported = layer.param_kinds();
            for pi in 0..layer.params().len() {
                if !self.is_tie_target(ParamRef {
                    layer: li,
                    param: pi,
                }) {
                    kinds.push(reported.get(pi).copied().unwrap_or(ParamKind::Unknown));
                }
            }
        }
        kinds
    }
}
