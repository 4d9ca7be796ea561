//! `covgap run`: the coverage-gap analysis, written to an output folder.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use covgap::error::Diagnostics;

use super::{
    figure_flags_misused, hold_folders, report, report_written, FigureArgs, InputArgs,
    SmallAreaArgs,
};

#[derive(Args, Debug)]
pub(super) struct RunArgs {
    #[command(flatten)]
    inputs: InputArgs,
    /// Folder to write the outputs into (created if needed).
    #[arg(long, default_value = "covgap-out", value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    small: SmallAreaArgs,
    // Last: the heading this group sets would otherwise carry over to the flags after it.
    #[command(flatten)]
    figures: FigureArgs,
}

pub(super) fn run(args: RunArgs) -> i32 {
    let started = Instant::now();
    let mut diag = Diagnostics::new();
    let quiet = args.inputs.quiet;
    let inputs = args.inputs.to_inputs(Some(&args.figures));
    if figure_flags_misused(&inputs) {
        return 2;
    }
    let small_inputs = args.small.to_inputs();
    // Each input file's size and time, before anything reads it, for run.json.
    let mut record = covgap::write::run::InputRecord::note(covgap::write::run::inputs_read(
        &inputs,
        &small_inputs,
    ));
    let input_paths = record.paths();
    // The map's fonts and blank page, and the inputs' hashes, need no analysis: make them on
    // the spare core meanwhile.
    let ((canvas, hashed), result) = rayon::join(
        || {
            (
                covgap::write::map::Canvas::new(covgap::write::map::PNG_WIDTH),
                record.hash(),
            )
        },
        || covgap::analyse_inputs_with(&inputs, &small_inputs, &mut diag),
    );
    report(&diag, quiet);
    record.keep_problems(&diag);
    let analysis = match result {
        Ok(a) => a,
        Err(e) => {
            say!("covgap: {e}");
            return 1;
        }
    };
    let files = match hashed.and(canvas).and_then(|canvas| {
        analysis.render_all_on(
            record,
            &inputs,
            &args.small.to_inputs(),
            args.small.small_areas_geojson,
            canvas,
        )
    }) {
        Ok(f) => f,
        Err(e) => {
            say!("covgap: {e}");
            return 1;
        }
    };
    if let Err(e) = covgap::write::folder_for_output(&args.out, "give --out a folder") {
        say!("covgap: {e}");
        return 1;
    }
    let _hold = hold_folders(&[&args.out], quiet);
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let earlier = covgap::write::Earlier::in_folder(&args.out, covgap::write::RUN_OUTPUTS, &names);
    match covgap::write::commit_in(&args.out, &files, &input_paths, &earlier) {
        Ok(paths) => {
            if !earlier.unrecorded.is_empty() && !quiet {
                say!(
                    "{}",
                    covgap::write::unrecorded_warning(&args.out, &earlier.unrecorded)
                );
            }
            if !quiet {
                let s = &analysis.study;
                let h = covgap::write::summary::Headline::new(s, &analysis.rollups);
                say!(
                    "covgap: {} of {} {} {} a team; {} of {} ({}) in covered areas; {} in areas with none{}",
                    covgap::write::thousands(h.areas_covered as u64),
                    covgap::write::thousands(h.areas_total as u64),
                    covgap::write::plural(h.areas_total, "area", "areas"),
                    covgap::write::plural(h.areas_covered, "has", "have"),
                    covgap::rollup::percent_tenths(h.demand_covered, h.demand_total).map_or_else(
                        || "n/a (no babies counted)".to_string(),
                        |t| format!("{}%", covgap::write::tenths_text(t))
                    ),
                    s.demand.measure.describe(),
                    s.demand.period,
                    covgap::write::thousands(h.demand_uncovered()),
                    match h.areas_without_figure {
                        0 => String::new(),
                        n => format!(
                            "; {n} {} not counted",
                            covgap::write::plural(n, "area with no figure is", "areas with no figure are")
                        ),
                    },
                );
                report_written(&paths, started);
            }
            0
        }
        Err(e) => {
            say!("covgap: {e}");
            1
        }
    }
}
