//! Property tests through the library: the R-tree index agrees with brute force on the real
//! district geometries, rollups conserve totals, and results do not depend on the number of
//! threads.

use std::sync::OnceLock;

use geo::{Coord, MultiPolygon};
use proptest::prelude::*;

use covgap::coverage::{AreaResult, Coverage};
use covgap::error::Diagnostics;
use covgap::index::{locate_brute_force, nearest_brute_force, AreaIndex};
use covgap::load::Inputs;
use covgap::rollup::{rollups, Level, Rollup};
use covgap::Analysis;

/// The built-in analysis, made once.
fn analysis() -> &'static Analysis {
    static A: OnceLock<Analysis> = OnceLock::new();
    A.get_or_init(|| {
        let mut diag = Diagnostics::new();
        covgap::analyse_inputs(&Inputs::default(), &mut diag).expect("built-in data analyses")
    })
}

/// The districts on British National Grid, as the index takes them, and the index.
fn indexed() -> &'static (Vec<(usize, MultiPolygon)>, AreaIndex) {
    static I: OnceLock<(Vec<(usize, MultiPolygon)>, AreaIndex)> = OnceLock::new();
    I.get_or_init(|| {
        let areas: Vec<(usize, MultiPolygon)> = analysis()
            .study
            .areas
            .iter()
            .enumerate()
            .map(|(i, a)| (i, a.bng.clone()))
            .collect();
        let index = AreaIndex::new(areas.clone());
        (areas, index)
    })
}

/// Every vertex of every district, for points exactly on boundaries.
fn vertices() -> &'static Vec<Coord> {
    static V: OnceLock<Vec<Coord>> = OnceLock::new();
    V.get_or_init(|| {
        indexed()
            .0
            .iter()
            .flat_map(|(_, mp)| mp.0.iter())
            .flat_map(|p| {
                p.exterior()
                    .0
                    .iter()
                    .chain(p.interiors().iter().flat_map(|r| r.0.iter()))
            })
            .copied()
            .collect()
    })
}

/// The UK on the grid, with a margin of sea.
const X: std::ops::Range<f64> = -50_000.0..750_000.0;
const Y: std::ops::Range<f64> = -50_000.0..1_300_000.0;

fn check_nearest(c: Coord) -> Result<(), TestCaseError> {
    let (areas, index) = indexed();
    let fast = index.nearest(c);
    let slow = nearest_brute_force(areas, c);
    match (fast, slow) {
        (Some((fa, fd)), Some((sa, sd))) => {
            prop_assert!((fd - sd).abs() <= 1e-6, "at {c:?}: {fd} m vs {sd} m");
            // Equal distances (a point in two overlapping areas, or equidistant) may pick
            // either area only if both are at that distance; the rule says the first.
            prop_assert_eq!(
                fa,
                sa,
                "at {:?}: area {} ({} m) vs {} ({} m)",
                c,
                fa,
                fd,
                sa,
                sd
            );
        }
        other => prop_assert!(false, "at {c:?}: {other:?}"),
    }
    Ok(())
}

/// The rollups of `study` with each area's figure replaced by `figures` and each area covered
/// (by team 0) where `covered` says so: any figures and coverage, for the property tests.
pub fn rollups_with(
    study: &covgap::model::Study,
    figures: &[Option<u64>],
    covered: &[bool],
) -> Vec<Rollup> {
    let mut study = study.clone();
    for (area, f) in study.areas.iter_mut().zip(figures) {
        area.figure = *f;
    }
    let cov = Coverage {
        areas: covered
            .iter()
            .map(|&c| AreaResult {
                teams: if c { vec![0] } else { vec![] },
                nearest: None,
                gap_rank: None,
                bands: None,
                icb_bands: vec![],
            })
            .collect(),
        gaps: vec![],
        targets: vec![],
    };
    rollups(&study, &cov)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn locate_equals_brute_force_on_random_points(x in X, y in Y) {
        let (areas, index) = indexed();
        let c = Coord { x, y };
        prop_assert_eq!(index.locate(c), locate_brute_force(areas, c), "at {:?}", c);
    }

    #[test]
    fn locate_equals_brute_force_on_vertices(i in any::<prop::sample::Index>()) {
        let (areas, index) = indexed();
        let v = vertices();
        let c = v[i.index(v.len())];
        let found = index.locate(c);
        prop_assert!(found.is_some(), "vertex {:?} is in no area", c);
        prop_assert_eq!(found, locate_brute_force(areas, c), "at {:?}", c);
    }

    #[test]
    fn nearest_equals_brute_force_on_random_points(x in X, y in Y) {
        check_nearest(Coord { x, y })?;
    }

    #[test]
    fn nearest_equals_brute_force_near_boundaries(i in any::<prop::sample::Index>(), dx in -3000.0..3000.0f64, dy in -3000.0..3000.0f64) {
        let v = vertices();
        let c = v[i.index(v.len())];
        check_nearest(Coord { x: c.x + dx, y: c.y + dy })?;
    }
}

