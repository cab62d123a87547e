//! `RandomState` against numpy's legacy `RandomState`, bit for bit, using
//! the vectors in `tests/fixtures/rng_vectors.txt`
//! (`python3 scripts/gen_rng_vectors.py` regenerates them).

mod common;

use common::numpy::{assert_bits_eq, assert_bits_eq_f32, assert_gauss_eq, Fixtures, SEEDS};
use groundup::matrix::pairwise_sum;
use groundup::RandomState;

#[test]
fn raw_words_cross_a_regeneration() {
    let fx = Fixtures::load();
    for s in SEEDS {
        let want = fx.u32s(&format!("raw.s{s}"));
        assert!(want.len() >= 1500);
        let mut rs = RandomState::new(s);
        let got: Vec<u32> = (0..want.len()).map(|_| rs.next_u32()).collect();
        assert_eq!(got, want, "seed {s}");
    }
}

#[test]
fn random_sample_53_bits() {
    let fx = Fixtures::load();
    for s in SEEDS {
        let want = fx.f64s(&format!("random_sample.s{s}"));
        let mut rs = RandomState::new(s);
        let got: Vec<f64> = (0..want.len()).map(|_| rs.random_sample()).collect();
        assert_bits_eq(&format!("random_sample seed {s}"), &got, &want);
        let mut filled = vec![0.0; want.len()];
        rs.seed(s);
        rs.random_sample_fill(&mut filled);
        assert_bits_eq(&format!("random_sample_fill seed {s}"), &filled, &want);
    }
}

#[test]
fn randn_odd_count_then_cache() {
    let fx = Fixtures::load();
    for s in SEEDS {
        let want = fx.f64s(&format!("randn.s{s}"));
        let next = fx.f64s(&format!("randn_next.s{s}"));
        assert_eq!(want.len() % 2, 1);

        // scalar draws
        let mut rs = RandomState::new(s);
        let got: Vec<f64> = (0..want.len()).map(|_| rs.randn()).collect();
        assert_gauss_eq(&format!("randn seed {s}"), &got, &want);
        let cached = rs.cached_gaussian();
        assert!(cached.is_some());
        assert_gauss_eq(&format!("cached seed {s}"), &[cached.unwrap()], &next[..1]);
        let got_next: Vec<f64> = (0..3).map(|_| rs.randn()).collect();
        assert_gauss_eq(&format!("randn_next seed {s}"), &got_next, &next);

        // randn(7, 101) as a matrix, then the fill form
        rs.seed(s);
        let m = rs.randn_matrix(7, 101);
        assert_eq!(m.shape(), (7, 101));
        assert_gauss_eq(&format!("randn_matrix seed {s}"), m.as_slice(), &want);
        let mut buf = [0.0; 3];
        rs.standard_normal_fill(&mut buf);
        assert_gauss_eq(&format!("standard_normal_fill seed {s}"), &buf, &next);
    }
}

#[test]
fn permutation_300_then_10() {
    let fx = Fixtures::load();
    for s in SEEDS {
        let p300: Vec<usize> = fx
            .i64s(&format!("perm300.s{s}"))
            .into_iter()
            .map(|v| v as usize)
            .collect();
        let p10: Vec<usize> = fx
            .i64s(&format!("perm10.s{s}"))
            .into_iter()
            .map(|v| v as usize)
            .collect();
        let mut rs = RandomState::new(s);
        assert_eq!(rs.permutation(300), p300, "seed {s}");
        assert_eq!(rs.permutation(10), p10, "seed {s}");

        // permutation_into and shuffle make the same draws
        rs.seed(s);
        let mut buf = Vec::new();
        rs.permutation_into(300, &mut buf);
        assert_eq!(buf, p300);
        let mut items: Vec<char> = "abcdefghij".chars().collect();
        rs.shuffle(&mut items);
        let want: Vec<char> = p10.iter().map(|&i| (b'a' + i as u8) as char).collect();
        assert_eq!(items, want);
    }
}

