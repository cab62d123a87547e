//! safetensors: bit-exact round trips, the reference layout, files written
//! by the Python `safetensors` package (every integer dtype, BOOL, F16 and
//! BF16 read exactly; F16/BF16 written with numpy's and PyTorch's
//! rounding), every truncation, and each malformed header mapped to the
//! right error variant.

mod common;

use common::files::{
    bits, bits32, bits64, dtype_manifest, fixture, special_f32, special_f64, DtypeCase, Expect,
    TempDir,
};
use groundup::io::{
    load_safetensors, safetensors_from_bytes, safetensors_to_bytes, save_safetensors, SafeTensors,
    StoreAs, Tensor, TensorView,
};
use groundup::{DType, Error, Matrix};
use std::collections::BTreeMap;

/// A safetensors file with this exact header text and buffer.
fn st_with(header: &str, data: &[u8]) -> Vec<u8> {
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    out
}

fn sample() -> (Vec<(&'static str, Tensor)>, BTreeMap<String, String>) {
    let tensors = vec![
        (
            "w32",
            Tensor::from_vec(vec![3, 4], (0..12).map(|i| i as f32 * 0.5).collect()).unwrap(),
        ),
        (
            "special32",
            Tensor::from_vec(vec![special_f32().len()], special_f32()).unwrap(),
        ),
        (
            "special64",
            Tensor::from_vec(vec![special_f64().len(), 1], special_f64()).unwrap(),
        ),
        ("scalar", Tensor::from_vec(vec![], vec![2.5f64]).unwrap()),
        (
            "empty",
            Tensor::from_vec(vec![0, 7], Vec::<f32>::new()).unwrap(),
        ),
        (
            "cube",
            Tensor::from_vec(vec![2, 2, 2], (0..8).map(f64::from).collect()).unwrap(),
        ),
        (
            "naïve \"name\"\n\\",
            Tensor::from_vec(vec![1], vec![1.0f32]).unwrap(),
        ),
    ];
    let meta = BTreeMap::from([
        ("epoch".to_string(), "3".to_string()),
        ("ctl\u{1}\t".to_string(), "é😀\"\\/".to_string()),
    ]);
    (tensors, meta)
}

fn sample_bytes() -> Vec<u8> {
    let (tensors, meta) = sample();
    let views: Vec<(&str, TensorView<'_>)> = tensors.iter().map(|(n, t)| (*n, t.view())).collect();
    safetensors_to_bytes(&views, Some(&meta)).unwrap()
}

fn assert_same_bits(a: &Tensor, b: &Tensor) {
    assert_eq!(a.shape(), b.shape());
    assert_eq!(a.dtype(), b.dtype());
    match a.dtype() {
        DType::F32 => assert_eq!(bits32(a.as_slice().unwrap()), bits32(b.as_slice().unwrap())),
        DType::F64 => assert_eq!(bits64(a.as_slice().unwrap()), bits64(b.as_slice().unwrap())),
    }
}

#[test]
fn round_trip_is_bit_exact() {
    let (tensors, meta) = sample();
    let st = safetensors_from_bytes(&sample_bytes()).unwrap();
    assert_eq!(st.metadata, meta);
    assert_eq!(st.tensors.len(), tensors.len());
    for (name, t) in &tensors {
        assert_same_bits(t, &st.tensors[*name]);
    }
    // Through a file, and again through SafeTensors::save.
    let dir = TempDir::new("st-rt");
    let path = dir.join("m.safetensors");
    st.save(&path).unwrap();
    let again = load_safetensors(&path).unwrap();
    assert_eq!(again.to_bytes().unwrap(), sample_bytes());
    assert_eq!(dir.entries(), ["m.safetensors"]);
}

#[test]
fn layout_is_deterministic_aligned_and_reference_ordered() {
    let bytes = sample_bytes();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    assert_eq!(n % 8, 0);
    let header = std::str::from_utf8(&bytes[8..8 + n]).unwrap();
    assert!(header.starts_with(r#"{"__metadata__":{"ctl\u0001\t":"é😀\"\\/","epoch":"3"},"cube":{"dtype":"F64","shape":[2,2,2],"data_offsets":[0,64]},"#));
    // F64 tensors (by name) come before F32 tensors (by name).
    let pos = |k: &str| header.find(&format!("\"{k}\":")).unwrap();
    assert!(pos("cube") < pos("scalar") && pos("scalar") < pos("special64"));
    assert!(pos("special64") < pos("empty") && pos("empty") < pos("special32"));
    assert!(pos("special32") < pos("w32"));
    // Input order does not matter.
    let (mut tensors, meta) = sample();
    tensors.reverse();
    let views: Vec<(&str, TensorView<'_>)> = tensors.iter().map(|(n, t)| (*n, t.view())).collect();
    assert_eq!(safetensors_to_bytes(&views, Some(&meta)).unwrap(), bytes);
}

#[test]
fn matrices_convert_both_ways() {
    let dir = TempDir::new("st-mat");
    let path = dir.join("m.safetensors");
    let w = Matrix::from_fn(3, 2, |i, j| (i * 2 + j) as f32);
    let b = Matrix::from_vec(1, 2, vec![0.5f64, -0.5]).unwrap();
    save_safetensors(&path, &[("w", (&w).into()), ("b", (&b).into())], None).unwrap();
    let st = load_safetensors(&path).unwrap();
    assert!(st.metadata.is_empty());
    assert_eq!(st.matrix::<f32>("w").unwrap(), w);
    assert_eq!(st.matrix::<f64>("b").unwrap(), b);
    assert!(matches!(
        st.matrix::<f64>("w"),
        Err(Error::DTypeMismatch {
            expected: DType::F64,
            found: DType::F32,
            ..
        })
    ));
    assert!(matches!(
        st.matrix::<f32>("nope"),
        Err(Error::ModelMismatch(_))
    ));
    // Writer-side errors.
    let e = safetensors_to_bytes(&[("w", (&w).into()), ("w", (&w).into())], None).unwrap_err();
    assert!(
        matches!(e, Error::InvalidArgument(ref s) if s.contains("twice")),
        "{e}"
    );
    let e = safetensors_to_bytes(&[("__metadata__", (&w).into())], None).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)));
    // A 3-D tensor is not a matrix.
    let cube = Tensor::from_vec(vec![2, 1, 1], vec![1.0f32, 2.0]).unwrap();
    assert!(matches!(
        cube.to_matrix::<f32>(),
        Err(Error::InvalidArgument(_))
    ));
    assert!(Tensor::from_vec(vec![usize::MAX, 2], vec![1.0f32]).is_err());
}

#[test]
fn reads_python_safetensors_fixture() {
    let st = load_safetensors(fixture("mixed.safetensors")).unwrap();
    assert_eq!(st.metadata["epoch"], "3");
    assert_eq!(st.metadata["note"], "caf\u{e9} \"quoted\" \\ \u{1F600}");
    let w = st.matrix::<f32>("layer1.W").unwrap();
    assert_eq!(
        (w.shape(), w.as_slice()),
        ((2, 3), &[-1.0, -0.5, 0.0, 0.5, 1.0, 1.5][..])
    );
    let b = &st.tensors["layer1.b"];
    assert_eq!(b.shape(), &[3]);
    let bv = b.as_slice::<f32>().unwrap();
    assert_eq!(
        (bv[0], bv[1].to_bits(), bv[2].is_nan()),
        (0.125, (-0.0f32).to_bits(), true)
    );
    let w2 = st.matrix::<f64>("layer2.W").unwrap();
    assert_eq!(w2.shape(), (3, 2));
    for (k, &v) in w2.as_slice().iter().enumerate() {
        assert_eq!(v, k as f64 / 3.0);
    }
    let s = &st.tensors["scale"];
    assert_eq!(
        (s.shape(), s.as_slice::<f64>().unwrap()),
        (&[][..], &[2.5][..])
    );
    assert_eq!(st.matrix::<f64>("scale").unwrap().shape(), (1, 1));
    assert_eq!(st.tensors["empty"].shape(), &[0, 4]);
    assert_eq!(st.matrix::<f32>("empty").unwrap().shape(), (0, 4));
}

#[test]
fn tensors_of_other_dtypes_are_kept_and_convert_on_request() {
    for (file, dtype) in [("i64.safetensors", "I64"), ("f16.safetensors", "F16")] {
        let st = load_safetensors(fixture(file)).unwrap();
        assert!(!st.skipped.is_empty(), "{file}");
        for (name, s) in &st.skipped {
            assert_eq!(s.dtype, dtype, "{file}: {name}");
            // Not a Tensor: asking for one names its dtype and the way in.
            match st.get(name) {
                Err(e @ Error::UnsupportedDType { .. }) => {
                    assert!(e.to_string().contains("SafeTensors::matrix"), "{e}");
                    let Error::UnsupportedDType { format, dtype: d } = e else {
                        unreachable!()
                    };
                    assert_eq!((format, d.as_str()), ("safetensors", dtype));
                }
                other => panic!("{file}: {name}: {other:?}"),
            }
        }
    }
    let st = load_safetensors(fixture("i64.safetensors")).unwrap();
    assert_eq!(st.labels("ids").unwrap(), [0, 1, 2]);
    assert_eq!(
        st.matrix::<f32>("ids").unwrap().as_slice(),
        &[0.0, 1.0, 2.0]
    );
    let st = load_safetensors(fixture("f16.safetensors")).unwrap();
    assert_eq!(st.matrix::<f64>("h").unwrap().as_slice(), &[1.0, 1.0]);
}

/// Every integer dtype and BOOL, written by safetensors.torch: as f32, f64
/// and labels, against numpy's values (tests/fixtures/dtypes/manifest.txt).
#[test]
fn integer_and_bool_tensors_convert_exactly() {
    let st = load_safetensors(fixture("dtypes/ints.safetensors")).unwrap();
    let mut n = 0;
    for case in dtype_manifest() {
        if case.file != "ints.safetensors" {
            continue;
        }
        n += 1;
        let name = case.tensor.as_deref().unwrap();
        let ints = case.ints().unwrap();
        check_matrix::<f32>(&st, name, &case, "f32", &ints);
        check_matrix::<f64>(&st, name, &case, "f64", &ints);
        let got = st.labels(name);
        let (r, c) = case.shape().unwrap();
        match ints.iter().position(|&x| usize::try_from(x).is_err()) {
            _ if r != 1 && c != 1 => assert!(
                matches!(&got, Err(Error::Unsupported { what, .. }) if what.contains("labels must be")),
                "{name}: {got:?}"
            ),
            Some(i) => match got {
                Err(Error::NotRepresentable { index, value, .. }) => {
                    assert_eq!((index, value), (i, ints[i].to_string()), "{name}")
                }
                other => panic!("{name}: {other:?}"),
            },
            None => assert_eq!(
                got.unwrap(),
                ints.iter().map(|&x| x as usize).collect::<Vec<_>>(),
                "{name}"
            ),
        }
    }
    assert_eq!(n, 11);
    assert_eq!(st.labels("labels").unwrap(), [2, 0, 1, 1, 0, 2]);
    assert_eq!(st.labels("col").unwrap(), [4, 1]);
    let err = st.labels("neg").unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"tensor "neg" (I64, shape [6]): element 2 (row-major) is -3, not exactly representable as a label (usize)"#
    );
    let err = st.matrix::<f64>("u64").unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"tensor "u64" (U64, shape [2, 3]): element 3 (row-major) is 18446744073709551615, not exactly representable as float64"#
    );
    assert!(matches!(st.labels("cube"), Err(Error::Unsupported { .. })));
    assert!(matches!(
        st.matrix::<f32>("cube"),
        Err(Error::InvalidArgument(_))
    ));
    assert_eq!(st.tensor_as::<f32>("cube").unwrap().shape(), &[2, 1, 2]);
    // A BOOL byte other than 0 or 1 is malformed, not "true".
    let mut bad = st.clone();
    bad.skipped.get_mut("bool").unwrap().data[4] = 7;
    let err = bad.matrix::<f32>("bool").unwrap_err();
    assert!(
        err.to_string()
            .contains("element 4 of the BOOL tensor \"bool\" is byte 0x07"),
        "{err}"
    );
    // Inconsistent hand-made entries are errors, not panics.
    bad.skipped.get_mut("u8").unwrap().data.pop();
    assert!(matches!(bad.labels("u8"), Err(Error::InvalidArgument(_))));
}

