//! Boundaries of a geography the built-in lookup gives each district (ICBs, health boards, HSC
//! trusts, upper tiers, regions, nations) with no `--births`: each area takes the built-in
//! district figures summed into it, the same numbers as the district run's `rollups.csv` rows
//! for those geographies. Before, such a run stopped asking for figures with `--births`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::{check, default_run, fixture, read_csv_text, run_ok, Outcome};

const ICBS: &str = "boundaries/icbs_england_jul2022.geojson";

/// `rollups.csv` of a run, by code (the total row has none), each row by column name.
fn rollups(o: &Outcome) -> BTreeMap<String, BTreeMap<String, String>> {
    let rows = read_csv_text(&o.text("rollups.csv"));
    let header = rows[0].clone();
    rows[1..]
        .iter()
        .map(|r| {
            let row: BTreeMap<String, String> =
                header.iter().cloned().zip(r.iter().cloned()).collect();
            (row["code"].clone(), row)
        })
        .collect()
}

/// The codes of the nation rows of [`rollups`].
fn nation_codes(rows: &BTreeMap<String, BTreeMap<String, String>>) -> Vec<&str> {
    rows.iter()
        .filter(|(_, r)| r["level"] == "nation")
        .map(|(code, _)| code.as_str())
        .collect()
}

fn age0_run() -> &'static Outcome {
    static RUN: OnceLock<Outcome> = OnceLock::new();
    RUN.get_or_init(|| run_ok(&["--measure", "age0"]))
}

/// Each area's figure in `areas.geojson` (`births` or `age0`), by code.
fn figures(o: &Outcome, measure: &str) -> BTreeMap<String, Option<u64>> {
    o.areas()
        .into_iter()
        .map(|(c, p)| (c, p[measure].as_u64()))
        .collect()
}

/// The run on `boundaries` gives each area the figure of the district run's rollup row of
/// the geography given, found by the area's code or, for an ICB whose code has changed, its
/// name; returns how many areas were found by name.
fn each_area_is_its_rollup_row(boundaries: &str, measure: &str, level: &str) -> usize {
    let args: Vec<&str> = match measure {
        "age0" => vec!["--boundaries", boundaries, "--measure", "age0"],
        _ => vec!["--boundaries", boundaries],
    };
    let run = run_ok(&args);
    let districts = if measure == "age0" {
        age0_run()
    } else {
        default_run()
    };
    let rows = rollups(districts);
    let total = format!("{measure}_total");
    let mut by_name = 0;
    let areas = run.areas();
    assert!(!areas.is_empty());
    for (code, p) in &areas {
        let row = rows
            .get(code)
            .filter(|r| r["level"] == level)
            .or_else(|| {
                by_name += 1;
                rows.values()
                    .find(|r| r["level"] == level && r["name"] == p["name"].as_str().unwrap())
            })
            .unwrap_or_else(|| panic!("no {level} row for {code}"));
        assert_eq!(
            p[measure].as_u64().map(|v| v.to_string()).as_ref(),
            Some(&row[&total]),
            "{code} ({measure})"
        );
    }
    by_name
}

/// The 42 ICBs of July 2022, with no figures file: each ICB's births are the ICB row of the
/// district run's rollups.csv, districts split between ICBs shared out as there; 40 found by
/// code, Surrey Heartlands and Sussex by name (the lookup has their 2024 codes).
#[test]
fn icbs_take_the_births_of_the_district_runs_icb_rows() {
    let by_name = each_area_is_its_rollup_row(&fixture(ICBS), "births", "icb");
    assert_eq!(by_name, 2);
}

#[test]
fn icbs_take_the_age0_of_the_district_runs_icb_rows() {
    let by_name = each_area_is_its_rollup_row(&fixture(ICBS), "age0", "icb");
    assert_eq!(by_name, 2);
}

#[test]
fn welsh_health_boards_and_ni_trusts_take_their_rollup_rows() {
    for f in [
        "boundaries/wales_health_boards_dissolved.geojson",
        "boundaries/ni_hsc_trusts_dissolved.geojson",
    ] {
        assert_eq!(
            each_area_is_its_rollup_row(&fixture(f), "births", "health_board"),
            0
        );
    }
}

