//! The `rnnlm` example's command line, run as a user would: the flag
//! contract (bad flags exit 2 with one line), the book's progress lines and
//! perplexities, `--ppl-csv` following numpy's run, generation equal to the
//! book's, and a `--save` / `--load` round trip.
//!
//! Under `GROUNDUP_TEST_SCALE=small` (the emulated targets, where each
//! 3-epoch run takes a minute) the runs train one epoch (the better model
//! two): the lr-20 lines compared are all in the first epoch, `--ppl-csv`
//! is compared over that epoch, and the test perplexity and generated
//! words (which need the whole run) are left to `tests/rnnlm_runs.rs`,
//! which checks them under emulation too.

mod common;

use common::examples::{assert_bad_flags, command_for};
use common::files::TempDir;
use common::numpy::Fixtures;
use std::process::Output;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lm_corpus.txt");
const PROGRESS: &str = include_str!("fixtures/rnnlm_progress_lstm.txt");

fn run(args: &[&str]) -> Output {
    command_for("rnnlm").args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Epochs of the lstm runs: the book's 3, or 1 under emulation.
fn lstm_epochs() -> usize {
    common::scale::pick(3, 1)
}

/// lstm.s0's settings (the generator's), learning rate `lr`,
/// [`lstm_epochs`] epochs.
fn lstm_args(lr: &'static str) -> Vec<&'static str> {
    let epochs = if lstm_epochs() == 3 { "3" } else { "1" };
    vec![
        "--corpus",
        CORPUS,
        "--holdout",
        "0.1",
        "--wordvec",
        "16",
        "--hidden",
        "24",
        "--time-size",
        "10",
        "--batch",
        "8",
        "--epochs",
        epochs,
        "--eval-interval",
        "5",
        "--lr",
        lr,
        "--out",
        "target/rnnlm-test",
    ]
}

#[test]
fn help_and_bad_flags() {
    let o = run(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("--model simple|lstm|better"));
    for args in [
        &["--bogus"][..],
        &[],
        &["--corpus"],
        &["--corpus", CORPUS, "--model", "gru"],
        &["--corpus", CORPUS, "--holdout", "1.5"],
        &["--corpus", CORPUS, "--max-grad", "-1"],
        &["--corpus", CORPUS, "--batch", "0"],
        &["--corpus", CORPUS, "--generate", "5"],
        &[
            "--corpus",
            CORPUS,
            "--model",
            "better",
            "--wordvec",
            "8",
            "--hidden",
            "9",
        ],
    ] {
        assert_bad_flags("rnnlm", args);
    }
    // A run-time failure (a missing corpus) exits 1 with one line.
    let o = run(&["--corpus", "/nonexistent/corpus.txt"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/corpus.txt"));
}

#[test]
fn lstm_run_prints_the_books_lines_and_generates_its_text() {
    // At lr 20 (chaotic) the first 9 reports are the book's byte for byte.
    let o = run(&lstm_args("20"));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    // Wall-clock seconds aside (slow under emulation).
    let no_time = |l: &str| match l.split_once("| time ") {
        Some((head, rest)) => format!("{head}| time 0{}", &rest[rest.find('[').unwrap()..]),
        None => l.to_owned(),
    };
    let ours: Vec<String> = out
        .lines()
        .filter(|l| l.starts_with("| epoch"))
        .map(no_time)
        .collect();
    let theirs: Vec<&str> = PROGRESS
        .lines()
        .filter(|l| l.starts_with("| epoch"))
        .collect();
    // 27 reports per epoch.
    assert_eq!(ours.len(), theirs.len() / 3 * lstm_epochs());
    assert_eq!(ours[..9], theirs[..9]);
    assert!(
        out.contains("evaluating perplexity ...\n\r0 / 3\r1 / 3\r2 / 3\n"),
        "{out}"
    );
    assert!(out.contains("tokens_per_s="), "{out}");

    // At lr 5: --ppl-csv and the test perplexity follow numpy's run, and
    // 30 generated words are the book's.
    let dir = TempDir::new("rnnlm-cli");
    let csv = dir.path().join("ppl.csv");
    let mut args = lstm_args("5");
    let csv_s = csv.to_str().unwrap().to_owned();
    args.extend(["--quiet", "--generate", "30", "--start", "the", "--ppl-csv"]);
    let mut args: Vec<String> = args.into_iter().map(String::from).collect();
    args.push(csv_s);
    let o = command_for("rnnlm").args(&args).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    let f = Fixtures::parse(include_str!("fixtures/rnnlm_runs.txt"));
    let ppl: Vec<f64> = std::fs::read_to_string(&csv)
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    let want = f.f64s("lstm_lr5.s0.ppl");
    assert_eq!(ppl.len(), want.len() / 3 * lstm_epochs());
    for (i, (g, w)) in ppl.iter().zip(&want).enumerate() {
        assert!((g - w).abs() / w < 1e-4, "ppl[{i}]: {g} vs numpy {w}");
    }
    if lstm_epochs() < 3 {
        return; // the test perplexity and the words follow the whole run
    }
    let test_line = out
        .lines()
        .find(|l| l.starts_with("test perplexity:  "))
        .expect(&out);
    let test: f64 = test_line["test perplexity:  ".len()..].parse().unwrap();
    let want_test = f.f64s("lstm_lr5.s0.test_ppl")[0];
    assert!(
        (test - want_test).abs() / want_test < 1e-4,
        "{test} vs {want_test}"
    );
    // The generated ids as words, <eos> ending lines, as generate_text.py prints.
    let (_, vocab) = groundup::text::parse_ptb(&std::fs::read_to_string(CORPUS).unwrap());
    let words: Vec<&str> = f
        .i64s("lstm_lr5.s0.generated")
        .iter()
        .map(|&i| vocab.word(i as usize).unwrap())
        .collect();
    let text = words.join(" ").replace(" <eos>", ".\n");
    assert!(out.contains(&text), "expected:\n{text}\ngot:\n{out}");
}

#[test]
fn save_then_load_gives_the_same_test_perplexity() {
    let dir = TempDir::new("rnnlm-save");
    let path = dir.path().join("lstm.safetensors");
    let p = path.to_str().unwrap();
    let mut args = lstm_args("5");
    args.extend(["--quiet", "--save"]);
    let mut args: Vec<String> = args.into_iter().map(String::from).collect();
    args.push(p.into());
    let o = command_for("rnnlm").args(&args).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let trained = stdout(&o);
    let line = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("test perplexity"))
            .unwrap()
            .to_owned()
    };
    let mut args: Vec<String> = lstm_args("5").into_iter().map(String::from).collect();
    args.extend(["--quiet", "--epochs", "0", "--load", p].map(String::from));
    let o = command_for("rnnlm").args(&args).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(line(&stdout(&o)), line(&trained));
    // Another hidden size does not fit the file: an error naming the parameter.
    let mut args: Vec<String> = lstm_args("5").into_iter().map(String::from).collect();
    args.extend(["--hidden", "8", "--load", p].map(String::from));
    let o = command_for("rnnlm").args(&args).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("lstm."),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn better_model_validates_every_epoch_and_restores_the_best_weights() {
    let o = run(&[
        "--corpus",
        CORPUS,
        "--model",
        "better",
        "--holdout",
        "0.1",
        "--wordvec",
        "24",
        "--hidden",
        "24",
        "--time-size",
        "8",
        "--batch",
        "4",
        "--epochs",
        common::scale::pick("3", "2"),
        "--eval-interval",
        "5",
        "--quiet",
        "--out",
        "target/rnnlm-test",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    let valid: Vec<f64> = out
        .lines()
        .filter_map(|l| l.strip_prefix("valid perplexity:  "))
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(valid.len(), common::scale::pick(3, 2), "{out}");
    let best = valid.iter().cloned().fold(f64::INFINITY, f64::min);
    assert!(
        out.contains("best weights restored (valid perplexity"),
        "{out}"
    );
    assert!(out.contains(&groundup::text::py_float(best)), "{out}");
}
