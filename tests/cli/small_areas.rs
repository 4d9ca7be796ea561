//! `covgap run --small-areas`: placing, weighted centroids and distance bands, checked on
//! hand-drawn squares (tests/fixtures/small_areas) whose answers are worked out below.
//!
//! Districts (British National Grid, metres): Alpha 400-410 km E x 300-310 km N, covered
//! by Team One; Beta 410-440 km E; Gamma 440-520 km E (same northings); Delta a U shape at
//! 320-330 km N with a notch 405-425 km E, 325-330 km N. Small areas are 1 km squares; a
//! square's representative point is its centre.
//! - E01000001 (10) centre 402.5, 302.5 in Alpha: covered.
//! - E01000002 (20) centre 412.5, 304.5 in Beta: 2.5 km from Alpha: up to 10 km.
//! - E01000003 (30) centre 429.5, 300.5 in Beta: 19.5 km: 10-25 km.
//! - E01000004 (40) centre 438.5, 309.5 in Beta: 28.5 km: 25-50 km.
//! - E01000005 (5) centre 515.5, 305.5 in Gamma: 105.5 km: over 50 km.
//! - E01000006 (no figure) in Gamma: in no band.
//! - E01000007 (10) centre 401.5, 327.5 in Delta: 17.5 km from Alpha's top edge: 10-25 km.
//! - E01000008 (10) centre 428.5, 327.5 in Delta: to Alpha's corner (410, 310)
//!   sqrt(18.5^2 + 17.5^2) = 25.47 km: 25-50 km.
//!
//! Beta's weighted centroid: x = (412.5*20 + 429.5*30 + 438.5*40) / 90 = 429.722 km,
//! 19.722 km from Alpha, so Beta's nearest team is 19.7 km away. Delta's centroid (415,
//! 327.5) is in its notch, outside it: Delta keeps its interior point. In all, 125 babies,
//! 55 of them more than 25 km from a team (44.0%).

use serde_json::Value;

use crate::{covgap_at, fixture_path, read_csv};

fn run(dir: &tempfile::TempDir, extra: &[&str]) -> assert_cmd::assert::Assert {
    let f = |n: &str| {
        fixture_path(&format!("small_areas/{n}"))
            .display()
            .to_string()
    };
    let mut c = covgap_at(dir);
    c.args(["run", "--out", "out", "--boundaries"])
        .arg(f("districts_bng.geojson"))
        .arg("--births")
        .arg(f("births.csv"))
        .arg("--teams")
        .arg(f("teams.csv"))
        .args(
            extra
                .iter()
                .map(|s| s.replace("FIX/", &format!("{}/", f("")))),
        );
    c.assert()
}

fn bands_of(rows: &[Vec<String>], code: &str) -> Vec<String> {
    let h = &rows[0];
    let row = rows.iter().find(|r| r[1] == code).expect("row");
    [
        "babies_covered",
        "babies_within_10km",
        "babies_10_to_25km",
        "babies_25_to_50km",
        "babies_over_50km",
    ]
    .iter()
    .map(|k| row[h.iter().position(|x| x == k).expect("band column")].clone())
    .collect()
}

