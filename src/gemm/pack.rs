//! Packing: copy a block of op(A) or op(B) into the contiguous micro-panel
//! order the microkernels read (see `kernel/mod.rs`), zero-padding the last
//! panel so the kernels never see a partial tile. Each function has a fast
//! branch for the layout where the source is contiguous along the copied run.

use super::loops::Operand;
use crate::Scalar;

/// Ã: `mc x kc` block of op(A) → panels of `mr` rows; inside a panel, column
/// `p` occupies `dst[p*mr .. p*mr + mr]`.
pub fn pack_a<T: Scalar>(mr: usize, mc: usize, kc: usize, a: Operand<'_, T>, dst: &mut [T]) {
    for (panel, out) in dst.chunks_exact_mut(mr * kc).enumerate() {
        let i0 = panel * mr;
        let rows = mr.min(mc - i0);
        if a.rs == 1 {
            // op(A) is a transposed row-major matrix: a column of op(A) is a
            // contiguous run of the stored row.
            for (p, col) in out.chunks_exact_mut(mr).enumerate() {
                let start = p * a.cs + i0;
                col[..rows].copy_from_slice(&a.data[start..start + rows]);
                col[rows..].fill(T::ZERO);
            }
        } else {
            // Row-major op(A): read each row contiguously, scatter with stride mr.
            for i in 0..rows {
                let start = (i0 + i) * a.rs;
                let src = &a.data[start..start + (kc - 1) * a.cs + 1];
                for (p, d) in out.iter_mut().skip(i).step_by(mr).enumerate() {
                    *d = src[p * a.cs];
                }
            }
            if rows < mr {
                for col in out.chunks_exact_mut(mr) {
                    col[rows..].fill(T::ZERO);
                }
            }
        }
    }
}

/// B̃: `kc x nc` block of op(B) → panels of `nr` columns; inside a panel, row
/// `p` occupies `dst[p*nr .. p*nr + nr]`.
pub fn pack_b<T: Scalar>(nr: usize, kc: usize, nc: usize, b: Operand<'_, T>, dst: &mut [T]) {
    for (panel, out) in dst.chunks_exact_mut(nr * kc).enumerate() {
        let j0 = panel * nr;
        let cols = nr.min(nc - j0);
        if b.cs == 1 {
            // Row-major op(B): each row of the panel is a contiguous run.
            for (p, row) in out.chunks_exact_mut(nr).enumerate() {
                let start = p * b.rs + j0;
                row[..cols].copy_from_slice(&b.data[start..start + cols]);
                row[cols..].fill(T::ZERO);
            }
        } else {
            // op(B) is a transposed row-major matrix: a column of op(B) is a
            // contiguous stored row; scatter it with stride nr.
            for j in 0..cols {
                let start = (j0 + j) * b.cs;
                let src = &b.data[start..start + (kc - 1) * b.rs + 1];
                for (p, d) in out.iter_mut().skip(j).step_by(nr).enumerate() {
                    *d = src[p * b.rs];
                }
            }
            if cols < nr {
                for row in out.chunks_exact_mut(nr) {
                    row[cols..].fill(T::ZERO);
                }
            }
        }
    }
}
