//! `covgap assign`: points by latitude/longitude, easting/northing and postcode, on the
//! built-in districts and teams; and results that do not depend on the thread count.

use crate::{covgap_at, fixture_path, read_csv};

fn col(rows: &[Vec<String>], name: &str) -> Vec<String> {
    let i = rows[0].iter().position(|h| h == name).expect("column");
    rows[1..].iter().map(|r| r[i].clone()).collect()
}

#[test]
fn latitude_longitude_points() {
    let dir = tempfile::tempdir().unwrap();
    covgap_at(&dir)
        .args([
            "assign",
            "--out",
            "o.csv",
            "--geojson",
            "o.geojson",
            "--points",
        ])
        .arg(fixture_path("points/lonlat.csv"))
        .assert()
        .success()
        .stderr(predicates::str::contains("4 rows; 3 located"))
        .stderr(predicates::str::contains("line 5: not located"));
    let rows = read_csv(&dir.path().join("o.csv"));
    assert_eq!(
        rows[0],
        [
            "id",
            "latitude",
            "longitude",
            "area_code",
            "area_name",
            "nearest_team",
            "nearest_team_km",
            "located_by",
            "not_placed"
        ]
    );
    assert_eq!(
        col(&rows, "id"),
        ["birmingham", "edinburgh", "sea", "blank"]
    );
    assert_eq!(col(&rows, "area_code"), ["E08000025", "S12000036", "", ""]);
    // Edinburgh has a team: distance 0. Birmingham has none.
    let km = col(&rows, "nearest_team_km");
    assert_eq!(km[1], "0.00");
    assert!(km[0].parse::<f64>().unwrap() > 10.0);
    // A point at sea has no district but still a nearest team.
    assert!(km[2].parse::<f64>().unwrap() > 0.0);
    assert_eq!(
        col(&rows, "located_by"),
        [
            "latitude_longitude",
            "latitude_longitude",
            "latitude_longitude",
            ""
        ]
    );
    let gj: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("o.geojson")).unwrap()).unwrap();
    let f = gj["features"].as_array().unwrap();
    assert_eq!(f.len(), 4);
    assert_eq!(f[0]["geometry"]["coordinates"][0], -1.8904);
    assert_eq!(f[0]["properties"]["area_name"], "Birmingham");
    assert!(f[3]["geometry"].is_null());
    // `assign` reads no births figures: the file names the boundaries and teams it used, and
    // no measure, period or figures source (it named the built-in births' period).
    let meta = gj["covgap"].as_object().unwrap();
    let mut keys: Vec<&str> = meta.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["boundaries", "teams", "teams_counted"]);
}

#[test]
fn easting_northing_points_and_kept_columns() {
    let dir = tempfile::tempdir().unwrap();
    covgap_at(&dir)
        .args([
            "assign",
            "-q",
            "--out",
            "o.csv",
            "--keep-columns",
            "id",
            "--points",
        ])
        .arg(fixture_path("points/easting_northing.csv"))
        .assert()
        .success();
    let rows = read_csv(&dir.path().join("o.csv"));
    assert_eq!(rows[0][0..2], ["id", "area_code"]);
    assert_eq!(col(&rows, "area_name"), ["Birmingham", "Westminster"]);
    assert_eq!(
        col(&rows, "located_by"),
        ["easting_northing", "easting_northing"]
    );
}

#[test]
fn the_same_place_by_coordinates_and_by_grid_reference_agrees() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.csv"),
        "id,lat,lon,e,n\nll,52.476660,-1.903535,,\nen,,,406649,286530\n",
    )
    .unwrap();
    covgap_at(&dir)
        .args([
            "assign",
            "-q",
            "--points",
            "p.csv",
            "--out",
            "o.csv",
            "--easting-column",
            "e",
            "--northing-column",
            "n",
        ])
        .assert()
        .success();
    let rows = read_csv(&dir.path().join("o.csv"));
    let km = col(&rows, "nearest_team_km");
    let (a, b): (f64, f64) = (km[0].parse().unwrap(), km[1].parse().unwrap());
    // The postcode directory rounds grid references to the metre.
    assert!((a - b).abs() <= 0.02, "{a} vs {b}");
    assert_eq!(col(&rows, "area_code"), ["E08000025", "E08000025"]);
}

#[test]
fn postcodes_with_a_directory_and_without() {
    let dir = tempfile::tempdir().unwrap();
    covgap_at(&dir)
        .args([
            "assign",
            "-q",
            "--out",
            "with.csv",
            "--postcode-column",
            "Post Code",
            "--postcodes",
        ])
        .arg(fixture_path("points/postcode_directory.csv"))
        .arg("--points")
        .arg(fixture_path("points/postcodes.csv"))
        .assert()
        .success();
    let rows = read_csv(&dir.path().join("with.csv"));
    // NPT 2UB, an old-style Newport postcode the directory still lists, in Newport.
    assert_eq!(
        col(&rows, "area_code"),
        ["E08000025", "E09000033", "", "W06000022"]
    );
    assert_eq!(
        col(&rows, "located_by"),
        ["postcode", "postcode", "", "postcode"]
    );
    assert_eq!(
        col(&rows, "not_placed"),
        ["", "", "postcode not in the postcode directory", ""]
    );

    covgap_at(&dir)
        .args([
            "assign",
            "-q",
            "--out",
            "without.csv",
            "--postcode-column",
            "post code",
            "--points",
        ])
        .arg(fixture_path("points/postcodes.csv"))
        .assert()
        .success();
    let rows = read_csv(&dir.path().join("without.csv"));
    assert_eq!(col(&rows, "area_code")[..2], ["E08000025", "E09000033"]);
    assert_eq!(
        col(&rows, "located_by"),
        [
            "postcode_district",
            "postcode_district",
            "",
            "postcode_district"
        ]
    );
    assert_eq!(
        col(&rows, "not_placed"),
        ["", "", "postcode district not known", ""]
    );
}

