//! One training step of each workload: the spiral net (TwoLayerNet 2-10-3,
//! batch 30, f64 and f32: per-step overhead) and mlp-bench (f32
//! 784-1024-1024-10, batch 128: GEMM-bound). Throughput is in samples.
//!
//! ```sh
//! cargo bench --bench train_step
//! ```

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use groundup::data::{mlp_bench, spiral};
use groundup::layers::Targets;
use groundup::model::{Model, TwoLayerNet};
use groundup::optim::{Optimizer, Sgd};
use groundup::Scalar;
use std::time::Duration;

fn spiral_step<T: Scalar>(c: &mut Criterion, name: &str) {
    let (x, t, mut rng) = spiral::load_data_with_rng(1984);
    let (x, t) = (x.cast::<T>(), t.cast::<T>());
    let mut model = TwoLayerNet::<T>::new(2, 10, 3, &mut || rng.randn());
    let mut sgd = Sgd::new(1.0);
    let mut group = c.benchmark_group("spiral_step");
    group.throughput(Throughput::Elements(30));
    let mut i = 0;
    group.bench_function(name, |b| {
        b.iter(|| {
            let rows = (i % 10) * 30..(i % 10 + 1) * 30;
            i += 1;
            let loss = model.forward(
                x.rows_view(rows.clone()),
                Targets::OneHot(t.rows_view(rows)),
            );
            model.backward();
            sgd.update(&mut model);
            black_box(loss)
        })
    });
    group.finish();
}

fn spiral(c: &mut Criterion) {
    spiral_step::<f64>(c, "f64");
    spiral_step::<f32>(c, "f32");
}

fn mlp(c: &mut Criterion) {
    let (x, t, mut rng) = mlp_bench::data();
    let w = mlp_bench::weights(&mut rng);
    let mut model = mlp_bench::model(&w);
    let mut sgd = Sgd::new(mlp_bench::LR);
    let mut group = c.benchmark_group("mlp_bench_step");
    group.throughput(Throughput::Elements(mlp_bench::BATCH as u64));
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    let mut s = 0;
    group.bench_function("f32_batch128", |b| {
        b.iter(|| {
            let rows = mlp_bench::batch_rows(s);
            s += 1;
            let loss = model.forward(x.rows_view(rows.clone()), Targets::Indices(&t[rows]));
            model.backward();
            sgd.update(&mut model);
            black_box(loss)
        })
    });
    // The same step as the mlp_bench example runs it: no input gradient for
    // the first layer, and SGD folded into the weight gradients' products
    // (`Sequential::backward_sgd`), from fresh weights.
    let mut model = mlp_bench::model(&w);
    group.bench_function("f32_batch128_backward_sgd", |b| {
        b.iter(|| {
            let rows = mlp_bench::batch_rows(s);
            s += 1;
            let loss = model.forward(x.rows_view(rows.clone()), Targets::Indices(&t[rows]));
            model.backward_sgd(&sgd);
            black_box(loss)
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = spiral, mlp
}
criterion_main!(benches);
