//! Eastings and northings on Northern Ireland's grids (the Irish Grid, TM65's Irish Grid and
//! the Irish Transverse Mercator), stated row by row in team, candidate and point lists.
//!
//! The fixtures' figures are places chosen in WGS84 and projected by pyproj 3.7.2 (PROJ
//! 9.5.1) in `tests/fixtures/make_fixtures.py`; the tests hold covgap's projection back to
//! WGS84 against the places chosen.

use std::sync::OnceLock;

use serde_json::Value;

use crate::{covgap_at, fixture, fixture_path, read_csv, run_ok, Outcome};

/// The places `make_fixtures.py` projected, as chosen: longitude, latitude.
const BELFAST_CITY_HALL: (f64, f64) = (-5.9301, 54.5964);
const ENNISKILLEN: (f64, f64) = (-7.6315, 54.3438);
const NEWRY: (f64, f64) = (-6.3402, 54.1751);
/// 451000 E, 206000 N on British National Grid, by pyproj.
const OXFORD: (f64, f64) = (-1.262627, 51.750381);

/// Metres between two WGS84 positions this close together (an equirectangular approximation,
/// well within a centimetre over a few metres).
fn metres_apart(a: (f64, f64), b: (f64, f64)) -> f64 {
    let lat = a.1.to_radians();
    let dx = (a.0 - b.0).to_radians() * lat.cos() * 6_371_000.0;
    let dy = (a.1 - b.1).to_radians() * 6_371_000.0;
    dx.hypot(dy)
}

/// The run of the built-in data with `teams/ni_teams_irish_grid_and_itm.csv`, made once.
fn ni_teams_run() -> &'static Outcome {
    static RUN: OnceLock<Outcome> = OnceLock::new();
    RUN.get_or_init(|| run_ok(&["--teams", &fixture("teams/ni_teams_irish_grid_and_itm.csv")]))
}

fn position(team: &Value) -> (f64, f64) {
    let c = &team["geometry"]["coordinates"];
    (c[0].as_f64().unwrap(), c[1].as_f64().unwrap())
}

#[test]
fn teams_on_the_irish_grid_tm65_and_itm_are_placed_where_they_are() {
    // Before, the Belfast team's Irish Grid figures were read as British National Grid (in
    // Cheshire) and the Enniskillen team's ITM figures were refused as outside the grid's UK
    // extent.
    let run = ni_teams_run();
    let teams = run.teams();
    let expect = [
        (
            "Belfast team on the Irish Grid",
            "N09000003",
            BELFAST_CITY_HALL,
        ),
        ("Enniskillen team on ITM", "N09000006", ENNISKILLEN),
        ("Newry team on TM65", "N09000010", NEWRY),
        ("Oxford team on British National Grid", "E07000178", OXFORD),
    ];
    for (name, host, at) in expect {
        let t = &teams[name];
        assert_eq!(t["properties"]["host_area_code"], host, "{name}");
        let off = metres_apart(position(t), at);
        assert!(off < 5.0, "{name} is {off:.1} m from {at:?}: {t}");
    }
    // The base says which grid the list gave it on, so the output traces back to the list.
    let base = |name: &str| teams[name]["properties"]["base"].clone();
    assert_eq!(
        base("Belfast team on the Irish Grid"),
        "333831 E, 373987 N on the Irish Grid (EPSG:29903)"
    );
    assert_eq!(
        base("Enniskillen team on ITM"),
        "623961 E, 843964 N on the Irish Transverse Mercator (EPSG:2157)"
    );
    assert_eq!(
        base("Oxford team on British National Grid"),
        "451000 E, 206000 N"
    );
    // Each is in the nation the list says: nothing to warn of.
    assert!(run.warning_lines().is_empty(), "{}", run.stderr);
}

