//! `covgap plan --small-areas`: small areas as the demand points, checked on the hand-drawn
//! squares of tests/fixtures/small_areas (see tests/cli/small_areas.rs for the layout).
//!
//! Demand: the seven small areas with a figure, 125 babies. Team One names Alpha, so covers
//! E01000001 (10) under any model. The default candidates are the other three districts, at
//! their representative points (British National Grid, km):
//! - Beta at its weighted centroid (429.722, 305.389): E01000003 (30) 4.89 km away,
//!   E01000004 (40) 9.69 km, E01000002 (20) 17.24 km, E01000008 (10) 22.15 km;
//! - Gamma at E01000005's centre (515.5, 305.5): E01000005 (5) only, within 77 km;
//! - Delta at its interior point (415, 322.5), its centroid being in its notch: E01000007 and
//!   E01000008 (10 each) 14.40 km away, E01000002 18.17 km.
//!
//! So at 10 km Beta newly covers 70 babies, not the 90 of its three small areas; at 15 km
//! Delta adds 20; without a radius a small area is covered with its district.

use covgap::plan::exact::{max_cover, Limits};
use covgap::plan::greedy::{greedy, interchange};
use covgap::plan::instance::{DemandKind, Instance, MaxCover};

use crate::{covgap_at, fixture_path, read_csv};

fn f(name: &str) -> String {
    fixture_path(&format!("small_areas/{name}"))
        .display()
        .to_string()
}

/// `covgap plan` on the squares with small areas, in `dir`, with `extra` flags.
fn plan(dir: &tempfile::TempDir, teams: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut c = covgap_at(dir);
    c.args(["plan", "--out", "out", "-q", "--boundaries"])
        .arg(f("districts_bng.geojson"))
        .arg("--births")
        .arg(f("births.csv"))
        .arg("--teams")
        .arg(f(teams))
        .arg("--small-areas")
        .arg(format!(
            "{},{}",
            f("small_areas_a.geojson"),
            f("small_areas_b.geojson")
        ))
        .arg("--small-area-figures")
        .arg(format!("{},{}", f("figures_a.csv"), f("figures_b.csv")))
        .args(extra);
    c.assert()
}

