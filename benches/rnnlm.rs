//! One training step of the book's chapter-6 `Rnnlm` (embedding, LSTM,
//! affine, softmax loss; backward; `clip_grads(0.25)`; `SGD(20)`) at the
//! book's sizes: batch 20, time 35, vocabulary 10 000, wordvec = hidden =
//! 100 and 650, on 1 and 2 threads. Throughput is in tokens (20·35 per
//! step). The same step in the book's numpy code and in PyTorch:
//! `scripts/bench_rnnlm_numpy.py`, `scripts/bench_rnnlm_torch.py`.
//!
//! ```sh
//! cargo bench --bench rnnlm
//! ```

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use groundup::gemm::set_threads;
use groundup::matrix::Ids;
use groundup::model::{LanguageModel, Rnnlm};
use groundup::optim::{clip_grads, Optimizer, Sgd};
use groundup::RandomState;
use std::time::Duration;

const VOCAB: usize = 10_000;
const BATCH: usize = 20;
const TIME: usize = 35;

fn step(c: &mut Criterion, hidden: usize, threads: usize) {
    set_threads(threads);
    let mut rng = RandomState::new(0);
    let mut model = Rnnlm::<f32>::new(VOCAB, hidden, hidden, &mut rng);
    let mut sgd = Sgd::new(20.0);
    let ids = |rng: &mut RandomState| {
        let v: Vec<usize> = (0..BATCH * TIME)
            .map(|_| rng.random_interval(VOCAB as u64 - 1) as usize)
            .collect();
        Ids::from_vec(BATCH, TIME, v).expect("shape")
    };
    let batches: Vec<(Ids, Ids)> = (0..8).map(|_| (ids(&mut rng), ids(&mut rng))).collect();
    let mut group = c.benchmark_group("rnnlm_step");
    group.throughput(Throughput::Elements((BATCH * TIME) as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(if hidden > 200 { 8 } else { 4 }));
    let mut i = 0;
    group.bench_function(format!("f32/h{hidden}/threads{threads}"), |b| {
        b.iter(|| {
            let (xs, ts) = &batches[i % batches.len()];
            i += 1;
            let loss = model.forward(xs.view(), ts.view());
            model.backward();
            clip_grads(&mut model, 0.25);
            sgd.update(&mut model);
            black_box(loss)
        })
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    for hidden in [100, 650] {
        for threads in [1, 2] {
            step(c, hidden, threads);
        }
    }
}

criterion_group!(rnnlm, benches);
criterion_main!(rnnlm);