#[test]
fn a_region_and_a_nation_take_their_rollup_rows() {
    let f = fixture("boundaries/region_north_east_dissolved.geojson");
    assert_eq!(each_area_is_its_rollup_row(&f, "births", "region"), 0);
    let f = fixture("boundaries/country_wales_dissolved.geojson");
    assert_eq!(each_area_is_its_rollup_row(&f, "births", "nation"), 0);
}

/// An area that is itself of a geography of the lookup has it as its own, and the geographies
/// all its districts share; a region, upper tier, ICB or board each of whose districts is held
/// by areas given lying wholly in it has its rollup row, with the district run's babies. Before,
/// ICBs, health boards and trusts gave no row but their nation's and "All areas given", and
/// their rows in gaps.csv no region, ICB or health board.
#[test]
fn areas_of_a_geography_give_the_rows_of_the_geographies_they_lie_in() {
    let run = run_ok(&["--boundaries", &fixture(ICBS)]);
    let rows = rollups(&run);
    let districts = rollups(default_run());
    let at = |level: &str| -> Vec<&str> {
        rows.iter()
            .filter(|(_, r)| r["level"] == level)
            .map(|(c, _)| c.as_str())
            .collect()
    };
    assert_eq!(at("icb").len(), 42);
    assert_eq!(at("region"), ["E12000004", "E12000005", "E12000007"]);
    assert_eq!(at("upper_tier"), ["E06000066", "E10000013", "E10000019"]);
    for (code, r) in rows.iter().filter(|(_, r)| r["level"] != "all") {
        assert_eq!(r["births_total"], districts[code]["births_total"], "{code}");
    }
    // The four ICBs lying in two regions by the built-in shares have no region.
    let areas = run.areas();
    let no_region: Vec<&str> = areas
        .iter()
        .filter(|(_, p)| p["region"].is_null())
        .map(|(c, _)| c.as_str())
        .collect();
    assert_eq!(
        no_region,
        ["E54000024", "E54000040", "E54000048", "E54000050"]
    );
    assert_eq!(areas["E54000013"]["region"], "East Midlands");
    let gaps = read_csv_text(&run.text("gaps.csv"));
    let col = |n: &str| gaps[0].iter().position(|h| h == n).unwrap();
    let lincs = gaps.iter().find(|r| r[col("code")] == "E54000013").unwrap();
    assert_eq!(
        [
            &lincs[col("icb")],
            &lincs[col("region")],
            &lincs[col("upper_tier")]
        ],
        [
            "NHS Lincolnshire Integrated Care Board",
            "East Midlands",
            "Lincolnshire"
        ]
    );

    // Boards and trusts name themselves as the health board, and have its row.
    for (f, n) in [
        ("boundaries/wales_health_boards_dissolved.geojson", 7),
        ("boundaries/ni_hsc_trusts_dissolved.geojson", 5),
    ] {
        let run = run_ok(&["--boundaries", &fixture(f)]);
        let rows = rollups(&run);
        let boards: Vec<&BTreeMap<String, String>> = rows
            .values()
            .filter(|r| r["level"] == "health_board")
            .collect();
        assert_eq!(boards.len(), n, "{f}");
        for r in boards {
            assert_eq!(
                r["births_total"], districts[&r["code"]]["births_total"],
                "{f}"
            );
        }
        let gaps = read_csv_text(&run.text("gaps.csv"));
        let col = |n: &str| gaps[0].iter().position(|h| h == n).unwrap();
        assert!(gaps.len() > 2, "{f}");
        for g in &gaps[1..] {
            assert_eq!(
                g[col("health_board")],
                districts[&g[col("code")]]["name"],
                "{f}"
            );
        }
    }
}

/// Upper tiers: Oxfordshire county (E10000025) takes its five districts' births (7,119); West
/// Berkshire, a unitary authority whose upper-tier code is its district code, keeps its own.
#[test]
fn a_county_is_summed_and_a_unitary_keeps_its_own_figure() {
    let run = run_ok(&[
        "--boundaries",
        &fixture("boundaries/upper_tiers_oxfordshire_county_and_west_berkshire.geojson"),
    ]);
    let f = figures(&run, "births");
    assert_eq!(f["E10000025"], Some(7_119));
    let districts = default_run().areas();
    assert_eq!(f["E06000037"], districts["E06000037"]["births"].as_u64());
    run.assert_stderr_has(&[
        "for 1 of the 2 areas given, from 5 districts",
        "1 area given is a district itself",
    ]);
    assert!(run.warning_lines().is_empty(), "{}", run.stderr);
}

