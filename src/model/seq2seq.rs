//! The encoder–decoder models of chapters 7–8: [`Seq2seq`]
//! (`ch07/seq2seq.py`), [`PeekySeq2seq`] (`ch07/peeky_seq2seq.py`: the
//! encoder's last state fed to every decoder step and to the output layer)
//! and [`AttentionSeq2seq`] (`ch08/attention_seq2seq.py`: the decoder
//! attends to every encoder state).
//!
//! All three are an [`EncoderDecoder`] of one [`Encoder`] (embedding and
//! a stateless LSTM over the question) and a decoder ([`Decoder`],
//! [`PeekyDecoder`], [`AttentionDecoder`]) that predicts the answer one
//! character at a time from the previous one (teacher forcing: the
//! decoder reads `ts[:, :-1]` and is scored on `ts[:, 1:]`).
//!
//! The weights are drawn as the book's constructors draw them, encoder
//! first: `randn` in `f64`, scaled in `f64`, rounded to `T`. With the
//! random stream that [`load_data`](crate::data::sequence::load_data)
//! returns, a model starts from the book's weights.
//!
//! States between the layers are time-major (see
//! [`layers::time`](crate::layers::time)): the encoder's `Tₑ·N x H`, row
//! `s·N + n` step `s` of question `n`.
//!
//! ```
//! use groundup::matrix::Ids;
//! use groundup::model::{Params, Seq2seq};
//! use groundup::optim::{Adam, Optimizer};
//! use groundup::RandomState;
//! // Learn to copy a 3-id question (vocabulary 0..5, 4 = the start id).
//! let mut model = Seq2seq::<f32>::new(5, 8, 16, &mut RandomState::new(0));
//! let xs = Ids::from_rows([[1, 2, 3], [3, 1, 2], [2, 2, 1]]);
//! let ts = Ids::from_rows([[4, 1, 2, 3], [4, 3, 1, 2], [4, 2, 2, 1]]);
//! let mut adam = Adam::new(0.05, 0.9, 0.999);
//! let first = model.forward(xs.view(), ts.view());
//! for _ in 0..150 {
//!     model.forward(xs.view(), ts.view());
//!     model.backward();
//!     adam.update(&mut model);
//! }
//! assert!(model.forward(xs.view(), ts.view()) < first / 10.0);
//! let answers = model.generate_batch(xs.view(), &[4, 4, 4], 3)?;
//! assert_eq!(answers, Ids::from_rows([[1, 2, 3], [3, 1, 2], [2, 2, 1]]));
//! # Ok::<(), groundup::Error>(())
//! ```

use crate::error::{Error, Result};
use crate::layers::attention::TimeAttention;
use crate::layers::time::{TimeAffine, TimeEmbedding, TimeLstm, TimeSoftmaxWithLoss};
use crate::layers::{Param, ParamKind, Targets};
use crate::matrix::{argmax_rows_into, Ids, IdsView, Matrix, MatrixView};
use crate::model::Params;
use crate::rng::RandomState;
use crate::scalar::Scalar;
use crate::train::Trainable;

use super::rnnlm::{kinds, names, scaled_randn, visit, xavier};

/// An LSTM of the book's seq2seq scripts: `Wx = rn(d_in, 4H) / √d_in`,
/// `Wh = rn(H, 4H) / √H`, `b = 0`.
fn lstm<T: Scalar>(d_in: usize, h: usize, stateful: bool, rng: &mut RandomState) -> TimeLstm<T> {
    let wx = xavier(d_in, 4 * h, rng);
    let wh = xavier(h, 4 * h, rng);
    TimeLstm::new(wx, wh, Matrix::zeros(1, 4 * h), stateful)
}

