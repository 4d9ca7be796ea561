//! Coordinate systems: WGS84 longitude/latitude and British National Grid (EPSG:27700), and
//! Northern Ireland's grids read beside them: the Irish Grid (EPSG:29903, TM75; EPSG:29902,
//! TM65) and the Irish Transverse Mercator (EPSG:2157).
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
    /// EPSG:29903, the Irish Grid (TM75): easting, northing in metres, as much Northern Irish
    /// data comes. Read, and projected to British National Grid for measuring.
    IrishGrid,
    /// EPSG:29902, TM65 / Irish Grid: the same grid on the older datum. PROJ shifts TM65 to
    /// WGS84 with the same seven parameters as TM75 ("TM65 to WGS 84 (2)"), so its numbers
    /// are projected as the Irish Grid's; only its name differs.
    IrishGridTm65,
    /// EPSG:2157, IRENET95 / Irish Transverse Mercator: easting, northing in metres, the grid
    /// Ordnance Survey of Northern Ireland and Ireland's Tailte Éireann publish today.
    IrishTransverseMercator,
}

/// Why a grid cell's text is no system covgap reads ([`Crs::parse_text`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrsTextError {
    /// Neither a code nor a name of a system covgap reads (`EPSG:3857`, `Web Mercator`).
    Unknown,
    /// Two systems named at once, as a name and a code that disagree (`ITM:29903`): which the
    /// figures are on cannot be told.
    Disagree(Crs, Crs),
    /// The code of a system covgap reads after something that is not EPSG's prefix: another
    /// authority's (`ESRI:27700`), a name (`ITM:2157`) or anything else (`foo/2157`).
    NotEpsg { before: String, code: u32 },
}

impl CrsTextError {
    /// Why, for a message that quotes the text first: `"ITM:29903" names two systems, ...`.
    pub fn why(&self) -> String {
        match self {
            CrsTextError::Unknown => "is not a system covgap knows".to_string(),
            CrsTextError::Disagree(a, b) => format!(
                "names two systems, {} and {}, so which the figures are on cannot be told: give the one they are on",
                a.label(),
                b.label()
            ),
            CrsTextError::NotEpsg { before, code } => format!(
                "gives the code {code} after {before:?}, which is not EPSG's prefix: write the code as {code} or EPSG:{code}"
            ),
        }
    }
}

/// The system of an EPSG code covgap reads.
fn known_code(code: u64) -> Option<Crs> {
    match code {
        4326 => Some(Crs::Wgs84),
        27700 => Some(Crs::BritishNationalGrid),
        29903 => Some(Crs::IrishGrid),
        29902 => Some(Crs::IrishGridTm65),
        2157 => Some(Crs::IrishTransverseMercator),
        _ => None,
    }
}

/// An EPSG code of digits alone, `29903`: `Some(Ok)` for a system covgap reads,
/// `Some(Err(code))` for another code, `None` for anything but one to nine digits.
fn digits_code(s: &str) -> Option<std::result::Result<Crs, u64>> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let code: u64 = s.parse().ok()?;
    Some(known_code(code).ok_or(code))
}

/// A bare EPSG code, `29903`, or `29903.0` as a spreadsheet saves a number; as
/// [`digits_code`].
fn bare_code(t: &str) -> Option<std::result::Result<Crs, u64>> {
    let (whole, fraction) = t.split_once('.').unwrap_or((t, ""));
    if !fraction.bytes().all(|b| b == b'0') {
        return None;
    }
    digits_code(whole)
}

/// An EPSG code in one of the forms GDAL, QGIS and people write it: `27700`, `EPSG:27700`
/// (case, and spaces round the colon, aside), the OGC URN (`urn:ogc:def:crs:EPSG::27700`, with
/// or without a version) or URL (`http://www.opengis.net/def/crs/EPSG/0/27700`), GML's
/// `http://www.opengis.net/gml/srs/epsg.xml#27700`; or OGC's CRS84 (WGS84) likewise. As
/// [`bare_code`]; `None` when the text is none of these forms.
fn code_form(text: &str) -> Option<std::result::Result<Crs, u64>> {
    let t = text.trim().to_ascii_lowercase();
    let version = |v: &str| v.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    // "<version><sep><rest>", for the URN's and URL's tails.
    let versioned = |s: &str, sep: char| -> Option<String> {
        let (v, rest) = s.split_once(sep)?;
        version(v).then(|| rest.to_string())
    };
    let crs84 = |s: &str| (s == "crs84").then_some(Ok(Crs::Wgs84));
    if let Some(c) = crs84(&t).or_else(|| t.strip_prefix("ogc:").and_then(crs84)) {
        return Some(c);
    }
    if let Some(c) = bare_code(&t) {
        return Some(c);
    }
    // "EPSG:27700", "EPSG 27700", and "EPSG/27700" or "EPSG#27700": each names EPSG's code.
    if let Some(rest) = t.strip_prefix("epsg") {
        return digits_code(
            rest.trim_start_matches(|c: char| matches!(c, ':' | '/' | '#') || c.is_whitespace()),
        );
    }
    // The URN has a version between the authority and the code, often left empty
    // ("EPSG::27700"); many servers and files leave out its colon too ("EPSG:27700"), which
    // GDAL and PROJ read alike.
    for urn in ["urn:ogc:def:crs:", "urn:x-ogc:def:crs:"] {
        if let Some(rest) = t.strip_prefix(urn) {
            if let Some(r) = rest.strip_prefix("epsg:") {
                return versioned(r, ':')
                    .and_then(|c| digits_code(&c))
                    .or_else(|| digits_code(r));
            }
            if let Some(r) = rest.strip_prefix("ogc:") {
                return versioned(r, ':')
                    .and_then(|c| crs84(&c))
                    .or_else(|| crs84(r));
            }
        }
    }
    for url in ["http://www.opengis.net/", "https://www.opengis.net/"] {
        if let Some(rest) = t.strip_prefix(url) {
            if let Some(r) = rest.strip_prefix("def/crs/epsg/") {
                return versioned(r, '/').and_then(|c| digits_code(&c));
            }
            if let Some(r) = rest.strip_prefix("def/crs/ogc/") {
                return versioned(r, '/').and_then(|c| crs84(&c));
            }
            if let Some(r) = rest.strip_prefix("gml/srs/epsg.xml#") {
                return digits_code(r);
            }
        }
    }
    None
}

/// A system by name, case, spaces and punctuation aside, and a leading "the" (as
/// [`Crs::name`] writes it): British National Grid, the Irish Grid, TM65's Irish Grid, the
/// Irish Transverse Mercator and WGS84, by the names people, QGIS and covgap give them.
fn name_of(text: &str) -> Option<Crs> {
    let folded: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    match folded.strip_prefix("the").unwrap_or(&folded) {
        "wgs84" => Some(Crs::Wgs84),
        "bng"
        | "britishnationalgrid"
        | "osgb36"
        | "osgb1936"
        | "osgb36britishnationalgrid"
        | "osgb1936britishnationalgrid" => Some(Crs::BritishNationalGrid),
        "irishgrid" | "tm75" | "tm75irishgrid" => Some(Crs::IrishGrid),
        "tm65" | "tm65irishgrid" | "tm65sirishgrid" => Some(Crs::IrishGridTm65),
        "itm" | "irishtransversemercator" | "irenet95irishtransversemercator" => {
            Some(Crs::IrishTransverseMercator)
        }
        _ => None,
    }
}

