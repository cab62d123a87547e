//! Negative sampling (chapter 4): the book's `UnigramSampler` and
//! `NegativeSamplingLoss` (`ch04/negative_sampling_layer.py`).

use super::embedding::EmbeddingDot;
use super::{LossLayer, SigmoidWithLoss, Targets};
use crate::error::{Error, Result};
use crate::matrix::{pairwise_sum, Ids, Matrix, MatrixView};
use crate::rng::{ChoiceScratch, RandomState};
use crate::scalar::Scalar;

/// The book's `UnigramSampler(corpus, power, sample_size)`: word `w` is
/// drawn with probability `count(w)^power / Σ count^power`, and
/// [`negative_sample`](Self::negative_sample) draws, for each target, a
/// `sample_size` words without replacement from that distribution with
/// the target's probability set to zero — the book's CPU path, draw for
/// draw ([`RandomState::choice_p_into`]).
///
/// The probabilities are computed in f64 with `powf`. numpy's `np.power`
/// on AVX-512 machines is a vector routine that differs from the C
/// library's `pow` in the last bit for some counts (about 5% of the
/// integers below 200 000); the draws agree unless a uniform draw lands
/// within about 1e-16 of a cumulative-probability boundary.
///
/// ```
/// use groundup::layers::UnigramSampler;
/// use groundup::rng::RandomState;
/// let corpus = [0, 1, 2, 3, 4, 1, 2];
/// let mut sampler = UnigramSampler::new(&corpus, 0.75, 2)?;
/// let mut rng = RandomState::new(0);
/// let neg = sampler.negative_sample(&[1, 3, 0], &mut rng)?;
/// assert_eq!(neg.shape(), (3, 2));
/// for (i, t) in [1, 3, 0].into_iter().enumerate() {
///     assert!(!neg.row(i).contains(&t) && neg.row(i)[0] != neg.row(i)[1]);
/// }
/// # Ok::<(), groundup::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct UnigramSampler {
    sample_size: usize,
    word_p: Vec<f64>,
    scratch: ChoiceScratch,
}

impl UnigramSampler {
    /// Counts the ids of `corpus` (the vocabulary is `0..=max id`, as the
    /// book's `len(counts)` is when every id occurs) and raises the counts
    /// to `power` (the book uses 0.75).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an empty corpus, a `power` that is not
    /// finite, or fewer than `sample_size + 1` distinct words (a target
    /// needs `sample_size` other words to be drawn).
    ///
    /// ```
    /// use groundup::layers::UnigramSampler;
    /// let s = UnigramSampler::new(&[0, 0, 0, 1], 1.0, 1)?;
    /// assert_eq!(s.word_p(), &[0.75, 0.25]);
    /// assert!(UnigramSampler::new(&[0, 0], 0.75, 1).is_err());
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn new(corpus: &[usize], power: f64, sample_size: usize) -> Result<UnigramSampler> {
        let bad = |m: String| Err(Error::InvalidArgument(format!("UnigramSampler: {m}")));
        let Some(&max) = corpus.iter().max() else {
            return bad("the corpus is empty".into());
        };
        if !power.is_finite() {
            return bad(format!("power {power} is not finite"));
        }
        let mut counts = vec![0u64; max + 1];
        for &w in corpus {
            counts[w] += 1;
        }
        let distinct = counts.iter().filter(|&&c| c > 0).count();
        if distinct < sample_size + 1 {
            return bad(format!(
                "{distinct} distinct words cannot give {sample_size} negative samples besides the target"
            ));
        }
        let mut word_p: Vec<f64> = counts.iter().map(|&c| (c as f64).powf(power)).collect();
        let total = pairwise_sum(&word_p);
        word_p.iter_mut().for_each(|p| *p /= total);
        Ok(UnigramSampler {
            sample_size,
            word_p,
            scratch: ChoiceScratch::default(),
        })
    }

    /// The sampling distribution (`word_p`), one probability per word id.
    ///
    /// ```
    /// let s = groundup::layers::UnigramSampler::new(&[0, 1, 1, 1], 0.5, 1)?;
    /// assert_eq!(s.word_p().len(), 2);
    /// assert!((s.word_p().iter().sum::<f64>() - 1.0).abs() < 1e-15);
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn word_p(&self) -> &[f64] {
        &self.word_p
    }

