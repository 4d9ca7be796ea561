//! `map.svg` and `map.png`: an A4 portrait map of the UK on British National Grid for
//! briefings: areas shaded by coverage and, among the gaps, by the figure; team bases as
//! points; a legend, a London inset, the largest gaps, a title with the figure and period,
//! and the sources.
//!
//! Both come from one [`Map`]: the SVG is written here as text, and the PNG draws the same
//! page. Its shapes (the areas and team bases, some 400 polygons) go straight onto the page
//! with tiny-skia, from the very points written into the SVG's paths; the rest of the page
//! (text, legend, frames) is the SVG without those shapes, drawn over them by resvg with
//! DejaVu Sans built in (`data/fonts`, Bitstream Vera licence) so that it looks the same on
//! every machine. Drawing the shapes directly spares resvg from parsing and stroking every
//! boundary, which was most of the time `covgap run` spent on the map.

use std::fmt::Write as _;
use std::path::PathBuf;

use rayon::prelude::*;
use resvg::tiny_skia as sk;

use geo::{BoundingRect, Intersects, MultiPolygon, Rect};

use crate::coverage::Coverage;
use crate::error::{Error, Result};
use crate::model::Study;
use crate::rollup::Rollup;
use crate::write::cap;
use crate::write::style::{self, GapClass, Rgb};
use crate::write::summary::Headline;
use crate::write::teams::TeamRecord;
use crate::write::{tenths_text, thousands};

/// Page size in SVG user units: A4 portrait, 1000 units across 210 mm.
pub const PAGE_W: f64 = 1000.0;
pub const PAGE_H: f64 = 1414.0;
/// Width of `map.png` in pixels: A4 at 200 dots per inch.
pub const PNG_WIDTH: u32 = 1654;

const FONT: &str = "DejaVu Sans, Arial, Helvetica, sans-serif";
const INK: &str = "#252525";
const GREY: &str = "#595959";

static DEJAVU_SANS: &[u8] = include_bytes!("../../data/fonts/DejaVuSans.ttf");
static DEJAVU_SANS_BOLD: &[u8] = include_bytes!("../../data/fonts/DejaVuSans-Bold.ttf");

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Maps British National Grid metres into a box on the page.
#[derive(Debug, Clone, Copy)]
struct Frame {
    min_e: f64,
    max_n: f64,
    k: f64,
    x0: f64,
    y0: f64,
}

impl Frame {
    /// Fits `extent` into the box at (x, y) of size w by h, centred, keeping the aspect.
    fn fit(extent: Rect, x: f64, y: f64, w: f64, h: f64) -> Frame {
        let k = (w / extent.width()).min(h / extent.height());
        Frame {
            min_e: extent.min().x,
            max_n: extent.max().y,
            k,
            x0: x + (w - extent.width() * k) / 2.0,
            y0: y + (h - extent.height() * k) / 2.0,
        }
    }

    fn xy(&self, e: f64, n: f64) -> (f64, f64) {
        (
            self.x0 + (e - self.min_e) * self.k,
            self.y0 + (self.max_n - n) * self.k,
        )
    }

    /// The multipolygon as SVG path data and as the same path for drawing, both from the
    /// points rounded to 0.1 unit with repeats dropped.
    fn trace(&self, mp: &MultiPolygon) -> (String, Option<sk::Path>) {
        let mut d = String::new();
        let mut pb = sk::PathBuilder::new();
        for p in &mp.0 {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                let mut last = None;
                let mut n = 0;
                for c in &ring.0 {
                    let (x, y) = self.xy(c.x, c.y);
                    let pt = ((x * 10.0).round() as i64, (y * 10.0).round() as i64);
                    if last == Some(pt) {
                        continue;
                    }
                    d.push(if n == 0 { 'M' } else { 'L' });
                    push_tenths(&mut d, pt.0);
                    d.push(' ');
                    push_tenths(&mut d, pt.1);
                    let (x, y) = (pt.0 as f64 / 10.0, pt.1 as f64 / 10.0);
                    if n == 0 {
                        pb.move_to(x as f32, y as f32);
                    } else {
                        pb.line_to(x as f32, y as f32);
                    }
                    last = Some(pt);
                    n += 1;
                }
                d.push('Z');
                pb.close();
            }
        }
        (d, pb.finish())
    }
}

/// Writes `tenths / 10` with one decimal, as `format!("{:.1}")` writes it, with integer
/// formatting: some 60,000 numbers go into a map's paths, and float formatting was most of
/// the time spent writing them.
fn push_tenths(d: &mut String, tenths: i64) {
    if tenths < 0 {
        d.push('-');
    }
    let t = tenths.unsigned_abs();
    d.push_str(itoa::Buffer::new().format(t / 10));
    d.push('.');
    d.push(char::from(b'0' + (t % 10) as u8));
}

/// One shape drawn straight onto the PNG's page, in page units.
struct Shape {
    path: sk::Path,
    fill: Option<Rgb>,
    stroke: Option<(Rgb, f32)>,
}

/// Shapes drawn together, optionally clipped to a rectangle of the page (x, y, w, h).
#[derive(Default)]
struct Layer {
    clip: Option<[f32; 4]>,
    shapes: Vec<Shape>,
}

/// The page being written: the whole SVG, the overlay (the SVG without the shape layers and
/// the page background) and the shape layers. Text written with `write!` goes to both SVGs.
#[derive(Default)]
struct Page {
    svg: String,
    overlay: String,
    layers: Vec<Layer>,
}

impl std::fmt::Write for Page {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.svg.push_str(s);
        self.overlay.push_str(s);
        Ok(())
    }
}

fn text(s: &mut Page, x: f64, y: f64, size: f64, style: &str, body: &str) {
    let _ = writeln!(
        s,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" {style}>{}</text>",
        esc(body)
    );
}

