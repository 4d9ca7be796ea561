//! Reading a team list: one team a row, with a name and at least one of: areas served,
//! latitude/longitude, easting/northing (on British National Grid, or on the grid a column
//! states for the row), a full postcode, or a postcode district.

use crate::crs::{Crs, CrsTextError, LOCATIONS_DISAGREE_M};
use crate::error::{Diagnostics, Error, Place, Result};
use crate::model::Precision;
use crate::read::columns;
use crate::read::{decimal_comma_hint, in_uk, not_in_uk, parse_number, Input};
use geo::Coord;
use std::collections::HashMap;

/// Columns named by the user (the rest are found by header), and the sheet of a workbook.
#[derive(Debug, Clone, Default)]
pub struct TeamColumns {
    /// The sheet of a workbook list; found by its header when `None`.
    pub sheet: Option<String>,
    /// The flag that names the sheet (`--teams-sheet`, `--what-if-sheet`), for messages;
    /// empty when the list has none.
    pub sheet_flag: &'static str,
    pub name: Option<String>,
    pub areas: Option<String>,
    pub latitude: Option<String>,
    pub longitude: Option<String>,
    pub easting: Option<String>,
    pub northing: Option<String>,
    /// The grid each row's easting and northing are on ([`GRID`]).
    pub grid: Option<String>,
    pub postcode: Option<String>,
    pub postcode_district: Option<String>,
    pub evidence: Option<String>,
}

/// Where a team's base is, as the row gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum BaseGiven {
    LonLat(f64, f64),
    /// Easting and northing as given, in metres on the grid the row states (British National
    /// Grid when it states none): Northern Irish lists give the Irish Grid or ITM.
    EastingNorthing(f64, f64, Crs),
    /// A full postcode, normalised (upper case, one space before the inward code).
    Postcode(String),
    /// A postcode district (outward code), upper case.
    PostcodeDistrict(String),
}

/// One row of a team list, before areas and bases are resolved.
#[derive(Debug, Clone)]
pub struct TeamRow {
    /// 1-based line in the file.
    pub line: u64,
    pub name: String,
    pub host_org: String,
    /// The evidence level, `None` when the file has no evidence column.
    pub evidence: Option<String>,
    /// Area codes or names as written, split on `;`.
    pub areas: Vec<String>,
    pub base: Option<BaseGiven>,
    /// How precise the list says its coordinates are (a `base_precision` column, as covgap's
    /// own outputs and the built-in list write it): coordinates derived from a postcode or a
    /// postcode district keep that precision. `None` when the column is absent or blank.
    pub stated_precision: Option<Precision>,
    /// The list's `base` text (e.g. `OX5`), shown instead of the coordinates when the
    /// precision is stated.
    pub base_label: String,
    pub source_url: String,
    pub last_evidence: String,
    /// The list's `nation` column as written (empty when it has none), checked against where
    /// the base falls.
    pub nation: String,
    /// `(fields, header's fields)` when the row has text beyond the header's last column, a
    /// column covgap does not read: a comma not in quotes there moves nothing covgap reads,
    /// but one earlier moves every later field along, so a problem found in the row's areas,
    /// evidence or base says so.
    pub long_row: Option<(usize, usize)>,
    /// The list's `counted` column as written, and what it says (`true`, `yes`, `1` or their
    /// opposites, case aside), when it has one: covgap's own team outputs write it, so a list
    /// made from them has it, but a team is counted by its evidence level, not by this.
    pub stated_counted: Option<(String, bool)>,
    /// The list's `covers` column as written, when it has one and the cell is not blank:
    /// covgap's own team outputs write it (the codes of the areas a team covers), but a team
    /// covers its areas served or the area holding its base, not this.
    pub stated_covers: Option<String>,
}

impl TeamRow {
    /// The words added to a problem found in a [`TeamRow::long_row`], else nothing.
    pub fn moved_hint(&self) -> String {
        Self::hint_for(self.long_row)
    }

    fn hint_for(long_row: Option<(usize, usize)>) -> String {
        match long_row {
            Some((n, h)) => format!(
                " (the row has {n} fields, more than the header's {h}: a comma not in quotes, in a name or an organisation say, may have moved this column's text along; put such text in quotes)"
            ),
            None => String::new(),
        }
    }
}

