//! How the look for crossing boundary lines (`covgap::validity`) and geo's `Validation` grow
//! with the length of a ring: a wavy circle of 10,000, 30,000 and 100,000 vertices, which is
//! valid, so both must compare everything they compare. geo's pairwise check is skipped at
//! 100,000 vertices, where it would take over a minute.
//!
//! `cargo run --release --example long_ring_validation` (figures in BENCHMARKS.md).

use std::time::Instant;

use geo::algorithm::Validation;
use geo::{LineString, MultiPolygon, Polygon};

fn main() {
    for n in [10_000usize, 30_000, 100_000] {
        let ring: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let t = i as f64 / n as f64 * std::f64::consts::TAU;
                let r = 10_000.0 + 50.0 * (t * 977.0).sin();
                (r * t.cos(), r * t.sin())
            })
            .collect();
        let area = MultiPolygon(vec![Polygon::new(LineString::from(ring), vec![])]);
        let started = Instant::now();
        let found = covgap::validity::crossings(&area);
        let sweep = started.elapsed();
        assert!(found.is_none(), "the wavy circle does not cross itself");
        let geo = (n <= 30_000).then(|| {
            let started = Instant::now();
            assert!(area.is_valid());
            started.elapsed()
        });
        match geo {
            Some(g) => println!("{n} vertices: covgap {sweep:.1?}, geo Validation {g:.2?}"),
            None => println!("{n} vertices: covgap {sweep:.1?}, geo Validation not run"),
        }
    }
}
