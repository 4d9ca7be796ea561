//! Integration tests: run the built `covgap` binary in a temporary folder, one module per area.

use std::path::PathBuf;

use assert_cmd::Command;

mod plan;

/// The `covgap` binary, run in a fresh temporary folder (returned so it lives on).
pub fn covgap() -> (Command, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::cargo_bin("covgap").expect("binary built");
    cmd.current_dir(dir.path());
    (cmd, dir)
}

/// A fixture under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// An output file as text, without the byte-order mark covgap puts on CSVs.
pub fn read(dir: &tempfile::TempDir, name: &str) -> String {
    let text = std::fs::read_to_string(dir.path().join(name)).expect(name);
    text.trim_start_matches('\u{feff}').to_string()
}
