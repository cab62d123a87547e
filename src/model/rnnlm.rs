//! The language models of chapters 5–6 and their text generation
//! (chapter 7's `RnnlmGen`): [`SimpleRnnlm`] (`ch05/simple_rnnlm.py`: an
//! embedding, a tanh RNN, an affine output), [`Rnnlm`] (`ch06/rnnlm.py`:
//! the RNN replaced by an LSTM) and [`BetterRnnlm`]
//! (`ch06/better_rnnlm.py`: two LSTM layers, dropout before and after
//! each, and the output weight tied to the embedding).
//!
//! All three implement [`LanguageModel`]: the loss of a batch of id
//! sequences (`xs`, `ts`: `N x T` [`Ids`], `ts` the next word of each),
//! its gradients, the recurrent state carried from batch to batch, and the
//! random stream (the book's global one) that dropout and
//! [`generate`](LanguageModel::generate) draw from. The weights are drawn
//! as the book draws them: `randn` in `f64`, scaled in `f64`, then rounded
//! to `T` (`(rn(V, D) / 100).astype('f')`), in the order of the book's
//! constructor.
//!
//! ```
//! use groundup::matrix::Ids;
//! use groundup::model::{LanguageModel, Rnnlm};
//! use groundup::optim::{Optimizer, Sgd};
//! use groundup::RandomState;
//! let mut model = Rnnlm::<f32>::new(10, 8, 8, &mut RandomState::new(0));
//! let xs = Ids::from_rows([[1, 2, 3, 4], [5, 6, 7, 8]]);
//! let ts = Ids::from_rows([[2, 3, 4, 5], [6, 7, 8, 9]]);
//! let first = model.forward(xs.view(), ts.view());
//! assert!((first - 10f64.ln()).abs() < 0.05); // about uniform over 10 words
//! let mut sgd = Sgd::new(1.0);
//! for _ in 0..20 {
//!     model.reset_state();
//!     model.forward(xs.view(), ts.view());
//!     model.backward();
//!     sgd.update(&mut model);
//! }
//! model.reset_state();
//! assert!(model.forward(xs.view(), ts.view()) < first);
//! ```

use crate::error::{Error, Result};
use crate::gemm::Transpose;
use crate::layers::time::{
    affine_backward, affine_forward, softmax_row, TimeAffine, TimeDropout, TimeEmbedding, TimeLstm,
    TimeRnn, TimeSoftmaxWithLoss,
};
use crate::layers::{Param, ParamKind};
use crate::matrix::{Ids, IdsView, Matrix};
use crate::model::Params;
use crate::rng::RandomState;
use crate::scalar::Scalar;

