//! How the look for crossing boundary lines (`covgap::validity`) and geo's `Validation` grow
//! with the length of a ring, on two valid rings, so that both must compare everything they
//! compare:
//! - a wavy circle, like a coastline at a distance: few edges overlap in x at once, the sweep's
//!   best case;
//! - a comb whose long teeth run east to west, so that every tooth's edges overlap every
//!   other's in x: the sweep's worst case, where it too compares nearly every pair;
//! - a square whose west side is one straight line through many positions, which covgap
//!   reduces to its corners before the sweep.
//!
//! geo's pairwise check is left out where it would take over a minute. Last, the look for areas
//! that overlap is timed on files that give every area twice.
//!
//! `cargo run --release --example long_ring_validation` (figures in BENCHMARKS.md).

use std::time::Instant;

use geo::algorithm::Validation;
use geo::{LineString, MultiPolygon, Polygon};

fn wavy_circle(n: usize) -> Vec<(f64, f64)> {
    (0..n)
        .map(|i| {
            let t = i as f64 / n as f64 * std::f64::consts::TAU;
            let r = 10_000.0 + 50.0 * (t * 977.0).sin();
            (r * t.cos(), r * t.sin())
        })
        .collect()
}

fn comb(n: usize) -> Vec<(f64, f64)> {
    let teeth = n / 4;
    let mut ring = vec![(0.0, 0.0)];
    for t in 0..teeth {
        let y = 2.0 * t as f64;
        ring.extend([
            (10_000.0, y),
            (10_000.0, y + 1.0),
            (1.0, y + 1.0),
            (1.0, y + 2.0),
        ]);
    }
    ring.push((0.0, 2.0 * teeth as f64));
    ring
}

/// A square whose west side is one straight line through `n` positions, as boundaries drawn
/// on a grid or densified for reprojection have.
fn straight_sided_square(n: usize) -> Vec<(f64, f64)> {
    let mut ring = vec![
        (0.0, 0.0),
        (10_000.0, 0.0),
        (10_000.0, 10_000.0),
        (0.0, 10_000.0),
    ];
    ring.extend((1..n).map(|i| (0.0, 10_000.0 - 10_000.0 * i as f64 / n as f64)));
    ring
}

fn time(shape: &str, ring: Vec<(f64, f64)>, geo_too: bool) {
    let n = ring.len();
    let area = MultiPolygon(vec![Polygon::new(LineString::from(ring), vec![])]);
    let started = Instant::now();
    let found = covgap::validity::crossings(&area);
    let sweep = started.elapsed();
    assert!(found.is_none(), "the {shape} does not cross itself");
    let geo = geo_too.then(|| {
        let started = Instant::now();
        assert!(area.is_valid());
        started.elapsed()
    });
    match geo {
        Some(g) => println!("{shape}, {n} vertices: covgap {sweep:.1?}, geo Validation {g:.2?}"),
        None => println!("{shape}, {n} vertices: covgap {sweep:.1?}, geo Validation not run"),
    }
}

fn main() {
    for n in [10_000, 30_000, 100_000] {
        time("wavy circle", wavy_circle(n), n <= 30_000);
    }
    for n in [4_000, 20_000, 60_000] {
        time("comb", comb(n), n <= 20_000);
    }
    for n in [5_000, 40_000] {
        time(
            "square with a straight west side",
            straight_sided_square(n),
            n <= 5_000,
        );
    }
    // Not rings: the look for areas that overlap, on a file giving every area twice, which
    // makes one group of overlapping areas per area.
    for n in [9_800, 39_200] {
        let (areas, points): (Vec<MultiPolygon>, Vec<geo::Coord>) = (0..n)
            .map(|i| {
                let (x, y) = (((i / 2) % 200) as f64 * 10.0, ((i / 2) / 200) as f64 * 10.0);
                let square = vec![(x, y), (x + 10.0, y), (x + 10.0, y + 10.0), (x, y + 10.0)];
                let area = MultiPolygon(vec![Polygon::new(LineString::from(square), vec![])]);
                (area, geo::coord! { x: x + 5.0, y: y + 5.0 })
            })
            .unzip();
        let started = Instant::now();
        let groups = covgap::validity::overlaps(&areas, &points).len();
        assert_eq!(groups, n / 2);
        println!(
            "{n} areas, each given twice: overlaps grouped in {:.1?}",
            started.elapsed()
        );
    }
}
