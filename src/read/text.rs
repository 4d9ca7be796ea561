//! Turning the bytes people actually save into text: UTF-8 with or without a byte-order
//! mark, or Windows-1252 as Excel writes "CSV (Comma delimited)" on a UK machine; gzip
//! unpacked when the file is gzipped.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// The encoding a file turned out to be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Windows1252,
}

/// Decodes bytes: UTF-8 (a leading BOM dropped) when valid, else Windows-1252.
///
/// # Examples
/// ```
/// use covgap::read::text::{decode, Encoding};
/// assert_eq!(decode(b"\xEF\xBB\xBFcode"), ("code".to_string(), Encoding::Utf8Bom));
/// // "Ynys Môn" saved by Excel as Windows-1252.
/// assert_eq!(decode(b"Ynys M\xF4n").0, "Ynys Môn");
/// ```
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        if let Ok(s) = std::str::from_utf8(rest) {
            return (s.to_string(), Encoding::Utf8Bom);
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), Encoding::Utf8),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text.into_owned(), Encoding::Windows1252)
        }
    }
}

/// The error for an input file that holds nothing, as a failed download or export leaves it:
/// "is empty (0 bytes); expected {expected}". `len` counts the bytes of a file that holds only
/// blank space.
pub fn empty_file(path: &Path, len: u64, expected: &str) -> Error {
    Error::Format {
        path: path.to_path_buf(),
        message: format!("is empty ({len} bytes); expected {expected}"),
    }
}

/// Opens an input file read as binary (a Shapefile's parts, a GeoPackage): a file that is not
/// there, or cannot be opened, is an [`Error::Read`]; a file with no bytes at all (a failed
/// download or export) is named as empty.
pub fn open_non_empty(path: &Path, expected: &str) -> Result<std::fs::File> {
    let file = std::fs::File::open(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let len = file
        .metadata()
        .map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?
        .len();
    if len == 0 {
        return Err(crate::read::text::empty_file(path, 0, expected));
    }
    Ok(file)
}

/// Reads a whole file, unpacking gzip when the file starts with the gzip magic bytes.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let raw = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(raw.len() * 4);
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|e| Error::Format {
                path: path.to_path_buf(),
                message: format!("looks gzipped but could not be unpacked: {e}"),
            })?;
        return Ok(out);
    }
    Ok(raw)
}

/// Reads and decodes a text file.
pub fn read_text(path: &Path) -> Result<(String, Encoding)> {
    Ok(decode(&read_bytes(path)?))
}

/// Opens a file for streaming, unpacking gzip when the file starts with the gzip magic bytes.
pub fn open_stream(path: &Path) -> Result<Box<dyn Read + Send>> {
    let mut file = std::fs::File::open(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut magic = [0u8; 2];
    let n = file.read(&mut magic).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let head = std::io::Cursor::new(magic[..n].to_vec());
    let chained = head.chain(file);
    if n == 2 && magic == [0x1f, 0x8b] {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(
            std::io::BufReader::with_capacity(1 << 16, chained),
        )))
    } else {
        Ok(Box::new(chained))
    }
}

/// Rejects UTF-16 text (a file starting with its byte-order mark), as Excel saves "Unicode
/// Text": covgap reads UTF-8 and Windows-1252, and the message says how to save the file so.
///
/// # Examples
/// ```
/// use std::path::Path;
/// use covgap::read::text::check_not_utf16;
/// let e = check_not_utf16(Path::new("births.csv"), b"\xFF\xFEc\0o\0").unwrap_err();
/// assert!(e.to_string().starts_with("births.csv: is UTF-16 text"));
/// assert!(check_not_utf16(Path::new("births.csv"), b"code,births\n").is_ok());
/// // Without a byte-order mark too.
/// assert!(check_not_utf16(Path::new("b.csv"), b"c\0o\0d\0e\0,\0b\0").is_err());
/// ```
pub fn check_not_utf16(path: &Path, bytes: &[u8]) -> Result<()> {
    // Without a byte-order mark, UTF-16 text in the Latin alphabet has a zero in every other
    // byte: at the odd places (little-endian, as Windows writes it) or the even ones.
    let head = &bytes[..bytes.len().min(512) & !1];
    let zeros_at = |first: usize| {
        head.iter()
            .skip(first)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let half = head.len() / 2;
    let unmarked = half >= 4
        && (zeros_at(1) * 10 >= half * 9 && zeros_at(0) == 0
            || zeros_at(0) * 10 >= half * 9 && zeros_at(1) == 0);
    if unmarked || bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::Format {
            path: path.to_path_buf(),
            message: "is UTF-16 text, as Excel saves \"Unicode Text\"; covgap reads UTF-8 or Windows-1252 CSV: save it as \"CSV UTF-8 (Comma delimited)\"".into(),
        });
    }
    Ok(())
}

