//! Numeric CSV: a feature matrix and, optionally, one column of class
//! labels.
//!
//! Rules (all errors are [`Error::Csv`] with the 1-based line and column
//! and the offending text, except bad options, which are
//! [`Error::InvalidArgument`]):
//!
//! * Lines end in `\n` or `\r\n`; a UTF-8 byte-order mark is skipped.
//! * Lines that are empty or only whitespace are skipped (line numbers in
//!   errors still count them).
//! * With [`CsvOptions::has_header`], the first non-blank line names the
//!   columns.
//! * Fields are trimmed of surrounding whitespace and may be wrapped in
//!   double quotes (`"a, b"`, with `""` for a quote inside); a field cannot
//!   span lines. An empty field is an error.
//! * Every row must have as many fields as the header (or, without one, the
//!   first row).
//! * Features parse as `f64` (Rust syntax: `1`, `-2.5`, `1e-3`, `inf`, `NaN`).
//! * Labels are class indices: non-negative decimal integers (`2`, not `2.0`).
//!
//! ```
//! use groundup::data::csv::{parse_csv_str, CsvOptions, LabelColumn};
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
//! ```

use crate::error::{Error, Result};
use crate::matrix::Matrix;
use std::borrow::Cow;
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

/// How to read a CSV file. [`Default`]: comma-separated, no header, no
/// label column (every column is a feature).
///
/// ```
/// use groundup::data::csv::{CsvOptions, LabelColumn};
/// let opts = CsvOptions::new().delimiter('\t').header(true).label(LabelColumn::Last);
/// assert_eq!((opts.delimiter, opts.has_header), ('\t', true));
/// assert_eq!(CsvOptions::default().delimiter, ',');
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvOptions {
    /// Field separator (default `,`). Must not be `"`, `\r` or `\n`.
    pub delimiter: char,
    /// Whether the first non-blank line holds column names.
    pub has_header: bool,
    /// The column of class labels, if any; the rest are features.
    pub label: Option<LabelColumn>,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: ',',
            has_header: false,
            label: None,
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
}

