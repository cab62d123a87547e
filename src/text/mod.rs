//! Text: the book's `common/util.py` text helpers and `dataset/ptb.py`'s
//! reading rule, for the word-vector chapters (2–4).
//!
//! | book | here |
//! |---|---|
//! | `preprocess(text)` | [`preprocess`] → corpus ids and a [`Vocab`] |
//! | `ptb.load_data` (local file) | [`read_ptb`], [`parse_ptb`], [`Vocab::encode_ptb`] |
//! | `create_co_matrix` | [`create_co_matrix`] → [`CoMatrix`] |
//! | `ppmi` | [`ppmi`] |
//! | `create_contexts_target` | [`create_contexts_target`] |
//! | `convert_one_hot` | [`crate::data::one_hot`] (1-d), [`one_hot_ids`] (2-d) |
//! | `cos_similarity`, `most_similar` | [`cos_similarity`], [`most_similar`], [`format_most_similar`] |
//! | `normalize`, `analogy` | [`normalize_rows`], [`analogy`], [`format_analogy`] |
//! | `pickle.dump(params)` (ch04) | [`save_word_vectors`], [`load_word_vectors`] |
//! | `print(word, vec)` | [`numpy_str`] |
//!
//! Ids are assigned in order of first appearance, as the book does, so a
//! corpus gets the same ids here as under numpy.
//!
//! ```
//! use groundup::text::{create_co_matrix, most_similar, ppmi, preprocess};
//! let (corpus, vocab) = preprocess("You say goodbye and I say hello.");
//! assert_eq!(corpus, [0, 1, 2, 3, 4, 1, 5, 6]);
//! let c = create_co_matrix(&corpus, vocab.len(), 1)?;
//! let w = ppmi(&c, |_| {});
//! let top = most_similar("you", &vocab, &w, 2)?;
//! assert_eq!(top[0].0, "goodbye");
//! # Ok::<(), groundup::Error>(())
//! ```

mod contexts;
mod cooccurrence;
mod corpus;
pub(crate) use corpus::read_utf8;
mod pyfmt;
mod similarity;
mod vectors;
mod vocab;

pub use contexts::{create_contexts_target, one_hot_ids};
pub use cooccurrence::{create_co_matrix, ppmi, CoMatrix};
pub use corpus::{parse_ptb, read_ptb};
pub use pyfmt::{numpy_str, py_float, py_float_f32};
pub use similarity::{
    analogy, cos_similarity, format_analogy, format_most_similar, most_similar, normalize_rows,
};
pub use vectors::{load_word_vectors, save_word_vectors};
pub use vocab::{preprocess, Vocab};