/// One code or one name, as [`code_form`] reads it (an unknown code is `Some(Err)`), or a
/// name; `None` when it is neither.
fn single_form(t: &str) -> Option<std::result::Result<Crs, u64>> {
    code_form(t).or_else(|| name_of(t).map(Ok))
}

/// How far apart a row's latitude/longitude and its easting/northing may be before covgap
/// warns that they disagree, in metres: 1 km. A grid reference rounded to 100 m, or latitude
/// and longitude on OSGB36 taken for WGS84 (about 100 m out), stay well within it; figures
/// for another place, or on another grid than the row states, do not.
pub const LOCATIONS_DISAGREE_M: f64 = 1_000.0;

/// Metres between a latitude/longitude (WGS84, degrees) and an easting/northing on `grid`,
/// measured on British National Grid as every distance covgap gives is; `None` when the
/// easting and northing cannot be projected.
///
/// # Examples
/// ```
/// use covgap::crs::{locations_apart, Crs};
/// // Belfast City Hall, as PROJ puts it on the Irish Grid: the same place.
/// let d = locations_apart(geo::coord! { x: -5.9301, y: 54.5964 }, geo::coord! { x: 333_831.29, y: 373_987.34 }, Crs::IrishGrid).unwrap();
/// assert!(d < 1.0, "{d}");
/// // Oxford's figures on British National Grid against Belfast's latitude and longitude.
/// let d = locations_apart(geo::coord! { x: -5.9301, y: 54.5964 }, geo::coord! { x: 451_000.0, y: 206_000.0 }, Crs::BritishNationalGrid).unwrap();
/// assert!((d / 1000.0 - 444.4).abs() < 0.1, "{d}");
/// ```
pub fn locations_apart(lonlat: Coord, easting_northing: Coord, grid: Crs) -> Option<f64> {
    let a = bulk_to_bng().apply(lonlat);
    let b = grid.to_bng(easting_northing).ok()?;
    let d = (a.x - b.x).hypot(a.y - b.y);
    d.is_finite().then_some(d)
}

/// Eastings and northings covgap reads as grid metres ([`Crs::GRID_RANGE`]).
const GRID_X: (f64, f64) = (-10_000.0, 800_000.0);
const GRID_Y: (f64, f64) = (-10_000.0, 1_300_000.0);

/// The systems covgap reads, for messages that list them.
pub const KNOWN: &str = "WGS84 (EPSG:4326), British National Grid (EPSG:27700), the Irish Grid (EPSG:29903, or TM65's EPSG:29902) or the Irish Transverse Mercator (EPSG:2157)";

