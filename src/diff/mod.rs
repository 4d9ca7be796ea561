//! `covgap diff OLD_DIR NEW_DIR`: what changed between two runs' outputs, for refreshes
//! when new births figures or a new team list arrive.
//!
//! It reads only the outputs of each run (`teams.geojson`, `areas.geojson`, `summary.json`,
//! and `run.json` and `rollups.csv` when there are), so runs made months apart, or on another machine, can be
//! compared:
//! - teams added and removed (keyed by name and host organisation, case and spacing aside,
//!   as `covgap run` tells teams apart: [`team_key`](crate::read::teams::team_key)), teams whose counted status, covered
//!   areas or base changed, and teams whose name is written otherwise only in case or spacing
//!   (the same team, renamed);
//! - areas newly covered or uncovered (keyed by area code), areas only in one run, and areas
//!   with a figure in one run and none in the other (whose babies leave or join the totals);
//! - the headline figures and each nation's figures, old, new and the change; with small
//!   areas in either run, also the UK's babies in them by distance band and those left out;
//! - the same figures for each region, upper tier, ICB and health board in `rollups.csv`
//!   (keyed by level and code), when both runs wrote one with the columns covgap writes now
//!   (a run folder from a covgap before it is still compared, without them, and the report
//!   says so).
//!
//! `teams.geojson` lists every team, those with no known base as unlocated features, so
//! teams the list gives only by the areas they serve are compared too. Outputs from before
//! covgap wrote them leave such teams out (fewer features than `summary.json`'s
//! `teams_in_list`); against those, teams with no base are left out of the comparison (but for
//! a team the other run lists, with a base: it is changed), and the report says so. The areas
//! they cover still show as newly covered or uncovered.
//!
//! With boundaries for part of the UK, `teams.geojson` also lists the teams serving only areas
//! outside them, marked `outside_boundaries`. Outputs from before covgap listed them leave them
//! out (`summary.json` counts them in `teams_beyond_boundaries`, and no feature carries the
//! property); against those, teams outside are left out of the comparison, and the report says
//! so. A team outside one run's boundaries and inside the other's is changed, not added or
//! removed.
//!
//! When the runs count different measures (live births, population aged 0), both are shown
//! but no change is given for the figures of babies or their shares.
//!
//! When the runs read different boundaries (told apart by the SHA-256 `run.json` records for
//! them, or, for outputs without it, by their names in `summary.json`), the report says so. If
//! the two runs' areas differ, their totals count different places: both are shown, but no
//! change is given for the areas, babies, shares or teams counted (those covering the areas
//! given), since it would come from the areas, not from the teams. If the areas are the same
//! (the same codes, drawn from another file), the changes are given, with the warning that a
//! base may fall in another area.

mod compare;
mod read;
mod report;

pub use compare::diff;

use read::{same_tables, sorted};

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

/// A team as one run's `teams.geojson` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamRow {
    pub name: String,
    pub host_org: String,
    pub counted: bool,
    /// Codes of the areas it covers, `;`-separated, in the team list's order (compared in any
    /// order: [`same_covers`]).
    pub covers: String,
    /// It serves only areas outside the boundaries given (`outside_boundaries`; false in
    /// outputs from before covgap listed such teams).
    pub outside: bool,
    /// Whether it has a base (a point geometry) or is an unlocated feature.
    pub located: bool,
    /// The base, WGS84 longitude and latitude, when it has one.
    pub at: Option<(f64, f64)>,
}

impl TeamRow {
    /// How far the base moved from `old`'s, in km (geo's geodesic distance on the WGS84
    /// ellipsoid), when both have one.
    pub fn moved_km(&self, old: &TeamRow) -> Option<f64> {
        use geo::{Distance, Geodesic, Point};
        let (a, b) = (Point::from(old.at?), Point::from(self.at?));
        Some(Geodesic.distance(a, b) / 1000.0)
    }
}

/// Whether two teams' `covers` name the same areas, in any order: `teams.geojson` lists them
/// as the team list names them, so a list that gives a team's areas in another order covers
/// the same areas, and is no change.
pub fn same_covers(a: &str, b: &str) -> bool {
    let set = |s: &str| -> std::collections::BTreeSet<String> {
        s.split(';')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect()
    };
    set(a) == set(b)
}

/// A base moved further than this (km) is a change: the 6 decimals of `teams.geojson` are
/// about 0.1 m, so anything less is the same place written again.
pub const MOVED_KM: f64 = 0.01;

/// An area as one run's `areas.geojson` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaRow {
    pub name: String,
    pub covered: bool,
    pub figure: Option<u64>,
    pub teams: String,
}