/// Two of the 42 ICBs: North Yorkshire lies partly in both and partly in a third (Lancashire
/// and South Cumbria), not given: only its parts in the two count, so each ICB's births are
/// still its row in the district run, and the note says how much of North Yorkshire counted.
#[test]
fn icbs_of_part_of_england_count_only_the_parts_of_districts_in_them() {
    let run = run_ok(&[
        "--boundaries",
        &fixture("boundaries/icbs_west_yorkshire_humber_north_yorkshire.geojson"),
    ]);
    let rows = rollups(default_run());
    let f = figures(&run, "births");
    for icb in ["E54000051", "E54000054"] {
        assert_eq!(
            f[icb].map(|v| v.to_string()).as_ref(),
            Some(&rows[icb]["births_total"]),
            "{icb}"
        );
    }
    run.assert_stderr_has(&[
        "for 2 of the 2 areas given, from 11 districts",
        "nor the parts outside them of the districts split between ICBs lying partly in them: North Yorkshire (E06000065: 4,869 of 4,917)",
    ]);
}

/// The note, as a note (not a warning), in run.json's problems and the figures' source in
/// summary.md and summary.json; `check` says the same and finds no problem.
#[test]
fn the_sum_is_said_in_a_note_and_the_sources() {
    let run = run_ok(&["--boundaries", &fixture(ICBS)]);
    let note = "figures summed from the built-in district figures: each area's figure (live births, 1 July 2019 to 30 June 2020) is the sum of the built-in figures of the districts the built-in lookup (data/areas.csv) puts in it";
    run.assert_stderr_has(&[
        &format!("note: built-in areas (data/areas.csv): {note}"),
        "for 42 of the 42 areas given, from 296 districts",
        "the 12 districts split between ICBs are shared out between them",
        "NHS Surrey Heartlands Integrated Care Board (E54000052, E54000063 in the lookup)",
        "NHS Sussex Integrated Care Board (E54000053, E54000064 in the lookup)",
    ]);
    assert!(run.warning_lines().is_empty(), "{}", run.stderr);
    let problems = run.json("run.json")["problems"].clone();
    assert!(
        problems
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["severity"] == "note" && p["message"].as_str().unwrap().starts_with(note)),
        "{problems}"
    );
    let source = "births by local authority (summed for each area given from the built-in districts in it by the built-in lookup, data/areas.csv, with districts split between ICBs shared out by data/icb_shares.csv)";
    assert!(run.text("summary.md").contains(source));
    assert!(run.summary()["sources"]["figures_source"]
        .as_str()
        .unwrap()
        .ends_with(source));
    assert_eq!(run.summary()["areas_without_figure"], 0);
    // summary.json names the shares among its sources, as it does on the districts, though no
    // area given is itself split.
    let shares = run.summary()["sources"]["icb_shares"].clone();
    assert!(
        shares
            .as_str()
            .is_some_and(|s| s.starts_with("built-in ICB shares (data/icb_shares.csv)")),
        "{shares}"
    );

    let checked = check(&["--boundaries", &fixture(ICBS)]);
    assert_eq!(checked.code, 0, "{}", checked.stderr);
    checked.assert_stderr_has(&[note, "covgap check: 42 areas, "]);
    assert!(checked.stderr.contains("0 errors, 0 warnings"));

    // With the population aged 0, the note names it and its period.
    let age0 = crate::check(&["--boundaries", &fixture(ICBS), "--measure", "age0"]);
    age0.assert_stderr_has(&[
        "each area's figure (population aged 0, mid-2022 (30 June 2022)) is the sum",
    ]);
}

