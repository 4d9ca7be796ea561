//! Command-line interface: flags as typed (clap), turned into checked [`Inputs`].

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use covgap::error::{Diagnostics, Severity};
use covgap::load::Inputs;
use covgap::model::Measure;
use covgap::read::boundaries::BoundaryOptions;
use covgap::read::figures::FigureOptions;
use covgap::read::teams::TeamColumns;

#[derive(Parser, Debug)]
#[command(name = "covgap", version, about = "Where babies in the UK have no specialised parent-infant relationship team", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the coverage-gap analysis and write maps, tables and a summary.
    Run(RunArgs),
    /// Read and check the inputs, report every problem, write nothing.
    Check(InputArgs),
    /// Give each point of a CSV (latitude/longitude, easting/northing or postcode) its area,
    /// nearest team and distance.
    Assign(AssignArgs),
}

#[derive(Args, Debug)]
struct AssignArgs {
    #[command(flatten)]
    inputs: InputArgs,
    /// Points: CSV (plain or gzipped) with latitude/longitude, easting/northing (British
    /// National Grid) or postcode columns, found by header or named below. Each row uses the
    /// first of these it fills in. Postcodes are placed by --postcodes FILE when given (the
    /// ONS Postcode Directory), else at their postcode district's centroid.
    #[arg(long, value_name = "FILE")]
    points: PathBuf,
    /// CSV to write: the input columns (see --keep-columns) plus area_code, area_name, nearest_team,
    /// nearest_team_km and located_by, in input order.
    #[arg(long, value_name = "FILE", default_value = "covgap-out/points.csv")]
    out: PathBuf,
    /// Also write the points as GeoJSON (RFC 7946) to FILE.
    #[arg(long, value_name = "FILE")]
    geojson: Option<PathBuf>,
    /// Points column: latitude (WGS84).
    #[arg(long, value_name = "NAME")]
    lat_column: Option<String>,
    /// Points column: longitude (WGS84).
    #[arg(long, value_name = "NAME")]
    lon_column: Option<String>,
    /// Points column: easting (British National Grid).
    #[arg(long, value_name = "NAME")]
    easting_column: Option<String>,
    /// Points column: northing (British National Grid).
    #[arg(long, value_name = "NAME")]
    northing_column: Option<String>,
    /// Points column: postcode.
    #[arg(long, value_name = "NAME")]
    postcode_column: Option<String>,
    /// Input columns to copy to the output, comma-separated [default: all of them].
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    keep_columns: Option<Vec<String>>,
    /// Worker threads [default: one per core]. Results are the same whatever the number.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

#[derive(Args, Debug)]
struct RunArgs {
    #[command(flatten)]
    inputs: InputArgs,
    /// Folder to write the outputs into (created if needed).
    #[arg(long, default_value = "covgap-out", value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    small: SmallAreaArgs,
}

#[derive(Args, Debug)]
struct SmallAreaArgs {
    /// Small-area polygons (GeoJSON, e.g. LSOAs or Data Zones); give the flag once per
    /// file, or a comma-separated list. Adds babies by distance band to every output and
    /// moves each district's point to the weighted centroid of its small areas.
    #[arg(
        long,
        value_name = "FILE",
        value_delimiter = ',',
        requires = "small_area_figures"
    )]
    small_areas: Vec<PathBuf>,
    /// Small-area figures (CSV with a code and a figure column, e.g. age_0); once per file
    /// or a comma-separated list.
    #[arg(
        long,
        value_name = "FILE",
        value_delimiter = ',',
        requires = "small_areas"
    )]
    small_area_figures: Vec<PathBuf>,
    /// Property holding the small-area code [default: found by name, e.g. lsoa11_code, dz11_code].
    #[arg(long, value_name = "NAME")]
    small_area_code_field: Option<String>,
    /// Property holding the small-area name [default: found by name, e.g. lsoa11_name].
    #[arg(long, value_name = "NAME")]
    small_area_name_field: Option<String>,
    /// Column in --small-area-figures holding the code [default: found by header].
    #[arg(long, value_name = "NAME")]
    small_area_code_column: Option<String>,
    /// Column in --small-area-figures holding the figure [default: found by header, e.g. age_0].
    #[arg(long, value_name = "NAME")]
    small_area_figure_column: Option<String>,
    /// Also write small_areas.geojson: each small area with its district, nearest team,
    /// distance and band.
    #[arg(long, requires = "small_areas")]
    small_areas_geojson: bool,
}

impl SmallAreaArgs {
    fn to_inputs(&self) -> covgap::small_areas::SmallAreaInputs {
        covgap::small_areas::SmallAreaInputs {
            boundaries: self.small_areas.clone(),
            boundary_options: BoundaryOptions {
                code_field: self.small_area_code_field.clone(),
                name_field: self.small_area_name_field.clone(),
            },
            figures: self.small_area_figures.clone(),
            figure_options: FigureOptions {
                code_column: self.small_area_code_column.clone(),
                figure_column: self.small_area_figure_column.clone(),
            },
        }
    }
}

