//! The Goto/BLIS loop nest: five loops around the microkernel.
//!
//! ```text
//! loop 5  for jc in 0..n step NC      columns of B and C   (B̃ block fits L3)
//! loop 4    for pc in 0..k step KC    depth                pack B̃ = B[pc.., jc..]
//! loop 3      for ic in 0..m step MC  rows of A and C      pack Ã = A[ic.., pc..] (fits L2)
//! loop 2        for jr in 0..nc step NR   one B̃ micro-panel (stays in L1)
//! loop 1          for ir in 0..mc step MR one Ã micro-panel
//!                   microkernel: C[ic+ir.., jc+jr..] (MR x NR) += Ã_ir · B̃_jr
//! ```
//! `beta` is applied by the first depth block only; later blocks add to C.
//!
//! Variations, all with the same arithmetic per element (one in-order FMA
//! chain per KC block), so the choice never changes a bit of the result:
//! - loop 1 runs the whole `MR`-row panels of a column in one kernel call
//!   (`run_sweep`), the ragged ones tile by tile;
//! - with the AVX2 kernel's 6-row tiles, a remainder of 1 or 2 rows is
//!   re-cut with the panel before it into 4 + 3 or 4 + 4 rows
//!   ([`split_tail`]);
//! - one block of rows (m ≤ MC) with a transposed B, or with any B when
//!   the kernel prefetches: loop 4 packs no B̃ block; loop 2 packs each
//!   micro-panel just before its sweep, and the sweep before it prefetched
//!   its source (`ahead.rs`);
//! - skinny C (at most two micro-panels wide): A is read in place; with
//!   row-major A, loops 2 and 1 become one kernel call per KC block on
//!   tiles up to 4 vectors wide (`run_skinny`);
//! - C of any width when op(A)'s KC-deep block is at most 128 KiB and it is
//!   one block of rows or one thread runs the product: A is read in place
//!   too, the whole panels of a column in one `run_sweep_in_place` call
//!   ([`reads_a_in_place`]);
//! - at most four rows of C, wider than two micro-panels, times a large
//!   row-major B: no tiles; B is read row after row into sums kept in L1
//!   (`stream.rs`, through the kernel's `stream`), in the same KC blocks.
//! - a large product on several threads (`threads.rs`): the same nest cut
//!   into tasks that the threads of a team claim (`gemm_team`): per
//!   (jc, pc) step some micro-panels of a B̃ block they share, and loops
//!   3 to 1 for one block of rows ([`rows_block`], as above).

use super::ahead::Ahead;
use super::kernel::{ASrc, MicroKernel};
use super::pack::pack_a;
#[cfg(feature = "simd")]
use super::threads::{FailOnPanic, Plan, Role, Task, Team, MAX_ROW_BLOCKS};
use super::view::CView;
use crate::Scalar;

/// A strided operand `op(X)`: element `(i, j)` is `data[i*rs + j*cs]`.
#[derive(Clone, Copy)]
pub struct Operand<'a, T> {
    pub data: &'a [T],
    pub rs: usize,
    pub cs: usize,
}

impl<'a, T: Copy> Operand<'a, T> {
    #[inline(always)]
    pub fn at(&self, i: usize, j: usize) -> T {
        self.data[i * self.rs + j * self.cs]
    }
    /// The operand starting at row `i0`, column `j0` of op(X).
    pub fn offset(&self, i0: usize, j0: usize) -> Operand<'a, T> {
        let start = (i0 * self.rs + j0 * self.cs).min(self.data.len());
        Operand {
            data: &self.data[start..],
            rs: self.rs,
            cs: self.cs,
        }
    }
}

/// A validated product `C = alpha·A·B + beta·C` with `A: m x k`, `B: k x n`.
pub struct Problem<'a, 'c, T> {
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub alpha: T,
    pub a: Operand<'a, T>,
    pub b: Operand<'a, T>,
    pub beta: T,
    pub c: CView<'c, T>,
}

