//! General matrix multiply: `C = alpha·op(A)·op(B) + beta·C` for row-major,
//! possibly strided, `f32`/`f64` operands, where `op` is identity or
//! transpose.
//!
//! # Layout of this module
//! - [`gemm`] (this file): argument checking, the choice between the direct
//!   path for tiny products and the blocked path, threads.
//! - `loops.rs`: the Goto/BLIS loop nest around a register-blocked
//!   microkernel: split `n` by `NC`, `k` by `KC` (pack B̃), `m` by `MC` (pack
//!   Ã), then `NR`-wide and `MR`-tall micro-tiles. For skinny products
//!   (C at most two micro-panels wide, e.g. the 1024→10 logits layer) A is
//!   read in place instead of packed, in tiles as wide as C.
//! - `stream.rs`: at most four rows of C times a large row-major B
//!   (batch-1 inference): B read row after row into sums kept in L1, for
//!   every kernel but AVX-512 (each compiles it with its target features
//!   and its tiles' rounding; the AVX-512 kernel keeps its own,
//!   `x86_avx512/stream.rs`: on two threads the shared code took
//!   1.07–1.17× its time for one row).
//! - `ahead.rs`: names the source of the B̃ micro-panel the loop nest
//!   packs next, so a kernel that prefetches (AVX-512) can bring it into
//!   L2 while it sweeps the current one.
//! - `pack.rs`: copies blocks of A and B into the contiguous, zero-padded
//!   panels the microkernels read (kernels may override B's packing: the
//!   AVX2 one transposes 8×8 blocks in registers for a transposed B).
//! - `kernel/`: the microkernels, one file per instruction set, chosen once at
//!   runtime ([`Kernel`]); `portable.rs` is plain Rust that LLVM vectorizes and
//!   builds on every target. The AVX2 kernel handles ragged edge tiles with
//!   smaller register tiles and writes C directly. The AVX-512 kernel
//!   (`x86_avx512/`, Rust ≥ 1.89) packs products into wider tiles (12×32
//!   f32, 8×24 f64, against AVX2's 6×16 and 6×8); small and skinny ones
//!   with op(A) row-major or transposed, and tiny ones with both operands
//!   row-major, it runs on the operands in place (no packing); other tiny
//!   ones it leaves to the AVX2 direct path; a few rows of C times a large
//!   B stream B row by row (its own `stream.rs`). `exp.rs` and `log.rs`
//!   in both hold the vector `exp` and `ln` (ports of glibc's) that the
//!   layers' f64 sigmoid, softmax and losses use; `kernel/maps.rs` picks
//!   the one a kernel runs, only where it matches std's bit for bit.
//! - `small.rs`: tiny products (the spiral net's 30×2·2×10; with the AVX2
//!   kernel also f32 up to 64³ when B is at most 16 KiB) skip packing and
//!   blocking: with AVX2 they run the register tiles straight on the
//!   operands, otherwise a plain loop.
//! - `threads.rs`: the thread bound, the split of C into parts, and the
//!   threads that run them: a persistent worker pool (`threads/pool.rs`,
//!   feature `simd`) or scoped threads (`threads/scoped.rs`, the safe build).
//! - `view.rs` / `view_safe.rs`: the mutable view of C the loop nest and the
//!   kernels write through: a raw pointer with a leading dimension (feature
//!   `simd`), or a `&mut [T]` with a leading dimension (the safe build).
//!
//! # Numerics
//! Every element of C is accumulated over `k` in increasing order, in blocks
//! of `KC` (fixed by `k` alone), by the same instruction sequence whatever
//! the thread count or the part of C a thread works on, so the result is
//! bit-identical for 1 or many threads. On the direct path with FMA
//! hardware each element is one fused multiply-add chain over `k`, which is
//! what OpenBLAS does for small products (the book's numpy runs).
//!
//! # Threads
//! `GROUNDUP_THREADS` (read once; default
//! [`std::thread::available_parallelism`]) or [`set_threads`] choose how many
//! threads a large product may use; a product gets one thread per
//! [`MIN_FLOPS_PER_THREAD`]. With the `simd` feature (default), workers are
//! started on first need and then reused for the life of the process: after
//! warm-up a product, threaded or not, allocates nothing. Where threads cannot be started (wasm32, a
//! sandbox, a thread limit), products run on the calling thread.
//!
//! # The safe build
//! Without the default feature `simd` (`--no-default-features`) the crate
//! forbids `unsafe` code. Only [`Kernel::Portable`] is available (asking for
//! another through `GROUNDUP_KERNEL` warns and falls back; [`gemm_with`]
//! with one panics, as for a kernel the CPU lacks), and a threaded product
//! starts scoped threads ([`std::thread::scope`]) over disjoint row blocks of
//! C (`split_at_mut`), so each threaded product allocates (thread handles
//! and the new threads' packing buffers) and pays for starting threads
//! (products get a thread per 8 × [`MIN_FLOPS_PER_THREAD`] flops there);
//! single-threaded and small products still allocate nothing after
//! warm-up. Every element is computed by the same instructions as with the
//! portable kernel of the default build, so the results are bit-identical
//! (`tests/gemm_safe_build.rs`).