#[test]
fn no_location_columns_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.csv"), "a,b\n1,2\n").unwrap();
    covgap_at(&dir)
        .args(["assign", "--points", "p.csv", "--out", "o.csv"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "p.csv: has no latitude/longitude",
        ));
    assert!(!dir.path().join("o.csv").exists());
}

/// Deterministic pseudo-random points over the UK's extent, some at sea.
/// A folder holding `p.csv`, [`many_points`]`(n)`, and the built-in data analysed: what the
/// library-level assign and check tests start from.
pub fn many_points_and_the_built_in_analysis(
    n: usize,
) -> (tempfile::TempDir, std::path::PathBuf, covgap::Analysis) {
    let dir = tempfile::tempdir().unwrap();
    let points = dir.path().join("p.csv");
    std::fs::write(&points, many_points(n)).unwrap();
    let a = covgap::analyse_inputs(
        &covgap::load::Inputs::default(),
        &mut covgap::error::Diagnostics::new(),
    )
    .unwrap();
    (dir, points, a)
}

pub fn many_points(n: usize) -> String {
    let mut s = String::from("id,latitude,longitude\n");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let lat = 50.0 + (x % 10_000) as f64 * 0.0009;
        let lon = -6.0 + ((x >> 20) % 10_000) as f64 * 0.0008;
        s.push_str(&format!("p{i},{lat:.5},{lon:.5}\n"));
    }
    s
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.csv"), many_points(30_000)).unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2", "5"] {
        let out = format!("o{threads}.csv");
        covgap_at(&dir)
            .args([
                "assign",
                "-q",
                "--points",
                "p.csv",
                "--threads",
                threads,
                "--out",
                &out,
            ])
            .assert()
            .success();
        outputs.push(std::fs::read(dir.path().join(&out)).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
}

/// A thread count far beyond the work starts no more workers than there are chunks: a 4-row
/// file with --threads 10000 takes as long as with 1 (it took minutes and a gigabyte to start
/// and stop 10,000 idle workers), with the same output.
#[test]
fn many_more_threads_than_chunks_cost_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "10000"] {
        let out = format!("o{threads}.csv");
        covgap_at(&dir)
            .args(["assign", "-q", "--threads", threads, "--out", &out])
            .arg("--points")
            .arg(fixture_path("points/lonlat.csv"))
            .timeout(std::time::Duration::from_secs(30))
            .assert()
            .success();
        outputs.push(std::fs::read(dir.path().join(&out)).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn results_do_not_depend_on_chunk_size_and_match_the_unbatched_answer() {
    use covgap::assign::{AssignPlan, Assigner, PointsInput};
    let (dir, points, a) = many_points_and_the_built_in_analysis(5_000);
    let assigner = Assigner::new(&a.study, &a.coverage);
    let mut outs = Vec::new();
    for (threads, chunk) in [(1, 0), (3, 1500), (2, 70_000)] {
        let plan = AssignPlan {
            input: PointsInput {
                points: points.clone(),
                threads: Some(threads),
                chunk_bytes: chunk,
                ..Default::default()
            },
            out_csv: dir.path().join(format!("o{threads}.csv")),
            ..Default::default()
        };
        covgap::assign::assign_file(&assigner, &plan, &()).unwrap();
        outs.push(std::fs::read(&plan.out_csv).unwrap());
    }
    assert_eq!(outs[0], outs[1]);
    assert_eq!(outs[0], outs[2]);
    // Row by row, the streamed answer is the plain one.
    let rows = read_csv(&dir.path().join("o1.csv"));
    for r in rows[1..].iter() {
        let c = geo::coord! { x: r[2].parse::<f64>().unwrap(), y: r[1].parse::<f64>().unwrap() };
        let want = assigner.at_lonlat(c);
        assert_eq!(
            r[3],
            want.area
                .map_or(String::new(), |i| a.study.areas[i].code.clone())
        );
        let tens = want.nearest.map(|(_, m)| (m / 10.0).round() as u64);
        let km = tens.map(|t| format!("{}.{:02}", t / 100, t % 100));
        assert_eq!(r[6], km.unwrap_or_default(), "{r:?}");
    }
}

/// The column flags naming the headers of `points/headers_covgap_does_not_know.csv`.
pub(crate) const POINT_COLUMN_FLAGS: &[&str] = &[
    "--lat-column",
    "Y deg",
    "--lon-column",
    "X deg",
    "--easting-column",
    "Grid E",
    "--northing-column",
    "Grid N",
    "--postcode-column",
    "Where",
];

/// Every point column under a header covgap does not know, named with its flag: each row
/// is placed by the one kind of location it fills in, so a flag that was ignored leaves its
/// row unlocated.
#[test]
fn every_point_column_can_be_named_with_a_flag() {
    let dir = tempfile::tempdir().unwrap();
    covgap_at(&dir)
        .args(["assign", "-q", "--out", "o.csv", "--points"])
        .arg(fixture_path("points/headers_covgap_does_not_know.csv"))
        .args(POINT_COLUMN_FLAGS)
        .assert()
        .success();
    let rows = read_csv(&dir.path().join("o.csv"));
    assert_eq!(
        col(&rows, "located_by"),
        [
            "latitude_longitude",
            "easting_northing",
            "postcode_district"
        ]
    );
    assert_eq!(
        col(&rows, "area_code"),
        ["E08000025", "E09000033", "E08000025"]
    );
}

/// assign places points in the districts of --boundaries and measures to the teams of
/// --teams, not the built-in ones: Birmingham is in none of the Oxfordshire districts, and
/// the only team is the list's City team.
#[test]
fn points_are_placed_in_the_given_boundaries_and_measured_to_the_given_teams() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.csv"),
        "id,latitude,longitude\noxford,51.752,-1.2577\nwitney,51.785,-1.485\nbirmingham,52.4862,-1.8904\n",
    )
    .unwrap();
    covgap_at(&dir)
        .args(["assign", "-q", "--points", "p.csv", "--out", "o.csv"])
        .arg("--boundaries")
        .arg(fixture_path("boundaries/oxfordshire_wgs84.geojson"))
        .arg("--teams")
        .arg(fixture_path("teams/oxford_only.csv"))
        .assert()
        .success();
    let rows = read_csv(&dir.path().join("o.csv"));
    assert_eq!(col(&rows, "area_code"), ["E07000178", "E07000181", ""]);
    assert_eq!(
        col(&rows, "nearest_team"),
        ["City team", "City team", "City team"]
    );
    let km = col(&rows, "nearest_team_km");
    assert_eq!(km[0], "0.00");
    assert!(km[1].parse::<f64>().unwrap() > 0.0, "{km:?}");
}

