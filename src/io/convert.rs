//! Exact conversion of stored numeric elements (bool, 8- to 64-bit
//! integers, 16-, 32- and 64-bit floats, either byte order) into `f32`/`f64`
//! values or `usize` labels, shared by the npy and safetensors readers.
//!
//! Nothing is rounded: an integer becomes a float only if the float holds
//! it exactly (every integer up to 2^24 in magnitude for `f32`, 2^53 for
//! `f64`, and beyond that those with enough trailing zero bits), a 16-bit
//! float always (see [`super::half`]), a label only if it is a non-negative
//! integer that fits `usize`. The first element that cannot be converted is
//! reported by its row-major index.

use super::half::{self, Half};
use crate::scalar::Scalar;

/// A stored element type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Elem {
    /// One byte, 0 or 1.
    Bool,
    /// A two's-complement (`signed`) or unsigned integer of `bytes` bytes.
    Int { bytes: usize, signed: bool },
    /// A 16-bit float.
    Half(Half),
    /// `f32`.
    F32,
    /// `f64`.
    F64,
}

impl Elem {
    /// Bytes per element.
    pub(crate) fn size(self) -> usize {
        match self {
            Elem::Bool => 1,
            Elem::Int { bytes, .. } => bytes,
            Elem::Half(_) => 2,
            Elem::F32 => 4,
            Elem::F64 => 8,
        }
    }
    /// numpy's name for the type.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Elem::Bool => "bool",
            Elem::Int { bytes, signed } => match (bytes, signed) {
                (1, true) => "int8",
                (2, true) => "int16",
                (4, true) => "int32",
                (8, true) => "int64",
                (1, false) => "uint8",
                (2, false) => "uint16",
                (4, false) => "uint32",
                _ => "uint64",
            },
            Elem::Half(Half::F16) => "float16",
            Elem::Half(Half::BF16) => "bfloat16",
            Elem::F32 => "float32",
            Elem::F64 => "float64",
        }
    }
    /// Bool or integer: what labels may be stored as.
    pub(crate) fn is_integral(self) -> bool {
        matches!(self, Elem::Bool | Elem::Int { .. })
    }
}

/// Stored elements: the bytes, their type and byte order.
#[derive(Clone, Copy)]
pub(crate) struct Raw<'a> {
    pub(crate) data: &'a [u8],
    pub(crate) elem: Elem,
    pub(crate) big_endian: bool,
}

/// Why an element could not be converted.
#[derive(Debug)]
pub(crate) enum Bad {
    /// Its value has no exact counterpart in the target type.
    Inexact {
        /// Row-major index of the element.
        index: usize,
        /// The stored value, as text.
        value: String,
    },
    /// A bool stored as a byte other than 0 and 1.
    Bool {
        /// Row-major index of the element.
        index: usize,
        /// Index of the element in storage order (its byte offset in the
        /// data).
        storage: usize,
        /// The byte.
        byte: u8,
    },
    /// Labels were asked of floats.
    NotIntegral,
}

/// The unsigned value of an integer of `c.len()` bytes (1 to 8).
fn uint(c: &[u8], big_endian: bool) -> u64 {
    let fold = |acc: u64, &b: &u8| (acc << 8) | u64::from(b);
    if big_endian {
        c.iter().fold(0, fold)
    } else {
        c.iter().rev().fold(0, fold)
    }
}

/// The value of a stored integer.
fn int(c: &[u8], signed: bool, big_endian: bool) -> i128 {
    let u = uint(c, big_endian);
    if signed {
        let unused = 64 - 8 * c.len() as u32;
        i128::from(((u << unused) as i64) >> unused)
    } else {
        i128::from(u)
    }
}

/// Whether a float with `digits` significand bits holds `v` exactly
/// (exponent range is no limit: 64-bit integers are far inside `f32`'s).
fn exact_in(v: i128, digits: u32) -> bool {
    let m = v.unsigned_abs();
    m == 0 || (m >> m.trailing_zeros()) < (1u128 << digits)
}

