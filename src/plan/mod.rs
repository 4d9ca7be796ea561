//! `covgap plan`: where N new teams would newly cover the most babies, keeping every
//! existing team fixed, and how close the quick (greedy) answer is to the best possible.
//!
//! The steps: [`instance`] builds the problem (demand points, which are the districts or,
//! when given, the small areas; candidate and fixed sites; what each covers); [`greedy`] answers it with lazy greedy selection; [`exact`] solves it by integer
//! programming and also finds the fewest teams that would give every ICB, health board or
//! region a team ([`by_geography`]).
//!
//! # Examples
//! ```
//! use covgap::{error::Diagnostics, load};
//! use covgap::plan::{self, Options};
//! let study = load::load(&load::Inputs::default(), &mut Diagnostics::new()).unwrap();
//! let p = plan::plan(&study, None, &[], None, None, &Options { add: 3, ..Options::default() }).unwrap();
//! assert_eq!(p.instance.candidates[p.greedy.sites[0]].district.as_deref(), Some("E08000025"));
//! assert!(p.greedy.value <= p.exact.value);
//! ```

pub mod exact;
pub mod greedy;
pub mod instance;

/// Random max-cover problems for the property tests of the solvers and of demand merging:
/// up to `demand` demand points with weights below `weight`, up to `sites` sites each
/// covering at most `set_size` of them.
#[cfg(test)]
pub(crate) fn arb_max_cover(
    demand: usize,
    sites: usize,
    weight: u32,
    set_size: usize,
) -> impl proptest::strategy::Strategy<Value = instance::MaxCover> {
    use proptest::prelude::*;
    (1usize..demand, 1usize..sites).prop_flat_map(move |(nd, ns)| {
        (
            proptest::collection::vec(0u32..weight, nd),
            proptest::collection::vec(
                proptest::collection::btree_set(0..nd, 0..=nd.min(set_size)),
                ns,
            ),
        )
            .prop_map(|(w, sets)| instance::MaxCover {
                weights: w.into_iter().map(f64::from).collect(),
                sets: sets.into_iter().map(|s| s.into_iter().collect()).collect(),
            })
    })
}

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::model::{Geography, Study, Team, TeamBeyond};
use crate::read::deprivation::DeprivationTable;
use crate::small_areas::SmallAreas;
use exact::{Exact, Limits, Status};
use greedy::Selection;
use instance::{DemandPoints, Instance, Model, RankBy};

/// Geographies `--by` can ask about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ByLevel {
    /// Integrated Care Boards (England).
    Icb,
    /// Health boards (Scotland, Wales) and HSC trusts (Northern Ireland).
    HealthBoard,
    /// English regions.
    Region,
}

