//! The element-wise f64 maps the layers run over whole matrices (`exp`,
//! sigmoid, `ln`): which vector implementation a kernel runs, the probe
//! that keeps it only where it agrees with std bit for bit, and the test
//! hook that audits every element.

use super::Kernel;
#[cfg(all(
    target_arch = "x86_64",
    feature = "simd",
    target_os = "linux",
    target_env = "gnu"
))]
use std::sync::OnceLock;

/// An element-wise map of f64s that the layers run over whole matrices and
/// that has a vector implementation ([`Kernel::map_f64_in_place`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VecMap {
    /// `e^x`.
    Exp,
    /// `1 / (1 + e^(−x))`, rounded after each operation as written.
    Sigmoid,
    /// `ln x`.
    Ln,
}

/// The maps the vector `exp` computes (its `x86_*/exp.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExpMap {
    /// `e^x`.
    Exp,
    /// `1 / (1 + e^(−x))`.
    Sigmoid,
}

impl VecMap {
    /// The map as one the vector `exp` computes, if it is one.
    #[allow(dead_code)] // unused where no vector exp is compiled
    fn exp_map(self) -> Option<ExpMap> {
        match self {
            VecMap::Exp => Some(ExpMap::Exp),
            VecMap::Sigmoid => Some(ExpMap::Sigmoid),
            VecMap::Ln => None,
        }
    }

    /// One element, by std's `exp` and `ln`: the definition the vector
    /// path matches.
    #[inline]
    fn scalar(self, x: f64) -> f64 {
        match self {
            VecMap::Exp => x.exp(),
            VecMap::Sigmoid => 1.0 / (1.0 + (-x).exp()),
            VecMap::Ln => x.ln(),
        }
    }
}

impl Kernel {
    /// `x = map(x)` for every element, bit for bit what [`VecMap::scalar`]
    /// gives. With the AVX2 (AVX-512) kernel on x86-64 Linux with glibc,
    /// four (eight) lanes at a time by a port of glibc's `exp` or `log` (see
    /// `x86_avx2/exp.rs`, `x86_avx2/log.rs`), provided it agreed with std's
    /// on the probe inputs when first used in this process; otherwise
    /// element by element.
    pub(crate) fn map_f64_in_place(self, map: VecMap, xs: &mut [f64]) {
        let audited = AUDIT.with(|a| a.borrow().is_some());
        let inputs = if audited { xs.to_vec() } else { Vec::new() };
        let lanes = self.map_f64_vector(map, xs);
        if lanes.is_none() {
            for x in xs.iter_mut() {
                *x = map.scalar(*x);
            }
        }
        if audited {
            audit(map, &inputs, xs, lanes);
        }
    }

    /// `dst[i] = map(src[i])` for every element, bit for bit as
    /// [`map_f64_in_place`](Kernel::map_f64_in_place) on a copy of `src`.
    /// The AVX2 `exp` maps from source to destination directly, saving the
    /// copy; every other path copies, then maps in place.
    ///
    /// # Panics
    /// If the lengths differ.
    pub(crate) fn map_f64_into(self, map: VecMap, src: &[f64], dst: &mut [f64]) {
        assert_eq!(
            src.len(),
            dst.len(),
            "map_f64_into: source and destination lengths differ"
        );
        #[cfg(all(
            target_arch = "x86_64",
            feature = "simd",
            target_os = "linux",
            target_env = "gnu"
        ))]
        if self == Kernel::Avx2Fma && !AUDIT.with(|a| a.borrow().is_some()) {
            use super::x86_avx2::{exp, Avx2};
            if let Some(exp_map) = map.exp_map() {
                if let Some(t) = probed(&AVX2_EXP, Avx2::detect(), exp::matches_std_exp) {
                    exp::map_into(t, exp_map, src, dst);
                    return;
                }
            }
        }
        dst.copy_from_slice(src);
        self.map_f64_in_place(map, dst);
    }

    /// Maps `xs` on the vector path and returns its number of lanes, or
    /// returns `None` without touching `xs` where there is none (see
    /// [`map_f64_in_place`](Kernel::map_f64_in_place)).
    #[allow(unused_variables)]
    fn map_f64_vector(self, map: VecMap, xs: &mut [f64]) -> Option<usize> {
        // Whether each vector function matches std's here: probed once per
        // process (see `probed`).
        #[cfg(all(
            target_arch = "x86_64",
            feature = "simd",
            groundup_avx512,
            target_os = "linux",
            target_env = "gnu"
        ))]
        if self == Kernel::Avx512 {
            use super::x86_avx512::{exp, log, Avx512};
            static EXP: OnceLock<bool> = OnceLock::new();
            static LN: OnceLock<bool> = OnceLock::new();
            match map.exp_map() {
                Some(exp_map) => {
                    if let Some(t) = probed(&EXP, Avx512::detect(), exp::matches_std_exp) {
                        exp::map_in_place(t, exp_map, xs);
                        return Some(8);
                    }
                }
                None => {
                    if let Some(t) = probed(&LN, Avx512::detect(), log::matches_std_ln) {
                        log::ln_in_place(t, xs);
                        return Some(8);
                    }
                }
            }
        }
        #[cfg(all(
            target_arch = "x86_64",
            feature = "simd",
            target_os = "linux",
            target_env = "gnu"
        ))]
        if matches!(self, Kernel::Avx2Fma | Kernel::Avx512) {
            use super::x86_avx2::{exp, log, Avx2};
            match map.exp_map() {
                Some(exp_map) => {
                    if let Some(t) = probed(&AVX2_EXP, Avx2::detect(), exp::matches_std_exp) {
                        exp::map_in_place(t, exp_map, xs);
                        return Some(4);
                    }
                }
                None => {
                    if let Some(t) = probed(&AVX2_LN, Avx2::detect(), log::matches_std_ln) {
                        log::ln_in_place(t, xs);
                        return Some(4);
                    }
                }
            }
        }
        None
    }
}

