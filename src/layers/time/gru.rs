//! `TimeGru` (and the one-step `Gru`): the book's GRU over a time-major
//! batch.
//!
//! The book's `GRU` (in `common/time_layers.py`) splits `Wx` (`D x 3H`),
//! `Wh` (`H x 3H`) and `b` (`3H`) into the blocks of the update gate `z`,
//! the reset gate `r` and the candidate `h_hat`, in that order:
//!
//! ```text
//! z      = σ(x·Wxz + h_prev·Whz + bz)
//! r      = σ(x·Wxr + h_prev·Whr + br)
//! h_hat  = tanh(x·Wxh + (r ⊙ h_prev)·Whh + bh)
//! h_next = (1 − z) ⊙ h_prev + z ⊙ h_hat
//! ```
//!
//! The forward pass computes `x·Wx` for every step in one product (all
//! three blocks: `x` does not depend on the recurrence); per step it adds
//! `h_prev·[Whz Whr]` into the `z, r` blocks, then `(r ⊙ h_prev)·Whh` into
//! the `h_hat` block (that product needs `r` of the same step, so it cannot
//! be merged with the other). The backward pass walks the steps in reverse
//! for the pre-activation gradients and `dh_prev`, then gets
//! `dWx = Xᵀ·dA`, `dWh = [H_prevᵀ·dA_zr, (R ⊙ H_prev)ᵀ·dA_h]`,
//! `db` and `dx = dA·Wxᵀ` as products over all steps: the same sums as the
//! book's per-step products, added in another order.

use crate::gemm::{gemm, Transpose};
use crate::layers::{Param, ParamKind};
use crate::matrix::{Matrix, MatrixView};
use crate::scalar::Scalar;

use super::sigmoid;

/// The book's `TimeGRU(Wx, Wh, b, stateful)`: `Wx` is `D x 3H`, `Wh` is
/// `H x 3H`, `b` is `1 x 3H`, each split along the columns into the blocks
/// of the update gate `z`, the reset gate `r` and the candidate `h_hat`, in
/// that order, as the book's `GRU`:
///
/// ```text
/// z      = σ(x·Wxz + h_prev·Whz + bz)
/// r      = σ(x·Wxr + h_prev·Whr + br)
/// h_hat  = tanh(x·Wxh + (r ⊙ h_prev)·Whh + bh)
/// h_next = (1 − z) ⊙ h_prev + z ⊙ h_hat
/// ```
///
/// Input and output are time-major (see [the module docs](super)): `T·N x D`
/// in, `T·N x H` out. A stateful layer carries `h` from the last step of one
/// forward pass into the next (truncated backpropagation through time:
/// gradients stop at the boundary) until [`reset_state`](Self::reset_state);
/// a stateless one starts from zeros.
///
/// ```
/// use groundup::layers::time::TimeGru;
/// use groundup::Matrix;
/// // D = 2, H = 3; zero weights: z = σ(0) = 0.5, h_hat = tanh(0) = 0, so h halves each step.
/// let mut gru = TimeGru::new(Matrix::<f64>::zeros(2, 9), Matrix::zeros(3, 9), Matrix::zeros(1, 9), true);
/// gru.set_state(Matrix::filled(2, 3, 1.0)); // 2 sequences
/// let hs = gru.forward(Matrix::filled(4, 2, 1.0).view(), 2).to_matrix(); // 2 steps
/// assert_eq!(hs, Matrix::from_fn(4, 3, |i, _| if i < 2 { 0.5 } else { 0.25 }));
/// let dxs = gru.backward(Matrix::filled(4, 3, 1.0).view());
/// assert_eq!(dxs.shape(), (4, 2));
/// assert_eq!(gru.state().shape(), (2, 3)); // h after the last step
/// ```
#[derive(Clone, Debug)]
pub struct TimeGru<T: Scalar> {
    params: [Param<T>; 3],
    stateful: bool,
    /// Carried state (`N x H`), valid when `has_state`.
    h: Matrix<T>,
    has_state: bool,
    batch: usize,
    /// Saved input, `T·N x D`.
    x: Matrix<T>,
    /// `z, r, h_hat` per step, `T·N x 3H`.
    gates: Matrix<T>,
    /// `h` before the first step, then after each: `(T+1)·N x H`.
    hs: Matrix<T>,
    /// `r ⊙ h_prev` per step, `T·N x H`.
    rh: Matrix<T>,
    /// Gradients of the three blocks' pre-activations, `T·N x 3H`.
    dgates: Matrix<T>,
    /// `dhr = dA_h·Whhᵀ` of one step, `N x H`.
    dhr: Matrix<T>,
    dxs: Matrix<T>,
    /// `dh` carried backwards; after `backward`, that into the state before
    /// the first step.
    dh: Matrix<T>,
    dh_prev: Matrix<T>,
}

