//! Models can be looked at without being mutated: inference, accuracy,
//! the parameter walk and saving take `&self`; accuracy leaves the model's
//! mode alone and thresholds a single sigmoid output at probability 0.5.

use groundup::layers::{
    Affine, Dropout, MatMul, ReLU, Sigmoid, SigmoidWithLoss, SoftmaxWithLoss, Targets,
};
use groundup::model::Params;
use groundup::model::{Model, ParamRef, Sequential, TwoLayerNet};
use groundup::{matrix, Matrix};

fn net() -> Sequential<f64> {
    let w1 = Matrix::from_fn(3, 4, |i, j| (i as f64 - j as f64) * 0.3);
    let w2 = Matrix::from_fn(4, 3, |i, j| (i * 3 + j) as f64 * 0.1 - 0.5);
    Sequential::new(SoftmaxWithLoss::new())
        .with(Affine::new(w1, Matrix::filled(1, 4, 0.1)))
        .with(ReLU::new())
        .with(Dropout::new(0.5, 7))
        .with(Affine::new(w2, Matrix::zeros(1, 3)))
}

#[test]
fn infer_equals_predict_in_eval_mode_and_changes_nothing() {
    let x = Matrix::from_fn(5, 3, |i, j| (i + 2 * j) as f64 / 7.0 - 0.4);
    let mut model = net();
    let inferred = model.infer(x.view());
    model.set_training(false);
    assert_eq!(model.predict(x.view()), &inferred);
    // TwoLayerNet too.
    let mut seed = 0.0;
    let mut two = TwoLayerNet::<f32>::new(3, 5, 2, &mut || {
        seed += 0.37;
        (seed * 7.0f64).sin()
    });
    let x32 = x.cast::<f32>();
    let inferred = two.infer(x32.view());
    assert_eq!(two.predict(x32.view()), &inferred);
}

#[test]
fn accuracy_leaves_the_mode_alone() {
    let x = Matrix::from_fn(6, 3, |i, j| (i * 3 + j) as f64 / 9.0 - 0.5);
    let t = vec![0, 1, 2, 0, 1, 2];
    // In training mode, accuracy still evaluates without dropout, and the
    // model keeps drawing masks afterwards.
    let mut model = net();
    let a1 = model.accuracy(x.view(), Targets::Indices(&t));
    let a2 = model.accuracy(x.view(), Targets::Indices(&t));
    assert_eq!(a1, a2);
    let p1 = model.predict(x.view()).clone();
    let p2 = model.predict(x.view()).clone();
    assert_ne!(p1, p2, "still in training mode: dropout draws new masks");
    // In eval mode it stays in eval mode.
    model.set_training(false);
    let _ = model.accuracy(x.view(), Targets::Indices(&t));
    let q1 = model.predict(x.view()).clone();
    let q2 = model.predict(x.view()).clone();
    assert_eq!(
        q1, q2,
        "accuracy switched an eval-mode model back to training"
    );
}

#[test]
fn a_single_sigmoid_output_is_thresholded_at_one_half() {
    // score = x0 - x1: class 1 exactly where x0 > x1.
    let model =
        Sequential::new(SigmoidWithLoss::new()).with(MatMul::new(matrix![[1.0f64], [-1.0]]));
    let x = matrix![[2.0, 1.0], [0.0, 3.0], [5.0, -1.0], [1.0, 1.5]];
    let right = [1usize, 0, 1, 0];
    assert_eq!(model.accuracy(x.view(), Targets::Indices(&right)), 1.0);
    let half_wrong = [1usize, 1, 0, 0];
    assert_eq!(model.accuracy(x.view(), Targets::Indices(&half_wrong)), 0.5);
    // The same targets as a 1-column matrix of 0/1 labels.
    let labels = matrix![[1.0], [0.0], [1.0], [0.0]];
    assert_eq!(model.accuracy(x.view(), (&labels).into()), 1.0);
}

