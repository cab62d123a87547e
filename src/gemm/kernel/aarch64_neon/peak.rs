//! The FMA throughput one core can reach: 24 independent chains of 128-bit
//! `fmla` (enough to cover a 4-cycle latency on four FMA pipes), no memory
//! traffic. The denominator of "% of peak".

use super::Neon128;

/// Independent accumulator chains.
const CHAINS: usize = 24;

/// `(flops, checksum)` of `iters` rounds of `CHAINS` vector FMAs.
pub(crate) fn fma_rounds<T: Neon128>(iters: u64, x: T, y: T) -> (f64, T) {
    let vy = T::splat(y);
    let mut acc = [T::zero(); CHAINS];
    for (j, a) in acc.iter_mut().enumerate() {
        *a = T::splat(T::from_f64(0.1 + 0.01 * j as f64));
    }
    for _ in 0..iters {
        for a in acc.iter_mut() {
            *a = T::fma_n(*a, vy, x);
        }
    }
    let mut sum = acc[0];
    for &a in &acc[1..] {
        sum = T::vadd(sum, a);
    }
    let mut lanes = [T::ZERO; 4];
    T::to_array(sum, &mut lanes);
    let check = lanes[..T::LANES].iter().fold(T::ZERO, |s, &v| s + v);
    (iters as f64 * (CHAINS * T::LANES * 2) as f64, check)
}
