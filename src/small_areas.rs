//! Small-area demand: LSOAs, Data Zones or any small areas with a figure each, placed in
//! the districts, used to move each district's representative point to where its babies
//! live, and to count babies by distance to the nearest team.
//!
//! The rules:
//! - a small area's representative point is the point GEOS's `PointOnSurface` gives (see
//!   [`representative_point`]), as GeoPandas and QGIS compute it, the rule districts' points follow too; the small area belongs to the district holding that point (the first
//!   in code order on a shared boundary). A point outside every district but no more than
//!   [`COAST_TOLERANCE_M`] (2 km) from one (generalised coastlines cut off coastal small
//!   areas: the built-in districts leave 80 of the 41,729 LSOAs and Data Zones in
//!   ../shared/data outside, at most 0.32 km) goes to the nearest district, with a note,
//!   unless it lies across a land border: in a built-in district outside the study area (see
//!   [`crate::land`]), when it is left out as below;
//! - a small area whose point is further than that outside every district is not in the
//!   study area (small areas for another place than the districts): it is left out of every
//!   figure (bands, totals, weighted centroids), with a warning ([`SmallAreas::report_left_out`])
//!   and a note; when every small area is left out, that is an error;
//! - a district's representative point becomes the figure-weighted mean of its small areas'
//!   points on British National Grid (the way ONS builds population-weighted centroids).
//!   When that mean falls outside the district (a crescent-shaped district), or the
//!   district has no small areas or no figures, it keeps its interior point, with a note;
//! - a small area in a covered district is in the `covered` band. Otherwise its distance is
//!   measured on British National Grid from its representative point to the nearest edge of
//!   any covered district, and the band is: up to 10 km, over 10 up to 25, over 25 up to 50,
//!   over 50 (a distance exactly on a limit goes to the lower band).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use geo::{Contains, Coord, MapCoords, MultiPolygon, Point};
use rayon::prelude::*;
use serde::Serialize;

use crate::assign::Assigner;
use crate::coverage::Coverage;
use crate::crs::{self, Crs, Located, Wgs84ToBng};
use crate::error::{Diagnostics, Place, Result};
use crate::land::{Across, Land};
use crate::load::COAST_TOLERANCE_M;
use crate::model::{representative_point, Measure, Study};
use crate::read::boundaries::{read_boundaries_in, BoundaryOptions, FieldFlags};
use crate::read::figures::{
    read_figures_in, ColumnFlags, FigureOptions, AGE0_COLUMNS, BIRTHS_COLUMNS, CODE_COLUMNS,
};
use crate::read::Input;
use crate::write::plural;

/// What to read for small areas.
#[derive(Debug, Clone, Default)]
pub struct SmallAreaInputs {
    /// Polygon files (GeoJSON); several may be given, e.g. LSOAs and Data Zones.
    pub boundaries: Vec<PathBuf>,
    pub boundary_options: BoundaryOptions,
    /// Figure tables (CSV); their rows are matched to small areas of any of the files.
    pub figures: Vec<PathBuf>,
    pub figure_options: FigureOptions,
}

impl SmallAreaInputs {
    pub fn is_empty(&self) -> bool {
        self.boundaries.is_empty()
    }
}

/// Codes tried for small-area codes, in boundaries and tables.
pub const SMALL_CODE_FIELDS: &[&str] = &[
    "lsoa11_code",
    "lsoa11cd",
    "lsoa21_code",
    "lsoa21cd",
    "lsoa_code",
    "lsoacd",
    "lsoa",
    "dz11_code",
    "dz2011_code",
    "datazone",
    "datazone2011",
    "datazone2011code",
    "dz_code",
    "dzcode",
    "sdz21cd",
    "soa_code",
    "soacode",
    "oa11cd",
    "oa21cd",
    "code",
    "area_code",
    "areacode",
    "geography_code",
];
/// Names tried for small-area names in boundaries.
pub const SMALL_NAME_FIELDS: &[&str] = &[
    "lsoa11_name",
    "lsoa11nm",
    "lsoa21_name",
    "lsoa21nm",
    "lsoa_name",
    "lsoanm",
    "dz11_name",
    "dz2011_name",
    "datazone_name",
    "name",
    "area_name",
    "geography_name",
];

