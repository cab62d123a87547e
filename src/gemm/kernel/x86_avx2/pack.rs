//! Packing a transposed B (op(B) = Xᵀ, X row-major) with register
//! transposes; every other layout goes through the portable packer.

use super::{Avx2, Simd};
use crate::gemm::loops::Operand;

/// Packs B̃ from a transposed operand (op(B) = Xᵀ for row-major X, so
/// column `j` of op(B) is the contiguous row `j` of X): each full `nr`-wide
/// panel is `nr` rows of X transposed in `LANES x LANES` register blocks.
/// Ragged panels and other layouts go through the portable packer. `nr` is
/// a multiple of `LANES` up to 48: `2·LANES` for this kernel's panels, 32
/// or on Zen 4 48 (f32), or 24 (f64) for the AVX-512 kernel's, packed with
/// these 256-bit transposes too.
pub(crate) fn pack_b_avx<T: Simd>(
    _proof: Avx2,
    nr: usize,
    kc: usize,
    nc: usize,
    b: Operand<'_, T>,
    dst: &mut [T],
) {
    let lanes = T::LANES;
    assert!(nr % lanes == 0 && nr <= MAX_NR, "panel width {nr}");
    let full = if b.rs == 1 && b.cs > 1 { nc / nr } else { 0 };
    for (panel, out) in dst.chunks_exact_mut(nr * kc).take(full).enumerate() {
        let j0 = panel * nr;
        let mut rows = [std::ptr::null::<T>(); MAX_NR];
        for (j, r) in rows.iter_mut().take(nr).enumerate() {
            let start = (j0 + j) * b.cs;
            *r = b.data[start..start + kc].as_ptr();
        }
        // SAFETY: `_proof` shows AVX2 was detected; each of the `nr` row
        // pointers comes from a slice of `kc` elements, so the blocks read at
        // p + LANES ≤ kc are in bounds; `out` holds nr·kc elements, and block
        // (p, h) writes LANES runs of LANES at (p+q)·nr + h·LANES < nr·kc.
        unsafe { transpose_panel(rows.as_ptr(), nr, kc, out.as_mut_ptr()) }
    }
    if full * nr < nc {
        let rest = b.offset(0, full * nr);
        crate::gemm::pack::pack_b(nr, kc, nc - full * nr, rest, &mut dst[full * nr * kc..]);
    }
}

/// The widest panel [`pack_b_avx`] packs.
const MAX_NR: usize = 48;

/// # Safety
/// AVX available; `rows[0..nr]` each readable for `kc` elements; `out`
/// writable for `nr·kc`; `nr` a multiple of `LANES`.
#[target_feature(enable = "avx2,fma")]
unsafe fn transpose_panel<T: Simd>(rows: *const *const T, nr: usize, kc: usize, out: *mut T) {
    let lanes = T::LANES;
    let mut p = 0;
    // SAFETY: see the caller; every access below stays within p < kc and
    // the panel's nr·kc elements.
    unsafe {
        while p + lanes <= kc {
            for h in 0..nr / lanes {
                T::transpose_block(rows.add(h * lanes), p, out.add(p * nr + h * lanes), nr);
            }
            p += lanes;
        }
        while p < kc {
            for j in 0..nr {
                *out.add(p * nr + j) = *(*rows.add(j)).add(p);
            }
            p += 1;
        }
    }
}
