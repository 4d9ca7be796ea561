//! Reading the boundaries and giving each area its figure: the grid checked, the figures
//! tables matched to the areas, overlaps and crossing edges reported.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use geo::Coord;
use rayon::prelude::*;

use crate::builtin;
use crate::crs::{Crs, Located};
use crate::error::{Diagnostics, Error, Place, Result, Severity};
use crate::model::{Area, ColumnChoice, FigureColumn, FiguresFile, Measure};
use crate::read::boundaries::read_boundaries;
use crate::read::figures::{is_workbook, read_figures, FigureOptions, BIRTHS_COLUMNS};
use crate::read::successors;
use crate::read::Input;
use crate::write::{plural, thousands};

use super::figures::{
    add_up_replaced, columns_in, figure_columns, flag_advice, judge_total, keys_in, twice_given,
    FiguresRead, TableRead,
};
use super::geographies::{geography_keys, plan_sums, sum_districts, Sums};
use super::lookup::{geography_nations, lookup, nation_of, old_district_keys};
use super::names::area_names;
use super::{input, record, Inputs};
use crate::write::first_of;

/// When the boundaries cannot be read, the user's figures table and team list are still
/// read on their own, so that `check` lists their own problems (a figure that is not a
/// number, a team with no name or swapped coordinates) alongside the boundaries' error.
/// What needs the areas (codes matched, bases placed) cannot be checked.
fn check_without_areas(
    inputs: &Inputs,
    table_options: &[FigureOptions],
    measure: Measure,
    diag: &mut Diagnostics,
) {
    for (i, (p, opts)) in inputs.births.iter().zip(table_options).enumerate() {
        let fin = Input::File(p.clone());
        let mut opts = opts.clone();
        if inputs.figure_flags.sheet_shared(inputs.births.len()) && !is_workbook(&fin) {
            opts.sheet = None;
        }
        let tried = figure_columns(measure);
        if let Err(e) = read_figures(&fin, &opts, tried, None, None, diag) {
            record(diag, flag_advice(inputs, i, &opts, e));
        }
    }
    if let Some(p) = &inputs.teams {
        let tin = Input::File(p.clone());
        if let Err(e) = crate::read::teams::read_teams(&tin, &inputs.team_columns, diag) {
            record(diag, e);
        }
    }
}

