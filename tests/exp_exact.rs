//! `Scalar::exp_in_place`, `Scalar::sigmoid_in_place` and
//! `Scalar::ln_in_place` for f64 give, bit for bit, what std's `f64::exp`
//! and `f64::ln` give, on every kernel this machine has (the AVX2/AVX-512
//! ones map four/eight lanes at a time with ports of glibc's `exp` and
//! `log`; the portable one calls std), for a few million inputs of
//! every kind, and for every slice length and offset (the partial last
//! vector). The spiral runs' own inputs are checked in
//! `spiral_reference.rs`.

mod common;

use groundup::gemm::{audit_vector_maps, with_config, Config, Kernel, VecMapAudit};
use groundup::Scalar;

/// SplitMix64: a fixed, dependency-free stream of 64-bit words.
struct Words(u64);
impl Words {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [lo, hi).
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
    }
}

/// Inputs of every kind: the edges of each special case, then `n` drawn
/// from the ranges a network sees, the whole range where exp is finite and
/// non-zero, and raw bit patterns (NaNs, infinities, subnormals, huge).
fn inputs(n: usize) -> Vec<f64> {
    let mut xs = vec![
        0.0,
        -0.0,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        5e-324,
        f64::from_bits(0x3c90_0000_0000_0000), // 2^-54, the tiny edge
        f64::from_bits(0x3c8f_ffff_ffff_ffff),
        -f64::from_bits(0x3c90_0000_0000_0000),
        512.0,
        -512.0,
        f64::from_bits(0x407f_ffff_ffff_ffff), // just below 512
        -f64::from_bits(0x407f_ffff_ffff_ffff),
        709.782_712_893_383_9,
        709.782_712_893_384,
        -708.396_418_532_264_1,
        -745.133_219_101_941_1,
        -745.2,
        1e308,
        -1e308,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::NAN,
        f64::from_bits(0x7ff0_0000_0000_0001), // a signalling NaN
        1.0,
        -1.0,
        std::f64::consts::LN_2,
    ];
    let mut w = Words(0x5eed_2026_1203);
    for i in 0..n {
        xs.push(match i % 5 {
            0 => w.uniform(-20.0, 20.0),
            1 => w.uniform(-1.0, 1.0) * 10f64.powi((w.next() % 12) as i32 - 10),
            2 => w.uniform(-745.2, 709.8),
            3 => w.uniform(-512.0, 512.0),
            _ => f64::from_bits(w.next()),
        });
    }
    xs
}

fn same_bits(what: &str, kernel: Kernel, xs: &[f64], got: &[f64], want: impl Fn(f64) -> f64) {
    for (&x, &y) in xs.iter().zip(got) {
        let w = want(x);
        // NaN payloads: any NaN is fine where std gives NaN.
        let ok = y.to_bits() == w.to_bits() || (y.is_nan() && w.is_nan());
        assert!(
            ok,
            "{what} with the {} kernel at x = {x:e} ({:#018x}): got {y:e} ({:#018x}), std gives {w:e} ({:#018x})",
            kernel.name(),
            x.to_bits(),
            y.to_bits(),
            w.to_bits()
        );
    }
}

/// The vector kernels on x86-64 Linux with glibc map vectorized.
fn vector_expected(kernel: Kernel) -> bool {
    cfg!(all(
        target_arch = "x86_64",
        feature = "simd",
        target_os = "linux",
        target_env = "gnu"
    )) && matches!(kernel, Kernel::Avx2Fma | Kernel::Avx512)
}

/// Lanes of the vector path `kernel` must take: eight with AVX-512 (a
/// kernel that is available is compiled in), four with AVX2.
fn lanes_expected(kernel: Kernel) -> usize {
    match kernel {
        Kernel::Avx512 => 8,
        _ => 4,
    }
}

