//! `.npy`: bit-exact round trips, numpy's exact layout, numpy-written
//! fixtures of every numeric dtype x byte order x memory order (checked bit
//! for bit against numpy's own conversions), labels, the refused dtypes'
//! messages, every truncation, and malformed headers mapped to the right
//! error variant.

mod common;

use common::files::{
    bits, bits32, bits64, dtype_manifest, fixture, special_f32, special_f64, DtypeCase, Expect,
    TempDir,
};
use groundup::io::{npy_labels_from_bytes, read_npy_labels};
use groundup::{Error, Matrix};

/// An npy file with this header dict (padded as numpy does) and data bytes.
fn npy_with(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut header = dict.as_bytes().to_vec();
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(b' ');
    }
    header.push(b'\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(data);
    out
}

fn f64_bytes(v: &[f64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

#[test]
fn round_trip_is_bit_exact_for_both_types_and_odd_shapes() {
    let dir = TempDir::new("npy-rt");
    let s32 = special_f32();
    let s64 = special_f64();
    for (r, c) in [(0, 0), (0, 3), (3, 0), (1, 1), (1, 13), (13, 1)] {
        let m32 = Matrix::from_fn(r, c, |i, j| s32[(i * c + j) % s32.len()]);
        let m64 = Matrix::from_fn(r, c, |i, j| s64[(i * c + j) % s64.len()]);
        let p = dir.join("m.npy");
        m32.write_npy(&p).unwrap();
        let back = Matrix::<f32>::read_npy(&p).unwrap();
        assert_eq!(back.shape(), (r, c));
        assert_eq!(bits32(back.as_slice()), bits32(m32.as_slice()));
        m64.write_npy(&p).unwrap();
        let back = Matrix::<f64>::read_npy(&p).unwrap();
        assert_eq!(back.shape(), (r, c));
        assert_eq!(bits64(back.as_slice()), bits64(m64.as_slice()));
    }
    assert_eq!(dir.entries(), ["m.npy"], "no temporary files left behind");
}

#[test]
fn layout_matches_numpy() {
    let m = Matrix::from_vec(3, 2, vec![0.0f64, 1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
    let bytes = m.to_npy_bytes();
    assert_eq!(&bytes[..8], b"\x93NUMPY\x01\x00");
    let hlen = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    assert_eq!((10 + hlen) % 64, 0, "preamble is 64-byte aligned");
    let header = std::str::from_utf8(&bytes[10..10 + hlen]).unwrap();
    assert!(header.starts_with("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }"));
    assert!(header.ends_with(" \n"));
    assert_eq!(
        &bytes[10 + hlen..],
        &f64_bytes(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0])[..]
    );
    let f = Matrix::<f32>::zeros(1, 1).to_npy_bytes();
    assert!(std::str::from_utf8(&f[10..])
        .unwrap()
        .contains("'descr': '<f4'"));
}

#[test]
fn reads_numpy_fixtures() {
    let m = Matrix::<f32>::read_npy(fixture("f4_2d.npy")).unwrap();
    assert_eq!(m.shape(), (2, 3));
    assert_eq!(
        bits32(m.as_slice()),
        bits32(&[-1.5, -0.0, 0.25, 3.0, f32::INFINITY, f32::NEG_INFINITY])
    );

    let m = Matrix::<f64>::read_npy(fixture("f8_2d.npy")).unwrap();
    assert_eq!(m.shape(), (4, 3));
    for (k, &v) in m.as_slice().iter().enumerate() {
        assert_eq!(v, k as f64 * 0.1 - 1.0, "element {k}");
    }

    let m = Matrix::<f64>::read_npy(fixture("f8_1d.npy")).unwrap();
    assert_eq!(
        (m.shape(), m.as_slice()),
        ((4, 1), &[1.0, 2.5, -3.25, 1e300][..])
    );

    let m = Matrix::<f64>::read_npy(fixture("f8_0d.npy")).unwrap();
    assert_eq!((m.shape(), m.as_slice()), ((1, 1), &[3.5][..]));

    let m = Matrix::<f64>::read_npy(fixture("f8_v2.npy")).unwrap();
    assert_eq!(
        (m.shape(), m.as_slice()),
        ((2, 3), &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0][..])
    );

    let m = Matrix::<f32>::read_npy(fixture("f4_v3.npy")).unwrap();
    assert_eq!(
        (m.shape(), m.as_slice()),
        ((3, 2), &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0][..])
    );

    let m = Matrix::<f64>::read_npy(fixture("f8_big_endian.npy")).unwrap();
    assert_eq!(m.as_slice(), &[1.0, -2.0, 0.5, 1e-300]);
}

#[test]
fn former_refusals_now_read_and_the_rest_give_typed_errors() {
    // Fortran order is read transposed into the row-major matrix.
    let m = Matrix::<f64>::read_npy(fixture("f8_fortran.npy")).unwrap();
    assert_eq!(
        (m.shape(), m.as_slice()),
        ((2, 3), &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0][..])
    );
    // int64 converts exactly, into either width.
    let m = Matrix::<f32>::read_npy(fixture("i8_2d.npy")).unwrap();
    assert_eq!(
        (m.shape(), m.as_slice()),
        ((2, 3), &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0][..])
    );
    match Matrix::<f32>::read_npy(fixture("f4_3d.npy")) {
        Err(Error::Unsupported { what, .. }) => assert!(what.contains("(2, 2, 2)"), "{what}"),
        other => panic!("{other:?}"),
    }
    // float64 narrows to float32 only when exact: -1.0 is, -0.9 is not.
    match Matrix::<f32>::read_npy(fixture("f8_2d.npy")) {
        Err(e @ Error::NotRepresentable { index: 1, .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("-0.9") && msg.contains("cast"), "{msg}");
        }
        other => panic!("{other:?}"),
    }
    // float32 widens to float64 exactly.
    let m = Matrix::<f64>::read_npy(fixture("f4_2d.npy")).unwrap();
    let narrow = Matrix::<f32>::read_npy(fixture("f4_2d.npy")).unwrap();
    assert_eq!(m, narrow.cast::<f64>());
    match Matrix::<f64>::read_npy(fixture("does-not-exist.npy")) {
        Err(Error::Io { path, .. }) => assert!(path.ends_with("does-not-exist.npy")),
        other => panic!("{other:?}"),
    }
}

