//! Bad input: a non-zero exit, a message naming the file, the line or feature and what was
//! wrong, and nothing written. `covgap check` on the same input lists every problem and
//! writes nothing either.

use crate::{check, fixture, run, Outcome};

fn oxon() -> String {
    fixture("boundaries/oxfordshire_wgs84.geojson")
}

/// Runs `run` and `check` on `args`; both must fail, say every one of `says`, and write
/// nothing. Returns the `check` outcome.
fn rejects(args: &[&str], says: &[&str]) -> Outcome {
    let r = run(args);
    assert_eq!(r.code, 1, "run {args:?} should fail:\n{}", r.stderr);
    r.assert_stderr_has(says);
    match &r.files {
        None => {}
        Some(files) => assert!(files.is_empty(), "run wrote {:?}", files.keys()),
    }
    assert!(
        r.cwd_entries.is_empty() || r.cwd_entries == ["out"],
        "run left {:?}",
        r.cwd_entries
    );
    let c = check(args);
    assert_eq!(c.code, 1, "check {args:?} should fail:\n{}", c.stderr);
    c.assert_stderr_has(says);
    assert!(c.cwd_entries.is_empty(), "check wrote {:?}", c.cwd_entries);
    c
}

/// As [`rejects`], and `check` lists at least `n` error lines.
fn rejects_each(args: &[&str], says: &[&str], n: usize) {
    let c = rejects(args, says);
    let errors = c.error_lines();
    assert!(
        errors.len() >= n,
        "check listed {} error(s), expected {n}:\n{}",
        errors.len(),
        c.stderr
    );
    let word = if errors.len() == 1 { "error" } else { "errors" };
    c.assert_stderr_has(&[&format!("{} {word}", errors.len())]);
}

mod missing_or_unreadable {
    use super::*;

    #[test]
    fn missing_boundaries_file() {
        let p = fixture("boundaries/no_such_file.geojson");
        rejects(&["--boundaries", &p], &[&p, "cannot read file"]);
    }

    #[test]
    fn missing_births_file() {
        let p = fixture("births/no_such_file.csv");
        rejects(&["--births", &p], &[&p, "cannot read file"]);
    }

    #[test]
    fn missing_teams_file() {
        let p = fixture("teams/no_such_file.csv");
        rejects(&["--teams", &p], &[&p, "cannot read file"]);
    }

    /// The teams by full postcode cannot be placed without the directory: `check` says they
    /// were not read, where it said "0 teams (0 counted)", as if the list had none.
    #[test]
    fn missing_postcode_directory() {
        let p = fixture("postcodes/no_such_file.csv");
        let c = rejects(
            &[
                "--boundaries",
                &oxon(),
                "--teams",
                &fixture("teams/full_postcodes.csv"),
                "--postcodes",
                &p,
            ],
            &[&p, "cannot read file"],
        );
        c.assert_stderr_has(&[
            "covgap check: 5 areas, teams not read (see the error above); 1 error, 0 warnings",
        ]);
        assert!(!c.stderr.contains(" 0 teams"), "{}", c.stderr);
    }

    /// A postcode directory row whose latitude is not a number (damaged by a hand edit, or a
    /// file cut and joined) is an error naming the directory's line and postcode. It was taken
    /// for a postcode with no grid reference, and the team placed at its district's centroid
    /// with a warning that blamed the directory's content, not the damage.
    #[test]
    fn postcode_directory_row_with_a_damaged_latitude() {
        let p = fixture("postcodes/onspd_latitude_damaged.csv");
        rejects(
            &[
                "--boundaries",
                &oxon(),
                "--teams",
                &fixture("teams/full_postcodes.csv"),
                "--postcodes",
                &p,
            ],
            &[&format!(
                "{p}, line 6: OX28 6AA: the latitude \"51.7850x6\" is not a number; is the directory damaged?"
            )],
        );
    }

    /// A team list with no full postcode looks nothing up in the directory, but a missing one
    /// is still an error, in `check` as in `run`: `check` passed it ("0 errors"), and `run`
    /// noted that it was not needed, then failed to read it for run.json. The teams are still
    /// placed (`check` counts them).
    #[test]
    fn missing_postcode_directory_not_needed_for_the_teams() {
        let p = fixture("postcodes/no_such_file.csv");
        let c = rejects(&["--postcodes", &p], &[&p, "cannot read file"]);
        c.assert_stderr_has(&["1 error"]);
        assert!(
            !c.stderr.contains(" 0 teams"),
            "the teams were not placed:\n{}",
            c.stderr
        );
        assert!(!c.stderr.contains("was not needed"), "{}", c.stderr);
    }

    /// A births table given as the postcode directory, with no team by full postcode to look
    /// up: named as not a postcode directory, with the columns it has, rather than passed.
    #[test]
    fn births_table_given_as_the_postcode_directory() {
        let p = fixture("births/age0_column_only.csv");
        rejects(
            &["--postcodes", &p],
            &[
                &p,
                "is not an ONS Postcode Directory: expected a postcode column (pcds, pcd or postcode) and lat/long columns; found \"code\", \"name\", \"age_0\"",
            ],
        );
    }

    /// The postcode directory given as ONS's zip download, or as a workbook: before, "is not
    /// readable as a postcode directory CSV: CSV parse error: record 0 (line 1, field: 0,
    /// byte: 0): invalid utf-8 ...". It is now said to be a zip or workbook, and what to give.
    #[test]
    fn postcode_directory_given_as_a_zip_or_a_workbook() {
        let dir = tempfile::tempdir().unwrap();
        let xlsx = dir.path().join("postcodes.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_row(0, 0, ["pcds", "lat", "long"]).unwrap();
        ws.write_row(1, 0, ["OX28 6AA", "51.785", "-1.485"])
            .unwrap();
        wb.save(&xlsx).unwrap();
        let p = xlsx.to_str().unwrap();
        rejects(
            &[
                "--boundaries",
                &oxon(),
                "--teams",
                &fixture("teams/full_postcodes.csv"),
                "--postcodes",
                p,
            ],
            &[&format!("{p}: is a zip file or an Excel workbook, not CSV: covgap reads the postcode directory as CSV (plain or gzipped); give the CSV in ONS's zip (under Data/), or save the sheet as CSV")],
        );
        let points = dir.path().join("points.csv");
        std::fs::write(&points, "id,postcode\n1,OX28 6AA\n").unwrap();
        let a = crate::covgap_in(
            dir.path(),
            &[
                "assign",
                "--points",
                "points.csv",
                "--postcodes",
                p,
                "--out",
                "o.csv",
            ],
            None,
        );
        assert_eq!(a.code, 1, "{}", a.stderr);
        a.assert_stderr_has(&["is a zip file or an Excel workbook, not CSV"]);
        assert!(!dir.path().join("o.csv").exists());
    }

    /// A ".xls" that is a web page or Excel 2003's XML Spreadsheet, as some systems' "Export
    /// to Excel" write one (Excel opens it with a warning): before, it was read as CSV and the
    /// error was "no team name column ...; the header has \"<html><body><table>\"; name it
    /// with --team-name-column", as if a flag could help. As births, a team list and points,
    /// it is now said to be a web page or XML, and to be saved from Excel as .xlsx or CSV.
    #[test]
    fn an_xls_that_is_a_web_page_or_xml_is_said_to_be_one() {
        let dir = tempfile::tempdir().unwrap();
        let html = dir.path().join("export.xls");
        std::fs::write(
            &html,
            "<html><body><table>\n<tr><td>name</td><td>areas_served</td><td>code</td><td>births</td><td>postcode</td></tr>\n<tr><td>A</td><td>E07000178</td><td>E07000178</td><td>1441</td><td>OX1 1AA</td></tr>\n</table></body></html>\n",
        )
        .unwrap();
        let xml = dir.path().join("export2003.xls");
        std::fs::write(
            &xml,
            "\u{feff}<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"></Workbook>\n",
        )
        .unwrap();
        for (path, kind) in [
            (&html, "a web page (HTML)"),
            (
                &xml,
                "an XML file (as Excel's \"XML Spreadsheet 2003\" saves one)",
            ),
        ] {
            let p = path.to_str().unwrap();
            let says = format!("{p}: is {kind}, not CSV or a workbook covgap reads (some systems' \"Export to Excel\" write one under an .xls name); open it in Excel and save it as an Excel workbook (.xlsx) or as CSV");
            let c = rejects(&["--boundaries", &oxon(), "--births", p], &[&says]);
            assert!(!c.stderr.contains("--births-column"), "{}", c.stderr);
            let c = rejects(&["--boundaries", &oxon(), "--teams", p], &[&says]);
            assert!(!c.stderr.contains("--team-name-column"), "{}", c.stderr);
            let a = crate::covgap_in(
                dir.path(),
                &["assign", "--points", p, "--out", "o.csv"],
                None,
            );
            assert_eq!(a.code, 1, "{}", a.stderr);
            a.assert_stderr_has(&[&says]);
            assert!(!dir.path().join("o.csv").exists());
        }
    }

    /// An empty file named as a workbook (a failed download of ONS's .xlsx) is said to be an
    /// empty workbook or CSV file; it was "expected a CSV file", as if the user had given one.
    #[test]
    fn empty_births_workbook() {
        let o = crate::covgap_with_files(
            &[("births.xlsx", "")],
            &["check", "--births", "births.xlsx"],
            None,
        );
        assert_eq!(o.code, 1, "{}", o.stderr);
        o.assert_stderr_has(&[
            "births.xlsx: is empty (0 bytes); expected a workbook (.xlsx, .xls or .ods) or CSV file",
        ]);
    }

    #[test]
    fn empty_teams_file() {
        let p = fixture("teams/empty.csv");
        rejects(
            &["--teams", &p],
            &[&format!("{p}: is empty (0 bytes); expected a CSV file")],
        );
    }

    #[test]
    fn teams_file_with_only_a_byte_order_mark_is_empty() {
        // What Excel's "CSV UTF-8" saves for an empty sheet: before, "the header has ; name
        // it with --team-name-column".
        let p = fixture("teams/only_a_byte_order_mark.csv");
        let c = rejects(
            &["--teams", &p],
            &[&format!("{p}: is empty (5 bytes); expected a CSV file")],
        );
        assert!(!c.stderr.contains("the header has"), "{}", c.stderr);
    }

    #[test]
    fn empty_boundaries_file() {
        let p = fixture("boundaries/empty.geojson");
        rejects(
            &["--boundaries", &p],
            &[&format!("{p}: is empty (0 bytes); expected a GeoJSON file")],
        );
    }

    #[test]
    fn xlsx_workbook_given_as_births_csv() {
        let p = fixture("births/xlsx_saved_as_csv.csv");
        rejects(
            &["--boundaries", &oxon(), "--births", &p],
            &[
                &p,
                "starts like an Excel workbook but cannot be read as one",
                "save the sheet as CSV",
            ],
        );
    }

    /// A team list may be a workbook now; a damaged one is told as a damaged births
    /// workbook is.
    #[test]
    fn xlsx_workbook_given_as_teams_csv() {
        let p = fixture("births/xlsx_saved_as_csv.csv");
        rejects(
            &["--teams", &p],
            &[
                &p,
                "starts like an Excel workbook but cannot be read as one",
                "save the sheet as CSV",
            ],
        );
    }

    #[test]
    fn binary_file_given_as_boundaries() {
        let p = fixture("postcodes/onspd_small.csv.gz");
        // Gzip is unpacked, so this one is read as text: a CSV, not GeoJSON.
        rejects(&["--boundaries", &p], &[&p, "is not valid GeoJSON"]);
    }
}

mod boundaries {
    use super::*;

