//! Trainer semantics and errors: book-style bookkeeping across fit calls,
//! cumulative shuffling, and clear errors instead of silent no-ops.

use groundup::data::spiral;
use groundup::layers::Targets;
use groundup::model::TwoLayerNet;
use groundup::optim::Sgd;
use groundup::train::{FitOptions, Trainer};
use groundup::{Error, Matrix, RandomState};

type Setup = (
    Matrix<f64>,
    Matrix<f64>,
    Trainer<f64, TwoLayerNet<f64>, Sgd>,
);

fn trainer(seed: u32) -> Setup {
    let (x, t, mut rng) = spiral::load_data_with_rng(seed);
    let model = TwoLayerNet::new(2, 10, 3, &mut || rng.randn());
    let mut tr = Trainer::new(model, Sgd::new(1.0)).with_rng(rng);
    tr.set_verbose(false);
    (x, t, tr)
}

#[test]
fn epochs_and_loss_list_accumulate_across_fit_calls() {
    let (x, t, mut tr) = trainer(1984);
    tr.fit(
        &x,
        &t,
        FitOptions {
            max_epoch: 3,
            batch_size: 30,
            max_grad: None,
            eval_interval: 10,
        },
    )
    .unwrap();
    tr.fit(
        &x,
        &t,
        FitOptions {
            max_epoch: 2,
            batch_size: 30,
            max_grad: None,
            eval_interval: 5,
        },
    )
    .unwrap();
    assert_eq!(tr.current_epoch, 5);
    // 10 iterations per epoch: 1 report per epoch at interval 10, 2 at interval 5.
    assert_eq!(tr.loss_list.len(), 3 + 2 * 2);
    assert_eq!(tr.eval_interval, 5);
}

#[test]
fn shuffles_are_cumulative_and_drawn_from_the_weight_stream() {
    // Epoch 2 sees x[p1][p2]: check through the trainer's RNG position — the
    // trainer must have drawn exactly one permutation(300) per epoch.
    let (x, t, mut tr) = trainer(1984);
    let mut shadow: RandomState = tr.rng().clone();
    tr.fit(
        &x,
        &t,
        FitOptions {
            max_epoch: 2,
            batch_size: 30,
            max_grad: None,
            eval_interval: 10,
        },
    )
    .unwrap();
    shadow.permutation(300);
    shadow.permutation(300);
    assert_eq!(tr.rng(), &shadow);
}

#[test]
fn bad_arguments_are_errors_not_no_ops() {
    let (x, t, mut tr) = trainer(1984);
    let msg = |r: groundup::Result<()>| r.unwrap_err().to_string();
    assert!(msg(tr.fit(
        &x,
        &t,
        FitOptions {
            max_epoch: 1,
            batch_size: 0,
            max_grad: None,
            eval_interval: 10
        }
    ))
    .contains("batch_size 0"));
    assert!(msg(tr.fit(
        &x,
        &t,
        FitOptions {
            max_epoch: 1,
            batch_size: 301,
            max_grad: None,
            eval_interval: 10
        }
    ))
    .contains("batch_size 301"));
    assert!(msg(tr.fit(
        &x,
        &t,
        FitOptions {
            max_epoch: 1,
            batch_size: 30,
            max_grad: None,
            eval_interval: 0
        }
    ))
    .contains("eval_interval"));
    let t_short = t.rows_view(0..299).to_matrix();
    let e = msg(tr.fit(
        &x,
        &t_short,
        FitOptions {
            max_epoch: 1,
            batch_size: 30,
            max_grad: None,
            eval_interval: 10,
        },
    ));
    assert!(e.contains("300 rows") && e.contains("299"), "{e}");
    let empty = Matrix::<f64>::zeros(0, 2);
    assert!(msg(tr.fit(
        &empty,
        Targets::Indices(&[]),
        FitOptions {
            max_epoch: 1,
            batch_size: 1,
            max_grad: None,
            eval_interval: 1
        }
    ))
    .contains("empty"));
    let wide = Matrix::<f64>::zeros(300, 3);
    assert!(msg(tr.fit(
        &wide,
        &t,
        FitOptions {
            max_epoch: 1,
            batch_size: 30,
            max_grad: None,
            eval_interval: 10
        }
    ))
    .contains("width 2"));
    let bad_class: Vec<usize> = (0..300).map(|i| if i == 7 { 3 } else { 0 }).collect();
    let e = msg(tr.fit(
        &x,
        Targets::Indices(&bad_class),
        FitOptions {
            max_epoch: 1,
            batch_size: 30,
            max_grad: None,
            eval_interval: 10,
        },
    ));
    assert!(e.contains("class 3 at row 7"), "{e}");
    assert_eq!(tr.current_epoch, 0, "failed calls must not train");
}

#[test]
fn a_diverging_run_stops_with_epoch_and_iteration() {
    // A NaN in one sample poisons the loss of whichever batch it lands in.
    let (mut x, t, mut tr) = trainer(1984);
    x[(123, 0)] = f64::NAN;
    match tr.fit(
        &x,
        &t,
        FitOptions {
            max_epoch: 5,
            batch_size: 30,
            max_grad: None,
            eval_interval: 10,
        },
    ) {
        Err(Error::NonFiniteLoss { epoch, iter, loss }) => {
            assert!(loss.is_nan());
            assert!(
                epoch == 1 && (1..=10).contains(&iter),
                "epoch {epoch} iter {iter}"
            );
            let msg = Error::NonFiniteLoss { epoch, iter, loss }.to_string();
            assert!(
                msg.contains(&format!("epoch {epoch}"))
                    && msg.contains(&format!("iteration {iter}"))
            );
        }
        other => panic!("expected a non-finite loss error, got {other:?}"),
    }
}
