//! The planning problem as data: demand points with weights and British National Grid
//! coordinates, candidate sites and sites already fixed, each with the demand it covers.
//! This is what `--export-instance` writes, so anyone can re-solve it with another solver.
//!
//! Demand points are the districts, or, when small areas are given (`--small-areas`), the
//! small areas with a figure: each with its figure as babies, its representative point and
//! the district holding it (for reports and for its deprivation share). A site covers:
//! - without a radius, every demand point in the districts it covers (the district it is in,
//!   or the districts its list entry names; with areas smaller than districts as the
//!   study's areas, every area lying in the built-in district it is in or names, as `run`
//!   counts it);
//! - with a radius, every demand point whose representative point lies within the radius of
//!   its base (found with an R-tree), plus every demand point in the districts its list entry
//!   names.
//!
//! So with small areas and no radius, the plan is the district plan counted in small-area
//! figures: a small area is covered exactly when its district is.

use std::collections::{HashMap, HashSet};

use rstar::primitives::GeomWithData;
use rstar::RTree;
use serde::{Deserialize, Serialize};

use crate::crs::Located;
use crate::error::{Error, Result};
use crate::model::{HoldingDistrict, Study, Team};
use crate::read::deprivation::DeprivationTable;
use crate::small_areas::SmallAreas;

/// A weighted maximum-coverage problem: demand weights, and the demand points each site
/// covers (indices into `weights`).
#[derive(Debug, Clone, PartialEq)]
pub struct MaxCover {
    pub weights: Vec<f64>,
    pub sets: Vec<Vec<usize>>,
}

impl MaxCover {
    /// Total weight covered by `sites` (each demand point counted once).
    ///
    /// # Examples
    /// ```
    /// use covgap::plan::instance::MaxCover;
    /// let p = MaxCover { weights: vec![1.0, 2.0], sets: vec![vec![0, 1], vec![1]] };
    /// assert_eq!(p.value(&[0, 1]), 3.0);
    /// ```
    pub fn value(&self, sites: &[usize]) -> f64 {
        let mut covered = vec![false; self.weights.len()];
        for &s in sites {
            for &d in &self.sets[s] {
                covered[d] = true;
            }
        }
        covered
            .iter()
            .zip(&self.weights)
            .filter(|(c, _)| **c)
            .map(|(_, w)| w)
            .sum()
    }

    /// The same problem made small: demand points that weigh nothing or that no site covers
    /// are dropped, and demand points covered by exactly the same sites are merged into one
    /// (their weights summed, in demand order). Any set of sites covers the same weight in
    /// both, so every solver gives the same answer on either; sites keep their indices.
    /// The 41,729 LSOAs and Data Zones under a 40 km radius become 2,101 groups.
    ///
    /// # Examples
    /// ```
    /// use covgap::plan::instance::MaxCover;
    /// // Demand 0 and 2 are covered by sites 0 and 1 alike; demand 3 by no site.
    /// let p = MaxCover { weights: vec![1.0, 2.0, 4.0, 8.0], sets: vec![vec![0, 2], vec![0, 1, 2]] };
    /// let a = p.aggregated();
    /// assert_eq!(a.weights, vec![5.0, 2.0]);
    /// assert_eq!(a.sets, vec![vec![0], vec![0, 1]]);
    /// assert_eq!(a.value(&[1]), p.value(&[1]));
    /// ```
    pub fn aggregated(&self) -> MaxCover {
        let mut coverers: Vec<Vec<usize>> = vec![Vec::new(); self.weights.len()];
        for (j, s) in self.sets.iter().enumerate() {
            for &d in s {
                // Sites come in index order, so a repeat within one set is the last entry.
                if coverers[d].last() != Some(&j) {
                    coverers[d].push(j);
                }
            }
        }
        let mut group: HashMap<Vec<usize>, usize> = HashMap::new();
        let mut weights: Vec<f64> = Vec::new();
        let mut sets: Vec<Vec<usize>> = vec![Vec::new(); self.sets.len()];
        for (d, c) in coverers.into_iter().enumerate() {
            let w = self.weights[d];
            if c.is_empty() || w <= 0.0 {
                continue;
            }
            match group.get(&c) {
                Some(&g) => weights[g] += w,
                None => {
                    let g = weights.len();
                    weights.push(w);
                    for &j in &c {
                        sets[j].push(g);
                    }
                    group.insert(c, g);
                }
            }
        }
        MaxCover { weights, sets }
    }
}

/// What a newly covered baby counts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RankBy {
    /// The demand figure (births by default; the small-area figure with --small-areas).
    Births,
    /// The figure weighted by need: `figure × (1 + share of the district's small areas in
    /// the nation's most deprived decile)`, so babies in the most deprived tenth count twice.
    /// A small area takes the share of the district holding it.
    Need,
}