/// A language model over word ids, as the book's `RnnlmTrainer`,
/// `eval_perplexity` and `RnnlmGen` use it.
///
/// ```
/// use groundup::matrix::Ids;
/// use groundup::model::{LanguageModel, SimpleRnnlm};
/// use groundup::RandomState;
/// let mut model = SimpleRnnlm::<f64>::new(5, 3, 4, &mut RandomState::new(1));
/// let loss = model.forward(Ids::from_rows([[0, 1]]).view(), Ids::from_rows([[1, 2]]).view());
/// model.backward();
/// assert!(loss > 0.0 && model.vocab_size() == 5);
/// ```
pub trait LanguageModel<T: Scalar>: Params<T> {
    /// The mean cross-entropy of predicting `ts` from `xs` (both `N x T`
    /// ids, sequence by row), continuing from the carried state; keeps what
    /// [`backward`](Self::backward) needs. In `f64`, as the book's loss
    /// (numpy promotes the `f32` sum over a count to `float64`).
    ///
    /// ```
    /// use groundup::{matrix::Ids, model::{LanguageModel, Rnnlm}, RandomState};
    /// let mut m = Rnnlm::<f32>::new(4, 2, 2, &mut RandomState::new(0));
    /// let l = m.forward(Ids::from_rows([[0, 1, 2]]).view(), Ids::from_rows([[1, 2, 3]]).view());
    /// assert!((l - 4f64.ln()).abs() < 0.01);
    /// ```
    fn forward(&mut self, xs: IdsView<'_>, ts: IdsView<'_>) -> f64;
    /// Overwrites every parameter's gradient with that of the last
    /// [`forward`](Self::forward) (tied weights get the sum of both uses).
    ///
    /// ```
    /// use groundup::{matrix::Ids, model::{LanguageModel, Params, Rnnlm}, RandomState};
    /// let mut m = Rnnlm::<f64>::new(4, 2, 2, &mut RandomState::new(0));
    /// m.forward(Ids::from_rows([[0, 1]]).view(), Ids::from_rows([[1, 2]]).view());
    /// m.backward();
    /// assert!(m.params()[0].grad.row(3).iter().all(|&g| g == 0.0)); // word 3 was not input
    /// ```
    fn backward(&mut self);
    /// Scores for every step (`T·N x V`, time-major: row `t·N + n`) in the
    /// current mode, continuing from the carried state.
    ///
    /// ```
    /// use groundup::{matrix::Ids, model::{LanguageModel, Rnnlm}, RandomState};
    /// let mut m = Rnnlm::<f32>::new(6, 3, 3, &mut RandomState::new(0));
    /// assert_eq!(m.predict(Ids::from_rows([[0, 1], [2, 3]]).view()).shape(), (4, 6));
    /// ```
    fn predict(&mut self, xs: IdsView<'_>) -> &Matrix<T>;
    /// Forgets the recurrent state (the book's `reset_state`).
    ///
    /// ```
    /// use groundup::{matrix::Ids, model::{LanguageModel, Rnnlm}, RandomState};
    /// let mut m = Rnnlm::<f64>::new(6, 3, 3, &mut RandomState::new(0));
    /// let x = Ids::from_rows([[4]]);
    /// let first = m.predict(x.view()).clone();
    /// assert_ne!(m.predict(x.view()), &first); // the state carried over
    /// m.reset_state();
    /// assert_eq!(m.predict(x.view()), &first);
    /// ```
    fn reset_state(&mut self);
    /// Training (dropout drops) or evaluation mode. Default: no-op.
    ///
    /// ```
    /// use groundup::{model::{BetterRnnlm, LanguageModel}, RandomState};
    /// let mut m = BetterRnnlm::<f32>::new(10, 4, 4, 0.5, &mut RandomState::new(0)).unwrap();
    /// m.set_training(false); // eval_perplexity and generate do this
    /// ```
    fn set_training(&mut self, _training: bool) {}
    /// The number of words `V`.
    ///
    /// ```
    /// use groundup::{model::{LanguageModel, SimpleRnnlm}, RandomState};
    /// assert_eq!(SimpleRnnlm::<f32>::new(7, 2, 2, &mut RandomState::new(0)).vocab_size(), 7);
    /// ```
    fn vocab_size(&self) -> usize;
    /// The model's random stream (dropout masks, generation): a copy of
    /// the constructor's stream after the weights were drawn, as the book's
    /// one global stream continues.
    ///
    /// ```
    /// use groundup::{model::{LanguageModel, Rnnlm}, RandomState};
    /// let mut rng = RandomState::new(3);
    /// let mut m = Rnnlm::<f32>::new(5, 2, 2, &mut rng);
    /// assert_eq!(m.rng(), &rng); // continues where the weights left it
    /// ```
    fn rng(&mut self) -> &mut RandomState;

    /// Chapter 7's `RnnlmGen.generate(start_id, skip_ids, sample_size)`:
    /// from `start_id`, feed one word at a time (batch 1, one step, the
    /// state carried) in evaluation mode, turn the last scores into
    /// probabilities with the book's 1-D softmax, and draw the next word
    /// with numpy's `choice(V, size=1, p=p)` from [`rng`](Self::rng)
    /// ([`choice_p_typed`](RandomState::choice_p_typed): `p` in `T`). A
    /// word in `skip_ids` is not kept: the last kept word is fed again.
    /// Returns `sample_size` ids, `start_id` first (`[start_id]` when
    /// `sample_size` is 0 or 1, as the book's loop).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when `start_id` is outside the vocabulary,
    /// or the probabilities are not a distribution numpy would accept (a
    /// model with non-finite weights).
    ///
    /// ```
    /// use groundup::{model::{LanguageModel, Rnnlm}, RandomState};
    /// let mut m = Rnnlm::<f32>::new(20, 4, 4, &mut RandomState::new(0));
    /// let ids = m.generate(3, &[0, 1], 10)?;
    /// assert_eq!((ids.len(), ids[0]), (10, 3));
    /// assert!(ids[1..].iter().all(|&id| id > 1 && id < 20));
    /// # Ok::<(), groundup::Error>(())
    /// ```
    fn generate(
        &mut self,
        start_id: usize,
        skip_ids: &[usize],
        sample_size: usize,
    ) -> Result<Vec<usize>> {
        let vocab = self.vocab_size();
        if start_id >= vocab {
            return Err(Error::InvalidArgument(format!(
                "generate: start id {start_id} is outside the vocabulary of {vocab} words"
            )));
        }
        self.set_training(false);
        let mut word_ids = vec![start_id];
        let mut x = Ids::from_rows([[start_id]]);
        let mut p = vec![T::ZERO; vocab];
        let result = (|| {
            while word_ids.len() < sample_size {
                let score = self.predict(x.view());
                // The book's 1-D softmax: exp(x − max) / sum(exp(x − max)).
                softmax_row(score.row(0), &mut p);
                let sampled = self.rng().choice_p_typed(&p, 1, true)?[0];
                if !skip_ids.contains(&sampled) {
                    x = Ids::from_rows([[sampled]]);
                    word_ids.push(sampled);
                }
            }
            Ok(())
        })();
        self.set_training(true);
        result.map(|()| word_ids)
    }
}

/// `(randn(rows, cols) / div).astype(T)`: each draw divided in `f64`, then
/// rounded.
pub(super) fn scaled_randn<T: Scalar>(
    rows: usize,
    cols: usize,
    div: f64,
    rng: &mut RandomState,
) -> Matrix<T> {
    Matrix::from_fn(rows, cols, |_, _| T::from_f64(rng.randn() / div))
}

/// `rn(D, k·H) / sqrt(D)`: the book's scaling of recurrent weights.
pub(super) fn xavier<T: Scalar>(rows: usize, cols: usize, rng: &mut RandomState) -> Matrix<T> {
    scaled_randn(rows, cols, (rows as f64).sqrt(), rng)
}

/// Visits `params` (a layer's) as consecutive indices from `*next`.
pub(super) fn visit<T: Scalar>(
    params: &mut [Param<T>],
    next: &mut usize,
    f: &mut dyn FnMut(usize, &mut Param<T>),
) {
    for p in params {
        f(*next, p);
        *next += 1;
    }
}

/// `prefix.name` for each of a layer's parameters.
pub(super) fn names<const K: usize>(prefix: &str, info: [(&str, ParamKind); K]) -> Vec<String> {
    info.iter().map(|(n, _)| format!("{prefix}.{n}")).collect()
}

pub(super) fn kinds<const K: usize>(info: [(&str, ParamKind); K]) -> Vec<ParamKind> {
    info.iter().map(|&(_, k)| k).collect()
}

/// `Params` and `LanguageModel` of a model that is `embed → cell →
/// affine → loss` ([`SimpleRnnlm`] with a [`TimeRnn`], [`Rnnlm`] with a
/// [`TimeLstm`]): the two differ only in the recurrent layer.
macro_rules! embed_cell_affine {
    ($model:ident, $cell:ident, $Cell:ident, $prefix:literal) => {
        impl<T: Scalar> Params<T> for $model<T> {
            fn for_each_param(&mut self, f: &mut dyn FnMut(usize, &mut Param<T>)) {
                let mut next = 0;
                visit(self.embed.params_mut(), &mut next, f);
                visit(self.$cell.params_mut(), &mut next, f);
                visit(self.affine.params_mut(), &mut next, f);
            }
            fn params(&self) -> Vec<&Param<T>> {
                let e = self.embed.params().iter();
                e.chain(self.$cell.params())
                    .chain(self.affine.params())
                    .collect()
            }
            fn param_names(&self) -> Vec<String> {
                let mut n = names("embed", TimeEmbedding::<T>::param_info());
                n.extend(names($prefix, $Cell::<T>::param_info()));
                n.extend(names("affine", TimeAffine::<T>::param_info()));
                n
            }
            fn param_kinds(&self) -> Vec<ParamKind> {
                let mut k = kinds(TimeEmbedding::<T>::param_info());
                k.extend(kinds($Cell::<T>::param_info()));
                k.extend(kinds(TimeAffine::<T>::param_info()));
                k
            }
        }

        impl<T: Scalar> LanguageModel<T> for $model<T> {
            fn forward(&mut self, xs: IdsView<'_>, ts: IdsView<'_>) -> f64 {
                self.predict(xs);
                self.loss.forward(self.affine.output().view(), ts)
            }
            fn backward(&mut self) {
                let dout = self.loss.backward();
                let dx = self.affine.backward(dout.view());
                let dx = self.$cell.backward(dx.view());
                self.embed.backward(dx.view());
            }
            fn predict(&mut self, xs: IdsView<'_>) -> &Matrix<T> {
                let e = self.embed.forward(xs);
                let h = self.$cell.forward(e.view(), xs.rows());
                self.affine.forward(h)
            }
            fn reset_state(&mut self) {
                self.$cell.reset_state();
            }
            fn vocab_size(&self) -> usize {
                self.embed.params()[0].value.rows()
            }
            fn rng(&mut self) -> &mut RandomState {
                &mut self.rng
            }
        }
    };
}

/// The book's chapter 5 `SimpleRnnlm(vocab_size, wordvec_size,
/// hidden_size)`: `TimeEmbedding → TimeRNN (stateful) → TimeAffine →
/// TimeSoftmaxWithLoss`. Weights: `embed_W = rn(V, D) / 100`,
/// `rnn_Wx = rn(D, H) / √D`, `rnn_Wh = rn(H, H) / √H`, `rnn_b = 0`,
/// `affine_W = rn(H, V) / √H`, `affine_b = 0`.
///
/// ```
/// use groundup::model::{Params, SimpleRnnlm};
/// use groundup::RandomState;
/// let model = SimpleRnnlm::<f32>::new(100, 10, 20, &mut RandomState::new(0));
/// assert_eq!(model.param_names(), ["embed.W", "rnn.Wx", "rnn.Wh", "rnn.b", "affine.W", "affine.b"]);
/// ```
#[derive(Clone, Debug)]
pub struct SimpleRnnlm<T: Scalar> {
    embed: TimeEmbedding<T>,
    rnn: TimeRnn<T>,
    affine: TimeAffine<T>,
    loss: TimeSoftmaxWithLoss<T>,
    rng: RandomState,
}

impl<T: Scalar> SimpleRnnlm<T> {
    /// Draws the weights from `rng` in the book's order; the model keeps a
    /// copy of `rng` after the draws as its stream.
    ///
    /// ```
    /// use groundup::model::{Params, SimpleRnnlm};
    /// use groundup::RandomState;
    /// let m = SimpleRnnlm::<f64>::new(10, 4, 6, &mut RandomState::new(0));
    /// assert_eq!(m.params()[4].value.shape(), (6, 10)); // affine W: H x V
    /// ```
    pub fn new(vocab: usize, wordvec: usize, hidden: usize, rng: &mut RandomState) -> Self {
        let (v, d, h) = (vocab, wordvec, hidden);
        let embed_w = scaled_randn(v, d, 100.0, rng);
        let rnn_wx = xavier(d, h, rng);
        let rnn_wh = xavier(h, h, rng);
        let affine_w = xavier(h, v, rng);
        SimpleRnnlm {
            embed: TimeEmbedding::new(embed_w),
            rnn: TimeRnn::new(rnn_wx, rnn_wh, Matrix::zeros(1, h), true),
            affine: TimeAffine::new(affine_w, Matrix::zeros(1, v)),
            loss: TimeSoftmaxWithLoss::new(),
            rng: rng.clone(),
        }
    }
}

embed_cell_affine!(SimpleRnnlm, rnn, TimeRnn, "rnn");

/// The book's chapter 6 `Rnnlm(vocab_size=10000, wordvec_size=100,
/// hidden_size=100)`: `TimeEmbedding → TimeLSTM (stateful) → TimeAffine →
/// TimeSoftmaxWithLoss`. Weights: `embed_W = rn(V, D) / 100`,
/// `lstm_Wx = rn(D, 4H) / √D`, `lstm_Wh = rn(H, 4H) / √H`, `lstm_b = 0`,
/// `affine_W = rn(H, V) / √H`, `affine_b = 0`.
///
/// ```
/// use groundup::model::{Params, Rnnlm};
/// use groundup::RandomState;
/// let model = Rnnlm::<f32>::new(100, 10, 20, &mut RandomState::new(0));
/// assert_eq!(model.params()[2].value.shape(), (20, 80)); // lstm Wh: H x 4H
/// ```
#[derive(Clone, Debug)]
pub struct Rnnlm<T: Scalar> {
    embed: TimeEmbedding<T>,
    lstm: TimeLstm<T>,
    affine: TimeAffine<T>,
    loss: TimeSoftmaxWithLoss<T>,
    rng: RandomState,
}

impl<T: Scalar> Rnnlm<T> {
    /// Draws the weights from `rng` in the book's order; the model keeps a
    /// copy of `rng` after the draws as its stream.
    ///
    /// ```
    /// use groundup::model::{Params, Rnnlm};
    /// use groundup::RandomState;
    /// let m = Rnnlm::<f64>::new(10, 4, 6, &mut RandomState::new(0));
    /// assert_eq!(m.param_names()[1], "lstm.Wx");
    /// ```
    pub fn new(vocab: usize, wordvec: usize, hidden: usize, rng: &mut RandomState) -> Self {
        let (v, d, h) = (vocab, wordvec, hidden);
        let embed_w = scaled_randn(v, d, 100.0, rng);
        let wx = xavier(d, 4 * h, rng);
        let wh = xavier(h, 4 * h, rng);
        let affine_w = xavier(h, v, rng);
        Rnnlm {
            embed: TimeEmbedding::new(embed_w),
            lstm: TimeLstm::new(wx, wh, Matrix::zeros(1, 4 * h), true),
            affine: TimeAffine::new(affine_w, Matrix::zeros(1, v)),
            loss: TimeSoftmaxWithLoss::new(),
            rng: rng.clone(),
        }
    }
}

embed_cell_affine!(Rnnlm, lstm, TimeLstm, "lstm");

/// The book's chapter 6 `BetterRnnlm(vocab_size, wordvec_size=650,
/// hidden_size=650, dropout_ratio=0.5)`: `TimeEmbedding → TimeDropout →
/// TimeLSTM → TimeDropout → TimeLSTM → TimeDropout → TimeAffine →
/// TimeSoftmaxWithLoss`, both LSTMs stateful, and the affine weight tied
/// to the embedding (`TimeAffine(embed_W.T, affine_b)`): one parameter,
/// whose gradient is the embedding's plus the transposed affine one, as the
/// book's `remove_duplicate` sums them. Weights in the book's order:
/// `embed_W = rn(V, D) / 100`, `Wx1 = rn(D, 4H) / √D`, `Wh1 = rn(H, 4H) / √H`,
/// `Wx2`, `Wh2 = rn(H, 4H) / √H`, biases 0.
///
/// ```
/// use groundup::model::{BetterRnnlm, Params};
/// use groundup::RandomState;
/// let model = BetterRnnlm::<f32>::new(50, 8, 8, 0.5, &mut RandomState::new(0))?;
/// // The tied weight appears once.
/// assert_eq!(model.param_names(), ["embed.W", "lstm1.Wx", "lstm1.Wh", "lstm1.b",
///     "lstm2.Wx", "lstm2.Wh", "lstm2.b", "affine.b"]);
/// # Ok::<(), groundup::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct BetterRnnlm<T: Scalar> {
    embed: TimeEmbedding<T>,
    drops: [TimeDropout<T>; 3],
    lstm1: TimeLstm<T>,
    lstm2: TimeLstm<T>,
    affine_b: Param<T>,
    loss: TimeSoftmaxWithLoss<T>,
    /// The scores (the tied affine's output).
    scores: Matrix<T>,
    dx: Matrix<T>,
    rng: RandomState,
}

