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
//! Before and after the timed steps it measures the FMA peak of as many
//! cores as threads ([`Kernel::fma_peak_gflops`]) and prints the step's
//! GFLOP/s as a percentage of the higher of the two.
//!
//! ```sh
//! cargo run --release --example mlp_bench -- --threads 1
//! ```
//! Every step's loss is compared with the numpy reference
//! (tests/fixtures/mlp_bench_golden.json); a mismatch is reported and the
//! exit code is 1, so a wrong-but-fast run cannot pass unnoticed.
//!
//! `--breakdown` instead profiles one training step: the same layers run
//! one call at a time, each call timed (median over `--steps` steps), then
//! each of the eight products alone at its shape and transposes (the ninth
//! of numpy's step, the input gradient dout·W1ᵀ, is not computed: see
//! `Model::backward_params`), so the table shows where a step's time goes
//! and what the GEMM costs by itself.
//!
//! The SGD step is folded into the backward pass
//! ([`Sequential::backward_sgd`](groundup::model::Sequential::backward_sgd):
//! each weight is updated by the store of its gradient's product, bit for
//! bit as the two passes). `--two-pass` runs the book's order instead:
//! `backward_params`, then `Sgd::update` over all six parameters.

#[macro_use]
#[path = "common/out.rs"]
mod out;

use groundup::data::mlp_bench::{self, BATCH, WARMUP, WIDTHS};
use groundup::gemm::{self, Kernel};
use groundup::layers::Targets;
use groundup::model::Model;
use groundup::optim::{Optimizer, Sgd};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: cargo run --release --example mlp_bench -- [--threads N] [--steps N] [--warmup N] [--repeat N] [--breakdown] [--two-pass]";

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

