//! Criterion benchmarks for `covgap plan`'s inner loops on the built-in data: building the
//! instance, lazy greedy, interchange and the exact solve, at 20 km and 40 km with N = 20.

use criterion::{criterion_group, criterion_main, Criterion};

use covgap::error::Diagnostics;
use covgap::load;
use covgap::plan::exact::{max_cover, Limits};
use covgap::plan::greedy::{greedy, greedy_naive, interchange};
use covgap::plan::instance::{DemandPoints, Instance, Model, RankBy};

fn bench(c: &mut Criterion) {
    let study = load::load(&load::Inputs::default(), &mut Diagnostics::new()).expect("built-in");
    let fixed: Vec<_> = study.teams.iter().filter(|t| t.counted).cloned().collect();
    let demand = DemandPoints::districts(&study, RankBy::Births, None).expect("demand");
    for km in [20.0, 40.0] {
        let model = Model::Radius(km);
        c.bench_function(&format!("instance build {km} km"), |b| {
            b.iter(|| Instance::build(&study, &demand, &fixed, None, model, 20))
        });
        let inst = Instance::build(&study, &demand, &fixed, None, model, 20);
        let p = inst.max_cover();
        c.bench_function(&format!("greedy lazy {km} km N=20"), |b| {
            b.iter(|| greedy(&p, 20))
        });
        c.bench_function(&format!("greedy naive {km} km N=20"), |b| {
            b.iter(|| greedy_naive(&p, 20))
        });
        let g = greedy(&p, 20);
        c.bench_function(&format!("interchange {km} km N=20"), |b| {
            b.iter(|| interchange(&p, &g.sites))
        });
        c.bench_function(&format!("exact {km} km N=20"), |b| {
            b.iter(|| max_cover(&p, 20, &g.sites, &Limits::default()))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
