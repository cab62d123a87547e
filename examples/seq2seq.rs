//! The book's sequence-to-sequence scripts: `ch07/train_seq2seq.py`
//! (`--model seq2seq` or `peeky`, on `addition.txt`) and `ch08/train.py`
//! (`--model attention --data examples/data/date.txt --reverse --hidden 256
//! --epochs 10`), with `ch08/visualize_attention.py`'s heat map
//! (`--attention-svg FILE`).
//!
//! ```sh
//! # chapter 7, the peeky decoder on reversed questions (the book's best)
//! cargo run --release --example seq2seq -- --model peeky --reverse
//! # chapter 8
//! cargo run --release --example seq2seq -- --model attention --data examples/data/date.txt \
//!     --reverse --hidden 256 --epochs 10 --attention-svg target/seq2seq/attention.svg
//! ```
//!
//! `--seed N` is `load_data(file, seed=N)`: it seeds the one random stream
//! that shuffles the data, then draws the weights, then every epoch's
//! permutation, in the book's order.

#[macro_use]
#[path = "common/out.rs"]
mod out;

use groundup::data::sequence;
use groundup::io::{load_model, save_model};
use groundup::matrix::Ids;
use groundup::model::{
    AttentionDecoder, AttentionSeq2seq, EncoderDecoder, PeekySeq2seq, Seq2seq, Seq2seqDecoder,
};
use groundup::optim::Adam;
use groundup::text::Vocab;
use groundup::train::{eval_seq2seq_rows, format_seq2seq, FitOptions, Trainer};
use groundup::{Matrix, Scalar};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[path = "common/cli.rs"]
mod cli;
use cli::{number, value};

const ADDITION: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/addition.txt");

const USAGE: &str = "\
usage: cargo run --release --example seq2seq -- [options]

