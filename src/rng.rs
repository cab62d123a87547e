//! [`RandomState`]: numpy's legacy global random number generator
//! (`np.random.seed` / `np.random.RandomState`), reproduced bit for bit.
//!
//! The book seeds numpy's global generator (`np.random.seed(1984)`) and then
//! draws the spiral data, the initial weights and every epoch's shuffle from
//! that one stream. To reproduce its runs number for number, this module
//! implements the same generator and the same sampling algorithms, including
//! the order in which raw words are consumed and the cached second Gaussian.
//!
//! | method | numpy | algorithm |
//! |---|---|---|
//! | [`RandomState::new`], [`RandomState::seed`] | `RandomState(s)`, `np.random.seed(s)` | MT19937 `init_genrand(s)`; clears the Gaussian cache |
//! | [`RandomState::next_u32`] | `rs._bit_generator.random_raw()` | MT19937 output word (tempered) |
//! | [`RandomState::random_sample`], [`RandomState::random_sample_fill`] | `random_sample`, `rand` | `((a >> 5) * 2^26 + (b >> 6)) / 2^53`, `a` drawn first |
//! | [`RandomState::randn`], [`RandomState::standard_normal_fill`], [`RandomState::randn_matrix`] | `randn`, `standard_normal` | `legacy_gauss`: Marsaglia polar method with a one-value cache |
//! | [`RandomState::random_interval`] | C `random_interval` (used by `shuffle`) | masked rejection sampling |
//! | [`RandomState::shuffle`], [`RandomState::permutation`], [`RandomState::permutation_into`] | `shuffle`, `permutation(n)` | Fisher–Yates from the end |
//! | [`RandomState::randint`], [`RandomState::randint_fill`] | `randint(low, high, size)` (int64) | masked rejection on 32-bit words (64-bit when the range needs it) |
//! | [`RandomState::dropout_mask`] | `np.random.rand(*shape) > ratio` | `random_sample` per element |
//! | [`RandomState::choice_p`], [`RandomState::choice_p_into`] | `choice(n, size, replace, p=p)` | cumsum, `searchsorted(side='right')`; without replacement, rounds that zero found values and drop repeats |
//!
//! Only seeds given as a single integer are supported: numpy seeds an
//! integer with `init_genrand`, but an array seed (`RandomState([1984])`)
//! with `init_by_array`, which gives a different stream.
//!
//! # The Gaussian cache
//! Each polar-method step makes two normals; numpy returns one and keeps the
//! other for the next `randn` call. The cache is part of the state: it
//! survives `random_sample`, `shuffle` and `randint` calls in between, and
//! only `seed` clears it. So an odd number of normals followed by more
//! normals continues exactly as numpy does.
//!
//! ```
//! use groundup::rng::RandomState;
//! // >>> np.random.seed(1984); np.random.randn(), np.random.randn()
//! // (-0.026902226847232345, -0.6892736860726052)
//! let mut rng = RandomState::new(1984);
//! assert_eq!(rng.randn(), -0.026902226847232345);
//! assert_eq!(rng.cached_gaussian(), Some(-0.6892736860726052));
//! let _ = rng.random_sample(); // other draws leave the cache alone
//! let _ = rng.permutation(5);
//! assert_eq!(rng.randn(), -0.6892736860726052);
//!
//! // >>> np.random.RandomState(0).permutation(10)
//! let mut rng = RandomState::new(0);
//! assert_eq!(rng.permutation(10), [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
//!
//! // >>> np.random.RandomState(0).randint(0, 10, 5)
//! rng.seed(0);
//! let mut labels = [0i64; 5];
//! rng.randint_fill(0, 10, &mut labels);
//! assert_eq!(labels, [5, 0, 3, 3, 7]);
//! ```

use crate::matrix::Matrix;
use crate::scalar::Scalar;
use std::fmt;

/// Words in the MT19937 state.
const N: usize = 624;
/// MT19937 middle word offset.
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_B0DF;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7FFF_FFFF;

