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

use crate::layers::Param;
use crate::matrix::{pairwise_sum_by, Matrix};
use crate::model::Model;
use crate::scalar::Scalar;

/// The `1e-7` the book adds to `sqrt(h)` in AdaGrad, RMSprop and Adam.
pub const EPSILON: f64 = 1e-7;

/// Updates parameters from their gradients.
pub trait Optimizer<T: Scalar> {
    /// The optimizer's name, e.g. `"SGD"`.
    fn name(&self) -> &'static str;
    /// Called once per update before the parameters are visited (Adam
    /// advances its step count here).
    fn begin_update(&mut self) {}
    /// Updates parameter number `index` in place. The index is the
    /// parameter's position in the model's visiting order and selects its
    /// state.
    fn update_param(&mut self, index: usize, param: &mut Param<T>);
    /// Updates every parameter of `model` (the book's
    /// `optimizer.update(params, grads)`).
    fn update(&mut self, model: &mut dyn Model<T>) {
        self.begin_update();
        model.for_each_param(&mut |i, p| self.update_param(i, p));
    }
    /// The learning rate.
    fn learning_rate(&self) -> f64;
}

/// Per-parameter state matrices, created as zeros on first use.
#[derive(Clone, Debug, Default)]
struct State<T: Scalar>(Vec<Matrix<T>>);

impl<T: Scalar> State<T> {
    fn get(&mut self, index: usize, like: &Matrix<T>) -> &mut Matrix<T> {
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

fn check_grad<T: Scalar>(name: &str, p: &Param<T>) {
    assert!(
        p.value.shape() == p.grad.shape(),
        "{name}: gradient shape {:?} differs from parameter shape {:?}",
        p.grad.shape(),
        p.value.shape()
    );
}

/// Stochastic gradient descent: `p -= lr·g`. Book default `lr = 0.01`.
#[derive(Clone, Debug)]
pub struct Sgd {
    /// Learning rate.
    pub lr: f64,
}

impl Sgd {
    /// SGD with learning rate `lr`.
    pub fn new(lr: f64) -> Self {
        Sgd { lr }
    }
}

impl Default for Sgd {
    fn default() -> Self {
        Sgd::new(0.01)
    }
}

impl<T: Scalar> Optimizer<T> for Sgd {
    fn name(&self) -> &'static str {
        "SGD"
    }
    fn update_param(&mut self, _index: usize, p: &mut Param<T>) {
        check_grad("SGD", p);
        let lr = T::from_f64(self.lr);
        for (w, &g) in p.value.as_mut_slice().iter_mut().zip(p.grad.as_slice()) {
            *w -= lr * g;
        }
    }
    fn learning_rate(&self) -> f64 {
        self.lr
    }
}

/// Momentum SGD: `v = m·v − lr·g; p += v`. Book defaults `lr = 0.01`,
/// `momentum = 0.9`.
#[derive(Clone, Debug)]
pub struct Momentum<T: Scalar> {
    /// Learning rate.
    pub lr: f64,
    /// Momentum coefficient.
    pub momentum: f64,
    v: State<T>,
}

impl<T: Scalar> Momentum<T> {
    /// Momentum SGD with the given learning rate and coefficient.
    pub fn new(lr: f64, momentum: f64) -> Self {
        Momentum {
            lr,
            momentum,
            v: State::default(),
        }
    }
}

impl<T: Scalar> Default for Momentum<T> {
    fn default() -> Self {
        Self::new(0.01, 0.9)
    }
}

impl<T: Scalar> Optimizer<T> for Momentum<T> {
    fn name(&self) -> &'static str {
        "Momentum"
    }
    fn update_param(&mut self, index: usize, p: &mut Param<T>) {
        check_grad("Momentum", p);
        let (m, lr) = (T::from_f64(self.momentum), T::from_f64(self.lr));
        let v = self.v.get(index, &p.value);
        for ((w, v), &g) in p
            .value
            .as_mut_slice()
            .iter_mut()
            .zip(v.as_mut_slice())
            .zip(p.grad.as_slice())
        {
            *v = m * *v - lr * g;
            *w += *v;
        }
    }
    fn learning_rate(&self) -> f64 {
        self.lr
    }
}

