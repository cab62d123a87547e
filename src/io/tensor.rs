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

use super::half::{self, Half};
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
    ///
    /// ```
    /// use groundup::io::TensorData;
    /// use groundup::DType;
    /// assert_eq!(TensorData::F32(vec![1.0]).dtype(), DType::F32);
    /// assert_eq!(TensorData::F64(vec![]).dtype(), DType::F64);
    /// ```
    pub fn dtype(&self) -> DType {
        match self {
            TensorData::F32(_) => DType::F32,
            TensorData::F64(_) => DType::F64,
        }
    }
    /// Number of elements.
    ///
    /// ```
    /// use groundup::io::TensorData;
    /// assert_eq!(TensorData::F64(vec![1.0, 2.0, 3.0]).len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }
    /// True when there are no elements.
    ///
    /// ```
    /// use groundup::io::TensorData;
    /// assert!(TensorData::F32(vec![]).is_empty());
    /// assert!(!TensorData::F64(vec![0.0]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Borrows the elements.
    ///
    /// ```
    /// use groundup::io::{TensorData, TensorSlice};
    /// let data = TensorData::F64(vec![1.0, 2.0]);
    /// assert_eq!(data.as_slice(), TensorSlice::F64(&[1.0, 2.0]));
    /// ```
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
    ///
    /// ```
    /// use groundup::io::TensorSlice;
    /// use groundup::DType;
    /// assert_eq!(TensorSlice::from(&[1.0f64][..]).dtype(), DType::F64);
    /// ```
    pub fn dtype(&self) -> DType {
        match self {
            TensorSlice::F32(_) => DType::F32,
            TensorSlice::F64(_) => DType::F64,
        }
    }
    /// Number of elements.
    ///
    /// ```
    /// use groundup::io::TensorSlice;
    /// assert_eq!(TensorSlice::F32(&[1.0, 2.0, 3.0]).len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        match self {
            TensorSlice::F32(s) => s.len(),
            TensorSlice::F64(s) => s.len(),
        }
    }
    /// True when there are no elements.
    ///
    /// ```
    /// use groundup::io::TensorSlice;
    /// assert!(TensorSlice::F64(&[]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Appends the elements rounded to a 16-bit float, little-endian (see
    /// [`StoreAs`]).
    pub(crate) fn write_half_le(&self, h: Half, out: &mut Vec<u8>) {
        match self {
            TensorSlice::F32(s) => s
                .iter()
                .for_each(|&v| out.extend_from_slice(&half::narrow_f32(h, v).to_le_bytes())),
            TensorSlice::F64(s) => s
                .iter()
                .for_each(|&v| out.extend_from_slice(&half::narrow_f64(h, v).to_le_bytes())),
        }
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

/// Whether an array of `shape` is a vector of one label per sample, as
/// the npy and safetensors label readers require: `()`, `(n,)`, `(n, 1)`
/// or `(1, n)`.
pub(crate) fn is_label_vector(shape: &[u64]) -> bool {
    match *shape {
        [] | [_] => true,
        [r, c] => r == 1 || c == 1,
        _ => false,
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
    ///
    /// ```
    /// use groundup::io::{Tensor, TensorData};
    /// use groundup::Error;
    /// let t = Tensor::new(vec![2, 2], TensorData::F32(vec![1.0, 2.0, 3.0, 4.0])).unwrap();
    /// assert_eq!(t.len(), 4);
    /// let scalar = Tensor::new(vec![], TensorData::F64(vec![7.0])).unwrap(); // 0-D: one element
    /// assert_eq!(scalar.len(), 1);
    /// let err = Tensor::new(vec![2, 3], TensorData::F32(vec![0.0; 5])).unwrap_err();
    /// assert!(matches!(err, Error::InvalidArgument(_)));
    /// assert_eq!(err.to_string(), "tensor shape [2, 3] needs 6 elements but 5 were given");
    /// ```
    pub fn new(shape: Vec<usize>, data: TensorData) -> Result<Self> {
        check_len(&shape, data.len())?;
        Ok(Tensor { shape, data })
    }

    /// A tensor from a shape and a vector of `f32` or `f64`.
    ///
    /// # Errors
    /// As [`Tensor::new`].
    ///
    /// ```
    /// use groundup::io::{Tensor, TensorData};
    /// let t = Tensor::from_vec(vec![3], vec![1.0f32, 2.0, 3.0]).unwrap();
    /// assert_eq!(t.data(), &TensorData::F32(vec![1.0, 2.0, 3.0])); // tagged by T, no copy
    /// assert!(Tensor::from_vec(vec![2], vec![1.0f64]).is_err());
    /// ```
    pub fn from_vec<T: Scalar>(shape: Vec<usize>, data: Vec<T>) -> Result<Self> {
        Self::new(shape, wrap_vec(data))
    }

    /// The dimensions, outermost first.
    ///
    /// ```
    /// use groundup::io::Tensor;
    /// let t = Tensor::from_vec(vec![2, 1, 3], vec![0.0f64; 6]).unwrap();
    /// assert_eq!(t.shape(), &[2, 1, 3]); // any rank; only a Matrix is limited to 2
    /// ```
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }
    /// The element type.
    ///
    /// ```
    /// use groundup::io::Tensor;
    /// use groundup::{DType, Matrix};
    /// assert_eq!(Tensor::from(Matrix::<f32>::zeros(1, 1)).dtype(), DType::F32);
    /// ```
    pub fn dtype(&self) -> DType {
        self.data.dtype()
    }
    /// Number of elements (the product of the shape; 1 for shape `[]`).
    ///
    /// ```
    /// use groundup::io::Tensor;
    /// assert_eq!(Tensor::from_vec(vec![2, 3], vec![0.0f32; 6]).unwrap().len(), 6);
    /// assert_eq!(Tensor::from_vec(vec![], vec![1.0f64]).unwrap().len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.data.len()
    }
    /// True when there are no elements (some dimension is 0).
    ///
    /// ```
    /// use groundup::io::Tensor;
    /// let t = Tensor::from_vec(vec![0, 3], Vec::<f32>::new()).unwrap();
    /// assert!(t.is_empty());
    /// assert_eq!(t.shape(), &[0, 3]); // the shape is kept even with no elements
    /// ```
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
    /// The elements with their type tag.
    ///
    /// ```
    /// use groundup::io::{Tensor, TensorData};
    /// let t = Tensor::from_vec(vec![2], vec![1.0f64, 2.0]).unwrap();
    /// let sum: f64 = match t.data() {
    ///     TensorData::F32(v) => v.iter().map(|&x| x as f64).sum(),
    ///     TensorData::F64(v) => v.iter().sum(),
    /// };
    /// assert_eq!(sum, 3.0);
    /// ```
    pub fn data(&self) -> &TensorData {
        &self.data
    }
    /// Splits into shape and elements.
    ///
    /// ```
    /// use groundup::io::{Tensor, TensorData};
    /// let t = Tensor::from_vec(vec![1, 2], vec![1.0f32, 2.0]).unwrap();
    /// let (shape, data) = t.into_parts();
    /// assert_eq!(shape, [1, 2]);
    /// assert_eq!(data, TensorData::F32(vec![1.0, 2.0]));
    /// ```
    pub fn into_parts(self) -> (Vec<usize>, TensorData) {
        (self.shape, self.data)
    }

    /// The elements as `&[T]`.
    ///
    /// # Errors
    /// [`Error::DTypeMismatch`] when the tensor holds the other float type.
    ///
    /// ```
    /// use groundup::io::Tensor;
    /// use groundup::Error;
    /// let t = Tensor::from_vec(vec![2], vec![1.0f64, 2.0]).unwrap();
    /// assert_eq!(t.as_slice::<f64>().unwrap(), &[1.0, 2.0]);
    /// // The type is checked, never converted.
    /// let err = t.as_slice::<f32>().unwrap_err();
    /// assert!(matches!(err, Error::DTypeMismatch { .. }));
    /// assert!(err.to_string().contains("holds float64 but float32 was requested"));
    /// ```
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
    ///
    /// ```
    /// use groundup::io::Tensor;
    /// use groundup::{matrix, Error};
    /// let t = Tensor::from_vec(vec![2, 2], vec![1.0f32, 2.0, 3.0, 4.0]).unwrap();
    /// assert_eq!(t.into_matrix::<f32>().unwrap(), matrix![[1.0, 2.0], [3.0, 4.0]]);
    /// let cube = Tensor::from_vec(vec![2, 2, 2], vec![0.0f32; 8]).unwrap();
    /// assert!(matches!(cube.into_matrix::<f32>(), Err(Error::InvalidArgument(_))));
    /// ```
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
    ///
    /// ```
    /// use groundup::io::Tensor;
    /// use groundup::matrix;
    /// let scalar = Tensor::from_vec(vec![], vec![2.5f64]).unwrap();
    /// assert_eq!(scalar.to_matrix::<f64>().unwrap(), matrix![[2.5]]); // [] → 1 x 1
    /// assert_eq!(scalar.len(), 1); // still usable: to_matrix copies
    /// ```
    pub fn to_matrix<T: Scalar>(&self) -> Result<Matrix<T>> {
        let (rows, cols) = self.matrix_shape()?;
        Matrix::from_vec(rows, cols, self.as_slice::<T>()?.to_vec())
    }

    /// A borrowed view, for saving.
    ///
    /// ```
    /// use groundup::io::{Tensor, TensorSlice};
    /// let t = Tensor::from_vec(vec![2], vec![1.0f32, 2.0]).unwrap();
    /// let v = t.view();
    /// assert_eq!(v.shape(), t.shape());
    /// assert_eq!(v.data(), TensorSlice::F32(&[1.0, 2.0]));
    /// ```
    pub fn view(&self) -> TensorView<'_> {
        TensorView {
            shape: self.shape.clone(),
            data: self.data.as_slice(),
            store: StoreAs::Native,
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

/// How a writer stores a tensor's elements (see [`TensorView::store_as`]).
///
/// [`StoreAs::F16`] and [`StoreAs::BF16`] halve a checkpoint, at a cost:
/// each value is rounded once, directly from its `f32` or `f64` value (no
/// double rounding through `f32`), to the nearest 16-bit value, ties to
/// even, as IEEE 754 conversion does. Magnitudes below half the smallest
/// subnormal become ±0; those that round past the largest finite value
/// (65504 for `F16`, about 3.39e38 for `BF16`) become ±∞, so `F16` is only
/// for values well inside ±65504. Infinities stay infinities; a NaN stays a
/// NaN with its sign and the top bits of its payload (numpy's rule). Reading
/// such a file back ([`SafeTensors::matrix`](super::SafeTensors::matrix))
/// widens exactly, so a value already representable in 16 bits survives
/// the round trip bit for bit.
///
/// ```
/// use groundup::io::{safetensors_from_bytes, safetensors_to_bytes, StoreAs, TensorView};
/// let w = [1.0f32, 0.1, 65504.0, 65520.0, -1e-8];
/// let view = TensorView::new(vec![5], &w[..]).unwrap().store_as(StoreAs::F16);
/// let st = safetensors_from_bytes(&safetensors_to_bytes(&[("w", view)], None).unwrap()).unwrap();
/// assert_eq!(st.skipped["w"].dtype, "F16");
/// let back = st.matrix::<f32>("w").unwrap();
/// assert_eq!(back.as_slice(), &[1.0, 0.099975586, 65504.0, f32::INFINITY, -0.0]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StoreAs {
    /// The data's own type, `F32` or `F64`, bit for bit (the default).
    #[default]
    Native,
    /// IEEE 754 binary16 (safetensors `F16`, numpy `float16`), rounded to
    /// nearest even.
    F16,
    /// bfloat16 (safetensors `BF16`, PyTorch `bfloat16`): the upper half of
    /// an `f32`, rounded to nearest even.
    BF16,
}

/// A borrowed tensor to be saved: a shape and a slice of `f32` or `f64`,
/// stored as that type or, on request ([`TensorView::store_as`]), as `F16`
/// or `BF16`.
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
    store: StoreAs,
}

