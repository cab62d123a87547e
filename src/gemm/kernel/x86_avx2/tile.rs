//! The register tile: one generic body ([`tile`]) for every shape (`R`
//! rows × `NV` vectors), A packed or strided, B packed or row-major in
//! place; its store modes ([`Store`]); the per-tile entry point with its
//! bounds checks ([`run_tile`]); and the sweep over a column of packed
//! tiles ([`sweep`]).

use super::{Avx2, Simd};
use crate::gemm::kernel::ASrc;
use crate::gemm::loops::Operand;
use crate::gemm::view::CView;
use std::arch::x86_64::*;

/// Rows of every AVX2 register tile.
pub(super) const MR: usize = 6;

/// The raw arguments of one tile (see [`tile`]).
#[derive(Clone, Copy)]
pub(super) struct TileArgs<T> {
    pub(super) k: usize,
    /// op(A) element `(i, p)` of the tile at `a + i*a_rs + p*a_cs`.
    pub(super) a: *const T,
    pub(super) a_rs: usize,
    pub(super) a_cs: usize,
    /// op(B) element `(p, j)` of the tile at `b + p*b_rs + j`.
    pub(super) b: *const T,
    pub(super) b_rs: usize,
    /// Columns of C that exist (`(NV-1)·LANES < cols ≤ NV·LANES`).
    pub(super) cols: usize,
    pub(super) c: *mut T,
    pub(super) ldc: usize,
    pub(super) alpha: T,
    pub(super) beta: T,
    /// A row added to every row of the tile after the store (`C[i, j] =
    /// stored + bias[j]`, element `j` at `bias + j`), or null for none.
    /// Only the direct path sets it: its tiles store C once, whole.
    pub(super) bias: *const T,
}

/// The arguments of tiles over one packed B̃ micro-panel (`NR·k` elements,
/// checked here) with A at `a = (pointer, row stride, column stride)`.
#[inline(always)]
fn packed_b_args<T: Simd>(
    k: usize,
    alpha: T,
    a: (*const T, usize, usize),
    b: &[T],
    beta: T,
    c: &mut CView<'_, T>,
) -> TileArgs<T> {
    let nr = 2 * T::LANES;
    assert!(b.len() >= nr * k);
    TileArgs {
        k,
        a: a.0,
        a_rs: a.1,
        a_cs: a.2,
        b: b.as_ptr(),
        b_rs: nr,
        cols: c.cols(),
        c: c.as_mut_ptr(),
        ldc: c.ldc(),
        alpha,
        beta,
        bias: std::ptr::null(),
    }
}

/// op(A) read in place, `(pointer, row stride, column stride)`, after
/// checking that its rows `< rows` and columns `< k` are inside it.
#[inline(always)]
fn strided_a<T>(op: Operand<'_, T>, rows: usize, k: usize) -> (*const T, usize, usize) {
    if rows > 0 && k > 0 {
        assert!((rows - 1) * op.rs + (k - 1) * op.cs < op.data.len());
    }
    (op.data.as_ptr(), op.rs, op.cs)
}

pub(super) type TileFn<T> = unsafe fn(&TileArgs<T>);

/// One step of `k`: load the B row (the last vector masked unless B is a
/// zero-padded packed panel), broadcast `R` elements of A, `R·NV` FMAs.
///
/// # Safety
/// AVX2+FMA available; `a + r*a_rs` readable for `r < R`; `b` readable for
/// `NV·LANES` elements unless `masked`, else for the lanes enabled by `mask`
/// in the last vector and all lanes before it.
#[inline(always)]
unsafe fn step<T: Simd, const R: usize, const NV: usize>(
    acc: &mut [[T::V; NV]; R],
    a: *const T,
    a_rs: usize,
    b: *const T,
    mask: __m256i,
    masked: bool,
) {
    // SAFETY: the reads below are exactly the ones the caller vouches for.
    unsafe {
        let mut bv = [T::zero(); NV];
        for (v, bv) in bv.iter_mut().enumerate() {
            let p = b.add(v * T::LANES);
            *bv = if masked && v == NV - 1 {
                T::maskload(p, mask)
            } else {
                T::load(p)
            };
        }
        for (r, acc_r) in acc.iter_mut().enumerate() {
            let ar = T::bcast(a.add(r * a_rs));
            for (acc_rv, &bv) in acc_r.iter_mut().zip(&bv) {
                *acc_rv = T::fmadd(ar, bv, *acc_rv);
            }
        }
    }
}

