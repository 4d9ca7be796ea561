//! The built-in area lookup (`data/areas.csv`): each district's name, its region, upper tier,
//! ICB and health board, and its built-in figures, read once per process.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::builtin;
use crate::error::{Error, Result};
use crate::model::{Geography, Measure, Nation, RollupKeys};
use crate::read::successors;

/// A row of the built-in area lookup.
pub(super) struct LookupRow {
    /// The district's ONS name, to find it by name in a team list.
    pub(super) name: String,
    /// ONS's Welsh name of a Welsh district ("Ynys Môn"), read in a team list too; empty
    /// elsewhere.
    pub(super) name_cy: String,
    pub(super) keys: RollupKeys,
    /// The built-in figures for the area, to judge a user's figures by.
    births: Option<u64>,
    age0: Option<u64>,
}

impl LookupRow {
    pub(super) fn figure(&self, measure: Measure) -> Option<u64> {
        match measure {
            Measure::Births => self.births,
            Measure::Age0 => self.age0,
        }
    }
}

/// The built-in area lookup, read once per process: the areas, and every team list (the teams,
/// a plan's candidates and what-if teams) for the districts it names, read it.
pub(super) fn lookup() -> Result<&'static HashMap<String, LookupRow>> {
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
pub(super) fn old_district_keys(code: &str, lookup: &HashMap<String, LookupRow>) -> RollupKeys {
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
/// they count in its row ([`whole_geographies`](super::whole_geographies)) and name it in the outputs' nation column,
/// where they were "Unknown" and all five gave no Northern Ireland row. Any other code names
/// no nation.
pub(super) fn nation_of(code: &str, geographies: &HashMap<&str, Nation>) -> Nation {
    match Nation::from_code(code) {
        Nation::Unknown => geographies.get(code).copied().unwrap_or(Nation::Unknown),
        nation => nation,
    }
}

/// The nation of each geography the built-in lookup gives districts (region, upper tier, ICB,
/// health board or HSC trust), by its code: that of its districts, or Unknown for one whose
/// districts are of more than one nation (none is).
pub(super) fn geography_nations(lookup: &HashMap<String, LookupRow>) -> HashMap<&str, Nation> {
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
pub(super) fn is_district(code: &str, lookup: &HashMap<String, LookupRow>) -> bool {
    lookup.contains_key(code) || successors::all().iter().any(|s| s.old_code == code)
}
