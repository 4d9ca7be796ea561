//! Refreshes: `run.json` records each run; `covgap diff` says what changed between two.

use crate::{covgap, fixture_path, run_json, run_json_input};

fn run_with_teams(teams: &str, out: &std::path::Path) {
    covgap()
        .args(["run", "--quiet", "--teams"])
        .arg(fixture_path(teams))
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

/// `covgap diff OLD NEW --out DIR`, which must succeed: its standard error (the files are in
/// `DIR`).
fn diff_into(old: &std::path::Path, new: &std::path::Path, dir: &std::path::Path) -> String {
    let out = covgap()
        .arg("diff")
        .arg(old)
        .arg(new)
        .arg("--out")
        .arg(dir)
        .assert()
        .success();
    String::from_utf8_lossy(&out.get_output().stderr).into_owned()
}

/// `covgap diff OLD NEW`, which must succeed: its Markdown (standard output) and standard error.
fn diff_md(old: &std::path::Path, new: &std::path::Path) -> (String, String) {
    let out = covgap().arg("diff").arg(old).arg(new).assert().success();
    let o = out.get_output();
    (
        String::from_utf8(o.stdout.clone()).unwrap(),
        String::from_utf8(o.stderr.clone()).unwrap(),
    )
}

#[test]
fn run_json_records_inputs_options_and_period() {
    let dir = tempfile::tempdir().unwrap();
    run_with_teams("teams_before.csv", dir.path());
    let v = run_json(dir.path());
    assert_eq!(v["covgap_version"], env!("CARGO_PKG_VERSION"));
    let teams = run_json_input(&v, "teams");
    let bytes = std::fs::read(fixture_path("teams_before.csv")).unwrap();
    assert_eq!(teams["bytes"], bytes.len() as u64);
    assert_eq!(
        teams["sha256"],
        covgap::write::run::fingerprint_bytes(&bytes).1
    );
    assert!(v["inputs"][0]["built_in"]
        .as_str()
        .unwrap()
        .contains("boundaries"));
    assert_eq!(v["options"]["measure"], "births");
    assert_eq!(v["figures"]["period"], covgap::builtin::BIRTHS_PERIOD);
}

/// A run written when summary.json carried shares to two decimals (19.07) compares with one
/// written now (19.1) as the same share: each is worked out from the whole numbers.
#[test]
fn diff_against_a_run_with_two_decimal_shares_finds_nothing_changed() {
    let (old, new) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    run_with_teams("teams_before.csv", old.path());
    run_with_teams("teams_before.csv", new.path());
    let path = old.path().join("summary.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let two_decimals = |s: &mut serde_json::Value| {
        let (c, t) = (
            s["demand_covered"].as_u64().unwrap(),
            s["demand_total"].as_u64().unwrap(),
        );
        s["percent_covered"] = serde_json::json!((c as f64 * 10_000.0 / t as f64).round() / 100.0);
    };
    two_decimals(&mut v);
    for n in v["nations"].as_array_mut().unwrap() {
        two_decimals(n);
    }
    // The old run's share reads differently from the new one's...
    let new_summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(new.path().join("summary.json")).unwrap()).unwrap();
    assert_ne!(v["percent_covered"], new_summary["percent_covered"]);
    std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
    // ...but it is the same share.
    let (md, _) = diff_md(old.path(), new.path());
    assert!(md.contains("Nothing changed."), "{md}");
}

#[test]
fn diff_of_two_team_lists_shows_team_and_area_changes() {
    let (old, new, out) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    run_with_teams("teams_before.csv", old.path());
    run_with_teams("teams_after.csv", new.path());

    // Markdown to standard output.
    let (md, _) = diff_md(old.path(), new.path());
    assert!(
        md.contains("## Teams added (1)\n\n- Gamma Parent Infant Team"),
        "{md}"
    );
    assert!(
        md.contains("## Teams removed (1)\n\n- Alpha Parent Infant Team"),
        "{md}"
    );
    assert!(md.contains("## Areas newly covered (1)"), "{md}");
    assert!(md.contains("| E08000035 | Leeds |"), "{md}");
    assert!(md.contains("## Areas newly uncovered (1)"), "{md}");
    // An area uncovered now has no team now: the table names the teams that covered it,
    // which a column "Teams now" left blank on every row.
    assert!(
        md.contains("| Code | Area | live births | Teams before |\n|---|---|---:|---|\n| E08000025 | Birmingham | 15,208 | Alpha Parent Infant Team |"),
        "{md}"
    );
    assert!(
        md.contains("| Code | Area | live births | Teams now |\n|---|---|---:|---|\n| E08000035 | Leeds | 9,026 | Gamma Parent Infant Team |"),
        "{md}"
    );
    assert!(md.contains("| Teams in the list | 2 | 2 | 0 |"), "{md}");

    // Both files with --out.
    diff_into(old.path(), new.path(), out.path());
    assert_eq!(
        std::fs::read_to_string(out.path().join("diff.md")).unwrap(),
        md
    );
    let mut r = csv::Reader::from_path(out.path().join("diff.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    let has = |section: &str, code: &str, name: &str| {
        rows.iter()
            .any(|r| &r[0] == section && &r[1] == code && &r[2] == name)
    };
    assert!(has("team_added", "", "Gamma Parent Infant Team"));
    assert!(has("team_removed", "", "Alpha Parent Infant Team"));
    assert!(has("area_newly_covered", "E08000035", "Leeds"));
    assert!(has("area_newly_uncovered", "E08000025", "Birmingham"));
    // England's covered figure moved by Leeds's births less Birmingham's.
    let eng = rows
        .iter()
        .find(|r| &r[0] == "nation" && &r[1] == "E92000001" && &r[3] == "demand_covered")
        .unwrap();
    assert_ne!(&eng[6], "0");
    // Shares to one decimal, as the other outputs give them: 0.0 for no change, not 0.
    let one_decimal = |t: &str| t.split_once('.').is_some_and(|(_, d)| d.len() == 1);
    let shares: Vec<_> = rows.iter().filter(|r| &r[3] == "percent_covered").collect();
    assert_eq!(
        shares
            .iter()
            .filter(|r| &r[0] == "headline" || &r[0] == "nation")
            .count(),
        5
    );
    for r in shares {
        assert!((4..7).all(|i| one_decimal(&r[i])), "{r:?}");
    }
    assert!(rows
        .iter()
        .any(|r| &r[3] == "percent_covered" && &r[6] == "0.0"));
}

/// A team the list gives only by the areas it serves (no base) is still a team added.
#[test]
fn diff_lists_a_team_added_without_a_base() {
    let (old, new) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    run_with_teams("teams_before.csv", old.path());
    run_with_teams("teams_after_unlocated_added.csv", new.path());
    let (md, _) = diff_md(old.path(), new.path());
    assert!(
        md.contains("## Teams added (1)\n\n- Delta Parent Infant Team"),
        "{md}"
    );
    assert!(md.contains("## Teams removed (0)"), "{md}");
    assert!(md.contains("| E08000035 | Leeds |"), "{md}");
}

/// Live births then population aged 0: each side is labelled with its own figure, and the
/// change of figure is said on standard error and in the report.
#[test]
fn diff_of_runs_counting_different_figures_says_so() {
    let (old, new) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for (dir, measure) in [(&old, "births"), (&new, "age0")] {
        covgap()
            .args(["run", "--quiet", "--measure", measure, "--out"])
            .arg(dir.path())
            .assert()
            .success();
    }
    let (md, stderr) = diff_md(old.path(), new.path());
    assert!(
        stderr.contains("warning: the runs count different figures (live births in"),
        "{stderr}"
    );
    let lines: Vec<&str> = md.lines().collect();
    assert!(
        lines[2].starts_with("- Old: `") && lines[2].contains("(live births, "),
        "{md}"
    );
    assert!(
        lines[3].starts_with("- New: `") && lines[3].contains("(population aged 0, "),
        "{md}"
    );
    assert!(
        md.contains("**The runs count different figures: live births → population aged 0."),
        "{md}"
    );
    // Unlike figures: both shown, no change given.
    assert!(
        md.contains("| Figure (total) | 700,691 | 694,286 | n/a |"),
        "{md}"
    );
    assert!(md.contains("| Areas with a team | 56 | 56 | 0 |"), "{md}");
}

/// The UK's districts, then five Oxfordshire districts: the share covered jumps because the
/// areas changed, not because teams were added. diff must say so, and give no change for it.
#[test]
fn diff_of_runs_over_different_boundaries_says_so() {
    let (old, new) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    covgap()
        .args(["run", "--quiet", "--out"])
        .arg(old.path())
        .assert()
        .success();
    covgap()
        .args(["run", "--quiet", "--boundaries"])
        .arg(fixture_path("boundaries/oxfordshire_wgs84.geojson"))
        .arg("--out")
        .arg(new.path())
        .assert()
        .success();
    let (md, stderr) = diff_md(old.path(), new.path());
    assert!(
        stderr.contains("warning: the runs use different boundaries (ONS Local Authority Districts (May 2024) Boundaries UK BUC (SHA-256 ")
            && stderr.contains("oxfordshire_wgs84.geojson (SHA-256 ")
            && stderr.contains("not new or closed teams"),
        "{stderr}"
    );
    assert!(md.contains("**The runs use different boundaries"), "{md}");
    assert!(
        md.contains("| % of live births in areas with a team | 18.8 | 100.0 | n/a |"),
        "{md}"
    );
    assert!(md.contains("| Areas | 361 | 5 | n/a |"), "{md}");
    // diff.csv's headline rows name both totals: the UK's, then the five districts'.
    let csv_dir = tempfile::tempdir().unwrap();
    diff_into(old.path(), new.path(), csv_dir.path());
    let csv = std::fs::read_to_string(csv_dir.path().join("diff.csv")).unwrap();
    assert!(
        csv.contains("headline,,United Kingdom / All areas given,areas_total,361,5,\r\n"),
        "{csv}"
    );
    // The same boundaries on both sides: no such warning.
    let (_, same) = diff_md(old.path(), old.path());
    assert!(!same.contains("boundaries"), "{same}");
}

#[test]
fn diff_names_a_folder_that_is_not_a_run() {
    let empty = tempfile::tempdir().unwrap();
    covgap()
        .arg("diff")
        .arg(empty.path())
        .arg(empty.path())
        .assert()
        .failure()
        .stderr(predicates::str::contains(format!(
            "{}: is not the output folder of a covgap run: it has no summary.json",
            empty.path().display()
        )));
}

/// A summary.json that is not covgap's (another program's, or one emptied or edited): before,
/// `{}` was compared as a run of no areas counting "figure", with "Not compared: England,
/// Northern Ireland, Scotland, Wales" put down to an older covgap, and exit 0. Nothing is
/// written into `--out`.
#[test]
fn diff_names_a_summary_json_that_is_not_covgaps() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old");
    run_with_teams("teams_before.csv", &old);
    for (text, says) in [
        ("{}", r#"it has no "covgap_version" or "areas_total""#),
        ("[]", r#"it has no "covgap_version" or "areas_total""#),
        (
            r#"{"covgap_version": "0.1.0"}"#,
            r#"it has no "areas_total""#,
        ),
    ] {
        let new = dir.path().join("new");
        let _ = std::fs::remove_dir_all(&new);
        std::fs::create_dir(&new).unwrap();
        for entry in std::fs::read_dir(&old).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), new.join(entry.file_name())).unwrap();
        }
        std::fs::write(new.join("summary.json"), text).unwrap();
        let report = dir.path().join("report");
        covgap()
            .arg("diff")
            .arg(&old)
            .arg(&new)
            .arg("--out")
            .arg(&report)
            .assert()
            .code(1)
            .stderr(predicates::str::contains(format!(
                "covgap: {}: is not the summary.json `covgap run` writes: {says} (was it edited, or written by another program?)",
                new.join("summary.json").display()
            )));
        assert!(!report.join("diff.md").exists(), "{text}");
    }
}

