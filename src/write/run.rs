//! `run.json`: what a run read and how it was asked, so a briefing's numbers can be traced
//! and reproduced: covgap's version, each input with its size and SHA-256 (small-area files,
//! and `covgap plan`'s candidate, what-if and deprivation tables, included), the options, and
//! the periods of the figures; and each file the run wrote with its size and SHA-256, by which
//! a later run into the folder tells the run's own files from the user's.

use std::io::Read;
use std::path::Path;

use rayon::prelude::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::builtin;
use crate::error::{Diagnostics, Error, Place, Problem, Result};
use crate::load::Inputs;
use crate::model::Study;
use crate::read::Input;
use crate::small_areas::{SmallAreaInputs, SmallAreas};

/// Size in bytes and SHA-256 (lower-case hex) of some bytes.
///
/// # Examples
/// ```
/// let (size, sha) = covgap::write::run::fingerprint_bytes(b"abc");
/// assert_eq!(size, 3);
/// assert_eq!(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
/// ```
pub fn fingerprint_bytes(bytes: &[u8]) -> (u64, String) {
    (bytes.len() as u64, hex(&Sha256::digest(bytes)))
}

/// Size in bytes and SHA-256 of a file as it is on disk (a gzipped file is hashed packed),
/// with the stamp of the file that was hashed (taken from the open file, so it belongs to the
/// same file even if the path is replaced meanwhile).
fn fingerprint_and_stamp(path: &Path) -> Result<((u64, String), Stamp)> {
    let rerr = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut f = std::fs::File::open(path).map_err(rerr)?;
    let before = Stamp::of(&f.metadata().map_err(rerr)?);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(rerr)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    let after = Stamp::of(&f.metadata().map_err(rerr)?);
    if after != before || size != before.len {
        return Err(Error::Changed {
            path: path.to_path_buf(),
        });
    }
    Ok(((size, hex(&hasher.finalize())), before))
}

/// Size in bytes and SHA-256 of the file at `path`, as [`fingerprint_bytes`] gives them for
/// its content; fails when it cannot be read, or changes while it is read.
pub(crate) fn fingerprint_file(path: &Path) -> Result<(u64, String)> {
    fingerprint_and_stamp(path).map(|(hash, _)| hash)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Size, modification time and (on Unix) file identity: what shows that a file was not
/// changed or replaced between two looks at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    id: Option<(u64, u64)>,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        let id = {
            use std::os::unix::fs::MetadataExt;
            Some((meta.dev(), meta.ino()))
        };
        #[cfg(not(unix))]
        let id = None;
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            id,
        }
    }

    /// The stamp of the file at `path` now; `None` when it cannot be looked at.
    fn now(path: &Path) -> Option<Stamp> {
        std::fs::metadata(path).ok().map(|m| Stamp::of(&m))
    }
}

#[derive(Debug, Clone)]
struct Entry {
    role: &'static str,
    input: Input,
    /// How the file looked before anything read it (user files only).
    stamp: Option<Stamp>,
    /// Size and SHA-256, once hashed.
    hash: Option<(u64, String)>,
    /// A pipe, `/dev/stdin` or other file that is not a regular file: it can be read only
    /// once, by its reader, so it is neither hashed nor looked at again.
    stream: bool,
}

/// The inputs a run reads, noted before they are read and hashed while they are read, so that
/// `run.json` records the version of each file the figures came from.
///
/// [`InputRecord::note`] takes each file's size and modification time before any input is read
/// (it is cheap); [`InputRecord::hash`] hashes them, for example on a spare core while the
/// analysis reads the same files; [`json()`] checks, when the outputs are made, that no file has
/// changed since it was noted, and fails with [`Error::Changed`] if one has. A file that
/// changes during a run therefore stops it, instead of being recorded in a version the figures
/// did not come from.
#[derive(Debug, Clone)]
pub struct InputRecord {
    entries: Vec<Entry>,
    /// The warnings and notes reading the inputs gave, for `run.json`'s `problems`.
    problems: Vec<Problem>,
}

