//! Writing a comparison: the warnings, `diff.md` and `diff.csv`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{same_covers, AreaRow, Change, Diff, TeamRow, MOVED_KM, ROLLUP_LEVELS};
use crate::read::teams::team_key;
use crate::write::tables::markdown_cell as md_cell;
use crate::write::{excel_csv, thousands};

fn fmt_num(field: &str, v: Option<f64>) -> String {
    match v {
        None => "n/a".into(),
        Some(x) if field.starts_with("percent") => format!("{x:.1}"),
        Some(x) if x >= 0.0 => thousands(x.round() as u64),
        Some(x) => format!("-{}", thousands((-x).round() as u64)),
    }
}

fn fmt_delta(field: &str, v: Option<f64>) -> String {
    match v {
        None => "n/a".into(),
        // In tenths, so that two equal shares give 0.0, not -0.0 or +0.0.
        Some(x) if field.starts_with("percent") => match (x * 10.0).round() {
            0.0 => "0.0".into(),
            t => format!("{:+.1}", t / 10.0),
        },
        Some(x) if x > 0.0 => format!("+{}", thousands(x.round() as u64)),
        Some(x) if x < 0.0 => format!("-{}", thousands((-x).round() as u64)),
        Some(_) => "0".into(),
    }
}

/// `text` with its first letter in capitals.
fn capitalised(text: &str) -> String {
    let mut cap = text.to_string();
    if let Some(f) = cap.get(0..1) {
        cap.replace_range(0..1, &f.to_uppercase());
    }
    cap
}

/// A warning of `diff.md` as a sentence of its own, in bold, when there is one.
fn bold_sentence(s: &mut String, words: Option<String>) {
    if let Some(w) = words {
        let _ = writeln!(s, "**{}.**\n", capitalised(&w));
    }
}

fn field_words(field: &str, measure: &str) -> String {
    let cap = capitalised(measure);
    match field {
        "areas_total" => "Areas".into(),
        "areas_covered" => "Areas with a team".into(),
        "areas_without_figure" => "Areas with no figure (left out of the totals)".into(),
        "demand_total" => format!("{cap} (total)"),
        "demand_covered" => format!("{cap} in areas with a team"),
        "demand_uncovered" => format!("{cap} in areas with none"),
        "percent_covered" => format!("% of {measure} in areas with a team"),
        "teams_in_list" => "Teams in the list".into(),
        "teams_counted" => "Teams counted".into(),
        "small_areas_babies_total" => "Babies in the small areas placed in an area (total)".into(),
        "small_areas_babies_covered" => "Babies in the small areas, in areas with a team".into(),
        "small_areas_babies_within_10km" => {
            "Babies in the small areas, up to 10 km from the nearest team".into()
        }
        "small_areas_babies_10_to_25km" => {
            "Babies in the small areas, over 10 up to 25 km from the nearest team".into()
        }
        "small_areas_babies_25_to_50km" => {
            "Babies in the small areas, over 25 up to 50 km from the nearest team".into()
        }
        "small_areas_babies_over_50km" => {
            "Babies in the small areas, over 50 km from the nearest team".into()
        }
        "small_areas_babies_left_out" => {
            "Babies in small areas left out (outside the areas, or across a land border)".into()
        }
        other => other.into(),
    }
}

/// Whether a team removed and one added are alike in all but their names: the same host
/// organisation (known: not blank, nor "unknown", which says nothing of either team), counted
/// or not alike, covering the same areas (some, in any order), and based at the same place
/// (within [`MOVED_KM`]) or both with no base. Such a pair is most likely one team renamed,
/// which `diff` still lists as added and removed, since it tells teams apart by name.
fn alike_but_name(o: &TeamRow, n: &TeamRow) -> bool {
    let host = team_key(&o.host_org);
    !host.is_empty()
        && host != "unknown"
        && host == team_key(&n.host_org)
        && o.counted == n.counted
        && o.outside == n.outside
        && !o.covers.is_empty()
        && same_covers(&o.covers, &n.covers)
        && match (o.at, n.at) {
            (None, None) => true,
            (Some(_), Some(_)) => n.moved_km(o).is_some_and(|km| km <= MOVED_KM),
            _ => false,
        }
}

