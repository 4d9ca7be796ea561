//! The model the analysis works on: areas with their demand figure and rollup keys, and
//! teams with the areas they cover and where they are based.

use geo::{Coord, MultiPolygon, Point, Polygon};

use crate::crs::Located;

/// The four UK nations, from the first letter of an ONS/GSS code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Nation {
    England,
    Wales,
    Scotland,
    NorthernIreland,
    /// A code that is not an ONS/GSS code.
    Unknown,
}

impl Nation {
    /// The four nations, in the order reports give them.
    pub const ALL: [Nation; 4] = [
        Nation::England,
        Nation::Wales,
        Nation::Scotland,
        Nation::NorthernIreland,
    ];

    /// # Examples
    /// ```
    /// use covgap::model::Nation;
    /// assert_eq!(Nation::from_code("W06000015"), Nation::Wales);
    /// assert_eq!(Nation::from_code("N09000003").name(), "Northern Ireland");
    /// // Only a code of ONS's form, a letter and eight digits, names its nation.
    /// assert_eq!(Nation::from_code("N1"), Nation::Unknown);
    /// assert_eq!(Nation::from_code("Select"), Nation::Unknown);
    /// ```
    pub fn from_code(code: &str) -> Nation {
        let digits = code.get(1..).unwrap_or("");
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Nation::Unknown;
        }
        match code.chars().next() {
            Some('E') => Nation::England,
            Some('W') => Nation::Wales,
            Some('S') => Nation::Scotland,
            Some('N') => Nation::NorthernIreland,
            _ => Nation::Unknown,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Nation::England => "England",
            Nation::Wales => "Wales",
            Nation::Scotland => "Scotland",
            Nation::NorthernIreland => "Northern Ireland",
            Nation::Unknown => "Unknown",
        }
    }

    /// ONS country code.
    pub fn code(self) -> &'static str {
        match self {
            Nation::England => "E92000001",
            Nation::Wales => "W92000004",
            Nation::Scotland => "S92000003",
            Nation::NorthernIreland => "N92000002",
            Nation::Unknown => "",
        }
    }
}

/// A named geography an area rolls up to (region, ICB, health board, ...).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Geography {
    pub code: String,
    pub name: String,
}

/// The geographies an area belongs to, from the built-in lookup (blank for unknown codes).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RollupKeys {
    /// English region.
    pub region: Option<Geography>,
    /// Upper-tier local authority.
    pub utla: Option<Geography>,
    /// Integrated Care Board (England).
    pub icb: Option<Geography>,
    /// Health board (Scotland, Wales) or Health and Social Care Trust (Northern Ireland).
    pub health_board: Option<Geography>,
    /// For a district split between ICBs, each ICB's part (`data/icb_shares.csv`), `icb`
    /// being the primary one among them; empty for an area wholly in one ICB (or in none).
    pub icb_parts: Vec<crate::icb::IcbPart>,
}

impl RollupKeys {
    /// Every ICB the area lies in, wholly or partly: a split district's parts' ICBs, in
    /// their order, else its ICB, if it has one.
    pub fn all_icbs(&self) -> Vec<&Geography> {
        if self.icb_parts.is_empty() {
            self.icb.iter().collect()
        } else {
            self.icb_parts.iter().map(|p| &p.icb).collect()
        }
    }

