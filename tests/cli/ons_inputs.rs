//! Inputs as ONS ships them: boundaries as an ESRI Shapefile (loose or zipped) or a GeoPackage
//! layer, and births straight from an Excel workbook with title rows above the header.

use std::path::Path;

use rust_xlsxwriter::Workbook;

use crate::{covgap, csv_into_sheet, fixture_path};

const SHP: &str = "shapefile_bng/LAD_MAY_2024_UK_BUC.shp";
/// The eight districts in the Shapefile and GeoPackage fixtures.
const CODES: [&str; 8] = [
    "E07000177",
    "E07000178",
    "E07000179",
    "E07000180",
    "E07000181",
    "S12000036",
    "W06000001",
    "W06000015",
];

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap()
}

fn areas(dir: &Path) -> Vec<(String, String, bool)> {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("areas.geojson")).unwrap()).unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["code"].as_str().unwrap().to_string(),
                p["name"].as_str().unwrap().to_string(),
                p["covered"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn run_boundaries(boundaries: &Path, extra: &[&str], out: &Path) -> assert_cmd::assert::Assert {
    covgap()
        .args(["run", "--quiet", "--boundaries"])
        .arg(boundaries)
        .arg("--teams")
        .arg(fixture_path("teams_districts.csv"))
        .args(extra)
        .arg("--out")
        .arg(out)
        .assert()
}

/// Checks a run over the eight fixture districts: codes, names (with the dbf's UTF-8), coverage.
fn check_districts(out: &Path) {
    let a = areas(out);
    let codes: Vec<&str> = a.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(codes, CODES);
    assert!(a.iter().any(|x| x.1 == "Isle of Anglesey"));
    let covered: Vec<&str> = a.iter().filter(|x| x.2).map(|x| x.0.as_str()).collect();
    assert_eq!(covered, ["E07000177", "E07000178", "W06000015"]);
}

#[test]
fn shapefile_with_prj_is_read_on_british_national_grid() {
    let out = tempfile::tempdir().unwrap();
    run_boundaries(&fixture_path(SHP), &[], out.path()).success();
    check_districts(out.path());
    let run = crate::run_json(out.path());
    let crs = run["boundaries"]["coordinate_system"].as_str().unwrap();
    assert!(crs.contains(".prj") && crs.contains("EPSG:27700"), "{crs}");
    // The shapes are found through the .shx, the codes and names come from the .dbf in the
    // encoding the .cpg names, and the coordinate system from the .prj, so run.json
    // fingerprints each of them beside the .shp.
    let roles: Vec<&str> = run["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["role"].as_str().unwrap())
        .take_while(|r| r.starts_with("boundaries"))
        .collect();
    assert_eq!(
        roles,
        [
            "boundaries",
            "boundaries_shx",
            "boundaries_dbf",
            "boundaries_cpg",
            "boundaries_prj"
        ]
    );
    for (role, ext) in [
        ("boundaries", "shp"),
        ("boundaries_shx", "shx"),
        ("boundaries_dbf", "dbf"),
        ("boundaries_cpg", "cpg"),
        ("boundaries_prj", "prj"),
    ] {
        let file = fixture_path(SHP).with_extension(ext);
        let input = crate::run_json_input(&run, role);
        assert_eq!(input["path"], file.display().to_string());
        assert_eq!(
            input["sha256"],
            covgap::write::run::fingerprint_bytes(&std::fs::read(&file).unwrap()).1
        );
    }
}

#[test]
fn zipped_shapefile_as_ons_publishes_it() {
    let out = tempfile::tempdir().unwrap();
    run_boundaries(&fixture_path("shapefile_bng.zip"), &[], out.path()).success();
    check_districts(out.path());
    // The record names the .prj in the zip, not a name it was unpacked under.
    let run = crate::run_json(out.path());
    let crs = run["boundaries"]["coordinate_system"].as_str().unwrap();
    assert!(
        crs.contains("read from LAD_MAY_2024_UK_BUC.prj") && crs.contains("EPSG:27700"),
        "{crs}"
    );
}

#[test]
fn zip_with_two_shapefiles_is_chosen_with_layer() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("two.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    for name in ["lad_a", "lad_b"] {
        for ext in ["shp", "shx", "dbf", "prj"] {
            z.start_file(
                format!("data/{name}.{ext}"),
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            std::io::Write::write_all(
                &mut z,
                &std::fs::read(fixture_path(SHP).with_extension(ext)).unwrap(),
            )
            .unwrap();
        }
    }
    z.finish().unwrap();
    let out = tempfile::tempdir().unwrap();
    run_boundaries(&zip_path, &[], out.path())
        .failure()
        .stderr(predicates::str::contains(
            "holds 2 Shapefiles (lad_a, lad_b); name one with --layer",
        ));
    run_boundaries(&zip_path, &["--layer", "lad_b"], out.path()).success();
    check_districts(out.path());
}

#[test]
fn shapefile_in_an_unknown_coordinate_system_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for ext in ["shp", "shx", "dbf", "cpg"] {
        std::fs::copy(
            fixture_path(SHP).with_extension(ext),
            dir.path().join(format!("irish.{ext}")),
        )
        .unwrap();
    }
    // IRENET95's UTM zone 29N (EPSG:2158), as GDAL writes its .prj, which covgap does not
    // read.
    std::fs::write(
        dir.path().join("irish.prj"),
        r#"PROJCS["IRENET95_UTM_zone_29N",GEOGCS["GCS_IRENET95",DATUM["D_IRENET95",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",-9.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    run_boundaries(&dir.path().join("irish.shp"), &[], out.path())
        .failure()
        .stderr(predicates::str::contains("irish.prj"))
        .stderr(predicates::str::contains("IRENET95_UTM_zone_29N"))
        .stderr(predicates::str::contains(
            "or the Irish Transverse Mercator (EPSG:2157): reproject it",
        ));
    assert!(!out.path().join("areas.geojson").exists());

    // TM75's (EPSG:29903), which covgap reads, over British National Grid numbers: on the
    // Irish Grid only 19% would lie on Northern Ireland's land, on British National Grid all on
    // land. The declaration stands (a coastal area may lie half at sea), with a warning giving
    // both, naming the .prj.
    std::fs::write(
        dir.path().join("irish.prj"),
        r#"PROJCS["TM75_Irish_Grid",GEOGCS["GCS_TM75",DATUM["D_TM75",SPHEROID["Airy_Modified",6377340.189,299.3249646]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],UNIT["Meter",1.0]]"#,
    )
    .unwrap();
    covgap()
        .args(["check", "--boundaries"])
        .arg(dir.path().join("irish.shp"))
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "says its coordinates are on the Irish Grid (read from irish.prj: the Irish Grid (EPSG:29903)), and read as the Irish Grid only 19% of the areas lies on Northern Ireland's land",
        ))
        .stderr(predicates::str::contains(
            "check the declaration (read as British National Grid, 100% would lie on the UK's land)",
        ));

    // With no .prj at all the system is told from the extent, and the run says so.
    std::fs::remove_file(dir.path().join("irish.prj")).unwrap();
    run_boundaries(&dir.path().join("irish.shp"), &[], out.path()).success();
    let run = crate::run_json(out.path());
    let crs = run["boundaries"]["coordinate_system"].as_str().unwrap();
    assert!(
        crs.starts_with("no .prj file") && crs.contains("27700"),
        "{crs}"
    );
}

