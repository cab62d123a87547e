//! Numeric CSV: a feature matrix and, optionally, one column of class
//! labels — class indices, or words mapped to ids.
//!
//! Rules (all errors are [`Error::Csv`] with the 1-based line and column
//! and the offending text, except bad options, which are
//! [`Error::InvalidArgument`]):
//!
//! * Lines end in `\n` or `\r\n`; a UTF-8 byte-order mark is skipped.
//! * Lines that are empty or only whitespace are skipped (line numbers in
//!   errors still count them).
//! * With [`CsvOptions::has_header`], the first non-blank line names the
//!   columns; without it every line is data.
//! * Whitespace around a field is ignored. A field may be wrapped in double
//!   quotes (RFC 4180): inside the quotes the text is kept exactly —
//!   delimiters, whitespace and line breaks included (a quoted field may
//!   span lines) — and `""` stands for one quote.
//! * An empty field (nothing, or only whitespace, between the delimiters) is
//!   a missing value: an error (`empty field`, `empty label field`) naming
//!   its line and column, or, with [`CsvOptions::drop_missing`], its row is
//!   dropped and listed in [`Dataset::dropped_rows`]. Only empty fields are
//!   missing: `NA` is an error like any other text that is not a number.
//! * Every row must have as many fields as the header (or, without one, the
//!   first row).
//! * Features parse as `f64` (Rust syntax: `1`, `-2.5`, `1e-3`, `inf`, `NaN`).
//! * Labels are read as [`CsvOptions::label_kind`] says: by default class
//!   indices, non-negative decimal integers (`2`, not `2.0`); or words, each
//!   distinct text a class, with ids in order of first appearance and the
//!   words returned in [`Dataset::class_names`]; or [`LabelKind::Auto`],
//!   indices if every label is one, else words; or words from a fixed list
//!   ([`LabelKind::Classes`]).
//! * A line number is that of the line where the field (or, for an error
//!   about a whole row, the row) starts; a column is the field's 1-based
//!   position in its row.
//!
//! ```
//! use groundup::data::csv::{parse_csv_str, CsvOptions, LabelColumn, LabelKind};
//! let text = "x,y,class\r\n0.5,1.5,0\r\n\r\n-1, 2e-1 ,2\r\n";
//! let opts = CsvOptions::new().header(true).label(LabelColumn::Name("class".into()));
//! let ds = parse_csv_str(text, &opts).unwrap();
//! assert_eq!(ds.features.shape(), (2, 2));
//! assert_eq!(ds.features.as_slice(), &[0.5, 1.5, -1.0, 0.2]);
//! assert_eq!(ds.labels, Some(vec![0, 2]));
//! assert_eq!(ds.feature_names, Some(vec!["x".to_string(), "y".to_string()]));
//!
//! let err = parse_csv_str("1,2\n3,oops\n", &CsvOptions::new()).unwrap_err();
//! assert_eq!(err.to_string(), r#"CSV line 2, column 2: cannot parse "oops" as a number"#);
//!
//! // Word labels, a quoted field spanning two lines, a row with a missing value dropped.
//! let text = "size,kind\n1.5,cat\n2,\"big\ndog\"\n,cat\n0.5,cat\n";
//! let opts = CsvOptions::new()
//!     .header(true)
//!     .label(LabelColumn::Last)
//!     .label_kind(LabelKind::Words)
//!     .drop_missing(true);
//! let ds = parse_csv_str(text, &opts).unwrap();
//! assert_eq!(ds.labels, Some(vec![0, 1, 0]));
//! assert_eq!(ds.class_names, Some(vec!["cat".to_string(), "big\ndog".to_string()]));
//! assert_eq!(ds.dropped_rows, vec![5]); // the line the dropped row is on
//! ```

use crate::error::{Error, Result};
use crate::matrix::Matrix;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

/// Which column holds the class labels.
///
/// ```
/// use groundup::data::csv::{parse_csv_str, CsvOptions, LabelColumn};
/// for label in [LabelColumn::Index(0), LabelColumn::Name("t".into())] {
///     let ds = parse_csv_str("t,x\n1,0.5\n", &CsvOptions::new().header(true).label(label)).unwrap();
///     assert_eq!((ds.labels, ds.features.as_slice()), (Some(vec![1]), &[0.5][..]));
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabelColumn {
    /// 0-based column index.
    Index(usize),
    /// The column with this header name (needs [`CsvOptions::has_header`]).
    Name(String),
    /// The last column.
    Last,
}

