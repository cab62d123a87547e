//! The seq2seq models of chapters 7–8 against the book's own runs under
//! numpy (`tests/fixtures/seq2seq_runs.txt`, from
//! `scripts/gen_seq2seq_fixtures.py`, float32 as the book): `load_data`
//! then the model from the same stream (the initial weights bit for bit),
//! the `Trainer` with Adam and clipping for a shrunk run of the book's
//! scripts, then the per-epoch evaluation of the first test rows.
//! `loss_list` must be within 1e-4 relative entry by entry (measured:
//! about 1e-7), the greedy answers equal (at most 1 % of rows may differ),
//! the accuracy within 0.01, the final biases within 1e-4.
//!
//! The generator's `--stability` nudges one weight by one ulp: the losses
//! then move by at most 7e-8 relative and no answer changes, so these runs
//! are not chaotic and the tolerances are honest.
//!
//! Under `GROUNDUP_TEST_SCALE=small` (the emulated targets) the `.small`
//! runs (hidden 16, 640 rows) replace the `.full` ones (hidden 128/256,
//! 12 800 / 5 120 rows): the same code paths.

mod common;

use common::numpy::{assert_close, Fixtures};
use common::scale;
use groundup::data::sequence;
use groundup::matrix::Ids;
use groundup::model::{
    AttentionDecoder, AttentionSeq2seq, EncoderDecoder, Params, PeekySeq2seq, Seq2seq,
    Seq2seqDecoder,
};
use groundup::optim::Adam;
use groundup::train::{eval_seq2seq_rows, format_seq2seq, FitOptions, Trainer};

const RUNS: &str = include_str!("fixtures/seq2seq_runs.txt");

struct Setting {
    file: &'static str,
    reverse: bool,
    hidden: usize,
    batch: usize,
    train_rows: usize,
    epochs: usize,
    eval_interval: usize,
    eval_rows: usize,
}

fn setting(model: &str) -> (String, Setting) {
    let small = scale::small();
    let name = format!("{model}.{}", if small { "small" } else { "full" });
    let (file, reverse) = match model {
        "attention" => ("date", true),
        "peeky" => ("addition", true),
        _ => ("addition", false),
    };
    let s = if small {
        Setting {
            file,
            reverse,
            hidden: 16,
            batch: 32,
            train_rows: 640,
            epochs: 2,
            eval_interval: 2,
            eval_rows: 40,
        }
    } else if model == "attention" {
        Setting {
            file,
            reverse,
            hidden: 256,
            batch: 128,
            train_rows: 5120,
            epochs: 1,
            eval_interval: 4,
            eval_rows: 300,
        }
    } else {
        Setting {
            file,
            reverse,
            hidden: 128,
            batch: 128,
            train_rows: 12800,
            epochs: 2,
            eval_interval: 10,
            eval_rows: 300,
        }
    };
    (name, s)
}

fn reverse_rows(x: &mut Ids) {
    let cols = x.cols();
    for row in x.as_mut_slice().chunks_mut(cols) {
        row.reverse();
    }
}

