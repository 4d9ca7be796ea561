//! Geometry as GeoPackage stores it: a GeoPackage binary header (magic `GP`, version, flags,
//! SRS id, envelope) followed by ISO Well-Known Binary. Written for the `covgap.gpkg` output
//! and read for GeoPackage boundary inputs.

use geo::{BoundingRect, Coord, LineString, MultiPolygon, Point, Polygon};

/// Appends a little-endian WKB Point.
fn push_point(out: &mut Vec<u8>, p: Point) {
    out.push(1);
    out.extend(1u32.to_le_bytes());
    out.extend(p.x().to_le_bytes());
    out.extend(p.y().to_le_bytes());
}

fn push_polygon(out: &mut Vec<u8>, p: &Polygon) {
    out.push(1);
    out.extend(3u32.to_le_bytes());
    out.extend((1 + p.interiors().len() as u32).to_le_bytes());
    for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
        out.extend((ring.0.len() as u32).to_le_bytes());
        for c in &ring.0 {
            out.extend(c.x.to_le_bytes());
            out.extend(c.y.to_le_bytes());
        }
    }
}

/// Little-endian WKB for a multipolygon.
pub fn multipolygon_wkb(mp: &MultiPolygon) -> Vec<u8> {
    let mut out = Vec::new();
    out.push(1);
    out.extend(6u32.to_le_bytes());
    out.extend((mp.0.len() as u32).to_le_bytes());
    for p in &mp.0 {
        push_polygon(&mut out, p);
    }
    out
}

fn header(srs_id: i32, envelope: Option<[f64; 4]>) -> Vec<u8> {
    let mut out = vec![b'G', b'P', 0];
    // Flags: bit 0 little-endian; bits 1-3 envelope kind (1 = xy).
    out.push(if envelope.is_some() {
        0b0000_0011
    } else {
        0b0000_0001
    });
    out.extend(srs_id.to_le_bytes());
    if let Some(e) = envelope {
        for v in e {
            out.extend(v.to_le_bytes());
        }
    }
    out
}

/// A GeoPackage geometry blob for a multipolygon, with its xy envelope.
///
/// # Examples
/// ```
/// use geo::{polygon, MultiPolygon};
/// let mp = MultiPolygon::new(vec![polygon![(x: 0., y: 0.), (x: 2., y: 0.), (x: 2., y: 1.), (x: 0., y: 0.)]]);
/// let blob = covgap::wkb::gpkg_multipolygon(&mp, 27700);
/// assert_eq!(&blob[..4], b"GP\x00\x03");
/// assert_eq!(covgap::wkb::read_gpkg(&blob).unwrap().1, mp);
/// ```
pub fn gpkg_multipolygon(mp: &MultiPolygon, srs_id: i32) -> Vec<u8> {
    let env = mp
        .bounding_rect()
        .map(|r| [r.min().x, r.max().x, r.min().y, r.max().y]);
    let mut out = header(srs_id, env);
    out.extend(multipolygon_wkb(mp));
    out
}

/// A GeoPackage geometry blob for a point (no envelope, as the standard advises for points).
pub fn gpkg_point(p: Point, srs_id: i32) -> Vec<u8> {
    let mut out = header(srs_id, None);
    push_point(&mut out, p);
    out
}

struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
    le: bool,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let s = self
            .b
            .get(self.at..self.at + n)
            .ok_or_else(|| format!("geometry ends early at byte {}", self.at))?;
        self.at += n;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, String> {
        let a: [u8; 4] = self.take(4)?.try_into().expect("4 bytes");
        Ok(if self.le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    }
    fn f64(&mut self) -> Result<f64, String> {
        let a: [u8; 8] = self.take(8)?.try_into().expect("8 bytes");
        Ok(if self.le {
            f64::from_le_bytes(a)
        } else {
            f64::from_be_bytes(a)
        })
    }
}

/// Reads one WKB geometry, keeping polygons; `dims` is 2, 3 (Z or M) or 4 (ZM).
fn read_geometry(c: &mut Cursor, out: &mut Vec<Polygon>) -> Result<(), String> {
    c.le = match c.u8()? {
        0 => false,
        1 => true,
        b => return Err(format!("WKB byte order {b} is neither 0 nor 1")),
    };
    let raw = c.u32()?;
    // ISO codes (1000s for Z, 2000s for M, 3000s for ZM) and EWKB high-bit flags.
    let ewkb_z = raw & 0x8000_0000 != 0;
    let ewkb_m = raw & 0x4000_0000 != 0;
    let iso = raw & 0x0FFF_FFFF;
    let (kind, mut dims) = (
        iso % 1000,
        2 + match iso / 1000 {
            1 | 2 => 1,
            3 => 2,
            _ => 0,
        },
    );
    dims += usize::from(ewkb_z) + usize::from(ewkb_m);
    let read_ring = |c: &mut Cursor| -> Result<LineString, String> {
        let n = c.u32()? as usize;
        let mut pts = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            let x = c.f64()?;
            let y = c.f64()?;
            for _ in 2..dims {
                c.f64()?;
            }
            pts.push(Coord { x, y });
        }
        Ok(LineString::new(pts))
    };
    match kind {
        3 => {
            let rings = c.u32()? as usize;
            let mut rs = Vec::with_capacity(rings.min(1 << 16));
            for _ in 0..rings {
                rs.push(read_ring(c)?);
            }
            if rs.is_empty() {
                return Ok(());
            }
            let ext = rs.remove(0);
            out.push(Polygon::new(ext, rs));
            Ok(())
        }
        6 | 7 => {
            let n = c.u32()? as usize;
            for _ in 0..n {
                read_geometry(c, out)?;
            }
            Ok(())
        }
        1 => Err("geometry is a Point; expected a Polygon or MultiPolygon".into()),
        2 | 5 => Err("geometry is a LineString; expected a Polygon or MultiPolygon".into()),
        4 => Err("geometry is a MultiPoint; expected a Polygon or MultiPolygon".into()),
        // Curved geometries (ISO 13249-3 / OGC 06-103r4 codes), as ArcGIS can write them.
        8..=12 => Err(format!(
            "geometry is a {} (curved lines); expected a Polygon or MultiPolygon: make the curves straight, e.g. ogr2ogr -nlt MULTIPOLYGON, or QGIS's Segmentize",
            match kind {
                8 => "CircularString",
                9 => "CompoundCurve",
                10 => "CurvePolygon",
                11 => "MultiCurve",
                _ => "MultiSurface",
            }
        )),
        k => Err(format!(
            "geometry type {k} is not a Polygon or MultiPolygon"
        )),
    }
}

