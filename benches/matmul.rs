//! GEMM throughput: `cargo bench --bench matmul` (about a minute).
//!
//! Every benchmark sets `Throughput::Elements(2·m·n·k)`, the flop count of
//! the product, so the "elem/s" criterion prints reads as **FLOP/s**
//! (e.g. "95 Gelem/s" = 95 GFLOP/s). Shapes are `m×k×n` (A is m×k, B is
//! k×n), row-major, `C = A·B` overwritten: squares 64…1024, the MNIST-style
//! training shapes, and the book's tiny products (where the time per
//! call is the number to read). Each runs with the selected kernel and with
//! the portable one; threads as configured (`GROUNDUP_THREADS`, default all
//! cores). Filter as usual: `cargo bench --bench matmul -- f64/avx2`.

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use groundup::gemm::{gemm_with, threads, Config, Kernel};
use groundup::rng::RandomState;
use groundup::{Matrix, Scalar, Transpose};
use std::hint::black_box;
use std::time::Duration;

const SQUARES: [usize; 5] = [64, 128, 256, 512, 1024];
/// (m, k, n): a hidden layer's forward pass at batch 128 (784→1024,
/// 1024→1024), the logits layer (1024→10), and a wide batch.
const TRAINING: [(usize, usize, usize); 4] = [
    (128, 784, 1024),
    (128, 1024, 1024),
    (128, 1024, 10),
    (1024, 128, 1024),
];
/// The book's tiny products: the spiral net of ch. 1 (f64 in the book)
/// and the ch. 3 word2vec toy's forward pass at its batch of 3 (f32).
const TINY: [(usize, usize, usize); 4] = [(30, 2, 10), (30, 10, 3), (3, 7, 5), (3, 5, 7)];

/// `len` values uniform in [-1, 1) from the crate's own generator.
fn data<T: Scalar>(len: usize, seed: u32) -> Vec<T> {
    let mut rng = RandomState::new(seed);
    (0..len)
        .map(|_| T::from_f64(rng.random_sample() * 2.0 - 1.0))
        .collect()
}

fn bench_dtype<T: Scalar>(c: &mut Criterion) {
    let mut kernels = vec![Kernel::selected()];
    if Kernel::selected() != Kernel::Portable {
        kernels.push(Kernel::Portable);
    }
    let shapes = SQUARES
        .iter()
        .map(|&s| (s, s, s))
        .chain(TRAINING)
        .chain(TINY);
    let mut group = c.benchmark_group(format!("matmul/{}", T::DTYPE));
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(150))
        .measurement_time(Duration::from_millis(400));
    for (m, k, n) in shapes {
        let a: Vec<T> = data(m * k, 1);
        let b: Vec<T> = data(k * n, 2);
        let mut out = vec![T::ZERO; m * n];
        let flops = 2 * m * n * k;
        group.throughput(Throughput::Elements(flops as u64));
        // Long calls: one sample = the same number of calls, not a ramp.
        group.sampling_mode(if flops >= 1 << 26 {
            SamplingMode::Flat
        } else {
            SamplingMode::Auto
        });
        for &kernel in &kernels {
            let cfg = Config {
                kernel,
                threads: threads(),
            };
            let id = BenchmarkId::new(kernel.name(), format!("{m}x{k}x{n}"));
            group.bench_function(id, |bench| {
                bench.iter(|| {
                    gemm_with(
                        cfg,
                        m,
                        n,
                        k,
                        T::ONE,
                        black_box(&a),
                        k,
                        Transpose::No,
                        black_box(&b),
                        n,
                        Transpose::No,
                        T::ZERO,
                        &mut out,
                        n,
                    );
                    black_box(&mut out);
                })
            });
        }
    }
    group.finish();
}

/// The tiny shapes through `Matrix::matmul_into`, the call the training
/// loop makes (argument checks and dispatch included).
fn bench_matrix_path<T: Scalar>(c: &mut Criterion) {
    let mut group = c.benchmark_group(format!("matmul_into/{}", T::DTYPE));
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(150))
        .measurement_time(Duration::from_millis(400));
    for (m, k, n) in TINY {
        let a = Matrix::from_vec(m, k, data::<T>(m * k, 3)).unwrap();
        let b = Matrix::from_vec(k, n, data::<T>(k * n, 4)).unwrap();
        let mut out = Matrix::zeros(m, n);
        group.throughput(Throughput::Elements((2 * m * n * k) as u64));
        group.bench_function(format!("{m}x{k}x{n}"), |bench| {
            bench.iter(|| black_box(&a).matmul_into(black_box(&b), &mut out))
        });
    }
    group.finish();
}

fn matmul(c: &mut Criterion) {
    bench_dtype::<f32>(c);
    bench_dtype::<f64>(c);
    bench_matrix_path::<f32>(c);
    bench_matrix_path::<f64>(c);
}

criterion_group!(benches, matmul);
criterion_main!(benches);
