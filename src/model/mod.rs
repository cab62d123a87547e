//! Networks: the [`Model`] interface the trainer and optimizers use,
//! [`TwoLayerNet`] (the book's ch. 1 network) and [`Sequential`] (any stack
//! of single-input layers plus a loss).

mod sequential;
mod two_layer_net;

pub use sequential::{ParamRef, Sequential};
pub use two_layer_net::TwoLayerNet;

use crate::layers::{Param, Targets};
use crate::matrix::{Matrix, MatrixView};
use crate::scalar::Scalar;

/// A trainable network with a loss.
pub trait Model<T: Scalar> {
    /// Scores (the output before the loss) for a batch `x`.
    fn predict(&mut self, x: MatrixView<'_, T>) -> &Matrix<T>;
    /// The loss for batch `x` with targets `t`; keeps what `backward` needs.
    fn forward(&mut self, x: MatrixView<'_, T>, t: Targets<'_, T>) -> T;
    /// Backpropagates from the loss (dout = 1), overwriting every
    /// parameter's gradient (tied parameters get the sum of their uses).
    /// Returns ∂loss/∂x.
    fn backward(&mut self) -> &Matrix<T>;
    /// Visits every distinct parameter with a stable index (a tied parameter
    /// once). Changes made to a tied parameter's value are copied to its
    /// other uses after the visit.
    fn for_each_param(&mut self, f: &mut dyn FnMut(usize, &mut Param<T>));
    /// Stable, unique names of the parameters in visiting order, e.g.
    /// `layers.0.W` (used by the file formats).
    fn param_names(&self) -> Vec<String>;
    /// Switches layers with train/eval behaviour (Dropout). Default: no-op.
    fn set_training(&mut self, _training: bool) {}
    /// The input width the model requires, if known.
    fn input_cols(&self) -> Option<usize> {
        None
    }
    /// The number of scores per row the model outputs, if known.
    fn output_cols(&self) -> Option<usize> {
        None
    }
    /// Fraction of rows of `x` whose predicted class (argmax of the scores)
    /// equals the target class. Evaluates in eval mode (Dropout off) and
    /// switches back to training mode afterwards.
    fn accuracy(&mut self, x: MatrixView<'_, T>, t: Targets<'_, T>) -> f64 {
        assert_eq!(
            x.rows(),
            t.len(),
            "accuracy: {} input rows but {} targets",
            x.rows(),
            t.len()
        );
        if x.rows() == 0 {
            return 0.0;
        }
        self.set_training(false);
        let predicted = self.predict(x).argmax_rows();
        let correct = predicted
            .iter()
            .enumerate()
            .filter(|&(i, &p)| p == t.class(i))
            .count();
        self.set_training(true);
        correct as f64 / x.rows() as f64
    }
}