/// The distance bands, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// In a district some counted team covers.
    Covered,
    /// Up to 10 km from the nearest covered district.
    Within10Km,
    /// Over 10 up to 25 km.
    From10To25Km,
    /// Over 25 up to 50 km.
    From25To50Km,
    /// Over 50 km.
    Over50Km,
}

impl Band {
    pub const ALL: [Band; 5] = [
        Band::Covered,
        Band::Within10Km,
        Band::From10To25Km,
        Band::From25To50Km,
        Band::Over50Km,
    ];

    /// The band for a small area: `covered` when its district is covered, else by distance.
    ///
    /// # Examples
    /// ```
    /// use covgap::small_areas::Band;
    /// assert_eq!(Band::of(true, 0.0), Band::Covered);
    /// assert_eq!(Band::of(false, 10_000.0), Band::Within10Km);
    /// assert_eq!(Band::of(false, 10_000.1), Band::From10To25Km);
    /// assert_eq!(Band::of(false, 60_000.0), Band::Over50Km);
    /// ```
    pub fn of(district_covered: bool, metres: f64) -> Band {
        if district_covered {
            Band::Covered
        } else if metres <= 10_000.0 {
            Band::Within10Km
        } else if metres <= 25_000.0 {
            Band::From10To25Km
        } else if metres <= 50_000.0 {
            Band::From25To50Km
        } else {
            Band::Over50Km
        }
    }

    /// Property and column name.
    pub fn key(self) -> &'static str {
        match self {
            Band::Covered => "babies_covered",
            Band::Within10Km => "babies_within_10km",
            Band::From10To25Km => "babies_10_to_25km",
            Band::From25To50Km => "babies_25_to_50km",
            Band::Over50Km => "babies_over_50km",
        }
    }

    /// Words for tables.
    pub fn label(self) -> &'static str {
        match self {
            Band::Covered => "in a covered area",
            Band::Within10Km => "up to 10 km",
            Band::From10To25Km => "10-25 km",
            Band::From25To50Km => "25-50 km",
            Band::Over50Km => "over 50 km",
        }
    }
}

/// The figure summed by band.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Bands(pub [u64; 5]);

impl Bands {
    pub fn add(&mut self, band: Band, figure: u64) {
        self.0[band as usize] += figure;
    }

    pub fn get(&self, band: Band) -> u64 {
        self.0[band as usize]
    }

    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// The figure more than 25 km from the nearest covered district.
    pub fn beyond_25km(&self) -> u64 {
        self.get(Band::From25To50Km) + self.get(Band::Over50Km)
    }

    pub fn merge(&mut self, o: &Bands) {
        for (a, b) in self.0.iter_mut().zip(o.0) {
            *a += b;
        }
    }
}

/// How a small area was put in its district.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Placement {
    /// Its representative point is inside the district.
    Inside,
    /// Its point is outside every district, within [`COAST_TOLERANCE_M`] of the nearest;
    /// this far (metres) from it.
    Nearest(f64),
    /// Its point is more than [`COAST_TOLERANCE_M`] outside every district; this far
    /// (metres) from the nearest. It is in no district and counts in no figure.
    Outside(f64),
    /// Its point is outside every district, within [`COAST_TOLERANCE_M`] of the nearest (this
    /// far, metres), but beyond the boundaries given by the built-in districts: across a
    /// land border ([`crate::land`]). It is in no district and counts in no figure.
    AcrossBorder(f64, Across),
    /// No district at all (an empty study).
    Unplaced,
}

/// One small area, placed and measured.
#[derive(Debug, Clone)]
pub struct SmallArea {
    pub code: String,
    pub name: String,
    /// Index into [`SmallAreas::files`]: the polygon file it came from.
    pub file: usize,
    pub figure: Option<u64>,
    pub wgs84: MultiPolygon,
    pub point: Located,
    /// Index into the study's areas.
    pub district: Option<usize>,
    pub placement: Placement,
    /// Nearest counted team and the distance in metres (0 in a covered district).
    pub nearest: Option<(usize, f64)>,
    pub band: Option<Band>,
}

/// Where a district's representative point came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PointSource {
    /// The figure-weighted centroid of its small areas.
    WeightedCentroid,
    /// A point inside the district: it has no small areas with a figure.
    InteriorNoSmallAreas,
    /// A point inside the district: the weighted centroid fell outside it.
    InteriorCentroidOutside,
}

