//! The files `covgap run` writes: RFC 7946 GeoJSON that parses back, Excel-friendly CSV,
//! summaries whose figures add up, byte-identical reruns and atomic replacement.

use std::str::FromStr;

use serde_json::Value;

use crate::{covgap_in, default_run, features, fixture, nations, run_ok, u, Outcome, OUTPUTS};

/// Twice the signed area of a ring (positive when counter-clockwise).
fn signed_area(ring: &[Value]) -> f64 {
    let pts: Vec<(f64, f64)> = ring
        .iter()
        .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
        .collect();
    pts.windows(2)
        .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
        .sum()
}

fn decimals(x: f64) -> usize {
    let s = format!("{x}");
    s.split_once('.').map_or(0, |(_, d)| d.len())
}

/// Checks RFC 7946 rules on every geometry: positions of at most 6 decimals in WGS84 range,
/// closed rings, exterior rings counter-clockwise and holes clockwise. Returns the number
/// of holes seen.
fn check_rfc7946(doc: &Value, what: &str) -> usize {
    assert!(doc.get("crs").is_none(), "{what} has a crs member");
    let mut holes = 0;
    let check_pos = |p: &Value| {
        let a = p.as_array().expect("position");
        assert_eq!(a.len(), 2, "{what}: position {p}");
        for v in a {
            let x = v.as_f64().expect("number");
            assert!(decimals(x) <= 6, "{what}: {x} has more than 6 decimals");
        }
        let (lon, lat) = (a[0].as_f64().unwrap(), a[1].as_f64().unwrap());
        assert!((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
    };
    for f in features(doc) {
        let g = &f["geometry"];
        let code = &f["properties"]["code"];
        if g.is_null() {
            // An unlocated feature (RFC 7946 section 3.2): only a team with no base.
            assert_eq!(what, "teams.geojson", "{code}: null geometry");
            assert!(f["properties"]["base"].is_null(), "{f}");
            continue;
        }
        match g["type"].as_str().unwrap() {
            "Point" => check_pos(&g["coordinates"]),
            "MultiPolygon" => {
                for poly in g["coordinates"].as_array().unwrap() {
                    for (i, ring) in poly.as_array().unwrap().iter().enumerate() {
                        let ring = ring.as_array().unwrap();
                        assert!(ring.len() >= 4, "{what} {code}: short ring");
                        assert_eq!(ring.first(), ring.last(), "{what} {code}: open ring");
                        ring.iter().for_each(check_pos);
                        let a = signed_area(ring);
                        if i == 0 {
                            assert!(a > 0.0, "{what} {code}: exterior ring is clockwise");
                        } else {
                            holes += 1;
                            assert!(a < 0.0, "{what} {code}: hole is counter-clockwise");
                        }
                    }
                }
            }
            other => panic!("{what} {code}: unexpected geometry {other}"),
        }
    }
    holes
}

const AREA_PROPERTIES: &[&str] = &[
    "code",
    "name",
    "nation",
    "covered",
    "teams",
    "nearest_team",
    "nearest_team_km",
    "gap_rank",
];

#[test]
fn areas_geojson_parses_back_and_keeps_rfc7946_rules() {
    let run = default_run();
    let bytes = run.bytes("areas.geojson");
    let text = std::str::from_utf8(bytes).unwrap();
    let gj = geojson::GeoJson::from_str(text).expect("geojson crate parses areas.geojson");
    let fc = geojson::FeatureCollection::try_from(gj).expect("a FeatureCollection");
    assert_eq!(fc.features.len(), 361);
    for f in &fc.features {
        let g = f.geometry.as_ref().expect("geometry");
        assert_eq!(g.value.type_name(), "MultiPolygon");
    }
    let doc = run.json("areas.geojson");
    assert_eq!(doc["type"], "FeatureCollection");
    let holes = check_rfc7946(&doc, "areas.geojson");
    assert!(holes > 0, "the built-in districts have at least one hole");
    for f in features(&doc) {
        let p = f["properties"].as_object().unwrap();
        for k in AREA_PROPERTIES.iter().chain(&["births"]) {
            assert!(p.contains_key(*k), "{k} missing from {:?}", p.keys());
        }
        assert!(!p.contains_key("age0"));
    }
}

#[test]
fn teams_geojson_parses_back_and_keeps_rfc7946_rules() {
    let run = default_run();
    let text = std::str::from_utf8(run.bytes("teams.geojson")).unwrap();
    let gj = geojson::GeoJson::from_str(text).expect("geojson crate parses teams.geojson");
    let fc = geojson::FeatureCollection::try_from(gj).unwrap();
    assert!(fc.features.len() >= 40, "{}", fc.features.len());
    let doc = run.json("teams.geojson");
    check_rfc7946(&doc, "teams.geojson");
    for f in features(&doc) {
        let p = &f["properties"];
        for k in [
            "name",
            "evidence",
            "areas_served",
            "host_area_code",
            "counted",
        ] {
            assert!(p.get(k).is_some(), "{k} missing: {p}");
        }
        // Every located built-in team is inside the UK's districts.
        assert_eq!(
            p["host_area_code"].is_string(),
            !f["geometry"].is_null(),
            "{p}"
        );
    }
    // The whole list is there: the two teams the built-in list gives no place for are
    // unlocated features, as they are rows with no geometry in the GeoPackage.
    let unlocated: Vec<String> = features(&doc)
        .into_iter()
        .filter(|f| f["geometry"].is_null())
        .map(|f| f["properties"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(unlocated.len(), 2, "{unlocated:?}");
    assert!(unlocated.iter().any(|n| n == "EPIP"), "{unlocated:?}");
    assert_eq!(fc.features.len(), 46);
}

#[test]
fn age0_measure_names_the_property_for_the_figure() {
    let run = run_ok(&[
        "--measure",
        "age0",
        "--boundaries",
        &fixture("boundaries/oxfordshire_wgs84.geojson"),
        "--teams",
        &fixture("teams/no_evidence_column.csv"),
    ]);
    let areas = run.areas();
    assert_eq!(u(&areas["E07000178"]["age0"]), 1418);
    assert!(areas["E07000178"].get("births").is_none());
    assert!(run.text("gaps.csv").contains(",age0,"));
    assert!(run.text("summary.md").contains("population aged 0"));
}

#[test]
fn wrongly_wound_rings_are_turned_round() {
    let run = run_ok(&[
        "--boundaries",
        &fixture("boundaries/bng_squares_wrong_winding.geojson"),
        "--teams",
        &fixture("teams/base_1km_outside.csv"),
    ]);
    let doc = run.json("areas.geojson");
    assert_eq!(check_rfc7946(&doc, "areas.geojson"), 1);
}

#[test]
fn gaps_csv_opens_cleanly_in_excel() {
    let bytes = default_run().bytes("gaps.csv");
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "no UTF-8 byte-order mark"
    );
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.starts_with("rank,code,name,nation,region,births,nearest_team,nearest_team_km,"));
    assert!(text.ends_with("\r\n"));
    let lf = text.matches('\n').count();
    let crlf = text.matches("\r\n").count();
    assert_eq!(lf, crlf, "bare LF line ends");
    let gaps = 361 - u(&default_run().summary()["areas_covered"]) as usize;
    assert_eq!(crlf, gaps + 1);
    let rollups = default_run().bytes("rollups.csv");
    assert!(rollups.starts_with(b"\xEF\xBB\xBFlevel,code,name,areas_total,areas_covered,births_total,births_covered,percent_covered,period\r\n"));
}

#[test]
fn summary_json_has_the_headline_and_nations_add_up() {
    let s = default_run().summary();
    for k in [
        "areas_total",
        "areas_covered",
        "measure",
        "demand_total",
        "demand_covered",
        "teams_counted",
        "period",
        "nations",
    ] {
        assert!(s.get(k).is_some(), "summary.json lacks {k}");
    }
    let n = nations(&s);
    assert_eq!(n.len(), 4);
    for k in [
        "areas_total",
        "areas_covered",
        "demand_total",
        "demand_covered",
    ] {
        let sum: u64 = n.values().map(|v| u(&v[k])).sum();
        assert_eq!(sum, u(&s[k]), "nations' {k} do not add up to the UK");
    }
    assert_eq!(s["period"], "1 July 2019 to 30 June 2020");
    let teams = default_run().teams();
    let counted = teams
        .values()
        .filter(|f| f["properties"]["counted"] == true)
        .count() as u64;
    assert_eq!(u(&s["teams_counted"]), counted);
}

#[test]
fn summary_md_has_the_headline_and_the_period() {
    let run = default_run();
    let md = run.text("summary.md");
    let s = run.summary();
    assert!(md.contains(&format!(
        "**{} of {} areas**",
        s["areas_covered"], s["areas_total"]
    )));
    assert!(
        md.contains("of 700,691) are in an area with a team"),
        "{md}"
    );
    assert!(md.contains("1 July 2019 to 30 June 2020"));
    assert!(md.contains("| England | 296 |"));
    assert!(md.contains("## The 20 largest gaps"));
    assert!(md.contains("| 1 | Birmingham | E08000025 | England | 15,208 |"));
    assert!(md.contains("not the Parent-Infant Foundation's own list"));
}

#[test]
fn two_runs_give_byte_identical_files() {
    let again = run_ok(&[]);
    let (a, b) = (
        default_run().files.as_ref().unwrap(),
        again.files.as_ref().unwrap(),
    );
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in a {
        assert!(bytes == &b[name], "{name} differs between runs");
    }
}

#[test]
fn writes_exactly_the_listed_files() {
    let names: Vec<&String> = default_run().files.as_ref().unwrap().keys().collect();
    let mut want: Vec<&str> = OUTPUTS.to_vec();
    want.sort();
    assert_eq!(names, want);
}

fn run_into(dir: &std::path::Path, args: &[&str]) -> Outcome {
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", "out"]);
    let o = covgap_in(dir, &all, Some("out"));
    assert_eq!(o.code, 0, "{}", o.stderr);
    o
}

#[test]
fn run_into_an_existing_folder_replaces_files_and_leaves_no_temporaries() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("areas.geojson"), "stale").unwrap();
    std::fs::write(out.join("my notes.txt"), "mine").unwrap();
    let args = [
        "--boundaries",
        &fixture("boundaries/oxfordshire_wgs84.geojson"),
        "--teams",
        &fixture("teams/no_evidence_column.csv"),
    ];
    let first = run_into(dir.path(), &args);
    let files = first.files.as_ref().unwrap();
    let mut want: Vec<&str> = OUTPUTS.iter().copied().chain(["my notes.txt"]).collect();
    want.sort();
    assert_eq!(files.keys().collect::<Vec<_>>(), want);
    assert_ne!(files["areas.geojson"], b"stale");
    assert_eq!(files["my notes.txt"], b"mine");
    // A second run over the first gives the same bytes, still with nothing else left.
    let second = run_into(dir.path(), &args);
    assert_eq!(first.files, second.files);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(out.join("summary.md"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o644, 0o644, "outputs should be readable by all");
    }
}

