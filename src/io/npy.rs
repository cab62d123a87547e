//! numpy's `.npy` format for [`Matrix`]: `Matrix::write_npy`,
//! `Matrix::read_npy` and their in-memory forms, and class labels
//! ([`read_npy_labels`], [`npy_labels_from_bytes`]).
//!
//! Layout: magic `\x93NUMPY`, version (major, minor bytes), header length
//! (u16 LE for 1.0; u32 LE for 2.0 and 3.0), a Python dict literal such as
//! `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }` padded
//! with spaces and ended by `\n`, then the raw elements.
//!
//! Writing: version 1.0 (2.0 only if the header exceeded 65535 bytes),
//! `descr` `<f4`/`<f8`, always a 2-D shape `(rows, cols)`, the preamble
//! padded to a multiple of 64 bytes as numpy does.
//!
//! Reading (strict, never panics, never allocates more than 8 times the
//! file size — the most being a `u1` file read as `f64`): versions 1.0, 2.0
//! and 3.0; the dict may have any key order, whitespace and a trailing
//! comma but must have exactly the keys `descr`, `fortran_order` and
//! `shape`; `descr` one of `b1`, `i1`–`i8`, `u1`–`u8`, `f2`, `f4`, `f8` in
//! either byte order, converted exactly as [`Matrix::read_npy`] describes;
//! other dtypes (a structured dtype's field list included) are
//! [`Error::UnsupportedDType`] naming them; C or Fortran order; at most two
//! dimensions for a matrix. The data must be exactly `product(shape) *
//! itemsize` bytes (trailing bytes are an error). Other problems are
//! [`Error::Format`] with the byte offset.

use super::convert::{self, Bad, Elem, Raw};
use super::half::Half;
use super::npy_header::parse_dict;
use super::tensor::{bytes_text, is_label_vector, shape_bytes, usize_dims};
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::scalar::{DType, Scalar};
use std::path::Path;

const MAGIC: &[u8; 6] = b"\x93NUMPY";
pub(crate) const FORMAT: &str = "npy";
/// numpy's `ARRAY_ALIGN`: the preamble is padded to a multiple of this.
const ALIGN: usize = 64;

pub(crate) fn format_err(offset: usize, what: impl Into<String>) -> Error {
    Error::Format {
        format: FORMAT,
        offset: Some(offset as u64),
        what: what.into(),
    }
}

/// The magic, version, header length and padded header for an array of
/// `descr` and `shape`, as numpy's `_write_array_header` lays them out.
pub(crate) fn preamble(descr: &str, shape: &[usize]) -> Vec<u8> {
    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
    let tuple = match dims.len() {
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    };
    let dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {tuple}, }}");
    for (version, len_bytes) in [(1u8, 2usize), (2, 4)] {
        let fixed = MAGIC.len() + 2 + len_bytes;
        // dict + padding + '\n', the whole preamble a multiple of ALIGN.
        let total = (fixed + dict.len() + 1).div_ceil(ALIGN) * ALIGN;
        let header_len = total - fixed;
        if version == 1 && header_len > usize::from(u16::MAX) {
            continue;
        }
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&[version, 0]);
        if version == 1 {
            out.extend_from_slice(&(header_len as u16).to_le_bytes());
        } else {
            out.extend_from_slice(&(header_len as u32).to_le_bytes());
        }
        out.extend_from_slice(dict.as_bytes());
        out.resize(total - 1, b' ');
        out.push(b'\n');
        return out;
    }
    unreachable!("a version 2.0 header holds 4 GiB")
}

impl<T: Scalar> Matrix<T> {
    /// The `.npy` encoding of this matrix (version 1.0, shape `(rows, cols)`,
    /// little-endian, bit-exact). See [`Matrix::write_npy`].
    ///
    /// ```
    /// use groundup::Matrix;
    /// let bytes = Matrix::<f64>::zeros(3, 2).to_npy_bytes();
    /// assert!(bytes.starts_with(b"\x93NUMPY\x01\x00"));
    /// let header = String::from_utf8_lossy(&bytes[10..]);
    /// assert!(header.starts_with("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }"));
    /// assert_eq!(bytes.len(), 128 + 6 * 8); // preamble padded to a multiple of 64
    /// ```
    pub fn to_npy_bytes(&self) -> Vec<u8> {
        let descr = match T::DTYPE {
            DType::F32 => "<f4",
            DType::F64 => "<f8",
        };
        let mut out = preamble(descr, &[self.rows(), self.cols()]);
        out.reserve(self.len() * T::BYTES);
        for &v in self.as_slice() {
            v.write_le(&mut out);
        }
        out
    }

