//! Dependency-free SVG figures like the book's matplotlib plots: the
//! training loss curve (`Trainer.plot()`), the spiral data set scatter
//! (`ch01/show_spiral_dataset.py`), the decision boundary of
//! `ch01/train_custom_loop.py` and the attention map of
//! `ch08/visualize_attention.py`.
//!
//! Every function returns the whole SVG document as a `String`; writing it
//! to disk is up to the caller. The documents are self-contained SVG 1.1
//! with `width`/`height` and a `viewBox` (so they scale when embedded),
//! a white background, `font-family="sans-serif"`, numbers with at most two
//! decimals, and the Okabe–Ito colour-blind-safe palette (saturated for
//! lines and points, light tints for decision regions). Each class gets its
//! own marker shape as well as its own colour (`o`, `x`, `^` as in the book,
//! then square, diamond, `v`, `+`), so figures also read in grey scale.
//!
//! Elements carry `class` attributes (`tick-label x`, `axis-label y`,
//! `points class-0`, `region class-1`, `legend`, …) so the output can be
//! restyled with CSS or inspected by tests.
//!
//! ```
//! use groundup::{plot, Matrix};
//! let losses = [1.1, 0.9, 0.62, 0.4, 0.31];
//! let svg = plot::loss_curve(&losses, 10);
//! assert!(svg.contains("iterations (x10)"));
//!
//! let x = Matrix::from_vec(4, 2, vec![-1.0, 0.2, -0.5, -0.3, 0.4, 0.9, 1.0, -0.1]).unwrap();
//! let labels = [0, 0, 1, 1];
//! let svg = plot::decision_boundary(x.view(), &labels, 2, |batch| {
//!     (0..batch.rows()).map(|i| usize::from(batch[(i, 0)] > 0.0)).collect()
//! });
//! assert!(svg.starts_with("<?xml"));
//! // std::fs::write("boundary.svg", svg)?;
//!
//! let weights = Matrix::from_vec(2, 3, vec![0.8, 0.2, 0.0, 0.1, 0.1, 0.8]).unwrap();
//! let svg = plot::attention_map(&weights, &["a", "b"], &["x", "y", "z"], &plot::Options::new());
//! assert_eq!(svg.matches(r#"<rect class="cell""#).count(), 6);
//! ```

mod frame;
mod heatmap;
mod loss;
mod points;
mod svg;
mod ticks;

pub use heatmap::attention_map;
pub use loss::{loss_curve, loss_curve_with};
pub use points::{decision_boundary, decision_boundary_with, scatter, scatter_with};

/// Figure options shared by all plots; each plot reads the fields that apply
/// to it. Build from [`Options::default()`] (or [`Options::new()`]) and the
/// chained setters:
///
/// ```
/// use groundup::plot::{self, Options};
/// let opts = Options::new()
///     .title("spiral, 3 classes")
///     .size(800.0, 600.0)
///     .ylim(0.0, 1.2);
/// let svg = plot::loss_curve_with(&[1.0, 0.5, 0.25], 20, &opts);
/// assert!(svg.contains("spiral, 3 classes"));
/// assert!(svg.contains(r#"width="800" height="600" viewBox="0 0 800 600""#));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Options {
    /// Canvas width in CSS pixels (default 640, matplotlib's 6.4 in at 100 dpi).
    pub width: f64,
    /// Canvas height in CSS pixels (default 480).
    pub height: f64,
    /// Title above the axes (default none).
    pub title: Option<String>,
    /// x-axis label. `None` means the plot's default (`iterations (xN)` for
    /// loss curves, nothing for 2-D plots and attention maps); `Some("")`
    /// removes it.
    pub x_label: Option<String>,
    /// y-axis label. `None` means the plot's default (`loss` for loss
    /// curves, nothing for 2-D plots and attention maps); `Some("")` removes
    /// it.
    pub y_label: Option<String>,
    /// Fixed y range for loss curves, like the book's `plot(ylim=...)`
    /// (default: the data range plus 5 % margins). The line is clipped to it.
    pub ylim: Option<(f64, f64)>,
    /// Legend names of the classes of 2-D plots; missing entries default to
    /// `class k`.
    pub class_names: Vec<String>,
    /// Grid cells per axis of decision-boundary regions (default 200, at
    /// least 1). The book's `h = 0.001` mesh corresponds to about 2200.
    pub resolution: usize,
    /// 2-D plots: one data unit is as long on x as on y, so circles stay
    /// round; attention maps: square cells (default `true`). Loss curves
    /// ignore it.
    pub equal_aspect: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            width: 640.0,
            height: 480.0,
            title: None,
            x_label: None,
            y_label: None,
            ylim: None,
            class_names: Vec::new(),
            resolution: 200,
            equal_aspect: true,
        }
    }
}

