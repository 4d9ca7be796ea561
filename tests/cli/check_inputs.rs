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

/// `covgap check` on the hand-drawn districts with `extra` (see [`with_districts`]).
pub(crate) fn check_with(extra: &[&str]) -> Outcome {
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
            "FIX/small_areas_a.geojson,FIX/small_areas_b.geojson,FIX/square_in_real_peterborough.geojson",
            "--small-area-figures",
            "FIX/figures_a.csv,FIX/figures_b.csv,FIX/square_in_real_peterborough_figures.csv",
            // Accepted, as by `run`, but check writes nothing.
            "--small-areas-geojson",
        ]);
        assert_eq!(c.code, 0, "{}", c.stderr);
        // 125 babies in the eight squares of the run tests, 7 in the square 1.5 km off Gamma's
        // edge: it lies in real Peterborough, about half of which Gamma holds, and Gamma's
        // straight sides (80 km) may stray far from the line they stand for, so it goes to the
        // nearest district. The two warnings: the suppressed figure, and the hand-drawn
        // districts' births, far below the real ones for their codes.
        c.assert_stderr_has(&[
            "covgap check: 4 areas, 1 team (1 counted); 9 small areas read, 9 placed in a district, figure total 132; 0 errors, 2 warnings",
            "births.csv: the figures in column \"births\" add up to 430 for the 4 areas the built-in table also has",
            // The suppressed figure run warns about too.
            "figures_b.csv, line 3: E01000006: figure is suppressed",
            "note: small areas: 1 small area has its representative point outside every district but within 2 km of one, at sea or in a district the boundaries include by the built-in boundaries (off a generalised coast); it was put in the nearest district (1.5 km away)",
            // The flag check cannot act on is named, not silently dropped.
            "note: --small-areas-geojson: check writes nothing; the flag is accepted so that a `run` command line can be checked as it is",
        ]);
        assert!(c.cwd_entries.is_empty(), "check wrote {:?}", c.cwd_entries);
    }

    /// `check --help` says what `check` does with --small-areas-geojson: it said "Also write
    /// small_areas.geojson", as `run --help` does, though check writes nothing.
    #[test]
    fn check_help_says_small_areas_geojson_writes_nothing() {
        let out = crate::covgap()
            .args(["check", "--help"])
            .output()
            .expect("covgap check --help");
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(!help.contains("Also write small_areas.geojson"), "{help}");
        assert!(
            help.contains("Accepted and ignored: check writes nothing"),
            "{help}"
        );
        // run's help still says what the flag writes.
        let out = crate::covgap()
            .args(["run", "--help"])
            .output()
            .expect("covgap run --help");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Also write small_areas.geojson"));
    }

    #[test]
    fn without_small_areas_the_summary_does_not_mention_them() {
        let c = check_with(&[]);
        assert_eq!(c.code, 0, "{}", c.stderr);
        c.assert_stderr_has(&["covgap check: 4 areas, 1 team (1 counted); 0 errors"]);
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
            "1 small area read, 1 placed in a district",
            "3 errors",
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
            "2 errors",
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
            "covgap check: 4 areas, 1 team (1 counted); small areas not read; 1 error",
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
    fn small_area_fields_and_columns_named_by_flags_are_read() {
        // Properties sa_ref/sa_label and columns sa_ref/under_ones: none found by name, so
        // each flag is needed and an ignored one fails the check.
        let c = check_with(crate::small_areas::UNRECOGNISED_SMALL_AREA_FLAGS);
        assert_eq!(c.code, 0, "{}", c.stderr);
        // The one warning is the hand-drawn districts' births, far below the real ones for
        // their codes; none is about the small areas.
        c.assert_stderr_has(&[
            "4 small areas read, 4 placed in a district, figure total 100; 0 errors, 1 warning",
        ]);
        assert_eq!(c.warning_lines().len(), 1, "{}", c.stderr);
        assert!(
            c.warning_lines()[0].contains("births.csv: the figures in column"),
            "{}",
            c.stderr
        );
    }

    #[test]
    fn measure_chooses_the_small_area_figure_column_as_in_run() {
        // figures_a_births_and_age_0.csv: births 11+21+31+41 = 104, age_0 10+20+30+40 = 100.
        // The district figures are the built-in ones, which have both measures.
        let f = |n: &str| fixture(&format!("small_areas/{n}"));
        let total = |measure: &str| {
            let c = check(&[
                "--boundaries",
                &f("districts_bng.geojson"),
                "--teams",
                &f("teams.csv"),
                "--measure",
                measure,
                "--small-areas",
                &f("small_areas_a.geojson"),
                "--small-area-figures",
                &f("figures_a_births_and_age_0.csv"),
            ]);
            assert_eq!(c.code, 0, "{}", c.stderr);
            c.stderr
        };
        assert!(total("births").contains("figure total 104;"));
        assert!(total("age0").contains("figure total 100;"));
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

mod points {
    use super::*;

    fn check_points(args: &[&str]) -> Outcome {
        let mut all = vec!["--points"];
        all.extend_from_slice(args);
        check(&all)
    }

    #[test]
    fn check_passes_good_points_and_counts_the_rows() {
        let c = check_points(&[&fixture("points/easting_northing.csv")]);
        assert_eq!(c.code, 0, "{}", c.stderr);
        c.assert_stderr_has(&[
            "2 rows of points read: 2 located, 2 inside an area; 0 not located; 0 errors, 0 warnings",
        ]);
        assert!(c.cwd_entries.is_empty(), "check wrote {:?}", c.cwd_entries);
    }

    #[test]
    fn check_lists_the_points_it_cannot_place_by_line() {
        let p = fixture("points/bad_rows.csv");
        let c = check_points(&[&p]);
        // assign would still run on this file, so the rows are warnings, as in assign.
        assert_eq!(c.code, 0, "{}", c.stderr);
        c.assert_stderr_has(&[
            &format!("warning: {p}, line 3: not located: latitude/longitude not in the UK (swapped?)"),
            &format!("warning: {p}, line 4: not located: latitude/longitude not both numbers"),
            &format!("warning: {p}, line 5: not located: easting/northing outside British National Grid's UK extent"),
            &format!("warning: {p}, line 6: not located: postcode ZZ99 9ZZ: district ZZ99 is not known"),
            &format!("warning: {p}, line 7: not located: not a UK postcode"),
            // The row before it holds a line break inside quotes: lines are counted in the
            // file, not in records.
            &format!("warning: {p}, line 10: inside no area"),
            "9 rows of points read: 4 located, 3 inside an area; 5 not located; 0 errors, 6 warnings",
        ]);
        assert_eq!(c.warning_lines().len(), 6, "{}", c.stderr);
        assert!(c.cwd_entries.is_empty(), "check wrote {:?}", c.cwd_entries);
    }

    #[test]
    fn check_and_assign_give_the_same_reason_for_each_row() {
        let p = fixture("points/bad_rows.csv");
        let dir = tempfile::tempdir().unwrap();
        let a = crate::covgap_in(
            dir.path(),
            &["assign", "--points", &p, "--out", "o.csv"],
            None,
        );
        assert_eq!(a.code, 0, "{}", a.stderr);
        let c = check_points(&[&p]);
        let not_located: Vec<&str> = a
            .warning_lines()
            .into_iter()
            .filter(|l| l.contains("not located"))
            .collect();
        assert_eq!(not_located.len(), 5, "{}", a.stderr);
        for line in not_located {
            assert!(
                c.stderr.lines().any(|l| l == line),
                "{line:?} not in:\n{}",
                c.stderr
            );
        }
    }

    #[test]
    fn postcodes_missing_from_the_directory_are_listed() {
        let p = fixture("points/postcodes.csv");
        let c = check_points(&[
            &p,
            "--postcode-column",
            "Post Code",
            "--postcodes",
            &fixture("points/postcode_directory.csv"),
        ]);
        assert_eq!(c.code, 0, "{}", c.stderr);
        c.assert_stderr_has(&[
            &format!("warning: {p}, line 4: not located: postcode ZZ99 9ZZ is not in the postcode directory"),
            "4 rows of points read: 3 located, 3 inside an area; 1 not located",
        ]);
    }

    #[test]
    fn only_the_first_ten_bad_rows_are_listed_with_a_count_of_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.csv");
        let mut text = String::from("id,latitude,longitude\nbirmingham,52.4862,-1.8904\n");
        for i in 0..25 {
            text.push_str(&format!("blank{i},,\n"));
        }
        std::fs::write(&p, text).unwrap();
        let c = check_points(&[p.to_str().unwrap()]);
        assert_eq!(c.code, 0, "{}", c.stderr);
        let listed: Vec<&str> = c
            .warning_lines()
            .into_iter()
            .filter(|l| l.contains(": not located:"))
            .collect();
        assert_eq!(listed.len(), 10, "{}", c.stderr);
        assert!(listed[0].contains(", line 3: "), "{}", listed[0]);
        assert!(listed[9].contains(", line 12: "), "{}", listed[9]);
        c.assert_stderr_has(&[
            "15 more rows not located (only the first 10 are listed)",
            "26 rows of points read: 1 located, 1 inside an area; 25 not located",
        ]);
    }

    #[test]
    fn a_points_file_assign_cannot_read_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("p.csv"), "a,b\n1,2\n").unwrap();
        let p = dir.path().join("p.csv").display().to_string();
        let c = check_points(&[&p]);
        assert_eq!(c.code, 1, "{}", c.stderr);
        c.assert_stderr_has(&[
            &format!("covgap: {p}: has no latitude/longitude"),
            "points not read; 1 error",
        ]);
        let c = check_points(&[&fixture("points/lonlat.csv"), "--lat-column", "lat"]);
        assert_eq!(c.code, 1, "{}", c.stderr);
        c.assert_stderr_has(&["--lat-column \"lat\" is not a column"]);
    }

    #[test]
    fn every_point_column_can_be_named_with_a_flag() {
        // Headers covgap does not know: a row whose flag was ignored would not be located.
        let p = fixture("points/headers_covgap_does_not_know.csv");
        let mut args = vec![p.as_str()];
        args.extend_from_slice(crate::assign::POINT_COLUMN_FLAGS);
        let c = check_points(&args);
        assert_eq!(c.code, 0, "{}", c.stderr);
        c.assert_stderr_has(&[
            "3 rows of points read: 3 located, 3 inside an area; 0 not located; 0 errors, 0 warnings",
        ]);
    }

    #[test]
    fn point_columns_without_points_is_a_usage_error() {
        assert_eq!(check(&["--lat-column", "lat"]).code, 2);
    }

    #[test]
    fn check_counts_what_assign_counts_whatever_the_chunks_and_threads() {
        use covgap::assign::{AssignPlan, Assigner, PointsInput};
        let (dir, points, a) = crate::assign::many_points_and_the_built_in_analysis(5_000);
        let assigner = Assigner::new(&a.study, &a.coverage);
        let input = |threads, chunk_bytes| PointsInput {
            points: points.clone(),
            threads: Some(threads),
            chunk_bytes,
            ..Default::default()
        };
        let plan = AssignPlan {
            input: input(1, 0),
            out_csv: dir.path().join("o.csv"),
            ..Default::default()
        };
        let (assigned, _) = covgap::assign::assign_file(&assigner, &plan, &()).unwrap();
        assert!(assigned.outside_total() > 10, "some points at sea");
        for (threads, chunk) in [(1, 0), (3, 1500), (2, 70_000)] {
            let checked =
                covgap::assign::check_file(&assigner, &input(threads, chunk), &()).unwrap();
            assert_eq!(checked, assigned, "threads {threads}, chunk {chunk}");
        }
        // The rows inside no area are the first ones in the file, found by assign too.
        let rows = crate::read_csv(&dir.path().join("o.csv"));
        let first_outside: Vec<u64> = rows[1..]
            .iter()
            .enumerate()
            .filter(|(_, r)| r[3].is_empty())
            .take(covgap::assign::MAX_EXAMPLES)
            .map(|(i, _)| i as u64 + 2)
            .collect();
        assert_eq!(assigned.outside, first_outside);
    }
}

