//! Building the model from inputs: the checked plan that turns file paths and options into
//! a [`Study`], reporting every problem found along the way.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use geo::{Area as _, BoundingRect as _, Contains as _, Coord};
use rayon::prelude::*;

use crate::builtin;
use crate::crs::{Crs, Located};
use crate::error::{Diagnostics, Error, Place, Result, Severity};
use crate::index::AreaIndex;
use crate::land::{Across, Land};
use crate::model::{
    Area, Base, ColumnChoice, Demand, FigureColumn, FiguresFile, Geography, HoldingDistrict,
    Measure, Nation, Precision, RollupKeys, Sources, Study, Team, TeamBeyond, Whole,
};
use crate::read::boundaries::{read_boundaries, BoundaryOptions};
use crate::read::figures::Figures;
use crate::read::figures::{
    is_workbook, read_figures, FigureOptions, AGE0_COLUMNS, BIRTHS_COLUMNS,
};
use crate::read::names::{closest, fold_name, AreaNames};
use crate::read::postcodes::{lookup_postcodes, month_words, postcode_key, Found, Outcodes};
use crate::read::successors::{self, Successor};
use crate::read::teams::{self as team_list, read_teams, BaseGiven, TeamColumns, TeamRow};
use crate::read::Input;
use crate::write::{and_list, plural, thousands};

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

/// A row of the built-in area lookup.
struct LookupRow {
    /// The district's ONS name, to find it by name in a team list.
    name: String,
    /// ONS's Welsh name of a Welsh district ("Ynys Môn"), read in a team list too; empty
    /// elsewhere.
    name_cy: String,
    keys: RollupKeys,
    /// The built-in figures for the area, to judge a user's figures by.
    births: Option<u64>,
    age0: Option<u64>,
}

impl LookupRow {
    fn figure(&self, measure: Measure) -> Option<u64> {
        match measure {
            Measure::Births => self.births,
            Measure::Age0 => self.age0,
        }
    }
}

/// What was read from the figures tables, for the study's sources.
struct FiguresRead {
    /// Each table read, in the order given.
    tables: Vec<TableRead>,
    /// Whether the built-in district figures, summed into ICBs, shared districts split between
    /// ICBs out between them (`data/icb_shares.csv`).
    icb_shared: bool,
}

/// One figures table as read, for the study's sources and for messages: the table as the
/// study records it (its path, sheet, columns and areas), and how its figures were added up.
struct TableRead {
    file: FiguresFile,
    /// The districts whose figures were added up from those of the districts they replaced
    /// (see [`add_up_replaced`]), or, with the built-in figures, the areas given whose figures
    /// were summed from the districts in them (see [`sum_districts`]), in words for the
    /// figures' source; first, for a table with no code column, that the areas were matched
    /// by name and from which column.
    added_up: Option<String>,
}

impl TableRead {
    /// The file, and its sheet when it is a workbook: `births.xlsx, sheet "Table 1"`.
    fn file_and_sheet(&self) -> String {
        match &self.file.sheet {
            Some(sh) => format!("{}, sheet {sh:?}", self.file.path),
            None => self.file.path.clone(),
        }
    }
}

/// The source of the user's figures, for the outputs: one table as its file (and sheet), with
/// the rule that added up abolished districts; several each with the number of areas it gives
/// and its column, since those differ from table to table. `paths` name the tables when none
/// could be read (the run stops on that error; `check` lists it).
fn figures_source(paths: &[PathBuf], tables: &[TableRead]) -> String {
    match tables {
        [] => paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join("; "),
        [t] => match &t.added_up {
            Some(a) => format!("{} ({a})", t.file_and_sheet()),
            None => t.file_and_sheet(),
        },
        _ => tables
            .iter()
            .map(|t| {
                let how = match t.file.column.chosen_by {
                    ColumnChoice::Flag => "named with --births-column",
                    ColumnChoice::Generic => "a generic header: check that it holds the figure",
                    ColumnChoice::Recognised | ColumnChoice::BuiltIn => "found by its header",
                };
                format!(
                    "{}, {} {}, column {:?}, {how}{}",
                    t.file_and_sheet(),
                    crate::write::thousands(t.file.areas as u64),
                    plural(t.file.areas, "area", "areas"),
                    t.file.column.header,
                    t.added_up
                        .as_ref()
                        .map(|a| format!(", {a}"))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// The columns the tables' areas were found by, for messages: `codes in column "LAD24CD"`
/// for one table, `codes in column "Area code" (ew.csv), names in column "Council area"
/// (scotland.csv)` for several.
fn keys_in(tables: &[TableRead]) -> String {
    let each: Vec<String> = tables
        .iter()
        .map(|t| {
            let what = if t.file.by_name { "names" } else { "codes" };
            match tables {
                [_] => format!("{what} in column {:?}", t.file.code_column),
                _ => format!(
                    "{what} in column {:?} ({})",
                    t.file.code_column, t.file.path
                ),
            }
        })
        .collect();
    and_list(&each)
}

/// The figure columns of the tables read, for messages: `column "births"` for one table,
/// `columns "births" (ew.csv) and "VALUE" (ni.csv)` for several.
fn columns_in(tables: &[TableRead]) -> String {
    match tables {
        [t] => format!("column {:?}", t.file.column.header),
        _ => {
            let each: Vec<String> = tables
                .iter()
                .map(|t| format!("{:?} ({})", t.file.column.header, t.file.path))
                .collect();
            format!("columns {}", and_list(&each))
        }
    }
}

/// The built-in area lookup, read once per process: the areas, and every team list (the teams,
/// a plan's candidates and what-if teams) for the districts it names, read it.
fn lookup() -> Result<&'static HashMap<String, LookupRow>> {
    static LOOKUP: std::sync::OnceLock<std::result::Result<HashMap<String, LookupRow>, String>> =
        std::sync::OnceLock::new();
    LOOKUP
        .get_or_init(|| read_lookup().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| Error::Format {
            path: PathBuf::from("data/areas.csv"),
            message: e.clone(),
        })
}

fn read_lookup() -> Result<HashMap<String, LookupRow>> {
    let input = builtin::areas();
    let text = input.text("CSV")?;
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r
        .headers()
        .map_err(|e| Error::Format {
            path: input.path_for_errors(),
            message: e.to_string(),
        })?
        .clone();
    let col = |n: &str| headers.iter().position(|h| h == n);
    let mut out = HashMap::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| Error::Format {
            path: input.path_for_errors(),
            message: e.to_string(),
        })?;
        let get = |n: &str| col(n).and_then(|i| rec.get(i)).unwrap_or("").to_string();
        let geo = |c: &str, n: &str| {
            let code = get(c);
            (!code.is_empty()).then(|| Geography { code, name: get(n) })
        };
        out.insert(
            get("code"),
            LookupRow {
                name: get("name"),
                name_cy: get("name_cy"),
                keys: RollupKeys {
                    region: geo("region_code", "region_name"),
                    utla: geo("utla_code", "utla_name"),
                    icb: geo("icb_code", "icb_name"),
                    health_board: geo("health_board_code", "health_board_name"),
                    icb_parts: crate::icb::parts_of(&get("code")).to_vec(),
                },
                births: get("births").parse().ok(),
                age0: get("age0").parse().ok(),
            },
        );
    }
    Ok(out)
}

/// The region, upper tier and ICB of a district abolished since 2019 (boundaries drawn before
/// the change): its successor's region and upper tier, whose area it is part of, and its own
/// ICB (`data/successors.csv`), so that it counts in their totals as the successor would.
/// None for other codes.
fn old_district_keys(code: &str, lookup: &HashMap<String, LookupRow>) -> RollupKeys {
    let Some(s) = successors::all().iter().find(|s| s.old_code == code) else {
        return RollupKeys::default();
    };
    let Some(new) = lookup.get(&s.new_code) else {
        return RollupKeys::default();
    };
    let mut keys = new.keys.clone();
    if !s.icb_code.is_empty() {
        keys.icb = Some(Geography {
            code: s.icb_code.clone(),
            name: s.icb_name.clone(),
        });
        // Its own ICB holds 88% or more of it: the new district's split is not its own.
        keys.icb_parts.clear();
    }
    keys
}

/// The nation of an area given, by its code: from the first letter of an ONS code
/// ([`Nation::from_code`]), else from the built-in lookup, by `geographies`
/// ([`geography_nations`]). Northern Ireland's five HSC trusts, whose codes (`BHSCT`, `NHSCT`,
/// `SEHSCT`, `SHSCT`, `WHSCT`) are not ONS's, are so Northern Ireland's: given as boundaries,
/// they count in its row ([`whole_geographies`]) and name it in the outputs' nation column,
/// where they were "Unknown" and all five gave no Northern Ireland row. Any other code names
/// no nation.
fn nation_of(code: &str, geographies: &HashMap<&str, Nation>) -> Nation {
    match Nation::from_code(code) {
        Nation::Unknown => geographies.get(code).copied().unwrap_or(Nation::Unknown),
        nation => nation,
    }
}

/// The nation of each geography the built-in lookup gives districts (region, upper tier, ICB,
/// health board or HSC trust), by its code: that of its districts, or Unknown for one whose
/// districts are of more than one nation (none is).
fn geography_nations(lookup: &HashMap<String, LookupRow>) -> HashMap<&str, Nation> {
    let mut nations: HashMap<&str, Nation> = HashMap::new();
    for (district, row) in lookup {
        let nation = Nation::from_code(district);
        let k = &row.keys;
        let geographies = [&k.region, &k.utla, &k.icb, &k.health_board]
            .into_iter()
            .flatten()
            .chain(k.icb_parts.iter().map(|p| &p.icb));
        for g in geographies {
            let n = nations.entry(g.code.as_str()).or_insert(nation);
            if *n != nation {
                *n = Nation::Unknown;
            }
        }
    }
    nations
}

/// The geographies (nations, regions, upper tiers, ICBs and health boards, by code) given
/// whole by `areas`: with boundaries for part of the UK, only these have a total of their own,
/// since a total over the part of England given is not England's. A geography is whole when
/// every built-in district in it is among the areas given; a district made since the
/// boundaries were drawn counts as given when every district it replaced is. An ICB is whole
/// when every district lying wholly or partly in it is given (see [`crate::icb`]).
///
/// A nation, whose row sums the areas in it (by their code's first letter, or, for Northern
/// Ireland's HSC trusts, whose codes are not ONS's, by the built-in lookup: `nation_of`), is
/// whole too when the areas given in another geography hold all of it, exactly:
/// - each of its districts is given, or held by an area given of a geography the built-in
///   lookup gives the district (its ICB, health board or HSC trust, upper tier or region; an
///   ICB or board whose code has changed found by its name), as `plan_sums` finds the areas
///   taking its figure; a district split between ICBs is held when each of its ICBs is given.
///   So all 7 Welsh health boards are Wales, all 42 ICBs England, all 14 Scottish boards
///   Scotland and all 5 HSC trusts (`BHSCT`, `NHSCT`, `SEHSCT`, `SHSCT`, `WHSCT`) Northern
///   Ireland, each trust taking whole the districts the lookup's best-fit mapping puts in it;
/// - or every one of its 2011 small areas is given by code (all of England's 32,844 LSOA 2011
///   codes, Wales's 1,909, Scotland's 6,976 Data Zone 2011 codes; `data/small_areas_2011.csv`),
///   or every one of its 2021 small areas (England's 33,755 LSOA 2021 codes, Wales's 1,917;
///   `data/small_areas_2021.csv`), and no small area of the other vintage's alone: 2011 and
///   2021 LSOAs mixed, which overlap, are not whole even when one vintage is all there.
///   Scotland has its Data Zones 2011 only (its Data Zones 2022 are not in the built-in
///   data), Northern Ireland no small areas.
///
/// One district or small area missing, and the nation is not whole. Empty if the built-in
/// lookup cannot be read (no partial total is given then).
///
/// # Examples
/// ```
/// use covgap::{analyse_inputs, error::Diagnostics, load::{whole_geographies, Inputs}};
/// let a = analyse_inputs(&Inputs::default(), &mut Diagnostics::new()).unwrap();
/// let oxon: Vec<_> = a.study.areas.iter().filter(|x| x.code.starts_with("E0700017")
///     || x.code == "E07000180" || x.code == "E07000181").cloned().collect();
/// let whole = whole_geographies(&oxon);
/// assert!(whole.contains("E10000025")); // Oxfordshire, all five districts given
/// assert!(!whole.contains("E92000001") && !whole.contains("E12000008")); // England, South East
/// ```
pub fn whole_geographies(areas: &[Area]) -> HashSet<String> {
    whole(areas).geographies
}

/// [`whole_geographies`], and whether it read the built-in 2011 and 2021 small areas: only
/// for a nation not whole by its districts some of whose areas given have a small area's
/// code (the 2021 ones for England and Wales only). A nation whole by its districts, or with
/// no area given in it that is not a district, costs nothing more than the districts' rule.
fn whole(areas: &[Area]) -> Whole {
    let mut found = Whole {
        geographies: HashSet::new(),
        read_small_areas: false,
        read_small_areas_2021: false,
    };
    let Ok(lookup) = lookup() else {
        return found;
    };
    let codes: HashSet<&str> = areas.iter().map(|a| a.code.as_str()).collect();
    let given = |code: &str| successors::given_in(code, &codes);
    let mut whole = HashSet::new();
    let mut partial = HashSet::new();
    for (code, row) in lookup {
        let geographies = [
            Some(Nation::from_code(code).code().to_string()),
            row.keys.region.as_ref().map(|g| g.code.clone()),
            row.keys.utla.as_ref().map(|g| g.code.clone()),
            row.keys.icb.as_ref().map(|g| g.code.clone()),
            row.keys.health_board.as_ref().map(|g| g.code.clone()),
        ];
        let into = if given(code) {
            &mut whole
        } else {
            &mut partial
        };
        into.extend(geographies.into_iter().flatten());
        // A district split between ICBs is part of each of them.
        into.extend(row.keys.icb_parts.iter().map(|p| p.icb.code.clone()));
    }
    whole.retain(|g| !partial.contains(g));
    // Areas given of a geography of the lookup (ICBs, boards, upper tiers) are in the
    // geographies all their districts share (`geography_keys`): such a geography is whole too
    // when each of its districts is given, or held whole by areas given that lie in it, so
    // its row sums exactly its districts (South East from its ICBs, a health board given as
    // itself).
    let sums = plan_sums(areas, lookup);
    if !sums.districts.is_empty() {
        let in_geography = |i: usize, g: &str| {
            (0..4).any(|l| at_level(&areas[i].keys, l).iter().any(|x| x.code == g))
        };
        let mut candidates: HashSet<String> = areas
            .iter()
            .filter(|a| !is_district(&a.code, lookup))
            .flat_map(|a| (0..4).flat_map(|l| at_level(&a.keys, l)))
            .map(|g| g.code.clone())
            .filter(|g| !whole.contains(g))
            .collect();
        let targets: HashMap<&str, &[Option<usize>]> = sums
            .districts
            .iter()
            .map(|d| (d.code, d.targets.as_slice()))
            .collect();
        for (code, row) in lookup {
            if given(code) {
                continue;
            }
            let ts = targets.get(code.as_str()).copied().unwrap_or_default();
            for level in 0..4 {
                let gs = at_level(&row.keys, level);
                for (j, g) in gs.iter().enumerate() {
                    // A district split between ICBs, summed into ICBs part by part: only its
                    // part in this ICB need be held in it. Otherwise every area holding the
                    // district must lie in the geography.
                    let holders = if level == 0 && gs.len() > 1 && ts.len() == gs.len() {
                        &ts[j..=j]
                    } else {
                        ts
                    };
                    let held = !holders.is_empty()
                        && holders
                            .iter()
                            .all(|t| t.is_some_and(|i| in_geography(i, &g.code)));
                    if !held {
                        candidates.remove(&g.code);
                    }
                }
            }
        }
        whole.extend(candidates);
    }
    // The nations not whole by their districts with an area given in them of another
    // geography (a board, an ICB, a small area).
    let open: Vec<Nation> = Nation::ALL
        .into_iter()
        .filter(|n| {
            !whole.contains(n.code())
                && areas
                    .iter()
                    .any(|a| a.nation == *n && !is_district(&a.code, lookup))
        })
        .collect();
    if !open.is_empty() {
        // The districts each held whole by areas given of their geographies.
        let held: HashSet<&str> = sums
            .districts
            .iter()
            .filter(|d| d.targets.iter().all(Option::is_some))
            .map(|d| d.code)
            .collect();
        for n in open {
            let by_districts = lookup
                .keys()
                .filter(|c| Nation::from_code(c) == n)
                .all(|c| given(c) || held.contains(c.as_str()));
            let by_small_areas = !by_districts
                && small_area_prefix(n).is_some_and(|prefix| {
                    let numbers: HashSet<u32> = areas
                        .iter()
                        .filter_map(|a| small_area_number(&a.code, prefix))
                        .collect();
                    if numbers.is_empty() {
                        return false;
                    }
                    found.read_small_areas = true;
                    let eleven = runs_under(small_areas_2011(), prefix);
                    let twenty_one = if matches!(n, Nation::England | Nation::Wales) {
                        found.read_small_areas_2021 = true;
                        runs_under(small_areas_2021(), prefix)
                    } else {
                        &[]
                    };
                    all_of_one_vintage(eleven, twenty_one, &numbers)
                        || all_of_one_vintage(twenty_one, eleven, &numbers)
                });
            if by_districts || by_small_areas {
                whole.insert(n.code().to_string());
            }
        }
    }
    found.geographies = whole;
    found
}

/// The share of a nation's small areas of one vintage given, short of all, at which
/// [`nearly_whole_notes`] takes the missing ones for an oversight rather than a choice.
const NEARLY_ALL: f64 = 0.99;

/// A note for each nation not in `whole` (the geographies `areas` give whole,
/// [`whole_geographies`]) of whose small areas of one vintage nearly all (`NEARLY_ALL`, 99%) are
/// among the areas given but not every one, saying that it has no row of its own and which
/// are missing: a Data Zone dropped from a download of all of Scotland's leaves no Scotland
/// row, and the user would otherwise not be told why. Likewise for a nation all but one or
/// two of whose districts are given (`nearly_all_districts_notes`), or all but one of whose
/// ICBs, health boards or HSC trusts (`nearly_all_boards_notes`).
///
/// # Examples
/// ```
/// # use covgap::load::nearly_whole_notes;
/// // No small areas given: nothing to say.
/// assert!(nearly_whole_notes(&[], &Default::default()).is_empty());
/// ```
pub fn nearly_whole_notes(areas: &[Area], whole: &HashSet<String>) -> Vec<String> {
    let mut notes = nearly_all_districts_notes(areas, whole);
    notes.extend(nearly_all_boards_notes(areas, whole));
    for n in [Nation::England, Nation::Wales, Nation::Scotland] {
        let Some(prefix) = small_area_prefix(n) else {
            continue;
        };
        let numbers: HashSet<u32> = areas
            .iter()
            .filter_map(|a| small_area_number(&a.code, prefix))
            .collect();
        if numbers.is_empty() || whole.contains(n.code()) {
            continue;
        }
        let mut vintages = vec![(
            if n == Nation::Scotland {
                "Data Zones 2011"
            } else {
                "LSOAs 2011"
            },
            runs_under(small_areas_2011(), prefix),
        )];
        if n != Nation::Scotland {
            vintages.push(("LSOAs 2021", runs_under(small_areas_2021(), prefix)));
        }
        for (what, runs) in vintages {
            let missing: Vec<String> = runs
                .iter()
                .flat_map(|r| r.first..=r.last)
                .filter(|k| !numbers.contains(k))
                .map(|k| format!("{prefix}{k:06}"))
                .collect();
            let total = codes_in(runs);
            let given = total - missing.len();
            if !missing.is_empty() && given as f64 >= NEARLY_ALL * total as f64 {
                notes.push(no_row_note(
                    n,
                    given,
                    total,
                    what,
                    &first_of(missing.iter(), 10),
                ));
            }
        }
    }
    notes
}

/// The note of [`nearly_whole_notes`]: `given` of nation `n`'s `total` areas of a kind
/// (`what`: "districts", "health boards", "Data Zones 2011") are among the areas, but not
/// `missing`, so `n` has no row of its own.
fn no_row_note(n: Nation, given: usize, total: usize, what: &str, missing: &str) -> String {
    let name = n.name();
    format!(
        "{} of {name}'s {} {what} are among the areas, but not {missing}: {name} has no row of its own in \"By nation\" or rollups.csv (its areas count in \"All areas given\"), since their figures are not all of {name}'s",
        thousands(given as u64),
        thousands(total as u64),
    )
}

/// [`nearly_whole_notes`] for districts: a note for each nation not in `whole` all but a few
/// of whose built-in districts are among the areas (all but one, or all but 1%: two of
/// England's 296), naming those missing. Boundaries of England without the Isles of Scilly and
/// the City of London, two districts often left out for their size, give England no row, and
/// the user would otherwise not be told why. A district made since the boundaries were drawn
/// is given when every district it replaced is.
fn nearly_all_districts_notes(areas: &[Area], whole: &HashSet<String>) -> Vec<String> {
    let Ok(lookup) = lookup() else {
        return Vec::new();
    };
    let codes: HashSet<&str> = areas.iter().map(|a| a.code.as_str()).collect();
    let mut notes = Vec::new();
    for n in Nation::ALL {
        if whole.contains(n.code()) {
            continue;
        }
        let mut districts: Vec<(&String, &LookupRow)> = lookup
            .iter()
            .filter(|(c, _)| Nation::from_code(c) == n)
            .collect();
        districts.sort_by_key(|(c, _)| *c);
        let missing: Vec<String> = districts
            .iter()
            .filter(|(c, _)| !successors::given_in(c, &codes))
            .map(|(c, r)| format!("{} ({c})", r.name))
            .collect();
        let total = districts.len();
        let few = ((total as f64 * (1.0 - NEARLY_ALL)).floor() as usize).max(1);
        if missing.is_empty() || missing.len() > few || missing.len() == total {
            continue;
        }
        let given = total - missing.len();
        let missing = crate::write::and_list(&missing);
        notes.push(no_row_note(n, given, total, "districts", &missing));
    }
    notes
}

/// [`nearly_whole_notes`] for health geographies: a note for each nation not in `whole` all
/// but one of whose ICBs (England), health boards (Scotland, Wales) or HSC trusts (Northern
/// Ireland) in the built-in lookup are among the areas, by code or, for an ICB whose code has
/// changed, by name, naming the one missing: Wales's boards without Betsi Cadwaladr give no
/// Wales row, and the user would otherwise not be told why.
fn nearly_all_boards_notes(areas: &[Area], whole: &HashSet<String>) -> Vec<String> {
    use crate::read::names::fold_name;
    let Ok(lookup) = lookup() else {
        return Vec::new();
    };
    let given_codes: HashSet<&str> = areas.iter().map(|a| a.code.as_str()).collect();
    let given_names: HashSet<String> = areas.iter().map(|a| fold_name(&a.name)).collect();
    let mut notes = Vec::new();
    for n in Nation::ALL {
        if whole.contains(n.code()) {
            continue;
        }
        // The nation's geographies of its health level, by code, with their names.
        let mut geographies: HashMap<&str, &str> = HashMap::new();
        for (code, row) in lookup {
            if Nation::from_code(code) != n {
                continue;
            }
            let k = &row.keys;
            let level: Vec<&crate::model::Geography> = if n == Nation::England {
                k.all_icbs()
            } else {
                k.health_board.iter().collect()
            };
            for g in level {
                geographies.insert(g.code.as_str(), g.name.as_str());
            }
        }
        let mut missing: Vec<(&str, &str)> = geographies
            .iter()
            .filter(|(c, name)| {
                !given_codes.contains(*c) && !given_names.contains(&fold_name(name))
            })
            .map(|(c, name)| (*c, *name))
            .collect();
        missing.sort_unstable();
        let total = geographies.len();
        if missing.len() != 1 || total < 2 {
            continue;
        }
        let what = match n {
            Nation::England => "ICBs",
            Nation::NorthernIreland => "HSC trusts",
            _ => "health boards",
        };
        let (code, name) = missing[0];
        notes.push(no_row_note(
            n,
            total - 1,
            total,
            what,
            &format!("{name} ({code})"),
        ));
    }
    notes
}

/// The start of the codes of a nation's 2011 small areas: LSOAs in England (`E01`) and Wales
/// (`W01`), Data Zones in Scotland (`S01`). None for Northern Ireland, whose small areas the
/// built-in data does not have.
fn small_area_prefix(n: Nation) -> Option<&'static str> {
    match n {
        Nation::England => Some("E01"),
        Nation::Wales => Some("W01"),
        Nation::Scotland => Some("S01"),
        Nation::NorthernIreland | Nation::Unknown => None,
    }
}

/// The number of a small area's code after `prefix` (`E01000001` is 1 after `E01`), when the
/// code is of that form (the prefix and six digits).
fn small_area_number(code: &str, prefix: &str) -> Option<u32> {
    let digits = code.strip_prefix(prefix)?;
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// Whether the small areas given (`numbers`, under one nation's prefix) are all of one
/// vintage's, `these`, and none of the other's, `others`, alone: a code both vintages have
/// is the same area in each. False when `these` is empty (a vintage the nation has not).
fn all_of_one_vintage(
    these: &[SmallAreaRun],
    others: &[SmallAreaRun],
    numbers: &HashSet<u32>,
) -> bool {
    !these.is_empty()
        && these
            .iter()
            .all(|r| (r.first..=r.last).all(|k| numbers.contains(&k)))
        && numbers
            .iter()
            .all(|&k| in_runs(these, k) || !in_runs(others, k))
}

/// Whether `k` is in one of `runs` (of one prefix, in order).
fn in_runs(runs: &[SmallAreaRun], k: u32) -> bool {
    let i = runs.partition_point(|r| r.last < k);
    runs.get(i).is_some_and(|r| r.first <= k)
}

/// The runs of `runs` (a whole table, in code order) under `prefix`.
fn runs_under<'a>(runs: &'a [SmallAreaRun], prefix: &str) -> &'a [SmallAreaRun] {
    let start = runs.partition_point(|r| r.prefix.as_str() < prefix);
    let end = start + runs[start..].partition_point(|r| r.prefix == prefix);
    &runs[start..end]
}

