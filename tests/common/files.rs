//! Files for the I/O tests: temporary directories, the committed fixtures,
//! and bit patterns that must survive a round trip.

use groundup::Scalar;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("groundup-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
    /// Names of the entries in the directory, sorted.
    pub fn entries(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o755));
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The committed fixture `name` (see scripts/gen_io_fixtures.py).
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Bit patterns that must survive a round trip: signed zeros, infinities,
/// quiet and signalling NaNs with payloads, subnormals, extremes.
pub fn special_f32() -> Vec<f32> {
    [
        0x0000_0000u32,
        0x8000_0000,
        0x7f80_0000,
        0xff80_0000,
        0x7fc0_0000,
        0xffc0_1234,
        0x7f80_0001,
        0x7fbf_ffff,
        0x0000_0001,
        0x807f_ffff,
        0x7f7f_ffff,
        0x3f80_0000,
        0xbe99_999a,
    ]
    .into_iter()
    .map(f32::from_bits)
    .collect()
}

/// As [`special_f32`] for `f64`.
pub fn special_f64() -> Vec<f64> {
    [
        0x0u64,
        0x8000_0000_0000_0000,
        0x7ff0_0000_0000_0000,
        0xfff0_0000_0000_0000,
        0x7ff8_0000_0000_0000,
        0xfff8_dead_beef_0001,
        0x7ff0_0000_0000_0001,
        0x7ff7_ffff_ffff_ffff,
        0x0000_0000_0000_0001,
        0x800f_ffff_ffff_ffff,
        0x7fef_ffff_ffff_ffff,
        0x3ff0_0000_0000_0000,
    ]
    .into_iter()
    .map(f64::from_bits)
    .collect()
}

/// The bit patterns of `f32` or `f64` values, widened to `u64` (exact).
pub fn bits<T: Scalar>(v: &[T]) -> Vec<u64> {
    v.iter().map(|x| x.to_f64().to_bits()).collect()
}

pub fn bits32(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

pub fn bits64(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// One line of `tests/fixtures/dtypes/manifest.txt`, written by
/// `scripts/gen_dtype_fixtures.py`: a file (and, for safetensors, a tensor
/// name) with what numpy says reading it must give.
pub struct DtypeCase {
    pub file: String,
    pub tensor: Option<String>,
    pub fields: std::collections::BTreeMap<String, String>,
}

/// What reading an array as a float type must give.
#[derive(Debug, PartialEq)]
pub enum Expect {
    /// These bits, row-major.
    Bits(Vec<u64>),
    /// `Error::NotRepresentable` at this row-major index.
    NotExact(usize),
    /// `Error::DTypeMismatch` (a float file of the other width).
    Mismatch,
}

impl DtypeCase {
    pub fn path(&self) -> PathBuf {
        fixture(&format!("dtypes/{}", self.file))
    }
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields.get(key).map(String::as_str)
    }
    /// The Matrix shape, `None` for more than two dimensions.
    pub fn shape(&self) -> Option<(usize, usize)> {
        let s = self.get("shape").expect("shape field");
        let (r, c) = s.split_once(',')?;
        Some((r.parse().unwrap(), c.parse().unwrap()))
    }
    /// The expectation for reading as `float32` (`"f32"`) or `float64`.
    pub fn expect(&self, key: &str) -> Expect {
        let v = self.get(key).expect("float field");
        if v == "mismatch" {
            Expect::Mismatch
        } else if let Some(i) = v.strip_prefix("err:") {
            Expect::NotExact(i.parse().unwrap())
        } else {
            let bits = v.strip_prefix("ok:").unwrap();
            Expect::Bits(
                bits.split(',')
                    .filter(|s| !s.is_empty())
                    .map(|b| u64::from_str_radix(b, 16).unwrap())
                    .collect(),
            )
        }
    }
    /// The integer values (bool and integer arrays), row-major.
    pub fn ints(&self) -> Option<Vec<i128>> {
        self.get("ints").map(|s| {
            s.split(',')
                .filter(|s| !s.is_empty())
                .map(|v| v.parse().unwrap())
                .collect()
        })
    }
}

/// Every line of the dtype manifest.
pub fn dtype_manifest() -> Vec<DtypeCase> {
    let text = std::fs::read_to_string(fixture("dtypes/manifest.txt")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let mut words = line.split_whitespace();
            let file = words.next().unwrap().to_string();
            let mut tensor = None;
            let mut fields = std::collections::BTreeMap::new();
            for w in words {
                match w.split_once('=') {
                    Some((k, v)) => {
                        fields.insert(k.to_string(), v.to_string());
                    }
                    None => tensor = Some(w.to_string()),
                }
            }
            DtypeCase {
                file,
                tensor,
                fields,
            }
        })
        .collect()
}
