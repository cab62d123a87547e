//! The safetensors format (Hugging Face): `F32` and `F64` tensors as
//! [`Tensor`]s, `F16`, `BF16`, integer and `BOOL` tensors converted exactly
//! on request.
//!
//! Layout: 8 bytes `N` (u64 little-endian), `N` bytes of UTF-8 JSON header,
//! then the byte buffer. The header maps each tensor name to
//! `{"dtype":"F32","shape":[2,3],"data_offsets":[BEGIN,END]}` (offsets into
//! the buffer, END one past), plus an optional `"__metadata__"` object of
//! string values. Data are little-endian, row-major.
//!
//! Writer: compact JSON in the reference order (`__metadata__` first, then
//! tensors by the reference's dtype order, `F64`, `F32`, `BF16`, `F16`, then
//! name), padded with spaces to a multiple of 8 bytes, so its output matches
//! the reference implementation byte for byte (given at most one metadata
//! entry, whose order the reference leaves to a hash map). Elements are
//! written as their own `F32`/`F64`, or as `F16`/`BF16` when the view asks
//! ([`TensorView::store_as`], rounding as [`StoreAs`] describes).
//!
//! Reader (strict, never panics, allocates at most about the file size):
//! `N` must fit in the file and be at most 100 000 000 (the reference
//! bound); the header must start with `{`, be valid UTF-8 and strict JSON
//! with no duplicate keys and no unknown fields in a tensor entry; the
//! offsets, sorted, must tile the buffer exactly (first at 0, each BEGIN
//! equal to the previous END, the last END equal to the buffer length) and
//! each `END - BEGIN` must equal `numel * size` (overflow checked). `F32`
//! and `F64` tensors become [`Tensor`]s; tensors of the specification's
//! other dtypes are checked the same way and kept as stored in
//! [`SafeTensors::skipped`], from where [`SafeTensors::matrix`],
//! [`SafeTensors::tensor_as`] and [`SafeTensors::labels`] convert them
//! exactly. A dtype name the specification does not define is
//! [`Error::UnsupportedDType`]; everything else malformed is
//! [`Error::Format`] with the byte offset.

use super::convert::{self, Bad, Elem, Raw};
use super::half::Half;
use super::json::{self, Reader};
use super::tensor::{
    bytes_text, checked_numel, is_label_vector, shape_bytes, usize_dims, StoreAs, Tensor,
    TensorData, TensorView,
};
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::scalar::{DType, Scalar};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The largest header the reader accepts (the reference's `MAX_HEADER_SIZE`).
///
/// ```
/// use groundup::io::{safetensors_from_bytes, MAX_HEADER_LEN};
/// let mut bytes = (MAX_HEADER_LEN + 1).to_le_bytes().to_vec();
/// bytes.extend_from_slice(b"{}");
/// assert!(safetensors_from_bytes(&bytes).is_err());
/// ```
pub const MAX_HEADER_LEN: u64 = 100_000_000;

pub(crate) const FORMAT: &str = "safetensors";
const METADATA_KEY: &str = "__metadata__";

/// The contents of a safetensors file.
///
/// ```
/// use groundup::io::{load_safetensors, save_safetensors};
/// use groundup::Matrix;
/// use std::collections::BTreeMap;
/// let dir = std::env::temp_dir().join(format!("groundup-doc-st-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("model.safetensors");
///
/// let w = Matrix::from_vec(2, 2, vec![1.0f32, 2.0, 3.0, 4.0]).unwrap();
/// let b = Matrix::from_vec(1, 2, vec![0.5f64, -0.5]).unwrap();
/// let meta = BTreeMap::from([("epoch".to_string(), "3".to_string())]);
/// save_safetensors(&path, &[("w", (&w).into()), ("b", (&b).into())], Some(&meta)).unwrap();
///
/// let st = load_safetensors(&path).unwrap();
/// assert_eq!(st.matrix::<f32>("w").unwrap(), w);
/// assert_eq!(st.matrix::<f64>("b").unwrap(), b);
/// assert!(st.matrix::<f32>("b").is_err()); // stored as f64
/// assert_eq!(st.metadata["epoch"], "3");
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SafeTensors {
    /// The tensors by name.
    pub tensors: BTreeMap<String, Tensor>,
    /// The `__metadata__` entries (empty when the file has none).
    pub metadata: BTreeMap<String, String>,
    /// Tensors of a valid safetensors dtype other than F32/F64 (F16 or BF16
    /// weights, an I64 step counter, U8/BOOL masks, …): checked like the
    /// others and kept here as stored. [`matrix`](Self::matrix),
    /// [`tensor_as`](Self::tensor_as) and [`labels`](Self::labels) convert
    /// them exactly; [`get`](Self::get) of one names its dtype. Not written
    /// back by [`to_bytes`](Self::to_bytes).
    pub skipped: BTreeMap<String, SkippedTensor>,
}

/// A tensor [`SafeTensors`] keeps as stored: its dtype as the file spells
/// it, its shape and its bytes.
///
/// ```
/// use groundup::io::{safetensors_from_bytes, SkippedTensor};
/// // safetensors.torch.save_file({"step": torch.tensor(7)}, ...)
/// let header = br#"{"step":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}"#;
/// let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
/// bytes.extend_from_slice(header);
/// bytes.extend_from_slice(&7i64.to_le_bytes());
/// let st = safetensors_from_bytes(&bytes).unwrap();
/// let want = SkippedTensor { dtype: "I64".into(), shape: vec![], data: 7i64.to_le_bytes().to_vec() };
/// assert_eq!(st.skipped["step"], want);
/// assert_eq!(st.labels("step").unwrap(), [7]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedTensor {
    /// The safetensors dtype, e.g. `"I64"`, `"BF16"`.
    pub dtype: String,
    /// The shape as written.
    pub shape: Vec<u64>,
    /// The elements as stored: little-endian, row-major.
    pub data: Vec<u8>,
}

