//! The book's `Trainer` (`common/trainer.py`): shuffled mini-batch training
//! with optional gradient clipping and periodic loss reports.
//!
//! Semantics, exactly as the book:
//! - every epoch draws `permutation(data_size)` from the trainer's RNG (the
//!   stream that initialised the weights, in the book's ch01/train.py; the
//!   model's own stream when it samples while training, as the word2vec
//!   models with negative sampling do — see [`Trainable::rng`]) and
//!   reorders x and t **cumulatively**: epoch `e` sees the data permuted by
//!   every permutation so far (the book reassigns `x = x[idx]`);
//! - `data_size / batch_size` mini-batches per epoch; the remainder is dropped;
//! - each iteration: forward, backward (tied gradients merged), optional
//!   [`clip_grads`], optimizer update;
//! - when `iters % eval_interval == 0` — the *first* iteration of each window —
//!   the average loss since the last report is appended to `loss_list` and
//!   printed as `| epoch 1 |  iter 1 / 10 | time 0[s] | loss 1.10`.
//!
//! The inputs are any [`Batch`]: float rows ([`Matrix`]) for chapter 1's
//! networks, word ids ([`Ids`]) for chapters 3–4 and
//! the questions of chapters 7–8, whose targets are answer sequences
//! ([`Targets::Sequences`]).
//!
//! After the first iteration a training step allocates nothing: batches are
//! views, the shuffled copies and the permutation live in reused buffers.

mod rnnlm;
mod seq2seq;
mod trainable;

pub use rnnlm::{eval_perplexity, RnnlmFitOptions, RnnlmTrainer};
pub use seq2seq::{eval_seq2seq, eval_seq2seq_rows, format_seq2seq, Seq2seqEval};
pub use trainable::{check_model_data, Batch, Trainable};

use crate::error::{Error, Result};
use crate::layers::Targets;
use crate::matrix::{Ids, Matrix};
use crate::optim::{clip_grads, Optimizer};
use crate::rng::RandomState;
use crate::scalar::Scalar;
use std::time::Instant;

/// Owned, shufflable targets.
/// The update of one training step, shared by both trainers: clip the
/// gradients' global norm to `max_grad` if given, then let the optimizer
/// step.
fn update_step<T: Scalar, O: Optimizer<T>>(
    model: &mut dyn crate::model::Params<T>,
    optimizer: &mut O,
    max_grad: Option<f64>,
) {
    if let Some(max_norm) = max_grad {
        clip_grads(model, max_norm);
    }
    optimizer.update(model);
}

/// The book's progress lines,
/// `| epoch 1 |  iter 1 / 19 | time 0[s] | perplexity 421.83`, written to
/// stdout in batches: the first at once, then at most every 100 ms, and the
/// rest when the fit ends (also by an error: on drop). One `write(2)` per
/// line cost the 3000-iteration spiral run more time than its arithmetic.
struct Progress {
    buf: String,
    last: Option<Instant>,
}

impl Progress {
    const EVERY: std::time::Duration = std::time::Duration::from_millis(100);

    fn new() -> Self {
        Progress {
            buf: String::new(),
            last: None,
        }
    }

    fn line(
        &mut self,
        epoch: usize,
        iter: usize,
        max_iters: usize,
        secs: u64,
        what: &str,
        value: f64,
    ) {
        use std::fmt::Write;
        let _ = writeln!(
            self.buf,
            "| epoch {epoch} |  iter {iter} / {max_iters} | time {secs}[s] | {what} {value:.2}"
        );
        if self.last.is_none_or(|t| t.elapsed() >= Self::EVERY) {
            self.flush();
        }
    }

    fn flush(&mut self) {
        use std::io::Write;
        if !self.buf.is_empty() {
            let mut out = std::io::stdout().lock();
            // Progress is best effort: a closed stdout must not stop training.
            let _ = out
                .write_all(self.buf.as_bytes())
                .and_then(|()| out.flush());
            self.buf.clear();
        }
        self.last = Some(Instant::now());
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.flush();
    }
}