/// Breaks `t` into lines of at most `width` characters at spaces.
fn wrap(t: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in t.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// How wide `body` is on the page, in SVG units, set in DejaVu Sans (regular) at `size`, as
/// resvg draws it into `map.png`: from the start of the line to the right edge of its last
/// glyph.
fn text_width(body: &str, size: f64) -> f64 {
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"100\" viewBox=\"0 0 {w} 100\" font-family=\"{FONT}\"><text x=\"0\" y=\"50\" font-size=\"{size}\">{}</text></svg>",
        esc(body),
        w = 20.0 * PAGE_W,
    );
    resvg::usvg::Tree::from_str(&svg, &svg_options())
        .map(|t| f64::from(t.root().abs_bounding_box().right()))
        .unwrap_or(0.0)
}

/// Breaks `t` into lines at spaces, each no wider than `width` on the page at `size` (see
/// [`text_width`]); a word wider than that alone stays whole on its line. Each line is the
/// most words that fit, found by halving (a few measurements a line, each a fraction of a
/// millisecond), and text that fits whole is measured once.
fn fit(t: &str, size: f64, width: f64) -> Vec<String> {
    let words: Vec<&str> = t.split_whitespace().collect();
    let mut lines = Vec::new();
    let mut start = 0;
    while start < words.len() {
        let rest = &words[start..];
        let n = if text_width(&rest.join(" "), size) <= width {
            rest.len()
        } else {
            // The most words that fit lie in lo..hi: one always goes on the line.
            let (mut lo, mut hi) = (1, rest.len());
            while hi - lo > 1 {
                let mid = (lo + hi) / 2;
                if text_width(&rest[..mid].join(" "), size) <= width {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            lo
        };
        lines.push(rest[..n].join(" "));
        start += n;
    }
    lines
}

fn union(rects: impl Iterator<Item = Rect>) -> Option<Rect> {
    rects.reduce(|a, r| {
        Rect::new(
            geo::coord! { x: a.min().x.min(r.min().x), y: a.min().y.min(r.min().y) },
            geo::coord! { x: a.max().x.max(r.max().x), y: a.max().y.max(r.max().y) },
        )
    })
}

fn areas_layer(
    page: &mut Page,
    study: &Study,
    cov: &Coverage,
    classes: &[GapClass],
    frame: &Frame,
    within: Option<Rect>,
    stroke: f64,
) -> Vec<Shape> {
    let s = &mut page.svg;
    let _ = writeln!(
        s,
        "<g stroke=\"#ffffff\" stroke-width=\"{stroke}\" stroke-linejoin=\"round\" fill-rule=\"evenodd\">"
    );
    let mut shapes = Vec::new();
    for (a, r) in study.areas.iter().zip(&cov.areas) {
        if let Some(w) = within {
            if !a.bng.bounding_rect().is_some_and(|b| b.intersects(&w)) {
                continue;
            }
        }
        let fill = style::area_fill(r.covered(), a.figure, classes);
        let (d, path) = frame.trace(&a.bng);
        let _ = writeln!(
            s,
            "<path fill=\"{}\" d=\"{d}\"><title>{} ({})</title></path>",
            fill.hex(),
            esc(&a.name),
            esc(&a.code)
        );
        if let Some(path) = path {
            shapes.push(Shape {
                path,
                fill: Some(fill),
                stroke: Some((Rgb(255, 255, 255), stroke as f32)),
            });
        }
    }
    s.push_str("</g>\n");
    shapes
}

/// How a team base is marked: its fill (none for a team that does not count) and its stroke
/// colour and width. The map's markers and the legend's use it alike.
fn team_look(counted: bool) -> (Option<Rgb>, Rgb, f64) {
    if counted {
        (Some(style::TEAM), Rgb(255, 255, 255), 1.0)
    } else {
        (None, style::TEAM_NOT_COUNTED, 1.6)
    }
}

/// [`team_look`] as SVG attributes.
fn team_look_svg(counted: bool) -> String {
    let (fill, stroke, width) = team_look(counted);
    format!(
        "fill=\"{}\" stroke=\"{}\" stroke-width=\"{width}\"",
        fill.map_or("none".to_string(), Rgb::hex),
        stroke.hex()
    )
}

/// Where team `t`'s base is drawn, on British National Grid: every team's base on the main
/// map, or within `within` (the London inset); for a team serving only areas outside the
/// boundaries given, only within `extent`, the areas' extent, since elsewhere it would fall
/// on the legend.
fn drawn_at(t: &TeamRecord, within: Option<Rect>, extent: Rect) -> Option<(f64, f64)> {
    let b = t.base?;
    let c = geo::Coord {
        x: b.at.bng.x(),
        y: b.at.bng.y(),
    };
    let inside = |r: Rect| r.intersects(&c);
    let shown = within.is_none_or(inside) && (!t.outside_boundaries || inside(extent));
    shown.then_some((c.x, c.y))
}

/// A diamond about (x, y), `r` from the centre to each corner, as SVG path data and as the
/// same path for drawing, from the points rounded to 0.1 unit: a team serving only areas
/// outside the boundaries given.
fn diamond(x: f64, y: f64, r: f64) -> (String, Option<sk::Path>) {
    let t = |v: f64| (v * 10.0).round() / 10.0;
    let corners = [
        (t(x), t(y - r)),
        (t(x + r), t(y)),
        (t(x), t(y + r)),
        (t(x - r), t(y)),
    ];
    let mut d = String::new();
    let mut pb = sk::PathBuilder::new();
    for (i, (cx, cy)) in corners.into_iter().enumerate() {
        let _ = write!(d, "{}{cx:.1} {cy:.1}", if i == 0 { 'M' } else { 'L' });
        if i == 0 {
            pb.move_to(cx as f32, cy as f32);
        } else {
            pb.line_to(cx as f32, cy as f32);
        }
    }
    d.push('Z');
    pb.close();
    (d, pb.finish())
}

/// A diamond's corners lie this much further out than a circle's radius, so that the two
/// cover about the same area (sqrt(pi / 2) is 1.25) and a diamond stands out a little.
const DIAMOND: f64 = 1.3;

fn teams_layer(
    page: &mut Page,
    study: &Study,
    frame: &Frame,
    within: Option<Rect>,
    extent: Rect,
    r: f64,
) -> Vec<Shape> {
    let s = &mut page.svg;
    s.push_str("<g>\n");
    let mut shapes = Vec::new();
    let teams = crate::write::teams::records(study);
    // Teams that do not count first, so counted teams are drawn on top, and among each, those
    // outside the boundaries first, so the teams covering areas given are on top.
    for counted in [false, true] {
        for outside in [true, false] {
            for t in teams
                .iter()
                .filter(|t| t.counted == counted && t.outside_boundaries == outside)
            {
                let Some((e, n)) = drawn_at(t, within, extent) else {
                    continue;
                };
                let (x, y) = frame.xy(e, n);
                let (fill, stroke, width) = team_look(counted);
                let path = if outside {
                    let (d, path) = diamond(x, y, r * DIAMOND);
                    let _ = writeln!(
                        s,
                        "<path d=\"{d}\" {}><title>{} (serves only areas outside these)</title></path>",
                        team_look_svg(counted),
                        esc(t.name)
                    );
                    path
                } else {
                    let _ = writeln!(
                        s,
                        "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r}\" {}><title>{}</title></circle>",
                        team_look_svg(counted),
                        esc(t.name)
                    );
                    // The same rounding as the SVG's attributes.
                    let (cx, cy) = ((x * 10.0).round() / 10.0, (y * 10.0).round() / 10.0);
                    sk::PathBuilder::from_circle(cx as f32, cy as f32, r as f32)
                };
                if let Some(path) = path {
                    shapes.push(Shape {
                        path,
                        fill,
                        stroke: Some((stroke, width as f32)),
                    });
                }
            }
        }
    }
    s.push_str("</g>\n");
    shapes
}

fn swatch(s: &mut Page, x: f64, y: f64, fill: Rgb, label: &str) {
    let _ = writeln!(
        s,
        "<rect x=\"{x}\" y=\"{:.1}\" width=\"24\" height=\"16\" fill=\"{}\" stroke=\"#bdbdbd\" stroke-width=\"0.5\"/>",
        y - 13.0,
        fill.hex()
    );
    text(s, x + 32.0, y, 15.0, &format!("fill=\"{INK}\""), label);
}

/// The map's page, ready to be written as SVG ([`Map::svg`]) and drawn as PNG ([`Map::png`]).
pub struct Map {
    /// The whole page as SVG.
    pub svg: String,
    /// The page without its background and shape layers, drawn over them.
    overlay: String,
    layers: Vec<Layer>,
}

/// A source as the map's footer names it: when it starts with the path of an input file, as
/// typed ("/home/me/data/births.csv, sheet \"2024\" (...)"), the file's name in its place
/// ("births.csv, sheet \"2024\" (...)"); a built-in source, or a path that is no file (a
/// pipe), as it is.
fn file_name_only(source: &str) -> std::borrow::Cow<'_, str> {
    let ends = [", sheet ", " ("]
        .iter()
        .flat_map(|sep| source.match_indices(sep).map(|(i, _)| i))
        .chain([source.len()]);
    for end in ends {
        let path = std::path::Path::new(&source[..end]);
        if let (true, Some(name)) = (path.is_file(), path.file_name()) {
            if name.len() < end {
                return format!("{}{}", name.to_string_lossy(), &source[end..]).into();
            }
        }
    }
    source.into()
}

/// The figures' source on the map: with several tables, their file names only (`run.json`
/// and `summary.md` give each one's column and areas).
fn figures_by_name(study: &Study) -> std::borrow::Cow<'_, str> {
    match study.demand.files.as_slice() {
        [_, _, ..] => {
            let names: Vec<String> = study
                .demand
                .files
                .iter()
                .map(|f| file_name_only(&f.path).into_owned())
                .collect();
            crate::write::and_list(&names).into()
        }
        _ => file_name_only(&study.demand.source),
    }
}