fn assert_conserved(rs: &[Rollup]) -> Result<(), TestCaseError> {
    let uk: Vec<&Rollup> = rs.iter().filter(|r| r.level == Level::Uk).collect();
    prop_assert_eq!(uk.len(), 1);
    let uk = uk[0];
    let sum = |level: Level, f: fn(&Rollup) -> u64| -> u64 {
        rs.iter().filter(|r| r.level == level).map(f).sum()
    };
    for (what, f) in [
        (
            "areas_total",
            (|r: &Rollup| r.areas_total as u64) as fn(&Rollup) -> u64,
        ),
        ("areas_covered", |r: &Rollup| r.areas_covered as u64),
        ("areas_without_figure", |r: &Rollup| {
            r.areas_without_figure as u64
        }),
        ("demand_total", |r: &Rollup| r.demand_total),
        ("demand_covered", |r: &Rollup| r.demand_covered),
    ] {
        prop_assert_eq!(sum(Level::Nation, f), f(uk), "nations' {} vs UK", what);
    }
    // English regions and ICBs partition England; health boards partition the rest.
    let england = rs
        .iter()
        .find(|r| r.level == Level::Nation && r.name == "England")
        .expect("England");
    for level in [Level::Region, Level::Icb, Level::UpperTier] {
        let t: u64 = sum(level, |r| r.demand_total);
        let c: u64 = sum(level, |r| r.demand_covered);
        if level == Level::UpperTier {
            prop_assert_eq!(t, uk.demand_total, "upper tiers vs UK");
            prop_assert_eq!(c, uk.demand_covered);
        } else {
            prop_assert_eq!(t, england.demand_total, "{:?} vs England", level);
            prop_assert_eq!(c, england.demand_covered);
        }
    }
    let hb: u64 = sum(Level::HealthBoard, |r| r.demand_total);
    prop_assert_eq!(hb, uk.demand_total - england.demand_total);
    for r in rs {
        prop_assert!(r.areas_covered <= r.areas_total);
        prop_assert!(r.demand_covered <= r.demand_total);
        prop_assert!(r
            .percent_covered()
            .is_none_or(|p| (0.0..=100.0).contains(&p)));
        prop_assert!(r.areas_without_figure <= r.areas_total);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any covered set and any figures (some suppressed): nations add up to the UK.
    #[test]
    fn rollups_conserve_totals_for_any_coverage_and_figures(
        covered in prop::collection::vec(any::<bool>(), 361),
        figures in prop::collection::vec(prop::option::weighted(0.9, 0u64..20_000), 361),
    ) {
        let a = analysis();
        let rs = rollups_with(&a.study, &figures, &covered);
        assert_conserved(&rs)?;
        let uk = rs.iter().find(|r| r.level == Level::Uk).unwrap();
        prop_assert_eq!(uk.areas_covered, covered.iter().filter(|&&c| c).count());
        prop_assert_eq!(uk.demand_total, figures.iter().flatten().sum::<u64>());
        prop_assert_eq!(uk.areas_without_figure, figures.iter().filter(|f| f.is_none()).count());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Any subset of the built-in teams counted, through the whole analysis.
    #[test]
    fn rollups_conserve_totals_for_any_counted_teams(counted in prop::collection::vec(any::<bool>(), 64)) {
        let mut study = analysis().study.clone();
        for (t, c) in study.teams.iter_mut().zip(counted.iter().cycle()) {
            t.counted = *c;
        }
        let a = covgap::analyse(study);
        assert_conserved(&a.rollups)?;
        // The gaps are exactly the uncovered areas, ranked 1..n.
        let n = a.coverage.areas.iter().filter(|r| !r.covered()).count();
        prop_assert_eq!(a.coverage.gaps.len(), n);
        for (rank, &i) in a.coverage.gaps.iter().enumerate() {
            prop_assert_eq!(a.coverage.areas[i].gap_rank, Some(rank + 1));
        }
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let render = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut diag = Diagnostics::new();
            covgap::analyse_inputs(&Inputs::default(), &mut diag)
                .unwrap()
                .render()
        })
    };
    let one = render(1);
    let two = render(2);
    assert_eq!(one.len(), two.len());
    for (a, b) in one.iter().zip(&two) {
        assert_eq!(a.name, b.name);
        assert!(
            a.bytes == b.bytes,
            "{} differs between 1 and 2 threads",
            a.name
        );
    }
    let four = render(4);
    for (a, b) in one.iter().zip(&four) {
        assert!(
            a.bytes == b.bytes,
            "{} differs between 1 and 4 threads",
            a.name
        );
    }
}