    /// Northern Ireland's districts on the Irish Grid with no system stated: the numbers fit
    /// British National Grid, but read so half the areas lie in the Irish Sea. Refused, naming
    /// the likely grid, rather than analysed over Anglesey and Cheshire.
    #[test]
    fn irish_grid_coordinates_with_no_system_stated_are_refused() {
        let p = fixture("boundaries/ni_districts_irish_grid_no_crs.geojson");
        let out = tempfile::tempdir().unwrap();
        crate::covgap()
            .args(["run", "-q", "--boundaries", &p, "--out"])
            .arg(out.path())
            .assert()
            .code(1)
            .stderr(predicates::str::contains(format!(
                "{p}: states no coordinate system, and its coordinates fit British National Grid metres, but read as British National Grid only 52% of the areas lies on the UK's land"
            )))
            .stderr(predicates::str::contains(
                "against 100% on Northern Ireland's were they on the Irish Grid (EPSG:29903)",
            ));
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    }

    /// An area's code, whether it is covered, its births and the distance to its nearest team.
    type AreaResult = (String, bool, Option<u64>, f64);

    /// Each area's [`AreaResult`], from a run on `boundaries` (a path); the run's stderr must
    /// say `says`.
    fn ni_run(boundaries: &str, says: &str) -> (crate::Outcome, Vec<AreaResult>) {
        let o = crate::run_ok(&["--boundaries", boundaries]);
        assert!(o.stderr.contains(says), "{boundaries}: {}", o.stderr);
        let areas = o
            .areas()
            .iter()
            .map(|(code, a)| {
                (
                    code.clone(),
                    a["covered"].as_bool().unwrap(),
                    a["births"].as_u64(),
                    a["nearest_team_km"].as_f64().unwrap(),
                )
            })
            .collect::<Vec<_>>();
        (o, areas)
    }

    /// The same districts as `wgs84` read: every area covered, figure and distance the same
    /// (distances to 0.1 km: positions on a grid may be rounded to the metre).
    fn same_as(file: &str, areas: &[AreaResult], wgs84: &[AreaResult]) {
        assert_eq!(areas.len(), 11, "{file}");
        for (i, w) in areas.iter().zip(wgs84) {
            assert_eq!((&i.0, i.1, i.2), (&w.0, w.1, w.2), "{file}");
            assert!((i.3 - w.3).abs() <= 0.1, "{file}: {i:?} against {w:?}");
        }
        assert!(areas.iter().any(|a| a.1) && areas.iter().any(|a| !a.1));
    }

    fn ni_wgs84() -> Vec<AreaResult> {
        ni_run(&fixture("boundaries/ni_districts_wgs84.geojson"), "").1
    }

    /// Northern Ireland's districts on the Irish Grid, the system stated as ogr2ogr writes it:
    /// read, and every area covered, figure and distance as from the same districts in WGS84.
    #[test]
    fn irish_grid_coordinates_with_the_system_stated_are_read() {
        let (_, irish) = ni_run(
            &fixture("boundaries/ni_districts_irish_grid.geojson"),
            // The share behind the grid check, said as a note.
            "read as the Irish Grid, 100% of the areas lies on Northern Ireland's land (by the built-in districts)",
        );
        same_as("ni_districts_irish_grid.geojson", &irish, &ni_wgs84());
    }

    /// Northern Ireland's districts on the Irish Transverse Mercator (EPSG:2157) and on TM65's
    /// Irish Grid (EPSG:29902), as GDAL's ogr2ogr writes them: GeoJSON with a "crs" member, a
    /// Shapefile with its .prj, and a GeoPackage (its SRS by EPSG code, and, with the code
    /// taken away, by GDAL's definition alone). Each is read as the system it states, judged on
    /// Northern Ireland's land, and gives the WGS84 run's coverage, figures and distances;
    /// `run.json` names the system.
    #[test]
    fn the_irish_transverse_mercator_and_tm65_are_read_in_every_format() {
        let wgs84 = ni_wgs84();
        let dir = tempfile::tempdir().unwrap();
        for (stem, name, label) in [
            (
                "ni_districts_itm",
                "the Irish Transverse Mercator",
                "the Irish Transverse Mercator (EPSG:2157)",
            ),
            (
                "ni_districts_tm65",
                "TM65's Irish Grid",
                "TM65's Irish Grid (EPSG:29902)",
            ),
        ] {
            // A copy of the GeoPackage whose SRS names no authority, as GDAL writes one it
            // cannot match to an EPSG code: read from the definition.
            let by_definition = dir.path().join(format!("{stem}_definition_only.gpkg"));
            std::fs::copy(fixture(&format!("boundaries/{stem}.gpkg")), &by_definition).unwrap();
            let db = rusqlite::Connection::open(&by_definition).unwrap();
            let changed = db
                .execute(
                    "UPDATE gpkg_spatial_ref_sys SET organization = 'NONE', organization_coordsys_id = 100000 WHERE organization = 'EPSG' AND organization_coordsys_id IN (2157, 29902)",
                    [],
                )
                .unwrap();
            assert_eq!(changed, 1);
            drop(db);
            for (file, how) in [
                (
                    fixture(&format!("boundaries/{stem}.geojson")),
                    "declared in the file's \"crs\" member".to_string(),
                ),
                (
                    fixture(&format!("shapefile_ni/{stem}.shp")),
                    format!("read from {stem}.prj"),
                ),
                (
                    fixture(&format!("boundaries/{stem}.gpkg")),
                    format!("layer \"{stem}\" is on EPSG:"),
                ),
                (
                    by_definition.to_str().unwrap().to_string(),
                    format!("layer \"{stem}\" is on NONE:100000"),
                ),
            ] {
                let (o, areas) = ni_run(
                    &file,
                    &format!("{file}: read as {name}, 100% of the areas lies on Northern Ireland's land (by the built-in districts)"),
                );
                same_as(&file, &areas, &wgs84);
                let crs = o.json("run.json")["boundaries"]["coordinate_system"]
                    .as_str()
                    .unwrap()
                    .to_string();
                assert!(crs.contains(&how) && crs.contains(label), "{file}: {crs}");
            }
        }
    }

