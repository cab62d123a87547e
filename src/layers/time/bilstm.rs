//! `TimeBiLstm`: the book's bidirectional LSTM, two [`TimeLstm`]s, the
//! second reading the sequence backwards.

use crate::layers::{Param, ParamKind};
use crate::matrix::{Matrix, MatrixView};
use crate::scalar::Scalar;

use super::TimeLstm;

/// The book's `TimeBiLSTM(Wx1, Wh1, b1, Wx2, Wh2, b2, stateful)`: one
/// [`TimeLstm`] over the sequence as it is, one over the sequence reversed
/// in time, their hidden states side by side.
///
/// Input is time-major `T·N x D` (see [the module docs](super)); output is
/// `T·N x 2H`: columns `0..H` are the forward LSTM's `h` at step `t`,
/// columns `H..2H` the backward LSTM's `h` after it has read steps
/// `T−1, …, t`. Reversing time in the time-major layout reverses the order
/// of the `N`-row blocks. The backward pass splits `dhs` the same way and
/// adds the two LSTMs' `dxs`.
///
/// With `stateful`, each LSTM carries its own state from one forward pass
/// into the next, as the book's (so the backward LSTM starts a window from
/// where it ended the previous window, its step 0).
///
/// [`params`](Self::params) are `Wx1, Wh1, b1` (forward LSTM) then
/// `Wx2, Wh2, b2` (backward LSTM), as the book's `params` list.
///
/// ```
/// use groundup::layers::time::TimeBiLstm;
/// use groundup::Matrix;
/// // D = 1, H = 1; only the forward LSTM's Wx is non-zero.
/// let z = || Matrix::<f64>::zeros(1, 4);
/// let mut bi = TimeBiLstm::new(Matrix::filled(1, 4, 1.0), z(), z(), z(), z(), z(), false);
/// let xs = Matrix::from_fn(3, 1, |i, _| i as f64); // 3 steps of 1 sequence
/// let hs = bi.forward(xs.view(), 1).to_matrix();
/// assert_eq!(hs.shape(), (3, 2));
/// assert_eq!(hs[(0, 0)], 0.0); // x = 0 at step 0, from a zero state
/// assert!(hs[(2, 0)] > hs[(1, 0)]); // the forward LSTM sees x grow
/// assert!(hs.rows_iter().all(|r| r[1] == 0.0)); // the backward LSTM has zero weights
/// let dxs = bi.backward(Matrix::filled(3, 2, 1.0).view());
/// assert_eq!(dxs.shape(), (3, 1));
/// ```
#[derive(Clone, Debug)]
pub struct TimeBiLstm<T: Scalar> {
    /// `Wx1, Wh1, b1, Wx2, Wh2, b2`. Each LSTM holds its three only while
    /// it runs (see [`with_params`]); at rest it holds empty placeholders.
    params: [Param<T>; 6],
    forward_lstm: TimeLstm<T>,
    backward_lstm: TimeLstm<T>,
    batch: usize,
    /// The input reversed in time, `T·N x D`.
    xs_rev: Matrix<T>,
    /// `T·N x 2H`.
    out: Matrix<T>,
    /// One half of `dhs`, `T·N x H` (the backward half reversed in time).
    dhalf: Matrix<T>,
    dxs: Matrix<T>,
}

/// Runs `f` on `lstm` with `params` (three) swapped into it, and swaps them
/// back out afterwards, also when `f` panics.
fn with_params<T: Scalar, R>(
    params: &mut [Param<T>],
    lstm: &mut TimeLstm<T>,
    f: impl FnOnce(&mut TimeLstm<T>) -> R,
) -> R {
    struct Swapped<'a, T: Scalar> {
        params: &'a mut [Param<T>],
        lstm: &'a mut TimeLstm<T>,
    }
    impl<T: Scalar> Drop for Swapped<'_, T> {
        fn drop(&mut self) {
            self.params.swap_with_slice(self.lstm.params_mut());
        }
    }
    params.swap_with_slice(lstm.params_mut());
    let guard = Swapped { params, lstm };
    f(&mut *guard.lstm)
}