/// `C[0..R, 0..cols] = alpha·(A·B) + beta·C` for one register tile, where
/// `A·B` is summed over `p = 0..k` in order with one FMA per step. `AP`: A
/// is a packed micro-panel (`a_rs = 1`, `a_cs = MR`, compile-time constants);
/// `BV > 0`: B rows are zero-padded to `BV` vectors (`b_rs = BV·LANES`, a
/// compile-time constant; packed micro-panels have `BV = 2`), so every load
/// is a full one; `BV = 0`: B is row-major op(B) in place (`b_rs` at run
/// time) and the last vector of each row is loaded with a lane mask.
///
/// # Safety
/// AVX2+FMA available. For `i < R`, `p < k`, `j < cols`: `a + i*a_rs + p*a_cs`
/// and `b + p*b_rs + j` are readable, and, when `BV > 0`, so is the whole padded
/// row `b + p*b_rs .. + NV·LANES`; `c + i*ldc + j` is writable and not
/// aliased by A or B; `(NV-1)·LANES < cols ≤ NV·LANES`; unless null,
/// `bias + j` is readable.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn tile<
    T: Simd,
    const R: usize,
    const NV: usize,
    const AP: bool,
    const BV: usize,
>(
    t: &TileArgs<T>,
) {
    // SAFETY: forwarded contract (this wrapper only adds the target features).
    unsafe { tile_body::<T, R, NV, AP, BV>(t) }
}

/// The body of [`tile`], inlined into callers that have AVX2+FMA enabled.
///
/// # Safety
/// As for [`tile`].
#[inline(always)]
pub(super) unsafe fn tile_body<
    T: Simd,
    const R: usize,
    const NV: usize,
    const AP: bool,
    const BV: usize,
>(
    t: &TileArgs<T>,
) {
    let lanes = T::LANES;
    let (a_rs, a_cs) = if AP { (1, MR) } else { (t.a_rs, t.a_cs) };
    let b_rs = if BV > 0 { BV * lanes } else { t.b_rs };
    let tail = t.cols - (NV - 1) * lanes;
    // SAFETY: AVX2+FMA are available (caller); every pointer read or written
    // below is covered by the caller's contract: A at rows < R and p < k, B
    // at p < k (masked to `tail` lanes in the last vector unless packed),
    // C at rows < R and columns < cols (masked likewise).
    unsafe {
        let mask = T::mask(tail);
        if BV > 0 {
            // Blocked path: ask for this tile of C now (into L2), so its
            // lines arrive while the k loop runs instead of stalling the
            // stores at the end. Large C (1024² f32 = 4 MiB) lives in L3 or
            // memory. A prefetch is a hint and never faults.
            for r in 0..R {
                let row = t.c.wrapping_add(r * t.ldc);
                _mm_prefetch::<_MM_HINT_T1>(row.cast());
                _mm_prefetch::<_MM_HINT_T1>(row.wrapping_add(NV * lanes - 1).cast());
            }
        }
        let mut acc = [[T::zero(); NV]; R];
        let (mut a, mut b) = (t.a, t.b);
        let mut p = 0;
        // Unrolled by 4: the pointer bumps and the loop test are paid once
        // per four steps (the loads use immediate offsets when packed).
        let masked = BV == 0;
        while p + 4 <= t.k {
            for u in 0..4 {
                let (au, bu) = (a.wrapping_add(u * a_cs), b.wrapping_add(u * b_rs));
                step::<T, R, NV>(&mut acc, au, a_rs, bu, mask, masked);
            }
            a = a.wrapping_add(4 * a_cs);
            b = b.wrapping_add(4 * b_rs);
            p += 4;
        }
        while p < t.k {
            step::<T, R, NV>(&mut acc, a, a_rs, b, mask, BV == 0);
            a = a.wrapping_add(a_cs);
            b = b.wrapping_add(b_rs);
            p += 1;
        }

        // C = alpha·acc + beta·C, the same operations as `store_tile`; one
        // loop per case so each is fully unrolled with `acc` in registers.
        let (alpha, beta) = (t.alpha, t.beta);
        let st = Store {
            c: t.c,
            ldc: t.ldc,
            tail,
            mask,
            alpha: T::splat(alpha),
            beta: T::splat(beta),
            bias: t.bias,
        };
        // Only tiles on operands in place (`BV = 0`, the direct path) ever
        // get a bias; the blocked path's instances carry no code for it.
        if BV == 0 && !t.bias.is_null() {
            // (`x·W + b` is the first case; the others keep `beta = 0`
            // from reading C.)
            if beta == T::ZERO && alpha == T::ONE {
                st.put::<R, NV, STORE_COPY, true>(&acc)
            } else if beta == T::ZERO {
                st.put::<R, NV, STORE_SCALE, true>(&acc)
            } else {
                st.put::<R, NV, STORE_AXPBY, true>(&acc)
            }
        } else if beta == T::ZERO {
            if alpha == T::ONE {
                st.put::<R, NV, STORE_COPY, false>(&acc)
            } else {
                st.put::<R, NV, STORE_SCALE, false>(&acc)
            }
        } else if beta == T::ONE && alpha == T::ONE {
            st.put::<R, NV, STORE_ADD, false>(&acc)
        } else {
            st.put::<R, NV, STORE_AXPBY, false>(&acc)
        }
    }
}