/// -q leaves only errors on stderr: no row warnings and no summary, though rows are still
/// not located and the file is still written.
#[test]
fn quiet_assign_prints_nothing_and_still_writes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = fixture_path("points/bad_rows.csv");
    let loud = covgap_at(&dir)
        .args(["assign", "--out", "loud.csv", "--points"])
        .arg(&p)
        .assert()
        .success();
    let loud = String::from_utf8_lossy(&loud.get_output().stderr).into_owned();
    assert!(loud.contains("warning:") && loud.contains("covgap assign: 9 rows"));
    covgap_at(&dir)
        .args(["assign", "-q", "--out", "quiet.csv", "--points"])
        .arg(&p)
        .assert()
        .success()
        .stderr("");
    assert_eq!(
        std::fs::read(dir.path().join("quiet.csv")).unwrap(),
        std::fs::read(dir.path().join("loud.csv")).unwrap()
    );
}

/// `assign` places points and measures distances; it reads no figures, so the figure flags of
/// `run` are not among its flags (they were accepted and changed nothing).
#[test]
fn figure_flags_are_not_assign_flags() {
    for flag in [
        &["--births", "births.csv"][..],
        &["--sheet", "Table 1"],
        &["--births-code-column", "code"],
        &["--births-column", "births"],
        &["--measure", "age0"],
        &["--period", "2024"],
    ] {
        let dir = tempfile::tempdir().unwrap();
        covgap_at(&dir)
            .args(["assign", "--points", "points.csv"])
            .args(flag)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(format!(
                "unexpected argument '{}'",
                flag[0]
            )));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}

/// Boundaries with codes no figures table knows (health boards, say): `run` has no figures
/// for them, but `assign`, which reads none, places points in them.
#[test]
fn assign_needs_no_figures_for_the_boundaries() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("points.csv"),
        "id,easting,northing\nw,405000,305000\ne,415000,305000\n",
    )
    .unwrap();
    let boundaries = fixture_path("boundaries/own_codes_no_figures.geojson");
    let teams = fixture_path("teams/own_codes_team.csv");
    covgap_at(&dir)
        .arg("run")
        .arg("--boundaries")
        .arg(&boundaries)
        .arg("--teams")
        .arg(&teams)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("no figure matched any area code"));
    covgap_at(&dir)
        .args(["assign", "--points", "points.csv", "--out", "out.csv", "-q"])
        .arg("--boundaries")
        .arg(&boundaries)
        .arg("--teams")
        .arg(&teams)
        .assert()
        .success();
    let rows = read_csv(&dir.path().join("out.csv"));
    assert_eq!(rows[0][3..6], ["area_code", "area_name", "nearest_team"]);
    assert_eq!(rows[1][3..6], ["HB00", "West board", "West team"]);
    assert_eq!(rows[2][3..6], ["HB01", "East board", "West team"]);
    assert_eq!(rows[2][6], "5.00");
}

/// A point outside the boundaries given (Wales's districts) but inside a district a counted
/// team serves (Aberdeen, NHS Grampian's) is 0 km from that team, as with the whole UK given;
/// before, it was measured to the district's edge from inside it.
#[test]
fn a_point_outside_the_boundaries_in_a_served_district_is_0_km_from_its_team() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.csv"), "lat,lon\n57.1437,-2.0981\n").unwrap();
    let wales = crate::fixture("boundaries/wales_districts.geojson");
    crate::covgap_at(&dir)
        .args([
            "assign",
            "-q",
            "--boundaries",
            &wales,
            "--points",
            "p.csv",
            "--out",
            "a.csv",
        ])
        .assert()
        .success();
    let rows = crate::read_csv(&dir.path().join("a.csv"));
    assert_eq!(rows[1][2], "", "outside Wales");
    assert_eq!(
        rows[1][4..6],
        ["NHS Grampian Infant Mental Health (IMH) Team", "0.00"]
    );
}

