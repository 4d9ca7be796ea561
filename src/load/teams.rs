//! Resolving a team list: each row's evidence, base and areas served, placed among the areas
//! given.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use geo::Coord;

use crate::builtin;
use crate::crs::{Crs, Located};
use crate::error::{Diagnostics, Error, Place, Result};
use crate::index::AreaIndex;
use crate::land::{Across, Land};
use crate::model::{Area, Base, HoldingDistrict, Nation, Precision, Team, TeamBeyond};
use crate::read::names::fold_name;
use crate::read::postcodes::{
    check_postcode_directory, lookup_postcodes, month_words, postcode_key, Found, Outcodes,
};
use crate::read::successors::{self, Successor};
use crate::read::teams::{self as team_list, read_teams, BaseGiven, TeamColumns, TeamRow};
use crate::read::Input;
use crate::write::plural;

use super::names::{add_district_names, suggest, Districts, Held};
use super::team_notes::{
    note_no_place, note_passed_over, place_base_outside, report_abolished, stated_nation,
    warn_base_nation, warn_counted_column, warn_covers_column, BaseOutside, Counts, NoPlace,
    StatedCovers,
};
use super::{input, record, Inputs, DEFAULT_EVIDENCE, EVIDENCE_LEVELS};

/// The team list as the study takes it: the teams kept, the counting rule in words, the list's
/// label, the teams outside the boundaries, and whether any team counts for areas lying in a
/// district ([`Study::lying_in`](crate::model::Study::lying_in)).
pub(super) struct TeamList {
    pub(super) teams: Vec<Team>,
    pub(super) evidence_rule: String,
    /// Whether the list was read: when it could not be, its error is recorded and `teams` is
    /// empty, which `check` must not report as a list of no teams.
    pub(super) read: bool,
    pub(super) label: String,
    pub(super) beyond: Vec<TeamBeyond>,
    pub(super) lying_in: bool,
    /// The built-in districts the areas lie in ([`Study::holding_districts`](crate::model::Study::holding_districts)), read with the
    /// same districts as the teams.
    pub(super) holding_districts: Vec<HoldingDistrict>,
}

pub(super) fn load_teams(
    inputs: &Inputs,
    areas: &[Area],
    diag: &mut Diagnostics,
) -> Result<TeamList> {
    let tin = input(&inputs.teams, builtin::teams);
    // The built-in list names the built-in districts: with a user's own boundaries its teams
    // elsewhere are outside the study, not mistakes the user could fix.
    let outside_ok = inputs.teams.is_none() && inputs.boundaries.is_some();
    let districts = Districts::new()?;
    let list = ListRead {
        tin: &tin,
        columns: &inputs.team_columns,
        postcodes: inputs.postcodes.as_deref(),
        counting: Counting::Evidence(inputs.evidence.as_deref()),
        outside_ok,
    };
    let (teams, evidence_rule, beyond, lying_in, read) =
        match resolve_teams_in(&districts, list, areas, diag) {
            Ok((teams, rule, beyond, lying_in)) => (teams, rule, beyond, lying_in, true),
            Err(e) => {
                // Listed with the other problems, so `check` goes on to report the rest.
                record(diag, e);
                (
                    Vec::new(),
                    "no teams (the team list could not be read)".into(),
                    Vec::new(),
                    false,
                    false,
                )
            }
        };
    let teams_label = if inputs.teams.is_some() {
        tin.label()
    } else {
        builtin::TEAMS_SOURCE.to_string()
    };
    Ok(TeamList {
        teams,
        evidence_rule,
        read,
        label: teams_label,
        beyond,
        lying_in,
        holding_districts: districts.holding_smaller(areas)?,
    })
}

/// Which rows of a team list count as coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting<'a> {
    /// Rows whose evidence level is one of these (`None`: [`DEFAULT_EVIDENCE`]); every row
    /// when the list has no evidence column.
    Evidence(Option<&'a [String]>),
    /// Every row, whatever its evidence (candidate sites, teams in a what-if list).
    All,
}

/// Reads a team list (any of the CSV forms `--teams` takes) and resolves it against `areas`:
/// areas served by code or name, bases by coordinates or postcode, the area holding each base.
/// Returns the resolved teams, in list order, and the counting rule in words. Rows with
/// problems are reported in `diag` and left out.
///
/// With `outside_ok`, areas and bases outside `areas` are passed over with a note instead of
/// being errors (the built-in list read against a user's own, smaller boundaries). In any list,
/// an area served that is a real district (`data/areas.csv`, or one abolished since) counts for
/// the area of `areas` the built-in lookup puts it in (its ICB, say), or, when there is none, is
/// passed over with a note as lying outside the boundaries given (README, "Areas served outside
/// the boundaries").
///
/// Used for the team list itself and for every other list of sites (`covgap plan
/// --candidates`, `--what-if`), so all of them are read the same way.
///
/// # Examples
/// ```
/// use covgap::{builtin, error::Diagnostics, load::{self, Counting}};
/// use covgap::read::teams::TeamColumns;
/// let mut diag = Diagnostics::new();
/// let study = load::load(&load::Inputs::default(), &mut diag).unwrap();
/// let (teams, _, beyond, _) = load::resolve_teams(&builtin::teams(), &TeamColumns::default(), None,
///     Counting::All, false, &study.areas, &mut diag).unwrap();
/// // Every row counts, so a row with neither areas nor a base is an error and left out.
/// assert!(!teams.is_empty() && teams.len() <= study.teams.len());
/// assert!(teams.iter().all(|t| t.counted));
/// assert!(beyond.is_empty()); // no team serves only areas outside the (built-in) boundaries
/// ```
pub fn resolve_teams(
    tin: &Input,
    columns: &TeamColumns,
    postcodes: Option<&Path>,
    counting: Counting,
    outside_ok: bool,
    areas: &[Area],
    diag: &mut Diagnostics,
) -> Result<(Vec<Team>, String, Vec<TeamBeyond>, bool)> {
    let list = ListRead {
        tin,
        columns,
        postcodes,
        counting,
        outside_ok,
    };
    resolve_teams_in(&Districts::new()?, list, areas, diag)
}

