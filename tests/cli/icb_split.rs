//! Districts split between ICBs (`data/icb_shares.csv`, `src/icb.rs`): the ICB rollups share
//! such a district's babies out between its ICBs, and `plan --by icb` gives each of them a
//! team when the district is covered.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use proptest::prelude::*;

use covgap::error::Diagnostics;
use covgap::load::Inputs;
use covgap::rollup::{Level, Rollup};
use covgap::Analysis;

use crate::{covgap_at, read_csv};

const EAST_SUFFOLK: &str = "E07000244";
const NORFOLK_WAVENEY: &str = "E54000022";
const SUFFOLK_NE_ESSEX: &str = "E54000023";

fn analysis() -> &'static Analysis {
    static A: OnceLock<Analysis> = OnceLock::new();
    A.get_or_init(|| {
        let mut diag = Diagnostics::new();
        covgap::analyse_inputs(&Inputs::default(), &mut diag).expect("built-in data analyses")
    })
}

fn icb_row<'a>(rs: &'a [Rollup], code: &str) -> &'a Rollup {
    rs.iter()
        .find(|r| r.level == Level::Icb && r.code == code)
        .unwrap_or_else(|| panic!("no ICB row {code}"))
}

/// The built-in districts split between ICBs, and how many extra ICB parts they make.
fn split_districts() -> (usize, usize) {
    let areas = &analysis().study.areas;
    let split: Vec<_> = areas
        .iter()
        .filter(|a| !a.keys.icb_parts.is_empty())
        .collect();
    let extra = split.iter().map(|a| a.keys.icb_parts.len() - 1).sum();
    (split.len(), extra)
}

#[test]
fn twelve_districts_are_split_into_thirteen_extra_parts() {
    assert_eq!(split_districts(), (12, 13));
    // Each split district's primary ICB (gaps.csv's `icb`) is one of its parts.
    for a in analysis().study.areas.iter() {
        if !a.keys.icb_parts.is_empty() {
            let primary = a.keys.icb.as_ref().unwrap();
            assert!(
                a.keys.icb_parts.iter().any(|p| &p.icb == primary),
                "{}",
                a.code
            );
        }
    }
}

#[test]
fn east_suffolks_babies_are_split_between_its_two_icbs() {
    let a = analysis();
    let es = a
        .study
        .areas
        .iter()
        .find(|x| x.code == EAST_SUFFOLK)
        .unwrap();
    let births = es.figure.unwrap();
    assert_eq!(births, 1_915);
    let parts: BTreeMap<&str, u64> = es
        .keys
        .icbs(births)
        .into_iter()
        .map(|(g, n)| (g.code.as_str(), n))
        .collect();
    // 986 and 964 babies aged 0 at mid-2020 in its Norfolk and Waveney and its Suffolk and
    // North East Essex parts: 968.3 and 946.7 of its 1,915 births, 968 and 947 whole.
    assert_eq!(
        parts,
        BTreeMap::from([(NORFOLK_WAVENEY, 968), (SUFFOLK_NE_ESSEX, 947)])
    );
    assert_eq!(parts.values().sum::<u64>(), births);

    // Each ICB's row holds its own districts and its part of East Suffolk, which counts as
    // one of its districts in both.
    let wholly_in = |icb: &str| -> (usize, u64) {
        let ds: Vec<_> = a
            .study
            .areas
            .iter()
            .filter(|x| x.keys.icb_parts.is_empty())
            .filter(|x| x.keys.icb.as_ref().is_some_and(|g| g.code == icb))
            .collect();
        (ds.len(), ds.iter().map(|x| x.figure.unwrap_or(0)).sum())
    };
    for icb in [NORFOLK_WAVENEY, SUFFOLK_NE_ESSEX] {
        let row = icb_row(&a.rollups, icb);
        let (n, babies) = wholly_in(icb);
        assert_eq!(row.areas_total, n + 1, "{icb}");
        assert_eq!(row.demand_total, babies + parts[icb], "{icb}");
    }
    // Norfolk's seven districts are covered, East Suffolk is not.
    let nw = icb_row(&a.rollups, NORFOLK_WAVENEY);
    assert_eq!((nw.areas_total, nw.areas_covered), (8, 7));
    assert_eq!(nw.demand_total - nw.demand_covered, 968);
}

#[test]
fn a_covered_split_district_covers_its_part_of_each_icb() {
    // Vale of White Horse (Oxfordshire's team) lies 102 of its 1,446 babies aged 0 in Bath and
    // North East Somerset, Swindon and Wiltshire's ICB, where no other district has a team.
    let rs = &analysis().rollups;
    let vale = analysis()
        .study
        .areas
        .iter()
        .position(|a| a.code == "E07000180")
        .unwrap();
    assert!(analysis().coverage.areas[vale].covered());
    let n = icb_row(rs, "E54000040");
    assert_eq!((n.areas_total, n.areas_covered), (4, 1));
    let part = analysis().study.areas[vale]
        .keys
        .icbs(analysis().study.areas[vale].figure.unwrap())
        .into_iter()
        .find(|(g, _)| g.code == "E54000040")
        .unwrap()
        .1;
    assert_eq!(n.demand_covered, part);
    assert!(part > 0);
}