/// Regression: a row `assign` could not place had every added cell blank, and its reason only
/// on standard error, which `-q` hides. Its `not_placed` cell now says why, in a few words
/// (blank for a row placed, a point at sea too, which has a nearest team), in the CSV and as
/// the GeoJSON's property (null when placed).
#[test]
fn a_row_not_placed_says_why_in_its_own_cells() {
    let dir = tempfile::tempdir().unwrap();
    covgap_at(&dir)
        .args([
            "assign",
            "-q",
            "--out",
            "o.csv",
            "--geojson",
            "o.geojson",
            "--points",
        ])
        .arg(fixture_path("points/bad_rows.csv"))
        .assert()
        .success()
        .stderr("");
    let rows = read_csv(&dir.path().join("o.csv"));
    assert_eq!(
        col(&rows, "id"),
        [
            "ok_lonlat",
            "swapped",
            "words",
            "en_outside",
            "unknown_postcode",
            "not_a_postcode",
            "multiline_note",
            "sea",
            "ok_grid"
        ]
    );
    let why = [
        "",
        "latitude/longitude not in the UK (swapped?)",
        "latitude/longitude not both numbers",
        "easting/northing outside British National Grid's UK extent",
        "postcode district not known",
        "not a UK postcode",
        "",
        "",
        "",
    ];
    assert_eq!(col(&rows, "not_placed"), why);
    let gj: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("o.geojson")).unwrap()).unwrap();
    let got: Vec<&serde_json::Value> = gj["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["properties"]["not_placed"])
        .collect();
    let want: Vec<serde_json::Value> = why
        .iter()
        .map(|w| match *w {
            "" => serde_json::Value::Null,
            w => serde_json::Value::from(w),
        })
        .collect();
    assert_eq!(got, want.iter().collect::<Vec<_>>());

    // By a postcode directory: one it lists with no grid reference, one it does not list,
    // and a place abroad, which swapped would not be in the UK either.
    std::fs::write(
        dir.path().join("p.csv"),
        "id,latitude,longitude,postcode\nox,,,OX1 1AA\ngridless,,,OX1 0ZY\nunknown,,,ZZ9 9ZZ\nparis,48.8566,2.3522,\n",
    )
    .unwrap();
    covgap_at(&dir)
        .args([
            "assign",
            "-q",
            "--out",
            "pc.csv",
            "--points",
            "p.csv",
            "--postcodes",
        ])
        .arg(fixture_path("postcodes/onspd_small.csv"))
        .assert()
        .success()
        .stderr("");
    let rows = read_csv(&dir.path().join("pc.csv"));
    assert_eq!(col(&rows, "located_by"), ["postcode", "", "", ""]);
    assert_eq!(
        col(&rows, "not_placed"),
        [
            "",
            "postcode listed with no grid reference",
            "postcode not in the postcode directory",
            "latitude/longitude not in the UK"
        ]
    );
}

/// `covgap assign` on `points` (a CSV's text, as `p.csv`) into `o.csv`, with `extra` flags,
/// in a folder of its own: the folder (for other outputs), the rows written and standard error.
fn assign_text(points: &str, extra: &[&str]) -> (tempfile::TempDir, Vec<Vec<String>>, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.csv"), points).unwrap();
    let out = covgap_at(&dir)
        .args(["assign", "--points", "p.csv", "--out", "o.csv"])
        .args(extra)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let rows = read_csv(&dir.path().join("o.csv"));
    (dir, rows, stderr)
}

/// `assign` lists the rows it could not place, and those on an Irish grid that land in Great
/// Britain, in line order with how many more, as `check --points` does. Before, it listed the
/// rows not placed first whatever their lines, and said nothing of the rows beyond the first 10.
#[test]
fn rows_not_placed_are_listed_in_line_order_with_how_many_more() {
    let mut text = String::from("id,latitude,longitude,easting,northing,crs\n");
    text.push_str("oxford,,,451000,206000,29903\n");
    for i in 0..11 {
        text.push_str(&format!("bad{i},abc,-1.9,,,\n"));
    }
    let (_dir, _, stderr) = assign_text(&text, &[]);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning: p.csv"))
        .collect();
    assert_eq!(warnings.len(), 12, "{stderr}");
    assert!(
        warnings[0].starts_with(
            "warning: p.csv, line 2: the easting and northing are stated to be on the Irish Grid"
        ),
        "{stderr}"
    );
    for (k, w) in warnings[1..11].iter().enumerate() {
        assert_eq!(
            *w,
            format!(
                "warning: p.csv, line {}: not located: latitude/longitude not both numbers",
                k + 3
            )
        );
    }
    assert_eq!(
        warnings[11],
        "warning: p.csv: 1 more row not located (only the first 10 are listed)"
    );
}

/// An input with columns named as `assign`'s own (`not_placed`, `covgap_not_placed`,
/// `area_code`): the output names covgap's with `covgap_` before them, again if need be, in the
/// CSV and the GeoJSON alike, so the input's values are kept and no name is given twice. Before,
/// the CSV named two columns `covgap_not_placed`, and the GeoJSON wrote covgap's values over
/// the input's.
#[test]
fn added_columns_never_take_an_input_columns_name() {
    let (dir, rows, _) = assign_text(
        "id,not_placed,covgap_not_placed,area_code,latitude,longitude\n1,yes,x,mine,51.75,-1.25\n2,no,y,also mine,abc,1\n",
        &["-q", "--geojson", "o.geojson"],
    );
    let header = &rows[0];
    let unique: std::collections::BTreeSet<&String> = header.iter().collect();
    assert_eq!(unique.len(), header.len(), "{header:?}");
    assert_eq!(col(&rows, "not_placed"), ["yes", "no"]);
    assert_eq!(col(&rows, "area_code"), ["mine", "also mine"]);
    assert_eq!(col(&rows, "covgap_area_code"), ["E07000178", ""]);
    assert_eq!(
        col(&rows, "covgap_covgap_not_placed"),
        ["", "latitude/longitude not both numbers"]
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("o.geojson")).unwrap())
            .unwrap();
    let p = &doc["features"][1]["properties"];
    assert_eq!(p["not_placed"], "no");
    assert_eq!(p["area_code"], "also mine");
    assert_eq!(
        p["covgap_covgap_not_placed"],
        "latitude/longitude not both numbers"
    );
}

