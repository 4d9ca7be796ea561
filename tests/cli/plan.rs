//! `covgap plan` on the built-in data.

use covgap::plan::exact::{max_cover, Limits};
use covgap::plan::greedy::{greedy, interchange};
use covgap::plan::instance::Instance;

use assert_cmd::Command;

use crate::fixture;

/// The `covgap` binary, run in a fresh temporary folder (returned so it lives on).
fn covgap() -> (Command, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::cargo_bin("covgap").expect("binary built");
    cmd.current_dir(dir.path());
    (cmd, dir)
}

/// An output file as text, without the byte-order mark covgap puts on CSVs.
fn read(dir: &tempfile::TempDir, name: &str) -> String {
    let text = std::fs::read_to_string(dir.path().join(name)).expect(name);
    text.trim_start_matches('\u{feff}').to_string()
}

fn rows(csv: &str) -> Vec<Vec<String>> {
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// Column of `name` in the header of `csv`.
fn col(csv: &str, name: &str) -> usize {
    csv.lines()
        .next()
        .unwrap()
        .split(',')
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// Every candidate in an exported instance covers exactly the demand points within the radius
/// of its coordinates (candidates here name no areas), so another solver can rebuild coverage.
pub(crate) fn covers_follow_from_coordinates(doc: &serde_json::Value) {
    let r = doc["radius_m"].as_f64().unwrap();
    for c in doc["candidates"].as_array().unwrap() {
        let (x, y) = (c["x"].as_f64().unwrap(), c["y"].as_f64().unwrap());
        let within: Vec<u64> = doc["demand"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .filter(|(_, d)| {
                (d["x"].as_f64().unwrap() - x).hypot(d["y"].as_f64().unwrap() - y) <= r
            })
            .map(|(i, _)| i as u64)
            .collect();
        let covers: Vec<u64> = c["covers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert_eq!(covers, within, "{}", c["name"]);
    }
}

#[test]
fn add_5_picks_the_largest_uncovered_district_first() {
    let (mut cmd, dir) = covgap();
    cmd.args(["plan", "--add", "5", "--out", "out", "-q"])
        .assert()
        .success();
    let csv = read(&dir, "out/plan.csv");
    let r = rows(&csv);
    let code = col(&csv, "district_code");
    let first = r.iter().find(|r| r[0] == "greedy" && r[1] == "1").unwrap();
    assert_eq!(first[code], "E08000025", "Birmingham first: {csv}");
    assert_eq!(r.iter().filter(|r| r[0] == "greedy").count(), 6);
    assert_eq!(r.iter().filter(|r| r[0] == "exact").count(), 6);
    assert_eq!(r.iter().filter(|r| r[0] == "greedy_swap").count(), 6);
    // Under model (a) greedy is optimal: the last cumulative figures agree.
    let cum = col(&csv, "cumulative_births_covered");
    let last = |m: &str| r.iter().rfind(|r| r[0] == m).unwrap()[cum].clone();
    assert_eq!(last("greedy"), last("exact"));
    let summary = read(&dir, "out/summary.md");
    assert!(summary.contains("## Plan: where new teams would reach the most babies"));
    assert!(summary.contains("proven optimal"));
    let geo: serde_json::Value = serde_json::from_str(&read(&dir, "out/plan.geojson")).unwrap();
    assert_eq!(geo["features"].as_array().unwrap().len(), 5);
    assert_eq!(geo["features"][0]["geometry"]["type"], "Point");
}

#[test]
fn by_icb_lists_icbs_without_a_team_and_a_site_for_each() {
    let (mut cmd, dir) = covgap();
    cmd.args(["plan", "--by", "icb", "--out", "out", "-q"])
        .assert()
        .success();
    let csv = read(&dir, "out/plan_geographies.csv");
    let r = rows(&csv);
    assert!(!r.is_empty());
    assert!(r.iter().all(|r| r[0] == "icb" && r[1].starts_with("E54")));
    // Under model (a) a site gives a team to the ICB holding its district, or to each ICB a
    // district split between ICBs lies in (North Hertfordshire's serves Hertfordshire and
    // West Essex's and Cambridgeshire and Peterborough's, Guildford's Frimley's and Surrey
    // Heartlands'): 26 sites for 28 ICBs.
    let sites: std::collections::BTreeSet<&str> = r.iter().map(|r| r[6].as_str()).collect();
    assert_eq!((sites.len(), r.len()), (26, 28));
    let md = read(&dir, "out/plan.md");
    assert!(
        md.contains(&format!(
            "{} of 42 {} no team",
            r.len(),
            if r.len() == 1 { "has" } else { "have" }
        )),
        "{md}"
    );
    // The heading says what --by answers, not where new teams reach the most babies.
    assert!(
        md.contains("## Plan: the fewest new teams that give all Integrated Care Boards a team\n"),
        "{md}"
    );
    assert!(!md.contains("reach the most babies"), "{md}");
    // No --add: no curve, so no plan.csv (it had been a header alone).
    assert!(!dir.path().join("out/plan.csv").exists());
}

#[test]
fn exported_instance_re_solves_to_the_same_values() {
    let (mut cmd, dir) = covgap();
    cmd.args([
        "plan",
        "--add",
        "10",
        "--radius",
        "30",
        "--out",
        "out",
        "--export-instance",
        "inst/instance.json",
        "-q",
    ])
    .assert()
    .success();
    let bytes = std::fs::read(dir.path().join("inst/instance.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let inst = Instance::from_json(&bytes, "instance.json").unwrap();
    assert_eq!(inst.add, 10);
    assert_eq!(inst.demand.len(), 361);
    let p = inst.max_cover();
    let g = greedy(&p, inst.add);
    let e = max_cover(&p, inst.add, &[], &Limits::default());
    assert_eq!(
        g.value,
        doc["solutions"]["greedy"]["value"].as_f64().unwrap()
    );
    let i = interchange(&p, &g.sites);
    assert_eq!(
        i.value,
        doc["solutions"]["greedy_swap"]["value"].as_f64().unwrap()
    );
    assert_eq!(
        e.value,
        doc["solutions"]["exact"]["value"].as_f64().unwrap()
    );
    assert!(doc["solutions"]["exact"]["proven_optimal"]
        .as_bool()
        .unwrap());
    covers_follow_from_coordinates(&doc);

    // The best possible for each n is at least greedy's and exact's running totals, grows
    // with n, and at N equals the exact plan.
    let csv = read(&dir, "out/plan.csv");
    let r = rows(&csv);
    let (cum, best) = (
        col(&csv, "cumulative_births_covered"),
        col(&csv, "best_possible_cumulative_births_at_n"),
    );
    let mut last_best = 0u64;
    for row in r.iter().filter(|r| r[1] != "0") {
        let b: u64 = row[best].parse().unwrap();
        assert!(b >= row[cum].parse::<u64>().unwrap(), "{row:?}");
        if row[0] == "greedy" {
            assert!(b >= last_best);
            last_best = b;
        }
    }
    let exact_last = r.iter().rfind(|r| r[0] == "exact").unwrap();
    assert_eq!(exact_last[cum], exact_last[best]);
}

#[test]
fn what_if_teams_are_fixed_before_planning() {
    let (mut cmd, dir) = covgap();
    cmd.args(["plan", "--add", "1", "--out", "out", "-q", "--what-if"])
        .arg(fixture("plan/what_if_birmingham.csv"))
        .assert()
        .success();
    let csv = read(&dir, "out/plan.csv");
    let r = rows(&csv);
    let code = col(&csv, "district_code");
    let cum = col(&csv, "cumulative_births_covered");
    let first = r.iter().find(|r| r[0] == "greedy" && r[1] == "1").unwrap();
    assert_eq!(
        first[code], "E08000003",
        "Manchester once Birmingham is planned"
    );
    let start = r.iter().find(|r| r[0] == "greedy" && r[1] == "0").unwrap();
    assert_eq!(start[2], "(existing teams and 1 what-if team)");
    // Birmingham's 15,208 births are covered before the plan starts.
    let (mut cmd2, dir2) = covgap();
    cmd2.args(["plan", "--add", "1", "--out", "out", "-q"])
        .assert()
        .success();
    let plain = read(&dir2, "out/plan.csv");
    let base: u64 = rows(&plain)[0][cum].parse().unwrap();
    assert_eq!(start[cum].parse::<u64>().unwrap(), base + 15_208);
    assert!(read(&dir, "out/plan.md").contains("With the 1 what-if team**:"));
}

#[test]
fn candidates_file_with_radius_and_need_weighting() {
    let (mut cmd, dir) = covgap();
    cmd.args([
        "plan",
        "--add",
        "3",
        "--radius",
        "60",
        "--rank-by",
        "need",
        "--out",
        "out",
        "-q",
        "--candidates",
    ])
    .arg(fixture("plan/candidates_by_coordinates.csv"))
    .assert()
    .success();
    let csv = read(&dir, "out/plan.csv");
    assert!(csv
        .lines()
        .next()
        .unwrap()
        .contains("need_weighted_newly_covered"));
    let r = rows(&csv);
    let site = col(&csv, "site");
    let dep = col(&csv, "most_deprived_decile_share");
    let chosen: Vec<&str> = r
        .iter()
        .filter(|r| r[0] == "greedy" && r[1] != "0")
        .map(|r| r[site].as_str())
        .collect();
    // Leeds already has a team within 60 km of everything it would reach: it adds nothing,
    // and the plan stops after two sites and says so.
    assert_eq!(chosen, ["Cardiff Bay", "Inverness"]);
    assert!(read(&dir, "out/plan.md")
        .contains("- **3 new sites asked for, 2 placed**: 2 sites cover every demand point the candidates can reach, so more would add nothing."));
    assert!(r.iter().filter(|r| r[1] != "0").all(|r| !r[dep].is_empty()));
}

#[test]
fn plan_needs_add_or_by() {
    let (mut cmd, _dir) = covgap();
    cmd.args(["plan", "--out", "out"]).assert().code(2);
    // --add 0 chooses nothing: a usage error, not a plan.csv with a header alone.
    let (mut cmd, dir) = covgap();
    cmd.args(["plan", "--add", "0", "--out", "out"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "0 chooses no site: give 1 or more, or give --by alone",
        ));
    assert!(!dir.path().join("out").exists());
    let (mut cmd, _dir) = covgap();
    cmd.args(["plan", "--add", "3", "--radius", "-5"])
        .assert()
        .code(2);
}

/// `plan.md` gives greedy's shortfall twice: as a share of the exact plan's gain, and as a
/// share of everything covered once the plan is built. Both are recomputed here from the
/// running totals in `plan.csv` (births are the weight, so the totals are the values). At
/// 40 km with 20 sites greedy is 3.67% short of the gain but 1.46% short of all covered.
#[test]
fn greedy_shortfall_is_given_against_the_gain_and_against_all_covered() {
    let (mut cmd, dir) = covgap();
    let out = cmd
        .args(["plan", "--add", "20", "--radius", "40", "--out", "out"])
        .assert()
        .success();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("greedy is 9,709 (3.67%) short (1.46% of all covered)"),
        "{stderr}"
    );
    let csv = read(&dir, "out/plan.csv");
    let cum = col(&csv, "cumulative_births_covered");
    let total = |method: &str, n: &str| -> f64 {
        rows(&csv)
            .iter()
            .find(|r| r[0] == method && r[1] == n)
            .unwrap_or_else(|| panic!("no {method} row {n}"))[cum]
            .parse()
            .unwrap()
    };
    let fixed = total("greedy", "0");
    let exact = total("exact", "20");
    let short = |v: f64| {
        (
            (exact - v) * 100.0 / (exact - fixed),
            (exact - v) * 100.0 / exact,
        )
    };
    let (g_gain, g_all) = short(total("greedy", "20"));
    let (s_gain, s_all) = short(total("greedy_swap", "20"));
    assert!(g_all < g_gain && g_all > 0.0, "{g_gain} {g_all}");
    let md = read(&dir, "out/plan.md");
    let expected = format!(
        "short of the exact value; greedy then swaps is {} ({s_gain:.2}%) short.** Against \
         everything covered once the plan is built (the teams kept fixed included), they are \
         {g_all:.2}% and {s_all:.2}% short of the value.",
        covgap::write::thousands((exact - total("greedy_swap", "20")) as u64)
    );
    assert!(md.contains(&expected), "{expected}\n{md}");
    assert!(
        md.contains(&format!("({g_gain:.2}%) short of the exact")),
        "{md}"
    );
    assert!(md.contains("(3.67%) short of the exact"), "{md}");
    assert!(
        md.contains("they are 1.46% and 1.16% short of the value."),
        "{md}"
    );
}

/// `plan` writes `run.json` too: the inputs it read, its own tables (deprivation, what-if)
/// among them with their fingerprints, and its options, so a plan in a briefing can be
/// traced and re-run.
#[test]
fn plan_records_its_inputs_and_options_in_run_json() {
    let (mut cmd, dir) = covgap();
    let what_if = fixture("plan/what_if_birmingham.csv");
    cmd.args([
        "plan",
        "--add",
        "5",
        "--radius",
        "30",
        "--what-if",
        &what_if,
        "--out",
        "out",
        "-q",
    ])
    .assert()
    .success();
    let v: serde_json::Value = serde_json::from_str(&read(&dir, "out/run.json")).unwrap();
    let roles: Vec<&str> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        [
            "boundaries",
            "figures",
            "area_lookup",
            "teams",
            "postcode_districts",
            "abolished_districts",
            "icb_shares",
            "deprivation",
            "what_if"
        ]
    );
    let w = &v["inputs"][8];
    assert_eq!(w["path"], what_if.as_str());
    assert_eq!(
        w["sha256"],
        covgap::write::run::fingerprint_bytes(&std::fs::read(&what_if).unwrap()).1
    );
    assert_eq!(v["plan"]["add"], 5);
    assert_eq!(v["plan"]["radius_km"], 30.0);
    assert_eq!(v["plan"]["rank_by"], "births");
    assert_eq!(v["plan"]["what_if"], what_if.as_str());
    assert!(v["plan"]["candidates"].is_null());
    // The notes `-q` kept off the terminal: the two built-in teams with no place.
    let notes: Vec<(&str, u64)> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p["severity"], "note", "{p}");
            assert_eq!(p["source"], "built-in teams (data/teams.csv)", "{p}");
            (p["message"].as_str().unwrap(), p["line"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert_eq!(notes[0].1, 21);
    assert!(notes[0].0.starts_with("EPIP: not counted"), "{notes:?}");
    assert_eq!(notes[1].1, 24);
    assert!(
        notes[1].0.starts_with(
            "Together for Baby: has no areas served and no location, so it covers no area"
        ),
        "{notes:?}"
    );
}

#[test]
fn by_health_board_lists_health_boards_and_trusts_without_a_team() {
    let (mut cmd, dir) = covgap();
    cmd.args(["plan", "--by", "health-board", "--out", "out", "-q"])
        .assert()
        .success();
    let r = rows(&read(&dir, "out/plan_geographies.csv"));
    assert!(!r.is_empty());
    // Scottish health boards (S08), Welsh local health boards (W11), Northern Ireland's HSC
    // trusts; never an English district.
    for row in &r {
        assert_eq!(row[0], "health_board", "{row:?}");
        assert!(!row[1].starts_with('E'), "{row:?}");
        assert!(!row[6].starts_with('E'), "{row:?}");
    }
    assert!(r.iter().any(|r| r[1].starts_with("S08")));
    assert!(r.iter().any(|r| r[1].starts_with("W11")));
    // 14 Scottish boards, 7 Welsh, 5 Northern Irish trusts.
    let md = read(&dir, "out/plan.md");
    assert!(
        md.contains(&format!(
            "{} of 26 {} no team",
            r.len(),
            if r.len() == 1 { "has" } else { "have" }
        )),
        "{md}"
    );
}

/// A plan for one nation's districts names that nation's geography alone: Northern Ireland's
/// trusts are not "health boards and HSC trusts" in a briefing on Northern Ireland, nor
/// Wales's boards in one on Wales (it spoke of both, and its heading began in lower case).
#[test]
fn by_health_board_on_one_nation_names_its_own_geography() {
    for (file, words, total, other) in [
        (
            "boundaries/ni_districts_wgs84.geojson",
            "HSC trusts",
            5,
            "health boards",
        ),
        (
            "boundaries/wales_districts.geojson",
            "health boards",
            7,
            "HSC trusts",
        ),
    ] {
        let (mut cmd, dir) = covgap();
        let out = cmd
            .args(["plan", "--by", "health-board", "--out", "out"])
            .args(["--boundaries", &fixture(file)])
            .assert()
            .success();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        let md = read(&dir, "out/plan.md");
        let gaps = rows(&read(&dir, "out/plan_geographies.csv")).len();
        let have = if gaps == 1 { "has" } else { "have" };
        assert!(
            md.contains(&format!(
                "## Plan: the fewest new teams that give all {words} a team"
            )),
            "{md}"
        );
        let mut heading = words.to_string();
        heading[..1].make_ascii_uppercase();
        assert!(
            md.contains(&format!(
                "### {heading} with no team\n\n{gaps} of {total} {have} no team."
            )),
            "{md}"
        );
        assert!(
            md.contains("| Geography | Code | Districts | Live births |"),
            "{md}"
        );
        assert!(
            stderr.contains(&format!(
                "covgap plan: {gaps} of {total} {words} {have} no team"
            )),
            "{stderr}"
        );
        assert!(
            !md.contains(other) && !stderr.contains(other),
            "{md}\n{stderr}"
        );
    }
}

#[test]
fn by_region_lists_english_regions_without_a_team() {
    let (mut cmd, dir) = covgap();
    cmd.args(["plan", "--by", "region", "--out", "out", "-q"])
        .assert()
        .success();
    let r = rows(&read(&dir, "out/plan_geographies.csv"));
    assert!(!r.is_empty());
    assert!(
        r.iter()
            .all(|r| r[0] == "region" && r[1].starts_with("E12") && r[6].starts_with('E')),
        "{r:?}"
    );
    let md = read(&dir, "out/plan.md");
    assert!(
        md.contains(&format!(
            "{} of 9 {} no team",
            r.len(),
            if r.len() == 1 { "has" } else { "have" }
        )),
        "{md}"
    );
}

#[test]
fn exact_seconds_0_reports_the_exact_plan_as_not_proven() {
    let (mut cmd, dir) = covgap();
    cmd.args([
        "plan",
        "--add",
        "3",
        "--exact-seconds",
        "0",
        "--out",
        "out",
        "--export-instance",
        "instance.json",
        "-q",
    ])
    .assert()
    .success();
    let md = read(&dir, "out/plan.md");
    assert!(
        md.contains("best found in the 0 s limit, not proven optimal"),
        "{md}"
    );
    let doc: serde_json::Value = serde_json::from_str(&read(&dir, "instance.json")).unwrap();
    assert_eq!(doc["solutions"]["exact"]["proven_optimal"], false);
}

#[test]
fn measure_age0_plans_on_population_aged_0() {
    let (mut cmd, dir) = covgap();
    cmd.args([
        "plan",
        "--add",
        "1",
        "--measure",
        "age0",
        "--out",
        "out",
        "-q",
    ])
    .assert()
    .success();
    let csv = read(&dir, "out/plan.csv");
    let r = rows(&csv);
    let first = r.iter().find(|r| r[0] == "greedy" && r[1] == "1").unwrap();
    assert_eq!(first[col(&csv, "district_code")], "E08000025");
    // Birmingham's population aged 0 from data/areas.csv, not its births.
    let mut areas = csv::Reader::from_path(crate::repo_file("data/areas.csv")).unwrap();
    let h = areas.headers().unwrap().clone();
    let (code, age0) = (
        h.iter().position(|c| c == "code").unwrap(),
        h.iter().position(|c| c == "age0").unwrap(),
    );
    let birmingham = areas
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[code] == "E08000025")
        .unwrap()[age0]
        .to_string();
    assert_eq!(first[col(&csv, "age0_newly_covered")], birmingham);
    assert!(read(&dir, "out/plan.md").contains("Figure: population aged 0"));
}

#[test]
fn quiet_plan_prints_nothing_on_success() {
    // Suppressed figures give warnings; -q drops them and the report, and still writes.
    let stderr = |quiet: bool| {
        let (mut cmd, dir) = covgap();
        cmd.args(["plan", "--add", "1", "--out", "out", "--boundaries"])
            .arg(fixture("boundaries/oxfordshire_wgs84.geojson"))
            .arg("--teams")
            .arg(fixture("teams/oxford_only.csv"))
            .arg("--births")
            .arg(fixture("births/suppressed_values.csv"));
        if quiet {
            cmd.arg("-q");
        }
        let out = cmd.assert().success();
        assert!(dir.path().join("out/plan.csv").exists());
        String::from_utf8_lossy(&out.get_output().stderr).into_owned()
    };
    let loud = stderr(false);
    assert!(
        loud.contains("warning:") && loud.contains("covgap plan: "),
        "{loud}"
    );
    assert_eq!(stderr(true), "");
}

/// A candidate site just across a land border covers no district by itself (it is in none of
/// them), but under --radius it reaches from where it stands, and can be chosen.
#[test]
fn a_candidate_just_across_a_land_border_reaches_by_radius() {
    let plan = |radius: Option<&str>| {
        let (mut cmd, dir) = covgap();
        cmd.args(["plan", "--add", "1", "--out", "out", "--boundaries"])
            .arg(fixture("boundaries/oxfordshire_wgs84.geojson"))
            .arg("--teams")
            .arg(fixture("teams/oxford_only.csv"))
            .arg("--candidates")
            .arg(fixture(
                "plan/candidate_just_over_the_border_in_swindon.csv",
            ));
        if let Some(km) = radius {
            cmd.args(["--radius", km]);
        }
        let out = cmd.assert().success();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        (read(&dir, "out/plan.csv"), stderr)
    };
    let (csv, said) = plan(Some("20"));
    assert!(said.contains("Site Highworth: base 422000 E, 192000 N is 788 m outside the boundaries, across a land border in Swindon (E06000030) by the built-in boundaries"), "{said}");
    let site = col(&csv, "site");
    let covers = col(&csv, "newly_covers");
    let chosen: Vec<(String, String)> = rows(&csv)
        .iter()
        .filter(|r| r[0] == "exact" && r[1] == "1")
        .map(|r| (r[site].clone(), r[covers].clone()))
        .collect();
    assert_eq!(
        chosen,
        [("Site Highworth".to_string(), "E07000180".to_string())],
        "{csv}"
    );
    // By district, it covers nothing.
    let (csv, _) = plan(None);
    assert!(
        !rows(&csv).iter().any(|r| r[0] == "exact" && r[1] == "1"),
        "{csv}"
    );
}

/// Candidate sites given by full postcode stand where --postcodes puts them; without it, at
/// their postcode district's centroid (with a warning each).
#[test]
fn candidates_by_full_postcode_are_placed_by_the_postcode_directory() {
    let witney = |directory: bool| {
        let (mut cmd, dir) = covgap();
        cmd.args(["plan", "--add", "3", "--out", "out", "--boundaries"])
            .arg(fixture("boundaries/oxfordshire_wgs84.geojson"))
            .arg("--teams")
            .arg(fixture("teams/oxford_only.csv"))
            .arg("--candidates")
            .arg(fixture("teams/full_postcodes.csv"));
        if directory {
            cmd.arg("--postcodes")
                .arg(fixture("postcodes/onspd_small.csv"));
        }
        let out = cmd.assert().success();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        let geo: serde_json::Value = serde_json::from_str(&read(&dir, "out/plan.geojson")).unwrap();
        let site = geo["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["site"] == "Witney team")
            .expect("Witney chosen")
            .clone();
        (site["geometry"]["coordinates"].clone(), stderr)
    };
    let (placed, said) = witney(true);
    // OX28 6AA in the directory.
    assert_eq!(placed, serde_json::json!([-1.485185, 51.785076]), "{said}");
    assert!(!said.contains("postcode district's centroid"), "{said}");
    let (centroid, said) = witney(false);
    assert_ne!(centroid, placed);
    assert!(
        said.contains("Witney team: postcode OX28 6AA placed at its postcode district's centroid"),
        "{said}"
    );
}

/// A plan figure reads the same in `plan.md`, the plan section of `summary.md`, `plan.csv` and
/// `plan.geojson`: for each n, the greedy and exact site, the babies it newly covers and the
/// share of the UK covered (one decimal everywhere), and which sites each plan holds.
#[test]
fn plan_md_csv_and_geojson_give_the_same_sites_and_figures() {
    let (mut cmd, dir) = covgap();
    cmd.args(["plan", "--add", "20", "--radius", "40", "--out", "out"])
        .assert()
        .success();
    let md = read(&dir, "out/plan.md");
    // plan.md is the section and then the attribution, which summary.md gives before it.
    let attribution = format!("\n{}\n", covgap::write::ATTRIBUTION);
    let section = md[md.find("\n## Plan").unwrap()..]
        .strip_suffix(attribution.as_str())
        .expect("plan.md ends with the attribution");
    assert!(read(&dir, "out/summary.md").ends_with(section));
    let csv = crate::read_csv(&dir.path().join("out/plan.csv"));
    let h = &csv[0];
    let at = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (site, code, newly, pct) = (
        at("site"),
        at("district_code"),
        at("births_newly_covered"),
        at("cumulative_percent_of_uk"),
    );
    let steps = |method: &str| -> Vec<&Vec<String>> {
        csv.iter()
            .filter(|r| r[0] == method && r[1] != "0")
            .collect()
    };
    let (greedy, exact) = (steps("greedy"), steps("exact"));
    assert_eq!((greedy.len(), exact.len()), (20, 20));
    // Each row says the period of its figure, as gaps.csv's do, so that a row pasted into a
    // briefing keeps it; plan.csv had no period.
    assert!(
        csv[1..]
            .iter()
            .all(|r| r[at("period")] == "1 July 2019 to 30 June 2020"),
        "{:?}",
        h
    );
    let best = at("best_possible_percent_at_n");
    let cell = |r: &Vec<String>| {
        let n: u64 = r[newly].parse().unwrap();
        format!(
            "{} ({}) | {} | {}",
            r[site],
            r[code],
            covgap::write::thousands(n),
            r[pct]
        )
    };
    for (i, (g, e)) in greedy.iter().zip(&exact).enumerate() {
        let line = format!("| {} | {} | {} | {} |", i + 1, cell(g), cell(e), g[best]);
        assert!(section.contains(&line), "plan.md lacks {line}");
    }
    // Ranked by births, each plan's value is the babies it newly covers, and reads as they do.
    for (method, words) in [("greedy", "greedy**"), ("exact", "**Exact**")] {
        let sum: u64 = steps(method)
            .iter()
            .map(|r| r[newly].parse::<u64>().unwrap())
            .sum();
        let sum = covgap::write::thousands(sum);
        let line = section.lines().find(|l| l.contains(words)).unwrap();
        assert!(
            line.contains(&format!(": {sum} live births newly covered"))
                || line.contains(&format!("; {sum} live births newly covered")),
            "{line}"
        );
        assert!(line.ends_with(&format!("; value {sum}.")), "{line}");
    }
    let existing = &csv
        .iter()
        .find(|r| r[0] == "greedy" && r[1] == "0")
        .unwrap()[pct];
    assert!(
        section.contains(&format!("({existing}%) under this model")),
        "{section}"
    );
    // plan.geojson: one point per site any plan holds, with the same rank and figures.
    let swapped = steps("greedy_swap");
    let doc: serde_json::Value = serde_json::from_str(&read(&dir, "out/plan.geojson")).unwrap();
    for f in doc["features"].as_array().unwrap() {
        let p = &f["properties"];
        let code_of = p["district_code"].as_str().unwrap();
        let g = greedy.iter().find(|r| r[code] == code_of);
        let s = swapped.iter().find(|r| r[code] == code_of);
        let e = exact.iter().find(|r| r[code] == code_of);
        assert!(g.is_some() || s.is_some() || e.is_some(), "{p}");
        assert_eq!(p["in_greedy_swap_plan"], s.is_some(), "{p}");
        assert_eq!(
            p["greedy_swap_births_newly_covered"].as_u64(),
            s.map(|r| r[newly].parse().unwrap()),
            "{p}"
        );
        // The district's name as plan.csv gives it.
        let name_col = csv[0].iter().position(|h| h == "district_name").unwrap();
        assert_eq!(
            p["district_name"].as_str(),
            Some(g.or(s).or(e).unwrap()[name_col].as_str()),
            "{p}"
        );
        assert_eq!(
            p["greedy_rank"].as_u64(),
            g.map(|r| r[1].parse().unwrap()),
            "{p}"
        );
        assert_eq!(
            p["greedy_births_newly_covered"].as_u64(),
            g.map(|r| r[newly].parse().unwrap()),
            "{p}"
        );
        assert_eq!(p["in_exact_plan"], e.is_some(), "{p}");
        assert_eq!(
            p["exact_births_newly_covered"].as_u64(),
            e.map(|r| r[newly].parse().unwrap()),
            "{p}"
        );
    }
}

/// An `--export-instance` that cannot be written stops the plan before any output is put in
/// place: the earlier plan's files stay whole, rather than the outputs being replaced and the
/// command then failing on the instance.
#[test]
fn unwritable_instance_leaves_the_earlier_plan_whole() {
    let (mut cmd, dir) = covgap();
    cmd.args(["plan", "--add", "3", "--out", "out", "-q"])
        .assert()
        .success();
    let before: Vec<(String, Vec<u8>)> = ["plan.csv", "plan.md", "summary.md", "run.json"]
        .iter()
        .map(|f| {
            (
                f.to_string(),
                std::fs::read(dir.path().join("out").join(f)).unwrap(),
            )
        })
        .collect();
    // A folder where the instance file should go.
    std::fs::create_dir(dir.path().join("instance.json")).unwrap();
    let (mut cmd2, _) = covgap();
    let o = cmd2
        .current_dir(dir.path())
        .args([
            "plan",
            "--add",
            "5",
            "--out",
            "out",
            "--export-instance",
            "instance.json",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("instance.json: cannot write output: a folder has this name"),
        "{err}"
    );
    for (f, bytes) in before {
        assert!(
            std::fs::read(dir.path().join("out").join(&f)).unwrap() == bytes,
            "{f} was replaced"
        );
    }
    let left: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

/// An `--export-instance` that names one of the plan's own outputs would overwrite it (here
/// plan.md, the table a policy user reads) with the instance: refused before anything is
/// written. On Windows, whose file systems do not tell names apart by case, `out/PLAN.md`
/// names plan.md too: the instance was written over the plan's table, with exit 0 and
/// plan.md silently missing.
#[test]
fn instance_named_as_an_output_is_refused() {
    let mut names = vec!["out/./plan.md"];
    if cfg!(windows) {
        names.push("out/PLAN.md");
    }
    for name in names {
        let (mut cmd, dir) = covgap();
        let o = cmd
            .args([
                "plan",
                "--add",
                "3",
                "--out",
                "out",
                "--export-instance",
                name,
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        // plan.md's path as covgap makes it from `--out`: `out\plan.md` on Windows.
        let plan_md = std::path::Path::new("out").join("plan.md");
        assert!(
            err.contains(&format!("{name}: cannot write output: covgap would write two of its outputs to this file (it is also {})", plan_md.display())),
            "{err}"
        );
        let written: Vec<String> = std::fs::read_dir(dir.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert!(written.is_empty(), "{name}: {written:?}");
    }
}

/// More new sites than there are candidates can add nothing: any N, up to the largest number
/// the flag takes, gives the plan N = the candidate count gives, as quickly, and says that more
/// would add nothing (it used to panic on "capacity overflow", or solve once per n up to N).
#[test]
fn add_beyond_the_candidates_plans_as_many_as_there_are() {
    let plan = |add: &str| {
        let (mut cmd, dir) = covgap();
        let said = cmd
            .args(["plan", "--add", add, "--out", "out", "--boundaries"])
            .arg(fixture("boundaries/oxfordshire_wgs84.geojson"))
            .arg("--teams")
            .arg(fixture("teams/oxford_only.csv"))
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .success()
            .get_output()
            .stderr
            .clone();
        // The terminal says how many sites were placed, beside the N asked for, and why.
        let said = String::from_utf8(said).unwrap();
        if add == "4" {
            assert!(
                said.contains("covgap plan: 4 new sites, live births newly covered: greedy "),
                "{said}"
            );
        } else {
            assert!(
                said.contains(&format!("covgap plan: {add} new sites asked for, 4 placed: there are only 4 candidate sites; live births newly covered: greedy ")),
                "{said}"
            );
        }
        (read(&dir, "out/plan.csv"), read(&dir, "out/plan.md"))
    };
    // Oxfordshire's five districts, one with a team: four candidate sites.
    let (all_four, md) = plan("4");
    assert_eq!(
        rows(&all_four).iter().filter(|r| r[0] == "exact").count(),
        5,
        "{all_four}"
    );
    assert!(!md.contains("placed**"), "{md}");
    for add in ["5", "100000000", &usize::MAX.to_string()] {
        let (csv, md) = plan(add);
        assert_eq!(csv, all_four, "--add {add}");
        assert!(
            md.contains(&format!("- **{add} new sites asked for, 4 placed**: there are only 4 candidate sites. Each plan lists only the sites that add something.")),
            "--add {add}: {md}"
        );
    }
}

/// A time limit too long to count (past what the solver's clock holds) is no limit: the exact
/// plan is solved and proven, not a panic converting the seconds.
#[test]
fn exact_seconds_too_long_to_count_means_no_limit() {
    for seconds in ["1e19", "1e308"] {
        let (mut cmd, dir) = covgap();
        cmd.args(["plan", "--add", "3", "--exact-seconds", seconds])
            .args(["--out", "out", "-q"])
            .assert()
            .success();
        let md = read(&dir, "out/plan.md");
        assert!(md.contains("proven optimal"), "{seconds}: {md}");
        assert!(!md.contains("not proven optimal"), "{seconds}: {md}");
    }
}

/// Wales's seven health boards with `--by icb` or `--by region`: no area has an ICB or an
/// English region, and the refusal says the boards lie in a nation with none. Since boards
/// took their own geography it said "all 7 are districts of a nation with no Integrated Care
/// Boards", of boundaries that are not districts.
#[test]
fn by_icb_on_welsh_health_boards_is_refused_without_calling_them_districts() {
    for (by, none) in [
        ("icb", "Integrated Care Boards"),
        ("region", "English regions"),
    ] {
        let (mut cmd, dir) = covgap();
        let out = cmd
            .args(["plan", "--by", by, "--out", "out", "--boundaries"])
            .arg(fixture("boundaries/wales_health_boards_dissolved.geojson"))
            .assert()
            .code(1);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.contains(&format!(
                "Of the 7 areas, all 7 lie in a nation with no {none}. "
            )) && !stderr.contains("are districts"),
            "{stderr}"
        );
        assert!(!dir.path().join("out").exists(), "nothing is written");
    }
}

/// Boundaries coded HB00 and HB01, not ONS district codes: no area has an ICB, so `--by icb`
/// has nothing to answer. It must say so and why, not report "0 of 0 have no team".
#[test]
fn by_icb_on_boundaries_without_ons_codes_is_refused_with_the_reason() {
    let (mut cmd, dir) = covgap();
    std::fs::write(
        dir.path().join("births.csv"),
        "code,births\nHB00,100\nHB01,200\n",
    )
    .unwrap();
    let out = cmd
        .args([
            "plan",
            "--by",
            "icb",
            "--out",
            "out",
            "--births",
            "births.csv",
        ])
        .arg("--boundaries")
        .arg(fixture("boundaries/own_codes_no_figures.geojson"))
        .arg("--teams")
        .arg(fixture("teams/own_codes_team.csv"))
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("--by icb: no area in the boundaries has an Integrated Care Board")
            && stderr
                .contains("all 2 have codes that are not current ONS district codes (HB00, HB01)")
            && !stderr.contains("0 of 0 have no team;"),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists(), "nothing is written");

    // The same boundaries planned without --by are fine.
    let (mut cmd, dir) = covgap();
    std::fs::write(
        dir.path().join("births.csv"),
        "code,births\nHB00,100\nHB01,200\n",
    )
    .unwrap();
    cmd.args([
        "plan",
        "--add",
        "1",
        "--out",
        "out",
        "-q",
        "--births",
        "births.csv",
    ])
    .arg("--boundaries")
    .arg(fixture("boundaries/own_codes_no_figures.geojson"))
    .arg("--teams")
    .arg(fixture("teams/own_codes_team.csv"))
    .assert()
    .success();
}

/// Under a radius, a counted team based outside the boundaries given reaches the areas within
/// the radius of its base, as with the whole UK given: on Wales's districts alone at 40 km, the
/// existing teams (all in England) reach Flintshire, as the UK-wide instance has them do. Before,
/// they reached nothing, and the plan counted Flintshire's babies as a gap to close.
#[test]
fn radius_plans_on_part_of_the_uk_keep_teams_based_outside() {
    let wales = fixture("boundaries/wales_districts.geojson");
    let welsh_covered_by_fixed = |extra: &[&str]| -> Vec<String> {
        let (mut cmd, dir) = covgap();
        cmd.args(["plan", "-q", "--add", "1", "--radius", "40", "--out", "out"])
            .args(["--export-instance", "instance.json"])
            .args(extra)
            .assert()
            .success();
        let doc: serde_json::Value = serde_json::from_str(&read(&dir, "instance.json")).unwrap();
        let demand = doc["demand"].as_array().unwrap();
        let mut codes: Vec<String> = doc["fixed"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f["covers"].as_array().unwrap().clone())
            .map(|i| {
                demand[i.as_u64().unwrap() as usize]["code"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .filter(|c| c.starts_with('W'))
            .collect();
        codes.sort();
        codes.dedup();
        codes
    };
    let whole = welsh_covered_by_fixed(&[]);
    assert_eq!(whole, ["W06000005"], "Flintshire, from a base in England");
    assert_eq!(welsh_covered_by_fixed(&["--boundaries", &wales]), whole);
}

/// A candidate site or a team to add must be somewhere: a row with no areas served and no
/// location is an error there, though in the team list it is a team covering no area.
#[test]
fn candidates_and_what_if_rows_with_no_place_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let sites = dir.path().join("sites.csv");
    std::fs::write(
        &sites,
        "name,latitude,longitude,areas_served\nNowhere site,,,\n",
    )
    .unwrap();
    for flag in ["--candidates", "--what-if"] {
        let (mut cmd, _dir) = covgap();
        cmd.args(["plan", "--add", "1", "--out", "out", "--boundaries"])
            .arg(fixture("boundaries/oxfordshire_wgs84.geojson"))
            .arg(flag)
            .arg(&sites);
        let out = cmd.assert().failure();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.contains(&format!(
                "error: {}, line 2: Nowhere site: has no areas served and no location, so covgap cannot tell what it covers",
                sites.display()
            )),
            "{flag}: {stderr}"
        );
    }
}

/// With `--rank-by need` the optimum solved for each n is the best need-weighted plan, and the
/// babies it covers are not the most n sites could reach: at n = 4 on the built-in data the
/// need-optimal plan covers fewer births than the births-optimal one. Its columns and
/// `plan.md`'s header say so; before, they were headed "best possible" births.
#[test]
fn need_plans_give_the_need_optimal_plan_not_the_best_possible_births() {
    let plan_csv = |rank_by: &str| {
        let (mut cmd, dir) = covgap();
        cmd.args([
            "plan",
            "--add",
            "5",
            "--rank-by",
            rank_by,
            "--out",
            "out",
            "-q",
        ])
        .assert()
        .success();
        (read(&dir, "out/plan.csv"), read(&dir, "out/plan.md"))
    };
    // Read as CSV: site names hold commas.
    let at = |csv: &str, column: &str, n: &str| -> u64 {
        let table = crate::read_csv_text(csv);
        let c = table[0].iter().position(|h| h == column).unwrap();
        table[1..]
            .iter()
            .find(|r| r[0] == "greedy" && r[1] == n)
            .unwrap()[c]
            .parse()
            .unwrap()
    };
    let (births, births_md) = plan_csv("births");
    let (need, need_md) = plan_csv("need");
    assert!(!need.lines().next().unwrap().contains("best_possible"));
    let need_best = at(&need, "need_optimal_cumulative_births_at_n", "4");
    let best = at(&births, "best_possible_cumulative_births_at_n", "4");
    assert!(need_best < best, "{need_best} against {best}");
    assert!(births_md.contains("| Best possible with n new teams, % |"));
    assert!(need_md.contains("| Best need-weighted plan with n new teams, % |"));
    assert!(need_md.contains("which is not the most babies n new teams could reach"));
}

/// A district with no figure weighs nothing, so the plan passes over it whatever its size:
/// `plan.md`, quoted on its own, says which and that the shares leave it out. Before, with
/// Birmingham's figure suppressed, it spoke of "the 361 districts" and Birmingham, the largest
/// gap, went unmentioned.
#[test]
fn plan_md_names_the_districts_with_no_figure() {
    let (mut cmd, dir) = covgap();
    let areas =
        crate::read_csv(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/areas.csv"));
    let (code, births) = (
        areas[0].iter().position(|h| h == "code").unwrap(),
        areas[0].iter().position(|h| h == "births").unwrap(),
    );
    let mut text = String::from("code,births\n");
    for r in &areas[1..] {
        let figure = if r[code] == "E08000025" {
            ":"
        } else {
            &r[births]
        };
        text.push_str(&format!("{},{figure}\n", r[code]));
    }
    std::fs::write(dir.path().join("births.csv"), text).unwrap();
    cmd.args([
        "plan",
        "--add",
        "1",
        "--births",
        "births.csv",
        "--out",
        "out",
        "-q",
    ])
    .assert()
    .success();
    let md = read(&dir, "out/plan.md");
    assert!(
        md.contains("**1 of them has no figure** (Birmingham (E08000025)): it weighs nothing here, so no site is chosen for its babies, and every share is of the babies in the 360 with a figure."),
        "{md}"
    );
    let csv = read(&dir, "out/plan.csv");
    let first = rows(&csv)
        .into_iter()
        .find(|r| r[0] == "greedy" && r[1] == "1")
        .unwrap();
    assert_eq!(first[col(&csv, "district_code")], "E08000003", "Manchester");
}

/// With boundaries for part of the UK, `--by icb` asks about the ICBs holding most of some
/// district given. Oxfordshire's districts are Buckinghamshire, Oxfordshire and Berkshire
/// West's; a corner of Vale of White Horse lies in Bath and North East Somerset, Swindon and
/// Wiltshire's, which had been asked about too, so with a team in Oxford alone the plan called
/// for a new team for an ICB the boundaries hardly touch.
#[test]
fn by_icb_on_part_of_the_uk_asks_about_the_icbs_holding_the_districts_given() {
    let (mut cmd, dir) = covgap();
    cmd.args(["plan", "--by", "icb", "-q", "--out", "out", "--boundaries"])
        .arg(fixture("boundaries/oxfordshire_wgs84.geojson"))
        .arg("--teams")
        .arg(fixture("teams/oxford_only.csv"))
        .assert()
        .success();
    let md = read(&dir, "out/plan.md");
    assert!(
        md.contains("0 of 1 has no team") || md.contains("0 of 1 have no team"),
        "{md}"
    );
    assert!(!md.contains("Swindon"), "{md}");
    assert_eq!(rows(&read(&dir, "out/plan_geographies.csv")).len(), 0);
}

/// plan.md, which briefings quote, counts one in the singular: on boundaries of one district
/// with no team, "The 1 district, at its representative point", "1 site and 1 demand group
/// after reduction", and with no candidate site left, "there is no candidate site", not "The 1
/// districts" or "only 0 candidate sites".
#[test]
fn plan_md_counts_one_district_in_the_singular() {
    let (mut cmd, dir) = covgap();
    let mut oxon: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("boundaries/oxfordshire_wgs84.geojson")).unwrap(),
    )
    .unwrap();
    oxon["features"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["properties"]["LAD24CD"] == "E07000178");
    std::fs::write(dir.path().join("oxford.geojson"), oxon.to_string()).unwrap();
    std::fs::write(
        dir.path().join("teams.csv"),
        "name,areas_served\nLeeds team,E08000035\n",
    )
    .unwrap();
    let base = [
        "plan",
        "--boundaries",
        "oxford.geojson",
        "--teams",
        "teams.csv",
        "--add",
        "1",
        "-q",
    ];
    cmd.args(base).args(["--out", "out"]).assert().success();
    let md = read(&dir, "out/plan.md");
    assert!(
        md.contains("- **Demand points: districts.** The 1 district, at its representative point, counted in its figure (live births).\n"),
        "{md}"
    );
    assert!(
        md.contains("- **Exact** (1 new team; integer programming, microlp; 1 site and 1 demand group after reduction; "),
        "{md}"
    );
    // Oxford given a team as a what-if: no candidate site is left.
    std::fs::write(
        dir.path().join("what_if.csv"),
        "name,areas_served\nOxford team,E07000178\n",
    )
    .unwrap();
    let (mut again, _) = covgap();
    again
        .current_dir(dir.path())
        .args(base)
        .args(["--what-if", "what_if.csv", "--out", "out2"])
        .assert()
        .success();
    let md = read(&dir, "out2/plan.md");
    assert!(
        md.contains("- **1 new site asked for, 0 placed**: there is no candidate site. "),
        "{md}"
    );
}

/// Under a radius, `--by` counts a geography as lacking a team when no team is within the
/// radius of any of its districts, which is not "no team": at 30 km, 3 of the 17 health boards
/// and HSC trusts with no team of their own have one within reach across their border. plan.md
/// and the terminal say "no team within 30 km ...", so the count is not quoted as the number
/// with no team (they used to say "14 of 26 have no team").
#[test]
fn by_under_a_radius_says_no_team_within_it() {
    let (mut cmd, dir) = covgap();
    let out = cmd
        .args(["plan", "--by", "health-board", "--out", "out"])
        .args(["--radius", "30"])
        .assert()
        .success();
    let said = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let md = read(&dir, "out/plan.md");
    let within = "no team within 30 km of any of their districts' representative points";
    assert!(
        md.contains("### Health boards and HSC trusts with no team within 30 km\n"),
        "{md}"
    );
    assert!(md.contains(&format!("14 of 26 have {within}.")), "{md}");
    assert!(
        md.contains("| Site that brings a team within 30 km |\n"),
        "{md}"
    );
    assert!(
        said.contains(&format!(
            "covgap plan: 14 of 26 health boards and HSC trusts have {within}; 11 new sites"
        )),
        "{said}"
    );
    // By district, "no team" is what it says: 17 of 26.
    let (mut cmd, dir) = covgap();
    cmd.args(["plan", "--by", "health-board", "--out", "out", "-q"])
        .assert()
        .success();
    let md = read(&dir, "out/plan.md");
    assert!(
        md.contains("### Health boards and HSC trusts with no team\n"),
        "{md}"
    );
    assert!(md.contains("17 of 26 have no team. "), "{md}");
    assert!(md.contains("| Site that gives it a team |\n"), "{md}");
}

/// On Wales's districts at 40 km, a team in development in Chester (serving Cheshire West and
/// Chester, outside the boundaries) reaches Flintshire and Wrexham, as the same team in
/// `--teams` does (3,742 births then covered, against 1,420). As a `--what-if` or
/// `--candidates` row it used to be dropped with the note for teams outside the boundaries,
/// and plan.md said nothing of it, as if the planned team reached no one.
#[test]
fn sites_outside_part_uk_boundaries_reach_into_them_under_a_radius() {
    let (mut cmd, dir) = covgap();
    let list = dir.path().join("chester.csv");
    std::fs::write(
        &list,
        "name,areas_served,latitude,longitude\nChester team,Cheshire West and Chester,53.19,-2.89\n",
    )
    .unwrap();
    let wales = fixture("boundaries/wales_districts.geojson");
    cmd.args(["plan", "--add", "2", "--radius", "40", "--out", "out", "-q"])
        .args(["--boundaries", &wales, "--what-if"])
        .arg(&list)
        .assert()
        .success();
    let md = read(&dir, "out/plan.md");
    assert!(
        md.contains("- **With the 1 what-if team**: 3,742 (12.7%), 2,322 more."),
        "{md}"
    );
    // As a candidate, it is the one site that adds anything near the border.
    let (mut cmd, dir2) = covgap();
    cmd.args(["plan", "--add", "1", "--radius", "40", "--out", "out", "-q"])
        .args(["--boundaries", &wales, "--candidates"])
        .arg(&list)
        .assert()
        .success();
    let csv = read(&dir2, "out/plan.csv");
    let first = rows(&csv)
        .into_iter()
        .find(|r| r[0] == "exact" && r[1] == "1")
        .unwrap_or_else(|| panic!("{csv}"));
    assert_eq!(first[2], "Chester team");
    assert_eq!(first[col(&csv, "newly_covers")], "W06000004;W06000006");
    // By district it covers none of Wales's: no what-if team is counted.
    let (mut cmd, dir3) = covgap();
    cmd.args(["plan", "--add", "1", "--out", "out", "-q"])
        .args(["--boundaries", &wales, "--what-if"])
        .arg(&list)
        .assert()
        .success();
    assert!(!read(&dir3, "out/plan.md").contains("what-if team"));
}

/// The terminal's first plan line says under which model the existing teams cover what they
/// do, and what the what-if teams bring it to, since the new sites' figures on the next line
/// start from there. It used to say "existing teams cover 57.2% of live births" at 40 km, a
/// figure a campaigner would take for the 18.8% in areas with a team, and nothing of the
/// what-if teams.
#[test]
fn terminal_says_the_model_and_the_what_if_teams_share() {
    let (mut cmd, dir) = covgap();
    let out = cmd
        .args([
            "plan",
            "--add",
            "1",
            "--radius",
            "40",
            "--out",
            "out",
            "--what-if",
        ])
        .arg(fixture("plan/what_if_birmingham.csv"))
        .assert()
        .success();
    let said = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        said.contains("covgap plan: 304 candidate sites; existing teams cover 57.2% of live births (a team covering all within 40 km of its base); with the 1 what-if team, 59.4%\n"),
        "{said}"
    );
    // The next line says what its figures are, and the share the exact plan leaves covered in
    // all, as plan.md does ("of the UK's live births", not "of the UK").
    assert!(
        said.contains("covgap plan: 1 new site, live births newly covered: greedy 35,526 ("),
        "{said}"
    );
    assert!(
        said.contains("; with the exact plan, 64.5% of live births covered in all\n"),
        "{said}"
    );
    let md = read(&dir, "out/plan.md");
    assert!(
        md.contains(
            "35,526 live births newly covered, 64.5% of the UK's live births covered in all;"
        ),
        "{md}"
    );
    let (mut cmd, _dir) = covgap();
    let out = cmd
        .args(["plan", "--add", "1", "--out", "out", "--boundaries"])
        .arg(fixture("boundaries/wales_districts.geojson"))
        .assert()
        .success();
    let said = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        said.contains("covgap plan: 22 candidate sites; existing teams cover 0.0% of live births in the areas given\n"),
        "{said}"
    );
    assert!(
        said.contains(
            "; with the exact plan, 12.9% of live births in the areas given covered in all\n"
        ),
        "{said}"
    );
}

/// A what-if team in a district that already has a team adds nothing, and plan.md names it,
/// so that "the 2 what-if teams" are not read as two teams each reaching new babies (a second
/// team for Oxford, which OXPIP covers).
#[test]
fn what_if_teams_that_add_nothing_are_named() {
    // `plan --add 1 --what-if LIST`, LIST holding `list`, and its plan.md.
    let plan_md = |list: &str| {
        let (mut cmd, dir) = covgap();
        let path = dir.path().join("planned.csv");
        std::fs::write(&path, list).unwrap();
        cmd.args(["plan", "--add", "1", "--out", "out", "-q", "--what-if"])
            .arg(&path)
            .assert()
            .success();
        read(&dir, "out/plan.md")
    };
    let md = plan_md(
        "name,areas_served\nBirmingham team (in development),Birmingham\nSecond Oxford team,Oxford\n",
    );
    assert!(md.contains("- **With the 2 what-if teams**: "), "{md}");
    assert!(
        md.contains("- **1 of the what-if teams adds no live births**: Second Oxford team; the existing teams already cover everything it would cover under this model.\n"),
        "{md}"
    );
    // Birmingham's alone: no such line.
    let md = plan_md(&std::fs::read_to_string(fixture("plan/what_if_birmingham.csv")).unwrap());
    assert!(!md.contains("of the what-if teams add"));
    // Two teams planned for the same uncovered district: the second adds nothing beyond the
    // first, though no existing team covers Birmingham. It was not named.
    let md = plan_md(
        "name,areas_served\nBirmingham team (in development),Birmingham\nSecond Birmingham team,Birmingham\n",
    );
    assert!(
        md.contains("- **1 of the what-if teams adds no live births beyond the what-if teams listed before it**: Second Birmingham team; those teams already cover everything it would cover under this model.\n"),
        "{md}"
    );
    assert!(!md.contains("the existing teams already cover"), "{md}");
}

/// A radius that is not a distance greater than 0 is a usage error saying so, for a negative
/// one too: `--radius -1` got the argument parser's "unexpected argument '-1'", as if the
/// number were a flag. Nothing is written.
#[test]
fn a_radius_that_is_not_a_positive_distance_is_a_usage_error_saying_so() {
    for km in ["-1", "0", "nan", "inf", "40km"] {
        let (mut cmd, dir) = covgap();
        let out = cmd
            .args(["plan", "--add", "2", "--out", "out", "--radius", km])
            .assert()
            .code(2);
        let said = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            said.contains(&format!(
                "invalid value '{km}' for '--radius <KM>': \"{km}\" is not a distance in kilometres greater than 0"
            )),
            "{km}: {said}"
        );
        assert!(!dir.path().join("out").exists(), "{km}: wrote out/");
    }
}

/// A number of sites or seconds that is negative is a usage error saying what is wanted, as
/// `--radius -1` is: it got the argument parser's "unexpected argument '-1'".
#[test]
fn a_negative_number_of_sites_or_seconds_is_a_usage_error_saying_so() {
    for (flag, value, says) in [
        (
            "--add",
            "-1",
            "invalid value '-1' for '--add <N>': \"-1\" is not a number of sites (1 or more)",
        ),
        (
            "--exact-seconds",
            "-5",
            "invalid value '-5' for '--exact-seconds <SECONDS>': \"-5\" is not a number of seconds (0 or more)",
        ),
    ] {
        let (mut cmd, dir) = covgap();
        let mut args = vec!["plan", "--out", "out", flag, value];
        if flag != "--add" {
            args.extend(["--add", "2"]);
        }
        let out = cmd.args(&args).assert().code(2);
        let said = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(said.contains(says), "{flag}: {said}");
        assert!(!dir.path().join("out").exists(), "{flag}: wrote out/");
    }
}

/// A candidates file listing one place twice under two names (two rows based at the same
/// point, or two naming the same district and no base) is warned of, naming both rows: the
/// two cover the same babies, so once one is placed the other adds nothing and no plan
/// places both. Before, nothing was said, and the user counted on a site the list did not
/// really offer. `check` says it too.
#[test]
fn a_candidate_listed_twice_under_two_names_is_warned_of() {
    let sites = "name,areas_served,latitude,longitude\n\
                 Banbury site,,52.06,-1.34\n\
                 Witney site,West Oxfordshire,,\n\
                 Banbury hub,,52.06,-1.34\n\
                 Witney centre,E07000181,,\n\
                 Didcot site,South Oxfordshire,,\n";
    let oxon = fixture("boundaries/oxfordshire_wgs84.geojson");
    let teams = fixture("teams/oxford_only.csv");
    let args = [
        "--boundaries",
        &oxon,
        "--teams",
        &teams,
        "--candidates",
        "sites.csv",
    ];
    let mut plan = vec!["plan", "--add", "3", "--out", "out"];
    plan.extend_from_slice(&args);
    let o = crate::covgap_with_files(&[("sites.csv", sites)], &plan, Some("out"));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let tail = "so the two cover the same babies and the plan takes them as one site: once one is placed the other adds nothing, so no plan places both; remove one row, or correct the base or areas of the one that is wrong";
    o.assert_stderr_has(&[
        &format!("warning: sites.csv, line 4: Banbury hub: the same site as line 2 (Banbury site): both are based at 52.06000, -1.34000, {tail}"),
        &format!("warning: sites.csv, line 5: Witney centre: the same site as line 3 (Witney site): neither has a base, and both serve West Oxfordshire (E07000181), {tail}"),
    ]);
    assert_eq!(o.warning_lines().len(), 2, "{}", o.stderr);
    // No plan places both rows of a pair.
    let csv = String::from_utf8(o.bytes("plan.csv").to_vec()).unwrap();
    for pair in [
        ["Banbury site", "Banbury hub"],
        ["Witney site", "Witney centre"],
    ] {
        for method in ["greedy", "greedy_swap", "exact"] {
            let placed = csv
                .lines()
                .filter(|l| l.starts_with(&format!("{method},")))
                .filter(|l| pair.iter().any(|s| l.contains(&format!(",{s},"))))
                .count();
            assert!(placed <= 1, "{method} placed both of {pair:?}:\n{csv}");
        }
    }
    let mut check = vec!["check"];
    check.extend_from_slice(&args);
    let c = crate::covgap_with_files(&[("sites.csv", sites)], &check, None);
    assert_eq!(c.code, 0, "{}", c.stderr);
    c.assert_stderr_has(&[
        "line 4: Banbury hub: the same site as line 2",
        "0 errors, 2 warnings",
    ]);
}

/// A geography only partly among the areas given is marked so: `--by region` on Oxfordshire's
/// districts with no team there answers for the South East, whose 7,119 live births are
/// Oxfordshire's, not the region's. plan.md gave "South East | 5 | 7,119" unmarked, which a
/// briefing could quote as the region's.
#[test]
fn by_a_geography_only_partly_given_is_marked_as_part() {
    let (mut cmd, dir) = covgap();
    cmd.args(["plan", "--by", "region", "--out", "out", "--boundaries"])
        .arg(fixture("boundaries/oxfordshire_wgs84.geojson"))
        .arg("--teams")
        .arg(fixture("teams/city_of_london.csv"))
        .assert()
        .success();
    let md = read(&dir, "out/plan.md");
    assert!(
        md.contains("| South East (part) | E12000008 | 5 | 7,119 | Cherwell (E07000177) |")
            && md.contains("A geography marked (part) is only partly among the areas given: its districts and live births are those of the areas given in it, not all of its own."),
        "{md}"
    );
    let csv = rows(&read(&dir, "out/plan_geographies.csv"));
    assert_eq!(csv[0][7], "no", "{csv:?}");
    // All of a geography given: not marked.
    let (mut cmd, dir) = covgap();
    cmd.args(["plan", "--by", "region", "--out", "out"])
        .assert()
        .success();
    let md = read(&dir, "out/plan.md");
    assert!(
        md.contains("| West Midlands | E12000005 | 30 |") && !md.contains("(part)"),
        "{md}"
    );
    assert_eq!(rows(&read(&dir, "out/plan_geographies.csv"))[0][7], "yes");
}

/// `--by region` on the 42 ICBs groups each ICB by the region it lies in: 3 regions (the East
/// Midlands, the West Midlands and London) have no ICB lying across their border, and the West
/// Midlands, all six of whose ICBs have no team, is the one with none. The other six, across
/// whose borders four ICBs lie, are left out and named. It was refused, saying no area had an
/// English region.
#[test]
fn by_region_on_icb_boundaries_groups_the_icbs_by_their_regions() {
    let (mut cmd, dir) = covgap();
    let out = cmd
        .args(["plan", "--by", "region", "--out", "out", "--boundaries"])
        .arg(fixture("boundaries/icbs_england_jul2022.geojson"))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("covgap plan: 1 of 3 English regions has no team (6 more left out, as an area given lies across each one's border: see plan.md); 1 new site would give every reachable one a team (proven optimal)"),
        "{stderr}"
    );
    let md = std::fs::read_to_string(dir.path().join("out/plan.md")).unwrap();
    assert!(
        md.contains("every one of them that holds an area it covers")
            && md
                .contains("| Geography | Code | Areas | Live births | Site that gives it a team |")
            && md.contains("| West Midlands | E12000005 | 6 | 64,858 |")
            && md.contains(" 6 more are left out, as an area given lies across each one's border, partly in it and partly outside, so that whether each has a team, and their babies, cannot be told from the areas given: North East (E12000001), North West (E12000002), Yorkshire and The Humber (E12000003), East of England (E12000006), South East (E12000008) and South West (E12000009)."),
        "{md}"
    );
    // plan_geographies.csv's count is of the ICBs given in the region, and headed so, as
    // plan.md's column is; it was headed "districts" (the West Midlands has 30).
    let csv = read(&dir, "out/plan_geographies.csv");
    assert_eq!(
        csv.lines().next().unwrap(),
        "level,code,name,areas,births,site,site_district_code,all_given,period"
    );
    assert_eq!(rows(&csv)[0][3], "6", "{csv}");
}

/// A region an ICB given lies across the border of is not asked about under `--by region`:
/// without Cornwall's team, the South West's ICBs lying wholly in it have none, but Bath and
/// North East Somerset, Swindon and Wiltshire's, which lies partly in it (Swindon, Wiltshire,
/// Bath), has one. Before, `plan.md` and `plan_geographies.csv` said the South West had no
/// team and 42,602 babies, where all of it was given and the district run gives it 51,499.
#[test]
fn by_region_leaves_out_a_region_an_icb_lies_across() {
    let (mut cmd, dir) = covgap();
    let teams =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/teams.csv")).unwrap();
    let without_cornwall: String = teams
        .lines()
        .filter(|l| !l.starts_with("Thriving Together (Cornwall"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(without_cornwall.len() < teams.len());
    std::fs::write(dir.path().join("teams.csv"), without_cornwall).unwrap();
    let out = cmd
        .args([
            "plan",
            "--by",
            "region",
            "--out",
            "out",
            "--teams",
            "teams.csv",
        ])
        .arg("--boundaries")
        .arg(fixture("boundaries/icbs_england_jul2022.geojson"))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("covgap plan: 1 of 3 English regions has no team (6 more left out"),
        "{stderr}"
    );
    let csv = read(&dir, "out/plan_geographies.csv");
    let listed: Vec<String> = rows(&csv).into_iter().map(|r| r[1].clone()).collect();
    assert_eq!(listed, ["E12000005"], "{csv}");
    let md = std::fs::read_to_string(dir.path().join("out/plan.md")).unwrap();
    assert!(!md.contains("| South West | E12000009 |"), "{md}");
}

/// `--by icb` on Oxfordshire county and West Berkshire: the county lies across the border
/// between Buckinghamshire, Oxfordshire and Berkshire West's ICB and Bath and North East
/// Somerset, Swindon and Wiltshire's (Vale of White Horse is split between them), so neither
/// can be asked about, and the refusal says so. Before, the plan said Buckinghamshire,
/// Oxfordshire and Berkshire West's ICB had no team and West Berkshire's 1,543 babies, though
/// Oxfordshire, with a team, lies mostly in it.
#[test]
fn by_icb_on_a_county_lying_across_icbs_is_refused_saying_why() {
    let (mut cmd, dir) = covgap();
    let out = cmd
        .args(["plan", "--by", "icb", "--out", "out", "--boundaries"])
        .arg(fixture(
            "boundaries/upper_tiers_oxfordshire_county_and_west_berkshire.geojson",
        ))
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("--by icb: an area given lies across the border of each Integrated Care Board the areas lie in (NHS Bath and North East Somerset, Swindon and Wiltshire Integrated Care Board (E54000040), NHS Buckinghamshire, Oxfordshire and Berkshire West Integrated Care Board (E54000044)), partly in it and partly outside"),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists(), "nothing is written");
}

/// Boundaries of the geography `--by` groups by (the five HSC trusts with `--by
/// health-board`, the 42 ICBs with `--by icb`): each area is its own, so there is nothing to
/// group, and the refusal says so and what to run instead. Before, it said no area had a
/// health board or HSC trust, of areas that are HSC trusts.
#[test]
fn by_a_geography_on_its_own_boundaries_is_refused_saying_the_areas_are_it() {
    for (by, boundaries, codes) in [
        (
            "health-board",
            "boundaries/ni_hsc_trusts_dissolved.geojson",
            "health boards or HSC trusts (BHSCT, NHSCT, SEHSCT and 2 more)",
        ),
        (
            "icb",
            "boundaries/icbs_england_jul2022.geojson",
            "Integrated Care Boards (E54000008, E54000010, E54000011 and 39 more)",
        ),
    ] {
        let (mut cmd, dir) = covgap();
        let out = cmd
            .args(["plan", "--by", by, "--out", "out", "--boundaries"])
            .arg(fixture(boundaries))
            .assert()
            .code(1);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.contains(&format!("--by {by}: the areas are themselves {codes}, so each is its own and --by has nothing to group: `covgap run` lists those with no team (gaps.csv), and `covgap plan --add N` without --by chooses")),
            "{stderr}"
        );
        assert!(!dir.path().join("out").exists(), "nothing is written");
    }
}

/// A candidate or what-if site named as a counted team of the team list (names compared
/// without case or extra spaces) is warned of by line, in `plan` and in `check`: before, "City
/// team" was planned as a new team beside the existing one without a word. A site named as a
/// closed team (not counted) is a fair candidate and not warned of. The sites are still read:
/// the plan goes on.
#[test]
fn a_site_named_as_a_counted_team_is_warned_of() {
    let sites = "name,areas_served\n\
                 city  TEAM,E07000178\n\
                 West team,E07000181\n\
                 Didcot site,South Oxfordshire\n";
    let oxon = fixture("boundaries/oxfordshire_wgs84.geojson");
    let teams = fixture("teams/with_evidence_column.csv");
    for (flag, what) in [
        (
            "--candidates",
            "planned as a new team beside it: is the team list given as candidates?",
        ),
        (
            "--what-if",
            "counted as another team beside it: has it joined the team list since?",
        ),
    ] {
        let args = ["--boundaries", &oxon, "--teams", &teams, flag, "sites.csv"];
        let says = format!("warning: sites.csv, line 2: city  TEAM: the team list has a counted team of that name (line 3); {what}");
        let mut plan = vec!["plan", "--add", "1", "--out", "out"];
        plan.extend_from_slice(&args);
        let o = crate::covgap_with_files(&[("sites.csv", sites)], &plan, Some("out"));
        assert_eq!(o.code, 0, "{}", o.stderr);
        o.assert_stderr_has(&[&says]);
        assert_eq!(o.warning_lines().len(), 1, "{}", o.stderr);
        let mut check = vec!["check"];
        check.extend_from_slice(&args);
        let c = crate::covgap_with_files(&[("sites.csv", sites)], &check, None);
        assert_eq!(c.code, 0, "{}", c.stderr);
        c.assert_stderr_has(&[&says, "0 errors, 1 warning"]);
    }
}

/// The team list given whole as `--what-if` (or as candidates): its sites named as counted
/// teams are warned of in one warning, the first five by line and a count of the rest, not a
/// warning a row that would bury the other messages.
#[test]
fn a_team_list_given_as_sites_is_warned_of_once() {
    let teams: String = std::iter::once("name,areas_served\n".to_string())
        .chain((1..=7).map(|i| format!("Team {i},E07000178\n")))
        .collect();
    let oxon = fixture("boundaries/oxfordshire_wgs84.geojson");
    let o = crate::covgap_with_files(
        &[("teams.csv", &teams)],
        &[
            "plan",
            "--add",
            "1",
            "--out",
            "out",
            "--boundaries",
            &oxon,
            "--teams",
            "teams.csv",
            "--what-if",
            "teams.csv",
        ],
        Some("out"),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    o.assert_stderr_has(&["warning: teams.csv: 7 of its 7 sites are named as counted teams of the team list (line 2: Team 1; line 3: Team 2; line 4: Team 3; line 5: Team 4; line 6: Team 5 and 2 more); each is counted as another team beside it: has it joined the team list since?"]);
    assert_eq!(o.warning_lines().len(), 1, "{}", o.stderr);
}

/// A `--candidates` list with a header and no rows says it lists no candidate sites (it said
/// "lists no teams", as a team list does), in `plan` and `check`, and nothing is written. A
/// `--what-if` list of no rows lists no teams.
#[test]
fn a_header_only_candidates_list_lists_no_candidate_sites() {
    let oxon = fixture("boundaries/oxfordshire_wgs84.geojson");
    let teams = fixture("teams/oxford_only.csv");
    for (flag, says) in [
        (
            "--candidates",
            "sites.csv: has a header but no rows: it lists no candidate sites",
        ),
        (
            "--what-if",
            "sites.csv: has a header but no rows: it lists no teams",
        ),
    ] {
        let args = ["--boundaries", &oxon, "--teams", &teams, flag, "sites.csv"];
        let mut plan = vec!["plan", "--add", "1", "--out", "out"];
        plan.extend_from_slice(&args);
        let o =
            crate::covgap_with_files(&[("sites.csv", "name,areas_served\n")], &plan, Some("out"));
        assert_eq!(o.code, 1, "{}", o.stderr);
        o.assert_stderr_has(&[says]);
        assert!(o.files.is_none(), "plan wrote {:?}", o.files);
        let mut check = vec!["check"];
        check.extend_from_slice(&args);
        let c = crate::covgap_with_files(&[("sites.csv", "name,areas_served\n")], &check, None);
        assert_eq!(c.code, 1, "{}", c.stderr);
        c.assert_stderr_has(&[says, &format!("{flag} not read")]);
    }
}