mod ahead;
// Unsafe code lives only in the `simd` build's kernel modules, thread pool
// (`threads/pool.rs`), teams (`threads/team.rs`) and raw-pointer view of C; without `simd` the crate
// forbids it, and the safe view of C (`view_safe.rs`) replaces `view.rs`.
#[cfg_attr(feature = "simd", allow(unsafe_code))]
mod kernel;
mod loops;
mod pack;
mod small;
mod stream;
mod threads;
#[cfg(feature = "simd")]
#[allow(unsafe_code)]
mod view;
#[cfg(not(feature = "simd"))]
#[path = "view_safe.rs"]
mod view;

pub use kernel::Kernel;
#[doc(hidden)]
pub use kernel::{audit_vector_maps, with_full_width_avx512, VecMapAudit};
pub(crate) use kernel::{KernelElem, VecMap};
use loops::{Operand, Problem};
pub(crate) use threads::for_each_part;
#[doc(hidden)]
pub use threads::{
    fail_thread_spawns_for_testing, take_split_record, thread_spawn_failures, SplitRecord,
};
#[cfg(feature = "simd")]
#[doc(hidden)]
pub use threads::{run_alone_for_testing, teams_for_testing};
pub use threads::{set_threads, threads, MIN_FLOPS_PER_THREAD};
use view::CView;

use crate::scalar::Scalar;

/// The deepest product that every kernel sums in one pass: for `k` up to
/// this, each element of `op(A)·op(B)` is one in-order chain `s` over all
/// of `k` (one KC block; the smallest KC of any kernel is 256), and
/// `C = alpha·op(A)·op(B) + beta·C` stores `alpha·s + beta·C` with each
/// product rounded on its own, exactly as the separate passes would.
///
/// So with `k ≤ ONE_PASS_DEPTH` the SGD step can be folded into the
/// gradient's product: `W.gemm(-lr, x, Yes, dout, No, 1)` gives the bits of
/// `g = xᵀ·dout` followed by `W -= lr·g` (this is what
/// [`Layer::backward_sgd`](crate::layers::Layer::backward_sgd) does). Deeper
/// products add each KC block's scaled sum to C in turn, which rounds
/// differently.
///
/// ```
/// use groundup::gemm::{Transpose, ONE_PASS_DEPTH};
/// use groundup::Matrix;
/// let k = ONE_PASS_DEPTH;
/// let x = Matrix::from_fn(k, 5, |i, j| ((i * 7 + j * 3) % 11) as f32 * 0.37 - 1.3);
/// let dout = Matrix::from_fn(k, 4, |i, j| ((i * 5 + j) % 13) as f32 * 0.11 - 0.6);
/// let w0 = Matrix::from_fn(5, 4, |i, j| (i as f32 - j as f32) * 0.25);
/// let lr = 0.01f32;
/// // Two passes: the gradient, then the step.
/// let mut g = Matrix::zeros(5, 4);
/// g.gemm(1.0, &x, Transpose::Yes, &dout, Transpose::No, 0.0);
/// let mut two = w0.clone();
/// two.zip_map_inplace(&g, |w, g| w - lr * g);
/// // One pass: the step folded into the product's store.
/// let mut one = w0.clone();
/// one.gemm(-lr, &x, Transpose::Yes, &dout, Transpose::No, 1.0);
/// assert_eq!(one, two); // bit for bit
/// ```
pub const ONE_PASS_DEPTH: usize = 256;