#[derive(Clone, Debug)]
enum TargetBuf<T: Scalar> {
    OneHot(Matrix<T>),
    Indices(Vec<usize>),
    Sequences(Ids),
}

impl<T: Scalar> TargetBuf<T> {
    fn view(&self) -> Targets<'_, T> {
        match self {
            TargetBuf::OneHot(m) => Targets::OneHot(m.view()),
            TargetBuf::Indices(v) => Targets::Indices(v),
            TargetBuf::Sequences(s) => Targets::Sequences(s.view()),
        }
    }
    fn assign(&mut self, t: Targets<'_, T>) {
        match (self, t) {
            (TargetBuf::OneHot(m), Targets::OneHot(v)) => m.assign(v),
            (TargetBuf::Indices(m), Targets::Indices(v)) => {
                m.clear();
                m.extend_from_slice(v);
            }
            (TargetBuf::Sequences(m), Targets::Sequences(v)) => m.assign(v),
            (slot, Targets::OneHot(v)) => *slot = TargetBuf::OneHot(v.to_matrix()),
            (slot, Targets::Sequences(v)) => *slot = TargetBuf::Sequences(v.to_ids()),
            (slot, Targets::Indices(v)) => *slot = TargetBuf::Indices(v.to_vec()),
        }
    }
    /// `out = self[perm]`.
    fn gather_into(&self, perm: &[usize], out: &mut TargetBuf<T>) {
        match (self, out) {
            (TargetBuf::OneHot(m), TargetBuf::OneHot(o)) => m.gather_rows_into(perm, o),
            (TargetBuf::Indices(v), TargetBuf::Indices(o)) => {
                o.clear();
                o.extend(perm.iter().map(|&i| v[i]));
            }
            (TargetBuf::Sequences(s), TargetBuf::Sequences(o)) => s.gather_rows_into(perm, o),
            (src, out) => {
                *out = src.clone();
                src.gather_into(perm, out);
            }
        }
    }
}

/// How [`Trainer::fit`] trains: the keyword arguments of the book's
/// `Trainer.fit`, with its defaults (`max_epoch=10, batch_size=32,
/// max_grad=None, eval_interval=20`). Set what differs and take the rest
/// from [`Default`]:
///
/// ```
/// use groundup::train::FitOptions;
/// let opts = FitOptions { max_epoch: 300, batch_size: 30, eval_interval: 10, ..Default::default() };
/// assert_eq!(opts.max_grad, None);
/// assert_eq!(FitOptions::default().batch_size, 32);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FitOptions {
    /// Epochs to train (passes over the shuffled data).
    pub max_epoch: usize,
    /// Rows per mini-batch; an epoch is `rows / batch_size` iterations (the
    /// remainder of the shuffled data is not used, as in the book).
    pub batch_size: usize,
    /// Clip the gradients to this global L2 norm (the book's `clip_grads`).
    pub max_grad: Option<f64>,
    /// Record (and print) the average loss every this many iterations.
    pub eval_interval: usize,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            max_epoch: 10,
            batch_size: 32,
            max_grad: None,
            eval_interval: 20,
        }
    }
}

/// Called after every iteration with `(epoch, iteration, loss)`, 1-based as
/// printed (used by the spiral example's `--loss-csv`).
///
/// ```
/// use groundup::data::spiral;
/// use groundup::model::TwoLayerNet;
/// use groundup::optim::Sgd;
/// use groundup::train::{FitOptions, IterationHook, Trainer};
/// use std::{cell::RefCell, rc::Rc};
/// # fn main() -> groundup::Result<()> {
/// let (x, t, mut rng) = spiral::load_data_with_rng(1984);
/// let model = TwoLayerNet::<f64>::new(2, 10, 3, &mut || rng.randn());
/// let mut trainer = Trainer::new(model, Sgd::new(1.0)).with_rng(rng);
/// trainer.set_verbose(false);
/// // Every iteration's loss, not only the averages in loss_list.
/// let seen = Rc::new(RefCell::new(Vec::new()));
/// let sink = Rc::clone(&seen);
/// let hook: IterationHook = Box::new(move |epoch, iter, loss| sink.borrow_mut().push((epoch, iter, loss)));
/// trainer.set_iteration_hook(Some(hook));
/// trainer.fit(&x, &t, FitOptions { max_epoch: 2, batch_size: 30, ..Default::default() })?;
/// let seen = seen.borrow();
/// assert_eq!(seen.len(), 20); // 2 epochs of 300 / 30 iterations
/// assert_eq!((seen[0].0, seen[0].1), (1, 1));
/// assert_eq!((seen[19].0, seen[19].1), (2, 10));
/// assert_eq!(seen[0].2, trainer.loss_list[0]); // the first report averages one loss
/// # Ok(())
/// # }
/// ```
pub type IterationHook = Box<dyn FnMut(usize, usize, f64)>;

