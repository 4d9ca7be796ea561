//! Land beyond the districts given: whether a point just outside them lies across a land
//! border or off a generalised coast, judged by the built-in UK districts.
//!
//! A point (a small area's representative point, or a team base) outside every district given
//! but within [`COAST_TOLERANCE_M`](crate::load::COAST_TOLERANCE_M) of one is usually off a
//! coastline the boundaries generalise, and goes to the nearest district. With boundaries for
//! part of the UK (one county's districts, one nation, one ICB) it may instead lie in a
//! neighbouring district across a land border, and putting it in the nearest district would
//! count it where it does not belong. The built-in districts cover the whole UK, so covgap
//! looks the point up in them:
//! - **at sea** by the built-in districts: off a generalised coast; it goes to the nearest
//!   district;
//! - in a built-in district whose code is one of the districts given: in the study area (the
//!   two boundaries drawn differently, or a hole in the one given where the built-in district
//!   has land); it goes to the nearest district;
//! - in a built-in district of which less than [`OUTSIDE_SHARE`] (a fifth) lies within the
//!   districts given (measured on a grid of points over it): that district is outside the
//!   study area, so the point is **across a land border**;
//! - in one of which at least [`INSIDE_SHARE`] lies within them: the study area takes in that
//!   district, drawn differently (an ICB drawn coarser than its districts, or another
//!   generalisation), so the point goes to the nearest district;
//! - in one only partly within them (a district split between two ICBs, or the 2023 North
//!   Yorkshire against Harrogate's older boundaries): where the boundary given nearest the
//!   point runs along that district's own edge (within [`edge_tolerance`]), the two are the
//!   same line drawn differently and the point goes to the nearest district; where it runs
//!   through the district's inside, it is a border within the district, and the point is
//!   across it.
//!
//! The built-in districts are ONS's ultra generalised boundaries (BUC, generalised to about
//! 500 m), so a point within a few hundred metres of a land border may be judged either way;
//! and they hold no land outside the UK, so a point just across the border with Ireland is
//! taken to be off a coast. With the built-in boundaries themselves every built-in district is
//! wholly in the study area, and nothing changes.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use geo::{
    Area, BoundingRect, Closest, ClosestPoint, Coord, Distance, Euclidean, Length, LinesIter,
    MapCoords, MultiPolygon, Point,
};

use crate::builtin;
use crate::crs::Wgs84ToBng;
use crate::error::Diagnostics;
use crate::index::AreaIndex;
use crate::read::boundaries::{read_boundaries, BoundaryOptions};

/// Less than this share of a built-in district within the districts given: it is outside the
/// study area (a sliver of a neighbour, from boundaries drawn differently, is well below it;
/// boundaries drawn far more coarsely than the districts, such as the 42 ICBs of
/// `../shared/data/boundaries/health` with 4 to 35 outer corners each, can hold much of a district
/// they do not take in, and no share tells those apart: `scripts/check_land_borders.py`).
pub const OUTSIDE_SHARE: f64 = 0.20;
/// At least this share within them: the study area takes in the whole district.
pub const INSIDE_SHARE: f64 = 0.90;
/// A boundary given within this distance (metres) of a built-in district's own edge runs
/// along it: the same line, drawn differently (the built-in lines are generalised to about
/// 500 m). Boundaries given with long straight sides stray further from the line they stand
/// for, so the distance grows to a quarter of their mean side ([`edge_tolerance`]).
pub const EDGE_TOLERANCE_M: f64 = 1_000.0;
/// Grid points per side over a district's bounding box when measuring its share.
const GRID: usize = 24;

/// The built-in districts on British National Grid: what every [`Land`] is judged by.
struct BuiltInDistricts {
    /// Code and name, in file order.
    names: Vec<(String, String)>,
    geometry: Vec<MultiPolygon>,
    /// Each one's area on the grid, square metres.
    areas_m2: Vec<f64>,
    index: AreaIndex,
}

