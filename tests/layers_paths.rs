//! The layers' element-wise passes that run on the kernel's vector path
//! (`gemm/kernel/x86_avx2/elementwise.rs`, eight f32 or four f64 lanes at a
//! time: the Sigmoid's backward `dout·(1 − y)·y`, SoftmaxWithLoss's
//! division by the row sums and its backward `(y − t)·dout / n`) give, bit
//! for bit, the book's formulas evaluated element by element, on every
//! kernel this machine has: every length up to a few vectors (the partial
//! last vector), and special values (±0, ±∞, NaN, subnormals, huge) in
//! `dout` and in the inputs whose sigmoid is `y` (so `y` is 0, 1, NaN or in
//! between).

mod common;

use common::rng::TestRng;
use groundup::gemm::{with_config, Config};
use groundup::layers::{softmax_rows, Layer, LossLayer, Sigmoid, SoftmaxWithLoss, Targets};
use groundup::{Matrix, Scalar};

/// One in eight a special value, else uniform in (−scale, scale).
fn value(rng: &mut TestRng, scale: f64) -> f64 {
    const SPECIAL: [f64; 10] = [
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        1e-310,
        -3e-39,
        1e300,
        1.0,
        -1.0,
    ];
    let w = rng.next_u64();
    if w % 8 == 0 {
        SPECIAL[(w >> 3) as usize % SPECIAL.len()]
    } else {
        scale * ((w >> 11) as f64 / (1u64 << 52) as f64 - 1.0)
    }
}

/// Whether `got` is `want`: the same bits, or both NaN (a NaN's payload is
/// not part of the promise).
fn same<T: Scalar>(got: T, want: T) -> bool {
    let (g, w) = (got.to_f64(), want.to_f64());
    g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan())
}

fn sigmoid_backward_matches_the_formula<T: Scalar>() {
    let mut rng = TestRng::new(1);
    let mut checked = 0;
    let kernels = common::kernels::available();
    for &kernel in &kernels {
        for (rows, cols) in (0..=41)
            .map(|n| (1, n))
            .chain([(30, 10), (30, 3), (7, 13), (3, 1)])
        {
            let x = Matrix::from_fn(rows, cols, |_, _| T::from_f64(value(&mut rng, 12.0)));
            let dout = Matrix::from_fn(rows, cols, |_, _| T::from_f64(value(&mut rng, 3.0)));
            let config = Config { kernel, threads: 1 };
            let (y, dx) = with_config(config, || {
                let mut sigmoid = Sigmoid::new();
                let y = sigmoid.forward(x.view()).clone();
                (y, sigmoid.backward(dout.view()).clone())
            });
            assert_eq!(dx.shape(), (rows, cols));
            for (i, ((&g, &d), &y)) in dx
                .as_slice()
                .iter()
                .zip(dout.as_slice())
                .zip(y.as_slice())
                .enumerate()
            {
                let want = d * (T::ONE - y) * y;
                assert!(
                    same(g, want),
                    "{kernel:?} {}: {rows}x{cols} element {i}: dout {d:?}, y {y:?}: got {g:?}, want {want:?}",
                    T::DTYPE
                );
                checked += 1;
            }
        }
    }
    // 861 elements of single rows, 484 of the matrices, per kernel.
    assert_eq!(checked, 1345 * kernels.len());
}

#[test]
fn sigmoid_backward_is_the_formula_on_every_kernel_f64() {
    sigmoid_backward_matches_the_formula::<f64>();
}

#[test]
fn sigmoid_backward_is_the_formula_on_every_kernel_f32() {
    sigmoid_backward_matches_the_formula::<f32>();
}

#[test]
#[should_panic(expected = "Sigmoid.backward: got shape (2, 3), expected (3, 2)")]
fn sigmoid_backward_rejects_a_gradient_of_another_shape() {
    let mut sigmoid = Sigmoid::<f64>::new();
    sigmoid.forward(Matrix::zeros(3, 2).view());
    sigmoid.backward(Matrix::zeros(2, 3).view());
}

/// SoftmaxWithLoss on every kernel: the probabilities are `softmax_rows`'
/// (which divides element by element), the gradient is
/// `((y − onehot(t))·dout) / n` element by element.
fn softmax_with_loss_matches_the_formula<T: Scalar>() {
    let mut rng = TestRng::new(2);
    let mut checked = 0;
    let kernels = common::kernels::available();
    for &kernel in &kernels {
        let shapes = (1..=13)
            .map(|c| (1, c))
            .chain([(30, 3), (7, 5), (4, 13), (3, 40), (2, 1)]);
        for (rows, cols) in shapes {
            let scores = Matrix::from_fn(rows, cols, |_, _| {
                let v = value(&mut rng, 8.0);
                T::from_f64(if v.is_finite() && v.abs() < 1e3 {
                    v
                } else {
                    0.5
                })
            });
            let classes: Vec<usize> = (0..rows)
                .map(|_| (rng.next_u64() % cols as u64) as usize)
                .collect();
            let dout = T::from_f64([1.0, 0.37, -2.5][checked % 3]);
            let config = Config { kernel, threads: 1 };
            let (y, dx) = with_config(config, || {
                let mut loss = SoftmaxWithLoss::new();
                loss.forward(scores.view(), Targets::Indices(&classes));
                let y = loss.probabilities().clone();
                (y, loss.backward(dout).clone())
            });
            let mut want_y = scores.clone();
            softmax_rows(&mut want_y);
            let n = T::from_usize(rows);
            for i in 0..rows {
                for j in 0..cols {
                    assert!(
                        same(y[(i, j)], want_y[(i, j)]),
                        "{kernel:?} {}: {rows}x{cols} probability ({i}, {j}): got {:?}, want {:?}",
                        T::DTYPE,
                        y[(i, j)],
                        want_y[(i, j)]
                    );
                    let v = if j == classes[i] {
                        y[(i, j)] - T::ONE
                    } else {
                        y[(i, j)]
                    };
                    let want = v * dout / n;
                    assert!(
                        same(dx[(i, j)], want),
                        "{kernel:?} {}: {rows}x{cols} gradient ({i}, {j}): got {:?}, want {want:?}",
                        T::DTYPE,
                        dx[(i, j)]
                    );
                    checked += 1;
                }
            }
        }
    }
    // 91 elements of single rows, 299 of the matrices, per kernel.
    assert_eq!(checked, 390 * kernels.len());
}

#[test]
fn softmax_with_loss_is_the_formula_on_every_kernel_f64() {
    softmax_with_loss_matches_the_formula::<f64>();
}

#[test]
fn softmax_with_loss_is_the_formula_on_every_kernel_f32() {
    softmax_with_loss_matches_the_formula::<f32>();
}
