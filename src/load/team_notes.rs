//! What is said of team list rows: bases outside the boundaries, abolished districts served,
//! a stated nation or counted column that disagrees, areas passed over.

use crate::crs::Crs;
use crate::error::{Diagnostics, Place};
use crate::land::Across;
use crate::model::{Area, Base, Nation, Team, TeamBeyond};
use crate::read::successors::{self, Successor};
use crate::read::teams::{BaseGiven, TeamRow};
use crate::write::plural;

use super::COAST_TOLERANCE_M;
use crate::write::{first_of, first_of_joined};

/// A team base outside every area, with what decides what it stands for.
pub(super) struct BaseOutside<'a> {
    pub(super) team: &'a str,
    pub(super) base: &'a Base,
    /// The area nearest the base, its index and how far (metres).
    pub(super) nearest: &'a Area,
    pub(super) index_of_nearest: usize,
    pub(super) metres: f64,
    /// The built-in district it lies in when that is across a land border ([`Land`](crate::land::Land)).
    pub(super) across: Option<Across>,
    /// Whether the row names areas it serves (found among the areas).
    pub(super) serves_areas: bool,
    /// The built-in list read against the user's own boundaries: teams elsewhere are outside
    /// the study, not mistakes.
    pub(super) outside_ok: bool,
    /// The row says Northern Ireland and gives its base by easting and northing read as
    /// British National Grid: at sea, they are most likely on one of Northern Ireland's grids.
    pub(super) northern_irish_on_bng: bool,
}

/// What a base outside every area stands for, and what is said of it: the area it is placed in
/// (off a generalised coast, the nearest), and whether the row is refused (a base more than
/// [`COAST_TOLERANCE_M`] out with nothing else to say what it covers, or out at sea).
pub(super) fn place_base_outside(
    o: BaseOutside,
    label: &str,
    place: Option<Place>,
    diag: &mut Diagnostics,
) -> (Option<usize>, bool) {
    let (team, b, d) = (o.team, o.base, o.metres);
    let near = d <= COAST_TOLERANCE_M;
    let away = distance_words(d);
    let across_message = |across: Across, and_then: &str| {
        format!(
            "{team}: base {} is {away} outside the boundaries, across a land border in {} by the built-in boundaries, beyond the boundaries given; {and_then}",
            b.given,
            across.district()
        )
    };
    match o.across {
        // Just off a generalised coast (or in a district the boundaries take in, drawn
        // differently): the nearest area.
        None if near => {
            diag.warn(label, place, format!(
                "{team}: base {} is {away} outside the generalised boundaries; placed in the nearest area, {} ({})",
                b.given, o.nearest.name, o.nearest.code
            ));
            (Some(o.index_of_nearest), false)
        }
        // In a neighbouring district: a real place, but not in one of these areas. The areas
        // served, if any, say what it covers; the base then matters only for the map (and, in
        // a plan with --radius, for what it reaches). Further out than a base off a coast could
        // be, it may also be a slip in the coordinates: a warning. The built-in list's teams
        // elsewhere are outside the study (counted by the caller).
        Some(a) if o.serves_areas => {
            if near {
                diag.note(
                    label,
                    place,
                    across_message(a, "it counts for the areas it serves"),
                );
            } else {
                diag.warn(label, place, across_message(a, "it counts for the areas it serves, but check the base: it is the place the map shows and a plan with --radius measures from"));
            }
            (None, false)
        }
        Some(a) if near => {
            if !o.outside_ok {
                diag.warn(label, place, across_message(a, "with no areas served given it covers none of these areas by district (a plan with --radius measures from its base); give the areas it serves if it serves some"));
            }
            (None, false)
        }
        _ if o.outside_ok => (None, false),
        // Far out with nothing else to say what it covers, or at sea: a slip in the
        // coordinates as likely as a team elsewhere.
        across => {
            let why = match across {
                Some(a) => format!("in {} by the built-in boundaries, and the team lists no areas served; a base more than {:.0} km outside with nothing else to say what it covers is taken to be wrong (give the areas it serves, or check the coordinates)", a.district(), COAST_TOLERANCE_M / 1000.0),
                None if o.northern_irish_on_bng => "at sea by the built-in boundaries, read as British National Grid; the list says Northern Ireland: are the easting and northing on the Irish Transverse Mercator or the Irish Grid? give the grid in a `crs` column (2157 or 29903)".to_string(),
                None => format!("at sea by the built-in boundaries; a base more than {:.0} km out to sea is taken to be wrong (check the coordinates)", COAST_TOLERANCE_M / 1000.0),
            };
            diag.error(label, place, format!(
                "{team}: base {} (lat {:.5}, lon {:.5}) is outside every area, {:.1} km from the nearest ({}), {why}",
                b.given, b.at.wgs84.y(), b.at.wgs84.x(), d / 1000.0, o.nearest.name
            ));
            (None, true)
        }
    }
}

