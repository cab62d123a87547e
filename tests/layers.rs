//! Gradient checks (f64, central differences) for every layer, node and
//! network, on random shapes including batch 1; hand-computed forward values;
//! f32 against f64.

mod common;

use common::rng::TestRng;
use groundup::gradcheck::{check_layer, check_model, element_error};
use groundup::layers::nodes::{Add, Branch, Mul, Repeat, Sum};
use groundup::layers::{
    cross_entropy_error, Affine, Dropout, Layer, LossLayer, MatMul, ReLU, Sigmoid, SigmoidWithLoss,
    Softmax, SoftmaxWithLoss, Tanh, Targets,
};
use groundup::model::Params;
use groundup::model::{Model, ParamRef, Sequential, TwoLayerNet};
use groundup::Matrix;

/// A `rows x cols` matrix with entries away from 0 (ReLU's kink):
/// magnitudes in `[0.05, 1.05)`, either sign.
fn away_from_zero(rng: &mut TestRng, rows: usize, cols: usize) -> Matrix<f64> {
    Matrix::from_fn(rows, cols, |_, _| {
        let v = 0.05 + rng.random_sample();
        if rng.random_sample() < 0.5 {
            -v
        } else {
            v
        }
    })
}

const BATCHES: [usize; 3] = [1, 3, 7];
const TOL: f64 = 1e-6;

fn assert_ok(what: &str, report: groundup::gradcheck::Report) {
    assert!(report.max_error() < TOL, "{what}: {report}");
}

#[test]
fn affine_and_matmul_pass_gradcheck() {
    let mut rng = TestRng::new(11);
    for &n in &BATCHES {
        for &(i, o) in &[(1, 1), (2, 10), (5, 3), (4, 9)] {
            let x = rng.matrix(n, i, 1.0);
            let r = rng.matrix(n, o, 1.0);
            let mut affine = Affine::new(rng.matrix(i, o, 1.0), rng.matrix(1, o, 1.0));
            assert_ok(
                &format!("Affine n={n} {i}x{o}"),
                check_layer(&mut affine, &x, &r),
            );
            let mut matmul = MatMul::new(rng.matrix(i, o, 1.0));
            assert_ok(
                &format!("MatMul n={n} {i}x{o}"),
                check_layer(&mut matmul, &x, &r),
            );
        }
    }
}

#[test]
fn activations_pass_gradcheck() {
    let mut rng = TestRng::new(12);
    for &n in &BATCHES {
        for &d in &[1, 4, 9] {
            let x = rng.matrix(n, d, 2.0);
            let r = rng.matrix(n, d, 1.0);
            assert_ok("Sigmoid", check_layer(&mut Sigmoid::new(), &x, &r));
            assert_ok("Tanh", check_layer(&mut Tanh::new(), &x, &r));
            assert_ok("Softmax", check_layer(&mut Softmax::new(), &x, &r));
            let xr = away_from_zero(&mut rng, n, d);
            assert_ok("ReLU", check_layer(&mut ReLU::new(), &xr, &r));
            let mut dropout = Dropout::new(0.3, 5);
            dropout.forward(x.view());
            dropout.freeze_mask(true);
            assert_ok("Dropout", check_layer(&mut dropout, &x, &r));
        }
    }
}

#[test]
fn networks_pass_gradcheck() {
    let mut rng = TestRng::new(13);
    for &n in &BATCHES {
        let x = rng.matrix(n, 2, 1.0);
        let idx: Vec<usize> = (0..n).map(|_| rng.below(3)).collect();
        let mut normals = (0..).map(|k| ((k * 7919) % 13) as f64 / 6.0 - 1.0);
        let mut net = TwoLayerNet::<f64>::new(2, 5, 3, &mut || 30.0 * normals.next().unwrap());
        net.loss_layer_mut().set_log_epsilon(0.0);
        assert_ok(
            &format!("TwoLayerNet n={n}"),
            check_model(&mut net, &x, Targets::Indices(&idx)),
        );

        let one_hot = Matrix::from_fn(n, 3, |i, j| if idx[i] == j { 1.0 } else { 0.0 });
        let mut seq = Sequential::new(SoftmaxWithLoss::new())
            .with(Affine::new(rng.matrix(2, 6, 1.0), rng.matrix(1, 6, 0.5)))
            .with(Tanh::new())
            .with(MatMul::new(rng.matrix(6, 4, 1.0)))
            .with(Sigmoid::new())
            .with(Affine::new(rng.matrix(4, 3, 1.0), rng.matrix(1, 3, 0.5)));
        seq.loss_layer_mut().set_log_epsilon(0.0);
        assert_ok(
            &format!("Sequential n={n}"),
            check_model(&mut seq, &x, Targets::OneHot(one_hot.view())),
        );

        let mut binary = Sequential::new(SigmoidWithLoss::new())
            .with(Affine::new(rng.matrix(2, 4, 1.0), rng.matrix(1, 4, 0.5)))
            .with(Sigmoid::new())
            .with(Affine::new(rng.matrix(4, 1, 1.0), rng.matrix(1, 1, 0.5)));
        let labels: Vec<usize> = (0..n).map(|_| rng.below(2)).collect();
        binary.loss_layer_mut().set_log_epsilon(0.0);
        assert_ok(
            &format!("SigmoidWithLoss n={n}"),
            check_model(&mut binary, &x, Targets::Indices(&labels)),
        );
    }
}

