//! Which geographies the areas given hold whole, so that they have a total of their own, and
//! notes on nations nearly but not quite given whole.

use std::collections::{HashMap, HashSet};

use crate::builtin;
use crate::model::{Area, Nation, Whole};
use crate::read::successors;
use crate::read::Input;
use crate::write::thousands;

use super::geographies::{at_level, plan_sums};
use super::lookup::{is_district, lookup, LookupRow};
use crate::write::first_of;

/// The geographies (nations, regions, upper tiers, ICBs and health boards, by code) given
/// whole by `areas`: with boundaries for part of the UK, only these have a total of their own,
/// since a total over the part of England given is not England's. A geography is whole when
/// every built-in district in it is among the areas given; a district made since the
/// boundaries were drawn counts as given when every district it replaced is. An ICB is whole
/// when every district lying wholly or partly in it is given (see [`crate::icb`]).
///
/// A nation, whose row sums the areas in it (by their code's first letter, or, for Northern
/// Ireland's HSC trusts, whose codes are not ONS's, by the built-in lookup: `nation_of`), is
/// whole too when the areas given in another geography hold all of it, exactly:
/// - each of its districts is given, or held by an area given of a geography the built-in
///   lookup gives the district (its ICB, health board or HSC trust, upper tier or region; an
///   ICB or board whose code has changed found by its name), as `plan_sums` finds the areas
///   taking its figure; a district split between ICBs is held when each of its ICBs is given.
///   So all 7 Welsh health boards are Wales, all 42 ICBs England, all 14 Scottish boards
///   Scotland and all 5 HSC trusts (`BHSCT`, `NHSCT`, `SEHSCT`, `SHSCT`, `WHSCT`) Northern
///   Ireland, each trust taking whole the districts the lookup's best-fit mapping puts in it;
/// - or every one of its 2011 small areas is given by code (all of England's 32,844 LSOA 2011
///   codes, Wales's 1,909, Scotland's 6,976 Data Zone 2011 codes; `data/small_areas_2011.csv`),
///   or every one of its 2021 small areas (England's 33,755 LSOA 2021 codes, Wales's 1,917;
///   `data/small_areas_2021.csv`), and no small area of the other vintage's alone: 2011 and
///   2021 LSOAs mixed, which overlap, are not whole even when one vintage is all there.
///   Scotland has its Data Zones 2011 only (its Data Zones 2022 are not in the built-in
///   data), Northern Ireland no small areas.
///
/// One district or small area missing, and the nation is not whole. Empty if the built-in
/// lookup cannot be read (no partial total is given then).
///
/// # Examples
/// ```
/// use covgap::{analyse_inputs, error::Diagnostics, load::{whole_geographies, Inputs}};
/// let a = analyse_inputs(&Inputs::default(), &mut Diagnostics::new()).unwrap();
/// let oxon: Vec<_> = a.study.areas.iter().filter(|x| x.code.starts_with("E0700017")
///     || x.code == "E07000180" || x.code == "E07000181").cloned().collect();
/// let whole = whole_geographies(&oxon);
/// assert!(whole.contains("E10000025")); // Oxfordshire, all five districts given
/// assert!(!whole.contains("E92000001") && !whole.contains("E12000008")); // England, South East
/// ```
pub fn whole_geographies(areas: &[Area]) -> HashSet<String> {
    whole(areas).geographies
}

