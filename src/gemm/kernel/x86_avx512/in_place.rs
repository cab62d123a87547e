//! The tiles that read their operands in place, without packing: op(A)
//! row-major or stored by columns (a transposed A, as in a weight gradient
//! `xᵀ·dout`), op(B) row-major where it lies or copied into narrow blocks
//! ([`BRows`]); C in blocks two vectors wide ([`for_blocks`]), all its rows
//! in register tiles of 6, 8 or 12 rows ([`skinny_rows`], and for narrow C
//! the tiles of `narrow.rs`). Which products come here ([`takes_skinny`],
//! [`takes_in_place`]) and where op(B) is copied ([`copies_b`]) are
//! measured rules, each with its figures. Same arithmetic and bits as the
//! packed tiles (`packed.rs`).

use super::narrow::{self, Narrow, NarrowB, NarrowVec};
use super::{store, Avx512, Zmm, KC};
use crate::gemm::loops::{balanced_block, PackBuffers, Problem};
use crate::Scalar;
use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};

/// Where the in-place tiles read B: row-major rows `ldb` apart, the last
/// of the `NV` vectors of a row loaded through `last` (the lanes that
/// exist when C's block is narrower than `NV·LANES`; all lanes for a
/// zero-padded copy). `whole`: every lane of that vector may be read (a
/// block of whole vectors, or a zero-padded copy), so the tiles load it
/// without the mask. On Zen 4, in a profile (`perf`, cpu-clock) of f32
/// 128×392·392×1024 forced in place, the FMAs that read the masked vector
/// took most of the samples, those reading the other one almost none; f64
/// 128³ in place (B not copied), one thread pinned, three alternating
/// runs: 50.4–54.5 GFLOP/s with the mask, 55.4–56.5 without. (Both with
/// temporary switches of the in-place limit, the copy and the mask, not
/// committed.)
#[derive(Clone, Copy)]
struct BRows<T: Zmm> {
    b: *const T,
    ldb: usize,
    last: T::Mask,
    whole: bool,
}

/// Where row `i` of op(A) starts: `a + i*lda` row-major, `a + i` with
/// `AT` (op(A) stored by columns, `(i, p)` at `a + p*lda + i`: a
/// transposed row-major A, as in a weight gradient `xᵀ·dout`). An
/// address only (`wrapping_add`: past the last row it is never read).
#[inline(always)]
pub(super) fn a_row<T, const AT: bool>(a: *const T, lda: usize, i: usize) -> *const T {
    if AT {
        a.wrapping_add(i)
    } else {
        a.wrapping_add(i * lda)
    }
}

/// Steps of `k` ahead that a tile reading op(A) by columns prefetches.
/// Those columns are `lda` apart, usually a multiple of 4 KiB, so every
/// line a tile reads falls in the same L1 set, and no hardware prefetcher
/// follows a stride that long: without the prefetch, f32
/// 1024×128·128×10 with a transposed A ran at 59 GFLOP/s, with it 80–83;
/// 16 steps ahead (more lines in flight than the set has ways) ran at 59.
const COLUMN_PREFETCH_STEPS: usize = 8;

/// Prefetches into L1 the first and last of the `R` elements of op(A)'s
/// column `COLUMN_PREFETCH_STEPS − 1` after the one at `col` (columns
/// `lda` apart; callers pass the column of the next step, so the one
/// prefetched is [`COLUMN_PREFETCH_STEPS`] steps ahead). A tile of f64
/// rows spanning three lines leaves the middle one to the hardware. An
/// address only: a prefetch reads nothing and cannot fault.
#[inline(always)]
pub(super) fn prefetch_column<T, const R: usize>(col: *const T, lda: usize) {
    let ahead = col.wrapping_add((COLUMN_PREFETCH_STEPS - 1) * lda);
    // SAFETY: SSE (x86-64 baseline); a prefetch is a hint that reads
    // nothing, whatever its address.
    unsafe {
        _mm_prefetch::<_MM_HINT_T0>(ahead.cast());
        _mm_prefetch::<_MM_HINT_T0>(ahead.wrapping_add(R - 1).cast());
    }
}

