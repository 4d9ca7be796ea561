//! Criterion benchmarks for the inner loops of `covgap assign` and small areas:
//! containment (which district holds a point), nearest team (distance to the nearest
//! covered district), the WGS84 -> British National Grid transform, and CSV reading; and
//! for the default `covgap run`: reading and analysing the built-in data, and building each
//! of the slower outputs (the map's SVG and PNG, areas.geojson, the GeoPackage, the workbook),
//! and, for comparison, testing every built-in district for self-intersection.
//! Run: `cargo bench --bench hot_paths`. Whole-run comparisons are in benches/compare.sh.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use geo::Coord;

use covgap::assign::Assigner;
use covgap::index::{AreaIndex, EdgeIndex};

/// Deterministic pseudo-random points over Great Britain (some at sea), lon/lat.
fn points(n: usize) -> Vec<Coord> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Coord {
                x: -5.5 + ((x >> 20) % 10_000) as f64 * 0.00075,
                y: 50.2 + (x % 10_000) as f64 * 0.0008,
            }
        })
        .collect()
}

fn analysis() -> covgap::Analysis {
    covgap::analyse_inputs(
        &covgap::load::Inputs::default(),
        &mut covgap::error::Diagnostics::new(),
    )
    .expect("built-in data analyses")
}

fn containment(c: &mut Criterion) {
    let a = analysis();
    let areas: Vec<_> = a
        .study
        .areas
        .iter()
        .enumerate()
        .map(|(i, x)| (i, x.wgs84.clone()))
        .collect();
    let index = AreaIndex::new(areas.clone());
    let pts = points(10_000);
    let mut g = c.benchmark_group("containment");
    g.throughput(Throughput::Elements(pts.len() as u64));
    g.bench_function("rtree_interval_tree_361_districts", |b| {
        b.iter(|| {
            pts.iter()
                .filter_map(|&p| index.locate(black_box(p)))
                .count()
        })
    });
    let few = &pts[..200];
    g.throughput(Throughput::Elements(few.len() as u64));
    g.bench_function("brute_force_361_districts", |b| {
        b.iter(|| {
            few.iter()
                .filter_map(|&p| covgap::index::locate_brute_force(&areas, black_box(p)))
                .count()
        })
    });
    g.finish();
}

fn nearest_team(c: &mut Criterion) {
    let a = analysis();
    let to_bng = covgap::crs::Wgs84ToBng::new();
    let covered: Vec<_> = a
        .study
        .areas
        .iter()
        .enumerate()
        .filter(|(i, _)| a.coverage.areas[*i].covered())
        .map(|(i, x)| (i, x.bng.clone()))
        .collect();
    let edges = EdgeIndex::new(&covered);
    let polys = AreaIndex::new(covered.clone());
    let mut pts: Vec<Coord> = points(10_000).iter().map(|&p| to_bng.apply(p)).collect();
    let mut g = c.benchmark_group("nearest_team");
    g.throughput(Throughput::Elements(pts.len() as u64));
    g.bench_function("edge_rtree", |b| {
        b.iter(|| {
            pts.iter()
                .filter_map(|&p| edges.nearest_outside(black_box(p)))
                .count()
        })
    });
    // Postcodes arrive in postcode order, so neighbours in the file are neighbours on the
    // ground: 100 runs of 100 points within a few kilometres, as a postcode district's are.
    let clustered: Vec<Coord> = pts
        .iter()
        .take(100)
        .flat_map(|c| {
            (0..100).map(move |k| Coord {
                x: c.x + ((k * 37) % 61) as f64 * 50.0,
                y: c.y + ((k * 53) % 59) as f64 * 50.0,
            })
        })
        .collect();
    g.bench_function("edge_rtree_clustered_points", |b| {
        b.iter(|| {
            clustered
                .iter()
                .filter_map(|&p| edges.nearest_outside(black_box(p)))
                .count()
        })
    });
    g.bench_function("edge_rtree_cell_cache_clustered_points", |b| {
        b.iter(|| {
            let mut cache = edges.cache();
            clustered
                .iter()
                .filter_map(|&p| cache.nearest_outside(black_box(p)))
                .count()
        })
    });
    pts.truncate(300);
    let few = &pts[..];
    g.throughput(Throughput::Elements(few.len() as u64));
    g.bench_function("polygon_distance_rtree", |b| {
        b.iter(|| {
            few.iter()
                .filter_map(|&p| polys.nearest(black_box(p)))
                .count()
        })
    });
    g.finish();

    let assigner = Assigner::new(&a.study, &a.coverage);
    let ll = points(10_000);
    let mut g = c.benchmark_group("assign_point");
    g.throughput(Throughput::Elements(ll.len() as u64));
    g.bench_function("lonlat_to_district_and_nearest_team", |b| {
        b.iter(|| {
            let mut cache = assigner.cache();
            ll.iter()
                .filter(|&&p| {
                    assigner
                        .at_lonlat_cached(black_box(p), &mut cache)
                        .area
                        .is_some()
                })
                .count()
        })
    });
    g.finish();
}

