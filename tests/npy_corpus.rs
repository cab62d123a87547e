//! The real-world corpus: every `.npy` and `.npz` file shipped inside the
//! installed numpy, scipy and joblib packages (their own test data: Fortran
//! ordered scipy tables, Python 2 headers, int64 ids, object, string,
//! structured and long-double arrays), read here and compared with what
//! `numpy.load` reads.
//!
//! `scripts/npy_corpus.py` walks the packages and writes, for each array,
//! its class, dtype and shape and (for numeric ones) numpy's values in
//! row-major order. Then, for every array:
//!
//! * numeric (bool, integer, f2/f4/f8; at most 2-D): read as `f64` and as
//!   `f32`, each either exactly numpy's values or — only where a value has
//!   no exact float of that width — `Error::NotRepresentable` at the first
//!   such value, in row-major order; read as labels when it is an integer or
//!   bool vector (the first negative value named);
//! * any other dtype: `Error::UnsupportedDType` whose one-line message
//!   names the dtype; more than 2 dimensions: `Error::Unsupported`;
//! * `.npz`: the member names, in numpy's order.
//!
//! Skipped, with the reason printed, when `python3` (or `GROUNDUP_PYTHON`)
//! or its numpy is missing; `.ci/run` installs numpy and scipy with pip
//! when it can.

mod common;

use common::files::TempDir;
use groundup::io::{npy_labels_from_bytes, Npz};
use groundup::{Error, Matrix, Result, Scalar};
use std::path::Path;
use std::process::Command;

/// One array of the manifest (see scripts/npy_corpus.py).
struct Array {
    path: String,
    member: Option<String>,
    class: String,
    descr: String,
    shape: Vec<usize>,
    values: Option<Vec<Value>>,
}

/// An element as numpy holds it.
#[derive(Clone, Copy, Debug)]
enum Value {
    Float(f64),
    Int(i128),
}

impl Array {
    fn what(&self) -> String {
        match &self.member {
            Some(m) => format!(
                "{}[{m}] ({}, shape {:?})",
                self.path, self.descr, self.shape
            ),
            None => format!("{} ({}, shape {:?})", self.path, self.descr, self.shape),
        }
    }

    fn npy_bytes(&self, npz: Option<&Npz>) -> Result<Vec<u8>> {
        match (&self.member, npz) {
            (Some(m), Some(z)) => z.npy_bytes(m),
            _ => Ok(std::fs::read(&self.path).unwrap()),
        }
    }

    fn matrix<T: Scalar>(&self, npz: Option<&Npz>) -> Result<Matrix<T>> {
        match (&self.member, npz) {
            (Some(m), Some(z)) => z.matrix(m),
            _ => Matrix::read_npy(&self.path),
        }
    }

    /// The Matrix shape the reader documents: `()` 1 x 1, `(n,)` n x 1.
    fn matrix_shape(&self) -> (usize, usize) {
        match self.shape[..] {
            [] => (1, 1),
            [n] => (n, 1),
            [r, c] => (r, c),
            _ => unreachable!("numeric arrays are at most 2-D"),
        }
    }
}

/// `Some(v)` as `T` when `T` holds `v` exactly (NaN counts as held).
fn exact<T: Scalar>(v: Value) -> Option<T> {
    match v {
        Value::Float(f) => {
            let t = T::from_f64(f);
            (t.to_f64() == f || f.is_nan()).then_some(t)
        }
        Value::Int(i) => {
            let t = T::from_f64(i as f64);
            // `i as f64` rounds; the value is held only if nothing was lost.
            (i as f64 as i128 == i && t.to_f64() == i as f64).then_some(t)
        }
    }
}

fn bits<T: Scalar>(v: T) -> u64 {
    let mut b = Vec::new();
    v.write_le(&mut b);
    b.resize(8, 0);
    u64::from_le_bytes(b.try_into().unwrap())
}