impl RankBy {
    pub fn key(self) -> &'static str {
        match self {
            RankBy::Births => "births",
            RankBy::Need => "need",
        }
    }

    /// Words for reports, for demand in `areas`.
    pub fn describe(self, kind: DemandKind, areas: AreaUnit) -> String {
        let (area, _) = areas.words();
        match (self, kind) {
            (RankBy::Births, _) => "the demand figure".into(),
            (RankBy::Need, DemandKind::Districts) => format!("need-weighted demand: the figure × (1 + share of the {area}'s small areas in its nation's most deprived 10%), so babies in the most deprived tenth count twice"),
            (RankBy::Need, DemandKind::SmallAreas) => "need-weighted demand: each small area's figure × (1 + share of its district's small areas in the nation's most deprived 10%), so babies in the most deprived tenth count twice".into(),
        }
    }
}

/// Which demand a team covers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Model {
    /// A team covers the districts its list entry names, or the district it is placed in.
    District,
    /// Every demand point (district, or small area when given) whose representative point
    /// lies within this many kilometres (straight line on British National Grid) of the
    /// team's base, plus the districts its list entry names.
    Radius(f64),
}

impl Model {
    pub fn radius_km(self) -> Option<f64> {
        match self {
            Model::District => None,
            Model::Radius(r) => Some(r),
        }
    }

    /// Words for reports, for demand in `unit`.
    pub fn describe(self, kind: DemandKind, unit: AreaUnit) -> String {
        let (area, areas) = unit.words();
        match (self, kind) {
            (Model::District, DemandKind::Districts) => match unit {
                AreaUnit::Smaller => "a team covers every area lying in the district it is placed in (or in the districts its list entry names), as in `covgap run`".into(),
                _ => format!("a team covers the {area} it is placed in (or the {areas} its list entry names)"),
            },
            (Model::District, DemandKind::SmallAreas) => "a team covers every small area in the district it is placed in (or in the districts its list entry names)".into(),
            (Model::Radius(r), DemandKind::Districts) => format!("a team covers every {area} whose representative point lies within {r} km of its base (straight line on British National Grid), and any {area} its list entry names"),
            (Model::Radius(r), DemandKind::SmallAreas) => format!("a team covers every small area whose representative point lies within {r} km of its base (straight line on British National Grid), and every small area in any district its list entry names"),
        }
    }
}

/// What the areas given are, for the words of `plan.md`: the plan's demand points under
/// [`DemandKind::Districts`] are the areas, whatever their geography.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaUnit {
    /// Built-in districts ([`Study::areas_are_districts`]).
    Districts,
    /// Areas smaller than districts (LSOAs, wards, Data Zones), each lying in a built-in
    /// district ([`Study::holding_districts`]).
    Smaller,
    /// Areas of another geography: HSC trusts, health boards, ICBs, your own codes.
    Other,
}

impl AreaUnit {
    /// The kind of the study's areas.
    pub fn of(study: &Study) -> AreaUnit {
        if study.areas_are_districts {
            AreaUnit::Districts
        } else if !study.holding_districts.is_empty() {
            AreaUnit::Smaller
        } else {
            AreaUnit::Other
        }
    }

    /// A demand point in words, singular and plural: "district", or "area".
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            AreaUnit::Districts => ("district", "districts"),
            AreaUnit::Smaller | AreaUnit::Other => ("area", "areas"),
        }
    }

    /// One demand point with its article: "a district", or "an area".
    pub fn one(self) -> &'static str {
        match self {
            AreaUnit::Districts => "a district",
            AreaUnit::Smaller | AreaUnit::Other => "an area",
        }
    }
}

/// What the demand points are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemandKind {
    /// One per district, with the district's figure.
    Districts,
    /// One per small area with a figure (`--small-areas`), with that figure.
    SmallAreas,
}

impl DemandKind {
    /// The name used in files.
    pub fn key(self) -> &'static str {
        match self {
            DemandKind::Districts => "districts",
            DemandKind::SmallAreas => "small_areas",
        }
    }

    /// Plural words for reports.
    pub fn plural(self) -> &'static str {
        match self {
            DemandKind::Districts => "districts",
            DemandKind::SmallAreas => "small areas",
        }
    }
}

/// One demand point: a district or a small area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemandPoint {
    pub code: String,
    pub name: String,
    /// Code of the district holding a small area; absent when the point is a district.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// The demand figure (0 when the district has none).
    pub babies: u64,
    /// What the plan maximises: `babies`, or its need-weighted value.
    pub weight: f64,
    /// Representative point, British National Grid easting and northing in metres.
    pub x: f64,
    pub y: f64,
    /// Share of the district's small areas in the nation's most deprived decile, when known.
    pub deprivation: Option<f64>,
}

