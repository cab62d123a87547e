//! Microkernels and their runtime selection.
//!
//! # The microkernel contract (after BLIS's)
//! A microkernel multiplies an `MR x k` micro-panel of Ã by a `k x NR`
//! micro-panel of B̃ and writes `C_tile = alpha·(Ã·B̃) + beta·C_tile`:
//! - Ã is packed column by column: element `(i, p)` at `a[p*MR + i]`;
//! - B̃ is packed row by row: element `(p, j)` at `b[p*NR + j]`;
//! - both are zero-padded to full `MR`/`NR`, so the arithmetic never branches
//!   on edges; only the final store writes the `rows x cols ≤ MR x NR` part
//!   of the tile that exists (kernels with `DIRECT` may also read op(A) in
//!   place, [`ASrc::Strided`], and then read only the rows that exist);
//! - when `beta == 0`, C is not read (it may hold NaN or uninitialized data);
//! - every accumulator sums over `p` in increasing order.
//!
//! Kernels are zero-sized tokens: an ISA-specific token can only be obtained
//! after runtime detection succeeded, which is what makes calling its
//! `#[target_feature]` code sound.
//!
//! # The `simd` feature
//! The ISA-specific kernel modules (all of this module's `unsafe` code) are
//! compiled only with the default feature `simd`; every SIMD module must be
//! gated on it (`#[cfg(all(target_arch = ..., feature = "simd"))]`). Without
//! it every [`Kernel`] variant still exists (the public API does not depend
//! on features), but only [`Kernel::Portable`] is available.

#[cfg(all(target_arch = "aarch64", feature = "simd"))]
mod aarch64_neon;
#[cfg(all(
    target_arch = "x86_64",
    feature = "simd",
    target_os = "linux",
    target_env = "gnu"
))]
mod exp_table;
#[cfg(all(
    target_arch = "x86_64",
    feature = "simd",
    target_os = "linux",
    target_env = "gnu"
))]
mod log_table;
mod maps;
mod portable;
#[cfg(all(target_arch = "x86_64", feature = "simd"))]
mod x86_avx2;
#[cfg(all(target_arch = "x86_64", feature = "simd", groundup_avx512))]
mod x86_avx512;

use super::ahead::Ahead;
use super::loops::{self, Operand, Problem};
use super::small;
use super::view::CView;
pub(crate) use maps::VecMap;
pub use maps::{audit_vector_maps, VecMapAudit};
use std::sync::OnceLock;

/// A microkernel family, chosen once per process (see [`Kernel::selected`]).
/// New instruction sets may be added: match with a wildcard arm.
///
/// ```
/// use groundup::gemm::{with_config, Config, Kernel};
/// use groundup::matrix;
/// // Every kernel this CPU has gives the same small product.
/// let a = matrix![[1.0f32, 2.0], [3.0, 4.0]];
/// for kernel in Kernel::available() {
///     let c = with_config(Config { kernel, threads: 1 }, || a.matmul(&a));
///     assert_eq!(c, matrix![[7.0, 10.0], [15.0, 22.0]]);
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kernel {
    /// Plain Rust (MR×NR accumulators in arrays) that LLVM vectorizes for the
    /// baseline of the target (SSE2 on x86-64). Runs everywhere.
    Portable,
    /// Hand-written AVX2 + FMA kernels: 6×16 for f32, 6×8 for f64 (x86-64,
    /// detected at runtime; needs the `simd` feature, default).
    Avx2Fma,
    /// Hand-written AVX-512F kernels: 12×32 for f32, 8×24 for f64 (x86-64
    /// with AVX-512F and VL, detected at runtime; needs the `simd` feature
    /// and Rust ≥ 1.89, where the 512-bit intrinsics are stable). Packed
    /// tiles for large products; small (f64 up to 128³ multiply-adds, f32
    /// up to twice that) and skinny ones (C at most two vectors wide) with
    /// op(A) row-major or transposed, and tiny ones with both operands
    /// row-major, read the operands in place (a skinny product's
    /// transposed B is copied in narrow blocks), C at most four columns
    /// wide in 4-lane vectors and f32 C of five to eight in 8-lane ones; at
    /// most four rows of C wider than two vectors times a large row-major
    /// B stream B row by row; tiny ones with a transposed operand, and f32
    /// ones in the AVX2 kernel's direct range deeper than one block with a
    /// transposed operand, run that kernel's direct path (with both
    /// row-major, the in-place tiles in one pass). On AMD Zen 4, which
    /// executes a 512-bit FMA as two 256-bit halves, a product on one
    /// thread that reaches the packed loop nest runs `Avx2Fma`'s tiles
    /// (f64: above 256 rows of C), and the in-place tiles take products up
    /// to eight times larger; both measured faster there. Same arithmetic
    /// as `Avx2Fma`, so the same bits.
    Avx512,
    /// Hand-written NEON kernels: 8×12 for f32, 6×8 for f64 (aarch64, where
    /// NEON is baseline; needs the `simd` feature, default).
    Neon,
}

