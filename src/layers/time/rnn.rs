//! `TimeRnn` (and the one-step `Rnn`): the book's tanh RNN over a
//! time-major batch, `h = tanh(h_prev·Wh + x·Wx + b)`.
//!
//! As in [`TimeLstm`](super::TimeLstm), `x·Wx` for every step is one
//! product, and the backward pass gets the weight gradients and `dx` as
//! products over all steps; only `h_prev·Wh` and `dh_prev = dt·Whᵀ` run
//! step by step.

use crate::gemm::{gemm, Transpose};
use crate::layers::{Param, ParamKind};
use crate::matrix::{Matrix, MatrixView};
use crate::scalar::Scalar;

/// The book's `TimeRNN(Wx, Wh, b, stateful)`: `Wx` is `D x H`, `Wh` is
/// `H x H`, `b` is `1 x H`; `T·N x D` in, `T·N x H` out (time-major, see
/// [the module docs](super)). Stateful layers carry `h` between forward
/// passes until [`reset_state`](Self::reset_state).
///
/// ```
/// use groundup::layers::time::TimeRnn;
/// use groundup::{matrix, Matrix};
/// // H = 1, Wx = 1, Wh = 0: h_t = tanh(x_t).
/// let mut rnn = TimeRnn::new(matrix![[1.0f64]], matrix![[0.0]], matrix![[0.0]], false);
/// let hs = rnn.forward(matrix![[0.5], [1.0]].view(), 1).to_matrix();
/// assert_eq!(hs, matrix![[0.5f64.tanh()], [1.0f64.tanh()]]);
/// let dxs = rnn.backward(matrix![[1.0], [0.0]].view());
/// assert!((dxs[(0, 0)] - (1.0 - 0.5f64.tanh().powi(2))).abs() < 1e-15);
/// ```
#[derive(Clone, Debug)]
pub struct TimeRnn<T: Scalar> {
    params: [Param<T>; 3],
    stateful: bool,
    h: Matrix<T>,
    has_state: bool,
    batch: usize,
    x: Matrix<T>,
    /// `h` before the first step, then after each: `(T+1)·N x H`.
    hs: Matrix<T>,
    dts: Matrix<T>,
    dxs: Matrix<T>,
    dh: Matrix<T>,
    dh_prev: Matrix<T>,
}

impl<T: Scalar> TimeRnn<T> {
    /// An RNN with `Wx` (`D x H`), `Wh` (`H x H`), `b` (`1 x H`). Panics
    /// naming the shapes when they do not fit together.
    ///
    /// ```
    /// use groundup::{layers::time::TimeRnn, Matrix};
    /// let rnn = TimeRnn::new(Matrix::<f32>::zeros(4, 3), Matrix::zeros(3, 3), Matrix::zeros(1, 3), true);
    /// assert_eq!(rnn.hidden_size(), 3);
    /// ```
    pub fn new(wx: Matrix<T>, wh: Matrix<T>, b: Matrix<T>, stateful: bool) -> Self {
        let h = wh.rows();
        assert!(
            wh.cols() == h && wx.cols() == h && b.shape() == (1, h),
            "TimeRnn::new: shapes Wx {:?}, Wh {:?}, b {:?} do not fit; with H = {h} they must be (D, {h}), ({h}, {h}), (1, {h})",
            wx.shape(),
            wh.shape(),
            b.shape()
        );
        TimeRnn {
            params: [Param::new(wx), Param::new(wh), Param::new(b)],
            stateful,
            h: Matrix::zeros(0, 0),
            has_state: false,
            batch: 0,
            x: Matrix::zeros(0, 0),
            hs: Matrix::zeros(0, 0),
            dts: Matrix::zeros(0, 0),
            dxs: Matrix::zeros(0, 0),
            dh: Matrix::zeros(0, 0),
            dh_prev: Matrix::zeros(0, 0),
        }
    }