/// `--keep-columns` naming a column twice, in two casings, keeps it once: the output had named
/// two columns alike.
#[test]
fn a_column_kept_twice_is_written_once() {
    let (_dir, rows, _) = assign_text(
        "id,latitude,longitude\n1,51.75,-1.25\n",
        &["-q", "--keep-columns", "id,ID,id"],
    );
    assert_eq!(rows[0][..2], ["id", "area_code"]);
}

/// A points file with a header and no rows (a failed export) is an error naming it, as a team
/// list or figures table with none is, and nothing is written: `assign` wrote an empty CSV and
/// exited 0 ("0 rows; 0 located ()"), which reads as every point placed. `check --points` says
/// the same.
#[test]
fn a_points_file_with_a_header_and_no_rows_is_an_error() {
    let points = fixture_path("points/header_only.csv");
    let says = format!(
        "{}: has a header but no rows: it lists no points",
        points.display()
    );
    let dir = tempfile::tempdir().unwrap();
    covgap_at(&dir)
        .args([
            "assign",
            "-q",
            "--out",
            "o.csv",
            "--geojson",
            "o.geojson",
            "--points",
        ])
        .arg(&points)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(says.clone()));
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "assign left {left:?}");
    covgap_at(&dir)
        .args(["check", "--points"])
        .arg(&points)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(says));
}

/// `--out` or `--geojson` naming a named pipe (as `/dev/null` names a device): before,
/// `assign` put its file in place of it, exit 0, and run as root replaced `/dev/null` itself
/// with a regular file. Now it is refused before anything is written, and the pipe is left as
/// it was, as `plan --export-instance` refuses one. A file of one point is counted as "1 row".
#[cfg(unix)]
#[test]
fn an_output_that_is_a_pipe_or_device_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("p.csv"),
        "id,latitude,longitude\nbirmingham,52.4862,-1.8904\n",
    )
    .unwrap();
    crate::make_pipe(&dir.path().join("out.pipe"));
    for outputs in [
        ["--out", "out.pipe", "--geojson", "out.geojson"],
        ["--out", "out.csv", "--geojson", "out.pipe"],
    ] {
        let o = covgap_at(&dir)
            .args(["assign", "--points", "p.csv"])
            .args(outputs)
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .code(1);
        let said = String::from_utf8_lossy(&o.get_output().stderr).into_owned();
        assert!(
            said.contains(
                "out.pipe: cannot write output: this is a device, pipe or socket, not a file"
            ),
            "{said}"
        );
        crate::assert_still_a_pipe(&dir.path().join("out.pipe"));
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["out.pipe", "p.csv"], "{outputs:?}");
    }
    let o = covgap_at(&dir)
        .args(["assign", "--points", "p.csv", "--out", "out.csv"])
        .assert()
        .success();
    let said = String::from_utf8_lossy(&o.get_output().stderr).into_owned();
    assert!(said.contains("covgap assign: 1 row; 1 located"), "{said}");
}

