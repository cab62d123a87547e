//! Loss layers and the book's `common/functions.py`.

use super::Targets;
use crate::matrix::{pairwise_sum, Matrix, MatrixView};
use crate::scalar::Scalar;

/// The `1e-7` the book adds inside the logarithm of the cross-entropy
/// (`log(y + 1e-7)`), so a probability of exactly 0 gives a large finite
/// loss instead of infinity. Kept for numpy-exact losses.
///
/// ```
/// use groundup::layers::{cross_entropy_error, Targets, LOG_EPSILON};
/// use groundup::matrix;
/// // The target class has probability 0: the loss is -ln(1e-7), not infinity.
/// let y = matrix![[1.0f64, 0.0]];
/// let loss = cross_entropy_error(y.view(), Targets::Indices(&[1]));
/// assert_eq!(loss, -LOG_EPSILON.ln());
/// assert!((loss - 16.118).abs() < 1e-3);
/// ```
pub const LOG_EPSILON: f64 = 1e-7;

/// Row-wise softmax in place: each row has its maximum subtracted, is
/// exponentiated and divided by its (numpy pairwise) sum, exactly as the
/// book's `softmax` does for 2-D input.
///
/// ```
/// use groundup::layers::softmax_rows;
/// use groundup::Matrix;
/// let mut s = Matrix::from_vec(1, 2, vec![0.0f64, 0.0]).unwrap();
/// softmax_rows(&mut s);
/// assert_eq!(s.as_slice(), &[0.5, 0.5]);
/// ```
pub fn softmax_rows<T: Scalar>(x: &mut Matrix<T>) {
    let cols = x.cols();
    softmax_rows_of(x.as_mut_slice(), None, cols, None);
}

/// [`softmax_rows`] of `x` written to `out` (resized to `x`'s shape): the
/// copy is the pass that subtracts each row's maximum, not a pass of its own.
/// With a `divisors` buffer (kept by the caller, so it allocates once) the
/// divisions by the row sums run at the kernel's vector width.
pub(crate) fn softmax_rows_into<T: Scalar>(
    x: MatrixView<'_, T>,
    out: &mut Matrix<T>,
    divisors: Option<&mut Vec<T>>,
) {
    out.resize(x.rows(), x.cols());
    softmax_rows_of(out.as_mut_slice(), Some(x.as_slice()), x.cols(), divisors);
}

/// Row-wise softmax of `src` (or of `data` itself) into `data`, rows of
/// `cols` elements.
fn softmax_rows_of<T: Scalar>(
    data: &mut [T],
    src: Option<&[T]>,
    cols: usize,
    divisors: Option<&mut Vec<T>>,
) {
    // A few classes (the spiral's three) get loops of a fixed length, which
    // unroll: the per-row loop overhead was most of the cost.
    match cols {
        0 => {}
        2 => softmax_rows_fixed(data, src, 2, divisors),
        3 => softmax_rows_fixed(data, src, 3, divisors),
        4 => softmax_rows_fixed(data, src, 4, divisors),
        _ => softmax_rows_fixed(data, src, cols, divisors),
    }
}

/// [`softmax_rows_of`] for `cols > 0`; inlined into each arm there so that
/// a constant `cols` specializes it.
#[inline(always)]
fn softmax_rows_fixed<T: Scalar>(
    data: &mut [T],
    src: Option<&[T]>,
    cols: usize,
    divisors: Option<&mut Vec<T>>,
) {
    let row_max = |row: &[T]| row.iter().fold(row[0], |m, &v| m.max_nan(v));
    match src {
        Some(src) => {
            for (out, row) in data.chunks_exact_mut(cols).zip(src.chunks_exact(cols)) {
                let max = row_max(row);
                for (o, &v) in out.iter_mut().zip(row) {
                    *o = v - max;
                }
            }
        }
        None => {
            for row in data.chunks_exact_mut(cols) {
                let max = row_max(row);
                for v in row.iter_mut() {
                    *v -= max;
                }
            }
        }
    }
    // One call over the whole matrix: rows are often narrower than a vector.
    T::exp_in_place(data);
    match divisors {
        // Each element over its row's sum, as one vector pass over the
        // whole matrix (the divisions were most of this function's time).
        Some(ds) => {
            // Sized once, then written row by row (no capacity check per
            // push).
            ds.resize(data.len(), T::ZERO);
            for (row, d) in data.chunks_exact(cols).zip(ds.chunks_exact_mut(cols)) {
                d.fill(pairwise_sum(row));
            }
            T::div_elementwise(crate::gemm::Config::current().kernel, data, ds);
        }
        None => {
            for row in data.chunks_exact_mut(cols) {
                let sum = pairwise_sum(row);
                for v in row.iter_mut() {
                    *v /= sum;
                }
            }
        }
    }
}