/// Whether an operand enters the product as stored or transposed.
///
/// ```
/// use groundup::{matrix, Matrix, Transpose};
/// let x = matrix![[1.0f64, 2.0], [3.0, 4.0]];
/// let mut gram = Matrix::zeros(2, 2);
/// // xᵀ·x without materializing xᵀ: [[1*1 + 3*3, 1*2 + 3*4], [.., 2*2 + 4*4]]
/// gram.gemm(1.0, &x, Transpose::Yes, &x, Transpose::No, 0.0);
/// assert_eq!(gram, matrix![[10.0, 14.0], [14.0, 20.0]]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transpose {
    /// `op(X) = X`.
    No,
    /// `op(X) = Xᵀ`, read in place (no copy is made).
    Yes,
}

impl Transpose {
    /// The shape of `op(X)` for a stored shape `(rows, cols)`.
    ///
    /// ```
    /// use groundup::Transpose;
    /// assert_eq!(Transpose::No.apply((2, 3)), (2, 3));
    /// assert_eq!(Transpose::Yes.apply((2, 3)), (3, 2));
    /// ```
    #[inline]
    pub fn apply(self, (rows, cols): (usize, usize)) -> (usize, usize) {
        match self {
            Transpose::No => (rows, cols),
            Transpose::Yes => (cols, rows),
        }
    }
}

/// How a product is run: which microkernel and how many threads at most.
///
/// ```
/// use groundup::gemm::{with_config, Config, Kernel};
/// use groundup::Matrix;
/// let a = Matrix::from_fn(128, 128, |i, j| ((i * 7 + j * 3) % 11) as f32 / 10.0 - 0.5);
/// let run = |threads| {
///     let config = Config { kernel: Kernel::selected(), threads };
///     with_config(config, || a.matmul(&a))
/// };
/// let one = run(1);
/// // Each sum over k runs in the same order however C is split: bit-identical.
/// assert_eq!(run(2), one);
/// let c00: f32 = (0..128).map(|k| a[(0, k)] * a[(k, 0)]).sum();
/// assert!((one[(0, 0)] - c00).abs() < 1e-4);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// The microkernel.
    pub kernel: Kernel,
    /// Upper bound on threads (≥ 1); small products use fewer.
    pub threads: usize,
}

impl Config {
    /// The configuration products on this thread use: the one set by an
    /// enclosing [`with_config`], else the process-wide default
    /// ([`Kernel::selected`] and [`threads()`]).
    ///
    /// ```
    /// use groundup::gemm::{threads, with_config, Config, Kernel};
    /// let default = Config::current();
    /// assert_eq!(default, Config { kernel: Kernel::selected(), threads: threads() });
    /// let one = Config { kernel: Kernel::Portable, threads: 1 };
    /// with_config(one, || assert_eq!(Config::current(), one));
    /// assert_eq!(Config::current(), default); // restored when the closure returns
    /// ```
    pub fn current() -> Config {
        OVERRIDE.with(|o| o.get()).unwrap_or_else(|| Config {
            kernel: Kernel::selected(),
            threads: threads(),
        })
    }
}

thread_local! {
    static OVERRIDE: std::cell::Cell<Option<Config>> = const { std::cell::Cell::new(None) };
}

/// Runs `f` with every product on this thread (layers, `Matrix::matmul`,
/// [`gemm`]) using `config`; the previous setting is restored afterwards,
/// also when `f` panics. Tests use it to run whole training steps on each
/// kernel and thread count.
///
/// ```
/// use groundup::gemm::{with_config, Config, Kernel};
/// use groundup::Matrix;
/// let a = Matrix::<f32>::filled(64, 64, 1.0);
/// let c = with_config(Config { kernel: Kernel::Portable, threads: 1 }, || a.matmul(&a));
/// assert_eq!(c[(0, 0)], 64.0);
/// ```
pub fn with_config<R>(config: Config, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Config>);
    impl Drop for Restore {
        fn drop(&mut self) {
            OVERRIDE.with(|o| o.set(self.0));
        }
    }
    let _restore = Restore(OVERRIDE.with(|o| o.replace(Some(config))));
    f()
}

