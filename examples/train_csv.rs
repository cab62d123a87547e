//! Train an MLP on your own CSV file and report its accuracy — the everyday
//! job after the spiral.
//!
//! ```sh
//! cargo run --release --example train_csv -- --data digits.csv --scale 16 \
//!     --hidden 100 --activation relu --optimizer adam --lr 0.001 --epochs 30 --test-rows 300
//! cargo run --release --example train_csv -- --data tests/fixtures/iris.csv --label species \
//!     --hidden 16 --lr 0.01 --epochs 100 --batch 10 --test-rows 30 --save iris.safetensors
//! cargo run --release --example train_csv -- --data tests/fixtures/iris.csv --hidden 16 \
//!     --load iris.safetensors --epochs 0 --test-rows 30 --predict new_flowers.csv
//! ```
//! The label column is the last one unless `--label` or `--label-col`
//! names another; labels are class indices (0, 1, 2, …) or words (numbered
//! in order of first appearance, the numbering printed and saved next to the
//! weights). Every other column is a numeric feature.

#[macro_use]
#[path = "common/out.rs"]
mod out;

use groundup::data::csv::{read_csv, CsvOptions, Dataset, LabelColumn, LabelKind};
use groundup::layers::{Affine, ReLU, Sigmoid, SoftmaxWithLoss, Targets};
use groundup::model::{Model, Sequential};
use groundup::train::{FitOptions, Trainer};
use groundup::{optim, Error, Matrix, RandomState};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[path = "common/cli.rs"]
mod cli;
use cli::{number, value};

const USAGE: &str = "\
usage: cargo run --release --example train_csv -- --data FILE [options]

Trains a multi-layer perceptron (Affine + activation per hidden layer, then
Affine + softmax) on a CSV file and prints the training and test accuracy.
Fields may be quoted (RFC 4180: \"a, b\", \"\"\"\" for a quote, line breaks
inside quotes); lines may end in \\n or \\r\\n; a UTF-8 byte-order mark is
skipped. Errors in the file name its line and column.

