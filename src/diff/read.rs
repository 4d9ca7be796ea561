//! Reading a run's output folder: `summary.json`, `teams.geojson`, `areas.geojson`, and
//! `run.json` and `rollups.csv` when there are.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::{AreaRow, RollupRow, RunOutputs, TeamRow, NATION, ROLLUP_LEVELS};
use crate::error::{Error, Result};
use crate::read::teams::team_key;

/// Reads `rollups.csv`'s rows below the nations, their figures in `measure` (the key its
/// columns are named by: `births`, `age0`), as Excel may save it again: in Windows-1252, with
/// thousands separators. `Err` says why they cannot be compared: the file is missing or
/// unreadable, lacks a column covgap writes now, or holds a figure that is not a number.
fn read_rollups(
    dir: &Path,
    measure: &str,
) -> std::result::Result<BTreeMap<(usize, String), RollupRow>, String> {
    let path = dir.join("rollups.csv");
    let shown = format!("`{}`", path.display());
    // Opened in Excel and saved again, the file may be Windows-1252 ("CSV (Comma
    // delimited)"), read as the inputs are.
    let text = match std::fs::read(&path) {
        Ok(b) => crate::read::text::decode(&b).0,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "{} has no rollups.csv (a covgap from before wrote none)",
                dir.display()
            ))
        }
        Err(e) => return Err(format!("{shown} could not be read ({e})")),
    };
    let body = text.trim_start_matches('\u{feff}');
    let mut lines = crate::read::text::Lines::new(body.as_bytes());
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(body.as_bytes());
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
        // A number as the inputs' are read (Excel's "15,208" too); a cell that is neither
        // blank nor a number (edited by hand) is no figure to compare, and said so, rather
        // than read as a change.
        for w in &wanted[3..] {
            let v = cell(w);
            if !v.is_empty() && crate::read::parse_number(v).is_none() {
                let line = lines.of(record.position());
                return Err(format!(
                    "{shown} line {line}: {w} {v:?} is not a number (was it edited?)"
                ));
            }
        }
        let number = |w: &str| crate::read::parse_number(cell(w));
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
pub(super) fn figures_source(run: &RunOutputs) -> String {
    run.summary
        .get("sources")
        .map(|s| text(s, "figures_source"))
        .unwrap_or_default()
}

/// `summary.json`'s `sources.teams_counted` (the evidence rule), or empty.
pub(super) fn evidence_rule(run: &RunOutputs) -> String {
    run.summary
        .get("sources")
        .map(|s| text(s, "teams_counted"))
        .unwrap_or_default()
}

/// One file a run's small areas came from: as `summary.json`'s `small_areas.sources` names it
/// (a boundary file with its count, a figures table with its column), a key that tells its
/// contents apart (the name with its path replaced by the SHA-256 `run.json` records for it,
/// when it does), and that SHA-256.
pub(super) struct SmallAreaFile {
    pub name: String,
    pub key: String,
    pub sha256: Option<String>,
}

/// The small-area files a run read, or `None` for a run without small areas.
pub(super) fn small_area_files(run: &RunOutputs) -> Option<Vec<SmallAreaFile>> {
    let sources = run.summary.get("small_areas")?.get("sources")?.as_array()?;
    let hashes: Vec<(String, String)> = run
        .run
        .as_ref()
        .and_then(|r| r.get("inputs")?.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter(|i| text(i, "role").starts_with("small_area"))
        .filter_map(|i| Some((text(i, "path"), i.get("sha256")?.as_str()?.to_string())))
        .filter(|(p, _)| !p.is_empty())
        .collect();
    Some(
        sources
            .iter()
            .filter_map(Value::as_str)
            .map(|name| {
                // The longest path the name begins with, followed by its description.
                let found = hashes
                    .iter()
                    .filter(|(p, _)| {
                        name.strip_prefix(p.as_str())
                            .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
                    })
                    .max_by_key(|(p, _)| p.len());
                match found {
                    Some((p, h)) => SmallAreaFile {
                        name: name.to_string(),
                        key: format!("{h}{}", &name[p.len()..]),
                        sha256: Some(h.clone()),
                    },
                    None => SmallAreaFile {
                        name: name.to_string(),
                        key: name.to_string(),
                        sha256: None,
                    },
                }
            })
            .collect(),
    )
}

/// Fingerprints in sorted order, to compare several tables given in any order.
pub(super) fn sorted(h: &[String]) -> Vec<&String> {
    let mut v: Vec<&String> = h.iter().collect();
    v.sort_unstable();
    v
}

/// Whether two figures sources name the same tables, in any order (the `; `-separated parts
/// of each).
pub(super) fn same_tables(old: &str, new: &str) -> bool {
    fn tables(s: &str) -> Vec<&str> {
        let mut parts: Vec<&str> = s.split("; ").collect();
        parts.sort_unstable();
        parts
    }
    tables(old) == tables(new)
}

pub(super) fn text(p: &Value, k: &str) -> String {
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

    /// Whether `covgap plan` wrote the folder (its `run.json` gives the plan's options): its
    /// teams and areas are the list's, as a run's, and the sites it plans are in `plan.csv`.
    pub fn is_plan(&self) -> bool {
        self.run
            .as_ref()
            .and_then(|r| r.get("plan"))
            .is_some_and(|p| !p.is_null())
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