/// The first `n` bytes of `path` (fewer if it is shorter), for telling its format by its
/// opening bytes; empty when it cannot be read or is not a regular file. A pipe (`<(...)`,
/// `/dev/stdin`) can be read once: looking at its first bytes would take them from the reader
/// that comes after, and a workbook, GeoPackage or zip cannot come through one anyway.
pub fn head_of_file(path: &Path, n: usize) -> Vec<u8> {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return Vec::new();
    }
    let mut head = Vec::with_capacity(n);
    let _ = std::fs::File::open(path).and_then(|f| f.take(n as u64).read_to_end(&mut head));
    head
}

/// What a table that starts as markup is: a web page (`<html>`, `<table>`) or an XML file
/// (`<?xml`, as Excel's "XML Spreadsheet 2003" saves one), which some systems' "Export to
/// Excel" write under an `.xls` name and Excel opens with a warning. `None` for anything else.
///
/// # Examples
/// ```
/// use covgap::read::text::markup_kind;
/// assert_eq!(markup_kind(b"\n<html><body><table>"), Some("a web page (HTML)"));
/// assert!(markup_kind(b"\xEF\xBB\xBF<?xml version=\"1.0\"?>").unwrap().starts_with("an XML file"));
/// assert_eq!(markup_kind(b"code,births\n"), None);
/// ```
pub fn markup_kind(bytes: &[u8]) -> Option<&'static str> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = body.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = body[start..body.len().min(start + 5)].to_ascii_lowercase();
    if head.starts_with(b"<?xml") {
        Some("an XML file (as Excel's \"XML Spreadsheet 2003\" saves one)")
    } else if head.starts_with(b"<") {
        Some("a web page (HTML)")
    } else {
        None
    }
}

/// The error for a table read as CSV that is markup ([`markup_kind`]).
pub fn markup_error(path: &Path, kind: &str) -> Error {
    Error::Format {
        path: path.to_path_buf(),
        message: format!(
            "is {kind}, not CSV or a workbook covgap reads (some systems' \"Export to Excel\" write one under an .xls name); open it in Excel and save it as an Excel workbook (.xlsx) or as CSV"
        ),
    }
}

/// Rejects files that are plainly not text (a spreadsheet or shapefile given as CSV), and a
/// table given as CSV that is a web page or an XML file ([`markup_kind`]).
pub fn check_looks_like_text(path: &Path, bytes: &[u8], what: &str) -> Result<()> {
    if what.contains("CSV") {
        if let Some(kind) = markup_kind(bytes) {
            return Err(markup_error(path, kind));
        }
    }
    if what != "CSV" && check_not_utf16(path, bytes).is_err() {
        // A GeoJSON file saved as UTF-16 (Windows Notepad's "Unicode"): how to save a CSV
        // from Excel does not help.
        return Err(Error::Format {
            path: path.to_path_buf(),
            message: format!(
                "is UTF-16 text; covgap reads a {what} file as UTF-8, as RFC 7946 asks: save it again as UTF-8 (in QGIS, Export > Save Features As writes it so)"
            ),
        });
    }
    check_not_utf16(path, bytes)?;
    let head = &bytes[..bytes.len().min(4096)];
    let hint = if head.starts_with(b"PK\x03\x04") {
        " (it looks like a zip or Excel .xlsx workbook: save the sheet as CSV)"
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        " (it looks like an old Excel .xls workbook: save the sheet as CSV)"
    } else if head.contains(&0) {
        ""
    } else {
        return Ok(());
    };
    Err(Error::Format {
        path: path.to_path_buf(),
        message: format!("is not a text {what} file{hint}"),
    })
}

