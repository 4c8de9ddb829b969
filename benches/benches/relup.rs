#![allow(missing_docs)] // criterion_group! generates undocumented items
//! Relup generation for releases of 10 to 5,000 applications of 20 modules
//! each: the whole job (reading every `.rel`, `.app` and `.appup` from disk,
//! generating, printing the relup file) and generation alone on releases
//! already loaded.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use erlrel_benches::write_release_pair;
use erlterm::Term;
use relup::input::library_from_dirs;
use relup::{BaseRelease, LoadedRelease, Options, ReleaseInput};

fn generate(c: &mut Criterion) {
    let mut g = c.benchmark_group("relup");
    g.sample_size(10);
    for n in [10usize, 100, 500, 5000] {
        let dir = std::env::temp_dir().join(format!("erlrel-bench-relup-{n}"));
        let _ = std::fs::remove_dir_all(&dir);
        let Ok((old, new)) = write_release_pair(&dir, n, 20) else {
            continue;
        };
        let base = vec![(old.clone(), Term::nil())];
        let libs = vec![dir.join("lib")];
        g.bench_function(BenchmarkId::new("read_generate_print", n), |b| {
            b.iter(|| {
                relup::make_relup_from_paths(&new, &base, &base, &libs, Options::default())
                    .map(|out| out.relup.to_file_text().len())
            })
        });
        let library = library_from_dirs(&libs);
        let load = |p: &std::path::Path| {
            ReleaseInput::open(p).and_then(|input| LoadedRelease::load(&input, &library))
        };
        let (Ok(top), Ok(old)) = (load(&new), load(&old)) else {
            continue;
        };
        let bases = [BaseRelease::new(Arc::new(old))];
        g.bench_function(BenchmarkId::new("generate", n), |b| {
            b.iter(|| relup::make_relup(&top, &bases, &bases, Options::default()).is_ok())
        });
    }
    g.finish();
}

criterion_group!(benches, generate);
criterion_main!(benches);