    /// Negative samples drawn per target.
    ///
    /// ```
    /// let s = groundup::layers::UnigramSampler::new(&[0, 1, 2], 0.75, 2)?;
    /// assert_eq!(s.sample_size(), 2);
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn sample_size(&self) -> usize {
        self.sample_size
    }

    /// The vocabulary size (`len(word_p)`).
    ///
    /// ```
    /// let s = groundup::layers::UnigramSampler::new(&[0, 4, 2], 0.75, 1)?;
    /// assert_eq!(s.vocab_size(), 5);
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn vocab_size(&self) -> usize {
        self.word_p.len()
    }

    /// The book's `get_negative_sample(target)`: a `len x sample_size`
    /// array, row `i` drawn without replacement with `target[i]`'s
    /// probability zeroed (`p[target] = 0; p /= p.sum()`). Allocates the
    /// result; see [`negative_sample_into`](Self::negative_sample_into).
    ///
    /// # Errors
    /// As [`negative_sample_into`](Self::negative_sample_into).
    ///
    /// ```
    /// use groundup::{layers::UnigramSampler, rng::RandomState};
    /// let mut s = UnigramSampler::new(&[0, 1, 2, 3], 0.75, 3)?;
    /// let neg = s.negative_sample(&[2], &mut RandomState::new(1))?;
    /// let mut row = neg.row(0).to_vec();
    /// row.sort();
    /// assert_eq!(row, [0, 1, 3]);
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn negative_sample(&mut self, target: &[usize], rng: &mut RandomState) -> Result<Ids> {
        let mut out = Ids::default();
        self.negative_sample_into(target.iter().copied(), rng, &mut out)?;
        Ok(out)
    }

    /// [`negative_sample`](Self::negative_sample) into `out`, reusing its
    /// allocation and the sampler's buffers (nothing is allocated once they
    /// have grown).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming a target id outside the
    /// vocabulary; rows before it have been drawn.
    ///
    /// ```
    /// use groundup::{layers::UnigramSampler, matrix::Ids, rng::RandomState};
    /// let mut s = UnigramSampler::new(&[0, 1, 2, 3], 0.75, 1)?;
    /// let mut out = Ids::default();
    /// s.negative_sample_into([0, 1], &mut RandomState::new(0), &mut out)?;
    /// assert_eq!(out.shape(), (2, 1));
    /// assert!(s.negative_sample_into([9], &mut RandomState::new(0), &mut out).is_err());
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn negative_sample_into(
        &mut self,
        target: impl IntoIterator<Item = usize>,
        rng: &mut RandomState,
        out: &mut Ids,
    ) -> Result<()> {
        // Reuse out's allocation: take its buffer, fill it, put it back.
        let mut data = std::mem::take(out).into_vec();
        data.clear();
        let mut rows = 0;
        let mut result = Ok(());
        for t in target {
            if t >= self.word_p.len() {
                result = Err(Error::InvalidArgument(format!(
                    "UnigramSampler: target id {t} at row {rows} is outside the vocabulary of {} words",
                    self.word_p.len()
                )));
                break;
            }
            let start = data.len();
            data.resize(start + self.sample_size, 0);
            // word_p was checked once in `new` (more distinct words than
            // sample_size), so the row needs no per-call validation
            rng.choice_excluding(&self.word_p, t, &mut data[start..], &mut self.scratch);
            rows += 1;
        }
        *out = Ids::from_vec(rows, self.sample_size, data).expect("rows x sample_size ids");
        result
    }
}

