//! A few rows of C times a large row-major B (batch-1 inference, an RNN
//! generating one token at a time: 1×1024·1024×1024, 1×650·650×2600):
//! B streamed row after row.
//!
//! Such a product reads each element of B once for at most a few
//! multiply-adds, so it runs at the speed B arrives from memory. The
//! in-place tiles walk B in blocks two vectors wide, a line or two from
//! each of `kc` rows (4 KiB or more apart), which no hardware prefetcher
//! follows: f32 1×1024·1024×1024 took 227 µs (B at 18 GB/s) where
//! numpy's GEMV took 143. Here the sums of a block of C's columns wait
//! in a buffer that stays in L1 while each row of B's block is read from
//! start to end.
//!
//! Same arithmetic as every tile, so the same bits: each element of C is
//! one in-order FMA chain per depth block, kept in the buffer between
//! steps instead of a register, then the same `alpha·acc + beta·C`
//! ([`super::store`]).

use super::{store, Zmm};
use crate::gemm::loops::Problem;
use std::mem::MaybeUninit;

/// Rows of C at most that stream B.
const ROWS: usize = 4;

/// Bytes of sums per row of C when it has [`ROWS`] rows: the buffer's 16
/// KiB stay in L1 with B's rows passing through. Fewer rows share it in
/// longer rows of sums, so B's rows are read in longer runs (f32
/// 1×650·650×2600 0.92× the time of 4 KiB rows, f64 1×1024·1024×1024
/// 0.92×; f64 4× in 8 KiB rows ran at 0.7× the tiles' speed).
const ROW_BYTES: usize = 4096;

/// Elements of the buffer: [`ROWS`]·[`ROW_BYTES`] bytes of the narrowest
/// type.
const BUFFER: usize = ROWS * ROW_BYTES / 4;

/// op(B) at least this many bytes: smaller, it sits in L2 and the tiles
/// are as fast.
const MIN_B_BYTES: usize = 512 * 1024;

/// The buffer of sums, on cache-line boundaries (a vector of sums split
/// across two lines costs two loads and two stores a step: f32
/// 3×1024·1024×1024 0.79× the time aligned, 4× 0.81×, f64 4× 0.82×).
/// Left uninitialized: [`block_rows`] zeroes the sums it reads. (For f64
/// only the first half is used: its size cannot depend on `T`.)
#[repr(C, align(64))]
struct Sums<T>([MaybeUninit<T>; BUFFER]);

/// Whether [`stream`] takes this product: at most [`ROWS`] rows, C wider
/// than the tiles' blocks, op(B) row-major and large, op(A) row-major or
/// by columns.
pub(super) fn takes_stream<T: Zmm>(p: &Problem<'_, '_, T>) -> bool {
    p.m <= ROWS
        && p.n > 2 * T::LANES
        && p.b.cs == 1
        && super::in_place::takes_a_in_place(p)
        && p.k.saturating_mul(p.n).saturating_mul(T::BYTES) >= MIN_B_BYTES
}