/// What a CSV file holds: features, and labels if a label column was chosen.
///
/// ```
/// use groundup::data::csv::{parse_csv_str, CsvOptions};
/// let ds = parse_csv_str("a,b\n1,2\n3,4\n", &CsvOptions::new().header(true)).unwrap();
/// let x: groundup::Matrix<f32> = ds.features.cast(); // features are f64; cast if needed
/// assert_eq!((x.shape(), ds.labels), ((2, 2), None));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// One row per data line, one column per feature column (in file order).
    pub features: Matrix<f64>,
    /// The class index of each row, when a label column was chosen.
    pub labels: Option<Vec<usize>>,
    /// The header names of the feature columns, when there is a header.
    pub feature_names: Option<Vec<String>>,
    /// The header name of the label column, when there is a header and a
    /// label column.
    pub label_name: Option<String>,
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
/// one column of class indices. `options.has_header` and
/// `options.delimiter` apply to both; `options.label` is ignored.
///
/// # Errors
/// As [`read_csv`], plus [`Error::Csv`] if `targets` has more than one
/// column and [`Error::InvalidArgument`] naming both files if their row
/// counts differ.
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
/// [`Error::InvalidArgument`] for a bad delimiter or a label name without a
/// header; [`Error::Csv`] for an empty file (or a header with no data), a
/// bad or empty field, a bad label, a row with the wrong number of fields
/// (both counts given), an unknown or repeated label column name, or a label
/// index past the last column.
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
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.trim().is_empty())
        .peekable();

    let header = match options.has_header {
        true => match lines.next() {
            Some((n, l)) => Some((n, split_fields(l, delim, n)?)),
            None => return Err(csv_err(1, None, "empty file: no header and no data")),
        },
        false => None,
    };
    let (ncols, width_line) = match (&header, lines.peek()) {
        (Some((n, h)), _) => (h.len(), *n),
        (None, Some((n, l))) => (split_fields(l, delim, *n)?.len(), *n),
        (None, None) => return Err(csv_err(1, None, "empty file: no data rows")),
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
            let hits: Vec<usize> = (0..ncols).filter(|&j| names[j] == *name).collect();
            match hits[..] {
                [j] => Some(j),
                [] => {
                    return Err(csv_err(
                        *n,
                        None,
                        format!("no column named {name:?}; the header has {names:?}"),
                    ))
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
    let mut rows = 0usize;
    for (n, line) in lines {
        let fields = split_fields(line, delim, n)?;
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
        for (j, f) in fields.iter().enumerate() {
            if Some(j) == label {
                labels.push(parse_label(f, n, j + 1)?);
            } else {
                data.push(parse_feature(f, n, j + 1)?);
            }
        }
        rows += 1;
    }
    if rows == 0 {
        let after = header.as_ref().map_or(1, |(n, _)| n + 1);
        return Err(csv_err(after, None, "no data rows after the header"));
    }
    let nfeat = ncols - usize::from(label.is_some());
    let features = Matrix::from_vec(rows, nfeat, data)?;
    let (feature_names, label_name) = match header {
        Some((_, names)) => {
            let mut names: Vec<String> = names.into_iter().map(Cow::into_owned).collect();
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
    })
}

fn parse_feature(field: &str, line: usize, column: usize) -> Result<f64> {
    if field.is_empty() {
        return Err(csv_err(line, Some(column), "empty field"));
    }
    field.parse::<f64>().map_err(|_| {
        csv_err(
            line,
            Some(column),
            format!("cannot parse {field:?} as a number"),
        )
    })
}

fn parse_label(field: &str, line: usize, column: usize) -> Result<usize> {
    if field.is_empty() {
        return Err(csv_err(line, Some(column), "empty label field"));
    }
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

/// Splits one line into trimmed, unquoted fields.
fn split_fields(line: &str, delim: char, n: usize) -> Result<Vec<Cow<'_, str>>> {
    let mut fields = Vec::new();
    let mut rest = line;
    loop {
        let column = fields.len() + 1;
        let trimmed = rest.trim_start_matches(|c: char| c.is_whitespace() && c != delim);
        if let Some(quoted) = trimmed.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let after = loop {
                match chars.next() {
                    Some((i, '"')) => {
                        if quoted[i + 1..].starts_with('"') {
                            value.push('"');
                            chars.next();
                        } else {
                            break &quoted[i + 1..];
                        }
                    }
                    Some((_, c)) => value.push(c),
                    None => {
                        return Err(csv_err(
                            n,
                            Some(column),
                            "unterminated quoted field (fields cannot span lines)",
                        ))
                    }
                }
            };
            let after = after.trim_start_matches(|c: char| c.is_whitespace() && c != delim);
            fields.push(Cow::Owned(value.trim().to_string()));
            match after.chars().next() {
                None => return Ok(fields),
                Some(c) if c == delim => rest = &after[c.len_utf8()..],
                Some(_) => {
                    return Err(csv_err(
                        n,
                        Some(column),
                        format!("unexpected text {after:?} after a closing quote"),
                    ))
                }
            }
        } else {
            match rest.find(delim) {
                Some(i) => {
                    fields.push(Cow::Borrowed(rest[..i].trim()));
                    rest = &rest[i + delim.len_utf8()..];
                }
                None => {
                    fields.push(Cow::Borrowed(rest.trim()));
                    return Ok(fields);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields() {
        let f = split_fields(r#" "a, ""b""" ,c, "" "#, ',', 1).unwrap();
        assert_eq!(f, vec![r#"a, "b""#, "c", ""]);
        assert!(split_fields(r#""abc"#, ',', 1).is_err());
        assert!(split_fields(r#""abc" x,1"#, ',', 1).is_err());
        assert_eq!(split_fields("1\t 2", '\t', 1).unwrap(), vec!["1", "2"]);
        assert_eq!(split_fields(r#""a" "b""#, ' ', 1).unwrap(), vec!["a", "b"]);
    }
}
