//! A few rows of C times a large row-major B (batch-1 inference, an RNN
//! generating one token at a time: 1×1024·1024×1024, 1×650·650×2600):
//! B streamed row after row, for every kernel.
//!
//! Such a product reads each element of B once for at most a few
//! multiply-adds, so it runs at the speed B arrives from memory. The loop
//! nest reads B in micro-panels a few vectors wide, a line or two from each
//! of `kc` rows 4 KiB or more apart, which no hardware prefetcher follows
//! (with the AVX-512 tiles f32 1×1024·1024×1024 took 227 µs, B at 18 GB/s,
//! where numpy's GEMV took 143). Here the sums of a block of C's columns
//! wait in a buffer that stays in L1 while each row of B's block is read
//! from start to end, in plain loops the compiler vectorizes for the
//! kernel's instruction set (each kernel calls [`stream`] from code
//! compiled with its target features).
//!
//! Same arithmetic as the kernel's tiles, so the same bits: each element of
//! C is one in-order chain of multiply-adds ([`Madd`]: fused or not, as the
//! kernel's tiles do them) per depth block of the loop nest's size, kept in
//! the buffer between steps instead of a register, then the same
//! `alpha·acc + beta·C` ([`store_row`](super::kernel::store_row)).

use super::kernel::store_row;
use super::loops::Problem;
use crate::Scalar;

/// Rows of C at most that stream B.
pub(crate) const ROWS: usize = 4;

/// Bytes of sums per row of C when it has [`ROWS`] rows: the buffer's 16
/// KiB stay in L1 with B's rows passing through. Fewer rows share it in
/// longer rows of sums, so B's rows are read in longer runs (AVX-512, f32
/// 1×650·650×2600: 0.92× the time of 4 KiB rows, f64 1×1024·1024×1024
/// 0.92×; f64 4× in 8 KiB rows ran at 0.7× the tiles' speed).
const ROW_BYTES: usize = 4096;

/// Elements of the buffer: [`ROWS`]·[`ROW_BYTES`] bytes of the narrowest
/// type (f64 uses half of it: an array's length cannot depend on `T`).
const BUFFER: usize = ROWS * ROW_BYTES / 4;

/// op(B) at least this many bytes: smaller, it sits in L2 and the tiles
/// are as fast.
const MIN_B_BYTES: usize = 512 * 1024;

/// The buffer of sums, on cache-line boundaries (with AVX-512, a vector of
/// sums split across two lines cost two loads and two stores a step: f32
/// 3×1024·1024×1024 ran 0.79× the time aligned, 4× 0.81×, f64 4× 0.82×).
#[repr(C, align(64))]
struct Sums<T>([T; BUFFER]);

/// One multiply-add of a kernel's tiles: `acc + a·b`, rounded once
/// ([`Fused`]) or twice ([`Unfused`]).
pub(crate) trait Madd {
    /// `acc + a·b` as the kernel's tiles round it.
    fn madd<T: Scalar>(acc: T, a: T, b: T) -> T;
}

/// `acc + a·b` with one rounding (an FMA), as the SIMD kernels' tiles.
#[cfg_attr(
    not(all(feature = "simd", any(target_arch = "x86_64", target_arch = "aarch64"))),
    allow(dead_code)
)]
pub(crate) struct Fused;

/// `acc + a·b` rounded after the product and after the sum, as the
/// portable kernel's tiles.
pub(crate) struct Unfused;

impl Madd for Fused {
    #[inline(always)]
    fn madd<T: Scalar>(acc: T, a: T, b: T) -> T {
        a.mul_add(b, acc)
    }
}

impl Madd for Unfused {
    #[inline(always)]
    fn madd<T: Scalar>(acc: T, a: T, b: T) -> T {
        acc + a * b
    }
}

/// Whether [`stream`] takes this product: at most [`ROWS`] rows, C wider
/// than `min_cols`, op(B) row-major and at least [`MIN_B_BYTES`], op(A)
/// contiguous along its rows or its columns.
pub(crate) fn takes_stream<T: Scalar>(p: &Problem<'_, '_, T>, min_cols: usize) -> bool {
    p.m <= ROWS
        && p.n > min_cols
        && p.b.cs == 1
        && (p.a.cs == 1 || p.a.rs == 1)
        && p.k.saturating_mul(p.n).saturating_mul(T::BYTES) >= MIN_B_BYTES
}

