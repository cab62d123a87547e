//! The register tile: one generic body for every shape and source.
//!
//! [`tile`] accumulates an `R x NV·LANES` block of `op(A)·op(B)` in
//! `R·NV` q registers, one fused multiply-add chain per element over `k`
//! in increasing order. A is read through two strides (a packed micro-panel
//! is the case `rs = 1, cs = MR`; op(A) in place is any other), B as rows
//! of `NV` whole vectors with a row stride (a packed micro-panel, a padded
//! copy, or a row-major operand read in place). [`put`] writes the block
//! into C with the same `alpha`/`beta` arithmetic as
//! [`store_tile`](crate::gemm::kernel::store_tile), vector lane by lane.

use super::simd::Neon128;

/// `R x NV·LANES` accumulators.
pub(super) type Acc<T, const R: usize, const NV: usize> = [[<T as Neon128>::V; NV]; R];

/// A strided read-only source: element `(i, p)` at `ptr + i*rs + p*cs`.
#[derive(Clone, Copy)]
pub(super) struct Src<T> {
    pub ptr: *const T,
    pub rs: usize,
    pub cs: usize,
}

/// `acc[i][v] = Σ_p a(i, p) · b(p, v·LANES ..)`, in increasing `p`.
///
/// With `PACKED` (a packed Ã micro-panel: `a.rs == 1`, `R` a multiple of
/// `LANES`) each step loads the `R` elements of Ã as whole vectors and
/// multiplies by lane (`fmla v.4s, v.4s, v.s[l]`); otherwise each element
/// is a scalar load (LLVM emits `ld1r`).
///
/// # Safety
/// `a.ptr + i*a.rs + p*a.cs` is readable for `i < R`, `p < k`, and
/// `b.ptr + p*b.rs + j` for `p < k`, `j < NV·LANES` (`b.cs` is ignored: B's
/// rows are contiguous).
#[inline(always)]
pub(super) unsafe fn tile<T: Neon128, const R: usize, const NV: usize, const PACKED: bool>(
    k: usize,
    a: Src<T>,
    b: Src<T>,
) -> Acc<T, R, NV> {
    let mut acc = [[T::zero(); NV]; R];
    debug_assert!(!PACKED || (a.rs == 1 && R % T::LANES == 0));
    // SAFETY: every pointer below is inside the regions of the contract.
    unsafe {
        let (mut ap, mut bp) = (a.ptr, b.ptr);
        for _ in 0..k {
            let mut bv = [T::zero(); NV];
            for (v, bv) in bv.iter_mut().enumerate() {
                *bv = T::load(bp.add(v * T::LANES));
            }
            if PACKED {
                // At most 8 rows: two vectors of f32, four of f64.
                let mut av = [T::zero(); 4];
                for (q, av) in av.iter_mut().enumerate().take(R / T::LANES) {
                    *av = T::load(ap.add(q * T::LANES));
                }
                for (i, acc_i) in acc.iter_mut().enumerate() {
                    let (q, lane) = (i / T::LANES, i % T::LANES);
                    for (acc_iv, &bv) in acc_i.iter_mut().zip(&bv) {
                        *acc_iv = T::fma_lane(*acc_iv, bv, av[q], lane);
                    }
                }
            } else {
                for (i, acc_i) in acc.iter_mut().enumerate() {
                    let ai = *ap.add(i * a.rs);
                    for (acc_iv, &bv) in acc_i.iter_mut().zip(&bv) {
                        *acc_iv = T::fma_n(*acc_iv, bv, ai);
                    }
                }
            }
            ap = ap.wrapping_add(a.cs);
            bp = bp.wrapping_add(b.rs);
        }
    }
    acc
}

/// Where a finished tile goes: `rows ≤ R` rows of `(NV-1)·LANES + tail`
/// columns at `c + i*ldc + j`.
pub(super) struct Dst<T> {
    pub c: *mut T,
    pub ldc: usize,
    pub rows: usize,
    /// Lanes of the last vector of each row that exist (`1..=LANES`).
    pub tail: usize,
}

