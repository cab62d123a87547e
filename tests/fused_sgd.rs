//! The SGD step folded into the backward pass (`Sequential::backward_sgd`,
//! `Layer::backward_sgd`) leaves every parameter with the bits of the two
//! passes it replaces (`backward_params`, then `Sgd::update`), on every
//! kernel, with 1 and 2 threads, in f32 and f64, for batches on both sides
//! of `gemm::ONE_PASS_DEPTH` (the deepest product summed in one pass).
//! It also checks that the fold really happened (the weight gradients are
//! never written) and that layers which do not fold get their step too.

mod common;

use common::kernels;
use groundup::gemm::{self, Config, ONE_PASS_DEPTH};
use groundup::layers::{Affine, Layer, MatMul, Param, ReLU, Sigmoid, SoftmaxWithLoss, Targets};
use groundup::matrix::MatrixView;
use groundup::model::{Model, ParamRef, Params, Sequential};
use groundup::optim::{Optimizer, Sgd};
use groundup::{Matrix, RandomState, Scalar};

/// A layer with a parameter that does not fold the step: `out = x ⊙ s`
/// (one scale per column). `Sequential::backward_sgd` must step it after
/// the backward pass from the gradient it stored.
#[derive(Clone)]
struct ColumnScale<T: Scalar> {
    params: [Param<T>; 1],
    x: Matrix<T>,
    out: Matrix<T>,
    dx: Matrix<T>,
}

impl<T: Scalar> ColumnScale<T> {
    fn new(s: Matrix<T>) -> Self {
        ColumnScale {
            params: [Param::new(s)],
            x: Matrix::zeros(0, 0),
            out: Matrix::zeros(0, 0),
            dx: Matrix::zeros(0, 0),
        }
    }
}

impl<T: Scalar> Layer<T> for ColumnScale<T> {
    fn name(&self) -> &'static str {
        "ColumnScale"
    }
    fn forward(&mut self, x: MatrixView<'_, T>) -> &Matrix<T> {
        self.x.assign(x);
        self.out.assign(x);
        let s = &self.params[0].value;
        for i in 0..self.out.rows() {
            for (o, &sv) in self.out.row_mut(i).iter_mut().zip(s.row(0)) {
                *o *= sv;
            }
        }
        &self.out
    }
    fn infer(&self, x: MatrixView<'_, T>) -> Matrix<T> {
        let s = &self.params[0].value;
        Matrix::from_fn(x.rows(), x.cols(), |i, j| x.row(i)[j] * s[(0, j)])
    }
    fn backward(&mut self, dout: MatrixView<'_, T>) -> &Matrix<T> {
        let [p] = &mut self.params;
        self.dx.assign(dout);
        p.grad = Matrix::zeros(1, dout.cols());
        for i in 0..dout.rows() {
            for j in 0..dout.cols() {
                self.dx[(i, j)] = dout.row(i)[j] * p.value[(0, j)];
                p.grad[(0, j)] += dout.row(i)[j] * self.x[(i, j)];
            }
        }
        &self.dx
    }
    fn params(&self) -> &[Param<T>] {
        &self.params
    }
    fn params_mut(&mut self) -> &mut [Param<T>] {
        &mut self.params
    }
    fn param_names(&self) -> &'static [&'static str] {
        &["s"]
    }
}

fn random<T: Scalar>(rng: &mut RandomState, rows: usize, cols: usize, scale: f64) -> Matrix<T> {
    Matrix::from_fn(rows, cols, |_, _| T::from_f64(scale * rng.randn()))
}

/// Affine → ReLU → ColumnScale → MatMul → Sigmoid → Affine → softmax loss:
/// both folding layers, a non-folding parametric layer, ragged widths.
fn net<T: Scalar>(seed: u32, inputs: usize) -> Sequential<T> {
    let mut rng = RandomState::new(seed);
    Sequential::new(SoftmaxWithLoss::new())
        .with(Affine::new(
            random(&mut rng, inputs, 129, 0.2),
            random(&mut rng, 1, 129, 0.1),
        ))
        .with(ReLU::new())
        .with(ColumnScale::new(random(&mut rng, 1, 129, 1.0)))
        .with(MatMul::new(random(&mut rng, 129, 67, 0.15)))
        .with(Sigmoid::new())
        .with(Affine::new(
            random(&mut rng, 67, 10, 0.3),
            random(&mut rng, 1, 10, 0.1),
        ))
}

fn bits<T: Scalar>(m: &Matrix<T>) -> Vec<f64> {
    m.as_slice().iter().map(|v| v.to_f64()).collect()
}