#[test]
fn permutation_into_reuses_its_buffer() {
    let mut rs = RandomState::new(1984);
    let mut buf = Vec::new();
    rs.permutation_into(300, &mut buf);
    let (ptr, cap) = (buf.as_ptr(), buf.capacity());
    for n in [300, 10, 300, 0, 299] {
        rs.permutation_into(n, &mut buf);
        assert_eq!(buf.len(), n);
        assert_eq!((buf.as_ptr(), buf.capacity()), (ptr, cap));
        let mut sorted = buf.clone();
        sorted.sort_unstable();
        assert!(sorted.iter().copied().eq(0..n));
    }
}

#[test]
fn gauss_cache_survives_other_draws() {
    let fx = Fixtures::load();
    for s in SEEDS {
        let f = fx.f64s(&format!("mixed_f64.s{s}"));
        let perm: Vec<usize> = fx
            .i64s(&format!("mixed_perm.s{s}"))
            .into_iter()
            .map(|v| v as usize)
            .collect();
        let ri = fx.i64s(&format!("mixed_randint.s{s}"));
        let mut rs = RandomState::new(s);
        let n0 = rs.randn();
        let u0 = rs.random_sample();
        let p = rs.permutation(5);
        let r: Vec<i64> = (0..3).map(|_| rs.randint(0, 10)).collect();
        let n1 = rs.randn();
        let n2 = rs.randn();
        assert_gauss_eq(&format!("mixed seed {s}"), &[n0, u0, n1, n2], &f);
        assert_eq!(p, perm);
        assert_eq!(r, ri);
    }
}

#[test]
fn seed_clears_the_cache_and_clone_forks_the_stream() {
    let mut rs = RandomState::new(42);
    let first = rs.randn();
    assert!(rs.cached_gaussian().is_some());
    let fork = rs.clone();
    assert_eq!(fork, rs);
    rs.seed(42);
    assert_eq!(rs.cached_gaussian(), None);
    assert_ne!(fork, rs);
    assert_eq!(rs.randn().to_bits(), first.to_bits());
    assert_eq!(fork, rs);
    let (mut a, mut b) = (rs.clone(), rs);
    for _ in 0..2000 {
        assert_eq!(a.randn().to_bits(), b.randn().to_bits());
    }
    assert_eq!(RandomState::new(42), {
        let mut r = RandomState::new(7);
        r.seed(42);
        r
    });
}

#[test]
fn randint_0_10() {
    let fx = Fixtures::load();
    for s in SEEDS {
        let want = fx.i64s(&format!("randint.s{s}"));
        let mut rs = RandomState::new(s);
        let got: Vec<i64> = (0..want.len()).map(|_| rs.randint(0, 10)).collect();
        assert_eq!(got, want, "seed {s}");
        rs.seed(s);
        let mut filled = vec![0; want.len()];
        rs.randint_fill(0, 10, &mut filled);
        assert_eq!(filled, want, "seed {s}");
    }
}

#[test]
fn randint_other_ranges() {
    let fx = Fixtures::load();
    for s in SEEDS {
        let mut rs = RandomState::new(s);
        let mut fill = |low: i64, high: i64, name: &str| {
            let want = fx.i64s(&format!("{name}.s{s}"));
            let mut got = vec![0; want.len()];
            rs.randint_fill(low, high, &mut got);
            assert_eq!(got, want, "{name} seed {s}");
        };
        fill(-3, 4, "randint_neg");
        fill(0, 1 << 32, "randint_u32");
        fill(0, 1 << 40, "randint_wide");
        fill(i64::MIN, i64::MAX, "randint_full");
        assert_eq!(
            rs.next_u32(),
            fx.u32s(&format!("randint_after.s{s}"))[0],
            "seed {s}"
        );
    }
}