/// A folder mistyped, or a file given for a folder: said so, not "cannot read file" of a
/// summary.json inside it, which the user never named.
#[test]
fn diff_names_a_folder_that_does_not_exist_or_is_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("befor");
    let file = dir.path().join("births.csv");
    std::fs::write(&file, "code,births\n").unwrap();
    for (p, says) in [
        (&missing, "no such folder; give the folders `covgap run --out` wrote"),
        (&file, "is a file, not the output folder of a covgap run; give the folders `covgap run --out` wrote"),
    ] {
        covgap()
            .arg("diff")
            .arg(p)
            .arg(p)
            .assert()
            .code(1)
            .stderr(predicates::str::contains(format!("covgap: {}: {says}", p.display())));
    }
}

/// A births table without Birmingham's row: the totals fall by its 15,208 babies and the share
/// covered rises, with no team changed. diff must say the area lost its figure, on standard
/// error, at the top of `diff.md`, in the headline and in `diff.csv`.
#[test]
fn diff_says_when_an_area_has_no_figure_in_the_new_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut areas = csv::Reader::from_path(fixture_path("../../data/areas.csv")).unwrap();
    let header = areas.headers().unwrap().clone();
    let (ci, bi) = (
        header.iter().position(|h| h == "code").unwrap(),
        header.iter().position(|h| h == "births").unwrap(),
    );
    let mut births = String::from("code,births\n");
    for row in areas.records() {
        let row = row.unwrap();
        if &row[ci] != "E08000025" {
            births.push_str(&format!("{},{}\n", &row[ci], &row[bi]));
        }
    }
    std::fs::write(dir.path().join("births.csv"), births).unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    covgap()
        .args(["run", "-q", "--out"])
        .arg(&old)
        .assert()
        .success();
    covgap()
        .args([
            "run",
            "-q",
            "--period",
            "1 July 2019 to 30 June 2020",
            "--births",
        ])
        .arg(dir.path().join("births.csv"))
        .arg("--out")
        .arg(&new)
        .assert()
        .success();
    let stderr = diff_into(&old, &new, &dir.path().join("d"));
    let said = "1 area has no figure in the new run: Birmingham (E08000025, 15,208 before); its 15,208 babies in the old run are left out of the new totals, so totals and shares fall or rise with it, not with the teams";
    assert!(stderr.contains(&format!("warning: {said}")), "{stderr}");
    let md = std::fs::read_to_string(dir.path().join("d/diff.md")).unwrap();
    assert!(md.contains(&format!("**{said}.**")), "{md}");
    assert!(
        md.contains("| Areas with no figure (left out of the totals) | 0 | 1 | +1 |"),
        "{md}"
    );
    assert!(
        md.contains("## Areas with no figure now (1)\n\n| Code | Area | live births before |\n|---|---|---:|\n| E08000025 | Birmingham | 15,208 |"),
        "{md}"
    );
    let csv = std::fs::read_to_string(dir.path().join("d/diff.csv")).unwrap();
    assert!(
        csv.contains("area_figure_lost,E08000025,Birmingham,figure,15208,,\r\n"),
        "{csv}"
    );
}

