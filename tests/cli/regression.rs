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

/// A distance of exactly 2.25 km was written as 2.3 in areas.geojson and summary.json (which
/// round half away from zero) but as 2.2 in gaps.csv and summary.md (formatting rounds half
/// to even), so one gap showed two distances. Every output now rounds the same way.
#[test]
fn a_distance_on_a_rounding_tie_is_the_same_in_every_output() {
    let run = run_ok(&[
        "--boundaries",
        &fixture("boundaries/bng_distance_2250m.geojson"),
        "--teams",
        &fixture("teams/oxford_only.csv"),
    ]);
    let vale = &run.areas()["E07000180"];
    assert_eq!(vale["nearest_team_km"], 2.3);
    assert_eq!(run.summary()["top_gaps"][0]["nearest_team_km"], 2.3);
    let gaps = run.text("gaps.csv");
    assert!(gaps.contains(",City team,2.3,"), "gaps.csv: {gaps}");
    let md = run.text("summary.md");
    assert!(md.contains("| City team | 2.3 |"), "summary.md: {md}");
}

/// A mistyped area code got suggestions ranked by how much the code looked like each
/// area's *name* ("E0700178: did you mean Cherwell, West Oxfordshire, ...?"), which never
/// finds the intended code. Codes are now compared with codes as well as names with names.
#[test]
fn a_mistyped_code_suggests_the_closest_code() {
    let p = fixture("teams/mistyped_codes.csv");
    let c = crate::check(&["--teams", &p]);
    assert_eq!(c.code, 1);
    c.assert_stderr_has(&[
        &format!("{p}, line 2: City team: area \"E0700178\" is not a code or name in the boundaries; did you mean Oxford (E07000178)"),
        &format!("{p}, line 3: Brum team: area \"E08000O25\" is not a code or name in the boundaries; did you mean Birmingham (E08000025)"),
    ]);
}

/// A footnote below an ONS table ("Note: figures are rounded © Crown copyright") sat in the
/// code column and was reported as a row "for codes not in the boundaries", as if it were a
/// geography. Footnotes are skipped like blank rows; real country/region rows are still
/// reported.
#[test]
fn footnotes_below_an_ons_table_are_not_reported_as_codes() {
    let run = run_ok(&[
        "--boundaries",
        &fixture("boundaries/oxfordshire_wgs84.geojson"),
        "--teams",
        &fixture("teams/no_evidence_column.csv"),
        "--births",
        &fixture("births/ons_excel_windows1252.csv"),
    ]);
    let note = run
        .stderr
        .lines()
        .find(|l| l.starts_with("note:") && l.contains("ons_excel_windows1252.csv"))
        .unwrap_or_else(|| panic!("no note on ignored rows:\n{}", run.stderr));
    assert!(
        note.contains(": 5 row(s) for codes not in the boundaries"),
        "{note}"
    );
    assert!(!note.contains("Note: figures"), "{note}");
    assert!(note.contains("W06000001 Ynys Môn"), "{note}");
}
