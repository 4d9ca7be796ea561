//! `summary.md` for briefings and `summary.json` for scripts: the same figures in two forms.

use std::fmt::Write;

use serde_json::{json, Value};

use crate::coverage::Coverage;
use crate::model::Study;
use crate::rollup::{percent_rounded, percent_tenths, Level, Rollup};
use crate::small_areas::{Band, Bands, SmallAreas};
use crate::write::tables::markdown_cell as md_cell;
use crate::write::{cap, geojson::metadata, plural, round, tenths_text, thousands};

/// Headline figures for the UK.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub areas_total: usize,
    pub areas_covered: usize,
    /// Areas with no figure (none in the table, or suppressed): their babies are not in
    /// `demand_total`.
    pub areas_without_figure: usize,
    pub demand_total: u64,
    pub demand_covered: u64,
    /// Every row of the team list, those left out as outside the boundaries too.
    pub teams_in_list: usize,
    pub teams_counted: usize,
    /// Teams serving only areas outside the boundaries given ([`Study::beyond`]).
    pub teams_beyond: usize,
    /// Counted teams the list gives no area served and no location for, so covering none.
    pub teams_unplaced: Vec<String>,
    /// Teams among [`Headline::teams_beyond`] that the list gives no place at all.
    pub beyond_unplaced: Vec<String>,
}

impl Headline {
    pub fn new(study: &Study, rollups: &[Rollup]) -> Headline {
        let uk = rollups.iter().find(|r| r.level.is_total());
        Headline {
            areas_total: uk.map_or(0, |r| r.areas_total),
            areas_covered: uk.map_or(0, |r| r.areas_covered),
            areas_without_figure: uk.map_or(0, |r| r.areas_without_figure),
            demand_total: uk.map_or(0, |r| r.demand_total),
            demand_covered: uk.map_or(0, |r| r.demand_covered),
            teams_in_list: study.teams.len() + study.beyond.len(),
            teams_counted: study.teams.iter().filter(|t| t.counted).count(),
            teams_beyond: study.beyond.len(),
            beyond_unplaced: study
                .beyond
                .iter()
                .filter(|t| t.serves.is_empty() && t.base.is_none())
                .map(|t| t.name.clone())
                .collect(),
            teams_unplaced: study
                .teams
                .iter()
                .filter(|t| t.counted && t.areas_served.is_empty() && t.base.is_none())
                .map(|t| t.name.clone())
                .collect(),
        }
    }

    /// "Teams counted: 1 of the 46 in the list (rule); 43 of the 46 serve only areas outside
    /// the boundaries given, ...": the sentence summary.md and the workbook give. Those outside
    /// are counted among the whole list, counted or not, so are said to be of the list, not
    /// "of them", which reads as of the teams counted.
    pub fn teams_sentence(&self, evidence_rule: &str) -> String {
        let mut s = format!(
            "Teams counted: {} of the {} in the list ({evidence_rule})",
            self.teams_counted, self.teams_in_list
        );
        if self.teams_beyond > 0 {
            let one = self.teams_beyond == 1;
            s += &format!(
                "; {} of the {} {} only areas outside the boundaries given{}, so {} none of them, but {}",
                self.teams_beyond,
                self.teams_in_list,
                plural(self.teams_beyond, "serves", "serve"),
                match self.beyond_unplaced.as_slice() {
                    [] => String::new(),
                    names => format!(
                        " or {} not known to be in them ({}, which the list gives no area or location)",
                        plural(self.teams_beyond, "is", "are"),
                        names.join(", ")
                    ),
                },
                plural(self.teams_beyond, "covers", "cover"),
                if one {
                    "it is measured to if counted"
                } else {
                    "those counted are measured to"
                }
            );
        }
        match self.teams_unplaced.as_slice() {
            [] => {}
            [one] => {
                s += &format!("; {one} is counted but covers no area, as the list gives no area it serves and no location");
            }
            many => {
                s += &format!(
                    "; {} of them ({}) are counted but cover no area, as the list gives no area they serve and no location",
                    many.len(),
                    many.join(", ")
                );
            }
        }
        s + "."
    }

