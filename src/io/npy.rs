//! numpy's `.npy` format for [`Matrix`]: `Matrix::write_npy`,
//! `Matrix::read_npy` and their in-memory forms.
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
//! Reading (strict, never panics, never allocates beyond the file size):
//! versions 1.0, 2.0 and 3.0; the dict may have any key order, whitespace
//! and a trailing comma but must have exactly the keys `descr`,
//! `fortran_order` and `shape`; `descr` `<f4`/`<f8` (and big-endian
//! `>f4`/`>f8`, byte-swapped); the file's float width must be the
//! requested one — an `f4` file read as `Matrix<f64>` is
//! [`Error::DTypeMismatch`] (read the stored type and [`Matrix::cast`]);
//! other dtypes are [`Error::UnsupportedDType`]; `fortran_order: True` and
//! more than two dimensions are [`Error::Unsupported`]. Shape `(r, c)` is
//! an `r x c` matrix, `(n,)` a `1 x n` row vector, `()` (a numpy scalar) a
//! `1 x 1` matrix. The data must be exactly `rows * cols * itemsize` bytes
//! (trailing bytes are an error). Other problems are [`Error::Format`].

use super::npy_header::parse_dict;
use super::tensor::{bytes_text, shape_bytes, usize_dims};
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
    /// // The other float width is refused, not converted.
    /// assert!(matches!(Matrix::<f64>::read_npy(&path), Err(groundup::Error::DTypeMismatch { .. })));
    /// std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn write_npy(&self, path: impl AsRef<Path>) -> Result<()> {
        super::write_atomic(path, &self.to_npy_bytes())
    }

    /// Reads a `.npy` file of this element type; see the [module
    /// docs](crate::io) for the accepted forms. Round-trip example at
    /// [`Matrix::write_npy`].
    ///
    /// # Errors
    /// [`Error::Io`], or as [`Matrix::from_npy_bytes`].
    ///
    /// ```
    /// use groundup::{Error, Matrix};
    /// let missing = std::env::temp_dir().join("groundup-doc-no-such-file.npy");
    /// assert!(matches!(Matrix::<f32>::read_npy(&missing), Err(Error::Io { .. })));
    /// ```
    pub fn read_npy(path: impl AsRef<Path>) -> Result<Self> {
        Self::from_npy_bytes(&super::read_file(path.as_ref())?)
    }

    /// Parses `.npy` bytes.
    ///
    /// # Errors
    /// [`Error::Format`] for a malformed file, [`Error::UnsupportedDType`]
    /// for a non-float dtype, [`Error::DTypeMismatch`] for the other float
    /// width, [`Error::Unsupported`] for Fortran order, more than two
    /// dimensions or an unknown version.
    ///
    /// ```
    /// use groundup::{Error, Matrix};
    /// // A 1-D array of three f64 is read as a 1 x 3 row vector.
    /// let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    /// let dict = b"{'shape':(3,),'descr':'<f8','fortran_order':False}\n";
    /// bytes.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    /// bytes.extend_from_slice(dict);
    /// for v in [1.0f64, 2.0, 3.0] {
    ///     bytes.extend_from_slice(&v.to_le_bytes());
    /// }
    /// let m = Matrix::<f64>::from_npy_bytes(&bytes).unwrap();
    /// assert_eq!((m.shape(), m.as_slice()), ((1, 3), &[1.0, 2.0, 3.0][..]));
    /// // Every truncation is an error, never a panic.
    /// for n in 0..bytes.len() {
    ///     assert!(Matrix::<f64>::from_npy_bytes(&bytes[..n]).is_err());
    /// }
    /// ```
    pub fn from_npy_bytes(bytes: &[u8]) -> Result<Self> {
        let (header, data_start) = split_header(bytes)?;
        let dict = parse_dict(header, data_start - header.len())?;
        let (big_endian, dtype) = match dict.descr.as_str() {
            "<f4" => (false, DType::F32),
            "<f8" => (false, DType::F64),
            ">f4" => (true, DType::F32),
            ">f8" => (true, DType::F64),
            other => {
                return Err(Error::UnsupportedDType {
                    format: FORMAT,
                    dtype: other.to_string(),
                })
            }
        };
        if dtype != T::DTYPE {
            return Err(Error::DTypeMismatch {
                context: "npy file".to_string(),
                expected: T::DTYPE,
                found: dtype,
            });
        }
        if dict.fortran_order {
            return Err(Error::Unsupported {
                format: FORMAT,
                what: "fortran_order: True (column-major data); save a C-ordered array \
                       (np.ascontiguousarray)"
                    .to_string(),
            });
        }
        if dict.shape.len() > 2 {
            return Err(Error::Unsupported {
                format: FORMAT,
                what: format!(
                    "{}-D array of shape {:?}; a Matrix holds at most 2 dimensions",
                    dict.shape.len(),
                    dict.shape
                ),
            });
        }
        let data = &bytes[data_start..];
        let needed = shape_bytes(&dict.shape, T::BYTES);
        if needed != Some(data.len() as u128) {
            return Err(format_err(
                data_start,
                format!(
                    "shape {:?} of {} needs {} data bytes but the file has {}",
                    dict.shape,
                    dtype,
                    bytes_text(needed),
                    data.len()
                ),
            ));
        }
        let shape = usize_dims(&dict.shape).map_err(|what| format_err(data_start, what))?;
        let (rows, cols) = match shape[..] {
            [] => (1, 1),
            [n] => (1, n),
            [r, c] => (r, c),
            _ => unreachable!("at most 2 dimensions, checked above"),
        };
        let values = data
            .chunks_exact(T::BYTES)
            .map(|c| {
                if big_endian {
                    let mut b = [0u8; 8];
                    let b = &mut b[..c.len()];
                    b.copy_from_slice(c);
                    b.reverse();
                    T::read_le(b)
                } else {
                    T::read_le(c)
                }
            })
            .collect();
        Matrix::from_vec(rows, cols, values)
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