/// Runs `model` (built by `build` from the data's stream) as the
/// generator did and compares everything; returns the trained model.
fn check_run<D: Seq2seqDecoder<f32>>(
    model_name: &str,
    build: fn(usize, usize, usize, &mut groundup::RandomState) -> EncoderDecoder<f32, D>,
) -> EncoderDecoder<f32, D> {
    let f = Fixtures::parse(RUNS);
    let (name, s) = setting(model_name);
    let path = format!(
        "{}/examples/data/{}.txt",
        env!("CARGO_MANIFEST_DIR"),
        s.file
    );
    let data = sequence::load_data(path, 1984).unwrap();
    let (mut x_train, mut x_test) = (data.x_train, data.x_test);
    if s.reverse {
        reverse_rows(&mut x_train);
        reverse_rows(&mut x_test);
    }
    let x = x_train.rows_view(0..s.train_rows).to_ids();
    let t = data.t_train.rows_view(0..s.train_rows).to_ids();
    let vocab = data.vocab.len();
    let sizes = f.i64s(&format!("{name}.sizes"));
    assert_eq!(
        sizes,
        [vocab, s.train_rows, s.eval_rows, x.cols(), t.cols()].map(|v| v as i64)
    );
    let mut rng = data.rng;
    let model = build(vocab, 16, s.hidden, &mut rng);
    let init: Vec<f32> = model
        .params()
        .iter()
        .flat_map(|p| p.value.as_slice()[..8].to_vec())
        .collect();
    let want_init = f.f32s(&format!("{name}.init"));
    assert!(
        init.iter()
            .zip(&want_init)
            .all(|(a, b)| a.to_bits() == b.to_bits()),
        "{name}: the initial weights differ from the book's"
    );
    let mut trainer = Trainer::new(model, Adam::default()).with_rng(rng);
    trainer.set_verbose(false);
    let opts = FitOptions {
        max_epoch: 1,
        batch_size: s.batch,
        max_grad: Some(5.0),
        eval_interval: s.eval_interval,
    };
    let (xs, ts) = (
        x_test.rows_view(0..s.eval_rows),
        data.t_test.rows_view(0..s.eval_rows),
    );
    let mut acc = Vec::new();
    let mut guesses = Ids::default();
    for _ in 0..s.epochs {
        trainer.fit(&x, &t, opts).unwrap();
        let eval = eval_seq2seq_rows(&mut trainer.model, xs, ts, 100).unwrap();
        acc.push(eval.accuracy());
        guesses = eval.guesses;
    }
    let worst = assert_close(
        &format!("{name}.loss"),
        &trainer.loss_list,
        &f.f64s(&format!("{name}.loss")),
        1e-4,
    );
    eprintln!("{name}: loss_list within {worst:.2e} relative of numpy");
    for (a, w) in acc.iter().zip(f.f64s(&format!("{name}.acc"))) {
        assert!(
            (a - w).abs() <= 0.01,
            "{name}: accuracy {a} against numpy's {w}"
        );
    }
    let want: Vec<usize> = f
        .i64s(&format!("{name}.guess"))
        .iter()
        .map(|&v| v as usize)
        .collect();
    let k = guesses.cols();
    let differing = (0..s.eval_rows)
        .filter(|&i| guesses.row(i) != &want[i * k..(i + 1) * k])
        .count();
    eprintln!(
        "{name}: {differing} of {} answers differ from numpy's",
        s.eval_rows
    );
    assert!(
        differing * 100 <= s.eval_rows,
        "{name}: {differing} of {} answers differ",
        s.eval_rows
    );
    let model = trainer.model;
    let p = model.params();
    let as_f64 = |v: &[f32]| v.iter().map(|&x| f64::from(x)).collect::<Vec<_>>();
    let bias_close = |what: &str, got: &[f32], want: Vec<f32>| {
        let scale = want.iter().fold(0f32, |m, v| m.max(v.abs())) as f64;
        let worst = as_f64(got)
            .iter()
            .zip(as_f64(&want))
            .map(|(g, w)| (g - w).abs() / scale)
            .fold(0.0, f64::max);
        eprintln!("{name}: {what} within {worst:.2e} (relative to its largest entry)");
        assert!(worst < 1e-4, "{name}: {what} differs by {worst:e}");
    };
    bias_close(
        "encoder LSTM b",
        p[3].value.as_slice(),
        f.f32s(&format!("{name}.lstm_b")),
    );
    let affine_b = p[p.len() - 1].value.as_slice();
    bias_close(
        "decoder affine b",
        affine_b,
        f.f32s(&format!("{name}.affine_b")),
    );
    model
}

#[test]
fn seq2seq_reproduces_ch07_train_seq2seq_py() {
    check_run("seq2seq", Seq2seq::<f32>::new);
}

