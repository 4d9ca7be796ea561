//! `covgap diff OLD_DIR NEW_DIR`: what changed between two runs' outputs, for refreshes
//! when new births figures or a new team list arrive.
//!
//! It reads only the outputs of each run (`teams.geojson`, `areas.geojson`, `summary.json`,
//! and `run.json` and `rollups.csv` when there are), so runs made months apart, or on another machine, can be
//! compared:
//! - teams added and removed (keyed by name and host organisation, case and spacing aside,
//!   as `covgap run` tells teams apart: [`team_key`]), teams whose counted status, covered
//!   areas or base changed, and teams whose name is written otherwise only in case or spacing
//!   (the same team, renamed);
//! - areas newly covered or uncovered (keyed by area code), areas only in one run, and areas
//!   with a figure in one run and none in the other (whose babies leave or join the totals);
//! - the headline figures and each nation's figures, old, new and the change; with small
//!   areas in either run, also the UK's babies in them by distance band and those left out;
//! - the same figures for each region, upper tier, ICB and health board in `rollups.csv`
//!   (keyed by level and code), when both runs wrote one with the columns covgap writes now
//!   (a run folder from a covgap before it is still compared, without them, and the report
//!   says so).
//!
//! `teams.geojson` lists every team, those with no known base as unlocated features, so
//! teams the list gives only by the areas they serve are compared too. Outputs from before
//! covgap wrote them leave such teams out (fewer features than `summary.json`'s
//! `teams_in_list`); against those, teams with no base are left out of the comparison, and the
//! report says so. The areas they cover still show as newly covered or uncovered.
//!
//! With boundaries for part of the UK, `teams.geojson` also lists the teams serving only areas
//! outside them, marked `outside_boundaries`. Outputs from before covgap listed them leave them
//! out (`summary.json` counts them in `teams_beyond_boundaries`, and no feature carries the
//! property); against those, teams outside are left out of the comparison, and the report says
//! so. A team outside one run's boundaries and inside the other's is changed, not added or
//! removed.
//!
//! When the runs count different measures (live births, population aged 0), both are shown
//! but no change is given for the figures of babies or their shares.
//!
//! When the runs read different boundaries (told apart by the SHA-256 `run.json` records for
//! them, or, for outputs without it, by their names in `summary.json`), the report says so. If
//! the two runs' areas differ, their totals count different places: both are shown, but no
//! change is given for the areas, babies, shares or teams counted (those covering the areas
//! given), since it would come from the areas, not from the teams. If the areas are the same
//! (the same codes, drawn from another file), the changes are given, with the warning that a
//! base may fall in another area.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Result};
use crate::read::teams::team_key;
use crate::write::tables::markdown_cell as md_cell;
use crate::write::{excel_csv, thousands};

/// A team as one run's `teams.geojson` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamRow {
    pub name: String,
    pub host_org: String,
    pub counted: bool,
    /// Codes of the areas it covers, `;`-separated.
    pub covers: String,
    /// It serves only areas outside the boundaries given (`outside_boundaries`; false in
    /// outputs from before covgap listed such teams).
    pub outside: bool,
    /// Whether it has a base (a point geometry) or is an unlocated feature.
    pub located: bool,
    /// The base, WGS84 longitude and latitude, when it has one.
    pub at: Option<(f64, f64)>,
}

impl TeamRow {
    /// How far the base moved from `old`'s, in km (geo's geodesic distance on the WGS84
    /// ellipsoid), when both have one.
    pub fn moved_km(&self, old: &TeamRow) -> Option<f64> {
        use geo::{Distance, Geodesic, Point};
        let (a, b) = (Point::from(old.at?), Point::from(self.at?));
        Some(Geodesic.distance(a, b) / 1000.0)
    }
}

/// A base moved further than this (km) is a change: the 6 decimals of `teams.geojson` are
/// about 0.1 m, so anything less is the same place written again.
pub const MOVED_KM: f64 = 0.01;

/// An area as one run's `areas.geojson` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaRow {
    pub name: String,
    pub covered: bool,
    pub figure: Option<u64>,
    pub teams: String,
}

/// The outputs of one run that a diff compares.
#[derive(Debug, Clone)]
pub struct RunOutputs {
    pub dir: PathBuf,
    /// Teams by name, as [`team_key`] folds it: a team is the same team whatever the case or
    /// spacing of its name, and whatever its host organisation, as `run` tells teams apart.
    pub teams: BTreeMap<String, TeamRow>,
    /// Whether `teams.geojson` marks the teams serving only areas outside the boundaries
    /// given (its features carry `outside_boundaries`), as covgap's does since it lists them.
    pub marks_outside: bool,
    /// Areas by code.
    pub areas: BTreeMap<String, AreaRow>,
    /// `summary.json` as written.
    pub summary: Value,
    /// `run.json` as written; `None` for outputs from before covgap wrote it.
    pub run: Option<Value>,
    /// `rollups.csv`'s rows below the nations (regions, upper tiers, ICBs, health boards), by
    /// level (in [`ROLLUP_LEVELS`]' order) and code; or why they cannot be compared (the
    /// file is missing, or lacks a column), for outputs from an older covgap.
    pub rollups: std::result::Result<BTreeMap<(usize, String), RollupRow>, String>,
}

/// The levels of `rollups.csv` below the nations that `diff` compares, in report order: the
/// key `rollups.csv` gives them, and their names in `diff.md` (one, several).
pub const ROLLUP_LEVELS: &[(&str, &str, &str)] = &[
    ("region", "Region", "Regions"),
    ("upper_tier", "Upper tier", "Upper tiers"),
    ("icb", "ICB", "ICBs"),
    ("health_board", "Health board", "Health boards"),
];

/// One row of `rollups.csv` below the nations: its name and its figures, by the fields the
/// nations are compared on (`NATION`, in that order), `None` where a cell is blank or not a number.
#[derive(Debug, Clone, PartialEq)]
pub struct RollupRow {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// Reads `rollups.csv`'s rows below the nations, their figures in `measure` (the key its
/// columns are named by: `births`, `age0`). `Err` says why they cannot be compared: the
/// file is missing or unreadable, or lacks a column covgap writes now.
fn read_rollups(
    dir: &Path,
    measure: &str,
) -> std::result::Result<BTreeMap<(usize, String), RollupRow>, String> {
    let path = dir.join("rollups.csv");
    let shown = format!("`{}`", path.display());
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "{} has no rollups.csv (a covgap from before wrote none)",
                dir.display()
            ))
        }
        Err(e) => return Err(format!("{shown} could not be read ({e})")),
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{shown} is not a CSV table ({e})"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let (total, covered) = (format!("{measure}_total"), format!("{measure}_covered"));
    let wanted = [
        "level",
        "code",
        "name",
        "areas_total",
        "areas_covered",
        "areas_without_figure",
        total.as_str(),
        covered.as_str(),
    ];
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|w| !header.iter().any(|h| h == *w))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{shown} has no column {} (a covgap from before wrote other columns)",
            missing.join(", ")
        ));
    }
    let col = |w: &str| header.iter().position(|h| h == w).expect("checked");
    let mut rows = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{shown} is not a CSV table ({e})"))?;
        let cell = |w: &str| record.get(col(w)).unwrap_or("").trim();
        let Some(level) = ROLLUP_LEVELS.iter().position(|(k, ..)| *k == cell("level")) else {
            continue;
        };
        let number = |w: &str| cell(w).parse::<f64>().ok();
        let (t, c) = (number(&total), number(&covered));
        let values = NATION
            .iter()
            .map(|f| match *f {
                "demand_total" => t,
                "demand_covered" => c,
                // Worked out from the two whole numbers, as for the nations; none when no
                // babies were counted.
                "percent_covered" => match (c, t) {
                    (Some(_), Some(t)) if t <= 0.0 => None,
                    (Some(c), Some(t)) => Some(crate::write::percent_number(c as u64, t as u64)),
                    _ => None,
                },
                f => number(f),
            })
            .collect();
        rows.insert(
            (level, cell("code").to_string()),
            RollupRow {
                name: cell("name").to_string(),
                values,
            },
        );
    }
    Ok(rows)
}

fn read_json(dir: &Path, name: &str) -> Result<Value> {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| Error::Format {
        path,
        message: format!("is not valid JSON ({e}); is this folder the output of `covgap run`?"),
    })
}

fn features<'a>(dir: &Path, name: &str, v: &'a Value) -> Result<&'a Vec<Value>> {
    v.get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::Format {
            path: dir.join(name),
            message: "has no \"features\" array".into(),
        })
}

/// `summary.json`'s `sources.figures_source`, or empty.
fn figures_source(run: &RunOutputs) -> String {
    run.summary
        .get("sources")
        .map(|s| text(s, "figures_source"))
        .unwrap_or_default()
}

/// Fingerprints in sorted order, to compare several tables given in any order.
fn sorted(h: &[String]) -> Vec<&String> {
    let mut v: Vec<&String> = h.iter().collect();
    v.sort_unstable();
    v
}

/// Whether two figures sources name the same tables, in any order (the `; `-separated parts
/// of each).
fn same_tables(old: &str, new: &str) -> bool {
    fn tables(s: &str) -> Vec<&str> {
        let mut parts: Vec<&str> = s.split("; ").collect();
        parts.sort_unstable();
        parts
    }
    tables(old) == tables(new)
}