fn transform(c: &mut Criterion) {
    let pts = points(10_000);
    let t = covgap::crs::Wgs84ToBng::new();
    let mut g = c.benchmark_group("wgs84_to_bng");
    g.throughput(Throughput::Elements(pts.len() as u64));
    g.bench_function("bulk_transformer", |b| {
        b.iter(|| pts.iter().map(|&p| t.apply(black_box(p)).x).sum::<f64>())
    });
    g.bench_function("proj4rs", |b| {
        b.iter(|| {
            pts.iter()
                .map(|&p| covgap::crs::wgs84_to_bng(black_box(p)).unwrap().x)
                .sum::<f64>()
        })
    });
    g.finish();
}

fn csv_reading(c: &mut Criterion) {
    use covgap::read::points::{Chunker, PointColumns, PointLayout};
    let mut text = String::new();
    for (i, p) in points(50_000).iter().enumerate() {
        text.push_str(&format!(
            "AB{} {}XY,{:.0},{:.0},27700,{:.6},{:.6},S12000033\n",
            i % 99,
            i % 9,
            400_000.0 + p.x * 1000.0,
            500_000.0 + p.y,
            p.y,
            p.x
        ));
    }
    let headers: Vec<String> = [
        "postcode",
        "easting",
        "northing",
        "grid_epsg",
        "latitude",
        "longitude",
        "lad25cd",
    ]
    .map(String::from)
    .to_vec();
    let layout =
        PointLayout::find(headers, &PointColumns::default(), "bench.csv".as_ref()).unwrap();
    let mut g = c.benchmark_group("csv_reading");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("chunk_and_parse_points", |b| {
        b.iter(|| {
            let mut chunker = Chunker::new(text.as_bytes(), 1 << 20, 2);
            let mut n = 0usize;
            let mut rec = csv::ByteRecord::new();
            while let Some(chunk) = chunker.next_chunk().unwrap() {
                let mut r = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .from_reader(&chunk.bytes[..]);
                while r.read_byte_record(&mut rec).unwrap() {
                    if matches!(
                        layout.point(&rec),
                        covgap::read::points::PointGiven::LonLat(..)
                    ) {
                        n += 1;
                    }
                }
            }
            n
        })
    });
    g.finish();
}

fn default_run(c: &mut Criterion) {
    use covgap::write;
    let mut g = c.benchmark_group("default run");
    g.sample_size(20);
    g.bench_function("read and analyse the built-in data", |b| b.iter(analysis));
    let a = analysis();
    let (s, cov, r) = (&a.study, &a.coverage, &a.rollups);
    g.bench_function("map.svg (and the shapes for the PNG)", |b| {
        b.iter(|| write::map::map(black_box(s), cov, r))
    });
    let m = write::map::map(s, cov, r);
    g.bench_function("map.png (A4, 200 dpi)", |b| {
        b.iter_batched(
            || write::map::Canvas::new(write::map::PNG_WIDTH).unwrap(),
            |canvas| m.png(canvas).unwrap(),
            criterion::BatchSize::PerIteration,
        )
    });
    g.bench_function("areas.geojson", |b| {
        b.iter(|| write::geojson::areas(black_box(s), cov))
    });
    g.bench_function("covgap.gpkg", |b| {
        b.iter(|| write::gpkg::gpkg(black_box(s), cov).unwrap())
    });
    g.bench_function("covgap.xlsx", |b| {
        b.iter(|| write::xlsx::xlsx(black_box(s), cov, r).unwrap())
    });
    // Looking for crossing boundary lines in every district, as loading does (one core, in
    // the file's own WGS84), against geo's Validation, which compares every pair of a ring's
    // edges (not run).
    g.bench_function("crossings in every district", |b| {
        b.iter(|| {
            s.areas
                .iter()
                .filter(|x| covgap::validity::crossings(black_box(&x.wgs84)).is_some())
                .count()
        })
    });
    // Looking for areas that overlap, as loading does (on every core).
    g.bench_function("overlaps among the districts", |b| {
        let geometries: Vec<&geo::MultiPolygon> = s.areas.iter().map(|a| &a.bng).collect();
        let points: Vec<Coord> = s.areas.iter().map(|a| a.point.bng.0).collect();
        b.iter(|| covgap::validity::overlaps(black_box(&geometries), &points).len())
    });
    g.bench_function("validate every district (not run)", |b| {
        use geo::algorithm::Validation;
        b.iter(|| s.areas.iter().all(|x| black_box(&x.wgs84).is_valid()))
    });
    g.finish();
}

criterion_group!(
    benches,
    containment,
    nearest_team,
    transform,
    csv_reading,
    default_run
);
criterion_main!(benches);