impl DemandPoint {
    /// The code of the district the point is in (its own code when it is a district).
    pub fn district_code(&self) -> &str {
        self.district.as_deref().unwrap_or(&self.code)
    }
}

/// The demand points of a plan, with the districts they lie in and an R-tree over their
/// representative points.
#[derive(Debug, Clone)]
pub struct DemandPoints {
    pub kind: DemandKind,
    pub rank_by: RankBy,
    /// Which figure `babies` is, in words, for reports.
    pub figure: String,
    pub points: Vec<DemandPoint>,
    /// For each of the study's districts, the demand points in it, ascending.
    pub in_district: Vec<Vec<usize>>,
    tree: RTree<GeomWithData<[f64; 2], usize>>,
}

impl DemandPoints {
    /// The demand points for a study: its small areas when given, else its districts.
    /// `need` is required for `RankBy::Need`; every district with demand must be in it.
    pub fn of(
        study: &Study,
        small: Option<&SmallAreas>,
        rank_by: RankBy,
        need: Option<&DeprivationTable>,
    ) -> Result<DemandPoints> {
        match small {
            Some(sm) => DemandPoints::small_areas(study, sm, rank_by, need),
            None => DemandPoints::districts(study, rank_by, need),
        }
    }

    /// One demand point per district, at its representative point, with its figure.
    ///
    /// # Examples
    /// ```
    /// use covgap::{error::Diagnostics, load};
    /// use covgap::plan::instance::{DemandPoints, RankBy};
    /// let study = load::load(&load::Inputs::default(), &mut Diagnostics::new()).unwrap();
    /// let d = DemandPoints::districts(&study, RankBy::Births, None).unwrap();
    /// assert_eq!(d.points.len(), 361);
    /// ```
    pub fn districts(
        study: &Study,
        rank_by: RankBy,
        need: Option<&DeprivationTable>,
    ) -> Result<DemandPoints> {
        let rows = study.areas.iter().enumerate().map(|(i, a)| Row {
            code: a.code.clone(),
            name: a.name.clone(),
            district: i,
            babies: a.figure.unwrap_or(0),
            x: a.point.bng.x(),
            y: a.point.bng.y(),
        });
        let figure = format!(
            "{}, {} ({})",
            study.demand.measure.describe(),
            study.demand.period,
            study.demand.source
        );
        build_demand(study, DemandKind::Districts, figure, rows, rank_by, need)
    }

    /// One demand point per small area with a figure, at its representative point, in
    /// small-area code order. Small areas with no figure weigh nothing and are left out.
    pub fn small_areas(
        study: &Study,
        small: &SmallAreas,
        rank_by: RankBy,
        need: Option<&DeprivationTable>,
    ) -> Result<DemandPoints> {
        let rows = small.areas.iter().filter_map(|sa| {
            Some(Row {
                code: sa.code.clone(),
                name: sa.name.clone(),
                district: sa.district?,
                babies: sa.figure?,
                x: sa.point.bng.x(),
                y: sa.point.bng.y(),
            })
        });
        let figure = format!(
            "the small-area figures, {}",
            small.figure_columns.join("; ")
        );
        build_demand(study, DemandKind::SmallAreas, figure, rows, rank_by, need)
    }

    /// Demand points whose representative point is within `metres` of (`x`, `y`) on British
    /// National Grid (distance `<=` `metres`, as `hypot` computes it), ascending.
    ///
    /// # Examples
    /// ```
    /// use covgap::{error::Diagnostics, load};
    /// use covgap::plan::instance::{DemandPoints, RankBy};
    /// let study = load::load(&load::Inputs::default(), &mut Diagnostics::new()).unwrap();
    /// let d = DemandPoints::districts(&study, RankBy::Births, None).unwrap();
    /// let p = &d.points[0];
    /// assert!(d.within(p.x, p.y, 0.0).contains(&0));
    /// assert_eq!(d.within(p.x, p.y, 2_000_000.0).len(), 361);
    /// ```
    pub fn within(&self, x: f64, y: f64, metres: f64) -> Vec<usize> {
        // The R-tree compares squared distances; ask a little wider and decide each point
        // as the brute-force loop (and the exported instance's readers) do, with `hypot`.
        let wide = metres * (1.0 + 1e-9) + 1e-6;
        let mut out: Vec<usize> = self
            .tree
            .locate_within_distance([x, y], wide * wide)
            .map(|g| g.data)
            .filter(|&d| {
                let p = &self.points[d];
                (p.x - x).hypot(p.y - y) <= metres
            })
            .collect();
        out.sort_unstable();
        out
    }

    /// Total babies.
    pub fn total(&self) -> u64 {
        self.points.iter().map(|d| d.babies).sum()
    }
}

/// A demand point before weighting.
struct Row {
    code: String,
    name: String,
    district: usize,
    babies: u64,
    x: f64,
    y: f64,
}

