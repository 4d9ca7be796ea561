//! `covgap.xlsx` read back with a spreadsheet library (calamine): sheets, headers, figures,
//! number formats and frozen header rows.

use std::io::Read;

use calamine::{Data, Reader, Xlsx};

#[test]
fn workbook_reads_back_with_the_run_figures() {
    let run = crate::teams_before_run();
    let bytes = run.bytes("covgap.xlsx");
    let summary: serde_json::Value = serde_json::from_slice(run.bytes("summary.json")).unwrap();
    let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names(), ["Summary", "Gaps", "Rollups"]);

    let s = wb.worksheet_range("Summary").unwrap();
    assert_eq!(s.get_value((3, 0)), Some(&Data::String("Nation".into())));
    let uk_row = (4..s.height() as u32)
        .find(|&r| s.get_value((r, 0)) == Some(&Data::String("United Kingdom".into())))
        .unwrap();
    assert_eq!(
        s.get_value((uk_row, 3)),
        Some(&Data::Float(summary["demand_total"].as_f64().unwrap()))
    );
    let pct = match s.get_value((uk_row, 6)) {
        Some(Data::Float(v)) => *v,
        other => panic!("{other:?}"),
    };
    // The cell holds the exact share (its 0.0% format rounds it as summary.json does).
    let exact =
        summary["demand_covered"].as_f64().unwrap() / summary["demand_total"].as_f64().unwrap();
    assert!((pct - exact).abs() < 1e-12);
    assert_eq!(
        format!("{:.1}", summary["percent_covered"].as_f64().unwrap()),
        format!("{:.1}", (pct * 1000.0).round() / 10.0)
    );

    let g = wb.worksheet_range("Gaps").unwrap();
    assert_eq!(g.height(), 1 + 359);
    assert_eq!(g.get_value((0, 2)), Some(&Data::String("Area".into())));
    assert_eq!(g.get_value((1, 0)), Some(&Data::Float(1.0)));
    assert_eq!(
        g.get_value((1, 1)),
        Some(&Data::String(
            summary["top_gaps"][0]["code"].as_str().unwrap().into()
        ))
    );

    let r = wb.worksheet_range("Rollups").unwrap();
    assert_eq!(r.get_value((1, 0)), Some(&Data::String("uk".into())));

    // Number formats and frozen panes live in the package's XML.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut styles = String::new();
    zip.by_name("xl/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    assert!(styles.contains("formatCode=\"#,##0\""), "{styles}");
    assert!(styles.contains("formatCode=\"0.0%\""), "{styles}");
    for sheet in 1..=3 {
        let mut xml = String::new();
        zip.by_name(&format!("xl/worksheets/sheet{sheet}.xml"))
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        assert!(xml.contains("state=\"frozen\""), "sheet {sheet}");
        assert!(xml.contains("<col "), "sheet {sheet} column widths");
    }
}
