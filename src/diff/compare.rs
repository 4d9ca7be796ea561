//! Comparing two runs read from their output folders: teams, areas, the headline and each
//! nation, region, upper tier, ICB and health board.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::read::teams::team_key;

use super::read::{
    evidence_rule, figures_source, same_tables, small_area_files, sorted, text, SmallAreaFile,
};
use super::{
    same_covers, AreaRow, Change, Diff, FiguresRevised, RunOutputs, TeamRow, HEADLINE, MOVED_KM,
    NATION, ROLLUP_LEVELS, SMALL_AREAS,
};

/// Compares two runs.
///
/// # Examples
/// ```
/// use covgap::{analyse_inputs, diff, error::Diagnostics, load::Inputs, write};
/// let a = analyse_inputs(&Inputs::default(), &mut Diagnostics::new()).unwrap();
/// let dir = tempfile::tempdir().unwrap();
/// write::commit(dir.path(), &a.render(), &[], write::RUN_OUTPUTS).unwrap();
/// let run = diff::RunOutputs::read(dir.path()).unwrap();
/// let d = diff::diff(&run, &run);
/// assert!(d.is_empty());
/// assert!(d.markdown().contains("Nothing changed."));
/// ```
pub fn diff(old: &RunOutputs, new: &RunOutputs) -> Diff {
    let mut d = Diff {
        old_dir: old.dir.clone(),
        new_dir: new.dir.clone(),
        old_period: text(&old.summary, "period"),
        new_period: text(&new.summary, "period"),
        old_measure: text(&old.summary, "measure_description"),
        new_measure: text(&new.summary, "measure_description"),
        old_source: figures_source(old),
        new_source: figures_source(new),
        old_figure_hashes: old.figure_hashes(),
        new_figure_hashes: new.figure_hashes(),
        old_evidence: evidence_rule(old),
        new_evidence: evidence_rule(new),
        teams_added: Vec::new(),
        teams_removed: Vec::new(),
        teams_changed: Vec::new(),
        teams_renamed: Vec::new(),
        unlocated_not_compared: !(old.lists_unlocated() && new.lists_unlocated()),
        outside_not_compared: false,
        newly_covered: Vec::new(),
        newly_uncovered: Vec::new(),
        areas_added: Vec::new(),
        areas_removed: Vec::new(),
        figures_lost: Vec::new(),
        figures_gained: Vec::new(),
        figures_revised: None,
        figures: Vec::new(),
        rollups_not_compared: Vec::new(),
        rollups_compared: 0,
        rollups_unchanged: 0,
        rollups_one_run: Vec::new(),
        total: {
            let uk = || ("K02000001".to_string(), "United Kingdom".to_string());
            match (
                total_of(&old.summary).unwrap_or_else(uk),
                total_of(&new.summary).unwrap_or_else(uk),
            ) {
                (o, n) if o == n => n,
                // The UK, then part of it (or the reverse): both named.
                (o, n) => (String::new(), format!("{} / {}", o.1, n.1)),
            }
        },
        old_boundaries: String::new(),
        new_boundaries: String::new(),
        boundaries_changed: false,
        small_areas_changed: small_areas_changed(old, new),
        plans: [old, new]
            .into_iter()
            .filter(|r| r.is_plan())
            .map(|r| r.dir.clone())
            .collect(),
        partial_nations: Vec::new(),
    };
    let ((old_name, old_hash), (new_name, new_hash)) = (old.boundaries(), new.boundaries());
    // The boundaries with the start of their SHA-256 and, when both runs fingerprint theirs,
    // of each file beside it (a Shapefile's .dbf, ...) that differs from the other run's: names
    // edited in a .dbf are other boundaries with the same .shp.
    let label = |name: &str,
                 hash: &Option<Vec<(String, String)>>,
                 other: &Option<Vec<(String, String)>>| match hash {
        Some(h) => {
            let short = |s: &str| s[..s.len().min(12)].to_string();
            let mut parts = vec![format!("SHA-256 {}…", short(&h[0].1))];
            for (role, sha) in &h[1..] {
                if other
                    .as_ref()
                    .is_some_and(|o| !o.iter().any(|(r, s)| r == role && s == sha))
                {
                    let ext = role.strip_prefix("boundaries_").unwrap_or(role);
                    parts.push(format!(".{ext} SHA-256 {}…", short(sha)));
                }
            }
            format!("{name} ({})", parts.join("; "))
        }
        None => name.to_string(),
    };
    // Tables of the same names with other contents (this year's figures saved over last
    // year's file) are told apart by their fingerprints.
    if let (Some(o), Some(n)) = (&d.old_figure_hashes, &d.new_figure_hashes) {
        if sorted(o) != sorted(n) && same_tables(&d.old_source, &d.new_source) {
            // Each table with its own fingerprint, so the one that changed can be seen: a
            // list of them after all the tables, sorted, put the tables' hashes in another
            // order than the tables and seemed to say another table had changed.
            let short = |h: &String| format!("SHA-256 {}…", &h[..h.len().min(12)]);
            let label = |source: &str, h: &[String]| {
                let parts: Vec<&str> = source.split("; ").collect();
                if parts.len() == h.len() {
                    parts
                        .iter()
                        .zip(h)
                        .map(|(p, h)| format!("{p} ({})", short(h)))
                        .collect::<Vec<_>>()
                        .join("; ")
                } else {
                    let list: Vec<String> = h.iter().map(short).collect();
                    format!("{source} ({})", list.join(", "))
                }
            };
            d.old_source = label(&d.old_source, o);
            d.new_source = label(&d.new_source, n);
        }
    }
    d.old_boundaries = label(&old_name, &old_hash, &new_hash);
    d.new_boundaries = label(&new_name, &new_hash, &old_hash);
    let same_areas = old.areas.keys().eq(new.areas.keys());
    d.boundaries_changed = !same_areas
        || match (&old_hash, &new_hash) {
            (Some(o), Some(n)) => o != n,
            _ => old_name != new_name,
        };
    // A run whose teams.geojson left out the teams outside its boundaries: those the other
    // lists would read as added or removed.
    let outside_compared = old.lists_outside() && new.lists_outside();
    d.outside_not_compared = !outside_compared
        && old
            .teams
            .values()
            .chain(new.teams.values())
            .any(|t| t.outside);
    // A team with no base, or outside the boundaries, is still compared when the other run
    // lists it too (one the list gives no place, left out with the teams outside in one run
    // only; one that had a base in the older run and has none now, which would otherwise
    // read as removed though it is still in the list).
    let compared = |k, t: &TeamRow, other: &BTreeMap<_, TeamRow>| {
        (t.located || !d.unlocated_not_compared || other.contains_key(k))
            && (outside_compared || !t.outside || other.contains_key(k))
    };
    let (old_teams, new_teams): (BTreeMap<_, _>, BTreeMap<_, _>) = (
        old.teams
            .iter()
            .filter(|(k, t)| compared(*k, t, &new.teams))
            .collect(),
        new.teams
            .iter()
            .filter(|(k, t)| compared(*k, t, &old.teams))
            .collect(),
    );
    for (k, t) in &new_teams {
        if let Some(o) = old_teams.get(k) {
            if o.name != t.name {
                d.teams_renamed.push(((*o).clone(), (*t).clone()));
            }
        }
        match old_teams.get(k) {
            None => d.teams_added.push((*t).clone()),
            Some(o)
                if o.counted != t.counted
                    || team_key(&o.host_org) != team_key(&t.host_org)
                    || !same_covers(&o.covers, &t.covers)
                    || o.outside != t.outside
                    || o.located != t.located
                    || t.moved_km(o).is_some_and(|km| km > MOVED_KM) =>
            {
                d.teams_changed.push(((*o).clone(), (*t).clone()))
            }
            Some(_) => {}
        }
    }
    for (k, t) in &old_teams {
        if !new_teams.contains_key(k) {
            d.teams_removed.push((*t).clone());
        }
    }
    for (code, a) in &new.areas {
        match old.areas.get(code) {
            None => d.areas_added.push((code.clone(), a.clone())),
            Some(o) if !o.covered && a.covered => d.newly_covered.push((code.clone(), a.clone())),
            Some(o) if o.covered && !a.covered => d.newly_uncovered.push((
                code.clone(),
                AreaRow {
                    teams: o.teams.clone(),
                    ..a.clone()
                },
            )),
            Some(_) => {}
        }
        match (old.areas.get(code).map(|o| o.figure), a.figure) {
            (Some(Some(was)), None) => d.figures_lost.push((code.clone(), a.clone(), was)),
            (Some(None), Some(_)) => d.figures_gained.push((code.clone(), a.clone())),
            _ => {}
        }
    }
    for (code, a) in &old.areas {
        if !new.areas.contains_key(code) {
            d.areas_removed.push((code.clone(), a.clone()));
        }
    }
    // New figures for the same areas move the babies in areas with a team by themselves: the
    // change is split into the areas newly covered or uncovered (each at its figure in the run
    // in which it has a team) and the figures of the areas covered in both, which add up to
    // it. No area's figure is taken as 0, as the totals leave it out.
    if same_areas && !d.measure_changed() {
        let fig = |a: &AreaRow| a.figure.unwrap_or(0) as i64;
        let (mut areas, mut one_run_only, mut from_coverage, mut from_figures) = (0, 0, 0, 0);
        let mut with_a_team = 0;
        for (code, a) in &new.areas {
            let o = &old.areas[code];
            with_a_team += usize::from(o.covered && a.covered && o.figure != a.figure);
            match (o.figure, a.figure) {
                (Some(x), Some(y)) => areas += usize::from(x != y),
                (None, None) => {}
                _ => one_run_only += 1,
            }
            match (o.covered, a.covered) {
                (false, true) => from_coverage += fig(a),
                (true, false) => from_coverage -= fig(o),
                (true, true) => from_figures += fig(a) - fig(o),
                (false, false) => {}
            }
        }
        if areas + one_run_only > 0 {
            d.figures_revised = Some(FiguresRevised {
                areas,
                one_run_only,
                from_coverage,
                from_figures,
                with_a_team,
            });
        }
    }
    // A share is worked out from the two whole numbers, as every output now writes it (one
    // decimal, a half up), so a run written when summary.json carried two decimals compares
    // as it reads: 19.07 then and 19.1 now are the same 19.1.
    let num = |v: &Value, k: &str| match k {
        "percent_covered" => match (
            v.get("demand_covered").and_then(Value::as_u64),
            v.get("demand_total").and_then(Value::as_u64),
        ) {
            // No babies counted: no share (not 0.0).
            (Some(_), Some(0)) => None,
            (Some(c), Some(t)) => Some(crate::write::percent_number(c, t)),
            _ => v.get(k).and_then(Value::as_f64),
        },
        _ => v.get(k).and_then(Value::as_f64),
    };
    // `teams_in_list` counts the whole list since `teams_beyond_boundaries` was written; a run
    // from before counted only the teams kept. Against such a run, the teams kept are compared.
    let beyond = |s: &Value| s.get("teams_beyond_boundaries").and_then(Value::as_f64);
    let kept_only = beyond(&old.summary).is_some() != beyond(&new.summary).is_some();
    let headline = |s: &Value, f: &str| match (f, kept_only) {
        ("teams_in_list", true) => num(s, f).map(|n| n - beyond(s).unwrap_or(0.0)),
        _ => num(s, f),
    };
    // Babies counted in different measures (and their shares) do not compare, and nor do
    // any figures of areas or babies over different areas. Nor does the count of teams
    // covering the areas given: over other areas it counts other teams ("-26" would read as
    // 26 teams closed), and so does the count of the list's teams against a run from before
    // it counted the whole list (it then counts the teams kept for each run's areas).
    let measure_changed = d.measure_changed();
    let comparable = |f: &str| {
        let babies = f.starts_with("demand") || f.starts_with("percent");
        let by_areas =
            f.starts_with("areas") || f == "teams_counted" || (f == "teams_in_list" && kept_only);
        !((measure_changed && babies) || (!same_areas && (babies || by_areas)))
    };
    // The total row's code and name as the new run gives it (the old run's, if the new has
    // none; the UK's for outputs from before covgap wrote "All areas given").
    let (total_code, total_name) = d.total.clone();
    let uk = |field: &'static str, old: Option<f64>, new: Option<f64>, comparable: bool| Change {
        headline: true,
        section: "headline",
        code: total_code.clone(),
        name: total_name.clone(),
        field,
        old,
        new,
        comparable,
    };
    for f in HEADLINE {
        d.figures.push(uk(
            f,
            headline(&old.summary, f),
            headline(&new.summary, f),
            comparable(f),
        ));
    }
    // Small areas place babies by distance to the nearest team: when either run counted them,
    // their band totals (a figure of their own, from the small-area figures) are compared too.
    let small = |s: &Value, f: &str| -> Option<f64> {
        let sm = s.get("small_areas")?;
        match f {
            "small_areas_babies_left_out" => sm.get("left_out")?.get("babies")?.as_f64(),
            _ => sm
                .get("distance_bands")?
                .get(f.trim_start_matches("small_areas_"))?
                .as_f64(),
        }
    };
    if old.summary.get("small_areas").is_some() || new.summary.get("small_areas").is_some() {
        for f in SMALL_AREAS {
            d.figures.push(uk(
                f,
                small(&old.summary, f),
                small(&new.summary, f),
                same_areas,
            ));
        }
    }
    let nations = |s: &Value| -> BTreeMap<String, Value> {
        s.get("nations")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|n| (text(n, "code"), n.clone())).collect())
            .unwrap_or_default()
    };
    let (on, nn) = (nations(&old.summary), nations(&new.summary));
    let mut codes: Vec<&String> = on.keys().chain(nn.keys()).collect();
    codes.sort();
    codes.dedup();
    for code in codes {
        let (o, n) = (on.get(code), nn.get(code));
        let name = text(n.or(o).expect("in one of them"), "name");
        // The same areas, a nation in one run only: for part of the UK, a nation has a row
        // only when all of it is given (a run from before gave one for any part of it).
        if same_areas && o.is_some() != n.is_some() {
            d.partial_nations.push(name.clone());
            continue;
        }
        for f in NATION {
            d.figures.push(Change {
                headline: false,
                section: "nation",
                code: code.clone(),
                name: name.clone(),
                field: f,
                old: o.and_then(|v| num(v, f)),
                new: n.and_then(|v| num(v, f)),
                comparable: comparable(f),
            });
        }
    }
    // The regions, upper tiers, ICBs and health boards, from each run's rollups.csv, as the
    // nations are compared: when a run has none (an older covgap), they are not compared.
    match (&old.rollups, &new.rollups) {
        (Ok(or), Ok(nr)) => {
            let mut keys: Vec<&(usize, String)> = or.keys().chain(nr.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let (level, code) = (ROLLUP_LEVELS[key.0].0, &key.1);
                let (o, n) = (or.get(key), nr.get(key));
                let name = n.or(o).expect("in one of them").name.clone();
                match (o, n) {
                    (Some(o), Some(n)) => {
                        d.rollups_compared += 1;
                        d.rollups_unchanged += usize::from(o.values == n.values);
                    }
                    _ => d
                        .rollups_one_run
                        .push((level, code.clone(), name.clone(), n.is_some())),
                }
                for (i, f) in NATION.iter().enumerate() {
                    d.figures.push(Change {
                        headline: false,
                        section: level,
                        code: code.clone(),
                        name: name.clone(),
                        field: f,
                        old: o.and_then(|r| r.values[i]),
                        new: n.and_then(|r| r.values[i]),
                        comparable: comparable(f),
                    });
                }
            }
            // By level, then name, as diff.md lists them.
            d.rollups_one_run
                .sort_by(|a, b| (level_rank(a.0), &a.2, &a.1).cmp(&(level_rank(b.0), &b.2, &b.1)));
        }
        (o, n) => {
            d.rollups_not_compared = [o, n]
                .into_iter()
                .filter_map(|r| r.as_ref().err().cloned())
                .collect();
        }
    }
    d
}

