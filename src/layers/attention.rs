//! Attention, after the book's `ch08/attention_layer.py`: [`WeightSum`]
//! (the context vector `c = Σₛ aₛ·hₛ`), [`AttentionWeight`] (the weights
//! `a = softmax(hₛ·h)`), [`Attention`] (the two in a row) and
//! [`TimeAttention`] (one [`Attention`] per decoder step).
//!
//! The encoder's hidden states `hs` come time-major, as every layer of
//! [`time`](super::time) writes them: a [`Matrix`] of `T·N` rows, rows
//! `s·N .. s·N + N` the step `s` of the `N` sequences. A decoder state `h`
//! is `N x H`, the weights `a` are `N x T` (one row of weights over the
//! encoder steps per sequence), as the book's.
//!
//! The book's backward passes sum `dhs0 + dhs1` before adding them to the
//! encoder's gradient; the layers here add in the same order.
//!
//! ```
//! use groundup::layers::attention::Attention;
//! use groundup::{matrix, Matrix};
//! // One sequence (N = 1) of two encoder steps, H = 2.
//! let hs = matrix![[1.0f64, 0.0], [0.0, 1.0]];
//! let mut att = Attention::new();
//! // A decoder state that matches step 0 far better than step 1.
//! let c = att.forward(hs.view(), matrix![[9.0, 0.0]].view()).clone();
//! assert!(att.attention_weight()[(0, 0)] > 0.999);
//! assert!((c[(0, 0)] - 1.0).abs() < 1e-3 && c[(0, 1)] < 1e-3);
//! let (dhs, dh) = att.backward(Matrix::filled(1, 2, 1.0).view());
//! assert_eq!((dhs.shape(), dh.shape()), ((2, 2), (1, 2)));
//! ```

use crate::layers::time::softmax_row;
use crate::matrix::{Matrix, MatrixView};
use crate::scalar::Scalar;

/// `Σ a[k]·b[k]` in eight lanes (vectorizes).
#[inline]
fn dot<T: Scalar>(a: &[T], b: &[T]) -> T {
    let mut lanes = [T::ZERO; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            lanes[k] += x[k] * y[k];
        }
    }
    let mut sum = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]))
        + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    for (&x, &y) in ra.iter().zip(rb) {
        sum += x * y;
    }
    sum
}

/// The number of encoder steps in `hs` for a batch of `n`, panicking
/// with `who` and the shapes when `hs` is not whole steps of width `h`.
fn enc_steps(who: &str, hs: (usize, usize), n: usize, h: usize) -> usize {
    assert!(
        n > 0 && hs.0 % n == 0 && hs.0 > 0 && hs.1 == h,
        "{who}: hs of shape {hs:?} is not T steps of {n} sequences of width {h} (time-major T·N x H)"
    );
    hs.0 / n
}

/// `a[i, s] = softmax over s of hs[s·N + i]·h[i]` (`h`: `N x H`, `a`:
/// `N x T`), with the scores kept in `scores`.
fn weights_forward<T: Scalar>(
    hs: &[T],
    h: &[T],
    n: usize,
    hd: usize,
    a: &mut [T],
    scores: &mut [T],
) {
    let steps = a.len() / n;
    for i in 0..n {
        let hi = &h[i * hd..(i + 1) * hd];
        let s_row = &mut scores[i * steps..(i + 1) * steps];
        for (s, score) in s_row.iter_mut().enumerate() {
            let row = (s * n + i) * hd;
            *score = dot(&hs[row..row + hd], hi);
        }
        softmax_row(s_row, &mut a[i * steps..(i + 1) * steps]);
    }
}

/// `c[i] = Σₛ a[i, s]·hs[s·N + i]`, the terms added in step order (as
/// numpy's `np.sum(hs * a, axis=1)`).
fn weight_sum_forward<T: Scalar>(hs: &[T], a: &[T], n: usize, hd: usize, c: &mut [T]) {
    let steps = a.len() / n;
    for i in 0..n {
        let ci = &mut c[i * hd..(i + 1) * hd];
        ci.fill(T::ZERO);
        for s in 0..steps {
            let w = a[i * steps + s];
            let row = (s * n + i) * hd;
            for (c, &v) in ci.iter_mut().zip(&hs[row..row + hd]) {
                *c += v * w;
            }
        }
    }
}

