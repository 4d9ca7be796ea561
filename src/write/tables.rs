//! Tables for spreadsheets: `gaps.csv` and `rollups.csv`. The figure's column is named for
//! the measure (`births`, `age0`) and a last `period` column says what period it covers, so a
//! table pasted on its own still says what it counts.

use crate::coverage::Coverage;
use crate::model::Study;
use crate::rollup::Rollup;
use crate::write::{excel_csv, round, tenths_text};

/// `gaps.csv`: uncovered areas, largest figure first.
pub fn gaps(study: &Study, cov: &Coverage) -> Vec<u8> {
    let key = study.demand.measure.key();
    let header = [
        "rank",
        "code",
        "name",
        "nation",
        "region",
        key,
        "nearest_team",
        "nearest_team_km",
        "upper_tier",
        "icb",
        "health_board",
        "period",
    ];
    let rows: Vec<Vec<String>> = cov
        .gaps
        .iter()
        .map(|&i| {
            let a = &study.areas[i];
            let r = &cov.areas[i];
            let g = |x: &Option<crate::model::Geography>| {
                x.as_ref().map(|g| g.name.clone()).unwrap_or_default()
            };
            vec![
                r.gap_rank.map(|n| n.to_string()).unwrap_or_default(),
                a.code.clone(),
                a.name.clone(),
                a.nation.name().to_string(),
                g(&a.keys.region),
                a.figure.map(|f| f.to_string()).unwrap_or_default(),
                r.nearest
                    .map(|n| study.teams[n.team].name.clone())
                    .unwrap_or_default(),
                r.nearest
                    .map(|n| format!("{:.1}", round(n.km, 1)))
                    .unwrap_or_default(),
                g(&a.keys.utla),
                g(&a.keys.icb),
                g(&a.keys.health_board),
                study.demand.period.clone(),
            ]
        })
        .collect();
    excel_csv(&header, &rows)
}

/// `rollups.csv`: totals per UK, nation, region, upper tier, ICB and health board.
pub fn rollups(study: &Study, rollups: &[Rollup]) -> Vec<u8> {
    let key = study.demand.measure.key();
    let total = format!("{key}_total");
    let covered = format!("{key}_covered");
    let mut header = vec![
        "level",
        "code",
        "name",
        "areas_total",
        "areas_covered",
        total.as_str(),
        covered.as_str(),
        "percent_covered",
        "areas_without_figure",
        "period",
    ];
    // Small-area distance bands, when small areas were given.
    let banded = rollups.iter().any(|r| r.bands.is_some());
    if banded {
        header.extend(crate::small_areas::Band::ALL.map(|b| b.key()));
    }
    let rows: Vec<Vec<String>> = rollups
        .iter()
        .map(|r| {
            let mut row = vec![
                r.level.key().to_string(),
                r.code.clone(),
                r.name.clone(),
                r.areas_total.to_string(),
                r.areas_covered.to_string(),
                r.demand_total.to_string(),
                r.demand_covered.to_string(),
                // Blank when no babies were counted: a share of nothing is not 0.0%.
                r.percent_tenths().map(tenths_text).unwrap_or_default(),
                r.areas_without_figure.to_string(),
                study.demand.period.clone(),
            ];
            if banded {
                row.extend(
                    crate::small_areas::Band::ALL
                        .map(|b| r.bands.map(|x| x.get(b).to_string()).unwrap_or_default()),
                );
            }
            row
        })
        .collect();
    excel_csv(&header, &rows)
}