/// Metres on the grids covgap reads fall in the same range: Northern Ireland on the Irish
/// Grid, read as British National Grid, lies over the Irish Sea, Anglesey and Cheshire, and on
/// the Irish Transverse Mercator, in the North Sea. So when the system is only guessed to be
/// British National Grid, or is stated to be one of Northern Ireland's grids (the Irish Grid,
/// TM65's or TM75's, or the Irish Transverse Mercator), covgap measures the share of the areas
/// on the land where numbers on that grid belong ([`crate::land::share_on_uk_land`]): the
/// UK's for British National Grid, Northern Ireland's for its own grids; and, when that share
/// is short, the share read on each other grid:
/// - guessed, and at least [`IRISH_GRID_BETTER_BY`](crate::land::IRISH_GRID_BETTER_BY) more of
///   them on Northern Ireland's land read on one of its grids: an error asking for the system
///   (the Irish Grid or the Irish Transverse Mercator with no system stated);
/// - under [`ALMOST_NO_LAND`](crate::land::ALMOST_NO_LAND): an error (another system, or
///   British National Grid numbers stated to be on an Irish grid, which land in Wales and
///   England or at sea), naming the grid that puts most of them on land;
/// - under [`GUESSED_GRID_ON_LAND`](crate::land::GUESSED_GRID_ON_LAND): a warning (a coastal
///   catchment may lie half at sea). A system the file states is otherwise taken as stated.
///
/// Messages name the system as the file gave it. `label` names the file in messages (the
/// boundaries, or a small-area file).
pub(crate) fn which_grid(
    b: &crate::read::boundaries::Boundaries,
    input: &Input,
    label: &str,
    diag: &mut Diagnostics,
) -> Result<()> {
    use crate::land::{Sample, ALMOST_NO_LAND, GUESSED_GRID_ON_LAND, IRISH_GRID_BETTER_BY};
    let guessed = b.crs_guessed;
    match b.crs {
        Crs::BritishNationalGrid if guessed => {}
        c if c.is_irish() => {}
        _ => return Ok(()),
    }
    let read_as = b.crs.name();
    let raw: Vec<&geo::MultiPolygon> = b.areas.iter().map(|a| &a.geometry).collect();
    // The points inside the areas, found once and measured on each grid.
    let sample = Sample::of(&raw);
    // Numbers on one of Northern Ireland's grids are for a place on its land; British
    // National Grid's, on the UK's.
    let whose = |grid: Crs| {
        if grid.is_irish() {
            "Northern Ireland's"
        } else {
            "the UK's"
        }
    };
    let on_land = |grid: Crs| {
        if grid.is_irish() {
            sample.share_on_land(|p| grid.to_bng(p).ok(), Some('N'))
        } else {
            sample.share_on_land(Some, None)
        }
    };
    let Some(share) = on_land(b.crs) else {
        return Ok(());
    };
    let land = format!("{} land", whose(b.crs));
    if share >= GUESSED_GRID_ON_LAND {
        // Said, so the share behind the rule can be seen for any file (scripts/check_grids.sh).
        diag.note(
            label,
            None,
            format!(
                "read as {read_as}, {:.0}% of the areas lies on {land} (by the built-in districts)",
                share * 100.0
            ),
        );
        return Ok(());
    }
    // The other grids the numbers could be on, the one that puts most of them on land first
    // (on a tie, in this order). TM65's Irish Grid puts numbers where TM75's does.
    let (best, best_share) = {
        let same = |g: Crs| g == b.crs || (g == Crs::IrishGrid && b.crs == Crs::IrishGridTm65);
        let mut others: Vec<(Crs, f64)> = [
            Crs::BritishNationalGrid,
            Crs::IrishGrid,
            Crs::IrishTransverseMercator,
        ]
        .into_iter()
        .filter(|g| !same(*g))
        .map(|g| (g, on_land(g).unwrap_or(0.0)))
        .collect();
        others.sort_by(|x, y| y.1.total_cmp(&x.1));
        others[0]
    };
    let how = if guessed {
        "states no coordinate system, and its coordinates fit British National Grid metres"
            .to_string()
    } else {
        format!("says its coordinates are on {read_as} ({})", b.crs_reason)
    };
    let refuse = |message: String| Error::Format {
        path: input.path_for_errors(),
        message,
    };
    let state = format!(
        "state the system in the file (a \"crs\" member such as \"EPSG:27700\" or \"EPSG:{}\" in GeoJSON, or a .prj beside a Shapefile)",
        best.epsg()
    );
    if guessed && best_share >= share + IRISH_GRID_BETTER_BY {
        return Err(refuse(format!(
            "{how}, but read as British National Grid only {:.0}% of the areas lies on the UK's land (by the built-in districts; districts, ICBs and health boards lie 97% or more on it), against {:.0}% on Northern Ireland's were they on {}, which Northern Irish data often comes in. If they are, {state}: covgap reads {}",
            share * 100.0,
            best_share * 100.0,
            best.label(),
            best.name()
        )));
    }
    if share < ALMOST_NO_LAND {
        return Err(refuse(if guessed {
            format!(
                "{how}, but read so only {:.0}% of the areas lies on the UK's land (by the built-in districts), and {:.0}% at most on Northern Ireland's read as the Irish Grid or the Irish Transverse Mercator: they are in another system; reproject them to British National Grid (EPSG:27700) or WGS84 (EPSG:4326)",
                share * 100.0,
                best_share * 100.0
            )
        } else {
            format!(
                "{how}, but read so only {:.0}% of the areas lies on {land} (by the built-in districts), against {:.0}% on {} read as {}: the declaration is wrong for these numbers; correct it",
                share * 100.0,
                best_share * 100.0,
                whose(best),
                best.label()
            )
        }));
    }
    // A system the file states stands; but say how the likeliest other grid would read it.
    let check = if guessed {
        state
    } else {
        format!(
            "check the declaration (read as {}, {:.0}% would lie on {} land)",
            best.name(),
            best_share * 100.0,
            whose(best)
        )
    };
    diag.warn(
        label,
        None,
        format!(
            "{how}, and read as {read_as} only {:.0}% of the areas lies on {land} (by the built-in districts): right for areas partly at sea, but if they are not, the coordinates are in another system; {check}",
            share * 100.0,
        ),
    );
    Ok(())
}