    /// Grids that leave the areas wholly at sea are refused, the file named: Northern
    /// Ireland's districts on the Irish Transverse Mercator with no system stated (asked to
    /// state it, since read on it they lie on Northern Ireland's land), squares in the North
    /// Sea with no system stated (on no grid on land), British National Grid numbers stated to
    /// be the Irish Grid or the Irish Transverse Mercator, and Irish Grid numbers stated to be
    /// the Irish Transverse Mercator (each judged on Northern Ireland's land, and the grid that
    /// puts them on land named).
    #[test]
    fn coordinates_wholly_at_sea_on_the_grid_read_are_refused() {
        let itm = fixture("boundaries/ni_districts_itm_no_crs.geojson");
        rejects(
            &["--boundaries", &itm],
            &[&format!("{itm}: states no coordinate system, and its coordinates fit British National Grid metres, but read as British National Grid only 0% of the areas lies on the UK's land (by the built-in districts; districts, ICBs and health boards lie 97% or more on it), against 100% on Northern Ireland's were they on the Irish Transverse Mercator (EPSG:2157), which Northern Irish data often comes in. If they are, state the system in the file (a \"crs\" member such as \"EPSG:27700\" or \"EPSG:2157\" in GeoJSON, or a .prj beside a Shapefile): covgap reads the Irish Transverse Mercator")],
        );
        let dir = tempfile::tempdir().unwrap();
        let sea = dir.path().join("north_sea_no_crs.geojson");
        std::fs::write(
            &sea,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"X00000001","name":"North Sea"},"geometry":{"type":"Polygon","coordinates":[[[600000,600000],[620000,600000],[620000,620000],[600000,620000],[600000,600000]]]}}]}"#,
        )
        .unwrap();
        let p = sea.to_str().unwrap();
        rejects(
            &["--boundaries", p],
            &[&format!("{p}: states no coordinate system, and its coordinates fit British National Grid metres, but read so only 0% of the areas lies on the UK's land (by the built-in districts), and 0% at most on Northern Ireland's read as the Irish Grid or the Irish Transverse Mercator: they are in another system; reproject them to British National Grid (EPSG:27700) or WGS84 (EPSG:4326)")],
        );
        let bng = std::fs::read_to_string(fixture("boundaries/oxfordshire_bng_legacy_crs.geojson"))
            .unwrap();
        for (code, label) in [
            ("29903", "the Irish Grid (EPSG:29903)"),
            ("2157", "the Irish Transverse Mercator (EPSG:2157)"),
        ] {
            let declared = dir.path().join(format!("bng_numbers_said_{code}.geojson"));
            std::fs::write(
                &declared,
                bng.replace(
                    "urn:ogc:def:crs:EPSG::27700",
                    &format!("urn:ogc:def:crs:EPSG::{code}"),
                ),
            )
            .unwrap();
            let p = declared.to_str().unwrap();
            let name = label.split(" (").next().unwrap();
            rejects(
                &["--boundaries", p],
                &[&format!("{p}: says its coordinates are on {name} (declared in the file's \"crs\" member: {label}), but read so only 0% of the areas lies on Northern Ireland's land (by the built-in districts), against 100% on the UK's read as British National Grid (EPSG:27700): the declaration is wrong for these numbers")],
            );
        }
        let irish =
            std::fs::read_to_string(fixture("boundaries/ni_districts_irish_grid.geojson")).unwrap();
        let declared = dir.path().join("irish_grid_numbers_said_itm.geojson");
        std::fs::write(
            &declared,
            irish.replace("urn:ogc:def:crs:EPSG::29903", "urn:ogc:def:crs:EPSG::2157"),
        )
        .unwrap();
        let p = declared.to_str().unwrap();
        rejects(
            &["--boundaries", p],
            &[&format!("{p}: says its coordinates are on the Irish Transverse Mercator (declared in the file's \"crs\" member: the Irish Transverse Mercator (EPSG:2157)), but read so only 0% of the areas lies on Northern Ireland's land (by the built-in districts), against 100% on Northern Ireland's read as the Irish Grid (EPSG:29903): the declaration is wrong for these numbers")],
        );
    }

    /// A grid stated over numbers that are not grid metres at all (degrees) is refused, and
    /// the message says the range it checks, for every grid: for Northern Ireland's grids it
    /// is the same range as British National Grid's, not Northern Ireland's (which the land
    /// check judges).
    #[test]
    fn a_stated_grid_over_degrees_is_refused_naming_the_range_checked() {
        let dir = tempfile::tempdir().unwrap();
        let wgs = std::fs::read_to_string(oxon()).unwrap();
        for (code, name, label) in [
            ("29903", "the Irish Grid", "the Irish Grid (EPSG:29903)"),
            (
                "29902",
                "TM65's Irish Grid",
                "TM65's Irish Grid (EPSG:29902)",
            ),
            (
                "2157",
                "the Irish Transverse Mercator",
                "the Irish Transverse Mercator (EPSG:2157)",
            ),
        ] {
            let p = dir.path().join(format!("degrees_said_{code}.geojson"));
            std::fs::write(
                &p,
                wgs.replacen(
                    "\"features\"",
                    &format!("\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"urn:ogc:def:crs:EPSG::{code}\"}}}},\"features\""),
                    1,
                ),
            )
            .unwrap();
            let p = p.to_str().unwrap();
            let c = rejects(
                &["--boundaries", p],
                &[&format!("{p}: declares {label} (declared in the file's \"crs\" member: {label}), but its coordinates span x -1.7..-0.9, y 51.5..52.2, which cannot be metres on {name}: covgap reads grid metres within x -10000..800000, y -10000..1300000, which holds the UK on British National Grid and Northern Ireland on its own grids; fix or remove the declaration")],
            );
            assert!(!c.stderr.contains("in Northern Ireland"), "{}", c.stderr);
        }
    }

    /// Small areas get the same check: Northern Ireland's districts on the Irish Grid with no
    /// system stated, given as small areas, are refused rather than placed in England and
    /// Wales.
    #[test]
    fn small_areas_on_the_irish_grid_with_no_system_stated_are_refused() {
        let p = fixture("boundaries/ni_districts_irish_grid_no_crs.geojson");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f.csv"), "code,births\nN09000001,100\n").unwrap();
        let figures = dir.path().join("f.csv");
        rejects(
            &[
                "--small-areas",
                &p,
                "--small-area-figures",
                figures.to_str().unwrap(),
                "--small-area-code-field",
                "LAD24CD",
                "--small-area-code-column",
                "code",
            ],
            &[&format!("{p}: states no coordinate system, and its coordinates fit British National Grid metres, but read as British National Grid only 52%")],
        );
    }

    /// Coastal catchments partly at sea are read with a warning: Bangor, Co Down, on the Irish
    /// Grid as stated (on British National Grid its numbers would lie in Merseyside, but the
    /// file says), and Brighton with no system stated (as the Irish Grid it would land in
    /// Powys, not Northern Ireland).
    #[test]
    fn coastal_catchments_on_either_grid_are_read_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.csv"), "code,births\nX00000001,2500\n").unwrap();
        let births = dir.path().join("b.csv");
        for (file, says) in [
            ("coastal_circle_irish_grid.geojson", "says its coordinates are on the Irish Grid (declared in the file's \"crs\" member: the Irish Grid (EPSG:29903)), and read as the Irish Grid only 5"),
            ("coastal_circle_brighton_bng_no_crs.geojson", "states no coordinate system, and its coordinates fit British National Grid metres, and read as British National Grid only 5"),
        ] {
            let p = fixture(&format!("boundaries/{file}"));
            let c = check(&["--boundaries", &p, "--births", births.to_str().unwrap()]);
            assert_eq!(c.code, 0, "{file}: {}", c.stderr);
            assert!(c.stderr.contains(&format!("warning: {p}: {says}")), "{}", c.stderr);
        }
    }

    /// A coastal catchment on British National Grid with no system stated lies 44% on land,
    /// and would lie at sea on the Irish Grid too: read, with a warning saying how to state
    /// the system, not refused.
    #[test]
    fn a_coastal_area_with_no_system_stated_is_read_with_a_warning() {
        let p = fixture("boundaries/coastal_circle_bng_no_crs.geojson");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.csv"), "code,births\nX00000001,2500\n").unwrap();
        let births = dir.path().join("b.csv");
        let c = check(&["--boundaries", &p, "--births", births.to_str().unwrap()]);
        assert_eq!(c.code, 0, "{}", c.stderr);
        assert!(
            c.stderr.contains(&format!("warning: {p}: states no coordinate system, and its coordinates fit British National Grid metres, and read as British National Grid only 44% of the areas lies on the UK's land")),
            "{}",
            c.stderr
        );
    }

    #[test]
    fn not_json() {
        let p = fixture("boundaries/not_json.geojson");
        rejects(
            &["--boundaries", &p],
            &[
                &p,
                "is not valid GeoJSON",
                "line 1 column 1",
                "FeatureCollection",
            ],
        );
    }

    #[test]
    fn json_but_not_a_feature_collection() {
        let p = fixture("boundaries/feature_not_collection.geojson");
        rejects(
            &["--boundaries", &p],
            &[
                &p,
                "found a GeoJSON Feature",
                "expected a FeatureCollection",
            ],
        );
    }

    #[test]
    fn line_and_point_features() {
        let p = fixture("boundaries/linestring_feature.geojson");
        rejects_each(
            &["--boundaries", &p, "--teams", &fixture("teams/oxford_only.csv")],
            &[
                &format!("{p}, feature 2: E07000177 (Cherwell): geometry is a LineString; expected a Polygon or MultiPolygon"),
                &format!("{p}, feature 3: E07000179 (South Oxfordshire): geometry is a Point"),
            ],
            2,
        );
    }

    #[test]
    fn properties_null_or_a_code_that_is_true_names_the_feature() {
        // A first feature with "properties": null was "the features have no properties", for
        // the whole file; a code of `true` was "has no property".
        let p = fixture("boundaries/properties_null_and_code_true.geojson");
        let c = rejects(
            &["--boundaries", &p],
            &[
                &format!("{p}, feature 1: has no \"LAD24CD\" property (the area code)"),
                &format!(
                    "{p}, feature 3: its \"LAD24CD\" property (the area code) is true, not a code"
                ),
            ],
        );
        assert_eq!(c.error_lines().len(), 2, "{}", c.stderr);
    }

    #[test]
    fn position_with_one_number_is_named_not_a_crash() {
        let p = fixture("boundaries/position_with_one_number.geojson");
        rejects(
            &["--boundaries", &p],
            &[&format!("{p}, feature 2: E07000178 (Oxford): position 3 of a ring has 1 number, [-1.2]; a position needs two")],
        );
    }

    #[test]
    fn coordinate_that_is_null_is_placed_in_the_file() {
        // serde counts from the start of the geometry; the message counts in the file.
        let p = fixture("boundaries/coordinate_null.geojson");
        rejects(
            &["--boundaries", &p],
            &[&format!("{p}, feature 2: E07000178 (Oxford): geometry is not valid GeoJSON: invalid type: null, expected a number (line 3, column 166 of the file)")],
        );
    }

    #[test]
    fn latitude_and_longitude_swapped() {
        let p = fixture("boundaries/lat_lon_swapped.geojson");
        rejects(
            &["--boundaries", &p],
            &[&format!("{p}: its coordinates span x 51.5..52.2, y -1.7..-0.9, read as WGS84 longitude and latitude: that is not in the UK (are longitude and latitude the wrong way round?")],
        );
    }

    #[test]
    fn stray_position_outside_the_uk_names_the_feature() {
        let p = fixture("boundaries/stray_position_at_0_0.geojson");
        rejects(
            &["--boundaries", &p],
            &[&format!("{p}, feature 2: E07000178 (Oxford): a position at longitude 0, latitude 0 is not in the UK")],
        );
    }

    /// A county given with its own districts: their babies would be counted twice, so the
    /// file is refused, naming the county and the districts inside it.
    #[test]
    fn areas_that_overlap() {
        let p = fixture("boundaries/oxfordshire_with_its_county.geojson");
        let c = rejects(
            &["--boundaries", &p],
            &[&format!(
                "error: {p}, feature 6: E10000025 (Oxfordshire) overlaps 5 other areas: E07000177 (Cherwell), E07000178 (Oxford), E07000179 (South Oxfordshire), E07000180 (Vale of White Horse), E07000181 (West Oxfordshire) (the point inside one from which covgap measures lies inside the other). Each area's babies are counted once, so areas must not overlap"
            )],
        );
        assert_eq!(c.error_lines().len(), 1, "{}", c.stderr);
    }

    #[test]
    fn duplicate_area_codes() {
        let p = fixture("boundaries/duplicate_codes.geojson");
        rejects_each(
            &[
                "--boundaries",
                &p,
                "--teams",
                &fixture("teams/oxford_only.csv"),
            ],
            &[
                &format!("{p}, feature 3: area code E07000178 appears again (first at feature 1)"),
                &format!("{p}, feature 4: area code E07000177 appears again (first at feature 2)"),
            ],
            2,
        );
    }

    #[test]
    fn unknown_coordinate_system() {
        let p = fixture("boundaries/crs_epsg3857.geojson");
        rejects(
            &["--boundaries", &p],
            &[&p, "EPSG::3857", "which covgap does not know", "EPSG:27700"],
        );
    }

    #[test]
    fn no_crs_member_and_coordinates_in_neither_system() {
        let p = fixture("boundaries/no_crs_web_mercator.geojson");
        rejects(
            &["--boundaries", &p],
            &[
                &p,
                "has no \"crs\" member",
                "fit neither WGS84 degrees nor British National Grid metres",
            ],
        );
    }

    #[test]
    fn properties_not_found_without_field_flags() {
        let p = fixture("boundaries/oxfordshire_custom_fields.geojson");
        rejects(
            &["--boundaries", &p],
            &[
                &p,
                "cannot tell which property holds the area code",
                "district_id",
                "--code-field",
            ],
        );
    }

    #[test]
    fn code_field_that_is_not_a_property() {
        let p = fixture("boundaries/oxfordshire_custom_fields.geojson");
        rejects(
            &["--boundaries", &p, "--code-field", "LAD24CD"],
            &[
                &p,
                "--code-field \"LAD24CD\" is not a property",
                "district_id",
            ],
        );
    }
}

mod births {
    use super::*;

    #[test]
    fn repeated_negative_and_fractional_figures() {
        let p = fixture("births/duplicate_negative_fraction.csv");
        rejects_each(
            &[
                "--boundaries",
                &oxon(),
                "--teams",
                &fixture("teams/no_evidence_column.csv"),
                "--births",
                &p,
            ],
            &[
                &format!("{p}, line 3: area E07000177 appears again (first on line 2)"),
                &format!("{p}, line 4: E07000178: figure \"-5\" in column \"births\" is negative"),
                &format!("{p}, line 5: E07000179: figure \"1418.5\" in column \"births\" is not a whole number"),
            ],
            3,
        );
    }

    fn births_args(p: &str) -> Vec<String> {
        vec![
            "--boundaries".into(),
            oxon(),
            "--teams".into(),
            fixture("teams/no_evidence_column.csv"),
            "--births".into(),
            p.into(),
        ]
    }

    #[test]
    fn short_row_is_a_blank_figure_with_a_warning_naming_the_line() {
        // Some versions of Excel save a row whose last cells are blank without their trailing
        // commas: the figure is blank, as in a complete row, and the warning says why.
        let p = fixture("births/short_row.csv");
        let args = births_args(&p);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let c = check(&args);
        assert_eq!(c.code, 0, "{}", c.stderr);
        c.assert_stderr_has(&[&format!("warning: {p}, line 3: E07000178: the row has 2 fields, so nothing in column \"births\" (field 3 of the header on line 1), as Excel saves a row whose last cells are blank; the area has no figure and is left out of totals")]);
        assert!(c.error_lines().is_empty(), "{}", c.stderr);
        // Left out of totals, as a blank figure is: Oxford has no figure in the outputs.
        let r = crate::run_ok(&args);
        let areas = r.areas();
        assert_eq!(areas["E07000177"]["births"], 1784);
        assert_eq!(areas["E07000178"]["births"], serde_json::Value::Null);
    }