impl Kernel {
    /// Every kernel this build knows, available or not.
    ///
    /// ```
    /// use groundup::gemm::Kernel;
    /// let names: Vec<&str> = Kernel::ALL.iter().map(|k| k.name()).collect();
    /// assert_eq!(names, ["portable", "avx2", "avx512", "neon"]);
    /// assert!(Kernel::available().iter().all(|k| Kernel::ALL.contains(k)));
    /// ```
    pub const ALL: [Kernel; 4] = [
        Kernel::Portable,
        Kernel::Avx2Fma,
        Kernel::Avx512,
        Kernel::Neon,
    ];

    /// Its name as accepted by `GROUNDUP_KERNEL`: `portable`, `avx2`,
    /// `avx512`, `neon`.
    ///
    /// ```
    /// use groundup::gemm::Kernel;
    /// assert_eq!(Kernel::Avx2Fma.name(), "avx2");
    /// // How GROUNDUP_KERNEL's value is looked up.
    /// let found = Kernel::ALL.into_iter().find(|k| k.name() == "neon");
    /// assert_eq!(found, Some(Kernel::Neon));
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Portable => "portable",
            Kernel::Avx2Fma => "avx2",
            Kernel::Avx512 => "avx512",
            Kernel::Neon => "neon",
        }
    }

    /// Whether this CPU can run it (runtime detection) and this build has
    /// it (feature `simd`).
    ///
    /// ```
    /// use groundup::gemm::Kernel;
    /// assert!(Kernel::Portable.is_available());
    /// // A SIMD kernel exists only on its own architecture.
    /// assert!(!Kernel::Avx2Fma.is_available() || cfg!(target_arch = "x86_64"));
    /// assert!(!Kernel::Neon.is_available() || cfg!(target_arch = "aarch64"));
    /// ```
    pub fn is_available(self) -> bool {
        match self {
            Kernel::Portable => true,
            #[cfg(all(target_arch = "x86_64", feature = "simd"))]
            Kernel::Avx2Fma => x86_avx2::Avx2::detect().is_some(),
            #[cfg(not(all(target_arch = "x86_64", feature = "simd")))]
            Kernel::Avx2Fma => false,
            #[cfg(all(target_arch = "x86_64", feature = "simd", groundup_avx512))]
            Kernel::Avx512 => x86_avx512::Avx512::detect().is_some(),
            #[cfg(not(all(target_arch = "x86_64", feature = "simd", groundup_avx512)))]
            Kernel::Avx512 => false,
            Kernel::Neon => cfg!(all(target_arch = "aarch64", feature = "simd")),
        }
    }

    /// The fused multiply-add throughput one thread reaches with this
    /// kernel's instruction set on this core, in GFLOP/s of `dtype`: the
    /// limit no product can beat (independent chains of vector FMAs, no
    /// memory traffic; 2 flops per lane). Timed in blocks of about 10 ms
    /// for `seconds` (at least three blocks); the median block. `None` for
    /// the portable kernel (it has no vector FMA of its own) and for a
    /// kernel that is not [`available`](Kernel::is_available).
    ///
    /// Quote a product's GFLOP/s as a fraction of this, measured in the same
    /// run: clocks move with temperature and the other core's load.
    ///
    /// ```
    /// use groundup::{gemm::Kernel, DType};
    /// assert_eq!(Kernel::Portable.fma_peak_gflops(DType::F32, 0.01), None);
    /// if let Some(peak) = Kernel::selected().fma_peak_gflops(DType::F64, 0.01) {
    ///     assert!(peak > 0.1, "{peak}");
    /// }
    /// ```
    pub fn fma_peak_gflops(self, dtype: crate::DType, seconds: f64) -> Option<f64> {
        // One block of `iters` rounds: (flops, seconds).
        let block = |iters: u64| -> Option<(f64, f64)> {
            let start = std::time::Instant::now();
            let flops = self.fma_rounds(dtype, iters)?;
            Some((flops, start.elapsed().as_secs_f64()))
        };
        // Calibrate: grow the block until it takes about 10 ms.
        let mut iters = 1u64 << 10;
        loop {
            let (_, t) = block(iters)?;
            if t >= 0.01 || iters >= 1 << 40 {
                break;
            }
            iters = iters.saturating_mul(if t < 1e-3 { 8 } else { 2 });
        }
        let start = std::time::Instant::now();
        let mut rates = Vec::new();
        while rates.len() < 3 || start.elapsed().as_secs_f64() < seconds {
            let (flops, t) = block(iters)?;
            rates.push(flops / t / 1e9);
        }
        rates.sort_by(f64::total_cmp);
        Some(rates[rates.len() / 2])
    }

    /// The flops of `iters` rounds of this kernel's FMA peak loop, run now;
    /// `None` where there is none (see [`Kernel::fma_peak_gflops`]).
    #[allow(unused_variables)] // builds without a vector kernel have no arm using them
    fn fma_rounds(self, dtype: crate::DType, iters: u64) -> Option<f64> {
        match (self, dtype) {
            #[cfg(all(target_arch = "x86_64", feature = "simd"))]
            (Kernel::Avx2Fma, crate::DType::F32) => {
                let t = x86_avx2::Avx2::detect()?;
                let (f, c) =
                    x86_avx2::peak::fma_rounds(t, iters, std::hint::black_box(0.999f32), 1e-3);
                std::hint::black_box(c);
                Some(f)
            }
            #[cfg(all(target_arch = "x86_64", feature = "simd"))]
            (Kernel::Avx2Fma, crate::DType::F64) => {
                let t = x86_avx2::Avx2::detect()?;
                let (f, c) =
                    x86_avx2::peak::fma_rounds(t, iters, std::hint::black_box(0.999f64), 1e-3);
                std::hint::black_box(c);
                Some(f)
            }
            #[cfg(all(target_arch = "x86_64", feature = "simd", groundup_avx512))]
            (Kernel::Avx512, crate::DType::F32) => {
                let t = x86_avx512::Avx512::detect()?;
                let (f, c) = x86_avx512::fma_rounds(t, iters, std::hint::black_box(0.999f32), 1e-3);
                std::hint::black_box(c);
                Some(f)
            }
            #[cfg(all(target_arch = "x86_64", feature = "simd", groundup_avx512))]
            (Kernel::Avx512, crate::DType::F64) => {
                let t = x86_avx512::Avx512::detect()?;
                let (f, c) = x86_avx512::fma_rounds(t, iters, std::hint::black_box(0.999f64), 1e-3);
                std::hint::black_box(c);
                Some(f)
            }
            #[cfg(all(target_arch = "aarch64", feature = "simd"))]
            (Kernel::Neon, crate::DType::F32) => {
                let (f, c) =
                    aarch64_neon::peak::fma_rounds(iters, std::hint::black_box(0.999f32), 1e-3);
                std::hint::black_box(c);
                Some(f)
            }
            #[cfg(all(target_arch = "aarch64", feature = "simd"))]
            (Kernel::Neon, crate::DType::F64) => {
                let (f, c) =
                    aarch64_neon::peak::fma_rounds(iters, std::hint::black_box(0.999f64), 1e-3);
                std::hint::black_box(c);
                Some(f)
            }
            _ => None,
        }
    }

    /// The kernels this CPU can run, fastest last.
    ///
    /// ```
    /// use groundup::gemm::Kernel;
    /// let kernels = Kernel::available();
    /// assert_eq!(kernels[0], Kernel::Portable); // always there, and the slowest
    /// assert!(kernels.iter().all(|k| k.is_available()));
    /// ```
    pub fn available() -> Vec<Kernel> {
        Self::ALL.into_iter().filter(|k| k.is_available()).collect()
    }

    /// Why [`is_available`](Kernel::is_available) is false: not on this
    /// CPU, or not in this build.
    pub(crate) fn unavailable_reason(self) -> &'static str {
        if !cfg!(feature = "simd") && self != Kernel::Portable {
            "not compiled in (built without the `simd` feature)"
        } else if self == Kernel::Avx512 && !cfg!(groundup_avx512) {
            "not compiled in (needs Rust 1.89 or later)"
        } else {
            "not available on this CPU"
        }
    }

    /// The process-wide choice, made on first use: `GROUNDUP_KERNEL=portable`
    /// or `=avx2` forces one (an unavailable or unknown name falls back to
    /// detection, with a warning on stderr); otherwise the fastest available.
    ///
    /// ```
    /// use groundup::gemm::Kernel;
    /// let k = Kernel::selected();
    /// assert!(k.is_available());
    /// assert_eq!(Kernel::selected(), k); // chosen once, then fixed for the process
    /// ```
    pub fn selected() -> Kernel {
        static SELECTED: OnceLock<Kernel> = OnceLock::new();
        *SELECTED.get_or_init(|| {
            let best = *Self::available().last().unwrap_or(&Kernel::Portable);
            match std::env::var("GROUNDUP_KERNEL") {
                Ok(v) if !v.is_empty() && v != "auto" => {
                    match Self::ALL.into_iter().find(|k| k.name() == v) {
                        Some(k) if k.is_available() => k,
                        Some(k) => {
                            eprintln!("groundup: GROUNDUP_KERNEL={v}: kernel {k:?} is {}; using {}", k.unavailable_reason(), best.name());
                            best
                        }
                        None => {
                            eprintln!("groundup: GROUNDUP_KERNEL={v} is not one of auto, portable, avx2, neon; using {}", best.name());
                            best
                        }
                    }
                }
                _ => best,
            }
        })
    }
}