/// A team whose base moved (Leeds's, 0.05 degrees of latitude north, about 5.6 km) is listed
/// as changed, with how far, though it covers the same areas.
#[test]
fn diff_lists_a_team_whose_base_moved() {
    let dir = tempfile::tempdir().unwrap();
    let teams = std::fs::read_to_string(fixture_path("../../data/teams.csv")).unwrap();
    let leeds = "Leeds Infant Mental Health Service";
    let moved: String = teams
        .lines()
        .map(|l| {
            if l.starts_with(leeds) {
                l.replacen(",53.79736,", ",53.84736,", 1)
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(moved.trim_end(), teams.trim_end(), "Leeds's base not found");
    std::fs::write(dir.path().join("teams.csv"), moved + "\n").unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    covgap()
        .args([
            "run",
            "-q",
            "--evidence",
            "pif_named,service_confirmed",
            "--out",
        ])
        .arg(&old)
        .assert()
        .success();
    covgap()
        .args([
            "run",
            "-q",
            "--evidence",
            "pif_named,service_confirmed",
            "--teams",
        ])
        .arg(dir.path().join("teams.csv"))
        .arg("--out")
        .arg(&new)
        .assert()
        .success();
    let (md, _) = diff_md(&old, &new);
    assert!(
        md.contains(&format!(
            "## Teams changed (1)\n\n- {leeds}: base moved 5.6 km\n"
        )),
        "{md}"
    );
}

/// A team list piped in (`--teams /dev/stdin`, or a shell's `<(...)`) can be read only once:
/// run.json must not read it as well, which would leave the analysis an empty file, and
/// records it without a fingerprint instead of failing the run.
#[cfg(unix)]
#[test]
fn a_piped_input_is_read_once_and_recorded_without_a_hash() {
    let dir = tempfile::tempdir().unwrap();
    let teams = std::fs::read(fixture_path("teams_before.csv")).unwrap();
    covgap()
        .args(["run", "--quiet", "--teams", "/dev/stdin", "--out"])
        .arg(dir.path())
        .write_stdin(teams)
        .assert()
        .success();
    let v = run_json(dir.path());
    let entry = run_json_input(&v, "teams");
    assert_eq!(entry["path"], "/dev/stdin");
    assert!(entry["sha256"].is_null(), "{entry}");
    assert!(entry["note"]
        .as_str()
        .unwrap()
        .contains("not a regular file"));
}

/// Births and boundaries piped in: covgap looked at their first bytes to tell a workbook
/// from a CSV, or a GeoPackage from GeoJSON, and those bytes were then missing from what it
/// read ("the first row has \"\", \"births\"", "is not valid GeoJSON").
#[cfg(unix)]
#[test]
fn piped_births_and_boundaries_are_read_whole() {
    let oxon = fixture_path("boundaries/oxfordshire_wgs84.geojson");
    let births = "code,births\nE07000177,1784\nE07000178,1441\nE07000179,1418\nE07000180,1438\nE07000181,1015\n";
    for (flag, stdin, other) in [
        ("--births", births.as_bytes().to_vec(), "--boundaries"),
        ("--boundaries", std::fs::read(&oxon).unwrap(), "--teams"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let other_file = match other {
            "--boundaries" => oxon.clone(),
            _ => fixture_path("teams/oxford_only.csv"),
        };
        covgap()
            .args(["run", "--quiet", flag, "/dev/stdin", other])
            .arg(&other_file)
            .arg("--out")
            .arg(dir.path())
            .write_stdin(stdin)
            .assert()
            .success();
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap())
                .unwrap();
        assert_eq!(summary["areas_total"], 5, "{flag}");
        if flag == "--births" {
            assert_eq!(summary["demand_total"], 7096, "{flag}");
        }
        let record = run_json(dir.path());
        let role = if flag == "--births" {
            "figures"
        } else {
            "boundaries"
        };
        let entry = run_json_input(&record, role);
        assert!(entry["sha256"].is_null(), "{entry}");
    }
}

/// `run` on the Oxfordshire districts with teams/oxford_only.csv and the small areas given
/// (fixture names, comma-separated), or none.
fn run_with_small_areas(small_areas: Option<&str>, out: &std::path::Path) {
    let mut cmd = covgap();
    cmd.args(["run", "--quiet", "--boundaries"])
        .arg(fixture_path("boundaries/oxfordshire_wgs84.geojson"))
        .arg("--teams")
        .arg(fixture_path("teams/oxford_only.csv"))
        .arg("--out")
        .arg(out);
    if let Some(names) = small_areas {
        let files: Vec<String> = names
            .split(',')
            .map(|n| {
                fixture_path(&format!("small_areas/{n}"))
                    .display()
                    .to_string()
            })
            .collect();
        cmd.arg("--small-areas")
            .arg(files.join(","))
            .arg("--small-area-figures")
            .arg(fixture_path("small_areas/oxfordshire_near_far_figures.csv"));
    }
    cmd.assert().success();
}

#[test]
fn diff_compares_the_babies_small_areas_place_by_distance() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    run_with_small_areas(Some("oxfordshire_near.geojson"), a.path());
    run_with_small_areas(Some("oxfordshire_near.geojson,far_away.geojson"), b.path());
    run_with_small_areas(None, c.path());
    // The same districts, teams and figures: only the small areas left out change (the two
    // squares in Scotland), and that is a change, not "Nothing changed".
    let (md, _) = diff_md(a.path(), b.path());
    assert!(!md.contains("Nothing changed"), "{md}");
    for row in [
        "| Babies in the small areas placed in an area (total) | 60 | 60 | 0 |",
        "| Babies in the small areas, over 25 up to 50 km from the nearest team | 20 | 20 | 0 |",
        "| Babies in small areas left out (outside the areas, or across a land border) | 54 | 354 | +300 |",
    ] {
        assert!(md.contains(row), "{row}\n{md}");
    }
    // Small areas in one run only: the other has no such figure.
    let (md, _) = diff_md(c.path(), a.path());
    assert!(
        md.contains("| Babies in the small areas placed in an area (total) | n/a | 60 | n/a |"),
        "{md}"
    );
    // Neither run has small areas: no such rows.
    let (md, _) = diff_md(c.path(), c.path());
    assert!(!md.contains("small areas"), "{md}");
}

/// `covgap run --quiet` on `boundaries` (a path) with `teams`, into `out`.
fn run_on(boundaries: &std::path::Path, teams: &str, out: &std::path::Path) {
    covgap()
        .args(["run", "--quiet", "--boundaries"])
        .arg(boundaries)
        .arg("--teams")
        .arg(fixture_path(teams))
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

/// Oxfordshire's districts without Oxford, written into `dir`: other areas than
/// `boundaries/oxfordshire_wgs84.geojson`'s five.
fn oxfordshire_without_oxford(dir: &std::path::Path) -> std::path::PathBuf {
    let mut v: serde_json::Value = serde_json::from_slice(
        &std::fs::read(fixture_path("boundaries/oxfordshire_wgs84.geojson")).unwrap(),
    )
    .unwrap();
    v["features"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["properties"]["LAD24CD"] != "E07000178");
    let path = dir.join("oxfordshire_without_oxford.geojson");
    std::fs::write(&path, v.to_string()).unwrap();
    path
}

/// Two runs of Oxford's one team into `dir`: on Oxfordshire's five districts (`old`), then on
/// the four without Oxford (`new`).
fn runs_with_and_without_oxford(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (old, new) = (dir.join("old"), dir.join("new"));
    run_on(
        &fixture_path("boundaries/oxfordshire_wgs84.geojson"),
        "teams/oxford_only.csv",
        &old,
    );
    run_on(
        &oxfordshire_without_oxford(dir),
        "teams/oxford_only.csv",
        &new,
    );
    (old, new)
}

/// Regression: "Teams counted" counts the teams covering the areas given, so over other areas
/// it counts other teams. Oxford's one team is counted on Oxfordshire's five districts and not
/// on the four without Oxford: `diff` gave "1 | 0 | -1", reading as a team closed. Like the
/// areas, babies and share, it is shown for each run with no change, in diff.md and diff.csv.
#[test]
fn diff_over_different_areas_gives_no_change_in_teams_counted() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = runs_with_and_without_oxford(dir.path());
    diff_into(&old, &new, &dir.path().join("d"));
    let md = std::fs::read_to_string(dir.path().join("d/diff.md")).unwrap();
    assert!(md.contains("| Teams counted | 1 | 0 | n/a |"), "{md}");
    // The list is the same list: its count still compares.
    assert!(md.contains("| Teams in the list | 1 | 1 | 0 |"), "{md}");
    // The team itself is listed as changed, with why, and the warning says a team may be.
    assert!(
        md.contains("teams may also be listed as changed (covering other areas, or only areas outside the boundaries given)"),
        "{md}"
    );
    assert!(
        md.contains("- City team: serves areas given → serves only areas outside the boundaries given; covers E07000178 → no area"),
        "{md}"
    );
    let csv = std::fs::read_to_string(dir.path().join("d/diff.csv")).unwrap();
    assert!(
        csv.contains("headline,,All areas given,teams_counted,1,0,\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("headline,,All areas given,teams_in_list,1,1,0\r\n"),
        "{csv}"
    );
}

/// `diff -q`, as `run -q`: no warnings and no list of files written (the warnings are at the
/// top of diff.md still); errors are still printed.
#[test]
fn diff_quiet_prints_only_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = runs_with_and_without_oxford(dir.path());
    // Without -q: the warning and the files written.
    let loud = diff_into(&old, &new, &dir.path().join("loud"));
    assert!(
        loud.contains("warning: the runs use different boundaries"),
        "{loud}"
    );
    assert!(loud.contains("wrote"), "{loud}");
    for q in ["-q", "--quiet"] {
        let out = dir.path().join(q);
        covgap()
            .arg("diff")
            .arg(&old)
            .arg(&new)
            .args([q, "--out"])
            .arg(&out)
            .assert()
            .success()
            .stderr("");
        let md = std::fs::read_to_string(out.join("diff.md")).unwrap();
        assert!(md.contains("**The runs use different boundaries"), "{md}");
        // To standard output, likewise.
        covgap()
            .arg("diff")
            .arg(&old)
            .arg(&new)
            .arg(q)
            .assert()
            .success()
            .stderr("")
            .stdout(predicates::str::contains(
                "**The runs use different boundaries",
            ));
    }
    // An error is still said.
    covgap()
        .arg("diff")
        .arg(dir.path())
        .arg(&new)
        .arg("-q")
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "is not the output folder of a covgap run",
        ));
}

/// Regression: `run` tells teams apart by name, case and spacing aside, and `diff` did not:
/// "City team" then "city  TEAM" was one team removed and another added. It is the same team,
/// unchanged, and the new spelling is listed as a rename.
#[test]
fn diff_matches_a_team_renamed_in_case_or_spacing_only() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    let oxon = fixture_path("boundaries/oxfordshire_wgs84.geojson");
    run_on(&oxon, "teams/oxford_only.csv", &old);
    run_on(
        &oxon,
        "teams/oxford_only_renamed_in_case_and_spacing.csv",
        &new,
    );
    diff_into(&old, &new, &dir.path().join("d"));
    let md = std::fs::read_to_string(dir.path().join("d/diff.md")).unwrap();
    assert!(md.contains("## Teams added (0)"), "{md}");
    assert!(md.contains("## Teams removed (0)"), "{md}");
    assert!(!md.contains("## Teams changed"), "{md}");
    assert!(
        md.contains("## Teams renamed, in case or spacing only (1)"),
        "{md}"
    );
    assert!(md.contains("- \"City team\" → \"city  TEAM\""), "{md}");
    assert!(md.contains("| Teams counted | 1 | 1 | 0 |"), "{md}");
    let csv = std::fs::read_to_string(dir.path().join("d/diff.csv")).unwrap();
    assert!(
        csv.contains("team_renamed,,city  TEAM,name,City team,city  TEAM,\r\n"),
        "{csv}"
    );
    assert!(
        !csv.contains("team_added") && !csv.contains("team_removed"),
        "{csv}"
    );
}

