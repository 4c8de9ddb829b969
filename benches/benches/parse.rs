#![allow(missing_docs)] // criterion_group! generates undocumented items
//! Parse throughput: erlterm (into `Term`, and validate-only) against
//! serde_json (into `Value`, and into `IgnoredAny`) on the same documents;
//! on every input shape of `erlrel_benches::SHAPES` (groups
//! `shape_SHAPE_SIZE`) also erlterm's span tree (`parse_nodes`) and the
//! shape's typed model read by `erlterm::from_str` and by
//! `serde_json::from_str` (from the typed JSON twin).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use erlrel_benches::{
    appup_like, config_like, corpus_files, shape_input, to_erlang_file, to_json, typed_erlterm,
    typed_json, SHAPES,
};
use serde::de::IgnoredAny;

fn bench_doc(c: &mut Criterion, name: &str, erl: &str, json: &str) {
    let mut g = c.benchmark_group(name);
    g.sample_size(10);
    g.throughput(Throughput::Bytes(erl.len() as u64));
    g.bench_function(BenchmarkId::new("erlterm_term", erl.len()), |b| {
        b.iter(|| erlterm::parse_str(erl).map(|t| t.len()))
    });
    g.bench_function(BenchmarkId::new("erlterm_validate", erl.len()), |b| {
        b.iter(|| erlterm::validate(erl))
    });
    g.throughput(Throughput::Bytes(json.len() as u64));
    g.bench_function(BenchmarkId::new("serde_json_value", json.len()), |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(json).map(|v| v.is_null()))
    });
    g.bench_function(BenchmarkId::new("serde_json_ignored", json.len()), |b| {
        b.iter(|| serde_json::from_str::<IgnoredAny>(json).is_ok())
    });
    g.finish();
}

fn generated(c: &mut Criterion) {
    for (label, mb) in [("1MB", 1usize), ("16MB", 16)] {
        let config = config_like(mb << 20, 7);
        bench_doc(
            c,
            &format!("config_{label}"),
            &to_erlang_file(&config),
            &to_json(&config),
        );
        let appup = appup_like(mb << 20, 11);
        bench_doc(
            c,
            &format!("appup_{label}"),
            &to_erlang_file(&appup),
            &to_json(&appup),
        );
    }
}

fn shapes(c: &mut Criterion) {
    for (label, mb) in [("1MB", 1usize), ("16MB", 16)] {
        for shape in SHAPES {
            let Some(input) = shape_input(shape, mb << 20) else {
                continue;
            };
            let (erl, json, typed) = (&input.erl, &input.json, &input.typed_json);
            let mut g = c.benchmark_group(format!("shape_{shape}_{label}"));
            g.sample_size(10);
            g.throughput(Throughput::Bytes(erl.len() as u64));
            g.bench_function(BenchmarkId::new("erlterm_term", erl.len()), |b| {
                b.iter(|| erlterm::parse_str(erl).map(|t| t.len()))
            });
            g.bench_function(BenchmarkId::new("erlterm_validate", erl.len()), |b| {
                b.iter(|| erlterm::validate(erl))
            });
            g.bench_function(BenchmarkId::new("erlterm_nodes", erl.len()), |b| {
                b.iter(|| erlterm::parse_nodes(erl).map(|t| t.len()))
            });
            g.bench_function(BenchmarkId::new("erlterm_typed", erl.len()), |b| {
                b.iter(|| typed_erlterm(shape, erl).is_ok())
            });
            g.throughput(Throughput::Bytes(json.len() as u64));
            g.bench_function(BenchmarkId::new("serde_json_value", json.len()), |b| {
                b.iter(|| serde_json::from_str::<serde_json::Value>(json).map(|v| v.is_null()))
            });
            g.bench_function(BenchmarkId::new("serde_json_ignored", json.len()), |b| {
                b.iter(|| serde_json::from_str::<IgnoredAny>(json).is_ok())
            });
            g.throughput(Throughput::Bytes(typed.len() as u64));
            g.bench_function(BenchmarkId::new("serde_json_typed", typed.len()), |b| {
                b.iter(|| typed_json(shape, typed).is_ok())
            });
            g.finish();
        }
    }
}

fn corpus(c: &mut Criterion) {
    let files = corpus_files(std::path::Path::new("../../shared"));
    let files = if files.is_empty() {
        corpus_files(std::path::Path::new("../shared"))
    } else {
        files
    };
    if files.is_empty() {
        return;
    }
    let bytes: usize = files.iter().map(String::len).sum();
    let mut g = c.benchmark_group("corpus");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function(BenchmarkId::new("erlterm_term", bytes), |b| {
        b.iter(|| {
            files
                .iter()
                .filter(|f| erlterm::parse_str(f).is_ok())
                .count()
        })
    });
    g.bench_function(BenchmarkId::new("erlterm_validate", bytes), |b| {
        b.iter(|| {
            files
                .iter()
                .filter(|f| erlterm::validate(f).is_ok())
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, generated, shapes, corpus);
criterion_main!(benches);