/// Every numeric dtype x byte order x memory order numpy writes, the edge
/// values, 0- to 3-D shapes: read as f32, as f64 and as labels, checked
/// bit for bit against what numpy computed (tests/fixtures/dtypes, see
/// scripts/gen_dtype_fixtures.py).
#[test]
fn numpy_dtype_grid_reads_bit_for_bit() {
    let mut seen = std::collections::BTreeSet::new();
    let mut n = 0;
    for case in dtype_manifest() {
        if case.tensor.is_some() || case.get("refused").is_some() {
            continue;
        }
        n += 1;
        let bytes = std::fs::read(case.path()).unwrap();
        let descr = {
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(128)]).into_owned();
            let at = head.find("'descr': '").unwrap() + 10;
            head[at..at + head[at..].find('\'').unwrap()].to_string()
        };
        let fortran = String::from_utf8_lossy(&bytes[..128.min(bytes.len())])
            .contains("'fortran_order': True");
        seen.insert((descr.clone(), fortran));
        let ints = case.ints();
        let ctx = format!("{} ({descr})", case.file);
        check_float::<f32>(&case, &bytes, "f32", ints.as_deref(), &ctx);
        check_float::<f64>(&case, &bytes, "f64", ints.as_deref(), &ctx);

        // Labels: bool and integer vectors; the first negative (or, on a
        // 32-bit target, too large) value is named.
        let got = npy_labels_from_bytes(&bytes);
        let vector = matches!(case.shape(), Some((r, c)) if r == 1 || c == 1);
        match (ints, vector) {
            (Some(v), true) => match v.iter().position(|&x| usize::try_from(x).is_err()) {
                Some(i) => match got {
                    Err(Error::NotRepresentable { index, value, .. }) => {
                        assert_eq!((index, value), (i, v[i].to_string()), "{ctx}")
                    }
                    other => panic!("{ctx}: {other:?}"),
                },
                None => {
                    let want: Vec<usize> = v.iter().map(|&x| x as usize).collect();
                    assert_eq!(got.unwrap(), want, "{ctx}");
                }
            },
            _ => match got {
                Err(Error::Unsupported {
                    format: "npy",
                    what,
                }) => {
                    assert!(what.contains("labels must be"), "{ctx}: {what}")
                }
                other => panic!("{ctx}: {other:?}"),
            },
        }
    }
    // The whole grid was there: 12 dtypes, both byte orders (one-byte types
    // have none), C and Fortran order.
    for code in [
        "b1", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f2", "f4", "f8",
    ] {
        let orders: &[&str] = if code.ends_with('1') {
            &["|"]
        } else {
            &["<", ">"]
        };
        for bo in orders {
            for fortran in [false, true] {
                assert!(
                    seen.contains(&(format!("{bo}{code}"), fortran)),
                    "no fixture {bo}{code} fortran={fortran}"
                );
            }
        }
    }
    assert_eq!(n, 62, "fixtures in the manifest");
}