#[test]
fn hand_worked_bands_centroids_and_briefing_line() {
    let dir = tempfile::tempdir().unwrap();
    run(
        &dir,
        &[
            "--small-areas",
            "FIX/small_areas_a.geojson",
            "--small-areas",
            "FIX/small_areas_b.geojson",
            "--small-area-figures",
            "FIX/figures_a.csv,FIX/figures_b.csv",
            "--small-areas-geojson",
        ],
    )
    .success();
    let out = dir.path().join("out");
    let roll = read_csv(&out.join("rollups.csv"));
    assert_eq!(bands_of(&roll, ""), ["10", "20", "40", "50", "5"]);

    let areas: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("areas.geojson")).unwrap()).unwrap();
    let props = |code: &str| {
        areas["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["code"] == code)
            .unwrap()["properties"]
            .clone()
    };
    let beta = props("E06000002");
    assert_eq!(beta["babies_within_10km"], 20);
    assert_eq!(beta["babies_10_to_25km"], 30);
    assert_eq!(beta["babies_25_to_50km"], 40);
    assert_eq!(beta["nearest_team_km"], 19.7);
    assert_eq!(props("E06000001")["babies_covered"], 10);
    assert_eq!(props("E06000003")["babies_over_50km"], 5);
    let delta = props("E06000004");
    assert_eq!(delta["babies_10_to_25km"], 10);
    assert_eq!(delta["babies_25_to_50km"], 10);

    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(
        md.contains("**55** babies live more than 25 km from the nearest team (44.0% of the 125"),
        "{md}"
    );
    assert!(md.contains("Delta (U-shaped) (E06000004)"), "{md}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        json["small_areas"]["distance_bands"]["babies_beyond_25km"],
        55
    );
    assert_eq!(json["small_areas"]["count"], 8);

    let sa: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("small_areas.geojson")).unwrap()).unwrap();
    let feats = sa["features"].as_array().unwrap();
    assert_eq!(feats.len(), 8);
    let f8 = feats
        .iter()
        .find(|f| f["properties"]["code"] == "E01000008")
        .unwrap();
    assert_eq!(f8["properties"]["district_code"], "E06000004");
    assert_eq!(f8["properties"]["nearest_team_km"], 25.47);
    assert_eq!(f8["properties"]["band"], "babies_25_to_50km");
    // RFC 7946: no crs member, WGS84 positions.
    assert!(sa.get("crs").is_none());
    let x = f8["geometry"]["coordinates"][0][0][0][0].as_f64().unwrap();
    assert!((-3.0..0.0).contains(&x), "{x}");

    // The GeoPackage's areas layer and the workbook's Rollups sheet carry the same bands.
    let db = rusqlite::Connection::open(out.join("covgap.gpkg")).unwrap();
    let beta_bands: (Option<i64>, i64, i64, i64, i64) = db
        .query_row(
            "SELECT babies_covered, babies_within_10km, babies_10_to_25km, babies_25_to_50km, \
             babies_over_50km FROM areas WHERE code = 'E06000002'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(beta_bands, (Some(0), 20, 30, 40, 0));
    use calamine::Reader;
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(
        std::fs::read(out.join("covgap.xlsx")).unwrap(),
    ))
    .unwrap();
    let r = wb.worksheet_range("Rollups").unwrap();
    let header: Vec<String> = (0..r.width() as u32)
        .map(|c| {
            r.get_value((0, c))
                .map(|v| v.to_string())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        header[10..],
        [
            "Period",
            "Babies in a covered area",
            "Babies up to 10 km",
            "Babies 10-25 km",
            "Babies 25-50 km",
            "Babies over 50 km"
        ]
    );
    let total: Vec<f64> = (11..16)
        .map(|c| match r.get_value((1, c)) {
            Some(calamine::Data::Float(v)) => *v,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(total, [10.0, 20.0, 40.0, 50.0, 5.0]);
}

/// The notes copied into summary.md, and the warnings, read properly for one and for many:
/// "1 district keeps its interior point", "2 districts have no small areas", never
/// "district(s)" or "small area(s)".
#[test]
fn notes_read_properly_for_one_and_for_many() {
    let one = tempfile::tempdir().unwrap();
    let o = run(
        &one,
        &[
            "--small-areas",
            "FIX/small_areas_a.geojson,FIX/small_areas_b.geojson",
            "--small-area-figures",
            "FIX/figures_a.csv,FIX/figures_b.csv",
        ],
    )
    .success();
    let stderr_one = String::from_utf8_lossy(&o.get_output().stderr).to_string();
    let md = std::fs::read_to_string(one.path().join("out/summary.md")).unwrap();
    assert!(
        md.lines().any(|l| l
            == "- 1 district keeps its interior point because the weighted centroid of its small areas falls outside it: Delta (U-shaped) (E06000004)."),
        "{md}"
    );

    // Without small_areas_b's figures, its four squares have none, and Gamma and Delta no
    // small area with a figure.
    let many = tempfile::tempdir().unwrap();
    let o = run(
        &many,
        &[
            "--small-areas",
            "FIX/small_areas_a.geojson,FIX/small_areas_b.geojson",
            "--small-area-figures",
            "FIX/figures_a.csv",
        ],
    )
    .success();
    let stderr = String::from_utf8_lossy(&o.get_output().stderr).to_string();
    assert!(
        stderr.contains(
            "warning: small areas: 4 small areas have no figure in the tables given; they count in no band"
        ),
        "{stderr}"
    );
    let md2 = std::fs::read_to_string(many.path().join("out/summary.md")).unwrap();
    assert!(
        md2.lines().any(|l| l
            == "- 2 districts have no small areas with a figure (England); they keep their interior point and have no distance bands."),
        "{md2}"
    );
    for text in [&md, &md2] {
        assert!(!text.contains("(s)"), "{text}");
    }
    for line in stderr_one.lines().chain(stderr.lines()) {
        assert!(
            !(line.contains("small area") && line.contains("(s)")),
            "{line}"
        );
    }
}

#[test]
fn without_the_geojson_flag_no_small_areas_file() {
    let dir = tempfile::tempdir().unwrap();
    run(
        &dir,
        &[
            "--small-areas",
            "FIX/small_areas_a.geojson,FIX/small_areas_b.geojson",
            "--small-area-figures",
            "FIX/figures_a.csv,FIX/figures_b.csv",
        ],
    )
    .success();
    assert!(!dir.path().join("out/small_areas.geojson").exists());
    assert!(dir.path().join("out/summary.md").exists());
    // run.json records the small-area files, with their fingerprints, and the options.
    let v = crate::run_json(&dir.path().join("out"));
    let read: Vec<(String, String)> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["role"].as_str().unwrap().starts_with("small_area"))
        .map(|i| {
            let path = std::path::PathBuf::from(i["path"].as_str().unwrap());
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(
                i["sha256"],
                covgap::write::run::fingerprint_bytes(&bytes).1,
                "{i}"
            );
            (
                i["role"].as_str().unwrap().to_string(),
                path.file_name().unwrap().to_string_lossy().to_string(),
            )
        })
        .collect();
    let want = [
        ("small_area_boundaries", "small_areas_a.geojson"),
        ("small_area_boundaries", "small_areas_b.geojson"),
        ("small_area_figures", "figures_a.csv"),
        ("small_area_figures", "figures_b.csv"),
    ];
    assert_eq!(
        read,
        want.map(|(r, f)| (r.to_string(), f.to_string())).to_vec()
    );
    assert_eq!(
        v["options"]["small_areas"]["figures"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // And, as for the boundaries, how each polygon file's coordinate system was decided.
    let systems: Vec<(String, &str)> = v["small_areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let source = std::path::PathBuf::from(f["source"].as_str().unwrap());
            (
                source.file_name().unwrap().to_string_lossy().to_string(),
                f["coordinate_system"].as_str().unwrap(),
            )
        })
        .collect();
    let stated = "declared in the file's \"crs\" member: British National Grid (EPSG:27700)";
    assert_eq!(
        systems,
        [
            ("small_areas_a.geojson".to_string(), stated),
            ("small_areas_b.geojson".to_string(), stated)
        ]
    );
}

#[test]
fn figures_without_polygons_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    run(&dir, &["--small-area-figures", "FIX/figures_a.csv"]).code(2);
}

#[test]
fn a_named_figure_column_that_is_missing_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    run(
        &dir,
        &[
            "--small-areas",
            "FIX/small_areas_a.geojson",
            "--small-area-figures",
            "FIX/figures_a.csv",
            "--small-area-figure-column",
            "age_4",
        ],
    )
    .code(1)
    .stderr(predicates::str::contains("figures_a.csv"));
}

/// The small-area fixtures whose fields and columns covgap does not know by name, with the
/// flags that name each: shared by `run` here and `check` (check_inputs.rs).
pub(crate) const UNRECOGNISED_SMALL_AREA_FLAGS: &[&str] = &[
    "--small-areas",
    "FIX/small_areas_a_unrecognised_fields.geojson",
    "--small-area-figures",
    "FIX/figures_a_unrecognised_headers.csv",
    "--small-area-code-field",
    "sa_ref",
    "--small-area-name-field",
    "sa_label",
    "--small-area-code-column",
    "sa_ref",
    "--small-area-figure-column",
    "under_ones",
];