/// The backward pass of one [`Attention`] step: given `dc` (`N x H`),
/// adds `∂/∂hs` into `dhs` (when `accumulate`, else overwrites it) and
/// writes `∂/∂h` into `dh`. `da` and `ds` are `N x T` scratch.
#[allow(clippy::too_many_arguments)]
fn attention_backward<T: Scalar>(
    hs: &[T],
    h: &[T],
    a: &[T],
    dc: &[T],
    n: usize,
    hd: usize,
    dhs: &mut [T],
    accumulate: bool,
    dh: &mut [T],
    da: &mut [T],
) {
    let steps = a.len() / n;
    for i in 0..n {
        let dci = &dc[i * hd..(i + 1) * hd];
        let hi = &h[i * hd..(i + 1) * hd];
        let ai = &a[i * steps..(i + 1) * steps];
        // WeightSum: da[s] = Σ dc·hs[s].
        let dai = &mut da[i * steps..(i + 1) * steps];
        for (s, d) in dai.iter_mut().enumerate() {
            let row = (s * n + i) * hd;
            *d = dot(dci, &hs[row..row + hd]);
        }
        // Softmax: ds = a·da − a·Σ(a·da).
        let mut sum = T::ZERO;
        for (d, &w) in dai.iter_mut().zip(ai) {
            *d *= w;
            sum += *d;
        }
        for (d, &w) in dai.iter_mut().zip(ai) {
            *d -= w * sum;
        }
        // dhs[s] (+)= dc·a[s] + ds[s]·h; dh = Σ ds[s]·hs[s].
        let dhi = &mut dh[i * hd..(i + 1) * hd];
        dhi.fill(T::ZERO);
        for s in 0..steps {
            let row = (s * n + i) * hd;
            let (w, ds) = (ai[s], dai[s]);
            let hs_s = &hs[row..row + hd];
            let dst = &mut dhs[row..row + hd];
            if accumulate {
                for k in 0..hd {
                    dst[k] += dci[k] * w + ds * hi[k];
                }
            } else {
                for k in 0..hd {
                    dst[k] = dci[k] * w + ds * hi[k];
                }
            }
            for (d, &v) in dhi.iter_mut().zip(hs_s) {
                *d += ds * v;
            }
        }
    }
}

/// The book's `WeightSum`: the context vector `c[i] = Σₛ a[i, s]·hs[s·N + i]`
/// of time-major encoder states `hs` (`T·N x H`) and weights `a` (`N x T`).
///
/// ```
/// use groundup::layers::attention::WeightSum;
/// use groundup::{matrix, Matrix};
/// // N = 1, T = 2: half of each step.
/// let hs = matrix![[2.0f64, 0.0], [0.0, 4.0]];
/// let mut ws = WeightSum::new();
/// assert_eq!(ws.forward(hs.view(), matrix![[0.5, 0.5]].view()), &matrix![[1.0, 2.0]]);
/// let (dhs, da) = ws.backward(matrix![[1.0, 1.0]].view());
/// assert_eq!(dhs, &matrix![[0.5, 0.5], [0.5, 0.5]]);
/// assert_eq!(da, &matrix![[2.0, 4.0]]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct WeightSum<T: Scalar> {
    hs: Matrix<T>,
    a: Matrix<T>,
    c: Matrix<T>,
    dhs: Matrix<T>,
    da: Matrix<T>,
}

impl<T: Scalar> WeightSum<T> {
    /// A layer with empty buffers.
    ///
    /// ```
    /// let _ = groundup::layers::attention::WeightSum::<f32>::new();
    /// ```
    pub fn new() -> Self {
        WeightSum {
            hs: Matrix::zeros(0, 0),
            a: Matrix::zeros(0, 0),
            c: Matrix::zeros(0, 0),
            dhs: Matrix::zeros(0, 0),
            da: Matrix::zeros(0, 0),
        }
    }