/// An ICB the lookup has no district for (a code and name it does not know) keeps no figure,
/// reported as any area without one is; the others are summed.
#[test]
fn an_area_the_lookup_has_no_district_for_keeps_no_figure() {
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture(ICBS)).unwrap()).unwrap();
    let kept: Vec<Value> = doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            ["E54000057", "E54000053"].contains(&f["properties"]["icb22_code"].as_str().unwrap())
        })
        .cloned()
        .map(|mut f| {
            if f["properties"]["icb22_code"] == "E54000053" {
                f["properties"]["icb22_code"] = "E54000099".into();
                f["properties"]["icb22_name"] = "NHS Nowhere Integrated Care Board".into();
            }
            f
        })
        .collect();
    doc["features"] = Value::Array(kept);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("icbs_one_unknown.geojson");
    std::fs::write(&path, doc.to_string()).unwrap();
    let run = run_ok(&["--boundaries", path.to_str().unwrap()]);
    let f = figures(&run, "births");
    assert_eq!(f["E54000099"], None);
    assert_eq!(
        f["E54000057"].map(|v| v.to_string()).as_ref(),
        Some(&rollups(default_run())["E54000057"]["births_total"])
    );
    run.assert_stderr_has(&[
        "for 1 of the 2 areas given",
        "the lookup puts no district in 1 area, which has no figure: NHS Nowhere Integrated Care Board (E54000099)",
        "warning: built-in areas (data/areas.csv): no figure for 1 area in the boundaries: E54000099; it is left out of totals",
    ]);
    assert_eq!(run.summary()["areas_without_figure"], 1);
}

/// Boundaries of no geography the lookup gives (small areas, codes of one's own) still need
/// figures of their own: the error says so.
#[test]
fn small_areas_and_own_codes_still_need_their_own_figures() {
    for f in [
        "boundaries/lsoas_oxford_swindon.geojson",
        "boundaries/own_codes_no_figures.geojson",
    ] {
        let run = crate::run(&["--boundaries", &fixture(f)]);
        assert_eq!(run.code, 1, "{f}: {}", run.stderr);
        run.assert_stderr_has(&[
            "no figure matched any area code in the boundaries",
            "so boundaries of another geography (small areas, your own codes) need figures for their own areas: give them with --births FILE",
        ]);
        assert!(!run.stderr.contains("figures summed"), "{}", run.stderr);
    }
}

/// On ICB boundaries an ICB has a team exactly when the district run's ICB row counts a
/// covered district in it. A team serving a district split between ICBs counts for each ICB
/// the district lies in: Vale of White Horse's team (Oxfordshire's) gives Bath and North East
/// Somerset, Swindon and Wiltshire's ICB its only team, as `rollups.csv` and `plan --by icb`
/// have it. Before, it counted for the district's primary ICB alone: 13 ICBs, not 14.
#[test]
fn icbs_have_a_team_where_the_district_runs_icb_rows_count_one() {
    let run = run_ok(&["--boundaries", &fixture(ICBS)]);
    let rows = rollups(default_run());
    let mut covered = 0;
    for (code, p) in run.areas() {
        let row = rows
            .get(&code)
            .filter(|r| r["level"] == "icb")
            .or_else(|| {
                rows.values()
                    .find(|r| r["level"] == "icb" && r["name"] == p["name"].as_str().unwrap())
            })
            .unwrap_or_else(|| panic!("no ICB row for {code}"));
        let has_team = p["covered"].as_bool().unwrap();
        assert_eq!(has_team, row["areas_covered"] != "0", "{code}");
        covered += usize::from(has_team);
    }
    assert_eq!(covered, 14);
    let bsw = &run.areas()["E54000040"];
    assert_eq!(bsw["covered"], Value::Bool(true));
    assert!(bsw["teams"].as_str().unwrap().contains("OXPIP"), "{bsw}");
}

/// A team serving a district split between two ICBs counts for both on ICB boundaries, also
/// when one ICB's code there is another year's and it is found by name: Guildford lies 18% in
/// Frimley's ICB (the same code in 2022 and 2024) and 82% in Surrey Heartlands' (`E54000052`
/// in July 2022, `E54000063` in the lookup), and `rollups.csv` counts it in both. Before, the
/// search stopped at Frimley, found by code, and the team counted there alone: Surrey
/// Heartlands, holding most of Guildford and whose figure takes its share, read as having no
/// team. The note says "the district it serves", one district however many areas hold it
/// (it had said "the districts").
#[test]
fn a_team_in_a_split_district_counts_for_an_icb_found_by_name_too() {
    let run = run_ok(&[
        "--boundaries",
        &fixture(ICBS),
        "--teams",
        &fixture("teams/guildford_only.csv"),
    ]);
    let areas = run.areas();
    let covered: Vec<&str> = areas
        .iter()
        .filter(|(_, p)| p["covered"] == Value::Bool(true))
        .map(|(c, _)| c.as_str())
        .collect();
    assert_eq!(covered, ["E54000034", "E54000052"], "{}", run.stderr);
    run.assert_stderr_has(&["Guildford team: the district it serves is not an area of the boundaries given; it counts for the areas holding it by the built-in lookup (data/areas.csv): Guildford (E07000209) in NHS Frimley Integrated Care Board (E54000034); Guildford (E07000209) in NHS Surrey Heartlands Integrated Care Board (E54000052) (by name: the lookup's code for it is another year's)"]);
}

