//! Names from the inputs that a spreadsheet or a Markdown table would misread: each output
//! keeps them as text, whatever they hold.

use std::path::Path;

use crate::{covgap_at, fixture, read_csv};

/// A team named like an Excel formula, covering Oxford.
const FORMULA_TEAM: &str = r#"=HYPERLINK("http://x","click")"#;

/// Oxfordshire's districts with Cherwell (which has no team) renamed to `name`.
fn boundaries_with_cherwell_named(dir: &Path, name: &str) -> String {
    let text = std::fs::read_to_string(fixture("boundaries/oxfordshire_wgs84.geojson")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    for f in doc["features"].as_array_mut().unwrap() {
        if f["properties"]["LAD24CD"] == "E07000177" {
            f["properties"]["LAD24NM"] = name.into();
        }
    }
    let path = dir.join("boundaries.geojson");
    std::fs::write(&path, doc.to_string()).unwrap();
    path.to_str().unwrap().to_string()
}

/// A team list of one team, `name`, serving the districts `areas` (`;`-separated).
fn teams_file(dir: &Path, file: &str, name: &str, areas: &str) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["name", "areas_served"]).unwrap();
    w.write_record([name, areas]).unwrap();
    let path = dir.join(file);
    std::fs::write(&path, w.into_inner().unwrap()).unwrap();
    path.to_str().unwrap().to_string()
}

/// The row of `rows` (header first) whose `key` column is `value`, as column name to cell.
/// `covgap plan --add 1` into `plan/`, with one candidate site in Banbury (Cherwell) named
/// `name`.
/// `covgap run` in `dir` with these boundaries and team list, into the folder `out`.
fn run_into(dir: &tempfile::TempDir, out: &str, boundaries: &str, teams: &str) {
    covgap_at(dir)
        .args(["run", "-q", "--out", out, "--boundaries", boundaries])
        .args(["--teams", teams])
        .assert()
        .success();
}

fn plan_with_one_candidate(dir: &tempfile::TempDir, boundaries: &str, teams: &str, name: &str) {
    std::fs::write(
        dir.path().join("candidates.csv"),
        format!("name,latitude,longitude\n{name},52.06,-1.34\n"),
    )
    .unwrap();
    covgap_at(dir)
        .args([
            "plan",
            "-q",
            "--add",
            "1",
            "--out",
            "plan",
            "--boundaries",
            boundaries,
        ])
        .args(["--teams", teams, "--candidates", "candidates.csv"])
        .assert()
        .success();
}

fn row<'a>(rows: &'a [Vec<String>], key: &str, value: &str) -> Vec<(&'a str, &'a str)> {
    let k = rows[0].iter().position(|h| h == key).expect(key);
    let r = rows[1..]
        .iter()
        .find(|r| r[k] == value)
        .unwrap_or_else(|| panic!("no row with {key} {value}: {rows:?}"));
    rows[0]
        .iter()
        .map(String::as_str)
        .zip(r.iter().map(String::as_str))
        .collect()
}

fn cell<'a>(row: &[(&str, &'a str)], column: &str) -> &'a str {
    row.iter()
        .find(|(h, _)| *h == column)
        .unwrap_or_else(|| panic!("no column {column}"))
        .1
}

