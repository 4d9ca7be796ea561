//! Point demand: the area holding each point of a CSV, the nearest team and how far it is,
//! streamed so that all 2.7 million UK postcodes go through in bounded memory.
//!
//! How a point is placed:
//! - latitude/longitude is located on the areas' WGS84 geometry (the boundaries as
//!   published), so no transformation is needed for containment; easting/northing is
//!   located on the British National Grid geometry;
//! - a point exactly on a boundary shared by two areas goes to the first in code order
//!   (see [`AreaIndex::locate`]); a point outside every area gets no area;
//! - the distance to the nearest team is 0 when the point's area is covered, else the
//!   straight-line distance on British National Grid to the nearest edge of a covered
//!   area (ties to the area first in code order); the team is the first counted team in
//!   list order that covers that area, as in `covgap run`.
//!
//! Chunks of whole records are parsed and assigned in parallel (rayon) and written in input
//! order; no result depends on the number of threads or on where chunks are cut.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;

use geo::{Coord, MultiPolygon};
use rayon::prelude::*;

use crate::coverage::Coverage;
use crate::crs::{self, Crs, Wgs84ToBng};
use crate::error::{Diagnostics, Error, Place, Result, Severity};
use crate::index::{AreaIndex, CellMap, EdgeCache, EdgeIndex};
use crate::model::{Nation, Study};
use crate::read::points::{Chunk, Chunker, PointColumns, PointGiven, PointLayout};
use crate::read::postcodes::{lookup_postcodes, postcode_key, Found, Outcodes};
use crate::read::teams::{locations_disagree_at, BaseGiven};
use crate::read::text::open_stream;
use crate::read::Input;
use crate::write::tables::csv_field;

/// The answer for one point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assignment {
    /// Index into the study's areas of the area holding the point.
    pub area: Option<usize>,
    /// The nearest counted team (index into the study's teams) and the distance in metres.
    pub nearest: Option<(usize, f64)>,
}

/// Side of a containment cache cell, degrees.
const CELL_DEG: f64 = 0.01;

/// Per-worker caches for [`Assigner`]: nearest-edge candidates per 2 km cell, and the
/// district of every 0.01-degree cell no boundary crosses (`None` for cells that need the
/// exact test).
pub struct Cache<'a> {
    edges: EdgeCache<'a>,
    cells: CellMap<Option<Option<usize>>>,
}

/// Everything needed to assign points, built once from an analysed study.
pub struct Assigner<'a> {
    study: &'a Study,
    /// Per area: the first counted team covering it.
    first_team: Vec<Option<usize>>,
    /// Per entry of `covered_edges`: the team it is measured to for
    /// ([`Study::distance_targets`]).
    target_team: Vec<usize>,
    /// The entries of `covered_edges` outside the areas given, when there are any.
    outside: Option<AreaIndex>,
    wgs84: AreaIndex,
    /// Every district edge on WGS84, to tell which cache cells no boundary crosses.
    wgs84_edges: EdgeIndex,
    bng: AreaIndex,
    covered_edges: EdgeIndex,
    to_bng: Wgs84ToBng,
}

impl<'a> Assigner<'a> {
    /// # Examples
    /// ```
    /// use covgap::{analyse_inputs, assign::Assigner, error::Diagnostics, load::Inputs};
    /// let a = analyse_inputs(&Inputs::default(), &mut Diagnostics::new()).unwrap();
    /// let assigner = Assigner::new(&a.study, &a.coverage);
    /// // Birmingham city centre.
    /// let r = assigner.at_lonlat(geo::coord! { x: -1.8904, y: 52.4862 });
    /// assert_eq!(a.study.areas[r.area.unwrap()].name, "Birmingham");
    /// ```
    pub fn new(study: &'a Study, coverage: &Coverage) -> Self {
        let first_team: Vec<Option<usize>> = coverage
            .areas
            .iter()
            .map(|r| r.teams.first().copied())
            .collect();
        let all = |g: fn(&crate::model::Area) -> &MultiPolygon| -> Vec<(usize, MultiPolygon)> {
            study
                .areas
                .iter()
                .enumerate()
                .map(|(i, a)| (i, g(a).clone()))
                .collect()
        };
        let targets = &coverage.targets;
        let target_team: Vec<usize> = targets.iter().map(|t| t.team).collect();
        // Districts outside the areas given that counted teams serve: a point outside every
        // area given but inside one of them is 0 km from its team, as with the whole UK given.
        let outside: Vec<(usize, MultiPolygon)> = targets
            .iter()
            .enumerate()
            .filter(|(_, t)| t.outside)
            .map(|(j, t)| (j, t.geometry.clone()))
            .collect();
        let outside = (!outside.is_empty()).then(|| AreaIndex::new(outside));
        let covered: Vec<(usize, MultiPolygon)> = targets
            .iter()
            .enumerate()
            .map(|(j, t)| (j, t.geometry.clone()))
            .collect();
        let wgs84 = all(|a| &a.wgs84);
        Assigner {
            study,
            wgs84_edges: EdgeIndex::new(&wgs84),
            wgs84: AreaIndex::new(wgs84),
            bng: AreaIndex::new(all(|a| &a.bng)),
            covered_edges: EdgeIndex::new(&covered),
            first_team,
            target_team,
            outside,
            to_bng: Wgs84ToBng::new(),
        }
    }

    pub fn study(&self) -> &Study {
        self.study
    }

    fn finish(
        &self,
        area: Option<usize>,
        bng: impl FnOnce() -> Coord,
        cache: Option<&mut EdgeCache>,
    ) -> Assignment {
        if let Some(t) = area.and_then(|a| self.first_team[a]) {
            return Assignment {
                area,
                nearest: Some((t, 0.0)),
            };
        }
        let c = bng();
        if area.is_none() {
            if let Some(j) = self.outside.as_ref().and_then(|o| o.locate(c)) {
                return Assignment {
                    area,
                    nearest: Some((self.target_team[j], 0.0)),
                };
            }
        }
        let found = match cache {
            Some(cache) => cache.nearest_outside(c),
            None => self.covered_edges.nearest_outside(c),
        };
        let nearest = found.map(|(j, d)| (self.target_team[j], d));
        Assignment { area, nearest }
    }

    /// A cache for a run of nearby points (one worker's chunk); answers are the same with
    /// or without it.
    pub fn cache(&self) -> Cache<'_> {
        Cache {
            edges: self.covered_edges.cache(),
            cells: CellMap::default(),
        }
    }

    /// The district holding a WGS84 point, through the cache: a 0.01-degree cell that no
    /// district edge crosses has one answer for every point in it, found once.
    #[inline]
    fn locate_wgs84_cached(&self, c: Coord, cache: &mut Cache) -> Option<usize> {
        let key = (
            (c.x / CELL_DEG).floor() as i64,
            (c.y / CELL_DEG).floor() as i64,
        );
        let interior = *cache.cells.entry(key).or_insert_with(|| {
            // Widened a hair so the box holds every point whose key this is.
            let pad = 1e-9;
            let min = Coord {
                x: key.0 as f64 * CELL_DEG - pad,
                y: key.1 as f64 * CELL_DEG - pad,
            };
            let max = Coord {
                x: (key.0 + 1) as f64 * CELL_DEG + pad,
                y: (key.1 + 1) as f64 * CELL_DEG + pad,
            };
            if self.wgs84_edges.any_edge_meets(min, max) {
                None
            } else {
                Some(self.wgs84.locate(Coord {
                    x: (min.x + max.x) / 2.0,
                    y: (min.y + max.y) / 2.0,
                }))
            }
        });
        match interior {
            Some(area) => area,
            None => self.wgs84.locate(c),
        }
    }

    /// [`Assigner::at_lonlat`] through a cache.
    #[inline]
    pub fn at_lonlat_cached(&self, c: Coord, cache: &mut Cache) -> Assignment {
        let area = self.locate_wgs84_cached(c, cache);
        self.finish(area, || self.to_bng.apply(c), Some(&mut cache.edges))
    }

    /// [`Assigner::at_bng`] through a cache.
    #[inline]
    pub fn at_bng_cached(&self, c: Coord, cache: &mut Cache) -> Assignment {
        let area = self.bng.locate(c);
        self.finish(area, || c, Some(&mut cache.edges))
    }

    /// The district nearest a British National Grid point and the distance in metres, for
    /// points outside every district.
    pub fn nearest_area_bng(&self, c: Coord) -> Option<(usize, f64)> {
        self.bng.nearest(c)
    }

    /// The district holding a British National Grid point, if any.
    pub fn district_at_bng(&self, c: Coord) -> Option<usize> {
        self.bng.locate(c)
    }

    /// The answer for a point taken to be in district `area` (a coastal point put in the
    /// nearest district): 0 when that district is covered, else measured from `c` (BNG).
    pub fn in_district(&self, area: usize, c: Coord) -> Assignment {
        self.finish(Some(area), || c, None)
    }

    /// Assigns a WGS84 longitude/latitude (degrees).
    #[inline]
    pub fn at_lonlat(&self, c: Coord) -> Assignment {
        let area = self.wgs84.locate(c);
        self.finish(area, || self.to_bng.apply(c), None)
    }

    /// Assigns a British National Grid easting/northing (metres).
    #[inline]
    pub fn at_bng(&self, c: Coord) -> Assignment {
        let area = self.bng.locate(c);
        self.finish(area, || c, None)
    }
}

