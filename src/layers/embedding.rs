//! `Embedding` and `EmbeddingDot` (the book's `common/layers.py` and
//! `ch04/negative_sampling_layer.py`): row gathers from a weight matrix and
//! their scatter-add backward.
//!
//! In the word2vec models one weight matrix feeds many of these layers (ten
//! `Embedding`s share `W_in` in CBOW with window 5), so the layers here do
//! not own the weights: `forward` borrows them, and `backward` returns the
//! layer's gradient as a [`RowGrad`] (the rows it touched, each summed in
//! batch order — `np.add.at`). The model adds the row gradients of every
//! use into the one dense gradient in the order the book's
//! `remove_duplicate` sums its per-layer copies, which gives the same
//! numbers without zeroing and adding ten `V x H` matrices per step.

use crate::matrix::{pairwise_sum_indexed, Matrix, MatrixView};
use crate::scalar::Scalar;

/// A sparse weight gradient: `values.row(k)` belongs to weight row
/// `rows()[k]`; rows not listed are zero. Rows are listed in order of
/// first appearance in the batch, each one the sum of its batch rows in
/// batch order (what `np.add.at(dW, idx, dout)` leaves in `dW`).
///
/// ```
/// use groundup::layers::Embedding;
/// use groundup::matrix;
/// let w = matrix![[0.0f64, 0.0], [0.0, 0.0], [0.0, 0.0]];
/// let mut emb = Embedding::new();
/// emb.forward(&w, [2, 0, 2]);
/// let g = emb.backward(matrix![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]].view());
/// assert_eq!(g.rows(), &[2, 0]);
/// assert_eq!(g.values(), &matrix![[6.0, 8.0], [3.0, 4.0]]);
/// let mut dw = matrix![[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]];
/// g.add_to(&mut dw);
/// assert_eq!(dw, matrix![[3.0, 4.0], [0.0, 0.0], [6.0, 8.0]]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct RowGrad<T: Scalar> {
    rows: Vec<usize>,
    values: Matrix<T>,
    /// `slot[r]` = position of weight row `r` in `rows`, or `usize::MAX`;
    /// reset after every use, so it costs only the rows touched.
    slot: Vec<usize>,
}

impl<T: Scalar> RowGrad<T> {
    /// The weight rows with a gradient, in order of first appearance.
    ///
    /// ```
    /// # use groundup::{layers::Embedding, matrix};
    /// let w = matrix![[1.0f32], [2.0]];
    /// let mut emb = Embedding::new();
    /// emb.forward(&w, [1, 1]);
    /// assert_eq!(emb.backward(matrix![[1.0], [1.0]].view()).rows(), &[1]);
    /// ```
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    /// The gradient of each listed row (`rows().len() x H`).
    ///
    /// ```
    /// # use groundup::{layers::Embedding, matrix};
    /// let w = matrix![[1.0f32], [2.0]];
    /// let mut emb = Embedding::new();
    /// emb.forward(&w, [1, 1]);
    /// assert_eq!(emb.backward(matrix![[0.5], [0.25]].view()).values(), &matrix![[0.75]]);
    /// ```
    pub fn values(&self) -> &Matrix<T> {
        &self.values
    }

    /// Adds the gradient into a dense `V x H` gradient, `dense[r] += g[r]`
    /// row by row. Panics if `dense` has another width or too few rows.
    ///
    /// ```
    /// # use groundup::{layers::Embedding, matrix};
    /// let w = matrix![[1.0f64], [2.0]];
    /// let mut emb = Embedding::new();
    /// emb.forward(&w, [0]);
    /// let mut dw = matrix![[1.0], [1.0]];
    /// emb.backward(matrix![[2.0]].view()).add_to(&mut dw);
    /// assert_eq!(dw, matrix![[3.0], [1.0]]);
    /// ```
    pub fn add_to(&self, dense: &mut Matrix<T>) {
        assert_eq!(
            dense.cols(),
            self.values.cols(),
            "RowGrad::add_to: gradient width {} into a matrix of width {}",
            self.values.cols(),
            dense.cols()
        );
        for (k, &r) in self.rows.iter().enumerate() {
            for (d, &g) in dense.row_mut(r).iter_mut().zip(self.values.row(k)) {
                *d += g;
            }
        }
    }

    /// `np.add.at` of `dout`'s rows at `idx` into a zeroed `V x H` gradient,
    /// kept sparse.
    fn scatter_add(&mut self, vocab: usize, idx: &[usize], dout: MatrixView<'_, T>) {
        if self.slot.len() < vocab {
            self.slot.resize(vocab, usize::MAX);
        }
        self.rows.clear();
        for &r in idx {
            if self.slot[r] == usize::MAX {
                self.slot[r] = self.rows.len();
                self.rows.push(r);
            }
        }
        self.values.resize(self.rows.len(), dout.cols());
        self.values.fill(T::ZERO);
        for (i, &r) in idx.iter().enumerate() {
            let k = self.slot[r];
            for (v, &d) in self.values.row_mut(k).iter_mut().zip(dout.row(i)) {
                *v += d;
            }
        }
        for &r in &self.rows {
            self.slot[r] = usize::MAX;
        }
    }
}

