//! Reductions and the broadcasting-free helpers of the seed notebook's
//! Repeat and Sum nodes: `repeat_rows` and `sum_rows` are each other's
//! backward pass.

use super::Matrix;
use crate::scalar::Scalar;

/// numpy's pairwise summation of a contiguous 1-D array (`np.sum(a)`):
/// blocks of at most 128 elements summed with 8 interleaved accumulators,
/// combined as `((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))`, the tail added in
/// order; longer arrays split in halves rounded to multiples of 8. Reproducing
/// the order reproduces numpy's result bit for bit (the book's loss is such a
/// sum).
///
/// ```
/// assert_eq!(groundup::matrix::pairwise_sum(&[0.1f64, 0.2, 0.3]), 0.1 + 0.2 + 0.3);
/// ```
#[inline]
pub fn pairwise_sum<T: Scalar>(a: &[T]) -> T {
    pairwise_sum_by(a, |v| v)
}

/// [`pairwise_sum`] of `f(a[i])` without materializing the mapped array
/// (e.g. the sum of squares in gradient clipping, `np.sum(g ** 2)`).
#[inline]
pub(crate) fn pairwise_sum_by<T: Scalar>(a: &[T], f: impl Fn(T) -> T + Copy) -> T {
    pairwise_sum_indexed(0, a.len(), |i| f(a[i]))
}

/// [`pairwise_sum`] of the terms `f(start) .. f(start + n - 1)`, computed on
/// the fly (e.g. `np.sum(a * b)` of two rows without a product buffer).
#[inline]
pub(crate) fn pairwise_sum_indexed<T: Scalar>(
    start: usize,
    n: usize,
    f: impl Fn(usize) -> T + Copy,
) -> T {
    // Short sums (a softmax row of a few classes) inline; the call cost
    // more than the adds.
    if n < 8 {
        let mut res = T::ZERO;
        for i in start..start + n {
            res += f(i);
        }
        res
    } else {
        pairwise_sum_blocks(start, n, f)
    }
}

