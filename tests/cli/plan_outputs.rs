//! `covgap plan`'s outputs agree with each other on which sites a plan holds: sites with no
//! base, plans that place fewer sites than asked for, and `--by` when some geographies are out
//! of every candidate's reach.

use serde_json::Value;

use crate::{fixture, read_csv};

/// `covgap plan <args> --out out` in a fresh folder: its stderr, and the folder (kept alive).
fn plan(args: &[&str]) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let o = crate::covgap_at(&dir)
        .arg("plan")
        .args(args)
        .args(["--out", "out"])
        .timeout(std::time::Duration::from_secs(300))
        .assert()
        .success();
    let said = String::from_utf8_lossy(&o.get_output().stderr).into_owned();
    (said, dir)
}

fn text(dir: &tempfile::TempDir, name: &str) -> String {
    std::fs::read_to_string(dir.path().join("out").join(name)).expect(name)
}

/// plan.csv as rows of named cells.
fn csv_rows(dir: &tempfile::TempDir) -> Vec<std::collections::BTreeMap<String, String>> {
    let rows = read_csv(&dir.path().join("out/plan.csv"));
    let header = rows[0].clone();
    rows[1..]
        .iter()
        .map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

fn features(dir: &tempfile::TempDir) -> Vec<Value> {
    let doc: Value = serde_json::from_str(&text(dir, "plan.geojson")).unwrap();
    doc["features"].as_array().unwrap().clone()
}

/// Candidates given only by the areas they serve have no base: each one chosen is still a
/// feature of plan.geojson (with a null geometry, as teams.geojson gives an unlocated team),
/// and one serving a single district is in that district in plan.csv, with its name and
/// deprivation share; one serving two is in neither (its `newly_covers` lists both).
#[test]
fn plan_sites_with_no_base_are_in_plan_geojson_and_in_their_one_district() {
    let (_, dir) = plan(&[
        "--add",
        "2",
        "--candidates",
        &fixture("plan/candidates_without_a_base_one_district_and_two.csv"),
    ]);
    let rows = csv_rows(&dir);
    let greedy: Vec<_> = rows
        .iter()
        .filter(|r| r["method"] == "greedy" && r["n"] != "0")
        .collect();
    assert_eq!(greedy.len(), 2, "{rows:?}");
    let brum = greedy.iter().find(|r| r["site"] == "Site Brum").unwrap();
    assert_eq!(brum["district_code"], "E08000025");
    assert_eq!(brum["district_name"], "Birmingham");
    let share: f64 = brum["most_deprived_decile_share"].parse().unwrap();
    assert!((0.0..=1.0).contains(&share), "{brum:?}");
    let two = greedy.iter().find(|r| r["site"] == "Site Two").unwrap();
    assert_eq!(two["district_code"], "", "{two:?}");
    assert_eq!(two["district_name"], "", "{two:?}");
    assert_eq!(two["most_deprived_decile_share"], "", "{two:?}");
    assert_eq!(two["newly_covers"], "E06000023;E08000019");

    let f = features(&dir);
    let names: Vec<&str> = f
        .iter()
        .map(|f| f["properties"]["site"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"Site Brum") && names.contains(&"Site Two"));
    for f in &f {
        assert!(f["geometry"].is_null(), "{f}");
        assert_eq!(f["type"], "Feature");
    }
    let brum = f
        .iter()
        .find(|f| f["properties"]["site"] == "Site Brum")
        .unwrap();
    assert_eq!(brum["properties"]["district_code"], "E08000025");
    assert_eq!(
        brum["properties"]["most_deprived_decile_share"].as_f64(),
        Some(share)
    );
    // plan.md names the site with its district, as it does a located one.
    assert!(text(&dir, "plan.md").contains("| Site Brum (E08000025) |"));
}
