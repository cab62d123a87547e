//! The word2vec models of chapters 3 and 4: [`SimpleCbow`] and
//! [`SimpleSkipGram`] (`ch03/simple_cbow.py`, `simple_skip_gram.py`: a
//! softmax over the whole vocabulary) and [`Cbow`] and [`SkipGram`]
//! (`ch04/cbow.py`, `skip_gram.py`: embeddings and negative sampling).
//!
//! Each model owns its two weight matrices — `W_in` (the word vectors,
//! `V x H`) and `W_out` — and runs the book's layers over them. Where the
//! book gives several layers the same matrix (ten `Embedding`s share
//! `W_in` in CBOW with window 5), their gradients are added into the one
//! gradient in the order of the book's parameter list, which is the order
//! `remove_duplicate` sums its copies in.
//!
//! Inputs are word ids: `contexts` is `N x C` ([`Ids`], `C = 2·window`
//! columns) and the targets are one id per row. The weights are drawn from
//! a `randn` source as the book does (`0.01 * randn(V, H).astype('f')`,
//! `W_in` first).

use crate::error::{Error, Result};
use crate::layers::{
    Embedding, LossLayer, NegativeSamplingLoss, Param, ParamKind, SoftmaxWithLoss, Targets,
};
use crate::matrix::{Ids, IdsView, Matrix};
use crate::model::Params;
use crate::rng::RandomState;
use crate::scalar::Scalar;
use crate::train::Trainable;
use crate::Transpose;

/// `0.01 * randn(rows, cols).astype(T)`: each draw rounded to `T`, then
/// multiplied by `0.01` in `T`.
fn small_weights<T: Scalar>(rows: usize, cols: usize, randn: &mut dyn FnMut() -> f64) -> Matrix<T> {
    let scale = T::from_f64(0.01);
    Matrix::from_fn(rows, cols, |_, _| scale * T::from_f64(randn()))
}

/// Checks contexts and targets against a vocabulary of `vocab` words.
fn check_ids<T: Scalar>(
    model: &str,
    vocab: usize,
    contexts: usize,
    x: &Ids,
    t: Targets<'_, T>,
) -> Result<()> {
    if x.cols() != contexts {
        return Err(Error::ShapeMismatch {
            op: format!(
                "{model}: contexts need {contexts} columns (2·window); contexts shape and expected"
            ),
            left: x.shape(),
            right: (x.rows(), contexts),
        });
    }
    for i in 0..x.rows() {
        if let Some((j, &id)) = x.row(i).iter().enumerate().find(|(_, &id)| id >= vocab) {
            return Err(Error::InvalidArgument(format!(
                "{model}: context id {id} at row {i}, column {j} is outside the vocabulary of {vocab} words"
            )));
        }
    }
    for i in 0..t.len() {
        let c = match t.flat() {
            Targets::Sequences(s) => {
                return Err(Error::InvalidArgument(format!(
                    "{model}: the targets are sequences of {} ids per row, not one word",
                    s.cols()
                )))
            }
            Targets::Indices(idx) => idx[i],
            Targets::OneHot(m) if m.cols() != vocab => {
                return Err(Error::InvalidArgument(format!(
                    "{model}: one-hot targets have {} columns for a vocabulary of {vocab} words",
                    m.cols()
                )))
            }
            Targets::OneHot(_) => t.class(i),
        };
        if c >= vocab {
            return Err(Error::InvalidArgument(format!(
                "{model}: target id {c} at row {i} is outside the vocabulary of {vocab} words"
            )));
        }
    }
    Ok(())
}

/// `out[i] = t.class(i)`: the target ids of a batch.
fn target_ids<T: Scalar>(t: Targets<'_, T>, out: &mut Vec<usize>) {
    t.classes_into(out);
}

/// `h = (e₀ + e₁ + …) · (1/C)`: the mean of the context words' rows of
/// `w`, summed in column order as the book's `h += layer.forward(...)`.
fn mean_of_contexts<T: Scalar>(
    embeds: &mut [Embedding<T>],
    w: &Matrix<T>,
    x: IdsView<'_>,
    h: &mut Matrix<T>,
) {
    for (c, embed) in embeds.iter_mut().enumerate() {
        let e = embed.forward(w, x.column(c));
        if c == 0 {
            h.assign(e.view());
        } else {
            *h += e;
        }
    }
    h.scale(T::from_f64(1.0 / embeds.len() as f64));
}

