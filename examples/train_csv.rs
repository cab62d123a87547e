//! Train an MLP on your own CSV file and report its accuracy — the everyday
//! job after the spiral.
//!
//! ```sh
//! cargo run --release --example train_csv -- --data digits.csv --scale 16 \
//!     --hidden 100 --activation relu --optimizer adam --lr 0.001 --epochs 30 --test-rows 300
//! ```
//! The file needs a header row; the label column (class indices 0, 1, 2, …)
//! is the last one unless `--label-col` names another. Every other column is
//! a numeric feature.

use groundup::data::csv::{read_csv, CsvOptions, LabelColumn};
use groundup::layers::{Affine, ReLU, Sigmoid, SoftmaxWithLoss, Targets};
use groundup::model::{Model, Sequential};
use groundup::train::{FitOptions, Trainer};
use groundup::{optim, Matrix, RandomState};
use std::path::PathBuf;
use std::process::ExitCode;

#[path = "common/cli.rs"]
mod cli;
use cli::{number, value};

const USAGE: &str = "\
usage: cargo run --release --example train_csv -- --data FILE [options]

Trains a multi-layer perceptron (Affine + activation per hidden layer, then
Affine + softmax) on a CSV file with a header row and prints the training
and test accuracy.

options:
  --data FILE           the CSV file (required)
  --label-col NAME|IDX  the label column (default: the last column)
  --scale X             divide every feature by X (default 1)
  --hidden N[,N...]     hidden layer widths (default 100)
  --activation NAME     relu | sigmoid (default relu)
  --optimizer NAME      sgd | momentum | nesterov | adagrad | rmsprop | adam (default adam)
  --lr X                learning rate (default: the optimizer's book default)
  --batch N             mini-batch size (default 32)
  --epochs N            training epochs (default 20)
  --seed N              seed for the weights and the shuffles (default 0)
  --test-rows N         hold out the last N rows (file order) as a test set (default 0)
  --save FILE           save the trained weights (safetensors)
  --quiet               no per-epoch progress lines
  --help                this text";

struct Args {
    data: PathBuf,
    label: LabelColumn,
    scale: f64,
    hidden: Vec<usize>,
    relu: bool,
    optimizer: String,
    lr: Option<f64>,
    batch: usize,
    epochs: usize,
    seed: u32,
    test_rows: usize,
    save: Option<PathBuf>,
    quiet: bool,
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut data = None;
    let mut a = Args {
        data: PathBuf::new(),
        label: LabelColumn::Last,
        scale: 1.0,
        hidden: vec![100],
        relu: true,
        optimizer: "adam".into(),
        lr: None,
        batch: 32,
        epochs: 20,
        seed: 0,
        test_rows: 0,
        save: None,
        quiet: false,
    };
    while let Some(flag) = argv.next() {
        match flag.as_str() {
            "--help" | "-h" => return Ok(None),
            "--data" => data = Some(PathBuf::from(value(&flag, argv.next())?)),
            "--label-col" => {
                let v = value(&flag, argv.next())?;
                a.label = match v.parse::<usize>() {
                    Ok(i) => LabelColumn::Index(i),
                    Err(_) => LabelColumn::Name(v),
                };
            }
            "--scale" => {
                a.scale = number(&flag, argv.next(), "a non-zero number")?;
                if a.scale == 0.0 || !a.scale.is_finite() {
                    return Err(format!(
                        "--scale {}: expected a finite non-zero number",
                        a.scale
                    ));
                }
            }
            "--hidden" => {
                let v = value(&flag, argv.next())?;
                a.hidden = v
                    .split(',')
                    .map(|w| w.trim().parse::<usize>().ok().filter(|&n| n > 0))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| {
                        format!("--hidden {v:?}: expected positive widths separated by commas")
                    })?;
            }
            "--activation" => {
                a.relu = match value(&flag, argv.next())?.as_str() {
                    "relu" => true,
                    "sigmoid" => false,
                    other => {
                        return Err(format!("--activation {other:?}: expected relu or sigmoid"))
                    }
                }
            }
            "--optimizer" => {
                a.optimizer = value(&flag, argv.next())?;
                optim::by_name::<f64>(&a.optimizer, None)
                    .map_err(|e| format!("--optimizer: {e}"))?;
            }
            "--lr" => {
                let lr: f64 = number(&flag, argv.next(), "a positive number")?;
                if !(lr.is_finite() && lr > 0.0) {
                    return Err(format!("--lr {lr}: expected a positive number"));
                }
                a.lr = Some(lr);
            }
            "--batch" => a.batch = number(&flag, argv.next(), "a positive whole number")?,
            "--epochs" => a.epochs = number(&flag, argv.next(), "a whole number")?,
            "--seed" => a.seed = number(&flag, argv.next(), "a whole number from 0 to 4294967295")?,
            "--test-rows" => a.test_rows = number(&flag, argv.next(), "a whole number")?,
            "--save" => a.save = Some(value(&flag, argv.next())?.into()),
            "--quiet" => a.quiet = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    a.data = data.ok_or("--data FILE is required")?;
    if a.batch == 0 {
        return Err("--batch must be at least 1".into());
    }
    Ok(Some(a))
}

fn accuracy_line(name: &str, model: &mut Sequential<f64>, x: &Matrix<f64>, labels: &[usize]) {
    if x.rows() == 0 {
        return;
    }
    let acc = model.accuracy(x.view(), Targets::Indices(labels));
    println!(
        "{name} accuracy {acc:.2} ({} of {} rows)",
        (acc * x.rows() as f64).round() as usize,
        x.rows()
    );
}

fn run(args: &Args) -> Result<(), String> {
    let options = CsvOptions::new().header(true).label(args.label.clone());
    let data =
        read_csv(&args.data, &options).map_err(|e| format!("{}: {e}", args.data.display()))?;
    let labels = data.labels.ok_or("the file has no label column")?;
    let mut features = data.features;
    features.scale(1.0 / args.scale);
    let (rows, cols) = features.shape();
    if args.test_rows >= rows {
        return Err(format!(
            "--test-rows {} leaves no training rows ({rows} rows in the file)",
            args.test_rows
        ));
    }
    let train_rows = rows - args.test_rows;
    if args.batch > train_rows {
        return Err(format!(
            "--batch {} is larger than the {train_rows} training rows",
            args.batch
        ));
    }
    // Labels are class indices 0..K-1: a label as large as the number of
    // rows cannot be one (and `max + 1` would allocate for it, or overflow).
    if let Some((row, &label)) = labels.iter().enumerate().find(|&(_, &l)| l >= rows) {
        return Err(format!(
            "label {label} at data row {} is not below the number of rows ({rows}): labels must be class indices 0..K-1",
            row + 1
        ));
    }
    let classes = labels.iter().max().map_or(0, |m| m + 1).max(2);
    let x_train = features.rows_view(0..train_rows).to_matrix();
    let x_test = features.rows_view(train_rows..rows).to_matrix();
    let (t_train, t_test) = labels.split_at(train_rows);
    println!(
        "data: {rows} rows x {cols} features, {classes} classes (label column {:?}); {train_rows} for training, {} held out",
        data.label_name.as_deref().unwrap_or("last"),
        args.test_rows
    );

    // Weights: He (ReLU) or Xavier (sigmoid) scaled normals, biases zero.
    let mut rng = RandomState::new(args.seed);
    let widths: Vec<usize> = std::iter::once(cols)
        .chain(args.hidden.iter().copied())
        .chain([classes])
        .collect();
    let mut model = Sequential::new(SoftmaxWithLoss::new());
    for (l, pair) in widths.windows(2).enumerate() {
        let (fan_in, fan_out) = (pair[0], pair[1]);
        let scale = (if args.relu { 2.0 } else { 1.0 } / fan_in as f64).sqrt();
        let w = Matrix::from_fn(fan_in, fan_out, |_, _| rng.randn() * scale);
        model.push(Affine::new(w, Matrix::zeros(1, fan_out)));
        let is_hidden = l + 2 < widths.len();
        match (is_hidden, args.relu) {
            (true, true) => model.push(ReLU::new()),
            (true, false) => model.push(Sigmoid::new()),
            (false, _) => {}
        }
    }
    let describe: Vec<String> = widths.iter().map(usize::to_string).collect();
    let optimizer = optim::by_name::<f64>(&args.optimizer, args.lr).map_err(|e| e.to_string())?;
    println!(
        "model: {} ({}), {} lr {}, batch {}, {} epochs",
        describe.join(" -> "),
        if args.relu { "relu" } else { "sigmoid" },
        args.optimizer,
        optimizer.learning_rate(),
        args.batch,
        args.epochs
    );
    let iters = train_rows / args.batch;
    let mut trainer = Trainer::new(model, optimizer).with_rng(rng);
    trainer.set_verbose(!args.quiet);
    trainer
        .fit(
            &x_train,
            Targets::Indices(t_train),
            FitOptions {
                max_epoch: args.epochs,
                batch_size: args.batch,
                max_grad: None,
                eval_interval: iters.max(1),
            },
        )
        .map_err(|e| e.to_string())?;
    let model = &mut trainer.model;
    accuracy_line("train", model, &x_train, t_train);
    accuracy_line("test", model, &x_test, t_test);
    if let Some(path) = &args.save {
        model.save(path).map_err(|e| e.to_string())?;
        println!("saved weights to {}", path.display());
    }
    Ok(())
}

fn main() -> ExitCode {
    cli::main_with(USAGE, parse_args, run)
}