/// `dst` (`rows x cols`) = `src` with its blocks of `batch` rows in reverse
/// order.
fn reverse_steps<T: Scalar>(src: MatrixView<'_, T>, batch: usize, dst: &mut Matrix<T>) {
    dst.resize(src.rows(), src.cols());
    let block = batch * src.cols();
    if block == 0 {
        return;
    }
    for (d, s) in dst
        .as_mut_slice()
        .chunks_exact_mut(block)
        .zip(src.as_slice().chunks_exact(block).rev())
    {
        d.copy_from_slice(s);
    }
}

impl<T: Scalar> TimeBiLstm<T> {
    /// A bidirectional LSTM: `Wx1, Wh1, b1` for the forward LSTM and
    /// `Wx2, Wh2, b2` for the backward one, each as
    /// [`TimeLstm::new`] takes them (`D x 4H`, `H x 4H`, `1 x 4H`, the same
    /// `D` and `H` for both). Panics naming the shapes when they do not fit.
    ///
    /// ```
    /// use groundup::{layers::time::TimeBiLstm, Matrix};
    /// let w = |r, c| Matrix::<f32>::zeros(r, c);
    /// let bi = TimeBiLstm::new(w(5, 8), w(2, 8), w(1, 8), w(5, 8), w(2, 8), w(1, 8), true);
    /// assert_eq!(bi.hidden_size(), 2);
    /// assert_eq!(bi.params().len(), 6);
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        wx1: Matrix<T>,
        wh1: Matrix<T>,
        b1: Matrix<T>,
        wx2: Matrix<T>,
        wh2: Matrix<T>,
        b2: Matrix<T>,
        stateful: bool,
    ) -> Self {
        assert!(
            wx1.shape() == wx2.shape() && wh1.shape() == wh2.shape(),
            "TimeBiLstm::new: the forward LSTM's Wx1 {:?}, Wh1 {:?} and the backward LSTM's Wx2 {:?}, Wh2 {:?} must have the same shapes",
            wx1.shape(),
            wh1.shape(),
            wx2.shape(),
            wh2.shape()
        );
        let mut forward_lstm = TimeLstm::new(wx1, wh1, b1, stateful);
        let mut backward_lstm = TimeLstm::new(wx2, wh2, b2, stateful);
        let empty = || Param::new(Matrix::zeros(0, 0));
        let mut params = [empty(), empty(), empty(), empty(), empty(), empty()];
        params[..3].swap_with_slice(forward_lstm.params_mut());
        params[3..].swap_with_slice(backward_lstm.params_mut());
        TimeBiLstm {
            params,
            forward_lstm,
            backward_lstm,
            batch: 0,
            xs_rev: Matrix::zeros(0, 0),
            out: Matrix::zeros(0, 0),
            dhalf: Matrix::zeros(0, 0),
            dxs: Matrix::zeros(0, 0),
        }
    }

    /// `H`, the hidden size of each LSTM (the output has `2H` columns).
    ///
    /// ```
    /// use groundup::{layers::time::TimeBiLstm, Matrix};
    /// let w = |r, c| Matrix::<f64>::zeros(r, c);
    /// let bi = TimeBiLstm::new(w(3, 12), w(3, 12), w(1, 12), w(3, 12), w(3, 12), w(1, 12), false);
    /// assert_eq!(bi.hidden_size(), 3);
    /// ```
    pub fn hidden_size(&self) -> usize {
        self.params[1].value.rows()
    }

    /// The hidden states of both LSTMs at every step (`T·N x 2H`,
    /// time-major) for the input `xs` (`T·N x D`) of `batch` sequences.
    /// Panics as [`TimeLstm::forward`].
    ///
    /// ```
    /// use groundup::{layers::time::TimeBiLstm, Matrix};
    /// // The same weights in both directions and a constant input: the forward
    /// // LSTM's h at step t is the backward LSTM's at step T−1−t.
    /// let w = Matrix::from_fn(2, 8, |i, j| 0.1 * (i + j) as f64 - 0.3);
    /// let u = Matrix::from_fn(2, 8, |i, j| 0.2 * (j as f64 - i as f64));
    /// let b = Matrix::filled(1, 8, 0.1);
    /// let mut bi = TimeBiLstm::new(w.clone(), u.clone(), b.clone(), w, u, b, false);
    /// let hs = bi.forward(Matrix::filled(6, 2, 0.5).view(), 2).to_matrix(); // 3 steps of 2
    /// assert_eq!(hs.shape(), (6, 4));
    /// assert_eq!(hs.row(0)[..2], hs.row(4)[2..]);
    /// assert_eq!(hs.row(2)[..2], hs.row(2)[2..]);
    /// ```
    pub fn forward(&mut self, xs: MatrixView<'_, T>, batch: usize) -> MatrixView<'_, T> {
        let hidden = self.hidden_size();
        let d = self.params[0].value.rows();
        assert!(
            xs.cols() == d,
            "TimeBiLstm.forward: input shape {:?} does not fit Wx1 {:?}: inputs need {d} columns",
            xs.shape(),
            self.params[0].value.shape()
        );
        let steps = super::steps("TimeBiLstm", xs.rows(), batch);
        self.batch = batch;
        let rows = steps * batch;
        self.out.resize(rows, 2 * hidden);
        let (p1, p2) = self.params.split_at_mut(3);
        let out = &mut self.out;
        with_params(p1, &mut self.forward_lstm, |lstm| {
            let hs = lstm.forward(xs, batch);
            for (o, h) in out.rows_iter_mut().zip(hs.rows_iter()) {
                o[..hidden].copy_from_slice(h);
            }
        });
        reverse_steps(xs, batch, &mut self.xs_rev);
        let xs_rev = &self.xs_rev;
        with_params(p2, &mut self.backward_lstm, |lstm| {
            let hs = lstm.forward(xs_rev.view(), batch);
            // Row block t of the output gets block T−1−t of the reversed run.
            let block = batch * hidden;
            if block == 0 {
                return;
            }
            for (t, hb) in hs.as_slice().chunks_exact(block).rev().enumerate() {
                for (r, h) in hb.chunks_exact(hidden).enumerate() {
                    out.row_mut(t * batch + r)[hidden..].copy_from_slice(h);
                }
            }
        });
        self.out.view()
    }

    /// Overwrites the gradients of all six parameters given
    /// `dhs = ∂loss/∂hs` (`T·N x 2H`); returns `∂loss/∂xs`, the sum of what
    /// the two LSTMs pass back.
    ///
    /// ```
    /// use groundup::{layers::time::TimeBiLstm, Matrix};
    /// let w = |r, c, v| Matrix::<f64>::filled(r, c, v);
    /// let mut bi = TimeBiLstm::new(w(1, 4, 0.5), w(1, 4, 0.5), w(1, 4, 0.0), w(1, 4, 0.5), w(1, 4, 0.5), w(1, 4, 0.0), false);
    /// bi.forward(Matrix::filled(2, 1, 1.0).view(), 1);
    /// // Only the backward LSTM's half of the gradient is non-zero.
    /// let dhs = Matrix::from_fn(2, 2, |_, j| j as f64);
    /// let dxs = bi.backward(dhs.view()).clone();
    /// assert!(dxs.iter().all(|&d| d != 0.0));
    /// assert!(bi.params()[..3].iter().all(|p| p.grad.iter().all(|&g| g == 0.0)));
    /// assert!(bi.params()[3].grad[(0, 0)] != 0.0);
    /// ```
    pub fn backward(&mut self, dhs: MatrixView<'_, T>) -> &Matrix<T> {
        let hidden = self.hidden_size();
        assert!(
            dhs.shape() == self.out.shape(),
            "TimeBiLstm.backward: got shape {:?}, expected {:?} (the shape of the last forward pass)",
            dhs.shape(),
            self.out.shape()
        );
        let batch = self.batch;
        let rows = dhs.rows();
        let (p1, p2) = self.params.split_at_mut(3);
        // The forward LSTM's half.
        self.dhalf.resize(rows, hidden);
        for (d, s) in self.dhalf.rows_iter_mut().zip(dhs.rows_iter()) {
            d.copy_from_slice(&s[..hidden]);
        }
        let dhalf = &self.dhalf;
        let dxs = &mut self.dxs;
        with_params(p1, &mut self.forward_lstm, |lstm| {
            dxs.assign(lstm.backward(dhalf.view()).view());
        });
        // The backward LSTM's half, reversed in time.
        let block = batch * hidden;
        if block > 0 {
            for (t, db) in self
                .dhalf
                .as_mut_slice()
                .chunks_exact_mut(block)
                .rev()
                .enumerate()
            {
                for (r, d) in db.chunks_exact_mut(hidden).enumerate() {
                    d.copy_from_slice(&dhs.row(t * batch + r)[hidden..]);
                }
            }
        }
        let dhalf = &self.dhalf;
        with_params(p2, &mut self.backward_lstm, |lstm| {
            let dxs2 = lstm.backward(dhalf.view());
            let block = batch * dxs2.cols();
            if block == 0 {
                return;
            }
            for (d, s) in dxs
                .as_mut_slice()
                .chunks_exact_mut(block)
                .zip(dxs2.as_slice().chunks_exact(block).rev())
            {
                for (a, &b) in d.iter_mut().zip(s) {
                    *a += b;
                }
            }
        });
        &self.dxs
    }

    /// `∂loss/∂h` into the state each LSTM started from in the last
    /// backward pass: `(forward LSTM's, backward LSTM's)`, each `N x H`
    /// (the backward LSTM's start is after the last step in time).
    ///
    /// ```
    /// use groundup::{layers::time::TimeBiLstm, Matrix};
    /// let w = |r, c| Matrix::<f64>::filled(r, c, 0.5);
    /// let mut bi = TimeBiLstm::new(w(1, 4), w(1, 4), w(1, 4), w(1, 4), w(1, 4), w(1, 4), false);
    /// bi.forward(Matrix::zeros(2, 1).view(), 2);
    /// bi.backward(Matrix::filled(2, 2, 1.0).view());
    /// let (dh1, dh2) = bi.dh();
    /// assert_eq!((dh1.shape(), dh2.shape()), ((2, 1), (2, 1)));
    /// ```
    pub fn dh(&self) -> (&Matrix<T>, &Matrix<T>) {
        (self.forward_lstm.dh(), self.backward_lstm.dh())
    }

    /// Forgets both LSTMs' carried states.
    ///
    /// ```
    /// use groundup::{layers::time::TimeBiLstm, Matrix};
    /// let w = |r, c| Matrix::<f64>::filled(r, c, 0.5);
    /// let mut bi = TimeBiLstm::new(w(1, 4), w(1, 4), w(1, 4), w(1, 4), w(1, 4), w(1, 4), true);
    /// let first = bi.forward(Matrix::zeros(1, 1).view(), 1).to_matrix();
    /// assert_ne!(bi.forward(Matrix::zeros(1, 1).view(), 1).to_matrix(), first); // carried
    /// bi.reset_state();
    /// assert_eq!(bi.forward(Matrix::zeros(1, 1).view(), 1).to_matrix(), first);
    /// ```
    pub fn reset_state(&mut self) {
        self.forward_lstm.reset_state();
        self.backward_lstm.reset_state();
    }

    /// Sets the carried states `(h, c)` of the forward and the backward
    /// LSTM (each `N x H`, `c` zeros when `None`), as
    /// [`TimeLstm::set_state`]. Panics naming the shapes when they differ.
    ///
    /// ```
    /// use groundup::{layers::time::TimeBiLstm, Matrix};
    /// let w = |r, c| Matrix::<f64>::zeros(r, c);
    /// let mut bi = TimeBiLstm::new(w(1, 4), w(1, 4), w(1, 4), w(1, 4), w(1, 4), w(1, 4), true);
    /// bi.set_state((Matrix::filled(2, 1, 0.5), None), (Matrix::zeros(2, 1), Some(Matrix::filled(2, 1, 1.0))));
    /// let ((h1, _), (_, c2)) = bi.state();
    /// assert_eq!((h1[(0, 0)], c2[(1, 0)]), (0.5, 1.0));
    /// ```
    #[allow(clippy::type_complexity)]
    pub fn set_state(
        &mut self,
        forward: (Matrix<T>, Option<Matrix<T>>),
        backward: (Matrix<T>, Option<Matrix<T>>),
    ) {
        let (p1, p2) = self.params.split_at_mut(3);
        with_params(p1, &mut self.forward_lstm, |lstm| {
            lstm.set_state(forward.0, forward.1)
        });
        with_params(p2, &mut self.backward_lstm, |lstm| {
            lstm.set_state(backward.0, backward.1)
        });
    }

    /// The carried `((h, c) of the forward LSTM, (h, c) of the backward
    /// LSTM)` (empty before the first forward pass of a stateful layer).
    ///
    /// ```
    /// use groundup::{layers::time::TimeBiLstm, Matrix};
    /// let w = |r, c| Matrix::<f32>::zeros(r, c);
    /// let mut bi = TimeBiLstm::new(w(1, 4), w(1, 4), w(1, 4), w(1, 4), w(1, 4), w(1, 4), true);
    /// assert!(bi.state().0 .0.is_empty());
    /// bi.forward(Matrix::zeros(3, 1).view(), 3);
    /// assert_eq!(bi.state().1 .1.shape(), (3, 1));
    /// ```
    #[allow(clippy::type_complexity)]
    pub fn state(&self) -> ((&Matrix<T>, &Matrix<T>), (&Matrix<T>, &Matrix<T>)) {
        (self.forward_lstm.state(), self.backward_lstm.state())
    }

    /// `Wx1, Wh1, b1, Wx2, Wh2, b2` with their gradients.
    ///
    /// ```
    /// use groundup::{layers::time::TimeBiLstm, Matrix};
    /// let w = |r, c| Matrix::<f32>::zeros(r, c);
    /// let bi = TimeBiLstm::new(w(3, 8), w(2, 8), w(1, 8), w(3, 8), w(2, 8), w(1, 8), false);
    /// assert_eq!(bi.params()[3].value.shape(), (3, 8)); // Wx2
    /// ```
    pub fn params(&self) -> &[Param<T>] {
        &self.params
    }

    /// `Wx1, Wh1, b1, Wx2, Wh2, b2`, mutable.
    ///
    /// ```
    /// use groundup::{layers::time::TimeBiLstm, Matrix};
    /// let w = |r, c| Matrix::<f32>::zeros(r, c);
    /// let mut bi = TimeBiLstm::new(w(3, 8), w(2, 8), w(1, 8), w(3, 8), w(2, 8), w(1, 8), false);
    /// bi.params_mut()[5].value.fill(1.0);
    /// assert_eq!(bi.params()[5].value.sum(), 8.0);
    /// ```
    pub fn params_mut(&mut self) -> &mut [Param<T>] {
        &mut self.params
    }

    /// The parameters' names (the book's constructor arguments) and kinds.
    ///
    /// ```
    /// use groundup::layers::{time::TimeBiLstm, ParamKind};
    /// assert_eq!(TimeBiLstm::<f32>::param_info()[4], ("Wh2", ParamKind::LinearWeight));
    /// ```
    pub fn param_info() -> [(&'static str, ParamKind); 6] {
        [
            ("Wx1", ParamKind::LinearWeight),
            ("Wh1", ParamKind::LinearWeight),
            ("b1", ParamKind::Bias),
            ("Wx2", ParamKind::LinearWeight),
            ("Wh2", ParamKind::LinearWeight),
            ("b2", ParamKind::Bias),
        ]
    }
}