    #[test]
    fn quote_left_open_is_named() {
        // The open quote swallows every row below it: before, a warning and exit 0.
        let p = fixture("births/quote_left_open.csv");
        let args = births_args(&p);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        rejects(
            &args,
            &[&format!("{p}, line 3: E07000178: a quote (\") in field 2 (column \"LAD24NM\") is left open: the field runs to line 6 and swallows 3 rows below it (E07000179, E07000180, E07000181), whose figures would be lost; close the quote or remove it")],
        );
    }

    #[test]
    fn quote_left_open_after_the_figure_or_in_it_is_named() {
        // In the last column the row looked whole: before, a warning that 3 areas had no
        // figure, exit 0 and a UK total short by their babies. In the figure column the
        // message quoted the rest of the file.
        for (name, field) in [
            (
                "quote_left_open_in_last_column",
                "field 3 (column \"note\")",
            ),
            ("quote_left_open_in_figure", "field 2 (column \"births\")"),
        ] {
            let p = fixture(&format!("births/{name}.csv"));
            let c = rejects(
                &["--boundaries", &oxon(), "--births", &p],
                &[&format!("{p}, line 3: E07000178: a quote (\") in {field} is left open: the field runs to line 6 and swallows 3 rows below it (E07000179, E07000180, E07000181)")],
            );
            assert_eq!(c.error_lines().len(), 1, "{}", c.stderr);
        }
    }

    #[test]
    fn figure_too_large_for_any_area() {
        // Before, it overflowed the totals: "473965675069618496.0% of live births".
        let p = fixture("births/figure_too_large.csv");
        let args = births_args(&p);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        rejects(
            &args,
            &[&format!("{p}, line 3: E07000178: figure \"99999999999999999999999\" in column \"births\" is more than 10,000,000")],
        );
    }

    #[test]
    fn no_usable_births_column_names_the_headers() {
        let p = fixture("births/no_births_column.csv");
        rejects(
            &["--boundaries", &oxon(), "--births", &p],
            &[
                &p,
                "no usable figures",
                "\"Area code\", \"Area name\", \"Population\"",
                "--births-column",
            ],
        );
    }

    #[test]
    fn births_column_flag_naming_no_column() {
        let p = fixture("births/no_births_column.csv");
        rejects(
            &[
                "--boundaries",
                &oxon(),
                "--births",
                &p,
                "--births-column",
                "Live births",
            ],
            &[
                &p,
                "found the area code column \"Area code\" on line 1, but no column \"Live births\" (named with --births-column) there or above; line 1 has \"Area code\", \"Area name\", \"Population\"",
            ],
        );
    }

    #[test]
    fn a_table_of_the_other_measure_says_which_measure_reads_it() {
        let p = fixture("births/age0_column_only.csv");
        rejects(
            &["--boundaries", &oxon(), "--births", &p],
            &[
                &p,
                "found the area code column \"code\" on line 1, but no figure column",
                "it has \"age_0\", a figure of the other measure: give --measure age0 to read it",
            ],
        );
    }

    #[test]
    fn a_table_with_a_header_and_no_rows_says_so() {
        let p = fixture("births/header_only.csv");
        rejects(
            &["--boundaries", &oxon(), "--births", &p],
            &[&format!(
                "{p}: has a header (line 1) but no rows of figures below it"
            )],
        );
    }

    #[test]
    fn a_table_separated_by_semicolons_says_so() {
        let p = fixture("births/semicolon_separated.csv");
        rejects(
            &["--boundaries", &oxon(), "--births", &p],
            &[&p, "no usable figures: line 1 is one field holding semicolons (;): the file is separated by semicolons (;), not commas, as Excel saves \"CSV\" in much of Europe"],
        );
    }

    #[test]
    fn figure_that_is_not_a_number_names_the_line() {
        let p = fixture("births/not_a_number.csv");
        rejects_each(
            &[
                "--boundaries",
                &oxon(),
                "--teams",
                &fixture("teams/no_evidence_column.csv"),
                "--births",
                &p,
            ],
            &[
                &format!("{p}, line 3: E07000178: figure \"about 1400\" in column \"births\" is not a number"),
                &format!("{p}, line 5: E07000180: figure \"1.4OO\""),
            ],
            2,
        );
    }

    #[test]
    fn three_decimals_in_a_column_with_decimal_points_and_a_notes_cell_over_lines_are_read() {
        // A `%.3f` export: 1784.000 shows the points are decimal points, so 998.000 is 998.
        // A quoted notes cell naming areas over several lines swallows no row: each has its own.
        for (name, total) in [
            ("whole_numbers_to_three_decimals", 6676),
            ("notes_cell_over_lines", 7096),
        ] {
            let p = fixture(&format!("births/{name}.csv"));
            let c = check(&["--boundaries", &oxon(), "--births", &p]);
            assert_eq!(c.code, 0, "{name}: {}", c.stderr);
            assert!(c.error_lines().is_empty(), "{name}: {}", c.stderr);
            let run = crate::run_ok(&["--boundaries", &oxon(), "--births", &p]);
            assert_eq!(run.summary()["demand_total"], total, "{name}");
        }
    }

    #[test]
    fn thousands_points_and_stray_commas_are_not_read_as_small_figures() {
        // "2.000" was read as 2 births, ",5" as 5 and "1378," as 1378, without a word.
        let p = fixture("births/thousands_points_and_stray_commas.csv");
        let c = rejects(
            &["--boundaries", &oxon(), "--births", &p],
            &[
                &format!("{p}, line 2: E07000177: figure \"2.000\" in column \"births\" could be 2 (a decimal point) or 2,000 (a point between thousands, as much of Europe writes them); write it without the point, or with a comma for thousands"),
                &format!("{p}, line 3: E07000178: figure \",5\" in column \"births\" is not a number (a comma is read only as a thousands separator"),
                &format!("{p}, line 4: E07000179: figure \"1378,\" in column \"births\" is not a number"),
                &format!("{p}, line 6: E07000181: figure \"1.000\" in column \"births\" could be 1 (a decimal point) or 1,000"),
            ],
        );
        // 1422 is read.
        assert_eq!(c.error_lines().len(), 4, "{}", c.stderr);
        assert!(!c.stderr.contains("line 5"), "{}", c.stderr);
    }

    #[test]
    fn a_column_written_with_points_between_thousands_is_not_read_as_decimals() {
        // 1.784 and the others used to count as decimal points, so 1.000 was read as 1 birth.
        let p = fixture("births/points_between_thousands_throughout.csv");
        let c = rejects(
            &["--boundaries", &oxon(), "--births", &p],
            &[
                &format!("{p}, line 2: E07000177: figure \"1.784\" in column \"births\" could be 1.784 (a decimal point) or 1,784 (a point between thousands, as much of Europe writes them)"),
                &format!("{p}, line 6: E07000181: figure \"1.000\" in column \"births\" could be 1 (a decimal point) or 1,000"),
                &format!("{p}: no area in the boundaries has a usable figure: the rows for them have the errors above"),
            ],
        );
        assert_eq!(c.error_lines().len(), 6, "{}", c.stderr);
    }
}

mod teams {
    use super::*;

    #[test]
    fn team_column_flag_naming_no_column() {
        let p = fixture("teams/no_evidence_column.csv");
        rejects(
            &["--boundaries", &oxon(), "--teams", &p, "--team-areas-column", "Districts"],
            &[&p, "--team-areas-column \"Districts\" is not a column; the header has \"name\", \"areas_served\""],
        );
    }

    /// Regression: a base in Paris was asked whether its latitude and longitude were swapped,
    /// though swapped it is in the Indian Ocean. A swap is suggested only when swapping puts
    /// the place in the UK; otherwise the place is given in degrees.
    #[test]
    fn a_base_abroad_is_not_taken_for_swapped_coordinates() {
        let p = fixture("teams/base_in_paris.csv");
        let c = rejects(
            &["--boundaries", &oxon(), "--teams", &p],
            &[&format!("{p}, line 2: Paris team: latitude 48.8566, longitude 2.3522 (48.8566°N 2.3522°E) is not in the UK (latitude 49 to 61.5, longitude -9 to 2.5)")],
        );
        assert!(!c.stderr.contains("swapped"), "{}", c.stderr);
    }

    #[test]
    fn swapped_coordinates_no_location_and_no_name() {
        let p = fixture("teams/unplaceable_rows.csv");
        rejects_each(
            &["--boundaries", &oxon(), "--teams", &p],
            &[
                &format!("{p}, line 2: Swapped team: latitude -1.267367, longitude 51.750231 is not in the UK, but would be the other way round: are latitude and longitude swapped?"),
                // Counted, covering no area: a warning, not an error (a team known to exist
                // but not where, as the built-in list's Together for Baby).
                &format!("warning: {p}, line 3: Nowhere team: has no areas served and no location, so it covers no area; it is counted among the teams in the list: give the areas it serves or its base for it to count for one"),
                &format!("{p}, line 4: team has no name"),
            ],
            2,
        );
    }

    #[test]
    fn unknown_base_precision_names_the_line_and_the_values() {
        let p = fixture("teams/unknown_base_precision.csv");
        rejects(
            &["--boundaries", &oxon(), "--teams", &p],
            &[&format!("{p}, line 2: Oxford city team: base_precision \"approximate\" is not one of coordinates, postcode, postcode_district")],
        );
    }

    #[test]
    fn a_grid_covgap_does_not_know_names_the_line_the_column_and_the_value() {
        let p = fixture("teams/grid_covgap_does_not_know.csv");
        rejects(
            &["--boundaries", &oxon(), "--teams", &p],
            &[&format!("{p}, line 3: Web Mercator team: column \"crs\": \"EPSG:3857\" is not a grid covgap reads eastings and northings on; give 27700 or British National Grid (as when blank), 29903 or Irish Grid, 29902 or TM65 Irish Grid, 2157 or Irish Transverse Mercator (ITM)")],
        );
    }

    #[test]
    fn base_column_that_is_not_a_place_names_the_line() {
        let p = fixture("teams/base_column_not_a_place.csv");
        rejects(
            &["--boundaries", &oxon(), "--teams", &p],
            &[&format!("{p}, line 2: Nowhere team: base \"somewhere near Oxford\" is not a postcode, a postcode district, \"latitude, longitude\" or \"easting E, northing N\"")],
        );
    }

    #[test]
    fn unknown_postcode_with_a_directory() {
        let p = fixture("teams/unknown_postcode.csv");
        rejects_each(
            &[
                "--boundaries",
                &oxon(),
                "--teams",
                &p,
                "--postcodes",
                &fixture("postcodes/onspd_small.csv"),
            ],
            &[
                &format!(
                    "{p}, line 3: Ghost team: postcode OX1 0QQ is not in the postcode directory"
                ),
                &format!("{p}, line 4: Far team: postcode OX26 9ZZ"),
            ],
            2,
        );
    }