/// The rows of a team list and which columns were used.
#[derive(Debug, Clone)]
pub struct TeamList {
    pub rows: Vec<TeamRow>,
    pub has_evidence: bool,
    /// `(what, header)` for each column used, for the run report.
    pub columns_used: Vec<(&'static str, String)>,
}

const NAME: &[&str] = &[
    "name",
    "team",
    "team_name",
    "team name",
    "service",
    "service name",
    "service_name",
];
const AREAS: &[&str] = &[
    "area_codes",
    "areas_served_codes",
    "la_codes",
    "lad_codes",
    "la_names_served",
    "areas_served",
    "areas served",
    "areas",
    "area",
    "local authorities",
    "local authority",
    "codes",
];
const LAT: &[&str] = &["latitude", "lat", "base latitude", "base_lat"];
const LON: &[&str] = &[
    "longitude",
    "lon",
    "lng",
    "long",
    "base longitude",
    "base_lon",
];
const EASTING: &[&str] = &[
    "easting",
    "eastings",
    "east",
    "oseast1m",
    "x_bng",
    "base easting",
];
const NORTHING: &[&str] = &[
    "northing",
    "northings",
    "north",
    "osnrth1m",
    "y_bng",
    "base northing",
];
/// A column saying which grid a row's easting and northing are on, so that one UK-wide list
/// can give teams in Great Britain on British National Grid and teams in Northern Ireland on
/// the Irish Grid or the Irish Transverse Mercator, as each nation's bodies publish them. The
/// points of `covgap assign` find it by the same names (`grid_epsg` is the UK postcode
/// file's).
pub const GRID: &[&str] = &[
    "crs",
    "epsg",
    "grid_epsg",
    "grid",
    "coordinate_system",
    "coordinate_reference_system",
    "srid",
];
const POSTCODE: &[&str] = &[
    "postcode",
    "base postcode",
    "base_postcode",
    "post code",
    "pcds",
    "pcd",
    "pcd7",
];
const DISTRICT: &[&str] = &[
    "postcode district",
    "postcode_district",
    "outcode",
    "postcode area district",
];
const PRECISION: &[&str] = &["base_precision", "location_precision", "base precision"];
const BASE_LABEL: &[&str] = &["base"];
const EVIDENCE: &[&str] = &["evidence", "evidence_level", "evidence level"];
const HOST: &[&str] = &[
    "host_org",
    "host",
    "host organisation",
    "host organization",
    "organisation",
    "provider",
];
const NATION: &[&str] = &["nation", "country"];
const SOURCE: &[&str] = &["source_url", "source", "url", "link", "source link"];
const DATE: &[&str] = &[
    "last_evidence",
    "date of last evidence",
    "last evidence",
    "list_date",
    "date",
];

/// What [`read_teams`] says of a list with a header and no rows (a `--candidates` list says
/// it of its sites).
pub const NO_ROWS: &str = "has a header but no rows: it lists no teams";

/// A team list in a workbook (`.xlsx`, `.xls` or `.ods`), as CSV text the list's reader takes:
/// the first sheet with a team name column (named with `--team-name-column`, or found by
/// header) in one of its first 30 rows with anything in them, of the visible sheets first,
/// then of those the workbook hides. Rows above that header (a title) are passed over. Each
/// of the sheet's rows is one line, so that a problem's line is the row as Excel numbers it;
/// a line break typed in a cell is read as a space. A note names the sheet read.
fn workbook_as_csv(input: &Input, cols: &TeamColumns, diag: &mut Diagnostics) -> Result<String> {
    let path = input.path().expect("a workbook is a file");
    let sheets = crate::read::figures::workbook_sheets(path)?;
    let has = |cells: &[String], given: &Option<String>, names: &[&str]| match given {
        Some(g) => columns::find_named(cells, g).is_some(),
        None => columns::find(cells, names).is_some(),
    };
    let is_header = |cells: &[String]| has(cells, &cols.name, NAME);
    // A list's header names the teams and their areas or bases: a contacts sheet before it
    // (`Name`, `Email`) has a name column too, but is not the list.
    let heads_a_list = |cells: &[String]| {
        is_header(cells)
            && (has(cells, &cols.areas, AREAS)
                || (has(cells, &cols.latitude, LAT) && has(cells, &cols.longitude, LON))
                || (has(cells, &cols.easting, EASTING) && has(cells, &cols.northing, NORTHING))
                || has(cells, &cols.postcode, POSTCODE)
                || has(cells, &cols.postcode_district, DISTRICT))
    };
    let want = cols.sheet.as_deref();
    let flag = cols.sheet_flag;
    let found = match crate::read::figures::sheet_as_csv(path, &sheets, want, heads_a_list)? {
        Some(sheet) => Some(sheet),
        None => crate::read::figures::sheet_as_csv(path, &sheets, want, is_header)?,
    };
    let Some(sheet) = found else {
        let column = match &cols.name {
            Some(name) => format!("column {name:?} (--team-name-column)"),
            None => format!("team name column ({})", NAME.join(", ")),
        };
        let message = match want {
            Some(want) => format!(
                "sheet {want:?} ({flag}) has no {column} in its first 30 rows; head the list's name column \"name\""
            ),
            None => format!(
                "no sheet has a {column} in its first 30 rows (sheets: {}); head the list's name column \"name\", {}",
                crate::read::figures::sheet_names(&sheets),
                if flag.is_empty() {
                    "or save the sheet as CSV".to_string()
                } else {
                    format!("or name the sheet with {flag}")
                }
            ),
        };
        return Err(Error::Format {
            path: path.to_path_buf(),
            message,
        });
    };
    diag.note(
        &input.label(),
        None,
        format!(
            "teams read from sheet {:?}{}, whose header is row {}; lines named are the sheet's rows",
            sheet.name,
            match want {
                Some(_) => format!(" (named with {flag})"),
                None if sheet.hidden => ", a hidden sheet (no visible sheet has a team list's columns)".to_string(),
                None => String::new(),
            },
            sheet.header_row
        ),
    );
    // Empty lines above the header, so that each line of the text is the sheet's row.
    Ok(sheet.text_from_row_1())
}

/// Reads a team list. Rows with no name, or with a location that cannot be read, are errors.
pub fn read_teams(input: &Input, cols: &TeamColumns, diag: &mut Diagnostics) -> Result<TeamList> {
    let label = input.label();
    let text = if crate::read::figures::is_workbook(input) {
        workbook_as_csv(input, cols, diag)?
    } else if let Some(sheet) = &cols.sheet {
        return Err(Error::Format {
            path: input.path_for_errors(),
            message: format!(
                "{} {sheet:?} was given but this is not a workbook (.xlsx, .xls or .ods); it is read as CSV, which has no sheets",
                cols.sheet_flag
            ),
        });
    } else {
        input.text("CSV")?
    };
    let format_err = |message: String| Error::Format {
        path: input.path_for_errors(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format_err(format!("is not readable as CSV: {e}")))?
        .iter()
        .map(|s| s.to_string())
        .collect();
    // A list saved with semicolons: one column, which no flag can name.
    if let Some(name) = columns::other_separator(&headers) {
        return Err(format_err(format!(
            "its header is one field holding {name}: {}",
            columns::resave_with_commas(name)
        )));
    }
    // A quote left open makes one field of the rest of the file: the teams below it would be
    // read as part of one team's name or areas, and lost.
    if let Some(q) = crate::read::text::quote_left_open(text.as_bytes(), 1) {
        return Err(q.error(&input.label(), &headers, "teams"));
    }
    let mut used = Vec::new();
    // Columns that place a row must be found once: of two latitude or grid columns, the one
    // not read might be the one meant. Of two of any other kind (`pcd` and `pcds`, one
    // postcode spaced two ways) the first is read.
    let places = ["latitude", "longitude", "easting", "northing", "grid"];
    let mut col = |what: &'static str,
                   given: &Option<String>,
                   names: &[&str],
                   flag: &str|
     -> Result<Option<usize>> {
        let idx = match given {
            Some(g) => Some(columns::find_named(&headers, g).ok_or_else(|| {
                format_err(format!(
                    "{flag} {g:?} is not a column; the header has {}",
                    columns::list(&headers)
                ))
            })?),
            None if places.contains(&what) => {
                columns::find_one(&headers, names).map_err(|two| {
                    format_err(format!(
                        "{} (for --teams; a --candidates or --what-if list must have only one)",
                        columns::two_found(&headers, two, what, flag)
                    ))
                })?
            }
            None => columns::find(&headers, names),
        };
        if let Some(i) = idx {
            used.push((what, headers[i].trim().to_string()));
        }
        Ok(idx)
    };
    let name_i = col("name", &cols.name, NAME, "--team-name-column")?;
    let areas_i = col("areas served", &cols.areas, AREAS, "--team-areas-column")?;
    let lat_i = col("latitude", &cols.latitude, LAT, "--team-lat-column")?;
    let lon_i = col("longitude", &cols.longitude, LON, "--team-lon-column")?;
    let e_i = col("easting", &cols.easting, EASTING, "--team-easting-column")?;
    let n_i = col(
        "northing",
        &cols.northing,
        NORTHING,
        "--team-northing-column",
    )?;
    let grid_i = col("grid", &cols.grid, GRID, "--team-grid-column")?;
    let pc_i = col(
        "postcode",
        &cols.postcode,
        POSTCODE,
        "--team-postcode-column",
    )?;
    let pd_i = col(
        "postcode district",
        &cols.postcode_district,
        DISTRICT,
        "--team-district-column",
    )?;
    let ev_i = col(
        "evidence",
        &cols.evidence,
        EVIDENCE,
        "--team-evidence-column",
    )?;
    let precision_i = col("base precision", &None, PRECISION, "")?;
    let base_label_i = match precision_i {
        Some(_) => col("base", &None, BASE_LABEL, "")?,
        None => None,
    };
    let host_i = col("host organisation", &None, HOST, "")?;
    let src_i = col("source", &None, SOURCE, "")?;
    let date_i = col("last evidence", &None, DATE, "")?;
    let nation_i = col("nation", &None, NATION, "")?;

    let Some(name_i) = name_i else {
        return Err(format_err(format!(
            "has no team name column (\"name\", \"team\", \"team_name\"); the header has {}; name it with --team-name-column (for --teams; a --candidates or --what-if list must use one of those headers)",
            columns::list(&headers)
        )));
    };
    let has_location = (lat_i.is_some() && lon_i.is_some())
        || (e_i.is_some() && n_i.is_some())
        || pc_i.is_some()
        || pd_i.is_some();
    // X and Y, as QGIS exports a layer's geometry, with no other coordinates: not read, and
    // said so, since their grid is not known.
    let xy = if lat_i.is_none() && lon_i.is_none() && e_i.is_none() && n_i.is_none() {
        columns::xy_hint(
            &headers,
            [
                "--team-lon-column",
                "--team-lat-column",
                "--team-easting-column",
                "--team-northing-column",
            ],
        )
    } else {
        None
    };
    if areas_i.is_none() && !has_location {
        return Err(format_err(format!(
            "has neither an areas-served column nor a location (latitude/longitude, easting/northing, postcode or postcode district); the header has {}{}",
            columns::list(&headers),
            xy.as_ref().map(|h| format!("; {h}")).unwrap_or_default()
        )));
    }
    if let Some(hint) = &xy {
        diag.warn(
            &label,
            Some(Place::Line(1)),
            format!("{hint}; bases are found from the list's other columns meanwhile"),
        );
    }

    // Every column covgap reads.
    let read_columns = [
        Some(name_i),
        areas_i,
        lat_i,
        lon_i,
        e_i,
        n_i,
        grid_i,
        pc_i,
        pd_i,
        ev_i,
        precision_i,
        base_label_i,
        host_i,
        src_i,
        date_i,
        nation_i,
    ];
    // The last of them: text beyond the header matters only if this is the last.
    let last_read = read_columns.iter().flatten().max().copied().unwrap_or(0);
    // One with a twin under the same header (`name,name`): the first is read, though the one
    // meant may be the other, and no flag can tell them apart. Two that agree on every row (a
    // column pasted twice) read the same either way; two that differ are an error after the
    // rows, naming both and the first line where they differ.
    let twins: Vec<(usize, usize)> = read_columns
        .iter()
        .flatten()
        .filter_map(|&i| {
            (0..headers.len())
                .find(|&j| {
                    j != i
                        && !headers[j].trim().is_empty()
                        && columns::fold(&headers[j]) == columns::fold(&headers[i])
                })
                .map(|j| (i, j))
        })
        .collect();
    let mut twins_differ: Option<(usize, usize, u64)> = None;
    // The `counted` column covgap's team outputs write: not read, only checked (see
    // `TeamRow::stated_counted`).
    let counted_i = columns::find(&headers, &["counted"]);
    // Likewise `covers`, unless it is the column named for the areas served.
    let covers_i = columns::find(&headers, &["covers"]).filter(|&i| Some(i) != areas_i);
    let header_width = columns::width(&headers);
    let mut rows = Vec::new();
    // Each team's line, by name as `covgap diff` and `plan` tell teams apart (case and
    // spacing aside).
    let mut named: HashMap<String, u64> = HashMap::new();
    let mut any_row = false;
    let mut lines = crate::read::text::Lines::new(text.as_bytes());
    for rec in reader.records() {
        let rec = rec.map_err(|e| format_err(format!("is not readable as CSV: {e}")))?;
        let line = lines.of(rec.position());
        let place = Some(Place::Line(line));
        let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).map(str::trim).unwrap_or("");
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        any_row = true;
        if twins_differ.is_none() {
            twins_differ = twins
                .iter()
                .find(|&&(i, j)| get(Some(i)) != get(Some(j)))
                .map(|&(i, j)| (i, j, line));
        }
        let name = get(Some(name_i)).to_string();
        if name.is_empty() {
            diag.error(&label, place, "team has no name");
            continue;
        }
        // A name may hold a line break (a cell typed over two lines; the outputs keep it). One
        // whose lines below the first read as rows of the list, each with a separator for
        // every column, took in those rows between two quotes (a stray quote opening the name,
        // another further down), which the check for a quote left open to the end of the file
        // does not see.
        if let Some((lines_in, k)) = crate::read::text::rows_taken_in(&name, header_width) {
            diag.error(
                &label,
                place,
                format!(
                    "the team name {:?} runs over {lines_in} lines, to line {}, and line {} within it reads as a row of the list: a stray quote (\") opening the name takes in the rows below it up to the next quote, and their teams would be lost; remove the stray quote",
                    name.lines().next().unwrap_or(""),
                    line + lines_in as u64 - 1,
                    line + k as u64,
                ),
            );
            continue;
        }
        // Text beyond the header's last column: a comma not in quotes moved every later field
        // one column along, so the areas, evidence or location read would be another
        // column's. (Empty fields beyond it, as Excel leaves them, are harmless.)
        // The header's last column is its last named one: Excel saves empty columns after
        // it as empty fields (`areas_served,,`), and text there is beyond it all the same.
        let beyond: Vec<&str> = rec
            .iter()
            .skip(header_width)
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        // A last column covgap does not read (notes, say) with a comma of its own moves
        // nothing covgap reads.
        if !beyond.is_empty() && last_read + 1 == header_width {
            diag.error(
                &label,
                place,
                format!(
                    "{name}: the row has {} fields, more than the header's {}, with {} beyond its last column: a comma not in quotes (in a name or an organisation, say) moves every later field one column along; put such text in quotes",
                    columns::width(rec.iter()),
                    header_width,
                    beyond.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", ")
                ),
            );
            continue;
        }
        let key = team_key(&name);
        if let Some(first) = named.get(&key) {
            diag.error(
                &label,
                place,
                format!(
                    "{name}: line {first} has the same name; give each team one row (every area it serves, ';'-separated) and a name of its own, since covgap's tables and `covgap diff` tell teams apart by name"
                ),
            );
            continue;
        }
        named.insert(key, line);
        let areas: Vec<String> = get(areas_i)
            .split(';')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        // A list in covgap's own form (a `base_precision` column) may give the place only in
        // `base`: a postcode, a postcode district, or "lat, lon" as covgap writes coordinates.
        let base = read_base(
            get(lat_i),
            get(lon_i),
            get(e_i),
            get(n_i),
            grid_i.map(|i| (headers[i].trim(), get(grid_i))),
            get(pc_i),
            get(pd_i),
        )
        .and_then(|b| match b {
            None if !get(base_label_i).is_empty() => read_base_text(get(base_label_i)).map(Some),
            b => Ok(b),
        });
        let long_row = (!beyond.is_empty()).then_some((columns::width(rec.iter()), header_width));
        let moved = TeamRow::hint_for(long_row);
        let base = match base {
            Ok(b) => b,
            Err(msg) => {
                diag.error(&label, place, format!("{name}: {msg}{moved}"));
                continue;
            }
        };
        // Latitude/longitude place the row; an easting/northing given too must agree with them.
        if let Some(BaseGiven::LonLat(x, y)) = base {
            let grid = grid_i.map(|i| (headers[i].trim(), get(grid_i)));
            if let Some(apart) = locations_disagree(x, y, get(e_i), get(n_i), grid) {
                diag.warn(&label, place, format!("{name}: {apart}{moved}"));
            }
        }
        let stated_precision = match read_precision(get(precision_i)) {
            Ok(p) => p,
            Err(msg) => {
                diag.error(&label, place, format!("{name}: {msg}{moved}"));
                continue;
            }
        };
        rows.push(TeamRow {
            line,
            name,
            host_org: get(host_i).to_string(),
            evidence: ev_i.map(|_| evidence_level(get(ev_i))),
            areas,
            base,
            stated_precision,
            base_label: get(base_label_i).to_string(),
            source_url: get(src_i).to_string(),
            last_evidence: get(date_i).to_string(),
            nation: get(nation_i).to_string(),
            long_row,
            stated_counted: counted_i.and_then(|i| {
                let v = get(Some(i));
                let said = match v.to_ascii_lowercase().as_str() {
                    "true" | "yes" | "1" => true,
                    "false" | "no" | "0" => false,
                    _ => return None,
                };
                Some((v.to_string(), said))
            }),
            stated_covers: Some(get(covers_i))
                .filter(|v| !v.is_empty())
                .map(str::to_string),
        });
    }
    if !any_row {
        return Err(format_err(NO_ROWS.to_string()));
    }
    if let Some((i, j, line)) = twins_differ {
        return Err(Error::At {
            input: label,
            place: Place::Line(1),
            message: format!(
                "two columns are headed {:?} (fields {} and {}) and differ (first on line {line}), and covgap cannot tell which to read; rename one or remove it",
                headers[i].trim(),
                i.min(j) + 1,
                i.max(j) + 1,
            ),
        });
    }
    Ok(TeamList {
        rows,
        has_evidence: ev_i.is_some(),
        columns_used: used,
    })
}

