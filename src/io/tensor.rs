//! Dtype-erased tensors for file formats that store several element types:
//! [`Tensor`] (owned, what loaders return) and [`TensorView`] (borrowed,
//! what savers take).
//!
//! Shapes are row-major (C order) and any rank. Conversion to and from
//! [`Matrix`]: a matrix becomes shape `[rows, cols]`; going back, shape
//! `[r, c]` gives an `r x c` matrix, `[n]` a `1 x n` row vector and `[]` (a
//! scalar) a `1 x 1` matrix; more than two dimensions is an error.
//!
//! The element type is checked, never converted: asking an `F64` tensor for
//! `f32` data is [`Error::DTypeMismatch`] (use [`Matrix::cast`] afterwards
//! if you want the conversion).

use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::scalar::{DType, Scalar};
use std::any::Any;

/// The elements of a [`Tensor`], tagged with their type.
///
/// ```
/// use groundup::io::{Tensor, TensorData};
/// let t = Tensor::new(vec![2], TensorData::F64(vec![1.0, 2.0])).unwrap();
/// match t.data() {
///     TensorData::F32(v) => println!("f32: {v:?}"),
///     TensorData::F64(v) => assert_eq!(v, &[1.0, 2.0]),
/// }
/// assert_eq!((t.data().dtype(), t.data().len()), (groundup::DType::F64, 2));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum TensorData {
    /// `f32` elements (safetensors `F32`).
    F32(Vec<f32>),
    /// `f64` elements (safetensors `F64`).
    F64(Vec<f64>),
}

impl TensorData {
    /// The element type.
    pub fn dtype(&self) -> DType {
        match self {
            TensorData::F32(_) => DType::F32,
            TensorData::F64(_) => DType::F64,
        }
    }
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }
    /// True when there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Borrows the elements.
    pub fn as_slice(&self) -> TensorSlice<'_> {
        match self {
            TensorData::F32(v) => TensorSlice::F32(v),
            TensorData::F64(v) => TensorSlice::F64(v),
        }
    }
}

/// Borrowed elements of either float type; `&[f32]` and `&[f64]` convert
/// into it, which is how [`TensorView::new`] accepts both.
///
/// ```
/// use groundup::io::TensorSlice;
/// let s = TensorSlice::from(&[1.0f32, 2.0][..]);
/// assert_eq!((s.dtype(), s.len()), (groundup::DType::F32, 2));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TensorSlice<'a> {
    /// `f32` elements.
    F32(&'a [f32]),
    /// `f64` elements.
    F64(&'a [f64]),
}

impl TensorSlice<'_> {
    /// The element type.
    pub fn dtype(&self) -> DType {
        match self {
            TensorSlice::F32(_) => DType::F32,
            TensorSlice::F64(_) => DType::F64,
        }
    }
    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            TensorSlice::F32(s) => s.len(),
            TensorSlice::F64(s) => s.len(),
        }
    }
    /// True when there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Appends the elements as little-endian bytes (bit-exact, NaN payloads
    /// included).
    pub(crate) fn write_le(&self, out: &mut Vec<u8>) {
        match self {
            TensorSlice::F32(s) => s
                .iter()
                .for_each(|v| out.extend_from_slice(&v.to_le_bytes())),
            TensorSlice::F64(s) => s
                .iter()
                .for_each(|v| out.extend_from_slice(&v.to_le_bytes())),
        }
    }
}

impl<'a> From<&'a [f32]> for TensorSlice<'a> {
    fn from(s: &'a [f32]) -> Self {
        TensorSlice::F32(s)
    }
}

impl<'a> From<&'a [f64]> for TensorSlice<'a> {
    fn from(s: &'a [f64]) -> Self {
        TensorSlice::F64(s)
    }
}

/// `shape.iter().product()`, or `None` on overflow.
pub(crate) fn checked_numel(shape: &[usize]) -> Option<usize> {
    shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d))
}

/// The byte size of a shape read from a file (`u64` dimensions, whatever
/// the target's word size) with `elem`-byte elements: exact in `u128`,
/// `None` past that. Readers compare it with the bytes present before
/// converting anything to `usize`, so a file gets the same answer on 32-
/// and 64-bit targets.
pub(crate) fn shape_bytes(shape: &[u64], elem: usize) -> Option<u128> {
    shape
        .iter()
        .try_fold(elem as u128, |acc, &d| acc.checked_mul(u128::from(d)))
}

