//! NEON microkernels for aarch64 (NEON is baseline there: no detection).
//!
//! # Register plan
//! aarch64 has 32 q registers of 128 bits (4 × f32, 2 × f64), twice the
//! AVX2 register count at half the width. The tile is as large as the file
//! allows with room for the operands:
//! - f32: 8×12 = 8 rows × 3 vectors = 24 accumulators, 3 registers for a
//!   row of B̃, 2 for the column of Ã (29 of 32);
//! - f64: 6×8 = 6 rows × 4 vectors = 24 accumulators, 4 for B̃, 3 for Ã
//!   (31 of 32).
//!
//! These are BLIS's `armv8a` shapes. Each step of `k` loads the column of
//! Ã as whole vectors and multiplies by lane (`fmla v.4s, v.4s, v.s[l]`),
//! so the inner loop holds 24 `fmla`s, the loads and three bookkeeping
//! instructions, and no broadcasts: the two or four 128-bit FMA pipes of
//! current cores (Cortex-A72/A76, Neoverse N1/V1/V2, Apple M-series) see
//! no other vector instructions. 24 independent chains cover a 4-cycle FMA
//! latency on up to 6 pipes.
//!
//! # FMAs per loaded byte, next to the AVX2 kernel
//! Read from the disassembly of the release build for
//! `aarch64-unknown-linux-gnu` (Debian's rustc 1.85; `python3
//! scripts/inner_loops.py` on `objdump -d` output lists the loops):
//!
//! | kernel | inner loop per step of k | loads | bytes | FMA lanes / byte |
//! |---|---|---|---|---|
//! | AVX2 f32 6×16 | 12 × 8-lane FMA | 2 vector + 6 broadcast | 88 | 96/88 = 1.09 |
//! | NEON f32 8×12 | 24 × 4-lane `fmla` (30 instructions) | `ldp q` + `ldr q` (B̃), `ldp q` (Ã) | 80 | 96/80 = 1.20 |
//! | AVX2 f64 6×8 | 12 × 4-lane FMA | 2 vector + 6 broadcast | 112 | 48/112 = 0.43 |
//! | NEON f64 6×8 | 24 × 2-lane `fmla` (31 instructions) | 2 `ldp q` (B̃), `ldp q` + `ldr q` (Ã) | 112 | 48/112 = 0.43 |
//!
//! Per byte loaded the NEON f32 tile does more arithmetic than the AVX2
//! one and the f64 tiles the same; a step's 80–112 bytes in 3–4 load
//! instructions are well inside what two load pipes deliver in the 6–12
//! cycles its 24 `fmla`s take on 2–4 pipes, so the loop is bound by the
//! FMA pipes, not by loads. (No ARM hardware was available: this is an
//! argument from the instruction mix, not a measurement; correctness is
//! tested under `qemu-aarch64` by `scripts/cross-test.sh`.)
//!
//! # Blocking
//! Sized for the smallest common aarch64 server/desktop caches (Cortex-A72:
//! 32 KiB L1d and a 1 MiB L2 shared by 4 cores; Neoverse N1: 64 KiB L1d,
//! 1 MiB L2 per core):
//! - `KC = 256`: a B̃ micro-panel is 12 KiB (f32) / 16 KiB (f64), with the
//!   Ã micro-panel 20 / 28 KiB: inside a 32 KiB L1d;
//! - `MC`: Ã is 128 × 256 × 4 B = 128 KiB (f32), 72 × 256 × 8 B = 144 KiB
//!   (f64): a quarter-share of a shared 1 MiB L2, leaving room for B̃
//!   micro-panels streaming through;
//! - `NC`: B̃ is 256 × 3072 × 4 B = 256 × 1536 × 8 B = 3 MiB, for an L3 or
//!   the system-level cache.
//!
//! # Numerics
//! Every element is one fused chain over `k` in increasing order per KC
//! block, like the AVX2 kernel, so results are bit-identical to it; the
//! direct path (small products) is one fused chain over all of `k`, which
//! is OpenBLAS's small-gemm arithmetic: the book's float64 runs come out
//! bit for bit on ARM too.
//!
//! # Files
//! - this one: the [`Neon`] token, the [`MicroKernel`] impls, the direct
//!   small-product and skinny paths;
//! - [`simd`]: the 128-bit operations per element type;
//! - [`tile`]: the register tile body, its store, and the table of
//!   instances by shape.

pub(crate) mod peak;
mod simd;
mod tile;

pub(crate) use simd::Neon128;

