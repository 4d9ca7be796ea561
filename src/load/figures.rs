//! The figures tables as read: their sources in words, the rules that add up abolished
//! districts, and the check of a total against the built-in figures.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::builtin;
use crate::error::{Diagnostics, Error};
use crate::model::{Area, ColumnChoice, FiguresFile, Measure};
use crate::read::figures::Figures;
use crate::read::figures::{is_workbook, FigureOptions, AGE0_COLUMNS, BIRTHS_COLUMNS};
use crate::read::successors::{self, Successor};
use crate::read::Input;
use crate::write::{and_list, plural};

use super::lookup::LookupRow;
use super::{ordinal, Inputs};

/// What was read from the figures tables, for the study's sources.
pub(super) struct FiguresRead {
    /// Each table read, in the order given.
    pub(super) tables: Vec<TableRead>,
    /// Whether the built-in district figures, summed into ICBs, shared districts split between
    /// ICBs out between them (`data/icb_shares.csv`).
    pub(super) icb_shared: bool,
}

/// One figures table as read, for the study's sources and for messages: the table as the
/// study records it (its path, sheet, columns and areas), and how its figures were added up.
pub(super) struct TableRead {
    pub(super) file: FiguresFile,
    /// The districts whose figures were added up from those of the districts they replaced
    /// (see [`add_up_replaced`]), or, with the built-in figures, the areas given whose figures
    /// were summed from the districts in them (see [`sum_districts`](super::geographies::sum_districts)), in words for the
    /// figures' source; first, for a table with no code column, that the areas were matched
    /// by name and from which column.
    pub(super) added_up: Option<String>,
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
pub(super) fn figures_source(paths: &[PathBuf], tables: &[TableRead]) -> String {
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
pub(super) fn keys_in(tables: &[TableRead]) -> String {
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
pub(super) fn columns_in(tables: &[TableRead]) -> String {
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

/// The headers tried for the figure in a user's table of `measure`.
pub(super) fn figure_columns(measure: Measure) -> &'static [&'static str] {
    match measure {
        Measure::Age0 => AGE0_COLUMNS,
        Measure::Births => BIRTHS_COLUMNS,
    }
}

/// A figures table's error (the `i`th `--births` table, read with `opts`), with advice on the
/// flags when there are several tables. A flag given once names the same column or sheet in
/// every table, so a table headed apart (NRS's `Births` beside ONS's `Live births`) cannot
/// be read with it, and the error's own advice (to name the column with the flag just given)
/// cannot be followed: it says so, and to give the flag once per table. A sheet given once
/// per table to a CSV table, which has none, is said to be that table's value.
pub(super) fn flag_advice(inputs: &Inputs, i: usize, opts: &FigureOptions, e: Error) -> Error {
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
pub(super) fn twice_given(paths: &[PathBuf]) -> Option<&Path> {
    let mut seen = HashSet::new();
    paths
        .iter()
        .find(|p| !seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())))
        .map(PathBuf::as_path)
}

/// Adds up the figures of districts abolished since (`replaced`: old code to successor) for
/// the district that replaced them, when the table gives a figure for every one of them and
/// none for the new district; otherwise the new district has no figure, with a warning naming
/// what is missing. Old codes are then taken out of `f`. Returns the rule applied, in words,
/// for the figures' source, when any district was added up.
pub(super) fn add_up_replaced(
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
pub(super) fn builtin_period_source(measure: Measure) -> (&'static str, &'static str) {
    match measure {
        Measure::Births => (builtin::BIRTHS_PERIOD, builtin::BIRTHS_SOURCE),
        Measure::Age0 => (builtin::AGE0_PERIOD, builtin::AGE0_SOURCE),
    }
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
pub(super) fn judge_total(
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
