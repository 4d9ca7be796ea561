//! Totals by geography: the UK, each nation, each English region, each upper-tier authority,
//! each ICB (England) and each health board (Scotland, Wales) or HSC trust (Northern Ireland).
//!
//! A district split between ICBs counts in each ICB it lies partly in, with its figure (and
//! its small areas' distance bands) shared out between them ([`crate::icb`]): each ICB's
//! `areas_total` counts every district lying wholly or partly in it, so the ICBs' districts
//! add up to more than England's (by one for each extra part), while their babies add up to
//! England's exactly.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::coverage::Coverage;
use crate::model::{Geography, Nation, Study};
use crate::small_areas::Bands;

/// The levels covgap totals by, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The UK: every area, when they cover it.
    Uk,
    /// Every area, when they cover part of the UK (one region, England's ICBs).
    All,
    Nation,
    Region,
    UpperTier,
    Icb,
    HealthBoard,
}

impl Level {
    /// The total over every area: the UK, or all the areas given.
    pub fn is_total(self) -> bool {
        matches!(self, Level::Uk | Level::All)
    }

    pub fn key(self) -> &'static str {
        match self {
            Level::Uk => "uk",
            Level::All => "all",
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
    /// Areas counted in `areas_total` that have no figure (none in the table, or suppressed):
    /// their babies are in neither `demand_total` nor `demand_covered`.
    pub areas_without_figure: usize,
    /// Sum of the figure over areas that have one.
    pub demand_total: u64,
    pub demand_covered: u64,
    /// Small-area figures by distance band, summed over the areas that have them.
    pub bands: Option<crate::small_areas::Bands>,
}

impl Rollup {
    /// Share of the figure in covered areas, in per cent, unrounded: for the workbook's
    /// `0.0%` cells. `None` when no babies were counted (a total of 0): a share of nothing is
    /// not a number, and 0.0% would read as "no baby is covered". Text outputs use
    /// [`percent_tenths`].
    pub fn percent_covered(&self) -> Option<f64> {
        (self.demand_total > 0).then(|| percent(self.demand_covered, self.demand_total))
    }

    /// [`percent_tenths`] of this geography's figure in covered areas.
    pub fn percent_tenths(&self) -> Option<u64> {
        percent_tenths(self.demand_covered, self.demand_total)
    }
}

#[derive(Default)]
struct Acc {
    name: String,
    areas_total: usize,
    areas_covered: usize,
    areas_without_figure: usize,
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
        let uk = study.total_geography();
        let whole = |level, g| (level, g, area.figure, result.bands);
        let mut keys: Vec<(Level, Geography, Option<u64>, Option<Bands>)> = [
            Some(whole(
                if study.whole_uk {
                    Level::Uk
                } else {
                    Level::All
                },
                uk,
            )),
            Some(whole(Level::Nation, nation)),
            area.keys.region.clone().map(|g| whole(Level::Region, g)),
            area.keys.utla.clone().map(|g| whole(Level::UpperTier, g)),
        ]
        .into_iter()
        .flatten()
        .collect();
        // A district split between ICBs counts in each, its figure and bands shared out.
        for (g, part) in area.keys.icbs(area.figure.unwrap_or(0)) {
            let bands = if area.keys.icb_parts.is_empty() {
                result.bands
            } else {
                result
                    .icb_bands
                    .iter()
                    .find(|(code, _)| *code == g.code)
                    .map(|(_, b)| *b)
            };
            keys.push((Level::Icb, g.clone(), area.figure.map(|_| part), bands));
        }
        keys.extend(
            area.keys
                .health_board
                .clone()
                .map(|g| whole(Level::HealthBoard, g)),
        );
        for (level, g, figure, bands) in keys {
            let a = acc.entry((level, g.code)).or_default();
            a.name = g.name;
            a.areas_total += 1;
            if figure.is_none() {
                a.areas_without_figure += 1;
            }
            let fig = figure.unwrap_or(0);
            a.demand_total += fig;
            if result.covered() {
                a.areas_covered += 1;
                a.demand_covered += fig;
            }
            if let Some(b) = &bands {
                a.bands.get_or_insert_with(Default::default).merge(b);
            }
        }
    }
    // For part of the UK, a nation's, region's or board's total only where all of it is given.
    let whole = (!study.whole_uk).then_some(&study.whole.geographies);
    acc.into_iter()
        .filter(|((level, code), _)| {
            level.is_total() || whole.as_ref().is_none_or(|w| w.contains(code))
        })
        .map(|((level, code), a)| Rollup {
            level,
            code,
            name: a.name,
            areas_total: a.areas_total,
            areas_covered: a.areas_covered,
            areas_without_figure: a.areas_without_figure,
            demand_total: a.demand_total,
            demand_covered: a.demand_covered,
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

/// `part / whole` in tenths of a per cent, as every output gives a share (19.1% is 191; see
/// [`percent_rounded`]), or `None` when `whole` is 0: with no babies counted there is no
/// share, and the outputs say so (blank in CSV, null in JSON, "n/a" in Markdown) rather than
/// print a 0.0% that reads as a real figure.
///
/// # Examples
/// ```
/// use covgap::rollup::percent_tenths;
/// assert_eq!(percent_tenths(133_609, 700_691), Some(191));
/// assert_eq!(percent_tenths(0, 29_411), Some(0));
/// assert_eq!(percent_tenths(0, 0), None);
/// ```
pub fn percent_tenths(part: u64, whole: u64) -> Option<u64> {
    (whole > 0).then(|| percent_rounded(part, whole, 1))
}

/// `part / whole` in per cent rounded to `decimals` places, as a whole number of those places
/// (19.07% to one place is 191), 0 when `whole` is 0. It is worked out from the whole numbers,
/// not a float, and a half rounds away from zero, as Excel and LibreOffice show a share
/// formatted `0.0%`: 1 of 80 is 1.3%, never 1.2% in one output and 1.3% in another.
///
/// # Examples
/// ```
/// use covgap::rollup::percent_rounded;
/// assert_eq!(percent_rounded(133_609, 700_691, 1), 191);
/// assert_eq!(percent_rounded(1, 80, 1), 13);
/// assert_eq!(percent_rounded(1, 8, 0), 13);
/// assert_eq!(percent_rounded(0, 0, 1), 0);
/// ```
pub fn percent_rounded(part: u64, whole: u64, decimals: u32) -> u64 {
    if whole == 0 {
        return 0;
    }
    let (part, whole) = (u128::from(part), u128::from(whole));
    let scaled = part * 100 * 10u128.pow(decimals);
    ((2 * scaled + whole) / (2 * whole)) as u64
}
