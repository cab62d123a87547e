//! `TimeSoftmaxWithLoss`: the mean cross-entropy over every step of a batch.

use crate::matrix::{pairwise_sum, IdsView, Matrix, MatrixView};
use crate::scalar::Scalar;

/// The target id that takes no part in the loss: the book's
/// `ignore_label = -1` (ids are unsigned here).
///
/// ```
/// use groundup::layers::time::{TimeSoftmaxWithLoss, IGNORE_LABEL};
/// use groundup::{matrix, matrix::Ids};
/// let mut loss = TimeSoftmaxWithLoss::new();
/// let scores = matrix![[0.0f64, 0.0], [5.0, 0.0]]; // two steps of one sequence
/// // The second step is ignored: the loss is that of the first alone, ln 2.
/// let l = loss.forward(scores.view(), Ids::from_rows([[0, IGNORE_LABEL]]).view());
/// assert!((l - 2f64.ln()).abs() < 1e-15);
/// ```
pub const IGNORE_LABEL: usize = usize::MAX;

/// The book's `TimeSoftmaxWithLoss`: softmax over each row of the
/// time-major scores (`T·N x V`), cross-entropy against the `N x T` target
/// ids, averaged over the targets that are not [`IGNORE_LABEL`].
///
/// Numerics follow the book: the softmax has no epsilon inside the log,
/// the per-step losses are summed in `(N, T)` order in numpy's pairwise
/// order in `T`, and the mean is taken in `f64`. The exponentials use
/// [`Scalar::exp_fast`](crate::Scalar::exp_fast) (for `f32` within 2 ulp
/// of the exact value; numpy's float32 `exp` is not the C library's
/// either) (numpy promotes the `f32`
/// sum divided by an integer count to `float64`). With every target
/// ignored the loss is NaN (0/0), as the book's.
///
/// ```
/// use groundup::layers::time::TimeSoftmaxWithLoss;
/// use groundup::{matrix, matrix::Ids};
/// let mut loss = TimeSoftmaxWithLoss::new();
/// let scores = matrix![[0.0f64, 0.0], [0.0, 0.0]];
/// let l = loss.forward(scores.view(), Ids::from_rows([[1], [0]]).view());
/// assert!((l - 2f64.ln()).abs() < 1e-15);
/// // softmax − one-hot, divided by the 2 targets
/// assert_eq!(loss.backward(), &matrix![[0.25, -0.25], [-0.25, 0.25]]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct TimeSoftmaxWithLoss<T: Scalar> {
    /// Softmax of the last scores; the gradient after `backward`.
    ys: Matrix<T>,
    /// Targets, time-major.
    ts: Vec<usize>,
    /// Per-target log-probabilities in `(N, T)` order.
    ls: Vec<T>,
    count: usize,
}

impl<T: Scalar> TimeSoftmaxWithLoss<T> {
    /// A loss layer with empty buffers.
    ///
    /// ```
    /// let _ = groundup::layers::time::TimeSoftmaxWithLoss::<f32>::new();
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The mean loss of `scores` (`T·N x V`, time-major) against `ts`
    /// (`N x T` ids). Panics naming the shapes when they do not fit, or
    /// the position of a target id outside the `V` classes.
    ///
    /// ```
    /// use groundup::layers::time::TimeSoftmaxWithLoss;
    /// use groundup::{matrix, matrix::Ids};
    /// let mut loss = TimeSoftmaxWithLoss::<f32>::new();
    /// let l = loss.forward(matrix![[0.0, 0.0, 0.0]].view(), Ids::from_rows([[2]]).view());
    /// assert!((l - 3f64.ln()).abs() < 1e-6);
    /// ```
    pub fn forward(&mut self, scores: MatrixView<'_, T>, ts: IdsView<'_>) -> f64 {
        let (n, t) = ts.shape();
        let v = scores.cols();
        assert!(
            scores.rows() == n * t,
            "TimeSoftmaxWithLoss.forward: scores shape {:?} do not fit targets shape {:?}: \
             {} time-major rows needed",
            scores.shape(),
            ts.shape(),
            n * t
        );
        self.ts.clear();
        for step in 0..t {
            for seq in 0..n {
                let id = ts.row(seq)[step];
                assert!(
                    id < v || id == IGNORE_LABEL,
                    "TimeSoftmaxWithLoss.forward: target id {id} at sequence {seq}, step {step} \
                     is outside the {v} classes"
                );
                self.ts.push(id);
            }
        }
        softmax_rows_from(scores, &mut self.ys);
        self.ls.clear();
        self.count = 0;
        for seq in 0..n {
            for step in 0..t {
                let row = step * n + seq;
                let id = self.ts[row];
                if id == IGNORE_LABEL {
                    self.ls.push(T::ZERO);
                } else {
                    self.count += 1;
                    self.ls.push(self.ys.row(row)[id].ln());
                }
            }
        }
        -pairwise_sum(&self.ls).to_f64() / self.count as f64
    }

    /// `∂loss/∂scores` (`T·N x V`): `(softmax − one-hot) / count`, zero on
    /// ignored rows. Consumes the softmax of the last forward pass (call
    /// [`forward`](Self::forward) again before another backward).
    ///
    /// ```
    /// use groundup::layers::time::TimeSoftmaxWithLoss;
    /// use groundup::{matrix, matrix::Ids};
    /// let mut loss = TimeSoftmaxWithLoss::new();
    /// loss.forward(matrix![[0.0f64, 0.0]].view(), Ids::from_rows([[0]]).view());
    /// assert_eq!(loss.backward(), &matrix![[-0.5, 0.5]]);
    /// ```
    pub fn backward(&mut self) -> &Matrix<T> {
        let count = T::from_usize(self.count);
        let v = self.ys.cols();
        for (row, &id) in self
            .ys
            .as_mut_slice()
            .chunks_exact_mut(v.max(1))
            .zip(&self.ts)
        {
            if id == IGNORE_LABEL {
                row.fill(T::ZERO);
                continue;
            }
            row[id] -= T::ONE;
            // numpy divides the float32 array by an int64 count in float64;
            // rounding that quotient to f32 gives the f32 quotient exactly
            // (53 ≥ 2·24 + 2 bits), so divide in T.
            for d in row.iter_mut() {
                *d /= count;
            }
        }
        &self.ys
    }
}

/// `ys = softmax(xs)` row by row, as the book's `softmax` for 2-D input:
/// subtract the row max, exponentiate, divide by the pairwise sum.
pub(crate) fn softmax_rows_from<T: Scalar>(xs: MatrixView<'_, T>, ys: &mut Matrix<T>) {
    ys.resize(xs.rows(), xs.cols());
    if xs.cols() == 0 {
        return;
    }
    for (i, out) in ys.rows_iter_mut().enumerate() {
        let row = xs.row(i);
        let max = row.iter().fold(row[0], |m, &v| m.max_nan(v));
        for (o, &x) in out.iter_mut().zip(row) {
            *o = (x - max).exp_fast();
        }
        let sum = pairwise_sum(out);
        for o in out.iter_mut() {
            *o /= sum;
        }
    }
}
