//! Districts split between Integrated Care Boards.
//!
//! No official district-to-ICB lookup exists, and 12 English districts lie partly in two ICBs
//! (North Yorkshire in three). The built-in lookup (`data/areas.csv`) gives each district one
//! ICB, its *primary* one (holding most of its 2021 LSOAs), which `gaps.csv` and the other
//! per-district outputs keep. The ICB totals instead split such a district between its ICBs:
//! - its figure is shared out in proportion to the babies (population aged 0 at mid-2020)
//!   of its part in each ICB (`data/icb_shares.csv`), as whole babies by largest remainder
//!   ([`apportion`]), so the parts add up to the district's figure exactly;
//! - each part counts as a district of its ICB (`areas_total`), covered when the district is;
//! - a small area (`--small-areas`) goes to the ICB its LSOA lies in
//!   (`data/icb_small_areas.csv`, by LSOA 2011 or 2021 code), or, when its code is not
//!   there, is shared out as the district is;
//! - `covgap plan --by icb` gives each ICB a district lies partly in a team when the district
//!   is covered, and a site covering it gives each of them one;
//! - with ICBs as the boundaries, a team serving the district counts for each ICB given that
//!   it lies partly in, and the built-in figures summed into the ICBs share its figure out as
//!   above (`crate::load`); with districts for part of England, an ICB has a total of its own
//!   only when every district lying wholly or partly in it is given
//!   ([`crate::load::whole_geographies`]).
//!
//! Both tables are made by `scripts/prepare_data.py` (see `data/SOURCES.md`).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::builtin;
use crate::model::Geography;
use crate::read::Input;

/// One ICB's part of a district split between ICBs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcbPart {
    pub icb: Geography,
    /// The part's babies (population aged 0 at mid-2020), the weight its share of the
    /// district's figure is worked out from.
    pub weight: u64,
}

#[derive(serde::Deserialize)]
struct ShareRow {
    code: String,
    icb_code: String,
    icb_name: String,
    age0_mid2020: u64,
}

#[derive(serde::Deserialize)]
struct SmallAreaRow {
    code: String,
    icb_code: String,
}

fn text(input: Input) -> &'static str {
    input.built_in_text().expect("built in")
}

/// The ICB parts of each split district, by district code, in ICB code order.
fn shares() -> &'static HashMap<String, Vec<IcbPart>> {
    static SHARES: OnceLock<HashMap<String, Vec<IcbPart>>> = OnceLock::new();
    SHARES.get_or_init(|| {
        let mut r = csv::Reader::from_reader(text(builtin::icb_shares()).as_bytes());
        let mut out: HashMap<String, Vec<IcbPart>> = HashMap::new();
        for row in r.deserialize::<ShareRow>() {
            let row = row.expect("data/icb_shares.csv is made by scripts/prepare_data.py");
            out.entry(row.code).or_default().push(IcbPart {
                icb: Geography {
                    code: row.icb_code,
                    name: row.icb_name,
                },
                weight: row.age0_mid2020,
            });
        }
        out
    })
}

/// The ICBs built-in district `code` is split between, with each part's weight; empty for a
/// district wholly in one ICB (or any other code).
///
/// # Examples
/// ```
/// let parts = covgap::icb::parts_of("E07000244"); // East Suffolk
/// let codes: Vec<&str> = parts.iter().map(|p| p.icb.code.as_str()).collect();
/// assert_eq!(codes, ["E54000022", "E54000023"]); // Norfolk and Waveney, Suffolk and NE Essex
/// assert!(covgap::icb::parts_of("E07000178").is_empty()); // Oxford: one ICB
/// ```
pub fn parts_of(code: &str) -> &'static [IcbPart] {
    shares().get(code).map_or(&[], Vec::as_slice)
}

/// The ICB code of a small area of a split district, by its LSOA 2011 or 2021 code.
///
/// # Examples
/// ```
/// assert_eq!(covgap::icb::small_area_icb("E01030223"), Some("E54000022")); // East Suffolk 010A
/// assert_eq!(covgap::icb::small_area_icb("E01028531"), None); // Oxford 019B: not split
/// ```
pub fn small_area_icb(code: &str) -> Option<&'static str> {
    static SMALL: OnceLock<HashMap<String, String>> = OnceLock::new();
    SMALL
        .get_or_init(|| {
            let mut r = csv::Reader::from_reader(text(builtin::icb_small_areas()).as_bytes());
            r.deserialize::<SmallAreaRow>()
                .map(|row| {
                    let row =
                        row.expect("data/icb_small_areas.csv is made by scripts/prepare_data.py");
                    (row.code, row.icb_code)
                })
                .collect()
        })
        .get(code)
        .map(String::as_str)
}

/// `total` shared out in proportion to `weights`, as whole numbers that add up to `total`
/// exactly: each share's whole part, then one more to the shares with the largest remainders
/// (ties to the larger weight, then the first). With no weight (all zero, or none), the first
/// share takes it all.
///
/// # Examples
/// ```
/// use covgap::icb::apportion;
/// assert_eq!(apportion(10, &[1, 1, 1]), [4, 3, 3]);
/// assert_eq!(apportion(1_915, &[986, 964]), [968, 947]); // East Suffolk's births
/// assert_eq!(apportion(0, &[5, 7]), [0, 0]);
/// assert_eq!(apportion(3, &[0, 0]), [3, 0]);
/// ```
pub fn apportion(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    if sum == 0 {
        let mut out = vec![0; weights.len()];
        if let Some(first) = out.first_mut() {
            *first = total;
        }
        return out;
    }
    let exact: Vec<u128> = weights
        .iter()
        .map(|&w| u128::from(total) * u128::from(w))
        .collect();
    let mut out: Vec<u64> = exact.iter().map(|e| (e / sum) as u64).collect();
    let left = total - out.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] % sum)
            .cmp(&(exact[a] % sum))
            .then(weights[b].cmp(&weights[a]))
            .then(a.cmp(&b))
    });
    for &i in order.iter().take(left as usize) {
        out[i] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::apportion;

    /// "In whole babies by largest remainder": after each part's whole share, the babies left
    /// go to the parts whose exact shares had the largest fractions, wherever they stand.
    #[test]
    fn babies_left_over_go_to_the_largest_remainders() {
        // 1 in 1:2 is 1/3 and 2/3: the baby goes to the second part.
        assert_eq!(apportion(1, &[1, 2]), [0, 1]);
        // 7 in 2:3:5 is 1.4, 2.1 and 3.5: 1, 2 and 3 whole, the one left to the third (0.5).
        assert_eq!(apportion(7, &[2, 3, 5]), [1, 2, 4]);
        // 5 in 3:1:1 is 3, 1 and 1 exactly: nothing left over.
        assert_eq!(apportion(5, &[3, 1, 1]), [3, 1, 1]);
    }
}