/// A Shapefile's names are read in the encoding its `.cpg` names, else its `.dbf`'s code page
/// mark, else UTF-8 when they are valid UTF-8 and Windows-1252 when not. The fixtures hold
/// ONS's Welsh name for Anglesey, whose "ô" is one byte in Windows-1252 and two in UTF-8.
/// Before this rule every `.dbf` was read as UTF-8, and the Windows-1252 files gave
/// "Ynys M\u{fffd}n", which no team list's "Ynys Môn" matched.
#[test]
fn shapefile_names_are_read_in_the_encoding_it_states() {
    for name in [
        "cp1252_cpg",
        "cp1252_mark_ansi",
        "cp1252_mark_1252",
        "cp1252_no_mark",
        "utf8_no_mark",
        "cp1252_cpg_latin1",
        "cp850_mark_dos",
    ] {
        let out = tempfile::tempdir().unwrap();
        // A team that names its area in Welsh, as a Welsh health board's list might.
        let teams = out.path().join("teams.csv");
        std::fs::write(&teams, "name,areas_served\nTîm Môn,Ynys Môn\n").unwrap();
        let shp = fixture_path(&format!("shapefile_encodings/{name}.shp"));
        covgap()
            .args(["run", "-q", "--name-field", "LAD24NMW", "--boundaries"])
            .arg(&shp)
            .arg("--teams")
            .arg(&teams)
            .arg("--out")
            .arg(out.path().join("out"))
            .assert()
            .success();
        let a = areas(&out.path().join("out"));
        let names: Vec<(&str, bool)> = a.iter().map(|a| (a.1.as_str(), a.2)).collect();
        assert_eq!(names, [("Ynys Môn", true), ("Caerdydd", false)], "{name}");
    }
}

/// A `.cpg` that names the wrong encoding (UTF-8, on Windows-1252 text) leaves a letter that
/// cannot be read: the run goes on, but warns, naming the feature, since a team list naming
/// the area will not match it.
#[test]
fn shapefile_whose_cpg_names_the_wrong_encoding_is_warned_of() {
    let shp = fixture_path("shapefile_encodings/cp1252_cpg_says_utf8.shp");
    let out = covgap()
        .args(["check", "--name-field", "LAD24NMW", "--boundaries"])
        .arg(&shp)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "warning: {}, feature 1: W06000001 (Ynys M\u{fffd}n): has letters that could not be read (shown as \u{fffd}); the file's text is not in the encoding it states (for a Shapefile, the encoding its .cpg names)",
            shp.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("0 errors, 1 warning"), "{stderr}");
}