/// `map.svg`: A4 portrait, 1000 by 1414 user units.
///
/// # Examples
/// ```
/// use covgap::{analyse_inputs, error::Diagnostics, load::Inputs};
/// let a = analyse_inputs(&Inputs::default(), &mut Diagnostics::new()).unwrap();
/// let svg = covgap::write::map::svg(&a.study, &a.coverage, &a.rollups);
/// assert!(svg.starts_with("<svg ") && svg.contains("Largest gaps"));
/// ```
pub fn svg(study: &Study, cov: &Coverage, rollups: &[Rollup]) -> String {
    map(study, cov, rollups).svg
}

/// The map: `map.svg`'s text and what `map.png` draws.
///
/// # Examples
/// ```
/// use covgap::{analyse_inputs, error::Diagnostics, load::Inputs};
/// use covgap::write::map::{map, Canvas};
/// let a = analyse_inputs(&Inputs::default(), &mut Diagnostics::new()).unwrap();
/// let m = map(&a.study, &a.coverage, &a.rollups);
/// let png = m.png(Canvas::new(400).unwrap()).unwrap();
/// assert_eq!(&png[1..4], b"PNG");
/// ```
pub fn map(study: &Study, cov: &Coverage, rollups: &[Rollup]) -> Map {
    let h = Headline::new(study, rollups);
    let classes = style::classes(study, cov);
    let what = study.demand.measure.describe();
    let mut s = Page::default();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"210mm\" height=\"297mm\" viewBox=\"0 0 {PAGE_W} {PAGE_H}\" font-family=\"{FONT}\">"
    );
    let _ = writeln!(
        s,
        "<title>Specialised parent-infant relationship team coverage, {}</title>",
        esc(&study.demand.period)
    );
    // The PNG's page is white already, and the overlay must not cover the shapes.
    let _ = writeln!(
        s.svg,
        "<rect x=\"0\" y=\"0\" width=\"{PAGE_W}\" height=\"{PAGE_H}\" fill=\"#ffffff\"/>"
    );

    // Title, with the figure and its period.
    text(
        &mut s,
        30.0,
        58.0,
        30.0,
        &format!("font-weight=\"bold\" fill=\"{INK}\""),
        "Specialised parent-infant relationship teams",
    );
    // The headline and the line under it, each broken onto more lines where it would run
    // past the page's edge (a long period, or the teams outside the boundaries given), with
    // the map and legend moved down by as much.
    let headline = {
        let babies = match study.demand.measure {
            crate::model::Measure::Births => "live births",
            crate::model::Measure::Age0 => "babies aged under one",
        };
        if cov.gaps.is_empty() {
            // "0 of 7,119 live births (0.0%) were in the 0 of 5 areas with no team" said
            // nothing a reader could use.
            format!(
                "Every area has a team: all {} {babies} were in an area with a team.",
                thousands(h.demand_total)
            )
        } else {
            format!(
                "{} of {} {babies} ({}) were in the {} of {} {} with no team.",
                thousands(h.demand_uncovered()),
                thousands(h.demand_total),
                // The complement of the share summary.md gives, so the two add up to
                // 100%; n/a when no babies were counted.
                crate::rollup::percent_tenths(h.demand_covered, h.demand_total)
                    .map_or_else(|| "n/a".into(), |t| format!("{}%", tenths_text(1000 - t))),
                thousands((h.areas_total - h.areas_covered) as u64),
                thousands(h.areas_total as u64),
                crate::write::plural(h.areas_total, "area", "areas")
            )
        }
    };
    let period_line = format!("{}, {}.", cap(what), study.demand.period);
    let teams_line = format!(
        "Teams counted: {} of the {} in the list{}.",
        h.teams_counted,
        h.teams_in_list,
        {
            let mut parts = Vec::new();
            if h.teams_beyond > 0 {
                parts.push(format!(
                    "{} {} only areas outside these",
                    h.teams_beyond,
                    crate::write::plural(h.teams_beyond, "serves", "serve")
                ));
            }
            match h.teams_unplaced.len() {
                0 => {}
                1 => parts.push("1 has no known place and covers no area".to_string()),
                n => parts.push(format!("{n} have no known place and cover no area")),
            }
            if parts.is_empty() {
                String::new()
            } else {
                format!(" ({})", parts.join("; "))
            }
        }
    );
    let line_width = PAGE_W - 2.0 * 30.0;
    let mut y = 94.0;
    for (k, l) in fit(&headline, 19.0, line_width).iter().enumerate() {
        y += if k == 0 { 0.0 } else { 24.0 };
        text(&mut s, 30.0, y, 19.0, &format!("fill=\"{INK}\""), l);
    }
    // The period and the teams on one line when they fit, else each on its own.
    let both = format!("{period_line} {teams_line}");
    let under = if text_width(&both, 16.0) <= line_width {
        vec![both]
    } else {
        let mut v = fit(&period_line, 16.0, line_width);
        v.extend(fit(&teams_line, 16.0, line_width));
        v
    };
    y += 28.0;
    for (k, l) in under.iter().enumerate() {
        y += if k == 0 { 0.0 } else { 20.0 };
        text(&mut s, 30.0, y, 16.0, &format!("fill=\"{GREY}\""), l);
    }
    // How far below its place for a one-line headline and line under it the title ends.
    let down = y - 122.0;

    // Sources.
    let not_counted = crate::write::summary::without_figure_note(&h)
        .map(|n| format!("Not counted: {n}. "))
        .unwrap_or_default();
    // The input files by name only: a path as typed (/home/someone/...) would put a user's
    // folders on a published map, and tells its reader nothing; run.json keeps the paths.
    let sources = format!(
        "{not_counted}Areas: {}. {}: {}, {}. Teams: {}; counted: {}. An area has a team when a counted team's list entry names it, or, where it names none, holds its base.{} {} British National Grid. Made with covgap {}.",
        file_name_only(&study.sources.boundaries),
        cap(what),
        study.demand.period,
        figures_by_name(study),
        file_name_only(&study.sources.teams),
        study.evidence_rule,
        if study.lying_in {
            crate::write::summary::LYING_IN_RULE
        } else {
            ""
        },
        crate::write::ATTRIBUTION,
        env!("CARGO_PKG_VERSION"),
    );
    let lines = wrap(&sources, 150);
    // The footer's first baseline; the map stops above it.
    let footer_y = PAGE_H - 14.0 - 14.0 * (lines.len() as f64 - 1.0);

    // The UK.
    let extent = union(study.areas.iter().filter_map(|a| a.bng.bounding_rect()));
    let london = union(
        study
            .areas
            .iter()
            .filter(|a| a.code.starts_with("E09"))
            .filter_map(|a| a.bng.bounding_rect()),
    )
    .map(|r| {
        let pad = r.width().max(r.height()) * 0.04;
        Rect::new(
            geo::coord! { x: r.min().x - pad, y: r.min().y - pad },
            geo::coord! { x: r.max().x + pad, y: r.max().y + pad },
        )
    });
    if let Some(extent) = extent {
        let frame = Frame::fit(
            extent,
            20.0,
            150.0 + down,
            660.0,
            footer_y - 150.0 - down - 24.0,
        );
        let mut shapes = areas_layer(&mut s, study, cov, &classes, &frame, None, 0.3);
        shapes.extend(teams_layer(&mut s, study, &frame, None, extent, 3.5));
        s.layers.push(Layer { clip: None, shapes });
        if let Some(l) = london {
            let (x1, y1) = frame.xy(l.min().x, l.max().y);
            let (x2, y2) = frame.xy(l.max().x, l.min().y);
            let _ = writeln!(
                s,
                "<rect x=\"{x1:.1}\" y=\"{y1:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"none\" stroke=\"{INK}\" stroke-width=\"1.2\"/>",
                x2 - x1,
                y2 - y1
            );
        }
    }

    // Legend.
    let lx = 700.0;
    let mut y = 175.0 + down;
    text(
        &mut s,
        lx,
        y,
        17.0,
        &format!("font-weight=\"bold\" fill=\"{INK}\""),
        "Areas",
    );
    y += 28.0;
    swatch(&mut s, lx, y, style::COVERED, "Has a team");
    y += 28.0;
    text(
        &mut s,
        lx,
        y,
        15.0,
        &format!("fill=\"{INK}\""),
        &if cov.gaps.is_empty() {
            "No team: none".to_string()
        } else {
            format!("No team, by {what}:")
        },
    );
    for c in classes.iter().rev().filter(|_| !cov.gaps.is_empty()) {
        y += 24.0;
        swatch(&mut s, lx + 12.0, y, c.colour, &c.label());
    }
    if study.areas.iter().any(|a| a.figure.is_none()) {
        y += 24.0;
        swatch(&mut s, lx + 12.0, y, style::NO_FIGURE, "no figure");
    }
    y += 38.0;
    text(
        &mut s,
        lx,
        y,
        17.0,
        &format!("font-weight=\"bold\" fill=\"{INK}\""),
        "Team bases",
    );
    for (counted, label) in [(true, "Team (counted)"), (false, "Listed, not counted")] {
        y += if counted { 26.0 } else { 24.0 };
        let _ = writeln!(
            s,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"5\" {}/>",
            lx + 12.0,
            y - 5.0,
            team_look_svg(counted)
        );
        text(
            &mut s,
            lx + 32.0,
            y,
            15.0,
            &format!("fill=\"{INK}\""),
            label,
        );
    }
    // Teams serving only areas outside the boundaries given, drawn where their base lies
    // within the map: an area's nearest team may be one. The looks that are on the map.
    let outside: Vec<bool> = extent.map_or_else(Vec::new, |extent| {
        let teams = crate::write::teams::records(study);
        [true, false]
            .into_iter()
            .filter(|&counted| {
                teams.iter().any(|t| {
                    t.outside_boundaries
                        && t.counted == counted
                        && drawn_at(t, None, extent).is_some()
                })
            })
            .collect()
    });
    if !outside.is_empty() {
        y += 24.0;
        text(
            &mut s,
            lx,
            y,
            15.0,
            &format!("fill=\"{INK}\""),
            "Serving only areas outside these:",
        );
    }
    for counted in outside {
        y += 24.0;
        let (d, _) = diamond(lx + 24.0, y - 5.0, 5.0 * DIAMOND);
        let _ = writeln!(s, "<path d=\"{d}\" {}/>", team_look_svg(counted));
        text(
            &mut s,
            lx + 44.0,
            y,
            15.0,
            &format!("fill=\"{INK}\""),
            if counted {
                "counted (measured to)"
            } else {
                "not counted"
            },
        );
    }

    // London inset.
    y += 40.0;
    if let Some(l) = london {
        text(
            &mut s,
            lx,
            y,
            17.0,
            &format!("font-weight=\"bold\" fill=\"{INK}\""),
            "London",
        );
        y += 10.0;
        let w = 280.0;
        let ht = w * l.height() / l.width();
        let frame = Frame::fit(l, lx, y, w, ht);
        let _ = writeln!(
            s.svg,
            "<clipPath id=\"london\"><rect x=\"{lx}\" y=\"{y:.1}\" width=\"{w}\" height=\"{ht:.1}\"/></clipPath>"
        );
        s.svg.push_str("<g clip-path=\"url(#london)\">\n");
        let mut shapes = areas_layer(&mut s, study, cov, &classes, &frame, Some(l), 0.8);
        shapes.extend(teams_layer(&mut s, study, &frame, Some(l), l, 4.5));
        s.svg.push_str("</g>\n");
        // The clip as the SVG gives it, after its one-decimal rounding.
        let top = (y * 10.0).round() / 10.0;
        let height = (ht * 10.0).round() / 10.0;
        s.layers.push(Layer {
            clip: Some([lx as f32, top as f32, w as f32, height as f32]),
            shapes,
        });
        let _ = writeln!(
            s,
            "<rect x=\"{lx}\" y=\"{y:.1}\" width=\"{w}\" height=\"{ht:.1}\" fill=\"none\" stroke=\"{INK}\" stroke-width=\"1.2\"/>"
        );
        y += ht + 40.0;
    }

    // The largest gaps.
    text(
        &mut s,
        lx,
        y,
        17.0,
        &format!("font-weight=\"bold\" fill=\"{INK}\""),
        "Largest gaps",
    );
    y += 6.0;
    if cov.gaps.is_empty() {
        y += 21.0;
        text(
            &mut s,
            lx,
            y,
            14.0,
            &format!("fill=\"{INK}\""),
            "none: every area has a team",
        );
    }
    for &i in cov.gaps.iter().take(12) {
        let a = &study.areas[i];
        let Some(f) = a.figure else { break };
        y += 21.0;
        if y > 1300.0 {
            break;
        }
        // A name too long for the line goes on two, under itself, rather than being cut
        // short: a briefing names the area in full ("Armagh City, Banbridge and Craigavon").
        let (name, rest) = name_lines(&a.name, GAP_NAME_CHARS);
        let rank = cov.areas[i].gap_rank.unwrap_or(0);
        text(
            &mut s,
            lx,
            y,
            14.0,
            &format!("fill=\"{INK}\""),
            &format!("{rank}. {name}"),
        );
        text(
            &mut s,
            lx + 280.0,
            y,
            14.0,
            &format!("fill=\"{INK}\" text-anchor=\"end\""),
            &thousands(f),
        );
        if let Some(rest) = rest {
            y += 17.0;
            // Under the name, past the rank ("12. "), at about 6 units a character.
            let indent = 6.0 * (rank.to_string().len() + 2) as f64;
            text(
                &mut s,
                lx + indent,
                y,
                14.0,
                &format!("fill=\"{INK}\""),
                rest,
            );
        }
    }

    let mut fy = footer_y;
    for l in lines {
        text(&mut s, 30.0, fy, 11.5, &format!("fill=\"{GREY}\""), &l);
        fy += 14.0;
    }
    let _ = s.write_str("</svg>\n");
    Map {
        svg: s.svg,
        overlay: s.overlay,
        layers: s.layers,
    }
}