    /// Writes this matrix to `path` as `.npy`, atomically (see
    /// [`write_atomic`](crate::io::write_atomic)); numpy reads it with
    /// `np.load(path)` as a 2-D `float32`/`float64` array.
    ///
    /// # Errors
    /// [`Error::Io`].
    ///
    /// ```
    /// use groundup::Matrix;
    /// let dir = std::env::temp_dir().join(format!("groundup-doc-npy-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("x.npy");
    /// let x = Matrix::from_vec(2, 2, vec![1.0f32, -0.0, f32::INFINITY, f32::NAN]).unwrap();
    /// x.write_npy(&path).unwrap();
    /// let y = Matrix::<f32>::read_npy(&path).unwrap();
    /// assert_eq!(y.shape(), (2, 2));
    /// let bits = |m: &Matrix<f32>| m.as_slice().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    /// assert_eq!(bits(&x), bits(&y));
    /// // Read as f64, every f32 widens exactly.
    /// let z = Matrix::<f64>::read_npy(&path).unwrap();
    /// assert_eq!(z.as_slice()[2], f64::INFINITY);
    /// std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn write_npy(&self, path: impl AsRef<Path>) -> Result<()> {
        super::write_atomic(path, &self.to_npy_bytes())
    }

    /// Reads a `.npy` file holding a numeric array of at most two
    /// dimensions, converting every element exactly:
    ///
    /// * `f4` into `Matrix<f32>` and `f8` into `Matrix<f64>`, bit for bit;
    ///   `f4` into `Matrix<f64>`, the exact widening; `f8` into
    ///   `Matrix<f32>` only when every value is an `f32` (or NaN), otherwise
    ///   [`Error::NotRepresentable`] naming the first that is not — never a
    ///   silent rounding: read such a file as `f64` and
    ///   [`cast`](Matrix::cast) if rounding is wanted.
    /// * `f2` (IEEE half) into either: every half is exactly an `f32` and an
    ///   `f64` (subnormals too; a NaN keeps its sign and payload).
    /// * `b1` (bool) as 0 and 1; a byte other than 0 or 1 is
    ///   [`Error::Format`] at its offset.
    /// * `i1`–`i8`, `u1`–`u8` into either when the float holds the value
    ///   exactly: always for 8- and 16-bit integers, and for 32-bit ones
    ///   into `f64`; otherwise every integer up to 2^24 (`f32`) or 2^53
    ///   (`f64`) in magnitude, and beyond that those the float still holds
    ///   (2^24 + 2, 2^62, ...). The first value that is not is
    ///   [`Error::NotRepresentable`] with its row-major index, never rounded.
    ///
    /// Either byte order (`<`, `>`, `|`); `fortran_order: True` (column-major)
    /// is read into the row-major matrix in the same single pass that
    /// converts. Shape `(r, c)` is an `r x c` matrix, `(n,)` an `n x 1`
    /// column (one row per element: a 1-D array in a data set is one value
    /// per sample, as scikit-learn's `y` is), `()` a `1 x 1` matrix.
    /// Class labels are read with [`read_npy_labels`].
    ///
    /// # Errors
    /// [`Error::Io`]; [`Error::Format`] for a malformed file (with the byte
    /// offset); [`Error::UnsupportedDType`] for structured, object, string,
    /// complex, datetime and other non-numeric dtypes, naming the dtype;
    /// [`Error::NotRepresentable`] as above; [`Error::Unsupported`] for more
    /// than two dimensions or an unknown format version.
    ///
    /// ```
    /// use groundup::{Error, Matrix};
    /// let missing = std::env::temp_dir().join("groundup-doc-no-such-file.npy");
    /// assert!(matches!(Matrix::<f32>::read_npy(&missing), Err(Error::Io { .. })));
    ///
    /// // np.save("ids.npy", np.array([[1, 2], [3, 2**24 + 1]]))
    /// let path = std::env::temp_dir().join(format!("groundup-doc-ids-{}.npy", std::process::id()));
    /// let mut npy = b"\x93NUMPY\x01\x00".to_vec();
    /// let dict = b"{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }\n";
    /// npy.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    /// npy.extend_from_slice(dict);
    /// for v in [1i64, 2, 3, (1 << 24) + 1] {
    ///     npy.extend_from_slice(&v.to_le_bytes());
    /// }
    /// groundup::io::write_atomic(&path, &npy).unwrap();
    /// let m = Matrix::<f64>::read_npy(&path).unwrap();
    /// assert_eq!(m.as_slice(), &[1.0, 2.0, 3.0, 16777217.0]);
    /// // float32 would round 2^24 + 1: refused, naming element 3.
    /// let err = Matrix::<f32>::read_npy(&path).unwrap_err();
    /// assert!(matches!(err, Error::NotRepresentable { index: 3, .. }), "{err}");
    /// std::fs::remove_file(&path).unwrap();
    /// ```
    pub fn read_npy(path: impl AsRef<Path>) -> Result<Self> {
        Self::from_npy_bytes(&super::read_file(path.as_ref())?)
    }

    /// Parses `.npy` bytes; see [`Matrix::read_npy`] for what is accepted
    /// and how it converts.
    ///
    /// # Errors
    /// As [`Matrix::read_npy`], except [`Error::Io`].
    ///
    /// ```
    /// use groundup::{Error, Matrix};
    /// // A 1-D array of three f64 is read as a 3 x 1 column.
    /// let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    /// let dict = b"{'shape':(3,),'descr':'<f8','fortran_order':False}\n";
    /// bytes.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    /// bytes.extend_from_slice(dict);
    /// for v in [1.0f64, 2.0, 3.0] {
    ///     bytes.extend_from_slice(&v.to_le_bytes());
    /// }
    /// let m = Matrix::<f64>::from_npy_bytes(&bytes).unwrap();
    /// assert_eq!((m.shape(), m.as_slice()), ((3, 1), &[1.0, 2.0, 3.0][..]));
    /// // 0.1 as f64 is no f32: refused, not rounded.
    /// let mut tenth = bytes.clone();
    /// let n = tenth.len();
    /// tenth[n - 8..].copy_from_slice(&0.1f64.to_le_bytes());
    /// let err = Matrix::<f32>::from_npy_bytes(&tenth).unwrap_err();
    /// assert!(matches!(err, Error::NotRepresentable { index: 2, .. }), "{err}");
    /// // Every truncation is an error, never a panic.
    /// for n in 0..bytes.len() {
    ///     assert!(Matrix::<f64>::from_npy_bytes(&bytes[..n]).is_err());
    /// }
    /// // A Fortran-ordered big-endian int16 array (2, 3), stored column by column.
    /// let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    /// let dict = b"{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }\n";
    /// bytes.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    /// bytes.extend_from_slice(dict);
    /// for v in [1i16, 4, 2, 5, 3, -6] {
    ///     bytes.extend_from_slice(&v.to_be_bytes());
    /// }
    /// let m = Matrix::<f32>::from_npy_bytes(&bytes).unwrap();
    /// assert_eq!((m.shape(), m.as_slice()), ((2, 3), &[1.0, 2.0, 3.0, 4.0, 5.0, -6.0][..]));
    /// ```
    pub fn from_npy_bytes(bytes: &[u8]) -> Result<Self> {
        let npy = Npy::parse(bytes)?;
        if npy.shape.len() > 2 {
            return Err(Error::Unsupported {
                format: FORMAT,
                what: format!(
                    "{}-D array of shape {}; a Matrix holds at most 2 dimensions",
                    npy.shape.len(),
                    shape_tuple(&npy.shape)
                ),
            });
        }
        let shape = npy.dims()?;
        let (rows, cols) = match shape[..] {
            [] => (1, 1),
            [n] => (n, 1),
            [r, c] => (r, c),
            _ => unreachable!("at most 2 dimensions, checked above"),
        };
        let target = match (npy.elem, T::DTYPE) {
            (Elem::F64, DType::F32) => "float32 (read the file as f64 and cast to round it)",
            _ => T::DTYPE.name(),
        };
        let values = convert::floats::<T>(&npy.raw(), (rows, cols, npy.fortran))
            .map_err(|bad| npy.error(bad, target))?;
        Matrix::from_vec(rows, cols, values)
    }
}