/// The one team of `others` alike but for its name to `t` ([`alike_but_name`], `t` being the
/// old team when `t_is_old`), when there is exactly one and `t` is the only one of `own` alike
/// to it: a pairing that is not in doubt.
fn renamed_pair<'a>(
    t: &TeamRow,
    own: &[TeamRow],
    others: &'a [TeamRow],
    t_is_old: bool,
) -> Option<&'a TeamRow> {
    let alike = |a: &TeamRow, b: &TeamRow| {
        if t_is_old {
            alike_but_name(a, b)
        } else {
            alike_but_name(b, a)
        }
    };
    let mut found = others.iter().filter(|o| alike(t, o));
    let other = found.next()?;
    if found.next().is_some() || own.iter().filter(|x| alike(x, other)).count() != 1 {
        return None;
    }
    Some(other)
}

/// The areas a team covers, in words: their codes, or "no area".
fn covers_words(covers: &str) -> &str {
    if covers.is_empty() {
        "no area"
    } else {
        covers
    }
}

/// Whether a team serves areas given, in words.
fn outside_words(t: &TeamRow) -> &'static str {
    if t.outside {
        "serves only areas outside the boundaries given"
    } else {
        "serves areas given"
    }
}

/// What changed in a team's base, in words: moved (how far), gained or lost.
fn base_change(o: &TeamRow, n: &TeamRow) -> Option<String> {
    match (o.located, n.located) {
        (true, false) => Some("no longer has a base".into()),
        (false, true) => Some("now has a base".into()),
        _ => n.moved_km(o).filter(|km| *km > MOVED_KM).map(|km| {
            if km < 1.0 {
                format!("base moved {:.0} m", km * 1000.0)
            } else {
                format!("base moved {km:.1} km")
            }
        }),
    }
}

impl Diff {
    /// The sentence on a folder `covgap plan` wrote: its planned sites are not compared.
    fn plan_words(dir: &std::path::Path) -> String {
        format!(
            "`{}` is the output of `covgap plan`: `diff` compares the teams in its list and the areas they cover, not the new sites it plans (its `plan.md` and `plan.csv` give them)",
            dir.display()
        )
    }

    /// What makes the two runs' figures unlike, one sentence each, for standard error (the
    /// same is said at the top of `diff.md`).
    pub fn warnings(&self) -> Vec<String> {
        let mut w: Vec<String> = self.plans.iter().map(|d| Self::plan_words(d)).collect();
        if self.measure_changed() {
            w.push(format!(
                "the runs count different figures ({} in {}, {} in {}); their totals are not comparable",
                self.old_measure,
                self.old_dir.display(),
                self.new_measure,
                self.new_dir.display()
            ));
        }
        if let Some(e) = self.evidence_words() {
            w.push(format!(
                "{e} (in {} and {})",
                self.old_dir.display(),
                self.new_dir.display()
            ));
        }
        if let Some(f) = self.small_areas_words() {
            w.push(f);
        }
        if let Some(b) = self.boundaries_words() {
            w.push(format!(
                "{b} (in {} and {})",
                self.old_dir.display(),
                self.new_dir.display()
            ));
        }
        if let Some(f) = self.figures_lost_words() {
            w.push(f);
        }
        w
    }

    /// The sentence on different evidence rules, or `None` when the runs count teams alike.
    fn evidence_words(&self) -> Option<String> {
        if !self.evidence_changed() {
            return None;
        }
        Some(format!(
            "the runs count teams by different evidence rules ({} → {}): a team counted in one run and not the other, and the areas it covers, may be so because of the rule, not because of new evidence or new teams",
            self.old_evidence, self.new_evidence
        ))
    }

