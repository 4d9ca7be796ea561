//! Reading the need score per district: the share of a district's small areas in its own
//! nation's most deprived 10%, on that nation's index. The built-in table is
//! `data/deprivation.csv`; `covgap plan --deprivation FILE` reads a user's table in the same
//! form through the same code.
//!
//! Columns, found by header (case, spaces and punctuation ignored):
//! - `code`: the district code (or `area code`, `LAD24CD`, ... as for the figures);
//! - `most_deprived_decile_share`: a number from 0 to 1;
//! - `index` (optional): the index the share comes from, for reports; without it every row
//!   says the file name.
//!
//! Other columns (`name`, `nation`, `small_areas` in the built-in table) are ignored.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::read::columns;
use crate::read::figures::CODE_COLUMNS;
use crate::read::Input;

/// The deprivation figure for one district.
#[derive(Debug, Clone, PartialEq)]
pub struct Deprivation {
    /// Share (0 to 1) of the district's small areas in the nation's most deprived decile.
    pub most_deprived_decile_share: f64,
    /// The index it comes from, e.g. "English Indices of Deprivation 2025 (IMD)".
    pub index: String,
}

/// A deprivation table: one figure per district code, and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct DeprivationTable {
    /// The file (or built-in table) read, for reports and errors.
    pub source: String,
    /// Whether this is the built-in table (covering the 361 districts of May 2024).
    pub built_in: bool,
    pub districts: HashMap<String, Deprivation>,
}

impl DeprivationTable {
    /// The figure for a district code, if the table has one.
    pub fn get(&self, code: &str) -> Option<&Deprivation> {
        self.districts.get(code)
    }
}

/// The share column's name, as written in the built-in table.
pub const SHARE_COLUMN: &str = "most_deprived_decile_share";

/// Reads a deprivation table (see the module notes for the columns). Any bad row stops the
/// read: the error names the file, the line and what was wrong.
///
/// # Examples
/// ```
/// let d = covgap::read::deprivation::read_deprivation(&covgap::builtin::deprivation()).unwrap();
/// assert_eq!(d.districts.len(), 361);
/// assert_eq!(d.get("E06000002").unwrap().most_deprived_decile_share, 0.5); // Middlesbrough
/// ```
pub fn read_deprivation(input: &Input) -> Result<DeprivationTable> {
    let text = input.text("CSV")?;
    let path = input.path_for_errors();
    let err = |message: String| Error::Format {
        path: path.clone(),
        message,
    };
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = r
        .headers()
        .map_err(|e| err(format!("line 1: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    let missing = |what: &str| {
        err(format!(
            "line 1: no {what} column (found {}); a deprivation table needs \"code\" and \"{SHARE_COLUMN}\", and may have \"index\"",
            columns::list(&headers)
        ))
    };
    let c_code = columns::find(&headers, CODE_COLUMNS).ok_or_else(|| missing("\"code\""))?;
    let c_share = columns::find(&headers, &[SHARE_COLUMN])
        .ok_or_else(|| missing(&format!("{SHARE_COLUMN:?}")))?;
    let c_index = columns::find(&headers, &["index"]);
    let default_index = match input {
        Input::File(p) => p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| p.display().to_string()),
        Input::BuiltIn { label, .. } => label.to_string(),
    };
    let mut districts = HashMap::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut lines = crate::read::text::Lines::new(text.as_bytes());
    for rec in r.records() {
        let rec = rec.map_err(|e| {
            let line = lines.clone().of(e.position());
            err(format!("line {line}: {e}"))
        })?;
        let line = lines.of(rec.position());
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let code = rec.get(c_code).unwrap_or("").trim().to_string();
        if code.is_empty() {
            return Err(err(format!("line {line}: the code is blank")));
        }
        let raw = rec.get(c_share).unwrap_or("").trim();
        let share: f64 = match raw.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                return Err(err(format!(
                    "line {line}: {code}: {SHARE_COLUMN} {raw:?} is not a number (expected a share from 0 to 1, e.g. 0.25)"
                )))
            }
        };
        if !(0.0..=1.0).contains(&share) {
            return Err(err(format!(
                "line {line}: {code}: {SHARE_COLUMN} {share} is outside 0 to 1 (a share, not a percentage)"
            )));
        }
        if let Some(first) = first_line.insert(code.clone(), line) {
            return Err(err(format!(
                "line {line}: {code} appears again (first on line {first})"
            )));
        }
        let index = c_index
            .and_then(|c| rec.get(c))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map_or_else(|| default_index.clone(), str::to_string);
        districts.insert(
            code,
            Deprivation {
                most_deprived_decile_share: share,
                index,
            },
        );
    }
    Ok(DeprivationTable {
        source: input.label(),
        built_in: matches!(input, Input::BuiltIn { .. }),
        districts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_text(text: &str) -> Result<DeprivationTable> {
        let mut f = tempfile::Builder::new()
            .suffix(".csv")
            .tempfile()
            .expect("temp file");
        f.write_all(text.as_bytes()).unwrap();
        read_deprivation(&Input::File(f.path().to_path_buf()))
    }

    #[test]
    fn index_is_optional_and_defaults_to_the_file_name() {
        let t = read_text("Code,Most deprived decile share\nE06000001,0.25\n").unwrap();
        let d = t.get("E06000001").unwrap();
        assert_eq!(d.most_deprived_decile_share, 0.25);
        assert!(d.index.ends_with(".csv"), "{}", d.index);
        assert!(!t.built_in);
    }

    #[test]
    fn bad_rows_name_the_line() {
        let e = read_text("code,most_deprived_decile_share\nA,0.1\nB,1.5\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("outside 0 to 1"), "{e}");
        let e = read_text("code,most_deprived_decile_share\nA,0.1\nB,high\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("not a number"), "{e}");
        let e = read_text("code,share\nA,0.1\n").unwrap_err().to_string();
        assert!(e.contains("line 1") && e.contains(SHARE_COLUMN), "{e}");
        let e = read_text("code,most_deprived_decile_share\nA,0.1\nA,0.2\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("first on line 2"), "{e}");
    }
}
