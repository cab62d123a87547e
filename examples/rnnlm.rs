//! The book's recurrent language models: `ch05/train.py` (`--model simple`),
//! `ch06/train_rnnlm.py` (`--model lstm`, the default) and
//! `ch06/train_better_rnnlm.py` (`--model better`), with chapter 7's text
//! generation (`--generate N --start WORD`).
//!
//! ```sh
//! # chapter 5 on the first 1000 words
//! cargo run --release --example rnnlm -- --corpus tests/fixtures/license_corpus.txt \
//!     --model simple --corpus-size 1000 --batch 10 --time-size 5 --lr 0.1 --epochs 100 --max-grad none
//! # chapter 6, then 30 words of generated text
//! cargo run --release --example rnnlm -- --corpus tests/fixtures/lm_corpus.txt --holdout 0.1 \
//!     --generate 30 --start the
//! ```
//!
//! `--seed N` stands for `np.random.seed(N)` at the top of the book's
//! script: the weights, every dropout mask and every generated word come
//! from that one stream, in the book's order.

#[macro_use]
#[path = "common/out.rs"]
mod out;

use groundup::io::{load_model, save_model};
use groundup::model::{BetterRnnlm, LanguageModel, Params, Rnnlm, SimpleRnnlm};
use groundup::optim::Sgd;
use groundup::text::{read_ptb, Vocab};
use groundup::train::{eval_perplexity, RnnlmFitOptions, RnnlmTrainer};
use groundup::{Matrix, RandomState, Scalar};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[path = "common/cli.rs"]
mod cli;
use cli::{number, value};

const USAGE: &str = "\
usage: cargo run --release --example rnnlm -- --corpus FILE [options]

Trains the book's RNN language models on a PTB-format corpus (one sentence
per line, words separated by spaces; line ends become <eos>):
  simple  ch05/train.py: embedding, tanh RNN, affine
  lstm    ch06/train_rnnlm.py: embedding, LSTM, affine
  better  ch06/train_better_rnnlm.py: two LSTMs, dropout, tied weights;
          one fit per epoch, validated on the holdout, lr / 4 when the
          validation perplexity did not improve

