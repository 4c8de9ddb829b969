//! Paired throughput check: `throughput FILE FILE.json [ROUNDS]` times
//! erlterm (`Term`, validate) and serde_json (`Value`, `IgnoredAny`) in
//! interleaved rounds, and prints the median MB/s of each and the median of
//! the per-round ratios. `throughput FILE FILE.json ROUNDS SHAPE FILE.typed.json`
//! (a shape of `erlrel_benches::SHAPES`, files from `gen_inputs --shapes`)
//! adds erlterm's span tree (`parse_nodes`, against `Value`) and the typed
//! models (`erlterm::from_str` against `serde_json::from_str` on the typed
//! JSON twin), and prints each comparison as a `tsv` line for
//! `benches/shapes_table.py`. `REPS=N` sets the parses per round (default 5). In a round each parser runs `REPS` times back to
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
//! `CONTENDERS=typed,typed_json` (names as for `ONLY`) times only those,
//! paired as before.
//!
//! With `ONLY=term|validate|nodes|typed|value|ignored|typed_json`, only that loop runs (for
//! profiling), one parse per round, and the best MB/s of the rounds is
//! printed; with `SEQUENCE=1` as well, every parse's time in order.

use serde::de::IgnoredAny;
use std::time::Instant;

/// Every contender: name, and whether it reads the Erlang text.
const ALL: [(&str, bool); 7] = [
    ("term", true),
    ("value", false),
    ("validate", true),
    ("ignored", false),
    ("nodes", true),
    ("typed", true),
    ("typed_json", false),
];

/// The comparisons: label, ours, theirs (indices into `ALL`).
const PAIRS: [(&str, usize, usize); 4] = [
    ("Term / Value", 0, 1),
    ("validate / IgnoredAny", 2, 3),
    ("span tree / Value", 4, 1),
    ("typed / serde_json typed", 5, 6),
];

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
        eprintln!("usage: throughput FILE FILE.json [ROUNDS [SHAPE FILE.typed.json]]");
        std::process::exit(2);
    };
    let rounds: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(40);
    let shape = args.get(4).cloned();
    let reps: usize = std::env::var("REPS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5)
        .max(2);
    let (Ok(erl), Ok(json)) = (std::fs::read_to_string(erl), std::fs::read_to_string(json)) else {
        eprintln!("cannot read the input files");
        std::process::exit(2);
    };
    let typed_json = match (&shape, args.get(5)) {
        (Some(_), Some(path)) => std::fs::read_to_string(path).unwrap_or_else(|e| {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(2);
        }),
        (Some(_), None) => {
            eprintln!("SHAPE needs the typed JSON twin");
            std::process::exit(2);
        }
        _ => String::new(),
    };
    let shape = shape.unwrap_or_default();
    let parse = |name: &str| -> bool {
        match name {
            "term" => erlterm::parse_str(&erl).is_ok(),
            "validate" => erlterm::validate(&erl).is_ok(),
            "nodes" => erlterm::parse_nodes(&erl).is_ok(),
            "typed" => erlrel_benches::typed_erlterm(&shape, &erl).is_ok(),
            "value" => serde_json::from_str::<serde_json::Value>(&json).is_ok(),
            "typed_json" => erlrel_benches::typed_json(&shape, &typed_json).is_ok(),
            _ => serde_json::from_str::<IgnoredAny>(&json).is_ok(),
        }
    };
    let bytes = |name: &str| match name {
        "typed_json" => typed_json.len(),
        _ if ALL.iter().any(|&(n, erl)| n == name && erl) => erl.len(),
        _ => json.len(),
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

    // Without a shape, the four contenders of the older measurement;
    // `CONTENDERS=a,b` keeps those named (one comparison, more rounds in
    // the same time).
    let named = std::env::var("CONTENDERS").ok();
    let contenders: Vec<usize> = if shape.is_empty() {
        vec![0, 1, 2, 3]
    } else {
        (0..ALL.len()).collect()
    }
    .into_iter()
    .filter(|&c| {
        named
            .as_deref()
            .is_none_or(|n| n.split(',').any(|n| n == ALL[c].0))
    })
    .collect();
    // means[c][r] and bests[c][r]: contender c in round r; the order
    // rotates every round.
    // A contender whose parse takes longer than SLOW_SECS (default 5) is
    // timed once, in the first round only, so that one pathological
    // operation does not hold the whole run up; its ratios then come from
    // that round alone.
    let slow_secs: f64 = std::env::var("SLOW_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5.0);
    let mut slow = [false; ALL.len()];
    let mut means = vec![Vec::with_capacity(rounds); ALL.len()];
    let mut bests = means.clone();
    for r in 0..rounds {
        for k in 0..contenders.len() {
            let c = contenders[(r + k) % contenders.len()];
            if slow[c] {
                continue;
            }
            let mut times = Vec::with_capacity(reps);
            for _ in 0..reps {
                let t = time(&|| parse(ALL[c].0));
                times.push(t);
                if t > slow_secs {
                    slow[c] = true;
                    break;
                }
            }
            let measured = if times.len() > 1 {
                &times[1..]
            } else {
                &times[..]
            };
            if let (Some(mean), Some(best)) = (means.get_mut(c), bests.get_mut(c)) {
                mean.push(measured.iter().sum::<f64>() / measured.len() as f64);
                best.push(times.iter().copied().fold(f64::INFINITY, f64::min));
            }
        }
    }
    for (c, &(name, _)) in ALL.iter().enumerate() {
        if slow[c] {
            println!(
                "{name}: a parse took over {slow_secs} s; timed in {} round(s) only",
                means[c].len()
            );
        }
    }
    for &c in &contenders {
        let name = ALL[c].0;
        print!("{name} {:.0} MB/s  ", mb_s(name, median(means[c].clone())));
    }
    println!(
        "(medians of {rounds} rounds, each the mean of {} parses after one to warm up)",
        reps - 1
    );
    for (label, ours, theirs) in PAIRS {
        if !contenders.contains(&ours) || !contenders.contains(&theirs) {
            continue;
        }
        let (doc, q1, q3) = round_ratios(&means, ours, theirs);
        let (best, b1, b3) = round_ratios(&bests, ours, theirs);
        let size_ratio = bytes(ALL[ours].0) as f64 / bytes(ALL[theirs].0) as f64;
        println!(
            "{label}: per document {doc:.2}x (quartiles {q1:.2}-{q3:.2}), per byte {:.2}x; \
             fastest of {reps}: {best:.2}x ({b1:.2}-{b3:.2})",
            doc * size_ratio
        );
        if !shape.is_empty() {
            println!(
                "tsv\t{label}\t{}\t{:.1}\t{}\t{:.1}\t{doc:.3}\t{q1:.3}\t{q3:.3}\t{:.3}\t{best:.3}\t{}\t{}",
                ALL[ours].0,
                mb_s(ALL[ours].0, median(means[ours].clone())),
                ALL[theirs].0,
                mb_s(ALL[theirs].0, median(means[theirs].clone())),
                doc * size_ratio,
                bytes(ALL[ours].0),
                bytes(ALL[theirs].0),
            );
        }
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
