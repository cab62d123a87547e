//! `.npy`: bit-exact round trips, numpy's exact layout, numpy-written
//! fixtures, every truncation, and malformed headers mapped to the right
//! error variant.

mod common;

use common::files::{bits32, bits64, fixture, special_f32, special_f64, TempDir};
use groundup::{DType, Error, Matrix};

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
        ((1, 4), &[1.0, 2.5, -3.25, 1e300][..])
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
fn unsupported_fixtures_give_typed_errors() {
    match Matrix::<f64>::read_npy(fixture("f8_fortran.npy")) {
        Err(Error::Unsupported {
            format: "npy",
            what,
        }) => assert!(what.contains("fortran_order")),
        other => panic!("{other:?}"),
    }
    match Matrix::<f64>::read_npy(fixture("i8_2d.npy")) {
        Err(Error::UnsupportedDType {
            format: "npy",
            dtype,
        }) => assert_eq!(dtype, "<i8"),
        other => panic!("{other:?}"),
    }
    match Matrix::<f32>::read_npy(fixture("f4_3d.npy")) {
        Err(Error::Unsupported { what, .. }) => {
            assert!(what.contains("(2, 2, 2)") || what.contains("[2, 2, 2]"))
        }
        other => panic!("{other:?}"),
    }
    match Matrix::<f32>::read_npy(fixture("f8_2d.npy")) {
        Err(Error::DTypeMismatch {
            expected: DType::F32,
            found: DType::F64,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    match Matrix::<f64>::read_npy(fixture("does-not-exist.npy")) {
        Err(Error::Io { path, .. }) => assert!(path.ends_with("does-not-exist.npy")),
        other => panic!("{other:?}"),
    }
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
    let data = f64_bytes(&[1.0, 2.0]);
    for descr in ["<i8", "|u1", "<f2", "<c16", "|b1", "<M8[s]"] {
        let dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': (1, 2), }}");
        match Matrix::<f64>::from_npy_bytes(&npy_with(&dict, &data)) {
            Err(Error::UnsupportedDType { dtype, .. }) => assert_eq!(dtype, descr),
            other => panic!("{descr}: {other:?}"),
        }
    }
    // Structured dtypes (a list) are not a string.
    let dict = "{'descr': [('x', '<f8')], 'fortran_order': False, 'shape': (1, 2), }";
    assert!(Matrix::<f64>::from_npy_bytes(&npy_with(dict, &data)).is_err());
    // Any key order, double quotes, odd spacing, no trailing comma.
    let dict = "{ \"shape\":(2,) ,\n 'fortran_order' :False,'descr':\"<f8\" }";
    let m = Matrix::<f64>::from_npy_bytes(&npy_with(dict, &data)).unwrap();
    assert_eq!((m.shape(), m.as_slice()), ((1, 2), &[1.0, 2.0][..]));
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
