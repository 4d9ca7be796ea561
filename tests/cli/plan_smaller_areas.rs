//! `covgap plan` with areas smaller than districts as boundaries: Oxford's and Swindon's 215
//! LSOAs (tests/fixtures/boundaries/lsoas_oxford_swindon.geojson). Without `--radius` or
//! `--candidates`, a candidate site is a team in a built-in district, covering every LSOA lying
//! in it, as `run` counts a team serving the district; before, each LSOA without a team was a
//! candidate covering itself alone.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::{covgap_at, fixture, lsoa_inputs, read_csv, run_ok};

/// The fixture's LSOAs: code to (name, figure), read from the fixture files themselves.
fn lsoas() -> BTreeMap<String, (String, u64)> {
    let figures: BTreeMap<String, u64> =
        read_csv(&crate::fixture_path("births/lsoas_oxford_swindon_age0.csv"))[1..]
            .iter()
            .map(|r| (r[0].clone(), r[1].parse().unwrap()))
            .collect();
    let text = std::fs::read_to_string(crate::fixture_path(
        "boundaries/lsoas_oxford_swindon.geojson",
    ))
    .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    crate::features(&doc)
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let code = p["lsoa11_code"].as_str().unwrap().to_string();
            let name = p["lsoa11_name"].as_str().unwrap().to_string();
            let figure = figures[&code];
            (code, (name, figure))
        })
        .collect()
}

/// A plan's outputs: the greedy rows of `plan.csv` (n > 0) as header-to-value maps, and the
/// exported instance.
struct Planned {
    greedy: Vec<BTreeMap<String, String>>,
    instance: Value,
}

