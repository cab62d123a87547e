//! Safe file I/O: crash-safe writes, safetensors, and numpy's `.npy` and `.npz`.
//!
//! * [`write_atomic`]: every writer here goes through it, so a crash or a
//!   full disk never leaves a half-written file where a good one was.
//! * safetensors ([`save_safetensors`], [`load_safetensors`], in memory
//!   [`safetensors_to_bytes`] / [`safetensors_from_bytes`]): named `F32`/`F64`
//!   tensors of any rank as [`Tensor`] / [`TensorView`], plus string metadata;
//!   `F16`, `BF16`, integer and `BOOL` tensors read exactly into matrices
//!   ([`SafeTensors::matrix`]) or as labels ([`SafeTensors::labels`]);
//!   `F16`/`BF16` written on request ([`TensorView::store_as`]).
//! * `.npy` ([`Matrix::write_npy`](crate::Matrix::write_npy),
//!   [`Matrix::read_npy`](crate::Matrix::read_npy), in memory
//!   [`Matrix::to_npy_bytes`](crate::Matrix::to_npy_bytes) /
//!   [`Matrix::from_npy_bytes`](crate::Matrix::from_npy_bytes)): one matrix
//!   per file, interchangeable with `np.save` / `np.load`; any bool,
//!   integer or float array of at most two dimensions, either byte order,
//!   C or Fortran order, converted exactly. Class labels:
//!   [`read_npy_labels`] / [`npy_labels_from_bytes`].
//! * `.npz` ([`Npz`] to read, [`write_npz`] / [`npz_to_bytes`] to write):
//!   several named arrays in one ZIP archive, as `np.savez` (stored) and
//!   `np.savez_compressed` (deflate) write them, with a std-only ZIP reader
//!   and writer (ZIP64 included), inflater and compressor.
//! * models ([`save_model`], [`load_model`], and [`save_model_with`] /
//!   [`load_model_with`] for PyTorch's `(out, in)` weight layout, see
//!   [`WeightLayout`]): a model's parameters as safetensors, by name.
//!
//! CSV lives in [`crate::data::csv`].
//!
//! # Hostile input
//! The readers treat files as untrusted: every length, offset and shape is
//! checked (with overflow-checked arithmetic) against the actual file size
//! *before* anything is allocated, every malformed input is a typed
//! [`Error`] — never a panic — and nothing is allocated beyond
//! a small multiple of the file's size (at most 8 times, for one-byte
//! elements read as `f64` or `usize`). `.npz` members are compressed, so
//! there the bound is each member's declared uncompressed size, itself at
//! most a caller-settable limit ([`Npz::with_max_entry_size`], default
//! [`NPZ_DEFAULT_MAX_ENTRY_SIZE`]); inflating never goes past it. A seeded
//! mutation test (truncation, bit flips, splices, header and ZIP field
//! edits) exercises this.
//!
//! # Matrices and tensors
//! A [`Matrix`](crate::Matrix) is saved as a 2-D array `(rows, cols)`.
//! Loading, a 2-D array becomes `rows x cols` and a 0-D array (a scalar) a
//! `1 x 1` matrix. A 1-D array of `n` is an `n x 1` column from `.npy` and
//! `.npz` (data sets: one value per sample) but a `1 x n` row from
//! safetensors (checkpoints: a bias vector). Nothing is rounded. From
//! `.npy`, an `f4` file read as `f64` widens exactly and an `f8` file read
//! as `f32` succeeds only when every value is an `f32`; a safetensors
//! tensor of the other float width is [`Error::DTypeMismatch`] (read it at
//! its width and cast). Bool, integer and 16-bit float elements convert
//! into either width when the value is exactly representable, and the
//! first that is not is [`Error::NotRepresentable`] with its index.

mod atomic;
mod convert;
mod deflate;
mod half;
mod json;
mod model;
mod npy;
mod npy_header;
mod npz;
mod safetensors;
mod tensor;
mod zip;

pub use atomic::write_atomic;
#[doc(hidden)]
pub use atomic::{fail_atomic_writes_for_testing, AtomicWriteFault};
pub use deflate::{raw_deflate, raw_inflate};
pub use model::{load_model, load_model_with, save_model, save_model_with, WeightLayout};
pub use npy::{npy_labels_from_bytes, read_npy_labels};
#[doc(hidden)]
pub use npz::npz_to_bytes_zip64_for_testing;
pub use npz::{npz_to_bytes, write_npz, Npz, NPZ_DEFAULT_MAX_ENTRY_SIZE};
pub use safetensors::{
    load_safetensors, safetensors_from_bytes, safetensors_to_bytes, save_safetensors, SafeTensors,
    SkippedTensor, MAX_HEADER_LEN,
};
pub use tensor::{StoreAs, Tensor, TensorData, TensorSlice, TensorView};

use crate::error::{Error, Result};
use std::path::Path;

/// Reads a whole file, mapping failures to [`Error::Io`] with the path.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Says what kind of dtype an [`Error::UnsupportedDType`] names and what is
/// read instead (the error's message).
pub(crate) fn unsupported_dtype_note(format: &str, dtype: &str) -> String {
    if format == npy::FORMAT {
        let code = dtype.trim_start_matches(['<', '>', '|', '=']);
        let kind = match code.as_bytes().first() {
            _ if dtype.starts_with('[') => "a structured dtype (named fields), not a numeric array",
            Some(b'O') => "an object dtype (pickled Python objects), not a numeric array",
            Some(b'U') => "a unicode string dtype, not a numeric array",
            Some(b'S' | b'a') => "a byte string dtype, not a numeric array",
            Some(b'c') => "a complex dtype, not a real numeric array",
            Some(b'M') => "a datetime64 dtype, not a numeric array",
            Some(b'm') => "a timedelta64 dtype, not a numeric array",
            Some(b'V') => "a raw bytes (void) dtype, not a numeric array",
            Some(b'f') if code.len() > 2 => {
                "an extended-precision (long double) float dtype, wider than f64"
            }
            _ => "not a dtype numpy writes for a numeric array",
        };
        format!("{kind}; groundup reads b1, i1-i8, u1-u8, f2, f4 and f8 in either byte order")
    } else if format == safetensors::FORMAT {
        match dtype {
            "F8_E4M3" | "F8_E5M2" => "8-bit float tensors are not read".to_string(),
            "BOOL" | "U8" | "I8" | "U16" | "I16" | "U32" | "I32" | "U64" | "I64" | "F16"
            | "BF16" => "not held as a Tensor (see SafeTensors::skipped); read it with \
                 SafeTensors::matrix, SafeTensors::tensor_as or SafeTensors::labels, \
                 which convert exactly"
                .to_string(),
            _ => "not a safetensors dtype (the format's are BOOL, U8, I8, U16, I16, U32, I32, \
                  U64, I64, F16, BF16, F32, F64, F8_E4M3 and F8_E5M2)"
                .to_string(),
        }
    } else {
        "groundup does not read it".to_string()
    }
}