#[test]
fn peeky_seq2seq_reproduces_ch07_with_reversed_questions() {
    let mut model = check_run("peeky", PeekySeq2seq::<f32>::new);
    if scale::small() {
        return;
    }
    // What the book's eval_seq2seq prints (verbose, is_reverse=True) for
    // the first 10 test rows, colour codes included, byte for byte.
    let data = sequence::load_data(
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/addition.txt"),
        1984,
    )
    .unwrap();
    let mut x = data.x_test.rows_view(0..10).to_ids();
    reverse_rows(&mut x);
    let t = data.t_test.rows_view(0..10);
    let eval = eval_seq2seq_rows(&mut model, x.view(), t, 10).unwrap();
    let printed: String = (0..10)
        .map(|i| {
            format_seq2seq(
                x.row(i),
                &t.row(i)[1..],
                eval.guesses.row(i),
                &data.vocab,
                true,
                true,
            )
        })
        .collect();
    assert_eq!(printed, include_str!("fixtures/seq2seq_eval_output.txt"));
}

#[test]
fn attention_seq2seq_reproduces_ch08_train_py_and_its_attention_map() {
    let mut model = check_run("attention", AttentionSeq2seq::<f32>::new);
    let f = Fixtures::parse(RUNS);
    let (name, _) = setting("attention");
    let data = sequence::load_data(
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/date.txt"),
        1984,
    )
    .unwrap();
    let mut x = data.x_test.rows_view(0..1).to_ids();
    reverse_rows(&mut x);
    let t = data.t_test.rows_view(0..1).to_ids();
    model.forward(x.view(), t.view());
    let d: &AttentionDecoder<f32> = model.decoder();
    let a = d.attention().attention_weights();
    let shape = f.i64s(&format!("{name}.attention_shape"));
    assert_eq!([a.rows() as i64, 1, a.cols() as i64], shape[..]);
    let want = f.f32s(&format!("{name}.attention"));
    let worst = a
        .as_slice()
        .iter()
        .zip(&want)
        .map(|(&g, &w)| (g - w).abs())
        .fold(0f32, f32::max);
    eprintln!("{name}: attention weights within {worst:.2e} absolute");
    assert!(worst < 1e-4, "attention weights differ by {worst}");
}

/// The contract at the book's own settings (`ch07/train_seq2seq.py`,
/// peeky, reversed, all 45 000 rows): the first epoch's `loss_list` within
/// 1e-4 of the book's full run under numpy
/// (`tests/fixtures/seq2seq_book_runs.txt`) and the accuracy on all 5000
/// test rows within 0.01. (Later epochs part by the run's own sensitivity:
/// see `scripts/gen_seq2seq_book_runs.py --stability`.)
#[test]
fn peeky_at_the_books_settings_follows_the_books_first_epoch() {
    if scale::small() {
        eprintln!("skipped under GROUNDUP_TEST_SCALE=small: a full epoch at hidden 128");
        return;
    }
    let f = Fixtures::parse(include_str!("fixtures/seq2seq_book_runs.txt"));
    let data = sequence::load_data(
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/addition.txt"),
        1984,
    )
    .unwrap();
    let (mut x_train, mut x_test) = (data.x_train, data.x_test);
    reverse_rows(&mut x_train);
    reverse_rows(&mut x_test);
    let mut rng = data.rng;
    let model = PeekySeq2seq::<f32>::new(data.vocab.len(), 16, 128, &mut rng);
    let mut trainer = Trainer::new(model, Adam::default()).with_rng(rng);
    trainer.set_verbose(false);
    let opts = FitOptions {
        max_epoch: 1,
        batch_size: 128,
        max_grad: Some(5.0),
        eval_interval: 20,
    };
    trainer.fit(&x_train, &data.t_train, opts).unwrap();
    let want = f.f64s("peeky_book.loss");
    let worst = assert_close("peeky_book.loss", &trainer.loss_list, &want[..18], 1e-4);
    eprintln!("peeky_book epoch 1: loss_list within {worst:.2e} relative of numpy");
    let eval =
        eval_seq2seq_rows(&mut trainer.model, x_test.view(), data.t_test.view(), 128).unwrap();
    let book = f.f64s("peeky_book.acc")[0];
    eprintln!(
        "peeky_book epoch 1: accuracy {} (numpy {book})",
        eval.accuracy()
    );
    assert!((eval.accuracy() - book).abs() <= 0.01);
}
