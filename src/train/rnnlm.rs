//! The book's `RnnlmTrainer` and `eval_perplexity` (`common/trainer.py`,
//! `common/util.py`): truncated backpropagation through time over one long
//! corpus.
//!
//! Semantics, exactly as the book:
//! - the corpus is read by `batch_size` cursors at offsets
//!   `i · (data_size / batch_size)`; each mini-batch takes `time_size`
//!   consecutive words from every cursor (wrapping around the end), and a
//!   running `time_idx` continues across iterations and epochs; each `fit`
//!   call starts it (and `ppl_list`) afresh, as the book's `fit` sets
//!   `self.time_idx = 0` and `self.ppl_list = []`, while the epoch count
//!   goes on;
//! - `data_size / (batch_size · time_size)` iterations per epoch;
//! - each iteration: forward, backward (tied gradients summed), optional
//!   [`clip_grads`](crate::optim::clip_grads), optimizer update — the step of
//!   chapter 1's [`Trainer`](super::Trainer);
//! - when `iters % eval_interval == 0`, `exp(mean loss since the last
//!   report)` is appended to `ppl_list` and printed as
//!   `| epoch 1 |  iter 1 / 19 | time 0[s] | perplexity 421.83`.
//!
//! Nothing is shuffled and nothing random is drawn here: the only random
//! numbers of a language-model run are the weights and the dropout masks,
//! both the model's. After the first iteration a step allocates nothing.

use super::{update_step, Progress};
use crate::error::{Error, Result};
use crate::matrix::Ids;
use crate::model::LanguageModel;
use crate::optim::Optimizer;
use crate::scalar::Scalar;
use std::io::Write;
use std::marker::PhantomData;
use std::time::Instant;

/// Settings of one [`RnnlmTrainer::fit`] call, the book's
/// `fit(xs, ts, max_epoch=10, batch_size=20, time_size=35, max_grad=None,
/// eval_interval=20)`.
///
/// ```
/// use groundup::train::RnnlmFitOptions;
/// let o = RnnlmFitOptions::default();
/// assert_eq!((o.max_epoch, o.batch_size, o.time_size, o.max_grad, o.eval_interval),
///            (10, 20, 35, None, Some(20)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RnnlmFitOptions {
    /// Passes over the corpus.
    pub max_epoch: usize,
    /// Parallel cursors (sequences per mini-batch).
    pub batch_size: usize,
    /// Steps per mini-batch (the truncation length).
    pub time_size: usize,
    /// Global gradient-norm limit ([`clip_grads`](crate::optim::clip_grads)),
    /// or `None` for no clipping.
    pub max_grad: Option<f64>,
    /// Report every this many iterations (`None`: never).
    pub eval_interval: Option<usize>,
}

impl Default for RnnlmFitOptions {
    fn default() -> Self {
        RnnlmFitOptions {
            max_epoch: 10,
            batch_size: 20,
            time_size: 35,
            max_grad: None,
            eval_interval: Some(20),
        }
    }
}

/// The book's `RnnlmTrainer(model, optimizer)`.
///
/// ```
/// use groundup::model::Rnnlm;
/// use groundup::optim::Sgd;
/// use groundup::train::{RnnlmFitOptions, RnnlmTrainer};
/// use groundup::RandomState;
/// let corpus: Vec<usize> = (0..200).map(|i| (i * 7) % 10).collect();
/// let model = Rnnlm::<f32>::new(10, 8, 8, &mut RandomState::new(0));
/// let mut trainer = RnnlmTrainer::new(model, Sgd::new(1.0));
/// trainer.set_verbose(false);
/// let options = RnnlmFitOptions { max_epoch: 5, batch_size: 4, time_size: 5, eval_interval: Some(1), ..Default::default() };
/// trainer.fit(&corpus[..199], &corpus[1..], options)?;
/// let ppl = trainer.ppl_list();
/// assert_eq!(ppl.len(), 5 * 9); // 199 / (4·5) = 9 iterations per epoch
/// assert!(ppl[ppl.len() - 1] < ppl[0] / 2.0);
/// # Ok::<(), groundup::Error>(())
/// ```
pub struct RnnlmTrainer<T: Scalar, M: LanguageModel<T>, O: Optimizer<T>> {
    model: M,
    optimizer: O,
    time_idx: usize,
    ppl_list: Vec<f64>,
    current_epoch: usize,
    verbose: bool,
    batch_x: Ids,
    batch_t: Ids,
    _scalar: PhantomData<T>,
}

