//! `data::sequence::load_data` against the book's `dataset/sequence.py`
//! under numpy (`tests/fixtures/sequence_data.txt`, from
//! `scripts/gen_sequence_fixtures.py`) on the shipped `addition.txt` and
//! `date.txt`: the same vocabulary, the same rows in the same order in both
//! splits (the legacy shuffle drawn bit for bit), and the random stream
//! where numpy leaves it.

mod common;

use common::numpy::Fixtures;
use groundup::data::sequence;
use groundup::matrix::Ids;

const FIXTURES: &str = include_str!("fixtures/sequence_data.txt");

fn data_file(name: &str) -> String {
    format!("{}/examples/data/{name}.txt", env!("CARGO_MANIFEST_DIR"))
}

fn checksum(a: &Ids) -> i64 {
    a.as_slice()
        .iter()
        .enumerate()
        .map(|(k, &id)| id as i64 * (k as i64 % 1000 + 1))
        .sum()
}

fn as_i64(ids: &[usize]) -> Vec<i64> {
    ids.iter().map(|&v| v as i64).collect()
}

fn check(name: &str) {
    let f = Fixtures::parse(FIXTURES);
    let mut data = sequence::load_data(data_file(name), 1984).unwrap();
    let vocab: Vec<i64> = data
        .vocab
        .words()
        .iter()
        .map(|w| w.chars().next().unwrap() as i64)
        .collect();
    assert_eq!(vocab, f.i64s(&format!("{name}.vocab")));
    let shapes: Vec<i64> = [&data.x_train, &data.t_train, &data.x_test, &data.t_test]
        .iter()
        .flat_map(|m| [m.rows() as i64, m.cols() as i64])
        .collect();
    assert_eq!(shapes, f.i64s(&format!("{name}.shapes")));
    let head = |m: &Ids| as_i64(&m.as_slice()[..3 * m.cols()]);
    let tail = |m: &Ids| as_i64(&m.as_slice()[(m.rows() - 3) * m.cols()..]);
    assert_eq!(head(&data.x_train), f.i64s(&format!("{name}.x_train_head")));
    assert_eq!(head(&data.t_train), f.i64s(&format!("{name}.t_train_head")));
    assert_eq!(tail(&data.x_test), f.i64s(&format!("{name}.x_test_tail")));
    assert_eq!(tail(&data.t_test), f.i64s(&format!("{name}.t_test_tail")));
    let sums: Vec<i64> = [&data.x_train, &data.t_train, &data.x_test, &data.t_test]
        .iter()
        .map(|m| checksum(m))
        .collect();
    assert_eq!(sums, f.i64s(&format!("{name}.checksums")));
    let next: Vec<f64> = (0..3).map(|_| data.rng.random_sample()).collect();
    assert_eq!(next, f.f64s(&format!("{name}.next_rand")));
}

#[test]
fn addition_is_the_books_split() {
    check("addition");
}

#[test]
fn date_is_the_books_split() {
    check("date");
}

#[test]
fn malformed_files_are_errors_naming_the_line() {
    let err = sequence::parse("1+2_3\n45\n", 0).unwrap_err();
    assert!(
        err.to_string().contains("line 2") && err.to_string().contains("no '_'"),
        "{err}"
    );
    let err = sequence::parse("1+2_3\n1+2_34\n", 0).unwrap_err();
    assert!(
        err.to_string().contains("line 2") && err.to_string().contains("answer"),
        "{err}"
    );
    assert!(sequence::parse("", 0).is_err());
    let err = sequence::load_data("/nonexistent/addition.txt", 0).unwrap_err();
    assert!(
        err.to_string().contains("/nonexistent/addition.txt"),
        "{err}"
    );
    // \r\n line ends read as \n (Python's universal newlines).
    let a = sequence::parse("1+2_3\r\n4+5_9\r\n", 7).unwrap();
    let b = sequence::parse("1+2_3\n4+5_9\n", 7).unwrap();
    assert_eq!(a.x_train, b.x_train);
    assert_eq!(a.vocab.words(), b.vocab.words());
}