/// Trains a [`Trainable`] model (any [`Model`](crate::model::Model), or a word2vec model on ids) with an [`Optimizer`] (the book's `Trainer`).
///
/// ```
/// use groundup::data::spiral;
/// use groundup::model::{Model, TwoLayerNet};
/// use groundup::optim::Sgd;
/// use groundup::train::{FitOptions, Trainer};
/// // ch01/train.py, shortened to 20 epochs and silenced:
/// let (x, t, mut rng) = spiral::load_data_with_rng(1984);
/// let model = TwoLayerNet::<f64>::new(2, 10, 3, &mut || rng.randn());
/// let mut trainer = Trainer::new(model, Sgd::new(1.0)).with_rng(rng);
/// trainer.set_verbose(false);
/// let opts = FitOptions { max_epoch: 20, batch_size: 30, eval_interval: 10, ..Default::default() };
/// trainer.fit(&x, &t, opts).unwrap();
/// assert_eq!(trainer.loss_list.len(), 20);
/// assert_eq!(trainer.current_epoch, 20);
/// assert!(trainer.loss_list[19] < trainer.loss_list[0]);
/// ```
pub struct Trainer<T: Scalar, M: Trainable<T>, O: Optimizer<T>> {
    /// The model being trained.
    pub model: M,
    /// The optimizer.
    pub optimizer: O,
    /// Average losses recorded every `eval_interval` iterations.
    pub loss_list: Vec<f64>,
    /// The `eval_interval` of the last `fit`.
    pub eval_interval: usize,
    /// Epochs completed over all `fit` calls.
    pub current_epoch: usize,
    rng: RandomState,
    verbose: bool,
    hook: Option<IterationHook>,
    x: M::Input,
    t: TargetBuf<T>,
    x_tmp: M::Input,
    t_tmp: TargetBuf<T>,
    perm: Vec<usize>,
}

impl<T: Scalar, M: Trainable<T>, O: Optimizer<T>> Trainer<T, M, O> {
    /// A trainer whose shuffles draw from `RandomState::new(0)`; use
    /// [`Trainer::with_rng`] to continue the stream that initialised the
    /// weights, as the book does.
    ///
    /// ```
    /// use groundup::model::TwoLayerNet;
    /// use groundup::optim::Sgd;
    /// use groundup::rng::RandomState;
    /// use groundup::train::Trainer;
    /// let model = TwoLayerNet::<f32>::new(2, 10, 3, &mut || 0.5);
    /// let trainer = Trainer::new(model, Sgd::new(1.0));
    /// assert!(trainer.loss_list.is_empty() && trainer.current_epoch == 0);
    /// // Shuffles come from seed 0 unless with_rng says otherwise.
    /// assert_eq!(trainer.rng().clone().next_u32(), RandomState::new(0).next_u32());
    /// ```
    pub fn new(model: M, optimizer: O) -> Self {
        Trainer {
            model,
            optimizer,
            loss_list: Vec::new(),
            eval_interval: 0,
            current_epoch: 0,
            rng: RandomState::new(0),
            verbose: true,
            hook: None,
            x: M::Input::default(),
            t: TargetBuf::Indices(Vec::new()),
            x_tmp: M::Input::default(),
            t_tmp: TargetBuf::Indices(Vec::new()),
            perm: Vec::new(),
        }
    }

