//! Finding the districts and areas a team list names, by code or by name, and what each
//! stands for among the areas given.

use std::collections::{HashMap, HashSet};

use geo::{Area as _, BoundingRect as _, Contains as _, Coord};

use crate::crs::Located;
use crate::error::Result;
use crate::model::{Area, Geography, HoldingDistrict};
use crate::read::names::{closest, fold_name, AreaNames};
use crate::read::successors::{self, Successor};

use super::lookup::{is_district, lookup, LookupRow};

/// The one area given (by index into `by_name`'s areas, `code_of` giving its code) named as
/// geography `g` is, folded ([`fold_name`]), with a code of the same kind (the same first
/// three characters, `E54` for an ICB): an ICB or board whose code has changed since the
/// boundaries were drawn. `None` when no area has the name, or more than one has.
pub(super) fn named_once<'a>(
    by_name: &HashMap<String, Vec<usize>>,
    g: &Geography,
    code_of: impl Fn(usize) -> &'a str,
) -> Option<usize> {
    match by_name.get(&fold_name(&g.name)) {
        Some(v) if v.len() == 1 && code_of(v[0]).get(..3) == g.code.get(..3) => Some(v[0]),
        _ => None,
    }
}

/// Adds to `by_name` (folded name to the areas given bearing it) the ONS names of each area
/// given that is a built-in district, English and Welsh: a team list written in Welsh names
/// "Ynys Môn" and "Bro Morgannwg", and one written in English names "Isle of Anglesey" on
/// boundaries that carry the Welsh names (`--name-field LAD23NMW`). A name already borne by an
/// area given is left to it, so no name comes to stand for two areas.
pub(super) fn add_district_names(by_name: &mut HashMap<String, Vec<usize>>, areas: &[Area]) {
    let Ok(lookup) = lookup() else {
        return;
    };
    let mut aliases: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, a) in areas.iter().enumerate() {
        let Some(row) = lookup.get(&a.code) else {
            continue;
        };
        for name in [&row.name, &row.name_cy] {
            let folded = fold_name(name);
            if !folded.is_empty() && !by_name.contains_key(&folded) {
                let v = aliases.entry(folded).or_default();
                if !v.contains(&i) {
                    v.push(i);
                }
            }
        }
    }
    by_name.extend(aliases);
}

/// Counties that are rows of ONS's tables of names from before 2023 but no geography of the
/// built-in lookup: the metropolitan counties (whose districts are the upper tiers) and the
/// counties abolished since 2019 (Northamptonshire in 2021, Cumbria in 2023) whose names no
/// district took, unlike North Yorkshire's, Somerset's and Buckinghamshire's.
const FORMER_AND_METROPOLITAN_COUNTIES: [&str; 8] = [
    "Cumbria",
    "Northamptonshire",
    "Greater Manchester",
    "Merseyside",
    "South Yorkshire",
    "Tyne and Wear",
    "West Midlands",
    "West Yorkshire",
];

/// The areas given by name, for a figures table that gives names and no codes: each by the
/// name the boundaries give it and, for a built-in district, by its ONS and Welsh names too
/// (as [`add_district_names`] finds them in a team list); the districts abolished since 2019
/// by their old names, as [`successors::replaced_in`] takes their codes; the other built-in
/// districts, to be told from names covgap does not know; and the names of the nations,
/// regions and other geographies of the built-in lookup, whose rows are not areas' rows.
pub(super) fn area_names(
    areas: &[crate::read::boundaries::RawArea],
    lookup: &HashMap<String, LookupRow>,
) -> AreaNames {
    let mut names = AreaNames::default();
    for a in areas {
        names.add_area(&a.code, &a.name);
    }
    let given: HashSet<&str> = areas.iter().map(|a| a.code.as_str()).collect();
    for (code, row) in lookup {
        for name in [&row.name, &row.name_cy]
            .into_iter()
            .filter(|n| !n.is_empty())
        {
            if given.contains(code.as_str()) {
                names.add_alias(code, name);
            } else {
                names.add_outside_district(code, name);
            }
        }
        let k = &row.keys;
        for g in [&k.region, &k.utla, &k.icb, &k.health_board]
            .into_iter()
            .flatten()
        {
            names.add_other(&g.name);
        }
    }
    // ONS's tables of names from before 2023 give the metropolitan counties (as "Tyne and Wear
    // (Met County)") and the counties abolished since 2019 as rows of their own: not areas'
    // rows, as their codes (E11…, E10…) are not, though the built-in lookup knows neither.
    for name in FORMER_AND_METROPOLITAN_COUNTIES {
        names.add_other(name);
        names.add_other(&format!("{name} (Met County)"));
    }
    // Districts abolished since 2019, as a table in their codes is read: the rows of those
    // a district given replaced are added up for it (`add_up_replaced`), and the others are
    // passed over; an old district the boundaries still give is found by its ONS name too.
    for s in successors::all() {
        if given.contains(s.old_code.as_str()) {
            names.add_alias(&s.old_code, &s.old_name);
        } else if given.contains(s.new_code.as_str()) {
            names.add_former(s);
        } else {
            names.add_outside_district(&s.old_code, &s.old_name);
        }
    }
    names
}

