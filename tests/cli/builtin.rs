//! The default run on the built-in data: real figures, checked against data/areas.csv and
//! against values pinned from the ONS tables.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::{default_run, nations, repo_file, run_ok, u};

const OXFORDSHIRE: [&str; 5] = [
    "E07000177",
    "E07000178",
    "E07000179",
    "E07000180",
    "E07000181",
];

/// Births and age 0 per nation, summed from data/areas.csv here, not by covgap.
fn nation_totals_from_csv(column: &str) -> BTreeMap<String, u64> {
    let mut r = csv::Reader::from_path(repo_file("data/areas.csv")).expect("data/areas.csv");
    let headers = r.headers().expect("headers").clone();
    let nation = headers.iter().position(|h| h == "nation").expect("nation");
    let fig = headers.iter().position(|h| h == column).expect("column");
    let mut out = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.expect("record");
        *out.entry(rec[nation].to_string()).or_insert(0) +=
            rec[fig].parse::<u64>().expect("whole number");
    }
    out
}

#[test]
fn has_361_areas() {
    let run = default_run();
    assert_eq!(run.areas().len(), 361);
    assert_eq!(run.summary()["areas_total"], 361);
}

#[test]
fn uk_births_total_is_700691() {
    let s = default_run().summary();
    assert_eq!(s["measure"], "births");
    assert_eq!(u(&s["demand_total"]), 700_691);
    assert_eq!(u(&s["demand_covered"]) + u(&s["demand_uncovered"]), 700_691);
    let births: u64 = default_run()
        .areas()
        .values()
        .map(|p| u(&p["births"]))
        .sum();
    assert_eq!(births, 700_691);
}

#[test]
fn uk_age0_total_is_694286() {
    let run = run_ok(&["--measure", "age0"]);
    let s = run.summary();
    assert_eq!(s["measure"], "age0");
    assert_eq!(u(&s["demand_total"]), 694_286);
    let age0: u64 = run.areas().values().map(|p| u(&p["age0"])).sum();
    assert_eq!(age0, 694_286);
    let expected = nation_totals_from_csv("age0");
    for (name, n) in nations(&s) {
        assert_eq!(u(&n["demand_total"]), expected[&name], "{name}");
    }
    assert!(run.text("summary.md").contains("mid-2022"));
}

#[test]
fn nation_birth_totals_match_data_and_ons() {
    let s = default_run().summary();
    let got: BTreeMap<String, u64> = nations(&s)
        .into_iter()
        .map(|(k, v)| (k, u(&v["demand_total"])))
        .collect();
    assert_eq!(got, nation_totals_from_csv("births"));
    assert_eq!(got["England"], 600_708);
    assert_eq!(got["Wales"], 29_411);
    assert_eq!(got["Scotland"], 48_673);
    assert_eq!(got["Northern Ireland"], 21_899);
    let areas: BTreeMap<String, u64> = nations(&s)
        .into_iter()
        .map(|(k, v)| (k, u(&v["areas_total"])))
        .collect();
    assert_eq!(areas["England"], 296);
    assert_eq!(areas["Wales"], 22);
    assert_eq!(areas["Scotland"], 32);
    assert_eq!(areas["Northern Ireland"], 11);
}

#[test]
fn oxpip_covers_the_five_oxfordshire_districts() {
    let areas = default_run().areas();
    for code in OXFORDSHIRE {
        let a = &areas[code];
        assert_eq!(a["covered"], true, "{code}");
        assert!(
            a["teams"].as_str().unwrap().contains("OXPIP"),
            "{code}: {}",
            a["teams"]
        );
        assert_eq!(a["nearest_team_km"], 0.0);
        assert_eq!(a["gap_rank"], Value::Null);
    }
    let teams = default_run().teams();
    let oxpip = teams
        .iter()
        .find(|(n, _)| n.starts_with("OXPIP"))
        .expect("OXPIP in teams.geojson")
        .1;
    assert_eq!(
        oxpip["properties"]["areas_served"],
        OXFORDSHIRE.join(";").as_str()
    );
}

