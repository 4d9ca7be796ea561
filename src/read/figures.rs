//! Reading a demand figure per area (live births, or population aged 0) from a table as ONS
//! publishes it: a CSV file, or a sheet of an Excel workbook (.xlsx, .xls, .ods), with title
//! and note rows above the header. Both are read into rows of text cells first, so finding the
//! header and reading the figures is one piece of code for both.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::error::{Diagnostics, Error, Place, Result};
use crate::model::ColumnChoice;
use crate::read::columns;
use crate::read::names::{is_total, AreaNames, Named};
use crate::read::{decimal_comma_hint, parse_number, point_may_separate_thousands, Input};
use crate::small_areas::SMALL_CODE_FIELDS;

/// Which columns to use; found by header when `None`.
#[derive(Debug, Clone, Default)]
pub struct FigureOptions {
    pub code_column: Option<String>,
    /// The column of area names, for a table with no code column (`--births-name-column`);
    /// found by header when `None` and no code column is found.
    pub name_column: Option<String>,
    pub figure_column: Option<String>,
    /// The sheet to read from a workbook; found by its header row when `None`.
    pub sheet: Option<String>,
}

/// The figures read for the areas in the boundaries.
#[derive(Debug, Clone)]
pub struct Figures {
    /// Figure per area code; `None` where the table suppressed the value.
    pub values: HashMap<String, Option<u64>>,
    /// The line (or workbook row) of each area's row, by the keys of `values`: for messages
    /// about an area's figure read from two tables.
    pub places: HashMap<String, Place>,
    /// The column the areas were found by: their codes, or their names when `by_name`.
    pub code_column: String,
    /// Whether the areas were found by name, the table having no code column.
    pub by_name: bool,
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

impl Figures {
    /// The column the areas were found by, in words: `codes in column "LAD24CD"`.
    pub fn keys_read(&self) -> String {
        let what = if self.by_name { "names" } else { "codes" };
        format!("{what} in column {:?}", self.code_column)
    }

    /// For the figures' source, when the areas were found by name: `areas matched by name,
    /// column "Council area"`.
    pub fn matched_by_name(&self) -> Option<String> {
        self.by_name
            .then(|| format!("areas matched by name, column {:?}", self.code_column))
    }
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

/// Reads a CSV input into rows of cells. A file named as a workbook that is not one by its
/// content is read as CSV (a CSV saved as `.xlsx`); empty, it is said to be an empty workbook
/// or CSV file, as either was meant.
pub fn csv_rows(input: &Input) -> Result<Rows> {
    let named_workbook = input
        .path()
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["xlsx", "xlsm", "xls", "ods"].contains(&e.to_ascii_lowercase().as_str()));
    let text = input.text(if named_workbook {
        "workbook (.xlsx, .xls or .ods) or CSV"
    } else {
        "CSV"
    })?;
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

/// What follows a date cell's text as a figure is read ([`cell_text`]); a list read as CSV
/// ([`sheet_as_csv`]) has the date alone.
const A_DATE: &str = " (a date)";

/// A workbook cell as the text a CSV export would hold: whole numbers without a decimal
/// point, so `15208.0` reads as `15208`. A number is taken to the 15 significant digits Excel
/// shows and saves as CSV: a figure a formula worked out (`=B2*C2`, a sum of shares) can hold
/// a trace of floating-point error, `1438.0000000000002`, which Excel shows as 1438. A cell
/// formatted as a date or a time (as Excel formats `1-5` or `3/4` typed in) holds its serial
/// number, days since 1900: it is given as the date it shows, said to be one
/// (`2020-01-01 (a date)`), so that it is not read as 43,831 babies.
fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty => String::new(),
        Data::Float(f) => {
            let f = as_excel_shows(*f);
            if f.fract() == 0.0 && f.abs() < 9e15 {
                format!("{}", f as i64)
            } else {
                f.to_string()
            }
        }
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, day, h, mi, sec, _) = dt.to_ymd_hms_milli();
            if (h, mi, sec) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}{A_DATE}")
            } else {
                format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{sec:02}{A_DATE}")
            }
        }
        Data::DateTime(dt) => format!("{} (a duration)", dt.as_f64()),
        Data::DateTimeIso(t) => format!("{t}{A_DATE}"),
        Data::DurationIso(t) => format!("{t} (a duration)"),
        other => other.to_string(),
    }
}

