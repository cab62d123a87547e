//! Numerical gradient checking in `f64` by central differences.
//!
//! For a layer, the scalar checked is `L = Σ forward(x) ⊙ R` for a fixed
//! matrix `R` (so `∂L/∂out = R` is what `backward` receives); for a model it
//! is the model's own loss. Each input and parameter element is moved by
//! `±h` and `±2h` and the five-point central difference
//! `(8(L(+h) − L(−h)) − (L(+2h) − L(−2h))) / 12h` (truncation error O(h⁴))
//! is compared with the analytic gradient.
//!
//! The error of one element is `|analytic − numeric| / max(|analytic|,
//! |numeric|, FLOOR)`: relative for gradients that are not tiny, and
//! absolute-over-`FLOOR` for those that are (whose central differences are
//! dominated by rounding). [`Report`] keeps the worst element per input and
//! per parameter. A non-finite gradient (analytic or numeric) is an
//! infinite error, so NaN and infinity always fail a check, and an analytic
//! gradient whose shape differs from its input's or parameter's panics with
//! both shapes.
//!
//! ```
//! use groundup::gradcheck::check_layer;
//! use groundup::layers::Sigmoid;
//! use groundup::Matrix;
//! let x = Matrix::from_fn(3, 4, |i, j| (i as f64 - j as f64) * 0.3);
//! let r = Matrix::from_fn(3, 4, |i, j| (i * 4 + j) as f64 * 0.1 - 0.5);
//! let report = check_layer(&mut Sigmoid::new(), &x, &r);
//! assert!(report.max_error() < 1e-6, "{report}");
//! ```

use crate::layers::{Layer, Targets};
use crate::matrix::Matrix;
use crate::model::Model;
use std::fmt;

/// Step of the central difference.
///
/// With this step the five-point difference gives the derivative of a smooth
/// function to about 1e-10 (here `d/dx x³ = 3` at `x = 1`):
///
/// ```
/// use groundup::gradcheck::H;
/// let f = |x: f64| x * x * x;
/// let numeric = (8.0 * (f(1.0 + H) - f(1.0 - H)) - (f(1.0 + 2.0 * H) - f(1.0 - 2.0 * H))) / (12.0 * H);
/// assert!((numeric - 3.0).abs() < 1e-10);
/// ```
pub const H: f64 = 1e-4;
/// Gradients smaller than this are compared in absolute terms (see the
/// module docs).
///
/// ```
/// use groundup::gradcheck::{element_error, FLOOR};
/// // An analytic 0 against a numeric 1e-8 (rounding noise) is not a 100% error:
/// assert_eq!(element_error(0.0, 1e-8), 1e-8 / FLOOR);
/// assert!(element_error(0.0, 1e-8) < 1e-3);
/// // Above the floor the error is relative.
/// assert_eq!(element_error(1.0, 1.5), 0.5 / 1.5);
/// ```
pub const FLOOR: f64 = 1e-4;

/// The worst element error per checked quantity.
///
/// It prints as `name: error` pairs:
///
/// ```
/// use groundup::gradcheck::Report;
/// let report = Report {
///     entries: vec![("input".into(), 2e-10), ("Affine W".into(), 3e-8)],
/// };
/// assert_eq!(report.max_error(), 3e-8);
/// assert_eq!(report.to_string(), "input: 2.00e-10, Affine W: 3.00e-8");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// `(name, worst error)`: `"input"`, then the parameters by name.
    pub entries: Vec<(String, f64)>,
}

impl Report {
    /// The worst error over everything checked (NaN if any entry is NaN:
    /// unlike `f64::max`, a NaN is never dropped).
    ///
    /// ```
    /// use groundup::gradcheck::Report;
    /// let mut report = Report::default();
    /// assert_eq!(report.max_error(), 0.0);
    /// report.entries.push(("input".into(), 1e-9));
    /// report.entries.push(("W".into(), f64::NAN));
    /// report.entries.push(("b".into(), 1e-7));
    /// // The NaN of W is not hidden by the larger error of b.
    /// assert!(report.max_error().is_nan());
    /// ```
    pub fn max_error(&self) -> f64 {
        self.entries
            .iter()
            .fold(0.0, |m, &(_, e)| if e.is_nan() || e > m { e } else { m })
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, e)) in self.entries.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{name}: {e:.2e}")?;
        }
        Ok(())
    }
}

