//! The lints do work linear in the number of entries (issue: 8000 entries
//! took 3.4 s and 571 MB, 20000 regex entries 161 s). Asserted on work
//! counters, not on time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use appup::lint::{lint_counted, LintOptions, LintWork};
use appup::Appup;

/// `n` entries in each direction: exact versions, or distinct regexes
/// `1\.N(\.[0-9]+)*`, or one regex repeated.
fn appup(n: usize, kind: &str) -> String {
    let spec = |i: usize| match kind {
        "exact" => format!("\"1.0.{i}\""),
        "regex" => format!("<<\"1\\\\.{i}(\\\\.[0-9]+)*\">>"),
        _ => "<<\"1\\\\.0(\\\\.[0-9]+)*\">>".to_string(),
    };
    let up: Vec<String> = (0..n)
        .map(|i| format!("{{{},[{{load_module,m{i}}}]}}", spec(i)))
        .collect();
    let down: Vec<String> = (0..n).map(|i| format!("{{{},[]}}", spec(i))).collect();
    format!("{{\"2.0.0\",[{}],[{}]}}.", up.join(","), down.join(","))
}

fn work(n: usize, kind: &str) -> (usize, LintWork) {
    let appup = Appup::parse(&appup(n, kind)).unwrap();
    let (lints, work) = lint_counted(&appup, &LintOptions::default());
    (lints.len(), work)
}

#[test]
fn distinct_regexes_cost_linear_work() {
    let (_, small) = work(500, "regex");
    let (_, big) = work(2000, "regex");
    assert_eq!(small.patterns_compiled, 500);
    assert_eq!(big.patterns_compiled, 2000);
    assert_eq!(big.patterns_skipped, 0);
    // Quadratic work (every pattern on every version string) would be
    // 16 times as much for 4 times the entries; the literal prefixes keep
    // each pattern on the few strings that can match.
    assert!(
        big.regex_evaluations < 6 * small.regex_evaluations,
        "{small:?} {big:?}"
    );
    assert!(big.regex_evaluations < 100 * 2000, "{big:?}");
}

#[test]
fn a_repeated_regex_is_compiled_and_run_once() {
    let (small_lints, small) = work(200, "same");
    let (big_lints, big) = work(2000, "same");
    assert_eq!((small.patterns_compiled, big.patterns_compiled), (1, 1));
    // Each entry after the first is shadowed in both directions, and each
    // of the 2n entries is a partial pattern.
    assert_eq!(small_lints, 2 * 199 + 2 * 200);
    assert_eq!(big_lints, 2 * 1999 + 2 * 2000);
    // The one pattern runs on the version strings of the file, which grow
    // with the entries, but never once per entry.
    assert!(
        big.regex_evaluations < 2 * small.regex_evaluations + 20_000,
        "{small:?} {big:?}"
    );
}

#[test]
fn exact_versions_run_no_pattern() {
    let (lints, w) = work(3000, "exact");
    assert_eq!(lints, 0);
    assert_eq!((w.patterns_compiled, w.regex_evaluations), (0, 0));
}
