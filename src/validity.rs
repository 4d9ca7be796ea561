//! Boundary lines that cross: the kind of invalid polygon that changes which area holds a
//! point.
//!
//! A ring that crosses itself (a bow-tie left by a bad edit or a careless simplification), or
//! a hole that crosses its outer ring, leaves the inside of the polygon undefined near the
//! crossing, and point-in-polygon then puts some points there in no area, or in the wrong one.
//! covgap looks for such crossings in every area as it loads the boundaries, in the file's own
//! coordinates as QGIS's Check Validity does, and warns, naming the feature and the place, so
//! that a user can find it in QGIS. A test in `tests/gdal.rs` holds it to GEOS's `IsValid` on
//! the built-in districts damaged five ways.
//!
//! geo's [`Validation`](geo::algorithm::Validation) finds the same self-intersections, but it
//! compares every pair of a ring's edges: 92 ms for the 361 built-in districts, longer than a
//! whole run, and 7 to 8 s for one ring of 30,000 vertices (BENCHMARKS.md). Here the edges go
//! through geo's sweep-line [`Intersections`], which compares only edges whose x-ranges
//! overlap (on a ring whose edges all overlap in x, such as a comb, that is every pair again),
//! and the crossing's position is kept for the message. Property tests check that the two
//! agree on whether a ring intersects itself, over 2,000 random rings, and on whether a polygon
//! with a hole is valid, over 3,000.
//!
//! What is looked for, in each polygon of an area:
//! - a ring that crosses itself, runs along another stretch of itself, or passes twice through
//!   one point, touching itself there (as geo and QGIS's Check Validity report it:
//!   "self-intersection"). A spike, where a ring goes out and straight back, passes twice
//!   through the point it leaves from, and is reported so, as geo and GEOS report it;
//! - two rings (the outer ring and a hole, or two holes) that cross or run along each other,
//!   whether they cross between vertices or at one. Two rings that touch at a point are not
//!   reported (valid where they touch at one point only).
//!
//! Only a crossing moves points to the wrong area: a ring that touches or runs along itself or
//! another ring is invalid to GIS tools, but points are still placed as its lines are drawn.
//! The warning says which.
//!
//! Not looked for: a hole lying wholly outside its outer ring, a hole inside another hole, a
//! hole touching its outer ring at two points (which cuts the polygon in two), and two
//! polygons of one area that overlap. None of these puts a point in the wrong area.
//!
//! [`overlaps`] finds areas that overlap one another, such as a county given with its own
//! districts: their babies would be counted twice.

use std::borrow::Borrow;

use geo::algorithm::sweep::Cross;
use std::collections::HashMap;

use geo::{
    BoundingRect, Contains, Coord, Intersections, Line, LineIntersection, LineString, MultiPolygon,
};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;

/// How two edges of a boundary meet where they should not, ordered from the worst: a crossing
/// moves points to the wrong area; lines that run together may cross where they part (covgap
/// does not follow them to see); a touch does not move any point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Meeting {
    /// Each passes through the other.
    Cross,
    /// They share a stretch.
    RunAlong,
    /// One ends on the other, or both end at one point, and neither passes through the other.
    Touch,
}

impl Meeting {
    fn verb(self) -> &'static str {
        match self {
            Meeting::Cross => "crosses",
            Meeting::Touch => "touches",
            Meeting::RunAlong => "runs along",
        }
    }
}

/// Where, in an area's geometry, its boundary crosses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Crossing {
    /// Ring `ring` (0 is the outer ring, 1.. the holes) of polygon `part` (0-based) crosses,
    /// touches or runs along itself.
    Ring {
        part: usize,
        ring: usize,
        how: Meeting,
        at: Coord,
    },
    /// Two rings of polygon `part` cross or run along each other.
    Rings {
        part: usize,
        rings: (usize, usize),
        how: Meeting,
        at: Coord,
    },
}

impl Crossing {
    /// How the lines meet there.
    pub fn how(&self) -> Meeting {
        match *self {
            Crossing::Ring { how, .. } | Crossing::Rings { how, .. } => how,
        }
    }

    /// What orders crossings before their position: the worst kind first, then the polygon,
    /// then the lower ring.
    fn rank(&self) -> (Meeting, usize, usize) {
        match *self {
            Crossing::Ring {
                how, part, ring, ..
            } => (how, part, ring),
            Crossing::Rings {
                how,
                part,
                rings: (a, _),
                ..
            } => (how, part, a),
        }
    }

