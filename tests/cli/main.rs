//! Integration tests: the `covgap` binary run as users run it, one module per area.

mod gpkg;
mod map;
mod ons_inputs;
mod refresh;
mod xlsx;

use std::path::PathBuf;

/// A fixture under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The covgap binary.
pub fn covgap() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("covgap").expect("binary built")
}
