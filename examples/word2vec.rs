//! The book's `ch04/train.py` (and `ch04/eval.py`): CBOW or skip-gram with
//! negative sampling on a PTB-format corpus, then similarity and analogy
//! queries on the learned vectors.
//!
//! ```sh
//! cargo run --release --example word2vec -- --corpus ptb.train.txt --save vecs.safetensors
//! cargo run --release --example word2vec -- --load vecs.safetensors --query you,year,car
//! cargo run --release --example word2vec -- --corpus tests/fixtures/license_corpus.txt \
//!     --window 2 --hidden 10 --batch 20 --epochs 2 --eval-interval 5 --query license
//! ```
//!
//! `--seed N` stands for `np.random.seed(N)` before the model is built: the
//! weights, every epoch's shuffle and every negative sample come from that
//! one stream, in the book's order.

#[macro_use]
#[path = "common/out.rs"]
mod out;

use groundup::model::{Cbow, SkipGram};
use groundup::optim::Adam;
use groundup::text::{
    analogy, create_contexts_target, format_analogy, format_most_similar, load_word_vectors,
    most_similar, read_ptb, save_word_vectors, Vocab,
};
use groundup::train::{FitOptions, Trainable, Trainer};
use groundup::{Matrix, RandomState, Scalar};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[path = "common/cli.rs"]
mod cli;
use cli::{number, value};

const USAGE: &str = "\
usage: cargo run --release --example word2vec -- --corpus FILE [options]
       cargo run --release --example word2vec -- --load FILE --query WORDS

Trains the book's CBOW (ch04/train.py) or skip-gram with negative sampling
on a PTB-format corpus (one sentence per line, words separated by spaces;
line ends become <eos>), then answers similarity and analogy queries as
ch04/eval.py does.

