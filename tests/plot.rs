//! Tests of `groundup::plot`: every document is parsed by a tiny std-only
//! XML checker (balanced tags, quoted attributes, valid entities, no raw
//! `<`/`&`/`>` in text), then its structure is checked: marker counts,
//! monotone tick labels, labels clear of ticks and canvas edges, decision
//! regions that match the classifier cell by cell, non-finite input.

mod common;

use common::rng::TestRng;
use groundup::plot::{self, Options};
use groundup::{Matrix, MatrixView};

// ---------------------------------------------------------------- XML ----

#[derive(Debug)]
enum Node {
    Elem(Elem),
    Text(String),
}

#[derive(Debug)]
struct Elem {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
}

impl Elem {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    fn num(&self, name: &str) -> f64 {
        let v = self
            .attr(name)
            .unwrap_or_else(|| panic!("<{}> has no {name}", self.name));
        v.parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number"))
    }
    fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split_whitespace().any(|c| c == class))
    }
    fn elems(&self) -> impl Iterator<Item = &Elem> {
        self.children.iter().filter_map(|n| match n {
            Node::Elem(e) => Some(e),
            Node::Text(_) => None,
        })
    }
    fn text(&self) -> String {
        let mut s = String::new();
        for n in &self.children {
            match n {
                Node::Text(t) => s.push_str(t),
                Node::Elem(e) => s.push_str(&e.text()),
            }
        }
        s
    }
    /// All elements below (and including) this one, in document order.
    fn all(&self) -> Vec<&Elem> {
        let mut out = vec![self];
        for e in self.elems() {
            out.extend(e.all());
        }
        out
    }
    /// Elements with every class in `classes` (space separated).
    fn find(&self, classes: &str) -> Vec<&Elem> {
        self.all()
            .into_iter()
            .filter(|e| classes.split_whitespace().all(|c| e.has_class(c)))
            .collect()
    }
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }
    fn err<T>(&self, what: &str) -> Result<T, String> {
        let ctx: String = self.rest().chars().take(40).collect();
        Err(format!("{what} at byte {}: {ctx:?}", self.pos))
    }
    fn skip_ws(&mut self) {
        let n = self.rest().len() - self.rest().trim_start().len();
        self.pos += n;
    }
    fn eat(&mut self, tok: &str) -> bool {
        if self.rest().starts_with(tok) {
            self.pos += tok.len();
            true
        } else {
            false
        }
    }
    fn name(&mut self) -> Result<String, String> {
        let r = self.rest();
        let n = r
            .char_indices()
            .find(|&(i, c)| {
                !(c.is_ascii_alphabetic()
                    || c == '_'
                    || c == ':'
                    || (i > 0 && (c.is_ascii_digit() || c == '-' || c == '.')))
            })
            .map_or(r.len(), |(i, _)| i);
        if n == 0 {
            return self.err("expected a name");
        }
        self.pos += n;
        Ok(r[..n].to_string())
    }
    /// Decodes character data, rejecting raw `<`, `>` and bad entities.
    fn decode(&self, raw: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut it = raw.split('&');
        let first = it.next().unwrap_or("");
        let check = |t: &str| {
            if t.contains('<') || t.contains('>') {
                Err(format!("raw < or > in {raw:?}"))
            } else if t
                .chars()
                .any(|c| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
            {
                Err(format!("control character in {raw:?}"))
            } else {
                Ok(())
            }
        };
        check(first)?;
        out.push_str(first);
        for part in it {
            let Some(semi) = part.find(';') else {
                return Err(format!("unterminated entity in {raw:?}"));
            };
            let ent = &part[..semi];
            let c = match ent {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ if ent.starts_with("#x") => u32::from_str_radix(&ent[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or(format!("bad entity &{ent};"))?,
                _ if ent.starts_with('#') => ent[1..]
                    .parse::<u32>()
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or(format!("bad entity &{ent};"))?,
                _ => return Err(format!("unknown entity &{ent};")),
            };
            out.push(c);
            check(&part[semi + 1..])?;
            out.push_str(&part[semi + 1..]);
        }
        Ok(out)
    }
    fn element(&mut self) -> Result<Elem, String> {
        if !self.eat("<") {
            return self.err("expected <");
        }
        let name = self.name()?;
        let mut attrs: Vec<(String, String)> = Vec::new();
        loop {
            let had_ws = self.rest().starts_with(char::is_whitespace);
            self.skip_ws();
            if self.eat("/>") {
                return Ok(Elem {
                    name,
                    attrs,
                    children: Vec::new(),
                });
            }
            if self.eat(">") {
                break;
            }
            if !had_ws {
                return self.err("expected whitespace before attribute");
            }
            let key = self.name()?;
            if attrs.iter().any(|(k, _)| *k == key) {
                return self.err(&format!("duplicate attribute {key}"));
            }
            if !self.eat("=") {
                return self.err("expected =");
            }
            let quote = match self.rest().chars().next() {
                Some(q @ ('"' | '\'')) => q,
                _ => return self.err("expected quoted value"),
            };
            self.pos += 1;
            let Some(end) = self.rest().find(quote) else {
                return self.err("unterminated attribute");
            };
            let raw = &self.rest()[..end];
            let value = self.decode(raw)?;
            self.pos += end + 1;
            attrs.push((key, value));
        }
        let mut children = Vec::new();
        loop {
            if self.eat("</") {
                let close = self.name()?;
                self.skip_ws();
                if close != name || !self.eat(">") {
                    return self.err(&format!("</{close}> does not close <{name}>"));
                }
                return Ok(Elem {
                    name,
                    attrs,
                    children,
                });
            }
            if self.eat("<!--") {
                let Some(end) = self.rest().find("-->") else {
                    return self.err("unterminated comment");
                };
                self.pos += end + 3;
                continue;
            }
            if self.rest().starts_with('<') {
                children.push(Node::Elem(self.element()?));
                continue;
            }
            let Some(end) = self.rest().find('<') else {
                return self.err(&format!("<{name}> is never closed"));
            };
            let raw = &self.rest()[..end];
            let text = self.decode(raw)?;
            self.pos += end;
            if !text.trim().is_empty() {
                children.push(Node::Text(text));
            }
        }
    }
}

/// Parses a complete document: optional XML declaration, one root element,
/// nothing but whitespace after it.
fn parse(doc: &str) -> Result<Elem, String> {
    let mut p = Parser { s: doc, pos: 0 };
    if p.eat("<?xml") {
        let Some(end) = p.rest().find("?>") else {
            return p.err("unterminated declaration");
        };
        p.pos += end + 2;
    }
    p.skip_ws();
    let root = p.element()?;
    p.skip_ws();
    if !p.rest().is_empty() {
        return p.err("content after the root element");
    }
    Ok(root)
}

#[test]
fn checker_rejects_malformed_documents() {
    let bad = [
        "<svg>",
        "<svg></g>",
        "<svg><g></svg></g>",
        "<svg a=\"1\" a=\"2\"/>",
        "<svg a=1/>",
        "<svg>a < b</svg>",
        "<svg>a & b</svg>",
        "<svg>&nbsp;</svg>",
        "<svg a=\"<\"/>",
        "<svg/><svg/>",
        "<svg>\u{1}</svg>",
    ];
    for doc in bad {
        assert!(parse(doc).is_err(), "accepted {doc:?}");
    }
    let ok =
        parse("<?xml version=\"1.0\"?>\n<svg a='x'><!-- c --><t>&lt;&amp;&#65;&#x42;</t></svg>\n")
            .unwrap();
    assert_eq!(ok.text(), "<&AB");
}

// ------------------------------------------------------------ helpers ----

/// Parses, checks the root element and that every number in the document
/// is finite; returns the root.
fn check(doc: &str) -> Elem {
    let root = parse(doc).unwrap_or_else(|e| panic!("not well-formed XML: {e}"));
    assert_eq!(root.name, "svg");
    assert_eq!(root.attr("xmlns"), Some("http://www.w3.org/2000/svg"));
    assert_eq!(root.attr("font-family"), Some("sans-serif"));
    let (w, h) = (root.num("width"), root.num("height"));
    assert_eq!(root.attr("viewBox"), Some(format!("0 0 {w} {h}").as_str()));
    for bad in ["NaN", "inf"] {
        assert!(!doc.contains(bad), "document contains {bad}");
    }
    for e in root.all() {
        for (k, v) in &e.attrs {
            let numeric = matches!(
                k.as_str(),
                "x" | "y" | "cx" | "cy" | "r" | "width" | "height" | "font-size"
            );
            if numeric {
                let x: f64 = v.parse().unwrap_or_else(|_| panic!("{k}={v:?}"));
                assert!(x.is_finite(), "{k}={v}");
            }
            if k == "d" || k == "points" {
                for tok in v.split(|c: char| !(c.is_ascii_digit() || "-.e".contains(c))) {
                    if !tok.is_empty() {
                        let x: f64 = tok.parse().unwrap_or_else(|_| panic!("{k}: {tok:?}"));
                        assert!(x.is_finite());
                    }
                }
            }
        }
    }
    root
}

/// The plot area: `(left, top, right, bottom)` of the spines rectangle.
fn plot_area(root: &Elem) -> (f64, f64, f64, f64) {
    let s = root.find("spines");
    assert_eq!(s.len(), 1);
    let (x, y) = (s[0].num("x"), s[0].num("y"));
    (x, y, x + s[0].num("width"), y + s[0].num("height"))
}

/// Text extent in DejaVu Sans (the widest common sans-serif default):
/// digits 0.636 em, `.` 0.318 em (rounded up), `-` 0.361 em, about 0.62 em otherwise.
fn est_width(e: &Elem) -> f64 {
    let em: f64 = e
        .text()
        .chars()
        .map(|c| match c {
            '0'..='9' => 0.636,
            '.' | ',' | ' ' => 0.32,
            '-' => 0.361,
            _ => 0.62,
        })
        .sum();
    em * e.num("font-size")
}

/// Horizontal extent of a text element from its anchor.
fn x_extent(e: &Elem) -> (f64, f64) {
    let (x, w) = (e.num("x"), est_width(e));
    match e.attr("text-anchor") {
        Some("middle") => (x - w / 2.0, x + w / 2.0),
        Some("end") => (x - w, x),
        _ => (x, x + w),
    }
}

/// Checks the tick labels of both axes: at least two, values strictly
/// increasing left to right and bottom to top, placed at their ticks, clear
/// of the plot area, of each other, of the axis labels and of the canvas
/// edges. Returns the (x, y) tick values.
fn check_axes(root: &Elem) -> (Vec<f64>, Vec<f64>) {
    let (cw, ch) = (root.num("width"), root.num("height"));
    let (left, top, right, bottom) = plot_area(root);
    assert!(
        0.0 < left && left < right && right < cw,
        "{left} {right} {cw}"
    );
    assert!(
        0.0 < top && top < bottom && bottom < ch,
        "{top} {bottom} {ch}"
    );
    let value = |e: &Elem| -> f64 {
        e.text()
            .parse()
            .unwrap_or_else(|_| panic!("tick label {:?} is not a number", e.text()))
    };

    let mut xs = root.find("tick-label x");
    xs.sort_by(|a, b| a.num("x").total_cmp(&b.num("x")));
    let xv: Vec<f64> = xs.iter().map(|e| value(e)).collect();
    assert!(xv.len() >= 2, "x ticks {xv:?}");
    assert!(
        xv.windows(2).all(|w| w[0] < w[1]),
        "x ticks not increasing: {xv:?}"
    );
    for pair in xs.windows(2) {
        let (a, b) = (x_extent(pair[0]), x_extent(pair[1]));
        assert!(
            a.1 < b.0,
            "x tick labels overlap: {:?} {:?}",
            pair[0].text(),
            pair[1].text()
        );
    }
    for e in &xs {
        let (l, r) = x_extent(e);
        assert!(
            l >= 0.0 && r <= cw,
            "x tick label {:?} leaves the canvas",
            e.text()
        );
        let cap_top = e.num("y") - 0.75 * e.num("font-size");
        assert!(
            cap_top > bottom + 4.0,
            "x tick label {:?} touches the ticks",
            e.text()
        );
        assert!(e.num("y") < ch);
        assert!((left - 0.01..=right + 0.01).contains(&e.num("x")));
    }

    let mut ys = root.find("tick-label y");
    ys.sort_by(|a, b| b.num("y").total_cmp(&a.num("y")));
    let yv: Vec<f64> = ys.iter().map(|e| value(e)).collect();
    assert!(yv.len() >= 2, "y ticks {yv:?}");
    assert!(
        yv.windows(2).all(|w| w[0] < w[1]),
        "y ticks not increasing: {yv:?}"
    );
    for pair in ys.windows(2) {
        let gap = pair[0].num("y") - pair[1].num("y");
        assert!(gap > pair[0].num("font-size"), "y tick labels overlap");
    }
    let mut y_labels_left = f64::INFINITY;
    for e in &ys {
        let (l, r) = x_extent(e);
        y_labels_left = y_labels_left.min(l);
        assert!(l >= 0.0, "y tick label {:?} leaves the canvas", e.text());
        assert!(
            r < left - 4.0,
            "y tick label {:?} touches the ticks",
            e.text()
        );
        let y = e.num("y");
        assert!(y > top - 2.0 && y < bottom + 12.0);
    }

    for e in root.find("axis-label x") {
        let cap_top = e.num("y") - 0.75 * e.num("font-size");
        let below = xs.iter().map(|t| t.num("y")).fold(0.0, f64::max);
        assert!(
            cap_top > below + 2.0,
            "x axis label overlaps the tick labels"
        );
        assert!(
            e.num("y") + 0.25 * e.num("font-size") <= ch,
            "x axis label clipped"
        );
        let (l, r) = x_extent(e);
        assert!(l >= 0.0 && r <= cw);
    }
    for e in root.find("axis-label y") {
        assert!(e.attr("transform").unwrap().starts_with("rotate(-90"));
        // Rotated -90°: the glyphs lie left of the baseline x, up to the
        // ascent, and descend 0.25 em to its right.
        let (x, fs) = (e.num("x"), e.num("font-size"));
        assert!(x - 0.8 * fs >= 0.0, "y axis label clipped");
        assert!(
            x + 0.25 * fs < y_labels_left,
            "y axis label overlaps the tick labels"
        );
        let half = est_width(e) / 2.0;
        assert!(e.num("y") - half >= 0.0 && e.num("y") + half <= ch);
    }
    for e in root.find("title") {
        assert!(
            e.num("y") - 0.8 * e.num("font-size") >= 0.0,
            "title clipped"
        );
        assert!(e.num("y") < top - 4.0, "title touches the axes");
    }
    (xv, yv)
}

/// Interleaved spirals like `dataset/spiral.py` (seeded noise).
fn spiral(per_class: usize, classes: usize) -> (Matrix<f64>, Vec<usize>) {
    let mut rng = TestRng::new(1984);
    let mut data = Vec::new();
    let mut labels = Vec::new();
    for j in 0..classes {
        for i in 0..per_class {
            let r = i as f64 / per_class as f64;
            let theta = j as f64 * 4.0 + 4.0 * r + rng.randn() * 0.2;
            data.push(r * theta.sin());
            data.push(r * theta.cos());
            labels.push(j);
        }
    }
    (
        Matrix::from_vec(per_class * classes, 2, data).unwrap(),
        labels,
    )
}

/// The ideal spiral classifier: the class whose arm angle 4j + 4r is nearest
/// the point's angle.
fn spiral_classifier(classes: usize) -> impl FnMut(MatrixView<'_, f64>) -> Vec<usize> {
    move |b| {
        (0..b.rows())
            .map(|i| {
                let (x, y) = (b[(i, 0)], b[(i, 1)]);
                let (r, theta) = (x.hypot(y), x.atan2(y));
                let dist = |j: usize| {
                    let d = (theta - (j as f64 * 4.0 + 4.0 * r)).rem_euclid(std::f64::consts::TAU);
                    d.min(std::f64::consts::TAU - d)
                };
                (0..classes)
                    .min_by(|&a, &b| dist(a).total_cmp(&dist(b)))
                    .unwrap()
            })
            .collect()
    }
}

fn no_data(doc: &str) {
    let root = check(doc);
    let msg = root.find("no-data");
    assert_eq!(msg.len(), 1);
    assert_eq!(msg[0].text(), "no data");
    assert!(root.find("spines").is_empty());
}

// ------------------------------------------------------------ loss curve ----

fn decaying(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 1.1 * (-(i as f64) / 60.0).exp() + 0.05 * ((i * 7) % 5) as f64 / 5.0)
        .collect()
}

#[test]
fn loss_curve_is_well_formed() {
    let losses = decaying(300);
    let doc = plot::loss_curve(&losses, 10);
    let root = check(&doc);
    let lines: Vec<&Elem> = root
        .all()
        .into_iter()
        .filter(|e| e.name == "polyline")
        .collect();
    assert_eq!(lines.len(), 1);
    let pts = lines[0].attr("points").unwrap().split(' ').count();
    assert_eq!(pts, 300);
    assert_eq!(root.find("axis-label x")[0].text(), "iterations (x10)");
    assert_eq!(root.find("axis-label y")[0].text(), "loss");
    assert!(root.find("title").is_empty());
    assert!(!root.find("grid").is_empty());
    let (xv, yv) = check_axes(&root);
    assert!(
        xv.iter().all(|v| v.fract() == 0.0),
        "iterations are whole: {xv:?}"
    );
    assert!(xv[0] >= -15.0 && *xv.last().unwrap() <= 315.0);
    assert!(yv[0] >= 0.0 && *yv.last().unwrap() <= 1.3);
    // The line stays inside the plot area.
    let (left, top, right, bottom) = plot_area(&root);
    for p in lines[0].attr("points").unwrap().split(' ') {
        let (x, y) = p.split_once(',').unwrap();
        let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
        assert!(x >= left && x <= right && y >= top && y <= bottom);
    }
    assert!(doc.len() < 12_000, "{} bytes", doc.len());
}

#[test]
fn loss_curve_options() {
    let opts = Options::new()
        .title("Run <1> & \"2\"")
        .size(900.0, 300.0)
        .ylim(0.0, 0.5)
        .y_label("");
    let doc = plot::loss_curve_with(&decaying(50), 20, &opts);
    let root = check(&doc);
    assert_eq!(root.num("width"), 900.0);
    assert_eq!(root.find("title")[0].text(), "Run <1> & \"2\"");
    assert!(root.find("axis-label y").is_empty());
    let (_, yv) = check_axes(&root);
    assert!(yv[0] == 0.0 && *yv.last().unwrap() <= 0.5, "{yv:?}");
    // Values above ylim are clipped to the plot area.
    let clip = root
        .all()
        .into_iter()
        .find(|e| e.name == "clipPath")
        .unwrap();
    let id = clip.attr("id").unwrap();
    let g = root.find("loss")[0];
    assert_eq!(g.attr("clip-path"), Some(format!("url(#{id})").as_str()));
}

#[test]
fn loss_curve_empty() {
    no_data(&plot::loss_curve(&[], 10));
    no_data(&plot::loss_curve(
        &[f64::NAN, f64::INFINITY, f64::NEG_INFINITY],
        10,
    ));
    let doc = plot::loss_curve_with(&[], 1, &Options::new().title("t"));
    assert_eq!(check(&doc).find("title")[0].text(), "t");
}

#[test]
fn loss_curve_skips_non_finite() {
    let nan = f64::NAN;
    let losses = [
        1.0,
        nan,
        0.8,
        0.7,
        f64::INFINITY,
        0.5,
        f64::NEG_INFINITY,
        0.3,
        0.2,
        nan,
    ];
    let root = check(&plot::loss_curve(&losses, 1));
    let g = root.find("loss")[0];
    let lines: Vec<usize> = g
        .elems()
        .filter(|e| e.name == "polyline")
        .map(|e| e.attr("points").unwrap().split(' ').count())
        .collect();
    assert_eq!(lines, [2, 2]);
    // 1.0 and 0.5 have no finite neighbour: dots.
    assert_eq!(g.elems().filter(|e| e.name == "circle").count(), 2);
    let (xv, yv) = check_axes(&root);
    // The y axis covers the finite values only; x every index.
    assert!(yv[0] >= 0.15 && *yv.last().unwrap() <= 1.05, "{yv:?}");
    assert!(*xv.last().unwrap() >= 8.0);
}

#[test]
fn loss_curve_single_point_and_constant() {
    let root = check(&plot::loss_curve(&[0.7], 20));
    assert_eq!(root.find("loss")[0].elems().count(), 1);
    let (xv, yv) = check_axes(&root);
    assert!(xv.contains(&0.0));
    assert!(yv[0] < 0.7 && *yv.last().unwrap() > 0.7);

    let root = check(&plot::loss_curve(&[0.5; 40], 20));
    let (_, top, _, bottom) = plot_area(&root);
    let line = root.find("loss")[0]
        .elems()
        .next()
        .unwrap()
        .attr("points")
        .unwrap()
        .to_owned();
    for p in line.split(' ') {
        let y: f64 = p.split_once(',').unwrap().1.parse().unwrap();
        assert!(
            (y - (top + bottom) / 2.0).abs() < 0.02,
            "constant line not centred: {y}"
        );
    }
    check_axes(&root);

    let root = check(&plot::loss_curve(&[0.0, 0.0], 1));
    check_axes(&root);
}

#[test]
fn long_loss_curves_are_thinned_without_losing_extremes() {
    let n = 100_000;
    let losses: Vec<f64> = (0..n)
        .map(|i| 1.0 / (1.0 + i as f64 / 1000.0) + 0.01 * ((i * 7919) % 13) as f64)
        .collect();
    let doc = plot::loss_curve(&losses, 1);
    let root = check(&doc);
    assert!(doc.len() < 60_000, "{} bytes", doc.len());
    let line = root.find("loss")[0]
        .elems()
        .next()
        .unwrap()
        .attr("points")
        .unwrap()
        .to_owned();
    let ys: Vec<f64> = line
        .split(' ')
        .map(|p| p.split_once(',').unwrap().1.parse().unwrap())
        .collect();
    let xs: Vec<f64> = line
        .split(' ')
        .map(|p| p.split_once(',').unwrap().0.parse().unwrap())
        .collect();
    assert!(xs.windows(2).all(|w| w[0] <= w[1]), "points out of order");
    // The global extremes survive thinning (smallest loss = largest pixel y).
    let (_, top, _, bottom) = plot_area(&root);
    let (lo, hi) = losses
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    let span = hi - lo;
    let py = |v: f64| bottom - (v - (lo - 0.05 * span)) / (1.1 * span) * (bottom - top);
    let max_y = ys.iter().cloned().fold(f64::MIN, f64::max);
    let min_y = ys.iter().cloned().fold(f64::MAX, f64::min);
    assert!((max_y - py(lo)).abs() < 0.02 && (min_y - py(hi)).abs() < 0.02);
    check_axes(&root);
}

#[test]
fn loss_curve_extreme_values() {
    for losses in [
        vec![f64::MAX, -f64::MAX, 1.0],
        vec![f64::MAX; 3],
        vec![1e-300, 2e-300],
        vec![5e-324],
        vec![1e6, 1e6 + 1.0],
        vec![2e-6, 9e-6, 5e-6],
    ] {
        let root = check(&plot::loss_curve(&losses, 1));
        check_axes(&root);
    }
}

// ---------------------------------------------------------- 2-D plots ----

#[test]
fn scatter_draws_one_marker_per_point() {
    let (x, labels) = spiral(100, 3);
    let doc = plot::scatter(&x, &labels, 3);
    assert_eq!(doc, plot::scatter(x.view(), &labels, 3));
    let root = check(&doc);
    // 'o', 'x', '^'.
    for (k, shape) in ["circle", "path", "path"].into_iter().enumerate() {
        let g = root.find(&format!("points class-{k}"));
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].elems().count(), 100, "class {k}");
        assert!(g[0].elems().all(|e| e.name == shape));
    }
    let legend: Vec<String> = root.find("legend-label").iter().map(|e| e.text()).collect();
    assert_eq!(legend, ["class 0", "class 1", "class 2"]);
    check_axes(&root);
    // Equal aspect: the plot area is (about) square for this data.
    let (l, t, r, b) = plot_area(&root);
    assert!(((r - l) / (b - t) - 1.0).abs() < 0.1, "{l} {t} {r} {b}");
    // The legend sits right of the plot area, inside the canvas.
    let lg = root.find("legend")[0].elems().next().unwrap();
    assert!(lg.num("x") > r && lg.num("x") + lg.num("width") <= root.num("width"));
}

