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
    assert_eq!(unlocated.len(), 3, "{unlocated:?}");
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
        &fixture("teams/base_1km_outside_in_south_oxfordshire.csv"),
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
    assert!(rollups.starts_with(b"\xEF\xBB\xBFlevel,code,name,areas_total,areas_covered,births_total,births_covered,percent_covered,areas_without_figure,period\r\n"));
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

/// A share in per cent with one decimal, as a briefing prints it, worked out here from the
/// whole numbers: rounded half away from zero, as the workbook's `0.0%` format shows it.
fn one_decimal(part: u64, whole: u64) -> String {
    let tenths = (part * 2000 + whole) / (2 * whole.max(1));
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// A figure pasted from any output of the default run reads the same as in every other: the
/// headline and each rollup row (summary.json, summary.md, rollups.csv, the workbook, the
/// map's title) and each gap (gaps.csv, areas.geojson, the GeoPackage, the workbook,
/// summary.json and summary.md), with the same numbers, rounding and names.
#[test]
fn every_output_gives_the_same_headline_and_rollups() {
    use calamine::{Data, Reader, Xlsx};
    let run = default_run();
    let (s, md) = (run.summary(), run.text("summary.md"));
    let num = |d: Option<&Data>| match d {
        Some(Data::Float(v)) => *v,
        other => panic!("{other:?}"),
    };
    let str_at = |d: Option<&Data>| match d {
        Some(Data::String(v)) => v.clone(),
        _ => String::new(),
    };
    let th = covgap::write::thousands;
    let mut wb = Xlsx::new(std::io::Cursor::new(run.bytes("covgap.xlsx"))).unwrap();

    // The rollups: summary.json, rollups.csv and the workbook, row for row.
    let rollups_csv = csv_rows(run.bytes("rollups.csv"));
    let xl = wb.worksheet_range("Rollups").unwrap();
    let json_rows = s["rollups"].as_array().unwrap();
    assert_eq!(rollups_csv.len(), json_rows.len() + 1);
    assert_eq!(xl.height(), json_rows.len() + 1);
    for (k, r) in json_rows.iter().enumerate() {
        let (c, t) = (u(&r["demand_covered"]), u(&r["demand_total"]));
        let pct = one_decimal(c, t);
        let row = &rollups_csv[k + 1];
        let want = [
            r["level"].as_str().unwrap().to_string(),
            r["code"].as_str().unwrap().to_string(),
            r["name"].as_str().unwrap().to_string(),
            r["areas_total"].to_string(),
            r["areas_covered"].to_string(),
            t.to_string(),
            c.to_string(),
            pct.clone(),
        ];
        assert_eq!(row[..8], want, "rollups.csv against summary.json");
        assert_eq!(
            r["percent_covered"].as_f64(),
            pct.parse().ok(),
            "summary.json {r}"
        );
        let x = (k + 1) as u32;
        assert_eq!(str_at(xl.get_value((x, 1))), want[1]);
        assert_eq!(str_at(xl.get_value((x, 2))), want[2]);
        let counts: Vec<u64> = (3..8)
            .map(|col| num(xl.get_value((x, col))) as u64)
            .collect();
        assert_eq!(
            counts,
            [u(&r["areas_total"]), u(&r["areas_covered"]), t, c, t - c],
            "workbook {}",
            want[1]
        );
        // The workbook holds the exact share; its 0.0% format shows it rounded half up.
        let share = num(xl.get_value((x, 8)));
        assert!(
            (share - c as f64 / t.max(1) as f64).abs() < 1e-12,
            "workbook {}",
            want[1]
        );
        if matches!(want[0].as_str(), "uk" | "nation") {
            let line = format!(
                "| {} | {} | {} | {} | {} | {pct} |",
                want[2],
                want[3],
                want[4],
                th(t),
                th(c)
            );
            assert!(md.contains(&line), "summary.md lacks {line}");
        }
    }

    // The headline, in summary.json, summary.md and the map's title.
    let (c, t) = (u(&s["demand_covered"]), u(&s["demand_total"]));
    let pct = one_decimal(c, t);
    assert_eq!(
        s["percent_covered"].as_f64(),
        pct.parse().ok(),
        "summary.json"
    );
    assert!(
        md.contains(&format!(
            "**{pct}%** of babies born ({} of {})",
            th(c),
            th(t)
        )),
        "{md}"
    );
    let tenths: u64 = pct.replace('.', "").parse().unwrap();
    let svg = std::str::from_utf8(run.bytes("map.svg")).unwrap();
    let title = format!(
        "{} of {} live births ({}.{}%) were in the {} of {} areas with no team.",
        th(t - c),
        th(t),
        (1000 - tenths) / 10,
        (1000 - tenths) % 10,
        u(&s["areas_total"]) - u(&s["areas_covered"]),
        u(&s["areas_total"])
    );
    assert!(svg.contains(&title), "map.svg lacks {title}");

    // Each gap: gaps.csv against areas.geojson, the GeoPackage, the workbook, summary.json
    // and summary.md.
    let areas = run.areas();
    let gaps = csv_rows(run.bytes("gaps.csv"));
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("covgap.gpkg");
    std::fs::write(&gpkg, run.bytes("covgap.gpkg")).unwrap();
    let db = rusqlite::Connection::open(&gpkg).unwrap();
    let mut stmt = db
        .prepare("SELECT rank, code, name, births, nearest_team, nearest_team_km FROM gaps ORDER BY rank")
        .unwrap();
    let layer: Vec<[String; 6]> = stmt
        .query_map([], |r| {
            Ok([
                r.get::<_, i64>(0)?.to_string(),
                r.get(1)?,
                r.get(2)?,
                r.get::<_, i64>(3)?.to_string(),
                r.get(4)?,
                format!("{:.1}", r.get::<_, f64>(5)?),
            ])
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let xg = wb.worksheet_range("Gaps").unwrap();
    assert_eq!(
        gaps.len() - 1,
        areas.values().filter(|a| a["covered"] == false).count()
    );
    assert_eq!((layer.len(), xg.height()), (gaps.len() - 1, gaps.len()));
    for (k, g) in gaps[1..].iter().enumerate() {
        let a = &areas[&g[1]];
        let km = format!("{:.1}", a["nearest_team_km"].as_f64().unwrap());
        let want = [
            a["gap_rank"].to_string(),
            g[1].clone(),
            a["name"].as_str().unwrap().to_string(),
            a["births"].to_string(),
            a["nearest_team"].as_str().unwrap().to_string(),
            km,
        ];
        let csv_row = [&g[0], &g[1], &g[2], &g[5], &g[6], &g[7]].map(String::clone);
        assert_eq!(csv_row, want, "gaps.csv against areas.geojson");
        assert_eq!(layer[k], want, "the GeoPackage's gaps layer");
        let x = (k + 1) as u32;
        let xl_row = [
            (num(xg.get_value((x, 0))) as u64).to_string(),
            str_at(xg.get_value((x, 1))),
            str_at(xg.get_value((x, 2))),
            (num(xg.get_value((x, 5))) as u64).to_string(),
            str_at(xg.get_value((x, 6))),
            format!("{:.1}", num(xg.get_value((x, 7)))),
        ];
        assert_eq!(xl_row, want, "the workbook's Gaps sheet");
        if k < 20 {
            let j = &s["top_gaps"][k];
            assert_eq!(
                [
                    &j["rank"],
                    &j["code"],
                    &j["name"],
                    &j["demand"],
                    &j["nearest_team"]
                ]
                .map(|v| v.as_str().map_or_else(|| v.to_string(), String::from)),
                want[..5],
                "summary.json top_gaps"
            );
            let line = format!(
                "| {} | {} | {} | {} | {} | {} | {} |",
                want[0],
                want[2],
                want[1],
                a["nation"].as_str().unwrap(),
                th(u(&a["births"])),
                want[4],
                want[5]
            );
            assert!(md.contains(&line), "summary.md lacks {line}");
        }
    }
}

/// A CSV output's rows, header first, without its byte-order mark.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes)
        .unwrap()
        .trim_start_matches('\u{feff}');
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// The workbook and the GeoPackage carry the columns of the CSV and GeoJSON files they
/// mirror: the Gaps sheet and the `gaps` layer those of gaps.csv, `period` included on every
/// row; the Rollups sheet those of rollups.csv (with "In areas with none" besides); the
/// `areas` layer the properties of areas.geojson, the point distances are measured from
/// included.
#[test]
fn workbook_and_geopackage_have_the_columns_of_the_csv_and_geojson() {
    use calamine::{Data, Reader, Xlsx};
    let run = default_run();
    let period = run.summary()["period"].as_str().unwrap().to_string();
    let gaps = csv_rows(run.bytes("gaps.csv"));
    let rollups = csv_rows(run.bytes("rollups.csv"));
    assert_eq!(gaps[0].last().unwrap(), "period");
    assert!(gaps[1..].iter().all(|r| r.last() == Some(&period)));

    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("covgap.gpkg");
    std::fs::write(&gpkg, run.bytes("covgap.gpkg")).unwrap();
    let db = rusqlite::Connection::open(&gpkg).unwrap();
    let columns = |layer: &str| -> Vec<String> {
        db.prepare(&format!("SELECT name FROM pragma_table_info('{layer}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .filter(|c: &String| c != "fid" && c != "geom")
            .collect()
    };
    assert_eq!(columns("gaps"), gaps[0], "the gaps layer against gaps.csv");
    let periods: Vec<String> = db
        .prepare("SELECT DISTINCT period FROM gaps")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(periods, std::slice::from_ref(&period));
    let areas = run.json("areas.geojson");
    let properties: Vec<String> = features(&areas)[0]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let mut layer = columns("areas");
    let mut geojson = properties.clone();
    layer.sort();
    geojson.sort();
    assert_eq!(layer, geojson, "the areas layer against areas.geojson");
    let (lon, lat): (f64, f64) = db
        .query_row(
            "SELECT point_lon, point_lat FROM areas WHERE code = 'E06000001'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let hartlepool = &run.areas()["E06000001"];
    assert_eq!(
        (lon, lat),
        (
            hartlepool["point_lon"].as_f64().unwrap(),
            hartlepool["point_lat"].as_f64().unwrap()
        )
    );

    let mut wb = Xlsx::new(std::io::Cursor::new(run.bytes("covgap.xlsx"))).unwrap();
    let header = |r: &calamine::Range<Data>| -> Vec<String> {
        (0..r.width() as u32)
            .map(|c| {
                r.get_value((0, c))
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            })
            .collect()
    };
    let xg = wb.worksheet_range("Gaps").unwrap();
    assert_eq!(
        header(&xg),
        [
            "Rank",
            "Code",
            "Area",
            "Nation",
            "Region",
            "Live births",
            "Nearest team",
            "Nearest team (km)",
            "Upper tier",
            "ICB",
            "ICB parts",
            "Health board",
            "Period"
        ],
        "the Gaps sheet, column for column with gaps.csv: {:?}",
        gaps[0]
    );
    for x in 1..xg.height() as u32 {
        assert_eq!(xg.get_value((x, 12)), Some(&Data::String(period.clone())));
        // The ICB parts of a split district, as gaps.csv gives them.
        assert_eq!(
            xg.get_value((x, 10))
                .map(|v| v.to_string())
                .unwrap_or_default(),
            gaps[x as usize][10]
        );
    }
    let xr = wb.worksheet_range("Rollups").unwrap();
    assert_eq!(
        header(&xr),
        [
            "Level",
            "Code",
            "Name",
            "Areas",
            "Areas with a team",
            "Live births",
            "In areas with a team",
            "In areas with none",
            "% in areas with a team",
            "Areas with no figure",
            "Period"
        ],
        "the Rollups sheet against rollups.csv: {:?}",
        rollups[0]
    );
    for x in 1..xr.height() as u32 {
        assert_eq!(xr.get_value((x, 10)), Some(&Data::String(period.clone())));
    }
}

/// A share exactly on a half (1 of 80 babies is 1.25%) is rounded the same way in every
/// output: up, as the workbook's `0.0%` cells show it, not to 1.2% in the text outputs.
#[test]
fn a_share_on_a_half_reads_the_same_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("births.csv"),
        "code,births\nE07000177,1\nE07000178,20\nE07000179,20\nE07000180,20\nE07000181,19\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("teams.csv"),
        "name,areas_served\nNorth team,E07000177\n",
    )
    .unwrap();
    let boundaries = fixture("boundaries/oxfordshire_wgs84.geojson");
    let args = [
        "run",
        "--boundaries",
        &boundaries,
        "--births",
        "births.csv",
        "--teams",
        "teams.csv",
        "--out",
        "out",
    ];
    let run = covgap_in(dir.path(), &args, Some("out"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.assert_stderr_has(&["1 of 5 areas has a team; 1.3% of live births"]);
    let md = run.text("summary.md");
    assert!(md.contains("- **1.3%** of babies born (1 of 80)"), "{md}");
    assert!(
        md.contains("| All areas given | 5 | 1 | 80 | 1 | 1.3 |"),
        "{md}"
    );
    let rollups = crate::read_csv(&dir.path().join("out/rollups.csv"));
    // The total and Oxfordshire's own (England's, the South East's and the ICB's are not
    // given: only part of each is).
    assert_eq!(rollups.len(), 3);
    for row in &rollups[1..] {
        assert_eq!(row[7], "1.3", "rollups.csv {row:?}");
    }
    let s = run.summary();
    assert_eq!(s["percent_covered"], 1.3);
    assert!(s["rollups"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["percent_covered"] == 1.3));
    let svg = std::str::from_utf8(run.bytes("map.svg")).unwrap();
    assert!(
        svg.contains("79 of 80 live births (98.7%)"),
        "the map's title"
    );
}

/// An output folder holding the inputs under the outputs' names, and a plan's instance
/// named as its births: before, each input was replaced by covgap's output (exit 0), and
/// run.json fingerprinted files that no longer existed.
#[test]
fn no_output_replaces_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let births = "code,births\nE07000177,1784\nE07000178,1441\nE07000179,1418\nE07000180,1438\nE07000181,1015\n";
    std::fs::write(out.join("gaps.csv"), births).unwrap();
    std::fs::copy(fixture("teams/oxford_only.csv"), out.join("rollups.csv")).unwrap();
    let oxon = fixture("boundaries/oxfordshire_wgs84.geojson");
    let c = crate::covgap()
        .current_dir(dir.path())
        .args([
            "run",
            "-q",
            "--boundaries",
            &oxon,
            "--births",
            "out/gaps.csv",
        ])
        .args(["--teams", "out/rollups.csv", "--out", "out"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&c.stderr);
    assert_eq!(c.status.code(), Some(1), "{stderr}");
    // The output's path as covgap makes it: `out\gaps.csv` on Windows.
    let gaps = std::path::Path::new("out").join("gaps.csv");
    assert!(
        stderr.contains(&format!(
            "{}: cannot write output: it is one of the inputs; writing there would replace it",
            gaps.display()
        )),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("gaps.csv")).unwrap(),
        births
    );
    let mut left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(left, ["gaps.csv", "rollups.csv"], "nothing written");
    // plan's instance named as its births.
    let c = crate::covgap()
        .current_dir(dir.path())
        .args(["plan", "-q", "--add", "2", "--boundaries", &oxon])
        .args([
            "--births",
            "out/gaps.csv",
            "--export-instance",
            "out/gaps.csv",
        ])
        .args(["--out", "plan"])
        .output()
        .unwrap();
    assert_eq!(c.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(out.join("gaps.csv")).unwrap(),
        births
    );
    assert!(!dir.path().join("plan").join("plan.md").exists());
}

/// A run into a plan's folder left the plan's files beside the new run, and a plan into a
/// run's folder left the run's map and workbook: a folder that mixed two runs.
#[test]
fn an_earlier_run_or_plan_leaves_no_file_in_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let oxon = fixture("boundaries/oxfordshire_wgs84.geojson");
    let names = |d: &std::path::Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    };
    let go = |args: &[&str]| {
        crate::covgap()
            .args(args)
            .args(["-q", "--boundaries", &oxon, "--out"])
            .arg(&out)
            .assert()
            .success();
    };
    go(&["plan", "--add", "2"]);
    let plan_files = names(&out);
    assert!(plan_files.contains(&"plan.md".to_string()));
    go(&["run"]);
    let run_files = names(&out);
    assert!(
        !run_files.iter().any(|n| n.starts_with("plan")),
        "{run_files:?}"
    );
    assert!(run_files.contains(&"map.png".to_string()));
    go(&["plan", "--add", "2"]);
    assert_eq!(names(&out), plan_files);
}

/// A user's file bearing an output's name (notes saved as `plan.md` in a run's folder) went
/// with the next run when it was less than 10 s newer than `run.json`, or older (as `cp -p`,
/// unzip and `rsync -a` leave it). Only a file the earlier run wrote, still as it wrote it,
/// goes: `run.json` records each with its size and SHA-256.
#[test]
fn a_users_file_with_an_outputs_name_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let oxon = fixture("boundaries/oxfordshire_wgs84.geojson");
    let go = |args: &[&str]| {
        crate::covgap()
            .args(args)
            .args(["-q", "--boundaries", &oxon, "--out"])
            .arg(&out)
            .assert()
            .success();
    };
    let plan_md = out.join("plan.md");
    go(&["run"]);
    std::fs::write(&plan_md, "my own notes").unwrap();
    go(&["run"]);
    assert_eq!(std::fs::read_to_string(&plan_md).unwrap(), "my own notes");
    std::fs::File::options()
        .write(true)
        .open(&plan_md)
        .unwrap()
        .set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_704_067_200))
        .unwrap();
    go(&["run"]);
    assert_eq!(std::fs::read_to_string(&plan_md).unwrap(), "my own notes");

    // A plan's run.json records every other file it wrote, as it wrote it.
    std::fs::remove_file(&plan_md).unwrap();
    go(&["plan", "--add", "2"]);
    let recorded: Vec<(String, u64, String)> = crate::run_json(&out)["outputs"]
        .as_array()
        .expect("outputs")
        .iter()
        .map(|o| {
            (
                o["file"].as_str().unwrap().to_string(),
                o["bytes"].as_u64().unwrap(),
                o["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut on_disk: Vec<(String, u64, String)> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "run.json")
        .map(|n| {
            let (size, sha) =
                covgap::write::run::fingerprint_bytes(&std::fs::read(out.join(&n)).unwrap());
            (n, size, sha)
        })
        .collect();
    on_disk.sort();
    let mut sorted = recorded.clone();
    sorted.sort();
    assert_eq!(sorted, on_disk);
    assert!(recorded.iter().any(|(n, _, _)| n == "plan.md"));
    // The plan's own plan.md goes with it, but not once the user has added to it.
    let mut edited = std::fs::read_to_string(&plan_md).unwrap();
    edited.push_str("\nMy notes on the sites.\n");
    std::fs::write(&plan_md, &edited).unwrap();
    go(&["run"]);
    assert_eq!(std::fs::read_to_string(&plan_md).unwrap(), edited);
    assert!(!out.join("plan.csv").exists());
}

/// A run killed while writing left its hidden temporary files (`.NAME.XXXXXX.tmp`) in the
/// folder for good: 13 files and 3.8 MB after three kills, through any number of later runs.
/// A later run, plan or diff that completes removes those of runs that have ended, and the
/// earlier outputs a killed run had moved aside (`.NAME.PID.old`), but not those of a run still
/// going, nor the user's own hidden files. On Windows, before, none was removed, and its
/// outputs are checked to be left shown.
#[cfg(any(target_os = "linux", windows))]
#[test]
fn a_completed_run_clears_what_killed_runs_left_but_not_a_running_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (out, changes) = (dir.path().join("out"), dir.path().join("changes"));
    let oxon = fixture("boundaries/oxfordshire_wgs84.geojson");
    crate::covgap()
        .args(["run", "-q", "--boundaries", &oxon, "--out"])
        .arg(&out)
        .assert()
        .success();
    // A child that did nothing, waited for and (on Windows) let go of, so that the system
    // forgets it; and this test, running while covgap runs.
    #[cfg(windows)]
    let mut child = std::process::Command::new("cmd")
        .args(["/c", "exit"])
        .spawn()
        .unwrap();
    #[cfg(not(windows))]
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let ended = child.id();
    child.wait().unwrap();
    drop(child);
    let still = std::process::id();
    let make = |dir: &std::path::Path, name: &str| {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(name), "part of a file").unwrap();
        name.to_string()
    };
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    let unnumbered = make(&out, ".covgap.gpkg.Zx81Qp.tmp");
    std::fs::File::options()
        .write(true)
        .open(out.join(&unnumbered))
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();
    for name in [
        format!(".areas.geojson.{ended}.aB3xYz.tmp"),
        format!(".plan.md.{ended}.old"),
    ] {
        make(&out, &name);
        std::fs::File::options()
            .write(true)
            .open(out.join(&name))
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
    }
    let aged = |dir: &std::path::Path, name: String| {
        std::fs::File::options()
            .write(true)
            .open(dir.join(&name))
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
        name
    };
    let diff_left = aged(
        &changes,
        make(&changes, &format!(".diff.csv.{ended}.aB3xYz.tmp")),
    );
    let mut kept = vec![
        aged(
            &out,
            make(&out, &format!(".areas.geojson.{still}.aB3xYz.tmp")),
        ),
        aged(&out, make(&out, &format!(".summary.md.{still}.old"))),
        // Named as covgap named them before they carried the PID, and made just now: it
        // may be an older covgap's still writing.
        make(&out, ".gaps.csv.Qw3rTy.tmp"),
        // Of a run the system says has ended, but changed within the hour: it may be a run it
        // does not show (another PID namespace, or another computer sharing the folder).
        make(&out, &format!(".rollups.csv.{ended}.aB3xYz.tmp")),
        aged(&out, make(&out, ".notes.tmp")),
        aged(&out, make(&out, &format!(".notes.{ended}.aB3xYz.tmp"))),
    ];
    kept.sort();
    crate::covgap()
        .args(["run", "-q", "--boundaries", &oxon, "--out"])
        .arg(&out)
        .assert()
        .success();
    crate::covgap()
        .arg("diff")
        .args([&out, &out])
        .arg("--out")
        .arg(&changes)
        .assert()
        .success();
    let hidden = |d: &std::path::Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with('.'))
            .collect();
        v.sort();
        v
    };
    assert_eq!(hidden(&out), kept);
    assert!(hidden(&changes).is_empty(), "{diff_left} is left");
    // The outputs are in sight: on Windows a file is hidden by its attribute, which covgap's
    // temporary files have until they are renamed into place.
    #[cfg(windows)]
    for e in std::fs::read_dir(&out)
        .unwrap()
        .chain(std::fs::read_dir(&changes).unwrap())
    {
        use std::os::windows::fs::MetadataExt;
        let e = e.unwrap();
        let name = e.file_name().into_string().unwrap();
        let attributes = e.metadata().unwrap().file_attributes();
        assert!(
            name.starts_with('.') || attributes & 2 == 0,
            "{name} is hidden"
        );
    }
}

