//! The crate's error type.
//!
//! Policy (see the crate docs): operations whose failure is a programming
//! error (multiplying matrices of incompatible shapes, feeding a layer the
//! wrong width) panic with a message naming both shapes, like `ndarray` and
//! slice indexing do, and offer a `try_` twin returning [`Error`] where a
//! caller may want to recover. Everything that depends on outside input
//! (files, command lines, user data, training that diverges) returns
//! `Result<_, Error>`.

use std::fmt;
use std::path::PathBuf;

/// Everything that can go wrong in groundup, with the offending values.
///
/// ```
/// use groundup::{Error, Matrix};
/// let err = Matrix::<f32>::from_vec(2, 3, vec![0.0; 5]).unwrap_err();
/// // Display names the values; the fields carry them for code that recovers.
/// assert_eq!(err.to_string(), "data length 5 does not match shape (2, 3), which needs 6 elements");
/// match err {
///     Error::LengthMismatch { expected, got, .. } => assert_eq!((expected, got), (Some(6), 5)),
///     other => panic!("unexpected error: {other}"),
/// }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A buffer's length does not equal `rows * cols`.
    LengthMismatch {
        /// Requested rows.
        rows: usize,
        /// Requested columns.
        cols: usize,
        /// `rows * cols`, or `None` when it overflows `usize`.
        expected: Option<usize>,
        /// The length actually given.
        got: usize,
    },
    /// Two operands (or an operand and a layer) have incompatible shapes.
    ShapeMismatch {
        /// What was being done, e.g. `"matmul"` or `"Affine.forward"`.
        op: String,
        /// The left / expected shape.
        left: (usize, usize),
        /// The right / actual shape.
        right: (usize, usize),
    },
    /// An argument is out of its domain (batch size 0, an unknown name, …).
    InvalidArgument(String),
    /// Training produced a NaN or infinite loss.
    NonFiniteLoss {
        /// 1-based epoch (as printed).
        epoch: usize,
        /// 1-based iteration within the epoch (as printed).
        iter: usize,
        /// The loss value.
        loss: f64,
    },
    /// An operating-system I/O error, with the path it happened on.
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file is malformed: `what` says what was wrong, `offset` where (in bytes).
    Format {
        /// The format: `"npy"`, `"safetensors"`.
        format: &'static str,
        /// Byte offset of the problem, when it is known.
        offset: Option<u64>,
        /// What is wrong, with the offending value.
        what: String,
    },
    /// A CSV file is malformed at a line (1-based) and column (1-based).
    Csv {
        /// 1-based line number.
        line: usize,
        /// 1-based column number, when the problem is one field.
        column: Option<usize>,
        /// What is wrong, with the offending text.
        what: String,
    },
    /// A stored tensor does not fit the model it is loaded into.
    ModelMismatch(String),
    /// A file stores an element type groundup does not read: npy
    /// structured, object, string, complex or datetime arrays, safetensors
    /// 8-bit floats, a name the format does not define. The message says
    /// what kind of dtype it is and what is read instead.
    UnsupportedDType {
        /// The format: `"npy"`, `"safetensors"`.
        format: &'static str,
        /// The dtype exactly as the file spells it.
        dtype: String,
    },
    /// Data holds one float type but the other was asked for (say an `F64`
    /// safetensors tensor read into a `Matrix<f32>`); read it as the stored type and
    /// [`cast`](crate::Matrix::cast) if a conversion is wanted.
    DTypeMismatch {
        /// What was being read, e.g. `"npy file"` or `"tensor \"w1\""`.
        context: String,
        /// The type the caller asked for.
        expected: crate::DType,
        /// The type that is stored.
        found: crate::DType,
    },
    /// A stored value has no exact counterpart in the type it is read as:
    /// an integer `f32` (beyond 2^24 in magnitude) or `f64` (beyond 2^53)
    /// would round, a negative class label, a label beyond `usize::MAX`.
    /// Nothing is rounded or wrapped silently.
    ///
    /// ```
    /// use groundup::{Error, Matrix};
    /// let mut npy = b"\x93NUMPY\x01\x00".to_vec();
    /// let dict = b"{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }\n";
    /// npy.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    /// npy.extend_from_slice(dict);
    /// for v in [7i64, (1 << 53) + 1] {
    ///     npy.extend_from_slice(&v.to_le_bytes());
    /// }
    /// let err = Matrix::<f64>::from_npy_bytes(&npy).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "npy file (<i8, shape (2,)): element 1 (row-major) is 9007199254740993, \
    ///      not exactly representable as float64"
    /// );
    /// assert!(matches!(err, Error::NotRepresentable { index: 1, .. }));
    /// ```
    NotRepresentable {
        /// What was being read, with its dtype and shape, e.g.
        /// `npy file (<i8, shape (2, 3))` or `tensor "ids" (I64, shape [4])`.
        context: String,
        /// Position of the first such value, counted in row-major (C) order
        /// as numpy's `a.flat[index]` counts, whatever the file's memory
        /// order.
        index: usize,
        /// The value as stored, e.g. `9007199254740993` or `-1`.
        value: String,
        /// What it was to become: `float32`, `float64`, `a label (usize)`.
        target: String,
    },
    /// A well-formed file uses a feature groundup does not support
    /// (Fortran order, more than two dimensions, an unknown format version).
    Unsupported {
        /// The format: `"npy"`, `"safetensors"`.
        format: &'static str,
        /// What is unsupported, with the offending value.
        what: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::LengthMismatch {
                rows,
                cols,
                expected,
                got,
            } => match expected {
                Some(e) => write!(
                    f,
                    "data length {got} does not match shape ({rows}, {cols}), which needs {e} elements"
                ),
                None => write!(
                    f,
                    "shape ({rows}, {cols}) overflows usize (data length {got})"
                ),
            },
            Error::ShapeMismatch { op, left, right } => write!(
                f,
                "{op}: incompatible shapes ({}, {}) and ({}, {})",
                left.0, left.1, right.0, right.1
            ),
            Error::InvalidArgument(s) => f.write_str(s),
            Error::NonFiniteLoss { epoch, iter, loss } => write!(
                f,
                "loss became non-finite ({loss}) at epoch {epoch}, iteration {iter}: lower the learning rate or clip gradients"
            ),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Format {
                format,
                offset,
                what,
            } => match offset {
                Some(o) => write!(f, "invalid {format} file at byte {o}: {what}"),
                None => write!(f, "invalid {format} file: {what}"),
            },
            Error::Csv { line, column, what } => match column {
                Some(c) => write!(f, "CSV line {line}, column {c}: {what}"),
                None => write!(f, "CSV line {line}: {what}"),
            },
            Error::ModelMismatch(s) => f.write_str(s),
            Error::UnsupportedDType { format, dtype } => {
                // One line, however long a structured dtype's field list is.
                const MAX: usize = 120;
                let shown = match dtype.char_indices().nth(MAX) {
                    Some((cut, _)) => format!("{} ...", &dtype[..cut]),
                    None => dtype.clone(),
                };
                let note = crate::io::unsupported_dtype_note(format, dtype);
                write!(f, "unsupported {format} dtype {shown:?}: {note}")
            }
            Error::NotRepresentable {
                context,
                index,
                value,
                target,
            } => write!(
                f,
                "{context}: element {index} (row-major) is {value}, not exactly representable as {target}"
            ),
            Error::DTypeMismatch {
                context,
                expected,
                found,
            } => write!(
                f,
                "{context} holds {found} but {expected} was requested; read it as {found} and cast"
            ),
            Error::Unsupported { format, what } => write!(f, "unsupported {format} file: {what}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// `Result<T, groundup::Error>`.
///
/// ```
/// use groundup::{Matrix, Result};
/// fn square(n: usize, data: Vec<f64>) -> Result<Matrix<f64>> {
///     let m = Matrix::from_vec(n, n, data)?;
///     Ok(m.matmul(&m))
/// }
/// assert_eq!(square(1, vec![3.0]).unwrap().as_slice(), &[9.0]);
/// assert!(square(2, vec![1.0; 3]).is_err());
/// ```
pub type Result<T> = std::result::Result<T, Error>;