/// The book's `cross_entropy_error(y, t)`: `-Σ_i log(y[i, t_i] + 1e-7) / batch`
/// for probabilities `y` (rows sum to 1), summed in numpy's pairwise order.
/// Panics if the targets do not fit `y` (see [`SoftmaxWithLoss`]).
///
/// ```
/// use groundup::layers::{cross_entropy_error, Targets};
/// use groundup::Matrix;
/// let y = Matrix::from_vec(1, 2, vec![0.5f64, 0.5]).unwrap();
/// let loss = cross_entropy_error(y.view(), Targets::Indices(&[1]));
/// assert!((loss - (2.0f64).ln()).abs() < 1e-6);
/// ```
pub fn cross_entropy_error<T: Scalar>(y: MatrixView<'_, T>, t: Targets<'_, T>) -> T {
    if let Err(e) = check_targets("cross_entropy_error", y.shape(), &t) {
        panic!("{e}");
    }
    let mut logs: Vec<T> = (0..y.rows())
        .map(|i| y[(i, t.class(i))] + T::from_f64(LOG_EPSILON))
        .collect();
    T::ln_in_place(&mut logs);
    -pairwise_sum(&logs) / T::from_usize(y.rows())
}

fn check_targets<T: Scalar>(
    layer: &str,
    scores: (usize, usize),
    t: &Targets<'_, T>,
) -> crate::Result<()> {
    let bad = |msg: String| Err(crate::Error::InvalidArgument(msg));
    match t.flat() {
        Targets::Sequences(s) => bad(format!(
            "{layer}.forward: the targets are sequences of {} ids per row; this loss takes one class per row",
            s.cols()
        )),
        Targets::OneHot(m) if m.shape() != scores => bad(format!(
            "{layer}.forward: one-hot target shape ({}, {}) differs from score shape ({}, {})",
            m.rows(),
            m.cols(),
            scores.0,
            scores.1
        )),
        Targets::OneHot(_) => Ok(()),
        Targets::Indices(idx) if idx.len() != scores.0 => bad(format!(
            "{layer}.forward: {} target indices for a score batch of shape ({}, {})",
            idx.len(),
            scores.0,
            scores.1
        )),
        Targets::Indices(idx) => match idx.iter().enumerate().find(|(_, &c)| c >= scores.1) {
            Some((row, &c)) => bad(format!(
                "{layer}.forward: target class {c} at row {row} is out of range for {} classes (score shape ({}, {}))",
                scores.1, scores.0, scores.1
            )),
            None => Ok(()),
        },
    }
}