/// The small-area files of each run that the other did not read, named, when both runs had
/// small areas and their files differ (by content where `run.json` fingerprints them, by name
/// and column otherwise, in any order).
fn small_areas_changed(old: &RunOutputs, new: &RunOutputs) -> Option<(String, String)> {
    let (o, n) = (small_area_files(old)?, small_area_files(new)?);
    fn sorted(v: &[SmallAreaFile], key: bool) -> Vec<&str> {
        let mut k: Vec<&str> = v
            .iter()
            .map(|f| if key { &f.key } else { &f.name }.as_str())
            .collect();
        k.sort_unstable();
        k
    }
    if sorted(&o, true) == sorted(&n, true) {
        return None;
    }
    // The files of each run the other did not read, each with the start of its SHA-256
    // after its path, so that a table saved over last year's is seen to differ.
    let label = |v: &[SmallAreaFile], other: &[SmallAreaFile]| {
        let only: Vec<String> = v
            .iter()
            .filter(|f| !other.iter().any(|g| g.key == f.key))
            .map(|f| match &f.sha256 {
                Some(h) => {
                    let path_end = f.name.len() - (f.key.len() - h.len());
                    format!(
                        "{} (SHA-256 {}…){}",
                        &f.name[..path_end],
                        &h[..h.len().min(12)],
                        &f.name[path_end..]
                    )
                }
                None => f.name.clone(),
            })
            .collect();
        if only.is_empty() {
            "none".to_string()
        } else {
            only.join("; ")
        }
    };
    Some((label(&o, &n), label(&n, &o)))
}

/// A level's place in [`ROLLUP_LEVELS`].
fn level_rank(level: &str) -> usize {
    ROLLUP_LEVELS
        .iter()
        .position(|(k, ..)| *k == level)
        .unwrap_or(usize::MAX)
}

/// The code and name of a run's total rollup (level `uk` or `all`), from `summary.json`.
fn total_of(summary: &Value) -> Option<(String, String)> {
    let r = summary
        .get("rollups")?
        .as_array()?
        .iter()
        .find(|r| matches!(r.get("level").and_then(Value::as_str), Some("uk" | "all")))?;
    Some((text(r, "code"), text(r, "name")))
}