#[test]
fn params_walks_distinct_parameters_read_only() {
    let mut model = Sequential::new(SoftmaxWithLoss::new())
        .with(MatMul::new(Matrix::filled(3, 3, 0.5)))
        .with(Sigmoid::new())
        .with(MatMul::new(Matrix::zeros(3, 3)));
    model
        .tie(
            ParamRef { layer: 0, param: 0 },
            ParamRef { layer: 2, param: 0 },
            false,
        )
        .unwrap();
    let shared: &Sequential<f64> = &model;
    let values: Vec<Matrix<f64>> = shared.params().iter().map(|p| p.value.clone()).collect();
    assert_eq!(values.len(), shared.param_names().len());
    let mut walked = Vec::new();
    model.for_each_param(&mut |_, p| walked.push(p.value.clone()));
    assert_eq!(values, walked);
}

#[test]
fn save_takes_a_shared_reference() {
    let model = net();
    let dir = std::env::temp_dir().join(format!("groundup-readonly-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("net.safetensors");
    let shared: &Sequential<f64> = &model;
    shared.save(&path).unwrap();
    let mut copy = net();
    copy.for_each_param(&mut |_, p| p.value.fill(0.0));
    copy.load(&path).unwrap();
    let x = Matrix::from_fn(4, 3, |i, j| (i * j) as f64 / 5.0);
    assert_eq!(copy.infer(x.view()), model.infer(x.view()));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn user_targets_that_do_not_fit_are_errors_naming_row_and_class() {
    let model = net();
    let x = Matrix::from_fn(3, 3, |i, j| (i + j) as f64);
    let err = model
        .try_accuracy(x.view(), Targets::Indices(&[0, 1, 9]))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("target class 9 at row 2") && err.contains("3 classes"),
        "{err}"
    );
    let err = model
        .try_accuracy(x.view(), Targets::Indices(&[0, 1]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("3 input rows but 2 targets"), "{err}");
    let wide = Matrix::<f64>::zeros(3, 5);
    let err = model
        .try_accuracy(x.view(), (&wide).into())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("5 columns") && err.contains("outputs 3"),
        "{err}"
    );
    assert!(model
        .try_accuracy(x.view(), Targets::Indices(&[0, 1, 2]))
        .is_ok());
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        model.accuracy(x.view(), Targets::Indices(&[0, 1, 9]))
    }));
    assert!(
        panic.is_err(),
        "accuracy must not count an impossible class as a miss"
    );

    use groundup::layers::LossLayer;
    let scores = Matrix::<f64>::zeros(2, 3);
    let mut softmax = SoftmaxWithLoss::new();
    let err = softmax
        .try_forward(scores.view(), Targets::Indices(&[0, 3]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("target class 3 at row 1"), "{err}");
    let mut sigmoid = SigmoidWithLoss::new();
    let one = Matrix::<f64>::zeros(2, 1);
    let err = sigmoid
        .try_forward(one.view(), Targets::Indices(&[1, 2]))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("target class 2 at row 1 is not 0 or 1"),
        "{err}"
    );
    let labels = matrix![[1.0], [0.5]];
    let err = sigmoid
        .try_forward(one.view(), (&labels).into())
        .unwrap_err()
        .to_string();
    assert!(err.contains("label 0.5 at row 1"), "{err}");
    assert!(sigmoid
        .try_forward(one.view(), Targets::Indices(&[1, 0]))
        .is_ok());
    // A sigmoid model accepts 2-column one-hot targets in accuracy too.
    let model =
        Sequential::new(SigmoidWithLoss::new()).with(MatMul::new(matrix![[1.0f64], [-1.0]]));
    let two_col = matrix![[0.0, 1.0], [1.0, 0.0]];
    let x = matrix![[2.0, 1.0], [0.0, 3.0]];
    assert_eq!(
        model.try_accuracy(x.view(), (&two_col).into()).unwrap(),
        1.0
    );
}
