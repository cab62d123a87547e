//! `TimeEmbedding`: the word vectors of every step of a batch of id sequences.

use crate::layers::{Param, ParamKind};
use crate::matrix::{IdsView, Matrix};
use crate::scalar::Scalar;

/// The book's `TimeEmbedding`: `forward(xs)` with `xs` an `N x T` batch of
/// word ids gives the `T·N x D` time-major rows `W[xs[n][t]]` (row
/// `t·N + n`); `backward(dout)` adds each row of `dout` into the row of `W`
/// it came from (`np.add.at` per step, the steps summed).
///
/// Panics naming the id and its position when an id is outside the table.
///
/// ```
/// use groundup::layers::time::TimeEmbedding;
/// use groundup::{matrix, matrix::Ids};
/// let mut embed = TimeEmbedding::new(matrix![[0.0f32, 0.5], [1.0, 1.5], [2.0, 2.5]]);
/// let xs = Ids::from_rows([[2, 0], [1, 2]]); // two sequences of two steps
/// assert_eq!(embed.forward(xs.view()), &matrix![[2.0, 2.5], [1.0, 1.5], [0.0, 0.5], [2.0, 2.5]]);
/// embed.backward(matrix![[1.0, 1.0], [2.0, 2.0], [3.0, 3.0], [4.0, 4.0]].view());
/// assert_eq!(embed.params()[0].grad, matrix![[3.0, 3.0], [2.0, 2.0], [5.0, 5.0]]);
/// ```
#[derive(Clone, Debug)]
pub struct TimeEmbedding<T: Scalar> {
    params: [Param<T>; 1],
    /// The ids of the last forward pass, time-major.
    ids: Vec<usize>,
    out: Matrix<T>,
}

impl<T: Scalar> TimeEmbedding<T> {
    /// An embedding with table `w` (`vocab x D`).
    ///
    /// ```
    /// use groundup::{layers::time::TimeEmbedding, Matrix};
    /// let embed = TimeEmbedding::new(Matrix::<f64>::zeros(10, 3));
    /// assert_eq!(embed.params()[0].value.shape(), (10, 3));
    /// ```
    pub fn new(w: Matrix<T>) -> Self {
        TimeEmbedding {
            params: [Param::new(w)],
            ids: Vec::new(),
            out: Matrix::zeros(0, 0),
        }
    }

    /// `T·N x D`: the table's rows for every id, time-major.
    ///
    /// ```
    /// use groundup::{layers::time::TimeEmbedding, matrix, matrix::Ids};
    /// let mut embed = TimeEmbedding::new(matrix![[1.0f64], [2.0]]);
    /// assert_eq!(embed.forward(Ids::from_rows([[1, 0, 1]]).view()), &matrix![[2.0], [1.0], [2.0]]);
    /// ```
    pub fn forward(&mut self, xs: IdsView<'_>) -> &Matrix<T> {
        let w = &self.params[0].value;
        time_major_ids("TimeEmbedding", xs, w.rows(), &mut self.ids);
        w.gather_rows_into(&self.ids, &mut self.out);
        &self.out
    }

    /// Overwrites the table's gradient with that of the last forward pass
    /// (`dout` is `T·N x D`).
    ///
    /// ```
    /// use groundup::{layers::time::TimeEmbedding, matrix, matrix::Ids};
    /// let mut embed = TimeEmbedding::new(matrix![[1.0f64], [2.0]]);
    /// embed.forward(Ids::from_rows([[1, 1]]).view());
    /// embed.backward(matrix![[0.5], [0.25]].view());
    /// assert_eq!(embed.params()[0].grad, matrix![[0.0], [0.75]]);
    /// ```
    pub fn backward(&mut self, dout: crate::MatrixView<'_, T>) {
        self.params[0].grad.fill(T::ZERO);
        self.backward_accumulate(dout);
    }

    /// Adds the gradient of the last forward pass into the table's gradient
    /// (for a table shared with another layer, as the book's weight tying).
    ///
    /// ```
    /// use groundup::{layers::time::TimeEmbedding, matrix, matrix::Ids};
    /// let mut embed = TimeEmbedding::new(matrix![[1.0f64], [2.0]]);
    /// embed.forward(Ids::from_rows([[0]]).view());
    /// embed.backward(matrix![[1.0]].view());
    /// embed.backward_accumulate(matrix![[1.0]].view());
    /// assert_eq!(embed.params()[0].grad, matrix![[2.0], [0.0]]);
    /// ```
    pub fn backward_accumulate(&mut self, dout: crate::MatrixView<'_, T>) {
        assert!(
            dout.shape() == self.out.shape(),
            "TimeEmbedding.backward: got shape {:?}, expected {:?} (the shape of the last forward pass)",
            dout.shape(),
            self.out.shape()
        );
        let grad = &mut self.params[0].grad;
        for (i, &id) in self.ids.iter().enumerate() {
            for (g, &d) in grad.row_mut(id).iter_mut().zip(dout.row(i)) {
                *g += d;
            }
        }
    }

    /// The table and its gradient.
    ///
    /// ```
    /// use groundup::{layers::time::TimeEmbedding, Matrix};
    /// assert_eq!(TimeEmbedding::new(Matrix::<f32>::zeros(4, 2)).params().len(), 1);
    /// ```
    pub fn params(&self) -> &[Param<T>] {
        &self.params
    }

    /// The table and its gradient, mutable (for optimizers).
    ///
    /// ```
    /// use groundup::{layers::time::TimeEmbedding, Matrix};
    /// let mut embed = TimeEmbedding::new(Matrix::<f32>::zeros(4, 2));
    /// embed.params_mut()[0].value.fill(1.0);
    /// assert_eq!(embed.params()[0].value.sum(), 8.0);
    /// ```
    pub fn params_mut(&mut self) -> &mut [Param<T>] {
        &mut self.params
    }

    /// The parameter's name (`W`) and kind (an embedding table, stored as
    /// PyTorch's `nn.Embedding`).
    ///
    /// ```
    /// use groundup::layers::{time::TimeEmbedding, ParamKind};
    /// assert_eq!(TimeEmbedding::<f32>::param_info(), [("W", ParamKind::Other)]);
    /// ```
    pub fn param_info() -> [(&'static str, ParamKind); 1] {
        [("W", ParamKind::Other)]
    }
}

/// `out` = the ids of `xs` (`N x T`) in time-major order, each checked
/// against a vocabulary of `vocab`.
pub(crate) fn time_major_ids(layer: &str, xs: IdsView<'_>, vocab: usize, out: &mut Vec<usize>) {
    let (n, t) = xs.shape();
    out.clear();
    for step in 0..t {
        for seq in 0..n {
            let id = xs.row(seq)[step];
            assert!(
                id < vocab,
                "{layer}.forward: id {id} at sequence {seq}, step {step} is outside the vocabulary of {vocab} words"
            );
            out.push(id);
        }
    }
}
