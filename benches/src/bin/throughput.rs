//! Quick throughput check between criterion runs:
//! `throughput FILE.config FILE.json [ROUNDS]` prints MB/s of erlterm
//! (`Term`, validate) and serde_json (`Value`, `IgnoredAny`), best of ROUNDS.
//! With `ONLY=term|validate|value|ignored`, only that loop runs (for profiling).

use serde::de::IgnoredAny;
use std::time::Instant;

fn best_mb_s(bytes: usize, rounds: usize, f: &dyn Fn() -> bool) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..rounds {
        let t = Instant::now();
        assert!(f(), "input rejected");
        best = best.min(t.elapsed().as_secs_f64());
    }
    bytes as f64 / 1e6 / best
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(erl), Some(json)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: throughput FILE FILE.json [ROUNDS]");
        std::process::exit(2);
    };
    let rounds = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(10);
    let (Ok(erl), Ok(json)) = (std::fs::read_to_string(erl), std::fs::read_to_string(json)) else {
        eprintln!("cannot read the input files");
        std::process::exit(2);
    };
    // `ONLY=term|validate|value|ignored` runs one loop alone (for profiling).
    let only = std::env::var("ONLY").ok();
    let runs = |name: &str| only.as_deref().map_or(true, |o| o == name);
    let speed = |name: &str, bytes: usize, f: &dyn Fn() -> bool| {
        if runs(name) {
            best_mb_s(bytes, rounds, f)
        } else {
            f64::NAN
        }
    };
    let term = speed("term", erl.len(), &|| erlterm::parse_str(&erl).is_ok());
    let validate = speed("validate", erl.len(), &|| erlterm::validate(&erl).is_ok());
    let value = speed("value", json.len(), &|| {
        serde_json::from_str::<serde_json::Value>(&json).is_ok()
    });
    let ignored = speed("ignored", json.len(), &|| {
        serde_json::from_str::<IgnoredAny>(&json).is_ok()
    });
    println!(
        "term {term:.0} MB/s  value {value:.0} MB/s  ratio {:.2}x | validate {validate:.0} MB/s  ignored {ignored:.0} MB/s  ratio {:.2}x",
        term / value,
        validate / ignored
    );
}