options:
  --corpus FILE         the training corpus (required unless --load)
  --model cbow|skip-gram
                        which model (default cbow)
  --window N            context words on each side (default 5)
  --hidden N            word vector size (default 100)
  --batch N             mini-batch size (default 100)
  --epochs N            training epochs (default 10)
  --eval-interval N     report the average loss every N iterations (default 20)
  --seed N              np.random.seed(N) before the model is built (default 0)
  --dtype f32|f64       element type (default f32, the book's astype('f'))
  --loss-csv FILE       write loss_list, one value per line, no header
  --out DIR             directory for loss.svg (default target/word2vec)
  --save FILE           save the word vectors and vocabulary (safetensors)
  --load FILE           load saved vectors instead of training
  --query W1,W2,...     the 5 most similar words to each
  --analogy A:B:C       the 5 best answers to A:B = C:?  (may be repeated)
  --quiet               no progress lines
  --help                this text";

#[derive(Debug)]
struct Args {
    corpus: Option<PathBuf>,
    skip_gram: bool,
    window: usize,
    hidden: usize,
    batch: usize,
    epochs: usize,
    eval_interval: usize,
    seed: u32,
    dtype: String,
    loss_csv: Option<PathBuf>,
    out: PathBuf,
    save: Option<PathBuf>,
    load: Option<PathBuf>,
    queries: Vec<String>,
    analogies: Vec<[String; 3]>,
    quiet: bool,
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut a = Args {
        corpus: None,
        skip_gram: false,
        window: 5,
        hidden: 100,
        batch: 100,
        epochs: 10,
        eval_interval: 20,
        seed: 0,
        dtype: "f32".into(),
        loss_csv: None,
        out: PathBuf::from("target/word2vec"),
        save: None,
        load: None,
        queries: Vec::new(),
        analogies: Vec::new(),
        quiet: false,
    };
    while let Some(flag) = argv.next() {
        match flag.as_str() {
            "--help" | "-h" => return Ok(None),
            "--corpus" => a.corpus = Some(value(&flag, argv.next())?.into()),
            "--model" => match value(&flag, argv.next())?.as_str() {
                "cbow" => a.skip_gram = false,
                "skip-gram" => a.skip_gram = true,
                other => return Err(format!("--model {other:?}: expected cbow or skip-gram")),
            },
            "--window" => a.window = number(&flag, argv.next(), "a positive whole number")?,
            "--hidden" => a.hidden = number(&flag, argv.next(), "a positive whole number")?,
            "--batch" => a.batch = number(&flag, argv.next(), "a positive whole number")?,
            "--epochs" => a.epochs = number(&flag, argv.next(), "a whole number")?,
            "--eval-interval" => {
                a.eval_interval = number(&flag, argv.next(), "a positive whole number")?
            }
            "--seed" => a.seed = number(&flag, argv.next(), "a whole number from 0 to 4294967295")?,
            "--dtype" => a.dtype = cli::dtype(&flag, argv.next())?,
            "--loss-csv" => a.loss_csv = Some(value(&flag, argv.next())?.into()),
            "--out" => a.out = value(&flag, argv.next())?.into(),
            "--save" => a.save = Some(value(&flag, argv.next())?.into()),
            "--load" => a.load = Some(value(&flag, argv.next())?.into()),
            "--query" => {
                let v = value(&flag, argv.next())?;
                a.queries
                    .extend(v.split(',').filter(|w| !w.is_empty()).map(String::from));
            }
            "--analogy" => {
                let v = value(&flag, argv.next())?;
                let parts: Vec<&str> = v.split(':').collect();
                match parts[..] {
                    [x, y, z] if !x.is_empty() && !y.is_empty() && !z.is_empty() => {
                        a.analogies.push([x.into(), y.into(), z.into()])
                    }
                    _ => return Err(format!("--analogy {v:?}: expected three words as A:B:C")),
                }
            }
            "--quiet" => a.quiet = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    match (&a.corpus, &a.load) {
        (None, None) => return Err("--corpus FILE is required (or --load FILE)".into()),
        (Some(_), Some(_)) => return Err("--corpus and --load exclude each other".into()),
        _ => {}
    }
    for (name, v) in [
        ("--window", a.window),
        ("--hidden", a.hidden),
        ("--batch", a.batch),
        ("--eval-interval", a.eval_interval),
    ] {
        if v == 0 {
            return Err(format!("{name} must be at least 1"));
        }
    }
    Ok(Some(a))
}

/// ch04/train.py from `trainer.fit` on: returns the trained word vectors.
fn train<T: Scalar, M: Trainable<T, Input = groundup::matrix::Ids>>(
    model: M,
    corpus: &[usize],
    args: &Args,
    word_vecs: impl Fn(&M) -> Matrix<T>,
) -> Result<Matrix<T>, String> {
    let (contexts, target) = create_contexts_target(corpus, args.window);
    if contexts.rows() < args.batch {
        return Err(format!(
            "the corpus gives {} training samples (window {}), fewer than --batch {}",
            contexts.rows(),
            args.window,
            args.batch
        ));
    }
    let mut trainer = Trainer::new(model, Adam::default());
    trainer.set_verbose(!args.quiet);
    let options = FitOptions {
        max_epoch: args.epochs,
        batch_size: args.batch,
        eval_interval: args.eval_interval,
        ..Default::default()
    };
    let started = Instant::now();
    trainer
        .fit(&contexts, &target, options)
        .map_err(|e| e.to_string())?;
    let secs = started.elapsed().as_secs_f64();
    let steps = args.epochs * (contexts.rows() / args.batch);
    let tokens = steps * args.batch;
    if steps > 0 {
        outln!(
            "{} epochs x {} iterations in {secs:.1} s: {:.0} samples/s",
            args.epochs,
            contexts.rows() / args.batch,
            tokens as f64 / secs
        );
    }
    cli::write_loss_outputs(
        &trainer.loss_list,
        args.eval_interval,
        args.loss_csv.as_deref(),
        &args.out,
    )?;
    Ok(word_vecs(&trainer.model))
}

fn run<T: Scalar>(args: &Args) -> Result<(), String> {
    let (vecs, vocab): (Matrix<T>, Vocab) = if let Some(path) = &args.load {
        let loaded = load_word_vectors::<T>(path).map_err(|e| e.to_string())?;
        outln!(
            "loaded {} word vectors of size {} from {}",
            loaded.0.rows(),
            loaded.0.cols(),
            path.display()
        );
        loaded
    } else {
        let path = args.corpus.as_ref().expect("checked by parse_args");
        let (corpus, vocab) = read_ptb(path).map_err(|e| e.to_string())?;
        outln!(
            "corpus {}: {} tokens, {} words",
            path.display(),
            corpus.len(),
            vocab.len()
        );
        let mut rng = RandomState::new(args.seed);
        let vecs = if args.skip_gram {
            let model =
                SkipGram::<T>::new(vocab.len(), args.hidden, args.window, &corpus, &mut rng)
                    .map_err(|e| e.to_string())?;
            train(model, &corpus, args, |m| m.word_vecs().clone())?
        } else {
            let model = Cbow::<T>::new(vocab.len(), args.hidden, args.window, &corpus, &mut rng)
                .map_err(|e| e.to_string())?;
            train(model, &corpus, args, |m| m.word_vecs().clone())?
        };
        (vecs, vocab)
    };
    if let Some(path) = &args.save {
        save_word_vectors(path, &vecs, &vocab).map_err(|e| e.to_string())?;
        outln!("saved {}", path.display());
    }
    for q in &args.queries {
        match most_similar(q, &vocab, &vecs, 5) {
            Ok(top) => out!("{}", format_most_similar(q, &top)),
            // the book prints this and goes on
            Err(_) if vocab.id(q).is_none() => outln!("{q} is not found"),
            Err(e) => return Err(e.to_string()),
        }
    }
    if !args.analogies.is_empty() {
        outln!("{}", "-".repeat(50));
    }
    for [a, b, c] in &args.analogies {
        match analogy(a, b, c, &vocab, &vecs, 5) {
            Ok(top) => out!("{}", format_analogy(a, b, c, &top)),
            Err(_) => {
                let missing = [a, b, c].into_iter().find(|w| vocab.id(w).is_none());
                match missing {
                    Some(w) => outln!("{w} is not found"),
                    None => return Err(format!("analogy {a}:{b}:{c} failed")),
                }
            }
        }
    }
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
