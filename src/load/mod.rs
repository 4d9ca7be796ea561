//! Building the model from inputs: the checked plan that turns file paths and options into
//! a [`Study`], reporting every problem found along the way.
//!
//! [`load`] reads the areas, then the teams, then judges which geographies the areas hold
//! whole; each step lives in its own module:
//! - `areas`: the boundaries read and their grid checked, each area given its figure from
//!   the figures tables (`figures`: their sources in words, abolished districts added up, a
//!   total checked against the built-in figures);
//! - `lookup`: the built-in area lookup, each district's name, geographies and figures;
//! - `geographies`: areas that are themselves ICBs, boards, trusts, upper tiers or regions,
//!   their rollup keys and the built-in figures summed into them;
//! - `teams`: each row of the team list resolved to a base and the areas it serves, finding
//!   districts by code or name (`names`) and saying what is wrong with a row (`team_notes`);
//! - `whole`: the geographies the areas give whole, which have a total of their own.

mod areas;
mod figures;
mod geographies;
mod lookup;
mod names;
mod team_notes;
mod teams;
mod whole;

pub(crate) use areas::which_grid;
pub use geographies::lying_across;
pub use lookup::is_builtin_district;
pub use teams::{resolve_teams, Counting};
pub use whole::{nearly_whole_notes, whole_geographies};

use std::collections::HashSet;
use std::path::PathBuf;

use crate::builtin;
use crate::error::{Diagnostics, Error, Result};
use crate::model::{Demand, Measure, Sources, Study, Whole};
use crate::read::boundaries::BoundaryOptions;
use crate::read::figures::FigureOptions;
use crate::read::teams::TeamColumns;
use crate::read::Input;
use crate::write::plural;

use areas::load_areas;
use figures::{builtin_period_source, figures_source};
use lookup::{is_district, lookup};
use teams::{load_teams, TeamList};
use whole::whole;

/// A base this far outside every area (metres) is moved into the nearest one, with a warning:
/// generalised coastlines cut off real coastal places.
pub const COAST_TOLERANCE_M: f64 = 2_000.0;

/// Evidence levels that count as a team unless `--evidence` says otherwise.
pub const DEFAULT_EVIDENCE: &[&str] = &["pif_named", "service_confirmed"];

/// The evidence levels the built-in list uses (README, "The built-in team list"). A level
/// outside these and `--evidence` is likely a slip, so the teams it leaves out are named.
pub const EVIDENCE_LEVELS: &[&str] = &[
    "pif_named",
    "service_confirmed",
    "candidate",
    "unresolved",
    "closed",
];

/// What to read; `None` means the built-in input.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub boundaries: Option<PathBuf>,
    pub boundary_options: BoundaryOptions,
    /// The user's figures tables (one per nation, say); empty for the built-in figures.
    pub births: Vec<PathBuf>,
    /// Their sheets and columns, as the flags give them (see [`FigureFlags`]).
    pub figure_flags: FigureFlags,
    pub measure: Option<Measure>,
    /// The period the user's figures cover, for reports.
    pub period: Option<String>,
    pub teams: Option<PathBuf>,
    pub team_columns: TeamColumns,
    pub postcodes: Option<PathBuf>,
    /// Evidence levels that count; `None` for the default.
    pub evidence: Option<Vec<String>>,
    /// Read no figures (`assign`, which places points and measures distances): every area's
    /// figure is `None`, and boundaries whose codes no figures table knows are fine.
    pub without_figures: bool,
}

/// The sheet and columns of the `--births` tables, as the flags give them: each of `--sheet`,
/// `--births-column`, `--births-code-column` and `--births-name-column` given once, for every
/// table, or once per table, in the order of `--births`. An empty value reads its table as
/// with the flag left out (the sheet or column found by its header), so a table whose
/// sheet or column needs no naming can stand beside one whose does. [`FigureFlags::per_table`]
/// gives each table's [`FigureOptions`].
#[derive(Debug, Clone, Default)]
pub struct FigureFlags {
    pub sheet: Vec<String>,
    pub figure_column: Vec<String>,
    pub code_column: Vec<String>,
    pub name_column: Vec<String>,
}

impl FigureFlags {
    /// Each flag with its values, in the order messages name them.
    fn each(&self) -> [(&'static str, &[String]); 4] {
        [
            ("--sheet", &self.sheet),
            ("--births-column", &self.figure_column),
            ("--births-code-column", &self.code_column),
            ("--births-name-column", &self.name_column),
        ]
    }

    /// The flags that name a sheet or column (a value not empty), for a warning when there
    /// is no `--births` table for them to apply to.
    pub fn named(&self) -> Vec<&'static str> {
        self.each()
            .into_iter()
            .filter(|(_, v)| v.iter().any(|v| !v.is_empty()))
            .map(|(flag, _)| flag)
            .collect()
    }