impl ByLevel {
    pub fn key(self) -> &'static str {
        match self {
            ByLevel::Icb => "icb",
            ByLevel::HealthBoard => "health_board",
            ByLevel::Region => "region",
        }
    }

    /// Plural words for reports.
    pub fn describe(self) -> &'static str {
        match self {
            ByLevel::Icb => "Integrated Care Boards",
            ByLevel::HealthBoard => "health boards and HSC trusts",
            ByLevel::Region => "English regions",
        }
    }

    /// Plural words for the geographies of `areas` at this level: health boards alone for
    /// Scottish or Welsh districts, HSC trusts alone for Northern Irish ones, so that a plan
    /// for one nation does not speak of the other's geography.
    ///
    /// # Examples
    /// ```
    /// use covgap::plan::ByLevel;
    /// let study = covgap::load::load(&Default::default(), &mut Default::default()).unwrap();
    /// let of = |p: char| -> Vec<_> {
    ///     study.areas.iter().filter(|a| a.code.starts_with(p)).cloned().collect()
    /// };
    /// assert_eq!(ByLevel::HealthBoard.describe_in(&of('N')), "HSC trusts");
    /// assert_eq!(ByLevel::HealthBoard.describe_in(&of('S')), "health boards");
    /// assert_eq!(ByLevel::HealthBoard.describe_in(&study.areas), "health boards and HSC trusts");
    /// ```
    pub fn describe_in(self, areas: &[crate::model::Area]) -> &'static str {
        use crate::model::Nation;
        if self != ByLevel::HealthBoard {
            return self.describe();
        }
        let has = |n: Nation| {
            areas
                .iter()
                .any(|a| a.nation == n && self.of(&a.keys).is_some())
        };
        let boards = has(Nation::Scotland) || has(Nation::Wales);
        match (boards, has(Nation::NorthernIreland)) {
            (true, false) => "health boards",
            (false, true) => "HSC trusts",
            _ => self.describe(),
        }
    }

    /// Every geography at this level a district with `keys` lies in, wholly or partly: a
    /// district split between ICBs lies in each of its ICBs.
    fn all_of(self, keys: &crate::model::RollupKeys) -> Vec<&Geography> {
        match self {
            ByLevel::Icb => keys.all_icbs(),
            _ => self.of(keys).into_iter().collect(),
        }
    }

    fn of(self, keys: &crate::model::RollupKeys) -> Option<&Geography> {
        match self {
            ByLevel::Icb => keys.icb.as_ref(),
            ByLevel::HealthBoard => keys.health_board.as_ref(),
            ByLevel::Region => keys.region.as_ref(),
        }
    }

    /// The geographies at this level a demand point of `babies` in an area with `keys` lies
    /// in, each with its part of them: one, or, for a district split between ICBs, each ICB
    /// it lies partly in ([`crate::icb`]). A small area (`small_area` its code) of such a
    /// district is in the ICB `data/icb_small_areas.csv` gives it, or, when its code is not
    /// there, shared out as the district is.
    fn parts<'k>(
        self,
        keys: &'k crate::model::RollupKeys,
        babies: u64,
        small_area: Option<&str>,
    ) -> Vec<(&'k Geography, u64)> {
        if self != ByLevel::Icb {
            return self.of(keys).map(|g| (g, babies)).into_iter().collect();
        }
        match small_area {
            Some(code) => keys.small_area_icbs(babies, code),
            None => keys.icbs(babies),
        }
    }

    /// Fails, saying why, when no area has a geography at this level, so that `--by` has
    /// nothing to answer: an area's ICB, health board or region comes from the built-in lookup
    /// of current ONS district codes, and only some nations have each level. Without this,
    /// the answer would read "0 of 0 have no team", as if every one had a team. Fails too when
    /// the areas are themselves of this geography (each is its own group, and `run` and
    /// `plan --add` answer).
    ///
    /// # Examples
    /// ```
    /// use covgap::plan::ByLevel;
    /// let study = covgap::load::load(&Default::default(), &mut Default::default()).unwrap();
    /// assert!(ByLevel::Icb.check_areas(&study.areas).is_ok());
    /// let welsh: Vec<_> = study.areas.into_iter().filter(|a| a.code.starts_with('W')).collect();
    /// let e = ByLevel::Icb.check_areas(&welsh).unwrap_err().to_string();
    /// assert!(e.contains("all 22 are districts of a nation with no Integrated Care Boards"), "{e}");
    /// ```
    pub fn check_areas(self, areas: &[crate::model::Area]) -> Result<()> {
        use crate::model::Nation;
        // An area's geography with its article, without, in the plural, and where it exists.
        let (one, noun, none, nations) = match self {
            ByLevel::Icb => (
                "an Integrated Care Board",
                "Integrated Care Board",
                "Integrated Care Boards",
                "England only (codes starting E)",
            ),
            ByLevel::HealthBoard => (
                "a health board or HSC trust",
                "health board or HSC trust",
                "health boards or HSC trusts",
                "Scotland, Wales and Northern Ireland only (codes starting S, W or N)",
            ),
            ByLevel::Region => (
                "an English region",
                "English region",
                "English regions",
                "England only (codes starting E)",
            ),
        };
        // Boundaries of the geography itself (the five HSC trusts, the 42 ICBs): each area
        // is its own, and the plan to give each one a team is `--add` among them.
        let own_code = |c: &str| match self {
            ByLevel::Icb => c.starts_with("E54"),
            ByLevel::HealthBoard => {
                c.starts_with("S08") || c.starts_with("W11") || c.ends_with("HSCT")
            }
            ByLevel::Region => c.starts_with("E12"),
        };
        if !areas.is_empty() && areas.iter().all(|a| own_code(&a.code)) {
            return Err(Error::Plan(format!(
                "--by {}: the areas are themselves {none} ({}), so each is its own and --by has nothing to group: `covgap run` lists those with no team (gaps.csv), and `covgap plan --add N` without --by chooses where N new teams would reach the most babies among them",
                self.key().replace('_', "-"),
                crate::write::first_of(areas.iter().map(|a| a.code.as_str()), 3),
            )));
        }
        // Areas given of another geography have this one when they lie in it (an ICB its
        // region), as districts have theirs; one an area given lies across the border of is
        // not asked about ([`by_geography`]).
        let across = crate::load::lying_across(areas, |k| self.all_of(k));
        if areas
            .iter()
            .filter_map(|a| self.of(&a.keys))
            .any(|g| !across.iter().any(|x| x.code == g.code))
        {
            return Ok(());
        }
        if !across.is_empty() {
            return Err(Error::Plan(format!(
                "--by {}: an area given lies across the border of each {noun} the areas lie in ({}), partly in it and partly outside, so whether it has a team, and its babies, cannot be told from the areas, and there is nothing to plan by: give boundaries that lie within the {none} (the built-in districts, say), or leave out --by",
                self.key().replace('_', "-"),
                crate::write::first_of(across.iter().map(|g| format!("{} ({})", g.name, g.code)), 3),
            )));
        }
        let has = |n: Nation| match self {
            ByLevel::Icb | ByLevel::Region => n == Nation::England,
            ByLevel::HealthBoard => n != Nation::England && n != Nation::Unknown,
        };
        // An area the lookup knows has some geography; one it does not has none.
        let unknown: Vec<&str> = areas
            .iter()
            .filter(|a| a.keys == crate::model::RollupKeys::default())
            .map(|a| a.code.as_str())
            .collect();
        // Districts of another nation, and areas of another geography lying in one (health
        // boards, with --by region), which are not districts.
        let (districts_elsewhere, others_elsewhere) = areas
            .iter()
            .filter(|a| a.keys != crate::model::RollupKeys::default() && !has(a.nation))
            .fold((0, 0), |(d, o), a| {
                if crate::load::is_builtin_district(&a.code) {
                    (d + 1, o)
                } else {
                    (d, o + 1)
                }
            });
        let count = |n: usize| {
            if n == areas.len() && n > 1 {
                format!("all {n}")
            } else {
                n.to_string()
            }
        };
        let mut why = Vec::new();
        if !unknown.is_empty() {
            why.push(format!(
                "{} have codes that are not current ONS district codes ({})",
                count(unknown.len()),
                crate::write::first_of(unknown.iter(), 3),
            ));
        }
        if districts_elsewhere > 0 {
            why.push(format!(
                "{} are districts of a nation with no {none}",
                count(districts_elsewhere)
            ));
        }
        if others_elsewhere > 0 {
            why.push(format!(
                "{} lie in a nation with no {none}",
                count(others_elsewhere)
            ));
        }
        Err(Error::Plan(format!(
            "--by {}: no area in the boundaries has {one}, so there is nothing to plan by (an answer would read \"0 of 0 have no team\"). covgap finds each area's {noun} in its built-in lookup of current ONS district codes, and there are {none} in {nations}. Of the {} {}, {}. Give boundaries coded by current ONS district codes (LAD24CD) in a nation that has them, or leave out --by",
            self.key().replace('_', "-"),
            areas.len(),
            crate::write::plural(areas.len(), "area", "areas"),
            why.join(", and "),
        )))
    }
}