/// The nation a team list's `nation` cell names, if it names one.
pub(super) fn stated_nation(cell: &str) -> Option<Nation> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "england" => Some(Nation::England),
        "wales" | "cymru" => Some(Nation::Wales),
        "scotland" => Some(Nation::Scotland),
        "northern ireland" | "ni" => Some(Nation::NorthernIreland),
        _ => None,
    }
}

/// A distance outside the boundaries in words: metres below a kilometre ("788 m"), else
/// kilometres to one decimal ("6.0 km").
fn distance_words(metres: f64) -> String {
    if metres < 1_000.0 {
        format!("{metres:.0} m")
    } else {
        format!("{:.1} km", metres / 1000.0)
    }
}

/// Whether a row's team counts, for the notes that say which areas its districts stand for:
/// one not counted would count for them, said so, so that a note does not name an area as
/// having a team that the outputs list as a gap.
#[derive(Debug, Clone, Copy)]
pub(super) enum Counts<'a> {
    Yes,
    /// Not counted, with the row's evidence level.
    No(&'a str),
}

impl Counts<'_> {
    /// "counts for", or "is not counted (evidence "candidate"), but would count for"; with
    /// `instead`, "counts instead for" (a team counting for the area holding its base in
    /// place of the areas it names).
    pub(super) fn verb(self, instead: bool) -> String {
        let what = if instead { "instead for" } else { "for" };
        match self {
            Counts::Yes => format!("counts {what}"),
            Counts::No(evidence) => {
                format!("is not counted (evidence {evidence:?}), but would count {what}")
            }
        }
    }
}

/// Says which abolished districts a team list row names and what the team counts for
/// instead: a note when the row names every district the new one replaced, a warning when
/// only some (the team then counts for the whole new district, as a team serving part of an
/// area does, more than the row claims).
/// A team not counted changes no figure, so its districts served in part are noted as ones it
/// would count for, not warned of.
pub(super) fn report_abolished(
    team: &str,
    via_old: &[&Successor],
    counts: Counts,
    label: &str,
    place: Option<Place>,
    diag: &mut Diagnostics,
) {
    for (new, olds) in successors::by_new_district(via_old.iter().copied()) {
        let all: Vec<&Successor> = successors::all()
            .iter()
            .filter(|s| s.new_code == new)
            .collect();
        let first = olds[0];
        let named: Vec<String> = olds.iter().map(|s| s.old_named()).collect();
        let (were, is) = if olds.len() == 1 {
            ("area served", "was")
        } else {
            ("areas served", "were")
        };
        let names = named.join(", ");
        let since = first.since_words();
        let new_name = &first.new_name;
        let verb = counts.verb(false);
        if olds.len() == all.len() {
            diag.note(
                label,
                place,
                format!("{team}: {were} {names} {is} abolished on {since} and together make up {new_name} ({new}): the team {verb} {new_name}"),
            );
        } else if let Counts::No(_) = counts {
            let others = all.len() - olds.len();
            diag.note(
                label,
                place,
                format!(
                    "{team}: {were} {names} {is} abolished on {since} and {} now part of {new_name} ({new}), with {others} other former {}: the team {verb} the whole of {new_name}, as a team serving part of an area does",
                    if olds.len() == 1 { "is" } else { "are" },
                    plural(others, "district", "districts"),
                ),
            );
        } else {
            let others = all.len() - olds.len();
            diag.warn(
                label,
                place,
                format!(
                    "{team}: {were} {names} {is} abolished on {since} and {} now part of {new_name} ({new}), with {others} other former {}: the team counts for the whole of {new_name}, as a team serving part of an area does; if it serves only {names}, covgap counts more babies as covered (in the headline, or in a plan) than it reaches",
                    if olds.len() == 1 { "is" } else { "are" },
                    plural(others, "district", "districts"),
                ),
            );
        }
    }
}

