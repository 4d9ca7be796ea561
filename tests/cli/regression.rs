//! Regression tests: each pins a bug found by this suite and fixed in src/.

use crate::{default_run, fixture, run_ok};

/// Boundaries with no `crs` member were read as British National Grid (or WGS84) from their
/// coordinate range, but the run said so only inside summary.md: stderr said nothing, so a
/// user could not see the guess. It is now a note naming the file and the range.
#[test]
fn crs_decided_from_the_range_is_reported_on_stderr() {
    let p = fixture("boundaries/oxfordshire_bng_no_crs.geojson");
    let run = run_ok(&[
        "--boundaries",
        &p,
        "--teams",
        &fixture("teams/oxford_only.csv"),
    ]);
    let note = run
        .stderr
        .lines()
        .find(|l| l.starts_with("note:") && l.contains("no \"crs\" member"))
        .unwrap_or_else(|| panic!("no note on the coordinate system:\n{}", run.stderr));
    assert!(note.contains(&p), "{note}");
    assert!(
        note.contains("so read as British National Grid (EPSG:27700)"),
        "{note}"
    );
    // A declared crs, and the built-in boundaries, need no such note.
    let declared = run_ok(&[
        "--boundaries",
        &fixture("boundaries/oxfordshire_bng_legacy_crs.geojson"),
        "--teams",
        &fixture("teams/oxford_only.csv"),
    ]);
    assert!(!declared.stderr.contains("no \"crs\" member"));
    assert!(!default_run().stderr.contains("no \"crs\" member"));
}
