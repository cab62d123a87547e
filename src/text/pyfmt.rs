//! Python's `repr(float)` (and numpy's `str` of a scalar, which follows it),
//! so printed similarities read exactly as the book's output.

/// Formats `x` as Python prints a float: the shortest digits that read
/// back to `x`, positional between `1e-4` and `1e16`, scientific outside
/// (`1e-05`, `1.5e+16`), integers with `.0`. Pass an `f32` widened to f64
/// with [`f32` digits](py_float_f32) when printing a numpy `float32`.
///
/// ```
/// use groundup::text::py_float;
/// assert_eq!(py_float(0.1), "0.1");
/// assert_eq!(py_float(1.0), "1.0");
/// assert_eq!(py_float(1.5e-5), "1.5e-05");
/// assert_eq!(py_float(2e16), "2e+16");
/// assert_eq!(py_float(f64::from(0.7f32)), "0.699999988079071");
/// ```
pub fn py_float(x: f64) -> String {
    layout(
        x.is_nan(),
        x.is_infinite(),
        x.is_sign_negative(),
        &format!("{:e}", x.abs()),
    )
}

/// [`py_float`] with the shortest digits of an `f32`: numpy's
/// `str(np.float32(x))`, as the book prints `np.dot` results of float32
/// vectors.
///
/// ```
/// use groundup::text::py_float_f32;
/// assert_eq!(py_float_f32(0.7), "0.7");
/// assert_eq!(py_float_f32(1e-5), "1e-05");
/// ```
pub fn py_float_f32(x: f32) -> String {
    layout(
        x.is_nan(),
        x.is_infinite(),
        x.is_sign_negative(),
        &format!("{:e}", x.abs()),
    )
}

/// Lays out Rust's shortest scientific form (`d.ddde±x`) Python's way.
fn layout(nan: bool, inf: bool, negative: bool, sci: &str) -> String {
    if nan {
        return "nan".into();
    }
    let sign = if negative { "-" } else { "" };
    if inf {
        return format!("{sign}inf");
    }
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponent");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let body = if (-4..16).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                format!("{digits}{}.0", "0".repeat(int_len - digits.len()))
            } else {
                format!("{}.{}", &digits[..int_len], &digits[int_len..])
            }
        } else {
            format!("0.{}{digits}", "0".repeat((-exp - 1) as usize))
        }
    } else {
        let m = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits
        };
        format!("{m}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    };
    format!("{sign}{body}")
}

/// Shortest round-trip digits of `x` (an `f32` when `single`) as
/// `(negative, digits, exponent)` with value `0.d1d2… × 10^(exponent+1)`
/// … written here as `d1.d2d3… × 10^exponent`.
fn shortest(x: f64, single: bool) -> (bool, String, i32) {
    let s = if single {
        format!("{:e}", (x as f32).abs())
    } else {
        format!("{:e}", x.abs())
    };
    let (m, e) = s.split_once('e').expect("{:e} has an exponent");
    (
        x.is_sign_negative(),
        m.replace('.', ""),
        e.parse().expect("exponent"),
    )
}

/// One element in positional notation with at most 8 fractional digits
/// (numpy's `dragon4_positional(unique=True, precision=8, trim='.')`):
/// `(integer part with sign, fractional digits)`.
fn positional(x: f64, single: bool) -> (String, String) {
    let (neg, digits, exp) = shortest(x, single);
    let frac_len = digits.len() as i32 - 1 - exp;
    let text = if frac_len > 8 {
        // more digits than the precision: round the exact value
        let t = format!("{:.8}", x.abs());
        t.trim_end_matches('0').to_string()
    } else if exp >= 0 {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            format!("{digits}{}.", "0".repeat(int_len - digits.len()))
        } else {
            format!("{}.{}", &digits[..int_len], &digits[int_len..])
        }
    } else {
        format!("0.{}{digits}", "0".repeat((-exp - 1) as usize))
    };
    let (int, frac) = text.split_once('.').expect("a point");
    let sign = if neg { "-" } else { "" };
    (format!("{sign}{int}"), frac.to_string())
}