/// A points file and how to read it: what `covgap assign` and `covgap check --points` share.
#[derive(Debug, Clone, Default)]
pub struct PointsInput {
    pub points: PathBuf,
    pub columns: PointColumns,
    /// ONS Postcode Directory for points given only by postcode.
    pub postcodes: Option<PathBuf>,
    /// Worker threads; `None` for one per core. Never more are started than the chunks worked
    /// on at once (see [`PointsInput::chunk_bytes`]).
    pub threads: Option<usize>,
    /// Bytes per chunk handed to a worker (results never depend on it).
    pub chunk_bytes: usize,
    /// The sheet to read when the points are a workbook (`--points-sheet`); found by its
    /// header when `None`.
    pub sheet: Option<String>,
}

/// How the input for `covgap assign` is read and where results go.
#[derive(Debug, Clone, Default)]
pub struct AssignPlan {
    pub input: PointsInput,
    pub out_csv: PathBuf,
    pub out_geojson: Option<PathBuf>,
    /// The other input files (boundaries, teams, ...), which no output may replace; the points
    /// and the postcode directory are never replaced either.
    pub inputs: Vec<PathBuf>,
    /// Input columns copied to the output, by name; `None` for all of them.
    pub keep_columns: Option<Vec<String>>,
}

/// How a point was located, for the `located_by` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LocatedBy {
    LatitudeLongitude,
    EastingNorthing,
    Postcode,
    PostcodeDistrict,
}

impl LocatedBy {
    pub fn key(self) -> &'static str {
        match self {
            LocatedBy::LatitudeLongitude => "latitude_longitude",
            LocatedBy::EastingNorthing => "easting_northing",
            LocatedBy::Postcode => "postcode",
            LocatedBy::PostcodeDistrict => "postcode_district",
        }
    }
}

/// Counts for the run report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssignStats {
    pub rows: u64,
    /// Rows located, by how.
    pub located: HashMap<LocatedBy, u64>,
    /// Located rows inside an area.
    pub in_area: u64,
    /// Located rows in a covered area.
    pub covered: u64,
    /// Rows that could not be located, with the first few (line, reason).
    pub not_located: u64,
    pub examples: Vec<(u64, String)>,
    /// Lines of the first few located rows that fall inside no area (at sea, or off a
    /// generalised coastline).
    pub outside: Vec<u64>,
    /// Rows whose easting and northing are stated to be on one of Northern Ireland's grids
    /// but fall in an area of Great Britain (most likely British National Grid figures given
    /// the wrong grid), with the first few (line, what the row states and where it falls).
    pub irish_grid_elsewhere: u64,
    pub irish_grid_examples: Vec<(u64, String)>,
    /// Rows whose grid covgap does not know ([`PointGiven::Refused`]), with the first few
    /// (line, message naming the column and the value): counted by `check --points`, which
    /// lists every problem of the file; `assign` stops at the first.
    pub grid_not_known: u64,
    pub grid_not_known_examples: Vec<(u64, String)>,
    /// Rows placed by their latitude and longitude whose easting and northing, given too, are
    /// more than [`crate::crs::LOCATIONS_DISAGREE_M`] away, with the first few (line, message).
    pub locations_disagree: u64,
    pub locations_disagree_examples: Vec<(u64, String)>,
    /// The workbook sheet the points were read from, when they were (rows are then the
    /// sheet's, as Excel numbers them).
    pub sheet: Option<PointsSheet>,
}

/// The sheet of a workbook the points were read from ([`crate::read::figures::sheet_as_csv`]).
#[derive(Debug, Clone, PartialEq)]
pub struct PointsSheet {
    pub name: String,
    /// The header's row, as Excel numbers rows.
    pub header_row: u64,
    /// Whether the workbook hides it (no visible sheet had a points header).
    pub hidden: bool,
    /// Whether it was named with `--points-sheet` rather than found by its header.
    pub named: bool,
}

/// A row of the points as messages name it: the sheet's row `n` when they are a workbook's,
/// else line `n` of the CSV.
fn row_place(by_row: bool, n: u64) -> Place {
    if by_row {
        Place::Row(n)
    } else {
        Place::Line(n)
    }
}

impl PointsSheet {
    /// The points file as messages name it: `points.xlsx, sheet "Clients"`.
    pub fn source(&self, file: &str) -> String {
        format!("{file}, sheet {:?}", self.name)
    }
}

/// How many rows of each kind [`AssignStats`] keeps as examples: the first ones, in file order.
pub const MAX_EXAMPLES: usize = 10;

/// Adds `more` to `kept` up to [`MAX_EXAMPLES`] in all, keeping the first ones: the examples of
/// a later chunk of rows after an earlier one's.
fn keep_first<T>(kept: &mut Vec<T>, more: Vec<T>) {
    let room = MAX_EXAMPLES.saturating_sub(kept.len());
    kept.extend(more.into_iter().take(room));
}

impl AssignStats {
    fn merge(&mut self, o: AssignStats) {
        self.rows += o.rows;
        for (k, v) in o.located {
            *self.located.entry(k).or_default() += v;
        }
        self.in_area += o.in_area;
        self.covered += o.covered;
        self.not_located += o.not_located;
        keep_first(&mut self.examples, o.examples);
        keep_first(&mut self.outside, o.outside);
        self.irish_grid_elsewhere += o.irish_grid_elsewhere;
        keep_first(&mut self.irish_grid_examples, o.irish_grid_examples);
        self.locations_disagree += o.locations_disagree;
        keep_first(
            &mut self.locations_disagree_examples,
            o.locations_disagree_examples,
        );
        self.grid_not_known += o.grid_not_known;
        keep_first(&mut self.grid_not_known_examples, o.grid_not_known_examples);
    }

    pub fn located_total(&self) -> u64 {
        self.located.values().sum()
    }

    /// Located rows inside no area.
    pub fn outside_total(&self) -> u64 {
        self.located_total() - self.in_area
    }

