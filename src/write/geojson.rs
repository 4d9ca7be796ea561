//! RFC 7946 GeoJSON: WGS84 longitude/latitude, exterior rings counter-clockwise and holes
//! clockwise, at most 6 decimals (about 10 cm), no `crs` member.

use geo::orient::{Direction, Orient};
use geo::{MapCoords, MultiPolygon};
use serde_json::{json, Map, Value};

use crate::coverage::Coverage;
use crate::model::Study;
use crate::write::round;

/// One GeoJSON feature: its properties, and its geometry already written as JSON.
pub struct Feature {
    pub properties: Value,
    pub geometry: String,
}

/// Writes a number as serde_json writes an `f64` (the shortest form that reads back the
/// same, by ryu), so geometry written here reads as if serde_json had written it.
fn push_number(out: &mut String, v: f64) {
    if v.is_finite() {
        out.push_str(ryu::Buffer::new().format_finite(v));
    } else {
        out.push_str("null");
    }
}

/// Writes `[x,y]` as given: the callers round first.
fn push_position(out: &mut String, x: f64, y: f64) {
    out.push('[');
    push_number(out, x);
    out.push(',');
    push_number(out, y);
    out.push(']');
}

/// An RFC 7946 Point geometry, its position rounded to 6 decimals.
///
/// # Examples
/// ```
/// let g = covgap::write::geojson::point_geometry(-1.8904001, 52.48620049);
/// assert_eq!(g, r#"{"type":"Point","coordinates":[-1.8904,52.4862]}"#);
/// ```
pub fn point_geometry(x: f64, y: f64) -> String {
    let mut out = String::from(r#"{"type":"Point","coordinates":"#);
    push_position(&mut out, round(x, 6), round(y, 6));
    out.push('}');
    out
}

/// A multipolygon as an RFC 7946 geometry: positions rounded to 6 decimals, exterior rings
/// counter-clockwise and holes clockwise (after rounding, so the order holds as written).
/// Written straight to text: a map's 30,000 positions as JSON values took most of the time
/// `areas.geojson` took.
pub fn multipolygon_geometry(mp: &MultiPolygon) -> String {
    let rounded = mp.map_coords(|c| geo::Coord {
        x: round(c.x, 6),
        y: round(c.y, 6),
    });
    let oriented = rounded.orient(Direction::Default);
    let mut out = String::from(r#"{"type":"MultiPolygon","coordinates":["#);
    for (i, p) in oriented.0.iter().enumerate() {
        out.push_str(if i == 0 { "[" } else { ",[" });
        for (j, r) in std::iter::once(p.exterior())
            .chain(p.interiors())
            .enumerate()
        {
            out.push_str(if j == 0 { "[" } else { ",[" });
            for (k, c) in r.0.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                push_position(&mut out, c.x, c.y);
            }
            out.push(']');
        }
        out.push(']');
    }
    out.push_str("]}");
    out
}

/// A FeatureCollection, one feature a line, with covgap's metadata in a `covgap` member.
pub fn collection(name: &str, meta: Value, features: Vec<Feature>) -> Vec<u8> {
    // One feature per line: readable, diffable, and still one JSON document.
    let mut out = String::new();
    out.push_str("{\"type\":\"FeatureCollection\",\"name\":");
    out.push_str(&serde_json::to_string(name).expect("string"));
    out.push_str(",\"covgap\":");
    out.push_str(&serde_json::to_string(&meta).expect("json"));
    out.push_str(",\"features\":[\n");
    for (i, f) in features.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        out.push_str("{\"type\":\"Feature\",\"properties\":");
        out.push_str(&serde_json::to_string(&f.properties).expect("json"));
        out.push_str(",\"geometry\":");
        out.push_str(&f.geometry);
        out.push('}');
    }
    out.push_str("\n]}\n");
    out.into_bytes()
}

/// What every output says about the figure it used, and the boundaries and teams.
pub fn metadata(study: &Study) -> Value {
    let mut meta = json!({
        "measure": study.demand.measure.key(),
        "measure_description": study.demand.measure.describe(),
        "period": study.demand.period,
        "figures_source": study.demand.source,
    });
    if let (Value::Object(m), Value::Object(places)) = (&mut meta, places_metadata(study)) {
        m.extend(places);
    }
    meta
}