#[test]
fn fields_and_columns_named_by_flags() {
    // small_areas_a_unrecognised_fields.geojson: the squares of small_areas_a.geojson with
    // their code and name under sa_ref and sa_label, names "Square n"; the figures under
    // sa_ref and under_ones. covgap finds none of them by name.
    let dir = tempfile::tempdir().unwrap();
    let mut args = UNRECOGNISED_SMALL_AREA_FLAGS.to_vec();
    args.push("--small-areas-geojson");
    run(&dir, &args).success();
    let out = dir.path().join("out");
    let sa: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("small_areas.geojson")).unwrap()).unwrap();
    let got: Vec<(String, String, u64)> = sa["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["code"].as_str().unwrap().to_string(),
                p["name"].as_str().unwrap().to_string(),
                p["figure"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, String, u64)> = (1..=4)
        .map(|i| (format!("E0100000{i}"), format!("Square {i}"), 10 * i))
        .collect();
    assert_eq!(got, want);
    // The same bands as small_areas_a.geojson with figures_a.csv give.
    let roll = read_csv(&out.join("rollups.csv"));
    assert_eq!(bands_of(&roll, ""), ["10", "20", "30", "40", "0"]);
}

/// Northern Ireland's 11 districts given as small areas on each of its grids (the Irish
/// Grid, TM65's, the Irish Transverse Mercator), against the built-in districts: each is read
/// as the system its file states, placed in its own district, and banded and measured as on
/// the others (to 0.1 km: the files' positions are rounded to 1 m or 0.1 m); run.json says
/// which system each file was read on.
#[test]
fn small_areas_on_northern_irelands_grids_are_placed_alike() {
    let dir = tempfile::tempdir().unwrap();
    let figures = dir.path().join("f.csv");
    std::fs::write(
        &figures,
        "code,births\n".to_string()
            + &(1..=11)
                .map(|i| format!("N090000{i:02},{}\n", 100 * i))
                .collect::<String>(),
    )
    .unwrap();
    let placed = |file: &str, label: &str| {
        let o = crate::run_ok(&[
            "--small-areas",
            &crate::fixture(&format!("boundaries/{file}")),
            "--small-area-figures",
            figures.to_str().unwrap(),
            "--small-area-code-field",
            "LAD24CD",
            "--small-area-code-column",
            "code",
            "--small-areas-geojson",
        ]);
        let system = &o.json("run.json")["small_areas"][0]["coordinate_system"];
        assert_eq!(
            system.as_str().unwrap(),
            format!("declared in the file's \"crs\" member: {label}"),
            "{file}"
        );
        let sa = o.json("small_areas.geojson");
        let rows: Vec<(String, String, String, f64)> = sa["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let p = &f["properties"];
                (
                    p["code"].as_str().unwrap().to_string(),
                    p["district_code"].as_str().unwrap().to_string(),
                    p["band"].as_str().unwrap().to_string(),
                    p["nearest_team_km"].as_f64().unwrap(),
                )
            })
            .collect();
        assert_eq!(rows.len(), 11, "{file}");
        for r in &rows {
            assert_eq!(r.0, r.1, "{file}: each district is in itself");
        }
        rows
    };
    let irish = placed(
        "ni_districts_irish_grid.geojson",
        "the Irish Grid (EPSG:29903)",
    );
    for (file, label) in [
        (
            "ni_districts_tm65.geojson",
            "TM65's Irish Grid (EPSG:29902)",
        ),
        (
            "ni_districts_itm.geojson",
            "the Irish Transverse Mercator (EPSG:2157)",
        ),
    ] {
        let other = placed(file, label);
        for (a, b) in irish.iter().zip(&other) {
            assert_eq!((&a.0, &a.1, &a.2), (&b.0, &b.1, &b.2), "{file}");
            assert!((a.3 - b.3).abs() <= 0.1, "{file}: {a:?} against {b:?}");
        }
    }
    assert!(
        irish.iter().any(|r| r.2 == "babies_covered")
            && irish.iter().any(|r| r.2 != "babies_covered")
    );
}

/// The hand-drawn districts, births and team of tests/fixtures/small_areas, loaded.
pub fn squares_study() -> covgap::model::Study {
    let inputs = covgap::load::Inputs {
        boundaries: Some(fixture_path("small_areas/districts_bng.geojson")),
        births: vec![fixture_path("small_areas/births.csv")],
        teams: Some(fixture_path("small_areas/teams.csv")),
        ..Default::default()
    };
    let mut diag = covgap::error::Diagnostics::new();
    let s = covgap::load::load(&inputs, &mut diag).unwrap();
    diag.into_result().unwrap();
    s
}

/// Small areas for property tests: a tiny square (about 10 m across) around each point
/// (easting, northing, figure), coded E01000000 upwards.
pub fn tiny_squares(pts: &[(f64, f64, Option<u64>)]) -> covgap::small_areas::ReadSmallAreas {
    use covgap::crs::Located;
    use geo::{polygon, MultiPolygon};
    let areas = pts
        .iter()
        .enumerate()
        .map(|(i, &(e, n, fig))| {
            let p = Located::from_bng(e, n).unwrap();
            let (x, y) = (p.wgs84.x(), p.wgs84.y());
            let sq = polygon![(x: x - 1e-4, y: y - 1e-4), (x: x + 1e-4, y: y - 1e-4), (x: x + 1e-4, y: y + 1e-4), (x: x - 1e-4, y: y + 1e-4)];
            (
                format!("E01{i:06}"),
                format!("sa {i}"),
                fig,
                MultiPolygon::new(vec![sq]),
                p,
                0,
            )
        })
        .collect();
    covgap::small_areas::ReadSmallAreas {
        areas,
        figure_columns: vec![],
        sources: vec![],
        files: vec!["tiny squares".into()],
        crs: vec!["WGS84 (EPSG:4326)".into()],
    }
}