/// A loss layer: scores and targets in, a scalar loss out; backward gives
/// ∂loss/∂scores.
///
/// ```
/// use groundup::layers::{LossLayer, SigmoidWithLoss, SoftmaxWithLoss, Targets};
/// use groundup::Matrix;
/// // Both of the book's losses behind one interface.
/// let mut losses: Vec<(Box<dyn LossLayer<f64>>, Matrix<f64>)> = vec![
///     (Box::new(SoftmaxWithLoss::new()), Matrix::zeros(2, 2)),
///     (Box::new(SigmoidWithLoss::new()), Matrix::zeros(2, 1)),
/// ];
/// for (loss, scores) in &mut losses {
///     let l = loss.forward(scores.view(), Targets::Indices(&[0, 1]));
///     assert!((l - 2f64.ln()).abs() < 1e-6, "{}", loss.name()); // both guess 50/50
///     assert_eq!(loss.backward(1.0).shape(), scores.shape());
/// }
/// ```
pub trait LossLayer<T: Scalar>: Send {
    /// The layer's name in messages.
    ///
    /// ```
    /// use groundup::layers::{LossLayer, SigmoidWithLoss, SoftmaxWithLoss};
    /// assert_eq!(SoftmaxWithLoss::<f64>::new().name(), "SoftmaxWithLoss");
    /// assert_eq!(SigmoidWithLoss::<f32>::new().name(), "SigmoidWithLoss");
    /// ```
    fn name(&self) -> &'static str;
    /// The mean loss over the batch. It may be NaN or infinite when the
    /// scores are; callers that train check [`Scalar::is_finite`] (the
    /// [`Trainer`](crate::train::Trainer) stops with an error).
    ///
    /// ```
    /// use groundup::layers::{LossLayer, SoftmaxWithLoss, Targets};
    /// use groundup::matrix;
    /// // Scores (0, ln 3) are the probabilities (0.25, 0.75); the target is class 1.
    /// let mut loss = SoftmaxWithLoss::new();
    /// let l = loss.forward(matrix![[0.0f64, 3f64.ln()]].view(), Targets::Indices(&[1]));
    /// assert!((l + 0.75f64.ln()).abs() < 1e-6);
    /// ```
    fn forward(&mut self, scores: MatrixView<'_, T>, t: Targets<'_, T>) -> T;
    /// Checks that targets `t` fit scores of shape `scores`: row counts,
    /// one-hot widths, class indices in range (0/1 labels for a sigmoid).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming the
    /// offending row and value, the message [`forward`](LossLayer::forward)
    /// panics with.
    ///
    /// ```
    /// use groundup::layers::{LossLayer, SigmoidWithLoss, Targets};
    /// let loss = SigmoidWithLoss::<f64>::new();
    /// assert!(loss.validate((3, 1), &Targets::Indices(&[0, 1, 1])).is_ok());
    /// let err = loss.validate((3, 1), &Targets::Indices(&[0, 1, 2])).unwrap_err();
    /// assert!(err.to_string().contains("target class 2 at row 2 is not 0 or 1"), "{err}");
    /// let err = loss.validate((3, 2), &Targets::Indices(&[0, 1, 1])).unwrap_err();
    /// assert!(err.to_string().contains("scores must have one column"), "{err}");
    /// ```
    fn validate(&self, scores: (usize, usize), t: &Targets<'_, T>) -> crate::Result<()>;
    /// [`forward`](LossLayer::forward) for targets that come from user
    /// data: an error instead of a panic when they do not fit.
    ///
    /// ```
    /// use groundup::layers::{LossLayer, SoftmaxWithLoss, Targets};
    /// use groundup::Matrix;
    /// let mut loss = SoftmaxWithLoss::<f64>::new();
    /// let scores = Matrix::zeros(2, 3);
    /// let err = loss.try_forward(scores.view(), Targets::Indices(&[0, 7])).unwrap_err();
    /// assert!(err.to_string().contains("target class 7 at row 1"));
    /// assert!(loss.try_forward(scores.view(), Targets::Indices(&[0, 2])).is_ok());
    /// ```
    fn try_forward(&mut self, scores: MatrixView<'_, T>, t: Targets<'_, T>) -> crate::Result<T> {
        self.validate(scores.shape(), &t)?;
        Ok(self.forward(scores, t))
    }
    /// ∂(dout·loss)/∂scores for the last forward pass. (The book's
    /// backward ignores the `1e-7` inside the logarithm, so it is the exact
    /// gradient of the loss with that epsilon set to 0; see
    /// [`LossLayer::set_log_epsilon`].)
    ///
    /// ```
    /// use groundup::layers::{LossLayer, SoftmaxWithLoss, Targets};
    /// use groundup::matrix;
    /// let mut loss = SoftmaxWithLoss::new();
    /// loss.forward(matrix![[0.0f64, 3f64.ln()]].view(), Targets::Indices(&[1]));
    /// // (y − onehot(t))·dout / batch = (0.25, 0.75 − 1)
    /// let dx = loss.backward(1.0).clone();
    /// assert!((dx[(0, 0)] - 0.25).abs() < 1e-12 && (dx[(0, 1)] + 0.25).abs() < 1e-12);
    /// // dout scales the gradient.
    /// assert!((loss.backward(2.0)[(0, 0)] - 0.5).abs() < 1e-12);
    /// ```
    fn backward(&mut self, dout: T) -> &Matrix<T>;
    /// Replaces the book's [`LOG_EPSILON`] inside the logarithm (0 makes
    /// `backward` the exact gradient, which gradient checks need).
    ///
    /// ```
    /// use groundup::layers::{LossLayer, SoftmaxWithLoss, Targets};
    /// use groundup::Matrix;
    /// use std::f64::consts::LN_2;
    /// let scores = Matrix::<f64>::zeros(1, 2); // probabilities (0.5, 0.5)
    /// let t = Targets::Indices(&[0]);
    /// let mut book = SoftmaxWithLoss::new();
    /// let mut exact = SoftmaxWithLoss::new();
    /// exact.set_log_epsilon(0.0);
    /// assert!(book.forward(scores.view(), t) < LN_2); // -ln(0.5 + 1e-7)
    /// assert_eq!(exact.forward(scores.view(), t), LN_2); // -ln(0.5)
    /// ```
    fn set_log_epsilon(&mut self, eps: f64);
}

/// Softmax followed by the cross-entropy error, the book's
/// `SoftmaxWithLoss`.
///
/// - forward: `y = softmax(scores)` (row max subtracted first), loss
///   `-Σ log(y[i, t_i] + 1e-7) / batch` (see [`LOG_EPSILON`]);
/// - backward: `dx = (y − onehot(t))·dout / batch`.
///
/// Targets may be one-hot rows (their argmax is the class, as in the book) or
/// class indices; both give the same loss. Panics naming the shapes when the
/// targets do not fit the scores (row count, one-hot width, an index ≥ the
/// number of classes).
///
/// ```
/// use groundup::layers::{LossLayer, SoftmaxWithLoss, Targets};
/// use groundup::Matrix;
/// let scores = Matrix::from_vec(2, 2, vec![0.0f64, 0.0, 10.0, -10.0]).unwrap();
/// let one_hot = Matrix::from_vec(2, 2, vec![1.0, 0.0, 1.0, 0.0]).unwrap();
/// let mut a = SoftmaxWithLoss::new();
/// let mut b = SoftmaxWithLoss::new();
/// let la = a.forward(scores.view(), Targets::OneHot(one_hot.view()));
/// let lb = b.forward(scores.view(), Targets::Indices(&[0, 0]));
/// assert_eq!(la, lb);
/// assert_eq!(a.backward(1.0), b.backward(1.0));
/// ```
#[derive(Clone, Debug, Default)]
pub struct SoftmaxWithLoss<T: Scalar> {
    log_epsilon: Option<f64>,
    y: Matrix<T>,
    classes: Vec<usize>,
    logs: Vec<T>,
    /// Each probability's row sum, for the vector division.
    divisors: Vec<T>,
    dx: Matrix<T>,
}

impl<T: Scalar> SoftmaxWithLoss<T> {
    /// A new loss layer.
    ///
    /// ```
    /// use groundup::layers::{LossLayer, SoftmaxWithLoss, Targets};
    /// use groundup::Matrix;
    /// let mut loss = SoftmaxWithLoss::<f32>::new();
    /// // Four equal scores: a uniform guess, loss ln 4.
    /// let l = loss.forward(Matrix::zeros(3, 4).view(), Targets::Indices(&[0, 1, 3]));
    /// assert!((l - 4f32.ln()).abs() < 1e-5);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
    /// The softmax probabilities of the last forward pass.
    ///
    /// ```
    /// use groundup::layers::{LossLayer, SoftmaxWithLoss, Targets};
    /// use groundup::matrix;
    /// let mut loss = SoftmaxWithLoss::new();
    /// let scores = matrix![[0.0f64, 3f64.ln()], [5.0, 5.0]];
    /// loss.forward(scores.view(), Targets::Indices(&[1, 0]));
    /// let y = loss.probabilities();
    /// assert!((y[(0, 1)] - 0.75).abs() < 1e-12);
    /// assert_eq!(y.row(1), &[0.5, 0.5]);
    /// ```
    pub fn probabilities(&self) -> &Matrix<T> {
        &self.y
    }
}

impl<T: Scalar> LossLayer<T> for SoftmaxWithLoss<T> {
    fn name(&self) -> &'static str {
        "SoftmaxWithLoss"
    }
    fn validate(&self, scores: (usize, usize), t: &Targets<'_, T>) -> crate::Result<()> {
        check_targets("SoftmaxWithLoss", scores, t)
    }
    fn forward(&mut self, scores: MatrixView<'_, T>, t: Targets<'_, T>) -> T {
        if let Err(e) = self.validate(scores.shape(), &t) {
            panic!("{e}");
        }
        softmax_rows_into(scores, &mut self.y, Some(&mut self.divisors));
        let n = scores.rows();
        t.classes_into(&mut self.classes);
        let eps = T::from_f64(self.log_epsilon.unwrap_or(LOG_EPSILON));
        // `classes` has one entry per row and each is below `cols` (checked
        // by `validate`), so `row[c]` is in range.
        self.logs.resize(n, T::ZERO);
        let cols = scores.cols();
        assert!(
            cols > 0 || n == 0,
            "SoftmaxWithLoss.forward: scores of shape ({n}, 0) have no classes"
        );
        for ((log, row), &c) in self
            .logs
            .iter_mut()
            .zip(self.y.as_slice().chunks_exact(cols.max(1)))
            .zip(&self.classes)
        {
            *log = row[c] + eps;
        }
        T::ln_in_place(&mut self.logs);
        -pairwise_sum(&self.logs) / T::from_usize(n)
    }
    fn set_log_epsilon(&mut self, eps: f64) {
        self.log_epsilon = Some(eps);
    }
    fn backward(&mut self, dout: T) -> &Matrix<T> {
        let (n, cols) = self.y.shape();
        self.dx.assign(self.y.view());
        let batch = T::from_usize(n);
        if cols > 0 {
            for (row, &c) in self
                .dx
                .as_mut_slice()
                .chunks_exact_mut(cols)
                .zip(&self.classes)
            {
                row[c] -= T::ONE;
            }
            // `dx *= dout; dx = dx / batch_size` in one flat pass (rows are
            // often narrower than a vector), at the kernel's vector width.
            let kernel = crate::gemm::Config::current().kernel;
            T::mul_div_assign(kernel, self.dx.as_mut_slice(), dout, batch);
        }
        &self.dx
    }
}