/// `C = alpha·op(A)·op(B) + beta·C` for a product [`takes_stream`] takes,
/// on one thread, in depth blocks of `kc_max` (the loop nest's blocks, so
/// the sums are the tiles'), each multiply-add as `M` does it.
///
/// Called from each kernel inside code compiled with its target features
/// (everything below is inlined into it), so the loops vectorize for them.
#[inline(always)]
pub(crate) fn stream<T: Scalar, M: Madd>(p: &mut Problem<'_, '_, T>, kc_max: usize) {
    assert!(p.m <= ROWS && p.b.cs == 1 && kc_max > 0);
    match p.m {
        1 => stream_rows::<T, M, 1>(p, kc_max),
        2 => stream_rows::<T, M, 2>(p, kc_max),
        3 => stream_rows::<T, M, 3>(p, kc_max),
        _ => stream_rows::<T, M, 4>(p, kc_max),
    }
}

/// [`stream`] for `R` rows.
#[inline(always)]
fn stream_rows<T: Scalar, M: Madd, const R: usize>(p: &mut Problem<'_, '_, T>, kc_max: usize) {
    // The buffer's 16 KiB shared by the rows: B's rows are read in longer
    // runs the fewer rows C has; 64 bytes a multiple, so every row of sums
    // starts on a line. (A constant: computed in the loop, it cost a
    // division per step.)
    let width = ROWS * ROW_BYTES / (R * T::BYTES) / (64 / T::BYTES) * (64 / T::BYTES);
    let mut sums = Sums([T::ZERO; BUFFER]);
    let (n, k, a, b) = (p.n, p.k, p.a, p.b);
    let mut pc = 0;
    while pc < k {
        let kc = kc_max.min(k - pc);
        let beta = if pc == 0 { p.beta } else { T::ONE };
        let mut jc = 0;
        while jc < n {
            let cols = width.min(n - jc);
            let buf = &mut sums.0[..R * width];
            buf.fill(T::ZERO);
            let (s0, rest) = buf.split_at_mut(width);
            let (s1, rest) = rest.split_at_mut(if R > 1 { width } else { 0 });
            let (s2, s3) = rest.split_at_mut(if R > 2 { width } else { 0 });
            let rows = b.data[pc * b.rs + jc..].chunks(b.rs).take(kc);
            for (q, brow) in (pc..).zip(rows) {
                let brow = &brow[..cols];
                match R {
                    1 => step1::<T, M>(a.at(0, q), brow, s0),
                    2 => step2::<T, M>([a.at(0, q), a.at(1, q)], brow, [s0, s1]),
                    3 => step3::<T, M>([a.at(0, q), a.at(1, q), a.at(2, q)], brow, [s0, s1, s2]),
                    _ => step4::<T, M>(
                        [a.at(0, q), a.at(1, q), a.at(2, q), a.at(3, q)],
                        brow,
                        [s0, s1, s2, s3],
                    ),
                }
            }
            for (i, acc) in sums.0[..R * width].chunks_exact(width).enumerate() {
                store_row(
                    &mut p.c.row_mut(i)[jc..jc + cols],
                    &acc[..cols],
                    p.alpha,
                    beta,
                );
            }
            jc += cols;
        }
        pc += kc;
    }
}

// The steps for 1–4 rows: zipped slices, so the loops carry no bounds
// checks and vectorize.

#[inline(always)]
fn step1<T: Scalar, M: Madd>(a: T, b: &[T], s: &mut [T]) {
    for (s, &b) in s.iter_mut().zip(b) {
        *s = M::madd(*s, a, b);
    }
}

#[inline(always)]
fn step2<T: Scalar, M: Madd>(a: [T; 2], b: &[T], [s0, s1]: [&mut [T]; 2]) {
    for ((s0, s1), &b) in s0.iter_mut().zip(s1.iter_mut()).zip(b) {
        *s0 = M::madd(*s0, a[0], b);
        *s1 = M::madd(*s1, a[1], b);
    }
}

#[inline(always)]
fn step3<T: Scalar, M: Madd>(a: [T; 3], b: &[T], [s0, s1, s2]: [&mut [T]; 3]) {
    for (((s0, s1), s2), &b) in s0.iter_mut().zip(s1.iter_mut()).zip(s2.iter_mut()).zip(b) {
        *s0 = M::madd(*s0, a[0], b);
        *s1 = M::madd(*s1, a[1], b);
        *s2 = M::madd(*s2, a[2], b);
    }
}

#[inline(always)]
fn step4<T: Scalar, M: Madd>(a: [T; 4], b: &[T], [s0, s1, s2, s3]: [&mut [T]; 4]) {
    let rows = s0
        .iter_mut()
        .zip(s1.iter_mut())
        .zip(s2.iter_mut().zip(s3.iter_mut()));
    for (((s0, s1), (s2, s3)), &b) in rows.zip(b) {
        *s0 = M::madd(*s0, a[0], b);
        *s1 = M::madd(*s1, a[1], b);
        *s2 = M::madd(*s2, a[2], b);
        *s3 = M::madd(*s3, a[3], b);
    }
}