/// The f32 FMA peak of `threads` cores at once (each thread's median,
/// summed), over 0.3 s; `None` for the portable kernel.
fn fma_peak(threads: usize) -> Option<f64> {
    let kernel = Kernel::selected();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| s.spawn(move || kernel.fma_peak_gflops(groundup::DType::F32, 0.3)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

fn main() -> ExitCode {
    let (mut threads, mut steps, mut warmup, mut repeat) =
        (gemm::threads(), mlp_bench::STEPS, WARMUP, 3usize);
    let mut breakdown = false;
    let mut two_pass = false;
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
            "--breakdown" => {
                breakdown = true;
                continue;
            }
            "--two-pass" => {
                two_pass = true;
                continue;
            }
            "--help" | "-h" => {
                outln!("{USAGE}");
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
    if breakdown {
        profile::run(steps, threads, two_pass);
        return ExitCode::SUCCESS;
    }

    let (x, t, mut rng) = mlp_bench::data();
    let weights = mlp_bench::weights(&mut rng);
    let golden = golden_losses();
    let peak_before = fma_peak(threads);
    let mut times = Vec::new();
    let mut losses = Vec::new();
    for _ in 0..repeat {
        let mut model = mlp_bench::model(&weights);
        let mut sgd = Sgd::new(mlp_bench::LR);
        losses.clear();
        let mut step = |s: usize, model: &mut groundup::model::Sequential<f32>| {
            let rows = mlp_bench::batch_rows(s);
            let loss = model.forward(x.rows_view(rows.clone()), Targets::Indices(&t[rows]));
            if two_pass {
                model.backward_params();
                sgd.update(model);
            } else {
                model.backward_sgd(&sgd);
            }
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
    let peak_after = fma_peak(threads);

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
    outln!(
        "loss check vs numpy over {compared} steps: max |diff| {max_dev:.2e} (tolerance {TOL_FIRST:e} first 5, {TOL_ALL:e} all): {}",
        if ok { "ok" } else { "FAILED" }
    );
    // numpy's step does nine products (1.43 GFLOP, the workload's count);
    // this one skips the input gradient dout·W1ᵀ (Model::backward_params),
    // as PyTorch does for an input without requires_grad.
    let done = mlp_bench::FLOPS_PER_STEP - 2 * BATCH * WIDTHS[0] * WIDTHS[1];
    let rate = |flops: usize| flops as f64 * steps as f64 / median / 1e9;
    let (counted, performed) = (rate(mlp_bench::FLOPS_PER_STEP), rate(done));
    outln!(
        "median of {repeat} x {steps} steps: {:.3} s; {counted:.1} GFLOP/s by the workload's count \
         ({:.2} GFLOP a step), {performed:.1} GFLOP/s of products done ({:.2} GFLOP: no input gradient); \
         load average {}",
        median,
        mlp_bench::FLOPS_PER_STEP as f64 / 1e9,
        done as f64 / 1e9,
        std::fs::read_to_string("/proc/loadavg").map_or("?".into(), |s| s
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "))
    );
    match (peak_before, peak_after) {
        (Some(before), Some(after)) => {
            let peak = before.max(after);
            outln!(
                "FMA peak ({threads} thread{}, f32): {before:.1} GFLOP/s before, {after:.1} after; \
                 the step is at {:.1} % of the higher by the workload's count ({:.1} steps/s would be 100 %), \
                 its products at {:.1} %",
                if threads == 1 { "" } else { "s" },
                100.0 * counted / peak,
                peak * 1e9 / mlp_bench::FLOPS_PER_STEP as f64,
                100.0 * performed / peak,
            );
        }
        _ => outln!(
            "FMA peak: not measured (the {} kernel has no vector FMA loop)",
            Kernel::selected().name()
        ),
    }
    outln!(
        "steps_per_s={:.2} samples_per_s={:.0} ms_per_step={:.2} peak_rss_mb={:.1} threads={} kernel={} final_loss={:.6} sgd={}",
        steps as f64 / median,
        (steps * BATCH) as f64 / median,
        median * 1e3 / steps as f64,
        peak_rss_mb(),
        threads,
        Kernel::selected().name(),
        losses.last().copied().unwrap_or(f32::NAN),
        if two_pass { "two-pass" } else { "folded" }
    );
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `--breakdown`: one training step, call by call.
mod profile {
    use groundup::data::mlp_bench::{self, BATCH, WIDTHS};
    use groundup::gemm::Transpose;
    use groundup::layers::{Affine, Layer, LossLayer, ReLU, SoftmaxWithLoss, Targets};
    use groundup::optim::{Optimizer, Sgd};
    use groundup::Matrix;
    use std::time::Instant;

    /// Median of `samples` (seconds).
    fn median(mut samples: Vec<f64>) -> f64 {
        samples.sort_by(f64::total_cmp);
        samples[samples.len() / 2]
    }

    /// Times `f` once.
    fn time<R>(f: impl FnOnce() -> R) -> (f64, R) {
        let t = Instant::now();
        let r = f();
        (t.elapsed().as_secs_f64(), r)
    }

    pub fn run(steps: usize, threads: usize, two_pass: bool) {
        let (x, t, mut rng) = mlp_bench::data();
        let weights = mlp_bench::weights(&mut rng);
        let affine = |w: &Matrix<f32>| Affine::new(w.clone(), Matrix::zeros(1, w.cols()));
        let mut a = [
            affine(&weights[0]),
            affine(&weights[1]),
            affine(&weights[2]),
        ];
        let mut relu = [ReLU::new(), ReLU::new()];
        let mut loss = SoftmaxWithLoss::new();
        let mut sgd = Sgd::new(mlp_bench::LR);

        // Row names, in step order; each collects one time per step.
        let mut names = [
            "affine1 forward (x·W1 + b1, saves x)",
            "relu1 forward",
            "affine2 forward (h1·W2 + b2, saves h1)",
            "relu2 forward",
            "affine3 forward (h2·W3 + b3, saves h2)",
            "softmax-with-loss forward",
            "softmax-with-loss backward",
            "affine3 backward (dout·W3ᵀ, h2ᵀ·dout, db3)",
            "relu2 backward",
            "affine2 backward (dout·W2ᵀ, h1ᵀ·dout, db2)",
            "relu1 backward",
            "affine1 backward_params (xᵀ·dout, db1; no dout·W1ᵀ)",
            "SGD update (6 parameters)",
        ];
        if !two_pass {
            names[7] = "affine3 backward_sgd (dout·W3ᵀ; W3 −= lr·h2ᵀ·dout; b3)";
            names[9] = "affine2 backward_sgd (dout·W2ᵀ; W2 −= lr·h1ᵀ·dout; b2)";
            names[11] = "affine1 backward_sgd (W1 −= lr·xᵀ·dout; b1; no dout·W1ᵀ)";
            names[12] = "SGD update (folded into the three rows above)";
        }
        let lr = mlp_bench::LR as f32;
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
        let mut whole = Vec::new();
        for s in 0..mlp_bench::WARMUP + steps {
            let rows = mlp_bench::batch_rows(s);
            let mut row = [0.0f64; 13];
            let mut whole_step = 0.0;
            // Times one call; the copy of its output (so the next layer can
            // borrow it while this one stays borrowed) is not timed.
            macro_rules! call {
                ($k:expr, $e:expr) => {{
                    let t = Instant::now();
                    let out = $e;
                    row[$k] = t.elapsed().as_secs_f64();
                    whole_step += row[$k];
                    out.clone()
                }};
            }
            let h = call!(0, a[0].forward(x.rows_view(rows.clone())));
            let h = call!(1, relu[0].forward(h.view()));
            let h = call!(2, a[1].forward(h.view()));
            let h = call!(3, relu[1].forward(h.view()));
            let h = call!(4, a[2].forward(h.view()));
            let _ = call!(
                5,
                loss.forward(h.view(), Targets::Indices(&t[rows.clone()]))
            );
            let d = call!(6, loss.backward(1.0));
            if !two_pass {
                let d = call!(7, a[2].backward_sgd(d.view(), lr, true).expect("dx"));
                let d = call!(8, relu[1].backward(d.view()));
                let d = call!(9, a[1].backward_sgd(d.view(), lr, true).expect("dx"));
                let d = call!(10, relu[0].backward(d.view()));
                let _ = call!(11, a[0].backward_sgd(d.view(), lr, false));
            } else {
                let d = call!(7, a[2].backward(d.view()));
                let d = call!(8, relu[1].backward(d.view()));
                let d = call!(9, a[1].backward(d.view()));
                let d = call!(10, relu[0].backward(d.view()));
                let _: () = call!(11, a[0].backward_params(d.view()));
                let _: () = call!(12, {
                    Optimizer::<f32>::begin_update(&mut sgd);
                    let mut i = 0;
                    for layer in a.iter_mut() {
                        for p in layer.params_mut() {
                            sgd.update_param(i, p);
                            i += 1;
                        }
                    }
                });
            }
            let total = whole_step;
            if s >= mlp_bench::WARMUP {
                for (k, v) in row.iter().enumerate() {
                    times[k].push(*v);
                }
                whole.push(total);
            }
        }
        let step = median(whole);
        // The products this step does: numpy's nine minus dout·W1ᵀ.
        let flops = (mlp_bench::FLOPS_PER_STEP - 2 * BATCH * WIDTHS[0] * WIDTHS[1]) as f64;
        outln!(
            "one mlp-bench training step, call by call ({threads} thread{}; median of {steps} steps)",
            if threads == 1 { "" } else { "s" }
        );
        outln!();
        outln!("| call | ms | % of step |");
        outln!("|---|---:|---:|");
        let mut sum = 0.0;
        for (name, samples) in names.iter().zip(times) {
            let m = median(samples);
            sum += m;
            outln!("| {name} | {:.3} | {:.1} |", m * 1e3, 100.0 * m / step);
        }
        outln!(
            "| **step** (median of the per-step sums; sum of the medians {:.3} ms) | {:.3} | 100 |",
            sum * 1e3,
            step * 1e3
        );
        outln!();

        // The eight products alone, shapes and transposes as the layers pass them.
        let (b, w) = (BATCH, WIDTHS);
        let n = Transpose::No;
        let y = Transpose::Yes;
        // (name, m, n, k, A rows x cols as stored, op A, B stored, op B)
        let products = [
            ("x·W1 (forward 1)", (b, w[0]), n, (w[0], w[1]), n),
            ("h1·W2 (forward 2)", (b, w[1]), n, (w[1], w[2]), n),
            ("h2·W3 (forward 3)", (b, w[2]), n, (w[2], w[3]), n),
            ("dout·W3ᵀ (dx 3)", (b, w[3]), n, (w[2], w[3]), y),
            ("h2ᵀ·dout (dW 3)", (b, w[2]), y, (b, w[3]), n),
            ("dout·W2ᵀ (dx 2)", (b, w[2]), n, (w[1], w[2]), y),
            ("h1ᵀ·dout (dW 2)", (b, w[1]), y, (b, w[2]), n),
            ("xᵀ·dout (dW 1)", (b, w[0]), y, (b, w[1]), n),
        ];
        outln!("the eight products alone (median of {steps} calls each)");
        outln!();
        let peak = super::fma_peak(threads);
        let of_peak =
            |gflops: f64| peak.map_or("—".to_string(), |p| format!("{:.1}", 100.0 * gflops / p));
        match peak {
            Some(p) => {
                outln!("FMA peak of {threads} thread(s), f32, measured now: {p:.1} GFLOP/s")
            }
            None => outln!("FMA peak: not measured (portable kernel)"),
        }
        outln!();
        outln!("| product | m × n × k | ms | GFLOP/s | % of peak | % of the step's GEMM time |");
        outln!("|---|---|---:|---:|---:|---:|");
        let mut gemm_total = 0.0;
        let mut rows_out = Vec::new();
        for (name, sa, op_a, sb, op_b) in products {
            let am = Matrix::from_fn(sa.0, sa.1, |_, _| rng.randn() as f32);
            let bm = Matrix::from_fn(sb.0, sb.1, |_, _| rng.randn() as f32);
            let (m, k) = op_a.apply(sa);
            let (_, nn) = op_b.apply(sb);
            let mut c = Matrix::<f32>::zeros(m, nn);
            let samples: Vec<f64> = (0..steps.max(5))
                .map(|_| time(|| c.gemm(1.0, &am, op_a, &bm, op_b, 0.0)).0)
                .collect();
            let t = median(samples);
            gemm_total += t;
            rows_out.push((name, m, nn, k, t));
        }
        for (name, m, nn, k, t) in rows_out {
            let gflops = 2.0 * (m * nn * k) as f64 / t / 1e9;
            outln!(
                "| {name} | {m} × {nn} × {k} | {:.3} | {gflops:.1} | {} | {:.1} |",
                t * 1e3,
                of_peak(gflops),
                100.0 * t / gemm_total
            );
        }
        outln!(
            "| **all eight** | | {:.3} | {:.1} | {} | 100 |",
            gemm_total * 1e3,
            flops / gemm_total / 1e9,
            of_peak(flops / gemm_total / 1e9)
        );
        outln!();
        outln!(
            "products alone {:.3} ms = {:.1} % of the step; the rest, {:.3} ms ({:.1} %), is everything else \
             (bias adds, saved inputs, ReLU, softmax, SGD)",
            gemm_total * 1e3,
            100.0 * gemm_total / step,
            (step - gemm_total) * 1e3,
            100.0 * (step - gemm_total) / step
        );
    }
}
