//! `covgap plan --deprivation FILE`: a user's deprivation table for `--rank-by need`, on the
//! hand-drawn squares of tests/fixtures/small_areas (births: Alpha 100, covered by Team One;
//! Beta 200, Gamma 50, Delta 80).
//!
//! With tests/fixtures/deprivation/code_and_share_only.csv (Beta 0, Gamma 1, Delta 0.2) the
//! need weights are Beta 200, Gamma 100 and Delta 96, so the second site changes from Delta
//! (ranked by births, 80 > 50) to Gamma.

use std::collections::BTreeMap;

use crate::{covgap_at, fixture, fixture_path, read_csv};

fn sq(name: &str) -> String {
    fixture(&format!("small_areas/{name}"))
}

/// `covgap plan --add N` on the squares (district demand), in `dir`.
fn plan(dir: &tempfile::TempDir, add: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut c = covgap_at(dir);
    c.args(["plan", "--out", "out", "-q", "--add", add, "--boundaries"])
        .arg(sq("districts_bng.geojson"))
        .arg("--births")
        .arg(sq("births.csv"))
        .arg("--teams")
        .arg(sq("teams.csv"))
        .args(extra.iter().map(|a| {
            a.strip_prefix("DEP/")
                .map_or_else(|| a.to_string(), |n| fixture(&format!("deprivation/{n}")))
        }));
    c.assert()
}