/// [`whole_geographies`], and whether it read the built-in 2011 and 2021 small areas: only
/// for a nation not whole by its districts some of whose areas given have a small area's
/// code (the 2021 ones for England and Wales only). A nation whole by its districts, or with
/// no area given in it that is not a district, costs nothing more than the districts' rule.
pub(super) fn whole(areas: &[Area]) -> Whole {
    let mut found = Whole {
        geographies: HashSet::new(),
        read_small_areas: false,
        read_small_areas_2021: false,
    };
    let Ok(lookup) = lookup() else {
        return found;
    };
    let codes: HashSet<&str> = areas.iter().map(|a| a.code.as_str()).collect();
    let given = |code: &str| successors::given_in(code, &codes);
    let mut whole = HashSet::new();
    let mut partial = HashSet::new();
    for (code, row) in lookup {
        let geographies = [
            Some(Nation::from_code(code).code().to_string()),
            row.keys.region.as_ref().map(|g| g.code.clone()),
            row.keys.utla.as_ref().map(|g| g.code.clone()),
            row.keys.icb.as_ref().map(|g| g.code.clone()),
            row.keys.health_board.as_ref().map(|g| g.code.clone()),
        ];
        let into = if given(code) {
            &mut whole
        } else {
            &mut partial
        };
        into.extend(geographies.into_iter().flatten());
        // A district split between ICBs is part of each of them.
        into.extend(row.keys.icb_parts.iter().map(|p| p.icb.code.clone()));
    }
    whole.retain(|g| !partial.contains(g));
    // Areas given of a geography of the lookup (ICBs, boards, upper tiers) are in the
    // geographies all their districts share (`geography_keys`): such a geography is whole too
    // when each of its districts is given, or held whole by areas given that lie in it, so
    // its row sums exactly its districts (South East from its ICBs, a health board given as
    // itself).
    let sums = plan_sums(areas, lookup);
    if !sums.districts.is_empty() {
        let in_geography = |i: usize, g: &str| {
            (0..4).any(|l| at_level(&areas[i].keys, l).iter().any(|x| x.code == g))
        };
        let mut candidates: HashSet<String> = areas
            .iter()
            .filter(|a| !is_district(&a.code, lookup))
            .flat_map(|a| (0..4).flat_map(|l| at_level(&a.keys, l)))
            .map(|g| g.code.clone())
            .filter(|g| !whole.contains(g))
            .collect();
        let targets: HashMap<&str, &[Option<usize>]> = sums
            .districts
            .iter()
            .map(|d| (d.code, d.targets.as_slice()))
            .collect();
        for (code, row) in lookup {
            if given(code) {
                continue;
            }
            let ts = targets.get(code.as_str()).copied().unwrap_or_default();
            for level in 0..4 {
                let gs = at_level(&row.keys, level);
                for (j, g) in gs.iter().enumerate() {
                    // A district split between ICBs, summed into ICBs part by part: only its
                    // part in this ICB need be held in it. Otherwise every area holding the
                    // district must lie in the geography.
                    let holders = if level == 0 && gs.len() > 1 && ts.len() == gs.len() {
                        &ts[j..=j]
                    } else {
                        ts
                    };
                    let held = !holders.is_empty()
                        && holders
                            .iter()
                            .all(|t| t.is_some_and(|i| in_geography(i, &g.code)));
                    if !held {
                        candidates.remove(&g.code);
                    }
                }
            }
        }
        whole.extend(candidates);
    }
    // The nations not whole by their districts with an area given in them of another
    // geography (a board, an ICB, a small area).
    let open: Vec<Nation> = Nation::ALL
        .into_iter()
        .filter(|n| {
            !whole.contains(n.code())
                && areas
                    .iter()
                    .any(|a| a.nation == *n && !is_district(&a.code, lookup))
        })
        .collect();
    if !open.is_empty() {
        // The districts each held whole by areas given of their geographies.
        let held: HashSet<&str> = sums
            .districts
            .iter()
            .filter(|d| d.targets.iter().all(Option::is_some))
            .map(|d| d.code)
            .collect();
        for n in open {
            let by_districts = lookup
                .keys()
                .filter(|c| Nation::from_code(c) == n)
                .all(|c| given(c) || held.contains(c.as_str()));
            let by_small_areas = !by_districts
                && small_area_prefix(n).is_some_and(|prefix| {
                    let numbers: HashSet<u32> = areas
                        .iter()
                        .filter_map(|a| small_area_number(&a.code, prefix))
                        .collect();
                    if numbers.is_empty() {
                        return false;
                    }
                    found.read_small_areas = true;
                    let eleven = runs_under(small_areas_2011(), prefix);
                    let twenty_one = if matches!(n, Nation::England | Nation::Wales) {
                        found.read_small_areas_2021 = true;
                        runs_under(small_areas_2021(), prefix)
                    } else {
                        &[]
                    };
                    all_of_one_vintage(eleven, twenty_one, &numbers)
                        || all_of_one_vintage(twenty_one, eleven, &numbers)
                });
            if by_districts || by_small_areas {
                whole.insert(n.code().to_string());
            }
        }
    }
    found.geographies = whole;
    found
}