/// How the text of the label column becomes class ids. [`Default`]:
/// [`Indices`](LabelKind::Indices), the labels are the ids.
///
/// ```
/// use groundup::data::csv::{parse_csv_str, CsvOptions, LabelColumn, LabelKind};
/// let text = "1.0,dog\n2.0,cat\n3.0,dog\n";
/// let words = CsvOptions::new().label(LabelColumn::Last).label_kind(LabelKind::Words);
/// let ds = parse_csv_str(text, &words).unwrap();
/// assert_eq!(ds.labels, Some(vec![0, 1, 0])); // ids in order of first appearance
/// assert_eq!(ds.class_names, Some(vec!["dog".to_string(), "cat".to_string()]));
///
/// // Auto: class indices when every label is one, words otherwise.
/// let auto = CsvOptions::new().label(LabelColumn::Last).label_kind(LabelKind::Auto);
/// assert_eq!(parse_csv_str(text, &auto).unwrap().class_names.unwrap().len(), 2);
/// let ds = parse_csv_str("1.0,2\n2.0,0\n", &auto).unwrap();
/// assert_eq!((ds.labels, ds.class_names), (Some(vec![2, 0]), None));
///
/// // A fixed list (say, the classes a saved model was trained on): ids are
/// // positions in the list, and any other word is an error.
/// let known = LabelKind::Classes(vec!["cat".into(), "dog".into()]);
/// let opts = CsvOptions::new().label(LabelColumn::Last).label_kind(known);
/// assert_eq!(parse_csv_str(text, &opts).unwrap().labels, Some(vec![1, 0, 1]));
/// let err = parse_csv_str("1.0,cat\n2.0,cow\n", &opts).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"CSV line 2, column 2: label "cow" is not one of the 2 known classes: "cat", "dog""#
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum LabelKind {
    /// Class indices: non-negative decimal integers (`2`, not `2.0` or
    /// `two`), used as the ids. [`Dataset::class_names`] is `None`.
    #[default]
    Indices,
    /// Words: every distinct label text is a class (case and inner
    /// whitespace matter; quoted text is taken exactly), with ids `0, 1, …`
    /// in order of first appearance. [`Dataset::class_names`] lists the
    /// words in id order.
    Words,
    /// [`Indices`](Self::Indices) when every label is a non-negative decimal
    /// integer, else [`Words`](Self::Words) (so `0, 1, 2` are ids but
    /// `1.0, 2.0` are two words). [`Dataset::class_names`] says which was
    /// chosen.
    Auto,
    /// Words from this list: the word at position `i` has id `i`, and a
    /// label not in the list is an error naming its line and column.
    /// [`Dataset::class_names`] is the list. The list must not be empty,
    /// repeat a word or hold a blank one.
    Classes(Vec<String>),
}

/// How to read a CSV file. [`Default`]: comma-separated, no header, no
/// label column (every column is a feature), labels read as class indices,
/// a missing value is an error.
///
/// Fields added after the first release ([`label_kind`](Self::label_kind),
/// [`drop_missing`](Self::drop_missing)) default to the old behaviour; build
/// options with [`CsvOptions::new`] and the setters (or
/// `..Default::default()`) to be unaffected by future additions.
///
/// ```
/// use groundup::data::csv::{CsvOptions, LabelColumn, LabelKind};
/// let opts = CsvOptions::new().delimiter('\t').header(true).label(LabelColumn::Last);
/// assert_eq!((opts.delimiter, opts.has_header), ('\t', true));
/// assert_eq!(CsvOptions::default().delimiter, ',');
/// assert_eq!(CsvOptions::default().label_kind, LabelKind::Indices);
/// assert!(!CsvOptions::default().drop_missing);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvOptions {
    /// Field separator (default `,`). Must not be `"`, `\r` or `\n`.
    pub delimiter: char,
    /// Whether the first non-blank line holds column names.
    pub has_header: bool,
    /// The column of class labels, if any; the rest are features.
    pub label: Option<LabelColumn>,
    /// How labels become class ids (default: they are class indices).
    pub label_kind: LabelKind,
    /// Drop rows with a missing (empty) field instead of failing; the lines
    /// of the dropped rows are in [`Dataset::dropped_rows`].
    pub drop_missing: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: ',',
            has_header: false,
            label: None,
            label_kind: LabelKind::Indices,
            drop_missing: false,
        }
    }
}

