//! The layers over time (`groundup::layers::time`): gradient checks in f64
//! for every layer and cell (inputs, parameters, the gradient into a carried
//! state), the time-major layout against a naive per-sequence scalar
//! implementation of the book's formulas, stateful windows against one long
//! window, `reset_state`, and the shape errors.
//!
//! The recurrent layers are checked from a carried non-zero state: the loss
//! treats that state as a constant (truncated BPTT: no gradient flows into
//! it), so the same state is set again before every evaluation.

mod common;

use common::rng::TestRng;
use groundup::gradcheck::check_matrix;
use groundup::layers::time::{
    Gru, Lstm, Rnn, TimeAffine, TimeBiLstm, TimeDropout, TimeEmbedding, TimeGru, TimeLstm, TimeRnn,
    TimeSoftmaxWithLoss, IGNORE_LABEL,
};
use groundup::layers::Param;
use groundup::matrix::Ids;
use groundup::{Matrix, RandomState};

/// The gradcheck tolerance of `tests/layers.rs`.
const TOL: f64 = 1e-6;

/// `(T, N, D, H)`: several steps, batches of 2 and 3, odd sizes.
const SHAPES: [(usize, usize, usize, usize); 3] = [(3, 2, 3, 5), (4, 3, 2, 3), (5, 2, 4, 1)];

/// `Σ out ⊙ r`, the scalar whose gradient with respect to `out` is `r`.
fn wsum(out: &Matrix<f64>, r: &Matrix<f64>) -> f64 {
    assert_eq!(out.shape(), r.shape());
    out.iter().zip(r.iter()).map(|(a, b)| a * b).sum()
}

/// Asserts every `(name, error)` is below [`TOL`]; prints them (run with
/// `--nocapture` to see the errors) and returns the worst.
fn assert_errors(what: &str, errors: &[(String, f64)]) -> f64 {
    let line: Vec<String> = errors
        .iter()
        .map(|(n, e)| format!("{n}: {e:.2e}"))
        .collect();
    eprintln!("gradcheck {what}: {}", line.join(", "));
    let mut worst = 0.0f64;
    for (name, e) in errors {
        assert!(
            *e < TOL,
            "{what}: {name} has error {e:e} ({})",
            line.join(", ")
        );
        worst = worst.max(*e);
    }
    worst
}

/// What the gradient checks need of a recurrent layer.
trait Recurrent {
    fn run(&mut self, xs: &Matrix<f64>, batch: usize) -> Matrix<f64>;
    fn back(&mut self, dhs: &Matrix<f64>) -> Matrix<f64>;
    fn ps(&self) -> &[Param<f64>];
    fn ps_mut(&mut self) -> &mut [Param<f64>];
    fn names() -> Vec<&'static str>;
    fn reset(&mut self);
}

macro_rules! recurrent {
    ($ty:ident) => {
        impl Recurrent for $ty<f64> {
            fn run(&mut self, xs: &Matrix<f64>, batch: usize) -> Matrix<f64> {
                self.forward(xs.view(), batch).to_matrix()
            }
            fn back(&mut self, dhs: &Matrix<f64>) -> Matrix<f64> {
                self.backward(dhs.view()).clone()
            }
            fn ps(&self) -> &[Param<f64>] {
                self.params()
            }
            fn ps_mut(&mut self) -> &mut [Param<f64>] {
                self.params_mut()
            }
            fn names() -> Vec<&'static str> {
                $ty::<f64>::param_info().iter().map(|(n, _)| *n).collect()
            }
            fn reset(&mut self) {
                self.reset_state()
            }
        }
    };
}
recurrent!(TimeRnn);
recurrent!(TimeLstm);
recurrent!(TimeGru);
recurrent!(TimeBiLstm);

/// Gradient checks of `xs` and every parameter of `layer` for the loss
/// `Σ forward(xs) ⊙ r`; `prepare` sets the carried state before each
/// forward pass. Returns the worst error.
fn check_recurrent<L: Recurrent>(
    what: &str,
    layer: &mut L,
    xs: &Matrix<f64>,
    batch: usize,
    r: &Matrix<f64>,
    prepare: &dyn Fn(&mut L),
) -> f64 {
    prepare(layer);
    let out = layer.run(xs, batch);
    assert_eq!(out.shape(), r.shape(), "{what}: output shape");
    let dxs = layer.back(r);
    let grads: Vec<Matrix<f64>> = layer.ps().iter().map(|p| p.grad.clone()).collect();
    let mut errors = Vec::new();
    let e = check_matrix("xs", &dxs, xs, |x| {
        prepare(layer);
        wsum(&layer.run(x, batch), r)
    });
    errors.push(("xs".to_string(), e));
    let names = L::names();
    assert_eq!(names.len(), grads.len());
    for (pi, grad) in grads.iter().enumerate() {
        let value = layer.ps()[pi].value.clone();
        let e = check_matrix(names[pi], grad, &value, |v| {
            layer.ps_mut()[pi].value.copy_from(v.view());
            prepare(layer);
            wsum(&layer.run(xs, batch), r)
        });
        layer.ps_mut()[pi].value = value;
        errors.push((names[pi].to_string(), e));
    }
    assert_errors(what, &errors)
}

/// Random `Wx` (`D x gH`), `Wh` (`H x gH`), `b` (`1 x gH`) for `g` blocks.
fn weights(rng: &mut TestRng, d: usize, h: usize, g: usize) -> [Matrix<f64>; 3] {
    [
        rng.matrix(d, g * h, 0.8),
        rng.matrix(h, g * h, 0.8),
        rng.matrix(1, g * h, 0.5),
    ]
}

#[test]
fn time_rnn_passes_gradcheck_from_a_carried_state() {
    let mut rng = TestRng::new(1);
    let mut worst = 0.0f64;
    for &(t, n, d, h) in &SHAPES {
        let [wx, wh, b] = weights(&mut rng, d, h, 1);
        let xs = rng.matrix(t * n, d, 1.0);
        let r = rng.matrix(t * n, h, 1.0);
        let h0 = rng.matrix(n, h, 0.9);
        let what = format!("TimeRnn T={t} N={n} D={d} H={h}");
        // Stateless: from zeros.
        let mut rnn = TimeRnn::new(wx.clone(), wh.clone(), b.clone(), false);
        worst = worst.max(check_recurrent(
            &format!("{what} stateless"),
            &mut rnn,
            &xs,
            n,
            &r,
            &|_| {},
        ));
        // Stateful, from h0.
        let mut rnn = TimeRnn::new(wx, wh, b, true);
        let set = |l: &mut TimeRnn<f64>| l.set_state(h0.clone());
        worst = worst.max(check_recurrent(
            &format!("{what} carried"),
            &mut rnn,
            &xs,
            n,
            &r,
            &set,
        ));
        // dh: the gradient into the state before the first step.
        set(&mut rnn);
        rnn.forward(xs.view(), n);
        rnn.backward(r.view());
        let dh = rnn.dh().clone();
        let e = check_matrix("h0", &dh, &h0, |h0| {
            rnn.set_state(h0.clone());
            wsum(&rnn.run(&xs, n), &r)
        });
        worst = worst.max(assert_errors(&format!("{what} dh"), &[("h0".into(), e)]));
    }
    eprintln!("worst TimeRnn: {worst:.2e}");
}

