//! Land beyond the districts given: whether a point just outside them lies across a land
//! border or off a generalised coast, judged by the built-in UK districts.
//!
//! A point (a small area's representative point, or a team base) outside every district given
//! but within [`COAST_TOLERANCE_M`](crate::load::COAST_TOLERANCE_M) of one is usually off a
//! coastline the boundaries generalise, and goes to the nearest district. With boundaries for
//! part of the UK (one county's districts, one nation) it may instead lie in a neighbouring
//! district across a land border, and putting it in the nearest district would count it where
//! it does not belong. The built-in districts cover the whole UK, so:
//! - a point inside a built-in district whose interior point lies outside every district
//!   given is **across a land border**: that district is not in the study area, and neither
//!   is the point;
//! - a point at sea by the built-in districts, or inside a built-in district whose interior
//!   point lies in a district given, is **off a generalised coast** (or between two
//!   generalisations of the same boundary), and goes to the nearest district as before.
//!
//! The built-in districts are ONS's ultra generalised boundaries (BUC, generalised to about
//! 500 m), so a point within a few hundred metres of a land border may be judged either way.
//! With the built-in boundaries themselves every built-in district is in the study area, and
//! nothing changes.

use std::sync::OnceLock;

use geo::{Coord, MapCoords};

use crate::builtin;
use crate::crs::Wgs84ToBng;
use crate::error::Diagnostics;
use crate::index::AreaIndex;
use crate::read::boundaries::{read_boundaries, BoundaryOptions};

/// The built-in districts on British National Grid: what every [`Land`] is judged by.
struct BuiltInDistricts {
    /// Code and name, in file order.
    names: Vec<(String, String)>,
    /// Each district's interior point (the rule every district point follows).
    interior: Vec<Option<Coord>>,
    index: AreaIndex,
}

/// Read once per process; `None` if the built-in boundaries cannot be read (they always can;
/// then every point is judged as before, off a coast).
fn built_in() -> Option<&'static BuiltInDistricts> {
    static DISTRICTS: OnceLock<Option<BuiltInDistricts>> = OnceLock::new();
    DISTRICTS
        .get_or_init(|| {
            let b = read_boundaries(
                &builtin::boundaries(),
                &BoundaryOptions::default(),
                &mut Diagnostics::new(),
            )
            .ok()?;
            let to_bng = Wgs84ToBng::new();
            let mut names = Vec::with_capacity(b.areas.len());
            let mut interior = Vec::with_capacity(b.areas.len());
            let mut areas = Vec::with_capacity(b.areas.len());
            for (i, raw) in b.areas.into_iter().enumerate() {
                let bng = raw.geometry.map_coords(|c| to_bng.apply(c));
                interior.push(crate::model::representative_point(&bng).map(Coord::from));
                names.push((raw.code, raw.name));
                areas.push((i, bng));
            }
            Some(BuiltInDistricts {
                names,
                interior,
                index: AreaIndex::new(areas),
            })
        })
        .as_ref()
}

/// The built-in districts, each marked in or out of the study area of one set of boundaries.
pub struct Land {
    /// Per built-in district: whether its interior point lies in a district given. Empty when
    /// the built-in districts could not be read.
    in_study: Vec<bool>,
}

/// A built-in district outside the study area, holding a point just outside the districts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Across(usize);

impl Across {
    /// The district's name and ONS code, as "Cotswold (E07000079)".
    pub fn district(self) -> String {
        match built_in().and_then(|b| b.names.get(self.0)) {
            Some((code, name)) => format!("{name} ({code})"),
            None => String::new(),
        }
    }
}

impl Land {
    /// Marks each built-in district in or out of the study area: `in_given` says whether a
    /// British National Grid point lies in a district given.
    ///
    /// # Examples
    /// ```
    /// use covgap::{analyse_inputs, assign::Assigner, error::Diagnostics, load::Inputs};
    /// use covgap::land::Land;
    /// let a = analyse_inputs(&Inputs::default(), &mut Diagnostics::new()).unwrap();
    /// let assigner = Assigner::new(&a.study, &a.coverage);
    /// // Only Cherwell (E07000177) is given: Banbury's neighbour across the border to the
    /// // north-west, Stratford-on-Avon, is outside the study area.
    /// let cherwell = a.study.areas.iter().position(|x| x.code == "E07000177").unwrap();
    /// let land = Land::new(|c| assigner.district_at_bng(c) == Some(cherwell));
    /// // Shenington is in Cherwell; Upper Tysoe, 2.5 km north-west and 0.8 km over the
    /// // county line, is in Stratford-on-Avon.
    /// assert_eq!(land.across_border(geo::coord! { x: 436_039., y: 241_811. }), None);
    /// let across = land.across_border(geo::coord! { x: 434_312., y: 243_667. }).unwrap();
    /// assert_eq!(across.district(), "Stratford-on-Avon (E07000221)");
    /// ```
    pub fn new(in_given: impl Fn(Coord) -> bool) -> Self {
        let in_study = match built_in() {
            Some(b) => b
                .interior
                .iter()
                .map(|p| p.is_some_and(&in_given))
                .collect(),
            None => Vec::new(),
        };
        Land { in_study }
    }

    /// The built-in district holding `bng` (British National Grid, metres) when that district
    /// is outside the study area: the point is across a land border. `None` when the point is
    /// at sea by the built-in districts, or in one of them that the boundaries given include.
    pub fn across_border(&self, bng: Coord) -> Option<Across> {
        let b = built_in()?;
        let i = b.index.locate(bng)?;
        (!self.in_study.get(i).copied().unwrap_or(true)).then_some(Across(i))
    }
}