/// Sigmoid followed by the binary cross-entropy, the book's
/// `SigmoidWithLoss`: scores are `batch x 1`; targets are indices 0/1, a
/// `batch x 1` matrix of 0/1 labels, or `batch x 2` one-hot rows.
/// Loss `-Σ log(p_i + 1e-7) / batch` with `p_i = y_i` for label 1 and
/// `1 − y_i` for label 0; backward `dx = (y − t)·dout / batch`.
///
/// ```
/// use groundup::layers::{LossLayer, SigmoidWithLoss, Targets};
/// use groundup::{matrix, Matrix};
/// let scores = Matrix::<f64>::zeros(2, 1); // sigmoid(0) = 0.5 on both rows
/// let labels = matrix![[1.0], [0.0]];
/// let one_hot = matrix![[0.0, 1.0], [1.0, 0.0]];
/// let mut loss = SigmoidWithLoss::new();
/// // The three forms of the same targets give the same loss.
/// let l = loss.forward(scores.view(), Targets::Indices(&[1, 0]));
/// assert_eq!(loss.forward(scores.view(), Targets::OneHot(labels.view())), l);
/// assert_eq!(loss.forward(scores.view(), Targets::OneHot(one_hot.view())), l);
/// assert!((l - 2f64.ln()).abs() < 1e-6);
/// assert_eq!(loss.backward(1.0), &matrix![[-0.25], [0.25]]); // (y − t) / batch
/// ```
#[derive(Clone, Debug, Default)]
pub struct SigmoidWithLoss<T: Scalar> {
    log_epsilon: Option<f64>,
    y: Matrix<T>,
    labels: Vec<T>,
    logs: Vec<T>,
    dx: Matrix<T>,
}