impl PointSource {
    pub fn key(self) -> &'static str {
        match self {
            PointSource::WeightedCentroid => "weighted_centroid",
            PointSource::InteriorNoSmallAreas => "interior_point",
            PointSource::InteriorCentroidOutside => "interior_point_centroid_outside",
        }
    }
}

/// Small areas, the district points they gave, and the band totals.
#[derive(Debug, Clone)]
pub struct SmallAreas {
    pub areas: Vec<SmallArea>,
    /// Per district, in the study's order.
    pub point_source: Vec<PointSource>,
    /// Per district: band totals, `None` when no small area lies in it.
    pub bands: Vec<Option<Bands>>,
    /// Per district split between ICBs, when some small area lies in it: its band totals by
    /// ICB, one per ICB part in the order of its parts (see [`crate::icb`]); empty otherwise.
    /// A small area goes to the ICB `data/icb_small_areas.csv` gives its code (LSOA 2011 or
    /// 2021), or, when its code is not there, is shared out as the district's figure is.
    pub icb_bands: Vec<Vec<(String, Bands)>>,
    /// Figure column(s) used, for reports.
    pub figure_columns: Vec<String>,
    /// Files read, for reports.
    pub sources: Vec<String>,
    /// The polygon files, as [`ReadSmallAreas::files`].
    pub files: Vec<String>,
    /// How each polygon file's coordinate system was decided, as [`ReadSmallAreas::crs`].
    pub crs: Vec<String>,
    /// The small areas more than [`COAST_TOLERANCE_M`] outside every district.
    pub left_out: LeftOut,
    /// Plain-words notes for the briefing (small areas left out, coastal placements,
    /// centroids kept, gaps).
    pub notes: Vec<String>,
}

/// The small areas left out: their point is more than [`COAST_TOLERANCE_M`] outside every
/// district, or nearer but across a land border.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeftOut {
    /// How many more than [`COAST_TOLERANCE_M`] outside every district.
    pub count: usize,
    /// The sum of their figures.
    pub babies: u64,
    /// The distance from the nearest district of the nearest and the furthest, in metres.
    pub nearest_m: f64,
    pub furthest_m: f64,
    /// Per polygon file (as [`SmallAreas::files`]): how many left out, of how many.
    pub per_file: Vec<(usize, usize)>,
    /// How many small areas, and babies, lie within [`COAST_TOLERANCE_M`] of a district but
    /// across a land border ([`Placement::AcrossBorder`]), and the built-in districts they lie
    /// in, as "Cotswold (E07000079)", sorted.
    pub across: (usize, u64),
    pub across_districts: Vec<String>,
    /// How many small areas, and babies, were put in the nearest district (within
    /// [`COAST_TOLERANCE_M`], and not across a land border): off a generalised coast.
    pub placed_nearest: (usize, u64),
}

/// Small areas as read, before placing.
#[derive(Debug, Clone)]
pub struct ReadSmallAreas {
    /// Code, name, figure, WGS84 polygons, representative point, and the index into `files`
    /// of the polygon file it came from.
    pub areas: Vec<(String, String, Option<u64>, MultiPolygon, Located, usize)>,
    pub figure_columns: Vec<String>,
    pub sources: Vec<String>,
    /// The polygon files, as named in messages.
    pub files: Vec<String>,
    /// How each polygon file's coordinate system was decided (stated in the file, and how, or
    /// told from its coordinates), in the order of `files`, for `run.json`.
    pub crs: Vec<String>,
}

/// A small area as read: code, name, WGS84 geometry, representative point, feature number.
type PointedArea = (String, String, MultiPolygon, Located, usize);