impl Crs {
    /// Reads a CRS name as GDAL, QGIS and older GeoJSON write it in a legacy `"crs"` member:
    /// an EPSG code alone (`27700`), `EPSG:27700`, the OGC URN (`urn:ogc:def:crs:EPSG::27700`,
    /// with or without a version) or URL (`http://www.opengis.net/def/crs/EPSG/0/27700`), or
    /// OGC's CRS84 for WGS84. Nothing else: a code under another authority (`ESRI:27700`) or
    /// after other text (`foo/2157`) names no system covgap knows.
    ///
    /// # Examples
    /// ```
    /// use covgap::crs::Crs;
    /// assert_eq!(Crs::from_name("urn:ogc:def:crs:EPSG::27700"), Some(Crs::BritishNationalGrid));
    /// assert_eq!(Crs::from_name("urn:ogc:def:crs:OGC:1.3:CRS84"), Some(Crs::Wgs84));
    /// assert_eq!(Crs::from_name("urn:ogc:def:crs:EPSG::2157"), Some(Crs::IrishTransverseMercator));
    /// assert_eq!(Crs::from_name("http://www.opengis.net/def/crs/EPSG/0/29903"), Some(Crs::IrishGrid));
    /// assert_eq!(Crs::from_name("EPSG:29902"), Some(Crs::IrishGridTm65));
    /// assert_eq!(Crs::from_name("EPSG:3857"), None);
    /// // EPSG:2158 is IRENET95 / UTM zone 29N, not the Irish Transverse Mercator.
    /// assert_eq!(Crs::from_name("EPSG:2158"), None);
    /// // Another authority's code, or a code after other text, is not EPSG's.
    /// assert_eq!(Crs::from_name("ESRI:27700"), None);
    /// assert_eq!(Crs::from_name("foo/2157"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Crs> {
        match code_form(name) {
            Some(Ok(c)) => Some(c),
            _ => None,
        }
    }

    /// Reads a system as a person writes it in a CSV cell, or `None`: [`Crs::parse_text`]
    /// without the reason.
    ///
    /// # Examples
    /// ```
    /// use covgap::crs::Crs;
    /// assert_eq!(Crs::from_text("29903"), Some(Crs::IrishGrid));
    /// assert_eq!(Crs::from_text(" irish transverse mercator "), Some(Crs::IrishTransverseMercator));
    /// assert_eq!(Crs::from_text("ITM"), Some(Crs::IrishTransverseMercator));
    /// assert_eq!(Crs::from_text("British National Grid"), Some(Crs::BritishNationalGrid));
    /// assert_eq!(Crs::from_text(Crs::IrishGridTm65.label()), Some(Crs::IrishGridTm65));
    /// // As QGIS names the grid, with a space after "EPSG:", and as a spreadsheet saves a number.
    /// assert_eq!(Crs::from_text("OSGB 1936 / British National Grid"), Some(Crs::BritishNationalGrid));
    /// assert_eq!(Crs::from_text("EPSG: 27700"), Some(Crs::BritishNationalGrid));
    /// assert_eq!(Crs::from_text("29903.0"), Some(Crs::IrishGrid));
    /// assert_eq!(Crs::from_text("29903.5"), None);
    /// assert_eq!(Crs::from_text("Web Mercator"), None);
    /// // A name and a code that disagree are neither.
    /// assert_eq!(Crs::from_text("ITM:29903"), None);
    /// ```
    pub fn from_text(text: &str) -> Option<Crs> {
        Crs::parse_text(text).ok()
    }

    /// Reads a system as a person writes it in a CSV cell, strictly: an EPSG code as
    /// [`Crs::from_name`] reads it (`29903`, `EPSG:2157`, `EPSG: 2157`, the OGC URN or URL), or
    /// `29903.0` as a spreadsheet saves a number; a name (`British National Grid`, `Irish Grid`,
    /// `TM65 Irish Grid`, `Irish Transverse Mercator`, `ITM`, `BNG`, `WGS84`, and the names
    /// QGIS gives, `OSGB 1936 / British National Grid`, `TM75 / Irish Grid`, `IRENET95 / Irish
    /// Transverse Mercator`), case, spaces and punctuation aside; or a name with its code, as
    /// covgap's own [`Crs::label`] writes a base's grid (`the Irish Grid (EPSG:29903)`) and
    /// QGIS lists systems (`EPSG:27700 - OSGB 1936 / British National Grid`), when the two
    /// agree. Anything else is an error saying why ([`CrsTextError`]).
    ///
    /// # Examples
    /// ```
    /// use covgap::crs::{Crs, CrsTextError};
    /// assert_eq!(Crs::parse_text("urn:ogc:def:crs:EPSG::27700"), Ok(Crs::BritishNationalGrid));
    /// assert_eq!(Crs::parse_text("EPSG:27700 - OSGB36 / British National Grid"), Ok(Crs::BritishNationalGrid));
    /// // Read by what follows the last ':', this was the Irish Grid.
    /// assert_eq!(
    ///     Crs::parse_text("ITM:29903"),
    ///     Err(CrsTextError::Disagree(Crs::IrishTransverseMercator, Crs::IrishGrid))
    /// );
    /// assert_eq!(Crs::parse_text("ESRI:27700"), Err(CrsTextError::NotEpsg { before: "ESRI".into(), code: 27700 }));
    /// assert_eq!(Crs::parse_text("EPSG:3857"), Err(CrsTextError::Unknown));
    /// ```
    pub fn parse_text(text: &str) -> std::result::Result<Crs, CrsTextError> {
        let t = text.trim();
        if let Some(r) = single_form(t) {
            return r.map_err(|_| CrsTextError::Unknown);
        }
        // A name with its code: "the Irish Grid (EPSG:29903)", "EPSG:27700 - OSGB36 / British
        // National Grid". Both must be read, and agree.
        let pair = t
            .strip_suffix(')')
            .and_then(|s| s.rsplit_once('('))
            .or_else(|| t.split_once(" - "));
        if let Some((a, b)) = pair {
            let (a, b) = (a.trim(), b.trim());
            if let (Some(a), Some(b)) = (single_form(a), single_form(b)) {
                return match (a, b) {
                    (Ok(a), Ok(b)) if a == b => Ok(a),
                    (Ok(a), Ok(b)) => Err(CrsTextError::Disagree(a, b)),
                    _ => Err(CrsTextError::Unknown),
                };
            }
        }
        // A code after something that is not EPSG's prefix: another authority ("ESRI:27700"),
        // a name ("ITM:29903") or anything else ("foo/2157"). Read by the code alone, such a
        // cell was taken for the grid of its code, whatever came before.
        if let Some((before, code)) = t.rsplit_once([':', '/', '#']) {
            let before = before.trim().trim_end_matches([':', '/', '#']).trim();
            if let Some(Ok(coded)) = bare_code(code.trim()) {
                if let Some(named) = name_of(before).filter(|n| *n != coded) {
                    return Err(CrsTextError::Disagree(named, coded));
                }
                return Err(CrsTextError::NotEpsg {
                    before: before.to_string(),
                    code: coded.epsg(),
                });
            }
        }
        Err(CrsTextError::Unknown)
    }

    /// Reads the system from Well-Known Text, as a Shapefile's `.prj` or a GeoPackage's
    /// `gpkg_spatial_ref_sys` holds it (ESRI or OGC WKT 1, or WKT 2). Knows British National
    /// Grid (OSGB36 Transverse Mercator), the Irish Grid (TM75 and TM65), the Irish Transverse
    /// Mercator and WGS84 longitude/latitude; anything else is an error naming the system found.
    ///
    /// # Examples
    /// ```
    /// use covgap::crs::Crs;
    /// let esri = r#"PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936",SPHEROID["Airy_1849",6377563.396,299.3249646]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",400000.0],UNIT["Meter",1.0]]"#;
    /// assert_eq!(Crs::from_wkt(esri), Ok(Crs::BritishNationalGrid));
    /// let wgs = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
    /// assert_eq!(Crs::from_wkt(wgs), Ok(Crs::Wgs84));
    /// assert_eq!(Crs::from_wkt(r#"PROJCS["TM75 / Irish Grid",GEOGCS["TM75"]]"#), Ok(Crs::IrishGrid));
    /// assert_eq!(Crs::from_wkt(r#"PROJCS["TM65 / Irish Grid",GEOGCS["TM65"]]"#), Ok(Crs::IrishGridTm65));
    /// assert_eq!(Crs::from_wkt(r#"PROJCS["IRENET95_Irish_Transverse_Mercator",GEOGCS["GCS_IRENET95"]]"#), Ok(Crs::IrishTransverseMercator));
    /// let utm = r#"PROJCS["IRENET95_UTM_zone_29N",GEOGCS["GCS_IRENET95"],PROJECTION["Transverse_Mercator"]]"#;
    /// assert!(Crs::from_wkt(utm).unwrap_err().contains("IRENET95_UTM_zone_29N"));
    /// // OSGB 1936 latitude/longitude, with its shift to WGS84: not WGS84.
    /// let osgb = r#"GEOGCS["OSGB 1936",DATUM["OSGB_1936",SPHEROID["Airy 1830",6377563.396,299.3249646],TOWGS84[446.448,-125.157,542.06,0.15,0.247,0.842,-20.489]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]"#;
    /// assert!(Crs::from_wkt(osgb).unwrap_err().contains("OSGB 1936"));
    /// // The same clause on a WGS84 datum (all zeros) is still WGS84.
    /// let wgs = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563],TOWGS84[0,0,0,0,0,0,0]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]"#;
    /// assert_eq!(Crs::from_wkt(wgs), Ok(Crs::Wgs84));
    /// ```
    pub fn from_wkt(wkt: &str) -> std::result::Result<Crs, String> {
        let t = wkt.trim().trim_start_matches('\u{feff}');
        let mut norm = t.to_ascii_uppercase().replace([' ', '-'], "_");
        // A datum's shift to WGS84 (`TOWGS84[446.448,...]`) names WGS84 without being it:
        // OSGB 1936 latitude and longitude with that clause is still OSGB 1936.
        while let Some(at) = norm.find("TOWGS84[") {
            let end = norm[at..].find(']').map_or(norm.len(), |e| at + e + 1);
            norm.replace_range(at..end, "");
        }
        let name = t
            .split('"')
            .nth(1)
            .map(str::to_string)
            .unwrap_or_else(|| t.chars().take(60).collect());
        let kind = norm.split('[').next().unwrap_or("");
        let has = |s: &str| norm.contains(s);
        match kind {
            "PROJCS" | "PROJCRS" | "PROJECTEDCRS" => {
                // By name, as GDAL, QGIS and ArcGIS write them ("IRENET95 / Irish Transverse
                // Mercator", "IRENET95_Irish_Transverse_Mercator"; "TM65 / Irish Grid",
                // "TM75_Irish_Grid"), or by EPSG code. Not IRENET95's UTM zone 29N (2158), nor
                // the Irish National Grid of 1965 (29900).
                let epsg = |code: &str| {
                    has(&format!("\"EPSG\",\"{code}\"")) || has(&format!("\"EPSG\",{code}]"))
                };
                if has("IRISH_TRANSVERSE_MERCATOR") || epsg("2157") {
                    Ok(Crs::IrishTransverseMercator)
                } else if has("IRISH_GRID") && (has("TM65") || epsg("29902")) {
                    Ok(Crs::IrishGridTm65)
                } else if has("IRISH_GRID") && (has("TM75") || has("29903")) {
                    Ok(Crs::IrishGrid)
                } else if has("BRITISH_NATIONAL_GRID")
                    || has("\"EPSG\",\"27700\"")
                    || has("\"EPSG\",27700")
                    || (has("OSGB") && has("TRANSVERSE_MERCATOR") && has("400000"))
                {
                    Ok(Crs::BritishNationalGrid)
                } else {
                    Err(format!(
                        "is in the coordinate system {name:?}, which covgap does not know; expected {KNOWN}: reproject it, e.g. with ogr2ogr -t_srs EPSG:27700 or QGIS's Export > Save Features As"
                    ))
                }
            }
            "GEOGCS" | "GEOGCRS" | "GEODCRS" | "GEOGRAPHICCRS" => {
                if has("WGS_1984") || has("WGS_84") || has("WGS84") {
                    Ok(Crs::Wgs84)
                } else {
                    Err(format!(
                        "is in latitude/longitude on {name:?}, which covgap does not know; expected {KNOWN}: reproject it, e.g. with ogr2ogr -t_srs EPSG:27700"
                    ))
                }
            }
            _ => Err(format!(
                "has a coordinate system covgap cannot read ({name:?}); expected the Well-Known Text of {KNOWN}"
            )),
        }
    }

    /// The range grid metres are read in, on any of the grids covgap reads, x then y:
    /// British National Grid's false origin puts all of the UK (Northern Ireland included) in
    /// 0..700 km east and 0..1,250 km north, and Northern Ireland lies within it on the Irish
    /// Grid (about 180..370 km east, 300..460 km north) and the Irish Transverse Mercator
    /// (about 580..770 km east, 800..970 km north) too.
    pub const GRID_RANGE: ((f64, f64), (f64, f64)) = (GRID_X, GRID_Y);

    /// Whether a position on British National Grid lies in its extent of the UK (0..700 km
    /// east, 0..1,300 km north), where every easting and northing given for a team or a point
    /// must lie once on British National Grid, whatever grid it was given on.
    pub fn in_bng_uk_extent(c: Coord) -> bool {
        (0.0..=700_000.0).contains(&c.x) && (0.0..=1_300_000.0).contains(&c.y)
    }

    /// Guesses the system from the extent of the coordinates, for files with no `crs` member.
    /// Returns `None` when the extent fits neither.
    pub fn guess_from_extent(min: Coord, max: Coord) -> Option<Crs> {
        let in_degrees = min.x >= -180.0 && max.x <= 180.0 && min.y >= -90.0 && max.y <= 90.0;
        let in_grid = min.x >= GRID_X.0
            && max.x <= GRID_X.1
            && min.y >= GRID_Y.0
            && max.y <= GRID_Y.1
            && (max.x - min.x > 360.0 || max.y - min.y > 180.0 || max.x > 180.0 || max.y > 90.0);
        if in_degrees {
            Some(Crs::Wgs84)
        } else if in_grid {
            Some(Crs::BritishNationalGrid)
        } else {
            None
        }
    }

    /// The system's name and EPSG code, for reports: "the Irish Grid (EPSG:29903)".
    pub fn label(self) -> &'static str {
        match self {
            Crs::Wgs84 => "WGS84 (EPSG:4326)",
            Crs::BritishNationalGrid => "British National Grid (EPSG:27700)",
            Crs::IrishGrid => "the Irish Grid (EPSG:29903)",
            Crs::IrishGridTm65 => "TM65's Irish Grid (EPSG:29902)",
            Crs::IrishTransverseMercator => "the Irish Transverse Mercator (EPSG:2157)",
        }
    }

    /// The system's name alone, for sentences: "read as the Irish Transverse Mercator".
    pub fn name(self) -> &'static str {
        match self {
            Crs::Wgs84 => "WGS84",
            Crs::BritishNationalGrid => "British National Grid",
            Crs::IrishGrid => "the Irish Grid",
            Crs::IrishGridTm65 => "TM65's Irish Grid",
            Crs::IrishTransverseMercator => "the Irish Transverse Mercator",
        }
    }

    /// The system's EPSG code.
    pub fn epsg(self) -> u32 {
        match self {
            Crs::Wgs84 => 4326,
            Crs::BritishNationalGrid => 27700,
            Crs::IrishGrid => 29903,
            Crs::IrishGridTm65 => 29902,
            Crs::IrishTransverseMercator => 2157,
        }
    }

    /// Northern Ireland's grids (and Ireland's): numbers on them belong on Northern Ireland's
    /// land, where the grid checks of [`crate::load`] judge them.
    pub fn is_irish(self) -> bool {
        matches!(
            self,
            Crs::IrishGrid | Crs::IrishGridTm65 | Crs::IrishTransverseMercator
        )
    }

    /// A position in this system on British National Grid, in metres.
    ///
    /// # Examples
    /// ```
    /// use covgap::crs::Crs;
    /// // Derry's Guildhall (54.9973 N, 7.3193 W), as PROJ (pyproj 3.7, PROJ 9.5) puts it on
    /// // the Irish Transverse Mercator and on British National Grid.
    /// let bng = Crs::IrishTransverseMercator.to_bng(geo::coord! { x: 643_555.54, y: 916_845.82 }).unwrap();
    /// assert!((bng.x - 59_964.73).abs() < 1.0 && (bng.y - 579_918.88).abs() < 1.0, "{bng:?}");
    /// ```
    ///
    /// On Northern Ireland's grids, the position is projected to WGS84 by proj4rs and from there
    /// by [`Wgs84ToBng`], as [`Crs::to_wgs84_and_bng`] projects areas.
    pub fn to_bng(self, c: Coord) -> Result<Coord> {
        match self {
            Crs::Wgs84 => wgs84_to_bng(c),
            Crs::BritishNationalGrid => Ok(c),
            irish => irish.to_wgs84(c).map(|w| bulk_to_bng().apply(w)),
        }
    }

    /// An area in this system in WGS84 (for output) and on British National Grid (for
    /// measuring), each position projected once: areas on Northern Ireland's grids go to WGS84
    /// by proj4rs, and from there to the grid by [`Wgs84ToBng`], which agrees with proj4rs to
    /// well under a millimetre; projecting them to the grid by proj4rs as well took as long
    /// again (BENCHMARKS.md, "Small areas on Northern Ireland's grids"). A test holds the two
    /// ways within a centimetre of each other over Northern Ireland.
    pub fn to_wgs84_and_bng(self, mp: MultiPolygon) -> Result<(MultiPolygon, MultiPolygon)> {
        match self {
            Crs::Wgs84 => {
                let bng = mp.map_coords(|c| bulk_to_bng().apply(c));
                Ok((mp, bng))
            }
            Crs::BritishNationalGrid => Ok((mp.try_map_coords(bng_to_wgs84)?, mp)),
            irish => {
                let wgs = mp.try_map_coords(|c| irish.to_wgs84(c))?;
                let bng = wgs.map_coords(|c| bulk_to_bng().apply(c));
                Ok((wgs, bng))
            }
        }
    }

    /// A position in this system in WGS84 longitude and latitude, in degrees.
    pub fn to_wgs84(self, c: Coord) -> Result<Coord> {
        match self {
            Crs::Wgs84 => Ok(c),
            Crs::BritishNationalGrid => bng_to_wgs84(c),
            Crs::IrishGrid | Crs::IrishGridTm65 => irish_grid_to_wgs84(c),
            Crs::IrishTransverseMercator => grid_to_wgs84(&projs().itm, c),
        }
    }
}