/// Where a vector path is expected, all `n` elements took `kernel`'s own.
fn assert_vector_path(kernel: Kernel, seen: &VecMapAudit, n: usize) {
    if vector_expected(kernel) {
        assert_eq!(seen.vectorized, n, "{kernel:?}: not on the vector path");
        assert_eq!(seen.widest, lanes_expected(kernel), "{kernel:?}");
    }
}

fn each_kernel(f: impl Fn(Kernel)) {
    for kernel in common::kernels::available() {
        with_config(Config { kernel, threads: 1 }, || f(kernel));
    }
}

#[test]
fn exp_in_place_is_std_exp_bit_for_bit() {
    let n = if cfg!(debug_assertions) {
        400_000
    } else {
        4_000_000
    };
    let xs = inputs(n);
    each_kernel(|kernel| {
        let mut ys = xs.clone();
        let ((), seen) = audit_vector_maps(|| f64::exp_in_place(&mut ys));
        same_bits("exp_in_place", kernel, &xs, &ys, f64::exp);
        assert_eq!(seen.elements, xs.len());
        assert_vector_path(kernel, &seen, xs.len());
    });
    println!("{} inputs, kernels {:?}", xs.len(), Kernel::available());
}

#[test]
fn sigmoid_in_place_is_the_book_formula_bit_for_bit() {
    let xs = inputs(if cfg!(debug_assertions) {
        100_000
    } else {
        1_000_000
    });
    each_kernel(|kernel| {
        let mut ys = xs.clone();
        let ((), seen) = audit_vector_maps(|| f64::sigmoid_in_place(&mut ys));
        assert_vector_path(kernel, &seen, xs.len());
        same_bits("sigmoid_in_place", kernel, &xs, &ys, |x| {
            1.0 / (1.0 + (-x).exp())
        });
    });
}

/// `sigmoid_into` (source to destination; the AVX2 path reads one slice and
/// writes the other) gives what `sigmoid_in_place` gives, bit for bit, on
/// every input (not audited: the audit takes the in-place path).
#[test]
fn sigmoid_into_is_the_book_formula_bit_for_bit() {
    let xs = inputs(if cfg!(debug_assertions) {
        100_000
    } else {
        1_000_000
    });
    each_kernel(|kernel| {
        let mut ys = vec![f64::NAN; xs.len()];
        f64::sigmoid_into(&xs, &mut ys);
        same_bits("sigmoid_into", kernel, &xs, &ys, |x| {
            1.0 / (1.0 + (-x).exp())
        });
    });
}

/// `sigmoid_into` for every length 0..=19, source offset 0..=4 and
/// destination offset 0..=4: exactly the destination slice changes.
#[test]
fn sigmoid_into_writes_exactly_its_destination() {
    let xs = inputs(64);
    each_kernel(|kernel| {
        for src_off in 0..=4 {
            for dst_off in 0..=4 {
                for len in 0..=19 {
                    let before: Vec<f64> = (0..24).map(|i| i as f64 + 0.5).collect();
                    let mut buf = before.clone();
                    f64::sigmoid_into(
                        &xs[src_off..src_off + len],
                        &mut buf[dst_off..dst_off + len],
                    );
                    for (i, (&b, &a)) in before.iter().zip(&buf).enumerate() {
                        let want = if (dst_off..dst_off + len).contains(&i) {
                            let x = xs[src_off + i - dst_off];
                            1.0 / (1.0 + (-x).exp())
                        } else {
                            b
                        };
                        let ok = a.to_bits() == want.to_bits() || (a.is_nan() && want.is_nan());
                        assert!(
                            ok,
                            "{} kernel, source offset {src_off}, destination offset {dst_off}, len {len}, element {i}",
                            kernel.name()
                        );
                    }
                }
            }
        }
    });
}

type InPlace = fn(&mut [f64]);
type Std = fn(f64) -> f64;