/// `C[0..R, 0..cols] = alpha·(A·B) + beta·C` for `cols ≤ NV·LANES`, op(A)
/// in place (`(i, p)` at `a + i*lda + p`, or with `AT` at `a + p*lda + i`,
/// see [`a_row`]), B's rows as [`BRows`] says (`(p, j)` at
/// `b + p*ldb + j`). The arithmetic and stores of `tile_body` (`packed.rs`).
///
/// # Safety
/// AVX-512F available; op(A)'s `(i, p)` readable for `i < R`, `p < k`;
/// `b + p*ldb + j` readable for `p < k` and the lanes `j` the full vectors
/// and the `last` mask enable (all lanes of the last vector too when
/// `b.whole`); `c + i*ldc + j` writable (readable unless
/// `beta == 0`) for `i < R`, `j < cols`, not aliased by A or B.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn skinny_body<T: Zmm, const R: usize, const NV: usize, const AT: bool>(
    k: usize,
    a: *const T,
    lda: usize,
    b: BRows<T>,
    cols: usize,
    c: *mut T,
    ldc: usize,
    alpha: T,
    beta: T,
) {
    // SAFETY: every access is inside the caller's contract.
    unsafe {
        let mut acc = [[T::zero(); NV]; R];
        // Row-major: a pointer per row, read at `p`. By columns: column `p`
        // at `col`, its R rows side by side.
        let mut rows = [a; R];
        if !AT {
            for (i, r) in rows.iter_mut().enumerate() {
                *r = a.add(i * lda);
            }
        }
        let mut col = a;
        let mut brow = b.b;
        // The steps of `k`, twice: the last vector of B's rows loaded
        // whole or through the mask (a macro, not a closure: a closure
        // would not inherit the target feature).
        macro_rules! steps {
            ($masked:expr) => {
                for p in 0..k {
                    let mut bv = [T::zero(); NV];
                    for (v, bv) in bv.iter_mut().enumerate() {
                        *bv = if v + 1 < NV || !$masked {
                            T::load(brow.add(v * T::LANES))
                        } else {
                            T::maskload(brow.add(v * T::LANES), b.last)
                        };
                    }
                    brow = brow.wrapping_add(b.ldb);
                    for (r, (acc_r, row)) in acc.iter_mut().zip(&rows).enumerate() {
                        let ar = T::splat(if AT { *col.add(r) } else { *row.add(p) });
                        for (x, &bv) in acc_r.iter_mut().zip(&bv) {
                            *x = T::fmadd(ar, bv, *x);
                        }
                    }
                    if AT {
                        col = col.wrapping_add(lda);
                        prefetch_column::<T, R>(col, lda);
                    }
                }
            };
        }
        if b.whole {
            steps!(false)
        } else {
            steps!(true)
        }
        store::<T, R, NV>(&acc, c, ldc, cols, alpha, beta);
    }
}

/// From this depth on, [`skinny_rows`] runs tiles two vectors wide as 8
/// rows in a function of their own. Against inlined 6-row tiles, one
/// thread on a Xeon with AVX-512 (the other core busy), medians of three
/// alternating runs: f32 64³ +3.8 %, 100³ +4.4 %, 128³ +2.3 %, f64 64³
/// +4.0 %, 100³ +3.4 %, 128³ +3.2 %, f64 128×1024·1024×10 +4.8 %. At the
/// spiral's depths (2 and 10) the call per tile cost 1–4 %, so shallower
/// products keep the inlined tiles.
pub(super) const SEPARATE_TILE_DEPTH: usize = 32;

/// [`skinny_body`] compiled on its own (each instance optimized alone).
///
/// # Safety
/// As for [`skinny_body`].
#[target_feature(enable = "avx512f")]
#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn skinny_one<T: Zmm, const R: usize, const NV: usize, const AT: bool>(
    k: usize,
    a: *const T,
    lda: usize,
    b: BRows<T>,
    cols: usize,
    c: *mut T,
    ldc: usize,
    alpha: T,
    beta: T,
) {
    // SAFETY: forwarded contract.
    unsafe { skinny_body::<T, R, NV, AT>(k, a, lda, b, cols, c, ldc, alpha, beta) }
}

