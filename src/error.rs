//! One error type for the library, and a collector for the problems found in input files.
//!
//! Fatal problems (a file that cannot be opened, or is not GeoJSON/CSV at all) end the read
//! of that input at once and come back as [`Error`]. Problems in single records (one bad
//! figure, one team naming an unknown area) are collected in [`Diagnostics`] so that
//! `covgap check` can report every one of them, and `covgap run` refuses to write anything
//! while any error-level problem remains.

use std::fmt;
use std::path::PathBuf;

/// Everything that can stop covgap.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input file could not be opened or read.
    #[error("{path}: cannot read file: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// An input file is not in the format expected (not GeoJSON, not CSV, ...).
    #[error("{path}: {message}")]
    Format { path: PathBuf, message: String },
    /// A place in an input file is wrong in a way that stops its reading (a quote left open
    /// that swallows the rows below it, a deprivation share out of range): the file as
    /// messages name it (a workbook with its sheet), where in it, and what is wrong. Said as
    /// problems in the file are: `births.csv, line 4: ...`.
    #[error("{input}, {place}: {message}")]
    At {
        input: String,
        place: Place,
        message: String,
    },
    /// One or more records were wrong; each is listed in the diagnostics.
    #[error(
        "{count} {} in the inputs; nothing was written",
        crate::write::plural(*count, "problem", "problems")
    )]
    Invalid { count: usize },
    /// A coordinate could not be transformed between coordinate systems.
    #[error("coordinate transformation failed: {0}")]
    Projection(String),
    /// A plan was asked for that cannot be made as asked (e.g. need weights missing).
    #[error("{0}")]
    Plan(String),
    /// An input file changed between covgap noting it and writing the outputs, so `run.json`
    /// could not say which version the figures came from.
    #[error("{path}: changed while covgap was reading it, so the outputs could not record which version was read; nothing was written. Run again once the file is no longer being written")]
    Changed { path: PathBuf },
    /// An output file could not be written.
    #[error("{path}: cannot write output: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How serious a reported problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; the figures are still right (e.g. an ONS table's region rows ignored).
    Note,
    /// covgap made a documented choice the user should check (e.g. a base moved onto land).
    Warning,
    /// The input cannot be used as it is; `run` stops and writes nothing.
    Error,
}

impl Severity {
    /// The word that starts the problem's line: `note`, `warning` or `error`.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One problem, tied to the place in an input where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// The file, or a name for a built-in input such as `built-in teams`.
    pub source: String,
    /// Where in the source: a line (CSV), a feature (GeoJSON and other boundaries) or a row of
    /// a workbook sheet.
    pub place: Option<Place>,
    pub message: String,
}

/// Where in a file a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A line of a text file (CSV), 1-based, counting the header.
    Line(u64),
    /// A feature of a GeoJSON file, Shapefile or GeoPackage layer, 1-based.
    Feature(usize),
    /// A row of a workbook sheet, numbered as Excel numbers it (the source names the sheet).
    Row(u64),
}

/// `line 4`, `row 4` or `feature 4`, as messages name a place.
impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Line(n) => write!(f, "line {n}"),
            Place::Row(n) => write!(f, "row {n}"),
            Place::Feature(n) => write!(f, "feature {n}"),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.severity.word(), self.source)?;
        if let Some(place) = self.place {
            write!(f, ", {place}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Problems collected while reading and checking inputs, in the order found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    problems: Vec<Problem>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(
        &mut self,
        severity: Severity,
        source: &str,
        place: Option<Place>,
        message: impl Into<String>,
    ) {
        self.problems.push(Problem {
            severity,
            source: source.to_string(),
            place,
            message: message.into(),
        });
    }

    pub fn error(&mut self, source: &str, place: Option<Place>, message: impl Into<String>) {
        self.push(Severity::Error, source, place, message);
    }

    pub fn warn(&mut self, source: &str, place: Option<Place>, message: impl Into<String>) {
        self.push(Severity::Warning, source, place, message);
    }

    pub fn note(&mut self, source: &str, place: Option<Place>, message: impl Into<String>) {
        self.push(Severity::Note, source, place, message);
    }

    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Puts the problems recorded since the first `from` that name a line of `source` in line
    /// order, in the places those problems held, leaving every other problem where it is: a
    /// file read in two passes (its rows, then what they name) is then reported row by row.
    ///
    /// # Examples
    /// ```
    /// use covgap::error::{Diagnostics, Place};
    /// let mut d = Diagnostics::new();
    /// d.error("t.csv", Some(Place::Line(4)), "bad coordinates");
    /// d.note("t.csv", None, "about the whole file");
    /// d.error("t.csv", Some(Place::Line(3)), "unknown area");
    /// d.order_lines(0, "t.csv");
    /// let lines: Vec<String> = d.problems().iter().map(|p| p.to_string()).collect();
    /// assert_eq!(lines, [
    ///     "error: t.csv, line 3: unknown area",
    ///     "note: t.csv: about the whole file",
    ///     "error: t.csv, line 4: bad coordinates",
    /// ]);
    /// ```
    pub fn order_lines(&mut self, from: usize, source: &str) {
        let at: Vec<usize> = (from..self.problems.len())
            .filter(|&i| {
                let p = &self.problems[i];
                p.source == source && matches!(p.place, Some(Place::Line(_) | Place::Row(_)))
            })
            .collect();
        let mut lined: Vec<Problem> = at.iter().map(|&i| self.problems[i].clone()).collect();
        lined.sort_by_key(|p| match p.place {
            Some(Place::Line(n) | Place::Row(n)) => n,
            _ => u64::MAX,
        });
        for (i, p) in at.into_iter().zip(lined) {
            self.problems[i] = p;
        }
    }

    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == severity)
            .count()
    }

    /// `Err(Error::Invalid)` when any error-level problem was recorded.
    pub fn into_result(&self) -> Result<()> {
        match self.error_count() {
            0 => Ok(()),
            count => Err(Error::Invalid { count }),
        }
    }
}
