//! Building the model from inputs: the checked plan that turns file paths and options into
//! a [`Study`], reporting every problem found along the way.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use geo::{Coord, InteriorPoint, MapCoords};

use crate::builtin;
use crate::crs::{self, Crs, Located};
use crate::error::{Diagnostics, Error, Place, Result};
use crate::index::AreaIndex;
use crate::model::{
    Area, Base, Demand, Geography, Measure, Nation, Precision, RollupKeys, Sources, Study, Team,
};
use crate::read::boundaries::{read_boundaries, BoundaryOptions};
use crate::read::figures::{read_figures, FigureOptions, AGE0_COLUMNS, BIRTHS_COLUMNS};
use crate::read::postcodes::{lookup_postcodes, postcode_key, Outcodes};
use crate::read::teams::{read_teams, BaseGiven, TeamColumns};
use crate::read::Input;

/// A base this far outside every area (metres) is moved into the nearest one, with a warning:
/// generalised coastlines cut off real coastal places.
pub const COAST_TOLERANCE_M: f64 = 2_000.0;

/// Evidence levels that count as a team unless `--evidence` says otherwise.
pub const DEFAULT_EVIDENCE: &[&str] = &["pif_named", "service_confirmed"];

/// What to read; `None` means the built-in input.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub boundaries: Option<PathBuf>,
    pub boundary_options: BoundaryOptions,
    pub births: Option<PathBuf>,
    pub figure_options: FigureOptions,
    pub measure: Option<Measure>,
    /// The period the user's figures cover, for reports.
    pub period: Option<String>,
    pub teams: Option<PathBuf>,
    pub team_columns: TeamColumns,
    pub postcodes: Option<PathBuf>,
    /// Evidence levels that count; `None` for the default.
    pub evidence: Option<Vec<String>>,
}

fn input(path: &Option<PathBuf>, builtin: fn() -> Input) -> Input {
    path.clone().map(Input::File).unwrap_or_else(builtin)
}

/// Reads and checks every input and builds the study. Record-level problems go to `diag`;
/// the caller decides whether errors among them stop the run (`run`) or are only listed
/// (`check`). Fails at once on a file that cannot be read at all.
pub fn load(inputs: &Inputs, diag: &mut Diagnostics) -> Result<Study> {
    let measure = inputs.measure.unwrap_or(Measure::Births);
    let (areas, crs_reason) = load_areas(inputs, measure, diag)?;
    let (teams, evidence_rule, teams_label) = load_teams(inputs, &areas, diag)?;
    let (period, figures_source) = match (&inputs.births, measure) {
        (Some(p), _) => (
            inputs.period.clone().unwrap_or_else(|| {
                "as given in the figures file (not stated; use --period)".into()
            }),
            p.display().to_string(),
        ),
        (None, Measure::Births) => (
            builtin::BIRTHS_PERIOD.to_string(),
            builtin::BIRTHS_SOURCE.to_string(),
        ),
        (None, Measure::Age0) => (
            builtin::AGE0_PERIOD.to_string(),
            builtin::AGE0_SOURCE.to_string(),
        ),
    };
    Ok(Study {
        areas,
        teams,
        demand: Demand {
            measure,
            period,
            source: figures_source,
        },
        evidence_rule,
        sources: Sources {
            boundaries: inputs
                .boundaries
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| builtin::BOUNDARIES_SOURCE.to_string()),
            boundaries_crs: crs_reason,
            figures: String::new(),
            teams: teams_label,
            postcodes: inputs.postcodes.as_ref().map(|p| p.display().to_string()),
        },
    })
}

/// A row of the built-in area lookup.
struct LookupRow {
    keys: RollupKeys,
}

fn read_lookup() -> Result<HashMap<String, LookupRow>> {
    let input = builtin::areas();
    let text = input.text("CSV")?;
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r
        .headers()
        .map_err(|e| Error::Format {
            path: input.path_for_errors(),
            message: e.to_string(),
        })?
        .clone();
    let col = |n: &str| headers.iter().position(|h| h == n);
    let mut out = HashMap::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| Error::Format {
            path: input.path_for_errors(),
            message: e.to_string(),
        })?;
        let get = |n: &str| col(n).and_then(|i| rec.get(i)).unwrap_or("").to_string();
        let geo = |c: &str, n: &str| {
            let code = get(c);
            (!code.is_empty()).then(|| Geography { code, name: get(n) })
        };
        out.insert(
            get("code"),
            LookupRow {
                keys: RollupKeys {
                    region: geo("region_code", "region_name"),
                    utla: geo("utla_code", "utla_name"),
                    icb: geo("icb_code", "icb_name"),
                    health_board: geo("health_board_code", "health_board_name"),
                },
            },
        );
    }
    Ok(out)
}