/// Rows `0..m` of a skinny product in tiles of `12 / NV` rows (12
/// accumulators, enough chains to cover the FMA latency), or of 8 rows
/// when `k ≥` [`SEPARATE_TILE_DEPTH`] and the tiles are two vectors wide,
/// or one vector wide over rows of A that collide in L1
/// ([`a_rows_collide_in_l1`]); the last tile smaller. AVX-512F enabled.
///
/// # Safety
/// As for [`skinny_body`], for all `m` rows.
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
unsafe fn skinny_rows<T: Zmm, const NV: usize, const AT: bool>(
    m: usize,
    k: usize,
    a: *const T,
    lda: usize,
    b: BRows<T>,
    cols: usize,
    c: *mut T,
    ldc: usize,
    alpha: T,
    beta: T,
) {
    let mut i = 0;
    // SAFETY: tile rows i..i+R ≤ m, inside the caller's contract.
    unsafe {
        // Two vectors wide and deep enough that a call per tile costs
        // nothing: 8-row tiles, each compiled on its own (16 accumulators;
        // with 12 rows, 24, LLVM spilled them). Else tiles of 12
        // accumulators inlined, as tiny products (the spiral's) want.
        let wide_deep = NV == 2 && k >= SEPARATE_TILE_DEPTH;
        // One vector wide, deep, and A's rows colliding in L1: 8-row tiles.
        let narrow_colliding =
            NV == 1 && !AT && k >= SEPARATE_TILE_DEPTH && a_rows_collide_in_l1(lda * T::BYTES);
        let tile_rows = if wide_deep || narrow_colliding {
            8
        } else {
            12 / NV
        };
        while i + tile_rows <= m {
            let (a, c) = (a_row::<T, AT>(a, lda, i), c.add(i * ldc));
            if wide_deep || narrow_colliding {
                skinny_one::<T, 8, NV, AT>(k, a, lda, b, cols, c, ldc, alpha, beta);
            } else if NV == 1 {
                skinny_body::<T, 12, NV, AT>(k, a, lda, b, cols, c, ldc, alpha, beta);
            } else {
                skinny_body::<T, 6, NV, AT>(k, a, lda, b, cols, c, ldc, alpha, beta);
            }
            i += tile_rows;
        }
        let (a, c) = (a_row::<T, AT>(a, lda, i), c.wrapping_add(i * ldc));
        macro_rules! rest {
            ($($r:literal)*) => {
                match m - i {
                    0 => {}
                    $($r => skinny_body::<T, $r, NV, AT>(k, a, lda, b, cols, c, ldc, alpha, beta),)*
                    r => unreachable!("{r} rows left"),
                }
            };
        }
        rest!(1 2 3 4 5 6 7 8 9 10 11);
    }
}

/// f64 products up to this many multiply-adds with op(A) and op(B)
/// row-major also take [`skinny`]'s in-place path, C in blocks two vectors
/// wide; f32 products up to twice as many. Measured against packing, one
/// thread: on Zen 5 (peer-bench) f64 64³ 84 → 102 GFLOP/s, 128³ 98 → 108,
/// f32 64³ 164 → 224, 96³ → 242, but f32 128³ 194 → 183 — B's rows then
/// collided in L1, which they no longer do ([`rows_collide_in_l1`]). On a
/// Xeon with AVX-512, in one process alternating with packing, f32 gained
/// 5–16 % at 112³–128³ and 3–24 % between 128³ and twice that (160³,
/// 200×150·130, 1024×64·64, 64×64·1024, 128×784·40, …); beyond, it lost
/// (200³ −16 %, 512×512·64 −3 %), and f64 gained nothing past 128³ but
/// where its rows collide.
const IN_PLACE_MNK_F64: usize = 128 * 128 * 128;

