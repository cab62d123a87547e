//! The train_csv example run as a user would: word labels (iris, learned to
//! at least 0.95 held-out accuracy), the class labels saved next to the
//! weights and read back by --load, --predict printing words, --label,
//! --no-header, --drop-missing, quoted fields, CRLF and a byte-order mark
//! through the command line, and each error naming its file, line and
//! column. (The check of out-of-range class indices is in spiral_cli.rs.)

mod common;

use common::examples::command_for;
use common::files::{fixture, TempDir};
use std::path::Path;
use std::process::Output;
use std::time::Instant;

fn run(args: &[&str]) -> Output {
    command_for("train_csv").args(args).output().unwrap()
}

/// Runs and returns stdout, failing the test (with both streams) unless the
/// run succeeds.
fn ok(args: &[&str]) -> String {
    let o = run(args);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{args:?}:\n{out}{err}");
    out
}

/// Runs and returns stderr, failing the test unless the exit code is `code`
/// and the error is one line starting `error: ` (plus the usage for 2).
fn fails(code: i32, args: &[&str]) -> String {
    let o = run(args);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(code), "{args:?}:\n{out}{err}");
    assert!(err.starts_with("error: "), "{err}");
    if code == 1 {
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    err
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The held-out accuracy in `out` ("test accuracy 0.97 (29 of 30 rows)").
fn accuracy(out: &str, which: &str) -> (usize, usize) {
    let line = out
        .lines()
        .find(|l| l.starts_with(&format!("{which} accuracy ")))
        .unwrap_or_else(|| panic!("no {which} accuracy in\n{out}"));
    let inner = line.split('(').nth(1).unwrap();
    let words: Vec<&str> = inner.split_whitespace().collect();
    (words[0].parse().unwrap(), words[2].parse().unwrap())
}

/// The iris settings: 120 rows to train on, the last 30 (the last 10 of
/// each species) held out; a run takes milliseconds.
const IRIS: [&str; 14] = [
    "--test-rows",
    "30",
    "--hidden",
    "16",
    "--lr",
    "0.01",
    "--epochs",
    "100",
    "--batch",
    "10",
    "--seed",
    "0",
    "--quiet",
    "--label",
];

fn iris_args<'a>(data: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["--data", data];
    v.extend(IRIS);
    v.push("species");
    v.extend(extra);
    v
}

#[test]
fn iris_with_word_labels_is_learned_to_95_percent_held_out() {
    let iris = fixture("iris.csv");
    let start = Instant::now();
    let out = ok(&iris_args(s(&iris), &[]));
    let elapsed = start.elapsed();
    assert!(
        out.contains("data: 150 rows x 4 features, 3 classes (label column \"species\"); 120 for training, 30 held out"),
        "{out}"
    );
    assert!(
        out.contains("classes: 0 setosa, 1 versicolor, 2 virginica\n"),
        "{out}"
    );
    let (right, total) = accuracy(&out, "test");
    let acc = right as f64 / total as f64;
    println!(
        "iris: held-out accuracy {acc:.3} ({right} of {total}), train {:?}, in {elapsed:.2?}",
        accuracy(&out, "train")
    );
    assert!(total == 30 && acc >= 0.95, "{out}");
}

