//! `run.json`: what a run read and how it was asked, so a briefing's numbers can be traced
//! and reproduced: covgap's version, each input with its size and SHA-256 (small-area files,
//! and `covgap plan`'s candidate, what-if and deprivation tables, included), the options, and
//! the periods of the figures.

use std::io::Read;
use std::path::Path;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::builtin;
use crate::error::{Error, Result};
use crate::load::Inputs;
use crate::model::Study;
use crate::read::Input;
use crate::small_areas::SmallAreaInputs;

/// What `covgap plan` adds to `run.json`: the files only it reads, and its options.
#[derive(Debug, Clone)]
pub struct PlanRecord {
    pub inputs: Vec<(&'static str, Input)>,
    pub options: Value,
}

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

/// Size in bytes and SHA-256 of a file as it is on disk (a gzipped file is hashed packed).
pub fn fingerprint_file(path: &Path) -> Result<(u64, String)> {
    let rerr = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut f = std::fs::File::open(path).map_err(rerr)?;
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
    Ok((size, hex(&hasher.finalize())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn describe(role: &str, input: &Input) -> Result<Value> {
    Ok(match input {
        Input::BuiltIn { label, text } => {
            let (size, sha) = fingerprint_bytes(text.as_bytes());
            json!({ "role": role, "built_in": label, "bytes": size, "sha256": sha })
        }
        Input::File(p) => {
            let (size, sha) = fingerprint_file(p)?;
            let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
            json!({
                "role": role,
                "path": p.display().to_string(),
                "absolute_path": abs.display().to_string(),
                "bytes": size,
                "sha256": sha,
            })
        }
    })
}

/// Every input a run reads, by role, in reading order.
pub fn inputs_read(inputs: &Inputs, small: &SmallAreaInputs) -> Vec<(&'static str, Input)> {
    let or = |p: &Option<std::path::PathBuf>, b: fn() -> Input| {
        p.clone().map(Input::File).unwrap_or_else(b)
    };
    let mut v = vec![
        ("boundaries", or(&inputs.boundaries, builtin::boundaries)),
        ("figures", or(&inputs.births, builtin::areas)),
        ("area_lookup", builtin::areas()),
        ("teams", or(&inputs.teams, builtin::teams)),
        ("postcode_districts", builtin::outcodes()),
    ];
    if let Some(p) = &inputs.postcodes {
        v.push(("postcodes", Input::File(p.clone())));
    }
    for p in &small.boundaries {
        v.push(("small_area_boundaries", Input::File(p.clone())));
    }
    for p in &small.figures {
        v.push(("small_area_figures", Input::File(p.clone())));
    }
    v
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
        "births": inputs.births.as_ref().map(|p| p.display().to_string()),
        "births_code_column": inputs.figure_options.code_column,
        "births_column": inputs.figure_options.figure_column,
        "sheet": inputs.figure_options.sheet,
        "measure": study.demand.measure.key(),
        "period": inputs.period,
        "teams": inputs.teams.as_ref().map(|p| p.display().to_string()),
        "evidence": inputs.evidence,
        "postcodes": inputs.postcodes.as_ref().map(|p| p.display().to_string()),
        "team_columns": {
            "name": c.name,
            "areas": c.areas,
            "latitude": c.latitude,
            "longitude": c.longitude,
            "easting": c.easting,
            "northing": c.northing,
            "postcode": c.postcode,
            "postcode_district": c.postcode_district,
            "evidence": c.evidence,
        },
        "small_areas": small_areas,
    })
}

/// `run.json`, with `plan`'s own inputs and options when it is `covgap plan`'s. Fails when a
/// user's input can no longer be read (moved or deleted since the analysis read it).
pub fn json(
    inputs: &Inputs,
    small: &SmallAreaInputs,
    study: &Study,
    plan: Option<&PlanRecord>,
) -> Result<Vec<u8>> {
    let mut read = inputs_read(inputs, small);
    if let Some(p) = plan {
        read.extend(p.inputs.iter().cloned());
    }
    let described = read
        .iter()
        .map(|(role, input)| describe(role, input))
        .collect::<Result<Vec<_>>>()?;
    let mut doc = json!({
        "covgap_version": env!("CARGO_PKG_VERSION"),
        "inputs": described,
        "options": options(inputs, small, study),
        "figures": {
            "measure": study.demand.measure.key(),
            "measure_description": study.demand.measure.describe(),
            "period": study.demand.period,
            "source": study.demand.source,
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
    if let Some(p) = plan {
        doc["plan"] = p.options.clone();
    }
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
            fingerprint_file(f.path()).unwrap(),
            fingerprint_bytes(b"code,births\nE1,3\n")
        );
    }

    #[test]
    fn builtin_run_lists_every_input() {
        let mut diag = crate::error::Diagnostics::new();
        let inputs = Inputs::default();
        let a = crate::analyse_inputs(&inputs, &mut diag).unwrap();
        let v: Value = serde_json::from_slice(
            &json(&inputs, &SmallAreaInputs::default(), &a.study, None).unwrap(),
        )
        .unwrap();
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
                "postcode_districts"
            ]
        );
        assert_eq!(v["figures"]["period"], builtin::BIRTHS_PERIOD);
        assert_eq!(v["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    }
}
