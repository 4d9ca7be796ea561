//! Districts abolished since older ONS codes were current, and the district that replaced
//! each: the 17 districts of Cumbria, North Yorkshire and Somerset merged into four unitary
//! authorities on 1 April 2023 (`data/successors.csv`, from ONS's LAD 2022 to LAD 2023
//! lookup).
//!
//! ONS tables published before then (mid-2020 and mid-2021 population estimates, births by
//! district for 2021 and 2022) and team lists written from them use the old codes. Read
//! against current boundaries:
//! - figures for every district a new one replaced are added up for it, when the table does
//!   not give the new district itself (see `load`);
//! - a team serving an abolished district counts for the district that replaced it, with a
//!   note, as the whole district.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use crate::builtin;

/// One abolished district and the district that replaced it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Successor {
    pub old_code: String,
    pub old_name: String,
    pub new_code: String,
    pub new_name: String,
    /// The date the old district was abolished, as ISO 8601 (`2023-04-01`).
    pub since: String,
}

impl Successor {
    /// The old district as messages name it: "Craven (E07000163)".
    pub fn old_named(&self) -> String {
        format!("{} ({})", self.old_name, self.old_code)
    }

    /// "1 April 2023", for messages.
    pub fn since_words(&self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let mut parts = self.since.split('-');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(y), Some(m), Some(d)) => {
                let month = m
                    .parse::<usize>()
                    .ok()
                    .and_then(|m| MONTHS.get(m.wrapping_sub(1)));
                match (d.parse::<u32>(), month) {
                    (Ok(d), Some(month)) => format!("{d} {month} {y}"),
                    _ => self.since.clone(),
                }
            }
            _ => self.since.clone(),
        }
    }
}

/// The built-in list, read once; in `data/successors.csv` order (by old code).
///
/// # Examples
/// ```
/// let all = covgap::read::successors::all();
/// assert_eq!(all.len(), 17);
/// let craven = all.iter().find(|s| s.old_code == "E07000163").unwrap();
/// assert_eq!((craven.new_code.as_str(), craven.new_name.as_str()), ("E06000065", "North Yorkshire"));
/// assert_eq!(craven.since_words(), "1 April 2023");
/// ```
pub fn all() -> &'static [Successor] {
    static ALL: OnceLock<Vec<Successor>> = OnceLock::new();
    ALL.get_or_init(|| {
        let text = match builtin::successors() {
            crate::read::Input::BuiltIn { text, .. } => text,
            crate::read::Input::File(_) => unreachable!("built in"),
        };
        let mut r = csv::Reader::from_reader(text.as_bytes());
        r.deserialize::<Successor>()
            .map(|row| row.expect("data/successors.csv is made by scripts/prepare_data.py"))
            .collect()
    })
}

/// The abolished districts by old code, for the districts given: only those whose successor
/// is among `current` and whose own code is not (boundaries drawn before the change keep the
/// old districts and need nothing).
pub fn replaced_in(current: impl Fn(&str) -> bool) -> HashMap<&'static str, &'static Successor> {
    all()
        .iter()
        .filter(|s| current(&s.new_code) && !current(&s.old_code))
        .map(|s| (s.old_code.as_str(), s))
        .collect()
}

/// Abolished districts grouped by the district that replaced them (by new code), each once, in
/// the order given.
pub fn by_new_district<'a>(
    olds: impl IntoIterator<Item = &'a Successor>,
) -> BTreeMap<&'a str, Vec<&'a Successor>> {
    let mut by_new: BTreeMap<&str, Vec<&Successor>> = BTreeMap::new();
    for s in olds {
        let group = by_new.entry(s.new_code.as_str()).or_default();
        if !group.contains(&s) {
            group.push(s);
        }
    }
    by_new
}