/// Nesterov's accelerated gradient, in the book's form:
/// `v *= m; v -= lr·g; p += m·m·v; p -= (1 + m)·lr·g`. Book defaults
/// `lr = 0.01`, `momentum = 0.9`.
#[derive(Clone, Debug)]
pub struct Nesterov<T: Scalar> {
    /// Learning rate.
    pub lr: f64,
    /// Momentum coefficient.
    pub momentum: f64,
    v: State<T>,
}

impl<T: Scalar> Nesterov<T> {
    /// Nesterov momentum with the given learning rate and coefficient.
    pub fn new(lr: f64, momentum: f64) -> Self {
        Nesterov {
            lr,
            momentum,
            v: State::default(),
        }
    }
}

impl<T: Scalar> Default for Nesterov<T> {
    fn default() -> Self {
        Self::new(0.01, 0.9)
    }
}

impl<T: Scalar> Optimizer<T> for Nesterov<T> {
    fn name(&self) -> &'static str {
        "Nesterov"
    }
    fn update_param(&mut self, index: usize, p: &mut Param<T>) {
        check_grad("Nesterov", p);
        let m = T::from_f64(self.momentum);
        let lr = T::from_f64(self.lr);
        let mm = T::from_f64(self.momentum * self.momentum);
        let step = T::from_f64((1.0 + self.momentum) * self.lr);
        let v = self.v.get(index, &p.value);
        for ((w, v), &g) in p
            .value
            .as_mut_slice()
            .iter_mut()
            .zip(v.as_mut_slice())
            .zip(p.grad.as_slice())
        {
            *v *= m;
            *v -= lr * g;
            *w += mm * *v;
            *w -= step * g;
        }
    }
    fn learning_rate(&self) -> f64 {
        self.lr
    }
}

/// AdaGrad: `h += g·g; p -= lr·g / (sqrt(h) + 1e-7)`. Book default `lr = 0.01`.
#[derive(Clone, Debug)]
pub struct AdaGrad<T: Scalar> {
    /// Learning rate.
    pub lr: f64,
    h: State<T>,
}

impl<T: Scalar> AdaGrad<T> {
    /// AdaGrad with learning rate `lr`.
    pub fn new(lr: f64) -> Self {
        AdaGrad {
            lr,
            h: State::default(),
        }
    }
}

impl<T: Scalar> Default for AdaGrad<T> {
    fn default() -> Self {
        Self::new(0.01)
    }
}

impl<T: Scalar> Optimizer<T> for AdaGrad<T> {
    fn name(&self) -> &'static str {
        "AdaGrad"
    }
    fn update_param(&mut self, index: usize, p: &mut Param<T>) {
        check_grad("AdaGrad", p);
        let lr = T::from_f64(self.lr);
        let eps = T::from_f64(EPSILON);
        let h = self.h.get(index, &p.value);
        for ((w, h), &g) in p
            .value
            .as_mut_slice()
            .iter_mut()
            .zip(h.as_mut_slice())
            .zip(p.grad.as_slice())
        {
            *h += g * g;
            *w -= lr * g / (h.sqrt() + eps);
        }
    }
    fn learning_rate(&self) -> f64 {
        self.lr
    }
}

/// RMSprop, in the book's form: `h *= d; h += (1 − d)·g·g;
/// p -= lr·g / (sqrt(h) + 1e-7)`. Book defaults `lr = 0.01`,
/// `decay_rate = 0.99`.
#[derive(Clone, Debug)]
pub struct RmsProp<T: Scalar> {
    /// Learning rate.
    pub lr: f64,
    /// Decay of the squared-gradient average.
    pub decay_rate: f64,
    h: State<T>,
}

impl<T: Scalar> RmsProp<T> {
    /// RMSprop with the given learning rate and decay.
    pub fn new(lr: f64, decay_rate: f64) -> Self {
        RmsProp {
            lr,
            decay_rate,
            h: State::default(),
        }
    }
}

impl<T: Scalar> Default for RmsProp<T> {
    fn default() -> Self {
        Self::new(0.01, 0.99)
    }
}