    /// The place of the crossing, in the geometry's own coordinates.
    pub fn at(&self) -> Coord {
        match *self {
            Crossing::Ring { at, .. } | Crossing::Rings { at, .. } => at,
        }
    }

    /// The crossing in words, without its position: "the outer ring crosses itself", "in
    /// polygon 2 of 3, hole 1 runs along the outer ring".
    pub fn describe(&self, parts: usize) -> String {
        fn ring_name(r: usize) -> String {
            if r == 0 {
                "the outer ring".into()
            } else {
                format!("hole {r}")
            }
        }
        let (part, what) = match *self {
            Crossing::Ring {
                part, ring, how, ..
            } => (part, format!("{} {} itself", ring_name(ring), how.verb())),
            Crossing::Rings {
                part,
                rings: (a, b),
                how,
                ..
            } => (
                part,
                format!(
                    "{} {} {}",
                    ring_name(b.max(a)),
                    how.verb(),
                    ring_name(a.min(b))
                ),
            ),
        };
        if parts > 1 {
            format!("in polygon {} of {parts}, {what}", part + 1)
        } else {
            what
        }
    }
}

/// The crossings in one area's boundary: the first (a crossing before a touch or a shared
/// stretch, then the lowest polygon, then the lowest ring, then the westernmost, then the
/// southernmost) and how many distinct places cross.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossings {
    pub first: Crossing,
    pub places: usize,
}

/// One edge of a ring, with the ring it belongs to.
#[derive(Debug, Clone, Copy)]
struct Edge {
    line: Line,
    ring: usize,
}

impl Cross for Edge {
    type Scalar = f64;
    fn line(&self) -> Line {
        self.line
    }
}

/// The crossings in `geometry`'s boundary, or `None` when no ring crosses itself or another
/// ring of its polygon.
///
/// # Examples
/// ```
/// use geo::{polygon, MultiPolygon};
/// use covgap::validity::{crossings, Crossing};
/// // A bow-tie: the outer ring crosses itself at (1, 1).
/// let bow = MultiPolygon(vec![polygon![
///     (x: 0.0, y: 0.0), (x: 2.0, y: 2.0), (x: 2.0, y: 0.0), (x: 0.0, y: 2.0), (x: 0.0, y: 0.0)
/// ]]);
/// let found = crossings(&bow).unwrap();
/// assert_eq!(found.places, 1);
/// assert_eq!(found.first.at(), geo::coord! { x: 1.0, y: 1.0 });
/// assert_eq!(found.first.describe(1), "the outer ring crosses itself");
///
/// let square = MultiPolygon(vec![polygon![
///     (x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 2.0), (x: 0.0, y: 2.0), (x: 0.0, y: 0.0)
/// ]]);
/// assert_eq!(crossings(&square), None);
/// ```
pub fn crossings(geometry: &MultiPolygon) -> Option<Crossings> {
    let mut found: Vec<Found> = Vec::new();
    for (part, polygon) in geometry.0.iter().enumerate() {
        // Each ring's corners: its distinct positions in order, without the closing repeat,
        // and without the positions partway along a straight side, which enclose nothing and
        // would make the sweep compare every edge of a long straight north-south side with
        // every other (a meeting there is found partway along the merged edge instead).
        let rings: Vec<Vec<Coord>> = std::iter::once(polygon.exterior())
            .chain(polygon.interiors())
            .map(corners)
            .collect();
        let edges = rings.iter().enumerate().flat_map(|(ring, v)| {
            let k = v.len();
            (0..if k > 1 { k } else { 0 }).map(move |j| Edge {
                line: Line::new(v[j], v[(j + 1) % k]),
                ring,
            })
        });
        // Points where edges meet at an end of one of them: whether that is a crossing
        // depends on the other edges there, so they are decided after the sweep, each with the
        // edges that pass through it (not at an end).
        let mut meetings: HashMap<(u64, u64), (Coord, Vec<Edge>)> = HashMap::new();
        for (a, b, meet) in Intersections::from_iter(edges) {
            // Neighbouring edges share their vertex; that is not a crossing.
            if a.ring == b.ring && (a.line.end == b.line.start || a.line.start == b.line.end) {
                continue;
            }
            let how = match meet {
                LineIntersection::SinglePoint {
                    is_proper: true,
                    intersection,
                } => Some((Meeting::Cross, intersection)),
                LineIntersection::Collinear { intersection }
                    if intersection.start != intersection.end =>
                {
                    Some((Meeting::RunAlong, intersection.start))
                }
                LineIntersection::SinglePoint {
                    intersection: p, ..
                }
                | LineIntersection::Collinear {
                    intersection: Line { start: p, .. },
                } => {
                    let entry = meetings
                        .entry(place_key(p))
                        .or_insert_with(|| (p, Vec::new()));
                    for e in [a, b] {
                        if p != e.line.start && p != e.line.end {
                            entry.1.push(e);
                        }
                    }
                    None
                }
            };
            if let Some((how, at)) = how {
                let stretch = match meet {
                    LineIntersection::Collinear { intersection } => Some(intersection),
                    _ => None,
                };
                found.push(Found {
                    crossing: ring_crossing(part, a.ring, b.ring, how, at),
                    stretch,
                });
            }
        }
        if meetings.is_empty() {
            continue;
        }
        let visits = VertexVisits::new(&rings);
        for (p, through) in meetings.into_values() {
            found.extend(decide_meeting(part, p, &visits, &through));
        }
    }
    let first = found
        .iter()
        .min_by(|a, b| {
            let (p, q) = (a.crossing.at(), b.crossing.at());
            (a.crossing.rank())
                .cmp(&b.crossing.rank())
                .then(p.x.total_cmp(&q.x))
                .then(p.y.total_cmp(&q.y))
        })?
        .crossing;
    Some(Crossings {
        first,
        places: count_places(&found),
    })
}

