//! The spiral data set against the book's `load_data` run with numpy, bit
//! for bit, and the generator state it leaves behind (vectors in
//! `tests/fixtures/rng_vectors.txt`, from `scripts/gen_rng_vectors.py`).

mod common;

use common::numpy::{assert_bits_eq, Fixtures};
use groundup::data::spiral::{self, spiral_from_rng, CLS_NUM, DIM, N};
use groundup::data::{load_data, load_data_with_rng, one_hot, try_one_hot};
use groundup::{Matrix, RandomState};

#[test]
fn spiral_matches_numpy_bits() {
    let fx = Fixtures::load();
    for seed in [1984, 7] {
        let (x, t) = load_data(seed);
        assert_eq!(x.shape(), (N * CLS_NUM, DIM));
        assert_eq!(t.shape(), (N * CLS_NUM, CLS_NUM));
        assert_bits_eq(
            &format!("x seed {seed}"),
            x.as_slice(),
            &fx.f64s(&format!("spiral_x.s{seed}")),
        );
        assert_bits_eq(
            &format!("t seed {seed}"),
            t.as_slice(),
            &fx.f64s(&format!("spiral_t.s{seed}")),
        );
    }
}

#[test]
fn constants_and_layout() {
    assert_eq!((N, DIM, CLS_NUM), (100, 2, 3));
    let (x, t) = load_data(1984);
    let labels = t.argmax_rows();
    for (i, &c) in labels.iter().enumerate() {
        assert_eq!(c, i / N);
        assert_eq!(t.row(i).iter().sum::<f64>(), 1.0);
    }
    // the first point of each arm is at radius 0
    for j in 0..CLS_NUM {
        assert!(x.row(j * N).iter().all(|&v| v == 0.0));
    }
}

#[test]
fn first_point_keeps_the_sign_of_zero() {
    let (x, _) = load_data(1984);
    assert_eq!(x[(0, 0)].to_bits(), (-0.0f64).to_bits());
    assert_eq!(x[(0, 1)].to_bits(), 0.0f64.to_bits());
    let (x7, _) = load_data(7);
    assert_eq!(x7[(0, 0)].to_bits(), 0.0f64.to_bits());
}

#[test]
fn rng_state_after_load_data() {
    let fx = Fixtures::load();
    for seed in [1984, 7] {
        let (x, t, mut rng) = load_data_with_rng(seed);
        assert_eq!((x.clone(), t.clone()), load_data(seed));
        // 300 normals: an even count, nothing cached
        assert_eq!(rng.cached_gaussian(), None);
        let mut fresh = RandomState::new(seed);
        for _ in 0..N * CLS_NUM {
            fresh.randn();
        }
        assert_eq!(rng, fresh);
        let next: Vec<f64> = (0..5).map(|_| rng.randn()).collect();
        assert_bits_eq(
            &format!("randn after load_data({seed})"),
            &next,
            &fx.f64s(&format!("after_spiral_randn5.s{seed}")),
        );
    }
}

#[test]
fn spiral_continues_an_existing_stream() {
    // A cached Gaussian going in is used by the first point, as numpy would.
    let mut rng = RandomState::new(1984);
    rng.randn();
    let mut copy = rng.clone();
    let (x, _) = spiral_from_rng(&mut rng);
    let first = copy.randn();
    let theta = 0.0 * 4.0 + 4.0 * 0.0 + first * 0.2;
    assert_eq!(x[(0, 0)].to_bits(), (0.0 * theta.sin()).to_bits());
    assert!(rng.cached_gaussian().is_some());
}

#[test]
fn train_py_weights_and_first_shuffle() {
    // ch01/train.py: load_data(); TwoLayerNet(2, 10, 3): W1 = 0.01 * randn(2, 10),
    // b1 = 0, W2 = 0.01 * randn(10, 3), b2 = 0; then Trainer.fit's first
    // permutation(300).
    let fx = Fixtures::load();
    let (_, _, mut rng) = load_data_with_rng(1984);
    let w1: Vec<f64> = rng
        .randn_matrix(2, 10)
        .as_slice()
        .iter()
        .map(|&v| 0.01 * v)
        .collect();
    let w2: Vec<f64> = rng
        .randn_matrix(10, 3)
        .as_slice()
        .iter()
        .map(|&v| 0.01 * v)
        .collect();
    assert_bits_eq("W1", &w1, &fx.f64s("train_py_W1.s1984"));
    assert_bits_eq("W2", &w2, &fx.f64s("train_py_W2.s1984"));
    let perm: Vec<i64> = rng.permutation(300).iter().map(|&i| i as i64).collect();
    assert_eq!(perm, fx.i64s("train_py_perm0.s1984"));
}

#[test]
fn f32_data_by_cast() {
    let (x, t) = load_data(1984);
    let x32: Matrix<f32> = x.cast();
    assert_eq!(x32.shape(), x.shape());
    for (a, b) in x32.as_slice().iter().zip(x.as_slice()) {
        assert_eq!(a.to_bits(), (*b as f32).to_bits());
    }
    assert_eq!(x32[(0, 0)].to_bits(), (-0.0f32).to_bits());
    let t32: Matrix<f32> = t.cast();
    assert_eq!(t32.argmax_rows(), t.argmax_rows());
}

#[test]
fn one_hot_round_trips_the_labels() {
    let (_, t) = spiral::load_data(1984);
    let labels = t.argmax_rows();
    assert_eq!(one_hot::<f64>(&labels, CLS_NUM), t);
    let t32 = one_hot::<f32>(&labels, CLS_NUM);
    assert_eq!(t32, t.cast::<f32>());
    assert_eq!(one_hot::<f64>(&[], 4).shape(), (0, 4));
}

#[test]
fn one_hot_rejects_out_of_range_labels() {
    let err = try_one_hot::<f32>(&[1, 0, 5], 3).unwrap_err();
    assert!(matches!(err, groundup::Error::InvalidArgument(_)));
    assert_eq!(
        err.to_string(),
        "label 5 at index 2 is out of range for 3 classes"
    );
}

#[test]
#[should_panic(expected = "one_hot: label 3 at index 0 is out of range for 3 classes")]
fn one_hot_panics_on_out_of_range_labels() {
    one_hot::<f64>(&[3], 3);
}