pub(super) fn suggest(token: &str, areas: &[Area]) -> String {
    closest(
        token,
        areas.iter().map(|a| (a.name.as_str(), a.code.as_str())),
    )
    .iter()
    .take(3)
    .map(|(_, name, code)| format!("{name} ({code})"))
    .collect::<Vec<_>>()
    .join(", ")
}

/// The built-in UK districts (`data/areas.csv`, and through `data/successors.csv` those
/// abolished since 2019), for an area served that is not an area of the boundaries given. A
/// real district is not a slip to suggest a fix for: it lies outside boundaries drawn for part
/// of the UK, or inside an area of another geography (an ICB) that holds it.
pub(super) struct Districts {
    lookup: &'static HashMap<String, LookupRow>,
    /// Folded ONS name to code.
    by_name: HashMap<String, String>,
    /// The areas given lying in each built-in district, for areas smaller than districts
    /// ([`crate::land::built_in_district_holding_area`]); found when first wanted.
    within: std::cell::OnceCell<HashMap<&'static str, Vec<usize>>>,
    /// The area given holding each built-in district: its representative point lies in the
    /// area, which is at least half the district's size; found when first wanted.
    holding: std::cell::OnceCell<HashMap<&'static str, usize>>,
}

/// How an area of the boundaries given holds a district a team list names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Held {
    /// It is the district's ICB, health board, upper tier or region, by the built-in lookup.
    Lookup,
    /// The same, found by its name (the lookup has another year's code for it).
    ByName,
    /// It is one of the districts the district named replaced (boundaries drawn before a
    /// merger).
    Replaced,
    /// It lies in the district: an area smaller than a district (an LSOA, a ward) whose
    /// representative point is in the district by the built-in boundaries.
    Within,
    /// It holds the district by the built-in boundaries: an area of a geography the lookup
    /// does not give (a combined authority's footprint, say) holding the district's point and
    /// at least half its size.
    Holds,
}

/// A built-in district a team list names that the boundaries given do not have.
pub(super) struct DistrictNamed {
    /// As messages name it: "High Peak (E07000037)"; an abolished one with the district that
    /// replaced it, "Craven (E07000163, now North Yorkshire)".
    pub(super) named: String,
    /// The current district's code (the successor's, for an abolished one).
    pub(super) code: String,
    /// For an abolished district, its own ICB, which may differ from the new district's.
    own_icb: Option<Geography>,
    /// For an abolished district, its row of `data/successors.csv`.
    pub(super) old: Option<&'static Successor>,
}

impl Districts {
    pub(super) fn new() -> Result<Self> {
        let lookup = lookup()?;
        let mut by_name: HashMap<String, String> = lookup
            .iter()
            .filter(|(_, row)| !row.name_cy.is_empty())
            .map(|(code, row)| (fold_name(&row.name_cy), code.clone()))
            .collect();
        by_name.extend(
            lookup
                .iter()
                .map(|(code, row)| (fold_name(&row.name), code.clone())),
        );
        Ok(Districts {
            lookup,
            by_name,
            within: Default::default(),
            holding: Default::default(),
        })
    }