    /// Uses `rng` for the per-epoch permutations.
    ///
    /// ```
    /// use groundup::data::spiral;
    /// use groundup::model::TwoLayerNet;
    /// use groundup::optim::Sgd;
    /// use groundup::train::Trainer;
    /// // As ch01/train.py: one stream draws the data, then the weights, then the shuffles.
    /// let (_x, _t, mut rng) = spiral::load_data_with_rng(1984);
    /// let model = TwoLayerNet::<f64>::new(2, 10, 3, &mut || rng.randn());
    /// let after_weights = rng.clone();
    /// let trainer = Trainer::new(model, Sgd::new(1.0)).with_rng(rng);
    /// assert_eq!(trainer.rng().clone().next_u32(), after_weights.clone().next_u32());
    /// ```
    pub fn with_rng(mut self, rng: RandomState) -> Self {
        self.rng = rng;
        self
    }

    /// The RNG the permutations are drawn from (its state continues across
    /// `fit` calls).
    ///
    /// ```
    /// use groundup::model::TwoLayerNet;
    /// use groundup::optim::Sgd;
    /// use groundup::rng::RandomState;
    /// use groundup::train::{FitOptions, Trainer};
    /// use groundup::Matrix;
    /// # fn main() -> groundup::Result<()> {
    /// let x = Matrix::from_fn(6, 2, |i, j| (i + j) as f64);
    /// let t = vec![0, 1, 0, 1, 0, 1];
    /// let mut trainer = Trainer::new(TwoLayerNet::<f64>::new(2, 3, 2, &mut || 0.1), Sgd::new(0.1));
    /// trainer.set_verbose(false);
    /// trainer.fit(&x, &t, FitOptions { max_epoch: 2, batch_size: 3, ..Default::default() })?;
    /// // Each epoch drew one permutation of the 6 rows from it.
    /// let mut expected = RandomState::new(0);
    /// expected.permutation(6);
    /// expected.permutation(6);
    /// assert_eq!(trainer.rng().clone().next_u32(), expected.next_u32());
    /// # Ok(())
    /// # }
    /// ```
    pub fn rng(&self) -> &RandomState {
        &self.rng
    }

    /// Prints the progress lines (default) or not.
    ///
    /// ```
    /// use groundup::model::TwoLayerNet;
    /// use groundup::optim::Sgd;
    /// use groundup::train::{FitOptions, Trainer};
    /// use groundup::Matrix;
    /// # fn main() -> groundup::Result<()> {
    /// let x = Matrix::from_fn(6, 2, |i, j| (i + j) as f64);
    /// let t = vec![0, 1, 0, 1, 0, 1];
    /// let mut trainer = Trainer::new(TwoLayerNet::<f64>::new(2, 3, 2, &mut || 0.1), Sgd::new(0.1));
    /// trainer.set_verbose(false); // no "| epoch 1 |  iter 1 / 2 | ..." lines
    /// trainer.fit(&x, &t, FitOptions { max_epoch: 2, batch_size: 3, ..Default::default() })?;
    /// assert_eq!(trainer.loss_list.len(), 2); // the averages are still recorded
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_verbose(&mut self, verbose: bool) {
        self.verbose = verbose;
    }

