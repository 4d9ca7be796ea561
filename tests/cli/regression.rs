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
    let notes: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("note:") && l.contains("ons_excel_windows1252.csv"))
        .collect();
    // The UK, England, the South East and Oxfordshire; and a district outside Oxfordshire,
    // said apart as one.
    let other = notes
        .iter()
        .find(|l| l.contains("rows for codes not in the boundaries"))
        .unwrap_or_else(|| panic!("no note on ignored rows:\n{}", run.stderr));
    assert!(other.contains(": 4 rows for codes not in the boundaries (countries, regions or counties in ONS tables, or other geographies) were ignored: E10000025 Oxfordshire, E12000008 South East, E92000001 England, K02000001 United Kingdom"), "{other}");
    assert!(!other.contains("Note: figures"), "{other}");
    assert!(
        notes.iter().any(|l| l.ends_with(
            ": 1 row for UK districts that are not areas of the boundaries given was ignored: W06000001 Ynys Môn"
        )),
        "{notes:?}"
    );
}

/// A births or team file that could not be read at all (missing, a workbook, no usable
/// column) stopped `check` at once, so the problems in the other files went unreported and a
/// user had to fix them one run at a time. Such a file is now one problem in the list and
/// checking goes on; `run` still writes nothing.
#[test]
fn check_goes_on_past_an_unreadable_births_file() {
    let births = fixture("births/xlsx_saved_as_csv.csv");
    let teams = fixture("teams/unknown_area.csv");
    let args = [
        "--boundaries",
        &fixture("boundaries/oxfordshire_wgs84.geojson"),
        "--births",
        &births,
        "--teams",
        &teams,
    ];
    let c = crate::check(&args);
    assert_eq!(c.code, 1);
    let errors = c.error_lines();
    assert_eq!(errors.len(), 4, "{}", c.stderr);
    assert!(errors[0].starts_with(&format!("error: {births}: starts like an Excel workbook")));
    assert!(
        errors[1..].iter().all(|l| l.contains(&teams)),
        "{}",
        c.stderr
    );
    c.assert_stderr_has(&["4 errors"]);
    let r = crate::run(&args);
    assert_eq!(r.code, 1);
    assert!(r.files.is_none());
    r.assert_stderr_has(&["4 problems in the inputs; nothing was written"]);
}

#[test]
fn check_goes_on_past_a_missing_team_list() {
    let births = fixture("births/not_a_number.csv");
    let teams = fixture("teams/no_such_file.csv");
    let c = crate::check(&[
        "--boundaries",
        &fixture("boundaries/oxfordshire_wgs84.geojson"),
        "--births",
        &births,
        "--teams",
        &teams,
    ]);
    assert_eq!(c.code, 1);
    assert_eq!(c.error_lines().len(), 3, "{}", c.stderr);
    c.assert_stderr_has(&[
        &format!("{births}, line 3:"),
        &format!("{births}, line 5:"),
        &format!("error: {teams}: cannot read file"),
    ]);
}