/// The share of a nation's small areas of one vintage given, short of all, at which
/// [`nearly_whole_notes`] takes the missing ones for an oversight rather than a choice.
const NEARLY_ALL: f64 = 0.99;

/// A note for each nation not in `whole` (the geographies `areas` give whole,
/// [`whole_geographies`]) of whose small areas of one vintage nearly all (`NEARLY_ALL`, 99%) are
/// among the areas given but not every one, saying that it has no row of its own and which
/// are missing: a Data Zone dropped from a download of all of Scotland's leaves no Scotland
/// row, and the user would otherwise not be told why. Likewise for a nation all but one or
/// two of whose districts are given (`nearly_all_districts_notes`), or all but one of whose
/// ICBs, health boards or HSC trusts (`nearly_all_boards_notes`).
///
/// # Examples
/// ```
/// # use covgap::load::nearly_whole_notes;
/// // No small areas given: nothing to say.
/// assert!(nearly_whole_notes(&[], &Default::default()).is_empty());
/// ```
pub fn nearly_whole_notes(areas: &[Area], whole: &HashSet<String>) -> Vec<String> {
    let mut notes = nearly_all_districts_notes(areas, whole);
    notes.extend(nearly_all_boards_notes(areas, whole));
    for n in [Nation::England, Nation::Wales, Nation::Scotland] {
        let Some(prefix) = small_area_prefix(n) else {
            continue;
        };
        let numbers: HashSet<u32> = areas
            .iter()
            .filter_map(|a| small_area_number(&a.code, prefix))
            .collect();
        if numbers.is_empty() || whole.contains(n.code()) {
            continue;
        }
        let mut vintages = vec![(
            if n == Nation::Scotland {
                "Data Zones 2011"
            } else {
                "LSOAs 2011"
            },
            runs_under(small_areas_2011(), prefix),
        )];
        if n != Nation::Scotland {
            vintages.push(("LSOAs 2021", runs_under(small_areas_2021(), prefix)));
        }
        for (what, runs) in vintages {
            let missing: Vec<String> = runs
                .iter()
                .flat_map(|r| r.first..=r.last)
                .filter(|k| !numbers.contains(k))
                .map(|k| format!("{prefix}{k:06}"))
                .collect();
            let total = codes_in(runs);
            let given = total - missing.len();
            if !missing.is_empty() && given as f64 >= NEARLY_ALL * total as f64 {
                notes.push(no_row_note(
                    n,
                    given,
                    total,
                    what,
                    &first_of(missing.iter(), 10),
                ));
            }
        }
    }
    notes
}

/// The note of [`nearly_whole_notes`]: `given` of nation `n`'s `total` areas of a kind
/// (`what`: "districts", "health boards", "Data Zones 2011") are among the areas, but not
/// `missing`, so `n` has no row of its own.
fn no_row_note(n: Nation, given: usize, total: usize, what: &str, missing: &str) -> String {
    let name = n.name();
    format!(
        "{} of {name}'s {} {what} are among the areas, but not {missing}: {name} has no row of its own in \"By nation\" or rollups.csv (its areas count in \"All areas given\"), since their figures are not all of {name}'s",
        thousands(given as u64),
        thousands(total as u64),
    )
}