    /// The district `token` names, by code or ONS name, current or abolished.
    pub(super) fn find(&self, token: &str) -> Option<DistrictNamed> {
        let upper = token.trim().to_ascii_uppercase();
        let folded = fold_name(token);
        let current = if self.lookup.contains_key(&upper) {
            Some(upper.clone())
        } else {
            self.by_name.get(&folded).cloned()
        };
        if let Some(code) = current {
            let named = format!("{} ({code})", self.lookup[&code].name);
            return Some(DistrictNamed {
                named,
                code,
                own_icb: None,
                old: None,
            });
        }
        let s = successors::all()
            .iter()
            .find(|s| s.old_code == upper || fold_name(&s.old_name) == folded)?;
        Some(DistrictNamed {
            named: format!("{} ({}, now {})", s.old_name, s.old_code, s.new_name),
            code: s.new_code.clone(),
            own_icb: Some(Geography {
                code: s.icb_code.clone(),
                name: s.icb_name.clone(),
            }),
            old: Some(s),
        })
    }

    /// The areas given that hold district `code`: the area of another geography the built-in
    /// lookup puts it in (its ICB, health board, upper tier or region; a district split between
    /// ICBs is in each of them, as in the ICB rollups), found by code or, for an ICB
    /// or board whose code has changed (Surrey Heartlands and Sussex in 2024), by a name only
    /// one area has and a code of the same kind; else, for boundaries drawn before a merger,
    /// the districts it replaced; else, for a current district, the areas given lying in it
    /// (smaller areas, such as LSOAs or wards, given as boundaries). Each with how it holds it.
    pub(super) fn holders(
        &self,
        d: &DistrictNamed,
        by_code: &HashMap<&str, usize>,
        by_name: &HashMap<String, Vec<usize>>,
        areas: &[Area],
    ) -> Vec<(usize, Held)> {
        let code = d.code.as_str();
        let Some(row) = self.lookup.get(code) else {
            return Vec::new();
        };
        let k = &row.keys;
        // The geographies holding it, level by level: its ICBs (an abolished district's own
        // ICB, not the new district's; a district split between ICBs lies in each of them),
        // then its health board, upper tier and region.
        let icbs: Vec<&Geography> = match &d.own_icb {
            Some(own) => vec![own],
            None => k.all_icbs(),
        };
        let levels: Vec<Vec<&Geography>> = [
            icbs,
            k.health_board.iter().collect(),
            k.utla.iter().collect(),
            k.region.iter().collect(),
        ]
        .into_iter()
        .map(|l| l.into_iter().filter(|g| g.code != code).collect())
        .collect();
        // Each geography by its code, else by its name: at the level chosen (the first with
        // one found by code, else the first with one found by name), a district split between
        // Frimley's ICB (found by code) and Surrey Heartlands' (whose code has changed) is in
        // both, as `plan_sums` puts its figure in both.
        let by_its_code = |g: &Geography| by_code.get(g.code.as_str()).copied();
        let by_its_name = |g: &Geography| named_once(by_name, g, |i| &areas[i].code);
        let level = levels
            .iter()
            .find(|l| l.iter().any(|g| by_its_code(g).is_some()))
            .or_else(|| {
                levels
                    .iter()
                    .find(|l| l.iter().any(|g| by_its_name(g).is_some()))
            });
        if let Some(level) = level {
            let mut held: Vec<(usize, Held)> = level
                .iter()
                .filter_map(|g| {
                    by_its_code(g)
                        .map(|i| (i, Held::Lookup))
                        .or_else(|| by_its_name(g).map(|i| (i, Held::ByName)))
                })
                .collect();
            held.sort_by_key(|h| h.0);
            held.dedup_by_key(|h| h.0);
            return held;
        }
        let replaced: Vec<(usize, Held)> = successors::all()
            .iter()
            .filter(|s| s.new_code == code)
            .filter_map(|s| {
                by_code
                    .get(s.old_code.as_str())
                    .map(|&i| (i, Held::Replaced))
            })
            .collect();
        if !replaced.is_empty() {
            return replaced;
        }
        // An area holding the district, and any others lying in it: a district so small that
        // one of its smaller areas holds it (the City of London's LSOA 001F) has others lying
        // in it too, which the team serves as well. A footprint holding a larger district has
        // none beside it.
        if let Some(&i) = self.holding(areas).get(code) {
            let mut held = vec![(i, Held::Holds)];
            held.extend(
                self.lying_in(code, areas)
                    .iter()
                    .map(|&j| (j, Held::Within)),
            );
            return held;
        }
        // An abolished district is not drawn in the built-in boundaries: the areas lying in
        // the district that replaced it, for which it counts (as with district boundaries).
        self.lying_in(code, areas)
            .iter()
            .map(|&i| (i, Held::Within))
            .collect()
    }

