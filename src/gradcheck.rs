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
pub const H: f64 = 1e-4;
/// Gradients smaller than this are compared in absolute terms (see the
/// module docs).
pub const FLOOR: f64 = 1e-4;

/// The worst element error per checked quantity.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// `(name, worst error)`: `"input"`, then the parameters by name.
    pub entries: Vec<(String, f64)>,
}

impl Report {
    /// The worst error over everything checked (NaN if any entry is NaN:
    /// unlike `f64::max`, a NaN is never dropped).
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

/// Checks `layer` at input `x` with upstream gradient `r` (same shape as the
/// layer's output). Panics if `r` has the wrong shape.
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