impl<T: Scalar> SigmoidWithLoss<T> {
    /// A new loss layer.
    ///
    /// ```
    /// use groundup::layers::{LossLayer, SigmoidWithLoss, Targets};
    /// use groundup::matrix;
    /// let mut loss = SigmoidWithLoss::new();
    /// // A confident right answer costs almost nothing, a confident wrong one a lot.
    /// let right = loss.forward(matrix![[10.0f64]].view(), Targets::Indices(&[1]));
    /// let wrong = loss.forward(matrix![[10.0f64]].view(), Targets::Indices(&[0]));
    /// assert!(right < 1e-4 && wrong > 9.0);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

impl<T: Scalar> LossLayer<T> for SigmoidWithLoss<T> {
    fn name(&self) -> &'static str {
        "SigmoidWithLoss"
    }
    fn validate(&self, (n, cols): (usize, usize), t: &Targets<'_, T>) -> crate::Result<()> {
        let bad = |msg: String| Err(crate::Error::InvalidArgument(msg));
        if cols != 1 {
            return bad(format!(
                "SigmoidWithLoss.forward: scores must have one column, got shape ({n}, {cols})"
            ));
        }
        if t.len() != n {
            return bad(format!(
                "SigmoidWithLoss.forward: {} targets for a score batch of shape ({n}, 1)",
                t.len()
            ));
        }
        match t.flat() {
            Targets::Sequences(s) => {
                return bad(format!(
                    "SigmoidWithLoss.forward: the targets are sequences of {} ids per row, not one label",
                    s.cols()
                ));
            }
            Targets::OneHot(m) if m.cols() == 1 => {
                if let Some((i, &v)) = m
                    .as_slice()
                    .iter()
                    .enumerate()
                    .find(|(_, &v)| v != T::ZERO && v != T::ONE)
                {
                    return bad(format!(
                        "SigmoidWithLoss.forward: label {v} at row {i} is not 0 or 1"
                    ));
                }
            }
            Targets::OneHot(m) if m.cols() != 2 => {
                return bad(format!(
                    "SigmoidWithLoss.forward: one-hot targets must be ({n}, 2) or ({n}, 1), got ({}, {})",
                    m.rows(),
                    m.cols()
                ));
            }
            Targets::OneHot(_) => {}
            Targets::Indices(idx) => {
                if let Some((i, &c)) = idx.iter().enumerate().find(|(_, &c)| c > 1) {
                    return bad(format!(
                        "SigmoidWithLoss.forward: target class {c} at row {i} is not 0 or 1"
                    ));
                }
            }
        }
        Ok(())
    }
    fn forward(&mut self, scores: MatrixView<'_, T>, t: Targets<'_, T>) -> T {
        if let Err(e) = self.validate(scores.shape(), &t) {
            panic!("{e}");
        }
        let n = scores.rows();
        self.labels.clear();
        for i in 0..n {
            let label = match t {
                Targets::OneHot(m) if m.cols() == 1 => m[(i, 0)],
                _ => T::from_usize(t.class(i)),
            };
            self.labels.push(label);
        }
        self.y.resize(n, 1);
        T::sigmoid_into(scores.as_slice(), self.y.as_mut_slice());
        let eps = T::from_f64(self.log_epsilon.unwrap_or(LOG_EPSILON));
        self.logs.clear();
        for (&y, &l) in self.y.as_slice().iter().zip(&self.labels) {
            let p = if l == T::ONE { y } else { T::ONE - y };
            self.logs.push(p + eps);
        }
        // One call over the batch, bit for bit `ln` element by element.
        T::ln_in_place(&mut self.logs);
        -pairwise_sum(&self.logs) / T::from_usize(n)
    }
    fn set_log_epsilon(&mut self, eps: f64) {
        self.log_epsilon = Some(eps);
    }
    fn backward(&mut self, dout: T) -> &Matrix<T> {
        let n = self.y.rows();
        self.dx.resize(n, 1);
        let batch = T::from_usize(n);
        for ((dx, &y), &t) in self
            .dx
            .as_mut_slice()
            .iter_mut()
            .zip(self.y.as_slice())
            .zip(&self.labels)
        {
            *dx = (y - t) * dout / batch;
        }
        &self.dx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "SoftmaxWithLoss.forward: scores of shape (2, 0) have no classes")]
    fn softmax_loss_rejects_scores_without_classes() {
        let scores = Matrix::<f64>::zeros(2, 0);
        let one_hot = Matrix::<f64>::zeros(2, 0);
        SoftmaxWithLoss::new().forward(scores.view(), Targets::OneHot(one_hot.view()));
    }

    #[test]
    fn softmax_loss_of_an_empty_batch_is_nan_as_in_numpy() {
        // np.mean of nothing is nan; no panic for a batch of no rows.
        let scores = Matrix::<f64>::zeros(0, 3);
        let loss = SoftmaxWithLoss::new().forward(scores.view(), Targets::Indices(&[]));
        assert!(loss.is_nan());
    }
}