/// Warns of a candidates list (`label`) that lists one place twice under two names: two rows
/// based at the same point and naming the same areas, if any, or with no base and naming the
/// same areas (`areas` are the study's, to name them). Such rows cover the same demand under
/// either model, so
/// the solvers take them as one site: once one is placed the other adds nothing, greedy and
/// the swaps never add it, and the exact solve's reduction drops it. Each later row is
/// warned of, naming the first.
pub fn warn_repeated_sites(
    label: &str,
    sites: &[Team],
    areas: &[crate::model::Area],
    diag: &mut crate::error::Diagnostics,
) {
    type Key = (Option<(u64, u64)>, Vec<usize>);
    let mut first: HashMap<Key, &Team> = HashMap::new();
    for t in sites {
        let mut served = t.areas_served.clone();
        served.sort_unstable();
        served.dedup();
        let at = t.base.as_ref().map(|b| (b.at.bng.x(), b.at.bng.y()));
        if at.is_none() && served.is_empty() {
            continue;
        }
        let key = (at.map(|(x, y)| (x.to_bits(), y.to_bits())), served);
        let Some(earlier) = first.get(&key) else {
            first.insert(key, t);
            continue;
        };
        let why = match (&earlier.base, &t.base) {
            (Some(a), Some(b)) => {
                let place = if a.given == b.given {
                    a.given.clone()
                } else {
                    format!("{} and {}, the same point", a.given, b.given)
                };
                let named = if key.1.is_empty() {
                    ""
                } else {
                    " and serve the same areas"
                };
                format!("both are based at {place}{named}")
            }
            _ => format!(
                "neither has a base, and both serve {}",
                crate::write::first_of(
                    key.1
                        .iter()
                        .map(|&i| format!("{} ({})", areas[i].name, areas[i].code)),
                    10
                )
            ),
        };
        diag.warn(
            label,
            Some(crate::error::Place::Line(t.line)),
            format!(
                "{}: the same site as line {} ({}): {why}, so the two cover the same babies and the plan takes them as one site: once one is placed the other adds nothing, so no plan places both; remove one row, or correct the base or areas of the one that is wrong",
                t.name, earlier.line, earlier.name
            ),
        );
    }
}