/// Reads the small-area polygons and figures. Record-level problems go to `diag`.
pub fn read(
    inputs: &SmallAreaInputs,
    measure: Measure,
    diag: &mut Diagnostics,
) -> Result<ReadSmallAreas> {
    let mut raw = Vec::new();
    let mut sources = Vec::new();
    let mut files = Vec::new();
    let mut crs_read = Vec::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    for path in &inputs.boundaries {
        let input = Input::File(path.clone());
        let label = input.label();
        let file = files.len();
        files.push(label.clone());
        let b = read_boundaries_in(
            &input,
            &inputs.boundary_options,
            SMALL_CODE_FIELDS,
            SMALL_NAME_FIELDS,
            FieldFlags {
                code: "--small-area-code-field",
                name: "--small-area-name-field",
                choose_layer: "small areas have no layer flag (--layer chooses the districts' layer): save the layer you want as its own file, e.g. with ogr2ogr",
            },
            diag,
        )?;
        // Irish Grid numbers with no system stated, and other grids, as for the districts.
        crate::load::which_grid(&b, &input, &label, diag)?;
        sources.push(format!(
            "{label} ({} small areas; {})",
            b.areas.len(),
            b.crs.label()
        ));
        crs_read.push(b.crs_reason.clone());
        let to_bng = Wgs84ToBng::new();
        let placed: Vec<Result<Option<PointedArea>>> = b
            .areas
            .into_par_iter()
            .map(|a| {
                let (wgs84, point) = match b.crs {
                    Crs::Wgs84 => {
                        // The point on surface of the area on the grid, as for the districts
                        // and as GeoPandas and QGIS find it on EPSG:27700: found in degrees
                        // instead, it can lie kilometres away (or in another district), and
                        // the same areas saved on the grid would give other figures.
                        let bng = a.geometry.map_coords(|c| to_bng.apply(c));
                        let Some(p) = representative_point(&bng) else {
                            return Ok(None);
                        };
                        (a.geometry, Located::from_bng(p.x(), p.y())?)
                    }
                    Crs::BritishNationalGrid => {
                        let Some(p) = representative_point(&a.geometry) else {
                            return Ok(None);
                        };
                        let wgs = crs::transform_multipolygon(&a.geometry, crs::bng_to_wgs84)?;
                        (wgs, Located::from_bng(p.x(), p.y())?)
                    }
                    // Northern Ireland's grids: each position projected once.
                    grid => {
                        let (wgs, bng) = grid.to_wgs84_and_bng(a.geometry)?;
                        let Some(p) = representative_point(&bng) else {
                            return Ok(None);
                        };
                        (wgs, Located::from_bng(p.x(), p.y())?)
                    }
                };
                Ok(Some((a.code, a.name, wgs84, point, a.feature)))
            })
            .collect();
        for (i, p) in placed.into_iter().enumerate() {
            match p? {
                Some((code, name, wgs84, point, feature)) => {
                    if let Some(first) = seen.get(&code) {
                        diag.error(
                            &label,
                            Some(Place::Feature(feature)),
                            format!("small area {code} appears again (first in {first})"),
                        );
                        continue;
                    }
                    seen.insert(code.clone(), label.clone());
                    raw.push((code, name, wgs84, point, file));
                }
                None => diag.error(
                    &label,
                    Some(Place::Feature(i + 1)),
                    "small area geometry has no interior",
                ),
            }
        }
    }

    let known: HashSet<&str> = raw.iter().map(|r| r.0.as_str()).collect();
    let mut figure_cols: Vec<&str> = match measure {
        Measure::Age0 => AGE0_COLUMNS.to_vec(),
        Measure::Births => [BIRTHS_COLUMNS, AGE0_COLUMNS].concat(),
    };
    figure_cols.dedup();
    let code_cols: Vec<&str> = [SMALL_CODE_FIELDS, CODE_COLUMNS].concat();
    let mut values: HashMap<String, Option<u64>> = HashMap::new();
    // The file and row each small area's figure was read from.
    let mut first_in: HashMap<String, (String, Option<Place>)> = HashMap::new();
    let mut figure_columns = Vec::new();
    for path in &inputs.figures {
        let input = Input::File(path.clone());
        let f = read_figures_in(
            &input,
            &inputs.figure_options,
            &code_cols,
            &figure_cols,
            ColumnFlags {
                code: "--small-area-code-column",
                figure: "--small-area-figure-column",
                sheet: None,
                code_examples: r#""LSOA11CD", "lsoa21_code", "DataZone""#,
            },
            Some(&known),
            diag,
        )?;
        figure_columns.push(format!("{} (column {:?})", input.label(), f.figure_column));
        sources.push(format!(
            "{} (figures, column {:?})",
            input.label(),
            f.figure_column
        ));
        // In the table's order, so that the messages are; a workbook's rows named with their
        // sheet, as the figures reader names them.
        let label = match &f.sheet {
            Some(sheet) => format!("{}, sheet {sheet:?}", input.label()),
            None => input.label(),
        };
        let mut rows: Vec<(String, Option<u64>)> = f.values.into_iter().collect();
        rows.sort_by_key(|(code, _)| match f.places.get(code) {
            Some(Place::Line(n) | Place::Row(n)) => *n,
            _ => 0,
        });
        for (code, v) in rows {
            let place = f.places.get(&code).copied();
            match first_in.get(&code) {
                Some((file, at)) => {
                    let at = at.map(|p| format!(", {p}")).unwrap_or_default();
                    diag.error(
                        &label,
                        place,
                        format!("small area {code} has a figure in {file}{at} too; give each small area's figure in one file"),
                    );
                }
                None => {
                    first_in.insert(code.clone(), (label.clone(), place));
                    values.insert(code, v);
                }
            }
        }
    }
    let missing = raw.iter().filter(|r| !values.contains_key(&r.0)).count();
    if missing > 0 && missing == raw.len() {
        // Not one code in common: figures for another vintage of small areas (2021 LSOAs
        // against 2011 polygons), another geography, or the wrong column. Every band would
        // count nothing, and a plan would weigh nothing, so it is an error, as a births table
        // matching no area is.
        let tables: Vec<String> = inputs
            .figures
            .iter()
            .map(|p| Input::File(p.clone()).label())
            .collect();
        let shown: Vec<&str> = raw.iter().take(3).map(|r| r.0.as_str()).collect();
        diag.error(
            &tables.join(", "),
            None,
            format!(
                "no row matches any of the {} small areas in {} (codes such as {}): there are no babies to count. Are the figures for another vintage of small areas (the Data Zones of 2011 and of 2022 share no code), or another geography? Name the columns with --small-area-code-column and --small-area-code-field",
                crate::write::thousands(raw.len() as u64),
                files.join(", "),
                shown.join(", ")
            ),
        );
    } else if missing > 0 {
        diag.warn(
            "small areas",
            None,
            format!(
                "{} small {} no figure in the tables given; {} in no band",
                crate::write::thousands(missing as u64),
                plural(missing, "area has", "areas have"),
                plural(missing, "it counts", "they count"),
            ),
        );
    }
    let areas = raw
        .into_iter()
        .map(|(code, name, wgs84, point, file)| {
            let figure = values.get(&code).copied().flatten();
            (code, name, figure, wgs84, point, file)
        })
        .collect();
    Ok(ReadSmallAreas {
        areas,
        figure_columns,
        sources,
        files,
        crs: crs_read,
    })
}