/// `c` with -0 written as 0 (a ring written by a tool that rounds longitudes near Greenwich
/// can hold both, and they are one place).
fn unsigned_zero(c: Coord) -> Coord {
    Coord {
        x: c.x + 0.0,
        y: c.y + 0.0,
    }
}

/// A point as a map key: its exact position, -0 and 0 as one.
fn place_key(c: Coord) -> (u64, u64) {
    let c = unsigned_zero(c);
    (c.x.to_bits(), c.y.to_bits())
}

/// A crossing found and, for a shared stretch, the stretch.
struct Found {
    crossing: Crossing,
    stretch: Option<Line>,
}

fn ring_crossing(part: usize, a: usize, b: usize, how: Meeting, at: Coord) -> Crossing {
    if a == b {
        Crossing::Ring {
            part,
            ring: a,
            how,
            at,
        }
    } else {
        Crossing::Rings {
            part,
            rings: (a.min(b), a.max(b)),
            how,
            at,
        }
    }
}

/// One pass of a ring through a point: where it comes from and where it goes to, as the
/// positions before and after the point.
#[derive(Debug, Clone, Copy)]
struct Visit {
    ring: usize,
    from: Coord,
    to: Coord,
}

/// Every pass of a polygon's rings through each of their vertices, found by position.
struct VertexVisits {
    at: HashMap<(u64, u64), Vec<Visit>>,
}

impl VertexVisits {
    fn new(rings: &[Vec<Coord>]) -> VertexVisits {
        let mut at: HashMap<(u64, u64), Vec<Visit>> = HashMap::new();
        for (ring, v) in rings.iter().enumerate() {
            let k = v.len();
            if k < 2 {
                continue;
            }
            for (j, &c) in v.iter().enumerate() {
                at.entry(place_key(c)).or_default().push(Visit {
                    ring,
                    from: v[(j + k - 1) % k],
                    to: v[(j + 1) % k],
                });
            }
        }
        VertexVisits { at }
    }
}