/// Packing buffers, kept per thread and reused across calls so a product
/// allocates only when it needs more room than any before it.
pub struct PackBuffers<T> {
    a: Vec<T>,
    b: Vec<T>,
}

/// Packed panels start on a 64-byte boundary (a cache line; also what 256-bit
/// aligned loads need).
const PACK_ALIGN_BYTES: usize = 64;

/// Grows `buf` so that [`aligned`] can hand out `len` elements.
fn reserve_aligned<T: Scalar>(buf: &mut Vec<T>, len: usize) {
    let pad = PACK_ALIGN_BYTES / T::BYTES;
    if buf.len() < len + pad {
        buf.resize(len + pad, T::ZERO);
    }
}

fn aligned<T: Scalar>(buf: &mut Vec<T>, len: usize) -> &mut [T] {
    let pad = PACK_ALIGN_BYTES / T::BYTES;
    if buf.len() < len + pad {
        buf.resize(len + pad, T::ZERO);
    }
    let misalign = (buf.as_ptr() as usize % PACK_ALIGN_BYTES) / T::BYTES;
    let off = (pad - misalign) % pad;
    &mut buf[off..off + len]
}

impl<T: Scalar> PackBuffers<T> {
    pub const fn new() -> Self {
        PackBuffers {
            a: Vec::new(),
            b: Vec::new(),
        }
    }

    /// `len` elements of the B̃ buffer, 64-byte aligned (grown if needed),
    /// for a kernel's own scratch (the AVX-512 skinny path).
    #[cfg_attr(
        not(all(target_arch = "x86_64", feature = "simd", groundup_avx512)),
        allow(dead_code)
    )]
    pub fn b_scratch(&mut self, len: usize) -> &mut [T] {
        aligned(&mut self.b, len)
    }
}

/// Splits `len` into `ceil(len / max)` nearly equal blocks that are multiples
/// of `unit` (except possibly the last), and returns the block size.
pub fn balanced_block(len: usize, max: usize, unit: usize) -> usize {
    if len <= max {
        return len;
    }
    let blocks = len.div_ceil(max);
    len.div_ceil(blocks).div_ceil(unit) * unit
}

/// Whether loop 1 reads op(A) in place instead of packing it: for kernels
/// that can, when C is at most this many micro-panels wide (each Ã block
/// would be used at most that many times, so packing it costs about as much
/// as the arithmetic that reads it) and op(A) is contiguous along rows or
/// columns. Skinny products such as the 128×1024·1024×10 logits layer are
/// then bound by one pass over A instead of a copy plus a pass.
const DIRECT_A_MAX_PANELS: usize = 2;

/// op(A) is also read in place, at any width of C, when its KC-deep block
/// (all its rows) is at most this many bytes, and either it is one block of
/// rows (at most MC) or this thread runs the whole product (`alone`; a
/// team splits products of several row blocks, each member packing its
/// own). Such an A stays close enough to L1 that its rows stream in as
/// fast as a packed copy would, so the copy is pure overhead. Measured on
/// Zen 3 (in-process A/B, one thread, against packing): f64 48³ +15 %,
/// 64³ +11 %, 96³ +8 %, 128³ +4 to +10 %, f32 144³ +8 %, 128³ +4 to +7 %
/// for reading in place; f64 192³ (288 KiB) level; f32 1024×128·128×1024
/// (512 KiB, in blocks of 72 KiB) packing 2–3 % ahead, and at
/// 128×784·784×1024 f32 (a KC-deep block of 192 KiB) 5 % ahead.
const A_IN_PLACE_BYTES: usize = 128 * 1024;

