//! Teams serving only areas outside the boundaries given: the built-in list run on Wales's
//! districts keeps 2 of its 46 teams, but an area's nearest team can be one of the other 44.
//! Every team output lists them too, marked `outside_boundaries`, so that every nearest team
//! an output names can be found there. Before, `teams.geojson` and the GeoPackage's `teams`
//! layer held the 2 teams kept, and Cardiff's nearest team, OXPIP, was in neither.

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::OnceLock;

use rusqlite::Connection;
use serde_json::Value;

use crate::{covgap, covgap_in, default_run, features, fixture, Outcome};

/// A run on Wales's 22 districts with the built-in teams, kept in its folder (for `diff` and
/// GDAL), made once and shared.
fn wales() -> &'static (tempfile::TempDir, Outcome) {
    static RUN: OnceLock<(tempfile::TempDir, Outcome)> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let wales = fixture("boundaries/wales_districts.geojson");
        let run = covgap_in(
            dir.path(),
            &["run", "--boundaries", &wales, "--out", "out"],
            Some("out"),
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        (dir, run)
    })
}

/// The nearest teams `areas.geojson` and `gaps.csv` name.
fn nearest_teams(run: &Outcome) -> BTreeSet<String> {
    let mut named: BTreeSet<String> = run
        .areas()
        .values()
        .filter_map(|a| a["nearest_team"].as_str().map(String::from))
        .collect();
    let gaps = crate::read_csv_text(&run.text("gaps.csv"));
    let col = gaps[0].iter().position(|h| h == "nearest_team").unwrap();
    named.extend(
        gaps[1..]
            .iter()
            .map(|r| r[col].clone())
            .filter(|t| !t.is_empty()),
    );
    named
}

