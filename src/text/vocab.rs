//! [`Vocab`]: words and their ids, in order of first appearance.

use crate::error::{Error, Result};
use std::collections::HashMap;

/// A vocabulary: `word_to_id` and `id_to_word` in one, ids `0..len()` in
/// the order words were first added.
///
/// ```
/// use groundup::text::Vocab;
/// let mut v = Vocab::new();
/// assert_eq!(v.add("you"), 0);
/// assert_eq!(v.add("say"), 1);
/// assert_eq!(v.add("you"), 0);
/// assert_eq!((v.id("say"), v.word(0), v.len()), (Some(1), Some("you"), 2));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vocab {
    words: Vec<String>,
    ids: HashMap<String, usize>,
}

impl Vocab {
    /// An empty vocabulary.
    ///
    /// ```
    /// assert!(groundup::text::Vocab::new().is_empty());
    /// ```
    pub fn new() -> Vocab {
        Vocab::default()
    }

    /// A vocabulary of `words` in order (id `i` is `words[i]`).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming a word that appears twice.
    ///
    /// ```
    /// use groundup::text::Vocab;
    /// let v = Vocab::from_words(["a", "b"])?;
    /// assert_eq!(v.id("b"), Some(1));
    /// assert!(Vocab::from_words(["a", "a"]).is_err());
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn from_words<S: Into<String>>(words: impl IntoIterator<Item = S>) -> Result<Vocab> {
        let mut v = Vocab::new();
        for (i, w) in words.into_iter().enumerate() {
            let w = w.into();
            if let Some(&first) = v.ids.get(&w) {
                return Err(Error::InvalidArgument(format!(
                    "vocabulary: word {w:?} appears twice (ids {first} and {i})"
                )));
            }
            v.add(&w);
        }
        Ok(v)
    }

    /// The id of `word`, adding it with the next id if it is new.
    ///
    /// ```
    /// let mut v = groundup::text::Vocab::new();
    /// assert_eq!((v.add("x"), v.add("y"), v.add("x")), (0, 1, 0));
    /// ```
    pub fn add(&mut self, word: &str) -> usize {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = self.words.len();
        self.words.push(word.to_string());
        self.ids.insert(word.to_string(), id);
        id
    }

    /// The id of `word`, if known (`word_to_id[word]`).
    ///
    /// ```
    /// let v = groundup::text::Vocab::from_words(["a"]).unwrap();
    /// assert_eq!((v.id("a"), v.id("b")), (Some(0), None));
    /// ```
    pub fn id(&self, word: &str) -> Option<usize> {
        self.ids.get(word).copied()
    }

    /// The word with id `id`, if any (`id_to_word[id]`).
    ///
    /// ```
    /// let v = groundup::text::Vocab::from_words(["a"]).unwrap();
    /// assert_eq!((v.word(0), v.word(1)), (Some("a"), None));
    /// ```
    pub fn word(&self, id: usize) -> Option<&str> {
        self.words.get(id).map(String::as_str)
    }

    /// The words in id order.
    ///
    /// ```
    /// let v = groundup::text::Vocab::from_words(["a", "b"]).unwrap();
    /// assert_eq!(v.words(), ["a", "b"]);
    /// ```
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Number of words.
    ///
    /// ```
    /// assert_eq!(groundup::text::Vocab::from_words(["a", "b"]).unwrap().len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when there are no words.
    ///
    /// ```
    /// assert!(groundup::text::Vocab::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The ids of a PTB-format text (see [`parse_ptb`](super::parse_ptb))
    /// in this vocabulary, as `ptb.load_data('test')` reads the test split
    /// with the training split's vocabulary.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the first unknown word and its line.
    ///
    /// ```
    /// use groundup::text::parse_ptb;
    /// let (_, vocab) = parse_ptb(" the cat \n the dog \n");
    /// assert_eq!(vocab.encode_ptb(" the dog \n")?, [0, 3, 2]);
    /// assert!(vocab.encode_ptb("a cat").unwrap_err().to_string().contains("line 1"));
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn encode_ptb(&self, text: &str) -> Result<Vec<usize>> {
        let mut out = Vec::new();
        super::corpus::for_each_ptb_word(text, |line, word| match self.id(word) {
            Some(id) => {
                out.push(id);
                Ok(())
            }
            None => Err(Error::InvalidArgument(format!(
                "line {line}: word {word:?} is not in the vocabulary"
            ))),
        })?;
        Ok(out)
    }
}

/// The book's `preprocess(text)`: lowercase, `.` split off as its own word
/// (`text.replace('.', ' .')`), split on single spaces, ids in order of
/// first appearance. Returns the corpus (one id per word) and the
/// vocabulary.
///
/// Like Python's `split(' ')`, two spaces in a row make an empty word.
///
/// ```
/// use groundup::text::preprocess;
/// let (corpus, vocab) = preprocess("You say goodbye and I say hello.");
/// assert_eq!(corpus, [0, 1, 2, 3, 4, 1, 5, 6]);
/// assert_eq!(vocab.words(), ["you", "say", "goodbye", "and", "i", "hello", "."]);
/// ```
pub fn preprocess(text: &str) -> (Vec<usize>, Vocab) {
    let text = text.to_lowercase().replace('.', " .");
    let mut vocab = Vocab::new();
    let corpus = text.split(' ').map(|w| vocab.add(w)).collect();
    (corpus, vocab)
}