use super::{ASrc, MicroKernel};
use crate::gemm::loops::{Operand, Problem};
use crate::gemm::small;
use crate::gemm::view::CView;
use tile::{select, tile_put, Dst, Src};

/// The NEON kernel token (NEON is always present on aarch64).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Neon;

/// Most rows a tile of `nv` vectors may have (at most 24 accumulators, as
/// [`tile::select`] instantiates them).
fn rows_for(nv: usize) -> usize {
    match nv {
        0..=3 => 8,
        4 => 6,
        5 | 6 => 4,
        _ => 3,
    }
}

/// Checks that `op` (offset to the tile's first row) holds `rows x k`.
fn check_a<T>(op: &Operand<'_, T>, rows: usize, k: usize) {
    if rows > 0 && k > 0 {
        let last = (rows - 1) * op.rs + (k - 1) * op.cs;
        assert!(last < op.data.len(), "neon kernel: A too short");
    }
}

/// `C = alpha·op(A)·B + beta·C` for a block of C whose columns are `nv`
/// whole vectors plus `tail` lanes of a last one: `b` is read as rows of
/// `nv` vectors with stride `brs` (the caller guarantees the reads are in
/// bounds), A in place; rows in tiles as tall as [`rows_for`] allows.
///
/// # Safety
/// `b + p*brs + j` readable for `p < k`, `j < nv·LANES`; A checked here; C
/// the region of `c` (rows `c.rows()`, columns `(nv-1)·LANES + tail`).
#[allow(clippy::too_many_arguments)]
unsafe fn column_block<T: Neon128>(
    k: usize,
    alpha: T,
    a: Operand<'_, T>,
    b: *const T,
    brs: usize,
    nv: usize,
    tail: usize,
    beta: T,
    c: &mut CView<'_, T>,
) {
    let rmax = rows_for(nv);
    let m = c.rows();
    let mut i0 = 0;
    while i0 < m {
        let rows = rmax.min(m - i0);
        let a_i = a.offset(i0, 0);
        check_a(&a_i, rows, k);
        let mut cv = c.sub(i0, 0, rows, c.cols());
        let d = Dst {
            c: cv.as_mut_ptr(),
            ldc: cv.ldc(),
            rows,
            tail,
        };
        let src_a = Src {
            ptr: a_i.data.as_ptr(),
            rs: a_i.rs,
            cs: a_i.cs,
        };
        let src_b = Src {
            ptr: b,
            rs: brs,
            cs: 1,
        };
        // SAFETY: A checked above; B by the caller; `d` covers `cv`, whose
        // `rows x cols` region is exclusively ours.
        unsafe { select::<T>(rows, nv)(k, src_a, src_b, &d, alpha, beta) };
        i0 += rows;
    }
}

/// The direct path for small products: op(B) row-major is read in place,
/// whole vectors of columns in register tiles, the last `n mod LANES`
/// columns as scalar fused chains; a transposed op(B) goes through the
/// plain fused loop. Every element is one fused chain over `k` in order.
pub(crate) fn small<T: Neon128>(p: &mut Problem<'_, '_, T>) {
    if p.b.cs != 1 || p.n < T::LANES {
        small::gemm_small(p, true);
        return;
    }
    let (k, n) = (p.k, p.n);
    assert!(
        k == 0 || (k - 1) * p.b.rs + n <= p.b.data.len(),
        "neon kernel: B too short"
    );
    let nvec = n / T::LANES;
    // Column blocks of 12 columns: 3 vectors of f32 (in 8-row tiles) or 6
    // of f64 (in 4-row tiles), 24 accumulators either way.
    let nvb = 12 / T::LANES;
    let mut v0 = 0;
    while v0 < nvec {
        let nv = nvb.min(nvec - v0);
        let j0 = v0 * T::LANES;
        let mut cb = p.c.sub(0, j0, p.m, nv * T::LANES);
        // SAFETY: rows p < k of B hold columns j0 .. j0 + nv·LANES ≤ n
        // (asserted above).
        unsafe {
            let b = p.b.data.as_ptr().add(j0);
            column_block(k, p.alpha, p.a, b, p.b.rs, nv, T::LANES, p.beta, &mut cb);
        }
        v0 += nv;
    }
    let j0 = nvec * T::LANES;
    if j0 < n {
        let mut rest = Problem {
            m: p.m,
            n: n - j0,
            k,
            alpha: p.alpha,
            a: p.a,
            b: p.b.offset(0, j0),
            beta: p.beta,
            c: p.c.sub(0, j0, p.m, n - j0),
        };
        small::gemm_small(&mut rest, true);
    }
}

