//! `--sheet`, `--births-column`, `--births-code-column` and `--births-name-column` given once
//! per `--births` table, in the order of `--births`: the nations' tables come with their data
//! on sheets named apart and their figures headed apart, which one flag for every table
//! cannot name. An empty value reads its table as with the flag left out.

use std::path::Path;

use rust_xlsxwriter::Workbook;
use serde_json::{json, Value};

use crate::births_by_nation::{
    builtin_births, run_by_nation, sheet_of_births, write_tables_by_nation,
};
use crate::{covgap_in, default_run, Outcome};

/// The three tables of the README's example: ONS's England and Wales workbook with the
/// figures on sheet "Table 1" under "Number of live births" (beside a cover sheet), NRS's
/// Scottish workbook with the year wanted on sheet "Table 2" under "Persons" (sheet "Table 1"
/// holds the year before, the same codes with other figures, which a shared `--sheet "Table
/// 1"` would read without a word), and NISRA's data-portal CSV, written by
/// [`write_tables_by_nation`].
fn write_tables_headed_apart(dir: &Path) {
    write_tables_by_nation(dir);
    let mut wb = Workbook::new();
    wb.add_worksheet()
        .set_name("Cover")
        .unwrap()
        .write_string(0, 0, "Births in England and Wales")
        .unwrap();
    sheet_of_births(
        &mut wb,
        "Table 1",
        &[
            "Area code",
            "Area name",
            "Number of live births",
            "Stillbirths",
        ],
        &builtin_births("EW"),
        (0.0, 3.0),
    );
    wb.save(dir.join("ons_england_wales.xlsx")).unwrap();

    let mut wb = Workbook::new();
    for (sheet, more) in [("Table 1", 100.0), ("Table 2", 0.0)] {
        sheet_of_births(
            &mut wb,
            sheet,
            &[
                "Council area code",
                "Council area",
                "Persons",
                "Males",
                "Females",
            ],
            &builtin_births("S"),
            (more, 0.0),
        );
    }
    wb.save(dir.join("nrs_scotland_by_year.xlsx")).unwrap();
}

const HEADED_APART: &str =
    "ons_england_wales.xlsx,nrs_scotland_by_year.xlsx,nisra_northern_ireland.csv";

/// `covgap <command> --births <the three tables headed apart> <args>` (`--out out` for
/// `run` and `plan`), in a folder holding them.
fn headed_apart(command: &str, args: &[&str]) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    write_tables_headed_apart(dir.path());
    let mut all = vec![command, "--births", HEADED_APART];
    all.extend_from_slice(args);
    let out = (command != "check").then_some("out");
    if let Some(o) = out {
        all.extend_from_slice(&["--out", o]);
    }
    covgap_in(dir.path(), &all, out)
}

/// Each table's sheet and figure column of the README's example, NISRA's CSV left to be
/// read as with the flags left out.
const EACH_OWN: &[&str] = &[
    "--sheet",
    "Table 1",
    "--sheet",
    "Table 2",
    "--sheet",
    "",
    "--births-column",
    "Number of live births",
    "--births-column",
    "Persons",
    "--births-column",
    "",
    "--period",
    "1 July 2019 to 30 June 2020",
];

/// Each table given its own sheet and figure column reads the built-in births back: the
/// outputs are byte for byte the built-in run's, and run.json gives each table's own sheet
/// and column, and the flags as given.
#[test]
fn each_table_its_own_sheet_and_column_gives_the_built_in_run() {
    let o = headed_apart("run", EACH_OWN);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let builtin = default_run();
    for file in ["gaps.csv", "rollups.csv"] {
        assert!(o.text(file) == builtin.text(file), "{file}");
    }
    let run = o.json("run.json");
    let files: Vec<_> = run["figures"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].clone(),
                f["sheet"].clone(),
                f["code_column"].clone(),
                f["column"].clone(),
                f["column_chosen_by"].clone(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            (
                json!("ons_england_wales.xlsx"),
                json!("Table 1"),
                json!("Area code"),
                json!("Number of live births"),
                json!("named_by_flag")
            ),
            (
                json!("nrs_scotland_by_year.xlsx"),
                json!("Table 2"),
                json!("Council area code"),
                json!("Persons"),
                json!("named_by_flag")
            ),
            (
                json!("nisra_northern_ireland.csv"),
                Value::Null,
                json!("LGD2014"),
                json!("VALUE"),
                json!("generic_header")
            ),
        ]
    );
    assert_eq!(run["options"]["sheet"], json!(["Table 1", "Table 2", null]));
    assert_eq!(
        run["options"]["births_column"],
        json!(["Number of live births", "Persons", null])
    );
    assert_eq!(run["options"]["births_code_column"], Value::Null);
    // `check` and `plan` take the flags as `run` does.
    let c = headed_apart("check", EACH_OWN);
    assert_eq!(c.code, 0, "{}", c.stderr);
    let p = headed_apart("plan", &[EACH_OWN, &["--add", "1", "-q"]].concat());
    assert_eq!(p.code, 0, "{}", p.stderr);
    assert_eq!(
        p.json("run.json")["figures"]["files"][1]["sheet"],
        "Table 2"
    );
}