fn build_demand(
    study: &Study,
    kind: DemandKind,
    figure: String,
    rows: impl Iterator<Item = Row>,
    rank_by: RankBy,
    need: Option<&DeprivationTable>,
) -> Result<DemandPoints> {
    let mut missing: Vec<String> = Vec::new();
    let mut in_district: Vec<Vec<usize>> = vec![Vec::new(); study.areas.len()];
    let mut points = Vec::new();
    // Areas smaller than districts given as boundaries take the share of the built-in district
    // they lie in ([`Study::holding_districts`]), as a small area takes its district's.
    let lies_in: HashMap<usize, &str> = study
        .holding_districts
        .iter()
        .flat_map(|d| d.areas.iter().map(move |&i| (i, d.code.as_str())))
        .collect();
    for (n, r) in rows.enumerate() {
        let code = &study.areas[r.district].code;
        let deprivation = need
            .and_then(|t| {
                t.get(code)
                    .or_else(|| lies_in.get(&r.district).and_then(|d| t.get(d)))
            })
            .map(|d| d.most_deprived_decile_share);
        let weight = match (rank_by, deprivation) {
            (RankBy::Births, _) => r.babies as f64,
            (RankBy::Need, Some(d)) => r.babies as f64 * (1.0 + d),
            (RankBy::Need, None) => {
                if r.babies > 0 && missing.last() != Some(code) && !missing.contains(code) {
                    missing.push(code.clone());
                }
                r.babies as f64
            }
        };
        in_district[r.district].push(n);
        points.push(DemandPoint {
            district: match kind {
                DemandKind::Districts => None,
                DemandKind::SmallAreas => Some(code.clone()),
            },
            code: r.code,
            name: r.name,
            babies: r.babies,
            weight,
            x: r.x,
            y: r.y,
            deprivation,
        });
    }
    if !missing.is_empty() {
        missing.sort();
        let source = match need {
            Some(t) if t.built_in => format!(
                "{}; it covers the 361 UK districts of May 2024 by code (give your own table with --deprivation FILE)",
                t.source
            ),
            Some(t) => t.source.clone(),
            None => "no deprivation table was given".into(),
        };
        // The table's rows that match no area given nor any current district: codes of
        // other years (Fife's S12000015 before 2018) or written otherwise (mistyped),
        // most likely those of the districts missing, so the user is shown them.
        let unmatched = need.map_or_else(String::new, |t| {
            let given: HashSet<&str> = study
                .areas
                .iter()
                .map(|a| a.code.as_str())
                .chain(study.holding_districts.iter().map(|d| d.code.as_str()))
                .collect();
            let built_in = crate::land::built_in_codes();
            let mut odd: Vec<(&str, &str, u64)> = t
                .districts
                .iter()
                .filter(|(c, _)| {
                    !given.contains(c.as_str()) && built_in.binary_search(&c.as_str()).is_err()
                })
                .map(|(c, d)| (c.as_str(), d.table.as_str(), d.line))
                .collect();
            if odd.is_empty() {
                return String::new();
            }
            odd.sort_by(|a, b| (a.1, a.2, a.0).cmp(&(b.1, b.2, b.0)));
            let shown: Vec<String> = odd
                .iter()
                .map(|(c, table, line)| format!("{c} ({table}, line {line})"))
                .collect();
            format!(
                "; {} {} no area given nor any current UK district: {} (codes of another year, or written otherwise?)",
                odd.len(),
                crate::write::plural(odd.len(), "row of the deprivation table matches", "rows of the deprivation tables match"),
                crate::write::first_of(shown.iter(), 10),
            )
        });
        return Err(Error::Plan(format!(
            "--rank-by need: no deprivation figure for {} {} with demand: {} (deprivation from {source}){unmatched}",
            missing.len(),
            crate::write::plural(missing.len(), "district", "districts"),
            crate::write::first_of(missing.iter(), 10),
        )));
    }
    let tree = RTree::bulk_load(
        points
            .iter()
            .enumerate()
            .map(|(i, p)| GeomWithData::new([p.x, p.y], i))
            .collect(),
    );
    Ok(DemandPoints {
        kind,
        rank_by,
        figure,
        points,
        in_district,
        tree,
    })
}

/// A team site, fixed or candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub name: String,
    /// Code of the site's district: the one holding its base or, for a site with no base,
    /// the one district it serves; `None` for a site with no base serving several districts
    /// (or none).
    pub district: Option<String>,
    pub at: Option<Located>,
    /// Demand points covered (indices into the instance's demand), ascending.
    pub covers: Vec<usize>,
}