/// `run` tells teams apart by name alone (two rows with one name are an error, whatever their
/// hosts), and so does `diff`: a team whose host organisation changed is the same team,
/// changed, not one removed and another added, which a briefing would read as a closure.
#[test]
fn diff_gives_a_new_host_organisation_as_a_change_to_the_same_team() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    let oxon = fixture_path("boundaries/oxfordshire_wgs84.geojson");
    run_on(&oxon, "teams/oxford_only_host_a.csv", &old);
    run_on(&oxon, "teams/oxford_only_host_changed.csv", &new);
    diff_into(&old, &new, &dir.path().join("d"));
    let md = std::fs::read_to_string(dir.path().join("d/diff.md")).unwrap();
    assert!(md.contains("## Teams added (0)"), "{md}");
    assert!(md.contains("## Teams removed (0)"), "{md}");
    assert!(
        md.contains(
            "## Teams changed (1)\n\n- City team: host organisation \"Org A\" → \"New Trust\"\n"
        ),
        "{md}"
    );
    let csv = std::fs::read_to_string(dir.path().join("d/diff.csv")).unwrap();
    assert!(
        csv.contains("team_changed,,City team,host_org,Org A,New Trust,\r\n"),
        "{csv}"
    );
}

/// A `teams.geojson` edited by hand so that two features are one team (names the same but for
/// case), or a feature has no name: `diff` stops naming the file and the features, rather than
/// lose one team from the comparison and report changes no list made.
#[test]
fn diff_refuses_a_teams_geojson_with_one_team_twice_or_a_team_with_no_name() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old");
    run_on(
        &fixture_path("boundaries/oxfordshire_wgs84.geojson"),
        "teams/oxford_only.csv",
        &old,
    );
    let edited = |name: serde_json::Value| {
        let new = dir.path().join("new");
        let _ = std::fs::remove_dir_all(&new);
        std::fs::create_dir(&new).unwrap();
        for f in ["summary.json", "areas.geojson", "run.json"] {
            std::fs::copy(old.join(f), new.join(f)).unwrap();
        }
        let mut doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(old.join("teams.geojson")).unwrap())
                .unwrap();
        let features = doc["features"].as_array_mut().unwrap();
        let mut copy = features[0].clone();
        copy["properties"]["name"] = name;
        features.push(copy);
        std::fs::write(new.join("teams.geojson"), doc.to_string()).unwrap();
        let out = covgap().arg("diff").arg(&old).arg(&new).assert().code(1);
        String::from_utf8_lossy(&out.get_output().stderr).into_owned()
    };
    let twice = edited(serde_json::json!("CITY  Team"));
    assert!(
        twice.contains("teams.geojson: features 1 and 2 are one team, \"City team\" and \"CITY  Team\" being the same name but for case and spacing"),
        "{twice}"
    );
    let unnamed = edited(serde_json::Value::Null);
    assert!(
        unnamed.contains("teams.geojson: feature 2: has no name"),
        "{unnamed}"
    );
}

/// A re-run on Oxfordshire's districts: births in 2023 with a team in Oxford alone, then
/// `births_2024` (the rows below the header) with teams in Oxford and Cherwell. Returns the
/// folder, holding `old` and `new`, and `diff.md` between them.
fn oxfordshire_rerun(births_2024: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = |f: &str| dir.path().join(f);
    std::fs::write(
        p("births_2023.csv"),
        "code,births\nE07000177,1000\nE07000178,1400\nE07000179,1418\nE07000180,1438\nE07000181,1097\n",
    )
    .unwrap();
    std::fs::write(p("births_2024.csv"), format!("code,births\n{births_2024}")).unwrap();
    std::fs::write(
        p("teams_2024.csv"),
        "name,areas_served\nCity team,E07000178\nNorth team,E07000177\n",
    )
    .unwrap();
    let oxon = crate::fixture("boundaries/oxfordshire_wgs84.geojson");
    let oxford_only = crate::fixture("teams/oxford_only.csv");
    for (out, births, teams) in [
        ("old", "births_2023.csv", oxford_only.as_str()),
        (
            "new",
            "births_2024.csv",
            p("teams_2024.csv").to_str().unwrap(),
        ),
    ] {
        covgap()
            .current_dir(dir.path())
            .args(["run", "-q", "--boundaries", &oxon, "--teams", teams])
            .args(["--births", births, "--out", out])
            .assert()
            .success();
    }
    let (md, _) = diff_md(&p("old"), &p("new"));
    (dir, md)
}

/// A re-run with a new figures table and a new team list: the change in babies in areas with
/// a team is split into what the areas newly covered or uncovered bring and what the new
/// figures bring, so a briefing does not credit the teams with the new figures.
#[test]
fn diff_says_how_much_of_the_change_is_the_new_figures() {
    // Cherwell and Oxford revised; the rest as before.
    let (dir, md) = oxfordshire_rerun(
        "E07000177,1100\nE07000178,1500\nE07000179,1418\nE07000180,1438\nE07000181,1097\n",
    );
    let p = |f: &str| dir.path().join(f);
    let oxon = crate::fixture("boundaries/oxfordshire_wgs84.geojson");
    let oxford_only = crate::fixture("teams/oxford_only.csv");
    // 1,400 covered before, 1,100 + 1,500 now: Cherwell newly covered brings 1,100, and
    // Oxford's revised figure the other 100.
    assert!(
        md.contains("| Live births in areas with a team | 1,400 | 2,600 | +1,200 |"),
        "{md}"
    );
    assert!(
        md.contains("**2 areas in both runs have another figure in the new run, so the change in babies below comes from the new figures as well as from the teams: of the +1,200 babies in areas with a team, +1,100 are in the areas newly covered or uncovered (each counted at its figure in the run in which it has a team) and +100 come from the new figures for the areas with a team in both runs.**"),
        "{md}"
    );
    // The same run twice: nothing to say.
    let (md, _) = diff_md(&p("old"), &p("old"));
    assert!(!md.contains("another figure"), "{md}");
    // The same teams and new figures only: all of the change is the figures'.
    covgap()
        .current_dir(dir.path())
        .args(["run", "-q", "--boundaries", &oxon, "--teams", &oxford_only])
        .args(["--births", "births_2024.csv", "--out", "figures_only"])
        .assert()
        .success();
    // A table without West Oxfordshire's row: it has a figure in one run only, not
    // "another figure".
    std::fs::write(
        p("births_2024_part.csv"),
        "code,births\nE07000177,1100\nE07000178,1500\nE07000179,1418\nE07000180,1438\n",
    )
    .unwrap();
    covgap()
        .current_dir(dir.path())
        .args(["run", "-q", "--boundaries", &oxon, "--teams"])
        .arg(p("teams_2024.csv"))
        .args(["--births", "births_2024_part.csv", "--out", "part"])
        .assert()
        .success();
    let (md, _) = diff_md(&p("old"), &p("part"));
    assert!(
        md.contains("**2 areas in both runs have another figure in the new run and 1 a figure in one run only, so the change in babies below"),
        "{md}"
    );
    // West Oxfordshire, with no team, lost its figure: the babies in areas with a team do
    // not change, and there is nothing to split.
    let (md, _) = diff_md(&p("new"), &p("part"));
    assert!(
        md.contains("| Live births in areas with a team | 2,600 | 2,600 | 0 |"),
        "{md}"
    );
    assert!(!md.contains("in one run only and"), "{md}");
    let (md, _) = diff_md(&p("old"), &p("figures_only"));
    assert!(
        md.contains("**2 areas in both runs have another figure in the new run and no area is newly covered or uncovered, so the change of +100 in babies in areas with a team comes from the new figures alone, not from the teams.**"),
        "{md}"
    );
}

/// New figures only for areas with no team in either run take no part in the change in babies
/// in areas with a team: diff.md says the change is all in the areas newly covered, not that it
/// "comes from the new figures as well as from the teams" with "0 from the new figures".
#[test]
fn diff_does_not_credit_the_new_figures_when_only_areas_with_no_team_changed() {
    // West Oxfordshire, with no team in either run, revised; the rest as before.
    let (_dir, md) = oxfordshire_rerun(
        "E07000177,1000\nE07000178,1400\nE07000179,1418\nE07000180,1438\nE07000181,1197\n",
    );
    assert!(
        md.contains("| Live births in areas with a team | 1,400 | 2,400 | +1,000 |"),
        "{md}"
    );
    assert!(
        md.contains("**1 area in both runs has another figure in the new run, not an area with a team in both runs, so the change of +1,000 in babies in areas with a team is all in the areas newly covered or uncovered (each counted at its figure in the run in which it has a team).**"),
        "{md}"
    );
    assert!(!md.contains("new figures as well"), "{md}");
}