fn text(p: &Value, k: &str) -> String {
    match p.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

impl RunOutputs {
    /// Reads the outputs of `covgap run` from `dir`.
    pub fn read(dir: &Path) -> Result<RunOutputs> {
        let not_a_run = |message: &str| Error::Format {
            path: dir.to_path_buf(),
            message: format!("{message}; give the folders `covgap run --out` wrote"),
        };
        if !dir.exists() {
            return Err(not_a_run("no such folder"));
        }
        if !dir.is_dir() {
            return Err(not_a_run(
                "is a file, not the output folder of a covgap run",
            ));
        }
        if !dir.join("summary.json").exists() {
            return Err(Error::Format {
                path: dir.to_path_buf(),
                message: "is not the output folder of a covgap run: it has no summary.json (give the folders `covgap run --out` wrote)".into(),
            });
        }
        let summary = read_json(dir, "summary.json")?;
        // Every covgap has written these: a summary without them (another program's, or one
        // edited) would be compared as a run of no areas and an unnamed figure.
        let missing: Vec<&str> = [("covgap_version", true), ("areas_total", false)]
            .into_iter()
            .filter(|&(k, is_text)| match summary.get(k) {
                Some(v) if is_text => !v.is_string(),
                Some(v) => !v.is_u64(),
                None => true,
            })
            .map(|(k, _)| k)
            .collect();
        if !missing.is_empty() {
            return Err(Error::Format {
                path: dir.join("summary.json"),
                message: format!(
                    "is not the summary.json `covgap run` writes: it has no {} (was it edited, or written by another program?); give the folders `covgap run --out` wrote",
                    missing
                        .iter()
                        .map(|k| format!("{k:?}"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            });
        }
        let key = summary
            .get("measure")
            .and_then(Value::as_str)
            .unwrap_or("births")
            .to_string();
        let tj = read_json(dir, "teams.geojson")?;
        let mut teams: BTreeMap<String, TeamRow> = BTreeMap::new();
        // The feature each team came from, to name both of two that are one team.
        let mut feature_of: BTreeMap<String, usize> = BTreeMap::new();
        let mut marks_outside = false;
        let bad = |n: usize, what: &str| Error::Format {
            path: dir.join("teams.geojson"),
            message: format!(
                "feature {n}: {what}; covgap writes every team with a name (was the file edited?)"
            ),
        };
        for (i, f) in features(dir, "teams.geojson", &tj)?.iter().enumerate() {
            let n = i + 1;
            let p = &f["properties"];
            if !p.is_object() {
                return Err(bad(n, "has no properties"));
            }
            let name = match p.get("name") {
                Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
                _ => return Err(bad(n, "has no name")),
            };
            let at = match &f["geometry"] {
                Value::Null => None,
                g => Some(
                    g["coordinates"]
                        .as_array()
                        .and_then(|c| Some((c.first()?.as_f64()?, c.get(1)?.as_f64()?)))
                        .ok_or_else(|| bad(n, "its point is not two numbers"))?,
                ),
            };
            let outside = p.get("outside_boundaries").and_then(Value::as_bool);
            marks_outside |= outside.is_some();
            let row = TeamRow {
                name,
                host_org: text(p, "host_org"),
                counted: p["counted"].as_bool().unwrap_or(false),
                covers: text(p, "covers"),
                outside: outside.unwrap_or(false),
                located: at.is_some(),
                at,
            };
            // Two features that are one team (names the same, case and spacing aside), as
            // `run` refuses in a list: one would be lost from the comparison.
            let key = team_key(&row.name);
            if let Some(first) = feature_of.insert(key.clone(), n) {
                return Err(Error::Format {
                    path: dir.join("teams.geojson"),
                    message: format!(
                        "features {first} and {n} are one team, {:?} and {:?} being the same name but for case and spacing, which covgap tells teams apart by; covgap writes each team once (was the file edited?)",
                        teams[&key].name, row.name
                    ),
                });
            }
            teams.insert(key, row);
        }
        let aj = read_json(dir, "areas.geojson")?;
        let mut areas = BTreeMap::new();
        for f in features(dir, "areas.geojson", &aj)? {
            let p = &f["properties"];
            areas.insert(
                text(p, "code"),
                AreaRow {
                    name: text(p, "name"),
                    covered: p["covered"].as_bool().unwrap_or(false),
                    figure: p[key.as_str()].as_u64(),
                    teams: text(p, "teams"),
                },
            );
        }
        let run = if dir.join("run.json").exists() {
            Some(read_json(dir, "run.json")?)
        } else {
            None
        };
        let rollups = read_rollups(dir, &key);
        Ok(RunOutputs {
            dir: dir.to_path_buf(),
            teams,
            marks_outside,
            areas,
            summary,
            run,
            rollups,
        })
    }

    /// The boundaries this run read: their name (a path, or the built-in boundaries' name) and,
    /// when `run.json` records them, the SHA-256 of each boundary file by role (a Shapefile's
    /// `.dbf` and `.prj` too). The fingerprint is `None` when any of them has no hash.
    pub fn boundaries(&self) -> (String, Option<Vec<(String, String)>>) {
        let name = self
            .summary
            .get("sources")
            .map(|s| text(s, "boundaries"))
            .unwrap_or_default();
        let hashes = self.run.as_ref().and_then(|r| {
            r.get("inputs")?
                .as_array()?
                .iter()
                .filter(|i| text(i, "role").starts_with("boundaries"))
                .map(|i| Some((text(i, "role"), i.get("sha256")?.as_str()?.to_string())))
                .collect::<Option<Vec<_>>>()
                .filter(|v| !v.is_empty())
        });
        (name, hashes)
    }

    /// The SHA-256 of each `--births` table this run read (`run.json`'s inputs of role
    /// `figures` with a path), in the order of the tables (that of `--births`, as the figures'
    /// source names them): `None` for the built-in figures (compared by the release they
    /// name), without `run.json`, or when any table has no fingerprint (read from standard
    /// input).
    pub fn figure_hashes(&self) -> Option<Vec<String>> {
        let inputs = self.run.as_ref()?.get("inputs")?.as_array()?;
        inputs
            .iter()
            .filter(|i| text(i, "role") == "figures" && !text(i, "path").is_empty())
            .map(|i| Some(i.get("sha256")?.as_str()?.to_string()))
            .collect::<Option<Vec<_>>>()
            .filter(|v| !v.is_empty())
    }

    /// Whether `teams.geojson` lists every team in the list, those with no base included;
    /// outputs from before covgap wrote unlocated teams have fewer features than
    /// `summary.json`'s `teams_in_list`.
    pub fn lists_unlocated(&self) -> bool {
        // Teams serving only areas outside the boundaries given are in the list's count, and
        // in teams.geojson only since it marks them.
        let left_out = if self.marks_outside {
            0
        } else {
            self.teams_beyond().unwrap_or(0)
        };
        self.summary
            .get("teams_in_list")
            .and_then(Value::as_u64)
            .is_none_or(|n| self.teams.len() as u64 + left_out >= n)
    }

    /// `summary.json`'s `teams_beyond_boundaries`: `None` in outputs from before covgap
    /// counted them.
    fn teams_beyond(&self) -> Option<u64> {
        self.summary
            .get("teams_beyond_boundaries")
            .and_then(Value::as_u64)
    }

    /// Whether `teams.geojson` lists the teams serving only areas outside the boundaries
    /// given: it marks them, or the run had none. A covgap from before listed them left them
    /// out (and one from before it counted them said nothing of them).
    pub fn lists_outside(&self) -> bool {
        self.marks_outside || self.teams_beyond() == Some(0)
    }
}

/// How the change in babies in areas with a team splits, when the figures changed too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FiguresRevised {
    /// Areas with a figure in both runs that differs.
    pub areas: usize,
    /// Areas in both runs with a figure in one of them only (lost or gained).
    pub one_run_only: usize,
    /// The babies of the areas newly covered (at their new figure) less those of the areas
    /// newly uncovered (at their old figure).
    pub from_coverage: i64,
    /// The new figures less the old over the areas covered in both runs.
    pub from_figures: i64,
    /// Areas covered in both runs whose figure differs or is in one run only: with none, the
    /// new figures play no part in the change in babies in areas with a team.
    pub with_a_team: usize,
}

/// One figure, old and new.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Whether it is a headline figure (over every area) rather than a nation's or a
    /// smaller geography's.
    pub headline: bool,
    /// What it is about, as `diff.csv`'s `section` gives it: `headline`, `nation`, or the
    /// level of `rollups.csv` below the nations (`region`, `upper_tier`, `icb`,
    /// `health_board`).
    pub section: &'static str,
    /// The nation's (or region's, ...) ONS code; for headline figures, the UK's
    /// (`K02000001`), or empty when the runs' areas are part of the UK.
    pub code: String,
    /// "United Kingdom", "All areas given" or the nation's (region's, ...) name.
    pub name: String,
    pub field: &'static str,
    pub old: Option<f64>,
    pub new: Option<f64>,
    /// Whether old and new count the same thing: a figure of babies is not, when the two
    /// runs count different measures.
    pub comparable: bool,
}

impl Change {
    /// New minus old; `None` when either is missing or they are not comparable.
    pub fn delta(&self) -> Option<f64> {
        if !self.comparable {
            return None;
        }
        Some(self.new? - self.old?)
    }
}

/// Everything that changed between two runs.
#[derive(Debug, Clone)]
pub struct Diff {
    pub old_dir: PathBuf,
    pub new_dir: PathBuf,
    pub old_period: String,
    pub new_period: String,
    /// Each run's figure in words (`summary.json`'s `measure_description`).
    pub old_measure: String,
    pub new_measure: String,
    /// Each run's figures source (`summary.json`'s `sources.figures_source`: the built-in
    /// table, or the user's `--births` tables); empty in outputs that do not give it. When the
    /// two name the same tables but `run.json` fingerprints them with other contents, each
    /// ends with the start of its tables' SHA-256 (`births.csv (SHA-256 a7b59b3b67c1…)`).
    pub old_source: String,
    pub new_source: String,
    /// The SHA-256 of each run's `--births` tables, in their order, when `run.json` fingerprints
    /// every one; `None` for the built-in figures, outputs without `run.json`, or a table read
    /// from standard input. Two runs both with fingerprints read the same figures when these
    /// are the same, whatever the files are called.
    pub old_figure_hashes: Option<Vec<String>>,
    pub new_figure_hashes: Option<Vec<String>>,
    pub teams_added: Vec<TeamRow>,
    pub teams_removed: Vec<TeamRow>,
    /// Teams in both runs whose counted status, covered areas or base changed: (old, new).
    pub teams_changed: Vec<(TeamRow, TeamRow)>,
    /// Teams in both runs whose name or host organisation is written otherwise, only in case
    /// or spacing ("City Team" → "city team"): the same team, renamed: (old, new). Listed
    /// apart from `teams_changed` (where one also is when something else changed).
    pub teams_renamed: Vec<(TeamRow, TeamRow)>,
    /// Teams with no base were left out of the team comparison, because one run's
    /// `teams.geojson` (from before covgap wrote them) does not list them.
    pub unlocated_not_compared: bool,
    /// Teams serving only areas outside the boundaries given were left out of the team
    /// comparison, because one run's `teams.geojson` (from before covgap listed them) does not
    /// list them, and the other lists some.
    pub outside_not_compared: bool,
    /// Codes and rows (new run) of areas covered now but not before.
    pub newly_covered: Vec<(String, AreaRow)>,
    /// Codes and rows of areas uncovered now but covered before: the new run's row, with the
    /// teams that covered the area in the old run as its `teams` (it has none now).
    pub newly_uncovered: Vec<(String, AreaRow)>,
    pub areas_added: Vec<(String, AreaRow)>,
    pub areas_removed: Vec<(String, AreaRow)>,
    /// Areas in both runs with a figure in the old run and none in the new (none in the table,
    /// or suppressed): code, the new row, and the old figure. Their babies left the new
    /// totals, which then fall without any team changing.
    pub figures_lost: Vec<(String, AreaRow, u64)>,
    /// Areas in both runs with no figure in the old run and one in the new.
    pub figures_gained: Vec<(String, AreaRow)>,
    /// When the same areas have other figures in the new run (a new or revised figures
    /// table) and the runs count one measure: how the change in babies in areas with a team
    /// splits between the teams and the figures. `None` otherwise.
    pub figures_revised: Option<FiguresRevised>,
    /// Headline figures, then each nation's, then each region's, upper tier's, ICB's and
    /// health board's (by level, then code), from `rollups.csv`.
    pub figures: Vec<Change>,
    /// Why the rows of `rollups.csv` below the nations were not compared (one run's file is
    /// missing or lacks a column), one reason for each run; empty when they were compared.
    pub rollups_not_compared: Vec<String>,
    /// Geographies below the nations in both runs, and how many of them did not change.
    pub rollups_compared: usize,
    pub rollups_unchanged: usize,
    /// Geographies below the nations in one run only: level (`region`, ...), code, name, and
    /// whether it is the new run's.
    pub rollups_one_run: Vec<(&'static str, String, String, bool)>,
    /// The code and name of the total over every area (`summary.json`'s total rollup):
    /// `K02000001`, "United Kingdom"; or empty, "All areas given"; or, when the runs' totals
    /// differ, empty and both names ("United Kingdom / All areas given").
    pub total: (String, String),
    /// Each run's boundaries, as named in its outputs, with the start of their SHA-256 when
    /// `run.json` records it.
    pub old_boundaries: String,
    pub new_boundaries: String,
    /// The runs read different boundaries (by content when both `run.json` files record it,
    /// by name otherwise, and always when their areas differ).
    pub boundaries_changed: bool,
    /// Nations with a row in one run only though the areas are the same: one covgap gives a
    /// nation's total for part of it, the other only for the whole (not compared).
    pub partial_nations: Vec<String>,
}

const HEADLINE: &[&str] = &[
    "areas_total",
    "areas_covered",
    "areas_without_figure",
    "demand_total",
    "demand_covered",
    "demand_uncovered",
    "percent_covered",
    "teams_in_list",
    "teams_counted",
];
/// With small areas (`summary.json`'s `small_areas`): the UK's babies by distance band and
/// those left out, from `distance_bands` and `left_out`.
const SMALL_AREAS: &[&str] = &[
    "small_areas_babies_total",
    "small_areas_babies_covered",
    "small_areas_babies_within_10km",
    "small_areas_babies_10_to_25km",
    "small_areas_babies_25_to_50km",
    "small_areas_babies_over_50km",
    "small_areas_babies_left_out",
];
const NATION: &[&str] = &[
    "areas_total",
    "areas_covered",
    "areas_without_figure",
    "demand_total",
    "demand_covered",
    "percent_covered",
];

/// Compares two runs.
///
/// # Examples
/// ```
/// use covgap::{analyse_inputs, diff, error::Diagnostics, load::Inputs, write};
/// let a = analyse_inputs(&Inputs::default(), &mut Diagnostics::new()).unwrap();
/// let dir = tempfile::tempdir().unwrap();
/// write::commit(dir.path(), &a.render(), &[], write::RUN_OUTPUTS).unwrap();
/// let run = diff::RunOutputs::read(dir.path()).unwrap();
/// let d = diff::diff(&run, &run);
/// assert!(d.is_empty());
/// assert!(d.markdown().contains("Nothing changed."));
/// ```
pub fn diff(old: &RunOutputs, new: &RunOutputs) -> Diff {
    let mut d = Diff {
        old_dir: old.dir.clone(),
        new_dir: new.dir.clone(),
        old_period: text(&old.summary, "period"),
        new_period: text(&new.summary, "period"),
        old_measure: text(&old.summary, "measure_description"),
        new_measure: text(&new.summary, "measure_description"),
        old_source: figures_source(old),
        new_source: figures_source(new),
        old_figure_hashes: old.figure_hashes(),
        new_figure_hashes: new.figure_hashes(),
        teams_added: Vec::new(),
        teams_removed: Vec::new(),
        teams_changed: Vec::new(),
        teams_renamed: Vec::new(),
        unlocated_not_compared: !(old.lists_unlocated() && new.lists_unlocated()),
        outside_not_compared: false,
        newly_covered: Vec::new(),
        newly_uncovered: Vec::new(),
        areas_added: Vec::new(),
        areas_removed: Vec::new(),
        figures_lost: Vec::new(),
        figures_gained: Vec::new(),
        figures_revised: None,
        figures: Vec::new(),
        rollups_not_compared: Vec::new(),
        rollups_compared: 0,
        rollups_unchanged: 0,
        rollups_one_run: Vec::new(),
        total: {
            let uk = || ("K02000001".to_string(), "United Kingdom".to_string());
            match (
                total_of(&old.summary).unwrap_or_else(uk),
                total_of(&new.summary).unwrap_or_else(uk),
            ) {
                (o, n) if o == n => n,
                // The UK, then part of it (or the reverse): both named.
                (o, n) => (String::new(), format!("{} / {}", o.1, n.1)),
            }
        },
        old_boundaries: String::new(),
        new_boundaries: String::new(),
        boundaries_changed: false,
        partial_nations: Vec::new(),
    };
    let ((old_name, old_hash), (new_name, new_hash)) = (old.boundaries(), new.boundaries());
    let label = |name: &str, hash: &Option<Vec<(String, String)>>| match hash {
        Some(h) => format!("{name} (SHA-256 {}…)", &h[0].1[..h[0].1.len().min(12)]),
        None => name.to_string(),
    };
    // Tables of the same names with other contents (this year's figures saved over last
    // year's file) are told apart by their fingerprints.
    if let (Some(o), Some(n)) = (&d.old_figure_hashes, &d.new_figure_hashes) {
        if sorted(o) != sorted(n) && same_tables(&d.old_source, &d.new_source) {
            // Each table with its own fingerprint, so the one that changed can be seen: a
            // list of them after all the tables, sorted, put the tables' hashes in another
            // order than the tables and seemed to say another table had changed.
            let short = |h: &String| format!("SHA-256 {}…", &h[..h.len().min(12)]);
            let label = |source: &str, h: &[String]| {
                let parts: Vec<&str> = source.split("; ").collect();
                if parts.len() == h.len() {
                    parts
                        .iter()
                        .zip(h)
                        .map(|(p, h)| format!("{p} ({})", short(h)))
                        .collect::<Vec<_>>()
                        .join("; ")
                } else {
                    let list: Vec<String> = h.iter().map(short).collect();
                    format!("{source} ({})", list.join(", "))
                }
            };
            d.old_source = label(&d.old_source, o);
            d.new_source = label(&d.new_source, n);
        }
    }
    d.old_boundaries = label(&old_name, &old_hash);
    d.new_boundaries = label(&new_name, &new_hash);
    let same_areas = old.areas.keys().eq(new.areas.keys());
    d.boundaries_changed = !same_areas
        || match (&old_hash, &new_hash) {
            (Some(o), Some(n)) => o != n,
            _ => old_name != new_name,
        };
    // A run whose teams.geojson left out the teams outside its boundaries: those the other
    // lists would read as added or removed.
    let outside_compared = old.lists_outside() && new.lists_outside();
    d.outside_not_compared = !outside_compared
        && old
            .teams
            .values()
            .chain(new.teams.values())
            .any(|t| t.outside);
    // A team outside the boundaries is still compared when the other run lists it too (one
    // the list gives no place, left out with the teams outside in one run only).
    let compared = |k, t: &TeamRow, other: &BTreeMap<_, TeamRow>| {
        (t.located || !d.unlocated_not_compared)
            && (outside_compared || !t.outside || other.contains_key(k))
    };
    let (old_teams, new_teams): (BTreeMap<_, _>, BTreeMap<_, _>) = (
        old.teams
            .iter()
            .filter(|(k, t)| compared(*k, t, &new.teams))
            .collect(),
        new.teams
            .iter()
            .filter(|(k, t)| compared(*k, t, &old.teams))
            .collect(),
    );
    for (k, t) in &new_teams {
        if let Some(o) = old_teams.get(k) {
            if o.name != t.name {
                d.teams_renamed.push(((*o).clone(), (*t).clone()));
            }
        }
        match old_teams.get(k) {
            None => d.teams_added.push((*t).clone()),
            Some(o)
                if o.counted != t.counted
                    || team_key(&o.host_org) != team_key(&t.host_org)
                    || o.covers != t.covers
                    || o.outside != t.outside
                    || o.located != t.located
                    || t.moved_km(o).is_some_and(|km| km > MOVED_KM) =>
            {
                d.teams_changed.push(((*o).clone(), (*t).clone()))
            }
            Some(_) => {}
        }
    }
    for (k, t) in &old_teams {
        if !new_teams.contains_key(k) {
            d.teams_removed.push((*t).clone());
        }
    }
    for (code, a) in &new.areas {
        match old.areas.get(code) {
            None => d.areas_added.push((code.clone(), a.clone())),
            Some(o) if !o.covered && a.covered => d.newly_covered.push((code.clone(), a.clone())),
            Some(o) if o.covered && !a.covered => d.newly_uncovered.push((
                code.clone(),
                AreaRow {
                    teams: o.teams.clone(),
                    ..a.clone()
                },
            )),
            Some(_) => {}
        }
        match (old.areas.get(code).map(|o| o.figure), a.figure) {
            (Some(Some(was)), None) => d.figures_lost.push((code.clone(), a.clone(), was)),
            (Some(None), Some(_)) => d.figures_gained.push((code.clone(), a.clone())),
            _ => {}
        }
    }
    for (code, a) in &old.areas {
        if !new.areas.contains_key(code) {
            d.areas_removed.push((code.clone(), a.clone()));
        }
    }
    // New figures for the same areas move the babies in areas with a team by themselves: the
    // change is split into the areas newly covered or uncovered (each at its figure in the run
    // in which it has a team) and the figures of the areas covered in both, which add up to
    // it. No area's figure is taken as 0, as the totals leave it out.
    if same_areas && !d.measure_changed() {
        let fig = |a: &AreaRow| a.figure.unwrap_or(0) as i64;
        let (mut areas, mut one_run_only, mut from_coverage, mut from_figures) = (0, 0, 0, 0);
        let mut with_a_team = 0;
        for (code, a) in &new.areas {
            let o = &old.areas[code];
            with_a_team += usize::from(o.covered && a.covered && o.figure != a.figure);
            match (o.figure, a.figure) {
                (Some(x), Some(y)) => areas += usize::from(x != y),
                (None, None) => {}
                _ => one_run_only += 1,
            }
            match (o.covered, a.covered) {
                (false, true) => from_coverage += fig(a),
                (true, false) => from_coverage -= fig(o),
                (true, true) => from_figures += fig(a) - fig(o),
                (false, false) => {}
            }
        }
        if areas + one_run_only > 0 {
            d.figures_revised = Some(FiguresRevised {
                areas,
                one_run_only,
                from_coverage,
                from_figures,
                with_a_team,
            });
        }
    }
    // A share is worked out from the two whole numbers, as every output now writes it (one
    // decimal, a half up), so a run written when summary.json carried two decimals compares
    // as it reads: 19.07 then and 19.1 now are the same 19.1.
    let num = |v: &Value, k: &str| match k {
        "percent_covered" => match (
            v.get("demand_covered").and_then(Value::as_u64),
            v.get("demand_total").and_then(Value::as_u64),
        ) {
            // No babies counted: no share (not 0.0).
            (Some(_), Some(0)) => None,
            (Some(c), Some(t)) => Some(crate::write::percent_number(c, t)),
            _ => v.get(k).and_then(Value::as_f64),
        },
        _ => v.get(k).and_then(Value::as_f64),
    };
    // `teams_in_list` counts the whole list since `teams_beyond_boundaries` was written; a run
    // from before counted only the teams kept. Against such a run, the teams kept are compared.
    let beyond = |s: &Value| s.get("teams_beyond_boundaries").and_then(Value::as_f64);
    let kept_only = beyond(&old.summary).is_some() != beyond(&new.summary).is_some();
    let headline = |s: &Value, f: &str| match (f, kept_only) {
        ("teams_in_list", true) => num(s, f).map(|n| n - beyond(s).unwrap_or(0.0)),
        _ => num(s, f),
    };
    // Babies counted in different measures (and their shares) do not compare, and nor do
    // any figures of areas or babies over different areas. Nor does the count of teams
    // covering the areas given: over other areas it counts other teams ("-26" would read as
    // 26 teams closed), and so does the count of the list's teams against a run from before
    // it counted the whole list (it then counts the teams kept for each run's areas).
    let measure_changed = d.measure_changed();
    let comparable = |f: &str| {
        let babies = f.starts_with("demand") || f.starts_with("percent");
        let by_areas =
            f.starts_with("areas") || f == "teams_counted" || (f == "teams_in_list" && kept_only);
        !((measure_changed && babies) || (!same_areas && (babies || by_areas)))
    };
    // The total row's code and name as the new run gives it (the old run's, if the new has
    // none; the UK's for outputs from before covgap wrote "All areas given").
    let (total_code, total_name) = d.total.clone();
    let uk = |field: &'static str, old: Option<f64>, new: Option<f64>, comparable: bool| Change {
        headline: true,
        section: "headline",
        code: total_code.clone(),
        name: total_name.clone(),
        field,
        old,
        new,
        comparable,
    };
    for f in HEADLINE {
        d.figures.push(uk(
            f,
            headline(&old.summary, f),
            headline(&new.summary, f),
            comparable(f),
        ));
    }
    // Small areas place babies by distance to the nearest team: when either run counted them,
    // their band totals (a figure of their own, from the small-area figures) are compared too.
    let small = |s: &Value, f: &str| -> Option<f64> {
        let sm = s.get("small_areas")?;
        match f {
            "small_areas_babies_left_out" => sm.get("left_out")?.get("babies")?.as_f64(),
            _ => sm
                .get("distance_bands")?
                .get(f.trim_start_matches("small_areas_"))?
                .as_f64(),
        }
    };
    if old.summary.get("small_areas").is_some() || new.summary.get("small_areas").is_some() {
        for f in SMALL_AREAS {
            d.figures.push(uk(
                f,
                small(&old.summary, f),
                small(&new.summary, f),
                same_areas,
            ));
        }
    }
    let nations = |s: &Value| -> BTreeMap<String, Value> {
        s.get("nations")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|n| (text(n, "code"), n.clone())).collect())
            .unwrap_or_default()
    };
    let (on, nn) = (nations(&old.summary), nations(&new.summary));
    let mut codes: Vec<&String> = on.keys().chain(nn.keys()).collect();
    codes.sort();
    codes.dedup();
    for code in codes {
        let (o, n) = (on.get(code), nn.get(code));
        let name = text(n.or(o).expect("in one of them"), "name");
        // The same areas, a nation in one run only: for part of the UK, a nation has a row
        // only when all of it is given (a run from before gave one for any part of it).
        if same_areas && o.is_some() != n.is_some() {
            d.partial_nations.push(name.clone());
            continue;
        }
        for f in NATION {
            d.figures.push(Change {
                headline: false,
                section: "nation",
                code: code.clone(),
                name: name.clone(),
                field: f,
                old: o.and_then(|v| num(v, f)),
                new: n.and_then(|v| num(v, f)),
                comparable: comparable(f),
            });
        }
    }
    // The regions, upper tiers, ICBs and health boards, from each run's rollups.csv, as the
    // nations are compared: when a run has none (an older covgap), they are not compared.
    match (&old.rollups, &new.rollups) {
        (Ok(or), Ok(nr)) => {
            let mut keys: Vec<&(usize, String)> = or.keys().chain(nr.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let (level, code) = (ROLLUP_LEVELS[key.0].0, &key.1);
                let (o, n) = (or.get(key), nr.get(key));
                let name = n.or(o).expect("in one of them").name.clone();
                match (o, n) {
                    (Some(o), Some(n)) => {
                        d.rollups_compared += 1;
                        d.rollups_unchanged += usize::from(o.values == n.values);
                    }
                    _ => d
                        .rollups_one_run
                        .push((level, code.clone(), name.clone(), n.is_some())),
                }
                for (i, f) in NATION.iter().enumerate() {
                    d.figures.push(Change {
                        headline: false,
                        section: level,
                        code: code.clone(),
                        name: name.clone(),
                        field: f,
                        old: o.and_then(|r| r.values[i]),
                        new: n.and_then(|r| r.values[i]),
                        comparable: comparable(f),
                    });
                }
            }
            // By level, then name, as diff.md lists them.
            d.rollups_one_run
                .sort_by(|a, b| (level_rank(a.0), &a.2, &a.1).cmp(&(level_rank(b.0), &b.2, &b.1)));
        }
        (o, n) => {
            d.rollups_not_compared = [o, n]
                .into_iter()
                .filter_map(|r| r.as_ref().err().cloned())
                .collect();
        }
    }
    d
}

