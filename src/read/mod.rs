//! Reading inputs: boundaries (GeoJSON), figures and teams (CSV), postcode look-ups.
//!
//! Every reader takes an [`Input`], which is either a user's file or one of the files built
//! into the binary, so the built-in dataset goes through exactly the same code as a user's.

pub mod boundaries;
pub mod columns;
pub mod deprivation;
pub mod figures;
pub mod geopackage;
pub mod points;
pub mod postcodes;
pub mod shapefile;
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
                // as a header with no columns, or as JSON that ends at once.
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    return Err(crate::error::Error::Format {
                        path: p.clone(),
                        message: format!(
                            "is empty ({} bytes); expected a {what} file",
                            bytes.len()
                        ),
                    });
                }
                text::check_looks_like_text(p, &bytes, what)?;
                Ok(text::decode(&bytes).0)
            }
        }
    }
}

/// Parses a number as people write it in tables: `15,208`, ` 974 `, `1 234`.
/// Returns `None` when the text is not a number.
///
/// # Examples
/// ```
/// assert_eq!(covgap::read::parse_number("15,208"), Some(15208.0));
/// assert_eq!(covgap::read::parse_number("\u{a0}974 "), Some(974.0));
/// assert_eq!(covgap::read::parse_number("x"), None);
/// ```
pub fn parse_number(s: &str) -> Option<f64> {
    let cleaned: String = s
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}' | '\u{202f}' | '_' | '\'' | '"'))
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}
