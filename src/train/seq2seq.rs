//! The book's `eval_seq2seq` (`common/util.py`): answer a question
//! greedily, compare with the correct answer, and print the `Q`, `T` and
//! `☑`/`☒` lines; plus [`eval_seq2seq_rows`], the same judgement for many
//! questions at once (batched generation), which the training scripts'
//! per-epoch accuracy needs.

use crate::error::{Error, Result};
use crate::matrix::{Ids, IdsView};
use crate::model::{EncoderDecoder, Seq2seqDecoder};
use crate::scalar::Scalar;
use crate::text::Vocab;

/// The characters of `ids`, in order (`?` for an id the vocabulary lacks).
fn chars(ids: impl IntoIterator<Item = usize>, vocab: &Vocab) -> String {
    ids.into_iter()
        .map(|id| vocab.word(id).unwrap_or("?"))
        .collect()
}

/// The book's verbose lines for one question: `Q question`, `T correct`,
/// the mark and the guess, `---`, each ending in `\n`. `question` is as
/// the model read it (reversed back when `is_reverse`, as the book prints
/// it); `correct` is the answer without its start id. With `color` the
/// mark is the book's: `☑` in ANSI green or `☒` in red (`\x1b[92m`,
/// `\x1b[91m`, reset `\x1b[0m`); without, the bare `☑`/`☒`.
///
/// ```
/// use groundup::text::Vocab;
/// use groundup::train::format_seq2seq;
/// let vocab = Vocab::from_words(["1", "+", "2", "_", "3", " "])?;
/// // "1+2" reversed as the model reads it, answer "3 " (start id 3 = "_" dropped).
/// let text = format_seq2seq(&[2, 1, 0], &[4, 5], &[4, 5], &vocab, true, false);
/// assert_eq!(text, "Q 1+2\nT 3 \n☑ 3 \n---\n");
/// let wrong = format_seq2seq(&[0, 1, 2], &[4, 5], &[2, 5], &vocab, false, true);
/// assert!(wrong.ends_with("\x1b[91m☒\x1b[0m 2 \n---\n"));
/// # Ok::<(), groundup::Error>(())
/// ```
pub fn format_seq2seq(
    question: &[usize],
    correct: &[usize],
    guess: &[usize],
    vocab: &Vocab,
    is_reverse: bool,
    color: bool,
) -> String {
    let mut q = chars(question.iter().copied(), vocab);
    if is_reverse {
        q = q.chars().rev().collect();
    }
    let ok = correct == guess;
    let mark = match (ok, color) {
        (true, true) => "\x1b[92m☑\x1b[0m",
        (false, true) => "\x1b[91m☒\x1b[0m",
        (true, false) => "☑",
        (false, false) => "☒",
    };
    format!(
        "Q {q}\nT {}\n{mark} {}\n---\n",
        chars(correct.iter().copied(), vocab),
        chars(guess.iter().copied(), vocab)
    )
}

/// The book's `eval_seq2seq(model, question, correct, id_to_char, verbose,
/// is_reverse)`: `question` and `correct` are one row each (`correct`
/// starts with the start id); the answer is generated for
/// `correct.cols() - 1` steps. Prints [`format_seq2seq`] (with the book's
/// colours) to stdout when `verbose`. Returns whether the guess equals the
/// correct answer.
///
/// # Errors
/// [`Error::InvalidArgument`] for more than one row, an answer shorter
/// than 2, or ids outside the model's vocabulary.
///
/// ```
/// use groundup::{matrix::Ids, model::Seq2seq, text::Vocab, train::eval_seq2seq, RandomState};
/// let vocab = Vocab::from_words(["1", "+", "2", "_", "3", " "])?;
/// let mut model = Seq2seq::<f32>::new(vocab.len(), 4, 8, &mut RandomState::new(0));
/// let q = Ids::from_rows([[0, 1, 2]]);
/// let t = Ids::from_rows([[3, 4, 5]]);
/// let right = eval_seq2seq(&mut model, q.view(), t.view(), &vocab, false, false)?;
/// assert!(!right); // untrained
/// # Ok::<(), groundup::Error>(())
/// ```
pub fn eval_seq2seq<T: Scalar, D: Seq2seqDecoder<T>>(
    model: &mut EncoderDecoder<T, D>,
    question: IdsView<'_>,
    correct: IdsView<'_>,
    vocab: &Vocab,
    verbose: bool,
    is_reverse: bool,
) -> Result<bool> {
    if question.rows() != 1 || correct.rows() != 1 || correct.cols() < 2 {
        return Err(Error::InvalidArgument(format!(
            "eval_seq2seq: one question and one answer of at least 2 ids expected, got {:?} and {:?}",
            question.shape(),
            correct.shape()
        )));
    }
    let answer = correct.row(0);
    let guess = model.generate(question, answer[0], answer.len() - 1)?;
    if verbose {
        print!(
            "{}",
            format_seq2seq(
                question.row(0),
                &answer[1..],
                &guess,
                vocab,
                is_reverse,
                true
            )
        );
    }
    Ok(guess == answer[1..])
}