/// Points kept in a workbook (a list of clients' postcodes or coordinates in Excel, which
/// `assign` read before as CSV text and refused): the first sheet with point columns in its
/// first rows is read, of the visible sheets first, and gives what the same list saved as CSV
/// gives. A notes sheet before it, a hidden sheet holding an old list and a title above the
/// header are passed over; a note names the sheet; the rows not placed are named by the
/// sheet's rows, as Excel numbers them; a line break typed in a cell is read as a space.
#[test]
fn points_in_a_workbook_are_read_as_their_csv_is() {
    let csv = "id,latitude,longitude,easting,northing,postcode,note\n\
               birmingham,52.4862,-1.8904,,,,\n\
               words,fifty two,minus one,,,,\n\
               westminster,,,529090,179645,,\n\
               by_district,,,,,OX1 9ZZ,\n\
               sea,50,-5,,,,\n\
               edinburgh,55.9533,-3.1883,,,,\n";
    let (dir, from_csv, csv_err) = assign_text(csv, &["--geojson", "o.geojson"]);
    let book = dir.path().join("p.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet()
        .set_name("Notes")
        .unwrap()
        .write_string(0, 0, "Clients referred, 2025")
        .unwrap();
    let old = wb.add_worksheet().set_name("Old").unwrap();
    crate::csv_into_sheet(old, "id,postcode\nold,B1 1AA\n", 0);
    old.set_hidden(true);
    let t = wb.add_worksheet().set_name("Clients").unwrap();
    t.write_string(0, 0, "Clients referred, 2025").unwrap();
    crate::csv_into_sheet(t, csv, 2);
    // A note typed over two lines in a cell of the last row (row 9).
    t.write_string(8, 6, "typed over\ntwo lines").unwrap();
    t.set_active(true);
    wb.save(&book).unwrap();
    let out = covgap_at(&dir)
        .args(["assign", "--points", "p.xlsx", "--out", "w.csv"])
        .args(["--geojson", "w.geojson"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let from_book = read_csv(&dir.path().join("w.csv"));
    let mut expected = from_csv.clone();
    let last = expected.len() - 1;
    expected[last][6] = "typed over two lines".into();
    assert_eq!(from_book, expected, "{stderr}");
    assert_eq!(col(&from_book, "located_by")[3], "postcode_district");
    let features = |f: &str| {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(f)).unwrap()).unwrap();
        v["features"].as_array().unwrap().len()
    };
    assert_eq!(features("w.geojson"), features("o.geojson"));
    assert!(
        stderr.contains(
            "note: p.xlsx: points read from sheet \"Clients\", whose header is row 3; rows named are the sheet's"
        ),
        "{stderr}"
    );
    // The CSV's line 3 is the sheet's row 5.
    assert!(
        csv_err
            .contains("warning: p.csv, line 3: not located: latitude/longitude not both numbers"),
        "{csv_err}"
    );
    assert!(
        stderr.contains(
            "warning: p.xlsx, sheet \"Clients\", row 5: not located: latitude/longitude not both numbers"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: p.xlsx, sheet \"Clients\", row 8: inside no area"),
        "{stderr}"
    );
    assert!(
        stderr.contains("covgap assign: 6 rows; 5 located"),
        "{stderr}"
    );

    // `check --points` reads the workbook as `assign` does.
    let out = covgap_at(&dir)
        .args(["check", "--points", "p.xlsx"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("6 rows of points read: 5 located, 4 inside an area; 1 not located"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: p.xlsx, sheet \"Clients\", row 5: not located"),
        "{stderr}"
    );
}

/// A workbook with no sheet of points (its columns not found by header, or not the columns
/// named with the flags) is an error naming its sheets and what the first sheet's first row
/// lacks; with the column named, the same sheet is read. Nothing is written.
#[test]
fn a_workbook_with_no_sheet_of_points_names_its_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let t = wb.add_worksheet().set_name("Referrals").unwrap();
    crate::csv_into_sheet(t, "ref,where\n1,OX1 1AA\n2,B1 1AA\n", 0);
    wb.save(dir.path().join("r.xlsx")).unwrap();
    let out = covgap_at(&dir)
        .args(["assign", "--points", "r.xlsx", "--out", "o.csv"])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains(
            "r.xlsx: no sheet has latitude/longitude, easting/northing or postcode columns in its first 30 rows (sheets: \"Referrals\"); sheet \"Referrals\", row 1, the first with anything in it, has no latitude/longitude, easting/northing or postcode columns; the header has"
        ),
        "{stderr}"
    );
    assert!(!dir.path().join("o.csv").exists());
    let out = covgap_at(&dir)
        .args(["assign", "--points", "r.xlsx", "--out", "o.csv"])
        .args(["--postcode-column", "where"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("covgap assign: 2 rows; 2 located (2 by postcode_district)"),
        "{stderr}"
    );
    // With a postcode directory, the postcodes the workbook holds are looked up in it: B1 1AA
    // is in it, OX1 1AA not.
    let out = covgap_at(&dir)
        .args(["assign", "--points", "r.xlsx", "--out", "o.csv"])
        .args(["--postcode-column", "where", "--postcodes"])
        .arg(fixture_path("points/postcode_directory.csv"))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let rows = read_csv(&dir.path().join("o.csv"));
    assert_eq!(col(&rows, "located_by"), ["", "postcode"], "{stderr}");
    assert_eq!(
        col(&rows, "not_placed"),
        ["postcode not in the postcode directory", ""]
    );
}

/// The rows of a workbook `assign` wrote (`--out NAME.xlsx`), its sheet "points", each cell as
/// text: numbers as Rust writes them, so they compare with the CSV's.
fn workbook_rows(path: &std::path::Path) -> Vec<Vec<String>> {
    use calamine::{Data, Reader};
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    assert_eq!(wb.sheet_names(), ["points"]);
    let range = wb.worksheet_range("points").unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) => format!("{f}"),
                    other => panic!("cell {other:?}"),
                })
                .collect()
        })
        .collect()
}

/// `--out NAME.xlsx` writes a workbook, not CSV text under a name Excel refuses to open (as it
/// did before: Excel says the file's format or extension is not valid). Its sheet holds the
/// CSV's rows and columns; numbers are numbers (the distance too), an id with a leading zero
/// stays text, and a cell Excel would take for a formula is text as it was given, with no
/// apostrophe, since a workbook's text cell is never a formula.
#[test]
fn points_written_to_a_workbook_hold_what_the_csv_holds() {
    let csv = "id,latitude,longitude,postcode,note\n\
               007,52.4862,-1.8904,,=SUM(A1:A2)\n\
               words,fifty two,minus one,,\n\
               by_district,,,OX1 9ZZ,\"Oxford, by district\"\n\
               sea,50.0,-5.0,,\n";
    let (dir, from_csv, _) = assign_text(csv, &[]);
    covgap_at(&dir)
        .args(["assign", "-q", "--points", "p.csv", "--out", "w.xlsx"])
        .assert()
        .success();
    let book = workbook_rows(&dir.path().join("w.xlsx"));
    assert_eq!(book[0], from_csv[0]);
    assert_eq!(book.len(), from_csv.len());
    for (b, c) in book.iter().zip(&from_csv).skip(1) {
        for (x, y) in b.iter().zip(c) {
            let same_number =
                matches!((x.parse::<f64>(), y.parse::<f64>()), (Ok(a), Ok(b)) if a == b);
            assert!(
                x == y || same_number || format!("'{x}") == *y,
                "{x:?} against the CSV's {y:?}"
            );
        }
    }
    assert_eq!(book[1][0], "007");
    assert_eq!(book[1][4], "=SUM(A1:A2)");
    assert_eq!(from_csv[1][4], "'=SUM(A1:A2)");
    assert_eq!(book[3][4], "Oxford, by district");
    use calamine::{Data, Reader};
    let mut wb = calamine::open_workbook_auto(dir.path().join("w.xlsx")).unwrap();
    let range = wb.worksheet_range("points").unwrap();
    let km = from_csv[0]
        .iter()
        .position(|h| h == "nearest_team_km")
        .unwrap();
    assert_eq!(range.get((1, 1)), Some(&Data::Float(52.4862)));
    assert!(
        matches!(range.get((1, km)), Some(Data::Float(_))),
        "{:?}",
        range.get((1, km))
    );
}

