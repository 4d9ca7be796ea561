//! Tables for spreadsheets: `gaps.csv` and `rollups.csv`. The figure's column is named for
//! the measure (`births`, `age0`) and a last `period` column says what period it covers, so a
//! table pasted on its own still says what it counts. Also the cell rule every CSV covgap
//! writes follows ([`csv_field`]).

use std::borrow::Cow;

use crate::coverage::Coverage;
use crate::model::Study;
use crate::rollup::Rollup;
use crate::write::{excel_csv, round, tenths_text};

/// A CSV cell as spreadsheets should read it. A cell beginning with `=`, `+`, `-`, `@`, a tab
/// or a carriage return is a formula to Excel (and LibreOffice and Google Sheets), so a team
/// or area name such as `=HYPERLINK("http://x","click")` would run; such a cell gets a leading
/// apostrophe (`'`), which makes it text (OWASP's advice on CSV injection). A cell that is a
/// plain number (`-1.5`, `+3`, `-2e5`) is not a formula and is left as it is, so numbers keep
/// their values; codes and covgap's own words never begin with those characters.
///
/// # Examples
/// ```
/// use covgap::write::tables::csv_field;
/// assert_eq!(csv_field(b"=HYPERLINK(\"http://x\")").as_ref(), b"'=HYPERLINK(\"http://x\")");
/// assert_eq!(csv_field(b"@SUM(A1)").as_ref(), b"'@SUM(A1)");
/// assert_eq!(csv_field(b"-1.5").as_ref(), b"-1.5");
/// assert_eq!(csv_field(b"Leeds").as_ref(), b"Leeds");
/// assert_eq!(csv_field(b"=1.5").as_ref(), b"'=1.5");
/// assert_eq!(csv_field(b"+44 1865").as_ref(), b"'+44 1865");
/// assert_eq!(csv_field(b"-").as_ref(), b"'-");
/// ```
pub fn csv_field(cell: &[u8]) -> Cow<'_, [u8]> {
    let formula = matches!(
        cell.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    if formula && !is_number(cell) {
        let mut guarded = Vec::with_capacity(cell.len() + 1);
        guarded.push(b'\'');
        guarded.extend_from_slice(cell);
        Cow::Owned(guarded)
    } else {
        Cow::Borrowed(cell)
    }
}

/// A finite number as Rust reads one (not `-inf` or `NaN`, which spreadsheets do not take).
fn is_number(cell: &[u8]) -> bool {
    // The common case first, without parsing: a sign, digits and at most one point, as a
    // longitude west of Greenwich is written (`-1.2578`) on most rows of a points file.
    let rest = cell.get(1..).unwrap_or_default();
    if matches!(cell.first(), Some(b'-' | b'+'))
        && rest.iter().any(u8::is_ascii_digit)
        && rest.iter().all(|b| b.is_ascii_digit() || *b == b'.')
        && rest.iter().filter(|&&b| b == b'.').count() <= 1
    {
        return true;
    }
    std::str::from_utf8(cell)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .is_some_and(f64::is_finite)
}

/// Text for a cell of a Markdown table (`summary.md`, `plan.md`, `diff.md`): a `|` would end
/// the cell and a line break the row, so `|` becomes `\|` and each line break (LF, CR or CRLF)
/// a space. A backslash becomes `\\` (which shows as one), so that one just before a `|` cannot
/// turn the `\|` back into a cell's end.
///
/// # Examples
/// ```
/// use covgap::write::tables::markdown_cell;
/// assert_eq!(markdown_cell("Bath | NE Somerset"), "Bath \\| NE Somerset");
/// assert_eq!(markdown_cell("Perinatal\r\nteam"), "Perinatal team");
/// assert_eq!(markdown_cell("Leeds"), "Leeds");
/// ```
pub fn markdown_cell(text: &str) -> Cow<'_, str> {
    if !text.contains(['|', '\\', '\n', '\r']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 4);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `gaps.csv`: uncovered areas, largest figure first.