/// Codes not of ONS's form: before, "N1", "S1" and "W1" put three Oxfordshire districts in
/// Northern Ireland, Scotland and Wales in the "By nation" table.
#[test]
fn codes_not_of_ons_form_name_no_nation() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("births.csv"),
        "code,births\nE1,1784\nN1,1441\nS1,1418\nW1,1438\nC1,1015\n",
    )
    .unwrap();
    let boundaries = fixture("boundaries/oxfordshire_codes_not_ons.geojson");
    let args = [
        "run",
        "--boundaries",
        &boundaries,
        "--births",
        "births.csv",
        "--out",
        "out",
    ];
    let run = covgap_in(dir.path(), &args, Some("out"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    // No nation at all (and, being part of the UK, no partial nation's total either): the five
    // count only in the total.
    let s = run.summary();
    let n = nations(&s);
    assert!(n.is_empty(), "{n:?}");
    assert_eq!(s["areas_total"], 5);
}

/// The built-in births as a `--births` table (`code,births`), keeping the rows `keep` accepts
/// and writing each figure through `figure`.
fn builtin_births_where(keep: impl Fn(&str) -> bool, figure: impl Fn(&str) -> String) -> String {
    let areas = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/areas.csv"),
    )
    .unwrap();
    let rows = crate::read_csv_text(&areas);
    let (code, births) = (
        rows[0].iter().position(|h| h == "code").unwrap(),
        rows[0].iter().position(|h| h == "births").unwrap(),
    );
    let mut out = String::from("code,births\n");
    for r in rows[1..].iter().filter(|r| keep(&r[code])) {
        out.push_str(&format!("{},{}\n", r[code], figure(&r[births])));
    }
    out
}