/// A `base_precision` value: the keys covgap writes (`coordinates`, `postcode`,
/// `postcode_district`), however cased or spaced; blank is `None`.
/// An evidence level as covgap compares it: case, spaces and hyphens aside, so
/// `Service-Confirmed` and `pif named` are `service_confirmed` and `pif_named`.
///
/// # Examples
/// ```
/// use covgap::read::teams::evidence_level;
/// assert_eq!(evidence_level(" Service-Confirmed "), "service_confirmed");
/// assert_eq!(evidence_level("pif  named"), "pif_named");
/// ```
pub fn evidence_level(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
        .to_lowercase()
}

/// A team's name as covgap tells teams apart (in a list, and between two runs in
/// `covgap diff`): case and spacing aside, so "City Team" and "city  team" are one team.
///
/// # Examples
/// ```
/// use covgap::read::teams::team_key;
/// assert_eq!(team_key(" Leeds  Infant Mental\tHealth Service"), team_key("leeds infant mental health service"));
/// assert_ne!(team_key("Leeds IMHS"), team_key("Leeds I.M.H.S."));
/// ```
pub fn team_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn read_precision(text: &str) -> std::result::Result<Option<Precision>, String> {
    let key = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    match key.as_str() {
        "" => Ok(None),
        "coordinates" => Ok(Some(Precision::Coordinates)),
        "postcode" => Ok(Some(Precision::Postcode)),
        "postcode_district" => Ok(Some(Precision::PostcodeDistrict)),
        _ => Err(format!(
            "base_precision {text:?} is not one of coordinates, postcode, postcode_district"
        )),
    }
}

