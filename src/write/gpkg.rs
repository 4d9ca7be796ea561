//! `covgap.gpkg`: an OGC GeoPackage (1.3) with the layers `areas`, `teams` and `gaps` on
//! British National Grid (EPSG:27700), written through SQLite, and a QGIS `layer_styles`
//! table holding each layer's default style so that QGIS opens the layers styled.
//!
//! What the standard asks and this writes: `application_id` 'GPKG' and `user_version` 10300 (1.3: GDAL 3.6, in Debian 12, warns on 1.4);
//! `gpkg_spatial_ref_sys` with the three required rows plus EPSG:4326 and EPSG:27700;
//! `gpkg_contents` and `gpkg_geometry_columns` rows for each layer; feature tables with an
//! `INTEGER PRIMARY KEY` `fid` and a geometry column of GeoPackage binary geometries
//! (header, SRS id, envelope, ISO WKB); and the R-tree spatial index extension. Teams with no known base are kept, with a NULL
//! geometry, and teams serving only areas outside the boundaries given are listed too (marked
//! `outside_boundaries`), so the attribute table lists the whole team list.

use std::path::{Path, PathBuf};

use geo::{BoundingRect, Rect};
use rusqlite::{params, params_from_iter, types::Value as Sql, Connection};

use crate::coverage::Coverage;
use crate::error::{Error, Result};
use crate::model::{Geography, Study};
use crate::small_areas::Band;
use crate::wkb;
use crate::write::{qml, style};

/// The file name.
pub const FILE: &str = "covgap.gpkg";
/// Every layer is on British National Grid.
pub const SRS_ID: i32 = 27700;

/// The time written into `gpkg_contents.last_change` and `layer_styles.update_time`. A fixed
/// value, not the clock, so that the same inputs give a byte-identical GeoPackage like every
/// other output; when a run happened is the output folder's business, not the file's.
const STAMP: &str = "1970-01-01T00:00:00.000Z";

const WGS84_WKT: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#;
const BNG_WKT: &str = r#"PROJCS["OSGB36 / British National Grid",GEOGCS["OSGB36",DATUM["Ordnance_Survey_of_Great_Britain_1936",SPHEROID["Airy 1830",6377563.396,299.3249646,AUTHORITY["EPSG","7001"]],AUTHORITY["EPSG","6277"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4277"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",49],PARAMETER["central_meridian",-2],PARAMETER["scale_factor",0.9996012717],PARAMETER["false_easting",400000],PARAMETER["false_northing",-100000],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","27700"]]"#;

const SCHEMA: &str = r#"
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10300;
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE,
  min_y DOUBLE,
  max_x DOUBLE,
  max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);
CREATE TABLE layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  f_table_catalog TEXT(256),
  f_table_schema TEXT(256),
  f_table_name TEXT(256),
  f_geometry_column TEXT(256),
  styleName TEXT(30),
  styleQML TEXT,
  styleSLD TEXT,
  useAsDefault BOOLEAN,
  description TEXT,
  owner TEXT(30),
  ui TEXT(30),
  update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
"#;

/// One attribute column of a layer.
struct Column {
    name: String,
    sql_type: &'static str,
}

