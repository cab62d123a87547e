//! The text helpers against the book's code under numpy: numpy's printing
//! of float32 vectors (cases printed by numpy 2.4.6, see each), and the
//! chapter 2 pipeline on the book's example sentence.

use groundup::text::{
    create_co_matrix, create_contexts_target, format_most_similar, most_similar, numpy_str,
    parse_ptb, ppmi, preprocess,
};

/// `(little-endian f32 bytes in hex, numpy's print of the array)`.
const NUMPY_PRINTS: &str = include_str!("fixtures/numpy_prints.txt");

fn f32s(hex: &str) -> Vec<f32> {
    (0..hex.len() / 8)
        .map(|i| {
            let b = u32::from_str_radix(&hex[8 * i..8 * i + 8], 16).unwrap();
            f32::from_le_bytes(b.to_be_bytes())
        })
        .collect()
}

#[test]
fn float32_vectors_print_as_numpy_prints_them() {
    let mut lines = NUMPY_PRINTS.lines().peekable();
    let mut cases = 0;
    while let Some(hex) = lines.next() {
        let mut want = lines.next().unwrap().to_string();
        while lines.peek().is_some_and(|l| l.starts_with(' ')) {
            want.push('\n');
            want.push_str(lines.next().unwrap());
        }
        assert_eq!(numpy_str(&f32s(hex)), want, "case {hex}");
        cases += 1;
    }
    assert_eq!(cases, 8);
}

#[test]
fn chapter_2_on_the_books_sentence() {
    let (corpus, vocab) = preprocess("You say goodbye and I say hello.");
    assert_eq!(corpus, [0, 1, 2, 3, 4, 1, 5, 6]);
    let c = create_co_matrix(&corpus, vocab.len(), 1).unwrap();
    // >>> create_co_matrix(corpus, 7)[1]
    assert_eq!(c.row(1), &[1, 0, 1, 0, 1, 1, 0]);
    let w = ppmi(&c, |_| {});
    // >>> ppmi(C) (float32), row 0 and the (1, 2) entry
    assert_eq!(w.row(0), &[0.0, 1.807_354_9, 0.0, 0.0, 0.0, 0.0, 0.0]);
    assert_eq!(w[(1, 2)], 0.807_354_9);
    // the book's most_similar('you', word_to_id, id_to_word, C, top=5)
    // prints goodbye, hello, i at 0.7071067691154799, then and, say at
    // 0.0; the order within a tie is whatever numpy's sort leaves (here
    // by id), so only the first line and the sets are compared
    let top = most_similar("you", &vocab, &c.to_matrix::<f64>(), 5).unwrap();
    let printed = format_most_similar("you", &top);
    assert!(
        printed.starts_with("\n[query] you\n goodbye: 0.7071067691154799\n"),
        "{printed}"
    );
    let mut first: Vec<&str> = top[..3].iter().map(|(w, _)| w.as_str()).collect();
    first.sort();
    assert_eq!(first, ["goodbye", "hello", "i"]);
    assert!(top[..3].iter().all(|(_, s)| *s == 0.7071067691154799));
    assert!(top[3..].iter().all(|(_, s)| *s == 0.0));
    let (contexts, target) = create_contexts_target(&corpus, 1);
    assert_eq!(contexts.row(5), &[1, 6]);
    assert_eq!(target, [1, 2, 3, 4, 1, 5]);
}

#[test]
fn ptb_reading_follows_pythons_split() {
    // "\n" → "<eos>" glued to its neighbours, \r\n read as \n, tabs and
    // the \x1c separators split words like Python's str.split()
    let (corpus, vocab) = parse_ptb(" a b \n a\tc\r\nd\x1ce\n");
    let words: Vec<&str> = corpus.iter().map(|&i| vocab.word(i).unwrap()).collect();
    assert_eq!(words, ["a", "b", "<eos>", "a", "c<eos>d", "e<eos>"]);
}