    /// Whether `code` is a district's, current or abolished since 2019.
    pub(super) fn is_district(&self, code: &str) -> bool {
        is_district(code, self.lookup)
    }

    /// The area given holding each built-in district: the district's representative point
    /// lies in it, and it is at least half the district's size (an area holding a point of a
    /// district, such as the LSOA at a town's centre, does not hold the district).
    fn holding(&self, areas: &[Area]) -> &HashMap<&'static str, usize> {
        self.holding.get_or_init(|| {
            let boxes: Vec<Option<geo::Rect>> =
                areas.iter().map(|a| a.bng.bounding_rect()).collect();
            let mut held = HashMap::new();
            for (code, p, m2) in crate::land::built_in_points() {
                let found = areas.iter().enumerate().find(|(i, a)| {
                    boxes[*i].is_some_and(|b| {
                        b.min().x <= p.x && p.x <= b.max().x && b.min().y <= p.y && p.y <= b.max().y
                    }) && a.bng.contains(&p)
                });
                if let Some((i, a)) = found {
                    if a.bng.unsigned_area() >= 0.5 * m2 {
                        held.insert(code, i);
                    }
                }
            }
            held
        })
    }

    /// The areas given lying in the built-in district `code` (no larger than it, with their
    /// point in it: [`crate::land::built_in_district_holding_area`]), leaving out those that
    /// hold a district ([`Districts::holding`]).
    pub(super) fn lying_in(&self, code: &str, areas: &[Area]) -> &[usize] {
        let within = self.within.get_or_init(|| {
            let holders: HashSet<usize> = self.holding(areas).values().copied().collect();
            let mut by_district: HashMap<&'static str, Vec<usize>> = HashMap::new();
            for (i, a) in areas.iter().enumerate() {
                if holders.contains(&i) {
                    continue;
                }
                let point = Coord::from(a.point.bng);
                let size = a.bng.unsigned_area();
                if let Some(c) = crate::land::built_in_district_holding_area(point, size) {
                    by_district.entry(c).or_default().push(i);
                }
            }
            by_district
        });
        within.get(code).map_or(&[], Vec::as_slice)
    }

    /// The current built-in districts holding areas given that are smaller than districts,
    /// in code order, each with every area lying in it ([`Districts::lying_in`]): what a team
    /// serving the district counts for. A district is listed when an area lying in it is no
    /// district's (of any year since 2019). None are when no district has more than one area
    /// lying in it, the test by which a team naming no areas counts for more than the area
    /// holding its base: district boundaries, the built-in ones or a user's own (under codes
    /// of its own, each lying alone in its district), hold none, and are not looked at when
    /// every area is a district's.
    pub(super) fn holding_smaller(&self, areas: &[Area]) -> Result<Vec<HoldingDistrict>> {
        if areas.iter().all(|a| self.is_district(&a.code)) {
            return Ok(Vec::new());
        }
        let mut points = crate::land::built_in_points();
        points.sort_unstable_by_key(|p| p.0);
        // The areas a team serving the district counts for: one holding it, as in the City of
        // London, then those lying in it.
        let holding = self.holding(areas);
        let lying: Vec<(&'static str, Coord, Vec<usize>)> = points
            .into_iter()
            .map(|(code, p, _)| {
                let mut served: Vec<usize> = holding.get(code).copied().into_iter().collect();
                served.extend_from_slice(self.lying_in(code, areas));
                served.sort_unstable();
                (code, p, served)
            })
            .filter(|(_, _, l)| l.iter().any(|&i| !self.is_district(&areas[i].code)))
            .collect();
        if lying.iter().all(|(_, _, l)| l.len() < 2) {
            return Ok(Vec::new());
        }
        lying
            .into_iter()
            .map(|(code, p, l)| {
                Ok(HoldingDistrict {
                    code: code.to_string(),
                    name: self
                        .lookup
                        .get(code)
                        .map_or_else(|| code.to_string(), |r| r.name.clone()),
                    point: Located::from_bng(p.x, p.y)?,
                    areas: l,
                })
            })
            .collect()
    }
}