    /// The ICBs the area lies in, each with its part of `figure`: the ICB alone with all of
    /// it, or, for a district split between ICBs, every ICB it lies partly in with the
    /// figure shared out by [`crate::icb::apportion`] (the parts add up to `figure`).
    ///
    /// # Examples
    /// ```
    /// use covgap::model::{Geography, RollupKeys};
    /// let g = |c: &str| Geography { code: c.into(), name: c.into() };
    /// let mut keys = RollupKeys { icb: Some(g("E54000023")), ..Default::default() };
    /// assert_eq!(keys.icbs(100), [(&g("E54000023"), 100)]);
    /// keys.icb_parts = covgap::icb::parts_of("E07000244").to_vec(); // East Suffolk
    /// let parts: Vec<(&str, u64)> = keys.icbs(1_915).into_iter().map(|(g, n)| (g.code.as_str(), n)).collect();
    /// assert_eq!(parts, [("E54000022", 968), ("E54000023", 947)]);
    /// ```
    pub fn icbs(&self, figure: u64) -> Vec<(&Geography, u64)> {
        if self.icb_parts.is_empty() {
            return self.icb.iter().map(|g| (g, figure)).collect();
        }
        let weights: Vec<u64> = self.icb_parts.iter().map(|p| p.weight).collect();
        self.icb_parts
            .iter()
            .zip(crate::icb::apportion(figure, &weights))
            .map(|(p, n)| (&p.icb, n))
            .collect()
    }

