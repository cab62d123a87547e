//! The first three updates of every optimizer and `clip_grads` against
//! numpy float64 values computed with the book's code
//! (tests/fixtures/optim_steps.txt, made by scripts/gen_optim_fixtures.py).
//! Bit-exact: the formulas are evaluated in the book's order.

use groundup::layers::Param;
use groundup::model::Params;
use groundup::optim::{clip_grads, AdaGrad, Adam, Momentum, Nesterov, Optimizer, RmsProp, Sgd};
use groundup::Matrix;
use std::collections::HashMap;

fn bits(words: &[&str]) -> Vec<f64> {
    words
        .iter()
        .map(|w| f64::from_bits(u64::from_str_radix(w, 16).unwrap()))
        .collect()
}

struct Fixture {
    init: Vec<Matrix<f64>>,
    grads: Vec<Vec<Vec<f64>>>,
    steps: HashMap<(String, usize, usize), Vec<f64>>,
    clips: HashMap<(String, usize), Vec<f64>>,
}

fn load() -> Fixture {
    let text = include_str!("fixtures/optim_steps.txt");
    let mut f = Fixture {
        init: vec![],
        grads: vec![vec![], vec![], vec![]],
        steps: HashMap::new(),
        clips: HashMap::new(),
    };
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let w: Vec<&str> = line.split_whitespace().collect();
        match w[0] {
            "init" => {
                let (r, c) = (w[2].parse().unwrap(), w[3].parse().unwrap());
                f.init.push(Matrix::from_vec(r, c, bits(&w[4..])).unwrap());
            }
            "grad" => f.grads[w[1].parse::<usize>().unwrap()].push(bits(&w[3..])),
            "step" => {
                f.steps.insert(
                    (
                        w[1].to_string(),
                        w[2].parse().unwrap(),
                        w[3].parse().unwrap(),
                    ),
                    bits(&w[4..]),
                );
            }
            "clip" => {
                f.clips
                    .insert((w[1].to_string(), w[2].parse().unwrap()), bits(&w[3..]));
            }
            other => panic!("unknown fixture line kind {other}"),
        }
    }
    f
}

/// Parameters only: what optimizers and clip_grads walk.
struct ParamList(Vec<Param<f64>>);

impl Params<f64> for ParamList {
    fn for_each_param(&mut self, f: &mut dyn FnMut(usize, &mut Param<f64>)) {
        for (i, p) in self.0.iter_mut().enumerate() {
            f(i, p);
        }
    }
    fn params(&self) -> Vec<&Param<f64>> {
        self.0.iter().collect()
    }
    fn param_names(&self) -> Vec<String> {
        vec!["a".into(), "b".into()]
    }
}

fn run(name: &str, mut opt: impl Optimizer<f64>) {
    let fx = load();
    let mut model = ParamList(fx.init.iter().cloned().map(Param::new).collect());
    for step in 0..3 {
        for (i, p) in model.0.iter_mut().enumerate() {
            p.grad.as_mut_slice().copy_from_slice(&fx.grads[step][i]);
        }
        opt.update(&mut model);
        for (i, p) in model.0.iter().enumerate() {
            let want = &fx.steps[&(name.to_string(), step, i)];
            for (e, (&got, &want)) in p.value.as_slice().iter().zip(want).enumerate() {
                assert_eq!(
                    got.to_bits(),
                    want.to_bits(),
                    "{name} step {step} param {i} element {e}: {got:e} vs numpy {want:e}"
                );
            }
        }
    }
}

#[test]
fn sgd_matches_numpy() {
    run("sgd", Sgd::default());
    run("sgd_lr1", Sgd::new(1.0));
}

#[test]
fn momentum_matches_numpy() {
    run("momentum", Momentum::default());
}

#[test]
fn nesterov_matches_numpy() {
    run("nesterov", Nesterov::default());
}

#[test]
fn adagrad_matches_numpy() {
    run("adagrad", AdaGrad::default());
}

#[test]
fn rmsprop_matches_numpy() {
    run("rmsprop", RmsProp::default());
}

#[test]
fn adam_matches_numpy() {
    run("adam", Adam::default());
    run("adam_lr01", Adam::new(0.1, 0.9, 0.999));
}

#[test]
fn clip_grads_matches_numpy() {
    let fx = load();
    for max_norm in ["0.5", "100.0"] {
        let mut model = ParamList(fx.init.iter().cloned().map(Param::new).collect());
        for (i, p) in model.0.iter_mut().enumerate() {
            p.grad.as_mut_slice().copy_from_slice(&fx.grads[0][i]);
        }
        clip_grads(&mut model, max_norm.parse().unwrap());
        for (i, p) in model.0.iter().enumerate() {
            let want = &fx.clips[&(max_norm.to_string(), i)];
            let got: Vec<u64> = p.grad.as_slice().iter().map(|v| v.to_bits()).collect();
            let want: Vec<u64> = want.iter().map(|v| v.to_bits()).collect();
            assert_eq!(got, want, "clip_grads max_norm={max_norm} param {i}");
        }
    }
}

#[test]
fn unknown_optimizer_name_is_an_error() {
    let err = groundup::optim::by_name::<f64>("adamw", None)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("adamw") && err.contains("rmsprop"), "{err}");
}
