//! Totals by geography: the UK, each nation, each English region, each upper-tier authority,
//! each ICB (England) and each health board (Scotland, Wales) or HSC trust (Northern Ireland).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::coverage::Coverage;
use crate::model::{Geography, Nation, Study};

/// The levels covgap totals by, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Uk,
    Nation,
    Region,
    UpperTier,
    Icb,
    HealthBoard,
}

impl Level {
    pub fn key(self) -> &'static str {
        match self {
            Level::Uk => "uk",
            Level::Nation => "nation",
            Level::Region => "region",
            Level::UpperTier => "upper_tier",
            Level::Icb => "icb",
            Level::HealthBoard => "health_board",
        }
    }
}

/// Totals for one geography.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rollup {
    pub level: Level,
    pub code: String,
    pub name: String,
    pub areas_total: usize,
    pub areas_covered: usize,
    /// Sum of the figure over areas that have one.
    pub demand_total: u64,
    pub demand_covered: u64,
    /// Share of the figure in covered areas, in per cent (0 when the total is 0).
    pub percent_covered: f64,
    /// Small-area figures by distance band, summed over the areas that have them.
    pub bands: Option<crate::small_areas::Bands>,
}

#[derive(Default)]
struct Acc {
    name: String,
    areas_total: usize,
    areas_covered: usize,
    demand_total: u64,
    demand_covered: u64,
    bands: Option<crate::small_areas::Bands>,
}

/// Totals at every level, UK first, then nations, regions, upper tiers, ICBs and health
/// boards, each in code order.
pub fn rollups(study: &Study, coverage: &Coverage) -> Vec<Rollup> {
    let mut acc: BTreeMap<(Level, String), Acc> = BTreeMap::new();
    for (area, result) in study.areas.iter().zip(&coverage.areas) {
        let nation = Geography {
            code: if area.nation == Nation::Unknown {
                "unknown".into()
            } else {
                area.nation.code().into()
            },
            name: area.nation.name().into(),
        };
        let uk = Geography {
            code: "K02000001".into(),
            name: "United Kingdom".into(),
        };
        let keys = [
            Some((Level::Uk, uk)),
            Some((Level::Nation, nation)),
            area.keys.region.clone().map(|g| (Level::Region, g)),
            area.keys.utla.clone().map(|g| (Level::UpperTier, g)),
            area.keys.icb.clone().map(|g| (Level::Icb, g)),
            area.keys
                .health_board
                .clone()
                .map(|g| (Level::HealthBoard, g)),
        ];
        for (level, g) in keys.into_iter().flatten() {
            let a = acc.entry((level, g.code)).or_default();
            a.name = g.name;
            a.areas_total += 1;
            let fig = area.figure.unwrap_or(0);
            a.demand_total += fig;
            if result.covered() {
                a.areas_covered += 1;
                a.demand_covered += fig;
            }
            if let Some(b) = &result.bands {
                a.bands.get_or_insert_with(Default::default).merge(b);
            }
        }
    }
    acc.into_iter()
        .map(|((level, code), a)| Rollup {
            level,
            code,
            name: a.name,
            areas_total: a.areas_total,
            areas_covered: a.areas_covered,
            demand_total: a.demand_total,
            demand_covered: a.demand_covered,
            percent_covered: percent(a.demand_covered, a.demand_total),
            bands: a.bands,
        })
        .collect()
}

/// `part / whole` in per cent, 0 when `whole` is 0.
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}