/// The characters of an area's name that fit on one line of the map's largest gaps, beside
/// its rank and figure.
const GAP_NAME_CHARS: usize = 25;

/// An area's name as the map's largest gaps show it: whole on one line when it has at most
/// `max` characters, else on two, broken after the last comma that leaves at most `max` on
/// each ("Kingston upon Hull," / "City of"), or failing that at the last space that leaves at
/// most `max` on the first. A name with no such space stays whole on one line.
///
/// # Examples
/// ```
/// use covgap::write::map::name_lines;
/// assert_eq!(name_lines("Birmingham", 25), ("Birmingham", None));
/// assert_eq!(
///     name_lines("Kingston upon Hull, City of", 25),
///     ("Kingston upon Hull,", Some("City of"))
/// );
/// assert_eq!(
///     name_lines("Bath and North East Somerset", 25),
///     ("Bath and North East", Some("Somerset"))
/// );
/// ```
pub fn name_lines(name: &str, max: usize) -> (&str, Option<&str>) {
    let chars = |t: &str| t.chars().count();
    if chars(name) <= max {
        return (name, None);
    }
    let spaces = || {
        name.char_indices()
            .filter(|&(at, c)| c == ' ' && at > 0 && chars(&name[..at]) <= max)
            .map(|(at, _)| at)
    };
    let after_comma =
        spaces().rfind(|&at| name[..at].ends_with(',') && chars(&name[at + 1..]) <= max);
    match after_comma.or_else(|| spaces().next_back()) {
        Some(at) => (&name[..at], Some(name[at + 1..].trim_start())),
        None => (name, None),
    }
}

