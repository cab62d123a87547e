//! The packed register tiles and the loop nest's kernel: Ã and B̃ packed
//! into micro-panels ([`Tile`]), one tile ([`tile_body`], [`run_tile`]) or
//! a column of them with the next B̃ panel's source prefetched
//! ([`sweep`], [`run_sweep`]); the block sizes per kind of CPU
//! ([`Blocking`]: [`FullWidth`], Zen 4's [`Halves`]); and
//! [`MicroKernel`] for [`Avx512Kernel`].

use super::{store, stream, Avx512, Avx512Kernel, Zmm, KC};
use crate::gemm::ahead::{Ahead, Lines};
use crate::gemm::kernel::x86_avx2::{pack_a_avx, pack_b_avx, Simd};
use crate::gemm::kernel::{ASrc, MicroKernel};
use crate::gemm::loops::{Operand, Problem};
use crate::gemm::view::CView;
use crate::Scalar;
use std::arch::x86_64::*;

/// One tile's raw arguments: Ã a packed micro-panel (`(i, p)` at
/// `a[p*MR + i]`), B̃ a packed, zero-padded micro-panel (`(p, j)` at
/// `b[p*NR + j]`, `NR = VECS·LANES`), C `rows x cols` at `c + i*ldc + j`.
#[derive(Clone, Copy)]
struct Tile<T> {
    k: usize,
    a: *const T,
    b: *const T,
    cols: usize,
    c: *mut T,
    ldc: usize,
    alpha: T,
    beta: T,
}

/// `C[0..R, 0..cols] = alpha·(A·B) + beta·C` for one register tile, `A·B`
/// summed over `p = 0..k` in order, one FMA per step (the AVX2 kernel's
/// arithmetic). Stores: `C = acc`, `alpha·acc`, `C + acc` or
/// `alpha·acc + beta·C` (C is not read when `beta == 0`). Ã's panel is
/// `MR ≥ R` rows wide (`(i, p)` at `a[p*MR + i]`, zero-padded past `R`).
///
/// It also prefetches `npf` lines of `ahead` into L2 (addresses only, see
/// `gemm/ahead.rs`), one every `k / npf` steps so the FMAs hide them;
/// `PF = false` compiles the plain loop.
///
/// # Safety
/// AVX-512F available. `a` readable for `MR·k` elements, `b` for
/// `VECS·LANES·k`; `c + i*ldc + j` writable (readable unless `beta == 0`) for
/// `i < R`, `j < cols`, not aliased by A or B;
/// `(NV-1)·LANES < cols ≤ NV·LANES`.
#[inline(always)]
unsafe fn tile_body<T: Zmm, S: Blocking<T>, const R: usize, const NV: usize, const PF: bool>(
    t: &Tile<T>,
    ahead: &mut Lines,
    npf: usize,
) {
    let lanes = T::LANES;
    let nr = S::VECS * lanes;
    // SAFETY: AVX-512F (caller); every access is inside the caller's
    // contract: A at rows < R and p < k, B's padded rows at p < k, C at rows
    // < R and columns < cols (the last vector masked when partial). A
    // prefetch reads nothing and cannot fault, whatever its address.
    unsafe {
        for r in 0..R {
            let row = t.c.wrapping_add(r * t.ldc);
            _mm_prefetch::<_MM_HINT_T1>(row.cast());
            _mm_prefetch::<_MM_HINT_T1>(row.wrapping_add(NV * lanes - 1).cast());
        }
        let mut acc = [[T::zero(); NV]; R];
        let (mut a, mut b) = (t.a, t.b);
        // One step of `k` (a macro, not a closure: a closure would not
        // inherit the target feature, and its intrinsics would be calls).
        macro_rules! k_step {
            () => {{
                let mut bv = [T::zero(); NV];
                for (v, bv) in bv.iter_mut().enumerate() {
                    *bv = T::load(b.add(v * lanes));
                }
                #[allow(clippy::needless_range_loop)]
                for r in 0..R {
                    let ar = T::splat(*a.add(r));
                    for v in 0..NV {
                        acc[r][v] = T::fmadd(ar, bv[v], acc[r][v]);
                    }
                }
                a = a.add(S::MR);
                b = b.add(nr);
            }};
        }
        let mut npf = npf.min(ahead.left());
        if PF {
            // A prefetch every `run = k / npf` steps (the step counter
            // reaching `next`), the rest after the loop.
            let run = t.k.checked_div(npf).unwrap_or(usize::MAX).max(1);
            let mut next = if npf > 0 { 0 } else { usize::MAX };
            for step in 0..t.k {
                if step == next {
                    _mm_prefetch::<_MM_HINT_T1>(ahead.next_addr().cast());
                    npf -= 1;
                    next = if npf > 0 { step + run } else { usize::MAX };
                }
                k_step!();
            }
            while npf > 0 {
                _mm_prefetch::<_MM_HINT_T1>(ahead.next_addr().cast());
                npf -= 1;
            }
        } else {
            for _ in 0..t.k {
                k_step!();
            }
        }
        store::<T, R, NV>(&acc, t.c, t.ldc, t.cols, t.alpha, t.beta);
    }
}