#[test]
fn scatter_skips_non_finite_points() {
    let x = Matrix::from_vec(
        4,
        2,
        vec![0.0, 0.0, f64::NAN, 1.0, 1.0, f64::INFINITY, 1.0, 1.0],
    )
    .unwrap();
    let root = check(&plot::scatter(x.view(), &[0, 0, 1, 1], 2));
    assert_eq!(root.find("points class-0")[0].elems().count(), 1);
    assert_eq!(root.find("points class-1")[0].elems().count(), 1);
    check_axes(&root);
    // One point, and huge coordinates.
    let one = Matrix::from_vec(1, 2, vec![3.0, -2.0]).unwrap();
    check_axes(&check(&plot::scatter(one.view(), &[0], 1)));
    let huge = Matrix::from_vec(2, 2, vec![-f64::MAX, 1.0, f64::MAX, 1e300]).unwrap();
    check(&plot::scatter(huge.view(), &[0, 0], 1));
}

#[test]
fn scatter_escapes_class_names_and_cycles_styles() {
    let x = Matrix::from_fn(10, 2, |i, j| (i * (j + 1)) as f64);
    let labels: Vec<usize> = (0..10).collect();
    let names = ["<b>", "a & b", "\"q\" 'a'"];
    let opts = Options::new().class_names(names).equal_aspect(false);
    let root = check(&plot::scatter_with(x.view(), &labels, 10, &opts));
    let legend: Vec<String> = root.find("legend-label").iter().map(|e| e.text()).collect();
    assert_eq!(&legend[..3], names);
    assert_eq!(legend[9], "class 9");
    assert_eq!(root.find("legend-marker").len(), 10);
    check_axes(&root);
}

