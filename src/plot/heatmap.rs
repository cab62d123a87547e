//! The attention heat map of the book's `ch08/visualize_attention.py`.

use super::frame::{Frame, Spec};
use super::svg::{self, w, Esc, N};
use super::ticks::Ticks;
use super::Options;
use crate::matrix::MatrixView;

/// Fill of cells whose weight is NaN or infinite: Okabe–Ito vermillion,
/// which no grey of the colour map can be mistaken for.
const NON_FINITE: &str = "#d55e00";

/// matplotlib's `Greys_r` (ColorBrewer's 9-class Greys, reversed): the grey
/// level, in 0..=255, at nine evenly spaced weights from 0 to 1.
const GREYS_R: [f64; 9] = [0.0, 37.0, 82.0, 115.0, 150.0, 189.0, 217.0, 240.0, 255.0];

/// The grey level (0..=255) of a finite weight `v` as `pcolor(...,
/// cmap=plt.cm.Greys_r, vmin=0.0, vmax=1.0)` paints it: `v` clamped to
/// `[0, 1]`, quantised to one of 256 levels as matplotlib's lookup table
/// does (`min(floor(256 v), 255)`), then interpolated between the stops.
fn greys_r(v: f64) -> u8 {
    let level = ((v.clamp(0.0, 1.0) * 256.0) as usize).min(255);
    let p = level as f64 / 255.0 * 8.0;
    let k = (p as usize).min(7);
    let t = p - k as f64;
    let g = GREYS_R[k] + t * (GREYS_R[k + 1] - GREYS_R[k]);
    g.round().clamp(0.0, 255.0) as u8
}

/// A label as drawn: whitespace that SVG text would collapse or hide is
/// replaced by a visible symbol (space `␣`, tab `⇥`, newline `↵`, carriage
/// return `␍`). Escaping happens when the text is written.
fn visible(label: &str) -> String {
    label
        .chars()
        .map(|c| match c {
            ' ' => '␣',
            '\t' => '⇥',
            '\n' => '↵',
            '\r' => '␍',
            c => c,
        })
        .collect()
}

/// A weight for the cell tooltip: at most two decimals, or what it is.
fn value_text(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_string()
    } else if v.is_infinite() {
        if v > 0.0 { "inf" } else { "-inf" }.to_string()
    } else {
        N(v).to_string()
    }
}

