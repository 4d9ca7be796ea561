//! QGIS layer styles (QML), written beside the GeoJSON outputs (`areas.qml`, `teams.qml`:
//! QGIS loads a `.qml` with the layer's base name on its own) and into the GeoPackage's
//! `layer_styles` table as each layer's default, so the layers open styled.
//!
//! Every style is a rule-based renderer with the classes and colours of [`crate::write::style`],
//! so QGIS, `map.svg` and `map.png` look alike.

use std::fmt::Write as _;

use crate::write::style::{GapClass, Rgb, COVERED, NO_FIGURE, OUTLINE, TEAM, TEAM_NOT_COUNTED};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

fn option(name: &str, value: &str) -> String {
    format!(
        "<Option type=\"QString\" name=\"{}\" value=\"{}\"/>",
        esc(name),
        esc(value)
    )
}

fn fill_symbol(id: usize, fill: Rgb) -> String {
    format!(
        "<symbol type=\"fill\" name=\"{id}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\
<layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\"><Option type=\"Map\">{}{}{}{}{}{}</Option></layer></symbol>\n",
        option("color", &fill.qgis()),
        option("style", "solid"),
        option("outline_color", &OUTLINE.qgis()),
        option("outline_style", "solid"),
        option("outline_width", "0.15"),
        option("outline_width_unit", "MM"),
    )
}

/// A marker's shape, by QGIS's name for it: `circle`, or `diamond` for teams outside the
/// boundaries given.
fn marker_symbol(id: usize, shape: &str, fill: Option<Rgb>, stroke: Rgb, size_mm: f64) -> String {
    let color = match fill {
        Some(f) => f.qgis(),
        None => "255,255,255,0".to_string(),
    };
    format!(
        "<symbol type=\"marker\" name=\"{id}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\
<layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\"><Option type=\"Map\">{}{}{}{}{}{}{}{}</Option></layer></symbol>\n",
        option("name", shape),
        option("color", &color),
        option("outline_color", &stroke.qgis()),
        option("outline_style", "solid"),
        option("outline_width", if fill.is_some() { "0.3" } else { "0.5" }),
        option("outline_width_unit", "MM"),
        option("size", &format!("{size_mm}")),
        option("size_unit", "MM"),
    )
}

struct Rule {
    label: String,
    filter: String,
    symbol: String,
}

