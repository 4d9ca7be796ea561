//! Exact answers by integer programming (good_lp with the pure-Rust microlp solver):
//! the maximal covering location problem (Church and ReVelle 1974) for `--add N`, and the
//! set cover behind `--by`.
//!
//! The covering model, for demand weights w_i, candidate sites j and N new sites:
//! maximise sum w_i y_i subject to y_i <= sum of x_j over the sites j that cover i,
//! sum x_j <= N, x_j in {0, 1}, 0 <= y_i <= 1. Before solving, the instance is reduced
//! without changing its optimum: demand no site reaches and sites that reach nothing are
//! dropped, a site whose coverage is contained in another's is dropped (the other is at least
//! as good in any plan), and demand points covered by exactly the same sites are merged.

use std::collections::HashMap;
use std::time::Instant;

use good_lp::{
    constraint, microlp, variable, Expression, ProblemVariables, Solution, SolutionStatus,
    SolverModel, Variable, WithInitialSolution, WithTimeLimit,
};

use crate::plan::instance::MaxCover;

/// Limits that keep the exact solve from running on without end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Seconds the solver may take; more than [`NO_LIMIT_BEYOND_SECONDS`] (or NaN) means no
    /// limit, and less than 0 is 0.
    pub seconds: f64,
    /// The most candidate sites (after reduction) the exact solve is tried on.
    pub max_candidates: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            seconds: 60.0,
            max_candidates: 2_000,
        }
    }
}

/// A time limit longer than this (about 32 years) is no practical limit, and the solver is
/// given none: the solver's clock cannot count to much larger ones (1e19 seconds overflows it).
pub const NO_LIMIT_BEYOND_SECONDS: f64 = 1e9;

/// Hands `limits.seconds` to the solver as its time limit, or no limit when it is too long to
/// matter (see [`Limits::seconds`]).
fn time_limited<M: WithTimeLimit>(model: M, limits: &Limits) -> M {
    let s = limits.seconds;
    if s.is_nan() || s > NO_LIMIT_BEYOND_SECONDS {
        model
    } else {
        model.with_time_limit(s.max(0.0))
    }
}

/// How the exact solve ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Proven optimal.
    Optimal,
    /// The time limit was reached; `sites` is the best plan found, not proven optimal.
    TimeLimit,
    /// Not tried: too many candidate sites after reduction (the count is given).
    TooLarge(usize),
    /// The solver failed (the message is given); `sites` is empty.
    Failed(String),
}

impl Status {
    /// Words for reports.
    pub fn describe(&self, limits: &Limits) -> String {
        match self {
            Status::Optimal => "proven optimal".into(),
            Status::TimeLimit => format!(
                "best found in the {} s limit, not proven optimal",
                limits.seconds
            ),
            Status::TooLarge(n) => format!(
                "not solved: {n} candidate sites after reduction, more than the {} the exact solve is tried on",
                limits.max_candidates
            ),
            Status::Failed(m) => format!("not solved: the solver failed ({m})"),
        }
    }
}

/// An exact (or best-found) plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Exact {
    pub status: Status,
    /// Candidate indices chosen, in index order.
    pub sites: Vec<usize>,
    /// Weight they cover.
    pub value: f64,
    pub seconds: f64,
    /// Candidate sites and demand points left after reduction.
    pub reduced_sites: usize,
    pub reduced_demand: usize,
}

/// The instance after reduction.
struct Reduced {
    /// Original candidate index of each kept site.
    sites: Vec<usize>,
    /// For every original site, the kept site (reduced index) that is at least as good.
    rep: Vec<Option<usize>>,
    /// Merged demand: weight and the kept sites (reduced indices) covering it.
    demand: Vec<(f64, Vec<usize>)>,
}