/// The whole problem.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub model: Model,
    pub rank_by: RankBy,
    /// New sites to choose.
    pub add: usize,
    /// Districts, or small areas.
    pub demand_kind: DemandKind,
    /// What the areas of [`DemandKind::Districts`] are, for the words of reports.
    pub areas: AreaUnit,
    /// Which figure a demand point's `babies` is, in words.
    pub figure: String,
    /// One per district in the study's area order, or one per small area with a figure in
    /// code order.
    pub demand: Vec<DemandPoint>,
    pub candidates: Vec<Site>,
    /// Existing teams and what-if teams, kept as they are.
    pub fixed: Vec<Site>,
}

/// Demand covered by a site that names `named` districts and is based at `at`.
fn site_covers(
    demand: &DemandPoints,
    model: Model,
    named: &[usize],
    at: Option<&Located>,
) -> Vec<usize> {
    let mut covers: Vec<usize> = named
        .iter()
        .flat_map(|&i| demand.in_district[i].iter().copied())
        .collect();
    if let (Model::Radius(km), Some(at)) = (model, at) {
        covers.extend(demand.within(at.bng.x(), at.bng.y(), km * 1000.0));
    }
    covers.sort_unstable();
    covers.dedup();
    covers
}

fn team_site(study: &Study, demand: &DemandPoints, model: Model, t: &Team) -> Site {
    let at = t.base.as_ref().map(|b| b.at);
    // Under a radius the district holding the base is covered only if its representative
    // point is within reach, like any other: coverage then follows from the coordinates and
    // the named areas alone, so another solver can rebuild it from the exported instance.
    let named = match model {
        Model::District => &t.covers,
        Model::Radius(_) => &t.areas_served,
    };
    // A site given only by the areas it serves is in its district when it serves one; serving
    // several, it is in none of them more than another.
    let district = t.host_area.or(match (&t.base, t.areas_served.as_slice()) {
        (None, [one]) => Some(*one),
        _ => None,
    });
    Site {
        name: t.name.clone(),
        district: district.map(|i| study.areas[i].code.clone()),
        covers: site_covers(demand, model, named, at.as_ref()),
        at,
    }
}