/// [`tile_body`] for `rows x nv` with AVX-512F enabled.
///
/// # Safety
/// As for [`tile_body`], with `R = rows`, `NV = nv`.
#[target_feature(enable = "avx512f")]
unsafe fn tile<T: Zmm, S: Blocking<T>>(rows: usize, nv: usize, t: &Tile<T>) {
    // SAFETY: forwarded contract; `rows`, `nv` pick the instance.
    unsafe {
        macro_rules! pick {
            ($($r:literal)*) => {
                match (rows, nv) {
                    $(($r, 1) => one_tile::<T, S, $r, 1>(t),
                      ($r, 2) => one_tile::<T, S, $r, 2>(t),
                      ($r, 3) if S::VECS == 3 => one_tile::<T, S, $r, 3>(t),)*
                    _ => unreachable!("tile {rows}x{nv} vectors"),
                }
            };
        }
        if S::MR == 12 {
            pick!(1 2 3 4 5 6 7 8 9 10 11 12)
        } else {
            pick!(1 2 3 4 5 6 7 8)
        }
    }
}

/// One `R`-row tile without prefetching, compiled on its own (inlined
/// into one function, LLVM kept the accumulators of the larger instances
/// in memory, at half speed).
///
/// # Safety
/// As for [`tile_body`].
#[target_feature(enable = "avx512f")]
#[inline(never)]
unsafe fn one_tile<T: Zmm, S: Blocking<T>, const R: usize, const NV: usize>(t: &Tile<T>) {
    let mut none = Lines::EMPTY;
    // SAFETY: forwarded contract.
    unsafe { tile_body::<T, S, R, NV, false>(t, &mut none, 0) }
}

/// One whole `MR`-row tile, compiled on its own.
///
/// # Safety
/// As for [`tile_body`] with `R = MR`.
#[target_feature(enable = "avx512f")]
#[inline(never)]
unsafe fn whole_tile<T: Zmm, S: Blocking<T>, const NV: usize, const PF: bool>(
    t: &Tile<T>,
    ahead: &mut Lines,
    npf: usize,
) {
    const { assert!(S::MR == 12 || S::MR == 8, "tiles of 12 or 8 rows") };
    // SAFETY: forwarded contract.
    unsafe {
        if S::MR == 12 {
            tile_body::<T, S, 12, NV, PF>(t, ahead, npf)
        } else {
            tile_body::<T, S, 8, NV, PF>(t, ahead, npf)
        }
    }
}

/// A column of whole `MR`-row tiles, each a [`whole_tile`] call; the
/// tiles prefetch the `ahead` lines, an equal share each.
///
/// # Safety
/// As for [`tile_body`] for each of the `panels` tiles: panel `ir` reads
/// `a + ir·MR·k` and writes rows `ir·MR ..` of C.
#[target_feature(enable = "avx512f")]
unsafe fn sweep<T: Zmm, S: Blocking<T>>(panels: usize, t: &Tile<T>, mut ahead: Lines) {
    let nv = t.cols.div_ceil(T::LANES);
    let lines = ahead.left();
    for ir in 0..panels {
        let p = Tile {
            a: t.a.wrapping_add(ir * S::MR * t.k),
            c: t.c.wrapping_add(ir * S::MR * t.ldc),
            ..*t
        };
        // This tile's equal share of the sweep's lines to prefetch.
        let npf = lines * (ir + 1) / panels - lines * ir / panels;
        // SAFETY: panel `ir` of the column (caller's contract).
        unsafe {
            match (nv, npf > 0) {
                (3, true) if S::VECS == 3 => whole_tile::<T, S, 3, true>(&p, &mut ahead, npf),
                (3, false) if S::VECS == 3 => whole_tile::<T, S, 3, false>(&p, &mut ahead, 0),
                (2, true) => whole_tile::<T, S, 2, true>(&p, &mut ahead, npf),
                (2, false) => whole_tile::<T, S, 2, false>(&p, &mut ahead, 0),
                (1, true) => whole_tile::<T, S, 1, true>(&p, &mut ahead, npf),
                (1, false) => whole_tile::<T, S, 1, false>(&p, &mut ahead, 0),
                _ => unreachable!("sweep {nv} vectors wide"),
            }
        }
    }
}