/// The backward pass of [`mean_of_contexts`] for the weights: `dh · (1/C)`
/// scattered to every context column's rows, added into `grad` (zeroed
/// first) in column order — `remove_duplicate`'s order. `dh` is scaled in
/// place.
fn scatter_to_contexts<T: Scalar>(
    embeds: &mut [Embedding<T>],
    dh: &mut Matrix<T>,
    grad: &mut Matrix<T>,
) {
    dh.scale(T::from_f64(1.0 / embeds.len() as f64));
    grad.fill(T::ZERO);
    for embed in embeds {
        embed.backward(dh.view()).add_to(grad);
    }
}

/// `W_in` then `W_out`, both `vocab x hidden`, `0.01 * randn` from `rng`
/// (the chapter 4 models), after checking the corpus ids.
fn ch04_weights<T: Scalar>(
    model: &str,
    vocab: usize,
    hidden: usize,
    corpus: &[usize],
    rng: &mut RandomState,
) -> Result<(Param<T>, Param<T>)> {
    check_corpus(model, vocab, corpus)?;
    let w_in = small_weights(vocab, hidden, &mut || rng.randn());
    let w_out = small_weights(vocab, hidden, &mut || rng.randn());
    Ok((Param::new(w_in), Param::new(w_out)))
}

macro_rules! two_params {
    ($ty:ident, $out_kind:expr, $example:literal) => {
        impl<T: Scalar> Params<T> for $ty<T> {
            fn for_each_param(&mut self, f: &mut dyn FnMut(usize, &mut Param<T>)) {
                f(0, &mut self.w_in);
                f(1, &mut self.w_out);
            }
            fn params(&self) -> Vec<&Param<T>> {
                vec![&self.w_in, &self.w_out]
            }
            fn param_names(&self) -> Vec<String> {
                vec!["W_in".into(), "W_out".into()]
            }
            fn param_kinds(&self) -> Vec<ParamKind> {
                vec![ParamKind::Other, $out_kind]
            }
        }

        impl<T: Scalar> $ty<T> {
            /// The word vectors: `W_in`, one row per word id (the book's
            /// `model.word_vecs`).
            ///
            /// ```
            #[doc = concat!("use groundup::model::", stringify!($ty), ";")]
            #[doc = concat!("let m = ", $example, ";")]
            /// assert_eq!(m.word_vecs().shape(), (7, 5));
            /// ```
            pub fn word_vecs(&self) -> &Matrix<T> {
                &self.w_in.value
            }
        }
    };
}

/// The book's `SimpleCBOW` (chapter 3), for any window: the context
/// words' rows of `W_in` averaged into `h`, scores `h · W_out` over the
/// whole vocabulary, [`SoftmaxWithLoss`] against the target word.
///
/// The book feeds one-hot rows to `MatMul` layers; a one-hot row times
/// `W_in` is the row of `W_in` the id names, so this model gathers rows by
/// id instead. (The book's one-hot arrays are int32, which makes its
/// forward pass float64 even for float32 weights; here it runs in `T`.)
///
/// ```
/// use groundup::model::SimpleCbow;
/// use groundup::text::{create_contexts_target, preprocess};
/// use groundup::train::{FitOptions, Trainer};
/// use groundup::optim::Adam;
/// use groundup::rng::RandomState;
/// let (corpus, vocab) = preprocess("You say goodbye and I say hello.");
/// let (contexts, target) = create_contexts_target(&corpus, 1);
/// let mut rng = RandomState::new(0);
/// let model = SimpleCbow::<f32>::new(vocab.len(), 5, 2, &mut || rng.randn());
/// let mut trainer = Trainer::new(model, Adam::default()).with_rng(rng);
/// trainer.set_verbose(false);
/// trainer.fit(&contexts, &target, FitOptions { max_epoch: 300, batch_size: 3, ..Default::default() })?;
/// assert!(trainer.loss_list.last().unwrap() < &trainer.loss_list[0]);
/// # Ok::<(), groundup::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct SimpleCbow<T: Scalar> {
    w_in: Param<T>,
    w_out: Param<T>,
    embeds: Vec<Embedding<T>>,
    h: Matrix<T>,
    score: Matrix<T>,
    loss: SoftmaxWithLoss<T>,
    da: Matrix<T>,
}