/// What [`IN_PLACE_MNK_F64`] is (f64 multiply-adds; f32 twice as many)
/// on a CPU that runs 512-bit FMAs as two halves (Zen 4,
/// [`Avx512::halves_512_bit_fmas`]), where the in-place tiles beat the
/// loop nest (on the AVX2 tiles there) further: one thread pinned,
/// two alternating runs, GFLOP/s, packed against in place: f32 200³
/// 105.7–105.8 against 109.9–111.0, 256³ 107.1–107.5 against 109.1–109.2,
/// 300³ 108.2 against 110.6, 256×256ᵀ·256×256 101.3–101.6 against
/// 108.8–109.0, 1024×64·64×256 80.2 against 95.7–108.7, 100×200·200×1000
/// 91–105 against 108–110; f64 200³ 54.0 against 55.9, 256³ 51.9–53.2
/// against 53.5–53.9, 1024×64·64×256 51.5–51.7 against 52.1–52.8. Beyond,
/// it loses: f32 128×784·784×1024 103 against 95. (These used a temporary
/// switch of the limit, not committed; `gemm_time --full-width-avx512`
/// compares with the 512-bit loop nest instead: f32 256³ 97.5–101.9
/// against 104.7–107.9 in place, 1024×64·64×256 91.1–93.8 against
/// 106.7–107.4, f64 200³ 53.2–53.4 against 55.4.)
pub(super) const IN_PLACE_MNK_F64_HALVES: usize = 8 * IN_PLACE_MNK_F64;

/// [`IN_PLACE_MNK_F64_HALVES`] for an op(B) the in-place tiles read where
/// it lies (row-major, rows not a whole number of 4 KiB pages apart:
/// [`copies_b`]). Zen 4, one thread pinned, three alternating runs,
/// GFLOP/s, loop nest against in place (working-tree builds with the limit
/// at 16·128³ for every B, then with this rule, against `76dcd09`): f32
/// 384³ 107.7–109.6 against 113.0–113.7, 256×512·512×512 106.0–106.7
/// against 109.4–111.3, 1024×256·256×256 109.5–110.3 against 110.6–112.7,
/// 128×768·768×512 103.2 against 109.4–112.8; f64 300³ 53.8–54.1 against
/// 55.6–55.9, 320³ 52.0–53.7 against 56.1–56.3, 512×256·256×256 53.8–54.0
/// against 55.5–55.9. Copied, the wider limit lost: f64 128×256·256×1024
/// 53.9–54.2 against 51.9–52.0, 128×512·512×512 53.0–53.2 against
/// 51.1–51.4, f32 256×256·256×1024 107.6–108.1 against 104.8–106.9. Two
/// threads (each part a product of its own): f32 512³ 218.9–219.3 against
/// 219.8–221.6, f64 384³ 108.9–109.6 against 110.8–112.5. Past it, in
/// place lost (f32 512³ 101.4–110.2 against 96.0–108.7 with 64·128³;
/// 2026-12-06, one thread pinned, three alternating runs, limit 64·128³
/// by a temporary switch: f64 384³ 52.1–52.6 against 44.8–46.6, 512³
/// 44.4–52.3 against 47.4–50.7, its B copied as its rows are 4 KiB apart).
pub(super) const IN_PLACE_MNK_F64_HALVES_UNCOPIED: usize = 16 * IN_PLACE_MNK_F64;

/// Whether [`skinny`] takes this product: op(A) row-major or stored by
/// columns (a transposed A, as in the weight gradient `xᵀ·dout`), and C at
/// most two vectors wide, or op(B) row-major and the product small (see
/// [`IN_PLACE_MNK_F64`], [`IN_PLACE_MNK_F64_HALVES`]). With a transposed
/// A, against the loop nests (one thread, three alternating runs,
/// `gemm_time --ta`): f32
/// 1024×128ᵀ·128×10 0.68× the time, f64 0.58×; f32 64³ 0.72×, 100³
/// 0.77×, 128³ 0.89×, 200×150ᵀ·150×130 0.95×; f64 64³ 0.79×, 96³ 0.86×,
/// 128³ 0.92×.
pub(super) fn takes_skinny<T: Scalar>(proof: Avx512, p: &Problem<'_, '_, T>) -> bool {
    let mnk = p.m.saturating_mul(p.n).saturating_mul(p.k);
    let skinny = p.n * T::BYTES <= 128;
    let small = if !proof.halves_512_bit_fmas() {
        IN_PLACE_MNK_F64
    } else if p.b.cs == 1 && !copies_b(proof, p.b.rs * T::BYTES, depth_block(p.k, false)) {
        IN_PLACE_MNK_F64_HALVES_UNCOPIED
    } else {
        IN_PLACE_MNK_F64_HALVES
    };
    takes_a_in_place(p) && (skinny || (p.b.cs == 1 && mnk.saturating_mul(T::BYTES) <= small * 8))
}