#[derive(Args, Debug)]
struct InputArgs {
    /// Area boundaries: GeoJSON FeatureCollection of (Multi)Polygons, WGS84 or British National Grid.
    /// [default: built-in LAD May 2024, 361 areas]
    #[arg(long, value_name = "FILE")]
    boundaries: Option<PathBuf>,
    /// Property holding the area code [default: found by name, e.g. LAD24CD, code].
    #[arg(long, value_name = "NAME")]
    code_field: Option<String>,
    /// Property holding the area name [default: found by name, e.g. LAD24NM, name].
    #[arg(long, value_name = "NAME")]
    name_field: Option<String>,
    /// Demand figures: CSV with an area code column and a figure column.
    /// [default: built-in ONS births or population aged 0]
    #[arg(long, value_name = "FILE")]
    births: Option<PathBuf>,
    /// Column in --births holding the area code [default: found by header].
    #[arg(long, value_name = "NAME")]
    births_code_column: Option<String>,
    /// Column in --births holding the figure [default: found by header].
    #[arg(long, value_name = "NAME")]
    births_column: Option<String>,
    /// Which figure measures demand.
    #[arg(long, value_enum, default_value_t = Measure::Births)]
    measure: Measure,
    /// The period your --births figures cover, e.g. "calendar year 2024", for the outputs.
    #[arg(long, value_name = "TEXT")]
    period: Option<String>,
    /// Team list: CSV, one team a row. [default: built-in list compiled from public sources]
    #[arg(long, value_name = "FILE")]
    teams: Option<PathBuf>,
    /// Evidence levels that count as a team, comma-separated.
    /// [default: pif_named,service_confirmed; every team when the list has no evidence column]
    #[arg(long, value_name = "LEVELS", value_delimiter = ',')]
    evidence: Option<Vec<String>>,
    /// ONS Postcode Directory CSV (plain or gzipped) for teams given by full postcode.
    #[arg(long, value_name = "FILE")]
    postcodes: Option<PathBuf>,
    /// Team list column: team name.
    #[arg(long, value_name = "NAME")]
    team_name_column: Option<String>,
    /// Team list column: areas served (codes or names, ';'-separated).
    #[arg(long, value_name = "NAME")]
    team_areas_column: Option<String>,
    /// Team list column: latitude.
    #[arg(long, value_name = "NAME")]
    team_lat_column: Option<String>,
    /// Team list column: longitude.
    #[arg(long, value_name = "NAME")]
    team_lon_column: Option<String>,
    /// Team list column: easting (British National Grid).
    #[arg(long, value_name = "NAME")]
    team_easting_column: Option<String>,
    /// Team list column: northing (British National Grid).
    #[arg(long, value_name = "NAME")]
    team_northing_column: Option<String>,
    /// Team list column: full postcode.
    #[arg(long, value_name = "NAME")]
    team_postcode_column: Option<String>,
    /// Team list column: postcode district (e.g. OX5).
    #[arg(long, value_name = "NAME")]
    team_district_column: Option<String>,
    /// Team list column: evidence level.
    #[arg(long, value_name = "NAME")]
    team_evidence_column: Option<String>,
    /// Print only errors.
    #[arg(long, short)]
    quiet: bool,
}

impl InputArgs {
    fn to_inputs(&self) -> Inputs {
        Inputs {
            boundaries: self.boundaries.clone(),
            boundary_options: BoundaryOptions {
                code_field: self.code_field.clone(),
                name_field: self.name_field.clone(),
            },
            births: self.births.clone(),
            figure_options: FigureOptions {
                code_column: self.births_code_column.clone(),
                figure_column: self.births_column.clone(),
            },
            measure: Some(self.measure),
            period: self.period.clone(),
            teams: self.teams.clone(),
            team_columns: TeamColumns {
                name: self.team_name_column.clone(),
                areas: self.team_areas_column.clone(),
                latitude: self.team_lat_column.clone(),
                longitude: self.team_lon_column.clone(),
                easting: self.team_easting_column.clone(),
                northing: self.team_northing_column.clone(),
                postcode: self.team_postcode_column.clone(),
                postcode_district: self.team_district_column.clone(),
                evidence: self.team_evidence_column.clone(),
            },
            postcodes: self.postcodes.clone(),
            evidence: self.evidence.clone(),
        }
    }
}

fn report(diag: &Diagnostics, quiet: bool) {
    for p in diag.problems() {
        if !quiet || p.severity == Severity::Error {
            eprintln!("{p}");
        }
    }
}

/// Runs the command line; returns the exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => run(args),
        Command::Check(args) => check(args),
        Command::Assign(args) => assign(args),
    }
}