/// An `--out` named as another spreadsheet format (`.ods`, `.xls`), which covgap does not
/// write, is refused before anything is written: CSV text under that name would not open.
#[test]
fn points_to_a_spreadsheet_format_covgap_does_not_write_are_refused() {
    for name in ["o.ods", "o.XLS"] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("p.csv"),
            "id,latitude,longitude\n1,52.4862,-1.8904\n",
        )
        .unwrap();
        let out = covgap_at(&dir)
            .args(["assign", "--points", "p.csv", "--out", name])
            .assert()
            .failure();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.contains(&format!("{name}: cannot write output: covgap writes points as CSV, or as an Excel workbook when --out ends in .xlsx, not as .{}: name it .csv or .xlsx", name.rsplit('.').next().unwrap().to_lowercase())),
            "{stderr}"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

/// More points than an Excel sheet holds below its header (1,048,575) cannot go to a
/// workbook: an error naming the line where the sheet ran out, and nothing is written (no
/// workbook cut short, no temporary file left).
#[test]
fn more_points_than_a_sheet_holds_are_an_error_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("id,latitude,longitude\n");
    for i in 0..1_048_576 {
        text.push_str(&format!("{i},52.4862,-1.8904\n"));
    }
    std::fs::write(dir.path().join("p.csv"), text).unwrap();
    let out = covgap_at(&dir)
        .args(["assign", "--points", "p.csv", "--out", "w.xlsx"])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("w.xlsx: cannot write output: the points run past 1,048,575 rows (at line 1048577), as many as an Excel sheet holds below its header: write CSV (--out NAME.csv), which has no such limit"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// A workbook holding a sheet of points a year (as referrals are kept): `--points-sheet`
/// names the one to read, which before could not be chosen (the first sheet with point
/// columns was read, whatever the user meant). A sheet the workbook lacks is an error naming
/// its sheets; one without point columns says what its first row lacks; the flag given for a
/// CSV is an error, not passed over.
#[test]
fn points_sheet_names_the_sheet_of_points_to_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    crate::csv_into_sheet(
        wb.add_worksheet().set_name("2024").unwrap(),
        "id,latitude,longitude\nbirmingham,52.4862,-1.8904\n",
        0,
    );
    crate::csv_into_sheet(
        wb.add_worksheet().set_name("2025").unwrap(),
        "id,latitude,longitude\nedinburgh,55.9533,-3.1883\nwestminster,51.5014,-0.1419\n",
        0,
    );
    crate::csv_into_sheet(
        wb.add_worksheet().set_name("Notes").unwrap(),
        "About,these\n",
        0,
    );
    wb.save(dir.path().join("r.xlsx")).unwrap();
    let out = covgap_at(&dir)
        .args([
            "assign",
            "--points",
            "r.xlsx",
            "--points-sheet",
            "2025",
            "--out",
            "o.csv",
        ])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("note: r.xlsx: points read from sheet \"2025\" (named with --points-sheet), whose header is row 1"),
        "{stderr}"
    );
    let rows = read_csv(&dir.path().join("o.csv"));
    assert_eq!(col(&rows, "id"), ["edinburgh", "westminster"]);
    assert_eq!(col(&rows, "area_code"), ["S12000036", "E09000033"]);

    let fails = |args: &[&str], want: &str| {
        let o = covgap_at(&dir).args(args).assert().failure();
        let stderr = String::from_utf8_lossy(&o.get_output().stderr).into_owned();
        assert!(stderr.contains(want), "{want:?} not in:\n{stderr}");
    };
    fails(
        &["check", "--points", "r.xlsx", "--points-sheet", "2026"],
        "r.xlsx: has no sheet \"2026\"; its sheets are \"2024\", \"2025\", \"Notes\"",
    );
    fails(
        &["assign", "--points", "r.xlsx", "--points-sheet", "Notes", "--out", "n.csv"],
        "r.xlsx: sheet \"Notes\" (--points-sheet) has no latitude/longitude, easting/northing or postcode columns in its first 30 rows; row 1, the first with anything in it, has no latitude/longitude",
    );
    assert!(!dir.path().join("n.csv").exists());
    std::fs::write(
        dir.path().join("p.csv"),
        "id,latitude,longitude\n1,52.4862,-1.8904\n",
    )
    .unwrap();
    fails(
        &["assign", "--points", "p.csv", "--points-sheet", "2025", "--out", "n.csv"],
        "p.csv: --points-sheet \"2025\" was given but this is not a workbook (.xlsx, .xls or .ods); it is read as CSV, which has no sheets",
    );
}

