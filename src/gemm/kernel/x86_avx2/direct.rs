//! The paths that do not pack: the small-product path ([`small_tiles`],
//! [`direct`]: register tiles straight on the operands) and one KC block of
//! a skinny blocked product ([`skinny`]: op(A) in place, op(B) copied to
//! zero-padded rows, tiles as wide as C).

use super::tile::{select, tile, tile_body, TileArgs, TileFn, MR};
use super::{Avx2, Simd};
use crate::gemm::loops::{Operand, Problem};
use crate::gemm::small;
use crate::gemm::view::CView;
use crate::Scalar;

/// Elements of op(B) a small product with transposed (or otherwise
/// column-strided) B copies to the stack, row-major, to use the vector
/// tiles (16 KiB of f32, 32 KiB of f64); `gemm` sends larger ones to the
/// blocked path (the scalar loop below is only a safety net).
const SMALL_B_STACK: usize = small::B_STACK;

/// A transposed op(B) this small is copied into a buffer of this many
/// elements (at most 2 KiB), which keeps [`copied_b`]'s stack frame within
/// one page. Larger frames are probed page by page on every call, which
/// took longer than the spiral net's products themselves.
const SMALL_B_PAGE: usize = 256;

/// [`small_tiles`] for a column-strided op(B) of at most `N` elements: B
/// copied row-major to a buffer on the stack, then [`direct`]. Out of line,
/// so only products that copy B set up the buffer's frame.
#[inline(never)]
fn copied_b<T: Simd, const N: usize>(proof: Avx2, p: &mut Problem<'_, '_, T>, bias: Option<&[T]>) {
    let (k, n) = (p.k, p.n);
    // Uninitialized on purpose: zeroing 32 KiB per call cost more than
    // the spiral net's whole product. Only the first k·n are written
    // and only those are read.
    let mut buf = [std::mem::MaybeUninit::<T>::uninit(); N];
    for kk in 0..k {
        for (j, d) in buf[kk * n..(kk + 1) * n].iter_mut().enumerate() {
            d.write(p.b.at(kk, j));
        }
    }
    // SAFETY: elements 0..k·n were all written by the loop above
    // (rows kk = 0..k, columns j = 0..n, at kk·n + j), and
    // MaybeUninit<T> has the layout of T.
    let data = unsafe { std::slice::from_raw_parts(buf.as_ptr().cast::<T>(), k * n) };
    let b = Operand { data, rs: n, cs: 1 };
    direct(proof, k, p.alpha, p.a, b, p.beta, &mut p.c, bias);
}

/// The direct path: register tiles straight on the operands ([`direct`]);
/// a transposed B is first copied row-major to the stack when small. With
/// `bias` (`n` elements), `C = (alpha·A·B + beta·C) + bias` row by row,
/// the bias added by the tiles' stores.
pub(super) fn small_tiles<T: Simd>(proof: Avx2, p: &mut Problem<'_, '_, T>, bias: Option<&[T]>) {
    let n = p.n;
    let (k, alpha, beta, a) = (p.k, p.alpha, p.beta, p.a);
    if p.b.cs == 1 {
        let b = p.b;
        direct(proof, k, alpha, a, b, beta, &mut p.c, bias);
    } else if k * n <= SMALL_B_PAGE {
        copied_b::<T, SMALL_B_PAGE>(proof, p, bias);
    } else if k * n <= SMALL_B_STACK {
        copied_b::<T, SMALL_B_STACK>(proof, p, bias);
    } else {
        // SAFETY: `proof` shows AVX2 and FMA were detected.
        unsafe { small_fma(p) }
        if let Some(bias) = bias {
            small::add_row(&mut p.c, bias);
        }
    }
}