#[test]
fn a_base_on_an_irish_grid_in_teams_geojson_reads_back_as_a_team_list() {
    // covgap's own teams.geojson properties, saved as CSV, are a team list: the base alone
    // places each team, on the grid its text names.
    let first = ni_teams_run();
    let mut csv = String::from("name,areas_served,base,base_precision\n");
    for (name, t) in first.teams() {
        let p = &t["properties"];
        csv.push_str(&format!(
            "{name},{},\"{}\",{}\n",
            p["areas_served"].as_str().unwrap(),
            p["base"].as_str().unwrap(),
            p["base_precision"].as_str().unwrap()
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("teams_from_geojson.csv");
    std::fs::write(&list, csv).unwrap();
    let again = run_ok(&["--teams", list.to_str().unwrap()]);
    let hosts = |o: &Outcome| -> Vec<(String, Value)> {
        o.teams()
            .into_iter()
            .map(|(n, t)| (n, t["properties"]["host_area_code"].clone()))
            .collect()
    };
    assert_eq!(hosts(&again), hosts(first));
    for (name, t) in again.teams() {
        let off = metres_apart(position(&t), position(&first.teams()[&name]));
        // The base text rounds to the metre.
        assert!(off < 1.5, "{name} moved {off:.2} m");
    }
}

#[test]
fn british_national_grid_figures_stated_to_be_on_the_irish_grid_are_warned_of() {
    let list = fixture("teams/bng_figures_stated_on_the_irish_grid.csv");
    let c = crate::check(&["--teams", &list]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    assert_eq!(
        c.only_warning(),
        format!("warning: {list}, line 2: Oxford team: base 451000 E, 206000 N on the Irish Grid (EPSG:29903) is in Gwynedd (W06000002, Wales), not Northern Ireland, where figures on the Irish Grid belong: are they on British National Grid? (then leave the grid cell blank or give 27700)")
    );
}

#[test]
fn points_on_the_irish_grid_and_itm_are_assigned_to_their_districts() {
    // Before, rows on a grid other than 27700 were left for their postcode, and these have
    // none: not located.
    let dir = tempfile::tempdir().unwrap();
    let out = covgap_at(&dir)
        .args(["assign", "--out", "o.csv", "--points"])
        .arg(fixture_path("points/irish_grid_and_itm_rows.csv"))
        .assert()
        .success();
    let rows = read_csv(&dir.path().join("o.csv"));
    let col = |name: &str| -> Vec<String> {
        let i = rows[0].iter().position(|h| h == name).unwrap();
        rows[1..].iter().map(|r| r[i].clone()).collect()
    };
    assert_eq!(
        col("area_code"),
        ["N09000003", "N09000005", "E07000178", "W06000002"]
    );
    assert_eq!(col("located_by"), ["easting_northing"; 4]);
    // Oxford's British National Grid figures stated to be on the Irish Grid land in Gwynedd.
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("points/irish_grid_and_itm_rows.csv, line 5: the easting and northing are stated to be on the Irish Grid (EPSG:29903), but lie in Gwynedd (W06000002, Wales), not Northern Ireland: are they on British National Grid?"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("line 2:") && !stderr.contains("line 3:"),
        "{stderr}"
    );
}

#[test]
fn a_points_grid_covgap_does_not_know_stops_assign_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = covgap_at(&dir)
        .args([
            "assign",
            "--out",
            "o.csv",
            "--geojson",
            "o.geojson",
            "--points",
        ])
        .arg(fixture_path("points/grid_covgap_does_not_know.csv"))
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("points/grid_covgap_does_not_know.csv, line 3: column \"grid_epsg\": \"3857\" is not a grid covgap reads eastings and northings on; give 27700 or British National Grid (as when blank), 29903 or Irish Grid, 29902 or TM65 Irish Grid, 2157 or Irish Transverse Mercator (ITM)"),
        "{stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "assign left {left:?}");
}

#[test]
fn a_candidate_site_on_the_irish_grid_is_placed_in_its_district() {
    // Enniskillen on the Irish Grid: before, read as British National Grid, it lay on the
    // Lleyn peninsula in Wales.
    let dir = tempfile::tempdir().unwrap();
    covgap_at(&dir)
        .args(["plan", "--add", "1", "--out", "out", "-q", "--candidates"])
        .arg(fixture_path("plan/candidate_on_the_irish_grid.csv"))
        .assert()
        .success();
    let rows = read_csv(&dir.path().join("out/plan.csv"));
    let i = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let site = rows[1..]
        .iter()
        .find(|r| r[i("method")] == "greedy" && r[i("site")] == "Enniskillen site")
        .unwrap_or_else(|| panic!("Enniskillen site not chosen: {rows:?}"));
    assert_eq!(site[i("district_code")], "N09000006");
    assert_eq!(site[i("newly_covers")], "N09000006");
}

#[test]
fn a_grid_column_of_another_name_can_be_named_with_a_flag() {
    // "Spatial reference" is no name covgap looks for: named, its rows are read on the grid
    // it gives, for a team list and for points alike.
    let dir = tempfile::tempdir().unwrap();
    let teams = dir.path().join("teams.csv");
    std::fs::write(
        &teams,
        "name,easting,northing,Spatial reference\nBelfast team,333831,373987,Irish Grid\n",
    )
    .unwrap();
    let run = run_ok(&[
        "--teams",
        teams.to_str().unwrap(),
        "--team-grid-column",
        "Spatial reference",
    ]);
    assert_eq!(
        run.teams()["Belfast team"]["properties"]["host_area_code"],
        "N09000003"
    );
    let points = dir.path().join("points.csv");
    std::fs::write(
        &points,
        "id,easting,northing,Spatial reference\nbelfast,333831,373987,29903\n",
    )
    .unwrap();
    covgap_at(&dir)
        .args([
            "assign",
            "-q",
            "--out",
            "o.csv",
            "--grid-column",
            "Spatial reference",
        ])
        .arg("--points")
        .arg(&points)
        .assert()
        .success();
    let rows = read_csv(&dir.path().join("o.csv"));
    let i = rows[0].iter().position(|h| h == "area_code").unwrap();
    assert_eq!(rows[1][i], "N09000003");
}

/// Enniskillen's ITM figures with no grid stated, read as British National Grid, land at sea
/// off western Scotland, inside the grid's extent: the error, for a list that says Northern
/// Ireland, asks for the grid. Before, it said only that a base at sea is taken to be wrong.
#[test]
fn itm_figures_with_no_grid_stated_are_refused_asking_for_the_grid() {
    let list = fixture("teams/itm_figures_with_no_grid_stated.csv");
    let c = crate::check(&["--teams", &list]);
    assert_eq!(c.code, 1, "{}", c.stderr);
    assert!(
        c.stderr.contains("Enniskillen team: base 623961 E, 843964 N (lat 57.43074, lon 1.72927) is outside every area, 210.0 km from the nearest (Aberdeenshire), at sea by the built-in boundaries, read as British National Grid; the list says Northern Ireland: are the easting and northing on the Irish Transverse Mercator or the Irish Grid? give the grid in a `crs` column (2157 or 29903)"),
        "{}",
        c.stderr
    );
}

/// A grid cell is read whole: a name and a code that disagree, a code under another authority
/// or after other text are errors naming the line, the column and the value, and saying why.
/// Before, the code after the last ':' or '/' was taken whatever came before it: "ITM:29903"
/// was read as the Irish Grid, "ESRI:27700" as British National Grid and "foo/2157" as ITM,
/// without a word. The OGC URL and URN forms QGIS and GDAL write are read.
#[test]
fn a_grid_cell_that_is_not_one_code_or_one_name_is_refused_saying_why() {
    let list = fixture("teams/grid_names_and_codes_that_disagree.csv");
    let c = crate::check(&["--teams", &list]);
    assert_eq!(c.code, 1, "{}", c.stderr);
    c.assert_stderr_has(&[
        &format!("error: {list}, line 4: Belfast team as ITM: column \"crs\": \"ITM:29903\" names two systems, the Irish Transverse Mercator (EPSG:2157) and the Irish Grid (EPSG:29903), so which the figures are on cannot be told: give the one they are on"),
        &format!("error: {list}, line 5: Oxford team under ESRI: column \"crs\": \"ESRI:27700\" gives the code 27700 after \"ESRI\", which is not EPSG's prefix: write the code as 27700 or EPSG:27700"),
        &format!("error: {list}, line 6: Enniskillen team after a slash: column \"crs\": \"foo/2157\" gives the code 2157 after \"foo\", which is not EPSG's prefix: write the code as 2157 or EPSG:2157"),
    ]);
    let errors: Vec<&str> = c
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 3, "{}", c.stderr);
}

/// `check --points` lists every row on a grid covgap does not know, as it lists the rows it
/// cannot place: the first ten in line order, then how many more, and fails. Before, it
/// stopped at the first such row, as `assign` does, and the user fixed the file one row per
/// run. `assign` still stops at the first, since it would write every row, and says that
/// `check` lists them all.
#[test]
fn check_lists_every_points_row_on_a_grid_covgap_does_not_know() {
    let points = fixture("points/grids_covgap_does_not_know_on_thirteen_rows.csv");
    let c = crate::check(&["--points", &points]);
    assert_eq!(c.code, 1, "{}", c.stderr);
    let errors: Vec<&str> = c
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    let at = |line: u32, value: &str| {
        format!("error: {points}, line {line}: column \"grid_epsg\": \"{value}\" ")
    };
    let first_ten = [
        at(3, "3857"),
        at(5, "ITM:29903"),
        at(6, "ESRI:27700"),
        at(7, "EPSG:4258"),
        at(9, "foo/2157"),
        at(10, "Web Mercator"),
        at(11, "3857"),
        at(13, "32630"),
        at(14, "EPSG:2158"),
        at(15, "29900"),
    ];
    assert_eq!(errors.len(), 11, "{}", c.stderr);
    for (got, want) in errors.iter().zip(&first_ten) {
        assert!(
            got.starts_with(want.as_str()),
            "{got:?} is not {want:?}\n{}",
            c.stderr
        );
    }
    assert_eq!(
        errors[10],
        format!("error: {points}: 3 more rows on a grid covgap does not know (only the first 10 are listed)")
    );
    c.assert_stderr_has(&["19 rows of points read: 6 located, 6 inside an area; 0 not located; 13 on a grid covgap does not know; 11 errors"]);

    let dir = tempfile::tempdir().unwrap();
    let out = covgap_at(&dir)
        .args(["assign", "--out", "o.csv", "--points", &points])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!("{points}, line 3: column \"grid_epsg\": \"3857\" is not a grid covgap reads eastings and northings on;"))
            && stderr.contains("(covgap check --points lists every such row)")
            && !stderr.contains("line 5:"),
        "{stderr}"
    );
}

