//! 2-D point plots: the data set scatter and the decision boundary.

use super::frame::{Frame, LegendEntry, Spec};
use super::svg::{self, color_of, marker_of, w, MARKER_R, N, PALETTE, TINTS};
use super::ticks;
use super::{message_svg, Options};
use crate::matrix::MatrixView;

/// Most points handed to the classifier in one call (whole grid rows; a
/// single row if it is longer).
const MAX_BATCH: usize = 8192;

/// Checks the shapes and labels; returns the finite points of each class.
fn points_by_class(
    what: &str,
    x: MatrixView<'_, f64>,
    labels: &[usize],
    classes: usize,
) -> Vec<Vec<(f64, f64)>> {
    assert_eq!(
        x.cols(),
        2,
        "plot::{what}: x must have 2 columns (one 2-D point per row), got shape {:?}",
        x.shape()
    );
    assert_eq!(
        labels.len(),
        x.rows(),
        "plot::{what}: {} labels for {} points",
        labels.len(),
        x.rows()
    );
    let mut by_class = vec![Vec::new(); classes];
    for (i, &label) in labels.iter().enumerate() {
        assert!(
            label < classes,
            "plot::{what}: label {label} of point {i} is not below classes = {classes}"
        );
        let (a, b) = (x[(i, 0)], x[(i, 1)]);
        if a.is_finite() && b.is_finite() {
            by_class[label].push((a, b));
        }
    }
    by_class
}

/// `(min, max)` of x and of y over all points, or `None` if there are none.
fn bounds(by_class: &[Vec<(f64, f64)>]) -> Option<((f64, f64), (f64, f64))> {
    let mut it = by_class.iter().flatten();
    let &(x0, y0) = it.next()?;
    Some(it.fold(((x0, x0), (y0, y0)), |((a, b), (c, d)), &(x, y)| {
        ((a.min(x), b.max(x)), (c.min(y), d.max(y)))
    }))
}

fn legend(opts: &Options, classes: usize, tinted: bool) -> Vec<LegendEntry> {
    (0..classes)
        .map(|k| LegendEntry {
            marker: marker_of(k),
            color: PALETTE[color_of(k)],
            tint: tinted.then(|| TINTS[color_of(k)]),
            label: opts.class_name(k),
        })
        .collect()
}

fn spec<'a>(
    opts: &'a Options,
    xlim: (f64, f64),
    ylim: (f64, f64),
    legend: &'a [LegendEntry],
) -> Spec<'a> {
    let (width, height) = opts.canvas();
    Spec {
        width,
        height,
        title: opts.title.as_deref(),
        x_label: opts.x_label.as_deref(),
        y_label: opts.y_label.as_deref(),
        xlim,
        ylim,
        x_integer: false,
        equal_aspect: opts.equal_aspect,
        legend,
    }
}

/// Draws the markers, one `<g class="points class-k">` per class.
fn draw_points(out: &mut String, frame: &Frame<'_>, by_class: &[Vec<(f64, f64)>]) {
    for (k, pts) in by_class.iter().enumerate() {
        let marker = marker_of(k);
        w!(
            out,
            "<g class=\"points class-{k}\" {}>\n",
            marker.group_style(PALETTE[color_of(k)])
        );
        for &(x, y) in pts {
            marker.write(out, frame.px(x), frame.py(y), MARKER_R);
            out.push('\n');
        }
        out.push_str("</g>\n");
    }
}

/// A scatter plot of 2-D points coloured and shaped by class, with a legend,
/// like `ch01/show_spiral_dataset.py` (markers `o`, `x`, `^`, …).
///
/// `x` (a `&Matrix<f64>` or a [`MatrixView`]) holds one point per row
/// (n × 2); `labels[i] < classes` is the class of row `i` (for one-hot
/// targets use [`MatrixView::argmax_rows`]). Points
/// with a non-finite coordinate are skipped; with no finite point the
/// document only says "no data". Axes span the data plus 5 % margins, with
/// equal aspect by default (see [`Options::equal_aspect`]).
///
/// # Panics
/// If `x` does not have 2 columns, `labels.len() != x.rows()`, or a label is
/// not below `classes`.
///
/// ```
/// use groundup::{plot, Matrix};
/// let x = Matrix::from_vec(3, 2, vec![0.0, 0.0, 1.0, 0.5, -0.5, 1.0]).unwrap();
/// let svg = plot::scatter(&x, &[0, 1, 2], 3);
/// assert_eq!(svg.matches("<g class=\"points class-").count(), 3);
/// assert!(svg.contains(">class 2</text>"));
/// ```
pub fn scatter<'a>(x: impl Into<MatrixView<'a, f64>>, labels: &[usize], classes: usize) -> String {
    scatter_with(x, labels, classes, &Options::default())
}