/// [`nearly_whole_notes`] for districts: a note for each nation not in `whole` all but a few
/// of whose built-in districts are among the areas (all but one, or all but 1%: two of
/// England's 296), naming those missing. Boundaries of England without the Isles of Scilly and
/// the City of London, two districts often left out for their size, give England no row, and
/// the user would otherwise not be told why. A district made since the boundaries were drawn
/// is given when every district it replaced is.
fn nearly_all_districts_notes(areas: &[Area], whole: &HashSet<String>) -> Vec<String> {
    let Ok(lookup) = lookup() else {
        return Vec::new();
    };
    let codes: HashSet<&str> = areas.iter().map(|a| a.code.as_str()).collect();
    let mut notes = Vec::new();
    for n in Nation::ALL {
        if whole.contains(n.code()) {
            continue;
        }
        let mut districts: Vec<(&String, &LookupRow)> = lookup
            .iter()
            .filter(|(c, _)| Nation::from_code(c) == n)
            .collect();
        districts.sort_by_key(|(c, _)| *c);
        let missing: Vec<String> = districts
            .iter()
            .filter(|(c, _)| !successors::given_in(c, &codes))
            .map(|(c, r)| format!("{} ({c})", r.name))
            .collect();
        let total = districts.len();
        let few = ((total as f64 * (1.0 - NEARLY_ALL)).floor() as usize).max(1);
        if missing.is_empty() || missing.len() > few || missing.len() == total {
            continue;
        }
        let given = total - missing.len();
        let missing = crate::write::and_list(&missing);
        notes.push(no_row_note(n, given, total, "districts", &missing));
    }
    notes
}

/// [`nearly_whole_notes`] for health geographies: a note for each nation not in `whole` all
/// but one of whose ICBs (England), health boards (Scotland, Wales) or HSC trusts (Northern
/// Ireland) in the built-in lookup are among the areas, by code or, for an ICB whose code has
/// changed, by name, naming the one missing: Wales's boards without Betsi Cadwaladr give no
/// Wales row, and the user would otherwise not be told why.
fn nearly_all_boards_notes(areas: &[Area], whole: &HashSet<String>) -> Vec<String> {
    use crate::read::names::fold_name;
    let Ok(lookup) = lookup() else {
        return Vec::new();
    };
    let given_codes: HashSet<&str> = areas.iter().map(|a| a.code.as_str()).collect();
    let given_names: HashSet<String> = areas.iter().map(|a| fold_name(&a.name)).collect();
    let mut notes = Vec::new();
    for n in Nation::ALL {
        if whole.contains(n.code()) {
            continue;
        }
        // The nation's geographies of its health level, by code, with their names.
        let mut geographies: HashMap<&str, &str> = HashMap::new();
        for (code, row) in lookup {
            if Nation::from_code(code) != n {
                continue;
            }
            let k = &row.keys;
            let level: Vec<&crate::model::Geography> = if n == Nation::England {
                k.all_icbs()
            } else {
                k.health_board.iter().collect()
            };
            for g in level {
                geographies.insert(g.code.as_str(), g.name.as_str());
            }
        }
        let mut missing: Vec<(&str, &str)> = geographies
            .iter()
            .filter(|(c, name)| {
                !given_codes.contains(*c) && !given_names.contains(&fold_name(name))
            })
            .map(|(c, name)| (*c, *name))
            .collect();
        missing.sort_unstable();
        let total = geographies.len();
        if missing.len() != 1 || total < 2 {
            continue;
        }
        let what = match n {
            Nation::England => "ICBs",
            Nation::NorthernIreland => "HSC trusts",
            _ => "health boards",
        };
        let (code, name) = missing[0];
        notes.push(no_row_note(
            n,
            total - 1,
            total,
            what,
            &format!("{name} ({code})"),
        ));
    }
    notes
}

/// The start of the codes of a nation's 2011 small areas: LSOAs in England (`E01`) and Wales
/// (`W01`), Data Zones in Scotland (`S01`). None for Northern Ireland, whose small areas the
/// built-in data does not have.
fn small_area_prefix(n: Nation) -> Option<&'static str> {
    match n {
        Nation::England => Some("E01"),
        Nation::Wales => Some("W01"),
        Nation::Scotland => Some("S01"),
        Nation::NorthernIreland | Nation::Unknown => None,
    }
}

