//! Outputs of `covgap plan`: `plan.csv` (the curve, greedy and exact), `plan.geojson` (the
//! chosen sites and what each covers), `plan_geographies.csv` (`--by`) and the Markdown
//! section appended to `summary.md` (also written alone as `plan.md`).

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{json, Value};

use crate::model::Study;
use crate::plan::exact::Status;
use crate::plan::instance::{DemandKind, Model, RankBy};
use crate::plan::{Plan, Step};
use crate::write::geojson::{collection, metadata, point_geometry, Feature};
use crate::write::tables::markdown_cell as md_cell;
use crate::write::{excel_csv, percent_text, plural, round, thousands, OutputFile};

/// A plan's value (or a difference of two) as the outputs give babies: with thousands
/// separators, and with one decimal only when babies are weighted by need, since the value is
/// then no longer a count. Ranked by births, the value is the babies newly covered and reads
/// as they do: 243,055, not 243055.0.
///
/// # Examples
/// ```
/// use covgap::plan::instance::RankBy;
/// use covgap::write::plan::value_text;
/// assert_eq!(value_text(RankBy::Births, 243_055.0), "243,055");
/// assert_eq!(value_text(RankBy::Need, 78_297.14), "78,297.1");
/// assert_eq!(value_text(RankBy::Births, -12.0), "-12");
/// ```
pub fn value_text(rank_by: RankBy, v: f64) -> String {
    let sign = if v < 0.0 { "-" } else { "" };
    match rank_by {
        RankBy::Births => format!("{sign}{}", thousands(v.abs().round() as u64)),
        RankBy::Need => {
            let tenths = (v.abs() * 10.0).round() as u64;
            if tenths == 0 {
                return "0.0".into();
            }
            format!("{sign}{}.{}", thousands(tenths / 10), tenths % 10)
        }
    }
}

fn share(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.4}")).unwrap_or_default()
}

/// The deprivation share of a site's district: a demand point's of that code or, for a team in a
/// built-in district on boundaries smaller than districts (not a demand point itself), that of
/// the areas it covers under the district model, which lie in it and take its share.
fn site_deprivation(plan: &Plan, site: usize) -> Option<f64> {
    let c = &plan.instance.candidates[site];
    let code = c.district.as_deref()?;
    let demand = &plan.instance.demand;
    match demand.iter().find(|d| d.district_code() == code) {
        Some(d) => d.deprivation,
        None if plan.options.model == Model::District => {
            c.covers.first().and_then(|&d| demand[d].deprivation)
        }
        None => None,
    }
}

fn small_areas(plan: &Plan) -> bool {
    plan.instance.demand_kind == DemandKind::SmallAreas
}