/// A `base` value with nothing in the location columns: a postcode or postcode district,
/// or `lat, lon` (covgap's own form for coordinates).
///
/// # Examples
/// ```
/// use covgap::{crs::Crs, read::teams::{read_base_text, BaseGiven}};
/// assert_eq!(read_base_text("430000 E, 565000 N"), Ok(BaseGiven::EastingNorthing(430000.0, 565000.0, Crs::BritishNationalGrid)));
/// assert!(read_base_text("451000 E, 206000 N on Web Mercator").unwrap_err().contains("on \"Web Mercator\", not a grid covgap reads"));
/// // As covgap writes a base given on another grid, so its teams.geojson reads back.
/// assert_eq!(
///     read_base_text("333831 E, 373987 N on the Irish Grid (EPSG:29903)"),
///     Ok(BaseGiven::EastingNorthing(333831.0, 373987.0, Crs::IrishGrid))
/// );
/// ```
pub fn read_base_text(text: &str) -> std::result::Result<BaseGiven, String> {
    if let Some(b) = classify_postcode(text) {
        return Ok(b);
    }
    if let Some((a, b)) = text.split_once(',') {
        let (a, b) = (a.trim(), b.trim());
        // "430000 E, 565000 N", as covgap writes a base given by easting and northing, with
        // " on the Irish Grid (EPSG:29903)" after it for one given on another grid.
        let (b, grid) = match b.split_once(" on ") {
            Some((n, g)) => (n.trim(), Crs::from_text(g).filter(|g| *g != Crs::Wgs84)),
            None => (b, Some(Crs::BritishNationalGrid)),
        };
        fn axis_of(t: &str, axis: char) -> Option<&str> {
            t.strip_suffix(axis)
                .or_else(|| t.strip_suffix(axis.to_ascii_lowercase()))
                .map(str::trim)
        }
        match (axis_of(a, 'E'), axis_of(b, 'N'), grid) {
            (Some(e), Some(n), Some(grid)) => return easting_northing(e, n, grid),
            // "451000 E, 206000 N on Web Mercator": an easting and northing on a grid covgap
            // does not read, not a latitude and longitude.
            (Some(_), Some(_), None) => {
                let named = text.split_once(" on ").map_or("", |(_, g)| g.trim());
                return Err(format!(
                    "base {text:?} gives its easting and northing on {named:?}, not a grid covgap reads them on; give {GRIDS_ACCEPTED}"
                ));
            }
            _ => {}
        }
        if let Some(b) = read_base(a, b, "", "", None, "", "")? {
            return Ok(b);
        }
    }
    Err(format!(
        "base {text:?} is not a postcode, a postcode district, \"latitude, longitude\" or \"easting E, northing N\""
    ))
}