fn required_len(rows: usize, cols: usize, ld: usize) -> Option<usize> {
    if rows == 0 || cols == 0 {
        Some(0)
    } else {
        (rows - 1).checked_mul(ld)?.checked_add(cols)
    }
}

/// Panics with the numbers unless a slice of `len` elements holds `op(X)`
/// of shape `shape_op` with leading dimension `ld`. The check is a few
/// integer operations; the message is built out of line.
#[inline(always)]
fn check_operand(name: &str, len: usize, op: Transpose, shape_op: (usize, usize), ld: usize) {
    let stored = op.apply(shape_op);
    let ld_ok = stored.1 <= ld || stored.0 <= 1;
    let len_ok = matches!(required_len(stored.0, stored.1, ld), Some(need) if need <= len);
    if !(ld_ok && len_ok) {
        operand_error(name, len, stored, ld);
    }
}

#[cold]
#[inline(never)]
fn operand_error(name: &str, len: usize, stored: (usize, usize), ld: usize) -> ! {
    if stored.1 > ld && stored.0 > 1 {
        panic!(
            "gemm: leading dimension of {name} is {ld}, smaller than its stored row length {} (stored shape ({}, {}))",
            stored.1, stored.0, stored.1
        );
    }
    let need = required_len(stored.0, stored.1, ld);
    panic!(
        "gemm: {name} has stored shape ({}, {}) with leading dimension {ld}, which needs {} elements, but the slice has {len}",
        stored.0,
        stored.1,
        need.map_or("more than usize::MAX".to_string(), |n| n.to_string())
    );
}

/// `C = alpha·op(A)·op(B) + beta·C`, BLAS-style on row-major slices.
///
/// `op(A)` is `m x k`, `op(B)` is `k x n`, `C` is `m x n`. `lda`, `ldb`, `ldc`
/// are the distances between consecutive *stored* rows (≥ the stored row
/// length), so a sub-matrix is a slice starting at its first element plus
/// the parent's leading dimension. When `beta == 0`, C is not read (it may
/// hold NaN). When `k == 0`, `C = beta·C`.
///
/// Uses the process-wide kernel and thread settings; see [`gemm_with`].
///
/// # Panics
/// When a slice is too short for its shape and leading dimension, or a
/// leading dimension is smaller than the row it must hold; the message names
/// the operand and the numbers.
///
/// ```
/// use groundup::gemm::{gemm, Transpose};
/// // A is 2x3, B is 2x3 stored, used transposed: C = A·Bᵀ is 2x2.
/// let a = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
/// let b = [1.0f32, 0.0, 0.0, 0.0, 1.0, 0.0];
/// let mut c = [f32::NAN; 4];
/// gemm(2, 2, 3, 1.0, &a, 3, Transpose::No, &b, 3, Transpose::Yes, 0.0, &mut c, 2);
/// assert_eq!(c, [1.0, 2.0, 4.0, 5.0]);
/// ```
#[allow(clippy::too_many_arguments)]
pub fn gemm<T: Scalar>(
    m: usize,
    n: usize,
    k: usize,
    alpha: T,
    a: &[T],
    lda: usize,
    op_a: Transpose,
    b: &[T],
    ldb: usize,
    op_b: Transpose,
    beta: T,
    c: &mut [T],
    ldc: usize,
) {
    gemm_with(
        Config::current(),
        m,
        n,
        k,
        alpha,
        a,
        lda,
        op_a,
        b,
        ldb,
        op_b,
        beta,
        c,
        ldc,
    )
}

/// [`gemm`] with an explicit kernel and thread bound (tests run every kernel
/// and thread count through this). Panics as [`gemm`] does, and also when
/// `config.kernel` is not [`available`](Kernel::is_available) on this CPU
/// or in this build.
///
/// ```
/// use groundup::gemm::{gemm_with, Config, Kernel, Transpose};
/// // A = [[1, 2, 3], [4, 5, 6]], B = [[7, 8], [9, 10], [11, 12]]: A·B = [[58, 64], [139, 154]].
/// let a = [1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0];
/// let b = [7.0, 8.0, 9.0, 10.0, 11.0, 12.0];
/// for kernel in Kernel::available() {
///     let mut c = [1.0; 4];
///     let config = Config { kernel, threads: 1 };
///     // alpha = 2, beta = 1: C = 2·A·B + C.
///     gemm_with(config, 2, 2, 3, 2.0, &a, 3, Transpose::No, &b, 2, Transpose::No, 1.0, &mut c, 2);
///     assert_eq!(c, [117.0, 129.0, 279.0, 309.0]);
/// }
/// ```
#[allow(clippy::too_many_arguments)]
pub fn gemm_with<T: Scalar>(
    config: Config,
    m: usize,
    n: usize,
    k: usize,
    alpha: T,
    a: &[T],
    lda: usize,
    op_a: Transpose,
    b: &[T],
    ldb: usize,
    op_b: Transpose,
    beta: T,
    c: &mut [T],
    ldc: usize,
) {
    gemm_bias_with(
        config, m, n, k, alpha, a, lda, op_a, b, ldb, op_b, beta, None, c, ldc,
    )
}

