//! The Penn Treebank file format as the book's `dataset/ptb.py` reads it.

use super::Vocab;
use crate::error::{Error, Result};
use std::borrow::Cow;
use std::path::Path;

/// Python's `str.split()` separators: Unicode white space plus the ASCII
/// information separators `\x1c`–`\x1f`, which Python also splits on.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Python's text-mode reading turns `\r\n` and a lone `\r` into `\n`
/// (universal newlines) before the book's code sees the text.
fn universal_newlines(text: &str) -> Cow<'_, str> {
    if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Calls `f(line, word)` for every word of
/// `text.replace('\n', '<eos>').strip().split()` (1-based line numbers).
/// A line break becomes `<eos>` glued to its neighbours, exactly as the
/// replace does: PTB lines end in a space, so there it stands alone.
pub(crate) fn for_each_ptb_word(
    text: &str,
    mut f: impl FnMut(usize, &str) -> Result<()>,
) -> Result<()> {
    let text = universal_newlines(text);
    let mut line = 1;
    let mut glued = String::new();
    // Split on white space other than '\n': a piece holding '\n's is one
    // Python word with "<eos>" in their place.
    for piece in text.split(|c: char| c != '\n' && is_py_space(c)) {
        if piece.is_empty() {
            continue;
        }
        if piece.contains('\n') {
            glued.clear();
            glued.push_str(&piece.replace('\n', "<eos>"));
            f(line, &glued)?;
            line += piece.matches('\n').count();
        } else {
            f(line, piece)?;
        }
    }
    Ok(())
}

/// The book's PTB reading rule, `open(path).read().replace('\n',
/// '<eos>').strip().split()`, ids in order of first appearance (the
/// vocabulary `ptb.py` builds from the training split).
///
/// A word next to a line break without a space between them gets `<eos>`
/// glued on, as in Python (`"a\nb"` is the single word `a<eos>b`). `\r\n`
/// and `\r` count as line breaks, as Python's text mode reads them.
///
/// ```
/// use groundup::text::parse_ptb;
/// let (corpus, vocab) = parse_ptb(" the cat sat \n the dog sat \n");
/// assert_eq!(corpus, [0, 1, 2, 3, 0, 4, 2, 3]);
/// assert_eq!(vocab.word(3), Some("<eos>"));
/// ```
pub fn parse_ptb(text: &str) -> (Vec<usize>, Vocab) {
    let mut vocab = Vocab::new();
    let mut corpus = Vec::new();
    for_each_ptb_word(text, |_, w| {
        corpus.push(vocab.add(w));
        Ok(())
    })
    .expect("adding words cannot fail");
    (corpus, vocab)
}

/// [`parse_ptb`] on the file at `path` (UTF-8).
///
/// # Errors
/// [`Error::Io`] naming the path when it cannot be read;
/// [`Error::Format`] with the byte offset of the first invalid UTF-8
/// sequence.
///
/// ```
/// # fn main() -> groundup::Result<()> {
/// let path = std::env::temp_dir().join(format!("groundup-doc-ptb-{}.txt", std::process::id()));
/// std::fs::write(&path, " a b \n b c \n").unwrap();
/// let (corpus, vocab) = groundup::text::read_ptb(&path)?;
/// assert_eq!((corpus.len(), vocab.len()), (6, 4));
/// std::fs::remove_file(&path).unwrap();
/// # Ok(())
/// # }
/// ```
pub fn read_ptb(path: impl AsRef<Path>) -> Result<(Vec<usize>, Vocab)> {
    Ok(parse_ptb(&read_utf8(path.as_ref())?))
}

/// The whole file as UTF-8 text, with errors naming the path (and the
/// byte offset of invalid UTF-8).
pub(crate) fn read_utf8(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|e| Error::Format {
        format: "text",
        offset: Some(e.utf8_error().valid_up_to() as u64),
        what: format!("{}: not valid UTF-8", path.display()),
    })
}
