//! Paired throughput check: `throughput FILE FILE.json [ROUNDS]` times
//! erlterm (`Term`, validate) and serde_json (`Value`, `IgnoredAny`) in
//! interleaved rounds, and prints the median MB/s of each and the median of
//! the per-round ratios. In a round each parser runs `REPS` times back to
//! back (caches and branch predictors warm, as in criterion's loops); the
//! order of the parsers rotates every round.
//!
//! A round's time for a parser is the mean of its parses after the first
//! (which follows another parser's, and warms up), the quantity criterion
//! estimates: the cost per parse of a loop. The ratio of the fastest of the
//! `REPS` parses is printed too; it leaves out costs that come back every
//! few parses, such as the slower of the two heap states that serde_json's
//! `Value` alternates between on the config file (see benches/README.md),
//! so it is the stricter of the two for erlterm.
//!
//! Why paired: on the shared 2-core machines the speed of the same code
//! swings by up to 40% for seconds at a time (other tenants on the host),
//! so two benchmarks timed seconds apart, as criterion does, can land in
//! different regimes. Within one round the contenders run milliseconds
//! apart and see the same machine; the median of the round ratios is
//! stable across runs where the ratio of criterion estimates is not.
//!
//! With `ONLY=term|validate|value|ignored`, only that loop runs (for
//! profiling), one parse per round, and the best MB/s of the rounds is
//! printed; with `SEQUENCE=1` as well, every parse's time in order.

use serde::de::IgnoredAny;
use std::time::Instant;

const CONTENDERS: [&str; 4] = ["term", "value", "validate", "ignored"];

/// Back-to-back parses per parser and round.
const REPS: usize = 5;

fn time(f: &dyn Fn() -> bool) -> f64 {
    let t = Instant::now();
    assert!(f(), "input rejected");
    t.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The 25th and 75th percentiles.
fn quartiles(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    let at = |q: usize| v.get(v.len() * q / 4).copied().unwrap_or(f64::NAN);
    (at(1), at(3))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(erl), Some(json)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: throughput FILE FILE.json [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(40);
    let (Ok(erl), Ok(json)) = (std::fs::read_to_string(erl), std::fs::read_to_string(json)) else {
        eprintln!("cannot read the input files");
        std::process::exit(2);
    };
    let parse = |name: &str| -> bool {
        match name {
            "term" => erlterm::parse_str(&erl).is_ok(),
            "validate" => erlterm::validate(&erl).is_ok(),
            "value" => serde_json::from_str::<serde_json::Value>(&json).is_ok(),
            _ => serde_json::from_str::<IgnoredAny>(&json).is_ok(),
        }
    };
    let bytes = |name: &str| {
        if matches!(name, "term" | "validate") {
            erl.len()
        } else {
            json.len()
        }
    };
    let mb_s = |name: &str, seconds: f64| bytes(name) as f64 / 1e6 / seconds;

    if let Ok(only) = std::env::var("ONLY") {
        let times: Vec<f64> = (0..rounds).map(|_| time(&|| parse(&only))).collect();
        let best = times.iter().copied().fold(f64::INFINITY, f64::min);
        println!("{only} {:.0} MB/s (best of {rounds})", mb_s(&only, best));
        if std::env::var_os("SEQUENCE").is_some() {
            let ms: Vec<String> = times.iter().map(|t| format!("{:.1}", t * 1e3)).collect();
            println!("ms per parse, in order: {}", ms.join(" "));
        }
        return;
    }

    // means[c][r] and bests[c][r]: contender c in round r; the order
    // rotates every round.
    let mut means = vec![Vec::with_capacity(rounds); CONTENDERS.len()];
    let mut bests = means.clone();
    for r in 0..rounds {
        for k in 0..CONTENDERS.len() {
            let c = (r + k) % CONTENDERS.len();
            let reps: Vec<f64> = (0..REPS).map(|_| time(&|| parse(CONTENDERS[c]))).collect();
            if let (Some(mean), Some(best)) = (means.get_mut(c), bests.get_mut(c)) {
                mean.push(reps.iter().skip(1).sum::<f64>() / (REPS - 1) as f64);
                best.push(reps.iter().copied().fold(f64::INFINITY, f64::min));
            }
        }
    }
    for (c, name) in CONTENDERS.iter().enumerate() {
        print!("{name} {:.0} MB/s  ", mb_s(name, median(means[c].clone())));
    }
    println!(
        "(medians of {rounds} rounds, each the mean of {} parses after one to warm up)",
        REPS - 1
    );
    let size_ratio = erl.len() as f64 / json.len() as f64;
    for (label, ours, theirs) in [("Term / Value", 0, 1), ("validate / IgnoredAny", 2, 3)] {
        let (doc, q1, q3) = round_ratios(&means, ours, theirs);
        let (best, b1, b3) = round_ratios(&bests, ours, theirs);
        println!(
            "{label}: per document {doc:.2}x (quartiles {q1:.2}-{q3:.2}), per byte {:.2}x; \
             fastest of {REPS}: {best:.2}x ({b1:.2}-{b3:.2})",
            doc * size_ratio
        );
    }
}

/// The median and quartiles of the per-round ratios `theirs / ours`.
fn round_ratios(times: &[Vec<f64>], ours: usize, theirs: usize) -> (f64, f64, f64) {
    let ratios: Vec<f64> = times[theirs]
        .iter()
        .zip(&times[ours])
        .map(|(t, o)| t / o)
        .collect();
    let (q1, q3) = quartiles(ratios.clone());
    (median(ratios), q1, q3)
}