/// A base in another nation than the list gives: for a Northern Irish team given by easting
/// and northing, most likely Irish Grid figures read as British National Grid, which land in
/// Wales or England. Figures stated to be on one of Northern Ireland's grids belong there,
/// whatever the list's nation: ones that land in Great Britain are most likely British
/// National Grid figures given the wrong grid. `base_in` is the area holding the base: its
/// name, code and nation.
pub(super) fn warn_base_nation(
    row: &TeamRow,
    b: &Base,
    base_in: (String, String, Nation),
    label: &str,
    diag: &mut Diagnostics,
) {
    let (in_name, in_code, found) = base_in;
    let place = Some(Place::Line(row.line));
    let stated = stated_nation(&row.nation);
    let irish_grid = match row.base {
        Some(BaseGiven::EastingNorthing(_, _, g)) if g.is_irish() => Some(g),
        _ => None,
    };
    let irish_elsewhere =
        irish_grid.filter(|_| !matches!(found, Nation::Unknown | Nation::NorthernIreland));
    if let Some(grid) = irish_elsewhere {
        diag.warn(
            label,
            place,
            format!(
                "{}: base {} is in {} ({}, {}), not Northern Ireland, where figures on {} belong: are they on British National Grid? (then leave the grid cell blank or give 27700)",
                row.name,
                b.given,
                in_name,
                in_code,
                found.name(),
                grid.name()
            ),
        );
    } else if let Some(stated) = stated.filter(|s| found != Nation::Unknown && *s != found) {
        let grid = if matches!(
            row.base,
            Some(BaseGiven::EastingNorthing(_, _, Crs::BritishNationalGrid))
        ) && stated == Nation::NorthernIreland
        {
            ": are the easting and northing on the Irish Grid? covgap reads them as British National Grid when the list does not say; give their grid in a \"crs\" column (29903 for the Irish Grid, 2157 for ITM), or latitude and longitude instead"
        } else {
            ""
        };
        diag.warn(
            label,
            place,
            format!(
                "{}: the list says {}, but base {} is in {} ({}, {}){grid}",
                row.name,
                stated.name(),
                b.given,
                in_name,
                in_code,
                found.name()
            ),
        );
    }
}

/// A `counted` column (as covgap's team outputs write it) edited to close or open a team
/// changes nothing: covgap counts by evidence level. Said, with what does.
pub(super) fn warn_counted_column(
    row: &TeamRow,
    counted: bool,
    wanted_levels: Option<&[String]>,
    label: &str,
    diag: &mut Diagnostics,
) {
    let Some((said, stated)) = &row.stated_counted else {
        return;
    };
    if *stated == counted {
        return;
    }
    let by = match (wanted_levels, &row.evidence) {
        (Some(levels), e) => format!(
            "by its evidence level {:?} (counted: {})",
            e.as_deref().unwrap_or(""),
            levels.join(", ")
        ),
        (None, _) => "as the list has no evidence column, which counts every team".into(),
    };
    let what_to_do = if wanted_levels.is_none() {
        "to leave the team out, remove its row, or give the list an evidence column"
    } else if counted {
        "to leave the team out, change its evidence level (to \"closed\", say)"
    } else {
        "to count it, give it a level that counts, or add its level to --evidence"
    };
    diag.warn(
        label,
        Some(Place::Line(row.line)),
        format!(
            "{}: its \"counted\" column says {said}, but the team is {}, {by}; covgap reads no \"counted\" column (its own outputs write one): {what_to_do}",
            row.name,
            if counted { "counted" } else { "not counted" },
        ),
    );
}

/// A row's `covers` cell ([`TeamRow::stated_covers`]), for [`warn_covers_column`].
pub(super) struct StatedCovers {
    pub(super) line: u64,
    pub(super) name: String,
    pub(super) said: String,
}

