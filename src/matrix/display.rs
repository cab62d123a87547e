//! `Display` in the style of numpy's `array` repr; `Debug` shows shape and dtype.

use super::Matrix;
use crate::scalar::Scalar;
use std::fmt;

/// Above this many elements, numpy (and we) print only the first and last
/// `EDGE_ITEMS` rows and columns.
const THRESHOLD: usize = 1000;
const EDGE_ITEMS: usize = 3;
/// numpy's default print precision.
const PRECISION: usize = 8;

/// Positional formatting like numpy's default float repr: up to 8 decimals,
/// trailing zeros dropped, but always a decimal point (`1.`, `0.5`, `-2.25`).
fn positional(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let mut s = format!("{v:.PRECISION$}");
    while s.ends_with('0') {
        s.pop();
    }
    if s == "-0." && v == 0.0 && v.is_sign_positive() {
        s = "0.".into();
    }
    s
}

/// Fraction digits of the shortest (≤ 8 digit) scientific mantissa of `v`.
fn sci_digits(v: f64) -> usize {
    if !v.is_finite() {
        return 0;
    }
    let s = format!("{v:.PRECISION$e}");
    let mant = s.split_once('e').map_or(s.as_str(), |(m, _)| m);
    let frac = mant.split_once('.').map_or("", |(_, f)| f);
    frac.trim_end_matches('0').len()
}

/// numpy's scientific notation with a shared number of mantissa digits and
/// a signed, two-digit exponent: `1.5e-05`, `2.0e+00`, `1.e+10`.
fn scientific(v: f64, digits: usize) -> String {
    if !v.is_finite() {
        return positional(v);
    }
    let s = format!("{v:.digits$e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let mant = if digits == 0 {
        format!("{mant}.")
    } else {
        mant.to_string()
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mant}e{sign}{:02}", exp.abs())
}

fn visible(n: usize, elide: bool) -> Vec<Option<usize>> {
    if elide && n > 2 * EDGE_ITEMS {
        let mut v: Vec<Option<usize>> = (0..EDGE_ITEMS).map(Some).collect();
        v.push(None);
        v.extend((n - EDGE_ITEMS..n).map(Some));
        v
    } else {
        (0..n).map(Some).collect()
    }
}

impl<T: Scalar> fmt::Display for Matrix<T> {
    /// ```
    /// use groundup::Matrix;
    /// let m = Matrix::from_vec(2, 2, vec![1.0f64, -2.5, 3.0, 40.0]).unwrap();
    /// assert_eq!(m.to_string(), "[[ 1.  -2.5]\n [ 3.  40. ]]");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let elide = self.len() > THRESHOLD;
        let rows = visible(self.rows, elide);
        let cols = visible(self.cols, elide);
        // Choose the notation from the shown finite values, as numpy does.
        let finite: Vec<f64> = rows
            .iter()
            .flatten()
            .flat_map(|&i| cols.iter().flatten().map(move |&j| (i, j)))
            .map(|(i, j)| self.data[i * self.cols + j].to_f64())
            .filter(|v| v.is_finite())
            .collect();
        let max = finite.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let min_nz = finite
            .iter()
            .filter(|v| **v != 0.0)
            .fold(f64::INFINITY, |m, v| m.min(v.abs()));
        let sci = max >= 1e8 || (min_nz.is_finite() && (min_nz < 1e-4 || max / min_nz > 1e3));
        let digits = finite.iter().map(|&v| sci_digits(v)).max().unwrap_or(0);
        let fmt_one = |v: f64| {
            if sci {
                scientific(v, digits)
            } else {
                positional(v)
            }
        };
        // Align on the decimal point: pad integer parts left, fractions right.
        let cells: Vec<Vec<Option<String>>> = rows
            .iter()
            .map(|r| {
                cols.iter()
                    .map(|c| match (r, c) {
                        (Some(i), Some(j)) => Some(fmt_one(self.data[i * self.cols + j].to_f64())),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        let split = |s: &str| -> (usize, usize) {
            match s.find(['.', 'e']) {
                Some(p) => (p, s.len() - p),
                None => (s.len(), 0),
            }
        };
        let (mut left, mut right) = (0, 0);
        for s in cells.iter().flatten().flatten() {
            let (l, r) = split(s);
            left = left.max(l);
            right = right.max(r);
        }
        if self.rows == 0 || self.cols == 0 {
            return write!(f, "[], shape=({}, {})", self.rows, self.cols);
        }
        f.write_str("[")?;
        for (ri, row) in cells.iter().enumerate() {
            if ri > 0 {
                f.write_str("\n ")?;
            }
            if rows[ri].is_none() {
                f.write_str("...")?;
                continue;
            }
            f.write_str("[")?;
            for (ci, cell) in row.iter().enumerate() {
                if ci > 0 {
                    f.write_str(" ")?;
                }
                match cell {
                    Some(s) => {
                        let (l, r) = split(s);
                        write!(f, "{}{}{}", " ".repeat(left - l), s, " ".repeat(right - r))?;
                    }
                    None => f.write_str("...")?,
                }
            }
            f.write_str("]")?;
        }
        f.write_str("]")
    }
}

impl<T: Scalar> fmt::Debug for Matrix<T> {
    /// ```
    /// use groundup::Matrix;
    /// let m = Matrix::<f32>::zeros(2, 3);
    /// assert!(format!("{m:?}").starts_with("Matrix<float32>(2, 3)"));
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Matrix<{}>({}, {}) ", T::DTYPE, self.rows, self.cols)?;
        fmt::Display::fmt(self, f)
    }
}
