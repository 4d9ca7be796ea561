//! Areas given that are geographies of the built-in lookup (ICBs, boards, trusts, upper tiers,
//! regions): the districts they hold, their own rollup keys and the built-in figures summed
//! into them.

use std::collections::{HashMap, HashSet};

use crate::error::Diagnostics;
use crate::model::{Area, Geography, Measure, Nation, RollupKeys};
use crate::read::figures::Figures;
use crate::read::names::fold_name;
use crate::read::successors;
use crate::write::plural;

use super::figures::builtin_period_source;
use super::lookup::{is_district, lookup, LookupRow};
use super::names::named_once;
use crate::write::first_of;

/// An area given, as [`plan_sums`] matches it to the built-in districts it holds: by its code,
/// else by its name. Boundaries as read, and areas as the study holds them.
pub(super) trait Given {
    fn code(&self) -> &str;
    fn name(&self) -> &str;
}

impl Given for crate::read::boundaries::RawArea {
    fn code(&self) -> &str {
        &self.code
    }
    fn name(&self) -> &str {
        &self.name
    }
}

impl Given for Area {
    fn code(&self) -> &str {
        &self.code
    }
    fn name(&self) -> &str {
        &self.name
    }
}

/// The built-in district figures to sum into areas of a geography the built-in lookup gives
/// each district ([`plan_sums`]).
#[derive(Default)]
pub(super) struct Sums {
    /// Each district summed, in code order.
    pub(super) districts: Vec<SummedDistrict>,
    /// The areas given found by name, the lookup having another year's code for them (Surrey
    /// Heartlands and Sussex ICBs): each with the lookup's geography, by area index.
    by_name: std::collections::BTreeMap<usize, Geography>,
}

/// A built-in district whose figure goes into areas given.
pub(super) struct SummedDistrict {
    pub(super) code: &'static str,
    /// Split between ICBs, with ICBs as the areas: the figure is shared out between the parts
    /// ([`RollupKeys::icbs`]), and `targets` has one entry a part.
    pub(super) split: bool,
    /// The area given (by index) taking the figure, or each part of it; `None` for a part
    /// whose ICB is not among the areas given.
    pub(super) targets: Vec<Option<usize>>,
}

/// With the built-in figures, which are by district, the areas given that are of a geography
/// the built-in lookup gives each district (`data/areas.csv`: its ICB, health board or HSC
/// trust, upper tier, region, or nation) take the figures of the districts in them. Each
/// district goes to the area of its geography found as a team serving it is
/// ([`Districts::holders`](super::names::Districts::holders)): by code at any level (ICB first, nation last), else by a name
/// only one area has and a code of the same kind (an ICB or board whose code has changed since
/// the boundaries were drawn). A district split between ICBs goes, at the ICB level, to each
/// ICB given that it lies partly in, its figure shared out as in `rollups.csv`'s ICB rows.
/// Only districts whose geography is among the areas given are summed, and none that is an
/// area given itself (a unitary authority among upper tiers), so nothing changes for
/// districts as boundaries: no area is of another geography.
pub(super) fn plan_sums<A: Given>(
    areas: &[A],
    lookup: &'static HashMap<String, LookupRow>,
) -> Sums {
    let codes: HashSet<&str> = areas.iter().map(|a| a.code()).collect();
    let mut by_code: HashMap<&str, usize> = HashMap::new();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, a) in areas.iter().enumerate() {
        if !is_district(a.code(), lookup) {
            by_code.insert(a.code(), i);
            by_name.entry(fold_name(a.name())).or_default().push(i);
        }
    }
    let mut sums = Sums::default();
    if by_code.is_empty() {
        return sums;
    }
    let named = |g: &Geography| named_once(&by_name, g, |i| areas[i].code());
    let mut districts: Vec<&'static String> = lookup.keys().collect();
    districts.sort();
    for code in districts {
        if successors::given_in(code, &codes) {
            continue;
        }
        let k = &lookup[code].keys;
        let nation = Nation::from_code(code);
        let nation = Geography {
            code: nation.code().into(),
            name: nation.name().into(),
        };
        let levels: Vec<Vec<&Geography>> = [
            k.all_icbs(),
            k.health_board.iter().collect(),
            k.utla.iter().collect(),
            k.region.iter().collect(),
            vec![&nation],
        ]
        .into_iter()
        .map(|l| {
            l.into_iter()
                .filter(|g| !g.code.is_empty() && g.code != *code)
                .collect::<Vec<_>>()
        })
        .filter(|l| !l.is_empty())
        .collect();
        let Some(level) = levels
            .iter()
            .find(|l| l.iter().any(|g| by_code.contains_key(g.code.as_str())))
            .or_else(|| levels.iter().find(|l| l.iter().any(|g| named(g).is_some())))
        else {
            continue;
        };
        let targets = level
            .iter()
            .map(|g| {
                by_code.get(g.code.as_str()).copied().or_else(|| {
                    let i = named(g)?;
                    sums.by_name.insert(i, (*g).clone());
                    Some(i)
                })
            })
            .collect();
        sums.districts.push(SummedDistrict {
            code: code.as_str(),
            split: level.len() > 1,
            targets,
        });
    }
    sums
}