fn check_matrix<T: groundup::Scalar>(
    st: &SafeTensors,
    name: &str,
    case: &DtypeCase,
    key: &str,
    ints: &[i128],
) {
    let got = st.matrix::<T>(name);
    match case.expect(key) {
        Expect::Bits(want) => {
            let m = got.unwrap_or_else(|e| panic!("{name} as {key}: {e}"));
            assert_eq!(Some(m.shape()), case.shape(), "{name}");
            let want: Vec<u64> = if T::BYTES == 4 {
                want.iter()
                    .map(|&b| f64::from(f32::from_bits(b as u32)).to_bits())
                    .collect()
            } else {
                want
            };
            assert_eq!(bits(m.as_slice()), want, "{name} as {key}");
        }
        Expect::NotExact(i) => match got {
            Err(Error::NotRepresentable {
                index,
                value,
                target,
                context,
            }) => {
                assert_eq!((index, value), (i, ints[i].to_string()), "{name} as {key}");
                assert_eq!(target, T::DTYPE.name());
                assert!(
                    context.starts_with(&format!("tensor {name:?} (")),
                    "{context}"
                );
            }
            other => panic!("{name} as {key}: {other:?}"),
        },
        Expect::Mismatch => unreachable!("no float tensors in ints.safetensors"),
    }
}