fn reduce(p: &MaxCover) -> Reduced {
    let live = |d: usize| p.weights[d] > 0.0;
    let sets: Vec<Vec<usize>> = p
        .sets
        .iter()
        .map(|s| {
            let mut v: Vec<usize> = s.iter().copied().filter(|&d| live(d)).collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    // Larger sets first, so a site is only ever dropped for one already kept.
    let mut order: Vec<usize> = (0..sets.len()).filter(|&j| !sets[j].is_empty()).collect();
    order.sort_by(|&a, &b| sets[b].len().cmp(&sets[a].len()).then(a.cmp(&b)));
    let mut kept: Vec<usize> = Vec::new();
    let mut rep = vec![None; sets.len()];
    let mut member: Vec<Vec<usize>> = vec![Vec::new(); p.weights.len()];
    for &j in &order {
        // Kept sites that contain all of j: intersect the kept coverers of j's demand.
        let mut candidates: Option<Vec<usize>> = None;
        for &d in &sets[j] {
            let here = &member[d];
            candidates = Some(match candidates {
                None => here.clone(),
                Some(c) => c.into_iter().filter(|k| here.contains(k)).collect(),
            });
            if candidates.as_ref().is_some_and(|c| c.is_empty()) {
                break;
            }
        }
        match candidates.and_then(|c| c.into_iter().min()) {
            Some(k) => rep[j] = Some(k),
            None => {
                let k = kept.len();
                kept.push(j);
                rep[j] = Some(k);
                for &d in &sets[j] {
                    member[d].push(k);
                }
            }
        }
    }
    let mut merged: HashMap<Vec<usize>, f64> = HashMap::new();
    for (d, m) in member.into_iter().enumerate() {
        if !m.is_empty() {
            let mut m = m;
            m.sort_unstable();
            *merged.entry(m).or_insert(0.0) += p.weights[d];
        }
    }
    let mut demand: Vec<(f64, Vec<usize>)> = merged.into_iter().map(|(m, w)| (w, m)).collect();
    demand.sort_by(|a, b| a.1.cmp(&b.1));
    Reduced {
        sites: kept,
        rep,
        demand,
    }
}

/// The best `k` sites, proven optimal within `limits`; `warm` (a greedy plan) seeds the
/// search and stands as the answer if the solver finds nothing better in time.
///
/// # Examples
/// ```
/// use covgap::plan::{exact::{max_cover, Limits, Status}, instance::MaxCover};
/// // Greedy takes site 0 (5, a three-way tie) and then 1 (3): 8. The optimum is sites 1 and 2: 10.
/// let p = MaxCover {
///     weights: vec![3.0, 3.0, 2.0, 2.0],
///     sets: vec![vec![1, 2], vec![0, 2], vec![1, 3]],
/// };
/// let e = max_cover(&p, 2, &[], &Limits::default());
/// assert_eq!(e.status, Status::Optimal);
/// assert_eq!(e.value, 10.0);
/// assert_eq!(e.sites, vec![1, 2]);
/// ```
pub fn max_cover(p: &MaxCover, k: usize, warm: &[usize], limits: &Limits) -> Exact {
    let started = Instant::now();
    let r = reduce(p);
    let done = |status, sites: Vec<usize>| {
        let mut sites = sites;
        sites.sort_unstable();
        sites.dedup();
        Exact {
            status,
            value: p.value(&sites),
            sites,
            seconds: started.elapsed().as_secs_f64(),
            reduced_sites: r.sites.len(),
            reduced_demand: r.demand.len(),
        }
    };
    if r.sites.len() <= k {
        return done(Status::Optimal, r.sites.clone());
    }
    if r.sites.len() > limits.max_candidates {
        return done(Status::TooLarge(r.sites.len()), Vec::new());
    }
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = (0..r.sites.len())
        .map(|_| vars.add(variable().binary()))
        .collect();
    let y: Vec<Variable> = (0..r.demand.len())
        .map(|_| vars.add(variable().min(0.0).max(1.0)))
        .collect();
    let objective: Expression = y.iter().zip(&r.demand).map(|(v, (w, _))| *w * *v).sum();
    let mut model = time_limited(vars.maximise(objective).using(microlp), limits);
    let warm_sites: Vec<usize> = warm.iter().filter_map(|&j| r.rep[j]).collect();
    if !warm_sites.is_empty() {
        let on: Vec<bool> = (0..r.sites.len())
            .map(|k| warm_sites.contains(&k))
            .collect();
        let start = x
            .iter()
            .enumerate()
            .map(|(k, v)| (*v, if on[k] { 1.0 } else { 0.0 }))
            .chain(
                y.iter()
                    .zip(&r.demand)
                    .map(|(v, (_, m))| (*v, if m.iter().any(|&k| on[k]) { 1.0 } else { 0.0 })),
            )
            .collect::<Vec<_>>();
        model = model.with_initial_solution(start);
    }
    for (v, (_, m)) in y.iter().zip(&r.demand) {
        let cover: Expression = m.iter().map(|&k| x[k]).sum();
        model.add_constraint(constraint!(*v <= cover));
    }
    let total: Expression = x.iter().copied().sum();
    model.add_constraint(constraint!(total <= k as f64));
    match model.solve() {
        Ok(sol) => {
            let status = match sol.status() {
                SolutionStatus::Optimal => Status::Optimal,
                _ => Status::TimeLimit,
            };
            let chosen: Vec<usize> = (0..r.sites.len())
                .filter(|&k| sol.value(x[k]) > 0.5)
                .map(|k| r.sites[k])
                .collect();
            let sites = standing(p, &status, &chosen, warm).to_vec();
            done(status, sites)
        }
        Err(good_lp::ResolutionError::Other(m)) if m.contains("Time limit") => {
            done(Status::TimeLimit, warm.to_vec())
        }
        Err(e) => done(Status::Failed(e.to_string()), Vec::new()),
    }
}

/// The plan that stands when the solver stops with `chosen`: an unproven answer never stands
/// below the greedy plan (`warm`) it was seeded with. (microlp takes the seed as its first
/// incumbent only once the root relaxation is solved, and drops it otherwise: stopped early,
/// before then, it can hold a worse plan than the seed, or none.)
fn standing<'a>(
    p: &MaxCover,
    status: &Status,
    chosen: &'a [usize],
    warm: &'a [usize],
) -> &'a [usize] {
    if *status != Status::Optimal && p.value(warm) > p.value(chosen) {
        warm
    } else {
        chosen
    }
}

