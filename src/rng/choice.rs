//! `RandomState.choice(n, size, replace, p)` with probabilities, numpy's
//! legacy algorithm draw for draw.
//!
//! With replacement: `cdf = cumsum(p); cdf /= cdf[-1]`, then `size`
//! [`random_sample`](RandomState::random_sample) draws looked up with
//! `searchsorted(side='right')`.
//!
//! Without replacement (the book's `UnigramSampler`): repeat until `size`
//! distinct values are found — draw as many uniforms as values are still
//! missing, zero the probabilities of the values found so far, rebuild the
//! cdf, look the draws up, and keep the new values that are distinct (the
//! first occurrence of each, in draw order: `np.unique(return_index=True)`
//! then sorting the indices). A draw that lands on a value already found in
//! an earlier round cannot happen (its probability is zero); repeats within
//! a round are dropped and drawn again in the next one.
//!
//! The cumulative sum is sequential (`np.cumsum`), in f64 whatever the
//! caller's dtype (numpy converts `p` to float64 first).

use super::RandomState;
use crate::error::{Error, Result};

/// Reusable buffers for [`RandomState::choice_p_into`], so that drawing
/// (say) negative samples for every row of every batch allocates nothing
/// after the first call.
///
/// ```
/// use groundup::rng::{ChoiceScratch, RandomState};
/// let mut rng = RandomState::new(0);
/// let mut scratch = ChoiceScratch::default();
/// let mut out = [0usize; 2];
/// let p = [0.1, 0.2, 0.3, 0.4];
/// rng.choice_p_into(&p, false, &mut out, &mut scratch).unwrap();
/// assert_ne!(out[0], out[1]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct ChoiceScratch {
    p: Vec<f64>,
    cdf: Vec<f64>,
    draws: Vec<f64>,
    new: Vec<usize>,
}

/// numpy's `kahan_sum` (used only to validate `p`, as numpy does).
fn kahan_sum(a: &[f64]) -> f64 {
    let Some((&first, rest)) = a.split_first() else {
        return 0.0;
    };
    let (mut sum, mut c) = (first, 0.0);
    for &v in rest {
        let y = v - c;
        let t = sum + y;
        c = (t - sum) - y;
        sum = t;
    }
    sum
}

/// Index of the first `cdf` entry greater than `x` (`side='right'`).
fn searchsorted_right(cdf: &[f64], x: f64) -> usize {
    cdf.partition_point(|&c| c <= x)
}

/// `cdf = cumsum(p); cdf /= cdf[-1]` into `cdf`.
fn normalized_cdf(p: &[f64], cdf: &mut Vec<f64>) {
    cdf.clear();
    let mut acc = 0.0;
    cdf.extend(p.iter().map(|&v| {
        acc += v;
        acc
    }));
    let total = acc;
    for c in cdf.iter_mut() {
        *c /= total;
    }
}

impl RandomState {
    /// `np.random.choice(p.len(), size, replace, p=p)`: `size` values in
    /// `0..p.len()` drawn with probabilities `p`, exactly as numpy's legacy
    /// `RandomState` draws them: with replacement, one
    /// [`random_sample`](Self::random_sample) per value looked up in the
    /// normalised cumulative sum (`searchsorted(side='right')`); without,
    /// rounds that draw as many values as are missing, zero the
    /// probabilities of those found, and keep the new distinct ones in draw
    /// order. Allocates the result and scratch space; see
    /// [`choice_p_into`](Self::choice_p_into).
    ///
    /// # Errors
    /// numpy's `ValueError`s, as [`Error::InvalidArgument`]: `p` empty, an
    /// entry negative or NaN, the sum not within `sqrt(f64::EPSILON)` of 1;
    /// without replacement, `size` larger than the population or than the
    /// number of non-zero probabilities.
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// // >>> np.random.seed(0)
    /// // >>> np.random.choice(5, size=3, replace=False, p=[0.1, 0.2, 0.3, 0.2, 0.2])
    /// // array([2, 3, 1])
    /// let mut rng = RandomState::new(0);
    /// let p = [0.1, 0.2, 0.3, 0.2, 0.2];
    /// assert_eq!(rng.choice_p(&p, 3, false)?, [2, 3, 1]);
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn choice_p(&mut self, p: &[f64], size: usize, replace: bool) -> Result<Vec<usize>> {
        let mut out = vec![0; size];
        self.choice_p_into(p, replace, &mut out, &mut ChoiceScratch::default())?;
        Ok(out)
    }

    /// [`choice_p`](Self::choice_p) writing `out.len()` values into `out`,
    /// with reusable scratch buffers (no allocation once they have grown to
    /// `p.len()`). The probabilities are checked like numpy checks them
    /// for a float64 `p` (sum within `sqrt(f64::EPSILON)` of 1); callers
    /// holding f32 probabilities convert them first and should expect the
    /// f64 tolerance.
    ///
    /// # Errors
    /// See [`choice_p`](Self::choice_p); nothing is drawn on error.
    ///
    /// ```
    /// use groundup::rng::{ChoiceScratch, RandomState};
    /// // >>> np.random.seed(3)
    /// // >>> np.random.choice(4, size=6, replace=True, p=[0.5, 0, 0.25, 0.25])
    /// // array([2, 2, 0, 2, 3, 3])
    /// let mut rng = RandomState::new(3);
    /// let mut out = [0usize; 6];
    /// let p = [0.5, 0.0, 0.25, 0.25];
    /// rng.choice_p_into(&p, true, &mut out, &mut ChoiceScratch::default())?;
    /// assert_eq!(out, [2, 2, 0, 2, 3, 3]);
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn choice_p_into(
        &mut self,
        p: &[f64],
        replace: bool,
        out: &mut [usize],
        scratch: &mut ChoiceScratch,
    ) -> Result<()> {
        self.choice_p_atol(p, replace, out, scratch, f64::EPSILON.sqrt())
    }