/// A product [`takes_skinny`] takes, on one thread: per KC block (the AVX2
/// kernel's blocks, so the same sums and bits) and per block of C two
/// vectors wide, all rows of C in register tiles with op(A) read in place.
/// op(B) is read in place when row-major ([`in_place`]), else its block is
/// copied into rows zero-padded to one or two vectors.
pub(super) fn skinny<T: Zmm + Narrow>(
    proof: Avx512,
    p: &mut Problem<'_, '_, T>,
    bufs: &mut PackBuffers<T>,
) {
    assert!(takes_skinny(proof, p));
    let kc_max = depth_block(p.k, false);
    if p.b.cs == 1 && !copies_b(proof, p.b.rs * T::BYTES, kc_max) {
        return in_place(proof, p, false);
    }
    let src = p.b;
    let scratch = bufs.b_scratch(kc_max * 2 * T::LANES);
    let copy = |pc: usize, kc: usize, jc: usize, cols: usize, width: usize| {
        for (q, row) in scratch.chunks_exact_mut(width).take(kc).enumerate() {
            if src.cs == 1 {
                let start = (pc + q) * src.rs + jc;
                row[..cols].copy_from_slice(&src.data[start..start + cols]);
                row[cols..].fill(T::ZERO);
                continue;
            }
            for (j, x) in row.iter_mut().enumerate() {
                *x = if j < cols {
                    src.at(pc + q, jc + j)
                } else {
                    T::ZERO
                };
            }
        }
        BRows {
            b: scratch.as_ptr(),
            ldb: width,
            last: T::mask(T::LANES),
            whole: true,
        }
    };
    // SAFETY: `copy` returns the kc rows of `width ≥ cols` it just wrote
    // into the scratch (room for KC rows of two vectors), which nothing
    // else borrows until the next block.
    unsafe { for_blocks(proof, p, kc_max, copy) }
}

/// The depth of [`for_blocks`]'s blocks: the AVX2 kernel's, so both give
/// the same sums. That kernel runs the products it takes directly in one
/// pass over `k` (`one_pass`: one FMA chain per element, whatever the
/// depth; see [`small`](super::small) and [`blocked`](super::blocked)), the rest in balanced blocks of
/// at most KC.
pub(super) fn depth_block(k: usize, one_pass: bool) -> usize {
    if one_pass {
        k
    } else {
        balanced_block(k, KC, 1)
    }
}

/// Whether `rows` rows of a block two vectors wide (two 64-byte lines),
/// `stride` bytes apart, collide in a 48 KiB 12-way L1d (64 sets), the
/// size of Zen 5's and of recent Intel cores'. Rows `stride` apart reach
/// only `64 / gcd(stride / 64, 64)` sets: 4 at a 1 KiB stride (f64 128³),
/// where 128 rows need 256 lines in 8 sets of 12 ways. Leaving a third of
/// the ways to A and C, more than 8 lines per set collide, and reading B
/// in place then runs from L2. Copying each block of B (kc rows two vectors
/// wide, into the skinny path's scratch) costs little: on a 2-core Xeon VM
/// with AVX-512, one thread, the two alternating in one process, f64 128³
/// went from 55–57 to 73 GFLOP/s, 65×256·100 (2 KiB rows) 56 → 70,
/// 100×512·40 (4 KiB) 50 → 68, and 128×128·40, just past the limit, 70 →
/// 71.
fn rows_collide_in_l1(stride: usize, rows: usize) -> bool {
    const WAYS_FOR_B: usize = 8;
    match sets_reached(stride) {
        Some(sets) => 2 * rows > 2 * sets.min(L1_SETS / 2) * WAYS_FOR_B,
        None => false,
    }
}