/// How many codes `runs` hold.
fn codes_in(runs: &[SmallAreaRun]) -> usize {
    runs.iter().map(|r| (r.last - r.first + 1) as usize).sum()
}

/// A run of consecutive small-area codes of `data/small_areas_2011.csv` or
/// `data/small_areas_2021.csv`: the codes `prefix` followed by each number from `first` to
/// `last` (six digits).
struct SmallAreaRun {
    prefix: String,
    first: u32,
    last: u32,
}

/// Every 2011 small area of England, Wales and Scotland ([`builtin::small_areas_2011`]), read
/// once per process.
fn small_areas_2011() -> &'static [SmallAreaRun] {
    static RUNS: std::sync::OnceLock<Vec<SmallAreaRun>> = std::sync::OnceLock::new();
    RUNS.get_or_init(|| read_runs(&builtin::small_areas_2011()))
}

/// Every 2021 small area of England and Wales ([`builtin::small_areas_2021`]), read once per
/// process.
fn small_areas_2021() -> &'static [SmallAreaRun] {
    static RUNS: std::sync::OnceLock<Vec<SmallAreaRun>> = std::sync::OnceLock::new();
    RUNS.get_or_init(|| read_runs(&builtin::small_areas_2021()))
}

/// The runs of a built-in table of small areas, in its order (the codes'), each checked to
/// lie under one prefix.
fn read_runs(table: &Input) -> Vec<SmallAreaRun> {
    let text = table.built_in_text().expect("a built-in table");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let runs: Vec<SmallAreaRun> = r
        .records()
        .map(|rec| {
            let rec = rec.expect("the built-in small areas are made by scripts/prepare_data.py");
            let (first, last) = (&rec[0], &rec[1]);
            let prefix = first.get(..3).unwrap_or("");
            let number = |c: &str| {
                small_area_number(c, prefix)
                    .expect("the built-in small areas are runs of codes of one kind")
            };
            SmallAreaRun {
                prefix: prefix.to_string(),
                first: number(first),
                last: number(last),
            }
        })
        .collect();
    debug_assert!(runs
        .windows(2)
        .all(|w| (w[0].prefix.as_str(), w[0].last) < (w[1].prefix.as_str(), w[1].first)));
    runs
}

/// The headers tried for the figure in a user's table of `measure`.
fn figure_columns(measure: Measure) -> &'static [&'static str] {
    match measure {
        Measure::Age0 => AGE0_COLUMNS,
        Measure::Births => BIRTHS_COLUMNS,
    }
}

/// When the boundaries cannot be read, the user's figures table and team list are still
/// read on their own, so that `check` lists their own problems (a figure that is not a
/// number, a team with no name or swapped coordinates) alongside the boundaries' error.
/// What needs the areas (codes matched, bases placed) cannot be checked.
fn check_without_areas(
    inputs: &Inputs,
    table_options: &[FigureOptions],
    measure: Measure,
    diag: &mut Diagnostics,
) {
    for (i, (p, opts)) in inputs.births.iter().zip(table_options).enumerate() {
        let fin = Input::File(p.clone());
        let mut opts = opts.clone();
        if inputs.figure_flags.sheet_shared(inputs.births.len()) && !is_workbook(&fin) {
            opts.sheet = None;
        }
        let tried = figure_columns(measure);
        if let Err(e) = read_figures(&fin, &opts, tried, None, None, diag) {
            record(diag, flag_advice(inputs, i, &opts, e));
        }
    }
    if let Some(p) = &inputs.teams {
        let tin = Input::File(p.clone());
        if let Err(e) = crate::read::teams::read_teams(&tin, &inputs.team_columns, diag) {
            record(diag, e);
        }
    }
}

/// Metres on the grids covgap reads fall in the same range: Northern Ireland on the Irish
/// Grid, read as British National Grid, lies over the Irish Sea, Anglesey and Cheshire, and on
/// the Irish Transverse Mercator, in the North Sea. So when the system is only guessed to be
/// British National Grid, or is stated to be one of Northern Ireland's grids (the Irish Grid,
/// TM65's or TM75's, or the Irish Transverse Mercator), covgap measures the share of the areas
/// on the land where numbers on that grid belong ([`crate::land::share_on_uk_land`]): the
/// UK's for British National Grid, Northern Ireland's for its own grids; and, when that share
/// is short, the share read on each other grid:
/// - guessed, and at least [`IRISH_GRID_BETTER_BY`](crate::land::IRISH_GRID_BETTER_BY) more of
///   them on Northern Ireland's land read on one of its grids: an error asking for the system
///   (the Irish Grid or the Irish Transverse Mercator with no system stated);
/// - under [`ALMOST_NO_LAND`](crate::land::ALMOST_NO_LAND): an error (another system, or
///   British National Grid numbers stated to be on an Irish grid, which land in Wales and
///   England or at sea), naming the grid that puts most of them on land;
/// - under [`GUESSED_GRID_ON_LAND`](crate::land::GUESSED_GRID_ON_LAND): a warning (a coastal
///   catchment may lie half at sea). A system the file states is otherwise taken as stated.
///
/// Messages name the system as the file gave it. `label` names the file in messages (the
/// boundaries, or a small-area file).
pub(crate) fn which_grid(
    b: &crate::read::boundaries::Boundaries,
    input: &Input,
    label: &str,
    diag: &mut Diagnostics,
) -> Result<()> {
    use crate::land::{Sample, ALMOST_NO_LAND, GUESSED_GRID_ON_LAND, IRISH_GRID_BETTER_BY};
    let guessed = b.crs_guessed;
    match b.crs {
        Crs::BritishNationalGrid if guessed => {}
        c if c.is_irish() => {}
        _ => return Ok(()),
    }
    let read_as = b.crs.name();
    let raw: Vec<&geo::MultiPolygon> = b.areas.iter().map(|a| &a.geometry).collect();
    // The points inside the areas, found once and measured on each grid.
    let sample = Sample::of(&raw);
    // Numbers on one of Northern Ireland's grids are for a place on its land; British
    // National Grid's, on the UK's.
    let whose = |grid: Crs| {
        if grid.is_irish() {
            "Northern Ireland's"
        } else {
            "the UK's"
        }
    };
    let on_land = |grid: Crs| {
        if grid.is_irish() {
            sample.share_on_land(|p| grid.to_bng(p).ok(), Some('N'))
        } else {
            sample.share_on_land(Some, None)
        }
    };
    let Some(share) = on_land(b.crs) else {
        return Ok(());
    };
    let land = format!("{} land", whose(b.crs));
    if share >= GUESSED_GRID_ON_LAND {
        // Said, so the share behind the rule can be seen for any file (scripts/check_grids.sh).
        diag.note(
            label,
            None,
            format!(
                "read as {read_as}, {:.0}% of the areas lies on {land} (by the built-in districts)",
                share * 100.0
            ),
        );
        return Ok(());
    }
    // The other grids the numbers could be on, the one that puts most of them on land first
    // (on a tie, in this order). TM65's Irish Grid puts numbers where TM75's does.
    let (best, best_share) = {
        let same = |g: Crs| g == b.crs || (g == Crs::IrishGrid && b.crs == Crs::IrishGridTm65);
        let mut others: Vec<(Crs, f64)> = [
            Crs::BritishNationalGrid,
            Crs::IrishGrid,
            Crs::IrishTransverseMercator,
        ]
        .into_iter()
        .filter(|g| !same(*g))
        .map(|g| (g, on_land(g).unwrap_or(0.0)))
        .collect();
        others.sort_by(|x, y| y.1.total_cmp(&x.1));
        others[0]
    };
    let how = if guessed {
        "states no coordinate system, and its coordinates fit British National Grid metres"
            .to_string()
    } else {
        format!("says its coordinates are on {read_as} ({})", b.crs_reason)
    };
    let refuse = |message: String| Error::Format {
        path: input.path_for_errors(),
        message,
    };
    let state = format!(
        "state the system in the file (a \"crs\" member such as \"EPSG:27700\" or \"EPSG:{}\" in GeoJSON, or a .prj beside a Shapefile)",
        best.epsg()
    );
    if guessed && best_share >= share + IRISH_GRID_BETTER_BY {
        return Err(refuse(format!(
            "{how}, but read as British National Grid only {:.0}% of the areas lies on the UK's land (by the built-in districts; districts, ICBs and health boards lie 97% or more on it), against {:.0}% on Northern Ireland's were they on {}, which Northern Irish data often comes in. If they are, {state}: covgap reads {}",
            share * 100.0,
            best_share * 100.0,
            best.label(),
            best.name()
        )));
    }
    if share < ALMOST_NO_LAND {
        return Err(refuse(if guessed {
            format!(
                "{how}, but read so only {:.0}% of the areas lies on the UK's land (by the built-in districts), and {:.0}% at most on Northern Ireland's read as the Irish Grid or the Irish Transverse Mercator: they are in another system; reproject them to British National Grid (EPSG:27700) or WGS84 (EPSG:4326)",
                share * 100.0,
                best_share * 100.0
            )
        } else {
            format!(
                "{how}, but read so only {:.0}% of the areas lies on {land} (by the built-in districts), against {:.0}% on {} read as {}: the declaration is wrong for these numbers; correct it",
                share * 100.0,
                best_share * 100.0,
                whose(best),
                best.label()
            )
        }));
    }
    // A system the file states stands; but say how the likeliest other grid would read it.
    let check = if guessed {
        state
    } else {
        format!(
            "check the declaration (read as {}, {:.0}% would lie on {} land)",
            best.name(),
            best_share * 100.0,
            whose(best)
        )
    };
    diag.warn(
        label,
        None,
        format!(
            "{how}, and read as {read_as} only {:.0}% of the areas lies on {land} (by the built-in districts): right for areas partly at sea, but if they are not, the coordinates are in another system; {check}",
            share * 100.0,
        ),
    );
    Ok(())
}