impl Planned {
    /// The demand codes candidate `site` (as `plan.csv` names it) covers, by the exported
    /// instance: what the solvers were given.
    fn covers(&self, site: &str) -> BTreeSet<String> {
        let demand = self.instance["demand"].as_array().unwrap();
        let c = self.instance["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == site)
            .unwrap_or_else(|| panic!("no candidate {site}"));
        c["covers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                demand[d.as_u64().unwrap() as usize]["code"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    }

    fn candidate_names(&self) -> Vec<&str> {
        self.instance["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect()
    }
}

/// `covgap plan --add <add>` on the LSOAs, with `extra` flags (a team list, say).
fn plan(add: &str, extra: &[&str]) -> Planned {
    let dir = tempfile::tempdir().unwrap();
    covgap_at(&dir)
        .args([
            "plan",
            "-q",
            "--out",
            "out",
            "--export-instance",
            "out/instance.json",
        ])
        .args(["--add", add])
        .args(lsoa_inputs())
        .args(extra)
        .assert()
        .success();
    let rows = read_csv(&dir.path().join("out/plan.csv"));
    let h = rows[0].clone();
    let greedy = rows[1..]
        .iter()
        .filter(|r| r[0] == "greedy" && r[1] != "0")
        .map(|r| h.iter().cloned().zip(r.iter().cloned()).collect())
        .collect();
    let text = std::fs::read_to_string(dir.path().join("out/instance.json")).unwrap();
    Planned {
        greedy,
        instance: serde_json::from_str(&text).unwrap(),
    }
}

/// With the built-in list, OXPIP covers every Oxford LSOA, so the one candidate is a team in
/// Swindon: it covers all 132 LSOAs named for Swindon and newly covers their babies. Before,
/// the best candidate was one Swindon LSOA.
#[test]
fn a_default_candidate_is_a_team_in_a_district_covering_every_area_lying_in_it() {
    let p = plan("1", &[]);
    let swindon: BTreeMap<String, u64> = lsoas()
        .into_iter()
        .filter(|(_, (name, _))| name.starts_with("Swindon "))
        .map(|(code, (_, figure))| (code, figure))
        .collect();
    assert_eq!(swindon.len(), 132);
    assert_eq!(p.candidate_names(), ["Swindon"]);
    assert_eq!(p.greedy.len(), 1, "{:?}", p.greedy);
    let site = &p.greedy[0];
    assert_eq!(site["site"], "Swindon");
    assert_eq!(site["district_code"], "E06000030");
    assert_eq!(site["district_name"], "Swindon");
    let babies: u64 = swindon.values().sum();
    assert_eq!(site["age0_newly_covered"], babies.to_string());
    let newly: BTreeSet<String> = site["newly_covers"].split(';').map(String::from).collect();
    let expected: BTreeSet<String> = swindon.keys().cloned().collect();
    assert_eq!(newly, expected);
    assert_eq!(p.covers("Swindon"), expected);
}

/// With a team in Swindon fixed, the candidates are Oxford and South Oxfordshire, in which one
/// LSOA named for Oxford lies: each a team in that district, covering what `run` gives a team
/// list naming it. The site's babies newly covered are those LSOAs' figures, and South
/// Oxfordshire, with one LSOA lying in it, is a candidate of its district too.
#[test]
fn a_candidate_covers_what_run_gives_a_team_serving_its_district() {
    let p = plan(
        "2",
        &["--teams", &fixture("teams/base_only_in_swindon.csv")],
    );
    let sites: Vec<(&str, &str, &str)> = p
        .greedy
        .iter()
        .map(|r| {
            (
                r["site"].as_str(),
                r["district_code"].as_str(),
                r["district_name"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        sites,
        [
            ("Oxford", "E07000178", "Oxford"),
            ("South Oxfordshire", "E07000179", "South Oxfordshire")
        ]
    );
    let figures = lsoas();
    for site in &p.greedy {
        let dir = tempfile::tempdir().unwrap();
        let teams = dir.path().join("teams.csv");
        std::fs::write(
            &teams,
            format!("name,areas_served\nA team,{}\n", site["district_code"]),
        )
        .unwrap();
        let mut args = lsoa_inputs();
        args.extend(["-q".into(), "--teams".into(), teams.display().to_string()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let covered: BTreeSet<String> = run_ok(&args)
            .areas()
            .into_iter()
            .filter(|(_, a)| a["covered"] == true)
            .map(|(code, _)| code)
            .collect();
        assert!(!covered.is_empty());
        assert_eq!(p.covers(&site["site"]), covered, "{}", site["site"]);
        let newly: BTreeSet<String> = site["newly_covers"].split(';').map(String::from).collect();
        assert_eq!(newly, covered, "{}", site["site"]);
        let babies: u64 = covered.iter().map(|c| figures[c].1).sum();
        assert_eq!(site["age0_newly_covered"], babies.to_string());
    }
}

/// Under `--radius` each LSOA's point stays a candidate of its own, covering what lies within
/// reach of it.
#[test]
fn under_a_radius_each_area_is_still_a_candidate() {
    let p = plan("1", &["--radius", "5"]);
    let names = p.candidate_names();
    assert_eq!(names.len(), 132);
    assert!(names.iter().all(|n| n.starts_with("Swindon ")), "{names:?}");
}

/// The City of London is so small that one of its LSOAs, 001F, holds it (the district's point
/// lies in it, and it is more than half the district's size), and three others lie in it. A team
/// serving the City counts for all four in `run`, and `plan`'s candidate for the City covers the
/// same four. Before, the team counted for 001F alone, and 001F was a candidate on its own,
/// apart from the City's. 001C and 001E have their points outside the City's generalised
/// outline, in its neighbours, as with `--small-areas`.
#[test]
fn a_smaller_area_holding_a_tiny_district_counts_with_those_lying_in_it() {
    let city_inputs = [
        "--boundaries",
        &fixture("boundaries/lsoas_city_of_london.geojson"),
        "--births",
        &fixture("births/lsoas_city_of_london_age0.csv"),
        "--measure",
        "age0",
    ]
    .map(String::from);
    let served = ["E01000001", "E01000002", "E01032739", "E01032740"];
    let mut args: Vec<&str> = vec!["-q", "--teams"];
    let teams = fixture("teams/city_of_london.csv");
    args.push(&teams);
    args.extend(city_inputs.iter().map(String::as_str));
    let run = run_ok(&args);
    let covered: BTreeSet<String> = run
        .areas()
        .into_iter()
        .filter(|(_, p)| p["covered"] == true)
        .map(|(code, _)| code)
        .collect();
    assert_eq!(covered, served.map(String::from).into());
    // With the built-in list, which has no team in the City.
    let dir = tempfile::tempdir().unwrap();
    covgap_at(&dir)
        .args(["plan", "-q", "--add", "1", "--out", "out"])
        .args(["--export-instance", "out/instance.json"])
        .args(&city_inputs)
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("out/instance.json")).unwrap();
    let p = Planned {
        greedy: Vec::new(),
        instance: serde_json::from_str(&text).unwrap(),
    };
    assert_eq!(p.covers("City of London"), served.map(String::from).into());
    assert!(!p
        .candidate_names()
        .iter()
        .any(|n| n.starts_with("City of London 0")));
}

/// Ranked by need, an LSOA takes the deprivation share of the district it lies in, as a small
/// area does: the Swindon candidate newly covers its 132 LSOAs' babies weighted by Swindon's
/// share in `data/deprivation.csv`, and `plan.csv` gives that share beside it. Before, no LSOA
/// had a share, and the plan stopped: "no deprivation figure for 215 district(s)".
#[test]
fn need_weights_areas_lying_in_a_district_by_its_share() {
    let table =
        read_csv(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/deprivation.csv"));
    let col = |name: &str| table[0].iter().position(|h| h == name).unwrap();
    let share: f64 = table[1..]
        .iter()
        .find(|r| r[col("code")] == "E06000030")
        .unwrap()[col("most_deprived_decile_share")]
    .parse()
    .unwrap();
    let babies: u64 = lsoas()
        .values()
        .filter(|(name, _)| name.starts_with("Swindon "))
        .map(|(_, figure)| figure)
        .sum();
    let p = plan("1", &["--rank-by", "need"]);
    let site = &p.greedy[0];
    assert_eq!(site["site"], "Swindon");
    assert_eq!(site["age0_newly_covered"], babies.to_string());
    assert_eq!(
        site["need_weighted_newly_covered"],
        format!("{:.1}", babies as f64 * (1.0 + share))
    );
    assert_eq!(site["most_deprived_decile_share"], format!("{share:.4}"));
}

/// `plan.md` names the demand points by what the areas are: "areas" for LSOAs or HSC trusts
/// as boundaries, "districts" for districts. Before, it called the 215 LSOAs and the 5 trusts
/// "districts", in a plan quoted on its own.
#[test]
fn plan_md_calls_areas_that_are_not_districts_areas() {
    let plan_md = |args: &[String]| {
        let dir = tempfile::tempdir().unwrap();
        covgap_at(&dir)
            .args(["plan", "-q", "--add", "1", "--out", "p"])
            .args(args)
            .assert()
            .success();
        std::fs::read_to_string(dir.path().join("p/plan.md")).unwrap()
    };
    let md = plan_md(&lsoa_inputs());
    assert!(
        md.contains("- **Demand points: areas.** The 215 areas, each at its representative point"),
        "{md}"
    );
    assert!(md.contains("- **Coverage model**: a team covers every area lying in the district it is placed in (or in the districts its list entry names), as in `covgap run`."), "{md}");
    let trusts = [
        "--boundaries".to_string(),
        fixture("boundaries/ni_hsc_trusts_dissolved.geojson"),
    ];
    let md = plan_md(&trusts);
    assert!(
        md.contains("- **Demand points: areas.** The 5 areas, each at its representative point"),
        "{md}"
    );
    assert!(md.contains("- **Coverage model**: a team covers the area it is placed in (or the areas its list entry names)."), "{md}");
    assert!(md.contains("- **Candidate sites**: 2, every area without a team, placed at its representative point."), "{md}");
    // The districts themselves are still districts.
    let md = plan_md(&[]);
    assert!(
        md.contains("- **Demand points: districts.** The 361 districts"),
        "{md}"
    );
}