/// A level's place in [`ROLLUP_LEVELS`].
fn level_rank(level: &str) -> usize {
    ROLLUP_LEVELS
        .iter()
        .position(|(k, ..)| *k == level)
        .unwrap_or(usize::MAX)
}

/// Whether a team removed and one added are alike in all but their names: the same host
/// organisation, counted or not alike, covering the same areas (some), and based at the same
/// place (within [`MOVED_KM`]) or both with no base. Such a pair is most likely one team
/// renamed, which `diff` still lists as added and removed, since it tells teams apart by name.
fn alike_but_name(o: &TeamRow, n: &TeamRow) -> bool {
    team_key(&o.host_org) == team_key(&n.host_org)
        && o.counted == n.counted
        && o.outside == n.outside
        && !o.covers.is_empty()
        && o.covers == n.covers
        && match (o.at, n.at) {
            (None, None) => true,
            (Some(_), Some(_)) => n.moved_km(o).is_some_and(|km| km <= MOVED_KM),
            _ => false,
        }
}

/// The one team of `others` alike but for its name to `t` ([`alike_but_name`], `t` being the
/// old team when `t_is_old`), when there is exactly one and `t` is the only one of `own` alike
/// to it: a pairing that is not in doubt.
fn renamed_pair<'a>(
    t: &TeamRow,
    own: &[TeamRow],
    others: &'a [TeamRow],
    t_is_old: bool,
) -> Option<&'a TeamRow> {
    let alike = |a: &TeamRow, b: &TeamRow| {
        if t_is_old {
            alike_but_name(a, b)
        } else {
            alike_but_name(b, a)
        }
    };
    let mut found = others.iter().filter(|o| alike(t, o));
    let other = found.next()?;
    if found.next().is_some() || own.iter().filter(|x| alike(x, other)).count() != 1 {
        return None;
    }
    Some(other)
}

