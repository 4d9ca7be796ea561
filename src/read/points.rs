//! Reading points to assign: a CSV with latitude/longitude, easting/northing (British
//! National Grid, or the grid a column gives for the row) or a postcode per row, streamed in record-aligned chunks so that a file of
//! millions of rows is never held in memory.

use std::io::Read;

use crate::crs::Crs;
use crate::error::{Error, Result};
use crate::read::columns;
use crate::read::teams::{classify_postcode, grid_of, BaseGiven, GRID};
use crate::read::{in_uk, swapped_in_uk};

/// Columns named by the user; the rest are found by header.
#[derive(Debug, Clone, Default)]
pub struct PointColumns {
    pub latitude: Option<String>,
    pub longitude: Option<String>,
    pub easting: Option<String>,
    pub northing: Option<String>,
    /// The grid each row's easting and northing are on ([`GRID`]).
    pub grid: Option<String>,
    pub postcode: Option<String>,
}

const LAT: &[&str] = &["latitude", "lat", "y_wgs84"];
const LON: &[&str] = &["longitude", "lon", "long", "lng", "x_wgs84"];
const EASTING: &[&str] = &["easting", "eastings", "oseast1m", "x_bng", "east"];
const NORTHING: &[&str] = &["northing", "northings", "osnrth1m", "y_bng", "north"];
const POSTCODE: &[&str] = &["postcode", "pcds", "pcd", "pcd7", "pcd8", "post code"];

/// Which columns locate a point. Each row is read by the first form that it fills in:
/// latitude/longitude, then easting/northing, then postcode.
#[derive(Debug, Clone, PartialEq)]
pub struct PointLayout {
    pub headers: Vec<String>,
    pub lonlat: Option<(usize, usize)>,
    pub easting_northing: Option<(usize, usize)>,
    pub grid: Option<usize>,
    pub postcode: Option<usize>,
}

/// Where one row says its point is.
#[derive(Debug, Clone, PartialEq)]
pub enum PointGiven {
    LonLat(f64, f64),
    /// Easting and northing as given, on the grid the row states (British National Grid when
    /// it states none; the UK postcode file gives 29903, the Irish Grid, for Northern Ireland).
    EastingNorthing(f64, f64, Crs),
    Postcode(BaseGiven),
    /// Nothing usable; the reason, for the report.
    Missing(&'static str),
    /// A row whose grid covgap does not know (the message says which and what it knows): an
    /// error for the file, not a row left unplaced, since every such row would be.
    Refused(String),
}

impl PointLayout {
    /// Finds the columns from the header row.
    ///
    /// # Examples
    /// ```
    /// use covgap::read::points::{PointColumns, PointLayout};
    /// let h = ["id", "Latitude", "Longitude"].map(String::from).to_vec();
    /// let l = PointLayout::find(h, &PointColumns::default(), "points.csv".as_ref()).unwrap();
    /// assert_eq!(l.lonlat, Some((2, 1)));
    /// ```
    pub fn find(
        headers: Vec<String>,
        cols: &PointColumns,
        path: &std::path::Path,
    ) -> Result<PointLayout> {
        let err = |m: String| Error::Format {
            path: path.to_path_buf(),
            message: m,
        };
        // A file saved with semicolons: one column, which no flag can name.
        if let Some(name) = columns::other_separator(&headers) {
            return Err(err(format!(
                "its header is one field holding {name}: {}",
                columns::resave_with_commas(name)
            )));
        }
        // Columns that place a row must be found once: of two latitude or grid columns, the
        // one not read might be the one meant. Of two postcode columns (the directory's `pcd`
        // and `pcds`, the same postcode spaced two ways) the first is read.
        let pick = |given: &Option<String>,
                    names: &[&str],
                    flag: &str,
                    what: Option<&str>|
         -> Result<Option<usize>> {
            match given {
                Some(g) => columns::find_named(&headers, g).map(Some).ok_or_else(|| {
                    err(format!(
                        "{flag} {g:?} is not a column; the header has {}",
                        columns::list(&headers)
                    ))
                }),
                None => match what {
                    None => Ok(columns::find(&headers, names)),
                    Some(what) => columns::find_one(&headers, names)
                        .map_err(|two| err(columns::two_found(&headers, two, what, flag))),
                },
            }
        };
        let lat = pick(&cols.latitude, LAT, "--lat-column", Some("latitude"))?;
        let lon = pick(&cols.longitude, LON, "--lon-column", Some("longitude"))?;
        let e = pick(&cols.easting, EASTING, "--easting-column", Some("easting"))?;
        let n = pick(
            &cols.northing,
            NORTHING,
            "--northing-column",
            Some("northing"),
        )?;
        let pc = pick(&cols.postcode, POSTCODE, "--postcode-column", None)?;
        let grid = pick(&cols.grid, GRID, "--grid-column", Some("grid"))?;
        let layout = PointLayout {
            lonlat: lon.zip(lat),
            easting_northing: e.zip(n),
            grid,
            postcode: pc,
            headers,
        };
        if layout.lonlat.is_none() && layout.easting_northing.is_none() && pc.is_none() {
            let xy = columns::xy_hint(
                &layout.headers,
                [
                    "--lon-column",
                    "--lat-column",
                    "--easting-column",
                    "--northing-column",
                ],
            );
            return Err(err(match xy {
                Some(hint) => format!(
                    "has no latitude/longitude, easting/northing or postcode columns; {hint}"
                ),
                None => format!(
                    "has no latitude/longitude, easting/northing or postcode columns; the header has {}; name them with --lat-column/--lon-column, --easting-column/--northing-column or --postcode-column",
                    columns::list(&layout.headers)
                ),
            }));
        }
        Ok(layout)
    }