#[test]
fn time_lstm_passes_gradcheck_from_a_carried_state() {
    let mut rng = TestRng::new(2);
    let mut worst = 0.0f64;
    for &(t, n, d, h) in &SHAPES {
        let [wx, wh, b] = weights(&mut rng, d, h, 4);
        let xs = rng.matrix(t * n, d, 1.0);
        let r = rng.matrix(t * n, h, 1.0);
        let h0 = rng.matrix(n, h, 0.9);
        let c0 = rng.matrix(n, h, 1.5);
        let what = format!("TimeLstm T={t} N={n} D={d} H={h}");
        let mut lstm = TimeLstm::new(wx.clone(), wh.clone(), b.clone(), false);
        worst = worst.max(check_recurrent(
            &format!("{what} stateless"),
            &mut lstm,
            &xs,
            n,
            &r,
            &|_| {},
        ));
        let mut lstm = TimeLstm::new(wx, wh, b, true);
        let set = |l: &mut TimeLstm<f64>| l.set_state(h0.clone(), Some(c0.clone()));
        worst = worst.max(check_recurrent(
            &format!("{what} carried"),
            &mut lstm,
            &xs,
            n,
            &r,
            &set,
        ));
        set(&mut lstm);
        lstm.forward(xs.view(), n);
        lstm.backward(r.view());
        let dh = lstm.dh().clone();
        let e = check_matrix("h0", &dh, &h0, |h0| {
            lstm.set_state(h0.clone(), Some(c0.clone()));
            wsum(&lstm.run(&xs, n), &r)
        });
        worst = worst.max(assert_errors(&format!("{what} dh"), &[("h0".into(), e)]));
    }
    eprintln!("worst TimeLstm: {worst:.2e}");
}

#[test]
fn time_lstm_passes_gradcheck_on_the_second_window() {
    // The state comes from a first forward pass, not from set_state; each
    // evaluation of the second window starts from that same state.
    let (t, n, d, h) = (4, 3, 3, 5);
    let mut rng = TestRng::new(3);
    let [wx, wh, b] = weights(&mut rng, d, h, 4);
    let first = rng.matrix(t * n, d, 1.0);
    let xs = rng.matrix(t * n, d, 1.0);
    let r = rng.matrix(t * n, h, 1.0);
    let mut lstm = TimeLstm::new(wx, wh, b, true);
    lstm.forward(first.view(), n);
    let (h1, c1) = (lstm.state().0.clone(), lstm.state().1.clone());
    assert!(h1.iter().all(|&v| v != 0.0) && c1.iter().all(|&v| v != 0.0));
    let restore = |l: &mut TimeLstm<f64>| l.set_state(h1.clone(), Some(c1.clone()));
    let worst = check_recurrent("TimeLstm second window", &mut lstm, &xs, n, &r, &restore);
    eprintln!("worst TimeLstm second window: {worst:.2e}");
}

#[test]
fn time_gru_passes_gradcheck_from_a_carried_state() {
    let mut rng = TestRng::new(4);
    let mut worst = 0.0f64;
    for &(t, n, d, h) in &SHAPES {
        let [wx, wh, b] = weights(&mut rng, d, h, 3);
        let xs = rng.matrix(t * n, d, 1.0);
        let r = rng.matrix(t * n, h, 1.0);
        let h0 = rng.matrix(n, h, 0.9);
        let what = format!("TimeGru T={t} N={n} D={d} H={h}");
        let mut gru = TimeGru::new(wx.clone(), wh.clone(), b.clone(), false);
        worst = worst.max(check_recurrent(
            &format!("{what} stateless"),
            &mut gru,
            &xs,
            n,
            &r,
            &|_| {},
        ));
        let mut gru = TimeGru::new(wx, wh, b, true);
        let set = |l: &mut TimeGru<f64>| l.set_state(h0.clone());
        worst = worst.max(check_recurrent(
            &format!("{what} carried"),
            &mut gru,
            &xs,
            n,
            &r,
            &set,
        ));
        set(&mut gru);
        gru.forward(xs.view(), n);
        gru.backward(r.view());
        let dh = gru.dh().clone();
        let e = check_matrix("h0", &dh, &h0, |h0| {
            gru.set_state(h0.clone());
            wsum(&gru.run(&xs, n), &r)
        });
        worst = worst.max(assert_errors(&format!("{what} dh"), &[("h0".into(), e)]));
    }
    eprintln!("worst TimeGru: {worst:.2e}");
}

#[test]
fn time_bilstm_passes_gradcheck_from_a_carried_state() {
    let mut rng = TestRng::new(5);
    let mut worst = 0.0f64;
    for &(t, n, d, h) in &SHAPES {
        let [wx1, wh1, b1] = weights(&mut rng, d, h, 4);
        let [wx2, wh2, b2] = weights(&mut rng, d, h, 4);
        let xs = rng.matrix(t * n, d, 1.0);
        let r = rng.matrix(t * n, 2 * h, 1.0);
        let states: Vec<Matrix<f64>> = (0..4).map(|_| rng.matrix(n, h, 1.2)).collect();
        let what = format!("TimeBiLstm T={t} N={n} D={d} H={h}");
        let new = |stateful| {
            TimeBiLstm::new(
                wx1.clone(),
                wh1.clone(),
                b1.clone(),
                wx2.clone(),
                wh2.clone(),
                b2.clone(),
                stateful,
            )
        };
        let mut bi = new(false);
        worst = worst.max(check_recurrent(
            &format!("{what} stateless"),
            &mut bi,
            &xs,
            n,
            &r,
            &|_| {},
        ));
        let mut bi = new(true);
        let set = |l: &mut TimeBiLstm<f64>| {
            l.set_state(
                (states[0].clone(), Some(states[1].clone())),
                (states[2].clone(), Some(states[3].clone())),
            )
        };
        worst = worst.max(check_recurrent(
            &format!("{what} carried"),
            &mut bi,
            &xs,
            n,
            &r,
            &set,
        ));
        // dh of each direction against its own initial h.
        set(&mut bi);
        bi.forward(xs.view(), n);
        bi.backward(r.view());
        let (dh1, dh2) = (bi.dh().0.clone(), bi.dh().1.clone());
        let e1 = check_matrix("h0 forward", &dh1, &states[0], |h| {
            bi.set_state(
                (h.clone(), Some(states[1].clone())),
                (states[2].clone(), Some(states[3].clone())),
            );
            wsum(&bi.run(&xs, n), &r)
        });
        let e2 = check_matrix("h0 backward", &dh2, &states[2], |h| {
            bi.set_state(
                (states[0].clone(), Some(states[1].clone())),
                (h.clone(), Some(states[3].clone())),
            );
            wsum(&bi.run(&xs, n), &r)
        });
        worst = worst.max(assert_errors(
            &format!("{what} dh"),
            &[("h0 forward".into(), e1), ("h0 backward".into(), e2)],
        ));
    }
    eprintln!("worst TimeBiLstm: {worst:.2e}");
}