/// `C = alpha·A·B + beta·C` for all of `c` (`m x n`), with op(A) read in
/// place through its strides and row-major op(B) (`b.cs == 1`) read in
/// place with masked loads: no packing. Each element is one FMA chain over
/// `k` in order; `bias` (`n` elements), when given, is added to each row
/// of the result. Checks the bounds once for the whole product.
#[allow(clippy::too_many_arguments)]
#[inline]
pub(super) fn direct<T: Simd>(
    _proof: Avx2,
    k: usize,
    alpha: T,
    a: Operand<'_, T>,
    b: Operand<'_, T>,
    beta: T,
    c: &mut CView<'_, T>,
    bias: Option<&[T]>,
) {
    let (m, n) = (c.rows(), c.cols());
    if m == 0 || n == 0 {
        return;
    }
    // `gemm` takes `k = 0` (C = beta·C, plus the bias) before any kernel.
    assert!(k > 0, "direct: k = 0");
    assert!((m - 1) * a.rs + (k - 1) * a.cs < a.data.len());
    assert!(b.cs == 1 && (k - 1) * b.rs + n <= b.data.len());
    assert!(bias.is_none_or(|b| b.len() == n), "bias length");
    let args = TileArgs {
        k,
        a: a.data.as_ptr(),
        a_rs: a.rs,
        a_cs: a.cs,
        b: b.data.as_ptr(),
        b_rs: b.rs,
        cols: n,
        c: c.as_mut_ptr(),
        ldc: c.ldc(),
        alpha,
        beta,
        bias: bias.map_or(std::ptr::null(), <[T]>::as_ptr),
    };
    // SAFETY: `_proof` shows AVX2+FMA were detected. The asserts above put
    // every element (i < m, p < k) of A, (p < k, j < n) of B and (j < n) of
    // the bias inside their slices; the view grants exclusive access to the
    // m x n region of C at `ptr + i*ldc + j`, which the shared borrows of A,
    // B and the bias cannot alias.
    unsafe { direct_avx(m, &args) }
}

/// `args` describes all of C (`m x args.cols`); loops over 6-row ×
/// `2·LANES`-column register tiles, inlining the full-height ones (the
/// small-product path, where the per-tile cost is most of the time).
///
/// # Safety
/// AVX2+FMA available; every element of A, B and C that the product
/// touches is in bounds (see [`direct`]).
#[target_feature(enable = "avx2,fma")]
unsafe fn direct_avx<T: Simd>(m: usize, args: &TileArgs<T>) {
    let nr = 2 * T::LANES;
    let n = args.cols;
    let mut j0 = 0;
    while j0 < n {
        let cols = nr.min(n - j0);
        let nv = cols.div_ceil(T::LANES);
        // The tile at rows i0.., columns j0.. (built where it is used, so
        // the inlined tiles keep its fields in registers).
        let at = |i0: usize| TileArgs {
            a: args.a.wrapping_add(i0 * args.a_rs),
            b: args.b.wrapping_add(j0),
            cols,
            c: args.c.wrapping_add(i0 * args.ldc + j0),
            bias: if args.bias.is_null() {
                args.bias
            } else {
                args.bias.wrapping_add(j0)
            },
            ..*args
        };
        let mut i0 = 0;
        while i0 < m {
            let rows = MR.min(m - i0);
            // SAFETY: the tile (i0.., j0..) of `rows x cols` lies inside the
            // product, whose elements (and bias columns) are all in bounds
            // (caller).
            unsafe {
                match (rows, nv) {
                    (MR, 2) => tile_body::<T, MR, 2, false, 0>(&at(i0)),
                    (MR, 1) => tile_body::<T, MR, 1, false, 0>(&at(i0)),
                    _ => select::<T, false, 0>(rows, nv)(&at(i0)),
                }
            }
            i0 += MR;
        }
        j0 += nr;
    }
}

