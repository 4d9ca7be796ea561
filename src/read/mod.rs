//! Reading inputs: boundaries (GeoJSON), figures and teams (CSV), postcode look-ups.
//!
//! Every reader takes an [`Input`], which is either a user's file or one of the files built
//! into the binary, so the built-in dataset goes through exactly the same code as a user's.

pub mod boundaries;
pub mod columns;
pub mod deprivation;
pub mod figures;
pub mod geopackage;
pub mod names;
pub mod points;
pub mod postcodes;
pub mod shapefile;
pub mod successors;
pub mod teams;
pub mod text;

use std::path::{Path, PathBuf};

use crate::error::Result;

/// Where an input comes from.
#[derive(Debug, Clone)]
pub enum Input {
    /// A file built into covgap (see `data/SOURCES.md`).
    BuiltIn {
        /// Short name used in messages, e.g. `built-in teams (data/teams.csv)`.
        label: &'static str,
        text: &'static str,
    },
    /// A user's file.
    File(PathBuf),
}

impl Input {
    /// The name used for this input in messages and reports.
    pub fn label(&self) -> String {
        match self {
            Input::BuiltIn { label, .. } => label.to_string(),
            Input::File(p) => p.display().to_string(),
        }
    }

    /// The path named in errors (the label for built-in inputs).
    pub fn path_for_errors(&self) -> PathBuf {
        match self {
            Input::BuiltIn { label, .. } => PathBuf::from(label),
            Input::File(p) => p.clone(),
        }
    }

    /// The text of a built-in table, which the binary holds (`None` for a file).
    pub fn built_in_text(&self) -> Option<&'static str> {
        match self {
            Input::BuiltIn { text, .. } => Some(*text),
            Input::File(_) => None,
        }
    }

    pub fn path(&self) -> Option<&Path> {
        match self {
            Input::BuiltIn { .. } => None,
            Input::File(p) => Some(p),
        }
    }

    /// The whole input as text (decoded from UTF-8 or Windows-1252, gzip unpacked).
    pub fn text(&self, what: &str) -> Result<String> {
        match self {
            Input::BuiltIn { text, .. } => Ok(text.to_string()),
            Input::File(p) => {
                let bytes = text::read_bytes(p)?;
                // An empty file (a failed download or export) would otherwise be reported
                // as a header with no columns, or as JSON that ends at once. Excel's "CSV
                // UTF-8" saves an empty sheet as its byte-order mark alone.
                let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
                if body.iter().all(u8::is_ascii_whitespace) {
                    return Err(text::empty_file(
                        p,
                        bytes.len() as u64,
                        &format!("a {what} file"),
                    ));
                }
                text::check_looks_like_text(p, &bytes, what)?;
                Ok(text::decode(&bytes).0)
            }
        }
    }
}

/// Whether `raw` may be a whole number written with points between thousands, as much of
/// Europe writes them: `1.000`, `7.084`, `1.234.567` (one thousand, seven thousand and
/// eighty-four, ...), which would otherwise be read as 1 and 7.084 (or not at all). That is: one
/// to three digits (not a lone 0), then groups of a point and three digits. The figures reader
/// asks only when no other figure in the column shows its points to be decimal points
/// (`1234.000`, `974.5`, `12.25`).
///
/// # Examples
/// ```
/// use covgap::read::point_may_separate_thousands;
/// assert!(point_may_separate_thousands("1.000"));
/// assert!(point_may_separate_thousands(" 15.000 "));
/// assert!(point_may_separate_thousands("7.084"));
/// assert!(point_may_separate_thousands("1.234.567"));
/// assert!(!point_may_separate_thousands("974.0"));
/// assert!(!point_may_separate_thousands("7.08"));
/// assert!(!point_may_separate_thousands("1000.000"));
/// assert!(!point_may_separate_thousands("1000"));
/// assert!(!point_may_separate_thousands("0.000"));
/// assert!(!point_may_separate_thousands("1.234.56"));
/// ```
pub fn point_may_separate_thousands(raw: &str) -> bool {
    let t = raw.trim_matches(|c: char| c.is_whitespace() || c == '"');
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mut parts = t.split('.');
    let whole = parts.next().unwrap_or("");
    let mut groups = parts.peekable();
    (1..=3).contains(&whole.len())
        && whole != "0"
        && digits(whole)
        && groups.peek().is_some()
        && groups.all(|g| g.len() == 3 && digits(g))
}

/// The two readings of a figure [`point_may_separate_thousands`] holds ambiguous, for
/// messages: with a decimal point (`1.000` is 1, `7.084` is 7.084) and with points between
/// thousands (1,000 and 7,084). The first is `None` when there is more than one point.
pub fn thousands_readings(raw: &str) -> (Option<String>, String) {
    let t = raw.trim_matches(|c: char| c.is_whitespace() || c == '"');
    let decimal = match t.split_once('.') {
        Some((whole, frac)) if !frac.contains('.') => Some(if frac.bytes().all(|b| b == b'0') {
            whole.to_string()
        } else {
            t.to_string()
        }),
        _ => None,
    };
    let whole: u64 = t.replace('.', "").parse().unwrap_or(0);
    (decimal, crate::write::thousands(whole))
}

