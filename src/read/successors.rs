//! Districts abolished since the codes of April 2019, and the district that replaced each
//! (`data/successors.csv`): the 4 districts of Buckinghamshire merged on 1 April 2020, the 7 of
//! Northamptonshire merged into two on 1 April 2021, and the 17 of Cumbria, North Yorkshire and
//! Somerset merged into four on 1 April 2023 (from ONS's LAD 2022 to LAD 2023 lookup; the
//! earlier ones checked against ONS's LSOA 2011 lookup and the IMD 2019 district summaries, see
//! `data/SOURCES.md`).
//!
//! ONS tables published before then (mid-2019 to mid-2021 population estimates, births by
//! district for 2019 to 2022, the English Indices of Deprivation 2019) and team lists written
//! from them use the old codes. Read against current boundaries:
//! - figures for every district a new one replaced are added up for it, when the table does
//!   not give the new district itself (see `load`);
//! - a team serving an abolished district counts for the district that replaced it, with a
//!   note, as the whole district;
//! - a deprivation table's shares for the districts a new one replaced are combined for it,
//!   weighted by their 2011 LSOAs (see `read::deprivation`).

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
    /// Its lower layer super output areas of 2011 (the small areas the English Indices of
    /// Deprivation 2019 and 2015 are given on), which weight its share of them in the most
    /// deprived tenth when shares are combined for the new district.
    pub lsoas_2011: u32,
    /// Its integrated care board (2024): the one holding most of its LSOAs, which may not be
    /// the new district's (Craven's is West Yorkshire's, North Yorkshire's Humber and North
    /// Yorkshire's).
    pub icb_code: String,
    pub icb_name: String,
}

impl Successor {
    /// The old district as messages name it: "Craven (E07000163)".
    pub fn old_named(&self) -> String {
        format!("{} ({})", self.old_name, self.old_code)
    }

    /// "1 April 2023", for messages.
    pub fn since_words(&self) -> String {
        let mut parts = self.since.split('-');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(y), Some(m), Some(d)) => {
                let month = m.parse::<usize>().ok().and_then(crate::write::month_name);
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
/// assert_eq!(all.len(), 28);
/// let craven = all.iter().find(|s| s.old_code == "E07000163").unwrap();
/// assert_eq!((craven.new_code.as_str(), craven.new_name.as_str()), ("E06000065", "North Yorkshire"));
/// assert_eq!(craven.since_words(), "1 April 2023");
/// ```
pub fn all() -> &'static [Successor] {
    static ALL: OnceLock<Vec<Successor>> = OnceLock::new();
    ALL.get_or_init(|| {
        let text = builtin::successors().built_in_text().expect("built in");
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

/// Whether district `code` is among `codes`: by its own code or, for a district made since
/// 2019, by the codes of every district it replaced (boundaries drawn before the change).
pub fn given_in(code: &str, codes: &std::collections::HashSet<&str>) -> bool {
    codes.contains(code) || {
        let mut olds = all().iter().filter(|s| s.new_code == code).peekable();
        olds.peek().is_some() && olds.all(|s| codes.contains(s.old_code.as_str()))
    }
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

/// A district that replaced others, as a table in older codes gives them: what
/// [`replacements`] finds, for the figures (`load`) and deprivation shares alike.
pub struct Replacement<'a, T> {
    /// The new district's code.
    pub new_code: &'a str,
    /// The districts it replaced, by old code.
    pub olds: Vec<&'a Successor>,
    /// Those the table has a row for, with what the row gives.
    pub given: Vec<(&'a Successor, T)>,
}

impl<T> Replacement<'_, T> {
    /// "North Yorkshire (E06000065)".
    pub fn new_named(&self) -> String {
        format!("{} ({})", self.olds[0].new_name, self.new_code)
    }

    /// The districts it replaced that the table has no row for.
    pub fn missing(&self) -> Vec<&Successor> {
        self.olds
            .iter()
            .copied()
            .filter(|s| !self.given.iter().any(|(g, _)| g.old_code == s.old_code))
            .collect()
    }
}

/// For each district that replaced some in `replaced` (as [`replaced_in`] gives them), the
/// rows `row` finds for the districts it replaced; only those with at least one, in new-code
/// order, old districts in code order.
pub fn replacements<'a, T>(
    replaced: &HashMap<&str, &'a Successor>,
    row: impl Fn(&str) -> Option<T>,
) -> Vec<Replacement<'a, T>> {
    by_new_district(replaced.values().copied())
        .into_iter()
        .filter_map(|(new_code, mut olds)| {
            olds.sort_by(|a, b| a.old_code.cmp(&b.old_code));
            let given: Vec<(&Successor, T)> = olds
                .iter()
                .filter_map(|s| row(&s.old_code).map(|v| (*s, v)))
                .collect();
            (!given.is_empty()).then_some(Replacement {
                new_code,
                olds,
                given,
            })
        })
        .collect()
}

/// The abolition dates of `olds`, in words, earliest first: "1 April 2020 and 1 April 2023".
pub fn since_words_of<'a>(olds: impl IntoIterator<Item = &'a Successor>) -> String {
    let dates: BTreeMap<&str, String> = olds
        .into_iter()
        .map(|s| (s.since.as_str(), s.since_words()))
        .collect();
    dates.into_values().collect::<Vec<_>>().join(" and ")
}