/// Whether kernel `K` reads op(A) in place for this product (see
/// [`DIRECT_A_MAX_PANELS`], [`A_IN_PLACE_BYTES`]) instead of packing it;
/// `alone`: this thread runs the whole product. Either way every element is
/// the same in-order FMA chain per KC block, so the bits do not depend on
/// the choice.
pub fn reads_a_in_place<K: MicroKernel<T>, T>(p: &Problem<'_, '_, T>, alone: bool) -> bool {
    let a_block_bytes = p.m * p.k.min(K::KC) * std::mem::size_of::<T>();
    let in_place = p.n <= DIRECT_A_MAX_PANELS * K::NR
        || ((p.m <= K::MC || alone) && a_block_bytes <= A_IN_PLACE_BYTES);
    K::DIRECT && in_place && (p.a.cs == 1 || p.a.rs == 1)
}

/// Rows per micro-panel of a re-split tail (see [`split_tail`]).
const TAIL_MR: usize = 4;

/// Splits `mc` rows into `full` micro-panels of `mr` rows and a `tail`
/// packed in panels of [`TAIL_MR`]. A last tile of only 1 or 2 rows keeps
/// too few accumulators in flight to cover the FMA latency (it runs at about
/// half speed), so when `split` allows it, such a remainder is merged with
/// the panel before it and re-cut as 4 + 3 or 4 + 4 rows. Only the tiling
/// changes: every element is still one in-order FMA chain per KC block.
fn split_tail(mc: usize, mr: usize, split: bool) -> (usize, usize) {
    let r = mc % mr;
    if split && mr == 6 && (r == 1 || r == 2) && mc > mr {
        (mc / mr - 1, mr + r)
    } else {
        (mc.div_ceil(mr), 0)
    }
}

/// Upper bounds of the Ã and B̃ buffers a product `m x n x k` needs.
fn pack_lens<K: MicroKernel<T>, T>(m: usize, n: usize, k: usize) -> (usize, usize) {
    let (mr, nr) = (K::MR, K::NR);
    let kc_max = balanced_block(k, K::KC, 1);
    let mc_max = balanced_block(m, K::MC, mr);
    let nc_max = balanced_block(n, K::NC, nr);
    // Ã: room for the tail's panels too (at most 8 rows in 2 panels of
    // TAIL_MR instead of 1 + 1 of MR). B̃: or the skinny path's scratch.
    let a_len = kc_max * (mc_max.div_ceil(mr) * mr + TAIL_MR);
    let b_len = kc_max * (nc_max.div_ceil(nr) * nr).max(2 * nr);
    (a_len, b_len)
}