    /// For a district split between ICBs, each ICB it lies in with its part of `figure` as
    /// [`RollupKeys::icbs`] shares it out (the ICB rows of the district run's `rollups.csv`),
    /// for the outputs that name one ICB per area: its primary ICB (`icb`, the one holding most
    /// of its 2021 LSOAs) first, then the others by largest part, so that it reads as "mostly
    /// in" the ICB the `icb` column names: `"NHS Suffolk and North East Essex Integrated Care
    /// Board (947); NHS Norfolk and Waveney Integrated Care Board (968)"`; the ICBs alone, in
    /// the same order, for an area with no figure; empty for an area wholly in one ICB or in
    /// none.
    ///
    /// # Examples
    /// ```
    /// use covgap::model::{Geography, RollupKeys};
    /// let icb = |code: &str, name: &str| Some(Geography { code: code.into(), name: name.into() });
    /// let mut keys = RollupKeys::default();
    /// assert_eq!(keys.icb_parts_words(Some(1_915)), "");
    /// // East Suffolk: most of its LSOAs are in Suffolk and North East Essex's ICB (E54000023),
    /// // most of its babies in Norfolk and Waveney's (E54000022).
    /// keys.icb = icb("E54000023", "NHS Suffolk and North East Essex Integrated Care Board");
    /// keys.icb_parts = covgap::icb::parts_of("E07000244").to_vec();
    /// assert_eq!(
    ///     keys.icb_parts_words(Some(1_915)),
    ///     "NHS Suffolk and North East Essex Integrated Care Board (947); NHS Norfolk and Waveney Integrated Care Board (968)"
    /// );
    /// assert_eq!(
    ///     keys.icb_parts_words(None),
    ///     "NHS Suffolk and North East Essex Integrated Care Board; NHS Norfolk and Waveney Integrated Care Board"
    /// );
    /// // North Yorkshire: Humber and North Yorkshire's, then West Yorkshire's 369 babies before
    /// // Lancashire and South Cumbria's 49, whose code (E54000048) sorts first.
    /// keys.icb = icb("E54000051", "NHS Humber and North Yorkshire Integrated Care Board");
    /// keys.icb_parts = covgap::icb::parts_of("E06000065").to_vec();
    /// assert_eq!(
    ///     keys.icb_parts_words(Some(4_917)),
    ///     "NHS Humber and North Yorkshire Integrated Care Board (4,500); NHS West Yorkshire Integrated Care Board (369); NHS Lancashire and South Cumbria Integrated Care Board (48)"
    /// );
    /// ```
    pub fn icb_parts_words(&self, figure: Option<u64>) -> String {
        if self.icb_parts.is_empty() {
            return String::new();
        }
        // Each part's ICB, its part of the figure and its weight, in the order of the parts
        // (which `icbs` shares the figure out in, ties to the first).
        let mut parts: Vec<(&Geography, Option<u64>, u64)> = match figure {
            Some(f) => self
                .icbs(f)
                .into_iter()
                .zip(&self.icb_parts)
                .map(|((g, n), p)| (g, Some(n), p.weight))
                .collect(),
            None => self
                .icb_parts
                .iter()
                .map(|p| (&p.icb, None, p.weight))
                .collect(),
        };
        let primary = self.icb.as_ref().map(|g| g.code.as_str());
        parts.sort_by_key(|&(g, n, weight)| {
            (
                Some(g.code.as_str()) != primary,
                std::cmp::Reverse(n),
                std::cmp::Reverse(weight),
                g.code.as_str(),
            )
        });
        parts
            .into_iter()
            .map(|(g, n, _)| match n {
                Some(n) => format!("{} ({})", g.name, crate::write::thousands(n)),
                None => g.name.clone(),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The ICBs a small area of the area lies in, by its LSOA 2011 or 2021 `code`, each with
    /// its part of `figure`: for a district split between ICBs, the one ICB
    /// `data/icb_small_areas.csv` puts the small area in, with all of it, or, when its code is
    /// not there, every part as [`RollupKeys::icbs`] shares it out; otherwise as
    /// [`RollupKeys::icbs`].
    ///
    /// # Examples
    /// ```
    /// use covgap::model::RollupKeys;
    /// let keys = RollupKeys {
    ///     icb_parts: covgap::icb::parts_of("E07000244").to_vec(), // East Suffolk
    ///     ..Default::default()
    /// };
    /// let codes = |v: Vec<(&covgap::model::Geography, u64)>| {
    ///     v.into_iter().map(|(g, n)| (g.code.clone(), n)).collect::<Vec<_>>()
    /// };
    /// // East Suffolk 010A lies in Norfolk and Waveney's ICB.
    /// assert_eq!(codes(keys.small_area_icbs(40, "E01030223")), [("E54000022".to_string(), 40)]);
    /// // A code not in the table is shared out as the district is.
    /// assert_eq!(codes(keys.small_area_icbs(40, "X")).len(), 2);
    /// ```
    pub fn small_area_icbs(&self, figure: u64, code: &str) -> Vec<(&Geography, u64)> {
        let own = crate::icb::small_area_icb(code)
            .and_then(|icb| self.icb_parts.iter().find(|p| p.icb.code == icb));
        match own {
            Some(p) => vec![(&p.icb, figure)],
            None => self.icbs(figure),
        }
    }
}

/// One area (a local authority district by default).
#[derive(Debug, Clone)]
pub struct Area {
    pub code: String,
    pub name: String,
    pub nation: Nation,
    pub keys: RollupKeys,
    /// The demand figure; `None` when the table had none or suppressed it.
    pub figure: Option<u64>,
    pub wgs84: MultiPolygon,
    /// The same geometry on British National Grid, for measuring.
    pub bng: MultiPolygon,
    /// The representative point: a point inside the area from which distances are measured,
    /// by [`representative_point`] on British National Grid (or, with small areas, their
    /// figure-weighted centroid; see [`crate::small_areas`]).
    pub point: Located,
}

/// An area's representative point: the same point GEOS's `PointOnSurface` (JTS
/// `InteriorPointArea`) gives for polygons, and so the same as GeoPandas's
/// `representative_point()` and QGIS's "point on surface". A horizontal scan line is drawn
/// midway between the vertices nearest above and below the middle of each polygon's extent;
/// the point is the middle of the widest stretch of that line inside the polygon, taking the
/// widest over all polygons (the first on a tie). `None` for an empty or zero-area geometry.
///
/// # Examples
/// ```
/// use geo::{polygon, MultiPolygon};
/// let l = polygon![(x: 0., y: 0.), (x: 4., y: 0.), (x: 4., y: 1.), (x: 1., y: 1.), (x: 1., y: 4.), (x: 0., y: 4.)];
/// let p = covgap::model::representative_point(&MultiPolygon::new(vec![l])).unwrap();
/// // Middle of the extent is y = 2; the nearest vertices are at y = 1 and y = 4.
/// assert_eq!((p.x(), p.y()), (0.5, 2.5));
/// ```
pub fn representative_point(mp: &MultiPolygon) -> Option<Point> {
    let mut best: Option<(f64, Coord)> = None;
    for poly in &mp.0 {
        let rings: Vec<&geo::LineString> = std::iter::once(poly.exterior())
            .chain(poly.interiors())
            .collect();
        let ext = poly.exterior();
        if ext.0.is_empty() {
            continue;
        }
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for c in &ext.0 {
            lo = lo.min(c.y);
            hi = hi.max(c.y);
        }
        let centre = (lo + hi) / 2.0;
        for r in &rings {
            for c in &r.0 {
                let y = c.y;
                if y <= centre {
                    if y > lo {
                        lo = y;
                    }
                } else if y < hi {
                    hi = y;
                }
            }
        }
        let scan = (hi + lo) / 2.0;
        let mut crossings: Vec<f64> = Vec::new();
        for r in &rings {
            let (mut rmin, mut rmax) = (f64::INFINITY, f64::NEG_INFINITY);
            for c in &r.0 {
                rmin = rmin.min(c.y);
                rmax = rmax.max(c.y);
            }
            if scan < rmin || scan > rmax {
                continue;
            }
            for w in r.0.windows(2) {
                let (p0, p1) = (w[0], w[1]);
                if (p0.y > scan && p1.y > scan) || (p0.y < scan && p1.y < scan) {
                    continue;
                }
                if p0.y == p1.y || (p0.y == scan && p1.y < scan) || (p1.y == scan && p0.y < scan) {
                    continue;
                }
                let x = if p0.x == p1.x {
                    p0.x
                } else {
                    let m = (p1.y - p0.y) / (p1.x - p0.x);
                    p0.x + (scan - p0.y) / m
                };
                crossings.push(x);
            }
        }
        let mut width = 0.0;
        let mut point = ext.0[0];
        crossings.sort_by(f64::total_cmp);
        for pair in crossings.chunks_exact(2) {
            let w = pair[1] - pair[0];
            if w > width {
                width = w;
                point = Coord {
                    x: (pair[0] + pair[1]) / 2.0,
                    y: scan,
                };
            }
        }
        if best.is_none_or(|(bw, _)| width > bw) {
            best = Some((width, point));
        }
    }
    best.filter(|(w, _)| *w > 0.0).map(|(_, c)| Point::from(c))
}

/// Which demand figure is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Measure {
    /// Live births in a year.
    Births,
    /// Population aged under 1 (aged 0).
    Age0,
}

impl Measure {
    /// The property and column name used in outputs.
    pub fn key(self) -> &'static str {
        match self {
            Measure::Births => "births",
            Measure::Age0 => "age0",
        }
    }

    /// Words for briefings.
    pub fn describe(self) -> &'static str {
        match self {
            Measure::Births => "live births",
            Measure::Age0 => "population aged 0",
        }
    }
}