mod conservation {
    use covgap::rollup::Level;
    use proptest::prelude::*;

    use super::{squares_study, tiny_squares};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        /// Band totals are conserved: every small area with a figure counts once, in its
        /// district, unless it is more than 2 km outside every district, when it counts in
        /// none (and is counted as left out); districts sum to their upper tiers, those to the
        /// total.
        #[test]
        fn band_totals_are_conserved(
            pts in prop::collection::vec((395_000.0f64..525_000.0, 295_000.0f64..335_000.0, prop::option::weighted(0.9, 0u64..500)), 1..60)
        ) {
            use covgap::small_areas::Placement;
            let a = covgap::analyse_with_small_areas(squares_study(), tiny_squares(&pts));
            let sm = a.small_areas.as_ref().unwrap();
            let (mut left_out, mut across) = ((0usize, 0u64), (0usize, 0u64));
            for x in &sm.areas {
                match x.placement {
                    Placement::Inside => prop_assert!(x.district.is_some()),
                    Placement::Nearest(m) => prop_assert!(m <= 2_000.0 && x.district.is_some(), "{m}"),
                    Placement::Outside(m) => {
                        prop_assert!(m > 2_000.0 && x.district.is_none() && x.band.is_none(), "{m}");
                        left_out.0 += 1;
                        left_out.1 += x.figure.unwrap_or(0);
                    }
                    // The squares lie on real land: just outside them may be across a border.
                    Placement::AcrossBorder(m, _) => {
                        prop_assert!(m <= 2_000.0 && x.district.is_none() && x.band.is_none(), "{m}");
                        across.0 += 1;
                        across.1 += x.figure.unwrap_or(0);
                    }
                    Placement::Unplaced => prop_assert!(false, "no districts?"),
                }
            }
            prop_assert_eq!((sm.left_out.count, sm.left_out.babies), left_out);
            prop_assert_eq!(sm.left_out.across, across);
            let left_out = sm.left_out.total();
            let total: u64 = pts.iter().filter_map(|p| p.2).sum::<u64>() - left_out.1;
            for (d, r) in a.coverage.areas.iter().enumerate() {
                let want: u64 = sm.areas.iter().filter(|x| x.district == Some(d)).filter_map(|x| x.figure).sum();
                prop_assert_eq!(r.bands.map_or(0, |b| b.total()), want);
                if !r.teams.is_empty() {
                    prop_assert_eq!(r.bands.map_or(0, |b| b.total()), r.bands.map_or(0, |b| b.get(covgap::small_areas::Band::Covered)));
                }
            }
            let uk = a.rollups.iter().find(|r| r.level.is_total()).unwrap();
            prop_assert_eq!(uk.bands.map_or(0, |b| b.total()), total);
            // Each district here is a unitary authority, its own upper tier (England has no row:
            // only four of its districts are given).
            prop_assert!(!a.rollups.iter().any(|r| r.level == Level::Nation));
            let tiers: u64 = a.rollups.iter().filter(|r| r.level == Level::UpperTier).map(|r| r.bands.map_or(0, |b| b.total())).sum();
            prop_assert_eq!(tiers, total);
            for band in covgap::small_areas::Band::ALL {
                let n: u64 = a.rollups.iter().filter(|r| r.level == Level::UpperTier).map(|r| r.bands.map_or(0, |b| b.get(band))).sum();
                prop_assert_eq!(n, uk.bands.map_or(0, |b| b.get(band)));
            }
        }
    }
}

/// Small areas more than 2 km outside every district (small areas for another place than the
/// boundaries) are left out of every figure, with a warning, and when none is in the
/// districts that is an error. tests/fixtures/small_areas/oxfordshire_near.geojson holds 200 m
/// squares in WGS84 on the Oxfordshire districts, with teams/oxford_only.csv; distances to the
/// districts measured with Shapely on the grid:
/// - E01990001 (10) in Oxford: covered;
/// - E01990002 (20) in Cherwell, 29.7 km from Oxford: 25-50 km;
/// - E01990003 (30) in the Vale of White Horse, 6.2 km from Oxford: up to 10 km;
/// - E01990004 (4) 1.0 km west of West Oxfordshire: within 2 km, but in Cotswold by the
///   built-in districts, across a land border: left out;
/// - E01990005 (50) 3.1 km west of West Oxfordshire: left out;
///
/// and far_away.geojson two in Scotland, S01990001 (100) in Edinburgh and S01990002 (200) in
/// Glasgow, 437.9 and 453.3 km from the nearest district: left out. So 64 babies are counted
/// (10 covered, 30 up to 10 km, 24 at 25-50 km) and 350 in 3 small areas are left out. Before
/// the fix every one went to the nearest district: 414 babies, 300 of them "over 50 km" in
/// Cherwell.
mod outside_the_districts {
    use crate::{check, covgap_in, fixture, run, Outcome};

    fn args(small_areas: &str) -> Vec<String> {
        let f = fixture;
        vec![
            "--boundaries".into(),
            f("boundaries/oxfordshire_wgs84.geojson"),
            "--teams".into(),
            f("teams/oxford_only.csv"),
            "--small-areas".into(),
            small_areas
                .split(',')
                .map(|n| f(&format!("small_areas/{n}")))
                .collect::<Vec<_>>()
                .join(","),
            "--small-area-figures".into(),
            f("small_areas/oxfordshire_near_far_figures.csv"),
        ]
    }

    const NEAR_AND_FAR: &str = "oxfordshire_near.geojson,far_away.geojson";

    fn with(cmd: fn(&[&str]) -> Outcome, small_areas: &str, extra: &[&str]) -> Outcome {
        let mut a = args(small_areas);
        a.extend(extra.iter().map(|s| s.to_string()));
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        cmd(&a)
    }

    fn plan(args: &[&str]) -> Outcome {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut all = vec!["plan", "--add", "1", "--out", "out"];
        all.extend_from_slice(args);
        covgap_in(dir.path(), &all, Some("out"))
    }