pub fn gaps(study: &Study, cov: &Coverage) -> Vec<u8> {
    let key = study.demand.measure.key();
    let header = [
        "rank",
        "code",
        "name",
        "nation",
        "region",
        key,
        "nearest_team",
        "nearest_team_km",
        "upper_tier",
        "icb",
        "icb_parts",
        "health_board",
        "period",
    ];
    let rows: Vec<Vec<String>> = cov
        .gaps
        .iter()
        .map(|&i| {
            let a = &study.areas[i];
            let r = &cov.areas[i];
            let g = |x: &Option<crate::model::Geography>| {
                x.as_ref().map(|g| g.name.clone()).unwrap_or_default()
            };
            vec![
                r.gap_rank.map(|n| n.to_string()).unwrap_or_default(),
                a.code.clone(),
                a.name.clone(),
                a.nation.name().to_string(),
                g(&a.keys.region),
                a.figure.map(|f| f.to_string()).unwrap_or_default(),
                r.nearest
                    .map(|n| study.team_name(n.team).to_string())
                    .unwrap_or_default(),
                r.nearest
                    .map(|n| format!("{:.1}", round(n.km, 1)))
                    .unwrap_or_default(),
                g(&a.keys.utla),
                g(&a.keys.icb),
                a.keys.icb_parts_words(a.figure),
                g(&a.keys.health_board),
                study.demand.period.clone(),
            ]
        })
        .collect();
    excel_csv(&header, &rows)
}

/// `rollups.csv`: totals per UK, nation, region, upper tier, ICB and health board.
pub fn rollups(study: &Study, rollups: &[Rollup]) -> Vec<u8> {
    let key = study.demand.measure.key();
    let total = format!("{key}_total");
    let covered = format!("{key}_covered");
    let mut header = vec![
        "level",
        "code",
        "name",
        "areas_total",
        "areas_covered",
        total.as_str(),
        covered.as_str(),
        "percent_covered",
        "areas_without_figure",
        "period",
    ];
    // Small-area distance bands, when small areas were given.
    let banded = rollups.iter().any(|r| r.bands.is_some());
    if banded {
        header.extend(crate::small_areas::Band::ALL.map(|b| b.key()));
    }
    let rows: Vec<Vec<String>> = rollups
        .iter()
        .map(|r| {
            let mut row = vec![
                r.level.key().to_string(),
                r.code.clone(),
                r.name.clone(),
                r.areas_total.to_string(),
                r.areas_covered.to_string(),
                r.demand_total.to_string(),
                r.demand_covered.to_string(),
                // Blank when no babies were counted: a share of nothing is not 0.0%.
                r.percent_tenths().map(tenths_text).unwrap_or_default(),
                r.areas_without_figure.to_string(),
                study.demand.period.clone(),
            ];
            if banded {
                row.extend(
                    crate::small_areas::Band::ALL
                        .map(|b| r.bands.map(|x| x.get(b).to_string()).unwrap_or_default()),
                );
            }
            row
        })
        .collect();
    excel_csv(&header, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(s: &str) -> String {
        String::from_utf8(csv_field(s.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn text_a_spreadsheet_would_take_for_a_formula_gets_an_apostrophe() {
        for s in [
            "=HYPERLINK(\"http://x\",\"click\")",
            "+44 1865 000000",
            "-2+3",
            "@SUM(A1:A9)",
            "\t=1",
            "\r=1",
            "-",
            "+",
            "-inf",
            "-NaN",
        ] {
            assert_eq!(cell(s), format!("'{s}"), "{s:?}");
        }
    }

    #[test]
    fn markdown_cells_keep_their_row_whole() {
        assert_eq!(markdown_cell("a|b||c"), "a\\|b\\|\\|c");
        assert_eq!(
            markdown_cell("one\ntwo\rthree\r\nfour"),
            "one two three four"
        );
        assert_eq!(markdown_cell("Ynys Môn"), "Ynys Môn");
        // Not `a\\|`, where the first backslash would escape the second and the pipe end the cell.
        assert_eq!(markdown_cell("a\\|b"), "a\\\\\\|b");
    }

    #[test]
    fn numbers_codes_and_other_text_are_left_alone() {
        for s in [
            "",
            "-1.5",
            "+3",
            "-2e5",
            "-0.0",
            "19.1",
            "E06000001",
            "Ynys Môn",
            "'=quoted",
            " =x",
            "(existing teams)",
            "a=b",
        ] {
            assert_eq!(cell(s), s, "{s:?}");
        }
    }
}