    /// Lists the rows that found no area, as warnings on `source` (the points file), in line
    /// order: the first [`MAX_EXAMPLES`] not located, with the reason, the first located
    /// inside no area, and the first stated to be on Northern Ireland's grids that fall in
    /// Great Britain, and the first whose latitude/longitude and easting/northing disagree;
    /// then how many more of each there are. Rows on a grid covgap does not
    /// know (counted by `check --points` only) are listed the same way, as errors.
    ///
    /// # Examples
    /// ```
    /// use covgap::{assign::AssignStats, error::Diagnostics};
    /// let stats = AssignStats {
    ///     rows: 40,
    ///     not_located: 12,
    ///     examples: vec![(7, "no coordinates or postcode".into())],
    ///     ..Default::default()
    /// };
    /// let mut diag = Diagnostics::new();
    /// stats.report("p.csv", &mut diag);
    /// assert_eq!(diag.problems()[0].to_string(), "warning: p.csv, line 7: not located: no coordinates or postcode");
    /// assert_eq!(diag.problems()[1].to_string(), "warning: p.csv: 11 more rows not located (only the first is listed)");
    ///
    /// let stats = AssignStats {
    ///     rows: 40,
    ///     grid_not_known: 30,
    ///     grid_not_known_examples: vec![(3, "column \"crs\": \"3857\" is not a grid".into())],
    ///     ..Default::default()
    /// };
    /// let mut diag = Diagnostics::new();
    /// stats.report("p.csv", &mut diag);
    /// assert_eq!(diag.problems()[0].to_string(), "error: p.csv, line 3: column \"crs\": \"3857\" is not a grid");
    /// assert_eq!(diag.problems()[1].to_string(), "error: p.csv: 29 more rows on a grid covgap does not know (only the first is listed)");
    /// ```
    pub fn report(&self, source: &str, diag: &mut Diagnostics) {
        let file = source;
        let source = &match &self.sheet {
            Some(sheet) => sheet.source(file),
            None => file.to_string(),
        };
        if let Some(sheet) = &self.sheet {
            diag.note(
                file,
                None,
                format!(
                    "points read from sheet {:?}{}, whose header is row {}; rows named are the sheet's",
                    sheet.name,
                    if sheet.named {
                        " (named with --points-sheet)"
                    } else if sheet.hidden {
                        ", a hidden sheet (no visible sheet has latitude/longitude, easting/northing or postcode columns)"
                    } else {
                        ""
                    },
                    sheet.header_row
                ),
            );
        }
        let place = |n| row_place(self.sheet.is_some(), n);
        let mut listed: Vec<(u64, Severity, String)> = self
            .examples
            .iter()
            .map(|(line, why)| (*line, format!("not located: {why}")))
            .chain(self.outside.iter().map(|line| {
                (
                    *line,
                    "inside no area (at sea, or off the boundaries' generalised coastline): it gets a nearest team but no area".to_string(),
                )
            }))
            .chain(self.irish_grid_examples.iter().cloned())
            .chain(self.locations_disagree_examples.iter().cloned())
            .map(|(line, message)| (line, Severity::Warning, message))
            .chain(
                self.grid_not_known_examples
                    .iter()
                    .map(|(line, message)| (*line, Severity::Error, message.clone())),
            )
            .collect();
        listed.sort_by_key(|(line, ..)| *line);
        for (line, severity, message) in listed {
            diag.push(severity, source, Some(place(line)), message);
        }
        let rest = [
            (self.not_located, self.examples.len(), "not located"),
            (self.outside_total(), self.outside.len(), "inside no area"),
            (
                self.irish_grid_elsewhere,
                self.irish_grid_examples.len(),
                "stated to be on Northern Ireland's grids but in Great Britain",
            ),
            (
                self.locations_disagree,
                self.locations_disagree_examples.len(),
                "whose latitude/longitude and easting/northing are more than 1 km apart",
            ),
        ]
        .map(|(total, shown, what)| (total, shown, what, Severity::Warning));
        let errors = [(
            self.grid_not_known,
            self.grid_not_known_examples.len(),
            "on a grid covgap does not know",
            Severity::Error,
        )];
        for (total, shown, what, severity) in rest.into_iter().chain(errors) {
            let more = total.saturating_sub(shown as u64);
            if more > 0 {
                diag.push(
                    severity,
                    source,
                    None,
                    format!(
                        "{} more {} {what} (only {} listed)",
                        crate::write::thousands(more),
                        crate::write::plural(more as usize, "row", "rows"),
                        if shown == 1 {
                            "the first is".to_string()
                        } else {
                            format!("the first {shown} are")
                        },
                    ),
                );
            }
        }
    }
}

/// The names of the columns `assign` adds, as its CSV and GeoJSON give them: each of
/// [`ADDED_COLUMNS`], with `covgap_` put before it (again, if need be) while the input has a
/// column of that name, so no input column is overwritten or named twice.
///
/// # Examples
/// ```
/// use covgap::assign::added_names;
/// let headers = ["id".to_string(), "not_placed".into(), "covgap_not_placed".into()];
/// let names = added_names(&headers);
/// assert_eq!(names[0], "area_code");
/// assert_eq!(names[5], "covgap_covgap_not_placed");
/// ```
pub fn added_names(headers: &[String]) -> Vec<String> {
    ADDED_COLUMNS
        .iter()
        .map(|c| {
            let mut name = (*c).to_string();
            while headers.contains(&name) {
                name = format!("covgap_{name}");
            }
            name
        })
        .collect()
}

/// Columns `covgap assign` adds to each row. `not_placed` says why a row could not be placed
/// (blank when it was): the rest are then blank too.
pub const ADDED_COLUMNS: [&str; 6] = [
    "area_code",
    "area_name",
    "nearest_team",
    "nearest_team_km",
    "located_by",
    "not_placed",
];

/// Why a row given by postcode could not be placed, as its `not_placed` cell gives it (the
/// other reasons are [`PointGiven::Missing`]'s).
const NO_GRID_REFERENCE: &str = "postcode listed with no grid reference";
const NOT_IN_DIRECTORY: &str = "postcode not in the postcode directory";
const UNKNOWN_DISTRICT: &str = "postcode district not known";
const OUTSIDE_ONCE_PROJECTED: &str = "easting/northing outside the UK once projected";
const GRID_NOT_KNOWN: &str = "grid not known";

struct Ctx<'a, 'b> {
    assigner: &'b Assigner<'a>,
    /// The points file as messages name it (a workbook with its sheet).
    source: String,
    /// Whether the points are a workbook's rows, named as rows rather than lines.
    by_row: bool,
    layout: &'b PointLayout,
    /// Indices of the input columns copied to the output.
    keep: &'b [usize],
    found: &'b Found,
    outcodes: &'b Outcodes,
    /// Whether a postcode directory was given (then a postcode missing from it is not placed).
    have_directory: bool,
    /// Whether to write the output rows (`assign`) or only count (`check`).
    write: bool,
    /// Whether the rows go to a workbook (`--out` named `.xlsx`): then they are kept as cells
    /// ([`ChunkOut::rows`]) rather than written as CSV.
    xlsx: bool,
    geojson: bool,
    /// The added columns' names in the output ([`added_names`]), GeoJSON as CSV.
    added: Vec<String>,
}

struct ChunkOut {
    csv: Vec<u8>,
    /// The rows' cells with each row's line, when they go to a workbook.
    rows: Vec<(u64, Vec<String>)>,
    geojson: Vec<u8>,
    stats: AssignStats,
}

impl Ctx<'_, '_> {
    /// A row of the points as messages name it: a line of a CSV, a row of a workbook's sheet.
    fn place(&self, n: u64) -> Place {
        row_place(self.by_row, n)
    }