/// Where a microkernel reads its `MR x k` block of op(A).
#[derive(Clone, Copy)]
pub(crate) enum ASrc<'a, T> {
    /// A packed micro-panel: element `(i, p)` at `a[p*MR + i]`.
    Packed(&'a [T]),
    /// op(A) in place, offset to the tile's first row: element `(i, p)` at
    /// `data[i*rs + p*cs]`. Only for kernels with [`MicroKernel::DIRECT`].
    /// The loop nest builds it for any kernel, but only DIRECT kernels read
    /// it, and builds without one (targets other than x86-64 and aarch64,
    /// or without the `simd` feature) compile none.
    Strided(
        #[cfg_attr(
            not(all(feature = "simd", any(target_arch = "x86_64", target_arch = "aarch64"))),
            allow(dead_code)
        )]
        Operand<'a, T>,
    ),
}

/// A register-blocked microkernel for element type `T` (see the module docs
/// for the contract). `run` computes the `rows x cols ≤ MR x NR` tile that
/// `c` covers.
pub(crate) trait MicroKernel<T>: Copy + Send + Sync {
    /// Rows of the register tile.
    const MR: usize;
    /// Columns of the register tile.
    const NR: usize;
    /// Rows of Ã packed at a time (loop 3); Ã (MC×KC) is sized for L2.
    const MC: usize;
    /// Depth of one packed block (loop 4); a B̃ micro-panel (KC×NR) is sized
    /// for L1.
    const KC: usize;
    /// Columns of B̃ packed at a time (loop 5); B̃ (KC×NC) is sized for L3.
    const NC: usize;
    /// Whether `run` also accepts [`ASrc::Strided`], and `run_skinny` works.
    const DIRECT: bool;
    /// Whether `run_sweep` prefetches its `ahead` lines. With one block of
    /// rows the loop nest then packs a row-major B a micro-panel at a time,
    /// each copy reading what the sweep before it prefetched (see
    /// `gemm/ahead.rs`); without prefetching it packs a row-major B a whole
    /// block at a time, its rows streaming in order. (A transposed B is
    /// packed a micro-panel at a time either way.)
    const PREFETCHES: bool = false;