/// A list with two grid columns (`crs` and `epsg`) is an error naming both and the flag that
/// names the one to read, and so are two latitude (or longitude, easting, northing) columns.
/// Before, the first found was read without a word: this Belfast team's row, Irish Grid in
/// `crs` and 27700 in `epsg`, was read on the Irish Grid, and a points file's `lat` passed its
/// `latitude` by.
#[test]
fn two_grid_or_latitude_columns_are_an_error_naming_both() {
    let teams = fixture("teams/two_grid_columns.csv");
    let c = crate::check(&["--teams", &teams]);
    assert_eq!(c.code, 1, "{}", c.stderr);
    c.assert_stderr_has(&[&format!("{teams}: has two grid columns, \"crs\" and \"epsg\", and covgap cannot tell which to read: name one with --team-grid-column (for --teams; a --candidates or --what-if list must have only one)")]);
    // Named, the list is read.
    let run = run_ok(&["--teams", &teams, "--team-grid-column", "crs"]);
    assert_eq!(
        run.teams()["Belfast team"]["properties"]["host_area_code"],
        "N09000003"
    );
    // run.json records the column named, as it does every other --team-*-column: the
    // figures must be traceable to the grid they were read on.
    assert_eq!(
        run.json("run.json")["options"]["team_columns"]["grid"],
        "crs"
    );

    let points = fixture("points/two_grid_columns.csv");
    let c = crate::check(&["--points", &points]);
    assert_eq!(c.code, 1, "{}", c.stderr);
    c.assert_stderr_has(&[&format!("{points}: has two grid columns, \"crs\" and \"epsg\", and covgap cannot tell which to read: name one with --grid-column")]);
    let c = crate::check(&["--points", &points, "--grid-column", "epsg"]);
    assert_eq!(c.code, 0, "{}", c.stderr);

    let points = fixture("points/two_latitude_columns.csv");
    let dir = tempfile::tempdir().unwrap();
    let out = covgap_at(&dir)
        .args(["assign", "--out", "o.csv", "--points", &points])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!("{points}: has two latitude columns, \"lat\" and \"latitude\", and covgap cannot tell which to read: name one with --lat-column")),
        "{stderr}"
    );
}