    /// Where a row's point is, in WGS84 or BNG, and how it was found; or why it cannot be
    /// placed, in the few words of the `not_placed` column (static: a row costs nothing to
    /// say it; [`Ctx::unplaced_message`] words it in full for the rows listed).
    fn locate(
        &self,
        given: &PointGiven,
    ) -> std::result::Result<(Coord, bool, LocatedBy), &'static str> {
        match given {
            PointGiven::LonLat(x, y) => {
                Ok((Coord { x: *x, y: *y }, false, LocatedBy::LatitudeLongitude))
            }
            PointGiven::EastingNorthing(e, n, Crs::BritishNationalGrid) => {
                Ok((Coord { x: *e, y: *n }, true, LocatedBy::EastingNorthing))
            }
            PointGiven::EastingNorthing(e, n, grid) => match grid.to_bng(Coord { x: *e, y: *n }) {
                Ok(bng) if Crs::in_bng_uk_extent(bng) => {
                    Ok((bng, true, LocatedBy::EastingNorthing))
                }
                _ => Err(OUTSIDE_ONCE_PROJECTED),
            },
            PointGiven::Postcode(BaseGiven::Postcode(pc)) => {
                let key = postcode_key(pc);
                if let Some(&(x, y)) = self.found.located.get(&key) {
                    return Ok((Coord { x, y }, false, LocatedBy::Postcode));
                }
                let outward = pc.split(' ').next().unwrap_or("");
                if self.have_directory {
                    return Err(if self.found.unlocated.contains(&key) {
                        NO_GRID_REFERENCE
                    } else {
                        NOT_IN_DIRECTORY
                    });
                }
                match self.outcodes.get(outward) {
                    Some((x, y)) => Ok((Coord { x, y }, false, LocatedBy::PostcodeDistrict)),
                    None => Err(UNKNOWN_DISTRICT),
                }
            }
            PointGiven::Postcode(BaseGiven::PostcodeDistrict(d)) => match self.outcodes.get(d) {
                Some((x, y)) => Ok((Coord { x, y }, false, LocatedBy::PostcodeDistrict)),
                None => Err(UNKNOWN_DISTRICT),
            },
            PointGiven::Postcode(_) => Err("not a postcode"),
            PointGiven::Missing(why) => Err(why),
            // `process` refuses the file at such a row (`assign`), or counts it (`check`), before
            // locating it.
            PointGiven::Refused(_) => Err(GRID_NOT_KNOWN),
        }
    }

    /// Why a row could not be placed, in full for the warnings: the `reason` [`Ctx::locate`]
    /// gave, with the postcode or district the row gave.
    fn unplaced_message(given: &PointGiven, reason: &'static str) -> String {
        match given {
            PointGiven::Postcode(BaseGiven::Postcode(pc)) => match reason {
                NO_GRID_REFERENCE => {
                    format!("postcode {pc} is in the postcode directory with no grid reference")
                }
                NOT_IN_DIRECTORY => format!("postcode {pc} is not in the postcode directory"),
                UNKNOWN_DISTRICT => format!(
                    "postcode {pc}: district {} is not known",
                    pc.split(' ').next().unwrap_or("")
                ),
                _ => reason.to_string(),
            },
            PointGiven::Postcode(BaseGiven::PostcodeDistrict(d)) if reason == UNKNOWN_DISTRICT => {
                format!("{d} is not a known postcode district")
            }
            PointGiven::EastingNorthing(_, _, grid) if reason == OUTSIDE_ONCE_PROJECTED => format!(
                "easting/northing on {} outside British National Grid's UK extent once projected to it",
                grid.label()
            ),
            _ => reason.to_string(),
        }
    }

    /// An error when a field of `rec` (a row starting on `line`) took in rows of the file
    /// between two stray quotes ([`crate::read::text::rows_taken_in`]).
    fn rows_taken_in(&self, rec: &csv::ByteRecord, line: u64) -> Result<()> {
        let headers = &self.layout.headers;
        for (i, field) in rec.iter().enumerate() {
            let text = String::from_utf8_lossy(field);
            if let Some((lines_in, k)) = crate::read::text::rows_taken_in(&text, headers.len()) {
                let column = headers
                    .get(i)
                    .map(|h| format!(" (column {:?})", h.trim()))
                    .unwrap_or_default();
                return Err(Error::At {
                    input: self.source.clone(),
                    place: self.place(line),
                    message: format!(
                        "field {}{column} runs over {lines_in} lines, to line {}, and line {} within it reads as a row of the file: a stray quote (\") opening the field takes in the rows below it up to the next quote, and their points would be lost; remove the stray quote",
                        i + 1,
                        line + lines_in as u64 - 1,
                        line + k as u64,
                    ),
                });
            }
        }
        Ok(())
    }

    fn process(&self, chunk: &Chunk) -> Result<ChunkOut> {
        // A quote left open makes one field of the rest of the file: its rows would be written
        // as one unplaced row. Only the last chunk can hold one (each other ends outside quotes).
        if let Some(q) = crate::read::text::quote_left_open(&chunk.bytes, chunk.first_line) {
            return Err(q.error(&self.source, &self.layout.headers, "points"));
        }
        let study = self.assigner.study;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&chunk.bytes[..]);
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(Vec::with_capacity(if self.write {
                chunk.bytes.len() * 3 / 2
            } else {
                0
            }));
        let mut geo = Vec::new();
        let mut rows = Vec::new();
        let mut stats = AssignStats::default();
        let mut rec = csv::ByteRecord::new();
        let mut km = String::new();
        let mut cache = self.assigner.cache();
        let mut near: Option<NearBng> = None;
        // Lines counted from the chunk's own bytes (the csv crate's count lags after CRLF).
        let mut lines = crate::read::text::Lines::new(&chunk.bytes);
        loop {
            let more = reader.read_byte_record(&mut rec).map_err(|e| Error::At {
                input: self.source.clone(),
                place: self
                    .place(chunk.first_line + lines.clone().of(e.position()).saturating_sub(1)),
                message: format!("is not readable as CSV: {e}"),
            })?;
            if !more {
                break;
            }
            let line = chunk.first_line + lines.of(rec.position()) - 1;
            // Two stray quotes, one opening a field and another rows further down, make one
            // row of the rows between, whose points would be lost: an error, as a quote left
            // open is. A field typed over two lines (a note) passes.
            if rec.as_slice().contains(&b'\n') {
                self.rows_taken_in(&rec, line)?;
            }
            stats.rows += 1;
            let given = self.layout.point(&rec);
            if let PointGiven::Refused(why) = given {
                // `assign` writes every row, so it stops at the first; `check` lists them all.
                if self.write {
                    return Err(Error::At {
                        input: self.source.clone(),
                        place: self.place(line),
                        message: format!("{why} (covgap check --points lists every such row)"),
                    });
                }
                stats.grid_not_known += 1;
                if stats.grid_not_known_examples.len() < MAX_EXAMPLES {
                    stats.grid_not_known_examples.push((line, why));
                }
                continue;
            }
            // Latitude/longitude place the row; an easting/northing given too must agree. Most
            // plainly do (the postcode directory gives both for every row), told by a linear
            // map near the point; only the rest are projected and measured.
            if let PointGiven::LonLat(x, y) = given {
                let c = Coord { x, y };
                let plainly_agree = |e: f64, n: f64, grid: Crs, near: &mut Option<NearBng>| {
                    if grid != Crs::BritishNationalGrid {
                        return false;
                    }
                    if !near.as_ref().is_some_and(|m| m.covers(c)) {
                        *near = Some(NearBng::new(&self.assigner.to_bng, c));
                    }
                    let a = near.as_ref().expect("set above").apply(c);
                    (a.x - e).hypot(a.y - n) < crs::LOCATIONS_DISAGREE_M / 2.0
                };
                if let Some(message) = self
                    .layout
                    .easting_northing_too(&rec)
                    .filter(|&(e, n, grid)| !plainly_agree(e, n, grid, &mut near))
                    .and_then(|(e, n, grid)| locations_disagree_at(x, y, e, n, grid))
                {
                    stats.locations_disagree += 1;
                    if stats.locations_disagree_examples.len() < MAX_EXAMPLES {
                        stats.locations_disagree_examples.push((line, message));
                    }
                }
            }
            let (result, by, at, unplaced) = match self.locate(&given) {
                Ok((c, is_bng, by)) => {
                    let r = if is_bng {
                        self.assigner.at_bng_cached(c, &mut cache)
                    } else {
                        self.assigner.at_lonlat_cached(c, &mut cache)
                    };
                    *stats.located.entry(by).or_default() += 1;
                    if r.area.is_some() {
                        stats.in_area += 1;
                    } else if stats.outside.len() < MAX_EXAMPLES {
                        stats.outside.push(line);
                    }
                    if r.nearest.is_some_and(|(_, d)| d == 0.0) {
                        stats.covered += 1;
                    }
                    if let (PointGiven::EastingNorthing(_, _, grid), Some(a)) = (&given, r.area) {
                        let a = &study.areas[a];
                        if grid.is_irish()
                            && !matches!(a.nation, Nation::NorthernIreland | Nation::Unknown)
                        {
                            stats.irish_grid_elsewhere += 1;
                            if stats.irish_grid_examples.len() < MAX_EXAMPLES {
                                stats.irish_grid_examples.push((line, format!(
                                    "the easting and northing are stated to be on {}, but lie in {} ({}, {}), not Northern Ireland: are they on British National Grid?",
                                    grid.label(), a.name, a.code, a.nation.name()
                                )));
                            }
                        }
                    }
                    (Some(r), Some(by), Some((c, is_bng)), "")
                }
                Err(why) => {
                    stats.not_located += 1;
                    if stats.examples.len() < MAX_EXAMPLES {
                        stats
                            .examples
                            .push((line, Self::unplaced_message(&given, why)));
                    }
                    (None, None, None, why)
                }
            };
            if !self.write {
                continue;
            }
            // The input's own cells too: the output is opened in spreadsheets.
            let mut cells = Vec::new();
            for &i in self.keep {
                let cell = input_cell(rec.get(i).unwrap_or(b""));
                if self.xlsx {
                    cells.push(cell.into_owned());
                } else {
                    w.write_field(csv_field(cell.as_bytes())).map_err(csv_err)?;
                }
            }
            let area = result.and_then(|r| r.area).map(|a| &study.areas[a]);
            let team = result.and_then(|r| r.nearest);
            km.clear();
            if let Some((_, d)) = team {
                write_km(&mut km, d);
            }
            let fields: [&str; 6] = [
                area.map_or("", |a| a.code.as_str()),
                area.map_or("", |a| a.name.as_str()),
                team.map_or("", |(t, _)| study.team_name(t)),
                &km,
                by.map_or("", |b| b.key()),
                unplaced,
            ];
            if self.xlsx {
                cells.extend(fields.iter().map(|f| f.to_string()));
                rows.push((line, cells));
            } else {
                for f in fields {
                    w.write_field(csv_field(f.as_bytes())).map_err(csv_err)?;
                }
                w.write_record(None::<&[u8]>).map_err(csv_err)?;
            }
            if self.geojson {
                geojson_feature(
                    &mut geo,
                    &self.layout.headers,
                    self.keep,
                    &rec,
                    at,
                    (&self.added, &fields),
                );
            }
        }
        Ok(ChunkOut {
            csv: w.into_inner().map_err(|e| csv_err(e.into_error().into()))?,
            rows,
            geojson: geo,
            stats,
        })
    }
}