fn greedy_rows(dir: &tempfile::TempDir) -> Vec<BTreeMap<String, String>> {
    let rows = read_csv(&dir.path().join("out/plan.csv"));
    let h = rows[0].clone();
    rows[1..]
        .iter()
        .filter(|r| r[0] == "greedy" && r[1] != "0")
        .map(|r| h.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

fn sites(dir: &tempfile::TempDir) -> Vec<String> {
    greedy_rows(dir)
        .into_iter()
        .map(|r| r["site"].clone())
        .collect()
}

#[test]
fn a_users_table_changes_the_ranking_as_its_shares_say() {
    let births = tempfile::tempdir().unwrap();
    plan(&births, "2", &[]).success();
    assert_eq!(sites(&births), ["Beta", "Delta (U-shaped)"]);

    let need = tempfile::tempdir().unwrap();
    plan(
        &need,
        "2",
        &[
            "--rank-by",
            "need",
            "--deprivation",
            "DEP/code_and_share_only.csv",
        ],
    )
    .success();
    assert_eq!(sites(&need), ["Beta", "Gamma"]);
    let gamma = &greedy_rows(&need)[1];
    assert_eq!(gamma["births_newly_covered"], "50");
    assert_eq!(gamma["need_weighted_newly_covered"], "100.0");
    assert_eq!(gamma["most_deprived_decile_share"], "1.0000");
    let md = std::fs::read_to_string(need.path().join("out/plan.md")).unwrap();
    assert!(
        md.contains("- **Deprivation shares** from ") && md.contains("code_and_share_only.csv."),
        "{md}"
    );
}

#[test]
fn rank_by_chooses_between_births_and_the_built_in_need_weights() {
    // Explicitly by births: no need column, however the built-in table would weigh them.
    let births = tempfile::tempdir().unwrap();
    plan(&births, "2", &["--rank-by", "births"]).success();
    assert_eq!(sites(&births), ["Beta", "Delta (U-shaped)"]);
    assert!(!greedy_rows(&births)[0].contains_key("need_weighted_newly_covered"));
    // By need with no --deprivation: the built-in shares (data/deprivation.csv), Beta's
    // (Middlesbrough's) 0.5 making its 200 births count 300.
    let need = tempfile::tempdir().unwrap();
    plan(&need, "2", &["--rank-by", "need"]).success();
    let beta = &greedy_rows(&need)[0];
    assert_eq!(beta["site"], "Beta");
    assert_eq!(beta["most_deprived_decile_share"], "0.5000");
    assert_eq!(beta["need_weighted_newly_covered"], "300.0");
}

/// The built-in table (data/deprivation.csv) is made from four nations' indices, each under the
/// Open Government Licence: plan.md and the plan's summary.md credit their publishers whenever
/// the plan uses it. By need it weighs the births; by births its shares still stand beside
/// each site in plan.csv, so the credit is there too. A table of the user's own is not theirs
/// to credit, and a run, which reads no deprivation, gives none.
#[test]
fn the_built_in_deprivation_indices_are_credited_where_the_table_is_used() {
    let credits = [
        "English Indices of Deprivation 2025, Ministry of Housing, Communities and Local Government",
        "Welsh Index of Multiple Deprivation 2019, Welsh Government",
        "Scottish Index of Multiple Deprivation 2020v2, Scottish Government",
        "Northern Ireland Multiple Deprivation Measure 2017, Northern Ireland Statistics and Research Agency (NISRA)",
        "licensed under the Open Government Licence v3.0",
    ];
    let line = covgap::write::DEPRIVATION_ATTRIBUTION;
    for credit in credits {
        assert!(line.contains(credit), "{credit}");
    }
    let text = |dir: &tempfile::TempDir, name: &str| {
        std::fs::read_to_string(dir.path().join("out").join(name)).unwrap()
    };
    // Credited once in each, on a line of its own; these squares are English districts, so
    // the English index alone.
    let english = covgap::write::deprivation_attribution(["E06000001"]);
    assert!(english.contains(credits[0]) && !english.contains(credits[1]));
    let credited = |md: &str| md.lines().filter(|l| *l == english).count() == 1;

    let need = tempfile::tempdir().unwrap();
    plan(&need, "2", &["--rank-by", "need"]).success();
    for name in ["plan.md", "summary.md"] {
        let md = text(&need, name);
        assert!(credited(&md), "{name}: {md}");
    }
    assert!(text(&need, "plan.md").contains("- **Deprivation shares** from built-in"));

    let births = tempfile::tempdir().unwrap();
    plan(&births, "2", &["--rank-by", "births"]).success();
    assert_eq!(
        greedy_rows(&births)[0]["most_deprived_decile_share"],
        "0.5000"
    );
    for name in ["plan.md", "summary.md"] {
        let md = text(&births, name);
        assert!(credited(&md), "{name}: {md}");
    }

    let own = tempfile::tempdir().unwrap();
    plan(&own, "2", &["--deprivation", "DEP/code_and_share_only.csv"]).success();
    for name in ["plan.md", "summary.md"] {
        let md = text(&own, name);
        assert!(!md.contains("Indices of Deprivation"), "{name}: {md}");
        assert!(!md.contains("Multiple Deprivation"), "{name}: {md}");
    }

    let run = tempfile::tempdir().unwrap();
    covgap_at(&run)
        .args(["run", "--out", "out", "-q", "--boundaries"])
        .arg(sq("districts_bng.geojson"))
        .arg("--births")
        .arg(sq("births.csv"))
        .arg("--teams")
        .arg(sq("teams.csv"))
        .assert()
        .success();
    let md = text(&run, "summary.md");
    assert!(!md.contains("Deprivation"), "{md}");
}

/// A plan on one nation's districts credits that nation's index alone: a briefing on Wales's
/// or Northern Ireland's plan that pastes the credit should not name the English, Scottish
/// and other bodies, whose figures the plan never read (it named all four).
#[test]
fn a_plan_for_one_nation_credits_its_own_deprivation_index_alone() {
    let indices = [
        ("Wales", "Welsh Index of Multiple Deprivation 2019"),
        (
            "Northern Ireland",
            "Northern Ireland Multiple Deprivation Measure 2017",
        ),
        ("Scotland", "Scottish Index of Multiple Deprivation 2020v2"),
        ("England", "English Indices of Deprivation 2025"),
    ];
    for (file, nation) in [
        ("boundaries/wales_districts.geojson", "Wales"),
        ("boundaries/ni_districts_wgs84.geojson", "Northern Ireland"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        covgap_at(&dir)
            .args([
                "plan",
                "--out",
                "out",
                "-q",
                "--add",
                "1",
                "--rank-by",
                "need",
            ])
            .args(["--boundaries", &fixture(file)])
            .assert()
            .success();
        for name in ["plan.md", "summary.md"] {
            let md = std::fs::read_to_string(dir.path().join("out").join(name)).unwrap();
            let line = md
                .lines()
                .find(|l| l.starts_with("Deprivation shares ("))
                .unwrap_or_else(|| panic!("{name}: {md}"));
            for (n, index) in indices {
                assert_eq!(line.contains(index), n == nation, "{name}: {line}");
            }
        }
    }
}

#[test]
fn deprivation_alone_implies_rank_by_need() {
    let dir = tempfile::tempdir().unwrap();
    plan(&dir, "2", &["--deprivation", "DEP/code_and_share_only.csv"]).success();
    assert_eq!(sites(&dir), ["Beta", "Gamma"]);
    assert!(greedy_rows(&dir)[0].contains_key("need_weighted_newly_covered"));
}

#[test]
fn deprivation_with_rank_by_births_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    plan(
        &dir,
        "2",
        &[
            "--rank-by",
            "births",
            "--deprivation",
            "DEP/code_and_share_only.csv",
        ],
    )
    .code(2)
    .stderr(predicates::str::contains("--deprivation"));
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_small_area_takes_its_districts_share() {
    let dir = tempfile::tempdir().unwrap();
    let areas = format!(
        "{},{}",
        sq("small_areas_a.geojson"),
        sq("small_areas_b.geojson")
    );
    let figures = format!("{},{}", sq("figures_a.csv"), sq("figures_b.csv"));
    plan(
        &dir,
        "3",
        &[
            "--deprivation",
            "DEP/code_and_share_only.csv",
            "--small-areas",
            &areas,
            "--small-area-figures",
            &figures,
            "--export-instance",
            "inst.json",
        ],
    )
    .success();
    let got: Vec<(String, String, String)> = greedy_rows(&dir)
        .into_iter()
        .map(|r| {
            (
                r["site"].clone(),
                r["babies_newly_covered"].clone(),
                r["need_weighted_newly_covered"].clone(),
            )
        })
        .collect();
    // Beta 90 × 1, Delta 20 × 1.2, Gamma 5 × 2.
    let want = [
        ("Beta", "90", "90.0"),
        ("Delta (U-shaped)", "20", "24.0"),
        ("Gamma", "5", "10.0"),
    ];
    assert_eq!(
        got,
        want.map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("inst.json")).unwrap()).unwrap();
    let e7 = doc["demand"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E01000007")
        .unwrap();
    assert_eq!(
        (
            e7["district"].as_str(),
            e7["weight"].as_f64(),
            e7["deprivation"].as_f64()
        ),
        (Some("E06000004"), Some(12.0), Some(0.2))
    );
}

/// A bad table fails before anything is written, naming the file, the line and the fault.
fn fails_naming(file: &str, parts: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out = plan(&dir, "2", &["--deprivation", &format!("DEP/{file}")]).code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let path = fixture_path(&format!("deprivation/{file}"));
    assert!(
        stderr.contains(&path.display().to_string()),
        "no file name in {stderr}"
    );
    for p in parts {
        assert!(stderr.contains(p), "{p:?} not in {stderr}");
    }
    assert!(!dir.path().join("out").exists(), "something was written");
}

#[test]
fn a_share_outside_0_to_1_names_the_line() {
    fails_naming(
        "share_outside_0_to_1.csv",
        &["line 3", "E06000002", "42", "outside 0 to 1"],
    );
}

#[test]
fn a_share_in_a_crlf_table_with_a_blank_line_names_its_own_line() {
    // Excel on Windows ends lines with CRLF; the line named is the one in the file.
    fails_naming(
        "crlf_blank_line_share_outside_0_to_1.csv",
        &["line 4: E06000002", "42", "outside 0 to 1"],
    );
}

#[test]
fn a_share_that_is_not_a_number_names_the_line() {
    fails_naming(
        "share_not_a_number.csv",
        &["line 4", "E06000003", "\"n/a\" is not a number"],
    );
}

#[test]
fn a_missing_share_column_names_the_header_line() {
    fails_naming(
        "no_share_column.csv",
        &["line 1", "most_deprived_decile_share", "\"share\""],
    );
}

#[test]
fn a_district_missing_from_the_table_is_named() {
    fails_naming(
        "no_row_for_delta.csv",
        &["no deprivation figure for 1 district", "E06000004"],
    );
}

/// A UK table given as the four nations' tables as published (their first rows, with the
/// squares' districts, E06000001 to E06000004, among England's): the built-in shares, so the
/// same plan as `--rank-by need` alone; `plan.md` names all four, and `run.json` records each.
#[test]
fn one_table_a_nation_as_published_gives_the_built_in_plan() {
    let files = [
        "imd2025_england_lad24_file10_summaries_first4.csv",
        "wimd2019_wales_lad22_aggregated_first2.csv",
        "simd2020_scotland_lad24_aggregated_first2.csv",
        "nimdm2017_ni_lgd14_aggregated_first2.csv",
    ];
    let args: Vec<String> = files
        .iter()
        .flat_map(|f| ["--deprivation".to_string(), format!("DEP/published/{f}")])
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let four = tempfile::tempdir().unwrap();
    plan(&four, "2", &args).success();
    let built_in = tempfile::tempdir().unwrap();
    plan(&built_in, "2", &["--rank-by", "need"]).success();
    assert_eq!(greedy_rows(&four), greedy_rows(&built_in));
    assert_eq!(
        greedy_rows(&four)[0]["most_deprived_decile_share"],
        "0.5000"
    );

    let md = std::fs::read_to_string(four.path().join("out/plan.md")).unwrap();
    let named = files
        .map(|f| fixture(&format!("deprivation/published/{f}")))
        .join(" and ");
    assert!(
        md.contains(&format!("- **Deprivation shares** from {named}.")),
        "{md}"
    );
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(four.path().join("out/run.json")).unwrap()).unwrap();
    let recorded: Vec<&str> = run["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["role"] == "deprivation")
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    let want: Vec<String> = files
        .iter()
        .map(|f| fixture(&format!("deprivation/published/{f}")))
        .collect();
    assert_eq!(recorded, want);
    assert_eq!(run["plan"]["deprivation"], serde_json::json!(want));
}

/// The same district in two tables stops the plan before anything is written, naming both.
#[test]
fn a_district_in_two_of_the_tables_given_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = plan(
        &dir,
        "2",
        &[
            "--deprivation",
            "DEP/code_and_share_only.csv",
            "--deprivation",
            "DEP/published/imd2025_england_lad24_file10_summaries_first4.csv",
        ],
    )
    .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains(
            "imd2025_england_lad24_file10_summaries_first4.csv, line 2: E06000001 is in "
        ) && stderr.contains(
            "code_and_share_only.csv too (line 2); give each district's figure in one table only"
        ),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists(), "something was written");
}

/// A UK table in the district codes of 2019 (England's IMD 2019 for the 28 districts abolished
/// since, the built-in shares for the rest), against the built-in districts: the plan runs,
/// each district made since 2019 has its old districts' shares combined by their 2011 LSOAs
/// (as in the exported instance), and the note saying so is on stderr and in `run.json`.
#[test]
fn a_table_in_2019_codes_is_combined_for_the_districts_made_since() {
    let dir = tempfile::tempdir().unwrap();
    let out = covgap_at(&dir)
        .args(["plan", "--out", "out", "--add", "3", "--deprivation"])
        .arg(fixture("deprivation/built_in_in_2019_codes.csv"))
        .args(["--export-instance", "inst.json"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let note = "the table is in district codes from before 1 April 2020 and 1 April 2021 and 1 April 2023: the shares of the districts abolished were combined for the 7 that replaced them, weighted by their 2011 LSOAs (data/successors.csv): Buckinghamshire (E06000060) 0.0000 = ";
    assert!(stderr.contains(note), "{stderr}");
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("inst.json")).unwrap()).unwrap();
    let share = |code: &str| {
        doc["demand"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("no {code}"))["deprivation"]
            .as_f64()
            .unwrap()
    };
    // (0.0976 * 41 + 0 * 49 + 0.0702 * 57 + 0.0638 * 47) / 194
    assert!((share("E06000061") - 0.056709).abs() < 0.000001);
    // Not an abolished district: its own row.
    assert_eq!(share("E06000002"), 0.5);
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/run.json")).unwrap()).unwrap();
    assert!(
        run["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["severity"] == "note"
                && p["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("the table is in district codes from before 1 April 2020")),
        "{}",
        run["problems"]
    );
}

/// The built-in indices are credited only when a share was looked up. Oxfordshire's districts
/// under codes of the user's own match no row of the built-in table, so no site has a share and
/// nothing of it is credited. LSOAs as boundaries take the share of the district each lies in,
/// so their sites have one and the indices are credited (before, neither).
#[test]
fn the_built_in_indices_are_credited_only_when_a_share_is_looked_up() {
    let plan_on = |boundaries: &str, births: &std::path::Path, extra: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        covgap_at(&dir)
            .args(["plan", "--out", "out", "-q", "--add", "2", "--boundaries"])
            .arg(fixture(boundaries))
            .arg("--births")
            .arg(births)
            .args(extra)
            .assert()
            .success();
        let shares: Vec<String> = greedy_rows(&dir)
            .iter()
            .map(|r| r["most_deprived_decile_share"].clone())
            .collect();
        let md = ["plan.md", "summary.md"]
            .map(|n| std::fs::read_to_string(dir.path().join("out").join(n)).unwrap());
        (shares, md)
    };
    let own = tempfile::tempdir().unwrap();
    let births = own.path().join("births.csv");
    std::fs::write(
        &births,
        "code,births\nE1,1784\nN1,1441\nS1,1418\nW1,1438\nC1,1015\n",
    )
    .unwrap();
    let teams = own.path().join("teams.csv");
    std::fs::write(&teams, "name,areas_served\nCentral team,C1\n").unwrap();
    let (shares, md) = plan_on(
        "boundaries/oxfordshire_codes_not_ons.geojson",
        &births,
        &["--teams", teams.to_str().unwrap()],
    );
    assert!(
        !shares.is_empty() && shares.iter().all(String::is_empty),
        "{shares:?}"
    );
    for m in &md {
        assert!(!m.contains("Indices of Deprivation"), "{m}");
    }
    let (shares, md) = plan_on(
        "boundaries/lsoas_oxford_swindon.geojson",
        std::path::Path::new(&fixture("births/lsoas_oxford_swindon_age0.csv")),
        &["--measure", "age0"],
    );
    assert!(
        !shares.is_empty() && shares.iter().all(|s| !s.is_empty()),
        "{shares:?}"
    );
    for m in &md {
        assert!(m.contains("English Indices of Deprivation 2025"), "{m}");
    }
}

/// A table for four districts against the built-in UK's 361: the other 357 are missing, and the
/// error names the first ten and how many more (it ended ", ..." with no count, so a user could
/// not tell whether the table lacked a few districts or most).
#[test]
fn districts_missing_from_a_short_table_are_counted_past_the_first_ten() {
    let dir = tempfile::tempdir().unwrap();
    let out = covgap_at(&dir)
        .args(["plan", "--add", "2", "--out", "out", "--deprivation"])
        .arg(fixture_path("deprivation/code_and_share_only.csv"))
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains(
            "no deprivation figure for 357 districts with demand: E06000005, E06000006, E06000007, E06000008, E06000009, E06000010, E06000011, E06000012, E06000013, E06000014 and 347 more (deprivation from "
        ),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists(), "something was written");
}

/// A table whose row for a district is written otherwise (a code mistyped, a digit short) or
/// in a code of another year: the error naming the district with no share also shows the rows
/// that match no district, by file and line, where before it named only the district, as
/// though the table had no row for it.
#[test]
fn a_district_missing_shows_the_rows_matching_no_district() {
    fails_naming(
        "delta_mistyped_and_fife_before_2018.csv",
        &[
            "no deprivation figure for 1 district with demand: E06000004",
            "2 rows of the deprivation tables match no area given nor any current UK district: E0600004 (",
            "delta_mistyped_and_fife_before_2018.csv, line 5), S12000015 (",
            "delta_mistyped_and_fife_before_2018.csv, line 6) (codes of another year, or written otherwise?)",
        ],
    );
}

/// A code of ONS's form typed in lower case (`e06000004`, Delta) is read in upper case, as
/// the boundaries and births tables read it: it was a row matching no district, and the plan
/// stopped with Delta having no share. The table is `code_and_share_only.csv` with Delta's
/// code in lower case, and plans as that table does.
#[test]
fn a_code_in_lower_case_is_read_in_upper_case() {
    let dir = tempfile::tempdir().unwrap();
    plan(&dir, "3", &["--deprivation", "DEP/delta_in_lower_case.csv"]).success();
    assert_eq!(sites(&dir), ["Beta", "Gamma", "Delta (U-shaped)"]);
    let delta = &greedy_rows(&dir)[2];
    assert_eq!(delta["most_deprived_decile_share"], "0.2000");
    assert_eq!(delta["need_weighted_newly_covered"], "96.0");
}