/// The demand figure, and where it came from.
#[derive(Debug, Clone)]
pub struct Demand {
    pub measure: Measure,
    pub period: String,
    pub source: String,
    /// The column of the figures table that was read; `None` when no figures were read, or
    /// when several tables were (each is in `files`).
    pub column: Option<FigureColumn>,
    /// Each of the user's figures tables (`--births`), in the order given; empty with the
    /// built-in figures.
    pub files: Vec<FiguresFile>,
    /// Whether the figures were summed into areas of another geography (ICBs) with districts
    /// split between ICBs shared out by `data/icb_shares.csv`.
    pub shared_by_icb: bool,
}

/// One of the user's figures tables, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiguresFile {
    /// The path as given.
    pub path: String,
    /// The workbook sheet read; `None` for CSV.
    pub sheet: Option<String>,
    /// The header of the column the areas were found by: their codes, or their names when
    /// `by_name` (a table with no code column).
    pub code_column: String,
    pub by_name: bool,
    pub column: FigureColumn,
    /// How many of the areas given it has a row for (after adding up abolished districts).
    pub areas: usize,
}

/// How the figures' column was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnChoice {
    /// The built-in table's column for the measure.
    BuiltIn,
    /// Named with `--births-column`.
    Flag,
    /// Found by a header that names the figure (`Live births`, `age_0`, ...).
    Recognised,
    /// Found by a generic header (`count`, `value`, `total`, ...), which could hold anything.
    Generic,
}