    /// `c` (`N x H`) for `hs` (`T·N x H`, time-major) and `a` (`N x T`).
    /// Panics naming the shapes when they do not fit.
    ///
    /// ```
    /// use groundup::layers::attention::WeightSum;
    /// use groundup::Matrix;
    /// let mut ws = WeightSum::<f32>::new();
    /// let c = ws.forward(Matrix::filled(6, 4, 1.0).view(), Matrix::filled(2, 3, 1.0 / 3.0).view());
    /// assert_eq!(c.shape(), (2, 4)); // N = 2 sequences, T = 3 steps, H = 4
    /// ```
    pub fn forward(&mut self, hs: MatrixView<'_, T>, a: MatrixView<'_, T>) -> &Matrix<T> {
        let (n, steps) = a.shape();
        let hd = hs.cols();
        let t = enc_steps("WeightSum.forward", hs.shape(), n, hd);
        assert!(
            t == steps,
            "WeightSum.forward: a {:?} must be (N, T) = ({n}, {t}) for hs {:?}",
            a.shape(),
            hs.shape()
        );
        self.hs.assign(hs);
        self.a.assign(a);
        self.c.resize(n, hd);
        weight_sum_forward(hs.as_slice(), a.as_slice(), n, hd, self.c.as_mut_slice());
        &self.c
    }

    /// `(dhs, da)` for `dc` (`N x H`). Panics before a forward pass or on
    /// another shape.
    ///
    /// ```
    /// use groundup::layers::attention::WeightSum;
    /// use groundup::{matrix, Matrix};
    /// let mut ws = WeightSum::<f64>::new();
    /// ws.forward(Matrix::filled(2, 1, 3.0).view(), matrix![[0.25, 0.75]].view());
    /// let (dhs, da) = ws.backward(matrix![[2.0]].view());
    /// assert_eq!((dhs, da), (&matrix![[0.5], [1.5]], &matrix![[6.0, 6.0]]));
    /// ```
    pub fn backward(&mut self, dc: MatrixView<'_, T>) -> (&Matrix<T>, &Matrix<T>) {
        let (n, steps) = self.a.shape();
        let hd = self.hs.cols();
        assert!(
            dc.shape() == (n, hd) && n > 0,
            "WeightSum.backward: dc {:?} must be the shape of the last output ({n}, {hd})",
            dc.shape()
        );
        self.dhs.resize(steps * n, hd);
        self.da.resize(n, steps);
        let (hs, a, dc) = (self.hs.as_slice(), self.a.as_slice(), dc.as_slice());
        let (dhs, da) = (self.dhs.as_mut_slice(), self.da.as_mut_slice());
        for i in 0..n {
            let dci = &dc[i * hd..(i + 1) * hd];
            for s in 0..steps {
                let row = (s * n + i) * hd;
                let w = a[i * steps + s];
                for (d, &g) in dhs[row..row + hd].iter_mut().zip(dci) {
                    *d = g * w;
                }
                da[i * steps + s] = dot(dci, &hs[row..row + hd]);
            }
        }
        (&self.dhs, &self.da)
    }
}

/// The book's `AttentionWeight`: `a[i] = softmax over s of hs[s·N + i]·h[i]`
/// for time-major encoder states `hs` (`T·N x H`) and a decoder state `h`
/// (`N x H`).
///
/// ```
/// use groundup::layers::attention::AttentionWeight;
/// use groundup::matrix;
/// let hs = matrix![[1.0f64, 0.0], [0.0, 1.0]]; // N = 1, T = 2
/// let mut aw = AttentionWeight::new();
/// let a = aw.forward(hs.view(), matrix![[0.0, 0.0]].view()).clone();
/// assert_eq!(a, matrix![[0.5, 0.5]]); // equal scores
/// let (dhs, dh) = aw.backward(matrix![[1.0, 0.0]].view());
/// assert_eq!(dh, &matrix![[0.25, -0.25]]); // ds = a·(da − a·da) = (0.25, −0.25)
/// assert_eq!(dhs.shape(), (2, 2));
/// ```
#[derive(Clone, Debug, Default)]
pub struct AttentionWeight<T: Scalar> {
    hs: Matrix<T>,
    h: Matrix<T>,
    a: Matrix<T>,
    scores: Matrix<T>,
    dhs: Matrix<T>,
    dh: Matrix<T>,
}