    /// The sentence on other small-area files, or `None` when the runs read the same (or
    /// either had none).
    fn small_areas_words(&self) -> Option<String> {
        let (old, new) = self.small_areas_changed.as_ref()?;
        Some(format!(
            "the small areas' files changed ({old} → {new}), so the babies in the small areas by distance band change with them as well as with the teams"
        ))
    }

    /// The sentence on areas that lost their figure, or `None` when none did.
    fn figures_lost_words(&self) -> Option<String> {
        if self.figures_lost.is_empty() {
            return None;
        }
        let babies: u64 = self.figures_lost.iter().map(|(_, _, was)| was).sum();
        let named = crate::write::first_of(
            self.figures_lost
                .iter()
                .map(|(code, a, was)| format!("{} ({code}, {} before)", a.name, thousands(*was))),
            5,
        );
        Some(format!(
            "{} {} no figure in the new run: {named}; {} {} {} in the old run {} left out of the new totals, so totals and shares fall or rise with {}, not with the teams",
            self.figures_lost.len(),
            crate::write::plural(self.figures_lost.len(), "area has", "areas have"),
            crate::write::plural(self.figures_lost.len(), "its", "their"),
            thousands(babies),
            crate::write::plural(babies as usize, "baby", "babies"),
            crate::write::plural(babies as usize, "is", "are"),
            crate::write::plural(self.figures_lost.len(), "it", "them"),
        ))
    }

    /// The sentence on new figures for the same areas, or `None` when they are the same (or
    /// the runs count different measures, which is said instead).
    fn figures_revised_words(&self) -> Option<String> {
        let r = self.figures_revised?;
        let signed = |v: i64| fmt_delta("demand_covered", Some(v as f64));
        let total = r.from_coverage + r.from_figures;
        let another = format!(
            "{} {} in both runs {} another figure in the new run",
            r.areas,
            crate::write::plural(r.areas, "area", "areas"),
            crate::write::plural(r.areas, "has", "have"),
        );
        let one_run = |n: usize| {
            format!(
                "{n} {} a figure in one run only",
                crate::write::plural(n, "area has", "areas have")
            )
        };
        let have = match (r.areas, r.one_run_only) {
            (_, 0) => another,
            (0, n) => one_run(n),
            (_, n) => format!("{another} and {n} a figure in one run only"),
        };
        if self.newly_covered.is_empty() && self.newly_uncovered.is_empty() {
            // No change in babies in areas with a team to explain.
            if total == 0 {
                return None;
            }
            return Some(format!(
                "{have} and no area is newly covered or uncovered, so the change of {} in babies in areas with a team comes from the new figures alone, not from the teams",
                signed(total)
            ));
        }
        if r.with_a_team == 0 {
            // The areas with another figure have no team in either run: the change is the
            // teams' alone, not "from the new figures as well".
            return Some(format!(
                "{have}, {} with a team in both runs, so the change of {} in babies in areas with a team is all in the areas newly covered or uncovered (each counted at its figure in the run in which it has a team)",
                if r.areas + r.one_run_only == 1 {
                    "not an area"
                } else {
                    "none of them an area"
                },
                signed(total)
            ));
        }
        Some(format!(
            "{have}, so the change in babies below comes from the new figures as well as from the teams: of the {} babies in areas with a team, {} {} in the areas newly covered or uncovered (each counted at its figure in the run in which it has a team) and {} {} from the new figures for the areas with a team in both runs",
            signed(total),
            signed(r.from_coverage),
            crate::write::plural(r.from_coverage.unsigned_abs() as usize, "is", "are"),
            signed(r.from_figures),
            crate::write::plural(r.from_figures.unsigned_abs() as usize, "comes", "come"),
        ))
    }