#[test]
fn empty_2d_inputs_say_no_data() {
    let x = Matrix::<f64>::zeros(0, 2);
    no_data(&plot::scatter(x.view(), &[], 3));
    let mut called = false;
    no_data(&plot::decision_boundary(x.view(), &[], 3, |b| {
        called = true;
        vec![0; b.rows()]
    }));
    assert!(!called);
    let nan = Matrix::from_vec(1, 2, vec![f64::NAN, 0.0]).unwrap();
    no_data(&plot::scatter(nan.view(), &[0], 1));
}

#[test]
#[should_panic(expected = "3 labels for 2 points")]
fn scatter_panics_on_label_count() {
    let x = Matrix::<f64>::zeros(2, 2);
    plot::scatter(x.view(), &[0, 0, 0], 1);
}

#[test]
#[should_panic(expected = "label 3 of point 1 is not below classes = 3")]
fn scatter_panics_on_label_range() {
    let x = Matrix::<f64>::zeros(2, 2);
    plot::scatter(x.view(), &[0, 3], 3);
}

#[test]
#[should_panic(expected = "must have 2 columns")]
fn scatter_panics_on_width() {
    let x = Matrix::<f64>::zeros(2, 3);
    plot::scatter(x.view(), &[0, 0], 1);
}

#[test]
#[should_panic(expected = "classify returned class 2, not below classes = 2")]
fn decision_boundary_panics_on_bad_class() {
    let x = Matrix::<f64>::zeros(1, 2);
    plot::decision_boundary(x.view(), &[0], 2, |b| vec![2; b.rows()]);
}