/// Line numbers of CSV records, counted from where each record starts in the bytes.
///
/// The `csv` crate's own `Position::line` falls behind after a CRLF line end or a blank line
/// (rust-csv issue #395), and Excel on Windows ends lines with CRLF, as ONS tables have blank
/// lines: a message would name the line above the one at fault. It also counts only "\n", so
/// in a file with "\r" line ends (Excel for Mac's "CSV (Macintosh)") every row was line 1. Records are asked for in
/// order, so each count carries on from the last.
///
/// # Examples
/// ```
/// let text = b"code,births\r\n\r\nE1,x\r\nE2,y\r\n";
/// let mut r = csv::ReaderBuilder::new().from_reader(&text[..]);
/// let mut lines = covgap::read::text::Lines::new(text);
/// let found: Vec<u64> = r.records().map(|rec| lines.of(rec.unwrap().position())).collect();
/// assert_eq!(found, [3, 4]);
/// ```
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Lines {
            bytes,
            at: 0,
            line: 1,
        }
    }

    /// The 1-based line on which the record at `pos` starts (0 when there is no position).
    pub fn of(&mut self, pos: Option<&csv::Position>) -> u64 {
        let Some(pos) = pos else { return 0 };
        // A record's offset can point at the line end before it (the "\n" of a CRLF, or
        // blank lines skipped): it starts at its first byte that ends no line.
        let mut start = (pos.byte() as usize).min(self.bytes.len());
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start < self.at {
            (self.at, self.line) = (0, 1);
        }
        // A line ends at "\n", "\r\n", or a lone "\r" (a CSV saved by Excel for Mac as
        // "CSV (Macintosh)").
        let seg = &self.bytes[self.at..start];
        let lone_cr = memchr::memchr_iter(b'\r', seg)
            .filter(|&i| self.bytes.get(self.at + i + 1) != Some(&b'\n'))
            .count();
        self.line += (memchr::memchr_iter(b'\n', seg).count() + lone_cr) as u64;
        self.at = start;
        self.line
    }
}

/// A quote that opens a CSV field and is never closed: where it is, and where the file ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenQuote {
    /// The 1-based line holding the quote.
    pub line: u64,
    /// The 0-based field it opens.
    pub field: usize,
    /// The last line holding anything: every line from `line` to here is one field.
    pub last_line: u64,
}

/// Whether a field read over several lines took in rows of its file: when a line within it
/// below the first splits into at least `fields` parts at commas (`fields` at least 2), it is
/// a row of the file, taken in between a stray quote opening the field and another further
/// down, which [`quote_left_open`] does not see (the quotes pair up). Returns the field's
/// number of lines and the 0-based line within it that reads as a row. A field typed over two
/// lines (a name, a note) has no such line.
///
/// # Examples
/// ```
/// use covgap::read::text::rows_taken_in;
/// let field = "Birmingham clinic,52.4862,-1.8904\nEdinburgh clinic,55.9533,-3.1883\nOxford clinic";
/// assert_eq!(rows_taken_in(field, 3), Some((3, 1)));
/// assert_eq!(rows_taken_in("Oxford Parent\nInfant Project", 3), None);
/// assert_eq!(rows_taken_in("one line, with a comma", 2), None);
/// ```
pub fn rows_taken_in(field: &str, fields: usize) -> Option<(usize, usize)> {
    if !field.contains('\n') {
        return None;
    }
    let fields = fields.max(2);
    field
        .lines()
        .skip(1)
        .position(|l| l.split(',').count() >= fields)
        .map(|k| (field.lines().count(), k + 1))
}

