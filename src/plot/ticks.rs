//! Axis limits and "nice numbers" ticks: steps of 1, 2 or 5 × 10ᵏ, labels
//! with just enough decimals to tell neighbours apart.

/// Ticks of one axis: positions in data units and their labels.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Ticks {
    pub values: Vec<f64>,
    pub labels: Vec<String>,
}

/// `hi - lo` without overflowing when both are near `f64::MAX`.
pub(crate) fn span(lo: f64, hi: f64) -> f64 {
    let s = hi - lo;
    if s.is_finite() {
        s
    } else {
        f64::MAX
    }
}

/// Where `v` falls on `[lo, hi]` as a fraction (0 at `lo`, 1 at `hi`),
/// computed on halves so huge ranges do not overflow.
pub(crate) fn fraction(v: f64, lo: f64, hi: f64) -> f64 {
    (v * 0.5 - lo * 0.5) / (hi * 0.5 - lo * 0.5)
}

/// Axis limits for data in `[min, max]` (both finite, `min <= max`), padded
/// by `margin` × the range on each side like matplotlib's autoscaling. A
/// zero range is widened first (by 10 % of the value, or ±1 around 0), so
/// constant data still gets an axis. The result is finite and `lo < hi`.
pub(crate) fn limits(min: f64, max: f64, margin: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (min, max);
    if hi <= lo {
        let d = if min == 0.0 {
            1.0
        } else {
            (min.abs() * 0.1).max(1e-300)
        };
        lo = min - d;
        hi = max + d;
        if !hi.is_finite() {
            hi = max;
            lo = min - 2.0 * d;
        } else if !lo.is_finite() {
            lo = min;
            hi = max + 2.0 * d;
        }
    }
    let pad = span(lo, hi) * margin;
    let (l2, h2) = (lo - pad, hi + pad);
    if l2.is_finite() && h2.is_finite() && h2 > l2 {
        (l2, h2)
    } else {
        (lo, hi)
    }
}

/// `10^e`, correctly rounded for negative `e` too (`1 / 10^-e`).
fn pow10(e: i32) -> f64 {
    if e >= 0 {
        10f64.powi(e)
    } else {
        1.0 / 10f64.powi(-e)
    }
}

/// Tick step mantissas, as matplotlib's `MaxNLocator` default.
const MANTISSAS: [f64; 4] = [1.0, 2.0, 2.5, 5.0];

/// How many multiples of `step` lie in `[lo, hi]`, and the first and last.
fn multiples(lo: f64, hi: f64, step: f64) -> (f64, f64, f64) {
    let k0 = (lo / step - 1e-9).ceil();
    let k1 = (hi / step + 1e-9).floor();
    ((k1 - k0 + 1.0).max(0.0), k0, k1)
}

/// At most `max_ticks` nice ticks inside `[lo, hi]`: multiples of the
/// smallest step {1, 2, 2.5, 5} × 10ᵏ that yields no more than `max_ticks`;
/// if that leaves fewer than two, a finer step that gives two. With
/// `integer` only whole steps are used (iteration counts). Returns no ticks
/// only for degenerate input (non-finite or empty range).
pub(crate) fn nice_ticks(lo: f64, hi: f64, max_ticks: usize, integer: bool) -> Ticks {
    let mut ticks = Ticks {
        values: Vec::new(),
        labels: Vec::new(),
    };
    if !(lo.is_finite() && hi.is_finite() && hi > lo) {
        return ticks;
    }
    let m = max_ticks.max(2) as f64;
    // A lower bound on the step: (hi - lo) / (m + 1), without overflow.
    let raw = hi / (m + 1.0) - lo / (m + 1.0);
    if !(raw > 0.0 && raw.is_finite()) {
        return ticks;
    }
    // Candidate steps in increasing order, from just below `raw`.
    let e0 = raw.log10().floor() as i32 - 1;
    let candidates = (e0..e0 + 4)
        .flat_map(|e| MANTISSAS.iter().map(move |&f| f * pow10(e)))
        .filter(|&s| s.is_finite() && s > 0.0 && (!integer || s.fract() == 0.0));
    // (step, count) of the smallest step with count <= m, and of the largest
    // step with count >= 2 (the fallback).
    let mut fit = None;
    let mut two = None;
    for step in candidates {
        let (count, _, _) = multiples(lo, hi, step);
        if count >= 2.0 {
            two = Some(step);
        }
        if count <= m {
            fit = Some((step, count));
            break;
        }
    }
    let step = match (fit, two) {
        (Some((s, c)), _) if c >= 2.0 => s,
        (_, Some(s)) => s,
        (Some((s, _)), None) => s,
        (None, None) => return ticks,
    };
    let (_, k0, k1) = multiples(lo, hi, step);
    let mut k = k0;
    while k <= k1 && ticks.values.len() <= max_ticks * 3 {
        // Exact zero rather than -0.
        ticks.values.push(if k == 0.0 { 0.0 } else { k * step });
        k += 1.0;
    }
    ticks.labels = format_ticks(&ticks.values, step);
    ticks
}

