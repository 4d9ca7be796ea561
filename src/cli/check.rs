//! `covgap check`: every input `run`, `plan` or `assign` would read, checked, and nothing written.

use std::path::PathBuf;

use clap::Args;

use covgap::error::{Diagnostics, Severity};
use covgap::plan::instance::RankBy;

use super::assign::PointColumnArgs;
use super::plan::{read_site_list, PlanFiles};
use super::{figure_flags_misused, report, Bar, FigureArgs, InputArgs, SmallAreaArgs};

#[derive(Args, Debug)]
pub(super) struct CheckArgs {
    #[command(flatten)]
    inputs: InputArgs,
    // The small-area flags of `run`, so that `run` can be swapped for `check` in a command
    // line; --small-areas-geojson is accepted and ignored.
    #[command(flatten)]
    small: SmallAreaArgs,
    /// A points file for `assign --points` (CSV or workbook), read and placed as `assign` would
    /// (a CSV streamed, so any size), writing nothing: lists the rows it could not locate or that fall inside no area
    /// (the first 10 of each, and how many more). Postcodes are looked up in --postcodes when given.
    #[arg(long, value_name = "FILE")]
    points: Option<PathBuf>,
    #[command(flatten)]
    columns: PointColumnArgs,
    // `plan`'s own files, read as `plan` reads them (a --deprivation table only when given).
    #[command(flatten)]
    plan_files: PlanFiles,
    // Last: the heading this group sets would otherwise carry over to the flags after it.
    #[command(flatten)]
    figures: FigureArgs,
}