#[test]
fn tied_parameters_sum_gradients_and_stay_equal() {
    let mut rng = TestRng::new(14);
    let w = rng.matrix(3, 3, 1.0);
    // x·W·sigmoid·W (same W used twice) and x·W·tanh·Wᵀ-tied.
    let mut same = Sequential::new(SoftmaxWithLoss::new())
        .with(MatMul::new(w.clone()))
        .with(Sigmoid::new())
        .with(MatMul::new(Matrix::zeros(3, 3)));
    same.tie(
        ParamRef { layer: 0, param: 0 },
        ParamRef { layer: 2, param: 0 },
        false,
    )
    .unwrap();
    let mut transposed = Sequential::new(SoftmaxWithLoss::new())
        .with(Affine::new(rng.matrix(3, 2, 1.0), Matrix::zeros(1, 2)))
        .with(Tanh::new())
        .with(MatMul::new(Matrix::zeros(2, 3)));
    transposed
        .tie(
            ParamRef { layer: 0, param: 0 },
            ParamRef { layer: 2, param: 0 },
            true,
        )
        .unwrap();
    same.loss_layer_mut().set_log_epsilon(0.0);
    transposed.loss_layer_mut().set_log_epsilon(0.0);
    for &n in &BATCHES {
        let x = rng.matrix(n, 3, 1.0);
        let idx: Vec<usize> = (0..n).map(|_| rng.below(3)).collect();
        assert_ok("tied", check_model(&mut same, &x, Targets::Indices(&idx)));
        assert_ok(
            "tied transposed",
            check_model(&mut transposed, &x, Targets::Indices(&idx)),
        );
    }
    // The tied copy is not a separate parameter and follows updates.
    assert_eq!(same.param_names(), ["layers.0.W"]);
    let mut count = 0;
    same.for_each_param(&mut |_, p| {
        count += 1;
        p.value.fill(0.25);
    });
    assert_eq!(count, 1);
    assert_eq!(
        same.layers()[2].params()[0].value,
        Matrix::filled(3, 3, 0.25)
    );
    // Shape errors are reported with both shapes.
    let err = transposed
        .tie(
            ParamRef { layer: 0, param: 1 },
            ParamRef { layer: 2, param: 0 },
            false,
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("already") || err.contains("shape"), "{err}");
}