impl ColumnChoice {
    /// The key `run.json` gives.
    pub fn key(self) -> &'static str {
        match self {
            ColumnChoice::BuiltIn => "built_in",
            ColumnChoice::Flag => "named_by_flag",
            ColumnChoice::Recognised => "recognised_header",
            ColumnChoice::Generic => "generic_header",
        }
    }
}

/// The column of the figures table that was read, and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureColumn {
    /// The header as the table gives it.
    pub header: String,
    pub chosen_by: ColumnChoice,
}

impl FigureColumn {
    /// In words, for `summary.md`: `column "Total" (a generic header, ...)`.
    ///
    /// # Examples
    /// ```
    /// use covgap::model::{ColumnChoice, FigureColumn};
    /// let c = FigureColumn { header: "Live births".into(), chosen_by: ColumnChoice::Recognised };
    /// assert_eq!(c.describe(), r#"column "Live births" (found by its header)"#);
    /// ```
    pub fn describe(&self) -> String {
        let how = match self.chosen_by {
            ColumnChoice::BuiltIn => "of the built-in table",
            ColumnChoice::Flag => "(named with --births-column)",
            ColumnChoice::Recognised => "(found by its header)",
            ColumnChoice::Generic => {
                "(a generic header, taken as the figure because no column names it: check that it holds the figure)"
            }
        };
        format!("column {:?} {how}", self.header)
    }
}

/// How precisely a team's base is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// Latitude/longitude or easting/northing given in the list.
    Coordinates,
    /// A full postcode's location from the ONS Postcode Directory.
    Postcode,
    /// The centroid of a postcode district (e.g. OX5).
    PostcodeDistrict,
}

impl Precision {
    pub fn key(self) -> &'static str {
        match self {
            Precision::Coordinates => "coordinates",
            Precision::Postcode => "postcode",
            Precision::PostcodeDistrict => "postcode_district",
        }
    }
}

/// Where a team is based.
#[derive(Debug, Clone)]
pub struct Base {
    pub at: Located,
    pub precision: Precision,
    /// What the list gave: a postcode, district or coordinates as text.
    pub given: String,
}

/// One team from the list.
#[derive(Debug, Clone)]
pub struct Team {
    pub name: String,
    pub host_org: String,
    pub evidence: Option<String>,
    /// Whether the team counts as coverage under the evidence rule.
    pub counted: bool,
    /// Areas the list says it serves (indices into the study's areas).
    pub areas_served: Vec<usize>,
    /// Areas it covers: those served, or the area holding its base when none are listed.
    pub covers: Vec<usize>,
    /// The built-in districts (current codes) it serves that are not areas of the boundaries
    /// given nor in one: measured to as the areas it covers are ([`Study::distance_targets`]).
    pub outside: Vec<String>,
    /// The districts made since the boundaries were drawn that it serves through the old
    /// districts given (current codes): the rest of each, outside them, is measured to.
    pub outside_rest: Vec<String>,
    pub base: Option<Base>,
    /// The area holding the base.
    pub host_area: Option<usize>,
    pub source_url: String,
    pub last_evidence: String,
    /// Line in the team list.
    pub line: u64,
}

/// Something distances to the nearest team are measured to ([`Study::distance_targets`]).
#[derive(Debug, Clone)]
pub struct DistanceTarget {
    /// The team named for it, by its number as [`Study::team_name`] takes it.
    pub team: usize,
    /// On British National Grid.
    pub geometry: MultiPolygon,
    /// A built-in district (or the part of one) outside the areas given, rather than a
    /// covered area: a point outside every area given but inside it is 0 km from its team.
    pub outside: bool,
}