/// A minimum set cover: the fewest sites such that every element of the universe is in at
/// least one. `sets[j]` lists the elements (0..universe) site j covers; `prefer[j]` (0 to 1)
/// breaks ties between covers of the same size, favouring larger values. Elements no site
/// covers are ignored. Returns the sites chosen (index order) and how the solve ended.
///
/// # Examples
/// ```
/// use covgap::plan::exact::{set_cover, Limits, Status};
/// let sets = vec![vec![0, 1], vec![1, 2], vec![2], vec![0]];
/// let (sites, status) = set_cover(3, &sets, &[0.0; 4], &Limits::default());
/// assert_eq!(status, Status::Optimal);
/// assert_eq!(sites.len(), 2);
/// ```
pub fn set_cover(
    universe: usize,
    sets: &[Vec<usize>],
    prefer: &[f64],
    limits: &Limits,
) -> (Vec<usize>, Status) {
    let mut coverers: Vec<Vec<usize>> = vec![Vec::new(); universe];
    for (j, s) in sets.iter().enumerate() {
        for &e in s {
            if !coverers[e].contains(&j) {
                coverers[e].push(j);
            }
        }
    }
    let useful: Vec<usize> = (0..sets.len()).filter(|&j| !sets[j].is_empty()).collect();
    if coverers.iter().all(|c| c.is_empty()) {
        return (Vec::new(), Status::Optimal);
    }
    if useful.len() > limits.max_candidates {
        return (Vec::new(), Status::TooLarge(useful.len()));
    }
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = (0..sets.len())
        .map(|_| vars.add(variable().binary()))
        .collect();
    // The tie-break weights sum to under 1/2 over any cover, so they never trade a site.
    let eps = 0.5 / (sets.len() as f64 + 1.0);
    let objective: Expression = x
        .iter()
        .zip(prefer)
        .map(|(v, p)| (1.0 - eps * p.clamp(0.0, 1.0)) * *v)
        .sum();
    let mut model = time_limited(vars.minimise(objective).using(microlp), limits);
    for c in coverers.iter().filter(|c| !c.is_empty()) {
        let e: Expression = c.iter().map(|&j| x[j]).sum();
        model.add_constraint(constraint!(e >= 1.0));
    }
    match model.solve() {
        Ok(sol) => {
            let status = match sol.status() {
                SolutionStatus::Optimal => Status::Optimal,
                _ => Status::TimeLimit,
            };
            let chosen = (0..sets.len()).filter(|&j| sol.value(x[j]) > 0.5).collect();
            (chosen, status)
        }
        Err(e) => (Vec::new(), Status::Failed(e.to_string())),
    }
}