/// `C = acc`.
const STORE_COPY: u8 = 0;
/// `C = alpha·acc`.
const STORE_SCALE: u8 = 1;
/// `C = C + acc`.
const STORE_ADD: u8 = 2;
/// `C = alpha·acc + beta·C`.
const STORE_AXPBY: u8 = 3;

/// Where and how a finished tile goes into C.
struct Store<T: Simd> {
    c: *mut T,
    ldc: usize,
    /// Lanes of the last vector of each row that exist.
    tail: usize,
    mask: __m256i,
    alpha: T::V,
    beta: T::V,
    /// Added to every row after the mode's arithmetic by `put::<.., true>`.
    bias: *const T,
}

impl<T: Simd> Store<T> {
    /// # Safety
    /// AVX available; `c + r*ldc + j` writable (and readable unless
    /// `MODE` is a copy or scale) for `r < R`, `j < (NV-1)·LANES + tail`;
    /// with `BIAS`, `bias + j` readable for those `j`.
    #[inline(always)]
    unsafe fn put<const R: usize, const NV: usize, const MODE: u8, const BIAS: bool>(
        &self,
        acc: &[[T::V; NV]; R],
    ) {
        let full = self.tail == T::LANES;
        // SAFETY: every access is inside the region described in the contract
        // (the last vector of a row touches only `tail` lanes when partial).
        unsafe {
            // The bias is added to what the mode computed, as a separate
            // `out + b` after the product: the rounding of `x·W + b`.
            let mut bias = [T::zero(); NV];
            if BIAS {
                for (v, b) in bias.iter_mut().enumerate() {
                    let src = self.bias.add(v * T::LANES);
                    *b = if v == NV - 1 && !full {
                        T::maskload(src, self.mask)
                    } else {
                        T::load(src)
                    };
                }
            }
            for (r, acc_r) in acc.iter().enumerate() {
                let row = self.c.add(r * self.ldc);
                for (v, &x) in acc_r.iter().enumerate() {
                    let dst = row.add(v * T::LANES);
                    let partial = v == NV - 1 && !full;
                    let out = match MODE {
                        STORE_COPY => x,
                        STORE_SCALE => T::vmul(self.alpha, x),
                        _ => {
                            let old = if partial {
                                T::maskload(dst, self.mask)
                            } else {
                                T::load(dst)
                            };
                            if MODE == STORE_ADD {
                                T::vadd(old, x)
                            } else {
                                T::vadd(T::vmul(self.alpha, x), T::vmul(self.beta, old))
                            }
                        }
                    };
                    let out = if BIAS { T::vadd(out, bias[v]) } else { out };
                    if partial {
                        T::store_first(dst, out, self.tail);
                    } else {
                        T::store(dst, out)
                    }
                }
            }
        }
    }
}

/// The instance of [`tile`] for `rows` rows and `nv` vectors of columns.
pub(super) fn select<T: Simd, const AP: bool, const BV: usize>(
    rows: usize,
    nv: usize,
) -> TileFn<T> {
    match (rows, nv) {
        (1, 1) => tile::<T, 1, 1, AP, BV>,
        (2, 1) => tile::<T, 2, 1, AP, BV>,
        (3, 1) => tile::<T, 3, 1, AP, BV>,
        (4, 1) => tile::<T, 4, 1, AP, BV>,
        (5, 1) => tile::<T, 5, 1, AP, BV>,
        (6, 1) => tile::<T, 6, 1, AP, BV>,
        (1, 2) => tile::<T, 1, 2, AP, BV>,
        (2, 2) => tile::<T, 2, 2, AP, BV>,
        (3, 2) => tile::<T, 3, 2, AP, BV>,
        (4, 2) => tile::<T, 4, 2, AP, BV>,
        (5, 2) => tile::<T, 5, 2, AP, BV>,
        (6, 2) => tile::<T, 6, 2, AP, BV>,
        _ => unreachable!("tile {rows}x{nv} vectors"),
    }
}