/// One KC block of a skinny product (C at most `2·NR` wide): op(B) copied
/// row-major into `scratch` with rows padded to whole vectors (zeros), op(A)
/// read in place.
#[allow(clippy::too_many_arguments)]
fn skinny<T: Neon128>(
    k: usize,
    alpha: T,
    a: Operand<'_, T>,
    b: Operand<'_, T>,
    beta: T,
    c: &mut CView<'_, T>,
    scratch: &mut [T],
) {
    let n = c.cols();
    let nv = n.div_ceil(T::LANES);
    let w = nv * T::LANES;
    let scratch = &mut scratch[..k * w];
    crate::gemm::pack::pad_rows(k, n, w, b, scratch);
    let tail = n - (nv - 1) * T::LANES;
    // SAFETY: `scratch` holds k rows of w = nv·LANES elements.
    unsafe { column_block(k, alpha, a, scratch.as_ptr(), w, nv, tail, beta, c) };
}

/// `run` for one tile of an `MR x NR` kernel with `NV = NR / LANES`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn run<T: Neon128, const MR: usize, const NR: usize, const NV: usize>(
    k: usize,
    alpha: T,
    a: ASrc<'_, T>,
    b: &[T],
    beta: T,
    c: &mut CView<'_, T>,
) {
    debug_assert_eq!(NR, NV * T::LANES);
    assert!(b.len() >= k * NR, "neon kernel: B̃ panel too short");
    let (rows, cols) = (c.rows(), c.cols());
    if rows == 0 || cols == 0 {
        return;
    }
    let nv = cols.div_ceil(T::LANES);
    let tail = cols - (nv - 1) * T::LANES;
    let d = Dst {
        c: c.as_mut_ptr(),
        ldc: c.ldc(),
        rows,
        tail,
    };
    let src_b = Src {
        ptr: b.as_ptr(),
        rs: NR,
        cs: 1,
    };
    match a {
        ASrc::Packed(a) => {
            assert!(a.len() >= k * MR, "neon kernel: Ã panel too short");
            let src_a = Src {
                ptr: a.as_ptr(),
                rs: 1,
                cs: MR,
            };
            // SAFETY: the panels hold k steps of MR and NR elements (checked
            // above; zero-padded past the edge), and `d` covers the `rows x
            // cols` region of `c`, which is exclusively ours.
            unsafe {
                if nv == NV {
                    tile_put::<T, MR, NV, true>(k, src_a, src_b, &d, alpha, beta);
                } else {
                    select::<T>(MR, nv)(k, src_a, src_b, &d, alpha, beta);
                }
            }
        }
        ASrc::Strided(op) => {
            check_a(&op, rows, k);
            let src_a = Src {
                ptr: op.data.as_ptr(),
                rs: op.rs,
                cs: op.cs,
            };
            // SAFETY: A checked above (only the rows that exist are read), B
            // as for packed A, and `d` covers the region of `c`.
            unsafe { select::<T>(rows, nv)(k, src_a, src_b, &d, alpha, beta) };
        }
    }
}

macro_rules! neon_kernel {
    ($t:ty, $mr:literal, $nr:literal, $nv:literal, $mc:literal, $nc:literal) => {
        impl MicroKernel<$t> for Neon {
            const MR: usize = $mr;
            const NR: usize = $nr;
            const MC: usize = $mc;
            const KC: usize = 256;
            const NC: usize = $nc;
            const DIRECT: bool = true;

            #[inline]
            fn run(
                self,
                k: usize,
                alpha: $t,
                a: ASrc<'_, $t>,
                b: &[$t],
                beta: $t,
                c: &mut CView<'_, $t>,
            ) {
                run::<$t, $mr, $nr, $nv>(k, alpha, a, b, beta, c)
            }

            #[inline]
            fn run_skinny(
                self,
                k: usize,
                alpha: $t,
                a: Operand<'_, $t>,
                b: Operand<'_, $t>,
                beta: $t,
                c: &mut CView<'_, $t>,
                scratch: &mut [$t],
            ) {
                skinny(k, alpha, a, b, beta, c, scratch)
            }

            #[inline]
            fn stream(self, p: &mut Problem<'_, '_, $t>, kc_max: usize) {
                // Fused like the tiles (`vfmaq`); FMA is baseline on
                // AArch64, so the loops vectorize to `fmla` as compiled.
                crate::gemm::stream::stream::<$t, crate::gemm::stream::Fused>(p, kc_max)
            }
        }
    };
}

// See the module docs for the shapes and block sizes.
neon_kernel!(f32, 8, 12, 3, 128, 3072);
neon_kernel!(f64, 6, 8, 4, 72, 1536);
