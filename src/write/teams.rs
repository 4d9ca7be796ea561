//! The teams every team output lists (`teams.geojson`, the GeoPackage's `teams` layer, the
//! map's team bases): the study's teams and those serving only areas outside the boundaries
//! given ([`Study::beyond`]), in list order, so that every nearest team an output names can
//! be found among them. Those outside are marked (`outside_boundaries`): they cover none of
//! the areas given.

use crate::model::{Base, Study};

/// One team as the team outputs give it.
#[derive(Debug, Clone)]
pub struct TeamRecord<'a> {
    pub name: &'a str,
    pub host_org: &'a str,
    pub evidence: Option<&'a str>,
    /// Whether it counts under the evidence rule. One outside the boundaries that does covers
    /// none of the areas given, but is measured to through the districts it serves.
    pub counted: bool,
    /// Codes of the areas it serves, `;`-separated: the areas given it serves, then the
    /// built-in districts it names outside the boundaries (current codes), so that a team
    /// kept for part of its footprint still shows the rest.
    pub areas_served: String,
    /// Codes of the areas given that it covers, `;`-separated: none for a team outside.
    pub covers: String,
    /// The area given that holds its base: code and name.
    pub host_area: Option<(&'a str, &'a str)>,
    pub base: Option<&'a Base>,
    pub source_url: &'a str,
    pub last_evidence: &'a str,
    /// It serves only areas outside the boundaries given.
    pub outside_boundaries: bool,
    /// Line in the team list.
    pub line: u64,
}

/// Every team of `study` the team outputs list, in list order: the teams kept, and those
/// serving only areas outside the boundaries given.
///
/// # Examples
/// ```
/// use covgap::{analyse_inputs, error::Diagnostics, load::Inputs};
/// let a = analyse_inputs(&Inputs::default(), &mut Diagnostics::new()).unwrap();
/// let teams = covgap::write::teams::records(&a.study);
/// // The built-in boundaries are the whole UK: no team lies outside them.
/// assert_eq!(teams.len(), a.study.teams.len());
/// assert!(teams.iter().all(|t| !t.outside_boundaries));
/// ```
pub fn records(study: &Study) -> Vec<TeamRecord<'_>> {
    let codes = |ix: &[usize]| {
        ix.iter()
            .map(|&i| study.areas[i].code.as_str())
            .collect::<Vec<_>>()
            .join(";")
    };
    let kept = study.teams.iter().map(|t| TeamRecord {
        name: &t.name,
        host_org: &t.host_org,
        evidence: t.evidence.as_deref(),
        counted: t.counted,
        areas_served: t
            .areas_served
            .iter()
            .map(|&i| study.areas[i].code.as_str())
            .chain(t.outside.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(";"),
        covers: codes(&t.covers),
        host_area: t.host_area.map(|i| {
            let a = &study.areas[i];
            (a.code.as_str(), a.name.as_str())
        }),
        base: t.base.as_ref(),
        source_url: &t.source_url,
        last_evidence: &t.last_evidence,
        outside_boundaries: false,
        line: t.line,
    });
    let beyond = study.beyond.iter().map(|b| TeamRecord {
        name: &b.name,
        host_org: &b.host_org,
        evidence: b.evidence.as_deref(),
        counted: b.counted,
        areas_served: b.areas_served().join(";"),
        covers: String::new(),
        host_area: None,
        base: b.base.as_ref(),
        source_url: &b.source_url,
        last_evidence: &b.last_evidence,
        outside_boundaries: true,
        line: b.line,
    });
    let mut all: Vec<TeamRecord> = kept.chain(beyond).collect();
    // Stable: the teams kept are in list order already.
    all.sort_by_key(|t| t.line);
    all
}