/// A number to the 15 significant digits Excel keeps in what it shows and saves as CSV, so
/// that `1438.0000000000002` is 1438 and `52.486200000000004` is 52.4862.
fn as_excel_shows(f: f64) -> f64 {
    if !f.is_finite() || f == 0.0 {
        return f;
    }
    format!("{f:.14e}").parse().unwrap_or(f)
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
/// assert_eq!(sheets[0].name, "Table 1");
/// assert_eq!(sheets[0].rows, [(3, vec!["code".to_string()]), (4, vec!["15208".to_string()])]);
/// assert!(!sheets[0].hidden);
/// ```
pub fn workbook_sheets(path: &std::path::Path) -> Result<Vec<WorkbookSheet>> {
    use calamine::Reader;
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let ferr = |message: String| Error::Format {
        path: path.to_path_buf(),
        message,
    };
    let mut wb = match calamine::open_workbook_auto_from_rs(std::io::Cursor::new(&bytes[..])) {
        Ok(wb) => wb,
        Err(_) if password_protected(&bytes) => {
            return Err(ferr(
                "is a workbook protected with a password (Excel's File > Info > Protect \
                 Workbook > Encrypt with Password), which covgap cannot open; clear the \
                 password there and save the workbook, or save the sheet as CSV"
                    .to_string(),
            ))
        }
        Err(e) => {
            return Err(ferr(format!(
                "starts like an Excel workbook but cannot be read as one ({e}); \
                 save the sheet as CSV, or give a real .xlsx/.xls/.ods workbook"
            )))
        }
    };
    // Hidden sheets (a past year's table kept out of sight, a lookup) are not what a user
    // sees on opening the workbook.
    let hidden: HashSet<String> = wb
        .sheets_metadata()
        .iter()
        .filter(|s| s.visible != calamine::SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect();
    let recalculated = asks_to_recalculate_on_load(&bytes);
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| ferr(format!("sheet {name:?} cannot be read: {e}")))?;
        let first = range.start().map_or(0, |(r, _)| r as u64);
        let lead = range.start().map_or(0, |(_, c)| c as usize);
        let mut rows: BTreeMap<u64, Vec<String>> = range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                let mut v: Vec<String> = vec![String::new(); lead];
                v.extend(cells.iter().map(cell_text));
                (first + i as u64 + 1, v)
            })
            .collect();
        // A formula's cell holds the result last worked out, which a workbook written by a
        // program rather than saved by Excel may not hold: none (openpyxl), or 0 with the
        // workbook asking to be recalculated when opened (XlsxWriter, rust_xlsxwriter). Excel
        // shows the result; read as it is, the cell would be blank or 0 babies.
        let formulas = wb.worksheet_formula(&name).ok();
        for (row, col, formula) in formulas.iter().flat_map(|f| {
            let (r0, c0) = f.start().unwrap_or((0, 0));
            f.used_cells()
                .map(move |(r, c, v)| (r0 + r as u32, c0 + c as u32, v))
        }) {
            let held = range
                .get_value((row, col))
                .is_some_and(|d| !matches!(d, calamine::Data::Empty));
            if held && !recalculated {
                continue;
            }
            let cells = rows.entry(row as u64 + 1).or_default();
            let col = col as usize;
            if cells.len() <= col {
                cells.resize(col + 1, String::new());
            }
            cells[col] = format!(
                "={formula} (a formula whose result the workbook does not hold: open it in Excel and save it)"
            );
        }
        let rows = rows.into_iter().collect();
        out.push(WorkbookSheet {
            hidden: hidden.contains(&name),
            name,
            rows,
        });
    }
    Ok(out)
}

/// Whether an .xlsx workbook asks to have its formulas worked out again when opened
/// (`<calcPr fullCalcOnLoad="1"/>`), as the libraries that write formulas without working
/// them out mark it (XlsxWriter, rust_xlsxwriter, openpyxl): its formulas' cells then hold 0
/// or nothing, not the results Excel shows. Excel drops the mark when it saves the workbook.
fn asks_to_recalculate_on_load(bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return false;
    };
    let Ok(part) = zip.by_name("xl/workbook.xml") else {
        return false;
    };
    let mut xml = String::new();
    if part.take(1 << 24).read_to_string(&mut xml).is_err() {
        return false;
    }
    // `<calcPr ...>`, with a namespace prefix or not.
    let Some(start) = xml.find("calcPr") else {
        return false;
    };
    let calc = &xml[start..];
    let calc = &calc[..calc.find('>').unwrap_or(calc.len())];
    calc.contains("fullCalcOnLoad=\"1\"") || calc.contains("fullCalcOnLoad=\"true\"")
}

/// Whether a workbook is encrypted with a password: an .xlsx (or .xlsm) so saved is no longer
/// a zip but an OLE2 compound file holding an `EncryptedPackage` stream, and an .xls so saved
/// has a `FILEPASS` record, which calamine reports. Either reads as no workbook at all
/// ("Cannot detect file format") when opened as any kind.
fn password_protected(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return false;
    }
    let stream: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.windows(stream.len()).any(|w| w == stream.as_slice())
        || matches!(
            calamine::open_workbook_from_rs::<calamine::Xls<_>, _>(std::io::Cursor::new(bytes)),
            Err(calamine::XlsError::Password)
        )
}

