//! Similarity queries on word vectors: the book's `cos_similarity`,
//! `most_similar`, `normalize` and `analogy`.

use super::{py_float, py_float_f32, Vocab};
use crate::error::{Error, Result};
use crate::matrix::{pairwise_sum_by, pairwise_sum_indexed, Matrix};
use crate::scalar::{DType, Scalar};
use std::cmp::Ordering;

/// The book's `cos_similarity(x, y, eps=1e-8)`: `x / (‖x‖ + eps)` dotted
/// with `y / (‖y‖ + eps)`, in `T` (sums in numpy's pairwise order). Panics
/// if the lengths differ.
///
/// ```
/// use groundup::text::cos_similarity;
/// let s: f64 = cos_similarity(&[1.0, 0.0], &[1.0, 1.0]);
/// assert!((s - 0.5f64.sqrt()).abs() < 1e-7);
/// assert_eq!(cos_similarity(&[0.0f32, 0.0], &[1.0, 1.0]), 0.0); // eps: no NaN
/// ```
pub fn cos_similarity<T: Scalar>(x: &[T], y: &[T]) -> T {
    assert_eq!(
        x.len(),
        y.len(),
        "cos_similarity: lengths {} and {}",
        x.len(),
        y.len()
    );
    let eps = T::from_f64(1e-8);
    let nx = pairwise_sum_by(x, |v| v * v).sqrt() + eps;
    let ny = pairwise_sum_by(y, |v| v * v).sqrt() + eps;
    pairwise_sum_indexed(0, x.len(), |k| (x[k] / nx) * (y[k] / ny))
}

/// Orders similarities from largest to smallest, NaN last, ties by id
/// (numpy's `argsort` of `-similarity` does not promise an order among
/// equal values; this one is stable).
fn descending(sim: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sim.len()).collect();
    order.sort_by(|&a, &b| match (sim[a].is_nan(), sim[b].is_nan()) {
        (false, false) => sim[b].partial_cmp(&sim[a]).unwrap_or(Ordering::Equal),
        (na, nb) => na.cmp(&nb),
    });
    order
}

fn check_rows<T: Scalar>(what: &str, vocab: &Vocab, m: &Matrix<T>) -> Result<()> {
    if m.rows() != vocab.len() {
        return Err(Error::InvalidArgument(format!(
            "{what}: the word matrix has {} rows but the vocabulary {} words",
            m.rows(),
            vocab.len()
        )));
    }
    Ok(())
}

fn lookup(what: &str, vocab: &Vocab, word: &str) -> Result<usize> {
    vocab
        .id(word)
        .ok_or_else(|| Error::InvalidArgument(format!("{what}: {word} is not found")))
}

/// The book's `most_similar(query, word_to_id, id_to_word, word_matrix,
/// top)`: the `top` words whose vectors (rows of `word_matrix`) have the
/// largest [`cos_similarity`] with the query's, the query itself left
/// out, with their similarities (as the book's float64 `similarity` array
/// holds them). See [`format_most_similar`] for the book's printout.
///
/// # Errors
/// [`Error::InvalidArgument`] when the query is not in the vocabulary (the
/// book prints `'<query> is not found'`), or the matrix has a row count
/// other than the vocabulary size.
///
/// ```
/// use groundup::{matrix, text::{most_similar, Vocab}};
/// let vocab = Vocab::from_words(["cat", "dog", "car"])?;
/// let vecs = matrix![[1.0f32, 0.1], [0.9, 0.2], [-1.0, 0.5]];
/// let top = most_similar("cat", &vocab, &vecs, 1)?;
/// assert_eq!(top[0].0, "dog");
/// assert!(most_similar("cow", &vocab, &vecs, 1).is_err());
/// # Ok::<(), groundup::Error>(())
/// ```
pub fn most_similar<T: Scalar>(
    query: &str,
    vocab: &Vocab,
    word_matrix: &Matrix<T>,
    top: usize,
) -> Result<Vec<(String, f64)>> {
    let id = lookup("most_similar", vocab, query)?;
    check_rows("most_similar", vocab, word_matrix)?;
    let q = word_matrix.row(id);
    let sim: Vec<f64> = word_matrix
        .rows_iter()
        .map(|row| cos_similarity(row, q).to_f64())
        .collect();
    Ok(descending(&sim)
        .into_iter()
        .filter(|&i| i != id && vocab.word(i) != Some(query))
        .take(top)
        .map(|i| (vocab.word(i).unwrap_or_default().to_string(), sim[i]))
        .collect())
}

