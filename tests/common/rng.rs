//! Random test data from the crate's own generator.
//!
//! [`TestRng`] wraps [`RandomState`] (numpy's legacy Mersenne Twister,
//! bit-exact on every target), so every test draws from the one generator
//! the crate ships and tests against numpy, instead of hand-rolled ones;
//! it derefs to `RandomState` for `randn`, `random_sample`, `next_u64`, ….

use groundup::rng::RandomState;
use groundup::{Matrix, Scalar};
use std::ops::{Deref, DerefMut};

/// The tests' random source: a seeded [`RandomState`] plus helpers.
pub struct TestRng(RandomState);

impl TestRng {
    /// Seeded as `np.random.RandomState(seed)`.
    pub fn new(seed: u32) -> Self {
        TestRng(RandomState::new(seed))
    }

    /// Uniform in `[-1, 1)`.
    pub fn signed(&mut self) -> f64 {
        self.0.random_sample() * 2.0 - 1.0
    }

    /// `n` values uniform in `[-1, 1)`, rounded to `T`.
    pub fn fill<T: Scalar>(&mut self, n: usize) -> Vec<T> {
        (0..n).map(|_| T::from_f64(self.signed())).collect()
    }

    /// A `rows x cols` matrix uniform in `[-scale, scale)`, filled row by
    /// row.
    pub fn matrix(&mut self, rows: usize, cols: usize, scale: f64) -> Matrix<f64> {
        Matrix::from_fn(rows, cols, |_, _| self.signed() * scale)
    }

    /// Uniform in `0..n` (`n > 0`), unbiased (numpy's masked rejection).
    pub fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "below(0)");
        self.0.random_interval(n as u64 - 1) as usize
    }
}

impl Deref for TestRng {
    type Target = RandomState;
    fn deref(&self) -> &RandomState {
        &self.0
    }
}

impl DerefMut for TestRng {
    fn deref_mut(&mut self) -> &mut RandomState {
        &mut self.0
    }
}