/// The most rows whose `covers` cell disagrees that are each warned of: more are named in one
/// warning (a list exported from a run on other boundaries has every row differ).
const COVERS_WARNED_ONE_BY_ONE: usize = 3;

/// A `covers` column (as covgap's team outputs write it) edited to change what a team covers
/// changes nothing: a team covers its areas served or, naming none, the area holding its base.
/// Said for each row whose cell names other areas than the team covers (codes compared in any
/// order, case aside; a blank cell says nothing), with what does, as [`warn_counted_column`]
/// says it of `counted`; for more than [`COVERS_WARNED_ONE_BY_ONE`] rows, in one warning
/// naming them. A row left out with the teams outside the boundaries covers none of the areas
/// given; a row not read (an error) is not looked at.
pub(super) fn warn_covers_column(
    stated: &[StatedCovers],
    teams: &[Team],
    left_out: &[TeamBeyond],
    areas: &[Area],
    label: &str,
    diag: &mut Diagnostics,
) {
    let codes = |said: &str| {
        let mut c: Vec<String> = said
            .split(';')
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
            .collect();
        c.sort_unstable();
        c.dedup();
        c
    };
    // Each differing row, the codes its team covers, and whether by its areas served (else by
    // its base; `None`: left out with the teams outside the boundaries).
    let differing: Vec<(&StatedCovers, Vec<&str>, Option<bool>)> = stated
        .iter()
        .filter_map(|s| {
            let (covers, by_areas): (Vec<&str>, _) = match teams.iter().find(|t| t.line == s.line) {
                Some(t) => (
                    t.covers.iter().map(|&i| areas[i].code.as_str()).collect(),
                    Some(!t.areas_served.is_empty()),
                ),
                None if left_out.iter().any(|b| b.line == s.line) => (Vec::new(), None),
                None => return None,
            };
            let mut found: Vec<String> = covers.iter().map(|c| c.to_ascii_uppercase()).collect();
            found.sort_unstable();
            found.dedup();
            (found != codes(&s.said)).then_some((s, covers, by_areas))
        })
        .collect();
    let read_instead = "covgap reads no \"covers\" column (its own outputs write one)";
    if differing.len() > COVERS_WARNED_ONE_BY_ONE {
        diag.warn(
            label,
            None,
            format!(
                "{} teams' \"covers\" column says other than what they cover: {}; {read_instead}: a team covers its areas served, or, naming none, the area holding its base; to change what a team covers, edit those",
                differing.len(),
                first_of(
                    differing
                        .iter()
                        .map(|(s, _, _)| format!("line {} ({})", s.line, s.name)),
                    10
                ),
            ),
        );
        return;
    }
    for (s, covers, by_areas) in differing {
        let found = match (covers.len(), by_areas) {
            (_, None) => "none of the areas given, lying outside them".to_string(),
            (0, _) => "no area given".to_string(),
            (_, Some(by_areas)) => format!(
                "{}, by its {}",
                first_of_joined(covers.iter(), 10, ";"),
                if by_areas { "areas served" } else { "base" }
            ),
        };
        diag.warn(
            label,
            Some(Place::Line(s.line)),
            format!(
                "{}: its \"covers\" column says {}, but the team covers {found}; {read_instead}: to change what the team covers, edit its areas served, or, naming none, its base",
                s.name, s.said,
            ),
        );
    }
}

/// What is known of a row that gives no areas served and no location ([`note_no_place`]).
pub(super) struct NoPlace {
    pub(super) counted: bool,
    /// Every row counts (candidate sites, teams in a what-if list).
    pub(super) every_row_counts: bool,
    /// Counted, with a list for more than the boundaries given: not known to be in them.
    pub(super) place_unknown: bool,
    pub(super) builtin_list: bool,
}