/// An area's geographies at one level of the built-in lookup: 0 its ICBs (a split
/// district's each), 1 its health board or HSC trust, 2 its upper tier, 3 its region.
pub(super) fn at_level(keys: &RollupKeys, level: usize) -> Vec<&Geography> {
    match level {
        0 => keys.all_icbs(),
        1 => keys.health_board.iter().collect(),
        2 => keys.utla.iter().collect(),
        _ => keys.region.iter().collect(),
    }
}

/// Puts `g` as `keys`' geography at `level` ([`at_level`]).
fn set_level(keys: &mut RollupKeys, level: usize, g: Geography) {
    match level {
        0 => keys.icb = Some(g),
        1 => keys.health_board = Some(g),
        2 => keys.utla = Some(g),
        _ => keys.region = Some(g),
    }
}

/// Areas given that are themselves of a geography the built-in lookup gives districts (an
/// ICB, health board or HSC trust, upper tier or region, found by code or by name as
/// [`plan_sums`] finds them) take that geography as their own at its level, and at every other
/// level the geography all the districts in them share, if they share one: a health board's
/// or trust's `health_board` column names it, an ICB's `icb` column names it and its `region`
/// the region it lies in (none for an ICB whose districts lie in two regions), an upper tier's
/// its region and, if it lies in one, its ICB. Their rollups then have rows, when all of a
/// geography is given ([`whole_geographies`](super::whole_geographies)). Districts, small areas and nations are left as
/// they are.
pub(super) fn geography_keys(areas: &mut [Area], lookup: &'static HashMap<String, LookupRow>) {
    for (i, own, districts) in held_by_area(areas, lookup) {
        let mut keys = RollupKeys::default();
        for level in 0..4 {
            let mut shared: Option<&Geography> = None;
            let all_share = districts.iter().all(|d| {
                let gs = at_level(&lookup[*d].keys, level);
                // The area itself, where it is of this level; else the district's one
                // geography at it (a district split between ICBs has none of its own).
                let g = gs
                    .iter()
                    .find(|g| g.code == own)
                    .or_else(|| gs.first().filter(|_| gs.len() == 1));
                match (g, shared) {
                    (None, _) => false,
                    (Some(g), None) => {
                        shared = Some(g);
                        true
                    }
                    (Some(g), Some(s)) => g.code == s.code,
                }
            });
            if let (true, Some(g)) = (all_share, shared) {
                set_level(&mut keys, level, g.clone());
            }
        }
        areas[i].keys = keys;
    }
}

/// Each area given of a geography of the built-in lookup that holds built-in districts
/// ([`plan_sums`]): its index, its code in the lookup (an ICB found by name has the lookup's
/// code for it there) and the districts it holds, wholly or, split between ICBs, in part.
fn held_by_area(
    areas: &[Area],
    lookup: &'static HashMap<String, LookupRow>,
) -> Vec<(usize, String, Vec<&'static str>)> {
    let sums = plan_sums(areas, lookup);
    let mut held: std::collections::BTreeMap<usize, Vec<&'static str>> = Default::default();
    for d in &sums.districts {
        for &t in d.targets.iter().flatten() {
            held.entry(t).or_default().push(d.code);
        }
    }
    held.into_iter()
        .map(|(i, districts)| {
            let own = sums
                .by_name
                .get(&i)
                .map_or(areas[i].code.as_str(), |g| g.code.as_str())
                .to_string();
            (i, own, districts)
        })
        .collect()
}