/// What an output that uses no figure says: the boundaries and teams only. `assign` places
/// points and measures distances, reading no births figures, so its GeoJSON names no measure,
/// period or figures source (it named the built-in figures', which it never read).
pub fn places_metadata(study: &Study) -> Value {
    json!({
        "boundaries": study.sources.boundaries,
        "teams": study.sources.teams,
        "teams_counted": study.evidence_rule,
    })
}

/// `areas.geojson`: one feature per area with its coverage.
pub fn areas(study: &Study, cov: &Coverage) -> Vec<u8> {
    let key = study.demand.measure.key();
    // With small areas, every feature carries the band properties (null where a district
    // has no small areas), so the layer has one schema in QGIS.
    let banded = cov.areas.iter().any(|r| r.bands.is_some());
    let features = study
        .areas
        .iter()
        .zip(&cov.areas)
        .map(|(a, r)| {
            let mut p = Map::new();
            p.insert("code".into(), json!(a.code));
            p.insert("name".into(), json!(a.name));
            p.insert("nation".into(), json!(a.nation.name()));
            p.insert(
                "region".into(),
                json!(a.keys.region.as_ref().map(|g| g.name.clone())),
            );
            p.insert(key.into(), json!(a.figure));
            p.insert("covered".into(), json!(r.covered()));
            let names: Vec<&str> = r
                .teams
                .iter()
                .map(|&t| study.teams[t].name.as_str())
                .collect();
            p.insert("teams".into(), json!(names.join("; ")));
            p.insert("team_count".into(), json!(names.len()));
            p.insert(
                "nearest_team".into(),
                json!(r.nearest.map(|n| study.team_name(n.team).to_string())),
            );
            p.insert(
                "nearest_team_km".into(),
                json!(r.nearest.map(|n| round(n.km, 1))),
            );
            p.insert("gap_rank".into(), json!(r.gap_rank));
            // The point distances are measured from, so anyone can re-measure them.
            p.insert("point_lon".into(), json!(round(a.point.wgs84.x(), 6)));
            p.insert("point_lat".into(), json!(round(a.point.wgs84.y(), 6)));
            if banded {
                for b in crate::small_areas::Band::ALL {
                    p.insert(b.key().into(), json!(r.bands.map(|x| x.get(b))));
                }
            }
            Feature {
                properties: Value::Object(p),
                geometry: multipolygon_geometry(&a.wgs84),
            }
        })
        .collect();
    collection("areas", metadata(study), features)
}

/// `teams.geojson`: every team the team outputs list ([`crate::write::teams::records`]), a
/// Point at its base, or a null geometry (an unlocated feature, RFC 7946 section 3.2) when it
/// has no base, so the file holds the same teams as the GeoPackage's `teams` layer. Teams
/// serving only areas outside the boundaries given are among them, `outside_boundaries` true,
/// since an area's nearest team may be one of them.
pub fn teams(study: &Study) -> Vec<u8> {
    let features = crate::write::teams::records(study)
        .into_iter()
        .map(|t| {
            let b = t.base;
            Feature {
                properties: json!({
                    "name": t.name,
                    "host_org": t.host_org,
                    "evidence": t.evidence,
                    "counted": t.counted,
                    "outside_boundaries": t.outside_boundaries,
                    "areas_served": t.areas_served,
                    "covers": t.covers,
                    "host_area_code": t.host_area.map(|a| a.0),
                    "host_area_name": t.host_area.map(|a| a.1),
                    "base": b.map(|b| &b.given),
                    "base_precision": b.map(|b| b.precision.key()),
                    "source_url": t.source_url,
                    "last_evidence": t.last_evidence,
                }),
                geometry: b.map_or_else(
                    || "null".to_string(),
                    |b| point_geometry(b.at.wgs84.x(), b.at.wgs84.y()),
                ),
            }
        })
        .collect();
    collection("teams", metadata(study), features)
}