/// The number of a small area's code after `prefix` (`E01000001` is 1 after `E01`), when the
/// code is of that form (the prefix and six digits).
fn small_area_number(code: &str, prefix: &str) -> Option<u32> {
    let digits = code.strip_prefix(prefix)?;
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// Whether the small areas given (`numbers`, under one nation's prefix) are all of one
/// vintage's, `these`, and none of the other's, `others`, alone: a code both vintages have
/// is the same area in each. False when `these` is empty (a vintage the nation has not).
fn all_of_one_vintage(
    these: &[SmallAreaRun],
    others: &[SmallAreaRun],
    numbers: &HashSet<u32>,
) -> bool {
    !these.is_empty()
        && these
            .iter()
            .all(|r| (r.first..=r.last).all(|k| numbers.contains(&k)))
        && numbers
            .iter()
            .all(|&k| in_runs(these, k) || !in_runs(others, k))
}

/// Whether `k` is in one of `runs` (of one prefix, in order).
fn in_runs(runs: &[SmallAreaRun], k: u32) -> bool {
    let i = runs.partition_point(|r| r.last < k);
    runs.get(i).is_some_and(|r| r.first <= k)
}

/// The runs of `runs` (a whole table, in code order) under `prefix`.
fn runs_under<'a>(runs: &'a [SmallAreaRun], prefix: &str) -> &'a [SmallAreaRun] {
    let start = runs.partition_point(|r| r.prefix.as_str() < prefix);
    let end = start + runs[start..].partition_point(|r| r.prefix == prefix);
    &runs[start..end]
}

/// How many codes `runs` hold.
fn codes_in(runs: &[SmallAreaRun]) -> usize {
    runs.iter().map(|r| (r.last - r.first + 1) as usize).sum()
}

/// A run of consecutive small-area codes of `data/small_areas_2011.csv` or
/// `data/small_areas_2021.csv`: the codes `prefix` followed by each number from `first` to
/// `last` (six digits).
struct SmallAreaRun {
    prefix: String,
    first: u32,
    last: u32,
}

/// Every 2011 small area of England, Wales and Scotland ([`builtin::small_areas_2011`]), read
/// once per process.
fn small_areas_2011() -> &'static [SmallAreaRun] {
    static RUNS: std::sync::OnceLock<Vec<SmallAreaRun>> = std::sync::OnceLock::new();
    RUNS.get_or_init(|| read_runs(&builtin::small_areas_2011()))
}

/// Every 2021 small area of England and Wales ([`builtin::small_areas_2021`]), read once per
/// process.
fn small_areas_2021() -> &'static [SmallAreaRun] {
    static RUNS: std::sync::OnceLock<Vec<SmallAreaRun>> = std::sync::OnceLock::new();
    RUNS.get_or_init(|| read_runs(&builtin::small_areas_2021()))
}

