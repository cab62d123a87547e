//! The language models of chapters 5–7 against the book's own runs under
//! numpy (`tests/fixtures/rnnlm_runs.txt`, from
//! `scripts/gen_rnnlm_fixtures.py`, float32 as the book): the same initial
//! weights, dropout masks and sampled words from one `RandomState` stream,
//! `ppl_list` and the test/validation perplexities within 1e-4 relative
//! entry by entry, the generated text equal.
//!
//! The book's chapter-6 settings shrunk but at its learning rate 20
//! (`lstm.s0`, `better.s0`) are chaotic: a one-ulp change of one weight
//! moves the perplexities by 1e-2 within 70 iterations (measured by the
//! generator's `--stability`). Different BLAS summation orders are such
//! changes, so there only the stable prefix is compared; the same models
//! at learning rates 5 and 3 (`lstm_lr5.s0`, `better_lr3.s0`) are compared
//! in full.
//!
//! Under `GROUNDUP_TEST_SCALE=small` (the emulated targets, where these
//! runs take minutes) the runs whose end is not compared stop early, and
//! the others compare a prefix: ch05 over 10 epochs, the chaotic lr-20
//! LSTM over the one epoch its 9 compared entries lie in, the lr-3
//! BetterRnnlm over 2 of its 4 epochs. The lr-5 LSTM run (final weights,
//! test perplexity, generated words) stays whole.

mod common;

use common::numpy::{assert_close, Fixtures};
use groundup::model::{BetterRnnlm, LanguageModel, Params, Rnnlm, SimpleRnnlm};
use groundup::optim::Sgd;
use groundup::text::parse_ptb;
use groundup::train::{eval_perplexity, RnnlmFitOptions, RnnlmTrainer};
use groundup::RandomState;

const RUNS: &str = include_str!("fixtures/rnnlm_runs.txt");
const LICENSE: &str = include_str!("fixtures/license_corpus.txt");
const LM: &str = include_str!("fixtures/lm_corpus.txt");
#[allow(dead_code)]
const PROGRESS: &str = include_str!("fixtures/rnnlm_progress_lstm.txt");

fn fixtures() -> Fixtures {
    Fixtures::parse(RUNS)
}

fn max_abs(got: &[f32], want: &[f32]) -> f64 {
    assert_eq!(got.len(), want.len());
    got.iter()
        .zip(want)
        .map(|(g, w)| (g - w).abs() as f64)
        .fold(0.0, f64::max)
}

/// The held-out split of `lm_corpus.txt`: 10 % as the generator's.
fn lm_split() -> (Vec<usize>, Vec<usize>, usize) {
    let (mut corpus, vocab) = parse_ptb(LM);
    let n_train = (corpus.len() as f64 * (1.0 - 0.1)) as usize;
    let held = corpus.split_off(n_train);
    (corpus, held, vocab.len())
}

fn opts(
    epochs: usize,
    batch: usize,
    time: usize,
    max_grad: Option<f64>,
    every: usize,
) -> RnnlmFitOptions {
    RnnlmFitOptions {
        max_epoch: epochs,
        batch_size: batch,
        time_size: time,
        max_grad,
        eval_interval: Some(every),
    }
}

#[test]
fn simple_rnnlm_reproduces_ch05_train_py() {
    let f = fixtures();
    let want = f.f64s("simple.s0.ppl");
    // Under emulation the first 10 epochs (the rest adds nothing new).
    let epochs = common::scale::pick(want.len(), 10);
    let (corpus, _) = parse_ptb(LICENSE);
    let corpus = &corpus[..1000];
    let vocab = corpus.iter().max().unwrap() + 1;
    assert_eq!(vocab as i64, f.i64s("simple.s0.vocab")[0]);
    let mut rng = RandomState::new(0);
    let model = SimpleRnnlm::<f32>::new(vocab, 100, 100, &mut rng);
    let mut trainer = RnnlmTrainer::new(model, Sgd::new(0.1));
    trainer.set_verbose(false);
    trainer
        .fit(&corpus[..999], &corpus[1..], opts(epochs, 10, 5, None, 20))
        .unwrap();
    // The first 80 epochs agree to 1e-5 on every kernel. The last ones,
    // where the model overfits 1000 words to a perplexity of 2.5, amplify
    // rounding differences: with the vector kernels' fused in-order
    // products the whole list stays within 2.4e-5 (measured), with the
    // portable kernel's separate multiply and add (the safe build, s390x,
    // i686) it reaches 2.6e-4 in the last two epochs.
    let got = trainer.ppl_list();
    let head = epochs.min(80);
    assert_close("simple.s0.ppl head", &got[..head], &want[..head], 1e-5);
    let portable = groundup::gemm::Kernel::selected() == groundup::gemm::Kernel::Portable;
    let tail_tol = if portable { 5e-4 } else { 1e-4 };
    let worst = assert_close("simple.s0.ppl", got, &want[..epochs], tail_tol);
    println!("simple.s0: {epochs} ppl entries, worst relative {worst:.2e}");
    if epochs == want.len() {
        let b = trainer.model().params()[5].value.as_slice().to_vec();
        let d = max_abs(&b, &f.f32s("simple.s0.affine_b"));
        println!("simple.s0: final affine b, max abs difference {d:.2e}");
        assert!(
            d < if portable { 1e-3 } else { 1e-4 },
            "final affine bias differs by {d}"
        );
    }
}

