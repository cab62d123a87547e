//! The book's `ch01/train.py`: a two-layer net learns the three-armed spiral.
//!
//! ```sh
//! cargo run --release --example spiral                 # the book's run, in f64
//! cargo run --release --example spiral -- --help
//! ```
//!
//! With the defaults it reproduces the numpy run number for number: the
//! same data (numpy's legacy RNG, seed 1984), the same initial weights and
//! shuffles (the same stream), the same progress lines.

#[macro_use]
#[path = "common/out.rs"]
mod out;

use groundup::data::spiral;
use groundup::layers::Targets;
use groundup::model::{Model, TwoLayerNet};
use groundup::train::{FitOptions, Trainer};
use groundup::{io, optim, plot, Matrix, Scalar};
use std::cell::RefCell;
use std::path::PathBuf;
use std::process::ExitCode;

#[path = "common/cli.rs"]
mod cli;
use cli::{number, value};
use std::rc::Rc;
use std::time::Instant;

const USAGE: &str = "\
usage: cargo run --release --example spiral -- [options]

Trains the book's TwoLayerNet (Affine-Sigmoid-Affine, softmax loss) on the
spiral data set, as ch01/train.py does, and draws the loss curve and the
decision boundary as SVG.

options:
  --dtype f32|f64       element type (default f64, which reproduces numpy exactly)
  --epochs N            training epochs (default 300; 0 = evaluate only)
  --hidden N            hidden units (default 10)
  --lr X                learning rate (default 1.0)
  --batch N             mini-batch size (default 30)
  --seed N              seed of the spiral data; the same random stream then
                        initialises the weights and shuffles (default 1984)
  --optimizer NAME      sgd | momentum | nesterov | adagrad | rmsprop | adam
                        (default sgd; the book's defaults except --lr)
  --eval-interval N     report the average loss every N iterations (default 10)
  --max-grad X          clip gradients to this global L2 norm
  --loss-csv FILE       write every iteration's loss as epoch,iter,loss
  --out DIR             directory for loss.svg and decision_boundary.svg
                        (default target/spiral)
  --save FILE           save the trained weights (safetensors)
  --load FILE           start from saved weights instead of random ones
  --quiet               no per-epoch progress lines
  --help                this text";

#[derive(Debug)]
struct Args {
    dtype: String,
    epochs: usize,
    hidden: usize,
    lr: f64,
    batch: usize,
    seed: u32,
    optimizer: String,
    eval_interval: usize,
    max_grad: Option<f64>,
    loss_csv: Option<PathBuf>,
    out: PathBuf,
    save: Option<PathBuf>,
    load: Option<PathBuf>,
    quiet: bool,
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut a = Args {
        dtype: "f64".into(),
        epochs: 300,
        hidden: 10,
        lr: 1.0,
        batch: 30,
        seed: 1984,
        optimizer: "sgd".into(),
        eval_interval: 10,
        max_grad: None,
        loss_csv: None,
        out: PathBuf::from("target/spiral"),
        save: None,
        load: None,
        quiet: false,
    };
    while let Some(flag) = argv.next() {
        match flag.as_str() {
            "--help" | "-h" => return Ok(None),
            "--dtype" => a.dtype = cli::dtype(&flag, argv.next())?,
            "--epochs" => a.epochs = number(&flag, argv.next(), "a whole number")?,
            "--hidden" => a.hidden = number(&flag, argv.next(), "a positive whole number")?,
            "--lr" => a.lr = number(&flag, argv.next(), "a number")?,
            "--batch" => a.batch = number(&flag, argv.next(), "a positive whole number")?,
            "--seed" => a.seed = number(&flag, argv.next(), "a whole number from 0 to 4294967295")?,
            "--optimizer" => {
                a.optimizer = value(&flag, argv.next())?;
                optim::by_name::<f64>(&a.optimizer, None)
                    .map_err(|e| format!("--optimizer: {e}"))?;
            }
            "--eval-interval" => {
                a.eval_interval = number(&flag, argv.next(), "a positive whole number")?
            }
            "--max-grad" => a.max_grad = Some(number(&flag, argv.next(), "a positive number")?),
            "--loss-csv" => a.loss_csv = Some(value(&flag, argv.next())?.into()),
            "--out" => a.out = value(&flag, argv.next())?.into(),
            "--save" => a.save = Some(value(&flag, argv.next())?.into()),
            "--load" => a.load = Some(value(&flag, argv.next())?.into()),
            "--quiet" => a.quiet = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if a.hidden == 0 {
        return Err("--hidden must be at least 1".into());
    }
    if a.batch == 0 || a.batch > spiral::N * spiral::CLS_NUM {
        return Err(format!(
            "--batch {} must be between 1 and {}",
            a.batch,
            spiral::N * spiral::CLS_NUM
        ));
    }
    if a.eval_interval == 0 {
        return Err("--eval-interval must be at least 1".into());
    }
    if !(a.lr.is_finite() && a.lr > 0.0) {
        return Err(format!("--lr {}: expected a positive number", a.lr));
    }
    if let Some(g) = a.max_grad {
        if !(g.is_finite() && g > 0.0) {
            return Err(format!("--max-grad {g}: expected a positive number"));
        }
    }
    Ok(Some(a))
}

fn run<T: Scalar>(args: &Args) -> Result<(), String> {
    // ch01/train.py: load_data(seed) seeds the global RNG; the net's weights
    // and every epoch's shuffle continue the same stream.
    let (x64, t64, mut rng) = spiral::load_data_with_rng(args.seed);
    let (x, t) = (x64.cast::<T>(), t64.cast::<T>());
    let mut model = TwoLayerNet::<T>::new(2, args.hidden, 3, &mut || rng.randn());
    if let Some(path) = &args.load {
        model.load(path).map_err(|e| e.to_string())?;
        outln!("loaded weights from {}", path.display());
    }
    let optimizer =
        optim::by_name::<T>(&args.optimizer, Some(args.lr)).map_err(|e| e.to_string())?;
    let mut trainer = Trainer::new(model, optimizer).with_rng(rng);
    trainer.set_verbose(!args.quiet);

    let csv = Rc::new(RefCell::new(String::new()));
    if args.loss_csv.is_some() {
        let sink = csv.clone();
        sink.borrow_mut().push_str("epoch,iter,loss\n");
        trainer.set_iteration_hook(Some(Box::new(move |epoch, iter, loss| {
            use std::fmt::Write;
            let _ = writeln!(sink.borrow_mut(), "{epoch},{iter},{loss}");
        })));
    }

    let started = Instant::now();
    trainer
        .fit(
            &x,
            &t,
            FitOptions {
                max_epoch: args.epochs,
                batch_size: args.batch,
                max_grad: args.max_grad,
                eval_interval: args.eval_interval,
            },
        )
        .map_err(|e| e.to_string())?;
    let fit_time = started.elapsed();

    let model = &mut trainer.model;
    let targets: Targets<'_, T> = (&t).into();
    let accuracy = model.accuracy(x.view(), targets);
    let full_loss = model.forward(x.view(), targets).to_f64();
    let iters = spiral::N * spiral::CLS_NUM / args.batch;
    if args.epochs > 0 {
        outln!(
            "dtype {} | {} epochs x {iters} iterations | fit {:.2} ms ({:.2} us per iteration)",
            args.dtype,
            args.epochs,
            fit_time.as_secs_f64() * 1e3,
            fit_time.as_secs_f64() * 1e6 / (args.epochs * iters) as f64,
        );
    } else {
        outln!("dtype {} | evaluation only (--epochs 0)", args.dtype);
    }
    match trainer.loss_list.last() {
        Some(last) => {
            outln!("final loss {last:.4} (last reported average), {full_loss:.4} on all 300 points")
        }
        None => outln!("loss {full_loss:.4} on all 300 points (no training)"),
    }
    outln!(
        "accuracy {accuracy:.2} ({} of 300 points classified correctly)",
        (accuracy * 300.0).round() as usize
    );

    if let Some(path) = &args.save {
        trainer.model.save(path).map_err(|e| e.to_string())?;
        outln!("saved weights to {}", path.display());
    }
    if let Some(path) = &args.loss_csv {
        io::write_atomic(path, csv.borrow().as_bytes()).map_err(|e| e.to_string())?;
        outln!("wrote {}", path.display());
    }

    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let mut written = Vec::new();
    if !trainer.loss_list.is_empty() {
        let svg = plot::loss_curve(&trainer.loss_list, args.eval_interval);
        let path = args.out.join("loss.svg");
        io::write_atomic(&path, svg.as_bytes()).map_err(|e| e.to_string())?;
        written.push(path);
    }
    let model = &mut trainer.model;
    let svg = plot::decision_boundary(&x64, &t64.argmax_rows(), spiral::CLS_NUM, |grid| {
        let grid: Matrix<T> = grid.to_matrix().cast();
        model.predict(grid.view()).argmax_rows()
    });
    let path = args.out.join("decision_boundary.svg");
    io::write_atomic(&path, svg.as_bytes()).map_err(|e| e.to_string())?;
    written.push(path);
    for p in written {
        outln!("wrote {}", p.display());
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