/// Reads the array as `T` and checks it against numpy's values.
fn check_matrix<T: Scalar>(a: &Array, values: &[Value], npz: Option<&Npz>) {
    let got = a.matrix::<T>(npz);
    let name = T::DTYPE.name();
    match values.iter().position(|&v| exact::<T>(v).is_none()) {
        None => {
            let m = got.unwrap_or_else(|e| panic!("{} as {name}: {e}", a.what()));
            assert_eq!(m.shape(), a.matrix_shape(), "{}", a.what());
            for (k, (&g, &v)) in m.as_slice().iter().zip(values).enumerate() {
                let want = exact::<T>(v).unwrap();
                assert_eq!(bits(g), bits(want), "{} as {name}: element {k}", a.what());
            }
        }
        Some(first) => match got {
            Err(e @ Error::NotRepresentable { index, .. }) => {
                assert_eq!(index, first, "{} as {name}: {e}", a.what())
            }
            other => panic!(
                "{} as {name}: element {first} is inexact, got {other:?}",
                a.what()
            ),
        },
    }
}

/// Labels: a bool or integer array of one value per sample.
fn check_labels(a: &Array, values: &[Value], npz: Option<&Npz>) {
    let got = npy_labels_from_bytes(&a.npy_bytes(npz).unwrap());
    // numpy's dtype.str: byte order, kind, size ('<i8', '|b1').
    let integral = matches!(&a.descr[1..2], "b" | "i" | "u");
    let ints: Option<Vec<i128>> = integral.then(|| {
        values
            .iter()
            .map(|v| match v {
                Value::Int(i) => *i,
                Value::Float(_) => unreachable!("an integer array holds integers"),
            })
            .collect()
    });
    let vector = match a.shape[..] {
        [] | [_] => true,
        [r, c] => r == 1 || c == 1,
        _ => false,
    };
    match (ints, vector) {
        (Some(ints), true) => match ints.iter().position(|&i| usize::try_from(i).is_err()) {
            None => {
                let want: Vec<usize> = ints.iter().map(|&i| i as usize).collect();
                assert_eq!(got.unwrap(), want, "{} as labels", a.what());
            }
            Some(first) => match got {
                Err(Error::NotRepresentable { index, .. }) => {
                    assert_eq!(index, first, "{} as labels", a.what())
                }
                other => panic!("{} as labels: {other:?}", a.what()),
            },
        },
        _ => assert!(
            matches!(got, Err(Error::Unsupported { .. })),
            "{} as labels: {got:?}",
            a.what()
        ),
    }
}

/// A refused array: a typed error, one line, naming what was refused.
fn check_refused(a: &Array, npz: Option<&Npz>) {
    for got in [
        a.matrix::<f64>(npz).map(|_| ()),
        a.matrix::<f32>(npz).map(|_| ()),
    ] {
        let e = got.expect_err(&a.what());
        let msg = e.to_string();
        assert!(
            !msg.is_empty() && !msg.contains('\n'),
            "{}: {msg:?}",
            a.what()
        );
        match a.class.as_str() {
            "other" => match &e {
                Error::UnsupportedDType { .. } => {
                    // numpy's dtype.str for a plain dtype ('<U3', '|O',
                    // '<f16'); a structured one is its field list.
                    if !a.descr.starts_with("|V") {
                        assert!(msg.contains(&a.descr), "{}: {msg}", a.what());
                    }
                }
                other => panic!("{}: {other:?}", a.what()),
            },
            "dims" => assert!(
                matches!(e, Error::Unsupported { .. }),
                "{}: {e:?}",
                a.what()
            ),
            // numpy cannot read it either: any typed error will do.
            _ => {}
        }
    }
}

