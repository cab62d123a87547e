//! Data sets and label helpers.
//!
//! * [`csv`]: numeric CSV files with a label column (class indices or words),
//!   RFC 4180 quoting, missing values, with line/column errors.
//! * [`mlp_bench`]: the synthetic data and network of the mlp-bench workload.
//! * [`spiral`]: the book's three-arm spiral (`dataset/spiral.py`,
//!   `load_data`), bit-identical to numpy, with the generator state carried
//!   on for the rest of a training run.
//! * [`one_hot`] / [`try_one_hot`]: the book's `convert_one_hot` for a 1-d
//!   array of labels.
//!
//! Everything here builds `f64` matrices like numpy does; for an `f32` run
//! convert with [`Matrix::cast`] (`x.astype(np.float32)`).

pub mod csv;
pub mod mlp_bench;
pub mod sequence;
pub mod spiral;

pub use spiral::{load_data, load_data_with_rng};

use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::scalar::Scalar;

/// One-hot encoding of class labels, the book's `convert_one_hot(labels,
/// classes)` for 1-d input: row `i` is all zeros except a one in column
/// `labels[i]`.
///
/// # Panics
/// If a label is `>= classes` (numpy raises `IndexError`); see
/// [`try_one_hot`] for the checked form.
///
/// ```
/// use groundup::data::one_hot;
/// let t = one_hot::<f32>(&[2, 0], 3);
/// assert_eq!(t.as_slice(), &[0.0, 0.0, 1.0, 1.0, 0.0, 0.0]);
/// assert_eq!(t.argmax_rows(), [2, 0]);
/// ```
pub fn one_hot<T: Scalar>(labels: &[usize], classes: usize) -> Matrix<T> {
    match try_one_hot(labels, classes) {
        Ok(m) => m,
        Err(e) => panic!("one_hot: {e}"),
    }
}

/// [`one_hot`] returning an error instead of panicking.
///
/// # Errors
/// [`Error::InvalidArgument`] naming the first label `>= classes` and its
/// position.
///
/// ```
/// use groundup::data::try_one_hot;
/// let err = try_one_hot::<f64>(&[0, 3], 3).unwrap_err();
/// assert!(err.to_string().contains("label 3 at index 1"));
/// ```
pub fn try_one_hot<T: Scalar>(labels: &[usize], classes: usize) -> Result<Matrix<T>> {
    let mut t = Matrix::zeros(labels.len(), classes);
    for (i, &c) in labels.iter().enumerate() {
        if c >= classes {
            return Err(Error::InvalidArgument(format!(
                "label {c} at index {i} is out of range for {classes} classes"
            )));
        }
        t[(i, c)] = T::ONE;
    }
    Ok(t)
}