/// The runs of a built-in table of small areas, in its order (the codes'), each checked to
/// lie under one prefix.
fn read_runs(table: &Input) -> Vec<SmallAreaRun> {
    let text = table.built_in_text().expect("a built-in table");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let runs: Vec<SmallAreaRun> = r
        .records()
        .map(|rec| {
            let rec = rec.expect("the built-in small areas are made by scripts/prepare_data.py");
            let (first, last) = (&rec[0], &rec[1]);
            let prefix = first.get(..3).unwrap_or("");
            let number = |c: &str| {
                small_area_number(c, prefix)
                    .expect("the built-in small areas are runs of codes of one kind")
            };
            SmallAreaRun {
                prefix: prefix.to_string(),
                first: number(first),
                last: number(last),
            }
        })
        .collect();
    debug_assert!(runs
        .windows(2)
        .all(|w| (w[0].prefix.as_str(), w[0].last) < (w[1].prefix.as_str(), w[1].first)));
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::Located;
    use crate::load::lookup::{geography_nations, nation_of};
    use crate::model::RollupKeys;
    /// Areas with these codes and names and no geometry, as `whole_geographies` reads them:
    /// each with its nation as boundaries read give it ([`nation_of`]).
    fn given(codes: impl IntoIterator<Item = (String, String)>) -> Vec<Area> {
        let empty = geo::MultiPolygon::new(vec![]);
        let point = Located::from_bng(300_000.0, 300_000.0).unwrap();
        let nations = geography_nations(lookup().unwrap());
        codes
            .into_iter()
            .map(|(code, name)| Area {
                nation: nation_of(&code, &nations),
                keys: RollupKeys::default(),
                figure: Some(1),
                wgs84: empty.clone(),
                bng: empty.clone(),
                point,
                code,
                name,
            })
            .collect()
    }

    /// Scotland's 6,976 Data Zone 2011 codes (S01006506 to S01013481), less `leave_out`.
    fn data_zones(leave_out: &[&str]) -> Vec<Area> {
        given(
            (6_506..=13_481)
                .map(|k| format!("S01{k:06}"))
                .filter(|c| !leave_out.contains(&c.as_str()))
                .map(|c| (c.clone(), c)),
        )
    }

    /// Boundaries of small areas for all of Scotland (its Data Zones, which no district code
    /// is among) are Scotland, whose row sums them; with one Data Zone missing they are not.
    #[test]
    fn all_of_scotlands_data_zones_are_scotland_and_one_missing_is_not() {
        let all = data_zones(&[]);
        assert_eq!(all.len(), 6_976);
        let whole = whole_geographies(&all);
        assert!(whole.contains("S92000003"), "{whole:?}");
        assert!(!whole.contains("E92000001") && !whole.contains("S08000031"));
        // One of Glasgow City's Data Zones (City Centre East - 07) left out: part of Scotland.
        let whole = whole_geographies(&data_zones(&["S01010265"]));
        assert!(!whole.contains("S92000003"), "{whole:?}");
    }

    /// All but one of Scotland's Data Zones: a note says why there is no Scotland row and
    /// names the one missing; all of them, or a few (a city's), say nothing.
    #[test]
    fn nearly_all_of_scotlands_data_zones_are_noted() {
        let notes = |areas: &[Area]| nearly_whole_notes(areas, &whole_geographies(areas));
        assert_eq!(
            notes(&data_zones(&["S01010265"])),
            ["6,975 of Scotland's 6,976 Data Zones 2011 are among the areas, but not S01010265: Scotland has no row of its own in \"By nation\" or rollups.csv (its areas count in \"All areas given\"), since their figures are not all of Scotland's"]
        );
        assert!(notes(&data_zones(&[])).is_empty());
        let glasgow: Vec<Area> = data_zones(&[])
            .into_iter()
            .filter(|a| a.code.as_str() >= "S01009758" && a.code.as_str() <= "S01010503")
            .collect();
        assert!(notes(&glasgow).is_empty());
    }

    /// The seven Welsh health boards hold every Welsh district by the built-in lookup, so they
    /// are Wales; six of them are not.
    #[test]
    fn all_seven_welsh_health_boards_are_wales_and_six_are_not() {
        let boards = [
            ("W11000023", "Betsi Cadwaladr University Health Board"),
            ("W11000024", "Powys Teaching Health Board"),
            ("W11000025", "Hywel Dda University Health Board"),
            ("W11000028", "Aneurin Bevan University Health Board"),
            ("W11000029", "Cardiff and Vale University Health Board"),
            ("W11000030", "Cwm Taf Morgannwg University Health Board"),
            ("W11000031", "Swansea Bay University Health Board"),
        ];
        let areas = |n: usize| {
            given(
                boards[..n]
                    .iter()
                    .map(|(c, name)| (c.to_string(), name.to_string())),
            )
        };
        let whole = whole_geographies(&areas(7));
        assert!(whole.contains("W92000004"), "{whole:?}");
        assert!(!whole.contains("E92000001"));
        assert!(!whole_geographies(&areas(6)).contains("W92000004"));
    }

    /// An area's nation is its ONS code's, else, for Northern Ireland's HSC trusts (not ONS
    /// codes), the nation of the districts the built-in lookup puts in it; other codes name
    /// none.
    #[test]
    fn a_trusts_nation_comes_from_the_lookup() {
        let nations = geography_nations(lookup().unwrap());
        for trust in ["BHSCT", "NHSCT", "SEHSCT", "SHSCT", "WHSCT"] {
            assert_eq!(
                nation_of(trust, &nations),
                Nation::NorthernIreland,
                "{trust}"
            );
        }
        assert_eq!(nation_of("W11000023", &nations), Nation::Wales);
        assert_eq!(nation_of("E54000050", &nations), Nation::England);
        for other in ["HB01", "N1", "bhsct", ""] {
            assert_eq!(nation_of(other, &nations), Nation::Unknown, "{other}");
        }
    }

    /// The five HSC trusts hold every Northern Irish district by the built-in lookup, so they
    /// are Northern Ireland; four of them are not, whichever is missing.
    #[test]
    fn all_five_hsc_trusts_are_northern_ireland_and_four_are_not() {
        let trusts = ["BHSCT", "NHSCT", "SEHSCT", "SHSCT", "WHSCT"];
        let areas = |codes: &[&str]| given_codes(codes.iter().map(|c| c.to_string()));
        let whole = whole_geographies(&areas(&trusts));
        assert!(whole.contains("N92000002"), "{whole:?}");
        assert!(!whole.contains("E92000001") && !whole.contains("W92000004"));
        for missing in trusts {
            let four: Vec<&str> = trusts.into_iter().filter(|t| *t != missing).collect();
            let whole = whole_geographies(&areas(&four));
            assert!(!whole.contains("N92000002"), "without {missing}: {whole:?}");
        }
    }

    /// The codes under `prefix` of a table of runs of consecutive small-area codes
    /// (`first,last`, as `data/small_areas_2011.csv` and `data/small_areas_2021.csv` hold them).
    fn codes_of_runs(table: &str, prefix: &str) -> Vec<String> {
        table
            .lines()
            .skip(1)
            .filter_map(|line| line.split_once(','))
            .filter(|(first, _)| first.starts_with(prefix))
            .flat_map(|(first, last)| {
                let number = |c: &str| c[3..].parse::<u32>().unwrap();
                (number(first)..=number(last)).map(move |k| format!("{prefix}{k:06}"))
            })
            .collect()
    }

    /// Wales's 1,917 LSOA 2021 codes, as the built-in table holds them.
    fn welsh_lsoas_2021() -> Vec<String> {
        codes_of_runs(include_str!("../../data/small_areas_2021.csv"), "W01")
    }

    /// Wales's 1,909 LSOA 2011 codes, as the built-in table holds them.
    fn welsh_lsoas_2011() -> Vec<String> {
        codes_of_runs(include_str!("../../data/small_areas_2011.csv"), "W01")
    }

    /// Areas with these codes, each named by its code.
    fn given_codes(codes: impl IntoIterator<Item = String>) -> Vec<Area> {
        given(codes.into_iter().map(|c| (c.clone(), c)))
    }

    /// Boundaries of a nation's LSOAs 2021 (ONS's current ones, which most users now have) are
    /// that nation, though some of their codes are no 2011 LSOA's (80 of Wales's 1,917, 1,945
    /// of England's 33,755) and some 2011 LSOAs are not among them (72 of Wales's); the other
    /// nations, and England's regions, are not whole by them. Before, such boundaries gave
    /// "All areas given" alone.
    #[test]
    fn all_of_a_nations_lsoas_2021_are_the_nation() {
        for (prefix, count, nation, not) in [
            ("W01", 1_917, "W92000004", ["E92000001", "S92000003"]),
            ("E01", 33_755, "E92000001", ["W92000004", "E12000008"]),
        ] {
            let codes = codes_of_runs(include_str!("../../data/small_areas_2021.csv"), prefix);
            assert_eq!(codes.len(), count);
            let whole = whole_geographies(&given_codes(codes));
            assert!(whole.contains(nation), "{whole:?}");
            assert!(not.iter().all(|g| !whole.contains(*g)), "{whole:?}");
        }
    }

    /// All of Wales's LSOAs 2021 but one are part of Wales, whether the one left out has a
    /// code of 2011 too or only of 2021.
    #[test]
    fn wales_lsoas_2021_with_one_missing_are_not_wales() {
        for leave_out in ["W01000003", "W01002040"] {
            let codes = welsh_lsoas_2021();
            assert!(codes.iter().any(|c| c == leave_out));
            let areas = given_codes(codes.into_iter().filter(|c| c != leave_out));
            assert_eq!(areas.len(), 1_916);
            let whole = whole_geographies(&areas);
            assert!(!whole.contains("W92000004"), "{leave_out}: {whole:?}");
        }
        // Put back, it is Wales again.
        assert!(whole_geographies(&given_codes(welsh_lsoas_2021())).contains("W92000004"));
    }

    /// Boundaries mixing Wales's 2011 and 2021 LSOAs are not Wales: neither the 2011 ones
    /// with the 2021 ones made since (which overlap them, so their babies would be counted
    /// twice), nor the 2011 ones of some districts with the 2021 ones of the rest, which hold
    /// all of neither vintage.
    #[test]
    fn wales_lsoas_of_2011_and_2021_mixed_are_not_wales() {
        let (eleven, twenty_one) = (welsh_lsoas_2011(), welsh_lsoas_2021());
        assert_eq!(eleven.len(), 1_909);
        assert!(whole_geographies(&given_codes(eleven.clone())).contains("W92000004"));
        // Every 2011 LSOA, and every 2021 one too: 1,989 areas, both vintages whole.
        let both: HashSet<String> = eleven.iter().chain(&twenty_one).cloned().collect();
        assert_eq!(both.len(), 1_989);
        let whole = whole_geographies(&given_codes(both));
        assert!(!whole.contains("W92000004"), "{whole:?}");
        // The 2011 LSOAs below W01001000 and the 2021 ones from it on.
        let split = |c: &String| c.as_str() < "W01001000";
        let half: Vec<String> = eleven
            .iter()
            .filter(|c| split(c))
            .chain(twenty_one.iter().filter(|c| !split(c)))
            .cloned()
            .collect();
        let whole = whole_geographies(&given_codes(half));
        assert!(!whole.contains("W92000004"), "{whole:?}");
    }

    /// The built-in small areas are those of the sources: of 2011, 32,844 LSOAs in England,
    /// 1,909 in Wales, 6,976 Data Zones in Scotland, in 821 runs; of 2021, England's 33,755 and
    /// Wales's 1,917 LSOAs, in 1,671 runs, none in Scotland, whose Data Zones 2022 the raw data
    /// does not have; none in Northern Ireland.
    #[test]
    fn the_built_in_small_areas_are_every_nations_small_areas() {
        let count = |runs: &[SmallAreaRun], prefix: &str| codes_in(runs_under(runs, prefix));
        let (eleven, twenty_one) = (small_areas_2011(), small_areas_2021());
        assert_eq!(
            [
                count(eleven, "E01"),
                count(eleven, "W01"),
                count(eleven, "S01")
            ],
            [32_844, 1_909, 6_976]
        );
        assert_eq!(
            ["E01", "W01", "S01", "N00"].map(|p| count(twenty_one, p)),
            [33_755, 1_917, 0, 0]
        );
        assert_eq!((eleven.len(), twenty_one.len()), (821, 1_671));
        assert_eq!(small_area_prefix(Nation::NorthernIreland), None);
    }
}
