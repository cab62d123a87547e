//! Per-element adaptive step sizes: AdaGrad, RMSprop, Adam.

use super::{check_grad, Optimizer, State, EPSILON};
use crate::layers::Param;
use crate::scalar::Scalar;

/// AdaGrad: `h += g·g; p -= lr·g / (sqrt(h) + 1e-7)`. Book default `lr = 0.01`.
#[derive(Clone, Debug)]
pub struct AdaGrad<T: Scalar> {
    /// Learning rate.
    pub lr: f64,
    /// Running sums of squared gradients, empty at first.
    pub h: State<T>,
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
    /// Running sums of squared gradients, empty at first.
    pub h: State<T>,
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
    /// Moments and step count, empty at first.
    pub moments: AdamMoments<T>,
}

/// Adam's running state: the step count and both moments per parameter.
/// Opaque; starts from `AdamMoments::default()`.
#[derive(Clone, Debug)]
pub struct AdamMoments<T: Scalar> {
    iter: i32,
    lr_t: f64,
    m: State<T>,
    v: State<T>,
}

impl<T: Scalar> Default for AdamMoments<T> {
    fn default() -> Self {
        AdamMoments {
            iter: 0,
            lr_t: 0.0,
            m: State::default(),
            v: State::default(),
        }
    }
}

impl<T: Scalar> Adam<T> {
    /// Adam with the given learning rate and decays.
    pub fn new(lr: f64, beta1: f64, beta2: f64) -> Self {
        Adam {
            lr,
            beta1,
            beta2,
            moments: AdamMoments::default(),
        }
    }
    /// Number of updates so far.
    pub fn steps(&self) -> i32 {
        self.moments.iter
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
        self.moments.iter += 1;
        // Python's float ** int is C pow(), not repeated multiplication.
        let t = f64::from(self.moments.iter);
        self.moments.lr_t =
            self.lr * (1.0 - self.beta2.powf(t)).sqrt() / (1.0 - self.beta1.powf(t));
    }
    fn update_param(&mut self, index: usize, p: &mut Param<T>) {
        check_grad("Adam", p);
        assert!(
            self.moments.iter > 0,
            "Adam: begin_update must be called before update_param"
        );
        let b1 = T::from_f64(1.0 - self.beta1);
        let b2 = T::from_f64(1.0 - self.beta2);
        let lr_t = T::from_f64(self.moments.lr_t);
        let eps = T::from_f64(EPSILON);
        let m = self.moments.m.get(index, &p.value);
        let v = self.moments.v.get(index, &p.value);
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