    fn run(self, k: usize, alpha: T, a: ASrc<'_, T>, b: &[T], beta: T, c: &mut CView<'_, T>);

    /// [`run`](MicroKernel::run) for a column of whole tiles: `a` holds
    /// `c.rows() / MR` packed micro-panels back to back, `b` one packed
    /// micro-panel, and `c` is `c.rows() x cols` (`c.rows()` a multiple of
    /// `MR`). Kernels may override it to keep the sweep inside one call,
    /// and prefetch the cache lines of `ahead` (what the loop nest packs
    /// next) while it runs.
    #[allow(clippy::too_many_arguments)]
    fn run_sweep(
        self,
        k: usize,
        alpha: T,
        a: &[T],
        b: &[T],
        beta: T,
        c: &mut CView<'_, T>,
        _ahead: Ahead<T>,
    ) where
        T: Copy,
    {
        let cols = c.cols();
        for (ir, a_micro) in a
            .chunks_exact(Self::MR * k)
            .take(c.rows() / Self::MR)
            .enumerate()
        {
            let mut tile = c.sub(ir * Self::MR, 0, Self::MR, cols);
            self.run(k, alpha, ASrc::Packed(a_micro), b, beta, &mut tile);
        }
    }

    /// [`run_sweep`](MicroKernel::run_sweep) with op(A) read in place: `a`
    /// is op(A) at the column's first row (its rows `c.rows()`, a multiple
    /// of `MR`, and `k` columns), `b` one packed micro-panel. Only called
    /// when [`MicroKernel::DIRECT`]; kernels may override it to keep the
    /// sweep inside one call.
    fn run_sweep_in_place(
        self,
        k: usize,
        alpha: T,
        a: Operand<'_, T>,
        b: &[T],
        beta: T,
        c: &mut CView<'_, T>,
    ) where
        T: Copy,
    {
        let cols = c.cols();
        for ir in 0..c.rows() / Self::MR {
            let mut tile = c.sub(ir * Self::MR, 0, Self::MR, cols);
            let a_micro = ASrc::Strided(a.offset(ir * Self::MR, 0));
            self.run(k, alpha, a_micro, b, beta, &mut tile);
        }
    }

    /// `C = alpha·A·B + beta·C` for one KC block of a skinny product (`c`
    /// at most `2·NR` wide), op(A) read in place, op(B) (any layout) copied
    /// into `scratch` (at least `k·2·NR` elements) as the kernel likes it;
    /// every element one in-order FMA chain over `k`, the arithmetic of
    /// `run`. Only called when [`MicroKernel::DIRECT`].
    #[allow(clippy::too_many_arguments)]
    fn run_skinny(
        self,
        _k: usize,
        _alpha: T,
        _a: Operand<'_, T>,
        _b: Operand<'_, T>,
        _beta: T,
        _c: &mut CView<'_, T>,
        _scratch: &mut [T],
    ) {
        unreachable!("run_skinny on a kernel without DIRECT")
    }