/// The Irish Grid (EPSG:29903, TM75), with the shift to WGS84 PROJ gives it (about 1 m).
/// `pyproj.CRS(29902).to_proj4()` gives TM65's Irish Grid the same projection and ellipsoid,
/// and PROJ's default "TM65 to WGS 84 (2)" the same seven parameters, so this serves both.
const IRISH_GRID_PROJ4: &str = "+proj=tmerc +lat_0=53.5 +lon_0=-8 +k=1.000035 +x_0=200000 \
+y_0=250000 +ellps=mod_airy +towgs84=482.5,-130.6,564.6,-1.042,-0.214,-0.631,8.15 +units=m +no_defs";

/// The Irish Transverse Mercator (EPSG:2157) as `pyproj.CRS(2157).to_proj4()` gives it, with
/// PROJ's default "IRENET95 to WGS 84 (1)": no shift (IRENET95 is ETRS89, within about 1 m
/// of WGS84). Without the `towgs84`, proj4rs would take it for a system of unknown datum and
/// skip British National Grid's shift too (67 m off at Belfast).
const ITM_PROJ4: &str = "+proj=tmerc +lat_0=53.5 +lon_0=-8 +k=0.99982 +x_0=600000 \
+y_0=750000 +ellps=GRS80 +towgs84=0,0,0 +units=m +no_defs";