/// Figures for England and Wales only: Scotland and Northern Ireland have no figure. Their
/// shares are not a number (not 0.0%), and summary.md, summary.json and rollups.csv say how
/// many areas had no figure and that their babies are not in the totals.
#[test]
fn areas_with_no_figure_are_counted_and_their_share_is_not_a_number() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("b_ew.csv"),
        builtin_births_where(|c| c.starts_with('E') || c.starts_with('W'), str::to_string),
    )
    .unwrap();
    let run = covgap_in(
        dir.path(),
        &["run", "--births", "b_ew.csv", "--out", "out"],
        Some("out"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.assert_stderr_has(&["; 43 areas with no figure are not counted"]);

    let md = run.text("summary.md");
    assert!(md.contains("| Scotland | 32 | 17 | 0 | 0 | n/a |"), "{md}");
    assert!(
        md.contains("| Northern Ireland | 11 | 5 | 0 | 0 | n/a |"),
        "{md}"
    );
    assert!(md.contains("| Wales | 22 | 0 | 29,411 | 0 | 0.0 |"), "{md}");
    let headline = md.split("## By nation").next().unwrap();
    assert!(
        headline.contains("43 of the 361 areas have no figure")
            && headline.contains("their babies are not in these totals"),
        "{md}"
    );
    assert!(
        md.contains("Northern Ireland (all 11; no share can be given), Scotland (all 32;"),
        "{md}"
    );

    let s = run.summary();
    assert_eq!(s["areas_without_figure"], 43);
    assert_eq!(
        s["areas_without_figure_codes"].as_array().unwrap().len(),
        43
    );
    assert!(s["areas_without_figure_note"]
        .as_str()
        .unwrap()
        .contains("their babies are not in these totals"));
    let n = nations(&s);
    assert_eq!(n["Scotland"]["percent_covered"], Value::Null);
    assert_eq!(n["Scotland"]["areas_without_figure"], 32);
    assert_eq!(n["Wales"]["percent_covered"], 0.0);
    assert_eq!(n["Wales"]["areas_without_figure"], 0);

    let rollups = crate::read_csv(&dir.path().join("out/rollups.csv"));
    let col = |name: &str| rollups[0].iter().position(|h| h == name).unwrap();
    let row = |code: &str| rollups.iter().find(|r| r[1] == code).unwrap();
    let (pct, without) = (col("percent_covered"), col("areas_without_figure"));
    assert_eq!(row("S92000003")[pct], "");
    assert_eq!(row("S92000003")[without], "32");
    assert_eq!(row("W92000004")[pct], "0.0");
    assert_eq!(row("K02000001")[without], "43");

    // `check` says the same.
    let check = covgap_in(dir.path(), &["check", "--births", "b_ew.csv"], None);
    assert_eq!(check.code, 0, "{}", check.stderr);
    check.assert_stderr_has(&["361 areas (43 with no figure, left out of totals)"]);
}

/// Counts of rows in notes carry thousands separators, as every count a user reads does: an
/// LSOA table given as district figures said "32844 rows for codes not in the boundaries".
#[test]
fn notes_count_ignored_rows_with_thousands_separators() {
    let mut table = String::from("code,births\nE06000001,974\n");
    for i in 0..1_200 {
        table.push_str(&format!("E0100{i:04},3\n"));
    }
    let check =
        crate::covgap_with_files(&[("b.csv", &table)], &["check", "--births", "b.csv"], None);
    check.assert_stderr_has(&[
        "1,200 rows for codes not in the boundaries",
        "and 1,192 more",
    ]);
}

/// A figures file that cannot be read leaves every area with no figure: `check`'s last line
/// points to the errors rather than reading as if the table had left all 361 areas out.
#[test]
fn check_with_unreadable_figures_does_not_say_every_area_was_left_out() {
    let check = crate::covgap_with_files(
        &[("b.csv", "code,births\nE06000001,abc\n")],
        &["check", "--births", "b.csv"],
        None,
    );
    assert_eq!(check.code, 1, "{}", check.stderr);
    check.assert_stderr_has(&["361 areas (no figure counted for any: see the errors above)"]);
    assert!(
        !check.stderr.contains("with no figure, left out of totals"),
        "{}",
        check.stderr
    );
}

/// A figures file of zeros counts no baby: every share is not a number, and covgap warns.
#[test]
fn figures_that_add_up_to_zero_give_no_share_and_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("zero.csv"),
        builtin_births_where(|_| true, |_| "0".into()),
    )
    .unwrap();
    let run = covgap_in(
        dir.path(),
        &["run", "--births", "zero.csv", "--out", "out"],
        Some("out"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.warning_lines()
            .iter()
            .any(|l| l.contains("the figures add up to 0")),
        "{}",
        run.stderr
    );
    run.assert_stderr_has(&["n/a (no babies counted) of live births"]);
    let md = run.text("summary.md");
    assert!(!md.contains("0.0"), "{md}");
    assert!(md.contains("- **n/a**: no babies born are counted"), "{md}");
    assert!(
        md.contains("| United Kingdom | 361 | 56 | 0 | 0 | n/a |"),
        "{md}"
    );
    assert_eq!(run.summary()["percent_covered"], Value::Null);
    let rollups = crate::read_csv(&dir.path().join("out/rollups.csv"));
    assert!(rollups[1..].iter().all(|r| r[7].is_empty()), "{rollups:?}");
    let svg = std::str::from_utf8(run.bytes("map.svg")).unwrap();
    assert!(svg.contains("0 of 0 live births (n/a)"), "the map's title");

    let check = covgap_in(dir.path(), &["check", "--births", "zero.csv"], None);
    assert!(
        check
            .stderr
            .contains("warning: zero.csv: the figures add up to 0"),
        "{}",
        check.stderr
    );
}

