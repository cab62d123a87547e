//! Optimizers with the book's defaults and update formulas
//! (`common/optimizer.py`), and gradient clipping (`clip_grads`).
//!
//! Hyperparameters are `f64` (Python floats in the book); every scalar
//! factor is formed in `f64` exactly as Python evaluates it and rounded to the
//! element type once, and array expressions are evaluated in the book's order,
//! so float64 runs reproduce numpy bit for bit and float32 runs follow numpy's
//! float32 arithmetic.
//!
//! Per-parameter state (velocities, squared-gradient sums) is allocated on
//! the first update, in the order the model visits its parameters.
//!
//! ```
//! use groundup::layers::Param;
//! use groundup::optim::{Optimizer, Sgd};
//! use groundup::Matrix;
//! let mut p = Param::new(Matrix::filled(1, 2, 1.0f64));
//! p.grad = Matrix::filled(1, 2, 0.5);
//! let mut sgd = Sgd::new(0.1);
//! Optimizer::<f64>::begin_update(&mut sgd);
//! sgd.update_param(0, &mut p);
//! assert_eq!(p.value.as_slice(), &[0.95, 0.95]);
//! ```

mod adaptive;
mod momentum;

pub use adaptive::{AdaGrad, Adam, AdamMoments, RmsProp};
pub(crate) use momentum::sgd_step;
pub use momentum::{Momentum, Nesterov, Sgd};

use crate::layers::Param;
use crate::matrix::{pairwise_sum_by, Matrix};
use crate::model::Params;
use crate::scalar::Scalar;

/// The `1e-7` the book adds to `sqrt(h)` in AdaGrad, RMSprop and Adam.
///
/// ```
/// use groundup::layers::Param;
/// use groundup::optim::{AdaGrad, Optimizer, EPSILON};
/// use groundup::Matrix;
/// // Without it, a zero gradient on the first step would be 0 / 0 = NaN.
/// let mut p = Param::new(Matrix::filled(1, 1, 1.0f64));
/// let mut adagrad = AdaGrad::new(0.01);
/// adagrad.begin_update();
/// adagrad.update_param(0, &mut p);
/// assert_eq!(p.value[(0, 0)], 1.0);
/// assert_eq!(EPSILON, 1e-7);
/// ```
pub const EPSILON: f64 = 1e-7;