    /// `H`, the size of the hidden state.
    ///
    /// ```
    /// use groundup::{layers::time::TimeRnn, Matrix};
    /// let rnn = TimeRnn::new(Matrix::<f64>::zeros(2, 5), Matrix::zeros(5, 5), Matrix::zeros(1, 5), false);
    /// assert_eq!(rnn.hidden_size(), 5);
    /// ```
    pub fn hidden_size(&self) -> usize {
        self.params[1].value.rows()
    }

    /// The hidden states of every step (`T·N x H`) for `xs` (`T·N x D`)
    /// of `batch` sequences. Panics as [`TimeLstm::forward`](super::TimeLstm::forward).
    ///
    /// ```
    /// use groundup::{layers::time::TimeRnn, matrix};
    /// // Wx = 0, Wh = 1, b = 0.5: h1 = tanh(0.5), h2 = tanh(h1 + 0.5).
    /// let mut rnn = TimeRnn::new(matrix![[0.0f64]], matrix![[1.0]], matrix![[0.5]], false);
    /// let hs = rnn.forward(matrix![[7.0], [7.0]].view(), 1).to_matrix();
    /// assert_eq!(hs[(1, 0)], (0.5f64.tanh() + 0.5).tanh());
    /// ```
    pub fn forward(&mut self, xs: MatrixView<'_, T>, batch: usize) -> MatrixView<'_, T> {
        let hidden = self.hidden_size();
        let [wx, wh, b] = &self.params;
        assert!(
            xs.cols() == wx.value.rows(),
            "TimeRnn.forward: input shape {:?} does not fit Wx {:?}: inputs need {} columns",
            xs.shape(),
            wx.value.shape(),
            wx.value.rows()
        );
        let steps = super::steps("TimeRnn", xs.rows(), batch);
        let n = batch;
        self.batch = n;
        self.x.assign(xs);
        self.hs.resize((steps + 1) * n, hidden);
        if self.stateful && self.has_state {
            assert!(
                self.h.rows() == n,
                "TimeRnn.forward: the carried state is for a batch of {} but the input has a batch of {n}; call reset_state first",
                self.h.rows()
            );
            self.hs.as_mut_slice()[..n * hidden].copy_from_slice(self.h.as_slice());
        } else {
            self.hs.as_mut_slice()[..n * hidden].fill(T::ZERO);
        }
        // x·Wx for every step, into the rows of h_1 .. h_T.
        gemm(
            steps * n,
            hidden,
            xs.cols(),
            T::ONE,
            xs.as_slice(),
            xs.cols(),
            Transpose::No,
            wx.value.as_slice(),
            hidden,
            Transpose::No,
            T::ZERO,
            &mut self.hs.as_mut_slice()[n * hidden..],
            hidden,
        );
        let bias = b.value.as_slice();
        for t in 0..steps {
            let (h_prev, h_next) = self.hs.as_mut_slice().split_at_mut((t + 1) * n * hidden);
            let h_prev = &h_prev[t * n * hidden..];
            let h_next = &mut h_next[..n * hidden];
            // h_prev·Wh + x·Wx, then + b, then tanh.
            gemm(
                n,
                hidden,
                hidden,
                T::ONE,
                h_prev,
                hidden,
                Transpose::No,
                wh.value.as_slice(),
                hidden,
                Transpose::No,
                T::ONE,
                h_next,
                hidden,
            );
            for row in h_next.chunks_exact_mut(hidden) {
                for (v, &bb) in row.iter_mut().zip(bias) {
                    *v = (*v + bb).tanh();
                }
            }
        }
        if self.stateful {
            self.h.resize(n, hidden);
            self.h
                .as_mut_slice()
                .copy_from_slice(&self.hs.as_slice()[steps * n * hidden..]);
            self.has_state = true;
        }
        self.hs.rows_view(n..(steps + 1) * n)
    }

    /// Overwrites the gradients of `Wx`, `Wh`, `b` given `dhs` (`T·N x H`);
    /// returns `∂loss/∂xs`. [`dh`](Self::dh) keeps the gradient into the
    /// state before the first step.
    ///
    /// ```
    /// use groundup::{layers::time::TimeRnn, matrix};
    /// let mut rnn = TimeRnn::new(matrix![[1.0f64]], matrix![[1.0]], matrix![[0.0]], false);
    /// rnn.forward(matrix![[0.0], [0.0]].view(), 1);
    /// let dxs = rnn.backward(matrix![[1.0], [1.0]].view()).clone();
    /// assert_eq!(dxs, matrix![[2.0], [1.0]]); // h stays 0: tanh' = 1, step 0 gets both
    /// assert_eq!(rnn.params()[2].grad, matrix![[3.0]]);
    /// ```
    pub fn backward(&mut self, dhs: MatrixView<'_, T>) -> &Matrix<T> {
        self.backward_seeded(dhs, None)
    }

    pub(crate) fn backward_seeded(
        &mut self,
        dhs: MatrixView<'_, T>,
        seed: Option<MatrixView<'_, T>>,
    ) -> &Matrix<T> {
        let hidden = self.hidden_size();
        let n = self.batch;
        let steps = (self.hs.rows() / n.max(1)).saturating_sub(1);
        assert!(
            dhs.shape() == (steps * n, hidden),
            "TimeRnn.backward: got shape {:?}, expected {:?} (the shape of the last forward pass)",
            dhs.shape(),
            (steps * n, hidden)
        );
        let [wx, wh, b] = &mut self.params;
        self.dh.resize(n, hidden);
        match seed {
            Some(dh) => self.dh.assign(dh),
            None => self.dh.fill(T::ZERO),
        }
        self.dh_prev.resize(n, hidden);
        self.dts.resize(steps * n, hidden);
        for t in (0..steps).rev() {
            let block = t * n * hidden..(t + 1) * n * hidden;
            let h_next = &self.hs.as_slice()[(t + 1) * n * hidden..(t + 2) * n * hidden];
            let dt = &mut self.dts.as_mut_slice()[block.clone()];
            for (((d, &h), &dout), &dh) in dt
                .iter_mut()
                .zip(h_next)
                .zip(&dhs.as_slice()[block])
                .zip(self.dh.as_slice())
            {
                *d = (dout + dh) * (T::ONE - h * h);
            }
            gemm(
                n,
                hidden,
                hidden,
                T::ONE,
                dt,
                hidden,
                Transpose::No,
                wh.value.as_slice(),
                hidden,
                Transpose::Yes,
                T::ZERO,
                self.dh_prev.as_mut_slice(),
                hidden,
            );
            std::mem::swap(&mut self.dh, &mut self.dh_prev);
        }
        let h_prevs = self.hs.rows_view(0..steps * n);
        wx.grad.gemm(
            T::ONE,
            &self.x,
            Transpose::Yes,
            &self.dts,
            Transpose::No,
            T::ZERO,
        );
        wh.grad.gemm(
            T::ONE,
            h_prevs,
            Transpose::Yes,
            &self.dts,
            Transpose::No,
            T::ZERO,
        );
        self.dts.sum_rows_into(b.grad.as_mut_slice());
        self.dxs.resize(steps * n, wx.value.rows());
        self.dxs.gemm(
            T::ONE,
            &self.dts,
            Transpose::No,
            &wx.value,
            Transpose::Yes,
            T::ZERO,
        );
        &self.dxs
    }

    /// `∂loss/∂h` into the state before the first step (`N x H`).
    ///
    /// ```
    /// use groundup::{layers::time::TimeRnn, matrix};
    /// let mut rnn = TimeRnn::new(matrix![[1.0f64]], matrix![[2.0]], matrix![[0.0]], false);
    /// rnn.forward(matrix![[0.0]].view(), 1);
    /// rnn.backward(matrix![[1.0]].view());
    /// assert_eq!(rnn.dh(), &matrix![[2.0]]); // dt·Whᵀ
    /// ```
    pub fn dh(&self) -> &Matrix<T> {
        &self.dh
    }

    /// Forgets the carried state.
    ///
    /// ```
    /// use groundup::{layers::time::TimeRnn, matrix};
    /// let mut rnn = TimeRnn::new(matrix![[0.0f64]], matrix![[1.0]], matrix![[1.0]], true);
    /// let first = rnn.forward(matrix![[0.0]].view(), 1).to_matrix();
    /// rnn.reset_state();
    /// assert_eq!(rnn.forward(matrix![[0.0]].view(), 1).to_matrix(), first);
    /// ```
    pub fn reset_state(&mut self) {
        self.has_state = false;
    }

    /// Sets the carried state `h` (`N x H`). Panics naming the shape when
    /// its width is not `H`.
    ///
    /// ```
    /// use groundup::{layers::time::TimeRnn, matrix, Matrix};
    /// let mut rnn = TimeRnn::new(matrix![[0.0f64]], matrix![[1.0]], matrix![[0.0]], true);
    /// rnn.set_state(matrix![[0.5]]);
    /// assert_eq!(rnn.forward(matrix![[0.0]].view(), 1)[(0, 0)], 0.5f64.tanh());
    /// ```
    pub fn set_state(&mut self, h: Matrix<T>) {
        assert!(
            h.cols() == self.hidden_size(),
            "TimeRnn.set_state: h {:?} must be (N, {})",
            h.shape(),
            self.hidden_size()
        );
        self.h = h;
        self.has_state = true;
    }

    /// The carried `h` (empty before the first forward pass).
    ///
    /// ```
    /// use groundup::{layers::time::TimeRnn, Matrix};
    /// let rnn = TimeRnn::new(Matrix::<f32>::zeros(1, 2), Matrix::zeros(2, 2), Matrix::zeros(1, 2), true);
    /// assert!(rnn.state().is_empty());
    /// ```
    pub fn state(&self) -> &Matrix<T> {
        &self.h
    }

    /// `Wx`, `Wh`, `b` with their gradients.
    ///
    /// ```
    /// use groundup::{layers::time::TimeRnn, Matrix};
    /// let rnn = TimeRnn::new(Matrix::<f32>::zeros(1, 2), Matrix::zeros(2, 2), Matrix::zeros(1, 2), true);
    /// assert_eq!(rnn.params().len(), 3);
    /// ```
    pub fn params(&self) -> &[Param<T>] {
        &self.params
    }

    /// `Wx`, `Wh`, `b`, mutable.
    ///
    /// ```
    /// use groundup::{layers::time::TimeRnn, Matrix};
    /// let mut rnn = TimeRnn::new(Matrix::<f32>::zeros(1, 2), Matrix::zeros(2, 2), Matrix::zeros(1, 2), true);
    /// rnn.params_mut()[0].value.fill(1.0);
    /// ```
    pub fn params_mut(&mut self) -> &mut [Param<T>] {
        &mut self.params
    }

    /// The parameters' names and kinds.
    ///
    /// ```
    /// use groundup::layers::{time::TimeRnn, ParamKind};
    /// assert_eq!(TimeRnn::<f64>::param_info()[2], ("b", ParamKind::Bias));
    /// ```
    pub fn param_info() -> [(&'static str, ParamKind); 3] {
        [
            ("Wx", ParamKind::LinearWeight),
            ("Wh", ParamKind::LinearWeight),
            ("b", ParamKind::Bias),
        ]
    }
}

/// The book's one-step `RNN` cell: `forward(x, h_prev)` gives `h_next`,
/// `backward(dh_next)` gives `(dx, dh_prev)` and overwrites the weight
/// gradients. It is a [`TimeRnn`] run for one step from the given state.
///
/// ```
/// use groundup::layers::time::Rnn;
/// use groundup::matrix;
/// let mut cell = Rnn::new(matrix![[1.0f64]], matrix![[1.0]], matrix![[0.0]]);
/// let h = cell.forward(matrix![[0.25]].view(), matrix![[0.25]]);
/// assert_eq!(h, matrix![[0.5f64.tanh()]]);
/// let (dx, dh_prev) = cell.backward(matrix![[1.0]].view());
/// assert_eq!(dx, dh_prev); // Wx = Wh = 1
/// ```
#[derive(Clone, Debug)]
pub struct Rnn<T: Scalar> {
    inner: TimeRnn<T>,
}

impl<T: Scalar> Rnn<T> {
    /// A cell with `Wx` (`D x H`), `Wh` (`H x H`), `b` (`1 x H`).
    ///
    /// ```
    /// use groundup::{layers::time::Rnn, Matrix};
    /// let cell = Rnn::new(Matrix::<f32>::zeros(3, 2), Matrix::zeros(2, 2), Matrix::zeros(1, 2));
    /// assert_eq!(cell.params()[0].value.shape(), (3, 2));
    /// ```
    pub fn new(wx: Matrix<T>, wh: Matrix<T>, b: Matrix<T>) -> Self {
        Rnn {
            inner: TimeRnn::new(wx, wh, b, true),
        }
    }

    /// `h_next = tanh(h_prev·Wh + x·Wx + b)` for `x` (`N x D`) and `h_prev`
    /// (`N x H`). Panics naming the shapes when `x` and `h_prev` do not have
    /// the same number of rows.
    ///
    /// ```
    /// use groundup::{layers::time::Rnn, Matrix};
    /// let mut cell = Rnn::new(Matrix::<f64>::zeros(3, 2), Matrix::zeros(2, 2), Matrix::zeros(1, 2));
    /// assert_eq!(cell.forward(Matrix::zeros(4, 3).view(), Matrix::zeros(4, 2)), Matrix::zeros(4, 2));
    /// ```
    pub fn forward(&mut self, x: MatrixView<'_, T>, h_prev: Matrix<T>) -> Matrix<T> {
        let n = h_prev.rows();
        // Without this, x of k·N rows would run k steps and return them all.
        assert!(
            x.rows() == n,
            "Rnn.forward: x {:?} and h_prev {:?} must have the same number of rows",
            x.shape(),
            h_prev.shape()
        );
        self.inner.set_state(h_prev);
        self.inner.forward(x, n).to_matrix()
    }

    /// `(dx, dh_prev)`; overwrites the weight gradients.
    ///
    /// ```
    /// use groundup::{layers::time::Rnn, matrix};
    /// let mut cell = Rnn::new(matrix![[2.0f64]], matrix![[3.0]], matrix![[0.0]]);
    /// cell.forward(matrix![[0.0]].view(), matrix![[0.0]]);
    /// let (dx, dh) = cell.backward(matrix![[1.0]].view());
    /// assert_eq!((dx, dh), (matrix![[2.0]], matrix![[3.0]]));
    /// ```
    pub fn backward(&mut self, dh_next: MatrixView<'_, T>) -> (Matrix<T>, Matrix<T>) {
        let dx = self.inner.backward_seeded(dh_next, None).clone();
        (dx, self.inner.dh.clone())
    }

    /// `Wx`, `Wh`, `b` with their gradients.
    ///
    /// ```
    /// use groundup::{layers::time::Rnn, Matrix};
    /// let cell = Rnn::new(Matrix::<f32>::zeros(3, 2), Matrix::zeros(2, 2), Matrix::zeros(1, 2));
    /// assert_eq!(cell.params().len(), 3);
    /// ```
    pub fn params(&self) -> &[Param<T>] {
        self.inner.params()
    }

    /// `Wx`, `Wh`, `b`, mutable.
    ///
    /// ```
    /// use groundup::{layers::time::Rnn, Matrix};
    /// let mut cell = Rnn::new(Matrix::<f32>::zeros(3, 2), Matrix::zeros(2, 2), Matrix::zeros(1, 2));
    /// cell.params_mut()[2].value.fill(0.5);
    /// ```
    pub fn params_mut(&mut self) -> &mut [Param<T>] {
        self.inner.params_mut()
    }
}
