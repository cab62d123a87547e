//! The FMA throughput one core can reach: twelve independent chains of
//! 256-bit fused multiply-adds (enough to cover a 4–5 cycle latency on two
//! FMA pipes), no memory traffic. The denominator of "% of peak".

use super::{Avx2, Simd};

/// Independent accumulator chains.
const CHAINS: usize = 12;

/// Runs `iters` rounds of `CHAINS` vector FMAs and returns a value that
/// depends on all of them (so none is optimized away).
#[target_feature(enable = "avx2,fma")]
unsafe fn chains<T: Simd>(iters: u64, x: T, y: T) -> T {
    // SAFETY: only register intrinsics (and one store into a local array of
    // 8 ≥ LANES elements); this function runs only after `Avx2::detect`
    // succeeded (the caller holds the token).
    unsafe {
        let (vx, vy) = (T::splat(x), T::splat(y));
        let mut acc = [T::zero(); CHAINS];
        for (j, a) in acc.iter_mut().enumerate() {
            *a = T::splat(T::from_f64(0.1 + 0.01 * j as f64));
        }
        for _ in 0..iters {
            for a in acc.iter_mut() {
                *a = T::fmadd(*a, vx, vy);
            }
        }
        let mut sum = acc[0];
        for &a in &acc[1..] {
            sum = T::vadd(sum, a);
        }
        let mut lanes = [T::ZERO; 8];
        T::store(lanes.as_mut_ptr(), sum);
        lanes[..T::LANES].iter().fold(T::ZERO, |s, &v| s + v)
    }
}

/// `(flops, checksum)` of `iters` rounds on this core.
pub(crate) fn fma_rounds<T: Simd>(_token: Avx2, iters: u64, x: T, y: T) -> (f64, T) {
    // SAFETY: the token proves AVX2 and FMA were detected.
    let check = unsafe { chains(iters, x, y) };
    let flops = iters as f64 * (CHAINS * T::LANES * 2) as f64;
    (flops, check)
}