/// Updates parameters from their gradients.
///
/// ```
/// use groundup::layers::Param;
/// use groundup::optim::{Adam, Momentum, Optimizer, RmsProp, Sgd};
/// use groundup::matrix;
/// // Each optimizer moves a parameter against its gradient.
/// let optimizers: Vec<Box<dyn Optimizer<f64>>> = vec![
///     Box::new(Sgd::new(0.1)),
///     Box::new(Momentum::new(0.1, 0.9)),
///     Box::new(RmsProp::new(0.1, 0.99)),
///     Box::new(Adam::new(0.1, 0.9, 0.999)),
/// ];
/// for mut opt in optimizers {
///     let mut p = Param::new(matrix![[1.0, 1.0]]);
///     p.grad = matrix![[2.0, -2.0]];
///     opt.begin_update();
///     opt.update_param(0, &mut p);
///     assert!(p.value[(0, 0)] < 1.0 && p.value[(0, 1)] > 1.0, "{}", opt.name());
/// }
/// ```
pub trait Optimizer<T: Scalar> {
    /// The optimizer's name, e.g. `"SGD"`.
    ///
    /// ```
    /// use groundup::optim::{by_name, Optimizer};
    /// # fn main() -> groundup::Result<()> {
    /// let mut names = Vec::new();
    /// for flag in ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"] {
    ///     names.push(by_name::<f64>(flag, None)?.name());
    /// }
    /// assert_eq!(names, ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam"]);
    /// # Ok(())
    /// # }
    /// ```
    fn name(&self) -> &'static str;
    /// Called once per update before the parameters are visited (Adam
    /// advances its step count here).
    ///
    /// ```
    /// use groundup::layers::Param;
    /// use groundup::optim::{Adam, Optimizer};
    /// use groundup::Matrix;
    /// let mut adam = Adam::<f64>::default();
    /// let mut w = Param::new(Matrix::zeros(2, 2));
    /// let mut b = Param::new(Matrix::zeros(1, 2));
    /// // One begin_update per step, then each parameter: Adam counts steps.
    /// adam.begin_update();
    /// adam.update_param(0, &mut w);
    /// adam.update_param(1, &mut b);
    /// assert_eq!(adam.steps(), 1);
    /// ```
    fn begin_update(&mut self) {}
    /// Updates parameter number `index` in place. The index is the
    /// parameter's position in the model's visiting order and selects its
    /// state.
    ///
    /// ```
    /// use groundup::layers::Param;
    /// use groundup::optim::{Momentum, Optimizer};
    /// use groundup::matrix;
    /// // Momentum 0.9, lr 0.1, gradient 1: the velocity is −0.1, then −0.19.
    /// let mut p = Param::new(matrix![[1.0f64]]);
    /// p.grad = matrix![[1.0]];
    /// let mut momentum = Momentum::new(0.1, 0.9);
    /// momentum.update_param(0, &mut p);
    /// momentum.update_param(0, &mut p);
    /// assert!((p.value[(0, 0)] - (1.0 - 0.1 - 0.19)).abs() < 1e-12);
    /// // The index selects the state: the parameter at index 1 starts at rest.
    /// let mut q = Param::new(matrix![[1.0f64]]);
    /// q.grad = matrix![[1.0]];
    /// momentum.update_param(1, &mut q);
    /// assert!((q.value[(0, 0)] - 0.9).abs() < 1e-12);
    /// ```
    fn update_param(&mut self, index: usize, param: &mut Param<T>);
    /// Updates every parameter of `model` (the book's
    /// `optimizer.update(params, grads)`).
    ///
    /// ```
    /// use groundup::layers::{Affine, SoftmaxWithLoss, Targets};
    /// use groundup::model::{Model, Sequential, Params};
    /// use groundup::optim::{Optimizer, Sgd};
    /// use groundup::{matrix, Matrix};
    /// let mut net = Sequential::new(SoftmaxWithLoss::new())
    ///     .with(Affine::new(Matrix::identity(2), Matrix::zeros(1, 2)));
    /// net.forward(matrix![[0.0f64, 0.0]].view(), Targets::Indices(&[1]));
    /// net.backward(); // db = (0.5, −0.5), dW = 0
    /// Sgd::new(1.0).update(&mut net);
    /// assert_eq!(net.params()[1].value, matrix![[-0.5, 0.5]]);
    /// assert_eq!(net.params()[0].value, Matrix::identity(2));
    /// ```
    fn update(&mut self, model: &mut dyn Params<T>) {
        self.begin_update();
        model.for_each_param(&mut |i, p| self.update_param(i, p));
    }
    /// The learning rate.
    ///
    /// ```
    /// use groundup::optim::{by_name, Optimizer};
    /// # fn main() -> groundup::Result<()> {
    /// assert_eq!(by_name::<f32>("adam", None)?.learning_rate(), 0.001); // the book's default
    /// assert_eq!(by_name::<f32>("adam", Some(0.01))?.learning_rate(), 0.01);
    /// # Ok(())
    /// # }
    /// ```
    fn learning_rate(&self) -> f64;
}

/// An optimizer's per-parameter running state (the book's `self.v`,
/// `self.h`, `self.m`): one matrix per parameter, created as zeros on the
/// first update. Opaque; a new optimizer starts from `State::default()`,
/// which is what `..Default::default()` fills in:
///
/// ```
/// use groundup::optim::{Adam, Momentum};
/// let adam = Adam::<f32> { lr: 0.01, ..Default::default() };
/// assert_eq!((adam.beta1, adam.beta2), (0.9, 0.999));
/// let momentum = Momentum::<f64> { momentum: 0.5, ..Default::default() };
/// assert_eq!(momentum.lr, 0.01);
/// ```
#[derive(Clone, Debug)]
pub struct State<T: Scalar>(Vec<Matrix<T>>);

impl<T: Scalar> Default for State<T> {
    fn default() -> Self {
        State(Vec::new())
    }
}

impl<T: Scalar> State<T> {
    pub(crate) fn get(&mut self, index: usize, like: &Matrix<T>) -> &mut Matrix<T> {
        while self.0.len() <= index {
            self.0.push(Matrix::zeros(0, 0));
        }
        let s = &mut self.0[index];
        if s.shape() != like.shape() {
            *s = Matrix::zeros(like.rows(), like.cols());
        }
        s
    }
}

pub(crate) fn check_grad<T: Scalar>(name: &str, p: &Param<T>) {
    assert!(
        p.value.shape() == p.grad.shape(),
        "{name}: gradient shape {:?} differs from parameter shape {:?}",
        p.grad.shape(),
        p.value.shape()
    );
}