impl<T: Scalar> AttentionWeight<T> {
    /// A layer with empty buffers.
    ///
    /// ```
    /// let _ = groundup::layers::attention::AttentionWeight::<f64>::new();
    /// ```
    pub fn new() -> Self {
        AttentionWeight {
            hs: Matrix::zeros(0, 0),
            h: Matrix::zeros(0, 0),
            a: Matrix::zeros(0, 0),
            scores: Matrix::zeros(0, 0),
            dhs: Matrix::zeros(0, 0),
            dh: Matrix::zeros(0, 0),
        }
    }

    /// The weights `a` (`N x T`). Panics naming the shapes when `hs` is
    /// not whole steps of `h`'s batch and width.
    ///
    /// ```
    /// use groundup::layers::attention::AttentionWeight;
    /// use groundup::Matrix;
    /// let mut aw = AttentionWeight::<f32>::new();
    /// let a = aw.forward(Matrix::filled(6, 4, 0.1).view(), Matrix::filled(2, 4, 1.0).view());
    /// assert_eq!(a.shape(), (2, 3));
    /// assert!((a.row(0).iter().sum::<f32>() - 1.0).abs() < 1e-6);
    /// ```
    pub fn forward(&mut self, hs: MatrixView<'_, T>, h: MatrixView<'_, T>) -> &Matrix<T> {
        let (n, hd) = h.shape();
        let steps = enc_steps("AttentionWeight.forward", hs.shape(), n, hd);
        self.hs.assign(hs);
        self.h.assign(h);
        self.a.resize(n, steps);
        self.scores.resize(n, steps);
        weights_forward(
            hs.as_slice(),
            h.as_slice(),
            n,
            hd,
            self.a.as_mut_slice(),
            self.scores.as_mut_slice(),
        );
        &self.a
    }

    /// `(dhs, dh)` for `da` (`N x T`). Panics before a forward pass or on
    /// another shape.
    ///
    /// ```
    /// use groundup::layers::attention::AttentionWeight;
    /// use groundup::Matrix;
    /// let mut aw = AttentionWeight::<f64>::new();
    /// aw.forward(Matrix::filled(4, 2, 1.0).view(), Matrix::filled(2, 2, 1.0).view());
    /// // A gradient equal on every weight moves nothing (the weights sum to 1).
    /// let (dhs, dh) = aw.backward(Matrix::filled(2, 2, 1.0).view());
    /// assert!(dhs.iter().chain(dh.iter()).all(|&g| g.abs() < 1e-15));
    /// ```
    pub fn backward(&mut self, da: MatrixView<'_, T>) -> (&Matrix<T>, &Matrix<T>) {
        let (n, steps) = self.a.shape();
        let hd = self.h.cols();
        assert!(
            da.shape() == (n, steps) && n > 0,
            "AttentionWeight.backward: da {:?} must be the shape of the last output ({n}, {steps})",
            da.shape()
        );
        self.dhs.resize(steps * n, hd);
        self.dh.resize(n, hd);
        let (hs, h, a) = (self.hs.as_slice(), self.h.as_slice(), self.a.as_slice());
        let (dhs, dh) = (self.dhs.as_mut_slice(), self.dh.as_mut_slice());
        let ds = self.scores.as_mut_slice();
        for i in 0..n {
            let ai = &a[i * steps..(i + 1) * steps];
            let di = &mut ds[i * steps..(i + 1) * steps];
            let mut sum = T::ZERO;
            for ((d, &w), &g) in di.iter_mut().zip(ai).zip(da.row(i)) {
                *d = w * g;
                sum += *d;
            }
            for (d, &w) in di.iter_mut().zip(ai) {
                *d -= w * sum;
            }
            let hi = &h[i * hd..(i + 1) * hd];
            let dhi = &mut dh[i * hd..(i + 1) * hd];
            dhi.fill(T::ZERO);
            for (s, &d) in di.iter().enumerate() {
                let row = (s * n + i) * hd;
                for (o, &x) in dhs[row..row + hd].iter_mut().zip(hi) {
                    *o = d * x;
                }
                for (o, &v) in dhi.iter_mut().zip(&hs[row..row + hd]) {
                    *o += d * v;
                }
            }
        }
        (&self.dhs, &self.dh)
    }
}