/// The grids an easting and northing may be stated to be on, for messages.
pub const GRIDS_ACCEPTED: &str = "27700 or British National Grid (as when blank), 29903 or Irish Grid, 29902 or TM65 Irish Grid, 2157 or Irish Transverse Mercator (ITM); a code may be written EPSG:29903, urn:ogc:def:crs:EPSG::29903 or http://www.opengis.net/def/crs/EPSG/0/29903";

/// The grid a row's easting and northing are on, from its cell in the grid column `header`
/// ([`GRID`]): blank is British National Grid, as in a list without the column.
///
/// # Examples
/// ```
/// use covgap::{crs::Crs, read::teams::grid_of};
/// assert_eq!(grid_of("", "crs"), Ok(Crs::BritishNationalGrid));
/// assert_eq!(grid_of("EPSG:29903", "crs"), Ok(Crs::IrishGrid));
/// assert_eq!(grid_of("Irish Transverse Mercator", "crs"), Ok(Crs::IrishTransverseMercator));
/// assert!(grid_of("3857", "crs").unwrap_err().starts_with("column \"crs\": \"3857\" is not a grid"));
/// assert!(grid_of("EPSG:4326", "crs").unwrap_err().contains("latitude and longitude columns"));
/// // A name and a code that disagree, or a code under another authority, are refused, not
/// // read by the code after the last ':'.
/// assert_eq!(
///     grid_of("ITM:29903", "crs").unwrap_err(),
///     "column \"crs\": \"ITM:29903\" names two systems, the Irish Transverse Mercator (EPSG:2157) and the Irish Grid (EPSG:29903), so which the figures are on cannot be told: give the one they are on"
/// );
/// assert!(grid_of("ESRI:27700", "crs").unwrap_err().contains("\"ESRI:27700\" gives the code 27700 after \"ESRI\", which is not EPSG's prefix"));
/// ```
pub fn grid_of(cell: &str, header: &str) -> std::result::Result<Crs, String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(Crs::BritishNationalGrid);
    }
    match Crs::parse_text(cell) {
        Ok(Crs::Wgs84) => Err(format!(
            "column {header:?}: {cell:?} is WGS84, latitude and longitude in degrees, which are no easting and northing: give them in latitude and longitude columns"
        )),
        Ok(grid) => Ok(grid),
        Err(CrsTextError::Unknown) => Err(format!(
            "column {header:?}: {cell:?} is not a grid covgap reads eastings and northings on; give {GRIDS_ACCEPTED}"
        )),
        Err(why) => Err(format!("column {header:?}: {cell:?} {}", why.why())),
    }
}

