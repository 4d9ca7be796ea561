//! Spatial index over area polygons on British National Grid: which area holds a point, and
//! which area is nearest to a point and how far, in metres.
//!
//! Candidates come from an R-tree (rstar) of polygon bounding boxes; the answer is decided by
//! exact geometry from geo: `IntervalTreeMultiPolygon` for containment, Euclidean distance
//! to the polygon for nearness.

use geo::coordinate_position::CoordPos;
use geo::indexed::IntervalTreeMultiPolygon;
use geo::{
    BoundingRect, Contains, Coord, CoordinatePosition, Distance, Euclidean, MultiPolygon, Point,
    Polygon,
};
use rstar::primitives::{GeomWithData, Line, Rectangle};
use rstar::{PointDistance, RTree, AABB};

type Entry = GeomWithData<Rectangle<[f64; 2]>, (usize, usize)>;

/// An index over a set of areas, each a multipolygon in metres, each tagged with the
/// caller's area number.
pub struct AreaIndex {
    tree: RTree<Entry>,
    /// `(caller's area number, geometry)`, in the order given.
    areas: Vec<(usize, MultiPolygon)>,
    fast: Vec<IntervalTreeMultiPolygon<f64>>,
}

impl AreaIndex {
    /// Indexes `areas`, given as `(area number, geometry in metres)`.
    ///
    /// # Examples
    /// ```
    /// use geo::{polygon, MultiPolygon, coord};
    /// let square = MultiPolygon::new(vec![polygon![(x: 0., y: 0.), (x: 10., y: 0.), (x: 10., y: 10.), (x: 0., y: 10.)]]);
    /// let index = covgap::index::AreaIndex::new(vec![(7, square)]);
    /// assert_eq!(index.locate(coord! { x: 5., y: 5. }), Some(7));
    /// assert_eq!(index.nearest(coord! { x: 13., y: 14. }), Some((7, 5.0)));
    /// ```
    pub fn new(areas: Vec<(usize, MultiPolygon)>) -> Self {
        let mut entries = Vec::new();
        for (slot, (_, mp)) in areas.iter().enumerate() {
            for (pi, poly) in mp.0.iter().enumerate() {
                if let Some(r) = poly.bounding_rect() {
                    let rect =
                        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
                    entries.push(GeomWithData::new(rect, (slot, pi)));
                }
            }
        }
        let fast = areas
            .iter()
            .map(|(_, mp)| IntervalTreeMultiPolygon::new(mp))
            .collect();
        AreaIndex {
            tree: RTree::bulk_load(entries),
            areas,
            fast,
        }
    }

    /// The area holding `c`.
    ///
    /// A point inside an area belongs to it. A point exactly on a boundary shared by two
    /// areas belongs to the one given first (covgap gives areas in code order). A point
    /// outside every area gives `None`.
    pub fn locate(&self, c: Coord) -> Option<usize> {
        // The hot loop of `covgap assign` (millions of calls): no allocation, and the first
        // area in the caller's order wins whatever order the tree gives candidates in.
        let mut inside: Option<usize> = None;
        let mut any_candidate = false;
        for e in self.tree.locate_all_at_point(&[c.x, c.y]) {
            any_candidate = true;
            let s = e.data.0;
            if inside.is_some_and(|i| i <= s) {
                continue;
            }
            if self.fast[s].contains(&c) {
                inside = Some(s);
            }
        }
        if let Some(s) = inside {
            return Some(self.areas[s].0);
        }
        if !any_candidate {
            return None;
        }
        let mut on_boundary: Option<usize> = None;
        for e in self.tree.locate_all_at_point(&[c.x, c.y]) {
            let s = e.data.0;
            if on_boundary.is_some_and(|b| b <= s) {
                continue;
            }
            if self.areas[s].1.coordinate_position(&c) == CoordPos::OnBoundary {
                on_boundary = Some(s);
            }
        }
        on_boundary.map(|s| self.areas[s].0)
    }

    /// The nearest area to `c` and the distance to it in metres (0 inside an area). Ties go
    /// to the area given first.
    pub fn nearest(&self, c: Coord) -> Option<(usize, f64)> {
        let p = Point::from(c);
        let mut best: Option<(usize, f64)> = None;
        // Boxes come in order of their distance from the point, which is never more than the
        // distance to the polygon inside, so once a box is further than the best polygon
        // found no later polygon can be nearer.
        for (entry, box_d2) in self.tree.nearest_neighbor_iter_with_distance_2(&[c.x, c.y]) {
            if let Some((_, bd)) = best {
                if box_d2.sqrt() > bd {
                    break;
                }
            }
            let (slot, pi) = entry.data;
            let poly: &Polygon = &self.areas[slot].1 .0[pi];
            let d = Euclidean.distance(&p, poly);
            let better = match best {
                None => true,
                Some((bs, bd)) => d < bd || (d == bd && slot < bs),
            };
            if better {
                best = Some((slot, d));
            }
        }
        best.map(|(slot, d)| (self.areas[slot].0, d))
    }