/// Tries every set of at most `k` sites: the reference the solver is tested against.
pub fn brute_force(p: &MaxCover, k: usize) -> f64 {
    fn go(p: &MaxCover, k: usize, from: usize, chosen: &mut Vec<usize>, best: &mut f64) {
        *best = best.max(p.value(chosen));
        if chosen.len() == k {
            return;
        }
        for j in from..p.sets.len() {
            chosen.push(j);
            go(p, k, j + 1, chosen, best);
            chosen.pop();
        }
    }
    let mut best = 0.0;
    go(p, k, 0, &mut Vec::new(), &mut best);
    best
}

#[cfg(test)]
mod tests {
    /// A limit of a fraction of a second is given as set: it had been rounded to "0 s".
    #[test]
    fn a_limit_under_a_second_is_described_as_given() {
        let limits = |seconds| Limits {
            seconds,
            ..Limits::default()
        };
        assert_eq!(
            Status::TimeLimit.describe(&limits(0.1)),
            "best found in the 0.1 s limit, not proven optimal"
        );
        assert_eq!(
            Status::TimeLimit.describe(&limits(60.0)),
            "best found in the 60 s limit, not proven optimal"
        );
    }

    use super::*;
    use crate::plan::greedy::greedy;
    use proptest::prelude::*;

    fn arb_problem() -> impl Strategy<Value = MaxCover> {
        crate::plan::arb_max_cover(14, 11, 60, 5)
    }

    #[test]
    fn reduction_drops_dominated_sites_and_merges_demand() {
        let p = MaxCover {
            weights: vec![1.0, 2.0, 3.0, 0.0],
            sets: vec![vec![0], vec![0, 1], vec![2, 3], vec![3], vec![1, 0]],
        };
        let r = reduce(&p);
        assert_eq!(r.sites, vec![1, 2]);
        assert_eq!(r.rep, vec![Some(0), Some(0), Some(1), None, Some(0)]);
        // Demand 0 and 1 are covered by the same kept site: merged.
        assert_eq!(r.demand, vec![(3.0, vec![0]), (3.0, vec![1])]);
    }

    #[test]
    fn zero_time_limit_falls_back_to_the_warm_start() {
        let p = MaxCover {
            weights: (0..30).map(|i| f64::from(i % 7 + 1)).collect(),
            sets: (0..30)
                .map(|j| vec![j, (j * 7 + 3) % 30, (j * 11 + 5) % 30])
                .collect(),
        };
        let g = greedy(&p, 4);
        let e = max_cover(
            &p,
            4,
            &g.sites,
            &Limits {
                seconds: 0.0,
                max_candidates: 2_000,
            },
        );
        assert!(e.value >= g.value);
        assert_ne!(e.status, Status::TooLarge(0));
    }