/// The element type of a safetensors dtype this crate converts.
fn elem_of(dtype: &str) -> Option<Elem> {
    let int = |bytes, signed| Some(Elem::Int { bytes, signed });
    match dtype {
        "BOOL" => Some(Elem::Bool),
        "U8" => int(1, false),
        "I8" => int(1, true),
        "U16" => int(2, false),
        "I16" => int(2, true),
        "U32" => int(4, false),
        "I32" => int(4, true),
        "U64" => int(8, false),
        "I64" => int(8, true),
        "F16" => Some(Elem::Half(Half::F16)),
        "BF16" => Some(Elem::Half(Half::BF16)),
        "F32" => Some(Elem::F32),
        "F64" => Some(Elem::F64),
        _ => None,
    }
}

impl SkippedTensor {
    /// The element type, the shape as `usize` and the checked data.
    fn parts(&self, name: &str) -> Result<(Elem, Vec<usize>, Raw<'_>)> {
        let Some(elem) = elem_of(&self.dtype) else {
            return Err(Error::UnsupportedDType {
                format: FORMAT,
                dtype: self.dtype.clone(),
            });
        };
        let shape = usize_dims(&self.shape)
            .map_err(|what| Error::InvalidArgument(format!("tensor {name:?}: {what}")))?;
        let n = checked_numel(&shape).and_then(|n| n.checked_mul(elem.size()));
        if n != Some(self.data.len()) {
            return Err(Error::InvalidArgument(format!(
                "tensor {name:?} of shape {:?} and dtype {} has {} data bytes, not {}",
                self.shape,
                self.dtype,
                self.data.len(),
                bytes_text(n.map(|n| n as u128))
            )));
        }
        let raw = Raw {
            data: &self.data,
            elem,
            big_endian: false,
        };
        Ok((elem, shape, raw))
    }

    /// The error for an element of tensor `name` that did not convert.
    fn error(&self, name: &str, bad: Bad, target: &str) -> Error {
        match bad {
            Bad::Inexact { index, value } => Error::NotRepresentable {
                context: format!("tensor {name:?} ({}, shape {:?})", self.dtype, self.shape),
                index,
                value,
                target: target.to_string(),
            },
            Bad::Bool { index, byte, .. } => Error::Format {
                format: FORMAT,
                offset: None,
                what: format!(
                    "element {index} of the BOOL tensor {name:?} is byte {byte:#04x}, not 0 or 1"
                ),
            },
            Bad::NotIntegral => not_labels(name, &self.dtype),
        }
    }
}