    /// The flags given once, naming a sheet or column, for `tables` tables, more than one:
    /// they name it in every one of them.
    fn shared(&self, tables: usize) -> Vec<&'static str> {
        self.each()
            .into_iter()
            .filter(|(_, v)| tables > 1 && matches!(v, [one] if !one.is_empty()))
            .map(|(flag, _)| flag)
            .collect()
    }

    /// Whether one `--sheet` names the sheet of each workbook among several tables (a CSV
    /// among them has none, and is read without it).
    pub fn sheet_shared(&self, tables: usize) -> bool {
        tables > 1 && self.sheet.len() == 1
    }

    /// Each of `tables`' options, in their order: a flag given once applies to every table
    /// (its sheet to each workbook among several: see [`FigureFlags::sheet_shared`]), a flag
    /// given once per table gives each table its own value, and an empty value is the flag
    /// left out. Any other count is an error naming the flag, how many times it was given
    /// and how many tables there are; so is a table given both a code column and a column of
    /// names, since it is read by one or the other. No tables (the built-in figures) take
    /// none of the flags.
    ///
    /// # Examples
    /// ```
    /// use covgap::load::FigureFlags;
    /// let tables = ["ons.xlsx".into(), "nrs.xlsx".into(), "nisra.csv".into()];
    /// let flags = FigureFlags {
    ///     sheet: vec!["Table 1".into(), "Table 2".into(), "".into()],
    ///     figure_column: vec!["Persons".into()],
    ///     ..Default::default()
    /// };
    /// let each = flags.per_table(&tables).unwrap();
    /// assert_eq!(each[1].sheet.as_deref(), Some("Table 2"));
    /// assert_eq!(each[2].sheet, None);
    /// assert_eq!(each[2].figure_column.as_deref(), Some("Persons"));
    ///
    /// let two = FigureFlags { sheet: vec!["Table 1".into(), "Table 2".into()], ..Default::default() };
    /// assert_eq!(
    ///     two.per_table(&tables).unwrap_err().to_string(),
    ///     "--sheet: is given 2 times, for 3 --births tables: give it once, for every table, or once per table, in the order of --births (a comma-separated list taken in its order), with \"\" for a table to be read as with the flag left out"
    /// );
    /// ```
    pub fn per_table(&self, tables: &[PathBuf]) -> Result<Vec<FigureOptions>> {
        let n = tables.len();
        if n == 0 {
            return Ok(Vec::new());
        }
        for (flag, values) in self.each() {
            if values.len() > 1 && values.len() != n {
                let advice = if n == 1 {
                    "give it once"
                } else {
                    "give it once, for every table, or once per table, in the order of --births (a comma-separated list taken in its order), with \"\" for a table to be read as with the flag left out"
                };
                return Err(Error::Format {
                    path: PathBuf::from(flag),
                    message: format!(
                        "is given {} times, for {n} --births {}: {advice}",
                        values.len(),
                        plural(n, "table", "tables"),
                    ),
                });
            }
        }
        let value = |values: &[String], i: usize| {
            match values {
                [] => None,
                [one] => Some(one),
                each => Some(&each[i]),
            }
            .filter(|v| !v.is_empty())
            .cloned()
        };
        let mut each = Vec::with_capacity(n);
        for (i, path) in tables.iter().enumerate() {
            let o = FigureOptions {
                sheet: value(&self.sheet, i),
                figure_column: value(&self.figure_column, i),
                code_column: value(&self.code_column, i),
                name_column: value(&self.name_column, i),
            };
            if let (Some(code), Some(name)) = (&o.code_column, &o.name_column) {
                let (table, advice) = if n == 1 {
                    (path.display().to_string(), "give one of them")
                } else {
                    (
                        format!("{} (the {} --births table)", path.display(), ordinal(i + 1)),
                        "give them once per table, in the order of --births, with \"\" for each table read the other way",
                    )
                };
                return Err(Error::Format {
                    path: PathBuf::from("--births-name-column"),
                    message: format!(
                        "{name:?} is given for {table} beside --births-code-column {code:?}: a table is read by its area codes or by its names, not both; {advice}"
                    ),
                });
            }
            each.push(o);
        }
        Ok(each)
    }
}

/// `1st`, `2nd`, `3rd`, `4th`, ..., `11th`, ..., `21st`.
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn input(path: &Option<PathBuf>, builtin: fn() -> Input) -> Input {
    path.clone().map(Input::File).unwrap_or_else(builtin)
}

