//! Reading a demand figure per area (live births, or population aged 0) from a table as ONS
//! publishes it: a CSV file, or a sheet of an Excel workbook (.xlsx, .xls, .ods), with title
//! and note rows above the header. Both are read into rows of text cells first, so finding the
//! header and reading the figures is one piece of code for both.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::error::{Diagnostics, Error, Place, Result};
use crate::model::ColumnChoice;
use crate::read::columns;
use crate::read::{decimal_comma_hint, parse_number, point_may_separate_thousands, Input};
use crate::small_areas::SMALL_CODE_FIELDS;

/// Which columns to use; found by header when `None`.
#[derive(Debug, Clone, Default)]
pub struct FigureOptions {
    pub code_column: Option<String>,
    pub figure_column: Option<String>,
    /// The sheet to read from a workbook; found by its header row when `None`.
    pub sheet: Option<String>,
}

/// The figures read for the areas in the boundaries.
#[derive(Debug, Clone)]
pub struct Figures {
    /// Figure per area code; `None` where the table suppressed the value.
    pub values: HashMap<String, Option<u64>>,
    pub code_column: String,
    pub figure_column: String,
    /// How the figure column was chosen: named with a flag, or found by its header (one that
    /// names the figure, or a generic one).
    pub figure_column_chosen_by: ColumnChoice,
    /// 1-based line of the header row (ONS tables carry title rows above it); the row number
    /// in a workbook.
    pub header_line: u64,
    /// The workbook sheet read; `None` for CSV.
    pub sheet: Option<String>,
}

/// Rows of text cells with their 1-based line (CSV) or row number (workbook).
pub type Rows = Vec<(u64, Vec<String>)>;

/// Whether a figures input is a workbook rather than CSV (by its first bytes: .xlsx and .ods
/// are zip files, .xls an OLE2 compound file).
pub fn is_workbook(input: &Input) -> bool {
    let Some(p) = input.path() else { return false };
    let head = crate::read::text::head_of_file(p, 4);
    head == *b"PK\x03\x04" || head == [0xD0, 0xCF, 0x11, 0xE0]
}

/// Reads a CSV input into rows of cells.
pub fn csv_rows(input: &Input) -> Result<Rows> {
    let text = input.text("CSV")?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut lines = crate::read::text::Lines::new(text.as_bytes());
    for rec in reader.records() {
        let rec = rec.map_err(|e| Error::Format {
            path: input.path_for_errors(),
            message: format!("is not readable as CSV: {e}"),
        })?;
        let line = lines.of(rec.position());
        rows.push((line, rec.iter().map(|s| s.to_string()).collect()));
    }
    Ok(rows)
}

/// A workbook cell as the text a CSV export would hold: whole numbers without a decimal
/// point, so `15208.0` reads as `15208`.
fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// Every sheet of a workbook, in order, as rows of cells numbered as Excel numbers rows.
///
/// # Examples
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("t.xlsx");
/// let mut wb = rust_xlsxwriter::Workbook::new();
/// let ws = wb.add_worksheet().set_name("Table 1").unwrap();
/// ws.write_string(2, 0, "code").unwrap();
/// ws.write_number(3, 0, 15208.0).unwrap();
/// wb.save(&path).unwrap();
/// let sheets = covgap::read::figures::workbook_sheets(&path).unwrap();
/// assert_eq!(sheets[0].1, [(3, vec!["code".to_string()]), (4, vec!["15208".to_string()])]);
/// ```
pub fn workbook_sheets(path: &std::path::Path) -> Result<Vec<(String, Rows)>> {
    use calamine::Reader;
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let ferr = |message: String| Error::Format {
        path: path.to_path_buf(),
        message,
    };
    let mut wb =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
            ferr(format!(
                "starts like an Excel workbook but cannot be read as one ({e}); \
                 save the sheet as CSV, or give a real .xlsx/.xls/.ods workbook"
            ))
        })?;
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| ferr(format!("sheet {name:?} cannot be read: {e}")))?;
        let first = range.start().map_or(0, |(r, _)| r as u64);
        let lead = range.start().map_or(0, |(_, c)| c as usize);
        let rows = range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                let mut v: Vec<String> = vec![String::new(); lead];
                v.extend(cells.iter().map(cell_text));
                (first + i as u64 + 1, v)
            })
            .collect();
        out.push((name, rows));
    }
    Ok(out)
}