/// A `.cpg` naming an encoding covgap does not know stops the run, naming the `.cpg`, rather
/// than reading the names wrongly.
#[test]
fn shapefile_with_an_unknown_cpg_is_refused() {
    let out = tempfile::tempdir().unwrap();
    let shp = fixture_path("shapefile_encodings/unknown_cpg.shp");
    run_boundaries(&shp, &[], out.path())
        .failure()
        .stderr(predicates::str::contains(format!(
            "{}: names the encoding \"KLINGON\", which covgap does not know",
            shp.with_extension("cpg").display()
        )));
    assert!(!out.path().join("areas.geojson").exists());
}

#[test]
fn geopackage_layer_is_chosen_with_layer() {
    let gpkg = fixture_path("geopackage_two_layers.gpkg");
    let out = tempfile::tempdir().unwrap();
    run_boundaries(&gpkg, &[], out.path())
        .failure()
        .stderr(predicates::str::contains(
            "has 2 feature layers (districts_bng, oxfordshire_wgs84); name one with --layer",
        ));
    run_boundaries(&gpkg, &["--layer", "districts_bng"], out.path()).success();
    check_districts(out.path());
    run_boundaries(&gpkg, &["--layer", "nope"], out.path())
        .failure()
        .stderr(predicates::str::contains("has no layer \"nope\""));
    // A problem in the layer chosen names it, as the file holds two.
    run_boundaries(
        &gpkg,
        &["--layer", "districts_bng", "--code-field", "nope"],
        out.path(),
    )
    .failure()
    .stderr(predicates::str::contains(format!(
        "{}: layer \"districts_bng\": --code-field \"nope\" is not a property of the first feature",
        gpkg.display()
    )));
    // --layer means nothing for GeoJSON: refused rather than ignored.
    covgap()
        .args(["check", "--layer", "x"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("--layer"));
}

/// An ONS-style workbook: cover and notes sheets, then a table under three title rows.
fn ons_workbook(path: &Path) {
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet().set_name("Cover").unwrap();
    cover
        .write_string(0, 0, "Births in England and Wales: 2023")
        .unwrap();
    let notes = wb.add_worksheet().set_name("Notes").unwrap();
    notes.write_string(0, 0, "Note number").unwrap();
    notes.write_string(0, 1, "Note text").unwrap();
    let t = wb.add_worksheet().set_name("Table 1").unwrap();
    t.write_string(
        0,
        0,
        "Table 1: Live births by area of usual residence, 2023",
    )
    .unwrap();
    t.write_string(1, 0, "This worksheet contains one table.")
        .unwrap();
    t.write_string(2, 0, "Source: Office for National Statistics")
        .unwrap();
    for (c, h) in ["Area code", "Area name", "Number of live births [note 1]"]
        .iter()
        .enumerate()
    {
        t.write_string(4, c as u16, *h).unwrap();
    }
    let rows: [(&str, &str, Option<f64>); 9] = [
        ("K04000001", "England and Wales", Some(591_072.0)),
        ("E07000177", "Cherwell", Some(1_563.0)),
        ("E07000178", "Oxford", Some(1_402.0)),
        ("E07000179", "South Oxfordshire", Some(1_355.0)),
        ("E07000180", "Vale of White Horse", Some(1_401.0)),
        ("E07000181", "West Oxfordshire", Some(1_010.0)),
        ("W06000001", "Isle of Anglesey", None),
        ("W06000015", "Cardiff", Some(3_540.0)),
        ("S12000036", "City of Edinburgh", Some(4_321.0)),
    ];
    for (i, (code, name, v)) in rows.iter().enumerate() {
        let r = 5 + i as u32;
        t.write_string(r, 0, *code).unwrap();
        t.write_string(r, 1, *name).unwrap();
        match v {
            Some(v) => t.write_number(r, 2, *v).unwrap(),
            None => t.write_string(r, 2, "[x]").unwrap(),
        };
    }
    wb.save(path).unwrap();
}

#[test]
fn births_straight_from_an_ons_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("births2023.xlsx");
    ons_workbook(&xlsx);
    let out = tempfile::tempdir().unwrap();
    let sheet = ["--births", xlsx.to_str().unwrap(), "--sheet", "Table 1"];
    let period = ["--period", "calendar year 2023"];
    let args: Vec<&str> = sheet.iter().chain(&period).copied().collect();
    run_boundaries(&fixture_path(SHP), &args, out.path()).success();
    let s = summary(out.path());
    assert_eq!(
        s["demand_total"],
        1_563 + 1_402 + 1_355 + 1_401 + 1_010 + 3_540 + 4_321
    );
    assert_eq!(s["demand_covered"], 1_563 + 1_402 + 3_540);
    assert_eq!(s["period"], "calendar year 2023");
    let run = crate::run_json(out.path());
    assert_eq!(run["options"]["sheet"], "Table 1");
    let source = run["figures"]["source"].as_str().unwrap();
    assert!(
        source.ends_with("births2023.xlsx, sheet \"Table 1\""),
        "{source}"
    );

    // Without --sheet, the first sheet with a header row is found and named in a note.
    covgap()
        .args(["check", "--boundaries"])
        .arg(fixture_path(SHP))
        .arg("--teams")
        .arg(fixture_path("teams_districts.csv"))
        .arg("--births")
        .arg(&xlsx)
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "figures read from sheet \"Table 1\"",
        ))
        // A row's problem names the sheet and the row as Excel numbers it, where it gave
        // "line 12" with no sheet.
        .stderr(predicates::str::contains(format!(
            "warning: {}, sheet \"Table 1\", row 12: W06000001: figure is suppressed",
            xlsx.display()
        )));

    // A sheet that is not there is named with the sheets that are.
    covgap()
        .args(["check", "--boundaries"])
        .arg(fixture_path(SHP))
        .arg("--births")
        .arg(&xlsx)
        .args(["--sheet", "Table 2"])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "has no sheet \"Table 2\"; its sheets are \"Cover\", \"Notes\", \"Table 1\"",
        ));

    // --sheet on a CSV, or with no --births, is refused rather than ignored.
    let csv = dir.path().join("births.csv");
    std::fs::write(&csv, "code,births\nE07000178,1402\n").unwrap();
    covgap()
        .args(["check", "--births"])
        .arg(&csv)
        .args(["--sheet", "Table 1"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("not a workbook"));
    // --sheet without --births is a usage error (exit 2), before anything is read.
    covgap()
        .args(["check", "--sheet", "Table 1"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "the following required arguments were not provided:\n  --births <FILE>",
        ));
}