/// An easting and northing on `grid`, which must lie in British National Grid's extent of
/// the UK once projected there, since every base is measured on that grid. Figures on the
/// Irish Grid or ITM that fall in Great Britain pass here; `load` warns of them.
fn easting_northing(e: &str, n: &str, grid: Crs) -> std::result::Result<BaseGiven, String> {
    let (Some(x), Some(y)) = (parse_number(e), parse_number(n)) else {
        return Err(format!(
            "easting {e:?} / northing {n:?} are not both numbers{}",
            decimal_comma_hint(&[e, n])
        ));
    };
    if grid == Crs::BritishNationalGrid {
        if !Crs::in_bng_uk_extent(Coord { x, y }) {
            return Err(format!(
                "easting {x}, northing {y} is outside British National Grid's UK extent"
            ));
        }
        return Ok(BaseGiven::EastingNorthing(x, y, grid));
    }
    let ((x0, x1), (y0, y1)) = Crs::GRID_RANGE;
    let in_range = (x0..=x1).contains(&x) && (y0..=y1).contains(&y);
    match in_range.then(|| grid.to_bng(Coord { x, y })) {
        Some(Ok(bng)) if Crs::in_bng_uk_extent(bng) => Ok(BaseGiven::EastingNorthing(x, y, grid)),
        _ => Err(format!(
            "easting {x}, northing {y} on {} is outside British National Grid's UK extent once projected to it",
            grid.label()
        )),
    }
}

