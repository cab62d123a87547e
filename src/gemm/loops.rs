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

use super::kernel::{ASrc, MicroKernel};
use super::pack::pack_a;
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
}

/// Splits `len` into `ceil(len / max)` nearly equal blocks that are multiples
/// of `unit` (except possibly the last), and returns the block size.
fn balanced_block(len: usize, max: usize, unit: usize) -> usize {
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

pub fn gemm_blocked<T: Scalar, K: MicroKernel<T>>(
    kernel: K,
    p: &mut Problem<'_, '_, T>,
    bufs: &mut PackBuffers<T>,
) {
    let (mr, nr) = (K::MR, K::NR);
    let (m, n, k) = (p.m, p.n, p.k);
    let kc_max = balanced_block(k, K::KC, 1);
    let mc_max = balanced_block(m, K::MC, mr);
    let nc_max = balanced_block(n, K::NC, nr);
    let direct_a = K::DIRECT && n <= DIRECT_A_MAX_PANELS * nr && (p.a.cs == 1 || p.a.rs == 1);
    let b_len = kc_max * nc_max.div_ceil(nr) * nr;
    let a_len = if direct_a {
        0
    } else {
        kc_max * mc_max.div_ceil(mr) * mr
    };
    let PackBuffers { a: a_buf, b: b_buf } = bufs;
    let b_pack = aligned(b_buf, b_len);
    let a_pack = aligned(a_buf, a_len);

    // Loop 5: NC columns of B and C at a time.
    for jc in (0..n).step_by(nc_max) {
        let nc = nc_max.min(n - jc);
        // Loop 4: KC-deep slices of A and B; pack B̃ once per slice.
        for pc in (0..k).step_by(kc_max) {
            let kc = kc_max.min(k - pc);
            let beta = if pc == 0 { p.beta } else { T::ONE };
            let b_panels = nc.div_ceil(nr);
            let b_tilde = &mut b_pack[..b_panels * nr * kc];
            kernel.pack_b(kc, nc, p.b.offset(pc, jc), b_tilde);
            // Loop 3: MC rows of A and C at a time; pack Ã.
            for ic in (0..m).step_by(mc_max) {
                let mc = mc_max.min(m - ic);
                let a_panels = mc.div_ceil(mr);
                let a_tilde = &mut a_pack[..if direct_a { 0 } else { a_panels * mr * kc }];
                if !direct_a {
                    pack_a(mr, mc, kc, p.a.offset(ic, pc), a_tilde);
                }
                // Loop 2: one NR-wide micro-panel of B̃ at a time.
                for (jr, b_micro) in b_tilde.chunks_exact(nr * kc).enumerate() {
                    let j0 = jc + jr * nr;
                    let cols = nr.min(n - j0);
                    // Loop 1: one MR-tall micro-panel of Ã at a time.
                    for ir in 0..a_panels {
                        let i0 = ic + ir * mr;
                        let rows = mr.min(m - i0);
                        let a_micro = if direct_a {
                            ASrc::Strided(p.a.offset(i0, pc))
                        } else {
                            ASrc::Packed(&a_tilde[ir * mr * kc..(ir + 1) * mr * kc])
                        };
                        let mut c_tile = p.c.sub(i0, j0, rows, cols);
                        kernel.run(kc, p.alpha, a_micro, b_micro, beta, &mut c_tile);
                    }
                }
            }
        }
    }
}