/// Boundaries that cannot be read stop the analysis, but `check` still reads the figures
/// table and team list on their own and lists their problems with the boundaries' error.
#[test]
fn unreadable_boundaries_still_list_the_figures_and_teams_problems() {
    let births = fixture("births/not_a_number.csv");
    let teams = fixture("teams/unplaceable_rows.csv");
    let c = check(&[
        "--boundaries",
        "no_such_boundaries.geojson",
        "--teams",
        &teams,
        "--births",
        &births,
    ]);
    assert_eq!(c.code, 1, "{}", c.stderr);
    c.assert_stderr_has(&[
        "covgap: no_such_boundaries.geojson: cannot read file",
        &format!("{births}, line 3: E07000178: figure \"about 1400\" in column \"births\" is not a number"),
        &format!("{teams}, line 2: Swapped team: latitude -1.267367, longitude 51.750231 is not in the UK"),
        &format!("{teams}, line 4: team has no name"),
        "covgap check: stopped; 4 more errors listed above",
    ]);
    // With nothing else wrong there is no count of further errors.
    let alone = check(&["--boundaries", "no_such_boundaries.geojson"]);
    assert_eq!(alone.code, 1, "{}", alone.stderr);
    alone.assert_stderr_has(&["covgap check: stopped. Teams' areas and bases"]);
    assert!(c.cwd_entries.is_empty(), "check wrote {:?}", c.cwd_entries);
}