/// One `--sheet` still names the sheet of every workbook among the tables, as before: here
/// NRS's "Table 1", the year before, is read without a word (its total is within the usual
/// range), which is why these tables need a sheet each.
#[test]
fn one_sheet_names_every_workbooks_sheet() {
    let o = headed_apart(
        "run",
        &[
            "--sheet",
            "Table 1",
            "--births-column",
            "Number of live births",
            "--births-column",
            "Persons",
            "--births-column",
            "",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.text("gaps.csv") != default_run().text("gaps.csv"));
}

/// A flag given neither once nor once per table is an error naming the flag, how many times
/// it was given and for how many tables, for `run`, `check` and `plan` alike (a usage error,
/// exit 2), and nothing is written.
#[test]
fn a_flag_given_a_wrong_number_of_times_is_an_error() {
    let sheets = ["--sheet", "Table 1", "--sheet", "Table 2"];
    for command in ["run", "check", "plan"] {
        let add = if command == "plan" {
            &["--add", "1"][..]
        } else {
            &[]
        };
        let o = headed_apart(command, &[&sheets[..], add].concat());
        assert_eq!(o.code, 2, "{command}: {}", o.stderr);
        assert_eq!(
            o.stderr,
            "covgap: --sheet: is given 2 times, for 3 --births tables: give it once, for every table, or once per table, in the order of --births (a comma-separated list taken in its order), with \"\" for a table to be read as with the flag left out\n",
            "{command}"
        );
        assert!(o.files.is_none(), "{command}: nothing is written");
    }
    let o = run_by_nation(&[
        "--births",
        "nisra_northern_ireland.csv",
        "--births-column",
        "VALUE",
        "--births-column",
        "VALUE",
    ]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        "covgap: --births-column: is given 2 times, for 1 --births table: give it once\n"
    );
    assert!(o.files.is_none());
}

/// An empty value reads its table as with the flag left out: the sheet found as the first
/// with an area code and a figure column (said in a note), the column by its header.
#[test]
fn an_empty_value_finds_that_tables_sheet_and_column_by_header() {
    let o = run_by_nation(&[
        "--births",
        "ons_england_wales.csv,nrs_scotland.xlsx,nisra_northern_ireland.csv",
        "--sheet",
        "",
        "--sheet",
        "",
        "--sheet",
        "",
        "--births-column",
        "",
        "--births-column",
        "Births",
        "--births-column",
        "",
        "--period",
        "1 July 2019 to 30 June 2020",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.text("gaps.csv") == default_run().text("gaps.csv"));
    o.assert_stderr_has(&[
        "note: nrs_scotland.xlsx: figures read from sheet \"Table 1\" (the first with an area code and a figure column; choose another with --sheet)",
    ]);
    let run = o.json("run.json");
    let chosen: Vec<_> = run["figures"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["column_chosen_by"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        chosen,
        ["recognised_header", "named_by_flag", "generic_header"]
    );
    assert_eq!(run["options"]["sheet"], json!([null, null, null]));
}

/// A CSV table has no sheets: given once per table, its `--sheet` must be empty, and the
/// error names the table and its place among them; nothing is written.
#[test]
fn a_sheet_given_for_a_csv_table_is_an_error_naming_it() {
    let o = run_by_nation(&[
        "--births",
        "ons_england_wales.csv,nrs_scotland.xlsx,nisra_northern_ireland.csv",
        "--sheet",
        "Table 1",
        "--sheet",
        "Table 1",
        "--sheet",
        "",
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.error_lines(),
        ["error: ons_england_wales.csv: is read as CSV, which has no sheets, but the 1st --sheet, for the 1st --births table, is \"Table 1\": give \"\" for it"]
    );
    assert!(o.files.is_none());
}

/// A table read by code beside one read by a column of names named for it alone; a table
/// given both a code column and a column of names is an error naming it, whether the flags
/// are given once (every table has both) or once per table.
#[test]
fn a_code_table_beside_a_table_read_by_a_named_column_of_names() {
    let dir = tempfile::tempdir().unwrap();
    write_tables_by_nation(dir.path());
    let mut names = String::from("Residence,Live births\n");
    for (_, name, births) in builtin_births("S") {
        names += &format!("\"{name}\",{births}\n");
    }
    std::fs::write(dir.path().join("nrs_by_name.csv"), names).unwrap();
    let births = "ons_england_wales.csv,nrs_by_name.csv,nisra_northern_ireland.csv";
    // Each run into its own folder: the first writes one.
    let by = |out: &str, flags: &[&str]| {
        let period = ["--period", "1 July 2019 to 30 June 2020"];
        let mut all = vec!["run", "--births", births];
        all.extend_from_slice(&period);
        all.extend_from_slice(flags);
        all.extend_from_slice(&["--out", out]);
        covgap_in(dir.path(), &all, Some(out))
    };
    let o = by(
        "out",
        &[
            "--births-code-column",
            "Area code",
            "--births-code-column",
            "",
            "--births-code-column",
            "LGD2014",
            "--births-name-column",
            "",
            "--births-name-column",
            "Residence",
            "--births-name-column",
            "",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.text("gaps.csv") == default_run().text("gaps.csv"));
    o.assert_stderr_has(&["nrs_by_name.csv, line 1: figures matched to the areas by name, from column \"Residence\" (named with --births-name-column)"]);
    let files = o.json("run.json")["figures"]["files"].clone();
    let columns: Vec<_> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code_column"].clone(), f["name_column"].clone()))
        .collect();
    assert_eq!(
        columns,
        [
            (json!("Area code"), Value::Null),
            (Value::Null, json!("Residence")),
            (json!("LGD2014"), Value::Null),
        ]
    );

    // Both once: every table would have both.
    let o = by(
        "both_once",
        &[
            "--births-code-column",
            "Area code",
            "--births-name-column",
            "Residence",
        ],
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        "covgap: --births-name-column: \"Residence\" is given for ons_england_wales.csv (the 1st --births table) beside --births-code-column \"Area code\": a table is read by its area codes or by its names, not both; give them once per table, in the order of --births, with \"\" for each table read the other way\n"
    );
    assert!(o.files.is_none());
    // Once per table, both for the 2nd.
    let o = by(
        "both_for_one",
        &[
            "--births-code-column",
            "",
            "--births-code-column",
            "Code",
            "--births-code-column",
            "",
            "--births-name-column",
            "",
            "--births-name-column",
            "Residence",
            "--births-name-column",
            "",
        ],
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    o.assert_stderr_has(&["\"Residence\" is given for nrs_by_name.csv (the 2nd --births table) beside --births-code-column \"Code\""]);
    assert!(o.files.is_none());
}

/// A sheet given once per table that a workbook lacks is an error about that sheet alone: the
/// advice on a flag given once for every table (here `--births-column`, which every table
/// has) is not added to it, as it would send the user to change a flag that was right; a
/// column given once that a table lacks still gets it.
#[test]
fn advice_on_a_flag_given_once_only_when_the_error_is_about_it() {
    let o = headed_apart(
        "check",
        &[
            "--sheet",
            "Table 2",
            "--sheet",
            "Table 2",
            "--sheet",
            "",
            "--births-column",
            "Persons",
        ],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    let errors = o.error_lines();
    let sheet = errors
        .iter()
        .find(|l| l.contains("ons_england_wales.xlsx"))
        .expect("an error on ONS's workbook");
    assert!(
        sheet.contains("has no sheet \"Table 2\"") && !sheet.contains("--births-column"),
        "{sheet}"
    );
    let column = errors
        .iter()
        .find(|l| l.contains("nisra_northern_ireland.csv"))
        .expect("an error on NISRA's table");
    assert!(
        column.contains("--births-column names the column in every one of them"),
        "{column}"
    );
}