/// Checks one tile's operands and runs it.
fn run_tile<T: Zmm, S: Blocking<T>>(
    _proof: Avx512,
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
    let (mr, nr) = (S::MR, S::VECS * T::LANES);
    let ASrc::Packed(a) = a else {
        unreachable!("the AVX-512 kernel reads A packed")
    };
    assert!(rows <= mr && cols <= nr, "tile {rows}x{cols}");
    assert!(a.len() >= mr * k && b.len() >= nr * k);
    let t = Tile {
        k,
        a: a.as_ptr(),
        b: b.as_ptr(),
        cols,
        c: c.as_mut_ptr(),
        ldc: c.ldc(),
        alpha,
        beta,
    };
    let nv = cols.div_ceil(T::LANES);
    // SAFETY: `_proof` shows AVX-512F was detected. The asserts bound
    // every read of Ã (MR·k, read MR elements per step of k, rows < MR of
    // them) and B̃ (NR·k); the view grants exclusive access to
    // `rows x cols` of C at `ptr + i*ldc + j`, not aliased by the shared
    // `a`, `b`; `nv` makes `(nv-1)·LANES < cols ≤ nv·LANES`.
    unsafe { tile::<T, S>(rows, nv, &t) }
}

/// Checks a column of whole tiles and sweeps it, prefetching `ahead`.
#[allow(clippy::too_many_arguments)]
fn run_sweep<T: Zmm, S: Blocking<T>>(
    _proof: Avx512,
    k: usize,
    alpha: T,
    a: &[T],
    b: &[T],
    beta: T,
    c: &mut CView<'_, T>,
    ahead: Ahead<T>,
) {
    let (rows, cols) = (c.rows(), c.cols());
    if rows == 0 || cols == 0 {
        return;
    }
    let (mr, nr) = (S::MR, S::VECS * T::LANES);
    assert!(rows % mr == 0 && cols <= nr, "sweep {rows}x{cols}");
    assert!(a.len() >= rows * k && b.len() >= nr * k);
    let t = Tile {
        k,
        a: a.as_ptr(),
        b: b.as_ptr(),
        cols,
        c: c.as_mut_ptr(),
        ldc: c.ldc(),
        alpha,
        beta,
    };
    // SAFETY: `_proof` shows AVX-512F was detected. Panel `ir` reads
    // `a[ir·MR·k ..][.. MR·k]` (inside `a`: rows·k ≥ (ir+1)·MR·k) and the
    // whole NR·k panel `b`; it writes rows ir·MR.. +MR, columns < cols of
    // the region the view grants exclusively.
    unsafe { sweep::<T, S>(rows / mr, &t, ahead.lines()) }
}

/// The block sizes of the packed AVX-512 kernel for element type `T` (see
/// [`MicroKernel`] for what each bounds), one set per kind of CPU:
/// [`FullWidth`], [`Halves`].
pub(crate) trait Blocking<T> {
    /// Rows of a register tile (and of an Ã micro-panel).
    const MR: usize;
    /// Vectors per row of a register tile: a B̃ micro-panel is
    /// `VECS·LANES` columns wide.
    const VECS: usize;
    /// Rows of Ã packed at a time.
    const MC: usize;
    /// Columns of B̃ packed at a time.
    const NC: usize;
}

/// The blocking for CPUs that run a 512-bit FMA whole (Xeon, Zen 5): f32
/// 12×32, f64 8×24 (see the module docs).
pub(crate) struct FullWidth;