fn run(args: RunArgs) -> i32 {
    let started = Instant::now();
    let mut diag = Diagnostics::new();
    let quiet = args.inputs.quiet;
    let result =
        covgap::analyse_inputs_with(&args.inputs.to_inputs(), &args.small.to_inputs(), &mut diag);
    report(&diag, quiet);
    let analysis = match result {
        Ok(a) => a,
        Err(e) => {
            eprintln!("covgap: {e}");
            return 1;
        }
    };
    let files = analysis.render_with(args.small.small_areas_geojson);
    match covgap::write::commit(&args.out, &files) {
        Ok(paths) => {
            if !quiet {
                let s = &analysis.study;
                let h = covgap::write::summary::Headline::new(s, &analysis.rollups);
                eprintln!(
                    "covgap: {} of {} areas have a team; {:.1}% of {} ({}) in covered areas; {} in areas with none",
                    h.areas_covered,
                    h.areas_total,
                    covgap::rollup::percent(h.demand_covered, h.demand_total),
                    s.demand.measure.describe(),
                    s.demand.period,
                    covgap::write::thousands(h.demand_uncovered()),
                );
                for p in paths {
                    eprintln!("  wrote {}", p.display());
                }
                eprintln!(
                    "covgap: done in {:.0} ms",
                    started.elapsed().as_secs_f64() * 1000.0
                );
            }
            0
        }
        Err(e) => {
            eprintln!("covgap: {e}");
            1
        }
    }
}

fn check(args: InputArgs) -> i32 {
    let mut diag = Diagnostics::new();
    let result = covgap::load::load(&args.to_inputs(), &mut diag);
    report(&diag, args.quiet);
    match result {
        Err(e) => {
            eprintln!("covgap: {e}");
            1
        }
        Ok(study) => {
            let errors = diag.error_count();
            let warnings = diag.count(Severity::Warning);
            eprintln!(
                "covgap check: {} areas, {} teams ({} counted); {errors} error(s), {warnings} warning(s)",
                study.areas.len(),
                study.teams.len(),
                study.teams.iter().filter(|t| t.counted).count()
            );
            i32::from(errors > 0)
        }
    }
}

struct Bar(indicatif::ProgressBar);

impl covgap::assign::Progress for Bar {
    fn set(&self, bytes_read: u64) {
        self.0.set_position(bytes_read);
    }
}

fn assign(args: AssignArgs) -> i32 {
    use std::io::IsTerminal;
    let started = Instant::now();
    let mut diag = Diagnostics::new();
    let quiet = args.inputs.quiet;
    let inputs = args.inputs.to_inputs();
    let result = covgap::analyse_inputs(&inputs, &mut diag);
    report(&diag, quiet);
    let analysis = match result {
        Ok(a) => a,
        Err(e) => {
            eprintln!("covgap: {e}");
            return 1;
        }
    };
    let plan = covgap::assign::AssignPlan {
        points: args.points.clone(),
        columns: covgap::read::points::PointColumns {
            latitude: args.lat_column,
            longitude: args.lon_column,
            easting: args.easting_column,
            northing: args.northing_column,
            postcode: args.postcode_column,
        },
        postcodes: inputs.postcodes.clone(),
        out_csv: args.out,
        out_geojson: args.geojson,
        keep_columns: args.keep_columns,
        threads: args.threads,
        chunk_bytes: 0,
    };
    let assigner = covgap::assign::Assigner::new(&analysis.study, &analysis.coverage);
    let show_bar = !quiet && std::io::stderr().is_terminal();
    let bar = if show_bar {
        let len = std::fs::metadata(&plan.points)
            .map(|m| m.len())
            .unwrap_or(0);
        let b = indicatif::ProgressBar::new(len);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} assigning {bytes}/{total_bytes} [{wide_bar}] {eta}",
            )
            .expect("static template"),
        );
        Some(Bar(b))
    } else {
        None
    };
    let progress: &dyn covgap::assign::Progress = match &bar {
        Some(b) => b,
        None => &(),
    };
    let outcome = covgap::assign::assign_file(&assigner, &plan, progress);
    if let Some(b) = &bar {
        b.0.finish_and_clear();
    }
    match outcome {
        Ok((stats, paths)) => {
            for (line, why) in &stats.examples {
                if !quiet {
                    eprintln!(
                        "warning: {}, line {line}: not located: {why}",
                        plan.points.display()
                    );
                }
            }
            if !quiet {
                let mut by: Vec<_> = stats.located.iter().collect();
                by.sort();
                let by: Vec<String> = by
                    .iter()
                    .map(|(k, v)| format!("{} by {}", covgap::write::thousands(**v), k.key()))
                    .collect();
                eprintln!(
                    "covgap assign: {} rows; {} located ({}); {} inside an area, {} in a covered area; {} not located",
                    covgap::write::thousands(stats.rows),
                    covgap::write::thousands(stats.located_total()),
                    by.join(", "),
                    covgap::write::thousands(stats.in_area),
                    covgap::write::thousands(stats.covered),
                    covgap::write::thousands(stats.not_located),
                );
                for p in paths {
                    eprintln!("  wrote {}", p.display());
                }
                eprintln!(
                    "covgap: done in {:.0} ms",
                    started.elapsed().as_secs_f64() * 1000.0
                );
            }
            0
        }
        Err(e) => {
            eprintln!("covgap: {e}");
            1
        }
    }
}
