//! The count_method example (`ch02/count_method_big.py`) run as a user
//! would, on the small PTB-format corpus `tests/fixtures/svd_corpus.txt`
//! (272 words, 5618 tokens; written by `scripts/gen_svd_fixtures.py`):
//! the book's lines in the book's order, exactly what the library
//! pipeline computes for the same flags, and exit code 2 with one line of
//! reason (then the usage) for a bad command line.

mod common;

use groundup::linalg::{randomized_svd, RandomizedSvdOptions};
use groundup::text::{create_co_matrix, format_most_similar, most_similar, ppmi, read_ptb};
use groundup::RandomState;
use std::process::Output;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/svd_corpus.txt");

fn run(args: &[&str]) -> Output {
    common::examples::command_for("count_method")
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// What the book's script prints, computed here with the library:
/// `create_co_matrix`, `ppmi(verbose=True)`, the truncated SVD seeded with
/// `seed`, `word_vecs = U[:, :dim]`, `most_similar(query, top=5)`.
fn expected(window: usize, dim: usize, seed: u32, queries: &[&str]) -> String {
    expected_for(CORPUS, window, dim, seed, queries)
}

/// [`expected`] on another corpus file.
fn expected_for(path: &str, window: usize, dim: usize, seed: u32, queries: &[&str]) -> String {
    let (corpus, vocab) = read_ptb(path).unwrap();
    let mut out = String::from("counting  co-occurrence ...\ncalculating PPMI ...\n");
    let c = create_co_matrix(&corpus, vocab.len(), window).unwrap();
    let w = ppmi(&c, |p| out.push_str(&format!("{p:.1}% done\n")));
    out.push_str("calculating SVD ...\n");
    let opts = RandomizedSvdOptions::default();
    let word_vecs = randomized_svd(&w, dim, opts, &mut RandomState::new(seed))
        .unwrap()
        .u;
    for q in queries {
        match most_similar(q, &vocab, &word_vecs, 5) {
            Ok(top) => out.push_str(&format_most_similar(q, &top)),
            Err(_) => out.push_str(&format!("{q} is not found\n")),
        }
    }
    out
}

#[test]
fn prints_the_books_lines_and_the_librarys_numbers() {
    let o = run(&[
        "--corpus",
        CORPUS,
        "--dim",
        "20",
        "--query",
        "you,year,nosuchword,car",
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert_eq!(err, "");
    assert_eq!(
        out,
        expected(2, 20, 0, &["you", "year", "nosuchword", "car"])
    );

    // The shape of it, as the book prints it.
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[..2],
        ["counting  co-occurrence ...", "calculating PPMI ..."]
    );
    // ppmi(verbose=True) reports every 272²//100 + 1 = 740 cells: 99 lines.
    let progress: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.ends_with("% done"))
        .collect();
    assert_eq!(progress.len(), 99);
    assert_eq!((progress[0], progress[98]), ("1.0% done", "99.0% done"));
    assert_eq!(lines[101], "calculating SVD ...");
    assert_eq!(lines[102..104], ["", "[query] you"]);
    let neighbours = &lines[104..109];
    let mut last = f64::INFINITY;
    for l in neighbours {
        let (word, sim) = l.strip_prefix(' ').unwrap().split_once(": ").unwrap();
        assert_ne!(word, "you");
        let sim: f64 = sim.parse().unwrap();
        assert!(sim <= last && sim.abs() <= 1.0, "{l}");
        last = sim;
    }
    assert_eq!(lines[109..111], ["", "[query] year"]);
    // The corpus's time words share their contexts: "month" is nearest to
    // "year" by a margin (0.834 against 0.813) no rounding can close.
    assert!(lines[111].starts_with(" month: 0.83"), "{}", lines[111]);
    assert_eq!(lines[116], "nosuchword is not found");
    assert_eq!(lines[117..119], ["", "[query] car"]);
    assert_eq!(lines.len(), 124);
}

#[test]
fn window_dim_and_seed_are_honoured() {
    let o = run(&[
        "--corpus", CORPUS, "--window", "1", "--dim", "8", "--seed", "3", "--query", "toyota",
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert_eq!(out, expected(1, 8, 3, &["toyota"]));
    let other = text(&run(&[
        "--corpus", CORPUS, "--window", "1", "--dim", "8", "--seed", "4", "--query", "toyota",
    ]))
    .0;
    assert_ne!(out, other, "another seed, other random draws");
}

#[test]
fn dim_beyond_the_vocabulary_is_clamped_and_said() {
    // The SVD of the whole vocabulary is the slowest part of this file;
    // under emulation (GROUNDUP_TEST_SCALE=small) it runs on the first 100
    // lines of the corpus, a smaller vocabulary clamped the same way.
    let dir = common::files::TempDir::new("count-method-clamp");
    let small = common::scale::small();
    let corpus = if small {
        let text = std::fs::read_to_string(CORPUS).unwrap();
        let head: String = text.lines().take(100).map(|l| format!("{l}\n")).collect();
        let path = dir.join("head.txt");
        std::fs::write(&path, head).unwrap();
        path.to_str().unwrap().to_owned()
    } else {
        CORPUS.to_owned()
    };
    let words = read_ptb(&corpus).unwrap().1.len();
    if small {
        assert!(words < 272, "the head has a smaller vocabulary: {words}");
    } else {
        assert_eq!(words, 272);
    }
    let o = run(&["--corpus", &corpus, "--dim", "1000", "--query", "you"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert_eq!(
        err,
        format!(
            "note: --dim 1000 is more than the {words} words of the vocabulary; using {words}\n"
        )
    );
    assert_eq!(out, expected_for(&corpus, 2, words, 0, &["you"]));
}

#[test]
fn bad_flags_exit_2_with_a_reason_and_the_usage() {
    for (args, reason) in [
        (&["--bogus"][..], "error: unknown argument \"--bogus\""),
        (&[], "error: --corpus FILE is required"),
        (&["--corpus"], "error: --corpus needs a value"),
        (
            &["--corpus", CORPUS, "--window", "0"],
            "error: --window must be at least 1",
        ),
        (
            &["--corpus", CORPUS, "--dim", "0"],
            "error: --dim must be at least 1",
        ),
        (
            &["--corpus", CORPUS, "--dim", "ten"],
            "error: --dim \"ten\": expected a positive whole number",
        ),
        (
            &["--corpus", CORPUS, "--seed", "-1"],
            "error: --seed \"-1\": expected a whole number from 0 to 4294967295",
        ),
        (
            &["--corpus", CORPUS, "--query", "you,,car"],
            "error: --query \"you,,car\": expected words separated by commas",
        ),
    ] {
        let o = run(args);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {out}{err}");
        assert_eq!(out, "", "{args:?}");
        assert_eq!(err.lines().next(), Some(reason), "{args:?}: {err}");
        assert_eq!(
            err.lines().nth(1),
            Some(""),
            "{args:?}: one line, then the usage"
        );
        assert!(err.contains("usage: "), "{args:?}: {err}");
    }
    let o = run(&["--help"]);
    let (out, _) = text(&o);
    assert!(o.status.success());
    for flag in [
        "--corpus", "--window", "--dim", "--query", "--seed", "--help",
    ] {
        assert!(out.contains(flag), "--help lacks {flag}: {out}");
    }
}

#[test]
fn an_unreadable_corpus_exits_1_naming_it() {
    let o = run(&["--corpus", "/nonexistent/ptb.train.txt"]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: /nonexistent/ptb.train.txt"),
        "{err}"
    );
    assert_eq!(out, "");

    let empty =
        std::env::temp_dir().join(format!("groundup-count-method-{}.txt", std::process::id()));
    std::fs::write(&empty, "  \t ").unwrap();
    let o = run(&["--corpus", empty.to_str().unwrap()]);
    std::fs::remove_file(&empty).unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with("error: ") && err.ends_with(": the corpus has no words\n"),
        "{err}"
    );
}