impl CsvOptions {
    /// The defaults: `,`, no header, no label column.
    ///
    /// ```
    /// use groundup::data::csv::{parse_csv_str, CsvOptions};
    /// assert_eq!(CsvOptions::new(), CsvOptions::default());
    /// let ds = parse_csv_str("1,2\n3,4\n", &CsvOptions::new()).unwrap();
    /// assert_eq!((ds.features.shape(), ds.labels), ((2, 2), None)); // every column a feature
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the field separator.
    ///
    /// ```
    /// use groundup::data::csv::{parse_csv_str, CsvOptions};
    /// use groundup::Error;
    /// let ds = parse_csv_str("1;2.5\n", &CsvOptions::new().delimiter(';')).unwrap();
    /// assert_eq!(ds.features.as_slice(), &[1.0, 2.5]);
    /// // A quote cannot separate fields: it is rejected when parsing.
    /// let err = parse_csv_str("1\n", &CsvOptions::new().delimiter('"')).unwrap_err();
    /// assert!(matches!(err, Error::InvalidArgument(_)));
    /// ```
    pub fn delimiter(mut self, delimiter: char) -> Self {
        self.delimiter = delimiter;
        self
    }
    /// Sets whether the first non-blank line is a header.
    ///
    /// ```
    /// use groundup::data::csv::{parse_csv_str, CsvOptions};
    /// let ds = parse_csv_str("\nlen,width\n1,2\n", &CsvOptions::new().header(true)).unwrap();
    /// // The blank line is skipped and the names are not a data row.
    /// assert_eq!(ds.features.shape(), (1, 2));
    /// assert_eq!(ds.feature_names, Some(vec!["len".to_string(), "width".to_string()]));
    /// ```
    pub fn header(mut self, has_header: bool) -> Self {
        self.has_header = has_header;
        self
    }
    /// Sets the label column.
    ///
    /// ```
    /// use groundup::data::csv::{parse_csv_str, CsvOptions, LabelColumn};
    /// let opts = CsvOptions::new().label(LabelColumn::Last);
    /// let ds = parse_csv_str("0.5,1.5,2\n-1,0,0\n", &opts).unwrap();
    /// assert_eq!(ds.features.as_slice(), &[0.5, 1.5, -1.0, 0.0]);
    /// assert_eq!(ds.labels, Some(vec![2, 0]));
    /// ```
    pub fn label(mut self, label: LabelColumn) -> Self {
        self.label = Some(label);
        self
    }
    /// Sets how labels become class ids (see [`LabelKind`]).
    ///
    /// ```
    /// use groundup::data::csv::{parse_csv_str, CsvOptions, LabelColumn, LabelKind};
    /// let opts = CsvOptions::new().label(LabelColumn::Index(0)).label_kind(LabelKind::Words);
    /// let ds = parse_csv_str("b,1\na,2\nb,3\n", &opts).unwrap();
    /// assert_eq!(ds.labels, Some(vec![0, 1, 0]));
    /// assert_eq!(ds.class_names, Some(vec!["b".to_string(), "a".to_string()]));
    /// ```
    pub fn label_kind(mut self, kind: LabelKind) -> Self {
        self.label_kind = kind;
        self
    }
    /// Sets whether rows with a missing (empty) field are dropped (and
    /// listed in [`Dataset::dropped_rows`]) rather than an error.
    ///
    /// ```
    /// use groundup::data::csv::{parse_csv_str, CsvOptions};
    /// let text = "1,2\n3,\n5,6\n";
    /// let err = parse_csv_str(text, &CsvOptions::new()).unwrap_err();
    /// assert_eq!(err.to_string(), "CSV line 2, column 2: empty field");
    /// let ds = parse_csv_str(text, &CsvOptions::new().drop_missing(true)).unwrap();
    /// assert_eq!(ds.features.as_slice(), &[1.0, 2.0, 5.0, 6.0]);
    /// assert_eq!(ds.dropped_rows, vec![2]);
    /// ```
    pub fn drop_missing(mut self, drop: bool) -> Self {
        self.drop_missing = drop;
        self
    }
}