/// The element error used throughout (see the module docs); infinite when
/// either gradient is NaN or infinite.
///
/// ```
/// use groundup::gradcheck::element_error;
/// assert_eq!(element_error(2.0, 2.0), 0.0);
/// assert!(element_error(1.0, 1.0 + 1e-9) < 1e-8);
/// assert_eq!(element_error(f64::NAN, 1.0), f64::INFINITY);
/// assert_eq!(element_error(1.0, f64::INFINITY), f64::INFINITY);
/// ```
pub fn element_error(analytic: f64, numeric: f64) -> f64 {
    if !analytic.is_finite() || !numeric.is_finite() {
        return f64::INFINITY;
    }
    let diff = (analytic - numeric).abs();
    if diff == 0.0 {
        return 0.0;
    }
    diff / analytic.abs().max(numeric.abs()).max(FLOOR)
}

/// `dL/dv` at `v0` by the five-point central difference with step [`H`].
fn five_point(v0: f64, mut loss_at: impl FnMut(f64) -> f64) -> f64 {
    let (p1, m1) = (loss_at(v0 + H), loss_at(v0 - H));
    let (p2, m2) = (loss_at(v0 + 2.0 * H), loss_at(v0 - 2.0 * H));
    (8.0 * (p1 - m1) - (p2 - m2)) / (12.0 * H)
}

fn weighted_sum(out: &Matrix<f64>, r: &Matrix<f64>) -> f64 {
    out.as_slice()
        .iter()
        .zip(r.as_slice())
        .map(|(a, b)| a * b)
        .sum()
}

/// The worst [`element_error`] between `analytic[e]` and the five-point
/// derivative of `loss_at(e, v)` around `originals[e]`. `loss_at` sets
/// element `e` to `v` and returns the loss; it is called with the original
/// value last, which restores it. Panics, naming `what` and both shapes,
/// when the analytic gradient's shape is not the checked value's.
fn worst_error(
    what: &str,
    analytic: &Matrix<f64>,
    originals: &Matrix<f64>,
    mut loss_at: impl FnMut(usize, f64) -> f64,
) -> f64 {
    assert_eq!(
        analytic.shape(),
        originals.shape(),
        "gradcheck: the analytic gradient of {what} has shape {:?}, but {what} has shape {:?}",
        analytic.shape(),
        originals.shape()
    );
    let mut worst = 0.0f64;
    for (e, (&a, &v0)) in analytic
        .as_slice()
        .iter()
        .zip(originals.as_slice())
        .enumerate()
    {
        let numeric = five_point(v0, |v| loss_at(e, v));
        loss_at(e, v0);
        let err = element_error(a, numeric);
        if err > worst {
            worst = err;
        }
    }
    worst
}

/// The worst [`element_error`] between `analytic` and the five-point
/// numerical gradient of `loss` with respect to `x`: for layers outside
/// the [`Layer`] trait (a shared weight, integer inputs, a sampled loss).
/// `loss` gets `x` with one element moved at a time. Panics naming `what`
/// and both shapes when `analytic` is not `x`'s shape.
///
/// ```
/// use groundup::gradcheck::check_matrix;
/// use groundup::matrix;
/// let x = matrix![[1.0, -2.0], [0.5, 3.0]];
/// // d/dx Σ x³ = 3x²
/// let analytic = x.map(|v| 3.0 * v * v);
/// let err = check_matrix("x", &analytic, &x, |x| x.iter().map(|v| v * v * v).sum());
/// assert!(err < 1e-9);
/// let wrong = x.map(|v| 3.0 * v * v + 1e-3);
/// assert!(check_matrix("x", &wrong, &x, |x| x.iter().map(|v| v * v * v).sum()) > 1e-6);
/// ```
pub fn check_matrix(
    what: &str,
    analytic: &Matrix<f64>,
    x: &Matrix<f64>,
    mut loss: impl FnMut(&Matrix<f64>) -> f64,
) -> f64 {
    let mut moved = x.clone();
    worst_error(what, analytic, x, |e, v| {
        moved.as_mut_slice()[e] = v;
        loss(&moved)
    })
}