/// Read once per process; `None` if the built-in boundaries cannot be read (they always can;
/// then every point is judged as before, off a coast).
fn built_in() -> Option<&'static BuiltInDistricts> {
    static DISTRICTS: OnceLock<Option<BuiltInDistricts>> = OnceLock::new();
    DISTRICTS
        .get_or_init(|| {
            let b = read_boundaries(
                &builtin::boundaries(),
                &BoundaryOptions::default(),
                &mut Diagnostics::new(),
            )
            .ok()?;
            let to_bng = Wgs84ToBng::new();
            let mut names = Vec::with_capacity(b.areas.len());
            let mut geometry = Vec::with_capacity(b.areas.len());
            for raw in b.areas {
                geometry.push(raw.geometry.map_coords(|c| to_bng.apply(c)));
                names.push((raw.code, raw.name));
            }
            let index = AreaIndex::new(geometry.iter().cloned().enumerate().collect());
            let areas_m2 = geometry.iter().map(|g| g.unsigned_area()).collect();
            Some(BuiltInDistricts {
                names,
                geometry,
                areas_m2,
                index,
            })
        })
        .as_ref()
}

/// The built-in district `code` as "Cherwell (E07000177)", or the code alone if it is not one.
pub fn built_in_named(code: &str) -> String {
    built_in()
        .and_then(|b| b.names.iter().find(|(c, _)| c == code))
        .map_or_else(|| code.to_string(), |(c, n)| format!("{n} ({c})"))
}

/// The code of the built-in district holding `c` (British National Grid, metres), if any.
pub fn built_in_district_at(c: Coord) -> Option<&'static str> {
    let b = built_in()?;
    b.index.locate(c).map(|i| b.names[i].0.as_str())
}

/// Each built-in district's code, representative point (British National Grid) and area
/// (square metres): for telling which areas given hold a district.
pub fn built_in_points() -> Vec<(&'static str, Coord, f64)> {
    let Some(b) = built_in() else {
        return Vec::new();
    };
    b.names
        .iter()
        .zip(&b.geometry)
        .zip(&b.areas_m2)
        .filter_map(|(((code, _), g), &m2)| {
            crate::model::representative_point(g).map(|p| (code.as_str(), p.0, m2))
        })
        .collect()
}

/// The built-in district an area given lies in, for an area smaller than a district (an LSOA,
/// a ward, a Data Zone given as boundaries): the one holding its representative point `point`
/// (British National Grid, metres) or, for a point off the built-in districts' generalised
/// coast, the nearest within [`COAST_TOLERANCE_M`](crate::load::COAST_TOLERANCE_M), as small
/// areas are placed. `None` when there is none, or when the area (`area_m2`, square metres) is
/// half as large again as the district or more (an area of another geography holding it is
/// not "in" it; the margin allows for a small district generalised more than the areas in
/// it: the built-in Isles of Scilly is 13.6 km², its one LSOA 16.5 km²).
///
/// # Examples
/// ```
/// use geo::Coord;
/// // A hectare in Oxford city centre is in Oxford.
/// let c = Coord { x: 451_400.0, y: 206_200.0 };
/// assert_eq!(covgap::land::built_in_district_holding_area(c, 1e4), Some("E07000178"));
/// // An area of 5,000 km² with its point there is not.
/// assert_eq!(covgap::land::built_in_district_holding_area(c, 5e9), None);
/// ```
pub fn built_in_district_holding_area(point: Coord, area_m2: f64) -> Option<&'static str> {
    let b = built_in()?;
    let i = match b.index.locate(point) {
        Some(i) => i,
        None => match b.index.nearest(point) {
            Some((i, d)) if d <= crate::load::COAST_TOLERANCE_M => i,
            _ => return None,
        },
    };
    (area_m2 < 1.5 * b.areas_m2[i]).then(|| b.names[i].0.as_str())
}