/// [`scatter`] with [`Options`]: size, title, axis labels, class names,
/// aspect.
///
/// # Panics
/// As [`scatter`].
///
/// ```
/// use groundup::{plot::{self, Options}, Matrix};
/// let x = Matrix::from_vec(2, 2, vec![0.0, 0.0, 1.0, 1.0]).unwrap();
/// let opts = Options::new().class_names(["cats", "dogs & co"]).x_label("x₀");
/// let svg = plot::scatter_with(x.view(), &[0, 1], 2, &opts);
/// assert!(svg.contains(">dogs &amp; co</text>"));
/// ```
pub fn scatter_with<'a>(
    x: impl Into<MatrixView<'a, f64>>,
    labels: &[usize],
    classes: usize,
    opts: &Options,
) -> String {
    let by_class = points_by_class("scatter", x.into(), labels, classes);
    let Some(((x0, x1), (y0, y1))) = bounds(&by_class) else {
        return message_svg(opts, "no data");
    };
    let legend = legend(opts, classes, false);
    let spec = spec(
        opts,
        ticks::limits(x0, x1, 0.05),
        ticks::limits(y0, y1, 0.05),
        &legend,
    );
    let frame = Frame::new(&spec);
    let mut out = String::new();
    svg::begin(&mut out, spec.width, spec.height, opts.title.as_deref());
    frame.grid(&mut out);
    draw_points(&mut out, &frame, &by_class);
    frame.axes(&mut out);
    svg::end(&mut out);
    out
}