impl Instance {
    /// Builds the problem: `fixed` are the teams kept as they are (counted existing teams and
    /// what-if teams); `candidates` the possible new sites, or `None` for every district no
    /// fixed team covers, placed at its representative point (which, with small areas, is
    /// the figure-weighted centroid of its small areas). Under a radius such a candidate
    /// names no district: it covers what lies within the radius of its point. Without one,
    /// with areas smaller than districts as the study's areas ([`Study::holding_districts`]),
    /// the candidates are instead the built-in districts holding an area no fixed team
    /// covers, each at the built-in district's representative point, covering every area
    /// lying in it, as `run` counts a team serving it; an area lying in none is a candidate
    /// of its own.
    ///
    /// # Examples
    /// ```
    /// use covgap::{error::Diagnostics, load};
    /// use covgap::plan::instance::{DemandPoints, Instance, Model, RankBy};
    /// let study = load::load(&load::Inputs::default(), &mut Diagnostics::new()).unwrap();
    /// let fixed: Vec<_> = study.teams.iter().filter(|t| t.counted).cloned().collect();
    /// let demand = DemandPoints::districts(&study, RankBy::Births, None).unwrap();
    /// let inst = Instance::build(&study, &demand, &fixed, None, Model::District, 5);
    /// assert_eq!(inst.demand.len(), 361);
    /// assert!(inst.candidates.iter().all(|c| c.covers.len() == 1));
    /// ```
    pub fn build(
        study: &Study,
        demand: &DemandPoints,
        fixed: &[Team],
        candidates: Option<&[Team]>,
        model: Model,
        add: usize,
    ) -> Instance {
        let fixed_teams = fixed;
        let fixed: Vec<Site> = fixed_teams
            .iter()
            .map(|t| team_site(study, demand, model, t))
            .collect();
        let candidates: Vec<Site> = match candidates {
            Some(list) => list
                .iter()
                .map(|t| team_site(study, demand, model, t))
                .collect(),
            None => {
                let mut has_team = vec![false; study.areas.len()];
                // "Without a team" in the campaign's sense: no fixed team is placed in or
                // names the district, whatever a radius would add.
                for &i in fixed_teams.iter().flat_map(|t| &t.covers) {
                    has_team[i] = true;
                }
                // With areas smaller than districts given, a team in a district counts for
                // every area lying in it, as `run` counts it: one candidate per such district
                // with an area lacking a team, in place of its areas. Under a radius a site
                // covers what is in reach of its point, so each area's point stays a
                // candidate of its own, a finer choice of places.
                let holding: &[HoldingDistrict] = match model {
                    Model::District => &study.holding_districts,
                    Model::Radius(_) => &[],
                };
                let mut in_holding = vec![false; study.areas.len()];
                let mut sites: Vec<Site> = Vec::new();
                for d in holding {
                    for &i in &d.areas {
                        in_holding[i] = true;
                    }
                    if d.areas.iter().all(|&i| has_team[i]) {
                        continue;
                    }
                    sites.push(Site {
                        name: d.name.clone(),
                        district: Some(d.code.clone()),
                        covers: site_covers(demand, model, &d.areas, Some(&d.point)),
                        at: Some(d.point),
                    });
                }
                sites.extend(
                    study
                        .areas
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| !has_team[*i] && !in_holding[*i])
                        .map(|(i, a)| {
                            let own = [i];
                            let named: &[usize] = match model {
                                Model::District => &own,
                                Model::Radius(_) => &[],
                            };
                            Site {
                                name: a.name.clone(),
                                district: Some(a.code.clone()),
                                covers: site_covers(demand, model, named, Some(&a.point)),
                                at: Some(a.point),
                            }
                        }),
                );
                sites
            }
        };
        Instance {
            model,
            rank_by: demand.rank_by,
            add,
            demand_kind: demand.kind,
            areas: AreaUnit::of(study),
            figure: demand.figure.clone(),
            demand: demand.points.clone(),
            candidates,
            fixed,
        }
    }

    /// Demand points covered by the fixed sites.
    pub fn covered_by_fixed(&self) -> Vec<bool> {
        let mut c = vec![false; self.demand.len()];
        for s in &self.fixed {
            for &d in &s.covers {
                c[d] = true;
            }
        }
        c
    }

    /// The weight the fixed sites already cover: what every plan starts from.
    pub fn fixed_value(&self) -> f64 {
        self.demand
            .iter()
            .zip(self.covered_by_fixed())
            .filter(|(_, f)| *f)
            .map(|(d, _)| d.weight)
            .sum()
    }

    /// The problem the solvers see: demand already covered by fixed sites weighs nothing,
    /// and demand points covered by the same candidate sites are merged
    /// ([`MaxCover::aggregated`]); site indices are candidate indices.
    pub fn max_cover(&self) -> MaxCover {
        let fixed = self.covered_by_fixed();
        MaxCover {
            weights: self
                .demand
                .iter()
                .zip(&fixed)
                .map(|(d, f)| if *f { 0.0 } else { d.weight })
                .collect(),
            sets: self.candidates.iter().map(|c| c.covers.clone()).collect(),
        }
        .aggregated()
    }

    /// The coverage model in words, for this instance's demand.
    pub fn model_description(&self) -> String {
        self.model.describe(self.demand_kind, self.areas)
    }

    /// What the plan maximises, in words.
    pub fn weight_description(&self) -> String {
        self.rank_by.describe(self.demand_kind, self.areas)
    }

    /// The instance as JSON (format `covgap-plan-instance/2`, see [`FORMAT`]); `solutions`
    /// (covgap's own answers) is added as given.
    pub fn to_json(&self, solutions: Option<serde_json::Value>) -> Vec<u8> {
        let site = |(id, s): (usize, &Site)| SiteJson {
            id,
            name: s.name.clone(),
            district: s.district.clone(),
            x: s.at.map(|a| a.bng.x()),
            y: s.at.map(|a| a.bng.y()),
            covers: s.covers.clone(),
        };
        let doc = InstanceJson {
            format: FORMAT.into(),
            coordinates: "British National Grid (EPSG:27700) easting and northing, metres".into(),
            demand_points: Some(self.demand_kind.key().into()),
            demand_figure: Some(self.figure.clone()),
            model: match self.model {
                Model::District => "district".into(),
                Model::Radius(_) => "radius".into(),
            },
            model_description: self.model_description(),
            radius_km: self.model.radius_km(),
            radius_m: self.model.radius_km().map(|r| r * 1000.0),
            rank_by: self.rank_by.key().into(),
            weight: self.weight_description(),
            add: self.add,
            demand: self.demand.clone(),
            candidates: self.candidates.iter().enumerate().map(site).collect(),
            fixed: self.fixed.iter().enumerate().map(site).collect(),
            solutions,
        };
        let mut s = serde_json::to_string_pretty(&doc).expect("json");
        s.push('\n');
        s.into_bytes()
    }

    /// Reads an instance written by [`Instance::to_json`]: format `covgap-plan-instance/2`,
    /// or `/1` (written before small-area demand; its demand points are districts).
    ///
    /// # Examples
    /// ```
    /// use covgap::{error::Diagnostics, load};
    /// use covgap::plan::instance::{DemandPoints, Instance, Model, RankBy};
    /// let study = load::load(&load::Inputs::default(), &mut Diagnostics::new()).unwrap();
    /// let fixed: Vec<_> = study.teams.iter().filter(|t| t.counted).cloned().collect();
    /// let demand = DemandPoints::districts(&study, RankBy::Births, None).unwrap();
    /// let inst = Instance::build(&study, &demand, &fixed, None, Model::Radius(30.0), 3);
    /// let back = Instance::from_json(&inst.to_json(None), "test").unwrap();
    /// assert_eq!(back.max_cover(), inst.max_cover());
    /// assert_eq!((&back.figure, back.demand_kind), (&inst.figure, inst.demand_kind));
    /// // Coordinates come back to within a unit in the last place (serde_json's float parsing).
    /// assert!(back.demand.iter().zip(&inst.demand).all(|(b, i)| b.code == i.code && (b.x - i.x).abs() < 1e-6));
    /// ```
    pub fn from_json(bytes: &[u8], path: &str) -> Result<Instance> {
        let err = |message: String| Error::Format {
            path: path.into(),
            message,
        };
        let doc: InstanceJson = serde_json::from_slice(bytes)
            .map_err(|e| err(format!("not a covgap plan instance: {e}")))?;
        let demand_kind = match (doc.format.as_str(), doc.demand_points.as_deref()) {
            (FORMAT_1, _) => DemandKind::Districts,
            (FORMAT, Some("districts")) => DemandKind::Districts,
            (FORMAT, Some("small_areas")) => DemandKind::SmallAreas,
            (FORMAT, other) => {
                return Err(err(format!(
                    "demand_points {other:?}, expected \"districts\" or \"small_areas\""
                )))
            }
            (f, _) => {
                return Err(err(format!(
                    "format {f:?}, expected {FORMAT:?} (or {FORMAT_1:?})"
                )))
            }
        };
        let model = match (doc.model.as_str(), doc.radius_km) {
            ("district", _) => Model::District,
            ("radius", Some(r)) => Model::Radius(r),
            (m, _) => return Err(err(format!("model {m:?} with radius {:?}", doc.radius_km))),
        };
        let rank_by = match doc.rank_by.as_str() {
            "births" => RankBy::Births,
            "need" => RankBy::Need,
            r => return Err(err(format!("rank_by {r:?}"))),
        };
        let n = doc.demand.len();
        let site = |s: SiteJson| -> Result<Site> {
            if let Some(&d) = s.covers.iter().find(|&&d| d >= n) {
                return Err(err(format!(
                    "site {} covers demand point {d}, but there are {n}",
                    s.id
                )));
            }
            let at = match (s.x, s.y) {
                (Some(x), Some(y)) => Some(Located::from_bng(x, y)?),
                _ => None,
            };
            Ok(Site {
                name: s.name,
                district: s.district,
                at,
                covers: s.covers,
            })
        };
        Ok(Instance {
            model,
            rank_by,
            add: doc.add,
            demand_kind,
            areas: AreaUnit::Districts,
            figure: doc.demand_figure.unwrap_or_default(),
            demand: doc.demand,
            candidates: doc
                .candidates
                .into_iter()
                .map(site)
                .collect::<Result<_>>()?,
            fixed: doc.fixed.into_iter().map(site).collect::<Result<_>>()?,
        })
    }
}

