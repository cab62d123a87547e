//! CSV: options, the documented leniencies (blank lines, CRLF, BOM, quotes,
//! whitespace), word labels, RFC 4180 quoting (a property test: quoting
//! round-trips arbitrary text), missing values, header-less files, and each
//! error with its line, column and text.

mod common;

use common::files::TempDir;
use common::rng::TestRng;
use groundup::data::csv::{
    parse_csv_str, read_csv, read_csv_pair, CsvOptions, LabelColumn, LabelKind,
};
use groundup::Error;

fn csv_err(text: &str, opts: &CsvOptions) -> (usize, Option<usize>, String) {
    match parse_csv_str(text, opts) {
        Err(Error::Csv { line, column, what }) => (line, column, what),
        other => panic!("expected Error::Csv for {text:?}, got {other:?}"),
    }
}

#[test]
fn features_only_by_default() {
    let ds = parse_csv_str("1,2,3\n4,5,6", &CsvOptions::default()).unwrap();
    assert_eq!(ds.features.shape(), (2, 3));
    assert_eq!(ds.features.as_slice(), &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert_eq!(
        (ds.labels, ds.feature_names, ds.label_name),
        (None, None, None)
    );
}

#[test]
fn label_column_by_index_name_and_last() {
    let text = "\u{feff}a, label ,b\r\n\r\n  1.5 , 2 , -3e2 \r\n\t\n\"4\",0,inf\r\n";
    let opts = CsvOptions::new().header(true);
    for label in [LabelColumn::Index(1), LabelColumn::Name("label".into())] {
        let ds = parse_csv_str(text, &opts.clone().label(label)).unwrap();
        assert_eq!(ds.features.as_slice(), &[1.5, -300.0, 4.0, f64::INFINITY]);
        assert_eq!(ds.labels, Some(vec![2, 0]));
        assert_eq!(
            ds.feature_names,
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(ds.label_name.as_deref(), Some("label"));
    }
    let ds = parse_csv_str(
        "1\t2\t7\n",
        &CsvOptions::new().delimiter('\t').label(LabelColumn::Last),
    )
    .unwrap();
    assert_eq!((ds.features.shape(), ds.labels), ((1, 2), Some(vec![7])));
    // Only a label column: features are n x 0.
    let ds = parse_csv_str("3\n1\n", &CsvOptions::new().label(LabelColumn::Last)).unwrap();
    assert_eq!((ds.features.shape(), ds.labels), ((2, 0), Some(vec![3, 1])));
}

#[test]
fn errors_name_line_column_and_text() {
    let o = CsvOptions::new();
    assert_eq!(
        csv_err("1,2\n\n3,x7\n", &o),
        (3, Some(2), r#"cannot parse "x7" as a number"#.to_string())
    );
    assert_eq!(
        csv_err("1,2\n3,4,5\n", &o),
        (
            2,
            None,
            "expected 2 columns (as on line 1), found 3".to_string()
        )
    );
    assert_eq!(
        csv_err("1,2\n3\n", &o).2,
        "expected 2 columns (as on line 1), found 1"
    );
    assert_eq!(
        csv_err("1,,2\n", &o),
        (1, Some(2), "empty field".to_string())
    );
    assert_eq!(csv_err("1,2,\n", &o).1, Some(3));
    assert_eq!(
        csv_err("", &o),
        (1, None, "empty file: no data rows".to_string())
    );
    assert_eq!(csv_err(" \n\r\n", &o).2, "empty file: no data rows");
    let h = CsvOptions::new().header(true);
    assert_eq!(csv_err("", &h).2, "empty file: no header and no data");
    assert_eq!(
        csv_err("\na,b\n\n", &h),
        (3, None, "no data rows after the header".to_string())
    );
    assert_eq!(
        csv_err("a,b\n1,2,3\n", &h).2,
        "expected 2 columns (as on line 1), found 3"
    );
    let by_name = h.clone().label(LabelColumn::Name("y".into()));
    let (line, col, what) = csv_err("a,b\n1,2\n", &by_name);
    assert_eq!((line, col), (1, None));
    assert!(
        what.contains(r#"no column named "y""#) && what.contains(r#"["a", "b"]"#),
        "{what}"
    );
    assert!(csv_err("y,y\n1,2\n", &by_name)
        .2
        .contains("appears 2 times"));
    let last = CsvOptions::new().label(LabelColumn::Last);
    for (bad, needle) in [
        ("-1", "not a non-negative integer"),
        ("1.0", "not a non-negative"),
        ("1e3", "not"),
        ("99999999999999999999999", "too large"),
        ("", "empty label"),
    ] {
        let (line, col, what) = csv_err(&format!("0.5,0\n0.5,{bad}\n"), &last);
        assert_eq!((line, col), (2, Some(2)));
        assert!(
            what.contains(needle) && what.contains(&format!("{bad:?}")) || bad.is_empty(),
            "{what}"
        );
    }
    assert_eq!(
        csv_err("1,2\n", &CsvOptions::new().label(LabelColumn::Index(2))).2,
        "label column index 2 is out of range: there are 2 columns"
    );
    assert!(csv_err("\"1,2\n", &o).2.contains("unterminated"));
    assert!(csv_err("\"1\"x,2\n", &o)
        .2
        .contains("after a closing quote"));
    // Bad options are InvalidArgument.
    assert!(matches!(
        parse_csv_str("1", &CsvOptions::new().delimiter('"')),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        parse_csv_str("1", &CsvOptions::new().label(LabelColumn::Name("a".into()))),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn files_and_pairs() {
    let dir = TempDir::new("csv");
    std::fs::write(dir.join("x.csv"), "a,b\n1,2\n3,4\n5,6\n").unwrap();
    std::fs::write(dir.join("t.csv"), "class\n0\n1\n2\n").unwrap();
    std::fs::write(dir.join("t2.csv"), "class\n0\n1\n").unwrap();
    std::fs::write(dir.join("wide.csv"), "c,d\n0,1\n1,1\n2,1\n").unwrap();
    std::fs::write(dir.join("bad.csv"), b"1,2\n3,\xff\n").unwrap();
    let h = CsvOptions::new().header(true);
    let ds = read_csv_pair(dir.join("x.csv"), dir.join("t.csv"), &h).unwrap();
    assert_eq!(ds.features.shape(), (3, 2));
    assert_eq!(ds.labels, Some(vec![0, 1, 2]));
    assert_eq!(ds.label_name.as_deref(), Some("class"));
    let e = read_csv_pair(dir.join("x.csv"), dir.join("t2.csv"), &h).unwrap_err();
    assert!(
        matches!(e, Error::InvalidArgument(ref s) if s.contains("3 data rows") && s.contains("has 2")),
        "{e}"
    );
    let e = read_csv_pair(dir.join("x.csv"), dir.join("wide.csv"), &h).unwrap_err();
    assert!(
        matches!(e, Error::Csv { ref what, .. } if what.contains("one column, found 2")),
        "{e}"
    );
    match read_csv(dir.join("bad.csv"), &CsvOptions::new()) {
        Err(Error::Csv { line: 2, what, .. }) => assert!(what.contains("UTF-8")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        read_csv(dir.join("missing.csv"), &h),
        Err(Error::Io { .. })
    ));
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn words_last() -> CsvOptions {
    CsvOptions::new()
        .label(LabelColumn::Last)
        .label_kind(LabelKind::Words)
}

#[test]
fn word_labels_get_ids_in_order_of_first_appearance() {
    let text =
        "a,b,species\n1,2,virginica\n3,4,setosa\n5,6,virginica\n7,8,Setosa\n9,0,\" setosa\"\n";
    let opts = words_last().header(true);
    let ds = parse_csv_str(text, &opts).unwrap();
    assert_eq!(ds.labels, Some(vec![0, 1, 0, 2, 3]));
    // Case matters; quoted text is taken exactly, unquoted text trimmed.
    assert_eq!(
        ds.class_names,
        Some(strings(&["virginica", "setosa", "Setosa", " setosa"]))
    );
    assert_eq!(ds.label_name.as_deref(), Some("species"));
    assert_eq!(
        ds.features.as_slice(),
        &[1., 2., 3., 4., 5., 6., 7., 8., 9., 0.]
    );
    // Digits are words too when asked for words: ids still by appearance.
    let ds = parse_csv_str("0.5,7\n0.5,3\n0.5,7\n", &words_last()).unwrap();
    assert_eq!(ds.labels, Some(vec![0, 1, 0]));
    assert_eq!(ds.class_names, Some(strings(&["7", "3"])));
    // The label column can be anywhere, by index or name.
    let ds = parse_csv_str(
        "kind,x\ncat,1\ndog,2\n",
        &CsvOptions::new()
            .header(true)
            .label(LabelColumn::Name("kind".into()))
            .label_kind(LabelKind::Words),
    )
    .unwrap();
    assert_eq!(
        (ds.labels, ds.class_names),
        (Some(vec![0, 1]), Some(strings(&["cat", "dog"])))
    );
    // The default stays class indices: a word is an error at its line and column.
    let (line, col, what) = csv_err(
        text,
        &CsvOptions::new().header(true).label(LabelColumn::Last),
    );
    assert_eq!((line, col), (2, Some(3)));
    assert_eq!(
        what,
        r#"label "virginica" is not a non-negative integer class index"#
    );
    // No label column: no class names, whatever the kind.
    let ds = parse_csv_str("1,2\n", &CsvOptions::new().label_kind(LabelKind::Words)).unwrap();
    assert_eq!((ds.labels, ds.class_names), (None, None));
}

#[test]
fn auto_labels_are_indices_only_when_every_label_is_one() {
    let auto = CsvOptions::new()
        .label(LabelColumn::Last)
        .label_kind(LabelKind::Auto);
    let ds = parse_csv_str("1,2\n1,0\n1,\" 1 \"\n1,2\n", &auto).unwrap();
    assert_eq!((ds.labels, ds.class_names), (Some(vec![2, 0, 1, 2]), None));
    // As with LabelKind::Indices, `01` is class 1.
    assert_eq!(
        parse_csv_str("1,01\n1,1\n", &auto).unwrap().labels,
        Some(vec![1, 1])
    );
    for (text, names) in [
        ("1,2\n1,0\n1,x\n1,2\n", &["2", "0", "x"][..]),
        ("1,1.0\n1,2.0\n", &["1.0", "2.0"]),
        ("1,-1\n1,1\n", &["-1", "1"]),
    ] {
        let ds = parse_csv_str(text, &auto).unwrap();
        assert_eq!(ds.class_names, Some(strings(names)), "{text:?}");
    }
    // An index too large for usize: an error where it first appears.
    assert_eq!(
        csv_err("1,0\n\n1,99999999999999999999999\n", &auto),
        (
            3,
            Some(2),
            r#"label "99999999999999999999999" is too large"#.to_string()
        )
    );
}

#[test]
fn a_fixed_class_list_maps_words_and_rejects_others() {
    let classes = LabelKind::Classes(strings(&["setosa", "versicolor", "virginica"]));
    let opts = CsvOptions::new()
        .header(true)
        .label(LabelColumn::Last)
        .label_kind(classes.clone());
    let ds = parse_csv_str("x,y\n1,virginica\n2,setosa\n", &opts).unwrap();
    assert_eq!(ds.labels, Some(vec![2, 0]));
    assert_eq!(
        ds.class_names,
        Some(strings(&["setosa", "versicolor", "virginica"]))
    );
    assert_eq!(
        csv_err("x,y\n1,virginica\n\n2,Setosa\n", &opts),
        (
            4,
            Some(2),
            r#"label "Setosa" is not one of the 3 known classes: "setosa", "versicolor", "virginica""#
                .to_string()
        )
    );
    // A long list is shown in part.
    let many: Vec<String> = (0..25).map(|i| format!("c{i}")).collect();
    let opts = words_last().label_kind(LabelKind::Classes(many));
    let what = csv_err("1,c3\n1,c25\n", &opts).2;
    assert!(
        what.contains("25 known classes") && what.contains("\"c9\", … (15 more)"),
        "{what}"
    );
    // A bad list is a bad option.
    for bad in [vec![], strings(&["a", "b", "a"]), strings(&["a", " "])] {
        let opts = words_last().label_kind(LabelKind::Classes(bad.clone()));
        assert!(
            matches!(
                parse_csv_str("1,a\n", &opts),
                Err(Error::InvalidArgument(_))
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn crlf_bom_and_rfc4180_quoted_fields() {
    // BOM, CRLF line ends, a delimiter, a doubled quote and a CRLF inside
    // quotes, whitespace around quotes.
    let text = "\u{feff}\"len, cm\",\"the \"\"kind\"\"\"\r\n1.5, \"big,\r\nred\" \r\n\"2\",\"say \"\"hi\"\"\"\r\n";
    let ds = parse_csv_str(text, &words_last().header(true)).unwrap();
    assert_eq!(ds.feature_names, Some(strings(&["len, cm"])));
    assert_eq!(ds.label_name.as_deref(), Some("the \"kind\""));
    assert_eq!(ds.features.as_slice(), &[1.5, 2.0]);
    assert_eq!(
        ds.class_names,
        Some(strings(&["big,\r\nred", "say \"hi\""]))
    );
    // Quoted numbers and indices may be padded, as before.
    let ds = parse_csv_str(
        "\" 1.5 \",\" 2 \"\n",
        &CsvOptions::new().label(LabelColumn::Last),
    )
    .unwrap();
    assert_eq!(
        (ds.features.as_slice(), ds.labels),
        (&[1.5][..], Some(vec![2]))
    );
    // Lines keep counting through a field that spans lines: the error is on
    // line 5, the row started on line 2.
    let text = "1,\"a\nb\nc\"\n2,x\n3,y,\n";
    let (line, col, what) = csv_err(text, &words_last());
    assert_eq!((line, col), (5, None));
    assert_eq!(what, "expected 2 columns (as on line 1), found 3");
    let (line, col, what) = csv_err("1,\"a\nb\"\nzz,x\n", &words_last());
    assert_eq!(
        (line, col, what.as_str()),
        (3, Some(1), r#"cannot parse "zz" as a number"#)
    );
    // A field error names the line the field starts on.
    assert_eq!(
        csv_err("\"1\n\",\"2\n\",x\n", &CsvOptions::new()),
        (3, Some(3), r#"cannot parse "x" as a number"#.to_string())
    );
    // An unterminated quote: the line where it opened.
    assert_eq!(
        csv_err("1,a\n2,\"b\n3,c\n", &words_last()),
        (
            2,
            Some(2),
            "unterminated quoted field: no closing quote before the end of the file".to_string()
        )
    );
    let (line, col, what) = csv_err("1,a\n2,\"b\"\"c\" d\n", &words_last());
    assert_eq!((line, col), (2, Some(2)));
    assert_eq!(what, r#"unexpected text "d" after a closing quote"#);
    // A bare BOM-only or CRLF-only file is empty.
    assert_eq!(
        csv_err("\u{feff}\r\n\r\n", &CsvOptions::new()).2,
        "empty file: no data rows"
    );
}

#[test]
fn missing_values_are_errors_or_dropped_rows() {
    let opts = CsvOptions::new().header(true).label(LabelColumn::Last);
    let text = "a,b,t\n1,2,0\n3, ,1\n,5,0\n6,7,\n8,9,1\n";
    assert_eq!(
        csv_err(text, &opts),
        (3, Some(2), "empty field".to_string())
    );
    assert_eq!(
        csv_err("a,b,t\n1,2,\"\"\n", &opts),
        (2, Some(3), "empty label field".to_string())
    );
    // Only empty fields are missing: NA is text, with a hint.
    assert_eq!(
        csv_err("a,b,t\n1,NA,0\n", &opts),
        (
            2,
            Some(2),
            r#"cannot parse "NA" as a number (a missing value must be an empty field)"#.to_string()
        )
    );
    let ds = parse_csv_str(text, &opts.clone().drop_missing(true)).unwrap();
    assert_eq!(ds.features.as_slice(), &[1.0, 2.0, 8.0, 9.0]);
    assert_eq!(ds.labels, Some(vec![0, 1]));
    assert_eq!(ds.dropped_rows, vec![3, 4, 5]);
    // Word labels of dropped rows do not become classes.
    let ds = parse_csv_str("1,cat\n,dog\n2,\n3,cow\n", &words_last().drop_missing(true)).unwrap();
    assert_eq!(ds.class_names, Some(strings(&["cat", "cow"])));
    assert_eq!((ds.labels, ds.dropped_rows), (Some(vec![0, 1]), vec![2, 3]));
    // Dropping does not hide other errors in the row, nor a short row.
    let drop = opts.clone().drop_missing(true);
    assert_eq!(
        csv_err("a,b,t\n,x,0\n", &drop),
        (2, Some(2), r#"cannot parse "x" as a number"#.to_string())
    );
    assert_eq!(
        csv_err("a,b,t\n,1\n", &drop).2,
        "expected 3 columns (as on line 1), found 2"
    );
    assert_eq!(
        csv_err("a,b,t\n\n,1,0\n1,,2\n", &drop),
        (
            3,
            None,
            "no data rows left: all 2 rows have an empty field".to_string()
        )
    );
    // A pair of files cannot drop rows.
    let dir = TempDir::new("csv-pair-drop");
    std::fs::write(dir.join("x.csv"), "1\n2\n").unwrap();
    std::fs::write(dir.join("t.csv"), "0\n1\n").unwrap();
    let e = read_csv_pair(
        dir.join("x.csv"),
        dir.join("t.csv"),
        &CsvOptions::new().drop_missing(true),
    )
    .unwrap_err();
    assert!(
        matches!(e, Error::InvalidArgument(ref s) if s.contains("line up")),
        "{e}"
    );
    // Word labels through a pair of files.
    std::fs::write(dir.join("w.csv"), "b\na\n").unwrap();
    let ds = read_csv_pair(
        dir.join("x.csv"),
        dir.join("w.csv"),
        &CsvOptions::new().label_kind(LabelKind::Words),
    )
    .unwrap();
    assert_eq!(
        (ds.labels, ds.class_names),
        (Some(vec![0, 1]), Some(strings(&["b", "a"])))
    );
}

#[test]
fn header_less_files() {
    let text = "5.1,3.5,setosa\r\n7.0,3.2,versicolor\r\n";
    let ds = parse_csv_str(text, &words_last()).unwrap();
    assert_eq!(ds.features.shape(), (2, 2));
    assert_eq!((ds.feature_names, ds.label_name), (None, None));
    assert_eq!(ds.class_names, Some(strings(&["setosa", "versicolor"])));
    let ds = parse_csv_str(
        "setosa,5.1\nversicolor,7.0\n",
        &words_last().label(LabelColumn::Index(0)),
    )
    .unwrap();
    assert_eq!(
        (ds.features.as_slice(), ds.labels),
        (&[5.1, 7.0][..], Some(vec![0, 1]))
    );
    // Without a header the first row is data, and sets the width.
    assert_eq!(
        csv_err("a,b\n1,2\n", &CsvOptions::new()),
        (1, Some(1), r#"cannot parse "a" as a number"#.to_string())
    );
    assert!(matches!(
        parse_csv_str(text, &words_last().label(LabelColumn::Name("species".into()))),
        Err(Error::InvalidArgument(ref s)) if s.contains("has_header")
    ));
}

/// Quotes `text` as RFC 4180 does: always, or only when it must be (it
/// holds the delimiter, a quote or a line break, is empty, or has
/// whitespace or a byte-order mark at an end that the reader would trim).
fn quote(text: &str, delim: char, always: bool) -> String {
    let needs = text.is_empty()
        || text.contains([delim, '"', '\r', '\n'])
        || text.trim() != text
        || text.starts_with('\u{feff}');
    if always || needs {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[test]
fn quoting_round_trips_arbitrary_field_text() {
    const ALPHABET: [char; 20] = [
        'a', 'Z', '0', '9', '.', '-', ' ', '\t', ',', ';', '"', '"', '\n', '\r', 'é', '日',
        '\u{feff}', '\u{a0}', '\u{2003}', '|',
    ];
    let mut rng = TestRng::new(15);
    let text_of = |rng: &mut TestRng| -> String {
        let len = rng.below(9);
        (0..len)
            .map(|_| ALPHABET[rng.below(ALPHABET.len())])
            .collect()
    };
    for trial in 0..2000 {
        let delim = [',', ';', '\t', '|'][trial % 4];
        let eol = if trial % 3 == 0 { "\r\n" } else { "\n" };
        let always = trial % 2 == 0;
        let features = 1 + rng.below(3);
        let names: Vec<String> = (0..=features).map(|_| text_of(&mut rng)).collect();
        // A handful of label words (non-blank: blank is missing), repeated.
        let pool: Vec<String> = (0..1 + rng.below(4))
            .map(|_| {
                let w = text_of(&mut rng);
                if w.trim().is_empty() {
                    format!("{w}x")
                } else {
                    w
                }
            })
            .collect();
        let rows = 1 + rng.below(6);
        let mut file = String::new();
        if trial % 5 == 0 {
            file.push('\u{feff}');
        }
        let line = |fields: Vec<String>| fields.join(&delim.to_string());
        file += &line(names.iter().map(|n| quote(n, delim, always)).collect());
        file += eol;
        let (mut values, mut words) = (Vec::new(), Vec::new());
        for _ in 0..rows {
            let mut fields = Vec::new();
            for _ in 0..features {
                let v = (rng.signed() * 1e3).round() / 8.0;
                values.push(v);
                fields.push(quote(&format!("{v}"), delim, always));
            }
            let w = pool[rng.below(pool.len())].clone();
            fields.push(quote(&w, delim, always));
            words.push(w);
            file += &line(fields);
            file += eol;
        }
        let opts = words_last().header(true).delimiter(delim);
        let ds =
            parse_csv_str(&file, &opts).unwrap_or_else(|e| panic!("trial {trial}: {e}\n{file:?}"));
        // The names and words come back exactly, ids by first appearance.
        let mut distinct: Vec<String> = Vec::new();
        let ids: Vec<usize> = words
            .iter()
            .map(|w| match distinct.iter().position(|d| d == w) {
                Some(i) => i,
                None => {
                    distinct.push(w.clone());
                    distinct.len() - 1
                }
            })
            .collect();
        let context = format!("trial {trial}: {file:?}");
        assert_eq!(
            ds.feature_names.as_deref(),
            Some(&names[..features]),
            "{context}"
        );
        assert_eq!(ds.label_name.as_ref(), Some(&names[features]), "{context}");
        assert_eq!(ds.class_names, Some(distinct), "{context}");
        assert_eq!(ds.labels, Some(ids), "{context}");
        assert_eq!(ds.features.as_slice(), &values[..], "{context}");
    }
}
