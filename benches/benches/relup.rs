#![allow(missing_docs)] // criterion_group! generates undocumented items
//! Relup generation time for releases of 10 to 5,000 applications of 20
//! modules each, read from disk as `erlrel relup` does.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use erlrel_benches::write_release_pair;
use erlterm::Term;

fn generate(c: &mut Criterion) {
    let mut g = c.benchmark_group("relup_generate");
    g.sample_size(10);
    for n in [10usize, 100, 500, 5000] {
        let dir = std::env::temp_dir().join(format!("erlrel-bench-relup-{n}"));
        let _ = std::fs::remove_dir_all(&dir);
        let Ok((old, new)) = write_release_pair(&dir, n, 20) else {
            continue;
        };
        let base = vec![(old, Term::nil())];
        let libs = vec![dir.join("lib")];
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| {
                relup::make_relup_from_paths(&new, &base, &base, &libs, relup::Options::default())
                    .map(|out| out.relup.to_file_text().len())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, generate);
criterion_main!(benches);
