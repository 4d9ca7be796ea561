//! One look for every map output: the classes and colours shared by the QGIS styles (`.qml`
//! files and the GeoPackage's `layer_styles`) and by `map.svg`/`map.png`.
//!
//! Covered areas are one blue; areas with no team are shaded from pale orange to dark red by
//! their figure, in four classes with round breaks at the quartiles of the gaps' figures;
//! areas with no figure are grey. Team bases are dark points, teams that are listed but not
//! counted are hollow grey rings. The palette is ColorBrewer's (colour-blind safe, prints in
//! grey scale).

use crate::coverage::Coverage;
use crate::model::Study;
use crate::write::thousands;

/// Fill for covered areas.
pub const COVERED: Rgb = Rgb(44, 127, 184);
/// Fill for areas with no figure.
pub const NO_FIGURE: Rgb = Rgb(189, 189, 189);
/// Fills for the gap classes, lightest (smallest figure) first.
pub const GAP_RAMP: [Rgb; 4] = [
    Rgb(254, 217, 142),
    Rgb(254, 153, 41),
    Rgb(217, 95, 14),
    Rgb(153, 52, 4),
];
/// Team base markers.
pub const TEAM: Rgb = Rgb(37, 37, 37);
/// Listed teams that do not count under the evidence rule.
pub const TEAM_NOT_COUNTED: Rgb = Rgb(120, 120, 120);
/// Area outlines.
pub const OUTLINE: Rgb = Rgb(255, 255, 255);

/// An opaque colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`, for SVG.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(covgap::write::style::Rgb(44, 127, 184).hex(), "#2c7fb8");
    /// ```
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// `r,g,b,255`, as QGIS writes colours.
    pub fn qgis(self) -> String {
        format!("{},{},{},255", self.0, self.1, self.2)
    }
}

/// A gap class: figures in `from..to` (`to` open-ended for the last class).
#[derive(Debug, Clone, PartialEq)]
pub struct GapClass {
    pub from: u64,
    pub to: Option<u64>,
    pub colour: Rgb,
}

impl GapClass {
    /// Legend text, e.g. `2,000 to 3,999` or `8,000 or more`.
    pub fn label(&self) -> String {
        match self.to {
            Some(t) if self.from == 0 => format!("under {}", thousands(t)),
            Some(t) => format!("{} to {}", thousands(self.from), thousands(t - 1)),
            None => format!("{} or more", thousands(self.from)),
        }
    }

    pub fn contains(&self, v: u64) -> bool {
        v >= self.from && self.to.is_none_or(|t| v < t)
    }
}

/// Rounds down to two significant figures: 2345 -> 2300, 87 -> 87.
fn round2(v: u64) -> u64 {
    let mut m = 1;
    while v / m >= 100 {
        m *= 10;
    }
    (v / m) * m
}

/// The gap classes for a run: breaks at the quartiles of the gaps' figures, rounded down to
/// two significant figures, duplicates dropped.
///
/// # Examples
/// ```
/// let c = covgap::write::style::classes_for(&[100, 900, 1500, 2500, 4100, 9000]);
/// assert_eq!(c.iter().map(|c| c.label()).collect::<Vec<_>>(),
///            ["under 900", "900 to 2,499", "2,500 to 4,099", "4,100 or more"]);
/// ```
pub fn classes_for(figures: &[u64]) -> Vec<GapClass> {
    let mut v: Vec<u64> = figures.to_vec();
    v.sort_unstable();
    let mut breaks: Vec<u64> = Vec::new();
    if !v.is_empty() {
        for q in [1, 2, 3] {
            let b = round2(v[(v.len() * q / 4).min(v.len() - 1)]);
            if b > 0 && breaks.last().is_none_or(|&l| b > l) {
                breaks.push(b);
            }
        }
    }
    let mut out = Vec::new();
    let mut from = 0;
    for (i, &b) in breaks.iter().enumerate() {
        out.push(GapClass {
            from,
            to: Some(b),
            colour: GAP_RAMP[i],
        });
        from = b;
    }
    out.push(GapClass {
        from,
        to: None,
        colour: GAP_RAMP[breaks.len()],
    });
    // Spread the colours over the ramp when there are fewer than four classes.
    let n = out.len();
    for (i, c) in out.iter_mut().enumerate() {
        c.colour = GAP_RAMP[if n == 1 { 3 } else { i * 3 / (n - 1) }];
    }
    out
}

/// The gap classes for this study's uncovered areas.
pub fn classes(study: &Study, cov: &Coverage) -> Vec<GapClass> {
    let figs: Vec<u64> = cov
        .gaps
        .iter()
        .filter_map(|&i| study.areas[i].figure)
        .collect();
    classes_for(&figs)
}

/// The fill for an area.
pub fn area_fill(covered: bool, figure: Option<u64>, classes: &[GapClass]) -> Rgb {
    if covered {
        return COVERED;
    }
    match figure {
        None => NO_FIGURE,
        Some(v) => classes
            .iter()
            .find(|c| c.contains(v))
            .map(|c| c.colour)
            .unwrap_or(NO_FIGURE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_cover_every_value_once() {
        let c = classes_for(&[5, 5, 5, 5]);
        assert_eq!(c.len(), 2);
        for v in [0, 4, 5, 100_000] {
            assert_eq!(c.iter().filter(|k| k.contains(v)).count(), 1, "{v}");
        }
        assert_eq!(classes_for(&[]).len(), 1);
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn every_figure_falls_in_exactly_one_class(
            figs in prop::collection::vec(0u64..50_000, 0..200),
            probe in 0u64..100_000,
        ) {
            let c = classes_for(&figs);
            prop_assert!(!c.is_empty() && c.len() <= GAP_RAMP.len());
            prop_assert_eq!(c[0].from, 0);
            prop_assert_eq!(c.iter().filter(|k| k.contains(probe)).count(), 1);
            for w in c.windows(2) {
                prop_assert_eq!(w[0].to, Some(w[1].from));
            }
        }
    }
}
