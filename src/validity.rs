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
//! whole run, and 6.5 s for one ring of 30,000 vertices (BENCHMARKS.md). Here the edges go
//! through geo's sweep-line [`Intersections`], which compares only edges whose x-ranges
//! overlap, and the crossing's position is kept for the message. A property test checks that
//! the two agree on whether a ring intersects itself, over 2,000 random rings.
//!
//! What is looked for, in each polygon of an area:
//! - a ring that crosses itself, runs along another stretch of itself, or passes twice through
//!   one point (as geo and QGIS's Check Validity report it: "self-intersection"). A ring that
//!   folds straight back on itself at a vertex (a spike) encloses nothing and is passed over,
//!   as geo passes it over;
//! - two rings (the outer ring and a hole, or two holes) that cross or run along each other.
//!   Rings that touch at one point are valid and are not reported.
//!
//! Not looked for: a hole lying wholly outside its outer ring, and two polygons of one area
//! that overlap. Neither puts a point in the wrong area.
//!
//! [`overlaps`] finds areas that overlap one another, such as a county given with its own
//! districts: their babies would be counted twice.

use std::borrow::Borrow;

use geo::algorithm::sweep::Cross;
use geo::{BoundingRect, Contains, Coord, Intersections, Line, LineIntersection, MultiPolygon};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;

/// How two edges of a boundary meet where they should not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meeting {
    /// Each passes through the other.
    Cross,
    /// One ends on the other, or both end at one point, without passing through.
    Touch,
    /// They share a stretch.
    RunAlong,
}

impl Meeting {
    fn of(meet: &LineIntersection<f64>) -> Meeting {
        match meet {
            LineIntersection::SinglePoint {
                is_proper: true, ..
            } => Meeting::Cross,
            LineIntersection::SinglePoint { .. } => Meeting::Touch,
            LineIntersection::Collinear { .. } => Meeting::RunAlong,
        }
    }

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

/// The crossings in one area's boundary: the first found (lowest polygon, then ring, then
/// position along the ring's edges) and how many distinct places cross.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossings {
    pub first: Crossing,
    pub places: usize,
}

/// One edge of a ring, with the ring it belongs to and its place along the ring.
#[derive(Debug, Clone, Copy)]
struct Edge {
    line: Line,
    ring: usize,
    index: usize,
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
    let mut found: Vec<(usize, usize, usize, Crossing)> = Vec::new();
    for (part, polygon) in geometry.0.iter().enumerate() {
        let edges = std::iter::once(polygon.exterior())
            .chain(polygon.interiors())
            .enumerate()
            .flat_map(|(ring, ls)| {
                ls.lines()
                    .enumerate()
                    // A repeated vertex gives an edge of no length, which crosses nothing.
                    .filter(|(_, l)| l.start != l.end)
                    .map(move |(index, line)| Edge { line, ring, index })
            });
        for (a, b, meet) in Intersections::from_iter(edges) {
            let how = Meeting::of(&meet);
            let at = match (a.ring == b.ring, meet) {
                (true, meet) => {
                    // Neighbouring edges share their vertex; that is not a crossing. (Testing
                    // the shared vertex, not the index, also passes over a repeated vertex
                    // between them, as geo's own test does.)
                    if a.line.end == b.line.start || a.line.start == b.line.end {
                        continue;
                    }
                    match meet {
                        LineIntersection::SinglePoint { intersection, .. } => intersection,
                        LineIntersection::Collinear { intersection } => intersection.start,
                    }
                }
                // Two rings may touch at a point; they may not cross or share a stretch.
                (
                    false,
                    LineIntersection::SinglePoint {
                        intersection,
                        is_proper: true,
                    },
                ) => intersection,
                (false, LineIntersection::Collinear { intersection })
                    if intersection.start != intersection.end =>
                {
                    intersection.start
                }
                (false, _) => continue,
            };
            let (lo, hi) = if (a.ring, a.index) <= (b.ring, b.index) {
                (a, b)
            } else {
                (b, a)
            };
            let crossing = if lo.ring == hi.ring {
                Crossing::Ring {
                    part,
                    ring: lo.ring,
                    how,
                    at,
                }
            } else {
                Crossing::Rings {
                    part,
                    rings: (lo.ring, hi.ring),
                    how,
                    at,
                }
            };
            found.push((part, lo.ring, lo.index.min(hi.index), crossing));
        }
    }
    let first = found
        .iter()
        .min_by_key(|(part, ring, index, _)| (*part, *ring, *index))?
        .3;
    // One place where rings touch is met by several pairs of edges: count places, not pairs.
    let mut places: Vec<(u64, u64)> = found
        .iter()
        .map(|(.., c)| (c.at().x.to_bits(), c.at().y.to_bits()))
        .collect();
    places.sort_unstable();
    places.dedup();
    Some(Crossings {
        first,
        places: places.len(),
    })
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
    // the next among the pairs left, and so on.
    let mut out: Vec<(usize, Vec<usize>)> = Vec::new();
    while !pairs.is_empty() {
        let mut count = std::collections::BTreeMap::<usize, usize>::new();
        for &(a, b) in &pairs {
            *count.entry(a).or_default() += 1;
            *count.entry(b).or_default() += 1;
        }
        // The most pairs; on a tie, the area given first.
        let hub = count
            .iter()
            .max_by_key(|&(&area, &n)| (n, std::cmp::Reverse(area)))
            .map(|(&area, _)| area)
            .expect("pairs is not empty");
        let mut others: Vec<usize> = pairs
            .iter()
            .filter_map(|&(a, b)| match (a == hub, b == hub) {
                (true, _) => Some(b),
                (_, true) => Some(a),
                _ => None,
            })
            .collect();
        others.sort_unstable();
        pairs.retain(|&(a, b)| a != hub && b != hub);
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
    }

    #[test]
    fn hole_touching_its_outer_ring_at_a_point_is_valid() {
        let outer = LineString::from(vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]);
        let hole = LineString::from(vec![(5.0, 4.0), (10.0, 5.0), (5.0, 6.0)]);
        let p = one(Polygon::new(outer, vec![hole]));
        assert!(p.is_valid());
        assert_eq!(crossings(&p), None);
    }

    #[test]
    fn ring_passing_twice_through_one_vertex() {
        // Two triangles joined at (2, 2) by one ring: an "inverted" figure of eight.
        let p = one(polygon![
            (x: 0.0, y: 0.0), (x: 2.0, y: 2.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0),
            (x: 2.0, y: 2.0), (x: 0.0, y: 4.0), (x: 0.0, y: 0.0)
        ]);
        let found = crossings(&p).unwrap();
        assert_eq!(found.first.at(), coord! { x: 2.0, y: 2.0 });
        assert_eq!(found.places, 1);
        assert_eq!(found.first.describe(1), "the outer ring touches itself");
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
    /// A vertex repeated straight after itself is dropped: geo then tests the edge of no
    /// length between the two, and so reports a ring that folds straight back on itself (a
    /// spike) only when the fold has a repeated vertex, and not otherwise. covgap passes over
    /// spikes either way (they enclose nothing), which `repeated_vertices_are_not_crossings`
    /// covers.
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