/// What [`eval_seq2seq_rows`] found: the guesses (`N x (T_a − 1)`) and how
/// many equal the correct answers.
///
/// ```
/// use groundup::{matrix::Ids, model::Seq2seq, train::eval_seq2seq_rows, RandomState};
/// let mut m = Seq2seq::<f64>::new(5, 2, 4, &mut RandomState::new(0));
/// let (xs, ts) = (Ids::from_rows([[1, 2]]), Ids::from_rows([[4, 0, 3]]));
/// let e = eval_seq2seq_rows(&mut m, xs.view(), ts.view(), 1)?;
/// assert_eq!(e.correct, usize::from(e.guesses.row(0) == &[0, 3]));
/// # Ok::<(), groundup::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seq2seqEval {
    /// Every question's greedy answer, without the start id.
    pub guesses: Ids,
    /// The number of guesses equal to their answer.
    pub correct: usize,
}

impl Seq2seqEval {
    /// `correct / rows` (0 for no rows): the book's `acc`.
    ///
    /// ```
    /// use groundup::{matrix::Ids, train::Seq2seqEval};
    /// let e = Seq2seqEval { guesses: Ids::from_rows([[1], [2], [3], [4]]), correct: 3 };
    /// assert_eq!(e.accuracy(), 0.75);
    /// ```
    pub fn accuracy(&self) -> f64 {
        if self.guesses.rows() == 0 {
            0.0
        } else {
            self.correct as f64 / self.guesses.rows() as f64
        }
    }
}

/// [`eval_seq2seq`] for every row of `questions` and `answers`, `batch`
/// questions generated at a time (the rows do not interact: each guess is
/// what `eval_seq2seq` would give for its row alone, up to the summation
/// order of the batched products). The start id of every answer is its
/// first column.
///
/// # Errors
/// [`Error::InvalidArgument`] for a different number of questions and
/// answers, answers shorter than 2, `batch` 0, or ids outside the model's
/// vocabulary.
///
/// ```
/// use groundup::{matrix::Ids, model::PeekySeq2seq, train::eval_seq2seq_rows, RandomState};
/// let mut model = PeekySeq2seq::<f32>::new(6, 4, 8, &mut RandomState::new(0));
/// let xs = Ids::from_rows([[0, 1, 2], [2, 1, 0], [1, 1, 1]]);
/// let ts = Ids::from_rows([[5, 3, 4], [5, 4, 4], [5, 3, 3]]);
/// let eval = eval_seq2seq_rows(&mut model, xs.view(), ts.view(), 2)?;
/// assert_eq!(eval.guesses.shape(), (3, 2));
/// assert!(eval.accuracy() <= 1.0);
/// # Ok::<(), groundup::Error>(())
/// ```
pub fn eval_seq2seq_rows<T: Scalar, D: Seq2seqDecoder<T>>(
    model: &mut EncoderDecoder<T, D>,
    questions: IdsView<'_>,
    answers: IdsView<'_>,
    batch: usize,
) -> Result<Seq2seqEval> {
    let n = questions.rows();
    if answers.rows() != n || answers.cols() < 2 || batch == 0 {
        return Err(Error::InvalidArgument(format!(
            "eval_seq2seq_rows: questions {:?} and answers {:?} (at least 2 ids each) in batches of {batch}",
            questions.shape(),
            answers.shape()
        )));
    }
    let k = answers.cols() - 1;
    let mut guesses = Ids::from_vec(n, k, vec![0; n * k])?;
    let mut correct = 0;
    let mut starts = Vec::with_capacity(batch);
    for lo in (0..n).step_by(batch) {
        let hi = (lo + batch).min(n);
        starts.clear();
        starts.extend((lo..hi).map(|i| answers.row(i)[0]));
        let got = model.generate_batch(questions.rows_view(lo..hi), &starts, k)?;
        for (r, i) in (lo..hi).enumerate() {
            let g = got.row(r);
            correct += usize::from(g == &answers.row(i)[1..]);
            guesses.as_mut_slice()[i * k..(i + 1) * k].copy_from_slice(g);
        }
    }
    Ok(Seq2seqEval { guesses, correct })
}