#[test]
fn random_interval_is_masked_rejection() {
    let fx = Fixtures::load();
    // random_interval(max) makes the draws of randint(0, max + 1), on 32-bit
    // words below 2^32 and on (hi << 32 | lo) 64-bit values above.
    for s in SEEDS {
        let mut rs = RandomState::new(s);
        let small: Vec<i64> = (0..1000).map(|_| rs.random_interval(9) as i64).collect();
        assert_eq!(small, fx.i64s(&format!("randint.s{s}")));
        rs.seed(s);
        let _ = (0..100).map(|_| rs.randint(-3, 4)).count();
        let _ = (0..20).map(|_| rs.random_interval(u32::MAX as u64)).count();
        let wide: Vec<i64> = (0..50)
            .map(|_| rs.random_interval((1 << 40) - 1) as i64)
            .collect();
        assert_eq!(wide, fx.i64s(&format!("randint_wide.s{s}")));
    }
    // max = 0 draws nothing
    let mut a = RandomState::new(3);
    let b = a.clone();
    assert_eq!(a.random_interval(0), 0);
    assert_eq!(a, b);
}

#[test]
fn randint_of_one_value_draws_nothing() {
    let mut rs = RandomState::new(5);
    let before = rs.clone();
    assert_eq!(rs.randint(-7, -6), -7);
    let mut buf = [0; 4];
    rs.randint_fill(i64::MAX - 1, i64::MAX, &mut buf);
    assert_eq!(buf, [i64::MAX - 1; 4]);
    assert_eq!(rs, before);
}

#[test]
#[should_panic(expected = "empty range, low (3) >= high (3)")]
fn randint_empty_range_panics() {
    RandomState::new(0).randint(3, 3);
}

#[test]
#[should_panic(expected = "empty range")]
fn randint_fill_empty_range_panics_even_for_no_output() {
    RandomState::new(0).randint_fill(4, -1, &mut []);
}

#[test]
fn dropout_mask_is_rand_greater_than_ratio() {
    let fx = Fixtures::load();
    let u = fx.f64s("random_sample.s1984");
    let mut mask = vec![0.0f64; u.len()];
    RandomState::new(1984).dropout_mask(0.5, &mut mask);
    for (m, u) in mask.iter().zip(&u) {
        assert_eq!(*m, if *u > 0.5 { 1.0 } else { 0.0 });
    }
    let mut m32 = vec![0.0f32; u.len()];
    RandomState::new(1984).dropout_mask(0.5, &mut m32);
    assert!(m32.iter().zip(&mask).all(|(a, b)| *a as f64 == *b));
}

#[test]
fn debug_prints_position_and_cache_only() {
    let mut rs = RandomState::new(1984);
    assert_eq!(
        format!("{rs:?}"),
        "RandomState { pos: 624, gauss_cache: None }"
    );
    rs.randn(); // one rejected pair, then an accepted one: 8 words
    let s = format!("{rs:?}");
    // >>> r = np.random.RandomState(1984); r.randn(); r.get_state()[2:]
    // (8, 1, -0.6892736860726052)
    assert_eq!(
        s,
        "RandomState { pos: 8, gauss_cache: Some(-0.6892736860726052) }"
    );
}

// ---------------------------------------------------------------- mlp-bench

/// `RandomState(0)`: `randn(12800, 784)` as f32 (10,035,200 normals),
/// `randint(0, 10, 12800)`, then He-initialised W1, W2, W3 (MLP_BENCH.md).
struct MlpData {
    x_f64: Vec<f64>,
    t: Vec<i64>,
    ws: Vec<Vec<f32>>,
    rs: RandomState,
}

const MLP_SHAPES: [(usize, usize); 3] = [(784, 1024), (1024, 1024), (1024, 10)];

fn he_weights(rs: &mut RandomState) -> Vec<Vec<f32>> {
    MLP_SHAPES
        .iter()
        .map(|&(fan_in, fan_out)| {
            let scale = (2.0 / fan_in as f64).sqrt();
            let w = rs.randn_matrix(fan_in, fan_out);
            w.as_slice().iter().map(|&v| (v * scale) as f32).collect()
        })
        .collect()
}

fn mlp_data() -> MlpData {
    let mut rs = RandomState::new(0);
    // the f32-rounded values, widened back (exactly) for the f64 sum
    let x_f64: Vec<f64> = (0..12800 * 784).map(|_| rs.randn() as f32 as f64).collect();
    let mut t = vec![0; 12800];
    rs.randint_fill(0, 10, &mut t);
    let ws = he_weights(&mut rs);
    MlpData { x_f64, t, ws, rs }
}