/// The outputs of one run that a diff compares.
#[derive(Debug, Clone)]
pub struct RunOutputs {
    pub dir: PathBuf,
    /// Teams by name, as [`team_key`](crate::read::teams::team_key) folds it: a team is the same team whatever the case or
    /// spacing of its name, and whatever its host organisation, as `run` tells teams apart.
    pub teams: BTreeMap<String, TeamRow>,
    /// Whether `teams.geojson` marks the teams serving only areas outside the boundaries
    /// given (its features carry `outside_boundaries`), as covgap's does since it lists them.
    pub marks_outside: bool,
    /// Areas by code.
    pub areas: BTreeMap<String, AreaRow>,
    /// `summary.json` as written.
    pub summary: Value,
    /// `run.json` as written; `None` for outputs from before covgap wrote it.
    pub run: Option<Value>,
    /// `rollups.csv`'s rows below the nations (regions, upper tiers, ICBs, health boards), by
    /// level (in [`ROLLUP_LEVELS`]' order) and code; or why they cannot be compared (the
    /// file is missing, or lacks a column), for outputs from an older covgap.
    pub rollups: std::result::Result<BTreeMap<(usize, String), RollupRow>, String>,
}

/// The levels of `rollups.csv` below the nations that `diff` compares, in report order: the
/// key `rollups.csv` gives them, and their names in `diff.md` (one, several).
pub const ROLLUP_LEVELS: &[(&str, &str, &str)] = &[
    ("region", "Region", "Regions"),
    ("upper_tier", "Upper tier", "Upper tiers"),
    ("icb", "ICB", "ICBs"),
    ("health_board", "Health board", "Health boards"),
];

/// One row of `rollups.csv` below the nations: its name and its figures, by the fields the
/// nations are compared on (`NATION`, in that order), `None` where a cell is blank or not a number.
#[derive(Debug, Clone, PartialEq)]
pub struct RollupRow {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// How the change in babies in areas with a team splits, when the figures changed too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FiguresRevised {
    /// Areas with a figure in both runs that differs.
    pub areas: usize,
    /// Areas in both runs with a figure in one of them only (lost or gained).
    pub one_run_only: usize,
    /// The babies of the areas newly covered (at their new figure) less those of the areas
    /// newly uncovered (at their old figure).
    pub from_coverage: i64,
    /// The new figures less the old over the areas covered in both runs.
    pub from_figures: i64,
    /// Areas covered in both runs whose figure differs or is in one run only: with none, the
    /// new figures play no part in the change in babies in areas with a team.
    pub with_a_team: usize,
}

/// One figure, old and new.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Whether it is a headline figure (over every area) rather than a nation's or a
    /// smaller geography's.
    pub headline: bool,
    /// What it is about, as `diff.csv`'s `section` gives it: `headline`, `nation`, or the
    /// level of `rollups.csv` below the nations (`region`, `upper_tier`, `icb`,
    /// `health_board`).
    pub section: &'static str,
    /// The nation's (or region's, ...) ONS code; for headline figures, the UK's
    /// (`K02000001`), or empty when the runs' areas are part of the UK.
    pub code: String,
    /// "United Kingdom", "All areas given" or the nation's (region's, ...) name.
    pub name: String,
    pub field: &'static str,
    pub old: Option<f64>,
    pub new: Option<f64>,
    /// Whether old and new count the same thing: a figure of babies is not, when the two
    /// runs count different measures.
    pub comparable: bool,
}

impl Change {
    /// New minus old; `None` when either is missing or they are not comparable.
    pub fn delta(&self) -> Option<f64> {
        if !self.comparable {
            return None;
        }
        Some(self.new? - self.old?)
    }
}