/// ch06/train_rnnlm.py shrunk (3 epochs, or `epochs`), then
/// eval_perplexity and generation.
fn lstm_run(lr: f64, epochs: usize) -> (Vec<f64>, f64, Vec<usize>, Vec<f32>) {
    let (train, held, vocab) = lm_split();
    let mut rng = RandomState::new(0);
    let model = Rnnlm::<f32>::new(vocab, 16, 24, &mut rng);
    let mut trainer = RnnlmTrainer::new(model, Sgd::new(lr));
    trainer.set_verbose(false);
    let n = train.len();
    trainer
        .fit(
            &train[..n - 1],
            &train[1..],
            opts(epochs, 8, 10, Some(0.25), 5),
        )
        .unwrap();
    let ppl = trainer.ppl_list().to_vec();
    let mut model = trainer.into_model();
    model.reset_state();
    let test = eval_perplexity(&mut model, &held, 10, 35, &mut std::io::sink()).unwrap();
    model.reset_state();
    let generated = model.generate(25, &[49, 59, 67], 30).unwrap();
    let b = model.params()[3].value.as_slice().to_vec();
    (ppl, test, generated, b)
}

#[test]
fn rnnlm_reproduces_ch06_train_rnnlm_py() {
    let f = fixtures();
    let (train, held, vocab) = lm_split();
    let sizes: Vec<i64> = [train.len(), held.len(), vocab]
        .iter()
        .map(|&v| v as i64)
        .collect();
    assert_eq!(sizes, f.i64s("lstm.s0.sizes"));
    assert_eq!(f.i64s("lstm_lr5.s0.start"), [25]);
    assert_eq!(f.i64s("lstm_lr5.s0.skip"), [49, 59, 67]);
    let (ppl, test, generated, b) = lstm_run(5.0, 3);
    let worst = assert_close("lstm_lr5.s0.ppl", &ppl, &f.f64s("lstm_lr5.s0.ppl"), 1e-4);
    assert_close(
        "lstm_lr5.s0.test_ppl",
        &[test],
        &f.f64s("lstm_lr5.s0.test_ppl"),
        1e-4,
    );
    let want: Vec<usize> = f
        .i64s("lstm_lr5.s0.generated")
        .iter()
        .map(|&v| v as usize)
        .collect();
    assert_eq!(generated, want, "generated ids");
    let d = max_abs(&b, &f.f32s("lstm_lr5.s0.lstm_b"));
    println!(
        "lstm_lr5.s0: ppl worst relative {worst:.2e}, test ppl {test}, final b max abs {d:.2e}"
    );
    assert!(d < 1e-4, "final LSTM bias differs by {d}");
}

#[test]
fn rnnlm_at_the_books_learning_rate_matches_its_stable_prefix() {
    let f = fixtures();
    // 27 entries per epoch: the compared 9 lie in the first.
    let epochs = common::scale::pick(3, 1);
    let (ppl, test, _, _) = lstm_run(20.0, epochs);
    let want = f.f64s("lstm.s0.ppl");
    let worst = assert_close("lstm.s0.ppl prefix", &ppl[..9], &want[..9], 1e-5);
    let drift = ppl
        .iter()
        .zip(&want)
        .map(|(g, w)| (g - w).abs() / w)
        .fold(0.0, f64::max);
    println!(
        "lstm.s0 (chaotic): first 9 ppl within {worst:.2e}; all {} within {drift:.2e}; \
         test ppl after {epochs} epochs {test}, numpy's after 3 {}",
        ppl.len(),
        f.f64s("lstm.s0.test_ppl")[0]
    );
}

struct BetterRun {
    ppl: Vec<f64>,
    valid: Vec<f64>,
    lrs: Vec<f64>,
    generated: Vec<usize>,
    lstm_b2: Vec<f32>,
    affine_b: Vec<f32>,
}