impl<T: Scalar> TimeGru<T> {
    /// A GRU with weights `Wx` (`D x 3H`), `Wh` (`H x 3H`), `b` (`1 x 3H`).
    /// Panics naming the shapes when they do not fit together.
    ///
    /// ```
    /// use groundup::{layers::time::TimeGru, Matrix};
    /// let gru = TimeGru::new(Matrix::<f32>::zeros(5, 6), Matrix::zeros(2, 6), Matrix::zeros(1, 6), false);
    /// assert_eq!(gru.hidden_size(), 2);
    /// ```
    pub fn new(wx: Matrix<T>, wh: Matrix<T>, b: Matrix<T>, stateful: bool) -> Self {
        let h = wh.rows();
        assert!(
            wh.cols() == 3 * h && wx.cols() == 3 * h && b.shape() == (1, 3 * h),
            "TimeGru::new: shapes Wx {:?}, Wh {:?}, b {:?} do not fit; with H = {h} they must be (D, {}), ({h}, {}), (1, {})",
            wx.shape(),
            wh.shape(),
            b.shape(),
            3 * h,
            3 * h,
            3 * h
        );
        TimeGru {
            params: [Param::new(wx), Param::new(wh), Param::new(b)],
            stateful,
            h: Matrix::zeros(0, 0),
            has_state: false,
            batch: 0,
            x: Matrix::zeros(0, 0),
            gates: Matrix::zeros(0, 0),
            hs: Matrix::zeros(0, 0),
            rh: Matrix::zeros(0, 0),
            dgates: Matrix::zeros(0, 0),
            dhr: Matrix::zeros(0, 0),
            dxs: Matrix::zeros(0, 0),
            dh: Matrix::zeros(0, 0),
            dh_prev: Matrix::zeros(0, 0),
        }
    }