/// A row that gives latitude/longitude and easting/northing both is placed by the latitude and
/// longitude, as before, but when the two are more than 1 km apart (measured on British
/// National Grid) a warning names the line and the distance, as a `nation` the base is not in
/// is warned of. Before, the easting and northing were passed by without a word. `-q` hides
/// the warnings, counting them.
#[test]
fn latitude_longitude_and_easting_northing_more_than_a_km_apart_are_warned_of() {
    let list = fixture("teams/latlon_and_easting_northing_that_disagree.csv");
    let c = crate::check(&["--teams", &list]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    assert_eq!(
        c.warning_lines(),
        [
            format!("warning: {list}, line 3: Belfast team with no grid stated: latitude 54.5964, longitude -5.9301 and easting 333831, northing 373987 on British National Grid (EPSG:27700) are 243.6 km apart, more than 1 km: placed by the latitude and longitude; check which is right"),
            format!("warning: {list}, line 4: Oxford team 2 km apart: latitude 51.750381, longitude -1.262627 and easting 451000, northing 208000 on British National Grid (EPSG:27700) are 2.0 km apart, more than 1 km: placed by the latitude and longitude; check which is right"),
        ],
        "{}",
        c.stderr
    );
    let q = crate::check(&["-q", "--teams", &list]);
    assert_eq!(q.code, 0, "{}", q.stderr);
    assert!(q.warning_lines().is_empty(), "{}", q.stderr);
    q.assert_stderr_has(&["2 warnings, not listed with -q"]);

    // Points alike, for assign and check --points.
    let dir = tempfile::tempdir().unwrap();
    let points = dir.path().join("points.csv");
    std::fs::write(
        &points,
        "id,latitude,longitude,easting,northing,grid_epsg\n\
         belfast,54.5964,-5.9301,333831,373987,29903\n\
         belfast as bng,54.5964,-5.9301,333831,373987,27700\n\
         oxford,51.750381,-1.262627,451000,206500,\n\
         oxford 2 km,51.750381,-1.262627,451000,208000,\n",
    )
    .unwrap();
    let p = points.to_str().unwrap();
    let want = [
        format!("warning: {p}, line 3: latitude 54.5964, longitude -5.9301 and easting 333831, northing 373987 on British National Grid (EPSG:27700) are 243.6 km apart, more than 1 km: placed by the latitude and longitude; check which is right"),
        format!("warning: {p}, line 5: latitude 51.750381, longitude -1.262627 and easting 451000, northing 208000 on British National Grid (EPSG:27700) are 2.0 km apart, more than 1 km: placed by the latitude and longitude; check which is right"),
    ];
    let c = crate::check(&["--points", p]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    assert_eq!(c.warning_lines(), want, "{}", c.stderr);
    let out = covgap_at(&dir)
        .args(["assign", "--out", "o.csv", "--points", p])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings, want, "{stderr}");
    let rows = read_csv(&dir.path().join("o.csv"));
    let i = rows[0].iter().position(|h| h == "located_by").unwrap();
    assert!(
        rows[1..].iter().all(|r| r[i] == "latitude_longitude"),
        "{rows:?}"
    );
    let out = covgap_at(&dir)
        .args(["assign", "-q", "--out", "o.csv", "--points", p])
        .assert()
        .success();
    assert!(!String::from_utf8_lossy(&out.get_output().stderr).contains("warning:"));
}

/// A GeoJSON "crs" member is read as GDAL and PROJ read it: the URN without its version's
/// colon (`urn:ogc:def:crs:EPSG:27700`, as many servers write it) is British National Grid,
/// as before the cells were read strictly; a system covgap does not know is named in the
/// error as the file gives it, before the systems covgap reads.
#[test]
fn geojson_crs_urn_without_a_version_is_read_and_an_unknown_one_named() {
    let legacy =
        std::fs::read_to_string(fixture("boundaries/oxfordshire_bng_legacy_crs.geojson")).unwrap();
    assert!(legacy.contains("urn:ogc:def:crs:EPSG::27700"));
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, crs: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, legacy.replace("urn:ogc:def:crs:EPSG::27700", crs)).unwrap();
        p.display().to_string()
    };
    let no_version = write("no_version.geojson", "urn:ogc:def:crs:EPSG:27700");
    let c = crate::check(&["--boundaries", &no_version]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    let run = crate::run_ok(&["--boundaries", &no_version]);
    assert!(
        run.text("summary.md")
            .contains("declared in the file's \"crs\" member: British National Grid"),
        "{}",
        run.text("summary.md")
    );

    let esri = write("esri.geojson", "ESRI:27700");
    let c = crate::check(&["--boundaries", &esri]);
    assert_eq!(c.code, 1, "{}", c.stderr);
    c.assert_stderr_has(&[&format!(
        "{esri}: declares coordinate system \"ESRI:27700\", which covgap does not know; expected {} (CRS84 for WGS84)",
        covgap::crs::KNOWN
    )]);
}