/// Everything that changed between two runs.
#[derive(Debug, Clone)]
pub struct Diff {
    pub old_dir: PathBuf,
    pub new_dir: PathBuf,
    pub old_period: String,
    pub new_period: String,
    /// Each run's figure in words (`summary.json`'s `measure_description`).
    pub old_measure: String,
    pub new_measure: String,
    /// Each run's figures source (`summary.json`'s `sources.figures_source`: the built-in
    /// table, or the user's `--births` tables); empty in outputs that do not give it. When the
    /// two name the same tables but `run.json` fingerprints them with other contents, each
    /// ends with the start of its tables' SHA-256 (`births.csv (SHA-256 a7b59b3b67c1…)`).
    pub old_source: String,
    pub new_source: String,
    /// The SHA-256 of each run's `--births` tables, in their order, when `run.json` fingerprints
    /// every one; `None` for the built-in figures, outputs without `run.json`, or a table read
    /// from standard input. Two runs both with fingerprints read the same figures when these
    /// are the same, whatever the files are called.
    pub old_figure_hashes: Option<Vec<String>>,
    pub new_figure_hashes: Option<Vec<String>>,
    /// Each run's evidence rule, which teams of the list count (`summary.json`'s
    /// `sources.teams_counted`: "teams whose evidence level is pif_named or
    /// service_confirmed"); empty in outputs that do not give it.
    pub old_evidence: String,
    pub new_evidence: String,
    pub teams_added: Vec<TeamRow>,
    pub teams_removed: Vec<TeamRow>,
    /// Teams in both runs whose counted status, covered areas or base changed: (old, new).
    pub teams_changed: Vec<(TeamRow, TeamRow)>,
    /// Teams in both runs whose name or host organisation is written otherwise, only in case
    /// or spacing ("City Team" → "city team"): the same team, renamed: (old, new). Listed
    /// apart from `teams_changed` (where one also is when something else changed).
    pub teams_renamed: Vec<(TeamRow, TeamRow)>,
    /// Teams with no base were left out of the team comparison, because one run's
    /// `teams.geojson` (from before covgap wrote them) does not list them.
    pub unlocated_not_compared: bool,
    /// Teams serving only areas outside the boundaries given were left out of the team
    /// comparison, because one run's `teams.geojson` (from before covgap listed them) does not
    /// list them, and the other lists some.
    pub outside_not_compared: bool,
    /// Codes and rows (new run) of areas covered now but not before.
    pub newly_covered: Vec<(String, AreaRow)>,
    /// Codes and rows of areas uncovered now but covered before: the new run's row, with the
    /// teams that covered the area in the old run as its `teams` (it has none now).
    pub newly_uncovered: Vec<(String, AreaRow)>,
    pub areas_added: Vec<(String, AreaRow)>,
    pub areas_removed: Vec<(String, AreaRow)>,
    /// Areas in both runs with a figure in the old run and none in the new (none in the table,
    /// or suppressed): code, the new row, and the old figure. Their babies left the new
    /// totals, which then fall without any team changing.
    pub figures_lost: Vec<(String, AreaRow, u64)>,
    /// Areas in both runs with no figure in the old run and one in the new.
    pub figures_gained: Vec<(String, AreaRow)>,
    /// When the same areas have other figures in the new run (a new or revised figures
    /// table) and the runs count one measure: how the change in babies in areas with a team
    /// splits between the teams and the figures. `None` otherwise.
    pub figures_revised: Option<FiguresRevised>,
    /// Headline figures, then each nation's, then each region's, upper tier's, ICB's and
    /// health board's (by level, then code), from `rollups.csv`.
    pub figures: Vec<Change>,
    /// Why the rows of `rollups.csv` below the nations were not compared (one run's file is
    /// missing or lacks a column), one reason for each run; empty when they were compared.
    pub rollups_not_compared: Vec<String>,
    /// Geographies below the nations in both runs, and how many of them did not change.
    pub rollups_compared: usize,
    pub rollups_unchanged: usize,
    /// Geographies below the nations in one run only: level (`region`, ...), code, name, and
    /// whether it is the new run's.
    pub rollups_one_run: Vec<(&'static str, String, String, bool)>,
    /// The code and name of the total over every area (`summary.json`'s total rollup):
    /// `K02000001`, "United Kingdom"; or empty, "All areas given"; or, when the runs' totals
    /// differ, empty and both names ("United Kingdom / All areas given").
    pub total: (String, String),
    /// Each run's boundaries, as named in its outputs, with the start of their SHA-256 when
    /// `run.json` records it.
    pub old_boundaries: String,
    pub new_boundaries: String,
    /// The runs read different boundaries (by content when both `run.json` files record it,
    /// by name otherwise, and always when their areas differ).
    pub boundaries_changed: bool,
    /// When both runs had small areas and read other small-area files (other contents, told
    /// apart by the SHA-256 `run.json` records, or other names or columns): the files of
    /// each run the other did not read, as `summary.json` names them (with the start of each
    /// one's SHA-256), or "none". Their babies by distance band then change with the files,
    /// not only with the teams.
    pub small_areas_changed: Option<(String, String)>,
    /// The folders (old, new or both) that `covgap plan` wrote: their teams and areas are
    /// compared as a run's, but not the new sites they plan.
    pub plans: Vec<PathBuf>,
    /// Nations with a row in one run only though the areas are the same: one covgap gives a
    /// nation's total for part of it, the other only for the whole (not compared).
    pub partial_nations: Vec<String>,
}

const HEADLINE: &[&str] = &[
    "areas_total",
    "areas_covered",
    "areas_without_figure",
    "demand_total",
    "demand_covered",
    "demand_uncovered",
    "percent_covered",
    "teams_in_list",
    "teams_counted",
];
/// With small areas (`summary.json`'s `small_areas`): the UK's babies by distance band and
/// those left out, from `distance_bands` and `left_out`.
const SMALL_AREAS: &[&str] = &[
    "small_areas_babies_total",
    "small_areas_babies_covered",
    "small_areas_babies_within_10km",
    "small_areas_babies_10_to_25km",
    "small_areas_babies_25_to_50km",
    "small_areas_babies_over_50km",
    "small_areas_babies_left_out",
];
const NATION: &[&str] = &[
    "areas_total",
    "areas_covered",
    "areas_without_figure",
    "demand_total",
    "demand_covered",
    "percent_covered",
];

impl Diff {
    /// Whether the two runs count different figures (say live births, then population
    /// aged 0): their totals then compare unlike things.
    pub fn measure_changed(&self) -> bool {
        self.old_measure != self.new_measure
    }

