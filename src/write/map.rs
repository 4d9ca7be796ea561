//! `map.svg` and `map.png`: an A4 portrait map of the UK on British National Grid for
//! briefings: areas shaded by coverage and, among the gaps, by the figure; team bases as
//! points; a legend, a London inset, the largest gaps, a title with the figure and period,
//! and the sources.
//!
//! The SVG is written here as text; the PNG is the same SVG drawn by resvg, with DejaVu Sans
//! built in (`data/fonts`, Bitstream Vera licence) so that it looks the same on every machine.

use std::fmt::Write as _;
use std::path::PathBuf;

use geo::{BoundingRect, Intersects, MultiPolygon, Rect};

use crate::coverage::Coverage;
use crate::error::{Error, Result};
use crate::model::Study;
use crate::rollup::{percent, Rollup};
use crate::write::style::{self, GapClass, Rgb};
use crate::write::summary::Headline;
use crate::write::thousands;

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

    fn path(&self, mp: &MultiPolygon) -> String {
        let mut d = String::new();
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
                    let _ = write!(
                        d,
                        "{}{:.1} {:.1}",
                        if n == 0 { "M" } else { "L" },
                        pt.0 as f64 / 10.0,
                        pt.1 as f64 / 10.0
                    );
                    last = Some(pt);
                    n += 1;
                }
                d.push('Z');
            }
        }
        d
    }
}

fn text(s: &mut String, x: f64, y: f64, size: f64, style: &str, body: &str) {
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

fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
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
    s: &mut String,
    study: &Study,
    cov: &Coverage,
    classes: &[GapClass],
    frame: &Frame,
    within: Option<Rect>,
    stroke: f64,
) {
    let _ = writeln!(
        s,
        "<g stroke=\"#ffffff\" stroke-width=\"{stroke}\" stroke-linejoin=\"round\" fill-rule=\"evenodd\">"
    );
    for (a, r) in study.areas.iter().zip(&cov.areas) {
        if let Some(w) = within {
            if !a.bng.bounding_rect().is_some_and(|b| b.intersects(&w)) {
                continue;
            }
        }
        let fill = style::area_fill(r.covered(), a.figure, classes);
        let _ = writeln!(
            s,
            "<path fill=\"{}\" d=\"{}\"><title>{} ({})</title></path>",
            fill.hex(),
            frame.path(&a.bng),
            esc(&a.name),
            esc(&a.code)
        );
    }
    s.push_str("</g>\n");
}

fn teams_layer(s: &mut String, study: &Study, frame: &Frame, within: Option<Rect>, r: f64) {
    s.push_str("<g>\n");
    // Teams that do not count first, so counted teams are drawn on top.
    for counted in [false, true] {
        for t in study.teams.iter().filter(|t| t.counted == counted) {
            let Some(b) = &t.base else { continue };
            let (e, n) = (b.at.bng.x(), b.at.bng.y());
            if let Some(w) = within {
                if !w.intersects(&geo::Coord { x: e, y: n }) {
                    continue;
                }
            }
            let (x, y) = frame.xy(e, n);
            let look = if counted {
                format!(
                    "fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1\"",
                    style::TEAM.hex()
                )
            } else {
                format!(
                    "fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\"",
                    style::TEAM_NOT_COUNTED.hex()
                )
            };
            let _ = writeln!(
                s,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r}\" {look}><title>{}</title></circle>",
                esc(&t.name)
            );
        }
    }
    s.push_str("</g>\n");
}

fn swatch(s: &mut String, x: f64, y: f64, fill: Rgb, label: &str) {
    let _ = writeln!(
        s,
        "<rect x=\"{x}\" y=\"{:.1}\" width=\"24\" height=\"16\" fill=\"{}\" stroke=\"#bdbdbd\" stroke-width=\"0.5\"/>",
        y - 13.0,
        fill.hex()
    );
    text(s, x + 32.0, y, 15.0, &format!("fill=\"{INK}\""), label);
}