    #[test]
    fn time_limits_too_long_to_count_mean_no_limit() {
        // Enough sites that the solver runs (more than k after reduction).
        let p = MaxCover {
            weights: (0..12).map(|i| f64::from(i % 7 + 1)).collect(),
            sets: (0..12)
                .map(|j| vec![j, (j * 7 + 3) % 12, (j * 5 + 1) % 12])
                .collect(),
        };
        let sets: Vec<Vec<usize>> = p.sets.clone();
        let best = brute_force(&p, 3);
        for seconds in [1e10, 1e19, 1e308, f64::INFINITY, f64::NAN] {
            let limits = Limits {
                seconds,
                max_candidates: 2_000,
            };
            let e = max_cover(&p, 3, &[], &limits);
            assert!(e.reduced_sites > 3, "the solver is not needed");
            assert_eq!(e.status, Status::Optimal, "{seconds}");
            assert!((e.value - best).abs() < 1e-6, "{seconds}");
            assert_eq!(set_cover(12, &sets, &[0.0; 12], &limits).1, Status::Optimal);
        }
        // Below 0 is no time at all: the warm start stands, as with 0.
        let g = greedy(&p, 3);
        let e = max_cover(
            &p,
            3,
            &g.sites,
            &Limits {
                seconds: -1.0,
                max_candidates: 2_000,
            },
        );
        assert!(e.value >= g.value);
    }

    #[test]
    fn too_large_is_reported_not_attempted() {
        let p = MaxCover {
            weights: vec![1.0; 5],
            sets: (0..5).map(|j| vec![j]).collect(),
        };
        let e = max_cover(
            &p,
            2,
            &[],
            &Limits {
                seconds: 10.0,
                max_candidates: 3,
            },
        );
        assert_eq!(e.status, Status::TooLarge(5));
        assert!(e.sites.is_empty());
    }

    /// A plan the solver stopped on unproven stands only when it covers at least what the
    /// greedy seed covers; a proven one always stands.
    #[test]
    fn an_unproven_plan_never_stands_below_the_seed() {
        let p = MaxCover {
            weights: vec![5.0, 3.0, 3.0],
            sets: vec![vec![0], vec![1], vec![2], vec![1, 2]],
        };
        // Worse than the seed (3 against 5): the seed stands.
        assert_eq!(standing(&p, &Status::TimeLimit, &[1], &[0]), &[0]);
        // Better (6 against 5): the solver's plan stands.
        assert_eq!(standing(&p, &Status::TimeLimit, &[3], &[0]), &[3]);
        // As good (3 and 3): the solver's plan stands.
        assert_eq!(standing(&p, &Status::TimeLimit, &[2], &[1]), &[2]);
        // Proven optimal: it stands, whatever the seed (here a seed of more sites than asked).
        assert_eq!(standing(&p, &Status::Optimal, &[3], &[0, 3]), &[3]);
    }

    /// `max_candidates` is the most sites the solve is tried on: exactly that many are solved,
    /// one more is not.
    #[test]
    fn as_many_sites_as_the_limit_are_solved() {
        let p = MaxCover {
            weights: vec![1.0, 2.0, 3.0, 4.0, 5.0],
            sets: (0..5).map(|j| vec![j]).collect(),
        };
        let limits = |max_candidates| Limits {
            seconds: 10.0,
            max_candidates,
        };
        let e = max_cover(&p, 2, &[], &limits(5));
        assert_eq!(e.status, Status::Optimal);
        assert_eq!(e.sites, vec![3, 4]);
        assert_eq!(e.value, 9.0);
        assert_eq!(
            max_cover(&p, 2, &[], &limits(4)).status,
            Status::TooLarge(5)
        );
    }