/// The share of a built-in district the areas given may hold for it still to count as outside
/// them, in [`Study::distance_targets`]: a neighbour drawn by another generalisation overlaps
/// them a little along the border.
pub const OUTSIDE_GIVEN: f64 = 0.05;
/// The share of a district made since the boundaries were drawn that its old districts given
/// may hold for the rest still to be measured to: all of them given hold nearly all of it
/// (drawn by another generalisation, not all).
pub const OVERLAP_GIVEN: f64 = 0.9;

/// A team in the list that serves only areas outside the boundaries given (or names none and
/// is based outside them): it covers none of the areas given, but an area's nearest team may
/// be one of these, so the team outputs list it too, marked as outside.
#[derive(Debug, Clone)]
pub struct TeamBeyond {
    pub name: String,
    pub host_org: String,
    pub evidence: Option<String>,
    /// Whether it counts under the evidence rule: only then is it measured to.
    pub counted: bool,
    /// The built-in districts (current codes) it serves, or the one holding its base: what
    /// distances to it are measured to, as the built-in boundaries draw them. Empty when
    /// covgap cannot tell.
    pub serves: Vec<String>,
    /// Whether `serves` is the district holding its base, the list naming no built-in
    /// district it serves.
    pub by_base: bool,
    /// Where it is based, if the list says: under `plan --radius`, a base outside the
    /// boundaries reaches areas inside them as any team's does.
    pub base: Option<Base>,
    pub source_url: String,
    pub last_evidence: String,
    /// Line in the team list.
    pub line: u64,
}

impl TeamBeyond {
    /// The districts the list says it serves (current codes), as `areas_served` gives them
    /// in the team outputs: none when it names none (`serves` is then where its base is).
    pub fn areas_served(&self) -> &[String] {
        if self.by_base {
            &[]
        } else {
            &self.serves
        }
    }

    /// The team as a fixed site for `plan`: serving no area given, based where it is.
    pub fn as_team(&self) -> Team {
        Team {
            name: self.name.clone(),
            host_org: self.host_org.clone(),
            evidence: self.evidence.clone(),
            counted: self.counted,
            areas_served: Vec::new(),
            covers: Vec::new(),
            outside: self.serves.clone(),
            outside_rest: Vec::new(),
            base: self.base.clone(),
            host_area: None,
            source_url: self.source_url.clone(),
            last_evidence: self.last_evidence.clone(),
            line: self.line,
        }
    }
}

/// A built-in district holding areas given that are smaller than it: "a team in this
/// district" counts, as `run` counts a team serving it, for every area lying in it.
#[derive(Debug, Clone, PartialEq)]
pub struct HoldingDistrict {
    /// The current district's code and ONS name.
    pub code: String,
    pub name: String,
    /// Its representative point by the built-in boundaries, where the district plan places a
    /// candidate for it too.
    pub point: Located,
    /// The areas given lying in it (indices into [`Study::areas`]), ascending.
    pub areas: Vec<usize>,
}

/// The geographies the areas give whole ([`crate::load::whole_geographies`]), found once when
/// the study is loaded: only they have a row of their own when the areas are part of the UK.
#[derive(Debug, Clone, Default)]
pub struct Whole {
    /// The geographies given whole, by code.
    pub geographies: std::collections::HashSet<String>,
    /// Whether the built-in 2011 small areas were read to find them (for `run.json`).
    pub read_small_areas: bool,
    /// Whether the built-in 2021 small areas were read to find them (for `run.json`).
    pub read_small_areas_2021: bool,
}