/// British National Grid near a point, by a linear map fitted there: within 100 m over
/// [`NearBng::REACH`] degrees (a test holds it), enough to tell that a row's easting and
/// northing plainly agree with its latitude and longitude without projecting each row. The
/// postcode directory gives both for all 2.7 million rows, and a projection a row cost 0.75 s
/// of CPU time (280 ns each), against 2.8 s for all the rest of `assign`.
struct NearBng {
    origin: Coord,
    at: Coord,
    /// Metres per degree of longitude, and of latitude.
    per_lon: Coord,
    per_lat: Coord,
}

impl NearBng {
    /// Degrees of longitude or latitude from its origin over which the map is used.
    const REACH: f64 = 0.2;

    fn new(t: &Wgs84ToBng, origin: Coord) -> NearBng {
        let step = 0.01;
        let at = t.apply(origin);
        let moved = |dx: f64, dy: f64| {
            let p = t.apply(Coord {
                x: origin.x + dx,
                y: origin.y + dy,
            });
            Coord {
                x: (p.x - at.x) / step,
                y: (p.y - at.y) / step,
            }
        };
        NearBng {
            origin,
            at,
            per_lon: moved(step, 0.0),
            per_lat: moved(0.0, step),
        }
    }

    fn covers(&self, c: Coord) -> bool {
        (c.x - self.origin.x).abs() <= Self::REACH && (c.y - self.origin.y).abs() <= Self::REACH
    }

    fn apply(&self, c: Coord) -> Coord {
        let (dx, dy) = (c.x - self.origin.x, c.y - self.origin.y);
        Coord {
            x: self.at.x + self.per_lon.x * dx + self.per_lat.x * dy,
            y: self.at.y + self.per_lon.y * dx + self.per_lat.y * dy,
        }
    }
}

fn csv_err(e: csv::Error) -> Error {
    Error::Format {
        path: PathBuf::from("output"),
        message: e.to_string(),
    }
}

/// Kilometres to two decimals (10 m), without going through float formatting.
fn write_km(s: &mut String, metres: f64) {
    let tens = (metres / 10.0).round() as u64;
    let _ = write!(s, "{}.{:02}", tens / 100, tens % 100);
}

/// A cell of the points file as text: UTF-8, or Windows-1252 as Excel saves "CSV (Comma
/// delimited)" on a UK machine (`Ynys M\xF4n`), so that the outputs, which are UTF-8, hold
/// the letters the file holds rather than bytes a spreadsheet shows as `\u{fffd}`.
fn input_cell(cell: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(cell) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(cell)
                .0
        }
    }
}

fn geojson_feature(
    out: &mut Vec<u8>,
    headers: &[String],
    keep: &[usize],
    rec: &csv::ByteRecord,
    at: Option<(Coord, bool)>,
    (names, added): (&[String], &[&str; 6]),
) {
    let mut props = serde_json::Map::new();
    for &i in keep {
        let v = rec.get(i).unwrap_or(b"");
        props.insert(
            headers[i].clone(),
            serde_json::Value::String(input_cell(v).into_owned()),
        );
    }
    for ((k, name), v) in ADDED_COLUMNS.iter().zip(names).zip(added) {
        let value = match *k {
            "nearest_team_km" => v
                .parse::<f64>()
                .map(serde_json::Value::from)
                .unwrap_or(serde_json::Value::Null),
            _ if v.is_empty() => serde_json::Value::Null,
            _ => serde_json::Value::String(v.to_string()),
        };
        props.insert(name.clone(), value);
    }
    let lonlat = at.and_then(|(c, is_bng)| {
        if is_bng {
            crs::bng_to_wgs84(c).ok()
        } else {
            Some(c)
        }
    });
    let geometry = match lonlat {
        Some(c) => {
            serde_json::json!({"type": "Point", "coordinates": [crate::write::round(c.x, 6), crate::write::round(c.y, 6)]})
        }
        None => serde_json::Value::Null,
    };
    let f = serde_json::json!({"type": "Feature", "properties": props, "geometry": geometry});
    out.extend_from_slice(b",\n");
    out.extend_from_slice(serde_json::to_string(&f).expect("json").as_bytes());
}

/// A reader that counts the bytes taken from the file (compressed bytes for a gzip file),
/// for the progress bar.
struct Counting<R> {
    inner: R,
    count: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

fn read_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Read {
        path: path.to_path_buf(),
        source,
    }
}

/// The points file's records, read from the first after the header.
type PointsStream = BufReader<Box<dyn Read + Send>>;

/// A points workbook's sheet as CSV text, shared by `assign`'s two passes over the points
/// rather than copied for each.
type SheetText = std::sync::Arc<[u8]>;