    /// Calls `hook(epoch, iteration, loss)` after every iteration.
    ///
    /// ```
    /// use groundup::model::TwoLayerNet;
    /// use groundup::optim::Sgd;
    /// use groundup::train::{FitOptions, Trainer};
    /// use groundup::Matrix;
    /// use std::{cell::Cell, rc::Rc};
    /// # fn main() -> groundup::Result<()> {
    /// let x = Matrix::from_fn(8, 2, |i, j| (i * j) as f64 * 0.1);
    /// let t = vec![0, 1, 1, 0, 0, 1, 1, 0];
    /// let mut trainer = Trainer::new(TwoLayerNet::<f64>::new(2, 4, 2, &mut || 0.3), Sgd::new(0.5));
    /// trainer.set_verbose(false);
    /// let calls = Rc::new(Cell::new(0));
    /// let counter = Rc::clone(&calls);
    /// trainer.set_iteration_hook(Some(Box::new(move |_, _, _| counter.set(counter.get() + 1))));
    /// let opts = FitOptions { max_epoch: 3, batch_size: 4, ..Default::default() };
    /// trainer.fit(&x, &t, opts)?;
    /// assert_eq!(calls.get(), 6); // 3 epochs of 8 / 4 iterations
    /// trainer.set_iteration_hook(None);
    /// trainer.fit(&x, &t, opts)?;
    /// assert_eq!(calls.get(), 6);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_iteration_hook(&mut self, hook: Option<IterationHook>) {
        self.hook = hook;
    }

    /// Trains for `max_epoch` epochs of `x.rows() / batch_size` iterations
    /// (see [`FitOptions`]). `t` is one-hot rows (`&Matrix`), class
    /// indices (`&[usize]`, `&Vec<usize>`), answer sequences (`&Ids`, for
    /// the seq2seq models), or a [`Targets`].
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an empty data set, `batch_size` 0 or
    /// larger than the data, or `eval_interval` 0; [`Error::ShapeMismatch`]
    /// when x and t have different row counts or do not fit the model;
    /// [`Error::NonFiniteLoss`] (naming epoch and iteration) as soon as a
    /// loss is NaN or infinite — the update of that iteration is skipped.
    ///
    /// ```
    /// use groundup::model::TwoLayerNet;
    /// use groundup::optim::Sgd;
    /// use groundup::train::{FitOptions, Trainer};
    /// use groundup::{Error, Matrix};
    /// let x = Matrix::from_fn(8, 2, |i, j| (i + j) as f64 * 0.1);
    /// let t = vec![0, 1, 0, 1, 0, 1, 0, 1];
    /// let mut trainer = Trainer::new(TwoLayerNet::<f64>::new(2, 4, 2, &mut || 0.3), Sgd::new(0.5));
    /// trainer.set_verbose(false);
    /// let opts = FitOptions { max_epoch: 5, batch_size: 4, eval_interval: 1, ..Default::default() };
    /// trainer.fit(&x, &t, opts).unwrap();
    /// assert_eq!((trainer.current_epoch, trainer.loss_list.len()), (5, 10)); // 2 iterations an epoch
    /// // Bad arguments are errors, not panics: targets for 7 of the 8 rows, a batch of 0, ...
    /// assert!(matches!(trainer.fit(&x, &t[..7], opts), Err(Error::ShapeMismatch { .. })));
    /// let empty_batches = FitOptions { batch_size: 0, ..opts };
    /// assert!(matches!(trainer.fit(&x, &t, empty_batches), Err(Error::InvalidArgument(_))));
    /// // ... and so is a diverging run, named by epoch (counted over all fits) and iteration.
    /// let nan = Matrix::filled(8, 2, f64::NAN);
    /// let diverged = trainer.fit(&nan, &t, opts);
    /// assert!(matches!(diverged, Err(Error::NonFiniteLoss { epoch: 6, iter: 1, .. })));
    /// ```
    pub fn fit<'t>(
        &mut self,
        x: &M::Input,
        t: impl Into<Targets<'t, T>>,
        options: FitOptions,
    ) -> Result<()> {
        let t = t.into();
        let FitOptions {
            max_epoch,
            batch_size,
            max_grad,
            eval_interval,
        } = options;
        self.validate(x, t, batch_size, eval_interval)?;
        let data_size = x.samples();
        let max_iters = data_size / batch_size;
        self.eval_interval = eval_interval;
        self.x.assign_from(x);
        // The loss reads one-hot rows as their argmax (the book's
        // `t.argmax(axis=1)`); doing that once here instead of per batch
        // also makes the per-epoch shuffle of t a shuffle of indices.
        // (A 1-column target holds 0/1 label values, not one-hot rows.)
        match t {
            Targets::OneHot(m) if m.cols() >= 2 => {
                if !matches!(self.t, TargetBuf::Indices(_)) {
                    self.t = TargetBuf::Indices(Vec::new());
                }
                if let TargetBuf::Indices(idx) = &mut self.t {
                    t.classes_into(idx);
                }
            }
            _ => self.t.assign(t),
        }
        // Room for every report of this call up front, so no step allocates.
        self.loss_list
            .reserve(max_epoch.saturating_mul(max_iters.div_ceil(eval_interval)));
        // The running sum in f64; for a model whose loss the book keeps in
        // T, every sum and the average are rounded to T, which is exactly
        // T arithmetic (f64 holds more than twice T's digits).
        let round = |v: f64| {
            if M::LOSS_IN_F64 {
                v
            } else {
                T::from_f64(v).to_f64()
            }
        };
        let mut total_loss = 0.0f64;
        let mut loss_count = 0usize;
        let mut progress = Progress::new();
        let start = Instant::now();
        for _ in 0..max_epoch {
            // Cumulative shuffle: x = x[perm], t = t[perm].
            // One stream, as the book's global one: the model's if it
            // draws random numbers itself (negative sampling), else ours.
            let rng = match self.model.rng() {
                Some(rng) => rng,
                None => &mut self.rng,
            };
            rng.permutation_into(data_size, &mut self.perm);
            self.x.gather_rows_into(&self.perm, &mut self.x_tmp);
            std::mem::swap(&mut self.x, &mut self.x_tmp);
            self.t.gather_into(&self.perm, &mut self.t_tmp);
            std::mem::swap(&mut self.t, &mut self.t_tmp);

            for iters in 0..max_iters {
                let rows = iters * batch_size..(iters + 1) * batch_size;
                let batch_x = self.x.batch(rows.clone());
                let batch_t = self.t.view().rows(rows);
                let loss = self.model.loss_f64(batch_x, batch_t);
                if !loss.is_finite() {
                    return Err(Error::NonFiniteLoss {
                        epoch: self.current_epoch + 1,
                        iter: iters + 1,
                        loss,
                    });
                }
                self.model.backprop();
                update_step(&mut self.model, &mut self.optimizer, max_grad);
                total_loss = round(total_loss + loss);
                loss_count += 1;
                if let Some(hook) = &mut self.hook {
                    hook(self.current_epoch + 1, iters + 1, loss);
                }
                if iters % eval_interval == 0 {
                    let avg_loss = round(total_loss / loss_count as f64);
                    if self.verbose {
                        progress.line(
                            self.current_epoch + 1,
                            iters + 1,
                            max_iters,
                            start.elapsed().as_secs(),
                            "loss",
                            avg_loss,
                        );
                    }
                    self.loss_list.push(avg_loss);
                    total_loss = 0.0;
                    loss_count = 0;
                }
            }
            self.current_epoch += 1;
        }
        Ok(())
    }

    fn validate(
        &self,
        x: &M::Input,
        t: Targets<'_, T>,
        batch_size: usize,
        eval_interval: usize,
    ) -> Result<()> {
        let invalid = |s: String| Err(Error::InvalidArgument(format!("Trainer::fit: {s}")));
        let rows = x.samples();
        if rows == 0 {
            return invalid("the data set is empty (x has 0 rows)".into());
        }
        if t.len() != rows {
            return Err(Error::ShapeMismatch {
                op: format!(
                    "Trainer::fit: x has {rows} rows but t has {}; x and t shapes",
                    t.len()
                ),
                left: x.dims(),
                right: match t {
                    Targets::OneHot(m) => m.shape(),
                    Targets::Indices(i) => (i.len(), 1),
                    Targets::Sequences(s) => s.shape(),
                },
            });
        }
        if batch_size == 0 || batch_size > rows {
            return invalid(format!(
                "batch_size {batch_size} must be between 1 and the number of samples ({rows})"
            ));
        }
        if eval_interval == 0 {
            return invalid("eval_interval must be at least 1".into());
        }
        self.model.check_data(x, t)?;
        Ok(())
    }
}