fn load_areas(
    inputs: &Inputs,
    measure: Measure,
    diag: &mut Diagnostics,
) -> Result<(Vec<Area>, String)> {
    let bin = input(&inputs.boundaries, builtin::boundaries);
    let mut b = read_boundaries(&bin, &inputs.boundary_options, diag)?;
    b.areas.sort_by(|x, y| x.code.cmp(&y.code));
    let lookup = read_lookup()?;

    // Figures: the user's table, or the built-in column for the measure.
    let known: HashSet<&str> = b.areas.iter().map(|a| a.code.as_str()).collect();
    let (fin, fopts, tried) = match &inputs.births {
        Some(p) => (
            Input::File(p.clone()),
            inputs.figure_options.clone(),
            if measure == Measure::Age0 {
                AGE0_COLUMNS
            } else {
                BIRTHS_COLUMNS
            },
        ),
        None => (
            builtin::areas(),
            FigureOptions {
                code_column: Some("code".into()),
                figure_column: Some(measure.key().into()),
            },
            BIRTHS_COLUMNS,
        ),
    };
    let figures = read_figures(&fin, &fopts, tried, &known, diag)?;
    let mut missing = Vec::new();

    let flabel = fin.label();
    let blabel = bin.label();
    let mut areas = Vec::with_capacity(b.areas.len());
    let to_bng = crs::Wgs84ToBng::new();
    for raw in b.areas {
        let (wgs84, bng) = match b.crs {
            Crs::Wgs84 => {
                // The bulk transformer: the same result as `crs::wgs84_to_bng` to well under
                // a millimetre, at a fraction of the cost.
                let bng = raw.geometry.map_coords(|c| to_bng.apply(c));
                (raw.geometry, bng)
            }
            Crs::BritishNationalGrid => {
                let wgs = crs::transform_multipolygon(&raw.geometry, crs::bng_to_wgs84)?;
                (wgs, raw.geometry)
            }
        };
        let Some(p) = bng.interior_point() else {
            diag.error(
                &blabel,
                Some(Place::Feature(raw.feature)),
                format!("{}: geometry has no interior", raw.code),
            );
            continue;
        };
        let point = Located::from_bng(p.x(), p.y())?;
        let figure = match figures.values.get(&raw.code) {
            Some(v) => *v,
            None => {
                missing.push(raw.code.clone());
                None
            }
        };
        let lk = lookup.get(&raw.code);
        areas.push(Area {
            nation: Nation::from_code(&raw.code),
            keys: lk.map(|l| l.keys.clone()).unwrap_or_default(),
            name: raw.name,
            code: raw.code,
            figure,
            wgs84,
            bng,
            point,
        });
    }
    if !missing.is_empty() {
        diag.warn(
            &flabel,
            None,
            format!(
                "no figure for {} area(s) in the boundaries: {}{}; they are left out of totals",
                missing.len(),
                missing
                    .iter()
                    .take(10)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                if missing.len() > 10 { ", ..." } else { "" }
            ),
        );
    }
    if areas.iter().all(|a| a.figure.is_none()) {
        diag.error(
            &flabel,
            None,
            format!(
                "no figure matched any area code in the boundaries (codes in column {:?})",
                figures.code_column
            ),
        );
    }
    Ok((areas, b.crs_reason))
}

/// Folds an area name for matching: lower case, `&` as `and`, letters and digits only.
fn fold_name(s: &str) -> String {
    s.replace('&', " and ")
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn suggest(token: &str, areas: &[Area]) -> String {
    let t = fold_name(token);
    let mut scored: Vec<(f64, &Area)> = areas
        .iter()
        .map(|a| (strsim::jaro_winkler(&t, &fold_name(&a.name)), a))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.code.cmp(&b.1.code)));
    scored
        .iter()
        .take(3)
        .map(|(_, a)| format!("{} ({})", a.name, a.code))
        .collect::<Vec<_>>()
        .join(", ")
}