impl<T: Scalar> BetterRnnlm<T> {
    /// Draws the weights from `rng` in the book's order; the model keeps a
    /// copy of `rng` after the draws as its stream (dropout masks).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when `wordvec != hidden` (the tied
    /// weight serves both as `V x D` embedding and as the `H x V` output),
    /// or the dropout ratio is outside `[0, 1)`.
    ///
    /// ```
    /// use groundup::{model::BetterRnnlm, RandomState};
    /// let err = BetterRnnlm::<f32>::new(10, 4, 6, 0.5, &mut RandomState::new(0)).unwrap_err();
    /// assert!(err.to_string().contains("wordvec size 4 must equal the hidden size 6"), "{err}");
    /// ```
    pub fn new(
        vocab: usize,
        wordvec: usize,
        hidden: usize,
        dropout: f64,
        rng: &mut RandomState,
    ) -> Result<Self> {
        if wordvec != hidden {
            return Err(Error::InvalidArgument(format!(
                "BetterRnnlm: the wordvec size {wordvec} must equal the hidden size {hidden} (the embedding is tied to the output weight)"
            )));
        }
        if !(0.0..1.0).contains(&dropout) {
            return Err(Error::InvalidArgument(format!(
                "BetterRnnlm: the dropout ratio {dropout} is outside [0, 1)"
            )));
        }
        let (v, d, h) = (vocab, wordvec, hidden);
        let embed_w = scaled_randn(v, d, 100.0, rng);
        let wx1 = xavier(d, 4 * h, rng);
        let wh1 = xavier(h, 4 * h, rng);
        let wx2 = xavier(h, 4 * h, rng);
        let wh2 = xavier(h, 4 * h, rng);
        Ok(BetterRnnlm {
            embed: TimeEmbedding::new(embed_w),
            drops: [
                TimeDropout::new(dropout),
                TimeDropout::new(dropout),
                TimeDropout::new(dropout),
            ],
            lstm1: TimeLstm::new(wx1, wh1, Matrix::zeros(1, 4 * h), true),
            lstm2: TimeLstm::new(wx2, wh2, Matrix::zeros(1, 4 * h), true),
            affine_b: Param::new(Matrix::zeros(1, v)),
            loss: TimeSoftmaxWithLoss::new(),
            scores: Matrix::zeros(0, 0),
            dx: Matrix::zeros(0, 0),
            rng: rng.clone(),
        })
    }
}