#[test]
fn rollups_csv_gives_the_icbs_their_parts() {
    let dir = tempfile::tempdir().unwrap();
    covgap_at(&dir)
        .args(["run", "--out", "out", "-q"])
        .assert()
        .success();
    let rows = read_csv(&dir.path().join("out/rollups.csv"));
    let find = |code: &str| rows.iter().find(|r| r[1] == code).unwrap().clone();
    let (nw, snee) = (find(NORFOLK_WAVENEY), find(SUFFOLK_NE_ESSEX));
    assert_eq!((nw[3].as_str(), nw[4].as_str()), ("8", "7"));
    assert_eq!(snee[3], "7");
    let england = find("E92000001");
    let icbs: Vec<_> = rows.iter().filter(|r| r[0] == "icb").collect();
    let sum = |i: usize| {
        icbs.iter()
            .map(|r| r[i].parse::<u64>().unwrap())
            .sum::<u64>()
    };
    assert_eq!(sum(5), england[5].parse::<u64>().unwrap());
    assert_eq!(sum(6), england[6].parse::<u64>().unwrap());
    assert_eq!(sum(3), england[3].parse::<u64>().unwrap() + 13);
}

#[test]
fn small_areas_go_to_the_icb_their_lsoa_lies_in() {
    use covgap::crs::Located;
    use geo::{polygon, MultiPolygon};
    let study = analysis().study.clone();
    let es = study.areas.iter().find(|x| x.code == EAST_SUFFOLK).unwrap();
    let p = es.point;
    let square = |l: &Located| {
        let (x, y) = (l.wgs84.x(), l.wgs84.y());
        MultiPolygon::new(vec![
            polygon![(x: x - 1e-4, y: y - 1e-4), (x: x + 1e-4, y: y - 1e-4), (x: x + 1e-4, y: y + 1e-4), (x: x - 1e-4, y: y + 1e-4)],
        ])
    };
    // All at East Suffolk's point: the ICB goes by the LSOA's code, not where it is drawn.
    // E01030223 (East Suffolk 010A) is in Norfolk and Waveney, E01030152 in Suffolk and
    // North East Essex; a code the table does not have is shared out as the district is.
    let areas = [("E01030223", 10), ("E01030152", 7), ("X0000001", 5)]
        .into_iter()
        .map(|(code, f)| {
            (
                code.to_string(),
                code.to_string(),
                Some(f),
                square(&p),
                p,
                0,
            )
        })
        .collect();
    let read = covgap::small_areas::ReadSmallAreas {
        areas,
        figure_columns: vec![],
        sources: vec![],
        files: vec!["squares".into()],
        crs: vec!["WGS84 (EPSG:4326)".into()],
    };
    let a = covgap::analyse_with_small_areas(study, read);
    let bands = |code: &str| icb_row(&a.rollups, code).bands.unwrap().total();
    // 5 shared 986:964 is 2.53 and 2.47: 3 and 2.
    assert_eq!(bands(NORFOLK_WAVENEY), 13);
    assert_eq!(bands(SUFFOLK_NE_ESSEX), 9);
    let england = a
        .rollups
        .iter()
        .find(|r| r.level == Level::Nation && r.name == "England")
        .unwrap();
    assert_eq!(england.bands.unwrap().total(), 22);
}