fn not_labels(name: &str, dtype: &str) -> Error {
    Error::Unsupported {
        format: FORMAT,
        what: format!(
            "tensor {name:?} holds {dtype}; labels must be BOOL or integers \
             (read floats with SafeTensors::matrix)"
        ),
    }
}

impl SafeTensors {
    /// The tensor called `name`.
    ///
    /// # Errors
    /// [`Error::ModelMismatch`] naming the tensor and listing those present;
    /// [`Error::UnsupportedDType`] when the file has it in a dtype other than
    /// F32/F64 (see [`skipped`](Self::skipped); [`tensor_as`](Self::tensor_as)
    /// converts those).
    ///
    /// ```
    /// use groundup::io::{SafeTensors, Tensor};
    /// let mut st = SafeTensors::default();
    /// st.tensors.insert("b".into(), Tensor::from_vec(vec![2], vec![0.0f32, 1.0]).unwrap());
    /// assert_eq!(st.get("b").unwrap().shape(), &[2]);
    /// assert!(st.get("w").unwrap_err().to_string().contains(r#"["b"]"#));
    /// ```
    pub fn get(&self, name: &str) -> Result<&Tensor> {
        if let Some(s) = self.skipped.get(name) {
            return Err(Error::UnsupportedDType {
                format: FORMAT,
                dtype: s.dtype.clone(),
            });
        }
        self.tensors.get(name).ok_or_else(|| {
            Error::ModelMismatch(format!(
                "no tensor named {name:?} (the file has {:?})",
                self.tensors.keys().collect::<Vec<_>>()
            ))
        })
    }

    /// The tensor called `name` as a matrix (see [`Tensor::to_matrix`] for
    /// the shape rules), converted exactly as [`tensor_as`](Self::tensor_as)
    /// describes.
    ///
    /// # Errors
    /// [`Error::ModelMismatch`] if it is missing, [`Error::DTypeMismatch`]
    /// if it holds the other float type, [`Error::NotRepresentable`] for an
    /// integer `T` cannot hold exactly, [`Error::UnsupportedDType`] for 8-bit
    /// floats, [`Error::InvalidArgument`] if it has more than two
    /// dimensions.
    ///
    /// ```
    /// use groundup::io::{SafeTensors, Tensor};
    /// let mut st = SafeTensors::default();
    /// st.tensors.insert("w".into(), Tensor::from_vec(vec![1, 2], vec![1.0f32, 2.0]).unwrap());
    /// assert_eq!(st.matrix::<f32>("w")?.as_slice(), &[1.0, 2.0]);
    /// assert!(st.matrix::<f64>("w").is_err()); // stored as f32
    /// assert!(st.matrix::<f32>("b").is_err()); // missing
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn matrix<T: Scalar>(&self, name: &str) -> Result<Matrix<T>> {
        if self.skipped.contains_key(name) {
            return self.tensor_as::<T>(name)?.into_matrix();
        }
        self.get(name)?.to_matrix::<T>().map_err(|e| match e {
            Error::DTypeMismatch {
                expected, found, ..
            } => Error::DTypeMismatch {
                context: format!("tensor {name:?}"),
                expected,
                found,
            },
            e => e,
        })
    }

