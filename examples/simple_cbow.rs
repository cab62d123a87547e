//! The book's `ch03/train.py`: SimpleCBOW (or SimpleSkipGram) learns word
//! vectors for "You say goodbye and I say hello." with a softmax over the
//! whole vocabulary.
//!
//! ```sh
//! cargo run --release --example simple_cbow                  # the book's run (seed 0)
//! cargo run --release --example simple_cbow -- --skip-gram --seed 3
//! ```
//!
//! `--seed N` stands for `np.random.seed(N)` at the top of the script: the
//! weights and every epoch's shuffle come from that one stream, as in the
//! book, so the loss curve follows numpy's (float32, within 1e-6 relative
//! in the fixture tests).

#[macro_use]
#[path = "common/out.rs"]
mod out;

use groundup::model::{SimpleCbow, SimpleSkipGram};
use groundup::optim::Adam;
use groundup::text::{create_contexts_target, numpy_str, preprocess};
use groundup::train::{FitOptions, Trainable, Trainer};
use groundup::{Matrix, RandomState, Scalar};
use std::path::PathBuf;
use std::process::ExitCode;

#[path = "common/cli.rs"]
mod cli;
use cli::{number, value};

const TEXT: &str = "You say goodbye and I say hello.";

const USAGE: &str = "\
usage: cargo run --release --example simple_cbow -- [options]

Trains the book's SimpleCBOW (ch03/train.py) on \"You say goodbye and I say
hello.\" with Adam, prints each word's vector as the book does and draws the
loss curve as SVG.

options:
  --seed N          np.random.seed(N) at the top of the script: the weights
                    and the shuffles come from this stream (default 0)
  --skip-gram       train SimpleSkipGram instead
  --epochs N        training epochs (default 1000)
  --hidden N        word vector size (default 5)
  --window N        context words on each side (default 1)
  --batch N         mini-batch size (default 3)
  --dtype f32|f64   element type (default f32, the book's astype('f'))
  --loss-csv FILE   write loss_list, one value per line, no header
  --out DIR         directory for loss.svg (default target/simple_cbow)
  --quiet           no progress lines
  --help            this text";

#[derive(Debug)]
struct Args {
    seed: u32,
    skip_gram: bool,
    epochs: usize,
    hidden: usize,
    window: usize,
    batch: usize,
    dtype: String,
    loss_csv: Option<PathBuf>,
    out: PathBuf,
    quiet: bool,
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut a = Args {
        seed: 0,
        skip_gram: false,
        epochs: 1000,
        hidden: 5,
        window: 1,
        batch: 3,
        dtype: "f32".into(),
        loss_csv: None,
        out: PathBuf::from("target/simple_cbow"),
        quiet: false,
    };
    while let Some(flag) = argv.next() {
        match flag.as_str() {
            "--help" | "-h" => return Ok(None),
            "--seed" => a.seed = number(&flag, argv.next(), "a whole number from 0 to 4294967295")?,
            "--skip-gram" => a.skip_gram = true,
            "--epochs" => a.epochs = number(&flag, argv.next(), "a whole number")?,
            "--hidden" => a.hidden = number(&flag, argv.next(), "a positive whole number")?,
            "--window" => a.window = number(&flag, argv.next(), "a positive whole number")?,
            "--batch" => a.batch = number(&flag, argv.next(), "a positive whole number")?,
            "--dtype" => a.dtype = cli::dtype(&flag, argv.next())?,
            "--loss-csv" => a.loss_csv = Some(value(&flag, argv.next())?.into()),
            "--out" => a.out = value(&flag, argv.next())?.into(),
            "--quiet" => a.quiet = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if a.hidden == 0 {
        return Err("--hidden must be at least 1".into());
    }
    if a.window == 0 {
        return Err("--window must be at least 1".into());
    }
    if a.batch == 0 {
        return Err("--batch must be at least 1".into());
    }
    Ok(Some(a))
}

/// Trains `model` as ch03/train.py does and returns its loss list and
/// word vectors.
fn train<T: Scalar, M: Trainable<T, Input = groundup::matrix::Ids>>(
    model: M,
    rng: RandomState,
    args: &Args,
    word_vecs: impl Fn(&M) -> Matrix<T>,
) -> Result<(Vec<f64>, Matrix<T>), String> {
    let (corpus, _) = preprocess(TEXT);
    let (contexts, target) = create_contexts_target(&corpus, args.window);
    let mut trainer = Trainer::new(model, Adam::default()).with_rng(rng);
    trainer.set_verbose(!args.quiet);
    let options = FitOptions {
        max_epoch: args.epochs,
        batch_size: args.batch,
        ..Default::default()
    };
    trainer
        .fit(&contexts, &target, options)
        .map_err(|e| e.to_string())?;
    let vecs = word_vecs(&trainer.model);
    Ok((trainer.loss_list, vecs))
}

fn run<T: Scalar>(args: &Args) -> Result<(), String> {
    let (corpus, vocab) = preprocess(TEXT);
    let samples = corpus.len().saturating_sub(2 * args.window);
    if args.batch > samples {
        return Err(format!(
            "--batch {} is larger than the {samples} training samples (window {})",
            args.batch, args.window
        ));
    }
    // np.random.seed(seed): the weights, then every shuffle, from one stream
    let mut rng = RandomState::new(args.seed);
    let contexts = 2 * args.window;
    let (loss_list, word_vecs) = if args.skip_gram {
        let model =
            SimpleSkipGram::<T>::new(vocab.len(), args.hidden, contexts, &mut || rng.randn());
        train(model, rng, args, |m| m.word_vecs().clone())?
    } else {
        let model = SimpleCbow::<T>::new(vocab.len(), args.hidden, contexts, &mut || rng.randn());
        train(model, rng, args, |m| m.word_vecs().clone())?
    };
    // for word_id, word in id_to_word.items(): print(word, word_vecs[word_id])
    for (id, word) in vocab.words().iter().enumerate() {
        outln!("{word} {}", numpy_str(word_vecs.row(id)));
    }
    cli::write_loss_outputs(
        &loss_list,
        FitOptions::default().eval_interval,
        args.loss_csv.as_deref(),
        &args.out,
    )?;
    Ok(())
}

fn main() -> ExitCode {
    cli::main_with(USAGE, parse_args, |args: &Args| {
        if args.dtype == "f32" {
            run::<f32>(args)
        } else {
            run::<f64>(args)
        }
    })
}