/// Every slice length 0..=19 at every offset 0..=4 of a buffer (the last
/// partial vector is padded or masked, and nothing outside the slice may
/// change).
#[test]
fn every_length_and_offset_maps_exactly_its_slice() {
    let xs = inputs(64);
    each_kernel(|kernel| {
        for offset in 0..=4 {
            for len in 0..=19 {
                let maps: [(&str, InPlace, Std); 2] = [
                    ("exp", f64::exp_in_place, f64::exp),
                    ("ln", f64::ln_in_place, f64::ln),
                ];
                for (name, in_place, std) in maps {
                    let mut buf: Vec<f64> = xs[..24].to_vec();
                    let before = buf.clone();
                    in_place(&mut buf[offset..offset + len]);
                    for (i, (&b, &a)) in before.iter().zip(&buf).enumerate() {
                        let want = if (offset..offset + len).contains(&i) {
                            std(b)
                        } else {
                            b
                        };
                        let ok = a.to_bits() == want.to_bits() || (a.is_nan() && want.is_nan());
                        assert!(
                            ok,
                            "{name}: {} kernel, offset {offset}, len {len}, element {i}",
                            kernel.name()
                        );
                    }
                }
            }
        }
    });
}

/// Inputs for `ln`: the edges of each path (zero, subnormals, the band
/// around 1 that takes the other polynomial, 1 itself and its neighbours,
/// the largest doubles, infinities, NaN, negatives), then `n` drawn from
/// probabilities, the band, every magnitude, the neighbourhood of 1, and
/// raw bit patterns.
fn ln_inputs(n: usize) -> Vec<f64> {
    let b = f64::from_bits;
    let mut xs = vec![
        0.0,
        -0.0,
        5e-324,
        b(0x000f_ffff_ffff_ffff), // largest subnormal
        f64::MIN_POSITIVE,
        b(0x0010_0000_0000_0001),
        1e-7,
        0.5,
        b(0x3fed_ffff_ffff_ffff), // just below the band
        b(0x3fee_0000_0000_0000), // the band's first input
        b(0x3fef_ffff_ffff_ffff),
        1.0,
        b(0x3ff0_0000_0000_0001),
        b(0x3ff1_08ff_ffff_ffff), // the band's last input
        b(0x3ff1_0900_0000_0000), // just above it
        2.0,
        b(0x7fef_ffff_ffff_ffff),
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::NAN,
        -1.0,
        -5e-324,
        -f64::MIN_POSITIVE,
    ];
    let mut w = Words(0x5eed_2026_1204);
    for i in 0..n {
        xs.push(match i % 5 {
            0 => w.uniform(1e-7, 1.0),
            1 => w.uniform(0.93, 1.07),
            2 => w.uniform(0.0, 1.0) * 10f64.powi((w.next() % 600) as i32 - 300),
            3 => 1.0 + w.uniform(-1.0, 1.0) * 2f64.powi(-((w.next() % 52) as i32)),
            _ => f64::from_bits(w.next()),
        });
    }
    xs
}

#[test]
fn ln_in_place_is_std_ln_bit_for_bit() {
    let xs = ln_inputs(if cfg!(debug_assertions) {
        400_000
    } else {
        4_000_000
    });
    each_kernel(|kernel| {
        let mut ys = xs.clone();
        let ((), seen) = audit_vector_maps(|| f64::ln_in_place(&mut ys));
        same_bits("ln_in_place", kernel, &xs, &ys, f64::ln);
        assert_eq!(seen.elements, xs.len());
        assert_vector_path(kernel, &seen, xs.len());
    });
}

/// f32 slices: std's `f32::exp` element by element (the book's float32
/// runs are matched to a tolerance; no vector path).
#[test]
fn f32_slices_are_std_exp() {
    let xs: Vec<f32> = inputs(10_000).iter().map(|&x| x as f32).collect();
    let mut ys = xs.clone();
    f32::exp_in_place(&mut ys);
    for (x, y) in xs.iter().zip(&ys) {
        assert!(
            y.to_bits() == x.exp().to_bits() || (y.is_nan() && x.is_nan()),
            "{x}"
        );
    }
}