/// Excel runs a cell beginning with =, +, -, @, tab or CR as a formula: every CSV covgap
/// writes puts an apostrophe before such a name, and leaves numbers (negative ones too) and
/// codes as they are.
#[test]
fn csv_cells_that_excel_would_run_as_formulas_are_written_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let boundaries = boundaries_with_cherwell_named(dir.path(), "@Cherwell");
    let teams = teams_file(dir.path(), "teams.csv", FORMULA_TEAM, "E07000178");
    let run = |out: &str, teams: &str| run_into(&dir, out, &boundaries, teams);
    run("run", &teams);
    let gaps = read_csv(&dir.path().join("run/gaps.csv"));
    let cherwell = row(&gaps, "code", "E07000177");
    assert_eq!(cell(&cherwell, "name"), "'@Cherwell");
    assert_eq!(cell(&cherwell, "nearest_team"), format!("'{FORMULA_TEAM}"));
    assert!(cell(&cherwell, "nearest_team_km").parse::<f64>().is_ok());
    let rollups = read_csv(&dir.path().join("run/rollups.csv"));
    assert_eq!(
        cell(&row(&rollups, "level", "all"), "name"),
        "All areas given"
    );

    // plan.csv names the candidate site (in Banbury, Cherwell) as it was given, as text.
    plan_with_one_candidate(&dir, &boundaries, &teams, "+Banbury");
    let plan = read_csv(&dir.path().join("plan/plan.csv"));
    let site = row(&plan, "n", "1");
    assert_eq!(cell(&site, "site"), "'+Banbury");
    assert_eq!(cell(&site, "district_code"), "E07000177");
    assert_eq!(cell(&site, "district_name"), "'@Cherwell");

    // diff.csv: the team's name as text, and a fall in the figures still a negative number.
    let more = teams_file(
        dir.path(),
        "more.csv",
        "-Cherwell team",
        "E07000177;E07000178",
    );
    run("more", &more);
    covgap_at(&dir)
        .args(["diff", "more", "run", "--out", "diff"])
        .assert()
        .success();
    let diff = read_csv(&dir.path().join("diff/diff.csv"));
    assert_eq!(
        cell(&row(&diff, "section", "team_removed"), "name"),
        "'-Cherwell team"
    );
    let covered = diff[1..]
        .iter()
        .find(|r| r[0] == "headline" && r[3] == "areas_covered")
        .unwrap_or_else(|| panic!("{diff:?}"));
    assert_eq!(covered[6], "-1", "{covered:?}");

    // assign copies the points' own cells and adds the team's name: as text, with negative
    // longitudes kept as numbers.
    std::fs::write(
        dir.path().join("points.csv"),
        "id,latitude,longitude,note\n=1+1,52.06,-1.34,@me\n",
    )
    .unwrap();
    covgap_at(&dir)
        .args([
            "assign",
            "-q",
            "--points",
            "points.csv",
            "--out",
            "points_out.csv",
        ])
        .args(["--boundaries", &boundaries, "--teams", &teams])
        .assert()
        .success();
    let points = read_csv(&dir.path().join("points_out.csv"));
    let p = row(&points, "longitude", "-1.34");
    assert_eq!(cell(&p, "id"), "'=1+1");
    assert_eq!(cell(&p, "note"), "'@me");
    assert_eq!(cell(&p, "area_code"), "E07000177");
    assert_eq!(cell(&p, "area_name"), "'@Cherwell");
    assert_eq!(cell(&p, "nearest_team"), format!("'{FORMULA_TEAM}"));
}

/// The cells of a Markdown table row as GitHub reads them: split at each `|` not escaped by a
/// backslash (a backslash escapes the character after it).
fn markdown_cells(row: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut chars = row.trim().chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let cell = cells.last_mut().unwrap();
                cell.push(c);
                cell.extend(chars.next());
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    // The text before the first pipe and after the last is no cell.
    cells[1..cells.len() - 1]
        .iter()
        .map(|c| c.trim().to_string())
        .collect()
}

/// Every table in `md` has as many cells in each row as in its header; returns the rows.
fn whole_tables(md: &str, what: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut width = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            width = None;
            continue;
        }
        let cells = markdown_cells(line);
        let w = *width.get_or_insert(cells.len());
        assert_eq!(
            cells.len(),
            w,
            "{what}: a row of {} cells in a table of {w}: {line}\n{md}",
            cells.len()
        );
        rows.push(cells);
    }
    rows
}