impl<T: Scalar, M: LanguageModel<T>, O: Optimizer<T>> RnnlmTrainer<T, M, O> {
    /// A trainer for `model` with `optimizer`, printing its progress.
    ///
    /// ```
    /// use groundup::{model::SimpleRnnlm, optim::Sgd, train::RnnlmTrainer, RandomState};
    /// let t = RnnlmTrainer::new(SimpleRnnlm::<f32>::new(5, 2, 2, &mut RandomState::new(0)), Sgd::new(0.1));
    /// assert_eq!(t.time_idx(), 0);
    /// ```
    pub fn new(model: M, optimizer: O) -> Self {
        RnnlmTrainer {
            model,
            optimizer,
            time_idx: 0,
            ppl_list: Vec::new(),
            current_epoch: 0,
            verbose: true,
            batch_x: Ids::default(),
            batch_t: Ids::default(),
            _scalar: PhantomData,
        }
    }

    /// Prints the progress lines (default) or not.
    ///
    /// ```
    /// use groundup::{model::SimpleRnnlm, optim::Sgd, train::RnnlmTrainer, RandomState};
    /// let mut t = RnnlmTrainer::new(SimpleRnnlm::<f32>::new(5, 2, 2, &mut RandomState::new(0)), Sgd::new(0.1));
    /// t.set_verbose(false);
    /// ```
    pub fn set_verbose(&mut self, verbose: bool) {
        self.verbose = verbose;
    }

    /// Trains on `xs → ts` (the corpus and the corpus shifted by one word).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when `xs` and `ts` differ in length, are
    /// too short for one iteration (`batch_size · time_size` words), a
    /// setting is 0, or an id is outside the model's vocabulary (naming its
    /// position); [`Error::NonFiniteLoss`] when the loss becomes NaN or
    /// infinite (the book's run would go on with NaN).
    ///
    /// ```
    /// use groundup::{model::SimpleRnnlm, optim::Sgd, RandomState};
    /// use groundup::train::{RnnlmFitOptions, RnnlmTrainer};
    /// let mut t = RnnlmTrainer::new(SimpleRnnlm::<f32>::new(5, 2, 2, &mut RandomState::new(0)), Sgd::new(0.1));
    /// let err = t.fit(&[0, 1, 2], &[1, 2, 3], RnnlmFitOptions::default()).unwrap_err();
    /// assert!(err.to_string().contains("3 words are fewer than batch_size · time_size = 700"), "{err}");
    /// let err = t.fit(&[0, 9], &[1, 2], RnnlmFitOptions { batch_size: 1, time_size: 1, ..Default::default() }).unwrap_err();
    /// assert!(err.to_string().contains("id 9 at position 1 of xs"), "{err}");
    /// ```
    pub fn fit(&mut self, xs: &[usize], ts: &[usize], options: RnnlmFitOptions) -> Result<()> {
        let RnnlmFitOptions {
            max_epoch,
            batch_size,
            time_size,
            max_grad,
            eval_interval,
        } = options;
        self.validate(xs, ts, &options)?;
        self.time_idx = 0;
        self.ppl_list.clear();
        let data_size = xs.len();
        let max_iters = data_size / (batch_size * time_size);
        let jump = data_size / batch_size;
        if let Some(interval) = eval_interval {
            self.ppl_list
                .reserve(max_epoch.saturating_mul(max_iters.div_ceil(interval)));
        }
        if self.batch_x.shape() != (batch_size, time_size) {
            self.batch_x = Ids::from_vec(batch_size, time_size, vec![0; batch_size * time_size])?;
            self.batch_t = self.batch_x.clone();
        }
        let mut total_loss = 0.0f64;
        let mut loss_count = 0usize;
        let mut progress = Progress::new();
        let start = Instant::now();
        for _ in 0..max_epoch {
            for iters in 0..max_iters {
                self.fill_batch(xs, ts, jump, time_size);
                let loss = self.model.forward(self.batch_x.view(), self.batch_t.view());
                if !loss.is_finite() {
                    return Err(Error::NonFiniteLoss {
                        epoch: self.current_epoch + 1,
                        iter: iters + 1,
                        loss,
                    });
                }
                self.model.backward();
                update_step(&mut self.model, &mut self.optimizer, max_grad);
                total_loss += loss;
                loss_count += 1;
                if eval_interval.is_some_and(|every| iters % every == 0) {
                    let ppl = (total_loss / loss_count as f64).exp();
                    if self.verbose {
                        progress.line(
                            self.current_epoch + 1,
                            iters + 1,
                            max_iters,
                            start.elapsed().as_secs(),
                            "perplexity",
                            ppl,
                        );
                    }
                    self.ppl_list.push(ppl);
                    total_loss = 0.0;
                    loss_count = 0;
                }
            }
            self.current_epoch += 1;
        }
        Ok(())
    }