/// A team not counted under the evidence rule is not said to count for the area holding its
/// districts: on Scotland's health boards, the built-in list's NHS Tayside team (a candidate)
/// was noted as counting for Tayside, which the same run listed as its largest gap.
#[test]
fn a_team_not_counted_is_not_said_to_count_for_the_area_holding_its_districts() {
    let dir = tempfile::tempdir().unwrap();
    let teams = dir.path().join("teams.csv");
    std::fs::write(
        &teams,
        "name,areas_served,evidence\nBelfast team,N09000003,pif_named\nDerry team,Derry City and Strabane,candidate\n",
    )
    .unwrap();
    let run = run_ok(&[
        "--boundaries",
        &fixture("boundaries/ni_hsc_trusts_dissolved.geojson"),
        "--teams",
        teams.to_str().unwrap(),
    ]);
    run.assert_stderr_has(&[
        "Belfast team: the district it serves is not an area of the boundaries given; it counts for the area holding it by the built-in lookup (data/areas.csv): Belfast (N09000003) in Belfast (BHSCT)",
        "Derry team: the district it serves is not an area of the boundaries given; it is not counted (evidence \"candidate\"), but would count for the area holding it by the built-in lookup (data/areas.csv): Derry City and Strabane (N09000005) in Western (WHSCT)",
    ]);
    assert!(!run.stderr.contains(
        "Derry team: the district it serves is not an area of the boundaries given; it counts for"
    ));
    let gaps = read_csv_text(&run.text("gaps.csv"));
    assert!(gaps.iter().any(|r| r[1] == "WHSCT"), "{gaps:?}");
    assert!(!gaps.iter().any(|r| r[1] == "BHSCT"), "{gaps:?}");
}

/// Nor that it counts for the areas lying in the district holding its base (LSOAs as
/// boundaries), nor for the area holding its base in place of the districts it names: the same
/// notes for a team not counted say that it would.
#[test]
fn a_team_not_counted_is_not_said_to_count_for_the_areas_holding_its_base() {
    let dir = tempfile::tempdir().unwrap();
    let teams = dir.path().join("teams.csv");
    std::fs::write(
        &teams,
        "name,areas_served,latitude,longitude,evidence\nCity team,E07000178,,,pif_named\nOx cand,,51.752,-1.2577,candidate\nFar cand,Leeds,51.752,-1.2577,candidate\n",
    )
    .unwrap();
    let mut args = crate::lsoa_inputs();
    args.extend(["--teams".into(), teams.display().to_string()]);
    let run = run_ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    run.assert_stderr_has(&[
        "Ox cand: names no areas served, so serves the district holding its base, Oxford (E07000178); it is not counted (evidence \"candidate\"), but would count for the 82 areas given lying in it",
        "Far cand: no area it serves is an area of the boundaries given or in one (Leeds (E08000035)); it is not counted (evidence \"candidate\"), but would count instead for the area holding its base, Oxford 008A (E01028521)",
    ]);
    for line in run.stderr.lines().filter(|l| l.contains(" cand: ")) {
        assert!(!line.contains("; it counts"), "{line}");
    }
}