fn load_areas(
    inputs: &Inputs,
    measure: Measure,
    diag: &mut Diagnostics,
) -> Result<(Vec<Area>, String, Option<FiguresRead>)> {
    // Each table's sheet and columns; a flag given a wrong number of times fails here.
    let table_options = inputs.figure_flags.per_table(&inputs.births)?;
    if let Some(sheet) = inputs.figure_flags.sheet.iter().find(|s| !s.is_empty()) {
        if inputs.births.is_empty() {
            return Err(Error::Format {
                path: PathBuf::from("--sheet"),
                message: format!("{sheet:?} names a sheet of a --births workbook, but no --births file was given"),
            });
        }
        // With one file, the figures reader says a CSV file has no sheets; with several and
        // one --sheet, the sheet is each workbook's among them.
        let workbooks = inputs
            .births
            .iter()
            .any(|p| is_workbook(&Input::File(p.clone())));
        if inputs.figure_flags.sheet_shared(inputs.births.len()) && !workbooks {
            return Err(Error::Format {
                path: PathBuf::from("--sheet"),
                message: format!("{sheet:?} names a sheet of a --births workbook, but none of the --births files is a workbook (.xlsx, .xls or .ods)"),
            });
        }
    }
    if let Some(p) = twice_given(&inputs.births) {
        return Err(Error::Format {
            path: p.to_path_buf(),
            message: "is given twice with --births: each area's figure must come from one file"
                .into(),
        });
    }
    let bin = input(&inputs.boundaries, builtin::boundaries);
    let mut b = match read_boundaries(&bin, &inputs.boundary_options, diag) {
        Ok(b) => b,
        Err(e) => {
            check_without_areas(inputs, &table_options, measure, diag);
            return Err(e);
        }
    };
    b.areas.sort_by(|x, y| x.code.cmp(&y.code));
    let lookup = lookup()?;

    // Figures: the user's tables, or the built-in column for the measure.
    let known: HashSet<&str> = b.areas.iter().map(|a| a.code.as_str()).collect();
    let tables: Vec<(Input, FigureOptions, &[&str])> = if inputs.births.is_empty() {
        vec![(
            builtin::areas(),
            FigureOptions {
                code_column: Some("code".into()),
                name_column: None,
                figure_column: Some(measure.key().into()),
                sheet: None,
            },
            BIRTHS_COLUMNS,
        )]
    } else {
        inputs
            .births
            .iter()
            .zip(&table_options)
            .map(|(p, opts)| {
                let fin = Input::File(p.clone());
                let mut opts = opts.clone();
                if inputs.figure_flags.sheet_shared(inputs.births.len()) && !is_workbook(&fin) {
                    opts.sheet = None;
                }
                (fin, opts, figure_columns(measure))
            })
            .collect()
    };
    // Rows for districts abolished since (tables in older ONS codes) are read too, to be
    // added up for the district that replaced them.
    let replaced = successors::replaced_in(|c| known.contains(c));
    let mut wanted = known.clone();
    wanted.extend(replaced.keys().copied());
    // With the built-in figures, areas of a geography the built-in lookup gives each district
    // (ICBs, health boards, regions, ...) get their districts' figures summed: read those too.
    let sums = if inputs.births.is_empty() && !inputs.without_figures {
        plan_sums(&b.areas, lookup)
    } else {
        Sums::default()
    };
    wanted.extend(sums.districts.iter().map(|d| d.code));
    // Each area's figure, and the table it came from.
    let mut values: HashMap<String, (Option<u64>, usize)> = HashMap::new();
    let mut read = Vec::new();
    // A table of the user's with no code column finds the areas by name.
    let names = (!inputs.births.is_empty()).then(|| area_names(&b.areas, lookup));
    for (i, (fin, fopts, tried)) in tables
        .iter()
        .enumerate()
        .filter(|_| !inputs.without_figures)
    {
        // A figures file that cannot be read at all is listed with the other problems, so
        // that `check` goes on to check the other tables and the team list too.
        let Ok(mut f) = read_figures(fin, fopts, tried, Some(&wanted), names.as_ref(), diag)
            .map_err(|e| record(diag, flag_advice(inputs, i, fopts, e)))
        else {
            continue;
        };
        let label = fin.label();
        let added_up = if sums.districts.is_empty() {
            add_up_replaced(&mut f, &replaced, &label, diag)
        } else {
            Some(sum_districts(
                &mut f, &sums, &b.areas, lookup, measure, &label, diag,
            ))
        };
        let added_up = match (f.matched_by_name(), added_up) {
            (Some(n), Some(a)) => Some(format!("{n}; {a}")),
            (n, a) => n.or(a),
        };
        let mut areas = 0;
        // Areas another table gave a figure for, by that table.
        let mut twice: std::collections::BTreeMap<usize, Vec<String>> = Default::default();
        let mut codes: Vec<_> = std::mem::take(&mut f.values).into_iter().collect();
        codes.sort();
        for (code, v) in codes {
            areas += usize::from(known.contains(code.as_str()));
            match values.get(&code) {
                Some(&(_, first)) => twice.entry(first).or_default().push(code),
                None => {
                    values.insert(code, (v, read.len()));
                }
            }
        }
        for (first, codes) in twice {
            let first: &TableRead = &read[first];
            diag.error(
                &label,
                None,
                format!(
                    "{} {} a figure in {} too: {}; each area's figure must come from one file",
                    thousands(codes.len() as u64),
                    plural(codes.len(), "area has", "areas have"),
                    first.file.path,
                    first_of(
                        codes.iter().map(|c| {
                            match b.areas.binary_search_by(|a| a.code.as_str().cmp(c)) {
                                Ok(i) => format!("{c} ({})", b.areas[i].name),
                                Err(_) => c.clone(),
                            }
                        }),
                        10
                    ),
                ),
            );
        }
        // When its rows for the areas were refused, the errors say why.
        let refused = diag
            .problems()
            .iter()
            .any(|p| p.severity == Severity::Error && p.source == label);
        if inputs.births.len() > 1 && areas == 0 && !refused {
            diag.warn(
                &label,
                None,
                format!(
                    "gives a figure for none of the areas in the boundaries ({}): is it the right file?",
                    f.keys_read()
                ),
            );
        }
        read.push(TableRead {
            file: FiguresFile {
                path: label,
                sheet: f.sheet,
                code_column: f.code_column,
                by_name: f.by_name,
                column: FigureColumn {
                    header: f.figure_column,
                    chosen_by: if inputs.births.is_empty() {
                        ColumnChoice::BuiltIn
                    } else {
                        f.figure_column_chosen_by
                    },
                },
                areas,
            },
            added_up,
        });
    }
    let icb_shared = !read.is_empty() && sums.districts.iter().any(|d| d.split);
    let mut missing = Vec::new();

    let flabel = read
        .iter()
        .map(|t| t.file.path.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let blabel = bin.label();
    which_grid(&b, &bin, &blabel, diag)?;
    let mut areas = Vec::with_capacity(b.areas.len());
    // Each area's feature number, for messages about the areas together.
    let mut area_features = Vec::with_capacity(b.areas.len());
    // Projecting each area, finding its interior point and looking for boundary lines that
    // cross are independent per area: do them on every core, then check and record problems
    // in file order as before.
    let crs = b.crs;
    let projected: Vec<_> = b
        .areas
        .into_par_iter()
        .map(|raw| {
            // In the file's own coordinates, as QGIS's Check Validity looks: projecting can
            // make or unmake a crossing between nearly aligned positions (tests/gdal.rs).
            let crossed = crate::validity::crossings(&raw.geometry);
            // WGS84 areas go to the grid by the bulk transformer: the same result as
            // `crs::wgs84_to_bng` to well under a millimetre, at a fraction of the cost.
            let pair = crs.to_wgs84_and_bng(raw.geometry);
            let interior = pair
                .as_ref()
                .ok()
                .and_then(|(_, bng)| crate::model::representative_point(bng));
            (raw.feature, raw.code, raw.name, pair, interior, crossed)
        })
        .collect();
    let nations = geography_nations(lookup);
    for (feature, code, name, pair, interior, crossed) in projected {
        let (wgs84, bng) = pair?;
        if let Some(c) = crossed {
            diag.warn(
                &blabel,
                Some(Place::Feature(feature)),
                crossing_message(&code, &name, &c, crs, bng.0.len()),
            );
        }
        // The parts of the boundary area the checks below still need.
        struct Named {
            feature: usize,
            code: String,
            name: String,
        }
        let raw = Named {
            feature,
            code,
            name,
        };
        let Some(p) = interior else {
            diag.error(
                &blabel,
                Some(Place::Feature(raw.feature)),
                format!("{}: geometry has no interior", raw.code),
            );
            continue;
        };
        let point = Located::from_bng(p.x(), p.y())?;
        let figure = match values.get(&raw.code) {
            Some(&(v, _)) => v,
            None => {
                missing.push(raw.code.clone());
                None
            }
        };
        let keys = match lookup.get(&raw.code) {
            Some(l) => l.keys.clone(),
            None => old_district_keys(&raw.code, lookup),
        };
        area_features.push(raw.feature);
        areas.push(Area {
            nation: nation_of(&raw.code, &nations),
            keys,
            name: raw.name,
            code: raw.code,
            figure,
            wgs84,
            bng,
            point,
        });
    }
    geography_keys(&mut areas, lookup);
    report_overlaps(&areas, &area_features, &blabel, diag);
    if read.is_empty() {
        return Ok((areas, b.crs_reason, None));
    }
    if !missing.is_empty() {
        diag.warn(
            &flabel,
            None,
            format!(
                "no figure for {} {} in the boundaries: {}{}; {} left out of totals",
                missing.len(),
                plural(missing.len(), "area", "areas"),
                missing
                    .iter()
                    .take(10)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                if missing.len() > 10 { ", ..." } else { "" },
                plural(missing.len(), "it is", "they are"),
            ),
        );
    }
    let with_figure = areas.iter().filter(|a| a.figure.is_some()).count();
    if with_figure > 0 && areas.iter().filter_map(|a| a.figure).sum::<u64>() == 0 {
        diag.warn(
            &flabel,
            None,
            format!(
                "the figures add up to 0 ({} with a figure has 0 in {}): no baby is counted, so no share can be given (the outputs leave it blank, null or n/a); is it the right file and column?",
                if with_figure == 1 {
                    "the 1 area".to_string()
                } else {
                    format!("every one of the {with_figure} areas")
                },
                columns_in(&read)
            ),
        );
    }
    if with_figure == 0 {
        // When rows for the areas were refused, the errors above say why; "no figure matched"
        // would send the user looking at the codes.
        let refused = diag
            .problems()
            .iter()
            .any(|p| p.severity == Severity::Error && read.iter().any(|t| p.source == t.file.path));
        diag.error(
            &flabel,
            None,
            if refused {
                "no area in the boundaries has a usable figure: the rows for them have the errors above".to_string()
            } else if inputs.births.is_empty() {
                // The built-in figures are by district, and are summed only for the
                // geographies the built-in lookup gives each district: boundaries of another
                // geography need their own, and the user should be told how to give them.
                format!(
                    "no figure matched any area code in the boundaries ({}): the built-in figures are for the UK's local authority districts, summed for areas of a geography the built-in lookup gives each district (its region, upper tier, ICB, health board or HSC trust, or nation), so boundaries of another geography (small areas, your own codes) need figures for their own areas: give them with --births FILE (a CSV or workbook with an area code column and a figure column)",
                    keys_in(&read)
                )
            } else {
                format!(
                    "no figure matched any area {} in the boundaries ({})",
                    if read.iter().all(|t| t.file.by_name) { "name" } else { "code" },
                    keys_in(&read)
                )
            },
        );
    }
    if !inputs.births.is_empty() {
        judge_total(
            &areas,
            lookup,
            measure,
            &columns_in(&read),
            table_options.iter().all(|o| o.figure_column.is_some()),
            &flabel,
            diag,
        );
    }
    Ok((
        areas,
        b.crs_reason,
        Some(FiguresRead {
            tables: read,
            icb_shared,
        }),
    ))
}

/// A figures table's error (the `i`th `--births` table, read with `opts`), with advice on the
/// flags when there are several tables. A flag given once names the same column or sheet in
/// every table, so a table headed apart (NRS's `Births` beside ONS's `Live births`) cannot
/// be read with it, and the error's own advice (to name the column with the flag just given)
/// cannot be followed: it says so, and to give the flag once per table. A sheet given once
/// per table to a CSV table, which has none, is said to be that table's value.
fn flag_advice(inputs: &Inputs, i: usize, opts: &FigureOptions, e: Error) -> Error {
    let n = inputs.births.len();
    let Error::Format { path, message } = e else {
        return e;
    };
    // Only the flags the error is about: a sheet missing or holding no table is about the
    // sheet, a column missing about the flag that named it. Advice on a flag the error does
    // not concern (a sheet given once per table that is missing, with --births-column given
    // once) would send the user to change a flag that was right.
    let shared: Vec<&str> = inputs
        .figure_flags
        .shared(n)
        .into_iter()
        .filter(|flag| match *flag {
            "--sheet" => {
                message.starts_with("has no sheet") || message.contains("no usable figures")
            }
            flag => message.contains(&format!("(named with {flag})")),
        })
        .collect();
    let csv = || {
        let f = inputs.births.get(i).map(|p| Input::File(p.clone()));
        !f.is_some_and(|f| is_workbook(&f))
    };
    let message = if n > 1 && opts.sheet.is_some() && !shared.contains(&"--sheet") && csv() {
        // The reader refused the sheet of a CSV table: given once per table, it is this one's.
        format!(
            "is read as CSV, which has no sheets, but the {nth} --sheet, for the {nth} --births table, is {:?}: give \"\" for it",
            opts.sheet.as_deref().unwrap_or_default(),
            nth = ordinal(i + 1),
        )
    } else if !shared.is_empty() {
        let what = |flag: &str| if flag == "--sheet" { "sheet" } else { "column" };
        let given: Vec<String> = shared
            .iter()
            .map(|flag| format!("{flag} names the {} in every one of them", what(flag)))
            .collect();
        let (it, whose) = match shared.as_slice() {
            [one] => ("it", what(one)),
            _ if shared.contains(&"--sheet") => ("each", "sheet or column"),
            _ => ("each", "column"),
        };
        format!(
            "{message} (with several --births tables, {}: leave {it} out to have each table's found by its header, or give {it} once per table, in the order of --births, with \"\" for a table whose {whose} is to be found by its header; this is the {} of the {n} tables)",
            and_list(&given),
            ordinal(i + 1),
        )
    } else {
        message
    };
    Error::Format { path, message }
}

/// The first path given twice, if any: the same file by two paths (`births.csv` and
/// `./births.csv`) too.
fn twice_given(paths: &[PathBuf]) -> Option<&Path> {
    let mut seen = HashSet::new();
    paths
        .iter()
        .find(|p| !seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())))
        .map(PathBuf::as_path)
}

/// A team base outside every area, with what decides what it stands for.
struct BaseOutside<'a> {
    team: &'a str,
    base: &'a Base,
    /// The area nearest the base, its index and how far (metres).
    nearest: &'a Area,
    index_of_nearest: usize,
    metres: f64,
    /// The built-in district it lies in when that is across a land border ([`Land`]).
    across: Option<Across>,
    /// Whether the row names areas it serves (found among the areas).
    serves_areas: bool,
    /// The built-in list read against the user's own boundaries: teams elsewhere are outside
    /// the study, not mistakes.
    outside_ok: bool,
    /// The row says Northern Ireland and gives its base by easting and northing read as
    /// British National Grid: at sea, they are most likely on one of Northern Ireland's grids.
    northern_irish_on_bng: bool,
}

/// What a base outside every area stands for, and what is said of it: the area it is placed in
/// (off a generalised coast, the nearest), and whether the row is refused (a base more than
/// [`COAST_TOLERANCE_M`] out with nothing else to say what it covers, or out at sea).
fn place_base_outside(
    o: BaseOutside,
    label: &str,
    place: Option<Place>,
    diag: &mut Diagnostics,
) -> (Option<usize>, bool) {
    let (team, b, d) = (o.team, o.base, o.metres);
    let near = d <= COAST_TOLERANCE_M;
    let away = distance_words(d);
    let across_message = |across: Across, and_then: &str| {
        format!(
            "{team}: base {} is {away} outside the boundaries, across a land border in {} by the built-in boundaries, beyond the boundaries given; {and_then}",
            b.given,
            across.district()
        )
    };
    match o.across {
        // Just off a generalised coast (or in a district the boundaries take in, drawn
        // differently): the nearest area.
        None if near => {
            diag.warn(label, place, format!(
                "{team}: base {} is {away} outside the generalised boundaries; placed in the nearest area, {} ({})",
                b.given, o.nearest.name, o.nearest.code
            ));
            (Some(o.index_of_nearest), false)
        }
        // In a neighbouring district: a real place, but not in one of these areas. The areas
        // served, if any, say what it covers; the base then matters only for the map (and, in
        // a plan with --radius, for what it reaches). Further out than a base off a coast could
        // be, it may also be a slip in the coordinates: a warning. The built-in list's teams
        // elsewhere are outside the study (counted by the caller).
        Some(a) if o.serves_areas => {
            if near {
                diag.note(
                    label,
                    place,
                    across_message(a, "it counts for the areas it serves"),
                );
            } else {
                diag.warn(label, place, across_message(a, "it counts for the areas it serves, but check the base: it is the place the map shows and a plan with --radius measures from"));
            }
            (None, false)
        }
        Some(a) if near => {
            if !o.outside_ok {
                diag.warn(label, place, across_message(a, "with no areas served given it covers none of these areas by district (a plan with --radius measures from its base); give the areas it serves if it serves some"));
            }
            (None, false)
        }
        _ if o.outside_ok => (None, false),
        // Far out with nothing else to say what it covers, or at sea: a slip in the
        // coordinates as likely as a team elsewhere.
        across => {
            let why = match across {
                Some(a) => format!("in {} by the built-in boundaries, and the team lists no areas served; a base more than {:.0} km outside with nothing else to say what it covers is taken to be wrong (give the areas it serves, or check the coordinates)", a.district(), COAST_TOLERANCE_M / 1000.0),
                None if o.northern_irish_on_bng => "at sea by the built-in boundaries, read as British National Grid; the list says Northern Ireland: are the easting and northing on the Irish Transverse Mercator or the Irish Grid? give the grid in a `crs` column (2157 or 29903)".to_string(),
                None => format!("at sea by the built-in boundaries; a base more than {:.0} km out to sea is taken to be wrong (check the coordinates)", COAST_TOLERANCE_M / 1000.0),
            };
            diag.error(label, place, format!(
                "{team}: base {} (lat {:.5}, lon {:.5}) is outside every area, {:.1} km from the nearest ({}), {why}",
                b.given, b.at.wgs84.y(), b.at.wgs84.x(), d / 1000.0, o.nearest.name
            ));
            (None, true)
        }
    }
}

/// The nation a team list's `nation` cell names, if it names one.
fn stated_nation(cell: &str) -> Option<Nation> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "england" => Some(Nation::England),
        "wales" | "cymru" => Some(Nation::Wales),
        "scotland" => Some(Nation::Scotland),
        "northern ireland" | "ni" => Some(Nation::NorthernIreland),
        _ => None,
    }
}

/// A distance outside the boundaries in words: metres below a kilometre ("788 m"), else
/// kilometres to one decimal ("6.0 km").
fn distance_words(metres: f64) -> String {
    if metres < 1_000.0 {
        format!("{metres:.0} m")
    } else {
        format!("{:.1} km", metres / 1000.0)
    }
}

/// Whether a row's team counts, for the notes that say which areas its districts stand for:
/// one not counted would count for them, said so, so that a note does not name an area as
/// having a team that the outputs list as a gap.
#[derive(Debug, Clone, Copy)]
enum Counts<'a> {
    Yes,
    /// Not counted, with the row's evidence level.
    No(&'a str),
}

impl Counts<'_> {
    /// "counts for", or "is not counted (evidence "candidate"), but would count for"; with
    /// `instead`, "counts instead for" (a team counting for the area holding its base in
    /// place of the areas it names).
    fn verb(self, instead: bool) -> String {
        let what = if instead { "instead for" } else { "for" };
        match self {
            Counts::Yes => format!("counts {what}"),
            Counts::No(evidence) => {
                format!("is not counted (evidence {evidence:?}), but would count {what}")
            }
        }
    }
}

/// Says which abolished districts a team list row names and what the team counts for
/// instead: a note when the row names every district the new one replaced, a warning when
/// only some (the team then counts for the whole new district, as a team serving part of an
/// area does, more than the row claims).
/// A team not counted changes no figure, so its districts served in part are noted as ones it
/// would count for, not warned of.
fn report_abolished(
    team: &str,
    via_old: &[&Successor],
    counts: Counts,
    label: &str,
    place: Option<Place>,
    diag: &mut Diagnostics,
) {
    for (new, olds) in successors::by_new_district(via_old.iter().copied()) {
        let all: Vec<&Successor> = successors::all()
            .iter()
            .filter(|s| s.new_code == new)
            .collect();
        let first = olds[0];
        let named: Vec<String> = olds.iter().map(|s| s.old_named()).collect();
        let (were, is) = if olds.len() == 1 {
            ("area served", "was")
        } else {
            ("areas served", "were")
        };
        let names = named.join(", ");
        let since = first.since_words();
        let new_name = &first.new_name;
        let verb = counts.verb(false);
        if olds.len() == all.len() {
            diag.note(
                label,
                place,
                format!("{team}: {were} {names} {is} abolished on {since} and together make up {new_name} ({new}): the team {verb} {new_name}"),
            );
        } else if let Counts::No(_) = counts {
            let others = all.len() - olds.len();
            diag.note(
                label,
                place,
                format!(
                    "{team}: {were} {names} {is} abolished on {since} and {} now part of {new_name} ({new}), with {others} other former {}: the team {verb} the whole of {new_name}, as a team serving part of an area does",
                    if olds.len() == 1 { "is" } else { "are" },
                    plural(others, "district", "districts"),
                ),
            );
        } else {
            let others = all.len() - olds.len();
            diag.warn(
                label,
                place,
                format!(
                    "{team}: {were} {names} {is} abolished on {since} and {} now part of {new_name} ({new}), with {others} other former {}: the team counts for the whole of {new_name}, as a team serving part of an area does; if it serves only {names}, covgap counts more babies as covered (in the headline, or in a plan) than it reaches",
                    if olds.len() == 1 { "is" } else { "are" },
                    plural(others, "district", "districts"),
                ),
            );
        }
    }
}

