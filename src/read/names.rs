//! Finding areas by name, as people write them: a team list's areas served.

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