/// Places small areas in districts and moves each district's point to the figure-weighted
/// centroid of its small areas (step one; the study is changed in place). Small areas more
/// than [`COAST_TOLERANCE_M`] outside every district are left out of every figure; see
/// [`SmallAreas::report_left_out`] for the warning (or error) that says so.
pub fn place(study: &mut Study, coverage: &Coverage, read: ReadSmallAreas) -> SmallAreas {
    let assigner = Assigner::new(study, coverage);
    let mut areas: Vec<SmallArea> = read
        .areas
        .into_par_iter()
        .map(|(code, name, figure, wgs84, point, file)| {
            // By the point on the grid, the one found and measured from: taken back to
            // degrees it moves a few centimetres, enough to cross a boundary it lies by.
            let inside = assigner.at_bng(Coord::from(point.bng));
            let (district, placement, nearest) = match inside.area {
                Some(_) => (inside.area, Placement::Inside, inside.nearest),
                None => match assigner.nearest_area_bng(Coord::from(point.bng)) {
                    Some((d, metres)) if metres <= COAST_TOLERANCE_M => (
                        Some(d),
                        Placement::Nearest(metres),
                        assigner.in_district(d, Coord::from(point.bng)).nearest,
                    ),
                    // Not in the study area: no district, no nearest team, no band.
                    Some((_, metres)) => (None, Placement::Outside(metres), None),
                    None => (None, Placement::Unplaced, inside.nearest),
                },
            };
            let covered = district.is_some_and(|d| !coverage.areas[d].teams.is_empty());
            let band = nearest.map(|(_, m)| Band::of(covered, m)).or(if covered {
                Some(Band::Covered)
            } else {
                None
            });
            SmallArea {
                code,
                name,
                file,
                figure,
                wgs84,
                point,
                district,
                placement,
                nearest,
                band,
            }
        })
        .collect();
    // A point just outside every district is off a generalised coast unless the built-in
    // districts put it across a land border, in a district the boundaries leave out.
    if areas
        .iter()
        .any(|a| matches!(a.placement, Placement::Nearest(_)))
    {
        let codes: HashSet<&str> = study.areas.iter().map(|a| a.code.as_str()).collect();
        let land = Land::new(|c| assigner.district_at_bng(c).is_some(), &codes);
        for sa in areas.iter_mut() {
            if let (Placement::Nearest(m), Some(d)) = (sa.placement, sa.district) {
                let at = Coord::from(sa.point.bng);
                if let Some(across) = land.across_border(at, &study.areas[d].bng) {
                    sa.placement = Placement::AcrossBorder(m, across);
                    (sa.district, sa.nearest, sa.band) = (None, None, None);
                }
            }
        }
    }
    areas.sort_by(|a, b| a.code.cmp(&b.code));
    drop(assigner);

    let n = study.areas.len();
    let mut notes = Vec::new();
    let mut sum: Vec<(f64, f64, u64)> = vec![(0.0, 0.0, 0); n];
    let mut bands: Vec<Option<Bands>> = vec![None; n];
    let mut icb_bands: Vec<Vec<(String, Bands)>> = vec![Vec::new(); n];
    let mut coastal = (0usize, 0.0f64);
    let mut left_out = LeftOut {
        per_file: read.files.iter().map(|_| (0, 0)).collect(),
        ..LeftOut::default()
    };
    let mut across_districts = std::collections::BTreeSet::new();
    for sa in &areas {
        if let Some(f) = left_out.per_file.get_mut(sa.file) {
            f.1 += 1;
        }
        if let Placement::Outside(m) = sa.placement {
            left_out.nearest_m = if left_out.count == 0 {
                m
            } else {
                left_out.nearest_m.min(m)
            };
            left_out.furthest_m = left_out.furthest_m.max(m);
            left_out.count += 1;
            left_out.babies += sa.figure.unwrap_or(0);
            if let Some(f) = left_out.per_file.get_mut(sa.file) {
                f.0 += 1;
            }
        }
        if let Placement::AcrossBorder(_, across) = sa.placement {
            left_out.across.0 += 1;
            left_out.across.1 += sa.figure.unwrap_or(0);
            across_districts.insert(across.district());
        }
        let Some(d) = sa.district else { continue };
        if let Placement::Nearest(m) = sa.placement {
            coastal.0 += 1;
            coastal.1 = coastal.1.max(m);
            left_out.placed_nearest.0 += 1;
            left_out.placed_nearest.1 += sa.figure.unwrap_or(0);
        }
        let b = bands[d].get_or_insert_with(Bands::default);
        let parts = &study.areas[d].keys.icb_parts;
        if icb_bands[d].is_empty() {
            icb_bands[d] = parts
                .iter()
                .map(|p| (p.icb.code.clone(), Bands::default()))
                .collect();
        }
        if let (Some(f), Some(band)) = (sa.figure, sa.band) {
            b.add(band, f);
            if !parts.is_empty() {
                for (g, share) in study.areas[d].keys.small_area_icbs(f, &sa.code) {
                    if let Some((_, ib)) = icb_bands[d].iter_mut().find(|(c, _)| *c == g.code) {
                        ib.add(band, share);
                    }
                }
            }
            let s = &mut sum[d];
            s.0 += f as f64 * sa.point.bng.x();
            s.1 += f as f64 * sa.point.bng.y();
            s.2 += f;
        }
    }
    left_out.across_districts = across_districts.into_iter().collect();
    if left_out.total().0 > 0 {
        notes.push(left_out.message(&read.files));
    }
    if coastal.0 > 0 {
        notes.push(format!(
            "{} small {} {} representative point outside every district but within {} km of one, at sea or in a district the boundaries include by the built-in boundaries (off a generalised coast); {}",
            crate::write::thousands(coastal.0 as u64),
            plural(coastal.0, "area has", "areas have"),
            plural(coastal.0, "its", "their"),
            COAST_TOLERANCE_M / 1000.0,
            if coastal.0 == 1 {
                format!("it was put in the nearest district ({:.1} km away)", coastal.1 / 1000.0)
            } else {
                format!(
                    "each was put in the nearest district (the furthest {:.1} km away)",
                    coastal.1 / 1000.0
                )
            },
        ));
    }
    let mut point_source = Vec::with_capacity(n);
    let mut outside = Vec::new();
    let mut without = Vec::new();
    for (i, area) in study.areas.iter_mut().enumerate() {
        let (sx, sy, w) = sum[i];
        if w == 0 {
            point_source.push(PointSource::InteriorNoSmallAreas);
            without.push(area.code.clone());
            continue;
        }
        let c = Point::new(sx / w as f64, sy / w as f64);
        if !area.bng.contains(&c) {
            point_source.push(PointSource::InteriorCentroidOutside);
            outside.push(format!("{} ({})", area.name, area.code));
            continue;
        }
        match Located::from_bng(c.x(), c.y()) {
            Ok(p) => {
                area.point = p;
                point_source.push(PointSource::WeightedCentroid);
            }
            Err(_) => point_source.push(PointSource::InteriorNoSmallAreas),
        }
    }
    if !outside.is_empty() {
        notes.push(format!(
            "{} {} because the weighted centroid of {} small areas falls outside {}: {}",
            outside.len(),
            plural(
                outside.len(),
                "district keeps its interior point",
                "districts keep their interior point"
            ),
            plural(outside.len(), "its", "their"),
            plural(outside.len(), "it", "them"),
            outside.join(", ")
        ));
    }
    if !without.is_empty() {
        let nations: std::collections::BTreeSet<&str> = without
            .iter()
            .map(|c| crate::model::Nation::from_code(c).name())
            .collect();
        notes.push(format!(
            "{} {} no small areas with a figure ({}); {}",
            without.len(),
            plural(without.len(), "district has", "districts have"),
            nations.into_iter().collect::<Vec<_>>().join(", "),
            plural(
                without.len(),
                "it keeps its interior point and has no distance bands",
                "they keep their interior point and have no distance bands"
            ),
        ));
    }
    SmallAreas {
        areas,
        point_source,
        bands,
        icb_bands,
        figure_columns: read.figure_columns,
        sources: read.sources,
        files: read.files,
        crs: read.crs,
        left_out,
        notes,
    }
}