impl InputRecord {
    /// Notes every input by role, before any of them is read. Never fails: a file that cannot
    /// be looked at now is left to the reader that needs it, which says what is wrong.
    pub fn note(inputs: Vec<(&'static str, Input)>) -> InputRecord {
        let entries = inputs
            .into_iter()
            .map(|(role, input)| {
                // One look at the file gives both its stamp and whether it is a pipe.
                let meta = input.path().and_then(|p| std::fs::metadata(p).ok());
                Entry {
                    stamp: meta.as_ref().map(Stamp::of),
                    stream: meta.is_some_and(|m| !m.is_file() && !m.is_dir()),
                    role,
                    input,
                    hash: None,
                }
            })
            .collect();
        InputRecord {
            entries,
            problems: Vec::new(),
        }
    }

    /// Keeps the problems reading the inputs gave (warnings and notes, in a run that goes on),
    /// so that `run.json` lists them beside the files they are about: the terminal that
    /// showed them is gone by the time someone asks where a figure came from.
    pub fn keep_problems(&mut self, diag: &Diagnostics) {
        self.problems = diag.problems().to_vec();
    }

    /// Notes more inputs (read later in the run, such as `plan`'s own tables).
    /// The input files noted (not the built-in ones), which no output may replace.
    pub fn paths(&self) -> Vec<std::path::PathBuf> {
        self.entries
            .iter()
            .filter_map(|e| e.input.path().map(|p| p.to_path_buf()))
            .collect()
    }

    pub fn note_more(&mut self, inputs: Vec<(&'static str, Input)>) {
        self.entries.extend(InputRecord::note(inputs).entries);
    }

    /// Hashes every input not yet hashed. Fails when a file cannot be read, or is no longer
    /// the file that was noted.
    pub fn hash(&mut self) -> Result<()> {
        for e in self
            .entries
            .iter_mut()
            .filter(|e| e.hash.is_none() && !e.stream)
        {
            e.hash = Some(match &e.input {
                Input::BuiltIn { text, .. } => fingerprint_bytes(text.as_bytes()),
                Input::File(p) => {
                    let (hash, stamp) = fingerprint_and_stamp(p)?;
                    if e.stamp != Some(stamp) {
                        return Err(Error::Changed { path: p.clone() });
                    }
                    hash
                }
            });
        }
        Ok(())
    }

    /// Checks that every file still is as it was noted.
    fn verify(&self) -> Result<()> {
        for e in &self.entries {
            if let (Input::File(p), false) = (&e.input, e.stream) {
                if e.stamp.is_none() || Stamp::now(p) != e.stamp {
                    return Err(Error::Changed { path: p.clone() });
                }
            }
        }
        Ok(())
    }

    /// The roles noted, in reading order.
    pub fn roles(&self) -> Vec<&'static str> {
        self.entries.iter().map(|e| e.role).collect()
    }

    fn describe(&mut self) -> Result<Vec<Value>> {
        self.hash()?;
        self.verify()?;
        Ok(self
            .entries
            .iter()
            .map(|e| {
                if let (Input::File(p), true) = (&e.input, e.stream) {
                    let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
                    return json!({
                        "role": e.role,
                        "path": p.display().to_string(),
                        "absolute_path": abs.display().to_string(),
                        "bytes": null,
                        "sha256": null,
                        "note": "not a regular file (a pipe or device), which can be read only once: save it to a file to have it fingerprinted",
                    });
                }
                let (size, sha) = e.hash.clone().expect("hashed above");
                match &e.input {
                    Input::BuiltIn { label, .. } => {
                        json!({ "role": e.role, "built_in": label, "bytes": size, "sha256": sha })
                    }
                    Input::File(p) => {
                        let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
                        json!({
                            "role": e.role,
                            "path": p.display().to_string(),
                            "absolute_path": abs.display().to_string(),
                            "bytes": size,
                            "sha256": sha,
                        })
                    }
                }
            })
            .collect())
    }
}

/// Every input a run reads, by role, in reading order.
pub fn inputs_read(inputs: &Inputs, small: &SmallAreaInputs) -> Vec<(&'static str, Input)> {
    let or = |p: &Option<std::path::PathBuf>, b: fn() -> Input| {
        p.clone().map(Input::File).unwrap_or_else(b)
    };
    let mut v = vec![("boundaries", or(&inputs.boundaries, builtin::boundaries))];
    // A Shapefile's shapes are found through its .shx, its codes and names are in its .dbf
    // (in the encoding its .cpg names), and its coordinate system is in its .prj.
    if let Some(shp) = inputs
        .boundaries
        .as_deref()
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("shp")))
    {
        for (role, ext) in [
            ("boundaries_shx", "shx"),
            ("boundaries_dbf", "dbf"),
            ("boundaries_cpg", "cpg"),
            ("boundaries_prj", "prj"),
        ] {
            if let Some(p) = [ext.to_string(), ext.to_ascii_uppercase()]
                .iter()
                .map(|e| shp.with_extension(e))
                .find(|p| p.exists())
            {
                v.push((role, Input::File(p)));
            }
        }
    }
    if inputs.births.is_empty() {
        v.push(("figures", builtin::areas()));
    }
    v.extend(
        inputs
            .births
            .iter()
            .map(|p| ("figures", Input::File(p.clone()))),
    );
    v.extend([
        ("area_lookup", builtin::areas()),
        ("teams", or(&inputs.teams, builtin::teams)),
        ("postcode_districts", builtin::outcodes()),
        // Figures and areas served in district codes from before 2023 are read through it.
        ("abolished_districts", builtin::successors()),
        // The ICB totals share each district split between ICBs out by it (see `icb`).
        ("icb_shares", builtin::icb_shares()),
    ]);
    // With the user's own boundaries, a point just outside them is judged across a land
    // border or off a coast by the built-in districts (see `land`).
    if inputs.boundaries.is_some() {
        v.push(("land_border_districts", builtin::boundaries()));
    }
    if let Some(p) = &inputs.postcodes {
        v.push(("postcodes", Input::File(p.clone())));
    }
    for p in &small.boundaries {
        v.push(("small_area_boundaries", Input::File(p.clone())));
    }
    for p in &small.figures {
        v.push(("small_area_figures", Input::File(p.clone())));
    }
    // A small area of a district split between ICBs counts in its own LSOA's ICB by it.
    if !small.is_empty() {
        v.push(("icb_small_areas", builtin::icb_small_areas()));
    }
    v
}

