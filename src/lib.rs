//! covgap: where babies in the UK have no specialised parent-infant relationship team.
//!
//! The pipeline, one module a step:
//! 1. [`read`]: boundaries (GeoJSON, Shapefile or GeoPackage), figures (CSV or Excel
//!    workbook) and teams (CSV), postcode look-ups;
//! 2. [`load`]: checks them and builds the [`model::Study`] (areas on both WGS84 and British
//!    National Grid, teams with the areas they cover), warning of boundary lines that cross
//!    and refusing areas that overlap ([`validity`]);
//! 3. [`index`]: R-tree plus exact geometry for point-in-area and nearest-area;
//! 4. [`coverage`] and [`rollup`]: decide coverage, nearest team, gap ranks and totals;
//! 5. [`write`](mod@write): GeoJSON with QGIS styles, CSV, Markdown, JSON, a GeoPackage, an Excel
//!    workbook and an A4 map (SVG and PNG), all rendered first and then written atomically;
//!    [`diff`] compares two runs' outputs.
//!
//! # Examples
//! ```
//! use covgap::{analyse_inputs, error::Diagnostics, load::Inputs};
//! let mut diag = Diagnostics::new();
//! let result = analyse_inputs(&Inputs::default(), &mut diag).unwrap();
//! assert_eq!(result.study.areas.len(), 361);
//! ```

pub mod assign;
pub mod builtin;
pub mod coverage;
pub mod crs;
pub mod diff;
pub mod error;
pub mod icb;
pub mod index;
pub mod land;
pub mod load;
pub mod model;
pub mod plan;
pub mod read;
pub mod rollup;
pub mod small_areas;
pub mod validity;
pub mod wkb;
pub mod write;

use crate::coverage::Coverage;
use crate::error::{Diagnostics, Result};
use crate::load::Inputs;
use crate::model::Study;
use crate::rollup::Rollup;
use crate::write::OutputFile;

/// A finished analysis.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub study: Study,
    pub coverage: Coverage,
    pub rollups: Vec<Rollup>,
    /// Small areas, when given: placed, measured and banded.
    pub small_areas: Option<small_areas::SmallAreas>,
}

/// Reads the inputs and analyses them. Fails when any input has an error-level problem;
/// every problem found is in `diag`.
pub fn analyse_inputs(inputs: &Inputs, diag: &mut Diagnostics) -> Result<Analysis> {
    let study = load::load(inputs, diag)?;
    diag.into_result()?;
    Ok(analyse(study))
}

/// [`analyse_inputs`] with small areas: reads them too (when any are given) and analyses
/// with [`analyse_with_small_areas`].
pub fn analyse_inputs_with(
    inputs: &Inputs,
    small: &small_areas::SmallAreaInputs,
    diag: &mut Diagnostics,
) -> Result<Analysis> {
    let study = load::load(inputs, diag)?;
    if small.is_empty() {
        diag.into_result()?;
        return Ok(analyse(study));
    }
    let read = small_areas::read(small, study.demand.measure, diag)?;
    diag.into_result()?;
    let analysis = analyse_with_small_areas_reported(study, read, diag);
    diag.into_result()?;
    Ok(analysis)
}

/// Analyses a study that has been read and checked.
pub fn analyse(study: Study) -> Analysis {
    let coverage = coverage::analyse(&study);
    let rollups = rollup::rollups(&study, &coverage);
    Analysis {
        study,
        coverage,
        rollups,
        small_areas: None,
    }
}

/// Analyses a study with small areas: places them in districts, moves each district's
/// representative point to the figure-weighted centroid of its small areas, then decides
/// coverage and counts babies by distance band.
pub fn analyse_with_small_areas(mut study: Study, read: small_areas::ReadSmallAreas) -> Analysis {
    let first = coverage::analyse(&study);
    let small = small_areas::place(&mut study, &first, read);
    let mut coverage = coverage::analyse(&study);
    for ((r, b), ib) in coverage
        .areas
        .iter_mut()
        .zip(&small.bands)
        .zip(&small.icb_bands)
    {
        r.bands = *b;
        r.icb_bands = ib.clone();
    }
    let rollups = rollup::rollups(&study, &coverage);
    Analysis {
        study,
        coverage,
        rollups,
        small_areas: Some(small),
    }
}