/// One KC block of a skinny blocked product (C at most `4·LANES` = 2 NR
/// wide): op(A) read in place, op(B) copied into `scratch` with its rows
/// zero-padded to `NV` whole vectors, then register tiles of at most 12
/// accumulators as wide as C: 6 rows × 1–2 vectors, 4 × 3 or 3 × 4. So C
/// 10 wide in f64 is one column of 4×12 tiles instead of 6×8 tiles plus 6×4
/// ones that have too few accumulators to cover the FMA latency. C 10
/// wide goes through flat tiles instead where it can ([`super::flat`]:
/// vectors that run across row ends, so no lane idles), the rows left over
/// through the tiles above. Each element is one in-order FMA chain over
/// `k`, as in [`run_tile`](super::tile::run_tile).
#[allow(clippy::too_many_arguments)]
pub(super) fn skinny<T: Simd>(
    _proof: Avx2,
    k: usize,
    alpha: T,
    a: Operand<'_, T>,
    b: Operand<'_, T>,
    beta: T,
    c: &mut CView<'_, T>,
    scratch: &mut [T],
) {
    let (m, n) = (c.rows(), c.cols());
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    let nv = n.div_ceil(T::LANES);
    assert!(nv <= 4, "skinny: C is {n} wide");
    let w = nv * T::LANES;
    // Flat tiles (see `flat.rs`) where C has enough rows for one: their B
    // rows wrap around, the padding repeating the first columns (the
    // tiles below ignore what their padding holds).
    let flat = super::flat::select::<T>(n, a.rs).filter(|&(_, rows)| m >= rows);
    let spare = if flat.is_some() {
        assert!(super::flat::b_row_len::<T>(n) <= w);
        // Room for the wrapping copy's last store (`pad_rows_avx`).
        T::LANES
    } else {
        0
    };
    let b_pad = &mut scratch[..k * w + spare];
    if b.cs == 1 {
        // Row-major op(B): whole vectors, the last one masked (its
        // padding lanes load as zeros).
        assert!((k - 1) * b.rs + n <= b.data.len());
        // SAFETY: `_proof` shows AVX2 was detected; rows p < k of op(B) are
        // readable for n elements (assert above), `b_pad` holds k rows of
        // w = nv·LANES elements and `spare` more (LANES ≤ n when flat),
        // (nv-1)·LANES < n ≤ w.
        unsafe {
            pad_rows_avx(
                k,
                n,
                b.data.as_ptr(),
                b.rs,
                b_pad.as_mut_ptr(),
                nv,
                flat.is_some(),
            )
        };
    } else {
        crate::gemm::pack::pad_rows(k, n, w, b, &mut b_pad[..k * w]);
        if flat.is_some() {
            for row in b_pad[..k * w].chunks_exact_mut(w) {
                for j in n..w {
                    row[j] = row[j - n];
                }
            }
        }
    }
    assert!((m - 1) * a.rs + (k - 1) * a.cs < a.data.len());
    let args = TileArgs {
        k,
        a: a.data.as_ptr(),
        a_rs: a.rs,
        a_cs: a.cs,
        b: b_pad.as_ptr(),
        b_rs: w,
        cols: n,
        c: c.as_mut_ptr(),
        ldc: c.ldc(),
        alpha,
        beta,
        bias: std::ptr::null(),
    };
    let mut i0 = 0;
    if let Some((flat_tile, rows)) = flat {
        while i0 + rows <= m {
            let t = TileArgs {
                a: args.a.wrapping_add(i0 * args.a_rs),
                c: args.c.wrapping_add(i0 * args.ldc),
                ..args
            };
            // SAFETY: `_proof` shows AVX2+FMA were detected. A: the assert
            // above bounds rows < m, p < k; B: `b_pad` holds k rows of w ≥
            // b_row_len(n) elements, each wrapping around; C: rows
            // i0..i0+rows ≤ m and columns < n of the region the view grants
            // exclusively, not aliased by the shared A or the local `b_pad`.
            unsafe { flat_tile(&t) }
            i0 += rows;
        }
    }
    let r_max = match nv {
        3 => 4,
        4 => 3,
        _ => MR,
    };
    let full = select_skinny::<T>(r_max, nv);
    while i0 < m {
        let rows = r_max.min(m - i0);
        let f = if rows == r_max {
            full
        } else {
            select_skinny::<T>(rows, nv)
        };
        let t = TileArgs {
            a: args.a.wrapping_add(i0 * args.a_rs),
            c: args.c.wrapping_add(i0 * args.ldc),
            ..args
        };
        // SAFETY: `_proof` shows AVX2+FMA were detected. A: the assert above
        // bounds rows < m, p < k; B: `b_pad` holds k rows of w = NV·LANES
        // elements, read in full (BV = NV); C: rows i0..i0+rows < m and
        // columns < n of the region the view grants exclusively, not
        // aliased by the shared A or the local `b_pad`; `(nv-1)·LANES < n ≤
        // nv·LANES`.
        unsafe { f(&t) }
        i0 += r_max;
    }
}