    /// A postcode the directory lists with no grid reference is placed by its district, with
    /// a warning saying why; a terminated one where the directory last put it, with a note.
    #[test]
    fn gridless_and_terminated_postcodes_in_the_directory() {
        let p = fixture("teams/gridless_and_terminated_postcodes.csv");
        let c = check(&[
            "--boundaries",
            &oxon(),
            "--teams",
            &p,
            "--postcodes",
            &fixture("postcodes/onspd_small.csv"),
        ]);
        assert_eq!(c.code, 0, "{}", c.stderr);
        assert!(
            c.stderr.contains(&format!("warning: {p}, line 2: Gridless team: postcode OX1 0ZY is in the postcode directory with no grid reference (as a few new and non-geographic postcodes are), so it is placed at its postcode district's centroid")),
            "{}",
            c.stderr
        );
        assert!(
            c.stderr.contains(&format!("note: {p}, line 3: Old team: postcode OX1 9ZT was terminated in December 2001 (no longer in use); it is placed where the postcode directory last put it")),
            "{}",
            c.stderr
        );
    }

    #[test]
    fn unknown_area_suggests_the_closest_names() {
        let p = fixture("teams/unknown_area.csv");
        rejects_each(
            &["--boundaries", &oxon(), "--teams", &p],
            &[
                &format!("{p}, line 2: Oxford team: area \"Oxfrod\" is not a code or name in the boundaries; did you mean Oxford (E07000178)"),
                &format!("{p}, line 3: Vale team: area \"Vale of White Hrose\" is not a code or name in the boundaries; did you mean Vale of White Horse (E07000180)"),
                &format!("{p}, line 4: Code team: area \"E07000999\""),
            ],
            3,
        );
    }

    #[test]
    fn area_name_two_areas_share_asks_for_the_code() {
        let p = fixture("teams/names_an_area_two_share.csv");
        let c = rejects(
            &[
                "--boundaries",
                &fixture("boundaries/two_areas_named_oxford.geojson"),
                "--teams",
                &p,
            ],
            &[&format!("{p}, line 2: City team: area \"Oxford\" is the name of 2 areas in the boundaries, Oxford (E07000177), Oxford (E07000178); give the code of the one it serves")],
        );
        // The team that gives the code is fine.
        assert_eq!(c.error_lines().len(), 1, "{}", c.stderr);
    }

    #[test]
    fn two_teams_with_one_name() {
        let p = fixture("teams/same_name_twice.csv");
        let c = rejects(
            &["--boundaries", &oxon(), "--teams", &p],
            &[&format!(
                "{p}, line 4: city  Team: line 2 has the same name; give each team one row"
            )],
        );
        assert_eq!(c.error_lines().len(), 1, "{}", c.stderr);
    }

    #[test]
    fn decimal_commas_are_not_read_as_thousands() {
        // "51,75" was read as 5175 and "1,5" as 15 births; both are now errors with a hint.
        let (teams, births) = (
            fixture("teams/decimal_comma_coordinates.csv"),
            fixture("births/decimal_comma.csv"),
        );
        let hint = "(a comma is read only as a thousands separator, as in 15,208; write decimals with a point)";
        rejects_each(
            &["--boundaries", &oxon(), "--teams", &teams, "--births", &births],
            &[
                &format!("{births}, line 3: E07000178: figure \"1,5\" in column \"births\" is not a number {hint}"),
                &format!("{teams}, line 2: City team: latitude \"51,75\" / longitude \"-1,26\" are not both numbers {hint}"),
            ],
            2,
        );
    }

    #[test]
    fn areas_separated_by_commas_or_slashes_say_to_use_semicolons() {
        // Before, the message suggested unrelated districts.
        let p = fixture("teams/areas_separated_by_commas.csv");
        let c = rejects(
            &["--boundaries", &oxon(), "--teams", &p],
            &[
                &format!("{p}, line 2: County team: area \"E07000177,E07000178\" is not a code or name in the boundaries, but each part is: areas served are separated by ';' (\"E07000177;E07000178\")"),
                &format!("{p}, line 3: Vale team: area \"South Oxfordshire/Vale of White Horse\" is not a code or name in the boundaries, but each part is: areas served are separated by ';' (\"South Oxfordshire;Vale of White Horse\")"),
            ],
        );
        assert_eq!(c.error_lines().len(), 2, "{}", c.stderr);
    }

    #[test]
    fn a_comma_not_in_quotes_that_moves_the_columns_is_an_error() {
        // "Cherwell council, with partners" put " with partners" in the evidence column, so
        // North team was quietly not counted. Empty fields beyond the header are harmless.
        let p = fixture("teams/unquoted_comma_in_host.csv");
        let c = rejects(
            &["--boundaries", &oxon(), "--teams", &p],
            &[&format!("{p}, line 3: North team: the row has 5 fields, more than the header's 4, with \"pif_named\" beyond its last column: a comma not in quotes (in a name or an organisation, say) moves every later field one column along; put such text in quotes")],
        );
        assert_eq!(c.error_lines().len(), 1, "{}", c.stderr);
    }

    #[test]
    fn a_number_with_an_unquoted_comma_is_not_read_as_its_first_part() {
        // "1,784" and "12,5" not in quotes split into two fields: before, Cherwell had 1 birth
        // and West Oxfordshire 12, without a word.
        let p = fixture("births/unquoted_comma_in_figure.csv");
        let says = |line: u32, code: &str, a: &str, b: &str| {
            format!("{p}, line {line}: {code}: the row has 4 fields, more than the header's 3, and figure \"{a}\" in column \"births\" is followed by \"{b}\": is {a},{b} a number with a comma that is not in quotes?")
        };
        rejects_each(
            &["--boundaries", &oxon(), "--births", &p],
            &[
                &says(2, "E07000177", "1", "784"),
                &says(6, "E07000181", "12", "5"),
            ],
            2,
        );
    }

    /// Two stray quotes (one opening "Oxford team", another opening "Vale team" two lines
    /// down) make one team of the three rows between them, named over three lines and
    /// covering the Vale: the check for a quote left open to the file's end does not see it,
    /// and it passed with "2 teams" and no warning. A team name over several lines whose lines
    /// below the first read as rows of the list is an error naming where it starts and ends (a
    /// name typed over two lines is kept: `names::names_with_pipes_and_line_breaks_…`).
    #[test]
    fn a_team_name_running_over_lines_between_two_stray_quotes_is_refused() {
        let p = fixture("teams/two_stray_quotes.csv");
        rejects(
            &["--boundaries", &oxon(), "--teams", &p],
            &[&format!("{p}, line 2: the team name \"Oxford team,E07000178\" runs over 3 lines, to line 4, and line 3 within it reads as a row of the list: a stray quote (\") opening the name takes in the rows below it up to the next quote, and their teams would be lost; remove the stray quote")],
        );
    }

    /// A team list with two columns headed "name" that differ (a short name beside the full
    /// one) is an error naming both fields and the first line where they differ: the first was
    /// read without a word. Two that agree on every row (a column pasted twice) are read.
    #[test]
    fn a_team_list_with_two_columns_headed_name_that_differ_is_refused() {
        let o = crate::covgap_with_files(
            &[(
                "teams.csv",
                "name,areas_served,Name\nOxford team,E07000178,Oxford team\nCherwell team,E07000177,Banbury\n",
            )],
            &["check", "--boundaries", &oxon(), "--teams", "teams.csv"],
            None,
        );
        assert_eq!(o.code, 1, "{}", o.stderr);
        o.assert_stderr_has(&["teams.csv, line 1: two columns are headed \"name\" (fields 1 and 3) and differ (first on line 3), and covgap cannot tell which to read; rename one or remove it"]);
        let same = crate::covgap_with_files(
            &[(
                "teams.csv",
                "name,areas_served,name\nOxford team,E07000178,Oxford team\n",
            )],
            &["check", "--boundaries", &oxon(), "--teams", "teams.csv"],
            None,
        );
        assert_eq!(same.code, 0, "{}", same.stderr);
    }

    /// A team list saved as tab-separated text is told so, and how to save it: it was told it
    /// looked like Excel's European "CSV", which is separated by semicolons.
    #[test]
    fn a_team_list_separated_by_tabs_says_so() {
        let o = crate::covgap_with_files(
            &[("teams.txt", "name\tareas_served\nOxford team\tE07000178\n")],
            &["check", "--boundaries", &oxon(), "--teams", "teams.txt"],
            None,
        );
        assert_eq!(o.code, 1, "{}", o.stderr);
        o.assert_stderr_has(&["teams.txt: its header is one field holding tabs: the file is separated by tabs, not commas, as Excel saves \"Text (Tab delimited)\" and many programs export a table; save it again as \"CSV UTF-8 (Comma delimited)\", or export it with commas"]);
    }

    #[test]
    fn a_team_list_separated_by_semicolons_says_so() {
        // Before, it said the list had no team name column and to name one with
        // --team-name-column, which no name could satisfy.
        let p = fixture("teams/semicolon_separated.csv");
        let c = rejects(
            &["--boundaries", &oxon(), "--teams", &p],
            &[&format!("{p}: its header is one field holding semicolons (;): the file is separated by semicolons (;), not commas, as Excel saves \"CSV\" in much of Europe; save it again as \"CSV UTF-8 (Comma delimited)\", or export it with commas")],
        );
        assert!(!c.stderr.contains("--team-name-column"), "{}", c.stderr);
        // Named with the flag, the header is no better.
        rejects(
            &[
                "--boundaries",
                &oxon(),
                "--teams",
                &p,
                "--team-name-column",
                "name",
            ],
            &[&format!(
                "{p}: its header is one field holding semicolons (;)"
            )],
        );
        // A points file likewise: it said it had no location columns.
        let points = fixture("points/semicolon_separated.csv");
        let c = check(&["--points", &points]);
        assert_eq!(c.code, 1, "{}", c.stderr);
        c.assert_stderr_has(&[&format!(
            "{points}: its header is one field holding semicolons (;): the file is separated by semicolons (;)"
        )]);
    }

