//! Reading the need score per district (`data/deprivation.csv`): the share of a district's
//! small areas in its own nation's most deprived 10%, on that nation's index.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::read::Input;

/// The deprivation figure for one district.
#[derive(Debug, Clone, PartialEq)]
pub struct Deprivation {
    /// Share (0 to 1) of the district's small areas in the nation's most deprived decile.
    pub most_deprived_decile_share: f64,
    /// The index it comes from, e.g. "English Indices of Deprivation 2025 (IMD)".
    pub index: String,
}

/// Reads a deprivation table with columns `code`, `index` and `most_deprived_decile_share`.
///
/// # Examples
/// ```
/// let d = covgap::read::deprivation::read_deprivation(&covgap::builtin::deprivation()).unwrap();
/// assert_eq!(d.len(), 361);
/// assert_eq!(d["E06000002"].most_deprived_decile_share, 0.5); // Middlesbrough
/// ```
pub fn read_deprivation(input: &Input) -> Result<HashMap<String, Deprivation>> {
    let text = input.text("CSV")?;
    let path = input.path_for_errors();
    let err = |message: String| Error::Format {
        path: path.clone(),
        message,
    };
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().map_err(|e| err(e.to_string()))?.clone();
    let col = |n: &str| {
        headers
            .iter()
            .position(|h| h == n)
            .ok_or_else(|| err(format!("no column {n:?} (found {:?})", headers)))
    };
    let (c_code, c_index, c_share) = (
        col("code")?,
        col("index")?,
        col("most_deprived_decile_share")?,
    );
    let mut out = HashMap::new();
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| err(format!("line {line}: {e}")))?;
        let share: f64 = rec.get(c_share).unwrap_or("").trim().parse().map_err(|_| {
            err(format!(
                "line {line}: most_deprived_decile_share is not a number"
            ))
        })?;
        if !(0.0..=1.0).contains(&share) {
            return Err(err(format!(
                "line {line}: most_deprived_decile_share {share} is outside 0 to 1"
            )));
        }
        out.insert(
            rec.get(c_code).unwrap_or("").to_string(),
            Deprivation {
                most_deprived_decile_share: share,
                index: rec.get(c_index).unwrap_or("").to_string(),
            },
        );
    }
    Ok(out)
}
