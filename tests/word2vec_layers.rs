//! Chapter 4's layers: `Embedding`'s scatter-add (np.add.at order, exact),
//! and gradient checks in f64 of `EmbeddingDot` and `NegativeSamplingLoss`
//! (the sampled negatives held fixed by replaying the same random stream).

use groundup::gradcheck::check_matrix;
use groundup::layers::{Embedding, EmbeddingDot, NegativeSamplingLoss};
use groundup::rng::RandomState;
use groundup::Matrix;

fn randn(rng: &mut RandomState, rows: usize, cols: usize, scale: f64) -> Matrix<f64> {
    Matrix::from_fn(rows, cols, |_, _| scale * rng.randn())
}

#[test]
fn embedding_backward_adds_duplicates_in_batch_order_like_np_add_at() {
    let mut rng = RandomState::new(3);
    let w = randn(&mut rng, 6, 4, 1.0);
    let ids = [5, 1, 5, 5, 0, 1, 3];
    let dout = randn(&mut rng, ids.len(), 4, 1.0);
    let mut emb = Embedding::new();
    let out = emb.forward(&w, ids);
    for (i, &id) in ids.iter().enumerate() {
        assert_eq!(out.row(i), w.row(id));
    }
    // np.add.at: dW[...] = 0; for i: dW[idx[i]] += dout[i]
    let mut want = Matrix::zeros(6, 4);
    for (i, &id) in ids.iter().enumerate() {
        for (d, &g) in want.row_mut(id).iter_mut().zip(dout.row(i)) {
            *d += g;
        }
    }
    let mut got = Matrix::zeros(6, 4);
    let g = emb.backward(dout.view());
    assert_eq!(g.rows(), &[5, 1, 0, 3], "first-appearance order");
    g.add_to(&mut got);
    let bits = |m: &Matrix<f64>| m.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&got), bits(&want));
    // a second backward reuses the buffers and forgets the first
    emb.forward(&w, [2]);
    let g = emb.backward(dout.rows_view(0..1));
    assert_eq!(g.rows(), &[2]);
    assert_eq!(g.values().row(0), dout.row(0));
}

#[test]
#[should_panic(
    expected = "Embedding.forward: id 6 at row 1 is out of range for a weight matrix of 6 rows"
)]
fn embedding_names_an_out_of_range_id() {
    let w = Matrix::<f32>::zeros(6, 2);
    Embedding::new().forward(&w, [0, 6]);
}

#[test]
fn embedding_dot_gradients_match_finite_differences() {
    let mut rng = RandomState::new(11);
    let w = randn(&mut rng, 5, 3, 1.0);
    let h = randn(&mut rng, 4, 3, 1.0);
    let r = randn(&mut rng, 4, 1, 1.0);
    let ids = [2, 4, 2, 0]; // a repeated row
    let loss = |w: &Matrix<f64>, h: &Matrix<f64>| {
        let out = EmbeddingDot::new().forward(w, h.view(), ids).clone();
        out.iter().zip(r.iter()).map(|(a, b)| a * b).sum::<f64>()
    };
    let mut dot = EmbeddingDot::new();
    dot.forward(&w, h.view(), ids);
    let (dh, g) = dot.backward(r.view());
    let dh = dh.clone();
    let mut dw = Matrix::zeros(5, 3);
    g.add_to(&mut dw);
    let ew = check_matrix("W", &dw, &w, |w| loss(w, &h));
    let eh = check_matrix("h", &dh, &h, |h| loss(&w, h));
    assert!(ew < 1e-8 && eh < 1e-8, "W {ew:e}, h {eh:e}");
    // and the check can fail: a gradient off by 1e-3 in one element
    let mut bad = dw.clone();
    bad[(2, 1)] += 1e-3;
    assert!(check_matrix("W", &bad, &w, |w| loss(w, &h)) > 1e-6);
}

#[test]
fn negative_sampling_loss_gradients_match_finite_differences() {
    let corpus = [0, 1, 2, 3, 4, 5, 1, 2, 1, 0, 6, 2];
    let mut rng = RandomState::new(5);
    let w = randn(&mut rng, 7, 3, 0.5);
    let h = randn(&mut rng, 4, 3, 1.0);
    let target = [1, 2, 6, 0];
    let sample_seed = RandomState::new(42);
    // The same stream each time: the same negatives for every evaluation.
    let loss = |w: &Matrix<f64>, h: &Matrix<f64>| {
        let mut ns = NegativeSamplingLoss::new(&corpus, 0.75, 3).unwrap();
        ns.set_log_epsilon(0.0);
        ns.forward(w, h.view(), &target, &mut sample_seed.clone())
            .unwrap()
    };
    let mut ns = NegativeSamplingLoss::new(&corpus, 0.75, 3).unwrap();
    ns.set_log_epsilon(0.0);
    ns.forward(&w, h.view(), &target, &mut sample_seed.clone())
        .unwrap();
    let mut dw = Matrix::zeros(7, 3);
    let dh = ns.backward(&mut dw).clone();
    let ew = check_matrix("W", &dw, &w, |w| loss(w, &h));
    let eh = check_matrix("h", &dh, &h, |h| loss(&w, h));
    assert!(ew < 1e-7 && eh < 1e-7, "W {ew:e}, h {eh:e}");
    // every negative row differs from its target and within itself
    for (i, &t) in target.iter().enumerate() {
        let row = ns.negative_samples().row(i);
        assert!(
            !row.contains(&t),
            "row {i}: {row:?} contains the target {t}"
        );
        let mut sorted = row.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 3, "row {i}: {row:?} repeats a word");
    }
}

#[test]
fn negative_sampling_loss_adds_into_the_gradient_it_is_given() {
    // backward adds (the model sums several uses into one gradient)
    let corpus = [0, 1, 2, 3];
    let w = Matrix::<f64>::from_fn(4, 2, |i, j| (i + j) as f64 * 0.1);
    let h = Matrix::from_fn(2, 2, |i, j| (i as f64) - (j as f64));
    let mut ns = NegativeSamplingLoss::new(&corpus, 0.75, 2).unwrap();
    ns.forward(&w, h.view(), &[0, 3], &mut RandomState::new(1))
        .unwrap();
    let mut once = Matrix::zeros(4, 2);
    ns.backward(&mut once);
    let mut twice = once.clone();
    ns.backward(&mut twice);
    assert_eq!(twice, &once + &once);
}