/// The geographies at one level (`at` picks a district's there from its keys: its ICBs, its
/// health board or HSC trust, its region) that an area given of another geography lies across
/// the border of, holding built-in districts in it and districts outside it: an ICB holding
/// districts of two regions lies partly in each, a county with a district split between ICBs
/// partly in each ICB. Such an area has no geography of its own at that level, so it is in
/// neither's group under `covgap plan --by`, and a group of the areas lying wholly in one
/// would miss its babies and its team: Bath and North East Somerset, Swindon and Wiltshire's
/// ICB, which has a team, lies partly in the South West, whose ICBs lying wholly in it hold
/// 42,602 of its 51,499 babies. An area of this level itself, a district or a small area lies
/// across none. In code order; empty if the built-in lookup cannot be read.
///
/// # Examples
/// ```
/// use covgap::load::lying_across;
/// // Districts lie across no region's border.
/// let study = covgap::load::load(&Default::default(), &mut Default::default()).unwrap();
/// assert!(lying_across(&study.areas, |k| k.region.iter().collect()).is_empty());
/// ```
pub fn lying_across(
    areas: &[Area],
    at: impl for<'k> Fn(&'k RollupKeys) -> Vec<&'k Geography>,
) -> Vec<Geography> {
    let Ok(lookup) = lookup() else {
        return Vec::new();
    };
    let mut across: std::collections::BTreeMap<&str, &Geography> = Default::default();
    for (_, own, districts) in held_by_area(areas, lookup) {
        let of: Vec<Vec<&Geography>> = districts.iter().map(|d| at(&lookup[*d].keys)).collect();
        if of.iter().flatten().any(|g| g.code == own) {
            continue;
        }
        let touched: std::collections::BTreeMap<&str, &Geography> =
            of.iter().flatten().map(|g| (g.code.as_str(), *g)).collect();
        // In two of them, or in one and in districts outside any.
        if touched.len() > 1 || (!touched.is_empty() && of.iter().any(Vec::is_empty)) {
            across.extend(touched);
        }
    }
    across.into_values().cloned().collect()
}

/// Puts into `f` each area's figure summed from the built-in district figures it holds
/// ([`plan_sums`]), takes the districts' own out, and says so in a note ([`summed_note`]).
/// An area with a district whose figure is missing has none. Returns the rule in words, for
/// the figures' source.
pub(super) fn sum_districts(
    f: &mut Figures,
    sums: &Sums,
    areas: &[crate::read::boundaries::RawArea],
    lookup: &HashMap<String, LookupRow>,
    measure: Measure,
    label: &str,
    diag: &mut Diagnostics,
) -> String {
    let n = crate::write::thousands;
    let mut totals: std::collections::BTreeMap<usize, Option<u64>> = Default::default();
    let mut parts_left_out = Vec::new();
    for d in &sums.districts {
        let figure = f.values.get(d.code).copied().flatten();
        let shares: Vec<Option<u64>> = match figure {
            Some(v) if d.split => lookup[d.code]
                .keys
                .icbs(v)
                .into_iter()
                .map(|(_, part)| Some(part))
                .collect(),
            _ => vec![figure; d.targets.len()],
        };
        let mut counted = 0;
        for (target, share) in d.targets.iter().zip(&shares) {
            let Some(i) = target else { continue };
            counted += share.unwrap_or(0);
            let total = totals.entry(*i).or_insert(Some(0));
            *total = total.zip(*share).map(|(a, b)| a + b);
        }
        if let (Some(v), true) = (figure, d.targets.contains(&None)) {
            parts_left_out.push(format!(
                "{} ({}: {} of {})",
                lookup[d.code].name,
                d.code,
                n(counted),
                n(v)
            ));
        }
    }
    let known: HashSet<&str> = areas.iter().map(|a| a.code.as_str()).collect();
    f.values.retain(|c, _| known.contains(c.as_str()));
    for (&i, total) in &totals {
        f.values.insert(areas[i].code.clone(), *total);
    }
    diag.note(
        label,
        None,
        summed_note(
            sums,
            areas,
            lookup,
            &f.values,
            &totals,
            &parts_left_out,
            measure,
        ),
    );
    if sums.districts.iter().any(|d| d.split) {
        "summed for each area given from the built-in districts in it by the built-in lookup, data/areas.csv, with districts split between ICBs shared out by data/icb_shares.csv".into()
    } else {
        "summed for each area given from the built-in districts in it by the built-in lookup, data/areas.csv".into()
    }
}