/// `check` takes `plan`'s own files (`--candidates`, `--what-if`, `--deprivation`) and lists
/// their problems as `plan` gives them, word for word, so a list of new sites can be checked
/// before planning. Before, `check` refused the flags, and these files could be checked only
/// by running `plan`, which stops at the first file with a problem.
#[test]
fn check_lists_the_problems_of_plans_own_files_as_plan_does() {
    let dir = tempfile::tempdir().unwrap();
    let sites = dir.path().join("sites.csv");
    std::fs::write(
        &sites,
        "name,latitude,longitude,areas_served\nNowhere site,,,\nMisspelt site,,,Oxfrod\n",
    )
    .unwrap();
    let what_if = fixture("plan/candidate_in_manchester_only.csv");
    let shares = dir.path().join("shares.csv");
    std::fs::write(&shares, "code,most_deprived_decile_share\nE07000178,0.1\n").unwrap();
    let oxon = fixture("boundaries/oxfordshire_wgs84.geojson");
    let sites = sites.display().to_string();
    let c = check(&["--boundaries", &oxon, "--candidates", &sites]);
    assert_eq!(c.code, 1, "{}", c.stderr);
    let errors: Vec<&str> = c
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 2, "{}", c.stderr);
    assert!(errors[0].contains("line 2: Nowhere site: has no areas served and no location"));
    assert!(errors[1].contains("line 3: Misspelt site: area \"Oxfrod\" is not a code or name in the boundaries; did you mean"));
    // Every row refused: no usable site, said so rather than "0 site(s)".
    assert!(
        c.stderr
            .contains("; --candidates: no usable site; 2 errors"),
        "{}",
        c.stderr
    );
    // `plan` gives the same errors, word for word.
    let p = crate::covgap_in(
        dir.path(),
        &[
            "plan",
            "--add",
            "1",
            "--boundaries",
            &oxon,
            "--candidates",
            &sites,
        ],
        None,
    );
    assert_eq!(p.code, 1);
    for e in &errors {
        assert!(p.stderr.contains(e), "{e}\n{}", p.stderr);
    }
    // A what-if list outside the boundaries, and a table with one district's share.
    let c = check(&[
        "--boundaries",
        &oxon,
        "--what-if",
        &what_if,
        "--deprivation",
        &shares.display().to_string(),
    ]);
    assert_eq!(c.code, 1, "{}", c.stderr);
    assert!(
        c.stderr
            .contains("--rank-by need: no deprivation figure for 4 districts with demand"),
        "{}",
        c.stderr
    );
    // The built-in data with good files (the built-in table given as a file): a summary of
    // each, and no error.
    let table = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/deprivation.csv");
    let good = check(&[
        "--candidates",
        &fixture("plan/candidates_by_coordinates.csv"),
        "--what-if",
        &fixture("plan/what_if_birmingham.csv"),
        "--deprivation",
        &table.display().to_string(),
    ]);
    assert_eq!(good.code, 0, "{}", good.stderr);
    assert!(
        good.stderr.contains(
            "sites in --candidates; 1 site in --what-if; deprivation shares for 361 districts;"
        ),
        "{}",
        good.stderr
    );
}

