//! Cross-checks covgap's geometry against GDAL/SpatiaLite (PROJ for the reprojection), an
//! independent implementation, on the built-in data. Skips with a note where `ogrinfo` is not
//! installed (`.ci/run` installs gdal-bin).

use std::path::Path;
use std::process::Command;

fn have_ogrinfo() -> bool {
    Command::new("ogrinfo")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run_covgap(out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_covgap"))
        .args(["run", "-q", "--out"])
        .arg(out)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Runs one SQLite-dialect query and returns ogrinfo's listing of the rows.
fn sql_rows(file: &Path, sql: &str) -> String {
    let out = Command::new("ogrinfo")
        .args(["-q", "-dialect", "sqlite", "-sql", sql])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs one SQLite-dialect query and returns the value of `field` in the first row.
fn sql_value(file: &Path, sql: &str, field: &str) -> String {
    let text = sql_rows(file, sql);
    let prefix = format!("  {field} (");
    text.lines()
        .find(|l| l.starts_with(&prefix))
        .and_then(|l| l.split(" = ").nth(1))
        .unwrap_or_else(|| panic!("no {field} in:\n{text}"))
        .trim()
        .to_string()
}

#[test]
fn nearest_team_distances_match_spatialite() {
    if !have_ogrinfo() {
        eprintln!("note: ogrinfo not installed; GDAL cross-check skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    run_covgap(dir.path());
    // Reproject once with ogr2ogr (PROJ), then measure with SpatiaLite: for every gap, the
    // distance from its representative point to the nearest covered area.
    let bng = dir.path().join("areas_27700.gpkg");
    let st = Command::new("ogr2ogr")
        .args(["-f", "GPKG", "-t_srs", "EPSG:27700", "-nln", "areas"])
        .arg(&bng)
        .arg(dir.path().join("areas.geojson"))
        .status()
        .unwrap();
    assert!(st.success());
    let areas = bng;
    let sql = "select max(abs(nearest_team_km - km)) as maxdiff, count(*) as n from (\
        select a.nearest_team_km, min(ST_Distance(ST_Transform(MakePoint(a.point_lon, a.point_lat, 4326), 27700), \
        b.geom)) / 1000.0 as km from areas a, areas b \
        where a.covered = 0 and b.covered = 1 group by a.code)";
    let maxdiff: f64 = sql_value(&areas, sql, "maxdiff").parse().unwrap();
    let n: usize = sql_value(&areas, sql, "n").parse().unwrap();
    assert_eq!(n, 305, "gaps on the built-in data");
    // covgap rounds to 0.1 km; allow the rounding plus a few metres of datum-shift difference.
    assert!(maxdiff <= 0.051, "largest difference {maxdiff} km");
}

#[test]
fn representative_points_lie_inside_their_areas() {
    if !have_ogrinfo() {
        eprintln!("note: ogrinfo not installed; GDAL cross-check skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    run_covgap(dir.path());
    let areas = dir.path().join("areas.geojson");
    let outside = sql_value(
        &areas,
        "select count(*) as outside from areas where not ST_Intersects(geometry, MakePoint(point_lon, point_lat, 4326))",
        "outside",
    );
    assert_eq!(outside, "0");
}

#[test]
fn team_bases_lie_in_their_host_areas() {
    if !have_ogrinfo() {
        eprintln!("note: ogrinfo not installed; GDAL cross-check skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    run_covgap(dir.path());
    // Copy both layers into one GeoPackage so one query can join them.
    let gpkg = dir.path().join("check.gpkg");
    for (layer, file) in [("areas", "areas.geojson"), ("teams", "teams.geojson")] {
        let mut cmd = Command::new("ogr2ogr");
        if gpkg.exists() {
            cmd.arg("-update");
        }
        let st = cmd
            .args(["-f", "GPKG"])
            .arg(&gpkg)
            .arg(dir.path().join(file))
            .args(["-nln", layer])
            .status()
            .unwrap();
        assert!(st.success());
    }
    let mismatched = sql_value(
        &gpkg,
        "select count(*) as bad from teams t join areas a on a.code = t.host_area_code \
         where not ST_Intersects(a.geom, t.geom)",
        "bad",
    );
    assert_eq!(mismatched, "0");
}

/// covgap's look for crossing boundary lines (`covgap::validity`, run as the boundaries load)
/// against GEOS's `IsValid`, through SpatiaLite, on real shapes: every built-in district with
/// two neighbouring positions of its first ring swapped, which makes some rings cross
/// themselves and leaves others valid, five ways. The two must flag the same districts.
///
/// Both look in the file's own coordinates (here WGS84). Looking at the districts projected to
/// the grid instead, as covgap first did, differed from GEOS in 1 to 3 districts of each way:
/// a swap of nearly aligned positions that crosses in degrees need not cross in metres, nor
/// the other way round.
#[test]
fn crossings_agree_with_geos_on_damaged_districts() {
    if !have_ogrinfo() {
        eprintln!("note: ogrinfo not installed; GDAL cross-check skipped");
        return;
    }
    for way in [3, 7, 11, 13, 17] {
        crossings_agree_with_geos(way);
    }
}

fn crossings_agree_with_geos(way: usize) {
    let dir = tempfile::tempdir().unwrap();
    let built_in =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/boundaries/lad_may2024_uk_buc.geojson");
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(built_in).unwrap()).unwrap();
    for (i, f) in doc["features"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        let g = &mut f["geometry"];
        let ring = if g["type"] == "Polygon" {
            &mut g["coordinates"][0]
        } else {
            &mut g["coordinates"][0][0]
        };
        let ring = ring.as_array_mut().unwrap();
        // Leave the closing position alone: swap k and k + 1 with 1 <= k <= len - 3.
        let k = 1 + (i * way) % (ring.len() - 3);
        ring.swap(k, k + 1);
    }
    let damaged = dir.path().join("damaged.geojson");
    std::fs::write(&damaged, serde_json::to_vec(&doc).unwrap()).unwrap();

    let text = sql_rows(
        &damaged,
        "select LAD24CD as code, ST_IsValid(geometry) as ok from damaged",
    );
    let codes: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("code (String) = "))
        .collect();
    let oks: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("ok (Integer) = "))
        .collect();
    assert_eq!(codes.len(), 361);
    assert_eq!(oks.len(), 361);
    let mut geos: Vec<String> = codes
        .iter()
        .zip(&oks)
        .filter(|(_, ok)| **ok != "1")
        .map(|(c, _)| c.to_string())
        .collect();
    geos.sort();

    let mut diag = covgap::error::Diagnostics::new();
    let inputs = covgap::load::Inputs {
        boundaries: Some(damaged),
        ..Default::default()
    };
    covgap::load::load(&inputs, &mut diag).unwrap();
    let mut ours: Vec<String> = diag
        .problems()
        .iter()
        .filter(|p| p.severity == covgap::error::Severity::Warning)
        .filter(|p| p.message.contains(" itself near ") || p.message.contains(" ring near "))
        .map(|p| p.message.split(' ').next().unwrap().to_string())
        .collect();
    ours.sort();
    // Enough of each kind for the comparison to mean something.
    assert!(
        geos.len() > 30 && geos.len() < 330,
        "GEOS flagged {}",
        geos.len()
    );
    assert_eq!(ours, geos, "districts damaged with way {way}");
}

/// A Shapefile's `.dbf` with no `.cpg` is read in the code page its mark (byte 29) gives, as
/// GDAL (and so QGIS) reads it: for every mark GDAL decodes, the Welsh name in the DOS code page
/// 850 fixture ("Ynys M\x93n") comes out as ogrinfo gives it. ArcGIS's "ANSI" (87) is left out:
/// GDAL reads it as ISO-8859-1, where 0x93 is an invisible control character, and covgap as
/// Windows-1252, which extends it (`read::shapefile`'s `mark_code_page` says why). So are the
/// marks of the East Asian pages (932, 936, 949, 950), in which the byte 0x93 begins a
/// two-byte character that "n" does not complete the same way in iconv's and the WHATWG
/// standard's tables.
#[test]
fn dbf_code_page_marks_are_read_as_gdal_reads_them() {
    if !have_ogrinfo() {
        eprintln!("note: ogrinfo not installed; GDAL cross-check skipped");
        return;
    }
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/shapefile_encodings/cp850_mark_dos");
    let dir = tempfile::tempdir().unwrap();
    let shp = dir.path().join("m.shp");
    for ext in ["shp", "shx", "prj"] {
        std::fs::copy(fixture.with_extension(ext), shp.with_extension(ext)).unwrap();
    }
    let dbf = std::fs::read(fixture.with_extension("dbf")).unwrap();
    let mut compared = Vec::new();
    for mark in 0..=255u8 {
        if matches!(mark, 87 | 19 | 77 | 78 | 79 | 120..=123) {
            continue;
        }
        let mut marked = dbf.clone();
        marked[29] = mark;
        std::fs::write(shp.with_extension("dbf"), &marked).unwrap();
        let out = Command::new("ogrinfo")
            .args(["-q", "-al", "-where", "LAD24CD = 'W06000001'"])
            .arg(&shp)
            .output()
            .unwrap();
        // Where GDAL passes the byte through undecoded, its output is not UTF-8: covgap's own
        // rule for text in no stated encoding applies (the unit tests hold it).
        let Ok(listing) = String::from_utf8(out.stdout) else {
            continue;
        };
        let gdal = listing
            .lines()
            .find_map(|l| l.trim().strip_prefix("LAD24NMW (String) = "))
            .unwrap_or_else(|| panic!("mark {mark}: no LAD24NMW in:\n{listing}"))
            .to_string();
        let layer = covgap::read::shapefile::read_shapefile(&shp).unwrap();
        let ours = layer
            .features
            .iter()
            .find(|f| f.props["LAD24CD"] == "W06000001")
            .map(|f| f.props["LAD24NMW"].as_str().unwrap().to_string())
            .unwrap();
        assert_eq!(ours, gdal, "code page mark {mark}");
        compared.push(mark);
    }
    // GDAL's table gives 58 marks besides those left out; those whose page iconv lacks
    // (895, 620, Mac 10000 and 10029) pass through undecoded, as do 0 and the marks it does
    // not give.
    assert!(
        compared.len() >= 50,
        "only {} marks compared: {compared:?}",
        compared.len()
    );
}