/// Opens the points file: its header layout, a stream positioned at the first record, and
/// the sheet read when the file is a workbook (`workbook`, read once by [`points_sheet`]).
fn open_points(
    plan: &PointsInput,
    counter: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    workbook: Option<(SheetText, PointsSheet)>,
) -> Result<(PointLayout, PointsStream, Option<PointsSheet>)> {
    let path = &plan.points;
    let mut sheet = None;
    let stream: Box<dyn Read + Send> = match counter {
        _ if workbook.is_some() => {
            let (text, read) = workbook.expect("matched");
            if let Some(count) = counter {
                // The whole workbook is read: progress is at its end.
                let len = std::fs::metadata(path).map_or(0, |m| m.len());
                count.store(len, std::sync::atomic::Ordering::Relaxed);
            }
            sheet = Some(read);
            Box::new(std::io::Cursor::new(text))
        }
        Some(count) => {
            let file = std::fs::File::open(path).map_err(read_err(path))?;
            let counted = Counting { inner: file, count };
            let mut head = [0u8; 2];
            let mut br = BufReader::with_capacity(1 << 16, counted);
            let buf = br.fill_buf().map_err(read_err(path))?;
            let n = buf.len().min(2);
            head[..n].copy_from_slice(&buf[..n]);
            if head == [0x1f, 0x8b] {
                Box::new(flate2::bufread::MultiGzDecoder::new(br))
            } else {
                Box::new(br)
            }
        }
        None => open_stream(path)?,
    };
    let mut r = BufReader::with_capacity(1 << 20, stream);
    let mut header = Vec::new();
    r.read_until(b'\n', &mut header).map_err(read_err(path))?;
    if header.is_empty() {
        return Err(Error::Format {
            path: path.clone(),
            message: "is empty; expected a CSV with a header row".into(),
        });
    }
    crate::read::text::check_not_utf16(path, &header)?;
    // A workbook in a file is read as one before this; through a pipe it cannot be (its
    // parts are found by seeking), and read as CSV its bytes were "one field holding
    // semicolons".
    if header.starts_with(b"PK\x03\x04") || header.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(Error::Format {
            path: path.clone(),
            message: "is an Excel workbook (or another zip file) read through a pipe: covgap reads a workbook only from a file; give its path, or save the sheet as CSV".into(),
        });
    }
    if let Some(kind) = crate::read::text::markup_kind(&header) {
        return Err(crate::read::text::markup_error(path, kind));
    }
    let text = crate::read::text::decode(&header).0;
    let mut hr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match hr.records().next() {
        Some(Ok(rec)) => rec.iter().map(|s| s.trim().to_string()).collect(),
        _ => {
            return Err(Error::Format {
                path: path.clone(),
                message: "the header row is not readable as CSV".into(),
            })
        }
    };
    Ok((PointLayout::find(headers, &plan.columns, path)?, r, sheet))
}

/// Points in a workbook (`.xlsx`, `.xls` or `.ods`), as CSV text from the header down: the
/// first sheet with latitude/longitude, easting/northing or postcode columns (found by header
/// or named with the column flags) in one of its first 30 rows with anything in them, of the
/// visible sheets first ([`crate::read::figures::sheet_as_csv`]). A workbook with no such
/// sheet is an error naming its sheets and what the first sheet's first row lacks.
fn points_sheet(plan: &PointsInput) -> Result<(SheetText, PointsSheet)> {
    let path = &plan.points;
    let sheets = crate::read::figures::workbook_sheets(path)?;
    let layout = |cells: &[String]| {
        let headers = cells.iter().map(|c| c.trim().to_string()).collect();
        PointLayout::find(headers, &plan.columns, path)
    };
    // A header with two latitude columns, say, is the header: its error is given when the
    // sheet is read, as for a CSV, not "no sheet has latitude/longitude ... columns".
    let heads = |cells: &[String]| {
        let headers: Vec<String> = cells.iter().map(|c| c.trim().to_string()).collect();
        layout(cells).is_ok() || PointLayout::heads(&headers, &plan.columns)
    };
    let want = plan.sheet.as_deref();
    if let Some(s) = crate::read::figures::sheet_as_csv(path, &sheets, want, heads)? {
        let sheet = PointsSheet {
            name: s.name,
            header_row: s.header_row,
            hidden: s.hidden,
            named: want.is_some(),
        };
        return Ok((SheetText::from(s.text.into_bytes()), sheet));
    }
    let names = crate::read::figures::sheet_names(&sheets);
    // What the first row with anything in it lacks: of the sheet named, or else of the first
    // sheet a user sees.
    let first_row = |s: &'_ crate::read::figures::WorkbookSheet| {
        s.rows
            .iter()
            .find(|(_, c)| c.iter().any(|v| !v.trim().is_empty()))
            .map(|(n, cells)| (*n, cells.clone()))
    };
    let why = |cells: &[String]| match layout(cells) {
        Err(Error::Format { message, .. }) => message,
        Err(e) => e.to_string(),
        Ok(_) => unreachable!("no sheet looked at has a header"),
    };
    let what = "latitude/longitude, easting/northing or postcode columns";
    let message = match want {
        Some(want) => {
            let sheet = crate::read::figures::find_sheet(&sheets, want).expect("found above");
            match first_row(sheet) {
                None => format!("sheet {want:?} (--points-sheet) is empty"),
                Some((n, cells)) => format!(
                    "sheet {want:?} (--points-sheet) has no {what} in its first 30 rows; row {n}, the first with anything in it, {}",
                    why(&cells)
                ),
            }
        }
        None => {
            let first = [false, true].into_iter().find_map(|hidden| {
                sheets
                    .iter()
                    .filter(|s| s.hidden == hidden)
                    .find_map(|s| first_row(s).map(|r| (s, r)))
            });
            match first {
                None => format!(
                    "is a workbook with nothing in any sheet (sheets: {})",
                    names
                ),
                Some((sheet, (n, cells))) => format!(
                    "no sheet has {what} in its first 30 rows (sheets: {}); sheet {:?}, row {n}, the first with anything in it, {}",
                    names,
                    sheet.name,
                    why(&cells)
                ),
            }
        }
    };
    Err(Error::Format {
        path: path.clone(),
        message,
    })
}