/// Decimals needed to write `x` (> 0) exactly-ish: 0.25 → 2, 2.5 → 1, 50 → 0.
fn decimals_of(x: f64) -> usize {
    (0..15)
        .find(|&d| {
            let s = x * pow10(d as i32);
            (s - s.round()).abs() < 1e-6 * s.max(1.0)
        })
        .unwrap_or(15)
}

/// Labels for ticks `step` apart: fixed notation with the decimals `step`
/// needs, or scientific (`1.5e-5`) for very large or very fine values.
pub(crate) fn format_ticks(values: &[f64], step: f64) -> Vec<String> {
    let max_abs = values.iter().fold(0f64, |m, v| m.max(v.abs()));
    let step_exp = step.log10().floor();
    if max_abs >= 1e6 || step < 1e-4 {
        // Each label gets the significant digits the step needs at its own
        // magnitude; trailing zeros of the mantissa are dropped.
        let extra = decimals_of(step / pow10(step_exp as i32)) as f64;
        values
            .iter()
            .map(|&v| {
                if v == 0.0 {
                    return "0".to_string();
                }
                let digits = (v.abs().log10().floor() - step_exp + extra).clamp(0.0, 15.0) as usize;
                let s = format!("{v:.digits$e}");
                match s.split_once('e') {
                    Some((m, e)) if m.contains('.') => {
                        format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.'))
                    }
                    _ => s,
                }
            })
            .collect()
    } else {
        let decimals = decimals_of(step);
        values
            .iter()
            .map(|&v| {
                let s = format!("{v:.decimals$}");
                // "-0.0" → "0.0"
                if s.starts_with('-') && s[1..].bytes().all(|b| b == b'0' || b == b'.') {
                    s[1..].to_string()
                } else {
                    s
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(lo: f64, hi: f64, m: usize) -> Vec<String> {
        nice_ticks(lo, hi, m, false).labels
    }

    #[test]
    fn steps_are_1_2_2p5_5() {
        assert_eq!(
            labels(0.0, 1.0, 6),
            ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]
        );
        assert_eq!(
            labels(-0.05, 1.05, 6),
            ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]
        );
        assert_eq!(
            labels(0.0, 300.0, 8),
            ["0", "50", "100", "150", "200", "250", "300"]
        );
        assert_eq!(labels(-1.1, 1.1, 7), ["-1.0", "-0.5", "0.0", "0.5", "1.0"]);
        assert_eq!(labels(0.97, 1.13, 5), ["1.00", "1.05", "1.10"]);
        assert_eq!(labels(2e-6, 9e-6, 5), ["2e-6", "4e-6", "6e-6", "8e-6"]);
        assert_eq!(
            labels(0.0, 1.0, 5),
            ["0.00", "0.25", "0.50", "0.75", "1.00"]
        );
        assert_eq!(
            labels(0.0, 1e-5, 5),
            ["0", "2.5e-6", "5e-6", "7.5e-6", "1e-5"]
        );
        assert_eq!(labels(123.0, 98765.0, 3), ["25000", "50000", "75000"]);
        assert_eq!(labels(0.0, 3e7, 4), ["0", "1e7", "2e7", "3e7"]);
    }

    #[test]
    fn integer_axes_never_split_units() {
        let t = nice_ticks(-0.05, 1.05, 8, true);
        assert_eq!(t.labels, ["0", "1"]);
    }

    #[test]
    fn tick_count_is_bounded() {
        for (lo, hi) in [
            (0.0, 1.0),
            (-3.3, 7.1),
            (1e-3, 1e-3 + 1e-9),
            (123.0, 98765.0),
        ] {
            for m in 4..12 {
                let t = nice_ticks(lo, hi, m, false);
                assert!(
                    t.values.len() >= 2 && t.values.len() <= m,
                    "{lo} {hi} {m}: {t:?}"
                );
                assert!(t.values.windows(2).all(|w| w[0] < w[1]));
                assert!(t
                    .values
                    .iter()
                    .all(|v| *v >= lo - 1e-12 && *v <= hi + 1e-12));
                let mut dedup = t.labels.clone();
                dedup.dedup();
                assert_eq!(dedup, t.labels, "labels must be distinct");
            }
        }
    }

    #[test]
    fn degenerate_input() {
        assert!(nice_ticks(1.0, 1.0, 5, false).values.is_empty());
        assert!(nice_ticks(f64::NAN, 1.0, 5, false).values.is_empty());
        let t = nice_ticks(-f64::MAX, f64::MAX, 5, false);
        assert!(!t.values.is_empty() && t.values.len() <= 5);
        assert_eq!(limits(0.0, 0.0, 0.05), (-1.1, 1.1));
        let (lo, hi) = limits(f64::MAX, f64::MAX, 0.05);
        assert!(lo < hi && hi.is_finite());
        let (lo, hi) = limits(5e-324, 5e-324, 0.05);
        assert!(lo < hi);
        assert!(fraction(f64::MAX, -f64::MAX, f64::MAX) == 1.0);
    }
}
