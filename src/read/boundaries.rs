//! Reading area boundaries as QGIS, GDAL and ONS's Open Geography Portal write them: a GeoJSON
//! FeatureCollection, an ESRI Shapefile (or the .zip ONS publishes), or a GeoPackage layer, of
//! Polygon/MultiPolygon features in WGS84, British National Grid or Northern Ireland's grids (the
//! Irish Grid, the Irish Transverse Mercator). Each format is read into
//! a [`SourceLayer`]; picking the code and name and checking the features is shared.

use std::collections::HashMap;

use geo::{BoundingRect, Coord, MultiPolygon, Polygon};
use rayon::prelude::*;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::crs::Crs;
use crate::error::{Diagnostics, Error, Place, Result};
use crate::read::columns::{fold, ons_code_in_upper_case};
use crate::read::Input;
use crate::write::{first_of, plural, thousands};

/// Options for finding the code and name properties.
#[derive(Debug, Clone, Default)]
pub struct BoundaryOptions {
    /// Property holding the area code; found by name when `None`.
    pub code_field: Option<String>,
    /// Property holding the area name; found by name when `None`.
    pub name_field: Option<String>,
    /// The layer to read from a GeoPackage (or the Shapefile to read from a .zip holding
    /// several); needed only when there is more than one.
    pub layer: Option<String>,
}

/// The command-line flags that name the code and name properties, for messages.
#[derive(Debug, Clone, Copy)]
pub struct FieldFlags {
    pub code: &'static str,
    pub name: &'static str,
    /// How to choose among several layers of a GeoPackage or Shapefiles in a zip, for
    /// messages: `name one with --layer` for the districts.
    pub choose_layer: &'static str,
}

/// The flags for `--boundaries`.
pub const AREA_FIELD_FLAGS: FieldFlags = FieldFlags {
    code: "--code-field",
    name: "--name-field",
    choose_layer: "name one with --layer",
};

/// One area as read from the file, before demand and rollup keys are joined.
#[derive(Debug, Clone)]
pub struct RawArea {
    pub code: String,
    pub name: String,
    /// Geometry in the file's own coordinate system.
    pub geometry: MultiPolygon,
    /// 1-based feature number, for messages.
    pub feature: usize,
}

/// A boundary file read into areas.
#[derive(Debug, Clone)]
pub struct Boundaries {
    pub areas: Vec<RawArea>,
    pub crs: Crs,
    /// How the coordinate system was decided, for the run report.
    pub crs_reason: String,
    /// Whether it was decided from the coordinates' extent, with nothing in the file saying.
    pub crs_guessed: bool,
    pub code_field: String,
    pub name_field: String,
}

/// Property names tried for the area code, most specific first.
const CODE_FIELDS: &[&str] = &[
    "LAD24CD",
    "LAD23CD",
    "LAD22CD",
    "LAD21CD",
    "LAD20CD",
    "LAD19CD",
    "LAD25CD",
    "ltla24_code",
    "ltla23_code",
    "ltla22_code",
    "ltla21_code",
    "lad_code",
    "ladcd",
    "lad_cd",
    "LGD14CD",
    "CA19CD",
    "UA19CD",
    "area_code",
    "areacode",
    "code",
    "geography_code",
    "id",
];
/// Property names tried for the area name.
const NAME_FIELDS: &[&str] = &[
    "LAD24NM",
    "LAD23NM",
    "LAD22NM",
    "LAD21NM",
    "LAD20NM",
    "LAD19NM",
    "LAD25NM",
    "ltla24_name",
    "ltla23_name",
    "ltla22_name",
    "ltla21_name",
    "lad_name",
    "ladnm",
    "lad_nm",
    "LGD14NM",
    "CA19NM",
    "UA19NM",
    "area_name",
    "areaname",
    "name",
    "geography_name",
];

