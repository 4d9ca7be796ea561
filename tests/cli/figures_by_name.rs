//! Figures tables that give each area's name and no code, as National Records of Scotland
//! publishes births by council area: read by name, each name found among the areas as a team
//! list's names are.

use std::collections::BTreeMap;

use crate::{covgap_in, covgap_with_files, fixture, nations, repo_file, run, u, Outcome};

/// The built-in births of Scotland's 32 council areas, by code (`data/areas.csv`), the
/// figures `births/nrs_council_areas_names_only.csv` gives by name.
fn scottish_births() -> BTreeMap<String, u64> {
    let mut r = csv::Reader::from_path(repo_file("data/areas.csv")).expect("areas.csv");
    let h = r.headers().expect("header").clone();
    let col = |n: &str| h.iter().position(|c| c == n).expect("column");
    let (code, births) = (col("code"), col("births"));
    r.records()
        .map(|rec| rec.expect("row"))
        .filter(|rec| rec[code].starts_with("S12"))
        .map(|rec| (rec[code].to_string(), rec[births].parse().expect("births")))
        .collect()
}

/// The built-in districts `keep` keeps, as GeoJSON boundaries, each renamed as `rename` says
/// (`None` keeps its name).
fn built_in_districts(
    keep: impl Fn(&str) -> bool,
    rename: impl Fn(&str) -> Option<&'static str>,
) -> String {
    let path = repo_file("data/boundaries/lad_may2024_uk_buc.geojson");
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("boundaries")).expect("JSON");
    let features = doc["features"].as_array_mut().expect("features");
    features.retain(|f| keep(f["properties"]["LAD24CD"].as_str().unwrap()));
    for f in features {
        let code = f["properties"]["LAD24CD"].as_str().unwrap().to_string();
        if let Some(name) = rename(&code) {
            f["properties"]["LAD24NM"] = name.into();
        }
    }
    doc.to_string()
}

/// The built-in districts of Scotland alone, as GeoJSON boundaries.
fn scotland_boundaries() -> String {
    built_in_districts(|c| c.starts_with('S'), |_| None)
}

/// North Yorkshire (E06000065, made on 1 April 2023 from seven districts) and York beside it.
fn north_yorkshire_and_york() -> String {
    built_in_districts(|c| ["E06000065", "E06000014"].contains(&c), |_| None)
}

/// `covgap <command> --boundaries <boundaries> <args>` (`--out out` for `run`), in a folder
/// holding the boundaries and `files`.
fn on_boundaries(
    boundaries: &str,
    command: &str,
    args: &[&str],
    files: &[(&str, &str)],
) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("areas.geojson"), boundaries).expect("write");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write input");
    }
    let mut all = vec![command, "--boundaries", "areas.geojson"];
    all.extend_from_slice(args);
    let out = (command == "run").then_some("out");
    if let Some(o) = out {
        all.extend_from_slice(&["--out", o]);
    }
    covgap_in(dir.path(), &all, out)
}

/// `covgap <command> --boundaries scotland.geojson <args>` (`--out out` for `run`), in a
/// folder holding Scotland's districts and `files`.
fn on_scotland(command: &str, args: &[&str], files: &[(&str, &str)]) -> Outcome {
    on_boundaries(&scotland_boundaries(), command, args, files)
}