Trains the book's encoder-decoder models on a question_answer data set
(dataset/sequence.py's format: one line per example, the answer after '_'):
  seq2seq    ch07/seq2seq.py: an LSTM encoder, an LSTM decoder
  peeky      ch07/peeky_seq2seq.py: the encoder's state fed to every step
  attention  ch08/attention_seq2seq.py: the decoder attends to every state
After every epoch the test split is answered greedily and the accuracy
printed, with the first 10 questions (Q), answers (T) and guesses.

options:
  --data FILE           the data set (default: the shipped addition.txt)
  --model seq2seq|peeky|attention
                        which model (default seq2seq)
  --reverse             reverse the questions (the book's is_reverse)
  --wordvec N           character vector size (default 16)
  --hidden N            hidden state size (default 128)
  --batch N             questions per mini-batch (default 128)
  --epochs N            training epochs (default 25; 0 = evaluate only)
  --max-grad X|none     clip the global gradient norm (default 5.0)
  --seed N              load_data's shuffle seed; the weights and the
                        epochs' permutations continue its stream (default 1984)
  --eval-rows N         evaluate the first N test rows (default 0 = all)
  --dtype f32|f64       element type (default f32, the book's astype('f'))
  --loss-csv FILE       write loss_list (every 20 iterations), one per line
  --acc-csv FILE        write the accuracy of every epoch, one per line
  --out DIR             directory for loss.svg and accuracy.svg
                        (default target/seq2seq)
  --save FILE           save the weights after training (safetensors)
  --load FILE           start from saved weights (same model and sizes)
  --attention-svg FILE  attention only: ch08/visualize_attention.py's heat
                        map of one test question after training
  --attention-row N     the test row of the heat map (default 0)
  --quiet               no progress lines and no Q/T lines
  --help                this text";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Seq2seq,
    Peeky,
    Attention,
}

#[derive(Debug)]
struct Args {
    data: PathBuf,
    model: Kind,
    reverse: bool,
    wordvec: usize,
    hidden: usize,
    batch: usize,
    epochs: usize,
    max_grad: Option<f64>,
    seed: u32,
    eval_rows: usize,
    dtype: String,
    loss_csv: Option<PathBuf>,
    acc_csv: Option<PathBuf>,
    out: PathBuf,
    save: Option<PathBuf>,
    load: Option<PathBuf>,
    attention_svg: Option<PathBuf>,
    attention_row: usize,
    quiet: bool,
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut a = Args {
        data: PathBuf::from(ADDITION),
        model: Kind::Seq2seq,
        reverse: false,
        wordvec: 16,
        hidden: 128,
        batch: 128,
        epochs: 25,
        max_grad: Some(5.0),
        seed: 1984,
        eval_rows: 0,
        dtype: "f32".into(),
        loss_csv: None,
        acc_csv: None,
        out: PathBuf::from("target/seq2seq"),
        save: None,
        load: None,
        attention_svg: None,
        attention_row: 0,
        quiet: false,
    };
    let positive = "a positive whole number";
    while let Some(flag) = argv.next() {
        match flag.as_str() {
            "--help" | "-h" => return Ok(None),
            "--data" => a.data = value(&flag, argv.next())?.into(),
            "--model" => {
                a.model = match value(&flag, argv.next())?.as_str() {
                    "seq2seq" => Kind::Seq2seq,
                    "peeky" => Kind::Peeky,
                    "attention" => Kind::Attention,
                    other => {
                        return Err(format!(
                            "--model {other:?}: expected seq2seq, peeky or attention"
                        ))
                    }
                }
            }
            "--reverse" => a.reverse = true,
            "--wordvec" => a.wordvec = number(&flag, argv.next(), positive)?,
            "--hidden" => a.hidden = number(&flag, argv.next(), positive)?,
            "--batch" => a.batch = number(&flag, argv.next(), positive)?,
            "--epochs" => a.epochs = number(&flag, argv.next(), "a whole number")?,
            "--max-grad" => a.max_grad = cli::max_grad(&flag, argv.next())?,
            "--seed" => a.seed = number(&flag, argv.next(), "a whole number from 0 to 4294967295")?,
            "--eval-rows" => a.eval_rows = number(&flag, argv.next(), "a whole number")?,
            "--dtype" => a.dtype = cli::dtype(&flag, argv.next())?,
            "--loss-csv" => a.loss_csv = Some(value(&flag, argv.next())?.into()),
            "--acc-csv" => a.acc_csv = Some(value(&flag, argv.next())?.into()),
            "--out" => a.out = value(&flag, argv.next())?.into(),
            "--save" => a.save = Some(value(&flag, argv.next())?.into()),
            "--load" => a.load = Some(value(&flag, argv.next())?.into()),
            "--attention-svg" => a.attention_svg = Some(value(&flag, argv.next())?.into()),
            "--attention-row" => a.attention_row = number(&flag, argv.next(), "a whole number")?,
            "--quiet" => a.quiet = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    for (name, v) in [
        ("--wordvec", a.wordvec),
        ("--hidden", a.hidden),
        ("--batch", a.batch),
    ] {
        if v == 0 {
            return Err(format!("{name} must be at least 1"));
        }
    }
    if a.attention_svg.is_some() && a.model != Kind::Attention {
        return Err("--attention-svg needs --model attention".into());
    }
    Ok(Some(a))
}

/// `x[:, ::-1]`: every row reversed.
fn reverse_rows(x: &mut Ids) {
    let cols = x.cols();
    if cols > 0 {
        for row in x.as_mut_slice().chunks_mut(cols) {
            row.reverse();
        }
    }
}

/// The data set as the script prepares it.
struct Data {
    x_train: Ids,
    t_train: Ids,
    x_test: Ids,
    t_test: Ids,
    vocab: Vocab,
}

/// The attention weights of one question (`T_d x Tₑ`), for the heat map;
/// `None` for the models without attention.
type AttentionProbe<T, D> = fn(&mut EncoderDecoder<T, D>, &Ids, &Ids) -> Option<Matrix<T>>;

fn no_attention<T: Scalar, D: Seq2seqDecoder<T>>(
    _: &mut EncoderDecoder<T, D>,
    _: &Ids,
    _: &Ids,
) -> Option<Matrix<T>> {
    None
}

fn attention_weights<T: Scalar>(
    model: &mut AttentionSeq2seq<T>,
    x: &Ids,
    t: &Ids,
) -> Option<Matrix<T>> {
    model.forward(x.view(), t.view());
    let d: &AttentionDecoder<T> = model.decoder();
    Some(d.attention().attention_weights().clone())
}

/// Training and evaluation, one epoch at a time as the book's script.
fn train<T: Scalar, D: Seq2seqDecoder<T>>(
    mut model: EncoderDecoder<T, D>,
    rng: groundup::RandomState,
    data: &Data,
    args: &Args,
    probe: AttentionProbe<T, D>,
) -> Result<(), String> {
    if let Some(path) = &args.load {
        load_model(path, &mut model).map_err(|e| e.to_string())?;
        outln!("loaded {}", path.display());
    }
    let mut trainer = Trainer::new(model, Adam::default()).with_rng(rng);
    trainer.set_verbose(!args.quiet);
    let opts = FitOptions {
        max_epoch: 1,
        batch_size: args.batch,
        max_grad: args.max_grad,
        eval_interval: 20,
    };
    let rows = match args.eval_rows {
        0 => data.x_test.rows(),
        n => n.min(data.x_test.rows()),
    };
    let color = std::io::stdout().is_terminal();
    let mut acc_list = Vec::new();
    let (mut train_secs, mut eval_secs) = (0.0, 0.0);
    // --epochs 0: evaluate the (loaded) weights once.
    for epoch in 1..=args.epochs.max(1) {
        let started = Instant::now();
        if args.epochs > 0 {
            trainer
                .fit(&data.x_train, &data.t_train, opts)
                .map_err(|e| e.to_string())?;
        }
        let fit = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let (xs, ts) = (
            data.x_test.rows_view(0..rows),
            data.t_test.rows_view(0..rows),
        );
        let eval =
            eval_seq2seq_rows(&mut trainer.model, xs, ts, args.batch).map_err(|e| e.to_string())?;
        let secs = started.elapsed().as_secs_f64();
        if !args.quiet {
            for i in 0..rows.min(10) {
                let (q, t) = (xs.row(i), &ts.row(i)[1..]);
                let line =
                    format_seq2seq(q, t, eval.guesses.row(i), &data.vocab, args.reverse, color);
                out!("{line}");
            }
        }
        let acc = eval.accuracy();
        if args.epochs == 0 {
            outln!("val acc {:.3}%", acc * 100.0);
            break;
        }
        acc_list.push(acc);
        outln!("val acc {:.3}%", acc * 100.0);
        outln!("epoch {epoch}: train {fit:.2} s, evaluate {rows} rows {secs:.2} s");
        train_secs += fit;
        eval_secs += secs;
    }
    if args.epochs > 0 {
        outln!(
            "{} epoch(s): train {train_secs:.2} s ({:.2} s/epoch), evaluate {eval_secs:.2} s",
            args.epochs,
            train_secs / args.epochs as f64
        );
    }
    let csv = args.loss_csv.as_deref();
    cli::write_curve_outputs(&trainer.loss_list, 20, csv, &args.out, "loss")?;
    if let Some(path) = &args.acc_csv {
        let text: String = acc_list.iter().map(|a| format!("{a}\n")).collect();
        groundup::io::write_atomic(path, text.as_bytes()).map_err(|e| e.to_string())?;
        outln!("wrote {}", path.display());
    }
    if !acc_list.is_empty() {
        let opts = groundup::plot::Options::new()
            .y_label("accuracy")
            .x_label("epochs")
            .ylim(0.0, 1.0);
        let svg = groundup::plot::loss_curve_with(&acc_list, 1, &opts);
        std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
        let path = args.out.join("accuracy.svg");
        groundup::io::write_atomic(&path, svg.as_bytes()).map_err(|e| e.to_string())?;
        outln!("wrote {}", path.display());
    }
    let mut model = trainer.model;
    if let Some(path) = &args.save {
        save_model(path, &model).map_err(|e| e.to_string())?;
        outln!("saved {}", path.display());
    }
    if let Some(path) = &args.attention_svg {
        heat_map(&mut model, data, args, probe, path)?;
    }
    Ok(())
}

/// ch08/visualize_attention.py for test row `--attention-row`: the weights
/// of each answer character (rows) over the question characters
/// (columns), the question shown in reading order.
fn heat_map<T: Scalar, D: Seq2seqDecoder<T>>(
    model: &mut EncoderDecoder<T, D>,
    data: &Data,
    args: &Args,
    probe: AttentionProbe<T, D>,
    path: &std::path::Path,
) -> Result<(), String> {
    let row = args.attention_row;
    if row >= data.x_test.rows() {
        return Err(format!(
            "--attention-row {row}: the test split has {} rows",
            data.x_test.rows()
        ));
    }
    let x = data.x_test.rows_view(row..row + 1).to_ids();
    let t = data.t_test.rows_view(row..row + 1).to_ids();
    let Some(weights) = probe(model, &x, &t) else {
        return Err("--attention-svg needs --model attention".into());
    };
    let (steps_out, steps_in) = weights.shape();
    // Shown in reading order: the columns back to the question's order.
    let map = Matrix::from_fn(steps_out, steps_in, |i, j| {
        let j = if args.reverse { steps_in - 1 - j } else { j };
        weights[(i, j)].to_f64()
    });
    let mut question: Vec<usize> = x.row(0).to_vec();
    if args.reverse {
        question.reverse();
    }
    let label = |id: usize| data.vocab.word(id).unwrap_or("?").to_string();
    let columns: Vec<String> = question.into_iter().map(label).collect();
    let rows: Vec<String> = t.row(0)[1..].iter().map(|&id| label(id)).collect();
    let opts = groundup::plot::Options::new()
        .x_label("question")
        .y_label("answer");
    let svg = groundup::plot::attention_map(&map, &rows, &columns, &opts);
    groundup::io::write_atomic(path, svg.as_bytes()).map_err(|e| e.to_string())?;
    outln!("wrote {}", path.display());
    Ok(())
}

fn run<T: Scalar>(args: &Args) -> Result<(), String> {
    let loaded = sequence::load_data(&args.data, args.seed).map_err(|e| e.to_string())?;
    let sequence::Sequences {
        mut x_train,
        t_train,
        mut x_test,
        t_test,
        vocab,
        mut rng,
    } = loaded;
    if args.reverse {
        reverse_rows(&mut x_train);
        reverse_rows(&mut x_test);
    }
    outln!(
        "{}: {} training and {} test questions of {} characters, answers of {}, vocabulary {}",
        args.data.display(),
        x_train.rows(),
        x_test.rows(),
        x_train.cols(),
        t_train.cols(),
        vocab.len()
    );
    if x_train.rows() < args.batch && args.epochs > 0 {
        return Err(format!(
            "--batch {}: the training split has only {} rows",
            args.batch,
            x_train.rows()
        ));
    }
    let data = Data {
        x_train,
        t_train,
        x_test,
        t_test,
        vocab,
    };
    let (v, d, h) = (data.vocab.len(), args.wordvec, args.hidden);
    match args.model {
        Kind::Seq2seq => {
            let model = Seq2seq::<T>::new(v, d, h, &mut rng);
            train(model, rng, &data, args, no_attention)
        }
        Kind::Peeky => {
            let model = PeekySeq2seq::<T>::new(v, d, h, &mut rng);
            train(model, rng, &data, args, no_attention)
        }
        Kind::Attention => {
            let model = AttentionSeq2seq::<T>::new(v, d, h, &mut rng);
            train(model, rng, &data, args, attention_weights)
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