/// F16 (numpy's bits) and BF16 (PyTorch's) widen exactly, NaN payloads
/// and signalling NaNs included.
#[test]
fn half_tensors_widen_bit_for_bit() {
    let st = load_safetensors(fixture("dtypes/halfs.safetensors")).unwrap();
    let mut n = 0;
    for case in dtype_manifest() {
        if case.file != "halfs.safetensors" {
            continue;
        }
        n += 1;
        let name = case.tensor.as_deref().unwrap();
        let (Expect::Bits(w32), Expect::Bits(w64)) = (case.expect("f32"), case.expect("f64"))
        else {
            panic!("{name}")
        };
        let m = st.matrix::<f32>(name).unwrap();
        assert_eq!(Some(m.shape()), case.shape());
        let got: Vec<u64> = m
            .as_slice()
            .iter()
            .map(|v| u64::from(v.to_bits()))
            .collect();
        assert_eq!(got, w32, "{name} as f32");
        assert_eq!(
            bits64(st.matrix::<f64>(name).unwrap().as_slice()),
            w64,
            "{name} as f64"
        );
        assert!(matches!(st.labels(name), Err(Error::Unsupported { .. })));
    }
    assert_eq!(n, 2);
}

/// The writer's F16 and BF16 against numpy (F16), PyTorch (BF16 from F32)
/// and an exact rational computation (BF16 from F64, where PyTorch rounds
/// twice, through F32): byte for byte, over ties, near-ties, overflow and
/// underflow boundaries and random values.
#[test]
fn writer_rounds_to_nearest_even_like_numpy_and_pytorch() {
    let st = load_safetensors(fixture("dtypes/rounding.safetensors")).unwrap();
    for (src, store, want) in [
        ("x32", StoreAs::F16, "x32_f16"),
        ("x64", StoreAs::F16, "x64_f16"),
        ("x32", StoreAs::BF16, "x32_bf16"),
        ("x64", StoreAs::BF16, "x64_bf16"),
    ] {
        let t = &st.tensors[src];
        let bytes = safetensors_to_bytes(&[("w", t.view().store_as(store))], None).unwrap();
        let back = safetensors_from_bytes(&bytes).unwrap();
        let w = &back.skipped["w"];
        assert_eq!(w.shape, st.skipped[want].shape);
        assert_eq!(w.dtype, st.skipped[want].dtype);
        let (got, expect) = (&w.data, &st.skipped[want].data);
        if let Some(i) =
            (0..got.len() / 2).find(|&i| got[2 * i..2 * i + 2] != expect[2 * i..2 * i + 2])
        {
            panic!(
                "{src} as {store:?}: element {i} rounds to {:02x}{:02x}, the reference to {:02x}{:02x}",
                got[2 * i + 1], got[2 * i], expect[2 * i + 1], expect[2 * i]
            );
        }
    }
}