/// Everything the analysis needs, read and checked.
#[derive(Debug, Clone)]
pub struct Study {
    /// Areas in code order.
    pub areas: Vec<Area>,
    /// Whether the areas are the whole UK (every built-in district, or the UK's land in
    /// another geography; [`crate::land::covers_uk`]): the total is then "United Kingdom",
    /// otherwise "All areas given".
    pub whole_uk: bool,
    /// With the areas part of the UK, the geographies they give whole; empty (and not looked
    /// for) when they are the whole UK, every geography of which has its row.
    pub whole: Whole,
    /// Whether every area is a built-in district (by its current code, or one abolished
    /// since 2019): the words of `plan.md` call the areas districts then, and areas
    /// otherwise (HSC trusts, ICBs, LSOAs as boundaries).
    pub areas_are_districts: bool,
    /// Whether some team counts for the areas lying in the districts it serves, or in the
    /// district holding its base: areas smaller than districts given as boundaries.
    pub lying_in: bool,
    /// The built-in districts the areas given are drawn in, when they are smaller than
    /// districts (LSOAs, wards, Data Zones as boundaries), in code order: `plan`'s default
    /// candidate sites under the district model. Empty for district boundaries.
    pub holding_districts: Vec<HoldingDistrict>,
    /// Teams in list order.
    pub teams: Vec<Team>,
    /// Teams in the list left out because they serve only areas outside the boundaries given
    /// (or name none and are based outside them): they cover none of the areas, but the
    /// counted ones are measured to, through the built-in districts they serve, and the team
    /// outputs list them, marked ([`crate::write::teams::records`]).
    pub beyond: Vec<TeamBeyond>,
    /// Whether the team list was read. When it could not be (a postcode directory it needs
    /// unreadable, a quote left open), its error is recorded in the diagnostics, `teams` is
    /// empty and `run` stops; `check` goes on, and says the teams were not read rather than
    /// that the list has none.
    pub team_list_read: bool,
    pub demand: Demand,
    /// Which teams count, in words.
    pub evidence_rule: String,
    /// Sources of each input, in words, for reports.
    pub sources: Sources,
}

impl Study {
    /// The name of nearest team `t` ([`crate::coverage::Nearest::team`]): one of `teams`, or,
    /// from `teams.len()` on, one of `beyond`.
    pub fn team_name(&self, t: usize) -> &str {
        match self.teams.get(t) {
            Some(team) => &team.name,
            None => &self.beyond[t - self.teams.len()].name,
        }
    }