/// A sheet of a workbook ([`workbook_sheets`]).
#[derive(Debug, Clone, PartialEq)]
pub struct WorkbookSheet {
    pub name: String,
    /// Its rows of cells, numbered as Excel numbers rows.
    pub rows: Rows,
    /// Whether the workbook hides it (Excel's "Hide" or "very hidden"), so that a user opening
    /// the workbook does not see it.
    pub hidden: bool,
}

/// The sheets' names, quoted and separated by commas, as messages list them
/// (`"Cover", "Notes", "Table 1"`).
pub fn sheet_names(sheets: &[WorkbookSheet]) -> String {
    let names: Vec<String> = sheets.iter().map(|s| format!("{:?}", s.name)).collect();
    names.join(", ")
}

/// The sheet of `sheets` named `want`, as Excel names sheets: without regard to case (a
/// workbook cannot hold "Teams" and "teams" both), the name as given first.
///
/// # Examples
/// ```
/// use covgap::read::figures::{find_sheet, WorkbookSheet};
/// let sheet = |name: &str| WorkbookSheet { name: name.into(), rows: vec![], hidden: false };
/// let sheets = [sheet("Table 1"), sheet("In development")];
/// assert_eq!(find_sheet(&sheets, "in Development").unwrap().name, "In development");
/// assert!(find_sheet(&sheets, "Table 2").is_none());
/// ```
pub fn find_sheet<'a>(sheets: &'a [WorkbookSheet], want: &str) -> Option<&'a WorkbookSheet> {
    sheets.iter().find(|s| s.name == want).or_else(|| {
        sheets
            .iter()
            .find(|s| s.name.to_lowercase() == want.to_lowercase())
    })
}

/// A sheet of a workbook as the CSV text a reader of CSV takes ([`sheet_as_csv`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SheetCsv {
    /// The sheet's name.
    pub name: String,
    /// Whether the workbook hides it (no visible sheet had the header).
    pub hidden: bool,
    /// The header's row, as Excel numbers rows: the text's first line.
    pub header_row: u64,
    /// The sheet from its header row down, one line a row (a row with nothing in it an empty
    /// line), so that line `n` of the text is row `header_row + n - 1` of the sheet.
    pub text: String,
}

impl SheetCsv {
    /// The text with an empty line for each row above the header, so that its line `n` is
    /// the sheet's row `n`, for a reader that counts lines from the top.
    pub fn text_from_row_1(&self) -> String {
        "\n".repeat(self.header_row as usize - 1) + &self.text
    }
}

