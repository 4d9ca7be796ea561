//! The planning problem as data: demand points with weights and British National Grid
//! coordinates, candidate sites and sites already fixed, each with the demand it covers.
//! This is what `--export-instance` writes, so anyone can re-solve it with another solver.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::crs::Located;
use crate::error::{Error, Result};
use crate::model::{Study, Team};
use crate::read::deprivation::DeprivationTable;

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

/// What a district's demand counts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RankBy {
    /// The demand figure (births by default).
    Births,
    /// Births weighted by need: `births × (1 + share of small areas in the nation's most
    /// deprived decile)`, so babies in the most deprived tenth count twice.
    Need,
}

impl RankBy {
    pub fn key(self) -> &'static str {
        match self {
            RankBy::Births => "births",
            RankBy::Need => "need",
        }
    }

    /// Words for reports.
    pub fn describe(self) -> &'static str {
        match self {
            RankBy::Births => "the demand figure",
            RankBy::Need => "need-weighted demand: the figure × (1 + share of the district's small areas in its nation's most deprived 10%), so babies in the most deprived tenth count twice",
        }
    }
}

/// Which demand a team covers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Model {
    /// A team covers the districts its list entry names, or the district it is placed in.
    District,
    /// As `District`, plus every district whose representative point lies within this many
    /// kilometres (straight line on British National Grid) of the team's base.
    Radius(f64),
}

impl Model {
    pub fn radius_km(self) -> Option<f64> {
        match self {
            Model::District => None,
            Model::Radius(r) => Some(r),
        }
    }

    /// Words for reports.
    pub fn describe(self) -> String {
        match self {
            Model::District => "a team covers the district it is placed in (or the districts its list entry names)".into(),
            Model::Radius(r) => format!("a team covers every district whose representative point lies within {r} km of its base (straight line on British National Grid), and any district its list entry names"),
        }
    }
}

/// One demand point: a district.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemandPoint {
    pub code: String,
    pub name: String,
    /// The demand figure (0 when the district has none).
    pub babies: u64,
    /// What the plan maximises: `babies`, or its need-weighted value.
    pub weight: f64,
    /// Representative point, British National Grid easting and northing in metres.
    pub x: f64,
    pub y: f64,
    /// Share of small areas in the nation's most deprived decile, when known.
    pub deprivation: Option<f64>,
}

/// A team site, fixed or candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub name: String,
    /// Code of the district holding the site, when known.
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
    /// One per district, in the study's area order.
    pub demand: Vec<DemandPoint>,
    pub candidates: Vec<Site>,
    /// Existing teams and what-if teams, kept as they are.
    pub fixed: Vec<Site>,
}

fn site_covers(study: &Study, model: Model, listed: &[usize], at: Option<&Located>) -> Vec<usize> {
    let mut covers: Vec<usize> = listed.to_vec();
    if let (Model::Radius(km), Some(at)) = (model, at) {
        let r = km * 1000.0;
        for (i, a) in study.areas.iter().enumerate() {
            let (dx, dy) = (a.point.bng.x() - at.bng.x(), a.point.bng.y() - at.bng.y());
            if dx.hypot(dy) <= r {
                covers.push(i);
            }
        }
    }
    covers.sort_unstable();
    covers.dedup();
    covers
}

fn team_site(study: &Study, model: Model, t: &Team) -> Site {
    let at = t.base.as_ref().map(|b| b.at);
    // Under a radius the district holding the base is covered only if its representative
    // point is within reach, like any other: coverage then follows from the coordinates and
    // the named areas alone, so another solver can rebuild it from the exported instance.
    let named = match model {
        Model::District => &t.covers,
        Model::Radius(_) => &t.areas_served,
    };
    Site {
        name: t.name.clone(),
        district: t.host_area.map(|i| study.areas[i].code.clone()),
        covers: site_covers(study, model, named, at.as_ref()),
        at,
    }
}