#[test]
fn rnn_cell_passes_gradcheck_including_dh_prev() {
    let mut rng = TestRng::new(6);
    let (n, d, h) = (3, 3, 5);
    let [wx, wh, b] = weights(&mut rng, d, h, 1);
    let x = rng.matrix(n, d, 1.0);
    let h0 = rng.matrix(n, h, 0.9);
    let r = rng.matrix(n, h, 1.0);
    let mut cell = Rnn::new(wx, wh, b);
    cell.forward(x.view(), h0.clone());
    let (dx, dh_prev) = cell.backward(r.view());
    let grads: Vec<Matrix<f64>> = cell.params().iter().map(|p| p.grad.clone()).collect();
    let mut errors = vec![
        (
            "x".to_string(),
            check_matrix("x", &dx, &x, |x| {
                wsum(&cell.forward(x.view(), h0.clone()), &r)
            }),
        ),
        (
            "h_prev".to_string(),
            check_matrix("h_prev", &dh_prev, &h0, |h| {
                wsum(&cell.forward(x.view(), h.clone()), &r)
            }),
        ),
    ];
    for (pi, name) in ["Wx", "Wh", "b"].iter().enumerate() {
        let value = cell.params()[pi].value.clone();
        let e = check_matrix(name, &grads[pi], &value, |v| {
            cell.params_mut()[pi].value.copy_from(v.view());
            wsum(&cell.forward(x.view(), h0.clone()), &r)
        });
        cell.params_mut()[pi].value = value;
        errors.push((name.to_string(), e));
    }
    let worst = assert_errors("Rnn cell", &errors);
    eprintln!("worst Rnn: {worst:.2e}");
}

#[test]
fn lstm_cell_passes_gradcheck_including_dh_prev_and_dc_prev() {
    let mut rng = TestRng::new(7);
    let (n, d, h) = (2, 3, 5);
    let [wx, wh, b] = weights(&mut rng, d, h, 4);
    let x = rng.matrix(n, d, 1.0);
    let h0 = rng.matrix(n, h, 0.9);
    let c0 = rng.matrix(n, h, 1.5);
    let (rh, rc) = (rng.matrix(n, h, 1.0), rng.matrix(n, h, 1.0));
    let mut cell = Lstm::new(wx, wh, b);
    // Loss = Σ h_next ⊙ rh + Σ c_next ⊙ rc: both outputs get a gradient.
    let loss = |cell: &mut Lstm<f64>, x: &Matrix<f64>, h0: &Matrix<f64>, c0: &Matrix<f64>| {
        let (h, c) = cell.forward(x.view(), h0.clone(), c0.clone());
        wsum(&h, &rh) + wsum(&c, &rc)
    };
    loss(&mut cell, &x, &h0, &c0);
    let (dx, dh_prev, dc_prev) = cell.backward(rh.view(), rc.view());
    let grads: Vec<Matrix<f64>> = cell.params().iter().map(|p| p.grad.clone()).collect();
    let mut errors = vec![
        (
            "x".to_string(),
            check_matrix("x", &dx, &x, |x| loss(&mut cell, x, &h0, &c0)),
        ),
        (
            "h_prev".to_string(),
            check_matrix("h_prev", &dh_prev, &h0, |h| loss(&mut cell, &x, h, &c0)),
        ),
        (
            "c_prev".to_string(),
            check_matrix("c_prev", &dc_prev, &c0, |c| loss(&mut cell, &x, &h0, c)),
        ),
    ];
    for (pi, name) in ["Wx", "Wh", "b"].iter().enumerate() {
        let value = cell.params()[pi].value.clone();
        let e = check_matrix(name, &grads[pi], &value, |v| {
            cell.params_mut()[pi].value.copy_from(v.view());
            loss(&mut cell, &x, &h0, &c0)
        });
        cell.params_mut()[pi].value = value;
        errors.push((name.to_string(), e));
    }
    let worst = assert_errors("Lstm cell", &errors);
    eprintln!("worst Lstm: {worst:.2e}");
}

#[test]
fn gru_cell_passes_gradcheck_including_dh_prev() {
    let mut rng = TestRng::new(8);
    let (n, d, h) = (3, 3, 5);
    let [wx, wh, b] = weights(&mut rng, d, h, 3);
    let x = rng.matrix(n, d, 1.0);
    let h0 = rng.matrix(n, h, 0.9);
    let r = rng.matrix(n, h, 1.0);
    let mut cell = Gru::new(wx, wh, b);
    cell.forward(x.view(), h0.clone());
    let (dx, dh_prev) = cell.backward(r.view());
    let grads: Vec<Matrix<f64>> = cell.params().iter().map(|p| p.grad.clone()).collect();
    let mut errors = vec![
        (
            "x".to_string(),
            check_matrix("x", &dx, &x, |x| {
                wsum(&cell.forward(x.view(), h0.clone()), &r)
            }),
        ),
        (
            "h_prev".to_string(),
            check_matrix("h_prev", &dh_prev, &h0, |h| {
                wsum(&cell.forward(x.view(), h.clone()), &r)
            }),
        ),
    ];
    for (pi, name) in ["Wx", "Wh", "b"].iter().enumerate() {
        let value = cell.params()[pi].value.clone();
        let e = check_matrix(name, &grads[pi], &value, |v| {
            cell.params_mut()[pi].value.copy_from(v.view());
            wsum(&cell.forward(x.view(), h0.clone()), &r)
        });
        cell.params_mut()[pi].value = value;
        errors.push((name.to_string(), e));
    }
    let worst = assert_errors("Gru cell", &errors);
    eprintln!("worst Gru: {worst:.2e}");
}