/// The sheet a list is read from, as CSV: the sheet named `want` (a flag such as
/// `--teams-sheet`; an error naming the workbook's sheets when it has none of that name), or
/// else the first sheet with a header (a row for which `is_header` holds) in one of its first
/// 30 rows with anything in them, of the visible sheets first, then of those the workbook
/// hides. Rows above the header (a title) are passed over; a line break typed in a cell is
/// read as a space, so that each row stays one line, and a date cell as the date
/// (`2025-03-04`). `None` when no sheet looked at has such a header.
///
/// # Examples
/// ```
/// use covgap::read::figures::{sheet_as_csv, WorkbookSheet};
/// let row = |n: u64, cells: &[&str]| (n, cells.iter().map(|c| c.to_string()).collect());
/// let sheets = [
///     WorkbookSheet { name: "Notes".into(), rows: vec![row(1, &["About"])], hidden: false },
///     WorkbookSheet {
///         name: "Clients".into(),
///         rows: vec![row(1, &["Clients, 2025"]), row(3, &["id", "postcode"]), row(4, &["1", "OX1\n1AA"])],
///         hidden: false,
///     },
/// ];
/// let path = std::path::Path::new("c.xlsx");
/// let postcode = |h: &[String]| h.contains(&"postcode".to_string());
/// let s = sheet_as_csv(path, &sheets, None, postcode).unwrap().unwrap();
/// assert_eq!((s.name.as_str(), s.header_row), ("Clients", 3));
/// assert_eq!(s.text, "id,postcode\n1,OX1 1AA\n");
/// // The notes sheet, named, has no such header; a sheet not in the workbook is an error.
/// assert_eq!(sheet_as_csv(path, &sheets, Some("Notes"), postcode).unwrap(), None);
/// let e = sheet_as_csv(path, &sheets, Some("2025"), postcode).unwrap_err();
/// assert_eq!(e.to_string(), "c.xlsx: has no sheet \"2025\"; its sheets are \"Notes\", \"Clients\"");
/// ```
pub fn sheet_as_csv(
    path: &std::path::Path,
    sheets: &[WorkbookSheet],
    want: Option<&str>,
    is_header: impl Fn(&[String]) -> bool,
) -> Result<Option<SheetCsv>> {
    let header = |rows: &Rows| -> Option<u64> {
        rows.iter()
            .filter(|(_, c)| c.iter().any(|v| !v.trim().is_empty()))
            .take(30)
            .find(|(_, cells)| is_header(cells))
            .map(|(n, _)| *n)
    };
    let found = match want {
        Some(want) => {
            let sheet = find_sheet(sheets, want).ok_or_else(|| Error::Format {
                path: path.to_path_buf(),
                message: format!(
                    "has no sheet {want:?}; its sheets are {}",
                    sheet_names(sheets)
                ),
            })?;
            header(&sheet.rows).map(|row| (sheet, row))
        }
        None => [false, true].into_iter().find_map(|hidden| {
            sheets
                .iter()
                .filter(|s| s.hidden == hidden)
                .find_map(|s| header(&s.rows).map(|row| (s, row)))
        }),
    };
    let Some((sheet, header_row)) = found else {
        return Ok(None);
    };
    let err = |n: u64, e: csv::Error| Error::Format {
        path: path.to_path_buf(),
        message: format!("sheet {:?}, row {n}: {e}", sheet.name),
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .flexible(true)
        .from_writer(Vec::new());
    let mut next = header_row;
    for (n, cells) in sheet.rows.iter().filter(|(n, _)| *n >= header_row) {
        while next < *n {
            w.write_record(None::<&[u8]>).map_err(|e| err(next, e))?;
            next += 1;
        }
        // A date is the date (`2025-03-04`), as the outputs copy a list's cells: a client's
        // date of referral is not "2025-03-04 (a date)". It is no more a number so.
        let cells = cells.iter().map(|c| {
            c.strip_suffix(A_DATE)
                .unwrap_or(c)
                .replace(['\r', '\n'], " ")
        });
        w.write_record(cells).map_err(|e| err(*n, e))?;
        next = n + 1;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| err(next, e.into_error().into()))?;
    Ok(Some(SheetCsv {
        name: sheet.name.clone(),
        hidden: sheet.hidden,
        header_row,
        text: String::from_utf8(bytes).expect("written from text"),
    }))
}

/// Why no header row holds both columns, as exactly as the first rows show it: a file
/// separated by semicolons or tabs (as Excel saves CSV in much of Europe); the code column
/// found (its line) with no figure column, or the reverse; a column named with a flag that
/// no row has; and, when the figure column is missing, a column of the other measure's
/// figure (`--measure age0` for a table of the population aged 0, say). `names_flag`, when
/// the table could be read by area name, is offered beside the code column's flag.
fn no_columns_found(
    rows: &Rows,
    opts: &FigureOptions,
    flags: &ColumnFlags,
    code_columns: &[&str],
    figure_columns: &[&str],
    names_flag: Option<&str>,
    row: &str,
) -> String {
    // Read by the column of names named with --births-name-column, it is the one looked for.
    let key = if flags.code == NAME_FLAG {
        "column of area names"
    } else {
        "code column"
    };
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
            "no usable figures: found the {} {:?} on {row} {line}, but no {wanted_fig} there or above{}; {row} {line} has {}; name the figure column with {}",
            if flags.code == NAME_FLAG { key } else { "area code column" },
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
        let or_names = names_flag
            .map(|n| format!(", or a column of area names with {n}"))
            .unwrap_or_default();
        return format!(
            "no usable figures: found the figure column {:?} on {row} {line}, but no {wanted_code} there or above; {row} {line} has {}; name the {key} with {}{or_names}",
            cells[f].trim(),
            list(cells),
            flags.code
        );
    }
    let or_names = names_flag
        .map(|n| format!(" (or a column of area names with {n})"))
        .unwrap_or_default();
    format!(
        "no usable figures: could not find an {wanted_code} or a {wanted_fig} in the first rows{}; the first row has {}; name the columns with {}{or_names} and {}",
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

/// The headers tried for a column of area names, in a `--births` table with no code column
/// (National Records of Scotland's births by council area give `Council area` and no code):
/// as ONS, the nations' bodies and people head a column of names.
pub const NAME_COLUMNS: &[&str] = &[
    "area name",
    "name",
    "area",
    "council area",
    "council area name",
    "council",
    "local authority",
    "local authority name",
    "local authority district",
    "local authority district name",
    "local government district",
    "local government district name",
    "la name",
    "lad name",
    "district",
    "district name",
    "geography",
    "geography name",
    "health board",
    "health board name",
    "LAD24NM",
    "LAD23NM",
    "LAD22NM",
    "LAD21NM",
    "LAD25NM",
    "LAD19NM",
    "ltla24_name",
    "ltla23_name",
    "ltla22_name",
    "ltla21_name",
    "lgd14_name",
    "LGD14NM",
    "CA19NM",
    "CAName",
    "HBName",
];

/// The flag that names the column of area names.
const NAME_FLAG: &str = "--births-name-column";

/// How the areas of a table with no code column may be found by name.
#[derive(Debug, Clone, Copy)]
enum ByName<'a> {
    /// Not at all: a small-area table needs codes.
    Never,
    /// Each name found among the areas given.
    Areas(&'a AreaNames),
    /// Each name taken as it is written: the table checked on its own, with no areas.
    AsWritten,
}

/// The headers and flags of one kind of figures table.
#[derive(Clone, Copy)]
struct Columns<'a> {
    code: &'a [&'a str],
    figure: &'a [&'a str],
    flags: ColumnFlags,
}

