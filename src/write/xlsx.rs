//! `covgap.xlsx`: the summary, gaps and rollups as an Excel workbook, ready to drop into a
//! briefing: whole numbers with thousands separators, shares as percentages, frozen header
//! rows, filters and column widths set.

use std::path::PathBuf;

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use crate::coverage::Coverage;
use crate::error::{Error, Result};
use crate::model::{Geography, Study};
use crate::rollup::{Level, Rollup};
use crate::small_areas::Band;
use crate::write::cap;
use crate::write::summary::Headline;

/// The file name.
pub const FILE: &str = "covgap.xlsx";

struct Formats {
    title: Format,
    header: Format,
    count: Format,
    km: Format,
    pct: Format,
    bold_count: Format,
    bold_pct: Format,
    bold: Format,
    note: Format,
}

impl Formats {
    fn new() -> Formats {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_background_color(0xDEEBF7)
            .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            header,
            count: Format::new().set_num_format("#,##0"),
            km: Format::new().set_num_format("#,##0.0"),
            pct: Format::new().set_num_format("0.0%"),
            bold_count: Format::new().set_bold().set_num_format("#,##0"),
            bold_pct: Format::new().set_bold().set_num_format("0.0%"),
            bold: Format::new().set_bold(),
            note: Format::new().set_italic().set_font_color(0x595959),
        }
    }
}

fn header_row(
    ws: &mut Worksheet,
    row: u32,
    cols: &[(&str, f64)],
    f: &Formats,
) -> Result<(), XlsxError> {
    for (c, (name, width)) in cols.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *name, &f.header)?;
        ws.set_column_width(c as u16, *width)?;
    }
    ws.set_row_height(row, 30)?;
    Ok(())
}

fn summary_sheet(
    ws: &mut Worksheet,
    study: &Study,
    rollups: &[Rollup],
    f: &Formats,
) -> Result<(), XlsxError> {
    let what = study.demand.measure.describe();
    let h = Headline::new(study, rollups);
    ws.set_name("Summary")?;
    ws.write_string_with_format(
        0,
        0,
        "Specialised parent-infant relationship team coverage",
        &f.title,
    )?;
    ws.write_string(
        1,
        0,
        format!(
            "Figure: {what}, {} ({})",
            study.demand.period, study.demand.source
        ),
    )?;
    let cols = [
        ("Nation", 22.0),
        ("Areas", 9.0),
        ("Areas with a team", 11.0),
        (&*cap(what), 14.0),
        ("In areas with a team", 14.0),
        ("In areas with none", 14.0),
        ("% in areas with a team", 12.0),
    ];
    header_row(ws, 3, &cols, f)?;
    let mut row = 4;
    for r in rollups
        .iter()
        .filter(|r| r.level == Level::Nation || r.level.is_total())
    {
        let uk = r.level.is_total();
        let (n, p) = if uk {
            (&f.bold_count, &f.bold_pct)
        } else {
            (&f.count, &f.pct)
        };
        if uk {
            ws.write_string_with_format(row, 0, &r.name, &f.bold)?;
        } else {
            ws.write_string(row, 0, &r.name)?;
        }
        ws.write_number_with_format(row, 1, r.areas_total as f64, n)?;
        ws.write_number_with_format(row, 2, r.areas_covered as f64, n)?;
        ws.write_number_with_format(row, 3, r.demand_total as f64, n)?;
        ws.write_number_with_format(row, 4, r.demand_covered as f64, n)?;
        ws.write_number_with_format(row, 5, (r.demand_total - r.demand_covered) as f64, n)?;
        // Left empty when no babies were counted: a share of nothing is not 0%.
        if let Some(pc) = r.percent_covered() {
            ws.write_number_with_format(row, 6, pc / 100.0, p)?;
        }
        row += 1;
    }
    row += 1;
    ws.write_string(row, 0, h.teams_sentence(&study.evidence_rule))?;
    row += 2;
    let notes = [
        crate::write::summary::without_figure_note(&h)
            .map(|n| format!("Not counted: {n}."))
            .unwrap_or_default(),
        format!(
            "Areas: {} ({}).",
            study.sources.boundaries, study.sources.boundaries_crs
        ),
        format!("Figure: {what}, {}: {}.", study.demand.period, study.demand.source),
        format!("Teams: {}.", study.sources.teams),
        format!("An area is covered when a counted team covers it: the areas its list entry names, or, where it names none, the area holding its base.{}", if study.lying_in { crate::write::summary::LYING_IN_RULE } else { "" }),
        crate::write::ATTRIBUTION.to_string(),
        format!("Made by covgap {}.", env!("CARGO_PKG_VERSION")),
    ];
    for n in notes.into_iter().filter(|n| !n.is_empty()) {
        ws.write_string_with_format(row, 0, n, &f.note)?;
        row += 1;
    }
    ws.set_freeze_panes(4, 1)?;
    Ok(())
}