#[test]
fn nodes_pass_gradcheck() {
    let mut rng = TestRng::new(15);
    let h = 1e-5;
    for &(n, d) in &[(1, 1), (7, 8), (3, 5)] {
        let x = rng.matrix(n, d, 1.0);
        let y = rng.matrix(n, d, 1.0);
        let r = rng.matrix(n, d, 1.0);
        let dot = |a: &Matrix<f64>| {
            a.as_slice()
                .iter()
                .zip(r.as_slice())
                .map(|(a, b)| a * b)
                .sum::<f64>()
        };
        // Mul: L = Σ (x ⊙ y) ⊙ r
        let mut mul = Mul::new();
        mul.forward(&x, &y);
        let (dx, dy) = mul.backward(&r);
        for e in 0..x.len() {
            let mut xp = x.clone();
            xp.as_mut_slice()[e] += h;
            let lp = dot(&Mul::new().forward(&xp, &y).clone());
            xp.as_mut_slice()[e] -= 2.0 * h;
            let lm = dot(&Mul::new().forward(&xp, &y).clone());
            assert!(element_error(dx.as_slice()[e], (lp - lm) / (2.0 * h)) < TOL);
            let mut yp = y.clone();
            yp.as_mut_slice()[e] += h;
            let lp = dot(&Mul::new().forward(&x, &yp).clone());
            yp.as_mut_slice()[e] -= 2.0 * h;
            let lm = dot(&Mul::new().forward(&x, &yp).clone());
            assert!(element_error(dy.as_slice()[e], (lp - lm) / (2.0 * h)) < TOL);
        }
        // Add and Branch are linear: their gradients are exact identities.
        let mut add = Add::new();
        assert_eq!(add.forward(&x, &y), &(&x + &y));
        assert_eq!(add.backward(&r), (r.clone(), r.clone()));
        let mut branch = Branch::new();
        assert_eq!(branch.forward(&x), (x.clone(), x.clone()));
        assert_eq!(branch.backward(&r, &y), &r + &y);
        // Repeat: 1 x d → n x d; L = Σ repeat(b) ⊙ r, dL/db = Σ_rows r.
        let b = rng.matrix(1, d, 1.0);
        let mut repeat = Repeat::new(n);
        let out = repeat.forward(&b);
        assert_eq!(out.shape(), (n, d));
        let db = repeat.backward(&r);
        for j in 0..d {
            let mut bp = b.clone();
            bp[(0, j)] += h;
            let lp = dot(&bp.repeat_rows(n));
            bp[(0, j)] -= 2.0 * h;
            let lm = dot(&bp.repeat_rows(n));
            assert!(element_error(db[(0, j)], (lp - lm) / (2.0 * h)) < TOL);
        }
        // Sum: n x d → 1 x d; its backward repeats.
        let mut sum = Sum::new();
        let s = sum.forward(&x);
        assert_eq!(s, x.sum_rows());
        let g = rng.matrix(1, d, 1.0);
        assert_eq!(sum.backward(&g), g.repeat_rows(n));
    }
}

#[test]
fn seed_notebook_repeat_and_sum_duality() {
    // D, N = 8, 7 as in the seed notebook.
    let (d, n) = (8, 7);
    let x = Matrix::from_fn(1, d, |_, j| j as f64 - 3.5);
    let y = x.repeat_rows(n);
    assert_eq!(y.shape(), (n, d));
    assert!((0..n).all(|i| y.row(i) == x.row(0)));
    let dy = Matrix::from_fn(n, d, |i, j| (i * d + j) as f64);
    // backward of repeat: Σ over axis 0, e.g. column 0 = 0+8+16+…+48 = 168
    let dx = dy.sum_rows();
    assert_eq!(dx[(0, 0)], 168.0);
    assert_eq!(dx[(0, 7)], 7.0 * 7.0 + 168.0);
    // backward of sum: repeat
    assert_eq!(
        dx.repeat_rows(n).sum_rows(),
        dx.sum_rows().repeat_rows(1).map(|v| v * 7.0)
    );
}

#[test]
fn hand_computed_forward_values() {
    // sigmoid(0) = 0.5, sigmoid(ln 3) = 0.75
    let x = Matrix::from_vec(1, 2, vec![0.0f64, 3f64.ln()]).unwrap();
    let y = Sigmoid::new().forward(x.view()).clone();
    assert_eq!(y[(0, 0)], 0.5);
    assert!((y[(0, 1)] - 0.75).abs() < 1e-15);
    // softmax([ln1, ln2, ln5]) = [1/8, 2/8, 5/8]; loss for class 2 = -ln(5/8 + 1e-7)
    let s = Matrix::from_vec(
        2,
        3,
        vec![0.0f64, 2f64.ln(), 5f64.ln(), 0.0, 2f64.ln(), 5f64.ln()],
    )
    .unwrap();
    let mut a = SoftmaxWithLoss::new();
    let la = a.forward(s.view(), Targets::Indices(&[2, 0]));
    let p = a.probabilities().clone();
    for (got, want) in p.row(0).iter().zip([0.125, 0.25, 0.625]) {
        assert!((got - want).abs() < 1e-15);
    }
    let want = -((0.625f64 + 1e-7).ln() + (0.125f64 + 1e-7).ln()) / 2.0;
    assert!((la - want).abs() < 1e-15, "{la} vs {want}");
    let one_hot = Matrix::from_vec(2, 3, vec![0.0, 0.0, 1.0, 1.0, 0.0, 0.0]).unwrap();
    let mut b = SoftmaxWithLoss::new();
    assert_eq!(b.forward(s.view(), Targets::OneHot(one_hot.view())), la);
    assert_eq!(cross_entropy_error(p.view(), Targets::Indices(&[2, 0])), la);
    // backward (y - onehot)/batch
    let dx = a.backward(1.0).clone();
    assert!((dx[(0, 2)] - (0.625 - 1.0) / 2.0).abs() < 1e-15);
    assert!((dx[(1, 1)] - 0.25 / 2.0).abs() < 1e-15);
}

