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

use geo::algorithm::sweep::Cross;
use geo::{Coord, Intersections, Line, LineIntersection, MultiPolygon};

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