    /// Packs the `mc x kc` block `a` of op(A) into `MR`-tall panels (see
    /// [`pack_a`](super::pack::pack_a)); kernels may override it with a
    /// faster copy for some layouts.
    #[inline]
    fn pack_a(self, mc: usize, kc: usize, a: Operand<'_, T>, dst: &mut [T])
    where
        T: crate::Scalar,
    {
        super::pack::pack_a(Self::MR, mc, kc, a, dst)
    }

    /// Packs the `kc x nc` block `b` of op(B) into `NR`-wide panels
    /// (see [`pack_b`](super::pack::pack_b)); kernels may override it with
    /// a faster copy for some layouts.
    #[inline]
    fn pack_b(self, kc: usize, nc: usize, b: Operand<'_, T>, dst: &mut [T])
    where
        T: crate::Scalar,
    {
        super::pack::pack_b(Self::NR, kc, nc, b, dst)
    }

    /// `C = alpha·op(A)·op(B) + beta·C` for a product the loop nest streams
    /// (a few rows of C, a large row-major B: see `gemm/stream.rs`), in
    /// depth blocks of `kc_max`, each multiply-add rounded as this kernel's
    /// tiles round it. The default suits kernels whose tiles add the
    /// rounded product (the portable kernel) and need no target features;
    /// the SIMD kernels call the shared code compiled with theirs.
    #[inline]
    fn stream(self, p: &mut Problem<'_, '_, T>, kc_max: usize)
    where
        T: crate::Scalar,
    {
        super::stream::stream::<T, super::stream::Unfused>(p, kc_max)
    }
}

/// Writes `alpha·acc + beta·C` into the part of the tile that `c` covers,
/// without reading C when `beta == 0`.
#[inline(always)]
pub(crate) fn store_tile<T: crate::Scalar, const MR: usize, const NR: usize>(
    acc: &[[T; NR]; MR],
    alpha: T,
    beta: T,
    c: &mut CView<'_, T>,
) {
    let cols = c.cols();
    for (i, acc_row) in acc.iter().enumerate().take(c.rows()) {
        store_row(c.row_mut(i), &acc_row[..cols], alpha, beta);
    }
}

/// `row = alpha·acc + beta·row` (`alpha·acc` and `beta·row` rounded
/// separately, then added; `row + acc` when both are 1), without reading
/// `row` when `beta == 0`: the store of every kernel's tiles.
#[inline(always)]
pub(crate) fn store_row<T: crate::Scalar>(row: &mut [T], acc: &[T], alpha: T, beta: T) {
    if beta == T::ZERO {
        if alpha == T::ONE {
            row.copy_from_slice(acc);
        } else {
            for (c, &v) in row.iter_mut().zip(acc) {
                *c = alpha * v;
            }
        }
    } else if beta == T::ONE && alpha == T::ONE {
        for (c, &v) in row.iter_mut().zip(acc) {
            *c += v;
        }
    } else {
        for (c, &v) in row.iter_mut().zip(acc) {
            *c = alpha * v + beta * *c;
        }
    }
}

/// Per-element-type dispatch from a [`Kernel`] value to monomorphized code.
/// Part of the sealed [`Scalar`](crate::Scalar) trait; not nameable outside.
pub trait KernelElem: Sized + Copy {
    /// The blocked loop nest on one thread, for the whole product, one
    /// part of it or one member of a team (`share`).
    #[doc(hidden)]
    fn blocked(kernel: Kernel, p: &mut Problem<'_, '_, Self>, share: loops::Share<'_, '_, Self>);
    /// The direct path for tiny products.
    #[doc(hidden)]
    fn small(kernel: Kernel, p: &mut Problem<'_, '_, Self>);
    /// [`KernelElem::small`], then `C[i, j] += bias[j]` (`x·W + b`): added
    /// by the tiles' stores where the kernel can, else by a pass over C;
    /// the same bits either way.
    #[doc(hidden)]
    fn small_bias(kernel: Kernel, p: &mut Problem<'_, '_, Self>, bias: &[Self]);
    /// `(MR, NR)` of the kernel, so threads split C on tile boundaries.
    #[doc(hidden)]
    fn tile(kernel: Kernel) -> (usize, usize);
    /// Whether the loop nest [`KernelElem::blocked`] runs for a team
    /// (`Share::Team`) takes this product as one (`loops::team_runs` of
    /// that nest's kernel); else its first member would run it alone.
    #[doc(hidden)]
    #[cfg(feature = "simd")]
    fn team_runs(kernel: Kernel, p: &Problem<'_, '_, Self>) -> bool;
    /// `dx = dout·(1 − y)·y` element by element (the sigmoid's backward
    /// pass), at the kernel's vector width where it has one: the same bits
    /// on every kernel ([`portable::sigmoid_grad`] is the definition).
    #[doc(hidden)]
    fn sigmoid_grad(kernel: Kernel, dout: &[Self], y: &[Self], dx: &mut [Self]);
    /// `xs[i] /= ds[i]` ([`portable::div_elementwise`]), likewise.
    #[doc(hidden)]
    fn div_elementwise(kernel: Kernel, xs: &mut [Self], ds: &[Self]);
    /// `xs[i] = xs[i]·m / d` ([`portable::mul_div_assign`]), likewise.
    #[doc(hidden)]
    fn mul_div_assign(kernel: Kernel, xs: &mut [Self], m: Self, d: Self);
}

macro_rules! impl_kernel_elem {
    ($t:ty) => {
        impl KernelElem for $t {
            fn blocked(
                kernel: Kernel,
                p: &mut Problem<'_, '_, Self>,
                share: loops::Share<'_, '_, Self>,
            ) {
                thread_local! {
                    static BUFFERS: std::cell::RefCell<loops::PackBuffers<$t>> =
                        std::cell::RefCell::new(loops::PackBuffers::new());
                }
                BUFFERS.with(|bufs| {
                    let bufs = &mut *bufs.borrow_mut();
                    match kernel {
                        Kernel::Portable => loops::gemm_blocked(portable::Portable, p, bufs, share),
                        #[cfg(all(target_arch = "x86_64", feature = "simd"))]
                        Kernel::Avx2Fma => {
                            let k = x86_avx2::Avx2::detect()
                                .expect("AVX2+FMA kernel requested on a CPU without it");
                            loops::gemm_blocked(x86_avx2::Avx2Kernel::new(k), p, bufs, share)
                        }
                        #[cfg(not(all(target_arch = "x86_64", feature = "simd")))]
                        Kernel::Avx2Fma => unreachable!("checked by is_available"),
                        #[cfg(all(target_arch = "x86_64", feature = "simd", groundup_avx512))]
                        Kernel::Avx512 => {
                            let k = x86_avx512::Avx512::detect()
                                .expect("AVX-512 kernel requested on a CPU without it");
                            x86_avx512::blocked(k, p, bufs, share)
                        }
                        #[cfg(not(all(
                            target_arch = "x86_64",
                            feature = "simd",
                            groundup_avx512
                        )))]
                        Kernel::Avx512 => unreachable!("checked by is_available"),
                        #[cfg(all(target_arch = "aarch64", feature = "simd"))]
                        Kernel::Neon => loops::gemm_blocked(aarch64_neon::Neon, p, bufs, share),
                        #[cfg(not(all(target_arch = "aarch64", feature = "simd")))]
                        Kernel::Neon => unreachable!("checked by is_available"),
                    }
                })
            }

