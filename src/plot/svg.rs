//! Small SVG-writing helpers: compact numbers, escaped text, the document
//! skeleton, and the palette and marker shapes shared by every figure.

use std::fmt::{self, Display, Write as _};

/// Appends formatted text to a `String`. Writing to a `String` cannot fail
/// (none of our `Display` impls return an error), so the result is dropped.
macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {{
        use ::std::fmt::Write as _;
        let _ = $dst.write_fmt(format_args!($($arg)*));
    }};
}
pub(crate) use w;

/// A coordinate or length printed with at most two decimals and no trailing
/// zeros (`12.5`, `3`, `-0.25`), so files stay small. Non-finite values print
/// as `0`, which keeps the document valid; callers never pass them on purpose.
#[derive(Clone, Copy)]
pub(crate) struct N(pub f64);

impl Display for N {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = if self.0.is_finite() { self.0 } else { 0.0 };
        // Round to hundredths as an integer, so there is nothing to trim
        // but the zeros of the fraction.
        let hundredths = (v * 100.0).round();
        if hundredths == 0.0 {
            return f.write_str("0");
        }
        if hundredths.abs() >= 1e15 {
            // Far outside any canvas; no fraction to print.
            return write!(f, "{hundredths:.0}e-2");
        }
        let h = hundredths as i64;
        let (sign, h) = if h < 0 { ("-", -h) } else { ("", h) };
        let (int, frac) = (h / 100, h % 100);
        match frac {
            0 => write!(f, "{sign}{int}"),
            _ if frac % 10 == 0 => write!(f, "{sign}{int}.{}", frac / 10),
            _ => write!(f, "{sign}{int}.{frac:02}"),
        }
    }
}

/// Text escaped for XML character data and attribute values: `& < > " '`
/// become entities, and characters XML 1.0 forbids (C0 controls other than
/// tab, newline and carriage return; U+FFFE; U+FFFF) become U+FFFD.
pub(crate) struct Esc<'a>(pub &'a str);

impl Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&apos;")?,
                '\t' | '\n' | '\r' => f.write_char(c)?,
                c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                    f.write_char('\u{FFFD}')?
                }
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// Font sizes in pixels.
pub(crate) const TICK_FONT: f64 = 12.0;
pub(crate) const LABEL_FONT: f64 = 14.0;
pub(crate) const TITLE_FONT: f64 = 16.0;

/// A conservative width estimate for `text` in a sans-serif font of size
/// `font` px (no font metrics without dependencies). The per-character
/// widths are those of DejaVu Sans, the widest common default sans-serif
/// face (digits 0.636 em; Arial/Helvetica digits are 0.556 em), rounded up.
pub(crate) fn text_width(text: &str, font: f64) -> f64 {
    text.chars()
        .map(|c| match c {
            '0'..='9' => 0.64,
            '.' | ',' | ':' | ';' | '!' | '|' | '\'' | ' ' => 0.33,
            'i' | 'j' | 'l' => 0.29,
            '-' | '(' | ')' | '[' | ']' | 'f' | 't' | 'r' | 'I' => 0.42,
            'm' => 0.98,
            'w' | 'W' | 'M' => 0.99,
            c if c.is_ascii_uppercase() => 0.78,
            c if c.is_ascii() => 0.64,
            _ => 1.0,
        })
        .sum::<f64>()
        * font
}

/// Okabe–Ito colour-blind-safe palette, ordered so the first three match the
/// look of matplotlib's default blue / orange / green.
pub(crate) const PALETTE: [&str; 8] = [
    "#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#f0e442", "#000000",
];

/// [`PALETTE`] at 30 % over white: region fills for decision boundaries.
pub(crate) const TINTS: [&str; 8] = [
    "#b2d5e8", "#f8e2b2", "#b2e2d5", "#f2cfb2", "#f0d7e5", "#cce8f8", "#faf7c6", "#b2b2b2",
];

/// Colour index of class `k`.
pub(crate) fn color_of(k: usize) -> usize {
    k % PALETTE.len()
}

/// Marker shapes, cycled per class: the book's `'o'`, `'x'`, `'^'`, then
/// more that stay distinct without colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Marker {
    Circle,
    Cross,
    TriangleUp,
    Square,
    Diamond,
    TriangleDown,
    Plus,
}

const MARKERS: [Marker; 7] = [
    Marker::Circle,
    Marker::Cross,
    Marker::TriangleUp,
    Marker::Square,
    Marker::Diamond,
    Marker::TriangleDown,
    Marker::Plus,
];

/// Marker of class `k`. 7 shapes × 8 colours: the first 56 classes get
/// distinct (shape, colour) pairs.
pub(crate) fn marker_of(k: usize) -> Marker {
    MARKERS[k % MARKERS.len()]
}

