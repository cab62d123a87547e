//! The gradient checker itself can fail: a NaN or infinite analytic
//! gradient, or one of the wrong shape, is caught (each by a deliberately
//! broken layer); and ReLU keeps NaN as the book's mask does.

use groundup::gradcheck::{check_layer, Report};
use groundup::layers::{Layer, ReLU};
use groundup::{Matrix, MatrixView};

/// `y = 2x`, whose backward is correct except for what `fault` does to it.
struct Doubler {
    out: Matrix<f64>,
    dx: Matrix<f64>,
    fault: fn(&mut Matrix<f64>),
}

impl Layer<f64> for Doubler {
    fn name(&self) -> &'static str {
        "Doubler"
    }
    fn forward(&mut self, x: MatrixView<'_, f64>) -> &Matrix<f64> {
        self.out = Matrix::from_fn(x.rows(), x.cols(), |i, j| 2.0 * x.row(i)[j]);
        &self.out
    }
    fn infer(&self, x: MatrixView<'_, f64>) -> Matrix<f64> {
        Matrix::from_fn(x.rows(), x.cols(), |i, j| 2.0 * x.row(i)[j])
    }
    fn backward(&mut self, dout: MatrixView<'_, f64>) -> &Matrix<f64> {
        self.dx = Matrix::from_fn(dout.rows(), dout.cols(), |i, j| 2.0 * dout.row(i)[j]);
        (self.fault)(&mut self.dx);
        &self.dx
    }
}

fn check(fault: fn(&mut Matrix<f64>)) -> Report {
    let x = Matrix::from_fn(3, 4, |i, j| i as f64 - 0.5 * j as f64);
    let r = Matrix::from_fn(3, 4, |i, j| 0.1 * (i * 4 + j) as f64 - 0.4);
    let mut layer = Doubler {
        out: Matrix::zeros(0, 0),
        dx: Matrix::zeros(0, 0),
        fault,
    };
    check_layer(&mut layer, &x, &r)
}

#[test]
fn a_correct_layer_passes() {
    let report = check(|_| {});
    assert!(report.max_error() < 1e-9, "{report}");
}

#[test]
fn a_nan_gradient_fails() {
    let report = check(|dx| dx.as_mut_slice()[5] = f64::NAN);
    // The usual `assert!(report.max_error() < tol)` must fail.
    assert!(
        report.max_error().partial_cmp(&1e-6) != Some(std::cmp::Ordering::Less),
        "{report}"
    );
    assert_eq!(report.max_error(), f64::INFINITY, "{report}");
}

#[test]
fn an_infinite_gradient_fails() {
    let report = check(|dx| dx.as_mut_slice()[0] = f64::NEG_INFINITY);
    assert_eq!(report.max_error(), f64::INFINITY, "{report}");
}

#[test]
fn a_wrong_gradient_fails() {
    let report = check(|dx| dx.as_mut_slice()[7] += 1e-3);
    assert!(report.max_error() > 1e-5, "{report}");
}

#[test]
fn a_short_gradient_panics_with_both_shapes() {
    let err =
        std::panic::catch_unwind(|| check(|dx| *dx = Matrix::from_fn(2, 4, |i, j| dx.row(i)[j])))
            .unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(
        msg.contains("the input has shape (3, 4)") && msg.contains("(2, 4)"),
        "{msg}"
    );
}

#[test]
fn a_nan_entry_is_not_dropped_by_max_error() {
    let report = Report {
        entries: vec![("a".into(), 0.5), ("b".into(), f64::NAN), ("c".into(), 0.1)],
    };
    assert!(report.max_error().is_nan());
}

#[test]
fn relu_keeps_nan_and_passes_its_gradient() {
    let x = Matrix::from_fn(1, 5, |_, j| [f64::NAN, -1.0, -0.0, 0.0, 2.0][j]);
    let mut relu = ReLU::new();
    let y = relu.forward(x.view()).clone();
    assert!(y.as_slice()[0].is_nan());
    assert_eq!(&y.as_slice()[1..], &[0.0, 0.0, 0.0, 2.0]);
    let dout = Matrix::filled(1, 5, 3.0);
    let dx = relu.backward(dout.view());
    assert_eq!(dx.as_slice(), &[3.0, 0.0, 0.0, 0.0, 3.0]);
    // The same in f32.
    let x32 = x.cast::<f32>();
    let mut relu32 = ReLU::<f32>::new();
    assert!(relu32.forward(x32.view()).as_slice()[0].is_nan());
}
