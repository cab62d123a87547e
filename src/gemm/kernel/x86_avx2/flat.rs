//! Skinny tiles whose vectors run across the ends of C's rows.
//!
//! C 10 wide, the logits of a 10-class output layer, fills 2.5 f64
//! vectors per row (1.25 f32 ones), so tiles of whole vectors per row leave
//! 2 of every 12 lanes idle in f64 and 6 of 16 in f32. Read row after row,
//! though, 2 rows of f64 (4 of f32) are exactly 5 vectors. A flat tile
//! holds those 5 vectors twice (10 accumulators): a vector that ends one
//! row and starts the next multiplies its B lanes by a blend of the two
//! rows' A elements, and its B lanes come from a B row that wraps around
//! (`B[p][0..n]` followed by its first columns again, so the window at any
//! column is one unaligned load). Every lane does useful work, and each
//! element of C is still one in-order FMA chain over `k`, so the bits are
//! those of every other tile.

use super::tile::{TileArgs, TileFn};
use super::Simd;

/// A flat tile for C `n` wide with op(A)'s rows `a_rs` elements apart, if
/// there is one, and the rows of C it covers.
///
/// Not for 8 rows of A (f32) whose starts are a multiple of 4 KiB apart:
/// they all fall in one set of the 8-way L1 cache, and with B's lines they
/// evict each other (128×1024·1024×10 f32: 7 % slower than the 6-row tiles,
/// which read fewer rows at a time, where other depths ran 8–13 % faster).
pub(super) fn select<T: Simd>(n: usize, a_rs: usize) -> Option<(TileFn<T>, usize)> {
    let (tile, rows): (TileFn<T>, usize) = match n {
        // 5 vectors hold 2 rows of f64 or 4 of f32; two of those groups.
        10 => (flat_tile::<T, 10, 5, 2>, 2 * 5 * T::LANES / 10),
        _ => return None,
    };
    let one_set = (a_rs * std::mem::size_of::<T>()) % 4096 == 0;
    (rows <= 4 || !one_set).then_some((tile, rows))
}

/// How far a B row must reach past its `n` columns for the windows of a
/// flat tile: the last window starts at most `n - gcd(n, LANES)` in.
pub(super) fn b_row_len<T: Simd>(n: usize) -> usize {
    let (mut x, mut y) = (n, T::LANES);
    while y != 0 {
        (x, y) = (y, x % y);
    }
    n + T::LANES - x
}

/// `C[0..ROWS, 0..N] = alpha·(A·B) + beta·C` for `ROWS = REPS·P·LANES/N`
/// rows of C, read as `REPS` groups of `P` vectors. Vector `v` of a group
/// starts at element `v·LANES` of the group's rows laid end to end: row
/// `v·LANES / N`, column `v·LANES % N`.
///
/// # Safety
/// AVX2+FMA available. `t.a + i*a_rs + p*a_cs` is readable for `i < ROWS`,
/// `p < k`; `t.b + p*b_rs + j` for `p < k`, `j < b_row_len(N)`, holding
/// `B[p][j % N]`; `t.c + i*ldc + j` writable (readable unless `beta` is 0)
/// for `i < ROWS`, `j < N`, and not aliased by A or B; `t.cols == N`.
#[target_feature(enable = "avx2,fma")]
unsafe fn flat_tile<T: Simd, const N: usize, const P: usize, const REPS: usize>(t: &TileArgs<T>) {
    let l = T::LANES;
    let group = P * l / N;
    debug_assert!(P * l % N == 0 && N >= l && t.cols == N);
    // SAFETY: every read and write below is one the contract vouches for:
    // A rows `rep·group + v·l/N (+1) < ROWS`, B offsets `(v·l) % N + l ≤
    // b_row_len(N)`, C rows `< ROWS` and columns `< N`.
    unsafe {
        let mut acc = [[T::zero(); P]; REPS];
        let (mut a, mut b) = (t.a, t.b);
        for _ in 0..t.k {
            step::<T, N, P, REPS>(&mut acc, a, t.a_rs, b);
            a = a.add(t.a_cs);
            b = b.add(t.b_rs);
        }

        // C = alpha·acc + beta·C, lane by lane the operations of `tile`'s
        // stores. When C's rows follow each other (ldc = N, a whole
        // matrix), the flat vectors are C's memory as it is.
        let (alpha, beta) = (t.alpha, t.beta);
        if t.ldc == N {
            let (va, vb) = (T::splat(alpha), T::splat(beta));
            for (rep, acc) in acc.iter().enumerate() {
                for (v, &x) in acc.iter().enumerate() {
                    let c = t.c.add((rep * P + v) * l);
                    let out = if beta == T::ZERO {
                        if alpha == T::ONE {
                            x
                        } else {
                            T::vmul(va, x)
                        }
                    } else if beta == T::ONE && alpha == T::ONE {
                        T::vadd(T::load(c), x)
                    } else {
                        T::vadd(T::vmul(va, x), T::vmul(vb, T::load(c)))
                    };
                    T::store(c, out);
                }
            }
            return;
        }
        let mut flat = [T::ZERO; 2 * 5 * 8];
        debug_assert!(REPS * P * l <= flat.len());
        for (rep, acc) in acc.iter().enumerate() {
            for (v, &x) in acc.iter().enumerate() {
                T::store(flat.as_mut_ptr().add((rep * P + v) * l), x);
            }
        }
        for (i, sums) in flat[..REPS * group * N].chunks_exact(N).enumerate() {
            let row = t.c.add(i * t.ldc);
            for (j, &s) in sums.iter().enumerate() {
                let c = row.add(j);
                *c = if beta == T::ZERO {
                    if alpha == T::ONE {
                        s
                    } else {
                        alpha * s
                    }
                } else if beta == T::ONE && alpha == T::ONE {
                    *c + s
                } else {
                    alpha * s + beta * *c
                };
            }
        }
    }
}

/// One step of `k` of [`flat_tile`]: the B windows, the rows' elements of
/// A (blended where a vector spans two rows), one FMA per accumulator.
///
/// # Safety
/// As for [`flat_tile`], at one column `p` of A (`a`) and row of B (`b`).
#[inline(always)]
unsafe fn step<T: Simd, const N: usize, const P: usize, const REPS: usize>(
    acc: &mut [[T::V; P]; REPS],
    a: *const T,
    a_rs: usize,
    b: *const T,
) {
    let l = T::LANES;
    let group = P * l / N;
    // SAFETY: the reads are those the caller vouches for (see `flat_tile`).
    unsafe {
        let mut bv = [T::zero(); P];
        for (v, bv) in bv.iter_mut().enumerate() {
            *bv = T::load(b.add(v * l % N));
        }
        for (rep, acc) in acc.iter_mut().enumerate() {
            for (v, acc) in acc.iter_mut().enumerate() {
                let row = rep * group + v * l / N;
                // Lanes before `split` belong to `row`, the rest to the next.
                let split = (v * l / N + 1) * N - v * l;
                let x = T::bcast(a.add(row * a_rs));
                let x = if split >= l {
                    x
                } else {
                    T::blend_at(x, T::bcast(a.add((row + 1) * a_rs)), split)
                };
                *acc = T::fmadd(x, bv[v], *acc);
            }
        }
    }
}