impl LeftOut {
    /// How many small areas, and babies, are left out in all: more than
    /// [`COAST_TOLERANCE_M`] outside every district, or across a land border.
    pub fn total(&self) -> (usize, u64) {
        (self.count + self.across.0, self.babies + self.across.1)
    }

    /// How far outside every district they are: "3.1 km", or "3.1 to 453.3 km".
    fn distances(&self) -> String {
        let (a, b) = (self.nearest_m / 1000.0, self.furthest_m / 1000.0);
        if format!("{a:.1}") == format!("{b:.1}") {
            format!("{b:.1} km")
        } else {
            format!("{a:.1} to {b:.1} km")
        }
    }

    /// The warning, and the note in `summary.md`: how many small areas and babies were left
    /// out, how far outside or across which land border, from which files, and how many just
    /// outside were put in the nearest district instead.
    pub fn message(&self, files: &[String]) -> String {
        let n = crate::write::thousands;
        let tolerance = COAST_TOLERANCE_M / 1000.0;
        let mut parts = Vec::new();
        if self.count > 0 {
            let of_files: Vec<String> = self
                .per_file
                .iter()
                .zip(files)
                .filter(|((left, _), _)| *left > 0)
                .map(|((left, all), file)| {
                    format!("{} of the {} in {file}", n(*left as u64), n(*all as u64))
                })
                .collect();
            parts.push(format!(
                "{} small {}, holding {} {}, {} representative point more than {tolerance} km outside every district ({} away), so {} not in the study area and {} left out of every figure (distance bands, totals, district points): {} (are the small areas for another place than the boundaries?)",
                n(self.count as u64),
                plural(self.count, "area", "areas"),
                n(self.babies),
                plural(self.babies as usize, "baby", "babies"),
                plural(self.count, "has its", "have their"),
                self.distances(),
                plural(self.count, "it is", "they are"),
                plural(self.count, "is", "are"),
                of_files.join("; "),
            ));
        }
        let (across, across_babies) = self.across;
        if across > 0 {
            let districts = crate::write::first_of(self.across_districts.iter(), 5);
            parts.push(format!(
                "{} small {}, holding {} {}, {} point within {tolerance} km of a district but across a land border, in {districts} by the built-in boundaries, beyond the boundaries given, so {} left out {}",
                n(across as u64),
                plural(across, "area", "areas"),
                n(across_babies),
                plural(across_babies as usize, "baby", "babies"),
                plural(across, "has its", "have their"),
                plural(across, "it is", "they are"),
                if self.count > 0 {
                    "too"
                } else {
                    "of every figure (distance bands, totals, district points)"
                },
            ));
        }
        let (near, near_babies) = self.placed_nearest;
        if near > 0 {
            parts.push(format!(
                "{} within {tolerance} km of a district and at sea or in a district the boundaries include by the built-in boundaries {} put in the nearest one, as for a generalised coastline",
                if near == 1 {
                    format!("The 1 small area, holding {} {},", n(near_babies), plural(near_babies as usize, "baby", "babies"))
                } else {
                    format!("The {} small areas, holding {} {},", n(near as u64), n(near_babies), plural(near_babies as usize, "baby", "babies"))
                },
                plural(near, "was", "were"),
            ));
        }
        parts.join(". ")
    }
}