    /// Number of areas indexed.
    pub fn len(&self) -> usize {
        self.areas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    /// Bounding box of everything indexed.
    pub fn envelope(&self) -> AABB<[f64; 2]> {
        self.tree.root().envelope()
    }
}

type Edge = GeomWithData<Line<[f64; 2]>, usize>;

/// An index over the edges of a set of areas (each a multipolygon in metres), answering
/// "how far is the nearest of these areas from a point outside them all": the distance to
/// the nearest edge. Built for millions of queries, where measuring to whole polygons
/// (as [`AreaIndex::nearest`] does) would cost a pass over every vertex of every candidate.
pub struct EdgeIndex {
    tree: RTree<Edge>,
}

impl EdgeIndex {
    /// Indexes every ring segment of `areas`, given as `(area number, geometry in metres)`.
    ///
    /// # Examples
    /// ```
    /// use geo::{polygon, MultiPolygon, coord};
    /// let square = MultiPolygon::new(vec![polygon![(x: 0., y: 0.), (x: 10., y: 0.), (x: 10., y: 10.), (x: 0., y: 10.)]]);
    /// let edges = covgap::index::EdgeIndex::new(&[(7, square)]);
    /// assert_eq!(edges.nearest_outside(coord! { x: 13., y: 14. }), Some((7, 5.0)));
    /// ```
    pub fn new(areas: &[(usize, MultiPolygon)]) -> Self {
        let mut edges = Vec::new();
        for (area, mp) in areas {
            for poly in &mp.0 {
                for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                    for l in ring.lines() {
                        if l.start == l.end {
                            continue;
                        }
                        edges.push(GeomWithData::new(
                            Line::new([l.start.x, l.start.y], [l.end.x, l.end.y]),
                            *area,
                        ));
                    }
                }
            }
        }
        EdgeIndex {
            tree: RTree::bulk_load(edges),
        }
    }

    /// The area whose boundary is nearest to `c`, and the distance in metres. Meant for
    /// points outside every indexed area (a point inside one is not at distance 0 here).
    /// Ties (a vertex or edge shared by two areas) go to the lowest area number.
    pub fn nearest_outside(&self, c: Coord) -> Option<(usize, f64)> {
        let q = [c.x, c.y];
        let first = self.tree.nearest_neighbor(&q)?;
        let d2 = first.distance_2(&q);
        // Other edges at exactly the same distance (shared vertices and edges): the
        // lowest area number wins, whatever order the tree holds them in.
        let best = self
            .tree
            .locate_within_distance(q, d2)
            .filter(|e| e.distance_2(&q) <= d2)
            .map(|e| e.data)
            .min()
            .unwrap_or(first.data)
            .min(first.data);
        Some((best, d2.sqrt()))
    }

    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// Whether any edge's bounding box meets the box `min`..`max`: when none does, no
    /// boundary crosses the box, so every point in it lies in the same area (or in none).
    pub fn any_edge_meets(&self, min: Coord, max: Coord) -> bool {
        let env = AABB::from_corners([min.x, min.y], [max.x, max.y]);
        self.tree
            .locate_in_envelope_intersecting(&env)
            .next()
            .is_some()
    }

    /// A cache for many queries close together (one worker's run of postcodes): the same
    /// answers as [`EdgeIndex::nearest_outside`], bit for bit, from short candidate lists
    /// kept per grid cell.
    pub fn cache(&self) -> EdgeCache<'_> {
        EdgeCache {
            index: self,
            cells: CellMap::default(),
        }
    }
}

/// Side of a cache cell, metres.
const CELL_M: f64 = 2_000.0;

/// A hasher for grid-cell keys: two integers mixed by one multiply each (the standard
/// library's SipHash guards against hostile keys, which cell numbers are not, at several
/// times the cost).
#[derive(Default, Clone, Copy)]
pub struct CellHasher(u64);

impl std::hash::Hasher for CellHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
}

/// A hash map keyed by grid cell.
pub type CellMap<V> =
    std::collections::HashMap<(i64, i64), V, std::hash::BuildHasherDefault<CellHasher>>;

/// An edge and the area it bounds.
type CandidateEdge = (Line<[f64; 2]>, usize);

/// Per-cell candidate edges for [`EdgeIndex`] queries; see [`EdgeIndex::cache`].
///
/// For a cell with centre `o` and half-diagonal `h`, let `D` be the distance from `o` to
/// the nearest edge. Any point `p` in the cell has its nearest edge within `D + h` of `p`,
/// so within `D + 2h` of `o`: those edges are the cell's candidates, and the nearest
/// among them (ties to the lowest area) is the answer the whole tree would give.
pub struct EdgeCache<'a> {
    index: &'a EdgeIndex,
    cells: CellMap<Vec<CandidateEdge>>,
}