/// The format `--export-instance` writes. Version 2 added `demand_points` (`"districts"` or
/// `"small_areas"`), `demand_figure` (which figure `babies` is) and, for small areas, each
/// demand point's `district`; everything else is as in version 1.
pub const FORMAT: &str = "covgap-plan-instance/2";
/// The first format (district demand only), still read.
pub const FORMAT_1: &str = "covgap-plan-instance/1";

#[derive(Debug, Serialize, Deserialize)]
struct SiteJson {
    id: usize,
    name: String,
    district: Option<String>,
    x: Option<f64>,
    y: Option<f64>,
    covers: Vec<usize>,
}

#[derive(Debug, Serialize, Deserialize)]
struct InstanceJson {
    format: String,
    coordinates: String,
    /// Absent in version 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    demand_points: Option<String>,
    /// Absent in version 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    demand_figure: Option<String>,
    model: String,
    model_description: String,
    radius_km: Option<f64>,
    radius_m: Option<f64>,
    rank_by: String,
    weight: String,
    add: usize,
    demand: Vec<DemandPoint>,
    candidates: Vec<SiteJson>,
    fixed: Vec<SiteJson>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    solutions: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn demand_at(points: &[(f64, f64)]) -> DemandPoints {
        let points: Vec<DemandPoint> = points
            .iter()
            .enumerate()
            .map(|(i, &(x, y))| DemandPoint {
                code: format!("D{i}"),
                name: String::new(),
                district: None,
                babies: 1,
                weight: 1.0,
                x,
                y,
                deprivation: None,
            })
            .collect();
        DemandPoints {
            kind: DemandKind::SmallAreas,
            rank_by: RankBy::Births,
            figure: String::new(),
            in_district: Vec::new(),
            tree: RTree::bulk_load(
                points
                    .iter()
                    .enumerate()
                    .map(|(i, p)| GeomWithData::new([p.x, p.y], i))
                    .collect(),
            ),
            points,
        }
    }

