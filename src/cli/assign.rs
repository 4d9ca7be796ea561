//! `covgap assign`: each point of a CSV given its area, nearest team and distance.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use covgap::error::Diagnostics;
use covgap::load::Inputs;

use super::{report, report_written, Bar, InputArgs};

#[derive(Args, Debug)]
pub(super) struct AssignArgs {
    #[command(flatten)]
    inputs: InputArgs,
    /// Points: CSV (plain or gzipped), or a workbook (.xlsx, .xls, .ods: the first sheet with
    /// point columns), with latitude/longitude, easting/northing (British
    /// National Grid, or the grid a grid column gives for the row) or postcode columns, found by header or named below. Each row uses the
    /// first of these it fills in. Postcodes are placed by --postcodes FILE when given (the
    /// ONS Postcode Directory), else at their postcode district's centroid.
    #[arg(long, value_name = "FILE")]
    points: PathBuf,
    /// CSV to write, or an Excel workbook when FILE ends in .xlsx (up to 1,048,575 points, as
    /// many as a sheet holds): the input columns (see --keep-columns) plus area_code, area_name,
    /// nearest_team, nearest_team_km, located_by and not_placed (why a row could not be placed),
    /// in input order.
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
pub(super) struct PointColumnArgs {
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
    /// The sheet of a --points workbook.
    /// [default: the first sheet with point columns, visible sheets first]
    #[arg(long, value_name = "NAME", requires = "points")]
    pub(super) points_sheet: Option<String>,
}

impl PointColumnArgs {
    pub(super) fn to_columns(&self) -> covgap::read::points::PointColumns {
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

pub(super) fn run(args: AssignArgs) -> i32 {
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
            say!("covgap: {e}");
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
            sheet: args.columns.points_sheet.clone(),
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
                say!(
                    "covgap assign: {} {}; {} located ({}); {} inside an area, {} in a covered area; {} not located",
                    covgap::write::thousands(stats.rows),
                    covgap::write::plural(stats.rows as usize, "row", "rows"),
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
            say!("covgap: {e}");
            1
        }
    }
}