/// The book's `Attention`: [`AttentionWeight`] then [`WeightSum`], the
/// context vector `c` (`N x H`) of a decoder state `h` over time-major
/// encoder states `hs` (`T·N x H`).
///
/// ```
/// use groundup::layers::attention::Attention;
/// use groundup::Matrix;
/// let mut att = Attention::<f32>::new();
/// let c = att.forward(Matrix::filled(6, 4, 0.5).view(), Matrix::filled(2, 4, 1.0).view());
/// assert_eq!(c, &Matrix::filled(2, 4, 0.5)); // equal states: any weights give 0.5
/// assert_eq!(att.attention_weight().shape(), (2, 3));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Attention<T: Scalar> {
    hs: Matrix<T>,
    h: Matrix<T>,
    a: Matrix<T>,
    scratch: Matrix<T>,
    c: Matrix<T>,
    dhs: Matrix<T>,
    dh: Matrix<T>,
}

impl<T: Scalar> Attention<T> {
    /// A layer with empty buffers.
    ///
    /// ```
    /// let _ = groundup::layers::attention::Attention::<f64>::new();
    /// ```
    pub fn new() -> Self {
        Attention {
            hs: Matrix::zeros(0, 0),
            h: Matrix::zeros(0, 0),
            a: Matrix::zeros(0, 0),
            scratch: Matrix::zeros(0, 0),
            c: Matrix::zeros(0, 0),
            dhs: Matrix::zeros(0, 0),
            dh: Matrix::zeros(0, 0),
        }
    }

    /// The context `c` (`N x H`). Panics naming the shapes when `hs` is not
    /// whole steps of `h`'s batch and width.
    ///
    /// ```
    /// use groundup::layers::attention::Attention;
    /// use groundup::matrix;
    /// let mut att = Attention::<f64>::new();
    /// // N = 1, T = 2, H = 1: scores 2·1 and 2·(−1), weights softmax(2, −2).
    /// let c = att.forward(matrix![[1.0], [-1.0]].view(), matrix![[2.0]].view())[(0, 0)];
    /// let w0 = 1.0 / (1.0 + (-4f64).exp());
    /// assert!((c - (w0 - (1.0 - w0))).abs() < 1e-12);
    /// ```
    pub fn forward(&mut self, hs: MatrixView<'_, T>, h: MatrixView<'_, T>) -> &Matrix<T> {
        let (n, hd) = h.shape();
        let steps = enc_steps("Attention.forward", hs.shape(), n, hd);
        self.hs.assign(hs);
        self.h.assign(h);
        self.a.resize(n, steps);
        self.scratch.resize(n, steps);
        self.c.resize(n, hd);
        weights_forward(
            hs.as_slice(),
            h.as_slice(),
            n,
            hd,
            self.a.as_mut_slice(),
            self.scratch.as_mut_slice(),
        );
        weight_sum_forward(
            hs.as_slice(),
            self.a.as_slice(),
            n,
            hd,
            self.c.as_mut_slice(),
        );
        &self.c
    }

    /// The weights of the last forward pass (`N x T`; the book's
    /// `attention_weight`).
    ///
    /// ```
    /// use groundup::layers::attention::Attention;
    /// use groundup::Matrix;
    /// let mut att = Attention::<f64>::new();
    /// att.forward(Matrix::zeros(3, 2).view(), Matrix::zeros(1, 2).view());
    /// assert_eq!(att.attention_weight(), &Matrix::filled(1, 3, 1.0 / 3.0));
    /// ```
    pub fn attention_weight(&self) -> &Matrix<T> {
        &self.a
    }