/// Adds up the figures of districts abolished since (`replaced`: old code to successor) for
/// the district that replaced them, when the table gives a figure for every one of them and
/// none for the new district; otherwise the new district has no figure, with a warning naming
/// what is missing. Old codes are then taken out of `f`. Returns the rule applied, in words,
/// for the figures' source, when any district was added up.
fn add_up_replaced(
    f: &mut Figures,
    replaced: &HashMap<&str, &Successor>,
    label: &str,
    diag: &mut Diagnostics,
) -> Option<String> {
    let named = Successor::old_named;
    // A table read by name names the old districts, as one read by code gives their codes.
    let keys = if f.by_name { "names" } else { "codes" };
    let mut added: Vec<String> = Vec::new();
    let mut olds_added: Vec<&Successor> = Vec::new();
    for r in successors::replacements(replaced, |old| f.values.get(old).copied()) {
        let (new, olds, given) = (r.new_code, &r.olds, &r.given);
        let first = olds[0];
        let new_named = r.new_named();
        // The table's own row for the new district is the one used, suppressed or not (the
        // reader has said a suppressed one leaves the district without a figure).
        if f.values.contains_key(new) {
            diag.note(
                label,
                None,
                format!(
                    "rows for {}, abolished on {}, were ignored: the table gives {new_named}, which replaced them, itself",
                    given.iter().map(|(s, _)| named(s)).collect::<Vec<_>>().join(", "),
                    first.since_words()
                ),
            );
            continue;
        }
        let missing: Vec<String> = r.missing().into_iter().map(named).collect();
        let suppressed: Vec<String> = given
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(s, _)| named(s))
            .collect();
        if missing.is_empty() && suppressed.is_empty() {
            let sum: u64 = given.iter().filter_map(|(_, v)| *v).sum();
            f.values.insert(new.to_string(), Some(sum));
            olds_added.extend(olds.iter().copied());
            added.push(format!(
                "{new_named} = {}",
                olds.iter()
                    .map(|s| named(s))
                    .collect::<Vec<_>>()
                    .join(" + ")
            ));
            continue;
        }
        let mut why = Vec::new();
        if !missing.is_empty() {
            why.push(format!("no row for {}", missing.join(", ")));
        }
        if !suppressed.is_empty() {
            why.push(format!(
                "the figure suppressed for {}",
                suppressed.join(", ")
            ));
        }
        diag.warn(
            label,
            None,
            format!(
                "the table is in district {keys} from before {}: {new_named} replaced {}, but with {} their figures cannot be added up, so {} has no figure",
                first.since_words(),
                olds.iter().map(|s| named(s)).collect::<Vec<_>>().join(", "),
                why.join(" and "),
                first.new_name
            ),
        );
    }
    for old in replaced.keys() {
        f.values.remove(*old);
    }
    if added.is_empty() {
        return None;
    }
    let since = successors::since_words_of(olds_added.iter().copied());
    diag.note(
        label,
        None,
        format!(
            "the table is in district {keys} from before {since}: the figures of {} abolished districts were added up for the {} that replaced them (data/successors.csv): {}",
            olds_added.len(),
            added.len(),
            added.join("; ")
        ),
    );
    Some(format!(
        "district {keys} from before {since}: {} added up from the districts they replaced",
        added
            .iter()
            .map(|a| a.split(" = ").next().unwrap_or(a).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// The period and source of the built-in figures of `measure`.
fn builtin_period_source(measure: Measure) -> (&'static str, &'static str) {
    match measure {
        Measure::Births => (builtin::BIRTHS_PERIOD, builtin::BIRTHS_SOURCE),
        Measure::Age0 => (builtin::AGE0_PERIOD, builtin::AGE0_SOURCE),
    }
}

/// An area given, as [`plan_sums`] matches it to the built-in districts it holds: by its code,
/// else by its name. Boundaries as read, and areas as the study holds them.
trait Given {
    fn code(&self) -> &str;
    fn name(&self) -> &str;
}

impl Given for crate::read::boundaries::RawArea {
    fn code(&self) -> &str {
        &self.code
    }
    fn name(&self) -> &str {
        &self.name
    }
}

impl Given for Area {
    fn code(&self) -> &str {
        &self.code
    }
    fn name(&self) -> &str {
        &self.name
    }
}

/// Whether `code` is a built-in district's, current or abolished since 2019 (`data/areas.csv`,
/// `data/successors.csv`); false if the built-in lookup cannot be read.
///
/// # Examples
/// ```
/// use covgap::load::is_builtin_district;
/// assert!(is_builtin_district("E07000178")); // Oxford
/// assert!(!is_builtin_district("W11000023")); // Betsi Cadwaladr University Health Board
/// ```
pub fn is_builtin_district(code: &str) -> bool {
    lookup().is_ok_and(|l| is_district(code, l))
}

/// Whether `code` is a built-in district's, current or abolished since 2019.
fn is_district(code: &str, lookup: &HashMap<String, LookupRow>) -> bool {
    lookup.contains_key(code) || successors::all().iter().any(|s| s.old_code == code)
}

/// The built-in district figures to sum into areas of a geography the built-in lookup gives
/// each district ([`plan_sums`]).
#[derive(Default)]
struct Sums {
    /// Each district summed, in code order.
    districts: Vec<SummedDistrict>,
    /// The areas given found by name, the lookup having another year's code for them (Surrey
    /// Heartlands and Sussex ICBs): each with the lookup's geography, by area index.
    by_name: std::collections::BTreeMap<usize, Geography>,
}

/// A built-in district whose figure goes into areas given.
struct SummedDistrict {
    code: &'static str,
    /// Split between ICBs, with ICBs as the areas: the figure is shared out between the parts
    /// ([`RollupKeys::icbs`]), and `targets` has one entry a part.
    split: bool,
    /// The area given (by index) taking the figure, or each part of it; `None` for a part
    /// whose ICB is not among the areas given.
    targets: Vec<Option<usize>>,
}

/// With the built-in figures, which are by district, the areas given that are of a geography
/// the built-in lookup gives each district (`data/areas.csv`: its ICB, health board or HSC
/// trust, upper tier, region, or nation) take the figures of the districts in them. Each
/// district goes to the area of its geography found as a team serving it is
/// ([`Districts::holders`]): by code at any level (ICB first, nation last), else by a name
/// only one area has and a code of the same kind (an ICB or board whose code has changed since
/// the boundaries were drawn). A district split between ICBs goes, at the ICB level, to each
/// ICB given that it lies partly in, its figure shared out as in `rollups.csv`'s ICB rows.
/// Only districts whose geography is among the areas given are summed, and none that is an
/// area given itself (a unitary authority among upper tiers), so nothing changes for
/// districts as boundaries: no area is of another geography.
fn plan_sums<A: Given>(areas: &[A], lookup: &'static HashMap<String, LookupRow>) -> Sums {
    let codes: HashSet<&str> = areas.iter().map(|a| a.code()).collect();
    let mut by_code: HashMap<&str, usize> = HashMap::new();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, a) in areas.iter().enumerate() {
        if !is_district(a.code(), lookup) {
            by_code.insert(a.code(), i);
            by_name.entry(fold_name(a.name())).or_default().push(i);
        }
    }
    let mut sums = Sums::default();
    if by_code.is_empty() {
        return sums;
    }
    let named = |g: &Geography| named_once(&by_name, g, |i| areas[i].code());
    let mut districts: Vec<&'static String> = lookup.keys().collect();
    districts.sort();
    for code in districts {
        if successors::given_in(code, &codes) {
            continue;
        }
        let k = &lookup[code].keys;
        let nation = Nation::from_code(code);
        let nation = Geography {
            code: nation.code().into(),
            name: nation.name().into(),
        };
        let levels: Vec<Vec<&Geography>> = [
            k.all_icbs(),
            k.health_board.iter().collect(),
            k.utla.iter().collect(),
            k.region.iter().collect(),
            vec![&nation],
        ]
        .into_iter()
        .map(|l| {
            l.into_iter()
                .filter(|g| !g.code.is_empty() && g.code != *code)
                .collect::<Vec<_>>()
        })
        .filter(|l| !l.is_empty())
        .collect();
        let Some(level) = levels
            .iter()
            .find(|l| l.iter().any(|g| by_code.contains_key(g.code.as_str())))
            .or_else(|| levels.iter().find(|l| l.iter().any(|g| named(g).is_some())))
        else {
            continue;
        };
        let targets = level
            .iter()
            .map(|g| {
                by_code.get(g.code.as_str()).copied().or_else(|| {
                    let i = named(g)?;
                    sums.by_name.insert(i, (*g).clone());
                    Some(i)
                })
            })
            .collect();
        sums.districts.push(SummedDistrict {
            code: code.as_str(),
            split: level.len() > 1,
            targets,
        });
    }
    sums
}

/// An area's geographies at one level of the built-in lookup: 0 its ICBs (a split
/// district's each), 1 its health board or HSC trust, 2 its upper tier, 3 its region.
fn at_level(keys: &RollupKeys, level: usize) -> Vec<&Geography> {
    match level {
        0 => keys.all_icbs(),
        1 => keys.health_board.iter().collect(),
        2 => keys.utla.iter().collect(),
        _ => keys.region.iter().collect(),
    }
}

/// Puts `g` as `keys`' geography at `level` ([`at_level`]).
fn set_level(keys: &mut RollupKeys, level: usize, g: Geography) {
    match level {
        0 => keys.icb = Some(g),
        1 => keys.health_board = Some(g),
        2 => keys.utla = Some(g),
        _ => keys.region = Some(g),
    }
}

/// Areas given that are themselves of a geography the built-in lookup gives districts (an
/// ICB, health board or HSC trust, upper tier or region, found by code or by name as
/// [`plan_sums`] finds them) take that geography as their own at its level, and at every other
/// level the geography all the districts in them share, if they share one: a health board's
/// or trust's `health_board` column names it, an ICB's `icb` column names it and its `region`
/// the region it lies in (none for an ICB whose districts lie in two regions), an upper tier's
/// its region and, if it lies in one, its ICB. Their rollups then have rows, when all of a
/// geography is given ([`whole_geographies`]). Districts, small areas and nations are left as
/// they are.
fn geography_keys(areas: &mut [Area], lookup: &'static HashMap<String, LookupRow>) {
    for (i, own, districts) in held_by_area(areas, lookup) {
        let mut keys = RollupKeys::default();
        for level in 0..4 {
            let mut shared: Option<&Geography> = None;
            let all_share = districts.iter().all(|d| {
                let gs = at_level(&lookup[*d].keys, level);
                // The area itself, where it is of this level; else the district's one
                // geography at it (a district split between ICBs has none of its own).
                let g = gs
                    .iter()
                    .find(|g| g.code == own)
                    .or_else(|| gs.first().filter(|_| gs.len() == 1));
                match (g, shared) {
                    (None, _) => false,
                    (Some(g), None) => {
                        shared = Some(g);
                        true
                    }
                    (Some(g), Some(s)) => g.code == s.code,
                }
            });
            if let (true, Some(g)) = (all_share, shared) {
                set_level(&mut keys, level, g.clone());
            }
        }
        areas[i].keys = keys;
    }
}

/// Each area given of a geography of the built-in lookup that holds built-in districts
/// ([`plan_sums`]): its index, its code in the lookup (an ICB found by name has the lookup's
/// code for it there) and the districts it holds, wholly or, split between ICBs, in part.
fn held_by_area(
    areas: &[Area],
    lookup: &'static HashMap<String, LookupRow>,
) -> Vec<(usize, String, Vec<&'static str>)> {
    let sums = plan_sums(areas, lookup);
    let mut held: std::collections::BTreeMap<usize, Vec<&'static str>> = Default::default();
    for d in &sums.districts {
        for &t in d.targets.iter().flatten() {
            held.entry(t).or_default().push(d.code);
        }
    }
    held.into_iter()
        .map(|(i, districts)| {
            let own = sums
                .by_name
                .get(&i)
                .map_or(areas[i].code.as_str(), |g| g.code.as_str())
                .to_string();
            (i, own, districts)
        })
        .collect()
}

/// The geographies at one level (`at` picks a district's there from its keys: its ICBs, its
/// health board or HSC trust, its region) that an area given of another geography lies across
/// the border of, holding built-in districts in it and districts outside it: an ICB holding
/// districts of two regions lies partly in each, a county with a district split between ICBs
/// partly in each ICB. Such an area has no geography of its own at that level, so it is in
/// neither's group under `covgap plan --by`, and a group of the areas lying wholly in one
/// would miss its babies and its team: Bath and North East Somerset, Swindon and Wiltshire's
/// ICB, which has a team, lies partly in the South West, whose ICBs lying wholly in it hold
/// 42,602 of its 51,499 babies. An area of this level itself, a district or a small area lies
/// across none. In code order; empty if the built-in lookup cannot be read.
///
/// # Examples
/// ```
/// use covgap::load::lying_across;
/// // Districts lie across no region's border.
/// let study = covgap::load::load(&Default::default(), &mut Default::default()).unwrap();
/// assert!(lying_across(&study.areas, |k| k.region.iter().collect()).is_empty());
/// ```
pub fn lying_across(
    areas: &[Area],
    at: impl for<'k> Fn(&'k RollupKeys) -> Vec<&'k Geography>,
) -> Vec<Geography> {
    let Ok(lookup) = lookup() else {
        return Vec::new();
    };
    let mut across: std::collections::BTreeMap<&str, &Geography> = Default::default();
    for (_, own, districts) in held_by_area(areas, lookup) {
        let of: Vec<Vec<&Geography>> = districts.iter().map(|d| at(&lookup[*d].keys)).collect();
        if of.iter().flatten().any(|g| g.code == own) {
            continue;
        }
        let touched: std::collections::BTreeMap<&str, &Geography> =
            of.iter().flatten().map(|g| (g.code.as_str(), *g)).collect();
        // In two of them, or in one and in districts outside any.
        if touched.len() > 1 || (!touched.is_empty() && of.iter().any(Vec::is_empty)) {
            across.extend(touched);
        }
    }
    across.into_values().cloned().collect()
}

/// Puts into `f` each area's figure summed from the built-in district figures it holds
/// ([`plan_sums`]), takes the districts' own out, and says so in a note ([`summed_note`]).
/// An area with a district whose figure is missing has none. Returns the rule in words, for
/// the figures' source.
fn sum_districts(
    f: &mut Figures,
    sums: &Sums,
    areas: &[crate::read::boundaries::RawArea],
    lookup: &HashMap<String, LookupRow>,
    measure: Measure,
    label: &str,
    diag: &mut Diagnostics,
) -> String {
    let n = crate::write::thousands;
    let mut totals: std::collections::BTreeMap<usize, Option<u64>> = Default::default();
    let mut parts_left_out = Vec::new();
    for d in &sums.districts {
        let figure = f.values.get(d.code).copied().flatten();
        let shares: Vec<Option<u64>> = match figure {
            Some(v) if d.split => lookup[d.code]
                .keys
                .icbs(v)
                .into_iter()
                .map(|(_, part)| Some(part))
                .collect(),
            _ => vec![figure; d.targets.len()],
        };
        let mut counted = 0;
        for (target, share) in d.targets.iter().zip(&shares) {
            let Some(i) = target else { continue };
            counted += share.unwrap_or(0);
            let total = totals.entry(*i).or_insert(Some(0));
            *total = total.zip(*share).map(|(a, b)| a + b);
        }
        if let (Some(v), true) = (figure, d.targets.contains(&None)) {
            parts_left_out.push(format!(
                "{} ({}: {} of {})",
                lookup[d.code].name,
                d.code,
                n(counted),
                n(v)
            ));
        }
    }
    let known: HashSet<&str> = areas.iter().map(|a| a.code.as_str()).collect();
    f.values.retain(|c, _| known.contains(c.as_str()));
    for (&i, total) in &totals {
        f.values.insert(areas[i].code.clone(), *total);
    }
    diag.note(
        label,
        None,
        summed_note(
            sums,
            areas,
            lookup,
            &f.values,
            &totals,
            &parts_left_out,
            measure,
        ),
    );
    if sums.districts.iter().any(|d| d.split) {
        "summed for each area given from the built-in districts in it by the built-in lookup, data/areas.csv, with districts split between ICBs shared out by data/icb_shares.csv".into()
    } else {
        "summed for each area given from the built-in districts in it by the built-in lookup, data/areas.csv".into()
    }
}

/// The note [`sum_districts`] leaves: how many areas given took a sum, from how many
/// districts; the areas given that are districts themselves, the districts split between
/// ICBs, the areas found by name, the parts of districts left out (`parts_left_out`) and the
/// areas with no district. `values` are the figures after the sums, `totals` the sums by area
/// index.
fn summed_note(
    sums: &Sums,
    areas: &[crate::read::boundaries::RawArea],
    lookup: &HashMap<String, LookupRow>,
    values: &HashMap<String, Option<u64>>,
    totals: &std::collections::BTreeMap<usize, Option<u64>>,
    parts_left_out: &[String],
    measure: Measure,
) -> String {
    let n = crate::write::thousands;
    let (period, _) = builtin_period_source(measure);
    let split = sums.districts.iter().filter(|d| d.split).count();
    let mut message = format!(
        "figures summed from the built-in district figures: each area's figure ({}, {period}) is the sum of the built-in figures of the districts the built-in lookup (data/areas.csv) puts in it (its ICB, health board or HSC trust, upper tier, region or nation), for {} of the {} {} given, from {} {}",
        measure.describe(),
        n(totals.len() as u64),
        n(areas.len() as u64),
        plural(areas.len(), "area", "areas"),
        n(sums.districts.len() as u64),
        plural(sums.districts.len(), "district", "districts"),
    );
    let districts_given = areas
        .iter()
        .filter(|a| lookup.contains_key(&a.code))
        .count();
    if districts_given > 0 {
        message.push_str(&format!(
            "; {} {} (unitary authorities among upper tiers, say), with {} own figure",
            n(districts_given as u64),
            plural(
                districts_given,
                "area given is a district itself",
                "areas given are districts themselves"
            ),
            plural(districts_given, "its", "their"),
        ));
    }
    if split > 0 {
        message.push_str(&format!(
            "; {} shared out between them by the babies living in each part (data/icb_shares.csv), as in rollups.csv's ICB rows",
            if split == 1 {
                "the 1 district split between ICBs is".to_string()
            } else {
                format!("the {split} districts split between ICBs are")
            }
        ));
    }
    if !sums.by_name.is_empty() {
        message.push_str(&format!(
            "; found by name, the lookup having another year's code for them: {}",
            sums.by_name
                .iter()
                .map(|(&i, g)| format!(
                    "{} ({}, {} in the lookup)",
                    areas[i].name, areas[i].code, g.code
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    message.push_str("; districts in none of the areas given are not counted");
    if !parts_left_out.is_empty() {
        message.push_str(&format!(
            ", nor the parts outside them of the districts split between ICBs lying partly in them: {}",
            parts_left_out.join(", ")
        ));
    }
    let without: Vec<String> = areas
        .iter()
        .enumerate()
        .filter(|(i, a)| !totals.contains_key(i) && !values.contains_key(&a.code))
        .map(|(_, a)| format!("{} ({})", a.name, a.code))
        .collect();
    if !without.is_empty() {
        message.push_str(&format!(
            "; the lookup puts no district in {} {}, which {} no figure: {}{}",
            without.len(),
            plural(without.len(), "area", "areas"),
            plural(without.len(), "has", "have"),
            without
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            if without.len() > 10 { ", ..." } else { "" }
        ));
    }
    message
}

/// A user's figures this many times the built-in ones for the same areas, or fewer than
/// [`TOO_FEW`] times, are far from a year of babies: another column, several years, or part of
/// a year. Year to year, UK live births move by a few per cent (about 600,000 to 800,000 a year
/// this century), and a district's by rather more, so these bounds leave real changes alone.
const TOO_MANY: f64 = 1.6;
const TOO_FEW: f64 = 0.6;

/// Warns when a user's figures add up to far more or far fewer babies than the built-in
/// figures of the same measure give the same areas (those whose codes the built-in table
/// has): a population total read as births, say, or several years' births. Areas with
/// other codes are not judged.
fn judge_total(
    areas: &[Area],
    lookup: &HashMap<String, LookupRow>,
    measure: Measure,
    columns: &str,
    named: bool,
    label: &str,
    diag: &mut Diagnostics,
) {
    let (mut given, mut reference, mut n) = (0u64, 0u64, 0usize);
    for a in areas {
        if let (Some(f), Some(b)) = (
            a.figure,
            lookup.get(&a.code).and_then(|l| l.figure(measure)),
        ) {
            given += f;
            reference += b;
            n += 1;
        }
    }
    if reference == 0 || given == 0 {
        return;
    }
    let ratio = given as f64 / reference as f64;
    if (TOO_FEW..=TOO_MANY).contains(&ratio) {
        return;
    }
    let (usual, period) = match measure {
        Measure::Births => (
            "The UK has about 600,000 to 800,000 live births a year",
            builtin::BIRTHS_PERIOD,
        ),
        Measure::Age0 => (
            "The UK's population aged 0 is about 600,000 to 800,000",
            builtin::AGE0_PERIOD,
        ),
    };
    let times = if ratio >= 1.0 {
        format!("{ratio:.1} times")
    } else {
        format!("{:.0}% of", ratio * 100.0)
    };
    diag.warn(
        label,
        None,
        format!(
            "the figures in {columns} add up to {} for the {n} {} the built-in table also has: {times} the {} {} the built-in figures give {} ({period}). {usual}. Is it the right column (not a population total, or several years)?{}",
            crate::write::thousands(given),
            plural(n, "area", "areas"),
            crate::write::thousands(reference),
            measure.describe(),
            plural(n, "it", "them"),
            if named { "" } else { " Name the column with --births-column" },
        ),
    );
}

/// An error for each group of areas that overlap (see [`crate::validity::overlaps`]): every
/// area's babies are counted once, so overlapping areas would count some twice.
fn report_overlaps(areas: &[Area], features: &[usize], label: &str, diag: &mut Diagnostics) {
    let geometries: Vec<&geo::MultiPolygon> = areas.iter().map(|a| &a.bng).collect();
    let points: Vec<Coord> = areas.iter().map(|a| a.point.bng.0).collect();
    for (hub, others) in crate::validity::overlaps(&geometries, &points) {
        let named = |i: usize| format!("{} ({})", areas[i].code, areas[i].name);
        let listed = others
            .iter()
            .take(10)
            .map(|&i| named(i))
            .collect::<Vec<_>>()
            .join(", ");
        let what = match others.len() {
            1 => listed,
            n if n <= 10 => format!("{n} other areas: {listed}"),
            n => format!(
                "{} other areas: {listed} and {} more",
                thousands(n as u64),
                thousands((n - 10) as u64)
            ),
        };
        diag.error(
            label,
            Some(Place::Feature(features[hub])),
            format!(
                "{} overlaps {what} (the point inside one from which covgap measures lies inside the other). Each area's babies are counted once, so areas must not overlap: give one geography (for example local authority districts only, not their counties as well), and each area once",
                named(hub)
            ),
        );
    }
}

/// The warning for an area whose boundary lines cross (see [`crate::validity`]), with the
/// place in both coordinate systems so that it can be found in QGIS. `c` is in the file's own
/// coordinates, `crs`.
fn crossing_message(
    code: &str,
    name: &str,
    c: &crate::validity::Crossings,
    crs: Crs,
    parts: usize,
) -> String {
    let at = c.first.at();
    let both = crs
        .to_wgs84(at)
        .and_then(|w| crs.to_bng(at).map(|g| (w, g)));
    // Eastings and northings on the file's own grid (for a file on one of Northern Ireland's
    // grids, on that grid, named).
    let on = if crs.is_irish() {
        format!(" on {}", crs.name())
    } else {
        String::new()
    };
    let place = match both {
        Ok((w, g)) => {
            let grid = if crs.is_irish() { at } else { g };
            format!(
                "{:.5}°{}, {:.5}°{} (easting {:.0}, northing {:.0}{on})",
                w.y.abs(),
                if w.y < 0.0 { "S" } else { "N" },
                w.x.abs(),
                if w.x < 0.0 { "W" } else { "E" },
                grid.x,
                grid.y,
            )
        }
        Err(_) => match crs {
            Crs::Wgs84 => format!("longitude {:.5}, latitude {:.5}", at.x, at.y),
            _ => format!("easting {:.0}, northing {:.0}{on}", at.x, at.y),
        },
    };
    let more = match c.places {
        1 => String::new(),
        n => format!(" ({} places in all)", n),
    };
    let effect = match c.first.how() {
        crate::validity::Meeting::Cross => {
            "so a point close to it may be placed in the wrong area or in none; QGIS's Check Validity lists it and Fix Geometries mends it"
        }
        crate::validity::Meeting::RunAlong => {
            "which GIS tools count as invalid; if the lines cross where they part, a point close to it may be placed in the wrong area or in none; QGIS's Check Validity lists it and Fix Geometries mends it"
        }
        crate::validity::Meeting::Touch => {
            "which GIS tools count as invalid, though points are still placed as the lines are drawn; QGIS's Check Validity lists it and Fix Geometries mends it"
        }
    };
    format!(
        "{code} ({name}): {} near {place}{more}, {effect}",
        c.first.describe(parts)
    )
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
        other => diag.error("covgap", None, other.to_string()),
    }
}

/// The one area given (by index into `by_name`'s areas, `code_of` giving its code) named as
/// geography `g` is, folded ([`fold_name`]), with a code of the same kind (the same first
/// three characters, `E54` for an ICB): an ICB or board whose code has changed since the
/// boundaries were drawn. `None` when no area has the name, or more than one has.
fn named_once<'a>(
    by_name: &HashMap<String, Vec<usize>>,
    g: &Geography,
    code_of: impl Fn(usize) -> &'a str,
) -> Option<usize> {
    match by_name.get(&fold_name(&g.name)) {
        Some(v) if v.len() == 1 && code_of(v[0]).get(..3) == g.code.get(..3) => Some(v[0]),
        _ => None,
    }
}

/// Adds to `by_name` (folded name to the areas given bearing it) the ONS names of each area
/// given that is a built-in district, English and Welsh: a team list written in Welsh names
/// "Ynys Môn" and "Bro Morgannwg", and one written in English names "Isle of Anglesey" on
/// boundaries that carry the Welsh names (`--name-field LAD23NMW`). A name already borne by an
/// area given is left to it, so no name comes to stand for two areas.
fn add_district_names(by_name: &mut HashMap<String, Vec<usize>>, areas: &[Area]) {
    let Ok(lookup) = lookup() else {
        return;
    };
    let mut aliases: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, a) in areas.iter().enumerate() {
        let Some(row) = lookup.get(&a.code) else {
            continue;
        };
        for name in [&row.name, &row.name_cy] {
            let folded = fold_name(name);
            if !folded.is_empty() && !by_name.contains_key(&folded) {
                let v = aliases.entry(folded).or_default();
                if !v.contains(&i) {
                    v.push(i);
                }
            }
        }
    }
    by_name.extend(aliases);
}

/// Counties that are rows of ONS's tables of names from before 2023 but no geography of the
/// built-in lookup: the metropolitan counties (whose districts are the upper tiers) and the
/// counties abolished since 2019 (Northamptonshire in 2021, Cumbria in 2023) whose names no
/// district took, unlike North Yorkshire's, Somerset's and Buckinghamshire's.
const FORMER_AND_METROPOLITAN_COUNTIES: [&str; 8] = [
    "Cumbria",
    "Northamptonshire",
    "Greater Manchester",
    "Merseyside",
    "South Yorkshire",
    "Tyne and Wear",
    "West Midlands",
    "West Yorkshire",
];

/// The areas given by name, for a figures table that gives names and no codes: each by the
/// name the boundaries give it and, for a built-in district, by its ONS and Welsh names too
/// (as [`add_district_names`] finds them in a team list); the districts abolished since 2019
/// by their old names, as [`successors::replaced_in`] takes their codes; the other built-in
/// districts, to be told from names covgap does not know; and the names of the nations,
/// regions and other geographies of the built-in lookup, whose rows are not areas' rows.
fn area_names(
    areas: &[crate::read::boundaries::RawArea],
    lookup: &HashMap<String, LookupRow>,
) -> AreaNames {
    let mut names = AreaNames::default();
    for a in areas {
        names.add_area(&a.code, &a.name);
    }
    let given: HashSet<&str> = areas.iter().map(|a| a.code.as_str()).collect();
    for (code, row) in lookup {
        for name in [&row.name, &row.name_cy]
            .into_iter()
            .filter(|n| !n.is_empty())
        {
            if given.contains(code.as_str()) {
                names.add_alias(code, name);
            } else {
                names.add_outside_district(code, name);
            }
        }
        let k = &row.keys;
        for g in [&k.region, &k.utla, &k.icb, &k.health_board]
            .into_iter()
            .flatten()
        {
            names.add_other(&g.name);
        }
    }
    // ONS's tables of names from before 2023 give the metropolitan counties (as "Tyne and Wear
    // (Met County)") and the counties abolished since 2019 as rows of their own: not areas'
    // rows, as their codes (E11…, E10…) are not, though the built-in lookup knows neither.
    for name in FORMER_AND_METROPOLITAN_COUNTIES {
        names.add_other(name);
        names.add_other(&format!("{name} (Met County)"));
    }
    // Districts abolished since 2019, as a table in their codes is read: the rows of those
    // a district given replaced are added up for it (`add_up_replaced`), and the others are
    // passed over; an old district the boundaries still give is found by its ONS name too.
    for s in successors::all() {
        if given.contains(s.old_code.as_str()) {
            names.add_alias(&s.old_code, &s.old_name);
        } else if given.contains(s.new_code.as_str()) {
            names.add_former(s);
        } else {
            names.add_outside_district(&s.old_code, &s.old_name);
        }
    }
    names
}

fn suggest(token: &str, areas: &[Area]) -> String {
    closest(
        token,
        areas.iter().map(|a| (a.name.as_str(), a.code.as_str())),
    )
    .iter()
    .take(3)
    .map(|(_, name, code)| format!("{name} ({code})"))
    .collect::<Vec<_>>()
    .join(", ")
}

/// The built-in UK districts (`data/areas.csv`, and through `data/successors.csv` those
/// abolished since 2019), for an area served that is not an area of the boundaries given. A
/// real district is not a slip to suggest a fix for: it lies outside boundaries drawn for part
/// of the UK, or inside an area of another geography (an ICB) that holds it.
struct Districts {
    lookup: &'static HashMap<String, LookupRow>,
    /// Folded ONS name to code.
    by_name: HashMap<String, String>,
    /// The areas given lying in each built-in district, for areas smaller than districts
    /// ([`crate::land::built_in_district_holding_area`]); found when first wanted.
    within: std::cell::OnceCell<HashMap<&'static str, Vec<usize>>>,
    /// The area given holding each built-in district: its representative point lies in the
    /// area, which is at least half the district's size; found when first wanted.
    holding: std::cell::OnceCell<HashMap<&'static str, usize>>,
}

/// How an area of the boundaries given holds a district a team list names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    /// It is the district's ICB, health board, upper tier or region, by the built-in lookup.
    Lookup,
    /// The same, found by its name (the lookup has another year's code for it).
    ByName,
    /// It is one of the districts the district named replaced (boundaries drawn before a
    /// merger).
    Replaced,
    /// It lies in the district: an area smaller than a district (an LSOA, a ward) whose
    /// representative point is in the district by the built-in boundaries.
    Within,
    /// It holds the district by the built-in boundaries: an area of a geography the lookup
    /// does not give (a combined authority's footprint, say) holding the district's point and
    /// at least half its size.
    Holds,
}

/// A built-in district a team list names that the boundaries given do not have.
struct DistrictNamed {
    /// As messages name it: "High Peak (E07000037)"; an abolished one with the district that
    /// replaced it, "Craven (E07000163, now North Yorkshire)".
    named: String,
    /// The current district's code (the successor's, for an abolished one).
    code: String,
    /// For an abolished district, its own ICB, which may differ from the new district's.
    own_icb: Option<Geography>,
    /// For an abolished district, its row of `data/successors.csv`.
    old: Option<&'static Successor>,
}

impl Districts {
    fn new() -> Result<Self> {
        let lookup = lookup()?;
        let mut by_name: HashMap<String, String> = lookup
            .iter()
            .filter(|(_, row)| !row.name_cy.is_empty())
            .map(|(code, row)| (fold_name(&row.name_cy), code.clone()))
            .collect();
        by_name.extend(
            lookup
                .iter()
                .map(|(code, row)| (fold_name(&row.name), code.clone())),
        );
        Ok(Districts {
            lookup,
            by_name,
            within: Default::default(),
            holding: Default::default(),
        })
    }

    /// The district `token` names, by code or ONS name, current or abolished.
    fn find(&self, token: &str) -> Option<DistrictNamed> {
        let upper = token.trim().to_ascii_uppercase();
        let folded = fold_name(token);
        let current = if self.lookup.contains_key(&upper) {
            Some(upper.clone())
        } else {
            self.by_name.get(&folded).cloned()
        };
        if let Some(code) = current {
            let named = format!("{} ({code})", self.lookup[&code].name);
            return Some(DistrictNamed {
                named,
                code,
                own_icb: None,
                old: None,
            });
        }
        let s = successors::all()
            .iter()
            .find(|s| s.old_code == upper || fold_name(&s.old_name) == folded)?;
        Some(DistrictNamed {
            named: format!("{} ({}, now {})", s.old_name, s.old_code, s.new_name),
            code: s.new_code.clone(),
            own_icb: Some(Geography {
                code: s.icb_code.clone(),
                name: s.icb_name.clone(),
            }),
            old: Some(s),
        })
    }

    /// The areas given that hold district `code`: the area of another geography the built-in
    /// lookup puts it in (its ICB, health board, upper tier or region; a district split between
    /// ICBs is in each of them, as in the ICB rollups), found by code or, for an ICB
    /// or board whose code has changed (Surrey Heartlands and Sussex in 2024), by a name only
    /// one area has and a code of the same kind; else, for boundaries drawn before a merger,
    /// the districts it replaced; else, for a current district, the areas given lying in it
    /// (smaller areas, such as LSOAs or wards, given as boundaries). Each with how it holds it.
    fn holders(
        &self,
        d: &DistrictNamed,
        by_code: &HashMap<&str, usize>,
        by_name: &HashMap<String, Vec<usize>>,
        areas: &[Area],
    ) -> Vec<(usize, Held)> {
        let code = d.code.as_str();
        let Some(row) = self.lookup.get(code) else {
            return Vec::new();
        };
        let k = &row.keys;
        // The geographies holding it, level by level: its ICBs (an abolished district's own
        // ICB, not the new district's; a district split between ICBs lies in each of them),
        // then its health board, upper tier and region.
        let icbs: Vec<&Geography> = match &d.own_icb {
            Some(own) => vec![own],
            None => k.all_icbs(),
        };
        let levels: Vec<Vec<&Geography>> = [
            icbs,
            k.health_board.iter().collect(),
            k.utla.iter().collect(),
            k.region.iter().collect(),
        ]
        .into_iter()
        .map(|l| l.into_iter().filter(|g| g.code != code).collect())
        .collect();
        // Each geography by its code, else by its name: at the level chosen (the first with
        // one found by code, else the first with one found by name), a district split between
        // Frimley's ICB (found by code) and Surrey Heartlands' (whose code has changed) is in
        // both, as `plan_sums` puts its figure in both.
        let by_its_code = |g: &Geography| by_code.get(g.code.as_str()).copied();
        let by_its_name = |g: &Geography| named_once(by_name, g, |i| &areas[i].code);
        let level = levels
            .iter()
            .find(|l| l.iter().any(|g| by_its_code(g).is_some()))
            .or_else(|| {
                levels
                    .iter()
                    .find(|l| l.iter().any(|g| by_its_name(g).is_some()))
            });
        if let Some(level) = level {
            let mut held: Vec<(usize, Held)> = level
                .iter()
                .filter_map(|g| {
                    by_its_code(g)
                        .map(|i| (i, Held::Lookup))
                        .or_else(|| by_its_name(g).map(|i| (i, Held::ByName)))
                })
                .collect();
            held.sort_by_key(|h| h.0);
            held.dedup_by_key(|h| h.0);
            return held;
        }
        let replaced: Vec<(usize, Held)> = successors::all()
            .iter()
            .filter(|s| s.new_code == code)
            .filter_map(|s| {
                by_code
                    .get(s.old_code.as_str())
                    .map(|&i| (i, Held::Replaced))
            })
            .collect();
        if !replaced.is_empty() {
            return replaced;
        }
        // An area holding the district, and any others lying in it: a district so small that
        // one of its smaller areas holds it (the City of London's LSOA 001F) has others lying
        // in it too, which the team serves as well. A footprint holding a larger district has
        // none beside it.
        if let Some(&i) = self.holding(areas).get(code) {
            let mut held = vec![(i, Held::Holds)];
            held.extend(
                self.lying_in(code, areas)
                    .iter()
                    .map(|&j| (j, Held::Within)),
            );
            return held;
        }
        // An abolished district is not drawn in the built-in boundaries: the areas lying in
        // the district that replaced it, for which it counts (as with district boundaries).
        self.lying_in(code, areas)
            .iter()
            .map(|&i| (i, Held::Within))
            .collect()
    }

    /// Whether `code` is a district's, current or abolished since 2019.
    fn is_district(&self, code: &str) -> bool {
        is_district(code, self.lookup)
    }

    /// The area given holding each built-in district: the district's representative point
    /// lies in it, and it is at least half the district's size (an area holding a point of a
    /// district, such as the LSOA at a town's centre, does not hold the district).
    fn holding(&self, areas: &[Area]) -> &HashMap<&'static str, usize> {
        self.holding.get_or_init(|| {
            let boxes: Vec<Option<geo::Rect>> =
                areas.iter().map(|a| a.bng.bounding_rect()).collect();
            let mut held = HashMap::new();
            for (code, p, m2) in crate::land::built_in_points() {
                let found = areas.iter().enumerate().find(|(i, a)| {
                    boxes[*i].is_some_and(|b| {
                        b.min().x <= p.x && p.x <= b.max().x && b.min().y <= p.y && p.y <= b.max().y
                    }) && a.bng.contains(&p)
                });
                if let Some((i, a)) = found {
                    if a.bng.unsigned_area() >= 0.5 * m2 {
                        held.insert(code, i);
                    }
                }
            }
            held
        })
    }

    /// The areas given lying in the built-in district `code` (no larger than it, with their
    /// point in it: [`crate::land::built_in_district_holding_area`]), leaving out those that
    /// hold a district ([`Districts::holding`]).
    fn lying_in(&self, code: &str, areas: &[Area]) -> &[usize] {
        let within = self.within.get_or_init(|| {
            let holders: HashSet<usize> = self.holding(areas).values().copied().collect();
            let mut by_district: HashMap<&'static str, Vec<usize>> = HashMap::new();
            for (i, a) in areas.iter().enumerate() {
                if holders.contains(&i) {
                    continue;
                }
                let point = Coord::from(a.point.bng);
                let size = a.bng.unsigned_area();
                if let Some(c) = crate::land::built_in_district_holding_area(point, size) {
                    by_district.entry(c).or_default().push(i);
                }
            }
            by_district
        });
        within.get(code).map_or(&[], Vec::as_slice)
    }

    /// The current built-in districts holding areas given that are smaller than districts,
    /// in code order, each with every area lying in it ([`Districts::lying_in`]): what a team
    /// serving the district counts for. A district is listed when an area lying in it is no
    /// district's (of any year since 2019). None are when no district has more than one area
    /// lying in it, the test by which a team naming no areas counts for more than the area
    /// holding its base: district boundaries, the built-in ones or a user's own (under codes
    /// of its own, each lying alone in its district), hold none, and are not looked at when
    /// every area is a district's.
    fn holding_smaller(&self, areas: &[Area]) -> Result<Vec<HoldingDistrict>> {
        if areas.iter().all(|a| self.is_district(&a.code)) {
            return Ok(Vec::new());
        }
        let mut points = crate::land::built_in_points();
        points.sort_unstable_by_key(|p| p.0);
        // The areas a team serving the district counts for: one holding it, as in the City of
        // London, then those lying in it.
        let holding = self.holding(areas);
        let lying: Vec<(&'static str, Coord, Vec<usize>)> = points
            .into_iter()
            .map(|(code, p, _)| {
                let mut served: Vec<usize> = holding.get(code).copied().into_iter().collect();
                served.extend_from_slice(self.lying_in(code, areas));
                served.sort_unstable();
                (code, p, served)
            })
            .filter(|(_, _, l)| l.iter().any(|&i| !self.is_district(&areas[i].code)))
            .collect();
        if lying.iter().all(|(_, _, l)| l.len() < 2) {
            return Ok(Vec::new());
        }
        lying
            .into_iter()
            .map(|(code, p, l)| {
                Ok(HoldingDistrict {
                    code: code.to_string(),
                    name: self
                        .lookup
                        .get(code)
                        .map_or_else(|| code.to_string(), |r| r.name.clone()),
                    point: Located::from_bng(p.x, p.y)?,
                    areas: l,
                })
            })
            .collect()
    }
}

/// The team list as the study takes it: the teams kept, the counting rule in words, the list's
/// label, the teams outside the boundaries, and whether any team counts for areas lying in a
/// district ([`Study::lying_in`]).
struct TeamList {
    teams: Vec<Team>,
    evidence_rule: String,
    label: String,
    beyond: Vec<TeamBeyond>,
    lying_in: bool,
    /// The built-in districts the areas lie in ([`Study::holding_districts`]), read with the
    /// same districts as the teams.
    holding_districts: Vec<HoldingDistrict>,
}

fn load_teams(inputs: &Inputs, areas: &[Area], diag: &mut Diagnostics) -> Result<TeamList> {
    let tin = input(&inputs.teams, builtin::teams);
    // The built-in list names the built-in districts: with a user's own boundaries its teams
    // elsewhere are outside the study, not mistakes the user could fix.
    let outside_ok = inputs.teams.is_none() && inputs.boundaries.is_some();
    let districts = Districts::new()?;
    let list = ListRead {
        tin: &tin,
        columns: &inputs.team_columns,
        postcodes: inputs.postcodes.as_deref(),
        counting: Counting::Evidence(inputs.evidence.as_deref()),
        outside_ok,
    };
    let (teams, evidence_rule, beyond, lying_in) =
        match resolve_teams_in(&districts, list, areas, diag) {
            Ok(r) => r,
            Err(e) => {
                // Listed with the other problems, so `check` goes on to report the rest.
                record(diag, e);
                (
                    Vec::new(),
                    "no teams (the team list could not be read)".into(),
                    Vec::new(),
                    false,
                )
            }
        };
    let teams_label = if inputs.teams.is_some() {
        tin.label()
    } else {
        builtin::TEAMS_SOURCE.to_string()
    };
    Ok(TeamList {
        teams,
        evidence_rule,
        label: teams_label,
        beyond,
        lying_in,
        holding_districts: districts.holding_smaller(areas)?,
    })
}

/// Which rows of a team list count as coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting<'a> {
    /// Rows whose evidence level is one of these (`None`: [`DEFAULT_EVIDENCE`]); every row
    /// when the list has no evidence column.
    Evidence(Option<&'a [String]>),
    /// Every row, whatever its evidence (candidate sites, teams in a what-if list).
    All,
}

/// Reads a team list (any of the CSV forms `--teams` takes) and resolves it against `areas`:
/// areas served by code or name, bases by coordinates or postcode, the area holding each base.
/// Returns the resolved teams, in list order, and the counting rule in words. Rows with
/// problems are reported in `diag` and left out.
///
/// With `outside_ok`, areas and bases outside `areas` are passed over with a note instead of
/// being errors (the built-in list read against a user's own, smaller boundaries). In any list,
/// an area served that is a real district (`data/areas.csv`, or one abolished since) counts for
/// the area of `areas` the built-in lookup puts it in (its ICB, say), or, when there is none, is
/// passed over with a note as lying outside the boundaries given (README, "Areas served outside
/// the boundaries").
///
/// Used for the team list itself and for every other list of sites (`covgap plan
/// --candidates`, `--what-if`), so all of them are read the same way.
///
/// # Examples
/// ```
/// use covgap::{builtin, error::Diagnostics, load::{self, Counting}};
/// use covgap::read::teams::TeamColumns;
/// let mut diag = Diagnostics::new();
/// let study = load::load(&load::Inputs::default(), &mut diag).unwrap();
/// let (teams, _, beyond, _) = load::resolve_teams(&builtin::teams(), &TeamColumns::default(), None,
///     Counting::All, false, &study.areas, &mut diag).unwrap();
/// // Every row counts, so a row with neither areas nor a base is an error and left out.
/// assert!(!teams.is_empty() && teams.len() <= study.teams.len());
/// assert!(teams.iter().all(|t| t.counted));
/// assert!(beyond.is_empty()); // no team serves only areas outside the (built-in) boundaries
/// ```
pub fn resolve_teams(
    tin: &Input,
    columns: &TeamColumns,
    postcodes: Option<&Path>,
    counting: Counting,
    outside_ok: bool,
    areas: &[Area],
    diag: &mut Diagnostics,
) -> Result<(Vec<Team>, String, Vec<TeamBeyond>, bool)> {
    let list = ListRead {
        tin,
        columns,
        postcodes,
        counting,
        outside_ok,
    };
    resolve_teams_in(&Districts::new()?, list, areas, diag)
}

/// How a team list is read: the list, its columns, the postcode directory, which rows count,
/// and whether teams elsewhere are outside the study ([`resolve_teams`]).
struct ListRead<'a> {
    tin: &'a Input,
    columns: &'a TeamColumns,
    postcodes: Option<&'a Path>,
    counting: Counting<'a>,
    outside_ok: bool,
}

/// [`resolve_teams`] with the built-in districts given, so that `load` reads the areas lying
/// in them (which cost a pass over every area) once, for the teams and for
/// [`Study::holding_districts`].
///
/// The list's rows are read, which rows count is settled ([`evidence_rule`]), and then each row
/// is resolved in turn: the areas it serves ([`Resolver::served`]), its base ([`row_base`]), the
/// area holding the base ([`Resolver::host_area`]), and whether it is a team of the boundaries
/// given or one outside them ([`TeamBeyond`]).
fn resolve_teams_in(
    districts: &Districts,
    read: ListRead,
    areas: &[Area],
    diag: &mut Diagnostics,
) -> Result<(Vec<Team>, String, Vec<TeamBeyond>, bool)> {
    let ListRead {
        tin,
        columns,
        postcodes,
        counting,
        outside_ok,
    } = read;
    let label = tin.label();
    let builtin_list = matches!(tin, Input::BuiltIn { .. });
    // The list's rows are read, then what they name is found: reported row by row.
    let first_problem = diag.problems().len();
    let list = read_teams(tin, columns, diag)?;

    // Full postcodes are looked up in one streaming pass over the directory.
    let wanted: HashSet<String> = list
        .rows
        .iter()
        .filter_map(|r| match &r.base {
            Some(BaseGiven::Postcode(p)) => Some(postcode_key(p)),
            _ => None,
        })
        .collect();
    let found = match (postcodes, wanted.is_empty()) {
        (Some(p), false) => Some(lookup_postcodes(p, &wanted)?),
        (Some(p), true) => {
            diag.note(
                &p.display().to_string(),
                None,
                "no team is given by full postcode, so the postcode directory was not needed for the teams",
            );
            None
        }
        _ => None,
    };
    let outcodes = Outcodes::read(&builtin::outcodes())?;
    let (wanted_levels, evidence_rule) = evidence_rule(&list, counting, &label, diag);
    let index = AreaIndex::new(
        areas
            .iter()
            .enumerate()
            .map(|(i, a)| (i, a.bng.clone()))
            .collect(),
    );
    let area_codes: HashSet<&str> = areas.iter().map(|a| a.code.as_str()).collect();
    let r = Resolver::new(
        districts,
        areas,
        &index,
        &area_codes,
        &list,
        &label,
        outside_ok,
    );

    // The built-in list names the built-in districts. With a user's own boundaries (one
    // region, say) its teams elsewhere are outside the study, not mistakes the user could
    // fix: their unknown areas and far-off bases are passed over, not errors.
    // The same goes for a user's own list naming real districts outside the boundaries: most
    // likely a list for the whole UK run on one region. A district the boundaries hold in an
    // area of another geography (an ICB) counts for that area.
    let mut left_out: Vec<TeamBeyond> = Vec::new();
    let mut passed_over: std::collections::BTreeSet<String> = Default::default();
    let mut outside: std::collections::BTreeSet<String> = Default::default();
    // Whether the boundaries cover the whole UK: a team the list gives no place is then in
    // them, wherever it is; with part of the UK, it is not known to be.
    let uk = std::cell::OnceCell::new();
    let whole_uk = || {
        *uk.get_or_init(|| {
            let codes: HashSet<&str> = areas.iter().map(|a| a.code.as_str()).collect();
            let geometry: Vec<&geo::MultiPolygon> = areas.iter().map(|a| &a.bng).collect();
            crate::land::covers_uk(&geometry, &codes)
        })
    };
    let mut teams = Vec::new();
    // Whether any team counts for areas lying in a district (smaller areas as boundaries).
    let mut lying_in_any = false;
    // Rows with a `covers` cell, checked against what each row is found to cover once all are.
    let mut stated_covers: Vec<StatedCovers> = Vec::new();
    for row in list.rows {
        let place = Some(Place::Line(row.line));
        if let (Some(said), true) = (&row.stated_covers, counting != Counting::All) {
            stated_covers.push(StatedCovers {
                line: row.line,
                name: row.name.clone(),
                said: said.clone(),
            });
        }
        let mut served = r.served(&row, diag);
        passed_over.extend(served.passed_over.iter().cloned());
        outside.extend(served.outside.iter().cloned());
        let mut ok = served.ok;
        let counted = match (&wanted_levels, &row.evidence) {
            (None, _) => true,
            (Some(levels), Some(e)) => levels.iter().any(|l| l == e),
            (Some(_), None) => false,
        };
        // The notes on how its areas were found say which areas a team's districts stand
        // for; for a team not counted, that it would count for them.
        let counts = match counted {
            true => Counts::Yes,
            false => Counts::No(row.evidence.as_deref().unwrap_or("")),
        };
        r.note_served(&row, &mut served, counts, diag);
        lying_in_any |= !served.lying_in.is_empty();
        // Every area served is a district outside the boundaries: the team is elsewhere, as
        // the built-in list's teams are, and its base need not be in the boundaries either.
        let mut elsewhere = outside_ok || (!served.not_here.is_empty() && served.areas.is_empty());
        let base = row_base(
            &row,
            found.as_ref(),
            postcodes.is_some(),
            &outcodes,
            &mut ok,
            &label,
            diag,
        );
        let (host_area, across_in) = match &base {
            None => (None, None),
            Some(b) => r.host_area(&row, b, &served, &mut ok, &mut elsewhere, diag),
        };
        // The area the base is in: a host area, or a built-in district across a land border.
        let base_in = match (host_area, across_in) {
            (Some(i), _) => Some((
                areas[i].name.clone(),
                areas[i].code.clone(),
                areas[i].nation,
            )),
            (None, Some(a)) => {
                let code = a.code();
                Some((a.name(), code.to_string(), Nation::from_code(code)))
            }
            (None, None) => None,
        };
        if let (Some(b), Some(base_in)) = (&base, base_in) {
            warn_base_nation(&row, b, base_in, &label, diag);
        }
        if counting != Counting::All {
            warn_counted_column(&row, counted, wanted_levels.as_deref(), &label, diag);
        }
        if wanted_levels.is_some() && row.evidence.as_deref().unwrap_or("").is_empty() {
            diag.note(
                &label,
                place,
                format!(
                    "{}: evidence level is blank, so the team is not counted",
                    row.name
                ),
            );
        }
        // A counted team the list gives no place, with a list for more than the boundaries
        // given: not known to be in them.
        let place_unknown = counted
            && row.areas.is_empty()
            && row.base.is_none()
            && (outside_ok || r.wide)
            && !whole_uk();
        if row.areas.is_empty() && row.base.is_none() {
            let no_place = NoPlace {
                counted,
                every_row_counts: counting == Counting::All,
                place_unknown,
                builtin_list,
            };
            if !note_no_place(&row, no_place, &label, diag) {
                continue;
            }
        }
        if !ok {
            continue;
        }
        if place_unknown {
            left_out.push(TeamBeyond {
                name: row.name,
                host_org: row.host_org,
                evidence: row.evidence,
                counted,
                serves: Vec::new(),
                by_base: false,
                base: None,
                source_url: row.source_url,
                last_evidence: row.last_evidence,
                line: row.line,
            });
            continue;
        }
        let somewhere_else = !row.areas.is_empty() || row.base.is_some();
        if elsewhere && served.areas.is_empty() && host_area.is_none() && somewhere_else {
            // What it covers, to measure to: the built-in districts it serves, or, naming
            // none, the one holding its base.
            let by_base = served.not_here_codes.is_empty();
            let serves = if !by_base {
                served.not_here_codes
            } else {
                base.as_ref()
                    .and_then(|b| crate::land::built_in_district_at(Coord::from(b.at.bng)))
                    .map(|c| vec![c.to_string()])
                    .unwrap_or_default()
            };
            left_out.push(TeamBeyond {
                name: row.name,
                host_org: row.host_org,
                evidence: row.evidence,
                counted,
                serves,
                by_base,
                base: base.clone(),
                source_url: row.source_url,
                last_evidence: row.last_evidence,
                line: row.line,
            });
            continue;
        }
        if let (true, Some(i)) = (
            served.areas.is_empty() && !served.not_here.is_empty(),
            host_area,
        ) {
            // The areas it serves are all elsewhere, but its base is here: it counts for the
            // area holding its base, as a team naming no areas does. Said, since that area is
            // not one the row names.
            diag.note(
                &label,
                place,
                format!(
                    "{}: no area it serves is an area of the boundaries given or in one ({}); it {} the area holding its base, {} ({})",
                    row.name,
                    served.not_here.join(", "),
                    counts.verb(true),
                    areas[i].name,
                    areas[i].code
                ),
            );
        }
        let covers = match (served.areas.is_empty(), host_area) {
            (false, _) => served.areas.clone(),
            (true, None) => Vec::new(),
            (true, Some(i)) => {
                let (covers, lying) = r.covers_by_base(&row, base.as_ref(), i, counts, diag);
                lying_in_any |= lying;
                covers
            }
        };
        teams.push(Team {
            name: row.name,
            host_org: row.host_org,
            evidence: row.evidence,
            counted,
            areas_served: served.areas,
            covers,
            // Districts it serves outside the boundaries given are still measured to.
            outside: served.not_here_codes,
            outside_rest: served.rest_codes,
            base,
            host_area,
            source_url: row.source_url,
            last_evidence: row.last_evidence,
            line: row.line,
        });
    }
    warn_covers_column(&stated_covers, &teams, &left_out, areas, &label, diag);
    note_passed_over(&passed_over, &outside, &left_out, &label, diag);
    diag.order_lines(first_problem, &label);
    Ok((teams, evidence_rule, left_out, lying_in_any))
}

/// Which of a team list's rows count, as `run` reports it ("teams whose evidence level is
/// pif_named or service_confirmed"), and the levels wanted (`None`: every row counts). A level
/// asked for that no row has, or one a row has that covgap does not know, is reported.
fn evidence_rule(
    list: &team_list::TeamList,
    counting: Counting,
    label: &str,
    diag: &mut Diagnostics,
) -> (Option<Vec<String>>, String) {
    let asked = match counting {
        Counting::Evidence(levels) => levels,
        Counting::All => None,
    };
    let wanted_levels: Option<Vec<String>> = if list.has_evidence && counting != Counting::All {
        Some(
            asked
                .map(|l| l.to_vec())
                .unwrap_or_else(|| DEFAULT_EVIDENCE.iter().map(|s| s.to_string()).collect())
                .into_iter()
                .map(|s| crate::read::teams::evidence_level(&s))
                .collect(),
        )
    } else {
        if asked.is_some() {
            diag.warn(
                label,
                None,
                "--evidence was given but the team list has no evidence column; every team counts",
            );
        }
        None
    };
    let evidence_rule = match (&wanted_levels, counting) {
        (Some(l), _) => format!("teams whose evidence level is {}", l.join(" or ")),
        (None, Counting::All) => "every team in the list".to_string(),
        (None, _) => "every team in the list, which has no evidence column".to_string(),
    };
    if let Some(levels) = &wanted_levels {
        let present: std::collections::BTreeSet<&str> = list
            .rows
            .iter()
            .filter_map(|r| r.evidence.as_deref())
            .filter(|e| !e.is_empty())
            .collect();
        let missing: Vec<&String> = levels
            .iter()
            .filter(|l| !present.contains(l.as_str()))
            .collect();
        // No row read has a level (every row refused above, or the column left blank): said
        // so, not as an empty list.
        let listed = if present.is_empty() {
            "none: no row read has one".to_string()
        } else {
            present
                .iter()
                .map(|e| format!("{e:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if missing.len() == levels.len() {
            // Not one team would count: a mistyped level, or a list with its own words.
            let near: Vec<String> = levels
                .iter()
                .filter_map(|l| {
                    present
                        .iter()
                        .find(|p| strsim::damerau_levenshtein(l, p) <= 2 && l.len() > 3)
                        .map(|p| format!("{p:?} for {l:?}"))
                })
                .collect();
            let hint = if near.is_empty() {
                String::new()
            } else {
                format!(" (did you mean {}?)", near.join(", "))
            };
            diag.error(
                label,
                None,
                format!(
                    "no team has evidence level {}{hint}; the list's levels are {listed}; choose with --evidence",
                    levels.iter().map(|l| format!("{l:?}")).collect::<Vec<_>>().join(" or ")
                ),
            );
        } else {
            for l in missing {
                // One letter or two from a level the list has is a slip that would leave
                // that level's teams out of the headline: an error, not a warning.
                let near = present
                    .iter()
                    .find(|p| strsim::damerau_levenshtein(l, p) <= 2 && l.len() > 3);
                match near {
                    Some(p) => diag.error(label, None, format!("evidence level {l:?} was asked for but no team has it: did you mean {p:?}? The list's levels are {listed}")),
                    None => diag.warn(label, None, format!("evidence level {l:?} was asked for but no team has it; the list's levels are {listed}")),
                }
            }
        }
        // A level neither asked for nor one covgap knows: "Service confirmed." mistyped, or a
        // comma not in quotes that pushed other text into the column. Its teams are named.
        for e in &present {
            if levels.iter().any(|l| l == e) || EVIDENCE_LEVELS.contains(e) {
                continue;
            }
            let rows: Vec<String> = list
                .rows
                .iter()
                .filter(|r| r.evidence.as_deref() == Some(*e))
                .map(|r| match r.long_row {
                    Some((n, h)) => format!("line {} ({}; {n} fields, more than the header's {h}: a comma not in quotes before the evidence column may have moved it along)", r.line, r.name),
                    None => format!("line {} ({})", r.line, r.name),
                })
                .collect();
            diag.warn(
                label,
                None,
                format!(
                    "evidence level {e:?} is not one covgap knows ({}) nor one asked for with --evidence, so {} {} with it {} not counted: {}; if {} should count, add the level to --evidence",
                    EVIDENCE_LEVELS.join(", "),
                    rows.len(),
                    plural(rows.len(), "team", "teams"),
                    plural(rows.len(), "is", "are"),
                    rows.join(", "),
                    plural(rows.len(), "it", "they"),
                ),
            );
        }
    }
    (wanted_levels, evidence_rule)
}

/// What a team list's rows are resolved against: the areas given, found by code and by folded
/// name; the districts abolished since, by old code and name, that a list written before the
/// change names; the built-in districts; and the index that finds the area holding a base.
struct Resolver<'a> {
    districts: &'a Districts,
    areas: &'a [Area],
    label: &'a str,
    outside_ok: bool,
    by_code: HashMap<&'a str, usize>,
    by_name: HashMap<String, Vec<usize>>,
    replaced: HashMap<&'static str, &'static Successor>,
    replaced_by_name: HashMap<String, &'static Successor>,
    index: &'a AreaIndex,
    area_codes: &'a HashSet<&'a str>,
    /// Built only when a base is outside every area: is it across a land border?
    land: std::cell::OnceCell<Land<'a>>,
    /// The list names a district outside the boundaries (one for the whole UK, run on a
    /// region), so it is taken to hold teams elsewhere.
    wide: bool,
}

/// What a row's areas served are found to be ([`Resolver::served`]).
struct Served {
    /// No area served was refused.
    ok: bool,
    /// The areas given it counts for, in the row's order.
    areas: Vec<usize>,
    /// Abolished districts the row names, each standing for the district that replaced it.
    via_old: Vec<&'static Successor>,
    /// Areas named by their own code or name.
    named_directly: Vec<usize>,
    /// Areas served outside the boundaries given, as messages name them.
    not_here: Vec<String>,
    /// Their current codes, to measure to.
    not_here_codes: Vec<String>,
    /// Districts made since the boundaries were drawn that it serves through the old
    /// districts given: the rest of each, outside them, is measured to.
    rest_codes: Vec<String>,
    /// Districts held by an area of another geography: (area, districts in it, found how).
    held: Vec<(usize, Vec<String>, Held)>,
    /// Districts made since the boundaries were drawn: (district, the areas it replaced).
    replaced_by: Vec<(String, Vec<usize>)>,
    /// Districts holding smaller areas given: (district, the areas lying in it).
    lying_in: Vec<(String, Vec<usize>)>,
    /// Tokens passed over, with teams elsewhere outside the study.
    passed_over: Vec<String>,
    /// Built-in districts named that no area given is or holds.
    outside: Vec<String>,
}

impl<'a> Resolver<'a> {
    fn new(
        districts: &'a Districts,
        areas: &'a [Area],
        index: &'a AreaIndex,
        area_codes: &'a HashSet<&'a str>,
        list: &team_list::TeamList,
        label: &'a str,
        outside_ok: bool,
    ) -> Self {
        let by_code: HashMap<&str, usize> = areas
            .iter()
            .enumerate()
            .map(|(i, a)| (a.code.as_str(), i))
            .collect();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, a) in areas.iter().enumerate() {
            by_name.entry(fold_name(&a.name)).or_default().push(i);
        }
        add_district_names(&mut by_name, areas);
        // Districts abolished since, by old code and by old name: a list written before the
        // change names them.
        let replaced = successors::replaced_in(|c| by_code.contains_key(c));
        let replaced_by_name: HashMap<String, &Successor> = replaced
            .values()
            .map(|s| (fold_name(&s.old_name), *s))
            .collect();
        let mut r = Resolver {
            districts,
            areas,
            label,
            outside_ok,
            by_code,
            by_name,
            replaced,
            replaced_by_name,
            index,
            area_codes,
            land: std::cell::OnceCell::new(),
            wide: false,
        };
        r.wide = !outside_ok
            && list.rows.iter().flat_map(|row| &row.areas).any(|t| {
                let upper = t.to_ascii_uppercase();
                !r.by_code.contains_key(upper.as_str())
                    && !r.replaced.contains_key(upper.as_str())
                    && !r.replaced_by_name.contains_key(&fold_name(t))
                    && !r.by_name.contains_key(&fold_name(t))
                    && r.districts.find(t).is_some_and(|d| {
                        r.districts
                            .holders(&d, &r.by_code, &r.by_name, areas)
                            .is_empty()
                    })
            });
        r
    }

    /// The areas a row serves, each token found by code or name among the areas given, as an
    /// abolished district's successor, or as a built-in district the areas given are, hold or
    /// lie in. A token found nowhere is an error naming the row, unless teams elsewhere are
    /// outside the study.
    fn served(&self, row: &TeamRow, diag: &mut Diagnostics) -> Served {
        let (areas, by_code, by_name) = (self.areas, &self.by_code, &self.by_name);
        let place = Some(Place::Line(row.line));
        let mut s = Served {
            ok: true,
            areas: Vec::new(),
            via_old: Vec::new(),
            named_directly: Vec::new(),
            not_here: Vec::new(),
            not_here_codes: Vec::new(),
            rest_codes: Vec::new(),
            held: Vec::new(),
            replaced_by: Vec::new(),
            lying_in: Vec::new(),
            passed_over: Vec::new(),
            outside: Vec::new(),
        };
        for token in &row.areas {
            let direct = by_code
                .get(token.to_ascii_uppercase().as_str())
                .copied()
                .or_else(|| match by_name.get(&fold_name(token)) {
                    Some(v) if v.len() == 1 => Some(v[0]),
                    _ => None,
                });
            s.named_directly.extend(direct);
            let hit = direct.or_else(|| {
                let old = self
                    .replaced
                    .get(token.to_ascii_uppercase().as_str())
                    .or_else(|| self.replaced_by_name.get(&fold_name(token)))?;
                let i = *by_code.get(old.new_code.as_str())?;
                s.via_old.push(*old);
                Some(i)
            });
            // A name two areas given share is still an error below: the code is needed.
            let district = match (hit, by_name.get(&fold_name(token))) {
                (None, None) => self.districts.find(token),
                _ => None,
            };
            if let Some(d) = district {
                let holders = self.districts.holders(&d, by_code, by_name, areas);
                // An abolished district counts for the areas lying in the one that replaced
                // it: said as for district boundaries (a warning when the row names only some
                // of the districts it replaced).
                if let (Some(old), Some((_, Held::Within))) = (d.old, holders.first()) {
                    s.via_old.push(old);
                }
                if holders.is_empty() {
                    s.outside.push(d.named.clone());
                    s.not_here.push(d.named.clone());
                    s.not_here_codes.push(d.code.clone());
                }
                // A district made since the boundaries were drawn, served through the old
                // districts given: the rest of it, outside them, is measured to too (the part
                // given is cut away in `Study::distance_targets`).
                if holders.iter().any(|(_, how)| *how == Held::Replaced) {
                    s.rest_codes.push(d.code.clone());
                }
                for (i, how) in holders {
                    if !s.areas.contains(&i) {
                        s.areas.push(i);
                    }
                    if how == Held::Replaced {
                        match s.replaced_by.iter_mut().find(|r| r.0 == d.named) {
                            Some(r) => r.1.push(i),
                            None => s.replaced_by.push((d.named.clone(), vec![i])),
                        }
                        continue;
                    }
                    if how == Held::Within {
                        let named = match d.old {
                            Some(old) => format!("{} ({})", old.new_name, old.new_code),
                            None => d.named.clone(),
                        };
                        match s.lying_in.iter_mut().find(|r| r.0 == named) {
                            Some(r) if !r.1.contains(&i) => r.1.push(i),
                            Some(_) => {}
                            None => s.lying_in.push((named, vec![i])),
                        }
                        continue;
                    }
                    match s.held.iter_mut().find(|h| h.0 == i) {
                        Some(h) => h.1.push(d.named.clone()),
                        None => s.held.push((i, vec![d.named.clone()], how)),
                    }
                }
                continue;
            }
            match hit {
                Some(i) if !s.areas.contains(&i) => s.areas.push(i),
                Some(_) => {}
                None if self.outside_ok => {
                    s.passed_over.push(token.clone());
                    s.not_here.push(format!("{token:?}"));
                }
                None => {
                    s.ok = false;
                    diag.error(self.label, place, self.not_found(row, token));
                }
            }
        }
        s
    }

    /// Why `token`, an area a row serves, was found nowhere.
    fn not_found(&self, row: &TeamRow, token: &str) -> String {
        let (areas, by_code, by_name) = (self.areas, &self.by_code, &self.by_name);
        // A name two areas share (not found above) needs the code.
        match by_name.get(&fold_name(token)) {
            Some(v) if v.len() > 1 => {
                let named: Vec<String> = v
                    .iter()
                    .map(|&i| format!("{} ({})", areas[i].name, areas[i].code))
                    .collect();
                format!("{}: area {:?} is the name of {} areas in the boundaries, {}; give the code of the one it serves", row.name, token, named.len(), named.join(", "))
            }
            _ => {
                // "E07000178,E07000179": areas given with the wrong separator.
                let found = |t: &str| {
                    by_code.contains_key(t.trim().to_ascii_uppercase().as_str())
                        || by_name
                            .get(&fold_name(t.trim()))
                            .is_some_and(|v| v.len() == 1)
                };
                let parts: Vec<&str> = token.split([',', '|', '/']).collect();
                if parts.len() > 1 && parts.iter().all(|p| found(p)) {
                    format!("{}: area {:?} is not a code or name in the boundaries, but each part is: areas served are separated by ';' ({:?})", row.name, token, parts.iter().map(|p| p.trim()).collect::<Vec<_>>().join(";"))
                } else {
                    format!(
                        "{}: area {:?} is not a code or name in the boundaries; did you mean {}?{}",
                        row.name,
                        token,
                        suggest(token, areas),
                        row.moved_hint()
                    )
                }
            }
        }
    }

    /// Notes on how a row's areas served were found, where that is not by their own code or
    /// name: abolished districts, districts held by an area of another geography, districts
    /// made since the boundaries were drawn, and districts the areas given lie in.
    /// `counts` says whether the team counts, so that a note on a team not counted says it
    /// would count for the areas it names.
    fn note_served(&self, row: &TeamRow, s: &mut Served, counts: Counts, diag: &mut Diagnostics) {
        let (areas, label) = (self.areas, self.label);
        let place = Some(Place::Line(row.line));
        // A row naming the new district itself as well says what the team covers already.
        s.via_old.retain(|old| {
            self.by_code
                .get(old.new_code.as_str())
                .is_none_or(|i| !s.named_directly.contains(i))
        });
        report_abolished(&row.name, &s.via_old, counts, label, place, diag);
        if !s.held.is_empty() {
            let parts: Vec<String> = s
                .held
                .iter()
                .map(|(i, named, how)| {
                    let how = match how {
                        Held::ByName => " (by name: the lookup's code for it is another year's)",
                        Held::Holds => " (by the built-in boundaries: the district's point lies in it, and it is at least half the district's size)",
                        _ => "",
                    };
                    format!(
                        "{} in {} ({}){how}",
                        named.join(", "),
                        areas[*i].name,
                        areas[*i].code
                    )
                })
                .collect();
            // One district held by several areas (split between ICBs, say) is one district.
            let districts = s
                .held
                .iter()
                .flat_map(|h| &h.1)
                .collect::<HashSet<_>>()
                .len();
            diag.note(
                label,
                place,
                format!(
                    "{}: {}; it {} the {} by the built-in lookup ({}){}: {}",
                    row.name,
                    if districts == 1 {
                        "the district it serves is not an area of the boundaries given"
                    } else {
                        "the districts it serves are not areas of the boundaries given"
                    },
                    counts.verb(false),
                    match (s.held.len(), districts) {
                        (1, 1) => "area holding it",
                        (1, _) => "area holding them",
                        (_, 1) => "areas holding it",
                        _ => "areas holding them",
                    },
                    if parts.iter().any(|p| p.contains(", now ")) {
                        "data/areas.csv; for a district abolished since, its own ICB in data/successors.csv"
                    } else {
                        "data/areas.csv"
                    },
                    if s.held.iter().any(|h| h.2 == Held::Holds) {
                        " or boundaries"
                    } else {
                        ""
                    },
                    parts.join("; ")
                ),
            );
        }
        for (named, olds) in &s.replaced_by {
            diag.note(
                label,
                place,
                format!(
                    "{}: {named} is not an area of the boundaries given, which are drawn before it replaced {}; the team counts for those (data/successors.csv)",
                    row.name,
                    olds.iter()
                        .map(|&i| format!("{} ({})", areas[i].name, areas[i].code))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        if !s.lying_in.is_empty() {
            diag.note(
                label,
                place,
                format!(
                    "{}: the districts it serves are not areas of the boundaries given, which are smaller; it {} the areas given lying in them (an area's point in the district by the built-in boundaries): {}",
                    row.name,
                    counts.verb(false),
                    s.lying_in
                        .iter()
                        .map(|(named, n)| format!("{} in {named}", n.len()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }

    /// The area holding a row's base, and the built-in district it lies in across a land
    /// border when it is outside every area. A base off the boundaries' coast is put in the
    /// nearest area ([`place_base_outside`]); `ok` and `elsewhere` are updated as it says.
    fn host_area(
        &self,
        row: &TeamRow,
        b: &Base,
        served: &Served,
        ok: &mut bool,
        elsewhere: &mut bool,
        diag: &mut Diagnostics,
    ) -> (Option<usize>, Option<Across>) {
        let c = Coord::from(b.at.bng);
        if let Some(i) = self.index.locate(c) {
            return (Some(i), None);
        }
        match self.index.nearest(c) {
            // A row already refused (an area served not found, say) says nothing more about
            // its base.
            Some(_) if !*ok => (None, None),
            Some((i, d)) => {
                let index = self.index;
                let land = self
                    .land
                    .get_or_init(|| Land::new(move |c| index.locate(c).is_some(), self.area_codes));
                let across_in = land.across_border(c, &self.areas[i].bng);
                // In a list that names districts outside the boundaries, a team naming none
                // whose base is in another district is elsewhere too.
                *elsewhere |= self.wide && row.areas.is_empty() && across_in.is_some();
                let (host, refused) = place_base_outside(
                    BaseOutside {
                        team: &row.name,
                        base: b,
                        nearest: &self.areas[i],
                        index_of_nearest: i,
                        metres: d,
                        across: across_in,
                        serves_areas: !served.areas.is_empty(),
                        outside_ok: *elsewhere,
                        northern_irish_on_bng: matches!(
                            row.base,
                            Some(BaseGiven::EastingNorthing(_, _, Crs::BritishNationalGrid))
                        ) && stated_nation(&row.nation)
                            == Some(Nation::NorthernIreland),
                    },
                    self.label,
                    Some(Place::Line(row.line)),
                    diag,
                );
                *ok &= !refused;
                (host, across_in)
            }
            None => (None, None),
        }
    }

    /// What a team naming no areas covers, its base being in area `i`: the district holding
    /// its base, which with areas smaller than districts given (LSOAs, wards) is every one
    /// lying in it (an area that is a district, of this year or an earlier one, is the
    /// district holding it). Also whether those are areas lying in a district. `counts_for`
    /// is as for [`Resolver::note_served`].
    fn covers_by_base(
        &self,
        row: &TeamRow,
        base: Option<&Base>,
        i: usize,
        counts: Counts,
        diag: &mut Diagnostics,
    ) -> (Vec<usize>, bool) {
        let district = base
            .filter(|_| row.areas.is_empty() && !self.districts.is_district(&self.areas[i].code))
            .and_then(|b| crate::land::built_in_district_at(Coord::from(b.at.bng)));
        let lying = district.map_or(&[][..], |d| self.districts.lying_in(d, self.areas));
        if lying.len() > 1 {
            diag.note(
                self.label,
                Some(Place::Line(row.line)),
                format!(
                    "{}: names no areas served, so serves the district holding its base, {}; it {} the {} areas given lying in it (an area's point in the district by the built-in boundaries)",
                    row.name,
                    crate::land::built_in_named(district.unwrap_or_default()),
                    counts.verb(false),
                    lying.len()
                ),
            );
            (lying.to_vec(), true)
        } else {
            (vec![i], false)
        }
    }
}

/// A row's base, found from its postcode, postcode district or coordinates, with a warning
/// where it is less exact than given. A base that cannot be found is an error naming the row,
/// and clears `ok`.
fn row_base(
    row: &TeamRow,
    found: Option<&Found>,
    postcodes_given: bool,
    outcodes: &Outcodes,
    ok: &mut bool,
    label: &str,
    diag: &mut Diagnostics,
) -> Option<Base> {
    let place = Some(Place::Line(row.line));
    let given = row.base.as_ref()?;
    match locate_base(given, found, postcodes_given, outcodes) {
        Ok((at, mut precision, mut text, fell_back)) => {
            // Coordinates the list says stand for a postcode or district keep that precision
            // and name.
            if let (BaseGiven::LonLat(..) | BaseGiven::EastingNorthing(..), Some(p)) =
                (given, row.stated_precision)
            {
                precision = p;
                if !row.base_label.is_empty() {
                    text = row.base_label.clone();
                }
            }
            let listed = |f: &Found| f.unlocated.contains(&postcode_key(&text));
            if fell_back && found.is_some_and(listed) {
                diag.warn(label, place, format!("{}: postcode {text} is in the postcode directory with no grid reference (as a few new and non-geographic postcodes are), so it is placed at its postcode district's centroid", row.name));
            } else if fell_back {
                diag.warn(label, place, format!("{}: postcode {text} placed at its postcode district's centroid (give --postcodes FILE, the ONS Postcode Directory, for the exact place)", row.name));
            } else if let Some(end) = match given {
                BaseGiven::Postcode(pc) => found.and_then(|f| f.terminated.get(&postcode_key(pc))),
                _ => None,
            } {
                diag.note(label, place, format!("{}: postcode {text} was terminated in {} (no longer in use); it is placed where the postcode directory last put it", row.name, month_words(end)));
            }
            Some(Base {
                at,
                precision,
                given: text,
            })
        }
        Err(msg) => {
            *ok = false;
            diag.error(
                label,
                place,
                format!("{}: {msg}{}", row.name, row.moved_hint()),
            );
            None
        }
    }
}

/// A base in another nation than the list gives: for a Northern Irish team given by easting
/// and northing, most likely Irish Grid figures read as British National Grid, which land in
/// Wales or England. Figures stated to be on one of Northern Ireland's grids belong there,
/// whatever the list's nation: ones that land in Great Britain are most likely British
/// National Grid figures given the wrong grid. `base_in` is the area holding the base: its
/// name, code and nation.
fn warn_base_nation(
    row: &TeamRow,
    b: &Base,
    base_in: (String, String, Nation),
    label: &str,
    diag: &mut Diagnostics,
) {
    let (in_name, in_code, found) = base_in;
    let place = Some(Place::Line(row.line));
    let stated = stated_nation(&row.nation);
    let irish_grid = match row.base {
        Some(BaseGiven::EastingNorthing(_, _, g)) if g.is_irish() => Some(g),
        _ => None,
    };
    let irish_elsewhere =
        irish_grid.filter(|_| !matches!(found, Nation::Unknown | Nation::NorthernIreland));
    if let Some(grid) = irish_elsewhere {
        diag.warn(
            label,
            place,
            format!(
                "{}: base {} is in {} ({}, {}), not Northern Ireland, where figures on {} belong: are they on British National Grid? (then leave the grid cell blank or give 27700)",
                row.name,
                b.given,
                in_name,
                in_code,
                found.name(),
                grid.name()
            ),
        );
    } else if let Some(stated) = stated.filter(|s| found != Nation::Unknown && *s != found) {
        let grid = if matches!(
            row.base,
            Some(BaseGiven::EastingNorthing(_, _, Crs::BritishNationalGrid))
        ) && stated == Nation::NorthernIreland
        {
            ": are the easting and northing on the Irish Grid? covgap reads them as British National Grid when the list does not say; give their grid in a \"crs\" column (29903 for the Irish Grid, 2157 for ITM), or latitude and longitude instead"
        } else {
            ""
        };
        diag.warn(
            label,
            place,
            format!(
                "{}: the list says {}, but base {} is in {} ({}, {}){grid}",
                row.name,
                stated.name(),
                b.given,
                in_name,
                in_code,
                found.name()
            ),
        );
    }
}

/// A `counted` column (as covgap's team outputs write it) edited to close or open a team
/// changes nothing: covgap counts by evidence level. Said, with what does.
fn warn_counted_column(
    row: &TeamRow,
    counted: bool,
    wanted_levels: Option<&[String]>,
    label: &str,
    diag: &mut Diagnostics,
) {
    let Some((said, stated)) = &row.stated_counted else {
        return;
    };
    if *stated == counted {
        return;
    }
    let by = match (wanted_levels, &row.evidence) {
        (Some(levels), e) => format!(
            "by its evidence level {:?} (counted: {})",
            e.as_deref().unwrap_or(""),
            levels.join(", ")
        ),
        (None, _) => "as the list has no evidence column, which counts every team".into(),
    };
    let what_to_do = if wanted_levels.is_none() {
        "to leave the team out, remove its row, or give the list an evidence column"
    } else if counted {
        "to leave the team out, change its evidence level (to \"closed\", say)"
    } else {
        "to count it, give it a level that counts, or add its level to --evidence"
    };
    diag.warn(
        label,
        Some(Place::Line(row.line)),
        format!(
            "{}: its \"counted\" column says {said}, but the team is {}, {by}; covgap reads no \"counted\" column (its own outputs write one): {what_to_do}",
            row.name,
            if counted { "counted" } else { "not counted" },
        ),
    );
}

/// A row's `covers` cell ([`TeamRow::stated_covers`]), for [`warn_covers_column`].
struct StatedCovers {
    line: u64,
    name: String,
    said: String,
}

/// The most rows whose `covers` cell disagrees that are each warned of: more are named in one
/// warning (a list exported from a run on other boundaries has every row differ).
const COVERS_WARNED_ONE_BY_ONE: usize = 3;

/// A `covers` column (as covgap's team outputs write it) edited to change what a team covers
/// changes nothing: a team covers its areas served or, naming none, the area holding its base.
/// Said for each row whose cell names other areas than the team covers (codes compared in any
/// order, case aside; a blank cell says nothing), with what does, as [`warn_counted_column`]
/// says it of `counted`; for more than [`COVERS_WARNED_ONE_BY_ONE`] rows, in one warning
/// naming them. A row left out with the teams outside the boundaries covers none of the areas
/// given; a row not read (an error) is not looked at.
fn warn_covers_column(
    stated: &[StatedCovers],
    teams: &[Team],
    left_out: &[TeamBeyond],
    areas: &[Area],
    label: &str,
    diag: &mut Diagnostics,
) {
    let codes = |said: &str| {
        let mut c: Vec<String> = said
            .split(';')
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
            .collect();
        c.sort_unstable();
        c.dedup();
        c
    };
    // Each differing row, the codes its team covers, and whether by its areas served (else by
    // its base; `None`: left out with the teams outside the boundaries).
    let differing: Vec<(&StatedCovers, Vec<&str>, Option<bool>)> = stated
        .iter()
        .filter_map(|s| {
            let (covers, by_areas): (Vec<&str>, _) = match teams.iter().find(|t| t.line == s.line) {
                Some(t) => (
                    t.covers.iter().map(|&i| areas[i].code.as_str()).collect(),
                    Some(!t.areas_served.is_empty()),
                ),
                None if left_out.iter().any(|b| b.line == s.line) => (Vec::new(), None),
                None => return None,
            };
            let mut found: Vec<String> = covers.iter().map(|c| c.to_ascii_uppercase()).collect();
            found.sort_unstable();
            found.dedup();
            (found != codes(&s.said)).then_some((s, covers, by_areas))
        })
        .collect();
    let read_instead = "covgap reads no \"covers\" column (its own outputs write one)";
    if differing.len() > COVERS_WARNED_ONE_BY_ONE {
        diag.warn(
            label,
            None,
            format!(
                "{} teams' \"covers\" column says other than what they cover: {}; {read_instead}: a team covers its areas served, or, naming none, the area holding its base; to change what a team covers, edit those",
                differing.len(),
                first_of(
                    differing
                        .iter()
                        .map(|(s, _, _)| format!("line {} ({})", s.line, s.name)),
                    10
                ),
            ),
        );
        return;
    }
    for (s, covers, by_areas) in differing {
        let found = match (covers.len(), by_areas) {
            (_, None) => "none of the areas given, lying outside them".to_string(),
            (0, _) => "no area given".to_string(),
            (_, Some(by_areas)) => format!(
                "{}, by its {}",
                first_of_joined(covers.iter(), 10, ";"),
                if by_areas { "areas served" } else { "base" }
            ),
        };
        diag.warn(
            label,
            Some(Place::Line(s.line)),
            format!(
                "{}: its \"covers\" column says {}, but the team covers {found}; {read_instead}: to change what the team covers, edit its areas served, or, naming none, its base",
                s.name, s.said,
            ),
        );
    }
}

/// What is known of a row that gives no areas served and no location ([`note_no_place`]).
struct NoPlace {
    counted: bool,
    /// Every row counts (candidate sites, teams in a what-if list).
    every_row_counts: bool,
    /// Counted, with a list for more than the boundaries given: not known to be in them.
    place_unknown: bool,
    builtin_list: bool,
}

/// Reports a row with no areas served and no location. Returns whether the row may still
/// stand: a site to plan or a team to add must be somewhere, so there it is an error.
fn note_no_place(row: &TeamRow, n: NoPlace, label: &str, diag: &mut Diagnostics) -> bool {
    let place = Some(Place::Line(row.line));
    if n.counted && n.every_row_counts {
        diag.error(
            label,
            place,
            format!(
                "{}: has no areas served and no location, so covgap cannot tell what it covers",
                row.name
            ),
        );
        return false;
    }
    // A team known to exist but not where (the built-in list's Together for Baby, "Essex"):
    // counted among the teams, covering no area, rather than placed by guess. With a list for
    // more than the boundaries given, it is not known to be in them: left out with the teams
    // outside them.
    if n.counted {
        let message = format!(
            "{}: has no areas served and no location, so it covers no area; {}{}",
            row.name,
            if n.place_unknown {
                "not known to be in the boundaries given, it is left out with the teams outside them"
            } else {
                "it is counted among the teams in the list"
            },
            if n.builtin_list {
                " (the sources give only a county; see data/SOURCES.md)"
            } else {
                ": give the areas it serves or its base for it to count for one"
            }
        );
        if n.builtin_list {
            diag.note(label, place, message);
        } else {
            diag.warn(label, place, message);
        }
    } else {
        diag.note(
            label,
            place,
            format!(
                "{}: not counted (evidence {:?}); it has no areas or location",
                row.name,
                row.evidence.as_deref().unwrap_or("")
            ),
        );
    }
    true
}

/// The list's notes on what lies outside the boundaries given: the areas passed over, the
/// built-in districts named that no area given is or holds, and the teams left out.
fn note_passed_over(
    passed_over: &std::collections::BTreeSet<String>,
    outside: &std::collections::BTreeSet<String>,
    left_out: &[TeamBeyond],
    label: &str,
    diag: &mut Diagnostics,
) {
    if !passed_over.is_empty() {
        diag.note(
            label,
            None,
            format!(
                "{} {} the list names {} not in the given boundaries and {} passed over: {}",
                passed_over.len(),
                plural(passed_over.len(), "area", "areas"),
                plural(passed_over.len(), "is", "are"),
                plural(passed_over.len(), "was", "were"),
                first_of(passed_over.iter(), 10)
            ),
        );
    }
    if !outside.is_empty() {
        diag.note(
            label,
            None,
            format!(
                "{} {} the list names as {} not {} of the boundaries given, nor in one, so {} passed over (each team counts for the areas it serves among them): {}",
                outside.len(),
                plural(outside.len(), "district", "districts"),
                plural(outside.len(), "an area served is", "areas served are"),
                plural(outside.len(), "an area", "areas"),
                plural(outside.len(), "it was", "they were"),
                first_of(outside.iter(), 10)
            ),
        );
    }
    if !left_out.is_empty() {
        diag.note(
            label,
            None,
            format!(
                "{}, and {} none of the areas given: {} ({})",
                if left_out.len() == 1 {
                    "1 team serves only areas outside the given boundaries, or names none and is based outside them".to_string()
                } else {
                    format!("{} teams serve only areas outside the given boundaries, or name none and are based outside them", left_out.len())
                },
                plural(left_out.len(), "covers", "cover"),
                first_of(left_out.iter().map(|t| &t.name), 10),
                plural(
                    left_out.len(),
                    "if counted, it is still measured to, through the built-in boundaries of the districts it serves, so an area's nearest team may be this one",
                    "those counted are still measured to, through the built-in boundaries of the districts they serve, so an area's nearest team may be one of these"
                ),
            ),
        );
    }
}

/// The first `n` items joined with ", ", and how many more there are ("and 75 more").
pub(crate) fn first_of<T: std::fmt::Display>(
    items: impl ExactSizeIterator<Item = T>,
    n: usize,
) -> String {
    first_of_joined(items, n, ", ")
}

/// [`first_of`], the items joined by `sep` (`;`, as a team list's areas are written).
fn first_of_joined<T: std::fmt::Display>(
    items: impl ExactSizeIterator<Item = T>,
    n: usize,
    sep: &str,
) -> String {
    let total = items.len();
    let shown: Vec<String> = items.take(n).map(|t| t.to_string()).collect();
    if total > n {
        format!(
            "{} and {} more",
            shown.join(sep),
            crate::write::thousands((total - n) as u64)
        )
    } else {
        shown.join(sep)
    }
}

/// Returns the base's location, precision, the text describing it, and whether a full
/// postcode fell back to its district.
fn locate_base(
    given: &BaseGiven,
    found: Option<&Found>,
    have_directory: bool,
    outcodes: &Outcodes,
) -> std::result::Result<(Located, Precision, String, bool), String> {
    let proj = |e: Error| e.to_string();
    match given {
        BaseGiven::LonLat(x, y) => Ok((
            Located::from_wgs84(*x, *y).map_err(proj)?,
            Precision::Coordinates,
            format!("{y:.5}, {x:.5}"),
            false,
        )),
        BaseGiven::EastingNorthing(e, n, Crs::BritishNationalGrid) => Ok((
            Located::from_bng(*e, *n).map_err(proj)?,
            Precision::Coordinates,
            format!("{e:.0} E, {n:.0} N"),
            false,
        )),
        // Written with its grid, so the outputs trace back to the list and read back in
        // (`read_base_text`).
        BaseGiven::EastingNorthing(e, n, grid) => {
            let wgs = grid.to_wgs84(Coord { x: *e, y: *n }).map_err(proj)?;
            Ok((
                Located::from_wgs84(wgs.x, wgs.y).map_err(proj)?,
                Precision::Coordinates,
                format!("{e:.0} E, {n:.0} N on {}", grid.label()),
                false,
            ))
        }
        BaseGiven::Postcode(pc) => {
            let key = postcode_key(pc);
            if let Some(&(lon, lat)) = found.and_then(|f| f.located.get(&key)) {
                return Ok((
                    Located::from_wgs84(lon, lat).map_err(proj)?,
                    Precision::Postcode,
                    pc.clone(),
                    false,
                ));
            }
            // Listed without a grid reference: placed by its district, as without a directory.
            let unlocated = found.is_some_and(|f| f.unlocated.contains(&key));
            if have_directory && !unlocated {
                return Err(format!("postcode {pc} is not in the postcode directory given with --postcodes (mistyped, newer than the directory, or not a UK postcode)"));
            }
            let outward = pc.split(' ').next().unwrap_or("");
            match outcodes.get(outward) {
                Some((lon, lat)) => Ok((
                    Located::from_wgs84(lon, lat).map_err(proj)?,
                    Precision::PostcodeDistrict,
                    pc.clone(),
                    true,
                )),
                None => Err(format!(
                    "postcode {pc}: its district {outward} is not a known postcode district"
                )),
            }
        }
        BaseGiven::PostcodeDistrict(d) => match outcodes.get(d) {
            Some((lon, lat)) => Ok((
                Located::from_wgs84(lon, lat).map_err(proj)?,
                Precision::PostcodeDistrict,
                d.clone(),
                false,
            )),
            None => Err(format!("{d} is not a known postcode district")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The note on areas a list names that are nowhere in the boundaries says how many it
    /// leaves unnamed, as the note on districts outside them does, not ", ...".
    #[test]
    fn the_note_on_areas_passed_over_says_how_many_more_there_are() {
        let passed: std::collections::BTreeSet<String> =
            (1..=12).map(|i| format!("Area {i:02}")).collect();
        let mut diag = Diagnostics::new();
        note_passed_over(&passed, &Default::default(), &[], "teams.csv", &mut diag);
        assert_eq!(
            diag.problems()[0].message,
            "12 areas the list names are not in the given boundaries and were passed over: Area 01, Area 02, Area 03, Area 04, Area 05, Area 06, Area 07, Area 08, Area 09, Area 10 and 2 more"
        );
    }

    /// Areas with these codes and names and no geometry, as `whole_geographies` reads them:
    /// each with its nation as boundaries read give it ([`nation_of`]).
    fn given(codes: impl IntoIterator<Item = (String, String)>) -> Vec<Area> {
        let empty = geo::MultiPolygon::new(vec![]);
        let point = Located::from_bng(300_000.0, 300_000.0).unwrap();
        let nations = geography_nations(lookup().unwrap());
        codes
            .into_iter()
            .map(|(code, name)| Area {
                nation: nation_of(&code, &nations),
                keys: RollupKeys::default(),
                figure: Some(1),
                wgs84: empty.clone(),
                bng: empty.clone(),
                point,
                code,
                name,
            })
            .collect()
    }

    /// Scotland's 6,976 Data Zone 2011 codes (S01006506 to S01013481), less `leave_out`.
    fn data_zones(leave_out: &[&str]) -> Vec<Area> {
        given(
            (6_506..=13_481)
                .map(|k| format!("S01{k:06}"))
                .filter(|c| !leave_out.contains(&c.as_str()))
                .map(|c| (c.clone(), c)),
        )
    }

    /// Boundaries of small areas for all of Scotland (its Data Zones, which no district code
    /// is among) are Scotland, whose row sums them; with one Data Zone missing they are not.
    #[test]
    fn all_of_scotlands_data_zones_are_scotland_and_one_missing_is_not() {
        let all = data_zones(&[]);
        assert_eq!(all.len(), 6_976);
        let whole = whole_geographies(&all);
        assert!(whole.contains("S92000003"), "{whole:?}");
        assert!(!whole.contains("E92000001") && !whole.contains("S08000031"));
        // One of Glasgow City's Data Zones (City Centre East - 07) left out: part of Scotland.
        let whole = whole_geographies(&data_zones(&["S01010265"]));
        assert!(!whole.contains("S92000003"), "{whole:?}");
    }

    /// All but one of Scotland's Data Zones: a note says why there is no Scotland row and
    /// names the one missing; all of them, or a few (a city's), say nothing.
    #[test]
    fn nearly_all_of_scotlands_data_zones_are_noted() {
        let notes = |areas: &[Area]| nearly_whole_notes(areas, &whole_geographies(areas));
        assert_eq!(
            notes(&data_zones(&["S01010265"])),
            ["6,975 of Scotland's 6,976 Data Zones 2011 are among the areas, but not S01010265: Scotland has no row of its own in \"By nation\" or rollups.csv (its areas count in \"All areas given\"), since their figures are not all of Scotland's"]
        );
        assert!(notes(&data_zones(&[])).is_empty());
        let glasgow: Vec<Area> = data_zones(&[])
            .into_iter()
            .filter(|a| a.code.as_str() >= "S01009758" && a.code.as_str() <= "S01010503")
            .collect();
        assert!(notes(&glasgow).is_empty());
    }

    /// The seven Welsh health boards hold every Welsh district by the built-in lookup, so they
    /// are Wales; six of them are not.
    #[test]
    fn all_seven_welsh_health_boards_are_wales_and_six_are_not() {
        let boards = [
            ("W11000023", "Betsi Cadwaladr University Health Board"),
            ("W11000024", "Powys Teaching Health Board"),
            ("W11000025", "Hywel Dda University Health Board"),
            ("W11000028", "Aneurin Bevan University Health Board"),
            ("W11000029", "Cardiff and Vale University Health Board"),
            ("W11000030", "Cwm Taf Morgannwg University Health Board"),
            ("W11000031", "Swansea Bay University Health Board"),
        ];
        let areas = |n: usize| {
            given(
                boards[..n]
                    .iter()
                    .map(|(c, name)| (c.to_string(), name.to_string())),
            )
        };
        let whole = whole_geographies(&areas(7));
        assert!(whole.contains("W92000004"), "{whole:?}");
        assert!(!whole.contains("E92000001"));
        assert!(!whole_geographies(&areas(6)).contains("W92000004"));
    }

    /// An area's nation is its ONS code's, else, for Northern Ireland's HSC trusts (not ONS
    /// codes), the nation of the districts the built-in lookup puts in it; other codes name
    /// none.
    #[test]
    fn a_trusts_nation_comes_from_the_lookup() {
        let nations = geography_nations(lookup().unwrap());
        for trust in ["BHSCT", "NHSCT", "SEHSCT", "SHSCT", "WHSCT"] {
            assert_eq!(
                nation_of(trust, &nations),
                Nation::NorthernIreland,
                "{trust}"
            );
        }
        assert_eq!(nation_of("W11000023", &nations), Nation::Wales);
        assert_eq!(nation_of("E54000050", &nations), Nation::England);
        for other in ["HB01", "N1", "bhsct", ""] {
            assert_eq!(nation_of(other, &nations), Nation::Unknown, "{other}");
        }
    }

    /// The five HSC trusts hold every Northern Irish district by the built-in lookup, so they
    /// are Northern Ireland; four of them are not, whichever is missing.
    #[test]
    fn all_five_hsc_trusts_are_northern_ireland_and_four_are_not() {
        let trusts = ["BHSCT", "NHSCT", "SEHSCT", "SHSCT", "WHSCT"];
        let areas = |codes: &[&str]| given_codes(codes.iter().map(|c| c.to_string()));
        let whole = whole_geographies(&areas(&trusts));
        assert!(whole.contains("N92000002"), "{whole:?}");
        assert!(!whole.contains("E92000001") && !whole.contains("W92000004"));
        for missing in trusts {
            let four: Vec<&str> = trusts.into_iter().filter(|t| *t != missing).collect();
            let whole = whole_geographies(&areas(&four));
            assert!(!whole.contains("N92000002"), "without {missing}: {whole:?}");
        }
    }

    /// The codes under `prefix` of a table of runs of consecutive small-area codes
    /// (`first,last`, as `data/small_areas_2011.csv` and `data/small_areas_2021.csv` hold them).
    fn codes_of_runs(table: &str, prefix: &str) -> Vec<String> {
        table
            .lines()
            .skip(1)
            .filter_map(|line| line.split_once(','))
            .filter(|(first, _)| first.starts_with(prefix))
            .flat_map(|(first, last)| {
                let number = |c: &str| c[3..].parse::<u32>().unwrap();
                (number(first)..=number(last)).map(move |k| format!("{prefix}{k:06}"))
            })
            .collect()
    }

    /// Wales's 1,917 LSOA 2021 codes, as the built-in table holds them.
    fn welsh_lsoas_2021() -> Vec<String> {
        codes_of_runs(include_str!("../data/small_areas_2021.csv"), "W01")
    }

    /// Wales's 1,909 LSOA 2011 codes, as the built-in table holds them.
    fn welsh_lsoas_2011() -> Vec<String> {
        codes_of_runs(include_str!("../data/small_areas_2011.csv"), "W01")
    }

    /// Areas with these codes, each named by its code.
    fn given_codes(codes: impl IntoIterator<Item = String>) -> Vec<Area> {
        given(codes.into_iter().map(|c| (c.clone(), c)))
    }

    /// Boundaries of a nation's LSOAs 2021 (ONS's current ones, which most users now have) are
    /// that nation, though some of their codes are no 2011 LSOA's (80 of Wales's 1,917, 1,945
    /// of England's 33,755) and some 2011 LSOAs are not among them (72 of Wales's); the other
    /// nations, and England's regions, are not whole by them. Before, such boundaries gave
    /// "All areas given" alone.
    #[test]
    fn all_of_a_nations_lsoas_2021_are_the_nation() {
        for (prefix, count, nation, not) in [
            ("W01", 1_917, "W92000004", ["E92000001", "S92000003"]),
            ("E01", 33_755, "E92000001", ["W92000004", "E12000008"]),
        ] {
            let codes = codes_of_runs(include_str!("../data/small_areas_2021.csv"), prefix);
            assert_eq!(codes.len(), count);
            let whole = whole_geographies(&given_codes(codes));
            assert!(whole.contains(nation), "{whole:?}");
            assert!(not.iter().all(|g| !whole.contains(*g)), "{whole:?}");
        }
    }

    /// All of Wales's LSOAs 2021 but one are part of Wales, whether the one left out has a
    /// code of 2011 too or only of 2021.
    #[test]
    fn wales_lsoas_2021_with_one_missing_are_not_wales() {
        for leave_out in ["W01000003", "W01002040"] {
            let codes = welsh_lsoas_2021();
            assert!(codes.iter().any(|c| c == leave_out));
            let areas = given_codes(codes.into_iter().filter(|c| c != leave_out));
            assert_eq!(areas.len(), 1_916);
            let whole = whole_geographies(&areas);
            assert!(!whole.contains("W92000004"), "{leave_out}: {whole:?}");
        }
        // Put back, it is Wales again.
        assert!(whole_geographies(&given_codes(welsh_lsoas_2021())).contains("W92000004"));
    }

    /// Boundaries mixing Wales's 2011 and 2021 LSOAs are not Wales: neither the 2011 ones
    /// with the 2021 ones made since (which overlap them, so their babies would be counted
    /// twice), nor the 2011 ones of some districts with the 2021 ones of the rest, which hold
    /// all of neither vintage.
    #[test]
    fn wales_lsoas_of_2011_and_2021_mixed_are_not_wales() {
        let (eleven, twenty_one) = (welsh_lsoas_2011(), welsh_lsoas_2021());
        assert_eq!(eleven.len(), 1_909);
        assert!(whole_geographies(&given_codes(eleven.clone())).contains("W92000004"));
        // Every 2011 LSOA, and every 2021 one too: 1,989 areas, both vintages whole.
        let both: HashSet<String> = eleven.iter().chain(&twenty_one).cloned().collect();
        assert_eq!(both.len(), 1_989);
        let whole = whole_geographies(&given_codes(both));
        assert!(!whole.contains("W92000004"), "{whole:?}");
        // The 2011 LSOAs below W01001000 and the 2021 ones from it on.
        let split = |c: &String| c.as_str() < "W01001000";
        let half: Vec<String> = eleven
            .iter()
            .filter(|c| split(c))
            .chain(twenty_one.iter().filter(|c| !split(c)))
            .cloned()
            .collect();
        let whole = whole_geographies(&given_codes(half));
        assert!(!whole.contains("W92000004"), "{whole:?}");
    }

    /// The built-in small areas are those of the sources: of 2011, 32,844 LSOAs in England,
    /// 1,909 in Wales, 6,976 Data Zones in Scotland, in 821 runs; of 2021, England's 33,755 and
    /// Wales's 1,917 LSOAs, in 1,671 runs, none in Scotland, whose Data Zones 2022 the raw data
    /// does not have; none in Northern Ireland.
    #[test]
    fn the_built_in_small_areas_are_every_nations_small_areas() {
        let count = |runs: &[SmallAreaRun], prefix: &str| codes_in(runs_under(runs, prefix));
        let (eleven, twenty_one) = (small_areas_2011(), small_areas_2021());
        assert_eq!(
            [
                count(eleven, "E01"),
                count(eleven, "W01"),
                count(eleven, "S01")
            ],
            [32_844, 1_909, 6_976]
        );
        assert_eq!(
            ["E01", "W01", "S01", "N00"].map(|p| count(twenty_one, p)),
            [33_755, 1_917, 0, 0]
        );
        assert_eq!((eleven.len(), twenty_one.len()), (821, 1_671));
        assert_eq!(small_area_prefix(Nation::NorthernIreland), None);
    }
}