/// `C = op(A)·op(B) + bias`, `bias` (`n` elements) added to every row after
/// the product is rounded: the bits of [`gemm`] (`alpha = 1`, `beta = 0`)
/// followed by `C[i, j] += bias[j]`, which is `x·W + b`. Small products add
/// the bias in the kernel's stores, without a second pass over C.
///
/// # Panics
/// As [`gemm`] does, and when `bias.len() != n`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn gemm_plus_row<T: Scalar>(
    m: usize,
    n: usize,
    k: usize,
    a: &[T],
    lda: usize,
    op_a: Transpose,
    b: &[T],
    ldb: usize,
    op_b: Transpose,
    bias: &[T],
    c: &mut [T],
    ldc: usize,
) {
    assert!(
        bias.len() == n,
        "gemm: bias has {} elements for a product with {n} columns",
        bias.len()
    );
    gemm_bias_with(
        Config::current(),
        m,
        n,
        k,
        T::ONE,
        a,
        lda,
        op_a,
        b,
        ldb,
        op_b,
        T::ZERO,
        Some(bias),
        c,
        ldc,
    )
}

/// [`gemm_with`], then `C[i, j] += bias[j]` when `bias` is given. Inlined
/// into both callers, so `gemm_with` carries no code for the bias.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn gemm_bias_with<T: Scalar>(
    config: Config,
    m: usize,
    n: usize,
    k: usize,
    alpha: T,
    a: &[T],
    lda: usize,
    op_a: Transpose,
    b: &[T],
    ldb: usize,
    op_b: Transpose,
    beta: T,
    bias: Option<&[T]>,
    c: &mut [T],
    ldc: usize,
) {
    check_operand("A", a.len(), op_a, (m, k), lda);
    check_operand("B", b.len(), op_b, (k, n), ldb);
    check_operand("C", c.len(), Transpose::No, (m, n), ldc);
    if !config.kernel.is_available() {
        kernel_unavailable(config.kernel);
    }
    if m == 0 || n == 0 {
        return;
    }
    let operand = |data, ld, op| match op {
        Transpose::No => Operand {
            data,
            rs: ld,
            cs: 1,
        },
        Transpose::Yes => Operand {
            data,
            rs: 1,
            cs: ld,
        },
    };
    let mut p = Problem {
        m,
        n,
        k,
        alpha,
        a: operand(a, lda, op_a),
        b: operand(b, ldb, op_b),
        beta,
        c: CView::new(c, m, n, ldc),
    };
    let direct = k > 0
        && alpha != T::ZERO
        && config
            .kernel
            .takes_direct(m, n, k, T::BYTES, op_b == Transpose::Yes);
    match bias {
        Some(bias) if direct => T::small_bias(config.kernel, &mut p, bias),
        _ => {
            if k == 0 || alpha == T::ZERO {
                small::scale_rows(&mut p.c, beta);
            } else if direct {
                T::small(config.kernel, &mut p);
            } else {
                threads::run_blocked(config, &mut p);
            }
            if let Some(bias) = bias {
                small::add_row(&mut p.c, bias);
            }
        }
    }
}

#[cold]
#[inline(never)]
fn kernel_unavailable(kernel: Kernel) -> ! {
    panic!("gemm: kernel {kernel:?} is {}", kernel.unavailable_reason())
}

#[cfg(test)]
mod bias_tests {
    use super::*;