#[test]
#[should_panic(expected = "classify returned 1 classes for a batch of")]
fn decision_boundary_panics_on_bad_length() {
    let x = Matrix::<f64>::zeros(1, 2);
    plot::decision_boundary(x.view(), &[0], 2, |_| vec![0]);
}

/// Rasterises the region paths back onto the `n` × `n` grid: every cell
/// must be covered exactly once; returns the class of each cell (row 0 at
/// the top).
fn regions(root: &Elem, n: usize, classes: usize) -> Vec<usize> {
    let (left, top, right, bottom) = plot_area(root);
    let (cw, ch) = ((right - left) / n as f64, (bottom - top) / n as f64);
    let mut grid = vec![usize::MAX; n * n];
    for k in 0..classes {
        for path in root.find(&format!("region class-{k}")) {
            let d = path.attr("d").unwrap();
            for rect in d.split('z').filter(|r| !r.is_empty()) {
                // M x0 y0 H x1 V y1 H x0
                let nums: Vec<f64> = rect
                    .split(['M', ' ', 'H', 'V'])
                    .filter(|t| !t.is_empty())
                    .map(|t| t.parse().unwrap())
                    .collect();
                assert_eq!(nums.len(), 5, "{rect}");
                assert_eq!(nums[0], nums[4]);
                let col = |x: f64| ((x - left) / cw).round() as usize;
                let row = |y: f64| ((y - top) / ch).round() as usize;
                let (c0, c1, r0, r1) = (col(nums[0]), col(nums[2]), row(nums[1]), row(nums[3]));
                assert!(c0 < c1 && c1 <= n && r0 < r1 && r1 <= n, "{rect}");
                for r in r0..r1 {
                    for c in c0..c1 {
                        assert_eq!(grid[r * n + c], usize::MAX, "cell ({r}, {c}) painted twice");
                        grid[r * n + c] = k;
                    }
                }
            }
        }
    }
    assert!(
        grid.iter().all(|&k| k < classes),
        "some cells are not painted"
    );
    grid
}