    #[test]
    fn x_and_y_columns_as_qgis_exports_them_name_the_flags_that_read_them() {
        // A layer exported from QGIS with its geometry as X and Y: covgap reads no such
        // columns, since nothing says their grid. It said only that the list had no location.
        let dir = tempfile::tempdir().unwrap();
        let only_xy = dir.path().join("teams_xy.csv");
        std::fs::write(&only_xy, "name,X,Y\nOxford Team,-1.2577,51.752\n").unwrap();
        let only_xy = only_xy.display().to_string();
        rejects(
            &["--boundaries", &oxon(), "--teams", &only_xy],
            &[&format!("{only_xy}: has neither an areas-served column nor a location (latitude/longitude, easting/northing, postcode or postcode district); the header has \"name\", \"X\", \"Y\"; its columns \"X\" and \"Y\" (as QGIS writes a layer's geometry) are not read, since nothing says their grid: name them with --team-lon-column X --team-lat-column Y if they are longitude and latitude (EPSG:4326), or --team-easting-column X --team-northing-column Y if they are on British National Grid (EPSG:27700)")],
        );
        // Named with the flags, they are read.
        let r = run(&[
            "--boundaries",
            &oxon(),
            "--teams",
            &only_xy,
            "--team-lon-column",
            "X",
            "--team-lat-column",
            "Y",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!r.stderr.contains("QGIS"), "{}", r.stderr);
        // Beside areas served, they are warned of, and the rest of the row is read.
        let with_areas = dir.path().join("teams_areas_xy.csv");
        std::fs::write(
            &with_areas,
            "name,areas_served,x,y\nOxford Team,E07000178,-1.2577,51.752\n",
        )
        .unwrap();
        let with_areas = with_areas.display().to_string();
        let r = run(&["--boundaries", &oxon(), "--teams", &with_areas]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.assert_stderr_has(&[&format!("warning: {with_areas}, line 1: its columns \"x\" and \"y\" (as QGIS writes a layer's geometry) are not read")]);
        // A points file with X and Y alone names assign's flags.
        let points = dir.path().join("points_xy.csv");
        std::fs::write(&points, "id,X,Y\n1,-1.2577,51.752\n").unwrap();
        let points = points.display().to_string();
        let c = check(&["--points", &points]);
        assert_eq!(c.code, 1, "{}", c.stderr);
        c.assert_stderr_has(&["name them with --lon-column X --lat-column Y if they are longitude and latitude (EPSG:4326), or --easting-column X --northing-column Y"]);
    }

    #[test]
    fn empty_columns_excel_leaves_after_the_header_do_not_hide_a_comma_not_in_quotes() {
        // A sheet Excel saved with empty columns after the last named one (`births,,`) has
        // rows as long as its header even when a comma not in quotes split one of them:
        // before, Cherwell's "1,784" was read as 1 birth and West Oxfordshire was served by
        // no team, without a word.
        let births = fixture("births/unquoted_comma_under_trailing_empty_columns.csv");
        rejects(
            &["--boundaries", &oxon(), "--births", &births],
            &[&format!("{births}, line 2: E07000177: the row has 4 fields, more than the header's 3, and figure \"1\" in column \"births\" is followed by \"784\": is 1,784 a number with a comma that is not in quotes?")],
        );
        let teams = fixture("teams/unquoted_comma_under_trailing_empty_columns.csv");
        let c = rejects(
            &["--boundaries", &oxon(), "--teams", &teams],
            &[&format!("{teams}, line 3: County team: the row has 4 fields, more than the header's 3, with \"E07000181\" beyond its last column: a comma not in quotes (in a name or an organisation, say) moves every later field one column along; put such text in quotes")],
        );
        assert_eq!(c.error_lines().len(), 1, "{}", c.stderr);
    }

    #[test]
    fn utf16_files_say_how_to_save_them() {
        let births = fixture("births/utf16_unicode_text.csv");
        let says = "is UTF-16 text, as Excel saves \"Unicode Text\"; covgap reads UTF-8 or Windows-1252 CSV: save it as \"CSV UTF-8 (Comma delimited)\"";
        rejects(
            &["--boundaries", &oxon(), "--births", &births],
            &[&format!("{births}: {says}")],
        );
        // Without a byte-order mark it was "is not a text CSV file", with no hint.
        let unmarked = fixture("births/utf16_no_byte_order_mark.csv");
        rejects(
            &["--boundaries", &oxon(), "--births", &unmarked],
            &[&format!("{unmarked}: {says}")],
        );
        // Points are streamed, not read whole, and say the same.
        let points = fixture("points/utf16_unicode_text.csv");
        let c = check(&["--points", &points]);
        assert_eq!(c.code, 1, "{}", c.stderr);
        c.assert_stderr_has(&[&format!("{points}: {says}")]);
    }

    #[test]
    fn a_free_text_town_column_is_not_read_as_a_postcode() {
        // The compiled list in ../shared/data/teams has `base_town_or_postcode`, mostly town
        // names ("Kidlington, Oxfordshire"): each was an error, though the rows name their
        // areas. It is not a postcode column; --team-postcode-column can name one that is.
        let p = fixture("teams/free_text_town_column.csv");
        let c = check(&["--boundaries", &oxon(), "--teams", &p]);
        assert_eq!(c.code, 0, "{}", c.stderr);
        c.assert_stderr_has(&["5 areas, 2 teams (2 counted)", "0 errors"]);
    }

    #[test]
    fn team_list_with_only_a_header() {
        let p = fixture("teams/header_only.csv");
        rejects(
            &["--boundaries", &oxon(), "--teams", &p],
            &[&format!("{p}: has a header but no rows: it lists no teams")],
        );
    }

    #[test]
    fn base_more_than_2km_outside_every_area() {
        let p = fixture("teams/base_5km_outside.csv");
        rejects_each(
            &[
                "--boundaries",
                &fixture("boundaries/bng_squares_wrong_winding.geojson"),
                "--teams",
                &p,
            ],
            &[
                &format!("{p}, line 3: Far team: base 460000 E, 205000 N"),
                "is outside every area, 5.0 km from the nearest (Oxford)",
                &format!("{p}, line 4: Farther team"),
                "20.0 km from the nearest",
            ],
            2,
        );
    }
}

/// Excel on Windows saves CSV with CRLF line ends, and ONS tables have blank lines: the line
/// a message names must be the line the user's editor shows.
mod line_numbers_with_crlf_and_blank_lines {
    use super::*;

    #[test]
    fn births() {
        let p = fixture("births/crlf_blank_lines_not_a_number.csv");
        rejects_each(
            &[
                "--boundaries",
                &oxon(),
                "--teams",
                &fixture("teams/no_evidence_column.csv"),
                "--births",
                &p,
            ],
            &[
                &format!("{p}, line 5: E07000178: figure \"about 1400\""),
                &format!("{p}, line 8: E07000180: figure \"1.4OO\""),
            ],
            2,
        );
    }

    #[test]
    fn teams() {
        let p = fixture("teams/crlf_blank_line_unknown_area.csv");
        rejects(
            &["--boundaries", &oxon(), "--teams", &p],
            &[&format!("{p}, line 4: City team: area \"Oxfrod\"")],
        );
    }

    #[test]
    fn points() {
        let p = fixture("points/crlf_blank_line_swapped.csv");
        let c = check(&["--points", &p]);
        assert_eq!(c.code, 0, "{}", c.stderr);
        c.assert_stderr_has(&[&format!(
            "warning: {p}, line 4: not located: latitude/longitude not in the UK (swapped?)"
        )]);
    }
}

#[test]
fn failed_run_leaves_an_existing_output_folder_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("areas.geojson"), "from an earlier run").unwrap();
    let o = crate::covgap_in(
        dir.path(),
        &[
            "run",
            "--births",
            &fixture("births/not_a_number.csv"),
            "--boundaries",
            &oxon(),
            "--out",
            "out",
        ],
        Some("out"),
    );
    assert_eq!(o.code, 1);
    let files = o.files.unwrap();
    assert_eq!(files.keys().collect::<Vec<_>>(), ["areas.geojson"]);
    assert_eq!(files["areas.geojson"], b"from an earlier run");
}

#[test]
fn output_that_cannot_be_put_in_place_leaves_the_earlier_run_whole() {
    // A folder where summary.md goes: the new files must not replace some of the old ones
    // and then stop, leaving a folder that mixes two runs.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    for name in crate::OUTPUTS {
        std::fs::write(out.join(name), "from an earlier run").unwrap();
    }
    std::fs::remove_file(out.join("summary.md")).unwrap();
    std::fs::create_dir(out.join("summary.md")).unwrap();
    let o = crate::covgap_in(dir.path(), &["run", "--out", "out"], Some("out"));
    assert_eq!(o.code, 1, "{}", o.stderr);
    o.assert_stderr_has(&["summary.md: cannot write output: a folder has this name"]);
    let files = o.files.unwrap();
    assert_eq!(files.len(), crate::OUTPUTS.len(), "{:?}", files.keys());
    for (name, bytes) in files {
        if name != "summary.md" {
            assert_eq!(bytes, b"from an earlier run", "{name} was replaced");
        }
    }
}

#[test]
fn output_folder_that_is_a_file_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("out"), "a file").unwrap();
    let o = crate::covgap_in(dir.path(), &["run", "--out", "out"], None);
    assert_eq!(o.code, 1, "{}", o.stderr);
    o.assert_stderr_has(&["out: cannot write output: it is a file, not a folder"]);
    assert_eq!(std::fs::read(dir.path().join("out")).unwrap(), b"a file");
}

#[test]
fn assign_out_that_is_the_points_file_leaves_it_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let points = std::fs::read(fixture("points/lonlat.csv")).unwrap();
    std::fs::write(dir.path().join("points.csv"), &points).unwrap();
    let o = crate::covgap_in(
        dir.path(),
        &["assign", "--points", "points.csv", "--out", "./points.csv"],
        None,
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    o.assert_stderr_has(&["./points.csv: cannot write output: it is the input points.csv under another name; writing there would replace it: give --out another name"]);
    assert_eq!(
        std::fs::read(dir.path().join("points.csv")).unwrap(),
        points
    );
    assert_eq!(o.cwd_entries, ["points.csv"]);
}