/// numpy's legacy `RandomState`: MT19937 plus the legacy sampling algorithms,
/// bit-exact (see the [module docs](self) for the numpy function behind each
/// method).
///
/// The state is the 624-word Mersenne Twister key, the position in it, and
/// the cached Gaussian. Cloning copies all of it, so a clone continues the
/// same stream independently. `Debug` prints the position and the cache, not
/// the key.
///
/// ```
/// use groundup::rng::RandomState;
/// // >>> rs = np.random.RandomState(0)
/// // >>> rs._bit_generator.random_raw(2), rs.random_sample()
/// let mut rs = RandomState::new(0);
/// assert_eq!(rs.next_u32(), 2357136044);
/// assert_eq!(rs.next_u32(), 2546248239);
/// rs.seed(0);
/// assert_eq!(rs.random_sample(), 0.5488135039273248);
/// assert_eq!(format!("{rs:?}"), "RandomState { pos: 2, gauss_cache: None }");
/// ```
#[derive(Clone)]
pub struct RandomState {
    key: [u32; N],
    /// `temper(key[i])` for the current block: the outputs, tempered all
    /// at once when the block is generated (a loop the compiler vectorizes)
    /// instead of one at a time as they are drawn.
    out: [u32; N],
    /// Index of the next output of the block; `N` means "regenerate first".
    pos: usize,
    /// The second normal of the last polar-method pair, not yet returned.
    gauss: Option<f64>,
}

/// MT19937's output function of a word of the key.
#[inline(always)]
fn temper(mut y: u32) -> u32 {
    y ^= y >> 11;
    y ^= (y << 7) & 0x9D2C_5680;
    y ^= (y << 15) & 0xEFC6_0000;
    y ^ (y >> 18)
}

impl RandomState {
    /// A generator seeded like `np.random.RandomState(seed)`
    /// (`init_genrand(seed)`, empty Gaussian cache).
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// // >>> np.random.RandomState(0).random_sample()
    /// let mut rs = RandomState::new(0);
    /// assert_eq!(rs.random_sample(), 0.5488135039273248);
    /// assert_eq!(rs.cached_gaussian(), None);
    /// assert_eq!(RandomState::new(5), RandomState::new(5)); // same seed, same stream
    /// ```
    pub fn new(seed: u32) -> Self {
        let mut rs = RandomState {
            key: [0; N],
            out: [0; N],
            pos: N,
            gauss: None,
        };
        rs.seed(seed);
        rs
    }

    /// Re-seeds in place, like `np.random.seed(seed)`: `init_genrand(seed)`,
    /// and the cached Gaussian is discarded.
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// let mut rs = RandomState::new(7);
    /// let first = rs.randn();
    /// rs.seed(7);
    /// assert_eq!(rs.cached_gaussian(), None);
    /// assert_eq!(rs.randn(), first);
    /// ```
    pub fn seed(&mut self, seed: u32) {
        self.key[0] = seed;
        for i in 1..N {
            let prev = self.key[i - 1];
            self.key[i] = 1_812_433_253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(i as u32);
        }
        self.pos = N;
        self.gauss = None;
    }

    /// Regenerates the whole 624-word block (`mt19937_gen`).
    fn generate(&mut self) {
        #[inline(always)]
        fn twist(upper: u32, lower: u32, far: u32) -> u32 {
            let y = (upper & UPPER_MASK) | (lower & LOWER_MASK);
            far ^ (y >> 1) ^ (0u32.wrapping_sub(y & 1) & MATRIX_A)
        }
        let k = &mut self.key;
        for i in 0..N - M {
            k[i] = twist(k[i], k[i + 1], k[i + M]);
        }
        for i in N - M..N - 1 {
            k[i] = twist(k[i], k[i + 1], k[i + M - N]);
        }
        k[N - 1] = twist(k[N - 1], k[0], k[M - 1]);
        for (o, &k) in self.out.iter_mut().zip(&self.key) {
            *o = temper(k);
        }
        self.pos = 0;
    }