    /// The one warning, as `run`, `check` and `plan` all give it.
    fn the_warning(o: &Outcome) -> String {
        let w = o.warning_lines();
        let left: Vec<&&str> = w.iter().filter(|l| l.contains("left out")).collect();
        assert_eq!(left.len(), 1, "{}", o.stderr);
        let w = left[0].to_string();
        for part in [
            "warning: small areas: 3 small areas, holding 350 babies, have their representative point more than 2 km outside every district (3.1 to 453.3 km away), so they are not in the study area and are left out of every figure (distance bands, totals, district points): 1 of the 5 in ",
            "oxfordshire_near.geojson; 2 of the 2 in ",
            "far_away.geojson (are the small areas for another place than the boundaries?). ",
            // E01990004, 1 km off West Oxfordshire, lies in Cotswold: left out, not put in
            // West Oxfordshire.
            "far_away.geojson (are the small areas for another place than the boundaries?). 1 small area, holding 4 babies, has its point within 2 km of a district but across a land border, in Cotswold (E07000079) by the built-in boundaries, beyond the boundaries given, so it is left out too",
        ] {
            assert!(w.contains(part), "{w}");
        }
        w
    }

    #[test]
    fn run_leaves_them_out_of_every_figure_and_says_so() {
        let o = with(run, NEAR_AND_FAR, &["--small-areas-geojson"]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        let warning = the_warning(&o);

        let s = o.summary();
        let sm = &s["small_areas"];
        let uk = &sm["distance_bands"];
        assert_eq!(
            [
                "babies_covered",
                "babies_within_10km",
                "babies_10_to_25km",
                "babies_25_to_50km",
                "babies_over_50km",
                "babies_total"
            ]
            .map(|k| uk[k].as_u64().unwrap()),
            [10, 30, 0, 20, 0, 60],
            "{uk}"
        );
        assert_eq!(
            sm["left_out"],
            serde_json::json!({
                "count": 4,
                "babies": 354,
                "furthest_km": 453.3,
                "more_than_2km_outside": {"count": 3, "babies": 350},
                "across_land_border": {"count": 1, "babies": 4, "districts": ["Cotswold (E07000079)"]},
            })
        );
        // The note in summary.json and summary.md is the warning's text.
        let message = warning.trim_start_matches("warning: small areas: ");
        assert_eq!(sm["notes"][0], message);
        // No small area is put in the nearest district, so no note says one was.
        assert!(
            !sm["notes"].to_string().contains("nearest district"),
            "{}",
            sm["notes"]
        );

        let areas = o.areas();
        let bands = |code: &str| {
            [
                "babies_covered",
                "babies_within_10km",
                "babies_10_to_25km",
                "babies_25_to_50km",
                "babies_over_50km",
            ]
            .map(|k| areas[code][k].as_u64().unwrap_or(0))
        };
        // Cherwell: only its own square, not Edinburgh's and Glasgow's 300 babies.
        assert_eq!(bands("E07000177"), [0, 0, 0, 20, 0]);
        // West Oxfordshire: neither the square 1 km off its edge (in Cotswold) nor the one
        // 3.1 km off.
        assert_eq!(bands("E07000181"), [0, 0, 0, 0, 0]);
        assert_eq!(bands("E07000178"), [10, 0, 0, 0, 0]);

        let md = o.text("summary.md");
        for line in [
            "- **20** babies live more than 25 km from the nearest team (33.3% of the 60 in the small areas given), and **0** more than 50 km.",
            "- A further **354** babies, in 4 small areas more than 2 km outside every district or across a land border from them, are left out of these figures (see below).",
            &format!("- {message}."),
        ] {
            assert!(md.lines().any(|l| l == line), "{line}\n{md}");
        }

        // run.json's problems carry the warning, as the terminal showed it.
        let problems = o.json("run.json")["problems"].clone();
        assert!(
            problems
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["severity"] == "warning" && p["message"] == message),
            "{problems}"
        );

        // small_areas.geojson: each left out says so and has no district, team or band.
        let sa = o.json("small_areas.geojson");
        let got: Vec<(String, serde_json::Value, String, serde_json::Value)> = crate::features(&sa)
            .iter()
            .map(|f| {
                let p = &f["properties"];
                (
                    p["code"].as_str().unwrap().to_string(),
                    p["district_code"].clone(),
                    p["placed"].as_str().unwrap().to_string(),
                    p["band"].clone(),
                )
            })
            .collect();
        let null = serde_json::Value::Null;
        let want = [
            (
                "E01990001",
                "E07000178".into(),
                "inside",
                "babies_covered".into(),
            ),
            (
                "E01990002",
                "E07000177".into(),
                "inside",
                "babies_25_to_50km".into(),
            ),
            (
                "E01990003",
                "E07000180".into(),
                "inside",
                "babies_within_10km".into(),
            ),
            (
                "E01990004",
                null.clone(),
                "left out: 1.0 km outside every district, across a land border in Cotswold (E07000079), in no figure",
                null.clone(),
            ),
            (
                "E01990005",
                null.clone(),
                "left out: 3.1 km outside every district, in no figure",
                null.clone(),
            ),
            (
                "S01990001",
                null.clone(),
                "left out: 437.9 km outside every district, in no figure",
                null.clone(),
            ),
            (
                "S01990002",
                null.clone(),
                "left out: 453.3 km outside every district, in no figure",
                null.clone(),
            ),
        ]
        .map(
            |(c, d, p, b): (&str, serde_json::Value, &str, serde_json::Value)| {
                (c.to_string(), d, p.to_string(), b)
            },
        );
        assert_eq!(got, want.to_vec());
    }

    #[test]
    fn check_gives_the_same_warning_once() {
        let r = with(run, NEAR_AND_FAR, &[]);
        let c = with(check, NEAR_AND_FAR, &["--small-areas-geojson"]);
        assert_eq!(c.code, 0, "{}", c.stderr);
        assert_eq!(the_warning(&c), the_warning(&r));
        c.assert_stderr_has(&[
            "7 small areas read, 3 placed in a district, 4 left out (outside every district, 354 babies), figure total 60; 0 errors, 1 warning",
        ]);
        // Not repeated as a note.
        assert!(
            !c.stderr.contains("note: small areas: 3 small areas"),
            "{}",
            c.stderr
        );
        assert!(c.cwd_entries.is_empty(), "check wrote {:?}", c.cwd_entries);
    }

