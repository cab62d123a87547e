//! The spiral data set of *Deep Learning from Scratch 2* (`dataset/spiral.py`):
//! [`CLS_NUM`] interleaved spiral arms of [`N`] points each in [`DIM`]
//! dimensions, with Gaussian noise on the angle.
//!
//! The book's `load_data(seed)`:
//!
//! ```python
//! np.random.seed(seed)
//! for j in range(CLS_NUM):
//!     for i in range(N):
//!         rate = i / N
//!         radius = 1.0 * rate
//!         theta = j * 4.0 + 4.0 * rate + np.random.randn() * 0.2
//!         ix = N * j + i
//!         x[ix] = np.array([radius * np.sin(theta), radius * np.cos(theta)]).flatten()
//!         t[ix, j] = 1
//! ```
//!
//! [`load_data`] reproduces `x` and `t` bit for bit (with `t` as `f64`
//! instead of numpy's `int`), using [`RandomState`] for `np.random` and
//! `f64::sin`/`cos` (glibc's, as numpy's `float64` `sin`/`cos` on x86-64
//! Linux). The first point of each arm has radius 0 and keeps the sign of
//! `radius * sin(theta)`: with seed 1984, `x[0]` is `[-0.0, 0.0]` (compare
//! bits, not values, to see it).
//!
//! The book's `ch01/train.py` keeps drawing from numpy's global generator
//! after `load_data` (the weights of `TwoLayerNet`, then every epoch's
//! shuffle); [`load_data_with_rng`] returns the generator in that exact
//! state.
//!
//! ```
//! use groundup::data::spiral;
//! let (x, t) = spiral::load_data(1984);
//! assert_eq!((x.shape(), t.shape()), ((300, 2), (300, 3)));
//! assert_eq!(x.row(1), &[-0.00097698643152699, 0.009952160444476976]);
//! assert_eq!(x[(0, 0)].to_bits(), (-0.0f64).to_bits());
//! assert_eq!(t.row(150), &[0.0, 1.0, 0.0]);
//!
//! // float32 training data, like x.astype(np.float32)
//! let x32 = x.cast::<f32>();
//! assert_eq!(x32[(299, 0)], -0.5974310265949212f64 as f32);
//! ```

use crate::matrix::Matrix;
use crate::rng::RandomState;

/// Points per class (`N = 100` in the book).
///
/// ```
/// use groundup::data::spiral::{load_data, N};
/// let (x, _) = load_data(0);
/// // Rows N*j .. N*(j+1) are arm j; each arm starts at the origin (radius 0).
/// assert_eq!((x[(N, 0)], x[(N, 1)]), (0.0, 0.0));
/// ```
pub const N: usize = 100;
/// Input dimension (`DIM = 2`): the point's `(x, y)`.
///
/// ```
/// use groundup::data::spiral::{load_data, DIM};
/// assert_eq!(load_data(0).0.cols(), DIM);
/// ```
pub const DIM: usize = 2;
/// Number of classes, i.e. spiral arms (`CLS_NUM = 3`).
///
/// ```
/// use groundup::data::spiral::{load_data, CLS_NUM, N};
/// let (x, t) = load_data(0);
/// assert_eq!((x.rows(), t.cols()), (N * CLS_NUM, CLS_NUM));
/// assert_eq!(t.sum_rows().as_slice(), &[N as f64; CLS_NUM]); // N points per class
/// ```
pub const CLS_NUM: usize = 3;

/// The book's `load_data(seed)`: `x` is `(N·CLS_NUM) × DIM` = 300 × 2, `t`
/// the one-hot labels, 300 × 3 (`f64` zeros and ones; numpy's are `int`).
/// Rows are grouped by class: rows `100·j .. 100·(j+1)` are class `j`.
///
/// ```
/// use groundup::data::load_data;
/// let (x, t) = load_data(1984);
/// assert_eq!(x[(299, 1)], 0.7894150799558737);
/// assert_eq!(t.argmax_rows()[299], 2);
/// ```
pub fn load_data(seed: u32) -> (Matrix<f64>, Matrix<f64>) {
    let (x, t, _) = load_data_with_rng(seed);
    (x, t)
}

/// [`load_data`], also returning the generator in the state numpy's global
/// generator is in afterwards (Gaussian cache included), so that the weight
/// initialisation and shuffling of `ch01/train.py` can continue the same
/// stream.
///
/// ```
/// use groundup::data::load_data_with_rng;
/// // >>> load_data(1984); np.random.randn()
/// // 0.09047736800779092
/// let (_x, _t, mut rng) = load_data_with_rng(1984);
/// assert_eq!(rng.randn(), 0.09047736800779092);
/// ```
pub fn load_data_with_rng(seed: u32) -> (Matrix<f64>, Matrix<f64>, RandomState) {
    let mut rng = RandomState::new(seed);
    let (x, t) = spiral_from_rng(&mut rng);
    (x, t, rng)
}

/// The spiral drawn from an existing generator, without re-seeding: the
/// loop body of `load_data` after its `np.random.seed(seed)`. Consumes
/// `N·CLS_NUM` = 300 [`RandomState::randn`] draws.
///
/// ```
/// use groundup::data::spiral::{load_data, spiral_from_rng};
/// use groundup::RandomState;
/// let mut rng = RandomState::new(7);
/// assert_eq!(spiral_from_rng(&mut rng), load_data(7));
/// ```
pub fn spiral_from_rng(rng: &mut RandomState) -> (Matrix<f64>, Matrix<f64>) {
    let mut x = Matrix::zeros(N * CLS_NUM, DIM);
    let mut t = Matrix::zeros(N * CLS_NUM, CLS_NUM);
    for j in 0..CLS_NUM {
        for i in 0..N {
            // Same operations in the same order as the Python expression.
            let rate = i as f64 / N as f64;
            let radius = 1.0 * rate;
            let theta = j as f64 * 4.0 + 4.0 * rate + rng.randn() * 0.2;
            let ix = N * j + i;
            x[(ix, 0)] = radius * theta.sin();
            x[(ix, 1)] = radius * theta.cos();
            t[(ix, j)] = 1.0;
        }
    }
    (x, t)
}
