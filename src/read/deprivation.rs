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

use crate::error::{Diagnostics, Error, Place, Result};
use crate::read::columns;
use crate::read::figures::CODE_COLUMNS;
use crate::read::successors::{self, Successor};
use crate::read::Input;

/// The deprivation figure for one district.
#[derive(Debug, Clone, PartialEq)]
pub struct Deprivation {
    /// Share (0 to 1) of the district's small areas in the nation's most deprived decile.
    pub most_deprived_decile_share: f64,
    /// The index it comes from, e.g. "English Indices of Deprivation 2025 (IMD)".
    pub index: String,
    /// The table it is in (its file, or the built-in table) and its line there, for messages.
    pub table: String,
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

    /// [`DeprivationTable::combine_replaced`] for the districts among `areas`, as `plan` and
    /// `check` read a table against a study.
    pub fn combine_for_areas(&mut self, areas: &[crate::model::Area], diag: &mut Diagnostics) {
        let current: std::collections::HashSet<&str> =
            areas.iter().map(|a| a.code.as_str()).collect();
        self.combine_replaced(|c| current.contains(c), diag)
    }

    /// For a table in district codes from before 2020, 2021 or 2023 (the English Indices of
    /// Deprivation 2019 are published for the districts of 2019): the share of each district
    /// that replaced others (of those `current` holds) is the share of all their small areas in
    /// the most deprived tenth, the old districts' shares weighted by their 2011 LSOAs (the
    /// small areas of the 2019 and 2015 indices; `data/successors.csv`), with a note giving
    /// each. Only when the table gives every district it replaced and not the new one itself;
    /// with some missing, a warning names them, and the new district has no share. Rows of
    /// districts abolished are then dropped.
    pub fn combine_replaced(&mut self, current: impl Fn(&str) -> bool, diag: &mut Diagnostics) {
        let replaced = successors::replaced_in(&current);
        let mut combined: Vec<String> = Vec::new();
        let mut tables: Vec<String> = Vec::new();
        let mut combined_olds: Vec<&Successor> = Vec::new();
        let districts = &self.districts;
        let found = successors::replacements(&replaced, |old| districts.get(old).cloned());
        for r in &found {
            let (new, olds, given) = (r.new_code, &r.olds, &r.given);
            let first = olds[0];
            let new_named = r.new_named();
            let named = |s: &[(&Successor, Deprivation)]| {
                s.iter()
                    .map(|(s, d)| format!("{} ({}, line {})", s.old_name, s.old_code, d.line))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let table = given[0].1.table.clone();
            if self.districts.contains_key(new) {
                diag.note(
                    &table,
                    None,
                    format!(
                        "rows for {}, abolished on {}, were ignored: the table gives {new_named}, which replaced them, itself",
                        named(given),
                        first.since_words()
                    ),
                );
                continue;
            }
            let missing: Vec<String> = r.missing().iter().map(|s| s.old_named()).collect();
            if !missing.is_empty() {
                diag.warn(
                    &table,
                    None,
                    format!(
                        "the table is in district codes from before {}: {new_named} replaced {}, but with no row for {} their shares cannot be combined, so {} has no deprivation figure",
                        first.since_words(),
                        olds.iter().map(|s| s.old_named()).collect::<Vec<_>>().join(", "),
                        missing.join(", "),
                        first.new_name
                    ),
                );
                continue;
            }
            let lsoas: u32 = given.iter().map(|(s, _)| s.lsoas_2011).sum();
            let share = given
                .iter()
                .map(|(s, d)| d.most_deprived_decile_share * f64::from(s.lsoas_2011))
                .sum::<f64>()
                / f64::from(lsoas);
            combined.push(format!(
                "{new_named} {share:.4} = ({}) / {lsoas}",
                given
                    .iter()
                    .map(|(s, d)| format!(
                        "{} {} * {}",
                        s.old_named(),
                        d.most_deprived_decile_share,
                        s.lsoas_2011
                    ))
                    .collect::<Vec<_>>()
                    .join(" + ")
            ));
            for (s, d) in given {
                combined_olds.push(s);
                if !tables.contains(&d.table) {
                    tables.push(d.table.clone());
                }
            }
            let mut row = given[0].1.clone();
            row.most_deprived_decile_share = share;
            self.districts.insert(new.to_string(), row);
        }
        for old in replaced.keys() {
            self.districts.remove(*old);
        }
        if !combined.is_empty() {
            diag.note(
                &tables.join(" and "),
                None,
                format!(
                    "the table is in district codes from before {}: the shares of the districts abolished were combined for the {} that replaced them, weighted by their 2011 LSOAs (data/successors.csv): {}",
                    successors::since_words_of(combined_olds),
                    combined.len(),
                    combined.join("; ")
                ),
            );
        }
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

/// A deprivation table in a workbook (MHCLG publishes the English district summaries, File
/// 10, as `.xlsx`), as CSV text and the sheet's name: the first sheet with a code and a share
/// column in its first 30 rows, visible sheets first ([`crate::read::figures::sheet_as_csv`]),
/// with an empty line a row above its header, so that a line of the text is the sheet's row.
fn workbook_as_csv(input: &Input) -> Result<(String, String)> {
    let path = input.path().expect("a workbook is a file");
    let sheets = crate::read::figures::workbook_sheets(path)?;
    let is_header = |cells: &[String]| {
        columns::find(cells, CODE_COLUMNS).is_some()
            && columns::find(cells, SHARE_COLUMNS).is_some()
    };
    match crate::read::figures::sheet_as_csv(path, &sheets, None, is_header)? {
        Some(s) => Ok((s.text_from_row_1(), s.name)),
        None => {
            Err(Error::Format {
                path: path.to_path_buf(),
                message: format!(
                    "no sheet has a \"code\" column and a \"{SHARE_COLUMN}\" column (or a published summary's \"{}\" or \"Proportion\") in its first 30 rows (sheets: {}); save the sheet as CSV with those headers",
                    SHARE_COLUMNS[1],
                    crate::read::figures::sheet_names(&sheets)
                ),
            })
        }
    }
}

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
    for input in inputs {
        let table = read_deprivation(input)?;
        let Some(so_far) = all.as_mut() else {
            all = Some(table);
            continue;
        };
        let mut codes: Vec<&String> = table.districts.keys().collect();
        codes.sort();
        if let Some(code) = codes
            .into_iter()
            .find(|c| so_far.districts.contains_key(*c))
        {
            let first = &so_far.districts[code];
            return Err(Error::At {
                input: input.label(),
                place: Place::Line(table.districts[code].line),
                message: format!(
                    "{code} is in {} too (line {}); give each district's figure in one table only",
                    first.table, first.line
                ),
            });
        }
        so_far.source = format!("{} and {}", so_far.source, table.source);
        so_far.built_in = false;
        so_far.districts.extend(table.districts);
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
    let (text, sheet) = if crate::read::figures::is_workbook(input) {
        let (text, sheet) = workbook_as_csv(input)?;
        (text, Some(sheet))
    } else {
        (input.text("CSV")?, None)
    };
    let path = input.path_for_errors();
    // In a workbook, problems name the sheet and its rows as Excel numbers them.
    let at = |line: u64, message: String| Error::At {
        input: match &sheet {
            Some(s) => format!("{}, sheet {s:?}", path.display()),
            None => path.display().to_string(),
        },
        place: if sheet.is_some() {
            Place::Row(line)
        } else {
            Place::Line(line)
        },
        message,
    };
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = r
        .headers()
        .map_err(|e| at(1, e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let missing = |what: &str| {
        at(1, format!(
            "no {what} column (found {}); a deprivation table needs \"code\" and \"{SHARE_COLUMN}\" (or a published summary's \"{}\" or \"Proportion\"), and may have \"index\"",
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
            at(line, e.to_string())
        })?;
        let line = lines.of(rec.position());
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let code = rec.get(c_code).unwrap_or("").trim().to_string();
        // ONS writes its codes in upper case; one typed in lower case is read as ONS writes
        // it, as in the boundaries and figures.
        let code = columns::ons_code_in_upper_case(&code).unwrap_or(code);
        if code.is_empty() {
            return Err(at(line, "the code is blank".into()));
        }
        let raw = rec.get(c_share).unwrap_or("").trim();
        let share: f64 = match raw.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                return Err(at(line, format!(
                    "{code}: {share_header} {raw:?} is not a number (expected a share from 0 to 1, e.g. 0.25)"
                )))
            }
        };
        if !(0.0..=1.0).contains(&share) {
            return Err(at(
                line,
                format!(
                    "{code}: {share_header} {share} is outside 0 to 1 (a share, not a percentage)"
                ),
            ));
        }
        if let Some(first) = first_line.insert(code.clone(), line) {
            return Err(at(
                line,
                format!("{code} appears again (first on line {first})"),
            ));
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
                table: input.label(),
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
                "imd2019_england_lad19_file10_summaries_first4.csv, line 2: E06000001 is in "
            ) && e.contains("imd2025_england_lad24_file10_summaries_first4.csv too (line 2)"),
            "{e}"
        );
    }

    /// England's 2019 summaries for the 28 districts abolished since 2019, against the
    /// current districts: each of the 7 new districts' shares as the humaniverse/IMD package's
    /// own aggregation of the LSOAs to the districts of 2023 gives it
    /// (`../shared/data/deprivation/imd2019_england_lad23_aggregated.csv`, "Proportion"), to
    /// the 4 decimals of the summaries; the old rows are gone; one note gives the sums.
    #[test]
    fn shares_in_2019_codes_combine_as_the_small_areas_do() {
        let mut t = read_deprivation(&published(
            "imd2019_england_lad19_file10_summaries_abolished.csv",
        ))
        .unwrap();
        let current = read_deprivation(&crate::builtin::deprivation()).unwrap();
        let mut diag = Diagnostics::new();
        t.combine_replaced(|c| current.districts.contains_key(c), &mut diag);
        let aggregated = [
            ("E06000060", 0.0),
            ("E06000061", 0.0567010309278351),
            ("E06000062", 0.0570175438596491),
            ("E06000063", 0.0790960451977401),
            ("E06000064", 0.0833333333333333),
            ("E06000065", 0.0294906166219839),
            ("E06000066", 0.0275229357798165),
        ];
        let mut codes: Vec<&String> = t.districts.keys().collect();
        codes.sort();
        assert_eq!(codes, aggregated.map(|(c, _)| c));
        for (code, want) in aggregated {
            let got = t.districts[code].most_deprived_decile_share;
            assert!((got - want).abs() < 0.00005, "{code}: {got} against {want}");
        }
        let notes = diag.problems();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].message.starts_with("the table is in district codes from before 1 April 2020 and 1 April 2021 and 1 April 2023: the shares of the districts abolished were combined for the 7 that replaced them")
                && notes[0].message.contains("North Northamptonshire (E06000061) 0.0567 = (Corby (E07000150) 0.0976 * 41 + East Northamptonshire (E07000152) 0 * 49 + Kettering (E07000153) 0.0702 * 57 + Wellingborough (E07000156) 0.0638 * 47) / 194"),
            "{}",
            notes[0].message
        );
    }