/// Every file `run` and `plan` write is in the list of names an earlier run's files are
/// cleared by: an output missing from it would be left behind by the next run.
#[test]
fn every_output_is_in_the_list_stale_files_are_cleared_by() {
    let mut written: Vec<String> = crate::OUTPUTS.iter().map(|s| s.to_string()).collect();
    let dir = tempfile::tempdir().unwrap();
    crate::covgap()
        .args(["plan", "--add", "2", "--by", "icb", "-q", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    for e in std::fs::read_dir(dir.path()).unwrap() {
        written.push(e.unwrap().file_name().into_string().unwrap());
    }
    written.push("small_areas.geojson".into());
    for name in &written {
        assert!(
            covgap::write::RUN_OUTPUTS.contains(&name.as_str()),
            "{name} is not in RUN_OUTPUTS"
        );
    }
    assert!(written.iter().any(|n| n == "plan_geographies.csv"));
}

/// With boundaries for part of the UK, a nation, region, ICB or board has a total of its own
/// only when all of it is given: before, Oxfordshire's five districts read "England 100.0%",
/// "South East 100.0%" and the ICB "100.0%" in rollups.csv, the workbook and summary.md. The
/// team list's own size is given, with how many of its teams serve only areas outside.
#[test]
fn part_of_the_uk_gives_totals_only_for_geographies_wholly_given() {
    // A run on the built-in data with `boundaries` (a fixture), its outcome and rollups.csv.
    let run_on = |boundaries: &str| {
        let dir = tempfile::tempdir().unwrap();
        let b = fixture(boundaries);
        let run = covgap_in(
            dir.path(),
            &["run", "--boundaries", &b, "--out", "out"],
            Some("out"),
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let rollups = crate::read_csv(&dir.path().join("out/rollups.csv"));
        (dir, run, rollups)
    };
    let (dir, run, rollups) = run_on("boundaries/oxfordshire_wgs84.geojson");
    let rows: Vec<(&str, &str)> = rollups[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        rows,
        [("all", "All areas given"), ("upper_tier", "Oxfordshire")]
    );
    let md = run.text("summary.md");
    assert!(!md.contains("| England |"), "{md}");
    assert!(
        md.contains("- Teams counted: 1 of the 46 in the list (teams whose evidence level is pif_named or service_confirmed); 43 of the 46 serve only areas outside the boundaries given or are not known to be in them (Together for Baby, which the list gives no area or location), so cover none of them, but those counted are measured to."),
        "{md}"
    );
    let s = run.summary();
    assert_eq!(s["teams_in_list"], 46);
    assert_eq!(s["teams_beyond_boundaries"], 43);
    // teams.geojson holds all 46, the 43 outside marked: `diff` does not take it for an older
    // covgap's, which left teams with no base out.
    let diff = crate::covgap()
        .args(["diff"])
        .arg(dir.path().join("out"))
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(diff.status.success());
    let text = String::from_utf8_lossy(&diff.stdout);
    assert!(!text.contains("Teams with no base are left out"), "{text}");

    // Wales's 22 districts: Wales and its seven health boards are whole, so they keep their
    // rows; no counted team serves Wales, and those in England are measured to (before: every
    // nearest team was "none").
    let (_dir, run, rollups) = run_on("boundaries/wales_districts.geojson");
    let count = |level: &str| rollups.iter().filter(|r| r[0] == level).count();
    assert_eq!(
        (
            count("all"),
            count("nation"),
            count("upper_tier"),
            count("health_board")
        ),
        (1, 1, 22, 7)
    );
    let md = run.text("summary.md");
    assert!(md.contains("| Wales | 22 | 0 |"), "{md}");
    assert!(
        md.contains("| 1 | Cardiff | W06000015 | Wales | 3,793 | OXPIP (Oxford Parent Infant Project) | 106.8 |"),
        "{md}"
    );
    assert!(
        md.contains("The 44 teams serving only areas outside the boundaries given cover none of them, but those counted are measured to"),
        "{md}"
    );
    // The table's teams from outside are said, with what they serve.
    assert!(
        md.contains("(in `teams.geojson` with `outside_boundaries` true): OXPIP (Oxford Parent Infant Project), serving Cherwell (E07000177), Oxford (E07000178), "),
        "{md}"
    );
}

/// Distances to the nearest team do not depend on how much of the UK is given: each region's
/// districts alone (and each of the other nations'), cut from the built-in boundaries, give
/// every one of their gaps the nearest team and distance the whole UK gives it, the teams
/// outside being measured to through the built-in districts they serve. Before, a region's
/// areas near its edge were measured only to teams inside it, and Wales's to none.
#[test]
fn a_regions_districts_alone_give_the_uks_nearest_teams() {
    let uk = default_run();
    let gaps = |rows: Vec<Vec<String>>| -> std::collections::BTreeMap<String, (String, String)> {
        let h = &rows[0];
        let col = |n: &str| h.iter().position(|x| x == n).unwrap();
        let (code, team, km) = (col("code"), col("nearest_team"), col("nearest_team_km"));
        rows[1..]
            .iter()
            .map(|r| (r[code].clone(), (r[team].clone(), r[km].clone())))
            .collect()
    };
    let whole = gaps(crate::read_csv_text(&uk.text("gaps.csv")));
    let lookup = crate::read_csv(&crate::repo_file("data/areas.csv"));
    let mut by_region: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for r in &lookup[1..] {
        // region_code, or the nation for Wales, Scotland and Northern Ireland.
        let key = if r[3].is_empty() {
            r[2].clone()
        } else {
            r[3].clone()
        };
        by_region.entry(key).or_default().push(r[0].clone());
    }
    assert_eq!(by_region.len(), 12);
    let text = std::fs::read_to_string(crate::repo_file(
        "data/boundaries/lad_may2024_uk_buc.geojson",
    ))
    .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let mut seen = 0;
    for (region, codes) in &by_region {
        let dir = tempfile::tempdir().unwrap();
        let feats: Vec<&Value> = features_of(&doc)
            .filter(|f| {
                codes
                    .iter()
                    .any(|c| f["properties"]["LAD24CD"] == c.as_str())
            })
            .collect();
        assert_eq!(feats.len(), codes.len(), "{region}");
        let file = dir.path().join("region.geojson");
        std::fs::write(
            &file,
            serde_json::json!({"type": "FeatureCollection", "features": feats}).to_string(),
        )
        .unwrap();
        let run = run_ok(&["-q", "--boundaries", file.to_str().unwrap()]);
        let part = gaps(crate::read_csv_text(&run.text("gaps.csv")));
        for (code, got) in &part {
            assert_eq!(Some(got), whole.get(code), "{region}: {code}");
        }
        seen += part.len();
    }
    assert_eq!(seen, whole.len());
}

fn features_of(doc: &Value) -> impl Iterator<Item = &Value> {
    doc["features"].as_array().unwrap().iter()
}

/// Boundaries drawn before April 2023 (the North West of December 2022, with Cumbria's six
/// districts): the region is whole, and its total holds all 39 areas, Cumbria's included (they
/// had no region, upper tier or ICB before, so the region's row left them out while the total
/// held them: 41.1% against 38.9%). Each old district counts for its successor's upper tier and
/// its own ICB, but neither ICB is given whole: North East and North Cumbria's holds Eden and
/// the North East, and Lancashire and South Cumbria's, though it holds all of Barrow-in-Furness
/// and South Lakeland, holds part of North Yorkshire (3 LSOAs), which is not given, so a row for
/// it would not be its total (it had one, of 16 districts, while each district was taken to lie
/// in one ICB).
#[test]
fn boundaries_before_2023_give_whole_totals_with_the_old_districts_in() {
    let b = fixture("boundaries/north_west_dec2022.geojson");
    let births = fixture("births/district_codes_before_2023.csv");
    let run = run_ok(&["-q", "--boundaries", &b, "--births", &births]);
    let rollups = crate::read_csv_text(&run.text("rollups.csv"));
    let row = |level: &str, name: &str| -> Vec<String> {
        rollups
            .iter()
            .find(|r| r[0] == level && r[2] == name)
            .unwrap_or_else(|| panic!("{level} {name}"))[3..8]
            .to_vec()
    };
    let total = row("all", "All areas given");
    assert_eq!(total[0], "39");
    assert_eq!(row("region", "North West"), total);
    assert_eq!(row("upper_tier", "Cumberland")[0], "3");
    assert_eq!(row("upper_tier", "Westmorland and Furness")[0], "3");
    for icb in [
        "NHS Lancashire and South Cumbria Integrated Care Board",
        "NHS North East and North Cumbria Integrated Care Board",
    ] {
        assert!(!rollups.iter().any(|r| r[2] == icb), "{icb}");
    }
    assert_eq!(
        row("icb", "NHS Greater Manchester Integrated Care Board")[0],
        "10"
    );
}

/// A folder a covgap from before 27 November 2026 wrote (its run.json lists no outputs): a
/// new run cannot tell that run's other files from the user's, so it leaves them, and says so
/// rather than leaving two runs' files together without a word.
#[test]
fn files_beside_an_older_run_json_are_named_when_left() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let oxon = fixture("boundaries/oxfordshire_wgs84.geojson");
    crate::covgap()
        .args(["plan", "-q", "--add", "1", "--boundaries", &oxon, "--out"])
        .arg(&out)
        .assert()
        .success();
    let record = out.join("run.json");
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&record).unwrap()).unwrap();
    doc.as_object_mut().unwrap().remove("outputs");
    std::fs::write(&record, doc.to_string()).unwrap();
    let run = crate::covgap()
        .args(["run", "--boundaries", &oxon, "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("plan.csv, plan.geojson, plan.md were left as they are: the earlier run.json there, from a covgap before 27 November 2026, does not list the files its run wrote"),
        "{stderr}"
    );
    assert!(out.join("plan.md").exists());
    // The new run.json lists its outputs: a run after it says nothing more.
    let again = crate::covgap()
        .args(["run", "--boundaries", &oxon, "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&again.stderr).contains("were left as they are"));
}

/// Areas drawn inside districts (two real LSOAs as boundaries): an area lying in a district a
/// team serves is covered by it; one lying in a district no team serves is measured to the
/// nearest, not found 0 km from a team (a review found 406 of 602 Oxfordshire LSOAs at 0.0 km
/// without a team when the districts they lie in were measured to as if outside).
#[test]
fn areas_drawn_inside_served_districts_are_covered_by_their_teams() {
    let dir = tempfile::tempdir().unwrap();
    let births = dir.path().join("births.csv");
    std::fs::write(&births, "code,births\nE01001106,8\nW01000330,22\n").unwrap();
    let b = fixture("small_areas/point_found_on_the_grid_wgs84.geojson");
    let run = run_ok(&[
        "-q",
        "--boundaries",
        &b,
        "--births",
        births.to_str().unwrap(),
    ]);
    let areas = run.areas();
    // Croydon 039C lies in Croydon, which Croydon Best Start PIP serves: covered by it.
    assert_eq!(areas["E01001106"]["teams"], "Croydon Best Start PIP");
    // Flintshire 015E lies in Flintshire, which no team serves: not 0 km from a team.
    let flintshire = &areas["W01000330"];
    assert_eq!(flintshire["covered"], false);
    assert!(
        flintshire["nearest_team_km"].as_f64().unwrap() > 1.0,
        "{flintshire}"
    );
}

/// Boundaries from before 2023 with only some of a new district's old districts: the North
/// West of December 2022 without Eden and South Lakeland, and a team serving Westmorland and
/// Furness (which took in Barrow-in-Furness, given, and those two): the rest of Westmorland and
/// Furness is measured to, so every area's nearest team and distance are the whole UK's
/// (Lancaster 8.7 km, not 31.8 km to Barrow alone).
#[test]
fn the_rest_of_a_new_district_beyond_its_old_districts_given_is_measured_to() {
    let dir = tempfile::tempdir().unwrap();
    let (teams, nw) = (dir.path().join("teams.csv"), dir.path().join("nw.geojson"));
    std::fs::write(
        &teams,
        "name,evidence,areas_served\nWF team,pif_named,Westmorland and Furness\n",
    )
    .unwrap();
    let text =
        std::fs::read_to_string(crate::fixture_path("boundaries/north_west_dec2022.geojson"))
            .unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    doc["features"].as_array_mut().unwrap().retain(|f| {
        !["E07000030", "E07000031"].contains(&f["properties"]["LAD22CD"].as_str().unwrap())
    });
    std::fs::write(&nw, doc.to_string()).unwrap();
    let births = fixture("births/district_codes_before_2023.csv");
    let gaps_of = |extra: &[&str]| {
        let mut args = vec![
            "-q",
            "--teams",
            teams.to_str().unwrap(),
            "--births",
            &births,
        ];
        args.extend_from_slice(extra);
        crate::read_csv_text(&run_ok(&args).text("gaps.csv"))
    };
    let whole = gaps_of(&[]);
    let part = gaps_of(&["--boundaries", nw.to_str().unwrap()]);
    let lancaster =
        |g: &[Vec<String>]| g.iter().find(|r| r[1] == "E07000121").unwrap()[6..8].to_vec();
    assert_eq!(lancaster(&whole), ["WF team", "8.7"]);
    assert_eq!(lancaster(&part), lancaster(&whole));
    for r in &part[1..] {
        if let Some(w) = whole.iter().find(|w| w[1] == r[1]) {
            assert_eq!(r[6..8], w[6..8], "{}", r[2]);
        }
    }
}

/// Oxford's and Swindon's 215 LSOAs given as boundaries, with the built-in list, which names
/// districts: each team counts for the areas lying in the districts it serves (an area's point
/// in the district by the built-in boundaries), so every Oxford LSOA is covered by OXPIP and no
/// Swindon one is. Before, each team counted only for the one LSOA holding its base.
#[test]
fn smaller_areas_as_boundaries_take_the_coverage_of_the_district_they_lie_in() {
    let run = run_ok(&[
        "--boundaries",
        &fixture("boundaries/lsoas_oxford_swindon.geojson"),
        "--births",
        &fixture("births/lsoas_oxford_swindon_age0.csv"),
        "--measure",
        "age0",
        "--births-code-column",
        "lsoa11_code",
    ]);
    let areas = run.areas();
    assert_eq!(areas.len(), 215);
    let oxford: Vec<&Value> = areas
        .values()
        .filter(|a| a["name"].as_str().unwrap().starts_with("Oxford "))
        .collect();
    assert_eq!(oxford.len(), 83);
    for a in &oxford {
        assert_eq!(a["covered"], true, "{a}");
        assert_eq!(a["teams"], "OXPIP (Oxford Parent Infant Project)", "{a}");
    }
    for a in areas
        .values()
        .filter(|a| a["name"].as_str().unwrap().starts_with("Swindon "))
    {
        assert_eq!(a["covered"], false, "{a}");
        assert!(a["nearest_team_km"].as_f64().unwrap() > 0.0, "{a}");
    }
    assert!(
        run.stderr.contains("OXPIP (Oxford Parent Infant Project): the districts it serves are not areas of the boundaries given, which are smaller; it counts for the areas given lying in them (an area's point in the district by the built-in boundaries): 82 in Oxford (E07000178), 1 in South Oxfordshire (E07000179)"),
        "{}",
        run.stderr
    );
    assert!(run.text("summary.md").contains("With areas smaller than districts as boundaries, a team counts for every area lying in a district it serves"));
    let s = run.summary();
    assert_eq!(s["areas_covered"], 83);
    let covered: u64 = oxford.iter().map(|a| a["age0"].as_u64().unwrap()).sum();
    assert_eq!(s["demand_covered"], covered);
}

/// The same LSOAs as small areas of the built-in districts give the same coverage for every
/// one of them, and the same distance to the nearest team within 1 km (the LSOAs' outlines and
/// the districts' are generalised differently).
#[test]
fn smaller_areas_as_boundaries_agree_with_the_same_areas_as_small_areas() {
    let lsoas = fixture("boundaries/lsoas_oxford_swindon.geojson");
    let figures = fixture("births/lsoas_oxford_swindon_age0.csv");
    let as_boundaries = run_ok(&[
        "-q",
        "--boundaries",
        &lsoas,
        "--births",
        &figures,
        "--measure",
        "age0",
        "--births-code-column",
        "lsoa11_code",
    ])
    .areas();
    let as_small_areas = run_ok(&[
        "-q",
        "--small-areas",
        &lsoas,
        "--small-area-figures",
        &figures,
        "--small-areas-geojson",
    ])
    .json("small_areas.geojson");
    let small = crate::features(&as_small_areas);
    assert_eq!(small.len(), 215);
    for f in small {
        let p = &f["properties"];
        let a = &as_boundaries[p["code"].as_str().unwrap()];
        assert_eq!(
            a["covered"].as_bool().unwrap(),
            p["band"] == "babies_covered",
            "{p} against {a}"
        );
        let (km, sa_km) = (
            a["nearest_team_km"].as_f64().unwrap(),
            p["nearest_team_km"].as_f64().unwrap(),
        );
        assert!((km - sa_km).abs() < 1.0, "{p} against {a}");
    }
}

/// A team naming no areas serves the district holding its base: with LSOAs as boundaries,
/// every LSOA lying in Swindon, not the one its base is in.
#[test]
fn a_team_naming_no_areas_covers_the_smaller_areas_lying_in_its_district() {
    let run = run_ok(&[
        "--boundaries",
        &fixture("boundaries/lsoas_oxford_swindon.geojson"),
        "--births",
        &fixture("births/lsoas_oxford_swindon_age0.csv"),
        "--measure",
        "age0",
        "--births-code-column",
        "lsoa11_code",
        "--teams",
        &fixture("teams/base_only_in_swindon.csv"),
    ]);
    let areas = run.areas();
    let swindon: Vec<&Value> = areas
        .values()
        .filter(|a| a["name"].as_str().unwrap().starts_with("Swindon "))
        .collect();
    assert_eq!(swindon.len(), 132);
    assert!(swindon.iter().all(|a| a["teams"] == "Swindon team"));
    assert!(areas
        .values()
        .filter(|a| a["name"].as_str().unwrap().starts_with("Oxford "))
        .all(|a| a["covered"] == false));
    assert!(
        run.stderr.contains("Swindon team: names no areas served, so serves the district holding its base, Swindon (E06000030); it counts for the 132 areas given lying in it"),
        "{}",
        run.stderr
    );
}

/// Districts of an earlier year are districts: a team naming no areas based in Carlisle,
/// abolished in 2023 and drawn in the North West of December 2022, covers Carlisle alone, not
/// the six old districts lying in Cumberland and Westmorland and Furness.
#[test]
fn a_team_naming_no_areas_in_an_old_district_covers_that_district_alone() {
    let dir = tempfile::tempdir().unwrap();
    let teams = dir.path().join("teams.csv");
    std::fs::write(
        &teams,
        "name,latitude,longitude\nCarlisle team,54.8925,-2.9329\n",
    )
    .unwrap();
    let nw = crate::fixture_path("boundaries/north_west_dec2022.geojson");
    let text = std::fs::read_to_string(&nw).unwrap();
    let run = run_ok(&[
        "-q",
        "--boundaries",
        nw.to_str().unwrap(),
        "--teams",
        teams.to_str().unwrap(),
        "--births",
        &fixture("births/district_codes_before_2023.csv"),
    ]);
    assert!(text.contains("E07000028"));
    let covered: Vec<String> = run
        .areas()
        .into_iter()
        .filter(|(_, a)| a["covered"] == true)
        .map(|(c, _)| c)
        .collect();
    assert_eq!(covered, ["E07000028"]);
}

/// `covgap run` on Oxford's and Swindon's 215 LSOAs as boundaries, with `figures` (a fixture
/// under births/) and `extra` flags.
fn on_lsoas(figures: &str, extra: &[&str]) -> crate::Outcome {
    let (lsoas, figures) = (
        fixture("boundaries/lsoas_oxford_swindon.geojson"),
        fixture(&format!("births/{figures}")),
    );
    let mut args = vec!["--boundaries", &lsoas, "--births", &figures];
    args.extend_from_slice(extra);
    run_ok(&args)
}

/// An ONS small-area table gives each row its LSOA's code and its district's, and the district
/// column's header (`ltla21_code`) is the one covgap knows for districts: with LSOAs as
/// boundaries the LSOA column, which holds the boundaries' codes, is read instead, with a note,
/// and the outputs are those of naming it with --births-code-column.
#[test]
fn the_code_column_holding_the_boundaries_codes_is_read() {
    let both = fixture("births/lsoas_oxford_swindon_age0_with_district_codes.csv");
    let found = on_lsoas(
        "lsoas_oxford_swindon_age0_with_district_codes.csv",
        &["--measure", "age0"],
    );
    found.assert_stderr_has(&[&format!("note: {both}, line 1: area codes read from column \"lsoa11_code\" (field 1), which holds 215 of the boundaries' codes, not \"ltla21_code\", which holds 0; name the column with --births-code-column to choose")]);
    let named = on_lsoas(
        "lsoas_oxford_swindon_age0_with_district_codes.csv",
        &["--measure", "age0", "--births-code-column", "lsoa11_code"],
    );
    assert_eq!(found.text("gaps.csv"), named.text("gaps.csv"));
    assert_eq!(found.summary()["demand_total"], 4003);
    assert!(!named.stderr.contains("area codes read from column"));
}

/// A small-area code column (`lsoa11_code`) is found by its header, and a figure column named
/// with --births-column whose header is the other measure's is a warning: read as live births,
/// `age_0` would be labelled so in every output.
#[test]
fn a_named_figure_column_of_the_other_measure_is_a_warning() {
    let figures = fixture("births/lsoas_oxford_swindon_age0.csv");
    let births = on_lsoas(
        "lsoas_oxford_swindon_age0.csv",
        &["--births-column", "age_0"],
    );
    births.assert_stderr_has(&[&format!("warning: {figures}, line 1: column \"age_0\", named with --births-column, is headed as the population aged 0, but the outputs call its figures live births: give --measure age0 if it holds the population aged 0")]);
    let age0 = on_lsoas(
        "lsoas_oxford_swindon_age0.csv",
        &["--births-column", "age_0", "--measure", "age0"],
    );
    assert!(!age0.stderr.contains("is headed as"), "{}", age0.stderr);
    assert_eq!(age0.summary()["demand_total"], 4003);
}

/// An abolished district a list names counts, with areas smaller than districts as boundaries,
/// for the areas lying in the district that replaced it, as with district boundaries and as
/// the same areas as small areas give (a square in Kendal for South Lakeland, now Westmorland
/// and Furness; the team had covered nothing and was measured to nothing).
#[test]
fn an_abolished_district_counts_for_the_smaller_areas_lying_in_its_successor() {
    let dir = tempfile::tempdir().unwrap();
    let (b, births, teams) = (
        dir.path().join("squares.geojson"),
        dir.path().join("births.csv"),
        dir.path().join("teams.csv"),
    );
    let square = |code: &str, x: f64, y: f64| {
        format!(
            r#"{{"type":"Feature","properties":{{"code":"{code}","name":"{code}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]}}}}"#,
            x + 1000.0,
            x + 1000.0,
            y + 1000.0,
            y + 1000.0
        )
    };
    std::fs::write(
        &b,
        format!(
            r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::27700"}}}},"features":[{},{}]}}"#,
            square("X01", 351000.0, 492000.0),
            square("X02", 415000.0, 185000.0)
        ),
    )
    .unwrap();
    std::fs::write(&births, "code,births\nX01,10\nX02,20\n").unwrap();
    std::fs::write(&teams, "name,areas_served\nLakes team,South Lakeland\n").unwrap();
    let run = run_ok(&[
        "--boundaries",
        b.to_str().unwrap(),
        "--births",
        births.to_str().unwrap(),
        "--teams",
        teams.to_str().unwrap(),
    ]);
    let areas = run.areas();
    assert_eq!(areas["X01"]["teams"], "Lakes team");
    assert_eq!(areas["X02"]["covered"], false);
    run.assert_stderr_has(&[
        "Lakes team: area served South Lakeland (E07000031) was abolished on 1 April 2023 and is now part of Westmorland and Furness (E06000064)",
        "it counts for the areas given lying in them (an area's point in the district by the built-in boundaries): 1 in Westmorland and Furness (E06000064)",
    ]);
}

/// An area holding districts is not "in" one of them: CA1, North Yorkshire and York together
/// (a combined authority's footprint, under a code the lookup does not give), holds both, so
/// a team serving either counts for it, as for an ICB. Its point lies in North Yorkshire and
/// it is under 1.5 times North Yorkshire's size, so it had been taken to lie in North Yorkshire
/// alone, and York's team covered nothing.
#[test]
fn an_area_holding_districts_counts_for_teams_serving_any_of_them() {
    let uk: Value = serde_json::from_slice(
        &std::fs::read(crate::repo_file(
            "data/boundaries/lad_may2024_uk_buc.geojson",
        ))
        .unwrap(),
    )
    .unwrap();
    let polygon = |code: &str| {
        crate::features(&uk)
            .into_iter()
            .find(|f| f["properties"]["LAD24CD"] == code)
            .unwrap()["geometry"]["coordinates"]
            .clone()
    };
    let doc = serde_json::json!({
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": "CA1", "name": "York and North Yorkshire"},
             "geometry": {"type": "MultiPolygon", "coordinates": [polygon("E06000065"), polygon("E06000014")]}},
            {"type": "Feature", "properties": {"code": "E08000035", "name": "Leeds"},
             "geometry": {"type": "Polygon", "coordinates": polygon("E08000035")}},
        ]
    });
    let dir = tempfile::tempdir().unwrap();
    let (b, births, teams) = (
        dir.path().join("ca.geojson"),
        dir.path().join("births.csv"),
        dir.path().join("teams.csv"),
    );
    std::fs::write(&b, serde_json::to_vec(&doc).unwrap()).unwrap();
    std::fs::write(&births, "code,births\nCA1,6700\nE08000035,9000\n").unwrap();
    for (team, district) in [("York team", "E06000014"), ("NY team", "E06000065")] {
        std::fs::write(&teams, format!("name,areas_served\n{team},{district}\n")).unwrap();
        let run = run_ok(&[
            "--boundaries",
            b.to_str().unwrap(),
            "--births",
            births.to_str().unwrap(),
            "--teams",
            teams.to_str().unwrap(),
        ]);
        let areas = run.areas();
        assert_eq!(areas["CA1"]["teams"], team, "{}", run.stderr);
        assert_eq!(areas["E08000035"]["covered"], false);
        assert!(
            run.stderr.contains("(by the built-in boundaries: the district's point lies in it, and it is at least half the district's size)"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("which are smaller"), "{}", run.stderr);
    }
}

/// Runs covgap with `args` while `held` is held as another covgap run holds a folder it
/// writes into (on Unix a lock on the folder, on Windows covgap's own hold: a lock file in the
/// temporary folder): covgap must say it is waiting and write nothing into `held`, not even
/// its temporary files, then finish once the folder is free.
#[cfg(any(unix, windows))]
fn waits_for_folder(args: &[&std::ffi::OsStr], held: &std::path::Path) {
    use std::io::BufRead;
    std::fs::create_dir_all(held).unwrap();
    #[cfg(unix)]
    let lock = {
        let lock = std::fs::File::open(held).unwrap();
        lock.lock().unwrap();
        lock
    };
    #[cfg(windows)]
    let lock = covgap::write::FolderHold::take(&[held], |d| panic!("{} is held", d.display()));
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("covgap"))
        .args(args)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read on a thread, so that a covgap that never says it waits fails the test, after two
    // minutes, rather than hanging it.
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in stderr.lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    let mut seen = Vec::new();
    let waiting = loop {
        match rx.recv_timeout(std::time::Duration::from_secs(120)) {
            Ok(l) if l.contains("waiting for it to finish") => break Some(l),
            Ok(l) => seen.push(l),
            Err(_) => break None,
        }
    };
    if waiting.is_none() {
        let _ = child.kill();
    }
    let resolved = held.canonicalize().unwrap().display().to_string();
    // Said as a Windows user writes it, without the `\\?\` of a resolved path.
    #[cfg(windows)]
    let resolved = resolved
        .strip_prefix(r"\\?\")
        .map_or(resolved.clone(), str::to_string);
    assert_eq!(
        waiting,
        Some(format!(
            "covgap: another covgap run is writing into {resolved}; waiting for it to finish"
        )),
        "{seen:?}"
    );
    assert_eq!(std::fs::read_dir(held).unwrap().count(), 0);
    drop(lock);
    reader.join().unwrap();
    let rest: Vec<String> = rx.try_iter().collect();
    assert!(child.wait().unwrap().success(), "{rest:?}");
}

/// Two runs into one folder at once take turns: while another covgap run holds the folder, a
/// run waits, writing nothing, and then puts its outputs in place. Before, two runs could move
/// each other's files aside and leave a mix of both (on Windows until covgap held folders
/// there too).
#[cfg(any(unix, windows))]
#[test]
fn a_run_into_a_folder_another_run_is_writing_waits_its_turn() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    waits_for_folder(&["run".as_ref(), "--out".as_ref(), out.as_os_str()], &out);
    assert!(out.join("run.json").is_file());
    assert!(out.join("areas.geojson").is_file());
}

/// A plan holds the folder of its `--export-instance` file too, when it is not `--out`.
#[cfg(any(unix, windows))]
#[test]
fn a_plan_waits_for_the_folder_of_its_instance_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let elsewhere = dir.path().join("instances");
    let file = elsewhere.join("plan.json");
    waits_for_folder(
        &[
            "plan".as_ref(),
            "--add".as_ref(),
            "1".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
            "--export-instance".as_ref(),
            file.as_os_str(),
        ],
        &elsewhere,
    );
    assert!(file.is_file());
    assert!(out.join("plan.csv").is_file());
}

