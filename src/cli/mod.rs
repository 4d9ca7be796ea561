//! Command-line interface: flags as typed (clap), turned into checked [`Inputs`].
//!
//! Each subcommand has its own module with its arguments and a `run` function returning the
//! exit code: `run`, `check`, `plan`, `diff` and `assign`. Here are the flags they share (the
//! inputs, the figures tables, small areas) and the glue they share: reporting problems and
//! the files written, holding output folders, the progress bar.

/// `eprintln!` that carries on when standard error has gone: piped into `head`, which quits
/// after its lines, `eprintln!` panics on the next message and the run ends with exit 101
/// part-way. A run's files matter more than its messages, so it finishes them and exits as it
/// would have.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod assign;
mod check;
mod diff;
mod plan;
mod run;

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use covgap::error::{Diagnostics, Severity};
use covgap::load::{FigureFlags, Inputs};
use covgap::model::Measure;
use covgap::read::boundaries::BoundaryOptions;
use covgap::read::figures::FigureOptions;
use covgap::read::teams::TeamColumns;

use assign::AssignArgs;
use check::CheckArgs;
use diff::DiffArgs;
use plan::PlanArgs;
use run::RunArgs;

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
    /// Read and check the inputs `run` would use (with --small-areas, those too) and, with
    /// --points, a points file for `assign`; report every problem, write nothing
    /// (--small-areas-geojson is accepted and ignored).
    #[command(mut_arg("small_areas_geojson", |a| a.help(
        "Accepted and ignored: check writes nothing (the flag is run's, accepted so that a run command line can be checked as it is)"
    )))]
    Check(CheckArgs),
    /// Choose where N new teams would newly cover the most babies (existing teams fixed),
    /// greedy and exact; or, with --by, the fewest teams that give every ICB, health board or
    /// region a team.
    Plan(PlanArgs),
    /// Compare two runs' output folders: teams added and removed, areas newly covered or
    /// uncovered, and the change in the headline and each nation's figures.
    Diff(DiffArgs),
    /// Give each point of a CSV (latitude/longitude, easting/northing or postcode) its area,
    /// nearest team and distance.
    Assign(AssignArgs),
}

#[derive(Args, Debug)]
struct SmallAreaArgs {
    /// Small-area polygons (LSOAs or Data Zones, say; GeoJSON, Shapefile or GeoPackage, as
    /// --boundaries takes them); give the flag once per
    /// file, or a comma-separated list. Adds babies by distance band to areas.geojson, the
    /// GeoPackage's areas layer, rollups.csv, the workbook's Rollups sheet and the summaries, and
    /// moves each district's point to the weighted centroid of its small areas. With
    /// `plan`, the small areas with a figure become the demand points.
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
    #[arg(long, value_name = "NAME", requires = "small_areas")]
    small_area_code_field: Option<String>,
    /// Property holding the small-area name [default: found by name, e.g. lsoa11_name].
    #[arg(long, value_name = "NAME", requires = "small_areas")]
    small_area_name_field: Option<String>,
    /// Column in --small-area-figures holding the code [default: found by header].
    #[arg(long, value_name = "NAME", requires = "small_areas")]
    small_area_code_column: Option<String>,
    /// Column in --small-area-figures holding the figure [default: found by header, e.g. age_0].
    #[arg(long, value_name = "NAME", requires = "small_areas")]
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
                layer: None,
            },
            figures: self.small_area_figures.clone(),
            figure_options: FigureOptions {
                code_column: self.small_area_code_column.clone(),
                name_column: None,
                figure_column: self.small_area_figure_column.clone(),
                sheet: None,
            },
        }
    }
}

