//! Finding columns by header, the way people name them.
//!
//! Headers are compared after folding case and dropping everything but letters and digits,
//! so `Area code`, `area_code` and `AREA-CODE` are one name.

/// Folds a header for comparison: lower case, letters and digits only, with the note
/// markers ONS puts in headers (`[note 1]`) dropped.
///
/// # Examples
/// ```
/// assert_eq!(covgap::read::columns::fold("Area code"), "areacode");
/// assert_eq!(covgap::read::columns::fold("\u{feff}LAD24CD "), "lad24cd");
/// assert_eq!(covgap::read::columns::fold("Number of live births [note 1] [x]"), "numberoflivebirths");
/// ```
pub fn fold(header: &str) -> String {
    let mut depth = 0usize;
    header
        .chars()
        .filter(|&c| {
            match c {
                '[' => depth += 1,
                ']' => depth = depth.saturating_sub(1),
                _ => return depth == 0 && c.is_alphanumeric(),
            }
            false
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Index of the first header that matches one of `names` (in the order of `names`).
pub fn find(headers: &[String], names: &[&str]) -> Option<usize> {
    let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
    names
        .iter()
        .find_map(|n| folded.iter().position(|h| *h == fold(n)))
}

/// Index of the one header that matches any of `names`, for a column whose value places a
/// row (a latitude, an easting, the grid), where taking the first of two would read one and
/// pass the other by: `Err` with the first two that match, in header order, when two do.
///
/// # Examples
/// ```
/// use covgap::read::columns::find_one;
/// let h = ["id", "CRS", "easting", "EPSG"].map(String::from).to_vec();
/// assert_eq!(find_one(&h, &["easting"]), Ok(Some(2)));
/// assert_eq!(find_one(&h, &["crs", "epsg", "grid"]), Err((1, 3)));
/// assert_eq!(find_one(&h, &["latitude", "lat"]), Ok(None));
/// ```
pub fn find_one(headers: &[String], names: &[&str]) -> Result<Option<usize>, (usize, usize)> {
    let names: Vec<String> = names.iter().map(|n| fold(n)).collect();
    let mut found = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| names.contains(&fold(h)))
        .map(|(i, _)| i);
    match (found.next(), found.next()) {
        (Some(a), Some(b)) => Err((a, b)),
        (a, _) => Ok(a),
    }
}

/// The error for the two headers [`find_one`] found, `a` and `b`: both named, with what they
/// hold and the flag that names the one to read.
///
/// # Examples
/// ```
/// use covgap::read::columns::two_found;
/// let h = ["id", "CRS", "easting", "EPSG"].map(String::from).to_vec();
/// assert_eq!(
///     two_found(&h, (1, 3), "grid", "--grid-column"),
///     "has two grid columns, \"CRS\" and \"EPSG\", and covgap cannot tell which to read: name one with --grid-column"
/// );
/// ```
pub fn two_found(headers: &[String], (a, b): (usize, usize), what: &str, flag: &str) -> String {
    format!(
        "has two {what} columns, {:?} and {:?}, and covgap cannot tell which to read: name one with {flag}",
        headers[a].trim(),
        headers[b].trim()
    )
}

/// Index of the header a user named with a flag; matched exactly first, then folded.
pub fn find_named(headers: &[String], name: &str) -> Option<usize> {
    headers
        .iter()
        .position(|h| h.trim() == name.trim())
        .or_else(|| find(headers, &[name]))
}

/// What to say of a file's `X` and `Y` columns, as QGIS writes a layer's geometry to CSV
/// (`GEOMETRY=AS_XY`), when they are its only coordinates: covgap does not guess their grid,
/// so names the flags that read them. `flags` are the longitude, latitude, easting and
/// northing flags. `None` when the header has no such pair.
///
/// # Examples
/// ```
/// use covgap::read::columns::xy_hint;
/// let h = ["name", "X", "Y"].map(String::from).to_vec();
/// let flags = ["--lon-column", "--lat-column", "--easting-column", "--northing-column"];
/// assert!(xy_hint(&h, flags).unwrap().starts_with("its columns \"X\" and \"Y\""));
/// assert_eq!(xy_hint(&h[..2], flags), None);
/// ```
pub fn xy_hint(headers: &[String], flags: [&str; 4]) -> Option<String> {
    let x = headers
        .iter()
        .find(|h| h.trim().eq_ignore_ascii_case("x"))?;
    let y = headers
        .iter()
        .find(|h| h.trim().eq_ignore_ascii_case("y"))?;
    let [lon, lat, e, n] = flags;
    Some(format!(
        "its columns {:?} and {:?} (as QGIS writes a layer's geometry) are not read, since nothing says their grid: name them with {lon} {x} {lat} {y} if they are longitude and latitude (EPSG:4326), or {e} {x} {n} {y} if they are on British National Grid (EPSG:27700)",
        x.trim(),
        y.trim(),
        x = x.trim(),
        y = y.trim(),
    ))
}

/// The separator a file's header shows it is separated by instead of commas, in words, when
/// the header is one field holding semicolons or tabs: Excel saves "CSV" so in much of Europe,
/// and every row is then one field, with no column to find.
///
/// # Examples
/// ```
/// use covgap::read::columns::other_separator;
/// let h = |s: &str| vec![s.to_string()];
/// assert_eq!(other_separator(&h("code;name;births")), Some("semicolons (;)"));
/// assert_eq!(other_separator(&h("code\tbirths")), Some("tabs"));
/// assert_eq!(other_separator(&["code".into(), "births".into()]), None);
/// ```
pub fn other_separator(header: &[String]) -> Option<&'static str> {
    match header {
        [cell] => [(';', "semicolons (;)"), ('\t', "tabs")]
            .into_iter()
            .find(|(sep, _)| cell.contains(*sep))
            .map(|(_, name)| name),
        _ => None,
    }
}

/// What to do with a file [`other_separator`] found separated by `name`, for messages: Excel
/// saves "CSV" with semicolons in much of Europe, and "Text (Tab delimited)" with tabs.
///
/// # Examples
/// ```
/// use covgap::read::columns::resave_with_commas;
/// assert!(resave_with_commas("semicolons (;)").contains("as Excel saves \"CSV\" in much of Europe"));
/// assert!(resave_with_commas("tabs").contains("as Excel saves \"Text (Tab delimited)\""));
/// ```
pub fn resave_with_commas(name: &str) -> String {
    let saved = if name == "tabs" {
        "as Excel saves \"Text (Tab delimited)\" and many programs export a table"
    } else {
        "as Excel saves \"CSV\" in much of Europe"
    };
    format!(
        "the file is separated by {name}, not commas, {saved}; save it again as \"CSV UTF-8 (Comma delimited)\", or export it with commas"
    )
}

/// How many fields a header or row has up to its last one that is not blank. Excel saves a
/// column once used, now empty, as empty fields at every row's end (`births,,`), which say
/// nothing of where a row's text ends: a row is longer than its header when its text runs
/// past the header's last named column, however many empty fields both carry.
///
/// # Examples
/// ```
/// use covgap::read::columns::width;
/// assert_eq!(width(["code", "births", "", " "]), 2);
/// assert_eq!(width(["E07000177", "1", "784", ""]), 3);
/// assert_eq!(width(["", ""]), 0);
/// ```
pub fn width<S: AsRef<str>>(cells: impl IntoIterator<Item = S>) -> usize {
    cells
        .into_iter()
        .enumerate()
        .filter(|(_, c)| !c.as_ref().trim().is_empty())
        .last()
        .map_or(0, |(i, _)| i + 1)
}

/// A list of headers for messages: `"code", "name", "births"`.
pub fn list(headers: &[String]) -> String {
    headers
        .iter()
        .map(|h| format!("{:?}", h.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `code` in upper case when it is of ONS's form (a letter and eight digits: `e07000179`) and
/// not already so.
///
/// ```text
/// e07000179 -> Some("E07000179")
/// E07000179, bhsct, oxford -> None
/// ```
pub(crate) fn ons_code_in_upper_case(code: &str) -> Option<String> {
    let b = code.as_bytes();
    (b.len() == 9 && b[0].is_ascii_lowercase() && b[1..].iter().all(u8::is_ascii_digit))
        .then(|| code.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_in_preference_order() {
        let h: Vec<String> = ["Name", "Code", "LAD24CD"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(find(&h, &["lad24cd", "code"]), Some(2));
        assert_eq!(find(&h, &["area code"]), None);
        assert_eq!(find_named(&h, "code"), Some(1));
    }
}
