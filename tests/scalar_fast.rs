//! `Scalar::exp_fast` and `Scalar::tanh_fast` against the exact values
//! (computed in f64) over a sweep of f32 bit patterns: the "within 2 ulp"
//! and "within 3 ulp" their docs promise (measured: 0.97 and 1.31 ulp at
//! stride 97), NaN, infinities and the clamped ends; and for f64 they are
//! std's functions bit for bit.

mod common;

use groundup::Scalar;

/// |got − exact| in units of the f32 spacing at `exact`.
fn ulps(got: f32, exact: f64) -> f64 {
    let e = (exact as f32).abs();
    let ulp = (f32::from_bits(e.to_bits() + 1) - e) as f64;
    ((got as f64) - exact).abs() / ulp
}

/// Every `stride`-th f32 bit pattern that is finite.
fn sweep(stride: u32) -> impl Iterator<Item = f32> {
    (0..=u32::MAX / stride)
        .map(move |k| f32::from_bits(k * stride))
        .filter(|x| x.is_finite())
}

#[test]
fn exp_fast_is_within_2_ulp() {
    let stride = common::scale::pick(97, 9_973);
    let mut worst = (0.0f64, 0.0f32);
    for x in sweep(stride) {
        let exact = (x as f64).exp();
        // The normal range of the result; below it exp_fast flushes to 0.
        if !(-87.0..88.0).contains(&x) || exact < f32::MIN_POSITIVE as f64 {
            continue;
        }
        let e = ulps(x.exp_fast(), exact);
        if e > worst.0 {
            worst = (e, x);
        }
    }
    println!("exp_fast: worst {:.2} ulp at {:e}", worst.0, worst.1);
    assert!(
        worst.0 <= 2.0,
        "exp_fast: {:.2} ulp at {:e}",
        worst.0,
        worst.1
    );
    assert_eq!((-100.0f32).exp_fast(), 0.0);
    assert_eq!(100.0f32.exp_fast(), f32::INFINITY);
    assert!(f32::NAN.exp_fast().is_nan());
}

#[test]
fn tanh_fast_is_within_3_ulp() {
    let stride = common::scale::pick(97, 9_973);
    let mut worst = (0.0f64, 0.0f32);
    for x in sweep(stride) {
        let exact = (x as f64).tanh();
        if exact.abs() < f32::MIN_POSITIVE as f64 {
            continue;
        }
        let e = ulps(x.tanh_fast(), exact);
        if e > worst.0 {
            worst = (e, x);
        }
    }
    println!("tanh_fast: worst {:.2} ulp at {:e}", worst.0, worst.1);
    assert!(
        worst.0 <= 3.0,
        "tanh_fast: {:.2} ulp at {:e}",
        worst.0,
        worst.1
    );
    assert_eq!(f32::INFINITY.tanh_fast(), 1.0);
    assert_eq!(f32::NEG_INFINITY.tanh_fast(), -1.0);
    assert!(f32::NAN.tanh_fast().is_nan());
}

#[test]
fn the_f64_versions_are_std_bit_for_bit() {
    let mut r = groundup::RandomState::new(3);
    for _ in 0..10_000 {
        let x = r.randn() * 20.0;
        assert_eq!(x.exp_fast().to_bits(), x.exp().to_bits(), "{x}");
        assert_eq!(x.tanh_fast().to_bits(), x.tanh().to_bits(), "{x}");
    }
}