/// The areas a team covers, in words: their codes, or "no area".
fn covers_words(covers: &str) -> &str {
    if covers.is_empty() {
        "no area"
    } else {
        covers
    }
}

/// Whether a team serves areas given, in words.
fn outside_words(t: &TeamRow) -> &'static str {
    if t.outside {
        "serves only areas outside the boundaries given"
    } else {
        "serves areas given"
    }
}

/// What changed in a team's base, in words: moved (how far), gained or lost.
fn base_change(o: &TeamRow, n: &TeamRow) -> Option<String> {
    match (o.located, n.located) {
        (true, false) => Some("no longer has a base".into()),
        (false, true) => Some("now has a base".into()),
        _ => n.moved_km(o).filter(|km| *km > MOVED_KM).map(|km| {
            if km < 1.0 {
                format!("base moved {:.0} m", km * 1000.0)
            } else {
                format!("base moved {km:.1} km")
            }
        }),
    }
}

/// The code and name of a run's total rollup (level `uk` or `all`), from `summary.json`.
fn total_of(summary: &Value) -> Option<(String, String)> {
    let r = summary
        .get("rollups")?
        .as_array()?
        .iter()
        .find(|r| matches!(r.get("level").and_then(Value::as_str), Some("uk" | "all")))?;
    Some((text(r, "code"), text(r, "name")))
}

fn fmt_num(field: &str, v: Option<f64>) -> String {
    match v {
        None => "n/a".into(),
        Some(x) if field.starts_with("percent") => format!("{x:.1}"),
        Some(x) if x >= 0.0 => thousands(x.round() as u64),
        Some(x) => format!("-{}", thousands((-x).round() as u64)),
    }
}

fn fmt_delta(field: &str, v: Option<f64>) -> String {
    match v {
        None => "n/a".into(),
        // In tenths, so that two equal shares give 0.0, not -0.0 or +0.0.
        Some(x) if field.starts_with("percent") => match (x * 10.0).round() {
            0.0 => "0.0".into(),
            t => format!("{:+.1}", t / 10.0),
        },
        Some(x) if x > 0.0 => format!("+{}", thousands(x.round() as u64)),
        Some(x) if x < 0.0 => format!("-{}", thousands((-x).round() as u64)),
        Some(_) => "0".into(),
    }
}

fn field_words(field: &str, measure: &str) -> String {
    let mut cap = measure.to_string();
    if let Some(f) = cap.get(0..1) {
        cap.replace_range(0..1, &f.to_uppercase());
    }
    match field {
        "areas_total" => "Areas".into(),
        "areas_covered" => "Areas with a team".into(),
        "areas_without_figure" => "Areas with no figure (left out of the totals)".into(),
        "demand_total" => format!("{cap} (total)"),
        "demand_covered" => format!("{cap} in areas with a team"),
        "demand_uncovered" => format!("{cap} in areas with none"),
        "percent_covered" => format!("% of {measure} in areas with a team"),
        "teams_in_list" => "Teams in the list".into(),
        "teams_counted" => "Teams counted".into(),
        "small_areas_babies_total" => "Babies in the small areas placed in an area (total)".into(),
        "small_areas_babies_covered" => "Babies in the small areas, in areas with a team".into(),
        "small_areas_babies_within_10km" => {
            "Babies in the small areas, up to 10 km from the nearest team".into()
        }
        "small_areas_babies_10_to_25km" => {
            "Babies in the small areas, over 10 up to 25 km from the nearest team".into()
        }
        "small_areas_babies_25_to_50km" => {
            "Babies in the small areas, over 25 up to 50 km from the nearest team".into()
        }
        "small_areas_babies_over_50km" => {
            "Babies in the small areas, over 50 km from the nearest team".into()
        }
        "small_areas_babies_left_out" => {
            "Babies in small areas left out (outside the areas, or across a land border)".into()
        }
        other => other.into(),
    }
}

impl Diff {
    /// Whether the two runs count different figures (say live births, then population
    /// aged 0): their totals then compare unlike things.
    pub fn measure_changed(&self) -> bool {
        self.old_measure != self.new_measure
    }

    /// Whether the runs read their figures from different sources (new births tables, say).
    /// When `run.json` fingerprints both runs' tables, by their contents: new figures saved
    /// under last year's file name are a new source, and the same file renamed is not.
    /// Otherwise by the names the outputs give (not told when either run's outputs do not name
    /// theirs). Either way several tables are compared in any order: the same tables given in
    /// another order read the same figures.
    pub fn source_changed(&self) -> bool {
        match (&self.old_figure_hashes, &self.new_figure_hashes) {
            (Some(o), Some(n)) => sorted(o) != sorted(n),
            _ => {
                !self.old_source.is_empty()
                    && !self.new_source.is_empty()
                    && !same_tables(&self.old_source, &self.new_source)
            }
        }
    }

    /// Whether the two runs' areas differ (some only in one run): their totals then count
    /// different places.
    pub fn areas_differ(&self) -> bool {
        !self.areas_added.is_empty() || !self.areas_removed.is_empty()
    }