pub(super) fn run(args: CheckArgs) -> i32 {
    let mut diag = Diagnostics::new();
    let quiet = args.inputs.quiet;
    let small_inputs = args.small.to_inputs();
    // Problems that stop an input being read at all. Each input is still tried, so that one
    // check lists the problems of all of them.
    let mut fatal: Vec<covgap::error::Error> = Vec::new();
    if args.small.small_areas_geojson {
        diag.note(
            "--small-areas-geojson",
            None,
            "check writes nothing; the flag is accepted so that a `run` command line can be checked as it is",
        );
    }
    let inputs = args.inputs.to_inputs(Some(&args.figures));
    if figure_flags_misused(&inputs) {
        return 2;
    }
    let study = covgap::load::load(&inputs, &mut diag);
    // Read as `run` reads them (see covgap::analyse_inputs_with), with the same measure.
    let small = if small_inputs.is_empty() {
        None
    } else {
        match covgap::small_areas::read(&small_inputs, args.figures.measure, &mut diag) {
            Ok(read) => Some(read),
            Err(e) => {
                fatal.push(e);
                None
            }
        }
    };
    let study = match study {
        Ok(s) => s,
        Err(e) => {
            // A deprivation table is read on its own, as the figures and team list are.
            if !args.plan_files.deprivation.is_empty() {
                if let Err(e) = covgap::read::deprivation::read_deprivation_tables(
                    &args.plan_files.deprivation_inputs(),
                ) {
                    fatal.push(e);
                }
            }
            report(&diag, quiet);
            say!("covgap: {e}");
            for e in &fatal {
                say!("covgap: {e}");
            }
            let more = diag.error_count() + fatal.len();
            let listed = if more > 0 {
                format!(
                    "; {more} more {} listed above",
                    covgap::write::plural(more, "error", "errors")
                )
            } else {
                String::new()
            };
            say!(
                "covgap check: stopped{listed}. Teams' areas and bases, and the figures' area codes, are matched against the areas, so they were not checked"
            );
            if let Some(p) = &args.points {
                say!(
                    "covgap check: {} was not checked: placing its points needs the districts",
                    p.display()
                );
            }
            for (flag, list) in [
                ("--candidates", &args.plan_files.candidates),
                ("--what-if", &args.plan_files.what_if),
            ] {
                if let Some(p) = list {
                    say!(
                        "covgap check: {} ({flag}) was not checked: its sites' areas and bases are matched against the areas",
                        p.display()
                    );
                }
            }
            return 1;
        }
    };
    // Areas with no figure are left out of every total `run` gives: say how many. When none
    // has one and an error was found, the figures were not read (or matched no area): said so,
    // not as if the table had left every area out.
    let without_figure = match study.areas.iter().filter(|a| a.figure.is_none()).count() {
        0 => String::new(),
        n if n == study.areas.len() && diag.error_count() > 0 => {
            " (no figure counted for any: see the errors above)".to_string()
        }
        n => format!(
            " ({} with no figure, left out of totals)",
            covgap::write::thousands(n as u64)
        ),
    };
    // Teams as summary.md counts them: of the whole list, those serving only areas outside
    // the boundaries given said apart (not left out of the count, which would read as teams
    // lost from the list).
    let in_list = study.teams.len() + study.beyond.len();
    let beyond = match study.beyond.len() {
        0 => String::new(),
        n => format!(
            "; {n} {} only areas outside the boundaries given{}",
            covgap::write::plural(n, "serves", "serve"),
            if study
                .beyond
                .iter()
                .any(|t| t.serves.is_empty() && t.base.is_none())
            {
                " or not known to be in them"
            } else {
                ""
            }
        ),
    };
    // A list that could not be read is not a list of no teams: its error is above.
    let teams = if study.team_list_read {
        format!(
            "{} {}{} ({} counted{beyond})",
            in_list,
            covgap::write::plural(in_list, "team", "teams"),
            if study.beyond.is_empty() {
                ""
            } else {
                " in the list"
            },
            study.teams.iter().filter(|t| t.counted).count()
        )
    } else {
        "teams not read (see the error above)".to_string()
    };
    let mut parts = vec![format!(
        "{} {}{without_figure}, {teams}",
        covgap::write::thousands(study.areas.len() as u64),
        covgap::write::plural(study.areas.len(), "area", "areas"),
    )];
    // Small areas are placed in the districts as `run` places them, so that its notes (small
    // areas off the coast, districts keeping their interior point) show here too.
    let analysis = match small {
        Some(read) => covgap::analyse_with_small_areas_reported(study, read, &mut diag),
        None => covgap::analyse(study),
    };
    if let Some(sm) = &analysis.small_areas {
        for n in sm.other_notes() {
            diag.note("small areas", None, n.clone());
        }
        let placed = sm.areas.iter().filter(|a| a.district.is_some()).count();
        // The figure total of the small areas placed: those left out count in no figure.
        let figure: u64 = sm
            .areas
            .iter()
            .filter(|a| a.district.is_some())
            .filter_map(|a| a.figure)
            .sum();
        let left_out = match sm.left_out.total() {
            (0, _) => String::new(),
            (n, babies) => format!(
                ", {} left out (outside every district, {} babies)",
                covgap::write::thousands(n as u64),
                covgap::write::thousands(babies)
            ),
        };
        parts.push(format!(
            "{} small {} read, {} placed in a district{left_out}, figure total {}",
            covgap::write::thousands(sm.areas.len() as u64),
            covgap::write::plural(sm.areas.len(), "area", "areas"),
            covgap::write::thousands(placed as u64),
            covgap::write::thousands(figure)
        ));
    } else if !small_inputs.is_empty() {
        parts.push("small areas not read".into());
    }
    check_plan_files(
        &args.plan_files,
        &args.inputs,
        &analysis.study,
        &mut diag,
        &mut fatal,
        &mut parts,
    );
    if let Some(points) = &args.points {
        // Read and placed by assign's own code, with the postcode directory assign would use.
        let input = covgap::assign::PointsInput {
            points: points.clone(),
            columns: args.columns.to_columns(),
            postcodes: args.inputs.postcodes.clone(),
            sheet: args.columns.points_sheet.clone(),
            ..Default::default()
        };
        let assigner = covgap::assign::Assigner::new(&analysis.study, &analysis.coverage);
        let bar = Bar::new(points, "checking", quiet);
        let outcome = covgap::assign::check_file(&assigner, &input, bar.progress());
        bar.finish();
        match outcome {
            Ok(stats) => {
                stats.report(&points.display().to_string(), &mut diag);
                let n = covgap::write::thousands;
                let grid = match stats.grid_not_known {
                    0 => String::new(),
                    g => format!("; {} on a grid covgap does not know", n(g)),
                };
                parts.push(format!(
                    "{} {} of points read: {} located, {} inside an area; {} not located{grid}",
                    n(stats.rows),
                    covgap::write::plural(stats.rows as usize, "row", "rows"),
                    n(stats.located_total()),
                    n(stats.in_area),
                    n(stats.not_located)
                ));
            }
            Err(e) => {
                fatal.push(e);
                parts.push("points not read".into());
            }
        }
    }
    report(&diag, quiet);
    for e in &fatal {
        say!("covgap: {e}");
    }
    let errors = diag.error_count() + fatal.len();
    let warnings = diag.count(Severity::Warning);
    // With -q the warnings are counted but not listed; say so, so the count is not a puzzle.
    let unlisted = if quiet && warnings > 0 {
        ", not listed with -q"
    } else {
        ""
    };
    say!(
        "covgap check: {}; {errors} {}, {warnings} {}{unlisted}",
        parts.join("; "),
        covgap::write::plural(errors, "error", "errors"),
        covgap::write::plural(warnings, "warning", "warnings"),
    );
    i32::from(errors > 0)
}