impl<T: Scalar> Params<T> for BetterRnnlm<T> {
    fn for_each_param(&mut self, f: &mut dyn FnMut(usize, &mut Param<T>)) {
        let mut next = 0;
        visit(self.embed.params_mut(), &mut next, f);
        visit(self.lstm1.params_mut(), &mut next, f);
        visit(self.lstm2.params_mut(), &mut next, f);
        f(next, &mut self.affine_b);
    }
    fn params(&self) -> Vec<&Param<T>> {
        let e = self.embed.params().iter();
        e.chain(self.lstm1.params())
            .chain(self.lstm2.params())
            .chain([&self.affine_b])
            .collect()
    }
    fn param_names(&self) -> Vec<String> {
        let mut n = names("embed", TimeEmbedding::<T>::param_info());
        n.extend(names("lstm1", TimeLstm::<T>::param_info()));
        n.extend(names("lstm2", TimeLstm::<T>::param_info()));
        n.push("affine.b".into());
        n
    }
    fn param_kinds(&self) -> Vec<ParamKind> {
        let mut k = kinds(TimeEmbedding::<T>::param_info());
        k.extend(kinds(TimeLstm::<T>::param_info()));
        k.extend(kinds(TimeLstm::<T>::param_info()));
        k.push(ParamKind::Bias);
        k
    }
}

