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
    assert_eq!(bands_of(&roll, "K02000001"), ["10", "20", "40", "50", "5"]);

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
    assert_eq!(bands_of(&roll, "K02000001"), ["10", "20", "30", "40", "0"]);
}

/// The hand-drawn districts, births and team of tests/fixtures/small_areas, loaded.
pub fn squares_study() -> covgap::model::Study {
    let inputs = covgap::load::Inputs {
        boundaries: Some(fixture_path("small_areas/districts_bng.geojson")),
        births: Some(fixture_path("small_areas/births.csv")),
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
            )
        })
        .collect();
    covgap::small_areas::ReadSmallAreas {
        areas,
        figure_columns: vec![],
        sources: vec![],
    }
}

mod conservation {
    use covgap::rollup::Level;
    use proptest::prelude::*;

    use super::{squares_study, tiny_squares};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        /// Band totals are conserved: every small area with a figure counts once, in its
        /// district; districts sum to their nation, nations to the UK.
        #[test]
        fn band_totals_are_conserved(
            pts in prop::collection::vec((395_000.0f64..525_000.0, 295_000.0f64..335_000.0, prop::option::weighted(0.9, 0u64..500)), 1..60)
        ) {
            let a = covgap::analyse_with_small_areas(squares_study(), tiny_squares(&pts));
            let sm = a.small_areas.as_ref().unwrap();
            let total: u64 = pts.iter().filter_map(|p| p.2).sum();
            for (d, r) in a.coverage.areas.iter().enumerate() {
                let want: u64 = sm.areas.iter().filter(|x| x.district == Some(d)).filter_map(|x| x.figure).sum();
                prop_assert_eq!(r.bands.map_or(0, |b| b.total()), want);
                if !r.teams.is_empty() {
                    prop_assert_eq!(r.bands.map_or(0, |b| b.total()), r.bands.map_or(0, |b| b.get(covgap::small_areas::Band::Covered)));
                }
            }
            let uk = a.rollups.iter().find(|r| r.level == Level::Uk).unwrap();
            prop_assert_eq!(uk.bands.map_or(0, |b| b.total()), total);
            let nations: u64 = a.rollups.iter().filter(|r| r.level == Level::Nation).map(|r| r.bands.map_or(0, |b| b.total())).sum();
            prop_assert_eq!(nations, total);
            for band in covgap::small_areas::Band::ALL {
                let n: u64 = a.rollups.iter().filter(|r| r.level == Level::Nation).map(|r| r.bands.map_or(0, |b| b.get(band))).sum();
                prop_assert_eq!(n, uk.bands.map_or(0, |b| b.get(band)));
            }
        }
    }
}