fn gaps_sheet(
    ws: &mut Worksheet,
    study: &Study,
    cov: &Coverage,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name("Gaps")?;
    let what = cap(study.demand.measure.describe());
    let cols = [
        ("Rank", 6.0),
        ("Code", 11.0),
        ("Area", 28.0),
        ("Nation", 15.0),
        ("Region", 22.0),
        (&*what, 12.0),
        ("Nearest team", 40.0),
        ("Nearest team (km)", 10.0),
        ("Upper tier", 28.0),
        ("ICB", 40.0),
        ("ICB parts", 60.0),
        ("Health board", 30.0),
        ("Period", 30.0),
    ];
    header_row(ws, 0, &cols, f)?;
    let g = |x: &Option<Geography>| x.as_ref().map(|g| g.name.clone()).unwrap_or_default();
    for (k, &i) in cov.gaps.iter().enumerate() {
        let row = k as u32 + 1;
        let a = &study.areas[i];
        let r = &cov.areas[i];
        if let Some(rank) = r.gap_rank {
            ws.write_number(row, 0, rank as f64)?;
        }
        ws.write_string(row, 1, &a.code)?;
        ws.write_string(row, 2, &a.name)?;
        ws.write_string(row, 3, a.nation.name())?;
        ws.write_string(row, 4, g(&a.keys.region))?;
        if let Some(v) = a.figure {
            ws.write_number_with_format(row, 5, v as f64, &f.count)?;
        }
        if let Some(n) = r.nearest {
            ws.write_string(row, 6, study.team_name(n.team))?;
            ws.write_number_with_format(row, 7, crate::write::round(n.km, 1), &f.km)?;
        }
        ws.write_string(row, 8, g(&a.keys.utla))?;
        ws.write_string(row, 9, g(&a.keys.icb))?;
        ws.write_string(row, 10, a.keys.icb_parts_words(a.figure))?;
        ws.write_string(row, 11, g(&a.keys.health_board))?;
        // The figures' period on every row, as in gaps.csv, so a sheet copied on its own
        // still says what it counts.
        ws.write_string(row, 12, &study.demand.period)?;
    }
    ws.set_freeze_panes(1, 3)?;
    ws.autofilter(0, 0, cov.gaps.len().max(1) as u32, cols.len() as u16 - 1)?;
    Ok(())
}

