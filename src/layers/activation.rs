//! Parameter-free element-wise layers and Softmax.

use super::{check_same_shape, Layer};
use crate::matrix::{Matrix, MatrixView};
use crate::scalar::Scalar;

/// `y = 1 / (1 + exp(-x))`; backward `dx = dout·(1 - y)·y` (evaluated in
/// that order, as the book writes it, so float64 results match numpy).
#[derive(Clone, Debug, Default)]
pub struct Sigmoid<T: Scalar> {
    out: Matrix<T>,
    dx: Matrix<T>,
}

impl<T: Scalar> Sigmoid<T> {
    /// A new Sigmoid layer.
    pub fn new() -> Self {
        Self::default()
    }
}

/// The logistic function `1 / (1 + e^{-x})` on one value.
#[inline]
pub(crate) fn sigmoid<T: Scalar>(x: T) -> T {
    T::ONE / (T::ONE + (-x).exp())
}

impl<T: Scalar> Layer<T> for Sigmoid<T> {
    fn name(&self) -> &'static str {
        "Sigmoid"
    }
    fn forward(&mut self, x: MatrixView<'_, T>) -> &Matrix<T> {
        self.out.resize(x.rows(), x.cols());
        for (y, &v) in self.out.as_mut_slice().iter_mut().zip(x.as_slice()) {
            *y = sigmoid(v);
        }
        &self.out
    }
    fn backward(&mut self, dout: MatrixView<'_, T>) -> &Matrix<T> {
        check_same_shape("Sigmoid", "backward", self.out.shape(), dout.shape());
        self.dx.resize(dout.rows(), dout.cols());
        for ((dx, &d), &y) in self
            .dx
            .as_mut_slice()
            .iter_mut()
            .zip(dout.as_slice())
            .zip(self.out.as_slice())
        {
            *dx = d * (T::ONE - y) * y;
        }
        &self.dx
    }
}

/// `y = max(x, 0)`; backward passes `dout` where `x > 0`, else 0 (the
/// book's `mask = (x <= 0)`).
#[derive(Clone, Debug, Default)]
pub struct ReLU<T: Scalar> {
    x: Matrix<T>,
    out: Matrix<T>,
    dx: Matrix<T>,
}

impl<T: Scalar> ReLU<T> {
    /// A new ReLU layer.
    pub fn new() -> Self {
        Self::default()
    }
}

impl<T: Scalar> Layer<T> for ReLU<T> {
    fn name(&self) -> &'static str {
        "ReLU"
    }
    fn forward(&mut self, x: MatrixView<'_, T>) -> &Matrix<T> {
        self.x.assign(x);
        self.out.resize(x.rows(), x.cols());
        for (y, &v) in self.out.as_mut_slice().iter_mut().zip(x.as_slice()) {
            *y = if v > T::ZERO { v } else { T::ZERO };
        }
        &self.out
    }
    fn backward(&mut self, dout: MatrixView<'_, T>) -> &Matrix<T> {
        check_same_shape("ReLU", "backward", self.x.shape(), dout.shape());
        self.dx.resize(dout.rows(), dout.cols());
        for ((dx, &d), &x) in self
            .dx
            .as_mut_slice()
            .iter_mut()
            .zip(dout.as_slice())
            .zip(self.x.as_slice())
        {
            *dx = if x > T::ZERO { d } else { T::ZERO };
        }
        &self.dx
    }
}

/// `y = tanh(x)`; backward `dx = dout·(1 - y²)`.
#[derive(Clone, Debug, Default)]
pub struct Tanh<T: Scalar> {
    out: Matrix<T>,
    dx: Matrix<T>,
}

impl<T: Scalar> Tanh<T> {
    /// A new Tanh layer.
    pub fn new() -> Self {
        Self::default()
    }
}

impl<T: Scalar> Layer<T> for Tanh<T> {
    fn name(&self) -> &'static str {
        "Tanh"
    }
    fn forward(&mut self, x: MatrixView<'_, T>) -> &Matrix<T> {
        self.out.resize(x.rows(), x.cols());
        for (y, &v) in self.out.as_mut_slice().iter_mut().zip(x.as_slice()) {
            *y = v.tanh();
        }
        &self.out
    }
    fn backward(&mut self, dout: MatrixView<'_, T>) -> &Matrix<T> {
        check_same_shape("Tanh", "backward", self.out.shape(), dout.shape());
        self.dx.resize(dout.rows(), dout.cols());
        for ((dx, &d), &y) in self
            .dx
            .as_mut_slice()
            .iter_mut()
            .zip(dout.as_slice())
            .zip(self.out.as_slice())
        {
            *dx = d * (T::ONE - y * y);
        }
        &self.dx
    }
}

/// Row-wise softmax as a layer (the row maximum is subtracted first);
/// backward `dx = y·dout − y·Σ_row(y·dout)`.
#[derive(Clone, Debug, Default)]
pub struct Softmax<T: Scalar> {
    out: Matrix<T>,
    dx: Matrix<T>,
}

impl<T: Scalar> Softmax<T> {
    /// A new Softmax layer.
    pub fn new() -> Self {
        Self::default()
    }
}

impl<T: Scalar> Layer<T> for Softmax<T> {
    fn name(&self) -> &'static str {
        "Softmax"
    }
    fn forward(&mut self, x: MatrixView<'_, T>) -> &Matrix<T> {
        self.out.assign(x);
        super::softmax_rows(&mut self.out);
        &self.out
    }
    fn backward(&mut self, dout: MatrixView<'_, T>) -> &Matrix<T> {
        check_same_shape("Softmax", "backward", self.out.shape(), dout.shape());
        let cols = dout.cols();
        self.dx.resize(dout.rows(), cols);
        if cols == 0 {
            return &self.dx;
        }
        for ((dx, d), y) in self
            .dx
            .as_mut_slice()
            .chunks_exact_mut(cols)
            .zip(dout.as_slice().chunks_exact(cols))
            .zip(self.out.as_slice().chunks_exact(cols))
        {
            for ((dx, &d), &y) in dx.iter_mut().zip(d).zip(y) {
                *dx = y * d;
            }
            let s = dx.iter().fold(T::ZERO, |s, &v| s + v);
            for (dx, &y) in dx.iter_mut().zip(y) {
                *dx -= y * s;
            }
        }
        &self.dx
    }
}