/// Two sheets that both hold a table of figures: without --sheet the first is read, with it
/// the one named, so the flag changes the figures and not only the report.
#[test]
fn sheet_chooses_between_two_tables_of_figures() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("two_years.xlsx");
    let mut wb = Workbook::new();
    for (sheet, figure) in [("2023", 100.0), ("2022", 200.0)] {
        let t = wb.add_worksheet().set_name(sheet).unwrap();
        t.write_string(0, 0, "code").unwrap();
        t.write_string(0, 1, "births").unwrap();
        for (i, code) in CODES.iter().enumerate() {
            t.write_string(1 + i as u32, 0, *code).unwrap();
            t.write_number(1 + i as u32, 1, figure).unwrap();
        }
    }
    wb.save(&xlsx).unwrap();
    let total = |extra: &[&str]| {
        let out = tempfile::tempdir().unwrap();
        let mut args = vec!["--births", xlsx.to_str().unwrap()];
        args.extend_from_slice(extra);
        run_boundaries(&fixture_path(SHP), &args, out.path()).success();
        summary(out.path())["demand_total"].as_u64().unwrap()
    };
    assert_eq!(total(&[]), 800);
    assert_eq!(total(&["--sheet", "2022"]), 1600);
    assert_eq!(total(&["--sheet", "2023"]), 800);
}

/// Births as the nations' own bodies' downloads head their codes: NISRA's data portal gives
/// `LGD2014` (with `VALUE` and a row for Northern Ireland), Public Health Scotland's open data
/// `CA` for the council area. Both were "no area code column" errors.
#[test]
fn births_headed_as_nisra_and_public_health_scotland_publish_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("nisra.csv"),
        "\"STATISTIC\",\"Statistic Label\",\"TLIST(A1)\",\"Year\",\"LGD2014\",\"Local Government District\",\"UNIT\",\"VALUE\"\n\
         \"BIRTHS\",\"Live births\",\"2020\",\"2020\",\"N92000002\",\"Northern Ireland\",\"Number\",\"21000\"\n\
         \"BIRTHS\",\"Live births\",\"2020\",\"2020\",\"N09000003\",\"Belfast\",\"Number\",\"4000\"\n\
         \"BIRTHS\",\"Live births\",\"2020\",\"2020\",\"N09000002\",\"Armagh City, Banbridge and Craigavon\",\"Number\",\"2600\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("phs.csv"),
        "Year,CA,CAQF,HB,Births\n2020,S12000036,,S08000024,4500\n2020,S12000049,,S08000031,6100\n",
    )
    .unwrap();
    for (file, codes) in [
        ("nisra.csv", [("N09000003", 4000), ("N09000002", 2600)]),
        ("phs.csv", [("S12000036", 4500), ("S12000049", 6100)]),
    ] {
        let out = dir.path().join(file.replace(".csv", ""));
        let o = covgap()
            .current_dir(dir.path())
            .args(["run", "-q", "--births", file, "--out"])
            .arg(&out)
            .assert()
            .success();
        let stderr = String::from_utf8_lossy(&o.get_output().stderr).to_string();
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("areas.geojson")).unwrap()).unwrap();
        for (code, births) in codes {
            let f = v["features"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["properties"]["code"] == code)
                .unwrap();
            assert_eq!(f["properties"]["births"], births, "{file} {code}: {stderr}");
        }
    }
}