/// Whether the AVX2 `exp` and `log` agree with std's here (see [`probed`]).
#[cfg(all(
    target_arch = "x86_64",
    feature = "simd",
    target_os = "linux",
    target_env = "gnu"
))]
static AVX2_EXP: OnceLock<bool> = OnceLock::new();
#[cfg(all(
    target_arch = "x86_64",
    feature = "simd",
    target_os = "linux",
    target_env = "gnu"
))]
static AVX2_LN: OnceLock<bool> = OnceLock::new();

/// `token` (a detected instruction set) if its vector function agrees with
/// std's on the probe inputs: `matches_std` runs once per `agrees`, so once
/// per process, and its verdict is kept.
#[cfg(all(
    target_arch = "x86_64",
    feature = "simd",
    target_os = "linux",
    target_env = "gnu"
))]
fn probed<T: Copy>(
    agrees: &OnceLock<bool>,
    token: Option<T>,
    matches_std: fn(T) -> bool,
) -> Option<T> {
    let token = token?;
    agrees.get_or_init(|| matches_std(token)).then_some(token)
}

/// What [`audit_vector_maps`] saw: every element mapped on this thread
/// while it ran, and each one whose result differs in any bit from
/// `f64::exp`'s formula.
#[doc(hidden)]
#[derive(Clone, Debug, Default)]
pub struct VecMapAudit {
    /// Elements mapped (exp and sigmoid).
    pub elements: usize,
    /// Of them, mapped by the vector path.
    pub vectorized: usize,
    /// The widest vector path they took, in lanes (0: none; 4: AVX2; 8:
    /// AVX-512).
    pub widest: usize,
    /// `(map, input, got, want)` for every element that differs.
    pub mismatches: Vec<(&'static str, f64, f64, f64)>,
}

thread_local! {
    static AUDIT: std::cell::RefCell<Option<VecMapAudit>> = const { std::cell::RefCell::new(None) };
}

fn audit(map: VecMap, inputs: &[f64], outputs: &[f64], lanes: Option<usize>) {
    AUDIT.with(|a| {
        if let Some(a) = a.borrow_mut().as_mut() {
            a.elements += inputs.len();
            if let Some(lanes) = lanes {
                a.vectorized += inputs.len();
                a.widest = a.widest.max(lanes);
            }
            for (&x, &got) in inputs.iter().zip(outputs) {
                let want = map.scalar(x);
                if got.to_bits() != want.to_bits() {
                    a.mismatches.push((
                        match map {
                            VecMap::Exp => "exp",
                            VecMap::Sigmoid => "sigmoid",
                            VecMap::Ln => "ln",
                        },
                        x,
                        got,
                        want,
                    ));
                }
            }
        }
    });
}

/// Test hook: runs `f` and checks every f64 `exp`/sigmoid the layers
/// compute on this thread meanwhile ([`Scalar::exp_in_place`],
/// [`Scalar::sigmoid_in_place`](crate::Scalar::sigmoid_in_place)) against
/// std's `f64::exp`, bit for bit. Allocates per call while it runs.
///
/// [`Scalar::exp_in_place`]: crate::Scalar::exp_in_place
#[doc(hidden)]
pub fn audit_vector_maps<R>(f: impl FnOnce() -> R) -> (R, VecMapAudit) {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            AUDIT.with(|a| *a.borrow_mut() = None);
        }
    }
    AUDIT.with(|a| *a.borrow_mut() = Some(VecMapAudit::default()));
    let reset = Reset;
    let r = f();
    let seen = AUDIT.with(|a| a.borrow_mut().take()).unwrap_or_default();
    drop(reset);
    (r, seen)
}