/// How a team list is read: the list, its columns, the postcode directory, which rows count,
/// and whether teams elsewhere are outside the study ([`resolve_teams`]).
struct ListRead<'a> {
    tin: &'a Input,
    columns: &'a TeamColumns,
    postcodes: Option<&'a Path>,
    counting: Counting<'a>,
    outside_ok: bool,
}

/// [`resolve_teams`] with the built-in districts given, so that `load` reads the areas lying
/// in them (which cost a pass over every area) once, for the teams and for
/// [`Study::holding_districts`](crate::model::Study::holding_districts).
///
/// The list's rows are read, which rows count is settled ([`evidence_rule`]), and then each row
/// is resolved in turn: the areas it serves ([`Resolver::served`]), its base ([`row_base`]), the
/// area holding the base ([`Resolver::host_area`]), and whether it is a team of the boundaries
/// given or one outside them ([`TeamBeyond`]).
fn resolve_teams_in(
    districts: &Districts,
    read: ListRead,
    areas: &[Area],
    diag: &mut Diagnostics,
) -> Result<(Vec<Team>, String, Vec<TeamBeyond>, bool)> {
    let ListRead {
        tin,
        columns,
        postcodes,
        counting,
        outside_ok,
    } = read;
    let label = tin.label();
    let builtin_list = matches!(tin, Input::BuiltIn { .. });
    // The list's rows are read, then what they name is found: reported row by row.
    let first_problem = diag.problems().len();
    let list = read_teams(tin, columns, diag)?;

    // Full postcodes are looked up in one streaming pass over the directory.
    let wanted: HashSet<String> = list
        .rows
        .iter()
        .filter_map(|r| match &r.base {
            Some(BaseGiven::Postcode(p)) => Some(postcode_key(p)),
            _ => None,
        })
        .collect();
    let found = match (postcodes, wanted.is_empty()) {
        (Some(p), false) => Some(lookup_postcodes(p, &wanted)?),
        (Some(p), true) => {
            // Nothing to look up in it, but a missing or wrong file is still an error, in
            // `check` as in `run` (whose run.json reads every input given); the teams are
            // placed all the same, needing none of it.
            match check_postcode_directory(p) {
                Ok(()) => diag.note(
                    &p.display().to_string(),
                    None,
                    "no team is given by full postcode, so the postcode directory was not needed for the teams",
                ),
                Err(e) => record(diag, e),
            }
            None
        }
        _ => None,
    };
    let outcodes = Outcodes::read(&builtin::outcodes())?;
    let (wanted_levels, evidence_rule) = evidence_rule(&list, counting, &label, diag);
    let index = AreaIndex::new(
        areas
            .iter()
            .enumerate()
            .map(|(i, a)| (i, a.bng.clone()))
            .collect(),
    );
    let area_codes: HashSet<&str> = areas.iter().map(|a| a.code.as_str()).collect();
    let r = Resolver::new(
        districts,
        areas,
        &index,
        &area_codes,
        &list,
        &label,
        outside_ok,
    );

    // The built-in list names the built-in districts. With a user's own boundaries (one
    // region, say) its teams elsewhere are outside the study, not mistakes the user could
    // fix: their unknown areas and far-off bases are passed over, not errors.
    // The same goes for a user's own list naming real districts outside the boundaries: most
    // likely a list for the whole UK run on one region. A district the boundaries hold in an
    // area of another geography (an ICB) counts for that area.
    let mut left_out: Vec<TeamBeyond> = Vec::new();
    let mut passed_over: std::collections::BTreeSet<String> = Default::default();
    let mut outside: std::collections::BTreeSet<String> = Default::default();
    // Whether the boundaries cover the whole UK: a team the list gives no place is then in
    // them, wherever it is; with part of the UK, it is not known to be.
    let uk = std::cell::OnceCell::new();
    let whole_uk = || {
        *uk.get_or_init(|| {
            let codes: HashSet<&str> = areas.iter().map(|a| a.code.as_str()).collect();
            let geometry: Vec<&geo::MultiPolygon> = areas.iter().map(|a| &a.bng).collect();
            crate::land::covers_uk(&geometry, &codes)
        })
    };
    let mut teams = Vec::new();
    // Whether any team counts for areas lying in a district (smaller areas as boundaries).
    let mut lying_in_any = false;
    // Rows with a `covers` cell, checked against what each row is found to cover once all are.
    let mut stated_covers: Vec<StatedCovers> = Vec::new();
    for row in list.rows {
        let place = Some(Place::Line(row.line));
        if let (Some(said), true) = (&row.stated_covers, counting != Counting::All) {
            stated_covers.push(StatedCovers {
                line: row.line,
                name: row.name.clone(),
                said: said.clone(),
            });
        }
        let mut served = r.served(&row, diag);
        passed_over.extend(served.passed_over.iter().cloned());
        outside.extend(served.outside.iter().cloned());
        let mut ok = served.ok;
        let counted = match (&wanted_levels, &row.evidence) {
            (None, _) => true,
            (Some(levels), Some(e)) => levels.iter().any(|l| l == e),
            (Some(_), None) => false,
        };
        // The notes on how its areas were found say which areas a team's districts stand
        // for; for a team not counted, that it would count for them.
        let counts = match counted {
            true => Counts::Yes,
            false => Counts::No(row.evidence.as_deref().unwrap_or("")),
        };
        r.note_served(&row, &mut served, counts, diag);
        lying_in_any |= !served.lying_in.is_empty();
        // Every area served is a district outside the boundaries: the team is elsewhere, as
        // the built-in list's teams are, and its base need not be in the boundaries either.
        let mut elsewhere = outside_ok || (!served.not_here.is_empty() && served.areas.is_empty());
        let base = row_base(
            &row,
            found.as_ref(),
            postcodes.is_some(),
            &outcodes,
            &mut ok,
            &label,
            diag,
        );
        let (host_area, across_in) = match &base {
            None => (None, None),
            Some(b) => r.host_area(&row, b, &served, &mut ok, &mut elsewhere, diag),
        };
        // The area the base is in: a host area, or a built-in district across a land border.
        let base_in = match (host_area, across_in) {
            (Some(i), _) => Some((
                areas[i].name.clone(),
                areas[i].code.clone(),
                areas[i].nation,
            )),
            (None, Some(a)) => {
                let code = a.code();
                Some((a.name(), code.to_string(), Nation::from_code(code)))
            }
            (None, None) => None,
        };
        if let (Some(b), Some(base_in)) = (&base, base_in) {
            warn_base_nation(&row, b, base_in, &label, diag);
        }
        if counting != Counting::All {
            warn_counted_column(&row, counted, wanted_levels.as_deref(), &label, diag);
        }
        if wanted_levels.is_some() && row.evidence.as_deref().unwrap_or("").is_empty() {
            diag.note(
                &label,
                place,
                format!(
                    "{}: evidence level is blank, so the team is not counted",
                    row.name
                ),
            );
        }
        // A counted team the list gives no place, with a list for more than the boundaries
        // given: not known to be in them.
        let place_unknown = counted
            && row.areas.is_empty()
            && row.base.is_none()
            && (outside_ok || r.wide)
            && !whole_uk();
        if row.areas.is_empty() && row.base.is_none() {
            let no_place = NoPlace {
                counted,
                every_row_counts: counting == Counting::All,
                place_unknown,
                builtin_list,
            };
            if !note_no_place(&row, no_place, &label, diag) {
                continue;
            }
        }
        if !ok {
            continue;
        }
        if place_unknown {
            left_out.push(TeamBeyond {
                name: row.name,
                host_org: row.host_org,
                evidence: row.evidence,
                counted,
                serves: Vec::new(),
                by_base: false,
                base: None,
                source_url: row.source_url,
                last_evidence: row.last_evidence,
                line: row.line,
            });
            continue;
        }
        let somewhere_else = !row.areas.is_empty() || row.base.is_some();
        if elsewhere && served.areas.is_empty() && host_area.is_none() && somewhere_else {
            // What it covers, to measure to: the built-in districts it serves, or, naming
            // none, the one holding its base.
            let by_base = served.not_here_codes.is_empty();
            let serves = if !by_base {
                served.not_here_codes
            } else {
                base.as_ref()
                    .and_then(|b| crate::land::built_in_district_at(Coord::from(b.at.bng)))
                    .map(|c| vec![c.to_string()])
                    .unwrap_or_default()
            };
            left_out.push(TeamBeyond {
                name: row.name,
                host_org: row.host_org,
                evidence: row.evidence,
                counted,
                serves,
                by_base,
                base: base.clone(),
                source_url: row.source_url,
                last_evidence: row.last_evidence,
                line: row.line,
            });
            continue;
        }
        if let (true, Some(i)) = (
            served.areas.is_empty() && !served.not_here.is_empty(),
            host_area,
        ) {
            // The areas it serves are all elsewhere, but its base is here: it counts for the
            // area holding its base, as a team naming no areas does. Said, since that area is
            // not one the row names.
            diag.note(
                &label,
                place,
                format!(
                    "{}: no area it serves is an area of the boundaries given or in one ({}); it {} the area holding its base, {} ({})",
                    row.name,
                    served.not_here.join(", "),
                    counts.verb(true),
                    areas[i].name,
                    areas[i].code
                ),
            );
        }
        let covers = match (served.areas.is_empty(), host_area) {
            (false, _) => served.areas.clone(),
            (true, None) => Vec::new(),
            (true, Some(i)) => {
                let (covers, lying) = r.covers_by_base(&row, base.as_ref(), i, counts, diag);
                lying_in_any |= lying;
                covers
            }
        };
        teams.push(Team {
            name: row.name,
            host_org: row.host_org,
            evidence: row.evidence,
            counted,
            areas_served: served.areas,
            covers,
            // Districts it serves outside the boundaries given are still measured to.
            outside: served.not_here_codes,
            outside_rest: served.rest_codes,
            base,
            host_area,
            source_url: row.source_url,
            last_evidence: row.last_evidence,
            line: row.line,
        });
    }
    warn_covers_column(&stated_covers, &teams, &left_out, areas, &label, diag);
    note_passed_over(&passed_over, &outside, &left_out, &label, diag);
    diag.order_lines(first_problem, &label);
    Ok((teams, evidence_rule, left_out, lying_in_any))
}