fn check_weights(fx: &Fixtures, ws: &[Vec<f32>]) {
    for (k, w) in ws.iter().enumerate() {
        let name = format!("mlp_W{}_first8", k + 1);
        assert_bits_eq_f32(&name, &w[..8], &fx.f32s(&name));
    }
    assert_bits_eq_f32(
        "mlp_W3_last8",
        &ws[2][ws[2].len() - 8..],
        &fx.f32s("mlp_W3_last8"),
    );
    let sums = fx.f64s("mlp_W_sums_f64");
    for (k, w) in ws.iter().enumerate() {
        let w64: Vec<f64> = w.iter().map(|&v| v as f64).collect();
        let got = pairwise_sum(&w64);
        // numpy's sum is pairwise too: equal bits expected; the workload
        // definition only asks for ~1e-9 relative.
        assert!(
            (got - sums[k]).abs() <= 1e-9 * sums[k].abs(),
            "W{} sum: got {got:e}, numpy {:e}",
            k + 1,
            sums[k]
        );
        assert_eq!(got.to_bits(), sums[k].to_bits(), "W{} sum bits", k + 1);
    }
}

/// The whole mlp-bench stream (about 12M normals).
#[test]
fn mlp_bench_data_and_weights() {
    let fx = Fixtures::load();
    let d = mlp_data();
    let x32: Vec<f32> = d.x_f64.iter().map(|&v| v as f32).collect();
    assert_bits_eq_f32("mlp_x_first8", &x32[..8], &fx.f32s("mlp_x_first8"));
    assert_bits_eq_f32(
        "mlp_x_last8",
        &x32[x32.len() - 8..],
        &fx.f32s("mlp_x_last8"),
    );
    let want_sum = fx.f64s("mlp_x_sum_f64")[0];
    let sum = pairwise_sum(&d.x_f64);
    assert!(
        (sum - want_sum).abs() <= 1e-9 * want_sum.abs(),
        "x sum: got {sum:e}, numpy {want_sum:e}"
    );
    assert_eq!(sum.to_bits(), want_sum.to_bits(), "x sum bits");

    assert_eq!(d.t[..32], fx.i64s("mlp_t_first32")[..]);
    let mut counts = vec![0i64; 10];
    for &v in &d.t {
        counts[v as usize] += 1;
    }
    assert_eq!(counts, fx.i64s("mlp_t_counts"));

    check_weights(&fx, &d.ws);
    assert_eq!(d.rs.cached_gaussian(), None);
    let mut rs = d.rs;
    let after: Vec<u32> = (0..4).map(|_| rs.next_u32()).collect();
    assert_eq!(after, fx.u32s("mlp_after_raw"));
}

/// A cheap slice of the same stream: the first 8 inputs.
#[test]
fn mlp_bench_first_inputs() {
    let fx = Fixtures::load();
    let mut rs = RandomState::new(0);
    let x: Vec<f32> = (0..8).map(|_| rs.randn() as f32).collect();
    assert_bits_eq_f32("mlp_x_first8", &x, &fx.f32s("mlp_x_first8"));
}

/// `shuffle` against the textbook Fisher–Yates on `random_interval`, for
/// lengths around powers of two (where the mask changes) and long enough
/// runs that the 624-word key is regenerated mid-shuffle; the stream must
/// continue in the same place afterwards.
#[test]
fn shuffle_makes_the_draws_of_random_interval() {
    let mut fast = RandomState::new(2024);
    let mut slow = RandomState::new(2024);
    for n in [
        0usize, 1, 2, 3, 4, 5, 7, 8, 9, 31, 32, 33, 300, 511, 512, 513, 1000, 5000,
    ] {
        for _ in 0..3 {
            let mut a: Vec<usize> = (0..n).collect();
            fast.shuffle(&mut a);
            let mut b: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                let j = slow.random_interval(i as u64) as usize;
                b.swap(i, j);
            }
            assert_eq!(a, b, "n = {n}");
            assert_eq!(fast.next_u32(), slow.next_u32(), "stream after n = {n}");
        }
    }
}
