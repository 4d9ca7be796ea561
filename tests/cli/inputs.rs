//! A user's own files of each kind, each replacing the built-in one.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::{check, features, fixture, run_ok, u};

/// The five Oxfordshire districts' built-in births (data/areas.csv).
const OXON_BIRTHS: [(&str, u64); 5] = [
    ("E07000177", 1784),
    ("E07000178", 1441),
    ("E07000179", 1418),
    ("E07000180", 1438),
    ("E07000181", 1038),
];

fn oxon_wgs84() -> String {
    fixture("boundaries/oxfordshire_wgs84.geojson")
}

fn oxon_teams() -> String {
    fixture("teams/no_evidence_column.csv")
}

/// A run over the Oxfordshire districts with the team list fixture `teams`.
fn run_oxon_teams(teams: &str) -> crate::Outcome {
    run_ok(&["--boundaries", &oxon_wgs84(), "--teams", &fixture(teams)])
}

/// Bounding box of every area's geometry in an areas.geojson, by code.
fn bboxes(doc: &Value) -> BTreeMap<String, [f64; 4]> {
    let mut out = BTreeMap::new();
    for f in features(doc) {
        let code = f["properties"]["code"].as_str().unwrap().to_string();
        let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for poly in f["geometry"]["coordinates"].as_array().unwrap() {
            for ring in poly.as_array().unwrap() {
                for p in ring.as_array().unwrap() {
                    let (x, y) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
                    b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
                }
            }
        }
        out.insert(code, b);
    }
    out
}

/// The coverage-relevant properties of every area (not geometry).
fn coverage_view(run: &crate::Outcome) -> BTreeMap<String, (Value, Value, Value, Value)> {
    run.areas()
        .into_iter()
        .map(|(c, p)| {
            (
                c,
                (
                    p["births"].clone(),
                    p["covered"].clone(),
                    p["gap_rank"].clone(),
                    p["nearest_team"].clone(),
                ),
            )
        })
        .collect()
}

mod boundaries {
    use super::*;

    #[test]
    fn wgs84_districts_with_built_in_births() {
        let run = run_ok(&["--boundaries", &oxon_wgs84(), "--teams", &oxon_teams()]);
        let areas = run.areas();
        assert_eq!(areas.len(), 5);
        for (code, births) in OXON_BIRTHS {
            assert_eq!(u(&areas[code]["births"]), births, "{code}");
        }
        assert_eq!(areas["E07000178"]["name"], "Oxford");
        let s = run.summary();
        assert_eq!(u(&s["demand_total"]), 7119);
        assert_eq!(s["areas_total"], 5);
        assert!(run.text("summary.md").contains("read as WGS84"));
    }

    #[test]
    fn british_national_grid_with_legacy_crs_member() {
        let wgs = run_ok(&["--boundaries", &oxon_wgs84(), "--teams", &oxon_teams()]);
        let bng = run_ok(&[
            "--boundaries",
            &fixture("boundaries/oxfordshire_bng_legacy_crs.geojson"),
            "--teams",
            &oxon_teams(),
        ]);
        assert!(bng
            .text("summary.md")
            .contains("declared in the file's \"crs\" member: British National Grid"));
        // Output is WGS84 and lands where the WGS84 copy of the same districts does
        // (1e-4 degrees is under 11 m; the two transformations agree to about 2 m).
        let (a, b) = (
            bboxes(&wgs.json("areas.geojson")),
            bboxes(&bng.json("areas.geojson")),
        );
        assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
        for (code, ba) in &a {
            for i in 0..4 {
                assert!(
                    (ba[i] - b[code][i]).abs() < 1e-4,
                    "{code}: {ba:?} vs {:?}",
                    b[code]
                );
            }
        }
        assert_eq!(coverage_view(&wgs), coverage_view(&bng));
    }

    #[test]
    fn british_national_grid_without_crs_is_decided_from_the_range_and_says_so() {
        let run = run_ok(&[
            "--boundaries",
            &fixture("boundaries/oxfordshire_bng_no_crs.geojson"),
            "--teams",
            &oxon_teams(),
        ]);
        let md = run.text("summary.md");
        assert!(md.contains("no \"crs\" member"), "{md}");
        assert!(md.contains("read as British National Grid"), "{md}");
        run.assert_stderr_has(&[
            "oxfordshire_bng_no_crs.geojson",
            "no \"crs\" member",
            "British National Grid",
        ]);
        let b = bboxes(&run.json("areas.geojson"));
        for (code, bb) in b {
            assert!(
                (-2.0..-0.8).contains(&bb[0]) && (51.4..52.2).contains(&bb[1]),
                "{code}: {bb:?} is not in Oxfordshire"
            );
        }
    }

    #[test]
    fn wgs84_named_as_crs84_with_z_values() {
        let wgs = run_ok(&["--boundaries", &oxon_wgs84(), "--teams", &oxon_teams()]);
        let z = run_ok(&[
            "--boundaries",
            &fixture("boundaries/oxfordshire_crs84_with_z.geojson"),
            "--teams",
            &oxon_teams(),
        ]);
        assert!(z
            .text("summary.md")
            .contains("declared in the file's \"crs\" member: WGS84"));
        assert_eq!(
            bboxes(&wgs.json("areas.geojson")),
            bboxes(&z.json("areas.geojson"))
        );
        assert_eq!(coverage_view(&wgs), coverage_view(&z));
        // Positions are written as longitude, latitude only.
        for f in features(&z.json("areas.geojson")) {
            let first = &f["geometry"]["coordinates"][0][0][0];
            assert_eq!(first.as_array().unwrap().len(), 2);
        }
    }

    #[test]
    fn custom_property_names_with_code_and_name_fields() {
        let run = run_ok(&[
            "--boundaries",
            &fixture("boundaries/oxfordshire_custom_fields.geojson"),
            "--code-field",
            "district_id",
            "--name-field",
            "district_label",
            "--teams",
            &oxon_teams(),
        ]);
        let areas = run.areas();
        assert_eq!(areas.len(), 5);
        assert_eq!(areas["E07000180"]["name"], "Vale of White Horse");
        assert_eq!(u(&run.summary()["demand_total"]), 7119);
    }

