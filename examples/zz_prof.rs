use groundup::layers::time::*;
use groundup::matrix::Ids;
use groundup::{Matrix, RandomState};
use std::time::Instant;
fn main() {
    let h: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(100);
    groundup::gemm::set_threads(
        std::env::args()
            .nth(2)
            .map(|s| s.parse().unwrap())
            .unwrap_or(1),
    );
    let (v, n, t) = (10000usize, 20usize, 35usize);
    let mut rng = RandomState::new(0);
    let w = Matrix::<f32>::from_fn(v, h, |_, _| rng.randn() as f32 * 0.01);
    let mut embed = TimeEmbedding::new(w);
    let mut lstm = TimeLstm::new(
        Matrix::from_fn(h, 4 * h, |_, _| rng.randn() as f32 * 0.1),
        Matrix::from_fn(h, 4 * h, |_, _| rng.randn() as f32 * 0.1),
        Matrix::zeros(1, 4 * h),
        true,
    );
    let mut affine = TimeAffine::new(
        Matrix::from_fn(h, v, |_, _| rng.randn() as f32 * 0.1),
        Matrix::zeros(1, v),
    );
    let mut loss = TimeSoftmaxWithLoss::new();
    let ids: Vec<usize> = (0..n * t)
        .map(|_| rng.random_interval(v as u64 - 1) as usize)
        .collect();
    let xs = Ids::from_vec(n, t, ids.clone()).unwrap();
    let mut tm = [0f64; 8];
    let iters = 20;
    for it in 0..iters + 2 {
        let mut c = Instant::now();
        let mut lap = |i: usize, c: &mut Instant| {
            if it >= 2 {
                tm[i] += c.elapsed().as_secs_f64();
            }
            *c = Instant::now();
        };
        let e = embed.forward(xs.view());
        let e = e.view();
        let e = e.to_matrix();
        lap(0, &mut c);
        let hs = lstm.forward(e.view(), n).to_matrix();
        lap(1, &mut c);
        affine.forward(hs.view());
        lap(2, &mut c);
        let _l = loss.forward(affine.output().view(), xs.view());
        lap(3, &mut c);
        let d = loss.backward();
        lap(4, &mut c);
        let dh = affine.backward(d.view()).clone();
        lap(5, &mut c);
        let dx = lstm.backward(dh.view()).clone();
        lap(6, &mut c);
        embed.backward(dx.view());
        lap(7, &mut c);
    }
    let names = [
        "embed f", "lstm f", "affine f", "loss f", "loss b", "affine b", "lstm b", "embed b",
    ];
    let tot: f64 = tm.iter().sum();
    for (nm, x) in names.iter().zip(tm) {
        println!("{nm:10} {:7.2} ms", x * 1000.0 / iters as f64);
    }
    println!("total {:7.2} ms", tot * 1000.0 / iters as f64);
}