    /// What makes the two runs' figures unlike, one sentence each, for standard error (the
    /// same is said at the top of `diff.md`).
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if self.measure_changed() {
            w.push(format!(
                "the runs count different figures ({} in {}, {} in {}); their totals are not comparable",
                self.old_measure,
                self.old_dir.display(),
                self.new_measure,
                self.new_dir.display()
            ));
        }
        if let Some(b) = self.boundaries_words() {
            w.push(format!(
                "{b} (in {} and {})",
                self.old_dir.display(),
                self.new_dir.display()
            ));
        }
        if let Some(f) = self.figures_lost_words() {
            w.push(f);
        }
        w
    }

    /// The sentence on areas that lost their figure, or `None` when none did.
    fn figures_lost_words(&self) -> Option<String> {
        if self.figures_lost.is_empty() {
            return None;
        }
        let babies: u64 = self.figures_lost.iter().map(|(_, _, was)| was).sum();
        let named = crate::write::first_of(
            self.figures_lost
                .iter()
                .map(|(code, a, was)| format!("{} ({code}, {} before)", a.name, thousands(*was))),
            5,
        );
        Some(format!(
            "{} {} no figure in the new run: {named}; {} {} {} in the old run {} left out of the new totals, so totals and shares fall or rise with {}, not with the teams",
            self.figures_lost.len(),
            crate::write::plural(self.figures_lost.len(), "area has", "areas have"),
            crate::write::plural(self.figures_lost.len(), "its", "their"),
            thousands(babies),
            crate::write::plural(babies as usize, "baby", "babies"),
            crate::write::plural(babies as usize, "is", "are"),
            crate::write::plural(self.figures_lost.len(), "it", "them"),
        ))
    }

    /// The sentence on new figures for the same areas, or `None` when they are the same (or
    /// the runs count different measures, which is said instead).
    fn figures_revised_words(&self) -> Option<String> {
        let r = self.figures_revised?;
        let signed = |v: i64| fmt_delta("demand_covered", Some(v as f64));
        let total = r.from_coverage + r.from_figures;
        let another = format!(
            "{} {} in both runs {} another figure in the new run",
            r.areas,
            crate::write::plural(r.areas, "area", "areas"),
            crate::write::plural(r.areas, "has", "have"),
        );
        let one_run = |n: usize| {
            format!(
                "{n} {} a figure in one run only",
                crate::write::plural(n, "area has", "areas have")
            )
        };
        let have = match (r.areas, r.one_run_only) {
            (_, 0) => another,
            (0, n) => one_run(n),
            (_, n) => format!("{another} and {n} a figure in one run only"),
        };
        if self.newly_covered.is_empty() && self.newly_uncovered.is_empty() {
            // No change in babies in areas with a team to explain.
            if total == 0 {
                return None;
            }
            return Some(format!(
                "{have} and no area is newly covered or uncovered, so the change of {} in babies in areas with a team comes from the new figures alone, not from the teams",
                signed(total)
            ));
        }
        if r.with_a_team == 0 {
            // The areas with another figure have no team in either run: the change is the
            // teams' alone, not "from the new figures as well".
            return Some(format!(
                "{have}, {} with a team in both runs, so the change of {} in babies in areas with a team is all in the areas newly covered or uncovered (each counted at its figure in the run in which it has a team)",
                if r.areas + r.one_run_only == 1 {
                    "not an area"
                } else {
                    "none of them an area"
                },
                signed(total)
            ));
        }
        Some(format!(
            "{have}, so the change in babies below comes from the new figures as well as from the teams: of the {} babies in areas with a team, {} {} in the areas newly covered or uncovered (each counted at its figure in the run in which it has a team) and {} {} from the new figures for the areas with a team in both runs",
            signed(total),
            signed(r.from_coverage),
            crate::write::plural(r.from_coverage.unsigned_abs() as usize, "is", "are"),
            signed(r.from_figures),
            crate::write::plural(r.from_figures.unsigned_abs() as usize, "comes", "come"),
        ))
    }

    /// The sentence on different boundaries, or `None` when they are the same.
    fn boundaries_words(&self) -> Option<String> {
        if !self.boundaries_changed {
            return None;
        }
        let (old, new) = (&self.old_boundaries, &self.new_boundaries);
        Some(if self.areas_differ() {
            format!(
                "the runs use different boundaries ({old} → {new}), with different areas: a change in the areas or babies covered, in their share, or in the teams counted (those covering the areas given) would reflect the different areas, not new or closed teams, so no change is given for them; teams may also be listed as changed (covering other areas, or only areas outside the boundaries given), added or removed only because of the different areas"
            )
        } else {
            format!(
                "the runs use different boundaries ({old} → {new}) with the same area codes: a change in coverage may come from a team's base falling in another area as drawn, not from the teams"
            )
        })
    }

    /// Whether anything at all differs.
    pub fn is_empty(&self) -> bool {
        self.old_period == self.new_period
            && !self.measure_changed()
            && !self.source_changed()
            && !self.boundaries_changed
            && self.teams_added.is_empty()
            && self.teams_removed.is_empty()
            && self.teams_changed.is_empty()
            && self.teams_renamed.is_empty()
            && self.newly_covered.is_empty()
            && self.newly_uncovered.is_empty()
            && self.areas_added.is_empty()
            && self.areas_removed.is_empty()
            && self.figures_lost.is_empty()
            && self.figures_gained.is_empty()
            && self.figures.iter().all(|c| c.old == c.new)
    }

    /// `diff.md`'s section on the regions, upper tiers, ICBs and health boards: how many were
    /// compared and unchanged, then, by level and name, the figures of each that changed (old,
    /// new and the change, as for the nations), and those in one run only. `m` names the
    /// figure.
    fn rollups_markdown(&self, s: &mut String, m: &str) {
        if !self.rollups_not_compared.is_empty() {
            return;
        }
        let _ = writeln!(s, "\n## By region, upper tier, ICB and health board\n");
        let changed = self.rollups_compared - self.rollups_unchanged;
        let _ = writeln!(
            s,
            "{} {} in both runs: {} unchanged{}.",
            thousands(self.rollups_compared as u64),
            crate::write::plural(self.rollups_compared, "geography", "geographies"),
            thousands(self.rollups_unchanged as u64),
            match changed {
                0 => String::new(),
                n => format!(", {n} changed, listed below with only the figures that changed"),
            }
        );
        for (level, one, several) in ROLLUP_LEVELS {
            // Each geography of this level in both runs, by name, with its figures that changed.
            let mut rows: BTreeMap<(&str, &str), Vec<&Change>> = BTreeMap::new();
            for c in self.figures.iter().filter(|c| c.section == *level) {
                let in_one = self
                    .rollups_one_run
                    .iter()
                    .any(|(l, code, ..)| l == level && *code == c.code);
                if !in_one && c.old != c.new {
                    rows.entry((c.name.as_str(), c.code.as_str()))
                        .or_default()
                        .push(c);
                }
            }
            if rows.is_empty() {
                continue;
            }
            let _ = writeln!(s, "\n### {several} ({})\n", rows.len());
            let _ = writeln!(s, "| {one} | Figure | Old | New | Change |");
            let _ = writeln!(s, "|---|---|---:|---:|---:|");
            for ((name, code), changes) in rows {
                for c in changes {
                    let _ = writeln!(
                        s,
                        "| {} ({}) | {} | {} | {} | {} |",
                        md_cell(name),
                        md_cell(code),
                        field_words(c.field, m),
                        fmt_num(c.field, c.old),
                        fmt_num(c.field, c.new),
                        fmt_delta(c.field, c.delta())
                    );
                }
            }
        }
        for (in_new, title) in [(false, "old"), (true, "new")] {
            let only: Vec<_> = self
                .rollups_one_run
                .iter()
                .filter(|r| r.3 == in_new)
                .collect();
            if only.is_empty() {
                continue;
            }
            let _ = writeln!(s, "\n### Only in the {title} run ({})\n", only.len());
            // One line for each level, so that runs over different areas (hundreds of
            // geographies in one run only) stay readable.
            for (level, one, several) in ROLLUP_LEVELS {
                let names: Vec<String> = only
                    .iter()
                    .filter(|r| r.0 == *level)
                    .map(|r| format!("{} ({})", md_cell(&r.2), md_cell(&r.1)))
                    .collect();
                match names.len() {
                    0 => {}
                    1 => {
                        let _ = writeln!(s, "- {one}: {}", names[0]);
                    }
                    n => {
                        let _ = writeln!(s, "- {several} ({n}): {}", names.join(", "));
                    }
                }
            }
        }
    }

    /// `diff.md`, ready to paste into a briefing.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let words = |m: &str| -> String {
            if m.is_empty() {
                "figure".into()
            } else {
                m.into()
            }
        };
        let (old_m, new_m) = (words(&self.old_measure), words(&self.new_measure));
        // The rows are named by the figure when both runs count the same one.
        let m = if self.measure_changed() {
            "figure".to_string()
        } else {
            new_m.clone()
        };
        let m = m.as_str();
        let _ = writeln!(s, "# What changed between two covgap runs\n");
        let _ = writeln!(
            s,
            "- Old: `{}` ({old_m}, {})",
            self.old_dir.display(),
            self.old_period
        );
        let _ = writeln!(
            s,
            "- New: `{}` ({new_m}, {})\n",
            self.new_dir.display(),
            self.new_period
        );
        if !self.partial_nations.is_empty() {
            let _ = writeln!(
                s,
                "Not compared: {}, which one run gives a row of its own though only part of it is among the areas (a covgap from before 27 November 2026 did; covgap now gives a nation a total only when all of it is given).\n",
                self.partial_nations.join(", ")
            );
        }
        if self.unlocated_not_compared {
            let _ = writeln!(
                s,
                "Teams with no base are left out of the team comparison: one run's `teams.geojson` comes from a covgap that did not write them. The areas they cover still count.\n"
            );
        }
        if self.outside_not_compared {
            let _ = writeln!(
                s,
                "Teams serving only areas outside the boundaries given are left out of the team comparison: one run's `teams.geojson` comes from a covgap that did not list them.\n"
            );
        }
        if !self.rollups_not_compared.is_empty() {
            let _ = writeln!(
                s,
                "Regions, upper tiers, ICBs and health boards are not compared: {}.\n",
                self.rollups_not_compared.join("; ")
            );
        }
        if self.is_empty() {
            let _ = writeln!(s, "Nothing changed.");
            return s;
        }
        if self.measure_changed() {
            let _ = writeln!(
                s,
                "**The runs count different figures: {old_m} → {new_m}. The old and new totals below measure different things, so no change is given for them.**\n"
            );
        }
        if let Some(b) = self.boundaries_words() {
            let mut b = b;
            if let Some(f) = b.get(0..1) {
                b.replace_range(0..1, &f.to_uppercase());
            }
            let _ = writeln!(s, "**{b}.**\n");
        }
        if let Some(f) = self.figures_lost_words() {
            let mut f = f;
            if let Some(c) = f.get(0..1) {
                f.replace_range(0..1, &c.to_uppercase());
            }
            let _ = writeln!(s, "**{f}.**\n");
        }
        if self.old_period != self.new_period {
            let _ = writeln!(
                s,
                "The figures' period changed: {} → {}.\n",
                self.old_period, self.new_period
            );
        }
        if self.source_changed() {
            let _ = writeln!(
                s,
                "The figures' source changed: {} → {}.\n",
                self.old_source, self.new_source
            );
        }
        if let Some(f) = self.figures_revised_words() {
            let mut f = f;
            if let Some(c) = f.get(0..1) {
                f.replace_range(0..1, &c.to_uppercase());
            }
            let _ = writeln!(s, "**{f}.**\n");
        }
        let _ = writeln!(s, "## Headline\n");
        let _ = writeln!(s, "| Figure | Old | New | Change |");
        let _ = writeln!(s, "|---|---:|---:|---:|");
        for c in self.figures.iter().filter(|c| c.headline) {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                field_words(c.field, m),
                fmt_num(c.field, c.old),
                fmt_num(c.field, c.new),
                fmt_delta(c.field, c.delta())
            );
        }
        let _ = writeln!(s, "\n## By nation\n");
        let _ = writeln!(s, "| Nation | Figure | Old | New | Change |");
        let _ = writeln!(s, "|---|---|---:|---:|---:|");
        for c in self.figures.iter().filter(|c| c.section == "nation") {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                md_cell(&c.name),
                field_words(c.field, m),
                fmt_num(c.field, c.old),
                fmt_num(c.field, c.new),
                fmt_delta(c.field, c.delta())
            );
        }
        self.rollups_markdown(&mut s, m);
        // `others`: the teams of the other list (removed, for those `added`), to mark a team
        // alike to one of them in all but its name as most likely renamed.
        let team_list = |s: &mut String,
                         title: &str,
                         ts: &[TeamRow],
                         others: &[TeamRow],
                         added: bool| {
            let _ = writeln!(s, "\n## {title} ({})\n", ts.len());
            if ts.is_empty() {
                let _ = writeln!(s, "None.");
            }
            for t in ts {
                let renamed = match renamed_pair(t, ts, others, !added) {
                    Some(o) if added => format!(
                        "; most likely the removed \"{}\" renamed: the same host organisation, areas covered and base",
                        o.name
                    ),
                    Some(o) => format!(
                        "; most likely renamed the added \"{}\": the same host organisation, areas covered and base",
                        o.name
                    ),
                    None => String::new(),
                };
                let _ = writeln!(
                    s,
                    "- {}{} ({}; covers {}{}){renamed}",
                    t.name,
                    if t.host_org.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", t.host_org)
                    },
                    if t.counted { "counted" } else { "not counted" },
                    covers_words(&t.covers),
                    if t.outside {
                        "; serves only areas outside the boundaries given"
                    } else {
                        ""
                    }
                );
            }
        };
        team_list(
            &mut s,
            "Teams added",
            &self.teams_added,
            &self.teams_removed,
            true,
        );
        team_list(
            &mut s,
            "Teams removed",
            &self.teams_removed,
            &self.teams_added,
            false,
        );
        if !self.teams_changed.is_empty() {
            let _ = writeln!(s, "\n## Teams changed ({})\n", self.teams_changed.len());
            for (o, n) in &self.teams_changed {
                let mut what = Vec::new();
                if team_key(&o.host_org) != team_key(&n.host_org) {
                    what.push(format!(
                        "host organisation \"{}\" → \"{}\"",
                        o.host_org, n.host_org
                    ));
                }
                if o.counted != n.counted {
                    what.push(format!(
                        "{} → {}",
                        if o.counted { "counted" } else { "not counted" },
                        if n.counted { "counted" } else { "not counted" }
                    ));
                }
                if o.outside != n.outside {
                    what.push(format!("{} → {}", outside_words(o), outside_words(n)));
                }
                if o.covers != n.covers {
                    what.push(format!(
                        "covers {} → {}",
                        covers_words(&o.covers),
                        covers_words(&n.covers)
                    ));
                }
                what.extend(base_change(o, n));
                let _ = writeln!(s, "- {}: {}", n.name, what.join("; "));
            }
        }
        if !self.teams_renamed.is_empty() {
            let _ = writeln!(
                s,
                "\n## Teams renamed, in case or spacing only ({})\n\nThe same teams, compared as one: covgap tells teams apart by name, case and spacing aside.\n",
                self.teams_renamed.len()
            );
            for (o, n) in &self.teams_renamed {
                let _ = writeln!(s, "- \"{}\" → \"{}\"", o.name, n.name);
            }
        }
        // `teams`: what the last column gives, "now" (the new run's teams) or "before" (the
        // old run's, for areas with none now).
        let area_table = |s: &mut String, title: &str, rows: &[(String, AreaRow)], teams: &str| {
            let _ = writeln!(s, "\n## {title} ({})\n", rows.len());
            if rows.is_empty() {
                let _ = writeln!(s, "None.");
                return;
            }
            let _ = writeln!(s, "| Code | Area | {m} | Teams {teams} |");
            let _ = writeln!(s, "|---|---|---:|---|");
            for (code, a) in rows {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} |",
                    md_cell(code),
                    md_cell(&a.name),
                    a.figure.map(thousands).unwrap_or_else(|| "n/a".into()),
                    md_cell(&a.teams)
                );
            }
        };
        area_table(&mut s, "Areas newly covered", &self.newly_covered, "now");
        area_table(
            &mut s,
            "Areas newly uncovered",
            &self.newly_uncovered,
            "before",
        );
        if !self.figures_lost.is_empty() {
            let _ = writeln!(
                s,
                "\n## Areas with no figure now ({})\n",
                self.figures_lost.len()
            );
            let _ = writeln!(s, "| Code | Area | {m} before |");
            let _ = writeln!(s, "|---|---|---:|");
            for (code, a, was) in &self.figures_lost {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} |",
                    md_cell(code),
                    md_cell(&a.name),
                    thousands(*was)
                );
            }
        }
        if !self.figures_gained.is_empty() {
            area_table(
                &mut s,
                "Areas with a figure now, none before",
                &self.figures_gained,
                "now",
            );
        }
        if !self.areas_added.is_empty() || !self.areas_removed.is_empty() {
            area_table(
                &mut s,
                "Areas only in the new run",
                &self.areas_added,
                "now",
            );
            area_table(
                &mut s,
                "Areas only in the old run",
                &self.areas_removed,
                "before",
            );
        }
        s
    }

    /// `diff.csv`: one row per change, columns
    /// `section,code,name,field,old,new,change`.
    pub fn csv(&self) -> Vec<u8> {
        let header = ["section", "code", "name", "field", "old", "new", "change"];
        let mut rows: Vec<Vec<String>> = Vec::new();
        // Shares to one decimal, as every output gives them (19.0, not 19); counts as they are.
        let raw = |v: Option<f64>, field: &str| match (v, field.starts_with("percent")) {
            (Some(x), true) => format!("{x:.1}"),
            (Some(x), false) => format!("{x}"),
            (None, _) => String::new(),
        };
        // What the figures are: a row for each description that changed.
        for (field, old, new, changed) in [
            (
                "measure",
                &self.old_measure,
                &self.new_measure,
                self.measure_changed(),
            ),
            (
                "period",
                &self.old_period,
                &self.new_period,
                self.old_period != self.new_period,
            ),
            (
                "figures_source",
                &self.old_source,
                &self.new_source,
                self.source_changed(),
            ),
            (
                "boundaries",
                &self.old_boundaries,
                &self.new_boundaries,
                self.boundaries_changed,
            ),
        ] {
            if changed {
                rows.push(vec![
                    "headline".into(),
                    self.total.0.clone(),
                    self.total.1.clone(),
                    field.into(),
                    old.clone(),
                    new.clone(),
                    String::new(),
                ]);
            }
        }
        for c in &self.figures {
            rows.push(vec![
                c.section.into(),
                c.code.clone(),
                c.name.clone(),
                c.field.into(),
                raw(c.old, c.field),
                raw(c.new, c.field),
                c.delta()
                    .map(|x| match c.field.starts_with("percent") {
                        true => format!("{x:.1}"),
                        false => format!("{}", crate::write::round(x, 2)),
                    })
                    .unwrap_or_default(),
            ]);
        }
        let team = |section: &str, t: &TeamRow, old: String, new: String| {
            vec![
                section.to_string(),
                String::new(),
                t.name.clone(),
                "counted".into(),
                old,
                new,
                String::new(),
            ]
        };
        // A team added and one removed alike in all but their names are each marked, in the
        // `change` column, as most likely the other renamed, as diff.md marks them.
        for t in &self.teams_added {
            let mut r = team("team_added", t, String::new(), t.counted.to_string());
            if let Some(o) = renamed_pair(t, &self.teams_added, &self.teams_removed, false) {
                r[6] = format!("most likely the removed \"{}\" renamed", o.name);
            }
            rows.push(r);
        }
        for t in &self.teams_removed {
            let mut r = team("team_removed", t, t.counted.to_string(), String::new());
            if let Some(o) = renamed_pair(t, &self.teams_removed, &self.teams_added, true) {
                r[6] = format!("most likely renamed the added \"{}\"", o.name);
            }
            rows.push(r);
        }
        for (o, n) in &self.teams_changed {
            if team_key(&o.host_org) != team_key(&n.host_org) {
                let mut r = team("team_changed", n, o.host_org.clone(), n.host_org.clone());
                r[3] = "host_org".into();
                rows.push(r);
            }
            if o.counted != n.counted {
                rows.push(team(
                    "team_changed",
                    n,
                    o.counted.to_string(),
                    n.counted.to_string(),
                ));
            }
            if o.outside != n.outside {
                let mut r = team(
                    "team_changed",
                    n,
                    o.outside.to_string(),
                    n.outside.to_string(),
                );
                r[3] = "outside_boundaries".into();
                rows.push(r);
            }
            if o.covers != n.covers {
                let mut r = team("team_changed", n, o.covers.clone(), n.covers.clone());
                r[3] = "covers".into();
                rows.push(r);
            }
            if base_change(o, n).is_some() {
                // The base as "latitude, longitude" (blank for none), and how far it moved.
                let at = |t: &TeamRow| {
                    t.at.map(|(x, y)| format!("{y:.6}, {x:.6}"))
                        .unwrap_or_default()
                };
                let mut r = team("team_changed", n, at(o), at(n));
                r[3] = "base".into();
                r[6] = n
                    .moved_km(o)
                    .map(|km| format!("{}", crate::write::round(km, 2)))
                    .unwrap_or_default();
                rows.push(r);
            }
        }
        for (o, n) in &self.teams_renamed {
            let mut r = team("team_renamed", n, o.name.clone(), n.name.clone());
            r[3] = "name".into();
            rows.push(r);
        }
        let area = |section: &str, code: &str, a: &AreaRow, old: &str, new: &str| {
            vec![
                section.to_string(),
                code.to_string(),
                a.name.clone(),
                "covered".into(),
                old.to_string(),
                new.to_string(),
                String::new(),
            ]
        };
        for (c, a) in &self.newly_covered {
            rows.push(area("area_newly_covered", c, a, "false", "true"));
        }
        for (c, a) in &self.newly_uncovered {
            rows.push(area("area_newly_uncovered", c, a, "true", "false"));
        }
        for (c, a) in &self.areas_added {
            rows.push(area("area_added", c, a, "", &a.covered.to_string()));
        }
        for (c, a) in &self.areas_removed {
            rows.push(area("area_removed", c, a, &a.covered.to_string(), ""));
        }
        let figure = |section: &str, code: &str, a: &AreaRow, old: String, new: String| {
            let mut r = area(section, code, a, "", "");
            r[3] = "figure".into();
            (r[4], r[5]) = (old, new);
            r
        };
        for (c, a, was) in &self.figures_lost {
            rows.push(figure(
                "area_figure_lost",
                c,
                a,
                was.to_string(),
                String::new(),
            ));
        }
        for (c, a) in &self.figures_gained {
            let now = a.figure.map(|f| f.to_string()).unwrap_or_default();
            rows.push(figure("area_figure_gained", c, a, String::new(), now));
        }
        excel_csv(&header, &rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A base moved 33 m is said in metres, one moved 5.6 km in km, one moved 5 cm not at all.
    #[test]
    fn a_moved_base_is_said_in_metres_or_km() {
        let at = |lat: f64| TeamRow {
            name: "T".into(),
            host_org: String::new(),
            counted: true,
            covers: String::new(),
            outside: false,
            located: true,
            at: Some((-3.0, lat)),
        };
        let base = at(53.8);
        assert_eq!(
            base_change(&base, &at(53.8003)).as_deref(),
            Some("base moved 33 m")
        );
        assert_eq!(
            base_change(&base, &at(53.85)).as_deref(),
            Some("base moved 5.6 km")
        );
        assert_eq!(base_change(&base, &at(53.8000005)), None);
    }
    use serde_json::json;

    fn run(teams: &[(&str, bool)], covered: &[(&str, bool)], pct: f64) -> RunOutputs {
        RunOutputs {
            dir: PathBuf::from("x"),
            teams: teams
                .iter()
                .map(|(n, c)| {
                    (
                        team_key(n),
                        TeamRow {
                            name: n.to_string(),
                            host_org: String::new(),
                            counted: *c,
                            covers: String::new(),
                            outside: false,
                            located: true,
                            at: None,
                        },
                    )
                })
                .collect(),
            marks_outside: true,
            areas: covered
                .iter()
                .map(|(c, v)| {
                    (
                        c.to_string(),
                        AreaRow {
                            name: c.to_string(),
                            covered: *v,
                            figure: Some(10),
                            teams: String::new(),
                        },
                    )
                })
                .collect(),
            summary: json!({"percent_covered": pct, "nations": []}),
            run: None,
            rollups: Ok(BTreeMap::new()),
        }
    }

    /// A run from before covgap counted the whole team list and gave nations a row only when
    /// whole, on the same part of the UK: its team count was of the teams kept, and its
    /// England row covered part of England. Neither reads as a change.
    #[test]
    fn a_run_from_before_whole_nations_and_whole_team_counts_reads_no_change() {
        let mut old = run(&[("A", true)], &[("E1", true)], 50.0);
        let mut new = run(&[("A", true)], &[("E1", true)], 50.0);
        let england = json!({"code": "E92000001", "name": "England", "areas_total": 1});
        old.summary["teams_in_list"] = json!(1);
        old.summary["nations"] = json!([england]);
        new.summary["teams_in_list"] = json!(44);
        new.summary["teams_beyond_boundaries"] = json!(43);
        let d = diff(&old, &new);
        assert!(d.is_empty(), "{}", d.markdown());
        assert_eq!(d.partial_nations, ["England"]);
        assert!(d.markdown().contains("Not compared: England"));
        // Two runs that both count the whole list compare it as it is.
        old.summary["teams_in_list"] = json!(40);
        old.summary["teams_beyond_boundaries"] = json!(39);
        let d = diff(&old, &new);
        let teams = d
            .figures
            .iter()
            .find(|c| c.field == "teams_in_list")
            .unwrap();
        assert_eq!((teams.old, teams.new), (Some(40.0), Some(44.0)));
    }

    #[test]
    fn unlocated_teams_are_not_added_against_outputs_that_left_them_out() {
        let mut old = run(&[("A", true)], &[("E1", true)], 12.5);
        let mut new = run(&[("A", true), ("U", false)], &[("E1", true)], 12.5);
        new.teams.get_mut(&team_key("U")).unwrap().located = false;
        let d = diff(&old, &new);
        assert_eq!(d.teams_added.len(), 1, "both list every team: U is added");
        // An older run: its summary counts a team its teams.geojson leaves out.
        old.summary["teams_in_list"] = json!(2);
        let d = diff(&old, &new);
        assert!(d.teams_added.is_empty());
        assert!(d.unlocated_not_compared);
        assert!(d
            .markdown()
            .contains("Teams with no base are left out of the team comparison"));
    }

    /// Teams serving only areas outside the boundaries given: listed by covgap's
    /// teams.geojson since it marks them, left out by an older covgap's (whose summary still
    /// counted them). Against such outputs they are not added; a team outside one run's
    /// boundaries and inside the other's is changed, not added or removed.
    #[test]
    fn teams_outside_the_boundaries_are_compared_only_where_both_list_them() {
        let mut old = run(&[("A", true)], &[("W1", false)], 0.0);
        let mut new = run(&[("A", true), ("O", true)], &[("W1", false)], 0.0);
        new.teams.get_mut(&team_key("O")).unwrap().outside = true;
        for r in [&mut old, &mut new] {
            r.summary["teams_in_list"] = json!(2);
            r.summary["teams_beyond_boundaries"] = json!(1);
        }
        // An older covgap's teams.geojson: O is counted in its summary, not in its file.
        old.marks_outside = false;
        let d = diff(&old, &new);
        assert!(d.teams_added.is_empty() && d.teams_removed.is_empty());
        assert!(d.outside_not_compared && !d.unlocated_not_compared);
        assert!(d.is_empty(), "{}", d.markdown());
        assert!(d.markdown().contains(
            "Teams serving only areas outside the boundaries given are left out of the team comparison"
        ));
        // Both list it: nothing changed.
        let d = diff(&new, &new);
        assert!(d.is_empty() && !d.outside_not_compared);
        // Inside the old run's boundaries (the whole UK), outside the new's: changed.
        let mut inside = new.clone();
        let o = inside.teams.get_mut(&team_key("O")).unwrap();
        (o.outside, o.covers) = (false, "E1".into());
        inside.summary["teams_beyond_boundaries"] = json!(0);
        let d = diff(&inside, &new);
        assert!(d.teams_added.is_empty() && d.teams_removed.is_empty());
        assert_eq!(d.teams_changed.len(), 1);
        assert!(d.markdown().contains(
            "- O: serves areas given → serves only areas outside the boundaries given; covers E1 → no area"
        ));
        assert!(String::from_utf8(d.csv())
            .unwrap()
            .contains("team_changed,,O,outside_boundaries,false,true,"));
    }

    #[test]
    fn finds_each_kind_of_change() {
        let old = run(
            &[("A", true), ("B", true)],
            &[("E1", true), ("E2", false)],
            50.0,
        );
        let new = run(
            &[("B", false), ("C", true)],
            &[("E1", false), ("E2", true)],
            50.0,
        );
        let d = diff(&old, &new);
        assert_eq!(d.teams_added[0].name, "C");
        assert_eq!(d.teams_removed[0].name, "A");
        assert_eq!(d.teams_changed[0].1.name, "B");
        assert_eq!(d.newly_covered[0].0, "E2");
        assert_eq!(d.newly_uncovered[0].0, "E1");
        let md = d.markdown();
        assert!(md.contains("## Teams added (1)"), "{md}");
        assert!(md.contains("counted → not counted"), "{md}");
    }

    /// Regression: a team whose name is written otherwise only in case or spacing is the same
    /// team, as `run` tells teams apart, not one removed and another added: renamed, and
    /// changed only when something else changed.
    #[test]
    fn a_team_renamed_in_case_or_spacing_only_is_the_same_team() {
        let old = run(
            &[("City Team", true), ("Other", true)],
            &[("E1", true)],
            50.0,
        );
        let new = run(
            &[("city  TEAM", true), ("OTHER", false)],
            &[("E1", true)],
            50.0,
        );
        let d = diff(&old, &new);
        assert!(
            d.teams_added.is_empty() && d.teams_removed.is_empty(),
            "{d:?}"
        );
        assert_eq!(d.teams_renamed.len(), 2);
        // Only the one no longer counted changed.
        assert_eq!(d.teams_changed.len(), 1);
        assert_eq!(d.teams_changed[0].1.name, "OTHER");
        let md = d.markdown();
        assert!(
            md.contains("## Teams renamed, in case or spacing only (2)"),
            "{md}"
        );
        assert!(md.contains("- \"City Team\" → \"city  TEAM\""), "{md}");
        assert!(md.contains("- OTHER: counted → not counted"), "{md}");
        let csv = String::from_utf8(d.csv()).unwrap();
        assert!(
            csv.contains("team_renamed,,city  TEAM,name,City Team,city  TEAM,\r\n"),
            "{csv}"
        );
    }

    #[test]
    fn new_figures_tables_are_a_change() {
        let mut old = run(&[("A", true)], &[("E1", true)], 12.5);
        old.summary["sources"]["figures_source"] = json!("births_2023.csv");
        let mut new = old.clone();
        new.summary["sources"]["figures_source"] = json!("ew_2024.csv; scotland_2024.csv");
        let d = diff(&old, &new);
        assert!(!d.is_empty());
        assert!(d.markdown().contains(
            "The figures' source changed: births_2023.csv → ew_2024.csv; scotland_2024.csv."
        ));
        assert!(String::from_utf8(d.csv())
            .unwrap()
            .contains("figures_source,births_2023.csv,ew_2024.csv; scotland_2024.csv"));
        // Outputs that do not name their source are not said to have changed it.
        new.summary["sources"] = json!({});
        assert!(diff(&old, &new).is_empty());
    }

    /// A run's outputs naming `source` as their figures, with `run.json` fingerprinting each
    /// table when `hashes` are given (`None` for a table read from standard input).
    fn with_figures(source: &str, hashes: Option<&[Option<&str>]>) -> RunOutputs {
        let mut r = run(&[("A", true)], &[("E1", true)], 12.5);
        r.summary["sources"]["figures_source"] = json!(source);
        r.run = hashes.map(|hs| {
            let inputs: Vec<Value> = hs
                .iter()
                .enumerate()
                .map(|(i, h)| match h {
                    Some(h) => json!({"role": "figures", "path": format!("t{i}.csv"), "sha256": h}),
                    None => json!({"role": "figures", "path": "/dev/stdin"}),
                })
                .chain([json!({"role": "area_lookup", "sha256": "ff"})])
                .collect();
            json!({ "inputs": inputs })
        });
        r
    }

    #[test]
    fn fingerprinted_tables_are_compared_by_their_contents() {
        let a = "aaaaaaaaaaaaaaaa";
        let b = "bbbbbbbbbbbbbbbb";
        // Same name, other contents: changed, each side with its fingerprint.
        let d = diff(
            &with_figures("births.csv", Some(&[Some(a)])),
            &with_figures("births.csv", Some(&[Some(b)])),
        );
        assert!(d.source_changed() && !d.is_empty());
        assert_eq!(d.old_source, "births.csv (SHA-256 aaaaaaaaaaaa…)");
        assert_eq!(d.new_source, "births.csv (SHA-256 bbbbbbbbbbbb…)");
        // Another name, the same contents: the same figures.
        let d = diff(
            &with_figures("births.csv", Some(&[Some(a)])),
            &with_figures("births_2023.csv", Some(&[Some(a)])),
        );
        assert!(!d.source_changed() && d.is_empty());
        // Several tables under the same names, one of them new: each table is given its
        // own fingerprint, in the order of the tables, so the one that changed is seen.
        let c = "cccccccccccccccc";
        let d = diff(
            &with_figures("x.csv; y.csv", Some(&[Some(c), Some(a)])),
            &with_figures("x.csv; y.csv", Some(&[Some(c), Some(b)])),
        );
        assert!(d.source_changed());
        assert_eq!(
            d.old_source,
            "x.csv (SHA-256 cccccccccccc…); y.csv (SHA-256 aaaaaaaaaaaa…)"
        );
        assert_eq!(
            d.new_source,
            "x.csv (SHA-256 cccccccccccc…); y.csv (SHA-256 bbbbbbbbbbbb…)"
        );
        // Several tables, in another order: the same.
        let d = diff(
            &with_figures("x.csv; y.csv", Some(&[Some(a), Some(b)])),
            &with_figures("y.csv; x.csv", Some(&[Some(b), Some(a)])),
        );
        assert!(!d.source_changed());
        // A table read from standard input, or a run without run.json: by name, as before.
        for hashes in [Some(&[None][..]), None] {
            let d = diff(
                &with_figures("births.csv", Some(&[Some(a)])),
                &with_figures("births.csv", hashes),
            );
            assert!(!d.source_changed());
            assert_eq!(d.new_source, "births.csv");
        }
        // The built-in figures (no path): by the release they name.
        let mut built_in = with_figures("ONS mid-2020", None);
        built_in.run = Some(json!({"inputs": [{"role": "figures", "sha256": a}]}));
        let mut rebuilt = built_in.clone();
        rebuilt.run = Some(json!({"inputs": [{"role": "figures", "sha256": b}]}));
        assert!(!diff(&built_in, &rebuilt).source_changed());
    }

    #[test]
    fn the_same_tables_in_another_order_are_no_change() {
        // `--births ew.csv,scotland.csv` re-run as `--births scotland.csv --births ew.csv`
        // reads the same figures: the source did not change.
        let mut old = run(&[("A", true)], &[("E1", true)], 12.5);
        old.summary["sources"]["figures_source"] = json!(
            "ew.csv, 318 areas, column \"Live births\", found by its header; scotland.csv, 32 areas, column \"Births\", found by its header"
        );
        let mut new = old.clone();
        new.summary["sources"]["figures_source"] = json!(
            "scotland.csv, 32 areas, column \"Births\", found by its header; ew.csv, 318 areas, column \"Live births\", found by its header"
        );
        let d = diff(&old, &new);
        assert!(!d.source_changed());
        assert!(d.is_empty());
        assert!(!d.markdown().contains("source changed"));
    }

    #[test]
    fn a_new_period_is_a_change() {
        let old = run(&[("A", true)], &[("E1", true)], 12.5);
        let mut new = old.clone();
        new.summary["period"] = json!("calendar year 2024");
        let d = diff(&old, &new);
        assert!(!d.is_empty());
        assert!(d
            .markdown()
            .contains("period changed:  → calendar year 2024"));
        assert!(String::from_utf8(d.csv())
            .unwrap()
            .contains("period,,calendar year 2024"));
    }

    #[test]
    fn a_new_measure_labels_each_side_and_is_flagged() {
        let mut old = run(&[("A", true)], &[("E1", true)], 12.5);
        old.summary["measure_description"] = json!("live births");
        let mut new = old.clone();
        new.summary["measure_description"] = json!("population aged 0");
        let d = diff(&old, &new);
        assert!(d.measure_changed());
        assert!(!d.is_empty());
        let md = d.markdown();
        assert!(md.contains("(live births, "), "{md}");
        assert!(md.contains("(population aged 0, "), "{md}");
        assert!(
            md.contains("The runs count different figures: live births → population aged 0"),
            "{md}"
        );
        assert!(!md.contains("Population aged 0 (total)"), "{md}");
        // The percentage covered is a share of different things: no change is given.
        assert!(
            md.contains("| % of figure in areas with a team | 12.5 | 12.5 | n/a |"),
            "{md}"
        );
        assert!(String::from_utf8(d.csv())
            .unwrap()
            .contains("measure,live births,population aged 0"));
    }

    /// A run's outputs as read, with `boundaries` named in summary.json and, when `sha` is
    /// given, fingerprinted in run.json.
    fn with_boundaries(mut r: RunOutputs, name: &str, sha: Option<&str>) -> RunOutputs {
        r.summary["sources"] = json!({ "boundaries": name });
        r.summary["demand_total"] = json!(100);
        r.summary["demand_covered"] = json!(50);
        r.summary["areas_total"] = json!(r.areas.len());
        r.run = sha.map(|h| {
            json!({"inputs": [
                {"role": "boundaries", "path": name, "sha256": h},
                {"role": "teams", "path": "t.csv", "sha256": "00"},
            ]})
        });
        r
    }

    fn headline(d: &Diff, field: &str) -> Change {
        d.figures
            .iter()
            .find(|c| c.headline && c.field == field)
            .unwrap()
            .clone()
    }

    #[test]
    fn different_boundaries_with_different_areas_give_no_change_in_areas_or_babies() {
        let old = with_boundaries(
            run(&[("A", true)], &[("E1", true), ("E2", false)], 50.0),
            "uk.geojson",
            Some("aaaa"),
        );
        let mut new = with_boundaries(
            run(&[("A", true)], &[("E1", true)], 100.0),
            "oxon.geojson",
            Some("bbbb"),
        );
        new.summary["demand_total"] = json!(50);
        let d = diff(&old, &new);
        assert!(d.boundaries_changed && d.areas_differ());
        for f in ["areas_total", "demand_total", "percent_covered"] {
            let c = headline(&d, f);
            assert!(c.old.is_some() && c.new.is_some(), "{f}: both shown");
            assert_eq!(c.delta(), None, "{f}: no change given");
        }
        let w = d.warnings();
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("uk.geojson (SHA-256 aaaa…) → oxon.geojson (SHA-256 bbbb…)"));
        assert!(w[0].contains("not new or closed teams"), "{w:?}");
        let md = d.markdown();
        assert!(md.contains("**The runs use different boundaries"), "{md}");
        assert!(
            md.contains("| % of figure in areas with a team | 50.0 | 100.0 | n/a |"),
            "{md}"
        );
        assert!(String::from_utf8(d.csv())
            .unwrap()
            .contains("boundaries,uk.geojson (SHA-256 aaaa…),oxon.geojson (SHA-256 bbbb…)"));
    }

    #[test]
    fn the_same_areas_drawn_from_another_file_are_compared_with_a_warning() {
        let areas = [("E1", true), ("E2", false)];
        let old = with_boundaries(run(&[("A", true)], &areas, 50.0), "b.geojson", Some("aaaa"));
        let new = with_boundaries(run(&[("A", true)], &areas, 50.0), "b.geojson", Some("cccc"));
        let d = diff(&old, &new);
        assert!(d.boundaries_changed && !d.areas_differ());
        assert!(!d.is_empty());
        assert_eq!(headline(&d, "percent_covered").delta(), Some(0.0));
        assert!(
            d.warnings()[0].contains("with the same area codes"),
            "{:?}",
            d.warnings()
        );
        // The same file in both: nothing to say.
        let same = diff(&old, &old);
        assert!(!same.boundaries_changed && same.warnings().is_empty() && same.is_empty());
    }

    #[test]
    fn without_run_json_boundaries_are_told_apart_by_name() {
        let areas = [("E1", true)];
        let old = with_boundaries(run(&[("A", true)], &areas, 50.0), "a.geojson", None);
        let new = with_boundaries(run(&[("A", true)], &areas, 50.0), "b.geojson", None);
        assert!(diff(&old, &new).boundaries_changed);
        assert!(!diff(&old, &old).boundaries_changed);
        // One run fingerprinted, the other not: by name.
        let hashed = with_boundaries(run(&[("A", true)], &areas, 50.0), "a.geojson", Some("aa"));
        assert!(!diff(&old, &hashed).boundaries_changed);
    }

    /// A run's outputs with `rollups` as its rows below the nations: level, code, name,
    /// areas covered, babies covered (of 100 each, in 2 areas).
    fn with_rollups(rows: &[(usize, &str, &str, f64, f64)]) -> RunOutputs {
        let mut r = run(&[("A", true)], &[("E1", true)], 12.5);
        r.rollups = Ok(rows
            .iter()
            .map(|(level, code, name, areas, babies)| {
                (
                    (*level, code.to_string()),
                    RollupRow {
                        name: name.to_string(),
                        values: vec![
                            Some(2.0),
                            Some(*areas),
                            Some(0.0),
                            Some(100.0),
                            Some(*babies),
                            Some(*babies),
                        ],
                    },
                )
            })
            .collect());
        r
    }

    #[test]
    fn regions_and_smaller_geographies_are_compared_by_level_and_name() {
        let old = with_rollups(&[
            (0, "E12000002", "North West", 1.0, 40.0),
            (0, "E12000009", "South West", 0.0, 0.0),
            (2, "E54000001", "Old ICB", 1.0, 50.0),
        ]);
        let new = with_rollups(&[
            (0, "E12000002", "North West", 2.0, 60.0),
            (0, "E12000009", "South West", 0.0, 0.0),
            (2, "E54000002", "New ICB", 1.0, 50.0),
        ]);
        let d = diff(&old, &new);
        assert!(!d.is_empty());
        assert_eq!((d.rollups_compared, d.rollups_unchanged), (2, 1));
        let md = d.markdown();
        assert!(
            md.contains("2 geographies in both runs: 1 unchanged, 1 changed"),
            "{md}"
        );
        assert!(
            md.contains("| North West (E12000002) | % of figure in areas with a team | 40.0 | 60.0 | +20.0 |"),
            "{md}"
        );
        assert!(!md.contains("South West"), "{md}");
        assert!(
            md.contains("### Only in the old run (1)\n\n- ICB: Old ICB (E54000001)"),
            "{md}"
        );
        assert!(
            md.contains("### Only in the new run (1)\n\n- ICB: New ICB (E54000002)"),
            "{md}"
        );
        let csv = String::from_utf8(d.csv()).unwrap();
        assert!(
            csv.contains("region,E12000009,South West,areas_covered,0,0,0\r\n"),
            "{csv}"
        );
        assert!(
            csv.contains("icb,E54000002,New ICB,areas_covered,,1,\r\n"),
            "{csv}"
        );
        // Counting different measures, their babies do not compare; their areas still do.
        let mut other = new.clone();
        other.summary["measure_description"] = json!("population aged 0");
        let md = diff(&old, &other).markdown();
        assert!(
            md.contains("| North West (E12000002) | Figure in areas with a team | 40 | 60 | n/a |"),
            "{md}"
        );
        assert!(
            md.contains("| North West (E12000002) | Areas with a team | 1 | 2 | +1 |"),
            "{md}"
        );
        // The same rows: nothing changed. One run without them: not compared, and said so.
        assert!(diff(&old, &old).is_empty());
        let mut older = old.clone();
        older.rollups = Err("x has no rollups.csv".into());
        let d = diff(&older, &old);
        assert!(d.is_empty() && d.figures.iter().all(|c| c.section != "region"));
        assert!(d.markdown().contains(
            "Regions, upper tiers, ICBs and health boards are not compared: x has no rollups.csv."
        ));
    }

    #[test]
    fn same_run_is_empty() {
        let a = run(&[("A", true)], &[("E1", true)], 12.5);
        let d = diff(&a, &a);
        assert!(d.is_empty());
        assert!(d.markdown().contains("Nothing changed."));
    }
}
