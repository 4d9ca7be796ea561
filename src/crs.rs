//! Coordinate systems: WGS84 longitude/latitude and British National Grid (EPSG:27700).
//!
//! All measuring is done on British National Grid, in metres: the grid is the one ONS and
//! Ordnance Survey publish for the UK, and a distance there is a plain Euclidean one. Output
//! GeoJSON is WGS84, as RFC 7946 requires. Transformations go through proj4rs with the
//! OSGB36 seven-parameter Helmert shift that PROJ uses by default for EPSG:27700 (about 2 m
//! accuracy, far finer than the generalised boundaries).

use geo::{Coord, MapCoords, MultiPolygon, Point};
use proj4rs::proj::Proj;
use std::sync::OnceLock;

use crate::error::{Error, Result};

/// PROJ definition of EPSG:27700 with its default towgs84 parameters.
pub const BNG_PROJ4: &str = "+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 \
+y_0=-100000 +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs";
const WGS84_PROJ4: &str = "+proj=longlat +datum=WGS84 +no_defs";

/// A coordinate system covgap reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crs {
    /// EPSG:4326 / OGC CRS84: longitude, latitude in degrees.
    Wgs84,
    /// EPSG:27700: easting, northing in metres.
    BritishNationalGrid,
}

impl Crs {
    /// Reads a CRS name as GDAL, QGIS and older GeoJSON write it in a legacy `"crs"` member,
    /// e.g. `urn:ogc:def:crs:EPSG::27700`, `EPSG:27700`, `urn:ogc:def:crs:OGC:1.3:CRS84`.
    ///
    /// # Examples
    /// ```
    /// use covgap::crs::Crs;
    /// assert_eq!(Crs::from_name("urn:ogc:def:crs:EPSG::27700"), Some(Crs::BritishNationalGrid));
    /// assert_eq!(Crs::from_name("urn:ogc:def:crs:OGC:1.3:CRS84"), Some(Crs::Wgs84));
    /// assert_eq!(Crs::from_name("EPSG:3857"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Crs> {
        let n = name.trim().to_ascii_uppercase();
        let code = n
            .rsplit([':', '/'])
            .next()
            .unwrap_or("")
            .trim_start_matches("EPSG")
            .to_string();
        match code.as_str() {
            "CRS84" | "4326" => Some(Crs::Wgs84),
            "27700" => Some(Crs::BritishNationalGrid),
            _ => None,
        }
    }

    /// Reads the system from Well-Known Text, as a Shapefile's `.prj` or a GeoPackage's
    /// `gpkg_spatial_ref_sys` holds it (ESRI or OGC WKT 1, or WKT 2). Knows British National
    /// Grid (OSGB36 Transverse Mercator) and WGS84 longitude/latitude; anything else is an
    /// error naming the system found.
    ///
    /// # Examples
    /// ```
    /// use covgap::crs::Crs;
    /// let esri = r#"PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936",SPHEROID["Airy_1849",6377563.396,299.3249646]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",400000.0],UNIT["Meter",1.0]]"#;
    /// assert_eq!(Crs::from_wkt(esri), Ok(Crs::BritishNationalGrid));
    /// let wgs = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
    /// assert_eq!(Crs::from_wkt(wgs), Ok(Crs::Wgs84));
    /// assert!(Crs::from_wkt(r#"PROJCS["TM75 / Irish Grid",GEOGCS["TM75"]]"#).unwrap_err().contains("TM75 / Irish Grid"));
    /// ```
    pub fn from_wkt(wkt: &str) -> std::result::Result<Crs, String> {
        let t = wkt.trim().trim_start_matches('\u{feff}');
        let norm = t.to_ascii_uppercase().replace([' ', '-'], "_");
        let name = t
            .split('"')
            .nth(1)
            .map(str::to_string)
            .unwrap_or_else(|| t.chars().take(60).collect());
        let kind = norm.split('[').next().unwrap_or("");
        let has = |s: &str| norm.contains(s);
        match kind {
            "PROJCS" | "PROJCRS" | "PROJECTEDCRS" => {
                if has("BRITISH_NATIONAL_GRID")
                    || has("\"EPSG\",\"27700\"")
                    || has("\"EPSG\",27700")
                    || (has("OSGB") && has("TRANSVERSE_MERCATOR") && has("400000"))
                {
                    Ok(Crs::BritishNationalGrid)
                } else {
                    Err(format!(
                        "is in the coordinate system {name:?}, which covgap does not know; expected British National Grid (EPSG:27700) or WGS84 (EPSG:4326): reproject it, e.g. with ogr2ogr -t_srs EPSG:27700 or QGIS's Export > Save Features As"
                    ))
                }
            }
            "GEOGCS" | "GEOGCRS" | "GEODCRS" | "GEOGRAPHICCRS" => {
                if has("WGS_1984") || has("WGS_84") || has("WGS84") {
                    Ok(Crs::Wgs84)
                } else {
                    Err(format!(
                        "is in latitude/longitude on {name:?}, which covgap does not know; expected WGS84 (EPSG:4326) or British National Grid (EPSG:27700): reproject it, e.g. with ogr2ogr -t_srs EPSG:27700"
                    ))
                }
            }
            _ => Err(format!(
                "has a coordinate system covgap cannot read ({name:?}); expected the Well-Known Text of British National Grid (EPSG:27700) or WGS84 (EPSG:4326)"
            )),
        }
    }

    /// Guesses the system from the extent of the coordinates, for files with no `crs` member.
    /// Returns `None` when the extent fits neither.
    pub fn guess_from_extent(min: Coord, max: Coord) -> Option<Crs> {
        let in_degrees = min.x >= -180.0 && max.x <= 180.0 && min.y >= -90.0 && max.y <= 90.0;
        // The grid's false origin puts all of the UK (Northern Ireland included) in
        // 0..700 km east and 0..1,250 km north.
        let in_grid = min.x >= -10_000.0
            && max.x <= 800_000.0
            && min.y >= -10_000.0
            && max.y <= 1_300_000.0
            && (max.x - min.x > 360.0 || max.y - min.y > 180.0 || max.x > 180.0 || max.y > 90.0);
        if in_degrees {
            Some(Crs::Wgs84)
        } else if in_grid {
            Some(Crs::BritishNationalGrid)
        } else {
            None
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Crs::Wgs84 => "WGS84 (EPSG:4326)",
            Crs::BritishNationalGrid => "British National Grid (EPSG:27700)",
        }
    }
}