/// Reads polygons from ISO or extended WKB.
pub fn read_wkb(bytes: &[u8]) -> Result<MultiPolygon, String> {
    let mut c = Cursor {
        b: bytes,
        at: 0,
        le: true,
    };
    let mut polys = Vec::new();
    read_geometry(&mut c, &mut polys)?;
    Ok(MultiPolygon::new(polys))
}

/// Reads a GeoPackage geometry blob: its SRS id and its polygons. Fails on a blob that is not
/// a GeoPackage geometry or holds no polygons.
pub fn read_gpkg(blob: &[u8]) -> Result<(i32, MultiPolygon), String> {
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err("is not a GeoPackage geometry (no \"GP\" header)".into());
    }
    let flags = blob[3];
    let le = flags & 1 == 1;
    let srs: [u8; 4] = blob[4..8].try_into().expect("4 bytes");
    let srs_id = if le {
        i32::from_le_bytes(srs)
    } else {
        i32::from_be_bytes(srs)
    };
    let env_len = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        e => return Err(format!("has an unknown envelope kind {e}")),
    };
    if flags & 0b1_0000 != 0 {
        return Ok((srs_id, MultiPolygon::new(vec![])));
    }
    let start = 8 + env_len;
    let wkb = blob.get(start..).ok_or("geometry ends inside its header")?;
    Ok((srs_id, read_wkb(wkb)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn round_trips_holes_and_parts() {
        let a = polygon!(
            exterior: [(x: 0., y: 0.), (x: 10., y: 0.), (x: 10., y: 10.), (x: 0., y: 0.)],
            interiors: [[(x: 1., y: 1.), (x: 2., y: 1.), (x: 2., y: 2.), (x: 1., y: 1.)]],
        );
        let b = polygon![(x: 20., y: 20.), (x: 21., y: 20.), (x: 21., y: 21.), (x: 20., y: 20.)];
        let mp = MultiPolygon::new(vec![a, b]);
        let (srs, back) = read_gpkg(&gpkg_multipolygon(&mp, 4326)).unwrap();
        assert_eq!(srs, 4326);
        assert_eq!(back, mp);
    }

    #[test]
    fn curved_geometries_are_named_with_a_way_to_straighten_them() {
        // A MultiSurface was "geometry type 12 is not a Polygon or MultiPolygon".
        for (code, name) in [
            (10u32, "CurvePolygon"),
            (12, "MultiSurface"),
            (1012, "MultiSurface"),
        ] {
            let mut w = vec![1u8];
            w.extend(code.to_le_bytes());
            w.extend(0u32.to_le_bytes());
            let e = read_wkb(&w).unwrap_err();
            assert!(
                e.starts_with(&format!("geometry is a {name} (curved lines)")),
                "{e}"
            );
            assert!(e.contains("-nlt MULTIPOLYGON"), "{e}");
        }
    }

    #[test]
    fn reads_big_endian_polygon_with_z() {
        // Big-endian ISO Polygon Z (1003), one ring of 4 points.
        let mut w = vec![0u8];
        w.extend(1003u32.to_be_bytes());
        w.extend(1u32.to_be_bytes());
        w.extend(4u32.to_be_bytes());
        for (x, y) in [(0., 0.), (1., 0.), (1., 1.), (0., 0.)] {
            for v in [x, y, 5.0f64] {
                w.extend(f64::to_be_bytes(v));
            }
        }
        let mp = read_wkb(&w).unwrap();
        assert_eq!(mp.0[0].exterior().0[2], Coord { x: 1., y: 1. });
        assert!(read_gpkg(b"XX\0\x01\0\0\0\0").is_err());
        let mut pt = Vec::new();
        push_point(&mut pt, Point::new(1., 2.));
        assert!(read_wkb(&pt).unwrap_err().contains("Point"));
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    fn ring() -> impl Strategy<Value = LineString> {
        prop::collection::vec((-1e6f64..1e6, -1e6f64..1e6), 3..12).prop_map(|mut pts| {
            pts.push(pts[0]);
            LineString::from(pts)
        })
    }

    proptest! {
        #[test]
        fn gpkg_blobs_round_trip(
            polys in prop::collection::vec((ring(), prop::collection::vec(ring(), 0..3)), 1..4),
            srs in prop_oneof![Just(4326), Just(27700)],
        ) {
            let mp = MultiPolygon::new(polys.into_iter().map(|(e, h)| Polygon::new(e, h)).collect());
            let (s, back) = read_gpkg(&gpkg_multipolygon(&mp, srs)).unwrap();
            prop_assert_eq!(s, srs);
            prop_assert_eq!(back, mp);
        }
    }
}
