//! Integration tests for `covgap run` and `covgap check`: the built binary run in its own
//! temporary folder on the built-in data and on small fixtures named for their edge case
//! (tests/fixtures; `tests/fixtures/make_fixtures.py` made them), plus property tests of the
//! spatial index and the rollups through the library.

mod assign;
mod bad_input;
mod births_by_nation;
mod births_flags_per_table;
mod builtin;
mod builtin_geographies;
mod check_inputs;
mod figures_by_name;
mod gpkg;
mod grids;
mod icb_split;
mod inputs;
mod map;
mod names;
mod ons_inputs;
mod outputs;
mod plan;
mod plan_deprivation;
mod plan_outputs;
mod plan_small_areas;
mod plan_smaller_areas;
mod properties;
mod refresh;
mod regression;
mod scoring;
mod small_areas;
mod teams_outside;
mod xlsx;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use serde_json::Value;

/// The files `covgap run` writes.
pub const OUTPUTS: &[&str] = &[
    "areas.geojson",
    "areas.qml",
    "covgap.gpkg",
    "covgap.xlsx",
    "gaps.csv",
    "map.png",
    "map.svg",
    "rollups.csv",
    "run.json",
    "summary.json",
    "summary.md",
    "teams.geojson",
    "teams.qml",
];

/// A fixture's path, found from the crate root so tests run from any directory.
pub fn fixture(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel);
    p.to_str().expect("utf-8 path").to_string()
}

/// A fixture's path as a `PathBuf`.
pub fn fixture_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// The `run.json` in an output folder.
pub fn run_json(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("run.json")).expect("run.json")).expect("JSON")
}

/// The input `run.json` records under `role`.
pub fn run_json_input<'a>(run: &'a serde_json::Value, role: &str) -> &'a serde_json::Value {
    run["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .find(|i| i["role"] == role)
        .unwrap_or_else(|| panic!("no {role} in run.json: {run}"))
}

/// The covgap binary, for tests that set up their own folders.
pub fn covgap() -> Command {
    Command::cargo_bin("covgap").expect("binary built")
}

/// The `covgap` binary, run in its own temporary directory.
pub fn covgap_at(dir: &tempfile::TempDir) -> Command {
    let mut c = covgap();
    c.current_dir(dir.path());
    c
}

/// Reads an output CSV without its byte-order mark.
pub fn read_csv(path: &Path) -> Vec<Vec<String>> {
    read_csv_text(&std::fs::read_to_string(path).expect("output written"))
}

/// CSV text as rows of fields, without a byte-order mark.
pub fn read_csv_text(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    r.records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect()
}

/// What one run of the binary left behind, read into memory so that results can be shared
/// between tests after the temporary folder is gone.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub code: i32,
    pub stderr: String,
    /// Files in the output folder, by name (`None` when the folder was not created).
    pub files: Option<BTreeMap<String, Vec<u8>>>,
    /// Everything in the working folder after the run (names only), for "writes nothing".
    pub cwd_entries: Vec<String>,
}

fn list_dir(dir: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    let rd = std::fs::read_dir(dir).ok()?;
    let mut out = BTreeMap::new();
    for e in rd {
        let e = e.expect("dir entry");
        let name = e.file_name().to_string_lossy().into_owned();
        let bytes = if e.path().is_file() {
            std::fs::read(e.path()).expect("read output")
        } else {
            Vec::new()
        };
        out.insert(name, bytes);
    }
    Some(out)
}

/// Runs `covgap <args>` in a fresh temporary folder (the working directory), and reads back
/// whatever it wrote to `out` (relative to that folder).
pub fn covgap_in(dir: &Path, args: &[&str], out: Option<&str>) -> Outcome {
    let assert = Command::cargo_bin("covgap")
        .expect("covgap binary")
        .current_dir(dir)
        .args(args)
        .assert();
    let o = assert.get_output();
    let files = out.and_then(|o| list_dir(&dir.join(o)));
    let mut cwd_entries: Vec<String> = std::fs::read_dir(dir)
        .expect("read cwd")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    cwd_entries.sort();
    Outcome {
        code: o.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        files,
        cwd_entries,
    }
}

/// Runs `covgap <args>` in a fresh temporary folder holding `files` (name and text, a test's
/// own small inputs), and reads back whatever it wrote to `out` (see [`covgap_in`]).
pub fn covgap_with_files(files: &[(&str, &str)], args: &[&str], out: Option<&str>) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write input");
    }
    covgap_in(dir.path(), args, out)
}

/// The LSOAs of Oxford and Swindon as boundaries, with their figures (population aged 0), as
/// `run` and `plan` take them.
pub fn lsoa_inputs() -> Vec<String> {
    vec![
        "--boundaries".into(),
        fixture("boundaries/lsoas_oxford_swindon.geojson"),
        "--births".into(),
        fixture("births/lsoas_oxford_swindon_age0.csv"),
        "--measure".into(),
        "age0".into(),
        "--births-code-column".into(),
        "lsoa11_code".into(),
    ]
}

/// `covgap run <args> --out out` in a fresh temporary folder.
pub fn run(args: &[&str]) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", "out"]);
    covgap_in(dir.path(), &all, Some("out"))
}