    pub fn demand_uncovered(&self) -> u64 {
        self.demand_total - self.demand_covered
    }
}

/// The coverage rule for areas smaller than districts, as `summary.md`, the workbook and the
/// map give it when some team counts by it ([`Study::lying_in`]).
pub const LYING_IN_RULE: &str = " With areas smaller than districts as boundaries, a team counts for every area lying in a district it serves (the area's point in the district by the built-in boundaries), and a team naming none for every area lying in the district holding its base.";

/// A share as `summary.json` gives it: a number with one decimal, or null when no babies
/// were counted (see [`percent_tenths`]).
fn percent_json(part: u64, whole: u64) -> Value {
    json!(percent_tenths(part, whole).map(|t| t as f64 / 10.0))
}

/// A share as `summary.md` gives it: `19.1`, or `n/a` when no babies were counted.
pub fn percent_markdown(part: u64, whole: u64) -> String {
    percent_tenths(part, whole).map_or_else(|| "n/a".into(), tenths_text)
}

/// The sentence that says areas had no figure and what that does to the totals, for
/// `summary.md` and `summary.json`; `None` when every area has one.
pub fn without_figure_note(h: &Headline) -> Option<String> {
    (h.areas_without_figure > 0).then(|| {
        format!(
            "{} of the {} areas have no figure (the figures table has no row for them, or its value for them is suppressed): their babies are not in these totals, and every share is of the babies in the {} areas with a figure",
            thousands(h.areas_without_figure as u64),
            thousands(h.areas_total as u64),
            thousands((h.areas_total - h.areas_without_figure) as u64)
        )
    })
}

fn rollup_json(r: &Rollup) -> Value {
    let mut v = json!({
        "level": r.level.key(),
        "code": r.code,
        "name": r.name,
        "areas_total": r.areas_total,
        "areas_covered": r.areas_covered,
        "areas_without_figure": r.areas_without_figure,
        "demand_total": r.demand_total,
        "demand_covered": r.demand_covered,
        "percent_covered": percent_json(r.demand_covered, r.demand_total),
    });
    if let (Some(b), Some(o)) = (&r.bands, v.as_object_mut()) {
        o.insert("distance_bands".into(), bands_json(b));
    }
    v
}

/// `small_areas.left_out` in `summary.json`: every small area left out, then the two kinds.
fn left_out_json(l: &crate::small_areas::LeftOut) -> Value {
    let (count, babies) = l.total();
    json!({
        "count": count,
        "babies": babies,
        "furthest_km": (l.count > 0).then(|| round(l.furthest_m / 1000.0, 1)),
        "more_than_2km_outside": {"count": l.count, "babies": l.babies},
        "across_land_border": {"count": l.across.0, "babies": l.across.1, "districts": l.across_districts},
    })
}

/// Small-area figures by distance band, as JSON.
pub fn bands_json(b: &Bands) -> Value {
    let mut m = serde_json::Map::new();
    for band in Band::ALL {
        m.insert(band.key().into(), json!(b.get(band)));
    }
    m.insert("babies_total".into(), json!(b.total()));
    m.insert("babies_beyond_25km".into(), json!(b.beyond_25km()));
    Value::Object(m)
}

