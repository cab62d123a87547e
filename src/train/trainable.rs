//! What the [`Trainer`](super::Trainer) needs from a model and its data:
//! [`Trainable`] (a loss, its gradients, the parameters, maybe a random
//! stream) and [`Batch`] (inputs it can shuffle and slice into mini-batches).
//!
//! Chapter 1's networks take float rows ([`Matrix`]); the word2vec models of
//! chapters 3–4 take word ids ([`Ids`]). Both go through the same loop: every
//! [`Model`] is [`Trainable`] with `Matrix` input, and the word-id models
//! implement [`Trainable`] with `Ids` input.

use crate::error::{Error, Result};
use crate::layers::Targets;
use crate::matrix::{Ids, IdsView, Matrix, MatrixView};
use crate::model::{Model, Params};
use crate::rng::RandomState;
use crate::scalar::Scalar;
use std::ops::Range;

/// Training inputs the [`Trainer`](super::Trainer) can shuffle and cut into
/// mini-batches without allocating: one sample per row.
///
/// ```
/// use groundup::matrix::Ids;
/// use groundup::train::Batch;
/// let x = Ids::from_rows([[1, 2], [3, 4], [5, 6]]);
/// let mut shuffled = Ids::default();
/// x.gather_rows_into(&[2, 0, 1], &mut shuffled);
/// assert_eq!(Batch::batch(&shuffled, 0..2).as_slice(), &[5, 6, 1, 2]);
/// assert_eq!(Batch::samples(&x), 3);
/// ```
pub trait Batch: Clone + Default {
    /// A borrowed block of rows (a mini-batch).
    ///
    /// ```
    /// use groundup::{matrix, train::Batch, MatrixView};
    /// let x = matrix![[1.0f32], [2.0]];
    /// let v: <groundup::Matrix<f32> as Batch>::View<'_> = x.batch(1..2);
    /// let _: MatrixView<'_, f32> = v;
    /// assert_eq!(v.as_slice(), &[2.0]);
    /// ```
    type View<'a>: Copy
    where
        Self: 'a;
    /// Number of samples (rows).
    ///
    /// ```
    /// use groundup::{matrix::Ids, train::Batch};
    /// assert_eq!(Ids::from_rows([[1, 2], [3, 4]]).samples(), 2);
    /// ```
    fn samples(&self) -> usize;
    /// `(rows, cols)`, for error messages.
    ///
    /// ```
    /// use groundup::{train::Batch, Matrix};
    /// assert_eq!(Matrix::<f64>::zeros(3, 2).dims(), (3, 2));
    /// ```
    fn dims(&self) -> (usize, usize);
    /// Rows `range` as a view.
    ///
    /// ```
    /// use groundup::{matrix::Ids, train::Batch};
    /// let x = Ids::from_rows([[1], [2], [3]]);
    /// assert_eq!(x.batch(1..3).as_slice(), &[2, 3]);
    /// ```
    fn batch(&self, range: Range<usize>) -> Self::View<'_>;
    /// `out = self[indices]`, reusing `out`'s allocation.
    ///
    /// ```
    /// use groundup::{matrix, train::Batch, Matrix};
    /// let x = matrix![[1.0f64], [2.0], [3.0]];
    /// let mut out = Matrix::default();
    /// Batch::gather_rows_into(&x, &[2, 2, 0], &mut out);
    /// assert_eq!(out, matrix![[3.0], [3.0], [1.0]]);
    /// ```
    fn gather_rows_into(&self, indices: &[usize], out: &mut Self);
    /// `self = src`, reusing the allocation.
    ///
    /// ```
    /// use groundup::{matrix::Ids, train::Batch};
    /// let mut a = Ids::default();
    /// a.assign_from(&Ids::from_rows([[4, 5]]));
    /// assert_eq!(a.as_slice(), &[4, 5]);
    /// ```
    fn assign_from(&mut self, src: &Self);
}