#[test]
fn half_writer_layout_matches_the_reference_order() {
    // The reference lays tensors out by its dtype order (F64, F32, BF16,
    // F16), then by name.
    let a = [1.0f32, 2.0];
    let b = [1.0f64, 2.0];
    let views = [
        (
            "a16",
            TensorView::new(vec![2], &a[..])
                .unwrap()
                .store_as(StoreAs::F16),
        ),
        (
            "b16",
            TensorView::new(vec![2], &b[..])
                .unwrap()
                .store_as(StoreAs::F16),
        ),
        (
            "bf",
            TensorView::new(vec![2], &b[..])
                .unwrap()
                .store_as(StoreAs::BF16),
        ),
        ("f32", TensorView::new(vec![2], &a[..]).unwrap()),
        (
            "f64",
            TensorView::new(vec![2], &b[..])
                .unwrap()
                .store_as(StoreAs::Native),
        ),
    ];
    let bytes = safetensors_to_bytes(&views, None).unwrap();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    assert_eq!(
        std::str::from_utf8(&bytes[8..8 + n]).unwrap().trim_end(),
        concat!(
            r#"{"f64":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"#,
            r#""f32":{"dtype":"F32","shape":[2],"data_offsets":[16,24]},"#,
            r#""bf":{"dtype":"BF16","shape":[2],"data_offsets":[24,28]},"#,
            r#""a16":{"dtype":"F16","shape":[2],"data_offsets":[28,32]},"#,
            r#""b16":{"dtype":"F16","shape":[2],"data_offsets":[32,36]}}"#
        )
    );
    assert_eq!(
        &bytes[8 + n + 24..],
        &[0x80, 0x3f, 0x00, 0x40, 0x00, 0x3c, 0x00, 0x40, 0x00, 0x3c, 0x00, 0x40]
    );
}