/// The stored value of element `storage` as text, for messages.
fn value_text(raw: &Raw<'_>, storage: usize) -> String {
    let size = raw.elem.size();
    let c = &raw.data[storage * size..(storage + 1) * size];
    match raw.elem {
        Elem::Bool => format!("{}", c[0]),
        Elem::Int { signed, .. } => int(c, signed, raw.big_endian).to_string(),
        Elem::Half(h) => format!(
            "{:?}",
            half::widen::<f64>(h, uint(c, raw.big_endian) as u16)
        ),
        Elem::F32 => format!("{:?}", f32::from_bits(uint(c, raw.big_endian) as u32)),
        Elem::F64 => format!("{:?}", f64::from_bits(uint(c, raw.big_endian))),
    }
}

/// Converts every element with `f`, in row-major order of a `rows x cols`
/// array stored in row-major order, or column-major when `fortran` (one
/// pass, one allocation). On failure, the row-major and the storage index
/// of the first element `f` refused.
fn gather<T>(
    data: &[u8],
    size: usize,
    (rows, cols, fortran): (usize, usize, bool),
    mut f: impl FnMut(&[u8]) -> Option<T>,
) -> Result<Vec<T>, (usize, usize)> {
    let mut out = Vec::with_capacity(data.len() / size.max(1));
    if !fortran || rows <= 1 || cols <= 1 {
        for (k, c) in data.chunks_exact(size).enumerate() {
            out.push(f(c).ok_or((k, k))?);
        }
    } else {
        for i in 0..rows {
            for j in 0..cols {
                let s = j * rows + i;
                let c = &data[s * size..(s + 1) * size];
                out.push(f(c).ok_or((i * cols + j, s))?);
            }
        }
    }
    Ok(out)
}

/// The failure at `(index, storage)` as a [`Bad`].
fn bad(raw: &Raw<'_>, (index, storage): (usize, usize)) -> Bad {
    match raw.elem {
        Elem::Bool => Bad::Bool {
            index,
            storage,
            byte: raw.data[storage],
        },
        _ => Bad::Inexact {
            index,
            value: value_text(raw, storage),
        },
    }
}

/// The elements of a `rows x cols` array (`data` must hold exactly
/// `rows * cols` of them) as `T`, in row-major order, each exact.
///
/// `F32` into `f64` is the exact widening and `F64` into `f32` succeeds only
/// for values `f32` holds exactly (and NaN); the safetensors reader refuses
/// both before calling this (a checkpoint is read at its own width).
pub(crate) fn floats<T: Scalar>(raw: &Raw<'_>, shape: (usize, usize, bool)) -> Result<Vec<T>, Bad> {
    let be = raw.big_endian;
    let size = raw.elem.size();
    let digits = if T::BYTES == 4 { 24 } else { 53 };
    let got = match raw.elem {
        Elem::Bool => gather(raw.data, size, shape, |c| match c[0] {
            0 => Some(T::ZERO),
            1 => Some(T::ONE),
            _ => None,
        }),
        Elem::Int { signed, .. } => gather(raw.data, size, shape, |c| {
            let v = int(c, signed, be);
            // Exactly representable, so the i128 → f64 → T casts are exact.
            exact_in(v, digits).then(|| T::from_f64(v as f64))
        }),
        Elem::Half(h) => gather(raw.data, size, shape, |c| {
            Some(half::widen(h, uint(c, be) as u16))
        }),
        Elem::F32 | Elem::F64 if size == T::BYTES => gather(raw.data, size, shape, |c| {
            if be {
                let mut b = [0u8; 8];
                let b = &mut b[..size];
                b.copy_from_slice(c);
                b.reverse();
                Some(T::read_le(b))
            } else {
                Some(T::read_le(c))
            }
        }),
        Elem::F32 => gather(raw.data, size, shape, |c| {
            Some(T::from_f64(f64::from(f32::from_bits(uint(c, be) as u32))))
        }),
        Elem::F64 => gather(raw.data, size, shape, |c| {
            let v = f64::from_bits(uint(c, be));
            let t = T::from_f64(v);
            // A NaN stays a NaN (its payload's low bits cannot).
            (t.to_f64() == v || v.is_nan()).then_some(t)
        }),
    };
    got.map_err(|at| bad(raw, at))
}