    #[test]
    fn plan_counts_only_the_small_areas_in_the_districts_and_says_so() {
        let p = with(plan, NEAR_AND_FAR, &[]);
        assert_eq!(p.code, 0, "{}", p.stderr);
        let warning = the_warning(&p);
        p.assert_stderr_has(&[
            "of the 60 babies in 3 small areas",
            "covgap plan: 1 new site, babies newly covered: greedy ",
        ]);
        // Not all 60 babies: the figures that follow are those newly covered.
        assert!(
            !p.stderr
                .contains("the 60 babies in 3 small areas newly covered"),
            "{}",
            p.stderr
        );
        // One new team, in the singular.
        let md = p.text("plan.md");
        for part in [
            "- **1 new team, greedy**",
            "- **Exact** (1 new team; ",
            "- **Greedy then swaps** (1 new team; ",
        ] {
            assert!(md.contains(part), "{part}\n{md}");
        }
        let problems = p.json("run.json")["problems"].clone();
        let message = warning.trim_start_matches("warning: small areas: ");
        assert!(
            problems
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["severity"] == "warning" && x["message"] == message),
            "{problems}"
        );
    }

    #[test]
    fn no_overlap_at_all_is_an_error_naming_the_file_and_nothing_is_written() {
        let error = "far_away.geojson: none of the 2 small areas is in the districts: every one has its representative point more than 2 km outside every district (437.9 to 453.3 km away), so there is nothing to count (are the small areas for another place than the boundaries?)";
        let r = with(run, "far_away.geojson", &[]);
        let c = with(check, "far_away.geojson", &[]);
        let p = with(plan, "far_away.geojson", &[]);
        for (o, what) in [(&r, "run"), (&c, "check"), (&p, "plan")] {
            assert_eq!(o.code, 1, "{what}: {}", o.stderr);
            let errors = o.error_lines();
            assert_eq!(errors.len(), 1, "{what}: {}", o.stderr);
            assert!(errors[0].starts_with("error: /"), "{what}: {}", errors[0]);
            assert!(errors[0].ends_with(error), "{what}: {}", errors[0]);
            assert!(o.files.is_none(), "{what} wrote {:?}", o.files);
            assert!(o.cwd_entries.is_empty(), "{what} wrote {:?}", o.cwd_entries);
        }
        r.assert_stderr_has(&["nothing was written"]);
        c.assert_stderr_has(&["2 small areas read, 0 placed in a district, 2 left out (outside every district, 300 babies), figure total 0; 1 error"]);
    }

    /// `run` on the two squares of bng_squares_wrong_winding.geojson (British National Grid),
    /// with teams/oxford_only.csv covering the Oxford square, and the small areas and figures
    /// given (comma-separated fixture names).
    fn on_the_squares(small_areas: &str, figures: &str, extra: &[&str]) -> Outcome {
        let list = |names: &str| -> String {
            names
                .split(',')
                .map(|n| fixture(&format!("small_areas/{n}")))
                .collect::<Vec<_>>()
                .join(",")
        };
        let mut args = vec![
            "--boundaries".to_string(),
            fixture("boundaries/bng_squares_wrong_winding.geojson"),
            "--teams".into(),
            fixture("teams/oxford_only.csv"),
            "--small-areas".into(),
            list(small_areas),
            "--small-area-figures".into(),
            list(figures),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args)
    }

    #[test]
    fn none_in_the_districts_counting_one_across_a_border_is_an_error() {
        let o = on_the_squares(
            "in_real_south_oxfordshire.geojson,far_away.geojson",
            "around_the_squares_figures.csv,oxfordshire_near_far_figures.csv",
            &[],
        );
        assert_eq!(o.code, 1, "{}", o.stderr);
        let errors = o.error_lines();
        assert_eq!(errors.len(), 1, "{}", o.stderr);
        assert!(errors[0].ends_with("far_away.geojson: none of the 3 small areas is in the districts: every one has its representative point outside every district, 2 more than 2 km outside and 1 across a land border, so there is nothing to count (are the small areas for another place than the boundaries?)"), "{}", errors[0]);
        assert!(o.files.is_none(), "wrote {:?}", o.files);
    }

    /// The three kinds together, around the squares:
    /// tests/fixtures/small_areas/around_the_squares.geojson.
    #[test]
    fn off_a_coast_across_a_border_and_far_away_each_named() {
        let o = on_the_squares(
            "around_the_squares.geojson",
            "around_the_squares_figures.csv",
            &["--small-areas-geojson"],
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
        let w = o.only_warning();
        for part in [
            "warning: small areas: 1 small area, holding 100 babies, has its representative point more than 2 km outside every district (5.0 km away), so it is not in the study area and is left out of every figure",
            "1 of the 4 in ",
            "(are the small areas for another place than the boundaries?). 1 small area, holding 7 babies, has its point within 2 km of a district but across a land border, in South Oxfordshire (E07000179) by the built-in boundaries, beyond the boundaries given, so it is left out too. ",
            // In real Oxford, whose code the Oxford square carries: the two
            // boundaries differ there, so it is put in the square.
            "The 1 small area, holding 5 babies, within 2 km of a district and at sea or in a district the boundaries include by the built-in boundaries was put in the nearest one, as for a generalised coastline",
        ] {
            assert!(w.contains(part), "{part}\n{}", w);
        }
        let sm = &o.summary()["small_areas"];
        assert_eq!(sm["distance_bands"]["babies_covered"], 15);
        assert_eq!(sm["distance_bands"]["babies_total"], 15);
        assert_eq!(
            sm["left_out"],
            serde_json::json!({
                "count": 2,
                "babies": 107,
                "furthest_km": 5.0,
                "more_than_2km_outside": {"count": 1, "babies": 100},
                "across_land_border": {"count": 1, "babies": 7, "districts": ["South Oxfordshire (E07000179)"]},
            })
        );
        let placed: Vec<(String, String)> = crate::features(&o.json("small_areas.geojson"))
            .iter()
            .map(|f| {
                let p = &f["properties"];
                (
                    p["code"].as_str().unwrap().to_string(),
                    p["placed"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let want = [
            ("E01990011", "inside"),
            ("E01990012", "nearest district (0.5 km away)"),
            ("E01990013", "left out: 1.0 km outside every district, across a land border in South Oxfordshire (E07000179), in no figure"),
            ("E01990014", "left out: 5.0 km outside every district, in no figure"),
        ]
        .map(|(c, p)| (c.to_string(), p.to_string()));
        assert_eq!(placed, want.to_vec());
    }
}

/// The properties of `small_areas.geojson` for the small areas of `file`, with the figures of
/// `figures` (both in tests/fixtures/small_areas), on the built-in districts, run in `dir`.
fn small_areas_on_built_in(dir: &tempfile::TempDir, file: &str, figures: &str) -> Vec<Value> {
    let f = |n: &str| fixture_path(&format!("small_areas/{n}"));
    covgap_at(dir)
        .args([
            "run",
            "-q",
            "--out",
            "out",
            "--small-areas-geojson",
            "--small-areas",
        ])
        .arg(f(file))
        .arg("--small-area-figures")
        .arg(f(figures))
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("out/small_areas.geojson")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    crate::features(&doc)
        .iter()
        .map(|f| f["properties"].clone())
        .collect()
}

/// The small areas of `file` (in tests/fixtures/small_areas) on the built-in districts, as
/// `small_areas.geojson` gives them: code, district, nearest team km, band and point.
fn placed_on_built_in(file: &str) -> Vec<(String, String, String, String, String)> {
    let dir = tempfile::tempdir().unwrap();
    small_areas_on_built_in(&dir, file, "point_found_on_the_grid_figures.csv")
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap().to_string(),
                p["district_code"].as_str().unwrap().to_string(),
                p["nearest_team_km"].to_string(),
                p["band"].as_str().unwrap().to_string(),
                format!("{} {}", p["point_lon"], p["point_lat"]),
            )
        })
        .collect()
}

/// Each small area's point on surface is found on British National Grid, as for the districts
/// and as GeoPandas (`to_crs(27700).representative_point()`) and QGIS find it: found in degrees,
/// Croydon 039C's lies in Tandridge and Flintshire 015E's in Flintshire (the generalised
/// boundaries put its point on the grid in Cheshire West and Chester), so the same areas saved
/// on the grid gave other figures.
#[test]
fn point_on_surface_is_found_on_the_grid_whatever_the_file_system() {
    let wgs84 = placed_on_built_in("point_found_on_the_grid_wgs84.geojson");
    let bng = placed_on_built_in("point_found_on_the_grid_bng.geojson");
    assert_eq!(wgs84, bng);
    let districts: Vec<(&str, &str)> = wgs84
        .iter()
        .map(|(code, district, ..)| (code.as_str(), district.as_str()))
        .collect();
    // GeoPandas on EPSG:27700 (and so this file's expectation): Croydon, Cheshire West and
    // Chester. In degrees it gives Tandridge (E07000215) and Flintshire (W06000005).
    assert_eq!(
        districts,
        [("E01001106", "E09000008"), ("W01000330", "E06000050")]
    );
    assert_eq!(wgs84[0].4, "-0.064471 51.321402");
}

/// A small area is placed in the district holding its point on surface as found on the grid,
/// the point it is measured from: Kensington and Chelsea 008D's lies 4 cm inside Kensington
/// and Chelsea from Westminster's edge (GeoPandas on EPSG:27700 puts it there, and so does
/// `covgap assign` given the same easting and northing). It was placed by that point taken back
/// to degrees, a few centimetres away, in Westminster.
#[test]
fn small_area_is_placed_by_its_point_on_the_grid() {
    let dir = tempfile::tempdir().unwrap();
    let placed = small_areas_on_built_in(
        &dir,
        "point_4cm_inside_a_district_wgs84.geojson",
        "point_4cm_inside_a_district_figures.csv",
    );
    let p = &placed[0];
    assert_eq!(p["code"], "E01002827");
    assert_eq!(p["district_code"], "E09000020", "{p}");
    assert_eq!(p["placed"], "inside");

    // assign, given the point on surface on the grid (as GeoPandas finds it), agrees.
    std::fs::write(
        dir.path().join("points.csv"),
        "id,easting,northing\nE01002827,525536.8953,180387.5324\n",
    )
    .unwrap();
    covgap_at(&dir)
        .args([
            "assign",
            "-q",
            "--points",
            "points.csv",
            "--out",
            "points_out.csv",
        ])
        .assert()
        .success();
    let rows = crate::read_csv(&dir.path().join("points_out.csv"));
    assert_eq!(rows[1][3], "E09000020", "{rows:?}");
}

/// The small-area field and column flags without --small-areas are a usage error (exit 2),
/// in `run`, `check` and `plan` alike: a command that dropped --small-areas would otherwise
/// give a district-only run with nothing to say the flags did nothing.
#[test]
fn small_area_field_and_column_flags_need_small_areas() {
    for command in ["run", "check", "plan"] {
        for flag in [
            "--small-area-code-field",
            "--small-area-name-field",
            "--small-area-code-column",
            "--small-area-figure-column",
        ] {
            crate::covgap()
                .args([command, flag, "x"])
                .assert()
                .code(2)
                .stderr(predicates::str::contains(
                    "the following required arguments were not provided:",
                ))
                .stderr(predicates::str::contains("\n  --small-areas <FILE>\n"));
        }
    }
}

/// With small areas for part of the UK (two LSOAs, none in Northern Ireland), the distance
/// table's total row is "All small areas given", not "United Kingdom": its babies are only
/// those in the small areas.
#[test]
fn distance_table_total_names_the_small_areas_given_not_the_uk() {
    let dir = tempfile::tempdir().unwrap();
    let f = |n: &str| fixture_path(&format!("small_areas/{n}"));
    covgap_at(&dir)
        .args(["run", "-q", "--out", "out", "--small-areas"])
        .arg(f("point_found_on_the_grid_wgs84.geojson"))
        .arg("--small-area-figures")
        .arg(f("point_found_on_the_grid_figures.csv"))
        .assert()
        .success();
    let md = std::fs::read_to_string(dir.path().join("out/summary.md")).unwrap();
    let table = &md[md.find("## How far babies live").unwrap()..];
    assert!(
        table.contains("| All small areas given | 30 | 8 | 0 | 22 | 0 | 0 | 0 |"),
        "{table}"
    );
    assert!(!table[..table.find("## The 20").unwrap()].contains("United Kingdom"));
}

/// `plan`'s terminal line counts one small area in the singular: one small area of 7 babies
/// in real South Oxfordshire gives "the 7 babies in 1 small area", not "1 small areas".
#[test]
fn plan_counts_one_small_area_in_the_singular() {
    let dir = tempfile::tempdir().unwrap();
    let out = covgap_at(&dir)
        .args(["plan", "--add", "1", "--radius", "10", "--out", "out"])
        .arg("--small-areas")
        .arg(fixture_path(
            "small_areas/in_real_south_oxfordshire.geojson",
        ))
        .arg("--small-area-figures")
        .arg(fixture_path("small_areas/around_the_squares_figures.csv"))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains(
            "existing teams cover 100.0% of the 7 babies in 1 small area (a team covering all within 10 km of its base)\n"
        ),
        "{stderr}"
    );
}

