//! Training pairs for word2vec (chapter 3).

use crate::error::{Error, Result};
use crate::matrix::{Ids, Matrix};
use crate::scalar::Scalar;

/// The book's `create_contexts_target(corpus, window_size)`: for every
/// position with `window` words on both sides, the target is the word
/// there and the contexts are the `2·window` words around it, left to
/// right. Returns `(contexts: N x 2·window, target: N)` with `N =
/// corpus.len() - 2·window` (none when the corpus is too short).
///
/// ```
/// use groundup::text::{create_contexts_target, preprocess};
/// let (corpus, _) = preprocess("You say goodbye and I say hello.");
/// let (contexts, target) = create_contexts_target(&corpus, 1);
/// assert_eq!(target, [1, 2, 3, 4, 1, 5]);
/// assert_eq!(contexts.row(0), &[0, 2]);
/// assert_eq!(contexts.shape(), (6, 2));
/// ```
pub fn create_contexts_target(corpus: &[usize], window: usize) -> (Ids, Vec<usize>) {
    let n = corpus.len().saturating_sub(2 * window);
    let mut contexts = Vec::with_capacity(n * 2 * window);
    let mut target = Vec::with_capacity(n);
    for idx in window..window + n {
        target.push(corpus[idx]);
        contexts.extend_from_slice(&corpus[idx - window..idx]);
        contexts.extend_from_slice(&corpus[idx + 1..=idx + window]);
    }
    let contexts = Ids::from_vec(n, 2 * window, contexts).expect("n rows of 2·window ids");
    (contexts, target)
}

/// The book's `convert_one_hot` for a 2-d id array (`N x C` → `N x C x V`),
/// as `C` one-hot matrices (`N x V`), one per column: `out[c]` is
/// `one_hot[:, c]`. (For 1-d labels see [`crate::data::one_hot`].)
///
/// # Errors
/// [`Error::InvalidArgument`] naming the row and column of an id `>=
/// vocab_size`.
///
/// ```
/// use groundup::matrix::Ids;
/// use groundup::{matrix, text::one_hot_ids};
/// let ids = Ids::from_rows([[0, 2], [1, 0]]);
/// let hot = one_hot_ids::<f32>(&ids, 3)?;
/// assert_eq!(hot[1], matrix![[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]);
/// # Ok::<(), groundup::Error>(())
/// ```
pub fn one_hot_ids<T: Scalar>(ids: &Ids, vocab_size: usize) -> Result<Vec<Matrix<T>>> {
    let mut out = vec![Matrix::zeros(ids.rows(), vocab_size); ids.cols()];
    for i in 0..ids.rows() {
        for (c, &id) in ids.row(i).iter().enumerate() {
            if id >= vocab_size {
                return Err(Error::InvalidArgument(format!(
                    "one_hot_ids: id {id} at row {i}, column {c} is not below the vocabulary size {vocab_size}"
                )));
            }
            out[c][(i, id)] = T::ONE;
        }
    }
    Ok(out)
}