/// The book's `most_similar` printout for `results`: a blank line,
/// `[query] <query>`, then ` <word>: <similarity>` per neighbour, floats
/// as Python prints them ([`py_float`]).
///
/// ```
/// use groundup::text::format_most_similar;
/// let out = format_most_similar("you", &[("we".into(), 0.75), ("i".into(), 0.5)]);
/// assert_eq!(out, "\n[query] you\n we: 0.75\n i: 0.5\n");
/// ```
pub fn format_most_similar(query: &str, results: &[(String, f64)]) -> String {
    let mut s = format!("\n[query] {query}\n");
    for (w, sim) in results {
        s.push_str(&format!(" {w}: {}\n", py_float(*sim)));
    }
    s
}

/// The book's `normalize(x)` for a matrix: every row divided by its
/// Euclidean norm (`x / sqrt((x * x).sum(1))`, pairwise sums). A zero row
/// becomes NaN, as in numpy.
///
/// ```
/// use groundup::{matrix, text::normalize_rows};
/// let mut m = matrix![[3.0f64, 4.0], [0.0, 2.0]];
/// normalize_rows(&mut m);
/// assert_eq!(m, matrix![[0.6, 0.8], [0.0, 1.0]]);
/// ```
pub fn normalize_rows<T: Scalar>(m: &mut Matrix<T>) {
    for row in m.rows_iter_mut() {
        let s = pairwise_sum_by(row, |v| v * v).sqrt();
        row.iter_mut().for_each(|v| *v /= s);
    }
}

/// Prints a `T` as numpy prints a scalar of that dtype.
fn py_scalar<T: Scalar>(v: T) -> String {
    match T::DTYPE {
        DType::F32 => py_float_f32(v.to_f64() as f32),
        DType::F64 => py_float(v.to_f64()),
    }
}

/// The book's `analogy(a, b, c, ...)`: the `top` words closest to
/// `normalize(b - a + c)` by dot product with the rows of `word_matrix`
/// as given (the book's `ch04/eval.py` passes the trained vectors
/// unnormalised; see [`normalize_rows`] for cosine scores), skipping NaN
/// scores and the three query words. "a is to b as c is to ?".
///
/// # Errors
/// [`Error::InvalidArgument`] naming a word not in the vocabulary (the book
/// prints `'<word> is not found'`), or a row count other than the
/// vocabulary size.
///
/// ```
/// use groundup::{matrix, text::{analogy, Vocab}};
/// let vocab = Vocab::from_words(["man", "king", "woman", "queen", "car"])?;
/// let vecs = matrix![[1.0f32, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, -1.0, 0.0]];
/// let top = analogy("man", "king", "woman", &vocab, &vecs, 1)?;
/// assert_eq!(top[0].0, "queen");
/// # Ok::<(), groundup::Error>(())
/// ```
pub fn analogy<T: Scalar>(
    a: &str,
    b: &str,
    c: &str,
    vocab: &Vocab,
    word_matrix: &Matrix<T>,
    top: usize,
) -> Result<Vec<(String, T)>> {
    let (ia, ib, ic) = (
        lookup("analogy", vocab, a)?,
        lookup("analogy", vocab, b)?,
        lookup("analogy", vocab, c)?,
    );
    check_rows("analogy", vocab, word_matrix)?;
    let (va, vb, vc) = (
        word_matrix.row(ia),
        word_matrix.row(ib),
        word_matrix.row(ic),
    );
    let mut q: Vec<T> = (0..va.len()).map(|k| vb[k] - va[k] + vc[k]).collect();
    let s = pairwise_sum_by(&q, |v| v * v).sqrt();
    q.iter_mut().for_each(|v| *v /= s);
    let qm = Matrix::from_vec(q.len(), 1, q).expect("a column");
    let scores = word_matrix.matmul(&qm);
    let sim: Vec<f64> = scores.iter().map(|v| v.to_f64()).collect();
    Ok(descending(&sim)
        .into_iter()
        .filter(|&i| !sim[i].is_nan())
        .filter(|&i| !matches!(vocab.word(i), Some(w) if w == a || w == b || w == c))
        .take(top)
        .map(|i| {
            (
                vocab.word(i).unwrap_or_default().to_string(),
                scores.as_slice()[i],
            )
        })
        .collect())
}

/// The book's `analogy` printout: a blank line, `[analogy] a:b = c:?`, then
/// ` <word>: <score>` per answer, the score as numpy prints a scalar of
/// `T` (`float32` digits for f32).
///
/// ```
/// use groundup::text::format_analogy;
/// let out = format_analogy("man", "king", "woman", &[("queen".to_string(), 0.7f32)]);
/// assert_eq!(out, "\n[analogy] man:king = woman:?\n queen: 0.7\n");
/// ```
pub fn format_analogy<T: Scalar>(a: &str, b: &str, c: &str, results: &[(String, T)]) -> String {
    let mut s = format!("\n[analogy] {a}:{b} = {c}:?\n");
    for (w, v) in results {
        s.push_str(&format!(" {w}: {}\n", py_scalar(*v)));
    }
    s
}