/// ch06/train_better_rnnlm.py shrunk: one fit per epoch, validation,
/// lr / 4 when it did not improve.
fn better_run(lr: f64, epochs: usize, batch: usize, time: usize) -> BetterRun {
    let (train, held, vocab) = lm_split();
    let mut rng = RandomState::new(0);
    let model = BetterRnnlm::<f32>::new(vocab, 24, 24, 0.5, &mut rng).unwrap();
    let mut trainer = RnnlmTrainer::new(model, Sgd::new(lr));
    trainer.set_verbose(false);
    let n = train.len();
    let (mut ppl, mut valid, mut lrs) = (Vec::new(), Vec::new(), Vec::new());
    let mut lr = lr;
    let mut best = f64::INFINITY;
    for _ in 0..epochs {
        trainer
            .fit(
                &train[..n - 1],
                &train[1..],
                opts(1, batch, time, Some(0.25), 5),
            )
            .unwrap();
        ppl.extend_from_slice(trainer.ppl_list());
        let model = trainer.model_mut();
        model.reset_state();
        let v = eval_perplexity(model, &held, 10, 35, &mut std::io::sink()).unwrap();
        if best > v {
            best = v;
        } else {
            lr /= 4.0;
            trainer.optimizer_mut().lr = lr;
        }
        trainer.model_mut().reset_state();
        valid.push(v);
        lrs.push(lr);
    }
    let mut model = trainer.into_model();
    model.reset_state();
    let generated = model.generate(25, &[49, 59, 67], 30).unwrap();
    let p = model.params();
    BetterRun {
        ppl,
        valid,
        lrs,
        generated,
        lstm_b2: p[6].value.as_slice().to_vec(),
        affine_b: p[7].value.as_slice().to_vec(),
    }
}

#[test]
fn better_rnnlm_reproduces_ch06_train_better_rnnlm_py() {
    let f = fixtures();
    let want_lrs = f.f64s("better_lr3.s0.lr");
    let epochs = common::scale::pick(want_lrs.len(), 2);
    let run = better_run(3.0, epochs, 8, 10);
    let want_ppl = f.f64s("better_lr3.s0.ppl");
    let per_epoch = want_ppl.len() / want_lrs.len();
    let worst = assert_close(
        "better_lr3.s0.ppl",
        &run.ppl,
        &want_ppl[..per_epoch * epochs],
        1e-4,
    );
    let worst_valid = assert_close(
        "better_lr3.s0.valid_ppl",
        &run.valid,
        &f.f64s("better_lr3.s0.valid_ppl")[..epochs],
        1e-4,
    );
    assert_eq!(run.lrs, want_lrs[..epochs]);
    println!(
        "better_lr3.s0: {epochs} epochs, ppl worst {worst:.2e}, valid worst {worst_valid:.2e}"
    );
    if epochs < want_lrs.len() {
        return; // the generated words and final weights follow the whole run
    }
    let want: Vec<usize> = f
        .i64s("better_lr3.s0.generated")
        .iter()
        .map(|&v| v as usize)
        .collect();
    assert_eq!(run.generated, want, "generated ids");
    let d2 = max_abs(&run.lstm_b2, &f.f32s("better_lr3.s0.lstm_b2"));
    let da = max_abs(&run.affine_b, &f.f32s("better_lr3.s0.affine_b"));
    println!("better_lr3.s0: final lstm2 b {d2:.2e}, affine b {da:.2e}");
    assert!(d2 < 1e-4 && da < 1e-4, "final biases differ: {d2}, {da}");
}

#[test]
fn better_rnnlm_at_the_books_learning_rate_matches_its_stable_prefix() {
    let f = fixtures();
    let epochs = common::scale::pick(5, 1);
    let run = better_run(20.0, epochs, 4, 8);
    let want = f.f64s("better.s0.ppl");
    let worst = assert_close("better.s0.ppl prefix", &run.ppl[..18], &want[..18], 1e-4);
    println!(
        "better.s0 (chaotic): first 18 ppl within {worst:.2e}; valid ppl {:?} vs numpy {:?}; lr {:?} vs numpy {:?}",
        run.valid,
        f.f64s("better.s0.valid_ppl"),
        run.lrs,
        f.f64s("better.s0.lr")
    );
}

#[test]
fn eval_perplexity_prints_the_books_progress() {
    let (train, held, vocab) = lm_split();
    let model = Rnnlm::<f32>::new(vocab, 16, 24, &mut RandomState::new(0));
    let mut trainer = RnnlmTrainer::new(model, Sgd::new(20.0));
    trainer.set_verbose(false);
    let n = train.len();
    trainer
        .fit(&train[..n - 1], &train[1..], opts(1, 8, 10, Some(0.25), 5))
        .unwrap();
    let mut model = trainer.into_model();
    model.reset_state();
    let mut out = Vec::new();
    eval_perplexity(&mut model, &held, 10, 35, &mut out).unwrap();
    let tail = PROGRESS.rsplit_once("evaluating").unwrap().1;
    assert_eq!(String::from_utf8(out).unwrap(), format!("evaluating{tail}"));
}