/// What drawing the map needs before the SVG exists: the built-in fonts and a white page of
/// the A4 size at the width asked. Making it takes a few milliseconds (mostly touching the
/// page's memory for the first time), so `covgap run` makes it on the spare core while the
/// inputs are read and analysed; see [`Map::png`].
///
/// # Examples
/// ```
/// use covgap::write::map::{Canvas, PNG_WIDTH};
/// let c = Canvas::new(PNG_WIDTH).unwrap();
/// assert_eq!((c.width(), c.height()), (1654, 2339));
/// ```
pub struct Canvas {
    opt: resvg::usvg::Options<'static>,
    pixmap: resvg::tiny_skia::Pixmap,
}

impl Canvas {
    /// Loads the fonts and fills an A4 page `width` pixels wide with white.
    pub fn new(width: u32) -> Result<Canvas> {
        Ok(Canvas {
            opt: svg_options(),
            pixmap: white(width, page_transform(width).1)?,
        })
    }

    /// The page's width in pixels.
    pub fn width(&self) -> u32 {
        self.pixmap.width()
    }

    /// The page's height in pixels.
    pub fn height(&self) -> u32 {
        self.pixmap.height()
    }
}

/// resvg's options with the built-in fonts, so text looks the same on every machine. The
/// fonts are loaded once a process and shared: the page drawn on the spare core and the title
/// lines measured while the map is laid out (see [`text_width`]) use the same.
fn svg_options() -> resvg::usvg::Options<'static> {
    static FONTS: std::sync::OnceLock<std::sync::Arc<resvg::usvg::fontdb::Database>> =
        std::sync::OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_font_data(DEJAVU_SANS.to_vec());
        db.load_font_data(DEJAVU_SANS_BOLD.to_vec());
        db.set_sans_serif_family("DejaVu Sans");
        std::sync::Arc::new(db)
    });
    resvg::usvg::Options {
        font_family: "DejaVu Sans".into(),
        fontdb: fonts.clone(),
        ..Default::default()
    }
}

