//! Reading boundaries from an ESRI Shapefile as ONS's Open Geography Portal publishes them:
//! a `.shp` with its `.dbf` and `.prj` beside it, or a `.zip` holding them. The coordinate
//! system comes from the `.prj` (see [`Crs::from_wkt`]); with no `.prj` it is told from the
//! extent, as for GeoJSON with no `crs` member.

use std::io::Read;
use std::path::{Path, PathBuf};

use geo::{Contains, Coord, LineString, MultiPolygon, Polygon};
use serde_json::{Map, Value};
use shapefile::dbase::{self, FieldValue};
use shapefile::{PolygonRing, Shape};

use crate::crs::Crs;
use crate::error::{Error, Result};
use crate::read::boundaries::{SourceFeature, SourceLayer};

fn format_err(path: &Path, message: impl Into<String>) -> Error {
    Error::Format {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// What to do about a file that ends early or is damaged, said in every such message.
pub(crate) const GET_IT_AGAIN: &str = "re-download or re-export it";

/// Whether a `.shp` or `.shx` is shorter than its 100-byte header, or than the length the
/// header gives: the file was cut short.
fn cut_short(path: &Path) -> bool {
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let len = f.metadata().map_or(0, |m| m.len());
    let mut head = [0u8; 100];
    if f.read_exact(&mut head).is_err() {
        return true;
    }
    // The file length, in 16-bit words, big-endian at byte 24.
    let words = i32::from_be_bytes([head[24], head[25], head[26], head[27]]);
    (len as i64) < i64::from(words) * 2
}

/// A Shapefile reading error in plain words, naming the `.shp`, or the `.shx` when it is the
/// index that ends early.
fn shp_error(shp: &Path, shx: Option<&Path>, e: shapefile::Error) -> Error {
    match e {
        shapefile::Error::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            let (at, what) = match shx {
                Some(shx) if !cut_short(shp) && cut_short(shx) => (shx, "the index of shapes"),
                _ => (shp, "the shapes"),
            };
            format_err(
                at,
                format!("is cut short or damaged: it ends before {what} its header counts ({GET_IT_AGAIN})"),
            )
        }
        shapefile::Error::IoError(source) => Error::Read {
            path: shp.to_path_buf(),
            source,
        },
        shapefile::Error::InvalidFileCode(_) => format_err(
            shp,
            format!("is not an ESRI Shapefile: it does not start as a .shp does ({GET_IT_AGAIN})"),
        ),
        other => format_err(
            shp,
            format!("is damaged, so its shapes cannot be read ({GET_IT_AGAIN}; {other})"),
        ),
    }
}

/// A `.dbf` reading error in plain words, with the row (1-based) where there is one.
fn dbf_error(dbf: &Path, e: &dbase::Error) -> Error {
    let row = e
        .record_index()
        .map(|i| format!("row {}", i.0 + 1))
        .unwrap_or_else(|| "its header".to_string());
    let message = match e.kind() {
        dbase::ErrorKind::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            format!("is cut short or damaged: it ends part-way through {row} ({GET_IT_AGAIN})")
        }
        kind => format!("is damaged: {row} cannot be read ({GET_IT_AGAIN}; {kind})"),
    };
    format_err(dbf, message)
}

