//! The character-level data sets of the book's chapters 7–8
//! (`dataset/sequence.py`): `addition.txt` (`16+75  _91  `) and `date.txt`
//! (`september 27, 1994           _1994-09-27`), one question and answer per
//! line, split at the first `_`, which starts the answer.
//!
//! Exactly as the book's `load_data(file_name, seed=1984)`:
//! - the vocabulary is built in order of first appearance, the question and
//!   then the answer of each line, line by line (`char_to_id`);
//! - questions and answers become integer matrices, one row per line (all
//!   questions one length, all answers another, as the files are padded);
//! - the rows are shuffled by `np.random.seed(seed)` then
//!   `np.random.shuffle(np.arange(n))`, drawn bit for bit
//!   ([`RandomState::shuffle`]);
//! - the last `n // 10` rows are the test split.
//!
//! The random stream is returned as the shuffle left it: the book's
//! chapter 7–8 scripts build their models right after `load_data`, so their
//! weights continue that stream.
//!
//! Two deliberate differences: the book's vocabulary is a module-level
//! dictionary that grows across calls (loading `addition.txt` and then
//! `date.txt` in one process mixes them); here each call has its own. And a
//! malformed file (a line without `_`, rows of another length) is an error
//! naming the line, where numpy would fail on the array assignment.

use crate::error::{Error, Result};
use crate::matrix::Ids;
use crate::rng::RandomState;
use crate::text::Vocab;
use std::path::Path;

/// A data set of `load_data`: train and test splits of question ids `x`
/// and answer ids `t`, the character vocabulary, and the random stream
/// after the shuffle.
///
/// ```
/// use groundup::data::sequence;
/// let data = sequence::parse("1+1_2\n2+2_4\n", 1984)?;
/// assert_eq!((data.x_train.rows(), data.x_test.rows()), (2, 0)); // 2 // 10 = 0 test rows
/// assert_eq!(data.vocab.words(), ["1", "+", "_", "2", "4"]);
/// # Ok::<(), groundup::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Sequences {
    /// Training questions, one row per line (`n − n // 10` rows).
    pub x_train: Ids,
    /// Training answers, starting with the `_` id.
    pub t_train: Ids,
    /// Test questions (the last `n // 10` rows after the shuffle).
    pub x_test: Ids,
    /// Test answers.
    pub t_test: Ids,
    /// The characters in order of first appearance (`id_to_char`).
    pub vocab: Vocab,
    /// `np.random`'s state after `seed(seed)` and the shuffle.
    pub rng: RandomState,
}

/// [`parse`] of the file at `path` (UTF-8).
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, [`Error::Format`] when it is
/// not UTF-8, and the errors of [`parse`].
///
/// ```
/// use groundup::data::sequence;
/// // The shipped copy of the book's data set.
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/addition.txt");
/// let data = sequence::load_data(path, 1984)?;
/// assert_eq!((data.x_train.shape(), data.t_test.shape()), ((45000, 7), (5000, 5)));
/// # Ok::<(), groundup::Error>(())
/// ```
pub fn load_data(path: impl AsRef<Path>, seed: u32) -> Result<Sequences> {
    parse(&crate::text::read_utf8(path.as_ref())?, seed)
}

/// The book's `load_data` on the text of a data file.
///
/// # Errors
/// [`Error::Csv`] naming the 1-based line: a line without `_`, or a
/// question or answer of another length than the first line's. An empty
/// text is [`Error::InvalidArgument`].
///
/// ```
/// use groundup::data::sequence;
/// // >>> np.random.seed(0); idx = np.arange(3); np.random.shuffle(idx); idx
/// // array([2, 1, 0])
/// let data = sequence::parse("1+2_3\n2+5_7\n4+4_8\n", 0)?;
/// // vocabulary 1 + 2 _ 3 5 7 4 8: "4+4" (the third line) comes first
/// assert_eq!(data.x_train.row(0), &[7, 1, 7]);
/// let err = sequence::parse("1+2_3\n12+5_17\n", 0).unwrap_err();
/// assert!(err.to_string().contains("line 2"), "{err}");
/// # Ok::<(), groundup::Error>(())
/// ```
pub fn parse(text: &str, seed: u32) -> Result<Sequences> {
    let bad = |line: usize, what: String| Error::Csv {
        line,
        column: None,
        what,
    };
    let mut vocab = Vocab::new();
    let (mut xs, mut ts) = (Vec::new(), Vec::new());
    let (mut q_len, mut a_len) = (None, None);
    let mut rows = 0;
    let mut buf = [0u8; 4];
    for (i, line) in text.lines().enumerate() {
        let Some(split) = line.find('_') else {
            return Err(bad(
                i + 1,
                format!("no '_' between question and answer in {line:?}"),
            ));
        };
        let (q, a) = line.split_at(split);
        for (part, len, what) in [(q, &mut q_len, "question"), (a, &mut a_len, "answer")] {
            let n = part.chars().count();
            match *len {
                None => *len = Some(n),
                Some(m) if m != n => {
                    return Err(bad(
                        i + 1,
                        format!("the {what} {part:?} has {n} characters, the first line's {m}"),
                    ))
                }
                _ => {}
            }
        }
        for c in q.chars() {
            xs.push(vocab.add(c.encode_utf8(&mut buf)));
        }
        for c in a.chars() {
            ts.push(vocab.add(c.encode_utf8(&mut buf)));
        }
        rows += 1;
    }
    let (Some(q_len), Some(a_len)) = (q_len, a_len) else {
        return Err(Error::InvalidArgument(
            "sequence data: the text has no lines".into(),
        ));
    };
    let mut rng = RandomState::new(seed);
    let mut order: Vec<usize> = (0..rows).collect();
    rng.shuffle(&mut order);
    let x = Ids::from_vec(rows, q_len, xs)?;
    let t = Ids::from_vec(rows, a_len, ts)?;
    let split_at = rows - rows / 10;
    let gather = |m: &Ids, range: std::ops::Range<usize>| {
        let mut out = Ids::default();
        m.gather_rows_into(&order[range], &mut out);
        out
    };
    Ok(Sequences {
        x_train: gather(&x, 0..split_at),
        t_train: gather(&t, 0..split_at),
        x_test: gather(&x, split_at..rows),
        t_test: gather(&t, split_at..rows),
        vocab,
        rng,
    })
}