pub(super) fn load_areas(
    inputs: &Inputs,
    measure: Measure,
    diag: &mut Diagnostics,
) -> Result<(Vec<Area>, String, Option<FiguresRead>)> {
    // Each table's sheet and columns; a flag given a wrong number of times fails here.
    let table_options = inputs.figure_flags.per_table(&inputs.births)?;
    if let Some(sheet) = inputs.figure_flags.sheet.iter().find(|s| !s.is_empty()) {
        if inputs.births.is_empty() {
            return Err(Error::Format {
                path: PathBuf::from("--sheet"),
                message: format!("{sheet:?} names a sheet of a --births workbook, but no --births file was given"),
            });
        }
        // With one file, the figures reader says a CSV file has no sheets; with several and
        // one --sheet, the sheet is each workbook's among them.
        let workbooks = inputs
            .births
            .iter()
            .any(|p| is_workbook(&Input::File(p.clone())));
        if inputs.figure_flags.sheet_shared(inputs.births.len()) && !workbooks {
            return Err(Error::Format {
                path: PathBuf::from("--sheet"),
                message: format!("{sheet:?} names a sheet of a --births workbook, but none of the --births files is a workbook (.xlsx, .xls or .ods)"),
            });
        }
    }
    if let Some(p) = twice_given(&inputs.births) {
        return Err(Error::Format {
            path: p.to_path_buf(),
            message: "is given twice with --births: each area's figure must come from one file"
                .into(),
        });
    }
    let bin = input(&inputs.boundaries, builtin::boundaries);
    let mut b = match read_boundaries(&bin, &inputs.boundary_options, diag) {
        Ok(b) => b,
        Err(e) => {
            check_without_areas(inputs, &table_options, measure, diag);
            return Err(e);
        }
    };
    b.areas.sort_by(|x, y| x.code.cmp(&y.code));
    let lookup = lookup()?;

    // Figures: the user's tables, or the built-in column for the measure.
    let known: HashSet<&str> = b.areas.iter().map(|a| a.code.as_str()).collect();
    let tables: Vec<(Input, FigureOptions, &[&str])> = if inputs.births.is_empty() {
        vec![(
            builtin::areas(),
            FigureOptions {
                code_column: Some("code".into()),
                name_column: None,
                figure_column: Some(measure.key().into()),
                sheet: None,
            },
            BIRTHS_COLUMNS,
        )]
    } else {
        inputs
            .births
            .iter()
            .zip(&table_options)
            .map(|(p, opts)| {
                let fin = Input::File(p.clone());
                let mut opts = opts.clone();
                if inputs.figure_flags.sheet_shared(inputs.births.len()) && !is_workbook(&fin) {
                    opts.sheet = None;
                }
                (fin, opts, figure_columns(measure))
            })
            .collect()
    };
    // Rows for districts abolished since (tables in older ONS codes) are read too, to be
    // added up for the district that replaced them.
    let replaced = successors::replaced_in(|c| known.contains(c));
    let mut wanted = known.clone();
    wanted.extend(replaced.keys().copied());
    // With the built-in figures, areas of a geography the built-in lookup gives each district
    // (ICBs, health boards, regions, ...) get their districts' figures summed: read those too.
    let sums = if inputs.births.is_empty() && !inputs.without_figures {
        plan_sums(&b.areas, lookup)
    } else {
        Sums::default()
    };
    wanted.extend(sums.districts.iter().map(|d| d.code));
    // Each area's figure, and the table it came from.
    let mut values: HashMap<String, (Option<u64>, usize)> = HashMap::new();
    let mut read = Vec::new();
    // A table of the user's with no code column finds the areas by name.
    let names = (!inputs.births.is_empty()).then(|| area_names(&b.areas, lookup));
    for (i, (fin, fopts, tried)) in tables
        .iter()
        .enumerate()
        .filter(|_| !inputs.without_figures)
    {
        // A figures file that cannot be read at all is listed with the other problems, so
        // that `check` goes on to check the other tables and the team list too.
        let Ok(mut f) = read_figures(fin, fopts, tried, Some(&wanted), names.as_ref(), diag)
            .map_err(|e| record(diag, flag_advice(inputs, i, fopts, e)))
        else {
            continue;
        };
        let label = fin.label();
        let added_up = if sums.districts.is_empty() {
            add_up_replaced(&mut f, &replaced, &label, diag)
        } else {
            Some(sum_districts(
                &mut f, &sums, &b.areas, lookup, measure, &label, diag,
            ))
        };
        let added_up = match (f.matched_by_name(), added_up) {
            (Some(n), Some(a)) => Some(format!("{n}; {a}")),
            (n, a) => n.or(a),
        };
        let mut areas = 0;
        // Areas another table gave a figure for, by that table.
        let mut twice: std::collections::BTreeMap<usize, Vec<String>> = Default::default();
        let mut codes: Vec<_> = std::mem::take(&mut f.values).into_iter().collect();
        codes.sort();
        for (code, v) in codes {
            areas += usize::from(known.contains(code.as_str()));
            match values.get(&code) {
                Some(&(_, first)) => twice.entry(first).or_default().push(code),
                None => {
                    values.insert(code, (v, read.len()));
                }
            }
        }
        for (first, codes) in twice {
            let first: &TableRead = &read[first];
            diag.error(
                &label,
                None,
                format!(
                    "{} {} a figure in {} too: {}; each area's figure must come from one file",
                    thousands(codes.len() as u64),
                    plural(codes.len(), "area has", "areas have"),
                    first.file.path,
                    first_of(
                        codes.iter().map(|c| {
                            match b.areas.binary_search_by(|a| a.code.as_str().cmp(c)) {
                                Ok(i) => format!("{c} ({})", b.areas[i].name),
                                Err(_) => c.clone(),
                            }
                        }),
                        10
                    ),
                ),
            );
        }
        // When its rows for the areas were refused, the errors say why.
        let refused = diag
            .problems()
            .iter()
            .any(|p| p.severity == Severity::Error && p.source == label);
        if inputs.births.len() > 1 && areas == 0 && !refused {
            diag.warn(
                &label,
                None,
                format!(
                    "gives a figure for none of the areas in the boundaries ({}): is it the right file?",
                    f.keys_read()
                ),
            );
        }
        read.push(TableRead {
            file: FiguresFile {
                path: label,
                sheet: f.sheet,
                code_column: f.code_column,
                by_name: f.by_name,
                column: FigureColumn {
                    header: f.figure_column,
                    chosen_by: if inputs.births.is_empty() {
                        ColumnChoice::BuiltIn
                    } else {
                        f.figure_column_chosen_by
                    },
                },
                areas,
            },
            added_up,
        });
    }
    let icb_shared = !read.is_empty() && sums.districts.iter().any(|d| d.split);
    let mut missing = Vec::new();

    let flabel = read
        .iter()
        .map(|t| t.file.path.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let blabel = bin.label();
    which_grid(&b, &bin, &blabel, diag)?;
    let mut areas = Vec::with_capacity(b.areas.len());
    // Each area's feature number, for messages about the areas together.
    let mut area_features = Vec::with_capacity(b.areas.len());
    // Projecting each area, finding its interior point and looking for boundary lines that
    // cross are independent per area: do them on every core, then check and record problems
    // in file order as before.
    let crs = b.crs;
    let projected: Vec<_> = b
        .areas
        .into_par_iter()
        .map(|raw| {
            // In the file's own coordinates, as QGIS's Check Validity looks: projecting can
            // make or unmake a crossing between nearly aligned positions (tests/gdal.rs).
            let crossed = crate::validity::crossings(&raw.geometry);
            // WGS84 areas go to the grid by the bulk transformer: the same result as
            // `crs::wgs84_to_bng` to well under a millimetre, at a fraction of the cost.
            let pair = crs.to_wgs84_and_bng(raw.geometry);
            let interior = pair
                .as_ref()
                .ok()
                .and_then(|(_, bng)| crate::model::representative_point(bng));
            (raw.feature, raw.code, raw.name, pair, interior, crossed)
        })
        .collect();
    let nations = geography_nations(lookup);
    for (feature, code, name, pair, interior, crossed) in projected {
        let (wgs84, bng) = pair?;
        if let Some(c) = crossed {
            diag.warn(
                &blabel,
                Some(Place::Feature(feature)),
                crossing_message(&code, &name, &c, crs, bng.0.len()),
            );
        }
        // The parts of the boundary area the checks below still need.
        struct Named {
            feature: usize,
            code: String,
            name: String,
        }
        let raw = Named {
            feature,
            code,
            name,
        };
        let Some(p) = interior else {
            diag.error(
                &blabel,
                Some(Place::Feature(raw.feature)),
                format!("{}: geometry has no interior", raw.code),
            );
            continue;
        };
        let point = Located::from_bng(p.x(), p.y())?;
        let figure = match values.get(&raw.code) {
            Some(&(v, _)) => v,
            None => {
                missing.push(raw.code.clone());
                None
            }
        };
        let keys = match lookup.get(&raw.code) {
            Some(l) => l.keys.clone(),
            None => old_district_keys(&raw.code, lookup),
        };
        area_features.push(raw.feature);
        areas.push(Area {
            nation: nation_of(&raw.code, &nations),
            keys,
            name: raw.name,
            code: raw.code,
            figure,
            wgs84,
            bng,
            point,
        });
    }
    geography_keys(&mut areas, lookup);
    report_overlaps(&areas, &area_features, &blabel, diag);
    if read.is_empty() {
        return Ok((areas, b.crs_reason, None));
    }
    if !missing.is_empty() {
        diag.warn(
            &flabel,
            None,
            format!(
                "no figure for {} {} in the boundaries: {}; {} left out of totals",
                missing.len(),
                plural(missing.len(), "area", "areas"),
                first_of(missing.iter(), 10),
                plural(missing.len(), "it is", "they are"),
            ),
        );
    }
    let with_figure = areas.iter().filter(|a| a.figure.is_some()).count();
    if with_figure > 0 && areas.iter().filter_map(|a| a.figure).sum::<u64>() == 0 {
        diag.warn(
            &flabel,
            None,
            format!(
                "the figures add up to 0 ({} with a figure has 0 in {}): no baby is counted, so no share can be given (the outputs leave it blank, null or n/a); is it the right file and column?",
                if with_figure == 1 {
                    "the 1 area".to_string()
                } else {
                    format!("every one of the {with_figure} areas")
                },
                columns_in(&read)
            ),
        );
    }
    if with_figure == 0 {
        // When rows for the areas were refused, the errors above say why; "no figure matched"
        // would send the user looking at the codes.
        let refused = diag
            .problems()
            .iter()
            .any(|p| p.severity == Severity::Error && read.iter().any(|t| p.source == t.file.path));
        diag.error(
            &flabel,
            None,
            if refused {
                "no area in the boundaries has a usable figure: the rows for them have the errors above".to_string()
            } else if inputs.births.is_empty() {
                // The built-in figures are by district, and are summed only for the
                // geographies the built-in lookup gives each district: boundaries of another
                // geography need their own, and the user should be told how to give them.
                format!(
                    "no figure matched any area code in the boundaries ({}): the built-in figures are for the UK's local authority districts, summed for areas of a geography the built-in lookup gives each district (its region, upper tier, ICB, health board or HSC trust, or nation), so boundaries of another geography (small areas, your own codes) need figures for their own areas: give them with --births FILE (a CSV or workbook with an area code column and a figure column)",
                    keys_in(&read)
                )
            } else {
                format!(
                    "no figure matched any area {} in the boundaries ({})",
                    if read.iter().all(|t| t.file.by_name) { "name" } else { "code" },
                    keys_in(&read)
                )
            },
        );
    }
    if !inputs.births.is_empty() {
        judge_total(
            &areas,
            lookup,
            measure,
            &columns_in(&read),
            table_options.iter().all(|o| o.figure_column.is_some()),
            &flabel,
            diag,
        );
    }
    Ok((
        areas,
        b.crs_reason,
        Some(FiguresRead {
            tables: read,
            icb_shared,
        }),
    ))
}

/// An error for each group of areas that overlap (see [`crate::validity::overlaps`]): every
/// area's babies are counted once, so overlapping areas would count some twice.
fn report_overlaps(areas: &[Area], features: &[usize], label: &str, diag: &mut Diagnostics) {
    let geometries: Vec<&geo::MultiPolygon> = areas.iter().map(|a| &a.bng).collect();
    let points: Vec<Coord> = areas.iter().map(|a| a.point.bng.0).collect();
    for (hub, others) in crate::validity::overlaps(&geometries, &points) {
        let named = |i: usize| format!("{} ({})", areas[i].code, areas[i].name);
        let listed = first_of(others.iter().map(|&i| named(i)), 10);
        let what = match others.len() {
            1 => listed,
            n => format!("{} other areas: {listed}", thousands(n as u64)),
        };
        diag.error(
            label,
            Some(Place::Feature(features[hub])),
            format!(
                "{} overlaps {what} (the point inside one from which covgap measures lies inside the other). Each area's babies are counted once, so areas must not overlap: give one geography (for example local authority districts only, not their counties as well), and each area once",
                named(hub)
            ),
        );
    }
}

/// The warning for an area whose boundary lines cross (see [`crate::validity`]), with the
/// place in both coordinate systems so that it can be found in QGIS. `c` is in the file's own
/// coordinates, `crs`.
fn crossing_message(
    code: &str,
    name: &str,
    c: &crate::validity::Crossings,
    crs: Crs,
    parts: usize,
) -> String {
    let at = c.first.at();
    let both = crs
        .to_wgs84(at)
        .and_then(|w| crs.to_bng(at).map(|g| (w, g)));
    // Eastings and northings on the file's own grid (for a file on one of Northern Ireland's
    // grids, on that grid, named).
    let on = if crs.is_irish() {
        format!(" on {}", crs.name())
    } else {
        String::new()
    };
    let place = match both {
        Ok((w, g)) => {
            let grid = if crs.is_irish() { at } else { g };
            format!(
                "{:.5}°{}, {:.5}°{} (easting {:.0}, northing {:.0}{on})",
                w.y.abs(),
                if w.y < 0.0 { "S" } else { "N" },
                w.x.abs(),
                if w.x < 0.0 { "W" } else { "E" },
                grid.x,
                grid.y,
            )
        }
        Err(_) => match crs {
            Crs::Wgs84 => format!("longitude {:.5}, latitude {:.5}", at.x, at.y),
            _ => format!("easting {:.0}, northing {:.0}{on}", at.x, at.y),
        },
    };
    let more = match c.places {
        1 => String::new(),
        n => format!(" ({} places in all)", n),
    };
    let effect = match c.first.how() {
        crate::validity::Meeting::Cross => {
            "so a point close to it may be placed in the wrong area or in none; QGIS's Check Validity lists it and Fix Geometries mends it"
        }
        crate::validity::Meeting::RunAlong => {
            "which GIS tools count as invalid; if the lines cross where they part, a point close to it may be placed in the wrong area or in none; QGIS's Check Validity lists it and Fix Geometries mends it"
        }
        crate::validity::Meeting::Touch => {
            "which GIS tools count as invalid, though points are still placed as the lines are drawn; QGIS's Check Validity lists it and Fix Geometries mends it"
        }
    };
    format!(
        "{code} ({name}): {} near {place}{more}, {effect}",
        c.first.describe(parts)
    )
}