/// `map.svg`: A4 portrait, 1000 by 1414 user units.
///
/// # Examples
/// ```
/// use covgap::{analyse_inputs, error::Diagnostics, load::Inputs};
/// let a = analyse_inputs(&Inputs::default(), &mut Diagnostics::new()).unwrap();
/// let svg = covgap::write::map::svg(&a.study, &a.coverage, &a.rollups);
/// assert!(svg.starts_with("<svg ") && svg.contains("Largest gaps"));
/// let png = covgap::write::map::png(&svg, 400).unwrap();
/// assert_eq!(&png[1..4], b"PNG");
/// ```
pub fn svg(study: &Study, cov: &Coverage, rollups: &[Rollup]) -> String {
    let h = Headline::new(study, rollups);
    let classes = style::classes(study, cov);
    let what = study.demand.measure.describe();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"210mm\" height=\"297mm\" viewBox=\"0 0 {PAGE_W} {PAGE_H}\" font-family=\"{FONT}\">"
    );
    let _ = writeln!(
        s,
        "<title>Specialised parent-infant relationship team coverage, {}</title>",
        esc(&study.demand.period)
    );
    let _ = writeln!(
        s,
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
    text(
        &mut s,
        30.0,
        94.0,
        19.0,
        &format!("fill=\"{INK}\""),
        &format!(
            "{} of {} {} ({:.1}%) were in the {} of {} areas with no team.",
            thousands(h.demand_uncovered()),
            thousands(h.demand_total),
            match study.demand.measure {
                crate::model::Measure::Births => "live births",
                crate::model::Measure::Age0 => "babies aged under one",
            },
            100.0 - percent(h.demand_covered, h.demand_total),
            h.areas_total - h.areas_covered,
            h.areas_total
        ),
    );
    text(
        &mut s,
        30.0,
        122.0,
        16.0,
        &format!("fill=\"{GREY}\""),
        &format!(
            "{}, {}. Teams counted: {} of the {} in the list.",
            cap(what),
            study.demand.period,
            h.teams_counted,
            h.teams_in_list
        ),
    );

    // Sources.
    let sources = format!(
        "Areas: {}. {}: {}, {}. Teams: {}; counted: {}. An area has a team when a counted team's list entry names it, or, where it names none, holds its base. Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Contains OS data © Crown copyright and database right 2024. Contains Royal Mail data © Royal Mail copyright and database right 2025. Contains GeoPlace data © Local Government Information House Limited copyright and database right 2025. NRS and NISRA figures © Crown copyright. British National Grid. Made with covgap {}.",
        study.sources.boundaries,
        cap(what),
        study.demand.period,
        study.demand.source,
        study.sources.teams,
        study.evidence_rule,
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
        let frame = Frame::fit(extent, 20.0, 150.0, 660.0, footer_y - 150.0 - 24.0);
        areas_layer(&mut s, study, cov, &classes, &frame, None, 0.3);
        teams_layer(&mut s, study, &frame, None, 3.5);
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
    let mut y = 175.0;
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
        &format!("No team, by {what}:"),
    );
    for c in classes.iter().rev() {
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
    y += 26.0;
    let _ = writeln!(
        s,
        "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"5\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1\"/>",
        lx + 12.0,
        y - 5.0,
        style::TEAM.hex()
    );
    text(
        &mut s,
        lx + 32.0,
        y,
        15.0,
        &format!("fill=\"{INK}\""),
        "Team (counted)",
    );
    y += 24.0;
    let _ = writeln!(
        s,
        "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"5\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\"/>",
        lx + 12.0,
        y - 5.0,
        style::TEAM_NOT_COUNTED.hex()
    );
    text(
        &mut s,
        lx + 32.0,
        y,
        15.0,
        &format!("fill=\"{INK}\""),
        "Listed, not counted",
    );

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
            s,
            "<clipPath id=\"london\"><rect x=\"{lx}\" y=\"{y:.1}\" width=\"{w}\" height=\"{ht:.1}\"/></clipPath>"
        );
        s.push_str("<g clip-path=\"url(#london)\">\n");
        areas_layer(&mut s, study, cov, &classes, &frame, Some(l), 0.8);
        teams_layer(&mut s, study, &frame, Some(l), 4.5);
        s.push_str("</g>\n");
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
    for &i in cov.gaps.iter().take(12) {
        let a = &study.areas[i];
        let Some(f) = a.figure else { break };
        y += 21.0;
        if y > 1300.0 {
            break;
        }
        let mut name = a.name.clone();
        if name.chars().count() > 22 {
            name = name.chars().take(21).collect::<String>() + "…";
        }
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
    }

    let mut fy = footer_y;
    for l in lines {
        text(&mut s, 30.0, fy, 11.5, &format!("fill=\"{GREY}\""), &l);
        fy += 14.0;
    }
    s.push_str("</svg>\n");
    s
}