/// Why no header row holds both columns, as exactly as the first rows show it: a file
/// separated by semicolons or tabs (as Excel saves CSV in much of Europe); the code column
/// found (its line) with no figure column, or the reverse; a column named with a flag that
/// no row has; and, when the figure column is missing, a column of the other measure's
/// figure (`--measure age0` for a table of the population aged 0, say).
fn no_columns_found(
    rows: &Rows,
    opts: &FigureOptions,
    flags: &ColumnFlags,
    code_columns: &[&str],
    figure_columns: &[&str],
) -> String {
    let first = &rows[0];
    if let Some(name) = columns::other_separator(&first.1) {
        return format!(
            "no usable figures: line {} is one field holding {name}: {}",
            first.0,
            columns::resave_with_commas(name)
        );
    }
    let head: Vec<&(u64, Vec<String>)> = rows.iter().take(30).collect();
    let code_at = |cells: &[String]| match &opts.code_column {
        Some(n) => columns::find_named(cells, n),
        None => columns::find(cells, code_columns),
    };
    let fig_at = |cells: &[String]| match &opts.figure_column {
        Some(n) => columns::find_named(cells, n),
        None => columns::find(cells, figure_columns),
    };
    // A long header (a column for every year of age) is cut short.
    let list = |cells: &[String]| {
        if cells.len() <= 16 {
            columns::list(cells)
        } else {
            format!(
                "{}, ... ({} columns)",
                columns::list(&cells[..12]),
                cells.len()
            )
        }
    };
    let wanted_code = opts
        .code_column
        .clone()
        .map(|c| format!("column {c:?} (named with {})", flags.code))
        .unwrap_or_else(|| format!("area code column ({}, ...)", flags.code_examples));
    let wanted_fig = opts
        .figure_column
        .clone()
        .map(|c| format!("column {c:?} (named with {})", flags.figure))
        .unwrap_or_else(|| {
            format!(
                "figure column ({})",
                figure_columns
                    .iter()
                    .take(4)
                    .map(|c| format!("{c:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
    let other_measure = |cells: &[String]| -> Option<String> {
        if opts.figure_column.is_some() {
            return None;
        }
        let other = OtherMeasure::of(figure_columns)?;
        columns::find(cells, &other.headers).map(|i| {
            format!(
                "; it has {:?}, a figure of the other measure: give {} to read it",
                cells[i].trim(),
                other.flag
            )
        })
    };
    if let Some((line, cells, c)) = head
        .iter()
        .find_map(|(l, cells)| code_at(cells).map(|c| (*l, cells, c)))
    {
        return format!(
            "no usable figures: found the area code column {:?} on line {line}, but no {wanted_fig} there or above{}; line {line} has {}; name the figure column with {}",
            cells[c].trim(),
            other_measure(cells).unwrap_or_default(),
            list(cells),
            flags.figure
        );
    }
    if let Some((line, cells, f)) = head
        .iter()
        .find_map(|(l, cells)| fig_at(cells).map(|f| (*l, cells, f)))
    {
        return format!(
            "no usable figures: found the figure column {:?} on line {line}, but no {wanted_code} there or above; line {line} has {}; name the code column with {}",
            cells[f].trim(),
            list(cells),
            flags.code
        );
    }
    format!(
        "no usable figures: could not find an {wanted_code} or a {wanted_fig} in the first rows{}; the first row has {}; name the columns with {} and {}",
        other_measure(&first.1).unwrap_or_default(),
        list(&first.1),
        flags.code,
        flags.figure
    )
}

/// Another column of area codes that matches the boundaries better than the one found by its
/// header, when the code column was not named: an ONS table of small areas gives each row its
/// LSOA's code and its district's (`lsoa11_code`, ..., `ltla21_code`), and with LSOAs as
/// boundaries the LSOA codes are the ones wanted. Columns tried are those whose header names
/// an area code of any geography; returns (column, its rows with a code of the boundaries,
/// the rows the first column had), only when it has more.
fn code_column_matching(
    data: &[(u64, Vec<String>)],
    header: &[String],
    ci: usize,
    fi: usize,
    opts: &FigureOptions,
    known_codes: Option<&HashSet<&str>>,
) -> Option<(usize, usize, usize)> {
    let known = known_codes.filter(|_| opts.code_column.is_none())?;
    let matches = |c: usize| {
        data.iter()
            .filter(|(_, cells)| cells.get(c).is_some_and(|v| known.contains(v.trim())))
            .count()
    };
    let names_a_code = |h: &String| {
        let one = std::slice::from_ref(h);
        columns::find(one, &BIRTHS_CODE_COLUMNS).is_some()
    };
    let here = matches(ci);
    header
        .iter()
        .enumerate()
        .filter(|&(j, h)| j != ci && j != fi && names_a_code(h))
        .map(|(j, _)| (matches(j), j))
        .max()
        .filter(|&(n, _)| n > here)
        .map(|(n, j)| (j, n, here))
}

/// The measure other than the one a table is read as (`figure_columns` is [`BIRTHS_COLUMNS`]
/// or [`AGE0_COLUMNS`]): for a column headed as the other's figure.
struct OtherMeasure {
    /// The other measure's figure headers that name it (not the generic ones).
    headers: Vec<&'static str>,
    /// The flag that reads it.
    flag: &'static str,
    /// The measure read, and the other, in words.
    this: &'static str,
    that: &'static str,
}

impl OtherMeasure {
    fn of(figure_columns: &[&str]) -> Option<OtherMeasure> {
        let (others, flag, this, that) = if figure_columns == BIRTHS_COLUMNS {
            (
                AGE0_COLUMNS,
                "--measure age0",
                "live births",
                "the population aged 0",
            )
        } else if figure_columns == AGE0_COLUMNS {
            (
                BIRTHS_COLUMNS,
                "--measure births",
                "the population aged 0",
                "live births",
            )
        } else {
            return None;
        };
        let headers = others
            .iter()
            .copied()
            .filter(|c| !GENERIC_FIGURE_COLUMNS.contains(c))
            .collect();
        Some(OtherMeasure {
            headers,
            flag,
            this,
            that,
        })
    }
}

/// The header row: the first of the first 30 rows in which both the code and the figure
/// column can be found. Returns (row index, code column, figure column).
fn find_header(
    rows: &Rows,
    opts: &FigureOptions,
    code_columns: &[&str],
    figure_columns: &[&str],
) -> Option<(usize, usize, usize)> {
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
                return Some((i, c, f));
            }
        }
    }
    None
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
    "ltla22_code",
    "ltla21_code",
    "lgd14_code",
    "Local Authority District code (2019)",
    "LAD19CD",
    "lad23cd",
    "lad code",
    "la code",
    "ladcode",
    "geography code",
    "geography_code",
    "area_code",
    "mnemonic",
];

/// The headers the nations' own statistics bodies give their area codes under, as their
/// tables are downloaded: NISRA's data portal (`LGD2014`, beside `Local Government District`
/// and `VALUE`), Public Health Scotland's open data (`CA` for the council area, `HB` for the
/// health board) and the like.
pub const NATIONS_CODE_COLUMNS: &[&str] = &[
    "LGD2014",
    "LGD2014 code",
    "LGD14CD",
    "Local Government District code",
    "CA",
    "CA2019",
    "Council area code",
    "HB",
    "HB2019",
    "Health board code",
    "Local authority code",
];

/// The headers tried for `--births`' area code: [`CODE_COLUMNS`], then those of smaller areas
/// given as boundaries (LSOAs, Data Zones, output areas: [`SMALL_CODE_FIELDS`]), wards and
/// [`NATIONS_CODE_COLUMNS`].
pub static BIRTHS_CODE_COLUMNS: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| {
        let mut all = CODE_COLUMNS.to_vec();
        for c in SMALL_CODE_FIELDS
            .iter()
            .chain(&["WD24CD", "WD23CD", "WD22CD"])
            .chain(NATIONS_CODE_COLUMNS)
        {
            if !all.iter().any(|a| a.eq_ignore_ascii_case(c)) {
                all.push(c);
            }
        }
        all
    });

/// The command-line flags that name the code and figure columns, for messages.
#[derive(Debug, Clone, Copy)]
pub struct ColumnFlags {
    pub code: &'static str,
    pub figure: &'static str,
    /// The flag that names a workbook's sheet, if this input has one (`--sheet` for
    /// `--births`; small-area figures have none).
    pub sheet: Option<&'static str>,
    /// Headers found for the code column, as examples for the message when none is.
    pub code_examples: &'static str,
}

/// The flags for `--births`.
pub const BIRTHS_COLUMN_FLAGS: ColumnFlags = ColumnFlags {
    code: "--births-code-column",
    figure: "--births-column",
    sheet: Some("--sheet"),
    code_examples: r#""Area code", "code", "LAD24CD""#,
};

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

/// Figure headers that say nothing of what they count: a column found by one of these is
/// reported, since in a table with several figures it may not be the one meant (a
/// population "Total" beside the single years of age).
pub const GENERIC_FIGURE_COLUMNS: &[&str] = &["count", "value", "observation", "total", "number"];

/// The largest figure one area can have. The UK has about 700,000 births a year; a larger
/// figure is another column or a typing slip, and far larger ones would overflow the totals.
const MAX_FIGURE: f64 = 10_000_000.0;

/// Values ONS and others use for suppressed or unavailable figures.
const SUPPRESSED: &[&str] = &[
    ":", "x", "[x]", "[c]", "[z]", "[u]", "[low]", "..", "-", "c", "z", "*", "n/a", "na", "#n/a",
];

/// Reads one figure per area from a CSV table.
///
/// `known_codes` are the areas in the boundaries: rows for other codes (countries, regions,
/// counties in an ONS table) are reported as a note and ignored. `None` takes every code as
/// an area: the table is checked on its own, as when the boundaries could not be read. `figure_columns` lists the
/// headers tried for the figure when no column is named.
pub fn read_figures(
    input: &Input,
    opts: &FigureOptions,
    figure_columns: &[&str],
    known_codes: Option<&HashSet<&str>>,
    diag: &mut Diagnostics,
) -> Result<Figures> {
    read_figures_in(
        input,
        opts,
        &BIRTHS_CODE_COLUMNS,
        figure_columns,
        BIRTHS_COLUMN_FLAGS,
        known_codes,
        diag,
    )
}

/// [`read_figures`] for another geography: `code_columns` lists the headers tried for the
/// area code when none is named (small areas use `lsoa11_code`, `dz11_code`, ...), and
/// messages name `flags`.
pub fn read_figures_in(
    input: &Input,
    opts: &FigureOptions,
    code_columns: &[&str],
    figure_columns: &[&str],
    flags: ColumnFlags,
    known_codes: Option<&HashSet<&str>>,
    diag: &mut Diagnostics,
) -> Result<Figures> {
    let known = |code: &str| known_codes.is_none_or(|k| k.contains(code));
    let label = input.label();
    let format_err = |message: String| Error::Format {
        path: input.path_for_errors(),
        message,
    };
    // Rows of cells from a CSV file or a workbook sheet; everything after is shared.
    let (rows, sheet) = if is_workbook(input) {
        let path = input.path().expect("a workbook is a file");
        let sheets = workbook_sheets(path)?;
        let names: Vec<String> = sheets.iter().map(|(n, _)| format!("{n:?}")).collect();
        match &opts.sheet {
            Some(want) => {
                let (name, rows) =
                    sheets.into_iter().find(|(n, _)| n == want).ok_or_else(|| {
                        format_err(format!(
                            "has no sheet {want:?}; its sheets are {}",
                            names.join(", ")
                        ))
                    })?;
                (rows, Some(name))
            }
            None => {
                // ONS workbooks open with cover, contents and notes sheets: take the first
                // sheet whose header row can be found.
                match sheets.into_iter().find(|(_, rows)| {
                    find_header(rows, opts, code_columns, figure_columns).is_some()
                }) {
                    Some((name, rows)) => {
                        diag.note(
                            &label,
                            None,
                            match flags.sheet {
                                Some(flag) => format!("figures read from sheet {name:?} (the first with an area code and a figure column; choose another with {flag})"),
                                None => format!("figures read from sheet {name:?}, the first with an area code and a figure column (to read another, save it as CSV)"),
                            },
                        );
                        (rows, Some(name))
                    }
                    None => {
                        let sheet = match flags.sheet {
                            Some(flag) => format!("name the sheet with {flag}"),
                            None => "save the sheet as CSV".to_string(),
                        };
                        return Err(format_err(format!(
                            "no sheet has an area code column and a figure column in its first 30 rows (sheets: {}); {sheet} and name the columns with {} and {}",
                            names.join(", "),
                            flags.code,
                            flags.figure
                        )));
                    }
                }
            }
        }
    } else {
        if let Some(sh) = &opts.sheet {
            return Err(format_err(format!(
                "--sheet {sh:?} was given but this is not a workbook (.xlsx, .xls or .ods); it is read as CSV, which has no sheets"
            )));
        }
        (csv_rows(input)?, None)
    };
    if rows.is_empty() {
        return Err(format_err(
            "is empty; expected a table with an area code column and a figure column".into(),
        ));
    }

    // ONS tables start with title and note rows; the header is the first row in which both
    // columns can be found.
    let found = find_header(&rows, opts, code_columns, figure_columns);
    let Some((hi, ci, fi)) = found else {
        return Err(format_err(no_columns_found(
            &rows,
            opts,
            &flags,
            code_columns,
            figure_columns,
        )));
    };
    let header = &rows[hi].1;
    let header_line = rows[hi].0;
    let ci = code_column_matching(&rows[hi + 1..], header, ci, fi, opts, known_codes)
        .inspect(|&(j, n, m)| {
            diag.note(
                &label,
                Some(Place::Line(header_line)),
                format!(
                    "area codes read from column {:?} (field {}), which holds {} of the boundaries' codes, not {:?}, which holds {}; name the column with {} to choose",
                    header[j].trim(),
                    j + 1,
                    crate::write::thousands(n as u64),
                    header[ci].trim(),
                    crate::write::thousands(m as u64),
                    flags.code
                ),
            )
        })
        .map_or(ci, |(j, ..)| j);
    if rows[hi + 1..]
        .iter()
        .all(|(_, cells)| cells.iter().all(|c| c.trim().is_empty()))
    {
        return Err(format_err(format!(
            "has a header (line {header_line}) but no rows of figures below it"
        )));
    }
    let figure_column_chosen_by = if opts.figure_column.is_some() {
        ColumnChoice::Flag
    } else if GENERIC_FIGURE_COLUMNS
        .iter()
        .any(|g| columns::fold(g) == columns::fold(&header[fi]))
    {
        diag.note(
            &label,
            Some(Place::Line(header_line)),
            format!(
                "figures read from column {:?} (field {} of the header): a generic header, taken as the figure because no column names it; check that it holds the figure for each area (not a population total, or several years), or name the column with {}",
                header[fi].trim(),
                fi + 1,
                flags.figure
            ),
        );
        ColumnChoice::Generic
    } else {
        ColumnChoice::Recognised
    };

    // A column named with the flag whose header is the other measure's (`age_0` read as live
    // births): the outputs would call the figures by the wrong name.
    if let (Some(_), false, Some(other)) = (
        &opts.figure_column,
        matches!(input, Input::BuiltIn { .. }),
        OtherMeasure::of(figure_columns),
    ) {
        let (this, that, flag) = (other.this, other.that, other.flag);
        // "0" heads the age-0 column of a table by single year of age, but a column so headed
        // may hold anything: only a header that says its measure is taken at its word.
        let specific: Vec<&str> = other.headers.into_iter().filter(|c| *c != "0").collect();
        if columns::find(std::slice::from_ref(&header[fi]), &specific).is_some() {
            diag.warn(
                &label,
                Some(Place::Line(header_line)),
                format!(
                    "column {:?}, named with {}, is headed as {that}, but the outputs call its figures {this}: give {flag} if it holds {that}",
                    header[fi].trim(),
                    flags.figure
                ),
            );
        }
    }

    let mut values: HashMap<String, Option<u64>> = HashMap::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    // By code in upper case (to tell districts apart), the code as the table writes it and
    // the row's name.
    let mut ignored: BTreeMap<String, (String, String)> = BTreeMap::new();
    // Each area's first row, to say how a repeated row differs from it.
    let mut first_cells: HashMap<String, Vec<String>> = HashMap::new();
    // A figure such as 1234.000 or 974.5 shows the column's points are decimal points, so
    // 974.000 beside it is 974, as a `%.3f` export writes it, not 974,000. One such as 7.084
    // shows nothing: it may be 7,084 too.
    let points_are_decimal = rows.iter().skip(hi + 1).any(|(_, c)| {
        c.get(fi).is_some_and(|v| {
            v.contains('.') && !point_may_separate_thousands(v) && parse_number(v).is_some()
        })
    });
    // Each area's own row: a code on a line of a cell spanning lines is swallowed only if
    // it has none.
    let own_rows: std::collections::HashSet<&str> = rows
        .iter()
        .skip(hi + 1)
        .filter_map(|(_, c)| c.get(ci).map(|v| v.trim()))
        .collect();
    for (line, cells) in rows.iter().skip(hi + 1) {
        let place = Some(Place::Line(*line));
        // A quote left open makes one field of everything up to the next quote, or to the end
        // of the file: the rows below vanish into it, and their areas have no figure. A field
        // over several lines that holds area codes at its lines' starts is such a field.
        if let Some((k, cell)) = cells.iter().enumerate().find(|(_, c)| c.contains('\n')) {
            let swallowed: Vec<&str> = cell
                .lines()
                .skip(1)
                .filter_map(|l| {
                    // A row of the table: fields, with a known code in the code column.
                    let fields: Vec<&str> =
                        l.split(',').map(|f| f.trim().trim_matches('"')).collect();
                    fields
                        .get(ci)
                        .copied()
                        .filter(|f| fields.len() >= 2 && known(f) && !own_rows.contains(f))
                })
                .collect();
            if !swallowed.is_empty() {
                let last = *line + cell.trim_end().matches('\n').count() as u64;
                let code = cells.get(ci).map_or("", |c| c.trim());
                let code = if code != cell.trim() && known(code) {
                    format!("{code}: ")
                } else {
                    String::new()
                };
                let shown: Vec<&str> = swallowed.iter().copied().take(5).collect();
                diag.error(
                    &label,
                    place,
                    format!(
                        "{code}a quote (\") in field {} (column {:?}) is left open: the field runs to line {last} and swallows {} {} below it ({}{}), whose {} would be lost; close the quote or remove it",
                        k + 1,
                        header.get(k).map_or("", |h| h.trim()),
                        swallowed.len(),
                        crate::write::plural(swallowed.len(), "row", "rows"),
                        shown.join(", "),
                        if swallowed.len() > shown.len() { ", ..." } else { "" },
                        crate::write::plural(swallowed.len(), "figure", "figures"),
                    ),
                );
                continue;
            }
        }
        let code = cells.get(ci).map(|s| s.trim()).unwrap_or("");
        let raw = cells.get(fi).map(|s| s.trim()).unwrap_or("");
        if code.is_empty() || code.contains(char::is_whitespace) {
            // Blank rows, and footnotes below ONS tables ("Note: ...", "Source: ..."), which
            // land in the code column when it is the first: no area code has a space.
            continue;
        }
        // ONS codes are upper case; a table typed by hand may not be.
        let code_key = if known(code) {
            code.to_string()
        } else {
            code.to_ascii_uppercase()
        };
        if !known(code_key.as_str()) {
            let name = cells
                .iter()
                .enumerate()
                .find(|(i, c)| {
                    *i != ci && *i != fi && !c.trim().is_empty() && parse_number(c).is_none()
                })
                .map(|(_, c)| c.trim().to_string())
                .unwrap_or_default();
            ignored.insert(code_key, (code.to_string(), name));
            continue;
        }
        if let Some(first) = first_line.get(&code_key) {
            // A table by sex, year or age (NRS's and NISRA's downloads often are) repeats each
            // area: name the column that tells the rows apart, so the user knows which to keep.
            let differs = first_cells.get(&code_key).and_then(|was| {
                (0..header.len().min(cells.len()).min(was.len()))
                    .filter(|&k| k != ci && k != fi)
                    .find(|&k| was[k].trim() != cells[k].trim())
                    .map(|k| {
                        format!(
                            ": the two rows differ in column {:?} ({:?}, then {:?}); is the table by sex, year or age? keep only the rows wanted",
                            header[k].trim(),
                            was[k].trim(),
                            cells[k].trim()
                        )
                    })
            });
            diag.error(
                &label,
                place,
                format!(
                    "area {code} appears again (first on line {first}); give one figure per area{}",
                    differs.unwrap_or_default()
                ),
            );
            continue;
        }
        first_line.insert(code_key.clone(), *line);
        first_cells.insert(code_key.clone(), cells.clone());
        if cells.len() <= fi {
            // A row that stops before the figure column. A quote left open swallows the rows
            // below it into one field: an error, since those areas' figures are lost. Otherwise
            // it is a row whose last cells are blank, which some versions of Excel save without
            // their trailing commas: a blank figure, as in a complete row.
            let message = format!(
                "{code}: the row has {} {}, so nothing in column {:?} (field {} of the header on line {header_line})",
                cells.len(),
                crate::write::plural(cells.len(), "field", "fields"),
                header[fi].trim(),
                fi + 1
            );
            if cells.iter().any(|c| c.contains('\n')) {
                diag.error(
                    &label,
                    place,
                    format!("{message}; a field on it runs over several lines: is a quote (\") left open?"),
                );
                continue;
            }
            diag.warn(
                &label,
                place,
                format!("{message}, as Excel saves a row whose last cells are blank; the area has no figure and is left out of totals"),
            );
            values.insert(code_key, None);
            continue;
        }
        // A row longer than the header whose figure is followed by more digits: a number
        // with a comma not in quotes ("1,784" or "12,5" typed into a CSV), which the comma
        // split into two fields, so only its first part would be read.
        // Lengths are to the last field that is not blank, as Excel saves empty columns
        // after the header's last named one as empty fields (`births,,`) on every row.
        let next = cells.get(fi + 1).map(|s| s.trim()).unwrap_or("");
        if columns::width(cells) > columns::width(header.iter())
            && !raw.is_empty()
            && raw.bytes().all(|b| b.is_ascii_digit())
            && !next.is_empty()
            && next.bytes().all(|b| b.is_ascii_digit())
        {
            diag.error(
                &label,
                place,
                format!(
                    "{code}: the row has {} fields, more than the header's {}, and figure {raw:?} in column {:?} is followed by {next:?}: is {raw},{next} a number with a comma that is not in quotes? A comma ends a field in a CSV: write the number without it (or in quotes), and decimals with a point",
                    columns::width(cells),
                    columns::width(header.iter()),
                    header[fi].trim(),
                ),
            );
            continue;
        }
        let value = if SUPPRESSED.iter().any(|s| raw.eq_ignore_ascii_case(s)) || raw.is_empty() {
            diag.warn(&label, place, format!("{code}: figure is suppressed ({raw:?}); the area has no figure and is left out of totals"));
            None
        } else if !points_are_decimal && point_may_separate_thousands(raw) {
            let (decimal, thousands) = crate::read::thousands_readings(raw);
            let could_be = match decimal {
                Some(d) => format!("could be {d} (a decimal point) or {thousands}"),
                None => format!("could be {thousands}"),
            };
            diag.error(
                &label,
                place,
                format!(
                    "{code}: figure {raw:?} in column {:?} {could_be} (a point between thousands, as much of Europe writes them); write it without the point, or with a comma for thousands",
                    header[fi].trim(),
                ),
            );
            continue;
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
                Some(v) if v > MAX_FIGURE => {
                    diag.error(
                        &label,
                        place,
                        format!(
                            "{code}: figure {raw:?} in column {:?} is more than {}, more babies than the UK has in ten years: is it the right column?",
                            header[fi].trim(),
                            crate::write::thousands(MAX_FIGURE as u64)
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
                            "{code}: figure {raw:?} in column {:?} is not a number{}",
                            header[fi].trim(),
                            decimal_comma_hint(&[raw])
                        ),
                    );
                    continue;
                }
            }
        };
        values.insert(code_key, value);
    }
    // Districts of the UK outside boundaries for part of it, and codes of other geographies
    // (the countries, regions and counties in ONS tables), said apart.
    let districts = crate::land::built_in_codes();
    let (outside, other): (Vec<_>, Vec<_>) = ignored
        .iter()
        .partition(|(c, _)| districts.binary_search(&c.as_str()).is_ok());
    for (rows, what) in [
        (outside, "for UK districts that are not areas of the boundaries given"),
        (
            other,
            "for codes not in the boundaries (countries, regions or counties in ONS tables, or other geographies)",
        ),
    ] {
        if rows.is_empty() {
            continue;
        }
        let shown: Vec<String> = rows
            .iter()
            .take(8)
            .map(|(_, (c, n))| {
                if n.is_empty() {
                    c.to_string()
                } else {
                    format!("{c} {n}")
                }
            })
            .collect();
        let more = if rows.len() > 8 {
            format!(" and {} more", crate::write::thousands((rows.len() - 8) as u64))
        } else {
            String::new()
        };
        diag.note(
            &label,
            None,
            format!(
                "{} {} {what} {} ignored: {}{more}",
                crate::write::thousands(rows.len() as u64),
                crate::write::plural(rows.len(), "row", "rows"),
                crate::write::plural(rows.len(), "was", "were"),
                shown.join(", ")
            ),
        );
    }
    Ok(Figures {
        values,
        code_column: header[ci].trim().to_string(),
        figure_column: header[fi].trim().to_string(),
        figure_column_chosen_by,
        header_line,
        sheet,
    })
}