/// Pixel coordinate rounded to hundredths, so that neighbouring cells share
/// exactly the edge that is printed.
fn r2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// An attention heat map like the book's `ch08/visualize_attention.py`:
/// one cell per weight, painted as `ax.pcolor(attention_map,
/// cmap=plt.cm.Greys_r, vmin=0.0, vmax=1.0)` paints it — 0 black, 1 white,
/// and in between the greys of matplotlib's `Greys_r` (its 256-entry lookup
/// table, to the byte) — with the first row at the top (`ax.invert_yaxis()`).
///
/// `weights` (a `&Matrix<f64>` or a [`MatrixView`]) is decoder steps ×
/// encoder steps, as the weights of one sequence (a batch of one) from
/// [`TimeAttention::attention_weights`](crate::layers::attention::TimeAttention::attention_weights):
/// row `i` is output step `i`, column `j` input step `j`.
/// `row_labels` name the rows (the y tick labels: the output characters)
/// and `column_labels` the columns (the x tick labels: the input
/// characters), one tick at the centre of every cell. (The book's script
/// calls these two lists the other way round: its `row_labels` are the
/// x tick labels.) Any `&[String]`, `&[&str]` or `Vec` of either will do.
///
/// - Labels are escaped for XML, and whitespace is made visible: a space is
///   drawn as `␣` (U+2423), a tab as `⇥`, a newline as `↵`, a carriage
///   return as `␍`.
/// - Weights outside `[0, 1]` are clamped, as matplotlib's `vmin`/`vmax`
///   do: below 0 is black, above 1 white.
/// - NaN and ±∞ (which matplotlib masks out) are painted vermillion
///   (`#d55e00`, class `cell non-finite`), distinct from every grey.
/// - Each cell is a `<rect>` of class `cell` (`cell non-finite` for those)
///   whose `<title>` tooltip gives its row, column, labels and weight (two
///   decimals).
/// - With [`Options::equal_aspect`] (the default) the cells are square;
///   `equal_aspect(false)` stretches them to fill the canvas, as the book's
///   figure does. Title, size and axis labels (none by default) are taken
///   from `opts`; the other options do not apply.
/// - Every label is drawn, however narrow the cells: for long sequences
///   widen the canvas with [`Options::size`].
/// - A matrix without rows or columns gives the frame alone (title, axis
///   labels, spines and the labels of the other dimension, if any).
///
/// # Panics
/// If `row_labels.len() != weights.rows()` or
/// `column_labels.len() != weights.cols()`; the message names both counts.
///
/// ```
/// use groundup::{matrix, plot::{self, Options}};
/// // 2 output characters attending over 3 input characters.
/// let a = matrix![[0.9, 0.1, 0.0], [0.2, 0.3, 0.5]];
/// let svg = plot::attention_map(&a, &["1", "0"], &["0", " ", "1"], &Options::new());
/// assert_eq!(svg.matches(r#"<rect class="cell""#).count(), 6);
/// assert!(svg.contains(r##"fill="#000000""##)); // the 0.0 weight is black
/// assert!(svg.contains(">␣</text>")); // the space label, made visible
///
/// // With a model: `model.decoder().attention().attention_weights()` after
/// // a forward pass of one sequence, labelled from the vocabulary (Strings).
/// let title = Options::new().title("attention").size(800.0, 400.0);
/// let svg = plot::attention_map(a.view(), &vec!["1".to_string(), "0".into()],
///                               &["0", " ", "1"], &title);
/// assert!(svg.contains(r#"width="800" height="400""#) && svg.contains(">attention</text>"));
/// ```
pub fn attention_map<'a>(
    weights: impl Into<MatrixView<'a, f64>>,
    row_labels: &[impl AsRef<str>],
    column_labels: &[impl AsRef<str>],
    opts: &Options,
) -> String {
    let weights = weights.into();
    let (rows, cols) = weights.shape();
    assert_eq!(
        row_labels.len(),
        rows,
        "plot::attention_map: {} row labels for a weights matrix of {rows} rows",
        row_labels.len()
    );
    assert_eq!(
        column_labels.len(),
        cols,
        "plot::attention_map: {} column labels for a weights matrix of {cols} columns",
        column_labels.len()
    );
    let row_names: Vec<String> = row_labels.iter().map(|l| visible(l.as_ref())).collect();
    let col_names: Vec<String> = column_labels.iter().map(|l| visible(l.as_ref())).collect();

    // Data units: column j spans x in [j, j + 1]; row i spans y in
    // [rows - i - 1, rows - i], so row 0 is at the top.
    let (nx, ny) = (cols.max(1) as f64, rows.max(1) as f64);
    let xticks = Ticks {
        values: (0..cols).map(|j| j as f64 + 0.5).collect(),
        labels: col_names.clone(),
    };
    let yticks = Ticks {
        values: (0..rows).map(|i| (rows - i) as f64 - 0.5).collect(),
        labels: row_names.clone(),
    };
    let (width, height) = opts.canvas();
    let spec = Spec {
        width,
        height,
        title: opts.title.as_deref(),
        x_label: opts.x_label.as_deref(),
        y_label: opts.y_label.as_deref(),
        xlim: (0.0, nx),
        ylim: (0.0, ny),
        x_integer: false,
        equal_aspect: opts.equal_aspect,
        legend: &[],
    };
    let frame = Frame::with_ticks(&spec, xticks, yticks);

    let mut out = String::new();
    svg::begin(&mut out, width, height, opts.title.as_deref());
    if rows > 0 && cols > 0 {
        // Edges snapped to device pixels, so neighbouring cells leave no seams.
        out.push_str("<g class=\"cells\" shape-rendering=\"crispEdges\">\n");
        let xs: Vec<f64> = (0..=cols).map(|j| r2(frame.px(j as f64))).collect();
        let ys: Vec<f64> = (0..=rows)
            .map(|i| r2(frame.py((rows - i) as f64)))
            .collect();
        for (i, row) in weights.rows_iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                let (class, fill) = if v.is_finite() {
                    let g = greys_r(v);
                    ("cell", format!("#{g:02x}{g:02x}{g:02x}"))
                } else {
                    ("cell non-finite", NON_FINITE.to_string())
                };
                w!(
                    out,
                    "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"><title>{i}, {j} ({} / {}): {}</title></rect>\n",
                    N(xs[j]),
                    N(ys[i]),
                    N(xs[j + 1] - xs[j]),
                    N(ys[i + 1] - ys[i]),
                    Esc(&row_names[i]),
                    Esc(&col_names[j]),
                    value_text(v)
                );
            }
        }
        out.push_str("</g>\n");
    }
    frame.axes(&mut out);
    svg::end(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Matrix;

    /// The value of attribute `name` in the first element of `svg` that
    /// starts with `start`.
    fn attr(svg: &str, start: &str, name: &str) -> String {
        let el = &svg[svg.find(start).unwrap_or_else(|| panic!("no {start}"))..];
        let el = &el[..el.find('>').unwrap()];
        let key = format!(" {name}=\"");
        let v = &el[el.find(&key).unwrap_or_else(|| panic!("no {name} in {el}")) + key.len()..];
        v[..v.find('"').unwrap()].to_string()
    }

    /// The `<rect class="cell...">` elements, in document order.
    fn cells(svg: &str) -> Vec<&str> {
        svg.match_indices("<rect class=\"cell")
            .map(|(k, _)| &svg[k..k + svg[k..].find("</rect>").unwrap()])
            .collect()
    }

    fn map(rows: usize, cols: usize, f: impl FnMut(usize, usize) -> f64) -> String {
        let a = Matrix::from_fn(rows, cols, f);
        let r: Vec<String> = (0..rows).map(|i| format!("r{i}")).collect();
        let c: Vec<String> = (0..cols).map(|j| format!("c{j}")).collect();
        attention_map(&a, &r, &c, &Options::new())
    }

    #[test]
    fn one_rect_per_cell() {
        for (rows, cols) in [(1, 1), (3, 5), (10, 29)] {
            let svg = map(rows, cols, |i, j| (i + j) as f64 / 40.0);
            assert_eq!(cells(&svg).len(), rows * cols, "{rows} x {cols}");
            assert_eq!(svg.matches("class=\"tick-label x\"").count(), cols);
            assert_eq!(svg.matches("class=\"tick-label y\"").count(), rows);
        }
    }

    #[test]
    fn greys_r_as_matplotlib() {
        // Greys_r(v) of matplotlib 3, bytes of its 256-entry lookup table.
        let expected = [
            (0.0, 0),
            (0.1, 29),
            (0.25, 82),
            (0.5, 151),
            (0.75, 218),
            (0.9, 243),
            (0.99, 254),
            (1.0, 255),
        ];
        for (v, g) in expected {
            assert_eq!(greys_r(v), g, "{v}");
        }
        let mut last = 0;
        for k in 0..=1000 {
            let g = greys_r(k as f64 / 1000.0);
            assert!(g >= last, "not monotonic at {k}");
            last = g;
        }
    }

    #[test]
    fn black_zero_white_one_clamped() {
        let svg = map(1, 4, |_, j| [0.0, 1.0, -0.5, 3.0][j]);
        let fills: Vec<String> = cells(&svg)
            .iter()
            .map(|c| attr(c, "<rect", "fill"))
            .collect();
        assert_eq!(fills, ["#000000", "#ffffff", "#000000", "#ffffff"]);
    }

    #[test]
    fn non_finite_cells_stand_out() {
        let svg = map(1, 4, |_, j| {
            [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.5][j]
        });
        let c = cells(&svg);
        for (k, value) in ["NaN", "inf", "-inf"].iter().enumerate() {
            assert!(c[k].starts_with("<rect class=\"cell non-finite\""));
            assert_eq!(attr(c[k], "<rect", "fill"), NON_FINITE);
            assert!(c[k].contains(&format!("): {value}</title>")));
        }
        assert!(c[3].starts_with("<rect class=\"cell\""));
        assert_eq!(attr(c[3], "<rect", "fill"), "#979797");
        assert!(c[3].contains("(r0 / c3): 0.5</title>"));
    }

    #[test]
    fn labels_escaped_and_spaces_visible() {
        let a = Matrix::filled(2, 3, 0.5);
        let svg = attention_map(&a, &["<", "&"], &[" ", "\"x'", "a\nb"], &Options::new());
        assert!(svg.contains("class=\"tick-label y\"") && svg.contains(">&lt;</text>"));
        assert!(svg.contains(">&amp;</text>"));
        assert!(svg.contains(">␣</text>"));
        assert!(svg.contains(">&quot;x&apos;</text>"));
        assert!(svg.contains(">a↵b</text>"));
        assert!(svg.contains("<title>1, 0 (&amp; / ␣): 0.5</title>"));
        // No raw markup from the labels anywhere.
        assert!(!svg.contains("><<") && !svg.contains(">&<") && !svg.contains(">\"x"));
    }

    #[test]
    fn first_row_on_top() {
        let svg = map(3, 2, |i, _| i as f64 / 2.0);
        let c = cells(&svg);
        let y = |k: usize| attr(c[k], "<rect", "y").parse::<f64>().unwrap();
        let h = |k: usize| attr(c[k], "<rect", "height").parse::<f64>().unwrap();
        // Row-major: cells 0, 2, 4 start rows 0, 1, 2, each below the last.
        assert!(y(0) < y(2) && y(2) < y(4));
        assert!((y(0) + h(0) - y(2)).abs() < 1e-9, "rows touch");
        assert_eq!(attr(c[0], "<rect", "fill"), "#000000");
        assert_eq!(attr(c[4], "<rect", "fill"), "#ffffff");
        // The tick labels follow: r0 above r1 above r2.
        let label_y = |l: &str| {
            let end = svg.find(&format!(">{l}</text>")).unwrap();
            let start = svg[..end].rfind("<text").unwrap();
            attr(&svg[start..], "<text", "y").parse::<f64>().unwrap()
        };
        assert!(label_y("r0") < label_y("r1") && label_y("r1") < label_y("r2"));
        // The top row's cells start at the top spine.
        assert_eq!(
            attr(&svg, "<rect class=\"spines\"", "y"),
            attr(c[0], "<rect", "y")
        );
    }

    #[test]
    fn columns_left_to_right_square_cells() {
        let svg = map(2, 4, |_, j| j as f64 / 3.0);
        let c = cells(&svg);
        let x = |k: usize| attr(c[k], "<rect", "x").parse::<f64>().unwrap();
        assert!(x(0) < x(1) && x(1) < x(2) && x(2) < x(3));
        let w = attr(c[0], "<rect", "width").parse::<f64>().unwrap();
        let h = attr(c[0], "<rect", "height").parse::<f64>().unwrap();
        assert!((w - h).abs() < 0.02, "{w} x {h}");
        let a = Matrix::filled(2, 4, 0.5);
        let r = ["a", "b"];
        let c4 = ["w", "x", "y", "z"];
        let opts = Options::new().equal_aspect(false);
        let stretched = attention_map(&a, &r, &c4, &opts);
        let c = cells(&stretched);
        let w = attr(c[0], "<rect", "width").parse::<f64>().unwrap();
        let h = attr(c[0], "<rect", "height").parse::<f64>().unwrap();
        assert!(h > w, "fills the 640 x 480 canvas: {w} x {h}");
    }

    #[test]
    #[should_panic(expected = "plot::attention_map: 2 row labels for a weights matrix of 3 rows")]
    fn too_few_row_labels() {
        attention_map(
            &Matrix::zeros(3, 2),
            &["a", "b"],
            &["x", "y"],
            &Options::new(),
        );
    }

    #[test]
    #[should_panic(
        expected = "plot::attention_map: 3 column labels for a weights matrix of 2 columns"
    )]
    fn too_many_column_labels() {
        let r = ["a".to_string(), "b".into(), "c".into()];
        attention_map(&Matrix::zeros(3, 2), &r, &["x", "y", "z"], &Options::new());
    }

    #[test]
    fn empty_matrix_is_just_the_frame() {
        let none: [&str; 0] = [];
        let opts = Options::new().title("empty");
        let svg = attention_map(&Matrix::zeros(0, 0), &none, &none, &opts);
        assert!(svg.starts_with("<?xml") && svg.ends_with("</svg>\n"));
        assert!(svg.contains("class=\"spines\"") && svg.contains(">empty</text>"));
        assert!(!svg.contains("class=\"cell") && !svg.contains("tick-label"));
        assert!(!svg.contains("no data"));
        let svg = attention_map(&Matrix::zeros(0, 2), &none, &["x", "y"], &Options::new());
        assert!(cells(&svg).is_empty());
        assert_eq!(svg.matches("class=\"tick-label x\"").count(), 2);
        assert!(!svg.contains("tick-label y"));
    }

    #[test]
    fn numbers_have_at_most_two_decimals() {
        let svg = map(7, 13, |i, j| ((i * 13 + j) as f64 / 91.0).sqrt());
        for part in svg.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
            if let Some((_, frac)) = part.split_once('.') {
                assert!(frac.len() <= 2, "{part}");
            }
        }
    }
}
