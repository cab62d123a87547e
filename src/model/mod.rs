//! Networks: the [`Model`] interface the trainer and optimizers use,
//! [`TwoLayerNet`] (the book's ch. 1 network) and [`Sequential`] (any stack
//! of single-input layers plus a loss).

mod sequential;
mod two_layer_net;

pub use sequential::{ParamRef, Sequential};
pub use two_layer_net::TwoLayerNet;

use crate::layers::{Param, ParamKind, Targets};
use crate::matrix::{Matrix, MatrixView};
use crate::scalar::Scalar;

/// A trainable network with a loss.
pub trait Model<T: Scalar> {
    /// Scores (the output before the loss) for a batch `x`, in the model's
    /// current mode, reusing the layers' buffers (the training loop's form).
    fn predict(&mut self, x: MatrixView<'_, T>) -> &Matrix<T>;
    /// Scores for a batch `x` in evaluation mode (Dropout scales instead of
    /// dropping) through a shared reference: nothing is cached, the result
    /// is allocated. Equal to [`predict`](Model::predict) in eval mode.
    fn infer(&self, x: MatrixView<'_, T>) -> Matrix<T>;
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
    /// Every distinct parameter (a tied one once), read-only, in the order
    /// and with the indices of [`for_each_param`](Model::for_each_param).
    fn params(&self) -> Vec<&Param<T>>;
    /// Stable, unique names of the parameters in visiting order, e.g.
    /// `layers.0.W` (used by the file formats).
    fn param_names(&self) -> Vec<String>;
    /// The [`ParamKind`] of each parameter, in the order of
    /// [`params`](Model::params): which are linear weights `(in, out)`
    /// (transposed in PyTorch's layout) and which are biases. Default: all
    /// [`ParamKind::Unknown`], so a model that does not say loads and saves
    /// only in groundup's own layout.
    ///
    /// ```
    /// use groundup::layers::ParamKind::{Bias, LinearWeight};
    /// use groundup::model::{Model, TwoLayerNet};
    /// let net = TwoLayerNet::<f32>::new(2, 3, 2, &mut || 0.0);
    /// assert_eq!(net.param_kinds(), [LinearWeight, Bias, LinearWeight, Bias]);
    /// ```
    fn param_kinds(&self) -> Vec<ParamKind> {
        vec![ParamKind::Unknown; self.params().len()]
    }
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
    /// Fraction of rows of `x` whose predicted class equals the target
    /// class, evaluated with [`infer`](Model::infer) (eval mode, the
    /// model's own mode untouched). The predicted class is the argmax of
    /// the scores; with a single score column (a sigmoid output) it is 1
    /// where the score is above 0, i.e. the probability above 0.5.
    ///
    /// Panics, naming the problem, where [`try_accuracy`](Model::try_accuracy)
    /// returns an error.
    fn accuracy(&self, x: MatrixView<'_, T>, t: Targets<'_, T>) -> f64 {
        self.try_accuracy(x, t).unwrap_or_else(|e| panic!("{e}"))
    }
    /// [`accuracy`](Model::accuracy) for targets from user data.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) when the
    /// row counts differ, or a target class (index, or one-hot width) does
    /// not exist among the model's outputs, naming the row and the class.
    fn try_accuracy(&self, x: MatrixView<'_, T>, t: Targets<'_, T>) -> crate::Result<f64> {
        let bad = |msg: String| Err(crate::Error::InvalidArgument(msg));
        if x.rows() != t.len() {
            return bad(format!(
                "accuracy: {} input rows but {} targets",
                x.rows(),
                t.len()
            ));
        }
        if x.rows() == 0 {
            return Ok(0.0);
        }
        let scores = self.infer(x);
        // A single score column is a sigmoid: two classes.
        let classes = scores.cols().max(2);
        match t {
            Targets::Indices(idx) => {
                if let Some((row, &c)) = idx.iter().enumerate().find(|(_, &c)| c >= classes) {
                    return bad(format!(
                        "accuracy: target class {c} at row {row} is out of range for {classes} classes"
                    ));
                }
            }
            Targets::OneHot(m)
                if m.cols() != scores.cols() && !(scores.cols() == 1 && m.cols() <= 2) =>
            {
                return bad(format!(
                    "accuracy: one-hot targets have {} columns but the model outputs {}",
                    m.cols(),
                    scores.cols()
                ));
            }
            Targets::OneHot(_) => {}
        }
        let predicted = if scores.cols() == 1 {
            scores.iter().map(|&s| usize::from(s > T::ZERO)).collect()
        } else {
            scores.argmax_rows()
        };
        let correct = predicted
            .iter()
            .enumerate()
            .filter(|&(i, &p)| p == t.class(i))
            .count();
        Ok(correct as f64 / x.rows() as f64)
    }
}