fn rollups_sheet(
    ws: &mut Worksheet,
    study: &Study,
    rollups: &[Rollup],
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name("Rollups")?;
    let what = cap(study.demand.measure.describe());
    let mut cols = vec![
        ("Level", 12.0),
        ("Code", 11.0),
        ("Name", 40.0),
        ("Areas", 8.0),
        ("Areas with a team", 11.0),
        (&*what, 12.0),
        ("In areas with a team", 13.0),
        ("In areas with none", 13.0),
        ("% in areas with a team", 12.0),
        ("Areas with no figure", 10.0),
        ("Period", 30.0),
    ];
    // With small areas, the babies by distance band, as in rollups.csv.
    let banded = rollups.iter().any(|r| r.bands.is_some());
    let band_headers = Band::ALL.map(|b| format!("Babies {}", b.label()));
    if banded {
        cols.extend(band_headers.iter().map(|h| (h.as_str(), 11.0)));
    }
    header_row(ws, 0, &cols, f)?;
    for (k, r) in rollups.iter().enumerate() {
        let row = k as u32 + 1;
        ws.write_string(row, 0, r.level.key())?;
        ws.write_string(row, 1, &r.code)?;
        ws.write_string(row, 2, &r.name)?;
        ws.write_number_with_format(row, 3, r.areas_total as f64, &f.count)?;
        ws.write_number_with_format(row, 4, r.areas_covered as f64, &f.count)?;
        ws.write_number_with_format(row, 5, r.demand_total as f64, &f.count)?;
        ws.write_number_with_format(row, 6, r.demand_covered as f64, &f.count)?;
        ws.write_number_with_format(row, 7, (r.demand_total - r.demand_covered) as f64, &f.count)?;
        if let Some(pc) = r.percent_covered() {
            ws.write_number_with_format(row, 8, pc / 100.0, &f.pct)?;
        }
        ws.write_number_with_format(row, 9, r.areas_without_figure as f64, &f.count)?;
        ws.write_string(row, 10, &study.demand.period)?;
        if let Some(bands) = r.bands {
            for (k, b) in Band::ALL.into_iter().enumerate() {
                ws.write_number_with_format(row, 11 + k as u16, bands.get(b) as f64, &f.count)?;
            }
        }
    }
    ws.set_freeze_panes(1, 3)?;
    ws.autofilter(0, 0, rollups.len().max(1) as u32, cols.len() as u16 - 1)?;
    Ok(())
}

fn build(study: &Study, cov: &Coverage, rollups: &[Rollup]) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    // A fixed creation time, not the clock, so the same inputs give the same bytes.
    let created = rust_xlsxwriter::ExcelDateTime::from_ymd(1970, 1, 1)?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
    summary_sheet(wb.add_worksheet(), study, rollups, &f)?;
    gaps_sheet(wb.add_worksheet(), study, cov, &f)?;
    rollups_sheet(wb.add_worksheet(), study, rollups, &f)?;
    wb.save_to_buffer()
}

/// `covgap.xlsx` as bytes: sheets Summary, Gaps and Rollups. Shares are stored as fractions
/// shown as percentages (0.191 shows as 19.1%).
///
/// # Examples
/// ```
/// use calamine::Reader;
/// use covgap::{analyse_inputs, error::Diagnostics, load::Inputs};
/// let a = analyse_inputs(&Inputs::default(), &mut Diagnostics::new()).unwrap();
/// let bytes = covgap::write::xlsx::xlsx(&a.study, &a.coverage, &a.rollups).unwrap();
/// let wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
/// assert_eq!(wb.sheet_names(), ["Summary", "Gaps", "Rollups"]);
/// ```
pub fn xlsx(study: &Study, cov: &Coverage, rollups: &[Rollup]) -> Result<Vec<u8>> {
    build(study, cov, rollups).map_err(|e| Error::Write {
        path: PathBuf::from(FILE),
        source: std::io::Error::other(e),
    })
}

/// Rows an Excel sheet holds below its header: 1,048,576 in all.
pub const SHEET_ROWS_BELOW_HEADER: u64 = 1_048_575;

/// A workbook of one sheet written a row at a time, in rust_xlsxwriter's constant-memory
/// mode (rows go to a temporary file as they come): `covgap assign`'s points when `--out`
/// names an `.xlsx` file. The header is bold and frozen, with filters. Cells that are plain
/// numbers (`51.5`, `-1.25`, `406649`; not `007` or an id of more than 15 digits, which a
/// number would change) are stored as numbers, the rest as text, never as formulas; the
/// columns given as `km` hold kilometres shown to two places.
pub struct RowsBook {
    wb: Workbook,
    columns: u16,
    /// Rows written below the header.
    rows: u64,
    km: Vec<usize>,
    km_format: Format,
}