fn load_teams(
    inputs: &Inputs,
    areas: &[Area],
    diag: &mut Diagnostics,
) -> Result<(Vec<Team>, String, String)> {
    let tin = input(&inputs.teams, builtin::teams);
    let label = tin.label();
    let list = read_teams(&tin, &inputs.team_columns, diag)?;

    let by_code: HashMap<&str, usize> = areas
        .iter()
        .enumerate()
        .map(|(i, a)| (a.code.as_str(), i))
        .collect();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, a) in areas.iter().enumerate() {
        by_name.entry(fold_name(&a.name)).or_default().push(i);
    }

    // Full postcodes are looked up in one streaming pass over the directory.
    let wanted: HashSet<String> = list
        .rows
        .iter()
        .filter_map(|r| match &r.base {
            Some(BaseGiven::Postcode(p)) => Some(postcode_key(p)),
            _ => None,
        })
        .collect();
    let found = match (&inputs.postcodes, wanted.is_empty()) {
        (Some(p), false) => Some(lookup_postcodes(p, &wanted)?),
        _ => None,
    };
    let outcodes = Outcodes::read(&builtin::outcodes())?;
    let index = AreaIndex::new(
        areas
            .iter()
            .enumerate()
            .map(|(i, a)| (i, a.bng.clone()))
            .collect(),
    );

    let wanted_levels: Option<Vec<String>> = if list.has_evidence {
        Some(
            inputs
                .evidence
                .clone()
                .unwrap_or_else(|| DEFAULT_EVIDENCE.iter().map(|s| s.to_string()).collect())
                .into_iter()
                .map(|s| s.trim().to_ascii_lowercase())
                .collect(),
        )
    } else {
        if inputs.evidence.is_some() {
            diag.warn(
                &label,
                None,
                "--evidence was given but the team list has no evidence column; every team counts",
            );
        }
        None
    };
    let evidence_rule = match &wanted_levels {
        Some(l) => format!("teams whose evidence level is {}", l.join(" or ")),
        None => "every team in the list (it has no evidence column)".to_string(),
    };
    if let Some(levels) = &wanted_levels {
        for l in levels {
            if !list
                .rows
                .iter()
                .any(|r| r.evidence.as_deref() == Some(l.as_str()))
            {
                diag.warn(
                    &label,
                    None,
                    format!("evidence level {l:?} was asked for but no team has it"),
                );
            }
        }
    }

    let mut teams = Vec::new();
    for row in list.rows {
        let place = Some(Place::Line(row.line));
        let mut ok = true;
        let mut served = Vec::new();
        for token in &row.areas {
            let hit = by_code
                .get(token.to_ascii_uppercase().as_str())
                .copied()
                .or_else(|| match by_name.get(&fold_name(token)) {
                    Some(v) if v.len() == 1 => Some(v[0]),
                    _ => None,
                });
            match hit {
                Some(i) if !served.contains(&i) => served.push(i),
                Some(_) => {}
                None => {
                    ok = false;
                    diag.error(
                        &label,
                        place,
                        format!("{}: area {:?} is not a code or name in the boundaries; did you mean {}?", row.name, token, suggest(token, areas)),
                    );
                }
            }
        }
        let base = match &row.base {
            None => None,
            Some(given) => {
                match locate_base(given, found.as_ref(), inputs.postcodes.is_some(), &outcodes) {
                    Ok((at, precision, text, fell_back)) => {
                        if fell_back {
                            diag.warn(&label, place, format!("{}: postcode {text} placed at its postcode district's centroid (give --postcodes FILE, the ONS Postcode Directory, for the exact place)", row.name));
                        }
                        Some(Base {
                            at,
                            precision,
                            given: text,
                        })
                    }
                    Err(msg) => {
                        ok = false;
                        diag.error(&label, place, format!("{}: {msg}", row.name));
                        None
                    }
                }
            }
        };
        let host_area = match &base {
            None => None,
            Some(b) => {
                let c = Coord::from(b.at.bng);
                match index.locate(c) {
                    Some(i) => Some(i),
                    None => match index.nearest(c) {
                        Some((i, d)) if d <= COAST_TOLERANCE_M => {
                            diag.warn(&label, place, format!(
                                "{}: base {} is {:.0} m outside the generalised boundaries; placed in the nearest area, {} ({})",
                                row.name, b.given, d, areas[i].name, areas[i].code
                            ));
                            Some(i)
                        }
                        Some((i, d)) => {
                            ok = false;
                            diag.error(&label, place, format!(
                                "{}: base {} (lat {:.5}, lon {:.5}) is outside every area, {:.1} km from the nearest ({}); a base more than {:.0} km outside is taken to be wrong",
                                row.name, b.given, b.at.wgs84.y(), b.at.wgs84.x(), d / 1000.0, areas[i].name, COAST_TOLERANCE_M / 1000.0
                            ));
                            None
                        }
                        None => None,
                    },
                }
            }
        };
        let counted = match (&wanted_levels, &row.evidence) {
            (None, _) => true,
            (Some(levels), Some(e)) => levels.iter().any(|l| l == e),
            (Some(_), None) => false,
        };
        if row.areas.is_empty() && row.base.is_none() {
            if counted {
                diag.error(&label, place, format!("{}: has no areas served and no location, so covgap cannot tell what it covers", row.name));
                continue;
            }
            diag.note(
                &label,
                place,
                format!(
                    "{}: not counted (evidence {:?}); it has no areas or location",
                    row.name,
                    row.evidence.as_deref().unwrap_or("")
                ),
            );
        }
        if !ok {
            continue;
        }
        let covers = if served.is_empty() {
            host_area.into_iter().collect()
        } else {
            served.clone()
        };
        teams.push(Team {
            name: row.name,
            host_org: row.host_org,
            evidence: row.evidence,
            counted,
            areas_served: served,
            covers,
            base,
            host_area,
            source_url: row.source_url,
            last_evidence: row.last_evidence,
            line: row.line,
        });
    }
    let teams_label = if inputs.teams.is_some() {
        label
    } else {
        builtin::TEAMS_SOURCE.to_string()
    };
    Ok((teams, evidence_rule, teams_label))
}