impl SmallAreas {
    /// Says what [`place`] left out: a warning naming how many small areas and babies, or,
    /// when every small area was left out (the small areas and the districts do not
    /// overlap), an error naming the small-area files. `run`, `check` and `plan` all call it.
    pub fn report_left_out(&self, diag: &mut Diagnostics) {
        let l = &self.left_out;
        let (all, _) = l.total();
        if all == 0 {
            return;
        }
        if all < self.areas.len() {
            diag.warn("small areas", None, l.message(&self.files));
            return;
        }
        let every = plural(all, "it has", "every one has");
        let why = if l.across.0 == 0 {
            format!(
                "{every} its representative point more than {} km outside every district ({} away)",
                COAST_TOLERANCE_M / 1000.0,
                l.distances(),
            )
        } else if l.count == 0 {
            format!(
                "{every} its point within {} km of a district but across a land border",
                COAST_TOLERANCE_M / 1000.0,
            )
        } else {
            format!(
                "every one has its representative point outside every district, {} more than {} km outside and {} across a land border",
                crate::write::thousands(l.count as u64),
                COAST_TOLERANCE_M / 1000.0,
                crate::write::thousands(l.across.0 as u64),
            )
        };
        diag.error(
            &self.files.join(", "),
            None,
            format!(
                "{} in the districts: {why}, so there is nothing to count (are the small areas for another place than the boundaries?)",
                if all == 1 {
                    "the 1 small area is not".to_string()
                } else {
                    format!("none of the {} small areas is", crate::write::thousands(all as u64))
                },
            ),
        );
    }

    /// The notes other than the one about small areas left out, which
    /// [`SmallAreas::report_left_out`] gives as a warning or error: for `check`, which lists
    /// the notes alongside.
    pub fn other_notes(&self) -> impl Iterator<Item = &String> {
        let left_out = (self.left_out.total().0 > 0).then(|| self.left_out.message(&self.files));
        self.notes
            .iter()
            .filter(move |n| Some(n.as_str()) != left_out.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_cut_at_the_limits() {
        assert_eq!(Band::of(false, 0.0), Band::Within10Km);
        assert_eq!(Band::of(false, 25_000.0), Band::From10To25Km);
        assert_eq!(Band::of(false, 50_000.0), Band::From25To50Km);
        assert_eq!(Band::of(false, 50_000.5), Band::Over50Km);
        let mut b = Bands::default();
        b.add(Band::From25To50Km, 3);
        b.add(Band::Over50Km, 4);
        b.add(Band::Covered, 5);
        assert_eq!((b.total(), b.beyond_25km()), (12, 7));
    }
}