#[test]
fn decision_boundary_matches_sign_classifier() {
    // Data in [-1, 1]²: the mesh is [-1.1, 1.1]², x = 0 is the middle.
    let x = Matrix::from_vec(4, 2, vec![-1.0, -1.0, -0.2, 1.0, 0.3, 0.0, 1.0, 0.5]).unwrap();
    let labels = [0, 0, 1, 1];
    let n = 50;
    let opts = Options::new().resolution(n);
    let doc = plot::decision_boundary_with(
        x.view(),
        &labels,
        2,
        |b| {
            (0..b.rows())
                .map(|i| usize::from(b[(i, 0)] >= 0.0))
                .collect()
        },
        &opts,
    );
    let root = check(&doc);
    let grid = regions(&root, n, 2);
    for r in 0..n {
        for c in 0..n {
            assert_eq!(grid[r * n + c], usize::from(c >= n / 2), "cell ({r}, {c})");
        }
    }
    // Merged into one rectangle per class.
    assert_eq!(
        root.find("region class-0")[0]
            .attr("d")
            .unwrap()
            .matches('M')
            .count(),
        1
    );
    assert_eq!(
        root.find("region class-1")[0]
            .attr("d")
            .unwrap()
            .matches('M')
            .count(),
        1
    );
    // Colours: light tints, distinct per class, points on top.
    let fill0 = root.find("region class-0")[0]
        .attr("fill")
        .unwrap()
        .to_owned();
    let fill1 = root.find("region class-1")[0]
        .attr("fill")
        .unwrap()
        .to_owned();
    assert_ne!(fill0, fill1);
    assert_eq!(root.find("points class-0")[0].elems().count(), 2);
    assert_eq!(root.find("points class-1")[0].elems().count(), 2);
    let (xv, _) = check_axes(&root);
    assert!(xv.contains(&0.0));
}