    /// Whether a row heads a list of points: it names latitude and longitude, easting and
    /// northing, or a postcode column (by the flags, or by header), whether or not two columns
    /// answer to one of them, an error [`PointLayout::find`] then names. A workbook's header
    /// row is found so, and its error is the one the sheet saved as CSV gives.
    ///
    /// # Examples
    /// ```
    /// use covgap::read::points::{PointColumns, PointLayout};
    /// let h = ["id", "latitude", "longitude", "lat"].map(String::from).to_vec();
    /// assert!(PointLayout::heads(&h, &PointColumns::default()));
    /// let title = ["Clients referred, 2025"].map(String::from).to_vec();
    /// assert!(!PointLayout::heads(&title, &PointColumns::default()));
    /// ```
    pub fn heads(headers: &[String], cols: &PointColumns) -> bool {
        let has = |given: &Option<String>, names: &[&str]| match given {
            Some(g) => columns::find_named(headers, g).is_some(),
            None => columns::find(headers, names).is_some(),
        };
        (has(&cols.latitude, LAT) && has(&cols.longitude, LON))
            || (has(&cols.easting, EASTING) && has(&cols.northing, NORTHING))
            || has(&cols.postcode, POSTCODE)
    }

    /// Reads the point one record gives.
    pub fn point(&self, rec: &csv::ByteRecord) -> PointGiven {
        let num = |i: usize| {
            rec.get(i)
                .and_then(|b| std::str::from_utf8(b).ok())
                .and_then(|s| s.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite())
        };
        // A cell with something in it that is not a number is a bad coordinate, not a gap.
        let filled = |i: usize| rec.get(i).is_some_and(|b| !b.trim_ascii().is_empty());
        let mut why = "no coordinates or postcode";
        if let Some((lo, la)) = self.lonlat {
            match (num(lo), num(la)) {
                (Some(x), Some(y)) if in_uk(x, y) => return PointGiven::LonLat(x, y),
                (Some(x), Some(y)) if swapped_in_uk(y, x) => {
                    why = "latitude/longitude not in the UK (swapped?)"
                }
                (Some(_), Some(_)) => why = "latitude/longitude not in the UK",
                _ if filled(lo) || filled(la) => why = "latitude/longitude not both numbers",
                _ => {}
            }
        }
        if let Some((ei, ni)) = self.easting_northing {
            match (num(ei), num(ni)) {
                (Some(x), Some(y)) => {
                    let grid = match self.grid_of(rec) {
                        Ok(g) => g,
                        Err(refused) => return PointGiven::Refused(refused),
                    };
                    // Figures on Northern Ireland's grids are projected, and their extent
                    // checked on British National Grid, when the row is located.
                    let ((x0, x1), (y0, y1)) = Crs::GRID_RANGE;
                    if grid == Crs::BritishNationalGrid {
                        if Crs::in_bng_uk_extent(geo::Coord { x, y }) {
                            return PointGiven::EastingNorthing(x, y, grid);
                        }
                        why = "easting/northing outside British National Grid's UK extent";
                    } else if (x0..=x1).contains(&x) && (y0..=y1).contains(&y) {
                        return PointGiven::EastingNorthing(x, y, grid);
                    } else {
                        why = "easting/northing outside the range of Northern Ireland's grids";
                    }
                }
                _ if filled(ei) || filled(ni) => why = "easting/northing not both numbers",
                _ => {}
            }
        }
        if let Some(pi) = self.postcode {
            let text = rec
                .get(pi)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or("");
            if !text.trim().is_empty() {
                return match classify_postcode(text) {
                    Some(b) => PointGiven::Postcode(b),
                    None => PointGiven::Missing("not a UK postcode"),
                };
            }
        }
        PointGiven::Missing(why)
    }