/// Reads class labels from a `.npy` file: a bool or integer array (`b1`,
/// `i1`–`i8`, `u1`–`u8`, either byte order) of shape `()`, `(n,)`, `(n, 1)`
/// or `(1, n)` — what `np.save("y.npy", y)` writes for the labels `y` of a
/// classifier — as one `usize` per element, in order.
///
/// # Errors
/// [`Error::Io`]; [`Error::NotRepresentable`] naming the index of the first
/// negative label (or the first beyond `usize::MAX`, on a 32-bit target);
/// [`Error::Unsupported`] for a float array or another shape; otherwise as
/// [`Matrix::read_npy`].
///
/// ```
/// let dir = std::env::temp_dir().join(format!("groundup-doc-labels-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("y.npy");
/// // np.save("y.npy", np.array([2, 0, 1]))
/// let mut npy = b"\x93NUMPY\x01\x00".to_vec();
/// let dict = b"{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }\n";
/// npy.extend_from_slice(&(dict.len() as u16).to_le_bytes());
/// npy.extend_from_slice(dict);
/// for v in [2i64, 0, 1] {
///     npy.extend_from_slice(&v.to_le_bytes());
/// }
/// groundup::io::write_atomic(&path, &npy).unwrap();
/// assert_eq!(groundup::io::read_npy_labels(&path).unwrap(), [2, 0, 1]);
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn read_npy_labels(path: impl AsRef<Path>) -> Result<Vec<usize>> {
    npy_labels_from_bytes(&super::read_file(path.as_ref())?)
}