/// A half-precision checkpoint loads into an f32 or f64 model, exactly.
#[test]
fn a_half_precision_checkpoint_loads_into_a_model() {
    use groundup::io::{load_model, save_model};
    use groundup::model::{Params, TwoLayerNet};
    let dir = TempDir::new("st-half-model");
    let path = dir.join("net.safetensors");
    let mut k = 0.0f64;
    let net = TwoLayerNet::<f32>::new(3, 4, 2, &mut || {
        k += 0.1;
        k
    });
    save_model(&path, &net).unwrap();
    let full = load_safetensors(&path).unwrap();
    for store in [StoreAs::F16, StoreAs::BF16] {
        let views: Vec<(&str, TensorView<'_>)> = full
            .tensors
            .iter()
            .map(|(n, t)| (n.as_str(), t.view().store_as(store)))
            .collect();
        save_safetensors(&path, &views, Some(&full.metadata)).unwrap();
        let half = load_safetensors(&path).unwrap();
        let mut back32 = TwoLayerNet::<f32>::new(3, 4, 2, &mut || 0.0);
        load_model(&path, &mut back32).unwrap();
        let mut back64 = TwoLayerNet::<f64>::new(3, 4, 2, &mut || 0.0);
        load_model(&path, &mut back64).unwrap();
        let names = back32.param_names();
        for (i, name) in names.iter().enumerate() {
            let want = half.matrix::<f32>(name).unwrap();
            assert_eq!(back32.params()[i].value, want, "{name}");
            assert_eq!(back64.params()[i].value, want.cast::<f64>(), "{name}");
            // Rounded, but close: 11 (F16) or 8 (BF16) significant bits.
            let orig = &net.params()[i].value;
            for (a, b) in want.as_slice().iter().zip(orig.as_slice()) {
                assert!(
                    (a - b).abs() <= b.abs() * 2f32.powi(-7),
                    "{name}: {a} vs {b}"
                );
            }
        }
    }
}

#[test]
fn a_checkpoint_with_an_integer_step_counter_loads() {
    // An F32 weight beside an I64 scalar, as a training checkpoint has.
    let w: Vec<u8> = [1.0f32, 2.0, 3.0, 4.0]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let mut data = w.clone();
    data.extend_from_slice(&7i64.to_le_bytes());
    let h = format!(
        "{{{},{}}}",
        entry("w", "F32", "[2,2]", "[0,16]"),
        entry("step", "I64", "[]", "[16,24]")
    );
    let st = safetensors_from_bytes(&st_with(&h, &data)).unwrap();
    assert_eq!(
        st.matrix::<f32>("w").unwrap().as_slice(),
        &[1.0, 2.0, 3.0, 4.0]
    );
    assert_eq!(st.skipped["step"].dtype, "I64");
    assert_eq!(st.skipped["step"].shape, Vec::<u64>::new());
    // A skipped tensor is still checked: a wrong size is an error.
    let bad = format!(
        "{{{},{}}}",
        entry("w", "F32", "[2,2]", "[0,16]"),
        entry("step", "I64", "[2]", "[16,24]")
    );
    let err = safetensors_from_bytes(&st_with(&bad, &data))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("step") && err.contains("I64") && err.contains("16 bytes"),
        "{err}"
    );
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = sample_bytes();
    for n in 0..bytes.len() {
        assert!(safetensors_from_bytes(&bytes[..n]).is_err(), "prefix {n}");
    }
    let bytes = std::fs::read(fixture("mixed.safetensors")).unwrap();
    for n in 0..bytes.len() {
        assert!(
            safetensors_from_bytes(&bytes[..n]).is_err(),
            "fixture prefix {n}"
        );
    }
}