/// A list whose evidence column is blank in every row: the error says no row has a level, not
/// "the list's levels are ;" with an empty list.
#[test]
fn an_evidence_column_blank_in_every_row_is_said_to_have_no_level() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("teams.csv");
    std::fs::write(
        &list,
        "name,areas_served,evidence\nA team,E07000178,\nB team,E07000179,\n",
    )
    .unwrap();
    let c = check(&["--teams", &list.display().to_string()]);
    assert_eq!(c.code, 1, "{}", c.stderr);
    assert!(
        c.stderr.contains("no team has evidence level \"pif_named\" or \"service_confirmed\"; the list's levels are none: no row read has one; choose with --evidence"),
        "{}",
        c.stderr
    );
}

/// A list's problems come row by row, whichever pass found them: an area not found (found when
/// the rows are resolved) on line 2 before bad coordinates (found reading the rows) on line 3.
/// Before, line 3's came first.
#[test]
fn a_lists_problems_are_given_in_line_order() {
    let dir = tempfile::tempdir().unwrap();
    let sites = dir.path().join("sites.csv");
    std::fs::write(
        &sites,
        "name,latitude,longitude,areas_served\nMisspelt site,,,Oxfrod\nBad coordinates,abc,-1.2,\n",
    )
    .unwrap();
    let c = check(&[
        "--boundaries",
        &fixture("boundaries/oxfordshire_wgs84.geojson"),
        "--candidates",
        &sites.display().to_string(),
    ]);
    assert_eq!(c.code, 1, "{}", c.stderr);
    let lines: Vec<&str> = c
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .map(|l| l.split(": ").nth(1).unwrap_or(""))
        .collect();
    let sites = sites.display().to_string();
    assert_eq!(
        lines,
        [format!("{sites}, line 2"), format!("{sites}, line 3")],
        "{}",
        c.stderr
    );
}