/// What a CSV file holds: features, and labels if a label column was chosen.
///
/// Fields added after the first release ([`class_names`](Self::class_names),
/// [`dropped_rows`](Self::dropped_rows)) are extra information: code that
/// reads the other fields is unaffected.
///
/// ```
/// use groundup::data::csv::{parse_csv_str, CsvOptions};
/// let ds = parse_csv_str("a,b\n1,2\n3,4\n", &CsvOptions::new().header(true)).unwrap();
/// let x: groundup::Matrix<f32> = ds.features.cast(); // features are f64; cast if needed
/// assert_eq!((x.shape(), ds.labels), ((2, 2), None));
/// assert_eq!((ds.class_names, ds.dropped_rows), (None, vec![]));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// One row per data row, one column per feature column (in file order).
    pub features: Matrix<f64>,
    /// The class id of each row, when a label column was chosen.
    pub labels: Option<Vec<usize>>,
    /// The header names of the feature columns, when there is a header.
    pub feature_names: Option<Vec<String>>,
    /// The header name of the label column, when there is a header and a
    /// label column.
    pub label_name: Option<String>,
    /// The class names in id order (`class_names[id]`), when labels were
    /// read as words ([`LabelKind::Words`], [`LabelKind::Classes`], or
    /// [`LabelKind::Auto`] that found a word); `None` for class indices.
    pub class_names: Option<Vec<String>>,
    /// The line each row dropped for a missing value starts on, in file
    /// order (always empty unless [`CsvOptions::drop_missing`]); its length
    /// is the number of rows dropped.
    pub dropped_rows: Vec<usize>,
}

fn csv_err(line: usize, column: Option<usize>, what: impl Into<String>) -> Error {
    Error::Csv {
        line,
        column,
        what: what.into(),
    }
}

/// Reads a CSV file; see the [module docs](self) for the rules.
///
/// # Errors
/// [`Error::Io`], [`Error::Csv`] (also for invalid UTF-8, with its line),
/// or as [`parse_csv_str`].
///
/// ```
/// use groundup::data::csv::{read_csv, CsvOptions, LabelColumn};
/// let dir = std::env::temp_dir().join(format!("groundup-doc-csv-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("d.csv");
/// std::fs::write(&path, "1;2;1\n3;4;0\n").unwrap();
/// let opts = CsvOptions::new().delimiter(';').label(LabelColumn::Last);
/// let ds = read_csv(&path, &opts).unwrap();
/// assert_eq!((ds.features.shape(), ds.labels), ((2, 2), Some(vec![1, 0])));
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn read_csv(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Dataset> {
    parse_csv_str(&read_text(path.as_ref())?, options)
}

/// Reads features and labels from two files with the same number of data
/// rows: every column of `features` is a feature, and `targets` has exactly
/// one column of labels (read as `options.label_kind` says).
/// `options.has_header` and `options.delimiter` apply to both;
/// `options.label` is ignored.
///
/// # Errors
/// As [`read_csv`], plus [`Error::Csv`] if `targets` has more than one
/// column, [`Error::InvalidArgument`] naming both files if their row
/// counts differ, and [`Error::InvalidArgument`] for
/// `options.drop_missing` (dropping a row from one file would misalign the
/// two).
///
/// ```
/// use groundup::data::csv::{read_csv_pair, CsvOptions};
/// let dir = std::env::temp_dir().join(format!("groundup-doc-csv2-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("x.csv"), "0.1,0.2\n0.3,0.4\n").unwrap();
/// std::fs::write(dir.join("t.csv"), "2\n0\n").unwrap();
/// let ds = read_csv_pair(dir.join("x.csv"), dir.join("t.csv"), &CsvOptions::new()).unwrap();
/// assert_eq!(ds.labels, Some(vec![2, 0]));
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn read_csv_pair(
    features: impl AsRef<Path>,
    targets: impl AsRef<Path>,
    options: &CsvOptions,
) -> Result<Dataset> {
    let (features, targets) = (features.as_ref(), targets.as_ref());
    if options.drop_missing {
        return Err(Error::InvalidArgument(
            "read_csv_pair cannot drop rows with missing values (the two files' rows would no longer line up); \
             join the files and use read_csv"
                .to_string(),
        ));
    }
    let opts = CsvOptions {
        label: None,
        ..options.clone()
    };
    let mut ds = parse_csv_str(&read_text(features)?, &opts)?;
    let t = parse_csv_str(&read_text(targets)?, &opts.label(LabelColumn::Index(0)))?;
    if t.features.cols() != 0 {
        return Err(csv_err(
            1,
            None,
            format!(
                "the targets file {} must have one column, found {}",
                targets.display(),
                t.features.cols() + 1
            ),
        ));
    }
    let labels = t.labels.unwrap_or_default();
    if labels.len() != ds.features.rows() {
        return Err(Error::InvalidArgument(format!(
            "{} has {} data rows but {} has {}",
            features.display(),
            ds.features.rows(),
            targets.display(),
            labels.len()
        )));
    }
    ds.labels = Some(labels);
    ds.label_name = t.label_name;
    ds.class_names = t.class_names;
    Ok(ds)
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = crate::io::read_file(path)?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        csv_err(line, None, "the file is not valid UTF-8")
    })
}