/// The book's `Embedding`: `forward(idx)` is `W[idx]` (one weight row per
/// id), `backward(dout)` scatter-adds `dout`'s rows into the rows of `W`
/// they came from (`np.add.at(dW, idx, dout)`), so an id appearing twice
/// gets both gradients. The weights are borrowed (see the module docs).
///
/// ```
/// use groundup::{layers::Embedding, matrix};
/// let w = matrix![[0.0f32, 1.0], [2.0, 3.0], [4.0, 5.0]];
/// let mut emb = Embedding::new();
/// assert_eq!(emb.forward(&w, [2, 0]), &matrix![[4.0, 5.0], [0.0, 1.0]]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Embedding<T: Scalar> {
    vocab: usize,
    idx: Vec<usize>,
    out: Matrix<T>,
    grad: RowGrad<T>,
}

impl<T: Scalar> Embedding<T> {
    /// A new layer (its buffers grow on first use and are then reused).
    ///
    /// ```
    /// let emb = groundup::layers::Embedding::<f64>::new();
    /// assert!(emb.ids().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// `W[ids]`: row `i` of the output is row `ids[i]` of `w`. Panics
    /// naming the id when one is `>= w.rows()`.
    ///
    /// ```
    /// use groundup::{layers::Embedding, matrix, matrix::Ids};
    /// let w = matrix![[1.0f64], [2.0], [3.0]];
    /// let contexts = Ids::from_rows([[0, 2], [1, 0]]);
    /// let mut emb = Embedding::new();
    /// assert_eq!(emb.forward(&w, contexts.column(1)), &matrix![[3.0], [1.0]]);
    /// ```
    pub fn forward(&mut self, w: &Matrix<T>, ids: impl IntoIterator<Item = usize>) -> &Matrix<T> {
        self.vocab = w.rows();
        self.idx.clear();
        self.idx.extend(ids);
        if let Some((i, &id)) = self.idx.iter().enumerate().find(|(_, &id)| id >= w.rows()) {
            panic!(
                "Embedding.forward: id {id} at row {i} is out of range for a weight matrix of {} rows",
                w.rows()
            );
        }
        w.gather_rows_into(&self.idx, &mut self.out);
        &self.out
    }

    /// The output of the last `forward` (`W[ids]`).
    ///
    /// ```
    /// # use groundup::{layers::Embedding, matrix};
    /// let mut emb = Embedding::new();
    /// emb.forward(&matrix![[1.0f32], [2.0]], [1]);
    /// assert_eq!(emb.output(), &matrix![[2.0]]);
    /// ```
    pub fn output(&self) -> &Matrix<T> {
        &self.out
    }

    /// The ids of the last `forward`.
    ///
    /// ```
    /// # use groundup::{layers::Embedding, matrix};
    /// let mut emb = Embedding::new();
    /// emb.forward(&matrix![[1.0f32], [2.0]], [1, 0, 1]);
    /// assert_eq!(emb.ids(), &[1, 0, 1]);
    /// ```
    pub fn ids(&self) -> &[usize] {
        &self.idx
    }

    /// The gradient with respect to the weights for upstream `dout` (one
    /// row per id of the last `forward`): see [`RowGrad`]. Panics if
    /// `dout` has another row count.
    ///
    /// ```
    /// use groundup::{layers::Embedding, matrix};
    /// let w = matrix![[0.0f64, 0.0], [0.0, 0.0]];
    /// let mut emb = Embedding::new();
    /// emb.forward(&w, [1, 1]);
    /// let g = emb.backward(matrix![[1.0, 2.0], [10.0, 20.0]].view());
    /// assert_eq!((g.rows(), g.values()), (&[1][..], &matrix![[11.0, 22.0]]));
    /// ```
    pub fn backward(&mut self, dout: MatrixView<'_, T>) -> &RowGrad<T> {
        assert_eq!(
            dout.rows(),
            self.idx.len(),
            "Embedding.backward: dout has {} rows for {} ids",
            dout.rows(),
            self.idx.len()
        );
        self.grad.scatter_add(self.vocab, &self.idx, dout);
        &self.grad
    }
}