/// Parses class labels from `.npy` bytes; see [`read_npy_labels`].
///
/// # Errors
/// As [`read_npy_labels`], except [`Error::Io`].
///
/// ```
/// use groundup::{io::npy_labels_from_bytes, Error};
/// let npy = |descr: &str, data: &[u8]| {
///     let dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': ({},), }}\n", data.len());
///     let mut out = b"\x93NUMPY\x01\x00".to_vec();
///     out.extend_from_slice(&(dict.len() as u16).to_le_bytes());
///     out.extend_from_slice(dict.as_bytes());
///     out.extend_from_slice(data);
///     out
/// };
/// assert_eq!(npy_labels_from_bytes(&npy("|u1", &[3, 0, 255])).unwrap(), [3, 0, 255]);
/// assert_eq!(npy_labels_from_bytes(&npy("|b1", &[1, 0])).unwrap(), [1, 0]);
/// // -1 (0xff as int8) is no label.
/// let err = npy_labels_from_bytes(&npy("|i1", &[1, 0xff])).unwrap_err();
/// assert!(matches!(err, Error::NotRepresentable { index: 1, .. }), "{err}");
/// assert!(err.to_string().contains("element 1 (row-major) is -1"), "{err}");
/// ```
pub fn npy_labels_from_bytes(bytes: &[u8]) -> Result<Vec<usize>> {
    let npy = Npy::parse(bytes)?;
    if !npy.elem.is_integral() {
        return Err(Error::Unsupported {
            format: FORMAT,
            what: format!(
                "labels must be a bool or integer array, but this one is {} ({}); \
                 read it with Matrix::read_npy",
                npy.descr,
                npy.elem.name()
            ),
        });
    }
    if !is_label_vector(&npy.shape) {
        return Err(Error::Unsupported {
            format: FORMAT,
            what: format!(
                "labels must be one value per sample, shape (n,), (n, 1) or (1, n), \
                 but this array has shape {}",
                shape_tuple(&npy.shape)
            ),
        });
    }
    npy.dims()?;
    convert::labels(&npy.raw()).map_err(|bad| npy.error(bad, "a label (usize)"))
}

/// `(3, 2)`, `(5,)`, `()`: a shape as numpy prints it.
fn shape_tuple(shape: &[u64]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The numeric dtypes read, as `(element, big-endian)`: `b1`, `i1`–`i8`,
/// `u1`–`u8`, `f2`, `f4`, `f8` with byte order `<` or `>` (and `|`, "not
/// applicable", for the one-byte types, which is what numpy writes).
fn parse_descr(descr: &str) -> Option<(Elem, bool)> {
    let mut chars = descr.chars();
    let order = chars.next()?;
    let elem = match chars.as_str() {
        "b1" => Elem::Bool,
        "i1" | "i2" | "i4" | "i8" | "u1" | "u2" | "u4" | "u8" => Elem::Int {
            bytes: usize::from(descr.as_bytes()[2] - b'0'),
            signed: descr.as_bytes()[1] == b'i',
        },
        "f2" => Elem::Half(Half::F16),
        "f4" => Elem::F32,
        "f8" => Elem::F64,
        _ => return None,
    };
    match order {
        '<' => Some((elem, false)),
        '>' => Some((elem, true)),
        '|' if elem.size() == 1 => Some((elem, false)),
        _ => None,
    }
}

/// An npy file with its header checked and its data located, not yet
/// converted.
struct Npy<'a> {
    descr: String,
    elem: Elem,
    big_endian: bool,
    fortran: bool,
    /// As written (`u64`, whatever the target's `usize`).
    shape: Vec<u64>,
    data: &'a [u8],
    data_start: usize,
}

