//! `TimeDropout`: inverted dropout over every step, the mask drawn in the
//! book's order.

use crate::matrix::{Matrix, MatrixView};
use crate::rng::RandomState;
use crate::scalar::Scalar;

/// The book's `TimeDropout`: in training, each element is kept where
/// `np.random.rand(N, T, D) > ratio` and scaled by `1 / (1 − ratio)` (the
/// mask is `flg.astype(float32) * scale`: the scale rounded to `T`); in
/// evaluation the input passes unchanged.
///
/// The mask takes one [`random_sample`](RandomState::random_sample) per
/// element in the book's `(N, T, D)` order, whatever the time-major layout
/// here, so a run draws the same numbers as the book's.
///
/// ```
/// use groundup::layers::time::TimeDropout;
/// use groundup::{Matrix, RandomState};
/// let mut drop = TimeDropout::new(0.5);
/// let x = Matrix::filled(6, 4, 1.0f32); // 3 steps of 2 sequences
/// let mut rng = RandomState::new(0);
/// let y = drop.forward(x.view(), 2, &mut rng).clone();
/// assert!(y.iter().all(|&v| v == 0.0 || v == 2.0));
/// drop.set_training(false);
/// assert_eq!(drop.forward(x.view(), 2, &mut rng), &x);
/// ```
#[derive(Clone, Debug)]
pub struct TimeDropout<T: Scalar> {
    ratio: f64,
    training: bool,
    mask: Matrix<T>,
    out: Matrix<T>,
    dx: Matrix<T>,
}

impl<T: Scalar> TimeDropout<T> {
    /// Dropout with drop ratio `ratio` (in `[0, 1)`), in training mode.
    /// Panics naming the ratio outside that range.
    ///
    /// ```
    /// use groundup::layers::time::TimeDropout;
    /// assert!(TimeDropout::<f32>::new(0.5).is_training());
    /// ```
    pub fn new(ratio: f64) -> Self {
        assert!(
            (0.0..1.0).contains(&ratio),
            "TimeDropout::new: the drop ratio {ratio} is outside [0, 1)"
        );
        TimeDropout {
            ratio,
            training: true,
            mask: Matrix::zeros(0, 0),
            out: Matrix::zeros(0, 0),
            dx: Matrix::zeros(0, 0),
        }
    }

    /// Training (drop) or evaluation (pass through) mode.
    ///
    /// ```
    /// use groundup::layers::time::TimeDropout;
    /// let mut d = TimeDropout::<f64>::new(0.2);
    /// d.set_training(false);
    /// assert!(!d.is_training());
    /// ```
    pub fn set_training(&mut self, training: bool) {
        self.training = training;
    }

    /// True in training mode.
    ///
    /// ```
    /// assert!(groundup::layers::time::TimeDropout::<f64>::new(0.2).is_training());
    /// ```
    pub fn is_training(&self) -> bool {
        self.training
    }

    /// `xs * mask` for a time-major batch of `batch` sequences; in training
    /// the mask is drawn from `rng`, in evaluation nothing is drawn.
    ///
    /// ```
    /// use groundup::layers::time::TimeDropout;
    /// use groundup::{matrix, RandomState};
    /// // >>> np.random.seed(0); np.random.rand(1, 2, 2) > 0.6
    /// // [[[False,  True], [ True, False]]]
    /// let mut drop = TimeDropout::new(0.6);
    /// let x = matrix![[1.0f64, 1.0], [1.0, 1.0]]; // 2 steps of 1 sequence
    /// let y = drop.forward(x.view(), 1, &mut RandomState::new(0));
    /// assert_eq!(y, &matrix![[0.0, 2.5], [2.5, 0.0]]);
    /// ```
    pub fn forward(
        &mut self,
        xs: MatrixView<'_, T>,
        batch: usize,
        rng: &mut RandomState,
    ) -> &Matrix<T> {
        self.out.assign(xs);
        if !self.training {
            return &self.out;
        }
        let steps = super::steps("TimeDropout", xs.rows(), batch);
        let scale = T::from_f64(1.0 / (1.0 - self.ratio));
        self.mask.resize(xs.rows(), xs.cols());
        for seq in 0..batch {
            for step in 0..steps {
                let row = self.mask.row_mut(step * batch + seq);
                rng.dropout_mask(self.ratio, row);
                for m in row.iter_mut() {
                    *m *= scale;
                }
            }
        }
        for (o, &m) in self.out.iter_mut().zip(self.mask.iter()) {
            *o *= m;
        }
        &self.out
    }

    /// `dout * mask`; in evaluation mode `dout` unchanged.
    ///
    /// ```
    /// use groundup::layers::time::TimeDropout;
    /// use groundup::{matrix, RandomState};
    /// let mut drop = TimeDropout::new(0.6);
    /// drop.forward(matrix![[1.0f64, 1.0], [1.0, 1.0]].view(), 1, &mut RandomState::new(0));
    /// let dx = drop.backward(matrix![[1.0, 2.0], [3.0, 4.0]].view());
    /// assert_eq!(dx, &matrix![[0.0, 5.0], [7.5, 0.0]]);
    /// ```
    pub fn backward(&mut self, dout: MatrixView<'_, T>) -> &Matrix<T> {
        self.dx.assign(dout);
        if !self.training {
            return &self.dx;
        }
        assert!(
            dout.shape() == self.mask.shape(),
            "TimeDropout.backward: got shape {:?}, expected {:?} (the shape of the last forward pass)",
            dout.shape(),
            self.mask.shape()
        );
        for (d, &m) in self.dx.iter_mut().zip(self.mask.iter()) {
            *d *= m;
        }
        &self.dx
    }

    /// The output of the last forward pass (kept: it is the input of the
    /// layer after, which may need it for its backward pass).
    ///
    /// ```
    /// use groundup::layers::time::TimeDropout;
    /// use groundup::{matrix, RandomState};
    /// let mut drop = TimeDropout::new(0.6);
    /// drop.forward(matrix![[1.0f64, 1.0], [1.0, 1.0]].view(), 1, &mut RandomState::new(0));
    /// drop.backward(matrix![[1.0, 2.0], [3.0, 4.0]].view());
    /// assert_eq!(drop.output(), &matrix![[0.0, 2.5], [2.5, 0.0]]);
    /// ```
    pub fn output(&self) -> &Matrix<T> {
        &self.out
    }
}