/// The note [`sum_districts`] leaves: how many areas given took a sum, from how many
/// districts; the areas given that are districts themselves, the districts split between
/// ICBs, the areas found by name, the parts of districts left out (`parts_left_out`) and the
/// areas with no district. `values` are the figures after the sums, `totals` the sums by area
/// index.
fn summed_note(
    sums: &Sums,
    areas: &[crate::read::boundaries::RawArea],
    lookup: &HashMap<String, LookupRow>,
    values: &HashMap<String, Option<u64>>,
    totals: &std::collections::BTreeMap<usize, Option<u64>>,
    parts_left_out: &[String],
    measure: Measure,
) -> String {
    let n = crate::write::thousands;
    let (period, _) = builtin_period_source(measure);
    let split = sums.districts.iter().filter(|d| d.split).count();
    let mut message = format!(
        "figures summed from the built-in district figures: each area's figure ({}, {period}) is the sum of the built-in figures of the districts the built-in lookup (data/areas.csv) puts in it (its ICB, health board or HSC trust, upper tier, region or nation), for {} of the {} {} given, from {} {}",
        measure.describe(),
        n(totals.len() as u64),
        n(areas.len() as u64),
        plural(areas.len(), "area", "areas"),
        n(sums.districts.len() as u64),
        plural(sums.districts.len(), "district", "districts"),
    );
    let districts_given = areas
        .iter()
        .filter(|a| lookup.contains_key(&a.code))
        .count();
    if districts_given > 0 {
        message.push_str(&format!(
            "; {} {} (unitary authorities among upper tiers, say), with {} own figure",
            n(districts_given as u64),
            plural(
                districts_given,
                "area given is a district itself",
                "areas given are districts themselves"
            ),
            plural(districts_given, "its", "their"),
        ));
    }
    if split > 0 {
        message.push_str(&format!(
            "; {} shared out between them by the babies living in each part (data/icb_shares.csv), as in rollups.csv's ICB rows",
            if split == 1 {
                "the 1 district split between ICBs is".to_string()
            } else {
                format!("the {split} districts split between ICBs are")
            }
        ));
    }
    if !sums.by_name.is_empty() {
        message.push_str(&format!(
            "; found by name, the lookup having another year's code for them: {}",
            sums.by_name
                .iter()
                .map(|(&i, g)| format!(
                    "{} ({}, {} in the lookup)",
                    areas[i].name, areas[i].code, g.code
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    message.push_str("; districts in none of the areas given are not counted");
    if !parts_left_out.is_empty() {
        message.push_str(&format!(
            ", nor the parts outside them of the districts split between ICBs lying partly in them: {}",
            parts_left_out.join(", ")
        ));
    }
    let without: Vec<String> = areas
        .iter()
        .enumerate()
        .filter(|(i, a)| !totals.contains_key(i) && !values.contains_key(&a.code))
        .map(|(_, a)| format!("{} ({})", a.name, a.code))
        .collect();
    if !without.is_empty() {
        message.push_str(&format!(
            "; the lookup puts no district in {} {}, which {} no figure: {}",
            without.len(),
            plural(without.len(), "area", "areas"),
            plural(without.len(), "has", "have"),
            first_of(without.iter(), 10),
        ));
    }
    message
}