/// The book's `EmbeddingDot` (chapter 4): for hidden rows `h` and ids
/// `idx`, the score of row `i` is `W[idx[i]] · h[i]`
/// (`np.sum(W[idx] * h, axis=1)`, pairwise sums as numpy's). Backward
/// gives `dh = dout · W[idx]` and the weight gradient `dout · h`
/// scattered to the rows `idx` (a [`RowGrad`]).
///
/// ```
/// use groundup::{layers::EmbeddingDot, matrix};
/// let w = matrix![[1.0f64, 0.0], [0.0, 1.0], [1.0, 1.0]];
/// let h = matrix![[2.0, 3.0], [4.0, 5.0]];
/// let mut dot = EmbeddingDot::new();
/// assert_eq!(dot.forward(&w, h.view(), [2, 0]), &matrix![[5.0], [4.0]]);
/// let (dh, dw) = dot.backward(matrix![[1.0], [0.5]].view());
/// assert_eq!(dh, &matrix![[1.0, 1.0], [0.5, 0.0]]);
/// assert_eq!((dw.rows(), dw.values()), (&[2, 0][..], &matrix![[2.0, 3.0], [2.0, 2.5]]));
/// ```
#[derive(Clone, Debug, Default)]
pub struct EmbeddingDot<T: Scalar> {
    embed: Embedding<T>,
    h: Matrix<T>,
    out: Matrix<T>,
    dtarget: Matrix<T>,
    dh: Matrix<T>,
}

impl<T: Scalar> EmbeddingDot<T> {
    /// A new layer.
    ///
    /// ```
    /// let dot = groundup::layers::EmbeddingDot::<f32>::new();
    /// # let _ = dot;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Scores `W[idx[i]] · h[i]` as an `N x 1` matrix. Panics naming the
    /// shapes when `h` is not `N x H` for `N` ids and `H = w.cols()`, or
    /// an id is out of range.
    ///
    /// ```
    /// use groundup::{layers::EmbeddingDot, matrix};
    /// let w = matrix![[1.0f32, 2.0]];
    /// let mut dot = EmbeddingDot::new();
    /// assert_eq!(dot.forward(&w, matrix![[3.0, 4.0]].view(), [0]), &matrix![[11.0]]);
    /// ```
    pub fn forward(
        &mut self,
        w: &Matrix<T>,
        h: MatrixView<'_, T>,
        ids: impl IntoIterator<Item = usize>,
    ) -> &Matrix<T> {
        let target = self.embed.forward(w, ids);
        assert_eq!(
            h.shape(),
            target.shape(),
            "EmbeddingDot.forward: h has shape {:?} but {} ids of width {} were given",
            h.shape(),
            target.rows(),
            target.cols()
        );
        self.h.assign(h);
        let n = h.rows();
        self.out.resize(n, 1);
        for i in 0..n {
            let (t, hr) = (target.row(i), h.row(i));
            self.out.as_mut_slice()[i] = pairwise_products(t, hr);
        }
        &self.out
    }

    /// Given `dout` (`N x 1`), returns `dh` (`N x H`) and the weight
    /// gradient. Panics if `dout` is not `N x 1`.
    ///
    /// ```
    /// use groundup::{layers::EmbeddingDot, matrix};
    /// let w = matrix![[1.0f64, 2.0]];
    /// let mut dot = EmbeddingDot::new();
    /// dot.forward(&w, matrix![[3.0, 4.0]].view(), [0]);
    /// let (dh, dw) = dot.backward(matrix![[2.0]].view());
    /// assert_eq!((dh, dw.values()), (&matrix![[2.0, 4.0]], &matrix![[6.0, 8.0]]));
    /// ```
    pub fn backward(&mut self, dout: MatrixView<'_, T>) -> (&Matrix<T>, &RowGrad<T>) {
        let (n, hdim) = self.h.shape();
        assert_eq!(
            dout.shape(),
            (n, 1),
            "EmbeddingDot.backward: dout has shape {:?}, expected ({n}, 1)",
            dout.shape()
        );
        self.dtarget.resize(n, hdim);
        self.dh.resize(n, hdim);
        let target = &self.embed.out;
        for i in 0..n {
            let d = dout.as_slice()[i];
            for ((dt, dh), (&h, &t)) in self
                .dtarget
                .row_mut(i)
                .iter_mut()
                .zip(self.dh.row_mut(i).iter_mut())
                .zip(self.h.row(i).iter().zip(target.row(i)))
            {
                *dt = d * h;
                *dh = d * t;
            }
        }
        let grad = self.embed.backward(self.dtarget.view());
        (&self.dh, grad)
    }
}

/// `Σ a[k]·b[k]` with the products summed in numpy's pairwise order
/// (`np.sum(a * b)` over a contiguous row).
fn pairwise_products<T: Scalar>(a: &[T], b: &[T]) -> T {
    pairwise_sum_indexed(0, a.len(), |k| a[k] * b[k])
}