fn check_float<T: groundup::Scalar>(
    case: &DtypeCase,
    bytes: &[u8],
    key: &str,
    ints: Option<&[i128]>,
    ctx: &str,
) {
    let got = Matrix::<T>::from_npy_bytes(bytes);
    let Some(shape) = case.shape() else {
        match got {
            Err(Error::Unsupported { what, .. }) => assert!(what.contains("3-D"), "{ctx}: {what}"),
            other => panic!("{ctx}: {other:?}"),
        }
        return;
    };
    match case.expect(key) {
        Expect::Bits(want) => {
            let m = got.unwrap_or_else(|e| panic!("{ctx} as {key}: {e}"));
            assert_eq!(m.shape(), shape, "{ctx}");
            assert_eq!(bits(m.as_slice()), want_bits::<T>(&want), "{ctx} as {key}");
        }
        Expect::NotExact(i) => match got {
            Err(e @ Error::NotRepresentable { .. }) => {
                let msg = e.to_string();
                let Error::NotRepresentable {
                    index,
                    value,
                    target,
                    ..
                } = e
                else {
                    unreachable!()
                };
                assert_eq!(index, i, "{ctx} as {key}: {msg}");
                match ints {
                    Some(ints) => {
                        assert_eq!(value, ints[i].to_string(), "{ctx}");
                        assert_eq!(target, T::DTYPE.name());
                    }
                    // float64 into float32: the message says how to round.
                    None => assert!(target.starts_with("float32 (") && target.contains("cast")),
                }
                assert!(
                    msg.starts_with("npy file (")
                        && msg.contains(&format!("element {i} (row-major) is {value}")),
                    "{msg}"
                );
            }
            other => panic!("{ctx} as {key}: {other:?}"),
        },
        Expect::Mismatch => assert!(
            matches!(got, Err(Error::DTypeMismatch { .. })),
            "{ctx} as {key}: {got:?}"
        ),
    }
}

/// The manifest's bits (of an f32 or f64) as [`bits`] gives them.
fn want_bits<T: groundup::Scalar>(want: &[u64]) -> Vec<u64> {
    if T::BYTES == 4 {
        // bits() widens f32 to f64 (exact, except that a NaN's payload may
        // not survive), so compare f32 patterns through the same widening.
        want.iter()
            .map(|&b| f64::from(f32::from_bits(b as u32)).to_bits())
            .collect()
    } else {
        want.to_vec()
    }
}

#[test]
fn float16_nan_payloads_and_signalling_nans_survive() {
    // bits() goes through f64; check the f32 patterns directly.
    for file in ["f2_specials_le.npy", "f2_specials_be.npy"] {
        let case = dtype_manifest()
            .into_iter()
            .find(|c| c.file == file)
            .unwrap();
        let Expect::Bits(want) = case.expect("f32") else {
            panic!()
        };
        let m = Matrix::<f32>::read_npy(case.path()).unwrap();
        let got: Vec<u64> = m
            .as_slice()
            .iter()
            .map(|v| u64::from(v.to_bits()))
            .collect();
        assert_eq!(got, want, "{file}");
        assert!(
            got.contains(&0x7f80_2000),
            "a signalling NaN stays signalling"
        );
    }
}