fn png_err(m: String) -> Error {
    Error::Write {
        path: PathBuf::from("map.png"),
        source: std::io::Error::other(m),
    }
}

fn white(width: u32, height: u32) -> Result<resvg::tiny_skia::Pixmap> {
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| png_err(format!("cannot make a {width}x{height} image")))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    Ok(pixmap)
}

/// Draws any SVG into a PNG `width` pixels wide, with the built-in fonts (see [`map`]).
///
/// # Examples
/// ```
/// let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>";
/// let bytes = covgap::write::map::png(svg, 20).unwrap();
/// assert!(bytes.starts_with(b"\x89PNG"));
/// ```
pub fn png(svg: &str, width: u32) -> Result<Vec<u8>> {
    let tree =
        resvg::usvg::Tree::from_str(svg, &svg_options()).map_err(|e| png_err(e.to_string()))?;
    let scale = width as f32 / tree.size().width();
    let height = (tree.size().height() * scale).round() as u32;
    let mut pixmap = white(width, height)?;
    resvg::render(
        &tree,
        sk::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    encode(&pixmap)
}

impl Map {
    /// Draws the page on `canvas`, at the canvas's width, and encodes it as PNG.
    ///
    /// The overlay is parsed while the shapes are drawn; layers clipped to a rectangle (the
    /// London inset) are drawn apart, each on a page of its own the size of its clip, and then
    /// laid on the page after the unclipped ones, before the overlay. The unclipped shapes and
    /// the overlay are drawn in horizontal bands on every core (see `in_bands`).
    pub fn png(&self, canvas: Canvas) -> Result<Vec<u8>> {
        // A canvas is always the A4 page at its width (see `Canvas::new`).
        let Canvas { opt, mut pixmap } = canvas;
        let (t, _) = page_transform(pixmap.width());
        let ((tree, insets), ()) = rayon::join(
            || {
                rayon::join(
                    || resvg::usvg::Tree::from_str(&self.overlay, &opt),
                    || {
                        self.layers
                            .iter()
                            .filter_map(|l| l.clip.map(|c| clipped(&l.shapes, c, t)))
                            .collect::<Option<Vec<_>>>()
                    },
                )
            },
            || {
                in_bands(&mut pixmap, |band, t_band| {
                    for l in self.layers.iter().filter(|l| l.clip.is_none()) {
                        draw(band, &l.shapes, t.post_concat(t_band), None);
                    }
                })
            },
        );
        let tree = tree.map_err(|e| png_err(e.to_string()))?;
        let insets = insets.ok_or_else(|| png_err("cannot make the inset's image".into()))?;
        for (x, y, inset) in insets {
            pixmap.draw_pixmap(
                x,
                y,
                inset.as_ref(),
                &sk::PixmapPaint::default(),
                sk::Transform::identity(),
                None,
            );
        }
        let scale = pixmap.width() as f32 / tree.size().width();
        in_bands(&mut pixmap, |band, t_band| {
            resvg::render(
                &tree,
                sk::Transform::from_scale(scale, scale).post_concat(t_band),
                band,
            )
        });
        encode(&pixmap)
    }
}

/// Draws on `pixmap` in horizontal bands, on every core: `draw` gets each band and the
/// shift that takes page pixels to the band's. Drawing clips to the band, so each band costs
/// about its share of the whole; the shift is whole pixels, so anti-aliasing lands on the
/// pixels it would on the whole page.
fn in_bands(pixmap: &mut sk::Pixmap, draw: impl Fn(&mut sk::PixmapMut, sk::Transform) + Sync) {
    const BANDS: u32 = 4;
    let (width, height) = (pixmap.width(), pixmap.height());
    let rows = height.div_ceil(BANDS).max(1);
    pixmap
        .data_mut()
        .par_chunks_mut(rows as usize * width as usize * 4)
        .enumerate()
        .for_each(|(i, bytes)| {
            let band_rows = (bytes.len() / (width as usize * 4)) as u32;
            if let Some(mut band) = sk::PixmapMut::from_bytes(bytes, width, band_rows) {
                let shift = sk::Transform::from_translate(0.0, -((i as u32 * rows) as f32));
                draw(&mut band, shift);
            }
        });
}

/// Where a page unit goes on a PNG `width` pixels wide, and the PNG's height. The page is
/// placed the way resvg places the SVG's viewBox (1000 by 1414 units, centred) in its size
/// (210 mm by 297 mm, at 96 pixels an inch), then scaled to the width, so that the shapes
/// land on the same pixels as the overlay drawn from the SVG.
fn page_transform(width: u32) -> (sk::Transform, u32) {
    let (w, h) = (210.0f32 / 25.4 * 96.0, 297.0f32 / 25.4 * 96.0);
    let s = (w / PAGE_W as f32).min(h / PAGE_H as f32);
    let view_box = sk::Transform::from_row(
        s,
        0.0,
        0.0,
        s,
        (w - PAGE_W as f32 * s) / 2.0,
        (h - PAGE_H as f32 * s) / 2.0,
    );
    let scale = width as f32 / w;
    (
        sk::Transform::from_scale(scale, scale).pre_concat(view_box),
        (h * scale).round() as u32,
    )
}

/// Fills and strokes `shapes` (page units) through `t`.
fn draw(on: &mut sk::PixmapMut, shapes: &[Shape], t: sk::Transform, mask: Option<&sk::Mask>) {
    let mut paint = sk::Paint {
        anti_alias: true,
        ..Default::default()
    };
    for sh in shapes {
        if let Some(Rgb(r, g, b)) = sh.fill {
            paint.set_color_rgba8(r, g, b, 255);
            on.fill_path(&sh.path, &paint, sk::FillRule::EvenOdd, t, mask);
        }
        if let Some((Rgb(r, g, b), width)) = sh.stroke {
            paint.set_color_rgba8(r, g, b, 255);
            let stroke = sk::Stroke {
                width,
                line_join: sk::LineJoin::Round,
                ..Default::default()
            };
            on.stroke_path(&sh.path, &paint, &stroke, t, mask);
        }
    }
}

/// `shapes` clipped to the page rectangle `clip` (x, y, w, h), drawn through `page` on a
/// transparent image covering the clip, with where that image goes on the page.
fn clipped(
    shapes: &[Shape],
    clip: [f32; 4],
    page: sk::Transform,
) -> Option<(i32, i32, sk::Pixmap)> {
    let [x, y, w, h] = clip;
    let mut corners = [sk::Point::from_xy(x, y), sk::Point::from_xy(x + w, y + h)];
    page.map_points(&mut corners);
    let (x0, y0) = (corners[0].x.floor(), corners[0].y.floor());
    let (x1, y1) = (corners[1].x.ceil(), corners[1].y.ceil());
    let mut img = sk::Pixmap::new((x1 - x0) as u32, (y1 - y0) as u32)?;
    let t = page.post_translate(-x0, -y0);
    let mut mask = sk::Mask::new(img.width(), img.height())?;
    mask.fill_path(
        &sk::PathBuilder::from_rect(sk::Rect::from_xywh(x, y, w, h)?),
        sk::FillRule::Winding,
        true,
        t,
    );
    draw(&mut img.as_mut(), shapes, t, Some(&mask));
    Some((x0 as i32, y0 as i32, img))
}

/// PNG bytes of an opaque page.
fn encode(pixmap: &sk::Pixmap) -> Result<Vec<u8>> {
    let (width, height) = (pixmap.width(), pixmap.height());
    // The page is opaque (filled white first), so premultiplied RGBA is plain RGBA. The fastest
    // setting (the Up filter and fdeflate) encodes the A4 page in about 5 ms, half the time of
    // the next (adaptive filters), for a file about 10% larger (1.06 MB).
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, width, height);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fastest);
    // 200 dots per inch, so the image prints at A4 width.
    enc.set_pixel_dims(Some(png::PixelDimensions {
        xppu: 7874,
        yppu: 7874,
        unit: png::Unit::Meter,
    }));
    let mut w = enc.write_header().map_err(|e| png_err(e.to_string()))?;
    w.write_image_data(pixmap.data())
        .map_err(|e| png_err(e.to_string()))?;
    w.finish().map_err(|e| png_err(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_lose_the_folders_of_their_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("births 2024.xlsx");
        std::fs::write(&file, b"x").unwrap();
        let path = file.display().to_string();
        assert_eq!(
            file_name_only(&format!("{path}, sheet \"Table 1\" (added up: a, b)")),
            "births 2024.xlsx, sheet \"Table 1\" (added up: a, b)"
        );
        assert_eq!(file_name_only(&path), "births 2024.xlsx");
        // Built-in sources, and paths that are no file, as they are.
        for s in [
            crate::builtin::BOUNDARIES_SOURCE,
            crate::builtin::BIRTHS_SOURCE,
            "/dev/stdin",
        ] {
            assert_eq!(file_name_only(s), s);
        }
    }

    #[test]
    fn tenths_are_written_as_float_formatting_writes_them() {
        for v in (-2_000i64..2_000).chain([i64::from(i32::MAX), -123_456_789]) {
            let mut d = String::new();
            push_tenths(&mut d, v);
            assert_eq!(d, format!("{:.1}", v as f64 / 10.0), "{v}");
        }
    }

    #[test]
    fn fits_lines_to_a_width_on_the_page() {
        let line =
            "Teams counted: 28 of the 46 in the list (1 has no known place and covers no area).";
        assert_eq!(fit(line, 16.0, 940.0), [line]);
        let lines = fit(line, 16.0, 300.0);
        assert!(lines.len() > 2, "{lines:?}");
        assert_eq!(lines.join(" "), line);
        assert!(
            lines.iter().all(|l| text_width(l, 16.0) <= 300.0),
            "{lines:?}"
        );
        // A word wider than the line stays whole.
        assert_eq!(fit("a bb ccc", 16.0, 1.0), ["a", "bb", "ccc"]);
    }

    #[test]
    fn wraps_at_spaces() {
        assert_eq!(wrap("a bb ccc dd", 6), ["a bb", "ccc dd"]);
    }

    #[test]
    fn frame_keeps_north_up() {
        let r = Rect::new(geo::coord! {x: 0., y: 0.}, geo::coord! {x: 100., y: 200.});
        let f = Frame::fit(r, 0.0, 0.0, 100.0, 100.0);
        assert_eq!(f.xy(0.0, 200.0), (25.0, 0.0));
        assert_eq!(f.xy(100.0, 0.0), (75.0, 100.0));
    }

    /// The shapes drawn straight onto the page must land where resvg draws them from the SVG:
    /// the PNG of the whole SVG by resvg and [`Map::png`] agree pixel for pixel but for
    /// anti-aliasing rounding. (Placing the shapes a third of a pixel off, as happened
    /// before the viewBox was placed the way resvg places it, leaves over 7,000 pixels
    /// differing by more than 32 levels.)
    #[test]
    fn png_draws_what_the_svg_says() {
        let a = crate::analyse_inputs(
            &crate::load::Inputs::default(),
            &mut crate::error::Diagnostics::new(),
        )
        .unwrap();
        let m = map(&a.study, &a.coverage, &a.rollups);
        let decode = |b: &[u8]| resvg::tiny_skia::Pixmap::decode_png(b).unwrap();
        let ours = decode(&m.png(Canvas::new(PNG_WIDTH).unwrap()).unwrap());
        let resvg = decode(&png(&m.svg, PNG_WIDTH).unwrap());
        assert_eq!(
            (ours.width(), ours.height()),
            (resvg.width(), resvg.height())
        );
        let (mut same, mut far) = (0, 0);
        for (p, q) in ours.pixels().iter().zip(resvg.pixels()) {
            let d = [
                p.red().abs_diff(q.red()),
                p.green().abs_diff(q.green()),
                p.blue().abs_diff(q.blue()),
            ];
            same += usize::from(d == [0, 0, 0]);
            far += usize::from(d.iter().any(|&v| v > 32));
        }
        let n = ours.pixels().len();
        assert!(
            same as f64 / n as f64 > 0.995,
            "{same} of {n} pixels the same"
        );
        assert!(far < 100, "{far} pixels differ by more than 32 levels");
    }

    #[test]
    fn png_draws_a_page_of_the_svg_size() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"40\"/>";
        let img = resvg::tiny_skia::Pixmap::decode_png(&png(svg, 200).unwrap()).unwrap();
        assert_eq!((img.width(), img.height()), (200, 80));
    }

    #[test]
    fn png_draws_text_with_the_built_in_font() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"40\"><text x=\"5\" y=\"30\" font-size=\"30\" font-family=\"DejaVu Sans\">Ab</text></svg>";
        let bytes = png(svg, 100).unwrap();
        let img = resvg::tiny_skia::Pixmap::decode_png(&bytes).unwrap();
        assert!(img.pixels().iter().any(|p| p.red() < 100), "no text drawn");
    }
}