/// `summary.json`, with the small-area section when small areas were given.
pub fn json(
    study: &Study,
    cov: &Coverage,
    rollups: &[Rollup],
    small: Option<&SmallAreas>,
) -> Vec<u8> {
    let h = Headline::new(study, rollups);
    let gaps: Vec<Value> = cov
        .gaps
        .iter()
        .take(20)
        .map(|&i| {
            let a = &study.areas[i];
            let r = &cov.areas[i];
            json!({
                "rank": r.gap_rank,
                "code": a.code,
                "name": a.name,
                "nation": a.nation.name(),
                "demand": a.figure,
                "nearest_team": r.nearest.map(|n| study.team_name(n.team).to_string()),
                "nearest_team_km": r.nearest.map(|n| round(n.km, 1)),
            })
        })
        .collect();
    let mut doc = json!({
        "covgap_version": env!("CARGO_PKG_VERSION"),
        "measure": study.demand.measure.key(),
        "measure_description": study.demand.measure.describe(),
        "period": study.demand.period,
        "sources": metadata(study),
        "areas_total": h.areas_total,
        "areas_covered": h.areas_covered,
        "areas_without_figure": h.areas_without_figure,
        "areas_without_figure_codes": study.areas.iter().filter(|a| a.figure.is_none()).map(|a| a.code.as_str()).collect::<Vec<_>>(),
        "areas_without_figure_note": without_figure_note(&h),
        "demand_total": h.demand_total,
        "demand_covered": h.demand_covered,
        "demand_uncovered": h.demand_uncovered(),
        "percent_covered": percent_json(h.demand_covered, h.demand_total),
        "teams_in_list": h.teams_in_list,
        "teams_counted": h.teams_counted,
        "teams_beyond_boundaries": h.teams_beyond,
        "teams_unplaced": h.teams_unplaced,
        "nations": rollups.iter().filter(|r| r.level == Level::Nation).map(rollup_json).collect::<Vec<_>>(),
        "rollups": rollups.iter().map(rollup_json).collect::<Vec<_>>(),
        "top_gaps": gaps,
    });
    // The ICB rows share each district split between ICBs out by a built-in table: name it,
    // so every figure traces to an input (run.json gives its hash).
    if let Some(sources) = doc.get_mut("sources").and_then(|v| v.as_object_mut()) {
        sources.insert(
            "icb_shares".into(),
            json!((study.demand.shared_by_icb
                || study.areas.iter().any(|a| !a.keys.icb_parts.is_empty()))
            .then(|| icb_shares_source(small.is_some()))),
        );
    }
    if let (Some(sm), Some(o)) = (small, doc.as_object_mut()) {
        let uk = rollups
            .iter()
            .find(|r| r.level.is_total())
            .and_then(|r| r.bands);
        o.insert(
            "small_areas".into(),
            json!({
                "count": sm.areas.len(),
                "sources": sm.sources,
                "figure": sm.figure_columns,
                "band_rule": BAND_RULE,
                "distance_bands": uk.as_ref().map(bands_json),
                "left_out": left_out_json(&sm.left_out),
                "notes": sm.notes,
            }),
        );
    }
    let mut s = serde_json::to_string_pretty(&doc).expect("json");
    s.push('\n');
    s.into_bytes()
}

/// Where the ICB rows' shares of the districts split between ICBs come from, for
/// `summary.json`'s `sources` (`icb_shares`; null when no such district is among the areas
/// and none was shared out into the areas given).
fn icb_shares_source(small_areas: bool) -> String {
    let mut s = format!(
        "{}: each district split between ICBs counts in every ICB it lies partly in, its figure shared out by the population aged 0 at mid-2020 of its part in each (ONS small-area population estimates by LSOA 2011, placed through ONS's LSOA 2011 to 2021 and LSOA 2021 to ICB 2024 lookups), in whole babies by largest remainder",
        crate::builtin::icb_shares().label()
    );
    if small_areas {
        s += &format!(
            "; a small area of such a district counts in the ICB of its LSOA, by {}",
            crate::builtin::icb_small_areas().label()
        );
    }
    s
}

/// How the bands are decided, in words, for every output that shows them.
pub const BAND_RULE: &str = "each small area is placed in the district holding its representative point; it is 'covered' when that district is covered, otherwise its distance is the straight line on British National Grid from its representative point to the nearest edge of a covered district, banded as up to 10 km, over 10 up to 25 km, over 25 up to 50 km, over 50 km";