/// The blocking for Zen 4, which runs a 512-bit FMA as two 256-bit halves
/// ([`Avx512::halves_512_bit_fmas`]): f32 8×48 (eight broadcasts and three
/// loads per 24 FMAs, against twelve and two), f64 as [`FullWidth`].
/// Measured on the loop nest of the parts of products split across two
/// threads (`gemm_time --threads 2`, three alternating runs of the two
/// builds, GFLOP/s, 12×32 against 8×48): f32 128×784·784×1024
/// 196.7–197.6 against 207.7–208.0, 128×1024·1024×1024 178.7–191.9
/// against 198.7–207.1, 1024³ 183.8–190.3 against 195.3–200.7, 512³
/// 186.3–205.1 against 191.1–195.3. (Builds of the working tree with
/// the f32 `FullWidth` tiles set to 12×32 and to 8×48, not commits; parts
/// then cut in whole tiles.)
pub(crate) struct Halves;

impl Blocking<f32> for FullWidth {
    const MR: usize = 12;
    const VECS: usize = 2;
    /// Ã = 144 × 384 × 4 B = 216 KiB of the 1 MiB L2 (Zen 4/5).
    const MC: usize = 144;
    /// B̃ = 384 × 4096 × 4 B = 6 MiB in L3.
    const NC: usize = 4096;
}

impl Blocking<f64> for FullWidth {
    const MR: usize = 8;
    const VECS: usize = 3;
    /// Ã = 144 × 384 × 8 B = 432 KiB, under half of Zen 4/5's 1 MiB L2
    /// (a fifth of the Xeon's 2 MiB). As large as f32's so that a batch of
    /// 128 rows is one block, its B̃ packed a micro-panel at a time with
    /// the next one prefetched (was 96: two blocks). One thread on the
    /// Xeon, in alternating runs: 128×784·784×1024 62.7 → 68.0 GFLOP/s,
    /// 128×1024·(1024×1024)ᵀ 57.4 → 64.9, 1024³ 69.6 → 70.4; 128³–512³
    /// unchanged.
    const MC: usize = 144;
    /// B̃ = 384 × 2048 × 8 B = 6 MiB in L3.
    const NC: usize = 2048;
}

impl Blocking<f32> for Halves {
    const MR: usize = 8;
    const VECS: usize = 3;
    /// Ã = 144 × 384 × 4 B = 216 KiB of Zen 4's 1 MiB L2.
    const MC: usize = 144;
    /// B̃ = 384 × 4080 × 4 B ≈ 6 MiB in L3 (85 micro-panels of 48).
    const NC: usize = 4080;
}

impl Blocking<f64> for Halves {
    const MR: usize = <FullWidth as Blocking<f64>>::MR;
    const VECS: usize = <FullWidth as Blocking<f64>>::VECS;
    const MC: usize = <FullWidth as Blocking<f64>>::MC;
    const NC: usize = <FullWidth as Blocking<f64>>::NC;
}

/// The unit `(rows, columns)` a threaded product's parts are cut in for
/// the AVX-512 kernel on this CPU: its register tile `(MR, NR)`, or on
/// Zen 4 ([`Halves`]) `MR` rows by one vector. Cut in whole tiles, f32
/// 512³ on two threads fell into parts of six and five 48-column panels;
/// in whole vectors each part is five panels and a 16-column one:
/// `gemm_time --threads 2`, three alternating runs, 194.1–194.5 GFLOP/s
/// against 206.5–215.5; f64 (8×24) 512³ 103.1–103.6 against 103.9–105.0,
/// 1024³ 100.3–101.2 against 101.2–104.0.
#[allow(private_bounds)]
pub(crate) fn packed_tile<T: Zmm>() -> (usize, usize)
where
    FullWidth: Blocking<T>,
    Halves: Blocking<T>,
{
    let halves = Avx512::detect().is_some_and(|proof| proof.halves_512_bit_fmas());
    if halves {
        (<Halves as Blocking<T>>::MR, T::LANES)
    } else {
        (
            <FullWidth as Blocking<T>>::MR,
            <FullWidth as Blocking<T>>::VECS * T::LANES,
        )
    }
}