    /// `batch_x[i][t] = xs[(offset_i + time_idx) % size]` (and `ts` the
    /// same), `time_idx` advancing once per step.
    fn fill_batch(&mut self, xs: &[usize], ts: &[usize], jump: usize, time_size: usize) {
        let data_size = xs.len();
        let batch = self.batch_x.rows();
        let bx = self.batch_x.as_mut_slice();
        let bt = self.batch_t.as_mut_slice();
        for t in 0..time_size {
            for i in 0..batch {
                let k = (i * jump + self.time_idx) % data_size;
                bx[i * time_size + t] = xs[k];
                bt[i * time_size + t] = ts[k];
            }
            self.time_idx += 1;
        }
    }

    fn validate(&self, xs: &[usize], ts: &[usize], o: &RnnlmFitOptions) -> Result<()> {
        let invalid = |s: String| Err(Error::InvalidArgument(format!("RnnlmTrainer::fit: {s}")));
        if o.batch_size == 0 || o.time_size == 0 {
            return invalid(format!(
                "batch_size ({}) and time_size ({}) must be at least 1",
                o.batch_size, o.time_size
            ));
        }
        if o.eval_interval == Some(0) {
            return invalid("eval_interval must be at least 1 (or None)".into());
        }
        if xs.len() != ts.len() {
            return invalid(format!("xs has {} words but ts has {}", xs.len(), ts.len()));
        }
        let per_iter = o.batch_size.saturating_mul(o.time_size);
        if xs.len() < per_iter {
            return invalid(format!(
                "the {} words are fewer than batch_size · time_size = {per_iter}: not one iteration",
                xs.len()
            ));
        }
        let vocab = self.model.vocab_size();
        for (name, ids) in [("xs", xs), ("ts", ts)] {
            if let Some((i, &id)) = ids.iter().enumerate().find(|(_, &id)| id >= vocab) {
                return invalid(format!(
                    "id {id} at position {i} of {name} is outside the model's vocabulary of {vocab} words"
                ));
            }
        }
        Ok(())
    }

    /// `exp(mean loss)` of every report of the last `fit` call.
    ///
    /// ```
    /// use groundup::{model::SimpleRnnlm, optim::Sgd, train::RnnlmTrainer, RandomState};
    /// let t = RnnlmTrainer::new(SimpleRnnlm::<f32>::new(5, 2, 2, &mut RandomState::new(0)), Sgd::new(0.1));
    /// assert!(t.ppl_list().is_empty());
    /// ```
    pub fn ppl_list(&self) -> &[f64] {
        &self.ppl_list
    }

    /// The running position in the corpus (words read by each cursor).
    ///
    /// ```
    /// use groundup::{model::SimpleRnnlm, optim::Sgd, RandomState};
    /// use groundup::train::{RnnlmFitOptions, RnnlmTrainer};
    /// let corpus: Vec<usize> = (0..41).map(|i| i % 5).collect();
    /// let mut t = RnnlmTrainer::new(SimpleRnnlm::<f32>::new(5, 2, 2, &mut RandomState::new(0)), Sgd::new(0.1));
    /// t.set_verbose(false);
    /// t.fit(&corpus[..40], &corpus[1..], RnnlmFitOptions { max_epoch: 1, batch_size: 2, time_size: 5, ..Default::default() })?;
    /// assert_eq!(t.time_idx(), 20); // 40 / (2·5) = 4 iterations of 5 steps
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn time_idx(&self) -> usize {
        self.time_idx
    }

    /// Epochs completed over all `fit` calls.
    ///
    /// ```
    /// use groundup::{model::SimpleRnnlm, optim::Sgd, train::RnnlmTrainer, RandomState};
    /// let t = RnnlmTrainer::new(SimpleRnnlm::<f32>::new(5, 2, 2, &mut RandomState::new(0)), Sgd::new(0.1));
    /// assert_eq!(t.current_epoch(), 0);
    /// ```
    pub fn current_epoch(&self) -> usize {
        self.current_epoch
    }

    /// The model.
    ///
    /// ```
    /// use groundup::{model::{LanguageModel, SimpleRnnlm}, optim::Sgd, train::RnnlmTrainer, RandomState};
    /// let t = RnnlmTrainer::new(SimpleRnnlm::<f32>::new(5, 2, 2, &mut RandomState::new(0)), Sgd::new(0.1));
    /// assert_eq!(t.model().vocab_size(), 5);
    /// ```
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The model, mutable (e.g. to `reset_state` between `fit` calls).
    ///
    /// ```
    /// use groundup::{model::{LanguageModel, SimpleRnnlm}, optim::Sgd, train::RnnlmTrainer, RandomState};
    /// let mut t = RnnlmTrainer::new(SimpleRnnlm::<f32>::new(5, 2, 2, &mut RandomState::new(0)), Sgd::new(0.1));
    /// t.model_mut().reset_state();
    /// ```
    pub fn model_mut(&mut self) -> &mut M {
        &mut self.model
    }

