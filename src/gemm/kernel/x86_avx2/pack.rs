//! Packing with register transposes where the source runs along `k`: a
//! transposed B (op(B) = Xᵀ, X row-major) and a row-major A. Every other
//! layout goes through the portable packer.

use super::{Avx2, Simd};
use crate::gemm::loops::Operand;
use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};

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

/// Packs Ã from a row-major A (row `i` of op(A) contiguous along `k`) whose
/// panel height `mr` is not a whole number of vectors (6 rows: this
/// kernel's; 12 f32 rows: the AVX-512 kernel's on CPUs with whole 512-bit
/// FMAs). Each full panel is its `mr` rows, padded to a whole number of
/// vectors by repeating the last row and transposed in `LANES x LANES`
/// register blocks, each column stored whole at its place in the panel:
/// its padding lands on the next column's first values, which a later
/// store writes (blocks from the last to the first, steps of `k` in
/// order). Ragged panels and other layouts go through the portable packer.
///
/// While a panel is transposed, the next panel's rows are prefetched: A
/// usually comes from L3, and its short runs (one `kc` stretch a row) give
/// the hardware prefetchers little to follow. On a Zen 4, one thread, 512³
/// (`perf record -e cpu-clock gemm_time f32 512 512 512`): the portable
/// loop (an element at a time, built at `00b5a91`) took 1.8 % of f32's
/// samples and 2.0–2.8 % of f64's; the transposes alone 2.3 % and 2.1 %;
/// with the prefetches 0.8 % and 2.1–2.7 %. `gemm_time` f32 512³ went from
/// 107.4–108.3 to 108.3–108.9 GFLOP/s (four alternating runs, pinned);
/// f64 512³, 256³ and f32 256³, 1024³ did not move.
pub(crate) fn pack_a_avx<T: Simd>(
    _proof: Avx2,
    mr: usize,
    mc: usize,
    kc: usize,
    a: Operand<'_, T>,
    dst: &mut [T],
) {
    let lanes = T::LANES;
    let height = mr.div_ceil(lanes) * lanes;
    assert!(height <= MAX_A_HEIGHT && mr > 0, "panel height {mr}");
    let full = if a.cs == 1 && a.rs > 1 { mc / mr } else { 0 };
    for panel in 0..full {
        let i0 = panel * mr;
        let mut rows = [std::ptr::null::<T>(); MAX_A_HEIGHT];
        for (i, r) in rows.iter_mut().take(height).enumerate() {
            let start = (i0 + i.min(mr - 1)) * a.rs;
            *r = a.data[start..start + kc].as_ptr();
        }
        // The next panel's rows (the last one's own): prefetched while this
        // one is transposed, so their lines come from L3 ahead of use.
        let mut next = rows;
        for (i, r) in next.iter_mut().take(mr).enumerate() {
            let start = (i0 + mr + i) * a.rs;
            if let Some(row) = a.data.get(start..start + kc).filter(|_| i0 + mr + i < mc) {
                *r = row.as_ptr();
            }
        }
        let out = &mut dst[panel * mr * kc..];
        assert!(out.len() >= mr * kc, "Ã buffer too short");
        // SAFETY: `_proof` shows AVX2 was detected; each of the `height` row
        // pointers comes from a slice of `kc` elements, so the blocks read at
        // p + LANES ≤ kc are in bounds; `out` holds at least mr·kc elements
        // and its length is passed as the room the stores may use.
        unsafe {
            let (room, out) = (out.len(), out.as_mut_ptr());
            match mr {
                6 => transpose_padded::<T, 6>(rows.as_ptr(), &next, height, kc, out, room),
                12 => transpose_padded::<T, 12>(rows.as_ptr(), &next, height, kc, out, room),
                _ => unreachable!("no kernel packs Ã panels of {mr} rows"),
            }
        }
    }
    if full * mr < mc {
        let rest = a.offset(full * mr, 0);
        crate::gemm::pack::pack_a(mr, mc - full * mr, kc, rest, &mut dst[full * mr * kc..]);
    }
}

/// The tallest padded panel [`pack_a_avx`] transposes (12 f32 rows → 16).
const MAX_A_HEIGHT: usize = 16;