/// Parses CSV text; see the [module docs](self) for the rules and a fuller
/// example.
///
/// ```
/// use groundup::data::csv::{parse_csv_str, CsvOptions};
/// let ds = parse_csv_str("1 ; 2\n\n3;4\n", &CsvOptions::new().delimiter(';')).unwrap();
/// assert_eq!(ds.features.as_slice(), &[1.0, 2.0, 3.0, 4.0]);
/// let e = parse_csv_str("1;2\n3\n", &CsvOptions::new().delimiter(';')).unwrap_err();
/// assert_eq!(e.to_string(), "CSV line 2: expected 2 columns (as on line 1), found 1");
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] for a bad delimiter, a label name without a
/// header, or a bad [`LabelKind::Classes`] list; [`Error::Csv`] for an
/// empty file (or a header with no data, or no row left after dropping
/// rows with missing values), a bad or empty field, an unterminated quoted
/// field, a bad label (not a class index, or not one of the known
/// classes), a row with the wrong number of fields (both counts given), an
/// unknown or repeated label column name, or a label index past the last
/// column.
pub fn parse_csv_str(text: &str, options: &CsvOptions) -> Result<Dataset> {
    let delim = options.delimiter;
    if matches!(delim, '"' | '\r' | '\n') {
        return Err(Error::InvalidArgument(format!(
            "CSV delimiter {delim:?} is not allowed"
        )));
    }
    if matches!(options.label, Some(LabelColumn::Name(_))) && !options.has_header {
        return Err(Error::InvalidArgument(
            "a label column chosen by name needs has_header = true".to_string(),
        ));
    }
    let known = match &options.label_kind {
        LabelKind::Classes(list) => Some(known_classes(list)?),
        _ => None,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Records {
        text,
        pos: 0,
        line: 1,
        delim,
    };

    let header = match options.has_header {
        true => match records.next_record()? {
            Some(r) => Some(r),
            None => return Err(csv_err(1, None, "empty file: no header and no data")),
        },
        false => None,
    };
    let first = match header {
        Some(_) => None,
        None => match records.next_record()? {
            Some(r) => Some(r),
            None => return Err(csv_err(1, None, "empty file: no data rows")),
        },
    };
    let (ncols, width_line) = match (&header, &first) {
        (Some((n, h)), _) | (None, Some((n, h))) => (h.len(), *n),
        (None, None) => unreachable!("one of them was read above"),
    };
    let label = match &options.label {
        None => None,
        Some(LabelColumn::Last) => Some(ncols - 1),
        Some(LabelColumn::Index(i)) if *i < ncols => Some(*i),
        Some(LabelColumn::Index(i)) => {
            return Err(csv_err(
                width_line,
                None,
                format!("label column index {i} is out of range: there are {ncols} columns"),
            ))
        }
        Some(LabelColumn::Name(name)) => {
            let (n, names) = header.as_ref().expect("checked above");
            let hits: Vec<usize> = (0..ncols).filter(|&j| names[j].text == *name).collect();
            match hits[..] {
                [j] => Some(j),
                [] => {
                    let names: Vec<&str> = names.iter().map(|f| &*f.text).collect();
                    return Err(csv_err(
                        *n,
                        None,
                        format!("no column named {name:?}; the header has {names:?}"),
                    ));
                }
                _ => {
                    return Err(csv_err(
                        *n,
                        None,
                        format!(
                            "column name {name:?} appears {} times in the header",
                            hits.len()
                        ),
                    ))
                }
            }
        }
    };

    let mut data = Vec::new();
    let mut labels = Vec::new();
    let mut words = Words::default();
    let mut dropped_rows = Vec::new();
    let mut rows = 0usize;
    let mut pending = first;
    loop {
        let (n, fields) = match pending.take() {
            Some(r) => r,
            None => match records.next_record()? {
                Some(r) => r,
                None => break,
            },
        };
        if fields.len() != ncols {
            return Err(csv_err(
                n,
                None,
                format!(
                    "expected {ncols} columns (as on line {width_line}), found {}",
                    fields.len()
                ),
            ));
        }
        let row_start = data.len();
        let mut missing = false;
        let mut id = None;
        let mut word = None;
        for (j, f) in fields.iter().enumerate() {
            let (line, column) = (f.line, j + 1);
            let value = f.text.trim();
            if value.is_empty() {
                if !options.drop_missing {
                    let what = match Some(j) == label {
                        true => "empty label field",
                        false => "empty field",
                    };
                    return Err(csv_err(line, Some(column), what));
                }
                missing = true;
            } else if Some(j) != label {
                data.push(parse_feature(value, line, column)?);
            } else if let Some(known) = &known {
                match known.get(&*f.text) {
                    Some(&k) => id = Some(k),
                    None => return Err(unknown_class(&f.text, line, column, &options.label_kind)),
                }
            } else if options.label_kind == LabelKind::Indices {
                id = Some(parse_label(value, line, column)?);
            } else {
                word = Some((&f.text, line, column));
            }
        }
        if missing {
            data.truncate(row_start);
            dropped_rows.push(n);
            continue;
        }
        if let Some((text, line, column)) = word {
            id = Some(words.id(text, line, column));
        }
        labels.extend(id);
        rows += 1;
    }
    if rows == 0 {
        if let Some(&line) = dropped_rows.first() {
            return Err(csv_err(
                line,
                None,
                format!(
                    "no data rows left: all {} rows have an empty field",
                    dropped_rows.len()
                ),
            ));
        }
        let after = header.as_ref().map_or(1, |(n, _)| n + 1);
        return Err(csv_err(after, None, "no data rows after the header"));
    }
    let class_names = match &options.label_kind {
        _ if label.is_none() => None,
        LabelKind::Indices => None,
        LabelKind::Classes(list) => Some(list.clone()),
        LabelKind::Words => Some(words.names),
        LabelKind::Auto => match words.as_indices()? {
            Some(ids) => {
                for l in &mut labels {
                    *l = ids[*l];
                }
                None
            }
            None => Some(words.names),
        },
    };
    let nfeat = ncols - usize::from(label.is_some());
    let features = Matrix::from_vec(rows, nfeat, data)?;
    let (feature_names, label_name) = match header {
        Some((_, names)) => {
            let mut names: Vec<String> = names.into_iter().map(|f| f.text.into_owned()).collect();
            let label_name = label.map(|j| names.remove(j));
            (Some(names), label_name)
        }
        None => (None, None),
    };
    Ok(Dataset {
        features,
        labels: label.map(|_| labels),
        feature_names,
        label_name,
        class_names,
        dropped_rows,
    })
}

/// The id of each word of a [`LabelKind::Classes`] list, after checking it.
fn known_classes(list: &[String]) -> Result<HashMap<&str, usize>> {
    if list.is_empty() {
        return Err(Error::InvalidArgument(
            "LabelKind::Classes needs at least one class".to_string(),
        ));
    }
    let mut map = HashMap::with_capacity(list.len());
    for (i, name) in list.iter().enumerate() {
        if name.trim().is_empty() {
            return Err(Error::InvalidArgument(format!(
                "LabelKind::Classes: class {i} is blank ({name:?})"
            )));
        }
        if let Some(j) = map.insert(name.as_str(), i) {
            return Err(Error::InvalidArgument(format!(
                "LabelKind::Classes: {name:?} is both class {j} and class {i}"
            )));
        }
    }
    Ok(map)
}

fn unknown_class(word: &str, line: usize, column: usize, kind: &LabelKind) -> Error {
    let LabelKind::Classes(list) = kind else {
        unreachable!("only LabelKind::Classes has known classes")
    };
    const SHOWN: usize = 10;
    let mut names: Vec<String> = list.iter().take(SHOWN).map(|c| format!("{c:?}")).collect();
    if list.len() > SHOWN {
        names.push(format!("… ({} more)", list.len() - SHOWN));
    }
    csv_err(
        line,
        Some(column),
        format!(
            "label {word:?} is not one of the {} known classes: {}",
            list.len(),
            names.join(", ")
        ),
    )
}

/// Word labels: ids in order of first appearance.
#[derive(Default)]
struct Words {
    ids: HashMap<String, usize>,
    /// The words in id order.
    names: Vec<String>,
    /// Where each word first appears (line, column).
    first_seen: Vec<(usize, usize)>,
}

impl Words {
    fn id(&mut self, word: &str, line: usize, column: usize) -> usize {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = self.names.len();
        self.ids.insert(word.to_string(), id);
        self.names.push(word.to_string());
        self.first_seen.push((line, column));
        id
    }

    /// For [`LabelKind::Auto`]: the class index of every word when all are
    /// non-negative decimal integers (an error where one is too large),
    /// else `None`.
    fn as_indices(&self) -> Result<Option<Vec<usize>>> {
        let digits = |w: &str| w.trim().bytes().all(|b| b.is_ascii_digit());
        if !self.names.iter().all(|w| digits(w)) {
            return Ok(None);
        }
        let ids = self.names.iter().zip(&self.first_seen);
        ids.map(|(w, &(line, column))| parse_label(w.trim(), line, column))
            .collect::<Result<Vec<usize>>>()
            .map(Some)
    }
}

/// Text that often marks a missing value; the parse error says how to
/// write one instead.
const MISSING_MARKERS: [&str; 10] = [
    "NA", "N/A", "na", "n/a", "NULL", "null", "None", "none", "?", "-",
];

fn parse_feature(field: &str, line: usize, column: usize) -> Result<f64> {
    field.parse::<f64>().map_err(|_| {
        let hint = match MISSING_MARKERS.contains(&field) {
            true => " (a missing value must be an empty field)",
            false => "",
        };
        csv_err(
            line,
            Some(column),
            format!("cannot parse {field:?} as a number{hint}"),
        )
    })
}

fn parse_label(field: &str, line: usize, column: usize) -> Result<usize> {
    if !field.bytes().all(|b| b.is_ascii_digit()) {
        return Err(csv_err(
            line,
            Some(column),
            format!("label {field:?} is not a non-negative integer class index"),
        ));
    }
    field
        .parse::<usize>()
        .map_err(|_| csv_err(line, Some(column), format!("label {field:?} is too large")))
}

/// One field: its text (unquoted fields trimmed, quoted ones exact) and the
/// line it starts on.
#[derive(Debug)]
struct Field<'a> {
    text: Cow<'a, str>,
    line: usize,
}