/// The 7 Welsh health boards hold every Welsh district, so a run on them is a run on all of
/// Wales: `rollups.csv` and `summary.md`'s "By nation" have a Wales row, with the district
/// run's babies and coverage (the boards' seven areas for its 22 districts). Before, they gave
/// "All areas given" alone, since no district's code is among them.
#[test]
fn the_welsh_health_boards_have_the_district_runs_wales_row() {
    let run = run_ok(&[
        "--boundaries",
        &fixture("boundaries/wales_health_boards_dissolved.geojson"),
    ]);
    let rows = rollups(&run);
    assert_eq!(nation_codes(&rows), ["W92000004"]);
    let wales = &rows["W92000004"];
    let districts = &rollups(default_run())["W92000004"];
    assert_eq!(wales["areas_total"], "7");
    assert_eq!(districts["areas_total"], "22");
    for column in [
        "name",
        "births_total",
        "births_covered",
        "percent_covered",
        "areas_without_figure",
        "period",
    ] {
        assert_eq!(wales[column], districts[column], "{column}");
    }
    let md = run.text("summary.md");
    let by_nation = md.split("## By nation").nth(1).unwrap();
    let by_nation = by_nation.split("\n## ").next().unwrap();
    assert!(
        by_nation.contains("| Wales | 7 | 0 | 29,411 | 0 | 0.0 |"),
        "{by_nation}"
    );
    // The built-in small areas are read only for boundaries with small areas' codes.
    let roles: Vec<String> = run.json("run.json")["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["role"].as_str().unwrap().to_string())
        .collect();
    assert!(
        !roles.contains(&"nation_small_areas".to_string()),
        "{roles:?}"
    );
}

/// Boundaries of all 1,917 of Wales's LSOAs 2021 (ONS's current ones, 80 of whose codes no
/// 2011 LSOA has) have a Wales row in `rollups.csv`, summing them, and `run.json` lists the
/// built-in 2011 and 2021 small areas read to tell so. Before, they gave "All areas given"
/// alone. The squares are small stand-ins in mid Wales, one a code.
#[test]
fn all_of_wales_lsoas_2021_have_a_wales_row() {
    let table = std::fs::read_to_string(crate::repo_file("data/small_areas_2021.csv")).unwrap();
    let codes: Vec<String> = table
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .filter(|(first, _)| first.starts_with("W01"))
        .flat_map(|(first, last)| {
            let n = |c: &str| c[3..].parse::<u32>().unwrap();
            (n(first)..=n(last)).map(|k| format!("W01{k:06}"))
        })
        .collect();
    assert_eq!(codes.len(), 1_917);
    let features: Vec<Value> = codes
        .iter()
        .enumerate()
        .map(|(i, code)| {
            let (x, y) = (
                -4.0 + (i % 44) as f64 * 0.02,
                51.8 + (i / 44) as f64 * 0.015,
            );
            let (x2, y2) = (x + 0.01, y + 0.01);
            serde_json::json!({
                "type": "Feature",
                "properties": {"LSOA21CD": code, "LSOA21NM": code},
                "geometry": {"type": "Polygon",
                    "coordinates": [[[x, y], [x2, y], [x2, y2], [x, y2], [x, y]]]}
            })
        })
        .collect();
    let geojson = serde_json::json!({"type": "FeatureCollection", "features": features});
    let births: String = std::iter::once("code,births\n".to_string())
        .chain(codes.iter().map(|c| format!("{c},1\n")))
        .collect();
    let run = crate::covgap_with_files(
        &[
            ("lsoa21.geojson", &geojson.to_string()),
            ("births.csv", &births),
        ],
        &[
            "run",
            "-q",
            "--boundaries",
            "lsoa21.geojson",
            "--births",
            "births.csv",
            "--out",
            "out",
        ],
        Some("out"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = rollups(&run);
    assert_eq!(nation_codes(&rows), ["W92000004"]);
    assert_eq!(rows["W92000004"]["areas_total"], "1917");
    assert_eq!(rows["W92000004"]["births_total"], "1917");
    let roles: Vec<String> = run.json("run.json")["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["role"].as_str().unwrap().to_string())
        .collect();
    for role in ["nation_small_areas", "nation_small_areas_2021"] {
        assert!(roles.contains(&role.to_string()), "{role}: {roles:?}");
    }
}

/// The GeoJSON boundaries at `path` without the features one of whose properties is among
/// `left_out` (codes), each of which must drop one feature.
fn geojson_without(path: &std::path::Path, left_out: &[&str]) -> Value {
    let mut v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let features = v["features"].as_array_mut().unwrap();
    let before = features.len();
    features.retain(|f| {
        !f["properties"]
            .as_object()
            .unwrap()
            .values()
            .any(|p| p.as_str().is_some_and(|p| left_out.contains(&p)))
    });
    assert_eq!(features.len(), before - left_out.len(), "{left_out:?}");
    v
}

/// [`geojson_without`], written into `dir`: its path.
fn write_without(dir: &std::path::Path, path: &std::path::Path, left_out: &[&str]) -> String {
    let out = dir.join(format!("without_{}.geojson", left_out.join("_")));
    std::fs::write(&out, geojson_without(path, left_out).to_string()).unwrap();
    out.to_str().unwrap().to_string()
}

/// The built-in district boundaries without `left_out` (codes), written into `dir`.
fn districts_without(dir: &std::path::Path, left_out: &[&str]) -> String {
    let built_in = crate::repo_file("data/boundaries/lad_may2024_uk_buc.geojson");
    write_without(dir, &built_in, left_out)
}

/// The UK's districts without the Isles of Scilly and the City of London (two districts
/// analyses often leave out for their size) and without the Isle of Anglesey: England and
/// Wales have no row of their own, and a note says why and names the districts missing, where
/// the run said nothing. A third English district missing is a part of England, not an
/// oversight: no note.
#[test]
fn nearly_all_of_a_nations_districts_are_told_why_it_has_no_row() {
    let dir = tempfile::tempdir().unwrap();
    let three = districts_without(dir.path(), &["E06000053", "E09000001", "W06000001"]);
    let run = run_ok(&["--boundaries", &three]);
    let rows = rollups(&run);
    assert_eq!(nation_codes(&rows), ["N92000002", "S92000003"]);
    let note = |nation: &str| {
        run.stderr
            .lines()
            .find(|l| l.starts_with("note:") && l.contains(&format!("of {nation}'s")))
            .map(str::to_string)
    };
    let england = note("England").expect("a note on England");
    assert!(
        england.ends_with("294 of England's 296 districts are among the areas, but not Isles of Scilly (E06000053) and City of London (E09000001): England has no row of its own in \"By nation\" or rollups.csv (its areas count in \"All areas given\"), since their figures are not all of England's"),
        "{england}"
    );
    let wales = note("Wales").expect("a note on Wales");
    assert!(
        wales.contains(
            "21 of Wales's 22 districts are among the areas, but not Isle of Anglesey (W06000001):"
        ),
        "{wales}"
    );
    assert!(note("Scotland").is_none() && note("Northern Ireland").is_none());
    let problems = run.json("run.json")["problems"].to_string();
    assert!(
        problems.contains("294 of England's 296 districts"),
        "{problems}"
    );
    // Three of England's missing: no note on England.
    let four = districts_without(
        dir.path(),
        &["E06000053", "E09000001", "E06000001", "W06000001"],
    );
    let run = run_ok(&["--boundaries", &four]);
    assert!(!run.stderr.contains("of England's"), "{}", run.stderr);
    assert!(
        run.stderr.contains("21 of Wales's 22 districts"),
        "{}",
        run.stderr
    );
}

const TRUSTS: &str = "boundaries/ni_hsc_trusts_dissolved.geojson";

/// Northern Ireland's five HSC trusts hold every Northern Irish district, so a run on them is
/// a run on all of Northern Ireland: `rollups.csv` and `summary.md`'s "By nation" have its
/// row, with the district run's babies (the trusts' five areas for its 11 districts), and the
/// trusts' nation is Northern Ireland in `gaps.csv` and `areas.geojson`. Before, the trusts'
/// codes (`BHSCT`, ... : not ONS codes) named no nation: "Unknown" in the nation column, and
/// "All areas given" alone, as the 7 Welsh health boards gave Wales's row.
#[test]
fn the_five_hsc_trusts_have_the_district_runs_northern_ireland_row() {
    let run = run_ok(&["--boundaries", &fixture(TRUSTS)]);
    let rows = rollups(&run);
    assert_eq!(nation_codes(&rows), ["N92000002"]);
    let ni = &rows["N92000002"];
    let districts = &rollups(default_run())["N92000002"];
    assert_eq!(ni["areas_total"], "5");
    assert_eq!(districts["areas_total"], "11");
    for column in ["name", "births_total", "areas_without_figure", "period"] {
        assert_eq!(ni[column], districts[column], "{column}");
    }
    assert_eq!(ni["births_total"], "21899");
    // Coverage is by area: a trust with a team counts whole, as a district does on districts
    // (3 of the 5 trusts, 14,644 babies; 5 of the 11 districts, 10,110).
    assert_eq!(ni["areas_covered"], "3");
    assert_eq!(ni["births_covered"], "14644");
    let md = run.text("summary.md");
    let by_nation = md.split("## By nation").nth(1).unwrap();
    let by_nation = by_nation.split("\n## ").next().unwrap();
    assert!(
        by_nation.contains("| Northern Ireland | 5 | 3 | 21,899 | 14,644 | 66.9 |"),
        "{by_nation}"
    );
    let gaps = read_csv_text(&run.text("gaps.csv"));
    let nation = gaps[0].iter().position(|h| h == "nation").unwrap();
    let codes: Vec<(&str, &str)> = gaps[1..]
        .iter()
        .map(|r| (r[1].as_str(), r[nation].as_str()))
        .collect();
    assert_eq!(
        codes,
        [("BHSCT", "Northern Ireland"), ("WHSCT", "Northern Ireland")]
    );
    for (code, p) in run.areas() {
        assert_eq!(p["nation"], "Northern Ireland", "{code}");
    }
}

/// Four of the five trusts are not all of Northern Ireland: no nation row, only "All areas
/// given", as with one Welsh health board missing. The fixture less its Western trust.
#[test]
fn four_hsc_trusts_have_no_northern_ireland_row() {
    let doc = geojson_without(&crate::fixture_path(TRUSTS), &["WHSCT"]);
    assert_eq!(doc["features"].as_array().unwrap().len(), 4);
    let run = crate::covgap_with_files(
        &[("trusts.geojson", &doc.to_string())],
        &[
            "run",
            "-q",
            "--boundaries",
            "trusts.geojson",
            "--out",
            "out",
        ],
        Some("out"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = rollups(&run);
    assert!(nation_codes(&rows).is_empty(), "{rows:?}");
    let md = run.text("summary.md");
    let by_nation = md.split("## By nation").nth(1).unwrap();
    let by_nation = by_nation.split("\n## ").next().unwrap();
    assert!(!by_nation.contains("| Northern Ireland |"), "{by_nation}");
    assert!(
        by_nation.contains("| All areas given | 4 | 3 | 18,697 | 14,644 | 78.3 |"),
        "{by_nation}"
    );
    // The four trusts are still Northern Ireland's areas.
    for (code, p) in run.areas() {
        assert_eq!(p["nation"], "Northern Ireland", "{code}");
    }
}

/// All but one of a nation's health boards, HSC trusts or ICBs: the nation has no row, and a
/// note says why, naming the one missing, as for districts and small areas. Before, the run
/// said nothing. The ICBs of July 2022 find two ICBs by name (their codes have changed since):
/// they are not named as missing.
#[test]
fn all_but_one_of_a_nations_boards_trusts_or_icbs_are_told_why_it_has_no_row() {
    let dir = tempfile::tempdir().unwrap();
    for (boundaries, left_out, said) in [
        (
            "boundaries/wales_health_boards_dissolved.geojson",
            "W11000023",
            "6 of Wales's 7 health boards are among the areas, but not Betsi Cadwaladr University Health Board (W11000023): Wales has no row of its own",
        ),
        (
            TRUSTS,
            "WHSCT",
            "4 of Northern Ireland's 5 HSC trusts are among the areas, but not Western Health and Social Care Trust (WHSCT): Northern Ireland has no row of its own",
        ),
        (
            ICBS,
            "E54000008",
            "41 of England's 42 ICBs are among the areas, but not NHS Cheshire and Merseyside Integrated Care Board (E54000008): England has no row of its own",
        ),
    ] {
        let boundaries_less_one =
            write_without(dir.path(), &crate::fixture_path(boundaries), &[left_out]);
        let run = run_ok(&["--boundaries", &boundaries_less_one]);
        assert!(nation_codes(&rollups(&run)).is_empty(), "{boundaries}");
        let notes: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| l.contains("are among the areas, but not"))
            .collect();
        assert_eq!(notes.len(), 1, "{boundaries}: {notes:?}");
        assert!(notes[0].starts_with("note: ") && notes[0].contains(said), "{notes:?}");
    }
    // All of them: the nation's row, and no note.
    let run = run_ok(&["--boundaries", &fixture(ICBS)]);
    assert!(
        !run.stderr.contains("are among the areas"),
        "{}",
        run.stderr
    );
}
