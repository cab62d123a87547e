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
//! per parameter.
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
    /// The worst error over everything checked.
    pub fn max_error(&self) -> f64 {
        self.entries.iter().fold(0.0, |m, (_, e)| m.max(*e))
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

/// The element error used throughout (see the module docs).
pub fn element_error(analytic: f64, numeric: f64) -> f64 {
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
/// value last, which restores it.
fn worst_error(
    analytic: &[f64],
    originals: &[f64],
    mut loss_at: impl FnMut(usize, f64) -> f64,
) -> f64 {
    let mut worst = 0.0f64;
    for (e, (&a, &v0)) in analytic.iter().zip(originals).enumerate() {
        let numeric = five_point(v0, |v| loss_at(e, v));
        loss_at(e, v0);
        worst = worst.max(element_error(a, numeric));
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
    let worst = worst_error(dx.as_slice(), x.as_slice(), |e, v| {
        xp.as_mut_slice()[e] = v;
        weighted_sum(layer.forward(xp.view()), r)
    });
    report.entries.push(("input".into(), worst));

    let names = layer.param_names();
    for (pi, (value, grad)) in params.iter().enumerate() {
        let worst = worst_error(grad.as_slice(), value.as_slice(), |e, v| {
            layer.params_mut()[pi].value.as_mut_slice()[e] = v;
            weighted_sum(layer.forward(x.view()), r)
        });
        let name = names
            .get(pi)
            .map_or_else(|| format!("param {pi}"), |n| n.to_string());
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
    let worst = worst_error(dx.as_slice(), x.as_slice(), |e, v| {
        xp.as_mut_slice()[e] = v;
        model.forward(xp.view(), t)
    });
    report.entries.push(("input".into(), worst));

    for (pi, (value, grad)) in params.iter().enumerate() {
        let worst = worst_error(grad.as_slice(), value.as_slice(), |e, v| {
            model.for_each_param(&mut |i, p| {
                if i == pi {
                    p.value.as_mut_slice()[e] = v;
                }
            });
            model.forward(x.view(), t)
        });
        let name = names
            .get(pi)
            .cloned()
            .unwrap_or_else(|| format!("param {pi}"));
        report.entries.push((name, worst));
    }
    report
}