#[test]
fn time_affine_passes_gradcheck() {
    let mut rng = TestRng::new(9);
    let mut worst = 0.0f64;
    for &(t, n, d, v) in &SHAPES {
        let xs = rng.matrix(t * n, d, 1.0);
        let r = rng.matrix(t * n, v, 1.0);
        let mut affine = TimeAffine::new(rng.matrix(d, v, 1.0), rng.matrix(1, v, 1.0));
        affine.forward(xs.view());
        let dxs = affine.backward(r.view()).clone();
        let grads: Vec<Matrix<f64>> = affine.params().iter().map(|p| p.grad.clone()).collect();
        let mut errors = vec![(
            "xs".to_string(),
            check_matrix("xs", &dxs, &xs, |x| wsum(affine.forward(x.view()), &r)),
        )];
        for (pi, name) in ["W", "b"].iter().enumerate() {
            let value = affine.params()[pi].value.clone();
            let e = check_matrix(name, &grads[pi], &value, |w| {
                affine.params_mut()[pi].value.copy_from(w.view());
                wsum(affine.forward(xs.view()), &r)
            });
            affine.params_mut()[pi].value = value;
            errors.push((name.to_string(), e));
        }
        worst = worst.max(assert_errors(&format!("TimeAffine T={t} N={n}"), &errors));
    }
    eprintln!("worst TimeAffine: {worst:.2e}");
}

/// Random `N x T` ids below `vocab`.
fn random_ids(rng: &mut TestRng, n: usize, t: usize, vocab: usize) -> Ids {
    Ids::from_vec(n, t, (0..n * t).map(|_| rng.below(vocab)).collect()).unwrap()
}

#[test]
fn time_embedding_passes_gradcheck() {
    let mut rng = TestRng::new(10);
    let mut worst = 0.0f64;
    for &(t, n, d, _) in &SHAPES {
        // A small vocabulary: ids repeat, so rows of the gradient add up.
        let vocab = 4;
        let ids = random_ids(&mut rng, n, t, vocab);
        let r = rng.matrix(t * n, d, 1.0);
        let mut embed = TimeEmbedding::new(rng.matrix(vocab, d, 1.0));
        embed.forward(ids.view());
        embed.backward(r.view());
        let grad = embed.params()[0].grad.clone();
        let w = embed.params()[0].value.clone();
        let e = check_matrix("W", &grad, &w, |w| {
            embed.params_mut()[0].value.copy_from(w.view());
            wsum(embed.forward(ids.view()), &r)
        });
        worst = worst.max(assert_errors(
            &format!("TimeEmbedding T={t} N={n}"),
            &[("W".into(), e)],
        ));
    }
    eprintln!("worst TimeEmbedding: {worst:.2e}");
}

#[test]
fn time_softmax_with_loss_passes_gradcheck_with_ignored_targets() {
    let mut rng = TestRng::new(11);
    let mut worst = 0.0f64;
    for &(t, n, _, v) in &SHAPES {
        let v = v + 2;
        let mut ts = random_ids(&mut rng, n, t, v).into_vec();
        // Some targets ignored: the first of each sequence, and one more.
        for seq in 0..n {
            ts[seq * t] = IGNORE_LABEL;
        }
        ts[n * t - 2] = IGNORE_LABEL;
        let ts = Ids::from_vec(n, t, ts).unwrap();
        let scores = rng.matrix(t * n, v, 2.0);
        let mut loss = TimeSoftmaxWithLoss::new();
        loss.forward(scores.view(), ts.view());
        let dscores = loss.backward().clone();
        // Ignored rows take no part in the loss.
        for seq in 0..n {
            assert!(dscores.row(seq).iter().all(|&g| g == 0.0));
        }
        let e = check_matrix("scores", &dscores, &scores, |s| {
            loss.forward(s.view(), ts.view())
        });
        worst = worst.max(assert_errors(
            &format!("TimeSoftmaxWithLoss T={t} N={n} V={v}"),
            &[("scores".into(), e)],
        ));
    }
    eprintln!("worst TimeSoftmaxWithLoss: {worst:.2e}");
}

#[test]
fn time_dropout_passes_gradcheck_with_a_fixed_mask() {
    let mut rng = TestRng::new(12);
    let mut worst = 0.0f64;
    for &(t, n, d, _) in &SHAPES {
        let xs = rng.matrix(t * n, d, 1.0);
        let r = rng.matrix(t * n, d, 1.0);
        let mut drop = TimeDropout::new(0.4);
        // The same seed for every evaluation: the same mask.
        let out = drop
            .forward(xs.view(), n, &mut RandomState::new(42))
            .clone();
        assert!(out.iter().any(|&v| v == 0.0) && out.iter().any(|&v| v != 0.0));
        let dxs = drop.backward(r.view()).clone();
        let e = check_matrix("xs", &dxs, &xs, |x| {
            wsum(drop.forward(x.view(), n, &mut RandomState::new(42)), &r)
        });
        worst = worst.max(assert_errors(
            &format!("TimeDropout T={t} N={n}"),
            &[("xs".into(), e)],
        ));
    }
    eprintln!("worst TimeDropout: {worst:.2e}");
}

// ---------------------------------------------------------------------------
// Stateful windows: two windows of T steps are one window of 2T steps.

/// Runs `layer` (stateful) over `xs` (`2T·N x D`) as two windows of `T`
/// steps and returns the outputs stacked.
fn two_windows<L: Recurrent>(layer: &mut L, xs: &Matrix<f64>, n: usize) -> Matrix<f64> {
    let half = xs.rows() / 2;
    let a = layer.run(&xs.rows_view(0..half).to_matrix(), n);
    let b = layer.run(&xs.rows_view(half..xs.rows()).to_matrix(), n);
    let mut all = a.into_vec();
    all.extend(b.into_vec());
    Matrix::from_vec(xs.rows(), all.len() / xs.rows(), all).unwrap()
}

#[test]
fn stateful_lstm_over_two_windows_equals_one_long_window_bit_for_bit() {
    let (t, n, d, h) = (5, 3, 3, 5);
    let mut rng = TestRng::new(13);
    let [wx, wh, b] = weights(&mut rng, d, h, 4);
    let xs = rng.matrix(2 * t * n, d, 1.0);
    let (h0, c0) = (rng.matrix(n, h, 0.9), rng.matrix(n, h, 1.5));
    let mut windows = TimeLstm::new(wx.clone(), wh.clone(), b.clone(), true);
    let mut long = TimeLstm::new(wx, wh, b, true);
    // From zeros.
    let split = two_windows(&mut windows, &xs, n);
    assert_eq!(split, long.run(&xs, n));
    assert_eq!(windows.state(), long.state());
    // From a given state.
    windows.set_state(h0.clone(), Some(c0.clone()));
    long.set_state(h0, Some(c0));
    assert_eq!(two_windows(&mut windows, &xs, n), long.run(&xs, n));
    // The second window really continued from the first.
    let mut fresh = TimeLstm::new(
        long.params()[0].value.clone(),
        long.params()[1].value.clone(),
        long.params()[2].value.clone(),
        true,
    );
    let second = fresh.run(&xs.rows_view(t * n..2 * t * n).to_matrix(), n);
    assert_ne!(second, split.rows_view(t * n..2 * t * n).to_matrix());
}