/// Marker "radius" in px (matplotlib `s=40` is a ≈ 8.8 px wide marker).
pub(crate) const MARKER_R: f64 = 4.2;

impl Marker {
    /// Whether the shape is drawn with a stroke only (`x`, `+`) rather than a
    /// filled outline.
    pub(crate) fn is_line(self) -> bool {
        matches!(self, Marker::Cross | Marker::Plus)
    }

    /// Style attributes for a `<g>` holding markers of this shape in
    /// `color`: filled shapes get a thin darker edge, line shapes a stroke.
    pub(crate) fn group_style(self, color: &str) -> String {
        if self.is_line() {
            format!(r#"fill="none" stroke="{color}" stroke-width="1.6""#)
        } else {
            format!(r#"fill="{color}" fill-opacity="0.85" stroke="{color}" stroke-width="0.8""#)
        }
    }

    /// Appends one marker centred at `(x, y)` (pixels), with `r` its radius.
    pub(crate) fn write(self, out: &mut String, x: f64, y: f64, r: f64) {
        match self {
            Marker::Circle => {
                w!(out, r#"<circle cx="{}" cy="{}" r="{}"/>"#, N(x), N(y), N(r))
            }
            Marker::Cross => {
                let d = r * 0.9;
                w!(
                    out,
                    r#"<path d="M{} {}l{} {}m0 {}l{} {}"/>"#,
                    N(x - d),
                    N(y - d),
                    N(2.0 * d),
                    N(2.0 * d),
                    N(-2.0 * d),
                    N(-2.0 * d),
                    N(2.0 * d)
                )
            }
            Marker::Plus => {
                let d = r * 1.1;
                w!(
                    out,
                    r#"<path d="M{} {}h{}m{} {}v{}"/>"#,
                    N(x - d),
                    N(y),
                    N(2.0 * d),
                    N(-d),
                    N(-d),
                    N(2.0 * d)
                )
            }
            Marker::TriangleUp | Marker::TriangleDown => {
                // Equilateral, centroid at (x, y).
                let s = if self == Marker::TriangleUp {
                    1.0
                } else {
                    -1.0
                };
                let r = r * 1.15;
                let half = r * 0.866;
                w!(
                    out,
                    r#"<path d="M{} {}l{} {}h{}z"/>"#,
                    N(x),
                    N(y - s * r),
                    N(half),
                    N(s * 1.5 * r),
                    N(-2.0 * half)
                )
            }
            Marker::Square => {
                let d = r * 0.85;
                w!(
                    out,
                    r#"<rect x="{}" y="{}" width="{}" height="{}"/>"#,
                    N(x - d),
                    N(y - d),
                    N(2.0 * d),
                    N(2.0 * d)
                )
            }
            Marker::Diamond => {
                let d = r * 1.1;
                w!(
                    out,
                    r#"<path d="M{} {}l{} {}l{} {}l{} {}z"/>"#,
                    N(x),
                    N(y - d),
                    N(d),
                    N(d),
                    N(-d),
                    N(d),
                    N(-d),
                    N(-d)
                )
            }
        }
    }
}

/// Opens the document: root element with `width`/`height`/`viewBox` (so it
/// scales when embedded), sans-serif font, and a white background.
pub(crate) fn begin(out: &mut String, width: f64, height: f64, title: Option<&str>) {
    w!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\">\n",
        w = N(width),
        h = N(height)
    );
    if let Some(t) = title {
        // Tooltip / accessible name.
        w!(out, "<title>{}</title>\n", Esc(t));
    }
    w!(
        out,
        "<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n",
        N(width),
        N(height)
    );
}

/// Closes the document opened by [`begin`].
pub(crate) fn end(out: &mut String) {
    out.push_str("</svg>\n");
}

/// Appends a `<text>` element.
#[allow(clippy::too_many_arguments)]
pub(crate) fn text(
    out: &mut String,
    class: &str,
    x: f64,
    y: f64,
    font: f64,
    anchor: &str,
    extra: &str,
    content: &str,
) {
    w!(
        out,
        r#"<text class="{}" x="{}" y="{}" font-size="{}" text-anchor="{}"{}>{}</text>"#,
        class,
        N(x),
        N(y),
        N(font),
        anchor,
        extra,
        Esc(content)
    );
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_compact() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (-0.001, "0"),
            (12.5, "12.5"),
            (3.0, "3"),
            (-0.25, "-0.25"),
            (1.005, "1"),
            (1.239, "1.24"),
            (-7.1, "-7.1"),
            (f64::NAN, "0"),
            (f64::INFINITY, "0"),
        ];
        for (v, s) in cases {
            assert_eq!(N(v).to_string(), s, "{v}");
        }
        assert_eq!(N(1e300).to_string().parse::<f64>().unwrap(), 1e300);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            Esc("a<b & \"c\" 'd'>\u{1}\té").to_string(),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{FFFD}\té"
        );
    }
}
