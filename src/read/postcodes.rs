//! Postcode look-ups: full postcodes in the ONS Postcode Directory (plain or gzipped CSV),
//! and postcode district centroids for partial postcodes.

use std::collections::{HashMap, HashSet};

use crate::error::{Error, Place, Result};
use crate::read::columns;
use crate::read::text::open_stream;
use crate::read::{parse_number, Input};

/// Folds a postcode for matching: upper case, no spaces.
pub fn postcode_key(pc: &str) -> String {
    pc.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

/// WGS84 longitude/latitude per postcode district (outward code).
#[derive(Debug, Clone, Default)]
pub struct Outcodes {
    pub centroids: HashMap<String, (f64, f64)>,
}

impl Outcodes {
    /// Reads `outcode,latitude,longitude` rows.
    pub fn read(input: &Input) -> Result<Outcodes> {
        let text = input.text("CSV")?;
        let err = |m: String| Error::Format {
            path: input.path_for_errors(),
            message: m,
        };
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let headers: Vec<String> = r
            .headers()
            .map_err(|e| err(e.to_string()))?
            .iter()
            .map(String::from)
            .collect();
        let (Some(oi), Some(lati), Some(loni)) = (
            columns::find(&headers, &["outcode", "postcode district", "postcode"]),
            columns::find(&headers, &["latitude", "lat"]),
            columns::find(&headers, &["longitude", "long", "lon"]),
        ) else {
            return Err(err(format!(
                "expected outcode, latitude and longitude columns; found {}",
                columns::list(&headers)
            )));
        };
        let mut centroids = HashMap::new();
        for rec in r.records() {
            let rec = rec.map_err(|e| err(e.to_string()))?;
            let (Some(lat), Some(lon)) = (parse_number(&rec[lati]), parse_number(&rec[loni]))
            else {
                continue;
            };
            centroids.insert(postcode_key(&rec[oi]), (lon, lat));
        }
        Ok(Outcodes { centroids })
    }

    pub fn get(&self, outcode: &str) -> Option<(f64, f64)> {
        self.centroids.get(&postcode_key(outcode)).copied()
    }
}

/// What the postcode directory says of the postcodes looked up.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// WGS84 longitude/latitude of each postcode with a grid reference (by [`postcode_key`]).
    pub located: HashMap<String, (f64, f64)>,
    /// Postcodes the directory lists with no grid reference (ONSPD's latitude 99.999999, or
    /// none): a few new, non-geographic and Channel Islands ones.
    pub unlocated: HashSet<String>,
    /// Postcodes no longer in use, with the month ONS gives for their end (`doterm`,
    /// `200112`): the directory keeps them with their last location.
    pub terminated: HashMap<String, String>,
}

/// Looks up the `wanted` postcodes in an ONS Postcode Directory CSV, streaming the file so
/// that the 2.7 million rows never sit in memory. Columns are found by header:
/// `pcds`/`pcd`/`pcd7`/`postcode`, `lat`/`latitude`, `long`/`longitude`, and `doterm` (when
/// there is one) for the date a postcode was terminated.
pub fn lookup_postcodes(path: &std::path::Path, wanted: &HashSet<String>) -> Result<Found> {
    let err = |m: String| Error::Format {
        path: path.to_path_buf(),
        message: m,
    };
    let (
        mut r,
        DirectoryColumns {
            pi,
            lati,
            loni,
            termi,
        },
    ) = open_directory(path)?;
    let mut found = Found::default();
    let mut rec = csv::ByteRecord::new();
    while r
        .read_byte_record(&mut rec)
        .map_err(|e| err(format!("is not readable as CSV: {e}")))?
    {
        let Some(pc) = rec.get(pi) else { continue };
        let key: String = pc
            .iter()
            .filter(|b| !b.is_ascii_whitespace())
            .map(|b| b.to_ascii_uppercase() as char)
            .collect();
        if !wanted.contains(&key) {
            continue;
        }
        let text = |i: usize| rec.get(i).and_then(|b| std::str::from_utf8(b).ok());
        let num = |i: usize| text(i).and_then(parse_number);
        if let Some(end) = termi
            .and_then(text)
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            found.terminated.insert(key.clone(), end.to_string());
        }
        // A cell that is neither a number nor blank is damage (a hand edit, a file cut and
        // joined), not a postcode without a grid reference, which the team would be said to be.
        if let Some((what, cell)) = [("latitude", lati), ("longitude", loni)]
            .into_iter()
            .find_map(|(what, i)| {
                let cell = text(i).map_or("", str::trim);
                (!cell.is_empty() && parse_number(cell).is_none()).then_some((what, cell))
            })
        {
            return Err(Error::At {
                input: path.display().to_string(),
                place: Place::Line(rec.position().map_or(0, |p| p.line())),
                message: format!(
                    "{}: the {what} {cell:?} is not a number; is the directory damaged? Download it again from ONS",
                    String::from_utf8_lossy(pc).trim()
                ),
            });
        }
        match (num(lati), num(loni)) {
            // ONSPD marks postcodes with no grid reference with latitude 99.999999.
            (Some(lat), Some(lon)) if lat.abs() <= 90.0 => {
                found.located.insert(key, (lon, lat));
            }
            _ => {
                found.unlocated.insert(key);
            }
        }
        if found.located.len() + found.unlocated.len() == wanted.len() {
            break;
        }
    }
    Ok(found)
}