/// summary.md's gaps table is headed by how many it holds, and its columns are named in words
/// as the workbook names them: before, five covered districts of five read "The 20 largest
/// gaps" over an empty table, and the figure's column was headed `births` or `age0`, the
/// CSV's key, beside "live births" in lower case in the table above.
#[test]
fn summary_md_heads_the_gaps_by_how_many_and_names_columns_in_words() {
    let oxon = fixture("boundaries/oxfordshire_wgs84.geojson");
    let md = run_ok(&["--boundaries", &oxon]).text("summary.md");
    assert!(
        md.contains("## Gaps\n\nEvery area has a team, so there is no gap to list.\n\n## How"),
        "{md}"
    );
    assert!(
        !md.contains("largest gaps") && !md.contains("| Rank |"),
        "{md}"
    );

    let city = fixture("teams/oxford_only.csv");
    let md =
        run_ok(&["--boundaries", &oxon, "--teams", &city, "--measure", "age0"]).text("summary.md");
    assert!(
        md.contains("## The 4 gaps\n\nAreas with no team, by population aged 0.\n"),
        "{md}"
    );
    assert!(
        md.contains("| Rank | Area | Code | Nation | Population aged 0 | Nearest team | km |"),
        "{md}"
    );
    assert!(
        md.contains(
            "| Nation | Areas | Areas with a team | Population aged 0 | In areas with a team | % |"
        ),
        "{md}"
    );

    let md = default_run().text("summary.md");
    assert!(md.contains("## The 20 largest gaps\n"), "{md}");
    assert!(
        md.contains("| Rank | Area | Code | Nation | Live births | Nearest team | km |"),
        "{md}"
    );
    assert!(
        md.contains(
            "| Nation | Areas | Areas with a team | Live births | In areas with a team | % |"
        ),
        "{md}"
    );
}