impl<T: Scalar> Batch for Matrix<T> {
    type View<'a> = MatrixView<'a, T>;
    fn samples(&self) -> usize {
        self.rows()
    }
    fn dims(&self) -> (usize, usize) {
        self.shape()
    }
    fn batch(&self, range: Range<usize>) -> MatrixView<'_, T> {
        self.rows_view(range)
    }
    fn gather_rows_into(&self, indices: &[usize], out: &mut Self) {
        Matrix::gather_rows_into(self, indices, out)
    }
    fn assign_from(&mut self, src: &Self) {
        self.assign(src.view())
    }
}

impl Batch for Ids {
    type View<'a> = IdsView<'a>;
    fn samples(&self) -> usize {
        self.rows()
    }
    fn dims(&self) -> (usize, usize) {
        self.shape()
    }
    fn batch(&self, range: Range<usize>) -> IdsView<'_> {
        self.rows_view(range)
    }
    fn gather_rows_into(&self, indices: &[usize], out: &mut Self) {
        Ids::gather_rows_into(self, indices, out)
    }
    fn assign_from(&mut self, src: &Self) {
        self.assign(src.view())
    }
}

/// A model the [`Trainer`](super::Trainer) can train: a loss for a
/// mini-batch, the gradients of its last loss, its parameters (for the
/// optimizer) and, for models that draw random numbers while training
/// (negative sampling), the random stream.
///
/// The crate's [`Model`]s are `Trainable` with [`Matrix`] input (a custom
/// `Model` adds it with [`check_model_data`]).
///
/// ```
/// use groundup::layers::Targets;
/// use groundup::matrix;
/// use groundup::model::TwoLayerNet;
/// use groundup::train::Trainable;
/// let mut net = TwoLayerNet::<f64>::new(2, 3, 2, &mut || 0.1);
/// let x = matrix![[1.0, 2.0]];
/// let loss = Trainable::loss(&mut net, x.view(), Targets::Indices(&[1]));
/// Trainable::backprop(&mut net);
/// assert!((loss - 2f64.ln()).abs() < 1e-6); // equal scores: ln 2
/// ```
pub trait Trainable<T: Scalar>: Params<T> {
    /// The training inputs: [`Matrix`] rows or [`Ids`].
    ///
    /// ```
    /// use groundup::{matrix::Ids, model::Cbow, train::Trainable};
    /// fn takes_ids<M: Trainable<f32, Input = Ids>>(_: &M) {}
    /// let corpus = [0, 1, 2, 3, 4, 5, 6];
    /// takes_ids(&Cbow::<f32>::new(7, 4, 1, &corpus, &mut groundup::RandomState::new(0))?);
    /// # Ok::<(), groundup::Error>(())
    /// ```
    type Input: Batch;
    /// The loss for a mini-batch; keeps what [`backprop`](Self::backprop)
    /// needs.
    ///
    /// ```
    /// use groundup::{layers::Targets, matrix::Ids, model::SimpleCbow, train::Trainable};
    /// let mut m = SimpleCbow::<f64>::new(3, 2, 2, &mut || 0.0);
    /// let contexts = Ids::from_rows([[0, 2]]);
    /// // all weights zero: uniform scores over 3 words
    /// let loss = m.loss(contexts.view(), Targets::Indices(&[1]));
    /// assert!((loss - 3f64.ln()).abs() < 1e-6);
    /// ```
    fn loss(&mut self, x: <Self::Input as Batch>::View<'_>, t: Targets<'_, T>) -> T;
    /// Whether the book computes this model's loss in `float64` although
    /// the model runs in `float32` (numpy promotes `TimeSoftmaxWithLoss`'s
    /// `float32` sum divided by an integer count). The
    /// [`Trainer`](super::Trainer) then takes [`loss_f64`](Self::loss_f64)
    /// and averages in `f64`; otherwise it averages in `T`, as numpy adds
    /// `T` scalars. Default: `false`.
    ///
    /// ```
    /// use groundup::model::{Seq2seq, TwoLayerNet};
    /// use groundup::train::Trainable;
    /// assert!(!<TwoLayerNet<f32> as Trainable<f32>>::LOSS_IN_F64);
    /// assert!(<Seq2seq<f32> as Trainable<f32>>::LOSS_IN_F64);
    /// ```
    const LOSS_IN_F64: bool = false;
    /// The loss in `f64`: by default [`loss`](Self::loss) widened; a model
    /// with [`LOSS_IN_F64`](Self::LOSS_IN_F64) returns it unrounded.
    ///
    /// ```
    /// use groundup::{layers::Targets, matrix::Ids, model::SimpleCbow, train::Trainable};
    /// let mut m = SimpleCbow::<f32>::new(3, 2, 2, &mut || 0.0);
    /// let x = Ids::from_rows([[0, 2]]);
    /// let l = m.loss_f64(x.view(), Targets::Indices(&[1]));
    /// assert_eq!(l, f64::from(m.loss(x.view(), Targets::Indices(&[1])))); // the f32 loss, widened
    /// assert!((l - 3f64.ln()).abs() < 1e-6); // uniform scores over 3 words
    /// ```
    fn loss_f64(&mut self, x: <Self::Input as Batch>::View<'_>, t: Targets<'_, T>) -> f64 {
        self.loss(x, t).to_f64()
    }
    /// Overwrites every parameter's gradient with that of the last
    /// [`loss`](Self::loss) (dout = 1).
    ///
    /// ```
    /// use groundup::{layers::Targets, matrix::Ids, model::{Params, SimpleCbow}, train::Trainable};
    /// let mut m = SimpleCbow::<f64>::new(3, 2, 2, &mut || 1.0);
    /// m.loss(Ids::from_rows([[0, 2]]).view(), Targets::Indices(&[1]));
    /// m.backprop();
    /// // word 1 is no context: its row of W_in gets no gradient
    /// assert!(m.params()[0].grad.row(1).iter().all(|&g| g == 0.0));
    /// assert!(m.params()[0].grad.row(0).iter().any(|&g| g != 0.0));
    /// ```
    fn backprop(&mut self);
    /// Checks a whole data set before training: shapes, classes, ids.
    /// The default accepts everything.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] or [`Error::InvalidArgument`] naming what
    /// does not fit the model.
    ///
    /// ```
    /// use groundup::{layers::Targets, matrix::Ids, model::SimpleCbow, train::Trainable};
    /// let m = SimpleCbow::<f32>::new(3, 2, 2, &mut || 0.0);
    /// let err = m.check_data(&Ids::from_rows([[0, 7]]), Targets::Indices(&[1])).unwrap_err();
    /// assert!(err.to_string().contains("context id 7 at row 0, column 1"));
    /// ```
    fn check_data(&self, _x: &Self::Input, _t: Targets<'_, T>) -> Result<()> {
        Ok(())
    }
    /// The random stream the model draws from while training, if it has
    /// one. The book keeps one global stream: the trainer's shuffles then
    /// come from this stream too, interleaved with the model's draws.
    ///
    /// ```
    /// use groundup::{model::{Cbow, SimpleCbow}, train::Trainable, RandomState};
    /// let mut rng = RandomState::new(0);
    /// let mut cbow = Cbow::<f32>::new(7, 4, 1, &[0, 1, 2, 3, 4, 5, 6], &mut rng)?;
    /// assert_eq!(cbow.rng(), Some(&mut rng)); // the stream after the weights
    /// assert!(SimpleCbow::<f32>::new(3, 2, 2, &mut || 0.0).rng().is_none());
    /// # Ok::<(), groundup::Error>(())
    /// ```
    fn rng(&mut self) -> Option<&mut RandomState> {
        None
    }
}