/// One feature as any boundary format gives it, before the code and name are picked.
#[derive(Debug, Clone)]
pub struct SourceFeature {
    /// Attributes, in the file's column order.
    pub props: serde_json::Map<String, Value>,
    /// `None` when the feature has no geometry; `Err` says why its geometry is unusable.
    pub geometry: Option<std::result::Result<MultiPolygon, String>>,
}

/// A layer of features read from any boundary format.
#[derive(Debug, Clone)]
pub struct SourceLayer {
    /// The layer read, when the file holds several (a GeoPackage's): messages about its
    /// features name it.
    pub layer: Option<String>,
    pub features: Vec<SourceFeature>,
    /// Attribute names in the file's order, for picking the code and name fields.
    pub fields: Vec<String>,
    /// The coordinate system the file states, with how it was stated.
    pub declared: Option<(Crs, String)>,
    /// Why no system is stated, for the message when it is guessed from the extent.
    pub undeclared: &'static str,
}

/// The boundary formats covgap reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    /// An ESRI Shapefile: the `.shp` with its `.dbf` (and `.prj`) beside it.
    Shapefile,
    /// A `.zip` holding a Shapefile, as ONS's Open Geography Portal publishes them.
    ShapefileZip,
    GeoPackage,
}

/// Tells the format of a boundary input from its first bytes, then its extension.
pub fn detect_format(input: &Input) -> Format {
    let Input::File(p) = input else {
        return Format::GeoJson;
    };
    // Through a pipe (no head to look at) only GeoJSON can come.
    let head = crate::read::text::head_of_file(p, 16);
    let head = head.as_slice();
    let ext = p
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if head.starts_with(b"SQLite format 3\0") {
        Format::GeoPackage
    } else if head.starts_with(b"PK\x03\x04") {
        Format::ShapefileZip
    } else if head.starts_with(&[0, 0, 0x27, 0x0a]) {
        Format::Shapefile
    } else {
        match ext.as_str() {
            "shp" => Format::Shapefile,
            "zip" => Format::ShapefileZip,
            "gpkg" => Format::GeoPackage,
            _ => Format::GeoJson,
        }
    }
}

/// Reads boundaries (GeoJSON, Shapefile, zipped Shapefile or a GeoPackage layer), recording
/// per-feature problems in `diag`.
///
/// Fails outright only when the file is unreadable, not in a format covgap reads, or its
/// coordinate system cannot be told.
pub fn read_boundaries(
    input: &Input,
    opts: &BoundaryOptions,
    diag: &mut Diagnostics,
) -> Result<Boundaries> {
    read_boundaries_in(
        input,
        opts,
        CODE_FIELDS,
        NAME_FIELDS,
        AREA_FIELD_FLAGS,
        diag,
    )
}

/// [`read_boundaries`] for another geography: `code_fields` and `name_fields` list the
/// properties tried when none is named (small areas use `lsoa11_code`, `dz11_code`, ...),
/// and messages name `flags`.
pub fn read_boundaries_in(
    input: &Input,
    opts: &BoundaryOptions,
    code_fields: &[&str],
    name_fields: &[&str],
    flags: FieldFlags,
    diag: &mut Diagnostics,
) -> Result<Boundaries> {
    let format = detect_format(input);
    let format_err = |message: String| Error::Format {
        path: input.path_for_errors(),
        message,
    };
    if opts.layer.is_some() && !matches!(format, Format::GeoPackage | Format::ShapefileZip) {
        return Err(format_err(
            "--layer names a layer of a GeoPackage (or a Shapefile inside a .zip); this file is neither".into(),
        ));
    }
    // A Shapefile's other parts, picked in a file dialog in its place: read as GeoJSON (or, the
    // .shx opening as the .shp does, as shapes) they were "not a text GeoJSON file" or "damaged".
    if let Input::File(p) = input {
        let ext = p
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        if matches!(ext.as_str(), "shx" | "dbf" | "prj" | "cpg") {
            let shp = ["shp", "SHP"]
                .iter()
                .map(|e| p.with_extension(e))
                .find(|s| s.is_file());
            return Err(format_err(format!(
                "is the .{ext} part of an ESRI Shapefile, not the Shapefile itself: give {}",
                match shp {
                    Some(s) => format!("its .shp, {}", s.display()),
                    None => "its .shp, with the .dbf and .prj beside it".to_string(),
                }
            )));
        }
    }
    let layer = match (format, input) {
        (Format::GeoJson, _) => geojson_layer(input)?,
        (Format::Shapefile, Input::File(p)) => crate::read::shapefile::read_shapefile(p)?,
        (Format::ShapefileZip, Input::File(p)) => {
            crate::read::shapefile::read_zip(p, opts.layer.as_deref(), flags.choose_layer)?
        }
        (Format::GeoPackage, Input::File(p)) => {
            crate::read::geopackage::read_layer(p, opts.layer.as_deref(), flags.choose_layer)?
        }
        _ => unreachable!("built-in boundaries are GeoJSON"),
    };
    assemble(input, layer, opts, code_fields, name_fields, flags, diag)
}

