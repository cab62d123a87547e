//! Helpers shared by the integration tests: a test file that needs them
//! declares `mod common;` and uses the parts it needs (the rest is dead code
//! in that test binary, hence the `allow`).
//!
//! - [`rng`]: the one source of random test data, the crate's own
//!   numpy-exact `RandomState` with helpers for vectors and matrices;
//! - [`kernels`]: the GEMM kernels to test, checked against what the CPU
//!   and the build offer, so no kernel drops out of the tests unnoticed;
//! - [`products`]: one product in f64 and f32 as bits, for the tests that
//!   compare thread configurations;
//! - [`files`]: temporary directories, committed fixtures, special float
//!   bit patterns (the I/O tests);
//! - [`examples`]: running the example programs (cross targets too);
//! - [`numpy`]: the numpy reference vectors (`tests/fixtures/rng_vectors.txt`,
//!   `word2vec_runs.txt`);
//! - [`scale`]: `GROUNDUP_TEST_SCALE`, which shrinks the heaviest tests
//!   under emulation;
//! - [`fnv1a`]: a hash of values' bits, for fixtures that pin results.

#![allow(dead_code)]

pub mod examples;
pub mod files;
pub mod kernels;
pub mod numpy;
pub mod products;
pub mod rng;
pub mod scale;

/// FNV-1a over the values' little-endian bytes (so the hash does not depend
/// on the target's byte order).
pub fn fnv1a<T: groundup::Scalar>(values: &[T]) -> u64 {
    let mut bytes = Vec::with_capacity(values.len() * T::BYTES);
    for &v in values {
        v.write_le(&mut bytes);
    }
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for byte in bytes {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
