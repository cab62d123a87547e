//! The `seq2seq` example's command line, run as a user would: the flag
//! contract (bad flags exit 2 with one line), a short run's accuracy lines,
//! CSVs and SVGs, `--save` / `--load` giving the same answers, and the
//! attention heat map.
//!
//! Under `GROUNDUP_TEST_SCALE=small` (the emulated targets, where the two
//! epochs take minutes) the run trains one epoch on the data set's first
//! 12 000 lines (21 iterations instead of 87): the same lines, files and
//! round trip, one accuracy line fewer.

mod common;

use common::examples::{assert_bad_flags, command_for};
use common::files::TempDir;
use std::process::Output;

const DATE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/date.txt");

fn run(args: &[&str]) -> Output {
    command_for("seq2seq").args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn help_and_bad_flags() {
    let o = run(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("--model seq2seq|peeky|attention"));
    for args in [
        &["--bogus"][..],
        &["--model", "gru"],
        &["--hidden", "0"],
        &["--max-grad", "-1"],
        &["--epochs", "x"],
        &["--attention-svg", "a.svg"],
        &["--data"],
    ] {
        assert_bad_flags("seq2seq", args);
    }
    // A run-time failure (a missing data file) exits 1 naming it.
    let o = run(&["--data", "/nonexistent/addition.txt"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/addition.txt"));
}

#[test]
fn a_short_run_writes_its_curves_and_reloads_to_the_same_answers() {
    let dir = TempDir::new("seq2seq-cli");
    let (loss, acc, weights) = (dir.join("loss.csv"), dir.join("acc.csv"), dir.join("w.st"));
    let out = dir.path().to_str().unwrap().to_owned();
    let heat = dir.join("attention.svg");
    let small = common::scale::small();
    let data = if small {
        let head: String = std::fs::read_to_string(DATE)
            .unwrap()
            .split_inclusive('\n')
            .take(12_000)
            .collect();
        let path = dir.join("date.txt");
        std::fs::write(&path, head).unwrap();
        path.to_str().unwrap().to_owned()
    } else {
        DATE.to_owned()
    };
    // load_data keeps a tenth of the lines for the test split; a batch of
    // 512 questions per iteration, a report every 20 iterations.
    let lines = std::fs::read_to_string(&data).unwrap().lines().count();
    let iters = (lines - lines / 10) / 512;
    let reports = iters.div_ceil(20);
    assert_eq!((iters, reports), if small { (21, 2) } else { (87, 5) });
    let common = [
        "--model",
        "attention",
        "--data",
        &data,
        "--reverse",
        "--wordvec",
        "8",
        "--hidden",
        "8",
        "--batch",
        "512",
        "--eval-rows",
        "64",
        "--out",
        &out,
    ];
    let epochs: usize = common::scale::pick(2, 1);
    let epochs_arg = epochs.to_string();
    let mut args: Vec<&str> = common.to_vec();
    let extra = [
        "--epochs",
        &epochs_arg,
        "--loss-csv",
        loss.to_str().unwrap(),
        "--acc-csv",
        acc.to_str().unwrap(),
        "--save",
        weights.to_str().unwrap(),
        "--attention-svg",
        heat.to_str().unwrap(),
        "--attention-row",
        "5",
    ];
    args.extend(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = stdout(&o);
    // The book's lines: progress, Q/T/mark for the first 10 rows, val acc.
    let last_report = format!(
        "| epoch {epochs} |  iter {} / {iters} |",
        (reports - 1) * 20 + 1
    );
    assert!(text.contains(&last_report), "{text}");
    assert_eq!(
        text.matches("\nQ ").count() + usize::from(text.starts_with("Q ")),
        10 * epochs
    );
    assert_eq!(text.matches("\n---\n").count(), 10 * epochs);
    let acc_lines: Vec<&str> = text.lines().filter(|l| l.starts_with("val acc ")).collect();
    assert_eq!(acc_lines.len(), epochs);
    let losses = std::fs::read_to_string(&loss).unwrap();
    assert_eq!(losses.lines().count(), reports * epochs);
    assert!(losses.lines().all(|l| l.parse::<f64>().unwrap() > 0.0));
    let accs: Vec<f64> = std::fs::read_to_string(&acc)
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert_eq!(accs.len(), epochs);
    let last = epochs - 1;
    assert_eq!(
        acc_lines[last],
        format!("val acc {:.3}%", accs[last] * 100.0)
    );
    let svg = std::fs::read_to_string(&heat).unwrap();
    // 10 answer characters (the first is the start mark) over 29 question characters.
    assert_eq!(svg.matches("<rect class=\"cell").count(), 10 * 29);
    assert!(dir.join("accuracy.svg").exists() && dir.join("loss.svg").exists());

    // Reloaded, no training: the same accuracy.
    let mut args: Vec<&str> = common.to_vec();
    args.extend(["--epochs", "0", "--load", weights.to_str().unwrap()]);
    let o = run(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let reloaded = stdout(&o);
    assert!(reloaded.contains("loaded "), "{reloaded}");
    let again: Vec<&str> = reloaded
        .lines()
        .filter(|l| l.starts_with("val acc "))
        .collect();
    assert_eq!(again, [acc_lines[last]]);
    // The same Q/T/mark lines as after the last epoch.
    let last_block = |t: &str| {
        t[t.rfind("| epoch").map_or(0, |i| i)..]
            .lines()
            .filter(|l| {
                l.starts_with("Q ") || l.starts_with('\u{2611}') || l.starts_with('\u{2612}')
            })
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(last_block(&reloaded), last_block(&text));
}