    /// Whether the two runs count teams by different evidence rules (`--evidence`, or a list
    /// with an evidence column against one without): a team counted in one and not the
    /// other may be so by the rule, not by new evidence. The same levels in another order are
    /// the same rule; not told when either run's outputs do not give it.
    pub fn evidence_changed(&self) -> bool {
        fn levels(rule: &str) -> std::collections::BTreeSet<&str> {
            match rule.strip_prefix("teams whose evidence level is ") {
                Some(l) => l.split(" or ").collect(),
                None => [rule].into(),
            }
        }
        !self.old_evidence.is_empty()
            && !self.new_evidence.is_empty()
            && levels(&self.old_evidence) != levels(&self.new_evidence)
    }

    /// Whether the runs read their figures from different sources (new births tables, say).
    /// When `run.json` fingerprints both runs' tables, by their contents: new figures saved
    /// under last year's file name are a new source, and the same file renamed is not.
    /// Otherwise by the names the outputs give (not told when either run's outputs do not name
    /// theirs). Either way several tables are compared in any order: the same tables given in
    /// another order read the same figures.
    pub fn source_changed(&self) -> bool {
        match (&self.old_figure_hashes, &self.new_figure_hashes) {
            (Some(o), Some(n)) => sorted(o) != sorted(n),
            _ => {
                !self.old_source.is_empty()
                    && !self.new_source.is_empty()
                    && !same_tables(&self.old_source, &self.new_source)
            }
        }
    }

    /// Whether the two runs' areas differ (some only in one run): their totals then count
    /// different places.
    pub fn areas_differ(&self) -> bool {
        !self.areas_added.is_empty() || !self.areas_removed.is_empty()
    }

