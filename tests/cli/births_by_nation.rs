//! `--births` given once per table: the UK's births are published by nation (ONS for England
//! and Wales, NRS for Scotland, NISRA for Northern Ireland), each in its own layout, and a
//! UK-wide update reads them together.

use std::path::Path;

use rust_xlsxwriter::Workbook;

use crate::{covgap_in, default_run, Outcome};

/// The built-in births (`data/areas.csv`), by code, for the nations whose codes start with
/// one of `prefixes`.
pub fn builtin_births(prefixes: &str) -> Vec<(String, String, u64)> {
    let text = include_str!("../../data/areas.csv");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (code, name, births) = (col("code"), col("name"), col("births"));
    r.records()
        .map(|rec| rec.unwrap())
        .filter(|rec| prefixes.contains(&rec[code][..1]))
        .map(|rec| {
            (
                rec[code].to_string(),
                rec[name].to_string(),
                rec[births].parse().unwrap(),
            )
        })
        .collect()
}

/// A sheet `name` of `wb` headed `headers`: each area's code, name and built-in births plus
/// `plus.0`, then `plus.1` in each column after (stillbirths, males, females: figures covgap
/// must not read).
pub fn sheet_of_births(
    wb: &mut Workbook,
    name: &str,
    headers: &[&str],
    births: &[(String, String, u64)],
    plus: (f64, f64),
) {
    let t = wb.add_worksheet().set_name(name).unwrap();
    for (c, h) in headers.iter().enumerate() {
        t.write_string(0, c as u16, *h).unwrap();
    }
    for (i, (code, name, figure)) in births.iter().enumerate() {
        let row = i as u32 + 1;
        t.write_string(row, 0, code).unwrap();
        t.write_string(row, 1, name).unwrap();
        t.write_number(row, 2, *figure as f64 + plus.0).unwrap();
        for c in 3..headers.len() {
            t.write_number(row, c as u16, plus.1).unwrap();
        }
    }
}

/// The built-in births split as the three publishers lay them out: ONS's England and Wales
/// table (a title row, a total row), NRS's Scottish workbook (a cover sheet before the
/// table) and NISRA's data-portal download (`LGD2014`, `VALUE`, a Northern Ireland row).
pub fn write_tables_by_nation(dir: &Path) {
    let ew = builtin_births("EW");
    let mut text = String::from(
        "Live births by local authority of usual residence\nArea code,Area name,Live births\n",
    );
    let total: u64 = ew.iter().map(|r| r.2).sum();
    text += &format!("K04000001,England and Wales,{total}\n");
    for (code, name, births) in &ew {
        text += &format!("{code},\"{name}\",{births}\n");
    }
    std::fs::write(dir.join("ons_england_wales.csv"), text).unwrap();

    let mut wb = Workbook::new();
    let cover = wb.add_worksheet().set_name("Cover").unwrap();
    cover
        .write_string(0, 0, "Births in Scotland by council area")
        .unwrap();
    sheet_of_births(
        &mut wb,
        "Table 1",
        &["Council area code", "Council area", "Births"],
        &builtin_births("S"),
        (0.0, 0.0),
    );
    wb.save(dir.join("nrs_scotland.xlsx")).unwrap();

    let ni = builtin_births("N");
    let mut text = String::from(
        "\"STATISTIC\",\"Statistic Label\",\"TLIST(A1)\",\"Year\",\"LGD2014\",\"Local Government District\",\"UNIT\",\"VALUE\"\n",
    );
    let total: u64 = ni.iter().map(|r| r.2).sum();
    text += &format!("\"BIRTHS\",\"Live births\",\"2020\",\"2020\",\"N92000002\",\"Northern Ireland\",\"Number\",\"{total}\"\n");
    for (code, name, births) in &ni {
        text += &format!("\"BIRTHS\",\"Live births\",\"2020\",\"2020\",\"{code}\",\"{name}\",\"Number\",\"{births}\"\n");
    }
    std::fs::write(dir.join("nisra_northern_ireland.csv"), text).unwrap();
}

/// `covgap run <args>` in a folder holding the three tables by nation.
pub fn run_by_nation(args: &[&str]) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    write_tables_by_nation(dir.path());
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", "out"]);
    covgap_in(dir.path(), &all, Some("out"))
}