/// A workbook with a table on sheet `name` (hidden or not): the eight fixture districts'
/// codes under a header, each with figure `each`.
fn table_sheet(wb: &mut Workbook, name: &str, hidden: bool, each: f64) {
    let t = wb.add_worksheet().set_name(name).unwrap();
    t.write_string(0, 0, "Area code").unwrap();
    t.write_string(0, 1, "Number of live births").unwrap();
    for (i, code) in CODES.iter().enumerate() {
        t.write_string(1 + i as u32, 0, *code).unwrap();
        t.write_number(1 + i as u32, 1, each).unwrap();
    }
    if hidden {
        t.set_hidden(true);
    } else {
        t.set_active(true);
    }
}

/// A sheet the workbook hides (last year's table kept out of sight) is not what a user sees
/// on opening it: the first visible sheet with figures is read, and the note names the hidden
/// one passed over. Before, the hidden first sheet was read, its figures counted as this
/// year's. A workbook whose only table is hidden is still read, and the note says so.
#[test]
fn a_hidden_sheet_is_passed_over_for_a_visible_one() {
    // As run_boundaries, with its notes.
    let run_loud = |births: &Path, out: &Path| {
        covgap()
            .args(["run", "--boundaries"])
            .arg(fixture_path(SHP))
            .arg("--teams")
            .arg(fixture_path("teams_districts.csv"))
            .arg("--births")
            .arg(births)
            .arg("--out")
            .arg(out)
            .assert()
            .success()
    };
    let dir = tempfile::tempdir().unwrap();
    let both = dir.path().join("both.xlsx");
    let mut wb = Workbook::new();
    table_sheet(&mut wb, "2022", true, 1_000.0);
    table_sheet(&mut wb, "2023", false, 2_000.0);
    wb.save(&both).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run_loud(&both, out.path());
    assert_eq!(summary(out.path())["demand_total"], 8 * 2_000);
    let stderr = String::from_utf8_lossy(&o.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!("note: {}: figures read from sheet \"2023\" (the first visible sheet with an area code and a figure column; hidden sheet \"2022\" passed over; choose another with --sheet)", both.display())),
        "{stderr}"
    );

    let only = dir.path().join("only_hidden.xlsx");
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet().set_name("Cover").unwrap();
    cover.write_string(0, 0, "Births: 2023").unwrap();
    cover.set_active(true);
    table_sheet(&mut wb, "Data", true, 2_000.0);
    wb.save(&only).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run_loud(&only, out.path());
    assert_eq!(summary(out.path())["demand_total"], 8 * 2_000);
    let stderr = String::from_utf8_lossy(&o.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!("note: {}: figures read from sheet \"Data\" (a hidden sheet: no visible sheet has an area code and a figure column; choose another with --sheet)", only.display())),
        "{stderr}"
    );
}

/// A figure an Excel formula worked out (a rate times a population, a sum of shares) can hold
/// a trace of floating-point error: 7084 * 0.1 * 10 is 7084.000000000001, which Excel shows,
/// and saves as CSV, as 7084. Before, the workbook was refused (`figure "7084.000000000001" in
/// column "Number of live births" is not a whole number of babies`) while the same sheet saved
/// as CSV was read; a workbook's numbers are now read to the 15 significant digits Excel shows.
#[test]
fn a_figure_worked_out_by_a_formula_reads_as_excel_shows_it() {
    let figures = [
        1563.0, 1402.0, 1582.0, 1401.0, 1010.0, 973.0, 7084.0, 4321.0,
    ];
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("worked_out.xlsx");
    let mut wb = Workbook::new();
    let t = wb.add_worksheet();
    t.write_string(0, 0, "Area code").unwrap();
    t.write_string(0, 1, "Number of live births").unwrap();
    let mut csv = String::from("Area code,Number of live births\n");
    for (i, (code, v)) in CODES.iter().zip(figures).enumerate() {
        let r = 1 + i as u32;
        t.write_string(r, 0, *code).unwrap();
        // As a formula's cached result holds it.
        t.write_number(r, 1, v * 0.1 * 10.0).unwrap();
        csv.push_str(&format!("{code},{v}\n"));
    }
    assert_ne!(
        7084.0 * 0.1 * 10.0,
        7084.0,
        "the figures hold floating-point error"
    );
    wb.save(&xlsx).unwrap();
    let from_csv = dir.path().join("worked_out.csv");
    std::fs::write(&from_csv, csv).unwrap();
    let out_book = tempfile::tempdir().unwrap();
    let shp = fixture_path(SHP);
    let o = run_boundaries(&shp, &["--births", xlsx.to_str().unwrap()], out_book.path());
    let stderr = String::from_utf8_lossy(&o.get_output().stderr).into_owned();
    let out_csv = tempfile::tempdir().unwrap();
    run_boundaries(
        &shp,
        &["--births", from_csv.to_str().unwrap()],
        out_csv.path(),
    )
    .success();
    assert_eq!(
        summary(out_book.path())["demand_total"],
        figures.iter().sum::<f64>() as u64,
        "{stderr}"
    );
    for f in ["gaps.csv", "rollups.csv"] {
        assert_eq!(
            std::fs::read(out_book.path().join(f)).unwrap(),
            std::fs::read(out_csv.path().join(f)).unwrap(),
            "{f}"
        );
    }
}