options:
  --corpus FILE         the corpus (required)
  --model simple|lstm|better
                        which model (default lstm)
  --corpus-size N       use the first N ids (default 0 = all); for simple the
                        vocabulary is max(id) + 1 of those, as ch05/train.py
  --holdout F           hold out the last fraction F of the corpus (default 0):
                        test perplexity (simple, lstm) or validation (better)
  --wordvec N           word vector size (default 100)
  --hidden N            hidden state size (default 100)
  --time-size N         truncated BPTT length (default 35)
  --batch N             sequences per mini-batch (default 20)
  --lr X                SGD learning rate (default 20.0)
  --epochs N            training epochs (default 4; 0 = no training)
  --max-grad X|none     clip the global gradient norm (default 0.25)
  --dropout X           dropout ratio, better only (default 0.5)
  --eval-interval N     report the perplexity every N iterations (default 20)
  --seed N              np.random.seed(N) at the start (default 0)
  --dtype f32|f64       element type (default f32, the book's astype('f'))
  --ppl-csv FILE        write ppl_list, one value per line, no header
  --out DIR             directory for perplexity.svg (default target/rnnlm)
  --save FILE           save the weights (safetensors; better: the best epoch's)
  --load FILE           start from saved weights (same sizes and corpus)
  --generate N          print N generated words (chapter 7's RnnlmGen)
  --start WORD          the first word of the generated text
  --quiet               no progress lines
  --help                this text";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Simple,
    Lstm,
    Better,
}

#[derive(Debug)]
struct Args {
    corpus: PathBuf,
    model: Kind,
    corpus_size: usize,
    holdout: f64,
    wordvec: usize,
    hidden: usize,
    time_size: usize,
    batch: usize,
    lr: f64,
    epochs: usize,
    max_grad: Option<f64>,
    dropout: f64,
    eval_interval: usize,
    seed: u32,
    dtype: String,
    ppl_csv: Option<PathBuf>,
    out: PathBuf,
    save: Option<PathBuf>,
    load: Option<PathBuf>,
    generate: usize,
    start: Option<String>,
    quiet: bool,
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut corpus = None;
    let mut a = Args {
        corpus: PathBuf::new(),
        model: Kind::Lstm,
        corpus_size: 0,
        holdout: 0.0,
        wordvec: 100,
        hidden: 100,
        time_size: 35,
        batch: 20,
        lr: 20.0,
        epochs: 4,
        max_grad: Some(0.25),
        dropout: 0.5,
        eval_interval: 20,
        seed: 0,
        dtype: "f32".into(),
        ppl_csv: None,
        out: PathBuf::from("target/rnnlm"),
        save: None,
        load: None,
        generate: 0,
        start: None,
        quiet: false,
    };
    let positive = "a positive whole number";
    while let Some(flag) = argv.next() {
        match flag.as_str() {
            "--help" | "-h" => return Ok(None),
            "--corpus" => corpus = Some(PathBuf::from(value(&flag, argv.next())?)),
            "--model" => {
                a.model = match value(&flag, argv.next())?.as_str() {
                    "simple" => Kind::Simple,
                    "lstm" => Kind::Lstm,
                    "better" => Kind::Better,
                    other => {
                        return Err(format!(
                            "--model {other:?}: expected simple, lstm or better"
                        ))
                    }
                }
            }
            "--corpus-size" => a.corpus_size = number(&flag, argv.next(), "a whole number")?,
            "--holdout" => {
                a.holdout = number(&flag, argv.next(), "a fraction from 0 to below 1")?;
                if !(0.0..1.0).contains(&a.holdout) {
                    return Err(format!(
                        "--holdout {}: expected a fraction from 0 to below 1",
                        a.holdout
                    ));
                }
            }
            "--wordvec" => a.wordvec = number(&flag, argv.next(), positive)?,
            "--hidden" => a.hidden = number(&flag, argv.next(), positive)?,
            "--time-size" => a.time_size = number(&flag, argv.next(), positive)?,
            "--batch" => a.batch = number(&flag, argv.next(), positive)?,
            "--lr" => {
                a.lr = number(&flag, argv.next(), "a positive number")?;
                if !(a.lr.is_finite() && a.lr > 0.0) {
                    return Err(format!("--lr {}: expected a positive number", a.lr));
                }
            }
            "--epochs" => a.epochs = number(&flag, argv.next(), "a whole number")?,
            "--max-grad" => a.max_grad = cli::max_grad(&flag, argv.next())?,
            "--dropout" => {
                a.dropout = number(&flag, argv.next(), "a ratio from 0 to below 1")?;
                if !(0.0..1.0).contains(&a.dropout) {
                    return Err(format!(
                        "--dropout {}: expected a ratio from 0 to below 1",
                        a.dropout
                    ));
                }
            }
            "--eval-interval" => a.eval_interval = number(&flag, argv.next(), positive)?,
            "--seed" => a.seed = number(&flag, argv.next(), "a whole number from 0 to 4294967295")?,
            "--dtype" => a.dtype = cli::dtype(&flag, argv.next())?,
            "--ppl-csv" => a.ppl_csv = Some(value(&flag, argv.next())?.into()),
            "--out" => a.out = value(&flag, argv.next())?.into(),
            "--save" => a.save = Some(value(&flag, argv.next())?.into()),
            "--load" => a.load = Some(value(&flag, argv.next())?.into()),
            "--generate" => a.generate = number(&flag, argv.next(), "a whole number")?,
            "--start" => a.start = Some(value(&flag, argv.next())?),
            "--quiet" => a.quiet = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    a.corpus = corpus.ok_or("--corpus FILE is required")?;
    for (name, v) in [
        ("--wordvec", a.wordvec),
        ("--hidden", a.hidden),
        ("--time-size", a.time_size),
        ("--batch", a.batch),
        ("--eval-interval", a.eval_interval),
    ] {
        if v == 0 {
            return Err(format!("{name} must be at least 1"));
        }
    }
    if a.generate > 0 && a.start.is_none() {
        return Err("--generate needs --start WORD".into());
    }
    if a.model == Kind::Better && a.wordvec != a.hidden {
        return Err(format!(
            "--model better ties the embedding to the output weight: --wordvec ({}) must equal --hidden ({})",
            a.wordvec, a.hidden
        ));
    }
    Ok(Some(a))
}

/// What the run works on: the training ids, the held-out ids, the vocabulary.
struct Data {
    train: Vec<usize>,
    held: Vec<usize>,
    vocab: Vocab,
    vocab_size: usize,
}

fn load_data(args: &Args) -> Result<Data, String> {
    let (mut corpus, vocab) = read_ptb(&args.corpus).map_err(|e| e.to_string())?;
    let total = corpus.len();
    if args.corpus_size > 0 && args.corpus_size < corpus.len() {
        corpus.truncate(args.corpus_size);
    }
    // ch05/train.py: vocab_size = int(max(corpus) + 1) of the words kept.
    let vocab_size = match args.model {
        Kind::Simple => corpus.iter().max().map_or(0, |&m| m + 1),
        _ => vocab.len(),
    };
    let n_train = (corpus.len() as f64 * (1.0 - args.holdout)) as usize;
    let held = corpus.split_off(n_train);
    outln!(
        "corpus {}: {total} tokens, {} words; training on {} ids, {} held out, vocabulary {vocab_size}",
        args.corpus.display(),
        vocab.len(),
        corpus.len(),
        held.len()
    );
    if corpus.len() < 2 {
        return Err(format!(
            "only {} training ids: nothing to predict (check --corpus-size and --holdout)",
            corpus.len()
        ));
    }
    Ok(Data {
        train: corpus,
        held,
        vocab,
        vocab_size,
    })
}

fn fit_options(args: &Args, epochs: usize) -> RnnlmFitOptions {
    RnnlmFitOptions {
        max_epoch: epochs,
        batch_size: args.batch,
        time_size: args.time_size,
        max_grad: args.max_grad,
        eval_interval: Some(args.eval_interval),
    }
}

/// One `fit`, timed: prints `tokens_per_s=…`.
fn timed_fit<T: Scalar, M: LanguageModel<T>>(
    trainer: &mut RnnlmTrainer<T, M, Sgd>,
    data: &Data,
    args: &Args,
    epochs: usize,
) -> Result<(), String> {
    let (xs, ts) = (&data.train[..data.train.len() - 1], &data.train[1..]);
    let started = Instant::now();
    trainer
        .fit(xs, ts, fit_options(args, epochs))
        .map_err(|e| e.to_string())?;
    let secs = started.elapsed().as_secs_f64();
    let iters = xs.len() / (args.batch * args.time_size);
    let tokens = epochs * iters * args.batch * args.time_size;
    if tokens > 0 {
        outln!(
            "{epochs} epoch(s) x {iters} iterations in {secs:.2} s: tokens_per_s={:.0}",
            tokens as f64 / secs
        );
    }
    Ok(())
}

/// The book's `print('test perplexity: ', ppl)` (two spaces: print's separator).
fn perplexity<T: Scalar, M: LanguageModel<T>>(
    model: &mut M,
    held: &[usize],
    quiet: bool,
) -> Result<f64, String> {
    let mut progress: Box<dyn std::io::Write> = if quiet {
        Box::new(std::io::sink())
    } else {
        Box::new(std::io::stdout())
    };
    eval_perplexity(model, held, 10, 35, &mut progress).map_err(|e| e.to_string())
}

fn train_plain<T: Scalar, M: LanguageModel<T>>(
    model: M,
    data: &Data,
    args: &Args,
) -> Result<(M, Vec<f64>), String> {
    let mut trainer = RnnlmTrainer::new(model, Sgd::new(args.lr));
    trainer.set_verbose(!args.quiet);
    if args.epochs > 0 {
        timed_fit(&mut trainer, data, args, args.epochs)?;
    }
    let ppl_list = trainer.ppl_list().to_vec();
    let mut model = trainer.into_model();
    if !data.held.is_empty() {
        model.reset_state();
        let ppl = perplexity(&mut model, &data.held, args.quiet)?;
        outln!("test perplexity:  {}", groundup::text::py_float(ppl));
    }
    if let Some(path) = &args.save {
        save_model(path, &model).map_err(|e| e.to_string())?;
        outln!("saved {}", path.display());
    }
    Ok((model, ppl_list))
}

/// ch06/train_better_rnnlm.py: one fit per epoch, validation, lr decay.
fn train_better<T: Scalar>(
    model: BetterRnnlm<T>,
    data: &Data,
    args: &Args,
) -> Result<(BetterRnnlm<T>, Vec<f64>), String> {
    let mut trainer = RnnlmTrainer::new(model, Sgd::new(args.lr));
    trainer.set_verbose(!args.quiet);
    let mut lr = args.lr;
    let mut best_ppl = f64::INFINITY;
    let mut best: Option<Vec<Matrix<T>>> = None;
    // Each fit starts its own ppl_list (the book's); the CSV holds them all.
    let mut ppl_all = Vec::new();
    for _ in 0..args.epochs {
        timed_fit(&mut trainer, data, args, 1)?;
        ppl_all.extend_from_slice(trainer.ppl_list());
        if data.held.is_empty() {
            continue;
        }
        let model = trainer.model_mut();
        model.reset_state();
        let ppl = perplexity(model, &data.held, args.quiet)?;
        outln!("valid perplexity:  {}", groundup::text::py_float(ppl));
        if best_ppl > ppl {
            best_ppl = ppl;
            best = Some(model.params().iter().map(|p| p.value.clone()).collect());
            if let Some(path) = &args.save {
                save_model(path, &*model).map_err(|e| e.to_string())?;
                outln!("saved {}", path.display());
            }
        } else {
            lr /= 4.0;
            trainer.optimizer_mut().lr = lr;
        }
        trainer.model_mut().reset_state();
        outln!("{}", "-".repeat(50));
    }
    if let (Some(path), true) = (&args.save, data.held.is_empty()) {
        save_model(path, trainer.model()).map_err(|e| e.to_string())?;
        outln!("saved {}", path.display());
    }
    let mut model = trainer.into_model();
    // Continue (generation) with the best epoch's weights.
    if let Some(values) = best {
        model.for_each_param(&mut |i, p| p.value.clone_from(&values[i]));
        outln!(
            "best weights restored (valid perplexity {})",
            groundup::text::py_float(best_ppl)
        );
    }
    let ppl_list = ppl_all;
    Ok((model, ppl_list))
}

/// ch07/generate_text.py: `N`, `<unk>` and `$` are skipped, `<eos>` ends a line.
fn generate<T: Scalar, M: LanguageModel<T>>(
    model: &mut M,
    vocab: &Vocab,
    vocab_size: usize,
    args: &Args,
) -> Result<(), String> {
    let start = args.start.as_deref().expect("checked by parse_args");
    let start_id = match vocab.id(start) {
        Some(id) if id < vocab_size => id,
        _ => {
            return Err(format!(
                "--start {start:?} is not in the model's vocabulary"
            ))
        }
    };
    let skip: Vec<usize> = ["N", "<unk>", "$"]
        .iter()
        .filter_map(|w| vocab.id(w))
        .collect();
    model.reset_state();
    let ids = model
        .generate(start_id, &skip, args.generate)
        .map_err(|e| e.to_string())?;
    let words: Vec<&str> = ids.iter().map(|&i| vocab.word(i).unwrap_or("?")).collect();
    outln!("{}", words.join(" ").replace(" <eos>", ".\n"));
    Ok(())
}

/// The perplexity curve and CSV, then the generated text.
fn finish<T: Scalar, M: LanguageModel<T>>(
    (mut model, ppl): (M, Vec<f64>),
    data: &Data,
    args: &Args,
) -> Result<(), String> {
    let csv = args.ppl_csv.as_deref();
    cli::write_curve_outputs(&ppl, args.eval_interval, csv, &args.out, "perplexity")?;
    if args.generate > 0 {
        generate(&mut model, &data.vocab, data.vocab_size, args)?;
    }
    Ok(())
}

fn run<T: Scalar>(args: &Args) -> Result<(), String> {
    // np.random.seed(seed) at the top of the script.
    let mut rng = RandomState::new(args.seed);
    let data = load_data(args)?;
    let (v, d, h) = (data.vocab_size, args.wordvec, args.hidden);
    let load = |model: &mut dyn Params<T>| -> Result<(), String> {
        if let Some(path) = &args.load {
            load_model(path, model).map_err(|e| e.to_string())?;
            outln!("loaded {}", path.display());
        }
        Ok(())
    };
    match args.model {
        Kind::Simple => {
            let mut model = SimpleRnnlm::<T>::new(v, d, h, &mut rng);
            load(&mut model)?;
            finish(train_plain(model, &data, args)?, &data, args)
        }
        Kind::Lstm => {
            let mut model = Rnnlm::<T>::new(v, d, h, &mut rng);
            load(&mut model)?;
            finish(train_plain(model, &data, args)?, &data, args)
        }
        Kind::Better => {
            let mut model = BetterRnnlm::<T>::new(v, d, h, args.dropout, &mut rng)
                .map_err(|e| e.to_string())?;
            load(&mut model)?;
            finish(train_better(model, &data, args)?, &data, args)
        }
    }
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
