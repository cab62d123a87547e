//! The gemm_time example (the README's per-shape timer) run as a user
//! would: one line per run naming the shape, kernel and threads with
//! figures that agree with each other, and exit code 2 with one line of
//! reason (then the usage) for a bad command line.

mod common;

use std::process::Output;

fn run(args: &[&str]) -> Output {
    common::examples::command_for("gemm_time")
        .args(args)
        .output()
        .unwrap()
}

/// The number after `key ` in `line` (e.g. `median 26.1 ns/call`).
fn after(line: &str, key: &str) -> f64 {
    let rest = &line[line
        .find(key)
        .unwrap_or_else(|| panic!("{key:?} in {line:?}"))
        + key.len()..];
    rest.split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn prints_one_line_whose_figures_agree() {
    for (args, head) in [
        (
            &["f32", "3", "7", "5", "--blocks", "3"][..],
            "float32 3x7x5 kernel=",
        ),
        (
            &[
                "f64",
                "20",
                "9",
                "4",
                "--ta",
                "--tb",
                "--kernel",
                "portable",
                "--threads",
                "2",
            ][..],
            "float64 20x9x4 --ta --tb kernel=portable threads=2:",
        ),
    ] {
        let o = run(args);
        assert!(o.status.success(), "{args:?}: {o:?}");
        let out = String::from_utf8(o.stdout).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1, "{out}");
        let line = lines[0];
        assert!(line.starts_with(head), "{line}");
        let (m, k, n) = if args[0] == "f32" {
            (3.0, 7.0, 5.0)
        } else {
            (20.0, 9.0, 4.0)
        };
        let flops = 2.0 * m * k * n;
        for (ns_key, gf_key) in [("median ", "ns/call "), ("best ", "ns/call ")] {
            let ns = after(line, ns_key);
            let gflops = after(&line[line.find(ns_key).unwrap()..], gf_key);
            assert!(ns > 0.0, "{line}");
            // GFLOP/s = flops / ns, both as printed (ns to 0.1, so to
            // within 0.05 / ns relative; GFLOP/s to 0.01).
            let want = flops / ns;
            let tol = 0.006 + want * 0.051 / ns;
            assert!((gflops - want).abs() <= tol, "{line}: {gflops} vs {want}");
        }
        assert!(after(line, "best ") <= after(line, "median "), "{line}");
    }
}

#[test]
fn a_bad_command_line_exits_2_naming_the_problem() {
    for (args, reason) in [
        (
            &["f16", "1", "2", "3"][..],
            "DTYPE \"f16\": expected f32 or f64",
        ),
        (
            &["f32", "1", "2"][..],
            "expected DTYPE M K N, got 3 argument(s)",
        ),
        (
            &["f32", "1", "0", "3"][..],
            "K \"0\": expected a whole number ≥ 1",
        ),
        (
            &["f32", "1", "2", "3", "--threads", "0"][..],
            "--threads must be at least 1",
        ),
        (
            &["f32", "1", "2", "3", "--kernel", "sse"][..],
            "--kernel \"sse\": expected auto",
        ),
        (
            &["f32", "1", "2", "3", "--speed"][..],
            "unknown option --speed",
        ),
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {o:?}");
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(
            err.starts_with(&format!("error: {reason}")),
            "{args:?}: {err}"
        );
        assert!(err.contains("usage: gemm_time"), "{err}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}