/// [`shape_bytes`] for a message: the number, marked when this target
/// cannot address it.
pub(crate) fn bytes_text(n: Option<u128>) -> String {
    match n {
        Some(n) if n <= usize::MAX as u128 => n.to_string(),
        Some(n) => format!("{n} (more than usize::MAX)"),
        None => "more than usize::MAX".to_string(),
    }
}

/// A file's dimensions as `usize`, after [`shape_bytes`] matched the data
/// (so only an empty array can have a dimension past `usize::MAX`).
pub(crate) fn usize_dims(shape: &[u64]) -> std::result::Result<Vec<usize>, String> {
    shape
        .iter()
        .map(|&d| {
            usize::try_from(d).map_err(|_| {
                format!(
                    "dimension {d} of shape {shape:?} does not fit in usize ({} bits on this target)",
                    usize::BITS
                )
            })
        })
        .collect()
}

fn check_len(shape: &[usize], len: usize) -> Result<()> {
    match checked_numel(shape) {
        Some(n) if n == len => Ok(()),
        Some(n) => Err(Error::InvalidArgument(format!(
            "tensor shape {shape:?} needs {n} elements but {len} were given"
        ))),
        None => Err(Error::InvalidArgument(format!(
            "tensor shape {shape:?} overflows usize ({len} elements given)"
        ))),
    }
}

/// An owned tensor: a shape and that many elements of one float type.
///
/// ```
/// use groundup::io::Tensor;
/// use groundup::Matrix;
/// let m = Matrix::from_vec(2, 3, vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
/// let t = Tensor::from(m.clone());
/// assert_eq!(t.shape(), &[2, 3]);
/// assert_eq!(t.as_slice::<f32>().unwrap()[4], 5.0);
/// assert!(t.as_slice::<f64>().is_err()); // no silent conversion
/// assert_eq!(t.into_matrix::<f32>().unwrap(), m);
///
/// let v = Tensor::from_vec(vec![3], vec![1.0f64, 2.0, 3.0]).unwrap();
/// assert_eq!(v.to_matrix::<f64>().unwrap().shape(), (1, 3)); // 1-D → row vector
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    shape: Vec<usize>,
    data: TensorData,
}

impl Tensor {
    /// A tensor from a shape and matching data.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when the product of `shape` (overflow
    /// checked) differs from the number of elements.
    pub fn new(shape: Vec<usize>, data: TensorData) -> Result<Self> {
        check_len(&shape, data.len())?;
        Ok(Tensor { shape, data })
    }

    /// A tensor from a shape and a vector of `f32` or `f64`.
    ///
    /// # Errors
    /// As [`Tensor::new`].
    pub fn from_vec<T: Scalar>(shape: Vec<usize>, data: Vec<T>) -> Result<Self> {
        Self::new(shape, wrap_vec(data))
    }

    /// The dimensions, outermost first.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }
    /// The element type.
    pub fn dtype(&self) -> DType {
        self.data.dtype()
    }
    /// Number of elements (the product of the shape; 1 for shape `[]`).
    pub fn len(&self) -> usize {
        self.data.len()
    }
    /// True when there are no elements (some dimension is 0).
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
    /// The elements with their type tag.
    pub fn data(&self) -> &TensorData {
        &self.data
    }
    /// Splits into shape and elements.
    pub fn into_parts(self) -> (Vec<usize>, TensorData) {
        (self.shape, self.data)
    }

    /// The elements as `&[T]`.
    ///
    /// # Errors
    /// [`Error::DTypeMismatch`] when the tensor holds the other float type.
    pub fn as_slice<T: Scalar>(&self) -> Result<&[T]> {
        let any: &dyn Any = match &self.data {
            TensorData::F32(v) => v,
            TensorData::F64(v) => v,
        };
        any.downcast_ref::<Vec<T>>()
            .map(Vec::as_slice)
            .ok_or_else(|| self.mismatch::<T>())
    }

    fn mismatch<T: Scalar>(&self) -> Error {
        Error::DTypeMismatch {
            context: format!("tensor of shape {:?}", self.shape),
            expected: T::DTYPE,
            found: self.dtype(),
        }
    }

    fn matrix_shape(&self) -> Result<(usize, usize)> {
        match self.shape[..] {
            [] => Ok((1, 1)),
            [n] => Ok((1, n)),
            [r, c] => Ok((r, c)),
            _ => Err(Error::InvalidArgument(format!(
                "tensor of shape {:?} has {} dimensions; a Matrix holds at most 2",
                self.shape,
                self.shape.len()
            ))),
        }
    }