    /// `(dhs, dh)` for `dc` (`N x H`): the gradients into the encoder
    /// states (both paths, summed) and into the decoder state. Panics
    /// before a forward pass or on another shape.
    ///
    /// ```
    /// use groundup::layers::attention::Attention;
    /// use groundup::Matrix;
    /// let mut att = Attention::<f64>::new();
    /// att.forward(Matrix::zeros(3, 2).view(), Matrix::zeros(1, 2).view());
    /// let (dhs, _) = att.backward(Matrix::filled(1, 2, 3.0).view());
    /// assert_eq!(dhs, &Matrix::filled(3, 2, 1.0)); // dc·a with a = 1/3; the softmax path is 0
    /// ```
    pub fn backward(&mut self, dc: MatrixView<'_, T>) -> (&Matrix<T>, &Matrix<T>) {
        let (n, steps) = self.a.shape();
        let hd = self.h.cols();
        assert!(
            dc.shape() == (n, hd) && n > 0,
            "Attention.backward: dc {:?} must be the shape of the last output ({n}, {hd})",
            dc.shape()
        );
        self.dhs.resize(steps * n, hd);
        self.dh.resize(n, hd);
        attention_backward(
            self.hs.as_slice(),
            self.h.as_slice(),
            self.a.as_slice(),
            dc.as_slice(),
            n,
            hd,
            self.dhs.as_mut_slice(),
            false,
            self.dh.as_mut_slice(),
            self.scratch.as_mut_slice(),
        );
        (&self.dhs, &self.dh)
    }
}

/// The book's `TimeAttention`: an [`Attention`] for every decoder step.
/// `forward(hs_enc, hs_dec)` takes the encoder's states (`Tₑ·N x H`) and
/// the decoder's (`T_d·N x H`), both time-major, and returns one context
/// vector per decoder step (`T_d·N x H`, time-major); `backward` returns
/// the gradients into both.
///
/// The encoder states are kept once, not once per step.
///
/// ```
/// use groundup::layers::attention::TimeAttention;
/// use groundup::Matrix;
/// let mut att = TimeAttention::<f32>::new();
/// // N = 2 sequences, 5 encoder steps, 3 decoder steps, H = 4.
/// let out = att.forward(Matrix::filled(10, 4, 1.0).view(), Matrix::filled(6, 4, 0.5).view(), 2);
/// assert_eq!(out.shape(), (6, 4));
/// assert_eq!(att.attention_weights().shape(), (6, 5)); // row t·N + n: step t of sequence n
/// let (denc, ddec) = att.backward(Matrix::filled(6, 4, 1.0).view());
/// assert_eq!((denc.shape(), ddec.shape()), ((10, 4), (6, 4)));
/// ```
#[derive(Clone, Debug, Default)]
pub struct TimeAttention<T: Scalar> {
    batch: usize,
    hs_enc: Matrix<T>,
    hs_dec: Matrix<T>,
    /// The weights of every step: `T_d·N x Tₑ`, time-major.
    a: Matrix<T>,
    scratch: Matrix<T>,
    out: Matrix<T>,
    dhs_enc: Matrix<T>,
    dhs_dec: Matrix<T>,
}

impl<T: Scalar> TimeAttention<T> {
    /// A layer with empty buffers.
    ///
    /// ```
    /// let _ = groundup::layers::attention::TimeAttention::<f64>::new();
    /// ```
    pub fn new() -> Self {
        TimeAttention {
            batch: 0,
            hs_enc: Matrix::zeros(0, 0),
            hs_dec: Matrix::zeros(0, 0),
            a: Matrix::zeros(0, 0),
            scratch: Matrix::zeros(0, 0),
            out: Matrix::zeros(0, 0),
            dhs_enc: Matrix::zeros(0, 0),
            dhs_dec: Matrix::zeros(0, 0),
        }
    }