/// For `check`: `plan`'s candidate and what-if lists, read as `plan` reads them, and a
/// deprivation table given, which must have a share for every district with demand, as
/// `plan --rank-by need` (which a table given implies) requires. What stops a file being read
/// goes to `fatal`; the summary line's part for each file to `parts`.
fn check_plan_files(
    files: &PlanFiles,
    inputs: &InputArgs,
    study: &covgap::model::Study,
    diag: &mut Diagnostics,
    fatal: &mut Vec<covgap::error::Error>,
    parts: &mut Vec<String>,
) {
    let postcodes = inputs.postcodes.as_deref();
    for (flag, path, sheet) in [
        (
            "--candidates",
            &files.candidates,
            (files.candidates_sheet.clone(), "--candidates-sheet"),
        ),
        (
            "--what-if",
            &files.what_if,
            (files.what_if_sheet.clone(), "--what-if-sheet"),
        ),
    ] {
        let errors_before = diag.error_count();
        let candidates = flag == "--candidates";
        match read_site_list(path, sheet, postcodes, study, false, candidates, diag) {
            Ok(None) => {}
            // As `plan` says it when no row has a problem of its own.
            // No site read: said so, not as "0 sites", and, as `plan` says it, an error of
            // its own for candidates when no row has one.
            Ok(Some(sites)) if sites.is_empty() => {
                if flag == "--candidates" && diag.error_count() == errors_before {
                    diag.error(flag, None, "the file lists no usable site");
                }
                parts.push(format!("{flag}: no usable site"));
            }
            Ok(Some(sites)) => parts.push(format!(
                "{} {} in {flag}",
                sites.len(),
                covgap::write::plural(sites.len(), "site", "sites")
            )),
            Err(e) => {
                fatal.push(e);
                parts.push(format!("{flag} not read"));
            }
        }
    }
    if files.deprivation.is_empty() {
        return;
    }
    match covgap::read::deprivation::read_deprivation_tables(&files.deprivation_inputs()) {
        Ok(mut need) => {
            need.combine_for_areas(&study.areas, diag);
            match covgap::plan::instance::DemandPoints::districts(study, RankBy::Need, Some(&need))
            {
                Ok(_) => parts.push(format!(
                    "deprivation shares for {} {}",
                    need.districts.len(),
                    covgap::write::plural(need.districts.len(), "district", "districts")
                )),
                Err(e) => {
                    fatal.push(e);
                    parts.push("deprivation shares missing".into());
                }
            }
        }
        Err(e) => {
            fatal.push(e);
            parts.push("deprivation not read".into());
        }
    }
}