#[test]
fn out_folder_is_created_with_parents() {
    let dir = tempfile::tempdir().unwrap();
    let o = covgap_in(
        dir.path(),
        &[
            "run",
            "--boundaries",
            &fixture("boundaries/oxfordshire_wgs84.geojson"),
            "--teams",
            &fixture("teams/no_evidence_column.csv"),
            "--out",
            "a/b/c",
        ],
        Some("a/b/c"),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.files.unwrap().len(), crate::OUTPUTS.len());
}

/// The credits `data/SOURCES.md` requires are on every output a briefing quotes: OS for the
/// boundaries (2024) and the postcode locations (2025), Royal Mail, GeoPlace, and LPS/OSNI for
/// Northern Ireland. The map wraps its footer over several lines, so its words are joined.
#[test]
fn summary_map_and_workbook_carry_the_full_attribution() {
    use calamine::{Data, Reader, Xlsx};
    let required = [
        "Open Government Licence v.3.0",
        "Crown copyright and database right 2024 (boundaries) and 2025 (postcode locations)",
        "Royal Mail copyright and database right 2025",
        "Local Government Information House Limited copyright and database right 2025",
        "Land & Property Services / OSNI",
    ];
    let run = crate::teams_before_run();
    let md = run.text("summary.md");
    let svg = std::str::from_utf8(run.bytes("map.svg")).unwrap();
    let footer: Vec<String> = svg
        .lines()
        .filter(|l| l.contains("<text") && l.contains("font-size=\"11.5\""))
        .map(|l| {
            let start = l.find('>').unwrap() + 1;
            let end = l.rfind("</text>").unwrap();
            l[start..end].replace("&amp;", "&")
        })
        .collect();
    let footer = footer.join(" ");
    let mut wb = Xlsx::new(std::io::Cursor::new(run.bytes("covgap.xlsx"))).unwrap();
    let sheet = wb.worksheet_range("Summary").unwrap();
    let notes: Vec<String> = sheet
        .cells()
        .filter_map(|(_, _, v)| match v {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let notes = notes.join(" ");
    for words in required {
        assert!(md.contains(words), "summary.md lacks {words:?}");
        assert!(footer.contains(words), "map.svg lacks {words:?}: {footer}");
        assert!(notes.contains(words), "covgap.xlsx lacks {words:?}");
    }
}