    /// Values of mixed sign and magnitude (so that adding the bias before
    /// or inside the product's rounding would change bits).
    fn values<T: Scalar>(len: usize, seed: u64) -> Vec<T> {
        let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..len)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                let unit = (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
                T::from_f64(unit * [1.0, 1e-3, 37.0, 1e4][(s % 4) as usize])
            })
            .collect()
    }

    /// `gemm_plus_row` (and the general `gemm_bias_with`, other `alpha` and
    /// `beta`) against `gemm_with` followed by one add per element, bit for
    /// bit, for every kernel of this build, 1 and 2 threads, all four
    /// transposes, shapes around the tiles' edges (direct and blocked). With
    /// `beta = 0` C starts as NaN, which must not be read.
    fn matches_product_then_add<T: Scalar>() {
        let shapes = [
            (1, 1, 1),
            (30, 10, 2),
            (30, 3, 10),
            (10, 3, 30),
            (2, 10, 30),
            (7, 9, 3),
            (6, 8, 5),
            (13, 17, 11),
            (5, 33, 4),
            (31, 16, 7),
            (64, 64, 64),
            (97, 40, 130),
        ];
        let scalars = [(1.0, 0.0), (2.5, 0.0), (1.0, 1.0), (-0.5, 0.25)];
        for kernel in Kernel::available() {
            for threads in [1, 2] {
                let config = Config { kernel, threads };
                for (m, n, k) in shapes {
                    for (op_a, op_b) in [
                        (Transpose::No, Transpose::No),
                        (Transpose::Yes, Transpose::No),
                        (Transpose::No, Transpose::Yes),
                        (Transpose::Yes, Transpose::Yes),
                    ] {
                        let lda = if op_a == Transpose::No { k } else { m };
                        let ldb = if op_b == Transpose::No { n } else { k };
                        let a = values::<T>(m * k, 1 + m as u64);
                        let b = values::<T>(k * n, 2 + n as u64);
                        let bias = values::<T>(n, 3 + k as u64);
                        for (alpha, beta) in scalars {
                            let (alpha, beta) = (T::from_f64(alpha), T::from_f64(beta));
                            let c0 = if beta == T::ZERO {
                                vec![T::from_f64(f64::NAN); m * n]
                            } else {
                                values::<T>(m * n, 4)
                            };
                            let mut want = c0.clone();
                            gemm_with(
                                config, m, n, k, alpha, &a, lda, op_a, &b, ldb, op_b, beta,
                                &mut want, n,
                            );
                            for row in want.chunks_exact_mut(n) {
                                for (v, &bj) in row.iter_mut().zip(&bias) {
                                    *v += bj;
                                }
                            }
                            let mut got = c0.clone();
                            if alpha == T::ONE && beta == T::ZERO {
                                with_config(config, || {
                                    gemm_plus_row(
                                        m, n, k, &a, lda, op_a, &b, ldb, op_b, &bias, &mut got, n,
                                    )
                                });
                            } else {
                                gemm_bias_with(
                                    config,
                                    m,
                                    n,
                                    k,
                                    alpha,
                                    &a,
                                    lda,
                                    op_a,
                                    &b,
                                    ldb,
                                    op_b,
                                    beta,
                                    Some(&bias),
                                    &mut got,
                                    n,
                                );
                            }
                            let bits = |v: &[T]| {
                                v.iter().map(|x| x.to_f64().to_bits()).collect::<Vec<_>>()
                            };
                            assert!(
                                bits(&want) == bits(&got),
                                "{kernel:?} {} threads {threads} ({m}, {n}, {k}) {op_a:?} {op_b:?} alpha {alpha:?} beta {beta:?}:\n{want:?}\n{got:?}",
                                T::DTYPE
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn plus_row_is_the_product_then_the_add_f64() {
        matches_product_then_add::<f64>();
    }

    #[test]
    fn plus_row_is_the_product_then_the_add_f32() {
        matches_product_then_add::<f32>();
    }

    #[test]
    #[should_panic(expected = "gemm: bias has 2 elements for a product with 3 columns")]
    fn plus_row_rejects_a_bias_of_another_length() {
        let mut c = [0.0f64; 3];
        gemm_plus_row(
            1,
            3,
            1,
            &[1.0],
            1,
            Transpose::No,
            &[1.0; 3],
            3,
            Transpose::No,
            &[0.0; 2],
            &mut c,
            3,
        );
    }
}