/// Warns of sites of a `--candidates` or `--what-if` list named as a counted team of the
/// study's team list (names compared as [`crate::read::teams::team_key`] compares them): the
/// team list given as candidates, or a team in development that has since joined the list.
/// Each site is still read, as a new team beside the one of that name. A few are warned of
/// by line; more, in one warning listing them, so that a whole list given by mistake does not
/// bury the other messages. Teams not counted (closed, say) are not matched: a site where one
/// was is a fair candidate.
pub fn warn_sites_named_as_teams(
    label: &str,
    sites: &[crate::model::Team],
    study: &crate::model::Study,
    candidates: bool,
    diag: &mut crate::error::Diagnostics,
) {
    use crate::read::teams::team_key;
    let mut listed: HashMap<String, u64> = HashMap::new();
    let counted = study
        .teams
        .iter()
        .filter(|t| t.counted)
        .map(|t| (&t.name, t.line))
        .chain(
            study
                .beyond
                .iter()
                .filter(|t| t.counted)
                .map(|t| (&t.name, t.line)),
        );
    for (name, line) in counted {
        listed.entry(team_key(name)).or_insert(line);
    }
    let named: Vec<(&crate::model::Team, u64)> = sites
        .iter()
        .filter_map(|s| listed.get(&team_key(&s.name)).map(|&line| (s, line)))
        .collect();
    let what = if candidates {
        "planned as a new team beside it: is the team list given as candidates?"
    } else {
        "counted as another team beside it: has it joined the team list since?"
    };
    const BY_LINE: usize = 5;
    if named.len() <= BY_LINE {
        for (site, line) in named {
            diag.warn(
                label,
                Some(crate::error::Place::Line(site.line)),
                format!(
                    "{}: the team list has a counted team of that name (line {line}); {what}",
                    site.name
                ),
            );
        }
    } else {
        let n = named.len();
        diag.warn(
            label,
            None,
            format!(
                "{n} of its {} sites are named as counted teams of the team list ({}); each is {what}",
                sites.len(),
                crate::write::first_of_joined(
                    named.iter().map(|(s, _)| format!("line {}: {}", s.line, s.name)),
                    BY_LINE,
                    "; "
                )
            ),
        );
    }
}

/// What to plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// New sites to choose (0: only `by`).
    pub add: usize,
    pub model: Model,
    pub rank_by: RankBy,
    pub by: Option<ByLevel>,
    pub limits: Limits,
    /// Where the candidate sites came from, for reports; `None` for the default (every
    /// district without a team).
    pub candidates_source: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            add: 0,
            model: Model::District,
            rank_by: RankBy::Births,
            by: None,
            limits: Limits::default(),
            candidates_source: None,
        }
    }
}

/// Babies covered before any new site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Baseline {
    /// The total of the figure over every demand point: the UK total of the district
    /// figure, or the total of the small-area figures when small areas are the demand.
    pub total: u64,
    /// Covered by the existing (counted) teams under the coverage model.
    pub existing: u64,
    /// Covered once the what-if teams are added too (equal to `existing` with none).
    pub with_what_if: u64,
    pub what_if_teams: usize,
}

/// One row of the curve: the n-th site and what it adds.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub n: usize,
    /// Candidate index.
    pub site: usize,
    pub babies_new: u64,
    pub weight_new: f64,
    /// Babies covered in all, existing and what-if teams included.
    /// (Shares are worked out from this where they are written: see
    /// [`crate::write::percent_text`].)
    pub babies_cumulative: u64,
    /// Demand points newly covered.
    pub newly: Vec<usize>,
}

/// A geography with no team, and the site the minimum cover gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct GeographyGap {
    pub geography: Geography,
    pub districts: usize,
    pub babies: u64,
    /// Candidate index of the chosen site that gives it a team; `None` when no candidate can.
    pub site: Option<usize>,
}

/// The answer to `--by`.
#[derive(Debug, Clone, PartialEq)]
pub struct GeographyPlan {
    pub level: ByLevel,
    /// The geographies' name in the plural, for reports ([`ByLevel::describe_in`]).
    pub words: &'static str,
    /// Geographies at this level with at least one demand point (every geography with a
    /// district in the study when demand is districts).
    pub total: usize,
    /// Geographies with districts in the study but no demand point (no small area with a
    /// figure), left out of the question.
    pub without_demand: usize,
    /// Geographies an area given of another geography lies across the border of (an ICB in
    /// two regions, a county in two ICBs; [`crate::load::lying_across`]), left out of the
    /// question, in code order: whether one has a team, and its babies, cannot be told from
    /// the areas.
    pub across: Vec<Geography>,
    /// Those with no team, largest figure first.
    pub gaps: Vec<GeographyGap>,
    /// Candidate indices in the minimum cover.
    pub sites: Vec<usize>,
    pub status: Status,
    pub seconds: f64,
}

/// A finished plan.
#[derive(Debug, Clone)]
pub struct Plan {
    pub instance: Instance,
    pub options: Options,
    pub baseline: Baseline,
    /// Demand points after merging those covered by the same candidate sites (the rows
    /// the solvers see; see [`instance::MaxCover::aggregated`]).
    pub demand_groups: usize,
    /// The deprivation table the shares came from, when one was given.
    pub deprivation_source: Option<String>,
    /// Whether that table is the built-in one (`data/deprivation.csv`) and holds some area
    /// given, whose shares `plan.csv` and `plan.geojson` then give, so that `plan.md` and
    /// `summary.md` credit the indices it is made from
    /// ([`crate::write::DEPRIVATION_ATTRIBUTION`]).
    pub deprivation_built_in: bool,
    pub greedy: Selection,
    pub greedy_seconds: f64,
    /// The greedy plan improved by single swaps ([`greedy::interchange`]).
    pub swapped: Selection,
    pub swapped_seconds: f64,
    /// The exact plan, holding only sites that add something (see [`greedy::adding`]); its
    /// value is the solver's.
    pub exact: Exact,
    pub geographies: Option<GeographyPlan>,
    /// The optimum for every n = 1..N, solved separately (the best any n new sites can do);
    /// empty when the solve at N was not proven optimal or took over [`CURVE_SECONDS`].
    pub optimum_by_n: Vec<Optimum>,
}