impl Options {
    /// The defaults: 640 × 480, no title, default labels, 200 × 200 grid,
    /// equal aspect.
    ///
    /// ```
    /// use groundup::plot::{self, Options};
    /// let opts = Options::new();
    /// assert_eq!(opts, Options::default());
    /// assert_eq!((opts.width, opts.height, opts.resolution), (640.0, 480.0, 200));
    /// assert!(opts.equal_aspect && opts.title.is_none());
    /// let svg = plot::loss_curve_with(&[1.0, 0.5], 1, &opts);
    /// assert!(svg.contains(r#"width="640" height="480""#));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the canvas size in CSS pixels (each clamped to at least 100).
    ///
    /// ```
    /// use groundup::plot::{self, Options};
    /// let opts = Options::new().size(50.0, 300.0);
    /// assert_eq!(opts.width, 50.0); // stored as given, clamped when drawing
    /// let svg = plot::loss_curve_with(&[1.0, 0.5], 1, &opts);
    /// assert!(svg.contains(r#"width="100" height="300" viewBox="0 0 100 300""#));
    /// ```
    pub fn size(mut self, width: f64, height: f64) -> Self {
        self.width = width;
        self.height = height;
        self
    }
    /// Sets the title.
    ///
    /// ```
    /// use groundup::plot::{self, Options};
    /// let svg = plot::loss_curve_with(&[1.0, 0.5], 1, &Options::new().title("lr < 1"));
    /// assert!(svg.contains(r#"<text class="title""#));
    /// assert!(svg.contains("<title>lr &lt; 1</title>")); // escaped; also the tooltip
    /// ```
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }
    /// Sets the x-axis label (`""` removes it).
    ///
    /// ```
    /// use groundup::plot::{self, Options};
    /// let losses = [1.0, 0.5];
    /// assert!(plot::loss_curve(&losses, 20).contains(">iterations (x20)</text>"));
    /// let svg = plot::loss_curve_with(&losses, 20, &Options::new().x_label("epoch"));
    /// assert!(svg.contains(">epoch</text>") && !svg.contains("iterations"));
    /// let bare = plot::loss_curve_with(&losses, 20, &Options::new().x_label(""));
    /// assert!(!bare.contains("axis-label x"));
    /// ```
    pub fn x_label(mut self, label: impl Into<String>) -> Self {
        self.x_label = Some(label.into());
        self
    }
    /// Sets the y-axis label (`""` removes it).
    ///
    /// ```
    /// use groundup::plot::{self, Options};
    /// let svg = plot::loss_curve_with(&[1.0, 0.5], 1, &Options::new().y_label("cross entropy"));
    /// assert!(svg.contains(">cross entropy</text>") && !svg.contains(">loss</text>"));
    /// ```
    pub fn y_label(mut self, label: impl Into<String>) -> Self {
        self.y_label = Some(label.into());
        self
    }
    /// Fixes the y range of loss curves. Ignored unless `lo < hi`, both finite.
    ///
    /// ```
    /// use groundup::plot::{self, Options};
    /// let losses = [1.0, 0.5, 0.25];
    /// let default = plot::loss_curve(&losses, 1);
    /// assert_ne!(plot::loss_curve_with(&losses, 1, &Options::new().ylim(0.0, 2.0)), default);
    /// // An empty or reversed range is ignored: the data range is used.
    /// assert_eq!(plot::loss_curve_with(&losses, 1, &Options::new().ylim(2.0, 0.0)), default);
    /// ```
    pub fn ylim(mut self, lo: f64, hi: f64) -> Self {
        self.ylim = Some((lo, hi));
        self
    }
    /// Sets the legend names of the classes.
    ///
    /// ```
    /// use groundup::{plot::{self, Options}, Matrix};
    /// let x = Matrix::from_vec(2, 2, vec![0.0, 0.0, 1.0, 1.0]).unwrap();
    /// let opts = Options::new().class_names(["setosa"]);
    /// let svg = plot::scatter_with(&x, &[0, 1], 2, &opts);
    /// assert!(svg.contains(">setosa</text>"));
    /// assert!(svg.contains(">class 1</text>")); // names missing from the list
    /// ```
    pub fn class_names<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.class_names = names.into_iter().map(Into::into).collect();
        self
    }
    /// Sets the decision-boundary grid resolution (cells per axis).
    ///
    /// ```
    /// use groundup::{plot::{self, Options}, Matrix};
    /// let x = Matrix::from_vec(2, 2, vec![0.0, 0.0, 1.0, 1.0]).unwrap();
    /// let mut cells = 0;
    /// let opts = Options::new().resolution(0); // at least one cell per axis
    /// plot::decision_boundary_with(&x, &[0, 1], 2, |b| {
    ///     cells += b.rows();
    ///     vec![0; b.rows()]
    /// }, &opts);
    /// assert_eq!(cells, 1);
    /// ```
    pub fn resolution(mut self, cells: usize) -> Self {
        self.resolution = cells;
        self
    }
    /// Turns equal aspect of 2-D plots (square cells of attention maps) on
    /// or off.
    ///
    /// ```
    /// use groundup::{plot::{self, Options}, Matrix};
    /// // Points spanning 2 units in x and 1 in y: the axes box is twice as wide as tall.
    /// let x = Matrix::from_vec(2, 2, vec![0.0, 0.0, 2.0, 1.0]).unwrap();
    /// let aspect = |svg: &str| {
    ///     let rect = &svg[svg.find(r#"class="spines""#).unwrap()..];
    ///     let attr = |name: &str| {
    ///         let v = &rect[rect.find(name).unwrap() + name.len()..];
    ///         v[..v.find('"').unwrap()].parse::<f64>().unwrap()
    ///     };
    ///     attr(" width=\"") / attr(" height=\"")
    /// };
    /// assert!((aspect(&plot::scatter(&x, &[0, 1], 2)) - 2.0).abs() < 0.01);
    /// let stretched = plot::scatter_with(&x, &[0, 1], 2, &Options::new().equal_aspect(false));
    /// assert!((aspect(&stretched) - 2.0).abs() > 0.1); // fills the canvas instead
    /// ```
    pub fn equal_aspect(mut self, on: bool) -> Self {
        self.equal_aspect = on;
        self
    }

    /// Canvas size, sanitised: finite and at least 100 × 100.
    fn canvas(&self) -> (f64, f64) {
        let clamp = |v: f64, d: f64| if v.is_finite() { v.max(100.0) } else { d };
        (clamp(self.width, 640.0), clamp(self.height, 480.0))
    }

    /// Legend name of class `k`.
    fn class_name(&self, k: usize) -> String {
        self.class_names
            .get(k)
            .cloned()
            .unwrap_or_else(|| format!("class {k}"))
    }
}

/// A document with nothing but the title and a centred message, for input
/// with nothing to plot.
fn message_svg(opts: &Options, message: &str) -> String {
    let (w, h) = opts.canvas();
    let mut out = String::new();
    svg::begin(&mut out, w, h, opts.title.as_deref());
    if let Some(t) = opts.title.as_deref().filter(|t| !t.is_empty()) {
        svg::text(
            &mut out,
            "title",
            w / 2.0,
            30.0,
            svg::TITLE_FONT,
            "middle",
            "",
            t,
        );
    }
    svg::text(
        &mut out,
        "no-data",
        w / 2.0,
        h / 2.0,
        svg::LABEL_FONT,
        "middle",
        " fill=\"#666666\"",
        message,
    );
    svg::end(&mut out);
    out
}