/// A `|` or a line break in a name would split a Markdown table's cell or row: summary.md,
/// plan.md and diff.md keep every row whole, the name escaped (`\|`, a space for the break).
#[test]
fn names_with_pipes_and_line_breaks_keep_markdown_tables_whole() {
    let dir = tempfile::tempdir().unwrap();
    let boundaries = boundaries_with_cherwell_named(dir.path(), "Banbury | Bicester\nNorth");
    let cherwell = r"Banbury \| Bicester North";
    let teams = teams_file(
        dir.path(),
        "teams.csv",
        "PAIRS | Oxford\r\nCity",
        "E07000178",
    );
    let team = r"PAIRS \| Oxford City";
    let has = |rows: &[Vec<String>], cells: &[&str]| {
        rows.iter()
            .any(|r| cells.iter().all(|c| r.iter().any(|x| x == c)))
    };
    let run = |out: &str, teams: &str| {
        run_into(&dir, out, &boundaries, teams);
        std::fs::read_to_string(dir.path().join(out).join("summary.md")).unwrap()
    };
    let summary = run("run", &teams);
    let rows = whole_tables(&summary, "summary.md");
    assert!(has(&rows, &[cherwell, "E07000177", team]), "{summary}");

    plan_with_one_candidate(&dir, &boundaries, &teams, "Site | Banbury");
    let plan = std::fs::read_to_string(dir.path().join("plan/plan.md")).unwrap();
    let rows = whole_tables(&plan, "plan.md");
    assert!(has(&rows, &[r"Site \| Banbury (E07000177)"]), "{plan}");
    let summary = std::fs::read_to_string(dir.path().join("plan/summary.md")).unwrap();
    whole_tables(&summary, "plan's summary.md");

    // Cherwell gains a team whose name has a pipe too: diff.md's table of areas newly covered.
    let more = teams_file(dir.path(), "more.csv", "Banbury|Bicester team", "E07000177");
    run("more", &more);
    covgap_at(&dir)
        .args(["diff", "run", "more", "--out", "diff"])
        .assert()
        .success();
    let diff = std::fs::read_to_string(dir.path().join("diff/diff.md")).unwrap();
    let rows = whole_tables(&diff, "diff.md");
    assert!(
        has(&rows, &["E07000177", cherwell, r"Banbury\|Bicester team"]),
        "{diff}"
    );
}

/// A Welsh team list names the districts it serves as ONS writes them in Welsh ("Ynys Môn",
/// "Bro Morgannwg", "Caerdydd"), and an English list names them in English on boundaries that
/// carry the Welsh names: both were errors ("is not a code or name in the boundaries", with
/// Conwy, Powys and Rhondda Cynon Taf suggested for Ynys Môn).
#[test]
fn welsh_districts_are_found_by_their_welsh_and_english_names() {
    let dir = tempfile::tempdir().unwrap();
    let teams = teams_file(
        dir.path(),
        "teams.csv",
        "Tîm Rhiant a Baban",
        "Ynys Môn;Bro Morgannwg;Caerdydd",
    );
    let wales = fixture("boundaries/wales_districts.geojson");
    run_into(&dir, "cy", &wales, &teams);
    let covered = |out: &str| -> Vec<String> {
        let rows = read_csv(&dir.path().join(out).join("gaps.csv"));
        let code = rows[0].iter().position(|h| h == "code").unwrap();
        let gaps: Vec<&str> = rows[1..].iter().map(|r| r[code].as_str()).collect();
        ["W06000001", "W06000014", "W06000015"]
            .into_iter()
            .filter(|c| !gaps.contains(c))
            .map(String::from)
            .collect()
    };
    assert_eq!(covered("cy"), ["W06000001", "W06000014", "W06000015"]);

    // The same districts bearing their Welsh names, served by an English list.
    let text = std::fs::read_to_string(&wales).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    for f in doc["features"].as_array_mut().unwrap() {
        let welsh = match f["properties"]["LAD24CD"].as_str().unwrap() {
            "W06000001" => "Ynys Môn",
            "W06000014" => "Bro Morgannwg",
            "W06000015" => "Caerdydd",
            _ => continue,
        };
        f["properties"]["LAD24NM"] = welsh.into();
    }
    let welsh_named = dir.path().join("welsh_named.geojson");
    std::fs::write(&welsh_named, doc.to_string()).unwrap();
    let teams = teams_file(
        dir.path(),
        "teams_en.csv",
        "Parent-infant team",
        "Isle of Anglesey;Vale of Glamorgan;Cardiff",
    );
    run_into(&dir, "en", welsh_named.to_str().unwrap(), &teams);
    assert_eq!(covered("en"), ["W06000001", "W06000014", "W06000015"]);
    let areas = std::fs::read_to_string(dir.path().join("en/areas.geojson")).unwrap();
    assert!(areas.contains(r#""name":"Ynys Môn""#), "{areas}");
}