fn format_what(bytes: &[u8]) -> String {
    match safetensors_from_bytes(bytes) {
        Err(Error::Format {
            format: "safetensors",
            what,
            offset: Some(_),
        }) => what,
        other => panic!("expected Error::Format with an offset, got {other:?}"),
    }
}

fn entry(name: &str, dtype: &str, shape: &str, offsets: &str) -> String {
    format!(r#""{name}":{{"dtype":"{dtype}","shape":{shape},"data_offsets":{offsets}}}"#)
}

#[test]
fn malformed_headers_give_format_errors() {
    let d8 = [0u8; 8];
    let ok = format!("{{{}}}", entry("a", "F32", "[2]", "[0,8]"));
    assert!(safetensors_from_bytes(&st_with(&ok, &d8)).is_ok());
    let two = |a: &str, b: &str| format!("{{{a},{b}}}");
    let cases: Vec<(String, &[u8], &str)> = vec![
        // Offsets and sizes.
        (two(&entry("a", "F32", "[1]", "[0,4]"), &entry("b", "F32", "[1]", "[2,6]")), &d8, "overlaps"),
        (two(&entry("a", "F32", "[1]", "[0,4]"), &entry("b", "F32", "[1]", "[0,4]")), &d8, "overlaps"),
        (two(&entry("a", "F32", "[1]", "[0,4]"), &entry("b", "F32", "[0]", "[8,8]")), &d8, "hole"),
        (format!("{{{}}}", entry("a", "F32", "[1]", "[4,8]")), &d8, "hole"),
        (format!("{{{}}}", entry("a", "F32", "[4]", "[0,16]")), &d8, "outside"),
        (format!("{{{}}}", entry("a", "F32", "[0]", "[0,18446744073709551615]")), &d8, "outside"),
        (format!("{{{}}}", entry("a", "F32", "[1]", "[0,4]")), &d8, "cover 4 bytes"),
        (format!("{{{}}}", entry("a", "F32", "[3]", "[0,8]")), &d8, "needs 12 bytes"),
        (format!("{{{}}}", entry("a", "F64", "[2]", "[0,8]")), &d8, "needs 16 bytes"),
        // Computed from the 64-bit dimensions: the same numbers on 32-bit
        // targets, marked when they exceed usize::MAX there.
        (format!("{{{}}}", entry("a", "F64", "[536870912]", "[0,8]")), &d8, "needs 4294967296 "),
        (
            format!("{{{}}}", entry("a", "F32", "[4294967296,4294967296,16]", "[0,8]")),
            &d8,
            "more than usize::MAX",
        ),
        (
            format!("{{{}}}", entry("a", "F64", "[2305843009213693952]", "[0,8]")),
            &d8,
            "more than usize::MAX",
        ),
        (format!("{{{}}}", entry("a", "F32", "[2]", "[0,8,8]")), &d8, "3 numbers"),
        (format!("{{{}}}", entry("a", "F32", "[2]", "[8]")), &d8, "1 numbers"),
        // Strict JSON.
        (format!("{{{}}}", entry("a", "F32", "[-2]", "[0,8]")), &d8, "negative"),
        (format!("{{{}}}", entry("a", "F32", "[2.0]", "[0,8]")), &d8, "unsigned integers"),
        (format!("{{{}}}", entry("a", "F32", "[2e0]", "[0,8]")), &d8, "unsigned integers"),
        (format!("{{{}}}", entry("a", "F32", "[02]", "[0,8]")), &d8, "leading zero"),
        (format!("{{{}}}", entry("a", "F32", "[18446744073709551616]", "[0,8]")), &d8, "64 bits"),
        (format!("{{{}}}", entry("a", "F32", "[2,]", "[0,8]")), &d8, "expected an unsigned integer"),
        (format!("{{{},}}", entry("a", "F32", "[2]", "[0,8]")), &d8, "expected a string"),
        (format!("{{{}", entry("a", "F32", "[2]", "[0,8]")), &d8, "'}'"),
        (format!("{{{}}} x", entry("a", "F32", "[2]", "[0,8]")), &d8, "after the end"),
        (r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":[]}}"#.into(), &d8, "unknown field"),
        (r#"{"a":{"dtype":"F32","shape":[2],"dtype":"F32","data_offsets":[0,8]}}"#.into(), &d8, "duplicate field"),
        (r#"{"a":{"dtype":"F32","data_offsets":[0,8]}}"#.into(), &d8, "no \"shape\""),
        (r#"{"a":{"shape":[2],"data_offsets":[0,8]}}"#.into(), &d8, "no \"dtype\""),
        (r#"{"a":{"dtype":"F32","shape":[2]}}"#.into(), &d8, "no \"data_offsets\""),
        (r#"{"a":[]}"#.into(), &d8, "expected '{'"),
        (r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[0],"data_offsets":[8,8]}}"#.into(), &d8, "duplicate key"),
        (r#"{"__metadata__":{"k":"v","k":"w"}}"#.into(), &[], "duplicate metadata key"),
        (r#"{"__metadata__":{},"__metadata__":{}}"#.into(), &[], "duplicate key"),
        (r#"{"__metadata__":{"k":1}}"#.into(), &[], "expected a string"),
        (r#"{"__metadata__":"v"}"#.into(), &[], "expected '{'"),
        (r#"{"a\x":{}}"#.into(), &[], "invalid escape"),
        (r#"{"\ud800":{}}"#.into(), &[], "lone high surrogate"),
        ("{\"a\tb\":{}}".into(), &[], "control character"),
        (r#"{null:1}"#.into(), &[], "expected a string"),
        // Header framing.
        (" {}".into(), &[], "begin with '{'"),
        ("".into(), &[], "begin with '{'"),
    ];
    for (header, data, needle) in &cases {
        let what = format_what(&st_with(header, data));
        assert!(what.contains(needle), "{header}: {what:?} lacks {needle:?}");
    }
    // Invalid UTF-8 inside the header.
    let mut bytes = st_with(r#"{"a":{}}"#, &[]);
    bytes[10] = 0xff;
    assert!(format_what(&bytes).contains("UTF-8"));
    // Header length beyond the file, beyond the bound, and a file shorter than 8 bytes.
    let mut bytes = st_with("{}", &[]);
    bytes[..8].copy_from_slice(&3u64.to_le_bytes());
    assert!(format_what(&bytes).contains("exceeds the 2 bytes"));
    for n in [100_000_001u64, u64::MAX] {
        bytes[..8].copy_from_slice(&n.to_le_bytes());
        assert!(format_what(&bytes).contains("limit"));
    }
    assert!(format_what(&[1, 2, 3]).contains("too short"));
    // Spaces (and other JSON whitespace) around tokens and as padding are fine.
    let spaced = " {\n \"a\" : { \"data_offsets\" : [ 0 , 8 ] , \"shape\" : [ 2 ] , \"dtype\" : \"F32\" } }  \t\r\n";
    assert!(safetensors_from_bytes(&st_with(&spaced[1..], &d8)).is_ok());
    // Zero-size tensors may share an offset with their neighbours.
    let zeros = format!(
        "{{{},{},{}}}",
        entry("z1", "F32", "[0]", "[0,0]"),
        entry("a", "F32", "[2]", "[0,8]"),
        entry("z2", "F64", "[3,0]", "[8,8]")
    );
    let st = safetensors_from_bytes(&st_with(&zeros, &d8)).unwrap();
    assert_eq!(st.tensors.len(), 3);
    // Names that are no safetensors dtype are UnsupportedDType, naming it.
    for dtype in ["I128", "F4", "float32", "f32", ""] {
        let h = format!("{{{}}}", entry("a", dtype, "[2]", "[0,8]"));
        match safetensors_from_bytes(&st_with(&h, &d8)) {
            Err(Error::UnsupportedDType { dtype: d, .. }) => assert_eq!(d, dtype),
            other => panic!("{dtype}: {other:?}"),
        }
    }
}

#[test]
fn empty_file_with_only_metadata() {
    let meta = BTreeMap::from([("k".to_string(), "v".to_string())]);
    let bytes = safetensors_to_bytes(&[], Some(&meta)).unwrap();
    let st: SafeTensors = safetensors_from_bytes(&bytes).unwrap();
    assert!(st.tensors.is_empty());
    assert_eq!(st.metadata, meta);
    let bytes = safetensors_to_bytes(&[], None).unwrap();
    assert_eq!(bytes, st_with("{}      ", &[]));
}

/// An empty tensor may have a dimension this target's `usize` cannot hold:
/// a 64-bit target loads it, a 32-bit one says which dimension does not fit.
#[test]
fn empty_tensors_with_dimensions_past_32_bits() {
    let header = format!("{{{}}}", entry("a", "F32", "[0,4294967296]", "[0,0]"));
    let bytes = st_with(&header, &[]);
    if usize::BITS >= 64 {
        let st = safetensors_from_bytes(&bytes).unwrap();
        let shape: Vec<u64> = st.tensors["a"].shape().iter().map(|&d| d as u64).collect();
        assert_eq!(shape, [0, 4294967296]);
    } else {
        let what = format_what(&bytes);
        assert!(
            what.contains("dimension 4294967296") && what.contains("does not fit in usize"),
            "{what}"
        );
    }
}