/// Checks `layer` at input `x` with upstream gradient `r` (same shape as the
/// layer's output). Panics if `r` has the wrong shape.
///
/// ```
/// use groundup::gradcheck::check_layer;
/// use groundup::layers::Affine;
/// use groundup::{matrix, Matrix};
/// let w = matrix![[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]];
/// let mut affine = Affine::new(w, matrix![[0.1, 0.2, 0.3]]);
/// let x = matrix![[1.0, 2.0], [-3.0, 0.5]];
/// let r = Matrix::from_fn(2, 3, |i, j| (i + 2 * j) as f64 - 1.5);
/// let report = check_layer(&mut affine, &x, &r);
/// let names: Vec<&str> = report.entries.iter().map(|(n, _)| n.as_str()).collect();
/// assert_eq!(names, ["input", "Affine W", "Affine b"]);
/// assert!(report.max_error() < 1e-8, "{report}");
/// ```
pub fn check_layer(layer: &mut dyn Layer<f64>, x: &Matrix<f64>, r: &Matrix<f64>) -> Report {
    let out_shape = layer.forward(x.view()).shape();
    assert_eq!(
        out_shape,
        r.shape(),
        "check_layer: R shape must equal the output shape"
    );
    let dx = layer.backward(r.view()).clone();
    let params: Vec<(Matrix<f64>, Matrix<f64>)> = layer
        .params()
        .iter()
        .map(|p| (p.value.clone(), p.grad.clone()))
        .collect();
    let mut report = Report::default();

    let mut xp = x.clone();
    let worst = worst_error("the input", &dx, x, |e, v| {
        xp.as_mut_slice()[e] = v;
        weighted_sum(layer.forward(xp.view()), r)
    });
    report.entries.push(("input".into(), worst));

    let names = layer.param_names();
    for (pi, (value, grad)) in params.iter().enumerate() {
        let name = names
            .get(pi)
            .map_or_else(|| format!("param {pi}"), |n| n.to_string());
        let worst = worst_error(&format!("parameter {name}"), grad, value, |e, v| {
            layer.params_mut()[pi].value.as_mut_slice()[e] = v;
            weighted_sum(layer.forward(x.view()), r)
        });
        report
            .entries
            .push((format!("{} {name}", layer.name()), worst));
    }
    report
}

/// Checks a model's loss gradient with respect to its input and every
/// distinct parameter (tied parameters are perturbed once, through the
/// model, so both uses move together).
///
/// ```
/// use groundup::gradcheck::check_model;
/// use groundup::layers::{LossLayer, Targets};
/// use groundup::model::TwoLayerNet;
/// use groundup::Matrix;
/// let mut net = TwoLayerNet::from_params(
///     Matrix::from_fn(3, 4, |i, j| (i as f64 - j as f64) * 0.4),
///     Matrix::filled(1, 4, 0.1),
///     Matrix::from_fn(4, 2, |i, j| (i * 2 + j) as f64 * 0.3 - 1.0),
///     Matrix::zeros(1, 2),
/// );
/// // With the book's 1e-7 inside the log, backward is off by ~1e-7; the check
/// // needs the exact gradient.
/// net.loss_layer_mut().set_log_epsilon(0.0);
/// let x = Matrix::from_fn(5, 3, |i, j| ((i * 3 + j) as f64).sin());
/// let report = check_model(&mut net, &x, Targets::Indices(&[0, 1, 1, 0, 1]));
/// assert_eq!(report.entries.len(), 5); // the input, W1, b1, W2, b2
/// assert_eq!(report.entries[1].0, "layers.0.W");
/// assert!(report.max_error() < 1e-6, "{report}");
/// ```
pub fn check_model(model: &mut dyn Model<f64>, x: &Matrix<f64>, t: Targets<'_, f64>) -> Report {
    model.forward(x.view(), t);
    let dx = model.backward().clone();
    let mut params = Vec::new();
    model.for_each_param(&mut |_, p| params.push((p.value.clone(), p.grad.clone())));
    let names = model.param_names();
    let mut report = Report::default();

    let mut xp = x.clone();
    let worst = worst_error("the input", &dx, x, |e, v| {
        xp.as_mut_slice()[e] = v;
        model.forward(xp.view(), t)
    });
    report.entries.push(("input".into(), worst));

    for (pi, (value, grad)) in params.iter().enumerate() {
        let name = names
            .get(pi)
            .cloned()
            .unwrap_or_else(|| format!("param {pi}"));
        let worst = worst_error(&format!("parameter {name}"), grad, value, |e, v| {
            model.for_each_param(&mut |i, p| {
                if i == pi {
                    p.value.as_mut_slice()[e] = v;
                }
            });
            model.forward(x.view(), t)
        });
        report.entries.push((name, worst));
    }
    report
}