/// The records of CSV text, one at a time: blank lines skipped, quoted
/// fields may span lines.
struct Records<'a> {
    text: &'a str,
    /// Byte offset of the next unread character.
    pos: usize,
    /// The 1-based line `pos` is on.
    line: usize,
    delim: char,
}

impl<'a> Records<'a> {
    /// The next record and the line it starts on, or `None` at the end.
    fn next_record(&mut self) -> Result<Option<(usize, Vec<Field<'a>>)>> {
        let text: &'a str = self.text;
        // Skip blank lines.
        loop {
            let rest = &text[self.pos..];
            let line = rest.split('\n').next().unwrap_or("");
            if !line.trim().is_empty() {
                break;
            }
            if line.len() == rest.len() {
                return Ok(None);
            }
            self.pos += line.len() + 1;
            self.line += 1;
        }
        let start = self.line;
        let delim = self.delim;
        let blank = move |c: char| c.is_whitespace() && c != delim && c != '\n';
        let mut fields = Vec::new();
        loop {
            let column = fields.len() + 1;
            let rest = &text[self.pos..];
            let trimmed = rest.trim_start_matches(blank);
            self.pos += rest.len() - trimmed.len();
            let line = self.line;
            let next = if let Some(quoted) = trimmed.strip_prefix('"') {
                let mut value = String::new();
                let mut chars = quoted.char_indices();
                let end = loop {
                    match chars.next() {
                        Some((i, '"')) if quoted[i + 1..].starts_with('"') => {
                            value.push('"');
                            chars.next();
                        }
                        Some((i, '"')) => break i + 1,
                        Some((_, c)) => {
                            self.line += usize::from(c == '\n');
                            value.push(c);
                        }
                        None => {
                            return Err(csv_err(
                                line,
                                Some(column),
                                "unterminated quoted field: no closing quote before the end of the file",
                            ))
                        }
                    }
                };
                fields.push(Field {
                    text: Cow::Owned(value),
                    line,
                });
                self.pos += 1 + end;
                let rest = &text[self.pos..];
                let after = rest.trim_start_matches(blank);
                self.pos += rest.len() - after.len();
                match after.chars().next() {
                    Some(c) if c != delim && c != '\n' => {
                        let shown = after.split('\n').next().unwrap_or("").trim_end();
                        return Err(csv_err(
                            self.line,
                            Some(column),
                            format!("unexpected text {shown:?} after a closing quote"),
                        ));
                    }
                    next => next,
                }
            } else {
                let end = trimmed.find([delim, '\n']).unwrap_or(trimmed.len());
                fields.push(Field {
                    text: Cow::Borrowed(trimmed[..end].trim()),
                    line,
                });
                self.pos += end;
                trimmed[end..].chars().next()
            };
            match next {
                None => return Ok(Some((start, fields))),
                Some('\n') => {
                    self.pos += 1;
                    self.line += 1;
                    return Ok(Some((start, fields)));
                }
                Some(c) => self.pos += c.len_utf8(), // the delimiter
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_fields(line: &str, delim: char) -> Result<Vec<String>> {
        let mut r = Records {
            text: line,
            pos: 0,
            line: 1,
            delim,
        };
        let (_, fields) = r.next_record()?.expect("a record");
        Ok(fields.into_iter().map(|f| f.text.into_owned()).collect())
    }

    #[test]
    fn quoted_fields() {
        let f = split_fields(r#" "a, ""b""" ,c, "" "#, ',').unwrap();
        assert_eq!(f, vec![r#"a, "b""#, "c", ""]);
        assert!(split_fields(r#""abc"#, ',').is_err());
        assert!(split_fields(r#""abc" x,1"#, ',').is_err());
        assert_eq!(split_fields("1\t 2", '\t').unwrap(), vec!["1", "2"]);
        assert_eq!(split_fields(r#""a" "b""#, ' ').unwrap(), vec!["a", "b"]);
        // Quoted text is kept exactly; a quoted field may span lines.
        assert_eq!(
            split_fields("\" a \",\"x\r\ny\"\r\nnext", ',').unwrap(),
            vec![" a ", "x\r\ny"]
        );
    }

    #[test]
    fn records_track_lines() {
        let mut r = Records {
            text: "\n a,\"1\n2\n\"\n\n\"3\",4\r\n  \n",
            pos: 0,
            line: 1,
            delim: ',',
        };
        let (n, f) = r.next_record().unwrap().unwrap();
        assert_eq!((n, f[0].line, f[1].line, &*f[1].text), (2, 2, 2, "1\n2\n"));
        let (n, f) = r.next_record().unwrap().unwrap();
        assert_eq!((n, f.len(), &*f[0].text, &*f[1].text), (6, 2, "3", "4"));
        assert!(r.next_record().unwrap().is_none());
    }
}