impl<T: Scalar> SimpleCbow<T> {
    /// `W_in` (`vocab x hidden`) then `W_out` (`hidden x vocab`), each
    /// `0.01 * randn`, for `contexts` context words per target (`2·window`).
    ///
    /// ```
    /// use groundup::model::{Params, SimpleCbow};
    /// let m = SimpleCbow::<f64>::new(7, 5, 2, &mut || 1.0);
    /// assert_eq!(m.params()[1].value.shape(), (5, 7));
    /// assert_eq!(m.word_vecs()[(0, 0)], 0.01);
    /// ```
    pub fn new(
        vocab: usize,
        hidden: usize,
        contexts: usize,
        randn: &mut dyn FnMut() -> f64,
    ) -> Self {
        let w_in = small_weights(vocab, hidden, randn);
        let w_out = small_weights(hidden, vocab, randn);
        SimpleCbow {
            w_in: Param::new(w_in),
            w_out: Param::new(w_out),
            embeds: vec![Embedding::new(); contexts],
            h: Matrix::zeros(0, 0),
            score: Matrix::zeros(0, 0),
            loss: SoftmaxWithLoss::new(),
            da: Matrix::zeros(0, 0),
        }
    }
}

two_params!(
    SimpleCbow,
    ParamKind::LinearWeight,
    "SimpleCbow::<f32>::new(7, 5, 2, &mut || 0.5)"
);

impl<T: Scalar> Trainable<T> for SimpleCbow<T> {
    type Input = Ids;
    fn loss(&mut self, x: IdsView<'_>, t: Targets<'_, T>) -> T {
        mean_of_contexts(&mut self.embeds, &self.w_in.value, x, &mut self.h);
        self.score.resize(self.h.rows(), self.w_out.value.cols());
        self.score.gemm(
            T::ONE,
            &self.h,
            Transpose::No,
            &self.w_out.value,
            Transpose::No,
            T::ZERO,
        );
        self.loss.forward(self.score.view(), t)
    }
    fn backprop(&mut self) {
        let ds = self.loss.backward(T::ONE);
        self.w_out
            .grad
            .gemm(T::ONE, &self.h, Transpose::Yes, ds, Transpose::No, T::ZERO);
        self.da.resize(ds.rows(), self.h.cols());
        self.da.gemm(
            T::ONE,
            ds,
            Transpose::No,
            &self.w_out.value,
            Transpose::Yes,
            T::ZERO,
        );
        scatter_to_contexts(&mut self.embeds, &mut self.da, &mut self.w_in.grad);
    }
    fn check_data(&self, x: &Ids, t: Targets<'_, T>) -> Result<()> {
        check_ids(
            "SimpleCBOW",
            self.w_in.value.rows(),
            self.embeds.len(),
            x,
            t,
        )
    }
}

/// The book's `SimpleSkipGram` (chapter 3): the target word's row of
/// `W_in` is `h`, scores `h · W_out`, and one [`SoftmaxWithLoss`] per
/// context word; the loss is their sum.
///
/// ```
/// use groundup::model::SimpleSkipGram;
/// use groundup::text::{create_contexts_target, preprocess};
/// use groundup::train::{FitOptions, Trainer};
/// use groundup::optim::Adam;
/// let (corpus, vocab) = preprocess("You say goodbye and I say hello.");
/// let (contexts, target) = create_contexts_target(&corpus, 1);
/// let mut rng = groundup::RandomState::new(0);
/// let model = SimpleSkipGram::<f32>::new(vocab.len(), 5, 2, &mut || rng.randn());
/// let mut trainer = Trainer::new(model, Adam::default()).with_rng(rng);
/// trainer.set_verbose(false);
/// trainer.fit(&contexts, &target, FitOptions { max_epoch: 300, batch_size: 3, ..Default::default() })?;
/// assert!(trainer.loss_list.last().unwrap() < &trainer.loss_list[0]);
/// # Ok::<(), groundup::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct SimpleSkipGram<T: Scalar> {
    w_in: Param<T>,
    w_out: Param<T>,
    embed: Embedding<T>,
    ids: Vec<usize>,
    context: Vec<usize>,
    score: Matrix<T>,
    losses: Vec<SoftmaxWithLoss<T>>,
    ds: Matrix<T>,
    dh: Matrix<T>,
}