/// `covgap check <args>` in a fresh temporary folder.
pub fn check(args: &[&str]) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    covgap_in(dir.path(), &all, None)
}

/// `run` that must succeed.
pub fn run_ok(args: &[&str]) -> Outcome {
    let o = run(args);
    assert_eq!(o.code, 0, "covgap run {args:?} failed:\n{}", o.stderr);
    o
}

/// A run with the two-team list `teams_before.csv`, made once and shared by the map and
/// workbook tests.
pub fn teams_before_run() -> &'static Outcome {
    static RUN: OnceLock<Outcome> = OnceLock::new();
    RUN.get_or_init(|| run_ok(&["--teams", &fixture("teams_before.csv")]))
}

/// The default run on the built-in data, made once and shared by the tests.
pub fn default_run() -> &'static Outcome {
    static RUN: OnceLock<Outcome> = OnceLock::new();
    RUN.get_or_init(|| run_ok(&[]))
}

impl Outcome {
    pub fn bytes(&self, name: &str) -> &[u8] {
        self.files
            .as_ref()
            .and_then(|f| f.get(name))
            .unwrap_or_else(|| panic!("{name} was not written; stderr:\n{}", self.stderr))
    }

    pub fn text(&self, name: &str) -> String {
        String::from_utf8(self.bytes(name).to_vec()).expect("utf-8 output")
    }

    pub fn json(&self, name: &str) -> Value {
        serde_json::from_slice(self.bytes(name))
            .unwrap_or_else(|e| panic!("{name} does not parse as JSON: {e}"))
    }

    pub fn summary(&self) -> Value {
        self.json("summary.json")
    }

    /// `areas.geojson`'s feature properties, by area code.
    pub fn areas(&self) -> BTreeMap<String, Value> {
        features(&self.json("areas.geojson"))
            .into_iter()
            .map(|f| {
                let p = f["properties"].clone();
                (p["code"].as_str().expect("code").to_string(), p)
            })
            .collect()
    }

    /// `teams.geojson`'s features, by team name.
    pub fn teams(&self) -> BTreeMap<String, Value> {
        features(&self.json("teams.geojson"))
            .into_iter()
            .map(|f| {
                (
                    f["properties"]["name"].as_str().expect("name").to_string(),
                    f,
                )
            })
            .collect()
    }

    /// Lines of stderr that report an error-level problem.
    pub fn error_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .collect()
    }

    pub fn warning_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("warning:"))
            .collect()
    }

    /// The one warning line on stderr; fails the test, showing stderr, when there is not
    /// exactly one.
    pub fn only_warning(&self) -> &str {
        let w = self.warning_lines();
        assert_eq!(w.len(), 1, "{}", self.stderr);
        w[0]
    }

    /// Asserts stderr contains every one of `parts`.
    pub fn assert_stderr_has(&self, parts: &[&str]) {
        for p in parts {
            assert!(
                self.stderr.contains(p),
                "stderr lacks {p:?}; stderr was:\n{}",
                self.stderr
            );
        }
    }

    /// Codes of the covered areas.
    pub fn covered(&self) -> Vec<String> {
        self.areas()
            .into_iter()
            .filter(|(_, p)| p["covered"] == Value::Bool(true))
            .map(|(c, _)| c)
            .collect()
    }
}

pub fn features(doc: &Value) -> Vec<Value> {
    doc["features"].as_array().expect("features array").to_vec()
}

/// The per-nation entries of summary.json, by nation name.
pub fn nations(summary: &Value) -> BTreeMap<String, Value> {
    summary["nations"]
        .as_array()
        .expect("nations")
        .iter()
        .map(|n| (n["name"].as_str().expect("name").to_string(), n.clone()))
        .collect()
}

pub fn u(v: &Value) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| panic!("{v} is not a whole number"))
}

/// Path of the repository's own data folder, for computing expected values independently.
pub fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Makes a named pipe at `path`, as an output a user might name (`/dev/stdout` is one).
#[cfg(unix)]
pub fn make_pipe(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(made.success(), "mkfifo {}", path.display());
}

/// Asserts that `path` is still the named pipe [`make_pipe`] made: covgap left it alone.
#[cfg(unix)]
pub fn assert_still_a_pipe(path: &Path) {
    use std::os::unix::fs::FileTypeExt;
    let kind = std::fs::symlink_metadata(path).expect("pipe").file_type();
    assert!(kind.is_fifo(), "the pipe was replaced: {kind:?}");
}

/// Writes the rows of a simple CSV (no quoted commas) into a sheet from row `from` (0-based),
/// numbers as numbers, as a user pasting a list into Excel has it.
pub fn csv_into_sheet(t: &mut rust_xlsxwriter::Worksheet, csv: &str, from: u32) {
    for (r, line) in (from..).zip(csv.lines()) {
        for (c, cell) in line.split(',').enumerate() {
            match cell.parse::<f64>() {
                Ok(v) => t.write_number(r, c as u16, v).unwrap(),
                Err(_) => t.write_string(r, c as u16, cell).unwrap(),
            };
        }
    }
}
