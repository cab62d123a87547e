//! Packing: copy a block of op(A) or op(B) into the contiguous micro-panel
//! order the microkernels read (see `kernel/mod.rs`), zero-padding the last
//! panel so the kernels never see a partial tile.
//!
//! Panel widths are compile-time constants (dispatched once per block), so
//! every inner copy has a fixed length: LLVM turns it into a few vector
//! moves instead of a `memcpy` call per row. Each layout has its own loop:
//! - contiguous along the panel's short side (row-major B, transposed A):
//!   one fixed-size copy per step of `k`;
//! - contiguous along `k` (row-major A, transposed B): a transpose, reading
//!   the panel's `MR` (or `NR`) source rows side by side, writing the panel
//!   sequentially.

use super::loops::Operand;
use crate::Scalar;

/// Ã: `mc x kc` block of op(A) → panels of `mr` rows; inside a panel, column
/// `p` occupies `dst[p*mr .. p*mr + mr]`.
pub fn pack_a<T: Scalar>(mr: usize, mc: usize, kc: usize, a: Operand<'_, T>, dst: &mut [T]) {
    match mr {
        4 => pack::<T, 4>(mc, kc, a, dst),
        6 => pack::<T, 6>(mc, kc, a, dst),
        8 => pack::<T, 8>(mc, kc, a, dst),
        12 => pack::<T, 12>(mc, kc, a, dst),
        _ => unreachable!("no kernel has MR = {mr}"),
    }
}

/// The `k x n` block of op(B) → `k` rows of `w ≥ n` elements, zero past
/// `n`: one B̃ panel of any width, as the skinny paths read it. A
/// row-major op(B) is copied a row at a time; other layouts element by
/// element, column by column. (Only the AVX2 and NEON kernels use it.)
#[cfg_attr(
    not(all(feature = "simd", any(target_arch = "x86_64", target_arch = "aarch64"))),
    allow(dead_code)
)]
pub fn pad_rows<T: Scalar>(k: usize, n: usize, w: usize, b: Operand<'_, T>, dst: &mut [T]) {
    assert!(n <= w, "pad_rows: {n} columns into rows of {w}");
    let dst = &mut dst[..k * w];
    if b.cs == 1 {
        for (p, row) in dst.chunks_exact_mut(w).enumerate() {
            let start = p * b.rs;
            row[..n].copy_from_slice(&b.data[start..start + n]);
            row[n..].fill(T::ZERO);
        }
    } else {
        for row in dst.chunks_exact_mut(w) {
            row[n..].fill(T::ZERO);
        }
        for j in 0..n {
            let col = b.offset(0, j);
            for (p, row) in dst.chunks_exact_mut(w).enumerate() {
                row[j] = col.data[p * b.rs];
            }
        }
    }
}

/// B̃: `kc x nc` block of op(B) → panels of `nr` columns; inside a panel, row
/// `p` occupies `dst[p*nr .. p*nr + nr]`.
#[inline(always)]
pub fn pack_b<T: Scalar>(nr: usize, kc: usize, nc: usize, b: Operand<'_, T>, dst: &mut [T]) {
    // B̃ is Ã's layout for op(B)ᵀ: swap the strides.
    let bt = Operand {
        data: b.data,
        rs: b.cs,
        cs: b.rs,
    };
    match nr {
        4 => pack::<T, 4>(nc, kc, bt, dst),
        8 => pack::<T, 8>(nc, kc, bt, dst),
        12 => pack::<T, 12>(nc, kc, bt, dst),
        16 => pack::<T, 16>(nc, kc, bt, dst),
        24 => pack::<T, 24>(nc, kc, bt, dst),
        32 => pack::<T, 32>(nc, kc, bt, dst),
        48 => pack::<T, 48>(nc, kc, bt, dst),
        _ => unreachable!("no kernel has NR = {nr}"),
    }
}

/// The `len x kc` block of `x` (element `(i, p)` at `data[i*rs + p*cs]`) →
/// panels of `W` values of `i`; inside a panel, step `p` occupies
/// `dst[p*W .. p*W + W]`.
#[inline(always)]
fn pack<T: Scalar, const W: usize>(len: usize, kc: usize, x: Operand<'_, T>, dst: &mut [T]) {
    let full = len / W;
    if x.rs == 1 && full > 0 {
        // Full panels, source contiguous along i (row-major B): walk the
        // source row by row (one sequential stream the prefetchers follow)
        // and drop each W-wide piece into its panel.
        for p in 0..kc {
            let src = &x.data[p * x.cs..p * x.cs + full * W];
            for (panel, piece) in src.chunks_exact(W).enumerate() {
                let o = &mut dst[panel * W * kc + p * W..][..W];
                let piece: &[T; W] = piece.try_into().unwrap();
                o.copy_from_slice(piece);
            }
        }
        if full * W < len {
            let i0 = full * W;
            let rest = Operand {
                data: &x.data[i0.min(x.data.len())..],
                rs: x.rs,
                cs: x.cs,
            };
            pack_panels::<T, W>(len - i0, kc, rest, &mut dst[full * W * kc..]);
        }
        return;
    }
    pack_panels::<T, W>(len, kc, x, dst)
}

/// [`pack`], one panel at a time.
#[inline(always)]
fn pack_panels<T: Scalar, const W: usize>(len: usize, kc: usize, x: Operand<'_, T>, dst: &mut [T]) {
    for (panel, out) in dst.chunks_exact_mut(W * kc).enumerate() {
        let i0 = panel * W;
        let w = W.min(len - i0);
        if x.rs == 1 {
            // The panel's W values for one p are contiguous.
            if w == W {
                for (p, o) in out.chunks_exact_mut(W).enumerate() {
                    let start = p * x.cs + i0;
                    let src: &[T; W] = x.data[start..start + W].try_into().unwrap();
                    o.copy_from_slice(src);
                }
            } else {
                for (p, o) in out.chunks_exact_mut(W).enumerate() {
                    let start = p * x.cs + i0;
                    o[..w].copy_from_slice(&x.data[start..start + w]);
                    o[w..].fill(T::ZERO);
                }
            }
        } else if x.cs == 1 {
            // Each of the W source rows is contiguous along p: transpose.
            let rows: [&[T]; W] = std::array::from_fn(|i| {
                if i < w {
                    let s = (i0 + i) * x.rs;
                    &x.data[s..s + kc]
                } else {
                    &[]
                }
            });
            if w == W {
                for (p, o) in out.chunks_exact_mut(W).enumerate() {
                    let o: &mut [T; W] = o.try_into().unwrap();
                    for i in 0..W {
                        o[i] = rows[i][p];
                    }
                }
            } else {
                for (p, o) in out.chunks_exact_mut(W).enumerate() {
                    for (i, d) in o.iter_mut().enumerate() {
                        *d = if i < w { rows[i][p] } else { T::ZERO };
                    }
                }
            }
        } else {
            // General strides (not produced by the public API, kept total).
            for (p, o) in out.chunks_exact_mut(W).enumerate() {
                for (i, d) in o.iter_mut().enumerate() {
                    *d = if i < w { x.at(i0 + i, p) } else { T::ZERO };
                }
            }
        }
    }
}
