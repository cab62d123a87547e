//! # groundup
//!
//! Train neural networks with nothing but `std`: a row-major [`Matrix`] over
//! `f32`/`f64`, a cache-blocked GEMM with runtime-selected SIMD kernels
//! ([`gemm`]), and the layers, optimizers, trainer and models of *Deep
//! Learning from Scratch 2* — chapter 1's networks and chapters 2–4's word
//! vectors ([`text`], [`linalg`], [`model::Cbow`], …) — written so the
//! book's numpy runs are reproduced: number for number in float64, within
//! float32 rounding in float32.
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
//! With the default feature `simd`, the crate denies `unsafe_code`; only the
//! GEMM kernel modules (SIMD intrinsics, the strided view of C shared
//! between threads, the thread pool and its teams' shared packing buffers)
//! allow it, each block with a `// SAFETY:` comment. Built with
//! `--no-default-features`, the whole crate compiles under
//! `#![forbid(unsafe_code)]`: the portable kernel only, C viewed through
//! ordinary `&mut [T]` slices, and threads through
//! [`std::thread::scope`], with results bit-identical to the portable kernel
//! of the default build and the same public API (see [`gemm`]).

#![cfg_attr(feature = "simd", deny(unsafe_code))]
#![cfg_attr(not(feature = "simd"), forbid(unsafe_code))]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod data;
pub mod error;
pub mod gemm;
pub mod gradcheck;
pub mod io;
pub mod layers;
pub mod linalg;
pub mod matrix;
pub mod model;
pub mod optim;
pub mod plot;
pub mod rng;
pub mod scalar;
pub mod text;
pub mod train;

/// The README's Rust examples, compiled and run by `cargo test` (doc tests).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub use error::{Error, Result};
pub use gemm::Transpose;
pub use matrix::{Matrix, MatrixView};
pub use rng::RandomState;
pub use scalar::{DType, Scalar};