/// One area, one team outside: the sentences a briefing quotes agree in number. Before, they
/// read "1 of 1 areas (100%) have at least one team", "1 of them serve only areas outside ...,
/// so cover none of them", "The 1 teams serving ..." and, on the map, "the 1 of 1 areas".
#[test]
fn headline_sentences_agree_in_number_for_one_area_and_one_team() {
    let alone = fixture("boundaries/oxford_alone.geojson");
    let run = run_ok(&[
        "--boundaries",
        &alone,
        "--teams",
        &fixture("teams/oxford_and_leeds.csv"),
    ]);
    let md = run.text("summary.md");
    assert!(
        md.contains("- **1 of 1 area** (100%) has at least one team."),
        "{md}"
    );
    assert!(
        md.contains("; 1 of the 2 serves only areas outside the boundaries given, so covers none of them, but it is measured to if counted."),
        "{md}"
    );
    assert!(
        md.contains(" The 1 team serving only areas outside the boundaries given covers none of them, but if counted is measured to, to the nearest edge of the built-in boundaries of the districts it serves."),
        "{md}"
    );
    assert!(
        run.stderr.contains("covgap: 1 of 1 area has a team;"),
        "{}",
        run.stderr
    );
    let svg = run.text("map.svg");
    assert!(svg.contains("(1 serves only areas outside these)"), "{svg}");

    let run = run_ok(&[
        "--boundaries",
        &alone,
        "--teams",
        &fixture("teams/leeds_only.csv"),
    ]);
    assert!(run
        .text("map.svg")
        .contains("were in the 1 of 1 area with no team."));
    let md = run.text("summary.md");
    assert!(
        md.contains("- **0 of 1 area** (0%) have at least one team."),
        "{md}"
    );
    assert!(
        md.contains("## The one gap\n\nThe area with no team.\n"),
        "{md}"
    );
    // Its one nearest team serves Leeds alone: said in the singular, not "Nearest teams
    // above that serve ... the districts they serve".
    assert!(
        md.contains("\nNearest team above that serves only areas outside the boundaries given, measured to the districts it serves (in `teams.geojson` with `outside_boundaries` true): Leeds team, serving Leeds (E08000035).\n"),
        "{md}"
    );
}

