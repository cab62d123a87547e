//! Safe file I/O: crash-safe writes, safetensors, and numpy's `.npy`.
//!
//! * [`write_atomic`]: every writer here goes through it, so a crash or a
//!   full disk never leaves a half-written file where a good one was.
//! * safetensors ([`save_safetensors`], [`load_safetensors`], in memory
//!   [`safetensors_to_bytes`] / [`safetensors_from_bytes`]): named `F32`/`F64`
//!   tensors of any rank as [`Tensor`] / [`TensorView`], plus string metadata.
//! * `.npy` ([`Matrix::write_npy`](crate::Matrix::write_npy),
//!   [`Matrix::read_npy`](crate::Matrix::read_npy), in memory
//!   [`Matrix::to_npy_bytes`](crate::Matrix::to_npy_bytes) /
//!   [`Matrix::from_npy_bytes`](crate::Matrix::from_npy_bytes)): one matrix
//!   per file, interchangeable with `np.save` / `np.load`.
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
//! a small multiple of the file's size. A seeded mutation test (truncation,
//! bit flips, splices, header edits) exercises this.
//!
//! # Matrices and tensors
//! A [`Matrix`](crate::Matrix) is saved as a 2-D array `(rows, cols)`.
//! Loading, a 2-D array becomes `rows x cols`, a 1-D array of `n` a `1 x n`
//! row vector, and a 0-D array (a scalar) a `1 x 1` matrix. Element types
//! are never converted silently: reading an `f32` file as `f64` (or the
//! reverse) is [`Error::DTypeMismatch`].

mod atomic;
mod json;
mod model;
mod npy;
mod npy_header;
mod safetensors;
mod tensor;

pub use atomic::write_atomic;
#[doc(hidden)]
pub use atomic::{fail_atomic_writes_for_testing, AtomicWriteFault};
pub use model::{load_model, load_model_with, save_model, save_model_with, WeightLayout};
pub use safetensors::{
    load_safetensors, safetensors_from_bytes, safetensors_to_bytes, save_safetensors, SafeTensors,
    MAX_HEADER_LEN,
};
pub use tensor::{Tensor, TensorData, TensorSlice, TensorView};

use crate::error::{Error, Result};
use std::path::Path;

/// Reads a whole file, mapping failures to [`Error::Io`] with the path.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}
