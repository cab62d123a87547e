//! Models saved as safetensors load back bit-identically, and loading
//! checks every name, dtype and shape, changing nothing on error.

mod common;

use common::files::{bits, TempDir};
use groundup::data::spiral;
use groundup::io::{load_model, save_model, save_safetensors, TensorView};
use groundup::layers::{Affine, ReLU, SoftmaxWithLoss};
use groundup::model::Params;
use groundup::model::{Model, Sequential, TwoLayerNet};
use groundup::optim::Sgd;
use groundup::train::{FitOptions, Trainer};
use groundup::{Error, Matrix, Scalar};

fn round_trip<T: Scalar>() {
    let (x, t, mut rng) = spiral::load_data_with_rng(1984);
    let (x, t) = (x.cast::<T>(), t.cast::<T>());
    let model = TwoLayerNet::<T>::new(2, 10, 3, &mut || rng.randn());
    let mut trainer = Trainer::new(model, Sgd::new(1.0)).with_rng(rng);
    trainer.set_verbose(false);
    trainer
        .fit(
            &x,
            &t,
            FitOptions {
                max_epoch: 20,
                batch_size: 30,
                max_grad: None,
                eval_interval: 10,
            },
        )
        .unwrap();
    let dir = TempDir::new("io-model");
    let path = dir.join(&format!("net_{}.safetensors", T::DTYPE));
    trainer.model.save(&path).unwrap();
    let before = trainer.model.predict(x.view()).clone();

    let mut fresh = TwoLayerNet::<T>::new(2, 10, 3, &mut || 0.5);
    fresh.load(&path).unwrap();
    assert_eq!(
        bits(fresh.predict(x.view()).as_slice()),
        bits(before.as_slice()),
        "{}: predictions differ after a round trip",
        T::DTYPE
    );
    assert_eq!(
        fresh.param_names(),
        ["layers.0.W", "layers.0.b", "layers.2.W", "layers.2.b"]
    );
}

#[test]
fn two_layer_net_round_trip_is_bit_exact() {
    round_trip::<f32>();
    round_trip::<f64>();
}

#[test]
fn sequential_round_trip_and_mismatches() {
    let mk = |v: f64| {
        Sequential::new(SoftmaxWithLoss::new())
            .with(Affine::new(
                Matrix::from_fn(3, 4, |i, j| v + (i * 4 + j) as f64 * 0.1),
                Matrix::filled(1, 4, v),
            ))
            .with(ReLU::new())
            .with(Affine::new(
                Matrix::filled(4, 2, -v),
                Matrix::filled(1, 2, 0.5),
            ))
    };
    let dir = TempDir::new("io-model-seq");
    let path = dir.join("seq.safetensors");
    mk(1.0).save(&path).unwrap();
    let mut other = mk(0.0);
    other.load(&path).unwrap();
    let mut all = Vec::new();
    other.for_each_param(&mut |_, p| all.push(p.value.clone()));
    let mut want = Vec::new();
    mk(1.0).for_each_param(&mut |_, p| want.push(p.value.clone()));
    assert_eq!(all, want);

    // Wrong shape: names the parameter and both shapes; nothing changes.
    let wider = Sequential::new(SoftmaxWithLoss::new())
        .with(Affine::new(Matrix::<f64>::zeros(3, 5), Matrix::zeros(1, 5)))
        .with(ReLU::new())
        .with(Affine::new(Matrix::zeros(5, 2), Matrix::zeros(1, 2)));
    let mut wider = wider;
    let err = wider.load(&path).unwrap_err().to_string();
    assert!(
        err.contains("layers.0.W") && err.contains("[3, 4]") && err.contains("(3, 5)"),
        "{err}"
    );
    let mut untouched = Vec::new();
    wider.for_each_param(&mut |_, p| untouched.push(p.value.clone()));
    assert!(untouched
        .iter()
        .all(|m| m.as_slice().iter().all(|&v| v == 0.0)));

    // Wrong dtype.
    let mut f32_model = TwoLayerNet::<f32>::new(3, 4, 2, &mut || 0.0);
    let path64 = dir.join("net64.safetensors");
    TwoLayerNet::<f64>::new(3, 4, 2, &mut || 1.0)
        .save(&path64)
        .unwrap();
    assert!(matches!(
        f32_model.load(&path64),
        Err(Error::DTypeMismatch { .. })
    ));

    // Missing and extra tensors.
    let only_w = dir.join("only_w.safetensors");
    let w = Matrix::<f64>::zeros(3, 4);
    save_safetensors(&only_w, &[("layers.0.W", TensorView::from(&w))], None).unwrap();
    let err = mk(0.0).load(&only_w).unwrap_err().to_string();
    assert!(err.contains("no tensor named \"layers.0.b\""), "{err}");
    let extra = dir.join("extra.safetensors");
    let m = mk(1.0);
    save_model(&extra, &m).unwrap();
    let mut small = Sequential::new(SoftmaxWithLoss::new())
        .with(Affine::new(Matrix::<f64>::zeros(3, 4), Matrix::zeros(1, 4)));
    let err = load_model(&extra, &mut small).unwrap_err().to_string();
    assert!(
        err.contains("layers.2.W") && err.contains("not a parameter"),
        "{err}"
    );

    // A bad path is an Io error naming the path.
    let err = mk(0.0)
        .load("/nonexistent/dir/x.safetensors")
        .unwrap_err()
        .to_string();
    assert!(err.contains("/nonexistent/dir/x.safetensors"), "{err}");
}