#[test]
fn decision_boundary_matches_classifier_cell_by_cell() {
    let (x, labels) = spiral(100, 3);
    let n = 120;
    let mut points_seen = Vec::new();
    let mut classify = spiral_classifier(3);
    let doc = plot::decision_boundary_with(
        x.view(),
        &labels,
        3,
        |b| {
            points_seen.extend_from_slice(b.as_slice());
            classify(b)
        },
        &Options::new().resolution(n),
    );
    let root = check(&doc);
    assert_eq!(points_seen.len(), 2 * n * n);
    let grid = regions(&root, n, 3);
    // The classifier saw the cell centres row by row from the top: compare.
    let expect = spiral_classifier(3)(MatrixView::new(n * n, 2, &points_seen).unwrap());
    assert_eq!(grid, expect);
    // Cell centres cover the data range ± 0.1.
    let xs = points_seen.iter().step_by(2);
    let (min, max) = xs.fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    let data_min = x
        .as_slice()
        .iter()
        .step_by(2)
        .fold(f64::MAX, |a, &v| a.min(v));
    let data_max = x
        .as_slice()
        .iter()
        .step_by(2)
        .fold(f64::MIN, |a, &v| a.max(v));
    let half_cell = (data_max - data_min + 0.2) / n as f64 / 2.0;
    assert!((min - (data_min - 0.1 + half_cell)).abs() < 1e-9);
    assert!((max - (data_max + 0.1 - half_cell)).abs() < 1e-9);
    for k in 0..3 {
        assert_eq!(
            root.find(&format!("points class-{k}"))[0].elems().count(),
            100
        );
    }
    check_axes(&root);
}

