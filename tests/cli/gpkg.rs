//! `covgap.gpkg` follows the GeoPackage standard and carries QGIS default styles; the `.qml`
//! files beside the GeoJSON hold the same styles.

use std::path::Path;
use std::process::Command;

use rusqlite::Connection;

use crate::{covgap, fixture_path};

fn run(out: &Path) {
    covgap()
        .args(["run", "--quiet", "--teams"])
        .arg(fixture_path("teams_before.csv"))
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

fn count(db: &Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn geopackage_has_required_tables_layers_and_styles() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path());
    let db = Connection::open(dir.path().join("covgap.gpkg")).unwrap();
    assert_eq!(count(&db, "PRAGMA application_id"), 0x4750_4B47);
    assert_eq!(count(&db, "PRAGMA user_version"), 10300);
    let ok: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    assert_eq!(
        count(&db, "SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );
    for srs in [-1, 0, 4326, 27700] {
        assert_eq!(
            count(
                &db,
                &format!("SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id = {srs}")
            ),
            1,
            "srs {srs}"
        );
    }
    let layers: Vec<(String, String, i64)> = db
        .prepare("SELECT c.table_name, g.geometry_type_name, g.srs_id FROM gpkg_contents c JOIN gpkg_geometry_columns g USING (table_name) WHERE c.data_type = 'features' ORDER BY c.table_name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(
        layers,
        [
            ("areas".to_string(), "MULTIPOLYGON".to_string(), 27700),
            ("gaps".into(), "MULTIPOLYGON".into(), 27700),
            ("teams".into(), "POINT".into(), 27700),
        ]
    );
    assert_eq!(count(&db, "SELECT count(*) FROM areas"), 361);
    assert_eq!(count(&db, "SELECT count(*) FROM areas WHERE covered"), 2);
    assert_eq!(count(&db, "SELECT count(*) FROM gaps"), 359);
    assert_eq!(count(&db, "SELECT count(*) FROM teams"), 2);
    // The R-tree spatial index: registered, and one entry per feature with a geometry.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'"
        ),
        3
    );
    assert_eq!(count(&db, "SELECT count(*) FROM rtree_areas_geom"), 361);
    assert_eq!(count(&db, "SELECT count(*) FROM rtree_teams_geom"), 2);
    let (minx, maxx): (f64, f64) = db
        .query_row(
            "SELECT r.minx, r.maxx FROM rtree_areas_geom r JOIN areas a ON a.fid = r.id WHERE a.code = 'E08000025'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(minx > 390_000.0 && maxx < 425_000.0 && minx < maxx);
    // fid is the INTEGER PRIMARY KEY of each feature table.
    for t in ["areas", "teams", "gaps"] {
        let pk: String = db
            .query_row(
                &format!("SELECT name FROM pragma_table_info('{t}') WHERE pk = 1"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(pk, "fid");
    }
    // Geometries are GeoPackage blobs on British National Grid.
    let blob: Vec<u8> = db
        .query_row("SELECT geom FROM areas WHERE code = 'E08000025'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let (srs, mp) = covgap::wkb::read_gpkg(&blob).unwrap();
    assert_eq!(srs, 27700);
    let c = mp.0[0].exterior().0[0];
    assert!((380_000.0..430_000.0).contains(&c.x) && (270_000.0..310_000.0).contains(&c.y));
    // One default style per layer, the same QML as the files beside the GeoJSON.
    let styles: Vec<(String, String, bool)> = db
        .prepare("SELECT f_table_name, styleQML, useAsDefault FROM layer_styles ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(styles.len(), 3);
    for (table, qml, default) in &styles {
        assert!(default, "{table}");
        assert!(
            qml.contains("<renderer-v2 type=\"RuleRenderer\""),
            "{table}"
        );
        if table != "gaps" {
            let file = std::fs::read_to_string(dir.path().join(format!("{table}.qml"))).unwrap();
            assert_eq!(&file, qml, "{table}.qml");
        }
    }
}

#[test]
fn ogrinfo_reads_the_layers() {
    if Command::new("ogrinfo").arg("--version").output().is_err() {
        eprintln!("note: ogrinfo (gdal-bin) is not installed; skipping the GDAL check");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    run(dir.path());
    let out = Command::new("ogrinfo")
        .args(["-ro", "-al", "-so"])
        .arg(dir.path().join("covgap.gpkg"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        !stderr.contains("Warning") && !stderr.contains("ERROR"),
        "{stderr}"
    );
    for (layer, geometry, n) in [
        ("areas", "Multi Polygon", 361),
        ("teams", "Point", 2),
        ("gaps", "Multi Polygon", 359),
        ("layer_styles", "None", 3),
    ] {
        let want = format!("Layer name: {layer}");
        let at = stdout
            .find(&want)
            .unwrap_or_else(|| panic!("{want}\n{stdout}"));
        let section = &stdout[at..];
        assert!(
            section.contains(&format!("Geometry: {geometry}")),
            "{section}"
        );
        assert!(
            section.contains(&format!("Feature Count: {n}")),
            "{section}"
        );
    }
    assert!(stdout.contains("OSGB36 / British National Grid"));

    // GDAL's GeoPackage validator (Debian: python3-gdal), when installed.
    let validator =
        Path::new("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py");
    if validator.exists() {
        let v = Command::new("/usr/bin/python3")
            .arg(validator)
            .arg(dir.path().join("covgap.gpkg"))
            .output()
            .unwrap();
        let said =
            String::from_utf8_lossy(&v.stdout).to_string() + &String::from_utf8_lossy(&v.stderr);
        assert!(v.status.success() && said.trim().is_empty(), "{said}");
    } else {
        eprintln!("note: GDAL's validate_gpkg.py (python3-gdal) is not installed; skipping it");
    }
}