fn document(geometry: u8, rules: &[Rule], labeling: Option<&str>) -> String {
    let mut s = String::new();
    s.push_str("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
    let _ = writeln!(
        s,
        "<qgis version=\"3.22.0\" styleCategories=\"Symbology|Labeling\" labelsEnabled=\"{}\">",
        u8::from(labeling.is_some())
    );
    s.push_str(
        "<renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n<rules key=\"root\">\n",
    );
    for (i, r) in rules.iter().enumerate() {
        let _ = writeln!(
            s,
            "<rule key=\"rule{i}\" label=\"{}\" filter=\"{}\" symbol=\"{i}\"/>",
            esc(&r.label),
            esc(&r.filter)
        );
    }
    s.push_str("</rules>\n<symbols>\n");
    for r in rules {
        s.push_str(&r.symbol);
    }
    s.push_str("</symbols>\n</renderer-v2>\n");
    if let Some(l) = labeling {
        s.push_str(l);
    }
    // QGIS refuses a style made for another geometry type: 0 point, 1 line, 2 polygon.
    let _ = writeln!(s, "<layerGeometryType>{geometry}</layerGeometryType>");
    s.push_str("</qgis>\n");
    s
}

fn gap_rules(rules: &mut Vec<Rule>, field: &str, what: &str, prefix: &str, classes: &[GapClass]) {
    for c in classes {
        let mut filter = format!("{prefix}\"{field}\" >= {}", c.from);
        if let Some(t) = c.to {
            let _ = write!(filter, " AND \"{field}\" < {t}");
        }
        let i = rules.len();
        rules.push(Rule {
            label: format!("No team: {} {what}", c.label()),
            filter,
            symbol: fill_symbol(i, c.colour),
        });
    }
    let i = rules.len();
    rules.push(Rule {
        label: "No team: no figure".into(),
        filter: format!("{prefix}\"{field}\" IS NULL"),
        symbol: fill_symbol(i, NO_FIGURE),
    });
}

/// Style for the areas layer: covered areas in one colour, areas with no team shaded by the
/// figure held in `field` (`births` or `age0`), described as `what` in the legend.
///
/// # Examples
/// ```
/// let classes = covgap::write::style::classes_for(&[800, 1200, 3000]);
/// let qml = covgap::write::qml::areas(&classes, "births", "births");
/// assert!(qml.contains("filter=\"&quot;covered&quot;\""));
/// ```
pub fn areas(classes: &[GapClass], field: &str, what: &str) -> String {
    let mut rules = vec![Rule {
        label: "Has a team".into(),
        filter: "\"covered\"".into(),
        symbol: fill_symbol(0, COVERED),
    }];
    gap_rules(&mut rules, field, what, "NOT \"covered\" AND ", classes);
    document(2, &rules, None)
}

/// Style for the gaps layer (areas with no team): shaded by the figure.
pub fn gaps(classes: &[GapClass], field: &str, what: &str) -> String {
    let mut rules = Vec::new();
    gap_rules(&mut rules, field, what, "", classes);
    document(2, &rules, None)
}

/// Style for the teams layer: counted teams as dark points, others as grey rings, each
/// labelled with its name. With teams serving only areas outside the boundaries given
/// (`outside`: the layer then has some with `outside_boundaries` true), those are diamonds,
/// dark when counted (measured to) and grey rings otherwise, so that a nearest team outside
/// can be told from the teams that cover areas given.
///
/// # Examples
/// ```
/// let qml = covgap::write::qml::teams(true);
/// assert!(qml.contains("filter=\"&quot;counted&quot; AND &quot;outside_boundaries&quot;\""));
/// // The whole UK given: no team is outside, and no rule says so.
/// assert!(!covgap::write::qml::teams(false).contains("outside_boundaries"));
/// ```
pub fn teams(outside: bool) -> String {
    let inside = if outside {
        " AND NOT \"outside_boundaries\""
    } else {
        ""
    };
    let mut rules = vec![
        Rule {
            label: "Team (counted)".into(),
            filter: format!("\"counted\"{inside}"),
            symbol: marker_symbol(0, "circle", Some(TEAM), Rgb(255, 255, 255), 2.4),
        },
        Rule {
            label: "Team listed, not counted".into(),
            filter: format!("NOT \"counted\"{inside}"),
            symbol: marker_symbol(1, "circle", None, TEAM_NOT_COUNTED, 2.4),
        },
    ];
    if outside {
        rules.push(Rule {
            label: "Team (counted) serving only areas outside the boundaries given: measured to"
                .into(),
            filter: "\"counted\" AND \"outside_boundaries\"".into(),
            symbol: marker_symbol(2, "diamond", Some(TEAM), Rgb(255, 255, 255), 2.8),
        });
        rules.push(Rule {
            label: "Team listed, not counted, serving only areas outside the boundaries given"
                .into(),
            filter: "NOT \"counted\" AND \"outside_boundaries\"".into(),
            symbol: marker_symbol(3, "diamond", None, TEAM_NOT_COUNTED, 2.8),
        });
    }
    let labeling = "<labeling type=\"simple\">\n<settings calloutType=\"simple\">\n\
<text-style fieldName=\"name\" isExpression=\"0\" fontFamily=\"Sans Serif\" fontSize=\"7.5\" fontSizeUnit=\"Point\" textColor=\"37,37,37,255\" textOpacity=\"1\" fontWeight=\"50\" fontItalic=\"0\" namedStyle=\"Regular\" multilineHeight=\"1\">\n\
<text-buffer bufferDraw=\"1\" bufferSize=\"0.7\" bufferSizeUnits=\"MM\" bufferColor=\"255,255,255,255\" bufferOpacity=\"0.85\" bufferJoinStyle=\"128\" bufferNoFill=\"1\"/>\n\
</text-style>\n\
<text-format wrapChar=\"\" autoWrapLength=\"24\" useMaxLineLengthForAutoWrap=\"1\" multilineAlign=\"0\"/>\n\
<placement placement=\"6\" dist=\"1\" distUnits=\"MM\" priority=\"5\" predefinedPositionOrder=\"TR,TL,BR,BL,R,L,TSR,BSR\"/>\n\
<rendering scaleVisibility=\"0\" obstacle=\"1\" displayAll=\"0\" limitNumLabels=\"0\" fontLimitPixelSize=\"0\" upsidedownLabels=\"0\"/>\n\
</settings>\n</labeling>\n";
    document(0, &rules, Some(labeling))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_are_well_formed_and_filter_by_figure() {
        let classes = crate::write::style::classes_for(&[800, 1200, 3000, 9000]);
        let q = areas(&classes, "age0", "babies aged 0");
        assert!(q.contains("&quot;age0&quot; &gt;= 0"));
        assert!(q.contains("No team: no figure"));
        assert_eq!(q.matches("<rule ").count(), classes.len() + 2);
        assert_eq!(q.matches("<symbol ").count(), classes.len() + 2);
        let t = teams(false);
        assert!(t.contains("labelsEnabled=\"1\"") && t.contains("fieldName=\"name\""));
        let beyond = teams(true);
        assert_eq!(beyond.matches("<rule ").count(), 4);
        assert_eq!(beyond.matches("<symbol ").count(), 4);
        assert_eq!(beyond.matches("value=\"diamond\"").count(), 2);
        for doc in [q, t, beyond, gaps(&classes, "births", "births")] {
            assert_eq!(doc.matches("<qgis ").count(), 1);
            assert!(doc.trim_end().ends_with("</qgis>"));
        }
    }
}