/// [`analyse_with_small_areas`], saying in `diag` what placing the small areas left out
/// (see [`small_areas::SmallAreas::report_left_out`]): small areas far outside every district
/// are a warning, and an error when none is in the districts. `run`, `check` and `plan` use it.
pub fn analyse_with_small_areas_reported(
    study: Study,
    read: small_areas::ReadSmallAreas,
    diag: &mut Diagnostics,
) -> Analysis {
    let analysis = analyse_with_small_areas(study, read);
    if let Some(sm) = &analysis.small_areas {
        sm.report_left_out(diag);
    }
    analysis
}

impl Analysis {
    /// Renders the text outputs in memory, in a fixed order.
    pub fn render(&self) -> Vec<OutputFile> {
        self.render_with(false)
    }

    /// [`Analysis::render`], adding `small_areas.geojson` when asked and small areas were
    /// given. With small areas, the summaries carry the distance bands.
    pub fn render_with(&self, small_areas_geojson: bool) -> Vec<OutputFile> {
        let (s, c, r) = (&self.study, &self.coverage, &self.rollups);
        let small = self.small_areas.as_ref();
        let classes = write::style::classes(s, c);
        let (key, what) = (s.demand.measure.key(), s.demand.measure.describe());
        let file = |name: &str, bytes: Vec<u8>| OutputFile {
            name: name.to_string(),
            bytes,
        };
        let mut files = vec![
            file("areas.geojson", write::geojson::areas(s, c)),
            file("teams.geojson", write::geojson::teams(s)),
            file("gaps.csv", write::tables::gaps(s, c)),
            file("rollups.csv", write::tables::rollups(s, r)),
            file("summary.md", write::summary::markdown(s, c, r, small)),
            file("summary.json", write::summary::json(s, c, r, small)),
            file(
                "areas.qml",
                write::qml::areas(&classes, key, what).into_bytes(),
            ),
            file(
                "teams.qml",
                write::qml::teams(!s.beyond.is_empty()).into_bytes(),
            ),
        ];
        if let (true, Some(sm)) = (small_areas_geojson, small) {
            files.push(file(
                "small_areas.geojson",
                write::small_areas::geojson(s, sm),
            ));
        }
        files
    }

    /// Every output of `covgap run`: [`Analysis::render_with`] plus the GeoPackage, the
    /// workbook, the map and `run.json`, which records the inputs (size and SHA-256, from
    /// `record`, noted before they were read) and options. Fails when an input file can no
    /// longer be read or has changed since it was noted, or a binary output cannot be built.
    pub fn render_all(
        &self,
        record: write::run::InputRecord,
        inputs: &Inputs,
        small: &small_areas::SmallAreaInputs,
        small_areas_geojson: bool,
    ) -> Result<Vec<OutputFile>> {
        self.render_all_on(
            record,
            inputs,
            small,
            small_areas_geojson,
            write::map::Canvas::new(write::map::PNG_WIDTH)?,
        )
    }

    /// [`Analysis::render_all`], drawing the map on a canvas made beforehand (for example
    /// on another core while the inputs were analysed).
    pub fn render_all_on(
        &self,
        mut record: write::run::InputRecord,
        inputs: &Inputs,
        small: &small_areas::SmallAreaInputs,
        small_areas_geojson: bool,
        canvas: write::map::Canvas,
    ) -> Result<Vec<OutputFile>> {
        let (s, c, r) = (&self.study, &self.coverage, &self.rollups);
        // The map is the slowest output (rasterising an A4 page); draw it on one core while
        // the other renders everything else. The order of the files stays fixed.
        let (map, rest) = rayon::join(
            || -> Result<[OutputFile; 2]> {
                let map = write::map::map(s, c, r);
                let png = map.png(canvas)?;
                Ok([
                    OutputFile {
                        name: "map.png".into(),
                        bytes: png,
                    },
                    OutputFile {
                        name: "map.svg".into(),
                        bytes: map.svg.into_bytes(),
                    },
                ])
            },
            || -> Result<Vec<OutputFile>> {
                let mut files = self.render_with(small_areas_geojson);
                files.push(OutputFile {
                    name: write::gpkg::FILE.into(),
                    bytes: write::gpkg::gpkg(s, c)?,
                });
                files.push(OutputFile {
                    name: write::xlsx::FILE.into(),
                    bytes: write::xlsx::xlsx(s, c, r)?,
                });
                Ok(files)
            },
        );
        let mut files = rest?;
        files.extend(map?);
        let run_json = write::run::json(
            &mut record,
            inputs,
            small,
            s,
            self.small_areas.as_ref(),
            None,
            &files,
        )?;
        files.push(OutputFile {
            name: "run.json".into(),
            bytes: run_json,
        });
        Ok(files)
    }
}
