//! Word vectors on disk: a safetensors file with one tensor, `word_vecs`
//! (`V x H`), and the vocabulary in its metadata (the words in id order,
//! one per line: PTB words hold no white space). The book pickles
//! `word_vecs`, `word_to_id` and `id_to_word` for the same purpose.

use super::Vocab;
use crate::error::{Error, Result};
use crate::io::{load_safetensors, save_safetensors, TensorView};
use crate::matrix::Matrix;
use crate::scalar::Scalar;
use std::collections::BTreeMap;
use std::path::Path;

const FORMAT: &str = "groundup-word-vectors";

/// Writes `word_vecs` (one row per word id) and `vocab` to `path`
/// atomically, as safetensors with metadata `format`, `dtype` and `vocab`.
///
/// # Errors
/// [`Error::InvalidArgument`] when the row count is not the vocabulary
/// size or a word contains a line break; [`Error::Io`] when the file
/// cannot be written (an existing file is left intact).
///
/// ```
/// use groundup::{matrix, text::{load_word_vectors, save_word_vectors, Vocab}};
/// # fn main() -> groundup::Result<()> {
/// let path = std::env::temp_dir().join(format!("groundup-doc-vecs-{}.safetensors", std::process::id()));
/// let vocab = Vocab::from_words(["you", "say"])?;
/// save_word_vectors(&path, &matrix![[1.0f32, 2.0], [3.0, 4.0]], &vocab)?;
/// let (vecs, back) = load_word_vectors::<f32>(&path)?;
/// assert_eq!((vecs[(1, 0)], back.word(1)), (3.0, Some("say")));
/// std::fs::remove_file(&path).unwrap();
/// # Ok(())
/// # }
/// ```
pub fn save_word_vectors<T: Scalar>(
    path: impl AsRef<Path>,
    word_vecs: &Matrix<T>,
    vocab: &Vocab,
) -> Result<()> {
    if word_vecs.rows() != vocab.len() {
        return Err(Error::InvalidArgument(format!(
            "save_word_vectors: {} vectors for a vocabulary of {} words",
            word_vecs.rows(),
            vocab.len()
        )));
    }
    if let Some((id, w)) = vocab
        .words()
        .iter()
        .enumerate()
        .find(|(_, w)| w.contains(['\n', '\r']))
    {
        return Err(Error::InvalidArgument(format!(
            "save_word_vectors: word {id} ({w:?}) contains a line break"
        )));
    }
    let mut meta = BTreeMap::new();
    meta.insert("format".to_string(), FORMAT.to_string());
    meta.insert("dtype".to_string(), T::DTYPE.name().to_string());
    meta.insert("vocab".to_string(), vocab.words().join("\n"));
    save_safetensors(
        path,
        &[("word_vecs", TensorView::from(word_vecs))],
        Some(&meta),
    )
}

/// Reads what [`save_word_vectors`] wrote.
///
/// # Errors
/// The file's own errors ([`Error::Io`], [`Error::Format`]);
/// [`Error::Format`] naming the path when the `word_vecs` tensor or the
/// `vocab` metadata is missing, the vocabulary repeats a word, or its size
/// is not the tensor's row count; [`Error::DTypeMismatch`] when the
/// vectors are stored as the other float type.
///
/// ```
/// use groundup::text::load_word_vectors;
/// let err = load_word_vectors::<f32>("/nonexistent/vecs.safetensors").unwrap_err();
/// assert!(err.to_string().contains("/nonexistent/vecs.safetensors"));
/// ```
pub fn load_word_vectors<T: Scalar>(path: impl AsRef<Path>) -> Result<(Matrix<T>, Vocab)> {
    let path = path.as_ref();
    let file = load_safetensors(path)?;
    let bad = |what: String| Error::Format {
        format: "safetensors",
        offset: None,
        what: format!("{}: {what}", path.display()),
    };
    let tensor = file
        .tensors
        .get("word_vecs")
        .ok_or_else(|| bad("no tensor named \"word_vecs\" (not a word-vector file)".into()))?;
    if tensor.dtype() != T::DTYPE {
        return Err(Error::DTypeMismatch {
            context: format!("{}: tensor \"word_vecs\"", path.display()),
            expected: T::DTYPE,
            found: tensor.dtype(),
        });
    }
    let vecs: Matrix<T> = tensor.to_matrix()?;
    let words = file
        .metadata
        .get("vocab")
        .ok_or_else(|| bad("no \"vocab\" metadata (not a word-vector file)".into()))?;
    let vocab = if words.is_empty() && vecs.rows() == 0 {
        Vocab::new()
    } else {
        Vocab::from_words(words.split('\n')).map_err(|e| bad(e.to_string()))?
    };
    if vocab.len() != vecs.rows() {
        return Err(bad(format!(
            "the vocabulary has {} words but \"word_vecs\" has {} rows",
            vocab.len(),
            vecs.rows()
        )));
    }
    Ok((vecs, vocab))
}