/// [`pairwise_sum_indexed`] for `n >= 8`: eight running sums over blocks of
/// up to 128 terms, halves beyond (numpy's `pairwise_sum`).
fn pairwise_sum_blocks<T: Scalar>(start: usize, n: usize, f: impl Fn(usize) -> T + Copy) -> T {
    debug_assert!(n >= 8);
    if n <= 128 {
        let mut r = [T::ZERO; 8];
        for (k, r) in r.iter_mut().enumerate() {
            *r = f(start + k);
        }
        let full = n - n % 8;
        for block in (8..full).step_by(8) {
            for (k, r) in r.iter_mut().enumerate() {
                *r += f(start + block + k);
            }
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for i in start + full..start + n {
            res += f(i);
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum_indexed(start, n2, f) + pairwise_sum_indexed(start + n2, n - n2, f)
    }
}

pub(crate) fn argmax_rows_into<T: Scalar>(data: &[T], cols: usize, out: &mut [usize]) {
    if cols == 0 {
        out.fill(0);
        return;
    }
    for (row, o) in data.chunks_exact(cols).zip(out.iter_mut()) {
        let mut best = 0;
        for (j, &v) in row.iter().enumerate() {
            if v.is_nan() {
                best = j;
                break;
            }
            if v > row[best] {
                best = j;
            }
        }
        *o = best;
    }
}

impl<T: Scalar> Matrix<T> {
    /// Adds the `1 x cols` row vector `b` to every row in place (what numpy's
    /// broadcasting does in `x + b`). Panics naming both shapes when `b` is not
    /// `1 x cols`.
    ///
    /// ```
    /// use groundup::Matrix;
    /// let mut x = Matrix::<f64>::zeros(2, 2);
    /// x.add_row_vector(&Matrix::from_vec(1, 2, vec![1.0, 2.0]).unwrap());
    /// assert_eq!(x.as_slice(), &[1.0, 2.0, 1.0, 2.0]);
    /// ```
    pub fn add_row_vector(&mut self, b: &Matrix<T>) {
        assert!(
            b.rows == 1 && b.cols == self.cols,
            "add_row_vector: bias shape ({}, {}) does not fit a ({}, {}) matrix; it must be (1, {})",
            b.rows,
            b.cols,
            self.rows,
            self.cols,
            self.cols
        );
        add_row_vector_slice(&mut self.data, &b.data);
    }
}

/// `$f::<T, W>(args)` for the strip width `W = $w` (1 to 8), so each width
/// gets its own fully unrolled loop.
macro_rules! by_width {
    ($w:expr, $f:ident($($arg:expr),*)) => {
        match $w {
            8 => $f::<T, 8>($($arg),*),
            1 => $f::<T, 1>($($arg),*),
            2 => $f::<T, 2>($($arg),*),
            3 => $f::<T, 3>($($arg),*),
            4 => $f::<T, 4>($($arg),*),
            5 => $f::<T, 5>($($arg),*),
            6 => $f::<T, 6>($($arg),*),
            _ => $f::<T, 7>($($arg),*),
        }
    };
}

/// `out[j] = Σ_i data[i*cols + j]`, rows added in order.
pub(crate) fn sum_rows_slice<T: Scalar>(data: &[T], cols: usize, out: &mut [T]) {
    assert_eq!(
        out.len(),
        cols,
        "sum_rows_into: output length {} != cols {cols}",
        out.len()
    );
    out.fill(T::ZERO);
    if cols == 0 {
        return;
    }
    if cols <= NARROW {
        // Strips of at most 8 columns, each summed in registers, over
        // blocks of rows that stay in L1 (the sums wait in `out` between
        // blocks: the same adds in the same order).
        for block in data.chunks(STRIP_ROWS * cols) {
            strips(cols, |j0, w| by_width!(w, sum_strip(block, cols, j0, out)));
        }
    } else {
        for row in data.chunks_exact(cols) {
            for (o, &v) in out.iter_mut().zip(row) {
                *o += v;
            }
        }
    }
}

/// Rows at most this wide are added or summed in strips of columns.
const NARROW: usize = 32;

/// Rows of a block that the strips sweep (at most 32 columns of f64 each:
/// 16 KiB, in L1 while every strip passes over it).
const STRIP_ROWS: usize = 64;

/// Calls `f(j0, w)` for strips of columns `j0..j0 + w` covering `0..cols`:
/// 8 wide, then the rest (1 to 7).
#[inline(always)]
fn strips(cols: usize, mut f: impl FnMut(usize, usize)) {
    let mut j0 = 0;
    while j0 + 8 <= cols {
        f(j0, 8);
        j0 += 8;
    }
    if j0 < cols {
        f(j0, cols - j0);
    }
}

/// `out[j0 + j] += Σ_i data[i*cols + j0 + j]` for `j < W`, rows added in
/// order, the `W` sums in registers.
fn sum_strip<T: Scalar, const W: usize>(data: &[T], cols: usize, j0: usize, out: &mut [T]) {
    let out: &mut [T; W] = (&mut out[j0..j0 + W]).try_into().unwrap();
    let mut acc = *out;
    for row in data.chunks_exact(cols) {
        let strip: &[T; W] = row[j0..j0 + W].try_into().unwrap();
        for (a, &v) in acc.iter_mut().zip(strip) {
            *a += v;
        }
    }
    *out = acc;
}

/// `data[i*cols + j0 + j] += b[j0 + j]` for `j < W`, every row `i`.
fn add_strip<T: Scalar, const W: usize>(data: &mut [T], b: &[T], cols: usize, j0: usize) {
    let b: &[T; W] = b[j0..j0 + W].try_into().unwrap();
    for row in data.chunks_exact_mut(cols) {
        let strip: &mut [T; W] = (&mut row[j0..j0 + W]).try_into().unwrap();
        for (v, &bj) in strip.iter_mut().zip(b) {
            *v += bj;
        }
    }
}

/// Elements in [`add_row_vector_slice`]'s tile of repeated bias rows.
const TILE: usize = 64;

/// Adds the row `b` (length = cols) to every row of `data`.
pub(crate) fn add_row_vector_slice<T: Scalar>(data: &mut [T], b: &[T]) {
    if b.is_empty() {
        return;
    }
    let cols = b.len();
    if cols > NARROW {
        for row in data.chunks_exact_mut(cols) {
            for (v, &bj) in row.iter_mut().zip(b) {
                *v += bj;
            }
        }
        return;
    }
    if cols > 2 {
        // Strips of at most 8 columns with their biases in registers, over
        // blocks of rows that stay in L1 (30x3: 35 against 55 ns for
        // the tile below, whose fill cost more than the adds; 30x10 level).
        for block in data.chunks_mut(STRIP_ROWS * cols) {
            strips(cols, |j0, w| by_width!(w, add_strip(block, b, cols, j0)));
        }
        return;
    }
    // Rows of one or two (a logistic output, a 2-d input): one flat run
    // against `b` repeated across a tile of whole rows, long enough to
    // vectorize; every element still gets one add of its own bias.
    debug_assert!(cols == 1 || cols == 2);
    let tile: [T; TILE] = std::array::from_fn(|i| b[i & (cols - 1)]);
    let mut runs = data.chunks_exact_mut(TILE);
    for run in &mut runs {
        for (v, &t) in run.iter_mut().zip(&tile) {
            *v += t;
        }
    }
    // What is left is whole rows too, since `TILE` is a multiple of `cols`.
    for (v, &t) in runs.into_remainder().iter_mut().zip(&tile) {
        *v += t;
    }
}