/// A team renamed in the list (not only in case or spacing) is still added and removed, as
/// teams are told apart by name, but each is marked as most likely the other renamed when
/// they have the same host organisation, areas and base: a briefing counting "teams added"
/// would otherwise count a renamed team as new.
#[test]
fn diff_marks_an_added_and_a_removed_team_alike_in_all_but_name() {
    let dir = tempfile::tempdir().unwrap();
    let p = |f: &str| dir.path().join(f);
    std::fs::write(
        p("before.csv"),
        "name,host_org,areas_served,latitude,longitude\nAlpha Parent Infant Team,Alpha NHS Trust,E08000025,52.4797,-1.9027\nBeta Parent Infant Team,Beta Health Board,W06000015,51.4816,-3.1791\n",
    )
    .unwrap();
    // Alpha renamed; Beta closed and Gamma opened at the same place by another host.
    std::fs::write(
        p("after.csv"),
        "name,host_org,areas_served,latitude,longitude\nAlpha Parent-Infant Relationship Service,Alpha NHS Trust,E08000025,52.4797,-1.9027\nGamma Parent Infant Team,Gamma Charity,W06000015,51.4816,-3.1791\n",
    )
    .unwrap();
    for (list, out) in [("before.csv", "old"), ("after.csv", "new")] {
        covgap()
            .current_dir(dir.path())
            .args(["run", "-q", "--teams", list, "--out", out])
            .assert()
            .success();
    }
    let (md, _) = diff_md(&p("old"), &p("new"));
    assert!(
        md.contains("## Teams added (2)\n\n- Alpha Parent-Infant Relationship Service, Alpha NHS Trust (counted; covers E08000025); most likely the removed \"Alpha Parent Infant Team\" renamed: the same host organisation, areas covered and base\n- Gamma Parent Infant Team, Gamma Charity (counted; covers W06000015)\n"),
        "{md}"
    );
    assert!(
        md.contains("## Teams removed (2)\n\n- Alpha Parent Infant Team, Alpha NHS Trust (counted; covers E08000025); most likely renamed the added \"Alpha Parent-Infant Relationship Service\": the same host organisation, areas covered and base\n- Beta Parent Infant Team, Beta Health Board (counted; covers W06000015)\n"),
        "{md}"
    );
    // diff.csv marks the pair too, in the change column, and Gamma and Beta not.
    covgap()
        .current_dir(dir.path())
        .args(["diff", "-q", "old", "new", "--out", "changes"])
        .assert()
        .success();
    let rows = crate::read_csv_text(&std::fs::read_to_string(p("changes/diff.csv")).unwrap());
    let change = |section: &str, name: &str| {
        rows.iter()
            .find(|r| r[0] == section && r[2] == name)
            .unwrap_or_else(|| panic!("{section} {name}: {rows:?}"))[6]
            .clone()
    };
    assert_eq!(
        change("team_added", "Alpha Parent-Infant Relationship Service"),
        "most likely the removed \"Alpha Parent Infant Team\" renamed"
    );
    assert_eq!(
        change("team_removed", "Alpha Parent Infant Team"),
        "most likely renamed the added \"Alpha Parent-Infant Relationship Service\""
    );
    assert_eq!(change("team_added", "Gamma Parent Infant Team"), "");
    assert_eq!(change("team_removed", "Beta Parent Infant Team"), "");
}

/// This year's figures saved over last year's file: the runs name the same table, but
/// `run.json` fingerprints other contents, so `diff` says the source changed, with the start of
/// each SHA-256. The same table under another name is no new source.
#[test]
fn diff_tells_new_figures_under_last_years_file_name_by_their_contents() {
    let dir = tempfile::tempdir().unwrap();
    let p = |f: &str| dir.path().join(f);
    let oxon = crate::fixture("boundaries/oxfordshire_wgs84.geojson");
    let run = |out: &str, births: &str| {
        covgap()
            .current_dir(dir.path())
            .args(["run", "-q", "--boundaries", &oxon, "--births", births])
            .args(["--period", "calendar year", "--out", out])
            .assert()
            .success();
    };
    let y2023 = "code,births\nE07000177,1000\nE07000178,1400\nE07000179,1418\nE07000180,1438\nE07000181,1097\n";
    std::fs::write(p("births.csv"), y2023).unwrap();
    run("old", "births.csv");
    std::fs::write(p("copy.csv"), y2023).unwrap();
    run("renamed", "copy.csv");
    std::fs::write(
        p("births.csv"),
        "code,births\nE07000177,1000\nE07000178,1500\nE07000179,1418\nE07000180,1438\nE07000181,1097\n",
    )
    .unwrap();
    run("new", "births.csv");
    let sha = |out: &str| {
        let run = run_json(&p(out));
        run_json_input(&run, "figures")["sha256"].as_str().unwrap()[..12].to_string()
    };
    let (old_sha, new_sha) = (sha("old"), sha("new"));
    assert_ne!(old_sha, new_sha);
    let (md, _) = diff_md(&p("old"), &p("new"));
    assert!(
        md.contains(&format!(
            "The figures' source changed: births.csv (SHA-256 {old_sha}…) → births.csv (SHA-256 {new_sha}…)."
        )),
        "{md}"
    );
    let csv = std::fs::read_to_string({
        diff_into(&p("old"), &p("new"), &p("changes"));
        p("changes/diff.csv")
    })
    .unwrap();
    assert!(
        csv.contains(&format!(
            "figures_source,births.csv (SHA-256 {old_sha}…),births.csv (SHA-256 {new_sha}…)"
        )),
        "{csv}"
    );
    // The same figures under another name: nothing changed.
    let (md, _) = diff_md(&p("old"), &p("renamed"));
    assert!(md.contains("Nothing changed."), "{md}");
}

/// Several tables under last year's file names, one of them saved over with this year's
/// figures: `diff` gives each table its own SHA-256, in the order of the tables, so the one
/// that changed can be seen (a sorted list after all the tables paired them otherwise).
#[test]
fn diff_gives_each_table_its_own_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let p = |f: &str| dir.path().join(f);
    let oxon = crate::fixture("boundaries/oxfordshire_wgs84.geojson");
    let run = |out: &str| {
        covgap()
            .current_dir(dir.path())
            .args([
                "run",
                "-q",
                "--boundaries",
                &oxon,
                "--births",
                "a.csv,b.csv",
            ])
            .args(["--period", "calendar year", "--out", out])
            .assert()
            .success();
    };
    std::fs::write(p("a.csv"), "code,births\nE07000177,1000\nE07000178,1400\n").unwrap();
    std::fs::write(
        p("b.csv"),
        "code,births\nE07000179,1418\nE07000180,1438\nE07000181,1097\n",
    )
    .unwrap();
    run("old");
    std::fs::write(
        p("b.csv"),
        "code,births\nE07000179,1400\nE07000180,1438\nE07000181,1097\n",
    )
    .unwrap();
    run("new");
    let shas = |out: &str| -> Vec<String> {
        let run = run_json(&p(out));
        run["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["role"] == "figures")
            .map(|i| i["sha256"].as_str().unwrap()[..12].to_string())
            .collect()
    };
    let (o, n) = (shas("old"), shas("new"));
    assert_eq!(o[0], n[0]);
    let (md, _) = diff_md(&p("old"), &p("new"));
    let line = md
        .lines()
        .find(|l| l.starts_with("The figures' source changed"))
        .unwrap_or_else(|| panic!("{md}"));
    // Each fingerprint follows its own table's description, before the next table's.
    let (old_part, new_part) = line.split_once(" → ").unwrap();
    for (part, shas) in [(old_part, &o), (new_part, &n)] {
        let (a, b) = part.split_once("; ").unwrap_or_else(|| panic!("{line}"));
        assert!(
            a.contains("a.csv") && a.ends_with(&format!("(SHA-256 {}…)", shas[0])),
            "{line}"
        );
        assert!(
            b.contains("b.csv") && b.contains(&format!("(SHA-256 {}…)", shas[1])),
            "{line}"
        );
    }
}

/// A run folder's `rollups.csv` rows by (level, code): each row's cells by column name.
fn rollup_rows(
    dir: &std::path::Path,
) -> std::collections::BTreeMap<(String, String), std::collections::BTreeMap<String, String>> {
    let rows = crate::read_csv(&dir.join("rollups.csv"));
    let header = rows[0].clone();
    rows[1..]
        .iter()
        .map(|r| {
            let cells: std::collections::BTreeMap<String, String> =
                header.iter().cloned().zip(r.iter().cloned()).collect();
            ((cells["level"].clone(), cells["code"].clone()), cells)
        })
        .collect()
}