fn gpkg_count(run_dir: &std::path::Path, sql: &str) -> i64 {
    let db = Connection::open(run_dir.join("covgap.gpkg")).unwrap();
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn every_nearest_team_on_part_of_the_uk_is_in_the_team_outputs() {
    let (dir, run) = wales();
    let teams = run.teams();
    let named = nearest_teams(run);
    assert!(
        named.contains("OXPIP (Oxford Parent Infant Project)"),
        "{named:?}"
    );
    for name in &named {
        let t = teams
            .get(name)
            .unwrap_or_else(|| panic!("nearest team {name:?} is not in teams.geojson"));
        let p = &t["properties"];
        // None of the 2 teams kept counts: every nearest team is one serving only areas
        // outside, and counted, since only those are measured to.
        assert_eq!(p["outside_boundaries"], true, "{name}");
        assert_eq!(p["counted"], true, "{name}");
        assert_eq!(p["covers"], "", "{name}");
        assert_eq!(p["host_area_code"], Value::Null, "{name}");
    }
    // Every row of the list: the 2 kept, and the 44 outside, marked.
    let s = run.summary();
    assert_eq!(
        (
            s["teams_in_list"].as_u64(),
            s["teams_beyond_boundaries"].as_u64()
        ),
        (Some(46), Some(44))
    );
    assert_eq!(teams.len(), 46);
    let outside = teams
        .values()
        .filter(|f| f["properties"]["outside_boundaries"] == true)
        .count();
    assert_eq!(outside, 44);
    // The counts quoted stay those of the teams covering areas given.
    assert_eq!(s["teams_counted"], 0);
    assert!(run
        .text("summary.md")
        .contains("- Teams counted: 0 of the 46 in the list"));
    // OXPIP, as the whole UK gives it but covering none of Wales: its districts as served,
    // its base as a point.
    let oxpip = &teams["OXPIP (Oxford Parent Infant Project)"];
    assert_eq!(
        oxpip["properties"]["areas_served"],
        "E07000177;E07000178;E07000179;E07000180;E07000181"
    );
    assert_eq!(oxpip["properties"]["base"], "OX5");
    assert_eq!(oxpip["geometry"]["type"], "Point");
    // The GeoPackage's teams layer holds the same teams, marked the same.
    let out = dir.path().join("out");
    assert_eq!(gpkg_count(&out, "SELECT count(*) FROM teams"), 46);
    assert_eq!(
        gpkg_count(&out, "SELECT count(*) FROM teams WHERE outside_boundaries"),
        44
    );
    for name in &named {
        let db = Connection::open(out.join("covgap.gpkg")).unwrap();
        let n: i64 = db
            .query_row(
                "SELECT count(*) FROM teams WHERE name = ?1 AND outside_boundaries AND counted",
                [name],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "{name} in the GeoPackage's teams layer");
    }
    // summary.md points to them.
    assert!(run
        .text("summary.md")
        .contains("(in `teams.geojson` with `outside_boundaries` true)"));
}

/// The style tells teams outside the boundaries apart, by a rule on the new property, in the
/// `.qml` file and the GeoPackage's default style alike; the map draws those whose base lies
/// within it, and its legend says what they are.
#[test]
fn teams_outside_are_styled_and_drawn_apart() {
    let (_, run) = wales();
    let qml = run.text("teams.qml");
    assert!(
        qml.contains("filter=\"&quot;counted&quot; AND &quot;outside_boundaries&quot;\""),
        "{qml}"
    );
    assert!(
        qml.contains("filter=\"&quot;counted&quot; AND NOT &quot;outside_boundaries&quot;\""),
        "{qml}"
    );
    assert!(qml.contains("value=\"diamond\""), "{qml}");
    let svg = run.text("map.svg");
    assert!(svg.contains("Serving only areas outside these:"), "legend");
    // LivPIP's base, in Liverpool, lies within Wales's extent on the map; OXPIP's does not.
    assert!(
        svg.contains(
            "<title>LivPIP (Liverpool Parent Infant Partnership) (serves only areas outside these)</title>"
        ),
        "LivPIP drawn"
    );
    assert!(!svg.contains("<title>OXPIP"), "OXPIP lies off the map");
    resvg::usvg::Tree::from_str(&svg, &Default::default()).unwrap();
}

/// The whole UK given: no team lies outside, and the team outputs are as before, with the
/// property false everywhere.
#[test]
fn on_the_whole_uk_no_team_is_outside_the_boundaries() {
    let run = default_run();
    let s = run.summary();
    assert_eq!(s["teams_beyond_boundaries"], 0);
    let teams = features(&run.json("teams.geojson"));
    assert_eq!(Some(teams.len() as u64), s["teams_in_list"].as_u64());
    for f in &teams {
        assert_eq!(f["properties"]["outside_boundaries"], false, "{f}");
    }
    // Every nearest team is among them too.
    let names: BTreeSet<String> = run.teams().into_keys().collect();
    for name in nearest_teams(run) {
        assert!(names.contains(&name), "{name}");
    }
    // The style and the map have nothing to say of teams outside.
    assert!(!run.text("teams.qml").contains("outside_boundaries"));
    assert!(!run.text("map.svg").contains("outside these"));
}

/// GDAL reads the property, as QGIS will, from the GeoJSON and the GeoPackage alike.
#[test]
fn gdal_reads_the_teams_outside() {
    if Command::new("ogrinfo").arg("--version").output().is_err() {
        eprintln!("note: ogrinfo (gdal-bin) is not installed; skipping the GDAL check");
        return;
    }
    let (dir, _) = wales();
    let out = dir.path().join("out");
    for (file, layer) in [("teams.geojson", "teams"), ("covgap.gpkg", "teams")] {
        let o = Command::new("ogrinfo")
            .args(["-ro", "-q", "-where", "outside_boundaries = 1"])
            .arg(out.join(file))
            .arg(layer)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(
            stdout.matches("OGRFeature(teams)").count(),
            44,
            "{file}: {stdout}"
        );
        assert!(
            stdout.contains("outside_boundaries (Integer(Boolean)) = 1"),
            "{file}: {stdout}"
        );
    }
}

/// `covgap diff`: a run on Wales against itself changes nothing; against a run on the whole
/// UK, the teams outside Wales are changed (outside the boundaries given), not removed; and
/// against the outputs of a covgap that left them out of `teams.geojson`, they are left out
/// of the comparison rather than added.
#[test]
fn diff_compares_teams_outside_the_boundaries() {
    let (dir, _) = wales();
    let wales = dir.path().join("out");
    let diff = |old: &std::path::Path, new: &std::path::Path| {
        let o = covgap().arg("diff").arg(old).arg(new).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let md = diff(&wales, &wales);
    assert!(md.contains("Nothing changed."), "{md}");
    assert!(!md.contains("left out of the team comparison"), "{md}");

    let uk = tempfile::tempdir().unwrap();
    covgap()
        .args(["run", "-q", "--out"])
        .arg(uk.path())
        .assert()
        .success();
    let md = diff(uk.path(), &wales);
    assert!(md.contains("## Teams removed (0)"), "{md}");
    assert!(md.contains("## Teams added (0)"), "{md}");
    assert!(md.contains("## Teams changed (44)"), "{md}");
    assert!(
        md.contains("- OXPIP (Oxford Parent Infant Project): serves areas given → serves only areas outside the boundaries given; covers E07000177;E07000178;E07000179;E07000180;E07000181 → no area"),
        "{md}"
    );

    // The same run as a covgap from before wrote it: teams.geojson without the teams
    // outside, nor the property.
    let older = tempfile::tempdir().unwrap();
    for f in ["summary.json", "areas.geojson", "run.json"] {
        std::fs::copy(wales.join(f), older.path().join(f)).unwrap();
    }
    let mut doc: Value =
        serde_json::from_slice(&std::fs::read(wales.join("teams.geojson")).unwrap()).unwrap();
    let kept: Vec<Value> = features(&doc)
        .into_iter()
        .filter(|f| f["properties"]["outside_boundaries"] == false)
        .map(|mut f| {
            f["properties"]
                .as_object_mut()
                .unwrap()
                .remove("outside_boundaries");
            f
        })
        .collect();
    assert_eq!(kept.len(), 2);
    doc["features"] = Value::Array(kept);
    std::fs::write(
        older.path().join("teams.geojson"),
        serde_json::to_vec(&doc).unwrap(),
    )
    .unwrap();
    for (old, new) in [
        (older.path(), wales.as_path()),
        (wales.as_path(), older.path()),
    ] {
        let md = diff(old, new);
        assert!(md.contains("Teams serving only areas outside the boundaries given are left out of the team comparison"), "{md}");
        assert!(md.contains("Nothing changed."), "{md}");
        assert!(!md.contains("Teams with no base are left out"), "{md}");
    }
}

/// A run from before teams outside were listed, over boundaries holding a team that is outside
/// another run's (the whole UK against Wales): each such team is in both lists, so it is a team
/// changed, not removed (Together for Baby, given no place, had read as removed so).
#[test]
fn diff_against_an_older_run_listing_the_team_compares_it() {
    let (dir, _) = wales();
    let wales = dir.path().join("out");
    let uk = tempfile::tempdir().unwrap();
    covgap()
        .args(["run", "-q", "--out"])
        .arg(uk.path())
        .assert()
        .success();
    let text = std::fs::read_to_string(uk.path().join("teams.geojson")).unwrap();
    assert!(text.contains("\"outside_boundaries\":false"));
    let older = text.replace("\"outside_boundaries\":false,", "");
    assert!(!older.contains("outside_boundaries"));
    std::fs::write(uk.path().join("teams.geojson"), older).unwrap();
    let o = covgap()
        .arg("diff")
        .arg(uk.path())
        .arg(&wales)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = String::from_utf8(o.stdout).unwrap();
    assert!(md.contains("## Teams removed (0)"), "{md}");
    assert!(md.contains("## Teams changed (44)"), "{md}");
    assert!(md.contains("- Together for Baby: serves areas given → serves only areas outside the boundaries given"), "{md}");
}

/// A team kept for the areas given that also serves a district outside them: Tameside and
/// Glossop on the North West's districts covers Tameside, and its `areas_served` still names
/// High Peak (East Midlands), in the GeoJSON and the GeoPackage. Before, it gave Tameside
/// alone, as though the list said no more.
#[test]
fn a_team_kept_lists_the_districts_it_serves_outside_too() {
    let dir = tempfile::tempdir().unwrap();
    let nw = fixture("boundaries/north_west_dec2022.geojson");
    let run = covgap_in(
        dir.path(),
        &["run", "-q", "--boundaries", &nw, "--out", "out"],
        Some("out"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let teams = run.teams();
    let p = &teams["Tameside and Glossop Early Attachment Service (EAS)"]["properties"];
    assert_eq!(p["outside_boundaries"], false);
    assert_eq!(p["covers"], "E08000008");
    assert_eq!(p["areas_served"], "E08000008;E07000037");
    assert_eq!(
        gpkg_count(
            &dir.path().join("out"),
            "SELECT count(*) FROM teams WHERE areas_served = 'E08000008;E07000037'"
        ),
        1
    );
}

/// `check` counts the teams as summary.md does, of the whole list: on Oxfordshire's districts
/// it said "3 teams (1 counted)", which read as 43 of the 46 lost from the list.
#[test]
fn check_counts_the_teams_of_the_whole_list_and_says_how_many_are_outside() {
    let oxon = fixture("boundaries/oxfordshire_wgs84.geojson");
    let c = crate::check(&["--boundaries", &oxon]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    c.assert_stderr_has(&[
        "covgap check: 5 areas, 46 teams in the list (1 counted; 43 serve only areas outside the boundaries given or not known to be in them); 0 errors",
    ]);
}