/// Together for Baby is known only as "Essex": it is counted among the teams, covers no area,
/// and the headline says so. (A nominal base at Chelmsford's CM1 once made Chelmsford covered.)
#[test]
fn together_for_baby_is_counted_but_covers_no_area() {
    let run = default_run();
    let chelmsford = &run.areas()["E07000070"];
    assert_eq!(chelmsford["name"], "Chelmsford");
    assert_eq!(chelmsford["covered"], false);
    let t = &run.teams()["Together for Baby"];
    assert_eq!(t["geometry"], Value::Null);
    let p = &t["properties"];
    assert_eq!(p["areas_served"], "");
    assert_eq!(p["covers"], "");
    assert_eq!(p["counted"], true);
    run.assert_stderr_has(&["note: built-in teams (data/teams.csv), line 24: Together for Baby: has no areas served and no location, so it covers no area; it is counted among the teams in the list"]);
    assert!(run.text("summary.md").contains("Teams counted: 28 of the 46 in the list (teams whose evidence level is pif_named or service_confirmed); Together for Baby is counted but covers no area, as the list gives no area it serves and no location."));
    assert_eq!(
        run.summary()["teams_unplaced"],
        serde_json::json!(["Together for Baby"])
    );
    assert!(run.text("map.svg").contains(
        "Teams counted: 28 of the 46 in the list (1 has no known place and covers no area)."
    ));
    // No gap is measured to a guessed place: Thanet's nearest team was Together for Baby.
    assert!(run
        .areas()
        .values()
        .all(|a| a["nearest_team"] != "Together for Baby"));
}

/// The built-in list's coordinates are postcode-district centroids for 41 teams and
/// postcode locations for 2 (its `base_precision` column); the outputs keep that precision
/// and the postcode, so nobody reads an OX5 centroid as a street address.
#[test]
fn team_bases_keep_the_lists_precision_and_postcode() {
    let teams = default_run().teams();
    let oxpip = &teams["OXPIP (Oxford Parent Infant Project)"]["properties"];
    assert_eq!(oxpip["base"], "OX5");
    assert_eq!(oxpip["base_precision"], "postcode_district");
    let tameside = teams
        .iter()
        .find(|(n, _)| n.starts_with("Tameside and Glossop"))
        .unwrap()
        .1;
    assert_eq!(tameside["properties"]["base"], "SK14 1NG");
    assert_eq!(tameside["properties"]["base_precision"], "postcode");
    let mut by_precision = BTreeMap::new();
    for t in teams.values() {
        // Three teams have no base: their precision is null.
        let k = t["properties"]["base_precision"]
            .as_str()
            .unwrap_or("none")
            .to_string();
        *by_precision.entry(k).or_insert(0) += 1;
    }
    assert_eq!(
        by_precision,
        BTreeMap::from([
            ("none".to_string(), 3),
            ("postcode".to_string(), 2),
            ("postcode_district".to_string(), 41)
        ])
    );
}

#[test]
fn norpip_closed_covers_nothing_by_default() {
    let run = default_run();
    for (code, a) in run.areas() {
        assert!(
            !a["teams"].as_str().unwrap().contains("NorPIP"),
            "{code} lists NorPIP"
        );
    }
    let t = run
        .teams()
        .into_iter()
        .find(|(n, _)| n.starts_with("NorPIP"))
        .expect("NorPIP")
        .1;
    assert_eq!(t["properties"]["evidence"], "closed");
    assert_eq!(t["properties"]["counted"], false);
    // North and West Northamptonshire have no other team.
    let areas = run.areas();
    assert_eq!(areas["E06000061"]["covered"], false);
    assert_eq!(areas["E06000062"]["covered"], false);
}

#[test]
fn wales_has_no_covered_area_by_default() {
    let s = default_run().summary();
    let wales = &nations(&s)["Wales"];
    assert_eq!(wales["areas_covered"], 0);
    assert_eq!(wales["demand_covered"], 0);
    for (code, a) in default_run().areas() {
        if code.starts_with('W') {
            assert_eq!(a["covered"], false, "{code}");
            assert!(a["gap_rank"].as_u64().is_some(), "{code}");
        }
    }
}

#[test]
fn wider_evidence_covers_more_areas() {
    let default = default_run().covered();
    let wider = run_ok(&["--evidence", "pif_named,service_confirmed,candidate"]);
    let more = wider.covered();
    assert!(
        more.len() > default.len(),
        "{} vs {}",
        more.len(),
        default.len()
    );
    for c in &default {
        assert!(more.contains(c), "{c} lost coverage with wider evidence");
    }
    let s = wider.summary();
    assert!(u(&s["teams_counted"]) > u(&default_run().summary()["teams_counted"]));
    assert!(wider.text("summary.md").contains("candidate"));
}

