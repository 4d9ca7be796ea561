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
///   Windows-1252, `0x02` for the DOS code page 850, `0x6A` for the DOS Greek page 737, ...),
///   as GDAL's table gives them (see [`mark_code_page`]). ArcGIS's `0x57` ("ANSI") is
///   Windows-1252;
/// - with no `.cpg` and no mark (or one no table gives), UTF-8 when the records are valid
///   UTF-8, and Windows-1252 otherwise: text in Windows-1252 with any letter beyond ASCII is
///   almost never valid UTF-8. (GDAL 3 passes such text through undecoded, so a Windows-1252
///   "ô" reaches QGIS as a byte that is not UTF-8.)
///
/// Every encoding decodes without failing: a byte it has no character for becomes U+FFFD, which
/// [`crate::read::boundaries`] then warns of.
fn dbf_encoding(cpg: Option<&Path>, dbf: &[u8]) -> Result<DbfText> {
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
        if let Some(e) = mark_code_page(dbf[29]).and_then(code_page) {
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
    Ok(DbfText::Whatwg(encoding))
}

/// How a `.dbf`'s text is decoded. dbase decodes the encodings of the WHATWG standard itself
/// (through encoding_rs), but has a decoder for only a few of the DOS code pages: for those
/// (yore's decoders), dbase reads each byte as one character through x-user-defined, which
/// keeps every byte (0x80 to 0xFF become U+F780 to U+F7FF), and [`DbfText::decode`] turns the
/// characters back into bytes and decodes them.
#[derive(Clone, Copy)]
enum DbfText {
    Whatwg(&'static encoding_rs::Encoding),
    Dos(&'static dyn dbase::yore::CodePage),
}

impl DbfText {
    /// What dbase decodes the records with.
    fn for_dbase(self) -> dbase::encoding::EncodingRs {
        dbase::encoding::EncodingRs::from(match self {
            DbfText::Whatwg(e) => e,
            DbfText::Dos(_) => encoding_rs::X_USER_DEFINED,
        })
    }

    /// A text value as dbase read it, decoded.
    fn decode(self, read: String) -> String {
        match self {
            DbfText::Whatwg(_) => read,
            DbfText::Dos(page) => {
                let bytes: Vec<u8> = read
                    .chars()
                    .map(|c| match u32::from(c) {
                        b @ 0..=0x7f => b as u8,
                        b @ 0xf780..=0xf7ff => (b - 0xf700) as u8,
                        _ => b'?',
                    })
                    .collect();
                page.decode_lossy(&bytes).into_owned()
            }
        }
    }
}

/// The code page a `.dbf` code page mark (its "language driver ID") stands for: GDAL's table
/// (`OGRShapeLayer::ConvertCodePage`, which QGIS reads Shapefiles through), whole, so a mark
/// means here what it means in QGIS. Two differences: ArcGIS's "ANSI" (87), which GDAL reads as
/// ISO-8859-1, is Windows-1252 here (which extends it, giving "“" where ISO-8859-1 has an
/// invisible control character); and the marks dbase's table gives and GDAL's does not (0xF0
/// for UTF-8, 9 for DOS 437, 125 and 126 for Windows Hebrew and Arabic) mean what dbase says,
/// where GDAL passes the bytes through undecoded. Mac Roman (4), which GDAL's iconv cannot
/// decode, is decoded. A mark in neither table, or for a page with no decoder, is as none.
fn mark_code_page(mark: u8) -> Option<u16> {
    Some(match mark {
        1 | 9 | 11 | 13 | 15 | 17 | 21 | 24 | 25 | 27 => 437,
        2 | 10 | 14 | 16 | 18 | 20 | 22 | 26 | 29 | 37 | 55 => 850,
        3 | 87 | 88 | 89 => 1252,
        4 => 10000,
        8 | 23 | 102 => 865,
        19 | 123 => 932,
        28 | 108 => 863,
        31 | 34 | 35 | 64 | 100 | 135 => 852,
        36 => 860,
        38 | 101 => 866,
        77 | 122 => 936,
        78 | 121 => 949,
        79 | 120 => 950,
        80 | 124 => 874,
        103 => 861,
        104 => 895,
        105 => 620,
        106 | 134 => 737,
        107 | 136 => 857,
        150 => 10007,
        151 => 10029,
        200 => 1250,
        201 => 1251,
        202 => 1254,
        203 => 1253,
        204 => 1257,
        125 => 1255,
        126 => 1256,
        0xf0 => 65001,
        _ => return None,
    })
}

/// A decoder for a Windows, DOS or Mac code page number: encoding_rs's for the Windows pages,
/// UTF-8 and the two Mac pages the WHATWG standard has; yore's for the DOS pages. Both replace
/// what they cannot decode with U+FFFD rather than fail. No decoder here (nor in GDAL's iconv)
/// for the Kamenický and Mazovia pages (895, 620) or Mac Central European (10029): `None`.
fn code_page(number: u16) -> Option<DbfText> {
    use dbase::yore::code_pages as dos;
    let page: &'static dyn dbase::yore::CodePage = match number {
        437 => &dos::CP437,
        737 => &dos::CP737,
        850 => &dos::CP850,
        852 => &dos::CP852,
        855 => &dos::CP855,
        857 => &dos::CP857,
        860 => &dos::CP860,
        861 => &dos::CP861,
        862 => &dos::CP862,
        863 => &dos::CP863,
        864 => &dos::CP864,
        865 => &dos::CP865,
        869 => &dos::CP869,
        _ => return whatwg_code_page(number),
    };
    Some(DbfText::Dos(page))
}

/// The decoder of the WHATWG standard (encoding_rs) for a Windows or Mac code page, UTF-8, or
/// IBM 866.
fn whatwg_code_page(number: u16) -> Option<DbfText> {
    let label = match number {
        65001 => "utf-8".to_string(),
        866 => "ibm866".to_string(),
        874 | 1250..=1258 => format!("windows-{number}"),
        932 => "shift_jis".to_string(),
        936 => "gbk".to_string(),
        949 => "euc-kr".to_string(),
        950 => "big5".to_string(),
        10000 => "macintosh".to_string(),
        10007 => "x-mac-cyrillic".to_string(),
        _ => return None,
    };
    encoding_rs::Encoding::for_label(label.as_bytes()).map(DbfText::Whatwg)
}

/// The decoder a `.cpg`'s text names (see [`dbf_encoding`]).
fn encoding_named(name: &str) -> Option<DbfText> {
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
    encoding_rs::Encoding::for_label(label.trim().as_bytes()).map(DbfText::Whatwg)
}

/// A `.dbf` value as JSON, so every format's attributes look alike.
fn value(v: FieldValue, text: DbfText) -> Value {
    let num = |f: f64| {
        if f.fract() == 0.0 && f.abs() < 9e15 {
            Value::from(f as i64)
        } else {
            serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
        }
    };
    match v {
        FieldValue::Character(Some(s)) | FieldValue::Memo(s) => {
            Value::String(text.decode(s).trim().to_string())
        }
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
    let text = dbf_encoding(sibling("cpg").as_deref(), &dbf_bytes)?;
    let mut dbase_reader = dbase::ReaderBuilder::new()
        .with_encoding(text.for_dbase())
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
                props.insert(
                    f.clone(),
                    map.remove(f).map_or(Value::Null, |v| value(v, text)),
                );
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
                crate::write::thousands(features.len() as u64),
                crate::write::thousands(records.len() as u64)
            ),
        ));
    }
    Ok(SourceLayer {
        layer: None,
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

    /// A record's bytes, decoded as dbase decodes them with `text`, then by `text`.
    fn read_as_dbase_would(text: DbfText, bytes: &[u8]) -> String {
        use dbase::encoding::Encoding;
        text.decode(text.for_dbase().decode(bytes).unwrap().into_owned())
    }

    /// Each way covgap reads a `.cpg`'s encoding (GDAL's names, and some only the WHATWG
    /// standard gives), decoding "ô" from that encoding's byte.
    #[test]
    fn cpg_names_gdal_and_the_whatwg_standard_know() {
        let o = |name: &str, byte: u8| {
            let e = encoding_named(name).unwrap_or_else(|| panic!("{name:?} not known"));
            read_as_dbase_would(e, &[b'M', byte, b'n'])
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
        for name in ["857", "CP857", "OEM 857"] {
            assert_eq!(o(name, 0x93), "Môn", "{name}");
        }
        assert_eq!(o("737", 0x93), "M\u{3a5}n");
        assert_eq!(o("8859-15", 0xf4), "Môn");
        let utf8 =
            |name: &str| read_as_dbase_would(encoding_named(name).unwrap(), "Môn".as_bytes());
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
        // A 32-byte header, records from byte 33, holding `record`.
        let dbf = |mark: u8, record: &[u8]| {
            let mut b = vec![0u8; 33];
            b[8] = 33;
            b[29] = mark;
            b.extend_from_slice(record);
            b
        };
        let decode = |mark: u8, record: &[u8]| {
            read_as_dbase_would(dbf_encoding(None, &dbf(mark, record)).unwrap(), record)
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
        // The DOS Greek and Turkish pages, by both of GDAL's marks for each.
        for mark in [0x6a, 0x86] {
            assert_eq!(decode(mark, b"M\x93n"), "M\u{3a5}n");
        }
        for mark in [0x6b, 0x88] {
            assert_eq!(decode(mark, b"M\x93n"), "Môn");
        }
        // Mac Cyrillic, and dbase's Windows Hebrew mark, which GDAL's table lacks.
        assert_eq!(decode(0x96, b"M\x93n"), "M\u{423}n");
        assert_eq!(decode(0x7d, b"M\xe0n"), "M\u{5d0}n");
        // A mark for a page with no decoder (Kamenický), or one no table gives, is as none.
        assert_eq!(decode(0x68, b"M\xf4n"), "Môn");
        assert_eq!(decode(0x05, b"M\xf4n"), "Môn");
        assert_eq!(decode(0x05, "Môn".as_bytes()), "Môn");
        // A file too short for a header is not a panic.
        assert!(dbf_encoding(None, b"x").is_ok());
    }
}
