//! `TimeLstm` (and the one-step `Lstm`): the book's LSTM over a time-major
//! batch.
//!
//! The forward pass computes `x·Wx` for every step in one product, then
//! runs the recurrence step by step: `A = x·Wx + h_prev·Wh + b`, split into
//! the gates `f, g, i, o` (in that order along the columns, as the book),
//! `c = σ(f)·c_prev + tanh(g)·σ(i)`, `h = σ(o)·tanh(c)`. The backward pass
//! walks the steps in reverse for `dA` and `dh_prev = dA·Whᵀ`, then gets
//! `dWx = Xᵀ·dA`, `dWh = H_prevᵀ·dA` and `dx = dA·Wxᵀ` as three products over
//! all steps: the same sums as the book's per-step products, added in
//! another order.

use crate::gemm::{gemm, Transpose};
use crate::layers::{Param, ParamKind};
use crate::matrix::{Matrix, MatrixView};
use crate::scalar::Scalar;

use super::sigmoid;

/// The book's `TimeLSTM(Wx, Wh, b, stateful)`: `Wx` is `D x 4H`, `Wh` is
/// `H x 4H`, `b` is `1 x 4H`, the gates ordered `f, g, i, o`.
///
/// Input and output are time-major (see [the module docs](super)): `T·N x D`
/// in, `T·N x H` out. A stateful layer carries `h` and `c` from the last
/// step of one forward pass into the next (truncated backpropagation
/// through time: gradients stop at the boundary) until
/// [`reset_state`](Self::reset_state); a stateless one starts from zeros.
///
/// ```
/// use groundup::layers::time::TimeLstm;
/// use groundup::Matrix;
/// // D = 2, H = 3; zero weights: every gate is σ(0) = 0.5 and g = tanh(0) = 0.
/// let mut lstm = TimeLstm::new(Matrix::<f64>::zeros(2, 12), Matrix::zeros(3, 12), Matrix::zeros(1, 12), true);
/// let hs = lstm.forward(Matrix::filled(4, 2, 1.0).view(), 2); // 2 steps of 2 sequences
/// assert_eq!(hs.shape(), (4, 3));
/// assert!(hs.iter().all(|&h| h == 0.0));
/// let dxs = lstm.backward(Matrix::filled(4, 3, 1.0).view());
/// assert_eq!(dxs.shape(), (4, 2));
/// assert_eq!(lstm.state().0.shape(), (2, 3)); // h after the last step
/// ```
#[derive(Clone, Debug)]
pub struct TimeLstm<T: Scalar> {
    params: [Param<T>; 3],
    stateful: bool,
    /// Carried state (`N x H`), valid when `has_state`.
    h: Matrix<T>,
    c: Matrix<T>,
    has_state: bool,
    batch: usize,
    /// Saved input, `T·N x D`.
    x: Matrix<T>,
    /// Gate activations `f, g, i, o` per step, `T·N x 4H`.
    gates: Matrix<T>,
    /// `h` before the first step, then after each: `(T+1)·N x H`.
    hs: Matrix<T>,
    /// `c` the same way.
    cs: Matrix<T>,
    /// `tanh(c)` after each step, `T·N x H`.
    tanh_c: Matrix<T>,
    dgates: Matrix<T>,
    dxs: Matrix<T>,
    /// `dh` and `dc` carried backwards; after `backward`, those into the
    /// state before the first step.
    dh: Matrix<T>,
    dc: Matrix<T>,
    dh_prev: Matrix<T>,
}