/// A team list kept in a workbook (as lists are kept, and `--teams` refused with "save the
/// sheet as CSV"): the first sheet with a team name column in its first rows is read, of the
/// visible sheets first, and gives what the same list saved as CSV gives
/// (`teams_districts.csv`). A notes sheet before it, a hidden sheet holding an old list and a
/// title above the header are passed over; a note names the sheet; a problem's line is the row
/// as Excel numbers it.
#[test]
fn a_team_list_in_a_workbook_is_read_as_its_csv_is() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("teams.xlsx");
    let mut wb = Workbook::new();
    let notes = wb.add_worksheet().set_name("Notes").unwrap();
    notes
        .write_string(0, 0, "Teams known in March 2026")
        .unwrap();
    let old = wb.add_worksheet().set_name("Old list").unwrap();
    old.write_string(0, 0, "name").unwrap();
    old.write_string(0, 1, "areas_served").unwrap();
    old.write_string(1, 0, "Closed team").unwrap();
    old.write_string(1, 1, "S12000036").unwrap();
    old.set_hidden(true);
    let t = wb.add_worksheet().set_name("Teams").unwrap();
    let csv = std::fs::read_to_string(fixture_path("teams_districts.csv")).unwrap();
    // A title and a blank row above the header (row 3), which are passed over; a blank row
    // below the list, then a team whose area is mistyped: its error names row 7.
    t.write_string(0, 0, "Teams known in March 2026").unwrap();
    csv_into_sheet(t, &csv, 2);
    t.write_string(6, 0, "Mistyped team").unwrap();
    t.write_string(6, 2, "E0700178").unwrap();
    t.set_active(true);
    wb.save(&book).unwrap();

    let check = covgap()
        .args(["check", "--boundaries"])
        .arg(fixture_path(SHP))
        .arg("--teams")
        .arg(&book)
        .assert()
        .code(1);
    let said = String::from_utf8_lossy(&check.get_output().stderr).into_owned();
    let b = book.display();
    for line in [
        format!("note: {b}: teams read from sheet \"Teams\", whose header is row 3; lines named are the sheet's rows"),
        format!("error: {b}, line 7: Mistyped team: area \"E0700178\""),
    ] {
        assert!(said.contains(&line), "{line:?} not in:\n{said}");
    }

    // Without the mistyped row, the run is the CSV's.
    let mut wb = Workbook::new();
    let t = wb.add_worksheet().set_name("Teams").unwrap();
    csv_into_sheet(t, &csv, 0);
    wb.save(&book).unwrap();
    let (from_book, from_csv) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    covgap()
        .args(["run", "-q", "--boundaries"])
        .arg(fixture_path(SHP))
        .arg("--teams")
        .arg(&book)
        .arg("--out")
        .arg(from_book.path())
        .assert()
        .success();
    run_boundaries(&fixture_path(SHP), &[], from_csv.path()).success();
    for file in ["gaps.csv", "rollups.csv"] {
        let a = std::fs::read(from_book.path().join(file)).unwrap();
        let b = std::fs::read(from_csv.path().join(file)).unwrap();
        assert!(a == b, "{file} differs");
    }
    // The maps' features too; their `covgap` members name the team list's file.
    for file in ["areas.geojson", "teams.geojson"] {
        let read = |d: &Path| -> serde_json::Value {
            serde_json::from_slice(&std::fs::read(d.join(file)).unwrap()).unwrap()
        };
        let (a, b) = (read(from_book.path()), read(from_csv.path()));
        assert_eq!(a["features"], b["features"], "{file}");
        assert!(
            a["features"].as_array().is_some_and(|f| !f.is_empty()),
            "{file}"
        );
    }
    let s = summary(from_book.path());
    assert_eq!(
        s["demand_covered"],
        summary(from_csv.path())["demand_covered"]
    );
}

