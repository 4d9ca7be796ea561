//! Integration tests: the built `covgap` binary run on small fixtures, one module per area.

mod assign;
mod small_areas;

use std::path::PathBuf;

/// A fixture under tests/fixtures, found from the crate root whatever the working directory.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// The `covgap` binary, run in its own temporary directory.
pub fn covgap(dir: &tempfile::TempDir) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("covgap").expect("binary built");
    c.current_dir(dir.path());
    c
}

/// Reads an output CSV without its byte-order mark.
pub fn read_csv(path: &std::path::Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).expect("output written");
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    r.records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect()
}