/// A ring's corners, in order: its positions with repeats, the closing repeat and those
/// strictly partway along a straight side (and passed through once) left out, and -0 written
/// as 0 (geo's sweep orders
/// positions in a way that tells -0 from 0).
fn corners(ring: &LineString) -> Vec<Coord> {
    use geo::kernels::{Kernel, Orientation, RobustKernel};
    let mut v: Vec<Coord> = ring.0.iter().copied().map(unsigned_zero).collect();
    v.dedup();
    if v.len() > 1 && v.first() == v.last() {
        v.pop();
    }
    // `b` lies strictly between `a` and `c` on the line through them.
    let between = |a: Coord, b: Coord, c: Coord| {
        RobustKernel::orient2d(a, b, c) == Orientation::Collinear
            && (a.x - b.x) * (c.x - b.x) + (a.y - b.y) * (c.y - b.y) < 0.0
    };
    let k = v.len();
    if !(0..k).any(|j| between(v[(j + k - 1) % k], v[j], v[(j + 1) % k])) {
        return v;
    }
    // A position the ring passes through more than once is kept: the passes are how a ring
    // that doubles back along itself is found.
    let mut visits: HashMap<(u64, u64), usize> = HashMap::new();
    for &c in &v {
        *visits.entry(place_key(c)).or_default() += 1;
    }
    let straight = |a: Coord, b: Coord, c: Coord| visits[&place_key(b)] == 1 && between(a, b, c);
    // Start at a corner, so that the first position is never one to leave out.
    let Some(start) = (0..k).find(|&j| !straight(v[(j + k - 1) % k], v[j], v[(j + 1) % k])) else {
        return v;
    };
    v.rotate_left(start);
    let mut out: Vec<Coord> = Vec::with_capacity(k);
    for &c in &v {
        while out.len() >= 2 && straight(out[out.len() - 2], out[out.len() - 1], c) {
            out.pop();
        }
        out.push(c);
    }
    while out.len() >= 3 && straight(out[out.len() - 2], out[out.len() - 1], out[0]) {
        out.pop();
    }
    // A ring that is all one straight line, out and back, encloses nothing: it is looked at as
    // written, as geo looks at it.
    if out.len() < 3 {
        return v;
    }
    out
}

/// Whether rings that meet at `p`, a vertex of one of them at least, cross there or only
/// touch: each pass through `p` splits the space round it in two, and another pass crosses
/// it when it comes from one side and goes to the other. Passes that run along each other
/// are found as shared stretches instead.
fn decide_meeting(part: usize, p: Coord, vertices: &VertexVisits, through: &[Edge]) -> Vec<Found> {
    let mut visits: Vec<Visit> = vertices.at.get(&place_key(p)).cloned().unwrap_or_default();
    for e in through {
        if !visits
            .iter()
            .any(|v| v.ring == e.ring && v.from == e.line.start && v.to == e.line.end)
        {
            visits.push(Visit {
                ring: e.ring,
                from: e.line.start,
                to: e.line.end,
            });
        }
    }
    let mut out = Vec::new();
    for (i, v) in visits.iter().enumerate() {
        for w in &visits[i + 1..] {
            let crosses = passes_through(p, v, w).or_else(|| passes_through(p, w, v));
            let how = match (v.ring == w.ring, crosses) {
                (_, Some(true)) => Meeting::Cross,
                // A ring may not pass twice through one point; two rings may touch.
                (true, Some(false)) => Meeting::Touch,
                // The passes run together from here: whether they cross where they part is
                // not followed, so it is not called harmless.
                (true, None) => Meeting::RunAlong,
                // Two rings that run together share a stretch, which the sweep reports.
                (false, _) => continue,
            };
            out.push(Found {
                crossing: ring_crossing(part, v.ring, w.ring, how, p),
                stretch: None,
            });
        }
    }
    out
}

/// Whether pass `w` through `p` comes from one side of pass `v` and goes to the other.
/// Undecided (`None`) when `w` comes or goes along `v`, or `v` doubles back on itself.
fn passes_through(p: Coord, v: &Visit, w: &Visit) -> Option<bool> {
    Some(side(p, v, w.from)? != side(p, v, w.to)?)
}

/// Which side of pass `v` through `p` the position `q` lies on: `Some(true)` inside the turn
/// from `v.from` round anticlockwise to `v.to`, `Some(false)` outside it, `None` on either of
/// the two rays. Exact, with geo's robust orientation test.
fn side(p: Coord, v: &Visit, q: Coord) -> Option<bool> {
    use geo::kernels::{Kernel, Orientation, RobustKernel};
    let orient = |a: Coord, b: Coord| RobustKernel::orient2d(p, a, b);
    let dot = |a: Coord, b: Coord| (a.x - p.x) * (b.x - p.x) + (a.y - p.y) * (b.y - p.y);
    let on_ray = |a: Coord| orient(a, q) == Orientation::Collinear && dot(a, q) > 0.0;
    if on_ray(v.from) || on_ray(v.to) {
        return None;
    }
    let ccw = Orientation::CounterClockwise;
    Some(match orient(v.from, v.to) {
        Orientation::CounterClockwise => orient(v.from, q) == ccw && orient(q, v.to) == ccw,
        Orientation::Clockwise => !(orient(v.to, q) == ccw && orient(q, v.from) == ccw),
        Orientation::Collinear if dot(v.from, v.to) < 0.0 => orient(v.from, q) == ccw,
        // The pass doubles straight back (a spike's tip): it has no sides.
        Orientation::Collinear => return None,
    })
}