    /// The sentence on different boundaries, or `None` when they are the same.
    fn boundaries_words(&self) -> Option<String> {
        if !self.boundaries_changed {
            return None;
        }
        let (old, new) = (&self.old_boundaries, &self.new_boundaries);
        Some(if self.areas_differ() {
            format!(
                "the runs use different boundaries ({old} → {new}), with different areas: a change in the areas or babies covered, in their share, or in the teams counted (those covering the areas given) would reflect the different areas, not new or closed teams, so no change is given for them; teams may also be listed as changed (covering other areas, or only areas outside the boundaries given), added or removed only because of the different areas"
            )
        } else {
            format!(
                "the runs use different boundaries ({old} → {new}) with the same area codes: a change in coverage may come from a team's base falling in another area as drawn, not from the teams"
            )
        })
    }

    /// `diff.md`'s section on the regions, upper tiers, ICBs and health boards: how many were
    /// compared and unchanged, then, by level and name, the figures of each that changed (old,
    /// new and the change, as for the nations), and those in one run only. `m` names the
    /// figure.
    fn rollups_markdown(&self, s: &mut String, m: &str) {
        if !self.rollups_not_compared.is_empty() {
            return;
        }
        let _ = writeln!(s, "\n## By region, upper tier, ICB and health board\n");
        let changed = self.rollups_compared - self.rollups_unchanged;
        let _ = writeln!(
            s,
            "{} {} in both runs: {} unchanged{}.",
            thousands(self.rollups_compared as u64),
            crate::write::plural(self.rollups_compared, "geography", "geographies"),
            thousands(self.rollups_unchanged as u64),
            match changed {
                0 => String::new(),
                n => format!(", {n} changed, listed below with only the figures that changed"),
            }
        );
        for (level, one, several) in ROLLUP_LEVELS {
            // Each geography of this level in both runs, by name, with its figures that changed.
            let mut rows: BTreeMap<(&str, &str), Vec<&Change>> = BTreeMap::new();
            for c in self.figures.iter().filter(|c| c.section == *level) {
                let in_one = self
                    .rollups_one_run
                    .iter()
                    .any(|(l, code, ..)| l == level && *code == c.code);
                if !in_one && c.old != c.new {
                    rows.entry((c.name.as_str(), c.code.as_str()))
                        .or_default()
                        .push(c);
                }
            }
            if rows.is_empty() {
                continue;
            }
            let _ = writeln!(s, "\n### {several} ({})\n", rows.len());
            let _ = writeln!(s, "| {one} | Figure | Old | New | Change |");
            let _ = writeln!(s, "|---|---|---:|---:|---:|");
            for ((name, code), changes) in rows {
                for c in changes {
                    let _ = writeln!(
                        s,
                        "| {} ({}) | {} | {} | {} | {} |",
                        md_cell(name),
                        md_cell(code),
                        field_words(c.field, m),
                        fmt_num(c.field, c.old),
                        fmt_num(c.field, c.new),
                        fmt_delta(c.field, c.delta())
                    );
                }
            }
        }
        for (in_new, title) in [(false, "old"), (true, "new")] {
            let only: Vec<_> = self
                .rollups_one_run
                .iter()
                .filter(|r| r.3 == in_new)
                .collect();
            if only.is_empty() {
                continue;
            }
            let _ = writeln!(s, "\n### Only in the {title} run ({})\n", only.len());
            // One line for each level, so that runs over different areas (hundreds of
            // geographies in one run only) stay readable.
            for (level, one, several) in ROLLUP_LEVELS {
                let names: Vec<String> = only
                    .iter()
                    .filter(|r| r.0 == *level)
                    .map(|r| format!("{} ({})", md_cell(&r.2), md_cell(&r.1)))
                    .collect();
                match names.len() {
                    0 => {}
                    1 => {
                        let _ = writeln!(s, "- {one}: {}", names[0]);
                    }
                    n => {
                        let _ = writeln!(s, "- {several} ({n}): {}", names.join(", "));
                    }
                }
            }
        }
    }