/// The built-in districts of `codes` (current codes) together, on British National Grid: what
/// a team serving only districts outside the boundaries given covers, to measure to. Codes not
/// among the built-in districts add nothing.
///
/// # Examples
/// ```
/// // Swindon and Cotswold: two districts, one MultiPolygon of their parts.
/// let reach = covgap::land::built_in_reach(["E06000030", "E07000079", "X1"]);
/// assert!(reach.0.len() >= 2);
/// ```
pub fn built_in_reach<'a>(codes: impl IntoIterator<Item = &'a str>) -> MultiPolygon {
    let Some(b) = built_in() else {
        return MultiPolygon::new(Vec::new());
    };
    let wanted: HashSet<&str> = codes.into_iter().collect();
    MultiPolygon::new(
        b.names
            .iter()
            .zip(&b.geometry)
            .filter(|((code, _), _)| wanted.contains(code.as_str()))
            .flat_map(|(_, g)| g.0.iter().cloned())
            .collect(),
    )
}

/// Areas on a grid (British National Grid guessed, or one of Northern Ireland's stated) of which less
/// than this share lies on the UK's land ([`share_on_uk_land`]) are warned of: the UK's
/// districts, ICBs, Welsh and Scottish health boards and Northern Irish trusts all lie 97% or
/// more on it; a 15 km circle round a stretch of coast lies 31 to 69% on it.
pub const GUESSED_GRID_ON_LAND: f64 = 0.75;
/// Areas of which less than this share lies on land are refused: wholly at sea, they are in
/// another system (Northern Ireland on the Irish Transverse Mercator read as British National
/// Grid: 0%).
pub const ALMOST_NO_LAND: f64 = 0.10;
/// Areas with no system stated, read as British National Grid, are refused as the Irish Grid
/// (or the Irish Transverse Mercator) when at least this much more of them lies on Northern
/// Ireland's land read so (Northern Ireland's trusts: 52% on any land as British National
/// Grid, 100% on Northern Ireland's as the Irish Grid; a circle off Brighton, read as the
/// Irish Grid, lands in Powys, not there).
pub const IRISH_GRID_BETTER_BY: f64 = 0.25;

/// The share of the areas given that lies on the UK's land as the built-in districts draw it,
/// measured on a 100 by 100 grid of points over their extent (those of its points inside an
/// area given), each point put on British National Grid by `to_bng` (the identity for areas
/// already on it; [`crate::crs::Crs::to_bng`] of one of Northern Ireland's grids to ask where
/// they would lie were they on it). `None` when no grid point falls inside them. Districts, ICBs or health boards of
/// the UK in British National Grid lie almost wholly on it; the same coordinates in another grid
/// read as British National Grid (Northern Ireland on the Irish Grid lands on the Irish Sea,
/// Anglesey and Cheshire) lie largely off it.
///
/// With `nation`, only the land of the built-in districts whose codes start with that letter
/// counts (`'N'`: Northern Ireland's, where data on its grids lies).
pub fn share_on_uk_land(
    areas: &[&MultiPolygon],
    to_bng: impl Fn(Coord) -> Option<Coord>,
    nation: Option<char>,
) -> Option<f64> {
    Sample::of(areas).share_on_land(to_bng, nation)
}

/// The points [`share_on_uk_land`] measures at: the centres of a 100 by 100 grid over the
/// areas' extent that fall inside one of them. Found once, so that a file can be measured
/// read on each grid without indexing its areas again.
pub struct Sample(Vec<Coord>);

impl Sample {
    pub fn of(areas: &[&MultiPolygon]) -> Sample {
        const N: usize = 100;
        let Some(e) = extent(areas.iter().copied()) else {
            return Sample(Vec::new());
        };
        let given = index_of(areas);
        Sample(grid(e, N).filter(|c| given.locate(*c).is_some()).collect())
    }