    /// The set cover's limit counts the sites that cover something (an empty one is never
    /// chosen), and as many as the limit are solved.
    #[test]
    fn set_cover_limit_counts_sites_that_cover_something() {
        let sets = vec![vec![0, 1], vec![1, 2], vec![2], vec![]];
        let prefer = [0.0, 0.0, 1.0, 0.0];
        let limits = |max_candidates| Limits {
            seconds: 10.0,
            max_candidates,
        };
        assert_eq!(
            set_cover(3, &sets, &prefer, &limits(3)),
            (vec![0, 2], Status::Optimal)
        );
        assert_eq!(
            set_cover(3, &sets, &prefer, &limits(2)),
            (Vec::new(), Status::TooLarge(3))
        );
    }

    /// `prefer` only breaks ties between covers of the same size: one site covering both
    /// elements beats two each preferred more, and of the two single sites that cover both,
    /// the one preferred more (site 3, 0.9 over 0.2) is chosen.
    #[test]
    fn set_cover_prefers_fewer_sites_then_the_preferred_ones() {
        let sets = vec![vec![0, 1], vec![0], vec![1], vec![0, 1]];
        let (sites, status) = set_cover(2, &sets, &[0.2, 1.0, 1.0, 0.9], &Limits::default());
        assert_eq!(status, Status::Optimal);
        assert_eq!(sites, vec![3]);
        let (sites, _) = set_cover(2, &sets, &[0.9, 1.0, 1.0, 0.2], &Limits::default());
        assert_eq!(sites, vec![0]);
        // Two sites preferred least (0 and 1) against three preferred most (2, 3 and 4): the
        // two, however large the preference, as the tie-breaks together stay under one site.
        let sets = vec![vec![0, 1], vec![2, 3], vec![0], vec![1, 2], vec![3]];
        let (sites, _) = set_cover(4, &sets, &[0.0, 0.0, 1.0, 1.0, 1.0], &Limits::default());
        assert_eq!(sites, vec![0, 1]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn exact_equals_brute_force(p in arb_problem(), k in 1usize..5) {
            let e = max_cover(&p, k, &[], &Limits::default());
            prop_assert_eq!(&e.status, &Status::Optimal);
            prop_assert!(e.sites.len() <= k);
            prop_assert!((e.value - brute_force(&p, k)).abs() < 1e-6, "exact {} brute {}", e.value, brute_force(&p, k));
        }

        #[test]
        fn greedy_is_within_the_bound_of_exact(p in arb_problem(), k in 1usize..5) {
            let g = greedy(&p, k);
            let e = max_cover(&p, k, &g.sites, &Limits::default());
            prop_assert!(g.value <= e.value + 1e-6);
            prop_assert!(g.value >= (1.0 - (-1.0f64).exp()) * e.value - 1e-6);
            let i = crate::plan::greedy::interchange(&p, &g.sites);
            prop_assert!(g.value <= i.value + 1e-9 && i.value <= e.value + 1e-6);
        }

        #[test]
        fn set_cover_is_minimal(sets in proptest::collection::vec(proptest::collection::btree_set(0usize..6, 0..4), 1..8)) {
            let sets: Vec<Vec<usize>> = sets.into_iter().map(|s| s.into_iter().collect()).collect();
            let (chosen, status) = set_cover(6, &sets, &vec![0.0; sets.len()], &Limits::default());
            prop_assert_eq!(status, Status::Optimal);
            let reachable: std::collections::BTreeSet<usize> = sets.iter().flatten().copied().collect();
            let got: std::collections::BTreeSet<usize> = chosen.iter().flat_map(|&j| sets[j].iter().copied()).collect();
            prop_assert_eq!(&got, &reachable);
            // No smaller cover exists.
            let n = sets.len();
            for mask in 0u32..(1 << n) {
                if (mask.count_ones() as usize) < chosen.len() {
                    let c: std::collections::BTreeSet<usize> = (0..n).filter(|j| mask & (1 << j) != 0).flat_map(|j| sets[j].iter().copied()).collect();
                    prop_assert_ne!(&c, &reachable);
                }
            }
        }
    }
}
