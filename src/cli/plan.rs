//! `covgap plan`: where new teams would newly cover the most babies, and the fewest teams that
//! give each geography one.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use covgap::error::Diagnostics;
use covgap::load::Counting;
use covgap::plan::instance::{Model, RankBy};
use covgap::plan::ByLevel;
use covgap::read::Input;

use super::{
    figure_flags_misused, hold_folders, report, report_written, FigureArgs, InputArgs,
    SmallAreaArgs,
};

/// The files only `plan` reads, which `check` reads as `plan` would.
#[derive(Args, Debug)]
pub(super) struct PlanFiles {
    /// Candidate sites, in any form --teams takes (CSV or workbook; name plus areas,
    /// coordinates, postcode or postcode district); every row is a candidate. [default: every district without a
    /// team; with areas smaller than districts as boundaries, a team in each built-in district
    /// holding one without a team, covering every area lying in it]
    #[arg(long, value_name = "FILE")]
    pub(super) candidates: Option<PathBuf>,
    /// The sheet of a --candidates workbook.
    /// [default: the first sheet with a team name column, visible sheets first]
    #[arg(long, value_name = "NAME", requires = "candidates")]
    pub(super) candidates_sheet: Option<String>,
    /// Teams to add as existing before planning (e.g. teams in development); the same forms
    /// as --teams (CSV or workbook), every row counted.
    #[arg(long, value_name = "FILE")]
    pub(super) what_if: Option<PathBuf>,
    /// The sheet of a --what-if workbook (which may be the --teams workbook, on another sheet).
    /// [default: the first sheet with a team name column, visible sheets first]
    #[arg(long, value_name = "NAME", requires = "what_if")]
    pub(super) what_if_sheet: Option<String>,
    /// Deprivation table for --rank-by need (implies it): CSV or workbook (its first sheet
    /// with the columns below), one row per district, with
    /// columns `code` (district code), `most_deprived_decile_share` (0 to 1: the share of the
    /// district's small areas in its nation's most deprived 10%; also found under the headers
    /// of the published district summaries) and optionally `index` (the index the share comes
    /// from, for reports; default: the file name). Repeat it to give one table a nation. Every
    /// district with demand needs a row; a small area takes its district's share.
    /// [default: built-in, data/deprivation.csv]
    #[arg(long, value_name = "FILE")]
    pub(super) deprivation: Vec<PathBuf>,
}

impl PlanFiles {
    /// The deprivation tables to read: those given, or the built-in one.
    pub(super) fn deprivation_inputs(&self) -> Vec<Input> {
        if self.deprivation.is_empty() {
            vec![covgap::builtin::deprivation()]
        } else {
            self.deprivation.iter().cloned().map(Input::File).collect()
        }
    }
}