/// When a row gives an easting and northing (numbers, on a grid covgap reads) besides the
/// latitude `y` and longitude `x` that place it, and the two are more than
/// [`LOCATIONS_DISAGREE_M`] apart: the message saying so. A row whose easting, northing or grid
/// cannot be read is placed by its latitude and longitude without a word, as before.
///
/// # Examples
/// ```
/// use covgap::read::teams::locations_disagree;
/// // Belfast City Hall by both: they agree.
/// assert_eq!(locations_disagree(-5.9301, 54.5964, "333831", "373987", Some(("crs", "29903"))), None);
/// // The same figures with no grid stated are British National Grid, in Wales.
/// assert!(locations_disagree(-5.9301, 54.5964, "333831", "373987", None).unwrap().contains("are 243.6 km apart"));
/// ```
pub fn locations_disagree(
    x: f64,
    y: f64,
    e: &str,
    n: &str,
    grid: Option<(&str, &str)>,
) -> Option<String> {
    let (e, n) = (parse_number(e)?, parse_number(n)?);
    let grid = match grid {
        Some((header, cell)) => grid_of(cell, header).ok()?,
        None => Crs::BritishNationalGrid,
    };
    locations_disagree_at(x, y, e, n, grid)
}

/// [`locations_disagree`] for a row read already: latitude `y` and longitude `x`, and easting
/// `e` and northing `n` on `grid`.
pub fn locations_disagree_at(x: f64, y: f64, e: f64, n: f64, grid: Crs) -> Option<String> {
    let d = crate::crs::locations_apart(Coord { x, y }, Coord { x: e, y: n }, grid)?;
    (d > LOCATIONS_DISAGREE_M).then(|| {
        format!(
            "latitude {y}, longitude {x} and easting {e}, northing {n} on {} are {:.1} km apart, more than {:.0} km: placed by the latitude and longitude; check which is right",
            grid.label(),
            d / 1000.0,
            LOCATIONS_DISAGREE_M / 1000.0
        )
    })
}

