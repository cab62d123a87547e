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
///
/// ```
/// use groundup::data::mlp_bench::{BATCH, SAMPLES};
/// assert_eq!(SAMPLES / BATCH, 100); // whole batches: an epoch is 100 steps
/// assert_eq!(SAMPLES % BATCH, 0);
/// ```
pub const SAMPLES: usize = 12800;
/// Layer widths: input, two hidden layers, classes.
///
/// ```
/// use groundup::data::mlp_bench::WIDTHS;
/// // Weights plus biases of the three Affine layers.
/// let params: usize = WIDTHS.windows(2).map(|w| w[0] * w[1] + w[1]).sum();
/// assert_eq!(params, 1_863_690);
/// ```
pub const WIDTHS: [usize; 4] = [784, 1024, 1024, 10];
/// Rows per step.
///
/// ```
/// use groundup::data::mlp_bench::{batch_rows, BATCH};
/// assert_eq!(batch_rows(1), BATCH..2 * BATCH);
/// ```
pub const BATCH: usize = 128;
/// SGD learning rate (rounded to f32 when applied).
///
/// ```
/// use groundup::data::mlp_bench::LR;
/// // 0.01 is not exact in binary; f32 training steps with its f32 rounding.
/// assert_ne!(LR as f32 as f64, LR);
/// assert_eq!(LR as f32, 0.01f32);
/// ```
pub const LR: f64 = 0.01;
/// Warm-up steps before timing.
///
/// ```
/// use groundup::data::mlp_bench::{batch_rows, STEPS, WARMUP};
/// // 105 steps in all over 100 batches: the last 5 reuse the first 5 batches.
/// assert_eq!(WARMUP + STEPS, 105);
/// assert_eq!(batch_rows(WARMUP + STEPS - 1), batch_rows(WARMUP - 1));
/// ```
pub const WARMUP: usize = 5;
/// Timed steps.
///
/// ```
/// use groundup::data::mlp_bench::{FLOPS_PER_STEP, STEPS};
/// // The timed run's work, for a GFLOP/s figure.
/// assert_eq!(STEPS as u64 * FLOPS_PER_STEP as u64, 142_973_337_600);
/// ```
pub const STEPS: usize = 100;
/// GEMM flops per step: 2·128·(784·1024 + 1024·1024 + 1024·10), three times
/// (forward, dW, dx).
///
/// ```
/// use groundup::data::mlp_bench::{BATCH, FLOPS_PER_STEP, WIDTHS};
/// let forward: usize = WIDTHS.windows(2).map(|w| 2 * BATCH * w[0] * w[1]).sum();
/// assert_eq!(FLOPS_PER_STEP, 3 * forward); // forward, dW and dx products
/// assert_eq!(FLOPS_PER_STEP, 1_429_733_376);
/// ```
pub const FLOPS_PER_STEP: usize = 3 * 2 * BATCH * (784 * 1024 + 1024 * 1024 + 1024 * 10);

/// The synthetic data set and the stream positioned after it (ready to draw
/// the weights): `(x: 12800×784 f32, t: 12800 labels in 0..10, rng)`.
///
/// ```
/// use groundup::data::mlp_bench::{data, SAMPLES, WIDTHS};
/// // >>> rs = np.random.RandomState(0)
/// // >>> x = rs.randn(12800, 784).astype(np.float32); t = rs.randint(0, 10, 12800)
/// let (x, t, _rng) = data();
/// assert_eq!((x.shape(), t.len()), ((SAMPLES, WIDTHS[0]), SAMPLES));
/// assert_eq!(x[(0, 0)], 1.764052345967664f64 as f32);
/// assert_eq!(t[..5], [7, 3, 6, 4, 1]);
/// ```
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
///
/// ```
/// use groundup::data::mlp_bench::{data, weights};
/// // >>> (rs.randn(784, 1024) * np.sqrt(2 / 784)).astype(np.float32)[0, 0]
/// // (rs positioned after x and t, as `data` leaves it)
/// let (_x, _t, mut rng) = data();
/// let [w1, w2, w3] = weights(&mut rng);
/// assert_eq!((w1.shape(), w2.shape(), w3.shape()), ((784, 1024), (1024, 1024), (1024, 10)));
/// assert_eq!(w1[(0, 0)], 0.03309601917862892f32);
/// ```
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
///
/// ```
/// use groundup::data::mlp_bench::{batch_rows, data, model, weights};
/// use groundup::layers::Targets;
/// use groundup::model::Model;
/// let (x, t, mut rng) = data();
/// let mut net = model(&weights(&mut rng));
/// let rows = batch_rows(0);
/// let loss = net.forward(x.rows_view(rows.clone()), Targets::Indices(&t[rows]));
/// // numpy float32's first loss; sums in a different order, so not bit-exact.
/// assert!((loss - 2.742086887359619).abs() < 1e-5);
/// ```
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
///
/// ```
/// use groundup::data::mlp_bench::batch_rows;
/// assert_eq!(batch_rows(0), 0..128);
/// assert_eq!(batch_rows(99), 12672..12800);
/// assert_eq!(batch_rows(100), 0..128); // unshuffled: wraps to the first batch
/// ```
pub fn batch_rows(step: usize) -> std::ops::Range<usize> {
    let b = step % (SAMPLES / BATCH);
    b * BATCH..(b + 1) * BATCH
}