/// The built-in teams and `extra` lines, as a `--teams` file in `dir`.
fn builtin_teams_with(dir: &std::path::Path, extra: &str) -> std::path::PathBuf {
    let mut text = std::fs::read_to_string(crate::repo_file("data/teams.csv")).unwrap();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(extra);
    let path = dir.join("teams.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// The default run against one whose team list adds a team for Birmingham and one for
/// Cardiff: the region, upper tier and ICB of Birmingham and the upper tier and health board
/// of Cardiff change, with the old and new figures of each run's rollups.csv, in diff.md (only those that
/// changed, with how many were unchanged) and diff.csv (every row, as for the nations).
#[test]
fn diff_compares_regions_upper_tiers_icbs_and_health_boards() {
    let (old, new, out, inputs) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let teams = builtin_teams_with(
        inputs.path(),
        "Birmingham Parent Infant Team,Birmingham NHS FT,pif_named,England,E08000025,,,,,,\n\
         Cardiff Parent Infant Team,Cardiff and Vale UHB,pif_named,Wales,W06000015,,,,,,\n",
    );
    covgap()
        .args(["run", "--quiet", "--out"])
        .arg(old.path())
        .assert()
        .success();
    covgap()
        .args(["run", "--quiet", "--teams"])
        .arg(&teams)
        .arg("--out")
        .arg(new.path())
        .assert()
        .success();
    diff_into(old.path(), new.path(), out.path());
    let (ro, rn) = (rollup_rows(old.path()), rollup_rows(new.path()));
    let health_board = rn
        .iter()
        .find(|((l, _), r)| {
            l == "health_board" && r["name"] == "Cardiff and Vale University Health Board"
        })
        .map(|((_, c), _)| c.clone())
        .expect("Cardiff's health board in rollups.csv");
    let changed = [
        ("region", "E12000005", "West Midlands", "Regions (1)"),
        ("upper_tier", "E08000025", "Birmingham", "Upper tiers (2)"),
        ("upper_tier", "W06000015", "Cardiff", "Upper tiers (2)"),
        (
            "icb",
            "E54000055",
            "NHS Birmingham and Solihull Integrated Care Board",
            "ICBs (1)",
        ),
        (
            "health_board",
            health_board.as_str(),
            "Cardiff and Vale University Health Board",
            "Health boards (1)",
        ),
    ];
    let md = std::fs::read_to_string(out.path().join("diff.md")).unwrap();
    let csv = crate::read_csv(&out.path().join("diff.csv"));
    let cell = |section: &str, code: &str, field: &str| -> Vec<String> {
        csv.iter()
            .find(|r| r[0] == section && r[1] == code && r[3] == field)
            .unwrap_or_else(|| panic!("no {section} {code} {field} row in diff.csv"))
            .clone()
    };
    assert!(
        md.contains("## By region, upper tier, ICB and health board\n"),
        "{md}"
    );
    let compared = ro
        .keys()
        .filter(|(l, _)| l != "uk" && l != "nation")
        .count();
    assert!(
        md.contains(&format!(
            "{} geographies in both runs: {} unchanged, 5 changed",
            compared,
            compared - 5
        )),
        "{md}"
    );
    for (level, code, name, heading) in changed {
        let key = (level.to_string(), code.to_string());
        let (o, n) = (&ro[&key], &rn[&key]);
        assert_eq!(o["name"], name);
        let (oc, nc): (u64, u64) = (
            o["areas_covered"].parse().unwrap(),
            n["areas_covered"].parse().unwrap(),
        );
        assert_eq!(nc, oc + 1, "{level} {code}");
        let (ob, nb): (u64, u64) = (
            o["births_covered"].parse().unwrap(),
            n["births_covered"].parse().unwrap(),
        );
        assert!(nb > ob, "{level} {code}");
        // diff.csv: old and new as each run's rollups.csv gives them, and the change.
        assert_eq!(
            cell(level, code, "areas_covered")[2..],
            [
                name.to_string(),
                "areas_covered".into(),
                oc.to_string(),
                nc.to_string(),
                "1".into()
            ]
        );
        assert_eq!(
            cell(level, code, "demand_covered")[4..],
            [ob.to_string(), nb.to_string(), (nb - ob).to_string()]
        );
        assert_eq!(
            cell(level, code, "percent_covered")[4..6],
            [o["percent_covered"].clone(), n["percent_covered"].clone()]
        );
        // Unchanged figures are written too, as for the nations.
        assert_eq!(
            cell(level, code, "demand_total")[4..],
            [
                o["births_total"].clone(),
                n["births_total"].clone(),
                "0".into()
            ]
        );
        // diff.md: under the level, only the figures that changed.
        assert!(md.contains(&format!("\n### {heading}\n")), "{md}");
        let row = format!("| {name} ({code}) | ");
        assert!(
            md.contains(&format!("{row}Areas with a team | {oc} | {nc} | +1 |")),
            "{md}"
        );
        assert!(
            md.contains(&format!(
                "{row}Live births in areas with a team | {} | {} | +{} |",
                covgap::write::thousands(ob),
                covgap::write::thousands(nb),
                covgap::write::thousands(nb - ob)
            )),
            "{md}"
        );
        assert!(
            md.contains(&format!(
                "{row}% of live births in areas with a team | {} | {} |",
                o["percent_covered"], n["percent_covered"]
            )),
            "{md}"
        );
        assert!(
            !md.contains(&format!("{row}Areas |")),
            "unchanged figures are left out: {md}"
        );
    }
    // A region that did not change is in diff.csv, not in diff.md.
    assert_eq!(cell("region", "E12000001", "areas_covered")[6], "0");
    assert!(!md.contains("| North East (E12000001) |"), "{md}");
}

/// A run folder written by an older covgap without rollups.csv, or with one lacking a column,
/// still compares, saying the regions and smaller geographies were not compared.
#[test]
fn diff_against_a_run_without_rollups_csv_says_they_were_not_compared() {
    let (old, new, out) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    run_with_teams("teams_before.csv", old.path());
    run_with_teams("teams_after.csv", new.path());
    std::fs::remove_file(old.path().join("rollups.csv")).unwrap();
    diff_into(old.path(), new.path(), out.path());
    let md = std::fs::read_to_string(out.path().join("diff.md")).unwrap();
    assert!(
        md.contains(&format!(
            "Regions, upper tiers, ICBs and health boards are not compared: {} has no rollups.csv (a covgap from before wrote none).",
            old.path().display()
        )),
        "{md}"
    );
    assert!(!md.contains("## By region"), "{md}");
    assert!(
        md.contains("## Teams added (1)"),
        "the rest is compared: {md}"
    );
    let csv = crate::read_csv(&out.path().join("diff.csv"));
    assert!(csv.iter().all(|r| r[0] != "region" && r[0] != "icb"));
    // A rollups.csv without a column covgap writes now: the same.
    let path = new.path().join("rollups.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("areas_without_figure", "no_figure")).unwrap();
    std::fs::copy(&path, old.path().join("rollups.csv")).unwrap();
    let (md, _) = diff_md(old.path(), new.path());
    assert!(
        md.contains(
            "has no column areas_without_figure (a covgap from before wrote other columns)"
        ),
        "{md}"
    );
}

/// Two runs whose only difference is a region's figures do not read "Nothing changed".
#[test]
fn diff_of_runs_differing_only_in_a_region_says_so() {
    let (old, new) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    run_with_teams("teams_before.csv", old.path());
    run_with_teams("teams_before.csv", new.path());
    let (md, _) = diff_md(old.path(), new.path());
    assert!(md.contains("Nothing changed."), "{md}");
    let path = new.path().join("rollups.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("region,E12000002,North West,"))
        .unwrap()
        .to_string();
    let cells: Vec<&str> = line.split(',').collect();
    let total: u64 = cells[5].parse().unwrap();
    let edited = line.replacen(&format!(",{total},"), &format!(",{},", total + 100), 1);
    std::fs::write(&path, text.replace(&line, &edited)).unwrap();
    let (md, _) = diff_md(old.path(), new.path());
    assert!(!md.contains("Nothing changed."), "{md}");
    assert!(
        md.contains(&format!(
            "| North West (E12000002) | Live births (total) | {} | {} | +100 |",
            covgap::write::thousands(total),
            covgap::write::thousands(total + 100)
        )),
        "{md}"
    );
}

/// Runs `teams` (the text of a team list, written into `dir`) on Oxfordshire's five
/// districts, into `dir/out`.
fn run_oxfordshire_with(dir: &std::path::Path, teams: &str, out: &str) -> std::path::PathBuf {
    let list = dir.join(format!("{out}.csv"));
    std::fs::write(&list, teams).unwrap();
    let out = dir.join(out);
    covgap()
        .args(["run", "--quiet", "--boundaries"])
        .arg(fixture_path("boundaries/oxfordshire_wgs84.geojson"))
        .arg("--teams")
        .arg(&list)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    out
}

/// Regression: a team list that names a team's areas in another order ("Cherwell;Oxford",
/// then "Oxford;Cherwell", as an edited list may) covers the same areas. `diff` compared the
/// `covers` text, listing the team as changed ("covers E07000177;E07000178 →
/// E07000178;E07000177") and the run as not "Nothing changed", though no area's coverage
/// changed; nor was a team renamed with its areas reordered marked as most likely renamed.
#[test]
fn diff_takes_a_teams_areas_in_another_order_as_the_same_areas() {
    let dir = tempfile::tempdir().unwrap();
    let old = run_oxfordshire_with(
        dir.path(),
        "name,host_org,areas_served\nCity team,Org A,E07000177;E07000178\n",
        "old",
    );
    let new = run_oxfordshire_with(
        dir.path(),
        "name,host_org,areas_served\nCity team,Org A,E07000178;E07000177\n",
        "new",
    );
    let (md, _) = diff_md(&old, &new);
    assert!(md.contains("Nothing changed."), "{md}");
    // Renamed too: most likely the same team, its areas the same in another order.
    let renamed = run_oxfordshire_with(
        dir.path(),
        "name,host_org,areas_served\nCity Team (renamed),Org A,E07000178;E07000177\n",
        "renamed",
    );
    let (md, _) = diff_md(&old, &renamed);
    assert!(
        md.contains("most likely the removed \"City team\" renamed"),
        "{md}"
    );
    // Areas that did change are still a change.
    let other = run_oxfordshire_with(
        dir.path(),
        "name,host_org,areas_served\nCity team,Org A,E07000178;E07000179\n",
        "other",
    );
    let (md, _) = diff_md(&old, &other);
    assert!(
        md.contains("- City team: covers E07000177;E07000178 → E07000178;E07000179"),
        "{md}"
    );
}

/// A run's `rollups.csv` opened in Excel and saved again as "CSV (Comma delimited)": the
/// babies written with thousands separators ("15,208", quoted), no byte-order mark, and the
/// text in Windows-1252 (an upper tier renamed "Ynys Môn" in both runs, as a user may). It is the same
/// run: `diff` read "15,208" as no number, so every geography with a thousand babies or more
/// read as changed (old figure, "n/a" new), and a name in Windows-1252 made the file
/// unreadable, so no geography was compared.
#[test]
fn diff_reads_a_rollups_csv_excel_saved_again() {
    let (old, new) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    run_with_teams("teams_before.csv", old.path());
    run_with_teams("teams_before.csv", new.path());
    let rename = |text: &str| text.replace(",Isle of Anglesey,", ",Ynys Môn,");
    let old_csv = old.path().join("rollups.csv");
    std::fs::write(
        &old_csv,
        rename(&std::fs::read_to_string(&old_csv).unwrap()),
    )
    .unwrap();
    let new_csv = new.path().join("rollups.csv");
    let rows = crate::read_csv(&new_csv);
    let mut resaved = String::new();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(j, c)| match (i, j, c.parse::<u64>()) {
                // births_total and births_covered, as Excel formats them.
                (1.., 5 | 6, Ok(n)) if n >= 1000 => format!("\"{}\"", covgap::write::thousands(n)),
                _ if c.contains(',') => format!("\"{c}\""),
                _ => c.clone(),
            })
            .collect();
        resaved.push_str(&rename(&cells.join(",")));
        resaved.push_str("\r\n");
    }
    assert!(resaved.contains("\"600,708\""), "{resaved}");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&resaved);
    assert!(std::str::from_utf8(&bytes).is_err());
    std::fs::write(&new_csv, &bytes).unwrap();
    let (md, _) = diff_md(old.path(), new.path());
    assert!(md.contains("Nothing changed."), "{md}");
    assert!(!md.contains("not compared"), "{md}");
    // A change in them is still seen, each figure read whole.
    let text = encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned();
    let line = text
        .lines()
        .find(|l| l.starts_with("upper_tier,W06000001,"))
        .unwrap()
        .to_string();
    let edited = line.replacen(",0,", ",1,", 1);
    let text = text.replace(&line, &edited);
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    std::fs::write(&new_csv, &bytes).unwrap();
    let (md, _) = diff_md(old.path(), new.path());
    assert!(
        md.contains("| Ynys Môn (W06000001) | Areas with a team | 0 | 1 | +1 |"),
        "{md}"
    );
    // A cell that is no number (Excel's error, typed over a figure) is not compared, and
    // said so, rather than read as a change.
    let line_no = text.lines().position(|l| l == edited).unwrap() + 1;
    let text = text.replace(&edited, &edited.replacen(",582,", ",#VALUE!,", 1));
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    std::fs::write(&new_csv, &bytes).unwrap();
    let (md, _) = diff_md(old.path(), new.path());
    assert!(
        md.contains(&format!(
            "rollups.csv` line {line_no}: births_total \"#VALUE!\" is not a number (was it edited?)"
        )),
        "{md}"
    );
    assert!(!md.contains("## By region"), "{md}");
}

/// Regression: against a run from a covgap that left teams with no base out of
/// `teams.geojson`, a team that had a base in the old run and has none in the new (the
/// built-in Together for Baby, whose guessed base in Chelmsford was dropped) was left out of
/// the new side only, so `diff` listed it under "Teams removed", though it is still in the
/// list. It is in both runs: changed, "no longer has a base", with the areas it covers.
#[test]
fn diff_against_outputs_without_unlocated_teams_keeps_a_team_that_lost_its_base() {
    let dir = tempfile::tempdir().unwrap();
    let old = run_oxfordshire_with(
        dir.path(),
        "name,host_org,areas_served,latitude,longitude\n\
         City team,Org A,E07000178,51.752,-1.2577\n\
         Unplaced team,Org B,E07000177,,\n",
        "old",
    );
    let new = run_oxfordshire_with(
        dir.path(),
        "name,host_org,areas_served,latitude,longitude\n\
         City team,Org A,,,\n\
         Unplaced team,Org B,E07000177,,\n",
        "new",
    );
    // The old run as an older covgap wrote it: no feature for a team with no base.
    let path = old.join("teams.geojson");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    doc["features"]
        .as_array_mut()
        .unwrap()
        .retain(|f| !f["geometry"].is_null());
    std::fs::write(&path, doc.to_string()).unwrap();
    let (md, _) = diff_md(&old, &new);
    assert!(
        md.contains("Teams with no base are left out of the team comparison"),
        "{md}"
    );
    assert!(md.contains("## Teams removed (0)"), "{md}");
    assert!(md.contains("## Teams added (0)"), "{md}");
    assert!(
        md.contains("## Teams changed (1)\n\n- City team: covers E07000178 → no area; no longer has a base\n"),
        "{md}"
    );
}

/// Regression: the same team list run with another evidence rule (`--evidence
/// pif_named,service_confirmed,candidate`, to see the candidates too) counts other teams.
/// `diff` listed them as "not counted → counted" and their areas as newly covered with no word
/// of the rule, which a briefing would read as new evidence or new teams. It now says the rule
/// changed, on standard error and at the top of diff.md, and diff.csv gives a `headline` row,
/// field `evidence`. The same levels in another order are the same rule.
#[test]
fn diff_says_when_the_runs_count_teams_by_another_evidence_rule() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("teams.csv");
    std::fs::write(
        &list,
        "name,areas_served,evidence\nCity team,E07000178,pif_named\nNew team,E07000177,candidate\n",
    )
    .unwrap();
    let run = |out: &str, evidence: Option<&str>| {
        let out = dir.path().join(out);
        let mut cmd = covgap();
        cmd.args(["run", "--quiet", "--boundaries"])
            .arg(fixture_path("boundaries/oxfordshire_wgs84.geojson"))
            .arg("--teams")
            .arg(&list)
            .arg("--out")
            .arg(&out);
        if let Some(e) = evidence {
            cmd.args(["--evidence", e]);
        }
        cmd.assert().success();
        out
    };
    let old = run("old", None);
    let new = run("new", Some("pif_named,service_confirmed,candidate"));
    let stderr = diff_into(&old, &new, &dir.path().join("d"));
    let rule = "teams whose evidence level is pif_named or service_confirmed → teams whose evidence level is pif_named or service_confirmed or candidate";
    assert!(
        stderr.contains("the runs count teams by different evidence rules"),
        "{stderr}"
    );
    assert!(stderr.contains(rule), "{stderr}");
    let md = std::fs::read_to_string(dir.path().join("d/diff.md")).unwrap();
    assert!(
        md.contains(&format!(
            "**The runs count teams by different evidence rules ({rule})"
        )),
        "{md}"
    );
    // The change itself is still given.
    assert!(md.contains("- New team: not counted → counted"), "{md}");
    let csv = std::fs::read_to_string(dir.path().join("d/diff.csv")).unwrap();
    assert!(
        csv.contains("headline,,All areas given,evidence,teams whose evidence level is pif_named or service_confirmed,teams whose evidence level is pif_named or service_confirmed or candidate,\r\n"),
        "{csv}"
    );
    // The default levels given in another order: the same rule, nothing changed.
    let same = run("same", Some("service_confirmed,pif_named"));
    let (md, stderr) = diff_md(&old, &same);
    assert!(md.contains("Nothing changed."), "{md}");
    assert!(!stderr.contains("evidence"), "{stderr}");
}

