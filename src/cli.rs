//! Command-line interface: flags as typed (clap), turned into checked [`Inputs`].

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use covgap::error::{Diagnostics, Severity};
use covgap::load::{Counting, FigureFlags, Inputs};
use covgap::model::Measure;
use covgap::plan::instance::{Model, RankBy};
use covgap::plan::ByLevel;
use covgap::read::boundaries::BoundaryOptions;
use covgap::read::figures::FigureOptions;
use covgap::read::teams::TeamColumns;
use covgap::read::Input;

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
struct AssignArgs {
    #[command(flatten)]
    inputs: InputArgs,
    /// Points: CSV (plain or gzipped) with latitude/longitude, easting/northing (British
    /// National Grid, or the grid a grid column gives for the row) or postcode columns, found by header or named below. Each row uses the
    /// first of these it fills in. Postcodes are placed by --postcodes FILE when given (the
    /// ONS Postcode Directory), else at their postcode district's centroid.
    #[arg(long, value_name = "FILE")]
    points: PathBuf,
    /// CSV to write: the input columns (see --keep-columns) plus area_code, area_name, nearest_team,
    /// nearest_team_km, located_by and not_placed (why a row could not be placed), in input order.
    #[arg(long, value_name = "FILE", default_value = "covgap-out/points.csv")]
    out: PathBuf,
    /// Also write the points as GeoJSON (RFC 7946) to FILE.
    #[arg(long, value_name = "FILE")]
    geojson: Option<PathBuf>,
    #[command(flatten)]
    columns: PointColumnArgs,
    /// Input columns to copy to the output, comma-separated [default: all of them].
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    keep_columns: Option<Vec<String>>,
    /// Worker threads [default: one per core], but no more than the chunks of the file worked
    /// on at once (8 chunks of 1 MiB, fewer for a smaller file). Results are the same whatever
    /// the number.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

/// The columns of a points file (`assign --points`, `check --points`).
#[derive(Args, Debug)]
struct PointColumnArgs {
    /// Points column: latitude (WGS84).
    #[arg(long, value_name = "NAME", requires = "points")]
    lat_column: Option<String>,
    /// Points column: longitude (WGS84).
    #[arg(long, value_name = "NAME", requires = "points")]
    lon_column: Option<String>,
    /// Points column: easting (British National Grid, or the row's grid column's).
    #[arg(long, value_name = "NAME", requires = "points")]
    easting_column: Option<String>,
    /// Points column: northing (British National Grid, or the row's grid column's).
    #[arg(long, value_name = "NAME", requires = "points")]
    northing_column: Option<String>,
    /// Points column: the grid of the row's easting and northing (27700, 29903, 29902, 2157
    /// or their names; blank for British National Grid) [default: found by header, e.g.
    /// grid_epsg, crs, epsg].
    #[arg(long, value_name = "NAME", requires = "points")]
    grid_column: Option<String>,
    /// Points column: postcode.
    #[arg(long, value_name = "NAME", requires = "points")]
    postcode_column: Option<String>,
}

impl PointColumnArgs {
    fn to_columns(&self) -> covgap::read::points::PointColumns {
        covgap::read::points::PointColumns {
            latitude: self.lat_column.clone(),
            longitude: self.lon_column.clone(),
            easting: self.easting_column.clone(),
            northing: self.northing_column.clone(),
            grid: self.grid_column.clone(),
            postcode: self.postcode_column.clone(),
        }
    }
}

#[derive(Args, Debug)]
struct CheckArgs {
    #[command(flatten)]
    inputs: InputArgs,
    // The small-area flags of `run`, so that `run` can be swapped for `check` in a command
    // line; --small-areas-geojson is accepted and ignored.
    #[command(flatten)]
    small: SmallAreaArgs,
    /// A points file for `assign --points`, read and placed as `assign` would (streamed, so any
    /// size), writing nothing: lists the rows it could not locate or that fall inside no area
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

/// The files only `plan` reads, which `check` reads as `plan` would.
#[derive(Args, Debug)]
struct PlanFiles {
    /// Candidate sites: CSV in any form --teams takes (name plus areas, coordinates, postcode
    /// or postcode district); every row is a candidate. [default: every district without a
    /// team; with areas smaller than districts as boundaries, a team in each built-in district
    /// holding one without a team, covering every area lying in it]
    #[arg(long, value_name = "FILE")]
    candidates: Option<PathBuf>,
    /// Teams to add as existing before planning (e.g. teams in development); same CSV forms
    /// as --teams, every row counted.
    #[arg(long, value_name = "FILE")]
    what_if: Option<PathBuf>,
    /// Deprivation table for --rank-by need (implies it): CSV, one row per district, with
    /// columns `code` (district code), `most_deprived_decile_share` (0 to 1: the share of the
    /// district's small areas in its nation's most deprived 10%; also found under the headers
    /// of the published district summaries) and optionally `index` (the index the share comes
    /// from, for reports; default: the file name). Repeat it to give one table a nation. Every
    /// district with demand needs a row; a small area takes its district's share.
    /// [default: built-in, data/deprivation.csv]
    #[arg(long, value_name = "FILE")]
    deprivation: Vec<PathBuf>,
}

impl PlanFiles {
    /// The deprivation tables to read: those given, or the built-in one.
    fn deprivation_inputs(&self) -> Vec<Input> {
        if self.deprivation.is_empty() {
            vec![covgap::builtin::deprivation()]
        } else {
            self.deprivation.iter().cloned().map(Input::File).collect()
        }
    }
}

/// A `--candidates` or `--what-if` list, read as `plan` reads it: the same CSV forms as
/// `--teams`, every row counted, every area it names and every base within the boundaries.
/// With `radius`, a site serving only districts outside boundaries for part of the UK that
/// has a base is kept, as a team of the `--teams` list is: it reaches the areas given within
/// the radius of its base (a planned team in Chester reaches Flintshire on Wales's districts).
/// Without one it covers none of them, and is left out with the note that says so. With
/// `candidates`, rows that are one site listed twice are warned of
/// ([`covgap::plan::warn_repeated_sites`]).
fn read_site_list(
    path: &Option<PathBuf>,
    postcodes: Option<&std::path::Path>,
    areas: &[covgap::model::Area],
    radius: bool,
    candidates: bool,
    diag: &mut Diagnostics,
) -> Result<Option<Vec<covgap::model::Team>>, covgap::error::Error> {
    let Some(p) = path else {
        return Ok(None);
    };
    let input = Input::File(p.clone());
    let (mut teams, _, beyond, _) = covgap::load::resolve_teams(
        &input,
        &Default::default(),
        postcodes,
        Counting::All,
        false,
        areas,
        diag,
    )?;
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
    Ok(Some(teams))
}

#[derive(Args, Debug)]
struct DiffArgs {
    /// Output folder of the earlier `covgap run`.
    #[arg(value_name = "OLD_DIR")]
    old: PathBuf,
    /// Output folder of the later `covgap run`.
    #[arg(value_name = "NEW_DIR")]
    new: PathBuf,
    /// Folder to write diff.md and diff.csv into; without it the Markdown goes to standard output.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print only errors (the warnings are also at the top of diff.md).
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args(["add", "by"])))]
struct PlanArgs {
    #[command(flatten)]
    inputs: InputArgs,
    /// Number of new team sites to choose (1 or more).
    #[arg(long, value_name = "N", value_parser = parse_add)]
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
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0, value_parser = parse_seconds)]
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