    /// The share of the points on land, each put on British National Grid by `to_bng`; with
    /// `nation`, on the land of the built-in districts whose codes start with that letter.
    /// `None` when no point falls inside the areas.
    pub fn share_on_land(
        &self,
        to_bng: impl Fn(Coord) -> Option<Coord>,
        nation: Option<char>,
    ) -> Option<f64> {
        let b = built_in()?;
        let counts = |i: usize| nation.is_none_or(|n| b.names[i].0.starts_with(n));
        let on_land = self
            .0
            .iter()
            .filter(|c| to_bng(**c).is_some_and(|p| b.index.locate(p).is_some_and(counts)))
            .count();
        (!self.0.is_empty()).then(|| on_land as f64 / self.0.len() as f64)
    }
}

/// The smallest rectangle holding every one of `areas`.
fn extent<'a>(areas: impl IntoIterator<Item = &'a MultiPolygon>) -> Option<geo::Rect> {
    areas
        .into_iter()
        .filter_map(|mp| mp.bounding_rect())
        .reduce(|a, r| {
            geo::Rect::new(
                Coord {
                    x: a.min().x.min(r.min().x),
                    y: a.min().y.min(r.min().y),
                },
                Coord {
                    x: a.max().x.max(r.max().x),
                    y: a.max().y.max(r.max().y),
                },
            )
        })
}

/// The centres of an `n` by `n` grid of cells over `r`.
pub(crate) fn grid(r: geo::Rect, n: usize) -> impl Iterator<Item = Coord> {
    (0..n).flat_map(move |i| {
        (0..n).map(move |j| Coord {
            x: r.min().x + r.width() * (i as f64 + 0.5) / n as f64,
            y: r.min().y + r.height() * (j as f64 + 0.5) / n as f64,
        })
    })
}

/// An index of `areas` by their place in the slice.
fn index_of(areas: &[&MultiPolygon]) -> AreaIndex {
    AreaIndex::new(
        areas
            .iter()
            .enumerate()
            .map(|(i, mp)| (i, (*mp).clone()))
            .collect(),
    )
}

/// Whether the areas given cover the UK: every built-in district by code (or by the codes of
/// the districts it replaced), or, for other geographies (the UK's upper tiers or health
/// boards, say), at least [`UK_COVERED`] of the UK's land as the built-in districts draw it,
/// measured on a 100 by 100 grid over the UK. Districts with some missing are part of the UK
/// however little land is missing. Outputs name the
/// total row "United Kingdom" only then; boundaries for part of the UK (one region, England's
/// ICBs) have a total of "all areas given".
pub fn covers_uk(areas: &[&MultiPolygon], codes: &HashSet<&str>) -> bool {
    const N: usize = 100;
    // A built-in district is given when its code is, or every district it replaced is
    // (boundaries drawn before 2023).
    let given = |c: &str| crate::read::successors::given_in(c, codes);
    if built_in_codes().iter().all(|c| given(c)) {
        return true;
    }
    // Districts, some missing (the UK's without London, say): part of the UK, however little
    // of its land is missing.
    let districts = codes
        .iter()
        .filter(|c| {
            built_in_codes().binary_search(c).is_ok()
                || crate::read::successors::all()
                    .iter()
                    .any(|s| s.old_code == **c)
        })
        .count();
    if districts * 2 > codes.len() {
        return false;
    }
    let Some(b) = built_in() else {
        return false;
    };
    let Some(uk) = extent(&b.geometry) else {
        return false;
    };
    let given = index_of(areas);
    let (mut land, mut covered) = (0usize, 0usize);
    for c in grid(uk, N) {
        if b.index.locate(c).is_some() {
            land += 1;
            if given.locate(c).is_some() {
                covered += 1;
            }
        }
    }
    land > 0 && covered as f64 >= UK_COVERED * land as f64
}

/// The share of the UK's land the areas given must cover to be the UK ([`covers_uk`]): the
/// UK's districts drawn at any generalisation cover nearly all of it; Great Britain without
/// Northern Ireland or England's ICBs do not.
pub const UK_COVERED: f64 = 0.97;