/// Checks the sources against the tile shape and runs the matching
/// instance. Every read and write is bounds-checked here, once per tile.
#[inline]
pub(super) fn run_tile<T: Simd>(
    _proof: Avx2,
    k: usize,
    alpha: T,
    a: ASrc<'_, T>,
    b: &[T],
    beta: T,
    c: &mut CView<'_, T>,
) {
    let (rows, cols) = (c.rows(), c.cols());
    if rows == 0 || cols == 0 {
        return;
    }
    let nr = 2 * T::LANES;
    assert!(rows <= MR && cols <= nr, "tile {rows}x{cols}");
    let (a_src, ap) = match a {
        ASrc::Packed(s) => {
            assert!(s.len() >= MR * k);
            ((s.as_ptr(), 1, MR), true)
        }
        ASrc::Strided(op) => (strided_a(op, rows, k), false),
    };
    let nv = cols.div_ceil(T::LANES);
    let f = if ap {
        select::<T, true, 2>(rows, nv)
    } else {
        select::<T, false, 2>(rows, nv)
    };
    let args = packed_b_args(k, alpha, a_src, b, beta, c);
    // SAFETY: `_proof` shows AVX2+FMA were detected. The asserts above (and
    // in `strided_a`, `packed_b_args`) bound every read of A (rows < R =
    // rows, p < k) and B (p < k, the whole zero-padded NR-wide row of the
    // packed panel, whose slice holds NR·k elements). C: the view grants
    // exclusive access to `rows x cols` elements at `ptr + i*ldc + j`, and A
    // and B are shared borrows, so they cannot alias it. `nv` makes
    // `(nv-1)·LANES < cols ≤ nv·LANES`.
    unsafe { f(&args) }
}

/// A column of whole tiles, A packed or read in place (see
/// [`MicroKernel::run_sweep`](crate::gemm::kernel::MicroKernel::run_sweep),
/// [`MicroKernel::run_sweep_in_place`](crate::gemm::kernel::MicroKernel::run_sweep_in_place))
/// in one call, the full-height tile body inlined: the per-tile checks,
/// dispatch and call are paid once per column instead of once per tile.
pub(super) fn sweep<T: Simd>(
    _proof: Avx2,
    k: usize,
    alpha: T,
    a: ASrc<'_, T>,
    b: &[T],
    beta: T,
    c: &mut CView<'_, T>,
) {
    let (rows, cols) = (c.rows(), c.cols());
    if rows == 0 || cols == 0 {
        return;
    }
    let nr = 2 * T::LANES;
    assert!(rows % MR == 0 && cols <= nr, "sweep {rows}x{cols}");
    let panels = rows / MR;
    // SAFETY (both arms): `_proof` shows AVX2+FMA were detected. Panel `ir`
    // reads MR rows of A, columns < k, and the whole NR·k packed panel `b`
    // (checked in `packed_b_args`); it writes rows ir·MR.. +MR, columns <
    // cols of the region the view grants exclusively (not aliased by the
    // shared `a`, `b`).
    match a {
        ASrc::Packed(a) => {
            // Panel `ir` is `a[ir·MR·k ..][.. MR·k]`, inside `a`.
            assert!(a.len() >= rows * k);
            let args = packed_b_args(k, alpha, (a.as_ptr(), 1, MR), b, beta, c);
            // SAFETY: see above.
            unsafe { sweep_avx::<T, true>(panels, &args) }
        }
        ASrc::Strided(op) => {
            // Rows < rows, columns < k of op(A): `strided_a` checks the last.
            let args = packed_b_args(k, alpha, strided_a(op, rows, k), b, beta, c);
            // SAFETY: see above.
            unsafe { sweep_avx::<T, false>(panels, &args) }
        }
    }
}

/// # Safety
/// As described in [`sweep`] (`AP`: packed A, micro-panels `MR·k` apart;
/// otherwise op(A) in place, micro-panels `MR·a_rs` apart).
#[target_feature(enable = "avx2,fma")]
unsafe fn sweep_avx<T: Simd, const AP: bool>(panels: usize, args: &TileArgs<T>) {
    let two = args.cols > T::LANES;
    let a_step = if AP { MR * args.k } else { MR * args.a_rs };
    for ir in 0..panels {
        let t = TileArgs {
            a: args.a.wrapping_add(ir * a_step),
            c: args.c.wrapping_add(ir * MR * args.ldc),
            ..*args
        };
        // SAFETY: panel `ir` of the column described in `sweep`.
        unsafe {
            if two {
                tile_body::<T, MR, 2, AP, 2>(&t)
            } else {
                tile_body::<T, MR, 1, AP, 2>(&t)
            }
        }
    }
}