/// `C = alpha·op(A)·op(B) + beta·C` for a product [`takes_stream`] takes,
/// on one thread, in depth blocks of `kc_max` (the other tiles' blocks).
pub(super) fn stream<T: Zmm>(_proof: super::Avx512, p: &mut Problem<'_, '_, T>, kc_max: usize) {
    assert!(takes_stream(p));
    let (m, n, k) = (p.m, p.n, p.k);
    let mut sums = Sums([MaybeUninit::<T>::uninit(); BUFFER]);
    // The buffer's 16 KiB shared by the rows: B's rows are read in longer
    // runs the fewer rows C has. Whole vectors (the sums are read and
    // written unmasked, the last vector of a block too).
    let width = (ROWS * ROW_BYTES / (m * T::BYTES)) / T::LANES * T::LANES;
    assert!(width >= T::LANES && width % T::LANES == 0 && m * width <= BUFFER);
    let (a, b) = (p.a, p.b);
    let (ldc, alpha) = (p.c.ldc(), p.alpha);
    let c = p.c.as_mut_ptr();
    let mut pc = 0;
    while pc < k {
        let kc = kc_max.min(k - pc);
        let beta = if pc == 0 { p.beta } else { T::ONE };
        // op(A)'s m × kc block, (i, q) at `i*rs + q*cs`; op(B)'s rows.
        let a_blk = a.offset(0, pc);
        assert!((m - 1) * a_blk.rs + (kc - 1) * a_blk.cs < a_blk.data.len());
        let mut jc = 0;
        while jc < n {
            let cols = width.min(n - jc);
            let b_blk = b.offset(pc, jc);
            assert!((kc - 1) * b_blk.rs + cols <= b_blk.data.len());
            // SAFETY: `_proof` shows AVX-512F. A: (i, q) for i < m ≤ ROWS,
            // q < kc inside `a_blk.data` (the last one asserted); B: rows
            // q < kc, columns < cols, inside `b_blk.data` (asserted); the
            // buffer holds m rows of `width` sums, a multiple of LANES ≥
            // cols, m·width ≤ BUFFER elements (asserted); C: the view
            // grants exclusive access to m x n at `c + i*ldc + j`, and this
            // block is columns jc..jc + cols ≤ n; A and B are shared
            // borrows, so they do not alias C or the buffer.
            unsafe {
                let (ap, bp) = (a_blk.data.as_ptr(), b_blk.data.as_ptr());
                let block = Block {
                    kc,
                    a: ap,
                    a_rs: a_blk.rs,
                    a_cs: a_blk.cs,
                    b: bp,
                    ldb: b_blk.rs,
                    cols,
                    sums: sums.0.as_mut_ptr().cast::<T>(),
                    width,
                    c: c.add(jc),
                    ldc,
                    alpha,
                    beta,
                };
                match m {
                    1 => block_rows::<T, 1>(&block),
                    2 => block_rows::<T, 2>(&block),
                    3 => block_rows::<T, 3>(&block),
                    4 => block_rows::<T, 4>(&block),
                    _ => unreachable!("{m} rows streaming"),
                }
            }
            jc += cols;
        }
        pc += kc;
    }
}

/// One depth block of `kc` steps over one block of C's columns.
struct Block<T> {
    kc: usize,
    /// op(A)'s `(i, q)` at `a + i*a_rs + q*a_cs`.
    a: *const T,
    a_rs: usize,
    a_cs: usize,
    /// op(B)'s `(q, j)` at `b + q*ldb + j`, `j < cols`.
    b: *const T,
    ldb: usize,
    cols: usize,
    /// Rows of `width` sums (a multiple of LANES, ≥ `cols`).
    sums: *mut T,
    width: usize,
    /// C's `(i, j)` at `c + i*ldc + j`.
    c: *mut T,
    ldc: usize,
    alpha: T,
    beta: T,
}

/// Rows `0..R` of a [`Block`]: the sums over `q = 0..kc` in order, then
/// stored into C.
///
/// # Safety
/// AVX-512F available; every address the block names readable (C and the
/// buffer writable, C readable unless `beta == 0`) for `i < R`, `q < kc`,
/// `j < cols`, the buffer writable for `R` rows of `width` elements, a
/// multiple of LANES ≥ `cols`; C not aliased by A, B or the buffer.
#[target_feature(enable = "avx512f")]
unsafe fn block_rows<T: Zmm, const R: usize>(t: &Block<T>) {
    let lanes = T::LANES;
    let nv = t.cols.div_ceil(lanes);
    let tail = t.cols - (nv - 1) * lanes;
    let last = T::mask(tail);
    // SAFETY: every access is inside the caller's contract; the last
    // vector of B's row is loaded under the mask of its `tail` lanes, and
    // the buffer is read only where this block wrote it.
    unsafe {
        let sum = |r: usize, v: usize| t.sums.add(r * t.width + v * lanes);
        for r in 0..R {
            for v in 0..nv {
                T::store(sum(r, v), T::zero());
            }
        }
        let mut brow = t.b;
        let mut acol = t.a;
        for _ in 0..t.kc {
            let mut ar = [T::zero(); R];
            for (r, x) in ar.iter_mut().enumerate() {
                *x = T::splat(*acol.add(r * t.a_rs));
            }
            for v in 0..nv {
                let bv = if v + 1 < nv {
                    T::load(brow.add(v * lanes))
                } else {
                    T::maskload(brow.add(v * lanes), last)
                };
                for (r, &x) in ar.iter().enumerate() {
                    let s = sum(r, v);
                    T::store(s, T::fmadd(x, bv, T::load(s)));
                }
            }
            brow = brow.wrapping_add(t.ldb);
            acol = acol.wrapping_add(t.a_cs);
        }
        for r in 0..R {
            let row = t.c.add(r * t.ldc);
            for v in 0..nv {
                let width = if v + 1 < nv { lanes } else { tail };
                let acc = [[T::load(sum(r, v))]];
                store::<T, 1, 1>(&acc, row.add(v * lanes), t.ldc, width, t.alpha, t.beta);
            }
        }
    }
}
