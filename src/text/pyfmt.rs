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
