//! Layout of one set of axes (margins sized from the actual tick labels, so
//! labels never overlap ticks or leave the canvas), and drawing of the grid,
//! spines, ticks, labels, title and legend.

use super::svg::{self, text_width, w, Marker, LABEL_FONT, MARKER_R, N, TICK_FONT, TITLE_FONT};
use super::ticks::{self, Ticks};

const OUTER_PAD: f64 = 10.0;
const TICK_LEN: f64 = 5.0;
const TICK_PAD: f64 = 3.0;
const LABEL_PAD: f64 = 6.0;
const LEGEND_GAP: f64 = 16.0;
const LEGEND_ROW: f64 = 20.0;
const LEGEND_SWATCH: f64 = 16.0;

/// What to lay out.
pub(crate) struct Spec<'a> {
    pub width: f64,
    pub height: f64,
    pub title: Option<&'a str>,
    pub x_label: Option<&'a str>,
    pub y_label: Option<&'a str>,
    pub xlim: (f64, f64),
    pub ylim: (f64, f64),
    /// x ticks at whole numbers only (iteration counts).
    pub x_integer: bool,
    /// One data unit is as long on x as on y.
    pub equal_aspect: bool,
    /// Legend entries, drawn to the right of the axes.
    pub legend: &'a [LegendEntry],
}

/// One legend row: a marker (over a tinted swatch when `tint` is given).
pub(crate) struct LegendEntry {
    pub marker: Marker,
    pub color: &'static str,
    pub tint: Option<&'static str>,
    pub label: String,
}

/// The computed layout: the plot area in pixels and both axes.
pub(crate) struct Frame<'a> {
    spec: &'a Spec<'a>,
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
    pub xticks: Ticks,
    pub yticks: Ticks,
    y_tick_w: f64,
}