/// Regression: `diff` takes a `covgap plan` folder (it holds the same summary.json, teams and
/// areas as a run) but compares only the teams in its list and the areas they cover, not the
/// new sites it plans. A run against a plan of 2 new teams, or a plan of 1 against a plan of
/// 2, read "Nothing changed", though the plans differ. It now says, on standard error and
/// above "Nothing changed", which folder is a plan and that its sites are not compared.
#[test]
fn diff_says_a_plans_new_sites_are_not_compared() {
    let dir = tempfile::tempdir().unwrap();
    let oxon = fixture_path("boundaries/oxfordshire_wgs84.geojson");
    let run = dir.path().join("run");
    run_on(&oxon, "teams/oxford_only.csv", &run);
    let plan = |n: &str| {
        let out = dir.path().join(format!("plan{n}"));
        covgap()
            .args(["plan", "--quiet", "--add", n, "--boundaries"])
            .arg(&oxon)
            .arg("--teams")
            .arg(fixture_path("teams/oxford_only.csv"))
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        out
    };
    let (one, two) = (plan("1"), plan("2"));
    let (md, stderr) = diff_md(&run, &two);
    let said = format!(
        "`{}` is the output of `covgap plan`: `diff` compares the teams in its list and the areas they cover, not the new sites it plans (its `plan.md` and `plan.csv` give them)",
        two.display()
    );
    assert!(md.contains(&said), "{md}");
    assert!(md.contains("Nothing changed."), "{md}");
    assert!(
        stderr.contains("is the output of `covgap plan`"),
        "{stderr}"
    );
    let (md, _) = diff_md(&one, &two);
    assert!(
        md.contains(&format!(
            "`{}` is the output of `covgap plan`",
            one.display()
        )),
        "{md}"
    );
    assert!(md.contains(&said), "{md}");
    // Two runs: nothing of plans.
    let (md, stderr) = diff_md(&run, &run);
    assert!(
        !md.contains("covgap plan") && !stderr.contains("covgap plan"),
        "{md}"
    );
}