/// plan.csv's rows for `method` as maps from column to value.
fn curve(dir: &tempfile::TempDir, method: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let rows = read_csv(&dir.path().join("out/plan.csv"));
    let h = rows[0].clone();
    rows[1..]
        .iter()
        .filter(|r| r[0] == method)
        .map(|r| h.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

fn text(dir: &tempfile::TempDir, name: &str) -> String {
    std::fs::read_to_string(dir.path().join(name)).expect(name)
}

#[test]
fn radius_covers_small_areas_by_distance_not_by_district() {
    let dir = tempfile::tempdir().unwrap();
    plan(
        &dir,
        "teams.csv",
        &[
            "--add",
            "1",
            "--radius",
            "10",
            "--export-instance",
            "inst.json",
        ],
    )
    .success();
    for method in ["greedy", "greedy_swap", "exact"] {
        let c = curve(&dir, method);
        assert_eq!(c[0]["cumulative_babies_covered"], "10", "{method}");
        assert_eq!(c[1]["site"], "Beta");
        // E01000003 and E01000004; E01000002 is in Beta but 17.2 km from its point.
        assert_eq!(c[1]["babies_newly_covered"], "70");
        assert_eq!(c[1]["newly_covered_small_areas"], "2");
        assert_eq!(c[1]["newly_covers"], "E06000002");
        assert_eq!(c[1]["cumulative_babies_covered"], "80");
        assert_eq!(c[1]["cumulative_percent_of_total"], "64.0");
    }
    let md = text(&dir, "out/plan.md");
    for part in [
        "Figure: the small-area figures",
        "figures_a.csv (column \"age_0\")",
        "125 babies in all",
        "**Demand points: small areas.** The 7 small areas with a figure",
        "a team covers every small area whose representative point lies within 10 km",
        "**Existing teams** cover 10 of 125 babies (8.0%)",
    ] {
        assert!(md.contains(part), "plan.md lacks {part:?}:\n{md}");
    }
    assert!(text(&dir, "out/summary.md").contains("**Demand points: small areas.**"));
    let geo: serde_json::Value = serde_json::from_str(&text(&dir, "out/plan.geojson")).unwrap();
    assert_eq!(geo["covgap"]["demand_points"], "small_areas");
    assert_eq!(geo["covgap"]["babies_total"], 125);
    let beta = &geo["features"][0]["properties"];
    assert_eq!(beta["covers_small_areas"], 2);
    assert_eq!(beta["greedy_babies_newly_covered"], 70);

    // The exported instance: small areas, coverage that follows from the coordinates, and
    // covgap's answers equal to a re-solve of the unmerged problem.
    let bytes = std::fs::read(dir.path().join("inst.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(doc["format"], "covgap-plan-instance/2");
    assert_eq!(doc["demand_points"], "small_areas");
    assert_eq!(doc["demand"].as_array().unwrap().len(), 7);
    assert_eq!(doc["demand"][1]["code"], "E01000002");
    assert_eq!(doc["demand"][1]["district"], "E06000002");
    crate::plan::covers_follow_from_coordinates(&doc);
    let inst = Instance::from_json(&bytes, "inst.json").unwrap();
    assert_eq!(inst.demand_kind, DemandKind::SmallAreas);
    let fixed = inst.covered_by_fixed();
    let raw = MaxCover {
        weights: inst
            .demand
            .iter()
            .zip(&fixed)
            .map(|(d, f)| if *f { 0.0 } else { d.weight })
            .collect(),
        sets: inst.candidates.iter().map(|c| c.covers.clone()).collect(),
    };
    let g = greedy(&raw, 1);
    let sol = &doc["solutions"];
    assert_eq!(g.value, sol["greedy"]["value"].as_f64().unwrap());
    assert_eq!(
        interchange(&raw, &g.sites).value,
        sol["greedy_swap"]["value"].as_f64().unwrap()
    );
    let e = max_cover(&raw, 1, &[], &Limits::default());
    assert_eq!(e.value, sol["exact"]["value"].as_f64().unwrap());
    assert_eq!(
        serde_json::json!(e.sites),
        sol["exact"]["sites"],
        "the merged problem's exact plan is the unmerged one's"
    );
}

#[test]
fn delta_reaches_only_the_small_area_in_the_arm_holding_its_point() {
    // Delta's weighted centroid (415, 327.5) is in its notch, so it keeps its representative
    // point: the scan line is y = 327.5 (midway between the notch floor at 325 and the top at
    // 330), crossing the two 5 km arms; the first, left, arm gives (402.5, 327.5). From there
    // E01000007 (401.5, 327.5) is 1 km away and E01000008 (428.5, 327.5), in the right arm,
    // 26 km: at 15 km Delta adds 10 babies, and Beta (70) then Delta (10) beat Beta then
    // Gamma (5).
    let dir = tempfile::tempdir().unwrap();
    plan(&dir, "teams.csv", &["--add", "2", "--radius", "15"]).success();
    let c = curve(&dir, "exact");
    let sites: Vec<&str> = c[1..].iter().map(|r| r["site"].as_str()).collect();
    assert_eq!(sites, ["Beta", "Delta (U-shaped)"]);
    assert_eq!(c[2]["babies_newly_covered"], "10");
    assert_eq!(c[2]["newly_covered_small_areas"], "1");
    assert_eq!(c[2]["cumulative_babies_covered"], "90");
    // At 26 km Delta's point reaches the right arm's small area too.
    let dir = tempfile::tempdir().unwrap();
    plan(&dir, "teams.csv", &["--add", "3", "--radius", "26"]).success();
    let delta = curve(&dir, "greedy")
        .into_iter()
        .find(|r| r["site"] == "Delta (U-shaped)")
        .expect("Delta chosen");
    assert_eq!(
        delta["newly_covered_small_areas"], "1",
        "E01000007 only: Beta's point reaches E01000008 first"
    );
}

#[test]
fn without_a_radius_small_areas_are_covered_with_their_district() {
    let dir = tempfile::tempdir().unwrap();
    plan(&dir, "teams.csv", &["--add", "3"]).success();
    let c = curve(&dir, "greedy");
    let got: Vec<(&str, &str)> = c[1..]
        .iter()
        .map(|r| {
            (
                r["district_code"].as_str(),
                r["babies_newly_covered"].as_str(),
            )
        })
        .collect();
    // All of each district's small areas, whatever their distance: 90, 20 and 5.
    assert_eq!(
        got,
        [("E06000002", "90"), ("E06000004", "20"), ("E06000003", "5")]
    );
    // Every baby in the small areas is covered once every district has a team: the plan's
    // total is the small-area figures' (125), not the district births (430).
    assert_eq!(c[3]["cumulative_babies_covered"], "125");
    assert_eq!(c[3]["cumulative_percent_of_total"], "100.0");
    let md = text(&dir, "out/plan.md");
    assert!(md.contains("a team covers every small area in the district it is placed in"));
    assert!(
        md.contains("not of the district figures (live births)"),
        "{md}"
    );
}

#[test]
fn a_team_placed_by_coordinates_covers_only_the_small_areas_within_reach() {
    // Corner Team is based at (400.5, 300.5) km in Alpha and names no district: under a
    // radius it covers E01000001 (10) only when 2.83 km is within reach; Alpha has a team,
    // so it is no candidate either way.
    let covered = |radius: Option<&str>| {
        let dir = tempfile::tempdir().unwrap();
        let mut extra = vec!["--add", "1"];
        if let Some(r) = radius {
            extra.extend(["--radius", r]);
        }
        plan(&dir, "team_base_in_alpha_corner.csv", &extra).success();
        let c = curve(&dir, "greedy");
        assert!(c.iter().all(|r| r["district_code"] != "E06000001"));
        c[0]["cumulative_babies_covered"].clone()
    };
    assert_eq!(covered(Some("2.8")), "0");
    assert_eq!(covered(Some("2.9")), "10");
    assert_eq!(covered(None), "10");
}

#[test]
fn by_icb_judges_an_icb_by_its_small_areas() {
    // The fixture districts' real codes put all four in one ICB. Team One names Alpha, so
    // the ICB has a team; Corner Team reaches no small area within 2.8 km, so under that
    // radius it has none. Two candidates reach a small area within 2.8 km: Gamma (its point
    // is E01000005's centre) and Delta (its point is 1 km from E01000007); Beta's point is
    // 4.9 km from its nearest. Either alone gives the ICB a team.
    let dir = tempfile::tempdir().unwrap();
    plan(&dir, "teams.csv", &["--by", "icb", "--radius", "2.8"]).success();
    assert!(text(&dir, "out/plan.md").contains("0 of 1 have no team"));
    let dir = tempfile::tempdir().unwrap();
    plan(
        &dir,
        "team_base_in_alpha_corner.csv",
        &["--by", "icb", "--radius", "2.8"],
    )
    .success();
    let rows = read_csv(&dir.path().join("out/plan_geographies.csv"));
    assert_eq!(rows[0][4], "babies");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!((rows[1][3].as_str(), rows[1][4].as_str()), ("4", "125"));
    assert!(
        ["Gamma", "Delta (U-shaped)"].contains(&rows[1][5].as_str()),
        "{rows:?}"
    );
    assert!(text(&dir, "out/plan.md").contains("holds a small area it covers"));
}

#[test]
fn small_areas_geojson_is_written_by_plan_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    plan(&dir, "teams.csv", &["--add", "1"]).success();
    assert!(dir.path().join("out/plan.csv").exists());
    assert!(!dir.path().join("out/small_areas.geojson").exists());
    let dir = tempfile::tempdir().unwrap();
    plan(&dir, "teams.csv", &["--add", "1", "--small-areas-geojson"]).success();
    let sa: serde_json::Value =
        serde_json::from_str(&text(&dir, "out/small_areas.geojson")).unwrap();
    // The eight squares of small_areas_a and _b, each with its district.
    let feats = sa["features"].as_array().unwrap();
    assert_eq!(feats.len(), 8);
    assert!(feats
        .iter()
        .all(|f| f["properties"]["district_code"].is_string()));
}

#[test]
fn small_area_flags_need_each_other_in_plan_too() {
    let dir = tempfile::tempdir().unwrap();
    covgap_at(&dir)
        .args(["plan", "--add", "1", "--small-area-figures"])
        .arg(f("figures_a.csv"))
        .assert()
        .code(2);
}

mod properties {
    use covgap::plan::instance::Model;
    use covgap::plan::{self, Options};
    use proptest::prelude::*;

    use crate::small_areas::{squares_study, tiny_squares};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Whatever the small areas, radius and N: the baseline total is the small-area
        /// figures' total; each curve's babies newly covered plus those covered before it add
        /// up to its last cumulative figure and never exceed the total; and a radius spanning
        /// every square covers every baby with one new site.
        #[test]
        fn newly_covered_plus_baseline_never_exceeds_the_total(
            pts in prop::collection::vec((395_000.0f64..525_000.0, 295_000.0f64..335_000.0, prop::option::weighted(0.9, 0u64..500)), 1..40),
            km in 0.5f64..60.0,
            add in 1usize..4,
        ) {
            let a = covgap::analyse_with_small_areas(squares_study(), tiny_squares(&pts));
            // Squares more than 2 km outside every district are left out of every figure.
            let total: u64 = a.small_areas.as_ref().unwrap().areas.iter().filter(|x| x.district.is_some()).filter_map(|x| x.figure).sum();
            for (model, add) in [(Model::Radius(km), add), (Model::District, add), (Model::Radius(1000.0), 1)] {
                let p = plan::plan(&a.study, a.small_areas.as_ref(), &[], None, None, &Options { add, model, ..Options::default() }).unwrap();
                let b = p.baseline;
                prop_assert_eq!(b.total, total);
                prop_assert!(b.existing <= b.with_what_if && b.with_what_if <= b.total);
                for steps in [p.greedy_steps(), p.swapped_steps(), p.exact_steps()] {
                    let newly: u64 = steps.iter().map(|s| s.babies_new).sum();
                    prop_assert!(b.with_what_if + newly <= b.total);
                    if let Some(last) = steps.last() {
                        prop_assert_eq!(last.babies_cumulative, b.with_what_if + newly);
                    }
                }
                if model == Model::Radius(1000.0) {
                    let last = p.exact_steps().last().map_or(b.with_what_if, |s| s.babies_cumulative);
                    prop_assert_eq!(last, b.total, "a 1,000 km radius leaves babies uncovered");
                    prop_assert_eq!(p.greedy_steps().last().map_or(b.with_what_if, |s| s.babies_cumulative), b.total);
                }
            }
        }
    }
}