fn col(name: &str, sql_type: &'static str) -> Column {
    Column {
        name: name.to_string(),
        sql_type,
    }
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// One feature: its geometry blob (or NULL) and attribute values in column order.
struct Feature {
    geometry: Option<Vec<u8>>,
    /// Bounds for the spatial index.
    bounds: Option<Rect>,
    values: Vec<Sql>,
}

struct Layer {
    name: &'static str,
    description: String,
    geometry_type: &'static str,
    columns: Vec<Column>,
    features: Vec<Feature>,
    extent: Option<Rect>,
    style: String,
}

fn text(s: &str) -> Sql {
    Sql::Text(s.to_string())
}

fn opt_text(s: Option<&str>) -> Sql {
    s.map(text).unwrap_or(Sql::Null)
}

fn geo_name(g: &Option<Geography>) -> Sql {
    opt_text(g.as_ref().map(|g| g.name.as_str()))
}

fn extend(acc: &mut Option<Rect>, r: Option<Rect>) {
    if let Some(r) = r {
        *acc = Some(match acc {
            None => r,
            Some(a) => Rect::new(
                geo::coord! { x: a.min().x.min(r.min().x), y: a.min().y.min(r.min().y) },
                geo::coord! { x: a.max().x.max(r.max().x), y: a.max().y.max(r.max().y) },
            ),
        });
    }
}

fn area_layer(study: &Study, cov: &Coverage, classes: &[style::GapClass]) -> Layer {
    let key = study.demand.measure.key();
    // With small areas, the babies by distance band, as in areas.geojson (null where a
    // district has no small areas).
    let banded = cov.areas.iter().any(|r| r.bands.is_some());
    let mut extent = None;
    let features = study
        .areas
        .iter()
        .zip(&cov.areas)
        .map(|(a, r)| {
            extend(&mut extent, a.bng.bounding_rect());
            let names: Vec<&str> = r
                .teams
                .iter()
                .map(|&t| study.teams[t].name.as_str())
                .collect();
            let mut values = vec![
                text(&a.code),
                text(&a.name),
                text(a.nation.name()),
                geo_name(&a.keys.region),
                a.figure.map_or(Sql::Null, |f| Sql::Integer(f as i64)),
                Sql::Integer(i64::from(r.covered())),
                text(&names.join("; ")),
                Sql::Integer(names.len() as i64),
                opt_text(r.nearest.map(|n| study.team_name(n.team))),
                r.nearest
                    .map_or(Sql::Null, |n| Sql::Real(crate::write::round(n.km, 1))),
                r.gap_rank.map_or(Sql::Null, |g| Sql::Integer(g as i64)),
                // The point distances are measured from, as in areas.geojson.
                Sql::Real(crate::write::round(a.point.wgs84.x(), 6)),
                Sql::Real(crate::write::round(a.point.wgs84.y(), 6)),
            ];
            if banded {
                values.extend(
                    Band::ALL.map(|b| r.bands.map_or(Sql::Null, |x| Sql::Integer(x.get(b) as i64))),
                );
            }
            Feature {
                geometry: Some(wkb::gpkg_multipolygon(&a.bng, SRS_ID)),
                bounds: a.bng.bounding_rect(),
                values,
            }
        })
        .collect();
    let mut columns = vec![
        col("code", "TEXT"),
        col("name", "TEXT"),
        col("nation", "TEXT"),
        col("region", "TEXT"),
        col(key, "INTEGER"),
        col("covered", "BOOLEAN"),
        col("teams", "TEXT"),
        col("team_count", "INTEGER"),
        col("nearest_team", "TEXT"),
        col("nearest_team_km", "REAL"),
        col("gap_rank", "INTEGER"),
        col("point_lon", "REAL"),
        col("point_lat", "REAL"),
    ];
    if banded {
        columns.extend(Band::ALL.map(|b| col(b.key(), "INTEGER")));
    }
    Layer {
        name: "areas",
        description: format!(
            "Areas and whether a counted team covers them; {}, {}",
            study.demand.measure.describe(),
            study.demand.period
        ),
        geometry_type: "MULTIPOLYGON",
        columns,
        features,
        extent,
        style: qml::areas(classes, key, study.demand.measure.describe()),
    }
}

fn gap_layer(study: &Study, cov: &Coverage, classes: &[style::GapClass]) -> Layer {
    let key = study.demand.measure.key();
    let mut extent = None;
    let features = cov
        .gaps
        .iter()
        .map(|&i| {
            let a = &study.areas[i];
            let r = &cov.areas[i];
            extend(&mut extent, a.bng.bounding_rect());
            Feature {
                geometry: Some(wkb::gpkg_multipolygon(&a.bng, SRS_ID)),
                bounds: a.bng.bounding_rect(),
                values: vec![
                    r.gap_rank.map_or(Sql::Null, |g| Sql::Integer(g as i64)),
                    text(&a.code),
                    text(&a.name),
                    text(a.nation.name()),
                    geo_name(&a.keys.region),
                    a.figure.map_or(Sql::Null, |f| Sql::Integer(f as i64)),
                    opt_text(r.nearest.map(|n| study.team_name(n.team))),
                    r.nearest
                        .map_or(Sql::Null, |n| Sql::Real(crate::write::round(n.km, 1))),
                    geo_name(&a.keys.utla),
                    geo_name(&a.keys.icb),
                    match a.keys.icb_parts_words(a.figure) {
                        w if w.is_empty() => Sql::Null,
                        w => Sql::Text(w),
                    },
                    geo_name(&a.keys.health_board),
                    text(&study.demand.period),
                ],
            }
        })
        .collect();
    Layer {
        name: "gaps",
        description: format!(
            "Areas with no counted team, ranked by {}, {}",
            study.demand.measure.describe(),
            study.demand.period
        ),
        geometry_type: "MULTIPOLYGON",
        columns: vec![
            col("rank", "INTEGER"),
            col("code", "TEXT"),
            col("name", "TEXT"),
            col("nation", "TEXT"),
            col("region", "TEXT"),
            col(key, "INTEGER"),
            col("nearest_team", "TEXT"),
            col("nearest_team_km", "REAL"),
            col("upper_tier", "TEXT"),
            col("icb", "TEXT"),
            col("icb_parts", "TEXT"),
            col("health_board", "TEXT"),
            col("period", "TEXT"),
        ],
        features,
        extent,
        style: qml::gaps(classes, key, study.demand.measure.describe()),
    }
}

fn team_layer(study: &Study) -> Layer {
    let mut extent = None;
    let features = crate::write::teams::records(study)
        .into_iter()
        .map(|t| {
            let b = t.base;
            if let Some(b) = b {
                extend(&mut extent, Some(Rect::new(b.at.bng.0, b.at.bng.0)));
            }
            Feature {
                geometry: b.map(|b| wkb::gpkg_point(b.at.bng, SRS_ID)),
                bounds: b.map(|b| Rect::new(b.at.bng.0, b.at.bng.0)),
                values: vec![
                    text(t.name),
                    text(t.host_org),
                    opt_text(t.evidence),
                    Sql::Integer(i64::from(t.counted)),
                    Sql::Integer(i64::from(t.outside_boundaries)),
                    text(&t.areas_served),
                    text(&t.covers),
                    opt_text(t.host_area.map(|a| a.0)),
                    opt_text(t.host_area.map(|a| a.1)),
                    opt_text(b.map(|b| b.given.as_str())),
                    opt_text(b.map(|b| b.precision.key())),
                    text(t.source_url),
                    text(t.last_evidence),
                ],
            }
        })
        .collect();
    Layer {
        name: "teams",
        description: format!("Teams in the list; {}", study.evidence_rule),
        geometry_type: "POINT",
        columns: vec![
            col("name", "TEXT"),
            col("host_org", "TEXT"),
            col("evidence", "TEXT"),
            col("counted", "BOOLEAN"),
            col("outside_boundaries", "BOOLEAN"),
            col("areas_served", "TEXT"),
            col("covers", "TEXT"),
            col("host_area_code", "TEXT"),
            col("host_area_name", "TEXT"),
            col("base", "TEXT"),
            col("base_precision", "TEXT"),
            col("source_url", "TEXT"),
            col("last_evidence", "TEXT"),
        ],
        features,
        extent,
        style: qml::teams(!study.beyond.is_empty()),
    }
}

fn write_layer(tx: &rusqlite::Transaction, layer: &Layer) -> rusqlite::Result<()> {
    let cols: String = layer
        .columns
        .iter()
        .map(|c| format!(", {} {}", quote(&c.name), c.sql_type))
        .collect();
    tx.execute_batch(&format!(
        "CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {}{cols});",
        quote(layer.name),
        layer.geometry_type
    ))?;
    let (min, max) = layer
        .extent
        .map(|r| (Some(r.min()), Some(r.max())))
        .unwrap_or((None, None));
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id, last_change)
         VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            layer.name,
            layer.description,
            min.map(|c| c.x),
            min.map(|c| c.y),
            max.map(|c| c.x),
            max.map(|c| c.y),
            SRS_ID,
            STAMP
        ],
    )?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, ?3, 0, 0)",
        params![layer.name, layer.geometry_type, SRS_ID],
    )?;
    let names: String = layer
        .columns
        .iter()
        .map(|c| format!(", {}", quote(&c.name)))
        .collect();
    let marks: String = (0..layer.columns.len())
        .map(|i| format!(", ?{}", i + 2))
        .collect();
    let mut stmt = tx.prepare(&format!(
        "INSERT INTO {} (geom{names}) VALUES (?1{marks})",
        quote(layer.name)
    ))?;
    let mut fids = Vec::with_capacity(layer.features.len());
    for f in &layer.features {
        let geom = f.geometry.clone().map_or(Sql::Null, Sql::Blob);
        stmt.execute(params_from_iter(
            std::iter::once(geom).chain(f.values.iter().cloned()),
        ))?;
        fids.push(tx.last_insert_rowid());
    }
    spatial_index(tx, layer, &fids)?;
    tx.execute(
        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column,
           styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time)
         VALUES ('', '', ?1, 'geom', ?1, ?2, '', 1, ?3, 'covgap', '', ?4)",
        params![
            layer.name,
            layer.style,
            format!("covgap default style for {}", layer.name),
            STAMP
        ],
    )?;
    Ok(())
}