    /// `diff.md`, ready to paste into a briefing.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let words = |m: &str| -> String {
            if m.is_empty() {
                "figure".into()
            } else {
                m.into()
            }
        };
        let (old_m, new_m) = (words(&self.old_measure), words(&self.new_measure));
        // The rows are named by the figure when both runs count the same one.
        let m = if self.measure_changed() {
            "figure".to_string()
        } else {
            new_m.clone()
        };
        let m = m.as_str();
        let _ = writeln!(s, "# What changed between two covgap runs\n");
        let _ = writeln!(
            s,
            "- Old: `{}` ({old_m}, {})",
            self.old_dir.display(),
            self.old_period
        );
        let _ = writeln!(
            s,
            "- New: `{}` ({new_m}, {})\n",
            self.new_dir.display(),
            self.new_period
        );
        if !self.partial_nations.is_empty() {
            let _ = writeln!(
                s,
                "Not compared: {}, which one run gives a row of its own though only part of it is among the areas (a covgap from before 27 November 2026 did; covgap now gives a nation a total only when all of it is given).\n",
                self.partial_nations.join(", ")
            );
        }
        for d in &self.plans {
            let _ = writeln!(s, "{}.\n", Self::plan_words(d));
        }
        if self.unlocated_not_compared {
            let _ = writeln!(
                s,
                "Teams with no base are left out of the team comparison: one run's `teams.geojson` comes from a covgap that did not write them. The areas they cover still count.\n"
            );
        }
        if self.outside_not_compared {
            let _ = writeln!(
                s,
                "Teams serving only areas outside the boundaries given are left out of the team comparison: one run's `teams.geojson` comes from a covgap that did not list them.\n"
            );
        }
        if !self.rollups_not_compared.is_empty() {
            let _ = writeln!(
                s,
                "Regions, upper tiers, ICBs and health boards are not compared: {}.\n",
                self.rollups_not_compared.join("; ")
            );
        }
        if self.is_empty() {
            let _ = writeln!(s, "Nothing changed.");
            return s;
        }
        if self.measure_changed() {
            let _ = writeln!(
                s,
                "**The runs count different figures: {old_m} → {new_m}. The old and new totals below measure different things, so no change is given for them.**\n"
            );
        }
        bold_sentence(&mut s, self.evidence_words());
        bold_sentence(&mut s, self.small_areas_words());
        bold_sentence(&mut s, self.boundaries_words());
        bold_sentence(&mut s, self.figures_lost_words());
        if self.old_period != self.new_period {
            let _ = writeln!(
                s,
                "The figures' period changed: {} → {}.\n",
                self.old_period, self.new_period
            );
        }
        if self.source_changed() {
            let _ = writeln!(
                s,
                "The figures' source changed: {} → {}.\n",
                self.old_source, self.new_source
            );
        }
        bold_sentence(&mut s, self.figures_revised_words());
        let _ = writeln!(s, "## Headline\n");
        let _ = writeln!(s, "| Figure | Old | New | Change |");
        let _ = writeln!(s, "|---|---:|---:|---:|");
        for c in self.figures.iter().filter(|c| c.headline) {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                field_words(c.field, m),
                fmt_num(c.field, c.old),
                fmt_num(c.field, c.new),
                fmt_delta(c.field, c.delta())
            );
        }
        let _ = writeln!(s, "\n## By nation\n");
        let _ = writeln!(s, "| Nation | Figure | Old | New | Change |");
        let _ = writeln!(s, "|---|---|---:|---:|---:|");
        for c in self.figures.iter().filter(|c| c.section == "nation") {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                md_cell(&c.name),
                field_words(c.field, m),
                fmt_num(c.field, c.old),
                fmt_num(c.field, c.new),
                fmt_delta(c.field, c.delta())
            );
        }
        self.rollups_markdown(&mut s, m);
        // `others`: the teams of the other list (removed, for those `added`), to mark a team
        // alike to one of them in all but its name as most likely renamed.
        let team_list = |s: &mut String,
                         title: &str,
                         ts: &[TeamRow],
                         others: &[TeamRow],
                         added: bool| {
            let _ = writeln!(s, "\n## {title} ({})\n", ts.len());
            if ts.is_empty() {
                let _ = writeln!(s, "None.");
            }
            for t in ts {
                let renamed = match renamed_pair(t, ts, others, !added) {
                    Some(o) if added => format!(
                        "; most likely the removed \"{}\" renamed: the same host organisation, areas covered and base",
                        o.name
                    ),
                    Some(o) => format!(
                        "; most likely renamed the added \"{}\": the same host organisation, areas covered and base",
                        o.name
                    ),
                    None => String::new(),
                };
                let _ = writeln!(
                    s,
                    "- {}{} ({}; covers {}{}){renamed}",
                    t.name,
                    if t.host_org.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", t.host_org)
                    },
                    if t.counted { "counted" } else { "not counted" },
                    covers_words(&t.covers),
                    if t.outside {
                        "; serves only areas outside the boundaries given"
                    } else {
                        ""
                    }
                );
            }
        };
        team_list(
            &mut s,
            "Teams added",
            &self.teams_added,
            &self.teams_removed,
            true,
        );
        team_list(
            &mut s,
            "Teams removed",
            &self.teams_removed,
            &self.teams_added,
            false,
        );
        if !self.teams_changed.is_empty() {
            let _ = writeln!(s, "\n## Teams changed ({})\n", self.teams_changed.len());
            for (o, n) in &self.teams_changed {
                let mut what = Vec::new();
                if team_key(&o.host_org) != team_key(&n.host_org) {
                    what.push(format!(
                        "host organisation \"{}\" → \"{}\"",
                        o.host_org, n.host_org
                    ));
                }
                if o.counted != n.counted {
                    what.push(format!(
                        "{} → {}",
                        if o.counted { "counted" } else { "not counted" },
                        if n.counted { "counted" } else { "not counted" }
                    ));
                }
                if o.outside != n.outside {
                    what.push(format!("{} → {}", outside_words(o), outside_words(n)));
                }
                if !same_covers(&o.covers, &n.covers) {
                    what.push(format!(
                        "covers {} → {}",
                        covers_words(&o.covers),
                        covers_words(&n.covers)
                    ));
                }
                what.extend(base_change(o, n));
                let _ = writeln!(s, "- {}: {}", n.name, what.join("; "));
            }
        }
        if !self.teams_renamed.is_empty() {
            let _ = writeln!(
                s,
                "\n## Teams renamed, in case or spacing only ({})\n\nThe same teams, compared as one: covgap tells teams apart by name, case and spacing aside.\n",
                self.teams_renamed.len()
            );
            for (o, n) in &self.teams_renamed {
                let _ = writeln!(s, "- \"{}\" → \"{}\"", o.name, n.name);
            }
        }
        // `teams`: what the last column gives, "now" (the new run's teams) or "before" (the
        // old run's, for areas with none now).
        let area_table = |s: &mut String, title: &str, rows: &[(String, AreaRow)], teams: &str| {
            let _ = writeln!(s, "\n## {title} ({})\n", rows.len());
            if rows.is_empty() {
                let _ = writeln!(s, "None.");
                return;
            }
            let _ = writeln!(s, "| Code | Area | {m} | Teams {teams} |");
            let _ = writeln!(s, "|---|---|---:|---|");
            for (code, a) in rows {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} |",
                    md_cell(code),
                    md_cell(&a.name),
                    a.figure.map(thousands).unwrap_or_else(|| "n/a".into()),
                    md_cell(&a.teams)
                );
            }
        };
        area_table(&mut s, "Areas newly covered", &self.newly_covered, "now");
        area_table(
            &mut s,
            "Areas newly uncovered",
            &self.newly_uncovered,
            "before",
        );
        if !self.figures_lost.is_empty() {
            let _ = writeln!(
                s,
                "\n## Areas with no figure now ({})\n",
                self.figures_lost.len()
            );
            let _ = writeln!(s, "| Code | Area | {m} before |");
            let _ = writeln!(s, "|---|---|---:|");
            for (code, a, was) in &self.figures_lost {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} |",
                    md_cell(code),
                    md_cell(&a.name),
                    thousands(*was)
                );
            }
        }
        if !self.figures_gained.is_empty() {
            area_table(
                &mut s,
                "Areas with a figure now, none before",
                &self.figures_gained,
                "now",
            );
        }
        if !self.areas_added.is_empty() || !self.areas_removed.is_empty() {
            area_table(
                &mut s,
                "Areas only in the new run",
                &self.areas_added,
                "now",
            );
            area_table(
                &mut s,
                "Areas only in the old run",
                &self.areas_removed,
                "before",
            );
        }
        s
    }

    /// `diff.csv`: one row per change, columns
    /// `section,code,name,field,old,new,change`.
    pub fn csv(&self) -> Vec<u8> {
        let header = ["section", "code", "name", "field", "old", "new", "change"];
        let mut rows: Vec<Vec<String>> = Vec::new();
        // Shares to one decimal, as every output gives them (19.0, not 19); counts as they are.
        let raw = |v: Option<f64>, field: &str| match (v, field.starts_with("percent")) {
            (Some(x), true) => format!("{x:.1}"),
            (Some(x), false) => format!("{x}"),
            (None, _) => String::new(),
        };
        // What the figures are: a row for each description that changed.
        for (field, old, new, changed) in [
            (
                "measure",
                &self.old_measure,
                &self.new_measure,
                self.measure_changed(),
            ),
            (
                "evidence",
                &self.old_evidence,
                &self.new_evidence,
                self.evidence_changed(),
            ),
            (
                "period",
                &self.old_period,
                &self.new_period,
                self.old_period != self.new_period,
            ),
            (
                "figures_source",
                &self.old_source,
                &self.new_source,
                self.source_changed(),
            ),
            (
                "boundaries",
                &self.old_boundaries,
                &self.new_boundaries,
                self.boundaries_changed,
            ),
        ]
        .into_iter()
        .chain(
            self.small_areas_changed
                .as_ref()
                .map(|(o, n)| ("small_area_files", o, n, true)),
        ) {
            if changed {
                rows.push(vec![
                    "headline".into(),
                    self.total.0.clone(),
                    self.total.1.clone(),
                    field.into(),
                    old.clone(),
                    new.clone(),
                    String::new(),
                ]);
            }
        }
        for c in &self.figures {
            rows.push(vec![
                c.section.into(),
                c.code.clone(),
                c.name.clone(),
                c.field.into(),
                raw(c.old, c.field),
                raw(c.new, c.field),
                c.delta()
                    .map(|x| match c.field.starts_with("percent") {
                        true => format!("{x:.1}"),
                        false => format!("{}", crate::write::round(x, 2)),
                    })
                    .unwrap_or_default(),
            ]);
        }
        let team = |section: &str, t: &TeamRow, old: String, new: String| {
            vec![
                section.to_string(),
                String::new(),
                t.name.clone(),
                "counted".into(),
                old,
                new,
                String::new(),
            ]
        };
        // A team added and one removed alike in all but their names are each marked, in the
        // `change` column, as most likely the other renamed, as diff.md marks them.
        for t in &self.teams_added {
            let mut r = team("team_added", t, String::new(), t.counted.to_string());
            if let Some(o) = renamed_pair(t, &self.teams_added, &self.teams_removed, false) {
                r[6] = format!("most likely the removed \"{}\" renamed", o.name);
            }
            rows.push(r);
        }
        for t in &self.teams_removed {
            let mut r = team("team_removed", t, t.counted.to_string(), String::new());
            if let Some(o) = renamed_pair(t, &self.teams_removed, &self.teams_added, true) {
                r[6] = format!("most likely renamed the added \"{}\"", o.name);
            }
            rows.push(r);
        }
        for (o, n) in &self.teams_changed {
            if team_key(&o.host_org) != team_key(&n.host_org) {
                let mut r = team("team_changed", n, o.host_org.clone(), n.host_org.clone());
                r[3] = "host_org".into();
                rows.push(r);
            }
            if o.counted != n.counted {
                rows.push(team(
                    "team_changed",
                    n,
                    o.counted.to_string(),
                    n.counted.to_string(),
                ));
            }
            if o.outside != n.outside {
                let mut r = team(
                    "team_changed",
                    n,
                    o.outside.to_string(),
                    n.outside.to_string(),
                );
                r[3] = "outside_boundaries".into();
                rows.push(r);
            }
            if !same_covers(&o.covers, &n.covers) {
                let mut r = team("team_changed", n, o.covers.clone(), n.covers.clone());
                r[3] = "covers".into();
                rows.push(r);
            }
            if base_change(o, n).is_some() {
                // The base as "latitude, longitude" (blank for none), and how far it moved.
                let at = |t: &TeamRow| {
                    t.at.map(|(x, y)| format!("{y:.6}, {x:.6}"))
                        .unwrap_or_default()
                };
                let mut r = team("team_changed", n, at(o), at(n));
                r[3] = "base".into();
                r[6] = n
                    .moved_km(o)
                    .map(|km| format!("{}", crate::write::round(km, 2)))
                    .unwrap_or_default();
                rows.push(r);
            }
        }
        for (o, n) in &self.teams_renamed {
            let mut r = team("team_renamed", n, o.name.clone(), n.name.clone());
            r[3] = "name".into();
            rows.push(r);
        }
        let area = |section: &str, code: &str, a: &AreaRow, old: &str, new: &str| {
            vec![
                section.to_string(),
                code.to_string(),
                a.name.clone(),
                "covered".into(),
                old.to_string(),
                new.to_string(),
                String::new(),
            ]
        };
        for (c, a) in &self.newly_covered {
            rows.push(area("area_newly_covered", c, a, "false", "true"));
        }
        for (c, a) in &self.newly_uncovered {
            rows.push(area("area_newly_uncovered", c, a, "true", "false"));
        }
        for (c, a) in &self.areas_added {
            rows.push(area("area_added", c, a, "", &a.covered.to_string()));
        }
        for (c, a) in &self.areas_removed {
            rows.push(area("area_removed", c, a, &a.covered.to_string(), ""));
        }
        let figure = |section: &str, code: &str, a: &AreaRow, old: String, new: String| {
            let mut r = area(section, code, a, "", "");
            r[3] = "figure".into();
            (r[4], r[5]) = (old, new);
            r
        };
        for (c, a, was) in &self.figures_lost {
            rows.push(figure(
                "area_figure_lost",
                c,
                a,
                was.to_string(),
                String::new(),
            ));
        }
        for (c, a) in &self.figures_gained {
            let now = a.figure.map(|f| f.to_string()).unwrap_or_default();
            rows.push(figure("area_figure_gained", c, a, String::new(), now));
        }
        excel_csv(&header, &rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A base moved 33 m is said in metres, one moved 5.6 km in km, one moved 5 cm not at all.
    #[test]
    fn a_moved_base_is_said_in_metres_or_km() {
        let at = |lat: f64| TeamRow {
            name: "T".into(),
            host_org: String::new(),
            counted: true,
            covers: String::new(),
            outside: false,
            located: true,
            at: Some((-3.0, lat)),
        };
        let base = at(53.8);
        assert_eq!(
            base_change(&base, &at(53.8003)).as_deref(),
            Some("base moved 33 m")
        );
        assert_eq!(
            base_change(&base, &at(53.85)).as_deref(),
            Some("base moved 5.6 km")
        );
        assert_eq!(base_change(&base, &at(53.8000005)), None);
    }
}