/// The book's `NegativeSamplingLoss(W, corpus, power=0.75, sample_size=5)`:
/// for hidden rows `h` and the true words `target`, the positive example
/// (each row's target, label 1) and `sample_size` negative examples (words
/// drawn by a [`UnigramSampler`], label 0) are scored with
/// [`EmbeddingDot`]s against the output weights `W` and summed through
/// [`SigmoidWithLoss`]es: loss = l₀ + l₁ + … in the book's order.
///
/// Like [`EmbeddingDot`], it borrows `W` (`V x H`) in `forward`, and
/// `backward` adds its gradient into a dense `dW` (each of the `sample_size
/// + 1` uses in order, as the book's `remove_duplicate` sums them).
///
/// ```
/// use groundup::{layers::NegativeSamplingLoss, matrix, rng::RandomState};
/// let corpus = [0, 1, 2, 3, 0, 1];
/// let mut ns = NegativeSamplingLoss::new(&corpus, 0.75, 2)?;
/// let w = matrix![[0.1f64, 0.0], [0.0, 0.1], [0.1, 0.1], [-0.1, 0.0]];
/// let h = matrix![[1.0, 2.0], [0.5, -1.0]];
/// let mut rng = RandomState::new(0);
/// let loss = ns.forward(&w, h.view(), &[1, 2], &mut rng)?;
/// assert!(loss > 0.0);
/// let mut dw = groundup::Matrix::zeros(4, 2);
/// let dh = ns.backward(&mut dw);
/// assert_eq!(dh.shape(), (2, 2));
/// # Ok::<(), groundup::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct NegativeSamplingLoss<T: Scalar> {
    sampler: UnigramSampler,
    dots: Vec<EmbeddingDot<T>>,
    losses: Vec<SigmoidWithLoss<T>>,
    negative: Ids,
    ones: Vec<usize>,
    zeros: Vec<usize>,
    dh: Matrix<T>,
}

impl<T: Scalar> NegativeSamplingLoss<T> {
    /// A loss sampling from the unigram distribution of `corpus` raised to
    /// `power`, `sample_size` negatives per row.
    ///
    /// # Errors
    /// As [`UnigramSampler::new`].
    ///
    /// ```
    /// use groundup::layers::NegativeSamplingLoss;
    /// let ns = NegativeSamplingLoss::<f32>::new(&[0, 1, 2, 3, 4, 5], 0.75, 5)?;
    /// assert_eq!(ns.sampler().sample_size(), 5);
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn new(corpus: &[usize], power: f64, sample_size: usize) -> Result<Self> {
        Ok(NegativeSamplingLoss {
            sampler: UnigramSampler::new(corpus, power, sample_size)?,
            dots: vec![EmbeddingDot::new(); sample_size + 1],
            losses: vec![SigmoidWithLoss::new(); sample_size + 1],
            negative: Ids::default(),
            ones: Vec::new(),
            zeros: Vec::new(),
            dh: Matrix::zeros(0, 0),
        })
    }

    /// The sampler (its distribution and sample size).
    ///
    /// ```
    /// use groundup::layers::NegativeSamplingLoss;
    /// let ns = NegativeSamplingLoss::<f64>::new(&[0, 1, 1], 1.0, 1)?;
    /// assert_eq!(ns.sampler().word_p(), &[1.0 / 3.0, 2.0 / 3.0]);
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn sampler(&self) -> &UnigramSampler {
        &self.sampler
    }

    /// Sets the `1e-7` inside the sigmoid losses' logarithm
    /// ([`LossLayer::set_log_epsilon`]); 0 makes the loss the exact
    /// function its backward differentiates (for gradient checks).
    ///
    /// ```
    /// use groundup::{layers::NegativeSamplingLoss, matrix, rng::RandomState};
    /// let mut ns = NegativeSamplingLoss::new(&[0, 1], 0.75, 1)?;
    /// ns.set_log_epsilon(0.0);
    /// let w = matrix![[0.0f64], [0.0]];
    /// let loss = ns.forward(&w, matrix![[1.0]].view(), &[0], &mut RandomState::new(0))?;
    /// assert_eq!(loss, 2.0 * 2f64.ln());
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn set_log_epsilon(&mut self, eps: f64) {
        self.losses.iter_mut().for_each(|l| l.set_log_epsilon(eps));
    }

    /// The negative samples of the last `forward` (`N x sample_size`).
    ///
    /// ```
    /// use groundup::{layers::NegativeSamplingLoss, matrix, rng::RandomState};
    /// let mut ns = NegativeSamplingLoss::new(&[0, 1, 2, 3], 0.75, 3)?;
    /// let w = matrix![[0.0f32], [0.0], [0.0], [0.0]];
    /// ns.forward(&w, matrix![[1.0]].view(), &[3], &mut RandomState::new(0))?;
    /// let mut neg = ns.negative_samples().row(0).to_vec();
    /// neg.sort();
    /// assert_eq!(neg, [0, 1, 2]);
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn negative_samples(&self) -> &Ids {
        &self.negative
    }