    /// The tensor called `name`, of any rank, with `T` elements, converted
    /// exactly: `F32`/`F64` tensors of `T` as they are (the other float
    /// width is [`Error::DTypeMismatch`], as in [`matrix`](Self::matrix));
    /// `F16` and `BF16` into either, always exact; `BOOL` as 0 and 1; integer
    /// dtypes when `T` holds the value exactly (every integer up to 2^24 in
    /// magnitude for `f32`, 2^53 for `f64`, beyond that those the float
    /// still holds), else [`Error::NotRepresentable`] naming the first that
    /// is not by its row-major index.
    ///
    /// # Errors
    /// As above; [`Error::ModelMismatch`] if it is missing,
    /// [`Error::UnsupportedDType`] for 8-bit floats, [`Error::Format`] for a
    /// `BOOL` byte other than 0 or 1.
    ///
    /// ```
    /// use groundup::io::{safetensors_from_bytes, safetensors_to_bytes, StoreAs, TensorView};
    /// let x = [0.5f32, -2.0, 1e-6, 3.0, 4.0, 5.0, 6.0, 7.0];
    /// let view = TensorView::new(vec![2, 2, 2], &x[..]).unwrap().store_as(StoreAs::BF16);
    /// let st = safetensors_from_bytes(&safetensors_to_bytes(&[("x", view)], None).unwrap()).unwrap();
    /// let t = st.tensor_as::<f64>("x").unwrap(); // BF16 widened exactly
    /// assert_eq!(t.shape(), &[2, 2, 2]);
    /// assert_eq!(t.as_slice::<f64>().unwrap()[..3], [0.5, -2.0, 9.98377799987793e-7]);
    /// ```
    pub fn tensor_as<T: Scalar>(&self, name: &str) -> Result<Tensor> {
        let Some(s) = self.skipped.get(name) else {
            let t = self.get(name)?;
            if t.dtype() != T::DTYPE {
                return Err(Error::DTypeMismatch {
                    context: format!("tensor {name:?}"),
                    expected: T::DTYPE,
                    found: t.dtype(),
                });
            }
            return Ok(t.clone());
        };
        let (_, shape, raw) = s.parts(name)?;
        // A row-major array: the (1, n) gather visits it in order.
        let values = convert::floats::<T>(&raw, (1, raw.data.len() / raw.elem.size(), false))
            .map_err(|bad| s.error(name, bad, T::DTYPE.name()))?;
        Tensor::from_vec(shape, values)
    }

    /// The tensor called `name` as class labels, one `usize` per element:
    /// a `BOOL` or integer tensor (`U8`, `I8`, `U16`, `I16`, `U32`, `I32`,
    /// `U64`, `I64`) of shape `[]`, `[n]`, `[n, 1]` or `[1, n]`.
    ///
    /// # Errors
    /// [`Error::ModelMismatch`] if it is missing; [`Error::NotRepresentable`]
    /// naming the first negative label (or one beyond `usize::MAX`);
    /// [`Error::Unsupported`] for a float tensor or another shape.
    ///
    /// ```
    /// use groundup::{io::safetensors_from_bytes, Error};
    /// let header = br#"{"y":{"dtype":"I32","shape":[4],"data_offsets":[0,16]}}"#;
    /// let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    /// bytes.extend_from_slice(header);
    /// for v in [2i32, 0, 1, -1] {
    ///     bytes.extend_from_slice(&v.to_le_bytes());
    /// }
    /// let st = safetensors_from_bytes(&bytes).unwrap();
    /// let err = st.labels("y").unwrap_err();
    /// assert!(matches!(err, Error::NotRepresentable { index: 3, .. }), "{err}");
    /// assert!(err.to_string().starts_with(r#"tensor "y" (I32, shape [4]): element 3 (row-major) is -1"#));
    /// ```
    pub fn labels(&self, name: &str) -> Result<Vec<usize>> {
        let Some(s) = self.skipped.get(name) else {
            let t = self.get(name)?;
            return Err(not_labels(name, &t.dtype().to_string()));
        };
        let (elem, shape, raw) = s.parts(name)?;
        if !elem.is_integral() {
            return Err(not_labels(name, &s.dtype));
        }
        if !is_label_vector(&s.shape) {
            return Err(Error::Unsupported {
                format: FORMAT,
                what: format!(
                    "tensor {name:?}: labels must be one value per sample, shape [n], [n, 1] \
                     or [1, n], not {shape:?}"
                ),
            });
        }
        convert::labels(&raw).map_err(|bad| s.error(name, bad, "a label (usize)"))
    }

    /// Serializes everything (metadata written only when non-empty).
    ///
    /// # Errors
    /// As [`safetensors_to_bytes`].
    ///
    /// ```
    /// use groundup::io::{safetensors_from_bytes, SafeTensors, Tensor};
    /// let mut st = SafeTensors::default();
    /// st.tensors.insert("x".into(), Tensor::from_vec(vec![], vec![4.0f64]).unwrap());
    /// st.metadata.insert("step".into(), "10".into());
    /// assert_eq!(safetensors_from_bytes(&st.to_bytes().unwrap()).unwrap(), st);
    /// ```
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let views: Vec<(&str, TensorView<'_>)> = self
            .tensors
            .iter()
            .map(|(k, t)| (k.as_str(), t.view()))
            .collect();
        let meta = (!self.metadata.is_empty()).then_some(&self.metadata);
        safetensors_to_bytes(&views, meta)
    }