/// `C = alpha·acc + beta·C` on the part of the tile that exists, without
/// reading C when `beta == 0`; the arithmetic of `store_tile` (`alpha·acc`
/// and `beta·C` rounded separately, then added; `C + acc` when both are 1).
///
/// # Safety
/// `d.c + i*d.ldc + j` is writable (and readable when `beta != 0`) for
/// `i < d.rows ≤ R`, `j < (NV-1)·LANES + d.tail`.
#[inline(always)]
pub(super) unsafe fn put<T: Neon128, const R: usize, const NV: usize>(
    acc: &Acc<T, R, NV>,
    d: &Dst<T>,
    alpha: T,
    beta: T,
) {
    let (va, vb) = (T::splat(alpha), T::splat(beta));
    let copy = beta == T::ZERO && alpha == T::ONE;
    let scale = beta == T::ZERO;
    let add = beta == T::ONE && alpha == T::ONE;
    let combine = |x: T::V, old: T::V| {
        if add {
            T::vadd(old, x)
        } else {
            T::vadd(T::vmul(va, x), T::vmul(vb, old))
        }
    };
    // SAFETY: rows `< d.rows` and columns inside the contract's region only;
    // a partial last vector goes through a stack copy.
    unsafe {
        for (r, acc_r) in acc.iter().enumerate().take(d.rows) {
            let row = d.c.add(r * d.ldc);
            for (v, &x) in acc_r.iter().enumerate() {
                let dst = row.add(v * T::LANES);
                if v + 1 < NV || d.tail == T::LANES {
                    let out = if copy {
                        x
                    } else if scale {
                        T::vmul(va, x)
                    } else {
                        combine(x, T::load(dst))
                    };
                    T::store(dst, out);
                } else {
                    let mut lanes = [T::ZERO; 4];
                    T::to_array(x, &mut lanes);
                    for (l, &x) in lanes.iter().enumerate().take(d.tail) {
                        let c = dst.add(l);
                        *c = if copy {
                            x
                        } else if scale {
                            alpha * x
                        } else if add {
                            *c + x
                        } else {
                            alpha * x + beta * *c
                        };
                    }
                }
            }
        }
    }
}

/// A tile function: `k`, A, B, destination, alpha, beta.
pub(super) type TileFn<T> = unsafe fn(usize, Src<T>, Src<T>, &Dst<T>, T, T);

/// [`tile`] then [`put`], as one monomorphic function.
///
/// # Safety
/// The contracts of [`tile`] and [`put`].
pub(super) unsafe fn tile_put<T: Neon128, const R: usize, const NV: usize, const PACKED: bool>(
    k: usize,
    a: Src<T>,
    b: Src<T>,
    d: &Dst<T>,
    alpha: T,
    beta: T,
) {
    // SAFETY: forwarded contracts.
    unsafe {
        let acc = tile::<T, R, NV, PACKED>(k, a, b);
        put::<T, R, NV>(&acc, d, alpha, beta);
    }
}

/// The instance of [`tile_put`] for `rows` rows (`1..=8`) and `nv` vectors
/// (`1..=NVMAX`, at most 24 accumulators).
pub(super) fn select<T: Neon128>(rows: usize, nv: usize) -> TileFn<T> {
    macro_rules! by_nv {
        ($r:literal, $($nv:literal)*) => {
            match nv {
                $($nv => tile_put::<T, $r, $nv, false> as TileFn<T>,)*
                _ => unreachable!("no {}-row tile with {nv} vectors", $r),
            }
        };
    }
    match rows {
        1 => by_nv!(1, 1 2 3 4 5 6 7 8),
        2 => by_nv!(2, 1 2 3 4 5 6 7 8),
        3 => by_nv!(3, 1 2 3 4 5 6 7 8),
        4 => by_nv!(4, 1 2 3 4 5 6),
        5 => by_nv!(5, 1 2 3 4),
        6 => by_nv!(6, 1 2 3 4),
        7 => by_nv!(7, 1 2 3),
        8 => by_nv!(8, 1 2 3),
        _ => unreachable!("no tile with {rows} rows"),
    }
}