    /// Whether anything at all differs.
    pub fn is_empty(&self) -> bool {
        self.old_period == self.new_period
            && !self.measure_changed()
            && !self.evidence_changed()
            && !self.source_changed()
            && !self.boundaries_changed
            && self.small_areas_changed.is_none()
            && self.teams_added.is_empty()
            && self.teams_removed.is_empty()
            && self.teams_changed.is_empty()
            && self.teams_renamed.is_empty()
            && self.newly_covered.is_empty()
            && self.newly_uncovered.is_empty()
            && self.areas_added.is_empty()
            && self.areas_removed.is_empty()
            && self.figures_lost.is_empty()
            && self.figures_gained.is_empty()
            && self.figures.iter().all(|c| c.old == c.new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::teams::team_key;

    use serde_json::json;

    fn run(teams: &[(&str, bool)], covered: &[(&str, bool)], pct: f64) -> RunOutputs {
        RunOutputs {
            dir: PathBuf::from("x"),
            teams: teams
                .iter()
                .map(|(n, c)| {
                    (
                        team_key(n),
                        TeamRow {
                            name: n.to_string(),
                            host_org: String::new(),
                            counted: *c,
                            covers: String::new(),
                            outside: false,
                            located: true,
                            at: None,
                        },
                    )
                })
                .collect(),
            marks_outside: true,
            areas: covered
                .iter()
                .map(|(c, v)| {
                    (
                        c.to_string(),
                        AreaRow {
                            name: c.to_string(),
                            covered: *v,
                            figure: Some(10),
                            teams: String::new(),
                        },
                    )
                })
                .collect(),
            summary: json!({"percent_covered": pct, "nations": []}),
            run: None,
            rollups: Ok(BTreeMap::new()),
        }
    }

    /// A run from before covgap counted the whole team list and gave nations a row only when
    /// whole, on the same part of the UK: its team count was of the teams kept, and its
    /// England row covered part of England. Neither reads as a change.
    #[test]
    fn a_run_from_before_whole_nations_and_whole_team_counts_reads_no_change() {
        let mut old = run(&[("A", true)], &[("E1", true)], 50.0);
        let mut new = run(&[("A", true)], &[("E1", true)], 50.0);
        let england = json!({"code": "E92000001", "name": "England", "areas_total": 1});
        old.summary["teams_in_list"] = json!(1);
        old.summary["nations"] = json!([england]);
        new.summary["teams_in_list"] = json!(44);
        new.summary["teams_beyond_boundaries"] = json!(43);
        let d = diff(&old, &new);
        assert!(d.is_empty(), "{}", d.markdown());
        assert_eq!(d.partial_nations, ["England"]);
        assert!(d.markdown().contains("Not compared: England"));
        // Two runs that both count the whole list compare it as it is.
        old.summary["teams_in_list"] = json!(40);
        old.summary["teams_beyond_boundaries"] = json!(39);
        let d = diff(&old, &new);
        let teams = d
            .figures
            .iter()
            .find(|c| c.field == "teams_in_list")
            .unwrap();
        assert_eq!((teams.old, teams.new), (Some(40.0), Some(44.0)));
    }

    #[test]
    fn unlocated_teams_are_not_added_against_outputs_that_left_them_out() {
        let mut old = run(&[("A", true)], &[("E1", true)], 12.5);
        let mut new = run(&[("A", true), ("U", false)], &[("E1", true)], 12.5);
        new.teams.get_mut(&team_key("U")).unwrap().located = false;
        let d = diff(&old, &new);
        assert_eq!(d.teams_added.len(), 1, "both list every team: U is added");
        // An older run: its summary counts a team its teams.geojson leaves out.
        old.summary["teams_in_list"] = json!(2);
        let d = diff(&old, &new);
        assert!(d.teams_added.is_empty());
        assert!(d.unlocated_not_compared);
        assert!(d
            .markdown()
            .contains("Teams with no base are left out of the team comparison"));
    }

    /// Teams serving only areas outside the boundaries given: listed by covgap's
    /// teams.geojson since it marks them, left out by an older covgap's (whose summary still
    /// counted them). Against such outputs they are not added; a team outside one run's
    /// boundaries and inside the other's is changed, not added or removed.
    #[test]
    fn teams_outside_the_boundaries_are_compared_only_where_both_list_them() {
        let mut old = run(&[("A", true)], &[("W1", false)], 0.0);
        let mut new = run(&[("A", true), ("O", true)], &[("W1", false)], 0.0);
        new.teams.get_mut(&team_key("O")).unwrap().outside = true;
        for r in [&mut old, &mut new] {
            r.summary["teams_in_list"] = json!(2);
            r.summary["teams_beyond_boundaries"] = json!(1);
        }
        // An older covgap's teams.geojson: O is counted in its summary, not in its file.
        old.marks_outside = false;
        let d = diff(&old, &new);
        assert!(d.teams_added.is_empty() && d.teams_removed.is_empty());
        assert!(d.outside_not_compared && !d.unlocated_not_compared);
        assert!(d.is_empty(), "{}", d.markdown());
        assert!(d.markdown().contains(
            "Teams serving only areas outside the boundaries given are left out of the team comparison"
        ));
        // Both list it: nothing changed.
        let d = diff(&new, &new);
        assert!(d.is_empty() && !d.outside_not_compared);
        // Inside the old run's boundaries (the whole UK), outside the new's: changed.
        let mut inside = new.clone();
        let o = inside.teams.get_mut(&team_key("O")).unwrap();
        (o.outside, o.covers) = (false, "E1".into());
        inside.summary["teams_beyond_boundaries"] = json!(0);
        let d = diff(&inside, &new);
        assert!(d.teams_added.is_empty() && d.teams_removed.is_empty());
        assert_eq!(d.teams_changed.len(), 1);
        assert!(d.markdown().contains(
            "- O: serves areas given → serves only areas outside the boundaries given; covers E1 → no area"
        ));
        assert!(String::from_utf8(d.csv())
            .unwrap()
            .contains("team_changed,,O,outside_boundaries,false,true,"));
    }

    #[test]
    fn finds_each_kind_of_change() {
        let old = run(
            &[("A", true), ("B", true)],
            &[("E1", true), ("E2", false)],
            50.0,
        );
        let new = run(
            &[("B", false), ("C", true)],
            &[("E1", false), ("E2", true)],
            50.0,
        );
        let d = diff(&old, &new);
        assert_eq!(d.teams_added[0].name, "C");
        assert_eq!(d.teams_removed[0].name, "A");
        assert_eq!(d.teams_changed[0].1.name, "B");
        assert_eq!(d.newly_covered[0].0, "E2");
        assert_eq!(d.newly_uncovered[0].0, "E1");
        let md = d.markdown();
        assert!(md.contains("## Teams added (1)"), "{md}");
        assert!(md.contains("counted → not counted"), "{md}");
    }

    /// Regression: a team whose name is written otherwise only in case or spacing is the same
    /// team, as `run` tells teams apart, not one removed and another added: renamed, and
    /// changed only when something else changed.
    #[test]
    fn a_team_renamed_in_case_or_spacing_only_is_the_same_team() {
        let old = run(
            &[("City Team", true), ("Other", true)],
            &[("E1", true)],
            50.0,
        );
        let new = run(
            &[("city  TEAM", true), ("OTHER", false)],
            &[("E1", true)],
            50.0,
        );
        let d = diff(&old, &new);
        assert!(
            d.teams_added.is_empty() && d.teams_removed.is_empty(),
            "{d:?}"
        );
        assert_eq!(d.teams_renamed.len(), 2);
        // Only the one no longer counted changed.
        assert_eq!(d.teams_changed.len(), 1);
        assert_eq!(d.teams_changed[0].1.name, "OTHER");
        let md = d.markdown();
        assert!(
            md.contains("## Teams renamed, in case or spacing only (2)"),
            "{md}"
        );
        assert!(md.contains("- \"City Team\" → \"city  TEAM\""), "{md}");
        assert!(md.contains("- OTHER: counted → not counted"), "{md}");
        let csv = String::from_utf8(d.csv()).unwrap();
        assert!(
            csv.contains("team_renamed,,city  TEAM,name,City Team,city  TEAM,\r\n"),
            "{csv}"
        );
    }

    #[test]
    fn new_figures_tables_are_a_change() {
        let mut old = run(&[("A", true)], &[("E1", true)], 12.5);
        old.summary["sources"]["figures_source"] = json!("births_2023.csv");
        let mut new = old.clone();
        new.summary["sources"]["figures_source"] = json!("ew_2024.csv; scotland_2024.csv");
        let d = diff(&old, &new);
        assert!(!d.is_empty());
        assert!(d.markdown().contains(
            "The figures' source changed: births_2023.csv → ew_2024.csv; scotland_2024.csv."
        ));
        assert!(String::from_utf8(d.csv())
            .unwrap()
            .contains("figures_source,births_2023.csv,ew_2024.csv; scotland_2024.csv"));
        // Outputs that do not name their source are not said to have changed it.
        new.summary["sources"] = json!({});
        assert!(diff(&old, &new).is_empty());
    }

    /// A run's outputs naming `source` as their figures, with `run.json` fingerprinting each
    /// table when `hashes` are given (`None` for a table read from standard input).
    fn with_figures(source: &str, hashes: Option<&[Option<&str>]>) -> RunOutputs {
        let mut r = run(&[("A", true)], &[("E1", true)], 12.5);
        r.summary["sources"]["figures_source"] = json!(source);
        r.run = hashes.map(|hs| {
            let inputs: Vec<Value> = hs
                .iter()
                .enumerate()
                .map(|(i, h)| match h {
                    Some(h) => json!({"role": "figures", "path": format!("t{i}.csv"), "sha256": h}),
                    None => json!({"role": "figures", "path": "/dev/stdin"}),
                })
                .chain([json!({"role": "area_lookup", "sha256": "ff"})])
                .collect();
            json!({ "inputs": inputs })
        });
        r
    }

    #[test]
    fn fingerprinted_tables_are_compared_by_their_contents() {
        let a = "aaaaaaaaaaaaaaaa";
        let b = "bbbbbbbbbbbbbbbb";
        // Same name, other contents: changed, each side with its fingerprint.
        let d = diff(
            &with_figures("births.csv", Some(&[Some(a)])),
            &with_figures("births.csv", Some(&[Some(b)])),
        );
        assert!(d.source_changed() && !d.is_empty());
        assert_eq!(d.old_source, "births.csv (SHA-256 aaaaaaaaaaaa…)");
        assert_eq!(d.new_source, "births.csv (SHA-256 bbbbbbbbbbbb…)");
        // Another name, the same contents: the same figures.
        let d = diff(
            &with_figures("births.csv", Some(&[Some(a)])),
            &with_figures("births_2023.csv", Some(&[Some(a)])),
        );
        assert!(!d.source_changed() && d.is_empty());
        // Several tables under the same names, one of them new: each table is given its
        // own fingerprint, in the order of the tables, so the one that changed is seen.
        let c = "cccccccccccccccc";
        let d = diff(
            &with_figures("x.csv; y.csv", Some(&[Some(c), Some(a)])),
            &with_figures("x.csv; y.csv", Some(&[Some(c), Some(b)])),
        );
        assert!(d.source_changed());
        assert_eq!(
            d.old_source,
            "x.csv (SHA-256 cccccccccccc…); y.csv (SHA-256 aaaaaaaaaaaa…)"
        );
        assert_eq!(
            d.new_source,
            "x.csv (SHA-256 cccccccccccc…); y.csv (SHA-256 bbbbbbbbbbbb…)"
        );
        // Several tables, in another order: the same.
        let d = diff(
            &with_figures("x.csv; y.csv", Some(&[Some(a), Some(b)])),
            &with_figures("y.csv; x.csv", Some(&[Some(b), Some(a)])),
        );
        assert!(!d.source_changed());
        // A table read from standard input, or a run without run.json: by name, as before.
        for hashes in [Some(&[None][..]), None] {
            let d = diff(
                &with_figures("births.csv", Some(&[Some(a)])),
                &with_figures("births.csv", hashes),
            );
            assert!(!d.source_changed());
            assert_eq!(d.new_source, "births.csv");
        }
        // The built-in figures (no path): by the release they name.
        let mut built_in = with_figures("ONS mid-2020", None);
        built_in.run = Some(json!({"inputs": [{"role": "figures", "sha256": a}]}));
        let mut rebuilt = built_in.clone();
        rebuilt.run = Some(json!({"inputs": [{"role": "figures", "sha256": b}]}));
        assert!(!diff(&built_in, &rebuilt).source_changed());
    }

    #[test]
    fn the_same_tables_in_another_order_are_no_change() {
        // `--births ew.csv,scotland.csv` re-run as `--births scotland.csv --births ew.csv`
        // reads the same figures: the source did not change.
        let mut old = run(&[("A", true)], &[("E1", true)], 12.5);
        old.summary["sources"]["figures_source"] = json!(
            "ew.csv, 318 areas, column \"Live births\", found by its header; scotland.csv, 32 areas, column \"Births\", found by its header"
        );
        let mut new = old.clone();
        new.summary["sources"]["figures_source"] = json!(
            "scotland.csv, 32 areas, column \"Births\", found by its header; ew.csv, 318 areas, column \"Live births\", found by its header"
        );
        let d = diff(&old, &new);
        assert!(!d.source_changed());
        assert!(d.is_empty());
        assert!(!d.markdown().contains("source changed"));
    }

    #[test]
    fn a_new_period_is_a_change() {
        let old = run(&[("A", true)], &[("E1", true)], 12.5);
        let mut new = old.clone();
        new.summary["period"] = json!("calendar year 2024");
        let d = diff(&old, &new);
        assert!(!d.is_empty());
        assert!(d
            .markdown()
            .contains("period changed:  → calendar year 2024"));
        assert!(String::from_utf8(d.csv())
            .unwrap()
            .contains("period,,calendar year 2024"));
    }

    #[test]
    fn a_new_measure_labels_each_side_and_is_flagged() {
        let mut old = run(&[("A", true)], &[("E1", true)], 12.5);
        old.summary["measure_description"] = json!("live births");
        let mut new = old.clone();
        new.summary["measure_description"] = json!("population aged 0");
        let d = diff(&old, &new);
        assert!(d.measure_changed());
        assert!(!d.is_empty());
        let md = d.markdown();
        assert!(md.contains("(live births, "), "{md}");
        assert!(md.contains("(population aged 0, "), "{md}");
        assert!(
            md.contains("The runs count different figures: live births → population aged 0"),
            "{md}"
        );
        assert!(!md.contains("Population aged 0 (total)"), "{md}");
        // The percentage covered is a share of different things: no change is given.
        assert!(
            md.contains("| % of figure in areas with a team | 12.5 | 12.5 | n/a |"),
            "{md}"
        );
        assert!(String::from_utf8(d.csv())
            .unwrap()
            .contains("measure,live births,population aged 0"));
    }

    /// A run's outputs as read, with `boundaries` named in summary.json and, when `sha` is
    /// given, fingerprinted in run.json.
    fn with_boundaries(mut r: RunOutputs, name: &str, sha: Option<&str>) -> RunOutputs {
        r.summary["sources"] = json!({ "boundaries": name });
        r.summary["demand_total"] = json!(100);
        r.summary["demand_covered"] = json!(50);
        r.summary["areas_total"] = json!(r.areas.len());
        r.run = sha.map(|h| {
            json!({"inputs": [
                {"role": "boundaries", "path": name, "sha256": h},
                {"role": "teams", "path": "t.csv", "sha256": "00"},
            ]})
        });
        r
    }

    fn headline(d: &Diff, field: &str) -> Change {
        d.figures
            .iter()
            .find(|c| c.headline && c.field == field)
            .unwrap()
            .clone()
    }

    #[test]
    fn different_boundaries_with_different_areas_give_no_change_in_areas_or_babies() {
        let old = with_boundaries(
            run(&[("A", true)], &[("E1", true), ("E2", false)], 50.0),
            "uk.geojson",
            Some("aaaa"),
        );
        let mut new = with_boundaries(
            run(&[("A", true)], &[("E1", true)], 100.0),
            "oxon.geojson",
            Some("bbbb"),
        );
        new.summary["demand_total"] = json!(50);
        let d = diff(&old, &new);
        assert!(d.boundaries_changed && d.areas_differ());
        for f in ["areas_total", "demand_total", "percent_covered"] {
            let c = headline(&d, f);
            assert!(c.old.is_some() && c.new.is_some(), "{f}: both shown");
            assert_eq!(c.delta(), None, "{f}: no change given");
        }
        let w = d.warnings();
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("uk.geojson (SHA-256 aaaa…) → oxon.geojson (SHA-256 bbbb…)"));
        assert!(w[0].contains("not new or closed teams"), "{w:?}");
        let md = d.markdown();
        assert!(md.contains("**The runs use different boundaries"), "{md}");
        assert!(
            md.contains("| % of figure in areas with a team | 50.0 | 100.0 | n/a |"),
            "{md}"
        );
        assert!(String::from_utf8(d.csv())
            .unwrap()
            .contains("boundaries,uk.geojson (SHA-256 aaaa…),oxon.geojson (SHA-256 bbbb…)"));
    }

    #[test]
    fn the_same_areas_drawn_from_another_file_are_compared_with_a_warning() {
        let areas = [("E1", true), ("E2", false)];
        let old = with_boundaries(run(&[("A", true)], &areas, 50.0), "b.geojson", Some("aaaa"));
        let new = with_boundaries(run(&[("A", true)], &areas, 50.0), "b.geojson", Some("cccc"));
        let d = diff(&old, &new);
        assert!(d.boundaries_changed && !d.areas_differ());
        assert!(!d.is_empty());
        assert_eq!(headline(&d, "percent_covered").delta(), Some(0.0));
        assert!(
            d.warnings()[0].contains("with the same area codes"),
            "{:?}",
            d.warnings()
        );
        // The same file in both: nothing to say.
        let same = diff(&old, &old);
        assert!(!same.boundaries_changed && same.warnings().is_empty() && same.is_empty());
    }

    #[test]
    fn without_run_json_boundaries_are_told_apart_by_name() {
        let areas = [("E1", true)];
        let old = with_boundaries(run(&[("A", true)], &areas, 50.0), "a.geojson", None);
        let new = with_boundaries(run(&[("A", true)], &areas, 50.0), "b.geojson", None);
        assert!(diff(&old, &new).boundaries_changed);
        assert!(!diff(&old, &old).boundaries_changed);
        // One run fingerprinted, the other not: by name.
        let hashed = with_boundaries(run(&[("A", true)], &areas, 50.0), "a.geojson", Some("aa"));
        assert!(!diff(&old, &hashed).boundaries_changed);
    }

    /// A run's outputs with `rollups` as its rows below the nations: level, code, name,
    /// areas covered, babies covered (of 100 each, in 2 areas).
    fn with_rollups(rows: &[(usize, &str, &str, f64, f64)]) -> RunOutputs {
        let mut r = run(&[("A", true)], &[("E1", true)], 12.5);
        r.rollups = Ok(rows
            .iter()
            .map(|(level, code, name, areas, babies)| {
                (
                    (*level, code.to_string()),
                    RollupRow {
                        name: name.to_string(),
                        values: vec![
                            Some(2.0),
                            Some(*areas),
                            Some(0.0),
                            Some(100.0),
                            Some(*babies),
                            Some(*babies),
                        ],
                    },
                )
            })
            .collect());
        r
    }

    #[test]
    fn regions_and_smaller_geographies_are_compared_by_level_and_name() {
        let old = with_rollups(&[
            (0, "E12000002", "North West", 1.0, 40.0),
            (0, "E12000009", "South West", 0.0, 0.0),
            (2, "E54000001", "Old ICB", 1.0, 50.0),
        ]);
        let new = with_rollups(&[
            (0, "E12000002", "North West", 2.0, 60.0),
            (0, "E12000009", "South West", 0.0, 0.0),
            (2, "E54000002", "New ICB", 1.0, 50.0),
        ]);
        let d = diff(&old, &new);
        assert!(!d.is_empty());
        assert_eq!((d.rollups_compared, d.rollups_unchanged), (2, 1));
        let md = d.markdown();
        assert!(
            md.contains("2 geographies in both runs: 1 unchanged, 1 changed"),
            "{md}"
        );
        assert!(
            md.contains("| North West (E12000002) | % of figure in areas with a team | 40.0 | 60.0 | +20.0 |"),
            "{md}"
        );
        assert!(!md.contains("South West"), "{md}");
        assert!(
            md.contains("### Only in the old run (1)\n\n- ICB: Old ICB (E54000001)"),
            "{md}"
        );
        assert!(
            md.contains("### Only in the new run (1)\n\n- ICB: New ICB (E54000002)"),
            "{md}"
        );
        let csv = String::from_utf8(d.csv()).unwrap();
        assert!(
            csv.contains("region,E12000009,South West,areas_covered,0,0,0\r\n"),
            "{csv}"
        );
        assert!(
            csv.contains("icb,E54000002,New ICB,areas_covered,,1,\r\n"),
            "{csv}"
        );
        // Counting different measures, their babies do not compare; their areas still do.
        let mut other = new.clone();
        other.summary["measure_description"] = json!("population aged 0");
        let md = diff(&old, &other).markdown();
        assert!(
            md.contains("| North West (E12000002) | Figure in areas with a team | 40 | 60 | n/a |"),
            "{md}"
        );
        assert!(
            md.contains("| North West (E12000002) | Areas with a team | 1 | 2 | +1 |"),
            "{md}"
        );
        // The same rows: nothing changed. One run without them: not compared, and said so.
        assert!(diff(&old, &old).is_empty());
        let mut older = old.clone();
        older.rollups = Err("x has no rollups.csv".into());
        let d = diff(&older, &old);
        assert!(d.is_empty() && d.figures.iter().all(|c| c.section != "region"));
        assert!(d.markdown().contains(
            "Regions, upper tiers, ICBs and health boards are not compared: x has no rollups.csv."
        ));
    }

    #[test]
    fn same_run_is_empty() {
        let a = run(&[("A", true)], &[("E1", true)], 12.5);
        let d = diff(&a, &a);
        assert!(d.is_empty());
        assert!(d.markdown().contains("Nothing changed."));
    }
}