/// A figures table none of whose codes is a small area's (2021 LSOA codes new in 2021, against
/// the 2011 squares): before, `run` and `plan` went on with every small area in no band and a
/// plan of 0 babies, exit 0, and `check` counted "0 errors". Now it is an error naming the
/// table and the polygons, and nothing is written.
/// The squares' districts, births and team, with `small_areas_a.geojson` as small areas and
/// `figures` (a comma-separated list) as their figures, as arguments to `run` or `check`.
fn squares_with_figures(figures: &str) -> Vec<String> {
    use crate::fixture;
    vec![
        "--boundaries".to_string(),
        fixture("small_areas/districts_bng.geojson"),
        "--births".into(),
        fixture("small_areas/births.csv"),
        "--teams".into(),
        fixture("small_areas/teams.csv"),
        "--small-areas".into(),
        fixture("small_areas/small_areas_a.geojson"),
        "--small-area-figures".into(),
        figures.to_string(),
    ]
}

#[test]
fn figures_matching_no_small_area_are_an_error_and_nothing_is_written() {
    use crate::{check, covgap_in, fixture};
    let args = squares_with_figures(&fixture(
        "small_areas/figures_codes_matching_no_small_area.csv",
    ));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = crate::run(&args);
    let c = check(&args);
    let dir = tempfile::tempdir().unwrap();
    let mut p = vec!["plan", "--add", "1", "--radius", "5", "--out", "out"];
    p.extend_from_slice(&args);
    let p = covgap_in(dir.path(), &p, Some("out"));
    for (o, what) in [(&r, "run"), (&c, "check"), (&p, "plan")] {
        assert_eq!(o.code, 1, "{what}: {}", o.stderr);
        let errors = o.error_lines();
        assert_eq!(errors.len(), 1, "{what}: {}", o.stderr);
        for part in [
            "figures_codes_matching_no_small_area.csv: no row matches any of the 4 small areas in ",
            "small_areas_a.geojson (codes such as E01000001, E01000002, E01000003): there are no babies to count",
        ] {
            assert!(errors[0].contains(part), "{what}: {}", errors[0]);
        }
        assert!(o.files.is_none(), "{what} wrote {:?}", o.files);
    }
    c.assert_stderr_has(&["4 small areas read, 4 placed in a district, figure total 0; 1 error"]);
}