impl<T: Scalar> SimpleSkipGram<T> {
    /// `W_in` (`vocab x hidden`) then `W_out` (`hidden x vocab`), each
    /// `0.01 * randn`, predicting `contexts` context words (`2·window`).
    ///
    /// ```
    /// use groundup::model::{Params, SimpleSkipGram};
    /// let m = SimpleSkipGram::<f32>::new(7, 5, 2, &mut || 1.0);
    /// assert_eq!(m.params()[0].value.shape(), (7, 5));
    /// ```
    pub fn new(
        vocab: usize,
        hidden: usize,
        contexts: usize,
        randn: &mut dyn FnMut() -> f64,
    ) -> Self {
        let w_in = small_weights(vocab, hidden, randn);
        let w_out = small_weights(hidden, vocab, randn);
        SimpleSkipGram {
            w_in: Param::new(w_in),
            w_out: Param::new(w_out),
            embed: Embedding::new(),
            ids: Vec::new(),
            context: Vec::new(),
            score: Matrix::zeros(0, 0),
            losses: vec![SoftmaxWithLoss::new(); contexts],
            ds: Matrix::zeros(0, 0),
            dh: Matrix::zeros(0, 0),
        }
    }
}

two_params!(
    SimpleSkipGram,
    ParamKind::LinearWeight,
    "SimpleSkipGram::<f32>::new(7, 5, 2, &mut || 0.5)"
);

impl<T: Scalar> Trainable<T> for SimpleSkipGram<T> {
    type Input = Ids;
    fn loss(&mut self, x: IdsView<'_>, t: Targets<'_, T>) -> T {
        target_ids(t, &mut self.ids);
        let h = self
            .embed
            .forward(&self.w_in.value, self.ids.iter().copied());
        self.score.resize(h.rows(), self.w_out.value.cols());
        self.score.gemm(
            T::ONE,
            h,
            Transpose::No,
            &self.w_out.value,
            Transpose::No,
            T::ZERO,
        );
        let mut loss = T::ZERO;
        for (c, layer) in self.losses.iter_mut().enumerate() {
            self.context.clear();
            self.context.extend(x.column(c));
            let l = layer.forward(self.score.view(), Targets::Indices(&self.context));
            loss = if c == 0 { l } else { loss + l };
        }
        loss
    }
    fn backprop(&mut self) {
        for (c, layer) in self.losses.iter_mut().enumerate() {
            let dl = layer.backward(T::ONE);
            if c == 0 {
                self.ds.assign(dl.view());
            } else {
                self.ds += dl;
            }
        }
        let h = self.embed.output();
        self.w_out
            .grad
            .gemm(T::ONE, h, Transpose::Yes, &self.ds, Transpose::No, T::ZERO);
        self.dh.resize(self.ds.rows(), self.w_in.value.cols());
        self.dh.gemm(
            T::ONE,
            &self.ds,
            Transpose::No,
            &self.w_out.value,
            Transpose::Yes,
            T::ZERO,
        );
        self.w_in.grad.fill(T::ZERO);
        self.embed
            .backward(self.dh.view())
            .add_to(&mut self.w_in.grad);
    }
    fn check_data(&self, x: &Ids, t: Targets<'_, T>) -> Result<()> {
        check_ids(
            "SimpleSkipGram",
            self.w_in.value.rows(),
            self.losses.len(),
            x,
            t,
        )
    }
}

/// The book's `CBOW` (chapter 4): the context words' rows of `W_in`
/// averaged into `h`, then [`NegativeSamplingLoss`] against the target
/// word with `W_out` (`V x H`), five negatives drawn with probability
/// ∝ count^0.75.
///
/// The model owns the random stream the negatives come from; the
/// [`Trainer`](crate::train::Trainer) draws its shuffles from it too, as
/// the book's one global stream.
///
/// ```
/// use groundup::model::Cbow;
/// use groundup::text::{create_contexts_target, preprocess};
/// use groundup::train::{FitOptions, Trainer};
/// use groundup::optim::Adam;
/// use groundup::RandomState;
/// let (corpus, vocab) = preprocess("you say goodbye and i say hello and you say hi.");
/// let (contexts, target) = create_contexts_target(&corpus, 1);
/// let mut rng = RandomState::new(0);
/// let model = Cbow::<f32>::new(vocab.len(), 5, 1, &corpus, &mut rng)?;
/// let mut trainer = Trainer::new(model, Adam::default());
/// trainer.set_verbose(false);
/// trainer.fit(&contexts, &target, FitOptions { max_epoch: 50, batch_size: 3, ..Default::default() })?;
/// assert_eq!(trainer.model.word_vecs().shape(), (vocab.len(), 5));
/// # Ok::<(), groundup::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Cbow<T: Scalar> {
    w_in: Param<T>,
    w_out: Param<T>,
    embeds: Vec<Embedding<T>>,
    ns_loss: NegativeSamplingLoss<T>,
    rng: RandomState,
    ids: Vec<usize>,
    h: Matrix<T>,
    dh: Matrix<T>,
}