/// The demand points as codes, `;`-separated. Small areas are listed by the districts
/// holding them (code order): a site can reach thousands, more than a spreadsheet cell holds;
/// the exported instance has every one.
fn codes(plan: &Plan, demand: &[usize]) -> String {
    let d = &plan.instance.demand;
    if small_areas(plan) {
        let districts: std::collections::BTreeSet<&str> =
            demand.iter().map(|&i| d[i].district_code()).collect();
        return districts.into_iter().collect::<Vec<_>>().join(";");
    }
    demand
        .iter()
        .map(|&i| d[i].code.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

/// The figure's column key and words: the study's measure for district demand; `babies` for
/// small areas, whose figure is the small-area tables'.
fn figure_words(study: &Study, plan: &Plan) -> (&'static str, &'static str) {
    if small_areas(plan) {
        ("babies", "babies")
    } else {
        (study.demand.measure.key(), study.demand.measure.describe())
    }
}

/// The name of district `code` in the study (an area, or a built-in district holding smaller
/// areas); empty for none.
fn district_name(study: &Study, code: Option<&str>) -> String {
    let Some(c) = code else {
        return String::new();
    };
    study
        .areas
        .iter()
        .find(|a| a.code == c)
        .map(|a| &a.name)
        .or_else(|| {
            study
                .holding_districts
                .iter()
                .find(|d| d.code == c)
                .map(|d| &d.name)
        })
        .cloned()
        .unwrap_or_default()
}

/// Whether all of geography `code` is among the areas given (the whole UK, or a geography
/// [`crate::load::whole_geographies`] finds whole), so that its figures under `--by` are its
/// own rather than those of the part of it given.
fn all_given(study: &Study, code: &str) -> bool {
    study.whole_uk || study.whole.geographies.contains(code)
}

/// The period of the plan's figure, for the last column of `plan.csv` and
/// `plan_geographies.csv`, as `gaps.csv` gives it: the districts' (`--period`, or the built-in
/// figures' own); empty with small areas as demand, whose figures' files state none
/// (`plan.md` names their columns).
fn period(study: &Study, plan: &Plan) -> String {
    if small_areas(plan) {
        String::new()
    } else {
        study.demand.period.clone()
    }
}

/// What the percentages are of: the UK only when the areas are the whole UK, where they are of
/// its `what` ("of the UK's live births", not "of the UK", which reads as its land).
fn of_total(study: &Study, plan: &Plan, what: &str) -> String {
    if small_areas(plan) {
        "of all babies in the small areas".into()
    } else if study.whole_uk {
        format!("of the UK's {what}")
    } else {
        "of all babies in the areas given".into()
    }
}

fn baseline_label(plan: &Plan) -> String {
    if plan.baseline.what_if_teams > 0 {
        format!(
            "(existing teams and {} what-if {})",
            plan.baseline.what_if_teams,
            plural(plan.baseline.what_if_teams, "team", "teams")
        )
    } else {
        "(existing teams)".into()
    }
}

/// `plan.csv`: for each method, a row for the starting point (n = 0) and one per new site.
pub fn csv(study: &Study, plan: &Plan) -> Vec<u8> {
    let (key, _) = figure_words(study, plan);
    let need = plan.options.rank_by == RankBy::Need;
    let small = small_areas(plan);
    let newly = format!("{key}_newly_covered");
    let cum = format!("cumulative_{key}_covered");
    let mut header = vec![
        "method",
        "n",
        "site",
        "district_code",
        "district_name",
        "newly_covers",
    ];
    if small {
        header.push("newly_covered_small_areas");
    }
    header.push(newly.as_str());
    if need {
        header.push("need_weighted_newly_covered");
    }
    // Under need the optimum for each n is the best need-weighted plan, whose babies are not
    // the most n sites could reach: its columns say so.
    let (best, best_percent) = if need {
        (
            format!("need_optimal_cumulative_{key}_at_n"),
            "need_optimal_percent_at_n",
        )
    } else {
        (
            format!("best_possible_cumulative_{key}_at_n"),
            "best_possible_percent_at_n",
        )
    };
    header.extend([
        cum.as_str(),
        if small || !study.whole_uk {
            "cumulative_percent_of_total"
        } else {
            "cumulative_percent_of_uk"
        },
        "most_deprived_decile_share",
        best.as_str(),
        best_percent,
        "period",
    ]);
    let period = period(study, plan);
    let optimum = |n: usize| -> [String; 2] {
        match plan.optimum_by_n.iter().find(|o| o.n == n) {
            Some(o) => [
                o.babies_cumulative.to_string(),
                percent_text(o.babies_cumulative, plan.baseline.total),
            ],
            None => [String::new(), String::new()],
        }
    };
    let mut rows = Vec::new();
    let mut method = |name: &str, steps: Vec<Step>| {
        let mut r = vec![
            name.to_string(),
            "0".into(),
            baseline_label(plan),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ];
        if small {
            r.push(String::new());
        }
        if need {
            r.push(String::new());
        }
        r.extend([
            plan.baseline.with_what_if.to_string(),
            percent_text(plan.baseline.with_what_if, plan.baseline.total),
            String::new(),
            String::new(),
            String::new(),
            period.clone(),
        ]);
        rows.push(r);
        for s in steps {
            let site = &plan.instance.candidates[s.site];
            let dname = district_name(study, site.district.as_deref());
            let mut r = vec![
                name.to_string(),
                s.n.to_string(),
                site.name.clone(),
                site.district.clone().unwrap_or_default(),
                dname,
                codes(plan, &s.newly),
            ];
            if small {
                r.push(s.newly.len().to_string());
            }
            r.push(s.babies_new.to_string());
            if need {
                r.push(format!("{:.1}", s.weight_new));
            }
            r.extend([
                s.babies_cumulative.to_string(),
                percent_text(s.babies_cumulative, plan.baseline.total),
                share(site_deprivation(plan, s.site)),
            ]);
            r.extend(optimum(s.n));
            r.push(period.clone());
            rows.push(r);
        }
    };
    if plan.options.add > 0 {
        method("greedy", plan.greedy_steps());
        method("greedy_swap", plan.swapped_steps());
        // The exact plan has its n = 0 row whenever it was solved, also when it places no
        // site (everything in reach covered already), as greedy's and the swaps' have.
        if !matches!(plan.exact.status, Status::TooLarge(_) | Status::Failed(_)) {
            method("exact", plan.exact_steps());
        }
    }
    excel_csv(&header, &rows)
}

/// What the geographies `--by` lists lack, for `n` of them: "no team", or, under a radius, no
/// team within it of any of their demand points, since a geography with no team of its own can
/// have one within reach across its border (14 of 26 health boards and HSC trusts at 30 km,
/// where 17 have none of their own), and one with a team can have none in reach of a point.
///
/// # Examples
/// ```
/// use covgap::plan::{self, instance::Model, ByLevel, Options};
/// use covgap::write::plan::no_team;
/// let study = covgap::load::load(&Default::default(), &mut Default::default()).unwrap();
/// let by = Options { by: Some(ByLevel::Region), ..Options::default() };
/// let p = plan::plan(&study, None, &[], None, None, &by).unwrap();
/// assert_eq!(no_team(&p, 2), "no team");
/// let p = plan::plan(&study, None, &[], None, None, &Options { model: Model::Radius(30.0), ..by }).unwrap();
/// assert_eq!(no_team(&p, 1), "no team within 30 km of any of its districts' representative points");
/// ```
pub fn no_team(plan: &Plan, n: usize) -> String {
    match plan.options.model.radius_km() {
        None => "no team".into(),
        Some(r) => format!(
            "no team within {r} km of any of {} {}' representative points",
            plural(n, "its", "their"),
            if small_areas(plan) {
                "small areas"
            } else {
                plan.instance.areas.words().1
            }
        ),
    }
}

/// The sentence of `plan.md` naming the geographies `--by` leaves out because an area given
/// lies across the border of each ([`crate::plan::GeographyPlan::across`]), with a space
/// before it; empty when there are none.
///
/// # Examples
/// ```
/// use covgap::plan::{self, ByLevel, Options};
/// let study = covgap::load::load(&Default::default(), &mut Default::default()).unwrap();
/// let by = Options { by: Some(ByLevel::Region), ..Options::default() };
/// let p = plan::plan(&study, None, &[], None, None, &by).unwrap();
/// assert_eq!(covgap::write::plan::left_out_across(p.geographies.as_ref().unwrap()), "");
/// ```
pub fn left_out_across(g: &crate::plan::GeographyPlan) -> String {
    let n = g.across.len();
    if n == 0 {
        return String::new();
    }
    let names: Vec<String> = g
        .across
        .iter()
        .map(|x| format!("{} ({})", md_cell(&x.name), md_cell(&x.code)))
        .collect();
    format!(
        " {n} more {} left out, as an area given lies across {} border, partly in it and partly outside, so that whether {} a team, and {} babies, cannot be told from the areas given: {}.",
        plural(n, "is", "are"),
        plural(n, "its", "each one's"),
        plural(n, "it has", "each has"),
        plural(n, "its", "their"),
        crate::write::and_list(&names),
    )
}

/// `plan_geographies.csv`: geographies with no team and the site that would give each one.
/// The count of the areas given in each is headed `districts`, or `areas` when the
/// boundaries are not districts (ICBs grouped by region), as `plan.md`'s column is.
pub fn geographies_csv(study: &Study, plan: &Plan) -> Option<Vec<u8>> {
    let g = plan.geographies.as_ref()?;
    let (key, _) = figure_words(study, plan);
    let header = [
        "level",
        "code",
        "name",
        plan.instance.areas.words().1,
        key,
        "site",
        "site_district_code",
        "all_given",
        "period",
    ];
    let period = period(study, plan);
    let rows: Vec<Vec<String>> = g
        .gaps
        .iter()
        .map(|gap| {
            let site = gap.site.map(|j| &plan.instance.candidates[j]);
            vec![
                g.level.key().to_string(),
                gap.geography.code.clone(),
                gap.geography.name.clone(),
                gap.districts.to_string(),
                gap.babies.to_string(),
                site.map(|s| s.name.clone())
                    .unwrap_or_else(|| "(no candidate site reaches it)".into()),
                site.and_then(|s| s.district.clone()).unwrap_or_default(),
                if all_given(study, &gap.geography.code) {
                    "yes"
                } else {
                    "no"
                }
                .to_string(),
                period.clone(),
            ]
        })
        .collect();
    Some(excel_csv(&header, &rows))
}

/// `plan.geojson`: a feature per chosen site (greedy, greedy then swaps, exact or `--by`): a
/// Point at its base, or, for a site with no base (a candidate given only by the areas it
/// serves), a null geometry, as `teams.geojson` gives an unlocated team, so that every site in
/// `plan.csv` is here too.
pub fn geojson(study: &Study, plan: &Plan) -> Vec<u8> {
    #[derive(Default)]
    struct Chosen {
        greedy: Option<Step>,
        swapped: Option<Step>,
        exact: Option<Step>,
        by: Vec<String>,
    }
    let mut chosen: BTreeMap<usize, Chosen> = BTreeMap::new();
    if plan.options.add > 0 {
        for s in plan.greedy_steps() {
            let k = s.site;
            chosen.entry(k).or_default().greedy = Some(s);
        }
        // The swaps can bring in a site neither greedy nor the exact plan holds: plan.csv
        // lists it under greedy_swap, so it is mapped too.
        for s in plan.swapped_steps() {
            let k = s.site;
            chosen.entry(k).or_default().swapped = Some(s);
        }
        for s in plan.exact_steps() {
            let k = s.site;
            chosen.entry(k).or_default().exact = Some(s);
        }
    }
    if let Some(g) = &plan.geographies {
        for gap in &g.gaps {
            if let Some(j) = gap.site {
                chosen
                    .entry(j)
                    .or_default()
                    .by
                    .push(gap.geography.code.clone());
            }
        }
    }
    let (key, _) = figure_words(study, plan);
    let small = small_areas(plan);
    let features = chosen
        .into_iter()
        .map(|(j, c)| {
            let site = &plan.instance.candidates[j];
            let mut p = serde_json::Map::new();
            p.insert("site".into(), json!(site.name));
            p.insert("district_code".into(), json!(site.district));
            p.insert(
                "district_name".into(),
                json!(site
                    .district
                    .as_deref()
                    .map(|c| district_name(study, Some(c)))),
            );
            p.insert("covers".into(), json!(codes(plan, &site.covers)));
            if small {
                p.insert("covers_small_areas".into(), json!(site.covers.len()));
            }
            // Each method's part: the greedy rank, or whether the plan holds the site; then
            // what it newly covers there.
            for (method, step) in [
                ("greedy", &c.greedy),
                ("greedy_swap", &c.swapped),
                ("exact", &c.exact),
            ] {
                if method == "greedy" {
                    p.insert("greedy_rank".into(), json!(step.as_ref().map(|s| s.n)));
                } else {
                    p.insert(format!("in_{method}_plan"), json!(step.is_some()));
                }
                p.insert(
                    format!("{method}_{key}_newly_covered"),
                    json!(step.as_ref().map(|s| s.babies_new)),
                );
                p.insert(
                    format!("{method}_newly_covers"),
                    json!(step.as_ref().map(|s| codes(plan, &s.newly))),
                );
                if small {
                    p.insert(
                        format!("{method}_newly_covered_small_areas"),
                        json!(step.as_ref().map(|s| s.newly.len())),
                    );
                }
            }
            if plan.geographies.is_some() {
                p.insert("gives_a_team_to".into(), json!(c.by.join(";")));
            }
            p.insert(
                "most_deprived_decile_share".into(),
                json!(site_deprivation(plan, j).map(|v| round(v, 4))),
            );
            Feature {
                properties: Value::Object(p),
                geometry: site.at.map_or_else(
                    || "null".to_string(),
                    |at| point_geometry(at.wgs84.x(), at.wgs84.y()),
                ),
            }
        })
        .collect();
    let mut meta = metadata(study);
    if let Value::Object(m) = &mut meta {
        m.insert(
            "coverage_model".into(),
            json!(plan.instance.model_description()),
        );
        m.insert(
            "demand_points".into(),
            json!(plan.instance.demand_kind.key()),
        );
        m.insert("demand_figure".into(), json!(plan.instance.figure));
        m.insert(format!("{key}_total"), json!(plan.baseline.total));
        m.insert("rank_by".into(), json!(plan.options.rank_by.key()));
        m.insert("add".into(), json!(plan.options.add));
    }
    collection("plan", meta, features)
}

/// The plan in Markdown, for `plan.md` and the end of `summary.md`.
pub fn markdown(study: &Study, plan: &Plan) -> Vec<u8> {
    let b = &plan.baseline;
    let (_, what) = figure_words(study, plan);
    let scope = of_total(study, plan, what);
    let small = small_areas(plan);
    let mut s = String::new();
    // With --by alone the plan answers which geographies have no team, not where new teams
    // reach the most babies.
    let unreachable = plan
        .geographies
        .as_ref()
        .is_some_and(|g| g.gaps.iter().any(|gap| gap.site.is_none()));
    // The geographies' words for the areas given ("HSC trusts" for Northern Ireland alone).
    let by_words =
        |by: crate::plan::ByLevel| plan.geographies.as_ref().map_or(by.describe(), |g| g.words);
    let heading = match (plan.options.by, plan.options.add) {
        (Some(by), 0) if unreachable => format!(
            "Plan: the fewest new teams that give a team to all {} that a candidate site reaches",
            by_words(by)
        ),
        (Some(by), 0) => format!(
            "Plan: the fewest new teams that give all {} a team",
            by_words(by)
        ),
        _ => "Plan: where new teams would reach the most babies".to_string(),
    };
    let _ = writeln!(s, "\n## {heading}\n");
    if small {
        let with_demand: std::collections::HashSet<&str> = plan
            .instance
            .demand
            .iter()
            .map(|d| d.district_code())
            .collect();
        let empty = study
            .areas
            .iter()
            .filter(|a| !with_demand.contains(a.code.as_str()))
            .count();
        let _ = writeln!(
            s,
            "- **Demand points: small areas.** The {} small {} with a figure, {} its representative point and counting for its own figure ({}). The total, {} babies, is the sum of those figures, not of the district figures ({what_d}).{} The solvers see {} {} of small areas covered by the same candidate sites.",
            thousands(plan.instance.demand.len() as u64),
            plural(plan.instance.demand.len(), "area", "areas"),
            plural(plan.instance.demand.len(), "at", "each at"),
            plan.instance.figure,
            thousands(b.total),
            if empty > 0 {
                format!(
                    " {empty} {} no small area with a figure, so {} babies are not counted here.",
                    plural(empty, "district has", "districts have"),
                    plural(empty, "its", "their"),
                )
            } else {
                String::new()
            },
            thousands(plan.demand_groups as u64),
            plural(plan.demand_groups, "group", "groups"),
            what_d = study.demand.measure.describe(),
        );
    } else {
        // A district with no figure weighs nothing, so the plan passes it over whatever its
        // size: said here, since plan.md is quoted on its own.
        let area_words = plan.instance.areas.words();
        let without: Vec<String> = study
            .areas
            .iter()
            .filter(|a| a.figure.is_none())
            .map(|a| format!("{} ({})", md_cell(&a.name), a.code))
            .collect();
        let _ = writeln!(
            s,
            "- **Demand points: {}.** The {} {}, {} its representative point, counted in its figure ({what}).{}",
            area_words.1,
            plan.instance.demand.len(),
            plural(plan.instance.demand.len(), area_words.0, area_words.1),
            plural(plan.instance.demand.len(), "at", "each at"),
            match without.len() {
                0 => String::new(),
                n => format!(
                    " **{n} of them {} no figure** ({}): {} nothing here, so no site is chosen for {} babies, and every share is of the babies in the {} with a figure.",
                    plural(n, "has", "have"),
                    crate::write::first_of(without.iter(), 10),
                    plural(n, "it weighs", "they weigh"),
                    plural(n, "its", "their"),
                    plan.instance.demand.len() - n
                ),
            }
        );
    }
    let _ = writeln!(
        s,
        "- **Coverage model**: {}.",
        plan.instance.model_description()
    );
    let _ = writeln!(
        s,
        "- **Maximising**: {}.",
        plan.instance.weight_description()
    );
    if let Some(src) = &plan.deprivation_source {
        if plan.options.rank_by == RankBy::Need {
            let _ = writeln!(s, "- **Deprivation shares** from {src}.");
        }
    }
    let _ = writeln!(
        s,
        "- **Existing teams** cover {} of {} {what} ({}%) under this model.",
        thousands(b.existing),
        thousands(b.total),
        percent_text(b.existing, b.total)
    );
    if b.what_if_teams > 0 {
        let _ = writeln!(
            s,
            "- **With the {} what-if {}**: {} ({}%), {} more.",
            b.what_if_teams,
            plural(b.what_if_teams, "team", "teams"),
            thousands(b.with_what_if),
            percent_text(b.with_what_if, b.total),
            thousands(b.with_what_if - b.existing)
        );
        // A what-if team in a district an existing team already covers adds nothing: named,
        // so that "the 4 what-if teams" are not read as 4 teams each reaching new babies.
        let inst = &plan.instance;
        let first = inst.fixed.len() - b.what_if_teams;
        let mut existing = vec![false; inst.demand.len()];
        for site in &inst.fixed[..first] {
            for &d in &site.covers {
                existing[d] = true;
            }
        }
        // Likewise one adding nothing beyond the what-if teams listed before it (a second team
        // planned for the same district), named apart, since the existing teams do not cover it.
        let mut planned = existing.clone();
        let (mut idle, mut repeated) = (Vec::new(), Vec::new());
        for site in &inst.fixed[first..] {
            let adds = |covered: &[bool]| {
                site.covers
                    .iter()
                    .any(|&d| !covered[d] && inst.demand[d].babies > 0)
            };
            if !adds(&existing) {
                idle.push(md_cell(&site.name).into_owned());
            } else if !adds(&planned) {
                repeated.push(md_cell(&site.name).into_owned());
            }
            for &d in &site.covers {
                planned[d] = true;
            }
        }
        if !repeated.is_empty() {
            let n = repeated.len();
            let _ = writeln!(
                s,
                "- **{n} of the what-if teams {} no {what} beyond the what-if teams listed before {}**: {}; those teams already cover everything {} would cover under this model.",
                plural(n, "adds", "add"),
                plural(n, "it", "them"),
                repeated.join(", "),
                plural(n, "it", "they"),
            );
        }
        if !idle.is_empty() {
            let n = idle.len();
            let _ = writeln!(
                s,
                "- **{n} of the what-if teams {} no {what}**: {}; the existing teams already cover everything {} would cover under this model.",
                plural(n, "adds", "add"),
                idle.join(", "),
                plural(n, "it", "they"),
            );
        }
    }
    let _ = writeln!(
        s,
        "- **Candidate sites**: {}, {}.",
        plan.instance.candidates.len(),
        match &plan.options.candidates_source {
            Some(f) => format!("the sites listed in {f}"),
            None if small => "every district without a team, placed at its representative point (the figure-weighted centroid of its small areas, unless that falls outside it)".into(),
            None if plan.options.model == Model::District && !study.holding_districts.is_empty() => "every built-in district holding an area given without a team, placed at its representative point by the built-in boundaries, a team there counting, as in `covgap run`, for every area lying in the district (an area's point in it by the built-in boundaries); an area lying in no district is a candidate on its own".into(),
            None => format!("every {} without a team, placed at its representative point", plan.instance.areas.words().0),
        }
    );
    if plan.options.add > 0 {
        let weight_word = if plan.options.rank_by == RankBy::Need {
            "need-weighted value"
        } else {
            "value"
        };
        let value = |v: f64| value_text(plan.options.rank_by, v);
        let teams = |n: usize| plural(n, "team", "teams");
        let gsteps = plan.greedy_steps();
        let esteps = plan.exact_steps();
        let last = |v: &[Step]| v.last().map_or(b.with_what_if, |s| s.babies_cumulative);
        let _ = writeln!(
            s,
            "- **{} new {}, greedy** (lazy re-evaluation, {:.1} ms): {} {what} newly covered, {}% {scope} covered in all; {weight_word} {}.",
            plan.greedy.sites.len(),
            teams(plan.greedy.sites.len()),
            plan.greedy_seconds * 1000.0,
            thousands(last(&gsteps) - b.with_what_if),
            percent_text(last(&gsteps), b.total),
            value(plan.greedy.value)
        );
        let _ = writeln!(
            s,
            "- **Exact** ({} new {}; integer programming, microlp; {} {} and {} demand {} after reduction; {:.2} s): {}; {} {what} newly covered, {}% in all; {weight_word} {}.",
            plan.exact.sites.len(),
            teams(plan.exact.sites.len()),
            thousands(plan.exact.reduced_sites as u64),
            plural(plan.exact.reduced_sites, "site", "sites"),
            thousands(plan.exact.reduced_demand as u64),
            plural(plan.exact.reduced_demand, "group", "groups"),
            plan.exact.seconds,
            plan.exact.status.describe(&plan.options.limits),
            thousands(last(&esteps) - b.with_what_if),
            percent_text(last(&esteps), b.total),
            value(plan.exact.value)
        );
        let ssteps = plan.swapped_steps();
        let _ = writeln!(
            s,
            "- **Greedy then swaps** ({} new {}; interchange until no single swap adds more, {:.1} ms): {} {what} newly covered, {}% in all; {weight_word} {}.",
            plan.swapped.sites.len(),
            teams(plan.swapped.sites.len()),
            plan.swapped_seconds * 1000.0,
            thousands(last(&ssteps) - b.with_what_if),
            percent_text(last(&ssteps), b.total),
            value(plan.swapped.value)
        );
        if !plan.exact_solved() {
            let _ = writeln!(s, "- **How far greedy is from the optimum is not known**: the exact solve was not done.");
        } else {
            let (d, pct) = plan.gap();
            let (ds, pcts) = plan.gap_of(plan.swapped.value);
            let bound = if plan.exact.status == Status::Optimal {
                "exact"
            } else {
                "best-found"
            };
            let (all, alls) = (
                plan.gap_of_all(plan.greedy.value),
                plan.gap_of_all(plan.swapped.value),
            );
            let (d, ds) = (value(d), value(ds));
            let _ = writeln!(
                s,
                "- **Greedy is {d} ({pct:.2}%) short of the {bound} {weight_word}; greedy then swaps is {ds} ({pcts:.2}%) short.** \
                 Against everything covered once the plan is built (the teams kept fixed included), they are {all:.2}% and {alls:.2}% short of the {weight_word}."
            );
        }
        if plan.optimum_by_n.is_empty() {
            let _ = writeln!(s, "- The best possible value for each smaller n was not computed: the solve at N was not proven optimal, or took over {:.0} s.", crate::plan::CURVE_SECONDS);
        } else {
            let _ = writeln!(s, "- The exact plan's sites are listed in greedy order among themselves, so its running totals at n < N are not the best possible for n; the last column gives that optimum, solved separately for each n{}.", if plan.options.rank_by == RankBy::Need {
                ": the share of babies the plan with the best need-weighted value covers, which is not the most babies n new teams could reach (`--rank-by births` gives that)"
            } else {
                ""
            });
        }
        if let Some((counts, why)) = plan.fewer_than_asked() {
            let _ = writeln!(
                s,
                "- **{} new {} asked for, {counts} placed**: {why}. Each plan lists only the sites that add something.",
                plan.options.add,
                plural(plan.options.add, "site", "sites"),
            );
        }
        let pct = if small {
            "% of small areas' babies covered"
        } else if study.whole_uk {
            "% of UK covered"
        } else {
            "% of all areas' babies covered"
        };
        let best = if plan.options.rank_by == RankBy::Need {
            "Best need-weighted plan with n new teams, %"
        } else {
            "Best possible with n new teams, %"
        };
        let _ = writeln!(s, "\n| n | Greedy site | {what} newly covered | {pct} | Exact plan site | {what} newly covered | {pct} | {best} |");
        let _ = writeln!(s, "|---:|---|---:|---:|---|---:|---:|---:|");
        let name = |st: &Step| {
            let c = &plan.instance.candidates[st.site];
            match &c.district {
                Some(d) => format!("{} ({})", md_cell(&c.name), md_cell(d)),
                None => md_cell(&c.name).into_owned(),
            }
        };
        for i in 0..gsteps.len().max(esteps.len()) {
            let cell = |v: &[Step]| match v.get(i) {
                Some(st) => format!(
                    "{} | {} | {}",
                    name(st),
                    thousands(st.babies_new),
                    percent_text(st.babies_cumulative, b.total)
                ),
                None => " | | ".into(),
            };
            let best = plan
                .optimum_by_n
                .iter()
                .find(|o| o.n == i + 1)
                .map(|o| {
                    format!(
                        "{}{}",
                        percent_text(o.babies_cumulative, b.total),
                        if o.proven { "" } else { " (unproven)" }
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "| {} | {} | {} | {best} |",
                i + 1,
                cell(&gsteps),
                cell(&esteps)
            );
        }
    }
    if let Some(g) = &plan.geographies {
        // Said as the terminal says it: the sites give a team to every geography a candidate
        // reaches, which is not all of them when some are out of every candidate's reach.
        let unreached = g.gaps.iter().filter(|gap| gap.site.is_none()).count();
        let fewest = format!(
            "**{}** ({}, {:.2} s)",
            g.sites.len(),
            g.status.describe(&plan.options.limits),
            g.seconds
        );
        let answer = if g.gaps.is_empty() {
            "No new site is needed.".to_string()
        } else if unreached == 0 {
            format!("The fewest new sites that would give every one of them a team: {fewest}.")
        } else if unreached == g.gaps.len() {
            format!("No candidate site reaches any of them, so no new site would give one a team: {fewest}.")
        } else {
            format!("{unreached} of them no candidate site reaches; the fewest new sites that would give every reachable one a team: {fewest}.")
        };
        let _ = writeln!(
            s,
            "\n### {} with no team{}\n\n{} of {} {} {}. A team at one of the candidate sites gives a team to every one of them that holds {} it covers. {answer}{}\n",
            crate::write::cap(g.words),
            plan.options
                .model
                .radius_km()
                .map_or(String::new(), |r| format!(" within {r} km")),
            g.gaps.len(),
            g.total,
            plural(g.gaps.len(), "has", "have"),
            no_team(plan, g.gaps.len()),
            if small {
                "a small area"
            } else {
                plan.instance.areas.one()
            },
            if g.without_demand > 0 {
                format!(
                    " {} more {} no small area with a figure and {} left out.",
                    g.without_demand,
                    plural(g.without_demand, "has", "have"),
                    plural(g.without_demand, "is", "are"),
                )
            } else {
                String::new()
            } + &left_out_across(g)
        );
        if !g.gaps.is_empty() {
            // Under a radius, a site brings a team within reach rather than into the area.
            let _ = writeln!(
                s,
                "| Geography | Code | {} | {} | {} |",
                crate::write::cap(plan.instance.areas.words().1),
                crate::write::cap(what),
                plan.options
                    .model
                    .radius_km()
                    .map_or("Site that gives it a team".to_string(), |r| format!(
                        "Site that brings a team within {r} km"
                    ))
            );
            let _ = writeln!(s, "|---|---|---:|---:|---|");
            for gap in &g.gaps {
                let site = gap
                    .site
                    .map(|j| {
                        let c = &plan.instance.candidates[j];
                        let d = c.district.as_deref().unwrap_or("");
                        format!("{} ({})", md_cell(&c.name), md_cell(d))
                    })
                    .unwrap_or_else(|| "no candidate site reaches it".into());
                let part = if all_given(study, &gap.geography.code) {
                    ""
                } else {
                    " (part)"
                };
                let _ = writeln!(
                    s,
                    "| {}{part} | {} | {} | {} | {} |",
                    md_cell(&gap.geography.name),
                    md_cell(&gap.geography.code),
                    gap.districts,
                    thousands(gap.babies),
                    site
                );
            }
            if g.gaps
                .iter()
                .any(|gap| !all_given(study, &gap.geography.code))
            {
                let _ = writeln!(
                    s,
                    "\nA geography marked (part) is only partly among the areas given: its {} and {what} are those of the areas given in it, not all of its own.",
                    plan.instance.areas.words().1
                );
            }
        }
    }
    // The method as run: the covering plans with --add, the set cover with --by, or both.
    let covering = "greedy selection with lazy re-evaluation is within (1 − 1/e) ≈ 63% of the optimum by theory; the exact optimum is the maximal covering location problem solved by integer programming.";
    let set_cover = "fewest new sites that give every geography with no team a team (every one a candidate reaches) is a minimum set cover, solved by integer programming; among sets of sites as few, those that newly cover more babies are preferred.";
    let method = match (plan.options.add > 0, plan.geographies.is_some()) {
        (true, true) => format!("{covering} The {set_cover}"),
        (false, true) => format!("the {set_cover}"),
        _ => covering.to_string(),
    };
    let _ = writeln!(
        s,
        "\nMethod: {method} Existing teams stay where they are.{}",
        match plan.options.model {
            Model::Radius(_) => " Distances are straight lines between representative points on British National Grid, not travel times.",
            Model::District => "",
        }
    );
    if plan.deprivation_built_in {
        let credit = crate::write::deprivation_attribution(
            plan.instance
                .demand
                .iter()
                .filter(|d| d.deprivation.is_some())
                .map(|d| d.district_code()),
        );
        let _ = writeln!(s, "\n{credit}");
    }
    s.into_bytes()
}

/// What `covgap plan` says on standard error when it is done, a line each: the candidate sites
/// and what the existing teams cover, then, with `--add`, what each method reaches and how
/// far greedy is from the optimum, and, with `--by`, the geographies with no team.
pub fn said(study: &Study, plan: &Plan) -> Vec<String> {
    let mut said = Vec::new();
    let b = &plan.baseline;
    let demand = match plan.instance.demand_kind {
        DemandKind::Districts => study.demand.measure.describe().to_string(),
        DemandKind::SmallAreas => {
            let areas = plan.instance.demand.len();
            format!(
                "the {} {} in {} small {}",
                thousands(b.total),
                plural(b.total as usize, "baby", "babies"),
                thousands(areas as u64),
                plural(areas, "area", "areas")
            )
        }
    };
    // Said with what it is of and under which model, and with the what-if teams, since
    // the new sites' figures below start from them: "existing teams cover 57.2%" alone,
    // at 40 km, reads as the share in areas with a team (18.8%).
    let scope = match plan.instance.demand_kind {
        DemandKind::Districts if !study.whole_uk => " in the areas given",
        _ => "",
    };
    let model = plan.options.model.radius_km().map_or(String::new(), |r| {
        format!(" (a team covering all within {r} km of its base)")
    });
    let what_if = match b.what_if_teams {
        0 => String::new(),
        n => format!(
            "; with the {n} what-if {}, {}%",
            plural(n, "team", "teams"),
            percent_text(b.with_what_if, b.total)
        ),
    };
    said.push(format!(
        "covgap plan: {} candidate {}; existing teams cover {}% of {demand}{scope}{model}{what_if}",
        plan.instance.candidates.len(),
        plural(plan.instance.candidates.len(), "site", "sites"),
        percent_text(b.existing, b.total),
    ));
    if plan.options.add > 0 {
        let (d, pct) = plan.gap();
        let value = |v: f64| value_text(plan.options.rank_by, v);
        // How many sites each method placed, and why fewer than asked when they are
        // (--add 400 of 304 candidate sites places at most 304).
        let sites = |n: usize| plural(n, "site", "sites");
        let placed = match plan.fewer_than_asked() {
            None => format!("{} new {},", plan.options.add, sites(plan.options.add)),
            Some((counts, why)) => {
                format!(
                    "{} new {} asked for, {counts} placed: {why};",
                    plan.options.add,
                    sites(plan.options.add)
                )
            }
        };
        // What the figures are, and where the exact plan leaves coverage in all, as plan.md
        // says it: bare numbers ("greedy 137,437") read as anything.
        // With small areas, `demand` is all the babies ("the 679,949 babies in 41,729 small
        // areas"), which "newly covered" would say were all reached: the figure's name alone.
        let figure = match plan.instance.demand_kind {
            DemandKind::Districts => demand.as_str(),
            DemandKind::SmallAreas => "babies",
        };
        let what = match plan.options.rank_by {
            RankBy::Births => format!("{figure} newly covered"),
            RankBy::Need => format!("need-weighted value ({figure})"),
        };
        // The exact plan's share, or, when no exact plan was solved (too many sites, or the
        // solver failed), the greedy-then-swaps plan's, named as such; greedy's gap to an
        // optimum not found is not known, and said so rather than as "0 (0.00%) short".
        let solved = plan.exact_solved();
        let short = if solved {
            format!(
                "greedy is {} ({:.2}%) short ({:.2}% of all covered)",
                value(d),
                pct,
                plan.gap_of_all(plan.greedy.value)
            )
        } else {
            "how far greedy is from the optimum is not known".to_string()
        };
        let (which, steps) = if solved {
            ("exact", plan.exact_steps())
        } else {
            ("greedy-then-swaps", plan.swapped_steps())
        };
        let in_all = steps.last().map_or(b.with_what_if, |s| s.babies_cumulative);
        said.push(format!(
            "covgap plan: {placed} {what}: greedy {} ({:.1} ms), greedy then swaps {} ({:.1} ms), exact {} ({}, {:.2} s); {short}; with the {which} plan, {}% of {demand}{scope} covered in all",
            value(plan.greedy.value),
            plan.greedy_seconds * 1000.0,
            value(plan.swapped.value),
            plan.swapped_seconds * 1000.0,
            value(plan.exact.value),
            plan.exact.status.describe(&plan.options.limits),
            plan.exact.seconds,
            percent_text(in_all, b.total),
        ));
    }
    if let Some(g) = &plan.geographies {
        said.push(format!(
            "covgap plan: {} of {} {} {} {}{}; {} new {} would give every reachable one a team ({})",
            g.gaps.len(),
            g.total,
            g.words,
            plural(g.gaps.len(), "has", "have"),
            no_team(plan, g.gaps.len()),
            if g.across.is_empty() {
                String::new()
            } else {
                format!(
                    " ({} more left out, as an area given lies across {} border: see plan.md)",
                    g.across.len(),
                    plural(g.across.len(), "its", "each one's")
                )
            },
            g.sites.len(),
            plural(g.sites.len(), "site", "sites"),
            g.status.describe(&plan.options.limits)
        ));
    }
    said
}

/// Every file `covgap plan` writes: the `covgap run` outputs of the study as loaded, with the
/// plan section appended to `summary.md`, then `plan.csv`, `plan.geojson`, `plan.md` (the
/// section with the attribution `summary.md` gives) and, with `--by`, `plan_geographies.csv`;
/// with `--by` alone, no `plan.csv`, since there is no curve.
pub fn files(study: &Study, run: Vec<OutputFile>, plan: &Plan) -> Vec<OutputFile> {
    let section = markdown(study, plan);
    let mut out: Vec<OutputFile> = run
        .into_iter()
        .map(|mut f| {
            if f.name == "summary.md" {
                f.bytes.extend_from_slice(&section);
            }
            f
        })
        .collect();
    let file = |name: &str, bytes: Vec<u8>| OutputFile {
        name: name.to_string(),
        bytes,
    };
    // With --by alone there is no curve: its sites are in plan_geographies.csv and
    // plan.geojson.
    if plan.options.add > 0 {
        out.push(file("plan.csv", csv(study, plan)));
    }
    out.push(file("plan.geojson", geojson(study, plan)));
    let figure = if small_areas(plan) {
        format!(
            "Figure: {}; {} babies in all. The district figure ({}, {}) is used only by the `covgap run` outputs above the plan in `summary.md`.",
            plan.instance.figure,
            thousands(plan.baseline.total),
            study.demand.measure.describe(),
            study.demand.period
        )
    } else {
        format!(
            "Figure: {}, {} ({}).",
            study.demand.measure.describe(),
            study.demand.period,
            study.demand.source
        )
    };
    let mut md =
        format!("# Plan for new parent-infant relationship teams\n\n{figure}\n").into_bytes();
    md.extend_from_slice(&section);
    // summary.md gives this before its plan section; plan.md, the section alone, after it.
    md.extend_from_slice(format!("\n{}\n", crate::write::ATTRIBUTION).as_bytes());
    out.push(file("plan.md", md));
    if let Some(b) = geographies_csv(study, plan) {
        out.push(file("plan_geographies.csv", b));
    }
    out
}

/// covgap's own answers, for the `solutions` member of an exported instance.
pub fn solutions(plan: &Plan) -> Value {
    json!({
        "greedy": { "sites": plan.greedy.sites, "value": plan.greedy.value, "seconds": plan.greedy_seconds },
        "greedy_swap": { "sites": plan.swapped.sites, "value": plan.swapped.value, "seconds": plan.swapped_seconds },
        "exact": {
            "sites": plan.exact.sites,
            "value": plan.exact.value,
            "status": plan.exact.status.describe(&plan.options.limits),
            "proven_optimal": plan.exact.status == Status::Optimal,
            "seconds": plan.exact.seconds,
        },
    })
}
