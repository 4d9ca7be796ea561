//! The UK dataset built into the binary, so that `covgap run` works anywhere with no
//! arguments. The files live in `data/` and are made by `scripts/prepare_data.py`; their
//! sources, periods and licences are in `data/SOURCES.md`.

use crate::read::Input;

/// Local Authority Districts (May 2024) UK BUC, WGS84, properties `LAD24CD`, `LAD24NM`.
pub fn boundaries() -> Input {
    Input::BuiltIn {
        label: "built-in boundaries (data/boundaries/lad_may2024_uk_buc.geojson)",
        text: include_str!("../data/boundaries/lad_may2024_uk_buc.geojson"),
    }
}

/// One row per district: names, rollup keys, births and population aged 0.
pub fn areas() -> Input {
    Input::BuiltIn {
        label: "built-in areas (data/areas.csv)",
        text: include_str!("../data/areas.csv"),
    }
}

/// The compiled team list with resolved area codes and geocoded bases.
pub fn teams() -> Input {
    Input::BuiltIn {
        label: "built-in teams (data/teams.csv)",
        text: include_str!("../data/teams.csv"),
    }
}

/// Postcode district centroids (ONS Postcode Directory, November 2025).
pub fn outcodes() -> Input {
    Input::BuiltIn {
        label: "built-in postcode districts (data/outcodes.csv)",
        text: include_str!("../data/outcodes.csv"),
    }
}

/// Districts abolished on 1 April 2023 and the district that replaced each (ONS LAD22 to
/// LAD23 lookup): `old_code,old_name,new_code,new_name,since`.
pub fn successors() -> Input {
    Input::BuiltIn {
        label: "built-in successors (data/successors.csv)",
        text: include_str!("../data/successors.csv"),
    }
}

/// Period and source of the built-in births figures.
pub const BIRTHS_PERIOD: &str = "1 July 2019 to 30 June 2020";
pub const BIRTHS_SOURCE: &str = "ONS mid-year population estimates, components of change (mid-2020 release), births by local authority";
/// Period and source of the built-in population aged 0.
pub const AGE0_PERIOD: &str = "mid-2022 (30 June 2022)";
pub const AGE0_SOURCE: &str =
    "ONS mid-year population estimates, mid-2022, population aged 0 by local authority";
/// The boundary vintage.
pub const BOUNDARIES_SOURCE: &str = "ONS Local Authority Districts (May 2024) Boundaries UK BUC";
/// The team list.
pub const TEAMS_SOURCE: &str = "covgap's team list compiled from public sources (not the Parent-Infant Foundation's own list; incomplete)";

/// Need score per district: share of small areas in the nation's most deprived decile.
pub fn deprivation() -> Input {
    Input::BuiltIn {
        label: "built-in deprivation (data/deprivation.csv)",
        text: include_str!("../data/deprivation.csv"),
    }
}

/// Districts split between ICBs: each ICB's part, weighted by its babies (population aged 0 at
/// mid-2020): `code,name,icb_code,icb_name,age0_mid2020,share` (see [`crate::icb`]).
pub fn icb_shares() -> Input {
    Input::BuiltIn {
        label: "built-in ICB shares (data/icb_shares.csv)",
        text: include_str!("../data/icb_shares.csv"),
    }
}

/// The ICB of each small area (LSOA 2011 and 2021 codes) of the districts split between
/// ICBs: `code,icb_code`.
pub fn icb_small_areas() -> Input {
    Input::BuiltIn {
        label: "built-in ICBs of small areas (data/icb_small_areas.csv)",
        text: include_str!("../data/icb_small_areas.csv"),
    }
}

/// Every 2011 small area of England and Wales (LSOA 2011, `E01…`, `W01…`) and Scotland (Data
/// Zone 2011, `S01…`), as runs of consecutive codes, `first,last`, both included: boundaries
/// holding all of a nation's are the whole nation ([`crate::load::whole_geographies`]).
/// Northern Ireland has none here.
pub fn small_areas_2011() -> Input {
    Input::BuiltIn {
        label: "built-in 2011 small areas (data/small_areas_2011.csv)",
        text: include_str!("../data/small_areas_2011.csv"),
    }
}

/// Every 2021 small area of England and Wales (LSOA 2021, `E01…`, `W01…`; many codes shared with
/// 2011, not all), in the form of [`small_areas_2011`]: boundaries holding all of a nation's are
/// the whole nation too ([`crate::load::whole_geographies`]). Scotland's Data Zones 2022 and
/// Northern Ireland's small areas are not here.
pub fn small_areas_2021() -> Input {
    Input::BuiltIn {
        label: "built-in 2021 small areas (data/small_areas_2021.csv)",
        text: include_str!("../data/small_areas_2021.csv"),
    }
}