fn read_values(dir: &Path, kind: &str, bin: &str) -> Vec<Value> {
    let bytes = std::fs::read(dir.join(bin)).unwrap();
    bytes
        .chunks_exact(8)
        .map(|c| {
            let b: [u8; 8] = c.try_into().unwrap();
            match kind {
                "f64" => Value::Float(f64::from_le_bytes(b)),
                "i64" => Value::Int(i128::from(i64::from_le_bytes(b))),
                "u64" => Value::Int(i128::from(u64::from_le_bytes(b))),
                other => panic!("values kind {other:?}"),
            }
        })
        .collect()
}

#[test]
fn every_npy_and_npz_in_numpy_scipy_and_joblib_reads_as_numpy_reads_it() {
    let python = std::env::var("GROUNDUP_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/npy_corpus.py");
    let dir = TempDir::new("npy-corpus");
    // Under qemu the runner's LD_LIBRARY_PATH points at the guest's
    // libraries; the host's python must not see it.
    let out = match Command::new(&python)
        .arg(&script)
        .arg(dir.path())
        .env_remove("LD_LIBRARY_PATH")
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            println!("SKIP: cannot run {python} ({e}); the corpus test needs Python with numpy");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    if out.status.code() == Some(3) {
        println!("SKIP: {}", stdout.trim());
        return;
    }
    assert!(
        out.status.success(),
        "{python} {}: {}\n{stdout}{}",
        script.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    print!("{stdout}");

    let manifest = std::fs::read_to_string(dir.join("manifest.tsv")).unwrap();
    let mut arrays = Vec::new();
    let mut archives = Vec::new();
    for line in manifest.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if f[0] == "names" {
            let names: Vec<String> = match f[2] {
                "" => vec![],
                s => s.split('/').map(String::from).collect(),
            };
            archives.push((f[1].to_string(), names));
            continue;
        }
        assert_eq!(f.len(), 7, "{line}");
        arrays.push(Array {
            path: f[0].to_string(),
            member: (f[1] != "-").then(|| f[1].to_string()),
            class: f[2].to_string(),
            descr: f[3].to_string(),
            shape: match f[4] {
                "" => vec![],
                s => s.split(',').map(|d| d.parse().unwrap()).collect(),
            },
            values: (f[5] != "-").then(|| read_values(dir.path(), f[5], f[6])),
        });
    }

    let mut opened: Option<(String, Npz)> = None;
    let (mut numeric, mut exact_f64, mut refused, mut npz_members) = (0, 0, 0, 0);
    for a in &arrays {
        let npz = match &a.member {
            None => None,
            Some(_) => {
                if opened.as_ref().map(|(p, _)| p) != Some(&a.path) {
                    let z = Npz::open(&a.path).unwrap_or_else(|e| panic!("{}: {e}", a.path));
                    opened = Some((a.path.clone(), z));
                }
                npz_members += 1;
                opened.as_ref().map(|(_, z)| z)
            }
        };
        match (&a.class[..], &a.values) {
            ("numeric", Some(values)) => {
                numeric += 1;
                check_matrix::<f64>(a, values, npz);
                check_matrix::<f32>(a, values, npz);
                if values.iter().all(|&v| exact::<f64>(v).is_some()) {
                    exact_f64 += 1;
                }
                check_labels(a, values, npz);
            }
            ("other" | "dims" | "unreadable", None) => {
                refused += 1;
                check_refused(a, npz);
            }
            (class, _) => panic!("{}: class {class}", a.what()),
        }
    }
    for (path, names) in &archives {
        let z = Npz::open(path).unwrap();
        assert_eq!(z.names(), &names[..], "{path}");
    }
    println!(
        "corpus: {} arrays ({} in {} .npz): {numeric} numeric ≤ 2-D, all read exactly \
         ({exact_f64} of them as f64 in full), {refused} refused with a typed error; 0 wrong",
        arrays.len(),
        npz_members,
        archives.len()
    );
    // numpy's own test data alone has numeric arrays; an empty corpus means
    // the walk is broken, not that everything passed.
    assert!(numeric > 0 && refused > 0, "corpus too small");
    assert_eq!(
        numeric, exact_f64,
        "a numeric array that f64 cannot hold exactly"
    );
}