#[test]
fn stateful_rnn_and_gru_over_two_windows_equal_one_long_window_bit_for_bit() {
    let (t, n, d, h) = (4, 2, 3, 5);
    let mut rng = TestRng::new(14);
    let [wx, wh, b] = weights(&mut rng, d, h, 1);
    let xs = rng.matrix(2 * t * n, d, 1.0);
    let mut windows = TimeRnn::new(wx.clone(), wh.clone(), b.clone(), true);
    let mut long = TimeRnn::new(wx, wh, b, true);
    assert_eq!(two_windows(&mut windows, &xs, n), long.run(&xs, n));
    let [wx, wh, b] = weights(&mut rng, d, h, 3);
    let mut windows = TimeGru::new(wx.clone(), wh.clone(), b.clone(), true);
    let mut long = TimeGru::new(wx, wh, b, true);
    assert_eq!(two_windows(&mut windows, &xs, n), long.run(&xs, n));
    assert_eq!(windows.state(), long.state());
}

// ---------------------------------------------------------------------------
// The time-major layout against a naive per-sequence implementation.

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// `x·W` for a row vector `x` and `W` (`len(x) x cols`), column `j0 ..
/// j0 + len` of the product.
fn row_times(x: &[f64], w: &Matrix<f64>, j0: usize, len: usize) -> Vec<f64> {
    (0..len)
        .map(|j| (0..x.len()).map(|k| x[k] * w[(k, j0 + j)]).sum())
        .collect()
}

/// Sequence `s` of a time-major batch of `n`: its `T` rows.
fn sequence(xs: &Matrix<f64>, n: usize, s: usize) -> Vec<Vec<f64>> {
    (0..xs.rows() / n)
        .map(|t| xs.row(t * n + s).to_vec())
        .collect()
}

/// The book's RNN, one sequence: `h = tanh(h·Wh + x·Wx + b)`.
fn rnn_reference(p: &[Matrix<f64>; 3], xs: &[Vec<f64>], h0: &[f64]) -> Vec<Vec<f64>> {
    let [wx, wh, b] = p;
    let hd = wh.rows();
    let mut h = h0.to_vec();
    let mut out = Vec::new();
    for x in xs {
        let (hw, xw) = (row_times(&h, wh, 0, hd), row_times(x, wx, 0, hd));
        h = (0..hd)
            .map(|j| (hw[j] + xw[j] + b[(0, j)]).tanh())
            .collect();
        out.push(h.clone());
    }
    out
}

/// The book's LSTM, one sequence: gates `f, g, i, o`.
fn lstm_reference(p: &[Matrix<f64>; 3], xs: &[Vec<f64>], h0: &[f64], c0: &[f64]) -> Vec<Vec<f64>> {
    let [wx, wh, b] = p;
    let hd = wh.rows();
    let (mut h, mut c) = (h0.to_vec(), c0.to_vec());
    let mut out = Vec::new();
    for x in xs {
        let (xw, hw) = (row_times(x, wx, 0, 4 * hd), row_times(&h, wh, 0, 4 * hd));
        let a: Vec<f64> = (0..4 * hd).map(|j| xw[j] + hw[j] + b[(0, j)]).collect();
        for j in 0..hd {
            let f = sigmoid(a[j]);
            let g = a[hd + j].tanh();
            let i = sigmoid(a[2 * hd + j]);
            let o = sigmoid(a[3 * hd + j]);
            c[j] = f * c[j] + g * i;
            h[j] = o * c[j].tanh();
        }
        out.push(h.clone());
    }
    out
}

/// The book's GRU, one sequence: blocks `z, r, h_hat`, `h_hat` from
/// `(r ⊙ h_prev)·Whh`.
fn gru_reference(p: &[Matrix<f64>; 3], xs: &[Vec<f64>], h0: &[f64]) -> Vec<Vec<f64>> {
    let [wx, wh, b] = p;
    let hd = wh.rows();
    let mut h = h0.to_vec();
    let mut out = Vec::new();
    for x in xs {
        let (xz, hz) = (row_times(x, wx, 0, hd), row_times(&h, wh, 0, hd));
        let (xr, hr) = (row_times(x, wx, hd, hd), row_times(&h, wh, hd, hd));
        let z: Vec<f64> = (0..hd)
            .map(|j| sigmoid(xz[j] + hz[j] + b[(0, j)]))
            .collect();
        let r: Vec<f64> = (0..hd)
            .map(|j| sigmoid(xr[j] + hr[j] + b[(0, hd + j)]))
            .collect();
        let rh: Vec<f64> = (0..hd).map(|j| r[j] * h[j]).collect();
        let (xh, rhh) = (row_times(x, wx, 2 * hd, hd), row_times(&rh, wh, 2 * hd, hd));
        let h_hat: Vec<f64> = (0..hd)
            .map(|j| (xh[j] + rhh[j] + b[(0, 2 * hd + j)]).tanh())
            .collect();
        h = (0..hd)
            .map(|j| (1.0 - z[j]) * h[j] + z[j] * h_hat[j])
            .collect();
        out.push(h.clone());
    }
    out
}

/// The largest difference between the time-major `hs` and the per-sequence
/// `reference(s)` (rows `t`), over columns `cols` of `hs`.
fn max_diff_to_reference(
    hs: &Matrix<f64>,
    n: usize,
    cols: std::ops::Range<usize>,
    reference: impl Fn(usize) -> Vec<Vec<f64>>,
) -> f64 {
    let mut worst = 0.0f64;
    for s in 0..n {
        let want = reference(s);
        assert_eq!(want.len() * n, hs.rows());
        for (t, w) in want.iter().enumerate() {
            for (a, b) in hs.row(t * n + s)[cols.clone()].iter().zip(w) {
                worst = worst.max((a - b).abs());
            }
        }
    }
    worst
}

#[test]
fn time_rnn_matches_a_per_sequence_reference() {
    let mut rng = TestRng::new(15);
    for &(t, n, d, h) in &SHAPES {
        let p = weights(&mut rng, d, h, 1);
        let xs = rng.matrix(t * n, d, 1.0);
        let h0 = rng.matrix(n, h, 0.9);
        let mut rnn = TimeRnn::new(p[0].clone(), p[1].clone(), p[2].clone(), true);
        rnn.set_state(h0.clone());
        let hs = rnn.run(&xs, n);
        let diff = max_diff_to_reference(&hs, n, 0..h, |s| {
            rnn_reference(&p, &sequence(&xs, n, s), h0.row(s))
        });
        assert!(diff < 1e-12, "TimeRnn T={t} N={n}: {diff:e}");
    }
}