/// The [`tile`] instance for the skinny path: B padded to `nv` vectors.
fn select_skinny<T: Simd>(rows: usize, nv: usize) -> TileFn<T> {
    match (rows, nv) {
        (1, 1) => tile::<T, 1, 1, false, 1>,
        (2, 1) => tile::<T, 2, 1, false, 1>,
        (3, 1) => tile::<T, 3, 1, false, 1>,
        (4, 1) => tile::<T, 4, 1, false, 1>,
        (5, 1) => tile::<T, 5, 1, false, 1>,
        (6, 1) => tile::<T, 6, 1, false, 1>,
        (1, 2) => tile::<T, 1, 2, false, 2>,
        (2, 2) => tile::<T, 2, 2, false, 2>,
        (3, 2) => tile::<T, 3, 2, false, 2>,
        (4, 2) => tile::<T, 4, 2, false, 2>,
        (5, 2) => tile::<T, 5, 2, false, 2>,
        (6, 2) => tile::<T, 6, 2, false, 2>,
        (1, 3) => tile::<T, 1, 3, false, 3>,
        (2, 3) => tile::<T, 2, 3, false, 3>,
        (3, 3) => tile::<T, 3, 3, false, 3>,
        (4, 3) => tile::<T, 4, 3, false, 3>,
        (1, 4) => tile::<T, 1, 4, false, 4>,
        (2, 4) => tile::<T, 2, 4, false, 4>,
        (3, 4) => tile::<T, 3, 4, false, 4>,
        _ => unreachable!("skinny tile {rows}x{nv} vectors"),
    }
}

/// [`crate::gemm::pack::pad_rows`] for a row-major op(B) in AVX2 vectors:
/// copies `k` rows of `n` elements (row `p` at `b + p*b_rs`) to `dst` as
/// rows of `nv` whole vectors, zero past `n`, or, with `wrap`, the row's
/// first columns again past `n` (for flat tiles).
///
/// # Safety
/// AVX2 available; `b + p*b_rs + j` readable for `p < k`, `j < n`; `dst`
/// writable for `k·nv·LANES + LANES`; `(nv-1)·LANES < n ≤ nv·LANES`, and
/// `n ≥ LANES` with `wrap`.
#[target_feature(enable = "avx2,fma")]
unsafe fn pad_rows_avx<T: Simd>(
    k: usize,
    n: usize,
    b: *const T,
    b_rs: usize,
    dst: *mut T,
    nv: usize,
    wrap: bool,
) {
    let l = T::LANES;
    let w = nv * l;
    // SAFETY: every read is at j < n of a row p < k, every write inside row
    // p of `dst` (caller); the last vector reads only its `n - (nv-1)·l`
    // enabled lanes. A wrapping row's second copy of its first `l` columns
    // (`j < l ≤ n`) runs `n + l - w < l` elements into the next row, which
    // is written after it, or past the last row into the `l` spare ones.
    unsafe {
        let mask = T::mask(n - (nv - 1) * l);
        for p in 0..k {
            let (src, row) = (b.add(p * b_rs), dst.add(p * w));
            for v in 0..nv - 1 {
                T::store(row.add(v * l), T::load(src.add(v * l)));
            }
            let last = (nv - 1) * l;
            T::store(row.add(last), T::maskload(src.add(last), mask));
            if wrap {
                T::store(row.add(n), T::load(src));
            }
        }
    }
}

#[target_feature(enable = "avx2,fma")]
unsafe fn small_fma<T: Scalar>(p: &mut Problem<'_, '_, T>) {
    small::gemm_small(p, true)
}