#[allow(private_bounds)]
impl<T: Zmm + Simd, S: Blocking<T>> MicroKernel<T> for Avx512Kernel<T, S> {
    const MR: usize = S::MR;
    const NR: usize = S::VECS * <T as Zmm>::LANES;
    const MC: usize = S::MC;
    /// The AVX2 kernel's depth, so both give the same sums (and bits). One
    /// B̃ micro-panel = 384 × 32 × 4 B (f32) = 48 KiB, Zen 5's L1d, or
    /// 384 × 24 × 8 B = 72 KiB (f64), read from L2 in part: three loads per
    /// step of eight broadcasts leave the slack.
    const KC: usize = KC;
    const NC: usize = S::NC;
    const DIRECT: bool = false;
    const PREFETCHES: bool = true;

    #[inline]
    fn run(self, k: usize, alpha: T, a: ASrc<'_, T>, b: &[T], beta: T, c: &mut CView<'_, T>) {
        run_tile::<T, S>(self.0, k, alpha, a, b, beta, c)
    }

    #[inline]
    fn run_sweep(
        self,
        k: usize,
        alpha: T,
        a: &[T],
        b: &[T],
        beta: T,
        c: &mut CView<'_, T>,
        ahead: Ahead<T>,
    ) {
        run_sweep::<T, S>(self.0, k, alpha, a, b, beta, c, ahead)
    }

    /// A row-major A through the AVX2 kernel's register transposes when
    /// `MR` is a whole number of its vectors (8 rows: f64, and f32 on Zen
    /// 4): Ã's panels are B̃'s for op(A)ᵀ. The portable loop copies an
    /// element at a time; on Zen 4 it took 4.5 % of f32 512³'s samples on
    /// two threads (each part packs all of A), the transposes 2.8 %
    /// (`perf record -e cpu-clock gemm_time f32 512 512 512 --threads 2`
    /// built at `6331ce7` and at `e1c48be`). Other heights (12 f32 rows)
    /// go through the padded transposes of [`pack_a_avx`].
    #[inline]
    fn pack_a(self, mc: usize, kc: usize, a: Operand<'_, T>, dst: &mut [T]) {
        let avx2 = self.0.avx2();
        if a.cs == 1 && a.rs > 1 && S::MR % <T as Simd>::LANES == 0 {
            let at = Operand {
                data: a.data,
                rs: a.cs,
                cs: a.rs,
            };
            pack_b_avx(avx2, S::MR, kc, mc, at, dst)
        } else {
            pack_a_avx(avx2, S::MR, mc, kc, a, dst)
        }
    }

    /// A transposed B through the AVX2 kernel's register transposes (the
    /// portable copy loop ran `dout·Wᵀ` at 60 % of the other products).
    #[inline]
    fn pack_b(self, kc: usize, nc: usize, b: Operand<'_, T>, dst: &mut [T]) {
        if b.cs == 1 {
            // SAFETY: `self.0` shows AVX-512F was detected; the function
            // only compiles the safe portable packer with it enabled.
            unsafe { pack_b_wide(Self::NR, kc, nc, b, dst) }
        } else {
            pack_b_avx(self.0.avx2(), Self::NR, kc, nc, b, dst)
        }
    }

    /// This kernel's own streamed product ([`stream`]), which [`blocked`](super::blocked)
    /// routes to before the loop nest sees it. The shared one
    /// (`gemm/stream.rs`) compiled with AVX-512F, against this one in
    /// alternating runs: one thread, f32 ×1024·1024×1024 one and two rows
    /// 1.00–1.01× the time, three and four 0.92–0.93×, f64 one to three
    /// rows 1.02–1.04×, four 0.96×, B from memory (f32 1×4096·4096×4096)
    /// 1.14×; two threads (the default), one row f32 and f64
    /// ×1024·1024×1024 1.10× and 1.07×, f32 1×4096·4096×4096 1.17×. In
    /// 256-bit loops it matched this one on one thread, and ran up to 1.1×
    /// the 512-bit ones' time on two.
    #[inline]
    fn stream(self, p: &mut Problem<'_, '_, T>, kc_max: usize) {
        stream::stream(self.0, p, kc_max)
    }
}

/// The portable packer compiled with AVX-512F, so a panel row of 32 f32 or
/// 24 f64 moves as two or three 64-byte loads and stores.
///
/// # Safety
/// AVX-512F available.
#[target_feature(enable = "avx512f")]
unsafe fn pack_b_wide<T: Scalar>(
    nr: usize,
    kc: usize,
    nc: usize,
    b: Operand<'_, T>,
    dst: &mut [T],
) {
    crate::gemm::pack::pack_b(nr, kc, nc, b, dst)
}