/// A small area with a figure in two of the tables given is an error naming both places, in
/// the table's order: it said only "small area E01000002 has a figure in more than one file",
/// with no line in either, and in no set order.
#[test]
fn a_small_area_with_figures_in_two_files_is_named_by_line_in_both() {
    use crate::{check, fixture};
    let dir = tempfile::tempdir().unwrap();
    let again = dir.path().join("again.csv");
    std::fs::write(&again, "lsoa11_code,age_0\nE01000004,40\nE01000002,20\n").unwrap();
    let again = again.display().to_string();
    let first = fixture("small_areas/figures_a.csv");
    let args = squares_with_figures(&format!("{first},{again}"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let says = [
        format!("error: {again}, line 2: small area E01000004 has a figure in {first}, line 5 too; give each small area's figure in one file"),
        format!("error: {again}, line 3: small area E01000002 has a figure in {first}, line 3 too; give each small area's figure in one file"),
    ];
    let r = crate::run(&args);
    let c = check(&args);
    for (o, what) in [(&r, "run"), (&c, "check")] {
        assert_eq!(o.code, 1, "{what}: {}", o.stderr);
        assert_eq!(o.error_lines(), says, "{what}: {}", o.stderr);
    }
    assert!(r.files.is_none(), "run wrote {:?}", r.files);

    // In a workbook, the rows are named with their sheet, as Excel numbers them.
    let book = dir.path().join("again.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("LSOAs").unwrap();
    for (r, (code, v)) in [("lsoa11_code", None), ("E01000004", Some(40.0))]
        .into_iter()
        .enumerate()
    {
        ws.write_string(r as u32, 0, code).unwrap();
        match v {
            Some(v) => ws.write_number(r as u32, 1, v).unwrap(),
            None => ws.write_string(r as u32, 1, "age_0").unwrap(),
        };
    }
    wb.save(&book).unwrap();
    let book = book.display().to_string();
    let args = squares_with_figures(&format!("{first},{book}"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let c = check(&args);
    assert_eq!(
        c.error_lines(),
        [format!("error: {book}, sheet \"LSOAs\", row 2: small area E01000004 has a figure in {first}, line 5 too; give each small area's figure in one file")],
        "{}",
        c.stderr
    );
}