impl<T: Scalar> TimeLstm<T> {
    /// An LSTM with weights `Wx` (`D x 4H`), `Wh` (`H x 4H`), `b` (`1 x 4H`).
    /// Panics naming the shapes when they do not fit together.
    ///
    /// ```
    /// use groundup::{layers::time::TimeLstm, Matrix};
    /// let lstm = TimeLstm::new(Matrix::<f32>::zeros(5, 8), Matrix::zeros(2, 8), Matrix::zeros(1, 8), false);
    /// assert_eq!(lstm.hidden_size(), 2);
    /// ```
    pub fn new(wx: Matrix<T>, wh: Matrix<T>, b: Matrix<T>, stateful: bool) -> Self {
        let h = wh.rows();
        assert!(
            wh.cols() == 4 * h && wx.cols() == 4 * h && b.shape() == (1, 4 * h),
            "TimeLstm::new: shapes Wx {:?}, Wh {:?}, b {:?} do not fit; with H = {h} they must be (D, {}), ({h}, {}), (1, {})",
            wx.shape(),
            wh.shape(),
            b.shape(),
            4 * h,
            4 * h,
            4 * h
        );
        TimeLstm {
            params: [Param::new(wx), Param::new(wh), Param::new(b)],
            stateful,
            h: Matrix::zeros(0, 0),
            c: Matrix::zeros(0, 0),
            has_state: false,
            batch: 0,
            x: Matrix::zeros(0, 0),
            gates: Matrix::zeros(0, 0),
            hs: Matrix::zeros(0, 0),
            cs: Matrix::zeros(0, 0),
            tanh_c: Matrix::zeros(0, 0),
            dgates: Matrix::zeros(0, 0),
            dxs: Matrix::zeros(0, 0),
            dh: Matrix::zeros(0, 0),
            dc: Matrix::zeros(0, 0),
            dh_prev: Matrix::zeros(0, 0),
        }
    }

    /// `H`, the size of the hidden state.
    ///
    /// ```
    /// use groundup::{layers::time::TimeLstm, Matrix};
    /// let lstm = TimeLstm::new(Matrix::<f64>::zeros(3, 40), Matrix::zeros(10, 40), Matrix::zeros(1, 40), true);
    /// assert_eq!(lstm.hidden_size(), 10);
    /// ```
    pub fn hidden_size(&self) -> usize {
        self.params[1].value.rows()
    }

