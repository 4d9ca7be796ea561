//! RFC 7946 GeoJSON: WGS84 longitude/latitude, exterior rings counter-clockwise and holes
//! clockwise, at most 6 decimals (about 10 cm), no `crs` member.

use geo::orient::{Direction, Orient};
use geo::{MapCoords, MultiPolygon};
use serde_json::{json, Map, Value};

use crate::coverage::Coverage;
use crate::model::Study;
use crate::write::round;

/// An RFC 7946 position, rounded to 6 decimals.
pub fn position(x: f64, y: f64) -> Value {
    json!([round(x, 6), round(y, 6)])
}

/// A multipolygon as an RFC 7946 geometry object.
pub fn multipolygon_geometry(mp: &MultiPolygon) -> Value {
    let rounded = mp.map_coords(|c| geo::Coord {
        x: round(c.x, 6),
        y: round(c.y, 6),
    });
    let oriented = rounded.orient(Direction::Default);
    let polys: Vec<Value> = oriented
        .0
        .iter()
        .map(|p| {
            let rings: Vec<Value> = std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(|r| Value::Array(r.0.iter().map(|c| position(c.x, c.y)).collect()))
                .collect();
            Value::Array(rings)
        })
        .collect();
    json!({ "type": "MultiPolygon", "coordinates": polys })
}

/// A FeatureCollection, one feature a line, with covgap's metadata in a `covgap` member.
pub fn collection(name: &str, meta: Value, features: Vec<Value>) -> Vec<u8> {
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
        out.push_str(&serde_json::to_string(f).expect("json"));
    }
    out.push_str("\n]}\n");
    out.into_bytes()
}

/// What every output says about the figure it used.
pub fn metadata(study: &Study) -> Value {
    json!({
        "measure": study.demand.measure.key(),
        "measure_description": study.demand.measure.describe(),
        "period": study.demand.period,
        "figures_source": study.demand.source,
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
                json!(r.nearest.map(|n| study.teams[n.team].name.clone())),
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
            json!({
                "type": "Feature",
                "properties": Value::Object(p),
                "geometry": multipolygon_geometry(&a.wgs84),
            })
        })
        .collect();
    collection("areas", metadata(study), features)
}

/// `teams.geojson`: a Point per team with a known base.
pub fn teams(study: &Study) -> Vec<u8> {
    let features = study
        .teams
        .iter()
        .filter_map(|t| {
            let b = t.base.as_ref()?;
            let served: Vec<&str> = t.areas_served.iter().map(|&i| study.areas[i].code.as_str()).collect();
            let covers: Vec<&str> = t.covers.iter().map(|&i| study.areas[i].code.as_str()).collect();
            Some(json!({
                "type": "Feature",
                "properties": {
                    "name": t.name,
                    "host_org": t.host_org,
                    "evidence": t.evidence,
                    "counted": t.counted,
                    "areas_served": served.join(";"),
                    "covers": covers.join(";"),
                    "host_area_code": t.host_area.map(|i| study.areas[i].code.clone()),
                    "host_area_name": t.host_area.map(|i| study.areas[i].name.clone()),
                    "base": b.given,
                    "base_precision": b.precision.key(),
                    "source_url": t.source_url,
                    "last_evidence": t.last_evidence,
                },
                "geometry": { "type": "Point", "coordinates": position(b.at.wgs84.x(), b.at.wgs84.y()) },
            }))
        })
        .collect();
    collection("teams", metadata(study), features)
}