/// The header row, the column the areas are found by and the figure column, and whether
/// that column holds names: the code column, found by header or named with a flag; else,
/// when names may be read, a column of names named with `--births-name-column` or found by
/// header, if no other column holds area codes (a code column under a header covgap does
/// not know is read once named, not the names beside it).
fn locate(
    rows: &Rows,
    opts: &FigureOptions,
    cols: Columns,
    names: ByName,
    known_codes: Option<&HashSet<&str>>,
) -> Option<(usize, usize, usize, bool)> {
    let as_names = FigureOptions {
        code_column: opts.name_column.clone(),
        ..opts.clone()
    };
    let by_name = || find_header(rows, &as_names, NAME_COLUMNS, cols.figure);
    if matches!(names, ByName::Never) {
        return find_header(rows, opts, cols.code, cols.figure).map(|(h, c, f)| (h, c, f, false));
    }
    if opts.name_column.is_some() {
        return by_name().map(|(h, c, f)| (h, c, f, true));
    }
    if let Some((h, c, f)) = find_header(rows, opts, cols.code, cols.figure) {
        return Some((h, c, f, false));
    }
    if opts.code_column.is_some() {
        return None;
    }
    let (h, c, f) = by_name()?;
    (!codes_elsewhere(rows, h, &[f], known_codes)).then_some((h, c, f, true))
}

/// Whether a column of the table below header row `h`, other than `skip`, holds area codes
/// (the column of names found included: an `Area` column may hold codes):
/// codes of the boundaries, or of ONS's form (a letter and eight digits).
fn codes_elsewhere(
    rows: &Rows,
    h: usize,
    skip: &[usize],
    known_codes: Option<&HashSet<&str>>,
) -> bool {
    let is_code = |v: &str| {
        let ons = v.len() == 9
            && v.as_bytes()[0].is_ascii_alphabetic()
            && v.bytes().skip(1).all(|b| b.is_ascii_digit());
        ons || known_codes.is_some_and(|k| k.contains(v))
    };
    rows.iter().skip(h + 1).take(200).any(|(_, cells)| {
        cells
            .iter()
            .enumerate()
            .any(|(j, v)| !skip.contains(&j) && is_code(v.trim()))
    })
}

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
///
/// A table with no area code column but a column of area names (`Council area`, as National
/// Records of Scotland publish births) is read by name: each name is found among `names`, the
/// areas given, and `values` is keyed by the code of the area found. `None` takes every name
/// as written, as `known_codes` does codes.
pub fn read_figures(
    input: &Input,
    opts: &FigureOptions,
    figure_columns: &[&str],
    known_codes: Option<&HashSet<&str>>,
    names: Option<&AreaNames>,
    diag: &mut Diagnostics,
) -> Result<Figures> {
    let cols = Columns {
        code: &BIRTHS_CODE_COLUMNS,
        figure: figure_columns,
        flags: BIRTHS_COLUMN_FLAGS,
    };
    let names = names.map_or(ByName::AsWritten, ByName::Areas);
    read_table(input, opts, cols, known_codes, names, diag)
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
    let cols = Columns {
        code: code_columns,
        figure: figure_columns,
        flags,
    };
    read_table(input, opts, cols, known_codes, ByName::Never, diag)
}