impl<T: Scalar> Cbow<T> {
    /// `W_in` then `W_out` (both `vocab x hidden`, `0.01 * randn` from
    /// `rng`), `2·window` context words, the sampler built from `corpus`;
    /// the model keeps a copy of `rng` (after the weights were drawn) as
    /// its stream, and `rng` is advanced past the weights.
    ///
    /// # Errors
    /// As [`NegativeSamplingLoss::new`] (a corpus too small for 5
    /// negatives), or an id of `corpus` outside the vocabulary.
    ///
    /// ```
    /// use groundup::model::Cbow;
    /// let mut rng = groundup::RandomState::new(0);
    /// let corpus = [0, 1, 2, 3, 4, 5, 6];
    /// let m = Cbow::<f64>::new(7, 4, 2, &corpus, &mut rng)?;
    /// assert_eq!(m.word_vecs().shape(), (7, 4));
    /// assert!(Cbow::<f64>::new(3, 4, 2, &corpus, &mut rng).is_err());
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn new(
        vocab: usize,
        hidden: usize,
        window: usize,
        corpus: &[usize],
        rng: &mut RandomState,
    ) -> Result<Self> {
        let (w_in, w_out) = ch04_weights("CBOW", vocab, hidden, corpus, rng)?;
        Ok(Cbow {
            w_in,
            w_out,
            embeds: vec![Embedding::new(); 2 * window],
            ns_loss: NegativeSamplingLoss::new(corpus, 0.75, 5)?,
            rng: rng.clone(),
            ids: Vec::new(),
            h: Matrix::zeros(0, 0),
            dh: Matrix::zeros(0, 0),
        })
    }
}

/// Every id of the corpus must be a word of the vocabulary.
fn check_corpus(model: &str, vocab: usize, corpus: &[usize]) -> Result<()> {
    match corpus.iter().enumerate().find(|(_, &w)| w >= vocab) {
        Some((i, &w)) => Err(Error::InvalidArgument(format!(
            "{model}: corpus id {w} at position {i} is outside the vocabulary of {vocab} words"
        ))),
        None => Ok(()),
    }
}

two_params!(Cbow, ParamKind::Other, "Cbow::<f32>::new(7, 5, 1, &[0, 1, 2, 3, 4, 5, 6], &mut groundup::RandomState::new(0)).unwrap()");

impl<T: Scalar> Trainable<T> for Cbow<T> {
    type Input = Ids;
    fn loss(&mut self, x: IdsView<'_>, t: Targets<'_, T>) -> T {
        mean_of_contexts(&mut self.embeds, &self.w_in.value, x, &mut self.h);
        target_ids(t, &mut self.ids);
        self.ns_loss
            .forward(&self.w_out.value, self.h.view(), &self.ids, &mut self.rng)
            .unwrap_or_else(|e| panic!("{e}"))
    }
    fn backprop(&mut self) {
        self.w_out.grad.fill(T::ZERO);
        let dh = self.ns_loss.backward(&mut self.w_out.grad);
        self.dh.assign(dh.view());
        scatter_to_contexts(&mut self.embeds, &mut self.dh, &mut self.w_in.grad);
    }
    fn check_data(&self, x: &Ids, t: Targets<'_, T>) -> Result<()> {
        check_ids("CBOW", self.w_in.value.rows(), self.embeds.len(), x, t)
    }
    fn rng(&mut self) -> Option<&mut RandomState> {
        Some(&mut self.rng)
    }
}