/// With boundaries that cannot be read, `check` still reads a `--deprivation` table (it needs
/// no areas) and says which site lists it could not check. Before, both went unmentioned.
#[test]
fn unreadable_boundaries_still_check_the_deprivation_table_and_name_the_site_lists() {
    let dir = tempfile::tempdir().unwrap();
    let sites = dir.path().join("sites.csv");
    std::fs::write(&sites, "name,latitude,longitude\nX,abc,-1\n").unwrap();
    let c = check(&[
        "--boundaries",
        &fixture("boundaries/not_json.geojson"),
        "--candidates",
        &sites.display().to_string(),
        "--deprivation",
        &fixture("deprivation/share_not_a_number.csv"),
    ]);
    assert_eq!(c.code, 1, "{}", c.stderr);
    assert!(
        c.stderr.contains("share_not_a_number.csv, line 4: E06000003: most_deprived_decile_share \"n/a\" is not a number"),
        "{}",
        c.stderr
    );
    assert!(
        c.stderr.contains(&format!(
            "covgap check: {} (--candidates) was not checked: its sites' areas and bases are matched against the areas",
            sites.display()
        )),
        "{}",
        c.stderr
    );
}

/// The summary line counts one in the singular, as briefings quote it: "1 site in
/// --candidates", "1 row of points read", "1 team (1 counted)", "0 errors, 1 warning", not
/// "1 site(s)" or "1 teams".
#[test]
fn the_summary_line_counts_one_in_the_singular() {
    let dir = tempfile::tempdir().unwrap();
    let points = dir.path().join("one_point.csv");
    std::fs::write(&points, "id,easting,northing\nbirmingham,406649,286530\n").unwrap();
    let c = check(&[
        "--candidates",
        &fixture("plan/candidate_in_manchester_only.csv"),
        "--what-if",
        &fixture("plan/what_if_birmingham.csv"),
        "--points",
        &points.display().to_string(),
    ]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    c.assert_stderr_has(&[
        "; 1 site in --candidates; 1 site in --what-if; 1 row of points read: 1 located, 1 inside an area; 0 not located; 0 errors, 0 warnings\n",
    ]);
    // One team, one warning (the hand-drawn districts' births, far below the real ones).
    let one = check_with(&[]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    one.assert_stderr_has(&["covgap check: 4 areas, 1 team (1 counted); 0 errors, 1 warning\n"]);
    // One error besides the boundaries that stopped the check.
    let births = dir.path().join("one_bad_figure.csv");
    std::fs::write(
        &births,
        "code,births\nE07000177,1784\nE07000178,about 1400\n",
    )
    .unwrap();
    let stopped = check(&[
        "--boundaries",
        "no_such_boundaries.geojson",
        "--births",
        &births.display().to_string(),
    ]);
    assert_eq!(stopped.code, 1, "{}", stopped.stderr);
    stopped.assert_stderr_has(&["covgap check: stopped; 1 more error listed above. "]);
}