/// Swapping in one's own boundaries for part of the UK (here the five Oxfordshire districts,
/// on British National Grid) with the built-in team list failed with some 150 errors, one
/// for every built-in team's district or base outside those boundaries: errors in a file the
/// user never gave and could not fix. Built-in teams outside the user's boundaries are now
/// left out with one note; a user's own team list is still held to every area it names.
#[test]
fn own_boundaries_for_one_county_work_with_the_built_in_teams() {
    let run = run_ok(&[
        "--boundaries",
        &fixture("boundaries/oxfordshire_bng_legacy_crs.geojson"),
    ]);
    assert!(run.error_lines().is_empty(), "{}", run.stderr);
    run.assert_stderr_has(&[
        "built-in teams (data/teams.csv): 43 teams serve only areas outside the given boundaries, or name none and are based outside them, and cover none of the areas given: NorPIP (Northamptonshire Parent Infant Partnership), ",
        "districts the list names as areas served are not areas of the boundaries given, nor in one, so they were passed over (each team counts for the areas it serves among them): Aberdeen City (S12000033), ",
    ]);
    for (code, a) in run.areas() {
        assert!(a["teams"].as_str().unwrap().starts_with("OXPIP"), "{code}");
    }
    // OXPIP: Together for Baby, known only as "Essex", is not known to be in Oxfordshire.
    assert_eq!(run.summary()["teams_counted"], 1);
    // OXPIP is the one team kept that is placed; the two not counted that the list gives no
    // place at all stay in the list, unlocated, as in the GeoPackage. The 43 outside are listed
    // too, marked.
    let teams = run.teams();
    let (outside, kept): (Vec<_>, Vec<_>) = teams
        .iter()
        .partition(|(_, f)| f["properties"]["outside_boundaries"] == true);
    let located: Vec<&String> = kept
        .iter()
        .filter(|(_, f)| !f["geometry"].is_null())
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(located.len(), 1, "{located:?}");
    assert_eq!((kept.len(), outside.len()), (3, 43));
    assert!(!default_run().stderr.contains("left out"));
}

/// `--period`, `--births-column` and `--births-code-column` describe a user's own figures
/// file, and `--postcodes` is read only for teams given by full postcode. Given without
/// `--births` (or with no such team) they were parsed and silently ignored, so a user could
/// believe the outputs used them. Each is now reported.
#[test]
fn flags_that_do_nothing_here_are_reported() {
    let run = run_ok(&[
        "--period",
        "calendar year 2024",
        "--births-column",
        "Live births",
        "--births-code-column",
        "Area code",
        "--postcodes",
        &fixture("postcodes/onspd_small.csv"),
        "--boundaries",
        &fixture("boundaries/oxfordshire_wgs84.geojson"),
        "--teams",
        &fixture("teams/oxford_only.csv"),
    ]);
    let w = run.warning_lines();
    for flag in ["--period", "--births-column", "--births-code-column"] {
        assert!(
            w.iter().any(|l| l.starts_with(&format!(
                "warning: {flag}: applies only to your own figures"
            ))),
            "{flag}: {}",
            run.stderr
        );
    }
    run.assert_stderr_has(&["onspd_small.csv: no team is given by full postcode"]);
    // The outputs state the built-in period, not the one given.
    assert_eq!(run.summary()["period"], "1 July 2019 to 30 June 2020");
    assert!(!default_run().stderr.contains("warning:"));
}