#[derive(Args, Debug)]
struct RunArgs {
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
    /// Team list: CSV, one team a row. [default: built-in list compiled from public sources]
    #[arg(long, value_name = "FILE")]
    teams: Option<PathBuf>,
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
            eprintln!("covgap: {e}");
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
            eprintln!(
                "covgap: another covgap run is writing into {}; waiting for it to finish",
                d.display()
            );
        }
    })
}

/// Lists the files a command wrote and how long it took.
fn report_written(paths: &[PathBuf], started: Instant) {
    for p in paths {
        eprintln!("  wrote {}", p.display());
    }
    eprintln!(
        "covgap: done in {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
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
        Command::Plan(args) => plan(args),
        Command::Diff(args) => diff(args),
        Command::Assign(args) => assign(args),
    }
}

fn run(args: RunArgs) -> i32 {
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
            eprintln!("covgap: {e}");
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
            eprintln!("covgap: {e}");
            return 1;
        }
    };
    if let Err(e) = covgap::write::folder_for_output(&args.out, "give --out a folder") {
        eprintln!("covgap: {e}");
        return 1;
    }
    let _hold = hold_folders(&[&args.out], quiet);
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let earlier = covgap::write::Earlier::in_folder(&args.out, covgap::write::RUN_OUTPUTS, &names);
    match covgap::write::commit_in(&args.out, &files, &input_paths, &earlier) {
        Ok(paths) => {
            if !earlier.unrecorded.is_empty() && !quiet {
                eprintln!(
                    "{}",
                    covgap::write::unrecorded_warning(&args.out, &earlier.unrecorded)
                );
            }
            if !quiet {
                let s = &analysis.study;
                let h = covgap::write::summary::Headline::new(s, &analysis.rollups);
                eprintln!(
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
            eprintln!("covgap: {e}");
            1
        }
    }
}

fn check(args: CheckArgs) -> i32 {
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
            eprintln!("covgap: {e}");
            for e in &fatal {
                eprintln!("covgap: {e}");
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
            eprintln!(
                "covgap check: stopped{listed}. Teams' areas and bases, and the figures' area codes, are matched against the areas, so they were not checked"
            );
            if let Some(p) = &args.points {
                eprintln!(
                    "covgap check: {} was not checked: placing its points needs the districts",
                    p.display()
                );
            }
            for (flag, list) in [
                ("--candidates", &args.plan_files.candidates),
                ("--what-if", &args.plan_files.what_if),
            ] {
                if let Some(p) = list {
                    eprintln!(
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
    let mut parts = vec![format!(
        "{} {}{without_figure}, {} {}{} ({} counted{beyond})",
        covgap::write::thousands(study.areas.len() as u64),
        covgap::write::plural(study.areas.len(), "area", "areas"),
        in_list,
        covgap::write::plural(in_list, "team", "teams"),
        if study.beyond.is_empty() {
            ""
        } else {
            " in the list"
        },
        study.teams.iter().filter(|t| t.counted).count()
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
        eprintln!("covgap: {e}");
    }
    let errors = diag.error_count() + fatal.len();
    let warnings = diag.count(Severity::Warning);
    // With -q the warnings are counted but not listed; say so, so the count is not a puzzle.
    let unlisted = if quiet && warnings > 0 {
        ", not listed with -q"
    } else {
        ""
    };
    eprintln!(
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
    for (flag, path) in [
        ("--candidates", &files.candidates),
        ("--what-if", &files.what_if),
    ] {
        let errors_before = diag.error_count();
        let candidates = flag == "--candidates";
        match read_site_list(path, postcodes, &study.areas, false, candidates, diag) {
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

fn plan(args: PlanArgs) -> i32 {
    let started = Instant::now();
    let quiet = args.inputs.quiet;
    let fail = |e: &dyn std::fmt::Display| {
        eprintln!("covgap: {e}");
        1
    };
    let rank_by = match (args.rank_by, args.files.deprivation.first()) {
        (Some(RankBy::Births), Some(_)) => {
            eprintln!("covgap: --deprivation gives need weights, but --rank-by births ignores them; use --rank-by need (or leave --rank-by out)");
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
        postcodes,
        &study.areas,
        radius,
        true,
        &mut diag,
    )
    .and_then(|c| {
        let w = read_site_list(
            &args.files.what_if,
            postcodes,
            &study.areas,
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
            "what_if": path_text(&args.files.what_if),
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
        eprintln!(
            "{}",
            covgap::write::unrecorded_warning(&args.out, &earlier.unrecorded)
        );
    }
    if !quiet {
        let b = &plan.baseline;
        let demand = match plan.instance.demand_kind {
            covgap::plan::instance::DemandKind::Districts => {
                analysis.study.demand.measure.describe().to_string()
            }
            covgap::plan::instance::DemandKind::SmallAreas => {
                let areas = plan.instance.demand.len();
                format!(
                    "the {} {} in {} small {}",
                    covgap::write::thousands(b.total),
                    covgap::write::plural(b.total as usize, "baby", "babies"),
                    covgap::write::thousands(areas as u64),
                    covgap::write::plural(areas, "area", "areas")
                )
            }
        };
        // Said with what it is of and under which model, and with the what-if teams, since
        // the new sites' figures below start from them: "existing teams cover 57.2%" alone,
        // at 40 km, reads as the share in areas with a team (18.8%).
        let scope = match plan.instance.demand_kind {
            covgap::plan::instance::DemandKind::Districts if !analysis.study.whole_uk => {
                " in the areas given"
            }
            _ => "",
        };
        let model = options.model.radius_km().map_or(String::new(), |r| {
            format!(" (a team covering all within {r} km of its base)")
        });
        let what_if = match b.what_if_teams {
            0 => String::new(),
            n => format!(
                "; with the {n} what-if {}, {}%",
                covgap::write::plural(n, "team", "teams"),
                covgap::write::percent_text(b.with_what_if, b.total)
            ),
        };
        eprintln!(
            "covgap plan: {} candidate {}; existing teams cover {}% of {demand}{scope}{model}{what_if}",
            plan.instance.candidates.len(),
            covgap::write::plural(plan.instance.candidates.len(), "site", "sites"),
            covgap::write::percent_text(b.existing, b.total),
        );
        if options.add > 0 {
            let (d, pct) = plan.gap();
            let value = |v: f64| covgap::write::plan::value_text(options.rank_by, v);
            // How many sites each method placed, and why fewer than asked when they are
            // (--add 400 of 304 candidate sites places at most 304).
            let sites = |n: usize| covgap::write::plural(n, "site", "sites");
            let placed = match plan.fewer_than_asked() {
                None => format!("{} new {},", options.add, sites(options.add)),
                Some((counts, why)) => {
                    format!(
                        "{} new {} asked for, {counts} placed: {why};",
                        options.add,
                        sites(options.add)
                    )
                }
            };
            // What the figures are, and where the exact plan leaves coverage in all, as plan.md
            // says it: bare numbers ("greedy 137,437") read as anything.
            // With small areas, `demand` is all the babies ("the 679,949 babies in 41,729 small
            // areas"), which "newly covered" would say were all reached: the figure's name alone.
            let figure = match plan.instance.demand_kind {
                covgap::plan::instance::DemandKind::Districts => demand.as_str(),
                covgap::plan::instance::DemandKind::SmallAreas => "babies",
            };
            let what = match options.rank_by {
                covgap::plan::instance::RankBy::Births => format!("{figure} newly covered"),
                covgap::plan::instance::RankBy::Need => format!("need-weighted value ({figure})"),
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
            eprintln!(
                "covgap plan: {placed} {what}: greedy {} ({:.1} ms), greedy then swaps {} ({:.1} ms), exact {} ({}, {:.2} s); {short}; with the {which} plan, {}% of {demand}{scope} covered in all",
                value(plan.greedy.value),
                plan.greedy_seconds * 1000.0,
                value(plan.swapped.value),
                plan.swapped_seconds * 1000.0,
                value(plan.exact.value),
                plan.exact.status.describe(&options.limits),
                plan.exact.seconds,
                covgap::write::percent_text(in_all, b.total),
            );
        }
        if let Some(g) = &plan.geographies {
            eprintln!(
                "covgap plan: {} of {} {} {} {}{}; {} new {} would give every reachable one a team ({})",
                g.gaps.len(),
                g.total,
                g.words,
                covgap::write::plural(g.gaps.len(), "has", "have"),
                covgap::write::plan::no_team(&plan, g.gaps.len()),
                if g.across.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({} more left out, as an area given lies across {} border: see plan.md)",
                        g.across.len(),
                        covgap::write::plural(g.across.len(), "its", "each one's")
                    )
                },
                g.sites.len(),
                covgap::write::plural(g.sites.len(), "site", "sites"),
                g.status.describe(&options.limits)
            );
        }
        report_written(&written, started);
    }
    0
}

fn diff(args: DiffArgs) -> i32 {
    let read = |d: &PathBuf| covgap::diff::RunOutputs::read(d);
    let (old, new) = match (read(&args.old), read(&args.new)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("covgap: {e}");
            return 1;
        }
    };
    let d = covgap::diff::diff(&old, &new);
    if !args.quiet {
        for w in d.warnings() {
            eprintln!("warning: {w}");
        }
    }
    let md = d.markdown();
    match &args.out {
        None => {
            print!("{md}");
            0
        }
        Some(dir) => {
            let files = [
                covgap::write::OutputFile {
                    name: "diff.md".into(),
                    bytes: md.into_bytes(),
                },
                covgap::write::OutputFile {
                    name: "diff.csv".into(),
                    bytes: d.csv(),
                },
            ];
            let runs = [args.old.clone(), args.new.clone()];
            let read: Vec<PathBuf> = runs
                .iter()
                .flat_map(|r| ["summary.json", "run.json"].map(|n| r.join(n)))
                .collect();
            if let Err(e) = covgap::write::folder_for_output(dir, "give --out a folder") {
                eprintln!("covgap: {e}");
                return 1;
            }
            let _hold = hold_folders(&[dir], args.quiet);
            match covgap::write::commit(dir, &files, &read, covgap::write::DIFF_OUTPUTS) {
                Ok(paths) => {
                    if !args.quiet {
                        for p in paths {
                            eprintln!("  wrote {}", p.display());
                        }
                    }
                    0
                }
                Err(e) => {
                    eprintln!("covgap: {e}");
                    1
                }
            }
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

fn assign(args: AssignArgs) -> i32 {
    let started = Instant::now();
    let mut diag = Diagnostics::new();
    let quiet = args.inputs.quiet;
    let inputs = Inputs {
        without_figures: true,
        ..args.inputs.to_inputs(None)
    };
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
        input: covgap::assign::PointsInput {
            points: args.points.clone(),
            columns: args.columns.to_columns(),
            postcodes: inputs.postcodes.clone(),
            threads: args.threads,
            chunk_bytes: 0,
        },
        out_csv: args.out,
        out_geojson: args.geojson,
        inputs: covgap::write::run::inputs_read(&inputs, &Default::default())
            .into_iter()
            .filter_map(|(_, i)| i.path().map(std::path::Path::to_path_buf))
            .collect(),
        keep_columns: args.keep_columns,
    };
    let assigner = covgap::assign::Assigner::new(&analysis.study, &analysis.coverage);
    let bar = Bar::new(&plan.input.points, "assigning", quiet);
    let outcome = covgap::assign::assign_file(&assigner, &plan, bar.progress());
    bar.finish();
    match outcome {
        Ok((stats, paths)) => {
            // The rows not located, inside no area, or on an Irish grid but in Great Britain,
            // in line order with how many more, as `check --points` lists them.
            let mut rows = Diagnostics::new();
            stats.report(&plan.input.points.display().to_string(), &mut rows);
            report(&rows, quiet);
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
                report_written(&paths, started);
            }
            0
        }
        Err(e) => {
            eprintln!("covgap: {e}");
            1
        }
    }
}
