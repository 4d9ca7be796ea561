//! Finding areas by name, as people write them: a team list's areas served, and a figures
//! table that gives each area's name and no code (National Records of Scotland's births by
//! council area).

use std::collections::HashMap;

use crate::read::successors::Successor;

/// Folds an area name for matching: lower case, `&` as `and`, letters and digits only.
///
/// # Examples
/// ```
/// use covgap::read::names::fold_name;
/// assert_eq!(fold_name("Perth & Kinross"), fold_name("Perth and Kinross"));
/// assert_eq!(fold_name("Na h-Eileanan Siar"), "naheileanansiar");
/// ```
pub fn fold_name(s: &str) -> String {
    s.replace('&', " and ")
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// A name's words, folded and in alphabetical order: "Edinburgh, City of" and "City of
/// Edinburgh" (ONS and NRS have written areas both ways round) are the same words.
///
/// # Examples
/// ```
/// use covgap::read::names::sorted_words;
/// assert_eq!(sorted_words("Edinburgh, City of"), sorted_words("City of Edinburgh"));
/// ```
pub fn sorted_words(s: &str) -> String {
    let mut words: Vec<String> = s
        .replace('&', " and ")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words.concat()
}

/// The `(name, code)` pairs closest to `token`, best first (ties by code), each with its
/// score from 0 to 1: a mistyped code is closest to a code, a mistyped name to a name, and a
/// name written the other way round ("Edinburgh, City of") to the same words.
pub fn closest<'a>(
    token: &str,
    areas: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<(f64, &'a str, &'a str)> {
    let t = fold_name(token);
    let words = sorted_words(token);
    let mut scored: Vec<(f64, &str, &str)> = areas
        .into_iter()
        .map(|(name, code)| {
            let by_name = strsim::jaro_winkler(&t, &fold_name(name));
            let by_code = strsim::jaro_winkler(&t, &fold_name(code));
            let by_words = strsim::jaro_winkler(&words, &sorted_words(name));
            (by_name.max(by_code).max(by_words), name, code)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(b.2)));
    scored
}

/// What a name in a figures table is, among the areas given ([`AreaNames::find`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named<'a> {
    /// One area of the boundaries, by its code; `exact` when the name is one the boundaries or
    /// ONS give it (case, spacing and `&` aside), not the same words in another order.
    Area { code: &'a str, exact: bool },
    /// Several areas bear it: `(name, code)` of each.
    Several(Vec<(&'a str, &'a str)>),
    /// A UK district that is not an area of the boundaries given (a table for the whole UK
    /// read on boundaries for part of it): its code.
    OutsideDistrict(&'a str),
    /// A total, a nation, a region or another geography's name: not an area's row.
    Other,
    /// Nothing covgap knows.
    Unknown,
}

/// The areas of the boundaries by name, for a figures table with no area code column.
#[derive(Debug, Clone, Default)]
pub struct AreaNames {
    /// Folded name ([`fold_name`]) to the codes of the areas bearing it.
    by_name: HashMap<String, Vec<String>>,
    /// The same by [`sorted_words`], for a name written the other way round.
    by_words: HashMap<String, Vec<String>>,
    /// `(name, code)` of each area as the boundaries give it, for suggestions and messages.
    areas: Vec<(String, String)>,
    /// Folded name to the codes of the areas the boundaries give it.
    own: HashMap<String, Vec<String>>,
    /// Districts abolished since 2019 whose successor is an area given, by old code: a table
    /// written before the change names them, and their rows are added up for the successor
    /// as a table in old codes is.
    former: HashMap<String, &'static Successor>,
    /// Folded names of UK districts outside the boundaries given, to their codes.
    outside: HashMap<String, String>,
    /// Folded names of totals, nations, regions and other geographies.
    others: std::collections::HashSet<String>,
}

/// Names of rows that total the table's areas, of the UK's nations and of the UK itself.
const TOTAL_NAMES: &[&str] = &[
    "total",
    "all",
    "all areas",
    "all council areas",
    "all local authorities",
    "united kingdom",
    "uk",
    "great britain",
    "gb",
    "england",
    "wales",
    "cymru",
    "scotland",
    "northern ireland",
    "england and wales",
];

impl AreaNames {
    /// An area of the boundaries, by the name they give it.
    pub fn add_area(&mut self, code: &str, name: &str) {
        self.areas.push((name.to_string(), code.to_string()));
        self.own
            .entry(fold_name(name))
            .or_default()
            .push(code.to_string());
        self.add_name(code, name);
    }

    /// Another name of an area already added (for a built-in district, its ONS name and
    /// Welsh name), found only when no area of the boundaries bears it: no name comes to
    /// stand for two areas.
    pub fn add_alias(&mut self, code: &str, name: &str) {
        let borne = self
            .own
            .get(&fold_name(name))
            .is_some_and(|codes| codes.iter().any(|c| c != code));
        if !borne {
            self.add_name(code, name);
        }
    }

    fn add_name(&mut self, code: &str, name: &str) {
        for (map, key) in [
            (&mut self.by_name, fold_name(name)),
            (&mut self.by_words, sorted_words(name)),
        ] {
            if key.is_empty() {
                continue;
            }
            let v = map.entry(key).or_default();
            if !v.iter().any(|c| c == code) {
                v.push(code.to_string());
            }
        }
    }

    /// A district abolished since 2019 whose successor is among the areas given (and its own
    /// code is not), by its old name: found as an area with its old code, as a table in old
    /// codes gives it. A name an area given bears too is found as both
    /// ([`Named::Several`]): which one a row is for cannot be told.
    ///
    /// # Examples
    /// ```
    /// use covgap::read::names::{AreaNames, Named};
    /// let craven = covgap::read::successors::all()
    ///     .iter()
    ///     .find(|s| s.old_name == "Craven")
    ///     .unwrap();
    /// let mut n = AreaNames::default();
    /// n.add_area("E06000065", "North Yorkshire");
    /// n.add_former(craven);
    /// assert_eq!(n.find("CRAVEN"), Named::Area { code: "E07000163", exact: true });
    /// assert_eq!(n.name_of("E07000163"), "Craven");
    /// assert_eq!(n.former("E07000163").map(|s| s.new_code.as_str()), Some("E06000065"));
    /// ```
    pub fn add_former(&mut self, s: &'static Successor) {
        self.former.insert(s.old_code.clone(), s);
        self.add_name(&s.old_code, &s.old_name);
    }

    /// The abolished district `code` is, when it was added with [`AreaNames::add_former`].
    pub fn former(&self, code: &str) -> Option<&'static Successor> {
        self.former.get(code).copied()
    }

    /// A UK district not among the areas given, by its ONS or Welsh name.
    pub fn add_outside_district(&mut self, code: &str, name: &str) {
        self.outside.insert(fold_name(name), code.to_string());
    }

    /// The name of another geography (a region, a health board, an ICB, ...): a row of a
    /// table that is not one of the areas given.
    pub fn add_other(&mut self, name: &str) {
        self.others.insert(fold_name(name));
    }

    /// What `name` is: an area given (by its own name, another name of a built-in
    /// district, or the same words in another order), a district outside them, a total, a
    /// nation or another geography, or nothing known.
    ///
    /// # Examples
    /// ```
    /// use covgap::read::names::{AreaNames, Named};
    /// let mut n = AreaNames::default();
    /// n.add_area("S12000036", "City of Edinburgh");
    /// n.add_area("S12000013", "Na h-Eileanan Siar");
    /// assert_eq!(n.find("Edinburgh, City of"), Named::Area { code: "S12000036", exact: false });
    /// assert_eq!(n.find("na h-eileanan  siar"), Named::Area { code: "S12000013", exact: true });
    /// assert_eq!(n.find("Scotland"), Named::Other);
    /// assert_eq!(n.find("Total Scotland"), Named::Other);
    /// assert_eq!(n.find("Gotham City"), Named::Unknown);
    /// ```
    pub fn find(&self, name: &str) -> Named<'_> {
        let folded = fold_name(name);
        for (map, key, exact) in [
            (&self.by_name, &folded, true),
            (&self.by_words, &sorted_words(name), false),
        ] {
            match map.get(key).map(Vec::as_slice) {
                Some([code]) => return Named::Area { code, exact },
                Some(codes) if !codes.is_empty() => {
                    return Named::Several(
                        codes
                            .iter()
                            .map(|c| (self.name_of(c), c.as_str()))
                            .collect(),
                    )
                }
                _ => {}
            }
        }
        if let Some(code) = self.outside.get(&folded) {
            return Named::OutsideDistrict(code);
        }
        if is_total(name) || self.others.contains(&folded) {
            return Named::Other;
        }
        Named::Unknown
    }

    /// The name the boundaries give area `code`; for an abolished district, its old name.
    pub fn name_of<'a>(&'a self, code: &'a str) -> &'a str {
        self.areas
            .iter()
            .find(|(_, c)| c == code)
            .map(|(n, _)| n.as_str())
            .or_else(|| self.former(code).map(|s| s.old_name.as_str()))
            .unwrap_or(code)
    }

    /// Up to three areas given (or abolished districts one replaced, [`AreaNames::add_former`])
    /// whose names are close to `name`, as `Name (code)`: those alike enough to be a slip in
    /// typing it, and those whose names hold all its words ("Edinburgh" for City of
    /// Edinburgh, "Borders" for Scottish Borders); none when no name is either.
    ///
    /// # Examples
    /// ```
    /// use covgap::read::names::AreaNames;
    /// let mut n = AreaNames::default();
    /// n.add_area("S12000036", "City of Edinburgh");
    /// n.add_area("S12000049", "Glasgow City");
    /// assert_eq!(n.suggest("Edinburgh"), ["City of Edinburgh (S12000036)"]);
    /// assert_eq!(n.suggest("Glasgow Cty"), ["Glasgow City (S12000049)"]);
    /// assert!(n.suggest("Gotham City").is_empty());
    /// ```
    pub fn suggest(&self, name: &str) -> Vec<String> {
        let words = |s: &str| -> Vec<String> {
            s.replace('&', " and ")
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect()
        };
        let mine = words(name);
        let mut close: Vec<(f64, &str, &str)> = closest(
            name,
            self.areas
                .iter()
                .map(|(n, c)| (n.as_str(), c.as_str()))
                .chain(
                    self.former
                        .values()
                        .map(|s| (s.old_name.as_str(), s.old_code.as_str())),
                ),
        )
        .into_iter()
        .filter_map(|(score, n, c)| {
            let theirs = words(n);
            let within = !mine.is_empty() && mine.iter().all(|w| theirs.contains(w));
            let score = if within {
                score.max(CLOSE_ENOUGH)
            } else {
                score
            };
            (score >= CLOSE_ENOUGH).then_some((score, n, c))
        })
        .collect();
        close.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(b.2)));
        close
            .into_iter()
            .take(3)
            .map(|(_, n, c)| format!("{n} ({c})"))
            .collect()
    }
}

/// How alike (Jaro-Winkler, 0 to 1) a name must be to an area's to be suggested as a slip:
/// "Argyl and Bute" is 0.99 to Argyll and Bute and "Clackmannan" 0.94 to Clackmannanshire,
/// but "Gotham City" 0.84 to Glasgow City and "Western Isles" 0.82 to West Lothian.
const CLOSE_ENOUGH: f64 = 0.88;

/// Whether `name` is a row totalling a table or one for a nation or the UK: "Total",
/// "Scotland", "All council areas", "Total Scotland", "Scotland total".
///
/// # Examples
/// ```
/// use covgap::read::names::is_total;
/// assert!(is_total("TOTAL"));
/// assert!(is_total("Scotland - total"));
/// assert!(!is_total("Fife"));
/// ```
pub fn is_total(name: &str) -> bool {
    let folded = fold_name(name);
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    TOTAL_NAMES.iter().any(|t| fold_name(t) == folded)
        || words.iter().any(|w| w == "total")
        || words.first().is_some_and(|w| w == "all")
}