    /// The easting and northing a record gives besides the latitude and longitude it is placed
    /// by, on the grid it states: `None` when the file has no such columns, or the row's are
    /// not both numbers or its grid is not known (the row is placed by its latitude and
    /// longitude without a word, as before). For checking that the two agree.
    pub fn easting_northing_too(&self, rec: &csv::ByteRecord) -> Option<(f64, f64, Crs)> {
        let (ei, ni) = self.easting_northing?;
        let num = |i: usize| {
            rec.get(i)
                .and_then(|b| std::str::from_utf8(b).ok())
                .and_then(|s| s.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite())
        };
        let (e, n) = (num(ei)?, num(ni)?);
        Some((e, n, self.grid_of(rec).ok()?))
    }

    /// The grid a record's easting and northing are on: British National Grid without a grid
    /// column or with the cell blank or 27700 (read without decoding, as nearly every row of
    /// the UK postcode file is), else as [`grid_of`] reads it.
    fn grid_of(&self, rec: &csv::ByteRecord) -> std::result::Result<Crs, String> {
        let Some(g) = self.grid else {
            return Ok(Crs::BritishNationalGrid);
        };
        let cell = rec.get(g).unwrap_or(b"").trim_ascii();
        if cell.is_empty() || cell == b"27700" {
            return Ok(Crs::BritishNationalGrid);
        }
        grid_of(&String::from_utf8_lossy(cell), self.headers[g].trim())
    }
}

/// A run of whole records from the input, and the line its first record starts on.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub first_line: u64,
    pub bytes: Vec<u8>,
}

/// Splits a CSV stream into chunks of about `size` bytes that end on a record boundary
/// (a newline outside quotes), so each can be parsed on its own thread.
pub struct Chunker<R> {
    inner: R,
    size: usize,
    carry: Vec<u8>,
    next_line: u64,
    done: bool,
    /// Bytes read from `inner` so far (for progress).
    pub bytes_read: u64,
}

impl<R: Read> Chunker<R> {
    /// `first_line` is the line number of the first record the stream holds.
    pub fn new(inner: R, size: usize, first_line: u64) -> Self {
        Chunker {
            inner,
            size: size.max(1024),
            carry: Vec::new(),
            next_line: first_line,
            done: false,
            bytes_read: 0,
        }
    }

    /// The next chunk, or `None` at the end of the stream.
    pub fn next_chunk(&mut self) -> std::io::Result<Option<Chunk>> {
        let mut buf = std::mem::take(&mut self.carry);
        if !self.done && buf.len() < self.size {
            // `take` + `read_to_end` grows the buffer without zero-filling it first.
            let want = (self.size - buf.len()) as u64;
            buf.reserve(want as usize);
            let n = (&mut self.inner).take(want).read_to_end(&mut buf)? as u64;
            self.bytes_read += n;
            if n < want {
                self.done = true;
            }
        }
        if buf.is_empty() {
            return Ok(None);
        }
        let cut = if self.done {
            buf.len()
        } else {
            match last_record_end(&buf) {
                Some(c) => c,
                // One record longer than the chunk: read on until it ends.
                None => {
                    self.carry = buf;
                    self.size *= 2;
                    return self.next_chunk();
                }
            }
        };
        self.carry = buf.split_off(cut);
        let lines = memchr::memchr_iter(b'\n', &buf).count() as u64;
        let chunk = Chunk {
            first_line: self.next_line,
            bytes: buf,
        };
        self.next_line += lines;
        Ok(Some(chunk))
    }
}

