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

/// Rejects files that are plainly not text (a spreadsheet or shapefile given as CSV).
pub fn check_looks_like_text(path: &Path, bytes: &[u8], what: &str) -> Result<()> {
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
