//! The spiral example's command line, run as a user would (cargo builds the
//! examples before the tests): flags, exit codes, the summary line, the loss
//! CSV, and a --save / --load round trip that reproduces the predictions;
//! also the examples' shared argument handling (non-UTF-8 arguments) and
//! `train_csv`'s check of user labels.

mod common;

use common::examples::command_for;
use common::files::TempDir;
use std::process::{Command, Output};

/// The spiral example's command (see [`common::examples::command_for`]).
fn command() -> Command {
    command_for("spiral")
}

fn run(args: &[&str]) -> Output {
    command().args(args).output().unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A fresh directory, removed when the test ends (pass or fail).
fn tempdir(name: &str) -> TempDir {
    TempDir::new(&format!("spiral-cli-{name}"))
}

#[test]
fn bad_flags_exit_2_with_a_reason_and_the_usage() {
    for args in [
        &["--bogus"][..],
        &["--lr", "abc"],
        &["--dtype", "f16"],
        &["--batch", "0"],
        &["--optimizer", "adamw"],
        &["--epochs"],
    ] {
        let o = run(args);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {out}{err}");
        assert!(
            err.starts_with("error: ") && err.contains("usage:"),
            "{args:?}: {err}"
        );
    }
    let o = run(&["--help"]);
    assert!(o.status.success() && text(&o).0.contains("--max-grad"));
}

#[test]
fn training_prints_progress_summary_and_writes_files() {
    let dir = tempdir("train");
    let csv = dir.join("loss.csv");
    let o = run(&[
        "--epochs",
        "20",
        "--out",
        dir.path().to_str().unwrap(),
        "--loss-csv",
        csv.to_str().unwrap(),
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    let progress: Vec<&str> = out.lines().filter(|l| l.starts_with("| epoch")).collect();
    assert_eq!(progress.len(), 20);
    assert!(
        progress[0].starts_with("| epoch 1 |  iter 1 / 10 | time 0[s] | loss 1.1"),
        "{}",
        progress[0]
    );
    assert!(out.lines().any(|l| l.starts_with("accuracy 0.")), "{out}");
    for f in ["loss.svg", "decision_boundary.svg"] {
        assert!(
            std::fs::read_to_string(dir.join(f))
                .unwrap()
                .contains("<svg xmlns"),
            "{f}"
        );
    }
    let lines: Vec<String> = std::fs::read_to_string(&csv)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(lines[0], "epoch,iter,loss");
    assert_eq!(lines.len(), 1 + 20 * 10);
    let last: Vec<&str> = lines[200].split(',').collect();
    assert_eq!((last[0], last[1]), ("20", "10"));
    assert!(last[2].parse::<f64>().unwrap().is_finite());
}

fn accuracy_line(out: &str) -> String {
    out.lines()
        .find(|l| l.starts_with("accuracy"))
        .unwrap()
        .to_string()
}

#[test]
fn save_then_load_reproduces_the_evaluation() {
    let dir = tempdir("save");
    let weights = dir.join("net.safetensors");
    let w = weights.to_str().unwrap();
    let out_dir = dir.path().to_str().unwrap();
    for dtype in ["f64", "f32"] {
        let trained = run(&[
            "--quiet", "--dtype", dtype, "--epochs", "30", "--save", w, "--out", out_dir,
        ]);
        assert!(trained.status.success(), "{:?}", text(&trained));
        let loaded = run(&[
            "--dtype", dtype, "--epochs", "0", "--load", w, "--out", out_dir,
        ]);
        let (out, err) = text(&loaded);
        assert!(loaded.status.success(), "{out}{err}");
        assert_eq!(
            accuracy_line(&out),
            accuracy_line(&text(&trained).0),
            "{dtype}"
        );
        // the evaluation loss on all points matches the trained model's
        let loss = |s: &str| {
            s.lines()
                .find(|l| l.contains("on all 300 points"))
                .map(|l| {
                    l.split(" on all")
                        .next()
                        .unwrap()
                        .rsplit(' ')
                        .next()
                        .unwrap()
                        .to_string()
                })
        };
        assert_eq!(loss(&out), loss(&text(&trained).0), "{dtype}");
    }
}

#[test]
fn bad_files_and_paths_end_with_one_line_and_exit_1() {
    let dir = tempdir("bad");
    let garbage = dir.join("garbage.safetensors");
    std::fs::write(&garbage, b"\x10\x00\x00\x00\x00\x00\x00\x00{not json").unwrap();
    let cases: [(&[&str], &str); 3] = [
        (
            &["--epochs", "0", "--load", "/nonexistent/w.safetensors"],
            "/nonexistent/w.safetensors",
        ),
        (
            &["--epochs", "0", "--load", garbage.to_str().unwrap()],
            "safetensors",
        ),
        (
            &[
                "--quiet",
                "--epochs",
                "1",
                "--save",
                "/nonexistent/dir/w.safetensors",
            ],
            "/nonexistent/dir",
        ),
    ];
    for (args, needle) in cases {
        let o = run(args);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.starts_with("error: ") && err.contains(needle),
            "{args:?}: {err}"
        );
    }
    // The wrong dtype is named.
    let w = dir.join("f64.safetensors");
    assert!(run(&[
        "--quiet",
        "--epochs",
        "1",
        "--save",
        w.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap()
    ])
    .status
    .success());
    let o = run(&[
        "--dtype",
        "f32",
        "--epochs",
        "0",
        "--load",
        w.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).1.contains("float64"), "{}", text(&o).1);
}

#[cfg(unix)]
#[test]
fn a_non_utf8_argument_exits_2_naming_it() {
    use std::os::unix::ffi::OsStrExt;
    let bad = std::ffi::OsStr::from_bytes(b"target/\xff");
    let out = command().arg("--out").arg(bad).output().unwrap();
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("error: argument 2 ") && err.contains("not valid UTF-8"),
        "{err}"
    );
}

#[test]
fn train_csv_rejects_a_label_beyond_the_row_count() {
    let dir = tempdir("labels");
    for (label, shown) in [
        ("1000000000", "label 1000000000"),
        ("18446744073709551615", "label 18446744073709551615"),
    ] {
        let csv = dir.join("huge_label.csv");
        std::fs::write(&csv, format!("a,b,label\n1,2,0\n3,4,{label}\n5,6,1\n")).unwrap();
        let out = command_for("train_csv")
            .args([
                "--data",
                csv.to_str().unwrap(),
                "--test-rows",
                "1",
                "--batch",
                "1",
            ])
            .output()
            .unwrap();
        let (_, err) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        // Where the label does not even fit `usize` (u64::MAX on a 32-bit
        // target) the CSV reader rejects it first, naming line and column.
        let located = err.contains("data row 2 is not below the number of rows (3)")
            || (err.contains("CSV line 3, column 3") && err.contains("too large"));
        assert!(
            err.contains(shown.trim_start_matches("label ")) && located,
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

/// `spiral | head` closes the pipe while the run still prints: the examples
/// end quietly with status 0 (their `outln!`) instead of panicking on the
/// broken pipe. The pipe is closed before the child has started, so every
/// line it prints meets a closed pipe.
#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    use std::process::Stdio;
    for (name, args) in [
        ("spiral", &["--epochs", "3"][..]),
        ("show_spiral_dataset", &[][..]),
        ("forward_net", &[][..]),
    ] {
        let dir = tempdir(&format!("pipe-{name}"));
        let mut child = common::examples::command_for(name)
            .args(args)
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            o.status.success() && !err.contains("panicked"),
            "{name}: {:?}\n{err}",
            o.status
        );
    }
}
