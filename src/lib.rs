//! # groundup
//!
//! Train neural networks with nothing but `std`: a row-major [`Matrix`] over
//! `f32`/`f64`, a cache-blocked GEMM with runtime-selected SIMD kernels
//! ([`gemm`]), and the layers, optimizers and trainer of chapter 1 of *Deep
//! Learning from Scratch 2*, written so the book's float64 runs are
//! reproduced number for number.
//!
//! ```
//! use groundup::Matrix;
//! let x = Matrix::from_vec(2, 2, vec![1.0f64, 2.0, 3.0, 4.0]).unwrap();
//! let w = Matrix::identity(2);
//! assert_eq!(x.matmul(&w), x);
//! ```
//!
//! # Errors and panics
//! Operations whose failure is a bug in the calling code — multiplying
//! matrices of incompatible shapes, feeding a layer an input of the wrong
//! width — panic with a message that names the operation and both shapes,
//! as slice indexing does. Where recovering makes sense there is a `try_`
//! twin returning [`Error`]. Everything that depends on the outside world —
//! files, command lines, user data, a training run that diverges — returns
//! [`Result`].
//!
//! # Unsafe code
//! The crate denies `unsafe_code`; only the GEMM kernel modules (SIMD
//! intrinsics, the strided view of C shared between threads, the thread
//! pool) allow it, each block with a `// SAFETY:` comment.

#![deny(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod data;
pub mod error;
pub mod gemm;
pub mod gradcheck;
pub mod io;
pub mod layers;
pub mod matrix;
pub mod model;
pub mod optim;
pub mod plot;
pub mod rng;
pub mod scalar;
pub mod train;

pub use error::{Error, Result};
pub use gemm::Transpose;
pub use matrix::{Matrix, MatrixView};
pub use rng::RandomState;
pub use scalar::{DType, Scalar};