/// The codes of the built-in districts, from the built-in area table (`data/areas.csv`, whose
/// codes the preparation checks are the boundaries' own), without reading the boundaries; in
/// code order.
pub fn built_in_codes() -> &'static [&'static str] {
    static CODES: OnceLock<Vec<&'static str>> = OnceLock::new();
    CODES.get_or_init(|| {
        builtin::areas()
            .built_in_text()
            .expect("built in")
            .lines()
            .skip(1)
            .filter_map(|line| line.split(',').next())
            .filter(|code| !code.is_empty())
            .collect()
    })
}

/// The built-in districts, judged against one set of boundaries (the districts given).
pub struct Land<'a> {
    in_given: Box<dyn Fn(Coord) -> bool + 'a>,
    /// The codes of the districts given.
    codes: &'a HashSet<&'a str>,
    /// The districts given include every built-in district (they are the built-in
    /// boundaries): no point is across a land border, and the built-in districts are not read
    /// a second time.
    all_built_in: bool,
    /// Per built-in district, once measured: the share of it within the districts given.
    shares: RefCell<HashMap<usize, f64>>,
}

/// A built-in district holding a point just outside the districts given, beyond them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Across(usize);

impl Across {
    /// The district's name and ONS code, as "Cotswold (E07000079)".
    pub fn district(self) -> String {
        format!("{} ({})", self.name(), self.code())
    }

    /// The district's ONS code.
    pub fn code(self) -> &'static str {
        built_in().map_or("", |b| b.names[self.0].0.as_str())
    }

    /// The district's name, as ONS writes it.
    pub fn name(self) -> String {
        built_in().map_or(String::new(), |b| b.names[self.0].1.clone())
    }
}

impl<'a> Land<'a> {
    /// The built-in districts judged against the districts given: `in_given` says whether a
    /// British National Grid point lies in one of them, and `codes` are their codes.
    ///
    /// # Examples
    /// ```
    /// use covgap::{analyse_inputs, assign::Assigner, error::Diagnostics, load::Inputs};
    /// use covgap::land::Land;
    /// let a = analyse_inputs(&Inputs::default(), &mut Diagnostics::new()).unwrap();
    /// let assigner = Assigner::new(&a.study, &a.coverage);
    /// // Only Cherwell (E07000177) is given: its neighbour across the county line to the
    /// // north-west, Stratford-on-Avon, is outside the study area.
    /// let cherwell = a.study.areas.iter().position(|x| x.code == "E07000177").unwrap();
    /// let codes = std::collections::HashSet::from(["E07000177"]);
    /// let land = Land::new(|c| assigner.district_at_bng(c) == Some(cherwell), &codes);
    /// let given = &a.study.areas[cherwell].bng;
    /// // Upper Tysoe, 0.8 km over the county line from Shenington, is in Stratford-on-Avon.
    /// let across = land.across_border(geo::coord! { x: 434_312., y: 243_667. }, given).unwrap();
    /// assert_eq!(across.district(), "Stratford-on-Avon (E07000221)");
    /// // At sea off Brighton: off a generalised coast, not across a border.
    /// assert_eq!(land.across_border(geo::coord! { x: 531_000., y: 102_000. }, given), None);
    /// ```
    pub fn new(in_given: impl Fn(Coord) -> bool + 'a, codes: &'a HashSet<&'a str>) -> Self {
        Land {
            in_given: Box::new(in_given),
            all_built_in: built_in_codes().iter().all(|c| codes.contains(c)),
            codes,
            shares: RefCell::new(HashMap::new()),
        }
    }