/// Runs `steps` training steps both ways and compares losses and
/// parameters bit for bit; returns the folded model.
fn compare<T: Scalar>(batch: usize, steps: usize, what: &str) -> Sequential<T> {
    let inputs = 37;
    let mut rng = RandomState::new(11);
    let x: Matrix<T> = random(&mut rng, batch, inputs, 1.0);
    let t: Vec<usize> = (0..batch).map(|i| (i * 7 + 3) % 10).collect();
    let mut sgd = Sgd::new(0.1);
    let (mut two, mut one) = (net::<T>(5, inputs), net::<T>(5, inputs));
    for step in 0..steps {
        let l2 = two.forward(x.view(), Targets::Indices(&t));
        two.backward_params();
        sgd.update(&mut two);
        let l1 = one.forward(x.view(), Targets::Indices(&t));
        one.backward_sgd(&sgd);
        assert_eq!(
            l1.to_f64().to_bits(),
            l2.to_f64().to_bits(),
            "{what} batch {batch} step {step}: loss {l1:?} vs {l2:?}"
        );
    }
    let names = two.param_names();
    for ((a, b), name) in two.params().iter().zip(one.params()).zip(&names) {
        assert!(
            bits(&a.value) == bits(&b.value),
            "{what} batch {batch}: {name} differs after {steps} steps"
        );
    }
    one
}

/// Whether each weight's gradient stayed at zero (never written).
fn untouched_weight_grads<T: Scalar>(model: &Sequential<T>) -> Vec<bool> {
    model
        .layers()
        .iter()
        .filter(|l| l.folds_sgd())
        .map(|l| l.params()[0].grad.as_slice().iter().all(|&g| g == T::ZERO))
        .collect()
}

fn every_kernel_and_thread_count<T: Scalar>(type_name: &str) {
    for kernel in kernels::available() {
        for threads in [1, 2] {
            let what = format!("{type_name} {kernel:?} threads={threads}");
            gemm::with_config(Config { kernel, threads }, || {
                for batch in [1, 7, 30, 128, ONE_PASS_DEPTH] {
                    let model = compare::<T>(batch, 3, &what);
                    assert_eq!(
                        untouched_weight_grads(&model),
                        [true, true, true],
                        "{what} batch {batch}: the step was not folded into the products"
                    );
                    // The non-folding layer stored its gradient and stepped.
                    assert!(model.layers()[2].params()[0]
                        .grad
                        .as_slice()
                        .iter()
                        .any(|&g| g != T::ZERO));
                }
                for batch in [ONE_PASS_DEPTH + 1, 300] {
                    let model = compare::<T>(batch, 2, &what);
                    assert_eq!(
                        untouched_weight_grads(&model),
                        [false, false, false],
                        "{what} batch {batch}: deeper than one pass, the gradient is stored"
                    );
                }
            });
        }
    }
}

#[test]
fn folded_sgd_is_two_passes_bit_for_bit_f32() {
    every_kernel_and_thread_count::<f32>("f32");
}

#[test]
fn folded_sgd_is_two_passes_bit_for_bit_f64() {
    every_kernel_and_thread_count::<f64>("f64");
}

/// Tied weights need their gradients summed before the step, so the model
/// takes the two passes; the result is the same either way.
#[test]
fn tied_weights_take_the_two_passes() {
    let make = || {
        let mut rng = RandomState::new(2);
        let mut m = Sequential::<f64>::new(SoftmaxWithLoss::new())
            .with(MatMul::new(random(&mut rng, 6, 4, 0.5)))
            .with(ReLU::new())
            .with(MatMul::new(random(&mut rng, 4, 6, 0.5)));
        m.tie(
            ParamRef { layer: 0, param: 0 },
            ParamRef { layer: 2, param: 0 },
            true,
        )
        .unwrap();
        m
    };
    let mut rng = RandomState::new(9);
    let x: Matrix<f64> = random(&mut rng, 9, 6, 1.0);
    let t: Vec<usize> = (0..9).map(|i| i % 6).collect();
    let mut sgd = Sgd::new(0.05);
    let (mut two, mut one) = (make(), make());
    for _ in 0..4 {
        two.forward(x.view(), Targets::Indices(&t));
        two.backward_params();
        sgd.update(&mut two);
        one.forward(x.view(), Targets::Indices(&t));
        one.backward_sgd(&sgd);
    }
    for (a, b) in two.layers().iter().zip(one.layers()) {
        for (p, q) in a.params().iter().zip(b.params()) {
            assert_eq!(bits(&p.value), bits(&q.value));
            assert_eq!(bits(&p.grad), bits(&q.grad));
        }
    }
}

/// A layer on its own: `backward_sgd` without the input gradient returns
/// `None` and steps like `backward_params` + SGD.
#[test]
fn first_layer_form_skips_the_input_gradient() {
    let mut rng = RandomState::new(4);
    let mut a = Affine::<f32>::new(random(&mut rng, 5, 3, 1.0), random(&mut rng, 1, 3, 1.0));
    let mut b = a.clone();
    let x: Matrix<f32> = random(&mut rng, 4, 5, 1.0);
    let dout: Matrix<f32> = random(&mut rng, 4, 3, 1.0);
    a.forward(x.view());
    a.backward_params(dout.view());
    let mut sgd = Sgd::new(0.3);
    for (i, p) in a.params_mut().iter_mut().enumerate() {
        sgd.update_param(i, p);
    }
    b.forward(x.view());
    assert!(b.backward_sgd(dout.view(), 0.3, false).is_none());
    assert_eq!(bits(&a.params()[0].value), bits(&b.params()[0].value));
    assert_eq!(bits(&a.params()[1].value), bits(&b.params()[1].value));
    // The bias gradient is stored (it is a pass over a row, not a matrix).
    assert_eq!(bits(&a.params()[1].grad), bits(&b.params()[1].grad));
}
