//! The direct path for tiny products: no packing, no blocking, no threads.
//!
//! The spiral net multiplies 30×2 by 2×10 thousands of times; packing those
//! operands would cost more than the 600 multiply-adds. Each element of C is
//! one accumulation chain over `k` in order. With a vector kernel the chains
//! run in its register tiles straight on the operands (see
//! `kernel/x86_avx2/direct.rs`); this file holds the size limits and the
//! plain loop used by the portable kernel. With `fused` (only compiled in
//! where FMA hardware is known to exist) each step is a fused multiply-add,
//! which is exactly OpenBLAS's small-dgemm arithmetic, so the book's float64
//! numbers come out bit for bit.

use super::loops::Problem;
use super::view::CView;
use crate::Scalar;

/// Products with `m·n·k` at most this take the direct path: below about
/// 32³ multiply-adds the packing and tile bookkeeping of the blocked path
/// cost more than they save (measured with `cargo bench --bench matmul`).
pub const SMALL_MNK: usize = 32 * 32 * 32;

/// Whether `(m, n, k)` takes the direct path. Depends on the shape only, so
/// the choice (and the summation order) never depends on the thread count.
#[inline]
pub fn is_small(m: usize, n: usize, k: usize) -> bool {
    m.saturating_mul(n).saturating_mul(k) <= SMALL_MNK
}

/// With a vector kernel, f32 products up to 64³ multiply-adds also take the
/// direct path when op(B) is at most this many elements (16 KiB: it stays
/// in L1 while it is read in place, row stride and all). Measured with the
/// AVX2 tiles: 33³ +30 %, 48³ +15 %, 64³ +8 % over packing. (f64 tiles read
/// in place lose to packing at these sizes, so f64 keeps [`SMALL_MNK`].)
pub const SMALL_WIDE_MNK: usize = 64 * 64 * 64;
/// See [`SMALL_WIDE_MNK`].
pub const SMALL_WIDE_B: usize = 4096;

/// Largest transposed op(B), in elements, that the vector kernels' direct
/// path copies to the stack; larger small products are blocked.
pub const B_STACK: usize = 4096;

/// [`is_small`], widened for vector kernels and f32 (see [`SMALL_WIDE_MNK`]).
#[inline]
pub fn is_small_wide(m: usize, n: usize, k: usize, elem_bytes: usize) -> bool {
    elem_bytes == 4
        && m.saturating_mul(n).saturating_mul(k) <= SMALL_WIDE_MNK
        && k.saturating_mul(n) <= SMALL_WIDE_B
}

/// Columns of C accumulated at a time (a stack buffer, no allocation).
const CHUNK: usize = 64;

#[inline(always)]
pub fn gemm_small<T: Scalar>(p: &mut Problem<'_, '_, T>, fused: bool) {
    let (m, n, k) = (p.m, p.n, p.k);
    let (a, b) = (p.a, p.b);
    let mut acc_buf = [T::ZERO; CHUNK];
    for i in 0..m {
        for j0 in (0..n).step_by(CHUNK) {
            let w = CHUNK.min(n - j0);
            let acc = &mut acc_buf[..w];
            acc.fill(T::ZERO);
            for kk in 0..k {
                let aik = a.at(i, kk);
                if b.cs == 1 {
                    let start = kk * b.rs + j0;
                    let brow = &b.data[start..start + w];
                    if fused {
                        for (c, &bv) in acc.iter_mut().zip(brow) {
                            *c = aik.mul_add(bv, *c);
                        }
                    } else {
                        for (c, &bv) in acc.iter_mut().zip(brow) {
                            *c += aik * bv;
                        }
                    }
                } else {
                    for (j, c) in acc.iter_mut().enumerate() {
                        let bv = b.at(kk, j0 + j);
                        *c = if fused {
                            aik.mul_add(bv, *c)
                        } else {
                            *c + aik * bv
                        };
                    }
                }
            }
            let row = &mut p.c.row_mut(i)[j0..j0 + w];
            let (alpha, beta) = (p.alpha, p.beta);
            if beta == T::ZERO {
                if alpha == T::ONE {
                    row.copy_from_slice(acc);
                } else {
                    for (c, &v) in row.iter_mut().zip(acc.iter()) {
                        *c = alpha * v;
                    }
                }
            } else {
                for (c, &v) in row.iter_mut().zip(acc.iter()) {
                    *c = alpha * v + beta * *c;
                }
            }
        }
    }
}

/// `C[i, j] += bias[j]` for every row: the bias of `x·W + b`, one add per
/// element after the product is stored (what `Matrix::add_row_vector`
/// does), for the kernels and paths whose stores do not add it.
///
/// # Panics
/// If `bias` is not one element per column of C.
pub fn add_row<T: Scalar>(c: &mut CView<'_, T>, bias: &[T]) {
    assert_eq!(bias.len(), c.cols(), "bias length");
    for i in 0..c.rows() {
        for (v, &b) in c.row_mut(i).iter_mut().zip(bias) {
            *v += b;
        }
    }
}

/// `C = beta·C`, without reading C when `beta == 0` (a product with `k = 0`).
pub fn scale_rows<T: Scalar>(c: &mut CView<'_, T>, beta: T) {
    for i in 0..c.rows() {
        let row = c.row_mut(i);
        if beta == T::ZERO {
            row.fill(T::ZERO);
        } else if beta != T::ONE {
            for v in row {
                *v *= beta;
            }
        }
    }
}