/// The book's `SkipGram` (chapter 4): the target word's row of `W_in` is
/// `h`, and one [`NegativeSamplingLoss`] per context word (each drawing its
/// own negatives) scores `h` against `W_out`; the loss is their sum.
///
/// Like [`Cbow`], it owns the random stream of its negatives, which the
/// trainer's shuffles share.
///
/// ```
/// use groundup::model::SkipGram;
/// use groundup::text::{create_contexts_target, preprocess};
/// use groundup::train::{FitOptions, Trainer};
/// use groundup::optim::Adam;
/// let (corpus, vocab) = preprocess("you say goodbye and i say hello and you say hi.");
/// let (contexts, target) = create_contexts_target(&corpus, 1);
/// let mut rng = groundup::RandomState::new(0);
/// let model = SkipGram::<f32>::new(vocab.len(), 5, 1, &corpus, &mut rng)?;
/// let mut trainer = Trainer::new(model, Adam::default());
/// trainer.set_verbose(false);
/// trainer.fit(&contexts, &target, FitOptions { max_epoch: 30, batch_size: 3, ..Default::default() })?;
/// assert!(trainer.loss_list.iter().all(|l| l.is_finite()));
/// # Ok::<(), groundup::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct SkipGram<T: Scalar> {
    w_in: Param<T>,
    w_out: Param<T>,
    embed: Embedding<T>,
    losses: Vec<NegativeSamplingLoss<T>>,
    rng: RandomState,
    ids: Vec<usize>,
    context: Vec<usize>,
    h: Matrix<T>,
    dh: Matrix<T>,
}

impl<T: Scalar> SkipGram<T> {
    /// As [`Cbow::new`]: `W_in` then `W_out` from `rng`, `2·window`
    /// negative-sampling losses built from `corpus`.
    ///
    /// # Errors
    /// As [`Cbow::new`].
    ///
    /// ```
    /// use groundup::model::SkipGram;
    /// let mut rng = groundup::RandomState::new(0);
    /// let m = SkipGram::<f32>::new(7, 4, 1, &[0, 1, 2, 3, 4, 5, 6], &mut rng)?;
    /// assert_eq!(m.word_vecs().shape(), (7, 4));
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn new(
        vocab: usize,
        hidden: usize,
        window: usize,
        corpus: &[usize],
        rng: &mut RandomState,
    ) -> Result<Self> {
        let (w_in, w_out) = ch04_weights("SkipGram", vocab, hidden, corpus, rng)?;
        let loss = NegativeSamplingLoss::new(corpus, 0.75, 5)?;
        Ok(SkipGram {
            w_in,
            w_out,
            embed: Embedding::new(),
            losses: vec![loss; 2 * window],
            rng: rng.clone(),
            ids: Vec::new(),
            context: Vec::new(),
            h: Matrix::zeros(0, 0),
            dh: Matrix::zeros(0, 0),
        })
    }
}

two_params!(SkipGram, ParamKind::Other, "SkipGram::<f32>::new(7, 5, 1, &[0, 1, 2, 3, 4, 5, 6], &mut groundup::RandomState::new(0)).unwrap()");

impl<T: Scalar> Trainable<T> for SkipGram<T> {
    type Input = Ids;
    fn loss(&mut self, x: IdsView<'_>, t: Targets<'_, T>) -> T {
        target_ids(t, &mut self.ids);
        let h = self
            .embed
            .forward(&self.w_in.value, self.ids.iter().copied());
        self.h.assign(h.view());
        let mut loss = T::ZERO;
        for (c, layer) in self.losses.iter_mut().enumerate() {
            self.context.clear();
            self.context.extend(x.column(c));
            let l = layer
                .forward(
                    &self.w_out.value,
                    self.h.view(),
                    &self.context,
                    &mut self.rng,
                )
                .unwrap_or_else(|e| panic!("{e}"));
            loss = if c == 0 { l } else { loss + l };
        }
        loss
    }
    fn backprop(&mut self) {
        self.w_out.grad.fill(T::ZERO);
        for (c, layer) in self.losses.iter_mut().enumerate() {
            let dh = layer.backward(&mut self.w_out.grad);
            if c == 0 {
                self.dh.assign(dh.view());
            } else {
                self.dh += dh;
            }
        }
        self.w_in.grad.fill(T::ZERO);
        self.embed
            .backward(self.dh.view())
            .add_to(&mut self.w_in.grad);
    }
    fn check_data(&self, x: &Ids, t: Targets<'_, T>) -> Result<()> {
        check_ids("SkipGram", self.w_in.value.rows(), self.losses.len(), x, t)
    }
    fn rng(&mut self) -> Option<&mut RandomState> {
        Some(&mut self.rng)
    }
}
