//! Greedy selection with lazy re-evaluation (CELF, Leskovec et al. 2007): pick, n times, the
//! site that newly covers the most weight. Coverage is submodular, so a site's gain can only
//! fall as others are chosen; a stale gain is an upper bound, and a site whose freshly
//! recomputed gain still tops the queue is the greedy choice without recomputing the rest.
//! The answer is within (1 - 1/e) of the optimum (Nemhauser, Wolsey and Fisher 1978).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::plan::instance::MaxCover;

/// Sites chosen in order, with what each newly covered.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// Candidate indices, in the order chosen.
    pub sites: Vec<usize>,
    /// Weight newly covered by each site, in the same order.
    pub gains: Vec<f64>,
    /// Total weight covered by the sites.
    pub value: f64,
}

struct Entry {
    gain: f64,
    site: usize,
    /// The round in which `gain` was computed.
    round: usize,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    /// Largest gain first; ties go to the lower candidate index, so the answer is the one
    /// plain greedy gives and does not depend on the queue's internals.
    fn cmp(&self, other: &Self) -> Ordering {
        self.gain
            .total_cmp(&other.gain)
            .then(other.site.cmp(&self.site))
    }
}

fn gain(p: &MaxCover, covered: &[bool], site: usize) -> f64 {
    p.sets[site]
        .iter()
        .filter(|&&d| !covered[d])
        .map(|&d| p.weights[d])
        .sum()
}

/// Chooses up to `k` sites greedily. Stops early when no site adds any weight (every
/// reachable demand point is covered), so `sites.len()` may be less than `k`.
///
/// # Examples
/// ```
/// use covgap::plan::{greedy::greedy, instance::MaxCover};
/// let p = MaxCover { weights: vec![5.0, 4.0, 3.0], sets: vec![vec![0], vec![1, 2], vec![2]] };
/// let s = greedy(&p, 2);
/// assert_eq!(s.sites, vec![1, 0]);
/// assert_eq!(s.value, 12.0);
/// ```
pub fn greedy(p: &MaxCover, k: usize) -> Selection {
    let mut covered = vec![false; p.weights.len()];
    let mut heap: BinaryHeap<Entry> = (0..p.sets.len())
        .map(|site| Entry {
            gain: gain(p, &covered, site),
            site,
            round: 0,
        })
        .collect();
    let mut out = Selection {
        sites: Vec::new(),
        gains: Vec::new(),
        value: 0.0,
    };
    let mut round = 0;
    while out.sites.len() < k {
        let Some(top) = heap.pop() else { break };
        if top.round == round {
            if top.gain <= 0.0 {
                break;
            }
            for &d in &p.sets[top.site] {
                covered[d] = true;
            }
            out.sites.push(top.site);
            out.gains.push(top.gain);
            round += 1;
        } else {
            heap.push(Entry {
                gain: gain(p, &covered, top.site),
                site: top.site,
                round,
            });
        }
    }
    out.value = p.value(&out.sites);
    out
}

/// Plain greedy, recomputing every gain each round: the reference CELF is tested against.
pub fn greedy_naive(p: &MaxCover, k: usize) -> Selection {
    let mut covered = vec![false; p.weights.len()];
    let mut out = Selection {
        sites: Vec::new(),
        gains: Vec::new(),
        value: 0.0,
    };
    let mut chosen = vec![false; p.sets.len()];
    while out.sites.len() < k {
        let best = (0..p.sets.len())
            .filter(|&s| !chosen[s])
            .map(|s| (gain(p, &covered, s), s))
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        match best {
            Some((g, s)) if g > 0.0 => {
                chosen[s] = true;
                for &d in &p.sets[s] {
                    covered[d] = true;
                }
                out.sites.push(s);
                out.gains.push(g);
            }
            _ => break,
        }
    }
    out.value = p.value(&out.sites);
    out
}