    /// The optimizer, mutable (the book lowers `optimizer.lr` between epochs).
    ///
    /// ```
    /// use groundup::{model::SimpleRnnlm, optim::Sgd, train::RnnlmTrainer, RandomState};
    /// let mut t = RnnlmTrainer::new(SimpleRnnlm::<f32>::new(5, 2, 2, &mut RandomState::new(0)), Sgd::new(20.0));
    /// t.optimizer_mut().lr /= 4.0;
    /// assert_eq!(t.optimizer_mut().lr, 5.0);
    /// ```
    pub fn optimizer_mut(&mut self) -> &mut O {
        &mut self.optimizer
    }

    /// The model, giving up the trainer.
    ///
    /// ```
    /// use groundup::{model::SimpleRnnlm, optim::Sgd, train::RnnlmTrainer, RandomState};
    /// let t = RnnlmTrainer::new(SimpleRnnlm::<f32>::new(5, 2, 2, &mut RandomState::new(0)), Sgd::new(0.1));
    /// let _model: SimpleRnnlm<f32> = t.into_model();
    /// ```
    pub fn into_model(self) -> M {
        self.model
    }
}

/// The book's `eval_perplexity(model, corpus, batch_size=10, time_size=35)`:
/// `exp` of the mean loss over `(len − 1) / (batch_size · time_size)`
/// batches read by `batch_size` cursors at offsets `i · ((len − 1) /
/// batch_size)`, batch `k` from step `k · time_size` of each cursor, in
/// evaluation mode (no dropout), continuing from the model's state (the
/// book's scripts call `reset_state` first). `progress` gets what the book
/// prints: `evaluating perplexity ...`, then `\r{iter} / {max_iters}` per
/// batch and a final newline (pass `std::io::sink()` for none).
///
/// # Errors
/// [`Error::InvalidArgument`] when the corpus is too short for one batch
/// (the book divides by zero) or holds an id outside the vocabulary.
/// Errors writing `progress` are ignored (it is a display).
///
/// ```
/// use groundup::model::{LanguageModel, Rnnlm};
/// use groundup::train::eval_perplexity;
/// use groundup::RandomState;
/// let mut model = Rnnlm::<f64>::new(10, 4, 4, &mut RandomState::new(0));
/// let corpus: Vec<usize> = (0..400).map(|i| i % 10).collect();
/// let ppl = eval_perplexity(&mut model, &corpus, 10, 35, &mut std::io::sink())?;
/// assert!((ppl - 10.0).abs() < 0.5); // untrained: about uniform
/// let err = eval_perplexity(&mut model, &corpus[..300], 10, 35, &mut std::io::sink()).unwrap_err();
/// assert!(err.to_string().contains("300 words"), "{err}");
/// # Ok::<(), groundup::Error>(())
/// ```
pub fn eval_perplexity<T: Scalar, M: LanguageModel<T> + ?Sized>(
    model: &mut M,
    corpus: &[usize],
    batch_size: usize,
    time_size: usize,
    progress: &mut dyn Write,
) -> Result<f64> {
    let size = corpus.len();
    let per_batch = batch_size.saturating_mul(time_size);
    if per_batch == 0 || size < per_batch + 1 {
        return Err(Error::InvalidArgument(format!(
            "eval_perplexity: {size} words are too few for one batch of {batch_size} x {time_size} (need at least {})",
            per_batch + 1
        )));
    }
    let vocab = model.vocab_size();
    if let Some((i, &id)) = corpus.iter().enumerate().find(|(_, &id)| id >= vocab) {
        return Err(Error::InvalidArgument(format!(
            "eval_perplexity: id {id} at position {i} is outside the model's vocabulary of {vocab} words"
        )));
    }
    let max_iters = (size - 1) / per_batch;
    let jump = (size - 1) / batch_size;
    let mut xs = Ids::from_vec(batch_size, time_size, vec![0; per_batch])?;
    let mut ts = xs.clone();
    let mut total_loss = 0.0f64;
    let _ = writeln!(progress, "evaluating perplexity ...");
    model.set_training(false);
    for iters in 0..max_iters {
        let time_offset = iters * time_size;
        let (bx, bt) = (xs.as_mut_slice(), ts.as_mut_slice());
        for t in 0..time_size {
            for i in 0..batch_size {
                let offset = time_offset + i * jump;
                bx[i * time_size + t] = corpus[(offset + t) % size];
                bt[i * time_size + t] = corpus[(offset + t + 1) % size];
            }
        }
        total_loss += model.forward(xs.view(), ts.view());
        // Progress is a display: a closed terminal must not stop the evaluation.
        let _ = write!(progress, "\r{iters} / {max_iters}").and_then(|()| progress.flush());
    }
    let _ = writeln!(progress);
    model.set_training(true);
    Ok((total_loss / max_iters as f64).exp())
}