    /// The built-in district holding `p` (British National Grid, metres) when `p` is across a
    /// land border from the districts given, by the rules of this module; `nearest` is the
    /// district given nearest `p` (its British National Grid geometry). `None` when `p` is
    /// at sea by the built-in districts, or in one the districts given take in.
    pub fn across_border(&self, p: Coord, nearest: &MultiPolygon) -> Option<Across> {
        if self.all_built_in {
            return None;
        }
        let b = built_in()?;
        let i = b.index.locate(p)?;
        if self.codes.contains(b.names[i].0.as_str()) {
            return None;
        }
        let share = self.share(b, i);
        if share < OUTSIDE_SHARE {
            return Some(Across(i));
        }
        if share >= INSIDE_SHARE {
            return None;
        }
        // Partly within: does the boundary given nearest the point follow the district's
        // own edge, or run through it?
        let q = match nearest.closest_point(&Point::from(p)) {
            Closest::SinglePoint(q) | Closest::Intersection(q) => q,
            Closest::Indeterminate => return None,
        };
        let edge = b.geometry[i]
            .lines_iter()
            .map(|side| Euclidean.distance(&q, &side))
            .fold(f64::INFINITY, f64::min);
        (edge > edge_tolerance(nearest)).then_some(Across(i))
    }

    /// The share of built-in district `i` within the districts given: the share of a grid of
    /// points over it that they hold.
    fn share(&self, b: &BuiltInDistricts, i: usize) -> f64 {
        if let Some(s) = self.shares.borrow().get(&i) {
            return *s;
        }
        let mp = &b.geometry[i];
        let share = match mp.bounding_rect() {
            None => 0.0,
            Some(r) => {
                let (mut inside, mut given) = (0usize, 0usize);
                for c in grid(r, GRID) {
                    if b.index.locate(c) == Some(i) {
                        inside += 1;
                        if (self.in_given)(c) {
                            given += 1;
                        }
                    }
                }
                if inside == 0 {
                    0.0
                } else {
                    given as f64 / inside as f64
                }
            }
        };
        self.shares.borrow_mut().insert(i, share);
        share
    }
}