struct Projs {
    wgs84: Proj,
    bng: Proj,
    irish_grid: Proj,
    itm: Proj,
}

fn projs() -> &'static Projs {
    static PROJS: OnceLock<Projs> = OnceLock::new();
    PROJS.get_or_init(|| Projs {
        wgs84: Proj::from_proj_string(WGS84_PROJ4).expect("static WGS84 definition parses"),
        bng: Proj::from_proj_string(BNG_PROJ4).expect("static BNG definition parses"),
        irish_grid: Proj::from_proj_string(IRISH_GRID_PROJ4)
            .expect("static Irish Grid definition parses"),
        itm: Proj::from_proj_string(ITM_PROJ4).expect("static ITM definition parses"),
    })
}

/// Metres on grid `from` to longitude/latitude in degrees.
fn grid_to_wgs84(from: &Proj, c: Coord) -> Result<Coord> {
    let mut xy = (c.x, c.y, 0.0);
    proj4rs::transform::transform(from, &projs().wgs84, &mut xy)
        .map_err(|e| Error::Projection(format!("({}, {}) to WGS84: {e}", c.x, c.y)))?;
    Ok(Coord {
        x: xy.0.to_degrees(),
        y: xy.1.to_degrees(),
    })
}

/// Irish Grid metres (EPSG:29903) to longitude/latitude in degrees.
pub fn irish_grid_to_wgs84(c: Coord) -> Result<Coord> {
    grid_to_wgs84(&projs().irish_grid, c)
}

/// Irish Grid metres (EPSG:29903) to British National Grid metres, for measuring (and for
/// telling Irish Grid coordinates from British National Grid ones; see `load`).
///
/// # Examples
/// ```
/// // Belfast City Hall (54.5964 N, 5.9301 W), as PROJ (pyproj 3) puts it on each grid.
/// let bng = covgap::crs::irish_grid_to_bng(geo::coord! { x: 333_831.29, y: 373_987.34 }).unwrap();
/// assert!((bng.x - 146_235.88).abs() < 1.0 && (bng.y - 529_459.80).abs() < 1.0, "{bng:?}");
/// ```
pub fn irish_grid_to_bng(c: Coord) -> Result<Coord> {
    Crs::IrishGrid.to_bng(c)
}

/// Irish Transverse Mercator metres (EPSG:2157) to British National Grid metres.
///
/// # Examples
/// ```
/// // Belfast City Hall (54.5964 N, 5.9301 W), as PROJ (pyproj 3.7) puts it on each grid.
/// let bng = covgap::crs::itm_to_bng(geo::coord! { x: 733_754.11, y: 873_983.46 }).unwrap();
/// assert!((bng.x - 146_235.88).abs() < 1.0 && (bng.y - 529_459.80).abs() < 1.0, "{bng:?}");
/// ```
pub fn itm_to_bng(c: Coord) -> Result<Coord> {
    Crs::IrishTransverseMercator.to_bng(c)
}

/// The one [`Wgs84ToBng`] of the process, for projecting from Northern Ireland's grids.
fn bulk_to_bng() -> &'static Wgs84ToBng {
    static T: OnceLock<Wgs84ToBng> = OnceLock::new();
    T.get_or_init(Wgs84ToBng::new)
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
    grid_to_wgs84(&projs().bng, c)
}