fn geojson_layer(input: &Input) -> Result<SourceLayer> {
    let text = input.text("GeoJSON")?;
    let format_err = |message: String| Error::Format {
        path: input.path_for_errors(),
        message,
    };
    let invalid = |e: serde_json::Error| {
        format_err(format!(
            "is not valid GeoJSON: {e} (expected a GeoJSON FeatureCollection, an ESRI Shapefile or a GeoPackage)"
        ))
    };
    // The document's members are read as raw text first and each feature is parsed on its
    // own, on every core: a district file is one long array of features. Reading the raw
    // members still checks the whole document's syntax.
    let root: HashMap<String, &RawValue> = match serde_json::from_str(&text) {
        Ok(r) => r,
        // Not a JSON object: the full parse says whether it is JSON at all.
        Err(_) => {
            serde_json::from_str::<Value>(&text).map_err(invalid)?;
            HashMap::new()
        }
    };
    let member = |name: &str| -> Option<Value> {
        root.get(name)
            .and_then(|r| serde_json::from_str::<Value>(r.get()).ok())
    };
    let kind = member("type");
    let kind = kind.as_ref().and_then(Value::as_str).unwrap_or("");
    if kind != "FeatureCollection" {
        let found = if kind.is_empty() {
            "a JSON document with no \"type\"".to_string()
        } else {
            format!("a GeoJSON {kind}")
        };
        return Err(format_err(format!(
            "found {found}; expected a FeatureCollection of Polygon or MultiPolygon features"
        )));
    }
    let features: Vec<&RawValue> = root
        .get("features")
        .and_then(|r| serde_json::from_str(r.get()).ok())
        .ok_or_else(|| format_err("FeatureCollection has no \"features\" array".into()))?;
    if features.is_empty() {
        return Err(format_err("FeatureCollection has no features".into()));
    }

    let declared = match member("crs") {
        None | Some(Value::Null) => None,
        Some(crs) => {
            let name = crs
                .pointer("/properties/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            match Crs::from_name(name) {
                Some(c) => Some((
                    c,
                    format!("declared in the file's \"crs\" member: {}", c.label()),
                )),
                None => {
                    return Err(format_err(format!(
                        "declares coordinate system {:?}, which covgap does not know; \
                         expected {} (CRS84 for WGS84): \
                         reproject it, e.g. in QGIS with Export > Save Features As",
                        if name.is_empty() {
                            crs.to_string()
                        } else {
                            name.to_string()
                        },
                        crate::crs::KNOWN,
                    )))
                }
            }
        }
    };

    let features: Vec<SourceFeature> = features
        .par_iter()
        .map(|f| {
            // A feature that is not an object has no properties and no geometry.
            let parts: HashMap<String, &RawValue> =
                serde_json::from_str(f.get()).unwrap_or_default();
            let props = match parts
                .get("properties")
                .and_then(|r| serde_json::from_str::<Value>(r.get()).ok())
            {
                Some(Value::Object(m)) => m,
                _ => Default::default(),
            };
            let geometry = match parts.get("geometry") {
                None => None,
                Some(g) if g.get() == "null" => None,
                Some(g) => Some(to_multipolygon(g.get()).map_err(|e| e.place_in(&text, g.get()))),
            };
            SourceFeature { props, geometry }
        })
        .collect();
    // The properties of the first feature that has any: a first feature with `"properties":
    // null` is one feature's fault, named below, not the whole file's.
    let fields: Vec<String> = features
        .iter()
        .find(|f| !f.props.is_empty())
        .map(|f| f.props.keys().cloned().collect())
        .unwrap_or_default();
    Ok(SourceLayer {
        layer: None,
        features,
        fields,
        declared,
        undeclared: "no \"crs\" member",
    })
}