/// Position just after the last newline that is outside quotes. The chunk always starts
/// outside quotes, because every earlier cut was made outside them.
fn last_record_end(buf: &[u8]) -> Option<usize> {
    let mut in_quotes = false;
    let mut last = None;
    for i in memchr::memchr2_iter(b'"', b'\n', buf) {
        if buf[i] == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes {
            last = Some(i + 1);
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(text: &str, size: usize) -> Vec<Chunk> {
        let mut c = Chunker::new(text.as_bytes(), size, 2);
        let mut out = Vec::new();
        while let Some(ch) = c.next_chunk().unwrap() {
            out.push(ch);
        }
        out
    }

    #[test]
    fn chunks_end_on_records_even_with_quoted_newlines() {
        let mut text = String::new();
        for i in 0..500 {
            text.push_str(&format!("{i},\"a\nb, \"\"c\"\"\",x\n"));
        }
        let cs = chunks(&text, 1024);
        assert!(cs.len() > 3);
        let joined: Vec<u8> = cs.iter().flat_map(|c| c.bytes.clone()).collect();
        assert_eq!(joined, text.as_bytes());
        for c in &cs {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(&c.bytes[..]);
            for rec in r.records() {
                assert_eq!(rec.unwrap().len(), 3);
            }
        }
        // Line numbers carry on from chunk to chunk.
        let newlines = cs[0].bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        assert_eq!(cs[1].first_line, 2 + newlines);
    }

    #[test]
    fn reads_each_form() {
        let h = ["pc", "lat", "lon", "e", "n", "grid_epsg"]
            .map(String::from)
            .to_vec();
        let cols = PointColumns {
            postcode: Some("pc".into()),
            easting: Some("e".into()),
            northing: Some("n".into()),
            ..Default::default()
        };
        let l = PointLayout::find(h, &cols, "p.csv".as_ref()).unwrap();
        let rec = |s: &[&str]| csv::ByteRecord::from(s.to_vec());
        assert_eq!(
            l.point(&rec(&["", "51.5", "-0.1", "", "", ""])),
            PointGiven::LonLat(-0.1, 51.5)
        );
        assert_eq!(
            l.point(&rec(&["", "", "", "530000", "180000", "27700"])),
            PointGiven::EastingNorthing(530000.0, 180000.0, Crs::BritishNationalGrid)
        );
        // Irish Grid easting/northing are read on the Irish Grid, not left for the postcode
        // (as they were when only British National Grid was read).
        assert_eq!(
            l.point(&rec(&["bt11aa", "", "", "334316", "374675", "29903"])),
            PointGiven::EastingNorthing(334316.0, 374675.0, Crs::IrishGrid)
        );
        assert_eq!(
            l.point(&rec(&["", "", "", "733754", "873983", "ITM"])),
            PointGiven::EastingNorthing(733754.0, 873983.0, Crs::IrishTransverseMercator)
        );
        // A grid covgap does not know refuses the file, naming the column and the value.
        assert!(matches!(
            l.point(&rec(&["bt11aa", "", "", "334316", "374675", "3857"])),
            PointGiven::Refused(m) if m.starts_with("column \"grid_epsg\": \"3857\" is not a grid")
        ));
        // The grid column speaks only for the easting and northing.
        assert_eq!(
            l.point(&rec(&["", "51.5", "-0.1", "", "", "3857"])),
            PointGiven::LonLat(-0.1, 51.5)
        );
        assert!(matches!(
            l.point(&rec(&["", "", "", "", "", ""])),
            PointGiven::Missing(_)
        ));
        // Words or half a pair where numbers belong are bad coordinates, not missing ones.
        assert_eq!(
            l.point(&rec(&["", "fifty two", "-1.9", "", "", ""])),
            PointGiven::Missing("latitude/longitude not both numbers")
        );
        assert_eq!(
            l.point(&rec(&["", "", "", "530000", "", ""])),
            PointGiven::Missing("easting/northing not both numbers")
        );
    }
}