/// A contacts sheet (`Name`, `Email`) before the team list's sheet: before, it was read as the
/// list, being the first with a name column, and the error was "has neither an areas-served
/// column nor a location ...; the header has \"Name\", \"Email\"", though the list beside it
/// has both and no flag chooses a sheet. The first sheet whose header names the teams and
/// their areas or bases is now read; with none, the first with a name column is, as before.
#[test]
fn a_contacts_sheet_before_the_team_list_is_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("teams.xlsx");
    let contacts = |wb: &mut Workbook| {
        let c = wb.add_worksheet().set_name("Contacts").unwrap();
        csv_into_sheet(c, "Name,Email\nJo Bloggs,jo@example.org\n", 0);
    };
    let mut wb = Workbook::new();
    contacts(&mut wb);
    let t = wb.add_worksheet().set_name("Teams").unwrap();
    let csv = std::fs::read_to_string(fixture_path("teams_districts.csv")).unwrap();
    csv_into_sheet(t, &csv, 0);
    wb.save(&book).unwrap();
    let (from_book, from_csv) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let o = covgap()
        .args(["run", "--boundaries"])
        .arg(fixture_path(SHP))
        .arg("--teams")
        .arg(&book)
        .arg("--out")
        .arg(from_book.path())
        .assert()
        .success();
    let said = String::from_utf8_lossy(&o.get_output().stderr).into_owned();
    assert!(
        said.contains(&format!(
            "note: {}: teams read from sheet \"Teams\", whose header is row 1",
            book.display()
        )),
        "{said}"
    );
    run_boundaries(&fixture_path(SHP), &[], from_csv.path()).success();
    for file in ["gaps.csv", "rollups.csv"] {
        let a = std::fs::read(from_book.path().join(file)).unwrap();
        let b = std::fs::read(from_csv.path().join(file)).unwrap();
        assert!(a == b, "{file} differs");
    }
    // With the contacts alone, they are read, and the error says what they lack.
    let mut wb = Workbook::new();
    contacts(&mut wb);
    wb.save(&book).unwrap();
    let o = covgap()
        .args(["check", "--teams"])
        .arg(&book)
        .assert()
        .code(1);
    let said = String::from_utf8_lossy(&o.get_output().stderr).into_owned();
    assert!(
        said.contains("has neither an areas-served column nor a location"),
        "{said}"
    );
}

/// A team's areas typed one to a line in a cell (Alt+Enter), as lists kept in Excel have them:
/// a workbook's list reads the line break as a space, and before, the error was `area
/// "E07000177 E07000178" is not a code or name in the boundaries; did you mean Cherwell
/// (E07000177), Oxford (E07000178), ...?`, as if one were meant. It now says each part is an
/// area and that areas are separated by ';', as for commas, and so does the list as CSV.
#[test]
fn areas_typed_one_to_a_line_in_a_cell_are_told_to_be_separated_by_semicolons() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("teams.xlsx");
    let mut wb = Workbook::new();
    let t = wb.add_worksheet().set_name("Teams").unwrap();
    t.write_row(0, 0, ["name", "areas_served"]).unwrap();
    t.write_row(1, 0, ["Two lines", "E07000177\nE07000178"])
        .unwrap();
    wb.save(&book).unwrap();
    let csv = dir.path().join("teams.csv");
    std::fs::write(
        &csv,
        "name,areas_served\nTwo lines,\"E07000177\nE07000178\"\n",
    )
    .unwrap();
    for (list, token) in [
        (&book, "E07000177 E07000178"),
        (&csv, "E07000177\\nE07000178"),
    ] {
        let o = covgap()
            .args(["check", "--boundaries"])
            .arg(fixture_path(SHP))
            .arg("--teams")
            .arg(list)
            .assert()
            .code(1);
        let said = String::from_utf8_lossy(&o.get_output().stderr).into_owned();
        let want = format!("error: {}, line 2: Two lines: area \"{token}\" is not a code or name in the boundaries, but each part is: areas served are separated by ';' (\"E07000177;E07000178\")", list.display());
        assert!(said.contains(&want), "{want}\nnot in:\n{said}");
    }
}

/// A workbook with no sheet whose first row names a team column is an error naming its
/// sheets, not a list of no teams.
#[test]
fn a_workbook_with_no_team_list_is_an_error_naming_its_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("births.xlsx");
    ons_workbook(&book);
    let o = covgap()
        .args(["check", "--teams"])
        .arg(&book)
        .assert()
        .code(1);
    let said = String::from_utf8_lossy(&o.get_output().stderr).into_owned();
    let want = format!("{}: no sheet has a team name column (name, team, team_name, team name, service, service name, service_name) in its first 30 rows (sheets: \"Cover\", \"Notes\", \"Table 1\"); head the list's name column \"name\", or name the sheet with --teams-sheet", book.display());
    assert!(said.contains(&want), "{said}");
    assert!(
        said.contains("teams not read (see the error above)"),
        "{said}"
    );
}

/// `plan --candidates` and `--what-if` take a workbook as `--teams` does: the site on its sheet
/// is the one placed, or the what-if team counted.
#[test]
fn candidates_in_a_workbook_are_planned() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("sites.xlsx");
    let mut wb = Workbook::new();
    let t = wb.add_worksheet().set_name("Sites").unwrap();
    csv_into_sheet(t, "name,areas_served\nEdinburgh site,S12000036\n", 0);
    wb.save(&book).unwrap();
    for (flag, says) in [
        ("--candidates", "Edinburgh site"),
        ("--what-if", "**With the 1 what-if team**"),
    ] {
        let out = tempfile::tempdir().unwrap();
        covgap()
            .args(["plan", "-q", "--add", "1", "--boundaries"])
            .arg(fixture_path(SHP))
            .arg("--teams")
            .arg(fixture_path("teams_districts.csv"))
            .arg(flag)
            .arg(&book)
            .arg("--out")
            .arg(out.path())
            .assert()
            .success();
        let plan = std::fs::read_to_string(out.path().join("plan.md")).unwrap();
        assert!(plan.contains(says), "{flag}: {plan}");
    }
}