#[test]
fn gap_ranks_run_1_to_n_by_births_then_code() {
    let areas = default_run().areas();
    let mut gaps: Vec<(u64, u64, String)> = areas
        .iter()
        .filter(|(_, a)| a["covered"] == false)
        .map(|(c, a)| (u(&a["gap_rank"]), u(&a["births"]), c.clone()))
        .collect();
    gaps.sort();
    let n = gaps.len() as u64;
    assert_eq!(u(&default_run().summary()["areas_covered"]), 361 - n);
    assert_eq!(
        gaps.iter().map(|g| g.0).collect::<Vec<_>>(),
        (1..=n).collect::<Vec<_>>()
    );
    for w in gaps.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        assert!(
            a.1 > b.1 || (a.1 == b.1 && a.2 < b.2),
            "rank {} ({} {}) before rank {} ({} {})",
            a.0,
            a.2,
            a.1,
            b.0,
            b.2,
            b.1
        );
    }
    // Birmingham, the largest district with no team, is the first gap.
    assert_eq!(gaps[0].2, "E08000025");
    assert_eq!(gaps[0].1, 15_208);
}

#[test]
fn covered_areas_have_no_rank_and_zero_distance() {
    for (code, a) in default_run().areas() {
        if a["covered"] == true {
            assert_eq!(a["gap_rank"], Value::Null, "{code}");
            assert_eq!(a["nearest_team_km"], 0.0, "{code}");
            assert!(!a["teams"].as_str().unwrap().is_empty(), "{code}");
            assert_eq!(
                a["nearest_team"],
                a["teams"].as_str().unwrap().split("; ").next().unwrap()
            );
        } else {
            assert!(a["nearest_team_km"].as_f64().unwrap() > 0.0, "{code}");
            assert_eq!(a["teams"], "", "{code}");
        }
    }
}

#[test]
fn gaps_csv_agrees_with_areas_geojson() {
    let run = default_run();
    let areas = run.areas();
    let text = run.text("gaps.csv");
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut n = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        n += 1;
        let a = &areas[&rec[1]];
        assert_eq!(rec[0].parse::<u64>().unwrap(), u(&a["gap_rank"]));
        assert_eq!(rec[0].parse::<u64>().unwrap(), n);
        assert_eq!(&rec[2], a["name"].as_str().unwrap());
        assert_eq!(rec[5].parse::<u64>().unwrap(), u(&a["births"]));
        assert_eq!(&rec[6], a["nearest_team"].as_str().unwrap());
        assert_eq!(
            rec[7].parse::<f64>().unwrap(),
            a["nearest_team_km"].as_f64().unwrap()
        );
    }
    assert_eq!(n, 361 - u(&run.summary()["areas_covered"]));
}

#[test]
fn stderr_headline_matches_summary() {
    let run = default_run();
    let s = run.summary();
    let line = format!(
        "{} of {} areas have a team",
        s["areas_covered"], s["areas_total"]
    );
    run.assert_stderr_has(&[&line, "1 July 2019 to 30 June 2020"]);
}