    /// The hidden states of every step (`T·N x H`, time-major) for the
    /// input `xs` (`T·N x D`) of `batch` sequences.
    ///
    /// Panics naming the shapes when `xs` does not fit `Wx`, the rows are not
    /// whole steps, or a carried state has another batch size.
    ///
    /// ```
    /// use groundup::{layers::time::TimeLstm, Matrix};
    /// let mut lstm = TimeLstm::new(Matrix::<f32>::zeros(1, 4), Matrix::zeros(1, 4), Matrix::filled(1, 4, 10.0), false);
    /// // Only the bias: every gate is σ(10) and g = tanh(10); from c_prev = 0,
    /// // c = tanh(10)·σ(10) and h = σ(10)·tanh(c) (not quite tanh(1): σ(10) = 1 − 4.5e-5).
    /// let h = lstm.forward(Matrix::zeros(3, 1).view(), 3)[(0, 0)];
    /// let s = 1.0 / (1.0 + (-10f32).exp());
    /// assert!((h - s * (10f32.tanh() * s).tanh()).abs() < 1e-6);
    /// assert!((h - 0.7615405).abs() < 1e-6);
    /// ```
    pub fn forward(&mut self, xs: MatrixView<'_, T>, batch: usize) -> MatrixView<'_, T> {
        let hidden = self.hidden_size();
        let h4 = 4 * hidden;
        let [wx, wh, b] = &self.params;
        assert!(
            xs.cols() == wx.value.rows(),
            "TimeLstm.forward: input shape {:?} does not fit Wx {:?}: inputs need {} columns",
            xs.shape(),
            wx.value.shape(),
            wx.value.rows()
        );
        let steps = super::steps("TimeLstm", xs.rows(), batch);
        self.batch = batch;
        let n = batch;
        self.x.assign(xs);
        self.hs.resize((steps + 1) * n, hidden);
        self.cs.resize((steps + 1) * n, hidden);
        if self.stateful && self.has_state {
            assert!(
                self.h.rows() == n,
                "TimeLstm.forward: the carried state is for a batch of {} but the input has a batch of {n}; call reset_state first",
                self.h.rows()
            );
            self.hs.as_mut_slice()[..n * hidden].copy_from_slice(self.h.as_slice());
            self.cs.as_mut_slice()[..n * hidden].copy_from_slice(self.c.as_slice());
        } else {
            self.hs.as_mut_slice()[..n * hidden].fill(T::ZERO);
            self.cs.as_mut_slice()[..n * hidden].fill(T::ZERO);
        }
        // x·Wx for every step at once.
        self.gates.resize(steps * n, h4);
        self.gates
            .gemm(T::ONE, xs, Transpose::No, &wx.value, Transpose::No, T::ZERO);
        self.tanh_c.resize(steps * n, hidden);
        let bias = b.value.as_slice();
        for t in 0..steps {
            let (h_prev, h_next) = self.hs.as_mut_slice().split_at_mut((t + 1) * n * hidden);
            let h_prev = &h_prev[t * n * hidden..];
            let a = &mut self.gates.as_mut_slice()[t * n * h4..(t + 1) * n * h4];
            // A += h_prev·Wh, then + b: numpy's (x·Wx + h·Wh) + b.
            gemm(
                n,
                h4,
                hidden,
                T::ONE,
                h_prev,
                hidden,
                Transpose::No,
                wh.value.as_slice(),
                h4,
                Transpose::No,
                T::ONE,
                a,
                h4,
            );
            let (c_prev, c_next) = self.cs.as_mut_slice().split_at_mut((t + 1) * n * hidden);
            let c_prev = &c_prev[t * n * hidden..];
            let tanh_c = &mut self.tanh_c.as_mut_slice()[t * n * hidden..(t + 1) * n * hidden];
            for r in 0..n {
                let row = &mut a[r * h4..(r + 1) * h4];
                for (v, &bb) in row.iter_mut().zip(bias) {
                    *v += bb;
                }
                // One simple pass per function (they vectorize), then the
                // cell update.
                let (f, rest) = row.split_at_mut(hidden);
                let (g, io) = rest.split_at_mut(hidden);
                for v in f.iter_mut() {
                    *v = sigmoid(*v);
                }
                for v in io.iter_mut() {
                    *v = sigmoid(*v);
                }
                for v in g.iter_mut() {
                    *v = v.tanh_fast();
                }
                let (i, o) = io.split_at(hidden);
                let span = r * hidden..(r + 1) * hidden;
                let cp = &c_prev[span.clone()];
                let cn = &mut c_next[span.clone()];
                for (((c, &fj), &cpj), (&gj, &ij)) in
                    cn.iter_mut().zip(&*f).zip(cp).zip(g.iter().zip(i))
                {
                    *c = fj * cpj + gj * ij;
                }
                let tc = &mut tanh_c[span.clone()];
                for (t, &c) in tc.iter_mut().zip(&*cn) {
                    *t = c.tanh_fast();
                }
                let hn = &mut h_next[span];
                for ((h, &oj), &t) in hn.iter_mut().zip(o).zip(&*tc) {
                    *h = oj * t;
                }
            }
        }
        if self.stateful {
            let last = steps * n * hidden..(steps + 1) * n * hidden;
            self.h.resize(n, hidden);
            self.c.resize(n, hidden);
            self.h
                .as_mut_slice()
                .copy_from_slice(&self.hs.as_slice()[last.clone()]);
            self.c
                .as_mut_slice()
                .copy_from_slice(&self.cs.as_slice()[last]);
            self.has_state = true;
        }
        self.hs.rows_view(n..(steps + 1) * n)
    }

    /// The hidden states of the last forward pass (`T·N x H`, what
    /// [`forward`](Self::forward) returned).
    ///
    /// ```
    /// use groundup::{layers::time::TimeLstm, Matrix};
    /// let mut lstm = TimeLstm::new(Matrix::<f64>::zeros(1, 4), Matrix::zeros(1, 4), Matrix::filled(1, 4, 1.0), false);
    /// let hs = lstm.forward(Matrix::zeros(6, 1).view(), 2).to_matrix();
    /// assert_eq!(lstm.output().to_matrix(), hs);
    /// ```
    pub fn output(&self) -> MatrixView<'_, T> {
        let n = self.batch;
        self.hs.rows_view(n.min(self.hs.rows())..self.hs.rows())
    }