            fn small(kernel: Kernel, p: &mut Problem<'_, '_, Self>) {
                match kernel {
                    Kernel::Portable => small::gemm_small(p, false),
                    #[cfg(all(target_arch = "x86_64", feature = "simd"))]
                    Kernel::Avx2Fma => {
                        let k = x86_avx2::Avx2::detect()
                            .expect("AVX2+FMA kernel requested on a CPU without it");
                        k.small::<$t>(p)
                    }
                    #[cfg(not(all(target_arch = "x86_64", feature = "simd")))]
                    Kernel::Avx2Fma => unreachable!("checked by is_available"),
                    #[cfg(all(target_arch = "x86_64", feature = "simd", groundup_avx512))]
                    Kernel::Avx512 => {
                        let k = x86_avx512::Avx512::detect()
                            .expect("AVX-512 kernel requested on a CPU without it");
                        x86_avx512::small::<$t>(k, p)
                    }
                    #[cfg(not(all(target_arch = "x86_64", feature = "simd", groundup_avx512)))]
                    Kernel::Avx512 => unreachable!("checked by is_available"),
                    #[cfg(all(target_arch = "aarch64", feature = "simd"))]
                    Kernel::Neon => aarch64_neon::small::<$t>(p),
                    #[cfg(not(all(target_arch = "aarch64", feature = "simd")))]
                    Kernel::Neon => unreachable!("checked by is_available"),
                }
            }

            fn small_bias(kernel: Kernel, p: &mut Problem<'_, '_, Self>, bias: &[$t]) {
                #[cfg(all(target_arch = "x86_64", feature = "simd"))]
                if kernel == Kernel::Avx2Fma {
                    let k = x86_avx2::Avx2::detect()
                        .expect("AVX2+FMA kernel requested on a CPU without it");
                    return k.small_bias::<$t>(p, bias);
                }
                #[cfg(all(target_arch = "x86_64", feature = "simd", groundup_avx512))]
                if kernel == Kernel::Avx512 {
                    let k = x86_avx512::Avx512::detect()
                        .expect("AVX-512 kernel requested on a CPU without it");
                    return x86_avx512::small_bias::<$t>(k, p, bias);
                }
                Self::small(kernel, p);
                small::add_row(&mut p.c, bias);
            }

