//! CSV: options, the documented leniencies (blank lines, CRLF, BOM, quotes,
//! whitespace) and each error with its line, column and text.

mod common;

use common::files::TempDir;
use groundup::data::csv::{parse_csv_str, read_csv, read_csv_pair, CsvOptions, LabelColumn};
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