    /// With one old district missing, the new district has no share (a warning names what is
    /// missing); with the new district given too, its own row is used (a note).
    #[test]
    fn shares_in_old_codes_are_combined_only_when_all_are_given() {
        let current = read_deprivation(&crate::builtin::deprivation()).unwrap();
        let is_current = |c: &str| current.districts.contains_key(c);
        let mut t = read_text(
            "code,most_deprived_decile_share\nE07000150,0.1\nE07000152,0\nE07000153,0.07\nE07000151,0.02\nE07000154,0.09\nE07000155,0\nE06000062,0.5\n",
        )
        .unwrap();
        let mut diag = Diagnostics::new();
        t.combine_replaced(is_current, &mut diag);
        assert_eq!(t.districts.len(), 1);
        assert_eq!(t.get("E06000062").unwrap().most_deprived_decile_share, 0.5);
        let messages: Vec<(crate::error::Severity, &str)> = diag
            .problems()
            .iter()
            .map(|p| (p.severity, p.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    crate::error::Severity::Warning,
                    "the table is in district codes from before 1 April 2021: North Northamptonshire (E06000061) replaced Corby (E07000150), East Northamptonshire (E07000152), Kettering (E07000153), Wellingborough (E07000156), but with no row for Wellingborough (E07000156) their shares cannot be combined, so North Northamptonshire has no deprivation figure"
                ),
                (
                    crate::error::Severity::Note,
                    "rows for Daventry (E07000151, line 5), Northampton (E07000154, line 6), South Northamptonshire (E07000155, line 7), abolished on 1 April 2021, were ignored: the table gives West Northamptonshire (E06000062), which replaced them, itself"
                ),
            ]
        );
    }

    /// The English 2019 district summaries kept in a workbook, as MHCLG publishes File 10
    /// (`.xlsx`, a notes sheet first, here with a title above the header): read as the same
    /// table saved as CSV is (before, "is not a text CSV file"), and a bad share is named by
    /// its sheet and row.
    #[test]
    fn the_district_summaries_in_a_workbook_are_read_as_their_csv_is() {
        let csv_input = published("imd2019_england_lad19_file10_summaries_first4.csv");
        let csv = csv_input.text("CSV").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path().join("File_10.xlsx");
        let write = |rows: &str| {
            let mut wb = rust_xlsxwriter::Workbook::new();
            let notes = wb.add_worksheet().set_name("Notes").unwrap();
            notes
                .write_string(0, 0, "English Indices of Deprivation")
                .unwrap();
            let t = wb.add_worksheet().set_name("IMD").unwrap();
            t.write_string(0, 0, "Local authority district summaries")
                .unwrap();
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(rows.as_bytes());
            for (i, rec) in r.records().enumerate() {
                for (c, cell) in rec.unwrap().iter().enumerate() {
                    let (row, col) = (i as u32 + 2, c as u16);
                    match cell.parse::<f64>() {
                        Ok(v) => t.write_number(row, col, v).unwrap(),
                        Err(_) => t.write_string(row, col, cell).unwrap(),
                    };
                }
            }
            wb.save(&book).unwrap();
        };
        write(&csv);
        let from_book = read_deprivation(&Input::File(book.clone())).unwrap();
        let from_csv = read_deprivation(&csv_input).unwrap();
        assert_eq!(from_book.districts.len(), 4);
        for (code, d) in &from_csv.districts {
            let b = from_book.get(code).unwrap();
            assert_eq!(b.most_deprived_decile_share, d.most_deprived_decile_share);
            // The CSV's line 2 is the sheet's row 4, below the title and the blank row.
            assert_eq!(b.line, d.line + 2, "{code}");
        }
        // A share out of range on the sheet's fifth row (the CSV's line 3).
        let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
        let share = from_csv.districts.values().find(|d| d.line == 3).unwrap();
        let written = format!(",{},", share.most_deprived_decile_share);
        assert!(lines[2].contains(&written), "{}", lines[2]);
        lines[2] = lines[2].replacen(&written, ",4.5,", 1);
        write(&lines.join("\n"));
        let e = read_deprivation(&Input::File(book.clone()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("File_10.xlsx, sheet \"IMD\", row 5: "), "{e}");
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