/// A `--births` table flag as given (see [`crate::load::FigureFlags`]): `null` when it was
/// left out, its value when given once, and each table's (`null` for an empty one) when
/// given once per table.
fn as_given(values: &[String]) -> Value {
    let one = |v: &String| (!v.is_empty()).then(|| v.clone());
    match values {
        [] => Value::Null,
        [v] => json!(one(v)),
        each => json!(each.iter().map(one).collect::<Vec<_>>()),
    }
}

/// The options as given (`null` where the default was used).
fn options(inputs: &Inputs, small: &SmallAreaInputs, study: &Study) -> Value {
    let c = &inputs.team_columns;
    let paths = |v: &[std::path::PathBuf]| -> Vec<String> {
        v.iter().map(|p| p.display().to_string()).collect()
    };
    let small_areas = (!small.is_empty()).then(|| {
        json!({
            "boundaries": paths(&small.boundaries),
            "code_field": small.boundary_options.code_field,
            "name_field": small.boundary_options.name_field,
            "figures": paths(&small.figures),
            "code_column": small.figure_options.code_column,
            "figure_column": small.figure_options.figure_column,
        })
    });
    json!({
        "boundaries": inputs.boundaries.as_ref().map(|p| p.display().to_string()),
        "code_field": inputs.boundary_options.code_field,
        "name_field": inputs.boundary_options.name_field,
        "layer": inputs.boundary_options.layer,
        "births": paths(&inputs.births),
        "births_code_column": as_given(&inputs.figure_flags.code_column),
        "births_name_column": as_given(&inputs.figure_flags.name_column),
        "births_column": as_given(&inputs.figure_flags.figure_column),
        "sheet": as_given(&inputs.figure_flags.sheet),
        "measure": study.demand.measure.key(),
        "period": inputs.period,
        "teams": inputs.teams.as_ref().map(|p| p.display().to_string()),
        "teams_sheet": c.sheet,
        "evidence": inputs.evidence,
        "postcodes": inputs.postcodes.as_ref().map(|p| p.display().to_string()),
        "team_columns": {
            "name": c.name,
            "areas": c.areas,
            "latitude": c.latitude,
            "longitude": c.longitude,
            "easting": c.easting,
            "northing": c.northing,
            "grid": c.grid,
            "postcode": c.postcode,
            "postcode_district": c.postcode_district,
            "evidence": c.evidence,
        },
        "small_areas": small_areas,
    })
}

