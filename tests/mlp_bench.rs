//! The mlp-bench workload reproduces numpy's float32 reference
//! (tests/fixtures/mlp_bench_golden.json, made by scripts/gen_mlp_golden.sh):
//! the data and initial weights exactly, and the loss of every one of the
//! 105 steps within MLP_BENCH.md's tolerance (1e-5 for steps 0–4, 5e-4 for
//! all), for every kernel and 1 and 2 threads.
//!
//! Under `GROUNDUP_TEST_SCALE=small` (emulated targets, see `tests/common/scale.rs`;
//! each step is 1.4 GFLOP, seconds under qemu) every kernel and thread
//! count runs the first 2 steps instead of 105 (or 5): the same products,
//! the forward, backward and update passes, checked against the tighter
//! early tolerance.

mod common;

use common::{kernels, scale};
use groundup::data::mlp_bench;
use groundup::gemm;
use groundup::layers::Targets;
use groundup::model::Model;
use groundup::optim::{Optimizer, Sgd};

fn golden(key: &str) -> Vec<f64> {
    let json = include_str!("fixtures/mlp_bench_golden.json");
    let pat = format!("\"{key}\":[");
    let start = json.find(&pat).unwrap_or_else(|| panic!("{key} in golden")) + pat.len();
    let end = start + json[start..].find(']').unwrap();
    json[start..end]
        .split(',')
        .map(|v| v.trim().parse().unwrap())
        .collect()
}

#[test]
fn data_and_weights_match_numpy_and_losses_track_the_reference() {
    let (x, t, mut rng) = mlp_bench::data();
    let w = mlp_bench::weights(&mut rng);
    let first8: Vec<f64> = x.row(0)[..8].iter().map(|&v| v as f64).collect();
    assert_eq!(first8, golden("x_first8"));
    let t32: Vec<f64> = t[..32].iter().map(|&v| v as f64).collect();
    assert_eq!(t32, golden("t_first32"));
    for (i, key) in ["W1_first8", "W2_first8", "W3_first8"].iter().enumerate() {
        let got: Vec<f64> = w[i].row(0)[..8].iter().map(|&v| v as f64).collect();
        assert_eq!(got, golden(key), "{key}");
    }
    let want = golden("loss_per_step");
    assert_eq!(want.len(), 105);
    // The full 105 steps for the default kernel on 1 and 2 threads; the first
    // 5 for every other kernel (each step is 1.4 GFLOP).
    for kernel in kernels::available() {
        for threads in [1, 2] {
            let steps = if scale::small() {
                2
            } else if kernel == kernels::selected() {
                105
            } else {
                5
            };
            let config = gemm::Config { kernel, threads };
            let mut model = mlp_bench::model(&w);
            let mut sgd = Sgd::new(mlp_bench::LR);
            let mut max_dev = 0.0f64;
            gemm::with_config(config, || {
                for (s, &want) in want.iter().enumerate().take(steps) {
                    let rows = mlp_bench::batch_rows(s);
                    let loss =
                        model.forward(x.rows_view(rows.clone()), Targets::Indices(&t[rows])) as f64;
                    model.backward();
                    sgd.update(&mut model);
                    let dev = (loss - want).abs();
                    max_dev = max_dev.max(dev);
                    let tol = if s < 5 { 1e-5 } else { 5e-4 };
                    assert!(
                        dev <= tol,
                        "{kernel:?} threads={threads} step {s}: loss {loss} vs numpy {want}"
                    );
                }
            });
            println!(
                "{kernel:?} threads={threads}: {steps} steps, max |loss - numpy| = {max_dev:.2e}"
            );
        }
    }
}