/// `run` on the Oxfordshire districts with teams/oxford_only.csv and the near small areas,
/// their figures the table `figures` (its text), written into `dir` as `name`.
fn run_with_small_area_figures(
    dir: &std::path::Path,
    name: &str,
    figures: &str,
    out: &str,
) -> std::path::PathBuf {
    let table = dir.join(name);
    std::fs::write(&table, figures).unwrap();
    let out = dir.join(out);
    covgap()
        .args(["run", "--quiet", "--boundaries"])
        .arg(fixture_path("boundaries/oxfordshire_wgs84.geojson"))
        .arg("--teams")
        .arg(fixture_path("teams/oxford_only.csv"))
        .arg("--small-areas")
        .arg(fixture_path("small_areas/oxfordshire_near.geojson"))
        .arg("--small-area-figures")
        .arg(&table)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    out
}

/// Regression: new small-area figures (this year's table saved over last year's, or another
/// column) move the babies by distance band with no team changed, and `diff` gave the change
/// ("Babies in the small areas, in areas with a team | 10 | 15 | +5") with no word of the new
/// figures, as if the teams had made it. It now says the small areas' files changed, told
/// apart by the SHA-256 run.json records (diff.csv: a `headline` row, field
/// `small_area_files`); the same table under another name is no change.
#[test]
fn diff_says_when_the_small_areas_figures_changed() {
    let dir = tempfile::tempdir().unwrap();
    let figures =
        std::fs::read_to_string(fixture_path("small_areas/oxfordshire_near_far_figures.csv"))
            .unwrap();
    let old = dir.path().join("old");
    std::fs::create_dir(&old).unwrap();
    let old = run_with_small_area_figures(&old, "sape.csv", &figures, "out");
    let new = dir.path().join("new");
    std::fs::create_dir(&new).unwrap();
    let new = run_with_small_area_figures(
        &new,
        "sape.csv",
        &figures.replace("E01990005,50", "E01990005,55"),
        "out",
    );
    let stderr = diff_into(&old, &new, &dir.path().join("d"));
    let md = std::fs::read_to_string(dir.path().join("d/diff.md")).unwrap();
    assert!(
        md.contains("**The small areas' files changed (") && md.contains("sape.csv (SHA-256 "),
        "{md}"
    );
    assert!(
        md.contains("the babies in the small areas by distance band change with them as well as with the teams"),
        "{md}"
    );
    assert!(
        stderr.contains("the small areas' files changed"),
        "{stderr}"
    );
    let csv = std::fs::read_to_string(dir.path().join("d/diff.csv")).unwrap();
    assert!(csv.contains(",small_area_files,"), "{csv}");
    // The same table under another name: the same figures.
    let renamed = dir.path().join("renamed");
    std::fs::create_dir(&renamed).unwrap();
    let renamed = run_with_small_area_figures(&renamed, "sape_2020.csv", &figures, "out");
    let (md, stderr) = diff_md(&old, &renamed);
    assert!(md.contains("Nothing changed."), "{md}");
    assert!(!stderr.contains("small areas"), "{stderr}");
}

/// Regression: in a team list with no host organisations (a list of names, areas and bases,
/// as many users keep), a team closed and another opened in the same district at the same
/// base were marked "most likely the removed … renamed: the same host organisation, areas
/// covered and base", though neither gives a host organisation, and the README's rule asks
/// for the same one: a briefing would report a closure and an opening as a rename. A pair is
/// marked only when the host organisation is known (not blank, nor "unknown").
#[test]
fn diff_does_not_call_teams_with_no_host_organisation_renamed() {
    let dir = tempfile::tempdir().unwrap();
    let p = |f: &str| dir.path().join(f);
    for (list, host) in [("none", ""), ("unknown", "unknown")] {
        std::fs::write(
            p(&format!("{list}_before.csv")),
            format!("name,host_org,areas_served,latitude,longitude\nBeta Parent Infant Team,{host},W06000015,51.4816,-3.1791\n"),
        )
        .unwrap();
        std::fs::write(
            p(&format!("{list}_after.csv")),
            format!("name,host_org,areas_served,latitude,longitude\nGamma Parent Infant Team,{host},W06000015,51.4816,-3.1791\n"),
        )
        .unwrap();
        for when in ["before", "after"] {
            covgap()
                .current_dir(dir.path())
                .args(["run", "-q", "--teams"])
                .arg(format!("{list}_{when}.csv"))
                .arg("--out")
                .arg(format!("{list}_{when}"))
                .assert()
                .success();
        }
        let (md, _) = diff_md(&p(&format!("{list}_before")), &p(&format!("{list}_after")));
        assert!(
            md.contains("## Teams added (1)\n\n- Gamma Parent Infant Team"),
            "{list}: {md}"
        );
        assert!(!md.contains("most likely"), "{list}: {md}");
    }
}

/// Regression: a Shapefile's names edited in its `.dbf` (its `.shp` unchanged) are other
/// boundaries, and `diff` said so, but named each run's by the `.shp`'s SHA-256 alone: "x.shp
/// (SHA-256 e0ea78c30510…) → x.shp (SHA-256 e0ea78c30510…)", the same on both sides, so the
/// warning seemed to contradict itself. Each side now also gives the SHA-256 of the files
/// beside the `.shp` that differ (".dbf SHA-256 …").
#[test]
fn diff_names_the_shapefile_part_that_differs() {
    let dir = tempfile::tempdir().unwrap();
    let copy = |sub: &str| {
        let to = dir.path().join(sub);
        std::fs::create_dir(&to).unwrap();
        for ext in ["shp", "shx", "dbf", "cpg", "prj"] {
            let name = format!("LAD_MAY_2024_UK_BUC.{ext}");
            std::fs::copy(
                fixture_path(&format!("shapefile_bng/{name}")),
                to.join(&name),
            )
            .unwrap();
        }
        to.join("LAD_MAY_2024_UK_BUC.shp")
    };
    let (a, b) = (copy("a"), copy("b"));
    let dbf = b.with_extension("dbf");
    let mut bytes = std::fs::read(&dbf).unwrap();
    let at = bytes.windows(6).position(|w| w == b"Oxford").unwrap();
    bytes[at..at + 6].copy_from_slice(b"OXFORD");
    std::fs::write(&dbf, bytes).unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    run_on(&a, "teams/oxford_only.csv", &old);
    run_on(&b, "teams/oxford_only.csv", &new);
    let (md, stderr) = diff_md(&old, &new);
    assert!(
        stderr.contains("the runs use different boundaries"),
        "{stderr}"
    );
    let sha = |p: &std::path::Path| {
        use sha2::Digest as _;
        let h = sha2::Sha256::digest(std::fs::read(p).unwrap());
        h.iter().map(|b| format!("{b:02x}")).collect::<String>()[..12].to_string()
    };
    let (shp, old_dbf, new_dbf) = (sha(&a), sha(&a.with_extension("dbf")), sha(&dbf));
    for side in [
        format!("{} (SHA-256 {shp}…; .dbf SHA-256 {old_dbf}…)", a.display()),
        format!("{} (SHA-256 {shp}…; .dbf SHA-256 {new_dbf}…)", b.display()),
    ] {
        assert!(md.contains(&side), "{side}\n{md}");
    }
}