#[test]
fn nrs_births_by_council_area_name_are_read_on_scotlands_boundaries() {
    let births = fixture("births/nrs_council_areas_names_only.csv");
    let run = on_scotland("run", &["--births", &births], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let want = scottish_births();
    assert_eq!(want.len(), 32);
    let areas = run.areas();
    for (code, births) in &want {
        assert_eq!(u(&areas[code]["births"]), *births, "{code}");
    }
    let total: u64 = want.values().sum();
    assert_eq!(total, 48_673);
    assert_eq!(u(&run.summary()["demand_total"]), total);
    assert!(run.warning_lines().is_empty(), "{}", run.stderr);
    run.assert_stderr_has(&[
        &format!("note: {births}, line 3: figures matched to the areas by name, from column \"Council area\" (the table has no area code column): 31 names as the boundaries or ONS write them, 1 in other words: \"Edinburgh, City of\" as City of Edinburgh (S12000036)\n"),
        &format!("note: {births}: 1 row naming no area of the boundaries given (a total, a nation, a region or another geography) was ignored: Scotland\n"),
    ]);
    // The outputs say the figures were matched by name, and from which column.
    let source = format!("{births} (areas matched by name, column \"Council area\")");
    assert_eq!(run.json("run.json")["figures"]["source"], source);
    assert!(
        run.text("summary.md").contains(&source),
        "{}",
        run.text("summary.md")
    );
}

#[test]
fn on_the_uk_boundaries_the_other_nations_have_no_figure() {
    let births = fixture("births/nrs_council_areas_names_only.csv");
    let run = run(&["--births", &births]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let total: u64 = scottish_births().values().sum();
    let s = run.summary();
    assert_eq!(u(&s["demand_total"]), total);
    assert_eq!(u(&s["areas_without_figure"]), 361 - 32);
    let n = nations(&s);
    assert_eq!(u(&n["Scotland"]["demand_total"]), total);
    assert_eq!(u(&n["Scotland"]["areas_without_figure"]), 0);
    assert_eq!(u(&n["England"]["areas_without_figure"]), 296);
    assert!(
        run.stderr.contains(&format!(
            "warning: {births}: no figure for 329 areas in the boundaries: E06000001, "
        )),
        "{}",
        run.stderr
    );
    // The first ten named, and how many more, as every list in a message says it (it ended
    // ", ..." with no count).
    assert!(
        run.stderr
            .contains(" and 319 more; they are left out of totals\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_misspelt_name_is_an_error_with_a_suggestion() {
    let births = fixture("births/nrs_council_areas_misspelt_name.csv");
    let c = on_scotland("check", &["--births", &births], &[]);
    assert_eq!(c.code, 1, "{}", c.stderr);
    c.assert_stderr_has(&[&format!(
        "error: {births}, line 4: area \"Argyl and Bute\" (column \"Council area\") is not the name of an area in the boundaries; did you mean Argyll and Bute (S12000035)?\n"
    )]);
}

#[test]
fn a_total_row_is_ignored_with_a_note() {
    let births = fixture("births/nrs_council_areas_total_row.csv");
    let c = on_scotland("check", &["--births", &births], &[]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    c.assert_stderr_has(&[&format!(
        "note: {births}: 1 row naming no area of the boundaries given (a total, a nation, a region or another geography) was ignored: Total\n"
    )]);
    assert!(c.error_lines().is_empty(), "{}", c.stderr);
}

#[test]
fn a_name_matching_nothing_is_an_error_naming_the_line() {
    let births = fixture("births/nrs_council_areas_unknown_name.csv");
    let c = on_scotland("check", &["--births", &births], &[]);
    assert_eq!(c.code, 1, "{}", c.stderr);
    let errors = c.error_lines();
    assert_eq!(errors.len(), 1, "{}", c.stderr);
    assert_eq!(
        errors[0],
        format!(
            "error: {births}, line 4: area \"Gotham City\" (column \"Council area\") is not the name of an area in the boundaries, nor of a nation or region; correct it, or remove the row if it is not an area's"
        )
    );
}

#[test]
fn a_name_two_areas_bear_is_an_error_naming_both() {
    let o = covgap_with_files(
        &[(
            "births.csv",
            "area,births\nOxford,1460\nSouth Oxfordshire,1418\n",
        )],
        &[
            "check",
            "--boundaries",
            &fixture("boundaries/two_areas_named_oxford.geojson"),
            "--births",
            "births.csv",
        ],
        None,
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    o.assert_stderr_has(&["error: births.csv, line 2: area \"Oxford\" (column \"area\") is the name of 2 areas in the boundaries, Oxford (E07000177), Oxford (E07000178): give the table a column of area codes to tell them apart\n"]);
}

#[test]
fn two_rows_for_one_area_by_name_are_the_repeated_area_error() {
    let table =
        "Council area,Sex,Births\nCity of Edinburgh,Males,2300\nEdinburgh, City of,Females,2284\n"
            .replace("Edinburgh, City of", "\"Edinburgh, City of\"");
    let c = on_scotland(
        "check",
        &["--births", "births.csv"],
        &[("births.csv", &table)],
    );
    assert_eq!(c.code, 1, "{}", c.stderr);
    c.assert_stderr_has(&["error: births.csv, line 3: area \"Edinburgh, City of\" (S12000036) appears again (first on line 2); give one figure per area: the two rows differ in column \"Sex\" (\"Males\", then \"Females\")"]);
}

/// A table in which neither a code column nor a figure column is found may still be one of
/// names: the error offers the name column's flag beside the code column's, where it named
/// only the code column's flag and the figure column's.
#[test]
fn neither_column_found_offers_the_name_column_too() {
    let files = [("births.csv", "Residence,Babies\nFife,3241\nAngus,931\n")];
    let c = on_scotland("check", &["--births", "births.csv"], &files);
    assert_eq!(c.code, 1, "{}", c.stderr);
    c.assert_stderr_has(&[
        "the first row has \"Residence\", \"Babies\"; name the columns with --births-code-column (or a column of area names with --births-name-column) and --births-column\n",
    ]);
}

#[test]
fn the_name_column_is_named_with_a_flag() {
    let table = "Residence,Live births\nFife,3241\nAngus,931\n";
    let files = [("births.csv", table)];
    // "Residence" names no column covgap looks for: the error offers both flags.
    let plain = on_scotland("check", &["--births", "births.csv"], &files);
    assert_eq!(plain.code, 1, "{}", plain.stderr);
    plain.assert_stderr_has(&[
        "name the code column with --births-code-column, or a column of area names with --births-name-column",
    ]);
    let named = on_scotland(
        "run",
        &[
            "--births",
            "births.csv",
            "--births-name-column",
            "Residence",
        ],
        &files,
    );
    assert_eq!(named.code, 0, "{}", named.stderr);
    assert_eq!(u(&named.areas()["S12000047"]["births"]), 3241);
    named.assert_stderr_has(&[
        "note: births.csv, line 1: figures matched to the areas by name, from column \"Residence\" (named with --births-name-column): 2 names as the boundaries or ONS write them\n",
    ]);
    assert_eq!(
        named.json("run.json")["options"]["births_name_column"],
        "Residence"
    );
    // A table is read by code or by name, not both.
    let both = on_scotland(
        "check",
        &[
            "--births",
            "births.csv",
            "--births-name-column",
            "Residence",
            "--births-code-column",
            "code",
        ],
        &files,
    );
    assert_eq!(both.code, 2, "{}", both.stderr);
}

#[test]
fn welsh_and_ons_names_of_built_in_districts_are_found() {
    // Boundaries bearing Welsh names, a table in English ones, and the reverse.
    let table = "name,births\nIsle of Anglesey,540\nBro Morgannwg,1200\n";
    let o = covgap_with_files(
        &[("births.csv", table)],
        &[
            "check",
            "--boundaries",
            &fixture("boundaries/wales_districts.geojson"),
            "--births",
            "births.csv",
        ],
        None,
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    o.assert_stderr_has(&["2 names as the boundaries or ONS write them"]);
}

#[test]
fn with_boundaries_that_cannot_be_read_a_table_of_names_is_checked_on_its_own() {
    let births = fixture("births/nrs_council_areas_names_only.csv");
    let c = crate::check(&[
        "--boundaries",
        &fixture("boundaries/not_json.geojson"),
        "--births",
        &births,
    ]);
    assert_eq!(c.code, 1, "{}", c.stderr);
    c.assert_stderr_has(&[&format!(
        "note: {births}, line 3: figures matched to the areas by name, from column \"Council area\" (the table has no area code column): the names are taken as written, with no areas to find them among\n"
    )]);
    // The source line below the table is no area's row.
    let figures: Vec<&str> = c
        .stderr
        .lines()
        .filter(|l| l.contains(&births) && !l.starts_with("note:"))
        .collect();
    assert!(figures.is_empty(), "{}", c.stderr);
}

/// Tables from before 1 April 2023 name the districts abolished then: by name, as by code,
/// their figures are added up for the district that replaced them.
mod district_names_from_before_2023 {
    use super::*;
    use crate::run_ok;

    /// The births of every area, by code.
    fn births(o: &Outcome) -> BTreeMap<String, serde_json::Value> {
        o.areas()
            .into_iter()
            .map(|(c, p)| (c, p["births"].clone()))
            .collect()
    }

    #[test]
    fn on_the_uk_boundaries_give_every_area_the_code_tables_figure() {
        let names = fixture("births/district_names_before_2023.csv");
        let by_name = run_ok(&["--births", &names]);
        let by_code = run_ok(&[
            "--births",
            &fixture("births/district_codes_before_2023.csv"),
        ]);
        assert!(by_name.warning_lines().is_empty(), "{}", by_name.stderr);
        assert!(by_name.error_lines().is_empty(), "{}", by_name.stderr);
        // North Yorkshire is Craven, Hambleton, Harrogate, Richmondshire, Ryedale,
        // Scarborough and Selby added up, and every area has the code table's figure.
        assert_eq!(
            u(&by_name.areas()["E06000065"]["births"]),
            425 + 633 + 1260 + 409 + 423 + 891 + 876
        );
        assert_eq!(births(&by_name), births(&by_code));
        assert_eq!(by_name.areas().len(), 361);
        for k in ["demand_total", "demand_covered", "areas_without_figure"] {
            assert_eq!(by_name.summary()[k], by_code.summary()[k], "{k}");
        }
        // The same note as by code, in names.
        by_name.assert_stderr_has(&[
            &format!("note: {names}, line 1: figures matched to the areas by name, from column \"name\" (the table has no area code column): 374 names as the boundaries or ONS write them\n"),
            &format!("note: {names}: the table is in district names from before 1 April 2023: the figures of 17 abolished districts were added up for the 4 that replaced them (data/successors.csv): Cumberland (E06000063) = Allerdale (E07000026) + Carlisle (E07000028) + Copeland (E07000029); Westmorland and Furness (E06000064) = Barrow-in-Furness (E07000027) + Eden (E07000030) + South Lakeland (E07000031); North Yorkshire (E06000065) = Craven (E07000163) + Hambleton (E07000164) + Harrogate (E07000165) + Richmondshire (E07000166) + Ryedale (E07000167) + Scarborough (E07000168) + Selby (E07000169); Somerset (E06000066) = Mendip (E07000187) + Sedgemoor (E07000188) + South Somerset (E07000189) + Somerset West and Taunton (E07000246)\n"),
        ]);
    }

    /// A table by name and the same by code, on North Yorkshire and York.
    fn both(names: &str, codes: &str) -> (Outcome, Outcome) {
        let b = north_yorkshire_and_york();
        let run = |table: &str| {
            let o = on_boundaries(
                &b,
                "run",
                &["--births", "births.csv"],
                &[("births.csv", table)],
            );
            assert_eq!(o.code, 0, "{}", o.stderr);
            o
        };
        (run(names), run(codes))
    }

    #[test]
    fn beside_the_successors_own_row_are_ignored_as_by_code() {
        let (by_name, by_code) = both(
            "name,births\nYork,1500\nNorth Yorkshire,5000\nCraven,425\nSelby,876\n",
            "code,births\nE06000014,1500\nE06000065,5000\nE07000163,425\nE07000169,876\n",
        );
        for o in [&by_name, &by_code] {
            assert_eq!(u(&o.areas()["E06000065"]["births"]), 5000, "{}", o.stderr);
            o.assert_stderr_has(&["births.csv: rows for Craven (E07000163), Selby (E07000169), abolished on 1 April 2023, were ignored: the table gives North Yorkshire (E06000065), which replaced them, itself\n"]);
        }
        assert_eq!(births(&by_name), births(&by_code));
    }

    #[test]
    fn with_one_missing_leave_the_successor_without_a_figure_as_by_code() {
        let (by_name, by_code) = both(
            "name,births\nYork,1500\nCraven,425\nHambleton,633\nHarrogate,1260\nRichmondshire,409\nRyedale,423\nScarborough,891\n",
            "code,births\nE06000014,1500\nE07000163,425\nE07000164,633\nE07000165,1260\nE07000166,409\nE07000167,423\nE07000168,891\n",
        );
        let why = "from before 1 April 2023: North Yorkshire (E06000065) replaced Craven (E07000163), Hambleton (E07000164), Harrogate (E07000165), Richmondshire (E07000166), Ryedale (E07000167), Scarborough (E07000168), Selby (E07000169), but with no row for Selby (E07000169) their figures cannot be added up, so North Yorkshire has no figure\n";
        by_name.assert_stderr_has(&[&format!(
            "warning: births.csv: the table is in district names {why}"
        )]);
        by_code.assert_stderr_has(&[&format!(
            "warning: births.csv: the table is in district codes {why}"
        )]);
        assert_eq!(
            by_name.areas()["E06000065"]["births"],
            serde_json::Value::Null
        );
        assert_eq!(births(&by_name), births(&by_code));
    }

    #[test]
    fn a_name_an_area_given_bears_too_is_an_error_naming_both() {
        // York renamed Craven: a row "Craven" may be for either.
        let b = built_in_districts(
            |c| ["E06000065", "E06000014"].contains(&c),
            |c| (c == "E06000014").then_some("Craven"),
        );
        let o = on_boundaries(
            &b,
            "check",
            &["--births", "births.csv"],
            &[("births.csv", "name,births\nCraven,425\n")],
        );
        assert_eq!(o.code, 1, "{}", o.stderr);
        o.assert_stderr_has(&["error: births.csv, line 2: area \"Craven\" (column \"name\") is the name of an area in the boundaries, Craven (E06000014), and of Craven (E07000163), abolished on 1 April 2023 and now part of North Yorkshire (E06000065): give the table a column of area codes to tell them apart\n"]);
    }

    #[test]
    fn a_misspelt_one_is_suggested() {
        let o = on_boundaries(
            &north_yorkshire_and_york(),
            "check",
            &["--births", "births.csv"],
            &[("births.csv", "name,births\nScarboro,891\n")],
        );
        assert_eq!(o.code, 1, "{}", o.stderr);
        o.assert_stderr_has(&["error: births.csv, line 2: area \"Scarboro\" (column \"name\") is not the name of an area in the boundaries; did you mean Scarborough (E07000168)?\n"]);
    }

    /// ONS's tables of names from before 2023 give county rows too: a metropolitan county
    /// (as ONS writes it, "Tyne and Wear (Met County)") and Cumbria, abolished, are ignored
    /// as totals, as their codes are in a table of codes, not errors.
    #[test]
    fn county_rows_are_ignored_as_totals() {
        let b = north_yorkshire_and_york();
        let o = on_boundaries(
            &b,
            "check",
            &["--births", "births.csv"],
            &[(
                "births.csv",
                "name,births\nYork,1500\nCraven,425\nHambleton,633\nHarrogate,1260\nRichmondshire,409\nRyedale,423\nScarborough,891\nSelby,876\nCumbria,4143\nTyne and Wear (Met County),12000\nWest Yorkshire (Met County),30000\n",
            )],
        );
        assert!(o.error_lines().is_empty(), "{}", o.stderr);
        o.assert_stderr_has(&["births.csv: 3 rows naming no area of the boundaries given (a total, a nation, a region or another geography) were ignored: Cumbria, Tyne and Wear (Met County), West Yorkshire (Met County)\n"]);
    }

    /// An old district whose successor is not given is passed over, by name as by code, as a
    /// former district: the note called Craven one of the "codes not in the boundaries
    /// (countries, regions or counties ...)", as if it were not a district.
    #[test]
    fn whose_successor_is_not_given_are_passed_over_as_by_code() {
        let by_name = on_scotland(
            "check",
            &["--births", "births.csv"],
            &[("births.csv", "name,births\nFife,3241\nCraven,425\n")],
        );
        let by_code = on_scotland(
            "check",
            &["--births", "births.csv"],
            &[(
                "births.csv",
                "code,name,births\nS12000047,Fife,3241\nE07000163,Craven,425\n",
            )],
        );
        for o in [&by_name, &by_code] {
            assert!(o.error_lines().is_empty(), "{}", o.stderr);
            o.assert_stderr_has(&["note: births.csv: 1 row for former UK districts (abolished since 2019) whose successors are not areas of the boundaries given was ignored: E07000163 Craven\n"]);
        }
    }
}