    fn arb_problem() -> impl Strategy<Value = MaxCover> {
        crate::plan::arb_max_cover(16, 9, 40, usize::MAX)
    }

    #[test]
    fn a_point_exactly_on_the_radius_is_within() {
        // 3-4-5 triangles: distances of exactly 5 km.
        let d = demand_at(&[(3000.0, 4000.0), (-4000.0, 3000.0), (3000.0, 4000.1)]);
        assert_eq!(d.within(0.0, 0.0, 5000.0), vec![0, 1]);
        assert_eq!(d.within(0.0, 0.0, 4999.999), Vec::<usize>::new());
    }

    #[test]
    fn aggregation_merges_identical_coverage_and_drops_the_rest() {
        // Demand 0, 2 and 4 are covered by sites 0 and 1; demand 1 by site 1 alone; demand 3
        // by no site; demand 5 weighs nothing.
        let p = MaxCover {
            weights: vec![1.0, 2.0, 3.0, 4.0, 5.0, 0.0],
            sets: vec![vec![0, 2, 4, 5], vec![4, 2, 1, 0, 5], vec![]],
        };
        let a = p.aggregated();
        assert_eq!(a.weights, vec![9.0, 2.0]);
        assert_eq!(a.sets, vec![vec![0], vec![0, 1], vec![]]);
    }

    #[test]
    fn version_1_files_still_read() {
        let v1 = r#"{"format": "covgap-plan-instance/1", "coordinates": "BNG", "model": "radius",
            "model_description": "", "radius_km": 10.0, "radius_m": 10000.0, "rank_by": "births",
            "weight": "", "add": 1,
            "demand": [{"code": "E06000001", "name": "A", "babies": 5, "weight": 5.0,
                        "x": 400000.0, "y": 300000.0, "deprivation": null}],
            "candidates": [{"id": 0, "name": "s", "district": null, "x": 400000.0,
                            "y": 300000.0, "covers": [0]}],
            "fixed": []}"#;
        let i = Instance::from_json(v1.as_bytes(), "v1.json").unwrap();
        assert_eq!(i.demand_kind, DemandKind::Districts);
        assert_eq!(i.demand[0].district_code(), "E06000001");
        assert_eq!(i.max_cover().weights, vec![5.0]);
        let v3 = v1.replace("instance/1", "instance/3");
        let e = Instance::from_json(v3.as_bytes(), "v3.json").unwrap_err();
        assert!(e.to_string().contains("v3.json"), "{e}");
    }

    proptest! {
        /// The R-tree query returns exactly what the all-pairs loop returns.
        #[test]
        fn indexed_radius_query_equals_brute_force(
            pts in proptest::collection::vec((0i32..200, 0i32..200), 0..80),
            q in (0i32..200, 0i32..200),
            r in 0i32..120,
        ) {
            // Whole kilometres, so many points lie exactly on the circle.
            let pts: Vec<(f64, f64)> = pts.iter().map(|&(x, y)| (f64::from(x) * 1000.0, f64::from(y) * 1000.0)).collect();
            let d = demand_at(&pts);
            let (qx, qy, r) = (f64::from(q.0) * 1000.0, f64::from(q.1) * 1000.0, f64::from(r) * 1000.0);
            let brute: Vec<usize> = pts.iter().enumerate().filter(|(_, p)| (p.0 - qx).hypot(p.1 - qy) <= r).map(|(i, _)| i).collect();
            prop_assert_eq!(d.within(qx, qy, r), brute);
        }

        /// Aggregating demand changes no plan's value, and the solvers choose the same sites.
        #[test]
        fn aggregated_problem_gives_the_same_answers(p in arb_problem(), k in 1usize..4, pick in proptest::collection::vec(any::<bool>(), 9)) {
            let a = p.aggregated();
            prop_assert!(a.weights.len() <= p.weights.len());
            let sites: Vec<usize> = (0..p.sets.len()).filter(|&j| pick[j]).collect();
            prop_assert!((a.value(&sites) - p.value(&sites)).abs() < 1e-9);
            let (g, ga) = (crate::plan::greedy::greedy(&p, k), crate::plan::greedy::greedy(&a, k));
            prop_assert_eq!(&g.sites, &ga.sites);
            prop_assert_eq!(
                crate::plan::greedy::interchange(&p, &g.sites).sites,
                crate::plan::greedy::interchange(&a, &ga.sites).sites
            );
            let limits = crate::plan::exact::Limits::default();
            let (e, ea) = (crate::plan::exact::max_cover(&p, k, &[], &limits), crate::plan::exact::max_cover(&a, k, &[], &limits));
            prop_assert!((e.value - ea.value).abs() < 1e-9, "{} vs {}", e.value, ea.value);
        }
    }
}