#[test]
fn evidence_level_no_team_has_is_an_error_naming_the_levels() {
    // A mistyped level would otherwise report the whole UK as uncovered.
    let run = crate::run(&["--evidence", "no_such_level"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.assert_stderr_has(&[
        "built-in teams",
        "no team has evidence level \"no_such_level\"",
        "\"pif_named\"",
        "--evidence",
    ]);
    assert!(run.files.is_none(), "nothing may be written");
}

#[test]
fn a_mistyped_evidence_level_suggests_the_one_meant() {
    let run = crate::run(&["--evidence", "service_confimed"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.assert_stderr_has(&["no team has evidence level \"service_confimed\" (did you mean \"service_confirmed\" for \"service_confimed\"?)"]);
    assert!(run.files.is_none(), "nothing may be written");
}

#[test]
fn evidence_level_one_slip_from_a_listed_level_is_an_error() {
    // "service_confimed" was a warning, and the headline fell from 57 areas to 18.
    let run = crate::run(&["--evidence", "pif_named,service_confimed"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.assert_stderr_has(&[
        "error: built-in teams (data/teams.csv): evidence level \"service_confimed\" was asked for but no team has it: did you mean \"service_confirmed\"?",
    ]);
    assert!(run.files.is_none(), "nothing may be written");
}

#[test]
fn evidence_levels_partly_unknown_are_warned_and_the_rest_count() {
    let run = run_ok(&["--evidence", "pif_named,no_such_level"]);
    run.assert_stderr_has(&["evidence level \"no_such_level\" was asked for but no team has it"]);
    let s = run.summary();
    let list = std::fs::read_to_string(repo_file("data/teams.csv")).unwrap();
    let pif_named = list.lines().filter(|l| l.contains(",pif_named,")).count();
    assert!(pif_named > 0);
    assert_eq!(u(&s["teams_counted"]) as usize, pif_named);
    assert!(u(&s["areas_covered"]) < u(&default_run().summary()["areas_covered"]));
}

/// The headline README.md quotes for the built-in data; if the data or a rule changes, the
/// README must change with it.
#[test]
fn headline_quoted_in_the_readme() {
    let run = default_run();
    let s = run.summary();
    assert_eq!(u(&s["areas_covered"]), 56);
    assert_eq!(u(&s["areas_total"]), 361);
    assert_eq!(u(&s["demand_covered"]), 131_842);
    assert_eq!(u(&s["demand_uncovered"]), 568_849);
    let line = "covgap: 56 of 361 areas have a team; 18.8% of live births (1 July 2019 to 30 June 2020) in covered areas; 568,849 in areas with none";
    assert!(run.stderr.contains(line), "{}", run.stderr);
    let readme = std::fs::read_to_string(repo_file("README.md")).unwrap();
    assert!(
        readme.contains(line),
        "README.md no longer quotes the run's headline"
    );
}

/// Loading looks only for boundary lines that cross (README, Boundaries), so the built-in
/// districts are tested here against geo's whole validation as well: a re-run of
/// scripts/prepare_data.py on new boundaries that simplified a ring into a crossing, or left
/// two parts of a district overlapping, would fail this.
#[test]
fn built_in_districts_are_valid_polygons() {
    use geo::algorithm::Validation;
    let mut diag = covgap::error::Diagnostics::new();
    let study = covgap::load::load(&covgap::load::Inputs::default(), &mut diag).unwrap();
    assert_eq!(study.areas.len(), 361);
    let invalid: Vec<String> = study
        .areas
        .iter()
        .flat_map(|a| {
            a.bng
                .validation_errors()
                .into_iter()
                .map(move |e| format!("{} ({}): {e}", a.name, a.code))
        })
        .collect();
    assert!(invalid.is_empty(), "{invalid:#?}");
    // And loading, which would warn, found nothing.
    assert_eq!(diag.count(covgap::error::Severity::Warning), 0, "{diag:#?}");
}

/// Northern Ireland's Health and Social Care Trusts are named in full, as the Department of
/// Health, NISRA and the trusts write them: the default run's rollups.csv gave
/// `health_board,BHSCT,Belfast` beside the district Belfast, and gaps.csv gave Belfast's
/// health board as "Belfast", a briefing's reader unable to tell the trust from the council.
#[test]
fn northern_irelands_trusts_are_named_in_full() {
    let run = default_run();
    let rollups = crate::read_csv_text(&run.text("rollups.csv"));
    let trusts: Vec<(&str, &str)> = rollups
        .iter()
        .filter(|r| r[0] == "health_board" && r[1].ends_with("HSCT"))
        .map(|r| (r[1].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        trusts,
        [
            ("BHSCT", "Belfast Health and Social Care Trust"),
            ("NHSCT", "Northern Health and Social Care Trust"),
            ("SEHSCT", "South Eastern Health and Social Care Trust"),
            ("SHSCT", "Southern Health and Social Care Trust"),
            ("WHSCT", "Western Health and Social Care Trust"),
        ]
    );
    let gaps = crate::read_csv_text(&run.text("gaps.csv"));
    let col = gaps[0].iter().position(|h| h == "health_board").unwrap();
    let belfast = gaps.iter().find(|r| r[1] == "N09000003").unwrap();
    assert_eq!(belfast[col], "Belfast Health and Social Care Trust");
}
