//! Reading the need score per district: the share of a district's small areas in its own
//! nation's most deprived 10%, on that nation's index. The built-in table is
//! `data/deprivation.csv`; `covgap plan --deprivation FILE` reads a user's table in the same
//! form through the same code.
//!
//! Columns, found by header (case, spaces and punctuation ignored):
//! - `code`: the district code (or `area code`, `LAD24CD`, `ltla24_code`, ... as for the
//!   figures);
//! - `most_deprived_decile_share`: a number from 0 to 1; also found under the headers the
//!   published summaries give it ([`SHARE_COLUMNS`]), so the tables `data/deprivation.csv` is
//!   made from are read as they are;
//! - `index` (optional): the index the share comes from, for reports; without it every row
//!   says the file name.
//!
//! Other columns (`name`, `nation`, `small_areas` in the built-in table) are ignored. The
//! indices are published nation by nation, so a UK table can be given as several files, one a
//! nation ([`read_deprivation_tables`]).

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
    /// The line of the table it is on, for messages.
    pub line: u64,
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

/// Headers the share is found under, first found first: covgap's own; the English Indices of
/// Deprivation's district summaries (File 10, 2019 and 2025) as published, and as the
/// humaniverse/IMD package writes them (`../shared/data/deprivation`); and `Proportion`, the
/// overall index's share in the package's Welsh, Scottish and Northern Irish tables (whose
/// domains' shares are `Income_Proportion`, ..., not matched).
pub const SHARE_COLUMNS: &[&str] = &[
    SHARE_COLUMN,
    "IMD - Proportion of LSOAs in most deprived 10% nationally",
    "imd_proportion_of_lso_as_in_most_deprived_10_percent_nationally",
    "Proportion",
];

/// Reads one table or several (one a nation, say) as one: [`read_deprivation`] each, in
/// order. A district in two of them is an error naming both, rather than one table's figure
/// silently winning.
///
/// # Examples
/// ```
/// let one = covgap::read::deprivation::read_deprivation_tables(&[covgap::builtin::deprivation()]).unwrap();
/// assert_eq!(one.districts.len(), 361);
/// ```
pub fn read_deprivation_tables(inputs: &[Input]) -> Result<DeprivationTable> {
    let mut all: Option<DeprivationTable> = None;
    // The table each district's figure came from, for the message when another gives it too.
    let mut from: HashMap<String, String> = HashMap::new();
    for input in inputs {
        let table = read_deprivation(input)?;
        let mut codes: Vec<&String> = table.districts.keys().collect();
        codes.sort();
        if let Some(code) = codes.iter().find(|c| from.contains_key(**c)) {
            let first = &all.as_ref().expect("a table read before").districts[*code];
            return Err(Error::Format {
                path: input.path_for_errors(),
                message: format!(
                    "line {}: {code} is in {} too (line {}); give each district's figure in one table only",
                    table.districts[*code].line, from[*code], first.line
                ),
            });
        }
        for code in codes {
            from.insert(code.clone(), table.source.clone());
        }
        match all.as_mut() {
            None => all = Some(table),
            Some(so_far) => {
                so_far.source = format!("{} and {}", so_far.source, table.source);
                so_far.built_in = false;
                so_far.districts.extend(table.districts);
            }
        }
    }
    all.ok_or_else(|| Error::Plan("no deprivation table was given".to_string()))
}

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
            "line 1: no {what} column (found {}); a deprivation table needs \"code\" and \"{SHARE_COLUMN}\" (or a published summary's \"{}\" or \"Proportion\"), and may have \"index\"",
            columns::list(&headers),
            SHARE_COLUMNS[1]
        ))
    };
    let c_code = columns::find(&headers, CODE_COLUMNS).ok_or_else(|| missing("\"code\""))?;
    let c_share = columns::find(&headers, SHARE_COLUMNS)
        .ok_or_else(|| missing(&format!("{SHARE_COLUMN:?}")))?;
    let share_header = headers[c_share].trim();
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
                    "line {line}: {code}: {share_header} {raw:?} is not a number (expected a share from 0 to 1, e.g. 0.25)"
                )))
            }
        };
        if !(0.0..=1.0).contains(&share) {
            return Err(err(format!(
                "line {line}: {code}: {share_header} {share} is outside 0 to 1 (a share, not a percentage)"
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
                line,
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

    fn published(name: &str) -> Input {
        Input::File(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/deprivation/published")
                .join(name),
        )
    }

    /// The four nations' tables `data/deprivation.csv` is made from, read as published (their
    /// first rows) and together, give the built-in shares.
    #[test]
    fn the_published_tables_one_a_nation_give_the_built_in_shares() {
        let files = [
            "imd2025_england_lad24_file10_summaries_first4.csv",
            "wimd2019_wales_lad22_aggregated_first2.csv",
            "simd2020_scotland_lad24_aggregated_first2.csv",
            "nimdm2017_ni_lgd14_aggregated_first2.csv",
        ];
        let inputs: Vec<Input> = files.iter().map(|f| published(f)).collect();
        let t = read_deprivation_tables(&inputs).unwrap();
        let built_in = read_deprivation(&crate::builtin::deprivation()).unwrap();
        let mut codes: Vec<&String> = t.districts.keys().collect();
        codes.sort();
        assert_eq!(
            codes,
            [
                "E06000001",
                "E06000002",
                "E06000003",
                "E06000004",
                "N09000001",
                "N09000002",
                "S12000005",
                "S12000006",
                "W06000001",
                "W06000002"
            ]
        );
        for code in codes {
            let ours = t.districts[code].most_deprived_decile_share;
            let want = built_in.districts[code].most_deprived_decile_share;
            assert!(
                (ours - want).abs() < 0.00005,
                "{code}: {ours} against {want}"
            );
        }
        assert!(!t.built_in);
        let labels: Vec<String> = inputs.iter().map(Input::label).collect();
        assert_eq!(t.source, labels.join(" and "));
    }

    /// The English 2019 district summaries as published (File 10's own headers, with their
    /// trailing spaces, and codes of 2019).
    #[test]
    fn the_official_2019_district_summaries_are_read_by_their_headers() {
        let t = read_deprivation(&published(
            "imd2019_england_lad19_file10_summaries_first4.csv",
        ))
        .unwrap();
        assert_eq!(
            t.get("E06000002").unwrap().most_deprived_decile_share,
            0.4884
        );
        assert_eq!(t.districts.len(), 4);
    }

    /// A district in two tables (England's 2025 and 2019 summaries given together) is an
    /// error naming both, not the later one silently winning.
    #[test]
    fn a_district_in_two_tables_is_refused() {
        let e = read_deprivation_tables(&[
            published("imd2025_england_lad24_file10_summaries_first4.csv"),
            published("imd2019_england_lad19_file10_summaries_first4.csv"),
        ])
        .unwrap_err()
        .to_string();
        assert!(
            e.contains(
                "imd2019_england_lad19_file10_summaries_first4.csv: line 2: E06000001 is in "
            ) && e.contains("imd2025_england_lad24_file10_summaries_first4.csv too (line 2)"),
            "{e}"
        );
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
