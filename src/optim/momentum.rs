//! Plain, momentum and Nesterov SGD.

use super::{check_grad, Optimizer, State};
use crate::layers::Param;
use crate::scalar::Scalar;

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
    /// Running state (velocities or squared-gradient sums), empty at first.
    pub v: State<T>,
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
    /// Running state (velocities or squared-gradient sums), empty at first.
    pub v: State<T>,
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
