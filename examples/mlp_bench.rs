//! The **mlp-bench** workload (see `groundup::data::mlp_bench` and the
//! project's MLP_BENCH.md): f32 784→1024→1024→10 ReLU MLP, SoftmaxWithLoss,
//! SGD, batch 128, numpy-exact synthetic data. Times `--steps` training steps
//! after `--warmup` steps, `--repeat` times from the initial weights, and
//! prints the median as the last line:
//!
//! ```text
//! steps_per_s=… samples_per_s=… ms_per_step=… peak_rss_mb=… threads=… kernel=… final_loss=…
//! ```
//!
//! ```sh
//! cargo run --release --example mlp_bench -- --threads 1
//! ```
//! Every step's loss is compared with the numpy reference
//! (tests/fixtures/mlp_bench_golden.json); a mismatch is reported and the
//! exit code is 1, so a wrong-but-fast run cannot pass unnoticed.

use groundup::data::mlp_bench::{self, BATCH, WARMUP};
use groundup::gemm::{self, Kernel};
use groundup::layers::Targets;
use groundup::model::Model;
use groundup::optim::{Optimizer, Sgd};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: cargo run --release --example mlp_bench -- [--threads N] [--steps N] [--warmup N] [--repeat N]";

/// Tolerance of MLP_BENCH.md: |loss − numpy| ≤ 1e-5 for the first 5 steps,
/// ≤ 5e-4 for all of them.
const TOL_FIRST: f64 = 1e-5;
const TOL_ALL: f64 = 5e-4;

fn golden_losses() -> Vec<f64> {
    let json = include_str!("../tests/fixtures/mlp_bench_golden.json");
    let start = json
        .find("\"loss_per_step\":[")
        .expect("golden has loss_per_step")
        + "\"loss_per_step\":[".len();
    let end = start + json[start..].find(']').expect("array ends");
    json[start..end]
        .split(',')
        .map(|v| v.trim().parse().expect("a number"))
        .collect()
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() -> ExitCode {
    let (mut threads, mut steps, mut warmup, mut repeat) =
        (gemm::threads(), mlp_bench::STEPS, WARMUP, 3usize);
    let argv: Result<Vec<String>, _> = std::env::args_os()
        .skip(1)
        .map(|a| a.into_string())
        .collect();
    let mut args = match argv {
        Ok(argv) => argv.into_iter(),
        Err(bad) => {
            eprintln!(
                "error: argument {:?} is not valid UTF-8\n\n{USAGE}",
                bad.to_string_lossy()
            );
            return ExitCode::from(2);
        }
    };
    while let Some(flag) = args.next() {
        let target = match flag.as_str() {
            "--threads" => &mut threads,
            "--steps" => &mut steps,
            "--warmup" => &mut warmup,
            "--repeat" => &mut repeat,
            "--help" | "-h" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("error: unknown argument {other:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        };
        match args.next().and_then(|v| v.parse::<usize>().ok()) {
            Some(v) if v > 0 || flag == "--warmup" => *target = v,
            _ => {
                eprintln!("error: {flag} needs a positive whole number\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    gemm::set_threads(threads);

    let (x, t, mut rng) = mlp_bench::data();
    let weights = mlp_bench::weights(&mut rng);
    let golden = golden_losses();
    let mut times = Vec::new();
    let mut losses = Vec::new();
    for _ in 0..repeat {
        let mut model = mlp_bench::model(&weights);
        let mut sgd = Sgd::new(mlp_bench::LR);
        losses.clear();
        let mut step = |s: usize, model: &mut groundup::model::Sequential<f32>| {
            let rows = mlp_bench::batch_rows(s);
            let loss = model.forward(x.rows_view(rows.clone()), Targets::Indices(&t[rows]));
            model.backward();
            sgd.update(model);
            loss
        };
        for s in 0..warmup {
            losses.push(step(s, &mut model));
        }
        let started = Instant::now();
        for s in warmup..warmup + steps {
            losses.push(step(s, &mut model));
        }
        times.push(started.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];

    // Correctness against numpy, over the steps both runs have.
    let mut ok = true;
    let mut max_dev = 0.0f64;
    for (s, (&ours, &want)) in losses.iter().zip(&golden).enumerate() {
        let dev = (ours as f64 - want).abs();
        max_dev = max_dev.max(dev);
        let tol = if s < 5 { TOL_FIRST } else { TOL_ALL };
        if dev.is_nan() || dev > tol {
            eprintln!(
                "MISMATCH at step {s}: loss {ours} vs numpy {want} (|diff| {dev:.2e} > {tol:e})"
            );
            ok = false;
        }
    }
    let compared = losses.len().min(golden.len());
    println!(
        "loss check vs numpy over {compared} steps: max |diff| {max_dev:.2e} (tolerance {TOL_FIRST:e} first 5, {TOL_ALL:e} all): {}",
        if ok { "ok" } else { "FAILED" }
    );
    println!(
        "median of {repeat} x {steps} steps: {:.3} s; {:.1} GFLOP/s in GEMMs; load average {}",
        median,
        mlp_bench::FLOPS_PER_STEP as f64 * steps as f64 / median / 1e9,
        std::fs::read_to_string("/proc/loadavg").map_or("?".into(), |s| s
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "))
    );
    println!(
        "steps_per_s={:.2} samples_per_s={:.0} ms_per_step={:.2} peak_rss_mb={:.1} threads={} kernel={} final_loss={:.6}",
        steps as f64 / median,
        (steps * BATCH) as f64 / median,
        median * 1e3 / steps as f64,
        peak_rss_mb(),
        threads,
        Kernel::selected().name(),
        losses.last().copied().unwrap_or(f32::NAN)
    );
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