impl<'a> TensorView<'a> {
    /// A view of `data` with the given shape.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when the product of `shape` (overflow
    /// checked) differs from the number of elements.
    ///
    /// ```
    /// use groundup::io::TensorView;
    /// use groundup::Error;
    /// let w = [1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0];
    /// let v = TensorView::new(vec![3, 2], &w[..]).unwrap(); // borrows, no copy
    /// assert_eq!(v.shape(), &[3, 2]);
    /// let err = TensorView::new(vec![4, 2], &w[..]).unwrap_err();
    /// assert!(matches!(err, Error::InvalidArgument(_)));
    /// ```
    pub fn new(shape: Vec<usize>, data: impl Into<TensorSlice<'a>>) -> Result<Self> {
        let data = data.into();
        check_len(&shape, data.len())?;
        Ok(TensorView {
            shape,
            data,
            store: StoreAs::Native,
        })
    }
    /// The same view, to be written as `store` (see [`StoreAs`] for the
    /// rounding); the default is [`StoreAs::Native`].
    ///
    /// ```
    /// use groundup::io::{safetensors_to_bytes, StoreAs, TensorView};
    /// use groundup::Matrix;
    /// let w = Matrix::<f64>::identity(2);
    /// let view = TensorView::from(&w).store_as(StoreAs::BF16);
    /// assert_eq!(view.stored_as(), StoreAs::BF16);
    /// let bytes = safetensors_to_bytes(&[("w", view)], None).unwrap();
    /// let header = String::from_utf8_lossy(&bytes[8..]);
    /// assert!(header.starts_with(r#"{"w":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]}}"#));
    /// ```
    pub fn store_as(mut self, store: StoreAs) -> Self {
        self.store = store;
        self
    }
    /// How the view will be written.
    ///
    /// ```
    /// use groundup::io::{StoreAs, TensorView};
    /// let v = TensorView::new(vec![1], &[1.0f32][..]).unwrap();
    /// assert_eq!(v.stored_as(), StoreAs::Native);
    /// assert_eq!(v.store_as(StoreAs::F16).stored_as(), StoreAs::F16);
    /// ```
    pub fn stored_as(&self) -> StoreAs {
        self.store
    }
    /// The dimensions, outermost first.
    ///
    /// ```
    /// use groundup::io::TensorView;
    /// use groundup::Matrix;
    /// let m = Matrix::<f32>::zeros(4, 5);
    /// assert_eq!(TensorView::from(&m).shape(), &[4, 5]);
    /// ```
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }
    /// The element type.
    ///
    /// ```
    /// use groundup::io::TensorView;
    /// use groundup::{DType, Matrix};
    /// assert_eq!(TensorView::from(&Matrix::<f64>::zeros(1, 1)).dtype(), DType::F64);
    /// ```
    pub fn dtype(&self) -> DType {
        self.data.dtype()
    }
    /// The elements.
    ///
    /// ```
    /// use groundup::io::{TensorSlice, TensorView};
    /// use groundup::matrix;
    /// let m = matrix![[1.0f32, 2.0], [3.0, 4.0]];
    /// let v = TensorView::from(&m);
    /// assert_eq!(v.data(), TensorSlice::F32(&[1.0, 2.0, 3.0, 4.0]));
    /// ```
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
            store: StoreAs::Native,
        }
    }
}

impl<'a> From<&'a Tensor> for TensorView<'a> {
    fn from(t: &'a Tensor) -> Self {
        t.view()
    }
}