    /// Draws the negative samples (from `rng`, before anything else, as
    /// the book does) and returns the summed loss of the positive and the
    /// negative examples. `target` has one id per row of `h`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when `target` has another length than
    /// `h` has rows, or holds an id outside the vocabulary (nothing is
    /// drawn then). Panics if `w` is not `V x H` for `h`'s width `H`.
    ///
    /// ```
    /// use groundup::{layers::NegativeSamplingLoss, matrix, rng::RandomState};
    /// let mut ns = NegativeSamplingLoss::new(&[0, 1, 2], 0.75, 1)?;
    /// let w = matrix![[0.0f64], [0.0], [0.0]];
    /// // all scores 0: each of the 2 sigmoid losses is ln 2
    /// let loss = ns.forward(&w, matrix![[1.0]].view(), &[0], &mut RandomState::new(0))?;
    /// assert!((loss - 2.0 * (0.5f64 + 1e-7).ln().abs()).abs() < 1e-12);
    /// assert!(ns.forward(&w, matrix![[1.0]].view(), &[7], &mut RandomState::new(0)).is_err());
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn forward(
        &mut self,
        w: &Matrix<T>,
        h: MatrixView<'_, T>,
        target: &[usize],
        rng: &mut RandomState,
    ) -> Result<T> {
        let n = h.rows();
        if target.len() != n {
            return Err(Error::InvalidArgument(format!(
                "NegativeSamplingLoss.forward: {} targets for {n} hidden rows",
                target.len()
            )));
        }
        if let Some((i, &t)) = target
            .iter()
            .enumerate()
            .find(|(_, &t)| t >= self.sampler.vocab_size())
        {
            return Err(Error::InvalidArgument(format!(
                "NegativeSamplingLoss.forward: target id {t} at row {i} is outside the vocabulary of {} words",
                self.sampler.vocab_size()
            )));
        }
        self.sampler
            .negative_sample_into(target.iter().copied(), rng, &mut self.negative)?;
        self.ones.clear();
        self.ones.resize(n, 1);
        self.zeros.clear();
        self.zeros.resize(n, 0);
        let score = self.dots[0].forward(w, h, target.iter().copied());
        let mut loss = self.losses[0].forward(score.view(), Targets::Indices(&self.ones));
        for i in 0..self.sampler.sample_size() {
            let score = self.dots[1 + i].forward(w, h, self.negative.column(i));
            loss += self.losses[1 + i].forward(score.view(), Targets::Indices(&self.zeros));
        }
        Ok(loss)
    }

    /// Backpropagates `dout = 1`: adds the weight gradient of every use
    /// (positive first, then each negative column) into `dw` and returns
    /// `dh`, the gradient with respect to `h`. Panics if `dw` is not
    /// `V x H`.
    ///
    /// ```
    /// use groundup::{layers::NegativeSamplingLoss, matrix, rng::RandomState, Matrix};
    /// let mut ns = NegativeSamplingLoss::new(&[0, 1], 0.75, 1)?;
    /// let w = matrix![[0.0f64], [0.0]];
    /// ns.forward(&w, matrix![[2.0]].view(), &[0], &mut RandomState::new(0))?;
    /// let mut dw = Matrix::zeros(2, 1);
    /// ns.backward(&mut dw);
    /// // positive: (σ(0) − 1)·h on row 0; negative: (σ(0) − 0)·h on row 1
    /// assert_eq!(dw, matrix![[-1.0], [1.0]]);
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn backward(&mut self, dw: &mut Matrix<T>) -> &Matrix<T> {
        for (k, (loss, dot)) in self.losses.iter_mut().zip(&mut self.dots).enumerate() {
            let dscore = loss.backward(T::ONE);
            let (dh, grad) = dot.backward(dscore.view());
            grad.add_to(dw);
            if k == 0 {
                self.dh.assign(dh.view());
            } else {
                self.dh += dh;
            }
        }
        &self.dh
    }
}
