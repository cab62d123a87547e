//! Count-based word vectors: the co-occurrence matrix and PPMI (chapter 2).

use crate::error::{Error, Result};
use crate::matrix::Matrix;

/// A `V x V` co-occurrence count matrix: `get(w, c)` counts how often word
/// `c` stood within the window of word `w`. Counts are `u32`, as compact
/// as the book's `int32` (a 10 000-word vocabulary takes 400 MB).
///
/// ```
/// use groundup::text::{create_co_matrix, preprocess};
/// let (corpus, vocab) = preprocess("You say goodbye and I say hello.");
/// let c = create_co_matrix(&corpus, vocab.len(), 1)?;
/// assert_eq!(c.row(1), &[1, 0, 1, 0, 1, 1, 0]); // "say"
/// # Ok::<(), groundup::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoMatrix {
    vocab_size: usize,
    counts: Vec<u32>,
}

impl CoMatrix {
    /// The vocabulary size `V`.
    ///
    /// ```
    /// let c = groundup::text::create_co_matrix(&[0, 1, 0], 2, 1)?;
    /// assert_eq!(c.vocab_size(), 2);
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn vocab_size(&self) -> usize {
        self.vocab_size
    }

    /// The count for word `w` and context word `c`. Panics if either is
    /// `>= vocab_size`.
    ///
    /// ```
    /// let c = groundup::text::create_co_matrix(&[0, 1, 0], 2, 1)?;
    /// assert_eq!((c.get(0, 1), c.get(1, 0), c.get(0, 0)), (2, 2, 0));
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn get(&self, w: usize, c: usize) -> u32 {
        assert!(
            w < self.vocab_size && c < self.vocab_size,
            "({w}, {c}) out of range for {} words",
            self.vocab_size
        );
        self.counts[w * self.vocab_size + c]
    }

    /// The counts of word `w` against every context word.
    ///
    /// ```
    /// let c = groundup::text::create_co_matrix(&[0, 1, 0], 2, 1)?;
    /// assert_eq!(c.row(1), &[2, 0]);
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn row(&self, w: usize) -> &[u32] {
        &self.counts[w * self.vocab_size..(w + 1) * self.vocab_size]
    }

    /// The counts as a matrix of floats (exact below 2^24 for f32).
    ///
    /// ```
    /// use groundup::{matrix, Matrix};
    /// let c = groundup::text::create_co_matrix(&[0, 1, 0], 2, 1)?;
    /// assert_eq!(c.to_matrix::<f64>(), matrix![[0.0, 2.0], [2.0, 0.0]]);
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn to_matrix<T: crate::Scalar>(&self) -> Matrix<T> {
        let v = self.vocab_size;
        Matrix::from_fn(v, v, |i, j| T::from_f64(f64::from(self.counts[i * v + j])))
    }
}

/// The book's `create_co_matrix(corpus, vocab_size, window_size)`: for
/// every position, each word within `window` to the left and right is
/// counted once against the word there.
///
/// # Errors
/// [`Error::InvalidArgument`] naming the position of an id `>=
/// vocab_size`, or a `V x V` size that overflows.
///
/// ```
/// use groundup::text::create_co_matrix;
/// let c = create_co_matrix(&[0, 1, 2, 1], 3, 1)?;
/// assert_eq!(c.row(1), &[1, 0, 2]);
/// assert!(create_co_matrix(&[0, 5], 3, 1).unwrap_err().to_string().contains("position 1"));
/// # Ok::<(), groundup::Error>(())
/// ```
pub fn create_co_matrix(corpus: &[usize], vocab_size: usize, window: usize) -> Result<CoMatrix> {
    if let Some((pos, id)) = corpus.iter().enumerate().find(|(_, &id)| id >= vocab_size) {
        return Err(Error::InvalidArgument(format!(
            "create_co_matrix: word id {id} at position {pos} is not below the vocabulary size {vocab_size}"
        )));
    }
    let len = vocab_size.checked_mul(vocab_size).ok_or_else(|| {
        Error::InvalidArgument(format!(
            "create_co_matrix: {vocab_size}² counts overflow usize"
        ))
    })?;
    let mut counts = vec![0u32; len];
    for (idx, &w) in corpus.iter().enumerate() {
        let row = &mut counts[w * vocab_size..(w + 1) * vocab_size];
        for i in 1..=window {
            if let Some(left) = idx.checked_sub(i) {
                row[corpus[left]] += 1;
            }
            if let Some(&right) = corpus.get(idx + i) {
                row[right] += 1;
            }
        }
    }
    Ok(CoMatrix { vocab_size, counts })
}

/// The book's `ppmi(C, eps=1e-8)`: positive pointwise mutual information,
/// `max(0, log2(C[i,j]·N / (S[j]·S[i]) + eps))` with `N` the total count and
/// `S` the column sums, computed in f64 from exact integer products (as
/// numpy's int64 arithmetic does) and stored as f32 (the book's
/// `np.zeros_like(C, dtype=np.float32)`).
///
/// `progress(percent)` is called where the book's `verbose=True` prints
/// `'%.1f%% done'`: every `V²/100 + 1` cells.
///
/// ```
/// use groundup::text::{create_co_matrix, ppmi, preprocess};
/// let (corpus, vocab) = preprocess("You say goodbye and I say hello.");
/// let c = create_co_matrix(&corpus, vocab.len(), 1)?;
/// let w = ppmi(&c, |_| {});
/// // >>> ppmi(C)[0, 1]  (log2(1·14 / (1·4)): "you" is seen once, "say" 4 times)
/// assert_eq!(w[(0, 1)], 1.807_354_9);
/// assert_eq!(w[(0, 0)], 0.0);
/// # Ok::<(), groundup::Error>(())
/// ```
pub fn ppmi(c: &CoMatrix, mut progress: impl FnMut(f64)) -> Matrix<f32> {
    const EPS: f64 = 1e-8;
    let v = c.vocab_size;
    let total: u64 = c.counts.iter().map(|&x| u64::from(x)).sum();
    let mut col_sums = vec![0u64; v];
    for w in 0..v {
        for (s, &x) in col_sums.iter_mut().zip(c.row(w)) {
            *s += u64::from(x);
        }
    }
    let cells = v * v;
    let report_every = cells / 100 + 1;
    let mut out = Matrix::zeros(v, v);
    let mut cnt = 0usize;
    for i in 0..v {
        let row = c.row(i);
        let out_row = out.row_mut(i);
        for j in 0..v {
            // A zero count gives log2(eps) < 0: the max makes it 0.
            if row[j] != 0 {
                let num = u128::from(row[j]) * u128::from(total);
                let den = u128::from(col_sums[j]) * u128::from(col_sums[i]);
                let pmi = (num as f64 / den as f64 + EPS).log2();
                out_row[j] = if pmi > 0.0 { pmi as f32 } else { 0.0 };
            }
            cnt += 1;
            if cnt % report_every == 0 {
                progress(100.0 * cnt as f64 / cells as f64);
            }
        }
    }
    out
}