/// The [`Trainable::check_data`] of a [`Model`] with [`Matrix`] input: the
/// input width and the target classes against the model's
/// [`input_cols`](Model::input_cols) and [`output_cols`](Model::output_cols).
/// A custom `Model` implements [`Trainable`] in four lines with it:
///
/// ```
/// use groundup::layers::{Param, Targets};
/// use groundup::matrix::{Matrix, MatrixView};
/// use groundup::model::{Model, Params};
/// use groundup::train::{check_model_data, Trainable};
/// # struct Net;
/// # impl Params<f64> for Net {
/// #     fn for_each_param(&mut self, _: &mut dyn FnMut(usize, &mut Param<f64>)) {}
/// #     fn params(&self) -> Vec<&Param<f64>> { vec![] }
/// #     fn param_names(&self) -> Vec<String> { vec![] }
/// # }
/// # impl Model<f64> for Net {
/// #     fn predict(&mut self, _: MatrixView<'_, f64>) -> &Matrix<f64> { unimplemented!() }
/// #     fn infer(&self, _: MatrixView<'_, f64>) -> Matrix<f64> { unimplemented!() }
/// #     fn forward(&mut self, _: MatrixView<'_, f64>, _: Targets<'_, f64>) -> f64 { 0.0 }
/// #     fn backward(&mut self) -> &Matrix<f64> { unimplemented!() }
/// #     fn input_cols(&self) -> Option<usize> { Some(2) }
/// # }
/// impl Trainable<f64> for Net {
///     type Input = Matrix<f64>;
///     fn loss(&mut self, x: MatrixView<'_, f64>, t: Targets<'_, f64>) -> f64 { self.forward(x, t) }
///     fn backprop(&mut self) { self.backward(); }
///     fn check_data(&self, x: &Matrix<f64>, t: Targets<'_, f64>) -> groundup::Result<()> {
///         check_model_data(self, x, t)
///     }
/// }
/// let x = Matrix::<f64>::zeros(4, 3);
/// assert!(Net.check_data(&x, Targets::Indices(&[0, 1, 0, 1])).is_err()); // width 3, not 2
/// ```
///
/// # Errors
/// [`Error::ShapeMismatch`] when `x` has another width than the model
/// takes, or one-hot targets another width than its outputs;
/// [`Error::InvalidArgument`] naming the row of a class index out of range.
pub fn check_model_data<T: Scalar, M: Model<T> + ?Sized>(
    model: &M,
    x: &Matrix<T>,
    t: Targets<'_, T>,
) -> Result<()> {
    if let Some(w) = model.input_cols() {
        if w != x.cols() {
            return Err(Error::ShapeMismatch {
                op: format!(
                    "Trainer::fit: the model takes inputs of width {w}; x shape and model input"
                ),
                left: x.shape(),
                right: (x.rows(), w),
            });
        }
    }
    if let Targets::Sequences(s) = t.flat() {
        return Err(Error::InvalidArgument(format!(
            "Trainer::fit: t holds sequences of {} ids per row; the model takes one class per row",
            s.cols()
        )));
    }
    if let Some(classes) = model.output_cols() {
        match t.flat() {
            Targets::OneHot(m) if m.cols() != classes && classes > 1 => {
                return Err(Error::ShapeMismatch {
                    op: format!("Trainer::fit: the model outputs {classes} scores per row; t shape and model output"),
                    left: m.shape(),
                    right: (m.rows(), classes),
                })
            }
            Targets::Indices(idx) => {
                let limit = classes.max(2);
                if let Some((row, &c)) = idx.iter().enumerate().find(|(_, &c)| c >= limit) {
                    return Err(Error::InvalidArgument(format!(
                        "Trainer::fit: target class {c} at row {row} is out of range for a model with {classes} outputs"
                    )));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// [`Trainable`] for the crate's [`Model`]s: the loss is
/// [`Model::forward`], the gradients [`Model::backward_params`].
macro_rules! trainable_model {
    ($($ty:ident),*) => {$(
        impl<T: Scalar> Trainable<T> for crate::model::$ty<T> {
            type Input = Matrix<T>;
            fn loss(&mut self, x: MatrixView<'_, T>, t: Targets<'_, T>) -> T {
                self.forward(x, t)
            }
            fn backprop(&mut self) {
                self.backward_params();
            }
            fn check_data(&self, x: &Matrix<T>, t: Targets<'_, T>) -> Result<()> {
                check_model_data(self, x, t)
            }
        }
    )*};
}

trainable_model!(Sequential, TwoLayerNet);