/// [`read_figures_in`], reading a table with no code column by area name as `names` says.
fn read_table(
    input: &Input,
    opts: &FigureOptions,
    cols: Columns,
    known_codes: Option<&HashSet<&str>>,
    names: ByName,
    diag: &mut Diagnostics,
) -> Result<Figures> {
    let Columns {
        code: code_columns,
        figure: figure_columns,
        flags,
    } = cols;
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
        let listed = sheet_names(&sheets);
        match &opts.sheet {
            Some(want) => {
                let sheet = find_sheet(&sheets, want).ok_or_else(|| {
                    format_err(format!("has no sheet {want:?}; its sheets are {listed}"))
                })?;
                (sheet.rows.clone(), Some(sheet.name.clone()))
            }
            None => {
                // ONS workbooks open with cover, contents and notes sheets: take the first
                // sheet whose header row can be found, by its codes, else by its names; of
                // the sheets a user sees first, then of those the workbook hides.
                let found = |by_name: bool, hidden: bool| {
                    move |s: &WorkbookSheet| {
                        s.hidden == hidden
                            && locate(&s.rows, opts, cols, names, known_codes)
                                .is_some_and(|f| f.3 == by_name)
                    }
                };
                let pick = [false, true].into_iter().find_map(|hidden| {
                    sheets
                        .iter()
                        .position(found(false, hidden))
                        .map(|i| (i, "an area code"))
                        .or_else(|| {
                            let i = sheets.iter().position(found(true, hidden))?;
                            Some((i, "a column of area names"))
                        })
                });
                // Hidden sheets passed over for the one read, or the reason a hidden one is.
                let hidden_names: Vec<String> = sheets
                    .iter()
                    .filter(|s| s.hidden)
                    .map(|s| format!("{:?}", s.name))
                    .collect();
                match pick.map(|(i, what)| (sheets.into_iter().nth(i), what)) {
                    Some((Some(sheet), what)) => {
                        // What was read, and what else the user should know of it.
                        let (first, also) = if sheet.hidden {
                            (
                                format!("a hidden sheet: no visible sheet has {what} and a figure column"),
                                String::new(),
                            )
                        } else if hidden_names.is_empty() {
                            (
                                format!("the first with {what} and a figure column"),
                                String::new(),
                            )
                        } else {
                            (
                                format!("the first visible sheet with {what} and a figure column"),
                                format!(
                                    "hidden {} {} passed over; ",
                                    crate::write::plural(hidden_names.len(), "sheet", "sheets"),
                                    crate::write::and_list(&hidden_names)
                                ),
                            )
                        };
                        let name = &sheet.name;
                        diag.note(
                            &label,
                            None,
                            match flags.sheet {
                                Some(flag) => format!("figures read from sheet {name:?} ({first}; {also}choose another with {flag})"),
                                None => format!("figures read from sheet {name:?}, {first} ({also}to read another, save it as CSV)"),
                            },
                        );
                        (sheet.rows, Some(sheet.name))
                    }
                    _ => {
                        let sheet = match flags.sheet {
                            Some(flag) => format!("name the sheet with {flag}"),
                            None => "save the sheet as CSV".to_string(),
                        };
                        return Err(format_err(format!(
                            "no sheet has an area code column and a figure column in its first 30 rows (sheets: {}); {sheet} and name the columns with {} and {}",
                            listed,
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
    // In a workbook, problems name the sheet and its rows as Excel numbers them.
    let label = match &sheet {
        Some(name) => format!("{label}, sheet {name:?}"),
        None => label,
    };
    let at = |line: u64| match sheet {
        Some(_) => Place::Row(line),
        None => Place::Line(line),
    };
    let line_word = if sheet.is_some() { "row" } else { "line" };
    let format_err = |message: String| Error::Format {
        path: input.path_for_errors(),
        message: match &sheet {
            Some(name) => format!("sheet {name:?}: {message}"),
            None => message,
        },
    };
    if rows.is_empty() {
        return Err(format_err(
            "is empty; expected a table with an area code column and a figure column".into(),
        ));
    }

    // ONS tables start with title and note rows; the header is the first row in which both
    // columns can be found.
    // A table with no code column is read by name, as `locate` says.
    let Some((hi, ci, fi, by_name)) = locate(&rows, opts, cols, names, known_codes) else {
        let may_name = !matches!(names, ByName::Never);
        return Err(format_err(match &opts.name_column {
            Some(_) if may_name => {
                let as_names = FigureOptions {
                    code_column: opts.name_column.clone(),
                    ..opts.clone()
                };
                let flags = ColumnFlags {
                    code: NAME_FLAG,
                    ..flags
                };
                no_columns_found(
                    &rows,
                    &as_names,
                    &flags,
                    NAME_COLUMNS,
                    figure_columns,
                    None,
                    line_word,
                )
            }
            _ => {
                let names_hint = (may_name
                    && opts.code_column.is_none()
                    && !codes_elsewhere(&rows, 0, &[], known_codes))
                .then_some(NAME_FLAG);
                no_columns_found(
                    &rows,
                    opts,
                    &flags,
                    code_columns,
                    figure_columns,
                    names_hint,
                    line_word,
                )
            }
        }));
    };
    let header = &rows[hi].1;
    let header_line = rows[hi].0;
    // Two columns under the figure's header (a year's "Persons" beside the next year's, the
    // year written in a row above): the first was read without a word, though the one meant
    // may be the other. No flag can tell them apart, so the table must; columns that agree on
    // every row (a column pasted twice) read the same either way.
    let same_header = |j: usize| {
        j != fi
            && !header[j].trim().is_empty()
            && columns::fold(&header[j]) == columns::fold(&header[fi])
    };
    if let Some(j) = (0..header.len()).find(|&j| {
        same_header(j)
            && rows[hi + 1..].iter().any(|(_, cells)| {
                let cell = |k: usize| cells.get(k).map_or("", |c| c.trim());
                cell(j) != cell(fi)
            })
    }) {
        let (a, b) = (fi.min(j), fi.max(j));
        return Err(Error::At {
            input: label,
            place: at(header_line),
            message: format!(
                "two columns are headed {:?} (fields {} and {}) and hold different figures, and covgap cannot tell which to read; rename one (by the year or group it is for, say) or remove it",
                header[fi].trim(),
                a + 1,
                b + 1
            ),
        });
    }
    let matching = if by_name {
        None
    } else {
        code_column_matching(&rows[hi + 1..], header, ci, fi, opts, known_codes)
    };
    let ci = matching
        .inspect(|&(j, n, m)| {
            diag.note(
                &label,
                Some(at(header_line)),
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
            "has a header ({line_word} {header_line}) but no rows of figures below it"
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
            Some(at(header_line)),
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
                Some(at(header_line)),
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
    // Whether a cell of the column the areas are found by gives one: a code of the boundaries,
    // or, read by name, an area's name.
    let is_area = |v: &str| match (by_name, names) {
        (false, _) => known(v),
        (true, ByName::Areas(n)) => matches!(n.find(v), Named::Area { .. }),
        (true, _) => !v.is_empty(),
    };
    // Read by name: how many names were found as written, and those found in other words.
    let mut as_written = 0usize;
    let mut reworded: Vec<String> = Vec::new();
    // Read by name: rows for totals, nations, regions and other geographies, as written.
    let mut not_areas: Vec<String> = Vec::new();
    // Each area's own row: a code on a line of a cell spanning lines is swallowed only if
    // it has none.
    let own_rows: std::collections::HashSet<&str> = rows
        .iter()
        .skip(hi + 1)
        .filter_map(|(_, c)| c.get(ci).map(|v| v.trim()))
        .collect();
    for (line, cells) in rows.iter().skip(hi + 1) {
        let place = Some(at(*line));
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
                        .filter(|f| fields.len() >= 2 && is_area(f) && !own_rows.contains(f))
                })
                .collect();
            if !swallowed.is_empty() {
                let last = *line + cell.trim_end().matches('\n').count() as u64;
                let code = cells.get(ci).map_or("", |c| c.trim());
                let code = if code != cell.trim() && is_area(code) {
                    format!("{code}: ")
                } else {
                    String::new()
                };
                diag.error(
                    &label,
                    place,
                    format!(
                        "{code}a quote (\") in field {} (column {:?}) is left open: the field runs to line {last} and swallows {} {} below it ({}), whose {} would be lost; close the quote or remove it",
                        k + 1,
                        header.get(k).map_or("", |h| h.trim()),
                        swallowed.len(),
                        crate::write::plural(swallowed.len(), "row", "rows"),
                        crate::write::first_of(swallowed.iter(), 5),
                        crate::write::plural(swallowed.len(), "figure", "figures"),
                    ),
                );
                continue;
            }
        }
        let code = cells.get(ci).map(|s| s.trim()).unwrap_or("");
        let raw = cells.get(fi).map(|s| s.trim()).unwrap_or("");
        // The area's code, and the area as messages name it: its code, or, read by name, the
        // name as written with the code found for it.
        let (code_key, code) = if by_name {
            if code.is_empty() {
                continue;
            }
            // With no areas to find names among, a row holding nothing but a name is a
            // footnote ("Source: ..."), passed over below as an unknown name with no figure.
            let alone = cells.iter().filter(|c| !c.trim().is_empty()).count() == 1;
            let found = match names {
                ByName::Areas(n) => n.find(code),
                _ if is_total(code) => Named::Other,
                _ if alone && raw.is_empty() => Named::Unknown,
                _ => Named::Area { code, exact: true },
            };
            match found {
                Named::Area { code: c, exact } => {
                    if exact {
                        as_written += 1;
                    } else if let ByName::Areas(n) = names {
                        reworded.push(format!("{code:?} as {} ({c})", n.name_of(c)));
                    }
                    let shown = match names {
                        ByName::Areas(_) => format!("{code:?} ({c})"),
                        _ => format!("{code:?}"),
                    };
                    (c.to_string(), shown)
                }
                Named::Several(areas) => {
                    let former = |c: &str| match names {
                        ByName::Areas(n) => n.former(c),
                        _ => None,
                    };
                    let (olds, current): (Vec<_>, Vec<_>) =
                        areas.iter().partition(|(_, c)| former(c).is_some());
                    let named = |list: &[&(&str, &str)]| -> String {
                        list.iter()
                            .map(|(n, c)| format!("{n} ({c})"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    let what = if olds.is_empty() {
                        format!(
                            "{} areas in the boundaries, {}",
                            current.len(),
                            named(&current)
                        )
                    } else {
                        // A district abolished since bears it too (data/successors.csv).
                        let s = former(olds[0].1).expect("a former district");
                        format!(
                            "{} in the boundaries, {}, and of {}, abolished on {} and now part of {} ({})",
                            match current.len() {
                                1 => "an area".to_string(),
                                n => format!("{n} areas"),
                            },
                            named(&current),
                            named(&olds),
                            crate::read::successors::since_words_of(
                                olds.iter().filter_map(|(_, c)| former(c))
                            ),
                            s.new_name,
                            s.new_code
                        )
                    };
                    diag.error(
                        &label,
                        place,
                        format!(
                            "area {code:?} (column {:?}) is the name of {what}: give the table a column of area codes to tell them apart",
                            header[ci].trim(),
                        ),
                    );
                    continue;
                }
                Named::OutsideDistrict(c) => {
                    ignored.insert(c.to_string(), (c.to_string(), code.to_string()));
                    continue;
                }
                Named::Other => {
                    not_areas.push(code.to_string());
                    continue;
                }
                // Footnotes below the table ("Source: ..."), which have no figure.
                Named::Unknown if raw.is_empty() => continue,
                Named::Unknown => {
                    let close = match names {
                        ByName::Areas(n) => n.suggest(code),
                        _ => Vec::new(),
                    };
                    let advice = if close.is_empty() {
                        ", nor of a nation or region; correct it, or remove the row if it is not an area's".to_string()
                    } else {
                        format!("; did you mean {}?", close.join(", "))
                    };
                    diag.error(
                        &label,
                        place,
                        format!(
                            "area {code:?} (column {:?}) is not the name of an area in the boundaries{advice}",
                            header[ci].trim()
                        ),
                    );
                    continue;
                }
            }
        } else {
            if code.is_empty() || code.contains(char::is_whitespace) {
                // Blank rows, and footnotes below ONS tables ("Note: ...", "Source: ..."),
                // which land in the code column when it is the first: no area code has a
                // space.
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
            (code_key, code.to_string())
        };
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
                    "area {code} appears again (first on {line_word} {first}); give one figure per area{}",
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
                "{code}: the row has {} {}, so nothing in column {:?} (field {} of the header on {line_word} {header_line})",
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
    // How a table read by name was read, before what it passed over.
    if by_name {
        let why = if opts.name_column.is_some() {
            format!("named with {NAME_FLAG}")
        } else {
            "the table has no area code column".to_string()
        };
        let mut found = Vec::new();
        if as_written > 0 {
            found.push(format!(
                "{as_written} {} as the boundaries or ONS write them",
                crate::write::plural(as_written, "name", "names")
            ));
        }
        if !reworded.is_empty() {
            found.push(format!(
                "{} in other words: {}",
                reworded.len(),
                reworded.join(", ")
            ));
        }
        let found = match names {
            ByName::AsWritten => {
                ": the names are taken as written, with no areas to find them among".to_string()
            }
            _ if found.is_empty() => String::new(),
            _ => format!(": {}", found.join(", ")),
        };
        diag.note(
            &label,
            Some(at(header_line)),
            format!(
                "figures matched to the areas by name, from column {:?} ({why}){found}",
                header[ci].trim()
            ),
        );
    }
    // Districts of the UK outside boundaries for part of it, and codes of other geographies
    // (the countries, regions and counties in ONS tables), said apart.
    let districts = crate::land::built_in_codes();
    let (outside, other): (Vec<_>, Vec<_>) = ignored
        .iter()
        .partition(|(c, _)| districts.binary_search(&c.as_str()).is_ok());
    // Districts abolished since 2019 whose successor is not given either (an older table read
    // against boundaries for part of the UK): districts, not other geographies.
    let (former, other): (Vec<_>, Vec<_>) = other.into_iter().partition(|(c, _)| {
        crate::read::successors::all()
            .iter()
            .any(|s| &s.old_code == *c)
    });
    // Read by name, the rows for totals, nations and other geographies, as written.
    let not_areas: Vec<(String, (String, String))> = not_areas
        .into_iter()
        .map(|n| (n.clone(), (n, String::new())))
        .collect();
    for (rows, what) in [
        (outside, "for UK districts that are not areas of the boundaries given"),
        (
            former,
            "for former UK districts (abolished since 2019) whose successors are not areas of the boundaries given",
        ),
        (
            other,
            "for codes not in the boundaries (countries, regions or counties in ONS tables, or other geographies)",
        ),
        (
            not_areas.iter().map(|(k, v)| (k, v)).collect(),
            "naming no area of the boundaries given (a total, a nation, a region or another geography)",
        ),
    ] {
        if rows.is_empty() {
            continue;
        }
        let shown = crate::write::first_of(
            rows.iter().map(|(_, (c, n))| {
                if n.is_empty() {
                    c.to_string()
                } else {
                    format!("{c} {n}")
                }
            }),
            8,
        );
        diag.note(
            &label,
            None,
            format!(
                "{} {} {what} {} ignored: {shown}",
                crate::write::thousands(rows.len() as u64),
                crate::write::plural(rows.len(), "row", "rows"),
                crate::write::plural(rows.len(), "was", "were"),
            ),
        );
    }
    let places = values
        .keys()
        .filter_map(|k| first_line.get(k).map(|&l| (k.clone(), at(l))))
        .collect();
    Ok(Figures {
        values,
        places,
        by_name,
        code_column: header[ci].trim().to_string(),
        figure_column: header[fi].trim().to_string(),
        figure_column_chosen_by,
        header_line,
        sheet,
    })
}