/// Which of a team list's rows count, as `run` reports it ("teams whose evidence level is
/// pif_named or service_confirmed"), and the levels wanted (`None`: every row counts). A level
/// asked for that no row has, or one a row has that covgap does not know, is reported.
fn evidence_rule(
    list: &team_list::TeamList,
    counting: Counting,
    label: &str,
    diag: &mut Diagnostics,
) -> (Option<Vec<String>>, String) {
    let asked = match counting {
        Counting::Evidence(levels) => levels,
        Counting::All => None,
    };
    let wanted_levels: Option<Vec<String>> = if list.has_evidence && counting != Counting::All {
        Some(
            asked
                .map(|l| l.to_vec())
                .unwrap_or_else(|| DEFAULT_EVIDENCE.iter().map(|s| s.to_string()).collect())
                .into_iter()
                .map(|s| crate::read::teams::evidence_level(&s))
                .collect(),
        )
    } else {
        if asked.is_some() {
            diag.warn(
                label,
                None,
                "--evidence was given but the team list has no evidence column; every team counts",
            );
        }
        None
    };
    let evidence_rule = match (&wanted_levels, counting) {
        (Some(l), _) => format!("teams whose evidence level is {}", l.join(" or ")),
        (None, Counting::All) => "every team in the list".to_string(),
        (None, _) => "every team in the list, which has no evidence column".to_string(),
    };
    if let Some(levels) = &wanted_levels {
        let present: std::collections::BTreeSet<&str> = list
            .rows
            .iter()
            .filter_map(|r| r.evidence.as_deref())
            .filter(|e| !e.is_empty())
            .collect();
        let missing: Vec<&String> = levels
            .iter()
            .filter(|l| !present.contains(l.as_str()))
            .collect();
        // No row read has a level (every row refused above, or the column left blank): said
        // so, not as an empty list.
        let listed = if present.is_empty() {
            "none: no row read has one".to_string()
        } else {
            present
                .iter()
                .map(|e| format!("{e:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if missing.len() == levels.len() {
            // Not one team would count: a mistyped level, or a list with its own words.
            let near: Vec<String> = levels
                .iter()
                .filter_map(|l| {
                    present
                        .iter()
                        .find(|p| strsim::damerau_levenshtein(l, p) <= 2 && l.len() > 3)
                        .map(|p| format!("{p:?} for {l:?}"))
                })
                .collect();
            let hint = if near.is_empty() {
                String::new()
            } else {
                format!(" (did you mean {}?)", near.join(", "))
            };
            diag.error(
                label,
                None,
                format!(
                    "no team has evidence level {}{hint}; the list's levels are {listed}; choose with --evidence",
                    levels.iter().map(|l| format!("{l:?}")).collect::<Vec<_>>().join(" or ")
                ),
            );
        } else {
            for l in missing {
                // One letter or two from a level the list has is a slip that would leave
                // that level's teams out of the headline: an error, not a warning.
                let near = present
                    .iter()
                    .find(|p| strsim::damerau_levenshtein(l, p) <= 2 && l.len() > 3);
                match near {
                    Some(p) => diag.error(label, None, format!("evidence level {l:?} was asked for but no team has it: did you mean {p:?}? The list's levels are {listed}")),
                    None => diag.warn(label, None, format!("evidence level {l:?} was asked for but no team has it; the list's levels are {listed}")),
                }
            }
        }
        // A level neither asked for nor one covgap knows: "Service confirmed." mistyped, or a
        // comma not in quotes that pushed other text into the column. Its teams are named.
        for e in &present {
            if levels.iter().any(|l| l == e) || EVIDENCE_LEVELS.contains(e) {
                continue;
            }
            let rows: Vec<String> = list
                .rows
                .iter()
                .filter(|r| r.evidence.as_deref() == Some(*e))
                .map(|r| match r.long_row {
                    Some((n, h)) => format!("line {} ({}; {n} fields, more than the header's {h}: a comma not in quotes before the evidence column may have moved it along)", r.line, r.name),
                    None => format!("line {} ({})", r.line, r.name),
                })
                .collect();
            diag.warn(
                label,
                None,
                format!(
                    "evidence level {e:?} is not one covgap knows ({}) nor one asked for with --evidence, so {} {} with it {} not counted: {}; if {} should count, add the level to --evidence",
                    EVIDENCE_LEVELS.join(", "),
                    rows.len(),
                    plural(rows.len(), "team", "teams"),
                    plural(rows.len(), "is", "are"),
                    rows.join(", "),
                    plural(rows.len(), "it", "they"),
                ),
            );
        }
    }
    (wanted_levels, evidence_rule)
}

/// What a team list's rows are resolved against: the areas given, found by code and by folded
/// name; the districts abolished since, by old code and name, that a list written before the
/// change names; the built-in districts; and the index that finds the area holding a base.
struct Resolver<'a> {
    districts: &'a Districts,
    areas: &'a [Area],
    label: &'a str,
    outside_ok: bool,
    by_code: HashMap<&'a str, usize>,
    by_name: HashMap<String, Vec<usize>>,
    replaced: HashMap<&'static str, &'static Successor>,
    replaced_by_name: HashMap<String, &'static Successor>,
    index: &'a AreaIndex,
    area_codes: &'a HashSet<&'a str>,
    /// Built only when a base is outside every area: is it across a land border?
    land: std::cell::OnceCell<Land<'a>>,
    /// The list names a district outside the boundaries (one for the whole UK, run on a
    /// region), so it is taken to hold teams elsewhere.
    wide: bool,
}

/// What a row's areas served are found to be ([`Resolver::served`]).
struct Served {
    /// No area served was refused.
    ok: bool,
    /// The areas given it counts for, in the row's order.
    areas: Vec<usize>,
    /// Abolished districts the row names, each standing for the district that replaced it.
    via_old: Vec<&'static Successor>,
    /// Areas named by their own code or name.
    named_directly: Vec<usize>,
    /// Areas served outside the boundaries given, as messages name them.
    not_here: Vec<String>,
    /// Their current codes, to measure to.
    not_here_codes: Vec<String>,
    /// Districts made since the boundaries were drawn that it serves through the old
    /// districts given: the rest of each, outside them, is measured to.
    rest_codes: Vec<String>,
    /// Districts held by an area of another geography: (area, districts in it, found how).
    held: Vec<(usize, Vec<String>, Held)>,
    /// Districts made since the boundaries were drawn: (district, the areas it replaced).
    replaced_by: Vec<(String, Vec<usize>)>,
    /// Districts holding smaller areas given: (district, the areas lying in it).
    lying_in: Vec<(String, Vec<usize>)>,
    /// Tokens passed over, with teams elsewhere outside the study.
    passed_over: Vec<String>,
    /// Built-in districts named that no area given is or holds.
    outside: Vec<String>,
}

impl<'a> Resolver<'a> {
    fn new(
        districts: &'a Districts,
        areas: &'a [Area],
        index: &'a AreaIndex,
        area_codes: &'a HashSet<&'a str>,
        list: &team_list::TeamList,
        label: &'a str,
        outside_ok: bool,
    ) -> Self {
        let by_code: HashMap<&str, usize> = areas
            .iter()
            .enumerate()
            .map(|(i, a)| (a.code.as_str(), i))
            .collect();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, a) in areas.iter().enumerate() {
            by_name.entry(fold_name(&a.name)).or_default().push(i);
        }
        add_district_names(&mut by_name, areas);
        // Districts abolished since, by old code and by old name: a list written before the
        // change names them.
        let replaced = successors::replaced_in(|c| by_code.contains_key(c));
        let replaced_by_name: HashMap<String, &Successor> = replaced
            .values()
            .map(|s| (fold_name(&s.old_name), *s))
            .collect();
        let mut r = Resolver {
            districts,
            areas,
            label,
            outside_ok,
            by_code,
            by_name,
            replaced,
            replaced_by_name,
            index,
            area_codes,
            land: std::cell::OnceCell::new(),
            wide: false,
        };
        r.wide = !outside_ok
            && list.rows.iter().flat_map(|row| &row.areas).any(|t| {
                let upper = t.to_ascii_uppercase();
                !r.by_code.contains_key(upper.as_str())
                    && !r.replaced.contains_key(upper.as_str())
                    && !r.replaced_by_name.contains_key(&fold_name(t))
                    && !r.by_name.contains_key(&fold_name(t))
                    && r.districts.find(t).is_some_and(|d| {
                        r.districts
                            .holders(&d, &r.by_code, &r.by_name, areas)
                            .is_empty()
                    })
            });
        r
    }

    /// The areas a row serves, each token found by code or name among the areas given, as an
    /// abolished district's successor, or as a built-in district the areas given are, hold or
    /// lie in. A token found nowhere is an error naming the row, unless teams elsewhere are
    /// outside the study.
    fn served(&self, row: &TeamRow, diag: &mut Diagnostics) -> Served {
        let (areas, by_code, by_name) = (self.areas, &self.by_code, &self.by_name);
        let place = Some(Place::Line(row.line));
        let mut s = Served {
            ok: true,
            areas: Vec::new(),
            via_old: Vec::new(),
            named_directly: Vec::new(),
            not_here: Vec::new(),
            not_here_codes: Vec::new(),
            rest_codes: Vec::new(),
            held: Vec::new(),
            replaced_by: Vec::new(),
            lying_in: Vec::new(),
            passed_over: Vec::new(),
            outside: Vec::new(),
        };
        for token in &row.areas {
            let direct = by_code
                .get(token.to_ascii_uppercase().as_str())
                .copied()
                .or_else(|| match by_name.get(&fold_name(token)) {
                    Some(v) if v.len() == 1 => Some(v[0]),
                    _ => None,
                });
            s.named_directly.extend(direct);
            let hit = direct.or_else(|| {
                let old = self
                    .replaced
                    .get(token.to_ascii_uppercase().as_str())
                    .or_else(|| self.replaced_by_name.get(&fold_name(token)))?;
                let i = *by_code.get(old.new_code.as_str())?;
                s.via_old.push(*old);
                Some(i)
            });
            // A name two areas given share is still an error below: the code is needed.
            let district = match (hit, by_name.get(&fold_name(token))) {
                (None, None) => self.districts.find(token),
                _ => None,
            };
            if let Some(d) = district {
                let holders = self.districts.holders(&d, by_code, by_name, areas);
                // An abolished district counts for the areas lying in the one that replaced
                // it: said as for district boundaries (a warning when the row names only some
                // of the districts it replaced).
                if let (Some(old), Some((_, Held::Within))) = (d.old, holders.first()) {
                    s.via_old.push(old);
                }
                if holders.is_empty() {
                    s.outside.push(d.named.clone());
                    s.not_here.push(d.named.clone());
                    s.not_here_codes.push(d.code.clone());
                }
                // A district made since the boundaries were drawn, served through the old
                // districts given: the rest of it, outside them, is measured to too (the part
                // given is cut away in `Study::distance_targets`).
                if holders.iter().any(|(_, how)| *how == Held::Replaced) {
                    s.rest_codes.push(d.code.clone());
                }
                for (i, how) in holders {
                    if !s.areas.contains(&i) {
                        s.areas.push(i);
                    }
                    if how == Held::Replaced {
                        match s.replaced_by.iter_mut().find(|r| r.0 == d.named) {
                            Some(r) => r.1.push(i),
                            None => s.replaced_by.push((d.named.clone(), vec![i])),
                        }
                        continue;
                    }
                    if how == Held::Within {
                        let named = match d.old {
                            Some(old) => format!("{} ({})", old.new_name, old.new_code),
                            None => d.named.clone(),
                        };
                        match s.lying_in.iter_mut().find(|r| r.0 == named) {
                            Some(r) if !r.1.contains(&i) => r.1.push(i),
                            Some(_) => {}
                            None => s.lying_in.push((named, vec![i])),
                        }
                        continue;
                    }
                    match s.held.iter_mut().find(|h| h.0 == i) {
                        Some(h) => h.1.push(d.named.clone()),
                        None => s.held.push((i, vec![d.named.clone()], how)),
                    }
                }
                continue;
            }
            match hit {
                Some(i) if !s.areas.contains(&i) => s.areas.push(i),
                Some(_) => {}
                None if self.outside_ok => {
                    s.passed_over.push(token.clone());
                    s.not_here.push(format!("{token:?}"));
                }
                None => {
                    s.ok = false;
                    diag.error(self.label, place, self.not_found(row, token));
                }
            }
        }
        s
    }

    /// Why `token`, an area a row serves, was found nowhere.
    fn not_found(&self, row: &TeamRow, token: &str) -> String {
        let (areas, by_code, by_name) = (self.areas, &self.by_code, &self.by_name);
        // A name two areas share (not found above) needs the code.
        match by_name.get(&fold_name(token)) {
            Some(v) if v.len() > 1 => {
                let named: Vec<String> = v
                    .iter()
                    .map(|&i| format!("{} ({})", areas[i].name, areas[i].code))
                    .collect();
                format!("{}: area {:?} is the name of {} areas in the boundaries, {}; give the code of the one it serves", row.name, token, named.len(), named.join(", "))
            }
            _ => {
                // "E07000178,E07000179": areas given with the wrong separator.
                let found = |t: &str| {
                    by_code.contains_key(t.trim().to_ascii_uppercase().as_str())
                        || by_name
                            .get(&fold_name(t.trim()))
                            .is_some_and(|v| v.len() == 1)
                };
                let mut parts: Vec<&str> = token.split([',', '|', '/', '\n']).collect();
                // Codes typed one to a line in a cell (Alt+Enter in Excel, which a workbook's
                // list reads as a space): split at spaces too, codes having none.
                let words: Vec<&str> = token.split_whitespace().collect();
                if parts.len() == 1
                    && words.len() > 1
                    && words
                        .iter()
                        .all(|w| by_code.contains_key(w.to_ascii_uppercase().as_str()))
                {
                    parts = words;
                }
                if parts.len() > 1 && parts.iter().all(|p| found(p)) {
                    format!("{}: area {:?} is not a code or name in the boundaries, but each part is: areas served are separated by ';' ({:?})", row.name, token, parts.iter().map(|p| p.trim()).collect::<Vec<_>>().join(";"))
                } else {
                    format!(
                        "{}: area {:?} is not a code or name in the boundaries; did you mean {}?{}",
                        row.name,
                        token,
                        suggest(token, areas),
                        row.moved_hint()
                    )
                }
            }
        }
    }

    /// Notes on how a row's areas served were found, where that is not by their own code or
    /// name: abolished districts, districts held by an area of another geography, districts
    /// made since the boundaries were drawn, and districts the areas given lie in.
    /// `counts` says whether the team counts, so that a note on a team not counted says it
    /// would count for the areas it names.
    fn note_served(&self, row: &TeamRow, s: &mut Served, counts: Counts, diag: &mut Diagnostics) {
        let (areas, label) = (self.areas, self.label);
        let place = Some(Place::Line(row.line));
        // A row naming the new district itself as well says what the team covers already.
        s.via_old.retain(|old| {
            self.by_code
                .get(old.new_code.as_str())
                .is_none_or(|i| !s.named_directly.contains(i))
        });
        report_abolished(&row.name, &s.via_old, counts, label, place, diag);
        if !s.held.is_empty() {
            let parts: Vec<String> = s
                .held
                .iter()
                .map(|(i, named, how)| {
                    let how = match how {
                        Held::ByName => " (by name: the lookup's code for it is another year's)",
                        Held::Holds => " (by the built-in boundaries: the district's point lies in it, and it is at least half the district's size)",
                        _ => "",
                    };
                    format!(
                        "{} in {} ({}){how}",
                        named.join(", "),
                        areas[*i].name,
                        areas[*i].code
                    )
                })
                .collect();
            // One district held by several areas (split between ICBs, say) is one district.
            let districts = s
                .held
                .iter()
                .flat_map(|h| &h.1)
                .collect::<HashSet<_>>()
                .len();
            diag.note(
                label,
                place,
                format!(
                    "{}: {}; it {} the {} by the built-in lookup ({}){}: {}",
                    row.name,
                    if districts == 1 {
                        "the district it serves is not an area of the boundaries given"
                    } else {
                        "the districts it serves are not areas of the boundaries given"
                    },
                    counts.verb(false),
                    match (s.held.len(), districts) {
                        (1, 1) => "area holding it",
                        (1, _) => "area holding them",
                        (_, 1) => "areas holding it",
                        _ => "areas holding them",
                    },
                    if parts.iter().any(|p| p.contains(", now ")) {
                        "data/areas.csv; for a district abolished since, its own ICB in data/successors.csv"
                    } else {
                        "data/areas.csv"
                    },
                    if s.held.iter().any(|h| h.2 == Held::Holds) {
                        " or boundaries"
                    } else {
                        ""
                    },
                    parts.join("; ")
                ),
            );
        }
        for (named, olds) in &s.replaced_by {
            diag.note(
                label,
                place,
                format!(
                    "{}: {named} is not an area of the boundaries given, which are drawn before it replaced {}; the team counts for those (data/successors.csv)",
                    row.name,
                    olds.iter()
                        .map(|&i| format!("{} ({})", areas[i].name, areas[i].code))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        if !s.lying_in.is_empty() {
            diag.note(
                label,
                place,
                format!(
                    "{}: the districts it serves are not areas of the boundaries given, which are smaller; it {} the areas given lying in them (an area's point in the district by the built-in boundaries): {}",
                    row.name,
                    counts.verb(false),
                    s.lying_in
                        .iter()
                        .map(|(named, n)| format!("{} in {named}", n.len()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }

    /// The area holding a row's base, and the built-in district it lies in across a land
    /// border when it is outside every area. A base off the boundaries' coast is put in the
    /// nearest area ([`place_base_outside`]); `ok` and `elsewhere` are updated as it says.
    fn host_area(
        &self,
        row: &TeamRow,
        b: &Base,
        served: &Served,
        ok: &mut bool,
        elsewhere: &mut bool,
        diag: &mut Diagnostics,
    ) -> (Option<usize>, Option<Across>) {
        let c = Coord::from(b.at.bng);
        if let Some(i) = self.index.locate(c) {
            return (Some(i), None);
        }
        match self.index.nearest(c) {
            // A row already refused (an area served not found, say) says nothing more about
            // its base.
            Some(_) if !*ok => (None, None),
            Some((i, d)) => {
                let index = self.index;
                let land = self
                    .land
                    .get_or_init(|| Land::new(move |c| index.locate(c).is_some(), self.area_codes));
                let across_in = land.across_border(c, &self.areas[i].bng);
                // In a list that names districts outside the boundaries, a team naming none
                // whose base is in another district is elsewhere too.
                *elsewhere |= self.wide && row.areas.is_empty() && across_in.is_some();
                let (host, refused) = place_base_outside(
                    BaseOutside {
                        team: &row.name,
                        base: b,
                        nearest: &self.areas[i],
                        index_of_nearest: i,
                        metres: d,
                        across: across_in,
                        serves_areas: !served.areas.is_empty(),
                        outside_ok: *elsewhere,
                        northern_irish_on_bng: matches!(
                            row.base,
                            Some(BaseGiven::EastingNorthing(_, _, Crs::BritishNationalGrid))
                        ) && stated_nation(&row.nation)
                            == Some(Nation::NorthernIreland),
                    },
                    self.label,
                    Some(Place::Line(row.line)),
                    diag,
                );
                *ok &= !refused;
                (host, across_in)
            }
            None => (None, None),
        }
    }

    /// What a team naming no areas covers, its base being in area `i`: the district holding
    /// its base, which with areas smaller than districts given (LSOAs, wards) is every one
    /// lying in it (an area that is a district, of this year or an earlier one, is the
    /// district holding it). Also whether those are areas lying in a district. `counts_for`
    /// is as for [`Resolver::note_served`].
    fn covers_by_base(
        &self,
        row: &TeamRow,
        base: Option<&Base>,
        i: usize,
        counts: Counts,
        diag: &mut Diagnostics,
    ) -> (Vec<usize>, bool) {
        let district = base
            .filter(|_| row.areas.is_empty() && !self.districts.is_district(&self.areas[i].code))
            .and_then(|b| crate::land::built_in_district_at(Coord::from(b.at.bng)));
        let lying = district.map_or(&[][..], |d| self.districts.lying_in(d, self.areas));
        if lying.len() > 1 {
            diag.note(
                self.label,
                Some(Place::Line(row.line)),
                format!(
                    "{}: names no areas served, so serves the district holding its base, {}; it {} the {} areas given lying in it (an area's point in the district by the built-in boundaries)",
                    row.name,
                    crate::land::built_in_named(district.unwrap_or_default()),
                    counts.verb(false),
                    lying.len()
                ),
            );
            (lying.to_vec(), true)
        } else {
            (vec![i], false)
        }
    }
}

/// A row's base, found from its postcode, postcode district or coordinates, with a warning
/// where it is less exact than given. A base that cannot be found is an error naming the row,
/// and clears `ok`.
fn row_base(
    row: &TeamRow,
    found: Option<&Found>,
    postcodes_given: bool,
    outcodes: &Outcodes,
    ok: &mut bool,
    label: &str,
    diag: &mut Diagnostics,
) -> Option<Base> {
    let place = Some(Place::Line(row.line));
    let given = row.base.as_ref()?;
    match locate_base(given, found, postcodes_given, outcodes) {
        Ok((at, mut precision, mut text, fell_back)) => {
            // Coordinates the list says stand for a postcode or district keep that precision
            // and name.
            if let (BaseGiven::LonLat(..) | BaseGiven::EastingNorthing(..), Some(p)) =
                (given, row.stated_precision)
            {
                precision = p;
                if !row.base_label.is_empty() {
                    text = row.base_label.clone();
                }
            }
            let listed = |f: &Found| f.unlocated.contains(&postcode_key(&text));
            if fell_back && found.is_some_and(listed) {
                diag.warn(label, place, format!("{}: postcode {text} is in the postcode directory with no grid reference (as a few new and non-geographic postcodes are), so it is placed at its postcode district's centroid", row.name));
            } else if fell_back {
                diag.warn(label, place, format!("{}: postcode {text} placed at its postcode district's centroid (give --postcodes FILE, the ONS Postcode Directory, for the exact place)", row.name));
            } else if let Some(end) = match given {
                BaseGiven::Postcode(pc) => found.and_then(|f| f.terminated.get(&postcode_key(pc))),
                _ => None,
            } {
                diag.note(label, place, format!("{}: postcode {text} was terminated in {} (no longer in use); it is placed where the postcode directory last put it", row.name, month_words(end)));
            }
            Some(Base {
                at,
                precision,
                given: text,
            })
        }
        Err(msg) => {
            *ok = false;
            diag.error(
                label,
                place,
                format!("{}: {msg}{}", row.name, row.moved_hint()),
            );
            None
        }
    }
}

/// Returns the base's location, precision, the text describing it, and whether a full
/// postcode fell back to its district.
fn locate_base(
    given: &BaseGiven,
    found: Option<&Found>,
    have_directory: bool,
    outcodes: &Outcodes,
) -> std::result::Result<(Located, Precision, String, bool), String> {
    let proj = |e: Error| e.to_string();
    match given {
        BaseGiven::LonLat(x, y) => Ok((
            Located::from_wgs84(*x, *y).map_err(proj)?,
            Precision::Coordinates,
            format!("{y:.5}, {x:.5}"),
            false,
        )),
        BaseGiven::EastingNorthing(e, n, Crs::BritishNationalGrid) => Ok((
            Located::from_bng(*e, *n).map_err(proj)?,
            Precision::Coordinates,
            format!("{e:.0} E, {n:.0} N"),
            false,
        )),
        // Written with its grid, so the outputs trace back to the list and read back in
        // (`read_base_text`).
        BaseGiven::EastingNorthing(e, n, grid) => {
            let wgs = grid.to_wgs84(Coord { x: *e, y: *n }).map_err(proj)?;
            Ok((
                Located::from_wgs84(wgs.x, wgs.y).map_err(proj)?,
                Precision::Coordinates,
                format!("{e:.0} E, {n:.0} N on {}", grid.label()),
                false,
            ))
        }
        BaseGiven::Postcode(pc) => {
            let key = postcode_key(pc);
            if let Some(&(lon, lat)) = found.and_then(|f| f.located.get(&key)) {
                return Ok((
                    Located::from_wgs84(lon, lat).map_err(proj)?,
                    Precision::Postcode,
                    pc.clone(),
                    false,
                ));
            }
            // Listed without a grid reference: placed by its district, as without a directory.
            let unlocated = found.is_some_and(|f| f.unlocated.contains(&key));
            if have_directory && !unlocated {
                return Err(format!("postcode {pc} is not in the postcode directory given with --postcodes (mistyped, newer than the directory, or not a UK postcode)"));
            }
            let outward = pc.split(' ').next().unwrap_or("");
            match outcodes.get(outward) {
                Some((lon, lat)) => Ok((
                    Located::from_wgs84(lon, lat).map_err(proj)?,
                    Precision::PostcodeDistrict,
                    pc.clone(),
                    true,
                )),
                None => Err(format!(
                    "postcode {pc}: its district {outward} is not a known postcode district"
                )),
            }
        }
        BaseGiven::PostcodeDistrict(d) => match outcodes.get(d) {
            Some((lon, lat)) => Ok((
                Located::from_wgs84(lon, lat).map_err(proj)?,
                Precision::PostcodeDistrict,
                d.clone(),
                false,
            )),
            None => Err(format!("{d} is not a known postcode district")),
        },
    }
}