#[test]
fn refused_dtypes_name_themselves_in_one_line() {
    let mut n = 0;
    for case in dtype_manifest() {
        let Some(want) = case.get("refused") else {
            continue;
        };
        n += 1;
        let bytes = std::fs::read(case.path()).unwrap();
        for err in [
            Matrix::<f64>::from_npy_bytes(&bytes).unwrap_err(),
            Matrix::<f32>::from_npy_bytes(&bytes).unwrap_err(),
            npy_labels_from_bytes(&bytes).unwrap_err(),
        ] {
            let msg = err.to_string();
            match err {
                Error::UnsupportedDType {
                    format: "npy",
                    dtype,
                } => assert_eq!(dtype.replace(' ', ""), want, "{}", case.file),
                other => panic!("{}: {other:?}", case.file),
            }
            assert!(!msg.contains('\n'), "{msg}");
            let kind = match want.as_bytes()[if want.starts_with('[') { 0 } else { 1 }] {
                b'[' => "structured",
                b'O' => "object",
                b'U' | b'S' => "string",
                b'c' => "complex",
                b'M' => "datetime",
                b'm' => "timedelta",
                b'V' => "void",
                _ => "extended-precision",
            };
            assert!(
                msg.contains(kind)
                    && (kind == "extended-precision" || msg.contains("numeric array")),
                "{}: {msg}",
                case.file
            );
        }
    }
    assert_eq!(n, 11);
    let err = Matrix::<f64>::read_npy(fixture("dtypes/structured.npy")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unsupported npy dtype \"[('a', '<i4'), ('b', '<f8')]\": a structured dtype (named \
         fields), not a numeric array; groundup reads b1, i1-i8, u1-u8, f2, f4 and f8 in either \
         byte order"
    );
    // A long field list is cut, so the message stays one short line.
    let fields: Vec<String> = (0..40).map(|i| format!("('field{i}', '<f8')")).collect();
    let dict = format!(
        "{{'descr': [{}], 'fortran_order': False, 'shape': (0,), }}",
        fields.join(", ")
    );
    let msg = Matrix::<f64>::from_npy_bytes(&npy_with(&dict, &[]))
        .unwrap_err()
        .to_string();
    assert!(
        msg.len() < 300 && msg.contains("\"[('field0', '<f8'), ") && msg.contains(" ...\": "),
        "{msg}"
    );
}

#[test]
fn exactness_errors_name_the_value_and_its_index() {
    let err = Matrix::<f32>::read_npy(fixture("dtypes/i4_2p24p1_le.npy")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "npy file (<i4, shape (5,)): element 3 (row-major) is 16777217, not exactly \
         representable as float32"
    );
    let m = Matrix::<f64>::read_npy(fixture("dtypes/i4_2p24p1_be.npy")).unwrap();
    assert_eq!(
        m.as_slice(),
        &[1.0, 2.0, 16777216.0, 16777217.0, -16777217.0]
    );
    let err = Matrix::<f64>::read_npy(fixture("dtypes/i8_2p53p1_be.npy")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "npy file (>i8, shape (4,)): element 2 (row-major) is 9007199254740993, not exactly \
         representable as float64"
    );
    // Counted in row-major order whatever the memory order: this
    // Fortran-ordered int32 array [[0, 2^24 + 3], [2^24 + 1, 6]] stores
    // 2^24 + 1 (element [1, 0], index 2) before 2^24 + 3 (element [0, 1],
    // index 1), and the first in row-major order is named.
    let mut data = Vec::new();
    for v in [0, (1i32 << 24) + 1, (1 << 24) + 3, 6] {
        data.extend_from_slice(&v.to_le_bytes());
    }
    let dict = "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 2), }";
    match Matrix::<f32>::from_npy_bytes(&npy_with(dict, &data)) {
        Err(Error::NotRepresentable {
            index: 1, value, ..
        }) => assert_eq!(value, "16777219"),
        other => panic!("{other:?}"),
    }
    let m = Matrix::<f64>::from_npy_bytes(&npy_with(dict, &data)).unwrap();
    assert_eq!(m.as_slice(), &[0.0, 16777219.0, 16777217.0, 6.0]);
    let err = read_npy_labels(fixture("dtypes/labels_i8_neg.npy")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "npy file (<i8, shape (4,)): element 2 (row-major) is -1, not exactly representable \
         as a label (usize)"
    );
}

