//! Reading a demand figure per area (live births, or population aged 0) from a CSV table,
//! as ONS publishes it or as people save it from Excel.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::error::{Diagnostics, Error, Place, Result};
use crate::read::columns;
use crate::read::{parse_number, Input};

/// Which columns to use; found by header when `None`.
#[derive(Debug, Clone, Default)]
pub struct FigureOptions {
    pub code_column: Option<String>,
    pub figure_column: Option<String>,
}

/// The figures read for the areas in the boundaries.
#[derive(Debug, Clone)]
pub struct Figures {
    /// Figure per area code; `None` where the table suppressed the value.
    pub values: HashMap<String, Option<u64>>,
    pub code_column: String,
    pub figure_column: String,
    /// 1-based line of the header row (ONS tables carry title rows above it).
    pub header_line: u64,
}

pub const CODE_COLUMNS: &[&str] = &[
    "area code",
    "areacode",
    "code",
    "LAD24CD",
    "LAD23CD",
    "LAD22CD",
    "LAD21CD",
    "LAD25CD",
    "ltla24_code",
    "ltla23_code",
    "ltla21_code",
    "lad23cd",
    "lad code",
    "la code",
    "ladcode",
    "geography code",
    "geography_code",
    "area_code",
    "mnemonic",
];

/// Figure columns tried for the births measure.
pub const BIRTHS_COLUMNS: &[&str] = &[
    "live births",
    "births",
    "number of live births",
    "total live births",
    "births_mid2019_to_mid2020",
    "count",
    "value",
    "observation",
    "total",
    "number",
];
/// Figure columns tried for the age-0 measure.
pub const AGE0_COLUMNS: &[&str] = &[
    "age0",
    "age 0",
    "age_0",
    "aged 0",
    "population aged 0",
    "age0_mid2022",
    "0",
    "count",
    "value",
    "observation",
    "total",
    "number",
];

/// Values ONS and others use for suppressed or unavailable figures.
const SUPPRESSED: &[&str] = &[
    ":", "x", "[x]", "[c]", "[z]", "[u]", "[low]", "..", "-", "c", "z", "*", "n/a", "na", "#n/a",
];

/// Reads one figure per area from a CSV table.
///
/// `known_codes` are the areas in the boundaries: rows for other codes (countries, regions,
/// counties in an ONS table) are reported as a note and ignored. `figure_columns` lists the
/// headers tried for the figure when no column is named.
pub fn read_figures(
    input: &Input,
    opts: &FigureOptions,
    figure_columns: &[&str],
    known_codes: &HashSet<&str>,
    diag: &mut Diagnostics,
) -> Result<Figures> {
    read_figures_in(input, opts, CODE_COLUMNS, figure_columns, known_codes, diag)
}