/// The best any n new sites can do.
#[derive(Debug, Clone, PartialEq)]
pub struct Optimum {
    pub n: usize,
    pub value: f64,
    /// Babies covered in all (existing and what-if teams included).
    pub babies_cumulative: u64,
    pub proven: bool,
}

/// The exact curve (one solve per n) is computed when the solve at N took less than this.
pub const CURVE_SECONDS: f64 = 2.0;

/// Plans new sites for `study`: its counted teams, plus `what_if`, stay fixed; `candidates`
/// (or every district without a team; with areas smaller than districts as boundaries, a
/// team in each built-in district holding one: see [`Instance::build`]) are the possible new
/// sites. The demand points are `small`'s small areas when given (placed by
/// [`crate::small_areas::place`], which also moved each district's point to their weighted
/// centroid), else the districts. `need` is required for `RankBy::Need`, and gives the
/// deprivation share reported per site.
pub fn plan(
    study: &Study,
    small: Option<&SmallAreas>,
    what_if: &[Team],
    candidates: Option<&[Team]>,
    need: Option<&DeprivationTable>,
    options: &Options,
) -> Result<Plan> {
    if let Some(level) = options.by {
        level.check_areas(&study.areas)?;
    }
    let mut existing: Vec<Team> = study.teams.iter().filter(|t| t.counted).cloned().collect();
    // Under a radius, a counted team based outside the boundaries given reaches the areas
    // within it of its base, as it would with the whole UK given.
    if let Model::Radius(_) = options.model {
        existing.extend(
            study
                .beyond
                .iter()
                .filter(|b| b.counted && b.base.is_some())
                .map(TeamBeyond::as_team),
        );
    }
    let mut fixed = existing.clone();
    fixed.extend(what_if.iter().cloned());
    let demand = DemandPoints::of(study, small, options.rank_by, need)?;
    let instance = Instance::build(
        study,
        &demand,
        &fixed,
        candidates,
        options.model,
        options.add,
    );
    let existing_only = Instance::build(study, &demand, &existing, Some(&[]), options.model, 0);
    let babies = |covered: &[bool]| -> u64 {
        instance
            .demand
            .iter()
            .zip(covered)
            .filter(|(_, c)| **c)
            .map(|(d, _)| d.babies)
            .sum()
    };
    let baseline = Baseline {
        total: instance.demand.iter().map(|d| d.babies).sum(),
        existing: babies(&existing_only.covered_by_fixed()),
        with_what_if: babies(&instance.covered_by_fixed()),
        what_if_teams: what_if.len(),
    };
    let problem = instance.max_cover();
    let demand_groups = problem.weights.len();
    // No plan has more new sites than there are candidates, so the solves (and the curve,
    // one solve per n) go no further than that, whatever N is asked for; the outputs still
    // compare N with the sites chosen and say when more would add nothing. At least one when
    // any is asked for, so that a plan with no candidate reads as before.
    let k = options.add.min(instance.candidates.len().max(1));
    let started = Instant::now();
    let g = greedy::greedy(&problem, k);
    let greedy_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    // Swaps can leave a site adding nothing once everything in reach is covered; it is no
    // part of the plan.
    let swapped = greedy::without_idle(greedy::interchange(&problem, &g.sites));
    let swapped_seconds = started.elapsed().as_secs_f64();
    let ex = if k == 0 {
        Exact {
            status: Status::Optimal,
            sites: Vec::new(),
            value: 0.0,
            seconds: 0.0,
            reduced_sites: 0,
            reduced_demand: 0,
        }
    } else {
        // The better heuristic plan seeds the search. When fewer than k sites cover all the
        // candidates reach, the solver may open sites that add nothing (any set holding the
        // covering ones is optimal); they are left out, as greedy leaves them, so every plan
        // reports the sites that add something.
        let mut ex = exact::max_cover(&problem, k, &swapped.sites, &options.limits);
        ex.sites = greedy::adding(&problem, &ex.sites);
        ex
    };
    let optimum_by_n = if ex.status == Status::Optimal && k > 0 && ex.seconds < CURVE_SECONDS {
        let covered = instance.covered_by_fixed();
        // The solves are independent: run them on every core, collected in order of n.
        (1..=k)
            .into_par_iter()
            .map(|n| {
                let prefix = &swapped.sites[..n.min(swapped.sites.len())];
                let e = if n == k {
                    ex.clone()
                } else {
                    exact::max_cover(&problem, n, prefix, &options.limits)
                };
                let mut c = covered.clone();
                for &j in &e.sites {
                    for &d in &instance.candidates[j].covers {
                        c[d] = true;
                    }
                }
                let babies: u64 = instance
                    .demand
                    .iter()
                    .zip(&c)
                    .filter(|(_, c)| **c)
                    .map(|(d, _)| d.babies)
                    .sum();
                Optimum {
                    n,
                    value: e.value,
                    babies_cumulative: babies,
                    proven: e.status == Status::Optimal,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let geographies = options
        .by
        .map(|level| by_geography(study, &instance, level, &options.limits));
    // Credited only when a share was looked up: the built-in table holds districts, so with
    // areas of codes of the user's own every site's share is blank. An area smaller than a
    // district takes the share of the district it lies in.
    let deprivation_built_in =
        need.is_some_and(|t| t.built_in) && instance.demand.iter().any(|d| d.deprivation.is_some());
    Ok(Plan {
        instance,
        options: options.clone(),
        baseline,
        demand_groups,
        deprivation_source: need.map(|t| t.source.clone()),
        deprivation_built_in,
        greedy: g,
        greedy_seconds,
        swapped,
        swapped_seconds,
        exact: ex,
        geographies,
        optimum_by_n,
    })
}

impl Plan {
    /// The greedy curve: sites in the order chosen.
    pub fn greedy_steps(&self) -> Vec<Step> {
        self.steps(&self.greedy.sites)
    }

    /// The greedy-plus-swaps plan, in greedy order with each swapped-in site in the place of
    /// the one it replaced.
    pub fn swapped_steps(&self) -> Vec<Step> {
        self.steps(&self.swapped.sites)
    }

    /// The exact plan as a curve: its sites ordered greedily among themselves, so each row
    /// adds the most of what is left (the total after the last row is the optimum).
    pub fn exact_steps(&self) -> Vec<Step> {
        let p = self.instance.max_cover();
        let sub = instance::MaxCover {
            weights: p.weights.clone(),
            sets: self
                .exact
                .sites
                .iter()
                .map(|&j| p.sets[j].clone())
                .collect(),
        };
        // Every site of the exact plan adds something (see [`greedy::adding`]), so greedy
        // orders them all.
        let order = greedy::greedy(&sub, self.exact.sites.len());
        let sites: Vec<usize> = order.sites.iter().map(|&k| self.exact.sites[k]).collect();
        self.steps(&sites)
    }

    fn steps(&self, sites: &[usize]) -> Vec<Step> {
        let inst = &self.instance;
        let mut covered = inst.covered_by_fixed();
        let mut cumulative = self.baseline.with_what_if;
        sites
            .iter()
            .enumerate()
            .map(|(i, &s)| {
                let newly: Vec<usize> = inst.candidates[s]
                    .covers
                    .iter()
                    .copied()
                    .filter(|&d| !covered[d])
                    .collect();
                for &d in &newly {
                    covered[d] = true;
                }
                let babies_new: u64 = newly.iter().map(|&d| inst.demand[d].babies).sum();
                cumulative += babies_new;
                Step {
                    n: i + 1,
                    site: s,
                    babies_new,
                    weight_new: newly.iter().map(|&d| inst.demand[d].weight).sum(),
                    babies_cumulative: cumulative,
                    newly,
                }
            })
            .collect()
    }

    /// New sites placed by each method that has a plan: greedy, greedy then swaps, and exact
    /// unless the exact solve was not done. Each counts only sites that add something, so it
    /// can be fewer than N.
    pub fn placed(&self) -> Vec<(&'static str, usize)> {
        let mut v = vec![
            ("greedy", self.greedy.sites.len()),
            ("greedy then swaps", self.swapped.sites.len()),
        ];
        if !matches!(self.exact.status, Status::TooLarge(_) | Status::Failed(_)) {
            v.push(("exact", self.exact.sites.len()));
        }
        v
    }

    /// When some method placed fewer new sites than N: how many each placed, in words ("8",
    /// or "greedy 8, greedy then swaps 8, exact 9" when they differ), and why fewer.
    /// `None` when every method placed N (or N is 0).
    ///
    /// # Examples
    /// ```
    /// use covgap::plan::{self, Options};
    /// let study = covgap::load::load(&Default::default(), &mut Default::default()).unwrap();
    /// let p = plan::plan(&study, None, &[], None, None, &Options { add: 3, ..Options::default() }).unwrap();
    /// assert_eq!(p.fewer_than_asked(), None);
    /// ```
    pub fn fewer_than_asked(&self) -> Option<(String, String)> {
        let asked = self.options.add;
        let placed = self.placed();
        if asked == 0 || placed.iter().all(|&(_, n)| n == asked) {
            return None;
        }
        let counts = if placed.windows(2).all(|w| w[0].1 == w[1].1) {
            placed[0].1.to_string()
        } else {
            placed
                .iter()
                .map(|(m, n)| format!("{m} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let c = self.instance.candidates.len();
        let possible = asked.min(c);
        let p = self.instance.max_cover();
        let all: Vec<usize> = (0..c).collect();
        let reachable = p.value(&all);
        let reaches_all = |v: f64| v >= reachable - 1e-9 * reachable.max(1.0);
        let values = [self.greedy.value, self.swapped.value, self.exact.value];
        // The fewest sites of a plan that covers all the candidates reach.
        let covering = placed
            .iter()
            .zip(values)
            .filter(|(_, v)| reaches_all(*v))
            .map(|(&(_, n), _)| n)
            .min();
        let mut why = Vec::new();
        if c == 0 {
            why.push("there is no candidate site".to_string());
        } else if c < asked {
            why.push(format!(
                "there {} only {c} candidate {}",
                crate::write::plural(c, "is", "are"),
                crate::write::plural(c, "site", "sites"),
            ));
        }
        let kept = if self.baseline.what_if_teams > 0 {
            "the existing and what-if teams"
        } else {
            "the existing teams"
        };
        match covering {
            // Nothing is left in the candidates' reach: "0 sites cover every demand point
            // the candidates can reach" said it backwards.
            Some(0) if c > 0 => why.push(format!(
                "{kept} already cover every demand point the candidates can reach, so a new site would add nothing"
            )),
            Some(n) if n < possible && c < asked => why.push(format!(
                "{n} of them {} every demand point the candidates can reach, so the others would add nothing",
                crate::write::plural(n, "covers", "cover"),
            )),
            Some(n) if n < possible => why.push(format!(
                "{n} {} every demand point the candidates can reach, so more would add nothing",
                crate::write::plural(n, "site covers", "sites cover"),
            )),
            _ => {}
        }
        if self.exact.sites.len() < possible
            && self.exact.status == Status::TimeLimit
            && !reaches_all(self.exact.value)
        {
            why.push(format!(
                "the exact solve stopped at its time limit with {} {} something",
                self.exact.sites.len(),
                crate::write::plural(self.exact.sites.len(), "site that adds", "sites that add"),
            ));
        }
        Some((counts, why.join(", and ")))
    }

    /// Whether the exact solve was done, not skipped for too many sites nor failed: only then
    /// is greedy's gap to the optimum known, and the exact plan the one to quote.
    ///
    /// # Examples
    /// ```
    /// use covgap::plan::{self, exact::Limits, Options};
    /// let study = covgap::load::load(&Default::default(), &mut Default::default()).unwrap();
    /// let p = plan::plan(&study, None, &[], None, None, &Options { add: 3, ..Options::default() }).unwrap();
    /// assert!(p.exact_solved());
    /// let limits = Limits { max_candidates: 0, ..Limits::default() };
    /// let p = plan::plan(&study, None, &[], None, None, &Options { add: 3, limits, ..Options::default() }).unwrap();
    /// assert!(!p.exact_solved());
    /// ```
    pub fn exact_solved(&self) -> bool {
        !matches!(self.exact.status, Status::TooLarge(_) | Status::Failed(_))
    }

    /// Exact minus greedy, in weight and as a share of the exact value (per cent).
    pub fn gap(&self) -> (f64, f64) {
        self.gap_of(self.greedy.value)
    }

    /// Exact minus `value`, in weight and as a share of the exact value (per cent).
    pub fn gap_of(&self, value: f64) -> (f64, f64) {
        let d = self.exact.value - value;
        let pct = if self.exact.value > 0.0 {
            d * 100.0 / self.exact.value
        } else {
            0.0
        };
        (d, pct)
    }

    /// Exact minus `value` as a share (per cent) of everything the exact plan leaves covered,
    /// fixed sites included: the shortfall on the plan's "% covered in all" rather than on
    /// its gain.
    pub fn gap_of_all(&self, value: f64) -> f64 {
        let all = self.instance.fixed_value() + self.exact.value;
        if all > 0.0 {
            (self.exact.value - value) * 100.0 / all
        } else {
            0.0
        }
    }
}

/// Which geographies at `level` have no team, and the fewest candidate sites that would give
/// every one of them a team. A geography has a team when any of its demand points (its
/// districts, or its small areas) is covered by a fixed site; a site gives a team to every
/// geography holding a demand point it covers. A district split between ICBs is a demand
/// point of each ICB it lies partly in (its babies shared out between them; a small area of
/// it lies in one ICB), so a team covering it gives each of them a team ([`crate::icb`]).
/// With boundaries for part of the UK, the geographies asked about are those holding most of
/// some area given (its primary ICB), not those it only lies partly in.
/// Geographies with no demand point (no small area with a figure) cannot be judged this way
/// and are left out, counted. So are those an area given of another geography lies across
/// the border of (an ICB in two regions, a county in two ICBs), named: such an area is in
/// neither's group, so a group would miss its babies, and its team, which may lie on either
/// side ([`crate::load::lying_across`]).
pub fn by_geography(
    study: &Study,
    instance: &Instance,
    level: ByLevel,
    limits: &Limits,
) -> GeographyPlan {
    let started = Instant::now();
    let covered = instance.covered_by_fixed();
    // Districts, babies and whether covered, per geography.
    // A district split between ICBs counts in each ICB it lies partly in.
    let mut acc: BTreeMap<String, (Geography, usize, u64, bool)> = BTreeMap::new();
    let mut district_keys: HashMap<&str, &crate::model::RollupKeys> = HashMap::new();
    for a in &study.areas {
        for (g, _) in level.parts(&a.keys, 0, None) {
            acc.entry(g.code.clone())
                .or_insert_with(|| (g.clone(), 0, 0, false))
                .1 += 1;
        }
        district_keys.insert(a.code.as_str(), &a.keys);
    }
    // For part of the UK, the geographies holding most of some area given: Oxfordshire's
    // districts ask about Buckinghamshire, Oxfordshire and Berkshire West's ICB, not also Bath
    // and North East Somerset, Swindon and Wiltshire's, which holds a corner of Vale of White
    // Horse. A team in that corner still gives its ICBs a team.
    if !study.whole_uk {
        let primary: std::collections::HashSet<&str> = study
            .areas
            .iter()
            .filter_map(|a| level.of(&a.keys))
            .map(|g| g.code.as_str())
            .collect();
        acc.retain(|code, _| primary.contains(code.as_str()));
    }
    // Areas given of another geography lying across a border: the geographies on either
    // side are not asked about, as the areas lying wholly in one are not all of it that is
    // given (the South West's ICBs without Bath and North East Somerset, Swindon and
    // Wiltshire's, which has a team).
    let across = crate::load::lying_across(&study.areas, |k| level.all_of(k));
    acc.retain(|code, _| !across.iter().any(|g| g.code == *code));
    let mut with_demand: std::collections::BTreeSet<String> = Default::default();
    // The geographies each demand point lies in (several for a district split between ICBs).
    let geo_of: Vec<Vec<String>> = instance
        .demand
        .iter()
        .enumerate()
        .map(|(d, p)| {
            let Some(keys) = district_keys.get(p.district_code()) else {
                return Vec::new();
            };
            let small_area = p.district.is_some().then_some(p.code.as_str());
            let mut codes = Vec::new();
            for (g, babies) in level.parts(keys, p.babies, small_area) {
                let Some(e) = acc.get_mut(&g.code) else {
                    continue;
                };
                e.2 += babies;
                e.3 |= covered[d];
                with_demand.insert(g.code.clone());
                codes.push(g.code.clone());
            }
            codes
        })
        .collect();
    let without_demand = acc.len() - with_demand.len();
    acc.retain(|k, _| with_demand.contains(k));
    let total = acc.len();
    let without: Vec<String> = acc
        .iter()
        .filter(|(_, v)| !v.3)
        .map(|(k, _)| k.clone())
        .collect();
    let index: HashMap<&str, usize> = without
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let sets: Vec<Vec<usize>> = instance
        .candidates
        .iter()
        .map(|c| {
            let mut v: Vec<usize> = c
                .covers
                .iter()
                .flat_map(|&d| {
                    geo_of[d]
                        .iter()
                        .filter_map(|g| index.get(g.as_str()).copied())
                })
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    // Among covers of the same size, prefer sites that newly cover more babies.
    let p = instance.max_cover();
    let own: Vec<f64> = (0..sets.len()).map(|j| p.value(&[j])).collect();
    let top = own.iter().copied().fold(0.0, f64::max);
    let prefer: Vec<f64> = own
        .iter()
        .map(|v| if top > 0.0 { v / top } else { 0.0 })
        .collect();
    let (mut sites, status) = exact::set_cover(without.len(), &sets, &prefer, limits);
    sites.sort_by(|&a, &b| own[b].total_cmp(&own[a]).then(a.cmp(&b)));
    let mut gaps: Vec<GeographyGap> = without
        .iter()
        .enumerate()
        .map(|(gi, code)| {
            let (g, districts, babies, _) = &acc[code];
            GeographyGap {
                geography: g.clone(),
                districts: *districts,
                babies: *babies,
                site: sites.iter().copied().find(|&j| sets[j].contains(&gi)),
            }
        })
        .collect();
    gaps.sort_by(|a, b| {
        b.babies
            .cmp(&a.babies)
            .then(a.geography.code.cmp(&b.geography.code))
    });
    GeographyPlan {
        level,
        words: level.describe_in(&study.areas),
        total,
        without_demand,
        across,
        gaps,
        sites,
        status,
        seconds: started.elapsed().as_secs_f64(),
    }
}