/// Improves a plan by interchange (Teitz and Bart 1968): while swapping one chosen site for
/// one not chosen adds weight, make the swap that adds the most (ties to the earliest chosen
/// site, then the lowest candidate index). The result is never worse than `start` and is a
/// local optimum: no single swap improves it. The order of `start` is kept, each swapped-in
/// site taking the place of the one it replaces.
///
/// # Examples
/// ```
/// use covgap::plan::{greedy::{greedy, interchange}, instance::MaxCover};
/// // Greedy takes site 0 (5, a three-way tie) then 1 (3): 8; swapping 0 for 2 gives 10.
/// let p = MaxCover {
///     weights: vec![3.0, 3.0, 2.0, 2.0],
///     sets: vec![vec![1, 2], vec![0, 2], vec![1, 3]],
/// };
/// let g = greedy(&p, 2);
/// assert_eq!(g.value, 8.0);
/// assert_eq!(interchange(&p, &g.sites).value, 10.0);
/// ```
pub fn interchange(p: &MaxCover, start: &[usize]) -> Selection {
    const EPS: f64 = 1e-9;
    let mut sites = start.to_vec();
    let mut chosen = vec![false; p.sets.len()];
    for &s in &sites {
        chosen[s] = true;
    }
    let mut in_s = vec![false; p.weights.len()];
    // Each pass makes one swap that strictly adds weight, so this ends; the cap is a guard.
    for _ in 0..10_000 {
        let mut count = vec![0u32; p.weights.len()];
        for &s in &sites {
            for &d in &p.sets[s] {
                count[d] += 1;
            }
        }
        let mut best: Option<(f64, usize, usize)> = None;
        for (pos, &s) in sites.iter().enumerate() {
            let loss: f64 = p.sets[s]
                .iter()
                .filter(|&&d| count[d] == 1)
                .map(|&d| p.weights[d])
                .sum();
            for &d in &p.sets[s] {
                in_s[d] = true;
            }
            for c in (0..p.sets.len()).filter(|&c| !chosen[c]) {
                let gain: f64 = p.sets[c]
                    .iter()
                    .filter(|&&d| count[d] == 0 || (count[d] == 1 && in_s[d]))
                    .map(|&d| p.weights[d])
                    .sum();
                let delta = gain - loss;
                if delta > EPS && best.is_none_or(|(b, _, _)| delta > b + EPS) {
                    best = Some((delta, pos, c));
                }
            }
            for &d in &p.sets[s] {
                in_s[d] = false;
            }
        }
        match best {
            Some((_, pos, c)) => {
                chosen[sites[pos]] = false;
                chosen[c] = true;
                sites[pos] = c;
            }
            None => break,
        }
    }
    // Gains in the order kept, each against the sites before it.
    let mut covered = vec![false; p.weights.len()];
    let gains = sites
        .iter()
        .map(|&s| {
            let g = gain(p, &covered, s);
            for &d in &p.sets[s] {
                covered[d] = true;
            }
            g
        })
        .collect();
    Selection {
        value: p.value(&sites),
        sites,
        gains,
    }
}

/// The sites of `sites` that add something: those greedy takes when choosing among them
/// alone, in the order given. Greedy takes sites while any adds weight, so the ones it
/// leaves add nothing once the others are in, and the sites kept cover all that `sites`
/// cover (the same value). A plan of N sites can hold such idle sites when fewer than N
/// cover everything the candidates reach: the integer programme is free to open them.
///
/// # Examples
/// ```
/// use covgap::plan::{greedy::adding, instance::MaxCover};
/// // Site 2 covers only what sites 0 and 1 cover between them.
/// let p = MaxCover { weights: vec![5.0, 4.0], sets: vec![vec![0], vec![1], vec![0, 1], vec![0]] };
/// assert_eq!(adding(&p, &[0, 1, 3]), vec![0, 1]);
/// assert_eq!(adding(&p, &[0, 1, 2]), vec![2]);
/// ```
pub fn adding(p: &MaxCover, sites: &[usize]) -> Vec<usize> {
    let sub = MaxCover {
        weights: p.weights.clone(),
        sets: sites.iter().map(|&j| p.sets[j].clone()).collect(),
    };
    let mut taken = vec![false; sites.len()];
    for k in greedy(&sub, sites.len()).sites {
        taken[k] = true;
    }
    sites
        .iter()
        .zip(taken)
        .filter(|(_, t)| *t)
        .map(|(&j, _)| j)
        .collect()
}