/// How far (metres) a boundary given may run from the line it stands for and still be taken to
/// follow it: [`EDGE_TOLERANCE_M`], or a quarter of the mean length of its sides when that is
/// more (the coarse ICBs of `../shared/data/boundaries/health` have sides of 7.5 to 22 km on
/// average, and stray kilometres from their districts' edges).
pub fn edge_tolerance(given: &MultiPolygon) -> f64 {
    let (length, sides) = given.lines_iter().fold((0.0, 0usize), |(l, n), side| {
        (l + Euclidean.length(&side), n + 1)
    });
    if sides == 0 {
        return EDGE_TOLERANCE_M;
    }
    (length / sides as f64 / 4.0).max(EDGE_TOLERANCE_M)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn district(code: &str) -> usize {
        let b = built_in().unwrap();
        b.names.iter().position(|(c, _)| c == code).unwrap()
    }

    /// The UK in another geography (the built-in districts under other codes) covers the UK;
    /// Great Britain alone and England do not; every built-in code does,
    /// whatever the geometry.
    #[test]
    fn the_uk_is_told_from_part_of_it() {
        let b = built_in().unwrap();
        let none = HashSet::new();
        let all: Vec<&MultiPolygon> = b.geometry.iter().collect();
        assert!(covers_uk(&all, &none));
        let part = |first: &[char]| -> Vec<&MultiPolygon> {
            b.names
                .iter()
                .zip(&b.geometry)
                .filter(|((c, _), _)| c.starts_with(first))
                .map(|(_, g)| g)
                .collect()
        };
        assert!(!covers_uk(&part(&['E', 'W', 'S']), &none));
        assert!(!covers_uk(&part(&['E']), &none));
        let codes: HashSet<&str> = built_in_codes().iter().copied().collect();
        assert!(covers_uk(&[], &codes));
        // The districts without London's (0.65% of the land) are not the UK; with the 17
        // abolished in 2023 instead of the 4 that replaced them, they are.
        let without_london: HashSet<&str> = codes
            .iter()
            .copied()
            .filter(|c| !c.starts_with("E09"))
            .collect();
        assert!(!covers_uk(&all, &without_london));
        let successors = crate::read::successors::all();
        let mut before_2023: HashSet<&str> = codes
            .iter()
            .copied()
            .filter(|c| {
                !successors
                    .iter()
                    .any(|s| s.new_code == *c && s.since == "2023-04-01")
            })
            .collect();
        before_2023.extend(
            successors
                .iter()
                .filter(|s| s.since == "2023-04-01")
                .map(|s| s.old_code.as_str()),
        );
        assert!(covers_uk(&[], &before_2023));
    }

    /// The built-in districts lie wholly on the built-in districts' land; the same shapes
    /// moved 150 km west, into the Irish Sea and over Ireland, do not.
    #[test]
    fn share_on_land_of_areas_moved_off_it() {
        let b = built_in().unwrap();
        let all: Vec<&MultiPolygon> = b.geometry.iter().collect();
        assert!(share_on_uk_land(&all, Some, None).unwrap() > 0.999);
        let wales: Vec<MultiPolygon> = b
            .names
            .iter()
            .zip(&b.geometry)
            .filter(|((c, _), _)| c.starts_with('W'))
            .map(|(_, g)| {
                g.map_coords(|c| Coord {
                    x: c.x - 150_000.0,
                    ..c
                })
            })
            .collect();
        let moved: Vec<&MultiPolygon> = wales.iter().collect();
        assert!(share_on_uk_land(&moved, Some, None).unwrap() < GUESSED_GRID_ON_LAND);
        // Wales's districts lie on Wales's land, none on Northern Ireland's.
        let wales: Vec<&MultiPolygon> = b
            .names
            .iter()
            .zip(&b.geometry)
            .filter(|((c, _), _)| c.starts_with('W'))
            .map(|(_, g)| g)
            .collect();
        assert!(share_on_uk_land(&wales, Some, Some('W')).unwrap() > 0.999);
        assert_eq!(share_on_uk_land(&wales, Some, Some('N')), Some(0.0));
    }

    /// The two 10 km squares of tests/fixtures/boundaries/bng_squares_wrong_winding.geojson
    /// (without the Oxford square's hole), as given boundaries over real Oxfordshire, under
    /// `codes` (none: another geography than districts).
    fn squares_coded(
        codes: &'static [&'static str],
    ) -> (Land<'static>, MultiPolygon, MultiPolygon) {
        let codes: &'static HashSet<&'static str> =
            Box::leak(Box::new(codes.iter().copied().collect()));
        let land = Land::new(
            |c| (445_000.0..455_000.0).contains(&c.x) && (190_000.0..210_000.0).contains(&c.y),
            codes,
        );
        let oxford = MultiPolygon::new(vec![polygon![
            (x: 445_000., y: 200_000.), (x: 455_000., y: 200_000.),
            (x: 455_000., y: 210_000.), (x: 445_000., y: 210_000.)
        ]]);
        let vale = MultiPolygon::new(vec![polygon![
            (x: 445_000., y: 190_000.), (x: 455_000., y: 190_000.),
            (x: 455_000., y: 200_000.), (x: 445_000., y: 200_000.)
        ]]);
        (land, oxford, vale)
    }

    fn squares() -> (Land<'static>, MultiPolygon, MultiPolygon) {
        squares_coded(&[])
    }

    #[test]
    fn shares_are_measured_over_each_district() {
        let (land, _, _) = squares();
        let b = built_in().unwrap();
        let share = |code| land.share(b, district(code));
        // Most of Oxford, a fifth of the Vale, a sliver of South Oxfordshire, none of Cherwell.
        assert!(
            (0.75..0.9).contains(&share("E07000178")),
            "{}",
            share("E07000178")
        );
        assert!(
            (OUTSIDE_SHARE..0.3).contains(&share("E07000180")),
            "{}",
            share("E07000180")
        );
        assert!(share("E07000179") < OUTSIDE_SHARE, "{}", share("E07000179"));
        assert_eq!(share("E07000177"), 0.0);
    }

    #[test]
    fn each_rule_decides_its_case() {
        let (land, oxford, vale) = squares();
        let across = |x: f64, y: f64, nearest: &MultiPolygon| {
            land.across_border(Coord { x, y }, nearest)
                .map(Across::district)
        };
        // In South Oxfordshire, under a tenth of which the squares hold: across.
        assert_eq!(
            across(456_000., 205_000., &oxford).as_deref(),
            Some("South Oxfordshire (E07000179)")
        );
        // In Oxford, partly held, by the square's edge, which runs within 1 km of Oxford's
        // own: the same line drawn differently, so not across.
        assert_eq!(across(455_500., 206_000., &oxford), None);
        // In the Vale, partly held, west of the square, whose edge there runs through the
        // Vale's inside, further than a quarter of the square's 10 km sides from the Vale's
        // own edge: a border within the district, so across.
        assert_eq!(
            across(444_000., 195_000., &vale).as_deref(),
            Some("Vale of White Horse (E07000180)")
        );
        // At sea off Brighton: no built-in district at all.
        assert_eq!(across(531_000., 102_000., &oxford), None);
    }

    #[test]
    fn a_district_whose_code_is_given_is_in_the_study_area() {
        // The same point west of the Vale square, with the squares coded as the districts
        // they stand for: the Vale is given, so the point is not across a border from it.
        let (land, _, vale) = squares_coded(&["E07000178", "E07000180"]);
        assert_eq!(
            land.across_border(
                Coord {
                    x: 444_000.,
                    y: 195_000.
                },
                &vale
            ),
            None
        );
        // South Oxfordshire is still not.
        assert!(land
            .across_border(
                Coord {
                    x: 456_000.,
                    y: 205_000.
                },
                &vale
            )
            .is_some());
    }

    #[test]
    fn a_district_the_boundaries_nearly_wholly_hold_is_taken_in() {
        // All of Oxford but its eastern 800 m: the share is over nine tenths, so a point in the
        // strip left out is in a district the study area takes in, whatever the line nearest.
        let b = built_in().unwrap();
        let oxford = district("E07000178");
        let cut = b.geometry[oxford].bounding_rect().unwrap().max().x - 800.0;
        let codes = HashSet::new();
        let land = Land::new(|c| b.index.locate(c) == Some(oxford) && c.x < cut, &codes);
        assert!(
            land.share(b, oxford) >= INSIDE_SHARE,
            "{}",
            land.share(b, oxford)
        );
        let strip = (0..2000)
            .map(|i| Coord {
                x: cut + 400.0,
                y: 195_000.0 + i as f64 * 10.0,
            })
            .find(|c| b.index.locate(*c) == Some(oxford))
            .expect("a point of Oxford east of the cut");
        let far_line = MultiPolygon::new(vec![polygon![
            (x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.)
        ]]);
        assert_eq!(land.across_border(strip, &far_line), None);
    }

    #[test]
    fn the_built_in_codes_are_the_built_in_boundaries_codes() {
        let b = built_in().unwrap();
        let mut from_boundaries: Vec<&str> = b.names.iter().map(|(c, _)| c.as_str()).collect();
        from_boundaries.sort_unstable();
        assert_eq!(built_in_codes(), from_boundaries.as_slice());
        assert_eq!(built_in_codes().len(), 361);
    }

    #[test]
    fn coarse_boundaries_may_stray_further_from_the_line() {
        let square = |side: f64| {
            MultiPolygon::new(vec![polygon![
                (x: 0., y: 0.), (x: side, y: 0.), (x: side, y: side), (x: 0., y: side)
            ]])
        };
        // Four 10 km sides: 2.5 km; 1 km sides would give 250 m, below the floor.
        assert_eq!(edge_tolerance(&square(10_000.)), 2_500.);
        assert_eq!(edge_tolerance(&square(1_000.)), EDGE_TOLERANCE_M);
    }
}