/// The GeoPackage R-tree spatial index extension (`gpkg_rtree_index`, as GeoPackage 1.3
/// defines it): filled here from the features' bounds, kept up to date on later edits by the
/// standard triggers (their ST_ functions are the ones GDAL and QGIS provide).
fn spatial_index(tx: &rusqlite::Transaction, layer: &Layer, fids: &[i64]) -> rusqlite::Result<()> {
    let (t, c, i) = (layer.name, "geom", "fid");
    let rt = format!("rtree_{t}_{c}");
    tx.execute(
        "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
         VALUES (?1, ?2, 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        params![t, c],
    )?;
    tx.execute_batch(&format!(
        "CREATE VIRTUAL TABLE \"{rt}\" USING rtree(id, minx, maxx, miny, maxy);"
    ))?;
    {
        let mut ins = tx.prepare(&format!("INSERT INTO \"{rt}\" VALUES (?1, ?2, ?3, ?4, ?5)"))?;
        for (f, fid) in layer.features.iter().zip(fids) {
            if let Some(b) = f.bounds {
                ins.execute(params![fid, b.min().x, b.max().x, b.min().y, b.max().y])?;
            }
        }
    }
    let values = format!(
        "VALUES (NEW.\"{i}\", ST_MinX(NEW.\"{c}\"), ST_MaxX(NEW.\"{c}\"), ST_MinY(NEW.\"{c}\"), ST_MaxY(NEW.\"{c}\"))"
    );
    tx.execute_batch(&format!(
        "CREATE TRIGGER \"{rt}_insert\" AFTER INSERT ON \"{t}\" WHEN (new.\"{c}\" NOT NULL AND NOT ST_IsEmpty(NEW.\"{c}\")) BEGIN INSERT OR REPLACE INTO \"{rt}\" {values}; END;
CREATE TRIGGER \"{rt}_update1\" AFTER UPDATE OF \"{c}\" ON \"{t}\" WHEN OLD.\"{i}\" = NEW.\"{i}\" AND (NEW.\"{c}\" NOTNULL AND NOT ST_IsEmpty(NEW.\"{c}\")) BEGIN INSERT OR REPLACE INTO \"{rt}\" {values}; END;
CREATE TRIGGER \"{rt}_update2\" AFTER UPDATE OF \"{c}\" ON \"{t}\" WHEN OLD.\"{i}\" = NEW.\"{i}\" AND (NEW.\"{c}\" ISNULL OR ST_IsEmpty(NEW.\"{c}\")) BEGIN DELETE FROM \"{rt}\" WHERE id = OLD.\"{i}\"; END;
CREATE TRIGGER \"{rt}_update3\" AFTER UPDATE ON \"{t}\" WHEN OLD.\"{i}\" != NEW.\"{i}\" AND (NEW.\"{c}\" NOTNULL AND NOT ST_IsEmpty(NEW.\"{c}\")) BEGIN DELETE FROM \"{rt}\" WHERE id = OLD.\"{i}\"; INSERT OR REPLACE INTO \"{rt}\" {values}; END;
CREATE TRIGGER \"{rt}_update4\" AFTER UPDATE ON \"{t}\" WHEN OLD.\"{i}\" != NEW.\"{i}\" AND (NEW.\"{c}\" ISNULL OR ST_IsEmpty(NEW.\"{c}\")) BEGIN DELETE FROM \"{rt}\" WHERE id IN (OLD.\"{i}\", NEW.\"{i}\"); END;
CREATE TRIGGER \"{rt}_delete\" AFTER DELETE ON \"{t}\" WHEN old.\"{c}\" NOT NULL BEGIN DELETE FROM \"{rt}\" WHERE id = OLD.\"{i}\"; END;"
    ))
}

fn write_to(path: &Path, layers: &[Layer]) -> rusqlite::Result<()> {
    let mut conn = Connection::open(path)?;
    // The database is a scratch file read back into memory and committed with the other
    // outputs, so SQLite's own journal and syncs buy nothing here.
    conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
    conn.execute_batch(SCHEMA)?;
    let tx = conn.transaction()?;
    {
        let mut srs =
            tx.prepare("INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
        srs.execute(params![
            "Undefined cartesian SRS",
            -1,
            "NONE",
            -1,
            "undefined",
            "undefined cartesian coordinate reference system"
        ])?;
        srs.execute(params![
            "Undefined geographic SRS",
            0,
            "NONE",
            0,
            "undefined",
            "undefined geographic coordinate reference system"
        ])?;
        srs.execute(params![
            "WGS 84 geodetic",
            4326,
            "EPSG",
            4326,
            WGS84_WKT,
            "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"
        ])?;
        srs.execute(params![
            "OSGB36 / British National Grid",
            27700,
            "EPSG",
            27700,
            BNG_WKT,
            "British National Grid: eastings and northings in metres"
        ])?;
    }
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)
         VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles', ?1)",
        [STAMP],
    )?;
    for l in layers {
        write_layer(&tx, l)?;
    }
    tx.commit()?;
    conn.close().map_err(|(_, e)| e)
}

