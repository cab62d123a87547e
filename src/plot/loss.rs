//! The training loss curve, like the book's `Trainer.plot()`.

use super::frame::{Frame, Spec};
use super::svg::{self, w, N};
use super::ticks;
use super::{message_svg, Options};

/// A line plot of `losses` against their index, like the book's
/// `Trainer.plot()`: x-axis `iterations (x{eval_interval})`, y-axis `loss`,
/// nice round ticks, a light grid.
///
/// Non-finite values (NaN, ±∞, e.g. from a diverged run) are skipped: the
/// line breaks there, and a finite point with no finite neighbour is drawn
/// as a dot. The x axis still spans every index, so a gap at the end shows
/// where training blew up. With no finite value at all the document only
/// says "no data". A constant series gets a y axis of ±10 % around it.
/// Series much longer than the plot is wide are thinned to the first,
/// lowest, highest and last point of each half-pixel column, which draws
/// the same picture in a file of bounded size.
///
/// ```
/// use groundup::plot;
/// let losses = [1.09, 0.98, f64::NAN, 0.71, 0.52, 0.44];
/// let svg = plot::loss_curve(&losses, 10);
/// assert!(svg.contains(">iterations (x10)</text>"));
/// assert!(svg.contains(">loss</text>"));
/// assert!(!svg.contains("NaN"));
/// assert!(plot::loss_curve(&[], 10).contains("no data"));
/// ```
pub fn loss_curve(losses: &[f64], eval_interval: usize) -> String {
    loss_curve_with(losses, eval_interval, &Options::default())
}

/// [`loss_curve`] with [`Options`]: size, title, axis labels and `ylim`.
///
/// ```
/// use groundup::plot::{self, Options};
/// let svg = plot::loss_curve_with(&[2.0, 1.0], 1, &Options::new().ylim(0.0, 3.0).title("run 1"));
/// assert!(svg.contains(">run 1</text>"));
/// assert!(svg.contains(">3.0</text>"));
/// ```
pub fn loss_curve_with(losses: &[f64], eval_interval: usize, opts: &Options) -> String {
    let finite = || losses.iter().copied().filter(|v| v.is_finite());
    let Some(min) = finite().reduce(f64::min) else {
        return message_svg(opts, "no data");
    };
    let max = finite().fold(min, f64::max);
    let ylim = match opts.ylim {
        Some((lo, hi)) if lo.is_finite() && hi.is_finite() && lo < hi => (lo, hi),
        _ => ticks::limits(min, max, 0.05),
    };
    let xlim = ticks::limits(0.0, (losses.len() - 1) as f64, 0.05);
    let x_label = opts
        .x_label
        .clone()
        .unwrap_or_else(|| format!("iterations (x{eval_interval})"));
    let y_label = opts.y_label.clone().unwrap_or_else(|| "loss".to_string());
    let (width, height) = opts.canvas();
    let spec = Spec {
        width,
        height,
        title: opts.title.as_deref(),
        x_label: Some(&x_label),
        y_label: Some(&y_label),
        xlim,
        ylim,
        x_integer: true,
        equal_aspect: false,
        legend: &[],
    };
    let frame = Frame::new(&spec);

    let mut out = String::new();
    svg::begin(&mut out, width, height, opts.title.as_deref());
    // The id names the clip rectangle's geometry, so documents inlined in
    // one HTML page can share an id only if they share the rectangle.
    let clip = format!(
        "groundup-clip-{:.0}-{:.0}-{:.0}-{:.0}",
        frame.left * 100.0,
        frame.top * 100.0,
        frame.width * 100.0,
        frame.height * 100.0
    );
    out.push_str("<defs>");
    frame.clip_path(&mut out, &clip);
    out.push_str("</defs>\n");
    frame.grid(&mut out);
    w!(
        out,
        "<g class=\"loss\" clip-path=\"url(#{clip})\" stroke=\"{}\" fill=\"none\" stroke-width=\"1.5\" stroke-linejoin=\"round\" stroke-linecap=\"round\">\n",
        svg::PALETTE[0]
    );
    // Runs of consecutive finite values become polylines; lone ones dots.
    let mut i = 0;
    while i < losses.len() {
        if !losses[i].is_finite() {
            i += 1;
            continue;
        }
        let start = i;
        while i < losses.len() && losses[i].is_finite() {
            i += 1;
        }
        if i - start == 1 {
            w!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{}\"/>\n",
                N(frame.px(start as f64)),
                N(frame.py(losses[start])),
                svg::PALETTE[0]
            );
        } else {
            polyline(&mut out, &frame, start, &losses[start..i]);
        }
    }
    out.push_str("</g>\n");
    frame.axes(&mut out);
    svg::end(&mut out);
    out
}

/// Appends the polyline of `values` (all finite), the first at index
/// `start`. Runs much denser than the pixels they span are thinned to the
/// first, lowest, highest and last point of every half-pixel column, which
/// draws the same envelope with a bounded number of points.
fn polyline(out: &mut String, frame: &Frame<'_>, start: usize, values: &[f64]) {
    out.push_str("<polyline points=\"");
    let mut first = true;
    let mut put = |out: &mut String, i: usize, v: f64| {
        if !first {
            out.push(' ');
        }
        first = false;
        w!(out, "{},{}", N(frame.px(i as f64)), N(frame.py(v)));
    };
    if (values.len() as f64) <= 2.0 * frame.width {
        for (k, &v) in values.iter().enumerate() {
            put(out, start + k, v);
        }
    } else {
        let column = |i: usize| (frame.px(i as f64) * 2.0).floor();
        let mut k = 0;
        while k < values.len() {
            let col = column(start + k);
            let begin = k;
            let (mut lo, mut hi) = (k, k);
            while k < values.len() && column(start + k) == col {
                if values[k] < values[lo] {
                    lo = k;
                }
                if values[k] > values[hi] {
                    hi = k;
                }
                k += 1;
            }
            let mut keep = [begin, lo, hi, k - 1];
            keep.sort_unstable();
            let mut last = usize::MAX;
            for j in keep {
                if j != last {
                    put(out, start + j, values[j]);
                    last = j;
                }
            }
        }
    }
    out.push_str("\"/>\n");
}
