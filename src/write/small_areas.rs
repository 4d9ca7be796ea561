//! `small_areas.geojson`: one feature per small area with its district, nearest team,
//! distance and band, under the same RFC 7946 rules as `areas.geojson`.

use serde_json::{json, Map, Value};

use crate::model::Study;
use crate::small_areas::{Placement, SmallAreas};
use crate::write::geojson::{collection, metadata, multipolygon_geometry, Feature};
use crate::write::round;

/// Renders `small_areas.geojson`.
pub fn geojson(study: &Study, small: &SmallAreas) -> Vec<u8> {
    let mut meta = metadata(study);
    if let Some(o) = meta.as_object_mut() {
        o.insert("small_area_sources".into(), json!(small.sources));
        o.insert("small_area_figure".into(), json!(small.figure_columns));
        o.insert("band_rule".into(), json!(crate::write::summary::BAND_RULE));
    }
    let features = small
        .areas
        .iter()
        .map(|sa| {
            let d = sa.district.map(|i| &study.areas[i]);
            let mut p = Map::new();
            p.insert("code".into(), json!(sa.code));
            p.insert("name".into(), json!(sa.name));
            p.insert("figure".into(), json!(sa.figure));
            p.insert("district_code".into(), json!(d.map(|a| a.code.clone())));
            p.insert("district_name".into(), json!(d.map(|a| a.name.clone())));
            p.insert(
                "placed".into(),
                json!(match sa.placement {
                    Placement::Inside => "inside".to_string(),
                    Placement::Nearest(m) =>
                        format!("nearest district ({:.1} km away)", m / 1000.0),
                    Placement::Outside(m) => format!(
                        "left out: {:.1} km outside every district, in no figure",
                        m / 1000.0
                    ),
                    Placement::AcrossBorder(m, across) => format!(
                        "left out: {:.1} km outside every district, across a land border in {}, in no figure",
                        m / 1000.0,
                        across.district()
                    ),
                    Placement::Unplaced => "no district".to_string(),
                }),
            );
            p.insert(
                "nearest_team".into(),
                json!(sa.nearest.map(|(t, _)| study.team_name(t).to_string())),
            );
            p.insert(
                "nearest_team_km".into(),
                json!(sa.nearest.map(|(_, m)| round(m / 1000.0, 2))),
            );
            p.insert("band".into(), json!(sa.band.map(|b| b.key())));
            p.insert("point_lon".into(), json!(round(sa.point.wgs84.x(), 6)));
            p.insert("point_lat".into(), json!(round(sa.point.wgs84.y(), 6)));
            Feature {
                properties: Value::Object(p),
                geometry: multipolygon_geometry(&sa.wgs84),
            }
        })
        .collect();
    collection("small_areas", meta, features)
}