#[test]
fn time_lstm_matches_a_per_sequence_reference() {
    let mut rng = TestRng::new(16);
    for &(t, n, d, h) in &SHAPES {
        let p = weights(&mut rng, d, h, 4);
        let xs = rng.matrix(t * n, d, 1.0);
        let (h0, c0) = (rng.matrix(n, h, 0.9), rng.matrix(n, h, 1.5));
        let mut lstm = TimeLstm::new(p[0].clone(), p[1].clone(), p[2].clone(), true);
        lstm.set_state(h0.clone(), Some(c0.clone()));
        let hs = lstm.run(&xs, n);
        let diff = max_diff_to_reference(&hs, n, 0..h, |s| {
            lstm_reference(&p, &sequence(&xs, n, s), h0.row(s), c0.row(s))
        });
        assert!(diff < 1e-12, "TimeLstm T={t} N={n}: {diff:e}");
    }
}

#[test]
fn time_gru_matches_a_per_sequence_reference() {
    let mut rng = TestRng::new(17);
    for &(t, n, d, h) in &SHAPES {
        let p = weights(&mut rng, d, h, 3);
        let xs = rng.matrix(t * n, d, 1.0);
        let h0 = rng.matrix(n, h, 0.9);
        let mut gru = TimeGru::new(p[0].clone(), p[1].clone(), p[2].clone(), true);
        gru.set_state(h0.clone());
        let hs = gru.run(&xs, n);
        let diff = max_diff_to_reference(&hs, n, 0..h, |s| {
            gru_reference(&p, &sequence(&xs, n, s), h0.row(s))
        });
        assert!(diff < 1e-12, "TimeGru T={t} N={n}: {diff:e}");
        // The one-step cell is the same recurrence.
        let mut cell = Gru::new(p[0].clone(), p[1].clone(), p[2].clone());
        let step0 = cell.forward(xs.rows_view(0..n), h0.clone());
        assert_eq!(step0, hs.rows_view(0..n).to_matrix());
    }
}

#[test]
fn time_bilstm_matches_a_per_sequence_reference() {
    let mut rng = TestRng::new(18);
    for &(t, n, d, h) in &SHAPES {
        let p1 = weights(&mut rng, d, h, 4);
        let p2 = weights(&mut rng, d, h, 4);
        let xs = rng.matrix(t * n, d, 1.0);
        let zeros = vec![0.0; h];
        let [wx1, wh1, b1] = p1.clone();
        let [wx2, wh2, b2] = p2.clone();
        let mut bi = TimeBiLstm::new(wx1, wh1, b1, wx2, wh2, b2, false);
        let hs = bi.run(&xs, n);
        assert_eq!(hs.shape(), (t * n, 2 * h));
        let d1 = max_diff_to_reference(&hs, n, 0..h, |s| {
            lstm_reference(&p1, &sequence(&xs, n, s), &zeros, &zeros)
        });
        // The backward LSTM reads the sequence reversed; its output is
        // reversed back, so step t holds what it had after reading T−1 .. t.
        let d2 = max_diff_to_reference(&hs, n, h..2 * h, |s| {
            let mut rev = sequence(&xs, n, s);
            rev.reverse();
            let mut out = lstm_reference(&p2, &rev, &zeros, &zeros);
            out.reverse();
            out
        });
        assert!(
            d1 < 1e-12 && d2 < 1e-12,
            "TimeBiLstm T={t} N={n}: {d1:e}, {d2:e}"
        );
        // The parameters are the forward LSTM's, then the backward one's.
        for (i, w) in p1.iter().chain(&p2).enumerate() {
            assert_eq!(&bi.params()[i].value, w);
        }
    }
}

// ---------------------------------------------------------------------------
// reset_state

#[test]
fn reset_state_starts_stateful_layers_from_zeros() {
    let (t, n, d, h) = (3, 2, 3, 5);
    let mut rng = TestRng::new(19);
    let a = rng.matrix(t * n, d, 1.0);
    let xs = rng.matrix(t * n, d, 1.0);
    fn check<L: Recurrent>(
        what: &str,
        stateful: &mut L,
        fresh: &mut L,
        a: &Matrix<f64>,
        xs: &Matrix<f64>,
        n: usize,
    ) {
        let want = fresh.run(xs, n); // from zeros
        stateful.run(a, n);
        assert_ne!(stateful.run(xs, n), want, "{what}: the state is carried");
        stateful.run(a, n);
        stateful.reset();
        assert_eq!(stateful.run(xs, n), want, "{what}: reset_state");
    }
    let p = weights(&mut rng, d, h, 1);
    let new_rnn = |s| TimeRnn::new(p[0].clone(), p[1].clone(), p[2].clone(), s);
    check(
        "TimeRnn",
        &mut new_rnn(true),
        &mut new_rnn(false),
        &a,
        &xs,
        n,
    );
    let p = weights(&mut rng, d, h, 4);
    let new_lstm = |s| TimeLstm::new(p[0].clone(), p[1].clone(), p[2].clone(), s);
    check(
        "TimeLstm",
        &mut new_lstm(true),
        &mut new_lstm(false),
        &a,
        &xs,
        n,
    );
    let p = weights(&mut rng, d, h, 3);
    let new_gru = |s| TimeGru::new(p[0].clone(), p[1].clone(), p[2].clone(), s);
    check(
        "TimeGru",
        &mut new_gru(true),
        &mut new_gru(false),
        &a,
        &xs,
        n,
    );
    let (p, q) = (weights(&mut rng, d, h, 4), weights(&mut rng, d, h, 4));
    let new_bi = |s| {
        TimeBiLstm::new(
            p[0].clone(),
            p[1].clone(),
            p[2].clone(),
            q[0].clone(),
            q[1].clone(),
            q[2].clone(),
            s,
        )
    };
    check(
        "TimeBiLstm",
        &mut new_bi(true),
        &mut new_bi(false),
        &a,
        &xs,
        n,
    );
}

// ---------------------------------------------------------------------------
// Shape errors name the shapes.

fn zeros(r: usize, c: usize) -> Matrix<f64> {
    Matrix::zeros(r, c)
}

fn gru(d: usize, h: usize, stateful: bool) -> TimeGru<f64> {
    TimeGru::new(zeros(d, 3 * h), zeros(h, 3 * h), zeros(1, 3 * h), stateful)
}

fn bilstm(d: usize, h: usize) -> TimeBiLstm<f64> {
    let w = || (zeros(d, 4 * h), zeros(h, 4 * h), zeros(1, 4 * h));
    let ((a, b, c), (e, f, g)) = (w(), w());
    TimeBiLstm::new(a, b, c, e, f, g, false)
}