impl<T: Scalar> Optimizer<T> for RmsProp<T> {
    fn name(&self) -> &'static str {
        "RMSprop"
    }
    fn update_param(&mut self, index: usize, p: &mut Param<T>) {
        check_grad("RMSprop", p);
        let d = T::from_f64(self.decay_rate);
        let one_minus_d = T::from_f64(1.0 - self.decay_rate);
        let lr = T::from_f64(self.lr);
        let eps = T::from_f64(EPSILON);
        let h = self.h.get(index, &p.value);
        for ((w, h), &g) in p
            .value
            .as_mut_slice()
            .iter_mut()
            .zip(h.as_mut_slice())
            .zip(p.grad.as_slice())
        {
            *h *= d;
            *h += one_minus_d * g * g;
            *w -= lr * g / (h.sqrt() + eps);
        }
    }
    fn learning_rate(&self) -> f64 {
        self.lr
    }
}

/// Adam, in the book's form with the bias correction folded into the step:
/// `t += 1; lr_t = lr·sqrt(1 − β2^t)/(1 − β1^t); m += (1 − β1)(g − m);
/// v += (1 − β2)(g² − v); p -= lr_t·m / (sqrt(v) + 1e-7)`. Book defaults
/// `lr = 0.001`, `beta1 = 0.9`, `beta2 = 0.999`.
#[derive(Clone, Debug)]
pub struct Adam<T: Scalar> {
    /// Learning rate.
    pub lr: f64,
    /// Decay of the first moment.
    pub beta1: f64,
    /// Decay of the second moment.
    pub beta2: f64,
    iter: i32,
    lr_t: f64,
    m: State<T>,
    v: State<T>,
}

impl<T: Scalar> Adam<T> {
    /// Adam with the given learning rate and decays.
    pub fn new(lr: f64, beta1: f64, beta2: f64) -> Self {
        Adam {
            lr,
            beta1,
            beta2,
            iter: 0,
            lr_t: 0.0,
            m: State::default(),
            v: State::default(),
        }
    }
    /// Number of updates so far.
    pub fn steps(&self) -> i32 {
        self.iter
    }
}

impl<T: Scalar> Default for Adam<T> {
    fn default() -> Self {
        Self::new(0.001, 0.9, 0.999)
    }
}

impl<T: Scalar> Optimizer<T> for Adam<T> {
    fn name(&self) -> &'static str {
        "Adam"
    }
    fn begin_update(&mut self) {
        self.iter += 1;
        // Python's float ** int is C pow(), not repeated multiplication.
        let t = f64::from(self.iter);
        self.lr_t = self.lr * (1.0 - self.beta2.powf(t)).sqrt() / (1.0 - self.beta1.powf(t));
    }
    fn update_param(&mut self, index: usize, p: &mut Param<T>) {
        check_grad("Adam", p);
        assert!(
            self.iter > 0,
            "Adam: begin_update must be called before update_param"
        );
        let b1 = T::from_f64(1.0 - self.beta1);
        let b2 = T::from_f64(1.0 - self.beta2);
        let lr_t = T::from_f64(self.lr_t);
        let eps = T::from_f64(EPSILON);
        let m = self.m.get(index, &p.value);
        let v = self.v.get(index, &p.value);
        for (((w, m), v), &g) in p
            .value
            .as_mut_slice()
            .iter_mut()
            .zip(m.as_mut_slice())
            .zip(v.as_mut_slice())
            .zip(p.grad.as_slice())
        {
            *m += b1 * (g - *m);
            *v += b2 * (g * g - *v);
            *w -= lr_t * *m / (v.sqrt() + eps);
        }
    }
    fn learning_rate(&self) -> f64 {
        self.lr
    }
}

/// Scales all gradients of `model` by `max_norm / (‖g‖ + 1e-6)` when that
/// rate is below 1, where `‖g‖` is the L2 norm over every gradient together:
/// the book's `clip_grads(grads, max_norm)` (squares summed per parameter in
/// numpy's pairwise order, then across parameters in order). Returns the norm
/// before clipping.
pub fn clip_grads<T: Scalar>(model: &mut dyn Model<T>, max_norm: f64) -> T {
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