            #[cfg(feature = "simd")]
            fn team_runs(kernel: Kernel, p: &Problem<'_, '_, Self>) -> bool {
                match kernel {
                    Kernel::Portable => loops::team_runs::<$t, portable::Portable>(p),
                    #[cfg(target_arch = "x86_64")]
                    Kernel::Avx2Fma => loops::team_runs::<$t, x86_avx2::Avx2Kernel<$t>>(p),
                    #[cfg(not(target_arch = "x86_64"))]
                    Kernel::Avx2Fma => unreachable!("checked by is_available"),
                    #[cfg(all(target_arch = "x86_64", groundup_avx512))]
                    Kernel::Avx512 => {
                        let k = x86_avx512::Avx512::detect()
                            .expect("AVX-512 kernel requested on a CPU without it");
                        x86_avx512::team_runs::<$t>(k, p)
                    }
                    #[cfg(not(all(target_arch = "x86_64", groundup_avx512)))]
                    Kernel::Avx512 => unreachable!("checked by is_available"),
                    #[cfg(target_arch = "aarch64")]
                    Kernel::Neon => loops::team_runs::<$t, aarch64_neon::Neon>(p),
                    #[cfg(not(target_arch = "aarch64"))]
                    Kernel::Neon => unreachable!("checked by is_available"),
                }
            }

            fn sigmoid_grad(kernel: Kernel, dout: &[$t], y: &[$t], dx: &mut [$t]) {
                #[cfg(all(target_arch = "x86_64", feature = "simd"))]
                if let Some(token) = kernel.elementwise_avx2() {
                    return x86_avx2::elementwise::sigmoid_grad(token, dout, y, dx);
                }
                let _ = kernel;
                portable::sigmoid_grad(dout, y, dx);
            }

            fn div_elementwise(kernel: Kernel, xs: &mut [$t], ds: &[$t]) {
                #[cfg(all(target_arch = "x86_64", feature = "simd"))]
                if let Some(token) = kernel.elementwise_avx2() {
                    return x86_avx2::elementwise::div_elementwise(token, xs, ds);
                }
                let _ = kernel;
                portable::div_elementwise(xs, ds);
            }

            fn mul_div_assign(kernel: Kernel, xs: &mut [$t], m: $t, d: $t) {
                #[cfg(all(target_arch = "x86_64", feature = "simd"))]
                if let Some(token) = kernel.elementwise_avx2() {
                    return x86_avx2::elementwise::mul_div_assign(token, xs, m, d);
                }
                let _ = kernel;
                portable::mul_div_assign(xs, m, d);
            }

            fn tile(kernel: Kernel) -> (usize, usize) {
                match kernel {
                    Kernel::Portable => (
                        <portable::Portable as MicroKernel<$t>>::MR,
                        <portable::Portable as MicroKernel<$t>>::NR,
                    ),
                    #[cfg(all(target_arch = "x86_64", feature = "simd"))]
                    Kernel::Avx2Fma => (
                        <x86_avx2::Avx2Kernel<$t> as MicroKernel<$t>>::MR,
                        <x86_avx2::Avx2Kernel<$t> as MicroKernel<$t>>::NR,
                    ),
                    #[cfg(not(all(target_arch = "x86_64", feature = "simd")))]
                    Kernel::Avx2Fma => (1, 1),
                    #[cfg(all(target_arch = "x86_64", feature = "simd", groundup_avx512))]
                    Kernel::Avx512 => x86_avx512::packed_tile::<$t>(),
                    #[cfg(not(all(target_arch = "x86_64", feature = "simd", groundup_avx512)))]
                    Kernel::Avx512 => (1, 1),
                    #[cfg(all(target_arch = "aarch64", feature = "simd"))]
                    Kernel::Neon => (
                        <aarch64_neon::Neon as MicroKernel<$t>>::MR,
                        <aarch64_neon::Neon as MicroKernel<$t>>::NR,
                    ),
                    #[cfg(not(all(target_arch = "aarch64", feature = "simd")))]
                    Kernel::Neon => (1, 1),
                }
            }
        }
    };
}

impl_kernel_elem!(f32);
impl_kernel_elem!(f64);

impl Kernel {
    /// The AVX2 token for the layers' element-wise passes
    /// (`x86_avx2/elementwise.rs`) when this kernel is AVX2 or AVX-512
    /// (whose machines have AVX2); `None` for the portable kernel, whose
    /// loops are the definition. NEON's baseline loop is what the portable
    /// one compiles to on aarch64.
    #[cfg(all(target_arch = "x86_64", feature = "simd"))]
    fn elementwise_avx2(self) -> Option<x86_avx2::Avx2> {
        match self {
            Kernel::Avx2Fma | Kernel::Avx512 => x86_avx2::Avx2::detect(),
            Kernel::Portable | Kernel::Neon => None,
        }
    }

    /// Whether this kernel runs an `m x n x k` product of `elem_bytes`-byte
    /// elements on its direct path ([`KernelElem::small`]) instead of the
    /// loop nest. The vector kernels' direct tiles read a row-major op(B) in
    /// place and copy a transposed one to the stack, so that one must fit
    /// there. AVX2 and NEON also take the widened range
    /// ([`small::is_small_wide`]), where their tiles beat packing; the
    /// AVX-512 kernel's packed and in-place tiles are wider (12×32 f32,
    /// 8×24 f64) and win there, except past one KC block deep, where it
    /// runs them in one pass like the AVX2 kernel (same bits).
    pub(crate) fn takes_direct(
        self,
        m: usize,
        n: usize,
        k: usize,
        elem_bytes: usize,
        b_transposed: bool,
    ) -> bool {
        if self == Kernel::Portable {
            return small::is_small(m, n, k);
        }
        let b_fits = !b_transposed || k.saturating_mul(n) <= small::B_STACK;
        let wide = self != Kernel::Avx512 && small::is_small_wide(m, n, k, elem_bytes);
        b_fits && (small::is_small(m, n, k) || wide)
    }
}