    /// Oxford's outer ring crosses itself. The run goes on (the rest of the boundary still
    /// places points), and run and check both warn, naming the feature and the place: where
    /// Shapely's `explain_validity` (GEOS) puts it, -1.2077554 51.7182842 in the WGS84 file and
    /// 454826.7 202470.2 in the same boundaries on the grid.
    #[test]
    fn ring_that_crosses_itself_is_named_with_its_place() {
        for (file, place) in [
            (
                "oxford_ring_crosses_itself.geojson",
                "51.71828°N, 1.20776°W (easting 454827, northing 202470)",
            ),
            (
                "oxford_ring_crosses_itself_bng.geojson",
                "51.71829°N, 1.20775°W (easting 454827, northing 202470)",
            ),
        ] {
            let p = fixture(&format!("boundaries/{file}"));
            let warning = format!(
                "warning: {p}, feature 2: E07000178 (Oxford): the outer ring crosses itself near {place}, so a point close to it may be placed in the wrong area or in none; QGIS's Check Validity lists it and Fix Geometries mends it"
            );
            let run = run_ok(&["--boundaries", &p, "--teams", &oxon_teams()]);
            assert_eq!(run.warning_lines(), [warning.as_str()], "{}", run.stderr);
            assert_eq!(run.areas().len(), 5);
            // run.json keeps it, with the notes, after the terminal that showed it is gone.
            let problems = run.json("run.json")["problems"].clone();
            let warnings: Vec<&Value> = problems
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["severity"] == "warning")
                .collect();
            assert_eq!(warnings.len(), 1, "{problems:#}");
            assert_eq!(warnings[0]["source"], p.as_str());
            assert_eq!(warnings[0]["feature"], 2);
            assert_eq!(warnings[0]["line"], Value::Null);
            assert_eq!(
                format!(
                    "warning: {p}, feature 2: {}",
                    warnings[0]["message"].as_str().unwrap()
                ),
                warning
            );
            let c = crate::check(&["--boundaries", &p, "--teams", &oxon_teams()]);
            assert_eq!(c.code, 0, "{}", c.stderr);
            assert_eq!(c.warning_lines(), [warning.as_str()], "{}", c.stderr);
            c.assert_stderr_has(&["0 errors, 1 warning"]);
        }
        // The same districts as ONS draws them give no such warning.
        let clean = crate::check(&["--boundaries", &oxon_wgs84(), "--teams", &oxon_teams()]);
        assert!(clean.warning_lines().is_empty(), "{}", clean.stderr);
    }

    /// Boundaries on one of Northern Ireland's grids give the place of a crossing in degrees
    /// and in the eastings and northings of the file's own grid, named, so that it can be found
    /// in the file as QGIS shows it: Armagh City, Banbridge and Craigavon's outer ring made to
    /// cross itself, where Shapely's `explain_validity` (GEOS) puts it, 288342.4 361078.5 on
    /// the Irish Grid and 688274.5 861077.6 on the Irish Transverse Mercator (54.49046 N,
    /// 6.63750 W and 6.63751 W, by pyproj).
    #[test]
    fn a_crossing_on_northern_irelands_grids_is_placed_on_the_files_own_grid() {
        for (file, place) in [
            (
                "ni_ring_crosses_itself_irish_grid.geojson",
                "54.49046°N, 6.63750°W (easting 288342, northing 361079 on the Irish Grid)",
            ),
            (
                "ni_ring_crosses_itself_itm.geojson",
                "54.49046°N, 6.63751°W (easting 688275, northing 861078 on the Irish Transverse Mercator)",
            ),
        ] {
            let p = fixture(&format!("boundaries/{file}"));
            let warning = format!(
                "warning: {p}, feature 2: N09000002 (Armagh City, Banbridge and Craigavon): the outer ring crosses itself near {place}, so a point close to it may be placed in the wrong area or in none; QGIS's Check Validity lists it and Fix Geometries mends it"
            );
            let c = crate::check(&["--boundaries", &p]);
            assert_eq!(c.code, 0, "{}", c.stderr);
            assert_eq!(c.warning_lines(), [warning.as_str()], "{}", c.stderr);
        }
    }
}

mod births {
    use super::*;

    /// ONS tables up to mid-2021 give the 17 districts abolished on 1 April 2023; against
    /// the current boundaries their figures are added up for the four that replaced them.
    mod in_district_codes_before_2023 {
        use super::*;
        use crate::default_run;

        const ADDED_UP: &str = "the table is in district codes from before 1 April 2023: the figures of 17 abolished districts were added up for the 4 that replaced them (data/successors.csv): Cumberland (E06000063) = Allerdale (E07000026) + Carlisle (E07000028) + Copeland (E07000029); Westmorland and Furness (E06000064) = Barrow-in-Furness (E07000027) + Eden (E07000030) + South Lakeland (E07000031); North Yorkshire (E06000065) = Craven (E07000163) + Hambleton (E07000164) + Harrogate (E07000165) + Richmondshire (E07000166) + Ryedale (E07000167) + Scarborough (E07000168) + Selby (E07000169); Somerset (E06000066) = Mendip (E07000187) + Sedgemoor (E07000188) + South Somerset (E07000189) + Somerset West and Taunton (E07000246)";

        #[test]
        fn give_the_built_in_figures_for_every_district() {
            let run = run_ok(&[
                "--births",
                &fixture("births/district_codes_before_2023.csv"),
            ]);
            assert!(run.warning_lines().is_empty(), "{}", run.stderr);
            run.assert_stderr_has(&[&format!("district_codes_before_2023.csv: {ADDED_UP}")]);
            // The built-in figures were added up from the same ONS table: every district's
            // figure, the gaps and the headline are the built-in run's.
            let built_in = default_run();
            let births = |o: &crate::Outcome| -> BTreeMap<String, Value> {
                o.areas()
                    .into_iter()
                    .map(|(c, p)| (c, p["births"].clone()))
                    .collect()
            };
            assert_eq!(births(&run), births(built_in));
            assert_eq!(
                u(&run.areas()["E06000065"]["births"]),
                425 + 633 + 1260 + 409 + 423 + 891 + 876
            );
            for k in [
                "demand_total",
                "demand_covered",
                "areas_covered",
                "areas_without_figure",
            ] {
                assert_eq!(run.summary()[k], built_in.summary()[k], "{k}");
            }
            // No old code is left over as an area, and the figures' source says what was done.
            assert_eq!(run.areas().len(), 361);
            assert!(run.text("summary.md").contains("(district codes from before 1 April 2023: Cumberland (E06000063), Westmorland and Furness (E06000064), North Yorkshire (E06000065), Somerset (E06000066) added up from the districts they replaced)"), "{}", run.text("summary.md"));
        }

        #[test]
        fn with_one_missing_leave_that_district_without_a_figure_and_say_why() {
            let run = run_ok(&[
                "--births",
                &fixture("births/district_codes_before_2023_without_selby.csv"),
            ]);
            run.assert_stderr_has(&[
                "warning: ",
                "without_selby.csv: the table is in district codes from before 1 April 2023: North Yorkshire (E06000065) replaced Craven (E07000163), Hambleton (E07000164), Harrogate (E07000165), Richmondshire (E07000166), Ryedale (E07000167), Scarborough (E07000168), Selby (E07000169), but with no row for Selby (E07000169) their figures cannot be added up, so North Yorkshire has no figure",
                "no figure for 1 area in the boundaries: E06000065",
                // The headline on the terminal, in the singular too.
                "; 1 area with no figure is not counted\n",
            ]);
            let areas = run.areas();
            assert_eq!(areas["E06000065"]["births"], Value::Null);
            assert_eq!(u(&areas["E06000063"]["births"]), 783 + 1026 + 590);
            assert_eq!(run.summary()["areas_without_figure"], 1);
        }
    }

    #[test]
    fn ons_table_saved_from_excel_in_windows_1252() {
        let run = run_ok(&[
            "--boundaries",
            &oxon_wgs84(),
            "--teams",
            &oxon_teams(),
            "--births",
            &fixture("births/ons_excel_windows1252.csv"),
            "--period",
            "1 July 2019 to 30 June 2020 (fixture)",
        ]);
        let areas = run.areas();
        assert_eq!(u(&areas["E07000177"]["births"]), 1801);
        assert_eq!(u(&areas["E07000180"]["births"]), 1420);
        assert_eq!(
            u(&run.summary()["demand_total"]),
            1801 + 1502 + 1399 + 1420 + 1011
        );
        // Country, region and county rows are reported and ignored; the Welsh name decodes.
        run.assert_stderr_has(&[
            "note:",
            "K02000001 United Kingdom",
            "E92000001 England",
            "E12000008 South East",
            "E10000025 Oxfordshire",
            "W06000001 Ynys Môn",
        ]);
        assert!(run.error_lines().is_empty(), "{}", run.stderr);
        assert!(run.warning_lines().is_empty(), "{}", run.stderr);
        assert!(run
            .text("summary.md")
            .contains("1 July 2019 to 30 June 2020 (fixture)"));
        assert_eq!(
            run.summary()["period"],
            "1 July 2019 to 30 June 2020 (fixture)"
        );
    }