#[derive(Args, Debug)]
struct InputArgs {
    /// Area boundaries: GeoJSON FeatureCollection, ESRI Shapefile (.shp with .dbf and .prj, or
    /// the .zip ONS publishes) or GeoPackage, of (Multi)Polygons in WGS84, British National Grid
    /// or Northern Ireland's grids (the Irish Grid, EPSG:29903 or TM65's 29902; the Irish
    /// Transverse Mercator, EPSG:2157).
    /// [default: built-in LAD May 2024, 361 areas]
    #[arg(long, value_name = "FILE")]
    boundaries: Option<PathBuf>,
    /// The layer of a --boundaries GeoPackage (or the Shapefile in a .zip holding several).
    /// [default: the only one]
    #[arg(long, value_name = "NAME")]
    layer: Option<String>,
    /// Property holding the area code [default: found by name, e.g. LAD24CD, code].
    #[arg(long, value_name = "NAME")]
    code_field: Option<String>,
    /// Property holding the area name [default: found by name, e.g. LAD24NM, name].
    #[arg(long, value_name = "NAME")]
    name_field: Option<String>,
    /// Team list: CSV, one team a row, or a workbook (.xlsx, .xls, .ods) with the list on a sheet. [default: built-in list compiled from public sources]
    #[arg(long, value_name = "FILE")]
    teams: Option<PathBuf>,
    /// The sheet of a --teams workbook.
    /// [default: the first sheet with a team name column, visible sheets first]
    #[arg(long, value_name = "NAME", requires = "teams")]
    teams_sheet: Option<String>,
    /// Evidence levels that count as a team, comma-separated.
    /// [default: pif_named,service_confirmed; every team when the list has no evidence column]
    #[arg(long, value_name = "LEVELS", value_delimiter = ',')]
    evidence: Option<Vec<String>>,
    /// ONS Postcode Directory CSV (plain or gzipped) for teams given by full postcode (and, with
    /// `assign` or `check --points`, points given only by postcode).
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
    /// Team list column: easting (British National Grid, or the row's grid column's).
    #[arg(long, value_name = "NAME")]
    team_easting_column: Option<String>,
    /// Team list column: northing (British National Grid, or the row's grid column's).
    #[arg(long, value_name = "NAME")]
    team_northing_column: Option<String>,
    /// Team list column: the grid of the row's easting and northing (27700, 29903, 29902,
    /// 2157 or their names; blank for British National Grid) [default: found by header,
    /// e.g. crs, epsg, grid].
    #[arg(long, value_name = "NAME")]
    team_grid_column: Option<String>,
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

/// The demand figures: for `run`, `check` and `plan`, not `assign`, which places points and
/// measures distances and reads no figures.
#[derive(Args, Debug)]
#[command(next_help_heading = "Figures")]
struct FigureArgs {
    /// Demand figures: CSV or Excel workbook (.xlsx, .xls, .ods) with an area code column and a
    /// figure column; title rows above the header are skipped. Give the flag once per file, or
    /// a comma-separated list, to read one table per nation (ONS, NRS and NISRA publish them
    /// apart); each area's figure must come from one file.
    /// [default: built-in ONS births or population aged 0]
    #[arg(long, value_name = "FILE", value_delimiter = ',')]
    births: Vec<PathBuf>,
    /// The sheet of a --births workbook. Once: each workbook's among the tables; or once per
    /// table, in the order of --births, "" for a table whose sheet is found as by default (and
    /// for a CSV table, which has none).
    /// [default: the first sheet with an area code and a figure column]
    #[arg(long, value_name = "NAME", requires = "births")]
    sheet: Vec<String>,
    /// Column in a --births table holding the area code. Once: every table's; or once per
    /// table, in the order of --births, "" for a table whose column is found by header.
    /// [default: found by header]
    #[arg(long, value_name = "NAME")]
    births_code_column: Vec<String>,
    /// Column in a --births table holding the area names, for a table with no code column
    /// (as National Records of Scotland publish births by council area); each name is matched
    /// to one area of the boundaries. Once or once per table, as --births-code-column; a
    /// table is read by one of the two, so no table may be given both.
    /// [default: found by header when no code column is]
    #[arg(long, value_name = "NAME")]
    births_name_column: Vec<String>,
    /// Column in a --births table holding the figure. Once: every table's; or once per table,
    /// in the order of --births, "" for a table whose column is found by header.
    /// [default: found by header]
    #[arg(long, value_name = "NAME")]
    births_column: Vec<String>,
    /// Which figure measures demand.
    #[arg(long, value_enum, default_value_t = Measure::Births)]
    measure: Measure,
    /// The period your --births figures cover, e.g. "calendar year 2024", for the outputs.
    #[arg(long, value_name = "TEXT")]
    period: Option<String>,
}

impl InputArgs {
    /// The inputs as the library takes them; `figures` is `None` for `assign`, which reads
    /// no figures.
    fn to_inputs(&self, figures: Option<&FigureArgs>) -> Inputs {
        let mut inputs = Inputs {
            boundaries: self.boundaries.clone(),
            boundary_options: BoundaryOptions {
                code_field: self.code_field.clone(),
                name_field: self.name_field.clone(),
                layer: self.layer.clone(),
            },
            teams: self.teams.clone(),
            team_columns: TeamColumns {
                sheet: self.teams_sheet.clone(),
                sheet_flag: "--teams-sheet",
                name: self.team_name_column.clone(),
                areas: self.team_areas_column.clone(),
                latitude: self.team_lat_column.clone(),
                longitude: self.team_lon_column.clone(),
                easting: self.team_easting_column.clone(),
                northing: self.team_northing_column.clone(),
                grid: self.team_grid_column.clone(),
                postcode: self.team_postcode_column.clone(),
                postcode_district: self.team_district_column.clone(),
                evidence: self.team_evidence_column.clone(),
            },
            postcodes: self.postcodes.clone(),
            evidence: self.evidence.clone(),
            ..Inputs::default()
        };
        if let Some(f) = figures {
            inputs.births = f.births.clone();
            inputs.figure_flags = FigureFlags {
                sheet: f.sheet.clone(),
                figure_column: f.births_column.clone(),
                code_column: f.births_code_column.clone(),
                name_column: f.births_name_column.clone(),
            };
            inputs.measure = Some(f.measure);
            inputs.period = f.period.clone();
        }
        inputs
    }
}

/// Whether the `--births` tables' sheet and column flags cannot be shared out among them
/// (one given a number of times that is neither once nor once per table, or a table given a
/// code column and a column of names): said, for a usage error (exit 2, as clap's own), before
/// any input is read.
fn figure_flags_misused(inputs: &Inputs) -> bool {
    match inputs.figure_flags.per_table(&inputs.births) {
        Ok(_) => false,
        Err(e) => {
            say!("covgap: {e}");
            true
        }
    }
}

/// Holds the output folders while this run puts its files in place, waiting for any other
/// covgap run writing into one of them to finish first ([`covgap::write::FolderHold`]), and
/// saying so, since the wait would otherwise look like a run that had stopped.
fn hold_folders(dirs: &[&std::path::Path], quiet: bool) -> covgap::write::FolderHold {
    covgap::write::FolderHold::take(dirs, |d| {
        if !quiet {
            say!(
                "covgap: another covgap run is writing into {}; waiting for it to finish",
                d.display()
            );
        }
    })
}

/// Lists the files a command wrote and how long it took.
fn report_written(paths: &[PathBuf], started: Instant) {
    for p in paths {
        say!("  wrote {}", p.display());
    }
    say!(
        "covgap: done in {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
}

fn report(diag: &Diagnostics, quiet: bool) {
    for p in diag.problems() {
        if !quiet || p.severity == Severity::Error {
            say!("{p}");
        }
    }
}

/// A progress bar over the bytes of a points file, shown only on a terminal and not with -q.
struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    fn new(path: &std::path::Path, doing: &str, quiet: bool) -> Bar {
        use std::io::IsTerminal;
        if quiet || !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let b = indicatif::ProgressBar::new(len);
        b.set_style(
            indicatif::ProgressStyle::with_template(&format!(
                "{{spinner}} {doing} {{bytes}}/{{total_bytes}} [{{wide_bar}}] {{eta}}"
            ))
            .expect("progress template"),
        );
        Bar(Some(b))
    }

    fn progress(&self) -> &dyn covgap::assign::Progress {
        match &self.0 {
            Some(_) => self,
            None => &(),
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

impl covgap::assign::Progress for Bar {
    fn set(&self, bytes_read: u64) {
        if let Some(b) = &self.0 {
            b.set_position(bytes_read);
        }
    }
}

/// Runs the command line; returns the exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Check(args) => check::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Assign(args) => assign::run(args),
    }
}