/// The period of the user's own figures when `--period` does not give it.
pub const PERIOD_NOT_STATED: &str = "period not stated with --period";

/// Reads and checks every input and builds the study. Record-level problems go to `diag`;
/// the caller decides whether errors among them stop the run (`run`) or are only listed
/// (`check`). A figures or team file that cannot be read at all is one error in `diag`, so
/// the other inputs are still checked. Fails at once when the boundaries or the postcode
/// directory cannot be read; with unreadable boundaries the user's figures table and team list
/// are first read on their own, so their own problems are listed too.
pub fn load(inputs: &Inputs, diag: &mut Diagnostics) -> Result<Study> {
    let measure = inputs.measure.unwrap_or(Measure::Births);
    if inputs.births.is_empty() {
        // These describe a user's own figures file; with the built-in figures they do nothing.
        // (`--sheet` needs `--births` on the command line; a library caller's is an error.)
        let named = inputs.figure_flags.named();
        let period = inputs.period.is_some().then_some("--period");
        for flag in period
            .into_iter()
            .chain(named.into_iter().filter(|&f| f != "--sheet"))
        {
            diag.warn(
                flag,
                None,
                "applies only to your own figures given with --births; the built-in figures are used as they are",
            );
        }
    }
    let (areas, crs_reason, read) = load_areas(inputs, measure, diag)?;
    let (tables, icb_shared) = match read {
        Some(r) => (r.tables, r.icb_shared),
        None => (Vec::new(), false),
    };
    let TeamList {
        teams,
        evidence_rule,
        read: team_list_read,
        label: teams_label,
        beyond,
        lying_in,
        holding_districts,
    } = load_teams(inputs, &areas, diag)?;
    let (period, figures_source) = if inputs.births.is_empty() {
        let (period, source) = builtin_period_source(measure);
        // Summed into areas of another geography, the source says so.
        let source = match tables.first().and_then(|t| t.added_up.as_ref()) {
            Some(a) => format!("{source} ({a})"),
            None => source.to_string(),
        };
        (period.to_string(), source)
    } else {
        (
            // Read after the figure's name ("live births, ..."), often inside parentheses
            // already, so no parentheses of its own.
            inputs
                .period
                .clone()
                .unwrap_or_else(|| PERIOD_NOT_STATED.into()),
            figures_source(&inputs.births, &tables),
        )
    };
    let files = if inputs.births.is_empty() {
        Vec::new()
    } else {
        tables.iter().map(|t| t.file.clone()).collect()
    };
    // With several tables, each names its own column in the source and in `files`.
    let column = match tables.as_slice() {
        [one] => Some(one.file.column.clone()),
        _ => None,
    };
    let whole_uk = {
        let codes: HashSet<&str> = areas.iter().map(|a| a.code.as_str()).collect();
        let geometry: Vec<&geo::MultiPolygon> = areas.iter().map(|a| &a.bng).collect();
        crate::land::covers_uk(&geometry, &codes)
    };
    let whole = if whole_uk {
        Whole::default()
    } else {
        whole(&areas)
    };
    if let Some(b) = &inputs.boundaries {
        for note in nearly_whole_notes(&areas, &whole.geographies) {
            diag.note(&b.display().to_string(), None, note);
        }
    }
    let areas_are_districts = lookup().is_ok_and(|l| areas.iter().all(|a| is_district(&a.code, l)));
    Ok(Study {
        areas,
        whole_uk,
        areas_are_districts,
        whole,
        lying_in,
        holding_districts,
        teams,
        beyond,
        team_list_read,
        demand: Demand {
            measure,
            period,
            source: figures_source,
            column,
            files,
            shared_by_icb: icb_shared,
        },
        evidence_rule,
        sources: Sources {
            boundaries: inputs
                .boundaries
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| builtin::BOUNDARIES_SOURCE.to_string()),
            boundaries_crs: crs_reason,
            teams: teams_label,
            postcodes: inputs.postcodes.as_ref().map(|p| p.display().to_string()),
        },
    })
}

/// Records a problem that ends the reading of one file among the diagnostics, as an error
/// naming that file.
fn record(diag: &mut Diagnostics, e: Error) {
    match e {
        Error::Read { path, source } => diag.error(
            &path.display().to_string(),
            None,
            format!("cannot read file: {source}"),
        ),
        Error::Format { path, message } => diag.error(&path.display().to_string(), None, message),
        Error::At {
            input,
            place,
            message,
        } => diag.error(&input, Some(place), message),
        other => diag.error("covgap", None, other.to_string()),
    }
}