options:
  --data FILE           the CSV file (required)
  --no-header           the file has no header row: every line is data
  --label NAME          the label column, by its header name (default: the last column)
  --label-col NAME|IDX  the label column by header name or 0-based index
  --labels KIND         auto | index | word (default auto): index = class
                        indices 0..K-1; word = every distinct label is a
                        class, numbered in order of first appearance; auto =
                        index if every label is a whole number, else word
  --drop-missing        drop rows with an empty field (and say how many)
                        instead of stopping at the first one
  --scale X             divide every feature by X (default 1)
  --hidden N[,N...]     hidden layer widths (default 100)
  --activation NAME     relu | sigmoid (default relu)
  --optimizer NAME      sgd | momentum | nesterov | adagrad | rmsprop | adam (default adam)
  --lr X                learning rate (default: the optimizer's book default)
  --batch N             mini-batch size (default 32)
  --epochs N            training epochs (default 20; 0 with --load: only evaluate)
  --seed N              seed for the weights and the shuffles (default 0)
  --test-rows N         hold out the last N data rows (file order) as a test set (default 0)
  --save FILE           save the trained weights to FILE and the class labels to FILE.labels.txt
  --load FILE           start from the weights in FILE instead of random ones, and
                        the class labels in FILE.labels.txt (if it exists); give the
                        --hidden, --activation and --scale the model was trained with
  --predict FILE        print the predicted label of every data row of FILE, a CSV
                        with the feature columns only (header as --no-header says)
  --quiet               no per-epoch progress lines
  --help                this text

files:
  FILE (--save, --load)  the weights, safetensors (groundup's layout)
  FILE.labels.txt        the class labels, one per line in class-id order
                         (line 1 is class 0): the words of a file with word
                         labels, or 0, 1, ... for class indices. Written
                         next to the weights by --save; read by --load, which
                         then maps the data's labels to the saved classes and
                         prints predictions as labels. A label containing a
                         line break cannot be saved.";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Labels {
    Auto,
    Index,
    Word,
}

struct Args {
    data: PathBuf,
    header: bool,
    label: LabelColumn,
    labels: Labels,
    drop_missing: bool,
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
    load: Option<PathBuf>,
    predict: Option<PathBuf>,
    quiet: bool,
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut data = None;
    let mut label_flag = None;
    let mut a = Args {
        data: PathBuf::new(),
        header: true,
        label: LabelColumn::Last,
        labels: Labels::Auto,
        drop_missing: false,
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
        load: None,
        predict: None,
        quiet: false,
    };
    while let Some(flag) = argv.next() {
        match flag.as_str() {
            "--help" | "-h" => return Ok(None),
            "--data" => data = Some(PathBuf::from(value(&flag, argv.next())?)),
            "--no-header" => a.header = false,
            "--label" => {
                a.label = LabelColumn::Name(value(&flag, argv.next())?);
                label_flag = Some(flag);
            }
            "--label-col" => {
                let v = value(&flag, argv.next())?;
                a.label = match v.parse::<usize>() {
                    Ok(i) => LabelColumn::Index(i),
                    Err(_) => LabelColumn::Name(v),
                };
                label_flag = Some(flag);
            }
            "--labels" => {
                a.labels = match value(&flag, argv.next())?.as_str() {
                    "auto" => Labels::Auto,
                    "index" => Labels::Index,
                    "word" => Labels::Word,
                    other => {
                        return Err(format!("--labels {other:?}: expected auto, index or word"))
                    }
                }
            }
            "--drop-missing" => a.drop_missing = true,
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
            "--load" => a.load = Some(value(&flag, argv.next())?.into()),
            "--predict" => a.predict = Some(value(&flag, argv.next())?.into()),
            "--quiet" => a.quiet = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    a.data = data.ok_or("--data FILE is required")?;
    if a.batch == 0 {
        return Err("--batch must be at least 1".into());
    }
    if let (false, LabelColumn::Name(name)) = (a.header, &a.label) {
        return Err(format!(
            "{} {name:?} names a header column but --no-header says there is no header; \
             choose the column by its 0-based index with --label-col",
            label_flag.as_deref().unwrap_or("--label")
        ));
    }
    Ok(Some(a))
}

/// `FILE.labels.txt` for weights saved to `FILE`.
fn labels_path(weights: &Path) -> PathBuf {
    let mut name = OsString::from(weights.as_os_str());
    name.push(".labels.txt");
    PathBuf::from(name)
}

/// The class labels saved next to the weights, or `None` if there is no
/// such file. Every line (a final line break is optional) is one label,
/// taken exactly; blank and repeated labels are errors naming the line.
fn read_labels(path: &Path) -> Result<Option<Vec<String>>, String> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        format!("{} line {line}: not valid UTF-8", path.display())
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let body = text.strip_suffix('\n').unwrap_or(text);
    let mut labels: Vec<String> = Vec::new();
    for (i, line) in body.split('\n').enumerate() {
        let label = line.strip_suffix('\r').unwrap_or(line);
        let n = i + 1;
        if label.trim().is_empty() {
            return Err(format!(
                "{} line {n}: blank label (one label per line, line 1 is class 0)",
                path.display()
            ));
        }
        if let Some(j) = labels.iter().position(|l| l == label) {
            return Err(format!(
                "{} line {n}: label {label:?} repeats line {}",
                path.display(),
                j + 1
            ));
        }
        labels.push(label.to_string());
    }
    Ok(Some(labels))
}

/// Writes the class labels, one per line, atomically.
fn write_labels(path: &Path, labels: &[String]) -> Result<(), String> {
    let text: String = labels.iter().map(|l| format!("{l}\n")).collect();
    groundup::io::write_atomic(path, text.as_bytes()).map_err(|e| e.to_string())
}

/// A label as printed: as it is, or quoted when it has characters that would
/// blur the listing.
fn shown(label: &str) -> String {
    let plain = label
        .chars()
        .all(|c| !c.is_control() && !c.is_whitespace() && c != ',' && c != '"');
    match plain {
        true => label.to_string(),
        false => format!("{label:?}"),
    }
}

/// "lines 3, 4 and 9" (at most ten, then how many more).
fn line_list(lines: &[usize]) -> String {
    const SHOWN: usize = 10;
    let mut parts: Vec<String> = lines.iter().take(SHOWN).map(usize::to_string).collect();
    if lines.len() > SHOWN {
        parts.push(format!("… ({} more)", lines.len() - SHOWN));
    }
    format!(
        "line{} {}",
        if lines.len() == 1 { "" } else { "s" },
        parts.join(", ")
    )
}

fn accuracy_line(name: &str, model: &mut Sequential<f64>, x: &Matrix<f64>, labels: &[usize]) {
    if x.rows() == 0 {
        return;
    }
    let acc = model.accuracy(x.view(), Targets::Indices(labels));
    outln!(
        "{name} accuracy {acc:.2} ({} of {} rows)",
        (acc * x.rows() as f64).round() as usize,
        x.rows()
    );
}

/// A CSV error from the library, with the file named and, for a missing
/// value, the flag that skips such rows.
fn file_error(path: &Path, e: Error, drop_flag: bool) -> String {
    let hint = match &e {
        Error::Csv { what, .. } if drop_flag && what.starts_with("empty") => {
            " (--drop-missing drops rows with an empty field)"
        }
        _ => "",
    };
    format!("{}: {e}{hint}", path.display())
}

fn run(args: &Args) -> Result<(), String> {
    // With --load, the saved labels fix the classes and their ids.
    let saved = match &args.load {
        Some(weights) => read_labels(&labels_path(weights))?,
        None => None,
    };
    let kind = match (&saved, args.labels) {
        (Some(classes), _) => LabelKind::Classes(classes.clone()),
        (None, Labels::Auto) => LabelKind::Auto,
        (None, Labels::Index) => LabelKind::Indices,
        (None, Labels::Word) => LabelKind::Words,
    };
    let options = CsvOptions::new()
        .header(args.header)
        .label(args.label.clone())
        .label_kind(kind)
        .drop_missing(args.drop_missing);
    let data = read_csv(&args.data, &options).map_err(|e| file_error(&args.data, e, true))?;
    let Dataset {
        mut features,
        labels,
        feature_names,
        label_name,
        class_names,
        dropped_rows,
    } = data;
    let labels = labels.ok_or("the file has no label column")?;
    if !dropped_rows.is_empty() {
        outln!(
            "dropped {} row{} with an empty field ({})",
            dropped_rows.len(),
            if dropped_rows.len() == 1 { "" } else { "s" },
            line_list(&dropped_rows)
        );
    }
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
    let names: Vec<String> = match &class_names {
        Some(_) if args.load.is_some() && saved.is_none() => {
            // The data's own numbering need not be the model's.
            let weights = args.load.as_deref().unwrap_or(Path::new(""));
            return Err(format!(
                "the labels are words but {} does not exist, so the classes of {} are unknown (--save writes both files)",
                labels_path(weights).display(),
                weights.display()
            ));
        }
        Some(names) => names.clone(),
        None => {
            if let (Some(weights), None) = (&args.load, &saved) {
                outln!(
                    "note: {} does not exist; the labels are taken as class indices",
                    labels_path(weights).display()
                );
            }
            // Labels are class indices 0..K-1: a label as large as the number
            // of rows cannot be one (and `max + 1` would allocate for it, or
            // overflow).
            if let Some((row, &label)) = labels.iter().enumerate().find(|&(_, &l)| l >= rows) {
                return Err(format!(
                    "label {label} at data row {} is not below the number of rows ({rows}): labels must be class indices 0..K-1 (--labels word reads them as words)",
                    row + 1
                ));
            }
            let k = labels.iter().max().map_or(0, |m| m + 1).max(2);
            (0..k).map(|i| i.to_string()).collect()
        }
    };
    let classes = names.len().max(2);
    if args.save.is_some() {
        // Checked before training: FILE.labels.txt holds one label per line.
        if let Some((id, l)) = names
            .iter()
            .enumerate()
            .find(|(_, l)| l.contains(['\n', '\r']))
        {
            return Err(format!(
                "class {id}, label {l:?}, contains a line break, which --save cannot write to FILE.labels.txt (one label per line)"
            ));
        }
    }
    let x_train = features.rows_view(0..train_rows).to_matrix();
    let x_test = features.rows_view(train_rows..rows).to_matrix();
    let (t_train, t_test) = labels.split_at(train_rows);
    outln!(
        "data: {rows} rows x {cols} features, {classes} classes (label column {:?}); {train_rows} for training, {} held out",
        label_name.as_deref().unwrap_or("last"),
        args.test_rows
    );
    let numbered = names.iter().enumerate().all(|(i, l)| *l == i.to_string());
    if class_names.is_some() && !numbered {
        const LISTED: usize = 20;
        let mut listing: Vec<String> = names
            .iter()
            .take(LISTED)
            .enumerate()
            .map(|(i, l)| format!("{i} {}", shown(l)))
            .collect();
        if names.len() > LISTED {
            listing.push(format!("… ({} more)", names.len() - LISTED));
        }
        outln!("classes: {}", listing.join(", "));
        // Word labels never fail as indices do: say when they look unlike
        // classes (say, a column of measurements).
        if saved.is_none() && names.len() > 2 && 2 * names.len() > rows {
            outln!(
                "note: {} distinct labels in {rows} rows; if the label column is not a class, choose another with --label",
                names.len()
            );
        }
    }

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
    if let Some(path) = &args.load {
        model
            .load(path)
            .map_err(|e| format!("{e} (give --hidden and --activation as when it was saved)"))?;
        outln!("loaded weights from {}", path.display());
    }
    let describe: Vec<String> = widths.iter().map(usize::to_string).collect();
    let optimizer = optim::by_name::<f64>(&args.optimizer, args.lr).map_err(|e| e.to_string())?;
    outln!(
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
    if args.epochs > 0 {
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
    }
    let model = &mut trainer.model;
    accuracy_line("train", model, &x_train, t_train);
    accuracy_line("test", model, &x_test, t_test);
    if let Some(path) = &args.save {
        model.save(path).map_err(|e| e.to_string())?;
        let labels_file = labels_path(path);
        write_labels(&labels_file, &names)?;
        outln!(
            "saved weights to {} and the {} class labels to {}",
            path.display(),
            names.len(),
            labels_file.display()
        );
    }
    if let Some(path) = &args.predict {
        predict(path, args, model, feature_names.as_deref(), cols, &names)?;
    }
    Ok(())
}

/// `--predict FILE`: one line per data row of `FILE`, its predicted label.
fn predict(
    path: &Path,
    args: &Args,
    model: &mut Sequential<f64>,
    feature_names: Option<&[String]>,
    cols: usize,
    names: &[String],
) -> Result<(), String> {
    let options = CsvOptions::new().header(args.header);
    let data = read_csv(path, &options).map_err(|e| match e {
        Error::Csv {
            column: Some(c), ..
        } if c > cols => format!(
            "{}: {e} (--predict needs the {cols} feature columns only, in training order)",
            path.display()
        ),
        e => file_error(path, e, false),
    })?;
    let mut x = data.features;
    if x.cols() != cols {
        return Err(format!(
            "{}: {} columns, but the model takes {cols} features (--predict needs the feature columns only, in training order)",
            path.display(),
            x.cols()
        ));
    }
    if let (Some(theirs), Some(ours)) = (&data.feature_names, feature_names) {
        if let Some(j) = (0..cols).find(|&j| theirs[j] != ours[j]) {
            return Err(format!(
                "{}: header column {} is {:?} but the training data's column {} is {:?}",
                path.display(),
                j + 1,
                theirs[j],
                j + 1,
                ours[j]
            ));
        }
    }
    x.scale(1.0 / args.scale);
    let predicted = model.predict(x.view()).argmax_rows();
    outln!(
        "predictions for {} ({} rows):",
        path.display(),
        predicted.len()
    );
    for (row, id) in predicted.into_iter().enumerate() {
        let label = names.get(id).map_or_else(|| id.to_string(), |l| shown(l));
        outln!("row {}: {label}", row + 1);
    }
    Ok(())
}

fn main() -> ExitCode {
    cli::main_with(USAGE, parse_args, run)
}
