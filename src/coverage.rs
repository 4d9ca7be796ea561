//! Deciding coverage: which areas a counted team covers, the nearest team to every area and
//! how far it is, and the ranked list of gaps.
//!
//! The rules, as the README states them:
//! - an area is covered when at least one counted team covers it (a team covers the areas
//!   its list entry names, or, when it names none, the area holding its base);
//! - the distance to a team is measured on British National Grid from the area's
//!   representative point to the nearest point of any area that team covers (0 when covered);
//! - gaps are the uncovered areas, ranked by the figure, largest first, ties by code; areas
//!   with no figure come last.

use geo::Coord;
use rayon::prelude::*;

use crate::index::AreaIndex;
use crate::model::{DistanceTarget, Study};

/// The nearest counted team to an area.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nearest {
    /// Index into the study's teams.
    pub team: usize,
    /// Distance in kilometres (0 when the area is covered).
    pub km: f64,
}

/// The result for one area.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaResult {
    /// Counted teams that cover the area, in list order.
    pub teams: Vec<usize>,
    pub nearest: Option<Nearest>,
    /// Rank among the gaps (1 = largest figure); `None` when covered.
    pub gap_rank: Option<usize>,
    /// Small-area figures by distance band, when small areas were given and some lie here.
    pub bands: Option<crate::small_areas::Bands>,
    /// For a district split between ICBs, `bands` divided between them by ICB code, in the
    /// order of its ICB parts (see [`crate::icb`]); empty otherwise.
    pub icb_bands: Vec<(String, crate::small_areas::Bands)>,
}

impl AreaResult {
    pub fn covered(&self) -> bool {
        !self.teams.is_empty()
    }
}

/// Coverage for every area, and the gaps in rank order.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// One per area, in the study's area order.
    pub areas: Vec<AreaResult>,
    /// Area indices of the gaps, rank 1 first.
    pub gaps: Vec<usize>,
    /// What distances to the nearest team were measured to ([`Study::distance_targets`]),
    /// for measuring points ([`crate::assign::Assigner`]) the same way.
    pub targets: Vec<DistanceTarget>,
}

/// Decides coverage, nearest team and gap ranks.
pub fn analyse(study: &Study) -> Coverage {
    let n = study.areas.len();
    let mut covering: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (ti, t) in study.teams.iter().enumerate().filter(|(_, t)| t.counted) {
        for &a in &t.covers {
            if !covering[a].contains(&ti) {
                covering[a].push(ti);
            }
        }
    }
    // The covered areas, and the districts outside the boundaries given that counted teams
    // serve: entry j names team `targets[j]`.
    let targets = study.distance_targets(|i| covering[i].first().copied());
    let covered_index = AreaIndex::new(
        targets
            .iter()
            .enumerate()
            .map(|(j, t)| (j, t.geometry.clone()))
            .collect(),
    );
    let mut areas: Vec<AreaResult> = (0..n)
        .into_par_iter()
        .map(|i| {
            let teams = covering[i].clone();
            let nearest = if let Some(&t) = teams.first() {
                Some(Nearest { team: t, km: 0.0 })
            } else {
                covered_index
                    .nearest(Coord::from(study.areas[i].point.bng))
                    .map(|(j, d)| Nearest {
                        team: targets[j].team,
                        km: d / 1000.0,
                    })
            };
            AreaResult {
                teams,
                nearest,
                gap_rank: None,
                bands: None,
                icb_bands: Vec::new(),
            }
        })
        .collect();
    let mut gaps: Vec<usize> = (0..n).filter(|&i| !areas[i].covered()).collect();
    gaps.sort_by(|&a, &b| {
        let (fa, fb) = (study.areas[a].figure, study.areas[b].figure);
        fb.is_some()
            .cmp(&fa.is_some())
            .then(fb.cmp(&fa))
            .then(study.areas[a].code.cmp(&study.areas[b].code))
    });
    for (rank, &i) in gaps.iter().enumerate() {
        areas[i].gap_rank = Some(rank + 1);
    }
    Coverage {
        areas,
        gaps,
        targets,
    }
}