/// The elements (bool or integer) as labels, in storage order: each a
/// non-negative integer that fits `usize`; a bool is 0 or 1.
pub(crate) fn labels(raw: &Raw<'_>) -> Result<Vec<usize>, Bad> {
    let be = raw.big_endian;
    let size = raw.elem.size();
    let flat = (1, raw.data.len() / size.max(1), false);
    let got = match raw.elem {
        Elem::Bool => gather(raw.data, size, flat, |c| match c[0] {
            b @ (0 | 1) => Some(usize::from(b)),
            _ => None,
        }),
        Elem::Int { signed, .. } => gather(raw.data, size, flat, |c| {
            usize::try_from(int(c, signed, be)).ok()
        }),
        _ => return Err(Bad::NotIntegral),
    };
    got.map_err(|at| bad(raw, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_convert_only_when_exact() {
        for (v, f32_ok, f64_ok) in [
            (0i128, true, true),
            (1 << 24, true, true),
            ((1 << 24) + 1, false, true),
            (-(1 << 24) - 1, false, true),
            ((1 << 24) + 2, true, true),
            (1 << 53, true, true),
            ((1 << 53) + 1, false, false),
            ((1 << 53) + 2, false, true),
            (i128::from(i64::MIN), true, true),
            (i128::from(i64::MAX), false, false),
            (i128::from(u64::MAX), false, false),
            (1 << 63, true, true),
        ] {
            assert_eq!(exact_in(v, 24), f32_ok, "{v}");
            assert_eq!(exact_in(v, 53), f64_ok, "{v}");
            if f32_ok {
                assert_eq!(v as f32 as i128, v);
            }
            if f64_ok {
                assert_eq!(v as f64 as i128, v);
            }
        }
    }

    #[test]
    fn integers_of_every_width_and_order() {
        fn raw(data: &[u8], bytes: usize, signed: bool, big_endian: bool) -> Raw<'_> {
            Raw {
                data,
                elem: Elem::Int { bytes, signed },
                big_endian,
            }
        }
        let d = [0xffu8, 0xfe, 0x00, 0x01];
        assert_eq!(
            floats::<f64>(&raw(&d, 2, true, false), (1, 2, false)).unwrap(),
            [-257.0, 256.0]
        );
        assert_eq!(
            floats::<f64>(&raw(&d, 2, true, true), (1, 2, false)).unwrap(),
            [-2.0, 1.0]
        );
        assert_eq!(
            floats::<f32>(&raw(&d, 2, false, true), (2, 1, true)).unwrap(),
            [65534.0, 1.0]
        );
        assert_eq!(
            floats::<f32>(&raw(&d, 1, true, false), (2, 2, true)).unwrap(),
            [-1.0, 0.0, -2.0, 1.0]
        );
        assert_eq!(labels(&raw(&d, 1, false, false)).unwrap(), [255, 254, 0, 1]);
        match labels(&raw(&d, 1, true, false)) {
            Err(Bad::Inexact { index: 0, value }) => assert_eq!(value, "-1"),
            other => panic!("{other:?}"),
        }
        let b = [1u8, 0, 2];
        let raw = Raw {
            data: &b,
            elem: Elem::Bool,
            big_endian: false,
        };
        assert!(matches!(
            floats::<f32>(&raw, (1, 3, false)),
            Err(Bad::Bool {
                index: 2,
                storage: 2,
                byte: 2
            })
        ));
    }
}