    /// Deepest nesting of parentheses in `line`.
    fn paren_depth(line: &str) -> usize {
        let (mut depth, mut deepest) = (0usize, 0);
        for c in line.chars() {
            match c {
                '(' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        deepest
    }

    /// Own figures with no --period: the outputs say the period was not stated, in words that
    /// read cleanly where they stand, inside the headline's parentheses too.
    #[test]
    fn figures_without_a_period_say_so_without_nested_parentheses() {
        let run = crate::run(&[
            "--boundaries",
            &oxon_wgs84(),
            "--teams",
            &oxon_teams(),
            "--births",
            &fixture("births/utf8_bom.csv"),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let headline = run
            .stderr
            .lines()
            .find(|l| l.contains("in covered areas"))
            .unwrap_or_else(|| panic!("{}", run.stderr));
        assert!(
            headline
                .contains("% of live births (period not stated with --period) in covered areas"),
            "{headline}"
        );
        let summary = run.text("summary.md");
        assert!(
            summary.contains("Figure: live births, period not stated with --period ("),
            "{summary}"
        );
        assert_eq!(run.summary()["period"], "period not stated with --period");
        for line in
            std::iter::once(headline).chain(summary.lines().filter(|l| l.contains("period")))
        {
            assert!(paren_depth(line) <= 1, "nested parentheses: {line}");
        }
    }

    #[test]
    fn suppressed_values_are_warned_and_left_out() {
        let run = run_ok(&[
            "--boundaries",
            &oxon_wgs84(),
            "--teams",
            &oxon_teams(),
            "--births",
            &fixture("births/suppressed_values.csv"),
        ]);
        let w = run.warning_lines();
        for (line, raw) in [(2, "\":\""), (3, "\"x\""), (4, "\"[x]\""), (5, "\"\"")] {
            assert!(
                w.iter().any(|l| l.contains("suppressed_values.csv")
                    && l.contains(&format!("line {line}:"))
                    && l.contains(&format!("suppressed ({raw})"))),
                "no warning for line {line}: {}",
                run.stderr
            );
        }
        let areas = run.areas();
        for code in ["E07000177", "E07000178", "E07000179", "E07000180"] {
            assert_eq!(areas[code]["births"], Value::Null, "{code}");
        }
        assert_eq!(u(&areas["E07000181"]["births"]), 1038);
        assert_eq!(u(&run.summary()["demand_total"]), 1038);
    }

    #[test]
    fn utf8_with_byte_order_mark() {
        let run = run_ok(&[
            "--boundaries",
            &oxon_wgs84(),
            "--teams",
            &oxon_teams(),
            "--births",
            &fixture("births/utf8_bom.csv"),
        ]);
        assert_eq!(u(&run.summary()["demand_total"]), 7119);
        assert!(run.warning_lines().is_empty(), "{}", run.stderr);
    }

    #[test]
    fn named_columns() {
        let run = run_ok(&[
            "--boundaries",
            &oxon_wgs84(),
            "--teams",
            &oxon_teams(),
            "--births",
            &fixture("births/no_births_column.csv"),
            "--births-code-column",
            "Area code",
            "--births-column",
            "Population",
        ]);
        assert_eq!(u(&run.areas()["E07000178"]["births"]), 162_000);
    }
    /// An ONS-style population table, `Code,Name,Total,0,1,2`, where "Total" is everyone:
    /// covgap takes the generic "Total" as births when no column names them. It must say which
    /// column it read and how (stderr, run.json, summary.md), and that the total is far from a
    /// year of births.
    #[test]
    fn the_column_read_and_how_it_was_chosen_are_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let mut table = String::from("Code,Name,Total,0,1,2\n");
        for (code, births) in OXON_BIRTHS {
            table.push_str(&format!(
                "{code},District,{},{births},{births},{births}\n",
                births * 110
            ));
        }
        std::fs::write(dir.path().join("ages.csv"), &table).unwrap();
        std::fs::write(
            dir.path().join("named.csv"),
            table.replace("Code,Name,Total,", "Code,Name,Live births,"),
        )
        .unwrap();
        let boundaries = oxon_wgs84();
        let run = |extra: &[&str]| {
            let mut args = vec!["run", "--boundaries", &boundaries, "--out", "out"];
            args.extend_from_slice(extra);
            let o = crate::covgap_in(dir.path(), &args, Some("out"));
            assert_eq!(o.code, 0, "{}", o.stderr);
            let figures = crate::run_json(&dir.path().join("out"))["figures"].clone();
            (o, figures)
        };

        let (generic, figures) = run(&["--births", "ages.csv"]);
        assert_eq!(figures["column"], "Total");
        assert_eq!(figures["column_chosen_by"], "generic_header");
        generic.assert_stderr_has(&[
            "note: ages.csv, line 1: figures read from column \"Total\" (field 3 of the header): a generic header",
            "--births-column",
        ]);
        assert!(
            generic.warning_lines().iter().any(|l| l.contains(
                "add up to 783,090 for the 5 areas the built-in table also has: 110.0 times the 7,119 live births"
            )),
            "{}",
            generic.stderr
        );
        assert!(
            generic.text("summary.md").contains(
                "ages.csv, column \"Total\" (a generic header, taken as the figure because no column names it: check that it holds the figure)."
            ),
            "{}",
            generic.text("summary.md")
        );

        // Named with the flag: the births themselves, so no warning and no note.
        let (named, figures) = run(&["--births", "ages.csv", "--births-column", "0"]);
        assert_eq!(figures["column"], "0");
        assert_eq!(figures["column_chosen_by"], "named_by_flag");
        assert!(named.warning_lines().is_empty(), "{}", named.stderr);
        assert!(!named.stderr.contains("generic header"), "{}", named.stderr);
        assert!(named
            .text("summary.md")
            .contains("ages.csv, column \"0\" (named with --births-column)."));

        // Found by a header that names births: recorded, with no note. Its total is still
        // far from the births, and the warning says so.
        let (recognised, figures) = run(&["--births", "named.csv"]);
        assert_eq!(figures["column"], "Live births");
        assert_eq!(figures["column_chosen_by"], "recognised_header");
        assert!(
            !recognised.stderr.contains("generic header"),
            "{}",
            recognised.stderr
        );
        assert_eq!(recognised.warning_lines().len(), 1, "{}", recognised.stderr);

        // Named with the flag and still far off: the warning does not tell the user to do
        // what they did.
        let (total, _) = run(&["--births", "ages.csv", "--births-column", "Total"]);
        let warned = total.warning_lines().join("\n");
        assert!(warned.contains("110.0 times"), "{}", total.stderr);
        assert!(!warned.contains("Name the column with"), "{}", total.stderr);

        // The built-in figures: their own column.
        let (_, figures) = run(&[]);
        assert_eq!(figures["column"], "births");
        assert_eq!(figures["column_chosen_by"], "built_in");
    }

    #[test]
    fn code_column_under_a_header_covgap_does_not_know() {
        // "District ref" is no header covgap looks for: the flag alone finds the codes.
        let births = fixture("births/unrecognised_code_header.csv");
        let run = run_ok(&[
            "--boundaries",
            &oxon_wgs84(),
            "--teams",
            &oxon_teams(),
            "--births",
            &births,
            "--births-code-column",
            "District ref",
        ]);
        assert_eq!(u(&run.areas()["E07000178"]["births"]), 1502);
        assert_eq!(
            u(&run.summary()["demand_total"]),
            1801 + 1502 + 1399 + 1420 + 1011
        );
        let plain = crate::run(&["--boundaries", &oxon_wgs84(), "--births", &births]);
        assert_eq!(plain.code, 1);
        plain.assert_stderr_has(&[
            "found the figure column \"Live births\" on line 1, but no area code column (\"Area code\", \"code\", \"LAD24CD\", ...) there or above; line 1 has \"District ref\"",
            "name the code column with --births-code-column",
        ]);
    }
}

mod teams {
    use super::*;

    #[test]
    fn teams_given_only_by_postcode_district() {
        let run = run_oxon_teams("teams/postcode_district_only.csv");
        // OX16 is Banbury (Cherwell), OX10 Wallingford (South Oxfordshire).
        assert_eq!(run.covered(), vec!["E07000177", "E07000179"]);
        let teams = run.teams();
        let banbury = &teams["Banbury team"]["properties"];
        assert_eq!(banbury["base_precision"], "postcode_district");
        assert_eq!(banbury["host_area_code"], "E07000177");
        assert_eq!(teams["Wallingford team"]["properties"]["base"], "OX10");
        assert_eq!(
            teams["Wallingford team"]["properties"]["covers"],
            "E07000179"
        );
        // The OX10 centroid from data/outcodes.csv.
        assert_eq!(
            teams["Wallingford team"]["geometry"]["coordinates"],
            serde_json::json!([-1.1294, 51.6057])
        );
        assert!(run.warning_lines().is_empty(), "{}", run.stderr);
    }

    fn full_postcodes_with(directory: &str) {
        let run = run_ok(&[
            "--boundaries",
            &oxon_wgs84(),
            "--teams",
            &fixture("teams/full_postcodes.csv"),
            "--postcodes",
            directory,
        ]);
        assert!(run.warning_lines().is_empty(), "{}", run.stderr);
        let teams = run.teams();
        // Spelled "ox11aa", "OX28 6AA" and " ox26  6aa " in the list; "OX1 1AA", "OX286AA"
        // and "OX266AA" in the directory.
        for (name, host, lon, lat) in [
            ("Oxford team", "E07000178", -1.267367, 51.750231),
            ("Witney team", "E07000181", -1.485185, 51.785076),
            ("Bicester team", "E07000177", -1.149897, 51.896914),
        ] {
            let t = &teams[name];
            assert_eq!(t["properties"]["base_precision"], "postcode", "{name}");
            assert_eq!(t["properties"]["host_area_code"], host, "{name}");
            let c = &t["geometry"]["coordinates"];
            assert!((c[0].as_f64().unwrap() - lon).abs() < 2e-6, "{name}: {c}");
            assert!((c[1].as_f64().unwrap() - lat).abs() < 2e-6, "{name}: {c}");
        }
        assert_eq!(run.covered(), vec!["E07000177", "E07000178", "E07000181"]);
        assert!(run.text("summary.md").contains("**Postcodes**"));
    }

    #[test]
    fn full_postcodes_in_a_plain_directory_however_spaced_or_cased() {
        full_postcodes_with(&fixture("postcodes/onspd_small.csv"));
    }

    #[test]
    fn full_postcodes_in_a_gzipped_directory() {
        full_postcodes_with(&fixture("postcodes/onspd_small.csv.gz"));
    }

    /// The real ONS directory (2.7 million rows, gzipped) when ../shared is present.
    #[test]
    fn full_postcodes_in_the_real_directory_when_present() {
        let real = crate::repo_file("../shared/data/postcodes/postcodes_uk_nspd_nov2025.csv.gz");
        if !real.exists() {
            eprintln!("note: {} is absent; test skipped", real.display());
            return;
        }
        full_postcodes_with(real.to_str().unwrap());
    }

    #[test]
    fn full_postcode_without_directory_falls_back_to_its_district() {
        let run = run_oxon_teams("teams/full_postcodes.csv");
        let w = run.warning_lines();
        assert_eq!(w.len(), 3, "{}", run.stderr);
        assert!(w[0].contains("full_postcodes.csv, line 2: Oxford team: postcode OX1 1AA"));
        assert!(w.iter().all(|l| l.contains("postcode district's centroid")));
        let teams = run.teams();
        let oxford = &teams["Oxford team"];
        assert_eq!(oxford["properties"]["base_precision"], "postcode_district");
        // The OX1 centroid from data/outcodes.csv.
        assert_eq!(
            oxford["geometry"]["coordinates"],
            serde_json::json!([-1.26232, 51.74694])
        );
        assert_eq!(run.covered(), vec!["E07000177", "E07000178", "E07000181"]);
    }

    /// Coordinates with a `base_precision` column (as covgap's own outputs and the built-in
    /// list have) keep the stated precision and the `base` text; a blank one is coordinates.
    #[test]
    fn latitude_longitude_with_a_stated_precision_keeps_it() {
        let run = run_oxon_teams("teams/latlon_with_stated_precision.csv");
        let teams = run.teams();
        let p = |name: &str| teams[name]["properties"].clone();
        assert_eq!(p("Oxford city team")["base_precision"], "postcode_district");
        assert_eq!(p("Oxford city team")["base"], "OX1");
        assert_eq!(p("Abingdon team")["base_precision"], "postcode");
        assert_eq!(p("Abingdon team")["base"], "OX14 3JJ");
        assert_eq!(p("Witney team")["base_precision"], "coordinates");
        assert_eq!(p("Witney team")["base"], "51.78435, -1.48553");
        // The coordinates are still where the team is placed.
        assert_eq!(
            teams["Oxford city team"]["geometry"]["coordinates"],
            serde_json::json!([-1.267367, 51.750231])
        );
        assert_eq!(run.covered(), vec!["E07000178", "E07000180", "E07000181"]);
    }

    /// A list in covgap's own form with the location columns blank: `base` alone places each
    /// team, as a postcode district, a postcode (here without a directory, so at its district
    /// with a warning), or "lat, lon".
    #[test]
    fn base_column_alone_places_the_team() {
        let run = run_oxon_teams("teams/base_column_only.csv");
        run.assert_stderr_has(&[
            "line 3: Abingdon team: postcode OX14 3JJ placed at its postcode district's centroid",
        ]);
        let teams = run.teams();
        let p = |name: &str| teams[name]["properties"].clone();
        assert_eq!(p("Oxford city team")["base"], "OX1");
        assert_eq!(p("Oxford city team")["host_area_code"], "E07000178");
        assert_eq!(
            teams["Oxford city team"]["geometry"]["coordinates"],
            serde_json::json!([-1.26232, 51.74694])
        );
        assert_eq!(p("Abingdon team")["base_precision"], "postcode_district");
        assert_eq!(p("Abingdon team")["covers"], "E07000179");
        assert_eq!(p("Witney team")["base_precision"], "coordinates");
        assert_eq!(p("Witney team")["covers"], "E07000181");
        // An easting and northing, as covgap writes them, read back.
        assert_eq!(p("Wantage team")["base"], "440000 E, 188000 N");
        assert_eq!(p("Wantage team")["covers"], "E07000180");
        assert_eq!(
            run.covered(),
            vec!["E07000178", "E07000179", "E07000180", "E07000181"]
        );
    }

    #[test]
    fn team_by_latitude_longitude_serves_the_area_holding_it() {
        let run = run_oxon_teams("teams/latlon_no_areas.csv");
        assert_eq!(run.covered(), vec!["E07000178", "E07000180"]);
        let teams = run.teams();
        let t = &teams["Oxford city team"]["properties"];
        assert_eq!(t["areas_served"], "");
        assert_eq!(t["covers"], "E07000178");
        assert_eq!(t["base_precision"], "coordinates");
        let areas = run.areas();
        assert_eq!(areas["E07000178"]["teams"], "Oxford city team");
        // Uncovered areas measure to a covered one.
        let w = &areas["E07000181"];
        assert_eq!(w["covered"], false);
        assert!(w["nearest_team_km"].as_f64().unwrap() > 0.0);
    }

    #[test]
    fn areas_served_by_districts_abolished_in_2023_count_for_the_district_that_replaced_them() {
        let run = run_ok(&["--teams", &fixture("teams/abolished_districts.csv")]);
        // Craven alone is part of North Yorkshire: counted for all of it, with a warning.
        let w = run.only_warning();
        assert!(w.ends_with("abolished_districts.csv, line 2: Dales team: area served Craven (E07000163) was abolished on 1 April 2023 and is now part of North Yorkshire (E06000065), with 6 other former districts: the team counts for the whole of North Yorkshire, as a team serving part of an area does; if it serves only Craven (E07000163), covgap counts more babies as covered (in the headline, or in a plan) than it reaches"), "{}", w);
        // The three that make up Westmorland and Furness, by code and by name: a note.
        run.assert_stderr_has(&["note: ", "abolished_districts.csv, line 3: Lakes team: areas served South Lakeland (E07000031), Eden (E07000030), Barrow-in-Furness (E07000027) were abolished on 1 April 2023 and together make up Westmorland and Furness (E06000064): the team counts for Westmorland and Furness"]);
        assert_eq!(run.covered(), vec!["E06000064", "E06000065"]);
        assert!(run.error_lines().is_empty(), "{}", run.stderr);
        // Scarborough beside North Yorkshire itself: the row already says what it covers.
        assert!(!run.stderr.contains("Coast team"), "{}", run.stderr);
    }

    /// A team not counted that serves an abolished district is not said to count for the
    /// district that replaced it, nor warned of as counting more babies than it reaches: it
    /// counts for none (it said "the team counts for the whole of North Yorkshire").
    #[test]
    fn a_team_not_counted_serving_an_abolished_district_is_not_said_to_count() {
        let teams = "name,areas_served,evidence\nDales team,Craven,candidate\nLeeds team,Leeds,service_confirmed\n";
        let o = crate::covgap_with_files(
            &[("t.csv", teams)],
            &["run", "--teams", "t.csv", "--out", "out"],
            Some("out"),
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
        o.assert_stderr_has(&["note: t.csv, line 2: Dales team: area served Craven (E07000163) was abolished on 1 April 2023 and is now part of North Yorkshire (E06000065), with 6 other former districts: the team is not counted (evidence \"candidate\"), but would count for the whole of North Yorkshire, as a team serving part of an area does\n"]);
        assert!(!o.stderr.contains("the team counts for"), "{}", o.stderr);
        assert!(
            !o.stderr
                .lines()
                .any(|l| l.starts_with("warning:") && l.contains("Dales team")),
            "{}",
            o.stderr
        );
    }

    fn squares_with(teams: &str) -> crate::Outcome {
        run_ok(&[
            "--boundaries",
            &fixture("boundaries/bng_squares_wrong_winding.geojson"),
            "--teams",
            &fixture(teams),
        ])
    }

    #[test]
    fn base_just_outside_in_a_district_the_boundaries_include_is_placed_in_the_nearest() {
        // 0.5 km east of the Oxford square, in real Oxford, whose code the square carries: the
        // boundaries are drawn differently, so the base is placed.
        let run = squares_with("teams/base_outside_the_squares_in_real_oxford.csv");
        let w = run.only_warning();
        assert!(w.contains("real_oxford.csv, line 2: Headington team: base 455500 E, 206000 N is 500 m outside the generalised boundaries; placed in the nearest area, Oxford (E07000178)"), "{}", w);
        assert_eq!(run.covered(), vec!["E07000178"]);
        // Measured from a point inside the other 10 km square to the shared edge.
        let km = run.areas()["E07000180"]["nearest_team_km"]
            .as_f64()
            .unwrap();
        assert!(km > 0.0 && km < 10.0, "{km}");
    }

    #[test]
    fn base_just_outside_across_a_land_border_covers_none_of_the_areas() {
        // 1 km outside the squares, in real South Oxfordshire, which the squares leave out:
        // not placed in the Oxford square (as it was before the built-in districts judged it).
        let run = squares_with("teams/base_1km_outside_in_south_oxfordshire.csv");
        let w = run.only_warning();
        assert!(w.contains("south_oxfordshire.csv, line 2: Near team: base 456000 E, 205000 N is 1.0 km outside the boundaries, across a land border in South Oxfordshire (E07000179) by the built-in boundaries, beyond the boundaries given; with no areas served given it covers none of these areas by district (a plan with --radius measures from its base)"), "{}", w);
        assert!(run.covered().is_empty());
        // Kept in the list (a plan with --radius reaches from its base), covering no area.
        assert_eq!(run.summary()["teams_counted"], 1);
        assert_eq!(run.summary()["areas_covered"], 0);

        // Serving the Vale, the same base counts for the Vale, with a note and no warning.
        let run = squares_with("teams/base_in_south_oxfordshire_serving_the_vale.csv");
        assert!(run.warning_lines().is_empty(), "{}", run.stderr);
        run.assert_stderr_has(&["note: ", "base 456000 E, 205000 N is 1.0 km outside the boundaries, across a land border in South Oxfordshire (E07000179) by the built-in boundaries, beyond the boundaries given; it counts for the areas it serves"]);
        assert_eq!(run.covered(), vec!["E07000180"]);
    }

    #[test]
    fn base_far_outside_on_land_counts_for_the_areas_it_serves_and_is_an_error_without() {
        // 6 km east of the squares, in real South Oxfordshire, serving the Vale: the areas
        // served say what it covers, as for the base 1 km out.
        // Further out than a base off a coast could be, the base may be a slip: a warning.
        let run = squares_with("teams/base_6km_outside_serving_the_vale.csv");
        let w = run.only_warning();
        assert!(w.ends_with("Far team: base 461000 E, 205000 N is 6.0 km outside the boundaries, across a land border in South Oxfordshire (E07000179) by the built-in boundaries, beyond the boundaries given; it counts for the areas it serves, but check the base: it is the place the map shows and a plan with --radius measures from"), "{}", w);
        assert_eq!(run.covered(), vec!["E07000180"]);
        // With no areas served, a base that far out is taken to be wrong.
        let r = crate::run(&[
            "--boundaries",
            &fixture("boundaries/bng_squares_wrong_winding.geojson"),
            "--teams",
            &fixture("teams/base_5km_outside.csv"),
        ]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        r.assert_stderr_has(&["Far team: base 460000 E, 205000 N (lat", "is outside every area, 5.0 km from the nearest (Oxford), in South Oxfordshire (E07000179) by the built-in boundaries, and the team lists no areas served; a base more than 2 km outside with nothing else to say what it covers is taken to be wrong (give the areas it serves, or check the coordinates)"]);
    }

    #[test]
    fn base_at_sea_just_off_the_coast_is_placed_in_the_nearest() {
        let run = run_ok(&["--teams", &fixture("teams/base_at_sea_off_brighton.csv")]);
        let w = run.only_warning();
        assert!(w.contains("Pier team: base 50.80600, -0.13700 is 1.1 km outside the generalised boundaries; placed in the nearest area, Brighton and Hove (E06000043)"), "{}", w);
        assert_eq!(run.covered(), vec!["E06000043"]);
        // 4.4 km out to sea, the coordinates are wrong, whatever areas the row serves.
        let list = fixture("teams/base_4km_out_to_sea_serving_brighton.csv");
        let r = crate::run(&["--teams", &list]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        r.assert_stderr_has(&[&format!("error: {list}, line 2: Sea team: base 50.77500, -0.13700 (lat 50.77500, lon -0.13700) is outside every area, 4.4 km from the nearest (Brighton and Hove), at sea by the built-in boundaries; a base more than 2 km out to sea is taken to be wrong (check the coordinates)")]);
    }

    #[test]
    fn a_base_across_a_land_border_is_checked_against_the_nation_it_lies_in() {
        let run = squares_with("teams/base_across_the_border_in_another_nation_than_stated.csv");
        let w = run.only_warning();
        assert!(w.ends_with("Near team: the list says Wales, but base 456000 E, 205000 N is in South Oxfordshire (E07000179, England)"), "{}", w);
        assert_eq!(run.covered(), vec!["E07000180"]);
    }

    #[test]
    fn a_row_refused_for_its_areas_says_nothing_of_its_base() {
        let list = fixture("teams/unknown_area_and_base_across_the_border.csv");
        let r = crate::run(&[
            "--boundaries",
            &fixture("boundaries/bng_squares_wrong_winding.geojson"),
            "--teams",
            &list,
        ]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        let about: Vec<&str> = r
            .stderr
            .lines()
            .filter(|l| l.contains("Near team"))
            .collect();
        assert_eq!(about.len(), 1, "{}", r.stderr);
        assert!(
            about[0]
                .contains("area \"Vale of Whte Horse\" is not a code or name in the boundaries"),
            "{}",
            about[0]
        );
    }

    #[test]
    fn list_without_evidence_column_counts_every_team() {
        let run = run_ok(&["--boundaries", &oxon_wgs84(), "--teams", &oxon_teams()]);
        let s = run.summary();
        assert_eq!(s["teams_counted"], 3);
        assert_eq!(s["teams_in_list"], 3);
        // One pair of brackets: it read "(every team in the list (it has no evidence column))".
        assert!(run.text("summary.md").contains(
            "- Teams counted: 3 of the 3 in the list (every team in the list, which has no evidence column)."
        ));
        assert_eq!(run.covered(), vec!["E07000177", "E07000178", "E07000181"]);
        // A name ("Oxford") works as well as a code.
        assert_eq!(run.areas()["E07000178"]["teams"], "City team");
    }

    #[test]
    fn evidence_flag_on_a_list_without_evidence_is_warned_and_every_team_counts() {
        let run = run_ok(&[
            "--boundaries",
            &oxon_wgs84(),
            "--teams",
            &oxon_teams(),
            "--evidence",
            "pif_named",
        ]);
        run.assert_stderr_has(&["--evidence was given but the team list has no evidence column"]);
        assert_eq!(run.summary()["teams_counted"], 3);
    }

    #[test]
    fn evidence_column_default_and_chosen_levels() {
        let list = fixture("teams/with_evidence_column.csv");
        let default = run_ok(&["--boundaries", &oxon_wgs84(), "--teams", &list]);
        assert_eq!(default.covered(), vec!["E07000177", "E07000178"]);
        assert_eq!(default.summary()["teams_counted"], 2);
        let chosen = run_ok(&[
            "--boundaries",
            &oxon_wgs84(),
            "--teams",
            &list,
            "--evidence",
            "candidate,closed",
        ]);
        assert_eq!(chosen.covered(), vec!["E07000179", "E07000181"]);
    }

    #[test]
    fn evidence_written_differently_still_counts_and_an_unknown_level_is_named() {
        // "Pif Named" and "Service-Confirmed" were not counted, and "confirmed" left South
        // team out, all without a word.
        let list = fixture("teams/evidence_written_differently.csv");
        let run = run_ok(&["--boundaries", &oxon_wgs84(), "--teams", &list]);
        assert_eq!(run.covered(), vec!["E07000177", "E07000178"]);
        run.assert_stderr_has(&[&format!(
            "warning: {list}: evidence level \"confirmed\" is not one covgap knows (pif_named, service_confirmed, candidate, unresolved, closed) nor one asked for with --evidence, so 1 team with it is not counted: line 5 (South team); if it should count, add the level to --evidence"
        )]);
        // "closed" is a level covgap knows: not counted, and not warned of.
        assert!(
            !run.stderr.contains("\"closed\" is not one"),
            "{}",
            run.stderr
        );
        // Asked for in another spelling, it counts.
        let asked = run_ok(&[
            "--boundaries",
            &oxon_wgs84(),
            "--teams",
            &list,
            "--evidence",
            "Pif-Named,CONFIRMED",
        ]);
        assert_eq!(asked.covered(), vec!["E07000177", "E07000179"]);
        assert!(
            !asked.stderr.contains("is not one covgap knows"),
            "{}",
            asked.stderr
        );
    }

    #[test]
    fn a_base_in_another_nation_than_the_list_says_is_warned() {
        // Belfast's Irish Grid figures read as British National Grid put the team in
        // Cheshire, without a word. With no grid stated they are still read so, and the
        // warning says how to state it.
        let list = fixture("teams/irish_grid_easting_northing.csv");
        let c = crate::check(&["--teams", &list]);
        assert_eq!(c.code, 0, "{}", c.stderr);
        c.assert_stderr_has(&[&format!(
            "warning: {list}, line 2: Belfast team: the list says Northern Ireland, but base 333800 E, 374000 N is in Cheshire West and Chester (E06000050, England): are the easting and northing on the Irish Grid? covgap reads them as British National Grid when the list does not say; give their grid in a \"crs\" column (29903 for the Irish Grid, 2157 for ITM), or latitude and longitude instead"
        )]);
        assert!(!c.stderr.contains("Oxford team:"), "{}", c.stderr);
    }

    #[test]
    fn a_comma_in_a_last_column_covgap_does_not_read_moves_nothing() {
        // "seen 2024, confirmed by phone" in a notes column: the team was refused.
        let list = fixture("teams/comma_in_a_last_notes_column.csv");
        let run = run_ok(&["--boundaries", &oxon_wgs84(), "--teams", &list]);
        assert_eq!(run.covered(), vec!["E07000178"]);
    }

    #[test]
    fn a_comma_before_a_last_column_covgap_does_not_read_is_named_where_it_shows() {
        // The name's comma moves "with partners" into the areas and the code into the
        // evidence: both problems say the row is longer than the header.
        let list = fixture("teams/unquoted_comma_in_name_before_notes.csv");
        let r = crate::run(&["--boundaries", &oxon_wgs84(), "--teams", &list]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        r.assert_stderr_has(&[
            &format!("error: {list}, line 2: Cherwell council: area \"with partners\" is not a code or name in the boundaries; did you mean"),
            "? (the row has 5 fields, more than the header's 4: a comma not in quotes, in a name or an organisation say, may have moved this column's text along; put such text in quotes)",
            "so 1 team with it is not counted: line 2 (Cherwell council; 5 fields, more than the header's 4: a comma not in quotes before the evidence column may have moved it along)",
        ]);
        // The second row's comma is in its notes: nothing said about it.
        assert!(!r.stderr.contains("line 3"), "{}", r.stderr);
    }

    #[test]
    fn every_team_column_can_be_named_with_a_flag() {
        let list = fixture("teams/custom_columns.csv");
        let run = run_ok(&[
            "--boundaries",
            &oxon_wgs84(),
            "--teams",
            &list,
            "--postcodes",
            &fixture("postcodes/onspd_small.csv"),
            "--team-name-column",
            "Service title",
            "--team-areas-column",
            "LA list",
            "--team-lat-column",
            "Y coord",
            "--team-lon-column",
            "X coord",
            "--team-easting-column",
            "Grid E",
            "--team-northing-column",
            "Grid N",
            "--team-postcode-column",
            "Post code full",
            "--team-district-column",
            "District",
            "--team-evidence-column",
            "Status",
            "--evidence",
            "live",
        ]);
        let areas = run.areas();
        for (code, team) in [
            ("E07000177", "Postcode team"),
            ("E07000178", "Degrees team"),
            ("E07000179", "District team"),
            ("E07000180", "Grid team"),
            ("E07000181", "Listed team"),
        ] {
            assert_eq!(areas[code]["teams"], team, "{code}");
        }
        let teams = run.teams();
        assert_eq!(
            teams["Postcode team"]["properties"]["base_precision"],
            "postcode"
        );
        assert_eq!(
            teams["Grid team"]["properties"]["base_precision"],
            "coordinates"
        );
        assert_eq!(
            teams["District team"]["properties"]["base_precision"],
            "postcode_district"
        );
        assert_eq!(run.summary()["teams_counted"], 5);
        assert_eq!(run.summary()["teams_in_list"], 6);
        // Without the flags the list cannot be read.
        let plain = crate::run(&["--boundaries", &oxon_wgs84(), "--teams", &list]);
        assert_eq!(plain.code, 1);
        plain.assert_stderr_has(&[&list, "has no team name column", "--team-name-column"]);
    }
}

/// A `counted` column, as covgap's team outputs write it (exported from `teams.geojson` or the
/// GeoPackage to edit in Excel), is not read: a team is counted by its evidence level. A row
/// whose `counted` says otherwise is warned of, since the user who set it to False to close a
/// team saw it counted still, without a word.
#[test]
fn a_counted_column_that_disagrees_with_the_evidence_is_warned_of() {
    let p = fixture("teams/counted_column_edited.csv");
    let args = ["--boundaries", &oxon_wgs84(), "--teams", &p];
    let r = run_ok(&args);
    r.assert_stderr_has(&[
        &format!("warning: {p}, line 2: City team: its \"counted\" column says False, but the team is counted, by its evidence level \"pif_named\" (counted: pif_named, service_confirmed); covgap reads no \"counted\" column (its own outputs write one): to leave the team out, change its evidence level (to \"closed\", say)"),
        &format!("warning: {p}, line 3: North team: its \"counted\" column says TRUE, but the team is not counted, by its evidence level \"closed\" (counted: pif_named, service_confirmed); covgap reads no \"counted\" column (its own outputs write one): to count it, give it a level that counts, or add its level to --evidence"),
    ]);
    assert!(!r.stderr.contains("Vale team: its"), "{}", r.stderr);
    let c = check(&args);
    assert_eq!(c.code, 0, "{}", c.stderr);
    c.assert_stderr_has(&["0 errors, 2 warnings"]);
}

/// A `covers` column, as covgap's team outputs write it, is not read either: a team covers
/// its areas served or, naming none, the area holding its base. A row whose `covers` says
/// otherwise is warned of, since the user who added a district there saw the team cover
/// what it did before, without a word. A blank cell (a row added to an exported list) says
/// nothing; a few rows are each warned of, more in one warning (a list exported from a run on
/// other boundaries has every row differ).
#[test]
fn a_covers_column_that_disagrees_with_what_a_team_covers_is_warned_of() {
    let list = "name,evidence,areas_served,latitude,longitude,covers\n\
                City team,pif_named,E07000178,,,E07000178;E07000177\n\
                North team,service_confirmed,E07000177,,,E07000177\n\
                Vale team,closed,,51.6,-1.4,\n\
                Witney team,pif_named,,51.78,-1.49,E07000181\n";
    let args = [
        "run",
        "--boundaries",
        &oxon_wgs84(),
        "--teams",
        "t.csv",
        "--out",
        "out",
    ];
    let r = crate::covgap_with_files(&[("t.csv", list)], &args, Some("out"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.only_warning(),
        "warning: t.csv, line 2: City team: its \"covers\" column says E07000178;E07000177, but the team covers E07000178, by its areas served; covgap reads no \"covers\" column (its own outputs write one): to change what the team covers, edit its areas served, or, naming none, its base"
    );
    // Every row of a list from a run on other boundaries differs: one warning for them all.
    let many: String = std::iter::once("name,areas_served,covers\n".to_string())
        .chain((1..=12).map(|i| format!("Team {i},E07000178,E54000044\n")))
        .collect();
    let c = crate::covgap_with_files(
        &[("t.csv", &many)],
        &["check", "--boundaries", &oxon_wgs84(), "--teams", "t.csv"],
        None,
    );
    assert_eq!(
        c.only_warning(),
        "warning: t.csv: 12 teams' \"covers\" column says other than what they cover: line 2 (Team 1), line 3 (Team 2), line 4 (Team 3), line 5 (Team 4), line 6 (Team 5), line 7 (Team 6), line 8 (Team 7), line 9 (Team 8), line 10 (Team 9), line 11 (Team 10) and 2 more; covgap reads no \"covers\" column (its own outputs write one): a team covers its areas served, or, naming none, the area holding its base; to change what a team covers, edit those"
    );
}

mod run_and_check {
    use super::*;

    #[test]
    fn check_on_good_input_passes_and_writes_nothing() {
        let c = crate::check(&["--boundaries", &oxon_wgs84(), "--teams", &oxon_teams()]);
        assert_eq!(c.code, 0, "{}", c.stderr);
        c.assert_stderr_has(&["covgap check: 5 areas, 3 teams (3 counted); 0 errors, 0 warnings"]);
        assert!(c.cwd_entries.is_empty(), "{:?}", c.cwd_entries);
    }

    #[test]
    fn check_on_the_built_in_data_passes() {
        let c = crate::check(&[]);
        assert_eq!(c.code, 0, "{}", c.stderr);
        c.assert_stderr_has(&["covgap check: 361 areas"]);
        assert!(c.cwd_entries.is_empty(), "{:?}", c.cwd_entries);
    }

    #[test]
    fn check_reports_warnings_but_passes() {
        let c = crate::check(&[
            "--boundaries",
            &oxon_wgs84(),
            "--teams",
            &oxon_teams(),
            "--births",
            &fixture("births/suppressed_values.csv"),
        ]);
        assert_eq!(c.code, 0, "{}", c.stderr);
        assert_eq!(c.warning_lines().len(), 4, "{}", c.stderr);
        c.assert_stderr_has(&["0 errors, 4 warnings"]);
    }

    #[test]
    fn quiet_run_prints_only_errors() {
        let run = run_ok(&[
            "--quiet",
            "--boundaries",
            &oxon_wgs84(),
            "--teams",
            &oxon_teams(),
            "--births",
            &fixture("births/suppressed_values.csv"),
        ]);
        assert_eq!(run.stderr, "");
        assert_eq!(run.files.as_ref().unwrap().len(), crate::OUTPUTS.len());
        let bad = crate::run(&[
            "-q",
            "--boundaries",
            &oxon_wgs84(),
            "--births",
            &fixture("births/not_a_number.csv"),
        ]);
        assert_eq!(bad.code, 1);
        assert!(
            bad.stderr
                .lines()
                .all(|l| l.starts_with("error:") || l.starts_with("covgap:")),
            "{}",
            bad.stderr
        );
        assert!(!bad.stderr.contains("warning:"));
    }

    #[test]
    fn quiet_check_lists_only_errors_and_still_counts_the_warnings() {
        let args = [
            "-q",
            "--boundaries",
            &oxon_wgs84(),
            "--teams",
            &oxon_teams(),
            "--births",
            &fixture("births/suppressed_values.csv"),
            "--points",
            &fixture("points/bad_rows.csv"),
        ];
        let c = crate::check(&args);
        assert_eq!(c.code, 0, "{}", c.stderr);
        // Four suppressed figures and nine rows of points (five not located, four outside
        // Oxfordshire), none of them listed, nor the note on the coordinate system.
        assert!(c.warning_lines().is_empty(), "{}", c.stderr);
        assert!(!c.stderr.contains("note:"), "{}", c.stderr);
        c.assert_stderr_has(&["0 errors, 13 warnings, not listed with -q\n"]);
        let loud = crate::check(&args[1..]);
        assert_eq!(loud.warning_lines().len(), 13, "{}", loud.stderr);
        loud.assert_stderr_has(&["0 errors, 13 warnings\n"]);
        // Errors are still listed.
        let bad = crate::check(&[
            "-q",
            "--boundaries",
            &oxon_wgs84(),
            "--births",
            &fixture("births/not_a_number.csv"),
        ]);
        assert_eq!(bad.code, 1);
        assert_eq!(bad.error_lines().len(), 2, "{}", bad.stderr);
        assert!(bad.warning_lines().is_empty(), "{}", bad.stderr);
    }

    #[test]
    fn areas_with_suppressed_figures_rank_last_among_gaps() {
        let run = run_ok(&[
            "--boundaries",
            &oxon_wgs84(),
            "--teams",
            &fixture("teams/oxford_only.csv"),
            "--births",
            &fixture("births/suppressed_values.csv"),
        ]);
        let areas = run.areas();
        // West Oxfordshire has the only figure; the suppressed gaps follow by code.
        assert_eq!(areas["E07000181"]["gap_rank"], 1);
        assert_eq!(areas["E07000177"]["gap_rank"], 2);
        assert_eq!(areas["E07000179"]["gap_rank"], 3);
        assert_eq!(areas["E07000180"]["gap_rank"], 4);
        let gaps = run.text("gaps.csv");
        assert!(
            gaps.contains("\r\n2,E07000177,Cherwell,England,South East,,"),
            "{gaps}"
        );
        assert!(run
            .text("summary.md")
            .contains("| Cherwell | E07000177 | England | n/a |"));
    }

    #[test]
    fn out_path_that_is_a_file_is_an_error_and_the_file_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("out"), "a file").unwrap();
        let o = crate::covgap_in(
            dir.path(),
            &[
                "run",
                "--boundaries",
                &oxon_wgs84(),
                "--teams",
                &oxon_teams(),
                "--out",
                "out",
            ],
            None,
        );
        assert_eq!(o.code, 1, "{}", o.stderr);
        o.assert_stderr_has(&["out: cannot write output"]);
        assert_eq!(std::fs::read(dir.path().join("out")).unwrap(), b"a file");
        assert_eq!(o.cwd_entries, ["out"]);
    }
}

/// Warnings about one area or one team read in the singular, on the terminal and in run.json's
/// `problems`, which briefings quote: "no figure for 1 area in the boundaries: ...; it is left
/// out of totals", "so 1 team with it is not counted: ...; if it should count", not "1 area(s)"
/// or "1 team(s)".
#[test]
fn warnings_about_one_area_or_one_team_are_in_the_singular() {
    let dir = tempfile::tempdir().unwrap();
    let births = dir.path().join("births.csv");
    let teams = dir.path().join("teams.csv");
    let rows: String = OXON_BIRTHS[..4]
        .iter()
        .map(|(code, n)| format!("{code},{n}\n"))
        .collect();
    std::fs::write(&births, format!("code,births\n{rows}")).unwrap();
    std::fs::write(
        &teams,
        "name,areas_served,evidence\nCity team,E07000178,pif_named\nSouth team,E07000179,confirmed\n",
    )
    .unwrap();
    let (births, teams) = (births.display().to_string(), teams.display().to_string());
    let run = run_ok(&[
        "--boundaries",
        &fixture("boundaries/oxfordshire_wgs84.geojson"),
        "--births",
        &births,
        "--teams",
        &teams,
    ]);
    let missing = format!(
        "{births}: no figure for 1 area in the boundaries: {}; it is left out of totals\n",
        OXON_BIRTHS[4].0
    );
    let uncounted = format!("{teams}: evidence level \"confirmed\" is not one covgap knows (pif_named, service_confirmed, candidate, unresolved, closed) nor one asked for with --evidence, so 1 team with it is not counted: line 3 (South team); if it should count, add the level to --evidence\n");
    run.assert_stderr_has(&[&missing, &uncounted]);
    let problems: Vec<String> = run.json("run.json")["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["message"].as_str().unwrap().to_string())
        .collect();
    for said in [&missing, &uncounted] {
        let message = said.split_once(": ").unwrap().1.trim_end();
        assert!(
            problems.iter().any(|p| p.contains(message)),
            "{message:?} not in {problems:?}"
        );
    }
}

/// Codes of ONS's form typed or exported in lower case (`e07000178`) are read as ONS writes
/// them: the same gaps and rollups as the file in upper case, with a note naming them. They
/// matched no built-in figure or team and named no nation ("Unknown").
#[test]
fn boundary_codes_in_lower_case_are_read_in_upper_case() {
    let lower = fixture("boundaries/oxfordshire_codes_in_lower_case.geojson");
    let run = run_ok(&["--boundaries", &lower]);
    let upper = run_ok(&[
        "--boundaries",
        &fixture("boundaries/oxfordshire_wgs84.geojson"),
    ]);
    for name in ["gaps.csv", "rollups.csv"] {
        assert!(run.bytes(name) == upper.bytes(name), "{name} differs");
    }
    assert!(
        run.stderr.contains(&format!(
            "note: {lower}: 2 area codes in lower case (e07000178, e07000179) are read in upper case, as ONS writes them\n"
        )),
        "{}",
        run.stderr
    );
}