#[test]
#[should_panic(expected = "Affine.forward: input shape (4, 3) does not fit weight shape (2, 5)")]
fn wrong_input_width_names_layer_and_shapes() {
    let mut affine = Affine::new(Matrix::<f64>::zeros(2, 5), Matrix::zeros(1, 5));
    affine.forward(Matrix::zeros(4, 3).view());
}

#[test]
#[should_panic(expected = "target class 3 at row 1 is out of range for 3 classes")]
fn class_index_out_of_range_is_caught() {
    SoftmaxWithLoss::<f64>::new().forward(Matrix::zeros(2, 3).view(), Targets::Indices(&[0, 3]));
}

#[test]
#[should_panic(expected = "one-hot target shape (2, 4) differs from score shape (2, 3)")]
fn one_hot_width_mismatch_is_caught() {
    SoftmaxWithLoss::<f64>::new().forward(
        Matrix::zeros(2, 3).view(),
        Targets::OneHot(Matrix::zeros(2, 4).view()),
    );
}

#[test]
#[should_panic(expected = "2 target indices for a score batch of shape (3, 3)")]
fn target_rows_mismatch_is_caught() {
    SoftmaxWithLoss::<f64>::new().forward(Matrix::zeros(3, 3).view(), Targets::Indices(&[0, 1]));
}

#[test]
fn non_finite_scores_give_non_finite_loss() {
    let s = Matrix::from_vec(1, 2, vec![f64::NAN, 0.0]).unwrap();
    assert!(SoftmaxWithLoss::new()
        .forward(s.view(), Targets::Indices(&[0]))
        .is_nan());
}

#[test]
fn f32_network_agrees_with_f64_to_f32_precision() {
    let mut rng = TestRng::new(16);
    let (w1, b1, w2, b2) = (
        rng.matrix(2, 10, 1.0),
        rng.matrix(1, 10, 0.1),
        rng.matrix(10, 3, 1.0),
        rng.matrix(1, 3, 0.1),
    );
    let mut n64 = TwoLayerNet::from_params(w1.clone(), b1.clone(), w2.clone(), b2.clone());
    let mut n32 = TwoLayerNet::from_params(w1.cast::<f32>(), b1.cast(), w2.cast(), b2.cast());
    let x = rng.matrix(30, 2, 1.0);
    let idx: Vec<usize> = (0..30).map(|i| i % 3).collect();
    let l64 = n64.forward(x.view(), Targets::Indices(&idx));
    let x32 = x.cast::<f32>();
    let l32 = n32.forward(x32.view(), Targets::Indices(&idx));
    assert!(
        ((l32 as f64) - l64).abs() <= 1e-6 * l64.abs().max(1.0),
        "{l32} vs {l64}"
    );
    let dx64 = n64.backward().clone();
    let dx32 = n32.backward().cast::<f64>();
    let scale = dx64.as_slice().iter().fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(
        dx64.max_abs_diff(&dx32) <= 1e-5 * scale,
        "dx differs by {}",
        dx64.max_abs_diff(&dx32)
    );
    let p64: Vec<Matrix<f64>> = n64.params().iter().map(|p| p.grad.clone()).collect();
    let p32: Vec<Matrix<f64>> = n32.params().iter().map(|p| p.grad.cast()).collect();
    for (a, b) in p64.iter().zip(&p32) {
        let scale = a.as_slice().iter().fold(0.0f64, |m, v| m.max(v.abs()));
        assert!(a.max_abs_diff(b) <= 1e-5 * scale.max(1e-3));
    }
}