/// Whether [`skinny`] copies op(B)'s row-major blocks (rows `stride`
/// bytes apart, `rows` of them) instead of reading them in place: where
/// its rows collide in L1 ([`rows_collide_in_l1`]), but on Zen 4
/// ([`Avx512::halves_512_bit_fmas`]) only where every row falls in the
/// same L1 set (the stride a multiple of 4 KiB: each row on a page of its
/// own). There, reading the colliding rows from L2 ran faster than the
/// copy at 2 KiB and less (one thread, pinned, three alternating runs,
/// GFLOP/s, copy against in place): f64 128³ 54.5–54.9 against
/// 56.4–56.6, 256³ 55.2–55.3 against 56.1–56.3, 100×100·100×256
/// 51.8–53.3 against 54.6–55.0; f32 128³ 110.3–111.1 against
/// 113.7–114.4, 128×1024·1024×32 108.0–111.0 against 113.2–115.0,
/// 200×300·300×512 108.5–110.8 against 111.0–113.8, 100×200·200×512
/// 103.3–106.1 against 109.6–111.5. At 4 KiB the copy won: f64
/// 100×40·40×512 48.1–50.7 against 38.5–39.5, 128×128·128×512
/// 51.7–52.9 against 49.4–49.8; f32 128×128·128×1024 104.9–105.7
/// against 99.8–102.7. (Measured with a temporary switch between the two,
/// not committed; `gemm_time` on these shapes at `95bd58a` and after
/// shows the old rule against this one.)
pub(super) fn copies_b(proof: Avx512, stride: usize, rows: usize) -> bool {
    if proof.halves_512_bit_fmas() {
        sets_reached(stride) == Some(1)
    } else {
        rows_collide_in_l1(stride, rows)
    }
}

/// The sets of a 64-set L1d (Zen 4's 32 KiB of 8 ways, Zen 5's and recent
/// Intel cores' 48 KiB of 12) that lines `stride` bytes apart fall in:
/// `64 / gcd(stride / 64, 64)`. `None` when the stride is not a whole
/// number of lines (the rows then spread over the sets).
fn sets_reached(stride: usize) -> Option<usize> {
    let lines = stride / 64;
    if stride % 64 != 0 || lines == 0 {
        return None;
    }
    let (mut g, mut b) = (lines, L1_SETS);
    while b != 0 {
        (g, b) = (b, g % b);
    }
    Some(L1_SETS / g)
}

/// Sets in the L1d of every AVX-512 core this kernel was measured on.
const L1_SETS: usize = 64;

/// Whether the 12 rows of a one-vector-wide [`skinny_rows`] tile, rows of
/// a row-major op(A) `stride` bytes apart, would put more than six of the
/// lines they are reading into one L1 set. At a stride that is a multiple
/// of 4 KiB (f32 A with 1024 or 2048 columns: an output layer's input)
/// all twelve fall in one set of 8 ways on Zen 4 and evict each other
/// before their 64 bytes are used: f32 128×1024·1024×10 ran at 52
/// GFLOP/s in 12-row tiles and 68.6–68.9 in 8-row ones, 128×1024·1024×16
/// 82.7 → 106, 128×2048·2048×10 47–50 → 68, f64 128×1024·1024×8 43 → 52–53
/// (one thread on a 2-core Zen 4 EPYC, pinned, two to three alternating
/// runs of the same binary). At a 2 KiB stride (six rows a set) and
/// others, the two heights ran within ±2 % of each other, so the wider
/// tiles, whose 12 FMA chains keep a core with two 512-bit FMA pipes busy,
/// stay there.
fn a_rows_collide_in_l1(stride: usize) -> bool {
    sets_reached(stride).is_some_and(|sets| 12usize.div_ceil(sets) > 6)
}

/// Whether [`in_place`] can take this product: op(A) and op(B) row-major.
/// (It also takes op(A) stored by columns, see [`takes_a_in_place`], but
/// only [`skinny`] sends those.)
pub(super) fn takes_in_place<T: Scalar>(p: &Problem<'_, '_, T>) -> bool {
    p.a.cs == 1 && p.b.cs == 1
}

