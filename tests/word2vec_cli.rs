//! The `simple_cbow` and `word2vec` examples' command lines, run as a user
//! would: the flag contract (bad flags exit 2 with one line), the book's
//! printout, `--loss-csv` following numpy's run, and a `--save` / `--load`
//! round trip answering the same queries.

mod common;

use common::examples::{assert_bad_flags, command_for};
use common::files::TempDir;
use common::numpy::Fixtures;
use std::process::Output;

fn run(example: &str, args: &[&str]) -> Output {
    command_for(example).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn bad_flags_exit_2_with_one_line_and_the_usage() {
    for (example, args) in [
        ("simple_cbow", &["--bogus"][..]),
        ("simple_cbow", &["--epochs", "x"]),
        ("simple_cbow", &["--window", "0"]),
        ("simple_cbow", &["--dtype", "f16"]),
        ("word2vec", &[]),
        ("word2vec", &["--corpus"]),
        ("word2vec", &["--corpus", "a", "--load", "b"]),
        ("word2vec", &["--load", "a", "--model", "glove"]),
        ("word2vec", &["--load", "a", "--analogy", "a:b"]),
    ] {
        assert_bad_flags(example, args);
    }
    for example in ["simple_cbow", "word2vec"] {
        let o = run(example, &["--help"]);
        assert_eq!(o.status.code(), Some(0));
        assert!(stdout(&o).contains("--loss-csv FILE"));
    }
}

#[test]
fn simple_cbow_prints_the_vectors_and_follows_numpy() {
    let dir = TempDir::new("simple-cbow-cli");
    let csv = dir.join("loss.csv");
    let out = dir.join("out");
    let o = run(
        "simple_cbow",
        &[
            "--quiet",
            "--loss-csv",
            csv.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = stdout(&o);
    let words: Vec<&str> = text
        .lines()
        .take(7)
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(words, ["you", "say", "goodbye", "and", "i", "hello", "."]);
    assert!(text.lines().next().unwrap().contains(" ["), "{text}");
    let loss: Vec<f64> = std::fs::read_to_string(&csv)
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    let fx = Fixtures::parse(include_str!("fixtures/word2vec_runs.txt"));
    let want = fx.f64s("simple_cbow.s0.loss");
    assert_eq!(loss.len(), want.len());
    for (i, (g, w)) in loss.iter().zip(&want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-4 * w.abs(),
            "loss_list[{i}]: {g} vs numpy {w}"
        );
    }
    assert!(out.join("loss.svg").exists());
}

#[test]
fn word2vec_trains_saves_loads_and_answers_the_same_queries() {
    let dir = TempDir::new("word2vec-cli");
    let vecs = dir.join("vecs.safetensors");
    let corpus = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/license_corpus.txt"
    );
    let queries = [
        "--query",
        "license,work,zzz",
        "--analogy",
        "license:licensor:work",
    ];
    let mut args = vec![
        "--corpus",
        corpus,
        "--window",
        "2",
        "--hidden",
        "10",
        "--batch",
        "20",
        "--epochs",
        "2",
        "--eval-interval",
        "5",
        "--quiet",
        "--save",
        vecs.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ];
    args.extend(queries);
    let trained = run("word2vec", &args);
    assert_eq!(
        trained.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&trained.stderr)
    );
    let trained = stdout(&trained);
    assert!(trained.contains("\n[query] license\n "), "{trained}");
    assert!(trained.contains("zzz is not found\n"), "{trained}");
    assert!(
        trained.contains("\n[analogy] license:licensor = work:?\n "),
        "{trained}"
    );
    let mut load_args = vec!["--load", vecs.to_str().unwrap()];
    load_args.extend(queries);
    let loaded = run("word2vec", &load_args);
    assert_eq!(
        loaded.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    let loaded = stdout(&loaded);
    let answers = |s: &str| s[s.find("\n[query]").unwrap()..].to_string();
    assert_eq!(answers(&loaded), answers(&trained));
}