/// Every parameter's gradient, as bits.
fn grad_bits(model: &mut dyn Params<f64>) -> Vec<Vec<u64>> {
    let mut out = Vec::new();
    model.for_each_param(&mut |_, p| out.push(p.grad.iter().map(|g| g.to_bits()).collect()));
    out
}

#[test]
fn backward_params_gives_backwards_gradients_bit_for_bit() {
    let mut rng = TestRng::new(21);
    let x = rng.matrix(7, 3, 1.0);
    let idx: Vec<usize> = (0..7).map(|_| rng.below(3)).collect();
    let (w1, b1, w2) = (
        rng.matrix(3, 4, 1.0),
        rng.matrix(1, 4, 1.0),
        rng.matrix(4, 3, 1.0),
    );
    type MakeNet<'a> = Box<dyn Fn() -> Sequential<f64> + 'a>;
    let nets: Vec<(&str, MakeNet)> = vec![
        (
            "Affine first",
            Box::new(|| {
                Sequential::new(SoftmaxWithLoss::new())
                    .with(Affine::new(w1.clone(), b1.clone()))
                    .with(ReLU::new())
                    .with(MatMul::new(w2.clone()))
            }),
        ),
        (
            "MatMul first, tied transposed",
            Box::new(|| {
                let mut net = Sequential::new(SoftmaxWithLoss::new())
                    .with(MatMul::new(w2.transpose()))
                    .with(Tanh::new())
                    .with(MatMul::new(Matrix::zeros(4, 3)));
                net.tie(
                    ParamRef { layer: 0, param: 0 },
                    ParamRef { layer: 2, param: 0 },
                    true,
                )
                .unwrap();
                net
            }),
        ),
        (
            "no layers before an element-wise one",
            Box::new(|| Sequential::new(SoftmaxWithLoss::new()).with(Sigmoid::new())),
        ),
    ];
    for (name, make) in &nets {
        let (mut a, mut b) = (make(), make());
        a.forward(x.view(), Targets::Indices(&idx));
        a.backward();
        b.forward(x.view(), Targets::Indices(&idx));
        b.backward_params();
        assert_eq!(grad_bits(&mut a), grad_bits(&mut b), "{name}");
    }
    let mut normals = (0..).map(|i| ((i * 7919) % 13) as f64 / 13.0 - 0.5);
    let mut a = TwoLayerNet::<f64>::new(3, 5, 3, &mut || normals.next().unwrap());
    let mut b = a.clone();
    a.forward(x.view(), Targets::Indices(&idx));
    a.backward();
    b.forward(x.view(), Targets::Indices(&idx));
    b.backward_params();
    assert_eq!(grad_bits(&mut a), grad_bits(&mut b), "TwoLayerNet");
}

/// `softmax_rows` against the book's formula written out element by element
/// (max, subtract, `f64::exp`, numpy's sum, divide), at every width
/// from 1 to 9 (2-4 run fixed-length loops), with a NaN row, which must stay
/// NaN.
#[test]
fn softmax_rows_every_width_is_the_formula() {
    for cols in 1..=9 {
        let rows = 5;
        let mut x = Matrix::from_fn(rows, cols, |i, j| ((i * 7 + j * 3) % 11) as f64 * 0.7 - 3.0);
        x[(3, cols - 1)] = f64::NAN;
        let mut got = x.clone();
        groundup::layers::softmax_rows(&mut got);
        for i in 0..rows {
            let row: Vec<f64> = (0..cols).map(|j| x[(i, j)]).collect();
            if row.iter().any(|v| v.is_nan()) {
                assert!(
                    (0..cols).all(|j| got[(i, j)].is_nan()),
                    "cols {cols}: NaN row"
                );
                continue;
            }
            let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let e: Vec<f64> = row.iter().map(|v| (v - max).exp()).collect();
            // numpy's pairwise sum: in order from 0 below 8 terms, eight
            // running sums (one each here) combined in pairs from 8 on.
            let sum = if cols < 8 {
                e.iter().fold(0.0, |s, v| s + v)
            } else {
                let r = &e[..8];
                let head = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
                e[8..].iter().fold(head, |s, v| s + v)
            };
            for j in 0..cols {
                assert_eq!(
                    got[(i, j)].to_bits(),
                    (e[j] / sum).to_bits(),
                    "cols {cols} ({i}, {j})"
                );
            }
        }
    }
}
