//! Files are the same bytes on every target: `tests/fixtures/endian/` holds
//! an `.npy` (f64 and f32), a `.safetensors` and a CSV written on x86-64
//! (little-endian). Every target — s390x (big-endian) and i686 included,
//! see scripts/cross-test.sh — must read them to the exact bits below and
//! write them back byte for byte.
//!
//! To rewrite the fixtures (on a little-endian host only; the test checks
//! that they are little-endian):
//! `GROUNDUP_WRITE_ENDIAN_FIXTURES=1 cargo test --release --test io_endian
//! write_fixtures`, then the whole file again.

use groundup::data::csv::{parse_csv_str, CsvOptions};
use groundup::io::{safetensors_from_bytes, safetensors_to_bytes, TensorView};
use groundup::Matrix;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Bit patterns worth a round trip: signed zeros, subnormals, the extremes,
/// values with every mantissa bit in use, infinities and NaNs with payloads.
fn f64_values() -> Vec<f64> {
    vec![
        0.0,
        -0.0,
        1.0,
        -1.5,
        1.0 / 3.0,
        std::f64::consts::PI,
        f64::MIN_POSITIVE,
        f64::from_bits(1), // smallest subnormal
        f64::MAX,
        -1e-300,
        12_345.678_901_234_5,
        -2.5e10,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::from_bits(0x7ff8_0000_0000_0001), // quiet NaN, payload 1
        f64::from_bits(0xfff4_0000_dead_beef), // negative NaN, odd payload
    ]
}

fn f32_values() -> Vec<f32> {
    vec![
        0.0,
        -0.0,
        1.0,
        -1.5,
        1.0 / 3.0,
        std::f32::consts::PI,
        f32::MIN_POSITIVE,
        f32::from_bits(1),
        f32::MAX,
        -1e-30,
        12345.679,
        -2.5e10,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::from_bits(0x7fc0_0001),
        f32::from_bits(0xffa0_beef),
    ]
}

/// The finite values, for the CSV (text has no NaN payloads).
fn csv_values() -> Vec<f64> {
    f64_values().into_iter().filter(|v| v.is_finite()).collect()
}

fn csv_text(values: &[f64], cols: usize) -> String {
    let mut s = String::new();
    for row in values.chunks(cols) {
        let fields: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
        s.push_str(&fields.join(","));
        s.push('\n');
    }
    s
}

fn f64_matrix() -> Matrix<f64> {
    Matrix::from_vec(4, 4, f64_values()).unwrap()
}

fn f32_matrix() -> Matrix<f32> {
    Matrix::from_vec(2, 8, f32_values()).unwrap()
}

fn safetensors_bytes() -> Vec<u8> {
    let (a, b) = (f64_values(), f32_values());
    let metadata = BTreeMap::from([("written_on".to_string(), "x86_64".to_string())]);
    safetensors_to_bytes(
        &[
            ("a", TensorView::new(vec![4, 2, 2], &a[..]).unwrap()),
            ("b", TensorView::new(vec![16], &b[..]).unwrap()),
        ],
        Some(&metadata),
    )
    .unwrap()
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/endian")
}

fn fixture(name: &str) -> Vec<u8> {
    let path = dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn bits64(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn bits32(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn write_fixtures_when_asked() {
    if std::env::var_os("GROUNDUP_WRITE_ENDIAN_FIXTURES").is_none() {
        return;
    }
    if cfg!(target_endian = "big") {
        panic!("write the fixtures on a little-endian host");
    }
    std::fs::create_dir_all(dir()).unwrap();
    std::fs::write(dir().join("f64.npy"), f64_matrix().to_npy_bytes()).unwrap();
    std::fs::write(dir().join("f32.npy"), f32_matrix().to_npy_bytes()).unwrap();
    std::fs::write(dir().join("tensors.safetensors"), safetensors_bytes()).unwrap();
    std::fs::write(dir().join("values.csv"), csv_text(&csv_values(), 4)).unwrap();
}

#[test]
fn fixtures_are_little_endian() {
    // 1.0 is the third value: 0x3ff0_0000_0000_0000 stored low byte first.
    let one64 = [0, 0, 0, 0, 0, 0, 0xf0, 0x3f];
    let one32 = [0, 0, 0x80, 0x3f];
    let npy = fixture("f64.npy");
    let data = npy.len() - 16 * 8;
    assert!(String::from_utf8_lossy(&npy[..data]).contains("'descr': '<f8'"));
    assert_eq!(npy[data + 16..data + 24], one64);
    let npy = fixture("f32.npy");
    let data = npy.len() - 16 * 4;
    assert!(String::from_utf8_lossy(&npy[..data]).contains("'descr': '<f4'"));
    assert_eq!(npy[data + 8..data + 12], one32);
    let st = fixture("tensors.safetensors");
    let header_len = u64::from_le_bytes(st[..8].try_into().unwrap()) as usize;
    let buffer = &st[8 + header_len..];
    assert_eq!(buffer[16..24], one64, "tensor a");
    assert_eq!(buffer[128 + 8..128 + 12], one32, "tensor b");
}

#[test]
fn npy_reads_bit_exactly_and_writes_the_same_bytes() {
    let bytes = fixture("f64.npy");
    let m = Matrix::<f64>::from_npy_bytes(&bytes).unwrap();
    assert_eq!(m.shape(), (4, 4));
    assert_eq!(bits64(m.as_slice()), bits64(&f64_values()));
    assert!(m.to_npy_bytes() == bytes, "f64.npy written back differs");
    assert!(
        f64_matrix().to_npy_bytes() == bytes,
        "f64.npy written anew differs"
    );

    let bytes = fixture("f32.npy");
    let m = Matrix::<f32>::from_npy_bytes(&bytes).unwrap();
    assert_eq!(m.shape(), (2, 8));
    assert_eq!(bits32(m.as_slice()), bits32(&f32_values()));
    assert!(m.to_npy_bytes() == bytes, "f32.npy written back differs");
    assert!(
        f32_matrix().to_npy_bytes() == bytes,
        "f32.npy written anew differs"
    );
}

#[test]
fn safetensors_reads_bit_exactly_and_writes_the_same_bytes() {
    let bytes = fixture("tensors.safetensors");
    let st = safetensors_from_bytes(&bytes).unwrap();
    let a = st.get("a").unwrap();
    assert_eq!(a.shape(), &[4, 2, 2]);
    assert_eq!(bits64(a.as_slice::<f64>().unwrap()), bits64(&f64_values()));
    let b = st.get("b").unwrap();
    assert_eq!(b.shape(), &[16]);
    assert_eq!(bits32(b.as_slice::<f32>().unwrap()), bits32(&f32_values()));
    assert_eq!(st.metadata["written_on"], "x86_64");
    assert!(
        st.to_bytes().unwrap() == bytes,
        "read and written back differs"
    );
    assert!(safetensors_bytes() == bytes, "written anew differs");
}

#[test]
fn csv_reads_bit_exactly_and_writes_the_same_text() {
    let bytes = fixture("values.csv");
    let text = std::str::from_utf8(&bytes).unwrap();
    let ds = parse_csv_str(text, &CsvOptions::new().header(false)).unwrap();
    assert_eq!(ds.features.shape(), (3, 4));
    assert_eq!(bits64(ds.features.as_slice()), bits64(&csv_values()));
    assert_eq!(csv_text(ds.features.as_slice(), 4), text);
}