/// `covgap.gpkg` as bytes: built in a temporary SQLite file, then read back so that it is
/// written into the output folder with the other outputs, all or nothing.
///
/// # Examples
/// ```
/// use covgap::{analyse_inputs, error::Diagnostics, load::Inputs};
/// let a = analyse_inputs(&Inputs::default(), &mut Diagnostics::new()).unwrap();
/// let bytes = covgap::write::gpkg::gpkg(&a.study, &a.coverage).unwrap();
/// assert_eq!(&bytes[68..72], b"GPKG"); // SQLite application_id
/// ```
pub fn gpkg(study: &Study, cov: &Coverage) -> Result<Vec<u8>> {
    let classes = style::classes(study, cov);
    let layers = [
        area_layer(study, cov, &classes),
        team_layer(study),
        gap_layer(study, cov, &classes),
    ];
    let werr = |source: std::io::Error| Error::Write {
        path: PathBuf::from(FILE),
        source,
    };
    let dir = tempfile::tempdir().map_err(werr)?;
    let path = dir.path().join(FILE);
    write_to(&path, &layers).map_err(|e| werr(std::io::Error::other(e)))?;
    std::fs::read(&path).map_err(werr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_geopackage_has_the_required_tables() {
        let mut diag = crate::error::Diagnostics::new();
        let a = crate::analyse_inputs(&crate::load::Inputs::default(), &mut diag).unwrap();
        let bytes = gpkg(&a.study, &a.coverage).unwrap();
        assert_eq!(&bytes[..16], b"SQLite format 3\0");
        // application_id at byte 68, user_version at byte 60 (big-endian).
        assert_eq!(&bytes[68..72], b"GPKG");
        assert_eq!(u32::from_be_bytes(bytes[60..64].try_into().unwrap()), 10300);
    }
}