/// A file whose `crs` member said EPSG:27700 while its coordinates were degrees was read as
/// metres: every area shrank to a few metres near the grid's false origin. It is now an error
/// naming the declaration and the coordinate range.
#[test]
fn crs_member_contradicting_the_coordinates_is_an_error() {
    let p = fixture("boundaries/crs_27700_on_degrees.geojson");
    let run = crate::run(&[
        "--boundaries",
        &p,
        "--teams",
        &fixture("teams/oxford_only.csv"),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.assert_stderr_has(&[
        &p,
        "declares British National Grid (EPSG:27700)",
        "coordinates span",
        "crs",
    ]);
    assert!(run.files.is_none());
}

/// Area codes typed in lower case in a births table were reported as unknown geographies
/// and their areas left with no figure.
#[test]
fn lower_case_codes_in_a_births_table_match() {
    let run = run_ok(&[
        "--boundaries",
        &fixture("boundaries/oxfordshire_wgs84.geojson"),
        "--births",
        &fixture("births/lowercase_codes.csv"),
        "--teams",
        &fixture("teams/oxford_only.csv"),
    ]);
    assert_eq!(
        crate::u(&run.summary()["demand_total"]),
        1784 + 1441 + 1500 + 1300 + 1100
    );
    assert!(!run.stderr.contains("no figure"), "{}", run.stderr);
}

/// A team whose evidence cell was blank was silently left out of coverage.
#[test]
fn blank_evidence_is_reported() {
    let run = run_ok(&[
        "--boundaries",
        &fixture("boundaries/oxfordshire_wgs84.geojson"),
        "--teams",
        &fixture("teams/blank_evidence.csv"),
    ]);
    run.assert_stderr_has(&["line 3", "Unlabelled team", "evidence level is blank"]);
    assert_eq!(crate::u(&run.summary()["teams_counted"]), 1);
}

/// A small-area file whose code, name or figure column could not be found was reported with
/// the flags for the districts and their figures ("name it with --code-field", "name the
/// columns with --births-code-column and --births-column"): following the advice changed
/// how the districts were read and left the small areas unread. The small-area flags are
/// named now.
#[test]
fn small_area_files_name_the_small_area_flags() {
    let says = |extra: &[&str], want: &str, not: &str| {
        let mut args = vec![
            "--small-areas",
            "FIX/small_areas_a_unrecognised_fields.geojson",
            "--small-area-figures",
            "FIX/figures_a_unrecognised_headers.csv",
        ];
        args.extend_from_slice(extra);
        let c = crate::check_inputs::check_with(&args);
        assert_eq!(c.code, 1, "{}", c.stderr);
        c.assert_stderr_has(&[want]);
        assert!(!c.stderr.contains(not), "{}", c.stderr);
    };
    says(
        &[],
        "name it with --small-area-code-field",
        "with --code-field",
    );
    says(
        &["--small-area-code-field", "sa_ref"],
        "name it with --small-area-name-field",
        "with --name-field",
    );
    says(
        &["--small-area-code-field", "lsoa11_code"],
        "--small-area-code-field \"lsoa11_code\" is not a property",
        ": --code-field",
    );
    says(
        &[
            "--small-area-code-field",
            "sa_ref",
            "--small-area-name-field",
            "sa_label",
        ],
        "name the columns with --small-area-code-column and --small-area-figure-column",
        "--births-code-column",
    );
    // The code columns it looked for are small-area ones, not districts'.
    says(
        &[
            "--small-area-code-field",
            "sa_ref",
            "--small-area-name-field",
            "sa_label",
        ],
        "could not find an area code column (\"LSOA11CD\", \"lsoa21_code\", \"DataZone\", ...)",
        "LAD24CD",
    );
}

/// A small-area GeoPackage with several layers was told "name one with --layer", and a
/// small-area workbook "choose another with --sheet"; both flags choose the districts' input
/// and leave the small areas as they were. The messages now say what works.
#[test]
fn small_area_layers_and_sheets_are_not_sent_to_the_district_flags() {
    use crate::check_inputs::check_with;
    let c = check_with(&[
        "--small-areas",
        &fixture("geopackage_two_layers.gpkg"),
        "--small-area-figures",
        "FIX/figures_a.csv",
    ]);
    assert_eq!(c.code, 1, "{}", c.stderr);
    c.assert_stderr_has(&[
        "has 2 feature layers (districts_bng, oxfordshire_wgs84); small areas have no layer flag",
    ]);
    assert!(!c.stderr.contains("name one with --layer"), "{}", c.stderr);

    // Figures in the second sheet of a workbook: read, with a note that names no flag.
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("small_area_figures.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let notes = wb.add_worksheet().set_name("Notes").unwrap();
    notes.write_string(0, 0, "About these figures").unwrap();
    let data = wb.add_worksheet().set_name("Data").unwrap();
    data.write_string(0, 0, "lsoa11_code").unwrap();
    data.write_string(0, 1, "age_0").unwrap();
    for (i, (code, n)) in [("E01000001", 10.0), ("E01000002", 20.0)]
        .iter()
        .enumerate()
    {
        data.write_string(i as u32 + 1, 0, *code).unwrap();
        data.write_number(i as u32 + 1, 1, *n).unwrap();
    }
    wb.save(&book).unwrap();
    let book = book.display().to_string();
    let c = check_with(&[
        "--small-areas",
        "FIX/small_areas_a.geojson",
        "--small-area-figures",
        &book,
    ]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    c.assert_stderr_has(&[
        "figures read from sheet \"Data\", the first with an area code and a figure column (to read another, save it as CSV)",
    ]);
    assert!(!c.stderr.contains("--sheet"), "{}", c.stderr);
}

/// A --candidates (or --what-if) list with no name column was refused with "name it with
/// --team-name-column", but that flag names a column of --teams only: given, it left the
/// candidates unread and broke the read of the team list. The message now says so.
#[test]
fn a_candidate_list_without_a_name_column_is_not_sent_to_team_name_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sites.csv"),
        "Site,latitude,longitude\nBirmingham centre,52.48,-1.89\n",
    )
    .unwrap();
    let o = crate::covgap_in(
        dir.path(),
        &["plan", "--add", "1", "--candidates", "sites.csv", "-q"],
        None,
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    o.assert_stderr_has(&[
        "sites.csv: has no team name column",
        "--team-name-column (for --teams; a --candidates or --what-if list must use one of those headers)",
    ]);
}

/// A user's own copy of the built-in team list (`cp data/teams.csv my_teams.csv`) run on
/// boundaries for part of the UK failed with an error for every district outside them, each
/// with "did you mean" hints from the districts inside ("Leeds": did you mean St. Helens?),
/// while the same list built in ran. A real district outside the boundaries is now passed
/// over as the built-in list's are, with a note naming it; the copy gives the built-in's
/// coverage.
#[test]
fn teams_a_copy_of_the_built_in_list_runs_on_part_of_the_uk() {
    let oxon = fixture("boundaries/oxfordshire_wgs84.geojson");
    let copy = crate::repo_file("data/teams.csv");
    let own = run_ok(&["--boundaries", &oxon, "--teams", copy.to_str().unwrap()]);
    let built_in = run_ok(&["--boundaries", &oxon]);
    assert!(own.error_lines().is_empty(), "{}", own.stderr);
    assert!(!own.stderr.contains("did you mean"), "{}", own.stderr);
    // The same warnings, and one more: in a list of the user's own, a counted team with no
    // area served and no location is a warning (in the built-in list, a note).
    let together = format!("warning: {}, line 24: Together for Baby: has no areas served and no location, so it covers no area; not known to be in the boundaries given, it is left out with the teams outside them: give the areas it serves or its base for it to count for one", copy.display());
    let mut expected = built_in.warning_lines();
    expected.push(&together);
    let mut warned = own.warning_lines();
    warned.sort();
    expected.sort();
    assert_eq!(warned, expected);
    own.assert_stderr_has(&[
        "data/teams.csv: 98 districts the list names as areas served are not areas of the boundaries given, nor in one, so they were passed over (each team counts for the areas it serves among them): Aberdeen City (S12000033), Aberdeenshire (S12000034), ",
        "data/teams.csv: 43 teams serve only areas outside the given boundaries, or name none and are based outside them, and cover none of the areas given: ",
    ]);
    assert_eq!(own.areas(), built_in.areas());
    assert_eq!(own.summary()["teams_counted"], 1);
}

/// The same for a list of the user's own: its real districts outside the boundaries (by code,
/// by name, and Craven, abolished in 2023) are passed over with a note; a team naming only
/// those is left out, and one with no areas based in Leeds is too, since the list is plainly
/// for more than these boundaries. A team serving only Swindon but based in Oxford counts for
/// Oxford, and says so.
#[test]
fn teams_real_districts_outside_the_boundaries_are_passed_over_with_a_note() {
    let teams = fixture("teams/districts_outside_oxfordshire.csv");
    let run = run_ok(&[
        "--boundaries",
        &fixture("boundaries/oxfordshire_wgs84.geojson"),
        "--teams",
        &teams,
    ]);
    assert!(run.warning_lines().is_empty(), "{}", run.stderr);
    run.assert_stderr_has(&[
        &format!("note: {teams}: 3 districts the list names as areas served are not areas of the boundaries given, nor in one, so they were passed over (each team counts for the areas it serves among them): Craven (E07000163, now North Yorkshire), Leeds (E08000035), Swindon (E06000030)\n"),
        &format!("note: {teams}: 3 teams serve only areas outside the given boundaries, or name none and are based outside them, and cover none of the areas given: Leeds team, Craven team, Team based in Leeds (those counted are still measured to, through the built-in boundaries of the districts they serve, so an area's nearest team may be one of these)\n"),
        &format!("note: {teams}, line 5: Swindon team based in Oxford: no area it serves is an area of the boundaries given or in one (Swindon (E06000030)); it counts instead for the area holding its base, Oxford (E07000178)\n"),
    ]);
    assert_eq!(run.covered(), ["E07000178"]);
    assert_eq!(
        run.areas()["E07000178"]["teams"],
        "Oxford and Leeds team; Swindon team based in Oxford"
    );
}

/// A name that is no district at all is still an error with suggestions; a real district
/// outside the boundaries beside it is not.
#[test]
fn teams_an_unknown_area_beside_a_district_outside_is_still_an_error() {
    let c = crate::check(&[
        "--boundaries",
        &fixture("boundaries/oxfordshire_wgs84.geojson"),
        "--teams",
        &fixture("teams/district_outside_and_a_mistyped_one.csv"),
    ]);
    assert_eq!(c.code, 1);
    assert_eq!(c.error_lines().len(), 1, "{}", c.stderr);
    assert!(c.error_lines()[0].contains(
        "line 3: Oxford team: area \"Oxfrod\" is not a code or name in the boundaries; did you mean Oxford (E07000178)"
    ));
    c.assert_stderr_has(&[
        "passed over (each team counts for the areas it serves among them): Leeds (E08000035)",
    ]);
}

fn icb_run(teams: Option<&str>) -> crate::Outcome {
    let boundaries = fixture("boundaries/icbs_greater_manchester_derbyshire_sussex.geojson");
    let births = fixture("births/icbs_greater_manchester_derbyshire_sussex.csv");
    let mut args = vec![
        "--boundaries",
        &boundaries,
        "--code-field",
        "icb22_code",
        "--name-field",
        "icb22_name",
        "--births",
        &births,
    ];
    if let Some(t) = teams {
        args.extend(["--teams", t]);
    }
    run_ok(&args)
}

/// With ICB boundaries the built-in teams' districts were passed over and each team silently
/// covered the ICB holding its base: Tameside and Glossop, serving High Peak, covered Greater
/// Manchester only. A district now counts for the area of the boundaries the built-in lookup
/// puts it in (here its ICB), with a note per team.
#[test]
fn teams_districts_count_for_the_icb_holding_them() {
    let run = icb_run(None);
    run.assert_stderr_has(&[
        "note: built-in teams (data/teams.csv), line 7: Tameside and Glossop Early Attachment Service (EAS): the districts it serves are not areas of the boundaries given; it counts for the areas holding them by the built-in lookup (data/areas.csv): Tameside (E08000008) in NHS Greater Manchester Integrated Care Board (E54000057); High Peak (E07000037) in NHS Derby and Derbyshire Integrated Care Board (E54000058)\n",
    ]);
    assert_eq!(run.covered(), ["E54000057", "E54000058"]);
    assert_eq!(
        run.areas()["E54000058"]["teams"],
        "Tameside and Glossop Early Attachment Service (EAS)"
    );
}

/// A user's list on ICB boundaries: Sussex is E54000064 in the built-in lookup but E54000053
/// in ICB boundaries of 2022, so it is found by its name; Leeds, in an ICB not given, is
/// passed over.
#[test]
fn teams_districts_of_an_icb_under_another_years_code_are_found_by_its_name() {
    let teams = fixture("teams/districts_in_three_icbs.csv");
    let run = icb_run(Some(&teams));
    run.assert_stderr_has(&[
        &format!("note: {teams}, line 3: Brighton team: the district it serves is not an area of the boundaries given; it counts for the area holding it by the built-in lookup (data/areas.csv): Brighton and Hove (E06000043) in NHS Sussex Integrated Care Board (E54000053) (by name: the lookup's code for it is another year's)\n"),
        &format!("note: {teams}: 1 district the list names as an area served is not an area of the boundaries given, nor in one, so it was passed over (each team counts for the areas it serves among them): Leeds (E08000035)\n"),
        &format!("note: {teams}: 1 team serves only areas outside the given boundaries, or names none and is based outside them, and covers none of the areas given: Leeds team (if counted, it is still measured to, through the built-in boundaries of the districts it serves, so an area's nearest team may be this one)\n"),
    ]);
    assert_eq!(run.covered(), ["E54000053", "E54000057", "E54000058"]);
}

/// Craven, abolished in 2023, lies mostly in West Yorkshire's ICB, though North Yorkshire,
/// which replaced it, is mostly in Humber and North Yorkshire's: a team serving Craven counts
/// for West Yorkshire's alone, one serving North Yorkshire for each ICB North Yorkshire lies
/// in, West Yorkshire's too (Craven's part), as the ICB rows of `rollups.csv` count it.
#[test]
fn teams_an_abolished_district_counts_for_its_own_icb() {
    let teams = fixture("teams/craven_and_north_yorkshire.csv");
    let boundaries = fixture("boundaries/icbs_west_yorkshire_humber_north_yorkshire.geojson");
    let births = fixture("births/icbs_west_yorkshire_humber_north_yorkshire.csv");
    let run = run_ok(&[
        "--boundaries",
        &boundaries,
        "--births",
        &births,
        "--teams",
        &teams,
    ]);
    run.assert_stderr_has(&[&format!("note: {teams}, line 2: Craven team: the district it serves is not an area of the boundaries given; it counts for the area holding it by the built-in lookup (data/areas.csv; for a district abolished since, its own ICB in data/successors.csv): Craven (E07000163, now North Yorkshire) in NHS West Yorkshire Integrated Care Board (E54000054)\n")]);
    assert_eq!(
        run.areas()["E54000054"]["teams"],
        "Craven team; North Yorkshire team"
    );
    assert_eq!(run.areas()["E54000051"]["teams"], "North Yorkshire team");
}

/// The built-in boundaries given as a file cover the whole UK: Together for Baby, which the
/// list gives no place, is in them, counted as with the built-in boundaries (it was "not known
/// to be in them": 27 counted).
#[test]
fn own_boundaries_for_the_whole_uk_count_the_team_with_no_place() {
    let uk = crate::repo_file("data/boundaries/lad_may2024_uk_buc.geojson");
    let run = run_ok(&["-q", "--boundaries", uk.to_str().unwrap()]);
    let s = run.summary();
    assert_eq!(s["teams_counted"], 28);
    assert_eq!(s["teams_beyond_boundaries"], 0);
    assert_eq!(
        run.teams()["Together for Baby"]["properties"]["outside_boundaries"],
        false
    );
}

/// A total row at the bottom of a table made in Excel is ignored with the other rows for
/// codes not in the boundaries, and the note names it as the table writes it: it said
/// "TOTAL", a word the table does not have, so a user looking for it found nothing.
#[test]
fn a_total_row_is_named_as_the_table_writes_it() {
    let births = fixture("births/total_row_at_the_bottom.csv");
    let c = crate::check(&[
        "--boundaries",
        &fixture("boundaries/oxfordshire_wgs84.geojson"),
        "--births",
        &births,
    ]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    c.assert_stderr_has(&[&format!("note: {births}: 1 row for codes not in the boundaries (countries, regions or counties in ONS tables, or other geographies) was ignored: Total\n")]);
}