#[test]
fn bool_bytes_other_than_0_and_1_are_format_errors() {
    for (file, fortran) in [("dtypes/b1_na_C.npy", false), ("dtypes/b1_na_F.npy", true)] {
        let mut bytes = std::fs::read(fixture(file)).unwrap();
        let start = bytes.len() - 12;
        // Storage position 4: element [1, 1] in C order, [1, 1] also in
        // Fortran order of a 3 x 4 array (4 = 1 + 1 * 3), row-major index 5.
        bytes[start + 4] = 2;
        for err in [
            Matrix::<f32>::from_npy_bytes(&bytes).unwrap_err(),
            Matrix::<f64>::from_npy_bytes(&bytes).unwrap_err(),
        ] {
            match err {
                Error::Format {
                    format: "npy",
                    offset,
                    what,
                } => {
                    assert_eq!(offset, Some(start as u64 + 4), "{file}");
                    let index = if fortran { 5 } else { 4 };
                    assert!(
                        what.contains(&format!(
                            "element {index} of the bool (|b1) array is byte 0x02"
                        )),
                        "{what}"
                    );
                }
                other => panic!("{file}: {other:?}"),
            }
        }
    }
    let mut bytes = std::fs::read(fixture("dtypes/labels_b1.npy")).unwrap();
    let n = bytes.len();
    bytes[n - 1] = 0xff;
    assert!(matches!(
        npy_labels_from_bytes(&bytes),
        Err(Error::Format { offset: Some(o), .. }) if o == n as u64 - 1
    ));
}

#[test]
fn labels_from_files() {
    let read = |f: &str| read_npy_labels(fixture(&format!("dtypes/{f}")));
    assert_eq!(read("labels_i8.npy").unwrap(), [0, 1, 2, 1, 0, 2, 9]);
    assert_eq!(read("labels_b1.npy").unwrap(), [1, 0, 1]);
    assert_eq!(read("labels_u1_0d.npy").unwrap(), [7]);
    assert_eq!(read("labels_i4_col.npy").unwrap(), [5, 4, 3]);
    assert_eq!(read("labels_u2_row.npy").unwrap(), [1, 2, 3, 65535]);
    let what = |r: groundup::Result<Vec<usize>>| match r {
        Err(Error::Unsupported {
            format: "npy",
            what,
        }) => what,
        other => panic!("{other:?}"),
    };
    let w = what(read("f8_labels.npy"));
    assert!(
        w.contains("<f8 (float64)") && w.contains("Matrix::read_npy"),
        "{w}"
    );
    let w = what(read("i2_3d.npy"));
    assert!(w.contains("shape (2, 2, 2)"), "{w}");
    let w = what(read("i4_le_C.npy"));
    assert!(w.contains("shape (3, 4)"), "{w}");
    assert!(matches!(read("nope.npy"), Err(Error::Io { .. })));
    // A column vector marked Fortran-ordered reads the same.
    let mut data = Vec::new();
    for v in [3u16, 1, 2] {
        data.extend_from_slice(&v.to_be_bytes());
    }
    let dict = "{'descr': '>u2', 'fortran_order': True, 'shape': (3, 1), }";
    assert_eq!(
        npy_labels_from_bytes(&npy_with(dict, &data)).unwrap(),
        [3, 1, 2]
    );
}