    /// Everything distances to the nearest team are measured to, in code order, each with the
    /// team named for it (by its number as [`Study::team_name`] takes it), its geometry on
    /// British National Grid, and whether it lies outside the areas given: every covered area
    /// (`first_team` gives the first counted team covering area `i`, in list order), and every
    /// built-in district outside the boundaries given that a counted team serves (a team of the
    /// study besides its areas, or one of `beyond`), drawn as the built-in boundaries draw it,
    /// with the first such team in list order. A district's nearest team is then the one it
    /// has with the whole UK given, ties (a corner two covered districts share) going to the
    /// lower code as there.
    ///
    /// Only what lies outside the areas given is measured to: a district the areas given cover
    /// (small areas, wards or other areas drawn inside it, [`OUTSIDE_GIVEN`] or more of it) is
    /// left out, as coverage leaves it; one they cover in part (a district made since older
    /// boundaries were drawn, some of whose old districts are given) is cut to the rest, less
    /// slivers under 1% of it where the two drawings differ.
    pub fn distance_targets(
        &self,
        first_team: impl Fn(usize) -> Option<usize>,
    ) -> Vec<DistanceTarget> {
        // By code: the list line and number of the first team serving it, and whether only
        // its rest, outside old districts given, is outside.
        let mut outside: std::collections::BTreeMap<&str, (u64, usize, bool)> = Default::default();
        let kept = self
            .teams
            .iter()
            .enumerate()
            .filter(|(_, t)| t.counted)
            .flat_map(|(k, t)| {
                let whole = t
                    .outside
                    .iter()
                    .map(move |c| (c.as_str(), t.line, k, false));
                let rest = t
                    .outside_rest
                    .iter()
                    .map(move |c| (c.as_str(), t.line, k, true));
                whole.chain(rest)
            });
        let beyond = self
            .beyond
            .iter()
            .enumerate()
            .filter(|(_, b)| b.counted)
            .flat_map(|(k, b)| {
                let t = self.teams.len() + k;
                b.serves.iter().map(move |c| (c.as_str(), b.line, t, false))
            });
        for (code, line, t, rest) in kept.chain(beyond) {
            let e = outside.entry(code).or_insert((line, t, rest));
            if line < e.0 {
                *e = (line, t, rest);
            }
        }
        let mut targets: Vec<(&str, DistanceTarget)> = self
            .areas
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                first_team(i).map(|team| {
                    (
                        a.code.as_str(),
                        DistanceTarget {
                            team,
                            geometry: a.bng.clone(),
                            outside: false,
                        },
                    )
                })
            })
            .collect();
        if !outside.is_empty() {
            let given = crate::index::AreaIndex::new(
                self.areas
                    .iter()
                    .enumerate()
                    .map(|(i, a)| (i, a.bng.clone()))
                    .collect(),
            );
            targets.extend(outside.into_iter().filter_map(|(code, (_, team, rest))| {
                let g = self.outside_part(crate::land::built_in_reach([code]), &given, rest)?;
                Some((
                    code,
                    DistanceTarget {
                        team,
                        geometry: g,
                        outside: true,
                    },
                ))
            }));
        }
        targets.sort_by(|a, b| a.0.cmp(b.0));
        targets.into_iter().map(|(_, t)| t).collect()
    }

    /// The part of built-in district `g` outside the areas given (`given` indexes them), for
    /// [`Study::distance_targets`]: all of it when they hold almost none of it; for a district
    /// the team serves through old districts given (`rest`), what they leave of it; `None`
    /// otherwise (areas drawn inside it, such as small areas, that coverage does not give the
    /// team: measured to, they would be 0 km from a team that does not cover them).
    fn outside_part(
        &self,
        g: MultiPolygon,
        given: &crate::index::AreaIndex,
        rest: bool,
    ) -> Option<MultiPolygon> {
        use geo::{Area as _, BooleanOps, BoundingRect, Contains, Intersects};
        let r = g.bounding_rect()?;
        // The share of a grid of points over it that the areas given hold.
        let (mut inside, mut held) = (0usize, 0usize);
        for c in crate::land::grid(r, 24) {
            if g.contains(&Point::from(c)) {
                inside += 1;
                held += usize::from(given.locate(c).is_some());
            }
        }
        let share = if inside == 0 {
            0.0
        } else {
            held as f64 / inside as f64
        };
        // An area given whose point lies in it is drawn inside it (a small area in its
        // district): coverage does not give it the team, so the district is not outside.
        let holds_a_point = || {
            self.areas
                .iter()
                .any(|a| r.intersects(&a.point.bng) && g.contains(&a.point.bng))
        };
        if !rest && holds_a_point() {
            return None;
        }
        if held == 0 || (!rest && share < OUTSIDE_GIVEN) {
            return Some(g);
        }
        if !rest || share >= OVERLAP_GIVEN {
            return None;
        }
        let near: Vec<Polygon> = self
            .areas
            .iter()
            .filter(|a| a.bng.intersects(&r))
            .flat_map(|a| a.bng.0.iter().cloned())
            .collect();
        let whole = g.unsigned_area();
        let rest = g.difference(&MultiPolygon::new(near));
        let parts: Vec<Polygon> = rest
            .0
            .into_iter()
            .filter(|p| p.unsigned_area() >= 0.01 * whole)
            .collect();
        (!parts.is_empty()).then(|| MultiPolygon::new(parts))
    }

    /// The code and name of the total over every area: the UK's, or none and "All areas
    /// given" for boundaries covering part of it.
    pub fn total_geography(&self) -> Geography {
        if self.whole_uk {
            Geography {
                code: "K02000001".into(),
                name: "United Kingdom".into(),
            }
        } else {
            Geography {
                code: String::new(),
                name: "All areas given".into(),
            }
        }
    }
}

/// Where each input came from, for the outputs' notes.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub boundaries: String,
    pub boundaries_crs: String,
    pub teams: String,
    pub postcodes: Option<String>,
}