/// What drawing the map needs before the SVG exists: the built-in fonts and a white page of
/// the A4 size at the width asked. Making it takes a few milliseconds (mostly touching the
/// page's memory for the first time), so `covgap run` makes it on the spare core while the
/// inputs are read and analysed; see [`png_on`].
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
        let mut opt = resvg::usvg::Options {
            font_family: "DejaVu Sans".into(),
            ..Default::default()
        };
        opt.fontdb_mut().load_font_data(DEJAVU_SANS.to_vec());
        opt.fontdb_mut().load_font_data(DEJAVU_SANS_BOLD.to_vec());
        opt.fontdb_mut().set_sans_serif_family("DejaVu Sans");
        // The page of [`svg`] is 210 mm x 297 mm; [`png_on`] checks the size it draws at.
        let height = (width as f32 * 297.0 / 210.0).round() as u32;
        Ok(Canvas {
            opt,
            pixmap: white(width, height)?,
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

/// Draws an SVG into a PNG `width` pixels wide, with the built-in fonts (see [`svg`]).
///
/// # Examples
/// ```
/// let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>";
/// let bytes = covgap::write::map::png(svg, 20).unwrap();
/// assert!(bytes.starts_with(b"\x89PNG"));
/// ```
pub fn png(svg: &str, width: u32) -> Result<Vec<u8>> {
    png_on(svg, Canvas::new(width)?)
}

/// [`png`] on a canvas made beforehand, at the canvas's width. When the SVG's page is not
/// A4 the canvas's page is replaced by a white one of the right height.
pub fn png_on(svg: &str, canvas: Canvas) -> Result<Vec<u8>> {
    let Canvas { opt, mut pixmap } = canvas;
    let width = pixmap.width();
    let tree = resvg::usvg::Tree::from_str(svg, &opt).map_err(|e| png_err(e.to_string()))?;
    let size = tree.size();
    let scale = width as f32 / size.width();
    let height = (size.height() * scale).round() as u32;
    if pixmap.height() != height {
        pixmap = white(width, height)?;
    }
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    // The page is opaque (filled white first), so premultiplied RGBA is plain RGBA. The fast
    // (fdeflate) setting encodes several times faster than the default for a few % more bytes.
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, width, height);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
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

    #[test]
    fn png_on_redraws_the_page_when_the_svg_is_not_a4() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"40\"/>";
        let bytes = png_on(svg, Canvas::new(100).unwrap()).unwrap();
        let img = resvg::tiny_skia::Pixmap::decode_png(&bytes).unwrap();
        assert_eq!((img.width(), img.height()), (100, 40));
        assert_eq!(bytes, png(svg, 100).unwrap());
    }

    #[test]
    fn png_draws_text_with_the_built_in_font() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"40\"><text x=\"5\" y=\"30\" font-size=\"30\" font-family=\"DejaVu Sans\">Ab</text></svg>";
        let bytes = png(svg, 100).unwrap();
        let img = resvg::tiny_skia::Pixmap::decode_png(&bytes).unwrap();
        assert!(img.pixels().iter().any(|p| p.red() < 100), "no text drawn");
    }
}
