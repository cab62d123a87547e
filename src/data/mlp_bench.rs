//! The **mlp-bench** workload (the project's `MLP_BENCH.md`): a GEMM-bound
//! float32 MLP, 784 → 1024 → 1024 → 10 with ReLU and SoftmaxWithLoss,
//! trained with SGD (lr 0.01) on batches of 128 synthetic samples.
//!
//! Everything comes from one numpy-exact `RandomState(0)` stream, in this
//! order: `x = randn(12800, 784)` rounded to f32, `t = randint(0, 10,
//! 12800)`, then for each layer `W = (randn(fan_in, fan_out) ·
//! sqrt(2/fan_in))` computed in f64 and rounded to f32 (He initialisation),
//! `b = 0`. Step `s` uses rows `(s mod 100)·128 ..` of x and t, unshuffled.

use crate::layers::{Affine, ReLU, SoftmaxWithLoss};
use crate::matrix::Matrix;
use crate::model::Sequential;
use crate::rng::RandomState;

/// Number of samples.
pub const SAMPLES: usize = 12800;
/// Layer widths: input, two hidden layers, classes.
pub const WIDTHS: [usize; 4] = [784, 1024, 1024, 10];
/// Rows per step.
pub const BATCH: usize = 128;
/// SGD learning rate (rounded to f32 when applied).
pub const LR: f64 = 0.01;
/// Warm-up steps before timing.
pub const WARMUP: usize = 5;
/// Timed steps.
pub const STEPS: usize = 100;
/// GEMM flops per step: 2·128·(784·1024 + 1024·1024 + 1024·10), three times
/// (forward, dW, dx).
pub const FLOPS_PER_STEP: usize = 3 * 2 * BATCH * (784 * 1024 + 1024 * 1024 + 1024 * 10);

/// The synthetic data set and the stream positioned after it (ready to draw
/// the weights): `(x: 12800×784 f32, t: 12800 labels in 0..10, rng)`.
pub fn data() -> (Matrix<f32>, Vec<usize>, RandomState) {
    let mut rng = RandomState::new(0);
    let mut normals = vec![0.0f64; SAMPLES * WIDTHS[0]];
    rng.standard_normal_fill(&mut normals);
    let x = Matrix::from_vec(
        SAMPLES,
        WIDTHS[0],
        normals.iter().map(|&v| v as f32).collect(),
    )
    .expect("shape matches by construction");
    let mut labels = vec![0i64; SAMPLES];
    rng.randint_fill(0, 10, &mut labels);
    let t = labels.iter().map(|&v| v as usize).collect();
    (x, t, rng)
}

/// The He-initialised weights `(W1, W2, W3)` drawn from `rng`.
pub fn weights(rng: &mut RandomState) -> [Matrix<f32>; 3] {
    let mut layer = |fan_in: usize, fan_out: usize| {
        let scale = (2.0 / fan_in as f64).sqrt();
        Matrix::from_fn(fan_in, fan_out, |_, _| (rng.randn() * scale) as f32)
    };
    [
        layer(WIDTHS[0], WIDTHS[1]),
        layer(WIDTHS[1], WIDTHS[2]),
        layer(WIDTHS[2], WIDTHS[3]),
    ]
}

/// The network with the given weights and zero biases.
pub fn model(weights: &[Matrix<f32>; 3]) -> Sequential<f32> {
    let affine = |w: &Matrix<f32>| Affine::new(w.clone(), Matrix::zeros(1, w.cols()));
    Sequential::new(SoftmaxWithLoss::new())
        .with(affine(&weights[0]))
        .with(ReLU::new())
        .with(affine(&weights[1]))
        .with(ReLU::new())
        .with(affine(&weights[2]))
}

/// The rows of step `s`.
pub fn batch_rows(step: usize) -> std::ops::Range<usize> {
    let b = step % (SAMPLES / BATCH);
    b * BATCH..(b + 1) * BATCH
}