/// A workbook whose header, under a title, has two latitude columns (`latitude`, and `lat`
/// beside it): before, the header was not taken for one, and the error was "no sheet has
/// latitude/longitude, easting/northing or postcode columns ...; sheet \"Clients\", row 1, the
/// first with anything in it, has no latitude/longitude ... columns", blaming the title. It is
/// now the error the same list saved as CSV gives, naming the two columns and the flag.
#[test]
fn a_workbook_header_with_two_latitude_columns_is_named_as_its_csv_is() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "id,latitude,longitude,lat\nbirmingham,52.4862,-1.8904,52.48\n";
    std::fs::write(dir.path().join("p.csv"), csv).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let t = wb.add_worksheet().set_name("Clients").unwrap();
    t.write_string(0, 0, "Clients referred, 2025").unwrap();
    crate::csv_into_sheet(t, csv, 2);
    wb.save(dir.path().join("p.xlsx")).unwrap();
    let says = "has two latitude columns, \"latitude\" and \"lat\", and covgap cannot tell which to read: name one with --lat-column";
    for (cmd, file) in [
        ("assign", "p.csv"),
        ("assign", "p.xlsx"),
        ("check", "p.xlsx"),
    ] {
        let mut c = covgap_at(&dir);
        c.args([cmd, "--points", file]);
        if cmd == "assign" {
            c.args(["--out", "o.csv"]);
        }
        let out = c.assert().failure();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.contains(&format!("{file}: {says}")),
            "{cmd} {file}: {stderr}"
        );
        assert!(!stderr.contains("no sheet has"), "{cmd} {file}: {stderr}");
    }
    assert!(!dir.path().join("o.csv").exists());
    // With the column named, the workbook is read.
    let out = covgap_at(&dir)
        .args(["assign", "--points", "p.xlsx", "--out", "o.csv"])
        .args(["--lat-column", "latitude"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(
        col(&read_csv(&dir.path().join("o.csv")), "area_code"),
        ["E08000025"],
        "{stderr}"
    );
}

/// A client list's dates (a date of referral, a time of contact), which `assign` copies into
/// its outputs as the list has them: before, a workbook's date cells came out as
/// "2025-03-04 (a date)" and "2025-03-04 10:30:00 (a date)", the marker covgap puts on a date
/// read as a births figure. They now come out as the dates, as in the GeoJSON; a date in the
/// latitude column is still not a number.
#[test]
fn a_workbook_date_is_copied_into_the_outputs_as_the_date() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let t = wb.add_worksheet().set_name("Clients").unwrap();
    t.write_row(0, 0, ["id", "latitude", "longitude", "referred", "contact"])
        .unwrap();
    let day = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    let time = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let referred = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 3, 4).unwrap();
    let contact = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 3, 4)
        .unwrap()
        .and_hms(10, 30, 0)
        .unwrap();
    for (r, id) in [(1, "birmingham"), (2, "dated")] {
        t.write_string(r, 0, id).unwrap();
        t.write_number(r, 2, -1.8904).unwrap();
        t.write_datetime_with_format(r, 3, &referred, &day).unwrap();
        t.write_datetime_with_format(r, 4, &contact, &time).unwrap();
    }
    t.write_number(1, 1, 52.4862).unwrap();
    t.write_datetime_with_format(2, 1, &referred, &day).unwrap();
    wb.save(dir.path().join("p.xlsx")).unwrap();
    let out = covgap_at(&dir)
        .args(["assign", "--points", "p.xlsx", "--out", "o.csv"])
        .args(["--geojson", "o.geojson"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let rows = read_csv(&dir.path().join("o.csv"));
    assert_eq!(
        col(&rows, "referred"),
        ["2025-03-04", "2025-03-04"],
        "{stderr}"
    );
    assert_eq!(
        col(&rows, "contact"),
        ["2025-03-04 10:30:00", "2025-03-04 10:30:00"]
    );
    assert_eq!(col(&rows, "latitude")[1], "2025-03-04");
    assert_eq!(
        col(&rows, "not_placed"),
        ["", "latitude/longitude not both numbers"]
    );
    let geo: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("o.geojson")).unwrap())
            .unwrap();
    assert_eq!(
        geo["features"][0]["properties"]["referred"],
        serde_json::json!("2025-03-04")
    );
}

/// A points workbook given through a pipe (`--points /dev/stdin`, a shell's `<(...)`), which
/// covgap cannot read as a workbook (README: a workbook must be a file): before, its bytes
/// were read as CSV and the error was "its header is one field holding semicolons (;): the
/// file is separated by semicolons ...". It now says it is a workbook through a pipe, and to
/// give its path or save it as CSV; nothing is written. Unix only: Windows has no
/// `/dev/stdin`.
#[cfg(unix)]
#[test]
fn a_points_workbook_through_a_pipe_is_said_to_be_one() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("p.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let t = wb.add_worksheet();
    crate::csv_into_sheet(t, "id,latitude,longitude\nbirmingham,52.4862,-1.8904\n", 0);
    wb.save(&book).unwrap();
    for cmd in ["assign", "check"] {
        let mut c = covgap_at(&dir);
        c.args([cmd, "--points", "/dev/stdin"]);
        if cmd == "assign" {
            c.args(["--out", "o.csv"]);
        }
        let out = c
            .write_stdin(std::fs::read(&book).unwrap())
            .assert()
            .failure();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.contains("/dev/stdin: is an Excel workbook (or another zip file) read through a pipe: covgap reads a workbook only from a file; give its path, or save the sheet as CSV"),
            "{cmd}: {stderr}"
        );
        assert!(!stderr.contains("semicolons"), "{cmd}: {stderr}");
    }
    assert!(!dir.path().join("o.csv").exists());
}