impl<T: Scalar> LanguageModel<T> for BetterRnnlm<T> {
    fn forward(&mut self, xs: IdsView<'_>, ts: IdsView<'_>) -> f64 {
        self.predict(xs);
        self.loss.forward(self.scores.view(), ts)
    }
    fn backward(&mut self) {
        let dout = self.loss.backward();
        let w = &mut self.embed.params_mut()[0];
        let [d1, d2, d3] = &mut self.drops;
        // The affine's input is the last dropout's output.
        affine_backward(
            "BetterRnnlm affine",
            dout.view(),
            d3.output().view(),
            &w.value,
            Transpose::Yes,
            &mut w.grad,
            T::ZERO,
            &mut self.affine_b.grad,
            &mut self.dx,
        );
        let dx = d3.backward(self.dx.view());
        let dx = self.lstm2.backward(dx.view());
        let dx = d2.backward(dx.view());
        let dx = self.lstm1.backward(dx.view());
        let dx = d1.backward(dx.view());
        self.embed.backward_accumulate(dx.view());
    }
    fn predict(&mut self, xs: IdsView<'_>) -> &Matrix<T> {
        let n = xs.rows();
        let [d1, d2, d3] = &mut self.drops;
        let rng = &mut self.rng;
        let e = self.embed.forward(xs);
        let x = d1.forward(e.view(), n, rng);
        let x = self.lstm1.forward(x.view(), n);
        let x = d2.forward(x, n, rng);
        let x = self.lstm2.forward(x.view(), n);
        let x = d3.forward(x, n, rng);
        affine_forward(
            "BetterRnnlm affine",
            x.view(),
            &self.embed.params()[0].value,
            Transpose::Yes,
            &self.affine_b.value,
            &mut self.scores,
        );
        &self.scores
    }
    fn reset_state(&mut self) {
        self.lstm1.reset_state();
        self.lstm2.reset_state();
    }
    fn set_training(&mut self, training: bool) {
        for d in &mut self.drops {
            d.set_training(training);
        }
    }
    fn vocab_size(&self) -> usize {
        self.affine_b.value.cols()
    }
    fn rng(&mut self) -> &mut RandomState {
        &mut self.rng
    }
}
