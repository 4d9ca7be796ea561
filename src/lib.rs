//! covgap: where babies in the UK have no specialised parent-infant relationship team.
//!
//! The pipeline, one module a step:
//! 1. [`read`]: boundaries (GeoJSON, Shapefile or GeoPackage), figures (CSV or Excel
//!    workbook) and teams (CSV), postcode look-ups;
//! 2. [`load`]: checks them and builds the [`model::Study`] (areas on both WGS84 and British
//!    National Grid, teams with the areas they cover);
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

pub mod builtin;
pub mod coverage;
pub mod crs;
pub mod diff;
pub mod error;
pub mod index;
pub mod load;
pub mod model;
pub mod plan;
pub mod read;
pub mod rollup;
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
}

/// Reads the inputs and analyses them. Fails when any input has an error-level problem;
/// every problem found is in `diag`.
pub fn analyse_inputs(inputs: &Inputs, diag: &mut Diagnostics) -> Result<Analysis> {
    let study = load::load(inputs, diag)?;
    diag.into_result()?;
    Ok(analyse(study))
}

/// Analyses a study that has been read and checked.
pub fn analyse(study: Study) -> Analysis {
    let coverage = coverage::analyse(&study);
    let rollups = rollup::rollups(&study, &coverage);
    Analysis {
        study,
        coverage,
        rollups,
    }
}

impl Analysis {
    /// Renders every output file in memory, in a fixed order.
    pub fn render(&self) -> Vec<OutputFile> {
        let (s, c, r) = (&self.study, &self.coverage, &self.rollups);
        let classes = write::style::classes(s, c);
        let (key, what) = (s.demand.measure.key(), s.demand.measure.describe());
        let file = |name: &str, bytes: Vec<u8>| OutputFile {
            name: name.to_string(),
            bytes,
        };
        vec![
            file("areas.geojson", write::geojson::areas(s, c)),
            file("teams.geojson", write::geojson::teams(s)),
            file("gaps.csv", write::tables::gaps(s, c)),
            file("rollups.csv", write::tables::rollups(s, r)),
            file("summary.md", write::summary::markdown(s, c, r)),
            file("summary.json", write::summary::json(s, c, r)),
            file(
                "areas.qml",
                write::qml::areas(&classes, key, what).into_bytes(),
            ),
            file("teams.qml", write::qml::teams().into_bytes()),
        ]
    }

    /// Every output of `covgap run`: [`Analysis::render`] plus the GeoPackage, the workbook, the map and `run.json`,
    /// which records the inputs (size and SHA-256) and options. Fails when an input file can
    /// no longer be read or a binary output cannot be built.
    pub fn render_all(&self, inputs: &Inputs) -> Result<Vec<OutputFile>> {
        let mut files = self.render();
        files.push(OutputFile {
            name: write::gpkg::FILE.into(),
            bytes: write::gpkg::gpkg(&self.study, &self.coverage)?,
        });
        files.push(OutputFile {
            name: write::xlsx::FILE.into(),
            bytes: write::xlsx::xlsx(&self.study, &self.coverage, &self.rollups)?,
        });
        let svg = write::map::svg(&self.study, &self.coverage, &self.rollups);
        files.push(OutputFile {
            name: "map.png".into(),
            bytes: write::map::png(&svg, write::map::PNG_WIDTH)?,
        });
        files.push(OutputFile {
            name: "map.svg".into(),
            bytes: svg.into_bytes(),
        });
        files.push(OutputFile {
            name: "run.json".into(),
            bytes: write::run::json(inputs, &self.study)?,
        });
        Ok(files)
    }
}