    /// Writes everything to `path` atomically.
    ///
    /// # Errors
    /// As [`SafeTensors::to_bytes`] and [`write_atomic`](super::write_atomic).
    ///
    /// ```
    /// use groundup::io::{load_safetensors, SafeTensors};
    /// let path = std::env::temp_dir().join(format!("groundup-doc-st-{}.safetensors", std::process::id()));
    /// let mut st = SafeTensors::default();
    /// st.metadata.insert("note".into(), "empty".into());
    /// st.save(&path)?;
    /// assert_eq!(load_safetensors(&path)?.metadata["note"], "empty");
    /// std::fs::remove_file(&path).unwrap();
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        super::write_atomic(path, &self.to_bytes()?)
    }
}

/// Saves named tensors (and optional string metadata) to `path` as
/// safetensors, atomically (see [`write_atomic`](super::write_atomic)).
/// Matrices become 2-D tensors; see [`SafeTensors`] for a fuller example.
///
/// # Errors
/// As [`safetensors_to_bytes`], plus [`Error::Io`].
///
/// ```
/// use groundup::io::{load_safetensors, save_safetensors, TensorView};
/// let path = std::env::temp_dir().join(format!("groundup-doc-save-{}.safetensors", std::process::id()));
/// let w = groundup::Matrix::<f32>::identity(3);
/// let b = [0.0f32; 3];
/// save_safetensors(&path, &[("w", (&w).into()), ("b", TensorView::new(vec![3], &b[..]).unwrap())], None).unwrap();
/// assert_eq!(load_safetensors(&path).unwrap().tensors["b"].shape(), &[3]);
/// std::fs::remove_file(&path).unwrap();
/// ```
pub fn save_safetensors(
    path: impl AsRef<Path>,
    tensors: &[(&str, TensorView<'_>)],
    metadata: Option<&BTreeMap<String, String>>,
) -> Result<()> {
    super::write_atomic(path, &safetensors_to_bytes(tensors, metadata)?)
}

/// Loads a whole safetensors file. See the module docs for what is checked,
/// and [`SafeTensors`] for a save-and-load example.
///
/// # Errors
/// [`Error::Io`], or as [`safetensors_from_bytes`].
///
/// ```
/// use groundup::{io::load_safetensors, Error};
/// let missing = std::env::temp_dir().join("groundup-doc-no-such-file.safetensors");
/// assert!(matches!(load_safetensors(&missing), Err(Error::Io { .. })));
/// ```
pub fn load_safetensors(path: impl AsRef<Path>) -> Result<SafeTensors> {
    safetensors_from_bytes(&super::read_file(path.as_ref())?)
}

/// Serializes named tensors and optional metadata (written when `Some`,
/// even if empty, as the reference does).
///
/// # Errors
/// [`Error::InvalidArgument`] for a repeated name or the reserved name
/// `__metadata__`.
///
/// ```
/// use groundup::io::{safetensors_from_bytes, safetensors_to_bytes, TensorView};
/// let x = [1.0f32, 2.0];
/// let bytes = safetensors_to_bytes(&[("x", TensorView::new(vec![2], &x[..]).unwrap())], None).unwrap();
/// let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
/// assert_eq!(header_len % 8, 0);
/// assert_eq!(
///     std::str::from_utf8(&bytes[8..8 + header_len]).unwrap().trim_end(),
///     r#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
/// );
/// let st = safetensors_from_bytes(&bytes).unwrap();
/// assert_eq!(st.tensors["x"].as_slice::<f32>().unwrap(), &x);
/// ```
pub fn safetensors_to_bytes(
    tensors: &[(&str, TensorView<'_>)],
    metadata: Option<&BTreeMap<String, String>>,
) -> Result<Vec<u8>> {
    let mut names = BTreeSet::new();
    for (name, _) in tensors {
        if *name == METADATA_KEY {
            return Err(Error::InvalidArgument(format!(
                "{METADATA_KEY:?} is reserved and cannot name a tensor"
            )));
        }
        if !names.insert(*name) {
            return Err(Error::InvalidArgument(format!(
                "tensor name {name:?} is used twice"
            )));
        }
    }
    let mut order: Vec<&(&str, TensorView<'_>)> = tensors.iter().collect();
    order.sort_by(|a, b| {
        stored(&b.1)
            .2
            .cmp(&stored(&a.1).2)
            .then_with(|| a.0.cmp(b.0))
    });

    let mut header = String::from("{");
    if let Some(meta) = metadata {
        json::write_string(&mut header, METADATA_KEY);
        header.push_str(":{");
        for (i, (k, v)) in meta.iter().enumerate() {
            if i > 0 {
                header.push(',');
            }
            json::write_string(&mut header, k);
            header.push(':');
            json::write_string(&mut header, v);
        }
        header.push('}');
    }
    let mut offset = 0usize;
    for (i, (name, view)) in order.iter().enumerate() {
        if i > 0 || metadata.is_some() {
            header.push(',');
        }
        let (dtype, size, _) = stored(view);
        let nbytes = view.data().len() * size;
        json::write_string(&mut header, name);
        let shape: Vec<String> = view.shape().iter().map(usize::to_string).collect();
        header.push_str(&format!(
            r#":{{"dtype":"{dtype}","shape":[{}],"data_offsets":[{offset},{}]}}"#,
            shape.join(","),
            offset + nbytes
        ));
        offset += nbytes;
    }
    header.push('}');
    while header.len() % 8 != 0 {
        header.push(' ');
    }

    let mut out = Vec::with_capacity(8 + header.len() + offset);
    out.extend_from_slice(&(header.len() as u64).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for (_, view) in order {
        match view.stored_as() {
            StoreAs::F16 => view.data().write_half_le(Half::F16, &mut out),
            StoreAs::BF16 => view.data().write_half_le(Half::BF16, &mut out),
            _ => view.data().write_le(&mut out),
        }
    }
    Ok(out)
}

/// How a view is written: its dtype name, element size, and rank in the
/// reference's order (its `Dtype` enum; tensors are laid out by descending
/// rank, then name).
fn stored(view: &TensorView<'_>) -> (&'static str, usize, u8) {
    match (view.stored_as(), view.dtype()) {
        (StoreAs::F16, _) => ("F16", 2, 0),
        (StoreAs::BF16, _) => ("BF16", 2, 1),
        (_, DType::F32) => ("F32", 4, 2),
        (_, DType::F64) => ("F64", 8, 3),
    }
}

/// One parsed header entry, before its data are decoded.
struct Entry {
    name: String,
    /// File offset of the entry's key, for messages.
    at: u64,
    dtype: EntryDType,
    /// As written; converted to `usize` once the data are known present.
    shape: Vec<u64>,
    begin: u64,
    end: u64,
}

fn format_err(offset: u64, what: impl Into<String>) -> Error {
    Error::Format {
        format: FORMAT,
        offset: Some(offset),
        what: what.into(),
    }
}

/// Parses safetensors bytes. See the module docs for what is checked.
///
/// # Errors
/// [`Error::Format`] (with the byte offset) for anything malformed,
/// [`Error::UnsupportedDType`] for a dtype name the specification does not
/// define (tensors of its other dtypes are kept in
/// [`SafeTensors::skipped`]).
///
/// ```
/// use groundup::{io::safetensors_from_bytes, Error};
/// let mut bytes = 1_000u64.to_le_bytes().to_vec(); // claims a 1000-byte header
/// bytes.extend_from_slice(b"{}      ");
/// assert!(matches!(safetensors_from_bytes(&bytes), Err(Error::Format { .. })));
/// ```
pub fn safetensors_from_bytes(bytes: &[u8]) -> Result<SafeTensors> {
    let Some(len_bytes) = bytes.get(..8) else {
        return Err(format_err(
            0,
            format!(
                "file is {} bytes, too short for the 8-byte header length",
                bytes.len()
            ),
        ));
    };
    let n = u64::from_le_bytes(len_bytes.try_into().expect("8 bytes"));
    let rest = (bytes.len() - 8) as u64;
    if n > MAX_HEADER_LEN {
        return Err(format_err(
            0,
            format!("header length {n} exceeds the limit of {MAX_HEADER_LEN} bytes"),
        ));
    }
    if n > rest {
        return Err(format_err(
            0,
            format!("header length {n} exceeds the {rest} bytes after the length field"),
        ));
    }
    let header = &bytes[8..8 + n as usize];
    let buffer = &bytes[8 + n as usize..];
    if header.first() != Some(&b'{') {
        return Err(format_err(8, "header does not begin with '{'"));
    }
    if let Err(e) = std::str::from_utf8(header) {
        return Err(format_err(
            8 + e.valid_up_to() as u64,
            "header is not valid UTF-8",
        ));
    }
    let (entries, metadata) = parse_header(header)?;
    let (tensors, skipped) = decode(entries, buffer, 8 + n)?;
    Ok(SafeTensors {
        tensors,
        metadata,
        skipped,
    })
}

type Header = (Vec<Entry>, BTreeMap<String, String>);

fn parse_header(header: &[u8]) -> Result<Header> {
    let mut r = Reader::new(header, 8, FORMAT);
    r.begin_object("at the start of the header")?;
    let mut seen = BTreeSet::new();
    let mut entries = Vec::new();
    let mut metadata = BTreeMap::new();
    let mut first = true;
    while let Some((key, at)) = r.next_key(&mut first)? {
        if !seen.insert(key.clone()) {
            return Err(format_err(at, format!("duplicate key {key:?}")));
        }
        if key == METADATA_KEY {
            metadata = parse_metadata(&mut r)?;
        } else {
            entries.push(parse_entry(&mut r, key, at)?);
        }
    }
    r.end()?;
    Ok((entries, metadata))
}

fn parse_metadata(r: &mut Reader<'_>) -> Result<BTreeMap<String, String>> {
    r.begin_object("for __metadata__ (a string-to-string map)")?;
    let mut map = BTreeMap::new();
    let mut first = true;
    while let Some((key, at)) = r.next_key(&mut first)? {
        let value = r.string()?;
        if map.insert(key.clone(), value).is_some() {
            return Err(format_err(at, format!("duplicate metadata key {key:?}")));
        }
    }
    Ok(map)
}

fn parse_entry(r: &mut Reader<'_>, name: String, at: u64) -> Result<Entry> {
    r.begin_object(&format!("for tensor {name:?}"))?;
    let (mut dtype, mut shape, mut offsets) = (None, None, None);
    let mut first = true;
    while let Some((key, key_at)) = r.next_key(&mut first)? {
        let dup = match key.as_str() {
            "dtype" => dtype.replace(parse_dtype(&r.string()?)?).is_some(),
            "shape" => shape.replace(r.uint_array("shape")?).is_some(),
            "data_offsets" => offsets.replace(r.uint_array("data_offsets")?).is_some(),
            _ => {
                return Err(format_err(
                    key_at,
                    format!("unknown field {key:?} in tensor {name:?}"),
                ))
            }
        };
        if dup {
            return Err(format_err(
                key_at,
                format!("duplicate field {key:?} in tensor {name:?}"),
            ));
        }
    }
    let missing = |field: &str| format_err(at, format!("tensor {name:?} has no {field:?}"));
    let dtype = dtype.ok_or_else(|| missing("dtype"))?;
    let shape = shape.ok_or_else(|| missing("shape"))?;
    let offsets = offsets.ok_or_else(|| missing("data_offsets"))?;
    let [begin, end] = offsets[..] else {
        return Err(format_err(
            at,
            format!(
                "data_offsets of tensor {name:?} has {} numbers, not 2",
                offsets.len()
            ),
        ));
    };
    Ok(Entry {
        name,
        at,
        dtype,
        shape,
        begin,
        end,
    })
}

/// A tensor's dtype: one this crate reads, or another valid safetensors
/// dtype (read past, with its element size for the size check).
#[derive(Clone, Debug)]
enum EntryDType {
    Float(DType),
    Other(String, usize),
}

impl EntryDType {
    fn size(&self) -> usize {
        match self {
            EntryDType::Float(d) => d.size(),
            EntryDType::Other(_, size) => *size,
        }
    }
}

impl std::fmt::Display for EntryDType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EntryDType::Float(d) => write!(f, "{d}"),
            EntryDType::Other(name, _) => f.write_str(name),
        }
    }
}

/// The dtypes of the safetensors specification; anything else is not a
/// safetensors file's dtype and an error.
fn parse_dtype(s: &str) -> Result<EntryDType> {
    let other = |size| Ok(EntryDType::Other(s.to_string(), size));
    match s {
        "F32" => Ok(EntryDType::Float(DType::F32)),
        "F64" => Ok(EntryDType::Float(DType::F64)),
        "BOOL" | "U8" | "I8" | "F8_E4M3" | "F8_E5M2" => other(1),
        "F16" | "BF16" | "I16" | "U16" => other(2),
        "I32" | "U32" => other(4),
        "I64" | "U64" => other(8),
        _ => Err(Error::UnsupportedDType {
            format: FORMAT,
            dtype: s.to_string(),
        }),
    }
}

/// Checks that the entries tile `buffer` exactly and decodes them.
/// `data_start` is the file offset of the buffer, for messages.
type Decoded = (BTreeMap<String, Tensor>, BTreeMap<String, SkippedTensor>);

fn decode(mut entries: Vec<Entry>, buffer: &[u8], data_start: u64) -> Result<Decoded> {
    entries.sort_by(|a, b| (a.begin, a.end, &a.name).cmp(&(b.begin, b.end, &b.name)));
    let mut expected = 0u64;
    let mut tensors = BTreeMap::new();
    let mut skipped = BTreeMap::new();
    for e in entries {
        let name = &e.name;
        if e.begin != expected {
            let what = if e.begin < expected {
                "overlaps"
            } else {
                "leaves a hole after"
            };
            return Err(format_err(
                e.at,
                format!(
                    "tensor {name:?} starts at {} which {what} the previous data ending at {expected}",
                    e.begin
                ),
            ));
        }
        if e.end < e.begin || e.end > buffer.len() as u64 {
            return Err(format_err(
                e.at,
                format!(
                    "tensor {name:?} has data_offsets [{}, {}] outside the {}-byte buffer (at byte {data_start})",
                    e.begin,
                    e.end,
                    buffer.len()
                ),
            ));
        }
        // In u128 from the u64 dimensions, so 32- and 64-bit targets give
        // the same answer; `usize` only once the bytes are known present.
        let nbytes = shape_bytes(&e.shape, e.dtype.size());
        if nbytes != Some(u128::from(e.end - e.begin)) {
            return Err(format_err(
                e.at,
                format!(
                    "tensor {name:?} of shape {:?} and dtype {} needs {} bytes but data_offsets [{}, {}] span {}",
                    e.shape,
                    e.dtype,
                    bytes_text(nbytes),
                    e.begin,
                    e.end,
                    e.end - e.begin
                ),
            ));
        }
        let bytes = &buffer[e.begin as usize..e.end as usize];
        let dtype = match &e.dtype {
            EntryDType::Float(d) => *d,
            EntryDType::Other(name, _) => {
                expected = e.end;
                let s = SkippedTensor {
                    dtype: name.clone(),
                    shape: e.shape.clone(),
                    data: bytes.to_vec(),
                };
                skipped.insert(e.name.clone(), s);
                continue;
            }
        };
        let data = match dtype {
            DType::F32 => TensorData::F32(
                bytes
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")))
                    .collect(),
            ),
            DType::F64 => TensorData::F64(
                bytes
                    .chunks_exact(8)
                    .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
                    .collect(),
            ),
        };
        expected = e.end;
        let shape = usize_dims(&e.shape)
            .map_err(|what| format_err(e.at, format!("tensor {name:?}: {what}")))?;
        tensors.insert(e.name.clone(), Tensor::new(shape, data)?);
    }
    if expected != buffer.len() as u64 {
        return Err(format_err(
            data_start + expected,
            format!(
                "the tensors cover {expected} bytes but the data buffer holds {}",
                buffer.len()
            ),
        ));
    }
    Ok((tensors, skipped))
}