#[test]
fn every_truncation_is_an_error() {
    let m = Matrix::from_fn(3, 4, |i, j| (i * 4 + j) as f32);
    let bytes = m.to_npy_bytes();
    for n in 0..bytes.len() {
        assert!(
            Matrix::<f32>::from_npy_bytes(&bytes[..n]).is_err(),
            "prefix {n}"
        );
    }
    assert!(Matrix::<f32>::from_npy_bytes(&bytes).is_ok());
    for name in ["f8_2d.npy", "f8_v2.npy", "f8_1d.npy", "f8_0d.npy"] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        for n in 0..bytes.len() {
            assert!(
                Matrix::<f64>::from_npy_bytes(&bytes[..n]).is_err(),
                "{name} prefix {n}"
            );
        }
    }
    for name in [
        "dtypes/i8_be_F.npy",
        "dtypes/u2_le_C.npy",
        "dtypes/f2_specials_be.npy",
        "dtypes/b1_na_F.npy",
        "dtypes/labels_i8.npy",
        "dtypes/labels_u1_0d.npy",
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        assert!(Matrix::<f64>::from_npy_bytes(&bytes).is_ok(), "{name}");
        for n in 0..bytes.len() {
            assert!(
                Matrix::<f64>::from_npy_bytes(&bytes[..n]).is_err()
                    && Matrix::<f32>::from_npy_bytes(&bytes[..n]).is_err()
                    && npy_labels_from_bytes(&bytes[..n]).is_err(),
                "{name} prefix {n}"
            );
        }
    }
}

fn format_what(r: groundup::Result<Matrix<f64>>) -> String {
    match r {
        Err(Error::Format {
            format: "npy",
            what,
            ..
        }) => what,
        other => panic!("expected Error::Format, got {other:?}"),
    }
}

#[test]
fn malformed_headers_give_format_errors() {
    let data = f64_bytes(&[1.0, 2.0]);
    let ok = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }";
    assert!(Matrix::<f64>::from_npy_bytes(&npy_with(ok, &data)).is_ok());
    let cases: &[(&str, &str)] = &[
        ("{'descr': '<f8', 'fortran_order': False}", "shape"),
        (
            "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1, 2)}",
            "duplicate",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), 'extra': True}",
            "unexpected key",
        ),
        (
            "{'descr': '<f8', 'fortran_order': 0, 'shape': (1, 2)}",
            "True, False",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2)}",
            "(n,)",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1, -2)}",
            "non-negative",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2)",
            "expected",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2)} junk",
            "after the header",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 3)}",
            "needs 24 data bytes",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1)}",
            "needs 8 data bytes",
        ),
        // Sizes are computed from the 64-bit dimensions as written, so a
        // 32-bit target reports the same numbers (and then that it cannot
        // address them) instead of a different error.
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (536870912, 1)}",
            "needs 4294967296 ",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296)}",
            "more than usize::MAX",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3074457345618258603, 3)}",
            "more than usize::MAX",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 1)}",
            "does not fit in 64 bits",
        ),
        (
            "{'descr': 'caf\u{e9}', 'fortran_order': False, 'shape': (1, 2)}",
            "non-ASCII",
        ),
    ];
    for (dict, needle) in cases {
        let what = format_what(Matrix::<f64>::from_npy_bytes(&npy_with(dict, &data)));
        assert!(what.contains(needle), "{dict}: {what:?} lacks {needle:?}");
    }
    // Preamble problems.
    let good = npy_with(ok, &data);
    let mut bad = good.clone();
    bad[0] = b'X';
    assert!(format_what(Matrix::<f64>::from_npy_bytes(&bad)).contains("not an npy file"));
    let mut bad = good.clone();
    bad[8..10].copy_from_slice(&u16::MAX.to_le_bytes());
    assert!(format_what(Matrix::<f64>::from_npy_bytes(&bad)).contains("header length 65535"));
    let mut bad = good.clone();
    bad[6] = 4;
    assert!(matches!(
        Matrix::<f64>::from_npy_bytes(&bad),
        Err(Error::Unsupported { .. })
    ));
    // Version 2.0 with a header length of 4 GiB - 1 in a tiny file.
    let mut bad = b"\x93NUMPY\x02\x00\xff\xff\xff\xff{}".to_vec();
    bad.extend_from_slice(&data);
    assert!(format_what(Matrix::<f64>::from_npy_bytes(&bad)).contains("4294967295"));
    // Trailing bytes after the data.
    let mut bad = good;
    bad.push(0);
    assert!(format_what(Matrix::<f64>::from_npy_bytes(&bad))
        .contains("16 data bytes but the file has 17"));
}