impl Instance {
    /// Builds the problem: `fixed` are the teams kept as they are (counted existing teams and
    /// what-if teams); `candidates` the possible new sites, or `None` for every district no
    /// fixed team covers, placed at its representative point.
    ///
    /// # Examples
    /// ```
    /// use covgap::{error::Diagnostics, load};
    /// use covgap::plan::instance::{Instance, Model, RankBy};
    /// let study = load::load(&load::Inputs::default(), &mut Diagnostics::new()).unwrap();
    /// let fixed: Vec<_> = study.teams.iter().filter(|t| t.counted).cloned().collect();
    /// let inst = Instance::build(&study, &fixed, None, Model::District, RankBy::Births, None, 5).unwrap();
    /// assert_eq!(inst.demand.len(), 361);
    /// assert!(inst.candidates.iter().all(|c| c.covers.len() == 1));
    /// ```
    pub fn build(
        study: &Study,
        fixed: &[Team],
        candidates: Option<&[Team]>,
        model: Model,
        rank_by: RankBy,
        need: Option<&DeprivationTable>,
        add: usize,
    ) -> Result<Instance> {
        let mut missing = Vec::new();
        let demand: Vec<DemandPoint> = study
            .areas
            .iter()
            .map(|a| {
                let babies = a.figure.unwrap_or(0);
                let deprivation = need
                    .and_then(|n| n.get(&a.code))
                    .map(|d| d.most_deprived_decile_share);
                let weight = match (rank_by, deprivation) {
                    (RankBy::Births, _) => babies as f64,
                    (RankBy::Need, Some(d)) => babies as f64 * (1.0 + d),
                    (RankBy::Need, None) => {
                        if babies > 0 {
                            missing.push(a.code.clone());
                        }
                        babies as f64
                    }
                };
                DemandPoint {
                    code: a.code.clone(),
                    name: a.name.clone(),
                    babies,
                    weight,
                    x: a.point.bng.x(),
                    y: a.point.bng.y(),
                    deprivation,
                }
            })
            .collect();
        if !missing.is_empty() {
            let source = match need {
                Some(t) if t.built_in => format!(
                    "{}; it covers the 361 UK districts of May 2024 by code (give your own table with --deprivation FILE)",
                    t.source
                ),
                Some(t) => t.source.clone(),
                None => "no deprivation table was given".into(),
            };
            return Err(Error::Plan(format!(
                "--rank-by need: no deprivation figure for {} district(s) with demand: {}{} (deprivation from {source})",
                missing.len(),
                missing.iter().take(10).cloned().collect::<Vec<_>>().join(", "),
                if missing.len() > 10 { ", ..." } else { "" }
            )));
        }
        let fixed_teams = fixed;
        let fixed: Vec<Site> = fixed_teams
            .iter()
            .map(|t| team_site(study, model, t))
            .collect();
        let candidates: Vec<Site> = match candidates {
            Some(list) => list.iter().map(|t| team_site(study, model, t)).collect(),
            None => {
                let mut has_team = vec![false; study.areas.len()];
                // "Without a team" in the campaign's sense: no fixed team is placed in or
                // names the district, whatever a radius would add.
                for &i in fixed_teams.iter().flat_map(|t| &t.covers) {
                    has_team[i] = true;
                }
                study
                    .areas
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !has_team[*i])
                    .map(|(i, a)| Site {
                        name: a.name.clone(),
                        district: Some(a.code.clone()),
                        covers: site_covers(study, model, &[i], Some(&a.point)),
                        at: Some(a.point),
                    })
                    .collect()
            }
        };
        Ok(Instance {
            model,
            rank_by,
            add,
            demand,
            candidates,
            fixed,
        })
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

    /// The instance as JSON (format `covgap-plan-instance/1`); `solutions` (covgap's own
    /// answers) is added as given.
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
            model: match self.model {
                Model::District => "district".into(),
                Model::Radius(_) => "radius".into(),
            },
            model_description: self.model.describe(),
            radius_km: self.model.radius_km(),
            radius_m: self.model.radius_km().map(|r| r * 1000.0),
            rank_by: self.rank_by.key().into(),
            weight: self.rank_by.describe().into(),
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

    /// Reads an instance written by [`Instance::to_json`].
    ///
    /// # Examples
    /// ```
    /// use covgap::{error::Diagnostics, load};
    /// use covgap::plan::instance::{Instance, Model, RankBy};
    /// let study = load::load(&load::Inputs::default(), &mut Diagnostics::new()).unwrap();
    /// let fixed: Vec<_> = study.teams.iter().filter(|t| t.counted).cloned().collect();
    /// let inst = Instance::build(&study, &fixed, None, Model::Radius(30.0), RankBy::Births, None, 3).unwrap();
    /// let back = Instance::from_json(&inst.to_json(None), "test").unwrap();
    /// assert_eq!(back.max_cover(), inst.max_cover());
    /// ```
    pub fn from_json(bytes: &[u8], path: &str) -> Result<Instance> {
        let err = |message: String| Error::Format {
            path: path.into(),
            message,
        };
        let doc: InstanceJson = serde_json::from_slice(bytes)
            .map_err(|e| err(format!("not a covgap plan instance: {e}")))?;
        if doc.format != FORMAT {
            return Err(err(format!("format {:?}, expected {FORMAT:?}", doc.format)));
        }
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

const FORMAT: &str = "covgap-plan-instance/1";

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

    fn arb_problem() -> impl Strategy<Value = MaxCover> {
        (1usize..16, 1usize..9).prop_flat_map(|(nd, ns)| {
            (
                proptest::collection::vec(0u32..40, nd),
                proptest::collection::vec(proptest::collection::btree_set(0..nd, 0..=nd), ns),
            )
                .prop_map(|(w, sets)| MaxCover {
                    weights: w.into_iter().map(f64::from).collect(),
                    sets: sets.into_iter().map(|s| s.into_iter().collect()).collect(),
                })
        })
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

    proptest! {
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