fn nonempty(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

fn max_width(labels: &[String]) -> f64 {
    labels
        .iter()
        .map(|l| text_width(l, TICK_FONT))
        .fold(0.0, f64::max)
}

/// Tick count for an axis `len` px long whose labels must not collide.
fn axis_ticks(lo: f64, hi: f64, len: f64, horizontal: bool, integer: bool) -> Ticks {
    let per = if horizontal { 60.0 } else { 40.0 };
    let mut m = ((len / per) as usize).clamp(3, 11);
    loop {
        let t = ticks::nice_ticks(lo, hi, m, integer);
        if !horizontal || m <= 3 || t.values.len() < 2 {
            return t;
        }
        // Horizontal labels need their width plus a gap between neighbours.
        let spacing = len * (t.values[1] - t.values[0]) / ticks::span(lo, hi);
        if spacing >= max_width(&t.labels) + 12.0 {
            return t;
        }
        m -= 1;
    }
}

impl<'a> Frame<'a> {
    /// Lays out `spec`: ticks are chosen for a first estimate of the plot
    /// size, margins are sized from those tick labels, then ticks are chosen
    /// again for the final size and the margins re-sized from them.
    pub(crate) fn new(spec: &'a Spec<'a>) -> Self {
        let (mut pw, mut ph) = (spec.width - 100.0, spec.height - 80.0);
        let mut frame = None;
        for _ in 0..2 {
            let f = Self::layout(spec, pw.max(20.0), ph.max(20.0));
            pw = f.width;
            ph = f.height;
            frame = Some(f);
        }
        frame.expect("two layout passes ran")
    }

    /// Lays out `spec` with ticks given by the caller (categorical axes,
    /// one labelled tick per cell) instead of nice numbers; the margins are
    /// sized from these labels.
    pub(crate) fn with_ticks(spec: &'a Spec<'a>, xticks: Ticks, yticks: Ticks) -> Self {
        Self::place(spec, xticks, yticks)
    }

    fn layout(spec: &'a Spec<'a>, pw: f64, ph: f64) -> Self {
        let (x0, x1) = spec.xlim;
        let (y0, y1) = spec.ylim;
        let xticks = axis_ticks(x0, x1, pw, true, spec.x_integer);
        let yticks = axis_ticks(y0, y1, ph, false, false);
        Self::place(spec, xticks, yticks)
    }

    /// The margins and plot area for these ticks.
    fn place(spec: &'a Spec<'a>, xticks: Ticks, yticks: Ticks) -> Self {
        let (x0, x1) = spec.xlim;
        let (y0, y1) = spec.ylim;
        let y_tick_w = max_width(&yticks.labels);
        let first_x_half = xticks
            .labels
            .first()
            .map_or(0.0, |l| text_width(l, TICK_FONT) / 2.0);
        let last_x_half = xticks
            .labels
            .last()
            .map_or(0.0, |l| text_width(l, TICK_FONT) / 2.0);

        let mut top = OUTER_PAD + TICK_FONT / 2.0;
        if nonempty(spec.title).is_some() {
            top += TITLE_FONT * 1.2 + LABEL_PAD;
        }
        let mut bottom = OUTER_PAD + TICK_LEN + TICK_PAD + TICK_FONT;
        if nonempty(spec.x_label).is_some() {
            bottom += LABEL_PAD + LABEL_FONT;
        }
        let mut left = OUTER_PAD + TICK_LEN + TICK_PAD + y_tick_w;
        if nonempty(spec.y_label).is_some() {
            left += LABEL_PAD + LABEL_FONT;
        }
        left = left.max(OUTER_PAD + first_x_half);
        let legend_w = legend_size(spec.legend).0;
        let mut right = OUTER_PAD + last_x_half;
        if legend_w > 0.0 {
            right = right.max(OUTER_PAD) + LEGEND_GAP + legend_w;
        }

        let aw = (spec.width - left - right).max(10.0);
        let ah = (spec.height - top - bottom).max(10.0);
        let (mut width, mut height) = (aw, ah);
        if spec.equal_aspect {
            let (sx, sy) = (ticks::span(x0, x1), ticks::span(y0, y1));
            // Pixels per data unit, the same on both axes.
            let scale = (aw / sx).min(ah / sy);
            if scale.is_finite() && scale > 0.0 {
                width = (sx * scale).min(aw);
                height = (sy * scale).min(ah);
            }
        }
        // Centre the axes (with their legend) in the space left over.
        let left = left + (aw - width) / 2.0;
        let top = top + (ah - height) / 2.0;
        Frame {
            spec,
            left,
            top,
            width,
            height,
            xticks,
            yticks,
            y_tick_w,
        }
    }

    /// Pixel x of data x.
    pub(crate) fn px(&self, v: f64) -> f64 {
        let (lo, hi) = self.spec.xlim;
        self.left + ticks::fraction(v, lo, hi) * self.width
    }

    /// Pixel y of data y (up is larger).
    pub(crate) fn py(&self, v: f64) -> f64 {
        let (lo, hi) = self.spec.ylim;
        self.top + (1.0 - ticks::fraction(v, lo, hi)) * self.height
    }

    pub(crate) fn right(&self) -> f64 {
        self.left + self.width
    }

    pub(crate) fn bottom(&self) -> f64 {
        self.top + self.height
    }

    /// Light grid lines at the ticks, to be drawn under the data.
    pub(crate) fn grid(&self, out: &mut String) {
        let mut d = String::new();
        for &v in &self.xticks.values {
            let x = self.px(v);
            if x > self.left + 0.5 && x < self.right() - 0.5 {
                w!(d, "M{} {}V{}", N(x), N(self.top), N(self.bottom()));
            }
        }
        for &v in &self.yticks.values {
            let y = self.py(v);
            if y > self.top + 0.5 && y < self.bottom() - 0.5 {
                w!(d, "M{} {}H{}", N(self.left), N(y), N(self.right()));
            }
        }
        if !d.is_empty() {
            w!(
                out,
                "<path class=\"grid\" d=\"{d}\" stroke=\"#e3e3e3\" stroke-width=\"0.8\" fill=\"none\"/>\n"
            );
        }
    }

    /// The clip rectangle of the plot area (id `id`).
    pub(crate) fn clip_path(&self, out: &mut String, id: &str) {
        w!(
            out,
            "<clipPath id=\"{id}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath>\n",
            N(self.left),
            N(self.top),
            N(self.width),
            N(self.height)
        );
    }

    /// Spines, ticks, tick labels, axis labels, title and legend, drawn
    /// over the data as matplotlib does.
    pub(crate) fn axes(&self, out: &mut String) {
        let spec = self.spec;
        w!(
            out,
            "<rect class=\"spines\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#262626\" stroke-width=\"1\"/>\n",
            N(self.left),
            N(self.top),
            N(self.width),
            N(self.height)
        );
        // Tick marks, outward.
        let mut d = String::new();
        for &v in &self.xticks.values {
            w!(d, "M{} {}v{}", N(self.px(v)), N(self.bottom()), N(TICK_LEN));
        }
        for &v in &self.yticks.values {
            w!(d, "M{} {}h{}", N(self.left), N(self.py(v)), N(-TICK_LEN));
        }
        if !d.is_empty() {
            w!(
                out,
                "<path class=\"ticks\" d=\"{d}\" stroke=\"#262626\" stroke-width=\"1\" fill=\"none\"/>\n"
            );
        }
        // Tick labels: x centred under the tick (baseline at cap height
        // below the tick), y right-aligned and vertically centred.
        let x_base = self.bottom() + TICK_LEN + TICK_PAD + TICK_FONT * 0.8;
        for (&v, l) in self.xticks.values.iter().zip(&self.xticks.labels) {
            svg::text(
                out,
                "tick-label x",
                self.px(v),
                x_base,
                TICK_FONT,
                "middle",
                "",
                l,
            );
        }
        let y_right = self.left - TICK_LEN - TICK_PAD;
        for (&v, l) in self.yticks.values.iter().zip(&self.yticks.labels) {
            let base = self.py(v) + TICK_FONT * 0.35;
            svg::text(out, "tick-label y", y_right, base, TICK_FONT, "end", "", l);
        }
        let cx = self.left + self.width / 2.0;
        if let Some(l) = nonempty(spec.x_label) {
            let base = x_base + TICK_FONT * 0.2 + LABEL_PAD + LABEL_FONT * 0.8;
            svg::text(out, "axis-label x", cx, base, LABEL_FONT, "middle", "", l);
        }
        if let Some(l) = nonempty(spec.y_label) {
            // Rotated: its baseline is a vertical line left of the tick labels.
            let x = y_right - self.y_tick_w - LABEL_PAD - LABEL_FONT * 0.2;
            let y = self.top + self.height / 2.0;
            let rot = format!(" transform=\"rotate(-90 {} {})\"", N(x), N(y));
            svg::text(out, "axis-label y", x, y, LABEL_FONT, "middle", &rot, l);
        }
        if let Some(t) = nonempty(spec.title) {
            let base = self.top - TICK_FONT / 2.0 - LABEL_PAD - TITLE_FONT * 0.25;
            svg::text(out, "title", cx, base, TITLE_FONT, "middle", "", t);
        }
        self.legend(out);
    }

    fn legend(&self, out: &mut String) {
        let entries = self.spec.legend;
        if entries.is_empty() {
            return;
        }
        let (lw, lh) = legend_size(entries);
        let x = self.right() + LEGEND_GAP;
        let y = self.top;
        w!(
            out,
            "<g class=\"legend\">\n<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"#ffffff\" stroke=\"#cccccc\" stroke-width=\"0.8\"/>\n",
            N(x),
            N(y),
            N(lw),
            N(lh)
        );
        for (i, e) in entries.iter().enumerate() {
            let cy = y + 6.0 + LEGEND_ROW * (i as f64 + 0.5);
            let cx = x + 8.0 + LEGEND_SWATCH / 2.0;
            if let Some(t) = e.tint {
                w!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{s}\" height=\"{s}\" fill=\"{t}\"/>\n",
                    N(cx - LEGEND_SWATCH / 2.0),
                    N(cy - LEGEND_SWATCH / 2.0),
                    s = N(LEGEND_SWATCH)
                );
            }
            w!(
                out,
                "<g class=\"legend-marker\" {}>",
                e.marker.group_style(e.color)
            );
            e.marker.write(out, cx, cy, MARKER_R);
            out.push_str("</g>\n");
            let tx = cx + LEGEND_SWATCH / 2.0 + 6.0;
            svg::text(
                out,
                "legend-label",
                tx,
                cy + TICK_FONT * 0.35,
                TICK_FONT,
                "start",
                "",
                &e.label,
            );
        }
        out.push_str("</g>\n");
    }
}

/// Width and height of the legend box (zero when there are no entries).
fn legend_size(entries: &[LegendEntry]) -> (f64, f64) {
    if entries.is_empty() {
        return (0.0, 0.0);
    }
    let label_w = entries
        .iter()
        .map(|e| text_width(&e.label, TICK_FONT))
        .fold(0.0, f64::max);
    (
        8.0 + LEGEND_SWATCH + 6.0 + label_w + 10.0,
        12.0 + LEGEND_ROW * entries.len() as f64,
    )
}