#[test]
fn decision_boundary_batches_and_size() {
    let (x, labels) = spiral(100, 3);
    let mut batches = Vec::new();
    let mut classify = spiral_classifier(3);
    let doc = plot::decision_boundary(x.view(), &labels, 3, |b| {
        batches.push(b.rows());
        classify(b)
    });
    assert_eq!(batches.iter().sum::<usize>(), 200 * 200);
    assert!(
        batches.iter().all(|&m| m % 200 == 0 && m <= 8192),
        "{batches:?}"
    );
    check(&doc);
    assert!(doc.len() < 150_000, "{} bytes", doc.len());

    let mut one = Vec::new();
    let x1 = Matrix::from_vec(1, 2, vec![0.5, 0.5]).unwrap();
    plot::decision_boundary_with(
        x1.view(),
        &[0],
        1,
        |b| {
            one.extend_from_slice(b.as_slice());
            vec![0]
        },
        &Options::new().resolution(0),
    );
    assert_eq!(one, [0.5, 0.5]);
}

// ------------------------------------------------------------- samples ----

/// Writes sample figures to `target/plot-samples/` for looking at:
/// `cargo test --release --test plot -- --ignored`.
#[test]
#[ignore]
fn write_samples() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("plot-samples");
    std::fs::create_dir_all(&dir).unwrap();
    let save = |name: &str, doc: String| {
        check(&doc);
        std::fs::write(dir.join(name), doc).unwrap();
    };
    let (x, labels) = spiral(100, 3);
    save("scatter.svg", plot::scatter(x.view(), &labels, 3));
    save(
        "boundary.svg",
        plot::decision_boundary(x.view(), &labels, 3, spiral_classifier(3)),
    );
    let (x5, l5) = spiral(60, 5);
    save(
        "boundary5.svg",
        plot::decision_boundary_with(
            x5.view(),
            &l5,
            5,
            spiral_classifier(5),
            &Options::new()
                .title("5 classes, 400 × 400 cells")
                .resolution(400)
                .x_label("x₀")
                .y_label("x₁"),
        ),
    );
    save("loss.svg", plot::loss_curve(&decaying(300), 10));
    let mut broken = decaying(120);
    broken[30] = f64::NAN;
    broken[70..].iter_mut().for_each(|v| *v = f64::INFINITY);
    broken[50] = f64::NAN;
    broken[52] = f64::NAN;
    save(
        "loss_nan.svg",
        plot::loss_curve_with(&broken, 20, &Options::new().title("diverged at 70")),
    );
    save("loss_one.svg", plot::loss_curve(&[0.7], 20));
    save("loss_const.svg", plot::loss_curve(&[0.5; 40], 20));
    save(
        "loss_tiny.svg",
        plot::loss_curve(&[3e-6, 2.5e-6, 2.2e-6, 2e-6], 1),
    );
    save("loss_big.svg", plot::loss_curve(&[1.5e7, 9e6, 2e6], 1000));
    let long: Vec<f64> = (0..100_000)
        .map(|i| 1.0 / (1.0 + i as f64 / 1000.0) + 0.01 * ((i * 7919) % 13) as f64)
        .collect();
    save("loss_long.svg", plot::loss_curve(&long, 1));
    let (x10, l10) = spiral(30, 10);
    save(
        "boundary10_small.svg",
        plot::decision_boundary_with(
            &x10,
            &l10,
            10,
            spiral_classifier(10),
            &Options::new().size(360.0, 300.0).title("10 classes"),
        ),
    );
    save(
        "loss_small.svg",
        plot::loss_curve_with(&decaying(300), 10, &Options::new().size(240.0, 180.0)),
    );
    save(
        "empty.svg",
        plot::loss_curve_with(&[], 10, &Options::new().title("no run")),
    );
    save(
        "scatter_wide.svg",
        plot::scatter_with(
            x.view(),
            &labels,
            3,
            &Options::new()
                .size(900.0, 300.0)
                .class_names(["spiral A", "spiral B & C", "<third>"]),
        ),
    );
}