/// Transforms every coordinate of a multipolygon.
pub fn transform_multipolygon(
    mp: &MultiPolygon,
    f: impl Fn(Coord) -> Result<Coord> + Copy,
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

/// A fast WGS84 longitude/latitude to British National Grid transformer for bulk work
/// (millions of points): the same steps and parameters as [`wgs84_to_bng`] (WGS84
/// geocentric, the inverse of EPSG:27700's seven-parameter Helmert shift, OSGB36 on the Airy
/// ellipsoid, then the exact Krüger-series transverse Mercator that PROJ calls `etmerc`),
/// with the constants worked out once. Agrees with [`wgs84_to_bng`] to well under a
/// millimetre across the UK (tested).
///
/// # Examples
/// ```
/// let t = covgap::crs::Wgs84ToBng::new();
/// let bng = t.apply(geo::coord! { x: -2.242851, y: 57.101474 }); // AB1 0AA
/// assert!((bng.x - 385_386.0).abs() < 3.0 && (bng.y - 801_193.0).abs() < 3.0);
/// ```
#[derive(Debug, Clone)]
pub struct Wgs84ToBng {
    // Helmert (WGS84 -> OSGB36): translation, rotations in radians, scale factor.
    d: [f64; 3],
    r: [f64; 3],
    m: f64,
    // Airy 1830.
    a: f64,
    es: f64,
    // Transverse Mercator (Krüger series, 6th order).
    lon0: f64,
    k0_a: f64,
    e: f64,
    alpha: [f64; 6],
    x0: f64,
    y0_offset: f64,
}

impl Default for Wgs84ToBng {
    fn default() -> Self {
        Self::new()
    }
}

impl Wgs84ToBng {
    pub fn new() -> Self {
        let sec = std::f64::consts::PI / (180.0 * 3600.0);
        let a = 6_377_563.396;
        let rf = 299.324_964_6;
        let f = 1.0 / rf;
        let es = f * (2.0 - f);
        let n = f / (2.0 - f);
        let n2 = n * n;
        let n3 = n2 * n;
        let n4 = n3 * n;
        let n5 = n4 * n;
        let n6 = n5 * n;
        let big_a = a / (1.0 + n) * (1.0 + n2 / 4.0 + n4 / 64.0 + n6 / 256.0);
        let alpha = [
            n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0 + 41.0 * n4 / 180.0 - 127.0 * n5 / 288.0
                + 7891.0 * n6 / 37800.0,
            13.0 * n2 / 48.0 - 3.0 * n3 / 5.0 + 557.0 * n4 / 1440.0 + 281.0 * n5 / 630.0
                - 1_983_433.0 * n6 / 1_935_360.0,
            61.0 * n3 / 240.0 - 103.0 * n4 / 140.0
                + 15061.0 * n5 / 26880.0
                + 167_603.0 * n6 / 181_440.0,
            49561.0 * n4 / 161_280.0 - 179.0 * n5 / 168.0 + 6_601_661.0 * n6 / 7_257_600.0,
            34729.0 * n5 / 80640.0 - 3_418_889.0 * n6 / 1_995_840.0,
            212_378_941.0 * n6 / 319_334_400.0,
        ];
        let k0 = 0.999_601_271_7;
        let mut t = Wgs84ToBng {
            d: [-446.448, 125.157, -542.06],
            r: [0.15 * sec, 0.247 * sec, 0.842 * sec],
            m: 1.0 - 20.489e-6,
            a,
            es,
            lon0: (-2.0f64).to_radians(),
            k0_a: k0 * big_a,
            e: es.sqrt(),
            alpha,
            x0: 400_000.0,
            y0_offset: 0.0,
        };
        // Northing of the true origin (49 N on the central meridian), so the false
        // northing -100 km applies from there.
        let (_, y_origin) = t.tmerc(0.0, 49f64.to_radians());
        t.y0_offset = -100_000.0 - y_origin;
        t
    }

    /// Longitude/latitude in degrees (WGS84) to easting/northing in metres.
    #[inline]
    pub fn apply(&self, c: Coord) -> Coord {
        let (lam, phi) = (c.x.to_radians(), c.y.to_radians());
        // WGS84 geodetic (height 0) to geocentric.
        const WA: f64 = 6_378_137.0;
        const WES: f64 = 0.006_694_379_990_141_317;
        let (sp, cp) = phi.sin_cos();
        let (sl, cl) = lam.sin_cos();
        let nu = WA / (1.0 - WES * sp * sp).sqrt();
        let (x, y, z) = (nu * cp * cl, nu * cp * sl, nu * (1.0 - WES) * sp);
        // Inverse Helmert, exactly as PROJ's towgs84 is undone.
        let [dx, dy, dz] = self.d;
        let [rx, ry, rz] = self.r;
        let (x, y, z) = ((x + dx) / self.m, (y + dy) / self.m, (z + dz) / self.m);
        let (x, y, z) = (
            x + rz * y - ry * z,
            -rz * x + y + rx * z,
            ry * x - rx * y + z,
        );
        // Geocentric to OSGB36 geodetic on Airy by Bowring's formula (good to a tenth of a
        // millimetre at the heights a datum shift leaves), kept as sine and cosine: only
        // sin(latitude) and the longitude from the central meridian are needed below.
        let p = (x * x + y * y).sqrt();
        let b = self.a * (1.0 - self.es).sqrt();
        let ep2 = self.es / (1.0 - self.es);
        let r = ((z * self.a).powi(2) + (p * b).powi(2)).sqrt();
        let (st, ct) = (z * self.a / r, p * b / r);
        let num = z + ep2 * b * st * st * st;
        let den = p - self.es * self.a * ct * ct * ct;
        let sin_phi = num / (num * num + den * den).sqrt();
        let (s0, c0) = self.lon0.sin_cos();
        let (sdl, cdl) = ((y * c0 - x * s0) / p, (x * c0 + y * s0) / p);
        let (e, n) = self.tmerc_sc(sdl, cdl, sin_phi);
        Coord {
            x: e + self.x0,
            y: n + self.y0_offset,
        }
    }

    #[inline]
    fn tmerc(&self, dlam: f64, phi: f64) -> (f64, f64) {
        let (sl, cl) = dlam.sin_cos();
        self.tmerc_sc(sl, cl, phi.sin())
    }

    /// Krüger-series transverse Mercator, relative to the central meridian and equator.
    #[inline]
    fn tmerc_sc(&self, sl: f64, cl: f64, s: f64) -> (f64, f64) {
        let t = (s.atanh() - self.e * (self.e * s).atanh()).sinh();
        let xi_p = t.atan2(cl);
        let eta_p = (sl / (1.0 + t * t).sqrt()).atanh();
        // sin/cos(2j xi') and cosh/sinh(2j eta') by recurrence from j = 1: two
        // transcendental calls instead of twenty-four.
        let (s1, c1) = (2.0 * xi_p).sin_cos();
        let e1 = (2.0 * eta_p).exp();
        let (mut sj, mut cj) = (s1, c1);
        let mut ej = e1;
        let mut xi = xi_p;
        let mut eta = eta_p;
        for al in &self.alpha {
            let (ch, sh) = (0.5 * (ej + 1.0 / ej), 0.5 * (ej - 1.0 / ej));
            xi += al * sj * ch;
            eta += al * cj * sh;
            let (sn, cn) = (sj * c1 + cj * s1, cj * c1 - sj * s1);
            sj = sn;
            cj = cn;
            ej *= e1;
        }
        (self.k0_a * eta, self.k0_a * xi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Irish Grid (TM75, EPSG:29903) by name and by the WKT GDAL and ArcGIS write.
    #[test]
    fn the_irish_grid_is_known_by_its_names() {
        for name in ["EPSG:29903", "urn:ogc:def:crs:EPSG::29903"] {
            assert_eq!(Crs::from_name(name), Some(Crs::IrishGrid), "{name}");
        }
        let esri = r#"PROJCS["TM75_Irish_Grid",GEOGCS["GCS_TM75",DATUM["D_TM75",SPHEROID["Airy_Modified",6377340.189,299.3249646]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",200000.0],PARAMETER["False_Northing",250000.0],PARAMETER["Central_Meridian",-8.0],PARAMETER["Scale_Factor",1.000035],PARAMETER["Latitude_Of_Origin",53.5],UNIT["Meter",1.0]]"#;
        assert_eq!(Crs::from_wkt(esri), Ok(Crs::IrishGrid));
        let wkt2 = r#"PROJCRS["TM75 / Irish Grid",BASEGEOGCRS["TM75",DATUM["Geodetic Datum of 1965",ELLIPSOID["Airy Modified 1849",6377340.189,299.3249646]]],CONVERSION["Irish Grid",METHOD["Transverse Mercator"]],ID["EPSG",29903]]"#;
        assert_eq!(Crs::from_wkt(wkt2), Ok(Crs::IrishGrid));
    }

    /// TM65's Irish Grid (EPSG:29902) and the Irish Transverse Mercator (EPSG:2157), by name
    /// as GeoJSON's `crs` member gives them and by the WKT pyproj 3.7 (PROJ 9.5) and GDAL 3.6
    /// write: ESRI's (a Shapefile's `.prj`), GDAL's WKT 1 (a GeoPackage's definition) and WKT 2.
    /// IRENET95's UTM zone 29N (EPSG:2158) and TM65's Irish National Grid (EPSG:29900) are
    /// other systems.
    #[test]
    fn tm65_and_the_irish_transverse_mercator_are_known_by_their_names() {
        for (name, crs) in [
            ("EPSG:2157", Crs::IrishTransverseMercator),
            ("urn:ogc:def:crs:EPSG::2157", Crs::IrishTransverseMercator),
            (
                "http://www.opengis.net/def/crs/EPSG/0/2157",
                Crs::IrishTransverseMercator,
            ),
            ("EPSG:29902", Crs::IrishGridTm65),
            ("urn:ogc:def:crs:EPSG::29902", Crs::IrishGridTm65),
        ] {
            assert_eq!(Crs::from_name(name), Some(crs), "{name}");
        }
        for name in ["EPSG:2158", "EPSG:29900", "EPSG:29901"] {
            assert_eq!(Crs::from_name(name), None, "{name}");
        }
        let itm = [
            r#"PROJCS["IRENET95_Irish_Transverse_Mercator",GEOGCS["GCS_IRENET95",DATUM["D_IRENET95",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",600000.0],PARAMETER["False_Northing",750000.0],PARAMETER["Central_Meridian",-8.0],PARAMETER["Scale_Factor",0.99982],PARAMETER["Latitude_Of_Origin",53.5],UNIT["Meter",1.0]]"#,
            r#"PROJCS["IRENET95 / Irish Transverse Mercator",GEOGCS["IRENET95",DATUM["IRENET95",SPHEROID["GRS 1980",6378137,298.257222101,AUTHORITY["EPSG","7019"]],AUTHORITY["EPSG","6173"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4173"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",53.5],PARAMETER["central_meridian",-8],PARAMETER["scale_factor",0.99982],PARAMETER["false_easting",600000],PARAMETER["false_northing",750000],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","2157"]]"#,
            r#"PROJCRS["IRENET95 / Irish Transverse Mercator",BASEGEOGCRS["IRENET95",DATUM["IRENET95",ELLIPSOID["GRS 1980",6378137,298.257222101,LENGTHUNIT["metre",1]]],PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],ID["EPSG",4173]],CONVERSION["Irish Transverse Mercator",METHOD["Transverse Mercator",ID["EPSG",9807]]],ID["EPSG",2157]]"#,
            // A custom name, known by its code alone.
            r#"PROJCS["ITM",GEOGCS["IRENET95"],PROJECTION["Transverse_Mercator"],AUTHORITY["EPSG","2157"]]"#,
        ];
        for wkt in itm {
            assert_eq!(
                Crs::from_wkt(wkt),
                Ok(Crs::IrishTransverseMercator),
                "{wkt}"
            );
        }
        let tm65 = [
            r#"PROJCS["TM65_Irish_Grid",GEOGCS["GCS_TM65",DATUM["D_TM65",SPHEROID["Airy_Modified",6377340.189,299.3249646]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",200000.0],PARAMETER["False_Northing",250000.0],PARAMETER["Central_Meridian",-8.0],PARAMETER["Scale_Factor",1.000035],PARAMETER["Latitude_Of_Origin",53.5],UNIT["Meter",1.0]]"#,
            r#"PROJCS["TM65 / Irish Grid",GEOGCS["TM65",DATUM["TM65",SPHEROID["Airy Modified 1849",6377340.189,299.3249646,AUTHORITY["EPSG","7002"]],AUTHORITY["EPSG","6299"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4299"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",53.5],PARAMETER["central_meridian",-8],PARAMETER["scale_factor",1.000035],PARAMETER["false_easting",200000],PARAMETER["false_northing",250000],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","29902"]]"#,
            r#"PROJCRS["TM65 / Irish Grid",BASEGEOGCRS["TM65",DATUM["TM65",ELLIPSOID["Airy Modified 1849",6377340.189,299.3249646]],ID["EPSG",4299]],CONVERSION["Irish Grid",METHOD["Transverse Mercator"]],ID["EPSG",29902]]"#,
        ];
        for wkt in tm65 {
            assert_eq!(Crs::from_wkt(wkt), Ok(Crs::IrishGridTm65), "{wkt}");
        }
        for other in [
            r#"PROJCS["IRENET95_UTM_zone_29N",GEOGCS["GCS_IRENET95",DATUM["D_IRENET95",SPHEROID["GRS_1980",6378137.0,298.257222101]]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0]]"#,
            r#"PROJCRS["IRENET95 / UTM zone 29N",BASEGEOGCRS["IRENET95",ID["EPSG",4173]],CONVERSION["UTM zone 29N"],ID["EPSG",2158]]"#,
            r#"PROJCS["TM65 / Irish National Grid",GEOGCS["TM65"],PROJECTION["Transverse_Mercator"],AUTHORITY["EPSG","29900"]]"#,
        ] {
            assert!(Crs::from_wkt(other).is_err(), "{other}");
        }
    }

    /// Real places on each Irish grid and on British National Grid, as PROJ puts them
    /// (pyproj 3.7.2, PROJ 9.5.1: `Transformer.from_crs(4326, code, always_xy=True)` from the
    /// longitude and latitude given): projected by covgap, within a metre of PROJ's.
    #[test]
    fn the_irish_grids_agree_with_proj_within_a_metre() {
        // (lon, lat), EPSG:2157, EPSG:29902 (= EPSG:29903), EPSG:27700.
        let places = [
            (
                "Belfast City Hall",
                (-5.9301, 54.5964),
                (733_754.11, 873_983.46),
                (333_831.29, 373_987.34),
                (146_235.88, 529_459.80),
            ),
            (
                "Derry Guildhall",
                (-7.3193, 54.9973),
                (643_555.54, 916_845.82),
                (243_613.05, 416_858.45),
                (59_964.73, 579_918.88),
            ),
            (
                "Enniskillen Castle",
                (-7.6416, 54.3435),
                (623_304.20, 843_926.86),
                (223_357.74, 343_923.67),
                (33_524.03, 508_901.89),
            ),
            (
                "Newry Town Hall",
                (-6.3386, 54.1753),
                (708_465.05, 826_423.91),
                (308_537.03, 326_417.40),
                (116_977.48, 484_200.75),
            ),
        ];
        let c = |(x, y): (f64, f64)| Coord { x, y };
        for (name, lonlat, itm, irish, bng) in places {
            for (crs, at) in [
                (Crs::IrishTransverseMercator, itm),
                (Crs::IrishGridTm65, irish),
                (Crs::IrishGrid, irish),
            ] {
                let g = crs.to_bng(c(at)).unwrap();
                let off = (g.x - bng.0).hypot(g.y - bng.1);
                assert!(
                    off < 1.0,
                    "{name} on {}: {g:?}, {off:.3} m from PROJ's",
                    crs.label()
                );
                let w = crs.to_wgs84(c(at)).unwrap();
                // 1e-5 degrees is under a metre in either direction this far north.
                assert!(
                    (w.x - lonlat.0).abs() < 1e-5 && (w.y - lonlat.1).abs() < 1e-5,
                    "{name} on {}: {w:?}",
                    crs.label()
                );
            }
        }
    }

    /// Projecting from Northern Ireland's grids to WGS84 by proj4rs and on by [`Wgs84ToBng`]
    /// (what covgap does) against proj4rs's own transformation from the grid to British
    /// National Grid, over the whole of Northern Ireland: within a centimetre (0.7 mm).
    #[test]
    fn projecting_through_wgs84_agrees_with_proj4rs_straight_to_the_grid() {
        let p = projs();
        let mut worst: f64 = 0.0;
        for (crs, from, x0, y0) in [
            (Crs::IrishGrid, &p.irish_grid, 180_000.0, 300_000.0),
            (Crs::IrishTransverseMercator, &p.itm, 580_000.0, 800_000.0),
        ] {
            for i in 0..=20 {
                for j in 0..=20 {
                    let c = Coord {
                        x: x0 + 10_000.0 * i as f64,
                        y: y0 + 8_000.0 * j as f64,
                    };
                    let mut xy = (c.x, c.y, 0.0);
                    proj4rs::transform::transform(from, &p.bng, &mut xy).unwrap();
                    let g = crs.to_bng(c).unwrap();
                    worst = worst.max((g.x - xy.0).hypot(g.y - xy.1));
                }
            }
        }
        assert!(worst < 0.01, "worst difference {worst} m");
    }

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
    fn fast_transform_agrees_with_proj4rs() {
        let t = Wgs84ToBng::new();
        let mut worst: f64 = 0.0;
        let mut lat = 49.8;
        while lat < 61.0 {
            let mut lon = -8.3;
            while lon < 2.0 {
                let c = Coord { x: lon, y: lat };
                let a = wgs84_to_bng(c).unwrap();
                let b = t.apply(c);
                worst = worst.max((a.x - b.x).hypot(a.y - b.y));
                lon += 0.37;
            }
            lat += 0.29;
        }
        assert!(worst < 0.001, "worst difference {worst} m");
    }

    /// Every form a grid cell may take, and forms that were read by the code after their last
    /// ':' or '/' whatever came before it: now refused, saying why.
    #[test]
    fn grid_text_is_read_strictly() {
        use CrsTextError::*;
        let (bng, irish, tm65, itm) = (
            Crs::BritishNationalGrid,
            Crs::IrishGrid,
            Crs::IrishGridTm65,
            Crs::IrishTransverseMercator,
        );
        for (text, crs) in [
            ("27700", bng),
            ("29903.0", irish),
            ("2157.00", itm),
            ("EPSG:27700", bng),
            ("EPSG: 27700", bng),
            ("epsg:29902", tm65),
            ("EPSG 2157", itm),
            ("urn:ogc:def:crs:EPSG::27700", bng),
            ("urn:ogc:def:crs:EPSG:9.8.15:29903", irish),
            // The URN without its version's colon, as many servers write it.
            ("urn:ogc:def:crs:EPSG:27700", bng),
            ("urn:x-ogc:def:crs:EPSG:2157", itm),
            ("urn:ogc:def:crs:OGC:CRS84", Crs::Wgs84),
            ("EPSG/27700", bng),
            ("EPSG#29903", irish),
            ("URN:OGC:DEF:CRS:EPSG::2157", itm),
            ("http://www.opengis.net/def/crs/EPSG/0/27700", bng),
            ("https://www.opengis.net/def/crs/EPSG/0/2157", itm),
            ("OSGB 1936 / British National Grid", bng),
            ("OSGB36 / British National Grid", bng),
            ("British National Grid", bng),
            ("BNG", bng),
            ("TM75 / Irish Grid", irish),
            ("Irish Grid", irish),
            ("TM65 / Irish Grid", tm65),
            ("TM65 Irish Grid", tm65),
            ("IRENET95 / Irish Transverse Mercator", itm),
            ("Irish Transverse Mercator", itm),
            ("ITM", itm),
            ("the Irish Grid (EPSG:29903)", irish),
            ("British National Grid (EPSG:27700)", bng),
            ("EPSG:2157 - IRENET95 / Irish Transverse Mercator", itm),
            ("WGS84", Crs::Wgs84),
            ("urn:ogc:def:crs:OGC:1.3:CRS84", Crs::Wgs84),
        ] {
            assert_eq!(Crs::parse_text(text), Ok(crs), "{text}");
        }
        for (text, why) in [
            ("ITM:29903", Disagree(itm, irish)),
            ("Irish Grid/27700", Disagree(irish, bng)),
            ("the Irish Grid (EPSG:27700)", Disagree(irish, bng)),
            (
                "EPSG:29903 - IRENET95 / Irish Transverse Mercator",
                Disagree(irish, itm),
            ),
            (
                "ESRI:27700",
                NotEpsg {
                    before: "ESRI".into(),
                    code: 27700,
                },
            ),
            (
                "foo/2157",
                NotEpsg {
                    before: "foo".into(),
                    code: 2157,
                },
            ),
            (
                "ITM:2157",
                NotEpsg {
                    before: "ITM".into(),
                    code: 2157,
                },
            ),
            (
                "urn:ogc:def:crs:ESRI::27700",
                NotEpsg {
                    before: "urn:ogc:def:crs:ESRI".into(),
                    code: 27700,
                },
            ),
            ("EPSG:3857", Unknown),
            ("ESRI:3857", Unknown),
            ("EPSG:27700.5", Unknown),
            ("29903.5", Unknown),
            ("Web Mercator", Unknown),
            ("Web Mercator (EPSG:3857)", Unknown),
            ("http://example.com/def/crs/EPSG/0/27700x", Unknown),
        ] {
            assert_eq!(Crs::parse_text(text), Err(why), "{text}");
        }
        // The GeoJSON "crs" member's reader is as strict about the code.
        for name in [
            "ESRI:27700",
            "foo/2157",
            "ITM:29903",
            "urn:ogc:def:crs:ESRI::27700",
        ] {
            assert_eq!(Crs::from_name(name), None, "{name}");
        }
    }

    #[test]
    fn names_from_gdal_and_qgis() {
        assert_eq!(Crs::from_name("EPSG:27700"), Some(Crs::BritishNationalGrid));
        assert_eq!(
            Crs::from_name("urn:ogc:def:crs:EPSG::4326"),
            Some(Crs::Wgs84)
        );
        assert_eq!(Crs::from_name("EPSG:3857"), None);
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
