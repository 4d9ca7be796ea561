//! `covgap check` on the inputs beyond boundaries, figures and teams: the small areas `run`
//! takes (read and placed by the same code, so the same problems with the same messages) and
//! the points file `assign` takes (streamed the same way). Nothing is ever written.

use crate::{check, fixture, run, Outcome};

/// The four hand-drawn districts of tests/fixtures/small_areas, their births and Team One,
/// followed by `extra` (where `FIX/` stands for that folder).
fn with_districts(extra: &[&str]) -> Vec<String> {
    let f = |n: &str| fixture(&format!("small_areas/{n}"));
    let mut args = vec![
        "--boundaries".to_string(),
        f("districts_bng.geojson"),
        "--births".into(),
        f("births.csv"),
        "--teams".into(),
        f("teams.csv"),
    ];
    args.extend(
        extra
            .iter()
            .map(|s| s.replace("FIX/", &fixture("small_areas/"))),
    );
    args
}

fn check_with(extra: &[&str]) -> Outcome {
    let args = with_districts(extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    check(&args)
}

/// `run` and `check` on the same small-area flags: both fail, `check` writes nothing and
/// lists every error `run` lists, word for word. Returns the `check` outcome.
fn both_reject(extra: &[&str]) -> Outcome {
    let args = with_districts(extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = run(&args);
    assert_eq!(r.code, 1, "run should fail:\n{}", r.stderr);
    let c = check(&args);
    assert_eq!(c.code, 1, "check should fail:\n{}", c.stderr);
    assert!(c.cwd_entries.is_empty(), "check wrote {:?}", c.cwd_entries);
    for line in r
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:") || l.starts_with("covgap: /"))
    {
        assert!(
            c.stderr.lines().any(|l| l == line),
            "check does not list run's {line:?}; check said:\n{}",
            c.stderr
        );
    }
    c
}

mod small_areas {
    use super::*;

    #[test]
    fn check_reads_and_places_good_small_areas_and_writes_nothing() {
        let c = check_with(&[
            "--small-areas",
            "FIX/small_areas_a.geojson,FIX/small_areas_b.geojson,FIX/offshore_square.geojson",
            "--small-area-figures",
            "FIX/figures_a.csv,FIX/figures_b.csv,FIX/offshore_square_figures.csv",
            // Accepted, as by `run`, but check writes nothing.
            "--small-areas-geojson",
        ]);
        assert_eq!(c.code, 0, "{}", c.stderr);
        // 125 babies in the eight squares of the run tests, 7 in the square off Gamma's coast.
        c.assert_stderr_has(&[
            "covgap check: 4 areas, 1 teams (1 counted); 9 small areas read, 9 placed in a district, figure total 132; 0 error(s), 1 warning(s)",
            // The suppressed figure run warns about too.
            "figures_b.csv, line 3: E01000006: figure is suppressed",
            // The square off the coast goes to the nearest district, as in run's summary.
            "note: small areas: 1 small area(s) have their representative point outside every district",
            "the furthest 1.5 km away",
        ]);
        assert!(c.cwd_entries.is_empty(), "check wrote {:?}", c.cwd_entries);
    }

    #[test]
    fn without_small_areas_the_summary_does_not_mention_them() {
        let c = check_with(&[]);
        assert_eq!(c.code, 0, "{}", c.stderr);
        c.assert_stderr_has(&["covgap check: 4 areas, 1 teams (1 counted); 0 error(s)"]);
        assert!(!c.stderr.contains("small area"), "{}", c.stderr);
    }

    #[test]
    fn check_lists_each_broken_small_area_feature_as_run_does() {
        let c = both_reject(&[
            "--small-areas",
            "FIX/bad_geometry_repeated_and_missing_code.geojson",
            "--small-area-figures",
            "FIX/figures_a.csv",
        ]);
        let file = "bad_geometry_repeated_and_missing_code.geojson";
        c.assert_stderr_has(&[
            &format!("{file}, feature 2: E01000002 (Small 2 as a line): geometry is a LineString"),
            &format!("{file}, feature 3: area code E01000001 appears again (first at feature 1)"),
            &format!("{file}, feature 4: has no \"lsoa11_code\" property"),
            "1 small areas read, 1 placed in a district",
            "3 error(s)",
        ]);
    }

    #[test]
    fn check_lists_small_area_figures_that_are_not_numbers() {
        let c = both_reject(&[
            "--small-areas",
            "FIX/small_areas_a.geojson",
            "--small-area-figures",
            "FIX/figures_not_numbers.csv",
        ]);
        c.assert_stderr_has(&[
            "figures_not_numbers.csv, line 2: E01000001: figure \"ten\" in column \"age_0\" is not a number",
            "figures_not_numbers.csv, line 4: E01000003: figure \"4.5\" in column \"age_0\" is not a whole number",
            "2 error(s)",
        ]);
    }

    #[test]
    fn an_unreadable_small_area_file_is_an_error_and_the_rest_is_still_checked() {
        let missing = fixture("small_areas/no_such_file.geojson");
        let c = both_reject(&[
            "--small-areas",
            &missing,
            "--small-area-figures",
            "FIX/figures_a.csv",
        ]);
        c.assert_stderr_has(&[
            &format!("covgap: {missing}: cannot read file"),
            "covgap check: 4 areas, 1 teams (1 counted); small areas not read; 1 error(s)",
        ]);
    }

    #[test]
    fn a_code_column_that_is_not_in_the_figures_is_an_error() {
        let c = both_reject(&[
            "--small-areas",
            "FIX/small_areas_a.geojson",
            "--small-area-figures",
            "FIX/figures_a.csv",
            "--small-area-code-column",
            "lsoa21cd",
        ]);
        c.assert_stderr_has(&["figures_a.csv", "lsoa21cd", "small areas not read"]);
    }

    #[test]
    fn small_areas_are_checked_even_when_the_boundaries_cannot_be_read() {
        let missing = fixture("boundaries/no_such_file.geojson");
        let c = check(&[
            "--boundaries",
            &missing,
            "--small-areas",
            &fixture("small_areas/small_areas_a.geojson"),
            "--small-area-figures",
            &fixture("small_areas/figures_not_numbers.csv"),
        ]);
        assert_eq!(c.code, 1, "{}", c.stderr);
        c.assert_stderr_has(&[
            &format!("covgap: {missing}: cannot read file"),
            "figures_not_numbers.csv, line 2: E01000001: figure \"ten\"",
        ]);
        assert!(c.cwd_entries.is_empty(), "check wrote {:?}", c.cwd_entries);
    }
}
