//! The scoring rules of "How coverage and distance are defined", each held on inputs small
//! enough to work out by hand: which team an area's nearest team is, and the totals the
//! rollups give.

use crate::{fixture, run_ok};

/// "When several teams cover that nearest area, covgap names the first in list order." Two
/// teams serve the Oxford square; the Vale square's point (450000, 197750) is 2.25 km from
/// it. Whichever team comes first in the list is the one named, in both orders, so the name
/// is decided by the list and not by the teams' names or their order in the code.
#[test]
fn nearest_team_is_the_first_in_list_order_of_those_covering_the_nearest_area() {
    for (teams, first, second) in [
        (
            "teams/two_teams_serving_oxford.csv",
            "First team",
            "Second team",
        ),
        (
            "teams/two_teams_serving_oxford_other_order.csv",
            "Second team",
            "First team",
        ),
    ] {
        let run = run_ok(&[
            "--boundaries",
            &fixture("boundaries/bng_distance_2250m.geojson"),
            "--teams",
            &fixture(teams),
        ]);
        let areas = run.areas();
        let (oxford, vale) = (&areas["E07000178"], &areas["E07000180"]);
        assert_eq!(oxford["teams"], format!("{first}; {second}"), "{teams}");
        assert_eq!(oxford["nearest_team"], first, "{teams}");
        assert_eq!(oxford["nearest_team_km"], 0.0, "{teams}");
        assert_eq!(vale["teams"], "", "{teams}");
        assert_eq!(vale["nearest_team"], first, "{teams}");
        assert_eq!(vale["nearest_team_km"], 2.3, "{teams}");
        let gaps = run.text("gaps.csv");
        assert!(gaps.contains(&format!(",{first},2.3,")), "{teams}: {gaps}");
    }
}

/// "Where a geography counts no babies ... its share is not a number: empty in CSV and in the
/// workbook". Oxford alone, its one figure 0 and its team counted: one area, covered, no
/// babies. The workbook's share cells (the Summary sheet's total row and the Rollups sheet's
/// row) are left empty, not 0.0%, and the counts beside them are the ones worked out here.
#[test]
fn a_share_of_no_babies_is_an_empty_cell_in_the_workbook() {
    use calamine::{Data, Reader, Xlsx};
    let run = run_ok(&[
        "--boundaries",
        &fixture("boundaries/oxford_alone.geojson"),
        "--teams",
        &fixture("teams/oxford_only.csv"),
        "--births",
        &fixture("births/oxford_zero.csv"),
    ]);
    let empty = |d: Option<&Data>| matches!(d, None | Some(Data::Empty));
    let mut wb = Xlsx::new(std::io::Cursor::new(run.bytes("covgap.xlsx"))).unwrap();

    let s = wb.worksheet_range("Summary").unwrap();
    assert_eq!(s.get_value((3, 0)), Some(&Data::String("Nation".into())));
    // Part of the UK: the one total row, "All areas given", and no nation's.
    assert_eq!(
        s.get_value((4, 0)),
        Some(&Data::String("All areas given".into()))
    );
    let counts: Vec<Option<&Data>> = (1..6).map(|c| s.get_value((4, c))).collect();
    let f = |v: f64| Some(Data::Float(v));
    assert_eq!(
        counts,
        [f(1.0), f(1.0), f(0.0), f(0.0), f(0.0)]
            .iter()
            .map(Option::as_ref)
            .collect::<Vec<_>>()
    );
    assert!(empty(s.get_value((4, 6))), "{:?}", s.get_value((4, 6)));

    let r = wb.worksheet_range("Rollups").unwrap();
    assert_eq!(r.height(), 2, "the header and the one total row");
    assert_eq!(r.get_value((1, 0)), Some(&Data::String("all".into())));
    let counts: Vec<Option<&Data>> = (3..8).map(|c| r.get_value((1, c))).collect();
    assert_eq!(
        counts,
        [f(1.0), f(1.0), f(0.0), f(0.0), f(0.0)]
            .iter()
            .map(Option::as_ref)
            .collect::<Vec<_>>()
    );
    assert!(empty(r.get_value((1, 8))), "{:?}", r.get_value((1, 8)));
    assert_eq!(
        r.get_value((1, 9)),
        Some(&Data::Float(0.0)),
        "no figure missing"
    );

    // rollups.csv says the same: an empty share.
    let csv = crate::read_csv_text(&run.text("rollups.csv"));
    assert_eq!(csv[1][0], "all");
    assert_eq!(csv[1][2..8], ["All areas given", "1", "1", "0", "0", ""]);
}

/// The built-in births, as a table, without the rows `leave_out` names.
fn builtin_births_without(leave_out: &[&str]) -> String {
    let areas = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/areas.csv"),
    )
    .unwrap();
    let rows = crate::read_csv_text(&areas);
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let (code, births) = (col("code"), col("births"));
    let mut out = String::from("code,births\n");
    for r in rows[1..]
        .iter()
        .filter(|r| !leave_out.contains(&r[code].as_str()))
    {
        out.push_str(&format!("{},{}\n", r[code], r[births]));
    }
    out
}

/// "An area the figures table has no row for ... still counts in `areas_total` ... but its
/// babies are in no total": in every geography it lies in, the ICBs included, and for a
/// district split between ICBs, in each of them. The built-in births without East Suffolk
/// (E07000244, split between Norfolk and Waveney and Suffolk and North East Essex, its
/// primary ICB; no team): from `data/areas.csv`, Norfolk and Waveney's seven other districts
/// have 7,898 births, all covered, and Suffolk and North East Essex's six others 10,470 less
/// East Suffolk's 1,915, 8,555. Each ICB counts East Suffolk among its districts and among
/// those with no figure, as do its region, county, England and the UK.
#[test]
fn a_district_with_no_figure_counts_as_such_in_each_icb_it_lies_in() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("births.csv"),
        builtin_births_without(&["E07000244"]),
    )
    .unwrap();
    let run = crate::covgap_in(
        dir.path(),
        &["run", "--births", "births.csv", "--out", "out"],
        Some("out"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = crate::read_csv(&dir.path().join("out/rollups.csv"));
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = |code: &str| {
        let r = rows.iter().find(|r| r[1] == code).unwrap();
        [
            "areas_total",
            "areas_covered",
            "births_total",
            "births_covered",
            "percent_covered",
            "areas_without_figure",
        ]
        .map(|c| r[col(c)].clone())
    };
    // Norfolk and Waveney: 8 districts, East Suffolk's part with no figure.
    assert_eq!(row("E54000022"), ["8", "7", "7898", "7898", "100.0", "1"]);
    let snee = row("E54000023");
    assert_eq!(
        (&snee[0], &snee[2], &snee[5]),
        (&"7".into(), &"8555".into(), &"1".into())
    );
    // East of England, Suffolk, England and the UK each have the one district with no figure.
    for code in ["E12000006", "E10000029", "E92000001", "K02000001"] {
        assert_eq!(row(code)[5], "1", "{code}");
    }
    // The 42 ICBs' districts with no figure add up to England's and one more: East Suffolk's
    // second part.
    let icbs: usize = rows
        .iter()
        .filter(|r| r[0] == "icb")
        .map(|r| r[col("areas_without_figure")].parse::<usize>().unwrap())
        .sum();
    assert_eq!(icbs, 2);
}