#[test]
#[should_panic(
    expected = "TimeGru::new: shapes Wx (3, 15), Wh (5, 14), b (1, 15) do not fit; with H = 5 they must be (D, 15), (5, 15), (1, 15)"
)]
fn gru_new_names_the_shapes() {
    TimeGru::new(zeros(3, 15), zeros(5, 14), zeros(1, 15), false);
}

#[test]
#[should_panic(expected = "TimeGru::new: shapes Wx (3, 15), Wh (5, 15), b (15, 1)")]
fn gru_new_rejects_a_column_bias() {
    TimeGru::new(zeros(3, 15), zeros(5, 15), zeros(15, 1), false);
}

#[test]
#[should_panic(
    expected = "TimeGru.forward: input shape (6, 4) does not fit Wx (3, 15): inputs need 3 columns"
)]
fn gru_forward_names_the_input_shape() {
    gru(3, 5, false).forward(zeros(6, 4).view(), 2);
}

#[test]
#[should_panic(expected = "TimeGru.forward: 7 rows are not whole time steps of a batch of 2")]
fn gru_forward_rejects_partial_steps() {
    gru(3, 5, false).forward(zeros(7, 3).view(), 2);
}

#[test]
#[should_panic(
    expected = "TimeGru.backward: got shape (6, 4), expected (6, 5) (the shape of the last forward pass)"
)]
fn gru_backward_names_the_shapes() {
    let mut g = gru(3, 5, false);
    g.forward(zeros(6, 3).view(), 2);
    g.backward(zeros(6, 4).view());
}

#[test]
#[should_panic(
    expected = "TimeGru.forward: the carried state is for a batch of 2 but the input has a batch of 3"
)]
fn gru_rejects_a_state_of_another_batch() {
    let mut g = gru(3, 5, true);
    g.forward(zeros(4, 3).view(), 2);
    g.forward(zeros(6, 3).view(), 3);
}

#[test]
#[should_panic(expected = "TimeGru.set_state: h (2, 4) must be (N, 5)")]
fn gru_set_state_names_the_shape() {
    gru(3, 5, true).set_state(zeros(2, 4));
}

#[test]
#[should_panic(
    expected = "Gru.forward: x (3, 3) and h_prev (2, 5) must have the same number of rows"
)]
fn gru_cell_rejects_x_and_h_prev_of_different_batches() {
    Gru::new(zeros(3, 15), zeros(5, 15), zeros(1, 15)).forward(zeros(3, 3).view(), zeros(2, 5));
}

#[test]
#[should_panic(
    expected = "TimeLstm::new: shapes Wx (3, 20), Wh (5, 20), b (1, 15) do not fit; with H = 5 they must be (D, 20), (5, 20), (1, 20)"
)]
fn lstm_new_names_the_shapes() {
    TimeLstm::new(zeros(3, 20), zeros(5, 20), zeros(1, 15), false);
}

#[test]
#[should_panic(expected = "TimeLstm.forward: input shape (6, 2) does not fit Wx (3, 20)")]
fn lstm_forward_names_the_input_shape() {
    TimeLstm::new(zeros(3, 20), zeros(5, 20), zeros(1, 20), false).forward(zeros(6, 2).view(), 2);
}

#[test]
#[should_panic(expected = "TimeLstm.backward: got shape (6, 4), expected (6, 5)")]
fn lstm_backward_names_the_shapes() {
    let mut l = TimeLstm::new(zeros(3, 20), zeros(5, 20), zeros(1, 20), false);
    l.forward(zeros(6, 3).view(), 2);
    l.backward(zeros(6, 4).view());
}

#[test]
#[should_panic(expected = "TimeLstm.set_state: h (2, 5) and c (2, 4) must both be (N, 5)")]
fn lstm_set_state_names_the_shapes() {
    TimeLstm::new(zeros(3, 20), zeros(5, 20), zeros(1, 20), true)
        .set_state(zeros(2, 5), Some(zeros(2, 4)));
}

#[test]
#[should_panic(
    expected = "TimeRnn::new: shapes Wx (3, 5), Wh (5, 5), b (1, 4) do not fit; with H = 5 they must be (D, 5), (5, 5), (1, 5)"
)]
fn rnn_new_names_the_shapes() {
    TimeRnn::new(zeros(3, 5), zeros(5, 5), zeros(1, 4), false);
}

#[test]
#[should_panic(expected = "TimeRnn.forward: input shape (4, 2) does not fit Wx (3, 5)")]
fn rnn_forward_names_the_input_shape() {
    TimeRnn::new(zeros(3, 5), zeros(5, 5), zeros(1, 5), false).forward(zeros(4, 2).view(), 2);
}

#[test]
#[should_panic(expected = "TimeRnn.backward: got shape (4, 4), expected (4, 5)")]
fn rnn_backward_names_the_shapes() {
    let mut r = TimeRnn::new(zeros(3, 5), zeros(5, 5), zeros(1, 5), false);
    r.forward(zeros(4, 3).view(), 2);
    r.backward(zeros(4, 4).view());
}

#[test]
#[should_panic(
    expected = "TimeBiLstm::new: the forward LSTM's Wx1 (3, 20), Wh1 (5, 20) and the backward LSTM's Wx2 (4, 20), Wh2 (5, 20) must have the same shapes"
)]
fn bilstm_new_names_the_shapes() {
    TimeBiLstm::new(
        zeros(3, 20),
        zeros(5, 20),
        zeros(1, 20),
        zeros(4, 20),
        zeros(5, 20),
        zeros(1, 20),
        false,
    );
}

#[test]
#[should_panic(
    expected = "TimeBiLstm.forward: input shape (6, 2) does not fit Wx1 (3, 20): inputs need 3 columns"
)]
fn bilstm_forward_names_the_input_shape() {
    bilstm(3, 5).forward(zeros(6, 2).view(), 2);
}

#[test]
#[should_panic(expected = "TimeBiLstm.forward: 5 rows are not whole time steps of a batch of 2")]
fn bilstm_forward_rejects_partial_steps() {
    bilstm(3, 5).forward(zeros(5, 3).view(), 2);
}

#[test]
#[should_panic(
    expected = "TimeBiLstm.backward: got shape (6, 5), expected (6, 10) (the shape of the last forward pass)"
)]
fn bilstm_backward_names_the_shapes() {
    let mut b = bilstm(3, 5);
    b.forward(zeros(6, 3).view(), 2);
    b.backward(zeros(6, 5).view());
}