/// A `--candidates` or `--what-if` list, read as `plan` reads it: the same forms as
/// `--teams`, every row counted, every area it names and every base within the boundaries.
/// With `radius`, a site serving only districts outside boundaries for part of the UK that
/// has a base is kept, as a team of the `--teams` list is: it reaches the areas given within
/// the radius of its base (a planned team in Chester reaches Flintshire on Wales's districts).
/// Without one it covers none of them, and is left out with the note that says so. With
/// `candidates`, rows that are one site listed twice are warned of
/// ([`covgap::plan::warn_repeated_sites`]), and in either list, rows named as counted teams of
/// the study's team list ([`covgap::plan::warn_sites_named_as_teams`]).
pub(super) fn read_site_list(
    path: &Option<PathBuf>,
    sheet: (Option<String>, &'static str),
    postcodes: Option<&std::path::Path>,
    study: &covgap::model::Study,
    radius: bool,
    candidates: bool,
    diag: &mut Diagnostics,
) -> Result<Option<Vec<covgap::model::Team>>, covgap::error::Error> {
    let Some(p) = path else {
        return Ok(None);
    };
    let areas = &study.areas;
    let input = Input::File(p.clone());
    let columns = covgap::read::teams::TeamColumns {
        sheet: sheet.0,
        sheet_flag: sheet.1,
        ..Default::default()
    };
    let (mut teams, _, beyond, _) = covgap::load::resolve_teams(
        &input,
        &columns,
        postcodes,
        Counting::All,
        false,
        areas,
        diag,
    )
    .map_err(|e| match e {
        // A list of candidates lists sites, not teams.
        covgap::error::Error::Format { path, message }
            if candidates && message == covgap::read::teams::NO_ROWS =>
        {
            covgap::error::Error::Format {
                path,
                message: "has a header but no rows: it lists no candidate sites".into(),
            }
        }
        e => e,
    })?;
    if radius {
        // In list order, as the sites within the boundaries are.
        teams.extend(
            beyond
                .iter()
                .filter(|b| b.base.is_some())
                .map(covgap::model::TeamBeyond::as_team),
        );
        teams.sort_by_key(|t| t.line);
    }
    if candidates {
        covgap::plan::warn_repeated_sites(&input.label(), &teams, areas, diag);
    }
    covgap::plan::warn_sites_named_as_teams(&input.label(), &teams, study, candidates, diag);
    Ok(Some(teams))
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args(["add", "by"])))]
pub(super) struct PlanArgs {
    #[command(flatten)]
    inputs: InputArgs,
    /// Number of new team sites to choose (1 or more).
    #[arg(long, value_name = "N", value_parser = parse_add, allow_negative_numbers = true)]
    add: Option<usize>,
    #[command(flatten)]
    files: PlanFiles,
    /// A team covers every district (every small area, with --small-areas) whose
    /// representative point lies within KM kilometres of its base (straight line on British
    /// National Grid), plus the districts its list entry names. [default: a team covers the
    /// district it is in, or the districts it names]
    #[arg(long, value_name = "KM", value_parser = parse_radius, allow_negative_numbers = true)]
    radius: Option<f64>,
    /// Which geographies have no team, and the fewest new teams that give each one a team.
    #[arg(long, value_enum)]
    by: Option<ByLevel>,
    /// What a newly covered baby counts for: the figure (births), or the figure weighted by
    /// deprivation (need). [default: births; need when --deprivation is given]
    #[arg(long, value_enum)]
    rank_by: Option<RankBy>,
    /// Also write the exact problem solved (demand, sites, coverage) as JSON to FILE (format
    /// covgap-plan-instance/2; see the README).
    #[arg(long, value_name = "FILE")]
    export_instance: Option<PathBuf>,
    /// Time limit for the exact solve; past it the best plan found is reported as unproven.
    /// More than 1000000000 (about 32 years) means no limit.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0, value_parser = parse_seconds, allow_negative_numbers = true)]
    exact_seconds: f64,
    /// Folder to write the outputs into (created if needed).
    #[arg(long, default_value = "covgap-plan", value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    small: SmallAreaArgs,
    // Last: the heading this group sets would otherwise carry over to the flags after it.
    #[command(flatten)]
    figures: FigureArgs,
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("{s:?} is not a number of seconds (0 or more)")),
    }
}

fn parse_add(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("0 chooses no site: give 1 or more, or give --by alone".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{s:?} is not a number of sites (1 or more)")),
    }
}

fn parse_radius(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!(
            "{s:?} is not a distance in kilometres greater than 0"
        )),
    }
}