/// Reports a row with no areas served and no location. Returns whether the row may still
/// stand: a site to plan or a team to add must be somewhere, so there it is an error.
pub(super) fn note_no_place(
    row: &TeamRow,
    n: NoPlace,
    label: &str,
    diag: &mut Diagnostics,
) -> bool {
    let place = Some(Place::Line(row.line));
    if n.counted && n.every_row_counts {
        diag.error(
            label,
            place,
            format!(
                "{}: has no areas served and no location, so covgap cannot tell what it covers",
                row.name
            ),
        );
        return false;
    }
    // A team known to exist but not where (the built-in list's Together for Baby, "Essex"):
    // counted among the teams, covering no area, rather than placed by guess. With a list for
    // more than the boundaries given, it is not known to be in them: left out with the teams
    // outside them.
    if n.counted {
        let message = format!(
            "{}: has no areas served and no location, so it covers no area; {}{}",
            row.name,
            if n.place_unknown {
                "not known to be in the boundaries given, it is left out with the teams outside them"
            } else {
                "it is counted among the teams in the list"
            },
            if n.builtin_list {
                " (the sources give only a county; see data/SOURCES.md)"
            } else {
                ": give the areas it serves or its base for it to count for one"
            }
        );
        if n.builtin_list {
            diag.note(label, place, message);
        } else {
            diag.warn(label, place, message);
        }
    } else {
        diag.note(
            label,
            place,
            format!(
                "{}: not counted (evidence {:?}); it has no areas or location",
                row.name,
                row.evidence.as_deref().unwrap_or("")
            ),
        );
    }
    true
}

/// The list's notes on what lies outside the boundaries given: the areas passed over, the
/// built-in districts named that no area given is or holds, and the teams left out.
pub(super) fn note_passed_over(
    passed_over: &std::collections::BTreeSet<String>,
    outside: &std::collections::BTreeSet<String>,
    left_out: &[TeamBeyond],
    label: &str,
    diag: &mut Diagnostics,
) {
    if !passed_over.is_empty() {
        diag.note(
            label,
            None,
            format!(
                "{} {} the list names {} not in the given boundaries and {} passed over: {}",
                passed_over.len(),
                plural(passed_over.len(), "area", "areas"),
                plural(passed_over.len(), "is", "are"),
                plural(passed_over.len(), "was", "were"),
                first_of(passed_over.iter(), 10)
            ),
        );
    }
    if !outside.is_empty() {
        diag.note(
            label,
            None,
            format!(
                "{} {} the list names as {} not {} of the boundaries given, nor in one, so {} passed over (each team counts for the areas it serves among them): {}",
                outside.len(),
                plural(outside.len(), "district", "districts"),
                plural(outside.len(), "an area served is", "areas served are"),
                plural(outside.len(), "an area", "areas"),
                plural(outside.len(), "it was", "they were"),
                first_of(outside.iter(), 10)
            ),
        );
    }
    if !left_out.is_empty() {
        diag.note(
            label,
            None,
            format!(
                "{}, and {} none of the areas given: {} ({})",
                if left_out.len() == 1 {
                    "1 team serves only areas outside the given boundaries, or names none and is based outside them".to_string()
                } else {
                    format!("{} teams serve only areas outside the given boundaries, or name none and are based outside them", left_out.len())
                },
                plural(left_out.len(), "covers", "cover"),
                first_of(left_out.iter().map(|t| &t.name), 10),
                plural(
                    left_out.len(),
                    "if counted, it is still measured to, through the built-in boundaries of the districts it serves, so an area's nearest team may be this one",
                    "those counted are still measured to, through the built-in boundaries of the districts they serve, so an area's nearest team may be one of these"
                ),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The note on areas a list names that are nowhere in the boundaries says how many it
    /// leaves unnamed, as the note on districts outside them does, not ", ...".
    #[test]
    fn the_note_on_areas_passed_over_says_how_many_more_there_are() {
        let passed: std::collections::BTreeSet<String> =
            (1..=12).map(|i| format!("Area {i:02}")).collect();
        let mut diag = Diagnostics::new();
        note_passed_over(&passed, &Default::default(), &[], "teams.csv", &mut diag);
        assert_eq!(
            diag.problems()[0].message,
            "12 areas the list names are not in the given boundaries and were passed over: Area 01, Area 02, Area 03, Area 04, Area 05, Area 06, Area 07, Area 08, Area 09, Area 10 and 2 more"
        );
    }
}