#[test]
fn labels_are_saved_next_to_the_weights_and_loaded_back() {
    let dir = TempDir::new("train-csv-save");
    let iris = fixture("iris.csv");
    let weights = dir.join("iris.safetensors");
    let out = ok(&iris_args(s(&iris), &["--save", s(&weights)]));
    let labels = dir.join("iris.safetensors.labels.txt");
    assert!(
        out.contains(&format!(
            "saved weights to {} and the 3 class labels to {}",
            weights.display(),
            labels.display()
        )),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(&labels).unwrap(),
        "setosa\nversicolor\nvirginica\n"
    );
    let trained = accuracy(&out, "test");

    // --epochs 0 with --load evaluates the saved model: the same accuracy.
    let load = ["--load", s(&weights), "--epochs", "0"];
    let out = ok(&iris_args(s(&iris), &load));
    assert!(out.contains("loaded weights from"), "{out}");
    assert_eq!(accuracy(&out, "test"), trained, "{out}");

    // The saved ids win over the order of appearance: the rows reversed
    // (virginica first) score the same over all 150 rows as the original.
    let text = std::fs::read_to_string(&iris).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    let reversed = dir.join("reversed.csv");
    std::fs::write(&reversed, lines.join("\n") + "\n").unwrap();
    let all = ["--test-rows", "0", "--quiet"];
    let common = [
        "--hidden",
        "16",
        "--label",
        "species",
        "--load",
        s(&weights),
    ];
    let score = |data: &Path| {
        let mut args = vec!["--data", s(data), "--epochs", "0"];
        args.extend(all);
        args.extend(common);
        accuracy(&ok(&args), "train")
    };
    let forward = score(&iris);
    assert_eq!(score(&reversed), forward);
    assert!(forward.0 >= 140, "{forward:?}");

    // --predict prints the words: one row per species from the file.
    let new = dir.join("new.csv");
    std::fs::write(
        &new,
        "sepal_length,sepal_width,petal_length,petal_width\n5.0,3.4,1.5,0.2\n6.7,3.1,4.4,1.4\n7.7,3.0,6.1,2.3\n",
    )
    .unwrap();
    let out = ok(&iris_args(
        s(&iris),
        &[&load[..], &["--predict", s(&new)]].concat(),
    ));
    assert!(
        out.contains(&format!(
            "predictions for {} (3 rows):\nrow 1: setosa\nrow 2: versicolor\nrow 3: virginica\n",
            new.display()
        )),
        "{out}"
    );

    // A data label the model does not know: its line and column.
    let cow = dir.join("cow.csv");
    std::fs::write(
        &cow,
        format!("{}\n5.0,3.4,1.5,0.2,cow\n", lines[..3].join("\n")),
    )
    .unwrap();
    let err = fails(1, &iris_args(s(&cow), &load));
    assert!(
        err.contains(r#"CSV line 4, column 5: label "cow" is not one of the 3 known classes: "setosa", "versicolor", "virginica""#),
        "{err}"
    );
    // --predict with the wrong columns.
    let err = fails(
        1,
        &iris_args(s(&iris), &[&load[..], &["--predict", s(&iris)]].concat()),
    );
    assert!(
        err.contains(r#"CSV line 2, column 5: cannot parse "setosa" as a number (--predict needs the 4 feature columns only"#),
        "{err}"
    );
    std::fs::write(&new, "a,b,c\n1,2,3\n").unwrap();
    let err = fails(
        1,
        &iris_args(s(&iris), &[&load[..], &["--predict", s(&new)]].concat()),
    );
    assert!(
        err.contains("3 columns, but the model takes 4 features"),
        "{err}"
    );
    std::fs::write(
        &new,
        "sepal_length,sepal_width,petal_width,petal_length\n1,2,3,4\n",
    )
    .unwrap();
    let err = fails(
        1,
        &iris_args(s(&iris), &[&load[..], &["--predict", s(&new)]].concat()),
    );
    assert!(
        err.contains(
            r#"header column 3 is "petal_width" but the training data's column 3 is "petal_length""#
        ),
        "{err}"
    );
    // A broken labels file: the line is named.
    std::fs::write(&labels, "setosa\nversicolor\nsetosa\n").unwrap();
    let err = fails(1, &iris_args(s(&iris), &load));
    assert!(
        err.contains(&format!(
            "{} line 3: label \"setosa\" repeats line 1",
            labels.display()
        )),
        "{err}"
    );
    std::fs::write(&labels, "setosa\n\nvirginica\n").unwrap();
    assert!(fails(1, &iris_args(s(&iris), &load)).contains("line 2: blank label"));
    // Without the labels file, word labels cannot be matched to the model.
    std::fs::remove_file(&labels).unwrap();
    let err = fails(1, &iris_args(s(&iris), &load));
    assert!(
        err.contains("the labels are words but") && err.contains("does not exist"),
        "{err}"
    );
}

#[test]
fn index_labels_save_their_numbers() {
    let dir = TempDir::new("train-csv-index");
    let data = dir.join("d.csv");
    std::fs::write(&data, "a,b,t\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n").unwrap();
    let weights = dir.join("m.safetensors");
    let args = [
        "--data",
        s(&data),
        "--hidden",
        "4",
        "--batch",
        "2",
        "--epochs",
        "2",
        "--quiet",
    ];
    let out = ok(&[&args[..], &["--save", s(&weights)]].concat());
    assert!(!out.contains("classes:"), "{out}"); // indices are not listed
    let labels = dir.join("m.safetensors.labels.txt");
    assert_eq!(std::fs::read_to_string(&labels).unwrap(), "0\n1\n");
    std::fs::write(dir.join("p.csv"), "a,b\n1,1\n").unwrap();
    let predict = s(&dir.join("p.csv")).to_string();
    let load = [
        "--load",
        s(&weights),
        "--epochs",
        "0",
        "--predict",
        &predict,
    ];
    let out = ok(&[&args[..], &load].concat());
    assert!(
        out.contains("row 1: 0\n") || out.contains("row 1: 1\n"),
        "{out}"
    );
    // A label the saved model does not have.
    std::fs::write(&data, "a,b,t\n0,0,0\n0,1,2\n").unwrap();
    let err = fails(1, &[&args[..], &load].concat());
    assert!(
        err.contains("CSV line 3, column 3: label \"2\" is not one of the 2 known classes"),
        "{err}"
    );
    // Forced word labels: the digits are names, numbered by appearance.
    std::fs::write(&data, "a,b,t\n0,0,7\n0,1,3\n1,0,3\n1,1,7\n").unwrap();
    let out = ok(&[&args[..], &["--labels", "word"]].concat());
    assert!(out.contains("classes: 0 7, 1 3\n"), "{out}");
    assert!(!out.contains("note:"), "{out}");
    // A column of measurements read as words: every row its own class,
    // listed in part, with a note.
    let rows: String = (0..30).map(|i| format!("{i},1,{}.5\n", i * 7)).collect();
    std::fs::write(&data, format!("a,b,t\n{rows}")).unwrap();
    let out = ok(&args);
    assert!(
        out.contains("data: 30 rows x 2 features, 30 classes"),
        "{out}"
    );
    assert!(
        out.contains("classes: 0 0.5, 1 7.5, 2 14.5,") && out.contains(", 19 133.5, … (10 more)\n"),
        "{out}"
    );
    assert!(out.contains("note: 30 distinct labels in 30 rows"), "{out}");
    // Forced indices: a word is an error at its line and column.
    std::fs::write(&data, "a,b,t\n0,0,0\n0,1,one\n").unwrap();
    let err = fails(1, &[&args[..], &["--labels", "index"]].concat());
    assert!(
        err.contains(
            r#"CSV line 3, column 3: label "one" is not a non-negative integer class index"#
        ),
        "{err}"
    );
}

#[test]
fn label_by_name_no_header_quotes_crlf_bom_and_missing_values() {
    let dir = TempDir::new("train-csv-format");
    let data = dir.join("d.csv");
    let base = ["--hidden", "4", "--batch", "2", "--epochs", "1", "--quiet"];
    let with = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = vec!["--data".into(), s(&data).into()];
        v.extend(base.iter().chain(extra).map(|a| a.to_string()));
        v
    };
    let go = |extra: &[&str]| ok(&with(extra).iter().map(String::as_str).collect::<Vec<_>>());
    let bad = |code, extra: &[&str]| {
        fails(
            code,
            &with(extra).iter().map(String::as_str).collect::<Vec<_>>(),
        )
    };

    // The label column by name, first; a BOM, CRLF, quoted fields with a
    // delimiter, a doubled quote and a line break.
    std::fs::write(
        &data,
        "\u{feff}kind,\"x, cm\",y\r\n\"big \"\"red\"\"\r\ndog\",1,2\r\ncat,3,4\r\n\"big \"\"red\"\"\r\ndog\",5,6\r\n",
    )
    .unwrap();
    let out = go(&["--label", "kind"]);
    assert!(
        out.contains("data: 3 rows x 2 features, 2 classes (label column \"kind\")"),
        "{out}"
    );
    assert!(
        out.contains(r#"classes: 0 "big \"red\"\r\ndog", 1 cat"#),
        "{out}"
    );
    // Such a label cannot go into the one-per-line labels file: refused
    // before training.
    let weights = dir.join("m.safetensors");
    let err = bad(1, &["--label", "kind", "--save", s(&weights)]);
    assert!(
        err.contains("class 0, label \"big \\\"red\\\"\\r\\ndog\", contains a line break"),
        "{err}"
    );
    assert!(!weights.exists());
    let err = bad(1, &["--label", "size"]);
    assert!(
        err.contains(
            r#"CSV line 1: no column named "size"; the header has ["kind", "x, cm", "y"]"#
        ),
        "{err}"
    );

    // No header: every line is data, the label is the last column (or one
    // chosen by index); a name is a command-line error.
    std::fs::write(&data, "1,2,yes\n3,4,no\n5,6,yes\n").unwrap();
    let out = go(&["--no-header"]);
    assert!(
        out.contains("data: 3 rows x 2 features, 2 classes (label column \"last\")"),
        "{out}"
    );
    assert!(out.contains("classes: 0 yes, 1 no"), "{out}");
    let err = bad(2, &["--no-header", "--label", "kind"]);
    assert!(
        err.contains("--label \"kind\" names a header column but --no-header"),
        "{err}"
    );
    std::fs::write(&data, "yes,1,2\nno,3,4\n").unwrap();
    assert!(go(&["--no-header", "--label-col", "0"]).contains("2 rows x 2 features"));

    // Missing values: an error at the first, or the rows dropped and counted.
    std::fs::write(&data, "a,b,t\n1,2,x\n3,,y\n\n5,6,\n7,8,x\n9,10,y\n").unwrap();
    let err = bad(1, &[]);
    assert!(
        err.contains(
            "CSV line 3, column 2: empty field (--drop-missing drops rows with an empty field)"
        ),
        "{err}"
    );
    let out = go(&["--drop-missing"]);
    assert!(
        out.contains("dropped 2 rows with an empty field (lines 3, 5)\n"),
        "{out}"
    );
    assert!(
        out.contains("data: 3 rows x 2 features, 2 classes"),
        "{out}"
    );
    std::fs::write(&data, "a,b,t\n1,NA,x\n").unwrap();
    let err = bad(1, &["--drop-missing"]);
    assert!(
        err.contains(r#"CSV line 2, column 2: cannot parse "NA" as a number (a missing value must be an empty field)"#),
        "{err}"
    );
    // An unterminated quote: the line where it opened.
    std::fs::write(&data, "a,b,t\n1,2,x\n3,\"4,y\n5,6,x\n").unwrap();
    let err = bad(1, &[]);
    assert!(
        err.contains("CSV line 3, column 2: unterminated quoted field"),
        "{err}"
    );
}

#[test]
fn help_documents_the_flags_and_the_files() {
    let out = ok(&["--help"]);
    for needle in [
        "--label NAME",
        "--no-header",
        "--labels KIND",
        "--drop-missing",
        "--load FILE",
        "--predict FILE",
        "FILE.labels.txt",
        "one per line in class-id order",
    ] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
    let err = fails(2, &["--data", "x.csv", "--labels", "words"]);
    assert!(
        err.contains("--labels \"words\": expected auto, index or word"),
        "{err}"
    );
}