/// Postcodes of rows that have no usable coordinates: the only ones the directory is needed
/// for. A first streaming pass over the points.
fn wanted_postcodes(
    plan: &PointsInput,
    workbook: Option<(SheetText, PointsSheet)>,
) -> Result<HashSet<String>> {
    let (layout, r, _) = open_points(plan, None, workbook)?;
    let mut wanted = HashSet::new();
    if layout.postcode.is_none() {
        return Ok(wanted);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(r);
    let mut rec = csv::ByteRecord::new();
    while reader
        .read_byte_record(&mut rec)
        .map_err(|e| Error::Format {
            path: plan.points.clone(),
            message: format!("is not readable as CSV: {e}"),
        })?
    {
        if let PointGiven::Postcode(BaseGiven::Postcode(pc)) = layout.point(&rec) {
            wanted.insert(postcode_key(&pc));
        }
    }
    Ok(wanted)
}

/// A file written next to its final name and renamed into place when complete.
struct Staged {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl Staged {
    fn new(path: &Path) -> Result<Staged> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let werr = |source| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(werr)?;
        let tmp = crate::write::staging_file(path).map_err(werr)?;
        Ok(Staged {
            tmp,
            path: path.to_path_buf(),
        })
    }

    fn commit(self) -> Result<PathBuf> {
        let werr = |source| Error::Write {
            path: self.path.clone(),
            source,
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            self.tmp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
                .map_err(werr)?;
        }
        crate::write::put_in_place(self.tmp, &self.path).map_err(werr)?;
        Ok(self.path)
    }
}

/// Progress as the bytes of the input file read so far.
pub trait Progress: Sync {
    fn set(&self, bytes_read: u64);
}

impl Progress for () {
    fn set(&self, _: u64) {}
}

/// A points file opened for streaming, with everything reading its rows needs: the worker
/// threads asked for, the header's layout, the postcodes looked up in the directory and the
/// postcode districts' centroids.
struct OpenPoints {
    /// Worker threads asked for (`--threads`; `None` for one per core).
    threads: Option<usize>,
    layout: PointLayout,
    found: Found,
    outcodes: Outcodes,
    /// Bytes taken from the file so far, for progress.
    counter: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// The sheet read, when the points are a workbook's.
    sheet: Option<PointsSheet>,
}

impl OpenPoints {
    /// Opens the file; the stream it returns is positioned at the first record.
    fn open(input: &PointsInput) -> Result<(OpenPoints, PointsStream)> {
        // A workbook is read whole, once, into the CSV text both passes read.
        let workbook = if crate::read::figures::is_workbook(&Input::File(input.points.clone())) {
            Some(points_sheet(input)?)
        } else if let Some(sheet) = &input.sheet {
            return Err(Error::Format {
                path: input.points.clone(),
                message: format!(
                    "--points-sheet {sheet:?} was given but this is not a workbook (.xlsx, .xls or .ods); it is read as CSV, which has no sheets"
                ),
            });
        } else {
            None
        };
        let found = match &input.postcodes {
            Some(dir) => {
                let wanted = wanted_postcodes(input, workbook.clone())?;
                if wanted.is_empty() {
                    Found::default()
                } else {
                    lookup_postcodes(dir, &wanted)?
                }
            }
            None => Found::default(),
        };
        let outcodes = Outcodes::read(&crate::builtin::outcodes())?;
        let counter = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (layout, stream, sheet) = open_points(input, Some(counter.clone()), workbook)?;
        Ok((
            OpenPoints {
                threads: input.threads,
                layout,
                found,
                outcodes,
                counter,
                sheet,
            },
            stream,
        ))
    }

    fn ctx<'a, 'b>(
        &'b self,
        assigner: &'b Assigner<'a>,
        input: &'b PointsInput,
        keep: &'b [usize],
        write: bool,
        geojson: bool,
    ) -> Ctx<'a, 'b> {
        Ctx {
            assigner,
            source: match &self.sheet {
                Some(sheet) => sheet.source(&input.points.display().to_string()),
                None => input.points.display().to_string(),
            },
            by_row: self.sheet.is_some(),
            layout: &self.layout,
            keep,
            found: &self.found,
            outcodes: &self.outcodes,
            have_directory: input.postcodes.is_some(),
            write,
            xlsx: false,
            geojson,
            added: added_names(&self.layout.headers),
        }
    }
}

/// Chunks worked on at once: a batch of them is read, then processed in parallel.
const BATCH: usize = 8;

/// The worker threads for `chunks` chunks at once: as many as asked for (`None`: one per
/// core, at least 1), but never more than the chunks, since each chunk is one thread's work
/// and a thread with none only costs time and memory (10,000 idle workers took minutes and a
/// gigabyte to start and stop).
fn worker_threads(asked: Option<usize>, chunks: usize) -> usize {
    let asked =
        asked.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    asked.min(chunks).max(1)
}

/// Streams the records of `stream` through `ctx`: chunks of whole records are read on one
/// thread, processed in batches on a pool of [`worker_threads`] for the first batch, and
/// handed in input order, one by one, to `sink` on another thread (so writing overlaps the
/// next batch). Returns the merged counts.
fn stream_chunks(
    ctx: &Ctx,
    open: &OpenPoints,
    stream: PointsStream,
    input: &PointsInput,
    progress: &dyn Progress,
    sink: &mut (dyn FnMut(ChunkOut) -> Result<()> + Send),
) -> Result<AssignStats> {
    let (counter, path) = (&open.counter, &input.points);
    // The line (or the sheet's row) of the first record: the one below the header.
    let first_line = open.sheet.as_ref().map_or(2, |s| s.header_row + 1);
    let chunk_bytes = if input.chunk_bytes == 0 {
        1 << 20
    } else {
        input.chunk_bytes
    };
    std::thread::scope(|scope| -> Result<AssignStats> {
        let (tx, rx) = sync_channel::<std::io::Result<Chunk>>(BATCH * 2);
        let reader = scope.spawn(move || {
            let mut chunker = Chunker::new(stream, chunk_bytes, first_line);
            loop {
                match chunker.next_chunk() {
                    Ok(Some(c)) => {
                        if tx.send(Ok(c)).is_err() {
                            return;
                        }
                    }
                    Ok(None) => return,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                }
            }
        });
        let (wtx, wrx) = sync_channel::<Vec<ChunkOut>>(2);
        let writer = scope.spawn(move || -> Result<AssignStats> {
            let mut stats = AssignStats::default();
            for batch in wrx {
                for mut out in batch {
                    stats.merge(std::mem::take(&mut out.stats));
                    sink(out)?;
                }
            }
            Ok(stats)
        });
        let mut result = Ok(());
        let mut pool: Option<rayon::ThreadPool> = None;
        let mut batch: Vec<Chunk> = Vec::with_capacity(BATCH);
        let mut rx_iter = rx.into_iter();
        loop {
            batch.clear();
            for c in rx_iter.by_ref() {
                match c {
                    Ok(c) => batch.push(c),
                    Err(e) => {
                        result = Err(read_err(path)(e));
                        break;
                    }
                }
                if batch.len() == BATCH {
                    break;
                }
            }
            if result.is_err() || batch.is_empty() {
                break;
            }
            // Made for the first batch: a short one is the whole file.
            if pool.is_none() {
                let built = rayon::ThreadPoolBuilder::new()
                    .num_threads(worker_threads(open.threads, batch.len()))
                    .build();
                match built {
                    Ok(p) => pool = Some(p),
                    Err(e) => {
                        result = Err(Error::Format {
                            path: PathBuf::from("--threads"),
                            message: e.to_string(),
                        });
                        break;
                    }
                }
            }
            let pool = pool.as_ref().expect("made above");
            let outs: Result<Vec<ChunkOut>> =
                pool.install(|| batch.par_iter().map(|c| ctx.process(c)).collect());
            progress.set(counter.load(std::sync::atomic::Ordering::Relaxed));
            match outs {
                Ok(o) => {
                    if wtx.send(o).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        drop(wtx);
        drop(rx_iter);
        let _ = reader.join();
        let written = writer.join().expect("writer thread");
        result?;
        let mut stats = written?;
        stats.sheet = open.sheet.clone();
        Ok(stats)
    })
}

/// Assigns every point in `plan.input.points` and writes the CSV (and GeoJSON when asked).
/// Returns the counts and the files written.
pub fn assign_file(
    assigner: &Assigner,
    plan: &AssignPlan,
    progress: &dyn Progress,
) -> Result<(AssignStats, Vec<PathBuf>)> {
    let input = &plan.input;
    let xlsx = out_is_workbook(&plan.out_csv)?;
    let (open, stream) = OpenPoints::open(input)?;
    let layout = &open.layout;
    let mut keep: Vec<usize> = match &plan.keep_columns {
        None => (0..layout.headers.len()).collect(),
        Some(names) => names
            .iter()
            .map(|n| {
                crate::read::columns::find_named(&layout.headers, n).ok_or_else(|| Error::Format {
                    path: input.points.clone(),
                    message: format!(
                        "--keep-columns {n:?} is not a column; the header has {}",
                        crate::read::columns::list(&layout.headers)
                    ),
                })
            })
            .collect::<Result<_>>()?,
    };
    // A column named twice (or in two casings) is kept once: twice would name two columns
    // alike.
    let mut seen = HashSet::new();
    keep.retain(|&i| seen.insert(i));
    let mut ctx = open.ctx(assigner, input, &keep, true, plan.out_geojson.is_some());
    ctx.xlsx = xlsx;

    // Writing over an input would replace the user's file with covgap's output.
    let inputs: Vec<PathBuf> = std::iter::once(&input.points)
        .chain(input.postcodes.as_ref())
        .chain(&plan.inputs)
        .cloned()
        .collect();
    for (flag, out) in std::iter::once(("--out", &plan.out_csv))
        .chain(plan.out_geojson.as_ref().map(|g| ("--geojson", g)))
    {
        // `--out /dev/null` to check a file would replace the device, run as root.
        crate::write::check_not_special(out)?;
        crate::write::check_not_an_input(out, &inputs, &format!("give {flag} another name"))?;
    }
    // Both outputs to one file would leave only the last, and the other silently missing.
    if let Some(g) = &plan.out_geojson {
        use crate::write::output_file_key;
        if output_file_key(g) == output_file_key(&plan.out_csv) {
            return Err(Error::Write {
                path: g.clone(),
                source: std::io::Error::other(
                    "--geojson and --out name the same file, so one output would replace the other: give each a name of its own",
                ),
            });
        }
    }
    let csv_file = Staged::new(&plan.out_csv)?;
    let geo_file = plan.out_geojson.as_deref().map(Staged::new).transpose()?;
    let mut csv_w = std::io::BufWriter::with_capacity(1 << 20, csv_file.tmp.as_file());
    let mut geo_w = geo_file
        .as_ref()
        .map(|g| std::io::BufWriter::with_capacity(1 << 20, g.tmp.as_file()));
    let werr = |p: &Path| {
        let p = p.to_path_buf();
        move |source| Error::Write { path: p, source }
    };

    // Header row.
    let added = added_names(&layout.headers);
    let headers: Vec<String> = keep
        .iter()
        .map(|&i| layout.headers[i].clone())
        .chain(added.iter().cloned())
        .collect();
    let xlsx_err = |line: Option<u64>, e: rust_xlsxwriter::XlsxError| {
        Error::Write {
        path: plan.out_csv.clone(),
        source: std::io::Error::other(match (line, e) {
            (Some(line), rust_xlsxwriter::XlsxError::RowColumnLimitError) => format!(
                "the points run past {} rows (at {}), as many as an Excel sheet holds below its header: write CSV (--out NAME.csv), which has no such limit",
                crate::write::thousands(crate::write::xlsx::SHEET_ROWS_BELOW_HEADER),
                ctx.place(line)
            ),
            (Some(line), e) => format!("the row at {}: {e}", ctx.place(line)),
            (None, e) => e.to_string(),
        }),
    }
    };
    let mut book = if xlsx {
        let km = keep.len()
            + ADDED_COLUMNS
                .iter()
                .position(|c| *c == "nearest_team_km")
                .expect("an added column");
        Some(
            crate::write::xlsx::RowsBook::new("points", &headers, &[km])
                .map_err(|e| xlsx_err(None, e))?,
        )
    } else {
        let mut header = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(b"\xEF\xBB\xBF".to_vec());
        header
            .write_record(headers.iter().map(|h| csv_field(h.as_bytes())))
            .map_err(csv_err)?;
        csv_w
            .write_all(&header.into_inner().expect("memory"))
            .map_err(werr(&plan.out_csv))?;
        None
    };
    if let (Some(g), Some(p)) = (geo_w.as_mut(), &plan.out_geojson) {
        let meta = crate::write::geojson::places_metadata(assigner.study);
        write!(
            g,
            "{{\"type\":\"FeatureCollection\",\"name\":\"points\",\"covgap\":{},\"features\":[",
            meta
        )
        .map_err(werr(p))?;
    }

    let out_csv = &plan.out_csv;
    let out_geo = &plan.out_geojson;
    let mut first_feature = true;
    let stats = stream_chunks(
        &ctx,
        &open,
        stream,
        input,
        progress,
        &mut |out: ChunkOut| -> Result<()> {
            match book.as_mut() {
                Some(book) => {
                    for (line, cells) in &out.rows {
                        book.row(cells).map_err(|e| xlsx_err(Some(*line), e))?;
                    }
                }
                None => csv_w.write_all(&out.csv).map_err(werr(out_csv))?,
            }
            if let (Some(g), Some(p)) = (geo_w.as_mut(), out_geo) {
                let body = if first_feature && !out.geojson.is_empty() {
                    first_feature = false;
                    &out.geojson[1..]
                } else {
                    &out.geojson[..]
                };
                g.write_all(body).map_err(werr(p))?;
            }
            Ok(())
        },
    )?;
    // Before anything is put in place: the staged files are removed unwritten.
    no_rows(&stats, input)?;
    csv_w.flush().map_err(werr(out_csv))?;
    drop(csv_w);
    if let Some(book) = book {
        book.save(csv_file.tmp.as_file())
            .map_err(|e| xlsx_err(None, e))?;
    }
    if let (Some(g), Some(p)) = (geo_w.as_mut(), out_geo) {
        g.write_all(b"\n]}\n").map_err(werr(p))?;
        g.flush().map_err(werr(p))?;
    }
    drop(geo_w);
    let mut paths = vec![csv_file.commit()?];
    if let Some(g) = geo_file {
        paths.push(g.commit()?);
    }
    Ok((stats, paths))
}

/// Whether `assign`'s `--out` is to be a workbook: named `.xlsx` (in any case). A name of
/// another spreadsheet format (`.xls`, `.xlsm`, `.ods`) is refused before the points are read:
/// CSV text under it would not open, and covgap writes no such format.
fn out_is_workbook(out: &Path) -> Result<bool> {
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("xlsx") => Ok(true),
        Some(other @ ("xls" | "xlsm" | "xlsb" | "ods")) => Err(Error::Write {
            path: out.to_path_buf(),
            source: std::io::Error::other(format!(
                "covgap writes points as CSV, or as an Excel workbook when --out ends in .xlsx, not as .{other}: name it .csv or .xlsx"
            )),
        }),
        _ => Ok(false),
    }
}

/// Reads and places every point in `input.points` exactly as [`assign_file`] does, streamed
/// in the same bounded memory, but writes nothing: for `covgap check --points`. The counts
/// keep the first rows not located and the first located inside no area
/// (see [`AssignStats::report`]).
pub fn check_file(
    assigner: &Assigner,
    input: &PointsInput,
    progress: &dyn Progress,
) -> Result<AssignStats> {
    let (open, stream) = OpenPoints::open(input)?;
    let ctx = open.ctx(assigner, input, &[], false, false);
    let stats = stream_chunks(&ctx, &open, stream, input, progress, &mut |_| Ok(()))?;
    no_rows(&stats, input)?;
    Ok(stats)
}

/// A points file with a header and no rows (a failed export, a filter that matched nothing) is
/// an error, as a team list or figures table with none is: an empty output, exit 0, would read
/// as every point placed.
fn no_rows(stats: &AssignStats, input: &PointsInput) -> Result<()> {
    if stats.rows > 0 {
        return Ok(());
    }
    Err(Error::Format {
        path: input.points.clone(),
        message: "has a header but no rows: it lists no points".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cell saved by Excel as Windows-1252 is read as the letters it holds; UTF-8 as it is.
    #[test]
    fn input_cells_in_windows_1252_are_read_as_their_letters() {
        assert_eq!(input_cell(b"Ynys M\xF4n \xA3"), "Ynys Môn £");
        assert_eq!(input_cell("Ynys Môn £".as_bytes()), "Ynys Môn £");
    }

    /// The linear map near a point stays within 100 m of the projection over its reach (72 m
    /// at worst, in the far west), from the Scillies to Shetland and from Northern Ireland to
    /// East Anglia: far within the half of [`crs::LOCATIONS_DISAGREE_M`] it is trusted for.
    #[test]
    fn the_linear_map_near_a_point_is_within_100_m_over_its_reach() {
        let t = Wgs84ToBng::new();
        let mut worst: f64 = 0.0;
        let mut lat = 49.9;
        while lat < 60.9 {
            let mut lon = -8.2;
            while lon < 1.8 {
                let origin = Coord { x: lon, y: lat };
                let near = NearBng::new(&t, origin);
                for (dx, dy) in [
                    (0.199, 0.199),
                    (-0.199, 0.199),
                    (0.199, -0.199),
                    (-0.199, -0.199),
                    (0.13, -0.07),
                ] {
                    let c = Coord {
                        x: lon + dx,
                        y: lat + dy,
                    };
                    assert!(near.covers(c));
                    let (a, b) = (near.apply(c), t.apply(c));
                    worst = worst.max((a.x - b.x).hypot(a.y - b.y));
                }
                lon += 0.5;
            }
            lat += 0.5;
        }
        assert!(worst < 100.0, "worst {worst} m");
    }

    #[test]
    fn no_more_workers_than_chunks() {
        assert_eq!(worker_threads(Some(10_000), 1), 1);
        assert_eq!(worker_threads(Some(10_000), BATCH), BATCH);
        assert_eq!(worker_threads(Some(3), BATCH), 3);
        assert_eq!(worker_threads(Some(0), 5), 1);
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(worker_threads(None, BATCH), cores.min(BATCH));
        assert_eq!(worker_threads(None, 1), 1);
    }

    #[test]
    fn kilometres_to_ten_metres() {
        let mut s = String::new();
        write_km(&mut s, 12_345.0);
        assert_eq!(s, "12.35");
        s.clear();
        write_km(&mut s, 4.0);
        assert_eq!(s, "0.00");
    }
}