/// # Safety
/// AVX2 available; `rows[0..height]` each readable for `kc` elements; `out`
/// writable for `room ≥ MR·kc` elements; `height` a multiple of `LANES`, at
/// most [`MAX_A_HEIGHT`], and at least `MR`.
#[target_feature(enable = "avx2,fma")]
unsafe fn transpose_padded<T: Simd, const MR: usize>(
    rows: *const *const T,
    next: &[*const T; MAX_A_HEIGHT],
    height: usize,
    kc: usize,
    out: *mut T,
    room: usize,
) {
    let lanes = T::LANES;
    let blocks = height / lanes;
    let mut p = 0;
    // SAFETY: see the caller. A step's stores reach (p + LANES)·MR +
    // height − MR ≤ room elements past `out`; the last steps, whose padding
    // would pass `room`, go through `cols` (LANES·height ≤ its length) and
    // copy MR values a column.
    unsafe {
        while p + lanes <= kc {
            if (p * std::mem::size_of::<T>()) % 64 == 0 {
                for r in &next[..MR] {
                    // A hint: it reads nothing and cannot fault.
                    _mm_prefetch::<_MM_HINT_T0>(r.wrapping_add(p).cast());
                }
            }
            if (p + lanes) * MR + height - MR <= room {
                for h in (0..blocks).rev() {
                    let at = out.add(p * MR + h * lanes);
                    T::transpose_block(rows.add(h * lanes), p, at, MR);
                }
            } else {
                let mut cols = [T::ZERO; MAX_A_HEIGHT * 8];
                for h in 0..blocks {
                    let at = cols.as_mut_ptr().add(h * lanes);
                    T::transpose_block(rows.add(h * lanes), p, at, height);
                }
                for q in 0..lanes {
                    let from = cols.as_ptr().add(q * height) as *const [T; MR];
                    *(out.add((p + q) * MR) as *mut [T; MR]) = *from;
                }
            }
            p += lanes;
        }
        while p < kc {
            for i in 0..MR {
                *out.add(p * MR + i) = *(*rows.add(i)).add(p);
            }
            p += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both packers against the portable one, element for element, into
    /// buffers of exactly the packed length (so the last panel's padded
    /// stores must stay inside), from row-major sources with a row stride
    /// past `kc` and an offset start.
    fn check<T: Simd>(proof: Avx2) {
        for mr in [6, 12] {
            for mc in [1, 5, 6, 7, 11, 12, 13, 24, 31] {
                for kc in [1, 3, 4, 7, 8, 9, 16, 17, 33] {
                    let rs = kc + 5;
                    let data: Vec<T> = (0..3 + mc * rs).map(|x| T::from_f64(x as f64)).collect();
                    let a = Operand {
                        data: &data[3..],
                        rs,
                        cs: 1,
                    };
                    let len = mc.div_ceil(mr) * mr * kc;
                    let mut want = vec![T::from_f64(-1.0); len];
                    crate::gemm::pack::pack_a(mr, mc, kc, a, &mut want);
                    let mut got = vec![T::from_f64(-2.0); len];
                    pack_a_avx(proof, mr, mc, kc, a, &mut got);
                    assert_eq!(got, want, "Ã: mr {mr}, mc {mc}, kc {kc}");
                    // The same block as op(B) = Aᵀ for B̃ (panels of 2·LANES).
                    let nr = 2 * T::LANES;
                    let bt = Operand {
                        data: a.data,
                        rs: 1,
                        cs: rs,
                    };
                    let len = mc.div_ceil(nr) * nr * kc;
                    let mut want = vec![T::from_f64(-1.0); len];
                    crate::gemm::pack::pack_b(nr, kc, mc, bt, &mut want);
                    let mut got = vec![T::from_f64(-2.0); len];
                    pack_b_avx(proof, nr, kc, mc, bt, &mut got);
                    assert_eq!(got, want, "B̃: nr {nr}, nc {mc}, kc {kc}");
                }
            }
        }
    }

    #[test]
    fn register_transposes_pack_as_the_portable_packer() {
        let Some(proof) = Avx2::detect() else {
            eprintln!("no AVX2 on this CPU: the register transposes cannot run");
            return;
        };
        check::<f32>(proof);
        check::<f64>(proof);
    }
}