    /// `H`, the size of the hidden state.
    ///
    /// ```
    /// use groundup::{layers::time::TimeGru, Matrix};
    /// let gru = TimeGru::new(Matrix::<f64>::zeros(3, 30), Matrix::zeros(10, 30), Matrix::zeros(1, 30), true);
    /// assert_eq!(gru.hidden_size(), 10);
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
    /// use groundup::{layers::time::TimeGru, Matrix};
    /// // Only the bias: z = σ(10) ≈ 1, h_hat = tanh(10) ≈ 1, so h ≈ 1 after one step.
    /// let mut gru = TimeGru::new(Matrix::<f32>::zeros(1, 3), Matrix::zeros(1, 3), Matrix::filled(1, 3, 10.0), false);
    /// let h = gru.forward(Matrix::zeros(3, 1).view(), 3)[(0, 0)];
    /// assert!((h - 0.9999546).abs() < 1e-6);
    /// ```
    pub fn forward(&mut self, xs: MatrixView<'_, T>, batch: usize) -> MatrixView<'_, T> {
        let hidden = self.hidden_size();
        let h3 = 3 * hidden;
        let h2 = 2 * hidden;
        let [wx, wh, b] = &self.params;
        assert!(
            xs.cols() == wx.value.rows(),
            "TimeGru.forward: input shape {:?} does not fit Wx {:?}: inputs need {} columns",
            xs.shape(),
            wx.value.shape(),
            wx.value.rows()
        );
        let steps = super::steps("TimeGru", xs.rows(), batch);
        let n = batch;
        self.batch = n;
        self.x.assign(xs);
        self.hs.resize((steps + 1) * n, hidden);
        if self.stateful && self.has_state {
            assert!(
                self.h.rows() == n,
                "TimeGru.forward: the carried state is for a batch of {} but the input has a batch of {n}; call reset_state first",
                self.h.rows()
            );
            self.hs.as_mut_slice()[..n * hidden].copy_from_slice(self.h.as_slice());
        } else {
            self.hs.as_mut_slice()[..n * hidden].fill(T::ZERO);
        }
        // x·Wx for every step and all three blocks at once.
        self.gates.resize(steps * n, h3);
        self.gates
            .gemm(T::ONE, xs, Transpose::No, &wx.value, Transpose::No, T::ZERO);
        self.rh.resize(steps * n, hidden);
        let bias = b.value.as_slice();
        let (bz, rest) = bias.split_at(hidden);
        let (br, bh) = rest.split_at(hidden);
        let wh = wh.value.as_slice();
        for t in 0..steps {
            let (h_prev, h_next) = self.hs.as_mut_slice().split_at_mut((t + 1) * n * hidden);
            let h_prev = &h_prev[t * n * hidden..];
            let h_next = &mut h_next[..n * hidden];
            let a = &mut self.gates.as_mut_slice()[t * n * h3..(t + 1) * n * h3];
            let rh = &mut self.rh.as_mut_slice()[t * n * hidden..(t + 1) * n * hidden];
            // The z and r blocks += h_prev·[Whz Whr] (numpy's x·W + h·W, then + b).
            gemm(
                n,
                h2,
                hidden,
                T::ONE,
                h_prev,
                hidden,
                Transpose::No,
                wh,
                h3,
                Transpose::No,
                T::ONE,
                a,
                h3,
            );
            for r in 0..n {
                let row = &mut a[r * h3..(r + 1) * h3];
                let (z, rest) = row.split_at_mut(hidden);
                let (rg, _) = rest.split_at_mut(hidden);
                let span = r * hidden..(r + 1) * hidden;
                let hp = &h_prev[span.clone()];
                let rhr = &mut rh[span];
                for j in 0..hidden {
                    z[j] = sigmoid(z[j] + bz[j]);
                    rg[j] = sigmoid(rg[j] + br[j]);
                    rhr[j] = rg[j] * hp[j];
                }
            }
            // The h_hat block += (r ⊙ h_prev)·Whh.
            if hidden > 0 {
                gemm(
                    n,
                    hidden,
                    hidden,
                    T::ONE,
                    rh,
                    hidden,
                    Transpose::No,
                    &wh[h2..],
                    h3,
                    Transpose::No,
                    T::ONE,
                    &mut a[h2..],
                    h3,
                );
            }
            for r in 0..n {
                let row = &mut a[r * h3..(r + 1) * h3];
                let (z, rest) = row.split_at_mut(h2);
                let hh = &mut rest[..hidden];
                let span = r * hidden..(r + 1) * hidden;
                let hp = &h_prev[span.clone()];
                let hn = &mut h_next[span];
                for j in 0..hidden {
                    hh[j] = (hh[j] + bh[j]).tanh();
                    hn[j] = (T::ONE - z[j]) * hp[j] + z[j] * hh[j];
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

    /// Overwrites the gradients of `Wx`, `Wh`, `b` with those of the last
    /// forward pass given `dhs = ∂loss/∂hs` (`T·N x H`); returns `∂loss/∂xs`.
    /// The gradient into the state before the first step is kept in
    /// [`dh`](Self::dh) (the book's `self.dh`).
    ///
    /// ```
    /// use groundup::{layers::time::TimeGru, Matrix};
    /// let mut gru = TimeGru::new(Matrix::<f64>::filled(1, 3, 0.5), Matrix::filled(1, 3, 0.5), Matrix::zeros(1, 3), false);
    /// gru.forward(Matrix::filled(2, 1, 1.0).view(), 1);
    /// let dx = gru.backward(Matrix::filled(2, 1, 1.0).view()).clone();
    /// assert_eq!(dx.shape(), (2, 1));
    /// assert!(gru.params()[0].grad[(0, 0)] != 0.0);
    /// ```
    pub fn backward(&mut self, dhs: MatrixView<'_, T>) -> &Matrix<T> {
        let hidden = self.hidden_size();
        let h3 = 3 * hidden;
        let h2 = 2 * hidden;
        let n = self.batch;
        let steps = self.rh.rows() / n.max(1);
        assert!(
            dhs.shape() == (steps * n, hidden),
            "TimeGru.backward: got shape {:?}, expected {:?} (the shape of the last forward pass)",
            dhs.shape(),
            (steps * n, hidden)
        );
        let [wx, wh, b] = &mut self.params;
        self.dh.resize(n, hidden);
        self.dh.fill(T::ZERO);
        self.dh_prev.resize(n, hidden);
        self.dhr.resize(n, hidden);
        self.dgates.resize(steps * n, h3);
        let whv = wh.value.as_slice();
        for t in (0..steps).rev() {
            let block = t * n * hidden..(t + 1) * n * hidden;
            let gates = &self.gates.as_slice()[t * n * h3..(t + 1) * n * h3];
            let da = &mut self.dgates.as_mut_slice()[t * n * h3..(t + 1) * n * h3];
            let h_prev = &self.hs.as_slice()[block.clone()];
            let dh_out = &dhs.as_slice()[block];
            let dh = self.dh.as_slice();
            let dh_prev = self.dh_prev.as_mut_slice();
            // The h_hat block and the z block; dh_prev = dh_next ⊙ (1 − z).
            for r in 0..n {
                let g3 = &gates[r * h3..(r + 1) * h3];
                let (z, rest) = g3.split_at(hidden);
                let h_hat = &rest[hidden..];
                let d3 = &mut da[r * h3..(r + 1) * h3];
                let (dz, rest) = d3.split_at_mut(h2);
                let dhh = &mut rest[..hidden];
                let base = r * hidden;
                for j in 0..hidden {
                    let k = base + j;
                    let dh_next = dh_out[k] + dh[k];
                    let dh_hat = dh_next * z[j];
                    dh_prev[k] = dh_next * (T::ONE - z[j]);
                    dhh[j] = dh_hat * (T::ONE - h_hat[j] * h_hat[j]);
                    let dzj = dh_next * h_hat[j] - dh_next * h_prev[k];
                    dz[j] = dzj * z[j] * (T::ONE - z[j]);
                }
            }
            if hidden > 0 {
                // dhr = dA_h·Whhᵀ
                gemm(
                    n,
                    hidden,
                    hidden,
                    T::ONE,
                    &da[h2..],
                    h3,
                    Transpose::No,
                    &whv[h2..],
                    h3,
                    Transpose::Yes,
                    T::ZERO,
                    self.dhr.as_mut_slice(),
                    hidden,
                );
            }
            // The r block; dh_prev += r ⊙ dhr.
            let dhr = self.dhr.as_slice();
            for r in 0..n {
                let rg = &gates[r * h3 + hidden..r * h3 + h2];
                let dr = &mut da[r * h3 + hidden..r * h3 + h2];
                let base = r * hidden;
                for j in 0..hidden {
                    let k = base + j;
                    dh_prev[k] += rg[j] * dhr[k];
                    dr[j] = dhr[k] * h_prev[k] * rg[j] * (T::ONE - rg[j]);
                }
            }
            // dh_prev += [dA_z dA_r]·[Whz Whr]ᵀ
            gemm(
                n,
                hidden,
                h2,
                T::ONE,
                da,
                h3,
                Transpose::No,
                whv,
                h3,
                Transpose::Yes,
                T::ONE,
                dh_prev,
                hidden,
            );
            std::mem::swap(&mut self.dh, &mut self.dh_prev);
        }
        let rows = steps * n;
        wx.grad.gemm(
            T::ONE,
            &self.x,
            Transpose::Yes,
            &self.dgates,
            Transpose::No,
            T::ZERO,
        );
        // dWh: the z, r blocks from h_prev, the h_hat block from r ⊙ h_prev.
        let dg = self.dgates.as_slice();
        let dwh = wh.grad.as_mut_slice();
        gemm(
            hidden,
            h2,
            rows,
            T::ONE,
            &self.hs.as_slice()[..rows * hidden],
            hidden,
            Transpose::Yes,
            dg,
            h3,
            Transpose::No,
            T::ZERO,
            dwh,
            h3,
        );
        if hidden > 0 {
            gemm(
                hidden,
                hidden,
                rows,
                T::ONE,
                self.rh.as_slice(),
                hidden,
                Transpose::Yes,
                &dg[h2.min(dg.len())..],
                h3,
                Transpose::No,
                T::ZERO,
                &mut dwh[h2..],
                h3,
            );
        }
        self.dgates.sum_rows_into(b.grad.as_mut_slice());
        self.dxs.resize(rows, wx.value.rows());
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
    /// use groundup::{layers::time::TimeGru, Matrix};
    /// // Zero weights: z = 0.5, so half of dh passes straight to h_prev.
    /// let mut gru = TimeGru::new(Matrix::<f64>::zeros(1, 3), Matrix::zeros(1, 3), Matrix::zeros(1, 3), false);
    /// gru.forward(Matrix::zeros(2, 1).view(), 2);
    /// gru.backward(Matrix::filled(2, 1, 1.0).view());
    /// assert_eq!(gru.dh(), &Matrix::filled(2, 1, 0.5));
    /// ```
    pub fn dh(&self) -> &Matrix<T> {
        &self.dh
    }

    /// Forgets the carried state: the next forward pass starts from zeros.
    ///
    /// ```
    /// use groundup::{layers::time::TimeGru, Matrix};
    /// let mut gru = TimeGru::new(Matrix::<f64>::zeros(1, 3), Matrix::zeros(1, 3), Matrix::filled(1, 3, 1.0), true);
    /// let first = gru.forward(Matrix::zeros(1, 1).view(), 1).to_matrix();
    /// assert_ne!(gru.forward(Matrix::zeros(1, 1).view(), 1).to_matrix(), first); // carried
    /// gru.reset_state();
    /// assert_eq!(gru.forward(Matrix::zeros(1, 1).view(), 1).to_matrix(), first);
    /// ```
    pub fn reset_state(&mut self) {
        self.has_state = false;
    }

    /// Sets the carried state `h` (`N x H`); the next forward pass of a
    /// stateful layer starts from it (the book's `set_state`). Panics naming
    /// the shape when its width is not `H`.
    ///
    /// ```
    /// use groundup::{layers::time::TimeGru, Matrix};
    /// // Zero weights: h_next = h_prev / 2.
    /// let mut gru = TimeGru::new(Matrix::<f64>::zeros(1, 3), Matrix::zeros(1, 3), Matrix::zeros(1, 3), true);
    /// gru.set_state(Matrix::filled(2, 1, 0.5));
    /// assert_eq!(gru.forward(Matrix::zeros(2, 1).view(), 2).to_matrix(), Matrix::filled(2, 1, 0.25));
    /// ```
    pub fn set_state(&mut self, h: Matrix<T>) {
        assert!(
            h.cols() == self.hidden_size(),
            "TimeGru.set_state: h {:?} must be (N, {})",
            h.shape(),
            self.hidden_size()
        );
        self.h = h;
        self.has_state = true;
    }

    /// The carried `h` (empty before the first forward pass of a stateful
    /// layer).
    ///
    /// ```
    /// use groundup::{layers::time::TimeGru, Matrix};
    /// let gru = TimeGru::new(Matrix::<f32>::zeros(1, 3), Matrix::zeros(1, 3), Matrix::zeros(1, 3), true);
    /// assert!(gru.state().is_empty());
    /// ```
    pub fn state(&self) -> &Matrix<T> {
        &self.h
    }

    /// `Wx`, `Wh`, `b` with their gradients.
    ///
    /// ```
    /// use groundup::{layers::time::TimeGru, Matrix};
    /// let gru = TimeGru::new(Matrix::<f32>::zeros(3, 6), Matrix::zeros(2, 6), Matrix::zeros(1, 6), true);
    /// assert_eq!(gru.params()[0].value.shape(), (3, 6));
    /// ```
    pub fn params(&self) -> &[Param<T>] {
        &self.params
    }

    /// `Wx`, `Wh`, `b`, mutable.
    ///
    /// ```
    /// use groundup::{layers::time::TimeGru, Matrix};
    /// let mut gru = TimeGru::new(Matrix::<f32>::zeros(3, 6), Matrix::zeros(2, 6), Matrix::zeros(1, 6), true);
    /// gru.params_mut()[2].value.fill(1.0);
    /// assert_eq!(gru.params()[2].value.sum(), 6.0);
    /// ```
    pub fn params_mut(&mut self) -> &mut [Param<T>] {
        &mut self.params
    }

    /// The parameters' names and kinds (`Wx`, `Wh`: `(in, 3H)` linear
    /// weights; `b`: a bias).
    ///
    /// ```
    /// use groundup::layers::{time::TimeGru, ParamKind};
    /// assert_eq!(TimeGru::<f32>::param_info()[0], ("Wx", ParamKind::LinearWeight));
    /// ```
    pub fn param_info() -> [(&'static str, ParamKind); 3] {
        [
            ("Wx", ParamKind::LinearWeight),
            ("Wh", ParamKind::LinearWeight),
            ("b", ParamKind::Bias),
        ]
    }
}

/// The book's one-step `GRU` cell: `forward(x, h_prev)` gives `h_next`,
/// `backward(dh_next)` gives `(dx, dh_prev)` and overwrites the weight
/// gradients. It is a [`TimeGru`] run for one step from the given state.
///
/// ```
/// use groundup::layers::time::Gru;
/// use groundup::Matrix;
/// let mut cell = Gru::new(Matrix::<f64>::zeros(2, 3), Matrix::zeros(1, 3), Matrix::zeros(1, 3));
/// let h = cell.forward(Matrix::zeros(3, 2).view(), Matrix::filled(3, 1, 2.0));
/// assert_eq!(h, Matrix::filled(3, 1, 1.0)); // (1 − σ(0))·2 + σ(0)·tanh(0)
/// let (dx, dh_prev) = cell.backward(Matrix::filled(3, 1, 1.0).view());
/// assert_eq!(dx, Matrix::zeros(3, 2)); // Wx = 0
/// // dh·(1 − z) plus the path through z: dh·(h_hat − h_prev)·z(1 − z)·Whz = 0 (Wh = 0)
/// assert_eq!(dh_prev, Matrix::filled(3, 1, 0.5));
/// ```
#[derive(Clone, Debug)]
pub struct Gru<T: Scalar> {
    inner: TimeGru<T>,
}

impl<T: Scalar> Gru<T> {
    /// A cell with `Wx` (`D x 3H`), `Wh` (`H x 3H`), `b` (`1 x 3H`).
    ///
    /// ```
    /// use groundup::{layers::time::Gru, Matrix};
    /// let cell = Gru::new(Matrix::<f32>::zeros(2, 3), Matrix::zeros(1, 3), Matrix::zeros(1, 3));
    /// assert_eq!(cell.params().len(), 3);
    /// ```
    pub fn new(wx: Matrix<T>, wh: Matrix<T>, b: Matrix<T>) -> Self {
        Gru {
            inner: TimeGru::new(wx, wh, b, true),
        }
    }

    /// `h_next` from `x` (`N x D`) and `h_prev` (`N x H`). Panics naming the
    /// shapes when `x` and `h_prev` do not have the same number of rows.
    ///
    /// ```
    /// use groundup::{layers::time::Gru, Matrix};
    /// let mut cell = Gru::new(Matrix::<f32>::zeros(1, 3), Matrix::zeros(1, 3), Matrix::zeros(1, 3));
    /// let h = cell.forward(Matrix::zeros(2, 1).view(), Matrix::zeros(2, 1));
    /// assert_eq!(h.shape(), (2, 1));
    /// ```
    pub fn forward(&mut self, x: MatrixView<'_, T>, h_prev: Matrix<T>) -> Matrix<T> {
        let n = h_prev.rows();
        assert!(
            x.rows() == n,
            "Gru.forward: x {:?} and h_prev {:?} must have the same number of rows",
            x.shape(),
            h_prev.shape()
        );
        self.inner.set_state(h_prev);
        self.inner.forward(x, n).to_matrix()
    }

    /// `(dx, dh_prev)`; overwrites the weight gradients.
    ///
    /// ```
    /// use groundup::{layers::time::Gru, Matrix};
    /// let mut cell = Gru::new(Matrix::<f64>::filled(1, 3, 1.0), Matrix::zeros(1, 3), Matrix::zeros(1, 3));
    /// cell.forward(Matrix::filled(1, 1, 1.0).view(), Matrix::zeros(1, 1));
    /// let (dx, _) = cell.backward(Matrix::filled(1, 1, 1.0).view());
    /// assert!(dx[(0, 0)] > 0.0);
    /// ```
    pub fn backward(&mut self, dh_next: MatrixView<'_, T>) -> (Matrix<T>, Matrix<T>) {
        let dx = self.inner.backward(dh_next).clone();
        (dx, self.inner.dh.clone())
    }

    /// `Wx`, `Wh`, `b` with their gradients.
    ///
    /// ```
    /// use groundup::{layers::time::Gru, Matrix};
    /// let cell = Gru::new(Matrix::<f32>::zeros(2, 3), Matrix::zeros(1, 3), Matrix::zeros(1, 3));
    /// assert_eq!(cell.params()[1].value.shape(), (1, 3));
    /// ```
    pub fn params(&self) -> &[Param<T>] {
        self.inner.params()
    }

    /// `Wx`, `Wh`, `b`, mutable.
    ///
    /// ```
    /// use groundup::{layers::time::Gru, Matrix};
    /// let mut cell = Gru::new(Matrix::<f32>::zeros(2, 3), Matrix::zeros(1, 3), Matrix::zeros(1, 3));
    /// cell.params_mut()[2].value.fill(1.0);
    /// assert_eq!(cell.params()[2].value.sum(), 3.0);
    /// ```
    pub fn params_mut(&mut self) -> &mut [Param<T>] {
        self.inner.params_mut()
    }
}