/// Returns the base's location, precision, the text describing it, and whether a full
/// postcode fell back to its district.
fn locate_base(
    given: &BaseGiven,
    found: Option<&HashMap<String, (f64, f64)>>,
    have_directory: bool,
    outcodes: &Outcodes,
) -> std::result::Result<(Located, Precision, String, bool), String> {
    let proj = |e: Error| e.to_string();
    match given {
        BaseGiven::LonLat(x, y) => Ok((
            Located::from_wgs84(*x, *y).map_err(proj)?,
            Precision::Coordinates,
            format!("{y:.5}, {x:.5}"),
            false,
        )),
        BaseGiven::EastingNorthing(e, n) => Ok((
            Located::from_bng(*e, *n).map_err(proj)?,
            Precision::Coordinates,
            format!("{e:.0} E, {n:.0} N"),
            false,
        )),
        BaseGiven::Postcode(pc) => {
            if let Some(&(lon, lat)) = found.and_then(|f| f.get(&postcode_key(pc))) {
                return Ok((
                    Located::from_wgs84(lon, lat).map_err(proj)?,
                    Precision::Postcode,
                    pc.clone(),
                    false,
                ));
            }
            if have_directory {
                return Err(format!("postcode {pc} is not in the postcode directory given with --postcodes (terminated, mistyped, or not a UK postcode)"));
            }
            let outward = pc.split(' ').next().unwrap_or("");
            match outcodes.get(outward) {
                Some((lon, lat)) => Ok((
                    Located::from_wgs84(lon, lat).map_err(proj)?,
                    Precision::PostcodeDistrict,
                    pc.clone(),
                    true,
                )),
                None => Err(format!(
                    "postcode {pc}: its district {outward} is not a known postcode district"
                )),
            }
        }
        BaseGiven::PostcodeDistrict(d) => match outcodes.get(d) {
            Some((lon, lat)) => Ok((
                Located::from_wgs84(lon, lat).map_err(proj)?,
                Precision::PostcodeDistrict,
                d.clone(),
                false,
            )),
            None => Err(format!("{d} is not a known postcode district")),
        },
    }
}