/// The columns of a postcode directory [`lookup_postcodes`] reads: the postcode, latitude and
/// longitude, and the date a postcode was terminated when there is one.
struct DirectoryColumns {
    pi: usize,
    lati: usize,
    loni: usize,
    termi: Option<usize>,
}

/// Opens a postcode directory (plain or gzipped) and finds its columns by header, or says why
/// it cannot: the file unreadable (missing, a folder, not permitted), not CSV, or without a
/// postcode column and latitude and longitude columns.
fn open_directory(
    path: &std::path::Path,
) -> Result<(csv::Reader<Box<dyn std::io::Read + Send>>, DirectoryColumns)> {
    let err = |m: String| Error::Format {
        path: path.to_path_buf(),
        message: m,
    };
    // ONS publishes the directory as a zip of CSV files, and a list of postcodes may be kept
    // in Excel: either read as CSV was "invalid utf-8 ... byte: 0".
    let head = crate::read::text::head_of_file(path, 4);
    if head == *b"PK\x03\x04" || head == [0xD0, 0xCF, 0x11, 0xE0] {
        return Err(err(
            "is a zip file or an Excel workbook, not CSV: covgap reads the postcode directory as CSV (plain or gzipped); give the CSV in ONS's zip (under Data/), or save the sheet as CSV"
                .to_string(),
        ));
    }
    let stream = open_stream(path)?;
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(stream);
    let headers: Vec<String> = r
        .headers()
        .map_err(|e| match e.kind() {
            // A folder opens, then fails to read: said as the file that cannot be read.
            csv::ErrorKind::Io(io) => Error::Read {
                path: path.to_path_buf(),
                source: std::io::Error::new(io.kind(), io.to_string()),
            },
            _ => err(format!("is not readable as a postcode directory CSV: {e}")),
        })?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let (Some(pi), Some(lati), Some(loni)) = (
        columns::find(&headers, &["pcds", "pcd", "pcd7", "pcd8", "postcode"]),
        columns::find(&headers, &["lat", "latitude"]),
        columns::find(&headers, &["long", "longitude", "lon"]),
    ) else {
        return Err(err(format!(
            "is not an ONS Postcode Directory: expected a postcode column (pcds, pcd or postcode) and lat/long columns; found {}",
            columns::list(&headers)
        )));
    };
    let termi = columns::find(&headers, &["doterm"]);
    Ok((
        r,
        DirectoryColumns {
            pi,
            lati,
            loni,
            termi,
        },
    ))
}

/// Checks that `path` is a postcode directory [`lookup_postcodes`] can read, reading its header
/// and no more: a team list with no full postcode looks nothing up in it, and a wrong or
/// missing file should still be told, by `check` as by `run`.
///
/// # Examples
/// ```
/// let e = covgap::read::postcodes::check_postcode_directory("no/such/onspd.csv".as_ref());
/// assert!(e.unwrap_err().to_string().starts_with("no/such/onspd.csv: cannot read file"));
/// ```
pub fn check_postcode_directory(path: &std::path::Path) -> Result<()> {
    open_directory(path).map(|_| ())
}

/// "December 2001" for ONSPD's `200112`; the text as given otherwise.
pub fn month_words(yyyymm: &str) -> String {
    let month = yyyymm
        .get(4..)
        .and_then(|m| m.parse::<usize>().ok())
        .and_then(crate::write::month_name);
    match (yyyymm.get(..4), month) {
        (Some(y), Some(m)) if yyyymm.len() == 6 => format!("{m} {y}"),
        _ => yyyymm.to_string(),
    }
}