/// The team list, or the CSV as the GeoJSON: before, the team list was replaced by the
/// points' output, and with both outputs to one file the CSV was lost, exit 0 both times.
#[test]
fn assign_outputs_that_are_the_team_list_or_each_other_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let teams = std::fs::read(fixture("teams/oxford_only.csv")).unwrap();
    std::fs::write(dir.path().join("teams.csv"), &teams).unwrap();
    let oxon = fixture("boundaries/oxfordshire_wgs84.geojson");
    let points = fixture("points/lonlat.csv");
    let base = ["assign", "--points", &points, "--boundaries", &oxon];
    let o = crate::covgap_in(
        dir.path(),
        &[&base[..], &["--teams", "teams.csv", "--out", "teams.csv"]].concat(),
        None,
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    o.assert_stderr_has(&["teams.csv: cannot write output: it is one of the inputs; writing there would replace it: give --out another name"]);
    assert_eq!(std::fs::read(dir.path().join("teams.csv")).unwrap(), teams);
    let o = crate::covgap_in(
        dir.path(),
        &[&base[..], &["--out", "same.csv", "--geojson", "./same.csv"]].concat(),
        None,
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    o.assert_stderr_has(&[
        "./same.csv: cannot write output: --geojson and --out name the same file",
    ]);
    assert_eq!(o.cwd_entries, ["teams.csv"]);
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let o = run(&["--no-such-flag"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.files.is_none());
}

/// Shapefiles (loose or zipped) and GeoPackages that are missing a part, cut short or empty,
/// as a failed download or export leaves them: the message names the user's file, never the
/// folder a zip is unpacked to, and says what is wrong without the reading library's words.
mod shapefile_and_geopackage {
    use super::*;

    const SHP: &str = "shapefile_bng/LAD_MAY_2024_UK_BUC.shp";

    /// The fixture Shapefile copied into a temporary folder as `LAD.*`, with its `ext` file
    /// cut to `len` bytes. Returns the folder and the `.shp`'s path.
    fn shapefile_cut(ext: &str, len: u64) -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        for e in ["shp", "shx", "dbf", "prj", "cpg"] {
            std::fs::copy(
                crate::fixture_path(SHP).with_extension(e),
                dir.path().join(format!("LAD.{e}")),
            )
            .unwrap();
        }
        std::fs::OpenOptions::new()
            .write(true)
            .open(dir.path().join(format!("LAD.{ext}")))
            .unwrap()
            .set_len(len)
            .unwrap();
        let shp = dir.path().join("LAD.shp").to_str().unwrap().to_string();
        (dir, shp)
    }

    /// The fixture zip's first `len` bytes, in a temporary folder as `boundaries.zip`.
    fn zip_cut(len: usize) -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        let bytes = std::fs::read(crate::fixture_path("shapefile_bng.zip")).unwrap();
        let zip = dir.path().join("boundaries.zip");
        std::fs::write(&zip, &bytes[..len]).unwrap();
        (dir, zip.to_str().unwrap().to_string())
    }

    /// Fails the test if stderr holds a reader's raw words or a path covgap made itself.
    fn says_nothing_raw(o: &crate::Outcome) {
        for raw in [
            "failed to fill whole buffer",
            "Error {",
            "layer.",
            "unable to open",
        ] {
            assert!(!o.stderr.contains(raw), "{raw:?} in:\n{}", o.stderr);
        }
    }

    #[test]
    fn zip_without_dbf_names_the_zip_and_the_missing_member() {
        let p = fixture("boundaries/zip_without_dbf.zip");
        let c = rejects(
            &["--boundaries", &p],
            &[&format!(
                "{p}: holds LAD_MAY_2024_UK_BUC.shp but no LAD_MAY_2024_UK_BUC.dbf; a Shapefile's codes and names are in its .dbf"
            )],
        );
        says_nothing_raw(&c);
    }

    #[test]
    fn shp_cut_short() {
        let (_dir, shp) = shapefile_cut("shp", 500);
        let c = rejects(
            &["--boundaries", &shp],
            &[&format!(
                "{shp}: is cut short or damaged: it ends before the shapes its header counts (re-download or re-export it)"
            )],
        );
        says_nothing_raw(&c);
    }

    #[test]
    fn shx_cut_short_is_named_rather_than_the_shp() {
        let (dir, shp) = shapefile_cut("shx", 120);
        let shx = dir.path().join("LAD.shx").to_str().unwrap().to_string();
        let c = rejects(
            &["--boundaries", &shp],
            &[&format!(
                "{shx}: is cut short or damaged: it ends before the index of shapes its header counts"
            )],
        );
        says_nothing_raw(&c);
    }

    #[test]
    fn shp_empty() {
        let (_dir, shp) = shapefile_cut("shp", 0);
        let c = rejects(
            &["--boundaries", &shp],
            &[&format!(
                "{shp}: is empty (0 bytes); expected an ESRI Shapefile (.shp)"
            )],
        );
        says_nothing_raw(&c);
    }

    #[test]
    fn shp_missing_is_not_reported_as_a_missing_dbf() {
        let p = fixture("boundaries/no_such_file.shp");
        let c = rejects(&["--boundaries", &p], &[&format!("{p}: cannot read file")]);
        assert!(!c.stderr.contains(".dbf"), "{}", c.stderr);
    }

    #[test]
    fn dbf_cut_short() {
        let (dir, shp) = shapefile_cut("dbf", 300);
        let dbf = dir.path().join("LAD.dbf").to_str().unwrap().to_string();
        let c = rejects(
            &["--boundaries", &shp],
            &[&format!(
                "{dbf}: is cut short or damaged: it ends part-way through row 1 (re-download or re-export it)"
            )],
        );
        says_nothing_raw(&c);
    }

    #[test]
    fn dbf_empty() {
        let (dir, shp) = shapefile_cut("dbf", 0);
        let dbf = dir.path().join("LAD.dbf").to_str().unwrap().to_string();
        let c = rejects(
            &["--boundaries", &shp],
            &[&format!("{dbf}: is empty (0 bytes); expected a .dbf table")],
        );
        says_nothing_raw(&c);
    }

    #[test]
    fn zip_cut_short() {
        let (_dir, zip) = zip_cut(1000);
        let c = rejects(
            &["--boundaries", &zip],
            &[&format!(
                "{zip}: is not a complete zip archive: it is cut short or damaged (re-download or re-export it"
            )],
        );
        says_nothing_raw(&c);
        // The zip library's words are kept only inside the brackets.
        assert!(!c.stderr.contains(": invalid Zip archive"), "{}", c.stderr);
    }

    #[test]
    fn zip_empty() {
        let (_dir, zip) = zip_cut(0);
        let c = rejects(
            &["--boundaries", &zip],
            &[&format!(
                "{zip}: is empty (0 bytes); expected a .zip holding an ESRI Shapefile"
            )],
        );
        assert!(!c.stderr.contains("EOCD"), "{}", c.stderr);
    }

    #[test]
    fn geopackage_missing() {
        let p = fixture("boundaries/no_such_file.gpkg");
        // The system's own words for a missing file ("No such file or directory (os error 2)"
        // on Unix, "The system cannot find the file specified. (os error 2)" on Windows).
        let missing = std::fs::File::open(&p).unwrap_err();
        let c = rejects(
            &["--boundaries", &p],
            &[&format!("{p}: cannot read file: {missing}")],
        );
        says_nothing_raw(&c);
    }

    #[test]
    fn geopackage_empty() {
        let p = fixture("boundaries/empty.gpkg");
        let c = rejects(
            &["--boundaries", &p],
            &[&format!(
                "{p}: is empty (0 bytes); expected a GeoPackage (.gpkg)"
            )],
        );
        assert!(!c.stderr.contains("SQLite"), "{}", c.stderr);
    }

    /// The first `bytes` of the two-layer GeoPackage fixture, or `text`, as a .gpkg in a
    /// temporary folder.
    fn gpkg_made(bytes: Option<usize>, text: &str) -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("districts.gpkg");
        let content = match bytes {
            Some(n) => std::fs::read(fixture("geopackage_two_layers.gpkg")).unwrap()[..n].to_vec(),
            None => text.as_bytes().to_vec(),
        };
        std::fs::write(&path, content).unwrap();
        (dir, path.display().to_string())
    }

    #[test]
    fn geopackage_cut_short() {
        let (_dir, p) = gpkg_made(Some(20_000), "");
        rejects(
            &["--boundaries", &p, "--layer", "districts_bng"],
            &[&format!("{p}: is cut short or damaged: its database cannot be read in full (re-download or re-export it; SQLite: ")],
        );
    }

    #[test]
    fn geopackage_that_is_not_a_database() {
        let (_dir, p) = gpkg_made(None, &"<html>Not Found</html>\n".repeat(50));
        rejects(
            &["--boundaries", &p],
            &[&format!("{p}: is not a GeoPackage: it is not an SQLite database, as every GeoPackage is; check it is the file you meant, or re-download or re-export it (SQLite: ")],
        );
    }
}