impl EdgeCache<'_> {
    /// The same as [`EdgeIndex::nearest_outside`].
    pub fn nearest_outside(&mut self, c: Coord) -> Option<(usize, f64)> {
        let key = ((c.x / CELL_M).floor() as i64, (c.y / CELL_M).floor() as i64);
        let index = self.index;
        let cands = self.cells.entry(key).or_insert_with(|| {
            let o = [(key.0 as f64 + 0.5) * CELL_M, (key.1 as f64 + 0.5) * CELL_M];
            let Some(first) = index.tree.nearest_neighbor(&o) else {
                return Vec::new();
            };
            let reach = first.distance_2(&o).sqrt() + CELL_M * std::f64::consts::SQRT_2;
            // A hair more, so rounding can never drop an edge the bound keeps.
            let reach2 = (reach * (1.0 + 1e-9) + 1e-6).powi(2);
            index
                .tree
                .locate_within_distance(o, reach2)
                .map(|e| (*e.geom(), e.data))
                .collect()
        });
        let q = [c.x, c.y];
        let mut best: Option<(usize, f64)> = None;
        for (line, area) in cands.iter() {
            let d2 = line.distance_2(&q);
            best = match best {
                Some((ba, bd)) if d2 > bd || (d2 == bd && *area >= ba) => Some((ba, bd)),
                _ => Some((*area, d2)),
            };
        }
        best.map(|(a, d2)| (a, d2.sqrt()))
    }
}

/// The same rule as [`AreaIndex::locate`], by testing every area in turn: the reference the
/// index is checked against.
pub fn locate_brute_force(areas: &[(usize, MultiPolygon)], c: Coord) -> Option<usize> {
    areas
        .iter()
        .find(|(_, mp)| mp.coordinate_position(&c) == CoordPos::Inside)
        .or_else(|| {
            areas
                .iter()
                .find(|(_, mp)| mp.coordinate_position(&c) == CoordPos::OnBoundary)
        })
        .map(|(i, _)| *i)
}

/// The same rule as [`AreaIndex::nearest`], by measuring to every area.
pub fn nearest_brute_force(areas: &[(usize, MultiPolygon)], c: Coord) -> Option<(usize, f64)> {
    let p = Point::from(c);
    let mut best: Option<(usize, f64)> = None;
    for (i, mp) in areas {
        let d = Euclidean.distance(&p, mp);
        if best.is_none_or(|(_, bd)| d < bd) {
            best = Some((*i, d));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, polygon, MapCoords};

    fn two_squares() -> Vec<(usize, MultiPolygon)> {
        let a = polygon![(x: 0., y: 0.), (x: 10., y: 0.), (x: 10., y: 10.), (x: 0., y: 10.)];
        let b = polygon![(x: 10., y: 0.), (x: 20., y: 0.), (x: 20., y: 10.), (x: 10., y: 10.)];
        vec![
            (0, MultiPolygon::new(vec![a])),
            (1, MultiPolygon::new(vec![b])),
        ]
    }

    #[test]
    fn shared_boundary_goes_to_the_first_area() {
        let idx = AreaIndex::new(two_squares());
        assert_eq!(idx.locate(coord! { x: 10., y: 5. }), Some(0));
        assert_eq!(idx.locate(coord! { x: 15., y: 5. }), Some(1));
        assert_eq!(idx.locate(coord! { x: 25., y: 5. }), None);
    }

    #[test]
    fn edge_cache_matches_the_tree() {
        let areas = two_squares()
            .into_iter()
            .map(|(i, mp)| {
                (
                    i,
                    mp.map_coords(|c| coord! { x: c.x * 731.0 + 5_000.0, y: c.y * 977.0 }),
                )
            })
            .collect::<Vec<_>>();
        let idx = EdgeIndex::new(&areas);
        let mut cache = idx.cache();
        for i in 0..4000 {
            let c = coord! { x: (i * 7919 % 40_000) as f64 - 5_000.5, y: (i * 104_729 % 30_000) as f64 - 9_000.25 };
            assert_eq!(cache.nearest_outside(c), idx.nearest_outside(c), "{c:?}");
        }
        // A point on the shared edge's end is equally near both squares: the first wins.
        let shared = coord! { x: 10.0 * 731.0 + 5_000.0, y: 10.0 * 977.0 + 3.0 };
        assert_eq!(idx.nearest_outside(shared).map(|r| r.0), Some(0));
    }

    #[test]
    fn nearest_measures_to_the_edge() {
        let idx = AreaIndex::new(two_squares());
        assert_eq!(idx.nearest(coord! { x: 23., y: 14. }), Some((1, 5.0)));
        assert_eq!(idx.nearest(coord! { x: 5., y: 5. }), Some((0, 0.0)));
    }
}