#[test]
fn plan_by_icb_gives_each_icb_of_a_split_district_a_team() {
    let dir = tempfile::tempdir().unwrap();
    covgap_at(&dir)
        .args(["plan", "--by", "icb", "--out", "out", "-q"])
        .assert()
        .success();
    let rows = read_csv(&dir.path().join("out/plan_geographies.csv"));
    // Bath and North East Somerset, Swindon and Wiltshire's ICB has a team: Vale of White
    // Horse, partly in it, is covered.
    assert!(rows.iter().all(|r| r[1] != "E54000040"), "{rows:?}");
    assert_eq!(rows.len() - 1, 28, "{rows:?}");
    // Frimley and Surrey Heartlands have no team; a site in a district lying in both (Guildford,
    // Waverley, Surrey Heath, Runnymede) gives each one, so fewer sites than ICBs.
    let site = |code: &str| rows.iter().find(|r| r[1] == code).unwrap()[5].clone();
    assert_eq!(site("E54000034"), site("E54000063"));
    let sites: std::collections::BTreeSet<&str> = rows[1..].iter().map(|r| r[5].as_str()).collect();
    assert!(sites.len() < rows.len() - 1, "{rows:?}");
    let md = std::fs::read_to_string(dir.path().join("out/plan.md")).unwrap();
    assert!(md.contains("28 of 42 have no team"), "{md}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whole babies shared out add up to the whole, each part within one of its exact share.
    #[test]
    fn apportion_conserves_the_total(
        total in 0u64..10_000_000,
        weights in prop::collection::vec(0u64..100_000, 1..5),
    ) {
        let parts = covgap::icb::apportion(total, &weights);
        prop_assert_eq!(parts.len(), weights.len());
        prop_assert_eq!(parts.iter().sum::<u64>(), total);
        let sum: u64 = weights.iter().sum();
        if sum > 0 {
            for (p, w) in parts.iter().zip(&weights) {
                let exact = total as f64 * *w as f64 / sum as f64;
                prop_assert!((*p as f64 - exact).abs() < 1.0, "{p} vs {exact}");
            }
        }
    }

    /// Any figures and coverage: the ICBs' babies, covered and not, add up to England's,
    /// and their districts to England's plus one per extra part of a split district.
    #[test]
    fn apportioned_icb_totals_conserve_englands(
        covered in prop::collection::vec(any::<bool>(), 361),
        figures in prop::collection::vec(prop::option::weighted(0.9, 0u64..50_000), 361),
    ) {
        let rs = crate::properties::rollups_with(&analysis().study, &figures, &covered);
        let england = rs.iter().find(|r| r.level == Level::Nation && r.name == "England").unwrap();
        let icbs: Vec<&Rollup> = rs.iter().filter(|r| r.level == Level::Icb).collect();
        prop_assert_eq!(icbs.len(), 42);
        prop_assert_eq!(icbs.iter().map(|r| r.demand_total).sum::<u64>(), england.demand_total);
        prop_assert_eq!(icbs.iter().map(|r| r.demand_covered).sum::<u64>(), england.demand_covered);
        let (_, extra) = split_districts();
        prop_assert_eq!(icbs.iter().map(|r| r.areas_total).sum::<usize>(), england.areas_total + extra);
        // Each split district's parts add up to its figure.
        for (a, f) in analysis().study.areas.iter().zip(&figures).filter(|(a, _)| !a.keys.icb_parts.is_empty()) {
            let f = f.unwrap_or(0);
            prop_assert_eq!(a.keys.icbs(f).iter().map(|(_, n)| n).sum::<u64>(), f);
        }
    }
}

/// The ICB rows rest on the built-in shares (and, with small areas, the small areas' ICBs):
/// `run.json` lists both as inputs with their hashes, and `summary.json`'s `sources` names
/// them when a split district is among the areas, so every ICB figure traces to an input.
#[test]
fn run_json_and_summary_json_name_the_icb_tables() {
    let sha = |rel: &str| {
        covgap::write::run::fingerprint_bytes(&std::fs::read(crate::repo_file(rel)).unwrap()).1
    };
    let summary = |o: &crate::Outcome| -> serde_json::Value {
        serde_json::from_slice(&o.files.as_ref().unwrap()["summary.json"]).unwrap()
    };
    let run_json = |o: &crate::Outcome| -> serde_json::Value {
        serde_json::from_slice(&o.files.as_ref().unwrap()["run.json"]).unwrap()
    };
    let run = crate::default_run();
    let v = run_json(run);
    let shares = crate::run_json_input(&v, "icb_shares");
    assert_eq!(
        shares["built_in"], "built-in ICB shares (data/icb_shares.csv)",
        "{shares}"
    );
    assert_eq!(shares["sha256"], sha("data/icb_shares.csv"), "{shares}");
    // Without small areas, the small areas' ICBs are not read.
    assert!(
        !v["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["role"] == "icb_small_areas"),
        "{v}"
    );
    let source = summary(run)["sources"]["icb_shares"].clone();
    assert!(
        source
            .as_str()
            .is_some_and(|s| s.starts_with("built-in ICB shares (data/icb_shares.csv): ")),
        "{source}"
    );

    // Oxford alone splits no district: nothing is shared out.
    let oxford = crate::run_ok(&[
        "--boundaries",
        &crate::fixture("boundaries/oxford_alone.geojson"),
    ]);
    assert_eq!(
        summary(&oxford)["sources"]["icb_shares"],
        serde_json::Value::Null
    );

    // With small areas, their ICBs are an input too.
    let sa = |n: &str| crate::fixture(&format!("small_areas/{n}"));
    let small = crate::run_ok(&[
        "--small-areas",
        &sa("square_in_real_peterborough.geojson"),
        "--small-area-figures",
        &sa("square_in_real_peterborough_figures.csv"),
    ]);
    let v = run_json(&small);
    let lsoas = crate::run_json_input(&v, "icb_small_areas");
    assert_eq!(lsoas["sha256"], sha("data/icb_small_areas.csv"), "{lsoas}");
    let source = summary(&small)["sources"]["icb_shares"].clone();
    assert!(
        source.as_str().is_some_and(
            |s| s.ends_with("by built-in ICBs of small areas (data/icb_small_areas.csv)")
        ),
        "{source}"
    );
}

/// `gaps.csv` names every ICB a split district lies in, with its part of the figure, so the
/// gaps an ICB's staff find by filtering on its name add up to the babies in areas with no team
/// that its `rollups.csv` row counts; by the primary `icb` column alone, Norfolk and Waveney
/// would miss East Suffolk's 968.
#[test]
fn gaps_csv_gives_each_icb_its_part_of_a_split_gap() {
    let o = crate::default_run();
    let gaps = crate::read_csv_text(&o.text("gaps.csv"));
    let col = |name: &str| gaps[0].iter().position(|c| c == name).unwrap();
    let (code, births, icb, parts) = (col("code"), col("births"), col("icb"), col("icb_parts"));
    let east_suffolk = gaps.iter().find(|r| r[code] == EAST_SUFFOLK).unwrap();
    assert_eq!(
        east_suffolk[parts],
        "NHS Suffolk and North East Essex Integrated Care Board (947); NHS Norfolk and Waveney Integrated Care Board (968)"
    );
    // Each ICB's babies in gaps, from gaps.csv: a split district's part, else the whole figure
    // of a district whose ICB it is.
    let mut by_icb: BTreeMap<String, u64> = BTreeMap::new();
    for r in &gaps[1..] {
        let figure: u64 = r[births].parse().unwrap();
        if r[parts].is_empty() {
            if !r[icb].is_empty() {
                *by_icb.entry(r[icb].clone()).or_default() += figure;
            }
            continue;
        }
        let mut sum = 0;
        for part in r[parts].split("; ") {
            let (name, n) = part.rsplit_once(" (").unwrap();
            let n: u64 = n.trim_end_matches(')').replace(',', "").parse().unwrap();
            *by_icb.entry(name.to_string()).or_default() += n;
            sum += n;
        }
        assert_eq!(sum, figure, "{}", r[code]);
    }
    let rollups = crate::read_csv_text(&o.text("rollups.csv"));
    let icb_rows: Vec<_> = rollups.iter().filter(|r| r[0] == "icb").collect();
    assert_eq!(icb_rows.len(), 42);
    for r in icb_rows {
        let uncovered = r[5].parse::<u64>().unwrap() - r[6].parse::<u64>().unwrap();
        assert_eq!(
            by_icb.get(&r[2]).copied().unwrap_or(0),
            uncovered,
            "{}",
            r[2]
        );
    }
}

/// `icb_parts` is read as "mostly in" its first ICB: each split gap's names the ICB of its `icb`
/// column first, then the others by largest part. East Suffolk's primary ICB, Suffolk and North
/// East Essex's (`E54000023`, most of its LSOAs), comes before Norfolk and Waveney's
/// (`E54000022`, whose code sorts first, and which has more of its babies).
#[test]
fn gaps_csv_names_a_split_gaps_primary_icb_first() {
    let o = crate::default_run();
    let gaps = crate::read_csv_text(&o.text("gaps.csv"));
    let col = |name: &str| gaps[0].iter().position(|c| c == name).unwrap();
    let (code, icb, parts) = (col("code"), col("icb"), col("icb_parts"));
    let east_suffolk = gaps.iter().find(|r| r[code] == EAST_SUFFOLK).unwrap();
    assert_eq!(
        east_suffolk[icb],
        "NHS Suffolk and North East Essex Integrated Care Board"
    );
    assert!(
        east_suffolk[parts]
            .starts_with("NHS Suffolk and North East Essex Integrated Care Board (947); "),
        "{}",
        east_suffolk[parts]
    );
    let split: Vec<_> = gaps[1..].iter().filter(|r| !r[parts].is_empty()).collect();
    assert!(split.len() > 1, "{split:?}");
    for r in split {
        let named: Vec<(&str, u64)> = r[parts]
            .split("; ")
            .map(|p| {
                let (name, n) = p.rsplit_once(" (").unwrap();
                (
                    name,
                    n.trim_end_matches(')').replace(',', "").parse().unwrap(),
                )
            })
            .collect();
        assert_eq!(named[0].0, r[icb], "{}", r[code]);
        assert!(
            named[1..].windows(2).all(|w| w[0].1 >= w[1].1),
            "{}: {}",
            r[code],
            r[parts]
        );
    }
}