/// What to add to a "not a number" message for `texts` that hold a comma: a comma separates
/// thousands only, so a decimal comma is the likely slip. Empty otherwise.
pub fn decimal_comma_hint(texts: &[&str]) -> &'static str {
    if texts.iter().any(|t| t.contains(',')) {
        " (a comma is read only as a thousands separator, as in 15,208; write decimals with a point)"
    } else {
        ""
    }
}

/// Whether a WGS84 longitude and latitude (degrees) lie in the box covgap takes for the UK,
/// latitude 49 to 61.5 and longitude -9 to 2.5: where a team's base, a candidate site or a
/// point given by latitude and longitude must be.
///
/// # Examples
/// ```
/// use covgap::read::in_uk;
/// assert!(in_uk(-1.8904, 52.4862)); // Birmingham
/// assert!(!in_uk(2.3522, 48.8566)); // Paris
/// assert!(!in_uk(52.4862, -1.8904)); // Birmingham, latitude and longitude swapped
/// ```
pub fn in_uk(lon: f64, lat: f64) -> bool {
    (49.0..=61.5).contains(&lat) && (-9.0..=2.5).contains(&lon)
}

/// Whether a latitude and longitude outside the UK would be in it the other way round:
/// only then are they likely to have been swapped.
///
/// # Examples
/// ```
/// use covgap::read::swapped_in_uk;
/// assert!(swapped_in_uk(-1.8904, 52.4862)); // Birmingham, swapped
/// assert!(!swapped_in_uk(48.8566, 2.3522)); // Paris: in the UK neither way
/// ```
pub fn swapped_in_uk(lat: f64, lon: f64) -> bool {
    !in_uk(lon, lat) && in_uk(lat, lon)
}

/// What is wrong with a latitude and longitude outside the UK, in words: a swap is suggested
/// only when swapping them would put the place in the UK; otherwise the place is given in
/// degrees north or south and east or west, beside the UK's extent.
///
/// # Examples
/// ```
/// use covgap::read::not_in_uk;
/// assert_eq!(
///     not_in_uk(48.8566, 2.3522),
///     "latitude 48.8566, longitude 2.3522 (48.8566°N 2.3522°E) is not in the UK (latitude 49 to 61.5, longitude -9 to 2.5)"
/// );
/// assert_eq!(
///     not_in_uk(-1.8904, 52.4862),
///     "latitude -1.8904, longitude 52.4862 is not in the UK, but would be the other way round: are latitude and longitude swapped?"
/// );
/// ```
pub fn not_in_uk(lat: f64, lon: f64) -> String {
    if swapped_in_uk(lat, lon) {
        return format!(
            "latitude {lat}, longitude {lon} is not in the UK, but would be the other way round: are latitude and longitude swapped?"
        );
    }
    let ns = if lat < 0.0 { 'S' } else { 'N' };
    let ew = if lon < 0.0 { 'W' } else { 'E' };
    format!(
        "latitude {lat}, longitude {lon} ({}°{ns} {}°{ew}) is not in the UK (latitude 49 to 61.5, longitude -9 to 2.5)",
        lat.abs(),
        lon.abs()
    )
}

/// Parses a number as people write it in tables: `15,208`, ` 974 `, `1 234`.
/// Returns `None` when the text is not a number.
///
/// A separator (`,`, a space, `_` or `'`) is read only as a thousands separator: between
/// groups of three digits in the whole part. So `51,7` and `12,5`, decimal commas as much of
/// Europe writes them, are not numbers, rather than being read as 517 and 125.
///
/// # Examples
/// ```
/// use covgap::read::parse_number;
/// assert_eq!(parse_number("15,208"), Some(15208.0));
/// assert_eq!(parse_number("\u{a0}974 "), Some(974.0));
/// assert_eq!(parse_number("1 234 567.5"), Some(1234567.5));
/// assert_eq!(parse_number("-1.25"), Some(-1.25));
/// assert_eq!(parse_number("x"), None);
/// assert_eq!(parse_number("51,7"), None);
/// assert_eq!(parse_number("1,23,456"), None);
/// assert_eq!(parse_number("1.234,5"), None);
/// assert_eq!(parse_number(",5"), None);
/// assert_eq!(parse_number("2021,"), None);
/// assert_eq!(parse_number("'974"), None);
/// ```
pub fn parse_number(s: &str) -> Option<f64> {
    let is_sep = |c: char| matches!(c, ',' | ' ' | '\u{a0}' | '\u{202f}' | '_' | '\'');
    // Spaces and quotes around a number are dropped; a comma, `_` or `'` at its edge is not a
    // thousands separator, so `,5` and `2021,` are not numbers.
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '"');
    if t.is_empty() || t.starts_with([',', '_', '\'']) || t.ends_with([',', '_', '\'']) {
        return None;
    }
    let cleaned: String = if t.contains(is_sep) {
        // Separators only in the whole part, which must read d{1,3}(sep ddd)+.
        let unsigned = t.trim_start_matches(['-', '+']);
        let whole_end = unsigned.find(['.', 'e', 'E']).unwrap_or(unsigned.len());
        let (whole, rest) = unsigned.split_at(whole_end);
        let mut groups = whole.split(is_sep);
        let first_ok = groups
            .next()
            .is_some_and(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()));
        let rest_ok = groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
        if !first_ok || !rest_ok || rest.contains(is_sep) {
            return None;
        }
        t.chars().filter(|&c| !is_sep(c)).collect()
    } else {
        t.to_string()
    };
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}