/// Counts of areas over a thousand carry thousands separators, as the babies beside them do:
/// Scotland's 6,976 Data Zones as boundaries gave "**4863 of 6976 areas** (70%)" beside
/// "35,333 of 48,635" in summary.md, the terminal and the map, for a briefing to paste.
#[test]
fn counts_of_areas_over_a_thousand_have_thousands_separators() {
    let dir = tempfile::tempdir().unwrap();
    // 1,200 small squares near Oxford, 30 by 40, of codes of their own, one baby each.
    let mut features = Vec::new();
    let mut births = String::from("code,births\n");
    for i in 0..1200 {
        let (x, y) = (
            -1.30 + (i % 30) as f64 * 0.002,
            51.70 + (i / 30) as f64 * 0.002,
        );
        let ring = [
            (x, y),
            (x + 0.002, y),
            (x + 0.002, y + 0.002),
            (x, y + 0.002),
            (x, y),
        ];
        let ring: Vec<[f64; 2]> = ring.iter().map(|&(a, b)| [a, b]).collect();
        features.push(serde_json::json!({
            "type": "Feature",
            "properties": {"code": format!("SQ{i:04}"), "name": format!("Square {i}")},
            "geometry": {"type": "Polygon", "coordinates": [ring]}
        }));
        births.push_str(&format!("SQ{i:04},1\n"));
    }
    let doc = serde_json::json!({"type": "FeatureCollection", "features": features});
    std::fs::write(dir.path().join("squares.geojson"), doc.to_string()).unwrap();
    std::fs::write(dir.path().join("births.csv"), births).unwrap();
    std::fs::write(
        dir.path().join("teams.csv"),
        "name,areas_served\nCorner team,SQ0000\n",
    )
    .unwrap();
    let args = [
        "run",
        "--out",
        "out",
        "--boundaries",
        "squares.geojson",
        "--births",
        "births.csv",
        "--teams",
        "teams.csv",
    ];
    let o = covgap_in(dir.path(), &args, Some("out"));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("covgap: 1 of 1,200 areas has a team;"),
        "{}",
        o.stderr
    );
    let files = o.files.unwrap();
    let md = String::from_utf8(files["summary.md"].clone()).unwrap();
    assert!(
        md.contains("- **1 of 1,200 areas** (0%) has at least one team."),
        "{md}"
    );
    assert!(
        md.contains("| All areas given | 1,200 | 1 | 1,200 | 1 |"),
        "{md}"
    );
    let svg = String::from_utf8(files["map.svg"].clone()).unwrap();
    assert!(
        svg.contains("were in the 1,199 of 1,200 areas with no team."),
        "{svg}"
    );
    let check = covgap_in(dir.path(), &[&["check"][..], &args[3..]].concat(), None);
    assert!(
        check
            .stderr
            .contains("covgap check: 1,200 areas, 1 team (1 counted)"),
        "{}",
        check.stderr
    );
}

/// Standard error piped into a program that has quit (`covgap run 2>&1 | head -1`): the run
/// still writes every file and exits 0. `eprintln!` panicked at the first message after the
/// pipe closed, ending the run with exit 101 part-way.
#[test]
fn a_run_whose_standard_error_has_gone_still_writes_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("covgap");
    let mut child = std::process::Command::new(bin)
        .current_dir(dir.path())
        .args(["run", "--out", "out"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Closed at once, before the run has read its inputs: every message meets a closed pipe.
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    let mut written: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    let mut want: Vec<&str> = OUTPUTS.to_vec();
    want.sort_unstable();
    assert_eq!(written, want);
}

/// `covgap diff` printing its Markdown into a program that has quit reads as done (exit 0), not
/// as a panic.
#[test]
fn diff_into_a_closed_pipe_exits_quietly() {
    let dir = tempfile::tempdir().unwrap();
    crate::covgap_at(&dir)
        .args(["run", "-q", "--out", "a"])
        .assert()
        .success();
    let bin = assert_cmd::cargo::cargo_bin("covgap");
    let mut child = std::process::Command::new(bin)
        .current_dir(dir.path())
        .args(["diff", "a", "a"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