/// How the `.dbf`'s text (the area names) is encoded, as GDAL and QGIS decide it:
/// - the `.cpg` beside it names the encoding: a code page number (`1252`, `65001`, `850`), one
///   with `CP`, `ANSI `, `IBM` or `OEM ` before it, `UTF-8`, an ISO-8859 name (`ISO-8859-1`,
///   and without "ISO", `8859-1` as GDAL reads it, or `88591`), or any label of the WHATWG
///   Encoding Standard (`latin1`, `utf8`, `cp819`, `shift_jis`, ...). One that covgap does not
///   know is an error naming the `.cpg`, rather than names read wrongly; an empty `.cpg` is
///   as none;
/// - with no `.cpg`, the code page mark in the `.dbf`'s header (byte 29: `0x03` for
///   Windows-1252, `0x02` for the DOS code page 850, `0xF0` for UTF-8, ...), from dbase's table
///   and the marks GDAL's table adds. ArcGIS's `0x57` ("ANSI") is Windows-1252, as GDAL reads
///   it. The DOS Greek and Turkish pages (737, 857) have no decoder here;
/// - with no `.cpg` and no mark (or one no table gives), UTF-8 when the records are valid
///   UTF-8, and Windows-1252 otherwise: text in Windows-1252 with any letter beyond ASCII is
///   almost never valid UTF-8. (GDAL 3 passes such text through undecoded, so a Windows-1252
///   "ô" reaches QGIS as a byte that is not UTF-8.)
///
/// Every encoding decodes without failing: a byte it has no character for becomes U+FFFD, which
/// [`crate::read::boundaries`] then warns of.
fn dbf_encoding(cpg: Option<&Path>, dbf: &[u8]) -> Result<dbase::encoding::DynEncoding> {
    use dbase::encoding::EncodingRs;
    if let Some(cpg) = cpg {
        let bytes = std::fs::read(cpg).map_err(|source| Error::Read {
            path: cpg.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8_lossy(&bytes);
        let name = text.trim().trim_start_matches('\u{feff}').trim();
        if !name.is_empty() {
            return encoding_named(name).ok_or_else(|| {
                format_err(
                    cpg,
                    format!(
                        "names the encoding {name:?}, which covgap does not know, so the names in the .dbf cannot be read. covgap knows code page numbers (1252, 65001, 850, ...), UTF-8, ISO-8859 names and the labels of the WHATWG Encoding Standard; correct the .cpg if it names one of these in other words, or export the layer again with the encoding UTF-8"
                    ),
                )
            });
        }
    }
    // Byte 29 is the code page mark; bytes 8 and 9 give where the records start.
    if dbf.len() >= 32 {
        let from_mark = match dbf[29] {
            // ArcGIS's "ANSI" (87), which no table gives: Windows-1252 here, as GDAL reads it
            // (ISO-8859-1, which Windows-1252 extends).
            0x57 => code_page(1252),
            // Marks GDAL's table gives and dbase's does not (each checked against ogrinfo).
            0x58 | 0x59 => code_page(1252),
            0x1f => code_page(852),
            0x26 => code_page(866),
            0x4e => code_page(949),
            0x4f => code_page(950),
            0x50 => code_page(874),
            0xcc => code_page(1257),
            mark => mark_code_page(dbase::CodePageMark::from(mark)).and_then(code_page),
        };
        if let Some(e) = from_mark {
            return Ok(e);
        }
    }
    let start = if dbf.len() >= 10 {
        usize::from(u16::from_le_bytes([dbf[8], dbf[9]])).min(dbf.len())
    } else {
        dbf.len()
    };
    let encoding = match std::str::from_utf8(&dbf[start..]) {
        Ok(_) => encoding_rs::UTF_8,
        Err(_) => encoding_rs::WINDOWS_1252,
    };
    Ok(EncodingRs::from(encoding).into())
}

/// The code page a `.dbf` code page mark stands for.
fn mark_code_page(mark: dbase::CodePageMark) -> Option<u16> {
    use dbase::CodePageMark as M;
    Some(match mark {
        M::CP437 => 437,
        M::CP850 => 850,
        M::CP852 => 852,
        M::CP861 => 861,
        M::CP865 => 865,
        M::CP866 => 866,
        M::CP874 => 874,
        M::CP932 => 932,
        M::CP936 => 936,
        M::CP949 => 949,
        M::CP950 => 950,
        M::CP1250 => 1250,
        M::CP1251 => 1251,
        M::CP1252 => 1252,
        M::CP1253 => 1253,
        M::CP1254 => 1254,
        M::CP1255 => 1255,
        M::CP1256 => 1256,
        M::Utf8 => 65001,
        _ => return None,
    })
}

/// A decoder for a Windows or DOS code page number: encoding_rs's for the Windows pages and
/// UTF-8, yore's for the DOS pages encoding_rs leaves out (437, 850, 852, 861, 865). Both
/// replace what they cannot decode with U+FFFD rather than fail.
fn code_page(number: u16) -> Option<dbase::encoding::DynEncoding> {
    use dbase::encoding::{EncodingRs, LossyCodePage};
    use dbase::yore::code_pages as dos;
    let label = match number {
        437 => return Some(LossyCodePage(dos::CP437).into()),
        850 => return Some(LossyCodePage(dos::CP850).into()),
        852 => return Some(LossyCodePage(dos::CP852).into()),
        861 => return Some(LossyCodePage(dos::CP861).into()),
        865 => return Some(LossyCodePage(dos::CP865).into()),
        65001 => "utf-8".to_string(),
        866 => "ibm866".to_string(),
        874 | 1250..=1258 => format!("windows-{number}"),
        932 => "shift_jis".to_string(),
        936 => "gbk".to_string(),
        949 => "euc-kr".to_string(),
        950 => "big5".to_string(),
        _ => return None,
    };
    encoding_rs::Encoding::for_label(label.as_bytes()).map(|e| EncodingRs::from(e).into())
}

/// The decoder a `.cpg`'s text names (see [`dbf_encoding`]).
fn encoding_named(name: &str) -> Option<dbase::encoding::DynEncoding> {
    use dbase::encoding::EncodingRs;
    let upper = name.to_ascii_uppercase();
    let number = ["CP", "ANSI ", "ANSI", "IBM", "OEM ", "OEM", "WINDOWS-"]
        .iter()
        .find_map(|p| upper.strip_prefix(p))
        .unwrap_or(&upper)
        .trim();
    if let Some(e) = number.parse::<u16>().ok().and_then(code_page) {
        return Some(e);
    }
    // ISO-8859 names without "ISO" (8859-1, as GDAL reads them, and 88591, 8859_1).
    let iso = upper
        .strip_prefix("8859")
        .map(|rest| format!("iso-8859-{}", rest.trim_start_matches(['-', '_'])));
    let label = iso.as_deref().unwrap_or(name);
    encoding_rs::Encoding::for_label(label.trim().as_bytes()).map(|e| EncodingRs::from(e).into())
}

/// A `.dbf` value as JSON, so every format's attributes look alike.
fn value(v: FieldValue) -> Value {
    let num = |f: f64| {
        if f.fract() == 0.0 && f.abs() < 9e15 {
            Value::from(f as i64)
        } else {
            serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
        }
    };
    match v {
        FieldValue::Character(Some(s)) => Value::String(s.trim().to_string()),
        FieldValue::Memo(s) => Value::String(s.trim().to_string()),
        FieldValue::Numeric(Some(f)) | FieldValue::Double(f) | FieldValue::Currency(f) => num(f),
        FieldValue::Float(Some(f)) => num(f64::from(f)),
        FieldValue::Integer(i) => Value::from(i),
        FieldValue::Logical(Some(b)) => Value::Bool(b),
        FieldValue::Date(Some(d)) => Value::String(d.to_string()),
        FieldValue::DateTime(d) => Value::String(format!("{d:?}")),
        _ => Value::Null,
    }
}

fn ring(points: &[impl Copy + Into<Coord>]) -> LineString {
    LineString::new(points.iter().map(|&p| p.into()).collect())
}

/// Groups a Shapefile polygon's rings into polygons: each outer ring starts a polygon, and each
/// hole goes to the outer ring that holds it (ESRI does not promise holes follow their ring).
fn polygons<P: Copy + Into<Coord>>(
    rings: &[PolygonRing<P>],
) -> std::result::Result<MultiPolygon, String> {
    let mut outers: Vec<Polygon> = Vec::new();
    let mut holes: Vec<LineString> = Vec::new();
    for r in rings {
        match r {
            PolygonRing::Outer(pts) => outers.push(Polygon::new(ring(pts), vec![])),
            PolygonRing::Inner(pts) => holes.push(ring(pts)),
        }
    }
    if outers.is_empty() && !rings.is_empty() {
        return Err("polygon has holes but no outer ring".into());
    }
    for h in holes {
        if h.0.is_empty() {
            continue;
        }
        // The outer ring that holds the whole hole (it may touch its boundary), else one
        // holding any of its points, else the last outer ring.
        let at = outers
            .iter()
            .position(|o| o.contains(&h))
            .or_else(|| {
                outers
                    .iter()
                    .position(|o| h.0.iter().any(|c| o.contains(c)))
            })
            .unwrap_or(outers.len() - 1);
        outers[at].interiors_push(h);
    }
    Ok(MultiPolygon::new(outers))
}

fn geometry(shape: Shape) -> Option<std::result::Result<MultiPolygon, String>> {
    let kind = match shape {
        Shape::NullShape => return None,
        Shape::Polygon(p) => return Some(polygons(p.rings())),
        Shape::PolygonM(p) => return Some(polygons(p.rings())),
        Shape::PolygonZ(p) => return Some(polygons(p.rings())),
        Shape::Point(_) | Shape::PointM(_) | Shape::PointZ(_) => "Point",
        Shape::Polyline(_) | Shape::PolylineM(_) | Shape::PolylineZ(_) => "Polyline",
        Shape::Multipoint(_) | Shape::MultipointM(_) | Shape::MultipointZ(_) => "Multipoint",
        Shape::Multipatch(_) => "Multipatch",
    };
    Some(Err(format!(
        "geometry is a {kind}; expected a Polygon (area boundaries)"
    )))
}

/// Reads a `.shp` with the `.dbf` (and `.prj`) of the same name beside it.
///
/// # Examples
/// ```
/// let shp = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
///     .join("tests/fixtures/shapefile_bng/LAD_MAY_2024_UK_BUC.shp");
/// let layer = covgap::read::shapefile::read_shapefile(&shp).unwrap();
/// assert_eq!(layer.fields, ["OBJECTID", "LAD24CD", "LAD24NM", "SHAPE_Area"]);
/// assert_eq!(layer.features.len(), 8);
/// ```
pub fn read_shapefile(shp: &Path) -> Result<SourceLayer> {
    // A .shp that is not there is said so, before looking for the files beside it.
    drop(crate::read::text::open_non_empty(
        shp,
        "an ESRI Shapefile (.shp)",
    )?);
    let sibling = |ext: &str| -> Option<PathBuf> {
        // Accept .DBF/.PRJ as well as .dbf/.prj.
        [ext.to_string(), ext.to_ascii_uppercase()]
            .iter()
            .map(|e| shp.with_extension(e))
            .find(|p| p.exists())
    };
    let dbf = sibling("dbf").ok_or_else(|| {
        format_err(
            shp,
            format!(
                "has no {} beside it: a Shapefile's attributes (the area codes and names) are in its .dbf",
                shp.with_extension("dbf").display()
            ),
        )
    })?;
    let (declared, undeclared) = match sibling("prj") {
        Some(prj) => {
            let bytes = std::fs::read(&prj).map_err(|source| Error::Read {
                path: prj.clone(),
                source,
            })?;
            let wkt = crate::read::text::decode(&bytes).0;
            let crs = Crs::from_wkt(&wkt).map_err(|m| format_err(&prj, m))?;
            (
                Some((
                    crs,
                    format!(
                        "read from {}: {}",
                        prj.file_name().unwrap_or_default().to_string_lossy(),
                        crs.label()
                    ),
                )),
                "",
            )
        }
        None => (None, "no .prj file"),
    };

    let shx = sibling("shx");
    let shp_err = |e: shapefile::Error| shp_error(shp, shx.as_deref(), e);
    let shapes = shapefile::ShapeReader::from_path(shp).map_err(shp_err)?;
    let mut dbf_bytes = Vec::new();
    crate::read::text::open_non_empty(
        &dbf,
        "a .dbf table (a Shapefile's area codes and names are in its .dbf)",
    )?
    .read_to_end(&mut dbf_bytes)
    .map_err(|source| Error::Read {
        path: dbf.clone(),
        source,
    })?;
    let mut dbase_reader = dbase::ReaderBuilder::new()
        .with_encoding(dbf_encoding(sibling("cpg").as_deref(), &dbf_bytes)?)
        .build(std::io::Cursor::new(dbf_bytes))
        .map_err(|e| dbf_error(&dbf, &e))?;
    let fields: Vec<String> = dbase_reader
        .fields()
        .iter()
        .map(|f| f.name().to_string())
        .filter(|n| n != "DeletionFlag")
        .collect();
    let mut records = Vec::new();
    for r in dbase_reader.iter_records() {
        records.push(r.map_err(|e| dbf_error(&dbf, &e))?);
    }
    let mut shapes = shapes;
    let mut features = Vec::with_capacity(records.len());
    for (i, shape) in shapes.iter_shapes().enumerate() {
        let shape = shape.map_err(shp_err)?;
        let mut props = Map::new();
        if let Some(rec) = records.get(i) {
            let mut map: std::collections::HashMap<String, FieldValue> = rec.clone().into();
            for f in &fields {
                props.insert(f.clone(), map.remove(f).map_or(Value::Null, value));
            }
        }
        features.push(SourceFeature {
            props,
            geometry: geometry(shape),
        });
    }
    if features.len() != records.len() {
        return Err(format_err(
            shp,
            format!(
                "has {} shapes but its .dbf has {} rows; the files do not belong together",
                features.len(),
                records.len()
            ),
        ));
    }
    Ok(SourceLayer {
        features,
        fields,
        declared,
        undeclared,
    })
}

/// Reads the Shapefile inside a `.zip`. When the zip holds several, `layer` names which (the
/// file name without `.shp`); `choose` says how, for the message when it is left out.
pub fn read_zip(zip_path: &Path, layer: Option<&str>, choose: &str) -> Result<SourceLayer> {
    let mut file = crate::read::text::open_non_empty(zip_path, "a .zip holding an ESRI Shapefile")?;
    let mut magic = [0u8; 2];
    let starts_as_zip = file.read_exact(&mut magic).is_ok() && magic == *b"PK";
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| match e {
        zip::result::ZipError::Io(source) if source.kind() != std::io::ErrorKind::UnexpectedEof => {
            Error::Read {
                path: zip_path.to_path_buf(),
                source,
            }
        }
        zip::result::ZipError::UnsupportedArchive(what) => format_err(
            zip_path,
            format!("is a kind of zip archive covgap cannot unpack ({what}); unzip it and give the .shp inside"),
        ),
        e if starts_as_zip => format_err(
            zip_path,
            format!("is not a complete zip archive: it is cut short or damaged ({GET_IT_AGAIN}; {e})"),
        ),
        _ => format_err(
            zip_path,
            "is not a zip archive: it does not start as one (a failed download can leave a web page under the .zip name; re-download it)",
        ),
    })?;
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    let stem = |n: &str| -> String {
        let base = n.rsplit('/').next().unwrap_or(n);
        base.rsplit_once('.')
            .map(|(s, _)| s)
            .unwrap_or(base)
            .to_string()
    };
    let shps: Vec<&String> = names
        .iter()
        .filter(|n| n.to_ascii_lowercase().ends_with(".shp"))
        .collect();
    let chosen = match (layer, shps.as_slice()) {
        (_, []) => {
            return Err(format_err(
                zip_path,
                "holds no .shp file; expected a zipped ESRI Shapefile (.shp, .dbf, .prj)",
            ))
        }
        (None, [one]) => (*one).clone(),
        (Some(l), _) => shps
            .iter()
            .find(|n| stem(n).eq_ignore_ascii_case(l))
            .map(|n| (*n).clone())
            .ok_or_else(|| {
                format_err(
                    zip_path,
                    format!(
                        "has no Shapefile named {l:?}; it holds {}",
                        shps.iter().map(|n| stem(n)).collect::<Vec<_>>().join(", ")
                    ),
                )
            })?,
        (None, many) => {
            return Err(format_err(
                zip_path,
                format!(
                    "holds {} Shapefiles ({}); {choose}",
                    many.len(),
                    many.iter().map(|n| stem(n)).collect::<Vec<_>>().join(", ")
                ),
            ))
        }
    };
    let prefix = chosen[..chosen.len() - 4].to_string();
    // The .dbf must be in the zip beside the .shp: said here, naming the members, as the
    // check in `read_shapefile` would name the temporary folder they are unpacked to.
    let member = |ext: &str| {
        names.iter().find(|n| {
            n.strip_prefix(&prefix)
                .and_then(|r| r.strip_prefix('.'))
                .is_some_and(|x| x.eq_ignore_ascii_case(ext))
        })
    };
    if member("dbf").is_none() {
        return Err(format_err(
            zip_path,
            format!(
                "holds {chosen} but no {prefix}.dbf; a Shapefile's codes and names are in its .dbf"
            ),
        ));
    }
    let dir = tempfile::tempdir().map_err(|source| Error::Read {
        path: zip_path.to_path_buf(),
        source,
    })?;
    // Unpacked under the Shapefile's own name, so that what covgap reports (the .prj the
    // coordinate system was read from) names the file the user knows.
    let base = Path::new(&prefix)
        .file_name()
        .map(|b| b.to_string_lossy().to_string())
        .unwrap_or_else(|| "layer".into());
    let mut shp_out = None;
    for n in &names {
        let Some(ext) = n.strip_prefix(&prefix).and_then(|r| r.strip_prefix('.')) else {
            continue;
        };
        let ext = ext.to_ascii_lowercase();
        if !matches!(ext.as_str(), "shp" | "shx" | "dbf" | "prj" | "cpg") {
            continue;
        }
        let mut entry = zip
            .by_name(n)
            .map_err(|e| format_err(zip_path, format!("cannot unpack {n}: {e}")))?;
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(|e| {
            format_err(
                zip_path,
                format!("is damaged: {n} in it cannot be unpacked ({GET_IT_AGAIN}; {e})"),
            )
        })?;
        let out = dir.path().join(format!("{base}.{ext}"));
        std::fs::write(&out, bytes).map_err(|source| Error::Read {
            path: out.clone(),
            source,
        })?;
        if ext == "shp" {
            shp_out = Some(out);
        }
    }
    let shp = shp_out.expect("the chosen .shp was unpacked");
    // Errors name the zip and the file inside it, not the temporary folder.
    let in_zip = |path: PathBuf| -> PathBuf {
        if !path.starts_with(dir.path()) {
            return path;
        }
        let inner = path
            .extension()
            .and_then(|x| member(&x.to_string_lossy()))
            .unwrap_or(&chosen);
        PathBuf::from(format!("{} ({inner})", zip_path.display()))
    };
    read_shapefile(&shp).map_err(|e| match e {
        Error::Format { path, message } => Error::Format {
            path: in_zip(path),
            message,
        },
        Error::Read { path, source } => Error::Read {
            path: in_zip(path),
            source,
        },
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_go_to_the_ring_that_holds_them() {
        let sq = |x0: f64, s: f64| -> Vec<shapefile::Point> {
            [(x0, 0.), (x0, s), (x0 + s, s), (x0 + s, 0.), (x0, 0.)]
                .iter()
                .map(|&(x, y)| shapefile::Point::new(x, y))
                .collect()
        };
        // Two outer rings, then a hole inside the first: not in ESRI's usual order.
        let rings = vec![
            PolygonRing::Outer(sq(0., 10.)),
            PolygonRing::Outer(sq(20., 10.)),
            PolygonRing::Inner(sq(2., 2.)),
        ];
        let mp = polygons(&rings).unwrap();
        assert_eq!(mp.0.len(), 2);
        assert_eq!(mp.0[0].interiors().len(), 1);
        assert_eq!(mp.0[1].interiors().len(), 0);
    }

    /// Each way covgap reads a `.cpg`'s encoding (GDAL's names, and some only the WHATWG
    /// standard gives), decoding "ô" from that encoding's byte.
    #[test]
    fn cpg_names_gdal_and_the_whatwg_standard_know() {
        use dbase::encoding::Encoding;
        let o = |name: &str, byte: u8| {
            let e = encoding_named(name).unwrap_or_else(|| panic!("{name:?} not known"));
            e.decode(&[b'M', byte, b'n']).unwrap().into_owned()
        };
        for name in [
            "cp819",
            "ibm819",
            "1252",
            "CP1252",
            "cp1252",
            "ANSI 1252",
            "windows-1252",
            "latin1",
            "ISO-8859-1",
            "ISO88591",
            "8859-1",
            "88591",
            "8859_1",
        ] {
            assert_eq!(o(name, 0xf4), "Môn", "{name}");
        }
        for name in ["850", "CP850", "IBM850", "OEM 850"] {
            assert_eq!(o(name, 0x93), "Môn", "{name}");
        }
        assert_eq!(o("8859-15", 0xf4), "Môn");
        let utf8 = |name: &str| {
            let e = encoding_named(name).unwrap();
            e.decode("Môn".as_bytes()).unwrap().into_owned()
        };
        for name in ["UTF-8", "utf8", "65001"] {
            assert_eq!(utf8(name), "Môn", "{name}");
        }
        for name in ["KLINGON", "CP-1252", "1234", "UTF-9"] {
            assert!(encoding_named(name).is_none(), "{name}");
        }
    }

    /// With no `.cpg`: the code page mark, ArcGIS's 0x57, then whether the records are UTF-8.
    #[test]
    fn dbf_without_cpg_is_read_by_its_mark_then_its_bytes() {
        use dbase::encoding::Encoding;
        // A 32-byte header, records from byte 33, holding `record`.
        let dbf = |mark: u8, record: &[u8]| {
            let mut b = vec![0u8; 33];
            b[8] = 33;
            b[29] = mark;
            b.extend_from_slice(record);
            b
        };
        let decode = |mark: u8, record: &[u8]| {
            dbf_encoding(None, &dbf(mark, record))
                .unwrap()
                .decode(record)
                .unwrap()
                .into_owned()
        };
        assert_eq!(decode(0x57, b"M\xf4n"), "Môn");
        assert_eq!(decode(0x03, b"M\xf4n"), "Môn");
        assert_eq!(decode(0x02, b"M\x93n"), "Môn");
        assert_eq!(decode(0x01, b"M\x93n"), "Môn");
        assert_eq!(decode(0x00, b"M\xf4n"), "Môn");
        assert_eq!(decode(0x00, "Môn".as_bytes()), "Môn");
        assert_eq!(decode(0xf0, "Môn".as_bytes()), "Môn");
        // Marks only GDAL's table gives: read as ogrinfo reads them.
        assert_eq!(decode(0x58, b"M\xf4n"), "Môn");
        assert_eq!(decode(0x26, b"M\xf4n"), "M\u{407}n");
        assert_eq!(decode(0xcc, b"M\xf4n"), "M\u{14d}n");
        assert_eq!(decode(0x50, b"M\xf4n"), "M\u{e54}n");
        // A mark no table gives is as none.
        assert_eq!(decode(0x68, b"M\xf4n"), "Môn");
        // A file too short for a header is not a panic.
        assert!(dbf_encoding(None, b"x").is_ok());
    }
}