/// `run.json`, with `plan`'s own inputs and options when it is `covgap plan`'s, and `outputs`:
/// the name, size and SHA-256 of each of the other files the run writes into its folder
/// (`written`), so that a later run removes a file of this one's only while it is still as
/// this run wrote it (see [`super::stale_outputs`]). Fails when a user's input can no longer
/// be read (moved or deleted since the analysis read it). `small_areas`, the small areas
/// read, gives each small-area file's coordinate system.
pub fn json(
    record: &mut InputRecord,
    inputs: &Inputs,
    small: &SmallAreaInputs,
    study: &Study,
    small_areas: Option<&SmallAreas>,
    plan_options: Option<&Value>,
    written: &[super::OutputFile],
) -> Result<Vec<u8>> {
    // The built-in 2011 and 2021 small areas, when they were read to tell whether boundaries
    // of small areas hold a whole nation (for its row in the rollups).
    if study.whole.read_small_areas {
        record.note_more(vec![("nation_small_areas", builtin::small_areas_2011())]);
    }
    if study.whole.read_small_areas_2021 {
        record.note_more(vec![(
            "nation_small_areas_2021",
            builtin::small_areas_2021(),
        )]);
    }
    let described = record.describe()?;
    let mut doc = json!({
        "covgap_version": env!("CARGO_PKG_VERSION"),
        "inputs": described,
        "options": options(inputs, small, study),
        "figures": {
            "measure": study.demand.measure.key(),
            "measure_description": study.demand.measure.describe(),
            "period": study.demand.period,
            "source": study.demand.source,
            // The column actually read, and how it was chosen (`options.births_column` is
            // the flag as given, null when covgap found the column itself).
            "column": study.demand.column.as_ref().map(|c| c.header.clone()),
            "column_chosen_by": study.demand.column.as_ref().map(|c| c.chosen_by.key()),
            // Each of the user's tables: its sheet, the columns read and how many of the
            // areas given it has a row for (empty with the built-in figures).
            "files": study.demand.files.iter().map(|f| json!({
                "path": f.path,
                "sheet": f.sheet,
                // A table with no code column is read by the names in `name_column`.
                "code_column": (!f.by_name).then_some(&f.code_column),
                "name_column": f.by_name.then_some(&f.code_column),
                "column": f.column.header,
                "column_chosen_by": f.column.chosen_by.key(),
                "areas": f.areas,
            })).collect::<Vec<_>>(),
        },
        "boundaries": {
            "source": study.sources.boundaries,
            "coordinate_system": study.sources.boundaries_crs,
        },
        "teams": {
            "source": study.sources.teams,
            "counted": study.evidence_rule,
        },
    });
    // As for the boundaries: how each small-area file's coordinate system was decided.
    if let Some(sm) = small_areas {
        doc["small_areas"] = sm
            .files
            .iter()
            .zip(&sm.crs)
            .map(|(source, crs)| json!({ "source": source, "coordinate_system": crs }))
            .collect();
    }
    doc["problems"] = record
        .problems
        .iter()
        .map(|p| {
            let (line, feature) = match p.place {
                // A workbook's row is its line of the table; the source names the sheet.
                Some(Place::Line(n) | Place::Row(n)) => (Some(n), None),
                Some(Place::Feature(n)) => (None, Some(n)),
                None => (None, None),
            };
            json!({
                "severity": p.severity.word(),
                "source": p.source,
                "line": line,
                "feature": feature,
                "message": p.message,
            })
        })
        .collect();
    if let Some(p) = plan_options {
        doc["plan"] = p.clone();
    }
    doc["outputs"] = written
        .par_iter()
        .map(|f| {
            let (size, sha) = fingerprint_bytes(&f.bytes);
            json!({ "file": f.name, "bytes": size, "sha256": sha })
        })
        .collect::<Vec<_>>()
        .into();
    let mut s = serde_json::to_string_pretty(&doc).expect("json");
    s.push('\n');
    Ok(s.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_and_bytes_fingerprints_agree() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut f, b"code,births\nE1,3\n").unwrap();
        assert_eq!(
            fingerprint_and_stamp(f.path()).unwrap().0,
            fingerprint_bytes(b"code,births\nE1,3\n")
        );
    }

    fn noted(path: &Path) -> InputRecord {
        InputRecord::note(vec![("teams", Input::File(path.to_path_buf()))])
    }

    fn is_changed(r: Result<impl std::fmt::Debug>, path: &Path) -> bool {
        matches!(r, Err(Error::Changed { path: p }) if p == path)
    }

    #[test]
    fn a_file_changed_after_it_was_noted_is_not_hashed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("teams.csv");
        std::fs::write(&path, "name,areas\nA,E08000035\n").unwrap();
        let mut record = noted(&path);
        std::fs::write(&path, "name,areas\nA,E08000035\nB,E08000025\n").unwrap();
        assert!(is_changed(record.hash(), &path));
    }

    #[test]
    fn a_file_changed_after_it_was_hashed_stops_run_json() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("teams.csv");
        std::fs::write(&path, "name,areas\nA,E08000035\n").unwrap();
        let mut record = noted(&path);
        record.hash().unwrap();
        std::fs::write(&path, "name,areas\nB,E08000025\n").unwrap();
        assert!(is_changed(record.describe(), &path));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_replaced_by_one_of_the_same_size_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let (path, other) = (dir.path().join("teams.csv"), dir.path().join("new.csv"));
        std::fs::write(&path, "name,areas\nA,E08000035\n").unwrap();
        let mut record = noted(&path);
        std::fs::write(&other, "name,areas\nB,E08000025\n").unwrap();
        // Same size, and the same modification time as the noted file.
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::fs::File::options()
            .write(true)
            .open(&other)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        std::fs::rename(&other, &path).unwrap();
        assert!(is_changed(record.hash(), &path));
    }

    #[test]
    fn an_unchanged_file_is_recorded_with_its_hash() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("teams.csv");
        std::fs::write(&path, "name,areas\nA,E08000035\n").unwrap();
        let mut record = noted(&path);
        let described = record.describe().unwrap();
        assert_eq!(described[0]["role"], "teams");
        assert_eq!(
            (
                described[0]["bytes"].as_u64().unwrap(),
                described[0]["sha256"].as_str().unwrap().to_string()
            ),
            fingerprint_bytes(b"name,areas\nA,E08000035\n")
        );
    }

    #[test]
    fn builtin_run_lists_every_input() {
        let mut diag = crate::error::Diagnostics::new();
        let inputs = Inputs::default();
        let small = SmallAreaInputs::default();
        let mut record = InputRecord::note(inputs_read(&inputs, &small));
        let a = crate::analyse_inputs(&inputs, &mut diag).unwrap();
        let written = [crate::write::OutputFile {
            name: "gaps.csv".into(),
            bytes: b"abc".to_vec(),
        }];
        let v: Value = serde_json::from_slice(
            &json(&mut record, &inputs, &small, &a.study, None, None, &written).unwrap(),
        )
        .unwrap();
        // No small areas, so no coordinate systems of theirs.
        assert!(v.get("small_areas").is_none(), "{v}");
        let roles: Vec<&str> = v["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["role"].as_str().unwrap())
            .collect();
        assert_eq!(
            roles,
            [
                "boundaries",
                "figures",
                "area_lookup",
                "teams",
                "postcode_districts",
                "abolished_districts",
                "icb_shares"
            ]
        );
        assert_eq!(v["figures"]["period"], builtin::BIRTHS_PERIOD);
        assert_eq!(v["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
        // The files written beside it, each with its size and SHA-256.
        assert_eq!(
            v["outputs"],
            json!([{
                "file": "gaps.csv",
                "bytes": 3,
                "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            }])
        );
    }
}