/// Scales all gradients of `model` by `max_norm / (‖g‖ + 1e-6)` when that
/// rate is below 1, where `‖g‖` is the L2 norm over every gradient together:
/// the book's `clip_grads(grads, max_norm)` (squares summed per parameter in
/// numpy's pairwise order, then across parameters in order). Returns the norm
/// before clipping.
///
/// ```
/// use groundup::layers::{Affine, SoftmaxWithLoss};
/// use groundup::model::{Model, Sequential, Params};
/// use groundup::optim::clip_grads;
/// use groundup::{matrix, Matrix};
/// let mut net = Sequential::<f64>::new(SoftmaxWithLoss::new())
///     .with(Affine::new(Matrix::zeros(1, 2), Matrix::zeros(1, 2)));
/// // Gradients (3, 0) for W and (0, 4) for b: a global norm of 5.
/// net.for_each_param(&mut |i, p| {
///     p.grad = if i == 0 { matrix![[3.0, 0.0]] } else { matrix![[0.0, 4.0]] }
/// });
/// assert_eq!(clip_grads(&mut net, 10.0), 5.0); // under the limit: unchanged
/// assert_eq!(net.params()[0].grad, matrix![[3.0, 0.0]]);
/// assert_eq!(clip_grads(&mut net, 1.0), 5.0); // over it: scaled to a norm of ~1
/// assert!((net.params()[1].grad[(0, 1)] - 0.8).abs() < 1e-6);
/// ```
pub fn clip_grads<T: Scalar>(model: &mut dyn Params<T>, max_norm: f64) -> T {
    let mut total = T::ZERO;
    model.for_each_param(&mut |_, p| total += pairwise_sum_by(p.grad.as_slice(), |g| g * g));
    let norm = total.sqrt();
    let rate = T::from_f64(max_norm) / (norm + T::from_f64(1e-6));
    if rate < T::ONE {
        model.for_each_param(&mut |_, p| p.grad.scale(rate));
    }
    norm
}

/// An optimizer chosen by name at runtime (for command lines): `sgd`,
/// `momentum`, `nesterov`, `adagrad`, `rmsprop`, `adam`, with the book's
/// defaults for everything but the learning rate (`None` keeps the book's
/// default learning rate too).
///
/// # Errors
/// [`crate::Error::InvalidArgument`] naming the unknown optimizer.
///
/// ```
/// use groundup::optim::{by_name, Optimizer};
/// # fn main() -> groundup::Result<()> {
/// let opt = by_name::<f64>("momentum", Some(0.05))?;
/// assert_eq!((opt.name(), opt.learning_rate()), ("Momentum", 0.05));
/// let err = by_name::<f64>("adamw", None).err().expect("not an optimizer");
/// assert!(err.to_string().contains("unknown optimizer \"adamw\""), "{err}");
/// # Ok(())
/// # }
/// ```
pub fn by_name<T: Scalar>(
    name: &str,
    lr: Option<f64>,
) -> crate::Result<Box<dyn Optimizer<T> + Send>> {
    Ok(match name {
        "sgd" => Box::new(Sgd::new(lr.unwrap_or(0.01))),
        "momentum" => Box::new(Momentum::<T>::new(lr.unwrap_or(0.01), 0.9)),
        "nesterov" => Box::new(Nesterov::<T>::new(lr.unwrap_or(0.01), 0.9)),
        "adagrad" => Box::new(AdaGrad::<T>::new(lr.unwrap_or(0.01))),
        "rmsprop" => Box::new(RmsProp::<T>::new(lr.unwrap_or(0.01), 0.99)),
        "adam" => Box::new(Adam::<T>::new(lr.unwrap_or(0.001), 0.9, 0.999)),
        other => {
            return Err(crate::Error::InvalidArgument(format!(
                "unknown optimizer {other:?}: expected one of sgd, momentum, nesterov, adagrad, rmsprop, adam"
            )))
        }
    })
}

impl<T: Scalar, O: Optimizer<T> + ?Sized> Optimizer<T> for Box<O> {
    fn name(&self) -> &'static str {
        (**self).name()
    }
    fn begin_update(&mut self) {
        (**self).begin_update()
    }
    fn update_param(&mut self, index: usize, param: &mut Param<T>) {
        (**self).update_param(index, param)
    }
    fn learning_rate(&self) -> f64 {
        (**self).learning_rate()
    }
}