/// Whether the in-place tiles read this op(A): row-major, or stored by
/// columns (a transposed row-major A: `(i, p)` at `i + p*cs`).
pub(super) fn takes_a_in_place<T: Scalar>(p: &Problem<'_, '_, T>) -> bool {
    p.a.cs == 1 || p.a.rs == 1
}

/// `C = alpha·op(A)·op(B) + beta·C` with both operands read in place
/// (op(B) row-major, op(A) row-major or by columns: [`takes_in_place`],
/// [`takes_a_in_place`]), on one thread, in the depth blocks (KC, or all of
/// `k` when `one_pass`, see [`depth_block`]) and C blocks of [`skinny`]:
/// no packing, no buffers. Also the path for tiny products: same sums,
/// same bits as the AVX2 direct path.
pub(super) fn in_place<T: Zmm + Narrow>(proof: Avx512, p: &mut Problem<'_, '_, T>, one_pass: bool) {
    assert!(p.b.cs == 1 && takes_a_in_place(p));
    let src = p.b;
    let rows = |pc: usize, kc: usize, jc: usize, cols: usize, width: usize| {
        let b = src.offset(pc, jc);
        assert!((kc - 1) * b.rs + cols <= b.data.len());
        BRows {
            b: b.data.as_ptr(),
            ldb: b.rs,
            last: T::mask(cols - (width - T::LANES)),
            whole: cols == width,
        }
    };
    // SAFETY: `rows` returns op(B)'s rows p < kc at `p*rs` from (pc, jc),
    // whose lanes j < cols (full vectors below `width − LANES`, the mask
    // after, or with `whole` a full vector: `cols == width`) lie inside
    // `b.data` (asserted); B is a shared borrow, so it does not alias C.
    unsafe { for_blocks(proof, p, depth_block(p.k, one_pass), rows) }
}

/// The loops of [`skinny`] and [`in_place`]: per depth block `pc..pc + kc`
/// (`kc ≤ kc_max`, the AVX2 kernel's blocks) and per block `jc..jc + cols` of C two
/// vectors wide (`width` = `cols` rounded up to whole vectors), the block
/// of op(B) where `b_block(pc, kc, jc, cols, width)` says it is, then all
/// rows of C ([`rows_in_place`]).
///
/// # Safety
/// Each [`BRows`] that `b_block` returns must be readable as
/// [`skinny_body`] requires for `kc` rows and `cols` columns, hold op(B)'s
/// block, and not alias C.
unsafe fn for_blocks<T: Zmm + Narrow>(
    proof: Avx512,
    p: &mut Problem<'_, '_, T>,
    kc_max: usize,
    mut b_block: impl FnMut(usize, usize, usize, usize, usize) -> BRows<T>,
) {
    let (m, n, k) = (p.m, p.n, p.k);
    if m == 0 || n == 0 {
        return;
    }
    let block = 2 * T::LANES;
    // `while`, not `step_by`: a runtime step costs a division per loop, a
    // tenth of a tiny product's time.
    let mut pc = 0;
    while pc < k {
        let kc = kc_max.min(k - pc);
        let beta = if pc == 0 { p.beta } else { T::ONE };
        let mut jc = 0;
        while jc < n {
            let cols = block.min(n - jc);
            let width = cols.div_ceil(T::LANES) * T::LANES;
            let b = b_block(pc, kc, jc, cols, width);
            // SAFETY: `proof` shows AVX-512F; `b` as the caller promises.
            unsafe { rows_in_place(proof, p, pc, kc, jc, cols, b, beta) }
            jc += cols;
        }
        pc += kc;
    }
}