/// One workbook holding the team list on one sheet and the teams in development on another,
/// as lists are kept: `--teams-sheet` and `--what-if-sheet` name each list's sheet. Before,
/// both flags read the first sheet with a team name column, so the what-if teams were the
/// team list again (warned of as teams already counted) and no sheet could be chosen. The
/// plan is the one the two lists saved as CSV give; `run.json` records the sheets (as given:
/// a sheet is named without regard to case, as Excel names them). A sheet the
/// workbook lacks is an error naming its sheets; a sheet named with no team name column, or a
/// sheet named for a CSV list, is an error too.
#[test]
fn teams_and_what_if_teams_on_two_sheets_of_one_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("teams.xlsx");
    let teams_csv = std::fs::read_to_string(fixture_path("teams_districts.csv")).unwrap();
    let what_if_csv = "name,areas_served\nEdinburgh team in development,S12000036\n";
    let mut wb = Workbook::new();
    let notes = wb.add_worksheet().set_name("Notes").unwrap();
    notes
        .write_string(0, 0, "Teams known in March 2026")
        .unwrap();
    csv_into_sheet(wb.add_worksheet().set_name("Teams").unwrap(), &teams_csv, 0);
    csv_into_sheet(
        wb.add_worksheet().set_name("In development").unwrap(),
        what_if_csv,
        0,
    );
    wb.save(&book).unwrap();
    let what_if = dir.path().join("what_if.csv");
    std::fs::write(&what_if, what_if_csv).unwrap();

    let plan = |teams: &[&std::ffi::OsStr], out: &Path| {
        covgap()
            .args(["plan", "--add", "1", "--boundaries"])
            .arg(fixture_path(SHP))
            .args(teams)
            .arg("--out")
            .arg(out)
            .assert()
    };
    let (from_book, from_csv) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let said = plan(
        &[
            "--teams".as_ref(),
            book.as_os_str(),
            "--teams-sheet".as_ref(),
            // As Excel names sheets, without regard to case.
            "teams".as_ref(),
            "--what-if".as_ref(),
            book.as_os_str(),
            "--what-if-sheet".as_ref(),
            "In development".as_ref(),
        ],
        from_book.path(),
    )
    .success();
    let said = String::from_utf8_lossy(&said.get_output().stderr).into_owned();
    let b = book.display();
    for line in [
        format!("note: {b}: teams read from sheet \"Teams\" (named with --teams-sheet), whose header is row 1"),
        format!("note: {b}: teams read from sheet \"In development\" (named with --what-if-sheet), whose header is row 1"),
    ] {
        assert!(said.contains(&line), "{line:?} not in:\n{said}");
    }
    assert!(!said.contains("joined the team list since"), "{said}");
    plan(
        &[
            "--teams".as_ref(),
            fixture_path("teams_districts.csv").as_os_str(),
            "--what-if".as_ref(),
            what_if.as_os_str(),
        ],
        from_csv.path(),
    )
    .success();
    let read = |d: &Path, f: &str| std::fs::read_to_string(d.join(f)).unwrap();
    assert_eq!(
        read(from_book.path(), "plan.csv"),
        read(from_csv.path(), "plan.csv")
    );
    assert!(read(from_book.path(), "plan.md").contains("**With the 1 what-if team**"));
    let run: serde_json::Value = serde_json::from_str(&read(from_book.path(), "run.json")).unwrap();
    assert_eq!(run["options"]["teams_sheet"], "teams");
    assert_eq!(run["plan"]["what_if_sheet"], "In development");
    assert!(run["plan"]["candidates_sheet"].is_null());

    // The sheets a list cannot be read from.
    let fails = |args: &[&std::ffi::OsStr], want: &str| {
        let o = covgap().arg("check").args(args).assert().code(1);
        let said = String::from_utf8_lossy(&o.get_output().stderr).into_owned();
        assert!(said.contains(want), "{want:?} not in:\n{said}");
    };
    fails(
        &[
            "--teams".as_ref(),
            book.as_os_str(),
            "--teams-sheet".as_ref(),
            "2026".as_ref(),
        ],
        &format!(
            "{b}: has no sheet \"2026\"; its sheets are \"Notes\", \"Teams\", \"In development\""
        ),
    );
    fails(
        &["--teams".as_ref(), book.as_os_str(), "--teams-sheet".as_ref(), "Notes".as_ref()],
        &format!("{b}: sheet \"Notes\" (--teams-sheet) has no team name column (name, team, team_name, team name, service, service name, service_name) in its first 30 rows"),
    );
    let csv = fixture_path("teams_districts.csv");
    fails(
        &["--what-if".as_ref(), csv.as_os_str(), "--what-if-sheet".as_ref(), "Teams".as_ref()],
        "--what-if-sheet \"Teams\" was given but this is not a workbook (.xlsx, .xls or .ods); it is read as CSV, which has no sheets",
    );
}