/// How a call of the loop nest relates to the rest of its product.
#[derive(Clone, Copy)]
pub enum Share<'t, 's, T> {
    /// The whole product, on this thread.
    Alone,
    /// One part of a product split into parts; the shapes `(m, n)` of the
    /// others. The buffers are sized for all of them, so whichever parts a
    /// thread happens to claim, it allocates only on its first product of
    /// a kind.
    Part(&'t [(usize, usize)]),
    /// One member of a team of `.1` threads that runs the whole product
    /// together (`threads/team.rs`); C is the team's (`p.c` is empty).
    #[cfg(feature = "simd")]
    Team(&'t Team<'s, T>, usize),
    #[cfg(not(feature = "simd"))]
    #[doc(hidden)]
    _Never(std::convert::Infallible, std::marker::PhantomData<&'s T>),
}

impl<T> Share<'_, '_, T> {
    /// Whether this call is a whole product on one thread.
    pub fn alone(&self) -> bool {
        matches!(self, Share::Alone)
    }
}

/// The loop nest on one thread (or one member of a team, see [`Share`]).
pub fn gemm_blocked<T: Scalar, K: MicroKernel<T>>(
    kernel: K,
    p: &mut Problem<'_, '_, T>,
    bufs: &mut PackBuffers<T>,
    share: Share<'_, '_, T>,
) {
    const {
        assert!(
            K::KC >= super::ONE_PASS_DEPTH,
            "ONE_PASS_DEPTH promises one KC block"
        )
    };
    #[cfg(feature = "simd")]
    if let Share::Team(team, members) = share {
        // The threads' rule asked this nest before it formed the team
        // (`threads::team_product`), so this holds unless the two ever
        // disagree; then the product still comes out right, on one thread.
        let runs = team_runs::<T, K>(p);
        debug_assert!(runs, "a team formed for a product its loop nest runs alone");
        if runs {
            gemm_team(kernel, p, bufs, team, members);
        } else if let Some(c) = team.solo() {
            // Not a product for a team after all: the first member runs it
            // alone (on one thread, so the same bits).
            let mut whole = Problem { c, ..*p };
            gemm_blocked(kernel, &mut whole, bufs, Share::Alone);
        }
        return;
    }
    let also: &[(usize, usize)] = match share {
        Share::Part(also) => also,
        _ => &[],
    };
    let (mr, nr) = (K::MR, K::NR);
    let (m, n, k) = (p.m, p.n, p.k);
    let (a_need, b_need) = also
        .iter()
        .map(|&(pm, pn)| pack_lens::<K, T>(pm, pn, k))
        .fold(pack_lens::<K, T>(m, n, k), |(a, b), (pa, pb)| {
            (a.max(pa), b.max(pb))
        });
    reserve_aligned(&mut bufs.a, a_need);
    reserve_aligned(&mut bufs.b, b_need);
    let kc_max = balanced_block(k, K::KC, 1);
    if super::stream::takes_stream(p, 2 * nr) {
        // A few rows of C times a large row-major B: B read row after row
        // instead of in micro-panels. Same KC blocks, so the same sums.
        kernel.stream(p, kc_max);
        return;
    }
    let mc_max = balanced_block(m, K::MC, mr);
    let nc_max = balanced_block(n, K::NC, nr);
    let direct_a = reads_a_in_place::<K, T>(p, matches!(share, Share::Alone));
    if direct_a && p.a.cs == 1 && n <= DIRECT_A_MAX_PANELS * nr {
        // Skinny C, row-major A: A is not worth packing and B̃ is tiny. Same KC blocks
        // (and so the same sums) as the packed path.
        let PackBuffers { b: b_buf, .. } = bufs;
        let scratch = aligned(b_buf, kc_max * 2 * nr);
        for pc in (0..k).step_by(kc_max) {
            let kc = kc_max.min(k - pc);
            let beta = if pc == 0 { p.beta } else { T::ONE };
            let (a, b) = (p.a.offset(0, pc), p.b.offset(pc, 0));
            kernel.run_skinny(kc, p.alpha, a, b, beta, &mut p.c, scratch);
        }
        return;
    }
    let a_len = if direct_a {
        0
    } else {
        // Room for the tail's panels too (at most 8 rows in 2 panels of
        // TAIL_MR instead of 1 + 1 of MR).
        kc_max * (mc_max.div_ceil(mr) * mr + TAIL_MR)
    };
    // One block of rows (m ≤ MC) and a transposed B (op(B) = Xᵀ, X
    // row-major, as in dout·Wᵀ): each B̃ micro-panel is used by one sweep
    // only, so transpose it just before that sweep into a buffer that stays
    // in L1, instead of the whole KC x NC block into L3 and reading it back
    // (128×1024·(1024×1024)ᵀ f32, one thread: +3–7 %). A row-major B goes
    // the same way with a kernel that prefetches each next micro-panel's
    // source while it sweeps (AVX-512; 128×784·784×1024 f32, one thread:
    // +5–7 %, the copy no longer waits on L3). Without prefetching it stays
    // packed a block at a time: its rows stream in order then, and per
    // panel they did not run faster on one thread and ran 4–6 % slower on
    // two. Same tiles and KC blocks either way, so the same bits.
    let b_per_panel =
        !direct_a && m <= mc_max && ((p.b.rs == 1 && p.b.cs > 1) || (K::PREFETCHES && p.b.cs == 1));
    // (`pack_lens` reserves the whole block either way: an upper bound, and
    // the thread's other products need it.)
    let b_len = kc_max
        * if b_per_panel {
            nr
        } else {
            nc_max.div_ceil(nr) * nr
        };
    let PackBuffers { a: a_buf, b: b_buf } = bufs;
    let b_pack = aligned(b_buf, b_len);
    let a_pack = aligned(a_buf, a_len);

    // With B̃ packed a panel at a time, what loop 2 packs after micro-panel
    // `jr` of the block at (pc, jc): panel `jr + 1`, or after the last one
    // the first panel of the next block (the next depth block, else the
    // next column block). The sweep over panel `jr` prefetches it (see
    // `ahead.rs`).
    let b_op = p.b;
    let next_b = |pc: usize, kc: usize, jc: usize, nc: usize, jr: usize| -> Ahead<T> {
        let (pc, kc, j0) = if (jr + 1) * nr < nc {
            (pc, kc, jc + (jr + 1) * nr)
        } else if pc + kc < k {
            (pc + kc, kc_max.min(k - pc - kc), jc)
        } else if jc + nc < n {
            (0, kc_max.min(k), jc + nc)
        } else {
            return Ahead::NONE;
        };
        Ahead::block(b_op.offset(pc, j0), kc, nr.min(n - j0))
    };

    // Loop 5: NC columns of B and C at a time.
    for jc in (0..n).step_by(nc_max) {
        let nc = nc_max.min(n - jc);
        // Loop 4: KC-deep slices of A and B; pack B̃ once per slice.
        for pc in (0..k).step_by(kc_max) {
            let kc = kc_max.min(k - pc);
            let beta = if pc == 0 { p.beta } else { T::ONE };
            let b_panels = nc.div_ceil(nr);
            if !b_per_panel {
                kernel.pack_b(
                    kc,
                    nc,
                    p.b.offset(pc, jc),
                    &mut b_pack[..b_panels * nr * kc],
                );
            }
            // Loop 3: MC rows of A and C at a time.
            for ic in (0..m).step_by(mc_max) {
                let mc = mc_max.min(m - ic);
                let b_src = if b_per_panel {
                    BPanels::EachPanel {
                        buf: &mut b_pack[..nr * kc],
                        b: p.b.offset(pc, jc),
                        ahead: &|jr| next_b(pc, kc, jc, nc, jr),
                    }
                } else {
                    BPanels::Block(&b_pack[..b_panels * nr * kc])
                };
                let mut c = p.c.sub(ic, jc, mc, nc);
                let a = p.a.offset(ic, pc);
                rows_block(
                    kernel,
                    (p.alpha, beta),
                    a,
                    kc,
                    direct_a,
                    b_src,
                    a_pack,
                    &mut c,
                );
            }
        }
    }
}

/// Where loop 2 finds its B̃ micro-panels.
enum BPanels<'x, T> {
    /// The whole packed KC×NC block: panel `jr` at `jr·NR·kc`.
    Block(&'x [T]),
    /// Packed one at a time into `buf` (KC×NR) from the block of op(B) at
    /// `b`, each just before its sweep, which prefetches the source of the
    /// next one, `ahead(jr)`.
    EachPanel {
        buf: &'x mut [T],
        b: Operand<'x, T>,
        ahead: &'x dyn Fn(usize) -> Ahead<T>,
    },
}

/// Loop 3's body, loops 2 and 1: the block `c` of C (`mc` rows, `nc`
/// columns) times one depth block, `kc` deep: `a` is op(A) at the block's
/// first row and depth, packed into `a_pack` unless `direct_a` (read in
/// place); B̃ from `b`.
#[allow(clippy::too_many_arguments)]
fn rows_block<T: Scalar, K: MicroKernel<T>>(
    kernel: K,
    (alpha, beta): (T, T),
    a: Operand<'_, T>,
    kc: usize,
    direct_a: bool,
    mut b: BPanels<'_, T>,
    a_pack: &mut [T],
    c: &mut CView<'_, T>,
) {
    let (mr, nr) = (K::MR, K::NR);
    let (mc, nc) = (c.rows(), c.cols());
    let (full, tail) = split_tail(mc, mr, K::DIRECT);
    let a_len = full * mr * kc + tail.div_ceil(TAIL_MR) * TAIL_MR * kc;
    let a_tilde = &mut a_pack[..if direct_a { 0 } else { a_len }];
    if !direct_a {
        let (head, rest) = a_tilde.split_at_mut(full * mr * kc);
        kernel.pack_a(mc - tail, kc, a, head);
        if tail > 0 {
            pack_a(TAIL_MR, tail, kc, a.offset(full * mr, 0), rest);
        }
    }
    let a_tilde = &*a_tilde;
    // The micro-panels of Ã (or of op(A) in place): `full` of MR rows, then
    // the tail in panels of at most TAIL_MR rows.
    let panels = full + tail.div_ceil(TAIL_MR);
    let panel = |ir: usize| -> (usize, usize, ASrc<'_, T>) {
        if direct_a {
            let i0 = if ir < full {
                ir * mr
            } else {
                full * mr + (ir - full) * TAIL_MR
            };
            let rows = if ir < full { mr } else { TAIL_MR };
            (i0, rows.min(mc - i0), ASrc::Strided(a.offset(i0, 0)))
        } else if ir < full {
            let a = &a_tilde[ir * mr * kc..(ir + 1) * mr * kc];
            (ir * mr, mr.min(mc - ir * mr), ASrc::Packed(a))
        } else {
            let t = ir - full;
            let off = full * mr * kc + t * TAIL_MR * kc;
            let a = Operand {
                data: &a_tilde[off..off + TAIL_MR * kc],
                rs: 1,
                cs: TAIL_MR,
            };
            let i0 = full * mr + t * TAIL_MR;
            (i0, TAIL_MR.min(mc - i0), ASrc::Strided(a))
        }
    };
    // Loop 2: one NR-wide micro-panel of B̃ at a time.
    for jr in 0..nc.div_ceil(nr) {
        let j0 = jr * nr;
        let cols = nr.min(nc - j0);
        let (b_micro, ahead): (&[T], Ahead<T>) = match &mut b {
            BPanels::Block(block) => (&block[jr * nr * kc..(jr + 1) * nr * kc], Ahead::NONE),
            BPanels::EachPanel { buf, b, ahead } => {
                let micro = &mut buf[..nr * kc];
                kernel.pack_b(kc, cols, b.offset(0, j0), micro);
                (micro, ahead(jr))
            }
        };
        // Loop 1: one MR-tall micro-panel of Ã at a time; the whole ones in
        // one sweep, then the ragged ones.
        let whole = (mc - tail) / mr;
        if whole > 0 {
            let mut c_col = c.sub(0, j0, whole * mr, cols);
            if direct_a {
                kernel.run_sweep_in_place(kc, alpha, a, b_micro, beta, &mut c_col);
            } else {
                let a_whole = &a_tilde[..whole * mr * kc];
                kernel.run_sweep(kc, alpha, a_whole, b_micro, beta, &mut c_col, ahead);
            }
        }
        for ir in whole..panels {
            let (i0, rows, a_micro) = panel(ir);
            let mut c_tile = c.sub(i0, j0, rows, cols);
            kernel.run(kc, alpha, a_micro, b_micro, beta, &mut c_tile);
        }
    }
}

/// Whether a team runs this product with kernel `K` (see [`gemm_team`]):
/// when it takes the packed loop nest with B̃ packed a block at a time and
/// has at least two, at most [`MAX_ROW_BLOCKS`], blocks of rows.
#[cfg(feature = "simd")]
pub fn team_runs<T: Scalar, K: MicroKernel<T>>(p: &Problem<'_, '_, T>) -> bool {
    let mc_max = balanced_block(p.m, K::MC, K::MR);
    let blocks = p.m.div_ceil(mc_max);
    !super::stream::takes_stream(p, 2 * K::NR)
        && !reads_a_in_place::<K, T>(p, false)
        && (2..=MAX_ROW_BLOCKS).contains(&blocks)
}

/// One member's share of a team product (`threads/team.rs`): the loop nest
/// of [`gemm_blocked`] cut into tasks, each step `(jc, pc)` a few pack
/// tasks (micro-panels of the shared B̃ block) and one rows task per block
/// of `MC` rows (loops 3 to 1 on it, Ã packed in this thread's buffer).
/// The same blocks, tiles and depth blocks as one thread, so the same bits.
#[cfg(feature = "simd")]
fn gemm_team<T: Scalar, K: MicroKernel<T>>(
    kernel: K,
    p: &Problem<'_, '_, T>,
    bufs: &mut PackBuffers<T>,
    team: &Team<'_, T>,
    members: usize,
) {
    let (mr, nr) = (K::MR, K::NR);
    let (m, n, k) = (p.m, p.n, p.k);
    let kc_max = balanced_block(k, K::KC, 1);
    let mc_max = balanced_block(m, K::MC, mr);
    let nc_max = balanced_block(n, K::NC, nr);
    let k_blocks = k.div_ceil(kc_max);
    let panels_max = nc_max.div_ceil(nr);
    let plan = Plan {
        steps: n.div_ceil(nc_max) * k_blocks,
        // A few pack tasks per member: whoever is free packs.
        packs: panels_max.min(2 * members),
        blocks: m.div_ceil(mc_max),
        b_len: kc_max * panels_max * nr,
    };
    // Ã: one block of rows, the same room one thread needs. Every member
    // reserves room for both shared B̃ buffers, whether or not it lends
    // them this time: the next product's lender allocates nothing. (And
    // for the whole product's B̃: on a busy core it runs alone.)
    let (a_len, b_whole) = pack_lens::<K, T>(m, n, k);
    reserve_aligned(&mut bufs.a, a_len);
    reserve_aligned(&mut bufs.b, (2 * plan.b_len).max(b_whole));
    let PackBuffers { a: a_buf, b: b_buf } = bufs;
    let a_pack = aligned(a_buf, a_len);
    let role = team.join(plan, aligned(b_buf, 2 * plan.b_len));
    let failing = FailOnPanic(team);
    let step_at = |step: usize| {
        let (jc, pc) = ((step / k_blocks) * nc_max, (step % k_blocks) * kc_max);
        (jc, nc_max.min(n - jc), pc, kc_max.min(k - pc))
    };
    while let Some(task) = team.claim() {
        match task {
            Task::Pack { step, group } => {
                let (jc, nc, pc, kc) = step_at(step);
                let b_panels = nc.div_ceil(nr);
                let (first, end) = (
                    group * b_panels / plan.packs,
                    (group + 1) * b_panels / plan.packs,
                );
                let Some(dst) = team.b_to_pack(step, first * nr * kc..end * nr * kc) else {
                    break;
                };
                if end > first {
                    let cols = (end * nr).min(nc) - first * nr;
                    kernel.pack_b(kc, cols, p.b.offset(pc, jc + first * nr), dst);
                }
                team.packed_done(step);
            }
            Task::Rows { step, block } => {
                let (jc, nc, pc, kc) = step_at(step);
                let ic = block * mc_max;
                let mc = mc_max.min(m - ic);
                let Some((b_tilde, mut c)) = team.rows(step, block, (ic, jc, mc, nc)) else {
                    break;
                };
                let beta = if pc == 0 { p.beta } else { T::ONE };
                let b_src = BPanels::Block(&b_tilde[..nc.div_ceil(nr) * nr * kc]);
                let a = p.a.offset(ic, pc);
                rows_block(kernel, (p.alpha, beta), a, kc, false, b_src, a_pack, &mut c);
                team.rows_done(step, block);
            }
        }
    }
    drop(failing);
    if role == Role::Lender {
        team.finish();
    }
}
