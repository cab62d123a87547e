//! Layers over time, after the book's `common/time_layers.py`: recurrent
//! layers ([`TimeRnn`], [`TimeLstm`], [`TimeGru`], the bidirectional
//! [`TimeBiLstm`]) with their one-step cells ([`Rnn`], [`Lstm`], [`Gru`]),
//! and the per-step layers that feed and read them ([`TimeEmbedding`],
//! [`TimeAffine`], [`TimeSoftmaxWithLoss`], [`TimeDropout`]).
//!
//! # Layout of a sequence batch
//!
//! The book holds a batch of `N` sequences of `T` steps as an `(N, T, D)`
//! array. Here it is a [`Matrix`](crate::Matrix) of `T·N` rows and `D`
//! columns, **time-major**: rows `t·N .. t·N + N` are time step `t`, one
//! row per sequence. Every step of the recurrence then reads and writes a
//! contiguous `N x D` block, and the products that do not depend on the
//! recurrence (`x·Wx` for every step, the weight gradients, `dx`) run as one
//! large GEMM over all `T·N` rows instead of `T` small ones.
//!
//! Word ids come in the book's form, an `N x T` [`Ids`](crate::matrix::Ids)
//! (one row per sequence); [`TimeEmbedding`] turns them into the time-major
//! layout and [`TimeSoftmaxWithLoss`] reads its targets the same way.
//! The element-wise functions are [`Scalar::exp_fast`]
//! and [`Scalar::tanh_fast`]: std's for `f64`
//! (gradient checks, exact runs), vectorizable polynomials within 1–3 ulp
//! for `f32`, whose results follow numpy's float32 runs to 1e-4 (numpy's
//! own float32 `exp` is not the C library's either).
//!
//! Where the book's result depends on the `(N, T)` order (the random
//! numbers of [`TimeDropout`]'s mask, the order the loss is summed in), the
//! layers follow the book's order.
//!
//! ```
//! use groundup::layers::time::{TimeAffine, TimeEmbedding, TimeSoftmaxWithLoss};
//! use groundup::{matrix, matrix::Ids, Matrix};
//! // Two sequences of three steps; the embedding copies rows, the affine is the identity.
//! let mut embed = TimeEmbedding::new(Matrix::<f64>::identity(4));
//! let mut affine = TimeAffine::new(Matrix::identity(4), Matrix::zeros(1, 4));
//! let mut loss = TimeSoftmaxWithLoss::new();
//! let xs = Ids::from_rows([[0, 1, 2], [3, 2, 1]]);
//! let e = embed.forward(xs.view()).clone();
//! assert_eq!(e.row(1), &[0.0, 0.0, 0.0, 1.0]); // step 0 of sequence 1: word 3
//! let scores = affine.forward(e.view()).clone();
//! let l = loss.forward(scores.view(), xs.view());
//! assert!(l > 0.0 && l < 4f64.ln()); // the right word scores highest
//! ```

mod affine;
mod bilstm;
mod dropout;
mod embedding;
mod gru;
mod lstm;
mod rnn;
mod softmax_loss;

pub use affine::TimeAffine;
pub use bilstm::TimeBiLstm;
pub use dropout::TimeDropout;
pub use embedding::TimeEmbedding;
pub use gru::{Gru, TimeGru};
pub use lstm::{Lstm, TimeLstm};
pub use rnn::{Rnn, TimeRnn};
pub use softmax_loss::{TimeSoftmaxWithLoss, IGNORE_LABEL};

pub(crate) use affine::{affine_backward, affine_forward};
pub(crate) use softmax_loss::softmax_row;

use crate::scalar::Scalar;

/// The book's `sigmoid(x) = 1 / (1 + exp(-x))`, in `T` (the exponential
/// by [`Scalar::exp_fast`]: std's for `f64`, a vectorizable polynomial
/// within 2 ulp for `f32`).
#[inline]
pub(crate) fn sigmoid<T: Scalar>(x: T) -> T {
    T::ONE / (T::ONE + (-x).exp_fast())
}

/// The number of time steps in `rows` time-major rows of batch `batch`;
/// panics naming the layer when the rows are not whole steps.
pub(crate) fn steps(layer: &str, rows: usize, batch: usize) -> usize {
    assert!(
        batch > 0 && rows % batch == 0,
        "{layer}.forward: {rows} rows are not whole time steps of a batch of {batch}"
    );
    rows / batch
}