    /// Converts into a matrix without copying: `[r, c]` → `r x c`, `[n]` →
    /// `1 x n`, `[]` → `1 x 1`.
    ///
    /// # Errors
    /// [`Error::DTypeMismatch`] for the other float type,
    /// [`Error::InvalidArgument`] for more than two dimensions.
    pub fn into_matrix<T: Scalar>(self) -> Result<Matrix<T>> {
        let (rows, cols) = self.matrix_shape()?;
        let found = self.dtype();
        let boxed: Box<dyn Any> = match self.data {
            TensorData::F32(v) => Box::new(v),
            TensorData::F64(v) => Box::new(v),
        };
        match boxed.downcast::<Vec<T>>() {
            Ok(v) => Matrix::from_vec(rows, cols, *v),
            Err(_) => Err(Error::DTypeMismatch {
                context: format!("tensor of shape {:?}", self.shape),
                expected: T::DTYPE,
                found,
            }),
        }
    }

    /// Copies into a matrix; see [`Tensor::into_matrix`].
    ///
    /// # Errors
    /// As [`Tensor::into_matrix`].
    pub fn to_matrix<T: Scalar>(&self) -> Result<Matrix<T>> {
        let (rows, cols) = self.matrix_shape()?;
        Matrix::from_vec(rows, cols, self.as_slice::<T>()?.to_vec())
    }

    /// A borrowed view, for saving.
    pub fn view(&self) -> TensorView<'_> {
        TensorView {
            shape: self.shape.clone(),
            data: self.data.as_slice(),
        }
    }
}

impl<T: Scalar> From<Matrix<T>> for Tensor {
    /// Shape `[rows, cols]`, no copy.
    fn from(m: Matrix<T>) -> Self {
        Tensor {
            shape: vec![m.rows(), m.cols()],
            data: wrap_vec(m.into_vec()),
        }
    }
}

/// Tags a `Vec<T>` with its dtype (no copy).
fn wrap_vec<T: Scalar>(v: Vec<T>) -> TensorData {
    let boxed: Box<dyn Any> = Box::new(v);
    match boxed.downcast::<Vec<f32>>() {
        Ok(v) => TensorData::F32(*v),
        Err(other) => match other.downcast::<Vec<f64>>() {
            Ok(v) => TensorData::F64(*v),
            Err(_) => unreachable!("Scalar is sealed to f32 and f64"),
        },
    }
}

/// A borrowed tensor to be saved: a shape and a slice of `f32` or `f64`.
///
/// Made from a [`Matrix`] (shape `[rows, cols]`), a [`Tensor`], or any
/// shape and slice with [`TensorView::new`].
///
/// ```
/// use groundup::io::TensorView;
/// use groundup::Matrix;
/// let m = Matrix::<f64>::zeros(2, 3);
/// assert_eq!(TensorView::from(&m).shape(), &[2, 3]);
/// let bias = [0.5f32, -0.5];
/// let v = TensorView::new(vec![2], &bias[..]).unwrap();
/// assert_eq!(v.dtype(), groundup::DType::F32);
/// assert!(TensorView::new(vec![3], &bias[..]).is_err());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TensorView<'a> {
    shape: Vec<usize>,
    data: TensorSlice<'a>,
}

impl<'a> TensorView<'a> {
    /// A view of `data` with the given shape.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when the product of `shape` (overflow
    /// checked) differs from the number of elements.
    pub fn new(shape: Vec<usize>, data: impl Into<TensorSlice<'a>>) -> Result<Self> {
        let data = data.into();
        check_len(&shape, data.len())?;
        Ok(TensorView { shape, data })
    }
    /// The dimensions, outermost first.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }
    /// The element type.
    pub fn dtype(&self) -> DType {
        self.data.dtype()
    }
    /// The elements.
    pub fn data(&self) -> TensorSlice<'a> {
        self.data
    }
}

impl<'a, T: Scalar> From<&'a Matrix<T>> for TensorView<'a> {
    fn from(m: &'a Matrix<T>) -> Self {
        let any: &'a dyn Any = m;
        let data = if let Some(m) = any.downcast_ref::<Matrix<f32>>() {
            TensorSlice::F32(m.as_slice())
        } else if let Some(m) = any.downcast_ref::<Matrix<f64>>() {
            TensorSlice::F64(m.as_slice())
        } else {
            unreachable!("Scalar is sealed to f32 and f64")
        };
        TensorView {
            shape: vec![m.rows(), m.cols()],
            data,
        }
    }
}

impl<'a> From<&'a Tensor> for TensorView<'a> {
    fn from(t: &'a Tensor) -> Self {
        t.view()
    }
}
