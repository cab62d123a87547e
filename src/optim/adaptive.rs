//! Per-element adaptive step sizes: AdaGrad, RMSprop, Adam.

use super::{check_grad, Optimizer, State, EPSILON};
use crate::layers::Param;
use crate::scalar::Scalar;

/// AdaGrad: `h += g·g; p -= lr·g / (sqrt(h) + 1e-7)`. Book default `lr = 0.01`.
///
/// ```
/// use groundup::layers::Param;
/// use groundup::optim::{AdaGrad, Optimizer};
/// use groundup::matrix;
/// // The first step is about lr for every element, however large its gradient.
/// let mut p = Param::new(matrix![[1.0f64, 1.0]]);
/// p.grad = matrix![[0.1, 1000.0]];
/// let mut adagrad = AdaGrad::new(0.01);
/// adagrad.begin_update();
/// adagrad.update_param(0, &mut p);
/// assert!(p.value.iter().all(|&v| (v - 0.99).abs() < 1e-7));
/// ```
#[derive(Clone, Debug)]
pub struct AdaGrad<T: Scalar> {
    /// Learning rate.
    pub lr: f64,
    /// Running sums of squared gradients, empty at first.
    pub h: State<T>,
}

impl<T: Scalar> AdaGrad<T> {
    /// AdaGrad with learning rate `lr`.
    ///
    /// ```
    /// use groundup::optim::{AdaGrad, Optimizer};
    /// let adagrad = AdaGrad::<f32>::new(0.1);
    /// assert_eq!((adagrad.name(), adagrad.learning_rate()), ("AdaGrad", 0.1));
    /// ```
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
///
/// ```
/// use groundup::layers::Param;
/// use groundup::optim::{Optimizer, RmsProp};
/// use groundup::matrix;
/// let mut p = Param::new(matrix![[1.0f64]]);
/// p.grad = matrix![[4.0]];
/// let mut rmsprop = RmsProp::new(0.01, 0.99);
/// rmsprop.begin_update();
/// rmsprop.update_param(0, &mut p);
/// // h = (1 − 0.99)·4² = 0.16, so the step is 0.01·4 / √0.16 = 0.1.
/// assert!((p.value[(0, 0)] - 0.9).abs() < 1e-6);
/// ```
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
    ///
    /// ```
    /// use groundup::optim::{Optimizer, RmsProp};
    /// let rmsprop = RmsProp::<f64>::new(0.001, 0.9);
    /// assert_eq!((rmsprop.lr, rmsprop.decay_rate), (0.001, 0.9));
    /// assert_eq!(rmsprop.name(), "RMSprop");
    /// ```
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
///
/// ```
/// use groundup::layers::Param;
/// use groundup::optim::{Adam, Optimizer};
/// use groundup::matrix;
/// // With the bias correction the first step is about lr, in the direction
/// // opposite to the gradient, whatever its size.
/// let mut p = Param::new(matrix![[1.0f64, 1.0]]);
/// p.grad = matrix![[0.5, -200.0]];
/// let mut adam = Adam { lr: 0.01, ..Default::default() };
/// adam.begin_update();
/// adam.update_param(0, &mut p);
/// assert!((p.value[(0, 0)] - 0.99).abs() < 1e-6);
/// assert!((p.value[(0, 1)] - 1.01).abs() < 1e-6);
/// ```
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
///
/// ```
/// use groundup::layers::Param;
/// use groundup::optim::{Adam, AdamMoments, Optimizer};
/// use groundup::Matrix;
/// let mut adam = Adam::<f64>::default();
/// let mut p = Param::new(Matrix::zeros(1, 1));
/// for _ in 0..3 {
///     adam.begin_update();
///     adam.update_param(0, &mut p);
/// }
/// assert_eq!(adam.steps(), 3);
/// // Start over (for a new model) with the same hyperparameters.
/// adam.moments = AdamMoments::default();
/// assert_eq!(adam.steps(), 0);
/// ```
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
    ///
    /// ```
    /// use groundup::optim::{Adam, Optimizer};
    /// let adam = Adam::<f32>::new(0.001, 0.9, 0.999);
    /// assert_eq!((adam.name(), adam.learning_rate(), adam.steps()), ("Adam", 0.001, 0));
    /// ```
    pub fn new(lr: f64, beta1: f64, beta2: f64) -> Self {
        Adam {
            lr,
            beta1,
            beta2,
            moments: AdamMoments::default(),
        }
    }
    /// Number of updates so far.
    ///
    /// ```
    /// use groundup::layers::{Affine, SoftmaxWithLoss, Targets};
    /// use groundup::model::{Model, Sequential};
    /// use groundup::optim::{Adam, Optimizer};
    /// use groundup::Matrix;
    /// let mut net = Sequential::new(SoftmaxWithLoss::new())
    ///     .with(Affine::new(Matrix::zeros(2, 2), Matrix::zeros(1, 2)));
    /// let mut adam = Adam::<f64>::default();
    /// for _ in 0..5 {
    ///     net.forward(Matrix::filled(1, 2, 1.0).view(), Targets::Indices(&[1]));
    ///     net.backward();
    ///     adam.update(&mut net); // one step per update, however many parameters
    /// }
    /// assert_eq!(adam.steps(), 5);
    /// ```
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