/// `summary.md`, ready to paste into a briefing; with the distance-band lines when small
/// areas were given.
pub fn markdown(
    study: &Study,
    cov: &Coverage,
    rollups: &[Rollup],
    small: Option<&SmallAreas>,
) -> Vec<u8> {
    let h = Headline::new(study, rollups);
    let what = study.demand.measure.describe();
    let babies = match study.demand.measure {
        crate::model::Measure::Births => "babies born",
        crate::model::Measure::Age0 => "babies aged under one",
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Specialised parent-infant relationship team coverage\n"
    );
    let _ = writeln!(
        s,
        "Figure: {what}, {} ({}).\n",
        study.demand.period, study.demand.source
    );
    let _ = writeln!(s, "## Headline\n");
    let _ = writeln!(
        s,
        "- **{} of {} {}** ({}%) {} at least one team.",
        thousands(h.areas_covered as u64),
        thousands(h.areas_total as u64),
        plural(h.areas_total, "area", "areas"),
        percent_rounded(h.areas_covered as u64, h.areas_total as u64, 0),
        plural(h.areas_covered, "has", "have")
    );
    match percent_tenths(h.demand_covered, h.demand_total) {
        Some(t) => {
            let _ = writeln!(
                s,
                "- **{}%** of {babies} ({} of {}) are in an area with a team.",
                tenths_text(t),
                thousands(h.demand_covered),
                thousands(h.demand_total)
            );
        }
        None => {
            let _ = writeln!(
                s,
                "- **n/a**: no {babies} are counted (the figures add up to 0), so no share of them can be given."
            );
        }
    }
    let per_year = if study.demand.measure == crate::model::Measure::Births {
        " each year"
    } else {
        ""
    };
    let _ = writeln!(
        s,
        "- **{}** {babies}{per_year} are in an area with no team.",
        thousands(h.demand_uncovered())
    );
    if let Some(note) = without_figure_note(&h) {
        let _ = writeln!(s, "- **Not counted: {note}.**");
    }
    let uk_bands = rollups
        .iter()
        .find(|r| r.level.is_total())
        .and_then(|r| r.bands);
    if let (Some(_), Some(b)) = (small, uk_bands) {
        let _ = writeln!(
            s,
            "- **{}** babies live more than 25 km from the nearest team ({} of the {} in the small areas given), and **{}** more than 50 km.",
            thousands(b.beyond_25km()),
            percent_tenths(b.beyond_25km(), b.total())
                .map_or_else(|| "n/a".into(), |t| format!("{}%", tenths_text(t))),
            thousands(b.total()),
            thousands(b.get(Band::Over50Km)),
        );
    }
    if let Some(l) = small.map(|sm| &sm.left_out).filter(|l| l.total().0 > 0) {
        let (count, babies) = l.total();
        let tolerance = crate::load::COAST_TOLERANCE_M / 1000.0;
        let which = match (l.count, l.across.0) {
            (_, 0) => format!("more than {tolerance} km outside every district"),
            (0, _) => "across a land border from the districts".to_string(),
            _ => format!(
                "more than {tolerance} km outside every district or across a land border from them"
            ),
        };
        let _ = writeln!(
            s,
            "- A further **{}** {}, in {} small {} {which}, {} left out of these figures (see below).",
            thousands(babies),
            plural(babies as usize, "baby", "babies"),
            thousands(count as u64),
            plural(count, "area", "areas"),
            plural(babies as usize, "is", "are"),
        );
    }
    let _ = writeln!(s, "- {}\n", h.teams_sentence(&study.evidence_rule));

    let _ = writeln!(s, "## By nation\n");
    let _ = writeln!(
        s,
        "| Nation | Areas | Areas with a team | {} | In areas with a team | % |",
        cap(what)
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|");
    for r in rollups
        .iter()
        .filter(|r| r.level == Level::Nation || r.level.is_total())
    {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            md_cell(&r.name),
            thousands(r.areas_total as u64),
            thousands(r.areas_covered as u64),
            thousands(r.demand_total),
            thousands(r.demand_covered),
            percent_markdown(r.demand_covered, r.demand_total)
        );
    }
    let _ = writeln!(s);
    // Which nations the areas with no figure are in, since their rows' totals leave them out.
    let without: Vec<String> = rollups
        .iter()
        .filter(|r| r.level == Level::Nation && r.areas_without_figure > 0)
        .map(|r| {
            if r.areas_without_figure == r.areas_total {
                format!(
                    "{} (all {}; no share can be given)",
                    r.name,
                    thousands(r.areas_total as u64)
                )
            } else {
                format!(
                    "{} ({} of {})",
                    r.name,
                    thousands(r.areas_without_figure as u64),
                    thousands(r.areas_total as u64)
                )
            }
        })
        .collect();
    if !without.is_empty() {
        let _ = writeln!(
            s,
            "Areas with no figure, whose babies are not in the totals above: {}.\n",
            without.join(", ")
        );
    }

    if let Some(sm) = small {
        let _ = writeln!(s, "## How far babies live from the nearest team\n");
        let _ = writeln!(
            s,
            "Babies counted in small areas ({}), by straight-line distance to the nearest area a team covers.\n",
            sm.figure_columns.join("; ")
        );
        let _ = write!(s, "| Nation | Babies |");
        for b in Band::ALL {
            let _ = write!(s, " {} |", cap(b.label()));
        }
        let _ = writeln!(s, " More than 25 km |");
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|");
        for r in rollups
            .iter()
            .filter(|r| r.level == Level::Nation || r.level.is_total())
        {
            let Some(b) = r.bands else { continue };
            // The total counts only the small areas given: called the UK (or the areas given)
            // only when every area has small areas, not when a nation (Northern Ireland, with
            // none built in) has none.
            let name = if r.level.is_total() && cov.areas.iter().any(|a| a.bands.is_none()) {
                "All small areas given"
            } else {
                r.name.as_str()
            };
            let _ = write!(s, "| {} | {} |", md_cell(name), thousands(b.total()));
            for band in Band::ALL {
                let _ = write!(s, " {} |", thousands(b.get(band)));
            }
            let _ = writeln!(s, " {} |", thousands(b.beyond_25km()));
        }
        let _ = writeln!(s);
        for n in &sm.notes {
            let _ = writeln!(s, "- {n}.");
        }
        let _ = writeln!(s);
    }

    // The heading says how many gaps the table holds: the 20 largest when there are more,
    // else all of them, and none when every area has a team.
    match cov.gaps.len() {
        0 => {
            let _ = writeln!(s, "## Gaps\n");
            let _ = writeln!(s, "Every area has a team, so there is no gap to list.\n");
        }
        n => {
            let _ = match n {
                1 => writeln!(s, "## The one gap\n\nThe area with no team.\n"),
                2..=20 => writeln!(s, "## The {n} gaps\n\nAreas with no team, by {what}.\n"),
                _ => writeln!(
                    s,
                    "## The 20 largest gaps\n\nAreas with no team, by {what}.\n"
                ),
            };
            let _ = writeln!(
                s,
                "| Rank | Area | Code | Nation | {} | Nearest team | km |",
                cap(what)
            );
            let _ = writeln!(s, "|---:|---|---|---|---:|---|---:|");
        }
    }
    for &i in cov.gaps.iter().take(20) {
        let a = &study.areas[i];
        let r = &cov.areas[i];
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.gap_rank.unwrap_or(0),
            md_cell(&a.name),
            md_cell(&a.code),
            a.nation.name(),
            a.figure.map(thousands).unwrap_or_else(|| "n/a".into()),
            r.nearest
                .map(|n| md_cell(study.team_name(n.team)).into_owned())
                .unwrap_or_else(|| if h.teams_beyond > 0 {
                    "none within the areas given".into()
                } else {
                    "none".into()
                }),
            r.nearest
                .map(|n| format!("{:.1}", round(n.km, 1)))
                .unwrap_or_default()
        );
    }
    if !cov.gaps.is_empty() {
        let _ = writeln!(s);
    }
    // Nearest teams in the table that serve only areas outside the boundaries: they cover no
    // area here, so say what they serve, for the distances to be traced.
    let mut outside: Vec<usize> = cov
        .gaps
        .iter()
        .take(20)
        .filter_map(|&i| cov.areas[i].nearest.map(|n| n.team))
        .filter(|&t| t >= study.teams.len())
        .collect();
    outside.sort_unstable();
    outside.dedup();
    if !outside.is_empty() {
        let named: Vec<String> = outside
            .iter()
            .map(|&t| {
                let b = &study.beyond[t - study.teams.len()];
                let serves: Vec<String> = b
                    .serves
                    .iter()
                    .map(|c| crate::land::built_in_named(c))
                    .collect();
                format!(
                    "{}, serving {}",
                    md_cell(&b.name),
                    md_cell(&serves.join(", "))
                )
            })
            .collect();
        let _ = if outside.len() == 1 {
            writeln!(
                s,
                "Nearest team above that serves only areas outside the boundaries given, measured to the districts it serves (in `teams.geojson` with `outside_boundaries` true): {}.\n",
                named.join("; ")
            )
        } else {
            writeln!(
                s,
                "Nearest teams above that serve only areas outside the boundaries given, measured to the districts they serve (in `teams.geojson` with `outside_boundaries` true): {}.\n",
                named.join("; ")
            )
        };
    }

    let _ = writeln!(s, "## How these figures were made\n");
    let _ = writeln!(s, "- **What counts as a team**: {}. A team covers the areas its list entry names, or, where it names none, the area that holds its base.{} An area is covered when any counted team covers it.", study.evidence_rule, if study.lying_in { LYING_IN_RULE } else { "" });
    let _ = writeln!(s, "- **Distance to the nearest team**: straight-line distance on British National Grid from a point inside the area to the nearest edge of an area the team covers; 0 when covered.{}", if h.teams_beyond > 0 {
        if h.teams_beyond == 1 {
            " The 1 team serving only areas outside the boundaries given covers none of them, but if counted is measured to, to the nearest edge of the built-in boundaries of the districts it serves.".to_string()
        } else {
            format!(" The {} teams serving only areas outside the boundaries given cover none of them, but those counted are measured to, to the nearest edge of the built-in boundaries of the districts they serve.", h.teams_beyond)
        }
    } else {
        String::new()
    });
    let _ = writeln!(
        s,
        "- **Areas**: {} ({}).",
        study.sources.boundaries, study.sources.boundaries_crs
    );
    let column = study
        .demand
        .column
        .as_ref()
        .map(|c| format!(", {}", c.describe()))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "- **Figure**: {what}, {}: {}{column}.",
        study.demand.period, study.demand.source
    );
    let _ = writeln!(s, "- **Teams**: {}.", study.sources.teams);
    if let Some(sm) = small {
        let _ = writeln!(s, "- **Small areas**: {}.", sm.sources.join("; "));
        let _ = writeln!(s, "- **Distance bands**: {BAND_RULE}. Each district's representative point is the figure-weighted centroid of its small areas (as ONS builds population-weighted centroids), unless that falls outside it.");
    }
    if let Some(p) = &study.sources.postcodes {
        let _ = writeln!(s, "- **Postcodes**: {p}.");
    }
    let _ = writeln!(s, "\n{}", crate::write::ATTRIBUTION);
    s.into_bytes()
}
