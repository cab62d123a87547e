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
    /// Per-target log-probabilities, time-major (0 where ignored).
    lp: Vec<T>,
    /// The same in `(N, T)` order, the order the book sums them in.
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
        softmax_log_probs(scores, &self.ts, &mut self.ys, &mut self.lp);
        self.ls.clear();
        self.count = 0;
        for seq in 0..n {
            for step in 0..t {
                let row = step * n + seq;
                if self.ts[row] != IGNORE_LABEL {
                    self.count += 1;
                }
                self.ls.push(self.lp[row]);
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

/// Rows per part below which a softmax is not split across threads.
const ROWS_PER_PART: usize = 16;

/// `ys = softmax(xs)` row by row and `lp[r] = ln ys[r][ts[r]]` (0 where
/// `ts[r]` is [`IGNORE_LABEL`]), the rows cut into parts run on the
/// products' thread team. Every row is computed the same way whichever
/// thread runs it, so the result does not depend on the thread count.
fn softmax_log_probs<T: Scalar>(
    xs: MatrixView<'_, T>,
    ts: &[usize],
    ys: &mut Matrix<T>,
    lp: &mut Vec<T>,
) {
    const MAX_PARTS: usize = 8;
    let (rows, v) = xs.shape();
    ys.resize(rows, v);
    lp.clear();
    lp.resize(rows, T::ZERO);
    if v == 0 || rows == 0 {
        return;
    }
    let threads = crate::gemm::Config::current().threads.clamp(1, MAX_PARTS);
    let parts = threads.min(rows.div_ceil(ROWS_PER_PART)).max(1);
    let per = rows.div_ceil(parts);
    // Each part takes its own rows of ys and lp out of a slot.
    type Slot<'a, T> = std::sync::Mutex<Option<(&'a mut [T], &'a mut [T])>>;
    let slots: [Slot<'_, T>; MAX_PARTS] = std::array::from_fn(|_| std::sync::Mutex::new(None));
    for ((slot, y), l) in slots
        .iter()
        .zip(ys.as_mut_slice().chunks_mut(per * v))
        .zip(lp.chunks_mut(per))
    {
        *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some((y, l));
    }
    crate::gemm::for_each_part(parts, &|i| {
        let taken = slots[i].lock().unwrap_or_else(|e| e.into_inner()).take();
        let Some((y, l)) = taken else { return };
        for (k, (out, lp)) in y.chunks_exact_mut(v).zip(l.iter_mut()).enumerate() {
            let row = i * per + k;
            softmax_row(xs.row(row), out);
            let id = ts[row];
            *lp = if id == IGNORE_LABEL {
                T::ZERO
            } else {
                out[id].ln()
            };
        }
    });
}

/// One row of the book's softmax into `out` (same length, not empty).
#[inline]
pub(crate) fn softmax_row<T: Scalar>(x: &[T], out: &mut [T]) {
    let max = row_max(x);
    for (o, &v) in out.iter_mut().zip(x) {
        *o = (v - max).exp_fast();
    }
    let sum = pairwise_sum(out);
    for o in out.iter_mut() {
        *o /= sum;
    }
}

/// `np.max` of a non-empty row (NaN if any element is NaN), in eight
/// lanes so the compiler vectorizes it.
#[inline]
fn row_max<T: Scalar>(x: &[T]) -> T {
    let mut lanes = [x[0]; 8];
    let mut nan = false;
    let chunks = x.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for (m, &v) in lanes.iter_mut().zip(c) {
            nan |= v.is_nan();
            *m = if v > *m { v } else { *m };
        }
    }
    let mut max = lanes
        .iter()
        .fold(lanes[0], |a, &b| if b > a { b } else { a });
    for &v in rest {
        nan |= v.is_nan();
        max = if v > max { v } else { max };
    }
    if nan {
        T::from_f64(f64::NAN)
    } else {
        max
    }
}