#[test]
fn descr_variants() {
    // Every numeric descr, each with the bytes of [1, 2] in its type.
    let cases: &[(&str, &[u8])] = &[
        ("<i8", &[1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]),
        (">i8", &[0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2]),
        ("|u1", &[1, 2]),
        ("<u1", &[1, 2]),
        (">i1", &[1, 2]),
        ("<u2", &[1, 0, 2, 0]),
        (">i4", &[0, 0, 0, 1, 0, 0, 0, 2]),
        ("<f2", &[0x00, 0x3c, 0x00, 0x40]),
        (">f2", &[0x3c, 0x00, 0x40, 0x00]),
    ];
    for (descr, data) in cases {
        let dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': (1, 2), }}");
        let m = Matrix::<f64>::from_npy_bytes(&npy_with(&dict, data)).unwrap();
        assert_eq!(m.as_slice(), &[1.0, 2.0], "{descr}");
        let m = Matrix::<f32>::from_npy_bytes(&npy_with(&dict, data)).unwrap();
        assert_eq!(m.as_slice(), &[1.0, 2.0], "{descr}");
    }
    let dict = "{'descr': '|b1', 'fortran_order': False, 'shape': (1, 2), }";
    let m = Matrix::<f64>::from_npy_bytes(&npy_with(dict, &[0, 1])).unwrap();
    assert_eq!(m.as_slice(), &[0.0, 1.0]);
    // Not numeric, or not a dtype numpy writes (no byte order on a
    // multi-byte type, a byte order numpy never writes, odd sizes).
    let data = f64_bytes(&[1.0, 2.0]);
    for descr in [
        "<c16", "<M8[s]", "f8", "|f8", "=f8", "<i3", "<b2", "<f16", "<f1", "", "<",
    ] {
        let dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': (1, 2), }}");
        match Matrix::<f64>::from_npy_bytes(&npy_with(&dict, &data)) {
            Err(Error::UnsupportedDType { dtype, .. }) => assert_eq!(dtype, descr),
            other => panic!("{descr}: {other:?}"),
        }
    }
    // A structured dtype (a list) names itself.
    let dict = "{'descr': [('x', '<f8')], 'fortran_order': False, 'shape': (1, 2), }";
    match Matrix::<f64>::from_npy_bytes(&npy_with(dict, &data)) {
        Err(Error::UnsupportedDType { dtype, .. }) => assert_eq!(dtype, "[('x', '<f8')]"),
        other => panic!("{other:?}"),
    }
    // The rest of the header is still checked first.
    let dict = "{'descr': [('x', '<f8')], 'fortran_order': False}";
    assert!(format_what(Matrix::<f64>::from_npy_bytes(&npy_with(dict, &data))).contains("shape"));
    // Any key order, double quotes, odd spacing, no trailing comma.
    let dict = "{ \"shape\":(2,) ,\n 'fortran_order' :False,'descr':\"<f8\" }";
    let m = Matrix::<f64>::from_npy_bytes(&npy_with(dict, &data)).unwrap();
    assert_eq!((m.shape(), m.as_slice()), ((2, 1), &[1.0, 2.0][..]));
}

/// An empty array may have a dimension this target's `usize` cannot hold:
/// a 64-bit target loads it, a 32-bit one says which dimension does not fit.
#[test]
fn empty_arrays_with_dimensions_past_32_bits() {
    let bytes = npy_with(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4294967296)}",
        &[],
    );
    let r = Matrix::<f64>::from_npy_bytes(&bytes);
    if usize::BITS >= 64 {
        let (rows, cols) = r.unwrap().shape();
        assert_eq!((rows, cols as u64), (0, 4294967296));
    } else {
        let what = format_what(r);
        assert!(
            what.contains("dimension 4294967296") && what.contains("does not fit in usize"),
            "{what}"
        );
    }
}