/// The built-in births, read back as three tables (one a workbook, named with the flag once
/// and with a comma-separated list), give every area, gap and rollup the built-in run gives;
/// the sources name each table with its column and how many areas it gave.
#[test]
fn one_table_per_nation_gives_the_figures_of_one_uk_table() {
    let dir = tempfile::tempdir().unwrap();
    write_tables_by_nation(dir.path());
    // One table by its full path, which the map must not print.
    let ni = dir.path().join("nisra_northern_ireland.csv");
    let o = covgap_in(
        dir.path(),
        &[
            "run",
            "--births",
            "ons_england_wales.csv",
            "--births",
            &format!("nrs_scotland.xlsx,{}", ni.display()),
            "--period",
            "1 July 2019 to 30 June 2020",
            "--out",
            "out",
        ],
        Some("out"),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let builtin = default_run();
    for file in ["gaps.csv", "rollups.csv"] {
        assert_eq!(o.text(file), builtin.text(file), "{file}");
    }
    assert_eq!(
        o.summary()["live_births_in_areas_without_team"],
        builtin.summary()["live_births_in_areas_without_team"]
    );

    let md = o.text("summary.md");
    assert!(
        md.contains(&format!(
            "ons_england_wales.csv, 318 areas, column \"Live births\", found by its header; \
             nrs_scotland.xlsx, sheet \"Table 1\", 32 areas, column \"Births\", found by its header; \
             {}, 11 areas, column \"VALUE\", a generic header: check that it holds the figure",
            ni.display()
        )),
        "{md}"
    );
    let run = serde_json::from_slice::<serde_json::Value>(o.bytes("run.json")).unwrap();
    let figures: Vec<_> = run["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["role"] == "figures")
        .map(|i| i["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        figures,
        [
            "ons_england_wales.csv",
            "nrs_scotland.xlsx",
            ni.to_str().unwrap()
        ]
    );
    let files = run["figures"]["files"].as_array().unwrap();
    let got: Vec<_> = files
        .iter()
        .map(|f| {
            (
                f["code_column"].as_str().unwrap(),
                f["column"].as_str().unwrap(),
                f["column_chosen_by"].as_str().unwrap(),
                f["areas"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Area code", "Live births", "recognised_header", 318),
            ("Council area code", "Births", "recognised_header", 32),
            ("LGD2014", "VALUE", "generic_header", 11),
        ]
    );
    assert_eq!(files[1]["sheet"], "Table 1");
    // The map's sources name each table by its file name only.
    let svg = o.text("map.svg");
    let text = svg
        .lines()
        .filter(|l| l.contains("font-size=\"11.5\""))
        .filter_map(|l| l.split('>').nth(1)?.split('<').next())
        .collect::<Vec<_>>()
        .join(" ");
    let footer: Vec<&str> = text.split(". ").collect();
    assert!(
        footer.contains(&"Live births: 1 July 2019 to 30 June 2020, ons_england_wales.csv, nrs_scotland.xlsx and nisra_northern_ireland.csv"),
        "{footer:?}"
    );
}

/// An area in two tables (here a UK-wide table given beside the England and Wales one) is an
/// error naming both files and the areas, and the run writes nothing: which figure is right
/// cannot be told.
#[test]
fn an_area_in_two_tables_is_an_error_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    write_tables_by_nation(dir.path());
    std::fs::write(
        dir.path().join("uk.csv"),
        include_str!("../../data/areas.csv"),
    )
    .unwrap();
    let o = covgap_in(
        dir.path(),
        &[
            "run",
            "--births",
            "ons_england_wales.csv,uk.csv",
            "--out",
            "out",
        ],
        Some("out"),
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.error_lines(),
        ["error: uk.csv: 318 areas have a figure in ons_england_wales.csv too: E06000001 (Hartlepool), E06000002 (Middlesbrough), E06000003 (Redcar and Cleveland), E06000004 (Stockton-on-Tees), E06000005 (Darlington), E06000006 (Halton), E06000007 (Warrington), E06000008 (Blackburn with Darwen), E06000009 (Blackpool), E06000010 (Kingston upon Hull, City of) and 308 more; each area's figure must come from one file"]
    );
    assert!(o.files.is_none());

    let o = covgap_in(
        dir.path(),
        &[
            "run", "--births", "uk.csv", "--births", "./uk.csv", "--out", "out",
        ],
        Some("out"),
    );
    assert_eq!(o.code, 1);
    o.assert_stderr_has(&[
        "covgap: ./uk.csv: is given twice with --births: each area's figure must come from one file",
    ]);
    assert!(o.files.is_none());
}

/// `check` lists every table's own problems, and a table that gives none of the areas (a file
/// for the wrong geography) is warned of, where with one table that is an error.
#[test]
fn check_lists_the_problems_of_each_table() {
    let dir = tempfile::tempdir().unwrap();
    write_tables_by_nation(dir.path());
    std::fs::write(
        dir.path().join("scotland_2024.csv"),
        "code,births\nS12000033,n/k\nS12000034,1500\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("health_boards.csv"),
        "code,births\nS08000015,3000\n",
    )
    .unwrap();
    let o = covgap_in(
        dir.path(),
        &[
            "check",
            "--births",
            "ons_england_wales.csv,scotland_2024.csv,health_boards.csv,nosuch.csv",
        ],
        None,
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    o.assert_stderr_has(&[
        "error: scotland_2024.csv, line 2: S12000033: figure \"n/k\"",
        "warning: health_boards.csv: gives a figure for none of the areas in the boundaries (codes in column \"code\"): is it the right file?",
        "error: nosuch.csv: cannot read file",
    ]);
    // A table whose one row for an area was refused is not also said to give none.
    std::fs::write(
        dir.path().join("one_row.csv"),
        "code,births\nS12000033,n/k\n",
    )
    .unwrap();
    let o = covgap_in(
        dir.path(),
        &["check", "--births", "ons_england_wales.csv,one_row.csv"],
        None,
    );
    assert!(
        !o.stderr.contains("gives a figure for none"),
        "{}",
        o.stderr
    );
}

/// `--sheet` names the sheet of each workbook among several tables, without regard to case
/// as Excel names sheets (`table 1` is "Table 1"; before, it was "no sheet"); with none a
/// workbook, it is an error, as it is for one CSV table.
#[test]
fn sheet_applies_to_the_workbooks_among_the_tables() {
    let args = [
        "--births",
        "ons_england_wales.csv,nrs_scotland.xlsx,nisra_northern_ireland.csv",
        "--sheet",
    ];
    let o = run_by_nation(&[&args[..], &["Table 1"]].concat());
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = run_by_nation(&[&args[..], &["table 1"]].concat());
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = run_by_nation(&[&args[..], &["Table 2"]].concat());
    assert_eq!(o.code, 1);
    o.assert_stderr_has(&["nrs_scotland.xlsx", "has no sheet \"Table 2\""]);
    let o = run_by_nation(&[
        "--births",
        "ons_england_wales.csv,nisra_northern_ireland.csv",
        "--sheet",
        "Table 1",
    ]);
    assert_eq!(o.code, 1);
    o.assert_stderr_has(&["none of the --births files is a workbook"]);
}

/// Scotland's births as NRS publishes them, by council-area name with no codes, read beside
/// the ONS and NISRA tables in codes: the UK update a user makes from the three publishers'
/// own downloads, with nothing joined or coded by hand, gives the built-in run's gaps.
#[test]
fn a_scottish_table_by_name_among_tables_by_code() {
    let dir = tempfile::tempdir().unwrap();
    write_tables_by_nation(dir.path());
    std::fs::copy(
        crate::fixture_path("births/nrs_council_areas_names_only.csv"),
        dir.path().join("nrs_names.csv"),
    )
    .unwrap();
    let o = covgap_in(
        dir.path(),
        &[
            "run",
            "--births",
            "ons_england_wales.csv,nrs_names.csv,nisra_northern_ireland.csv",
            "--period",
            "1 July 2019 to 30 June 2020",
            "--out",
            "out",
        ],
        Some("out"),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.text("gaps.csv") == default_run().text("gaps.csv"));
    assert!(o.text("summary.md").contains(
        "nrs_names.csv, 32 areas, column \"Births\", found by its header, areas matched by name, column \"Council area\""
    ));
    o.assert_stderr_has(&["nrs_names.csv, line 3: figures matched to the areas by name"]);
    let run = serde_json::from_slice::<serde_json::Value>(o.bytes("run.json")).unwrap();
    let scotland = &run["figures"]["files"][1];
    assert_eq!(
        (&scotland["code_column"], &scotland["name_column"]),
        (&serde_json::Value::Null, &serde_json::json!("Council area"))
    );
    assert_eq!(
        run["figures"]["files"][0]["name_column"],
        serde_json::Value::Null
    );
}

/// `--births-column` given once names the figure column of every table: with the tables'
/// columns headed apart (ONS's `Live births`, NRS's `Births`, NISRA's `VALUE`), the error on a
/// table without it says so and what to do (leave it out, or give it once per table, and which
/// table this is), where it asked the user to name the column with the flag they had just
/// given.
#[test]
fn a_column_flag_one_table_has_says_it_names_every_tables() {
    let o = run_by_nation(&[
        "--births",
        "ons_england_wales.csv,nrs_scotland.xlsx,nisra_northern_ireland.csv",
        "--births-column",
        "Live births",
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.files.is_none(), "nothing is written");
    o.assert_stderr_has(&[
        "nisra_northern_ireland.csv",
        "(with several --births tables, --births-column names the column in every one of them: leave it out to have each table's found by its header, or give it once per table, in the order of --births, with \"\" for a table whose column is to be found by its header; this is the 3rd of the 3 tables)",
    ]);
    // With one table, the flag is the remedy, as before.
    let o = run_by_nation(&[
        "--births",
        "nisra_northern_ireland.csv",
        "--births-column",
        "Live births",
    ]);
    assert_eq!(o.code, 1);
    assert!(
        !o.stderr.contains("several --births tables"),
        "{}",
        o.stderr
    );
}