/// The base a row's location columns give: latitude and longitude first, then easting and
/// northing (on the grid the `(header, cell)` of the grid column says, if the list has one),
/// then a postcode, then a postcode district.
fn read_base(
    lat: &str,
    lon: &str,
    e: &str,
    n: &str,
    grid: Option<(&str, &str)>,
    pc: &str,
    pd: &str,
) -> std::result::Result<Option<BaseGiven>, String> {
    if !lat.is_empty() || !lon.is_empty() {
        let (Some(y), Some(x)) = (parse_number(lat), parse_number(lon)) else {
            return Err(format!(
                "latitude {lat:?} / longitude {lon:?} are not both numbers{}",
                decimal_comma_hint(&[lat, lon])
            ));
        };
        if !in_uk(x, y) {
            return Err(not_in_uk(y, x));
        }
        return Ok(Some(BaseGiven::LonLat(x, y)));
    }
    if !e.is_empty() || !n.is_empty() {
        let grid = match grid {
            Some((header, cell)) => grid_of(cell, header)?,
            None => Crs::BritishNationalGrid,
        };
        return easting_northing(e, n, grid).map(Some);
    }
    for text in [pc, pd] {
        if text.is_empty() {
            continue;
        }
        return match classify_postcode(text) {
            Some(b) => Ok(Some(b)),
            None => Err(format!(
                "{text:?} is not a UK postcode or postcode district"
            )),
        };
    }
    Ok(None)
}

/// Normalises a postcode or postcode district, however it is spaced or cased.
///
/// # Examples
/// ```
/// use covgap::read::teams::{classify_postcode, BaseGiven};
/// assert_eq!(classify_postcode("sk141ng"), Some(BaseGiven::Postcode("SK14 1NG".into())));
/// assert_eq!(classify_postcode(" ox5 "), Some(BaseGiven::PostcodeDistrict("OX5".into())));
/// assert_eq!(classify_postcode("Oxfordshire"), None);
/// // Old-style, still listed by ONS:
/// assert_eq!(classify_postcode("npt 2ub"), Some(BaseGiven::Postcode("NPT 2UB".into())));
/// assert_eq!(classify_postcode("NPT"), None);
/// ```
pub fn classify_postcode(text: &str) -> Option<BaseGiven> {
    let s: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let outward_ok = |o: &str| {
        (2..=4).contains(&o.len())
            && o.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && o.chars().any(|c| c.is_ascii_digit())
            && o.chars().all(|c| c.is_ascii_alphanumeric())
    };
    // The old-style postcodes still in the directory (Newport's "NPT 2UB", terminated in the
    // 1980s but listed with a location) have an outward code of letters only.
    let old_style = |o: &str| o.len() == 3 && o.chars().all(|c| c.is_ascii_alphabetic());
    if s.len() >= 5 && s.len() <= 7 {
        let (out, inw) = s.split_at(s.len() - 3);
        let b = inw.as_bytes();
        if (outward_ok(out) || old_style(out))
            && b[0].is_ascii_digit()
            && b[1].is_ascii_alphabetic()
            && b[2].is_ascii_alphabetic()
        {
            return Some(BaseGiven::Postcode(format!("{out} {inw}")));
        }
    }
    if outward_ok(&s) {
        return Some(BaseGiven::PostcodeDistrict(s));
    }
    None
}