/// How many distinct places the crossings are at: a shared stretch and the points at its ends
/// are one place.
fn count_places(found: &[Found]) -> usize {
    let key = place_key;
    let mut parent: HashMap<(u64, u64), (u64, u64)> = HashMap::new();
    fn root(parent: &mut HashMap<(u64, u64), (u64, u64)>, k: (u64, u64)) -> (u64, u64) {
        let mut r = *parent.entry(k).or_insert(k);
        while parent[&r] != r {
            r = parent[&r];
        }
        parent.insert(k, r);
        r
    }
    for f in found {
        let a = root(&mut parent, key(f.crossing.at()));
        if let Some(s) = f.stretch {
            for end in [s.start, s.end] {
                let b = root(&mut parent, key(end));
                parent.insert(b, a);
            }
        }
    }
    let keys: Vec<(u64, u64)> = parent.keys().copied().collect();
    let mut roots: Vec<(u64, u64)> = keys.into_iter().map(|k| root(&mut parent, k)).collect();
    roots.sort_unstable();
    roots.dedup();
    roots.len()
}

/// Areas that overlap one another: two areas overlap when either holds the other's interior
/// point. `points[i]` is a point inside area `i` (covgap's representative point), in the same
/// coordinates as `areas`. The pairs come grouped as `(area, [the areas it overlaps])`, the
/// area in the most pairs first (a county given with its districts is one group), each pair
/// once.
///
/// A point inside an area lies in no other area when the areas tile the country, as ONS's
/// geographies do; a point on a shared boundary does not count. So this finds an area given
/// twice under two codes, or a file mixing geographies (a county with its districts, an
/// Integrated Care Board with its local authorities), but not a sliver where two boundaries
/// drawn separately overlap by a few metres.
///
/// # Examples
/// ```
/// use geo::{coord, polygon, MultiPolygon};
/// let square = |x0: f64, size: f64| MultiPolygon(vec![polygon![
///     (x: x0, y: 0.0), (x: x0 + size, y: 0.0), (x: x0 + size, y: size), (x: x0, y: size)
/// ]]);
/// // A "county" 0..20 and two "districts" 0..10 and 10..20 inside it.
/// let areas = [square(0.0, 20.0), square(0.0, 10.0), square(10.0, 10.0)];
/// let points = [coord! { x: 15.0, y: 15.0 }, coord! { x: 5.0, y: 5.0 }, coord! { x: 15.0, y: 5.0 }];
/// assert_eq!(covgap::validity::overlaps(&areas, &points), vec![(0, vec![1, 2])]);
/// // The districts alone tile the county: no overlap.
/// assert!(covgap::validity::overlaps(&areas[1..], &points[1..]).is_empty());
/// ```
pub fn overlaps<A: Borrow<MultiPolygon> + Sync>(
    areas: &[A],
    points: &[Coord],
) -> Vec<(usize, Vec<usize>)> {
    let boxes: Vec<GeomWithData<Rectangle<[f64; 2]>, usize>> = areas
        .iter()
        .enumerate()
        .filter_map(|(j, a)| {
            let r = a.borrow().bounding_rect()?;
            Some(GeomWithData::new(
                Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                j,
            ))
        })
        .collect();
    let tree = RTree::bulk_load(boxes);
    let mut pairs: Vec<(usize, usize)> = points
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, p)| {
            tree.locate_all_at_point(&[p.x, p.y])
                .map(|e| e.data)
                .filter(move |&j| j != i && areas[j].borrow().contains(p))
                .map(move |j| (j, i))
                .collect::<Vec<_>>()
        })
        .collect();
    // Each overlapping pair once, whichever of the two holds the other's point (a county's
    // own point lies inside one of its districts).
    for p in &mut pairs {
        *p = (p.0.min(p.1), p.0.max(p.1));
    }
    pairs.sort_unstable();
    pairs.dedup();
    // Grouped around the area in the most pairs first (the county, not each district), then
    // the area in the most pairs left, and so on: a heap of counts, each taken again when it
    // has fallen since it was pushed.
    let mut partners: HashMap<usize, Vec<usize>> = HashMap::new();
    for &(a, b) in &pairs {
        partners.entry(a).or_default().push(b);
        partners.entry(b).or_default().push(a);
    }
    let mut heap: std::collections::BinaryHeap<(usize, std::cmp::Reverse<usize>)> = partners
        .iter()
        .map(|(&area, with)| (with.len(), std::cmp::Reverse(area)))
        .collect();
    let mut used = vec![false; areas.len()];
    let mut out: Vec<(usize, Vec<usize>)> = Vec::new();
    while let Some((n, std::cmp::Reverse(hub))) = heap.pop() {
        if used[hub] {
            continue;
        }
        let left: Vec<usize> = partners[&hub]
            .iter()
            .copied()
            .filter(|&o| !used[o])
            .collect();
        if left.len() != n {
            // Fewer than when it was pushed: take it again at its count now.
            if !left.is_empty() {
                heap.push((left.len(), std::cmp::Reverse(hub)));
            }
            continue;
        }
        used[hub] = true;
        let mut others = left;
        others.sort_unstable();
        out.push((hub, others));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::algorithm::Validation;
    use geo::{coord, polygon, LineString, Polygon};
    use proptest::prelude::*;

    fn one(p: Polygon) -> MultiPolygon {
        MultiPolygon(vec![p])
    }

    #[test]
    fn hole_crossing_its_outer_ring() {
        let outer = LineString::from(vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]);
        // The hole pokes out through the right-hand side at x = 10.
        let hole = LineString::from(vec![(5.0, 4.0), (12.0, 4.0), (12.0, 6.0), (5.0, 6.0)]);
        let found = crossings(&one(Polygon::new(outer, vec![hole]))).unwrap();
        assert_eq!(
            found.first,
            Crossing::Rings {
                part: 0,
                rings: (0, 1),
                how: Meeting::Cross,
                at: coord! { x: 10.0, y: 4.0 }
            }
        );
        assert_eq!(found.places, 2);
        assert_eq!(found.first.describe(1), "hole 1 crosses the outer ring");
    }

    #[test]
    fn hole_sharing_a_stretch_of_its_outer_ring() {
        let outer = LineString::from(vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]);
        let hole = LineString::from(vec![(10.0, 4.0), (10.0, 6.0), (5.0, 5.0)]);
        let found = crossings(&one(Polygon::new(outer, vec![hole]))).unwrap();
        assert_eq!(found.first.describe(1), "hole 1 runs along the outer ring");
        assert_eq!(found.first.at(), coord! { x: 10.0, y: 4.0 });
        // The stretch and the points at its two ends are one place.
        assert_eq!(found.places, 1);
    }

    /// Rings that cross exactly at a vertex: no two edges cross in their middles, so only the
    /// edges round the shared point tell a crossing from a touch. Each is invalid to geo and
    /// to GEOS (Shapely's `explain_validity`: "Self-intersection[10 0]", "[10 4]", "[6 6]").
    #[test]
    fn rings_crossing_at_a_vertex() {
        let outer = || LineString::from(vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]);
        let check = |holes: Vec<Vec<(f64, f64)>>, said: &str, at: Coord, places: usize| {
            let p = one(Polygon::new(
                outer(),
                holes.into_iter().map(LineString::from).collect(),
            ));
            assert!(!p.is_valid(), "{said}");
            let found = crossings(&p).unwrap_or_else(|| panic!("{said}: none found"));
            assert_eq!(found.first.describe(1), said);
            assert_eq!(found.first.at(), at, "{said}");
            assert_eq!(found.places, places, "{said}");
        };
        // A hole whose edges pass through two corners of the outer ring.
        check(
            vec![vec![(5.0, 5.0), (15.0, 15.0), (15.0, -5.0)]],
            "hole 1 crosses the outer ring",
            coord! { x: 10.0, y: 0.0 },
            2,
        );
        // A hole with vertices on the outer ring's side, going out between them.
        check(
            vec![vec![
                (5.0, 4.0),
                (10.0, 4.0),
                (12.0, 5.0),
                (10.0, 6.0),
                (5.0, 6.0),
            ]],
            "hole 1 crosses the outer ring",
            coord! { x: 10.0, y: 4.0 },
            2,
        );
        // Two holes crossing at two of the first's corners.
        check(
            vec![
                vec![(2.0, 2.0), (6.0, 2.0), (6.0, 6.0), (2.0, 6.0)],
                vec![(4.0, 4.0), (6.0, 6.0), (8.0, 4.0), (6.0, 2.0)],
            ],
            "hole 2 crosses hole 1",
            coord! { x: 6.0, y: 2.0 },
            2,
        );
    }

    /// A ring through (2, 2) twice: once each way across is a bow-tie whose waist is a vertex;
    /// two triangles joined there (an "inverted" figure of eight) only touch.
    #[test]
    fn ring_through_one_vertex_twice() {
        for (then, said) in [
            ([(4.0, 4.0), (4.0, 0.0)], "the outer ring crosses itself"),
            ([(4.0, 0.0), (4.0, 4.0)], "the outer ring touches itself"),
        ] {
            let mut ring = vec![(0.0, 0.0), (2.0, 2.0)];
            ring.extend(then);
            ring.extend([(2.0, 2.0), (0.0, 4.0)]);
            let found = crossings(&one(Polygon::new(LineString::from(ring), vec![]))).unwrap();
            assert_eq!(found.first.describe(1), said);
            assert_eq!(found.first.at(), coord! { x: 2.0, y: 2.0 });
            assert_eq!(found.places, 1);
        }
    }

    /// Lines that run together and then part to opposite sides cross, though no single point
    /// shows it: a bow-tie whose waist is a short stretch, and a hole that leaves along the
    /// outer ring's side. covgap does not follow the lines along the stretch, so it must not
    /// call these harmless touches (GEOS: "Ring Self-intersection", "Self-intersection").
    #[test]
    fn lines_that_run_together_are_not_called_harmless() {
        let waist = one(polygon![
            (x: 0.0, y: 0.0), (x: 2.0, y: 2.0), (x: 2.0, y: 3.0), (x: 4.0, y: 5.0),
            (x: 4.0, y: 0.0), (x: 2.0, y: 2.0), (x: 2.0, y: 3.0), (x: 0.0, y: 5.0)
        ]);
        let outer = LineString::from(vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]);
        let leaving = one(Polygon::new(
            outer,
            vec![LineString::from(vec![
                (5.0, 2.0),
                (10.0, 2.0),
                (10.0, 4.0),
                (12.0, 5.0),
                (10.0, 6.0),
                (10.0, 8.0),
                (5.0, 8.0),
            ])],
        ));
        for p in [waist, leaving] {
            assert!(!p.is_valid());
            let found = crossings(&p).unwrap();
            assert_ne!(found.first.how(), Meeting::Touch, "{:?}", found.first);
        }
    }

    /// -0 and 0 are one longitude: a ring through (0, 2) twice, written once each way.
    #[test]
    fn minus_zero_is_zero() {
        let p = one(polygon![
            (x: -2.0, y: 0.0), (x: 0.0, y: 2.0), (x: 2.0, y: 4.0), (x: 2.0, y: 0.0),
            (x: -0.0, y: 2.0), (x: -2.0, y: 4.0)
        ]);
        let found = crossings(&p).unwrap();
        assert_eq!(found.first.describe(1), "the outer ring crosses itself");
        assert_eq!(found.first.at(), coord! { x: 0.0, y: 2.0 });
    }

    /// A hole may touch its outer ring at one point: partway along a side, or at a corner.
    #[test]
    fn hole_touching_its_outer_ring_at_a_point_is_valid() {
        let outer = LineString::from(vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]);
        for hole in [
            vec![(5.0, 4.0), (10.0, 5.0), (5.0, 6.0)],
            vec![(10.0, 10.0), (5.0, 6.0), (6.0, 5.0)],
        ] {
            let p = one(Polygon::new(outer.clone(), vec![LineString::from(hole)]));
            assert!(p.is_valid());
            assert_eq!(crossings(&p), None);
        }
    }

    #[test]
    fn repeated_vertices_are_not_crossings() {
        let p = one(polygon![
            (x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 2.0),
            (x: 0.0, y: 2.0), (x: 0.0, y: 2.0), (x: 0.0, y: 0.0)
        ]);
        assert_eq!(crossings(&p), None);
    }

    #[test]
    fn second_polygon_is_named() {
        let square = |x0: f64| polygon![(x: x0, y: 0.0), (x: x0 + 1.0, y: 0.0), (x: x0 + 1.0, y: 1.0), (x: x0, y: 1.0)];
        let bow = polygon![(x: 5.0, y: 0.0), (x: 7.0, y: 2.0), (x: 7.0, y: 0.0), (x: 5.0, y: 2.0)];
        let found = crossings(&MultiPolygon(vec![square(0.0), bow, square(10.0)])).unwrap();
        assert_eq!(
            found.first.describe(3),
            "in polygon 2 of 3, the outer ring crosses itself"
        );
        assert_eq!(found.first.at(), coord! { x: 6.0, y: 1.0 });
    }

    /// A ring through 3 to 8 points on a small integer grid, so that vertices fall on each
    /// other's edges, edges run along each other and rings pass twice through a point, as well
    /// as crossing outright.
    ///
    /// A vertex repeated straight after itself is dropped. geo tests the edge of no length
    /// between the two, and so finds a self-intersection in a ring of three distinct points
    /// that only goes out and back (it encloses nothing) when a point is repeated, and not
    /// otherwise; covgap does not find one in either. Repeated vertices elsewhere are covered
    /// by `repeated_vertices_are_not_crossings`.
    fn grid_ring() -> impl Strategy<Value = LineString> {
        prop::collection::vec((0i32..6, 0i32..6), 3..9).prop_map(|mut pts| {
            pts.dedup();
            if pts.len() > 1 && pts.first() == pts.last() {
                pts.pop();
            }
            let mut ls = LineString::from(
                pts.into_iter()
                    .map(|(x, y)| (f64::from(x), f64::from(y)))
                    .collect::<Vec<_>>(),
            );
            ls.close();
            ls
        })
    }

    /// Rectangles on a small grid, many overlapping, many only touching; each one's point
    /// is its centre.
    fn rectangles() -> impl Strategy<Value = Vec<(MultiPolygon, Coord)>> {
        prop::collection::vec((0i32..8, 0i32..8, 1i32..5, 1i32..5), 1..25).prop_map(|v| {
            v.into_iter()
                .map(|(x, y, w, h)| {
                    let (x, y, w, h) = (x as f64, y as f64, w as f64, h as f64);
                    let r = polygon![(x: x, y: y), (x: x + w, y: y), (x: x + w, y: y + h), (x: x, y: y + h)];
                    (MultiPolygon(vec![r]), coord! { x: x + w / 2.0, y: y + h / 2.0 })
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        /// The R-tree finds the same overlapping pairs as testing every area against every
        /// other area's point, and each pair is reported once.
        #[test]
        fn overlaps_equal_brute_force(rects in rectangles()) {
            let (areas, points): (Vec<MultiPolygon>, Vec<Coord>) = rects.into_iter().unzip();
            let mut brute = std::collections::BTreeSet::new();
            for (i, p) in points.iter().enumerate() {
                for (j, a) in areas.iter().enumerate() {
                    if i != j && a.contains(p) {
                        brute.insert((i.min(j), i.max(j)));
                    }
                }
            }
            let mut found = Vec::new();
            for (hub, others) in overlaps(&areas, &points) {
                for o in others {
                    found.push((hub.min(o), hub.max(o)));
                }
            }
            let n = found.len();
            let found: std::collections::BTreeSet<_> = found.into_iter().collect();
            prop_assert_eq!(n, found.len(), "a pair reported twice");
            prop_assert_eq!(found, brute);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// A hole drawn anywhere over the outer ring's square (so that it can lie inside it,
        /// touch it, run along it or cross it, at vertices or between them): the polygon is
        /// invalid to geo exactly when covgap finds a crossing, leaving out holes geo rejects
        /// for reasons covgap does not look at (lying wholly outside, or enclosing nothing).
        #[test]
        fn holes_agree_with_geo(ring in grid_ring()) {
            use geo::{Area, Relate};
            let outer = polygon![(x: 1.0, y: 1.0), (x: 5.0, y: 1.0), (x: 5.0, y: 5.0), (x: 1.0, y: 5.0)];
            let hole = Polygon::new(ring.clone(), vec![]);
            prop_assume!(hole.unsigned_area() > 0.0);
            let m = outer.relate(&hole);
            prop_assume!(m.is_intersects() && !m.is_touches());
            let p = Polygon::new(outer.exterior().clone(), vec![ring]);
            let ours = crossings(&one(p.clone()));
            prop_assert_eq!(ours.is_some(), !p.is_valid(), "{:?} {:?}", p.validation_errors(), ours);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The sweep finds a self-crossing ring exactly when geo's pairwise check does.
        #[test]
        fn sweep_agrees_with_geo_on_self_intersection(ring in grid_ring()) {
            let p = Polygon::new(ring, vec![]);
            let geo_says = p
                .validation_errors()
                .iter()
                .any(|e| matches!(e, geo::algorithm::validation::InvalidPolygon::SelfIntersection(_)));
            prop_assert_eq!(crossings(&one(p)).is_some(), geo_says);
        }
    }
}
