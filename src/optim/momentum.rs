//! Plain, momentum and Nesterov SGD.

use super::{check_grad, Optimizer, State};
use crate::layers::Param;
use crate::scalar::Scalar;

/// Stochastic gradient descent: `p -= lr·g`. Book default `lr = 0.01`.
///
/// ```
/// use groundup::layers::Param;
/// use groundup::optim::{Optimizer, Sgd};
/// use groundup::matrix;
/// let mut p = Param::new(matrix![[1.0f64, 1.0]]);
/// p.grad = matrix![[1.0, -2.0]];
/// let mut sgd = Sgd { lr: 0.5 };
/// sgd.update_param(0, &mut p);
/// assert_eq!(p.value, matrix![[0.5, 2.0]]);
/// assert_eq!(Sgd::default().lr, 0.01);
/// ```
#[derive(Clone, Debug)]
pub struct Sgd {
    /// Learning rate.
    pub lr: f64,
}

impl Sgd {
    /// SGD with learning rate `lr`.
    ///
    /// ```
    /// use groundup::optim::{Optimizer, Sgd};
    /// let sgd = Sgd::new(1.0); // ch01/train.py's learning rate
    /// assert_eq!(sgd.lr, 1.0);
    /// // Sgd updates f32 and f64 parameters alike, so name the element type.
    /// assert_eq!(Optimizer::<f32>::name(&sgd), "SGD");
    /// ```
    pub fn new(lr: f64) -> Self {
        Sgd { lr }
    }
}

/// `p ← p − lr·g` on one parameter: [`Sgd`]'s update, also used where a
/// layer applies the step itself ([`crate::layers::Layer::backward_sgd`]).
pub(crate) fn sgd_step<T: Scalar>(p: &mut Param<T>, lr: T) {
    check_grad("SGD", p);
    for (w, &g) in p.value.as_mut_slice().iter_mut().zip(p.grad.as_slice()) {
        *w -= lr * g;
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
        sgd_step(p, T::from_f64(self.lr));
    }
    fn learning_rate(&self) -> f64 {
        self.lr
    }
}

/// Momentum SGD: `v = m·v − lr·g; p += v`. Book defaults `lr = 0.01`,
/// `momentum = 0.9`.
///
/// ```
/// use groundup::layers::Param;
/// use groundup::optim::{Momentum, Optimizer};
/// use groundup::matrix;
/// // Under a constant gradient the velocity builds up: −0.1, −0.19, −0.271, …
/// let mut p = Param::new(matrix![[0.0f64]]);
/// p.grad = matrix![[1.0]];
/// let mut momentum = Momentum { lr: 0.1, ..Default::default() };
/// let mut steps = Vec::new();
/// for _ in 0..3 {
///     let before = p.value[(0, 0)];
///     momentum.update_param(0, &mut p);
///     steps.push(p.value[(0, 0)] - before);
/// }
/// assert!((steps[2] + 0.271).abs() < 1e-12);
/// ```
#[derive(Clone, Debug)]
pub struct Momentum<T: Scalar> {
    /// Learning rate.
    pub lr: f64,
    /// Momentum coefficient.
    pub momentum: f64,
    /// Running state (velocities or squared-gradient sums), empty at first.
    pub v: State<T>,
}

impl<T: Scalar> Momentum<T> {
    /// Momentum SGD with the given learning rate and coefficient.
    ///
    /// ```
    /// use groundup::optim::{Momentum, Optimizer};
    /// let momentum = Momentum::<f64>::new(0.01, 0.9);
    /// assert_eq!((momentum.lr, momentum.momentum), (0.01, 0.9));
    /// assert_eq!(momentum.name(), "Momentum");
    /// ```
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
///
/// ```
/// use groundup::layers::Param;
/// use groundup::optim::{Momentum, Nesterov, Optimizer};
/// use groundup::matrix;
/// // From rest with gradient 1, momentum moves by lr = 0.1; Nesterov looks
/// // ahead and moves by m²·0.1 + (1 + m)·0.1 = 0.271.
/// let mut a = Param::new(matrix![[0.0f64]]);
/// let mut b = a.clone();
/// a.grad = matrix![[1.0]];
/// b.grad = matrix![[1.0]];
/// Momentum::new(0.1, 0.9).update_param(0, &mut a);
/// Nesterov::new(0.1, 0.9).update_param(0, &mut b);
/// assert!((a.value[(0, 0)] + 0.1).abs() < 1e-12);
/// assert!((b.value[(0, 0)] + 0.271).abs() < 1e-12);
/// ```
#[derive(Clone, Debug)]
pub struct Nesterov<T: Scalar> {
    /// Learning rate.
    pub lr: f64,
    /// Momentum coefficient.
    pub momentum: f64,
    /// Running state (velocities or squared-gradient sums), empty at first.
    pub v: State<T>,
}

impl<T: Scalar> Nesterov<T> {
    /// Nesterov momentum with the given learning rate and coefficient.
    ///
    /// ```
    /// use groundup::optim::{Nesterov, Optimizer};
    /// let nesterov = Nesterov::<f32>::new(0.01, 0.9);
    /// assert_eq!(nesterov.name(), "Nesterov");
    /// assert_eq!((nesterov.learning_rate(), nesterov.momentum), (0.01, 0.9));
    /// ```
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