/// [`read_figures`] for another geography: `code_columns` lists the headers tried for the
/// area code when none is named (small areas use `lsoa11_code`, `dz11_code`, ...).
pub fn read_figures_in(
    input: &Input,
    opts: &FigureOptions,
    code_columns: &[&str],
    figure_columns: &[&str],
    known_codes: &HashSet<&str>,
    diag: &mut Diagnostics,
) -> Result<Figures> {
    let label = input.label();
    let text = input.text("CSV")?;
    let format_err = |message: String| Error::Format {
        path: input.path_for_errors(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| format_err(format!("is not readable as CSV: {e}")))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        rows.push((line, rec.iter().map(|s| s.to_string()).collect()));
    }
    if rows.is_empty() {
        return Err(format_err(
            "is empty; expected a CSV table with an area code column and a figure column".into(),
        ));
    }

    // ONS tables start with title and note rows; the header is the first row in which both
    // columns can be found.
    let mut found = None;
    for (i, (_, cells)) in rows.iter().enumerate().take(30) {
        let code = match &opts.code_column {
            Some(n) => columns::find_named(cells, n),
            None => columns::find(cells, code_columns),
        };
        let fig = match &opts.figure_column {
            Some(n) => columns::find_named(cells, n),
            None => columns::find(cells, figure_columns),
        };
        if let (Some(c), Some(f)) = (code, fig) {
            if c != f {
                found = Some((i, c, f));
                break;
            }
        }
    }
    let Some((hi, ci, fi)) = found else {
        let headers = columns::list(&rows[0].1);
        let wanted_code = opts
            .code_column
            .clone()
            .map(|c| format!("{c:?}"))
            .unwrap_or_else(|| {
                "an area code column (\"Area code\", \"code\", \"LAD24CD\", ...)".into()
            });
        let wanted_fig = opts
            .figure_column
            .clone()
            .map(|c| format!("{c:?}"))
            .unwrap_or_else(|| {
                format!(
                    "a figure column ({})",
                    figure_columns
                        .iter()
                        .take(4)
                        .map(|c| format!("{c:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
        return Err(format_err(format!(
            "no usable figures: could not find {wanted_code} and {wanted_fig} in the first rows; \
             the first row has {headers}; name the columns with --births-code-column and --births-column"
        )));
    };
    let header = &rows[hi].1;
    let header_line = rows[hi].0;

    let mut values: HashMap<String, Option<u64>> = HashMap::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut ignored: BTreeMap<String, String> = BTreeMap::new();
    for (line, cells) in rows.iter().skip(hi + 1) {
        let place = Some(Place::Line(*line));
        let code = cells.get(ci).map(|s| s.trim()).unwrap_or("");
        let raw = cells.get(fi).map(|s| s.trim()).unwrap_or("");
        if code.is_empty() {
            continue; // blank rows and footnotes below ONS tables
        }
        let code_key = code.to_string();
        if !known_codes.contains(code_key.as_str()) {
            let name = cells
                .iter()
                .enumerate()
                .find(|(i, c)| {
                    *i != ci && *i != fi && !c.trim().is_empty() && parse_number(c).is_none()
                })
                .map(|(_, c)| c.trim().to_string())
                .unwrap_or_default();
            ignored.insert(code_key, name);
            continue;
        }
        if let Some(first) = first_line.get(&code_key) {
            diag.error(
                &label,
                place,
                format!(
                    "area {code} appears again (first on line {first}); give one figure per area"
                ),
            );
            continue;
        }
        first_line.insert(code_key.clone(), *line);
        let value = if SUPPRESSED.iter().any(|s| raw.eq_ignore_ascii_case(s)) || raw.is_empty() {
            diag.warn(&label, place, format!("{code}: figure is suppressed ({raw:?}); the area has no figure and is left out of totals"));
            None
        } else {
            match parse_number(raw) {
                Some(v) if v < 0.0 => {
                    diag.error(
                        &label,
                        place,
                        format!(
                            "{code}: figure {raw:?} in column {:?} is negative",
                            header[fi].trim()
                        ),
                    );
                    continue;
                }
                Some(v) if v.fract() != 0.0 => {
                    diag.error(
                        &label,
                        place,
                        format!(
                            "{code}: figure {raw:?} in column {:?} is not a whole number of babies",
                            header[fi].trim()
                        ),
                    );
                    continue;
                }
                Some(v) => Some(v as u64),
                None => {
                    diag.error(
                        &label,
                        place,
                        format!(
                            "{code}: figure {raw:?} in column {:?} is not a number",
                            header[fi].trim()
                        ),
                    );
                    continue;
                }
            }
        };
        values.insert(code_key, value);
    }
    if !ignored.is_empty() {
        let shown: Vec<String> = ignored
            .iter()
            .take(8)
            .map(|(c, n)| {
                if n.is_empty() {
                    c.clone()
                } else {
                    format!("{c} {n}")
                }
            })
            .collect();
        let more = if ignored.len() > 8 {
            format!(" and {} more", ignored.len() - 8)
        } else {
            String::new()
        };
        diag.note(&label, None, format!("{} row(s) for codes not in the boundaries were ignored (countries, regions or counties in ONS tables, or other geographies): {}{more}", ignored.len(), shown.join(", ")));
    }
    Ok(Figures {
        values,
        code_column: header[ci].trim().to_string(),
        figure_column: header[fi].trim().to_string(),
        header_line,
    })
}