#[test]
fn bilstm_keeps_its_parameters_after_a_shape_panic() {
    let mut b = bilstm(3, 5);
    b.params_mut()[0].value.fill(1.0);
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        b.set_state((zeros(2, 4), None), (zeros(2, 5), None));
    }));
    assert!(caught.is_err());
    assert_eq!(b.params()[0].value, Matrix::filled(3, 20, 1.0));
    assert_eq!(b.params()[1].value.shape(), (5, 20));
    assert_eq!(b.forward(zeros(6, 3).view(), 2).shape(), (6, 10));
}

#[test]
#[should_panic(expected = "TimeAffine::new: bias shape (1, 3) does not fit weight shape (2, 4)")]
fn affine_new_names_the_shapes() {
    TimeAffine::new(zeros(2, 4), zeros(1, 3));
}

#[test]
#[should_panic(
    expected = "TimeAffine.forward: input shape (4, 3) does not fit the weight (2 x 4): inputs need 2 columns"
)]
fn affine_forward_names_the_shapes() {
    TimeAffine::new(zeros(2, 4), zeros(1, 4)).forward(zeros(4, 3).view());
}

#[test]
#[should_panic(
    expected = "TimeSoftmaxWithLoss.forward: scores shape (5, 3) do not fit targets shape (2, 3)"
)]
fn softmax_loss_names_the_shapes() {
    TimeSoftmaxWithLoss::new().forward(
        zeros(5, 3).view(),
        Ids::from_rows([[0, 1, 2], [2, 1, 0]]).view(),
    );
}

#[test]
#[should_panic(
    expected = "TimeEmbedding.forward: id 7 at sequence 1, step 0 is outside the vocabulary of 4 words"
)]
fn embedding_names_an_id_outside_the_vocabulary() {
    TimeEmbedding::new(zeros(4, 2)).forward(Ids::from_rows([[0, 1], [7, 2]]).view());
}

#[test]
#[should_panic(
    expected = "Rnn.forward: x (4, 3) and h_prev (2, 5) must have the same number of rows"
)]
fn rnn_cell_rejects_x_and_h_prev_of_different_batches() {
    // Before the check, x of 2N rows ran two steps and returned both.
    Rnn::new(zeros(3, 5), zeros(5, 5), zeros(1, 5)).forward(zeros(4, 3).view(), zeros(2, 5));
}

#[test]
#[should_panic(
    expected = "Lstm.forward: x (4, 3) and h_prev (2, 5) must have the same number of rows"
)]
fn lstm_cell_rejects_x_and_h_prev_of_different_batches() {
    // Before the check, x of 2N rows ran two steps and returned the last.
    Lstm::new(zeros(3, 20), zeros(5, 20), zeros(1, 20)).forward(
        zeros(4, 3).view(),
        zeros(2, 5),
        zeros(2, 5),
    );
}

#[test]
#[should_panic(
    expected = "Lstm.backward: dh_next (2, 5) and dc_next (3, 5) must both be (2, 5) (the shape of the last forward pass)"
)]
fn lstm_cell_backward_names_the_shapes() {
    // Before the check, a dc_next of more rows was silently cut.
    let mut cell = Lstm::new(zeros(3, 20), zeros(5, 20), zeros(1, 20));
    cell.forward(zeros(2, 3).view(), zeros(2, 5), zeros(2, 5));
    cell.backward(zeros(2, 5).view(), zeros(3, 5).view());
}

#[test]
fn an_empty_window_gives_empty_outputs_and_zero_gradients() {
    let (n, d, h) = (2, 3, 5);
    let mut rng = TestRng::new(20);
    let xs = rng.matrix(2 * n, d, 1.0);
    fn check<L: Recurrent>(what: &str, layer: &mut L, xs: &Matrix<f64>, n: usize, width: usize) {
        // A full window first, so the gradients are not zero already.
        let out = layer.run(xs, n);
        layer.back(&Matrix::filled(out.rows(), out.cols(), 1.0));
        assert!(layer.ps().iter().all(|p| p.grad.iter().any(|&g| g != 0.0)));
        let empty = layer.run(&Matrix::zeros(0, xs.cols()), n);
        assert_eq!(empty.shape(), (0, width), "{what}");
        let dxs = layer.back(&Matrix::zeros(0, width));
        assert_eq!(dxs.shape(), (0, xs.cols()), "{what}");
        for p in layer.ps() {
            assert!(p.grad.iter().all(|&g| g == 0.0), "{what}");
        }
    }
    let p = weights(&mut rng, d, h, 1);
    let mut rnn = TimeRnn::new(p[0].clone(), p[1].clone(), p[2].clone(), true);
    check("TimeRnn", &mut rnn, &xs, n, h);
    let p = weights(&mut rng, d, h, 4);
    let mut lstm = TimeLstm::new(p[0].clone(), p[1].clone(), p[2].clone(), true);
    check("TimeLstm", &mut lstm, &xs, n, h);
    let p = weights(&mut rng, d, h, 3);
    let mut gru = TimeGru::new(p[0].clone(), p[1].clone(), p[2].clone(), true);
    check("TimeGru", &mut gru, &xs, n, h);
    let (p, q) = (weights(&mut rng, d, h, 4), weights(&mut rng, d, h, 4));
    let [a, b, c] = p;
    let [e, f, g] = q;
    let mut bi = TimeBiLstm::new(a, b, c, e, f, g, true);
    check("TimeBiLstm", &mut bi, &xs, n, 2 * h);
}

/// The softmax of a large batch is split across the products' threads; the
/// loss and the gradient are the same bits with 1 and 2 threads, ignored
/// targets included.
#[test]
fn softmax_loss_is_bit_identical_across_thread_counts() {
    use groundup::gemm::{with_config, Config, Kernel};
    use groundup::layers::time::{TimeSoftmaxWithLoss, IGNORE_LABEL};
    let (n, t, v) = (7, 11, 300);
    let mut r = groundup::RandomState::new(5);
    let scores = Matrix::<f32>::from_fn(n * t, v, |_, _| (r.randn() * 3.0) as f32);
    let ids: Vec<usize> = (0..n * t)
        .map(|i| {
            if i % 13 == 4 {
                IGNORE_LABEL
            } else {
                (i * 37) % v
            }
        })
        .collect();
    let ts = groundup::matrix::Ids::from_vec(n, t, ids).unwrap();
    let run = |threads: usize| {
        with_config(
            Config {
                kernel: Kernel::selected(),
                threads,
            },
            || {
                let mut loss = TimeSoftmaxWithLoss::new();
                let l = loss.forward(scores.view(), ts.view());
                (l, loss.backward().clone())
            },
        )
    };
    let (l1, d1) = run(1);
    let (l2, d2) = run(2);
    assert_eq!(l1.to_bits(), l2.to_bits());
    assert!(d1
        .iter()
        .zip(d2.iter())
        .all(|(a, b)| a.to_bits() == b.to_bits()));
    assert!(l1.is_finite() && l1 > 0.0);
}