/// numpy's `str()` of a 1-d float array (`print(word_vecs[i])` in the
/// book): numpy 2's defaults — at most 8 fractional digits, the fewest
/// that identify each value, aligned on the point; scientific notation
/// when the magnitudes span more than 1000× or leave [1e-4, 1e8);
/// lines wrapped at 75 characters. `f32` values get `float32` digits.
///
/// ```
/// use groundup::text::numpy_str;
/// assert_eq!(numpy_str(&[1.5f32, 0.25, -3.0]), "[ 1.5   0.25 -3.  ]");
/// assert_eq!(numpy_str(&[-7.42165e-6f32, 2.2697546e-5]), "[-7.4216500e-06  2.2697546e-05]");
/// ```
pub fn numpy_str<T: crate::Scalar>(values: &[T]) -> String {
    let single = T::DTYPE == crate::DType::F32;
    let xs: Vec<f64> = values.iter().map(|v| v.to_f64()).collect();
    let finite: Vec<f64> = xs.iter().copied().filter(|v| v.is_finite()).collect();
    let nonzero: Vec<f64> = finite
        .iter()
        .map(|v| v.abs())
        .filter(|&v| v != 0.0)
        .collect();
    let exp_format = if nonzero.is_empty() {
        false
    } else {
        let max = nonzero.iter().copied().fold(0.0, f64::max);
        let min = nonzero.iter().copied().fold(f64::INFINITY, f64::min);
        max >= 1e8 || min < 1e-4 || max / min > 1000.0
    };
    let words: Vec<String> = if exp_format {
        let parts: Vec<(bool, String, i32)> = xs.iter().map(|&x| shortest(x, single)).collect();
        let precision = parts
            .iter()
            .map(|(_, d, _)| d.len() - 1)
            .max()
            .unwrap_or(0)
            .min(8);
        let exp_digits = parts
            .iter()
            .map(|(_, _, e)| e.unsigned_abs().to_string().len())
            .max()
            .unwrap_or(2)
            .max(2);
        let pad_left = if parts.iter().any(|(n, _, _)| *n) {
            2
        } else {
            1
        };
        let _ = &xs;
        parts
            .iter()
            .zip(&xs)
            .map(|((neg, digits, e), &x)| {
                // the shortest digits padded with zeros to the common
                // precision; rounded (exactly) only where they are longer
                let (m, e) = if digits.len() - 1 > precision {
                    let s = format!("{:.*e}", precision, x.abs());
                    let (m, e) = s.split_once('e').expect("exponent");
                    (m.to_string(), e.parse::<i32>().expect("exponent"))
                } else {
                    let frac = format!("{:0<precision$}", &digits[1..]);
                    let m = if precision > 0 {
                        format!("{}.{frac}", &digits[..1])
                    } else {
                        format!("{}.", &digits[..1])
                    };
                    (m, *e)
                };
                let m = format!("{}{m}", if *neg { "-" } else { "" });
                let sign = if e < 0 { '-' } else { '+' };
                format!(
                    "{m:>width$}e{sign}{:0exp_digits$}",
                    e.abs(),
                    width = pad_left + 1 + precision
                )
            })
            .collect()
    } else {
        let parts: Vec<(String, String)> = xs.iter().map(|&x| positional(x, single)).collect();
        let pad_left = parts.iter().map(|(i, _)| i.len()).max().unwrap_or(0);
        let pad_right = parts.iter().map(|(_, f)| f.len()).max().unwrap_or(0);
        parts
            .iter()
            .map(|(i, f)| format!("{i:>pad_left$}.{f:<pad_right$}"))
            .collect()
    };
    // numpy's _formatArray: a hanging indent of one space, wrap before a
    // word that would pass 74 columns (75 less the closing ']').
    let mut out = String::new();
    let mut line = String::from(" ");
    for (k, w) in words.iter().enumerate() {
        let last = k + 1 == words.len();
        if line.len() + w.len() > 74 && line.len() > 1 {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(" ");
        }
        line.push_str(w);
        if !last {
            line.push(' ');
        }
    }
    out.push_str(&line);
    format!("[{}]", &out[1..])
}