/// Columns `jc..jc + cols` (`cols ≤ 2·LANES`) of C, all rows, over the
/// depth block `pc..pc + kc`: register tiles with op(A) read in place.
///
/// # Safety
/// `b` readable as [`skinny_body`] requires for `kc` rows and `cols`
/// columns, and not aliasing C.
#[allow(clippy::too_many_arguments)]
unsafe fn rows_in_place<T: Zmm + Narrow>(
    proof: Avx512,
    p: &mut Problem<'_, '_, T>,
    pc: usize,
    kc: usize,
    jc: usize,
    cols: usize,
    b: BRows<T>,
    beta: T,
) {
    let m = p.m;
    assert!(takes_a_in_place(p) && kc > 0 && jc + cols <= p.n);
    let a = p.a.offset(0, pc);
    // Row-major op(A) (`(i, p)` at `i*rs + p`), or stored by columns (at
    // `i + p*cs`, see [`a_row`]): the last element either way.
    let by_columns = a.cs != 1;
    let (lda, last) = if by_columns {
        (a.cs, (m - 1) + (kc - 1) * a.cs)
    } else {
        (a.rs, (m - 1) * a.rs + kc - 1)
    };
    assert!(last < a.data.len());
    let c = p.c.as_mut_ptr().wrapping_add(jc);
    let (ldc, alpha) = (p.c.ldc(), p.alpha);
    let a = a.data.as_ptr();
    // Zen 4 only: on CPUs with whole 512-bit FMAs a 256-bit one costs the
    // same, and the mixed tiles were not measured there.
    let mixed = proof.halves_512_bit_fmas();
    // SAFETY: `proof` shows AVX-512F and VL, AVX2 and FMA (the narrow
    // and mixed tiles use all four). A: (i, p) for i < m, p < kc at `i*lda + p`, or
    // by columns at `p*lda + i`, inside `a.data` (the last one asserted);
    // B: the caller's contract. C: the view grants exclusive access to
    // m x n at `ptr + i*ldc + j`; this block is columns jc..jc + cols ≤ n
    // (asserted), not aliased by A or B.
    unsafe {
        if by_columns {
            tiles::<T, true>(m, kc, a, lda, b, cols, c, ldc, alpha, beta, mixed)
        } else {
            tiles::<T, false>(m, kc, a, lda, b, cols, c, ldc, alpha, beta, mixed)
        }
    }
}

/// [`rows_in_place`]'s tiles for op(A) row-major or (`AT`) stored by
/// columns: narrow ones for C at most one narrow vector wide, else one or
/// two 512-bit vectors, or with `mixed` (Zen 4) one 512-bit vector and a
/// 256-bit one when that covers C ([`narrow::mixed_rows`]: f64 C ten
/// columns wide, one thread pinned, 128×1024·1024×10 32.4–33.5 → 35.8–39.5
/// GFLOP/s in four alternating runs of one build with the mixed tiles on
/// and off by a temporary switch, not committed).
///
/// # Safety
/// As for [`skinny_body`] for all `m` rows; AVX-512F and VL, AVX2 and FMA
/// available.
#[allow(clippy::too_many_arguments)]
unsafe fn tiles<T: Zmm + Narrow, const AT: bool>(
    m: usize,
    kc: usize,
    a: *const T,
    lda: usize,
    b: BRows<T>,
    cols: usize,
    c: *mut T,
    ldc: usize,
    alpha: T,
    beta: T,
    mixed: bool,
) {
    let narrow = NarrowB {
        b: b.b,
        ldb: b.ldb,
        cols,
    };
    // SAFETY: forwarded contract; each branch's width fits `cols`.
    unsafe {
        if cols <= 4 {
            narrow::rows::<T::Four, AT>(m, kc, a, lda, narrow, c, ldc, alpha, beta)
        } else if cols <= <T::Half as NarrowVec>::LANES {
            narrow::rows::<T::Half, AT>(m, kc, a, lda, narrow, c, ldc, alpha, beta)
        } else if cols <= T::LANES {
            skinny_rows::<T, 1, AT>(m, kc, a, lda, b, cols, c, ldc, alpha, beta)
        } else if mixed && cols - T::LANES <= <T::Half as NarrowVec>::LANES {
            narrow::mixed_rows::<T, AT>(m, kc, a, lda, narrow, c, ldc, alpha, beta)
        } else {
            skinny_rows::<T, 2, AT>(m, kc, a, lda, b, cols, c, ldc, alpha, beta)
        }
    }
}