    /// Overwrites the gradients of `Wx`, `Wh`, `b` with those of the last
    /// forward pass given `dhs = ∂loss/∂hs` (`T·N x H`); returns `∂loss/∂xs`.
    /// The gradient into the state before the first step is kept in
    /// [`dh`](Self::dh) (the book's `self.dh`).
    ///
    /// ```
    /// use groundup::{layers::time::TimeLstm, Matrix};
    /// let mut lstm = TimeLstm::new(Matrix::<f64>::filled(1, 4, 0.5), Matrix::filled(1, 4, 0.5), Matrix::zeros(1, 4), false);
    /// lstm.forward(Matrix::filled(2, 1, 1.0).view(), 1);
    /// let dx = lstm.backward(Matrix::filled(2, 1, 1.0).view()).clone();
    /// assert_eq!(dx.shape(), (2, 1));
    /// assert!(lstm.params()[0].grad[(0, 0)] != 0.0);
    /// ```
    pub fn backward(&mut self, dhs: MatrixView<'_, T>) -> &Matrix<T> {
        self.backward_seeded(dhs, None)
    }

    /// [`backward`](Self::backward) with `∂loss/∂h` and `∂loss/∂c` after the
    /// last step added (each `N x H`; the book's one-step `LSTM.backward`
    /// takes them as `dh_next`, `dc_next`).
    pub(crate) fn backward_seeded(
        &mut self,
        dhs: MatrixView<'_, T>,
        seed: Option<(MatrixView<'_, T>, MatrixView<'_, T>)>,
    ) -> &Matrix<T> {
        let hidden = self.hidden_size();
        let h4 = 4 * hidden;
        let n = self.batch;
        let steps = self.tanh_c.rows() / n.max(1);
        assert!(
            dhs.shape() == (steps * n, hidden),
            "TimeLstm.backward: got shape {:?}, expected {:?} (the shape of the last forward pass)",
            dhs.shape(),
            (steps * n, hidden)
        );
        let [wx, wh, b] = &mut self.params;
        self.dh.resize(n, hidden);
        self.dc.resize(n, hidden);
        match seed {
            Some((dh, dc)) => {
                self.dh.assign(dh);
                self.dc.assign(dc);
            }
            None => {
                self.dh.fill(T::ZERO);
                self.dc.fill(T::ZERO);
            }
        }
        self.dh_prev.resize(n, hidden);
        self.dgates.resize(steps * n, h4);
        for t in (0..steps).rev() {
            let block = t * n * hidden..(t + 1) * n * hidden;
            let gates = &self.gates.as_slice()[t * n * h4..(t + 1) * n * h4];
            let da = &mut self.dgates.as_mut_slice()[t * n * h4..(t + 1) * n * h4];
            let c_prev = &self.cs.as_slice()[block.clone()];
            let tanh_c = &self.tanh_c.as_slice()[block.clone()];
            let dh_out = &dhs.as_slice()[block];
            let dh = self.dh.as_slice();
            let dc = self.dc.as_mut_slice();
            for r in 0..n {
                let g4 = &gates[r * h4..(r + 1) * h4];
                let (f, rest) = g4.split_at(hidden);
                let (g, rest) = rest.split_at(hidden);
                let (i, o) = rest.split_at(hidden);
                let d4 = &mut da[r * h4..(r + 1) * h4];
                let (df, rest) = d4.split_at_mut(hidden);
                let (dg, rest) = rest.split_at_mut(hidden);
                let (di, d_o) = rest.split_at_mut(hidden);
                let base = r * hidden;
                for j in 0..hidden {
                    let k = base + j;
                    let dh_next = dh_out[k] + dh[k];
                    let tc = tanh_c[k];
                    let ds = dc[k] + (dh_next * o[j]) * (T::ONE - tc * tc);
                    dc[k] = ds * f[j];
                    di[j] = ds * g[j] * (i[j] * (T::ONE - i[j]));
                    df[j] = ds * c_prev[k] * (f[j] * (T::ONE - f[j]));
                    d_o[j] = dh_next * tc * (o[j] * (T::ONE - o[j]));
                    dg[j] = ds * i[j] * (T::ONE - g[j] * g[j]);
                }
            }
            // dh_prev = dA·Whᵀ
            gemm(
                n,
                hidden,
                h4,
                T::ONE,
                da,
                h4,
                Transpose::No,
                wh.value.as_slice(),
                h4,
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
            &self.dgates,
            Transpose::No,
            T::ZERO,
        );
        wh.grad.gemm(
            T::ONE,
            h_prevs,
            Transpose::Yes,
            &self.dgates,
            Transpose::No,
            T::ZERO,
        );
        self.dgates.sum_rows_into(b.grad.as_mut_slice());
        self.dxs.resize(steps * n, wx.value.rows());
        self.dxs.gemm(
            T::ONE,
            &self.dgates,
            Transpose::No,
            &wx.value,
            Transpose::Yes,
            T::ZERO,
        );
        &self.dxs
    }

    /// `∂loss/∂h` into the state before the first step of the last
    /// backward pass (`N x H`).
    ///
    /// ```
    /// use groundup::{layers::time::TimeLstm, Matrix};
    /// let mut lstm = TimeLstm::new(Matrix::<f64>::zeros(1, 4), Matrix::filled(1, 4, 1.0), Matrix::zeros(1, 4), false);
    /// lstm.forward(Matrix::zeros(2, 1).view(), 2);
    /// lstm.backward(Matrix::filled(2, 1, 1.0).view());
    /// assert_eq!(lstm.dh().shape(), (2, 1));
    /// ```
    pub fn dh(&self) -> &Matrix<T> {
        &self.dh
    }

    /// Forgets the carried state: the next forward pass starts from zeros.
    ///
    /// ```
    /// use groundup::{layers::time::TimeLstm, Matrix};
    /// let mut lstm = TimeLstm::new(Matrix::<f64>::zeros(1, 4), Matrix::zeros(1, 4), Matrix::filled(1, 4, 1.0), true);
    /// let first = lstm.forward(Matrix::zeros(1, 1).view(), 1).to_matrix();
    /// assert_ne!(lstm.forward(Matrix::zeros(1, 1).view(), 1).to_matrix(), first); // carried
    /// lstm.reset_state();
    /// assert_eq!(lstm.forward(Matrix::zeros(1, 1).view(), 1).to_matrix(), first);
    /// ```
    pub fn reset_state(&mut self) {
        self.has_state = false;
    }

    /// Sets the carried state `h` (and `c`, zeros when `None`), each
    /// `N x H`; the next forward pass of a stateful layer starts from it
    /// (the book's `set_state`). Panics naming the shapes when they differ.
    ///
    /// ```
    /// use groundup::{layers::time::TimeLstm, Matrix};
    /// let mut lstm = TimeLstm::new(Matrix::<f64>::zeros(1, 4), Matrix::zeros(1, 4), Matrix::zeros(1, 4), true);
    /// lstm.set_state(Matrix::filled(2, 1, 0.5), None);
    /// assert_eq!(lstm.state().0, &Matrix::filled(2, 1, 0.5));
    /// ```
    pub fn set_state(&mut self, h: Matrix<T>, c: Option<Matrix<T>>) {
        self.set_state_view(h.view(), c.as_ref().map(|c| c.view()));
    }

    /// [`set_state`](Self::set_state) from borrowed matrices, copied into
    /// the layer's own buffers (no allocation once they have the size).
    ///
    /// ```
    /// use groundup::{layers::time::TimeLstm, Matrix};
    /// let mut lstm = TimeLstm::new(Matrix::<f32>::zeros(1, 8), Matrix::zeros(2, 8), Matrix::zeros(1, 8), true);
    /// let encoder_out = Matrix::filled(6, 2, 0.5); // 3 steps of 2 sequences
    /// lstm.set_state_view(encoder_out.rows_view(4..6), None); // the last step
    /// assert_eq!(lstm.state().0, &Matrix::filled(2, 2, 0.5));
    /// assert_eq!(lstm.state().1, &Matrix::zeros(2, 2));
    /// ```
    pub fn set_state_view(&mut self, h: MatrixView<'_, T>, c: Option<MatrixView<'_, T>>) {
        let c_shape = c.map_or(h.shape(), |c| c.shape());
        assert!(
            h.cols() == self.hidden_size() && c_shape == h.shape(),
            "TimeLstm.set_state: h {:?} and c {:?} must both be (N, {})",
            h.shape(),
            c_shape,
            self.hidden_size()
        );
        self.h.assign(h);
        match c {
            Some(c) => self.c.assign(c),
            None => {
                self.c.resize(h.rows(), h.cols());
                self.c.fill(T::ZERO);
            }
        }
        self.has_state = true;
    }

    /// The carried `(h, c)` (empty before the first forward pass of a
    /// stateful layer).
    ///
    /// ```
    /// use groundup::{layers::time::TimeLstm, Matrix};
    /// let lstm = TimeLstm::new(Matrix::<f32>::zeros(1, 4), Matrix::zeros(1, 4), Matrix::zeros(1, 4), true);
    /// assert!(lstm.state().0.is_empty());
    /// ```
    pub fn state(&self) -> (&Matrix<T>, &Matrix<T>) {
        (&self.h, &self.c)
    }

    /// `Wx`, `Wh`, `b` with their gradients.
    ///
    /// ```
    /// use groundup::{layers::time::TimeLstm, Matrix};
    /// let lstm = TimeLstm::new(Matrix::<f32>::zeros(3, 8), Matrix::zeros(2, 8), Matrix::zeros(1, 8), true);
    /// assert_eq!(lstm.params()[0].value.shape(), (3, 8));
    /// ```
    pub fn params(&self) -> &[Param<T>] {
        &self.params
    }

    /// `Wx`, `Wh`, `b`, mutable.
    ///
    /// ```
    /// use groundup::{layers::time::TimeLstm, Matrix};
    /// let mut lstm = TimeLstm::new(Matrix::<f32>::zeros(3, 8), Matrix::zeros(2, 8), Matrix::zeros(1, 8), true);
    /// lstm.params_mut()[2].value.fill(1.0);
    /// assert_eq!(lstm.params()[2].value.sum(), 8.0);
    /// ```
    pub fn params_mut(&mut self) -> &mut [Param<T>] {
        &mut self.params
    }

    /// The parameters' names and kinds (`Wx`, `Wh`: `(in, 4H)` linear
    /// weights; `b`: a bias).
    ///
    /// ```
    /// use groundup::layers::{time::TimeLstm, ParamKind};
    /// assert_eq!(TimeLstm::<f32>::param_info()[1], ("Wh", ParamKind::LinearWeight));
    /// ```
    pub fn param_info() -> [(&'static str, ParamKind); 3] {
        [
            ("Wx", ParamKind::LinearWeight),
            ("Wh", ParamKind::LinearWeight),
            ("b", ParamKind::Bias),
        ]
    }
}

/// The book's one-step `LSTM` cell: `forward(x, h_prev, c_prev)` gives
/// `(h_next, c_next)`, `backward(dh_next, dc_next)` gives
/// `(dx, dh_prev, dc_prev)` and overwrites the weight gradients. It is a
/// [`TimeLstm`] run for one step from the given state.
///
/// ```
/// use groundup::layers::time::Lstm;
/// use groundup::Matrix;
/// let mut cell = Lstm::new(Matrix::<f64>::zeros(2, 4), Matrix::zeros(1, 4), Matrix::zeros(1, 4));
/// let (h, c) = cell.forward(Matrix::zeros(3, 2).view(), Matrix::zeros(3, 1), Matrix::filled(3, 1, 2.0));
/// assert_eq!(c, Matrix::filled(3, 1, 1.0)); // σ(0)·2 + tanh(0)·σ(0)
/// assert!((h[(0, 0)] - 0.5 * 1f64.tanh()).abs() < 1e-15);
/// let (dx, dh_prev, dc_prev) = cell.backward(Matrix::zeros(3, 1).view(), Matrix::filled(3, 1, 1.0).view());
/// assert_eq!(dc_prev, Matrix::filled(3, 1, 0.5)); // dc·f
/// assert_eq!((dx.shape(), dh_prev.shape()), ((3, 2), (3, 1)));
/// ```
#[derive(Clone, Debug)]
pub struct Lstm<T: Scalar> {
    inner: TimeLstm<T>,
}

impl<T: Scalar> Lstm<T> {
    /// A cell with `Wx` (`D x 4H`), `Wh` (`H x 4H`), `b` (`1 x 4H`).
    ///
    /// ```
    /// use groundup::{layers::time::Lstm, Matrix};
    /// let cell = Lstm::new(Matrix::<f32>::zeros(2, 4), Matrix::zeros(1, 4), Matrix::zeros(1, 4));
    /// assert_eq!(cell.params().len(), 3);
    /// ```
    pub fn new(wx: Matrix<T>, wh: Matrix<T>, b: Matrix<T>) -> Self {
        Lstm {
            inner: TimeLstm::new(wx, wh, b, true),
        }
    }

    /// `(h_next, c_next)` from `x` (`N x D`) and the state (`N x H` each).
    /// Panics naming the shapes when they do not fit.
    ///
    /// ```
    /// use groundup::{layers::time::Lstm, Matrix};
    /// let mut cell = Lstm::new(Matrix::<f32>::zeros(1, 4), Matrix::zeros(1, 4), Matrix::zeros(1, 4));
    /// let (h, c) = cell.forward(Matrix::zeros(2, 1).view(), Matrix::zeros(2, 1), Matrix::zeros(2, 1));
    /// assert_eq!((h.shape(), c.shape()), ((2, 1), (2, 1)));
    /// ```
    pub fn forward(
        &mut self,
        x: MatrixView<'_, T>,
        h_prev: Matrix<T>,
        c_prev: Matrix<T>,
    ) -> (Matrix<T>, Matrix<T>) {
        let n = h_prev.rows();
        // Without this, x of k·N rows would run k steps and return the last.
        assert!(
            x.rows() == n,
            "Lstm.forward: x {:?} and h_prev {:?} must have the same number of rows",
            x.shape(),
            h_prev.shape()
        );
        self.inner.set_state(h_prev, Some(c_prev));
        self.inner.forward(x, n);
        let (h, c) = self.inner.state();
        (h.clone(), c.clone())
    }

    /// `(dx, dh_prev, dc_prev)`; overwrites the weight gradients. Panics
    /// naming the shapes when `dh_next` or `dc_next` is not `N x H` of the
    /// last forward pass.
    ///
    /// ```
    /// use groundup::{layers::time::Lstm, Matrix};
    /// let mut cell = Lstm::new(Matrix::<f64>::filled(1, 4, 1.0), Matrix::zeros(1, 4), Matrix::zeros(1, 4));
    /// cell.forward(Matrix::filled(1, 1, 1.0).view(), Matrix::zeros(1, 1), Matrix::zeros(1, 1));
    /// let (dx, _, _) = cell.backward(Matrix::filled(1, 1, 1.0).view(), Matrix::zeros(1, 1).view());
    /// assert!(dx[(0, 0)] > 0.0);
    /// ```
    pub fn backward(
        &mut self,
        dh_next: MatrixView<'_, T>,
        dc_next: MatrixView<'_, T>,
    ) -> (Matrix<T>, Matrix<T>, Matrix<T>) {
        // dc_next is not otherwise checked: a longer one was silently cut,
        // a shorter one an out-of-bounds index.
        let want = self.inner.h.shape();
        assert!(
            dh_next.shape() == want && dc_next.shape() == want,
            "Lstm.backward: dh_next {:?} and dc_next {:?} must both be {:?} (the shape of the last forward pass)",
            dh_next.shape(),
            dc_next.shape(),
            want
        );
        let zeros = Matrix::zeros(dh_next.rows(), dh_next.cols());
        let dx = self
            .inner
            .backward_seeded(zeros.view(), Some((dh_next, dc_next)))
            .clone();
        (dx, self.inner.dh.clone(), self.inner.dc.clone())
    }

    /// `Wx`, `Wh`, `b` with their gradients.
    ///
    /// ```
    /// use groundup::{layers::time::Lstm, Matrix};
    /// let cell = Lstm::new(Matrix::<f32>::zeros(2, 4), Matrix::zeros(1, 4), Matrix::zeros(1, 4));
    /// assert_eq!(cell.params()[1].value.shape(), (1, 4));
    /// ```
    pub fn params(&self) -> &[Param<T>] {
        self.inner.params()
    }

    /// `Wx`, `Wh`, `b`, mutable.
    ///
    /// ```
    /// use groundup::{layers::time::Lstm, Matrix};
    /// let mut cell = Lstm::new(Matrix::<f32>::zeros(2, 4), Matrix::zeros(1, 4), Matrix::zeros(1, 4));
    /// cell.params_mut()[2].value.fill(1.0);
    /// ```
    pub fn params_mut(&mut self) -> &mut [Param<T>] {
        self.inner.params_mut()
    }
}