pub(super) fn run(args: PlanArgs) -> i32 {
    let started = Instant::now();
    let quiet = args.inputs.quiet;
    let fail = |e: &dyn std::fmt::Display| {
        say!("covgap: {e}");
        1
    };
    let rank_by = match (args.rank_by, args.files.deprivation.first()) {
        (Some(RankBy::Births), Some(_)) => {
            say!("covgap: --deprivation gives need weights, but --rank-by births ignores them; use --rank-by need (or leave --rank-by out)");
            return 2;
        }
        (Some(r), _) => r,
        (None, Some(_)) => RankBy::Need,
        (None, None) => RankBy::Births,
    };
    let inputs = args.inputs.to_inputs(Some(&args.figures));
    if figure_flags_misused(&inputs) {
        return 2;
    }
    let small_inputs = args.small.to_inputs();
    let need_inputs = args.files.deprivation_inputs();
    // Each input file's size and time, before anything reads it, for run.json.
    let mut record = covgap::write::run::InputRecord::note(covgap::write::run::inputs_read(
        &inputs,
        &small_inputs,
    ));
    let mut plan_inputs: Vec<(&str, Input)> = need_inputs
        .iter()
        .map(|i| ("deprivation", i.clone()))
        .collect();
    for (role, path) in [
        ("candidates", &args.files.candidates),
        ("what_if", &args.files.what_if),
    ] {
        if let Some(p) = path {
            plan_inputs.push((role, Input::File(p.clone())));
        }
    }
    record.note_more(plan_inputs);
    let input_paths = record.paths();
    // The deprivation table first: a bad one fails before the slower inputs are read.
    let mut need = match covgap::read::deprivation::read_deprivation_tables(&need_inputs) {
        Ok(d) => d,
        Err(e) => return fail(&e),
    };
    let mut diag = Diagnostics::new();
    let study = covgap::load::load(&inputs, &mut diag);
    let study = match study {
        Ok(s) => s,
        Err(e) => {
            report(&diag, quiet);
            return fail(&e);
        }
    };
    // A table in district codes from before 2020, 2021 or 2023: shares combined for the
    // districts that replaced them (said only when the shares weigh anything).
    let mut combining = Diagnostics::new();
    need.combine_for_areas(&study.areas, &mut combining);
    if rank_by == RankBy::Need {
        for p in combining.problems() {
            diag.push(p.severity, &p.source, p.place, p.message.clone());
        }
    }
    let small = if small_inputs.is_empty() {
        None
    } else {
        match covgap::small_areas::read(&small_inputs, study.demand.measure, &mut diag) {
            Ok(r) => Some(r),
            Err(e) => {
                report(&diag, quiet);
                return fail(&e);
            }
        }
    };
    let postcodes = inputs.postcodes.as_deref();
    let radius = args.radius.is_some();
    let lists = read_site_list(
        &args.files.candidates,
        (args.files.candidates_sheet.clone(), "--candidates-sheet"),
        postcodes,
        &study,
        radius,
        true,
        &mut diag,
    )
    .and_then(|c| {
        let w = read_site_list(
            &args.files.what_if,
            (args.files.what_if_sheet.clone(), "--what-if-sheet"),
            postcodes,
            &study,
            radius,
            false,
            &mut diag,
        )?;
        Ok((c, w))
    });
    report(&diag, quiet);
    record.keep_problems(&diag);
    let (candidates, what_if) = match lists.and_then(|l| diag.into_result().map(|_| l)) {
        Ok(l) => l,
        Err(e) => return fail(&e),
    };
    if candidates.as_ref().is_some_and(|c| c.is_empty()) {
        return fail(&"--candidates: the file lists no usable site");
    }
    // With small areas, each district's point moves to their weighted centroid before
    // planning: default candidate sites stand there.
    let mut placing = Diagnostics::new();
    let analysis = match small {
        Some(read) => covgap::analyse_with_small_areas_reported(study, read, &mut placing),
        None => covgap::analyse(study),
    };
    // Small areas left out (far outside every district): on stderr and in run.json, as `run`.
    report(&placing, quiet);
    for p in placing.problems() {
        diag.push(p.severity, &p.source, p.place, p.message.clone());
    }
    record.keep_problems(&diag);
    if let Err(e) = placing.into_result() {
        return fail(&e);
    }
    let options = covgap::plan::Options {
        add: args.add.unwrap_or(0),
        model: args.radius.map_or(Model::District, Model::Radius),
        rank_by,
        by: args.by,
        limits: covgap::plan::exact::Limits {
            seconds: args.exact_seconds,
            ..Default::default()
        },
        candidates_source: args
            .files
            .candidates
            .as_ref()
            .map(|p| p.display().to_string()),
    };
    let plan = match covgap::plan::plan(
        &analysis.study,
        analysis.small_areas.as_ref(),
        what_if.as_deref().unwrap_or(&[]),
        candidates.as_deref(),
        Some(&need),
        &options,
    ) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    let mut files = covgap::write::plan::files(
        &analysis.study,
        analysis.render_with(args.small.small_areas_geojson),
        &plan,
    );
    // run.json: what this plan read (its own tables too, noted when the plan began) and how
    // it was asked.
    let path_text = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
    let plan_options = serde_json::json!({
            "add": options.add,
            "radius_km": args.radius,
            "by": options.by.map(|b| b.key()),
            "rank_by": options.rank_by.key(),
            "deprivation": (!args.files.deprivation.is_empty()).then(|| {
                args.files.deprivation.iter().map(|p| p.display().to_string()).collect::<Vec<_>>()
            }),
            "candidates": path_text(&args.files.candidates),
            "candidates_sheet": args.files.candidates_sheet,
            "what_if": path_text(&args.files.what_if),
            "what_if_sheet": args.files.what_if_sheet,
            "exact_seconds": args.exact_seconds,
            "export_instance": path_text(&args.export_instance),
    });
    let instance = args.export_instance.as_ref().map(|path| {
        (
            path.clone(),
            plan.instance
                .to_json(Some(covgap::write::plan::solutions(&plan))),
        )
    });
    let export_dir = instance
        .as_ref()
        .and_then(|(p, _)| p.parent().filter(|d| !d.as_os_str().is_empty()));
    // An instance written into the output folder is one of the plan's outputs there:
    // run.json's `outputs` records it, so that a later run or plan into the folder clears it
    // with the rest (while it is as written). One written elsewhere is not in the folder:
    // `plan.export_instance` gives its path.
    let instance_name = instance.as_ref().and_then(|(path, _)| {
        let name = path.file_name()?.to_str()?;
        covgap::write::same_folder(export_dir.unwrap_or(std::path::Path::new("")), &args.out)
            .then(|| name.to_string())
    });
    // Recorded among the outputs for run.json only: it is put in place under the path given.
    if let (Some(name), Some((_, bytes))) = (&instance_name, &instance) {
        files.push(covgap::write::OutputFile {
            name: name.clone(),
            bytes: bytes.clone(),
        });
    }
    let run_json = covgap::write::run::json(
        &mut record,
        &inputs,
        &small_inputs,
        &analysis.study,
        analysis.small_areas.as_ref(),
        Some(&plan_options),
        &files,
    );
    if instance_name.is_some() {
        files.pop();
    }
    match run_json {
        Ok(bytes) => files.push(covgap::write::OutputFile {
            name: "run.json".into(),
            bytes,
        }),
        Err(e) => return fail(&e),
    }
    // The instance goes with the outputs: either all of them are put in place, or none is.
    let mut placed: Vec<(PathBuf, &[u8])> = files
        .iter()
        .map(|f| (args.out.join(&f.name), f.bytes.as_slice()))
        .collect();
    if let Some((path, bytes)) = &instance {
        placed.push((path.clone(), bytes.as_slice()));
    }
    if let Err(e) =
        covgap::write::folder_for_output(&args.out, "give --out a folder").and_then(|_| {
            match export_dir {
                Some(d) => {
                    covgap::write::folder_for_output(d, "give --export-instance a file in a folder")
                }
                None => Ok(()),
            }
        })
    {
        return fail(&e);
    }
    let held: Vec<&std::path::Path> = std::iter::once(args.out.as_path())
        .chain(export_dir)
        .collect();
    let _hold = hold_folders(&held, quiet);
    let names: Vec<&str> = files
        .iter()
        .map(|f| f.name.as_str())
        .chain(instance_name.as_deref())
        .collect();
    let mut earlier =
        covgap::write::Earlier::in_folder(&args.out, covgap::write::RUN_OUTPUTS, &names);
    // The instance's own temporary file, if a plan writing it was killed.
    if let Some((path, _)) = &instance {
        if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
            earlier.abandoned.extend(covgap::write::abandoned_files(
                export_dir.unwrap_or(std::path::Path::new(".")),
                &[name],
            ));
        }
    }
    let written = match covgap::write::commit_to(&placed, &input_paths, &earlier) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    if !earlier.unrecorded.is_empty() && !quiet {
        say!(
            "{}",
            covgap::write::unrecorded_warning(&args.out, &earlier.unrecorded)
        );
    }
    if !quiet {
        for line in covgap::write::plan::said(&analysis.study, &plan) {
            say!("{line}");
        }
        report_written(&written, started);
    }
    0
}