    /// The next raw 32-bit output of MT19937 (`mt19937_next`; numpy's
    /// `RandomState._bit_generator.random_raw()`).
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// // >>> np.random.RandomState(0)._bit_generator.random_raw(3)
    /// // array([2357136044, 2546248239, 3071714933], dtype=uint64)
    /// let mut rs = RandomState::new(0);
    /// let raw = [rs.next_u32(), rs.next_u32(), rs.next_u32()];
    /// assert_eq!(raw, [2357136044, 2546248239, 3071714933]);
    /// ```
    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        if self.pos == N {
            self.generate();
        }
        let y = self.out[self.pos];
        self.pos += 1;
        y
    }

    /// Two raw words as one 64-bit value, the first word in the high half
    /// (`mt19937_next64`, used by 64-bit bounded draws).
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// // The first two words of seed 0 are 2357136044 and 2546248239 (see next_u32).
    /// let mut rs = RandomState::new(0);
    /// assert_eq!(rs.next_u64(), (2357136044u64 << 32) | 2546248239);
    /// assert_eq!(rs.next_u32(), 3071714933); // two words consumed
    /// ```
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let hi = self.next_u32() as u64;
        let lo = self.next_u32() as u64;
        (hi << 32) | lo
    }

    /// A uniform double in `[0, 1)` with 53 random bits: numpy's
    /// `random_sample()` / `rand()` (`mt19937_next_double`). Consumes two
    /// words; does not touch the Gaussian cache.
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// // >>> rs = np.random.RandomState(0); rs.random_sample(), rs.random_sample()
    /// let mut rs = RandomState::new(0);
    /// assert_eq!(rs.random_sample(), 0.5488135039273248);
    /// assert_eq!(rs.random_sample(), 0.7151893663724195);
    /// ```
    #[inline]
    pub fn random_sample(&mut self) -> f64 {
        let a = self.next_u32() >> 5;
        let b = self.next_u32() >> 6;
        (a as f64 * 67_108_864.0 + b as f64) / 9_007_199_254_740_992.0
    }

    /// Fills `out` with [`random_sample`](Self::random_sample) draws in
    /// order: `np.random.random_sample(out.len())`.
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// // >>> np.random.RandomState(0).random_sample(3)
    /// let mut u = [0.0; 3];
    /// RandomState::new(0).random_sample_fill(&mut u);
    /// assert_eq!(u, [0.5488135039273248, 0.7151893663724195, 0.6027633760716439]);
    /// ```
    pub fn random_sample_fill(&mut self, out: &mut [f64]) {
        for v in out {
            *v = self.random_sample();
        }
    }

    /// A standard normal draw: numpy's `randn()` / `standard_normal()`
    /// (`legacy_gauss`).
    ///
    /// If a Gaussian is cached it is returned (and the cache emptied).
    /// Otherwise draws `x1 = 2u1 - 1`, `x2 = 2u2 - 1` until
    /// `0 < r2 = x1² + x2² < 1`, sets `f = sqrt(-2 ln(r2) / r2)`, caches
    /// `f·x1` and returns `f·x2`.
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// // >>> np.random.seed(1984); np.random.randn()
    /// assert_eq!(RandomState::new(1984).randn(), -0.026902226847232345);
    /// ```
    #[inline]
    pub fn randn(&mut self) -> f64 {
        if let Some(g) = self.gauss.take() {
            return g;
        }
        loop {
            let x1 = 2.0 * self.random_sample() - 1.0;
            let x2 = 2.0 * self.random_sample() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let f = (-2.0 * r2.ln() / r2).sqrt();
                self.gauss = Some(f * x1);
                return f * x2;
            }
        }
    }

    /// Fills `out` with successive [`randn`](Self::randn) draws, which is
    /// what `np.random.randn(*shape)` does in C order.
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// // >>> np.random.RandomState(0).randn(4)
    /// let mut z = [0.0; 4];
    /// RandomState::new(0).standard_normal_fill(&mut z);
    /// assert_eq!(z[..2], [1.764052345967664, 0.4001572083672233]);
    /// assert_eq!(z[2..], [0.9787379841057392, 2.240893199201458]);
    /// ```
    pub fn standard_normal_fill(&mut self, out: &mut [f64]) {
        for v in out {
            *v = self.randn();
        }
    }

    /// `np.random.randn(rows, cols)`: a matrix of standard normals filled in
    /// row-major (C) order.
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// // >>> np.random.RandomState(0).randn(2, 3)
    /// let w = RandomState::new(0).randn_matrix(2, 3);
    /// assert_eq!(w.row(0), &[1.764052345967664, 0.4001572083672233, 0.9787379841057392]);
    /// assert_eq!(w.row(1), &[2.240893199201458, 1.8675579901499675, -0.977277879876411]);
    /// ```
    pub fn randn_matrix(&mut self, rows: usize, cols: usize) -> Matrix<f64> {
        Matrix::from_fn(rows, cols, |_, _| self.randn())
    }

    /// The cached second normal of the last polar-method pair, if any: the
    /// value the next [`randn`](Self::randn) will return without drawing
    /// (numpy's `get_state()[3:]`, `has_gauss` and `cached_gaussian`).
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// // >>> rs = np.random.RandomState(1); rs.randn(3); rs.get_state()[3:]
    /// // (1, -1.0729686221561705)
    /// let mut rs = RandomState::new(1);
    /// let mut z = [0.0; 3];
    /// rs.standard_normal_fill(&mut z); // an odd count leaves one normal cached
    /// assert_eq!(rs.cached_gaussian(), Some(-1.0729686221561705));
    /// assert_eq!(rs.randn(), -1.0729686221561705);
    /// assert_eq!(rs.cached_gaussian(), None);
    /// ```
    pub fn cached_gaussian(&self) -> Option<f64> {
        self.gauss
    }

    /// Masked rejection sampling of a value in `0..=rng`: the smallest
    /// all-ones mask covering `rng`, redrawn until the masked value fits.
    /// 32-bit words when `rng` fits in 32 bits, else 64-bit ones.
    #[inline]
    fn bounded_masked(&mut self, rng: u64) -> u64 {
        if rng == 0 {
            return 0;
        }
        let mask = u64::MAX >> rng.leading_zeros();
        if rng <= u32::MAX as u64 {
            let mask = mask as u32;
            loop {
                let v = self.next_u32() & mask;
                if v as u64 <= rng {
                    return v as u64;
                }
            }
        } else {
            loop {
                let v = self.next_u64() & mask;
                if v <= rng {
                    return v;
                }
            }
        }
    }

    /// A uniform integer in `0..=max` (inclusive), numpy's C
    /// `random_interval(max)`: masked rejection on `next_u32` words when
    /// `max <= u32::MAX`, on [`next_u64`](Self::next_u64) values above. Draws
    /// nothing when `max == 0`.
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// let mut rs = RandomState::new(0);
    /// assert!(rs.random_interval(9) <= 9);
    /// assert_eq!(rs.random_interval(0), 0);
    /// ```
    #[inline]
    pub fn random_interval(&mut self, max: u64) -> u64 {
        self.bounded_masked(max)
    }

    /// Shuffles `items` in place like `RandomState.shuffle` on a 1-d array:
    /// Fisher–Yates from the end, `for i in (1..n).rev()`, swapping `i` with
    /// `random_interval(i)`.
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// // >>> a = np.arange(5); np.random.RandomState(0).shuffle(a); a
    /// let mut a = [0, 1, 2, 3, 4];
    /// RandomState::new(0).shuffle(&mut a);
    /// assert_eq!(a, [2, 0, 1, 3, 4]);
    /// ```
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        let mut i = items.len().saturating_sub(1);
        while i as u64 > u32::MAX as u64 {
            let j = self.random_interval(i as u64) as usize;
            items.swap(i, j);
            i -= 1;
        }
        // `random_interval(i)` on 32-bit words, inlined without a branch on
        // the rejection test: whether a masked word is at most `i` is a coin
        // flip no predictor learns. A rejected word swaps item `i` with
        // itself and keeps `i`, so the next word is drawn for the same `i`:
        // the same words and the same swaps as the loop above. (The position
        // stays in a register too; through `next_u32` it went to memory and
        // back on every draw.) Measured on a permutation of 300: 2.9 -> 1.5 µs.
        let mut pos = self.pos;
        while i > 0 {
            let mask = u32::MAX >> (i as u32).leading_zeros();
            if pos == N {
                self.generate();
                pos = 0;
            }
            let v = (self.out[pos] & mask) as usize;
            pos += 1;
            let accepted = v <= i;
            let j = if accepted { v } else { i };
            items.swap(i, j);
            i -= accepted as usize;
        }
        self.pos = pos;
    }

    /// `np.random.permutation(n)`: `0..n` shuffled with
    /// [`shuffle`](Self::shuffle). Allocates; see
    /// [`permutation_into`](Self::permutation_into) for the buffer-reusing
    /// form.
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// // >>> np.random.RandomState(0).permutation(5)
    /// assert_eq!(RandomState::new(0).permutation(5), [2, 0, 1, 3, 4]);
    /// ```
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(n);
        self.permutation_into(n, &mut out);
        out
    }

    /// `np.random.permutation(n)` written into `out` (cleared first). Same
    /// draws as [`permutation`](Self::permutation); allocates only when
    /// `out.capacity() < n`, so a reused buffer allocates once.
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// let mut rs = RandomState::new(0);
    /// let mut idx = Vec::new();
    /// rs.permutation_into(10, &mut idx);
    /// assert_eq!(idx, [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
    /// ```
    pub fn permutation_into(&mut self, n: usize, out: &mut Vec<usize>) {
        out.clear();
        out.extend(0..n);
        self.shuffle(out);
    }

    /// `np.random.randint(low, high)` for the default int64 dtype: a uniform
    /// integer in `low..high` (high exclusive), by masked rejection on
    /// `range = high - low - 1` (32-bit words when `range` fits in 32 bits,
    /// 64-bit ones above; no draw at all when `high == low + 1`). The same
    /// draws as one element of `randint(low, high, size)`.
    ///
    /// # Panics
    /// If `low >= high` (numpy raises `ValueError: low >= high`). An empty
    /// range is a bug in the caller, so this panics rather than returning an
    /// error.
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// // >>> np.random.RandomState(42).randint(-5, 5, 4)
    /// let mut rs = RandomState::new(42);
    /// let v: Vec<i64> = (0..4).map(|_| rs.randint(-5, 5)).collect();
    /// assert_eq!(v, [1, -2, 2, -1]);
    /// ```
    #[inline]
    pub fn randint(&mut self, low: i64, high: i64) -> i64 {
        let rng = Self::randint_range(low, high);
        low.wrapping_add(self.bounded_masked(rng) as i64)
    }

    /// `np.random.randint(low, high, size=out.len())` (int64) written into
    /// `out`, element by element in order.
    ///
    /// # Panics
    /// If `low >= high`, like [`randint`](Self::randint) (even when `out` is
    /// empty, as numpy does).
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// // >>> np.random.RandomState(1984).randint(0, 3, 6)
    /// let mut labels = [0i64; 6];
    /// RandomState::new(1984).randint_fill(0, 3, &mut labels);
    /// assert_eq!(labels, [0, 1, 0, 2, 0, 2]);
    /// ```
    pub fn randint_fill(&mut self, low: i64, high: i64, out: &mut [i64]) {
        let rng = Self::randint_range(low, high);
        for v in out {
            *v = low.wrapping_add(self.bounded_masked(rng) as i64);
        }
    }

    /// `high - low - 1` as an unsigned range, panicking on an empty range.
    fn randint_range(low: i64, high: i64) -> u64 {
        assert!(
            low < high,
            "RandomState::randint: empty range, low ({low}) >= high ({high})"
        );
        (high.wrapping_sub(low) as u64) - 1
    }

    /// A dropout mask like the book's `np.random.rand(*x.shape) > ratio`:
    /// one [`random_sample`](Self::random_sample) per element, in order;
    /// `1` where the sample is greater than `drop_ratio` (the unit is kept),
    /// `0` where it is dropped.
    ///
    /// ```
    /// use groundup::rng::RandomState;
    /// // >>> np.random.RandomState(0).rand(4) > 0.6
    /// // array([False,  True,  True, False])
    /// let mut mask = [0.0f32; 4];
    /// RandomState::new(0).dropout_mask(0.6, &mut mask);
    /// assert_eq!(mask, [0.0, 1.0, 1.0, 0.0]);
    /// ```
    pub fn dropout_mask<T: Scalar>(&mut self, drop_ratio: f64, out: &mut [T]) {
        for v in out {
            *v = if self.random_sample() > drop_ratio {
                T::ONE
            } else {
                T::ZERO
            };
        }
    }
}

impl fmt::Debug for RandomState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RandomState")
            .field("pos", &self.pos)
            .field("gauss_cache", &self.gauss)
            .finish()
    }
}

/// Equal when the key, the position and the cached Gaussian (compared bit for
/// bit) are equal, i.e. when both will produce the same stream.
impl PartialEq for RandomState {
    fn eq(&self, other: &Self) -> bool {
        self.pos == other.pos
            && self.gauss.map(f64::to_bits) == other.gauss.map(f64::to_bits)
            && self.key == other.key
    }
}

impl Eq for RandomState {}

mod choice;
pub use choice::ChoiceScratch;