thread_local! {
    /// Set by [`with_full_width_avx512`] (and, for the parts of a split
    /// product, by the pool on the thread that runs them).
    static FULL_WIDTH_AVX512: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Test hook: products that the AVX-512 kernel runs inside `f` (on this
/// thread and on the threads that run their parts) take the paths they
/// take on a CPU that executes 512-bit FMAs whole, also on one that runs
/// them as two halves (Zen 4, see [`Kernel::Avx512`]), where the packed
/// loop nest runs the AVX2 tiles and the in-place tiles take larger
/// products. The bits are the same either way; this keeps the 512-bit loop
/// nest tested and measurable on such a CPU. Not part of the supported API.
#[doc(hidden)]
pub fn with_full_width_avx512<R>(f: impl FnOnce() -> R) -> R {
    forcing_full_width_avx512(true, f)
}

/// Whether [`with_full_width_avx512`] is in effect on this thread.
#[cfg(feature = "simd")]
pub(crate) fn full_width_avx512_forced() -> bool {
    FULL_WIDTH_AVX512.with(|t| t.get())
}

/// Runs `f` with [`full_width_avx512_forced`] = `on` on this thread, then puts
/// the previous value back (also when `f` panics).
pub(crate) fn forcing_full_width_avx512<R>(on: bool, f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            FULL_WIDTH_AVX512.with(|t| t.set(self.0));
        }
    }
    let _restore = Restore(FULL_WIDTH_AVX512.with(|t| t.replace(on)));
    f()
}

/// Where the threads' rule for teams (`threads::team_product`) draws its
/// lines, on every kernel this CPU runs: its own gates (flops, rows) and
/// the loop nest's, which it asks. (It used to restate them: until
/// `3869ea5` a tall product past the threshold went to a team that then
/// ran on one thread, and until `de90ee8` on aarch64 products of 4609–6144
/// rows did, NEON f64's `MC` being 72.)
#[cfg(all(test, feature = "simd"))]
mod team_rule_tests {
    use super::*;
    use crate::gemm::threads::team_product;
    use crate::Scalar;

    /// The rule for an `m x k · k x n` product with op(A) row-major or by
    /// columns; it reads only the shape and strides, so the operands are
    /// empty and C is one element.
    fn rule<T: Scalar>(kernel: Kernel, (m, k, n): (usize, usize, usize), by_columns: bool) -> bool {
        let mut c = [T::ZERO];
        let (rs, cs) = if by_columns { (1, m) } else { (k, 1) };
        let p = Problem {
            m,
            n,
            k,
            alpha: T::ONE,
            a: Operand { data: &[], rs, cs },
            b: Operand {
                data: &[],
                rs: n,
                cs: 1,
            },
            beta: T::ZERO,
            c: CView::new(&mut c, 1, 1, 1),
        };
        team_product(kernel, &p)
    }

    fn check<T: Scalar>(kernel: Kernel) {
        let what = format!("{kernel:?} {}", T::DTYPE);
        for by_columns in [false, true] {
            let rule = |shape| rule::<T>(kernel, shape, by_columns);
            // Large, at least four blocks of the largest MC, wide: a team.
            assert!(rule((576, 1 << 20, 4096)), "{what}");
            assert!(rule((4096, 4096, 4096)), "{what}");
            assert!(rule((1024, 1024, 512)), "{what}: 2·1024·1024·512 flops");
            // The rule's own gates: too few flops, too few rows.
            assert!(!rule((1024, 1023, 512)), "{what}: below the flops");
            assert!(!rule((575, 1 << 20, 4096)), "{what}: 575 rows");
            // The nest's: more than 64 blocks of its MC (at most 288 rows
            // each here); and with SIMD kernels, C a column or two wide
            // (op(A) read in place, on one thread or in parts; the portable
            // kernel packs it at any width).
            assert!(!rule((64 * 288 + 1, 4096, 4096)), "{what}: too tall");
            for n in [1, 2] {
                let narrow_team = rule((4096, 1 << 20, n));
                assert!(
                    !narrow_team || kernel == Kernel::Portable,
                    "{what}: {n} columns"
                );
            }
        }
    }

    #[test]
    fn the_rule_for_teams_asks_the_loop_nest() {
        const { assert!(crate::gemm::threads::MAX_ROW_BLOCKS == 64) };
        for kernel in Kernel::available() {
            check::<f32>(kernel);
            check::<f64>(kernel);
        }
    }
}