/// The last step (`N x H`) of time-major states.
fn last_step<T: Scalar>(hs: MatrixView<'_, T>, n: usize) -> MatrixView<'_, T> {
    hs.rows_view(hs.rows() - n..hs.rows())
}

/// `out[r] = [left[r or r % n], right[r]]` for every row `r` of `right`:
/// the book's `np.concatenate((a, b), axis=2)`, where `left` has either
/// the rows of `right` or `n` rows repeated over the steps (`np.repeat`).
fn concat_cols<T: Scalar>(left: MatrixView<'_, T>, right: MatrixView<'_, T>, out: &mut Matrix<T>) {
    let (rows, wr) = right.shape();
    let (lrows, wl) = left.shape();
    out.resize(rows, wl + wr);
    for r in 0..rows {
        let dst = out.row_mut(r);
        dst[..wl].copy_from_slice(left.row(r % lrows));
        dst[wl..].copy_from_slice(right.row(r));
    }
}

/// Columns `from..from + out.cols()` of `src` into `out` (resized to
/// `src.rows()` rows of `width`).
fn take_cols<T: Scalar>(src: MatrixView<'_, T>, from: usize, width: usize, out: &mut Matrix<T>) {
    out.resize(src.rows(), width);
    for r in 0..src.rows() {
        out.row_mut(r)
            .copy_from_slice(&src.row(r)[from..from + width]);
    }
}

/// The book's `Encoder` (and `AttentionEncoder`, which is the same layers
/// with every state returned): `TimeEmbedding → TimeLSTM` (stateless) over
/// the question ids. Weights: `embed_W = rn(V, D) / 100`, then the LSTM's.
///
/// ```
/// use groundup::{matrix::Ids, model::Encoder, RandomState};
/// let mut enc = Encoder::<f64>::new(13, 16, 32, &mut RandomState::new(0));
/// let xs = Ids::from_rows([[1, 2, 3, 4, 5, 6, 7], [7, 6, 5, 4, 3, 2, 1]]);
/// assert_eq!(enc.forward_all(xs.view()).shape(), (14, 32)); // 7 steps of 2, time-major
/// assert_eq!(enc.forward(xs.view()).shape(), (2, 32)); // the last step: the book's hs[:, -1, :]
/// ```
#[derive(Clone, Debug)]
pub struct Encoder<T: Scalar> {
    embed: TimeEmbedding<T>,
    lstm: TimeLstm<T>,
    batch: usize,
    dhs: Matrix<T>,
}

/// The book's `AttentionEncoder`: an [`Encoder`] whose every state the
/// decoder reads ([`Encoder::forward_all`], [`Encoder::backward_all`]).
///
/// ```
/// use groundup::{matrix::Ids, model::AttentionEncoder, RandomState};
/// let mut enc = AttentionEncoder::<f32>::new(10, 4, 6, &mut RandomState::new(0));
/// assert_eq!(enc.forward_all(Ids::from_rows([[1, 2, 3]]).view()).shape(), (3, 6));
/// ```
pub type AttentionEncoder<T> = Encoder<T>;

impl<T: Scalar> Encoder<T> {
    /// Draws `embed_W`, `Wx`, `Wh` from `rng` in the book's order.
    ///
    /// ```
    /// use groundup::{model::Encoder, RandomState};
    /// let enc = Encoder::<f32>::new(13, 16, 128, &mut RandomState::new(1984));
    /// assert_eq!(enc.hidden_size(), 128);
    /// ```
    pub fn new(vocab: usize, wordvec: usize, hidden: usize, rng: &mut RandomState) -> Self {
        let embed = TimeEmbedding::new(scaled_randn(vocab, wordvec, 100.0, rng));
        Encoder {
            embed,
            lstm: lstm(wordvec, hidden, false, rng),
            batch: 0,
            dhs: Matrix::zeros(0, 0),
        }
    }

    /// `H`.
    ///
    /// ```
    /// use groundup::{model::Encoder, RandomState};
    /// assert_eq!(Encoder::<f64>::new(5, 2, 3, &mut RandomState::new(0)).hidden_size(), 3);
    /// ```
    pub fn hidden_size(&self) -> usize {
        self.lstm.hidden_size()
    }

    /// The last hidden state of every question (`N x H`) for `xs`
    /// (`N x Tₑ` ids). Panics naming an id outside the vocabulary.
    ///
    /// ```
    /// use groundup::{matrix::Ids, model::Encoder, RandomState};
    /// let mut enc = Encoder::<f32>::new(5, 2, 3, &mut RandomState::new(0));
    /// let all = enc.forward_all(Ids::from_rows([[1, 2]]).view()).to_matrix();
    /// assert_eq!(enc.forward(Ids::from_rows([[1, 2]]).view()).row(0), all.row(1));
    /// ```
    pub fn forward(&mut self, xs: IdsView<'_>) -> MatrixView<'_, T> {
        let n = xs.rows();
        last_step(self.forward_all(xs), n)
    }

    /// Every hidden state (`Tₑ·N x H`, time-major) for `xs` (`N x Tₑ`).
    ///
    /// ```
    /// use groundup::{matrix::Ids, model::Encoder, RandomState};
    /// let mut enc = Encoder::<f64>::new(5, 2, 3, &mut RandomState::new(0));
    /// assert_eq!(enc.forward_all(Ids::from_rows([[1, 2, 3], [0, 0, 4]]).view()).shape(), (6, 3));
    /// ```
    pub fn forward_all(&mut self, xs: IdsView<'_>) -> MatrixView<'_, T> {
        self.batch = xs.rows();
        let e = self.embed.forward(xs);
        self.lstm.forward(e.view(), xs.rows())
    }

    /// The gradients of the last forward pass given `∂loss/∂h` of the last
    /// step (`N x H`): the book's `Encoder.backward(dh)`.
    ///
    /// ```
    /// use groundup::{matrix::Ids, model::{Encoder, Params}, Matrix, RandomState};
    /// let mut enc = Encoder::<f64>::new(5, 2, 3, &mut RandomState::new(0));
    /// enc.forward(Ids::from_rows([[1, 2]]).view());
    /// enc.backward(Matrix::filled(1, 3, 1.0).view());
    /// assert!(enc.params()[0].grad.row(1).iter().any(|&g| g != 0.0));
    /// assert!(enc.params()[0].grad.row(4).iter().all(|&g| g == 0.0)); // id 4 was not read
    /// ```
    pub fn backward(&mut self, dh: MatrixView<'_, T>) {
        let n = self.batch;
        let rows = self.lstm.output().rows();
        let hidden = self.hidden_size();
        assert!(
            dh.shape() == (n, hidden),
            "Encoder.backward: dh {:?} must be (N, H) = ({n}, {hidden})",
            dh.shape()
        );
        let mut dhs = std::mem::take(&mut self.dhs);
        dhs.resize(rows, hidden);
        dhs.fill(T::ZERO);
        dhs.as_mut_slice()[(rows - n) * hidden..].copy_from_slice(dh.as_slice());
        self.backward_all(dhs.view());
        self.dhs = dhs;
    }

    /// The gradients of the last forward pass given `∂loss/∂hs` of every
    /// step (`Tₑ·N x H`): the book's `AttentionEncoder.backward(dhs)`.
    ///
    /// ```
    /// use groundup::{matrix::Ids, model::{Encoder, Params}, Matrix, RandomState};
    /// let mut enc = Encoder::<f64>::new(5, 2, 3, &mut RandomState::new(0));
    /// enc.forward_all(Ids::from_rows([[1, 2]]).view());
    /// enc.backward_all(Matrix::filled(2, 3, 1.0).view());
    /// assert!(enc.params()[1].grad.iter().any(|&g| g != 0.0)); // the LSTM's Wx
    /// ```
    pub fn backward_all(&mut self, dhs: MatrixView<'_, T>) {
        let dx = self.lstm.backward(dhs);
        self.embed.backward(dx.view());
    }
}

impl<T: Scalar> Params<T> for Encoder<T> {
    fn for_each_param(&mut self, f: &mut dyn FnMut(usize, &mut Param<T>)) {
        let mut next = 0;
        visit(self.embed.params_mut(), &mut next, f);
        visit(self.lstm.params_mut(), &mut next, f);
    }
    fn params(&self) -> Vec<&Param<T>> {
        self.embed
            .params()
            .iter()
            .chain(self.lstm.params())
            .collect()
    }
    fn param_names(&self) -> Vec<String> {
        let mut n = names("embed", TimeEmbedding::<T>::param_info());
        n.extend(names("lstm", TimeLstm::<T>::param_info()));
        n
    }
    fn param_kinds(&self) -> Vec<ParamKind> {
        let mut k = kinds(TimeEmbedding::<T>::param_info());
        k.extend(kinds(TimeLstm::<T>::param_info()));
        k
    }
}

/// What an [`EncoderDecoder`] needs from its decoder: scores for the
/// answer's inputs given the encoder's states, the gradient back into
/// those states, and greedy generation. Implemented by [`Decoder`],
/// [`PeekyDecoder`] and [`AttentionDecoder`].
///
/// ```
/// use groundup::model::{AttentionSeq2seq, EncoderDecoder, PeekySeq2seq, Seq2seqDecoder};
/// use groundup::RandomState;
/// // Code generic over the decoder works with every model.
/// fn outputs<D: Seq2seqDecoder<f32>>(m: &EncoderDecoder<f32, D>) -> usize {
///     m.decoder().vocab_size()
/// }
/// assert_eq!(outputs(&PeekySeq2seq::<f32>::new(7, 2, 3, &mut RandomState::new(0))), 7);
/// assert_eq!(outputs(&AttentionSeq2seq::<f32>::new(9, 2, 3, &mut RandomState::new(0))), 9);
/// ```
pub trait Seq2seqDecoder<T: Scalar>: Params<T> + Sized {
    /// Draws the decoder's weights from `rng` in the book's order.
    ///
    /// ```
    /// use groundup::{model::{Decoder, Seq2seqDecoder}, RandomState};
    /// let d = <Decoder<f32> as Seq2seqDecoder<f32>>::new(13, 16, 128, &mut RandomState::new(0));
    /// ```
    fn new(vocab: usize, wordvec: usize, hidden: usize, rng: &mut RandomState) -> Self;
    /// Scores (`T_d·N x V`, time-major) for the decoder inputs `xs`
    /// (`N x T_d` ids) from the encoder states `hs_enc` (`Tₑ·N x H`,
    /// time-major; the plain and peeky decoders read the last step only).
    ///
    /// ```
    /// use groundup::{matrix::Ids, model::{Decoder, Seq2seqDecoder}, Matrix, RandomState};
    /// let mut d = <Decoder<f64> as Seq2seqDecoder<f64>>::new(6, 2, 3, &mut RandomState::new(0));
    /// let hs_enc = Matrix::zeros(4, 3); // 2 steps of 2 questions
    /// assert_eq!(d.forward(Ids::from_rows([[5, 1], [5, 2]]).view(), hs_enc.view()).shape(), (4, 6));
    /// ```
    fn forward(&mut self, xs: IdsView<'_>, hs_enc: MatrixView<'_, T>) -> &Matrix<T>;
    /// The gradients of the last forward pass given `dscore`; writes
    /// `∂loss/∂hs_enc` (`Tₑ·N x H`) into `denc`.
    ///
    /// ```
    /// use groundup::{matrix::Ids, model::{Decoder, Seq2seqDecoder}, Matrix, RandomState};
    /// let mut d = <Decoder<f64> as Seq2seqDecoder<f64>>::new(6, 2, 3, &mut RandomState::new(0));
    /// d.forward(Ids::from_rows([[5, 1]]).view(), Matrix::filled(3, 3, 0.1).view());
    /// let mut denc = Matrix::zeros(0, 0);
    /// d.backward(Matrix::filled(2, 6, 0.5).view(), &mut denc);
    /// assert_eq!(denc.shape(), (3, 3));
    /// assert!(denc.row(0).iter().all(|&g| g == 0.0)); // only the last step feeds the plain decoder
    /// ```
    fn backward(&mut self, dscore: MatrixView<'_, T>, denc: &mut Matrix<T>);
    /// Greedy decoding (the book's `generate`, for every question at
    /// once): from `start_ids` (one per question), feed each step's argmax
    /// back in; `sample_size` ids per question (`N x sample_size`).
    ///
    /// ```
    /// use groundup::{model::{Decoder, Seq2seqDecoder}, Matrix, RandomState};
    /// let mut d = <Decoder<f32> as Seq2seqDecoder<f32>>::new(6, 2, 3, &mut RandomState::new(0));
    /// assert_eq!(d.generate(Matrix::zeros(2, 3).view(), &[5, 5], 4).shape(), (2, 4));
    /// ```
    fn generate(
        &mut self,
        hs_enc: MatrixView<'_, T>,
        start_ids: &[usize],
        sample_size: usize,
    ) -> Ids;
    /// `V`, the number of output scores.
    ///
    /// ```
    /// use groundup::{model::{PeekyDecoder, Seq2seqDecoder}, RandomState};
    /// assert_eq!(<PeekyDecoder<f32> as Seq2seqDecoder<f32>>::new(6, 2, 3, &mut RandomState::new(0)).vocab_size(), 6);
    /// ```
    fn vocab_size(&self) -> usize;
}

/// The greedy loop of every decoder's `generate`, once its LSTM starts
/// from the encoder's state: from the `N x 1` start ids, `step` gives the
/// scores (`N x V`) after the inputs; their argmax is both the next input
/// and the next column of the answers (`N x sample_size`).
fn greedy_generate<D, T: Scalar>(
    decoder: &mut D,
    start_ids: &[usize],
    sample_size: usize,
    mut step: impl for<'a> FnMut(&'a mut D, IdsView<'_>) -> &'a Matrix<T>,
) -> Ids {
    let n = start_ids.len();
    let mut out = Ids::from_vec(n, sample_size, vec![0; n * sample_size]).expect("n·k ids");
    let mut x = Ids::column_vector(start_ids.to_vec());
    for col in 0..sample_size {
        let scores = step(decoder, x.view());
        argmax_rows_into(scores.as_slice(), scores.cols(), x.as_mut_slice());
        for (r, &id) in x.as_slice().iter().enumerate() {
            out.as_mut_slice()[r * sample_size + col] = id;
        }
    }
    out
}

/// The layers every decoder draws, in the book's order: `embed_W =
/// rn(V, D) / 100`, a stateful LSTM of `lstm_in` inputs (see `lstm`),
/// `affine_W = rn(affine_in, V) / √affine_in`, `affine_b = 0`.
fn decoder_layers<T: Scalar>(
    vocab: usize,
    wordvec: usize,
    hidden: usize,
    lstm_in: usize,
    affine_in: usize,
    rng: &mut RandomState,
) -> (TimeEmbedding<T>, TimeLstm<T>, TimeAffine<T>) {
    let embed = TimeEmbedding::new(scaled_randn(vocab, wordvec, 100.0, rng));
    let lstm = lstm(lstm_in, hidden, true, rng);
    let affine = TimeAffine::new(xavier(affine_in, vocab, rng), Matrix::zeros(1, vocab));
    (embed, lstm, affine)
}

/// Implements `Params` for a decoder of fields `embed`, `lstm`, `affine`.
macro_rules! decoder_params {
    ($ty:ident) => {
        impl<T: Scalar> Params<T> for $ty<T> {
            fn for_each_param(&mut self, f: &mut dyn FnMut(usize, &mut Param<T>)) {
                let mut next = 0;
                visit(self.embed.params_mut(), &mut next, f);
                visit(self.lstm.params_mut(), &mut next, f);
                visit(self.affine.params_mut(), &mut next, f);
            }
            fn params(&self) -> Vec<&Param<T>> {
                let e = self.embed.params().iter();
                e.chain(self.lstm.params())
                    .chain(self.affine.params())
                    .collect()
            }
            fn param_names(&self) -> Vec<String> {
                let mut n = names("embed", TimeEmbedding::<T>::param_info());
                n.extend(names("lstm", TimeLstm::<T>::param_info()));
                n.extend(names("affine", TimeAffine::<T>::param_info()));
                n
            }
            fn param_kinds(&self) -> Vec<ParamKind> {
                let mut k = kinds(TimeEmbedding::<T>::param_info());
                k.extend(kinds(TimeLstm::<T>::param_info()));
                k.extend(kinds(TimeAffine::<T>::param_info()));
                k
            }
        }
    };
}

/// The book's `Decoder`: `TimeEmbedding → TimeLSTM` (stateful, started
/// from the encoder's last state) `→ TimeAffine`. Weights: `embed_W =
/// rn(V, D) / 100`, the LSTM's, `affine_W = rn(H, V) / √H`.
///
/// ```
/// use groundup::{model::{Decoder, Params, Seq2seqDecoder}, RandomState};
/// let d = <Decoder<f32> as Seq2seqDecoder<f32>>::new(13, 16, 128, &mut RandomState::new(0));
/// assert_eq!(d.param_names(), ["embed.W", "lstm.Wx", "lstm.Wh", "lstm.b", "affine.W", "affine.b"]);
/// ```
#[derive(Clone, Debug)]
pub struct Decoder<T: Scalar> {
    embed: TimeEmbedding<T>,
    lstm: TimeLstm<T>,
    affine: TimeAffine<T>,
    enc_rows: usize,
}

decoder_params!(Decoder);

impl<T: Scalar> Decoder<T> {
    /// `embed → LSTM → affine` for `xs.rows()` sequences.
    fn run(&mut self, xs: IdsView<'_>) -> &Matrix<T> {
        let e = self.embed.forward(xs);
        let hs = self.lstm.forward(e.view(), xs.rows());
        self.affine.forward(hs)
    }
}

impl<T: Scalar> Seq2seqDecoder<T> for Decoder<T> {
    fn new(vocab: usize, wordvec: usize, hidden: usize, rng: &mut RandomState) -> Self {
        let (embed, lstm, affine) = decoder_layers(vocab, wordvec, hidden, wordvec, hidden, rng);
        Decoder {
            embed,
            lstm,
            affine,
            enc_rows: 0,
        }
    }

    fn forward(&mut self, xs: IdsView<'_>, hs_enc: MatrixView<'_, T>) -> &Matrix<T> {
        self.enc_rows = hs_enc.rows();
        self.lstm.set_state_view(last_step(hs_enc, xs.rows()), None);
        self.run(xs)
    }

    fn backward(&mut self, dscore: MatrixView<'_, T>, denc: &mut Matrix<T>) {
        let dout = self.affine.backward(dscore);
        let dx = self.lstm.backward(dout.view());
        self.embed.backward(dx.view());
        let dh = self.lstm.dh();
        denc.resize(self.enc_rows, dh.cols());
        denc.fill(T::ZERO);
        let tail = denc.len() - dh.len();
        denc.as_mut_slice()[tail..].copy_from_slice(dh.as_slice());
    }

    fn generate(
        &mut self,
        hs_enc: MatrixView<'_, T>,
        start_ids: &[usize],
        sample_size: usize,
    ) -> Ids {
        let n = start_ids.len();
        self.lstm.set_state_view(last_step(hs_enc, n), None);
        greedy_generate(self, start_ids, sample_size, Self::run)
    }

    fn vocab_size(&self) -> usize {
        self.affine.params()[1].value.cols()
    }
}

/// The book's `PeekyDecoder`: the encoder's last state `h` is joined to
/// the embedding at every step (`LSTM input = [h, embed]`, `H + D` wide)
/// and to the LSTM's output (`affine input = [h, hs]`, `2H` wide).
/// Weights: `embed_W = rn(V, D) / 100`, `Wx = rn(H + D, 4H) / √(H + D)`,
/// `Wh = rn(H, 4H) / √H`, `affine_W = rn(2H, V) / √(2H)`.
///
/// ```
/// use groundup::{model::{Params, PeekyDecoder, Seq2seqDecoder}, RandomState};
/// let d = <PeekyDecoder<f32> as Seq2seqDecoder<f32>>::new(13, 16, 128, &mut RandomState::new(0));
/// let shapes: Vec<_> = d.params().iter().map(|p| p.value.shape()).collect();
/// assert_eq!(shapes, [(13, 16), (144, 512), (128, 512), (1, 512), (256, 13), (1, 13)]);
/// ```
#[derive(Clone, Debug)]
pub struct PeekyDecoder<T: Scalar> {
    embed: TimeEmbedding<T>,
    lstm: TimeLstm<T>,
    affine: TimeAffine<T>,
    enc_rows: usize,
    /// The encoder's last state (`N x H`).
    h: Matrix<T>,
    x_cat: Matrix<T>,
    out_cat: Matrix<T>,
    dlstm: Matrix<T>,
    dembed: Matrix<T>,
}

decoder_params!(PeekyDecoder);

impl<T: Scalar> PeekyDecoder<T> {
    /// `[h, embed(xs)] → LSTM → [h, hs] → affine`, for `xs.rows()`
    /// sequences.
    fn run(&mut self, xs: IdsView<'_>) -> &Matrix<T> {
        let e = self.embed.forward(xs);
        concat_cols(self.h.view(), e.view(), &mut self.x_cat);
        let hs = self.lstm.forward(self.x_cat.view(), xs.rows());
        concat_cols(self.h.view(), hs, &mut self.out_cat);
        self.affine.forward(self.out_cat.view())
    }
}

impl<T: Scalar> Seq2seqDecoder<T> for PeekyDecoder<T> {
    fn new(vocab: usize, wordvec: usize, hidden: usize, rng: &mut RandomState) -> Self {
        let (embed, lstm, affine) =
            decoder_layers(vocab, wordvec, hidden, hidden + wordvec, 2 * hidden, rng);
        PeekyDecoder {
            embed,
            lstm,
            affine,
            enc_rows: 0,
            h: Matrix::zeros(0, 0),
            x_cat: Matrix::zeros(0, 0),
            out_cat: Matrix::zeros(0, 0),
            dlstm: Matrix::zeros(0, 0),
            dembed: Matrix::zeros(0, 0),
        }
    }

    fn forward(&mut self, xs: IdsView<'_>, hs_enc: MatrixView<'_, T>) -> &Matrix<T> {
        let n = xs.rows();
        self.enc_rows = hs_enc.rows();
        self.h.assign(last_step(hs_enc, n));
        self.lstm.set_state_view(self.h.view(), None);
        self.run(xs)
    }

    fn backward(&mut self, dscore: MatrixView<'_, T>, denc: &mut Matrix<T>) {
        let hidden = self.lstm.hidden_size();
        let n = self.h.rows();
        let dout = self.affine.backward(dscore);
        take_cols(dout.view(), hidden, hidden, &mut self.dlstm);
        let dx = self.lstm.backward(self.dlstm.view());
        let d = dx.cols() - hidden;
        take_cols(dx.view(), hidden, d, &mut self.dembed);
        self.embed.backward(self.dembed.view());
        // dh = lstm.dh + Σ_t (dhs0 + dhs1)[t], added in step order.
        denc.resize(self.enc_rows, hidden);
        denc.fill(T::ZERO);
        let tail = denc.len() - n * hidden;
        let acc = &mut denc.as_mut_slice()[tail..];
        for r in 0..dout.rows() {
            let a = &mut acc[(r % n) * hidden..(r % n + 1) * hidden];
            for ((s, &d0), &d1) in a
                .iter_mut()
                .zip(&dout.row(r)[..hidden])
                .zip(&dx.row(r)[..hidden])
            {
                *s += d0 + d1;
            }
        }
        for (s, &dh) in acc.iter_mut().zip(self.lstm.dh().as_slice()) {
            *s = dh + *s;
        }
    }

    fn generate(
        &mut self,
        hs_enc: MatrixView<'_, T>,
        start_ids: &[usize],
        sample_size: usize,
    ) -> Ids {
        let n = start_ids.len();
        self.h.assign(last_step(hs_enc, n));
        self.lstm.set_state_view(self.h.view(), None);
        greedy_generate(self, start_ids, sample_size, Self::run)
    }

    fn vocab_size(&self) -> usize {
        self.affine.params()[1].value.cols()
    }
}

/// The book's `AttentionDecoder`: `TimeEmbedding → TimeLSTM` (started from
/// the encoder's last state) `→ TimeAttention` over every encoder state,
/// then `TimeAffine` of `[c, hs]` (`2H` wide). Weights: `embed_W =
/// rn(V, D) / 100`, the LSTM's (`D` in), `affine_W = rn(2H, V) / √(2H)`.
///
/// ```
/// use groundup::{matrix::Ids, model::{AttentionDecoder, Seq2seqDecoder}, Matrix, RandomState};
/// let mut d = <AttentionDecoder<f64> as Seq2seqDecoder<f64>>::new(6, 2, 3, &mut RandomState::new(0));
/// d.forward(Ids::from_rows([[5, 1, 2]]).view(), Matrix::filled(4, 3, 0.5).view());
/// // One row of weights over the 4 encoder steps per decoder step.
/// assert_eq!(d.attention().attention_weights().shape(), (3, 4));
/// ```
#[derive(Clone, Debug)]
pub struct AttentionDecoder<T: Scalar> {
    embed: TimeEmbedding<T>,
    lstm: TimeLstm<T>,
    attention: TimeAttention<T>,
    affine: TimeAffine<T>,
    batch: usize,
    out_cat: Matrix<T>,
    dc: Matrix<T>,
    ddec: Matrix<T>,
}

decoder_params!(AttentionDecoder);

impl<T: Scalar> AttentionDecoder<T> {
    /// The attention layer, with the weights of the last forward pass
    /// (`ch08/visualize_attention.py` reads them after `model.forward`).
    ///
    /// ```
    /// use groundup::{matrix::Ids, model::AttentionSeq2seq, RandomState};
    /// let mut m = AttentionSeq2seq::<f32>::new(6, 2, 3, &mut RandomState::new(0));
    /// m.forward(Ids::from_rows([[1, 2, 3, 4]]).view(), Ids::from_rows([[5, 1, 2]]).view());
    /// let a = m.decoder().attention().attention_weights();
    /// assert_eq!(a.shape(), (2, 4)); // 2 decoder steps over 4 question characters
    /// assert!((a.row(0).iter().sum::<f32>() - 1.0).abs() < 1e-6);
    /// ```
    pub fn attention(&self) -> &TimeAttention<T> {
        &self.attention
    }

    /// `embed → LSTM → attention → [c, hs] → affine` for `xs.rows()`
    /// sequences.
    fn run(&mut self, xs: IdsView<'_>, hs_enc: MatrixView<'_, T>) -> &Matrix<T> {
        let n = xs.rows();
        let e = self.embed.forward(xs);
        let dec_hs = self.lstm.forward(e.view(), n);
        let c = self.attention.forward(hs_enc, dec_hs, n);
        concat_cols(c.view(), self.lstm.output(), &mut self.out_cat);
        self.affine.forward(self.out_cat.view())
    }
}

impl<T: Scalar> Seq2seqDecoder<T> for AttentionDecoder<T> {
    fn new(vocab: usize, wordvec: usize, hidden: usize, rng: &mut RandomState) -> Self {
        let (embed, lstm, affine) =
            decoder_layers(vocab, wordvec, hidden, wordvec, 2 * hidden, rng);
        AttentionDecoder {
            embed,
            lstm,
            attention: TimeAttention::new(),
            affine,
            batch: 0,
            out_cat: Matrix::zeros(0, 0),
            dc: Matrix::zeros(0, 0),
            ddec: Matrix::zeros(0, 0),
        }
    }

    fn forward(&mut self, xs: IdsView<'_>, hs_enc: MatrixView<'_, T>) -> &Matrix<T> {
        let n = xs.rows();
        self.batch = n;
        self.lstm.set_state_view(last_step(hs_enc, n), None);
        self.run(xs, hs_enc)
    }

    fn backward(&mut self, dscore: MatrixView<'_, T>, denc: &mut Matrix<T>) {
        let hidden = self.lstm.hidden_size();
        let dout = self.affine.backward(dscore);
        take_cols(dout.view(), 0, hidden, &mut self.dc);
        take_cols(dout.view(), hidden, hidden, &mut self.ddec);
        let (denc_hs, ddec1) = self.attention.backward(self.dc.view());
        for (d, &d1) in self.ddec.as_mut_slice().iter_mut().zip(ddec1.as_slice()) {
            *d += d1;
        }
        denc.assign(denc_hs.view());
        let dx = self.lstm.backward(self.ddec.view());
        self.embed.backward(dx.view());
        let tail = denc.len() - self.batch * hidden;
        for (d, &dh) in denc.as_mut_slice()[tail..]
            .iter_mut()
            .zip(self.lstm.dh().as_slice())
        {
            *d += dh;
        }
    }

    fn generate(
        &mut self,
        hs_enc: MatrixView<'_, T>,
        start_ids: &[usize],
        sample_size: usize,
    ) -> Ids {
        let n = start_ids.len();
        self.lstm.set_state_view(last_step(hs_enc, n), None);
        greedy_generate(self, start_ids, sample_size, |d, x| d.run(x, hs_enc))
    }

    fn vocab_size(&self) -> usize {
        self.affine.params()[1].value.cols()
    }
}

/// An [`Encoder`] and a decoder trained with `TimeSoftmaxWithLoss` on the
/// answers: the book's `Seq2seq` class, generic over the decoder (see the
/// aliases [`Seq2seq`], [`PeekySeq2seq`], [`AttentionSeq2seq`]).
///
/// Trained by the [`Trainer`](crate::train::Trainer) with questions as
/// [`Ids`] and answers as [`Targets::Sequences`] (`&Ids`).
///
/// ```
/// use groundup::matrix::Ids;
/// use groundup::model::{Decoder, EncoderDecoder};
/// use groundup::optim::Adam;
/// use groundup::train::{FitOptions, Trainer};
/// use groundup::RandomState;
/// let mut rng = RandomState::new(0);
/// let model = EncoderDecoder::<f32, Decoder<f32>>::new(6, 4, 8, &mut rng); // = Seq2seq
/// let xs = Ids::from_rows([[1, 2], [2, 1], [1, 1], [2, 2]]);
/// let ts = Ids::from_rows([[5, 2, 1], [5, 1, 2], [5, 1, 1], [5, 2, 2]]);
/// let mut trainer = Trainer::new(model, Adam::default()).with_rng(rng);
/// trainer.set_verbose(false);
/// let opts = FitOptions { max_epoch: 3, batch_size: 2, max_grad: Some(5.0), eval_interval: 1 };
/// trainer.fit(&xs, &ts, opts)?;
/// assert_eq!(trainer.loss_list.len(), 6);
/// # Ok::<(), groundup::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct EncoderDecoder<T: Scalar, D> {
    encoder: Encoder<T>,
    decoder: D,
    loss: TimeSoftmaxWithLoss<T>,
    dec_xs: Ids,
    dec_ts: Ids,
    denc: Matrix<T>,
}

/// The book's chapter 7 `Seq2seq`: [`Encoder`] + [`Decoder`].
///
/// ```
/// use groundup::{model::{Params, Seq2seq}, RandomState};
/// let m = Seq2seq::<f32>::new(13, 16, 128, &mut RandomState::new(1984));
/// assert_eq!(m.param_names()[..4], ["encoder.embed.W", "encoder.lstm.Wx", "encoder.lstm.Wh", "encoder.lstm.b"]);
/// assert_eq!(m.params().len(), 10);
/// ```
pub type Seq2seq<T> = EncoderDecoder<T, Decoder<T>>;
/// The book's chapter 7 `PeekySeq2seq`: [`Encoder`] + [`PeekyDecoder`].
///
/// ```
/// use groundup::{model::{Params, PeekySeq2seq}, RandomState};
/// let m = PeekySeq2seq::<f32>::new(13, 16, 128, &mut RandomState::new(1984));
/// assert_eq!(m.params()[5].value.shape(), (144, 512)); // the decoder's Wx: [h, embed] in
/// ```
pub type PeekySeq2seq<T> = EncoderDecoder<T, PeekyDecoder<T>>;
/// The book's chapter 8 `AttentionSeq2seq`: [`AttentionEncoder`] +
/// [`AttentionDecoder`].
///
/// ```
/// use groundup::{model::{AttentionSeq2seq, Params}, RandomState};
/// let m = AttentionSeq2seq::<f32>::new(59, 16, 256, &mut RandomState::new(1984));
/// assert_eq!(m.params()[8].value.shape(), (512, 59)); // the affine W: [c, hs] in
/// ```
pub type AttentionSeq2seq<T> = EncoderDecoder<T, AttentionDecoder<T>>;

impl<T: Scalar, D: Seq2seqDecoder<T>> EncoderDecoder<T, D> {
    /// Draws the encoder's and then the decoder's weights from `rng` (the
    /// book's constructor order).
    ///
    /// ```
    /// use groundup::{model::{Params, Seq2seq}, RandomState};
    /// let mut rng = RandomState::new(0);
    /// let m = Seq2seq::<f64>::new(13, 16, 128, &mut rng);
    /// // embed_W's first weight is the stream's first randn / 100.
    /// assert_eq!(m.params()[0].value[(0, 0)], RandomState::new(0).randn() / 100.0);
    /// ```
    pub fn new(vocab: usize, wordvec: usize, hidden: usize, rng: &mut RandomState) -> Self {
        let encoder = Encoder::new(vocab, wordvec, hidden, rng);
        let decoder = D::new(vocab, wordvec, hidden, rng);
        EncoderDecoder {
            encoder,
            decoder,
            loss: TimeSoftmaxWithLoss::new(),
            dec_xs: Ids::default(),
            dec_ts: Ids::default(),
            denc: Matrix::zeros(0, 0),
        }
    }

    /// The encoder.
    ///
    /// ```
    /// use groundup::{model::Seq2seq, RandomState};
    /// assert_eq!(Seq2seq::<f32>::new(5, 2, 3, &mut RandomState::new(0)).encoder().hidden_size(), 3);
    /// ```
    pub fn encoder(&self) -> &Encoder<T> {
        &self.encoder
    }

    /// The decoder.
    ///
    /// ```
    /// use groundup::{model::{Seq2seq, Seq2seqDecoder}, RandomState};
    /// assert_eq!(Seq2seq::<f32>::new(5, 2, 3, &mut RandomState::new(0)).decoder().vocab_size(), 5);
    /// ```
    pub fn decoder(&self) -> &D {
        &self.decoder
    }

    /// `V`.
    ///
    /// ```
    /// use groundup::{model::AttentionSeq2seq, RandomState};
    /// assert_eq!(AttentionSeq2seq::<f32>::new(59, 2, 3, &mut RandomState::new(0)).vocab_size(), 59);
    /// ```
    pub fn vocab_size(&self) -> usize {
        self.decoder.vocab_size()
    }

    /// Checks questions and answers before a forward pass: ids within the
    /// vocabulary, one answer per question, answers at least 2 long (the
    /// decoder reads `ts[:, :-1]` and is scored on `ts[:, 1:]`).
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] or [`Error::InvalidArgument`] naming the
    /// row, column and id.
    ///
    /// ```
    /// use groundup::{matrix::Ids, model::Seq2seq, RandomState};
    /// let m = Seq2seq::<f32>::new(5, 2, 3, &mut RandomState::new(0));
    /// let err = m.check(Ids::from_rows([[1, 7]]).view(), Ids::from_rows([[4, 1]]).view()).unwrap_err();
    /// assert!(err.to_string().contains("question id 7 at row 0, column 1"), "{err}");
    /// ```
    pub fn check(&self, xs: IdsView<'_>, ts: IdsView<'_>) -> Result<()> {
        if xs.rows() != ts.rows() {
            return Err(Error::ShapeMismatch {
                op: "seq2seq: one answer per question; questions and answers".into(),
                left: xs.shape(),
                right: ts.shape(),
            });
        }
        if xs.cols() == 0 || ts.cols() < 2 {
            return Err(Error::InvalidArgument(format!(
                "seq2seq: questions {:?} need at least 1 id and answers {:?} at least 2 (a start id and one to predict)",
                xs.shape(),
                ts.shape()
            )));
        }
        check_ids("question", xs, self.vocab_size())?;
        check_ids("answer", ts, self.vocab_size())
    }

    /// The mean cross-entropy of the answers `ts` (`N x T_a`: the decoder
    /// reads `ts[:, :-1]`, predicts `ts[:, 1:]`) for the questions `xs`
    /// (`N x Tₑ`); keeps what [`backward`](Self::backward) needs. In `f64`
    /// as the book's (numpy promotes the `float32` sum over a count).
    /// Panics on the inputs [`check`](Self::check) rejects.
    ///
    /// ```
    /// use groundup::{matrix::Ids, model::PeekySeq2seq, RandomState};
    /// let mut m = PeekySeq2seq::<f32>::new(6, 4, 8, &mut RandomState::new(0));
    /// let l = m.forward(Ids::from_rows([[1, 2, 3]]).view(), Ids::from_rows([[5, 4, 0]]).view());
    /// assert!((l - 6f64.ln()).abs() < 0.05); // about uniform over 6 ids
    /// ```
    pub fn forward(&mut self, xs: IdsView<'_>, ts: IdsView<'_>) -> f64 {
        if let Err(e) = self.check(xs, ts) {
            panic!("{e}");
        }
        let k = ts.cols();
        self.dec_xs.assign_columns(ts, 0..k - 1);
        self.dec_ts.assign_columns(ts, 1..k);
        let hs = self.encoder.forward_all(xs);
        let score = self.decoder.forward(self.dec_xs.view(), hs);
        self.loss.forward(score.view(), self.dec_ts.view())
    }

    /// Overwrites every gradient with that of the last
    /// [`forward`](Self::forward) (`dout = 1`).
    ///
    /// ```
    /// use groundup::{matrix::Ids, model::{AttentionSeq2seq, Params}, RandomState};
    /// let mut m = AttentionSeq2seq::<f64>::new(6, 4, 8, &mut RandomState::new(0));
    /// m.forward(Ids::from_rows([[1, 2, 3]]).view(), Ids::from_rows([[5, 4, 0]]).view());
    /// m.backward();
    /// assert!(m.params().iter().all(|p| p.grad.iter().all(|g| g.is_finite())));
    /// ```
    pub fn backward(&mut self) {
        let dscore = self.loss.backward();
        self.decoder.backward(dscore.view(), &mut self.denc);
        self.encoder.backward_all(self.denc.view());
    }

    /// The book's `generate(xs, start_id, sample_size)` for one question
    /// (`1 x Tₑ`): `sample_size` ids, each the argmax after the one
    /// before, the first after `start_id`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when `question` is not one row, or an id
    /// or `start_id` is outside the vocabulary.
    ///
    /// ```
    /// use groundup::{matrix::Ids, model::Seq2seq, RandomState};
    /// let mut m = Seq2seq::<f32>::new(6, 4, 8, &mut RandomState::new(0));
    /// let ids = m.generate(Ids::from_rows([[1, 2, 3]]).view(), 5, 4)?;
    /// assert_eq!(ids.len(), 4);
    /// assert!(m.generate(Ids::from_rows([[1, 2, 9]]).view(), 5, 4).is_err());
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn generate(
        &mut self,
        question: IdsView<'_>,
        start_id: usize,
        sample_size: usize,
    ) -> Result<Vec<usize>> {
        if question.rows() != 1 {
            return Err(Error::InvalidArgument(format!(
                "generate: one question (1 x T) expected, got {:?}; generate_batch takes several",
                question.shape()
            )));
        }
        Ok(self
            .generate_batch(question, &[start_id], sample_size)?
            .into_vec())
    }

    /// Greedy answers to every question of `xs` (`N x Tₑ`) at once,
    /// `N x sample_size`: row `n` is what [`generate`](Self::generate)
    /// gives for question `n` from `start_ids[n]` (the rows do not
    /// interact; the products are batched).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming an id outside the vocabulary, or
    /// a count of start ids other than `N`.
    ///
    /// ```
    /// use groundup::{matrix::Ids, model::AttentionSeq2seq, RandomState};
    /// let mut m = AttentionSeq2seq::<f64>::new(6, 4, 8, &mut RandomState::new(0));
    /// let xs = Ids::from_rows([[1, 2, 3], [3, 2, 1]]);
    /// let both = m.generate_batch(xs.view(), &[5, 5], 3)?;
    /// assert_eq!(both.row(1), m.generate(xs.rows_view(1..2), 5, 3)?.as_slice());
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn generate_batch(
        &mut self,
        xs: IdsView<'_>,
        start_ids: &[usize],
        sample_size: usize,
    ) -> Result<Ids> {
        let vocab = self.vocab_size();
        if start_ids.len() != xs.rows() || xs.cols() == 0 {
            return Err(Error::InvalidArgument(format!(
                "generate: {} start ids for questions of shape {:?}",
                start_ids.len(),
                xs.shape()
            )));
        }
        check_ids("question", xs, vocab)?;
        if let Some(&id) = start_ids.iter().find(|&&id| id >= vocab) {
            return Err(Error::InvalidArgument(format!(
                "generate: start id {id} is outside the vocabulary of {vocab}"
            )));
        }
        let hs = self.encoder.forward_all(xs);
        Ok(self.decoder.generate(hs, start_ids, sample_size))
    }
}

/// An error naming the first id of `ids` outside `0..vocab`.
fn check_ids(what: &str, ids: IdsView<'_>, vocab: usize) -> Result<()> {
    for i in 0..ids.rows() {
        if let Some((j, &id)) = ids.row(i).iter().enumerate().find(|(_, &id)| id >= vocab) {
            return Err(Error::InvalidArgument(format!(
                "seq2seq: {what} id {id} at row {i}, column {j} is outside the vocabulary of {vocab}"
            )));
        }
    }
    Ok(())
}

impl<T: Scalar, D: Seq2seqDecoder<T>> Params<T> for EncoderDecoder<T, D> {
    fn for_each_param(&mut self, f: &mut dyn FnMut(usize, &mut Param<T>)) {
        let mut count = 0;
        self.encoder.for_each_param(&mut |i, p| {
            count = i + 1;
            f(i, p)
        });
        self.decoder.for_each_param(&mut |i, p| f(count + i, p));
    }
    fn params(&self) -> Vec<&Param<T>> {
        let mut p = self.encoder.params();
        p.extend(self.decoder.params());
        p
    }
    fn param_names(&self) -> Vec<String> {
        let enc = self
            .encoder
            .param_names()
            .into_iter()
            .map(|n| format!("encoder.{n}"));
        let dec = self
            .decoder
            .param_names()
            .into_iter()
            .map(|n| format!("decoder.{n}"));
        enc.chain(dec).collect()
    }
    fn param_kinds(&self) -> Vec<ParamKind> {
        let mut k = self.encoder.param_kinds();
        k.extend(self.decoder.param_kinds());
        k
    }
}

/// Questions as [`Ids`], answers as [`Targets::Sequences`].
impl<T: Scalar, D: Seq2seqDecoder<T>> Trainable<T> for EncoderDecoder<T, D> {
    type Input = Ids;
    const LOSS_IN_F64: bool = true;

    fn loss(&mut self, x: IdsView<'_>, t: Targets<'_, T>) -> T {
        T::from_f64(self.loss_f64(x, t))
    }

    fn loss_f64(&mut self, x: IdsView<'_>, t: Targets<'_, T>) -> f64 {
        match t {
            Targets::Sequences(ts) => self.forward(x, ts),
            _ => panic!("seq2seq: the targets must be answer sequences (Targets::Sequences)"),
        }
    }

    fn backprop(&mut self) {
        self.backward();
    }

    fn check_data(&self, x: &Ids, t: Targets<'_, T>) -> Result<()> {
        match t {
            Targets::Sequences(ts) => self.check(x.view(), ts),
            _ => Err(Error::InvalidArgument(
                "Trainer::fit: a seq2seq model takes its answers as id sequences (&Ids), not one class per row".into(),
            )),
        }
    }
}