/// Picks the code and name fields and checks every feature: the part every format shares.
fn assemble(
    input: &Input,
    layer: SourceLayer,
    opts: &BoundaryOptions,
    code_fields: &[&str],
    name_fields: &[&str],
    flags: FieldFlags,
    diag: &mut Diagnostics,
) -> Result<Boundaries> {
    // "health.gpkg, layer wales_hb" when the file holds several layers.
    let in_layer = layer
        .layer
        .as_ref()
        .map(|l| format!("layer {l:?}: "))
        .unwrap_or_default();
    let label = match &layer.layer {
        Some(l) => format!("{}, layer {l:?}", input.label()),
        None => input.label(),
    };
    let format_err = |message: String| Error::Format {
        path: input.path_for_errors(),
        message: format!("{in_layer}{message}"),
    };
    if layer.features.is_empty() {
        return Err(format_err("has no features".into()));
    }
    let keys = &layer.fields;
    let code_field = pick_field(
        keys,
        opts.code_field.as_deref(),
        code_fields,
        "code",
        flags.code,
    )
    .map_err(format_err)?;
    let name_field = pick_field(
        keys,
        opts.name_field.as_deref(),
        name_fields,
        "name",
        flags.name,
    )
    .map_err(format_err)?;

    let mut areas = Vec::with_capacity(layer.features.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    // Codes of ONS's form written in lower case, as given.
    let mut lower_case: Vec<String> = Vec::new();
    for (i, f) in layer.features.into_iter().enumerate() {
        let n = i + 1;
        let place = Some(Place::Feature(n));
        let prop = |k: &str| f.props.get(k).and_then(value_text);
        let Some(code) = prop(&code_field) else {
            let message = match f.props.get(&code_field) {
                None | Some(Value::Null) => {
                    format!("has no {code_field:?} property (the area code)")
                }
                Some(Value::String(_)) => {
                    format!("its {code_field:?} property (the area code) is blank")
                }
                Some(v) => {
                    format!("its {code_field:?} property (the area code) is {v}, not a code")
                }
            };
            diag.error(&label, place, message);
            continue;
        };
        // ONS writes its codes in upper case; one typed or exported in lower case would match
        // no figure, lookup row or team list, and name no nation.
        let code = match ons_code_in_upper_case(&code) {
            Some(upper) => {
                lower_case.push(code);
                upper
            }
            None => code,
        };
        let name = prop(&name_field).unwrap_or_else(|| {
            diag.warn(
                &label,
                place,
                format!("{code}: has no {name_field:?} property; the code is used as its name"),
            );
            code.clone()
        });
        // A Shapefile whose .cpg names the wrong encoding decodes some letters as U+FFFD; the
        // name then matches no team list's spelling of it.
        if name.contains('\u{fffd}') || code.contains('\u{fffd}') {
            diag.warn(
                &label,
                place,
                format!("{code} ({name}): has letters that could not be read (shown as \u{fffd}); the file's text is not in the encoding it states (for a Shapefile, the encoding its .cpg names), so a team list naming this area will not match it"),
            );
        }
        let geometry = match f.geometry {
            None => {
                diag.error(
                    &label,
                    place,
                    format!("{code} ({name}): has no geometry; expected a Polygon or MultiPolygon"),
                );
                continue;
            }
            Some(g) => match g.and_then(check_rings) {
                Ok(mp) => mp,
                Err(msg) => {
                    diag.error(&label, place, format!("{code} ({name}): {msg}"));
                    continue;
                }
            },
        };
        if let Some(first) = seen.get(&code) {
            diag.error(
                &label,
                place,
                format!("area code {code} appears again (first at feature {first}); each area must appear once"),
            );
            continue;
        }
        seen.insert(code.clone(), n);
        areas.push(RawArea {
            code,
            name,
            geometry,
            feature: n,
        });
    }

    if !lower_case.is_empty() {
        diag.note(
            &label,
            None,
            format!(
                "{} area {} in lower case ({}) {} read in upper case, as ONS writes {}",
                thousands(lower_case.len() as u64),
                plural(lower_case.len(), "code", "codes"),
                first_of(lower_case.iter(), 3),
                plural(lower_case.len(), "is", "are"),
                plural(lower_case.len(), "it", "them"),
            ),
        );
    }
    let crs_guessed = layer.declared.is_none();
    let (crs, crs_reason) = match layer.declared {
        Some((c, reason)) => {
            // A declaration that contradicts the numbers (degrees labelled as metres, after a
            // hand edit or a bad export) would put every area in the wrong place.
            if let Some((min, max)) = extent(&areas) {
                let fits = match c {
                    Crs::Wgs84 => {
                        min.x >= -180.0 && max.x <= 180.0 && min.y >= -90.0 && max.y <= 90.0
                    }
                    // Every grid's metres are checked against the one range that holds the
                    // UK on British National Grid and Northern Ireland on its own grids.
                    _ => Crs::guess_from_extent(min, max) == Some(Crs::BritishNationalGrid),
                };
                if !fits {
                    let ((x0, x1), (y0, y1)) = Crs::GRID_RANGE;
                    let cannot_be = match c {
                        Crs::Wgs84 => "longitude/latitude in degrees".to_string(),
                        Crs::BritishNationalGrid => "British National Grid metres in the UK".to_string(),
                        // The range checked is British National Grid's, which holds Northern
                        // Ireland on its own grids too; where on land their numbers lie is the
                        // land check's to judge (`load::which_grid`). Said as it is.
                        irish => format!(
                            "metres on {}: covgap reads grid metres within x {x0:.0}..{x1:.0}, y {y0:.0}..{y1:.0}, which holds the UK on British National Grid and Northern Ireland on its own grids",
                            irish.name()
                        ),
                    };
                    return Err(format_err(format!(
                        "declares {} ({reason}), but its coordinates span x {:.1}..{:.1}, y {:.1}..{:.1}, \
                         which cannot be {cannot_be}; fix or remove the declaration (the \"crs\" member or .prj)",
                        c.label(), min.x, max.x, min.y, max.y,
                    )));
                }
            }
            (c, reason)
        }
        None => {
            let (min, max) =
                extent(&areas).ok_or_else(|| format_err("no usable polygons".into()))?;
            match Crs::guess_from_extent(min, max) {
                Some(c) => {
                    let reason = format!(
                        "{}; coordinates span x {:.1}..{:.1}, y {:.1}..{:.1}, so read as {}",
                        layer.undeclared,
                        min.x,
                        max.x,
                        min.y,
                        max.y,
                        c.label()
                    );
                    // A guess about a user's file should be seen without opening summary.md.
                    if input.path().is_some() {
                        diag.note(&label, None, reason.clone());
                    }
                    (c, reason)
                }
                None => {
                    return Err(format_err(format!(
                        "has {} and coordinates spanning x {:.1}..{:.1}, y {:.1}..{:.1} \
                         fit neither WGS84 degrees nor British National Grid metres; \
                         reproject to EPSG:4326 or EPSG:27700",
                        layer.undeclared, min.x, max.x, min.y, max.y
                    )))
                }
            }
        }
    };
    if crs == Crs::Wgs84 {
        areas = in_the_uk(areas, &label, diag).map_err(format_err)?;
    }
    Ok(Boundaries {
        areas,
        crs,
        crs_reason,
        crs_guessed,
        code_field,
        name_field,
    })
}

/// Longitudes and latitudes that hold the UK with room to spare (St Kilda, Rockall, Shetland,
/// the Scilly Isles and the generous extents GIS tools export).
const UK_LON: std::ops::RangeInclusive<f64> = -14.0..=3.0;
const UK_LAT: std::ops::RangeInclusive<f64> = 49.0..=62.0;

/// Checks that WGS84 areas lie in the UK. Degrees anywhere on Earth pass the coordinate-system
/// check, so latitude and longitude written the wrong way round, or a stray vertex at 0, 0
/// from a bad export, would otherwise put areas in the wrong place without a word. A file
/// wholly outside the UK is one error; otherwise each area outside it is listed.
fn in_the_uk(
    areas: Vec<RawArea>,
    label: &str,
    diag: &mut Diagnostics,
) -> std::result::Result<Vec<RawArea>, String> {
    use geo::CoordsIter;
    let overlaps = |min: Coord, max: Coord| {
        max.x >= *UK_LON.start()
            && min.x <= *UK_LON.end()
            && max.y >= *UK_LAT.start()
            && min.y <= *UK_LAT.end()
    };
    let swapped_hint = |min: Coord, max: Coord| {
        if overlaps(Coord { x: min.y, y: min.x }, Coord { x: max.y, y: max.x }) {
            " (are longitude and latitude the wrong way round? GeoJSON gives longitude first)"
        } else {
            ""
        }
    };
    if let Some((min, max)) = extent(&areas) {
        if !overlaps(min, max) {
            return Err(format!(
                "its coordinates span x {:.1}..{:.1}, y {:.1}..{:.1}, read as WGS84 longitude and latitude: that is not in the UK{}",
                min.x, max.x, min.y, max.y, swapped_hint(min, max)
            ));
        }
    }
    let mut kept = Vec::with_capacity(areas.len());
    for a in areas {
        match a
            .geometry
            .coords_iter()
            .find(|c| !UK_LON.contains(&c.x) || !UK_LAT.contains(&c.y))
        {
            None => kept.push(a),
            Some(c) => diag.error(
                label,
                Some(Place::Feature(a.feature)),
                format!(
                    "{} ({}): a position at longitude {}, latitude {} is not in the UK (longitude {} to {}, latitude {} to {}){}",
                    a.code,
                    a.name,
                    c.x,
                    c.y,
                    UK_LON.start(),
                    UK_LON.end(),
                    UK_LAT.start(),
                    UK_LAT.end(),
                    swapped_hint(c, c)
                ),
            ),
        }
    }
    Ok(kept)
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn pick_field(
    keys: &[String],
    given: Option<&str>,
    candidates: &[&str],
    what: &str,
    flag: &str,
) -> std::result::Result<String, String> {
    if let Some(g) = given {
        return keys
            .iter()
            .find(|k| k.as_str() == g)
            .or_else(|| keys.iter().find(|k| fold(k) == fold(g)))
            .cloned()
            .ok_or_else(|| {
                format!(
                    "{flag} {g:?} is not a property of the first feature; it has {}",
                    keys.join(", ")
                )
            });
    }
    for c in candidates {
        if let Some(k) = keys.iter().find(|k| fold(k) == fold(c)) {
            return Ok(k.clone());
        }
    }
    // ONS's pattern for any vintage: XXXnnCD / XXXnnNM.
    let suffix = if what == "code" { "cd" } else { "nm" };
    if let Some(k) = keys.iter().find(|k| {
        let f = fold(k);
        f.len() >= 4 && f.ends_with(suffix) && f[..f.len() - 2].chars().any(|c| c.is_ascii_digit())
    }) {
        return Ok(k.clone());
    }
    // The pattern of the geographr and humaniverse packages and many exports: `icb22_code`,
    // `hb19_name`, `trust18_code`. Only when one property alone has it.
    let ending = format!("_{what}");
    let mut with_ending = keys
        .iter()
        .filter(|k| k.to_ascii_lowercase().ends_with(&ending));
    if let (Some(k), None) = (with_ending.next(), with_ending.next()) {
        return Ok(k.clone());
    }
    Err(format!(
        "cannot tell which property holds the area {what}; the features have {}; name it with {flag}",
        if keys.is_empty() { "no properties".to_string() } else { keys.join(", ") }
    ))
}

/// Why a GeoJSON geometry cannot be used.
enum GeometryError {
    /// Not a GeoJSON geometry: serde's error, placed within the geometry's own text.
    Syntax(serde_json::Error),
    Other(String),
}

impl GeometryError {
    /// The message, with a syntax error placed in the whole file (`text`), of which
    /// `geometry` is a slice, rather than in the geometry alone.
    fn place_in(self, text: &str, geometry: &str) -> String {
        let e = match self {
            GeometryError::Other(m) => return m,
            GeometryError::Syntax(e) => e,
        };
        // serde's message without its own "at line L column C", which counts from the
        // start of the geometry.
        let full = e.to_string();
        let what = full
            .rsplit_once(" at line ")
            .map_or(full.as_str(), |(w, _)| w)
            .replace("expected f64", "expected a number");
        let start = (geometry.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
        let Some(before) = text.get(..start) else {
            return format!("geometry is not valid GeoJSON: {what}");
        };
        let line0 = before.matches('\n').count() + 1;
        let col0 = before.len() - before.rfind('\n').map_or(0, |i| i + 1);
        let (line, column) = if e.line() <= 1 {
            (line0, col0 + e.column())
        } else {
            (line0 + e.line() - 1, e.column())
        };
        format!("geometry is not valid GeoJSON: {what} (line {line}, column {column} of the file)")
    }
}

impl From<String> for GeometryError {
    fn from(m: String) -> Self {
        GeometryError::Other(m)
    }
}

fn to_multipolygon(g: &str) -> std::result::Result<MultiPolygon, GeometryError> {
    let geom: geojson::Geometry = serde_json::from_str(g).map_err(GeometryError::Syntax)?;
    // geojson's conversion reads a position's second number without checking it is there.
    let rings: Vec<&Vec<geojson::Position>> = match &geom.value {
        geojson::GeometryValue::Polygon { coordinates } => coordinates.iter().collect(),
        geojson::GeometryValue::MultiPolygon { coordinates } => {
            coordinates.iter().flatten().collect()
        }
        _ => Vec::new(),
    };
    for ring in rings {
        if let Some((i, p)) = ring.iter().enumerate().find(|(_, p)| p.len() < 2) {
            return Err(format!(
                "position {} of a ring has {} {}, {:?}; a position needs two (longitude and latitude, or easting and northing)",
                i + 1,
                p.len(),
                crate::write::plural(p.len(), "number", "numbers"),
                p.as_slice()
            )
            .into());
        }
    }
    let kind = geom.value.type_name();
    let mp: MultiPolygon = match kind {
        "Polygon" => MultiPolygon::new(vec![
            Polygon::try_from(&geom.value).map_err(|e| e.to_string())?
        ]),
        "MultiPolygon" => MultiPolygon::try_from(&geom.value).map_err(|e| e.to_string())?,
        other => {
            return Err(format!("geometry is a {other}; expected a Polygon or MultiPolygon").into())
        }
    };
    Ok(mp)
}

/// Checks that a multipolygon has parts and that every ring is closed enough to use.
fn check_rings(mp: MultiPolygon) -> std::result::Result<MultiPolygon, String> {
    if mp.0.is_empty() {
        return Err("geometry is an empty MultiPolygon".into());
    }
    for (pi, p) in mp.0.iter().enumerate() {
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            if ring.0.len() < 4 {
                return Err(format!(
                    "polygon {} has a ring of {} positions; a ring needs at least 4",
                    pi + 1,
                    ring.0.len()
                ));
            }
            if ring.0.iter().any(|c| !c.x.is_finite() || !c.y.is_finite()) {
                return Err(format!(
                    "polygon {} has a coordinate that is not a finite number",
                    pi + 1
                ));
            }
        }
    }
    // Outer rings whose positions all lie on one line (or one point), as coordinates rounded
    // to whole degrees or a line exported as a polygon leave them, enclose nothing: no baby
    // lives in such an area and no team base lies in it, yet a point on the line would be
    // measured from as if it did.
    if mp.0.iter().all(|p| geo::Area::unsigned_area(p) == 0.0) {
        return Err(format!(
            "geometry encloses no area: the positions of {} lie on one line or at one point; were the coordinates rounded (to whole degrees, say) or a line exported as a polygon?",
            if mp.0.len() == 1 {
                "its outer ring".to_string()
            } else {
                format!("each of its {} polygons' outer rings", mp.0.len())
            }
        ));
    }
    Ok(mp)
}

fn extent(areas: &[RawArea]) -> Option<(Coord, Coord)> {
    let mut it = areas.iter().filter_map(|a| a.geometry.bounding_rect());
    let first = it.next()?;
    let (mut min, mut max) = (first.min(), first.max());
    for r in it {
        min.x = min.x.min(r.min().x);
        min.y = min.y.min(r.min().y);
        max.x = max.x.max(r.max().x);
        max.y = max.y.max(r.max().y);
    }
    Some((min, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `icb22_code` and `icb22_name` (ONS's ICB file as the geographr package writes it),
    /// `hb19_code`, `trust18_code`: found when one property alone ends so.
    #[test]
    fn a_lone_code_and_name_property_by_their_ending_are_found() {
        let keys = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let icb = keys(&["icb22_name", "icb22_code"]);
        assert_eq!(
            pick_field(&icb, None, CODE_FIELDS, "code", "--code-field").unwrap(),
            "icb22_code"
        );
        assert_eq!(
            pick_field(&icb, None, NAME_FIELDS, "name", "--name-field").unwrap(),
            "icb22_name"
        );
        // Two that end so: the user must say which.
        let two = keys(&["icb24_code", "icb24_code_nhs", "sicbl24_code"]);
        let e = pick_field(&two, None, CODE_FIELDS, "code", "--code-field").unwrap_err();
        assert!(e.contains("name it with --code-field"), "{e}");
    }

    /// Positions are read to the last bit, as GEOS and QGIS read them: 17 significant digits,
    /// as Python's `json` and GeoPandas write, are not rounded to a neighbouring number. (Without
    /// serde_json's `float_roundtrip` they were, and a ring GEOS calls valid was warned of as
    /// crossing itself.)
    #[test]
    fn positions_are_read_exactly() {
        let text = r#"{"type":"Polygon","coordinates":[[[0.3000000000000001,52.0],[-0.12345678901234567,52.2],[5.551115123125783e-17,52.300000000000004],[0.3000000000000001,52.0]]]}"#;
        let Ok(mp) = to_multipolygon(text) else {
            panic!("not read")
        };
        let ring: Vec<Coord> = mp.0[0].exterior().0.clone();
        let exact = |s: &str| s.parse::<f64>().unwrap();
        assert_eq!(ring[0].x, exact("0.3000000000000001"));
        assert_eq!(ring[1].x, exact("-0.12345678901234567"));
        assert_eq!(ring[2].x, exact("5.551115123125783e-17"));
        assert_eq!(ring[2].y, exact("52.300000000000004"));
    }
}