impl RowsBook {
    /// A book whose sheet `sheet` has `headers` for its header row.
    ///
    /// # Examples
    /// ```
    /// use calamine::{Data, Reader};
    /// use covgap::write::xlsx::RowsBook;
    /// let headers = ["id", "latitude", "area_name", "nearest_team_km"].map(String::from);
    /// let mut book = RowsBook::new("points", &headers, &[3]).unwrap();
    /// let row = ["007", "52.4862", "Birmingham", "51.10"].map(String::from);
    /// book.row(&row).unwrap();
    /// let mut bytes = std::io::Cursor::new(Vec::new());
    /// book.save(&mut bytes).unwrap();
    /// let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes.into_inner())).unwrap();
    /// let sheet = wb.worksheet_range("points").unwrap();
    /// assert_eq!(sheet.get((1, 0)), Some(&Data::String("007".into())));
    /// assert_eq!(sheet.get((1, 1)), Some(&Data::Float(52.4862)));
    /// assert_eq!(sheet.get((1, 3)), Some(&Data::Float(51.1)));
    /// ```
    pub fn new(sheet: &str, headers: &[String], km: &[usize]) -> Result<RowsBook, XlsxError> {
        let mut wb = Workbook::new();
        // A fixed creation time, not the clock, so the same inputs give the same bytes.
        let created = rust_xlsxwriter::ExcelDateTime::from_ymd(1970, 1, 1)?;
        wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
        let header = Format::new()
            .set_bold()
            .set_background_color(0xDEEBF7)
            .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
        let ws = wb.add_worksheet_with_constant_memory();
        ws.set_name(sheet)?;
        for (c, name) in headers.iter().enumerate() {
            ws.set_column_width(
                c as u16,
                (name.chars().count() as f64 + 3.0).clamp(10.0, 40.0),
            )?;
            ws.write_string_with_format(0, c as u16, name, &header)?;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(RowsBook {
            wb,
            columns: headers.len() as u16,
            rows: 0,
            km: km.to_vec(),
            km_format: Format::new().set_num_format("0.00"),
        })
    }

    /// Rows written below the header so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Writes the next row; an error once the sheet holds [`SHEET_ROWS_BELOW_HEADER`] rows.
    pub fn row(&mut self, cells: &[String]) -> Result<(), XlsxError> {
        if self.rows >= SHEET_ROWS_BELOW_HEADER {
            return Err(XlsxError::RowColumnLimitError);
        }
        self.rows += 1;
        let r = self.rows as u32;
        let ws = self.wb.worksheet_from_index(0)?;
        for (c, cell) in cells.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            let col = c as u16;
            match plain_number(cell) {
                Some(v) if self.km.contains(&c) => {
                    ws.write_number_with_format(r, col, v, &self.km_format)?;
                }
                Some(v) => {
                    ws.write_number(r, col, v)?;
                }
                None => {
                    ws.write_string(r, col, cell)?;
                }
            }
        }
        Ok(())
    }

    /// Sets the filters over the rows written and saves the book to `w`.
    pub fn save<W: std::io::Write + std::io::Seek + Send>(mut self, w: W) -> Result<(), XlsxError> {
        let (rows, columns) = (self.rows as u32, self.columns.max(1) - 1);
        let ws = self.wb.worksheet_from_index(0)?;
        ws.autofilter(0, 0, rows.max(1), columns)?;
        self.wb.save_to_writer(w)
    }
}

/// A cell's text as a number when it is plainly one and the number shows as the same text
/// would: an optional minus sign, digits, at most one decimal point, no leading zero before
/// another digit (`007`, a code, stays text) and at most 15 digits (an id of more, such as a
/// long reference, would lose its last digits as a number).
///
/// # Examples
/// ```
/// use covgap::write::xlsx::plain_number;
/// assert_eq!(plain_number("-1.8904"), Some(-1.8904));
/// assert_eq!(plain_number("406649"), Some(406649.0));
/// assert_eq!(plain_number("0.5"), Some(0.5));
/// assert_eq!(plain_number("007"), None);
/// assert_eq!(plain_number("1234567890123456"), None);
/// assert_eq!(plain_number("1e5"), None);
/// assert_eq!(plain_number("+5"), None);
/// assert_eq!(plain_number("5."), None);
/// assert_eq!(plain_number("B1 1AA"), None);
/// ```
pub fn plain_number(s: &str) -> Option<f64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || frac.is_some_and(|f| !all_digits(f)) {
        return None;
    }
    if whole.len() > 1 && whole.starts_with('0') {
        return None;
    }
    if whole.len() + frac.map_or(0, str::len) > 15 {
        return None;
    }
    s.parse().ok()
}
