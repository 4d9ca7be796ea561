//! Reading boundaries from a layer of an OGC GeoPackage (as QGIS, GDAL and ONS write them),
//! through SQLite: the layer's rows, its geometry column of GeoPackage binary geometries, and
//! its coordinate system from `gpkg_spatial_ref_sys`.

use std::path::Path;

use rusqlite::{types::ValueRef, Connection, OpenFlags};
use serde_json::{Map, Value};

use crate::crs::Crs;
use crate::error::{Error, Result};
use crate::read::boundaries::{SourceFeature, SourceLayer};
use crate::wkb;

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

fn value(v: ValueRef) -> Value {
    match v {
        ValueRef::Null | ValueRef::Blob(_) => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).trim().to_string()),
    }
}

/// Reads one feature layer. `layer` may be left out when the GeoPackage has only one;
/// `choose` says how to name one when it has several (e.g. `name one with --layer`).
///
/// # Examples
/// ```
/// let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
///     .join("tests/fixtures/geopackage_two_layers.gpkg");
/// let layer = covgap::read::geopackage::read_layer(&path, Some("districts_bng"), "").unwrap();
/// assert_eq!(layer.features.len(), 8);
/// assert_eq!(layer.declared.unwrap().0, covgap::crs::Crs::BritishNationalGrid);
/// let two = covgap::read::geopackage::read_layer(&path, None, "name one with --layer");
/// assert!(two.unwrap_err().to_string().ends_with("; name one with --layer"));
/// ```
pub fn read_layer(path: &Path, layer: Option<&str>, choose: &str) -> Result<SourceLayer> {
    let ferr = |message: String| Error::Format {
        path: path.to_path_buf(),
        message,
    };
    // SQLite's words for a file that is not a database, or is cut short, said plainly.
    let sql = |e: rusqlite::Error| {
        let again = crate::read::shapefile::GET_IT_AGAIN;
        ferr(match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => format!(
                "is not a GeoPackage: it is not an SQLite database, as every GeoPackage is; check it is the file you meant, or {again} (SQLite: {e})"
            ),
            Some(rusqlite::ErrorCode::DatabaseCorrupt) => format!(
                "is cut short or damaged: its database cannot be read in full ({again}; SQLite: {e})"
            ),
            _ => format!("cannot be read as a GeoPackage: {e}"),
        })
    };
    // A file that is not there, or holds nothing, is said so as for every other input:
    // SQLite would say "unable to open database file", or read 0 bytes as an empty database.
    drop(crate::read::text::open_non_empty(
        path,
        "a GeoPackage (.gpkg)",
    )?);
    let db = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql)?;
    let has_contents: bool = db
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type IN ('table','view') AND name = 'gpkg_contents'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(sql)?
        > 0;
    if !has_contents {
        return Err(ferr(
            "is an SQLite database but not a GeoPackage (it has no gpkg_contents table)".into(),
        ));
    }
    let layers: Vec<String> = db
        .prepare("SELECT table_name FROM gpkg_contents WHERE lower(data_type) = 'features' ORDER BY table_name")
        .and_then(|mut s| {
            s.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()
        })
        .map_err(sql)?;
    let table = match (layer, layers.as_slice()) {
        (_, []) => return Err(ferr("has no feature layers".into())),
        (Some(l), _) => layers
            .iter()
            .find(|t| t.as_str() == l)
            .or_else(|| layers.iter().find(|t| t.eq_ignore_ascii_case(l)))
            .cloned()
            .ok_or_else(|| {
                ferr(format!(
                    "has no layer {l:?}; its feature layers are {}",
                    layers.join(", ")
                ))
            })?,
        (None, [one]) => one.clone(),
        (None, many) => {
            return Err(ferr(format!(
                "has {} feature layers ({}); {choose}",
                many.len(),
                many.join(", ")
            )))
        }
    };
    let (geom_col, srs_id): (String, i64) = db
        .query_row(
            "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?1",
            [&table],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(|e| {
            ferr(format!(
                "layer {table:?} has no row in gpkg_geometry_columns ({e})"
            ))
        })?;
    let (org, org_id, definition): (String, i64, String) = db
        .query_row(
            "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(|e| {
            ferr(format!(
                "layer {table:?} uses SRS id {srs_id}, which gpkg_spatial_ref_sys does not define ({e})"
            ))
        })?;
    let crs = match (org.to_ascii_uppercase().as_str(), org_id) {
        ("EPSG", 4326) => Crs::Wgs84,
        ("EPSG", 27700) => Crs::BritishNationalGrid,
        ("EPSG", 29903) => Crs::IrishGrid,
        ("EPSG", 29902) => Crs::IrishGridTm65,
        ("EPSG", 2157) => Crs::IrishTransverseMercator,
        _ => Crs::from_wkt(&definition)
            .map_err(|m| ferr(format!("layer {table:?} ({org}:{org_id}) {m}")))?,
    };

    let mut stmt = db
        .prepare(&format!("SELECT * FROM {}", quote(&table)))
        .map_err(sql)?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let gi = names
        .iter()
        .position(|n| n.eq_ignore_ascii_case(&geom_col))
        .ok_or_else(|| {
            ferr(format!(
                "layer {table:?} has no geometry column {geom_col:?}"
            ))
        })?;
    let mut rows = stmt.query([]).map_err(sql)?;
    let mut features = Vec::new();
    while let Some(row) = rows.next().map_err(sql)? {
        let mut props = Map::new();
        let mut geometry = None;
        for (i, n) in names.iter().enumerate() {
            let v = row.get_ref(i).map_err(sql)?;
            if i == gi {
                geometry = match v {
                    ValueRef::Null => None,
                    ValueRef::Blob(b) => Some(wkb::read_gpkg(b).map(|(_, mp)| mp)),
                    _ => Some(Err("geometry is not a GeoPackage geometry blob".into())),
                };
            } else {
                props.insert(n.clone(), value(v));
            }
        }
        features.push(SourceFeature { props, geometry });
    }
    let fields = names
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i != gi)
        .map(|(_, n)| n)
        .collect();
    Ok(SourceLayer {
        // Named in messages only when the file holds more than one.
        layer: (layers.len() > 1).then(|| table.clone()),
        features,
        fields,
        declared: Some((
            crs,
            format!(
                "layer {table:?} is on {org}:{org_id}, read as {}",
                crs.label()
            ),
        )),
        undeclared: "",
    })
}