/// Boundaries of a geography the built-in lookup does not give each district (codes of one's
/// own), with the built-in figures, which are by district: the error says why no figure
/// matched and how to give figures for the areas. Before, it said only that none matched, and
/// the user was left to guess at the codes. (ICBs and health boards now take the district
/// figures summed: `builtin_geographies`.)
#[test]
fn boundaries_of_another_geography_with_built_in_figures_are_told_to_give_births() {
    let own = crate::fixture("boundaries/own_codes_no_figures.geojson");
    let run = crate::run(&["--boundaries", &own]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.assert_stderr_has(&[
        "no figure matched any area code in the boundaries",
        "the built-in figures are for the UK's local authority districts",
        "give them with --births FILE",
    ]);
    // With a figures file of the user's own, the hint about the built-in figures is not given.
    let run = crate::run(&[
        "--boundaries",
        &own,
        "--births",
        &crate::fixture("births/icbs_west_yorkshire_humber_north_yorkshire.csv"),
    ]);
    assert!(
        !run.stderr.contains("built-in figures are for"),
        "{}",
        run.stderr
    );
}

/// One problem is counted in the singular in the line that ends the run, which is quoted when
/// a run fails: "1 problem in the inputs", not "1 problem(s)".
#[test]
fn one_problem_is_counted_in_the_singular() {
    let dir = tempfile::tempdir().unwrap();
    let teams = dir.path().join("teams.csv");
    std::fs::write(&teams, "name,areas_served\nCity team,Oxfrod\n").unwrap();
    let teams = teams.display().to_string();
    let c = rejects(
        &["--boundaries", &oxon(), "--teams", &teams],
        &[&format!(
            "{teams}, line 2: City team: area \"Oxfrod\" is not a code or name in the boundaries"
        )],
    );
    c.assert_stderr_has(&["; 1 error, 0 warnings\n"]);
    let r = run(&["--boundaries", &oxon(), "--teams", &teams]);
    r.assert_stderr_has(&["covgap: 1 problem in the inputs; nothing was written\n"]);
}

/// A district written the other way round, as ONS has written some ("Edinburgh, City of";
/// "City of Bristol" for ONS's "Bristol, City of"), is suggested by its name: the suggestions
/// for "Edinburgh, City of" were Aberdeen City, Dundee City and Inverclyde.
#[test]
fn a_name_written_the_other_way_round_suggests_the_district() {
    let dir = tempfile::tempdir().unwrap();
    let teams = dir.path().join("teams.csv");
    std::fs::write(
        &teams,
        "name,areas_served\nEdinburgh team,\"Edinburgh, City of\"\nBristol team,City of Bristol\n",
    )
    .unwrap();
    let o = check(&["--teams", teams.to_str().unwrap()]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("Edinburgh team: area \"Edinburgh, City of\" is not a code or name in the boundaries; did you mean City of Edinburgh (S12000036),"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("Bristol team: area \"City of Bristol\" is not a code or name in the boundaries; did you mean Bristol, City of (E06000023),"),
        "{}",
        o.stderr
    );
}

/// A births table by sex, as NRS's and NISRA's downloads often are, repeats each area: the
/// error says which column tells the rows apart, where it said only "appears again".
#[test]
fn an_area_repeated_by_sex_names_the_column_that_differs() {
    let dir = tempfile::tempdir().unwrap();
    let births = dir.path().join("births.csv");
    std::fs::write(
        &births,
        "Area code,Area name,Sex,Live births\nS12000036,City of Edinburgh,Persons,4584\nS12000036,City of Edinburgh,Females,2230\n",
    )
    .unwrap();
    let o = check(&["--births", births.to_str().unwrap()]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("births.csv, line 3: area S12000036 appears again (first on line 2); give one figure per area: the two rows differ in column \"Sex\" (\"Persons\", then \"Females\"); is the table by sex, year or age? keep only the rows wanted"),
        "{}",
        o.stderr
    );
}

/// A quote left open at the start of a team's name makes one field of every line below it:
/// before, the three teams were read as one, named "Oxford team,E07000178\nCherwell team,...",
/// covering no area, with a warning and exit 0; the headline said no area had a team.
#[test]
fn a_quote_left_open_in_a_team_list_is_named_not_read_as_one_team() {
    let p = fixture("teams/quote_left_open_in_a_name.csv");
    let c = rejects(
        &["--boundaries", &oxon(), "--teams", &p],
        &[&format!("{p}, line 2: a quote (\") opening field 1 (column \"name\") is never closed: the field runs to the end of the file and swallows lines 3 to 4, whose teams would be lost; close the quote or remove it")],
    );
    c.assert_stderr_has(&["teams not read (see the error above)"]);
}

/// `assign` on the points file `p` stops with `says`, writing neither of its outputs, and
/// `check --points` says the same.
fn points_refused(p: &str, says: &str) {
    let dir = tempfile::tempdir().unwrap();
    let o = crate::covgap_in(
        dir.path(),
        &[
            "assign",
            "--points",
            p,
            "--out",
            "out.csv",
            "--geojson",
            "out.geojson",
        ],
        None,
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    o.assert_stderr_has(&[says]);
    assert!(o.cwd_entries.is_empty(), "assign left {:?}", o.cwd_entries);
    let c = check(&["--points", p]);
    assert_eq!(c.code, 1, "{}", c.stderr);
    c.assert_stderr_has(&[says]);
}

/// The same in a points file: before, `assign` wrote the three points as one unplaced row
/// ("no coordinates or postcode"), exit 0. Now it stops, names the line and writes nothing;
/// `check --points` says the same.
#[test]
fn a_quote_left_open_in_a_points_file_is_named_and_nothing_is_written() {
    let p = fixture("points/quote_left_open.csv");
    let says = format!("{p}, line 2: a quote (\") opening field 1 (column \"id\") is never closed: the field runs to the end of the file and swallows lines 3 to 4, whose points would be lost; close the quote or remove it");
    points_refused(&p, &says);
}

/// Two stray quotes in a points file, one opening the first point's id and another closing
/// the third's, made one point, at Oxford, of the three (the quotes pair up, so no quote is
/// left open): `assign` wrote it with an id over three lines, exit 0. Now it stops, names the
/// lines and writes nothing; `check --points` says the same. A cell typed over two lines (a
/// note) is still read.
#[test]
fn two_stray_quotes_in_a_points_file_are_named_and_nothing_is_written() {
    let p = fixture("points/two_stray_quotes.csv");
    let says = format!("{p}, line 2: field 1 (column \"id\") runs over 3 lines, to line 4, and line 3 within it reads as a row of the file: a stray quote (\") opening the field takes in the rows below it up to the next quote, and their points would be lost; remove the stray quote");
    points_refused(&p, &says);

    let note = "id,latitude,longitude,note\nBirmingham clinic,52.4862,-1.8904,\"open Mondays\nclosed Fridays\"\nLeeds clinic,53.8,-1.55,\n";
    let o = crate::covgap_with_files(
        &[("p.csv", note)],
        &["assign", "-q", "--points", "p.csv", "--out", "out.csv"],
        None,
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
}

/// A points file Excel saved as "CSV (Comma delimited)" on a UK machine holds Windows-1252:
/// before, `assign` copied its bytes into a CSV that says it is UTF-8 (Excel showed "Ynys
/// M\u{fffd}n") and put U+FFFD in the GeoJSON. Both now hold the letters.
#[test]
fn a_points_file_in_windows_1252_keeps_its_letters_in_the_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let p = fixture("points/windows1252_cells.csv");
    let o = crate::covgap_in(
        dir.path(),
        &[
            "assign",
            "--points",
            &p,
            "--out",
            "out.csv",
            "--geojson",
            "out.geojson",
        ],
        None,
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let csv = std::fs::read(dir.path().join("out.csv")).unwrap();
    let csv = String::from_utf8(csv).expect("the CSV is UTF-8");
    assert!(
        csv.contains("\r\nYsbyty Ynys Môn £5,53.3000,-4.3500,W06000001,"),
        "{csv}"
    );
    assert!(csv.contains("\r\nCafé Oxford,"), "{csv}");
    let geo: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out.geojson")).unwrap()).unwrap();
    let ids: Vec<&str> = geo["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["Ysbyty Ynys Môn £5", "Café Oxford"]);
}

/// A births cell Excel formatted as a date (as it formats "1-5" typed in) holds its serial
/// number: before, 1 January 2020 was read as 43,831 births for South Oxfordshire, with only
/// a warning that the total looked high.
#[test]
fn a_workbook_figure_formatted_as_a_date_is_not_read_as_its_serial_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("births_with_a_date.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    oxon_births_but_one(ws);
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2020, 1, 1).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    ws.write_datetime_with_format(5, 1, &date, &format).unwrap();
    wb.save(&path).unwrap();
    let p = path.to_str().unwrap();
    rejects(
        &["--boundaries", &oxon(), "--births", p],
        &[&format!("{p}, sheet \"Sheet1\", row 6: E07000179: figure \"2020-01-01 (a date)\" in column \"births\" is not a number")],
    );
}

/// Rewrites one part of an .xlsx workbook (a zip of XML files) in place.
fn rewrite_xlsx_part(path: &std::path::Path, part: &str, edit: impl Fn(String) -> String) {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().to_string();
        let mut text = Vec::new();
        f.read_to_end(&mut text).unwrap();
        if name == part {
            text = edit(String::from_utf8(text).unwrap()).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&text).unwrap();
    }
    std::fs::write(path, out.finish().unwrap().into_inner()).unwrap();
}

/// A births figure that is a formula (`=750+750`) in a workbook written by a program rather
/// than saved by Excel: XlsxWriter and rust_xlsxwriter store 0 as its result and mark the
/// workbook to be worked out again when Excel opens it; openpyxl stores no result. Excel shows
/// 1,500 either way. Before, South Oxfordshire was read as 0 babies without a word (and, with
/// no result, as a suppressed figure); now each is an error naming the formula and what to do.
/// The same formula as Excel saves it, its result held and no such mark, is read.
#[test]
fn a_formula_whose_result_the_workbook_does_not_hold_is_not_read_as_0() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("births_with_a_formula.xlsx");
    let write = |result: Option<&str>| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        oxon_births_but_one(ws);
        let mut formula = rust_xlsxwriter::Formula::new("=750+750");
        if let Some(result) = result {
            formula = formula.set_result(result);
        }
        ws.write_formula(5, 1, formula).unwrap();
        wb.save(&path).unwrap();
    };
    let p = path.to_str().unwrap();
    let args = ["--boundaries", &oxon(), "--births", p];
    let says = format!("{p}, sheet \"Sheet1\", row 6: E07000179: figure \"=750+750 (a formula whose result the workbook does not hold: open it in Excel and save it)\" in column \"births\" is not a number");
    // As rust_xlsxwriter writes it: result 0, to be worked out on opening.
    write(None);
    rejects(&args, &[&says]);
    // As openpyxl writes it: no result.
    let no_recalculation = |xml: String| xml.replace(" fullCalcOnLoad=\"1\"", "");
    rewrite_xlsx_part(&path, "xl/workbook.xml", no_recalculation);
    rewrite_xlsx_part(&path, "xl/worksheets/sheet1.xml", |xml| {
        xml.replace("<f>750+750</f><v>0</v>", "<f>750+750</f>")
    });
    rejects(&args, &[&says]);
    // As Excel saves it: its result held.
    write(Some("1500"));
    rewrite_xlsx_part(&path, "xl/workbook.xml", no_recalculation);
    let o = run(&args);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let summary: serde_json::Value =
        serde_json::from_slice(&o.files.as_ref().unwrap()["summary.json"]).unwrap();
    assert_eq!(summary["demand_total"], 1784 + 1441 + 1500 + 1438 + 1038);
}

/// A workbook saved with a password (Excel's "Encrypt with Password") is an OLE2 file, not a
/// zip: before, it was "starts like an Excel workbook but cannot be read as one (Cannot detect
/// file format); ... give a real .xlsx/.xls/.ods workbook", as if the file were not Excel's.
/// As births, a team list and points, the message says it has a password and what to do.
#[test]
fn a_workbook_saved_with_a_password_is_said_to_have_one() {
    let p = fixture("births/password_protected.xlsx");
    let says = format!("{p}: is a workbook protected with a password (Excel's File > Info > Protect Workbook > Encrypt with Password), which covgap cannot open; clear the password there and save the workbook, or save the sheet as CSV");
    let c = rejects(&["--boundaries", &oxon(), "--births", &p], &[&says]);
    assert!(!c.stderr.contains("Cannot detect"), "{}", c.stderr);
    rejects(&["--boundaries", &oxon(), "--teams", &p], &[&says]);
    let a = crate::covgap_with_files(&[], &["assign", "--points", &p, "--out", "o.csv"], None);
    assert_eq!(a.code, 1, "{}", a.stderr);
    a.assert_stderr_has(&[&says]);
    assert!(a.cwd_entries.is_empty(), "assign wrote {:?}", a.cwd_entries);
}

/// Two columns under the figure's header (a year's beside the next, the year in a row above):
/// before, the first was read without a word. Columns that agree on every row are read.
#[test]
fn two_columns_headed_as_the_figure_are_named_unless_they_agree() {
    let p = fixture("births/two_columns_headed_births.csv");
    rejects(
        &["--boundaries", &oxon(), "--births", &p],
        &[&format!("{p}, line 1: two columns are headed \"births\" (fields 3 and 4) and hold different figures, and covgap cannot tell which to read; rename one (by the year or group it is for, say) or remove it")],
    );
    let same = fixture("births/births_column_pasted_twice.csv");
    let c = check(&["--boundaries", &oxon(), "--births", &same]);
    assert_eq!(c.code, 0, "{}", c.stderr);
}

/// A Shapefile's .shx, .dbf or .prj picked in place of its .shp: before, the .shx was "damaged,
/// so its shapes cannot be read" (it opens as a .shp does) and the .dbf "not a text GeoJSON
/// file". The message names the .shp to give.
#[test]
fn a_shapefile_part_given_for_the_shapefile_names_the_shp() {
    for ext in ["shx", "dbf", "prj"] {
        let p = fixture(&format!("shapefile_bng/LAD_MAY_2024_UK_BUC.{ext}"));
        let shp = fixture("shapefile_bng/LAD_MAY_2024_UK_BUC.shp");
        let c = check(&["--boundaries", &p]);
        assert_eq!(c.code, 1, "{}", c.stderr);
        c.assert_stderr_has(&[&format!(
            "{p}: is the .{ext} part of an ESRI Shapefile, not the Shapefile itself: give its .shp, {shp}"
        )]);
    }
}

/// An area whose outer ring lies on one line encloses nothing: before, it was read, given a
/// point on the line, and ranked as a gap with its 1,418 births, no baby of which lives in it.
#[test]
fn an_area_whose_ring_lies_on_one_line_is_an_error() {
    let p = fixture("boundaries/ring_on_one_line.geojson");
    rejects(
        &["--boundaries", &p],
        &[&format!("{p}, feature 3: E07000179 (South Oxfordshire): geometry encloses no area: the positions of its outer ring lie on one line or at one point; were the coordinates rounded (to whole degrees, say) or a line exported as a polygon?")],
    );
}

/// A GeoJSON file saved as UTF-16 was told to be saved as "CSV UTF-8" from Excel.
#[test]
fn a_utf16_geojson_file_is_told_to_be_saved_as_utf8_not_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oxfordshire_utf16.geojson");
    let text = std::fs::read_to_string(oxon()).unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&path, bytes).unwrap();
    let p = path.to_str().unwrap();
    let c = rejects(
        &["--boundaries", p],
        &[&format!("{p}: is UTF-16 text; covgap reads a GeoJSON file as UTF-8, as RFC 7946 asks: save it again as UTF-8")],
    );
    assert!(!c.stderr.contains("CSV"), "{}", c.stderr);
}

/// Four Oxfordshire districts' births on a sheet under a `code, births` header, and the fifth
/// district's code on row 6 with no figure, for a test to write one of its own kind.
fn oxon_births_but_one(ws: &mut rust_xlsxwriter::Worksheet) {
    ws.write_row(0, 0, ["code", "births"]).unwrap();
    for (r, (code, births)) in [
        ("E07000177", 1784.0),
        ("E07000178", 1441.0),
        ("E07000180", 1438.0),
        ("E07000181", 1038.0),
    ]
    .into_iter()
    .enumerate()
    {
        ws.write_string(r as u32 + 1, 0, code).unwrap();
        ws.write_number(r as u32 + 1, 1, births).unwrap();
    }
    ws.write_string(5, 0, "E07000179").unwrap();
}