/// `s` without the sites that add nothing to those before them (a gain of 0): the same
/// value, with every site kept adding something in the order kept.
pub fn without_idle(s: Selection) -> Selection {
    let (sites, gains) = s
        .sites
        .iter()
        .zip(&s.gains)
        .filter(|(_, g)| **g > 0.0)
        .map(|(&j, &g)| (j, g))
        .unzip();
    Selection {
        sites,
        gains,
        value: s.value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn arb_problem() -> impl Strategy<Value = MaxCover> {
        crate::plan::arb_max_cover(12, 10, 50, usize::MAX)
    }

    #[test]
    fn stops_when_nothing_left_to_cover() {
        let p = MaxCover {
            weights: vec![1.0, 1.0],
            sets: vec![vec![0, 1], vec![0], vec![1]],
        };
        let s = greedy(&p, 3);
        assert_eq!(s.sites, vec![0]);
        assert_eq!(s.value, 2.0);
    }

    #[test]
    fn ties_go_to_the_lower_index() {
        let p = MaxCover {
            weights: vec![2.0, 2.0],
            sets: vec![vec![1], vec![0]],
        };
        assert_eq!(greedy(&p, 1).sites, vec![0]);
    }

    /// Each pass makes the swap that adds the most, not the first that adds something: from
    /// sites 0 and 1 (7 + 9 = 16), swapping 1 for 3 adds 8 and swapping 0 for 2 or 3 adds 2.
    /// Taking the best gives 0 and 3 (7 + 5 + 9 + 3 = 24), a local optimum; taking the first
    /// would end at 2 and 1 (18).
    #[test]
    fn interchange_makes_the_swap_that_adds_the_most() {
        let p = MaxCover {
            weights: vec![5.0, 7.0, 9.0, 1.0, 3.0],
            sets: vec![vec![1], vec![0, 3, 4], vec![2], vec![0, 2, 4]],
        };
        let s = interchange(&p, &[0, 1]);
        assert_eq!(s.sites, vec![0, 3]);
        assert_eq!(s.value, 24.0);
        assert_eq!(s.gains, vec![7.0, 17.0]);
    }

    /// Swaps that add the same go to the earliest chosen site, then to the lowest candidate
    /// index, whatever order they are met in.
    #[test]
    fn interchange_ties_go_to_the_earliest_site_then_the_lowest_candidate() {
        // Swapping site 0 or site 1 for site 2 each add 4: site 0 (the earlier) goes.
        let p = MaxCover {
            weights: vec![1.0, 1.0, 5.0],
            sets: vec![vec![0], vec![1], vec![2]],
        };
        let s = interchange(&p, &[0, 1]);
        assert_eq!(s.sites, vec![2, 1]);
        assert_eq!(s.value, 6.0);
        // Swapping site 0 for site 1 or for site 2 each add 4: site 1 (the lower) comes in.
        let p = MaxCover {
            weights: vec![1.0, 5.0, 5.0],
            sets: vec![vec![0], vec![1], vec![2]],
        };
        let s = interchange(&p, &[0]);
        assert_eq!(s.sites, vec![1]);
        assert_eq!(s.value, 5.0);
    }

    /// The queue's entries are equal exactly when the order ranks them level (same gain and
    /// site), as `Ord` requires of `Eq`; the round they were worked out in is no part of it.
    #[test]
    fn queue_entries_are_equal_exactly_when_ranked_level() {
        let e = |gain, site, round| Entry { gain, site, round };
        assert!(e(3.0, 1, 0) == e(3.0, 1, 2));
        assert!(e(3.0, 1, 0) != e(3.0, 2, 0));
        assert!(e(3.0, 1, 0) != e(4.0, 1, 0));
    }

    proptest! {
        #[test]
        fn lazy_equals_naive(p in arb_problem(), k in 0usize..6) {
            prop_assert_eq!(greedy(&p, k), greedy_naive(&p, k));
        }

        #[test]
        fn interchange_never_loses_and_is_a_local_optimum(p in arb_problem(), k in 1usize..5) {
            let g = greedy(&p, k);
            let i = interchange(&p, &g.sites);
            prop_assert!(i.value >= g.value - 1e-9);
            prop_assert_eq!(i.sites.len(), g.sites.len());
            for pos in 0..i.sites.len() {
                for c in (0..p.sets.len()).filter(|c| !i.sites.contains(c)) {
                    let mut t = i.sites.clone();
                    t[pos] = c;
                    prop_assert!(p.value(&t) <= i.value + 1e-6);
                }
            }
        }

        #[test]
        fn sites_adding_nothing_are_left_out_at_no_cost(p in arb_problem(), pick in proptest::collection::vec(0usize..10, 0..8)) {
            let mut sites: Vec<usize> = pick.into_iter().filter(|&j| j < p.sets.len()).collect();
            sites.sort_unstable();
            sites.dedup();
            let kept = adding(&p, &sites);
            prop_assert!((p.value(&kept) - p.value(&sites)).abs() < 1e-9);
            prop_assert!(kept.iter().all(|j| sites.contains(j)));
            // Greedy among the kept sites takes every one of them: each adds something.
            let ordered = greedy(&MaxCover { weights: p.weights.clone(), sets: kept.iter().map(|&j| p.sets[j].clone()).collect() }, kept.len());
            prop_assert_eq!(ordered.sites.len(), kept.len());
            let trimmed = without_idle(interchange(&p, &sites));
            prop_assert!(trimmed.gains.iter().all(|&g| g > 0.0));
            prop_assert!((p.value(&trimmed.sites) - trimmed.value).abs() < 1e-9);
        }

        #[test]
        fn gains_add_up_and_do_not_increase(p in arb_problem(), k in 0usize..6) {
            let s = greedy(&p, k);
            prop_assert!((s.gains.iter().sum::<f64>() - s.value).abs() < 1e-9);
            prop_assert!(s.gains.windows(2).all(|w| w[0] >= w[1]));
        }
    }
}