/// The quote left open in CSV text, if any: a `"` that opens a field (as its first byte) with
/// no quote closing it, so that a CSV reader takes every line below it into that one field.
/// A quote inside a field (`O"Neill`) is text, as CSV readers take it, and opens nothing.
/// `first_line` is the line number of the text's first line. Lines end as [`Lines`] counts
/// them.
///
/// # Examples
/// ```
/// use covgap::read::text::{quote_left_open, OpenQuote};
/// let text = b"name,areas\r\n\"Oxford team,E07000178\r\nCherwell team,E07000177\r\n";
/// assert_eq!(
///     quote_left_open(text, 1),
///     Some(OpenQuote { line: 2, field: 0, last_line: 3 })
/// );
/// assert_eq!(quote_left_open(b"name\nO\"Neill team\n\"A \"\"B\"\"\"\n", 1), None);
/// ```
pub fn quote_left_open(bytes: &[u8], first_line: u64) -> Option<OpenQuote> {
    // Most text is even in quotes and holds none left open: only the rest is walked.
    if memchr::memchr_iter(b'"', bytes).count().is_multiple_of(2) {
        return None;
    }
    let mut line = first_line;
    let mut last_line = first_line;
    let mut field = 0;
    let mut at_start = true;
    let mut open: Option<(u64, usize)> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if ends_line {
            line += 1;
        } else if !b.is_ascii_whitespace() {
            last_line = line;
        }
        if open.is_some() {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 2;
                    continue;
                }
                open = None;
            }
            i += 1;
            continue;
        }
        match b {
            b'"' if at_start => open = Some((line, field)),
            b',' => {
                field += 1;
                at_start = true;
                i += 1;
                continue;
            }
            b'\r' | b'\n' => {
                field = 0;
                at_start = true;
                i += 1;
                continue;
            }
            _ => {}
        }
        at_start = false;
        i += 1;
    }
    open.map(|(line, field)| OpenQuote {
        line,
        field,
        last_line,
    })
}
impl OpenQuote {
    /// The error for file `input`, whose columns are `headers` and whose rows are `rows`
    /// (`"teams"`, `"points"`): the line and column of the quote, and the lines it swallows.
    ///
    /// # Examples
    /// ```
    /// use covgap::read::text::OpenQuote;
    /// let q = OpenQuote { line: 2, field: 0, last_line: 4 };
    /// assert_eq!(
    ///     q.error("teams.csv", &["name".to_string(), "areas".to_string()], "teams").to_string(),
    ///     "teams.csv, line 2: a quote (\") opening field 1 (column \"name\") is never closed: the field runs to the end of the file and swallows lines 3 to 4, whose teams would be lost; close the quote or remove it"
    /// );
    /// ```
    pub fn error(&self, input: &str, headers: &[String], rows: &str) -> crate::error::Error {
        crate::error::Error::At {
            input: input.to_string(),
            place: crate::error::Place::Line(self.line),
            message: self.message(headers, rows),
        }
    }

    /// What is wrong, as [`OpenQuote::error`] says it after the file and line.
    fn message(&self, headers: &[String], rows: &str) -> String {
        let column = headers
            .get(self.field)
            .map(|h| format!(" (column {:?})", h.trim()))
            .unwrap_or_default();
        let what = match self.last_line - self.line.min(self.last_line) {
            0 => "takes in the rest of its line, whose columns would be lost".to_string(),
            1 => format!(
                "runs to the end of the file and swallows line {}, whose {rows} would be lost",
                self.last_line
            ),
            _ => format!(
                "runs to the end of the file and swallows lines {} to {}, whose {rows} would be lost",
                self.line + 1,
                self.last_line
            ),
        };
        format!(
            "a quote (\") opening field {}{column} is never closed: the field {what}; close the quote or remove it",
            self.field + 1,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    fn lines_of(text: &[u8]) -> Vec<u64> {
        let mut r = csv::ReaderBuilder::new().from_reader(text);
        let mut lines = Lines::new(text);
        r.records()
            .map(|rec| lines.of(rec.unwrap().position()))
            .collect()
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        assert_eq!(lines_of(b"code,births\rE1,x\r\rE2,y\rE3,z"), [2, 4, 5]);
    }

    #[test]
    fn mixed_line_ends_are_each_one_line() {
        assert_eq!(lines_of(b"code,births\r\nE1,x\nE2,y\rE3,z\r\n"), [2, 3, 4]);
    }
}