    /// The context vectors of every decoder step (`T_d·N x H`) for a
    /// batch of `batch` sequences (the book reads `N` from its 3-D arrays;
    /// a time-major matrix needs it given, as [`TimeLstm::forward`](super::time::TimeLstm::forward)). Panics naming the shapes when the rows
    /// are not whole steps or the widths differ.
    ///
    /// ```
    /// use groundup::layers::attention::{Attention, TimeAttention};
    /// use groundup::Matrix;
    /// let enc = Matrix::from_fn(6, 2, |i, j| (i as f64 - j as f64) * 0.3);
    /// let dec = Matrix::from_fn(4, 2, |i, j| (i + j) as f64 * 0.2);
    /// let mut att = TimeAttention::new();
    /// let out = att.forward(enc.view(), dec.view(), 2).clone();
    /// // Step 1 equals one Attention on the decoder's rows 2..4.
    /// let mut one = Attention::new();
    /// assert_eq!(one.forward(enc.view(), dec.rows_view(2..4)).as_slice(), &out.as_slice()[4..8]);
    /// ```
    pub fn forward(
        &mut self,
        hs_enc: MatrixView<'_, T>,
        hs_dec: MatrixView<'_, T>,
        batch: usize,
    ) -> &Matrix<T> {
        let hd = hs_dec.cols();
        let enc = enc_steps("TimeAttention.forward (hs_enc)", hs_enc.shape(), batch, hd);
        let dec = enc_steps("TimeAttention.forward (hs_dec)", hs_dec.shape(), batch, hd);
        self.batch = batch;
        self.hs_enc.assign(hs_enc);
        self.hs_dec.assign(hs_dec);
        self.a.resize(dec * batch, enc);
        self.scratch.resize(batch, enc);
        self.out.resize(dec * batch, hd);
        let block = batch * hd;
        let weights = batch * enc;
        for t in 0..dec {
            let h = &hs_dec.as_slice()[t * block..(t + 1) * block];
            let a = &mut self.a.as_mut_slice()[t * weights..(t + 1) * weights];
            weights_forward(
                hs_enc.as_slice(),
                h,
                batch,
                hd,
                a,
                self.scratch.as_mut_slice(),
            );
            let c = &mut self.out.as_mut_slice()[t * block..(t + 1) * block];
            weight_sum_forward(hs_enc.as_slice(), a, batch, hd, c);
        }
        &self.out
    }

    /// The attention weights of the last forward pass, `T_d·N x Tₑ`
    /// time-major: row `t·N + n` is decoder step `t` of sequence `n` over
    /// the encoder steps (the book's `attention_weights`, a list of `N x Tₑ`
    /// arrays, one per decoder step).
    ///
    /// ```
    /// use groundup::layers::attention::TimeAttention;
    /// use groundup::Matrix;
    /// let mut att = TimeAttention::<f64>::new();
    /// att.forward(Matrix::zeros(4, 3).view(), Matrix::zeros(6, 3).view(), 2);
    /// assert_eq!(att.attention_weights(), &Matrix::filled(6, 2, 0.5));
    /// ```
    pub fn attention_weights(&self) -> &Matrix<T> {
        &self.a
    }

    /// `(dhs_enc, dhs_dec)` for `dout` (`T_d·N x H`): the encoder states'
    /// gradient summed over the decoder steps (in step order, as the book),
    /// and the decoder states' per step. Panics before a forward pass or on
    /// another shape.
    ///
    /// ```
    /// use groundup::layers::attention::TimeAttention;
    /// use groundup::Matrix;
    /// let mut att = TimeAttention::<f64>::new();
    /// att.forward(Matrix::zeros(4, 3).view(), Matrix::zeros(2, 3).view(), 2);
    /// let (denc, _) = att.backward(Matrix::filled(2, 3, 1.0).view());
    /// assert_eq!(denc, &Matrix::filled(4, 3, 0.5)); // dout·a, a = 1/2
    /// ```
    pub fn backward(&mut self, dout: MatrixView<'_, T>) -> (&Matrix<T>, &Matrix<T>) {
        let n = self.batch;
        let (rows, hd) = self.hs_dec.shape();
        assert!(
            dout.shape() == (rows, hd) && n > 0,
            "TimeAttention.backward: dout {:?} must be the shape of the last output ({rows}, {hd})",
            dout.shape()
        );
        let dec = rows / n;
        let enc = self.hs_enc.rows() / n;
        self.dhs_enc.resize(enc * n, hd);
        self.dhs_dec.resize(rows, hd);
        let block = n * hd;
        let weights = n * enc;
        for t in 0..dec {
            attention_backward(
                self.hs_enc.as_slice(),
                &self.hs_dec.as_slice()[t * block..(t + 1) * block],
                &self.a.as_slice()[t * weights..(t + 1) * weights],
                &dout.as_slice()[t * block..(t + 1) * block],
                n,
                hd,
                self.dhs_enc.as_mut_slice(),
                t > 0,
                &mut self.dhs_dec.as_mut_slice()[t * block..(t + 1) * block],
                self.scratch.as_mut_slice(),
            );
        }
        (&self.dhs_enc, &self.dhs_dec)
    }
}