struct Projs {
    wgs84: Proj,
    bng: Proj,
}

fn projs() -> &'static Projs {
    static PROJS: OnceLock<Projs> = OnceLock::new();
    PROJS.get_or_init(|| Projs {
        wgs84: Proj::from_proj_string(WGS84_PROJ4).expect("static WGS84 definition parses"),
        bng: Proj::from_proj_string(BNG_PROJ4).expect("static BNG definition parses"),
    })
}

/// Longitude/latitude in degrees to British National Grid metres.
///
/// # Examples
/// ```
/// // Ordnance Survey's own worked example point, Caister water tower.
/// let bng = covgap::crs::wgs84_to_bng(geo::coord! { x: 1.716073973, y: 52.658007833 }).unwrap();
/// assert!((bng.x - 651_409.9).abs() < 5.0 && (bng.y - 313_177.3).abs() < 5.0);
/// ```
pub fn wgs84_to_bng(c: Coord) -> Result<Coord> {
    let p = projs();
    let mut xy = (c.x.to_radians(), c.y.to_radians(), 0.0);
    proj4rs::transform::transform(&p.wgs84, &p.bng, &mut xy).map_err(|e| {
        Error::Projection(format!("({}, {}) to British National Grid: {e}", c.x, c.y))
    })?;
    Ok(Coord { x: xy.0, y: xy.1 })
}

/// British National Grid metres to longitude/latitude in degrees.
pub fn bng_to_wgs84(c: Coord) -> Result<Coord> {
    let p = projs();
    let mut xy = (c.x, c.y, 0.0);
    proj4rs::transform::transform(&p.bng, &p.wgs84, &mut xy)
        .map_err(|e| Error::Projection(format!("({}, {}) to WGS84: {e}", c.x, c.y)))?;
    Ok(Coord {
        x: xy.0.to_degrees(),
        y: xy.1.to_degrees(),
    })
}

/// Transforms every coordinate of a multipolygon.
pub fn transform_multipolygon(
    mp: &MultiPolygon,
    f: fn(Coord) -> Result<Coord>,
) -> Result<MultiPolygon> {
    mp.try_map_coords(f)
}

/// A point in both systems: WGS84 for output, British National Grid for measuring.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Located {
    pub wgs84: Point,
    pub bng: Point,
}

impl Located {
    pub fn from_wgs84(lon: f64, lat: f64) -> Result<Located> {
        let bng = wgs84_to_bng(Coord { x: lon, y: lat })?;
        Ok(Located {
            wgs84: Point::new(lon, lat),
            bng: bng.into(),
        })
    }

    pub fn from_bng(easting: f64, northing: f64) -> Result<Located> {
        let wgs = bng_to_wgs84(Coord {
            x: easting,
            y: northing,
        })?;
        Ok(Located {
            wgs84: wgs.into(),
            bng: Point::new(easting, northing),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_is_within_a_centimetre() {
        for (lon, lat) in [(-1.8904, 52.4862), (-5.9301, 54.5973), (-3.1883, 55.9533)] {
            let bng = wgs84_to_bng(Coord { x: lon, y: lat }).unwrap();
            let back = bng_to_wgs84(bng).unwrap();
            assert!(
                (back.x - lon).abs() < 1e-7 && (back.y - lat).abs() < 1e-7,
                "{lon},{lat} -> {back:?}"
            );
        }
    }

    #[test]
    fn matches_the_postcode_directory_grid_reference() {
        // AB1 0AA in the ONS postcode directory: 385386 E, 801193 N; 57.101474 N, -2.242851 E.
        let bng = wgs84_to_bng(Coord {
            x: -2.242851,
            y: 57.101474,
        })
        .unwrap();
        assert!((bng.x - 385_386.0).abs() < 3.0, "{bng:?}");
        assert!((bng.y - 801_193.0).abs() < 3.0, "{bng:?}");
    }

    #[test]
    fn names_from_gdal_and_qgis() {
        assert_eq!(Crs::from_name("EPSG:27700"), Some(Crs::BritishNationalGrid));
        assert_eq!(
            Crs::from_name("urn:ogc:def:crs:EPSG::4326"),
            Some(Crs::Wgs84)
        );
        assert_eq!(Crs::from_name("EPSG:2157"), None);
    }

    #[test]
    fn extent_guess() {
        let g = |a: f64, b: f64, c: f64, d: f64| {
            Crs::guess_from_extent(Coord { x: a, y: b }, Coord { x: c, y: d })
        };
        assert_eq!(g(-8.6, 49.9, 1.8, 60.8), Some(Crs::Wgs84));
        assert_eq!(
            g(5_512.0, 5_333.0, 655_989.0, 1_220_302.0),
            Some(Crs::BritishNationalGrid)
        );
        assert_eq!(g(-20_000_000.0, 0.0, 0.0, 8_000_000.0), None);
    }
}