    /// [`choice_p`](Self::choice_p) for probabilities held in `T`, as numpy
    /// takes a float32 `p`: the values are widened to `f64` and the sum
    /// may differ from 1 by `sqrt(T::EPSILON)` (numpy's
    /// `max(sqrt(eps64), sqrt(eps of p.dtype))`) — a float32 softmax sums
    /// to 1 only within about 1e-7. The chapter-7 text generation draws
    /// its words this way.
    ///
    /// # Errors
    /// As [`choice_p`](Self::choice_p), with the wider tolerance.
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// let p = [0.1f32, 0.2, 0.3, 0.4 + 3e-7]; // sums to 1 only within 1e-6
    /// assert!(RandomState::new(0).choice_p(&p.map(f64::from), 1, true).is_err());
    /// let mut rng = RandomState::new(0);
    /// // >>> np.random.seed(0); np.random.choice(4, size=2, p=np.float32([.1, .2, .3, .4]))
    /// // array([2, 3])
    /// assert_eq!(rng.choice_p_typed(&p, 2, true)?, [2, 3]);
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn choice_p_typed<T: crate::Scalar>(
        &mut self,
        p: &[T],
        size: usize,
        replace: bool,
    ) -> Result<Vec<usize>> {
        let wide: Vec<f64> = p.iter().map(|v| v.to_f64()).collect();
        let atol = f64::EPSILON.sqrt().max(T::EPSILON.to_f64().sqrt());
        let mut out = vec![0; size];
        self.choice_p_atol(
            &wide,
            replace,
            &mut out,
            &mut ChoiceScratch::default(),
            atol,
        )?;
        Ok(out)
    }

    fn choice_p_atol(
        &mut self,
        p: &[f64],
        replace: bool,
        out: &mut [usize],
        scratch: &mut ChoiceScratch,
        atol: f64,
    ) -> Result<()> {
        let invalid = |m: String| Err(Error::InvalidArgument(format!("choice: {m}")));
        let size = out.len();
        if p.is_empty() {
            return invalid("the population is empty (p has no entries)".into());
        }
        if let Some((i, v)) = p.iter().enumerate().find(|(_, v)| v.is_nan() || **v < 0.0) {
            return invalid(format!("probability p[{i}] = {v} is negative or NaN"));
        }
        let sum = kahan_sum(p);
        if sum.is_nan() || (sum - 1.0).abs() > atol {
            return invalid(format!(
                "probabilities sum to {sum}, not 1 (tolerance {atol:e})"
            ));
        }
        if replace {
            normalized_cdf(p, &mut scratch.cdf);
            for o in out.iter_mut() {
                *o = searchsorted_right(&scratch.cdf, self.random_sample());
            }
            return Ok(());
        }
        if size > p.len() {
            return invalid(format!(
                "cannot take {size} values from a population of {} without replacement",
                p.len()
            ));
        }
        let nonzero = p.iter().filter(|&&v| v > 0.0).count();
        if nonzero < size {
            return invalid(format!(
                "only {nonzero} non-zero probabilities, fewer than the {size} values asked for without replacement"
            ));
        }
        scratch.p.clear();
        scratch.p.extend_from_slice(p);
        self.choice_distinct(out, scratch);
        Ok(())
    }

    /// The without-replacement rounds on `scratch.p` (valid probabilities
    /// with at least `out.len()` non-zero entries; consumed).
    fn choice_distinct(&mut self, out: &mut [usize], scratch: &mut ChoiceScratch) {
        let size = out.len();
        let mut found = 0;
        while found < size {
            scratch.draws.clear();
            for _ in found..size {
                let x = self.random_sample();
                scratch.draws.push(x);
            }
            for &i in &out[..found] {
                scratch.p[i] = 0.0;
            }
            normalized_cdf(&scratch.p, &mut scratch.cdf);
            scratch.new.clear();
            for &x in &scratch.draws {
                let v = searchsorted_right(&scratch.cdf, x);
                if !scratch.new.contains(&v) {
                    scratch.new.push(v);
                }
            }
            for &v in &scratch.new {
                out[found] = v;
                found += 1;
            }
        }
    }

    /// `choice(p.len(), out.len(), replace=False, p=word_p with p[zero]
    /// = 0, renormalised)` — the book's negative sampler row — without
    /// the checks of [`choice_p_into`](Self::choice_p_into) (the sampler
    /// validated `word_p` once) and with the copy, the zeroing and the
    /// renormalisation done in one pass: the same draws.
    pub(crate) fn choice_excluding(
        &mut self,
        word_p: &[f64],
        zero: usize,
        out: &mut [usize],
        scratch: &mut ChoiceScratch,
    ) {
        scratch.p.clear();
        scratch.p.extend_from_slice(word_p);
        scratch.p[zero] = 0.0;
        let s = crate::matrix::pairwise_sum(&scratch.p);
        scratch.p.iter_mut().for_each(|v| *v /= s);
        self.choice_distinct(out, scratch);
    }
}