/// The decision regions of a classifier with the data on top, like the
/// figure of `ch01/train_custom_loop.py`.
///
/// The area covered is the data range ± 0.1 on each axis (as in the book),
/// split into [`Options::resolution`]² cells (default 200 × 200). The cell
/// centres go to `classify` in batches — whole grid rows, at most 8192
/// points per call unless one row is longer — as an m × 2 matrix, and it
/// must return one class index below `classes` per row, e.g.
/// `|b| model.predict(b).argmax_rows()`. Cells are painted in light tints of
/// the class colours (runs of equal cells merged into rectangles, one
/// `<path class="region class-k">` per class, so the file stays small), then
/// the points are drawn as in [`scatter`]. Points with a non-finite
/// coordinate are skipped; with no finite point the classifier is not
/// called and the document only says "no data".
///
/// # Panics
/// As [`scatter`], and if `classify` returns the wrong number of classes or
/// a class not below `classes`.
///
/// ```
/// use groundup::{plot, Matrix};
/// let x = Matrix::from_vec(4, 2, vec![-1.0, 0.0, -0.5, 0.5, 0.5, -0.5, 1.0, 0.0]).unwrap();
/// let mut calls = 0;
/// let svg = plot::decision_boundary(&x, &[0, 0, 1, 1], 2, |batch| {
///     calls += 1;
///     (0..batch.rows()).map(|i| usize::from(batch[(i, 0)] >= 0.0)).collect()
/// });
/// assert!(calls >= 1);
/// assert!(svg.contains("<path class=\"region class-0\""));
/// assert!(svg.contains("<path class=\"region class-1\""));
/// ```
pub fn decision_boundary<'a, F>(
    x: impl Into<MatrixView<'a, f64>>,
    labels: &[usize],
    classes: usize,
    classify: F,
) -> String
where
    F: FnMut(MatrixView<'_, f64>) -> Vec<usize>,
{
    decision_boundary_with(x, labels, classes, classify, &Options::default())
}

/// [`decision_boundary`] with [`Options`]: size, title, axis labels, class
/// names, grid resolution, aspect.
///
/// # Panics
/// As [`decision_boundary`].
///
/// ```
/// use groundup::{plot::{self, Options}, Matrix};
/// let x = Matrix::from_vec(2, 2, vec![0.0, 0.0, 1.0, 1.0]).unwrap();
/// let mut seen = 0;
/// let opts = Options::new().resolution(30);
/// plot::decision_boundary_with(x.view(), &[0, 1], 2, |b| {
///     seen += b.rows();
///     vec![0; b.rows()]
/// }, &opts);
/// assert_eq!(seen, 30 * 30);
/// ```
pub fn decision_boundary_with<'a, F>(
    x: impl Into<MatrixView<'a, f64>>,
    labels: &[usize],
    classes: usize,
    mut classify: F,
    opts: &Options,
) -> String
where
    F: FnMut(MatrixView<'_, f64>) -> Vec<usize>,
{
    let by_class = points_by_class("decision_boundary", x.into(), labels, classes);
    let Some(((x0, x1), (y0, y1))) = bounds(&by_class) else {
        return message_svg(opts, "no data");
    };
    // The book's mesh: data range ± 0.1 (widened if that is still empty,
    // i.e. for huge coordinates where 0.1 is below their precision).
    let widen = |lo: f64, hi: f64| {
        let (a, b) = (lo - 0.1, hi + 0.1);
        if a.is_finite() && b.is_finite() && a < b {
            (a, b)
        } else {
            ticks::limits(lo, hi, 0.05)
        }
    };
    let (xlim, ylim) = (widen(x0, x1), widen(y0, y1));
    let legend = legend(opts, classes, true);
    let spec = spec(opts, xlim, ylim, &legend);
    let frame = Frame::new(&spec);

    let n = opts.resolution.max(1);
    let cell_x = |i: usize| xlim.0 + ticks::span(xlim.0, xlim.1) * (i as f64 + 0.5) / n as f64;
    // Grid row 0 is the top of the plot.
    let cell_y = |j: usize| ylim.1 - ticks::span(ylim.0, ylim.1) * (j as f64 + 0.5) / n as f64;
    let rows_per_batch = (MAX_BATCH / n).max(1);

    // Rectangles per class as (first col, end col, first row, end row),
    // built by merging equal runs of consecutive rows.
    let mut rects: Vec<Vec<(usize, usize, usize, usize)>> = vec![Vec::new(); classes];
    // Runs of the previous row still open: (start, end, class, first row).
    let mut open: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut batch = Vec::with_capacity(rows_per_batch * n * 2);
    let mut row = 0;
    while row < n {
        let rows = rows_per_batch.min(n - row);
        batch.clear();
        for j in row..row + rows {
            let y = cell_y(j);
            for i in 0..n {
                batch.push(cell_x(i));
                batch.push(y);
            }
        }
        let view = MatrixView::new(rows * n, 2, &batch).expect("grid batch is rows*n x 2");
        let cls = classify(view);
        assert_eq!(
            cls.len(),
            rows * n,
            "plot::decision_boundary: classify returned {} classes for a batch of {} points",
            cls.len(),
            rows * n
        );
        if let Some(&bad) = cls.iter().find(|&&c| c >= classes) {
            panic!("plot::decision_boundary: classify returned class {bad}, not below classes = {classes}");
        }
        for (r, line) in cls.chunks_exact(n).enumerate() {
            let j = row + r;
            let mut next = Vec::new();
            let mut o = 0;
            let mut i = 0;
            while i < n {
                let c = line[i];
                let start = i;
                while i < n && line[i] == c {
                    i += 1;
                }
                // Open runs are sorted by start and disjoint, as are this
                // row's: advance past those that start before this run.
                while o < open.len() && open[o].0 < start {
                    let (s, e, k, first) = open[o];
                    rects[k].push((s, e, first, j));
                    o += 1;
                }
                if o < open.len() && open[o] == (start, i, c, open[o].3) {
                    next.push(open[o]);
                    o += 1;
                } else {
                    next.push((start, i, c, j));
                }
            }
            for &(s, e, k, first) in &open[o..] {
                rects[k].push((s, e, first, j));
            }
            open = next;
        }
        row += rows;
    }
    for (s, e, k, first) in open {
        rects[k].push((s, e, first, n));
    }

    let mut out = String::new();
    svg::begin(&mut out, spec.width, spec.height, opts.title.as_deref());
    // Edges snapped to device pixels, so neighbouring cells leave no seams.
    out.push_str("<g class=\"regions\" shape-rendering=\"crispEdges\">\n");
    let gx = |i: usize| frame.left + frame.width * i as f64 / n as f64;
    let gy = |j: usize| frame.top + frame.height * j as f64 / n as f64;
    for (k, rs) in rects.iter().enumerate() {
        if rs.is_empty() {
            continue;
        }
        w!(
            out,
            "<path class=\"region class-{k}\" fill=\"{}\" d=\"",
            TINTS[color_of(k)]
        );
        for &(s, e, r0, r1) in rs {
            w!(
                out,
                "M{} {}H{}V{}H{}z",
                N(gx(s)),
                N(gy(r0)),
                N(gx(e)),
                N(gy(r1)),
                N(gx(s))
            );
        }
        out.push_str("\"/>\n");
    }
    out.push_str("</g>\n");
    draw_points(&mut out, &frame, &by_class);
    frame.axes(&mut out);
    svg::end(&mut out);
    out
}