impl<'a> Npy<'a> {
    /// Magic, version, header dict and dtype; the data size is checked by
    /// [`Npy::dims`].
    fn parse(bytes: &'a [u8]) -> Result<Self> {
        let (header, data_start) = split_header(bytes)?;
        let dict = parse_dict(header, data_start - header.len())?;
        let parsed = if dict.structured {
            None
        } else {
            parse_descr(&dict.descr)
        };
        let Some((elem, big_endian)) = parsed else {
            return Err(Error::UnsupportedDType {
                format: FORMAT,
                dtype: dict.descr,
            });
        };
        Ok(Npy {
            descr: dict.descr,
            elem,
            big_endian,
            fortran: dict.fortran_order,
            shape: dict.shape,
            data: &bytes[data_start..],
            data_start,
        })
    }

    /// Checks that the data are exactly what the shape needs (trailing
    /// bytes are an error) and returns the dimensions as `usize`.
    fn dims(&self) -> Result<Vec<usize>> {
        let needed = shape_bytes(&self.shape, self.elem.size());
        if needed != Some(self.data.len() as u128) {
            return Err(format_err(
                self.data_start,
                format!(
                    "shape {} of {} needs {} data bytes but the file has {}",
                    shape_tuple(&self.shape),
                    self.descr,
                    bytes_text(needed),
                    self.data.len()
                ),
            ));
        }
        usize_dims(&self.shape).map_err(|what| format_err(self.data_start, what))
    }

    fn raw(&self) -> Raw<'a> {
        Raw {
            data: self.data,
            elem: self.elem,
            big_endian: self.big_endian,
        }
    }

    /// The error for an element that did not convert to `target`.
    fn error(&self, bad: Bad, target: &str) -> Error {
        match bad {
            Bad::Inexact { index, value } => Error::NotRepresentable {
                context: format!(
                    "npy file ({}, shape {})",
                    self.descr,
                    shape_tuple(&self.shape)
                ),
                index,
                value,
                target: target.to_string(),
            },
            Bad::Bool {
                index,
                storage,
                byte,
            } => format_err(
                self.data_start + storage,
                format!("element {index} of the bool ({}) array is byte {byte:#04x}; a numpy bool is 0 or 1", self.descr),
            ),
            Bad::NotIntegral => Error::Unsupported {
                format: FORMAT,
                what: format!("{} ({}) elements are not labels", self.descr, self.elem.name()),
            },
        }
    }
}

/// Checks magic and version; returns the header text and where data begin.
fn split_header(bytes: &[u8]) -> Result<(&[u8], usize)> {
    if !bytes.starts_with(MAGIC) {
        let n = bytes.len().min(MAGIC.len());
        let what = if bytes[..n] == MAGIC[..n] {
            format!(
                "file is {} bytes, too short for the magic string",
                bytes.len()
            )
        } else {
            format!(
                "not an npy file: it starts with {:?}, not \\x93NUMPY",
                String::from_utf8_lossy(&bytes[..n])
            )
        };
        return Err(format_err(0, what));
    }
    let version = match bytes.get(6..8) {
        Some(v) => (v[0], v[1]),
        None => {
            return Err(format_err(
                bytes.len(),
                "file ends inside the version bytes",
            ))
        }
    };
    let len_bytes = match version {
        (1, 0) => 2,
        (2, 0) | (3, 0) => 4,
        (major, minor) => {
            return Err(Error::Unsupported {
                format: FORMAT,
                what: format!("format version {major}.{minor} (1.0, 2.0 and 3.0 are read)"),
            })
        }
    };
    let Some(len_field) = bytes.get(8..8 + len_bytes) else {
        return Err(format_err(
            bytes.len(),
            "file ends inside the header length",
        ));
    };
    let header_len = len_field
        .iter()
        .rev()
        .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
    let start = 8 + len_bytes;
    let available = bytes.len() - start;
    if header_len > available {
        return Err(format_err(
            8,
            format!("header length {header_len} exceeds the {available} bytes left in the file"),
        ));
    }
    Ok((&bytes[start..start + header_len], start + header_len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preamble_is_aligned_and_picks_version_2_for_huge_headers() {
        for shape in [&[0usize, 0][..], &[3, 2], &[123_456_789, 987_654_321], &[5]] {
            let p = preamble("<f8", shape);
            assert_eq!(p.len() % ALIGN, 0);
            assert_eq!((p[6], p[7]), (1, 0));
            assert_eq!(*p.last().unwrap(), b'\n');
        }
        // 30 000 dimensions give a header of more than 65535 bytes.
        let shape = vec![1usize; 30_000];
        let p = preamble("<f4", &shape);
        assert_eq!((p[6], p[7]), (2, 0));
        assert_eq!(p.len() % ALIGN, 0);
        let len = u32::from_le_bytes(p[8..12].try_into().unwrap()) as usize;
        assert_eq!(12 + len, p.len());
        let dict = parse_dict(&p[12..], 12).unwrap();
        assert_eq!(dict.shape.len(), 30_000);
    }
}
